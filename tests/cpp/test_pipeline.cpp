// The joins between stages (include/commdx/pipeline.hpp).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/io/json.hpp"
#include "commdx/pipeline.hpp"

namespace {

using commdx::table;

// The shape compute_indicators writes: a city row and two wards, two indicators each; ward 26545
// has one sampled PSU for home_internet, so its SE is missing, and no estimate of e_wallet.
table long_estimates() {
  table t("indicators-baseline.csv");
  t.set("level", commdx::text_column{"city", "city", "ward", "ward", "ward"});
  t.set("unit", commdx::text_column{"747", "747", "26506", "26506", "26545"});
  t.set("unit_name", commdx::text_column{"Vũng Tàu", "Vũng Tàu", "Phường 1", "Phường 1", "Xã Long Sơn"});
  t.set("indicator", commdx::text_column{"home_internet", "e_wallet", "home_internet", "e_wallet", "home_internet"});
  t.set("estimate", commdx::numeric_column{0.5, 0.4, 0.7, 0.6, 0.3});
  t.set("se", commdx::numeric_column{0.01, 0.02, 0.04, 0.05, commdx::missing});
  return t;
}

TEST(EstimatesToWide, OneRowPerUnitWithTheSesCarried) {
  const table w = commdx::pipeline::estimates_to_wide(long_estimates(), "ward");
  ASSERT_EQ(w.names(), (std::vector<std::string>{"unit", "unit_name", "e_wallet", "home_internet", "e_wallet_se",
                                                  "home_internet_se"}));
  EXPECT_EQ(w.text("unit"), (commdx::text_column{"26506", "26545"}));
  EXPECT_EQ(w.text("unit_name"), (commdx::text_column{"Phường 1", "Xã Long Sơn"}));
  EXPECT_EQ(w.numeric("home_internet")[0], 0.7);
  EXPECT_EQ(w.numeric("home_internet_se")[0], 0.04);
  EXPECT_EQ(w.numeric("e_wallet")[0], 0.6);
  EXPECT_EQ(w.numeric("e_wallet_se")[0], 0.05);
  EXPECT_EQ(w.numeric("home_internet")[1], 0.3);
  EXPECT_TRUE(std::isnan(w.numeric("home_internet_se")[1]));  // not estimable: missing, not 0
  EXPECT_TRUE(std::isnan(w.numeric("e_wallet")[1]));          // no estimate at all
  EXPECT_TRUE(std::isnan(w.numeric("e_wallet_se")[1]));
}

TEST(EstimatesToWide, WithoutSesNoSeColumns) {
  table t("wide.csv");
  t.set("unit", commdx::text_column{"26508", "26506"});
  t.set("indicator", commdx::text_column{"e_wallet", "e_wallet"});
  t.set("estimate", commdx::numeric_column{0.2, 0.9});
  const table w = commdx::pipeline::estimates_to_wide(t);
  EXPECT_EQ(w.names(), (std::vector<std::string>{"unit", "e_wallet"}));
  EXPECT_EQ(w.text("unit"), (commdx::text_column{"26506", "26508"}));  // sorted by code
  EXPECT_EQ(w.numeric("e_wallet"), (commdx::numeric_column{0.9, 0.2}));
}

TEST(EstimatesToWide, RefusesMixedLevelsAnUnknownLevelAndDuplicates) {
  try {
    commdx::pipeline::estimates_to_wide(long_estimates());
    FAIL() << "mixed levels accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("several levels (city, ward)"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().file, "indicators-baseline.csv");
  }
  try {
    commdx::pipeline::estimates_to_wide(long_estimates(), "neighbourhood");
    FAIL() << "unknown level accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("no rows at level 'neighbourhood' (levels: city, ward)"), std::string::npos);
  }
  table t = long_estimates();
  t.set("indicator", commdx::text_column{"home_internet", "e_wallet", "home_internet", "home_internet", "home_internet"});
  try {
    commdx::pipeline::estimates_to_wide(t, "ward");
    FAIL() << "duplicate accepted";
  } catch (const commdx::validation_error& e) {
    EXPECT_EQ(e.where().row, 4u);
    EXPECT_EQ(e.where().unit, "26506");
  }
  table no_estimate("x.csv");
  no_estimate.set("unit", commdx::text_column{"1"});
  no_estimate.set("indicator", commdx::text_column{"a"});
  EXPECT_THROW(commdx::pipeline::estimates_to_wide(no_estimate), commdx::input_error);
}

TEST(AreaClasses, CodeToClassFromEitherColumnName) {
  table t("classes.csv");
  t.set("code", commdx::text_column{"26506", "26545"});
  t.set("class", commdx::text_column{"central", "remote"});
  const auto c = commdx::pipeline::area_classes(t);
  EXPECT_EQ(c, (std::map<std::string, std::string>{{"26506", "central"}, {"26545", "remote"}}));

  table twice("classes.csv");
  twice.set("unit", commdx::text_column{"26506", "26506"});
  twice.set("area_class", commdx::text_column{"central", "remote"});
  try {
    commdx::pipeline::area_classes(twice);
    FAIL() << "a unit classed twice accepted";
  } catch (const commdx::validation_error& e) {
    EXPECT_EQ(e.where().row, 2u);
    EXPECT_EQ(e.where().column, "area_class");
  }
  // a class other than the two classify writes would plan the unit as central: refused, naming
  // the row, its line, the column, the unit and the value; blanks around a class are not a class
  table word("classes.csv");
  word.set("code", commdx::text_column{"26506", "26545", "26548"});
  word.set("class", commdx::text_column{" central", "remote ", "trung tâm"});
  try {
    commdx::pipeline::area_classes(word, {2, 3, 5});
    FAIL() << "class 'trung tâm' accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().row, 3u);
    EXPECT_EQ(e.where().line, 5u);
    EXPECT_EQ(e.where().column, "class");
    EXPECT_EQ(e.where().unit, "26548");
    EXPECT_NE(std::string(e.what()).find("unknown class 'trung tâm' (expected central or remote)"), std::string::npos)
        << e.what();
  }
  word.set("class", commdx::text_column{" central", "remote ", "remote"});
  EXPECT_EQ(commdx::pipeline::area_classes(word),
            (std::map<std::string, std::string>{{"26506", "central"}, {"26545", "remote"}, {"26548", "remote"}}));

  table none("classes.csv");
  none.set("ward", commdx::text_column{"26506"});
  try {
    commdx::pipeline::area_classes(none);
    FAIL() << "no code column accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("expected one of 'unit', 'code', 'unit_code'"), std::string::npos);
  }
}

// Python's repr of the same floats (what pandas' to_csv writes), typed from a Python 3 session.
TEST(FrameCsv, FloatsAsPythonPrintsThem) {
  using commdx::pipeline::detail::python_float;
  EXPECT_EQ(python_float(0.4559109813290859), "0.4559109813290859");
  EXPECT_EQ(python_float(1260.0), "1260.0");
  EXPECT_EQ(python_float(0.1), "0.1");
  EXPECT_EQ(python_float(0.0001), "0.0001");
  EXPECT_EQ(python_float(1e-05), "1e-05");
  EXPECT_EQ(python_float(1.5e-07), "1.5e-07");
  EXPECT_EQ(python_float(-2.5e-120), "-2.5e-120");
  EXPECT_EQ(python_float(1e16), "1e+16");
  EXPECT_EQ(python_float(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(python_float(123456789012345680.0), "1.2345678901234568e+17");
  EXPECT_EQ(python_float(-0.0), "-0.0");
  EXPECT_EQ(python_float(2576.125), "2576.125");
  EXPECT_EQ(python_float(commdx::missing), "");
}

TEST(FrameCsv, IntegersBooleansAndQuotedText) {
  table t("t");
  t.set("unit", commdx::text_column{"26506", "747"});
  t.set("name", commdx::text_column{"Phường 1", "a, \"b\""});
  t.set("n", commdx::numeric_column{1967, 12});
  t.set("borderline", commdx::numeric_column{0, 1});
  t.set("score", commdx::numeric_column{338.0, commdx::missing});
  const commdx::pipeline::detail::frame_columns kinds{{"n"}, {"borderline"}};
  EXPECT_EQ(commdx::pipeline::detail::frame_csv(t, kinds, true),
            "\xEF\xBB\xBFunit,name,n,borderline,score\n26506,Phường 1,1967,False,338.0\n747,\"a, \"\"b\"\"\",12,True,\n");
}

TEST(Calendar, ReadWrittenAndTheSurveyDays) {
  const std::string text = R"({
 "start": "2022-06-20",
 "deadline": "2022-07-20",
 "first_visit": "2022-07-25",
 "last_visit": "2022-10-30",
 "period": {
  "start": "2022-07-21",
  "end": "2022-12-31"
 }
})";
  const auto cal = commdx::pipeline::calendar_from_json(nlohmann::json::parse(text), "calendar.json");
  EXPECT_EQ(commdx::pipeline::calendar_json(cal), text);  // the bytes `commdx synth` writes
  const auto days = commdx::pipeline::survey_days_of(cal);
  EXPECT_EQ(days.baseline, "2022-07-20");
  EXPECT_EQ(days.followup, "2022-10-31");  // the day after the last visit, across a month's end

  auto bad = nlohmann::json::parse(text);
  bad["period"]["end"] = "2022-13-01";
  try {
    commdx::pipeline::calendar_from_json(bad, "data/calendar.json");
    FAIL() << "month 13 accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().file, "data/calendar.json");
    EXPECT_EQ(e.where().column, "/period/end");
  }
  bad.erase("deadline");
  try {
    commdx::pipeline::calendar_from_json(bad, "calendar.json");
    FAIL() << "no deadline accepted";
  } catch (const commdx::config_error& e) {
    EXPECT_EQ(e.where().column, "/deadline");
    EXPECT_NE(std::string(e.what()).find("missing required date"), std::string::npos) << e.what();
  }
}

// A synth calendar moved to another start moves every date by the same days, the plan's period too.
TEST(Calendar, OfSynthMovesWithTheStart) {
  const auto base = commdx::pipeline::calendar_of_synth("");
  const auto moved = commdx::pipeline::calendar_of_synth("2025-03-01");
  EXPECT_EQ(moved.start, "2025-03-01");
  auto day = [](const std::string& d) { return *commdx::detail::parse_civil_date(d); };
  const long shift = day(moved.start) - day(base.start);
  const std::vector<std::pair<std::string, std::string>> dates = {{base.deadline, moved.deadline},
                                                                   {base.last_visit, moved.last_visit},
                                                                   {base.period_start, moved.period_start},
                                                                   {base.period_end, moved.period_end}};
  for (const auto& d : dates) EXPECT_EQ(day(d.second) - day(d.first), shift) << d.first << " -> " << d.second;
  EXPECT_LT(day(base.deadline), day(base.period_start));  // the campaign starts after the teams' deadline
}

// pipeline::run on test_golden's city (commdx demo --households 2000 --seed 5 --lang en) writes
// the bytes of the demo's golden files (tests/data/golden/demo, checked in from a demo run; the
// indicator files keep their city and ward rows there). test_pipeline_example.py compares every
// file with a fresh demo run; this one needs no Python.
TEST(Run, FromSynthOptionsWritesTheDemosGoldenBytes) {
  namespace fs = std::filesystem;
  const fs::path out = fs::temp_directory_path() / ("commdx-pipeline-test-" + std::to_string(::getpid()));
  fs::remove_all(out);
  commdx::pipeline::run_options opt;
  opt.synth.households = 2000;
  opt.synth.seed = 5;
  opt.lang = "en";
  opt.output_dir = out.string();
  const auto r = commdx::pipeline::run(opt);
  const std::string golden = std::string(COMMDX_SOURCE_DIR) + "/tests/data/golden/demo/";
  auto city_and_wards = [](const std::string& text) {
    std::istringstream in(text);
    std::string line, kept;
    for (bool header = true; std::getline(in, line); header = false)
      if (header || line.rfind("city,", 0) == 0 || line.rfind("ward,", 0) == 0) kept += line + "\n";
    return kept;
  };
  std::size_t compared = 0;
  for (const char* rel : {"data/places.csv", "teams/findings.csv", "teams/coverage-wards.csv",
                          "teams/coverage-neighbourhoods.csv", "survey/design.csv", "indicators/indicators-baseline.csv",
                          "indicators/indicators-followup.csv", "scores/scores-baseline.csv", "scores/scores-now.csv",
                          "classify/classes.csv", "classify/access-groups.csv"}) {
    std::string got = commdx::io::read_file((out / rel).string());
    if (std::string(rel).rfind("indicators/", 0) == 0) got = city_and_wards(got);
    EXPECT_EQ(got, commdx::io::read_file(golden + rel)) << rel;
    ++compared;
  }
  EXPECT_EQ(compared, 11u);
  // the typed result holds what the files hold
  EXPECT_EQ(r.days.baseline, r.calendar.deadline);
  ASSERT_TRUE(r.estimates_followup && r.scores_now && r.classes_now);
  EXPECT_EQ(r.scores_baseline.rows(), 2 * r.classes_baseline.areas.size());  // adoption and readiness per ward
  EXPECT_EQ(r.written.size(), 12u + 11u);  // the synth folder's twelve files (the K5/K10 registers too) and the eleven outputs
  // the survey the rounds were fielded from: the demo's design (survey/design.csv, golden too), a
  // panel of the same households calibrated to every ward's households
  ASSERT_EQ(r.survey.baseline.sample.rows(), r.survey.followup.sample.rows());
  EXPECT_EQ(r.survey.baseline.sample.text("household_id"), r.survey.followup.sample.text("household_id"));
  double drawn = 0, calibrated = 0;
  for (double g : r.survey.design.numeric("groups")) drawn += g;
  std::size_t selected = 0;
  for (const auto& g : r.survey.selected.groups) selected += g.selected ? 1 : 0;
  EXPECT_EQ(static_cast<double>(selected), drawn);
  for (double w : r.survey.baseline.calibration.weights) calibrated += w;
  EXPECT_NEAR(calibrated, 2000.0, 1e-6);  // the calibrated weights add up to the list's households
  fs::remove_all(out);
}

TEST(Run, AFolderWithoutItsCalendarIsRefusedNamingTheFile) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("commdx-pipeline-nocal-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  commdx::synth::options small;
  small.households = 300;
  commdx::synth::write(dir.string(), small);  // every file but calendar.json (Python's synth adds it)
  commdx::pipeline::run_options opt;
  opt.input_dir = dir.string();
  opt.output_dir = (dir / "out").string();
  try {
    commdx::pipeline::run(opt);
    FAIL() << "a folder without calendar.json ran";
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().file, (dir / "calendar.json").string());
    EXPECT_NE(std::string(e.what()).find("cannot open file"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "out"));  // nothing written before the inputs are read
  fs::remove_all(dir);
}

}  // namespace
