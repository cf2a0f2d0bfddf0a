// The report's disclosure pattern and merged design (include/commdx/report/disclosure.hpp) and its
// indicator section (report/indicators.hpp), on hand-worked trees: every expected status, reason,
// fpc, round, pace and hidden figure below is worked out in the comments from the rules in
// docs/disclosure.md and the headers, not taken from the code; so are the visits section's
// (report/visits.hpp) visits, hours, rates, plan counts and nominations, the teams section's
// (report/teams.hpp) composition, coverage and findings, the M1 section's (report/manual.hpp)
// proposals and the class and score section's (report/scores.hpp) rows.
#include <gtest/gtest.h>

#include <commdx/report/disclosure.hpp>
#include <commdx/report/indicators.hpp>
#include <commdx/report/manual.hpp>
#include <commdx/report/scores.hpp>
#include <commdx/report/teams.hpp>
#include <commdx/report/visits.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
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

// ---- the indicator section (include/commdx/report/indicators.hpp) -------------------------------

TEST(ReportIndicators, MonthsAreCountedFromYearZero) {
  // 2022-10: 2022 * 12 + 10 - 1 = 24264 + 9 = 24273; and back.
  EXPECT_EQ(commdx::report::month_index("2022-10"), 24273);
  EXPECT_EQ(commdx::report::month_text(24273), "2022-10");
  // 24272 = 2022 * 12 + 8: September (month 9).
  EXPECT_EQ(commdx::report::month_text(24272), "2022-09");
  EXPECT_THROW(commdx::report::month_index("2022-13"), commdx::input_error);
  EXPECT_THROW(commdx::report::month_index("October"), commdx::input_error);
}

TEST(ReportIndicators, UndatedRoundsAreDatedByTheVisitLog) {
  // Visits from 2022-08 (24271) to 2022-10 (24273): the baseline describes the month before the
  // first visit (24270 = 2022-07), a follow-up round the month of the last visit (2022-10); a
  // round given a month keeps it.
  const auto months = commdx::report::round_months({0, 1, 2}, {{2, "2023-01"}}, std::make_pair(24271L, 24273L));
  EXPECT_EQ(months.at(0), "2022-07");
  EXPECT_EQ(months.at(1), "2022-10");
  EXPECT_EQ(months.at(2), "2023-01");
  // Without visits: the baseline is before every month, a follow-up after every month.
  const auto undated = commdx::report::round_months({0, 1}, {}, std::nullopt);
  EXPECT_EQ(undated.at(0), "0000-01");
  EXPECT_EQ(undated.at(1), "9999-12");
}

TEST(ReportIndicators, AMonthComparesItsLatestRoundWithLastMonthsAndTheBaseline) {
  const std::map<int, std::string> months{{0, "2022-07"}, {1, "2022-10"}, {2, "2023-01"}};
  // 2022-10: rounds dated in or before October are 0 and 1 -> now 1; before October (September
  // and earlier) only round 0 -> last month 0.
  auto c = commdx::report::choose_rounds(months, "2022-10");
  EXPECT_EQ(c.baseline, 0);
  EXPECT_EQ(c.now, 1);
  EXPECT_EQ(c.last_month, 0);
  // 2022-12: round 1 is both now and last month's (no new round).
  c = commdx::report::choose_rounds(months, "2022-12");
  EXPECT_EQ(c.now, 1);
  EXPECT_EQ(c.last_month, 1);
  // 2023-01: round 2 now, round 1 last month.
  c = commdx::report::choose_rounds(months, "2023-01");
  EXPECT_EQ(c.now, 2);
  EXPECT_EQ(c.last_month, 1);
  // 2022-06, before every round: round 0 for both.
  c = commdx::report::choose_rounds(months, "2022-06");
  EXPECT_EQ(c.now, 0);
  EXPECT_EQ(c.last_month, 0);
}

TEST(ReportIndicators, ProgressStatusAndPace) {
  using commdx::report::progress_status;
  using commdx::report::progress_towards;
  // Target 0.8, now 0.5 with 10 months left: gap 0.3, pace needed 0.3 / 10 = 0.03 a month. From a
  // baseline of 0.3 four months ago the pace so far is (0.5 - 0.3) / 4 = 0.05 >= 0.03: on track.
  auto p = progress_towards("x", 0.5, 0.3, 4, 0.8, 10L);
  EXPECT_NEAR(p.gap, 0.3, 1e-12);
  EXPECT_NEAR(p.pace_needed, 0.03, 1e-12);
  EXPECT_NEAR(p.pace_so_far, 0.05, 1e-12);
  EXPECT_EQ(p.status, progress_status::on_track);
  // From 0.45 five months ago: (0.5 - 0.45) / 5 = 0.01 < 0.03: behind.
  p = progress_towards("x", 0.5, 0.45, 5, 0.8, 10L);
  EXPECT_NEAR(p.pace_so_far, 0.01, 1e-12);
  EXPECT_EQ(p.status, progress_status::behind);
  // Now 0.85 above the target: gap max(0.8 - 0.85, 0) = 0, met even past the deadline; the pace
  // needed with no month left and no gap is 0.
  p = progress_towards("x", 0.85, 0.3, 4, 0.8, -2L);
  EXPECT_EQ(p.gap, 0.0);
  EXPECT_EQ(p.pace_needed, 0.0);
  EXPECT_EQ(p.status, progress_status::met);
  // A gap of 0.3 in the deadline's month (0 months left): an infinite pace needed, overdue.
  p = progress_towards("x", 0.5, 0.3, 4, 0.8, 0L);
  EXPECT_EQ(p.pace_needed, std::numeric_limits<double>::infinity());
  EXPECT_EQ(p.status, progress_status::overdue);
  // Now hidden (NaN): no gap, unknown; no target date: no pace needed, unknown; the baseline's own
  // month (0 months elapsed): no pace so far, unknown.
  p = progress_towards("x", commdx::missing, 0.3, 4, 0.8, 10L);
  EXPECT_TRUE(std::isnan(p.gap));
  EXPECT_EQ(p.status, progress_status::unknown);
  p = progress_towards("x", 0.5, 0.3, 4, 0.8, std::nullopt);
  EXPECT_TRUE(std::isnan(p.pace_needed));
  EXPECT_EQ(p.status, progress_status::unknown);
  p = progress_towards("x", 0.5, 0.3, 0, 0.8, 10L);
  EXPECT_TRUE(std::isnan(p.pace_so_far));
  EXPECT_EQ(p.status, progress_status::unknown);
}

namespace {

/// Two rounds of a city of two wards, one row (and one PSU) per household, weight 1:
///   round 0: ward A 30 households, 6 answering yes; ward B 3 households, none yes;
///   round 1: ward A 30 households, 15 yes; ward B 3 households, all 3 yes.
/// `app` has values in round 0 only (the follow-up file lacks it).
commdx::report::indicator_inputs two_ward_city() {
  commdx::text_column ward;
  commdx::numeric_column round, yes, app, weight;
  auto add = [&](int r, const std::string& w, int households, int yes_count) {
    for (int i = 0; i < households; ++i) {
      round.push_back(r);
      ward.push_back(w);
      yes.push_back(i < yes_count ? 1.0 : 0.0);
      app.push_back(r == 0 ? 1.0 : commdx::missing);
      weight.push_back(1.0);
    }
  };
  add(0, "A", 30, 6);
  add(0, "B", 3, 0);
  add(1, "A", 30, 15);
  add(1, "B", 3, 3);
  commdx::report::indicator_inputs in;
  in.rows = commdx::table("sample_households.csv");
  in.rows.set("round", round);
  in.rows.set("ward_code", ward);
  in.rows.set("yes", yes);
  in.rows.set("app", app);
  in.rows.set("weight", weight);
  commdx::report::indicator_def d_yes;
  d_yes.id = "yes";
  d_yes.numerator = "yes";
  d_yes.target = 0.8;
  d_yes.target_date = "2022-12-31";
  commdx::report::indicator_def d_app;
  d_app.id = "app";
  d_app.numerator = "app";
  in.indicators = {d_yes, d_app};
  in.month = "2022-10";
  in.dated = {{0, "2022-07"}, {1, "2022-10"}};
  in.parent_of = {{"A", "C"}, {"B", "C"}};
  in.min_households = 10;
  return in;
}

}  // namespace

TEST(ReportIndicators, ASmallWardAndItsSiblingAreHiddenAndTheCityPublishesNoSE) {
  const auto res = commdx::report::indicator_section(two_ward_city());
  // 2022-10 compares round 1 (October) with the baseline and with last month's round 0.
  EXPECT_EQ(res.rounds.now, 1);
  EXPECT_EQ(res.rounds.last_month, 0);
  EXPECT_TRUE(res.notes.empty());
  // `app` has no value in round 1, a compared round.
  ASSERT_EQ(res.lacking.size(), 1u);
  EXPECT_EQ(res.lacking[0].indicator, "app");
  EXPECT_EQ(res.lacking[0].column, "app");
  EXPECT_EQ(res.lacking[0].round, 1);
  EXPECT_TRUE(res.lacking[0].compared);
  // A city report: the city, then its wards; per level the indicators in order, wards sorted.
  ASSERT_EQ(res.cells.size(), 6u);
  const std::vector<std::pair<std::string, std::string>> order{{"", "yes"}, {"", "app"}, {"A", "yes"},
                                                               {"B", "yes"}, {"A", "app"}, {"B", "app"}};
  for (std::size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(res.cells[i].unit, order[i].first) << i;
    EXPECT_EQ(res.cells[i].variable, order[i].second) << i;
  }
  using commdx::report::indicator_status;
  const auto& city = res.cells[0];
  // k = 10: ward B (3 households) is primary; the city minus ward A would give B, so A is hidden
  // too (complementary); the city, of 33 households with two hidden wards holding 33 >= k, is
  // published.
  EXPECT_EQ(res.cells[2].suppression, indicator_status::complementary);
  EXPECT_EQ(res.cells[3].suppression, indicator_status::primary);
  EXPECT_TRUE(std::isnan(res.cells[2].now) && std::isnan(res.cells[3].baseline) && std::isnan(res.cells[3].n_now));
  EXPECT_FALSE(res.cells[2].significant_baseline.has_value());
  EXPECT_EQ(city.suppression, indicator_status::published);
  // The city's estimates: 6 + 0 = 6 of 33 yes at the baseline (also last month's round), 15 + 3 =
  // 18 of 33 now; change 12/33.
  EXPECT_NEAR(city.baseline, 6.0 / 33, 1e-12);
  EXPECT_NEAR(city.last_month, 6.0 / 33, 1e-12);
  EXPECT_NEAR(city.now, 18.0 / 33, 1e-12);
  EXPECT_NEAR(city.change_baseline, 12.0 / 33, 1e-12);
  EXPECT_NEAR(city.change_last_month, 12.0 / 33, 1e-12);
  EXPECT_EQ(city.n_baseline, 33.0);
  EXPECT_EQ(city.n_now, 33.0);
  // Both wards hidden: every household's PSU (its group: here the ward) is merged into one PSU of
  // one stratum, whose variance would read 0; so no SE, CI or test for the city.
  EXPECT_TRUE(std::isnan(city.se_baseline) && std::isnan(city.se_now) && std::isnan(city.se_change_baseline));
  EXPECT_TRUE(std::isnan(city.ci_low_baseline) && std::isnan(city.p_value_baseline));
  EXPECT_FALSE(city.significant_baseline.has_value());
  EXPECT_FALSE(city.significant_last_month.has_value());
  // `app`'s cells are missing data, not suppressed: no figure.
  for (std::size_t i : {1u, 4u, 5u}) {
    EXPECT_EQ(res.cells[i].suppression, indicator_status::missing) << i;
    EXPECT_TRUE(std::isnan(res.cells[i].baseline)) << i;
  }
  // Wards' parent is the city (""); the city has none.
  EXPECT_EQ(res.cells[2].parent, "");
  EXPECT_EQ(city.by, "city");
  EXPECT_EQ(res.cells[2].by, "ward_code");
  // Progress of `yes` (target 0.8 by 2022-12-31): now 18/33; gap 0.8 - 18/33 = 0.25454...; 2
  // months left (December - October): pace needed 0.12727...; 3 months since the baseline
  // (October - July): pace so far (12/33) / 3 = 0.12121... < 0.12727...: behind.
  ASSERT_EQ(res.progress.size(), 1u);
  const auto& p = res.progress[0];
  EXPECT_EQ(p.variable, "yes");
  EXPECT_NEAR(p.gap, 0.8 - 18.0 / 33, 1e-12);
  ASSERT_TRUE(p.months_left.has_value());
  EXPECT_EQ(*p.months_left, 2);
  EXPECT_NEAR(p.pace_needed, (0.8 - 18.0 / 33) / 2, 1e-12);
  EXPECT_NEAR(p.pace_so_far, 12.0 / 33 / 3, 1e-12);
  EXPECT_EQ(p.status, commdx::report::progress_status::behind);
}

TEST(ReportIndicators, RowsWithoutWeightsAreRefusedNamingTheFile) {
  auto in = two_ward_city();
  commdx::table t("sample_households.csv");
  t.set("round", in.rows.numeric("round"));
  t.set("ward_code", in.rows.text("ward_code"));
  t.set("yes", in.rows.numeric("yes"));
  in.rows = t;
  in.indicators.resize(1);
  try {
    commdx::report::indicator_section(in);
    FAIL() << "no error";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("sample_households.csv, column 'weight'"), std::string::npos) << e.what();
  }
}

// ---- the visits section (report/visits.hpp) ---------------------------------------------------
//
// A hand-worked month. The catalogue: "hard" (prior 2/(2+8) = 0.2, 20 minutes), "easy" (prior
// 7/(7+3) = 0.7, 5 minutes), travel 10 minutes a visit; "guidance" is no catalogue action (the
// log's own rate), and takes the default 15 minutes. Teams: T-A (unit A-KP1 of ward A: M-1, M-2)
// and T-B (unit B-KP1 of ward B: M-3). The October visits, in log order:
//
//   row  household member action    outcome   success prior
//    1   H1        M-1    hard      adopted   1       0.2
//    2   H1        M-1    easy      adopted   1       0.7   (the same door visit as row 1)
//    3-4 H2, H3    M-1    hard      adopted   1       0.2
//    5-6 H4, H5    M-1    hard      declined  0       0.2
//    7-9 H6-H8     M-2    easy      adopted   1       0.7
//   10   H9        M-2    easy      declined  0       0.7
//   11   H10       M-2    easy      not_home  0       0     (no attempt: no chance)
//   12   H11       M-3    hard      adopted   1       0.2
//   13   H12       M-3    hard      declined  0       0.2
//   14   H13       M-3    guidance  adopted   1       own rate 1/1 = 1
//
// and one September visit (row 15), which October leaves out. Adoptions 9; prior-expected
// 0.2 * 7 (rows 1, 3-6, 12, 13) + 0.7 * 5 (rows 2, 7-10) + 1 (row 14) = 5.9; calibration
// c = 9 / 5.9 = 90/59. H13 is no survey household: its
// ward is its member's team's (B).
namespace {

commdx::campaign_catalogue visit_catalogue() {
  return commdx::campaign_catalogue::from_json(nlohmann::json::parse(R"({
    "visit": {"travel_minutes": 10},
    "visit_log": {"contact_actions": [], "success": ["adopted"], "failure": ["declined"], "no_attempt": ["not_home"]},
    "actions": [{"id": "hard", "minutes": 20, "prior": {"alpha": 2, "beta": 8}},
                {"id": "easy", "minutes": 5, "prior": {"alpha": 7, "beta": 3}}]})"),
                                               "test-campaigns.json");
}

commdx::report::visits_inputs october(const std::string& ward, double k) {
  using commdx::text_column;
  text_column household, action, member, date, outcome;
  auto visit = [&](const char* h, const char* m, const char* a, const char* o, const char* d = "2022-10-03") {
    household.emplace_back(h);
    member.emplace_back(m);
    action.emplace_back(a);
    outcome.emplace_back(o);
    date.emplace_back(d);
  };
  visit("H1", "M-1", "hard", "adopted");
  visit("H1", "M-1", "easy", "Adopted");  // any case
  visit("H2", "M-1", "hard", "adopted");
  visit("H3", "M-1", "hard", "adopted");
  visit("H4", "M-1", "hard", "declined");
  visit("H5", "M-1", "hard", "declined");
  for (const char* h : {"H6", "H7", "H8"}) visit(h, "M-2", "easy", "adopted", "2022-10-04");
  visit("H9", "M-2", "easy", "declined");
  visit("H10", "M-2", "easy", "not_home");
  visit("H11", "M-3", "hard", "adopted");
  visit("H12", "M-3", "hard", "declined");
  visit("H13", "M-3", "guidance", "adopted");
  visit("H1", "M-1", "hard", "adopted", "2022-09-30");
  commdx::report::visits_inputs in;
  in.visits = commdx::table("visits.csv");
  in.visits.set("household_id", household);
  in.visits.set("action", action);
  in.visits.set("member_id", member);
  in.visits.set("date", date);
  in.visits.set("outcome", outcome);
  auto team = [](const char* id, const char* unit, std::vector<std::pair<const char*, const char*>> members) {
    commdx::team t;
    t.id = id;
    t.unit = unit;
    for (const auto& [mid, name] : members) {
      commdx::member m;
      m.id = mid;
      m.name = name;
      t.members.push_back(m);
    }
    return t;
  };
  in.roster = commdx::roster::from_teams({team("T-A", "A-KP1", {{"M-1", "An"}, {"M-2", "Bình"}}),
                                          team("T-B", "B-KP1", {{"M-3", "Chi"}})});
  for (int i = 1; i <= 12; ++i) in.household_ward["H" + std::to_string(i)] = i <= 10 ? "A" : "B";
  in.ward_of = {{"A", "A"}, {"A-KP1", "A"}, {"B", "B"}, {"B-KP1", "B"}};
  in.catalogue = visit_catalogue();
  in.month = "2022-10";
  in.ward = ward;
  in.min_households = k;
  in.default_action_minutes = 15;
  in.nomination = {2.0, 3, 1};
  return in;
}

/// The plan: M-1 twice in October (and once in September), M-2 once, M-3 (ward B) once, M-4 (on
/// no team, so in no ward) once.
commdx::table october_plan() {
  commdx::table plan("plan_visits.csv");
  plan.set("member_id", commdx::text_column{"M-1", "M-1", "M-1", "M-2", "M-3", "M-4"});
  plan.set("date", commdx::text_column{"2022-10-03", "2022-10-10", "2022-09-28", "2022-10-05", "2022-10-07", "2022-10-06"});
  return plan;
}

}  // namespace

TEST(ReportVisits, AMembersVisitsHoursAndPaceInAWardsReport) {
  auto in = october("A", 5);
  in.plan = october_plan();
  const auto res = commdx::report::visits_section(in);
  const double c = 90.0 / 59;
  EXPECT_NEAR(res.calibration, c, 1e-12);
  // Ward A: M-1's 5 door visits (H1's two actions are one) and M-2's 5.
  EXPECT_EQ(res.month_visits, 10u);
  EXPECT_EQ(res.households_visited, 10u);
  ASSERT_EQ(res.members.size(), 2u);  // M-3 works in ward B
  const auto& m1 = res.members[0];
  EXPECT_EQ(m1.member_id, "M-1");
  EXPECT_EQ(m1.team_id, "T-A");
  EXPECT_EQ(m1.name, "An");
  EXPECT_EQ(m1.visits, 5u);
  EXPECT_EQ(m1.households, 5u);
  // Minutes: H1 20 + 5 + 10 travel = 35, H2-H5 20 + 10 = 30 each: 155, 155/60 hours.
  EXPECT_DOUBLE_EQ(m1.minutes, 155);
  EXPECT_NEAR(m1.hours, 155.0 / 60, 1e-12);
  // Adoptions 4 (H1 twice, H2, H3); expected c * (0.2 + 0.7 + 4 * 0.2) = 1.7 c = 153/59.
  EXPECT_DOUBLE_EQ(m1.conversions, 4);
  EXPECT_NEAR(m1.expected, 153.0 / 59, 1e-12);
  // Pace: 4 adoptions in 155/60 hours = 48/31 an hour; rate (4 + 2) / (153/59 + 2) = 354/271.
  EXPECT_NEAR(m1.per_hour, 48.0 / 31, 1e-12);
  EXPECT_NEAR(m1.adjusted_rate, 354.0 / 271, 1e-12);
  // Planned: the plan's two October visits of M-1 (not September's).
  ASSERT_TRUE(m1.visits_planned.has_value());
  EXPECT_EQ(*m1.visits_planned, 2u);
  // M-2: 5 visits of 5 + 10 minutes = 75 (1.25 hours); 3 adoptions, expected c * 0.7 * 4 = 252/59
  // (not_home expects nothing); rate 5 / (252/59 + 2) = 59/74; 3 / 1.25 = 2.4 an hour.
  const auto& m2 = res.members[1];
  EXPECT_EQ(m2.member_id, "M-2");
  EXPECT_NEAR(m2.hours, 1.25, 1e-12);
  EXPECT_NEAR(m2.expected, 252.0 / 59, 1e-12);
  EXPECT_NEAR(m2.adjusted_rate, 59.0 / 74, 1e-12);
  EXPECT_NEAR(m2.per_hour, 2.4, 1e-12);
  EXPECT_EQ(*m2.visits_planned, 1u);
  // Team T-A: 10 visits, 3 planned, 230/60 hours, 7 adoptions against 4.5 c = 405/59: rate
  // 9 / (405/59 + 2) = 531/523.
  ASSERT_EQ(res.teams.size(), 1u);
  const auto& ta = res.teams[0];
  EXPECT_EQ(ta.team_id, "T-A");
  EXPECT_EQ(ta.visits, 10u);
  EXPECT_EQ(*ta.visits_planned, 3u);
  EXPECT_EQ(ta.households, 10u);
  EXPECT_NEAR(ta.hours, 230.0 / 60, 1e-12);
  EXPECT_DOUBLE_EQ(ta.conversions, 7);
  EXPECT_NEAR(ta.adjusted_rate, 531.0 / 523, 1e-12);
  EXPECT_EQ(ta.suppression, commdx::cell_status::published);
  EXPECT_TRUE(res.notes.empty());
}

TEST(ReportVisits, ANominationMeetsTheStatedCriterion) {
  // The criterion: at least k households visited (published adoption figures) and an adjusted
  // rate above 1, the highest first. M-1 (5 households, 354/271 > 1) is nominated; M-2 (59/74)
  // is not; T-A (531/523 > 1, 10 households) is the team nominated.
  const auto res = commdx::report::visits_section(october("A", 5));
  ASSERT_EQ(res.nominated_members.size(), 1u);
  EXPECT_EQ(res.members[res.nominated_members[0]].member_id, "M-1");
  EXPECT_GT(res.members[res.nominated_members[0]].adjusted_rate, 1);
  ASSERT_EQ(res.nominated_teams.size(), 1u);
  EXPECT_EQ(res.teams[res.nominated_teams[0]].team_id, "T-A");
  // No plan: nothing planned is known, and the note says so.
  EXPECT_FALSE(res.members[0].visits_planned.has_value());
  EXPECT_FALSE(res.teams[0].visits_planned.has_value());
  EXPECT_EQ(res.notes, std::vector<std::string>{"no_plan"});
  // With k = 6 M-1's 5 households are a small cell: no published rate, so no nomination (and
  // M-2's 5 are hidden too; T-A's 10 stay published).
  const auto strict = commdx::report::visits_section(october("A", 6));
  EXPECT_TRUE(strict.nominated_members.empty());
  EXPECT_TRUE(std::isnan(strict.members[0].adjusted_rate));
  EXPECT_EQ(strict.members[0].suppression, commdx::cell_status::primary);
  EXPECT_EQ(strict.members[0].visits, 5u);  // the member's own work stays published
  EXPECT_EQ(strict.teams[0].suppression, commdx::cell_status::published);
}

TEST(ReportVisits, TheCitysReportHasEveryWardAndEveryPlannedMember) {
  auto in = october("", 5);
  in.plan = october_plan();
  const auto res = commdx::report::visits_section(in);
  // Ward B adds M-3's 3 visits (H13's ward from M-3's team): 13; M-4, on no team, is listed by the
  // plan with nothing done. Order: team "" (M-4), T-A (M-1, M-2), T-B (M-3).
  EXPECT_EQ(res.month_visits, 13u);
  ASSERT_EQ(res.members.size(), 4u);
  EXPECT_EQ(res.members[0].member_id, "M-4");
  EXPECT_EQ(res.members[0].team_id, "");
  EXPECT_EQ(res.members[0].visits, 0u);
  EXPECT_EQ(*res.members[0].visits_planned, 1u);
  EXPECT_TRUE(std::isnan(res.members[0].adjusted_rate));  // visited nobody: nothing to publish
  const auto& m3 = res.members[3];
  EXPECT_EQ(m3.member_id, "M-3");
  EXPECT_EQ(*m3.visits_planned, 1u);
  // M-3: H11, H12 30 minutes each, H13 15 + 10: 85 minutes; 3 households < k = 5: hidden.
  EXPECT_NEAR(m3.hours, 85.0 / 60, 1e-12);
  EXPECT_EQ(m3.suppression, commdx::cell_status::primary);
  EXPECT_TRUE(std::isnan(m3.conversions));
  ASSERT_EQ(res.teams.size(), 3u);
  EXPECT_EQ(res.teams[2].team_id, "T-B");
  EXPECT_EQ(res.teams[2].suppression, commdx::cell_status::primary);
  EXPECT_EQ(res.nominated_members.size(), 1u);
}

TEST(ReportVisits, AWardsPlanCountsOnlyTheVisitsPlannedInTheWard) {
  // A plan with its own ward column: M-1's second October visit is planned in ward B, so ward A's
  // report counts one; M-3's visit planned in ward A makes M-3 a planned member of A's report.
  auto in = october("A", 5);
  commdx::table plan = october_plan();
  plan.set("ward_code", commdx::text_column{"A", "B", "A", "A", "A", "A"});
  in.plan = plan;
  const auto res = commdx::report::visits_section(in);
  ASSERT_EQ(res.members.size(), 4u);  // M-4 (team ""), M-1, M-2, M-3
  EXPECT_EQ(*res.members[1].visits_planned, 1u);
  EXPECT_EQ(res.members[3].member_id, "M-3");
  EXPECT_EQ(res.members[3].visits, 0u);
  EXPECT_EQ(*res.members[3].visits_planned, 1u);
}

namespace {
/// The message of the input_error visits_section throws for `in` ("" when none).
std::string visits_error(const commdx::report::visits_inputs& in) {
  try {
    commdx::report::visits_section(in);
  } catch (const commdx::input_error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(ReportVisits, ABadDateOrAVisitWithoutItsMemberIsRefusedNamingTheRow) {
  auto in = october("A", 5);
  auto date = in.visits.text("date");
  date[3] = "2022-10-32";
  in.visits.set("date", date);
  EXPECT_NE(visits_error(in).find("visits.csv, row 4, column 'date'"), std::string::npos) << visits_error(in);
  in = october("A", 5);
  auto member = in.visits.text("member_id");
  member[1] = "";
  in.visits.set("member_id", member);
  EXPECT_NE(visits_error(in).find("visits.csv, row 2, column 'member_id'"), std::string::npos) << visits_error(in);
  // a plan without member_id is refused, not read as "no plan"
  in = october("A", 5);
  commdx::table plan("plan_visits.csv");
  plan.set("date", commdx::text_column{"2022-10-03"});
  in.plan = plan;
  EXPECT_NE(visits_error(in).find("plan_visits.csv, column 'member_id': missing required column"), std::string::npos)
      << visits_error(in);
}

TEST(ReportVisits, SumsAreCompensatedAsTheReportsAlwaysWere) {
  // 1e16 + 1 rounds back to 1e16 (the spacing of doubles there is 2): ten ones added one by one
  // are lost, Kahan's compensation keeps them: 1e16 + 10.
  commdx::report::detail::compensated_sum s;
  double naive = 1e16;
  s.add(1e16);
  for (int i = 0; i < 10; ++i) {
    s.add(1.0);
    naive += 1.0;
  }
  EXPECT_EQ(naive, 1e16);
  EXPECT_EQ(s.value(), 1e16 + 10);
  // numpy's pairwise sum of 9 values: lanes r0..r7 = x0..x7, ((r0 + r1) + (r2 + r3)) +
  // ((r4 + r5) + (r6 + r7)), then x8. With x0 = 1e16, seven ones and x8 = -1e16:
  // (1e16 + 1 = 1e16, tie to even) + 2 = 1e16 + 2, + 4 = 1e16 + 6, - 1e16 = 6 (one by one, every
  // one is lost: 0; exactly: 7).
  const std::vector<double> x{1e16, 1, 1, 1, 1, 1, 1, 1, -1e16};
  EXPECT_EQ(commdx::report::detail::pairwise_sum(x), 6.0);
}

// ---- the teams section (include/commdx/report/teams.hpp) -----------------------------------------

namespace {

/// City C; wards W1 (neighbourhoods W1-A with group W1-A-1, W1-B) and W2 (village W2-A).
commdx::places small_places() {
  using k = commdx::unit_kind;
  return commdx::places::from_units({{"C", "Thành phố C", k::city, ""},
                                     {"W1", "Phường 1", k::ward, "C"},
                                     {"W1-A", "Khu phố A", k::neighbourhood, "W1"},
                                     {"W1-A-1", "Tổ 1", k::residential_group, "W1-A"},
                                     {"W1-B", "Khu phố B", k::neighbourhood, "W1"},
                                     {"W2", "Xã 2", k::commune, "C"},
                                     {"W2-A", "Thôn A", k::village, "W2"}});
}

commdx::member person(const std::string& id, commdx::affiliation a, double hours, bool leader = false) {
  commdx::member m;
  m.id = id;
  m.name = "Người " + id;
  m.role = leader ? commdx::member_role::leader : commdx::member_role::member;
  m.affiliation = a;
  m.weekly_hours = hours;
  return m;
}

commdx::team team_of(const std::string& id, commdx::team_level level, const std::string& unit, const std::string& date,
                     std::vector<commdx::member> members) {
  commdx::team t;
  t.id = id;
  t.level = level;
  t.unit = unit;
  t.decided_by = "UBND";
  t.decision_number = date.empty() ? "" : "1/QĐ";
  t.decision_date = date;
  t.members = std::move(members);
  return t;
}

/// T-W1 (ward W1, 2022-07-01); T-A (W1-A, 2022-07-10: on time): two Youth Union members (8 h and
/// no hours given) and a bank officer (4.5 h); T-B (W1-B, 2022-08-05: late): one Youth Union
/// member (6 h); T-C (W2-A, not decided): two Youth Union members.
std::vector<commdx::team> small_teams() {
  using a = commdx::affiliation;
  using l = commdx::team_level;
  return {team_of("T-W1", l::ward, "W1", "2022-07-01", {person("m1", a::pc_vice_chairman, 10, true)}),
          team_of("T-A", l::neighbourhood, "W1-A", "2022-07-10",
                  {person("m2", a::youth_union_member, 8, true), person("m3", a::youth_union_member, commdx::missing),
                   person("m4", a::bank_staff, 4.5)}),
          team_of("T-B", l::neighbourhood, "W1-B", "2022-08-05", {person("m5", a::youth_union_member, 6, true)}),
          team_of("T-C", l::neighbourhood, "W2-A", "", {person("m6", a::youth_union_member, 2, true),
                                                         person("m7", a::youth_union_member, 2)})};
}

/// Three rules, deadline 2022-07-20: a neighbourhood team needs two Youth Union members; T5
/// missing and late coverage of neighbourhoods (and villages).
commdx::rule_set small_rules() {
  return commdx::rule_set::from_json_text(R"({"deadline": "2022-07-20", "rules": [
    {"id": "youth", "levels": ["neighbourhood"], "severity": "error", "check": "count",
     "where": {"affiliation": "youth_union_member"}, "min": 2, "message_vi": "{team}: {count}", "message_en": "{team}: {count}"},
    {"id": "T5.missing", "levels": ["neighbourhood"], "severity": "error", "check": "coverage_missing",
     "message_vi": "{unit} thiếu", "message_en": "{unit} missing"},
    {"id": "T5.late", "levels": ["neighbourhood"], "severity": "warning", "check": "coverage_late",
     "message_vi": "{unit} muộn {date}", "message_en": "{unit} late {date}"}]})", "rules.json");
}

commdx::report::teams_inputs teams_in(const std::string& ward, std::optional<std::string> deadline = std::nullopt) {
  commdx::report::teams_inputs in;
  in.roster = commdx::roster::from_teams(small_teams());
  in.places = small_places();
  in.rules = small_rules();
  in.deadline = std::move(deadline);
  in.ward = ward;
  return in;
}

std::vector<std::string> rules_of(const std::vector<commdx::finding>& f) {
  std::vector<std::string> out;
  for (const auto& x : f) out.push_back(x.rule + "/" + x.team + "/" + x.unit);
  return out;
}

}  // namespace

TEST(ReportTeams, AWardsTeamsCoverageAndFindingsByTheRuleSetsDeadline) {
  const auto res = commdx::report::teams_section(teams_in("W1"));
  EXPECT_EQ(res.deadline, "2022-07-20");  // the rule set's
  EXPECT_FALSE(res.rules_deadline);
  // W1's teams in roster order: T-C (W2-A lies in W2) is not the ward's.
  ASSERT_EQ(res.teams.size(), 3u);
  EXPECT_EQ(res.teams[0].team, "T-W1");
  EXPECT_EQ(res.teams[0].ward, "W1");  // a ward's own unit is its ward
  const auto& a = res.teams[1];
  EXPECT_EQ(a.team, "T-A");
  EXPECT_EQ(a.ward, "W1");
  EXPECT_EQ(a.level, commdx::team_level::neighbourhood);
  EXPECT_EQ(a.decision_date, std::optional<std::string>("2022-07-10"));
  EXPECT_EQ(a.members, 3u);
  EXPECT_EQ(a.youth_union_members, 2u);
  EXPECT_EQ(a.bank_staff, 1u);
  EXPECT_DOUBLE_EQ(a.weekly_hours, 12.5);  // 8 + (none given: 0) + 4.5
  // T5 in W1: W1-A on time (07-10 <= 07-20), W1-B only by a late team (08-05).
  ASSERT_EQ(res.coverage.size(), 2u);
  EXPECT_EQ(res.coverage[0].unit, "W1-A");
  EXPECT_EQ(res.coverage[0].name, "Khu phố A");
  EXPECT_TRUE(res.coverage[0].covered_by_deadline);
  EXPECT_FALSE(res.coverage[0].late_team);
  EXPECT_EQ(res.coverage[1].unit, "W1-B");
  EXPECT_FALSE(res.coverage[1].covered_by_deadline);
  EXPECT_TRUE(res.coverage[1].late_team);
  EXPECT_EQ(res.covered_by_deadline(), 1u);
  // Findings of W1's teams: T-B has 1 Youth Union member (< 2), and is late for W1-B; W2-A's
  // missing team (no team named) is the city's, not W1's.
  ASSERT_TRUE(res.findings);
  EXPECT_EQ(rules_of(*res.findings), (std::vector<std::string>{"youth/T-B/W1-B", "T5.late/T-B/W1-B"}));
  EXPECT_EQ(res.count(commdx::severity::error), std::optional<std::size_t>(1));
  EXPECT_EQ(res.count(commdx::severity::warning), std::optional<std::size_t>(1));
  EXPECT_TRUE(res.notes.empty());
  // the JSON a C++ program gets
  const nlohmann::json j = commdx::report::to_json(res);
  EXPECT_TRUE(j["rules_deadline"].is_null());
  EXPECT_EQ(j["teams"][1]["decision_date"], "2022-07-10");
  EXPECT_EQ(j["teams"][1]["level"], "neighbourhood");
  EXPECT_EQ(j["teams"][1]["weekly_hours"], 12.5);
  EXPECT_EQ(j["coverage"][1]["late_team"], true);
  EXPECT_EQ(j["findings"][1]["rule"], "T5.late");
  EXPECT_EQ(j["findings"][1]["message_en"], "W1-B late 2022-08-05");
}

TEST(ReportTeams, TheCitysReportHasEveryTeamAndAnExplicitDeadlineIsStated) {
  const auto city = commdx::report::teams_section(teams_in(""));
  EXPECT_EQ(city.teams.size(), 4u);
  ASSERT_EQ(city.coverage.size(), 3u);
  // W2-A's only team is not decided: neither covered nor late.
  EXPECT_EQ(city.coverage[2].unit, "W2-A");
  EXPECT_FALSE(city.coverage[2].covered_by_deadline);
  EXPECT_FALSE(city.coverage[2].late_team);
  ASSERT_TRUE(city.findings);
  // teams in roster order, then the coverage rules in rule order
  EXPECT_EQ(rules_of(*city.findings),
            (std::vector<std::string>{"youth/T-B/W1-B", "T5.missing//W2-A", "T5.late/T-B/W1-B"}));
  // 2022-08-31 in place of the rule set's 2022-07-20: W1-B is covered on time, and no one is late.
  const auto later = commdx::report::teams_section(teams_in("W1", std::string("2022-08-31")));
  EXPECT_EQ(later.deadline, "2022-08-31");
  EXPECT_EQ(later.rules_deadline, std::optional<std::string>("2022-07-20"));
  EXPECT_EQ(later.covered_by_deadline(), 2u);
  EXPECT_EQ(rules_of(*later.findings), (std::vector<std::string>{"youth/T-B/W1-B"}));
  // the rule set's own deadline given explicitly is no override
  EXPECT_FALSE(commdx::report::teams_section(teams_in("W1", std::string("2022-07-20"))).rules_deadline);
  EXPECT_THROW(commdx::report::teams_section(teams_in("W1", std::string("20/07/2022"))), commdx::input_error);
}

TEST(ReportTeams, ARosterTheChecksRefuseIsCoveredFromItsDecisionDatesAndSaidSo) {
  auto in = teams_in("");
  auto teams = small_teams();
  teams.push_back(team_of("T-X", commdx::team_level::neighbourhood, "NOWHERE", "2022-07-01", {}));
  in.roster = commdx::roster::from_teams(teams);
  const auto res = commdx::report::teams_section(in);
  ASSERT_EQ(res.notes.size(), 2u);
  EXPECT_EQ(res.notes[0].id, "coverage_from_roster");
  EXPECT_NE(res.notes[0].message.find("NOWHERE"), std::string::npos);
  EXPECT_EQ(res.notes[1].id, "findings_refused");
  EXPECT_FALSE(res.findings);
  EXPECT_FALSE(res.count(commdx::severity::error));
  // From the dates alone: W1-A on time, W1-B late; W2-A's undecided team counts as late; T-X's
  // unit is in no neighbourhood.
  ASSERT_EQ(res.coverage.size(), 3u);
  EXPECT_TRUE(res.coverage[0].covered_by_deadline);
  EXPECT_TRUE(res.coverage[1].late_team);
  EXPECT_TRUE(res.coverage[2].late_team);
  EXPECT_EQ(res.teams.size(), 5u);
  EXPECT_EQ(res.teams[4].ward, "NOWHERE");  // a unit the places lack is its own ward
}

// ---- the M1 section (include/commdx/report/manual.hpp) -------------------------------------------

namespace {

struct m1_row {
  std::string household, group, process, date;
  double frequency;
};

commdx::report::manual_inputs manual_in(const std::vector<m1_row>& rows, const std::string& ward) {
  commdx::text_column hh, group, process, date;
  commdx::numeric_column freq;
  for (const auto& r : rows) {
    hh.push_back(r.household);
    group.push_back(r.group);
    process.push_back(r.process);
    date.push_back(r.date);
    freq.push_back(r.frequency);
  }
  commdx::report::manual_inputs in;
  in.log = commdx::table("m1.csv");
  in.log.set("household_id", hh);
  in.log.set("group_code", group);
  in.log.set("process", process);
  in.log.set("date", date);
  in.log.set("frequency_per_month", freq);
  in.ward_of = {{"W1-A-1", "W1"}, {"W1-A-2", "W1"}, {"W2-A-1", "W2"}};
  in.campaigns = {{"P", "c_p"}};
  in.month = "2022-10";
  in.ward = ward;
  in.min_households = 2;
  return in;
}

/// P: h1 (September, twice a month), h2 in W1; h3 (4 a month), h4 in W2. Q: h1 (0.5 a month, in
/// group W1-A-2) and h5 (no frequency: 0) in W1. h7's November row is after the month and h8's
/// undated row is in no month: both left out.
std::vector<m1_row> m1_rows() {
  const double none = commdx::missing;
  return {{"h1", "W1-A-1", "P", "2022-09-03", 2}, {"h2", "W1-A-1", "P", "2022-10-01", 1},
          {"h1", "W1-A-2", "Q", "2022-10-05", 0.5}, {"h5", "W1-A-1", "Q", "2022-10-06", none},
          {"h3", "W2-A-1", "P", "2022-10-02", 4}, {"h4", "W2-A-1", "P", "2022-10-02", 1},
          {"h7", "W1-A-1", "P", "2022-11-02", 9}, {"h8", "W1-A-1", "Q", "", 1}};
}

}  // namespace

TEST(ReportManual, AWardsProcessesRankedByHouseholdsThenTimes) {
  const auto res = commdx::report::manual_section(manual_in(m1_rows(), "W1"));
  // W1: P {h1, h2} 2 households, 2 + 1 = 3 times, group W1-A-1; Q {h1, h5} 2 households,
  // 0.5 + 0 times, groups W1-A-2 and W1-A-1. Tied on households, P's 3 times rank it first.
  ASSERT_EQ(res.proposals.size(), 2u);
  const auto& p = res.proposals[0];
  EXPECT_EQ(p.rank, 1u);
  EXPECT_EQ(p.process, "P");
  EXPECT_EQ(p.campaign, "c_p");
  EXPECT_EQ(p.households, 2u);
  EXPECT_DOUBLE_EQ(p.times_per_month, 3.0);
  EXPECT_EQ(p.groups, 1u);
  const auto& q = res.proposals[1];
  EXPECT_EQ(q.rank, 2u);
  EXPECT_EQ(q.process, "Q");
  EXPECT_EQ(q.campaign, "");  // mapped to no campaign
  EXPECT_EQ(q.households, 2u);
  EXPECT_DOUBLE_EQ(q.times_per_month, 0.5);
  EXPECT_EQ(q.groups, 2u);
  EXPECT_EQ(res.households_logged, std::optional<std::size_t>(3));  // h1, h2, h5
  EXPECT_EQ(res.other_processes, 0u);
  // The city: P {h1..h4} 4 households, 2 + 1 + 4 + 1 = 8 times; Q as in W1; 5 households.
  const auto city = commdx::report::manual_section(manual_in(m1_rows(), ""));
  ASSERT_EQ(city.proposals.size(), 2u);
  EXPECT_EQ(city.proposals[0].households, 4u);
  EXPECT_DOUBLE_EQ(city.proposals[0].times_per_month, 8.0);
  EXPECT_EQ(city.proposals[0].groups, 2u);
  EXPECT_EQ(city.households_logged, std::optional<std::size_t>(5));
}

TEST(ReportManual, AProcessOfOneHouseholdIsCountedNotListedAndHidesTheTotal) {
  auto rows = m1_rows();
  rows.push_back({"h6", "W1-A-1", "R", "2022-10-07", 1});  // R: 1 household < k = 2, in W1 and the city
  const auto res = commdx::report::manual_section(manual_in(rows, "W1"));
  ASSERT_EQ(res.proposals.size(), 2u);
  EXPECT_EQ(res.proposals[0].process, "P");
  EXPECT_EQ(res.proposals[1].process, "Q");
  EXPECT_EQ(res.other_processes, 1u);
  // W1's total (h1, h2, h5, h6) would give R's household away as total minus P and Q's: hidden.
  EXPECT_FALSE(res.households_logged);
  const nlohmann::json j = commdx::report::to_json(res);
  EXPECT_TRUE(j["households_logged"].is_null());
  EXPECT_EQ(j["other_processes"], 1);
  EXPECT_EQ(j["proposals"][0]["times_per_month"], 3.0);
}

TEST(ReportManual, ABadDateOrTextFrequenciesAreRefusedNamingTheFile) {
  auto rows = m1_rows();
  rows[2].date = "2022-13-05";
  try {
    commdx::report::manual_section(manual_in(rows, "W1"));
    FAIL() << "a bad date was accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().file, "m1.csv");
    EXPECT_EQ(e.where().row, 3u);
    EXPECT_EQ(e.where().column, "date");
  }
  auto in = manual_in(m1_rows(), "W1");
  in.log.set("frequency_per_month", commdx::text_column(8, "often"));
  EXPECT_THROW(commdx::report::manual_section(in), commdx::input_error);
}

// ---- the class and score section (include/commdx/report/scores.hpp) ------------------------------

TEST(ReportClassScores, AWardsRowsOrEveryRowForTheCity) {
  using cls = commdx::report::area_class;
  using sc = commdx::report::unit_score;
  commdx::report::class_score_inputs in;
  in.classes = commdx::report::baseline_and_now<cls>{
      std::vector<cls>{{"W1", "Phường 1", "central", false}, {"W2", "Xã 2", "remote", true}}, std::nullopt};
  in.scores = commdx::report::baseline_and_now<sc>{
      std::vector<sc>{{"W1", "adoption", 0.4}, {"W2", "adoption", 0.3}},
      std::vector<sc>{{"W1", "adoption", 0.5}, {"W1", "readiness", 0.6}, {"W2", "adoption", commdx::missing}}};
  in.unit = "W1";
  const auto ward = commdx::report::class_score_section(in);
  ASSERT_TRUE(ward.classes && ward.classes->baseline);
  ASSERT_EQ(ward.classes->baseline->size(), 1u);
  EXPECT_EQ(ward.classes->baseline->front().klass, "central");
  EXPECT_FALSE(ward.classes->now);  // not given
  ASSERT_TRUE(ward.scores && ward.scores->now);
  ASSERT_EQ(ward.scores->now->size(), 2u);  // W1's two indices
  EXPECT_DOUBLE_EQ((*ward.scores->now)[1].score, 0.6);
  EXPECT_TRUE(ward.notes.empty());
  in.unit = "C";  // the city: the tables list wards only, so every row
  const auto city = commdx::report::class_score_section(in);
  EXPECT_EQ(city.classes->baseline->size(), 2u);
  EXPECT_EQ(city.scores->now->size(), 3u);
  EXPECT_TRUE(std::isnan((*city.scores->now)[2].score));
  const nlohmann::json j = commdx::report::to_json(city);
  EXPECT_TRUE(j["scores"]["now"][2]["score"].is_null());  // not computed: null, never NaN
  EXPECT_FALSE(j["classes"].contains("now"));             // not given
  EXPECT_EQ(j["classes"]["baseline"][1]["borderline"], true);
  in.classes.reset();
  in.scores.reset();
  EXPECT_EQ(commdx::report::class_score_section(in).notes, (std::vector<std::string>{"no_classes", "no_scores"}));
}
