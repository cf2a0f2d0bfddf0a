// R4 with calibration (issue 14): the change between two survey rounds when each round is
// calibrated to its own known totals. Checked against R's survey package:
// tests/data/monitor/make_calibrated_fixture.R (the three designs of make_fixture.R, each round
// post-stratified by area, or calibrated linearly or by raking on area + adults).
#include <gtest/gtest.h>

#include <commdx/calibrate.hpp>
#include <commdx/io/csv.hpp>
#include <commdx/monitor.hpp>
#include <commdx/report/detail/indicators.hpp>
#include <commdx/report/indicators.hpp>

#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace {

const std::string kData = std::string(COMMDX_SOURCE_DIR) + "/tests/data/monitor/";

commdx::table read_fixture(const std::string& name) {
  auto rec = commdx::io::parse_csv(commdx::io::read_file(kData + name), name);
  return commdx::io::to_table(rec, {"household_id", "stratum", "psu", "area", "design", "domain", "variable",
                                    "calibration", "margin", "category"});
}

const std::vector<commdx::change_variable> kVariables = {
    {"bank", "bank", ""}, {"noise", "noise", ""}, {"etc", "etc", ""}, {"acc_per_adult", "acc", "adults"}};

// Round r's margins of calibration_margins.csv (households by area; with totals, the adults too).
std::vector<commdx::calibration_margin> margins_of(double round, bool with_totals) {
  const commdx::table m = read_fixture("calibration_margins.csv");
  std::vector<std::pair<std::string, double>> area;
  double adults = commdx::missing;
  for (std::size_t i = 0; i < m.rows(); ++i) {
    if (m.numeric("round")[i] != round) continue;
    if (m.text("margin")[i] == "area") area.emplace_back(m.text("category")[i], m.numeric("population")[i]);
    else adults = m.numeric("population")[i];
  }
  std::vector<commdx::calibration_margin> out{commdx::calibration_margin::of_counts("area", area)};
  if (with_totals) out.push_back(commdx::calibration_margin::of_total("adults", adults));
  return out;
}

// Each round of `rows` calibrated on its own (its rows in their order), as a commune does.
std::vector<commdx::round_calibration> calibrate_rounds(const commdx::table& rows, commdx::calibration_method method) {
  std::vector<commdx::round_calibration> out;
  for (double r : {0.0, 1.0}) {
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < rows.rows(); ++i)
      if (rows.numeric("round")[i] == r) keep.push_back(i);
    const commdx::table part = commdx::report::detail::take_rows(rows, keep);
    commdx::survey_design design;
    design.weight = "weight";
    design.strata = "stratum";
    design.psu = "psu";
    design.fpc = "fpc";
    commdx::calibration_options opt;
    opt.method = method;
    opt.tolerance = 1e-13;
    const auto cal = commdx::calibrate(part, design, margins_of(r, method != commdx::calibration_method::poststratify), opt);
    out.push_back({r, cal.residuals});
  }
  return out;
}

std::map<std::string, commdx::round_change> changes(const commdx::table& rows,
                                                    const std::vector<commdx::round_calibration>& cal) {
  std::map<std::string, commdx::round_change> got;
  for (const std::string by : {"", "area", "stratum"}) {
    commdx::change_options opt;
    opt.by = by;
    opt.include_total = by.empty();
    opt.calibration = cal;
    for (const auto& c : commdx::test_changes(rows, {}, kVariables, opt)) got[c.domain + "|" + c.variable] = c;
  }
  return got;
}

void expect_close(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 1e-8 * std::fabs(want)) << what;
}

// Row i of expected_calibrated_changes.csv against the six figures of one change.
void expect_row(const commdx::table& expected, std::size_t i, const std::array<double, 6>& got, const std::string& key) {
  static const char* columns[6] = {"before", "se_before", "after", "se_after", "change", "se_change"};
  for (std::size_t k = 0; k < 6; ++k) expect_close(got[k], expected.numeric(columns[k])[i], key + " " + columns[k]);
}

struct Case {
  const char* design;
  const char* file;
  const char* calibration;
  commdx::calibration_method method;
};

class CalibratedChange : public ::testing::TestWithParam<Case> {};

TEST_P(CalibratedChange, AgreesWithRSurvey) {
  const Case& k = GetParam();
  const auto rows = read_fixture(k.file);
  const auto got = changes(rows, calibrate_rounds(rows, k.method));
  const auto expected = read_fixture("expected_calibrated_changes.csv");
  std::size_t checked = 0;
  for (std::size_t i = 0; i < expected.rows(); ++i) {
    if (expected.text("design")[i] != k.design || expected.text("calibration")[i] != k.calibration) continue;
    const std::string key = expected.text("domain")[i] + "|" + expected.text("variable")[i];
    ASSERT_TRUE(got.count(key)) << key;
    const auto& c = got.at(key);
    expect_row(expected, i, {c.before, c.se_before, c.after, c.se_after, c.change, c.se_change}, key);
    ++checked;
  }
  EXPECT_EQ(checked, 24u);  // 4 variables x (total + 2 areas + 3 strata)
}

INSTANTIATE_TEST_SUITE_P(
    Rounds, CalibratedChange,
    ::testing::Values(Case{"panel", "rounds.csv", "poststratify", commdx::calibration_method::poststratify},
                      Case{"panel", "rounds.csv", "linear", commdx::calibration_method::linear},
                      Case{"panel", "rounds.csv", "raking", commdx::calibration_method::raking},
                      Case{"independent", "rounds_indep.csv", "poststratify", commdx::calibration_method::poststratify},
                      Case{"independent", "rounds_indep.csv", "linear", commdx::calibration_method::linear},
                      Case{"independent", "rounds_indep.csv", "raking", commdx::calibration_method::raking},
                      Case{"independent_grown", "rounds_grown.csv", "linear", commdx::calibration_method::linear},
                      Case{"independent_grown", "rounds_grown.csv", "raking", commdx::calibration_method::raking},
                      Case{"independent_grown", "rounds_grown.csv", "poststratify",
                           commdx::calibration_method::poststratify}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.design) + "_" + p.param.calibration; });

// Calibration to totals the area predicts narrows the SE of the area-related estimates: the
// households of area A are known exactly, so the change in the share living in A has no
// sampling error at all (its influence values are rounding noise, which must come out 0).
TEST(CalibratedChangeSE, AShareTheCalibrationFixesHasNoSamplingError) {
  auto rows = read_fixture("rounds.csv");
  commdx::numeric_column in_a;
  for (const auto& a : rows.text("area")) in_a.push_back(a == "A" ? 1.0 : 0.0);
  rows.set("in_a", std::move(in_a));
  commdx::change_options opt;
  opt.calibration = calibrate_rounds(rows, commdx::calibration_method::poststratify);
  const auto c = commdx::test_changes(rows, {}, {{"in_a", "in_a", ""}}, opt).at(0);
  // hand-worked from calibration_margins.csv: 1664 / (1664 + 1194) before, 1522 / (1522 + 1307) after
  EXPECT_NEAR(c.before, 1664.0 / 2858.0, 1e-12);
  EXPECT_NEAR(c.after, 1522.0 / 2829.0, 1e-12);
  EXPECT_EQ(c.se_before, 0.0);
  EXPECT_EQ(c.se_after, 0.0);
  EXPECT_EQ(c.se_change, 0.0);
  EXPECT_TRUE(c.significant);  // no sampling error: the change is real
  // and the same share uncalibrated has a sampling error in each round (a panel keeps each
  // household's area, so its uncalibrated change is 0 with no error either)
  const auto plain = commdx::test_changes(rows, {}, {{"in_a", "in_a", ""}}, {}).at(0);
  EXPECT_GT(plain.se_before, 0.01);
  EXPECT_GT(plain.se_after, 0.01);
}

TEST(CalibratedChangeRefusals, RecordsThatAreNotTheRoundsCalibratedOnes) {
  const auto rows = read_fixture("rounds.csv");
  const auto cal = calibrate_rounds(rows, commdx::calibration_method::linear);
  commdx::change_options opt;
  opt.calibration = cal;
  // the calibrated weights given as the design's: the calibration's own design weights are needed
  commdx::table calibrated = rows;
  commdx::numeric_column w = rows.numeric("weight");
  std::size_t j = 0;
  for (std::size_t i = 0; i < rows.rows(); ++i)
    if (rows.numeric("round")[i] == 0) w[i] = cal[0].residuals->weights[j++];
  calibrated.set("weight", std::move(w));
  try {
    commdx::test_changes(calibrated, {}, kVariables, opt);
    FAIL() << "calibrated weights as design weights were accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().row, 1u);
    EXPECT_EQ(e.where().column, "weight");
    EXPECT_NE(std::string(e.what()).find("the calibration of round 0 started from"), std::string::npos) << e.what();
  }
  // a round with a row more than its calibration
  std::vector<std::size_t> fewer;
  for (std::size_t i = 1; i < rows.rows(); ++i) fewer.push_back(i);
  try {
    commdx::test_changes(commdx::report::detail::take_rows(rows, fewer), {}, kVariables, opt);
    FAIL() << "a calibration of other records was accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("was made on 103 records, the round has 102 rows"), std::string::npos) << e.what();
  }
  // two calibrations of one round
  opt.calibration.push_back(cal[0]);
  EXPECT_THROW(commdx::test_changes(rows, {}, kVariables, opt), commdx::config_error);
  opt.calibration = {{0, nullptr}};
  EXPECT_THROW(commdx::test_changes(rows, {}, kVariables, opt), commdx::config_error);
}

// The monthly report's indicator table (report::indicator_section) of a calibrated survey: the
// rows carry the calibrated weights as `weight` (as the demo's rounds do), the wards are the
// fixture's strata and the groups its PSUs; with k = 1 nothing is suppressed, so the city's and
// every ward's change is R's (panel, linear calibration; make_calibrated_fixture.R).
TEST(CalibratedReport, TheIndicatorTableCarriesTheCalibration) {
  const auto rows = read_fixture("rounds.csv");
  const auto cal = calibrate_rounds(rows, commdx::calibration_method::linear);
  commdx::table shown = rows;
  commdx::numeric_column w = rows.numeric("weight");
  std::size_t j[2] = {0, 0};
  for (std::size_t i = 0; i < rows.rows(); ++i) {
    const auto r = static_cast<std::size_t>(rows.numeric("round")[i]);
    w[i] = cal[r].residuals->weights[j[r]++];
  }
  shown.set("weight", w);
  shown.set("ward_code", rows.text("stratum"));
  shown.set("group_code", rows.text("psu"));
  commdx::report::indicator_inputs in;
  in.rows = shown;
  in.indicators = {{"bank", "bank", "", {}, commdx::missing, ""}, {"acc_per_adult", "acc", "adults", {}, commdx::missing, ""}};
  in.month = "2022-10";
  in.dated = {{0, "2022-07"}, {1, "2022-10"}};
  in.min_households = 1;
  in.calibration = cal;
  const auto res = commdx::report::indicator_section(in);
  const auto expected = read_fixture("expected_calibrated_changes.csv");
  std::size_t checked = 0;
  for (const auto& c : res.cells) {
    if (c.by != "city" && c.by != "ward_code") continue;
    for (std::size_t i = 0; i < expected.rows(); ++i) {
      if (expected.text("design")[i] != "panel" || expected.text("calibration")[i] != "linear" ||
          expected.text("domain")[i] != c.unit || expected.text("variable")[i] != c.variable)
        continue;
      const std::string key = c.by + " " + c.unit + " " + c.variable;
      EXPECT_EQ(c.suppression, commdx::report::indicator_status::published) << key;
      expect_row(expected, i, {c.baseline, c.se_baseline, c.now, c.se_now, c.change_baseline, c.se_change_baseline}, key);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 8u);  // (the city + 3 wards) x 2 indicators

  // Without the calibration the same rows are tested as if the calibrated weights were design
  // weights: other SEs (what the report published before issue 14's last step).
  in.calibration.clear();
  const auto plain = commdx::report::indicator_section(in);
  ASSERT_EQ(plain.cells.size(), res.cells.size());
  double largest = 0;
  for (std::size_t i = 0; i < res.cells.size(); ++i)
    if (!std::isnan(res.cells[i].se_change_baseline))
      largest = std::max(largest, std::fabs(res.cells[i].se_change_baseline - plain.cells[i].se_change_baseline));
  EXPECT_GT(largest, 1e-4);

  // Rows that are not the calibrated records: the design weights given as `weight`.
  in.rows = rows;
  in.rows.set("ward_code", rows.text("stratum"));
  in.calibration = cal;
  try {
    commdx::report::indicator_section(in);
    FAIL() << "design weights taken for calibrated ones";
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().row, 1u);
    EXPECT_NE(std::string(e.what()).find("is not the calibrated weight"), std::string::npos) << e.what();
  }
}

}  // namespace
