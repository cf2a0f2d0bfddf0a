#pragma once
// Household data is personal data (DESIGN.md): every figure the monthly report publishes obeys a
// small-cell rule. No figure computed from fewer than `min_households` households is published,
// and none can be recovered by differencing published totals along the place hierarchy
// (city -> ward -> neighbourhood -> residential group).
//
// Primary suppression: a cell with 0 < n < k households (and n = 0: nothing to publish).
// Complementary suppression, repeated until nothing changes:
//  * a published parent whose suppressed children could be recovered from it (parent minus the
//    published siblings) — exactly one suppressed child, or suppressed children that together
//    hold fewer than k households — has its smallest published child suppressed as well (ties by
//    id), or, with no child left to suppress, is suppressed itself;
//  * a suppressed parent whose children are all published would be their sum: its smallest child
//    is suppressed too (and the rule recurses down the tree).
// Under these rules each suppressed cell sits in an additive relation with at least one other
// unknown, so no linear combination of published totals isolates it (tests: a rank audit of the
// published system, i.e. the differencing attack).
#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commdx/data.hpp"
#include "commdx/error.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"

namespace commdx {

/// One published cell of a hierarchical table: a unit, its parent in the same table, households.
struct cell_count {
  std::string id;
  std::string parent;  ///< "" or an id not in the table: a root (no additivity constraint)
  double households = 0;
};

enum class cell_status { published, primary, complementary };

inline const char* to_string(cell_status s) {
  switch (s) {
    case cell_status::published: return "published";
    case cell_status::primary: return "primary";
    case cell_status::complementary: return "complementary";
  }
  return "?";
}

/// k of the small-cell rule, written once: the shipped report-config.json's "min_households" (a
/// city's report config sets its own).
inline double default_min_households() {
  static const double k = [] {
    const auto j = io::parse_json(shipped_data("report-config.json"), "report-config.json");
    return io::get_as<double>(j, "min_households", location::in_file("report-config.json"));
  }();
  return k;
}

struct suppression_options {
  double min_households = default_min_households();  ///< k: cells with fewer households are never published
};

/// The status of each cell (same order as `cells`). Throws validation_error on a duplicate id
/// or a negative or missing household count.
inline std::vector<cell_status> suppress_small_cells(const std::vector<cell_count>& cells,
                                                     const suppression_options& options = {}) {
  const double k = options.min_households;
  if (!(k >= 1)) {
    throw config_error(location::in_file("suppression").in_column("min_households"),
                       "the small-cell threshold must be at least 1, got " + format_number(k));
  }
  const std::size_t n = cells.size();
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < n; ++i) {
    if (!index.emplace(cells[i].id, i).second) {
      throw validation_error(location::in_file("suppression").at_row(i + 1).in_column("id").for_unit(cells[i].id),
                             "the same unit appears twice in one table");
    }
    if (is_missing(cells[i].households) || cells[i].households < 0) {
      throw validation_error(location::in_file("suppression").at_row(i + 1).in_column("households").for_unit(cells[i].id),
                             "household count must be a number >= 0");
    }
  }
  std::vector<std::vector<std::size_t>> children(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto it = index.find(cells[i].parent);
    if (!cells[i].parent.empty() && it != index.end() && it->second != i)
      children[it->second].push_back(i);
  }
  for (auto& c : children) {
    std::sort(c.begin(), c.end(), [&](std::size_t a, std::size_t b) {
      if (cells[a].households != cells[b].households) return cells[a].households < cells[b].households;
      return cells[a].id < cells[b].id;
    });
  }
  std::vector<cell_status> status(n, cell_status::published);
  for (std::size_t i = 0; i < n; ++i)
    if (cells[i].households < k) status[i] = cell_status::primary;

  auto suppressed = [&](std::size_t i) { return status[i] != cell_status::published; };
  bool changed = true;
  while (changed) {
    changed = false;
    for (std::size_t p = 0; p < n; ++p) {
      const auto& kids = children[p];
      if (kids.empty()) continue;
      std::size_t count = 0;
      double held = 0;
      for (std::size_t c : kids)
        if (suppressed(c)) { ++count; held += cells[c].households; }
      if (!suppressed(p)) {
        while (count > 0 && (count == 1 || held < k)) {
          auto next = std::find_if(kids.begin(), kids.end(), [&](std::size_t c) { return !suppressed(c); });
          if (next == kids.end()) {
            status[p] = cell_status::complementary;  // the parent would reveal its only children
            changed = true;
            break;
          }
          status[*next] = cell_status::complementary;
          ++count;
          held += cells[*next].households;
          changed = true;
        }
      } else if (count == 0) {
        status[kids.front()] = cell_status::complementary;
        changed = true;
      }
    }
  }
  return status;
}

/// The same over a table with columns `id`, `parent`, `households`, optionally split by `group`
/// (e.g. one hierarchy per indicator, each with its own counts). Returns the status per row.
inline std::vector<cell_status> suppress_table(const table& t, const std::string& id_col,
                                               const std::string& parent_col,
                                               const std::string& households_col,
                                               const std::string& group_col,
                                               const suppression_options& options = {}) {
  const auto& ids = t.text(id_col);
  const auto& parents = t.text(parent_col);
  const auto& households = t.numeric(households_col);
  std::vector<std::string> groups = group_col.empty() ? std::vector<std::string>(t.rows())
                                                      : t.text(group_col);
  std::unordered_map<std::string, std::vector<std::size_t>> rows_of_group;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    auto [it, added] = rows_of_group.try_emplace(groups[i]);
    if (added) order.push_back(groups[i]);
    it->second.push_back(i);
  }
  std::vector<cell_status> out(t.rows(), cell_status::published);
  for (const auto& g : order) {
    const auto& rows = rows_of_group[g];
    std::vector<cell_count> cells;
    cells.reserve(rows.size());
    for (std::size_t r : rows) cells.push_back({ids[r], parents[r], households[r]});
    std::vector<cell_status> s;
    try {
      s = suppress_small_cells(cells, options);
    } catch (const validation_error& e) {
      throw validation_error(location::in_file(t.source()).in_column(id_col).for_unit(g), e.what());
    }
    for (std::size_t j = 0; j < rows.size(); ++j) out[rows[j]] = s[j];
  }
  return out;
}

}  // namespace commdx
