// Issue 18: small-area estimation (include/commdx/small_area.hpp). The expected numbers are worked
// by hand in the comments; the agreement with an independent implementation (samplics) on a
// realistic data set is tests/python/test_small_area.py's.
#include <gtest/gtest.h>

#include <commdx/small_area.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

namespace sa = commdx::small_area;

// Five areas, intercept only, every D_i = 0.5, directs 1..5: the balanced case where the fits have
// closed forms. ybar = 3, sum (y - ybar)^2 = 10.
std::vector<sa::area> balanced() {
  std::vector<sa::area> a;
  for (int i = 1; i <= 5; ++i) a.push_back({"A" + std::to_string(i), double(i), 0.5, {}});
  a.push_back({"OUT", commdx::missing, commdx::missing, {}});  // no sample
  return a;
}

// Where a refusal points, checking that its message has `words`.
template <class F>
commdx::location refused_at(F f, const std::string& words = "") {
  try {
    f();
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    return e.where();
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(SmallArea, RemlBalancedByHand) {
  // REML with equal D and an intercept is the moment estimator: s2 + D = 10 / (m - 1) = 2.5, so
  // s2 = 2, gamma = 2 / 2.5 = 0.8, beta = ybar = 3, EBLUP(A5) = 0.8 * 5 + 0.2 * 3 = 4.6.
  // MSE: g1 = gamma D = 0.4; A = X'V^-1 X = 5 / 2.5 = 2, g2 = 0.2^2 / 2 = 0.02;
  // Vbar = 2 / (5 / 2.5^2) = 2.5, g3 = 0.2^2 / 2.5 * 2.5 = 0.04; g1 + g2 + 2 g3 = 0.5.
  // Out of sample: x' A^-1 x + s2 = 0.5 + 2 = 2.5, estimate beta = 3.
  const auto r = sa::fay_herriot(balanced(), {});
  EXPECT_TRUE(r.converged);
  EXPECT_FALSE(r.truncated);
  EXPECT_NEAR(r.sigma2_u, 2.0, 1e-9);
  EXPECT_NEAR(r.beta.at(0), 3.0, 1e-9);
  const auto& a5 = r.areas.at(4);
  EXPECT_NEAR(a5.gamma, 0.8, 1e-9);
  EXPECT_NEAR(a5.eblup, 4.6, 1e-9);
  EXPECT_NEAR(a5.g1, 0.4, 1e-9);
  EXPECT_NEAR(a5.g2, 0.02, 1e-9);
  EXPECT_NEAR(a5.g3, 0.04, 1e-9);
  EXPECT_NEAR(a5.mse, 0.5, 1e-9);
  const auto& out = r.areas.at(5);
  EXPECT_FALSE(out.sampled);
  EXPECT_NEAR(out.eblup, 3.0, 1e-9);
  EXPECT_NEAR(out.mse, 2.5, 1e-9);
}

TEST(SmallArea, MlBalancedByHand) {
  // ML: s2 + D = 10 / m = 2, s2 = 1.5, gamma = 0.75, EBLUP(A5) = 0.75 * 5 + 0.25 * 3 = 4.5.
  // g1 = 0.375; A = 5 / 2 = 2.5, g2 = 0.0625 / 2.5 = 0.025; Vbar = 2 / (5 / 4) = 1.6,
  // g3 = 0.0625 / 2 * 1.6 = 0.05; b_ML = -tr(A^-1 X'V^-2 X) / sum v^-2 = -(0.4 * 1.25) / 1.25 = -0.4,
  // Datta-Lahiri term -b (1 - gamma)^2 = 0.025; MSE = 0.375 + 0.025 + 0.1 + 0.025 = 0.525.
  sa::fit_options o;
  o.method = sa::fit_method::ml;
  const auto r = sa::fay_herriot(balanced(), {}, o);
  EXPECT_NEAR(r.sigma2_u, 1.5, 1e-9);
  EXPECT_NEAR(r.ml_bias, -0.4, 1e-9);
  const auto& a5 = r.areas.at(4);
  EXPECT_NEAR(a5.eblup, 4.5, 1e-9);
  EXPECT_NEAR(a5.bias_term, 0.025, 1e-9);
  EXPECT_NEAR(a5.mse, 0.525, 1e-9);
}

TEST(SmallArea, EblupIsTheGammaMixtureWithAnAuxiliary) {
  // With an auxiliary the fit has no closed form, but at the fitted s2 every EBLUP must be
  // gamma y + (1 - gamma) x'beta with gamma = s2 / (s2 + D), and beta the GLS solution.
  std::vector<sa::area> a = {{"a", 0.41, 0.004, {1.0}}, {"b", 0.62, 0.010, {2.0}}, {"c", 0.30, 0.002, {1.5}},
                             {"d", 0.75, 0.020, {3.0}}, {"e", 0.45, 0.006, {2.5}}, {"f", 0.20, 0.008, {0.5}},
                             {"g", 0.86, 0.003, {2.8}}};
  const auto r = sa::fay_herriot(a, {"x"});
  ASSERT_GT(r.sigma2_u, 0.0);
  double sw = 0, swx = 0, swxx = 0, swy = 0, swxy = 0;  // GLS normal equations by hand
  for (const auto& ai : a) {
    const double w = 1.0 / (r.sigma2_u + ai.variance), x = ai.x[0];
    sw += w; swx += w * x; swxx += w * x * x; swy += w * ai.direct; swxy += w * x * ai.direct;
  }
  const double det = sw * swxx - swx * swx;
  const double b0 = (swxx * swy - swx * swxy) / det, b1 = (sw * swxy - swx * swy) / det;
  EXPECT_NEAR(r.beta[0], b0, 1e-10);
  EXPECT_NEAR(r.beta[1], b1, 1e-10);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double g = r.sigma2_u / (r.sigma2_u + a[i].variance);
    EXPECT_NEAR(r.areas[i].eblup, g * a[i].direct + (1 - g) * (b0 + b1 * a[i].x[0]), 1e-10) << a[i].unit;
  }
}

TEST(SmallArea, TruncatedAtZeroAndSaysSo) {
  // Directs that vary far less than their sampling variances (1): s2 would be negative, so 0;
  // every area then gets the synthetic estimate, the mean 1.01.
  std::vector<sa::area> a = {{"a", 1.0, 1.0, {}}, {"b", 1.1, 1.0, {}}, {"c", 0.9, 1.0, {}}, {"d", 1.0, 1.0, {}},
                             {"e", 1.05, 1.0, {}}};
  sa::fit_options plain;
  plain.adjust_at_zero = false;
  const auto r = sa::fay_herriot(a, {}, plain);
  EXPECT_EQ(r.sigma2_u, 0.0);
  EXPECT_TRUE(r.truncated);
  EXPECT_FALSE(r.adjusted);
  for (const auto& f : r.areas) {
    EXPECT_EQ(f.gamma, 0.0);
    EXPECT_NEAR(f.eblup, 1.01, 1e-12);
  }
  // By default REML's 0 is replaced by Li-Lahiri's adjusted REML: with equal D = 1 and an
  // intercept, l_R(A) + log A = -(m-1)/2 log(A+1) - S/(2(A+1)) + log A, S = sum (y - ybar)^2 = 0.022;
  // its score -2/(A+1) + 0.011/(A+1)^2 + 1/A = 0 is -A^2 + 0.011 A + 1 = 0: A = (0.011 + sqrt(4.000121)) / 2.
  const auto adj = sa::fay_herriot(a, {});
  EXPECT_TRUE(adj.truncated);
  EXPECT_TRUE(adj.adjusted);
  EXPECT_NEAR(adj.sigma2_u, (0.011 + std::sqrt(4.000121)) / 2.0, 1e-12);
  EXPECT_NEAR(adj.areas[0].gamma, adj.sigma2_u / (adj.sigma2_u + 1.0), 1e-15);
  sa::fit_options ml;
  ml.method = sa::fit_method::ml;
  EXPECT_FALSE(sa::fay_herriot(a, {}, ml).adjusted);  // ML stays at 0 (Datta-Lahiri's MSE is for ML itself)
}

TEST(SmallArea, RefusalsNameTheAreaOrTheAuxiliary) {
  auto a = balanced();
  a[2].variance = -0.1;
  EXPECT_EQ(refused_at([&] { sa::fay_herriot(a, {}); }, "negative").unit, "A3");

  a = balanced();
  a[1].variance = 0.0;
  EXPECT_EQ(refused_at([&] { sa::fay_herriot(a, {}); }, "not > 0").unit, "A2");

  std::vector<sa::area> c = {{"a", 1, 1, {2.0}}, {"b", 2, 1, {2.0}}, {"c", 3, 1, {2.0}}, {"d", 2, 1, {2.0}}};
  // constant: collinear with the intercept
  EXPECT_EQ(refused_at([&] { sa::fay_herriot(c, {"households"}); }, "collinear").column, "households");

  std::vector<sa::area> few = {{"a", 1, 1, {1.0}}, {"b", 2, 1, {2.0}}};
  refused_at([&] { sa::fay_herriot(few, {"x"}); }, "at least 3");

  std::vector<sa::area> ragged = {{"a", 1, 1, {1.0}}, {"b", 2, 1, {}}, {"c", 3, 1, {2.0}}};
  EXPECT_EQ(refused_at([&] { sa::fay_herriot(ragged, {"x"}); }).unit, "b");

  std::vector<sa::area> nan_x = {{"a", 1, 1, {1.0}}, {"b", 2, 1, {commdx::missing}}, {"c", 3, 1, {2.0}}};
  const auto at = refused_at([&] { sa::fay_herriot(nan_x, {"density"}); });
  EXPECT_EQ(at.unit, "b");
  EXPECT_EQ(at.column, "density");
}

sa::direct_input prop(const std::string& unit, double p, double se, double n, bool estimable = true) {
  sa::direct_input d;
  d.unit = unit;
  d.parent = "P";
  d.estimate = p;
  d.se = se;
  d.n = n;
  d.estimable = estimable;
  d.size = 100;
  return d;
}

// Var(asin(sqrt(X / n))), X ~ binomial(n, p), summed over the n + 1 outcomes (the test's own).
double binomial_arcsine_variance(int n, double p) {
  double mean = 0, second = 0, c = 1;  // c = n choose k
  for (int k = 0; k <= n; ++k) {
    if (k > 0) c = c * (n - k + 1) / k;
    const double w = c * std::pow(p, k) * std::pow(1 - p, n - k), t = std::asin(std::sqrt(double(k) / n));
    mean += w * t;
    second += w * t * t;
  }
  return second - mean * mean;
}

TEST(SmallArea, ArcsineVarianceByHand) {
  // n = 1: theta is 0 or pi/2, variance p (1 - p) (pi/2)^2; n = 2, p = 0.5: 0, pi/4, pi/2 with
  // 1/4, 1/2, 1/4, variance (pi/4)^2 / 2.
  const double pi = std::acos(-1.0);
  EXPECT_NEAR(sa::detail::arcsine_variance(1.0, 0.3), 0.21 * pi * pi / 4, 1e-12);
  EXPECT_NEAR(sa::detail::arcsine_variance(2.0, 0.5), pi * pi / 32, 1e-12);
  EXPECT_NEAR(sa::detail::arcsine_variance(2.5, 0.5), 0.5 * (pi * pi / 32 + binomial_arcsine_variance(3, 0.5)), 1e-12);
  EXPECT_NEAR(sa::detail::arcsine_variance(300.0, 0.5), 0.25 / 300, 1e-15);  // large n: 1 / (4n)
  EXPECT_GT(sa::detail::arcsine_variance(5.0, 0.7), 0.08);  // 1/(4n) = 0.05 would understate it
}

TEST(SmallArea, ProportionsSmoothedAndKeptInsideZeroOne) {
  // Three usable areas: n = 400, p = 0.5, se^2 = 0.25 / 200 gives n_eff = 200 (deff 2), D = 1 / 800;
  // the others likewise deff 2, so the median deff is 2. The area with p = 0 (se 0, n = 10) takes
  // the GVF: the binomial arcsine variance at n_eff = 10 / 2 = 5 and pbar = sum n p / sum n
  // = (200 + 120 + 360 + 0 + 4.8) / 1422.
  std::vector<sa::direct_input> a = {prop("a", 0.5, std::sqrt(0.25 / 200), 400), prop("b", 0.3, std::sqrt(0.21 / 200), 400),
                                     prop("c", 0.6, std::sqrt(0.24 / 300), 600), prop("z", 0.0, 0.0, 10),
                                     prop("d", 0.4, 0.1, 12, false)};
  a.push_back(prop("none", commdx::missing, commdx::missing, 0));
  sa::options o;
  o.transform = sa::transform_kind::arcsine;
  const auto r = sa::estimate(a, {}, {}, o);
  const double pbar = 684.8 / 1422;
  EXPECT_NEAR(r.pbar, pbar, 1e-12);
  EXPECT_NEAR(r.deff_pooled, 2.0, 1e-12);
  EXPECT_EQ(r.smoothed, 2u);
  EXPECT_EQ(r.rows[3].variance_source, "gvf");
  EXPECT_NEAR(r.rows[3].variance, binomial_arcsine_variance(5, pbar), 1e-12);
  EXPECT_EQ(r.rows[3].reason, "variance_unusable");
  EXPECT_EQ(r.rows[4].reason, "variance_unusable");  // inside one PSU: not the design's SE
  EXPECT_NEAR(r.rows[4].variance, binomial_arcsine_variance(6, pbar), 1e-12);
  EXPECT_EQ(r.rows[0].variance_source, "direct");
  EXPECT_NEAR(r.rows[0].variance, 0.25 / 200.0, 1e-12);
  EXPECT_EQ(r.rows[5].source, "synthetic");
  for (const auto& row : r.rows) {
    EXPECT_GE(row.model, 0.0) << row.unit;
    EXPECT_LE(row.model, 1.0) << row.unit;
    EXPECT_GT(row.mse, 0.0) << row.unit;
  }
}

TEST(SmallArea, CensusIsDirectAndExact) {
  std::vector<sa::direct_input> a = {prop("a", 0.5, 0.02, 400), prop("b", 0.3, 0.1, 20), prop("c", 0.6, 0.06, 60),
                                     prop("d", 0.45, 0.0, 30, false)};
  a[3].census = true;  // every household of d interviewed
  sa::options o;
  o.transform = sa::transform_kind::arcsine;
  const auto r = sa::estimate(a, {}, {}, o);
  EXPECT_EQ(r.rows[3].source, "direct");
  EXPECT_EQ(r.rows[3].reason, "census");
  EXPECT_EQ(r.rows[3].chosen, 0.45);
  EXPECT_EQ(r.rows[3].chosen_se, 0.0);
}

TEST(SmallArea, Sin2VarianceIsTheDeltaMethodForSmallMse) {
  // d sin^2(t) / dt = sin(2t): for small M the variance is sin^2(2t) M.
  const double t = 0.6, m = 1e-6;
  EXPECT_NEAR(sa::detail::sin2_variance(t, m), std::pow(std::sin(2 * t), 2) * m, 1e-10);
  EXPECT_GT(sa::detail::sin2_variance(0.0, 0.01), 0.0);  // p = 0: still uncertain
}

TEST(SmallArea, BenchmarkingAddsUpToTheParent) {
  std::vector<sa::direct_input> a = {prop("a", 0.5, 0.08, 40), prop("b", 0.3, 0.07, 40), prop("c", 0.6, 0.06, 60),
                                     prop("d", 0.45, 0.09, 30), prop("e", 0.35, 0.1, 25)};
  a[0].size = 300;  // unequal weights
  for (auto kind : {sa::benchmark_kind::ratio, sa::benchmark_kind::difference}) {
    sa::options o;
    o.transform = sa::transform_kind::arcsine;
    o.benchmark = kind;
    const auto r = sa::estimate(a, {}, {{"P", 0.47, 0.02}}, o);
    double sw = 0, swm = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      sw += a[i].size;
      swm += a[i].size * r.rows[i].model;
      EXPECT_EQ(r.rows[i].benchmark, sa::to_string(kind));
    }
    EXPECT_NEAR(swm / sw, 0.47, 1e-12);
    // the parent too uncertain (rse 0.5 > 0.2): not benchmarked, and said so
    const auto u = sa::estimate(a, {}, {{"P", 0.47, 0.235}}, o);
    EXPECT_EQ(u.rows[0].benchmark, "parent_unreliable");
    EXPECT_EQ(u.rows[0].benchmark_adjustment, 0.0);
  }
}

TEST(SmallArea, BenchmarkingByHandSharedByBothModels) {
  // sa::benchmark, which estimate() and the unit-level model (python: small_area(method="bhf")) both
  // call. Under P (0.5, se 0.02: rse 0.04, reliable): a (100 households, model 0.4, mse 0.01) and
  // b (300, 0.6, 0.02), weighted mean (40 + 180) / 400 = 0.55. Ratio: x 0.5 / 0.55 = 10/11, so
  // a 4/11, b 6/11, adjustments -0.4/11 and -0.6/11; difference: -0.05 each, a 0.35, b 0.55. The
  // MSE adds the adjustment squared. c is under Q (0.5, se 0.2: rse 0.4) and d under a unit with
  // no estimate, e has no parent: not benchmarked, and said so.
  auto rows = [] {
    std::vector<sa::row> r(5);
    const char* unit[] = {"a", "b", "c", "d", "e"};
    const char* parent[] = {"P", "P", "Q", "R", ""};
    const double model[] = {0.4, 0.6, 0.3, 0.2, 0.1}, mse[] = {0.01, 0.02, 0.03, 0.04, 0.05};
    for (std::size_t i = 0; i < r.size(); ++i) {
      r[i].unit = unit[i];
      r[i].parent = parent[i];
      r[i].model = model[i];
      r[i].mse = mse[i];
    }
    return r;
  };
  const std::vector<double> sizes = {100, 300, 50, 20, commdx::missing};  // e: no size, not needed without a parent
  const std::vector<sa::parent_estimate> parents = {{"P", 0.5, 0.02}, {"Q", 0.5, 0.2}};
  const auto where = commdx::location::in_file("test");
  auto r = rows();
  sa::benchmark(r, sizes, parents, sa::benchmark_kind::ratio, 0.2, where);
  EXPECT_NEAR(r[0].model, 4.0 / 11.0, 1e-15);
  EXPECT_NEAR(r[1].model, 6.0 / 11.0, 1e-15);
  EXPECT_NEAR(r[0].benchmark_adjustment, -0.4 / 11.0, 1e-15);
  EXPECT_NEAR(r[0].mse, 0.01 + 0.16 / 121.0, 1e-15);
  EXPECT_NEAR(r[1].mse, 0.02 + 0.36 / 121.0, 1e-15);
  EXPECT_EQ(r[0].benchmark, "ratio");
  EXPECT_EQ(r[2].benchmark, "parent_unreliable");
  EXPECT_EQ(r[2].model, 0.3);
  EXPECT_EQ(r[2].mse, 0.03);
  EXPECT_EQ(r[3].benchmark, "no_parent");
  EXPECT_EQ(r[4].benchmark, "no_parent");
  r = rows();
  sa::benchmark(r, sizes, parents, sa::benchmark_kind::difference, 0.2, where);
  EXPECT_NEAR(r[0].model, 0.35, 1e-15);
  EXPECT_NEAR(r[1].model, 0.55, 1e-15);
  EXPECT_NEAR(r[1].mse, 0.02 + 0.0025, 1e-15);
  EXPECT_EQ(r[1].benchmark, "difference");
  r = rows();
  sa::benchmark(r, sizes, parents, sa::benchmark_kind::none, 0.2, where);
  EXPECT_EQ(r[0].benchmark, "none");
  EXPECT_EQ(r[0].model, 0.4);
  // a unit under a benchmarked parent needs its size, refused naming it
  std::vector<double> no_size = sizes;
  no_size[1] = commdx::missing;
  r = rows();
  EXPECT_EQ(refused_at([&] { sa::benchmark(r, no_size, parents, sa::benchmark_kind::ratio, 0.2, where); },
                       "population size").unit,
            "b");
}

TEST(SmallArea, BenchmarkedProportionsClippedToZeroOneAndSaySo) {
  // a 0.9 and b 0.5, 100 households each, mean 0.7. Ratio to P = 0.8: x 8/7, a 7.2/7 > 1 -> 1 (the
  // adjustment 0.1), b 4/7. Difference to P = 0.1: -0.6, a 0.3, b -0.1 -> 0 (adjustment -0.5).
  // Without `proportion` (a mean) nothing is clipped.
  auto rows = [] {
    std::vector<sa::row> r(2);
    r[0].unit = "a";
    r[1].unit = "b";
    r[0].parent = r[1].parent = "P";
    r[0].model = 0.9;
    r[1].model = 0.5;
    r[0].mse = r[1].mse = 0.01;
    return r;
  };
  const std::vector<double> sizes = {100, 100};
  const auto where = commdx::location::in_file("test");
  auto r = rows();
  sa::benchmark(r, sizes, {{"P", 0.8, 0.02}}, sa::benchmark_kind::ratio, 0.2, where, true);
  EXPECT_EQ(r[0].model, 1.0);
  EXPECT_TRUE(r[0].clipped);
  EXPECT_NEAR(r[0].benchmark_adjustment, 0.1, 1e-15);
  EXPECT_NEAR(r[0].mse, 0.01 + 0.01, 1e-15);
  EXPECT_NEAR(r[1].model, 4.0 / 7.0, 1e-15);
  EXPECT_FALSE(r[1].clipped);
  r = rows();
  sa::benchmark(r, sizes, {{"P", 0.1, 0.01}}, sa::benchmark_kind::difference, 0.2, where, true);
  EXPECT_NEAR(r[0].model, 0.3, 1e-15);
  EXPECT_EQ(r[1].model, 0.0);
  EXPECT_TRUE(r[1].clipped);
  EXPECT_NEAR(r[1].benchmark_adjustment, -0.5, 1e-15);
  r = rows();
  sa::benchmark(r, sizes, {{"P", 0.1, 0.01}}, sa::benchmark_kind::difference, 0.2, where);
  EXPECT_NEAR(r[1].model, -0.1, 1e-15);
  EXPECT_FALSE(r[1].clipped);
}

TEST(SmallArea, ChoiceFollowsTheRelativeSe) {
  // rse 0.02 / 0.5 = 0.04 <= 0.2: direct; 0.1 / 0.3 = 0.33: the model.
  std::vector<sa::direct_input> a = {prop("a", 0.5, 0.02, 400), prop("b", 0.3, 0.1, 20), prop("c", 0.6, 0.06, 60),
                                     prop("d", 0.45, 0.09, 30)};
  sa::options o;
  o.transform = sa::transform_kind::arcsine;
  const auto r = sa::estimate(a, {}, {}, o);
  EXPECT_EQ(r.rows[0].source, "direct");
  EXPECT_EQ(r.rows[0].reason, "rse_ok");
  EXPECT_EQ(r.rows[0].chosen, 0.5);
  EXPECT_EQ(r.rows[0].chosen_se, 0.02);
  EXPECT_EQ(r.rows[1].source, "eblup");
  EXPECT_EQ(r.rows[1].reason, "rse_high");
  EXPECT_EQ(r.rows[1].chosen, r.rows[1].model);
  EXPECT_NEAR(r.rows[1].chosen_se, std::sqrt(r.rows[1].mse), 1e-15);
}

TEST(SmallArea, ProportionOutsideZeroOneRefused) {
  std::vector<sa::direct_input> a = {prop("a", 0.5, 0.02, 400), prop("b", 1.3, 0.1, 20), prop("c", 0.6, 0.06, 60)};
  sa::options o;
  o.transform = sa::transform_kind::arcsine;
  EXPECT_EQ(refused_at([&] { sa::estimate(a, {}, {}, o); }, "outside [0, 1]").unit, "b");
}

}  // namespace

namespace {

// ---- unit level (Battese-Harter-Fuller) ----
// Three areas of two records, intercept only (the balanced one-way model, where REML is the
// ANOVA estimator when that is >= 0): A 1, 3; B 4, 6; C 7, 9. Within SS = 6 on 3 df: s2e = 2;
// between means 2, 5, 8: MSB = 2 * 18 / 2 = 18, s2u = (18 - 2) / 2 = 8; beta = 5;
// gamma = 8 / (8 + 2 / 2) = 8/9; Var(beta) = (s2u + s2e / n) / m = 3.
std::vector<sa::household_record> balanced_records() {
  return {{"A", 1, {}}, {"A", 3, {}}, {"B", 4, {}}, {"B", 6, {}}, {"C", 7, {}}, {"C", 9, {}}};
}

TEST(SmallAreaBhf, RemlBalancedByHand) {
  std::vector<sa::population_area> pop{{"A", commdx::missing, {}}, {"B", 4, {}}, {"C", 2, {}}, {"D", commdx::missing, {}}};
  const sa::bhf_result r = sa::battese_harter_fuller(balanced_records(), pop, {});
  EXPECT_TRUE(r.converged);
  EXPECT_FALSE(r.truncated);
  EXPECT_NEAR(r.sigma2_e, 2.0, 1e-8);
  EXPECT_NEAR(r.sigma2_u, 8.0, 1e-7);
  EXPECT_NEAR(r.beta[0], 5.0, 1e-9);
  EXPECT_NEAR(r.beta_cov[0], 3.0, 1e-7);
  const auto& a = r.areas[0];  // no size: the model mean, 5 + 8/9 (2 - 5)
  EXPECT_NEAR(a.gamma, 8.0 / 9.0, 1e-8);
  EXPECT_NEAR(a.eblup, 5.0 - 8.0 / 3.0, 1e-7);
  EXPECT_NEAR(a.g1, 8.0 / 9.0, 1e-7);         // gamma s2e / n
  EXPECT_NEAR(a.g2, 3.0 / 81.0, 1e-8);        // (1 - gamma)^2 Var(beta)
  // B: N = 4, f = 1/2: 5 + (1/2 + 1/2 * 8/9) * 0 = 5; C: N = 2, every household sampled: the mean, exactly
  EXPECT_NEAR(r.areas[1].eblup, 5.0, 1e-8);
  EXPECT_NEAR(r.areas[1].fraction, 0.5, 1e-15);
  // MSE at f: (1 - f)^2 (g1 + g2 + 2 g3) + (1 - f) s2e / N (the target Xbar_r is Xbar at one auxiliary)
  const auto& b = r.areas[1];
  EXPECT_NEAR(b.mse_analytic, 0.25 * (b.g1 + b.g2 + 2.0 * b.g3) + 0.5 * 2.0 / 4.0, 1e-12);
  EXPECT_NEAR(r.areas[2].eblup, 8.0, 1e-12);
  EXPECT_NEAR(r.areas[2].mse_analytic, 0.0, 1e-12);
  // D, no sample: beta, MSE s2u + Var(beta) = 11
  EXPECT_FALSE(r.areas[3].sampled);
  EXPECT_NEAR(r.areas[3].eblup, 5.0, 1e-9);
  EXPECT_NEAR(r.areas[3].mse_analytic, 11.0, 1e-6);
  EXPECT_TRUE(std::isnan(r.areas[3].mse_bootstrap));  // no replicates asked
}

TEST(SmallAreaBhf, TruncatedAtZeroWhenTheAreasAgree) {
  // A 1, 3 and B 0, 4 have the same mean: MSB = 0 < MSW, REML's maximum is s2u = 0; every area
  // gets the OLS mean 2, gamma 0.
  std::vector<sa::household_record> s{{"A", 1, {}}, {"A", 3, {}}, {"B", 0, {}}, {"B", 4, {}}};
  const sa::bhf_result r = sa::battese_harter_fuller(s, {{"A", commdx::missing, {}}, {"B", commdx::missing, {}}}, {});
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.sigma2_u, 0.0);
  EXPECT_NEAR(r.sigma2_e, 10.0 / 3.0, 1e-9);  // at s2u = 0 the OLS residual SS 1 + 1 + 4 + 4 on n - p = 3
  EXPECT_NEAR(r.areas[0].eblup, 2.0, 1e-12);
  EXPECT_EQ(r.areas[0].gamma, 0.0);
}

TEST(SmallAreaBhf, BootstrapIsSeededAndExactWhereEveryHouseholdIsSampled) {
  std::vector<sa::population_area> pop{{"A", 10, {}}, {"B", 10, {}}, {"C", 2, {}}, {"D", 5, {}}};
  sa::bhf_options o;
  o.replicates = 200;
  o.seed = 7;
  const sa::bhf_result r1 = sa::battese_harter_fuller(balanced_records(), pop, {}, o);
  const sa::bhf_result r2 = sa::battese_harter_fuller(balanced_records(), pop, {}, o);
  o.seed = 8;
  const sa::bhf_result r3 = sa::battese_harter_fuller(balanced_records(), pop, {}, o);
  EXPECT_EQ(r1.replicates, 200u);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    EXPECT_EQ(r1.areas[i].mse_bootstrap, r2.areas[i].mse_bootstrap);
    EXPECT_EQ(r1.areas[i].mse, r1.areas[i].mse_bootstrap);
  }
  EXPECT_NE(r1.areas[0].mse_bootstrap, r3.areas[0].mse_bootstrap);
  EXPECT_NEAR(r1.areas[2].mse_bootstrap, 0.0, 1e-20);  // C: both households sampled, the EBLUP is the truth
  EXPECT_GT(r1.areas[0].mse_bootstrap, 0.0);
  EXPECT_GT(r1.areas[3].mse_bootstrap, r1.areas[0].mse_bootstrap);  // D has no sample
}

TEST(SmallAreaBhf, RefusalsNameTheRecordOrTheArea) {
  std::vector<sa::population_area> pop{{"A", 10, {1}}, {"B", 10, {2}}, {"C", 10, {3}}};
  std::vector<sa::household_record> s{{"A", 1, {1}}, {"A", 2, {2}}, {"B", 3, {1}}, {"B", 4, {3}}, {"C", 2, {2}}};
  auto fit = [&] { return sa::battese_harter_fuller(s, pop, {"members"}); };
  EXPECT_NO_THROW(fit());
  s[3].area = "Z";
  auto w = refused_at(fit, "not in the population");
  EXPECT_EQ(w.row, 4u);
  EXPECT_EQ(w.unit, "Z");
  s[3].area = "B";
  s[2].x[0] = commdx::missing;
  w = refused_at(fit, "auxiliary value");
  EXPECT_EQ(w.row, 3u);
  EXPECT_EQ(w.column, "members");
  s[2].x[0] = 1;
  pop[1].size = 1;
  w = refused_at(fit, "below its 2 sampled records");
  EXPECT_EQ(w.unit, "B");
  pop[1].size = 10;
  pop[2].mean[0] = commdx::missing;
  w = refused_at(fit, "population mean");
  EXPECT_EQ(w.unit, "C");
  pop[2].mean[0] = 3;
  for (auto& h : s) h.x[0] = 2;
  w = refused_at(fit, "collinear");
  EXPECT_EQ(w.column, "members");
}

TEST(SmallAreaBhf, ChoiceIsTheAreaLevelRule) {
  EXPECT_EQ(sa::choose(0.5, 0.05, 0.1, true, false, 0.4, 0.001, 0.2).source, "direct");
  const sa::choice c = sa::choose(0.5, 0.2, 0.4, true, false, 0.4, 0.0016, 0.2);
  EXPECT_EQ(c.reason, "rse_high");
  EXPECT_NEAR(c.se, 0.04, 1e-15);
  EXPECT_EQ(sa::choose(0.5, 0.05, 0.1, false, false, 0.4, 0.001, 0.2).reason, "variance_unusable");
  EXPECT_EQ(sa::choose(commdx::missing, commdx::missing, commdx::missing, false, false, 0.4, 0.01, 0.2).source, "synthetic");
  EXPECT_EQ(sa::choose(0.5, 0.0, commdx::missing, false, true, 0.4, 0.01, 0.2).se, 0.0);
}

}  // namespace
