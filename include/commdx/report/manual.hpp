#pragma once
// The monthly report's manual-process section (M1; issue 12: the report's computations in C++),
// moved from python/commdx/report.py's _manual_section: the M1 log (the paper processes
// households still use) up to the report's month, per process of the report's scope (the city, or
// one ward): households, times a month and residential groups, ranked by households, as proposals
// for a digital replacement (the campaign of report-config.json's "manual_processes" that
// replaces it).
//
// Small cells: a process seen in fewer than k households here is not listed; it is counted among
// the other processes (how many, not how many households). The pattern is the city's
// (disclosure.hpp's manual_process_pattern: city = sum of its wards, per process, month by month),
// so the city minus the other wards reveals no hidden ward's count; the log's total households
// are published only where the pattern allows it. The words (the replacement's label, the other
// processes' line) are the caller's.
#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"
#include "commdx/report/detail/visits.hpp"
#include "commdx/report/disclosure.hpp"
#include "commdx/report/indicators.hpp"
#include "commdx/report/visits.hpp"
#include "commdx/table.hpp"

namespace commdx::report {

struct manual_inputs {
  /// The M1 log: text columns household_id, group_code and process; optionally date
  /// (YYYY-MM-DD: rows after the report's month, and rows without a date, are left out), ward_code
  /// (text; else a row's ward is its group's, `ward_of`) and frequency_per_month (numeric; NaN or
  /// absent: 0, absent column: 1 a month). Its source names it in messages.
  table log{"manual_processes"};
  /// The places tree: unit code -> the code of its ward ("" when it is in none).
  std::unordered_map<std::string, std::string> ward_of;
  /// A process -> the campaign that replaces it (report-config.json "manual_processes").
  std::unordered_map<std::string, std::string> campaigns;
  std::string month;  ///< "YYYY-MM"
  std::string ward;   ///< a ward's report; "": the city's
  double min_households = default_min_households();  ///< k of the small-cell rule
};

/// One published process of the scope.
struct manual_proposal {
  std::size_t rank = 0;      ///< 1 for the process of the most households
  std::string process;
  std::string campaign;      ///< "" when report-config.json maps it to none
  std::size_t households = 0;
  double times_per_month = 0;  ///< the log's frequencies added
  std::size_t groups = 0;    ///< residential groups it was logged in
};

struct manual_result {
  std::optional<std::size_t> households_logged;  ///< none: the pattern hides the total here
  std::vector<manual_proposal> proposals;         ///< published, by households, then times, then process
  std::size_t other_processes = 0;                ///< processes hidden by the small-cell rule
};

/// The section as JSON: {households_logged (null: hidden), proposals: [{rank, process, campaign,
/// households, times_per_month, groups}], other_processes}.
inline nlohmann::json to_json(const manual_result& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& p : r.proposals)
    rows.push_back({{"rank", p.rank}, {"process", p.process}, {"campaign", p.campaign}, {"households", p.households},
                    {"times_per_month", p.times_per_month}, {"groups", p.groups}});
  return {{"households_logged", r.households_logged ? nlohmann::json(*r.households_logged) : nlohmann::json(nullptr)},
          {"proposals", std::move(rows)}, {"other_processes", r.other_processes}};
}

/// The manual-process section of a month's report (see the header). Throws input_error for a log
/// without its columns or with a bad date, config_error for k < 1.
inline manual_result manual_section(const manual_inputs& in) {
  const table& log = in.log;
  const std::string month = month_text(month_index(in.month));
  const auto& household = detail::required_text(log, "household_id");
  const auto& group = detail::required_text(log, "group_code");
  const auto& process = detail::required_text(log, "process");
  const text_column* date = log.has("date") ? &detail::required_text(log, "date") : nullptr;
  const text_column* given_ward = log.has("ward_code") ? &detail::required_text(log, "ward_code") : nullptr;
  const numeric_column* frequency = nullptr;
  if (log.has("frequency_per_month")) {
    if (!log.is_numeric("frequency_per_month"))
      throw input_error(location::in_file(log.source()).in_column("frequency_per_month"), "expected numbers, got text");
    frequency = &log.numeric("frequency_per_month");
  }

  // The rows up to the report's month, each with its ward and month.
  std::vector<std::size_t> rows;
  text_column row_household, row_process, row_ward;
  std::vector<long> row_month;
  for (std::size_t i = 0; i < log.rows(); ++i) {
    long m = 0;
    if (date != nullptr) {
      const std::string when = detail::month_of_date((*date)[i], log, i, "date");
      if (when.empty() || when > month) continue;
      m = month_index(when);
    }
    std::string w;
    if (given_ward != nullptr) {
      w = (*given_ward)[i];
    } else {
      auto it = in.ward_of.find(group[i]);
      if (it != in.ward_of.end()) w = it->second;
    }
    rows.push_back(i);
    row_household.push_back(household[i]);
    row_process.push_back(process[i]);
    row_ward.push_back(std::move(w));
    row_month.push_back(m);
  }
  std::map<std::pair<std::string, std::string>, cell_status> status;
  for (auto& c : manual_process_pattern(row_household, row_process, row_ward, row_month, in.min_households))
    status.emplace(std::make_pair(std::move(c.process), std::move(c.unit)), c.status);
  const std::string here = in.ward.empty() ? pattern_root() : in.ward;
  auto published = [&](const std::string& p) {
    auto it = status.find({p, here});
    return it != status.end() && it->second == cell_status::published;
  };

  // Per process of the scope: households, times a month, groups (rows in log order).
  struct sums {
    std::set<std::string> households, groups;
    detail::compensated_sum times;
  };
  std::map<std::string, sums> by_process;
  std::set<std::string> scope_households;
  for (std::size_t j = 0; j < rows.size(); ++j) {
    if (!in.ward.empty() && row_ward[j] != in.ward) continue;
    const std::size_t i = rows[j];
    if (!household[i].empty()) scope_households.insert(household[i]);
    if (process[i].empty()) continue;
    sums& s = by_process[process[i]];
    if (!household[i].empty()) s.households.insert(household[i]);
    if (!group[i].empty()) s.groups.insert(group[i]);
    const double f = frequency == nullptr ? 1.0 : (*frequency)[i];
    s.times.add(is_missing(f) ? 0.0 : f);
  }
  manual_result res;
  for (const auto& [p, s] : by_process) {
    if (!published(p)) {
      ++res.other_processes;
      continue;
    }
    manual_proposal row;
    row.process = p;
    auto c = in.campaigns.find(p);
    if (c != in.campaigns.end()) row.campaign = c->second;
    row.households = s.households.size();
    row.times_per_month = s.times.value();
    row.groups = s.groups.size();
    res.proposals.push_back(std::move(row));
  }
  std::stable_sort(res.proposals.begin(), res.proposals.end(), [](const manual_proposal& a, const manual_proposal& b) {
    if (a.households != b.households) return a.households > b.households;
    if (a.times_per_month != b.times_per_month) return a.times_per_month > b.times_per_month;
    return a.process < b.process;
  });
  for (std::size_t r = 0; r < res.proposals.size(); ++r) res.proposals[r].rank = r + 1;
  if (published(manual_all_processes())) res.households_logged = scope_households.size();
  return res;
}

}  // namespace commdx::report
