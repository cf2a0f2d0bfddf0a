#pragma once
// Internals of report/indicators.hpp: the rows of a table, a domain applied to a numerator, the
// survey rows with a merged design (report/disclosure.hpp), and the change tables of two rounds.
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/monitor.hpp"
#include "commdx/report/disclosure.hpp"
#include "commdx/table.hpp"

namespace commdx::report::detail {

/// The rows `keep` of `t` (every column), in that order.
inline table take_rows(const table& t, const std::vector<std::size_t>& keep) {
  table out(t.source());
  for (const auto& name : t.names()) {
    if (t.is_numeric(name)) {
      const auto& src = t.numeric(name);
      numeric_column c;
      c.reserve(keep.size());
      for (std::size_t i : keep) c.push_back(src[i]);
      out.set(name, std::move(c));
    } else {
      const auto& src = t.text(name);
      text_column c;
      c.reserve(keep.size());
      for (std::size_t i : keep) c.push_back(src[i]);
      out.set(name, std::move(c));
    }
  }
  return out;
}

/// A value of a domain rule read as a number (a numeric column compares numbers).
inline double rule_number(const std::string& value, const std::string& indicator, const std::string& column) {
  const char* begin = value.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  while (end != nullptr && *end == ' ') ++end;
  if (value.empty() || end == nullptr || *end != '\0')
    throw config_error(location::in_file("indicators.json").in_column("where").for_unit(indicator),
                       "value '" + value + "' of column '" + column + "' is not a number, and the column is numeric");
  return v;
}

/// The rows of each design group as round_changes takes them: the merged strata, PSUs and fpc.
struct design_group {
  table rows;
  round_design design;
  std::vector<change_variable> variables;
  std::vector<std::string> collapsed;  ///< wards whose stratum the merge left with one PSU
};

/// The column `__design_weight__` of a calibrated survey (indicator_inputs::calibration): for the
/// rows of a calibrated round, in their order, the design weight its calibration started from
/// (their `weight` must be the calibrated ones: the records are the calibration's); other
/// rounds' rows keep their `weight`. Throws input_error naming the row that does not match.
inline void attach_design_weights(table& rows, const std::vector<round_calibration>& calibration) {
  if (!rows.has("weight") || !rows.has("round")) return;  // indicator_section names the missing column
  const auto& round = rows.numeric("round");
  numeric_column design = rows.numeric("weight");
  const numeric_column& weight = rows.numeric("weight");
  for (const auto& c : calibration) {
    const std::string label = format_number(c.round);
    if (!c.residuals)
      throw config_error(location::in_file(rows.source()).in_column("calibration").for_unit("round " + label),
                         "the calibration of round " + label + " is empty");
    std::size_t j = 0;
    for (std::size_t i = 0; i < rows.rows(); ++i) {
      if (round[i] != c.round) continue;
      if (j >= c.residuals->weights.size() || !(weight[i] == c.residuals->weights[j]))
        throw input_error(location::in_file(rows.source()).at_row(i + 1).in_column("weight"),
                          j >= c.residuals->weights.size()
                              ? "round " + label + " has more rows than the " + std::to_string(c.residuals->weights.size()) +
                                    " records its calibration was made on"
                              : "weight " + format_number(weight[i]) + " is not the calibrated weight " +
                                    format_number(c.residuals->weights[j]) + " of round " + label +
                                    "'s calibration; the rows must be the calibrated records, in their order");
      design[i] = c.residuals->original[j++];
    }
    if (j != c.residuals->weights.size())
      throw input_error(location::in_file(rows.source()).in_column("round").for_unit("round " + label),
                        "round " + label + " has " + std::to_string(j) + " rows, its calibration was made on " +
                            std::to_string(c.residuals->weights.size()) + " records");
  }
  rows.set("__design_weight__", std::move(design));
}

/// `rows` with the design of `pattern` (one indicator's cells) merged (merge_suppressed_design):
/// the strata (column "stratum", or one stratum "__stratum__"), PSUs ("psu", or one per row
/// "__psu__") and fpc ("fpc", or "__fpc__": NaN, 1 for a stratum merged down to one PSU).
/// `calibrated`: the rows carry `__design_weight__` (attach_design_weights), the change tests' weights.
inline design_group merged_group(const table& rows, const std::vector<const pattern_cell*>& pattern,
                                 std::vector<change_variable> variables, bool calibrated = false) {
  design_group g;
  g.rows = rows;
  g.variables = std::move(variables);
  const std::size_t n = rows.rows();
  g.design.weight = calibrated ? "__design_weight__" : "weight";
  g.design.round = "round";
  g.design.strata = rows.has("stratum") ? "stratum" : "__stratum__";
  g.design.psu = rows.has("psu") ? "psu" : "__psu__";
  g.design.id = rows.has("household_id") ? "household_id" : "";
  text_column strata = rows.has("stratum") ? rows.text("stratum") : text_column(n, "all");
  text_column psu;
  if (rows.has("psu")) {
    psu = rows.text("psu");
  } else {
    psu.reserve(n);
    for (std::size_t i = 0; i < n; ++i) psu.push_back(std::to_string(i));
  }
  const numeric_column fpc = rows.has("fpc") ? rows.numeric("fpc") : numeric_column();
  std::string finest_level;
  for (const auto& level : pattern_levels())
    if (rows.has(level)) finest_level = level;
  const text_column no_codes;
  const text_column& finest = finest_level.empty() ? no_codes : rows.text(finest_level);
  const text_column& ward = rows.has("ward_code") ? rows.text("ward_code") : no_codes;
  std::unordered_map<std::string, cell_status> status;
  for (const pattern_cell* c : pattern) status[c->unit] = c->status;
  merged_design_columns merged = merge_suppressed_design(strata, psu, fpc, finest, ward, status);
  g.design.fpc = rows.has("fpc") ? "fpc" : "__fpc__";
  g.rows.set(g.design.strata, std::move(merged.strata));
  g.rows.set(g.design.psu, std::move(merged.psu));
  g.rows.set(g.design.fpc, std::move(merged.fpc));
  g.collapsed = std::move(merged.collapsed);
  return g;
}

/// The changes between rounds `before` and `after` of every design group, per domain of `by`
/// ("" the whole area). The same round twice gives that round's estimates and a change of zero.
/// `calibration`: the calibrated rounds (test_changes uses the compared ones).
inline std::vector<round_change> group_changes(const std::vector<design_group>& groups, double before, double after,
                                               const std::string& by, double level,
                                               const std::vector<round_calibration>& calibration = {}) {
  std::vector<round_change> out;
  for (const auto& g : groups) {
    change_options opt;
    opt.calibration = calibration;
    opt.round_before = before;
    opt.round_after = before == after ? before + 1e6 : after;  // a round no row has
    opt.by = by;
    opt.include_total = by.empty();
    opt.level = level;
    std::vector<round_change> res = test_changes(g.rows, g.design, g.variables, opt);
    if (before == after) {
      for (auto& c : res) {
        c.after = c.before;
        c.se_after = c.se_before;
        c.n_after = c.n_before;
        c.change = c.se_change = c.z = c.ci_low = c.ci_high = 0.0;
        c.p_value = 1.0;
        c.significant = false;
      }
    }
    out.insert(out.end(), std::make_move_iterator(res.begin()), std::make_move_iterator(res.end()));
  }
  return out;
}

}  // namespace commdx::report::detail
