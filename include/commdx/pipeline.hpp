#pragma once
// The typed joins between stages (issue 12): what one stage's result becomes as the next stage's
// input, in one place, so that the CLI, Python and a C++ program get the same results; and
// pipeline::run, the stages `commdx demo` runs, from a folder of inputs to a folder of outputs.
//
//   data folder (read_inputs: places.csv, teams.json, calendar.json, sample/followup/businesses CSV)
//     │  or synth options (synth::write + calendar_of_synth)
//     ▼
//   campaign_calendar ──► survey_days_of ──► as_of of each round
//   teams.json + places ──► check_teams, team_coverage (T5 by the calendar's deadline) ──► teams/*.csv
//   survey_step (the rounds' records; issue 14 replaces it: size → select → calibrate)
//     ▼
//   estimate_round (compute_indicators)  ──► indicators-baseline.csv, indicators-followup.csv
//     ▼
//   estimates_to_wide ──► round_scores (composite_index adoption, readiness) ──► scores-*.csv
//   area_rows + areas_with_education ──► classify_round ──► classify/classes.csv
//     └─ central_wards ──► access_segments ──► classify/access-groups.csv
//   classes ──► area_classes ──► plan inputs (plan.hpp)                      [plan not in run yet]
//   report::monthly (report.hpp)                                             [not in run yet]
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

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
#include "commdx/scores.hpp"
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
  table sample_households;                   ///< the baseline round's records
  std::optional<table> followup_households;  ///< the follow-up round's, when the folder has them
  std::optional<table> businesses;
};

/// Reads places.csv, teams.json, calendar.json, sample_households.csv and, when present,
/// followup_households.csv and businesses.csv (the survey readers' checks: a bad cell is an
/// input_error naming file, row and column).
inline inputs read_inputs(const std::string& folder) {
  const std::string base = folder.empty() || folder.back() == '/' ? folder : folder + "/";
  inputs in;
  in.folder = folder;
  in.where = commdx::places::from_file(base + "places.csv");
  in.teams = commdx::roster::from_file(base + "teams.json");
  in.calendar = calendar_from_json(io::read_json_file(base + "calendar.json"), base + "calendar.json");
  auto records = [&](const std::string& name, const std::string& kind) -> std::optional<table> {
    const std::string path = base + name;
    if (!io::file_exists(path)) return std::nullopt;
    return read_records_csv(io::read_file(path), path, record_schema::shipped(kind), &in.where).good;
  };
  auto sample = records("sample_households.csv", "households");
  if (!sample) throw input_error(location::in_file(base + "sample_households.csv"), "cannot open file", "commdx.file.unreadable");
  in.sample_households = std::move(*sample);
  in.followup_households = records("followup_households.csv", "households");
  in.businesses = records("businesses.csv", "businesses");
  return in;
}

/// The records of the survey rounds the run estimates. Today: the folder's sample and follow-up
/// households as they are. Issue 14 ("survey14") turns the demo's survey step into
/// size → select → calibrate; this is the one function that changes with it.
struct survey_rounds {
  table baseline;
  std::optional<table> followup;
};
inline survey_rounds survey_step(const inputs& in) { return {in.sample_households, in.followup_households}; }

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
  table estimates_baseline;
  std::optional<table> estimates_followup;
  table scores_baseline;
  std::optional<table> scores_now;
  classification classes_baseline;             ///< the areas' classes on the baseline households
  std::optional<classification> classes_now;   ///< on the follow-up households
  access_result access;                        ///< the baseline households' access segments
  std::vector<std::string> written;  ///< the files written, relative to the output folder
};

/// The stages on inputs already read (no files): estimates of each round, then scores.
inline run_result compute(const inputs& in) {
  run_result r;
  r.calendar = in.calendar;
  r.days = survey_days_of(in.calendar);
  r.findings = check_teams(in.teams, in.where, rule_set::shipped(), in.calendar.deadline);
  r.team_coverage = commdx::team_coverage(in.teams, in.where, in.calendar.deadline);
  const survey_rounds rounds = survey_step(in);
  const table* biz = in.businesses ? &*in.businesses : nullptr;
  r.estimates_baseline = estimate_round(rounds.baseline, in.where, biz, r.days.baseline);
  if (rounds.followup) r.estimates_followup = estimate_round(*rounds.followup, in.where, biz, r.days.followup);
  const auto indices = demo_indices();
  r.scores_baseline = round_scores(r.estimates_baseline, indices);
  if (r.estimates_followup) r.scores_now = round_scores(*r.estimates_followup, indices);
  const table areas = area_rows(in.where);
  r.classes_baseline = classify_round(areas, rounds.baseline);
  if (rounds.followup) r.classes_now = classify_round(areas, *rounds.followup);
  r.access = access_segments(rounds.baseline, classify_config::defaults(), central_wards(r.classes_baseline));
  // CALL SITE report::monthly (report.hpp; being written by the "reportcpp3" helper): the city's
  // and each ward's month report from r and the inputs (and the plan, once run makes one). Not
  // called yet: report::monthly does not exist on this branch.
  return r;
}

struct run_options {
  /// A data folder (`commdx synth --out`), or empty to generate one from `synth` into
  /// `<output_dir>/data` first (as `commdx demo` does).
  std::string input_dir;
  synth::options synth;
  std::string output_dir = "demo-out";
  std::string lang = "vi";  ///< the classes' label and reasons column: "vi" or "en" (commdx demo --lang)
};

/// The demo's stages from a folder of inputs (or from synth options) to a folder of outputs,
/// with the file names and bytes `commdx demo` writes for them:
///   [data/ (from synth options only): the synth files and calendar.json]
///   teams/findings.csv, teams/coverage-neighbourhoods.csv, teams/coverage-wards.csv
///   indicators/indicators-baseline.csv, indicators/indicators-followup.csv
///   scores/scores-baseline.csv, scores/scores-now.csv
///   classify/classes.csv (the baseline's classes), classify/access-groups.csv
/// The XLSX sheets stay Python-only (commdx demo writes them with openpyxl). Files are written
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
  run_result r = compute(read_inputs(data));
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
