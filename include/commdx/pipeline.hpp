#pragma once
// The typed joins between stages (issue 12): what one stage's result becomes as the next stage's
// input, in one place, so that the CLI, Python and a C++ program get the same results.
//
//   indicators (compute_indicators) ──► estimates_to_wide ──► composite_index (scores.hpp)
//   classes (classify_areas)        ──► area_classes      ──► plan inputs (plan.hpp)
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/pipeline/detail/columns.hpp"
#include "commdx/detail/survey_csv.hpp"
#include "commdx/table.hpp"

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

}  // namespace commdx::pipeline
