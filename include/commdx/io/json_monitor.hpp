#pragma once
// JSON of the monitor stage's result: round_change (to_json is monitor.hpp's; this adds the
// reader, so a list of changes written by `commdx report` reads back; ARCHITECTURE.md, "JSON").
#include <string>
#include <vector>

#include "commdx/io/json_table.hpp"
#include "commdx/monitor.hpp"

namespace commdx::io {

inline round_change round_change_from_json(const json& j, const location& where = location::in_file("<json>")) {
  round_change c;
  c.domain = get_as<std::string>(j, "domain", where);
  c.variable = get_as<std::string>(j, "variable", where);
  c.before = number_field(j, "before", where);
  c.se_before = number_field(j, "se_before", where);
  c.after = number_field(j, "after", where);
  c.se_after = number_field(j, "se_after", where);
  c.change = number_field(j, "change", where);
  c.se_change = number_field(j, "se_change", where);
  c.covariance = number_field(j, "covariance", where);
  c.z = number_field(j, "z", where);
  c.df = number_field(j, "df", where);
  c.p_value = number_field(j, "p_value", where);
  c.ci_low = number_field(j, "ci_low", where);
  c.ci_high = number_field(j, "ci_high", where);
  c.n_before = get_as<std::size_t>(j, "n_before", where);
  c.n_after = get_as<std::size_t>(j, "n_after", where);
  c.significant = get_as<bool>(j, "significant", where);
  return c;
}

inline std::vector<round_change> round_changes_from_json(const json& j, const std::string& source = "<json>") {
  const location where = location::in_file(source);
  if (!j.is_array()) throw config_error(where, "expected an array of round changes", "commdx.json.type");
  std::vector<round_change> out;
  for (std::size_t k = 0; k < j.size(); ++k) out.push_back(round_change_from_json(j[k], json_child(where, std::to_string(k))));
  return out;
}

}  // namespace commdx::io

namespace commdx {
COMMDX_JSON_HOOKS(round_change, to_json, io::round_change_from_json)
}  // namespace commdx
