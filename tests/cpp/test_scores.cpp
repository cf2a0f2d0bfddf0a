// S4, C1: the composite-index engine (adoption and readiness scores). Expected values are worked by
// hand (arithmetic in the comments) or published (UNDP HDI); none is produced by the code under test.
#include <gtest/gtest.h>

#include <commdx/io/csv.hpp>
#include <commdx/io/json.hpp>
#include <commdx/scores.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

using commdx::composite_index;
using commdx::numeric_column;
using commdx::table;
using nlohmann::json;

table make_table(const std::vector<std::string>& units, const std::vector<std::pair<std::string, numeric_column>>& cols) {
  table t("test");
  t.set("unit", units);
  for (const auto& c : cols) t.set(c.first, c.second);
  return t;
}

// A one-dimension index over the given indicator specs, arithmetic, equal weights.
composite_index one_node(const json& indicators, const json& node_extra = json::object()) {
  json ids = json::array();
  for (const auto& i : indicators) ids.push_back(i["id"]);
  json index = {{"id", "index"}, {"components", ids}};
  for (auto it = node_extra.begin(); it != node_extra.end(); ++it) index[it.key()] = it.value();
  return composite_index::from_json({{"indicators", indicators}, {"index", index}}, "test.json");
}

std::vector<double> normalised(const commdx::index_result& r, std::size_t j) {
  const std::size_t n = r.units.size();
  return std::vector<double>(r.normalised.begin() + static_cast<std::ptrdiff_t>(j * n),
                             r.normalised.begin() + static_cast<std::ptrdiff_t>((j + 1) * n));
}

// ---------------------------------------------------------------- the published HDI
TEST(Scores, ReproducesThePublishedHdiOfAll191Countries) {
  const std::string dir = std::string(COMMDX_SOURCE_DIR) + "/tests/data/scores/";
  const auto ix = composite_index::from_file(dir + "hdi.json");
  const table t = commdx::io::to_table(
      commdx::io::parse_csv(commdx::io::read_file(dir + "undp-hdi-2021-components.csv"), "undp-hdi-2021-components.csv"),
      {"iso3", "country"});
  ASSERT_EQ(t.rows(), 191u);
  const auto r = ix.compute(t);
  const auto& published = t.numeric("hdi");
  int matched = 0;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const double rounded = std::round(r.index[i] * 1000.0) / 1000.0;
    EXPECT_NEAR(rounded, published[i], 1e-9) << r.units[i] << " engine " << r.index[i];
    matched += std::fabs(rounded - published[i]) < 1e-9;
  }
  EXPECT_EQ(matched, 191);
  EXPECT_EQ(r.units[static_cast<std::size_t>(std::find(r.rank.begin(), r.rank.end(), 1.0) - r.rank.begin())], "CHE");
}

// ---------------------------------------------------------------- normalisation, by hand
TEST(Scores, MinMaxNormalisationBothDirections) {
  // [2, 4, 6, 10]: (x - 2) / 8 = 0, .25, .5, 1; negative direction: 1 - that.
  const auto ix = one_node({{{"id", "a"}, {"normalisation", "min_max"}},
                            {{"id", "b"}, {"column", "a"}, {"direction", "negative"}, {"normalisation", "min_max"}}});
  const auto r = ix.compute(make_table({"u1", "u2", "u3", "u4"}, {{"a", {2, 4, 6, 10}}}));
  const std::vector<double> pos{0, .25, .5, 1}, neg{1, .75, .5, 0};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(normalised(r, 0)[i], pos[i]);
    EXPECT_DOUBLE_EQ(normalised(r, 1)[i], neg[i]);
    EXPECT_DOUBLE_EQ(r.index[i], 0.5);  // (y + 1 - y) / 2
  }
}

TEST(Scores, GoalpostsCapValuesBeyondThem) {
  // goalposts 0..100: -5 -> 0 (capped), 50 -> .5, 120 -> 1 (capped); uncapped 120 -> 1.2.
  const auto ix = one_node({{{"id", "a"}, {"normalisation", {{"method", "goalposts"}, {"min", 0}, {"max", 100}}}},
                            {{"id", "b"}, {"column", "a"}, {"normalisation", {{"method", "goalposts"}, {"min", 0}, {"max", 100}, {"cap", false}}}}});
  const auto r = ix.compute(make_table({"u1", "u2", "u3"}, {{"a", {-5, 50, 120}}}));
  EXPECT_DOUBLE_EQ(normalised(r, 0)[0], 0.0);
  EXPECT_DOUBLE_EQ(normalised(r, 0)[1], 0.5);
  EXPECT_DOUBLE_EQ(normalised(r, 0)[2], 1.0);
  EXPECT_DOUBLE_EQ(normalised(r, 1)[0], -0.05);
  EXPECT_DOUBLE_EQ(normalised(r, 1)[2], 1.2);
}

TEST(Scores, LogAndCappedTransforms) {
  // log with goalposts 100..75000 (the HDI income index): x = 1000 -> ln(10) / ln(750) = 0.347881...
  // capped at [0, 0.5] then min-max: 0.2 -> 0.4, 0.9 -> 0.5 (cap) -> 1, 0 -> 0.
  const auto ix = one_node({{{"id", "inc"}, {"transform", "log"}, {"normalisation", {{"method", "goalposts"}, {"min", 100}, {"max", 75000}}}},
                            {{"id", "c"}, {"transform", {{"method", "capped"}, {"min", 0}, {"max", 0.5}}}, {"normalisation", "min_max"}}});
  const auto r = ix.compute(make_table({"u1", "u2", "u3"}, {{"inc", {1000, 100, 75000}}, {"c", {0.2, 0.9, 0.0}}}));
  EXPECT_NEAR(normalised(r, 0)[0], 2.302585092994046 / 6.620073206530356, 1e-14);
  EXPECT_NEAR(normalised(r, 0)[1], 0.0, 1e-15);
  EXPECT_NEAR(normalised(r, 0)[2], 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(normalised(r, 1)[0], 0.4);
  EXPECT_DOUBLE_EQ(normalised(r, 1)[1], 1.0);
  EXPECT_DOUBLE_EQ(normalised(r, 1)[2], 0.0);
  EXPECT_DOUBLE_EQ(r.transformed[4], 0.5);
}

TEST(Scores, ZScoreUsesTheSampleStandardDeviation) {
  // [1..5]: mean 3, sd sqrt(10/4) = 1.58113883; (1 - 3) / sd = -1.26491106.
  const auto ix = one_node({{{"id", "a"}, {"normalisation", "z_score"}}});
  const auto r = ix.compute(make_table({"a1", "a2", "a3", "a4", "a5"}, {{"a", {1, 2, 3, 4, 5}}}));
  EXPECT_NEAR(normalised(r, 0)[0], -1.2649110640673518, 1e-14);
  EXPECT_NEAR(normalised(r, 0)[2], 0.0, 1e-15);
  EXPECT_NEAR(normalised(r, 0)[4], 1.2649110640673518, 1e-14);
}

TEST(Scores, DistanceToTarget) {
  // target 0.8: 0.4 -> 0.5, 0.8 -> 1, 1.2 -> 1 (capped) or 1.5; negative direction, target 0.2:
  // 0.4 -> 0.2 / 0.4 = 0.5.
  const auto ix = one_node({{{"id", "a"}, {"normalisation", {{"method", "distance_to_target"}, {"target", 0.8}}}},
                            {{"id", "b"}, {"column", "a"}, {"normalisation", {{"method", "distance_to_target"}, {"target", 0.8}, {"cap", false}}}},
                            {{"id", "c"}, {"column", "a"}, {"direction", "negative"}, {"normalisation", {{"method", "distance_to_target"}, {"target", 0.2}}}}});
  const auto r = ix.compute(make_table({"u1", "u2", "u3"}, {{"a", {0.4, 0.8, 1.2}}}));
  EXPECT_DOUBLE_EQ(normalised(r, 0)[0], 0.5);
  EXPECT_DOUBLE_EQ(normalised(r, 0)[1], 1.0);
  EXPECT_DOUBLE_EQ(normalised(r, 0)[2], 1.0);
  EXPECT_DOUBLE_EQ(normalised(r, 1)[2], 1.5);
  EXPECT_DOUBLE_EQ(normalised(r, 2)[0], 0.5);
}

TEST(Scores, PercentileRankAveragesTies) {
  // [10, 20, 20, 40]: 0-based mid-ranks 0, 1.5, 1.5, 3 over n - 1 = 3 -> 0, .5, .5, 1.
  const auto ix = one_node({{{"id", "a"}, {"normalisation", "percentile_rank"}}});
  const auto r = ix.compute(make_table({"u1", "u2", "u3", "u4"}, {{"a", {10, 20, 20, 40}}}));
  const std::vector<double> want{0, .5, .5, 1};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(normalised(r, 0)[i], want[i]);
  EXPECT_EQ(r.rank, (std::vector<double>{4, 2, 2, 1}));  // ties share the best rank
}

// ---------------------------------------------------------------- aggregation, by hand
TEST(Scores, AggregationMeansWithExplicitWeights) {
  // components 0.2, 0.5, 0.9 (goalposts 0..1), weights .5 .3 .2:
  // arithmetic .1 + .15 + .18 = .43
  // geometric .2^.5 * .5^.3 * .9^.2 = 0.4472136 * 0.8122524 * 0.9791484 = 0.3556760
  // harmonic 1 / (.5/.2 + .3/.5 + .2/.9) = 1 / 3.3222222 = 0.3010033
  // power p=2: sqrt(.5*.04 + .3*.25 + .2*.81) = sqrt(.257) = 0.5069517
  const json inds = {{{"id", "a"}, {"goalposts", {0, 1}}, {"normalisation", "goalposts"}},
                     {{"id", "b"}, {"goalposts", {0, 1}}, {"normalisation", "goalposts"}},
                     {{"id", "c"}, {"goalposts", {0, 1}}, {"normalisation", "goalposts"}}};
  const table t = make_table({"u"}, {{"a", {0.2}}, {"b", {0.5}}, {"c", {0.9}}});
  const json w = {{"a", 5}, {"b", 3}, {"c", 2}};  // normalised to .5 .3 .2
  auto run = [&](const json& agg) { return one_node(inds, {{"aggregation", agg}, {"weights", w}}).compute(t).index[0]; };
  EXPECT_NEAR(run("arithmetic"), 0.43, 1e-15);
  EXPECT_NEAR(run("geometric"), std::sqrt(0.2) * std::pow(0.5, 0.3) * std::pow(0.9, 0.2), 1e-14);
  EXPECT_NEAR(run("geometric"), 0.3556760, 1e-7);
  EXPECT_NEAR(run("harmonic"), 1.0 / (2.5 + 0.6 + 0.2 / 0.9), 1e-15);
  EXPECT_NEAR(run(json{{"method", "power"}, {"p", 2}}), std::sqrt(0.257), 1e-14);
  EXPECT_NEAR(run(json{{"method", "power"}, {"p", 0}}), run("geometric"), 1e-15);
  // A zero component makes geometric and harmonic means zero.
  const table z = make_table({"u"}, {{"a", {0.0}}, {"b", {0.5}}, {"c", {0.9}}});
  EXPECT_EQ(one_node(inds, {{"aggregation", "geometric"}}).compute(z).index[0], 0.0);
  EXPECT_EQ(one_node(inds, {{"aggregation", "harmonic"}}).compute(z).index[0], 0.0);
}

TEST(Scores, WeightsAndEffectiveWeightsThroughTheTree) {
  // index = .75 * d1 + .25 * d2; d1 = equal over a, b; d2 = c. Effective: a, b .375; c .25.
  const json cfg = {{"indicators", {{{"id", "a"}}, {{"id", "b"}}, {{"id", "c"}}}},
                    {"dimensions", {{{"id", "d1"}, {"components", {"a", "b"}}}, {{"id", "d2"}, {"components", {"c"}}}}},
                    {"index", {{"id", "i"}, {"components", {"d1", "d2"}}, {"weights", {3, 1}}}}};
  const auto r = composite_index::from_json(cfg).compute(
      make_table({"x", "y"}, {{"a", {0, 1}}, {"b", {0, 1}}, {"c", {1, 0}}}));
  EXPECT_DOUBLE_EQ(r.indicator_effective_weight[0], 0.375);
  EXPECT_DOUBLE_EQ(r.indicator_effective_weight[1], 0.375);
  EXPECT_DOUBLE_EQ(r.indicator_effective_weight[2], 0.25);
  EXPECT_DOUBLE_EQ(r.index[0], 0.25);  // d1 = 0, d2 = 1
  EXPECT_DOUBLE_EQ(r.index[1], 0.75);
  const table w = r.weights_table();
  EXPECT_EQ(w.rows(), 5u);
}

TEST(Scores, PcaWeightsOfAHandWorkedThreeByThreeCase) {
  // Deviations: x (-1.5 -.5 .5 1.5), y (-1.5 .5 -.5 1.5), z (1 -1 -1 1). corr(x, y) = 4 / 5 = .8,
  // z is uncorrelated with both. The correlation matrix [[1 .8 0] [.8 1 0] [0 0 1]] has largest
  // eigenvalue 1.8 with eigenvector (1, 1, 0) / sqrt 2: loadings .7071 .7071 0, weights .5 .5 0,
  // explained variance 1.8 / 3 = .6. Min-max scaling does not change correlations.
  const auto ix = one_node({{{"id", "x"}}, {{"id", "y"}}, {{"id", "z"}}}, {{"weights", "pca"}});
  const auto r = ix.compute(make_table({"a", "b", "c", "d"}, {{"x", {1, 2, 3, 4}}, {"y", {1, 3, 2, 4}}, {"z", {2, 0, 0, 2}}}));
  ASSERT_EQ(r.weights.back().method, "pca");
  const auto& nw = r.weights.back();
  EXPECT_NEAR(nw.loadings[0], std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(nw.loadings[1], std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(nw.loadings[2], 0.0, 1e-12);
  EXPECT_NEAR(nw.weights[0], 0.5, 1e-12);
  EXPECT_NEAR(nw.weights[2], 0.0, 1e-12);
  EXPECT_NEAR(nw.explained, 0.6, 1e-12);
  EXPECT_EQ(nw.complete_units, 4u);
  // unit b: x = 1/3, y = 2/3 -> .5 * 1/3 + .5 * 2/3 = .5
  EXPECT_NEAR(r.index[1], 0.5, 1e-12);
}

TEST(Scores, PcaGivesConstantAndAbsentComponentsNoWeight) {
  // x, y as above (corr .8: loadings (1, 1) / sqrt 2, explained 1.8 / 2 = .9); c constant, o an
  // optional indicator absent from the input: both weight 0, and the index still computed.
  const auto ix = one_node({{{"id", "x"}}, {{"id", "y"}}, {{"id", "c"}, {"normalisation", {{"method", "goalposts"}, {"min", 0}, {"max", 10}}}},
                            {{"id", "o"}, {"optional", true}}},
                           {{"weights", "pca"}});
  const auto r = ix.compute(make_table({"a", "b", "c", "d"}, {{"x", {1, 2, 3, 4}}, {"y", {1, 3, 2, 4}}, {"c", {5, 5, 5, 5}}}));
  const auto& nw = r.weights.back();
  EXPECT_NEAR(nw.weights[0], 0.5, 1e-12);
  EXPECT_NEAR(nw.weights[1], 0.5, 1e-12);
  EXPECT_EQ(nw.weights[2], 0.0);
  EXPECT_EQ(nw.weights[3], 0.0);
  EXPECT_NEAR(nw.explained, 0.9, 1e-12);
  EXPECT_EQ(r.absent_indicators, (std::vector<std::string>{"o"}));
  EXPECT_NEAR(r.index[3], 1.0, 1e-12);  // d is the maximum on x and y
}

// ---------------------------------------------------------------- missing data, imputation, Copeland
TEST(Scores, MinimumShareOfComponentsAndReporting) {
  // min_share .5: u2 misses 1 of 3 (share 2/3) -> mean of the other two; u3 misses 2 of 3 -> missing.
  const json cfg = {{"min_share", 0.5},
                    {"indicators", {{{"id", "a"}, {"goalposts", {0, 1}}, {"normalisation", "goalposts"}},
                                    {{"id", "b"}, {"goalposts", {0, 1}}, {"normalisation", "goalposts"}},
                                    {{"id", "c"}, {"goalposts", {0, 1}}, {"normalisation", "goalposts"}}}},
                    {"index", {{"id", "i"}, {"components", {"a", "b", "c"}}}}};
  const double nan = commdx::missing;
  const auto r = composite_index::from_json(cfg).compute(
      make_table({"u1", "u2", "u3"}, {{"a", {.3, .2, .9}}, {"b", {.6, nan, nan}}, {"c", {.9, .6, nan}}}));
  EXPECT_DOUBLE_EQ(r.index[0], 0.6);
  EXPECT_DOUBLE_EQ(r.index[1], 0.4);
  EXPECT_TRUE(std::isnan(r.index[2]));
  EXPECT_TRUE(std::isnan(r.rank[2]));
  ASSERT_EQ(r.missing_nodes.size(), 1u);
  EXPECT_EQ(r.missing_nodes[0].unit, "u3");
  EXPECT_NEAR(r.missing_nodes[0].share_present, 1.0 / 3.0, 1e-15);
}

TEST(Scores, MeanAndGroupMeanImputationAreFlagged) {
  // group mean of b in group g1 = (.2 + .4) / 2 = .3; overall mean = (.2 + .4 + .9) / 3 = .5.
  const json inds = {{{"id", "b"}, {"goalposts", {0, 1}}, {"normalisation", "goalposts"}}};
  table t = make_table({"u1", "u2", "u3", "u4"}, {{"b", {.2, .4, commdx::missing, .9}}});
  t.set("ward", commdx::text_column{"g1", "g1", "g1", "g2"});
  json cfg = {{"indicators", inds}, {"index", {{"id", "i"}, {"components", {"b"}}}},
              {"imputation", {{"method", "group_mean"}, {"group_column", "ward"}}}};
  auto r = composite_index::from_json(cfg).compute(t);
  EXPECT_DOUBLE_EQ(r.raw[2], 0.3);
  EXPECT_EQ(r.imputed[2], 1);
  EXPECT_EQ(r.imputed_cells, 1u);
  cfg["imputation"] = "mean";
  r = composite_index::from_json(cfg).compute(t);
  EXPECT_DOUBLE_EQ(r.raw[2], 0.5);
  const table tidy = r.to_table();
  EXPECT_EQ(tidy.numeric("imputed")[2 * 2], 1.0);  // rows: (u1,b),(u1,i),(u2,b),(u2,i),(u3,b)...
}

TEST(Scores, CopelandRanking) {
  // A = (3,3,1), B = (2,2,3), C = (1,1,2): A beats B on 2 of 3, A beats C on 2 of 3, B beats C on
  // all 3 -> Copeland A +2, B 0, C -2. The arithmetic mean of min-max scores ties A and B (2/3).
  const json cfg = {{"ranking", "copeland"},
                    {"indicators", {{{"id", "p"}}, {{"id", "q"}}, {{"id", "r"}}}},
                    {"index", {{"id", "i"}, {"components", {"p", "q", "r"}}}}};
  const auto r = composite_index::from_json(cfg).compute(make_table({"A", "B", "C"}, {{"p", {3, 2, 1}}, {"q", {3, 2, 1}}, {"r", {1, 3, 2}}}));
  EXPECT_EQ(r.copeland_score, (std::vector<double>{2, 0, -2}));
  EXPECT_EQ(r.copeland_rank, (std::vector<double>{1, 2, 3}));
  EXPECT_NEAR(r.index[0], r.index[1], 1e-15);
}

// ---------------------------------------------------------------- configuration errors
TEST(Scores, ConfigErrorsNameTheFieldPath) {
  auto message = [](const json& cfg) {
    try {
      composite_index::from_json(cfg, "cfg.json");
    } catch (const commdx::config_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const json base = {{"indicators", {{{"id", "a"}}, {{"id", "b"}}}}, {"index", {{"id", "i"}, {"components", {"a", "b"}}}}};
  json c = base;
  c["indicators"][1]["normalisation"] = "minmaxx";
  EXPECT_NE(message(c).find("indicators[1].normalisation"), std::string::npos) << message(c);
  c = base;
  c["indicators"][0]["normalisation"] = {{"method", "goalposts"}, {"min", 1}};
  EXPECT_NE(message(c).find("indicators[0].normalisation"), std::string::npos) << message(c);
  c = base;
  c["index"]["components"][1] = "zz";
  EXPECT_NE(message(c).find("index.components[1]"), std::string::npos) << message(c);
  c = base;
  c["index"]["weights"] = {1, -1};
  EXPECT_NE(message(c).find("index.weights[1]"), std::string::npos) << message(c);
  c = base;
  c["index"]["components"] = {"a"};
  EXPECT_NE(message(c).find("indicators[1]"), std::string::npos) << message(c);
  c = base;
  c["uncertainty"] = {{"aggregation", {"config", "median"}}};
  EXPECT_NE(message(c).find("uncertainty.aggregation[1]"), std::string::npos) << message(c);
  EXPECT_NE(message(c).find("cfg.json"), std::string::npos);
  c = base;  // z-scores are negative below the mean: never aggregated geometrically
  c["uncertainty"] = {{"normalisation", {"config", "z_score"}}, {"aggregation", {"config", "geometric"}}};
  EXPECT_NE(message(c).find("column 'uncertainty'"), std::string::npos) << message(c);
  c = base;
  c["index"]["aggregation"] = "geometric";
  c["indicators"][0]["normalisation"] = "z_score";
  const auto ix = composite_index::from_json(c, "cfg.json");
  try {
    ix.compute(make_table({"u1", "u2", "u3"}, {{"a", {1, 2, 3}}, {"b", {1, 2, 3}}}));
    FAIL() << "no error";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("unit u1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("negative"), std::string::npos) << e.what();
  }
}

TEST(Scores, InputErrorsNameUnitAndColumn) {
  const auto ix = one_node({{{"id", "inc"}, {"transform", "log"}, {"normalisation", "min_max"}}});
  try {
    ix.compute(make_table({"u1", "u2"}, {{"inc", {10, -1}}}));
    FAIL() << "no error";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("unit u2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'inc'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ix.compute(make_table({"u1", "u1"}, {{"inc", {10, 1}}})), commdx::validation_error);
  EXPECT_THROW(ix.compute(make_table({"u1"}, {{"other", {1}}})), commdx::input_error);
}

// ---------------------------------------------------------------- uncertainty and sensitivity
TEST(Scores, MonteCarloIntervalMatchesTheNormalQuantiles) {
  // index = the indicator itself (goalposts 0..1 uncapped): draws x + se z, so the median is x and
  // the 90% interval x -/+ 1.6449 se. 4000 draws: the quantile's MC error is about 0.03 se.
  const auto ix = one_node({{{"id", "a"}, {"normalisation", {{"method", "goalposts"}, {"min", 0}, {"max", 1}, {"cap", false}}}}});
  const table t = make_table({"u1", "u2"}, {{"a", {0.5, 0.2}}, {"a_se", {0.1, 0.0}}});
  commdx::uncertainty_options o;
  o.draws = 4000;
  o.sensitivity = false;
  const auto u = ix.uncertainty(t, o);
  EXPECT_EQ(u.evaluations, 4000u);
  EXPECT_NEAR(u.score_median[0], 0.5, 0.006);
  EXPECT_NEAR(u.score_low[0], 0.5 - 0.164485, 0.008);
  EXPECT_NEAR(u.score_high[0], 0.5 + 0.164485, 0.008);
  EXPECT_DOUBLE_EQ(u.score_low[1], 0.2);  // no standard error: no spread
  // P(u1 falls below 0.2) = P(z < -3) = .00135: u1 ranks 1st in almost every draw.
  EXPECT_EQ(u.rank_median[0], 1.0);
  EXPECT_LT(u.mean_abs_rank_shift, 0.01);
}

TEST(Scores, SensitivityIndicesOfAnAdditiveModel) {
  // index = x + se z + 0.5 * [normalisation alternative 2] (a goalposts range shifted by .5).
  // Var(noise) = .25^2 = .0625; Var(shift) = .5^2 / 4 = .0625: additive, so S = ST = .5 for both.
  const json cfg = {{"indicators", {{{"id", "a"}, {"normalisation", {{"method", "goalposts"}, {"min", 0}, {"max", 1}, {"cap", false}}}}}},
                    {"index", {{"id", "i"}, {"components", {"a"}}}},
                    {"uncertainty", {{"normalisation", {"config", {{"method", "goalposts"}, {"range", {0.5, 1.5}}, {"cap", false}}}}}}};
  const auto ix = composite_index::from_json(cfg);
  const table t = make_table({"u1", "u2"}, {{"a", {0.5, 0.5}}, {"a_se", {0.25, 0.25}}});
  commdx::uncertainty_options o;
  o.draws = 16000;
  const auto u = ix.uncertainty(t, o);
  ASSERT_EQ(u.factors, (std::vector<std::string>{"sampling", "normalisation"}));
  EXPECT_EQ(u.base_draws, 4000u);
  for (std::size_t f = 0; f < 2; ++f) {
    EXPECT_NEAR(u.first_order_score[f], 0.5, 0.06) << u.factors[f];
    EXPECT_NEAR(u.total_score[f], 0.5, 0.06) << u.factors[f];
  }
}

TEST(Scores, UncertaintyIsReproducibleAndIndependentOfThreads) {
  const json cfg = {{"indicators", {{{"id", "a"}, {"bounds", {0, 1}}}, {{"id", "b"}, {"bounds", {0, 1}}}, {{"id", "c"}, {"bounds", {0, 1}}}}},
                    {"index", {{"id", "i"}, {"components", {"a", "b", "c"}}}},
                    {"uncertainty", {{"weights", {"config", "pca"}}, {"normalisation", {"config", "percentile_rank"}},
                                     {"aggregation", {"config", "geometric"}}}}};
  const auto ix = composite_index::from_json(cfg);
  const table t = make_table({"p", "q", "r", "s", "t"},
                             {{"a", {.1, .4, .5, .7, .9}}, {"a_se", {.05, .05, .05, .05, .05}},
                              {"b", {.2, .3, .6, .6, .8}}, {"b_se", {.02, .02, .02, .02, .02}},
                              {"c", {.9, .2, .4, .5, .6}}, {"c_se", {.1, .1, .1, .1, .1}}});
  commdx::uncertainty_options o;
  o.draws = 600;
  o.threads = 1;
  const auto u1 = ix.uncertainty(t, o);
  o.threads = 2;
  const auto u2 = ix.uncertainty(t, o);
  o.threads = 3;
  const auto u3 = ix.uncertainty(t, o);
  EXPECT_EQ(u1.draw_scores, u2.draw_scores);
  EXPECT_EQ(u1.draw_scores, u3.draw_scores);
  EXPECT_EQ(u1.score_median, u3.score_median);
  EXPECT_EQ(u1.factors.size(), 4u);
  EXPECT_EQ(u1.evaluations, 600u);  // 100 base rows x (4 factors + 2)
  o.seed = 7;
  const auto u4 = ix.uncertainty(t, o);
  EXPECT_NE(u1.draw_scores, u4.draw_scores);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_LE(u1.score_low[i], u1.score_median[i]);
    EXPECT_LE(u1.score_median[i], u1.score_high[i]);
    EXPECT_LE(u1.rank_low[i], u1.rank_high[i]);
  }
}

TEST(Scores, DeterministicMathAgreesWithTheCLibrary) {
  for (double x : {1e-300, 1e-10, 0.3, 0.7071, 1.0, 2.0, 3.14159, 1e5, 7.5e4, 1e300})
    EXPECT_NEAR(commdx::detail::det_log(x), std::log(x), 2e-15 * std::max(1.0, std::fabs(std::log(x)))) << x;
  for (double x : {-700.0, -20.0, -1.0, -1e-8, 0.0, 0.5, 1.0, 10.0, 700.0})
    EXPECT_NEAR(commdx::detail::det_exp(x) / std::exp(x), 1.0, 3e-15) << x;
  // The normal generator: mean 0, variance 1, P(|z| < 1.96) = .95 over 200,000 draws.
  commdx::detail::normal_generator g(42);
  double s = 0, ss = 0, in = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = g();
    s += z;
    ss += z * z;
    in += std::fabs(z) < 1.959964;
  }
  EXPECT_NEAR(s / n, 0.0, 0.01);
  EXPECT_NEAR(ss / n, 1.0, 0.01);
  EXPECT_NEAR(in / n, 0.95, 0.002);
  // Fixed stream: the first values of seed 42 never change (cross-platform reproducibility).
  commdx::detail::rng r(42);
  EXPECT_EQ(r.next(), commdx::detail::rng(42).next());
}

TEST(Scores, ShippedConfigurationsLoad) {
  for (const std::string name : {"adoption", "readiness"}) {
    const auto ix = composite_index::shipped(name);
    EXPECT_EQ(ix.name(), name);
    EXPECT_GE(ix.indicators().size(), 8u);
    EXPECT_GE(ix.nodes().size(), 3u);
  }
  EXPECT_THROW(composite_index::shipped("happiness"), commdx::config_error);
}

}  // namespace
