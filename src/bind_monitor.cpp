#include "prelude.hpp"
#include "bind_estimate.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <unordered_map>
#include <vector>

#include "commdx/monitor.hpp"
#include "commdx/report.hpp"
#include "commdx/report/disclosure.hpp"
#include "commdx/report/indicators.hpp"
#include "commdx/report/manual.hpp"
#include "commdx/report/scores.hpp"
#include "commdx/report/teams.hpp"
#include "commdx/report/visits.hpp"

// Bindings of the monitor stage: the test of a change between survey rounds (monitor.hpp) and the
// small-cell suppression of published tables (report.hpp). pandas conveniences live in
// python/commdx/monitor.py.
namespace {
/// [[name, numerator, denominator], ...] from Python as the change tests' and the patterns' variables.
std::vector<commdx::change_variable> variables_of(const std::vector<std::vector<std::string>>& variables) {
  std::vector<commdx::change_variable> vars;
  for (const auto& v : variables) {
    if (v.size() != 3) throw commdx::error("commdx: each variable is [name, numerator, denominator]");
    vars.push_back({v[0], v[1], v[2]});
  }
  return vars;
}

/// A number or None (NaN, and an infinity where `infinite_is_none`).
py::object number_or_none(double x, bool infinite_is_none = false) {
  if (std::isnan(x) || (infinite_is_none && std::isinf(x))) return py::none();
  return py::float_(x);
}

/// The report's indicators from Python: [{id, numerator, denominator, where: [{column, in}],
/// target, target_date}, ...] (report.py's _indicator_defs).
std::vector<commdx::report::indicator_def> indicator_defs_of(const std::vector<py::dict>& defs) {
  std::vector<commdx::report::indicator_def> out;
  for (const auto& d : defs) {
    commdx::report::indicator_def def;
    def.id = py::str(d["id"]);
    def.numerator = py::str(d["numerator"]);
    def.denominator = d["denominator"].is_none() ? std::string() : std::string(py::str(d["denominator"]));
    for (auto w : py::list(d["where"])) {
      commdx::report::domain_rule rule;
      rule.column = py::str(w["column"]);
      for (auto v : w["in"]) rule.values.emplace_back(py::str(v));
      def.where.push_back(std::move(rule));
    }
    def.target = d["target"].is_none() ? commdx::missing : py::cast<double>(d["target"]);
    def.target_date = d["target_date"].is_none() ? std::string() : std::string(py::str(d["target_date"]));
    out.push_back(std::move(def));
  }
  return out;
}

/// The figures of `rows` (pairs of a name and a member pointer) as float64 arrays in `out`.
template <class Row, class Figures>
void figures_to_py(py::dict& out, const std::vector<Row>& rows, const Figures& figures) {
  for (const auto& [name, member] : figures) {
    py::array_t<double> arr(static_cast<py::ssize_t>(rows.size()));
    double* data = arr.mutable_data();
    for (std::size_t i = 0; i < rows.size(); ++i) data[i] = rows[i].*member;
    out[name] = arr;
  }
}

/// The published indicator cells as columns (figures as float64 arrays; a test's significance
/// True, False or None).
py::dict cells_to_py(const std::vector<commdx::report::indicator_cell>& cells) {
  using cell = commdx::report::indicator_cell;
  std::vector<std::string> by, unit, parent, variable, suppression;
  py::list sig_base, sig_last;
  for (const auto& c : cells) {
    by.push_back(c.by);
    unit.push_back(c.unit);
    parent.push_back(c.parent);
    variable.push_back(c.variable);
    suppression.emplace_back(commdx::report::to_string(c.suppression));
    sig_base.append(c.significant_baseline ? py::object(py::bool_(*c.significant_baseline)) : py::object(py::none()));
    sig_last.append(c.significant_last_month ? py::object(py::bool_(*c.significant_last_month)) : py::object(py::none()));
  }
  py::dict out;
  out["by"] = by;
  out["unit"] = unit;
  out["parent"] = parent;
  out["variable"] = variable;
  const std::pair<const char*, double cell::*> figures[] = {
      {"baseline", &cell::baseline}, {"se_baseline", &cell::se_baseline}, {"last_month", &cell::last_month},
      {"now", &cell::now}, {"se_now", &cell::se_now}, {"change_baseline", &cell::change_baseline},
      {"se_change_baseline", &cell::se_change_baseline}, {"ci_low_baseline", &cell::ci_low_baseline},
      {"ci_high_baseline", &cell::ci_high_baseline}, {"p_value_baseline", &cell::p_value_baseline},
      {"change_last_month", &cell::change_last_month}, {"se_change_last_month", &cell::se_change_last_month},
      {"p_value_last_month", &cell::p_value_last_month}, {"n_baseline", &cell::n_baseline}, {"n_now", &cell::n_now}};
  figures_to_py(out, cells, figures);
  out["significant_baseline"] = sig_base;
  out["significant_last_month"] = sig_last;
  out["suppression"] = suppression;
  return out;
}

/// A table of the class and score section from Python: None, or {"baseline": rows, "now": rows}
/// (either absent or None), rows as tuples.
template <class Row, class Tuple>
std::optional<commdx::report::baseline_and_now<Row>> before_after_of(const py::object& obj, Row (*row)(const Tuple&)) {
  if (obj.is_none()) return std::nullopt;
  commdx::report::baseline_and_now<Row> out;
  const auto d = obj.cast<py::dict>();
  for (auto [key, field] : {std::make_pair("baseline", &out.baseline), std::make_pair("now", &out.now)}) {
    if (!d.contains(key) || d[key].is_none()) continue;
    std::vector<Row> rows;
    for (const auto& t : py::object(d[key]).template cast<std::vector<Tuple>>()) rows.push_back(row(t));
    *field = std::move(rows);
  }
  return out;
}

/// Counts as a list of int, or of None where a count is not known (no plan).
py::list counts_or_none(const std::vector<std::optional<std::size_t>>& xs) {
  py::list out;
  for (const auto& x : xs) out.append(x ? py::object(py::int_(*x)) : py::object(py::none()));
  return out;
}

/// Rows of the visits section (members or teams) as columns: text as lists of str, counts as
/// lists of int, figures as float64 arrays (a hidden figure NaN).
template <class Row>
py::dict visit_rows_to_py(const std::vector<Row>& rows, const std::vector<std::pair<const char*, std::string Row::*>>& texts,
                          const std::vector<std::pair<const char*, std::size_t Row::*>>& counts,
                          const std::vector<std::pair<const char*, double Row::*>>& figures) {
  py::dict out;
  for (const auto& [name, member] : texts) {
    std::vector<std::string> col;
    for (const auto& r : rows) col.push_back(r.*member);
    out[name] = col;
  }
  for (const auto& [name, member] : counts) {
    std::vector<std::size_t> col;
    for (const auto& r : rows) col.push_back(r.*member);
    out[name] = col;
  }
  std::vector<std::optional<std::size_t>> planned;
  std::vector<std::string> suppression;
  for (const auto& r : rows) {
    planned.push_back(r.visits_planned);
    suppression.emplace_back(commdx::to_string(r.suppression));
  }
  out["visits_planned"] = counts_or_none(planned);
  figures_to_py(out, rows, figures);
  out["suppression"] = suppression;
  return out;
}
}  // namespace

void bind_monitor(py::module_& m) {
  m.def(
      "_test_changes",
      [](const py::dict& columns, const std::string& source, const py::dict& design,
         const std::vector<std::vector<std::string>>& variables, double round_before,
         double round_after, const std::string& by, bool include_total, double level,
         const std::vector<std::pair<double, py::object>>& calibration) {
        commdx::table rows = commdx::bind::table_from_py(columns, source);
        commdx::round_design d;
        auto get = [&design](const char* key, std::string& field) {
          if (design.contains(key)) {
            py::handle v = design[key];
            field = v.is_none() ? std::string() : py::str(v).cast<std::string>();
          }
        };
        get("weight", d.weight);
        get("strata", d.strata);
        get("psu", d.psu);
        get("fpc", d.fpc);
        get("round", d.round);
        get("id", d.id);
        const std::vector<commdx::change_variable> vars = variables_of(variables);
        commdx::change_options opt;
        opt.round_before = round_before;
        opt.round_after = round_after;
        opt.by = by;
        opt.include_total = include_total;
        opt.level = level;
        for (const auto& [round, cal] : calibration)  // (round, CalibratedDesign)
          opt.calibration.push_back({round, commdx::bind::design_of(cal).second});
        std::vector<commdx::round_change> out;
        {
          py::gil_scoped_release release;
          out = commdx::test_changes(rows, d, vars, opt);
        }
        return commdx::bind::table_to_py(commdx::changes_to_table(out));
      },
      py::arg("columns"), py::arg("source"), py::arg("design"), py::arg("variables"),
      py::arg("round_before"), py::arg("round_after"), py::arg("by"), py::arg("include_total"),
      py::arg("level"), py::arg("calibration"));

  m.def(
      "_suppress_small_cells",
      [](const std::vector<std::string>& ids, const std::vector<std::string>& parents,
         const std::vector<double>& households, const std::vector<std::string>& groups,
         double min_households) {
        if (ids.size() != parents.size() || ids.size() != households.size() ||
            (!groups.empty() && groups.size() != ids.size()))
          throw commdx::error("commdx: suppression inputs differ in length");
        commdx::table t("suppression");
        t.set("id", ids);
        t.set("parent", parents);
        t.set("households", households);
        t.set("group", groups.empty() ? std::vector<std::string>(ids.size()) : groups);
        const auto status = commdx::suppress_table(t, "id", "parent", "households", "group",
                                                   {min_households});
        std::vector<std::string> out;
        out.reserve(status.size());
        for (auto s : status) out.emplace_back(commdx::to_string(s));
        return out;
      },
      py::arg("ids"), py::arg("parents"), py::arg("households"), py::arg("groups"),
      py::arg("min_households"));

  m.def(
      "_indicator_pattern",
      [](const py::dict& columns, const std::string& source, const std::vector<std::vector<std::string>>& variables,
         double min_households, double unanimous_below, const std::string& weight) {
        commdx::table rows = commdx::bind::table_from_py(columns, source);
        const std::vector<commdx::change_variable> vars = variables_of(variables);
        commdx::pattern_options opt;
        opt.min_households = min_households;
        opt.unanimous_below = unanimous_below;
        opt.weight = weight;
        std::vector<commdx::pattern_cell> cells;
        {
          py::gil_scoped_release release;
          cells = commdx::indicator_pattern(rows, vars, opt);
        }
        std::vector<std::string> unit, parent, level, weight_class, households_reason, status, variable;
        std::vector<double> households;
        for (auto& c : cells) {
          unit.push_back(std::move(c.unit));
          parent.push_back(std::move(c.parent));
          level.push_back(std::move(c.level));
          weight_class.push_back(std::move(c.weight_class));
          households.push_back(c.households);
          households_reason.push_back(std::move(c.reason));
          status.emplace_back(commdx::to_string(c.status));
          variable.push_back(std::move(c.variable));
        }
        py::dict out;
        out["unit"] = unit;
        out["parent"] = parent;
        out["level"] = level;
        out["weight_class"] = weight_class;
        out["households"] = py::array_t<double>(static_cast<py::ssize_t>(households.size()), households.data());
        out["reason"] = households_reason;
        out["status"] = status;
        out["variable"] = variable;
        return out;
      },
      py::arg("columns"), py::arg("source"), py::arg("variables"), py::arg("min_households"),
      py::arg("unanimous_below"), py::arg("weight"));

  m.def(
      "_merge_suppressed_design",
      [](const std::vector<std::string>& strata, const std::vector<std::string>& psu, const std::vector<double>& fpc,
         const std::vector<std::string>& finest, const std::vector<std::string>& ward,
         const std::vector<std::string>& units, const std::vector<std::string>& statuses) {
        if (units.size() != statuses.size()) throw commdx::error("commdx: pattern units and statuses differ in length");
        std::unordered_map<std::string, commdx::cell_status> status;
        for (std::size_t i = 0; i < units.size(); ++i)
          status[units[i]] = statuses[i] == "published" ? commdx::cell_status::published
                             : statuses[i] == "primary" ? commdx::cell_status::primary
                                                        : commdx::cell_status::complementary;
        commdx::merged_design_columns out;
        {
          py::gil_scoped_release release;
          out = commdx::merge_suppressed_design(strata, psu, fpc, finest, ward, status);
        }
        py::dict d;
        d["strata"] = out.strata;
        d["psu"] = out.psu;
        d["fpc"] = py::array_t<double>(static_cast<py::ssize_t>(out.fpc.size()), out.fpc.data());
        d["collapsed"] = out.collapsed;
        return d;
      },
      py::arg("strata"), py::arg("psu"), py::arg("fpc"), py::arg("finest"), py::arg("ward"), py::arg("units"),
      py::arg("statuses"));

  m.def(
      "_indicator_section",
      [](const py::dict& columns, const std::string& source, const std::vector<py::dict>& indicators,
         const std::string& month, const std::string& ward, const std::vector<std::pair<int, std::string>>& dated,
         const std::optional<std::pair<long, long>>& visit_months,
         const std::unordered_map<std::string, std::string>& parent_of, double min_households,
         double unanimous_below, double level, const std::vector<std::pair<double, py::object>>& calibration) {
        commdx::report::indicator_inputs in;
        for (const auto& [round, cal] : calibration)  // (round, CalibratedDesign)
          in.calibration.push_back({round, commdx::bind::design_of(cal).second});
        in.rows = commdx::bind::table_from_py(columns, source);
        in.indicators = indicator_defs_of(indicators);
        in.month = month;
        in.ward = ward;
        in.dated = std::map<int, std::string>(dated.begin(), dated.end());
        in.visit_months = visit_months;
        in.parent_of = parent_of;
        in.min_households = min_households;
        in.unanimous_below = unanimous_below;
        in.level = level;
        commdx::report::indicator_result res;
        {
          py::gil_scoped_release release;
          res = commdx::report::indicator_section(in);
        }
        py::dict out;
        out["round_months"] = res.round_months;
        py::dict rounds;
        rounds["baseline"] = res.rounds.baseline;
        rounds["last_month"] = res.rounds.last_month;
        rounds["now"] = res.rounds.now;
        out["rounds"] = rounds;
        out["root"] = res.root;
        out["cells"] = cells_to_py(res.cells);
        py::list progress;
        for (const auto& p : res.progress) {
          py::dict row;
          row["variable"] = p.variable;
          row["now"] = number_or_none(p.now);
          row["target"] = p.target;
          row["gap"] = number_or_none(p.gap);
          row["months_left"] = p.months_left ? py::object(py::int_(*p.months_left)) : py::object(py::none());
          row["pace_needed_per_month"] = number_or_none(p.pace_needed, true);
          row["pace_so_far_per_month"] = number_or_none(p.pace_so_far);
          row["status"] = commdx::report::to_string(p.status);
          progress.append(row);
        }
        out["progress"] = progress;
        out["estimated"] = res.estimated;
        out["absent"] = res.absent;
        py::list lacking;
        for (const auto& l : res.lacking) {
          py::dict row;
          row["indicator"] = l.indicator;
          row["column"] = l.column;
          row["round"] = l.round;
          row["compared"] = l.compared;
          lacking.append(row);
        }
        out["lacking"] = lacking;
        out["notes"] = res.notes;
        return out;
      },
      py::arg("columns"), py::arg("source"), py::arg("indicators"), py::arg("month"), py::arg("ward"),
      py::arg("dated"), py::arg("visit_months"), py::arg("parent_of"), py::arg("min_households"),
      py::arg("unanimous_below"), py::arg("level"), py::arg("calibration"));

  m.def(
      "_visits_section",
      [](const py::dict& visits, const std::string& source, const py::object& plan, const std::string& plan_source,
         const commdx::roster& roster, const std::unordered_map<std::string, std::string>& household_ward,
         const std::unordered_map<std::string, std::string>& ward_of,
         const std::unordered_map<std::string, std::string>& action_aliases, const std::string& month,
         const std::string& ward, double min_households, double default_action_minutes, double prior_strength,
         std::size_t nominated_members, std::size_t nominated_teams) {
        namespace r = commdx::report;
        r::visits_inputs in;
        in.visits = commdx::bind::table_from_py(visits, source);
        if (!plan.is_none()) in.plan = commdx::bind::table_from_py(plan.cast<py::dict>(), plan_source);
        in.roster = roster;
        in.household_ward = household_ward;
        in.ward_of = ward_of;
        in.action_aliases = action_aliases;
        in.month = month;
        in.ward = ward;
        in.min_households = min_households;
        in.default_action_minutes = default_action_minutes;
        in.nomination = {prior_strength, nominated_members, nominated_teams};
        r::visits_result res;
        {
          py::gil_scoped_release release;
          res = r::visits_section(in);
        }
        py::dict out;
        out["month_visits"] = res.month_visits;
        out["households_visited"] = res.households_visited;
        out["calibration"] = res.calibration;
        out["members"] = visit_rows_to_py<r::member_visits>(
            res.members,
            {{"member_id", &r::member_visits::member_id}, {"team_id", &r::member_visits::team_id},
             {"name", &r::member_visits::name}},
            {{"visits", &r::member_visits::visits}, {"households", &r::member_visits::households}},
            {{"minutes", &r::member_visits::minutes}, {"hours", &r::member_visits::hours},
             {"conversions", &r::member_visits::conversions}, {"expected", &r::member_visits::expected},
             {"per_hour", &r::member_visits::per_hour}, {"adjusted_rate", &r::member_visits::adjusted_rate}});
        out["teams"] = visit_rows_to_py<r::team_visits>(
            res.teams, {{"team_id", &r::team_visits::team_id}},
            {{"visits", &r::team_visits::visits}, {"households", &r::team_visits::households},
             {"distinct_households", &r::team_visits::distinct_households}},
            {{"hours", &r::team_visits::hours}, {"conversions", &r::team_visits::conversions},
             {"expected", &r::team_visits::expected}, {"adjusted_rate", &r::team_visits::adjusted_rate},
             {"per_hour", &r::team_visits::per_hour}});
        out["nominated_members"] = res.nominated_members;
        out["nominated_teams"] = res.nominated_teams;
        out["notes"] = res.notes;
        return out;
      },
      py::arg("visits"), py::arg("source"), py::arg("plan"), py::arg("plan_source"), py::arg("roster"),
      py::arg("household_ward"), py::arg("ward_of"), py::arg("action_aliases"), py::arg("month"), py::arg("ward"),
      py::arg("min_households"), py::arg("default_action_minutes"), py::arg("prior_strength"),
      py::arg("nominated_members"), py::arg("nominated_teams"));
  m.def(
      "_teams_section",
      [](const commdx::roster& roster, const commdx::places& places, const commdx::rule_set& rules,
         const std::optional<std::string>& deadline, const std::string& ward) {
        namespace r = commdx::report;
        r::teams_inputs in{roster, places, rules, deadline, ward};
        return commdx::bind::json_to_py(to_json(r::teams_section(in)));
      },
      py::arg("roster"), py::arg("places"), py::arg("rules"), py::arg("deadline"), py::arg("ward"));

  m.def(
      "_manual_section",
      [](const py::dict& log, const std::string& source, const std::unordered_map<std::string, std::string>& ward_of,
         const std::unordered_map<std::string, std::string>& campaigns, const std::string& month,
         const std::string& ward, double min_households) {
        namespace r = commdx::report;
        r::manual_inputs in;
        in.log = commdx::bind::table_from_py(log, source);
        in.ward_of = ward_of;
        in.campaigns = campaigns;
        in.month = month;
        in.ward = ward;
        in.min_households = min_households;
        r::manual_result res;
        {
          py::gil_scoped_release release;
          res = r::manual_section(in);
        }
        return commdx::bind::json_to_py(to_json(res));
      },
      py::arg("log"), py::arg("source"), py::arg("ward_of"), py::arg("campaigns"), py::arg("month"), py::arg("ward"),
      py::arg("min_households"));

  m.def(
      "_class_score_section",
      [](const py::object& classes, const py::object& scores, const std::string& unit) {
        namespace r = commdx::report;
        using class_tuple = std::tuple<std::string, std::string, std::string, std::optional<bool>>;
        using score_tuple = std::tuple<std::string, std::string, double>;
        r::class_score_inputs in;
        in.classes = before_after_of<r::area_class, class_tuple>(classes, [](const class_tuple& t) {
          return r::area_class{std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)};
        });
        in.scores = before_after_of<r::unit_score, score_tuple>(scores, [](const score_tuple& t) {
          return r::unit_score{std::get<0>(t), std::get<1>(t), std::get<2>(t)};
        });
        in.unit = unit;
        return commdx::bind::json_to_py(to_json(r::class_score_section(in)));
      },
      py::arg("classes"), py::arg("scores"), py::arg("unit"));
}
