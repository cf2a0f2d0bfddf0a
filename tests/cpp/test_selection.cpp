// Selection (issue 14): PPS inclusion probabilities with certainty units, systematic PPS and the
// pivotal method, households within groups, reserves, the design columns of the sample.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "commdx/selection.hpp"

namespace sel = commdx::selection;

namespace {

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

// Selection frequencies of each unit over `draws` seeds (seed = 1 .. draws).
template <class Draw>
std::vector<double> frequencies(std::size_t units, std::size_t n, int draws, Draw draw) {
  std::vector<double> hits(units, 0.0);
  for (int s = 1; s <= draws; ++s) {
    sel::rng g(commdx::synth::detail::mix(20261202, static_cast<std::uint64_t>(s)));
    std::vector<std::size_t> got = draw(g);
    EXPECT_EQ(got.size(), n) << "seed " << s;
    for (std::size_t k = 1; k < got.size(); ++k) EXPECT_LT(got[k - 1], got[k]) << "a unit drawn twice, seed " << s;
    for (std::size_t i : got) hits[i] += 1;
  }
  for (double& h : hits) h /= draws;
  return hits;
}

// Every frequency within 4 binomial standard errors of its pi (a certainty unit exactly 1).
void expect_within_binomial_error(const std::vector<double>& freq, const std::vector<double>& pi, int draws) {
  for (std::size_t i = 0; i < pi.size(); ++i) {
    const double se = std::sqrt(pi[i] * (1 - pi[i]) / draws);
    EXPECT_NEAR(freq[i], pi[i], 4 * se + 1e-12) << "unit " << i << ", pi " << pi[i];
  }
}

// A 12-unit frame (sizes are households per group), n = 5: the group of 60 is a certainty unit.
const std::vector<double> twelve = {5, 12, 30, 8, 60, 15, 22, 9, 41, 18, 3, 27};

}  // namespace

TEST(Selection, InclusionProbabilitiesByHand) {
  // Sizes 40, 10, 10, 20, 20 (sum 100), n = 3: pi = 3x/100 = 1.2, .3, .3, .6, .6. The first is
  // above 1: it is a certainty unit (pi 1), and the other four share n - 1 = 2 over their sum
  // 60: 2 x 10/60 = 1/3, 1/3, and 2 x 20/60 = 2/3, 2/3. None is above 1 now: done. Sum 1 + 2 = 3.
  std::vector<bool> sure;
  std::vector<double> pi = sel::inclusion_probabilities({40, 10, 10, 20, 20}, 3, &sure);
  ASSERT_EQ(pi.size(), 5u);
  EXPECT_EQ(pi[0], 1.0);
  EXPECT_NEAR(pi[1], 1.0 / 3, 1e-15);
  EXPECT_NEAR(pi[2], 1.0 / 3, 1e-15);
  EXPECT_NEAR(pi[3], 2.0 / 3, 1e-15);
  EXPECT_NEAR(pi[4], 2.0 / 3, 1e-15);
  EXPECT_EQ(sure, (std::vector<bool>{true, false, false, false, false}));
  EXPECT_NEAR(sum(pi), 3.0, 1e-14);

  // Two rounds: sizes 100, 50, 10, 10, 10, 10 (sum 190), n = 3: pi 1.58, .79, .16 x4; the first is
  // certain, then 2 x 50/90 = 1.11 makes the second certain too, then 1 x 10/40 = 1/4 each.
  pi = sel::inclusion_probabilities({100, 50, 10, 10, 10, 10}, 3, &sure);
  EXPECT_EQ(pi[0], 1.0);
  EXPECT_EQ(pi[1], 1.0);
  for (int i = 2; i < 6; ++i) EXPECT_NEAR(pi[static_cast<std::size_t>(i)], 0.25, 1e-15);
  EXPECT_EQ(sure, (std::vector<bool>{true, true, false, false, false, false}));

  // A size-0 unit has pi 0 and is never a certainty unit.
  pi = sel::inclusion_probabilities({0, 1, 3}, 1, &sure);
  EXPECT_EQ(pi, (std::vector<double>{0, 0.25, 0.75}));
}

TEST(Selection, InclusionProbabilitiesSumToN) {
  for (std::size_t n = 1; n <= 11; ++n) {
    std::vector<double> pi = sel::inclusion_probabilities(twelve, n);
    EXPECT_NEAR(sum(pi), static_cast<double>(n), 1e-12) << "n " << n;
    for (double p : pi) EXPECT_LE(p, 1.0);
  }
  std::vector<bool> sure;
  std::vector<double> pi = sel::inclusion_probabilities(twelve, 5, &sure);
  EXPECT_TRUE(sure[4]);  // 5 x 60 / 250 = 1.2
  EXPECT_EQ(std::count(sure.begin(), sure.end(), true), 1);
}

TEST(Selection, InclusionProbabilitiesRefuseBadFrames) {
  const auto where = commdx::location::in_file("groups.csv").for_unit("W01");
  try {
    sel::inclusion_probabilities({3, 0, 2}, 3, nullptr, where);
    FAIL() << "n above the units of positive size";
  } catch (const commdx::config_error& e) {
    EXPECT_NE(std::string(e.what()).find("groups.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("W01"), std::string::npos) << e.what();
  }
  try {
    sel::inclusion_probabilities({3, -1, 2}, 1, nullptr, where);
    FAIL() << "a negative size";
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().row, 2u);
    EXPECT_EQ(e.where().column, "size");
  }
}

TEST(Selection, PivotalFrequenciesMatchPi) {
  const int draws = 20000;
  std::vector<double> pi = sel::inclusion_probabilities(twelve, 5);
  auto freq = frequencies(twelve.size(), 5, draws, [&](sel::rng& g) { return sel::pivotal(pi, g); });
  EXPECT_EQ(freq[4], 1.0);  // the certainty unit every time
  expect_within_binomial_error(freq, pi, draws);
}

TEST(Selection, SystematicFrequenciesMatchPi) {
  const int draws = 20000;
  std::vector<double> pi = sel::inclusion_probabilities(twelve, 5);
  auto freq = frequencies(twelve.size(), 5, draws, [&](sel::rng& g) { return sel::systematic_pps(pi, g); });
  EXPECT_EQ(freq[4], 1.0);
  expect_within_binomial_error(freq, pi, draws);
}

TEST(Selection, PivotalJointInclusionPositive) {
  // Systematic PPS never draws units 0 and 1 together here (pi .105, .253, cumulated .105, .358:
  // both inside the first unit interval);
  // the pivotal method over a random order does, for every pair.
  const int draws = 20000;
  std::vector<double> pi = sel::inclusion_probabilities(twelve, 5);
  std::vector<std::vector<int>> both(12, std::vector<int>(12, 0)), sys(12, std::vector<int>(12, 0));
  for (int s = 1; s <= draws; ++s) {
    sel::rng g(static_cast<std::uint64_t>(s)), h(static_cast<std::uint64_t>(s));
    auto a = sel::pivotal(pi, g), b = sel::systematic_pps(pi, h);
    for (std::size_t i : a)
      for (std::size_t j : a) both[i][j]++;
    for (std::size_t i : b)
      for (std::size_t j : b) sys[i][j]++;
  }
  for (std::size_t i = 0; i < 12; ++i)
    for (std::size_t j = 0; j < 12; ++j) EXPECT_GT(both[i][j], 0) << i << "," << j;
  EXPECT_EQ(sys[0][1], 0);
}

TEST(Selection, HouseholdsWithinGroupFrequencies) {
  const int draws = 20000;
  for (auto method : {sel::household_method::simple_random, sel::household_method::systematic}) {
    std::vector<double> hits(10, 0.0), reserve_hits(10, 0.0);
    for (int s = 1; s <= draws; ++s) {
      sel::rng g(static_cast<std::uint64_t>(s) * 7919);
      auto d = sel::draw_households(10, 3, 2, method, g);
      ASSERT_EQ(d.sample.size(), 3u);
      ASSERT_EQ(d.reserves.size(), 2u);
      for (std::size_t p : d.sample) hits[p] += 1;
      for (std::size_t p : d.reserves) {
        reserve_hits[p] += 1;
        for (std::size_t q : d.sample) ASSERT_NE(p, q) << "a reserve that is also in the sample";
      }
    }
    for (std::size_t i = 0; i < 10; ++i) {
      const double f = hits[i] / draws, se = std::sqrt(0.3 * 0.7 / draws);
      EXPECT_NEAR(f, 0.3, 4 * se) << sel::to_string(method) << " household " << i;
    }
    if (method == sel::household_method::simple_random) {  // reserves: 2 of the 7 left, 0.7 x 2/7 = 0.2
      for (std::size_t i = 0; i < 10; ++i)
        EXPECT_NEAR(reserve_hits[i] / draws, 0.2, 4 * std::sqrt(0.2 * 0.8 / draws)) << "reserve " << i;
    }
  }
  // systematic from the list: interval 10/3, so the positions are a start and +3.33, +6.67
  sel::rng g(5);
  auto d = sel::draw_households(10, 3, 0, sel::household_method::systematic, g);
  EXPECT_TRUE((d.sample[1] - d.sample[0] == 3 || d.sample[1] - d.sample[0] == 4) &&
              (d.sample[2] - d.sample[0] == 6 || d.sample[2] - d.sample[0] == 7));
}

namespace {

// Two wards: W1 with groups of 30, 20, 10, 40, 100 households (sum 200), W2 with 25, 25, 50.
struct small_city {
  std::vector<sel::group> frame;
  std::vector<sel::household> list;
  small_city() {
    const std::vector<std::pair<std::string, std::vector<int>>> wards = {{"W1", {30, 20, 10, 40, 100}},
                                                                        {"W2", {25, 25, 50}}};
    for (const auto& [ward, sizes] : wards)
      for (std::size_t g = 0; g < sizes.size(); ++g) {
        std::string code = ward + "-G" + std::to_string(g + 1);
        frame.push_back({ward, code, static_cast<double>(sizes[g])});
        for (int h = 0; h < sizes[g]; ++h) list.push_back({ward, code, code + "-H" + std::to_string(h + 1)});
      }
  }
};

}  // namespace

TEST(Selection, TwoStageSampleDesignColumns) {
  small_city c;
  sel::options o;
  o.groups = {{"W1", 3}, {"W2", 2}};
  o.households_per_group = 5;
  o.reserves = 2;
  o.seed = 42;
  sel::sample s = sel::select(c.frame, c.list, o);
  // W1: pi = 3x/200 = .45, .3, .15, .6, 1.5 -> G5 certain; the rest 2x/100 = .6, .4, .2, .8.
  // W2: 2x/100 = .5, .5, 1 -> G3 certain (pi exactly 1 is a certainty unit too).
  const std::map<std::string, double> pi = {{"W1-G1", .6}, {"W1-G2", .4}, {"W1-G3", .2}, {"W1-G4", .8},
                                            {"W1-G5", 1},  {"W2-G1", .5}, {"W2-G2", .5}, {"W2-G3", 1}};
  ASSERT_EQ(s.groups.size(), 8u);
  std::map<std::string, int> selected;
  for (const auto& g : s.groups) {
    EXPECT_NEAR(g.pi, pi.at(g.code), 1e-15) << g.code;
    EXPECT_EQ(g.certainty, g.pi == 1.0) << g.code;
    if (g.selected) selected[g.stratum]++;
  }
  EXPECT_EQ(selected["W1"], 3);
  EXPECT_EQ(selected["W2"], 2);
  ASSERT_EQ(s.households.size(), 5u * 5u);
  ASSERT_EQ(s.reserves.size(), 5u * 2u);
  const std::map<std::string, double> listed = {{"W1-G1", 30}, {"W1-G2", 20}, {"W1-G3", 10}, {"W1-G4", 40},
                                                {"W1-G5", 100}, {"W2-G1", 25}, {"W2-G2", 25}, {"W2-G3", 50}};
  for (const auto& h : s.households) {
    EXPECT_NEAR(h.pi_household, 5.0 / listed.at(h.group), 1e-15);
    EXPECT_NEAR(h.weight, 1.0 / (pi.at(h.group) * 5.0 / listed.at(h.group)), 1e-12) << h.id;
    EXPECT_EQ(h.id, h.group + "-H" + std::to_string(h.position));
    if (h.certainty) {  // a stratum of its own; its households are the PSUs
      EXPECT_EQ(h.design_stratum, h.stratum + "/" + h.group);
      EXPECT_EQ(h.psu, h.id);
      EXPECT_EQ(h.fpc, static_cast<std::size_t>(listed.at(h.group)));
    } else {
      EXPECT_EQ(h.design_stratum, h.stratum);
      EXPECT_EQ(h.psu, h.group);
      EXPECT_EQ(h.fpc, h.stratum == "W1" ? 4u : 2u);  // the non-certainty groups of positive size
    }
  }
  // reserves: ranked 1, 2 within each group, never a sampled household
  for (const auto& r : s.reserves) {
    EXPECT_TRUE(r.rank == 1 || r.rank == 2);
    for (const auto& h : s.households) EXPECT_NE(r.id, h.id);
  }
  // self-weighting PPS: every non-certainty household weighs sum(x)/(n' m) = 100/(2 x 5) = 10 in W1
  for (const auto& h : s.households)
    if (!h.certainty && h.stratum == "W1") {
      EXPECT_NEAR(h.weight, 10.0, 1e-12);
    }
}

TEST(Selection, SameSeedSameSample) {
  small_city c;
  sel::options o;
  o.groups_per_stratum = 2;
  o.households_per_group = 4;
  o.reserves = 1;
  for (auto first : {sel::psu_method::pivotal, sel::psu_method::systematic})
    for (auto second : {sel::household_method::simple_random, sel::household_method::systematic}) {
      o.first_stage = first;
      o.second_stage = second;
      o.seed = 7;
      sel::sample a = sel::select(c.frame, c.list, o), b = sel::select(c.frame, c.list, o);
      std::vector<std::string> ia, ib;
      for (const auto& h : a.households) ia.push_back(h.id);
      for (const auto& h : b.households) ib.push_back(h.id);
      EXPECT_EQ(ia, ib);
      // another seed changes the sample (somewhere in 20 seeds)
      bool differs = false;
      for (std::uint64_t seed = 8; seed < 28 && !differs; ++seed) {
        o.seed = seed;
        std::vector<std::string> ic;
        for (const auto& h : sel::select(c.frame, c.list, o).households) ic.push_back(h.id);
        differs = ic != ia;
      }
      EXPECT_TRUE(differs);
    }
  // the pivotal + SRS sample of seed 7, pinned as first drawn (GCC 12, x86-64): the generator and
  // the methods use only integer arithmetic and correctly rounded +, *, /, so any other compiler or
  // machine must draw the same households (W1-G5 and W2-G3 are the certainty groups)
  o.first_stage = sel::psu_method::pivotal;
  o.second_stage = sel::household_method::simple_random;
  o.seed = 7;
  std::string got;
  for (const auto& h : sel::select(c.frame, c.list, o).households) got += h.id + " ";
  EXPECT_EQ(got,
            "W1-G4-H3 W1-G4-H33 W1-G4-H35 W1-G4-H37 W1-G5-H35 W1-G5-H43 W1-G5-H66 W1-G5-H93 "
            "W2-G2-H3 W2-G2-H4 W2-G2-H12 W2-G2-H14 W2-G3-H5 W2-G3-H9 W2-G3-H22 W2-G3-H25 ");
}

TEST(Selection, ErrorsNameStratumAndGroup) {
  small_city c;
  sel::options o;
  o.groups = {{"W1", 3}, {"W2", 4}};  // W2 has 3 groups
  o.groups_source = "frame.csv";
  try {
    sel::select(c.frame, c.list, o);
    FAIL();
  } catch (const commdx::config_error& e) {
    EXPECT_EQ(e.where().unit, "W2");
    EXPECT_NE(std::string(e.what()).find("frame.csv"), std::string::npos) << e.what();
  }
  o.groups = {{"W1", 2}, {"W2", 1}};
  o.households_per_group = 12;  // W1-G3 lists 10
  o.households_source = "list.csv";
  try {
    sel::select(c.frame, c.list, o);
    FAIL();
  } catch (const commdx::config_error& e) {
    EXPECT_EQ(e.where().unit, "W1-G3");
    EXPECT_NE(std::string(e.what()).find("list.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("lists 10 households"), std::string::npos) << e.what();
  }
  o.households_per_group = 2;
  o.groups["W9"] = 1;
  EXPECT_THROW(sel::select(c.frame, c.list, o), commdx::config_error);
  o.groups.erase("W9");
  c.list.push_back({"W2", "W2-G9", "X"});
  try {
    sel::select(c.frame, c.list, o);
    FAIL();
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().row, c.list.size());
    EXPECT_EQ(e.where().column, "group_code");
  }
  c.list.back() = c.list.front();
  EXPECT_THROW(sel::select(c.frame, c.list, o), commdx::validation_error);
}

TEST(Selection, SamplingSizesAgreeWithRSampling) {
  // tests/data/selection/: R sampling's inclusionprobabilities on the example city's residential
  // groups (households per group, n = 8 and 20 per ward); see make_fixture.R there.
  std::ifstream f(std::string(COMMDX_SOURCE_DIR) + "/tests/data/selection/inclusion_r.csv");
  ASSERT_TRUE(f) << "tests/data/selection/inclusion_r.csv";
  std::string line;
  std::getline(f, line);
  ASSERT_EQ(line, "ward_code,group_code,size,n,pi_r");
  std::map<std::pair<std::string, std::string>, std::vector<double>> sizes, expected;
  std::vector<std::pair<std::string, std::string>> order;
  while (std::getline(f, line)) {
    std::stringstream row(line);
    std::string ward, group, size, n, pi;
    std::getline(row, ward, ',');
    std::getline(row, group, ',');
    std::getline(row, size, ',');
    std::getline(row, n, ',');
    std::getline(row, pi, ',');
    auto key = std::make_pair(ward, n);
    if (sizes.find(key) == sizes.end()) order.push_back(key);
    sizes[key].push_back(std::stod(size));
    expected[key].push_back(std::stod(pi));
  }
  ASSERT_GE(order.size(), 17u);
  std::size_t certain = 0;
  for (const auto& key : order) {
    const auto n = static_cast<std::size_t>(std::stoul(key.second));
    std::vector<bool> sure;
    std::vector<double> pi = sel::inclusion_probabilities(sizes[key], n, &sure);
    for (std::size_t i = 0; i < pi.size(); ++i) {
      EXPECT_NEAR(pi[i], expected[key][i], 1e-13 * std::max(1.0, expected[key][i])) << key.first << " n " << n << " #" << i;
      if (expected[key][i] == 1.0) {
        EXPECT_TRUE(sure[i]) << key.first << " #" << i;
      }
    }
    certain += static_cast<std::size_t>(std::count(sure.begin(), sure.end(), true));
    EXPECT_NEAR(sum(pi), static_cast<double>(n), 1e-11) << key.first;
  }
  EXPECT_GT(certain, 0u) << "the fixture should exercise certainty units";
}
