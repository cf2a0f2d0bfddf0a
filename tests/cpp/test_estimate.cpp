// S1-S4, K1-K10, R3: design-based estimation checked against R's survey package.
// The reference values (tests/data/r/expected.csv) and the rows they were computed on come from
// tests/data/r/make_fixtures.R (survey 4.1.1); see tests/data/r/README.md.
#include <gtest/gtest.h>

#include <commdx/estimate.hpp>
#include <commdx/io/csv.hpp>
#include <commdx/io/json.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using commdx::domain_estimator;
using commdx::interval_method;
using commdx::statistic_kind;
using commdx::survey_design;
using commdx::table;

const std::string kDir = std::string(COMMDX_SOURCE_DIR) + "/tests/data/r/";

table read(const std::string& name, const std::set<std::string>& text = {}) {
  const std::string path = kDir + name;
  return commdx::io::to_table(commdx::io::parse_csv(commdx::io::read_file(path), path), text);
}

const std::set<std::string> kCityText = {"household_id", "ward_code", "neighbourhood_code", "group_code",
                                         "stratum", "psu", "electricity_payment_method"};

const table& dataset(const std::string& name) {
  static std::map<std::string, table> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    const bool city = name.rfind("city", 0) == 0 || name == "synth";
    const std::string file = name + (name == "city" || name == "synth" ? "_sample.csv" : ".csv");
    it = cache.emplace(name, read(file, city ? kCityText : std::set<std::string>{"stype", "cds"})).first;
  }
  return it->second;
}

double num(const table& t, const std::string& col, std::size_t r) {
  if (t.is_numeric(col)) return t.numeric(col)[r];
  const std::string& s = t.text(col)[r];
  if (s.empty()) return commdx::missing;
  double v = 0;
  EXPECT_TRUE(commdx::io::parse_number(s, v)) << s;
  return v;
}

void expect_close(double got, double want, double rel, const std::string& what) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what << ": got " << got << ", R gives NA/NaN";
    return;
  }
  if (std::isinf(want)) {
    EXPECT_EQ(got, want) << what;
    return;
  }
  const double tol = rel * std::max(std::fabs(want), 1e-300);
  EXPECT_NEAR(got, want, want == 0.0 ? 1e-12 : tol) << what;
}

TEST(EstimateQuantiles, MatchRsQnormAndQt) {
  using commdx::detail::normal_quantile;
  using commdx::detail::t_quantile;
  // R 4.x: sprintf("%.17g", qnorm(...)), qt(...)
  expect_close(normal_quantile(0.975), 1.9599639845400536, 1e-14, "qnorm(0.975)");
  expect_close(normal_quantile(1e-10), -6.3613409024040557, 1e-13, "qnorm(1e-10)");
  expect_close(normal_quantile(0.6), 0.25334710313579978, 1e-13, "qnorm(0.6)");
  expect_close(t_quantile(0.975, 1), 12.706204736174694, 1e-13, "qt(0.975,1)");
  expect_close(t_quantile(0.975, 2), 4.3026527297494619, 1e-13, "qt(0.975,2)");
  expect_close(t_quantile(0.975, 3), 3.1824463052837078, 1e-12, "qt(0.975,3)");
  expect_close(t_quantile(0.975, 5), 2.5705818356363137, 1e-12, "qt(0.975,5)");
  expect_close(t_quantile(0.995, 3), 5.8409093097333544, 1e-12, "qt(0.995,3)");
  expect_close(t_quantile(0.975, 30), 2.0422724563012378, 1e-12, "qt(0.975,30)");
  expect_close(t_quantile(0.975, 200), 1.9718962236339079, 1e-12, "qt(0.975,200)");
  expect_close(t_quantile(0.9, 2.5), 1.7302509288071761, 1e-12, "qt(0.9,2.5)");
  expect_close(t_quantile(0.025, 12), -2.1788128296672289, 1e-12, "qt(0.025,12)");
  expect_close(t_quantile(0.975, 1e6), 1.9599663568141066, 1e-11, "qt(0.975,1e6)");
}

// Every reference row of expected.csv, grouped by (design, statistic, variables, by).
TEST(EstimateAgreesWithR, EveryFixtureRow) {
  const table ex = read("expected.csv", {"design", "dataset", "weight", "strata", "psu", "fpc", "lonely", "stat",
                                         "variable", "denominator", "by", "by_value", "estimate", "se",
                                         "deff", "ci_low", "ci_high", "df", "logit_low", "logit_high"});
  ASSERT_GT(ex.rows(), 5000u);
  using key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<key, std::vector<std::size_t>> groups;
  for (std::size_t r = 0; r < ex.rows(); ++r)
    groups[{ex.text("design")[r], ex.text("stat")[r], ex.text("variable")[r], ex.text("denominator")[r],
            ex.text("by")[r]}].push_back(r);
  std::set<std::string> designs_seen;
  std::size_t compared = 0, compared_svyciprop = 0;
  for (const auto& [k, rows] : groups) {
    const std::size_t r0 = rows.front();
    const table& data = dataset(ex.text("dataset")[r0]);
    survey_design d;
    d.weight = ex.text("weight")[r0];
    d.unweighted = d.weight.empty();  // R's unweighted SRS design: said, not defaulted
    d.strata = ex.text("strata")[r0];
    d.psu = ex.text("psu")[r0];
    d.fpc = ex.text("fpc")[r0];
    d.lonely = *commdx::parse_lonely_psu(ex.text("lonely")[r0]);
    designs_seen.insert(std::get<0>(k));
    domain_estimator est(data, d);
    const std::string& by = std::get<4>(k);
    est.add_domains(data, by.empty() ? std::vector<std::string>{} : std::vector<std::string>{by});
    const std::string& stat = std::get<1>(k);
    const auto& y = data.numeric(std::get<2>(k));
    const statistic_kind kind = stat == "total" ? statistic_kind::total
                                : stat == "ratio" ? statistic_kind::ratio
                                                  : statistic_kind::mean;
    const double* x = kind == statistic_kind::ratio ? data.numeric(std::get<3>(k)).data() : nullptr;
    const auto res = est.estimate(y.data(), x, kind, stat == "prop" ? interval_method::logit : interval_method::wald);
    std::map<std::string, std::size_t> cell_of;
    for (std::size_t c = 0; c < est.cells(0); ++c) cell_of[by.empty() ? "" : est.label(0, 0, c)] = c;
    for (std::size_t r : rows) {
      const std::string what = std::get<0>(k) + " " + stat + " " + std::get<2>(k) + "/" + std::get<3>(k) +
                               " by " + by + " = " + ex.text("by_value")[r];
      auto it = cell_of.find(ex.text("by_value")[r]);
      ASSERT_NE(it, cell_of.end()) << what;
      const commdx::domain_estimate& e = res[0][it->second];
      const double want_est = num(ex, "estimate", r), want_se = num(ex, "se", r);
      if (e.n == 0) {
        // A domain where the variable is missing on every record (acs_k3 in high schools): R's
        // svyby reports a mean or total of 0 (a ratio NaN) with se 0; commdx reports the
        // estimate as missing, n = 0.
        EXPECT_TRUE(std::isnan(e.estimate)) << what;
        EXPECT_TRUE(want_est == 0.0 || (stat == "ratio" && std::isnan(want_est))) << what;
        EXPECT_EQ(want_se, 0.0) << what;
        ++compared;
        continue;
      }
      expect_close(e.estimate, want_est, 1e-9, what + " estimate");
      // A domain inside one PSU has variance 0, which R computes as rounding noise (1e-16):
      // such values are compared as zero.
      const double noise = 1e-13 * std::max(1.0, std::fabs(want_est));
      const bool zero_se = std::fabs(want_se) <= noise;
      if (zero_se) {
        EXPECT_LE(e.se, noise) << what << " se";
        EXPECT_FALSE(e.estimable && e.df < 1.0) << what;
      } else {
        expect_close(e.se, want_se, 1e-9, what + " se");
        expect_close(e.deff, num(ex, "deff", r), 1e-8, what + " deff");
      }
      if (stat != "prop") {
        if (!zero_se) {
          expect_close(e.ci_low, num(ex, "ci_low", r), 1e-9, what + " ci_low");
          expect_close(e.ci_high, num(ex, "ci_high", r), 1e-9, what + " ci_high");
        }
      } else if (num(ex, "df", r) < 1.0) {
        EXPECT_TRUE(std::isnan(e.ci_low) && std::isnan(e.ci_high)) << what << " (0 df: R gives NA)";
      } else if (want_est > 0.0 && want_est < 1.0 && !zero_se) {
        // The logit interval as written out in R (1e-9), and svyciprop's own, which comes from a
        // fitted glm (IRLS tolerance, 1e-7) and breaks down at 1 df (see README.md).
        EXPECT_EQ(e.df, num(ex, "df", r)) << what;
        expect_close(e.ci_low, num(ex, "logit_low", r), 1e-9, what + " ci_low");
        expect_close(e.ci_high, num(ex, "logit_high", r), 1e-9, what + " ci_high");
        if (num(ex, "df", r) >= 2.0) {
          expect_close(e.ci_low, num(ex, "ci_low", r), 1e-7, what + " svyciprop ci_low");
          expect_close(e.ci_high, num(ex, "ci_high", r), 1e-7, what + " svyciprop ci_high");
          ++compared_svyciprop;
        }
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, ex.rows());
  EXPECT_GT(compared_svyciprop, 200u);
  for (const char* d : {"strat_fpc", "strat_fpc_fraction", "strat_nofpc", "strat_cluster_api", "clus1_fpc",
                        "clus1_nofpc", "clus2_stage1_fpc", "city_fpc", "city_nofpc", "lonely_remove",
                        "lonely_adjust", "lonely_average", "lonely_certainty", "synth_fpc", "synth_nofpc"})
    EXPECT_TRUE(designs_seen.count(d)) << d;
}

TEST(Estimate, LonelyPsuFailNamesTheStratum) {
  const table& data = dataset("city_lonely");
  survey_design d = survey_design::parse("weight=weight,strata=stratum,psu=psu,fpc=fpc");
  EXPECT_EQ(d.lonely, commdx::lonely_psu::fail);
  try {
    commdx::estimate(data, d, {"bank_account"});
    FAIL() << "expected an error";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("stratum '26506' has only one PSU"), std::string::npos) << e.what();
  }
}

TEST(Estimate, CensusHasZeroSamplingError) {
  // Every household of four groups in two wards, fpc = groups in the ward: nothing is sampled.
  table t("census");
  t.set("ward", commdx::text_column{"A", "A", "A", "A", "B", "B", "B", "B"});
  t.set("group", commdx::text_column{"A1", "A1", "A2", "A2", "B1", "B1", "B2", "B2"});
  t.set("w", commdx::numeric_column(8, 1.0));
  t.set("fpc", commdx::numeric_column(8, 2.0));
  t.set("y", commdx::numeric_column{1, 0, 1, 1, 0, 0, 1, 0});
  const auto d = survey_design::parse("weight=w,strata=ward,psu=group,fpc=fpc");
  const table out = commdx::estimate(t, d, {"y"}, statistic_kind::mean, {"ward"});
  ASSERT_EQ(out.rows(), 2u);
  EXPECT_DOUBLE_EQ(out.numeric("estimate")[0], 0.75);
  EXPECT_DOUBLE_EQ(out.numeric("estimate")[1], 0.25);
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_EQ(out.numeric("se")[r], 0.0);
    EXPECT_EQ(out.numeric("ci_low")[r], out.numeric("estimate")[r]);
    EXPECT_EQ(out.numeric("ci_high")[r], out.numeric("estimate")[r]);
  }
  const table tot = commdx::estimate(t, d, {"y"}, statistic_kind::total);
  EXPECT_DOUBLE_EQ(tot.numeric("estimate")[0], 4.0);
  EXPECT_EQ(tot.numeric("se")[0], 0.0);
}

TEST(Estimate, HandWorkedStratifiedMean) {
  // Two strata of two PSUs, no fpc, weights 1: z_hj = (y_hj - ybar) / N per PSU.
  // ybar = (1+3+5+7)/4 = 4; z = (-3, -1, 1, 3)/4; stratum 1: mean -0.5, ss = 0.125 -> *2 = 0.25;
  // stratum 2 the same: v = 0.5, se = sqrt(0.5).
  table t("hand");
  t.set("s", commdx::numeric_column{1, 1, 2, 2});
  t.set("y", commdx::numeric_column{1, 3, 5, 7});
  const auto d = survey_design::parse("strata=s,weight=none");
  const table out = commdx::estimate(t, d, {"y"});
  EXPECT_DOUBLE_EQ(out.numeric("estimate")[0], 4.0);
  EXPECT_NEAR(out.numeric("se")[0], std::sqrt(0.5), 1e-15);
  // 4 PSUs - 2 strata = 2 degrees of freedom: Student's t by default, qt(0.975, 2) = 4.3026527297494619
  EXPECT_NEAR(out.numeric("ci_low")[0], 4.0 - 4.3026527297494619 * std::sqrt(0.5), 1e-12);
  // ci = wald: the normal quantile, as R's confint
  const table normal = commdx::estimate(t, d, {"y"}, commdx::statistic_kind::mean, {}, 0.95, commdx::interval_choice::wald);
  EXPECT_NEAR(normal.numeric("ci_low")[0], 4.0 - 1.9599639845400536 * std::sqrt(0.5), 1e-12);
}

TEST(Estimate, AllLevelsInOnePassEqualSeparateRuns) {
  const table& data = dataset("city");
  const auto d = survey_design::parse("weight=weight,strata=stratum,psu=psu,fpc=fpc");
  domain_estimator all(data, d);
  const std::vector<std::vector<std::string>> levels = {{}, {"ward_code"}, {"neighbourhood_code"}, {"group_code"},
                                                        {"head_education"}};
  for (const auto& by : levels) all.add_domains(data, by);
  const auto& y = data.numeric("pay_online_water");
  const auto together = all.estimate(y.data(), nullptr, statistic_kind::mean, interval_method::logit);
  for (std::size_t p = 0; p < levels.size(); ++p) {
    domain_estimator one(data, d);
    one.add_domains(data, levels[p]);
    const auto alone = one.estimate(y.data(), nullptr, statistic_kind::mean, interval_method::logit)[0];
    ASSERT_EQ(alone.size(), together[p].size());
    for (std::size_t c = 0; c < alone.size(); ++c) {
      EXPECT_EQ(alone[c].n, together[p][c].n);
      EXPECT_NEAR(alone[c].estimate, together[p][c].estimate, 1e-12);
      EXPECT_NEAR(alone[c].se, together[p][c].se, 1e-12);
    }
  }
}

TEST(Estimate, BadDesignInputNamesRowAndColumn) {
  table t("bad.csv");
  t.set("w", commdx::numeric_column{1, -2, 1});
  t.set("y", commdx::numeric_column{1, 2, 3});
  EXPECT_THROW(
      {
        try {
          commdx::estimate(t, survey_design::parse("weight=w"), {"y"});
        } catch (const commdx::input_error& e) {
          EXPECT_NE(std::string(e.what()).find("bad.csv, row 2, column 'w'"), std::string::npos) << e.what();
          throw;
        }
      },
      commdx::input_error);
  table f("fpc.csv");
  f.set("s", commdx::numeric_column{1, 1, 2, 2});
  f.set("fpc", commdx::numeric_column{10, 12, 5, 5});
  f.set("y", commdx::numeric_column{1, 2, 3, 4});
  EXPECT_THROW(commdx::estimate(f, survey_design::parse("strata=s,fpc=fpc,weight=none"), {"y"}), commdx::input_error);
  EXPECT_THROW(survey_design::parse("weight=w,lonely_psu=sometimes"), commdx::config_error);
  EXPECT_THROW(survey_design::parse("colour=blue"), commdx::config_error);
}

// Issue 11: the message of the commdx exception `call` throws, or "" when it throws none.
template <class Error, class F>
std::string message_of(F call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Estimate, WeightsMustBeFiniteAndPositive) {
  for (double bad : {0.0, -1.0, std::numeric_limits<double>::infinity(), commdx::missing}) {
    table t("w.csv");
    t.set("w", commdx::numeric_column{1, 1, bad, 1});
    t.set("y", commdx::numeric_column{0, 1, 1, 0});
    const std::string m = message_of<commdx::input_error>([&] { commdx::estimate(t, survey_design::parse("weight=w"), {"y"}); });
    EXPECT_NE(m.find("w.csv, row 3, column 'w'"), std::string::npos) << bad << ": " << m;
  }
}

TEST(Estimate, HugeWeightsOverflowIsAnErrorNotAZero) {
  // Seen in issue 11: one weight of 1e308 gave a city estimate 0.000 with SE 0 and exit 0.
  table t("big.csv");
  t.set("w", commdx::numeric_column{1, 1, 1, 1e308, 1, 1});
  t.set("s", commdx::numeric_column{1, 1, 1, 2, 2, 2});
  t.set("y", commdx::numeric_column{0, 1, 1, 1, 0, 1});
  const std::string m = message_of<commdx::input_error>(
      [&] { commdx::estimate(t, survey_design::parse("weight=w,strata=s"), {"y"}); });
  EXPECT_NE(m.find("big.csv, row 4, column 'w'"), std::string::npos) << m;
  EXPECT_NE(m.find("too large"), std::string::npos) << m;
  // Two large weights whose sum alone overflows: refused at the weight column.
  t.set("w", commdx::numeric_column{1, 1, 1e308, 1e308, 1, 1});
  const std::string m2 = message_of<commdx::input_error>(
      [&] { commdx::estimate(t, survey_design::parse("weight=w,strata=s"), {"y"}); });
  EXPECT_NE(m2.find("big.csv, row 4, column 'w'"), std::string::npos) << m2;
  // A large total of a large value also overflows (w y finite, the sum of squares not).
  t.set("w", commdx::numeric_column{1, 1, 1, 1, 1, 1});
  t.set("y", commdx::numeric_column{1, 2, 3, 1e200, 5, 6});
  const std::string m3 = message_of<commdx::input_error>(
      [&] { commdx::estimate(t, survey_design::parse("weight=w,strata=s"), {"y"}, statistic_kind::total); });
  EXPECT_NE(m3.find("big.csv, row 4, column 'y'"), std::string::npos) << m3;
}

TEST(Estimate, AnUnweightedDesignMustBeSaid) {
  table t("nw.csv");
  t.set("y", commdx::numeric_column{0, 1, 1, 0});
  const std::string m = message_of<commdx::config_error>([&] { commdx::estimate(t, survey_design{}, {"y"}); });
  EXPECT_NE(m.find("nw.csv, column 'weight'"), std::string::npos) << m;
  EXPECT_NE(m.find("weight=none"), std::string::npos) << m;
  for (const char* said : {"weight=none", "weight=NONE", "weight="}) {
    const table out = commdx::estimate(t, survey_design::parse(said), {"y"});
    EXPECT_DOUBLE_EQ(out.numeric("estimate")[0], 0.5) << said;
  }
  EXPECT_TRUE(survey_design::from_json(survey_design::parse("weight=none").to_json()).unweighted);
  EXPECT_FALSE(survey_design::from_json(survey_design::parse("strata=s").to_json()).unweighted);
}

TEST(Estimate, DesignRoundTripsThroughJson) {
  auto d = survey_design::parse("weight=weight,strata=stratum,psu=psu,fpc=fpc,lonely_psu=average");
  auto back = survey_design::from_json(d.to_json());
  EXPECT_EQ(back.weight, "weight");
  EXPECT_EQ(back.psu, "psu");
  EXPECT_EQ(back.lonely, commdx::lonely_psu::average);
}

}  // namespace
