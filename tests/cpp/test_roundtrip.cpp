// Issue 12: every config and every result type round-trips through JSON. One typed test suite over
// "cases": each case makes a realistic value (the example city's own outputs, generated here by
// synth and run through the stages), writes it with nlohmann's ADL hook (`json j = x`), dumps it to
// text, reads the text back with the commdx JSON reader and the type's reader, and compares the
// value read with the original field by field. Each case also lists broken documents (a field
// removed or of the wrong type) that must give a commdx::config_error naming the field.
//
// A type another branch is reshaping only needs a new case struct at merge: the tests are generic.
#include <gtest/gtest.h>

#include <commdx/commdx.hpp>
#include <commdx/io/json_classify.hpp>
#include <commdx/io/json_monitor.hpp>
#include <commdx/io/json_plan.hpp>
#include <commdx/io/json_scores.hpp>
#include <commdx/io/json_survey.hpp>
#include <commdx/io/json_table.hpp>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using nlohmann::json;
using commdx::table;

// ---- the example city, run once through the stages --------------------------------------------

struct city_outputs {
  commdx::synth::city city;
  commdx::ingest_result ingest;
  table estimates{"estimates"};
  commdx::index_result scores;
  commdx::uncertainty_result monte_carlo;
  commdx::classification classes;
  commdx::access_result access;
  std::vector<commdx::round_change> changes;
  commdx::outreach_plan plan;
  commdx::roster roster;
  commdx::coverage coverage;
};

/// Rows of both rounds with the columns they share (sample: round 0, follow-up: round 1).
table stack_rounds(const table& a, const table& b) {
  table t("rounds");
  for (const auto& n : a.names()) {
    if (!b.has(n) || a.is_numeric(n) != b.is_numeric(n)) continue;
    if (a.is_numeric(n)) {
      auto v = a.numeric(n);
      v.insert(v.end(), b.numeric(n).begin(), b.numeric(n).end());
      t.set(n, std::move(v));
    } else {
      auto v = a.text(n);
      v.insert(v.end(), b.text(n).begin(), b.text(n).end());
      t.set(n, std::move(v));
    }
  }
  return t;
}

/// The ward-level estimates as the wide table a composite index takes (unit, one column per
/// indicator, "<indicator>_se"), as the demo's pipeline does.
table wide_wards(const table& est) {
  std::vector<std::string> units, indicators;
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> cell;
  const auto& level = est.text("level");
  const auto& unit = est.text("unit");
  const auto& ind = est.text("indicator");
  for (std::size_t r = 0; r < est.rows(); ++r) {
    if (level[r] != "ward") continue;
    if (std::find(units.begin(), units.end(), unit[r]) == units.end()) units.push_back(unit[r]);
    if (std::find(indicators.begin(), indicators.end(), ind[r]) == indicators.end()) indicators.push_back(ind[r]);
    cell[{unit[r], ind[r]}] = {est.numeric("estimate")[r], est.numeric("se")[r]};
  }
  table t("wide");
  t.set("unit", units);
  for (const auto& i : indicators) {
    commdx::numeric_column v, se;
    for (const auto& u : units) {
      auto it = cell.find({u, i});
      v.push_back(it == cell.end() ? commdx::missing : it->second.first);
      se.push_back(it == cell.end() ? commdx::missing : it->second.second);
    }
    t.set(i, v);
    t.set(i + "_se", se);
  }
  return t;
}

const city_outputs& outputs() {
  static const city_outputs o = [] {
    city_outputs x;
    commdx::synth::options opt;
    opt.households = 1500;  // every stage has content; small enough for a Debug build
    opt.seed = 7;
    x.city = commdx::synth::make_city(opt);
    x.ingest = commdx::read_households(x.city.sample, &x.city.tree);
    const auto design = commdx::survey_design::parse("weight=weight,strata=stratum,psu=psu,fpc=fpc");
    const auto businesses = commdx::read_businesses(x.city.businesses, &x.city.tree);
    x.estimates = commdx::compute_indicators(x.ingest.good, x.city.tree, design, commdx::indicator_catalogue::builtin(), {},
                                             &businesses.good);
    const table wide = wide_wards(x.estimates);
    const auto adoption = commdx::composite_index::shipped("adoption");
    x.scores = adoption.compute(wide);
    commdx::uncertainty_options u;
    u.draws = 64;
    u.threads = 1;
    x.monte_carlo = adoption.uncertainty(wide, u);

    std::vector<commdx::area_input> areas;
    const table edu = commdx::education_by_ward(x.city.sample);
    for (const auto& un : x.city.tree.units()) {
      if (un.kind != commdx::unit_kind::ward && un.kind != commdx::unit_kind::commune) continue;
      commdx::area_input a;
      a.code = un.code;
      a.name = un.name;
      a.area_km2 = un.area_km2;
      a.population = un.population;
      for (std::size_t r = 0; r < edu.rows(); ++r)
        if (edu.text("code")[r] == un.code) a.upper_secondary_share = edu.numeric("education")[r];
      a.row = areas.size() + 1;
      areas.push_back(a);
    }
    x.classes = commdx::classify_areas(areas);
    x.access = commdx::access_segments(x.city.sample);

    commdx::change_options co;
    co.by = "ward_code";
    x.changes = commdx::test_changes(stack_rounds(x.city.sample, x.city.followup), {},
                                     {{"bank_account", "bank_account", ""}, {"e_wallet", "e_wallet", ""},
                                      {"adults_bank_account", "adults_bank_account", "adults"}},
                                     co);

    commdx::plan_inputs in;
    in.households = x.city.sample;  // the plan works from the survey (campaigns.json step R1)
    in.roster = x.city.teams;
    for (const auto& a : x.classes.areas) in.area_classes[a.input.code] = commdx::to_string(a.cls);
    for (const auto& un : x.city.tree.units()) in.unit_names[un.code] = un.name;
    in.start = "2022-07-21";
    in.deadline = "2022-12-31";
    commdx::plan_options po;
    po.key = std::string(32, '\x5a');
    // A round trip needs a plan with content, not a good one: small work budgets keep this
    // fixture (built once per test process, so 39 times) to seconds under ASan in a Debug build.
    po.solver.improve_work = 2000000;
    po.solver.bound_work = 1000000;
    x.plan = commdx::plan_outreach(in, po);

    x.roster = commdx::roster::from_json(x.city.teams.to_json(), "teams.json");  // through its JSON, as a file would
    x.coverage = commdx::team_coverage(x.roster, x.city.tree);
    return x;
  }();
  return o;
}

// ---- comparisons -------------------------------------------------------------------------------

bool same_number(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void expect_same_numbers(const std::vector<double>& a, const std::vector<double>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(same_number(a[i], b[i])) << what << "[" << i << "]: " << a[i] << " vs " << b[i];
}

void expect_same_table(const table& a, const table& b) {
  ASSERT_EQ(a.names(), b.names()) << a.source();
  ASSERT_EQ(a.rows(), b.rows()) << a.source();
  for (const auto& n : a.names()) {
    ASSERT_EQ(a.is_numeric(n), b.is_numeric(n)) << a.source() << " column " << n;
    if (a.is_numeric(n)) expect_same_numbers(a.numeric(n), b.numeric(n), a.source() + "." + n);
    else EXPECT_EQ(a.text(n), b.text(n)) << a.source() << " column " << n;
  }
}

/// A broken document: the JSON pointer of a field, and what replaces it (nullopt: removed).
struct breakage {
  std::string pointer;
  std::optional<json> replacement;
};

// ---- the cases ---------------------------------------------------------------------------------
// Each: type, value(), read(json, source), expect_equal(a, b), breakages(). Writing is always
// nlohmann's ADL hook, so the hooks are what is tested.

struct ingest_case {
  using type = commdx::ingest_result;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().ingest; }
  static type read(const json& j, const std::string& s) { return commdx::io::ingest_result_from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    expect_same_table(a.good, b.good);
    expect_same_table(a.refused, b.refused);
    EXPECT_EQ(a.rows_read, b.rows_read);
  }
  static std::vector<breakage> breakages() {
    return {{"/rows_read", std::nullopt}, {"/good/columns/0/type", json("date")}, {"/good/columns/3/values/2", json(true)}};
  }
};

struct estimates_case {
  using type = table;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().estimates; }
  static type read(const json& j, const std::string& s) { return commdx::io::table_from_json(j, commdx::location::in_file(s)); }
  static void expect_equal(const type& a, const type& b) { expect_same_table(a, b); }
  static std::vector<breakage> breakages() {
    return {{"/columns/1/name", std::nullopt}, {"/columns/0/values", json("x")}, {"/source", json(3)}};
  }
};

struct index_case {
  using type = commdx::index_result;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().scores; }
  static type read(const json& j, const std::string& s) { return commdx::io::index_result_from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    EXPECT_EQ(a.index_id, b.index_id);
    EXPECT_EQ(a.units, b.units);
    EXPECT_EQ(a.indicators, b.indicators);
    EXPECT_EQ(a.nodes, b.nodes);
    EXPECT_EQ(a.node_parent, b.node_parent);
    EXPECT_EQ(a.indicator_parent, b.indicator_parent);
    expect_same_numbers(a.raw, b.raw, "raw");
    expect_same_numbers(a.transformed, b.transformed, "transformed");
    expect_same_numbers(a.normalised, b.normalised, "normalised");
    EXPECT_EQ(a.imputed, b.imputed);
    expect_same_numbers(a.node_scores, b.node_scores, "node_scores");
    expect_same_numbers(a.node_share, b.node_share, "node_share");
    expect_same_numbers(a.node_rank, b.node_rank, "node_rank");
    expect_same_numbers(a.indicator_rank, b.indicator_rank, "indicator_rank");
    expect_same_numbers(a.index, b.index, "index");
    expect_same_numbers(a.rank, b.rank, "rank");
    EXPECT_EQ(a.copeland, b.copeland);
    expect_same_numbers(a.copeland_score, b.copeland_score, "copeland_score");
    expect_same_numbers(a.copeland_rank, b.copeland_rank, "copeland_rank");
    ASSERT_EQ(a.weights.size(), b.weights.size());
    for (std::size_t k = 0; k < a.weights.size(); ++k) {
      EXPECT_EQ(a.weights[k].node, b.weights[k].node);
      EXPECT_EQ(a.weights[k].method, b.weights[k].method);
      EXPECT_EQ(a.weights[k].components, b.weights[k].components);
      expect_same_numbers(a.weights[k].weights, b.weights[k].weights, "weights");
      expect_same_numbers(a.weights[k].loadings, b.weights[k].loadings, "loadings");
      EXPECT_TRUE(same_number(a.weights[k].explained, b.weights[k].explained));
      EXPECT_EQ(a.weights[k].complete_units, b.weights[k].complete_units);
    }
    expect_same_numbers(a.indicator_weight, b.indicator_weight, "indicator_weight");
    expect_same_numbers(a.indicator_effective_weight, b.indicator_effective_weight, "indicator_effective_weight");
    expect_same_numbers(a.node_weight, b.node_weight, "node_weight");
    expect_same_numbers(a.node_effective_weight, b.node_effective_weight, "node_effective_weight");
    ASSERT_EQ(a.missing_nodes.size(), b.missing_nodes.size());
    for (std::size_t k = 0; k < a.missing_nodes.size(); ++k) {
      EXPECT_EQ(a.missing_nodes[k].unit, b.missing_nodes[k].unit);
      EXPECT_EQ(a.missing_nodes[k].node, b.missing_nodes[k].node);
      EXPECT_TRUE(same_number(a.missing_nodes[k].share_present, b.missing_nodes[k].share_present));
    }
    EXPECT_EQ(a.imputed_cells, b.imputed_cells);
    EXPECT_EQ(a.absent_indicators, b.absent_indicators);
  }
  static std::vector<breakage> breakages() {
    return {{"/index", json::array({1.0})}, {"/units", json("u")}, {"/weights/0/method", std::nullopt}};
  }
};

struct monte_carlo_case {
  using type = commdx::uncertainty_result;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().monte_carlo; }
  static type read(const json& j, const std::string& s) { return commdx::io::uncertainty_result_from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    EXPECT_EQ(a.units, b.units);
    expect_same_numbers(a.reference_score, b.reference_score, "reference_score");
    expect_same_numbers(a.reference_rank, b.reference_rank, "reference_rank");
    expect_same_numbers(a.score_median, b.score_median, "score_median");
    expect_same_numbers(a.score_low, b.score_low, "score_low");
    expect_same_numbers(a.score_high, b.score_high, "score_high");
    expect_same_numbers(a.rank_median, b.rank_median, "rank_median");
    expect_same_numbers(a.rank_low, b.rank_low, "rank_low");
    expect_same_numbers(a.rank_high, b.rank_high, "rank_high");
    expect_same_numbers(a.unit_rank_shift, b.unit_rank_shift, "unit_rank_shift");
    expect_same_numbers(a.valid_draws, b.valid_draws, "valid_draws");
    EXPECT_TRUE(same_number(a.mean_abs_rank_shift, b.mean_abs_rank_shift));
    EXPECT_EQ(a.level, b.level);
    EXPECT_EQ(a.evaluations, b.evaluations);
    EXPECT_EQ(a.base_draws, b.base_draws);
    EXPECT_EQ(a.factors, b.factors);
    expect_same_numbers(a.first_order_score, b.first_order_score, "first_order_score");
    expect_same_numbers(a.total_score, b.total_score, "total_score");
    expect_same_numbers(a.first_order_shift, b.first_order_shift, "first_order_shift");
    expect_same_numbers(a.total_shift, b.total_shift, "total_shift");
    expect_same_numbers(a.draw_scores, b.draw_scores, "draw_scores");
    EXPECT_EQ(a.draw_labels, b.draw_labels);
  }
  static std::vector<breakage> breakages() {
    return {{"/score_median", json::array()}, {"/level", json("0.9")}, {"/evaluations", std::nullopt}};
  }
};

struct classification_case {
  using type = commdx::classification;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().classes; }
  static type read(const json& j, const std::string& s) { return commdx::io::classification_from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    ASSERT_EQ(a.areas.size(), b.areas.size());
    for (std::size_t k = 0; k < a.areas.size(); ++k) {
      const auto &x = a.areas[k], &y = b.areas[k];
      EXPECT_EQ(x.input.code, y.input.code);
      EXPECT_EQ(x.input.name, y.input.name);
      EXPECT_TRUE(same_number(x.input.area_km2, y.input.area_km2));
      EXPECT_TRUE(same_number(x.input.population, y.input.population));
      EXPECT_TRUE(same_number(x.input.upper_secondary_share, y.input.upper_secondary_share));
      EXPECT_TRUE(same_number(x.input.mean_years, y.input.mean_years));
      EXPECT_TRUE(same_number(x.input.education_se, y.input.education_se));
      EXPECT_TRUE(same_number(x.input.readiness, y.input.readiness));
      EXPECT_EQ(x.input.row, y.input.row);
      EXPECT_TRUE(same_number(x.density, y.density));
      EXPECT_EQ(x.density_band, y.density_band);
      EXPECT_EQ(x.education_measure, y.education_measure);
      EXPECT_TRUE(same_number(x.education, y.education));
      EXPECT_TRUE(same_number(x.education_threshold, y.education_threshold));
      EXPECT_EQ(x.cls, y.cls);
      EXPECT_EQ(x.decided_by, y.decided_by);
      EXPECT_EQ(x.borderline, y.borderline);
      EXPECT_EQ(x.borderline_on, y.borderline_on);
      EXPECT_TRUE(same_number(x.p_central, y.p_central));
      EXPECT_EQ(x.kmeans, y.kmeans);
      EXPECT_EQ(x.reasons_vi, y.reasons_vi);
      EXPECT_EQ(x.reasons_en, y.reasons_en);
    }
    EXPECT_EQ(a.agreement.central_central, b.agreement.central_central);
    EXPECT_EQ(a.agreement.central_remote, b.agreement.central_remote);
    EXPECT_EQ(a.agreement.remote_central, b.agreement.remote_central);
    EXPECT_EQ(a.agreement.remote_remote, b.agreement.remote_remote);
    EXPECT_EQ(a.ignored_columns, b.ignored_columns);
    EXPECT_EQ(a.config.json, b.config.json);
  }
  static std::vector<breakage> breakages() {
    return {{"/areas/1/class", json("suburban")}, {"/areas/0/input/code", std::nullopt}, {"/agreement", json(1)}};
  }
};

struct access_case {
  using type = commdx::access_result;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().access; }
  static type read(const json& j, const std::string& s) { return commdx::io::access_result_from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    expect_same_table(a.households, b.households);
    expect_same_table(a.groups, b.groups);
  }
  static std::vector<breakage> breakages() { return {{"/groups", std::nullopt}, {"/households/columns", json::object()}}; }
};

struct changes_case {
  using type = std::vector<commdx::round_change>;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().changes; }
  static type read(const json& j, const std::string& s) { return commdx::io::round_changes_from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      const auto &x = a[k], &y = b[k];
      EXPECT_EQ(x.domain, y.domain);
      EXPECT_EQ(x.variable, y.variable);
      for (auto m : {&commdx::round_change::before, &commdx::round_change::se_before, &commdx::round_change::after,
                     &commdx::round_change::se_after, &commdx::round_change::change, &commdx::round_change::se_change,
                     &commdx::round_change::covariance, &commdx::round_change::z, &commdx::round_change::df,
                     &commdx::round_change::p_value, &commdx::round_change::ci_low, &commdx::round_change::ci_high})
        EXPECT_TRUE(same_number(x.*m, y.*m)) << x.domain << " " << x.variable;
      EXPECT_EQ(x.n_before, y.n_before);
      EXPECT_EQ(x.n_after, y.n_after);
      EXPECT_EQ(x.significant, y.significant);
    }
  }
  static std::vector<breakage> breakages() {
    return {{"/0/se_change", json("small")}, {"/2/significant", std::nullopt}, {"/1/n_after", json("9")}};
  }
};

struct plan_case {
  using type = commdx::outreach_plan;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().plan; }
  static type read(const json& j, const std::string& s) { return commdx::io::outreach_plan_from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    for (const auto& [name, sheet] : commdx::io::plan_sheets()) expect_same_table(a.*sheet, b.*sheet);
    ASSERT_EQ(a.messages.size(), b.messages.size());
    for (std::size_t k = 0; k < a.messages.size(); ++k) {
      EXPECT_EQ(a.messages[k].code, b.messages[k].code);
      EXPECT_EQ(a.messages[k].unit, b.messages[k].unit);
      EXPECT_EQ(a.messages[k].vi, b.messages[k].vi);
      EXPECT_EQ(a.messages[k].en, b.messages[k].en);
    }
    EXPECT_EQ(a.start, b.start);
    EXPECT_EQ(a.deadline, b.deadline);
    EXPECT_EQ(a.scope, b.scope);
    EXPECT_EQ(a.objective, b.objective);
    EXPECT_EQ(a.scheduled_objective, b.scheduled_objective);
    EXPECT_EQ(a.upper_bound, b.upper_bound);
    EXPECT_EQ(a.gap, b.gap);
    EXPECT_EQ(a.expected_adopters, b.expected_adopters);
    // written as hours (the plan.json people read), read back as hours * 60
    EXPECT_NEAR(a.minutes_available, b.minutes_available, 1e-9 * a.minutes_available);
    EXPECT_NEAR(a.minutes_planned, b.minutes_planned, 1e-9 * a.minutes_planned);
  }
  static std::vector<breakage> breakages() {
    return {{"/visits/0/unit_id", json(7)}, {"/columns/gaps", std::nullopt}, {"/hours_planned", json("lots")},
            {"/messages/0/vi", std::nullopt}};
  }
};

struct coverage_case {
  using type = commdx::coverage;
  static constexpr bool config_error_only = true;
  static const type& value() { return outputs().coverage; }
  static type read(const json& j, const std::string& s) { return commdx::coverage::from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    EXPECT_EQ(a.deadline, b.deadline);
    EXPECT_EQ(a.to_json(), b.to_json());
    EXPECT_EQ(a.neighbourhoods.size(), b.neighbourhoods.size());
    EXPECT_EQ(a.wards.size(), b.wards.size());
  }
  static std::vector<breakage> breakages() { return {{"/deadline", std::nullopt}, {"/wards/0/ward", json(5)}}; }
};

struct roster_case {
  using type = commdx::roster;
  // The roster reader (teams.hpp, being reworked on the concepts branch) refuses a bad team with
  // input_error, not config_error: to settle at merge.
  static constexpr bool config_error_only = false;
  static const type& value() { return outputs().roster; }
  static type read(const json& j, const std::string& s) { return commdx::roster::from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    ASSERT_EQ(a.teams().size(), b.teams().size());
    EXPECT_EQ(a.to_json(), b.to_json());
  }
  static std::vector<breakage> breakages() { return {{"/teams/0/id", std::nullopt}, {"/teams/1/members", json("x")}}; }
};

// Configs: read from the shipped files, so that what round-trips is what a city edits.

struct campaigns_case {
  using type = commdx::campaign_catalogue;
  static constexpr bool config_error_only = true;
  static const type& value() { static const type c = type::shipped(); return c; }
  static type read(const json& j, const std::string& s) { return type::from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    EXPECT_EQ(a.raw, b.raw);
    EXPECT_EQ(a.travel_minutes, b.travel_minutes);
    EXPECT_EQ(a.setup_minutes, b.setup_minutes);
    EXPECT_EQ(a.session_minutes, b.session_minutes);
    ASSERT_EQ(a.actions.size(), b.actions.size());
    for (std::size_t k = 0; k < a.actions.size(); ++k) {
      EXPECT_EQ(a.actions[k].id, b.actions[k].id);
      EXPECT_EQ(a.actions[k].minutes, b.actions[k].minutes);
      EXPECT_EQ(a.actions[k].alpha, b.actions[k].alpha);
      EXPECT_EQ(a.actions[k].segments, b.actions[k].segments);
    }
    EXPECT_EQ(a.indicators.size(), b.indicators.size());
  }
  static std::vector<breakage> breakages() { return {{"/actions/0/id", std::nullopt}, {"/actions", json(1)}}; }
};

struct classify_config_case {
  using type = commdx::classify_config;
  static constexpr bool config_error_only = true;
  static const type& value() { static const type c = type::defaults(); return c; }
  static type read(const json& j, const std::string& s) { return type::from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    EXPECT_EQ(a.json, b.json);
    EXPECT_EQ(a.urban_centre_density, b.urban_centre_density);
    EXPECT_EQ(a.upper_secondary_share_threshold, b.upper_secondary_share_threshold);
    EXPECT_EQ(a.borderline_fraction, b.borderline_fraction);
    EXPECT_EQ(a.access.weights, b.access.weights);
    EXPECT_EQ(a.central_catalogue, b.central_catalogue);
  }
  static std::vector<breakage> breakages() { return {{"/density/urban_centre", json("many")}}; }
};

struct index_config_case {
  using type = commdx::composite_index;
  static constexpr bool config_error_only = true;
  static const type& value() { static const type c = type::shipped("readiness"); return c; }
  static type read(const json& j, const std::string& s) { return type::from_json(j, s); }
  static void expect_equal(const type& a, const type& b) {
    EXPECT_EQ(a.name(), b.name());
    EXPECT_EQ(a.config(), b.config());
    ASSERT_EQ(a.indicators().size(), b.indicators().size());
    for (std::size_t k = 0; k < a.indicators().size(); ++k) EXPECT_EQ(a.indicators()[k].column, b.indicators()[k].column);
    ASSERT_EQ(a.nodes().size(), b.nodes().size());
    for (std::size_t k = 0; k < a.nodes().size(); ++k) EXPECT_EQ(a.nodes()[k].components, b.nodes()[k].components);
  }
  static std::vector<breakage> breakages() { return {{"/indicators", json("x")}}; }
};

template <class Case>
class RoundTrip : public ::testing::Test {};

using Cases = ::testing::Types<ingest_case, estimates_case, index_case, monte_carlo_case, classification_case,
                               access_case, changes_case, plan_case, coverage_case, roster_case, campaigns_case,
                               classify_config_case, index_config_case>;
TYPED_TEST_SUITE(RoundTrip, Cases);

TYPED_TEST(RoundTrip, WriteThenReadGivesTheSameValue) {
  using C = TypeParam;
  const auto& original = C::value();
  const json written = original;  // nlohmann's ADL to_json
  // Through text, read by the commdx reader (the rules every config file meets), the plan too.
  const std::string text = written.dump(1);
  const json parsed = commdx::io::parse_json(text, "roundtrip.json");
  const auto back = C::read(parsed, "roundtrip.json");
  C::expect_equal(original, back);
  // The ADL from_json gives the same value, and writing again gives the same bytes.
  C::expect_equal(original, written.template get<typename C::type>());
  const json again = back;
  EXPECT_EQ(again.dump(), written.dump());
}

TYPED_TEST(RoundTrip, RealisticValueIsNotEmpty) {
  // A round trip of an empty value would prove little: the example city's outputs have content.
  const json written = TypeParam::value();
  EXPECT_GT(written.dump().size(), 200u);
}

TYPED_TEST(RoundTrip, MalformedDocumentIsAConfigErrorNamingTheField) {
  using C = TypeParam;
  const json written = C::value();
  for (const auto& b : C::breakages()) {
    json broken = written;
    const json::json_pointer ptr(b.pointer);
    ASSERT_TRUE(broken.contains(ptr)) << b.pointer;
    if (b.replacement) broken[ptr] = *b.replacement;
    else broken[ptr.parent_pointer()].erase(ptr.back());
    const std::string field = ptr.back();
    try {
      (void)C::read(broken, "broken.json");
      ADD_FAILURE() << b.pointer << ": no error";
    } catch (const commdx::input_error& e) {
      if (C::config_error_only) {
        EXPECT_NE(dynamic_cast<const commdx::config_error*>(&e), nullptr) << b.pointer << ": not a config_error: " << e.what();
      }
      EXPECT_EQ(e.where().file, "broken.json") << e.what();
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << b.pointer << ": " << e.what();
      EXPECT_EQ(e.id().rfind("commdx.", 0), 0u) << e.id();
    } catch (const std::exception& e) {
      ADD_FAILURE() << b.pointer << ": not a commdx::input_error: " << e.what();
    }
  }
}

}  // namespace
