#pragma once
// The report's disclosure pattern and the design its standard errors are computed on
// (docs/disclosure.md), moved from Python (issue 12: the report's computations in C++).
//
// indicator_pattern decides, once for all reports and months of the same place tree, which cells
// of each indicator are published: a unit with fewer than k households in any round, or whose
// households all gave the same answer (0% or 100%) while fewer than `unanimous_below`, is primary;
// the small-cell rule (suppress_small_cells) adds the complementary cells; and the loop repeats
// until no published parent leaves a remainder (its suppressed children together) that is
// unanimous or, where the hidden children carry different design weights, a weight class of them
// unsafe on its own.
//
// merge_suppressed_design gives the survey's strata, PSUs and fpc with every suppressed residential
// group of a stratum merged into one PSU and the strata of suppressed wards merged into one, so a
// published SE depends on the suppressed cells only through their sum.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/monitor.hpp"
#include "commdx/report.hpp"
#include "commdx/table.hpp"

namespace commdx {

struct pattern_options {
  double min_households = default_min_households();  ///< k
  double unanimous_below = 0;  ///< a unanimous cell (0% or 100%) with fewer households is primary
  std::string weight = "weight";  ///< design weight column ("" or absent: one weight class)
};

/// One unit of the place tree for one indicator.
struct pattern_cell {
  std::string variable, unit, parent, level, weight_class, reason;
  double households = 0;  ///< the fewest households the indicator is computed from in any round
  cell_status status = cell_status::published;
};

/// The unit id of the whole survey area in patterns (its parent is "").
inline const std::string& pattern_root() {
  static const std::string root = "__city__";
  return root;
}

/// The place levels a survey's rows carry, top down.
inline const std::vector<std::string>& pattern_levels() {
  static const std::vector<std::string> levels = {"ward_code", "neighbourhood_code", "group_code"};
  return levels;
}

namespace report::detail {

/// n, Σy, Σx of one unit in one round.
struct unit_sums {
  double n = 0, y = 0, x = 0;
  unit_sums& operator+=(const unit_sums& o) {
    n += o.n;
    y += o.y;
    x += o.x;
    return *this;
  }
  bool unanimous() const { return n > 0 && (y == 0 || y == x); }
};

/// Per round sums added over units.
inline std::vector<unit_sums> add_up(const std::vector<const std::vector<unit_sums>*>& parts, std::size_t rounds) {
  std::vector<unit_sums> out(rounds);
  for (const auto* p : parts)
    for (std::size_t r = 0; r < rounds; ++r) out[r] += (*p)[r];
  return out;
}

/// A remainder is unsafe when some round holds fewer than `below` households and some round is
/// unanimous.
inline bool unanimous_remainder(const std::vector<unit_sums>& rem, double below) {
  double fewest = rem.empty() ? 0 : rem[0].n;
  bool any = false;
  for (const auto& s : rem) {
    fewest = std::min(fewest, s.n);
    any = any || s.unanimous();
  }
  return fewest < below && any;
}

inline double fewest_households(const std::vector<unit_sums>& rem) {
  double fewest = rem.empty() ? 0 : rem[0].n;
  for (const auto& s : rem) fewest = std::min(fewest, s.n);
  return fewest;
}

/// The exact value of a double as text (the weight class of a unit whose rows share one weight).
inline std::string exact_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace report::detail

/// The publication status of every unit of the place tree the survey `rows` reach, per indicator
/// of `variables` (monitor.hpp's change_variable: a ratio of survey columns, or a proportion of
/// households when `denominator` is empty); the tree the survey `rows` reach (all rounds
/// stacked: a numeric column `round`; text columns ward_code, neighbourhood_code, group_code down
/// to the first one absent), per indicator, in the order of `variables`, each in the tree's order
/// (the root, then the units of each level in order of first appearance).
///
/// A unit's households are its rows with a value of both the numerator and the denominator, the
/// fewest over the rounds. Reasons: "small" (fewer than k), "unanimous", "remainder_unanimous",
/// "remainder_weighted", or "" (published, or complementary to another cell).
inline std::vector<pattern_cell> indicator_pattern(const table& rows, const std::vector<change_variable>& variables,
                                                   const pattern_options& options) {
  using report::detail::unit_sums;
  const double k = options.min_households;
  const double below = options.unanimous_below;
  if (!(k >= 1))
    throw config_error(location::in_file("report config").in_column("min_households"),
                       "the small-cell threshold must be at least 1, got " + format_number(k));
  if (!(below >= 0))
    throw config_error(location::in_file("report config").in_column("unanimous_below_households"),
                       "must be a number >= 0, got " + format_number(below));
  const std::string& src = rows.source();
  if (!rows.has("round")) throw input_error(location::in_file(src).in_column("round"), "missing required column");
  const std::size_t n_rows = rows.rows();

  // The tree: the root, then each level down to the first one the rows lack.
  struct node {
    std::string unit, parent, level;
  };
  std::vector<node> tree{{pattern_root(), "", "city"}};
  std::vector<std::vector<std::size_t>> unit_of_row;  // per level present: the tree index of each row's unit
  std::vector<std::string> level_names;
  for (const auto& col : pattern_levels()) {
    if (!rows.has(col)) break;
    const auto& codes = rows.text(col);
    const std::vector<std::size_t>* above = unit_of_row.empty() ? nullptr : &unit_of_row.back();
    std::unordered_map<std::string, std::size_t> index;
    std::vector<std::size_t> of_row(n_rows);
    for (std::size_t i = 0; i < n_rows; ++i) {
      auto [it, added] = index.try_emplace(codes[i], tree.size());
      if (added) tree.push_back({codes[i], above == nullptr ? pattern_root() : tree[(*above)[i]].unit, col});
      of_row[i] = it->second;
    }
    unit_of_row.push_back(std::move(of_row));
    level_names.push_back(col);
  }
  const std::size_t n_units = tree.size();

  // Weight classes: the unit's one weight, or a class of its own when its rows carry several.
  std::vector<std::string> weight_class(n_units);
  if (!options.weight.empty() && rows.has(options.weight)) {
    const auto& w = rows.numeric(options.weight);
    std::unordered_map<std::string, std::string> classes;  // by unit code, a later level overriding
    for (std::size_t l = 0; l < unit_of_row.size(); ++l) {
      std::vector<double> lo(n_units, missing), hi(n_units, missing);
      std::vector<bool> seen(n_units, false);
      for (std::size_t i = 0; i < n_rows; ++i) {
        const std::size_t u = unit_of_row[l][i];
        seen[u] = true;
        if (std::isnan(w[i])) continue;
        lo[u] = std::isnan(lo[u]) ? w[i] : std::min(lo[u], w[i]);
        hi[u] = std::isnan(hi[u]) ? w[i] : std::max(hi[u], w[i]);
      }
      for (std::size_t u = 0; u < n_units; ++u)
        if (seen[u])
          classes[tree[u].unit] = lo[u] == hi[u] ? report::detail::exact_text(lo[u]) : "unit:" + tree[u].unit;
    }
    for (std::size_t u = 0; u < n_units; ++u) {
      auto it = classes.find(tree[u].unit);
      if (it != classes.end()) weight_class[u] = it->second;
    }
  }

  // Rounds, sorted.
  const auto& round = rows.numeric("round");
  for (std::size_t i = 0; i < n_rows; ++i)
    if (std::isnan(round[i]))
      throw input_error(location::in_file(src).at_row(i + 1).in_column("round"), "survey round missing");
  std::vector<double> round_values(round.begin(), round.end());
  std::sort(round_values.begin(), round_values.end());
  round_values.erase(std::unique(round_values.begin(), round_values.end()), round_values.end());
  const std::size_t n_rounds = round_values.size();
  std::vector<std::size_t> round_of(n_rows);
  for (std::size_t i = 0; i < n_rows; ++i)
    round_of[i] = static_cast<std::size_t>(std::lower_bound(round_values.begin(), round_values.end(), round[i]) -
                                           round_values.begin());

  // Children of each parent, the parents in sorted order (the remainder checks visit them so).
  std::map<std::string, std::vector<std::size_t>> children;
  for (std::size_t u = 0; u < n_units; ++u) children[tree[u].parent].push_back(u);
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t u = 0; u < n_units; ++u) index_of[tree[u].unit] = u;

  std::vector<pattern_cell> out;
  out.reserve(n_units * variables.size());
  for (const auto& v : variables) {
    const auto& y = rows.numeric(v.numerator);
    const numeric_column* x = v.denominator.empty() ? nullptr : &rows.numeric(v.denominator);
    std::vector<std::vector<unit_sums>> sums(n_units, std::vector<unit_sums>(n_rounds));
    for (std::size_t i = 0; i < n_rows; ++i) {
      const double yi = y[i], xi = x == nullptr ? 1.0 : (*x)[i];
      if (std::isnan(yi) || std::isnan(xi)) continue;
      const unit_sums s{1.0, yi, xi};
      sums[0][round_of[i]] += s;
      for (const auto& level : unit_of_row) sums[level[i]][round_of[i]] += s;
    }
    std::vector<double> households(n_units);
    std::vector<std::string> reason(n_units);
    for (std::size_t u = 0; u < n_units; ++u) {
      households[u] = report::detail::fewest_households(sums[u]);
      const bool unanimous = std::any_of(sums[u].begin(), sums[u].end(), [](const unit_sums& s) { return s.unanimous(); });
      reason[u] = households[u] < k ? "small" : unanimous && households[u] < below ? "unanimous" : "";
    }
    std::vector<cell_status> status;
    for (;;) {
      std::vector<cell_count> cells(n_units);
      for (std::size_t u = 0; u < n_units; ++u)
        cells[u] = {tree[u].unit, tree[u].parent, reason[u].empty() ? households[u] : 0.0};
      status = suppress_small_cells(cells, {k});
      auto published = [&status](std::size_t u) { return status[u] == cell_status::published; };
      // The smallest published child (by households, then code) among `kids` passing `keep`.
      auto smallest = [&](const std::vector<std::size_t>& kids, auto keep) {
        std::size_t best = n_units;
        for (std::size_t c : kids) {
          if (!published(c) || !keep(c)) continue;
          if (best == n_units || households[c] < households[best] ||
              (households[c] == households[best] && tree[c].unit < tree[best].unit))
            best = c;
        }
        return best;
      };
      std::vector<std::pair<std::size_t, const char*>> more;
      for (const auto& [parent, kids] : children) {
        if (parent.empty()) continue;
        auto p = index_of.find(parent);
        if (p == index_of.end() || !published(p->second)) continue;
        std::vector<const std::vector<unit_sums>*> hidden_sums;
        std::vector<std::size_t> hidden;
        for (std::size_t c : kids)
          if (!published(c)) {
            hidden.push_back(c);
            hidden_sums.push_back(&sums[c]);
          }
        if (hidden.empty()) continue;
        // A parent minus its published children gives the union of its suppressed children: that
        // remainder must not be unanimous either.
        if (report::detail::unanimous_remainder(report::detail::add_up(hidden_sums, n_rounds), below)) {
          const std::size_t shown = smallest(kids, [](std::size_t) { return true; });
          more.emplace_back(shown == n_units ? p->second : shown, "remainder_unanimous");
          continue;
        }
        // Hidden children of several weights: each weight class is a remainder of its own (the
        // parent publishes a weighted sum of them; integrality separates the classes).
        std::vector<std::pair<std::string, std::vector<std::size_t>>> classes;
        for (std::size_t c : hidden) {
          auto it = std::find_if(classes.begin(), classes.end(), [&](const auto& e) { return e.first == weight_class[c]; });
          if (it == classes.end()) classes.push_back({weight_class[c], {c}});
          else it->second.push_back(c);
        }
        if (classes.size() < 2) continue;
        std::vector<std::pair<std::size_t, const char*>> of_parent;
        bool parent_hidden = false;
        for (const auto& weight_group : classes) {
          const std::string& cls = weight_group.first;  // a named variable: lambdas may not capture bindings (C++17)
          const std::vector<std::size_t>& members = weight_group.second;
          std::vector<const std::vector<unit_sums>*> parts;
          for (std::size_t c : members) parts.push_back(&sums[c]);
          const auto rem = report::detail::add_up(parts, n_rounds);
          if (members.size() >= 2 && report::detail::fewest_households(rem) >= k &&
              !report::detail::unanimous_remainder(rem, below))
            continue;
          const std::size_t shown = smallest(kids, [&](std::size_t c) { return weight_class[c] == cls; });
          if (shown == n_units) {  // the parent hidden: no weighted sum published, no sibling need be
            parent_hidden = true;
            break;
          }
          of_parent.emplace_back(shown, "remainder_weighted");
        }
        if (parent_hidden) more.emplace_back(p->second, "remainder_weighted");
        else more.insert(more.end(), of_parent.begin(), of_parent.end());
      }
      if (more.empty()) break;
      for (const auto& [u, why] : more) {
        // every tree row of that unit code (a code is one unit)
        for (std::size_t w = 0; w < n_units; ++w)
          if (tree[w].unit == tree[u].unit && reason[w].empty()) reason[w] = why;
      }
    }
    for (std::size_t u = 0; u < n_units; ++u)
      out.push_back({v.name, tree[u].unit, tree[u].parent, tree[u].level, weight_class[u], reason[u], households[u], status[u]});
  }
  return out;
}

/// The survey's design columns with the suppressed cells merged (see the header): `strata` and
/// `psu` the rows' stratum and PSU (text), `fpc` the rows' fpc (a sampling fraction < 1 or the
/// PSUs in the stratum, NaN where none; empty: the design has no fpc), `finest` the rows' finest
/// unit and `ward` their ward (either may be empty: not in the rows), `status` the pattern's
/// status per unit (a unit not in it is published).
struct merged_design_columns {
  text_column strata, psu;
  numeric_column fpc;  ///< PSUs in the stratum after the merge; NaN = no fpc; 1 = a certainty unit
  std::vector<std::string> collapsed;  ///< wards whose stratum the merge left with one PSU, sorted
};

inline merged_design_columns merge_suppressed_design(const text_column& strata, const text_column& psu,
                                                     const numeric_column& fpc, const text_column& finest,
                                                     const text_column& ward,
                                                     const std::unordered_map<std::string, cell_status>& status) {
  const std::size_t n = strata.size();
  if (psu.size() != n || (!fpc.empty() && fpc.size() != n) || (!finest.empty() && finest.size() != n) ||
      (!ward.empty() && ward.size() != n))
    throw error("commdx: merged design columns differ in length");
  auto hidden_unit = [&status](const std::string& u) {
    auto it = status.find(u);
    return it != status.end() && it->second != cell_status::published;
  };
  const bool has_fpc = !fpc.empty();
  merged_design_columns out;
  out.strata = strata;
  std::vector<double> pop(n, missing);  // per row: the PSUs of its stratum
  if (has_fpc) {
    std::map<std::string, std::set<std::string>> psus;
    for (std::size_t i = 0; i < n; ++i) psus[strata[i]].insert(psu[i]);
    for (std::size_t i = 0; i < n; ++i)
      pop[i] = fpc[i] >= 1 ? fpc[i] : static_cast<double>(psus[strata[i]].size()) / fpc[i];
  }
  static const std::string merged_wards = "__suppressed_wards__";
  if (!ward.empty()) {
    std::vector<bool> ward_hidden(n);
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      ward_hidden[i] = hidden_unit(ward[i]);
      any = any || ward_hidden[i];
    }
    if (any) {
      if (has_fpc) {  // the merged stratum's population: the sum over the strata merged
        std::map<std::string, double> first;  // stratum -> its first known population
        for (std::size_t i = 0; i < n; ++i)
          if (ward_hidden[i] && !std::isnan(pop[i])) first.emplace(strata[i], pop[i]);
        double total = 0;
        for (const auto& [s, p] : first) total += p;
        for (std::size_t i = 0; i < n; ++i)
          if (ward_hidden[i]) pop[i] = total;
      }
      for (std::size_t i = 0; i < n; ++i)
        if (ward_hidden[i]) out.strata[i] = merged_wards;
    }
  }
  out.psu = psu;
  if (!finest.empty())
    for (std::size_t i = 0; i < n; ++i)
      if (hidden_unit(finest[i])) out.psu[i] = out.strata[i] + "|suppressed";
  std::map<std::string, std::set<std::string>> before, after;
  std::map<std::string, double> first_pop;
  for (std::size_t i = 0; i < n; ++i) {
    before[out.strata[i]].insert(psu[i]);
    after[out.strata[i]].insert(out.psu[i]);
    if (!std::isnan(pop[i])) first_pop.emplace(out.strata[i], pop[i]);
  }
  std::map<std::string, double> stratum_fpc;
  std::set<std::string> collapsed_strata;
  for (const auto& [s, was] : before) {
    const double orig = static_cast<double>(was.size()), now = static_cast<double>(after[s].size());
    double p = missing;
    if (has_fpc) {
      auto it = first_pop.find(s);
      if (it != first_pop.end()) p = it->second - (orig - now);
    }
    if (now == 1 && orig > 1) {  // merged down to one PSU: a certainty unit
      p = 1.0;
      collapsed_strata.insert(s);
    }
    stratum_fpc[s] = p;
  }
  out.fpc.resize(n);
  std::set<std::string> collapsed;
  for (std::size_t i = 0; i < n; ++i) {
    out.fpc[i] = stratum_fpc[out.strata[i]];
    if (!ward.empty() && collapsed_strata.count(out.strata[i])) collapsed.insert(ward[i]);
  }
  out.collapsed.assign(collapsed.begin(), collapsed.end());
  return out;
}

/// The status of one cell of the M1 log's table (a process, or `manual_all_processes()`, in the
/// city `pattern_root()` or a ward).
struct manual_cell_status {
  std::string process, unit;
  cell_status status = cell_status::published;
};

/// The process id of the log's total households per unit.
inline const std::string& manual_all_processes() {
  static const std::string all = "__all__";
  return all;
}

/// The disclosure pattern of the M1 log (manual processes households still use): per process, the
/// households of the city and of each ward (a ward's households of a process add up to the
/// city's), and the log's total households per unit, hidden wherever a process is hidden and then
/// protected the same way. The counts are cumulative, so this month's minus the last published one
/// is a count too: a cell whose increase since the month it was last published is between 0 and k
/// is hidden (primary), month by month from the log's first month, as every earlier report did.
///
/// One entry per log row: `household` ("" is not a household: the row counts nowhere), `process`,
/// `ward` (the row's ward code, "" when unknown: a unit of its own) and `month` (year * 12 + month
/// - 1; -1 when the row has no date: it is in no month). Returns the statuses of the last month,
/// ordered by process then unit.
inline std::vector<manual_cell_status> manual_process_pattern(const text_column& household, const text_column& process,
                                                              const text_column& ward, const std::vector<long>& month,
                                                              double k) {
  const std::size_t n = household.size();
  if (process.size() != n || ward.size() != n || month.size() != n)
    throw error("commdx: M1 log columns differ in length");
  if (!(k >= 1))
    throw config_error(location::in_file("report config").in_column("min_households"),
                       "the small-cell threshold must be at least 1, got " + format_number(k));
  using key = std::pair<std::string, std::string>;  // (process, unit)
  std::vector<long> months;
  for (long m : month)
    if (m >= 0) months.push_back(m);
  std::sort(months.begin(), months.end());
  months.erase(std::unique(months.begin(), months.end()), months.end());
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&month](std::size_t a, std::size_t b) { return month[a] < month[b]; });

  std::map<key, std::set<std::string>> seen;  // cumulative households per (process, unit)
  std::map<key, double> last;                 // the count each cell was last published with
  std::vector<manual_cell_status> status;
  std::size_t next = 0;
  while (next < n && month[order[next]] < 0) ++next;
  // One hierarchy: the city and its wards, `forced` cells primary.
  auto protect = [&](const std::string& proc, const std::vector<std::string>& units, const std::set<std::string>& forced,
                     std::vector<manual_cell_status>& out) {
    std::vector<cell_count> cells;
    for (const auto& u : units) {
      const double count = static_cast<double>(seen[{proc, u}].size());
      auto it = last.find({proc, u});
      const double rise = it == last.end() ? missing : count - it->second;
      const bool small_rise = rise > 0 && rise < k;
      cells.push_back({u, u == pattern_root() ? "" : pattern_root(), small_rise || forced.count(u) ? 0.0 : count});
    }
    const auto st = suppress_small_cells(cells, {k});
    for (std::size_t j = 0; j < units.size(); ++j) {
      if (st[j] == cell_status::published) last[{proc, units[j]}] = static_cast<double>(seen[{proc, units[j]}].size());
      out.push_back({proc, units[j], st[j]});
    }
  };
  for (long m : months) {
    for (; next < n && month[order[next]] == m; ++next) {
      const std::size_t i = order[next];
      if (household[i].empty()) continue;
      for (const std::string* p : {&process[i], &manual_all_processes()}) {
        seen[{*p, pattern_root()}].insert(household[i]);
        seen[{*p, ward[i]}].insert(household[i]);
      }
    }
    // The units of each process so far: the city first, then its wards in order.
    std::map<std::string, std::vector<std::string>> units_of;
    for (const auto& entry : seen) {
      const key& cell = entry.first;
      auto& units = units_of[cell.first];
      if (cell.second == pattern_root()) units.insert(units.begin(), cell.second);
      else units.push_back(cell.second);
    }
    std::vector<manual_cell_status> now;
    for (const auto& [proc, units] : units_of)
      if (proc != manual_all_processes()) protect(proc, units, {}, now);
    std::set<std::string> some_hidden;
    for (const auto& c : now)
      if (c.status != cell_status::published) some_hidden.insert(c.unit);
    if (units_of.count(manual_all_processes())) protect(manual_all_processes(), units_of[manual_all_processes()], some_hidden, now);
    status = std::move(now);
  }
  std::sort(status.begin(), status.end(), [](const manual_cell_status& a, const manual_cell_status& b) {
    return a.process != b.process ? a.process < b.process : a.unit < b.unit;
  });
  return status;
}

}  // namespace commdx
