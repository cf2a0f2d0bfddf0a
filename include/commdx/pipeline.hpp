#pragma once
// The typed joins between stages (issue 12): what one stage's result becomes as the next stage's
// input, in one place, so that the CLI, Python and a C++ program get the same results; and
// pipeline::run, the stages `commdx demo` runs, from a folder of inputs to a folder of outputs.
//
//   data folder (read_inputs: places.csv, teams.json, calendar.json, households.csv, businesses.csv)
//     │  or synth options (synth::write + calendar_of_synth); the synth options' follow-up census
//     │  (followup_census, checked to be the folder's city)
//     ▼
//   campaign_calendar ──► survey_days_of ──► as_of of each round
//   teams.json + places ──► check_teams, team_coverage (T5 by the calendar's deadline) ──► teams/*.csv
//   survey_step (issue 14, the demo's _field_survey; survey-design.json): sample_sizes per ward
//     → allocate → groups → selection::select (PPS) → interview (baseline: households.csv,
//     follow-up: the census) → calibrate each round ──► survey/design.csv, survey/groups.csv
//     ▼
//   estimate_round (compute_indicators, calibrated)  ──► indicators-baseline.csv, indicators-followup.csv
//     ▼
//   estimates_to_wide ──► round_scores (composite_index adoption, readiness) ──► scores-*.csv
//   area_rows + areas_with_education ──► classify_round ──► classify/classes.csv
//     └─ central_wards ──► access_segments ──► classify/access-groups.csv
//   classes ──► area_classes ──► plan inputs (plan.hpp)                      [plan not in run yet]
//   report::monthly (report.hpp)                                             [not in run yet]
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "commdx/calibrate.hpp"
#include "commdx/classify.hpp"
#include "commdx/data.hpp"
#include "commdx/detail/dates.hpp"
#include "commdx/error.hpp"
#include "commdx/estimate.hpp"
#include "commdx/indicators.hpp"
#include "commdx/io/json.hpp"
#include "commdx/io/output.hpp"
#include "commdx/pipeline/detail/columns.hpp"
#include "commdx/pipeline/detail/frame_csv.hpp"
#include "commdx/detail/survey_csv.hpp"
#include "commdx/places.hpp"
#include "commdx/plan.hpp"
#include "commdx/sampling.hpp"
#include "commdx/scores.hpp"
#include "commdx/selection.hpp"
#include "commdx/survey.hpp"
#include "commdx/synth.hpp"
#include "commdx/table.hpp"
#include "commdx/teams.hpp"

namespace commdx::pipeline {

/// The long estimates table of compute_indicators (level, unit, unit_name, indicator, estimate,
/// se, ...) as the wide table a composite index scores: one row per unit (sorted by code), then
/// `unit_name` when the long table has it, then a column per indicator (sorted by id) and, when the
/// long table has `se`, a column `<indicator>_se` per indicator: the sampling errors travel with
/// the estimates (a unit whose SE the design cannot estimate keeps NaN; a unit without an
/// estimate of an indicator gets NaN in both).
///
/// `level` keeps one level of the hierarchy ("ward", ...). With an empty `level` the table must
/// hold one level only: units of different levels are not comparable, and the error names the
/// levels found. A (unit, indicator) pair given twice is a validation_error naming it.
inline table estimates_to_wide(const table& estimates, const std::string& level = {}) {
  const std::string& src = estimates.source();
  for (const char* need : {"unit", "indicator", "estimate"})
    if (!estimates.has(need))
      throw input_error(location::in_file(src).in_column(need), "estimates table: missing required column");
  const auto& units = estimates.text("unit");
  const auto& ids = estimates.text("indicator");
  const auto& value = estimates.numeric("estimate");
  const bool has_se = estimates.has("se");
  const bool has_names = estimates.has("unit_name");
  const bool has_level = estimates.has("level");

  std::vector<std::size_t> rows;
  if (has_level) {
    const auto& levels = estimates.text("level");
    std::set<std::string> found(levels.begin(), levels.end());
    auto listed = [&found] {
      std::string s;
      for (const auto& l : found) s += (s.empty() ? "" : ", ") + l;
      return s;
    };
    if (!level.empty()) {
      for (std::size_t i = 0; i < estimates.rows(); ++i)
        if (levels[i] == level) rows.push_back(i);
      if (rows.empty())
        throw input_error(location::in_file(src).in_column("level"),
                          "estimates table: no rows at level '" + level + "' (levels: " + listed() + ")");
    } else if (found.size() > 1) {
      throw input_error(location::in_file(src).in_column("level"),
                        "estimates table has several levels (" + listed() + "): name the level to score");
    }
  }
  if (rows.empty())
    for (std::size_t i = 0; i < estimates.rows(); ++i) rows.push_back(i);

  std::map<std::string, std::size_t> unit_row;       // unit code -> output row, sorted by code
  std::map<std::string, std::size_t> indicator_col;  // indicator id -> output column, sorted by id
  std::map<std::pair<std::string, std::string>, std::size_t> seen;  // (unit, indicator) -> input row
  for (std::size_t i : rows) {
    unit_row.emplace(units[i], 0);
    indicator_col.emplace(ids[i], 0);
    if (!seen.emplace(std::make_pair(units[i], ids[i]), i).second)
      throw validation_error(location::in_file(src).at_row(i + 1).in_column("indicator").for_unit(units[i]),
                             "estimates table: indicator '" + ids[i] + "' appears more than once for this unit");
  }
  std::size_t k = 0;
  for (auto& u : unit_row) u.second = k++;
  k = 0;
  for (auto& c : indicator_col) c.second = k++;

  const std::size_t n = unit_row.size();
  std::vector<numeric_column> est(indicator_col.size(), numeric_column(n, missing));
  std::vector<numeric_column> se(has_se ? indicator_col.size() : 0, numeric_column(n, missing));
  text_column code, name(n);
  for (const auto& u : unit_row) code.push_back(u.first);
  for (const auto& [key, i] : seen) {
    const std::size_t r = unit_row.at(key.first), c = indicator_col.at(key.second);
    est[c][r] = value[i];
    if (has_se) se[c][r] = estimates.numeric("se")[i];
    if (has_names && name[r].empty()) name[r] = estimates.text("unit_name")[i];
  }
  table out(src.empty() ? "estimates (wide)" : src);
  out.set("unit", std::move(code));
  if (has_names) out.set("unit_name", std::move(name));
  for (const auto& [id, c] : indicator_col) out.set(id, std::move(est[c]));
  if (has_se)
    for (const auto& [id, c] : indicator_col) out.set(id + "_se", std::move(se[c]));
  return out;
}

/// A classification table (classify_areas: `unit` or `code`, and `class`) as the plan's input:
/// unit code -> "central" / "remote". A class other than those two (a Vietnamese word, a typo:
/// the unit would silently be planned as central) is an input_error naming the row, the column,
/// the unit and the value; a code classed twice is a validation_error naming it. `lines` (when the
/// table was read from a file: the text line of each row) puts the line in the errors too.
inline std::map<std::string, std::string> area_classes(const table& classes, const std::vector<std::size_t>& lines = {}) {
  const std::string code = detail::first_column(classes, {"unit", "code", "unit_code"}, "unit code");
  const std::string cls = detail::first_column(classes, {"class", "area_class", "classification"}, "class");
  const auto& codes = classes.text(code);
  const auto& values = classes.text(cls);
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < classes.rows(); ++i) {
    location where = location::in_file(classes.source()).at_row(i + 1).in_column(cls).for_unit(codes[i]);
    if (i < lines.size()) where = where.at_line(lines[i]);
    const std::string value(commdx::detail::trim_blanks(values[i]));
    if (value != "central" && value != "remote")
      throw input_error(where, "unknown class '" + value + "' (expected central or remote)");
    if (!out.emplace(codes[i], value).second && out[codes[i]] != value)
      throw validation_error(where, "unit classed twice, as '" + out[codes[i]] + "' and '" + value + "'");
  }
  return out;
}

// ---- the demo's pipeline (pipeline::run) ---------------------------------------------------------

/// The dates a data folder was generated on (calendar.json, written by `commdx synth`): the
/// campaign's first day, the teams' deadline, the first and last visit, and the campaign period
/// the plan runs over. Every date of a run comes from here, none is written in code.
struct campaign_calendar {
  std::string start, deadline, first_visit, last_visit, period_start, period_end;
};

/// calendar.json's object; a missing or malformed date is a config_error naming the file and field.
inline campaign_calendar calendar_from_json(const nlohmann::json& j, const std::string& source) {
  const location at = location::in_file(source);
  if (!j.is_object()) throw config_error(at, "expected a JSON object", "commdx.json.type");
  auto date = [&](const nlohmann::json& obj, const std::string& key, const std::string& pointer) {
    const location where = at.in_column(pointer);
    if (!obj.contains(key) || !obj.at(key).is_string())
      throw config_error(where, "missing required date YYYY-MM-DD", "commdx.json.missing_field");
    const std::string value = obj.at(key).get<std::string>();
    commdx::detail::civil_date_or_throw(value, where);
    return value;
  };
  campaign_calendar c;
  c.start = date(j, "start", "/start");
  c.deadline = date(j, "deadline", "/deadline");
  c.first_visit = date(j, "first_visit", "/first_visit");
  c.last_visit = date(j, "last_visit", "/last_visit");
  if (!j.contains("period") || !j.at("period").is_object())
    throw config_error(at.in_column("/period"), "expected {\"start\": YYYY-MM-DD, \"end\": YYYY-MM-DD}",
                       "commdx.json.missing_field");
  c.period_start = date(j.at("period"), "start", "/period/start");
  c.period_end = date(j.at("period"), "end", "/period/end");
  return c;
}

/// The calendar `commdx synth --start` writes for a campaign starting on `start` (empty: the
/// directive's 2022 calendar): synth::calendar_of, and the campaign catalogue's period
/// (campaigns.json "period") moved by as many days as the calendar was.
inline campaign_calendar calendar_of_synth(const std::string& start) {
  const synth::calendar base = synth::calendar_of(""), cal = synth::calendar_of(start);
  const location where = location::in_file("calendar");
  const long shift = commdx::detail::civil_date_or_throw(cal.start, where) - commdx::detail::civil_date_or_throw(base.start, where);
  const auto campaigns = campaign_catalogue::shipped();
  auto moved = [&](const std::string& d) {
    return commdx::detail::civil_from_days(commdx::detail::civil_date_or_throw(d, location::in_file("campaigns.json").in_column("/period")) + shift);
  };
  return {cal.start, cal.deadline, cal.first_visit, cal.last_visit, moved(campaigns.period_start), moved(campaigns.period_end)};
}

/// calendar.json's text, byte for byte as `commdx synth` writes it (json.dump, indent 1, keys in
/// this order, no final line break).
inline std::string calendar_json(const campaign_calendar& c) {
  auto field = [](const char* key, const std::string& v) { return std::string("\"") + key + "\": \"" + v + "\""; };
  return "{\n " + field("start", c.start) + ",\n " + field("deadline", c.deadline) + ",\n " +
         field("first_visit", c.first_visit) + ",\n " + field("last_visit", c.last_visit) + ",\n \"period\": {\n  " +
         field("start", c.period_start) + ",\n  " + field("end", c.period_end) + "\n }\n}";
}

/// The days the two survey rounds are taken on: the baseline on the teams' deadline (the campaign
/// starts the day after, campaigns.json "period"), the follow-up the day after the last visit (the
/// follow-up round is the households after the visits).
struct survey_days {
  std::string baseline, followup;
};
inline survey_days survey_days_of(const campaign_calendar& c) {
  const long last = commdx::detail::civil_date_or_throw(c.last_visit, location::in_file("calendar.json").in_column("/last_visit"));
  return {c.deadline, commdx::detail::civil_from_days(last + 1)};
}

/// What the run reads from a data folder (the files `commdx synth --out` writes).
struct inputs {
  std::string folder;
  commdx::places where;
  commdx::roster teams;  ///< teams.json
  campaign_calendar calendar;
  table households;  ///< households.csv: the team's household list the survey is drawn from
  std::optional<table> businesses;
};

/// Reads places.csv, teams.json, calendar.json, households.csv and, when present, businesses.csv
/// (the survey readers' checks: a bad cell is an input_error naming file, row and column; a
/// households.csv row the reader refuses is an input_error too, since the survey's frame must be
/// the whole list).
inline inputs read_inputs(const std::string& folder) {
  const std::string base = folder.empty() || folder.back() == '/' ? folder : folder + "/";
  inputs in;
  in.folder = folder;
  in.where = commdx::places::from_file(base + "places.csv");
  in.teams = commdx::roster::from_file(base + "teams.json");
  in.calendar = calendar_from_json(io::read_json_file(base + "calendar.json"), base + "calendar.json");
  auto records = [&](const std::string& name, const std::string& kind) -> std::optional<ingest_result> {
    const std::string path = base + name;
    if (!io::file_exists(path)) return std::nullopt;
    return read_records_csv(io::read_file(path), path, record_schema::shipped(kind), &in.where);
  };
  auto list = records("households.csv", "households");
  if (!list) throw input_error(location::in_file(base + "households.csv"), "cannot open file", "commdx.file.unreadable");
  if (list->refused.rows() > 0)
    throw input_error(location::in_file(base + "households.csv"),
                      std::to_string(list->refused.rows()) + " of " + std::to_string(list->rows_read) +
                          " rows refused by the household reader: the survey's frame must be the whole list");
  in.households = std::move(list->good);
  if (auto biz = records("businesses.csv", "businesses")) in.businesses = std::move(biz->good);
  return in;
}

/// The commune's survey choices the demo fields with (survey-design.json; docs/selection.md "The
/// demo's survey"): the size per ward (sample_size: p, margin, confidence, deff, response_rate),
/// the allocation of their sum (allocate: method, power, minimum), the first stage's PPS method
/// and the calibration's method. Read from the data file, never written in code.
struct survey_choices {
  double p = 0, margin = 0, confidence = 0, deff = 0, response_rate = 0;
  sampling::allocation_method allocation = sampling::allocation_method::power;
  double power = 0, minimum = 0;
  selection::psu_method selection = selection::psu_method::pivotal;
  calibration_method calibration = calibration_method::linear;
};

/// survey-design.json's object; a missing or malformed field is a config_error naming the file
/// and the field's JSON pointer.
inline survey_choices survey_choices_from_json(const nlohmann::json& j, const std::string& source) {
  const location at = location::in_file(source);
  if (!j.is_object()) throw config_error(at, "expected a JSON object", "commdx.json.type");
  auto field = [&](const nlohmann::json& obj, const std::string& key, const std::string& pointer) -> const nlohmann::json& {
    if (!obj.is_object() || !obj.contains(key))
      throw config_error(at.in_column(pointer), "missing required field", "commdx.json.missing_field");
    return obj.at(key);
  };
  auto number = [&](const nlohmann::json& obj, const std::string& key, const std::string& pointer) {
    const auto& v = field(obj, key, pointer);
    if (!v.is_number()) throw config_error(at.in_column(pointer), "expected a number", "commdx.json.type");
    return v.get<double>();
  };
  auto word = [&](const nlohmann::json& obj, const std::string& key, const std::string& pointer,
                  const std::vector<std::string>& known) {
    const auto& v = field(obj, key, pointer);
    std::string listed;
    for (const auto& k : known) listed += (listed.empty() ? "" : ", ") + k;
    if (!v.is_string()) throw config_error(at.in_column(pointer), "expected one of " + listed, "commdx.json.type");
    const std::string s = v.get<std::string>();
    for (std::size_t i = 0; i < known.size(); ++i)
      if (s == known[i]) return i;
    throw config_error(at.in_column(pointer), "expected one of " + listed + ", got '" + s + "'", "commdx.json.value");
  };
  survey_choices c;
  c.p = number(j, "p", "/p");
  c.margin = number(j, "margin", "/margin");
  c.confidence = number(j, "confidence", "/confidence");
  c.deff = number(j, "deff", "/deff");
  c.response_rate = number(j, "response_rate", "/response_rate");
  const auto& a = field(j, "allocation", "/allocation");
  using sampling::allocation_method;
  const allocation_method methods[] = {allocation_method::proportional, allocation_method::equal, allocation_method::neyman,
                                       allocation_method::optimal, allocation_method::power};
  c.allocation = methods[word(a, "method", "/allocation/method", {"proportional", "equal", "neyman", "optimal", "power"})];
  c.power = number(a, "power", "/allocation/power");
  c.minimum = number(a, "minimum", "/allocation/minimum");
  c.selection = word(j, "selection_method", "/selection_method", {"pivotal", "systematic"}) == 0 ? selection::psu_method::pivotal
                                                                                                 : selection::psu_method::systematic;
  const calibration_method cal[] = {calibration_method::poststratify, calibration_method::linear, calibration_method::raking};
  c.calibration = cal[word(j, "calibration", "/calibration", {"poststratify", "linear", "raking"})];
  return c;
}

/// The shipped survey-design.json.
inline survey_choices shipped_survey_choices() {
  return survey_choices_from_json(io::parse_json(shipped_data("survey-design.json"), "survey-design.json"),
                                  "survey-design.json");
}

/// One fielded round: the selected households' answers with the selection's design columns
/// (stratum, psu, weight = the design weight, fpc), the design calibrated on them (the indicators
/// are estimated from these), and the same records as the demo's later steps (scores' classes,
/// access segments, the report) read them: the calibrated weights as `weight`, the round's number
/// in `round`, and synth's design columns: stratum = the ward, psu = the group, fpc = the ward's
/// groups (the SRS approximation of the PPS first stage, certainty groups as ordinary PSUs).
struct fielded_round {
  table sample;
  calibrated_design calibration;
  table calibrated;
};

/// The survey the demo fields (issue 14): the size and allocation per ward (survey/design.csv),
/// the selection (its groups: survey/groups.csv) and the two rounds, baseline and follow-up.
struct survey_rounds {
  table design;
  selection::sample selected;
  fielded_round baseline;
  fielded_round followup;
};

namespace detail {

/// The rows `rows` of `t` (text or numeric as in `t`), its columns but `skip`, in `t`'s order.
inline void append_rows(table& out, const table& t, const std::vector<std::size_t>& rows, const std::set<std::string>& skip) {
  for (const auto& name : t.names()) {
    if (skip.count(name)) continue;
    if (t.is_numeric(name)) {
      const auto& v = t.numeric(name);
      numeric_column c;
      c.reserve(rows.size());
      for (std::size_t r : rows) c.push_back(v[r]);
      out.set(name, std::move(c));
    } else {
      const auto& v = t.text(name);
      text_column c;
      c.reserve(rows.size());
      for (std::size_t r : rows) c.push_back(v[r]);
      out.set(name, std::move(c));
    }
  }
}

/// The interview of one round: every selected household's answers in `answers` (the household
/// list, or the follow-up census), selection order; answers' own design columns replaced by the
/// selection's. A selected household missing from `answers` is an input_error naming it.
inline table interview(const selection::sample& selected, const table& answers) {
  std::map<std::string, std::size_t> row_of;
  const auto& ids = answers.text("household_id");
  for (std::size_t i = 0; i < ids.size(); ++i) row_of.emplace(ids[i], i);
  std::vector<std::size_t> rows;
  text_column id, stratum, psu;
  numeric_column weight, fpc;
  for (const auto& h : selected.households) {
    const auto it = row_of.find(h.id);
    if (it == row_of.end())
      throw input_error(location::in_file(answers.source()).in_column("household_id").for_unit(h.stratum),
                        "selected household '" + h.id + "' has no answers in this round's records");
    rows.push_back(it->second);
    id.push_back(h.id);
    stratum.push_back(h.design_stratum);
    psu.push_back(h.psu);
    weight.push_back(h.weight);
    fpc.push_back(static_cast<double>(h.fpc));
  }
  table out(answers.source());
  out.set("household_id", std::move(id));
  append_rows(out, answers, rows, {"household_id", "stratum", "psu", "weight", "fpc", "round"});
  out.set("stratum", std::move(stratum));
  out.set("psu", std::move(psu));
  out.set("weight", std::move(weight));
  out.set("fpc", std::move(fpc));
  return out;
}

/// The wards of the household list in order of first appearance, with their households, residents
/// (sum of members) and residential groups.
struct ward_counts {
  std::vector<std::string> code;
  std::vector<double> households, residents, groups;
};
inline ward_counts wards_of(const table& households) {
  ward_counts w;
  std::map<std::string, std::size_t> at;
  std::set<std::pair<std::string, std::string>> seen;
  const auto& ward = households.text("ward_code");
  const auto& group = households.text("group_code");
  const auto& members = households.numeric("members");
  for (std::size_t i = 0; i < households.rows(); ++i) {
    auto it = at.find(ward[i]);
    if (it == at.end()) {
      it = at.emplace(ward[i], w.code.size()).first;
      w.code.push_back(ward[i]);
      w.households.push_back(0), w.residents.push_back(0), w.groups.push_back(0);
    }
    w.households[it->second] += 1;
    if (!std::isnan(members[i])) w.residents[it->second] += members[i];
    if (seen.emplace(ward[i], group[i]).second) w.groups[it->second] += 1;
  }
  return w;
}

/// One round calibrated to the households and residents of every ward of the list (the margins
/// ward_code and members_<ward>), and its records with the calibrated weights.
inline fielded_round calibrate_round(table sample, const ward_counts& wards, calibration_method method, double round) {
  std::map<std::string, double> groups_of;
  for (std::size_t k = 0; k < wards.code.size(); ++k) groups_of[wards.code[k]] = wards.groups[k];
  std::vector<calibration_margin> margins;
  std::vector<std::pair<std::string, double>> counts;
  for (std::size_t k = 0; k < wards.code.size(); ++k) counts.emplace_back(wards.code[k], wards.households[k]);
  margins.push_back(calibration_margin::of_counts("ward_code", std::move(counts)));
  table with_members = sample;
  const auto& ward = sample.text("ward_code");
  const auto& members = sample.numeric("members");
  for (std::size_t k = 0; k < wards.code.size(); ++k) {
    numeric_column m(sample.rows());
    for (std::size_t i = 0; i < sample.rows(); ++i) m[i] = ward[i] == wards.code[k] ? members[i] : 0.0;
    with_members.set("members_" + wards.code[k], std::move(m));
    margins.push_back(calibration_margin::of_total("members_" + wards.code[k], wards.residents[k]));
  }
  survey_design design;
  design.weight = "weight";
  design.strata = "stratum";
  design.psu = "psu";
  design.fpc = "fpc";
  calibration_options opt;
  opt.method = method;
  fielded_round r;
  r.calibration = calibrate(with_members, design, margins, opt);
  r.calibrated = sample;
  r.calibrated.set("weight", numeric_column(r.calibration.weights.begin(), r.calibration.weights.end()));
  r.calibrated.set("round", numeric_column(sample.rows(), round));
  r.calibrated.set("stratum", sample.text("ward_code"));
  r.calibrated.set("psu", sample.text("group_code"));
  numeric_column fpc;
  for (const auto& w : sample.text("ward_code")) fpc.push_back(groups_of.at(w));
  r.calibrated.set("fpc", std::move(fpc));
  r.sample = std::move(sample);
  return r;
}

}  // namespace detail

/// The demo's survey (Python: commands/demo.py `_field_survey`), from the team's household list
/// (`households`, households.csv) and the follow-up census of the same city (`after`): every ward
/// sized by sample_size with `choices` (its households the population), their sum shared by
/// allocate, a ward's allocation turned into residential groups at the ward's mean group size
/// (ceil(n_h G_h / N_h), at most G_h), the groups drawn by PPS (`choices.selection`, seeded with
/// `seed`) with every household of a drawn group taken; the selected households' answers from the
/// list (baseline) and from `after` (the same households after the outreach: synth models no
/// non-response), each round calibrated to the households and residents of every ward.
inline survey_rounds survey_step(const table& households, const table& after, const survey_choices& choices,
                                 std::uint64_t seed) {
  const detail::ward_counts wards = detail::wards_of(households);
  std::vector<sampling::domain_input> domains;
  for (std::size_t k = 0; k < wards.code.size(); ++k) {
    sampling::domain_input d;
    d.name = wards.code[k];
    d.p = choices.p;
    d.population = wards.households[k];
    d.deff = choices.deff;
    d.response_rate = choices.response_rate;
    domains.push_back(d);
  }
  const sampling::size_target target{sampling::precision::margin, choices.margin, choices.confidence, 0.8};
  const auto size = sampling::sample_sizes(domains, target, "domains");
  std::size_t total = 0;
  std::vector<sampling::stratum_input> strata;
  for (std::size_t k = 0; k < wards.code.size(); ++k) {
    total += size[k].n;
    sampling::stratum_input s;
    s.name = wards.code[k];
    s.population = wards.households[k];
    s.minimum = choices.minimum;
    strata.push_back(s);
  }
  const auto alloc = sampling::allocate(strata, total, {choices.allocation, choices.power}, "strata");

  selection::options opt;
  std::vector<double> groups_drawn;
  for (std::size_t k = 0; k < wards.code.size(); ++k) {
    const double n = static_cast<double>(alloc.strata[k].n);
    groups_drawn.push_back(std::min(wards.groups[k], std::ceil(n * wards.groups[k] / wards.households[k])));
    opt.groups[wards.code[k]] = static_cast<std::size_t>(groups_drawn.back());
  }
  opt.first_stage = choices.selection;
  opt.seed = seed;
  opt.groups_source = opt.households_source = households.source();
  // the frame: every group of the list in order of first appearance, sized by its households
  std::vector<selection::group> frame;
  std::map<std::pair<std::string, std::string>, std::size_t> group_at;
  std::vector<selection::household> list;
  const auto& ward = households.text("ward_code");
  const auto& group = households.text("group_code");
  const auto& id = households.text("household_id");
  for (std::size_t i = 0; i < households.rows(); ++i) {
    const auto key = std::make_pair(ward[i], group[i]);
    auto it = group_at.find(key);
    if (it == group_at.end()) {
      it = group_at.emplace(key, frame.size()).first;
      frame.push_back({ward[i], group[i], 0});
    }
    frame[it->second].size += 1;
    list.push_back({ward[i], group[i], id[i]});
  }
  survey_rounds r;
  r.selected = selection::select(frame, list, opt);

  // survey/design.csv: the size's steps, then the allocation and the groups drawn
  text_column code, bound;
  numeric_column p, population, deff, response_rate, z, n0, n_deff, n_fpc, n_contact, respondents, n, allocated, drawn;
  for (std::size_t k = 0; k < wards.code.size(); ++k) {
    code.push_back(wards.code[k]);
    p.push_back(choices.p);
    population.push_back(wards.households[k]);
    deff.push_back(choices.deff);
    response_rate.push_back(choices.response_rate);
    z.push_back(size[k].z);
    n0.push_back(size[k].n0);
    n_deff.push_back(size[k].n_deff);
    n_fpc.push_back(size[k].n_fpc);
    n_contact.push_back(size[k].n_contact);
    respondents.push_back(static_cast<double>(size[k].respondents));
    n.push_back(static_cast<double>(size[k].n));
    allocated.push_back(static_cast<double>(alloc.strata[k].n));
    bound.push_back(alloc.strata[k].bound);
    drawn.push_back(groups_drawn[k]);
  }
  r.design = table("design.csv");
  r.design.set("ward_code", std::move(code));
  r.design.set("p", std::move(p));
  r.design.set("population", std::move(population));
  r.design.set("deff", std::move(deff));
  r.design.set("response_rate", std::move(response_rate));
  r.design.set("z", std::move(z));
  r.design.set("n0", std::move(n0));
  r.design.set("n_deff", std::move(n_deff));
  r.design.set("n_fpc", std::move(n_fpc));
  r.design.set("n_contact", std::move(n_contact));
  r.design.set("respondents", std::move(respondents));
  r.design.set("n", std::move(n));
  r.design.set("allocated", std::move(allocated));
  r.design.set("bound", std::move(bound));
  r.design.set("groups", std::move(drawn));

  r.baseline = detail::calibrate_round(detail::interview(r.selected, households), wards, choices.calibration, 0);
  r.followup = detail::calibrate_round(detail::interview(r.selected, after), wards, choices.calibration, 1);
  return r;
}

/// The frame's groups with their first-stage outcome (survey/groups.csv's columns).
inline table groups_table(const selection::sample& s) {
  text_column ward, code;
  numeric_column size, listed, pi, certainty, selected;
  for (const auto& g : s.groups) {
    ward.push_back(g.stratum);
    code.push_back(g.code);
    size.push_back(g.size);
    listed.push_back(static_cast<double>(g.listed));
    pi.push_back(g.pi);
    certainty.push_back(g.certainty ? 1.0 : 0.0);
    selected.push_back(g.selected ? 1.0 : 0.0);
  }
  table t("groups.csv");
  t.set("ward_code", std::move(ward));
  t.set("group_code", std::move(code));
  t.set("size", std::move(size));
  t.set("listed", std::move(listed));
  t.set("pi", std::move(pi));
  t.set("certainty", std::move(certainty));
  t.set("selected", std::move(selected));
  return t;
}

/// The design the demo estimates with (Python's SurveyDesign.default_for): the data dictionary's
/// design columns the records have; the weight must be one of them.
inline survey_design default_design(const table& records) {
  if (!records.has("weight"))
    throw input_error(location::in_file(records.source()).in_column("weight"),
                      "missing, so the design is unknown; name it or say weight=none for an unweighted sample");
  survey_design d;
  d.weight = "weight";
  if (records.has("stratum")) d.strata = "stratum";
  if (records.has("psu")) d.psu = "psu";
  if (records.has("fpc")) d.fpc = "fpc";
  return d;
}

/// One round's indicators at every level, with their errors (compute_indicators with the shipped
/// catalogue, the default design and levels, days_left counted from `as_of`).
inline table estimate_round(const table& records, const commdx::places& where, const table* businesses,
                            const std::string& as_of) {
  indicator_options options;
  options.as_of = as_of;
  return compute_indicators(records, where, default_design(records), indicator_catalogue::builtin(), options, businesses);
}

namespace detail {
/// The rows of `both` in its order, each household indicator's row (an indicator `households`
/// has) taken from `households` by (indicator, level, unit); then any row of `households` that
/// `both` lacks. Columns: `both`'s. (Python: commands/demo.py `_with_business_rows`.)
inline table with_business_rows(const table& households, const table& both) {
  const std::set<std::string> household_ids(households.text("indicator").begin(), households.text("indicator").end());
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> at;
  for (std::size_t i = 0; i < households.rows(); ++i)
    at.emplace(std::make_tuple(households.text("indicator")[i], households.text("level")[i], households.text("unit")[i]), i);
  std::vector<std::pair<const table*, std::size_t>> rows;
  std::set<std::size_t> used;
  for (std::size_t i = 0; i < both.rows(); ++i) {
    if (!household_ids.count(both.text("indicator")[i])) {
      rows.emplace_back(&both, i);
      continue;
    }
    const auto it = at.find(std::make_tuple(both.text("indicator")[i], both.text("level")[i], both.text("unit")[i]));
    if (it == at.end()) continue;  // Python's merge keeps only the household rows
    rows.emplace_back(&households, it->second);
    used.insert(it->second);
  }
  for (std::size_t i = 0; i < households.rows(); ++i)
    if (!used.count(i)) rows.emplace_back(&households, i);
  table out(both.source());
  for (const auto& name : both.names()) {
    if (both.is_numeric(name)) {
      numeric_column c;
      for (const auto& [t, i] : rows) c.push_back(t->has(name) ? t->numeric(name)[i] : missing);
      out.set(name, std::move(c));
    } else {
      text_column c;
      for (const auto& [t, i] : rows) c.push_back(t->has(name) ? t->text(name)[i] : std::string());
      out.set(name, std::move(c));
    }
  }
  return out;
}
}  // namespace detail

/// One fielded round's indicators (Python: the demo's `_indicators`): the households' indicators
/// under the calibrated design, and (with `businesses`, a full count with its own design columns)
/// the business indicators under the default design, in the rows' order of one run with both.
inline table estimate_round(const fielded_round& round, const commdx::places& where, const table* businesses,
                            const std::string& as_of) {
  indicator_options options;
  options.as_of = as_of;
  options.calibration = round.calibration.residuals;
  const table households = compute_indicators(round.sample, where, round.calibration.design, indicator_catalogue::builtin(),
                                              options, nullptr);
  if (!businesses) return households;
  return detail::with_business_rows(households, estimate_round(round.sample, where, businesses, as_of));
}

/// The wards' scores of one round on each index: unit, index, score (the index node's score),
/// the rows of `indices` one after the other, units in the wide table's order.
inline table round_scores(const table& estimates, const std::vector<composite_index>& indices) {
  const table wide = estimates_to_wide(estimates, "ward");
  text_column unit, index;
  numeric_column score;
  for (const auto& ix : indices) {
    const index_result r = ix.compute(wide);
    const std::size_t n = r.units.size();
    for (std::size_t k = 0; k < r.nodes.size(); ++k) {
      if (r.nodes[k] != ix.name()) continue;
      for (std::size_t i = 0; i < n; ++i) {
        unit.push_back(r.units[i]);
        index.push_back(ix.name());
        score.push_back(r.node_scores[k * n + i]);
      }
    }
  }
  table out("scores");
  out.set("unit", std::move(unit));
  out.set("index", std::move(index));
  out.set("score", std::move(score));
  return out;
}

/// The shipped indices the demo scores with (index-adoption.json, index-readiness.json).
inline std::vector<composite_index> demo_indices() {
  return {composite_index::shipped("adoption"), composite_index::shipped("readiness")};
}

/// The areas the demo classes: the wards, communes and special zones of `where` (in its order),
/// with code, name, area_km2 and population.
inline table area_rows(const commdx::places& where) {
  text_column code, name;
  numeric_column area, population;
  for (const auto& u : where.units()) {
    if (u.kind != unit_kind::ward && u.kind != unit_kind::commune && u.kind != unit_kind::special_zone) continue;
    code.push_back(u.code);
    name.push_back(u.name);
    area.push_back(u.area_km2);
    population.push_back(u.population);
  }
  table t("places.csv");
  t.set("code", std::move(code));
  t.set("name", std::move(name));
  t.set("area_km2", std::move(area));
  t.set("population", std::move(population));
  return t;
}

/// The areas with the education the households give each ward (Python's classify_areas with
/// `households`): upper_secondary_share = education_by_ward's ratio and, when the households
/// carry a design (stratum, psu, weight), education_se = estimate_ratio's design-based SE.
inline table areas_with_education(const table& areas, const table& households) {
  const table edu = education_by_ward(households);
  std::map<std::string, double> share, se;
  for (std::size_t i = 0; i < edu.rows(); ++i) share[edu.text("code")[i]] = edu.numeric("education")[i];
  const bool design = households.has("stratum") && households.has("psu") && households.has("weight");
  if (design) {
    const table r = estimate_ratio(households, default_design(households), "adults_upper_secondary", "adults", {"ward_code"});
    for (std::size_t i = 0; i < r.rows(); ++i) se[r.cell_text("ward_code", i)] = r.numeric("se")[i];
  }
  auto column = [&](const std::map<std::string, double>& by_ward) {
    numeric_column v;
    for (const auto& c : areas.text("code")) v.push_back(by_ward.count(c) ? by_ward.at(c) : missing);
    return v;
  };
  table out = areas;
  out.set("upper_secondary_share", column(share));
  if (design) out.set("education_se", column(se));
  return out;
}

/// One round's classes of the areas (classify_areas with the shipped thresholds), education from
/// that round's households.
inline classification classify_round(const table& areas, const table& households) {
  return classify_areas(areas_with_education(areas, households), classify_config::defaults(), nullptr);
}

/// The central wards of a classification: the access segments give their groups the central
/// catalogue outright.
inline std::set<std::string> central_wards(const classification& classes) {
  std::set<std::string> out;
  for (const auto& a : classes.areas)
    if (a.cls == area_class::central) out.insert(a.input.code);
  return out;
}

/// Everything the run computed, for a program that uses the results without reading files.
struct run_result {
  campaign_calendar calendar;
  survey_days days;
  std::vector<finding> findings;  ///< check_teams with the shipped rules, T5 by the calendar's deadline
  coverage team_coverage;         ///< T4, T5 coverage by the calendar's deadline
  survey_rounds survey;  ///< the fielded survey: size, selection, both rounds calibrated
  table estimates_baseline;
  std::optional<table> estimates_followup;
  table scores_baseline;
  std::optional<table> scores_now;
  classification classes_baseline;             ///< the areas' classes on the baseline households
  std::optional<classification> classes_now;   ///< on the follow-up households
  access_result access;                        ///< the baseline households' access segments
  std::vector<std::string> written;  ///< the files written, relative to the output folder
};

/// The follow-up round's answers of every household of the city `city` generates (the survey's
/// "interview" after the outreach: synth's follow-up of a census, as the demo takes it), checked
/// to be the city of `households` (the same household ids in the same order): a data folder made
/// with other synth options is a config_error naming households.csv, never another city's answers.
inline table followup_census(const synth::options& city, const table& households) {
  synth::options census = city;
  census.census = true;
  synth::city c = synth::make_city(census);
  if (c.households.text("household_id") != households.text("household_id"))
    throw config_error(location::in_file(households.source()).in_column("household_id"),
                       "the household list is not the city of these synth options (households " +
                           std::to_string(city.households) + ", seed " + std::to_string(city.seed) +
                           "): the follow-up answers come from the generator; give the options the folder was made with");
  return std::move(c.followup);
}

/// The stages on inputs already read (no files): the survey fielded (`after`: the follow-up
/// answers, followup_census; `choices`: survey-design.json; `seed`: the selection's, the demo's
/// seed), estimates of each round, then scores, classes and access segments.
inline run_result compute(const inputs& in, const table& after, const survey_choices& choices, std::uint64_t seed) {
  run_result r;
  r.calendar = in.calendar;
  r.days = survey_days_of(in.calendar);
  r.findings = check_teams(in.teams, in.where, rule_set::shipped(), in.calendar.deadline);
  r.team_coverage = commdx::team_coverage(in.teams, in.where, in.calendar.deadline);
  r.survey = survey_step(in.households, after, choices, seed);
  const survey_rounds& rounds = r.survey;
  const table* biz = in.businesses ? &*in.businesses : nullptr;
  r.estimates_baseline = estimate_round(rounds.baseline, in.where, biz, r.days.baseline);
  r.estimates_followup = estimate_round(rounds.followup, in.where, biz, r.days.followup);
  const auto indices = demo_indices();
  r.scores_baseline = round_scores(r.estimates_baseline, indices);
  r.scores_now = round_scores(*r.estimates_followup, indices);
  const table areas = area_rows(in.where);
  r.classes_baseline = classify_round(areas, rounds.baseline.calibrated);
  r.classes_now = classify_round(areas, rounds.followup.calibrated);
  r.access = access_segments(rounds.baseline.calibrated, classify_config::defaults(), central_wards(r.classes_baseline));
  // CALL SITE report::monthly (report.hpp; being written by the "reportcpp3" helper): the city's
  // and each ward's month report from r and the inputs (and the plan, once run makes one). Not
  // called yet: report::monthly does not exist on this branch.
  return r;
}

struct run_options {
  /// A data folder (`commdx synth --out`), or empty to generate one from `synth` into
  /// `<output_dir>/data` first (as `commdx demo` does).
  std::string input_dir;
  /// The city's synth options: the folder's city (generated from them, or checked to be theirs),
  /// whose follow-up answers the survey's second round takes; `seed` also seeds the selection.
  synth::options synth;
  std::string output_dir = "demo-out";
  std::string lang = "vi";  ///< the classes' label and reasons column: "vi" or "en" (commdx demo --lang)
};

/// The demo's stages from a folder of inputs (or from synth options) to a folder of outputs,
/// with the file names and bytes `commdx demo` writes for them:
///   [data/ (from synth options only): the synth files and calendar.json]
///   teams/findings.csv, teams/coverage-neighbourhoods.csv, teams/coverage-wards.csv
///   survey/design.csv, survey/groups.csv
///   indicators/indicators-baseline.csv, indicators/indicators-followup.csv
///   scores/scores-baseline.csv, scores/scores-now.csv
///   classify/classes.csv (the baseline's classes), classify/access-groups.csv
/// The XLSX sheets stay Python-only (commdx demo writes them with openpyxl), the survey's visit
/// lists among them, and survey/sample.csv (pseudonyms under the key store's key, commdx.keys). Files are written
/// whole (io::write_whole_file); the folder is not swapped in atomically as the demo's is.
inline run_result run(const run_options& options) {
  if (options.lang != "vi" && options.lang != "en")
    throw config_error(location::in_file("run_options").in_column("lang"), "expected vi or en, got '" + options.lang + "'");
  const std::string out = options.output_dir.empty() || options.output_dir.back() == '/' ? options.output_dir
                                                                                           : options.output_dir + "/";
  std::vector<std::string> written;
  std::string data = options.input_dir;
  if (data.empty()) {
    data = out + "data";
    io::make_directories(data);
    for (const auto& file : synth::write(data, options.synth).bytes) written.push_back("data/" + file.first);
    io::write_whole_file(data + "/calendar.json", calendar_json(calendar_of_synth(options.synth.start)));
    written.push_back("data/calendar.json");
  }
  const inputs in = read_inputs(data);
  run_result r = compute(in, followup_census(options.synth, in.households), shipped_survey_choices(), options.synth.seed);
  auto write = [&](const std::string& rel, const std::string& bytes) {
    const auto slash = rel.rfind('/');
    if (slash != std::string::npos) io::make_directories(out + rel.substr(0, slash));
    io::write_whole_file(out + rel, bytes);
    written.push_back(rel);
  };
  const detail::frame_columns counts{{"teams", "ward_teams", "neighbourhoods", "on_time", "late", "missing", "groups",
                                      "groups_with_team"}, {}};
  write("teams/findings.csv", detail::frame_csv(findings_table(r.findings)));
  write("teams/coverage-neighbourhoods.csv", detail::frame_csv(unit_coverage_table(r.team_coverage.neighbourhoods), counts));
  write("teams/coverage-wards.csv", detail::frame_csv(ward_coverage_table(r.team_coverage.wards), counts));
  const detail::frame_columns estimates{{"n"}, {}};
  const bool bom = true;  // the demo's CSV_ENCODING (utf-8-sig): Excel reads the accents right
  write("survey/design.csv", detail::frame_csv(r.survey.design, {{"population", "respondents", "n", "allocated", "groups"}, {}}, bom));
  write("survey/groups.csv", detail::frame_csv(groups_table(r.survey.selected), {{"listed"}, {"certainty", "selected"}}, bom));
  write("indicators/indicators-baseline.csv", detail::frame_csv(r.estimates_baseline, estimates, bom));
  if (r.estimates_followup) write("indicators/indicators-followup.csv", detail::frame_csv(*r.estimates_followup, estimates, bom));
  write("scores/scores-baseline.csv", detail::frame_csv(r.scores_baseline, {}, bom));
  if (r.scores_now) write("scores/scores-now.csv", detail::frame_csv(*r.scores_now, {}, bom));
  write("classify/classes.csv", detail::frame_csv(r.classes_baseline.to_table(options.lang), {{}, {"borderline", "kmeans_agrees"}}, bom));
  write("classify/access-groups.csv", detail::frame_csv(r.access.groups));
  r.written = std::move(written);
  return r;
}

}  // namespace commdx::pipeline
