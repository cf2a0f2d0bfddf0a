// The report's disclosure pattern and merged design (include/commdx/report/disclosure.hpp), on
// hand-worked trees: every expected status, reason and fpc below is worked out in the comments
// from the rules in docs/disclosure.md, not taken from the code.
#include <gtest/gtest.h>

#include <commdx/report/disclosure.hpp>

#include <cmath>
#include <map>
#include <unordered_map>
#include <string>
#include <vector>

namespace {

struct ward_rows {
  std::string ward;
  int households;
  int yes;
  double weight;
};

/// One round of rows, one row per household, `yes` of them answering 1.
commdx::table rows_of(const std::vector<ward_rows>& wards, int rounds = 1) {
  commdx::text_column ward;
  commdx::numeric_column round, y, w;
  for (int r = 0; r < rounds; ++r)
    for (const auto& c : wards)
      for (int i = 0; i < c.households; ++i) {
        ward.push_back(c.ward);
        round.push_back(r);
        y.push_back(i < c.yes ? 1.0 : 0.0);
        w.push_back(c.weight);
      }
  commdx::table t("survey");
  t.set("round", round);
  t.set("ward_code", ward);
  t.set("e_wallet", y);
  t.set("weight", w);
  return t;
}

std::map<std::string, commdx::pattern_cell> by_unit(const std::vector<commdx::pattern_cell>& cells) {
  std::map<std::string, commdx::pattern_cell> out;
  for (const auto& c : cells) out[c.unit] = c;
  return out;
}

commdx::pattern_options options(double k, double unanimous_below) {
  commdx::pattern_options o;
  o.min_households = k;
  o.unanimous_below = unanimous_below;
  return o;
}

const std::vector<commdx::change_variable> kWallet = {{"e_wallet", "e_wallet", ""}};

}  // namespace

// Ward A has 3 households (< k = 5): primary "small". The city would give A as city minus B, C:
// the smallest published sibling, B (20), becomes complementary. C and the city stay published.
TEST(DisclosurePattern, SmallCellAndItsComplement) {
  auto p = by_unit(commdx::indicator_pattern(rows_of({{"A", 3, 1, 1}, {"B", 20, 9, 1}, {"C", 25, 12, 1}}), kWallet,
                                             options(5, 0)));
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p["A"].status, commdx::cell_status::primary);
  EXPECT_EQ(p["A"].reason, "small");
  EXPECT_EQ(p["A"].households, 3);
  EXPECT_EQ(p["B"].status, commdx::cell_status::complementary);
  EXPECT_EQ(p["B"].reason, "");
  EXPECT_EQ(p["C"].status, commdx::cell_status::published);
  EXPECT_EQ(p[commdx::pattern_root()].status, commdx::cell_status::published);
  EXPECT_EQ(p[commdx::pattern_root()].households, 48);
  EXPECT_EQ(p["B"].parent, commdx::pattern_root());
  EXPECT_EQ(p["B"].level, "ward_code");
}

// Ward B: 8 households, all answering 1 (100%), with unanimous_below 10: primary "unanimous"
// although 8 >= k. With 12 or more it would be published (not below 10).
TEST(DisclosurePattern, UnanimousCellBelowTheThreshold) {
  auto p = by_unit(commdx::indicator_pattern(rows_of({{"A", 30, 10, 1}, {"B", 8, 8, 1}, {"C", 25, 12, 1}}), kWallet,
                                             options(5, 10)));
  EXPECT_EQ(p["B"].status, commdx::cell_status::primary);
  EXPECT_EQ(p["B"].reason, "unanimous");
  EXPECT_EQ(p["C"].status, commdx::cell_status::complementary);  // the smallest sibling, 25 < 30
  auto q = by_unit(commdx::indicator_pattern(rows_of({{"A", 30, 10, 1}, {"B", 12, 12, 1}, {"C", 25, 12, 1}}), kWallet,
                                             options(5, 10)));
  EXPECT_EQ(q["B"].status, commdx::cell_status::published);
}

// The weighted city (docs/disclosure.md step 2b): A (weight 1, 3 households) is small, B (weight
// 1.25) its complement. The hidden {A, B} hold two weight classes: each alone is one child, so
// each class is unsafe. Class 1 has published siblings (C, D) but class 1.25 has none, so the
// city itself is hidden ("remainder_weighted") and, recomputed, B, C, D are published again.
TEST(DisclosurePattern, WeightClassesHideTheWeightedParent) {
  auto cells = commdx::indicator_pattern(
      rows_of({{"A", 3, 1, 1}, {"B", 20, 9, 1.25}, {"C", 30, 10, 1}, {"D", 40, 20, 1}}), kWallet, options(5, 0));
  auto p = by_unit(cells);
  EXPECT_EQ(p[commdx::pattern_root()].reason, "remainder_weighted");
  EXPECT_EQ(p[commdx::pattern_root()].status, commdx::cell_status::primary);
  EXPECT_EQ(p["A"].status, commdx::cell_status::primary);
  EXPECT_EQ(p["B"].status, commdx::cell_status::published);
  EXPECT_EQ(p["C"].status, commdx::cell_status::published);
  EXPECT_EQ(p["D"].status, commdx::cell_status::published);
  EXPECT_NE(p["A"].weight_class, p["B"].weight_class);
  EXPECT_EQ(p["A"].weight_class, p["C"].weight_class);
  // Without the weight column there is one class: only A and its complement B are hidden.
  auto o = options(5, 0);
  o.weight = "";
  auto q = by_unit(commdx::indicator_pattern(
      rows_of({{"A", 3, 1, 1}, {"B", 20, 9, 1.25}, {"C", 30, 10, 1}, {"D", 40, 20, 1}}), kWallet, o));
  EXPECT_EQ(q[commdx::pattern_root()].status, commdx::cell_status::published);
  EXPECT_EQ(q["B"].status, commdx::cell_status::complementary);
}

// A ratio's households are the rows with both numerator and denominator, the fewest over rounds.
TEST(DisclosurePattern, HouseholdsAreTheFewestOverRoundsWithBothVariables) {
  commdx::table t = rows_of({{"A", 10, 4, 1}, {"B", 10, 5, 1}}, 2);
  commdx::numeric_column adults(t.rows(), 2.0);
  adults[0] = commdx::missing;  // A's first household in round 0 has no denominator
  t.set("adults", adults);
  auto p = by_unit(commdx::indicator_pattern(t, {{"ratio", "e_wallet", "adults"}}, options(5, 0)));
  EXPECT_EQ(p["A"].households, 9);
  EXPECT_EQ(p["B"].households, 10);
  EXPECT_EQ(p[commdx::pattern_root()].households, 19);
}

TEST(DisclosurePattern, RefusesAMissingRoundAndABadThreshold) {
  commdx::table t = rows_of({{"A", 3, 1, 1}});
  commdx::numeric_column r = t.numeric("round");
  r[1] = commdx::missing;
  t.set("round", r);
  EXPECT_THROW(commdx::indicator_pattern(t, kWallet, options(5, 0)), commdx::input_error);
  EXPECT_THROW(commdx::indicator_pattern(rows_of({{"A", 3, 1, 1}}), kWallet, options(0.5, 0)), commdx::config_error);
}

// Stratum S1: PSUs p1, p2 (group g1, suppressed), p3, p4; fpc 0.5 is a sampling fraction: 4 / 0.5 =
// 8 PSUs in the stratum. p1 and p2 merge into one PSU: 3 PSUs left of 4, so 8 - 1 = 7.
// Stratum S2: q1, q2 both in suppressed g4, fpc 10: merged to one PSU, a certainty unit (fpc 1),
// its ward W2 listed as collapsed. Ward W3 is suppressed: its strata S3 (fpc 6 PSUs) and S4 (2
// PSUs sampled at 0.25: 8) become one stratum of 6 + 8 = 14 PSUs, none merged away.
TEST(MergedDesign, MergesSuppressedGroupsAndWards) {
  commdx::text_column strata = {"S1", "S1", "S1", "S1", "S2", "S2", "S3", "S3", "S4", "S4"};
  commdx::text_column psu = {"p1", "p2", "p3", "p4", "q1", "q2", "r1", "r2", "s1", "s2"};
  commdx::numeric_column fpc = {0.5, 0.5, 0.5, 0.5, 10, 10, 6, 6, 0.25, 0.25};
  commdx::text_column group = {"g1", "g1", "g2", "g3", "g4", "g4", "g5", "g6", "g7", "g8"};
  commdx::text_column ward = {"W1", "W1", "W1", "W1", "W2", "W2", "W3", "W3", "W3", "W3"};
  std::unordered_map<std::string, commdx::cell_status> status = {
      {"g1", commdx::cell_status::primary}, {"g4", commdx::cell_status::complementary},
      {"W3", commdx::cell_status::primary}, {"g2", commdx::cell_status::published}};
  auto m = commdx::merge_suppressed_design(strata, psu, fpc, group, ward, status);
  EXPECT_EQ(m.psu[0], "S1|suppressed");
  EXPECT_EQ(m.psu[1], "S1|suppressed");
  EXPECT_EQ(m.psu[2], "p3");
  EXPECT_EQ(m.fpc[0], 7);
  EXPECT_EQ(m.fpc[3], 7);
  EXPECT_EQ(m.fpc[4], 1);
  EXPECT_EQ(m.strata[6], "__suppressed_wards__");
  EXPECT_EQ(m.strata[9], "__suppressed_wards__");
  EXPECT_EQ(m.fpc[6], 14);
  EXPECT_EQ(m.fpc[9], 14);
  ASSERT_EQ(m.collapsed, std::vector<std::string>{"W2"});
  // Without an fpc: none, except the certainty unit.
  auto n = commdx::merge_suppressed_design(strata, psu, {}, group, ward, status);
  EXPECT_TRUE(std::isnan(n.fpc[0]));
  EXPECT_EQ(n.fpc[4], 1);
  EXPECT_TRUE(std::isnan(n.fpc[6]));
}

// The M1 log, k = 5. Month 0: process P in 12 households, 8 in ward A and 4 in ward B. B is small
// (primary); the city would give it as city - A, so A is complementary. The log's total has the
// same cells, and every unit where a process is hidden (A, B) is hidden in it: then the city
// would give A + B, both hidden, so it is hidden too. Month 1: 3 more households in A. The city's
// count rose by 3 since it was last published (12): 15 - 12 between 0 and k would reveal the 3,
// so the city is primary; A (11, never published) is now published; B stays primary.
TEST(ManualProcessPattern, CumulativeCountsNeverRevealASmallRise) {
  commdx::text_column hh, proc, ward;
  std::vector<long> month;
  auto add = [&](const std::string& h, const std::string& w, long m) {
    hh.push_back(h);
    proc.push_back("P");
    ward.push_back(w);
    month.push_back(m);
  };
  for (int i = 0; i < 8; ++i) add("a" + std::to_string(i), "A", 24270);
  for (int i = 0; i < 4; ++i) add("b" + std::to_string(i), "B", 24270);
  auto status_of = [](const std::vector<commdx::manual_cell_status>& cells) {
    std::map<std::pair<std::string, std::string>, commdx::cell_status> out;
    for (const auto& c : cells) out[{c.process, c.unit}] = c.status;
    return out;
  };
  const auto& city = commdx::pattern_root();
  const auto& all = commdx::manual_all_processes();
  auto m0 = status_of(commdx::manual_process_pattern(hh, proc, ward, month, 5));
  EXPECT_EQ((m0[{"P", city}]), commdx::cell_status::published);
  EXPECT_EQ((m0[{"P", "A"}]), commdx::cell_status::complementary);
  EXPECT_EQ((m0[{"P", "B"}]), commdx::cell_status::primary);
  EXPECT_NE((m0[{all, city}]), commdx::cell_status::published);
  EXPECT_NE((m0[{all, "A"}]), commdx::cell_status::published);
  for (int i = 0; i < 3; ++i) add("c" + std::to_string(i), "A", 24271);
  add("", "A", 24271);         // no household: counts nowhere
  add("d0", "A", -1);          // no date: in no month
  auto m1 = status_of(commdx::manual_process_pattern(hh, proc, ward, month, 5));
  EXPECT_EQ((m1[{"P", city}]), commdx::cell_status::primary);
  EXPECT_EQ((m1[{"P", "A"}]), commdx::cell_status::published);
  EXPECT_EQ((m1[{"P", "B"}]), commdx::cell_status::primary);
  EXPECT_EQ((m1[{all, city}]), commdx::cell_status::primary);
  EXPECT_EQ((m1[{all, "A"}]), commdx::cell_status::published);
  EXPECT_EQ(m1.size(), 6u);
}
