// Issue 14: sample size and allocation (include/commdx/sampling.hpp). The expected numbers are
// worked by hand from the textbook formulas, and printed independently of commdx by
// tests/data/sampling/reference.R (base R; PracTools' closed forms beside the stepwise ones).
#include <gtest/gtest.h>

#include <commdx/sampling.hpp>

#include <numeric>
#include <string>
#include <vector>

namespace {

namespace s = commdx::sampling;

s::domain_input proportion(double p, double N = s::infinite, double deff = 1.0, double rr = 1.0) {
  s::domain_input d;
  d.p = p;
  d.population = N;
  d.deff = deff;
  d.response_rate = rr;
  return d;
}

s::size_target margin(double e, double confidence = 0.95) { return {s::precision::margin, e, confidence}; }

// Refusal helper: the thrown error's id and location.
template <class F>
commdx::input_error refusal(F f) {
  try {
    f();
  } catch (const commdx::input_error& e) {
    return e;
  }
  ADD_FAILURE() << "no refusal";
  return commdx::input_error(commdx::location{}, "none");
}

// Cochran (1977, §4.4) n0 = z^2 pq / e^2 with p = 0.5, e = 0.05, 95%: n0 = 1.959964^2 x 0.25 / 0.0025 = 384.146,
// the "385 for plus or minus five points" of every survey handbook (reference.R case 1).
TEST(SampleSize, TheClassicProportionMargin) {
  auto r = s::sample_sizes({proportion(0.5)}, margin(0.05));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NEAR(r[0].z, 1.959963984540054, 1e-12);
  EXPECT_NEAR(r[0].n0, 384.145882069412, 1e-9);
  EXPECT_DOUBLE_EQ(r[0].n_deff, r[0].n0);
  EXPECT_DOUBLE_EQ(r[0].n_fpc, r[0].n0);  // N infinite: no correction
  EXPECT_EQ(r[0].n, 385u);
  EXPECT_EQ(r[0].respondents, 385u);
}

// The re-survey (R4): households per round to detect a change from p1 = 0.4 to 0.5 with a
// two-sided 5% test and power 0.8, each round with its own variance (the Wald test of the change
// tables): n0 = (z_.975 + z_.8)^2 (0.4 x 0.6 + 0.5 x 0.5) / 0.1^2 = 2.8015852^2 x 0.49 / 0.01
// = 384.595 (Chow, Shao & Wang 2008, 4.2, unpooled; 385 a round). A full panel (overlap 1) whose
// answers correlate 0.5 between rounds: the bracket loses 2 x 0.5 x sqrt(0.24 x 0.25) = 0.24495,
// n0 = 7.8488797 x 0.24505 / 0.01 = 192.338. With deff 1.5, N = 5000 and 90% response:
// 576.893 -> fpc 576.893 / (1 + 575.893 / 5000) = 517.310 -> contact 574.789, so 575.
TEST(SampleSize, TheChangeBetweenTwoRounds) {
  s::size_target change{s::precision::change, 0.1, 0.95, 0.8};
  auto fresh = s::sample_sizes({proportion(0.4)}, change);
  EXPECT_NEAR(fresh[0].n0, 384.5951069831052, 1e-9);
  EXPECT_NEAR(fresh[0].unit_variance, 0.49, 1e-15);
  EXPECT_NEAR(fresh[0].target_variance, std::pow(0.1 / 2.801585218112968, 2), 1e-15);
  EXPECT_EQ(fresh[0].n, 385u);
  auto d = proportion(0.4);
  d.overlap = 1.0;
  d.correlation = 0.5;
  EXPECT_NEAR(s::sample_sizes({d}, change)[0].n0, 192.33760296683678, 1e-9);
  d = proportion(0.4, 5000);
  d.deff = 1.5;
  d.response_rate = 0.9;
  const auto w = s::sample_sizes({d}, change)[0];
  EXPECT_NEAR(w.n_fpc, 517.3096897686233, 1e-9);
  EXPECT_NEAR(w.n_contact, 574.7885441873592, 1e-9);
  EXPECT_EQ(w.n, 575u);
  // a fall is sized as a rise; a change leaving (0, 1), a zero change, a power of 1 are refused
  EXPECT_NEAR(s::sample_sizes({proportion(0.5)}, {s::precision::change, -0.1, 0.95, 0.8})[0].n0, 384.5951069831052, 1e-9);
  EXPECT_EQ(refusal([&] { s::sample_sizes({proportion(0.95)}, change); }).where().column, "p");
  EXPECT_EQ(refusal([&] { s::sample_sizes({proportion(0.4)}, {s::precision::change, 0.0, 0.95, 0.8}); }).where().column,
            "change");
  EXPECT_EQ(refusal([&] { s::sample_sizes({proportion(0.4)}, {s::precision::change, 0.1, 0.95, 1.0}); }).where().column,
            "power");
  d = proportion(0.4);
  d.overlap = 1.5;
  EXPECT_EQ(refusal([&] { s::sample_sizes({d}, change); }).where().column, "overlap");
}

// e = 0.03, N = 1251: n0 = 1067.072, and Cochran's (1977, §4.4) n0 / (1 + (n0 - 1)/N) = 576.118, which
// is also PracTools nProp's closed form N/(N-1) pq / (V0 + pq/(N-1)) (reference.R case 2).
TEST(SampleSize, FinitePopulationCorrectionOfAProportionIsCochrans) {
  auto r = s::sample_sizes({proportion(0.5, 1251)}, margin(0.03));
  EXPECT_NEAR(r[0].n0, 1067.07189463726, 1e-8);
  EXPECT_NEAR(r[0].n_fpc, 576.118049371183, 1e-8);
  EXPECT_EQ(r[0].n, 577u);
}

// A ward: p = 0.3, +-5 points at 95%, deff 1.8 (from the last round), N = 4285 households,
// 85% response. n0 = 1.959964^2 x 0.21 / 0.0025 = 322.683; x 1.8 = 580.829;
// / (1 + 579.829/4285) = 511.601; / 0.85 = 601.883: draw 602, for 512 respondents. At n = 511.6
// the design variance 1.8 (N-n)/(N-1) pq/n is exactly (0.05/z)^2 (reference.R case 3).
TEST(SampleSize, StepsOfAWardWithDeffFpcAndResponse) {
  s::domain_input d = proportion(0.3, 4285, 1.8, 0.85);
  d.name = "26506";
  auto r = s::sample_sizes({d}, margin(0.05));
  EXPECT_EQ(r[0].name, "26506");
  EXPECT_NEAR(r[0].n0, 322.682540938306, 1e-9);
  EXPECT_NEAR(r[0].n_deff, 580.828573688951, 1e-9);
  EXPECT_NEAR(r[0].n_fpc, 511.600850997692, 1e-9);
  EXPECT_NEAR(r[0].n_contact, 601.883354114932, 1e-9);
  EXPECT_EQ(r[0].n, 602u);
  EXPECT_EQ(r[0].respondents, 512u);
}

// A mean (members per household, S = 4.2, mean 3.6) to a 5% relative SE, N = 2000:
// n0 = 4.2^2 / (0.05 x 3.6)^2 = 544.444; n0 / (1 + n0/N) = 427.948, PracTools nCont's
// S2 / (V0 + S2/N) (reference.R case 4).
TEST(SampleSize, MeanToARelativeSE) {
  s::domain_input d;
  d.what = s::parameter::mean;
  d.variance = 4.2 * 4.2;
  d.mean = 3.6;
  d.population = 2000;
  auto r = s::sample_sizes({d}, {s::precision::relative_se, 0.05, 0.95});
  EXPECT_NEAR(r[0].n0, 544.444444444444, 1e-9);
  EXPECT_NEAR(r[0].n_fpc, 427.947598253275, 1e-9);
  EXPECT_EQ(r[0].n, 428u);
}

// A proportion p = 0.2 to a 10% relative SE, N = 5000: n0 = q/(p cv^2) = 400; Cochran's fpc gives
// 370.439, PracTools nProp(CV0 = 0.1, pU = 0.2, N = 5000) (reference.R case 5).
TEST(SampleSize, ProportionToARelativeSE) {
  auto r = s::sample_sizes({proportion(0.2, 5000)}, {s::precision::relative_se, 0.1, 0.95});
  EXPECT_NEAR(r[0].n0, 400.0, 1e-9);
  EXPECT_NEAR(r[0].n_fpc, 370.438970179663, 1e-9);
  EXPECT_EQ(r[0].n, 371u);
}

// An exact count is not rounded up once more: p = 0.5 to a 5% relative SE needs
// q / (p cv^2) = 0.5 / (0.5 x 0.0025) = 400 exactly (in floating point 400 within 1e-13).
TEST(SampleSize, AnExactCountIsNotRoundedUpAgain) {
  auto r = s::sample_sizes({proportion(0.5)}, {s::precision::relative_se, 0.05, 0.95});
  EXPECT_EQ(r[0].n, 400u);
}

TEST(SampleSize, RefusesImpossibleInputsNamingTheDomainAndColumn) {
  s::domain_input bad = proportion(1.2, 4285);
  bad.name = "26508";
  auto e = refusal([&] { s::sample_sizes({proportion(0.3, 100), bad}, margin(0.05), "wards.csv"); });
  EXPECT_EQ(e.id(), "commdx.sampling.input");
  EXPECT_EQ(e.where().file, "wards.csv");
  EXPECT_EQ(e.where().row, 2u);
  EXPECT_EQ(e.where().column, "p");
  EXPECT_EQ(e.where().unit, "26508");

  auto neg = refusal([&] { s::sample_sizes({proportion(0.3, -5)}, margin(0.05)); });
  EXPECT_EQ(neg.where().column, "population");
  auto rr = refusal([&] { s::sample_sizes({proportion(0.3, 100, 1.0, 0.0)}, margin(0.05)); });
  EXPECT_EQ(rr.where().column, "response_rate");
  auto deff = refusal([&] { s::sample_sizes({proportion(0.3, 100, -1.0)}, margin(0.05)); });
  EXPECT_EQ(deff.where().column, "deff");
  auto conf = refusal([&] { s::sample_sizes({proportion(0.3)}, margin(0.05, 95)); });
  EXPECT_EQ(conf.where().column, "confidence");
  auto pts = refusal([&] { s::sample_sizes({proportion(0.3)}, margin(5)); });
  EXPECT_EQ(pts.where().column, "margin");
}

// A neighbourhood of 150 households cannot give +-3 points at 60% response: it would need
// 1067.07 x ... -> n_fpc = 150 x 1067.07 / (149 + 1067.07) = 131.6, / 0.6 = 219.4 > 150.
TEST(SampleSize, RefusesADomainTooSmallForTheTarget) {
  s::domain_input d = proportion(0.5, 150, 1.0, 0.6);
  d.name = "NB07";
  auto e = refusal([&] { s::sample_sizes({d}, margin(0.03)); });
  EXPECT_EQ(e.id(), "commdx.sampling.infeasible");
  EXPECT_EQ(e.where().unit, "NB07");
  EXPECT_NE(e.reason().find("220 households"), std::string::npos) << e.reason();
}

// ------------------------------------------------------------------------------------------------

std::vector<s::stratum_input> strata(const std::vector<double>& N, const std::vector<double>& S = {},
                                     const std::vector<double>& c = {}) {
  std::vector<s::stratum_input> out;
  for (std::size_t h = 0; h < N.size(); ++h) {
    s::stratum_input x;
    x.name = "S" + std::to_string(h + 1);
    x.population = N[h];
    if (!S.empty()) x.sd = S[h];
    if (!c.empty()) x.cost = c[h];
    out.push_back(x);
  }
  return out;
}

std::vector<std::size_t> counts(const s::allocation_result& r) {
  std::vector<std::size_t> out;
  for (const auto& x : r.strata) out.push_back(x.n);
  return out;
}

using sizes = std::vector<std::size_t>;

// PracTools' vignette "Sample size calculation in single-stage sampling" (Valliant, Dever &
// Kreuter 2018, ch. 3: six strata of the smho98 hospitals, S_h of expenditure):
// strAlloc(n.tot = 100, Nh, Sh, alloc = "neyman") gives n_h = 100 W_h S_h / sum W_h S_h =
// 34.642, 4.162, 10.473, 3.334, 8.799, 38.590; largest remainder: 35 4 10 3 9 39 (reference.R 6).
TEST(Allocate, NeymanAsPracToolsStrAlloc) {
  auto st = strata({215, 65, 252, 50, 149, 144}, {26787207, 10645109, 6909676, 11085034, 9817762, 44553355},
                   {1400, 200, 300, 600, 450, 1000});
  auto r = s::allocate(st, 100, {s::allocation_method::neyman, 0.5});
  const std::vector<double> exact{34.6416828348418, 4.16194710977725, 10.4734873315489,
                                  3.33380444542347, 8.79897037998571, 38.5901078984229};
  for (std::size_t h = 0; h < exact.size(); ++h) {
    EXPECT_NEAR(r.strata[h].unconstrained, exact[h], 1e-9);
    EXPECT_NEAR(r.strata[h].exact, exact[h], 1e-9);  // no bound binds
    EXPECT_EQ(r.strata[h].bound, "");
  }
  EXPECT_EQ(counts(r), (sizes{35, 4, 10, 3, 9, 39}));
  // anticipated variance of the stratified mean, sum W^2 (1 - n/N) S^2 / n at the integers
  EXPECT_NEAR(r.variance / 2985963034793.81, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.cost, 35 * 1400.0 + 4 * 200.0 + 10 * 300.0 + 3 * 600.0 + 9 * 450.0 + 39 * 1000.0);
}

// The same strata: strAlloc(cost = 100000, ch, alloc = "totcost") gives n = 118.874, and
// alloc = "totvar" with CV0 = 0.05, ybarU = 11664181 gives n = 406.078 (reference.R 7, 8); the
// optimal allocation of 119 follows n_h ∝ N_h S_h / sqrt(c_h): 30.605 9.728 19.989 4.499 13.712
// 40.340 for 118.874 (times 119/118.874 here).
TEST(Allocate, OptimalWithCostsBudgetAndVarianceAsStrAlloc) {
  auto st = strata({215, 65, 252, 50, 149, 144}, {26787207, 10645109, 6909676, 11085034, 9817762, 44553355},
                   {1400, 200, 300, 600, 450, 1000});
  EXPECT_NEAR(s::total_for_budget(st, 100000), 118.874045307092, 1e-9);
  EXPECT_NEAR(s::total_for_variance(st, std::pow(0.05 * 11664181, 2)), 406.078240637092, 1e-8);
  auto r = s::allocate(st, 119, {s::allocation_method::optimal, 0.5});
  const std::vector<double> at_118{30.6054034136602, 9.72847358639308, 19.9891270991554,
                                   4.49912066758511, 13.7116192127243, 40.3403013275735};
  for (std::size_t h = 0; h < at_118.size(); ++h)
    EXPECT_NEAR(r.strata[h].exact, at_118[h] * 119 / 118.874045307092, 1e-9);
  // floors 30 9 20 4 13 40 = 116; remainders .638 .739 .010 .504 .726 .383: +1 to S2, S5, S1
  EXPECT_EQ(counts(r), (sizes{31, 10, 20, 4, 14, 40}));
}

// n_h <= N_h: N = (50, 1000, 1000), S = (100, 5, 5), n = 200. Neyman's 66.7 each breaks N_1 = 50;
// S1 takes all its 50 households and the other two share 150 equally: 75, 75.
TEST(Allocate, AStratumSmallerThanItsShareIsTakenWhole) {
  auto r = s::allocate(strata({50, 1000, 1000}, {100, 5, 5}), 200, {s::allocation_method::neyman, 0.5});
  EXPECT_EQ(counts(r), (sizes{50, 75, 75}));
  EXPECT_EQ(r.strata[0].bound, "population");
  EXPECT_NEAR(r.strata[0].unconstrained, 200.0 / 3, 1e-12);
  EXPECT_NEAR(r.strata[1].exact, 75.0, 1e-12);
}

// Minimums: proportional, N = (9000, 800, 200), n = 300, at least 30 each. Unconstrained 270, 24, 6;
// S2 and S3 go up to 30, S1 keeps 240 (lambda = 240/9000: 800 lambda = 21.3 < 30, as it must).
// A maximum of 200 on S1 then gives 200, and S2/S3 share 100 in proportion 800:200 -> 80, 20,
// but S3's minimum is 30, so S3 = 30 and S2 = 70.
TEST(Allocate, MinimumsAndMaximumsRecomputeTheFreeStrata) {
  auto st = strata({9000, 800, 200});
  for (auto& x : st) x.minimum = 30;
  auto r = s::allocate(st, 300, {s::allocation_method::proportional, 0.5});
  EXPECT_EQ(counts(r), (sizes{240, 30, 30}));
  EXPECT_EQ(r.strata[0].bound, "");
  EXPECT_EQ(r.strata[1].bound, "minimum");
  st[0].maximum = 200;
  r = s::allocate(st, 300, {s::allocation_method::proportional, 0.5});
  EXPECT_EQ(counts(r), (sizes{200, 70, 30}));
  EXPECT_EQ(r.strata[0].bound, "maximum");
  EXPECT_EQ(r.strata[1].bound, "");
  EXPECT_EQ(r.strata[2].bound, "minimum");
}

// Published: the README of the R package stratallo (Wesolowski, Wieczorkowski & Wojciak;
// github.com/wwojciech/stratallo, README.md at commit 0198b6e), its four-stratum example
// N = (3000, 4000, 5000, 2000), S = (48, 79, 76, 16), a = N S, printed to 6-7 digits:
//   opt(n = 190, a)                  31.376147 68.853211 82.798165  6.972477
//   opt(n = 190, a, M = (100, 90, 70, 80))        35.121951 77.073171 70.000000 7.804878
//   opt(n = 190, a, m = (50, 120, 1, 2))          50 120 18 2
//   opt(n = 1284, a, m = (100, 90, 500, 50), M = (300, 400, 800, 90))  228.9496 400.0000 604.1727 50.8777
//   with a = (3000, 4000, 5000, 2000) and the same box: 297.4286 396.5714 500 90, and its
//   round_oric: 297 397 500 90 (our largest remainder gives the same integers).
TEST(Allocate, BoxConstrainedNeymanAsStratallo) {
  auto st = strata({3000, 4000, 5000, 2000}, {48, 79, 76, 16});
  auto exact = [](const s::allocation_result& r) {
    std::vector<double> out;
    for (const auto& x : r.strata) out.push_back(x.exact);
    return out;
  };
  auto expect = [](const std::vector<double>& got, const std::vector<double>& want, double tol) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t h = 0; h < got.size(); ++h) EXPECT_NEAR(got[h], want[h], tol) << "stratum " << h + 1;
  };
  const s::allocation_options ney{s::allocation_method::neyman, 0.5};
  expect(exact(s::allocate(st, 190, ney)), {31.376147, 68.853211, 82.798165, 6.972477}, 5e-7);
  auto upper = st;
  const double M[] = {100, 90, 70, 80};
  for (std::size_t h = 0; h < 4; ++h) upper[h].maximum = M[h];
  expect(exact(s::allocate(upper, 190, ney)), {35.121951, 77.073171, 70.0, 7.804878}, 5e-7);
  auto lower = st;
  const double m[] = {50, 120, 1, 2};
  for (std::size_t h = 0; h < 4; ++h) lower[h].minimum = m[h];
  expect(exact(s::allocate(lower, 190, ney)), {50, 120, 18, 2}, 1e-9);
  auto box = st;
  const double bm[] = {100, 90, 500, 50}, bM[] = {300, 400, 800, 90};
  for (std::size_t h = 0; h < 4; ++h) {
    box[h].minimum = bm[h];
    box[h].maximum = bM[h];
  }
  expect(exact(s::allocate(box, 1284, ney)), {228.9496, 400.0, 604.1727, 50.8777}, 5e-5);
  for (auto& x : box) x.sd = 1.0;  // a = N: (3000, 4000, 5000, 2000)
  const auto r = s::allocate(box, 1284, ney);
  expect(exact(r), {297.4286, 396.5714, 500, 90}, 5e-5);
  EXPECT_EQ(counts(r), (sizes{297, 397, 500, 90}));
}

TEST(Allocate, EqualAllocationAndLargestRemainderKeepTheTotal) {
  auto r = s::allocate(strata({500, 400, 300}), 100, {s::allocation_method::equal, 0.5});
  EXPECT_EQ(counts(r), (sizes{34, 33, 33}));  // 33.33 each: the one left over to the first (tie)
  // the nine wards of the example city (households), proportional, several totals: exact sums and
  // every n_h within one of its exact share
  const std::vector<double> wards{4285, 6120, 3350, 5210, 2890, 7045, 3980, 4410, 2765};
  for (std::size_t n : {100u, 999u, 1200u, 2501u}) {
    auto a = s::allocate(strata(wards), n, {s::allocation_method::proportional, 0.5});
    std::size_t total = 0;
    for (const auto& x : a.strata) {
      total += x.n;
      EXPECT_LT(std::fabs(static_cast<double>(x.n) - x.exact), 1.0);
    }
    EXPECT_EQ(total, n);
  }
}

// Bankier's power allocation. Without S_h and Y_h: n_h ∝ N_h^0.5 for N = (10000, 1000, 100),
// n = 300: 211.830, 66.987, 21.183 -> 212, 67, 21 (reference.R 9). With S_h = (0.5, 0.45, 0.3),
// Y_h = (0.5, 0.3, 0.1): a_h = N_h^0.5 S_h Y_h^-0.5 -> 199.789, 73.407, 26.804 -> 200, 73, 27
// (reference.R 10). q = 1 is Neyman's allocation (a_h = N_h Y_h S_h / Y_h).
TEST(Allocate, PowerAllocationAsBankier) {
  auto r = s::allocate(strata({10000, 1000, 100}), 300, {s::allocation_method::power, 0.5});
  EXPECT_NEAR(r.strata[0].exact, 211.830333508963, 1e-9);
  EXPECT_NEAR(r.strata[1].exact, 66.986633140141, 1e-9);
  EXPECT_EQ(counts(r), (sizes{212, 67, 21}));
  auto st = strata({10000, 1000, 100}, {0.5, 0.45, 0.3});
  const double Y[] = {0.5, 0.3, 0.1};
  for (std::size_t h = 0; h < 3; ++h) st[h].mean = Y[h];
  r = s::allocate(st, 300, {s::allocation_method::power, 0.5});
  EXPECT_NEAR(r.strata[0].exact, 199.788551779353, 1e-9);
  EXPECT_NEAR(r.strata[2].exact, 26.8044469742922, 1e-9);
  EXPECT_EQ(counts(r), (sizes{200, 73, 27}));
  auto q1 = s::allocate(st, 300, {s::allocation_method::power, 1.0});
  auto ney = s::allocate(st, 300, {s::allocation_method::neyman, 0.5});
  for (std::size_t h = 0; h < 3; ++h) EXPECT_NEAR(q1.strata[h].exact, ney.strata[h].exact, 1e-9);
  // q = 0 is equal allocation among the strata that have households: an empty stratum weighs 0
  // (pow(0, 0) = 1 gave it a third of the unconstrained shares): 300 / 2 = 150 each
  auto q0 = s::allocate(strata({10000, 0, 100}), 300, {s::allocation_method::power, 0.0});
  EXPECT_DOUBLE_EQ(q0.strata[1].weight, 0.0);
  EXPECT_DOUBLE_EQ(q0.strata[1].unconstrained, 0.0);
  EXPECT_DOUBLE_EQ(q0.strata[0].unconstrained, 150.0);
  EXPECT_EQ(counts(q0), (sizes{200, 0, 100}));
}

TEST(Allocate, RefusesImpossibleInputsNamingTheStratum) {
  auto st = strata({100, 0, 50}, {1, 1, 1});
  st[1].minimum = 5;
  auto e = refusal([&] { s::allocate(st, 60, {s::allocation_method::neyman, 0.5}, "strata.csv"); });
  EXPECT_EQ(e.id(), "commdx.sampling.infeasible");
  EXPECT_EQ(e.where().row, 2u);
  EXPECT_EQ(e.where().unit, "S2");
  EXPECT_EQ(e.where().column, "minimum");
  EXPECT_NE(e.reason().find("no household"), std::string::npos);

  auto mins = strata({100, 100, 100});
  for (auto& x : mins) x.minimum = 40;
  auto m = refusal([&] { s::allocate(mins, 100, {s::allocation_method::proportional, 0.5}); });
  EXPECT_EQ(m.where().column, "minimum");
  EXPECT_NE(m.reason().find("sum to 120"), std::string::npos) << m.reason();

  auto neg = strata({100, 100}, {3, -1});
  auto s2 = refusal([&] { s::allocate(neg, 50, {s::allocation_method::neyman, 0.5}); });
  EXPECT_EQ(s2.id(), "commdx.sampling.input");
  EXPECT_EQ(s2.where().unit, "S2");
  EXPECT_EQ(s2.where().column, "sd");

  auto big = refusal([&] { s::allocate(strata({100, 100}), 201, {s::allocation_method::proportional, 0.5}); });
  EXPECT_EQ(big.where().column, "n");
  EXPECT_NE(big.reason().find("above the strata's population of 200"), std::string::npos);

  auto nosd = refusal([&] { s::allocate(strata({100, 100}), 20, {s::allocation_method::neyman, 0.5}); });
  EXPECT_EQ(nosd.where().column, "sd");
  EXPECT_EQ(nosd.where().row, 1u);
  auto nocost = refusal([&] { s::allocate(strata({100, 100}, {1, 2}), 20, {s::allocation_method::optimal, 0.5}); });
  EXPECT_EQ(nocost.where().column, "cost");
  auto frac = refusal([&] { s::allocate(strata({100.5, 100}), 20, {s::allocation_method::proportional, 0.5}); });
  EXPECT_EQ(frac.where().column, "population");
  auto q = refusal([&] { s::allocate(strata({100, 100}), 20, {s::allocation_method::power, 2.0}); });
  EXPECT_EQ(q.where().column, "power");
}

}  // namespace
