#pragma once
// JSON of the plan stage: the campaign catalogue (config) and the outreach plan (result).
//
// The plan's JSON is outreach_plan::to_json (the shape of Python's plan.json: a summary, the
// messages, each sheet as records) plus "columns": each sheet's [name, type] pairs, so that a sheet
// without rows keeps its columns and a text column its type. Hours are written, minutes read back
// as hours * 60 (equal to the last bit or two).
#include <string>
#include <vector>

#include "commdx/io/json_table.hpp"
#include "commdx/plan.hpp"

namespace commdx::io {

/// The sheets of a plan, by name, in the order of the JSON.
inline std::vector<std::pair<const char*, table outreach_plan::*>> plan_sheets() {
  return {{"priorities", &outreach_plan::priorities}, {"visits", &outreach_plan::visits},
          {"assignments", &outreach_plan::assignments}, {"schedule", &outreach_plan::schedule},
          {"progress", &outreach_plan::progress}, {"indicators", &outreach_plan::indicators},
          {"gaps", &outreach_plan::gaps}, {"steps", &outreach_plan::steps},
          {"posteriors", &outreach_plan::posteriors}, {"wards", &outreach_plan::wards}};
}

/// Sheets a plan written by an earlier version lacks (read as empty, as Python's Plan.from_json does).
inline bool plan_sheet_is_optional(const std::string& name) { return name == "wards"; }

inline json outreach_plan_to_json(const outreach_plan& p) {
  json j = p.to_json();
  json columns = json::object();
  for (const auto& [name, sheet] : plan_sheets()) {
    json cols = json::array();
    const table& t = p.*sheet;
    for (const auto& n : t.names()) cols.push_back({n, t.is_numeric(n) ? "number" : "text"});
    columns[name] = std::move(cols);
  }
  j["columns"] = std::move(columns);
  return j;
}

inline outreach_plan outreach_plan_from_json(const json& j, const std::string& source = "<json>") {
  const location where = location::in_file(source);
  outreach_plan p;
  p.start = get_as<std::string>(j, "start", where);
  p.deadline = get_as<std::string>(j, "deadline", where);
  p.scope = get_as<std::string>(j, "scope", where);
  p.objective = number_field(j, "objective", where);
  p.scheduled_objective = number_field(j, "scheduled_objective", where);
  p.upper_bound = number_field(j, "upper_bound", where);
  p.gap = number_field(j, "gap", where);
  p.expected_adopters = number_field(j, "expected_adoptions", where);
  p.minutes_available = number_field(j, "hours_available", where) * 60.0;
  p.minutes_planned = number_field(j, "hours_planned", where) * 60.0;
  const json& msgs = require(j, "messages", where);
  if (!msgs.is_array()) throw config_error(json_child(where, "messages"), "expected an array of messages", "commdx.json.type");
  for (std::size_t k = 0; k < msgs.size(); ++k) {
    const location at = json_child(json_child(where, "messages"), std::to_string(k));
    p.messages.push_back({get_as<std::string>(msgs[k], "code", at), get_as<std::string>(msgs[k], "unit", at),
                          get_as<std::string>(msgs[k], "vi", at), get_as<std::string>(msgs[k], "en", at)});
  }
  const json& columns = require(j, "columns", where);
  for (const auto& [name, sheet] : plan_sheets()) {
    if (plan_sheet_is_optional(name) && !columns.contains(name) && !j.contains(name)) continue;
    const location at_cols = json_child(json_child(where, "columns"), name);
    const json& cols = require(columns, name, json_child(where, "columns"));
    std::vector<std::string> names;
    std::vector<bool> numeric;
    if (!cols.is_array()) throw config_error(at_cols, "expected an array of [name, type] pairs", "commdx.json.type");
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const json& c = cols[k];
      if (!c.is_array() || c.size() != 2 || !c[0].is_string() || !(c[1] == "number" || c[1] == "text"))
        throw config_error(json_child(at_cols, std::to_string(k)), "expected [name, \"number\" or \"text\"]", "commdx.json.value");
      names.push_back(c[0].get<std::string>());
      numeric.push_back(c[1] == "number");
    }
    table t = table_from_records(require(j, name, where), json_child(where, name), name, names);
    // Records cannot tell the type of a column without rows (or a numeric one of nulls only from
    // text): the column list does.
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (t.is_numeric(names[k]) == numeric[k]) continue;
      if (t.rows() != 0)
        throw config_error(json_child(json_child(where, name), names[k]),
                           std::string("values are ") + (numeric[k] ? "text" : "numbers") + " but the column list says " +
                               (numeric[k] ? "number" : "text"), "commdx.json.type");
      if (numeric[k]) t.set(names[k], numeric_column{}); else t.set(names[k], text_column{});
    }
    p.*sheet = std::move(t);
  }
  return p;
}

/// The catalogue as JSON: the document it was read from (every field from_json reads is in it).
inline json campaign_catalogue_to_json(const campaign_catalogue& c) { return c.raw; }

}  // namespace commdx::io

namespace commdx {
COMMDX_JSON_HOOKS(outreach_plan, io::outreach_plan_to_json, io::outreach_plan_from_json)
COMMDX_JSON_HOOKS(campaign_catalogue, io::campaign_catalogue_to_json, campaign_catalogue::from_json)
}  // namespace commdx
