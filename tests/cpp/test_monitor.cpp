// R4, T2: the test of a change between survey rounds (checked against R's survey package), and
// the small-cell suppression of everything the monthly report publishes (checked by a
// differencing attack: a rank audit of the published additive system).
#include <gtest/gtest.h>

#include <commdx/io/csv.hpp>
#include <commdx/io/json.hpp>
#include <commdx/monitor.hpp>
#include <commdx/report.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

const std::string kData = std::string(COMMDX_SOURCE_DIR) + "/tests/data/monitor/";

commdx::table read_fixture(const std::string& name) {
  auto rec = commdx::io::parse_csv(commdx::io::read_file(kData + name), name);
  return commdx::io::to_table(rec, {"household_id", "stratum", "psu", "area", "design", "domain",
                                    "variable"});
}

// R: 2 * pt(-abs(0.2177636016773335 / 0.032994462301907029), 3), the S1 bank change of expected_changes.csv.
constexpr double kS1BankP = 0.00708046564483952;

const std::vector<commdx::change_variable> kVariables = {
    {"bank", "bank", ""}, {"noise", "noise", ""}, {"etc", "etc", ""},
    {"acc_per_adult", "acc", "adults"}};

void expect_close(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 1e-9 * std::max(1.0, std::fabs(want))) << what;
}

// Every (design, by, domain, variable) row of expected_changes.csv, produced by
// tests/data/monitor/make_fixture.R (svyby(covmat = TRUE) + svycontrast, survey 4.1.1).
void check_against_r(const std::string& design_label, const std::string& file) {
  const auto expected = read_fixture("expected_changes.csv");
  const auto rows = read_fixture(file);
  std::map<std::string, commdx::round_change> got;
  for (const std::string by : {"", "area", "stratum"}) {
    commdx::change_options opt;
    opt.by = by;
    opt.include_total = by.empty();
    for (const auto& c : commdx::test_changes(rows, {}, kVariables, opt))
      got[c.domain + "|" + c.variable] = c;
  }
  std::size_t checked = 0;
  for (std::size_t i = 0; i < expected.rows(); ++i) {
    if (expected.text("design")[i] != design_label) continue;
    const std::string key = expected.text("domain")[i] + "|" + expected.text("variable")[i];
    ASSERT_TRUE(got.count(key)) << key;
    const auto& c = got[key];
    expect_close(c.before, expected.numeric("before")[i], key + " before");
    expect_close(c.se_before, expected.numeric("se_before")[i], key + " se_before");
    expect_close(c.after, expected.numeric("after")[i], key + " after");
    expect_close(c.se_after, expected.numeric("se_after")[i], key + " se_after");
    expect_close(c.change, expected.numeric("change")[i], key + " change");
    expect_close(c.se_change, expected.numeric("se_change")[i], key + " se_change");
    ++checked;
  }
  EXPECT_EQ(checked, 24u);  // 4 variables x (total + 2 areas + 3 strata)
}

TEST(RoundChange, PanelAgreesWithRSurveyContrast) { check_against_r("panel", "rounds.csv"); }

TEST(RoundChange, IndependentRoundsAgreeWithRSurveyContrast) {
  check_against_r("independent", "rounds_indep.csv");
}

// The frame grew by the follow-up (rounds_grown.csv: 3, 4, 2 more groups): each round's variance
// takes its own round's fpc, as R's design with strata = stratum x round does. Reading each
// stratum's fpc from its first row (round 0) for both rounds put the follow-up's SE 3-13% off.
TEST(RoundChange, IndependentRoundsWithAGrownFrameAgreeWithRSurveyContrast) {
  check_against_r("independent_grown", "rounds_grown.csv");
  // the fixture tells the two apart: the follow-up's SE differs from the same-frame one
  const auto same = commdx::test_changes(read_fixture("rounds_indep.csv"), {}, {{"bank", "bank", ""}}).at(0);
  const auto grown = commdx::test_changes(read_fixture("rounds_grown.csv"), {}, {{"bank", "bank", ""}}).at(0);
  EXPECT_GT(std::fabs(grown.se_after / same.se_after - 1), 0.01);
  EXPECT_NEAR(grown.se_before, same.se_before, 1e-15);
}

// A panel's PSUs were drawn once, from one frame: an fpc that differs between the rounds of a
// stratum whose PSUs hold both is refused, naming the stratum.
TEST(RoundChange, RefusesAPanelStratumWhoseFpcDiffersBetweenRounds) {
  auto rows = read_fixture("rounds.csv");
  auto fpc = rows.numeric("fpc");
  const auto& round = rows.numeric("round");
  const auto& stratum = rows.text("stratum");
  for (std::size_t i = 0; i < rows.rows(); ++i)
    if (round[i] == 1 && stratum[i] == "S2") fpc[i] += 4;
  rows.set("fpc", fpc);
  try {
    commdx::test_changes(rows, {}, kVariables);
    FAIL() << "accepted";
  } catch (const commdx::validation_error& e) {
    EXPECT_NE(std::string(e.what()).find("S2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("20 and 24"), std::string::npos) << e.what();
  }
  // and within one round, an fpc that varies within a stratum is an input error
  auto again = read_fixture("rounds_indep.csv");
  auto f2 = again.numeric("fpc");
  f2[3] += 1;
  again.set("fpc", f2);
  EXPECT_THROW(commdx::test_changes(again, {}, kVariables), commdx::input_error);
}

TEST(RoundChange, IndependentRoundsAddTheirVariances) {
  const auto rows = read_fixture("rounds_indep.csv");
  commdx::change_options opt;
  opt.by = "area";
  for (const auto& c : commdx::test_changes(rows, {}, kVariables, opt)) {
    EXPECT_NEAR(c.covariance, 0.0, 1e-15) << c.domain << c.variable;
    expect_close(c.se_change * c.se_change, c.se_before * c.se_before + c.se_after * c.se_after,
                 c.variable);
  }
}

TEST(RoundChange, PanelCovarianceNarrowsTheChangeOfAPersistentHabit) {
  // Households that had an account keep it: the rounds are positively correlated, and the panel's
  // standard error of the change is well under the independent-samples one (R: 0.0311 vs 0.0701).
  const auto rows = read_fixture("rounds.csv");
  const auto c = commdx::test_changes(rows, {}, {{"bank", "bank", ""}}).at(0);
  EXPECT_GT(c.covariance, 0);
  EXPECT_LT(c.se_change, 0.5 * std::sqrt(c.se_before * c.se_before + c.se_after * c.se_after));
}

TEST(RoundChange, FlagsTheBuiltInAdoptionAndNotTheNoise) {
  const auto rows = read_fixture("rounds.csv");
  const auto changes = commdx::test_changes(rows, {}, kVariables);
  std::map<std::string, commdx::round_change> by_name;
  for (const auto& c : changes) by_name[c.variable] = c;
  EXPECT_TRUE(by_name["bank"].significant);           // +24 points, se 3.1
  EXPECT_TRUE(by_name["acc_per_adult"].significant);  // +22 points, se 2.9
  EXPECT_FALSE(by_name["noise"].significant);         // -2.7 points, se 5.9
  EXPECT_LT(by_name["bank"].ci_low, by_name["bank"].change);
  // t reference with the design's degrees of freedom: 15 PSUs - 3 strata (R: degf(design) = 12);
  // p-value and critical value checked against R's 2 * pt(-|t|, 12) and qt(0.975, 12).
  EXPECT_DOUBLE_EQ(by_name["noise"].df, 12.0);
  const double t = by_name["noise"].change / by_name["noise"].se_change;
  EXPECT_NEAR(t, -0.4551181006, 1e-9);
  EXPECT_NEAR(by_name["noise"].p_value, 0.6571487287, 1e-9);
  EXPECT_NEAR((by_name["bank"].ci_high - by_name["bank"].change) / by_name["bank"].se_change, 2.178812829667228, 1e-9);
  // A domain inside one stratum gets that stratum's degrees of freedom: S1 has 4 PSUs, df 3
  // (R: 2 * pt(-|t|, 3) for the S1 change of bank).
  commdx::change_options by_stratum;
  by_stratum.by = "stratum";
  by_stratum.include_total = false;
  const auto s1 = commdx::test_changes(rows, {}, {{"bank", "bank", ""}}, by_stratum).at(0);
  ASSERT_EQ(s1.domain, "S1");
  EXPECT_DOUBLE_EQ(s1.df, 3.0);
  EXPECT_NEAR(s1.p_value, kS1BankP, 1e-9);
}

// A portable generator: raw mt19937_64 bits turned into uniforms by hand (the standard
// distributions differ between library implementations).
struct rng {
  std::mt19937_64 g;
  explicit rng(std::uint64_t seed) : g(seed) {}
  double uniform() { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
  bool bernoulli(double p) { return uniform() < p; }
};

// A panel of `groups` residential groups in 4 strata, 8 households each; a household's 0/1
// answer at round 1 repeats round 0 with probability 0.7 and is otherwise redrawn from the same
// rate, so the population rate does not move; then a non-adopter adopts with probability `adopt`.
commdx::table simulated_panel(rng& r, double p0, double adopt, std::size_t groups) {
  commdx::text_column stratum, psu;
  commdx::numeric_column weight, fpc, round, y;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::string s = "S" + std::to_string(g % 4);
    const double shift = (r.uniform() - 0.5) * 0.3;
    for (int h = 0; h < 8; ++h) {
      const bool y0 = r.bernoulli(p0 + shift);
      bool y1 = r.bernoulli(0.7) ? y0 : r.bernoulli(p0 + shift);
      if (!y1 && r.bernoulli(adopt)) y1 = true;
      for (int k = 0; k < 2; ++k) {
        stratum.push_back(s);
        psu.push_back("G" + std::to_string(g));
        weight.push_back(25.0);
        fpc.push_back(static_cast<double>(groups));
        round.push_back(k);
        y.push_back(k == 0 ? y0 : y1);
      }
    }
  }
  commdx::table t("simulated");
  t.set("stratum", std::move(stratum));
  t.set("psu", std::move(psu));
  t.set("weight", std::move(weight));
  t.set("fpc", std::move(fpc));
  t.set("round", std::move(round));
  t.set("y", std::move(y));
  return t;
}

TEST(RoundChange, HoldsItsSizeUnderNoChangeAndHasPowerUnderARealOne) {
  // Constructed both ways: 400 panels with no change in the population rate (the test must reject
  // about 5% of them) and 200 with a 10-point adoption (it must reject at least 90% of them).
  rng r(8);
  int false_alarms = 0, detected = 0;
  for (int rep = 0; rep < 400; ++rep) {
    const auto t = simulated_panel(r, 0.4, 0.0, 48);
    false_alarms += commdx::test_changes(t, {}, {{"y", "y", ""}}).at(0).significant ? 1 : 0;
  }
  for (int rep = 0; rep < 200; ++rep) {
    const auto t = simulated_panel(r, 0.4, 0.1 / 0.6, 48);
    detected += commdx::test_changes(t, {}, {{"y", "y", ""}}).at(0).significant ? 1 : 0;
  }
  // Binomial(400, 0.05): mean 20, sd 4.4; accept 6..38 (about 3 sd either side).
  EXPECT_GE(false_alarms, 6);
  EXPECT_LE(false_alarms, 38);
  EXPECT_GE(detected, 180);
}

TEST(RoundChange, ACensusHasNoSamplingError) {
  commdx::table t("census");
  t.set("stratum", commdx::text_column{"A", "A", "A", "A"});
  t.set("psu", commdx::text_column{"g1", "g2", "g1", "g2"});
  t.set("weight", commdx::numeric_column{1, 1, 1, 1});
  t.set("fpc", commdx::numeric_column{2, 2, 2, 2});
  t.set("round", commdx::numeric_column{0, 0, 1, 1});
  t.set("y", commdx::numeric_column{0, 1, 1, 1});
  const auto c = commdx::test_changes(t, {}, {{"y", "y", ""}}).at(0);
  EXPECT_DOUBLE_EQ(c.change, 0.5);
  EXPECT_DOUBLE_EQ(c.se_change, 0.0);
  EXPECT_TRUE(c.significant);
}

TEST(RoundChange, ErrorsNameTheRowOrTheStratum) {
  commdx::table t("rounds.csv");
  t.set("stratum", commdx::text_column{"A", "A", "A", "A", "B", "B"});
  t.set("psu", commdx::text_column{"g1", "g2", "g1", "g2", "g3", "g3"});
  t.set("weight", commdx::numeric_column{1, -2, 1, 1, 1, 1});
  t.set("fpc", commdx::numeric_column{10, 10, 10, 10, 10, 10});
  t.set("round", commdx::numeric_column{0, 0, 1, 1, 0, 1});
  t.set("y", commdx::numeric_column{0, 1, 1, 1, 0, 1});
  try {
    commdx::test_changes(t, {}, {{"y", "y", ""}});
    FAIL() << "a negative weight was accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("rounds.csv, row 2, column 'weight'"), std::string::npos) << e.what();
  }
  t.set("weight", commdx::numeric_column{1, 2, 1, 1, 1, 1});
  try {
    commdx::test_changes(t, {}, {{"y", "y", ""}});
    FAIL() << "a lonely PSU was accepted";
  } catch (const commdx::validation_error& e) {
    EXPECT_NE(std::string(e.what()).find("unit B"), std::string::npos) << e.what();
  }
  commdx::round_design no_fpc;
  no_fpc.fpc = "";
  EXPECT_THROW(commdx::test_changes(t, no_fpc, {{"y", "missing_column", ""}}), commdx::input_error);
}

// Issue 11: a household twice in the follow-up was counted twice.
TEST(RoundChange, AHouseholdTwiceInARoundIsRefusedNamingBothRows) {
  commdx::table t("followup.csv");
  t.set("household_id", commdx::text_column{"H1", "H2", "H3", "H1", "H2", "H2"});
  t.set("stratum", commdx::text_column{"A", "A", "A", "A", "A", "A"});
  t.set("psu", commdx::text_column{"g1", "g2", "g3", "g1", "g2", "g2"});
  t.set("weight", commdx::numeric_column{1, 1, 1, 1, 1, 1});
  t.set("round", commdx::numeric_column{0, 0, 0, 1, 1, 1});
  t.set("y", commdx::numeric_column{0, 1, 0, 1, 1, 1});
  commdx::round_design d;
  d.fpc = "";
  EXPECT_NO_THROW(commdx::test_changes(t, d, {{"y", "y", ""}}));  // without an id: rows are rows
  d.id = "household_id";
  try {
    commdx::test_changes(t, d, {{"y", "y", ""}});
    FAIL() << "a duplicate household was accepted";
  } catch (const commdx::validation_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("followup.csv, row 6, column 'household_id'"), std::string::npos) << m;
    EXPECT_NE(m.find("H2 appears twice in round 1 (rows 5 and 6)"), std::string::npos) << m;
  }
  // The same household in both rounds is a panel, not a duplicate.
  t.set("household_id", commdx::text_column{"H1", "H2", "H3", "H1", "H2", "H3"});
  EXPECT_NO_THROW(commdx::test_changes(t, d, {{"y", "y", ""}}));
}

// ---- small-cell suppression ------------------------------------------------------------------

// The differencing attack: the published cells are known, every parent equals the sum of its
// children; a suppressed cell is recoverable when its unit vector lies in the row space of the
// additive constraints restricted to the unknowns.
std::vector<std::string> recoverable(const std::vector<commdx::cell_count>& cells,
                                     const std::vector<commdx::cell_status>& status) {
  std::map<std::string, std::size_t> unknown, index;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    index[cells[i].id] = i;
    if (status[i] != commdx::cell_status::published) {
      const std::size_t k = unknown.size();
      unknown[cells[i].id] = k;
    }
  }
  std::map<std::string, std::vector<std::size_t>> kids;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (index.count(cells[i].parent)) kids[cells[i].parent].push_back(i);
  std::vector<Eigen::VectorXd> rows;
  for (const auto& [parent, children] : kids) {
    Eigen::VectorXd row = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(unknown.size()));
    if (unknown.count(parent)) row[static_cast<Eigen::Index>(unknown[parent])] = 1;
    for (std::size_t c : children)
      if (unknown.count(cells[c].id)) row[static_cast<Eigen::Index>(unknown[cells[c].id])] = -1;
    if (row.cwiseAbs().sum() > 0) rows.push_back(row);
  }
  std::vector<std::string> out;
  if (unknown.empty()) return out;
  const auto m = static_cast<Eigen::Index>(rows.size());
  const auto u = static_cast<Eigen::Index>(unknown.size());
  Eigen::MatrixXd a(m + 1, u);
  for (Eigen::Index r = 0; r < m; ++r) a.row(r) = rows[static_cast<std::size_t>(r)].transpose();
  const Eigen::Index base = m == 0 ? 0 : Eigen::FullPivLU<Eigen::MatrixXd>(a.topRows(m)).rank();
  for (const auto& [id, k] : unknown) {
    a.row(m).setZero();
    a(m, static_cast<Eigen::Index>(k)) = 1;
    if (Eigen::FullPivLU<Eigen::MatrixXd>(a).rank() == base) out.push_back(id);
  }
  return out;
}

TEST(Suppression, OneSmallGroupTakesItsSmallestSiblingWithIt) {
  // Ward W: neighbourhood N1 (groups of 3, 40, 12 households) and N2 (60 households).
  const std::vector<commdx::cell_count> cells = {
      {"W", "", 115}, {"N1", "W", 55}, {"N2", "W", 60},
      {"N1-T1", "N1", 3}, {"N1-T2", "N1", 40}, {"N1-T3", "N1", 12}};
  const auto s = commdx::suppress_small_cells(cells);
  EXPECT_EQ(s[3], commdx::cell_status::primary);
  EXPECT_EQ(s[5], commdx::cell_status::complementary);  // the next-smallest sibling, 12
  EXPECT_EQ(s[4], commdx::cell_status::published);
  EXPECT_EQ(s[0], commdx::cell_status::published);
  EXPECT_EQ(s[1], commdx::cell_status::published);
  EXPECT_TRUE(recoverable(cells, s).empty());
}

TEST(Suppression, TwoTinyGroupsTogetherUnderTheThresholdNeedAThird) {
  const std::vector<commdx::cell_count> cells = {
      {"N", "", 52}, {"T1", "N", 2}, {"T2", "N", 1}, {"T3", "N", 30}, {"T4", "N", 19}};
  const auto s = commdx::suppress_small_cells(cells);
  EXPECT_EQ(s[1], commdx::cell_status::primary);
  EXPECT_EQ(s[2], commdx::cell_status::primary);
  EXPECT_EQ(s[4], commdx::cell_status::complementary);  // 2 + 1 < 5: the aggregate would show
  EXPECT_EQ(s[3], commdx::cell_status::published);
}

TEST(Suppression, ASuppressedParentIsNotTheSumOfPublishedChildren) {
  // N2 is suppressed as N1's complement at the ward level; its own groups are all large, so one
  // of them must go too, or N2 = T1 + T2 and then N1 = W - N2.
  const std::vector<commdx::cell_count> cells = {
      {"W", "", 100}, {"N1", "W", 4}, {"N2", "W", 96}, {"N2-T1", "N2", 50}, {"N2-T2", "N2", 46},
      {"N1-T1", "N1", 4}};
  const auto s = commdx::suppress_small_cells(cells);
  EXPECT_EQ(s[2], commdx::cell_status::complementary);
  EXPECT_EQ(s[4], commdx::cell_status::complementary);
  EXPECT_TRUE(recoverable(cells, s).empty());
}

TEST(Suppression, RandomHierarchiesResistTheDifferencingAttack) {
  rng r(2022);
  int trees_with_small_cells = 0;
  for (int rep = 0; rep < 300; ++rep) {
    std::vector<commdx::cell_count> cells;
    cells.push_back({"C", "", 0});
    const int wards = 1 + static_cast<int>(r.uniform() * 3);
    double city = 0;
    for (int w = 0; w < wards; ++w) {
      const std::string wid = "W" + std::to_string(w);
      const std::size_t wpos = cells.size();
      cells.push_back({wid, "C", 0});
      const int hoods = 1 + static_cast<int>(r.uniform() * 4);
      for (int n = 0; n < hoods; ++n) {
        const std::string nid = wid + "N" + std::to_string(n);
        const std::size_t npos = cells.size();
        cells.push_back({nid, wid, 0});
        const int groups = 1 + static_cast<int>(r.uniform() * 5);
        for (int g = 0; g < groups; ++g) {
          const double hh = r.bernoulli(0.3) ? std::floor(r.uniform() * 5) : 5 + std::floor(r.uniform() * 40);
          cells.push_back({nid + "T" + std::to_string(g), nid, hh});
          cells[npos].households += hh;
        }
        cells[wpos].households += cells[npos].households;
      }
      city += cells[wpos].households;
    }
    cells[0].households = city;
    const auto s = commdx::suppress_small_cells(cells);
    bool small = false;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].households < 5) {
        small = true;
        EXPECT_NE(s[i], commdx::cell_status::published) << cells[i].id;
      }
    }
    trees_with_small_cells += small ? 1 : 0;
    const auto leaked = recoverable(cells, s);
    EXPECT_TRUE(leaked.empty()) << "tree " << rep << " leaks " << leaked.front();
    // Aggregates of suppressed siblings that a published parent reveals hold >= 5 households.
    std::map<std::string, double> held;
    std::map<std::string, int> count;
    for (std::size_t i = 1; i < cells.size(); ++i)
      if (s[i] != commdx::cell_status::published) { held[cells[i].parent] += cells[i].households; ++count[cells[i].parent]; }
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (s[i] == commdx::cell_status::published && count.count(cells[i].id)) {
        EXPECT_GE(count[cells[i].id], 2) << cells[i].id;
        EXPECT_GE(held[cells[i].id], 5) << cells[i].id;
      }
    }
  }
  EXPECT_GT(trees_with_small_cells, 200);
}

TEST(Suppression, TableFormSplitsByGroupAndChecksItsInput) {
  commdx::table t("estimates");
  t.set("unit", commdx::text_column{"W", "N1", "N2", "W", "N1", "N2"});
  t.set("parent", commdx::text_column{"", "W", "W", "", "W", "W"});
  t.set("n", commdx::numeric_column{30, 3, 27, 30, 15, 15});
  t.set("indicator", commdx::text_column{"a", "a", "a", "b", "b", "b"});
  const auto s = commdx::suppress_table(t, "unit", "parent", "n", "indicator");
  EXPECT_EQ(s[1], commdx::cell_status::primary);
  EXPECT_EQ(s[2], commdx::cell_status::complementary);
  EXPECT_EQ(s[4], commdx::cell_status::published);
  t.set("n", commdx::numeric_column{30, -1, 27, 30, 15, 15});
  EXPECT_THROW(commdx::suppress_table(t, "unit", "parent", "n", "indicator"), commdx::validation_error);
  EXPECT_THROW(commdx::suppress_small_cells({}, {0.5}), commdx::config_error);
}

}  // namespace
