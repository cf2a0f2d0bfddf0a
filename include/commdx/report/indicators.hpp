#pragma once
// The monthly report's indicator section (issue 12: the report's computations in C++), moved
// from python/commdx/report.py's _indicator_section:
//
//  * which survey rounds a month compares: the baseline (round 0), the round of last month and
//    the round now (the latest round whose month is not after the report's month);
//  * per level of the place tree (the city and its wards; for a ward's report also its
//    neighbourhoods and residential groups) the change baseline -> now and last month -> now
//    (monitor.hpp's test_changes) on the survey design with the disclosure pattern's suppressed
//    cells merged (report/disclosure.hpp, docs/disclosure.md);
//  * the published table: a cell the pattern hides, or of a variable a compared round lacks
//    ("missing": missing data, not a suppressed cell), publishes no figure; where the merge left
//    a ward's stratum one PSU, no SE, CI or test for that ward, the units in it and the city;
//  * progress against each indicator's target: the gap, the months left, the pace needed and the
//    pace so far, and a status (met, overdue, unknown, on_track, behind).
//
// The words (labels, notes, the statements of missing variables) are the caller's: the result
// carries ids and codes (python/commdx/report.py translates them).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/monitor.hpp"
#include "commdx/report/detail/indicators.hpp"
#include "commdx/report/disclosure.hpp"
#include "commdx/table.hpp"

namespace commdx::report {

// ---- months ---------------------------------------------------------------------------------

/// year * 12 + month - 1 of "YYYY-MM" (a year 1-9999 and a month 1-12, each written in digits).
/// Throws input_error naming the month otherwise.
inline long month_index(const std::string& month) {
  const auto dash = month.find('-');
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 4 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (dash != std::string::npos) {
    const std::string y = month.substr(0, dash), m = month.substr(dash + 1);
    if (digits(y) && digits(m)) {
      const long year = std::stol(y), mon = std::stol(m);
      if (year >= 1 && year <= 9999 && mon >= 1 && mon <= 12) return year * 12 + mon - 1;
    }
  }
  throw input_error(location::in_file("month '" + month + "'"), "expected YYYY-MM");
}

/// "YYYY-MM" of a month index.
inline std::string month_text(long index) {
  const long year = index / 12, mon = index % 12 + 1;
  std::string y = std::to_string(year), m = std::to_string(mon);
  return std::string(y.size() < 4 ? 4 - y.size() : 0, '0') + y + (mon < 10 ? "-0" : "-") + m;
}

/// The month each survey round of `rounds` describes: `dated` (a month given for the round or
/// read from its survey dates), else, with a visit log, the month before the first visit for
/// the baseline (round 0) and the month of the last visit for a follow-up round (the follow-up
/// surveys after the outreach), else 0000-01 for the baseline and 9999-12 for a later round.
/// `visits` is the first and last visit's month index, when there are visits.
inline std::map<int, std::string> round_months(const std::vector<int>& rounds, const std::map<int, std::string>& dated,
                                               const std::optional<std::pair<long, long>>& visits) {
  std::map<int, std::string> out;
  for (int r : rounds) {
    auto it = dated.find(r);
    if (it != dated.end()) out[r] = it->second;
    else if (visits) out[r] = month_text(r == 0 ? visits->first - 1 : visits->second);
    else out[r] = r == 0 ? "0000-01" : "9999-12";
  }
  return out;
}

/// The rounds a month's report compares.
struct round_choice {
  int baseline = 0;    ///< always round 0
  int last_month = 0;  ///< the latest round dated before the report's month (0 when none)
  int now = 0;         ///< the latest round dated in or before the report's month (0 when none)
};

/// The rounds `month` compares, from each round's month (round_months).
inline round_choice choose_rounds(const std::map<int, std::string>& months, const std::string& month) {
  const long mi = month_index(month);
  round_choice c;
  bool now_found = false, last_found = false;
  for (const auto& [r, text] : months) {
    const long ri = month_index(text);
    if (ri <= mi && (!now_found || r > c.now)) {
      c.now = r;
      now_found = true;
    }
    if (ri <= mi - 1 && (!last_found || r > c.last_month)) {
      c.last_month = r;
      last_found = true;
    }
  }
  return c;
}

// ---- progress against targets ---------------------------------------------------------------

enum class progress_status { met, overdue, unknown, on_track, behind };

inline const char* to_string(progress_status s) {
  switch (s) {
    case progress_status::met: return "met";
    case progress_status::overdue: return "overdue";
    case progress_status::unknown: return "unknown";
    case progress_status::on_track: return "on_track";
    case progress_status::behind: return "behind";
  }
  return "?";
}

/// Progress of one indicator towards its target.
struct target_progress {
  std::string variable;
  double now = missing;                 ///< the published estimate now (NaN: hidden or none)
  double target = missing;
  double gap = missing;                 ///< max(target - now, 0); NaN when now is unknown
  std::optional<long> months_left;      ///< target month - report month; none without a target date
  /// gap / months_left; when no month is left, 0 for a gap of 0 and +infinity otherwise; NaN when
  /// the gap or the months left are unknown
  double pace_needed = missing;
  double pace_so_far = missing;         ///< (now - baseline) / months since the baseline; NaN when unknown or 0 months
  progress_status status = progress_status::unknown;
};

/// The progress of an indicator estimated `now` (and at the `baseline`, `elapsed` months before
/// the report's month) towards `target` by `months_left` months (none: no target date).
/// met: no gap; overdue: a gap and no month left; unknown: the gap, the deadline or the pace so
/// far unknown; on_track when the pace so far reaches the pace needed, else behind.
inline target_progress progress_towards(const std::string& variable, double now, double baseline, long elapsed, double target,
                                 std::optional<long> months_left) {
  target_progress p;
  p.variable = variable;
  p.now = now;
  p.target = target;
  p.months_left = months_left;
  if (!is_missing(now)) p.gap = std::max(target - now, 0.0);
  if (!is_missing(p.gap) && months_left)
    p.pace_needed = *months_left > 0 ? p.gap / static_cast<double>(*months_left)
                                     : (p.gap == 0 ? 0.0 : std::numeric_limits<double>::infinity());
  if (!is_missing(now) && !is_missing(baseline) && elapsed != 0) p.pace_so_far = (now - baseline) / static_cast<double>(elapsed);
  if (p.gap == 0) p.status = progress_status::met;
  else if (months_left && *months_left <= 0) p.status = progress_status::overdue;
  else if (is_missing(p.pace_so_far) || is_missing(p.pace_needed)) p.status = progress_status::unknown;
  else p.status = p.pace_so_far >= p.pace_needed ? progress_status::on_track : progress_status::behind;
  return p;
}

// ---- the section ----------------------------------------------------------------------------

/// A domain condition of an indicator (indicators.json `where`): `column` in `values` (compared
/// as numbers when the column is numeric, as text otherwise).
struct domain_rule {
  std::string column;
  std::vector<std::string> values;
};

/// One indicator the report follows (indicators.json): the share or mean of the households column
/// `numerator`, or the ratio of two columns, within its domain, and its target.
struct indicator_def {
  std::string id, numerator, denominator;
  std::vector<domain_rule> where;
  double target = missing;   ///< NaN: no target
  std::string target_date;   ///< "YYYY-MM-DD" (its month counts); "": none
};

struct indicator_inputs {
  /// The survey rounds stacked: numeric `round` (0 the baseline) and `weight`, optional text
  /// `stratum`, `psu`, `household_id`, numeric `fpc`; the place codes (text) ward_code,
  /// neighbourhood_code, group_code down to the first one absent; the indicators' numeric columns.
  /// Its source names the baseline's file in messages.
  table rows;
  std::vector<indicator_def> indicators;  ///< in the report's order
  std::string month;                      ///< "YYYY-MM"
  std::string ward;                       ///< a ward's report; "": the city's
  std::map<int, std::string> dated;       ///< the month of a round, given or read from its survey dates
  std::optional<std::pair<long, long>> visit_months;  ///< the first and last visit's month index
  std::unordered_map<std::string, std::string> parent_of;  ///< the places: unit code -> its parent
  double min_households = default_min_households();        ///< k
  double unanimous_below = 0;             ///< report-config.json's unanimous_below_households
  double level = 0.95;                    ///< confidence level of the tests
  /// The calibrated rounds (calibrate.hpp's residuals, one per round): `weight` then holds the
  /// round's calibrated weights (its figures and the disclosure pattern use them), its rows in
  /// their order are the calibration's records, and the change tests start from the design
  /// weights the calibration kept and take their SEs from its residuals (monitor.hpp).
  std::vector<round_calibration> calibration;
};

/// The publication status of a cell of the indicator table.
enum class indicator_status { published, primary, complementary, missing };

inline const char* to_string(indicator_status s) {
  switch (s) {
    case indicator_status::published: return "published";
    case indicator_status::primary: return "primary";
    case indicator_status::complementary: return "complementary";
    case indicator_status::missing: return "missing";
  }
  return "?";
}

/// One cell (unit and indicator) of the published table; a hidden figure is NaN (none).
struct indicator_cell {
  std::string by;        ///< "city", "ward_code", "neighbourhood_code" or "group_code"
  std::string unit;      ///< the unit's code; "" the city
  std::string parent;    ///< its parent's code ("" the city, or none)
  std::string variable;  ///< the indicator id
  double baseline = missing, se_baseline = missing, last_month = missing, now = missing, se_now = missing;
  double change_baseline = missing, se_change_baseline = missing, ci_low_baseline = missing, ci_high_baseline = missing;
  double p_value_baseline = missing;
  std::optional<bool> significant_baseline;
  double change_last_month = missing, se_change_last_month = missing, p_value_last_month = missing;
  std::optional<bool> significant_last_month;
  double n_baseline = missing, n_now = missing;
  indicator_status suppression = indicator_status::primary;
};

/// A variable an indicator needs that has no value in a round of the files.
struct lacking_variable {
  std::string indicator, column;
  int round = 0;
  bool compared = false;  ///< the round is one this month compares (the cells are "missing")
};

struct indicator_result {
  std::map<int, std::string> round_months;  ///< the month of every round of the rows
  round_choice rounds;
  std::string root;                         ///< the report's own unit in `cells`: the ward, or "" the city
  std::vector<indicator_cell> cells;        ///< the report's subtree, level by level
  std::vector<target_progress> progress;           ///< the indicators with a target, in the report's order
  std::vector<std::string> estimated;       ///< the indicators whose columns the rows have
  std::vector<std::string> absent;          ///< the indicators without their survey columns
  std::vector<lacking_variable> lacking;    ///< per indicator, round and column
  std::vector<std::string> notes;           ///< note ids: "no_followup" (now is the baseline), "no_new_round"
};

namespace detail {

/// A hidden cell publishes no figure.
inline void hide_figures(indicator_cell& c) {
  for (double* x : {&c.baseline, &c.se_baseline, &c.last_month, &c.now, &c.se_now, &c.change_baseline,
                    &c.se_change_baseline, &c.ci_low_baseline, &c.ci_high_baseline, &c.p_value_baseline,
                    &c.change_last_month, &c.se_change_last_month, &c.p_value_last_month, &c.n_baseline, &c.n_now})
    *x = missing;
  c.significant_baseline.reset();
  c.significant_last_month.reset();
}

/// The numerator of an indicator with a domain is missing outside that domain.
inline void apply_domains(table& rows, const std::vector<indicator_def>& defs) {
  for (const auto& d : defs) {
    if (d.where.empty() || !rows.has(d.numerator) ||
        std::any_of(d.where.begin(), d.where.end(), [&rows](const domain_rule& w) { return !rows.has(w.column); }))
      continue;
    std::vector<bool> inside(rows.rows(), true);
    for (const auto& w : d.where) {
      if (rows.is_numeric(w.column)) {
        std::vector<double> values;
        for (const auto& v : w.values) values.push_back(rule_number(v, d.id, w.column));
        const auto& col = rows.numeric(w.column);
        for (std::size_t i = 0; i < col.size(); ++i)
          inside[i] = inside[i] && std::find(values.begin(), values.end(), col[i]) != values.end();
      } else {
        const auto& col = rows.text(w.column);
        for (std::size_t i = 0; i < col.size(); ++i)
          inside[i] = inside[i] && std::find(w.values.begin(), w.values.end(), col[i]) != w.values.end();
      }
    }
    numeric_column y = rows.numeric(d.numerator);
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!inside[i]) y[i] = missing;
    rows.set(d.numerator, std::move(y));
  }
}

}  // namespace detail

/// The indicator section of a month's report (see the header). Throws input_error for rows
/// without `round` or `weight` (naming the rows' source) or a malformed month, and what
/// indicator_pattern and test_changes throw.
inline indicator_result indicator_section(const indicator_inputs& in) {
  indicator_result res;
  const std::string& source = in.rows.source();
  if (!in.rows.has("round")) throw input_error(location::in_file(source).in_column("round"), "missing required column");
  table rows = in.rows;
  detail::apply_domains(rows, in.indicators);
  if (!in.calibration.empty()) detail::attach_design_weights(rows, in.calibration);
  const std::size_t n = rows.rows();
  const auto& round = rows.numeric("round");

  // Rounds and the months they describe.
  std::map<int, std::vector<std::size_t>> rows_of_round;
  for (std::size_t i = 0; i < n; ++i) {
    if (is_missing(round[i]))
      throw input_error(location::in_file(source).at_row(i + 1).in_column("round"), "survey round missing");
    rows_of_round[static_cast<int>(round[i])].push_back(i);
  }
  std::vector<int> rounds;
  for (const auto& kv : rows_of_round) rounds.push_back(kv.first);
  res.round_months = round_months(rounds, in.dated, in.visit_months);
  res.rounds = choose_rounds(res.round_months, in.month);
  const int now_round = res.rounds.now, last_round = res.rounds.last_month;
  if (now_round == 0) res.notes.emplace_back("no_followup");
  if (now_round == last_round && now_round != 0) res.notes.emplace_back("no_new_round");

  // The indicators the rows can estimate; the ones without their columns.
  std::vector<const indicator_def*> defs;
  for (const auto& d : in.indicators) {
    const bool where_ok =
        std::all_of(d.where.begin(), d.where.end(), [&rows](const domain_rule& w) { return rows.has(w.column); });
    if (rows.has(d.numerator) && (d.denominator.empty() || rows.has(d.denominator)) && where_ok) {
      defs.push_back(&d);
      res.estimated.push_back(d.id);
    } else if (!rows.has(d.numerator) || !where_ok) {
      res.absent.push_back(d.id);
    }
  }

  // A variable with no value in a round: its cells are missing data in a month comparing it.
  const std::set<int> compared{0, now_round, last_round};
  std::map<std::string, std::set<int>> rounds_without;
  std::set<std::string> missing_now;
  for (const auto* d : defs) {
    for (int r : rounds) {
      for (const std::string* col : {&d->numerator, &d->denominator}) {
        if (col->empty()) continue;
        const auto& v = rows.numeric(*col);
        const auto& idx = rows_of_round[r];
        if (std::all_of(idx.begin(), idx.end(), [&v](std::size_t i) { return is_missing(v[i]); })) {
          res.lacking.push_back({d->id, *col, r, compared.count(r) != 0});
          rounds_without[d->id].insert(r);
          if (compared.count(r)) missing_now.insert(d->id);
        }
      }
    }
  }
  if (!rows.has("weight"))
    throw input_error(location::in_file(source).in_column("weight"),
                      "missing; the survey's design weights are needed (a census has weight 1 on every row)");

  // The disclosure pattern, per set of rounds the indicators lack (a round without a variable is
  // left out of its pattern; an indicator lacking every round keeps them all).
  std::vector<change_variable> variables;
  for (const auto* d : defs) variables.push_back({d->id, d->numerator, d->denominator});
  std::vector<std::pair<std::set<int>, std::vector<change_variable>>> by_absent;
  for (const auto& v : variables) {
    std::set<int> gone = rounds_without.count(v.name) ? rounds_without[v.name] : std::set<int>{};
    if (gone.size() == rounds.size()) gone.clear();
    auto it = std::find_if(by_absent.begin(), by_absent.end(), [&gone](const auto& e) { return e.first == gone; });
    if (it == by_absent.end()) by_absent.push_back({gone, {v}});
    else it->second.push_back(v);
  }
  pattern_options popt;
  popt.min_households = in.min_households;
  popt.unanimous_below = in.unanimous_below;
  popt.weight = "weight";
  std::map<std::string, std::vector<pattern_cell>> pattern_of;  // per indicator
  for (const auto& [gone, vars] : by_absent) {
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < n; ++i)
      if (!gone.count(static_cast<int>(round[i]))) keep.push_back(i);
    const table part = gone.empty() ? rows : detail::take_rows(rows, keep);
    for (auto& c : indicator_pattern(part, vars, popt)) pattern_of[c.variable].push_back(std::move(c));
  }
  std::unordered_map<std::string, std::unordered_map<std::string, cell_status>> status_of;
  for (const auto& [v, cells] : pattern_of)
    for (const auto& c : cells) status_of[v][c.unit] = c.status;

  // Indicators whose patterns hide the same groups and wards share one merged design.
  std::string finest;
  for (const char* c : {"group_code", "neighbourhood_code", "ward_code"})
    if (finest.empty() && rows.has(c)) finest = c;
  std::vector<std::pair<std::vector<std::string>, std::vector<change_variable>>> by_design;
  for (const auto& v : variables) {
    std::vector<std::string> key;
    for (const auto& c : pattern_of[v.name])
      if (c.status != cell_status::published && (c.level == finest || c.level == "ward_code")) key.push_back(c.unit);
    std::sort(key.begin(), key.end());
    auto it = std::find_if(by_design.begin(), by_design.end(), [&key](const auto& e) { return e.first == key; });
    if (it == by_design.end()) by_design.push_back({key, {v}});
    else it->second.push_back(v);
  }
  std::vector<detail::design_group> groups;
  std::map<std::string, std::set<std::string>> no_se;  // indicator -> wards whose SEs the merge made 0
  for (auto& [key, vars] : by_design) {
    std::vector<const pattern_cell*> pattern;
    for (const auto& c : pattern_of[vars.front().name]) pattern.push_back(&c);
    groups.push_back(detail::merged_group(rows, pattern, vars, !in.calibration.empty()));
    const auto& collapsed = groups.back().collapsed;
    if (!collapsed.empty())
      for (const auto& v : vars) no_se[v.name].insert(collapsed.begin(), collapsed.end());
  }

  // The change tables per level, the report's own scope.
  std::vector<std::string> levels{"", "ward_code"};
  if (!in.ward.empty()) {
    levels.emplace_back("neighbourhood_code");
    levels.emplace_back("group_code");
  }
  const std::string& city = pattern_root();
  struct scoped_change {
    std::string by;
    round_change change;
  };
  auto scoped = [&](double before, double after) {
    std::vector<scoped_change> out;
    for (const auto& by : levels) {
      std::unordered_set<std::string> in_ward;
      if (!in.ward.empty() && !by.empty() && by != "ward_code") {
        const auto& wards = rows.text("ward_code");
        const auto& codes = rows.text(by);
        for (std::size_t i = 0; i < n; ++i)
          if (wards[i] == in.ward) in_ward.insert(codes[i]);
      }
      for (auto& c : detail::group_changes(groups, before, after, by, in.level, in.calibration)) {
        if (by.empty()) {
          c.domain = city;
        } else {
          if (c.domain.empty()) continue;
          if (!in.ward.empty() && by != "ward_code" && !in_ward.count(c.domain)) continue;
        }
        out.push_back({by.empty() ? "city" : by, std::move(c)});
      }
    }
    return out;
  };
  const std::vector<scoped_change> base = scoped(0, now_round);
  const std::vector<scoped_change> last = scoped(last_round, now_round);
  std::unordered_map<std::string, const round_change*> last_of;  // (unit, variable) -> its first row
  for (const auto& c : last) last_of.emplace(c.change.domain + '\x1f' + c.change.variable, &c.change);

  std::unordered_map<std::string, std::string> ward_of_unit;
  for (const auto& col : pattern_levels())
    if (rows.has(col) && rows.has("ward_code")) {
      const auto& codes = rows.text(col);
      const auto& wards = rows.text("ward_code");
      for (std::size_t i = 0; i < n; ++i) ward_of_unit[codes[i]] = wards[i];
    }

  for (const auto& sc : base) {
    const round_change& b = sc.change;
    const std::string& unit = b.domain;
    if (!in.ward.empty() && unit != in.ward && sc.by != "neighbourhood_code" && sc.by != "group_code") continue;
    indicator_cell cell;
    cell.by = sc.by;
    cell.unit = unit == city ? "" : unit;
    if (sc.by == "ward_code") {
      cell.parent = "";  // the city
    } else if (sc.by != "city") {
      auto p = in.parent_of.find(unit);
      cell.parent = p == in.parent_of.end() || p->second == city ? "" : p->second;
    }
    cell.variable = b.variable;
    cell.baseline = b.before;
    cell.se_baseline = b.se_before;
    cell.now = b.after;
    cell.se_now = b.se_after;
    cell.change_baseline = b.change;
    cell.se_change_baseline = b.se_change;
    cell.ci_low_baseline = b.ci_low;
    cell.ci_high_baseline = b.ci_high;
    cell.p_value_baseline = b.p_value;
    cell.significant_baseline = b.significant;
    cell.n_baseline = static_cast<double>(b.n_before);
    cell.n_now = static_cast<double>(b.n_after);
    auto l = last_of.find(unit + '\x1f' + b.variable);
    if (l != last_of.end()) {
      cell.last_month = l->second->before;
      cell.change_last_month = l->second->change;
      cell.se_change_last_month = l->second->se_change;
      cell.p_value_last_month = l->second->p_value;
      cell.significant_last_month = l->second->significant;
    }
    auto st = status_of[b.variable].find(unit);
    const cell_status s = st == status_of[b.variable].end() ? cell_status::primary : st->second;
    cell.suppression = missing_now.count(b.variable)       ? indicator_status::missing
                       : s == cell_status::published     ? indicator_status::published
                       : s == cell_status::primary       ? indicator_status::primary
                                                         : indicator_status::complementary;
    if (cell.suppression != indicator_status::published) {
      detail::hide_figures(cell);
    } else {
      // Where the merge left a ward's stratum one PSU: no SE, CI or test there, in its units
      // and in the city.
      auto w = no_se.find(b.variable);
      if (w != no_se.end()) {
        auto wu = ward_of_unit.find(unit);
        if (unit == city || (wu != ward_of_unit.end() && w->second.count(wu->second))) {
          cell.se_baseline = cell.se_now = cell.se_change_baseline = cell.p_value_baseline = missing;
          cell.ci_low_baseline = cell.ci_high_baseline = missing;
          cell.se_change_last_month = cell.p_value_last_month = missing;
          cell.significant_baseline.reset();
          cell.significant_last_month.reset();
        }
      }
    }
    res.cells.push_back(std::move(cell));
  }
  res.root = in.ward;

  // Progress against the targets, from the report's own unit.
  const long mi = month_index(in.month);
  auto base_month = res.round_months.find(0);
  const long elapsed = std::max(mi - (base_month == res.round_months.end() ? mi : month_index(base_month->second)), 0L);
  for (const auto* d : defs) {
    if (is_missing(d->target)) continue;
    auto top = std::find_if(res.cells.begin(), res.cells.end(),
                            [&](const indicator_cell& c) { return c.unit == res.root && c.variable == d->id; });
    if (top == res.cells.end()) continue;
    std::optional<long> months_left;
    if (!d->target_date.empty()) months_left = month_index(d->target_date.substr(0, 7)) - mi;
    res.progress.push_back(progress_towards(d->id, top->now, top->baseline, elapsed, d->target, months_left));
  }
  return res;
}

}  // namespace commdx::report
