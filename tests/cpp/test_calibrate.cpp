// Issue 14: non-response adjustment and calibration (include/commdx/calibrate.hpp), on examples
// small enough to work by hand. Agreement with R's survey on a realistic sample is checked in
// tests/python/test_calibrate.py against tests/data/calibrate/ (made by make_fixture.R).
#include <gtest/gtest.h>

#include <commdx/calibrate.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using commdx::calibrate;
using commdx::calibration_margin;
using commdx::calibration_method;
using commdx::calibration_options;
using commdx::statistic_kind;
using commdx::survey_design;
using commdx::table;

// Six households, each its own PSU (no strata, no fpc), every design weight 10 (N^ = 60).
// Post-strata (sex of the head): A = rows 1-2, B = rows 3-6; y = 1, 3 | 2, 4, 6, 8.
table six() {
  table t("six");
  t.set("w", commdx::numeric_column{10, 10, 10, 10, 10, 10});
  t.set("sex", commdx::text_column{"A", "A", "B", "B", "B", "B"});
  t.set("y", commdx::numeric_column{1, 3, 2, 4, 6, 8});
  t.set("size", commdx::numeric_column{1, 2, 1, 3, 2, 4});
  return t;
}

survey_design weighted() {
  survey_design d;
  d.weight = "w";
  return d;
}

std::vector<calibration_margin> sex_30_30() {
  return {calibration_margin::of_counts("sex", {{"A", 30}, {"B", 30}})};
}

double cell(const table& t, const std::string& col, std::size_t r = 0) { return t.numeric(col).at(r); }

TEST(Calibrate, PostStratificationByHand) {
  calibration_options opt;
  opt.method = calibration_method::poststratify;
  const auto cal = calibrate(six(), weighted(), sex_30_30(), opt);
  // g_A = 30 / (10 + 10) = 1.5, g_B = 30 / 40 = 0.75
  const std::vector<double> want{15, 15, 7.5, 7.5, 7.5, 7.5};
  ASSERT_EQ(cal.weights.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_DOUBLE_EQ(cal.weights[i], want[i]) << i;

  // Total: 15 (1 + 3) + 7.5 (2 + 4 + 6 + 8) = 210. The influence values are w_cal (y - ybar_c)
  // with the post-stratum means ybar_A = 2, ybar_B = 5: -15, 15, -22.5, -7.5, 7.5, 22.5 (sum 0),
  // so v = 6/5 (225 + 225 + 506.25 + 56.25 + 56.25 + 506.25) = 6/5 * 1575 = 1890.
  const table tot = commdx::estimate(six(), cal, {"y"}, statistic_kind::total);
  EXPECT_DOUBLE_EQ(cell(tot, "estimate"), 210.0);
  EXPECT_NEAR(cell(tot, "se"), std::sqrt(1890.0), 1e-12);
  // Mean: 210 / 60 = 3.5; its influence values are the total's over 60: v = 1890 / 3600 = 0.525.
  const table mean = commdx::estimate(six(), cal, {"y"}, statistic_kind::mean);
  EXPECT_DOUBLE_EQ(cell(mean, "estimate"), 3.5);
  EXPECT_NEAR(cell(mean, "se"), std::sqrt(0.525), 1e-14);
  // Without calibration the same total is 10 * 24 = 240 with influence 10 (y - 4) summing to 0:
  // v = 6/5 * 100 * (9 + 1 + 4 + 0 + 4 + 16) = 4080 - calibration on a predictive margin shrinks it.
  const table plain = commdx::estimate(six(), weighted(), {"y"}, statistic_kind::total);
  EXPECT_NEAR(cell(plain, "se"), std::sqrt(4080.0), 1e-12);
}

TEST(Calibrate, LinearOnOneMarginIsPostStratification) {
  const auto lin = calibrate(six(), weighted(), sex_30_30());  // linear (GREG) is the default
  calibration_options ps;
  ps.method = calibration_method::poststratify;
  const auto post = calibrate(six(), weighted(), sex_30_30(), ps);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(lin.weights[i], post.weights[i], 1e-12) << i;
  const table a = commdx::estimate(six(), lin, {"y"}, statistic_kind::mean, {"sex"});
  const table b = commdx::estimate(six(), post, {"y"}, statistic_kind::mean, {"sex"});
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_NEAR(cell(a, "estimate", r), cell(b, "estimate", r), 1e-12);
    EXPECT_NEAR(cell(a, "se", r), cell(b, "se", r), 1e-12);
  }
  // Within a post-stratum the mean's residuals are its own deviations: domain A's mean is 2 with
  // influence w_cal (y - 2) / 30 on its records and 0 elsewhere: (-0.5, 0.5, 0, 0, 0, 0), whose
  // mean is 0, so v = 6/5 * 0.5 = 0.6.
  EXPECT_DOUBLE_EQ(cell(a, "estimate", 0), 2.0);
  EXPECT_NEAR(cell(a, "se", 0), std::sqrt(0.6), 1e-12);
}

TEST(Calibrate, RakingAndBoundedMeetTheMargins) {
  const std::vector<calibration_margin> margins{calibration_margin::of_counts("sex", {{"A", 30}, {"B", 30}}),
                                                calibration_margin::of_total("size", 135)};
  for (auto method : {calibration_method::linear, calibration_method::raking}) {
    for (bool bounded : {false, true}) {
      calibration_options opt;
      opt.method = method;
      // Bounds that bind: unbounded linear g is 1.364, 1.636 | 0.341, 0.886, 0.614, 1.159 (rows 2
      // and 3 outside [0.4, 1.6]); still feasible: with g in the bounds the size total reaches 140.
      if (bounded) {
        opt.lower = 0.4;
        opt.upper = 1.6;
      }
      const auto cal = calibrate(six(), weighted(), margins, opt);
      const table t = six();
      double a = 0, b = 0, size = 0, gmin = 10, gmax = 0;
      for (std::size_t i = 0; i < 6; ++i) {
        (t.text("sex")[i] == "A" ? a : b) += cal.weights[i];
        size += cal.weights[i] * t.numeric("size")[i];
        const double g = cal.weights[i] / 10.0;
        gmin = std::min(gmin, g);
        gmax = std::max(gmax, g);
        if (bounded) {
          EXPECT_GE(g, 0.4 - 1e-12);
          EXPECT_LE(g, 1.6 + 1e-12);
        }
        if (method == calibration_method::raking) {
          EXPECT_GT(g, 0.0);
        }
      }
      EXPECT_NEAR(a, 30, 1e-8);
      EXPECT_NEAR(b, 30, 1e-8);
      EXPECT_NEAR(size, 135, 1e-8);
      if (bounded) {  // a bound binds
        EXPECT_TRUE(std::fabs(gmin - 0.4) < 1e-12 || std::fabs(gmax - 1.6) < 1e-12) << gmin << " " << gmax;
      }
    }
  }
}

TEST(Calibrate, RefusesNamingTheMarginAndCategory) {
  auto message = [](auto f) {
    try {
      f();
    } catch (const commdx::error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // A category nobody in the sample has.
  std::string m = message([] {
    calibrate(six(), weighted(), {calibration_margin::of_counts("sex", {{"A", 30}, {"B", 20}, {"C", 10}})});
  });
  EXPECT_NE(m.find("margin 'sex', category 'C'"), std::string::npos) << m;
  EXPECT_NE(m.find("no sampled record"), std::string::npos) << m;
  // A sampled category the margin lacks: named with its row.
  m = message([] { calibrate(six(), weighted(), {calibration_margin::of_counts("sex", {{"A", 60}})}); });
  EXPECT_NE(m.find("row 3, column 'sex'"), std::string::npos) << m;
  EXPECT_NE(m.find("category 'B'"), std::string::npos) << m;
  // Bounds that cannot hold: A must go from 20 to 50 (g = 2.5 > 1.6) and B from 40 to 10
  // (g = 0.25 < 0.5); at g = 1.6 and 0.5 they reach 32 and 20, and B's miss is the larger relative
  // one (10 / 11 against 18 / 51), so B is named.
  m = message([] {
    calibration_options opt;
    opt.lower = 0.5;
    opt.upper = 1.6;
    calibrate(six(), weighted(), {calibration_margin::of_counts("sex", {{"A", 50}, {"B", 10}})}, opt);
  });
  EXPECT_NE(m.find("margin 'sex', category 'B': the population total is 10, the calibrated weights give 20"),
            std::string::npos) << m;
  EXPECT_NE(m.find("cannot be met within the bounds"), std::string::npos) << m;
  // Categorical margins counting different populations.
  m = message([] {
    table t = six();
    t.set("edu", commdx::numeric_column{0, 1, 0, 1, 0, 1});
    calibrate(t, weighted(), {calibration_margin::of_counts("sex", {{"A", 30}, {"B", 30}}),
                              calibration_margin::of_counts("edu", {{"0", 30}, {"1", 31}})});
  });
  EXPECT_NE(m.find("margin 'edu' counts 61"), std::string::npos) << m;
  // The records estimated must be the ones calibrated.
  m = message([] {
    const auto cal = calibrate(six(), weighted(), sex_30_30());
    table other = six();
    other.set("w", commdx::numeric_column{10, 10, 10, 10, 10, 12});
    commdx::estimate(other, cal, {"y"});
  });
  EXPECT_NE(m.find("row 6, column 'w'"), std::string::npos) << m;
}

TEST(Calibrate, NonResponseWithinCells) {
  table t = six();
  t.set("responded", commdx::numeric_column{1, 0, 1, 1, 0, 0});
  // Cell A: weight 20 in all, 10 responded -> factor 2; cell B: 40 in all, 20 responded -> 2.
  t.set("w", commdx::numeric_column{10, 10, 10, 10, 5, 15});
  const auto w = commdx::adjust_nonresponse(t, "w", "responded", {"sex"});
  const std::vector<double> want{20, 0, 10 * 40.0 / 20.0, 10 * 40.0 / 20.0, 0, 0};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(w[i], want[i]) << i;
  t.set("responded", commdx::numeric_column{0, 0, 1, 1, 1, 1});
  try {
    commdx::adjust_nonresponse(t, "w", "responded", {"sex"});
    FAIL() << "a cell without respondents was accepted";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("sex='A'"), std::string::npos) << e.what();
  }
}

}  // namespace
