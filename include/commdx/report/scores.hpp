#pragma once
// The monthly report's class and score section (issue 12: the report's computations in C++),
// moved from python/commdx/report.py's _class_score_section: the area's class (classify.hpp's
// central / remote classes) and its scores (scores.hpp's composite indices) at the baseline and
// now, as the analyst computed them. A ward's report shows the ward's rows; a report whose unit
// the tables do not list (the city's: the tables list wards) shows every row.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/data.hpp"

namespace commdx::report {

/// One area's class (classify_areas' code, name, class, borderline).
struct area_class {
  std::string code, name;
  std::string klass;                ///< the class id ("central", "remote", ...)
  std::optional<bool> borderline;   ///< none: not given
};

/// One unit's score on one composite index.
struct unit_score {
  std::string unit, index;
  double score = missing;  ///< NaN: not computed
};

/// A table at the baseline and now (either may be absent).
template <class Row>
struct baseline_and_now {
  std::optional<std::vector<Row>> baseline, now;
};

struct class_score_inputs {
  std::optional<baseline_and_now<area_class>> classes;  ///< none: no classes given
  std::optional<baseline_and_now<unit_score>> scores;   ///< none: no scores given
  std::string unit;  ///< the report's unit code (a ward's, or the city's)
};

struct class_score_result {
  std::optional<baseline_and_now<area_class>> classes;  ///< the unit's rows (all when it has none)
  std::optional<baseline_and_now<unit_score>> scores;
  /// Note ids: "no_classes", "no_scores" (the input was not given).
  std::vector<std::string> notes;
};

namespace detail {

/// The rows of `unit` (by `code`), or all rows when none is the unit's.
template <class Row>
std::optional<std::vector<Row>> rows_of_unit(const std::optional<std::vector<Row>>& rows, const std::string& unit,
                                             std::string Row::*code) {
  if (!rows) return std::nullopt;
  std::vector<Row> own;
  for (const auto& r : *rows)
    if (r.*code == unit) own.push_back(r);
  return own.empty() ? *rows : own;
}

template <class Row>
std::optional<baseline_and_now<Row>> unit_tables(const std::optional<baseline_and_now<Row>>& t, const std::string& unit,
                                                 std::string Row::*code) {
  if (!t) return std::nullopt;
  return baseline_and_now<Row>{rows_of_unit(t->baseline, unit, code), rows_of_unit(t->now, unit, code)};
}

}  // namespace detail

/// The section as JSON: {classes: null | {baseline, now: [{code, name, class, borderline}]},
/// scores: null | {baseline, now: [{unit, index, score (null: not computed)}]}, notes}; a table
/// not given is absent from its object.
inline nlohmann::json to_json(const class_score_result& r) {
  auto tables = [](const auto& t, auto row) {
    if (!t) return nlohmann::json(nullptr);
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, rows] : {std::make_pair("baseline", &t->baseline), std::make_pair("now", &t->now)}) {
      if (!*rows) continue;
      nlohmann::json a = nlohmann::json::array();
      for (const auto& x : **rows) a.push_back(row(x));
      out[key] = std::move(a);
    }
    return out;
  };
  return {{"classes", tables(r.classes, [](const area_class& c) {
             return nlohmann::json{{"code", c.code}, {"name", c.name}, {"class", c.klass},
                                   {"borderline", c.borderline ? nlohmann::json(*c.borderline) : nlohmann::json(nullptr)}};
           })},
          {"scores", tables(r.scores, [](const unit_score& s) {
             return nlohmann::json{{"unit", s.unit}, {"index", s.index},
                                   {"score", is_missing(s.score) ? nlohmann::json(nullptr) : nlohmann::json(s.score)}};
           })},
          {"notes", r.notes}};
}

/// The class and score section of a month's report (see the header).
inline class_score_result class_score_section(const class_score_inputs& in) {
  class_score_result res;
  res.classes = detail::unit_tables(in.classes, in.unit, &area_class::code);
  if (!res.classes) res.notes.emplace_back("no_classes");
  res.scores = detail::unit_tables(in.scores, in.unit, &unit_score::unit);
  if (!res.scores) res.notes.emplace_back("no_scores");
  return res;
}

}  // namespace commdx::report
