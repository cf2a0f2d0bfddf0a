#pragma once
// The monthly report's visits section (T2, R4; issue 12: the report's computations in C++),
// moved from python/commdx/report.py's _visits_section:
//
//  * the month's visits of the visit log, per member and per team: door visits (a member's
//    actions at one household on one day are one visit), households, hours (the campaign
//    catalogue's travel minutes once per visit plus each action's minutes), adoptions and the
//    adoptions expected of visits of the same difficulty;
//  * the expected adoptions: each action's prior success probability in the campaign catalogue
//    (the plan's campaigns.json, alpha / (alpha + beta)), or the month's city-wide success rate of
//    an action the catalogue does not know; a visit that attempted nothing (the catalogue's
//    visit-log words "no_attempt") expects nothing; all scaled by one city-wide factor (the
//    calibration) so that the city's expected adoptions equal its observed ones;
//  * planned against done: the visits the plan schedules for each member in the month (a ward's
//    report counts only the visits planned in that ward), members with planned visits and none
//    done listed too;
//  * the small-cell rule on the adoption figures (a member's or team's households visited are the
//    cells, team = sum of its members; report.hpp's suppress_small_cells): a hidden member or team
//    publishes no adoptions, expected adoptions, rate or adoptions per hour;
//  * nominations for commendation (T2): the members and teams whose adjusted rate
//    (adoptions + a) / (expected + a) is above 1, the highest first.
//
// The words (the criterion's sentence, the notes) are the caller's: the result carries figures
// and note ids (python/commdx/report.py translates them).
#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commdx/data.hpp"
#include "commdx/detail/dates.hpp"
#include "commdx/error.hpp"
#include "commdx/plan.hpp"
#include "commdx/report.hpp"
#include "commdx/report/detail/visits.hpp"
#include "commdx/report/indicators.hpp"
#include "commdx/table.hpp"
#include "commdx/teams.hpp"

namespace commdx::report {

/// Who is nominated for commendation (report-config.json "nomination").
struct nomination_rule {
  double prior_strength = 2;    ///< a: the adjusted rate is (adoptions + a) / (expected adoptions + a)
  std::size_t members = 3;      ///< at most this many members nominated
  std::size_t teams = 1;        ///< at most this many teams nominated
};

struct visits_inputs {
  /// The visit log: text columns household_id, action, member_id, date (YYYY-MM-DD; empty: a
  /// visit of no month) and outcome (the campaign catalogue's visit-log words, any case);
  /// optionally ward_code (text), else a visit's ward is its household's (`household_ward`) or,
  /// for a household the survey does not know, its member's team's. Its source names it in
  /// messages; row r of a message is row r of the table.
  table visits{"visits"};
  /// The plan's visits (none: no plan given): text member_id; optionally a date column (the first
  /// of date, week_start, day: YYYY-MM-DD) counting only the month's visits, and ward_code.
  std::optional<table> plan;
  commdx::roster roster;  ///< the teams (teams.hpp): each member's team, name and the team's unit
  /// The survey's households: household id -> ward code (the follow-up's where both have it).
  std::unordered_map<std::string, std::string> household_ward;
  /// The places tree: unit code -> the code of its ward ("" when it is in none).
  std::unordered_map<std::string, std::string> ward_of;
  /// The campaign catalogue the plan reads: action priors and minutes, travel minutes, the visit
  /// log's words.
  campaign_catalogue catalogue = campaign_catalogue::shipped();
  /// A visit-log action code -> the catalogue action whose prior and minutes it takes
  /// (report-config.json "action_priors"; "" maps to none: the log's own rate).
  std::unordered_map<std::string, std::string> action_aliases;
  std::string month;                     ///< "YYYY-MM"
  std::string ward;                      ///< a ward's report; "": the city's
  double min_households = default_min_households();  ///< k of the small-cell rule
  double default_action_minutes = 15;    ///< minutes of an action the catalogue does not list
  nomination_rule nomination;
};

/// One member's month. A figure the small-cell rule hides is NaN.
struct member_visits {
  std::string member_id, team_id, name;   ///< team and name from the roster ("" for a member it lacks)
  std::optional<std::size_t> visits_planned;  ///< none: no plan given
  std::size_t visits = 0;                 ///< door visits
  std::size_t households = 0;             ///< distinct households visited
  double minutes = 0, hours = 0;          ///< travel included
  double conversions = 0;                 ///< adoptions (visit-log successes)
  double expected = 0;                    ///< expected adoptions (calibrated)
  double per_hour = missing;              ///< adoptions per hour; NaN without hours
  double adjusted_rate = missing;         ///< (adoptions + a) / (expected + a)
  cell_status suppression = cell_status::primary;  ///< of the adoption figures
};

/// One team's month: the sums of its members' (households: the members' households added; the
/// adoptions and expected adoptions over the team's visits).
struct team_visits {
  std::string team_id;
  std::size_t visits = 0;
  std::optional<std::size_t> visits_planned;  ///< none: no plan given
  std::size_t households = 0;             ///< the members' households, added
  std::size_t distinct_households = 0;    ///< households the team visited (the small-cell count)
  double hours = 0, conversions = 0, expected = 0;
  double adjusted_rate = missing, per_hour = missing;
  cell_status suppression = cell_status::primary;
};

struct visits_result {
  std::size_t month_visits = 0;           ///< door visits in the report's scope
  std::size_t households_visited = 0;     ///< distinct households among them
  double calibration = 1;                 ///< the city's adoptions / its prior-expected adoptions (1 without any)
  std::vector<member_visits> members;     ///< by team id, then member id
  std::vector<team_visits> teams;         ///< by team id
  std::vector<std::size_t> nominated_members;  ///< positions in `members`, the nominated first
  std::vector<std::size_t> nominated_teams;    ///< positions in `teams`
  /// Note ids: "no_priors" (the catalogue lists no action: the log's own rates), "no_plan".
  std::vector<std::string> notes;
};

namespace detail {

/// The month text of a visit-log or plan date, "" for an empty one; a date that is not a real
/// YYYY-MM-DD date is refused, naming the row and column.
inline std::string month_of_date(const std::string& date, const table& t, std::size_t row, const std::string& column) {
  if (date.empty()) return std::string();
  (void)commdx::detail::civil_date_or_throw(date, location::in_file(t.source()).at_row(row + 1).in_column(column));
  return date.substr(0, 7);
}

inline const text_column& required_text(const table& t, const char* column) {
  if (!t.has(column)) throw input_error(location::in_file(t.source()).in_column(column), "missing required column");
  if (t.is_numeric(column))
    throw input_error(location::in_file(t.source()).in_column(column), "expected text (codes and words), got numbers");
  return t.text(column);
}

/// An adjusted rate and adoptions per hour from the sums.
template <class Row>
void rates(Row& r, double a) {
  r.per_hour = r.hours > 0 ? r.conversions / r.hours : missing;
  r.adjusted_rate = (r.conversions + a) / (r.expected + a);
}

/// Positions of `rows` whose adjusted rate is above 1, the highest rate first (ties: more
/// adoptions first, then in table order), at most `n`.
template <class Row>
std::vector<std::size_t> nominated(const std::vector<Row>& rows, std::size_t n) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].adjusted_rate > 1) out.push_back(i);
  std::stable_sort(out.begin(), out.end(), [&rows](std::size_t x, std::size_t y) {
    const auto &a = rows[x], &b = rows[y];
    return a.adjusted_rate > b.adjusted_rate || (a.adjusted_rate == b.adjusted_rate && a.conversions > b.conversions);
  });
  if (out.size() > n) out.resize(n);
  return out;
}

}  // namespace detail

/// The visits section of a month's report (see the header). Throws input_error for a visit log
/// or plan without its columns, a bad date, or a visit of the month without its household,
/// member or action; config_error for a negative prior strength or default minutes.
inline visits_result visits_section(const visits_inputs& in) {
  visits_result res;
  const table& log = in.visits;
  const std::string month = month_text(month_index(in.month));
  if (!(in.nomination.prior_strength >= 0))
    throw config_error(location::in_file("report config").in_column("nomination.prior_strength"), "must be a number >= 0");
  if (!(in.default_action_minutes >= 0))
    throw config_error(location::in_file("report config").in_column("default_action_minutes"), "must be a number >= 0");
  const auto& household = detail::required_text(log, "household_id");
  const auto& action = detail::required_text(log, "action");
  const auto& member = detail::required_text(log, "member_id");
  const auto& date = detail::required_text(log, "date");
  const auto& outcome = detail::required_text(log, "outcome");

  // The roster: each member's team, name and the team's unit (the first team listing them).
  struct roster_member {
    std::string team, name, unit;
  };
  std::unordered_map<std::string, roster_member> on_roster;
  for (const auto& t : in.roster.teams())
    for (const auto& m : t.members) on_roster.emplace(m.id, roster_member{t.id, m.name, t.unit});
  auto team_of = [&on_roster](const std::string& m) {
    auto it = on_roster.find(m);
    return it == on_roster.end() ? std::string() : it->second.team;
  };
  auto member_ward = [&](const std::string& m) {
    auto it = on_roster.find(m);
    if (it == on_roster.end()) return std::string();
    auto w = in.ward_of.find(it->second.unit);
    return w == in.ward_of.end() ? std::string() : w->second;
  };

  // The month's visits, in the log's order.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < log.rows(); ++i) {
    if (detail::month_of_date(date[i], log, i, "date") != month) continue;
    const std::pair<const text_column*, const char*> needed[] = {
        {&household, "household_id"}, {&member, "member_id"}, {&action, "action"}};
    for (const auto& [col, name] : needed)
      if ((*col)[i].empty())
        throw input_error(location::in_file(log.source()).at_row(i + 1).in_column(name),
                          std::string("a visit without its ") + (col == &household ? "household" : col == &member ? "member" : "action"));
    rows.push_back(i);
  }
  const std::size_t n = rows.size();

  // The catalogue action of a visit-log code (itself, or its alias), or none.
  std::unordered_map<std::string, const campaign_action*> action_of;
  auto catalogue_action = [&](const std::string& a) -> const campaign_action* {
    auto it = action_of.find(a);
    if (it != action_of.end()) return it->second;
    const campaign_action* found = in.catalogue.find(a);
    if (found == nullptr) {
      auto alias = in.action_aliases.find(a);
      if (alias != in.action_aliases.end() && !alias->second.empty()) found = in.catalogue.find(alias->second);
    }
    return action_of.emplace(a, found).first->second;
  };
  if (in.catalogue.actions.empty()) res.notes.emplace_back("no_priors");

  // Success, no attempt and the prior-expected adoption of each visit row.
  std::set<std::string> success_words, no_attempt_words;
  for (const auto& w : in.catalogue.visit_log.success) success_words.insert(detail::lower_ascii(w));
  for (const auto& w : in.catalogue.visit_log.no_attempt) no_attempt_words.insert(detail::lower_ascii(w));
  std::vector<double> success(n), expected(n);
  std::vector<bool> attempted(n);
  bool unknown_prior = false;
  for (std::size_t j = 0; j < n; ++j) {
    const std::string word = detail::lower_ascii(outcome[rows[j]]);
    success[j] = success_words.count(word) ? 1.0 : 0.0;
    attempted[j] = no_attempt_words.count(word) == 0;
    const campaign_action* a = catalogue_action(action[rows[j]]);
    expected[j] = a != nullptr ? a->prior_mean() : missing;
    unknown_prior = unknown_prior || a == nullptr;
  }
  if (unknown_prior) {  // an action without a prior: the month's own success rate of that action
    std::map<std::string, std::pair<detail::compensated_sum, std::size_t>> own;
    for (std::size_t j = 0; j < n; ++j)
      if (attempted[j]) {
        auto& o = own[action[rows[j]]];
        o.first.add(success[j]);
        ++o.second;
      }
    for (std::size_t j = 0; j < n; ++j)
      if (is_missing(expected[j])) {
        auto it = own.find(action[rows[j]]);
        expected[j] = it == own.end() ? 0.0 : it->second.first.value() / static_cast<double>(it->second.second);
      }
  }
  for (std::size_t j = 0; j < n; ++j)
    if (!attempted[j]) expected[j] = 0;  // nobody home: no chance
  // The priors rank how hard each action is; their level is a planning assumption. Scaled so that
  // the whole city's expected adoptions this month equal its observed ones, a rate above 1 means
  // better than the city's members on visits of the same difficulty.
  const double expected_total = detail::pairwise_sum(expected);
  res.calibration = expected_total > 0 ? detail::pairwise_sum(success) / expected_total : 1.0;
  for (auto& e : expected) e *= res.calibration;

  // The report's scope: a visit's ward is given, or its household's, or its member's team's.
  const text_column* given_ward = log.has("ward_code") ? &detail::required_text(log, "ward_code") : nullptr;
  auto ward_of_visit = [&](std::size_t i) {
    if (given_ward != nullptr) return (*given_ward)[i];
    auto h = in.household_ward.find(household[i]);
    return h != in.household_ward.end() ? h->second : member_ward(member[i]);
  };

  // Door visits: a member's actions at one household on one day; travel counted once. Door
  // visits are numbered in (member, household, day) order.
  std::vector<std::size_t> scoped;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> door_index;
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t i = rows[j];
    if (!in.ward.empty() && ward_of_visit(i) != in.ward) continue;
    scoped.push_back(j);
    door_index.emplace(std::make_tuple(member[i], household[i], date[i]), 0);
  }
  std::vector<std::string> door_member, door_household;
  for (auto& [key, index] : door_index) {
    index = door_member.size();
    door_member.push_back(std::get<0>(key));
    door_household.push_back(std::get<1>(key));
  }
  const std::size_t doors = door_member.size();
  std::vector<std::size_t> door_of;
  std::vector<double> row_minutes, row_success, row_expected;
  for (std::size_t j : scoped) {
    const std::size_t i = rows[j];
    door_of.push_back(door_index.at(std::make_tuple(member[i], household[i], date[i])));
    const campaign_action* act = catalogue_action(action[i]);
    row_minutes.push_back(act != nullptr ? act->minutes : in.default_action_minutes);
    row_success.push_back(success[j]);
    row_expected.push_back(expected[j]);
  }
  std::vector<double> door_minutes = detail::group_sums(door_of, row_minutes, doors);
  const std::vector<double> door_success = detail::group_sums(door_of, row_success, doors);
  const std::vector<double> door_expected = detail::group_sums(door_of, row_expected, doors);
  for (auto& x : door_minutes) x += in.catalogue.travel_minutes;
  res.month_visits = doors;
  res.households_visited = std::set<std::string>(door_household.begin(), door_household.end()).size();

  // Per member, over their door visits (in door order).
  std::vector<std::string> members;            // sorted
  std::vector<std::size_t> member_of_door;
  for (std::size_t d = 0; d < doors; ++d) {
    if (members.empty() || members.back() != door_member[d]) members.push_back(door_member[d]);
    member_of_door.push_back(members.size() - 1);
  }
  {
    const auto conv = detail::group_sums(member_of_door, door_success, members.size());
    const auto expd = detail::group_sums(member_of_door, door_expected, members.size());
    const auto mins = detail::group_sums(member_of_door, door_minutes, members.size());
    std::vector<std::set<std::string>> seen(members.size());
    std::vector<std::size_t> count(members.size());
    for (std::size_t d = 0; d < doors; ++d) {
      ++count[member_of_door[d]];
      seen[member_of_door[d]].insert(door_household[d]);
    }
    for (std::size_t k = 0; k < members.size(); ++k) {
      member_visits r;
      r.member_id = members[k];
      auto it = on_roster.find(r.member_id);
      if (it != on_roster.end()) {
        r.team_id = it->second.team;
        r.name = it->second.name;
      }
      r.visits = count[k];
      r.households = seen[k].size();
      r.conversions = conv[k];
      r.expected = expd[k];
      r.minutes = mins[k];
      r.hours = r.minutes / 60;
      res.members.push_back(std::move(r));
    }
  }
  // Per team, over its members' door visits (adoptions; the households it reached).
  std::map<std::string, std::size_t> door_team_index;
  for (std::size_t d = 0; d < doors; ++d) door_team_index.emplace(team_of(door_member[d]), 0);
  {
    std::size_t k = 0;
    for (auto& kv : door_team_index) kv.second = k++;
  }
  std::vector<std::size_t> team_of_door;
  for (std::size_t d = 0; d < doors; ++d) team_of_door.push_back(door_team_index.at(team_of(door_member[d])));
  const auto team_conversions = detail::group_sums(team_of_door, door_success, door_team_index.size());
  const auto team_expected = detail::group_sums(team_of_door, door_expected, door_team_index.size());
  std::vector<std::set<std::string>> team_households(door_team_index.size());
  for (std::size_t d = 0; d < doors; ++d) team_households[team_of_door[d]].insert(door_household[d]);

  // Planned against done: the plan's visits of the month (and of the ward) per member.
  if (in.plan) {
    const table& plan = *in.plan;
    const auto& planned_member = detail::required_text(plan, "member_id");
    std::string date_column;
    for (const char* c : {"date", "week_start", "day"})
      if (date_column.empty() && plan.has(c)) date_column = c;
    const text_column* planned_date = date_column.empty() ? nullptr : &detail::required_text(plan, date_column.c_str());
    const text_column* planned_ward = plan.has("ward_code") ? &detail::required_text(plan, "ward_code") : nullptr;
    std::map<std::string, std::size_t> planned;
    for (std::size_t i = 0; i < plan.rows(); ++i) {
      if (planned_date != nullptr && detail::month_of_date((*planned_date)[i], plan, i, date_column) != month) continue;
      // a ward's report counts the visits planned in the ward, as its log does
      if (!in.ward.empty() &&
          (planned_ward != nullptr ? (*planned_ward)[i] : member_ward(planned_member[i])) != in.ward)
        continue;
      ++planned[planned_member[i]];
    }
    for (auto& r : res.members) {
      auto it = planned.find(r.member_id);
      r.visits_planned = it == planned.end() ? 0 : it->second;
    }
    for (const auto& [m, count] : planned) {
      if (std::binary_search(members.begin(), members.end(), m)) continue;
      member_visits r;  // planned, not visited
      r.member_id = m;
      auto it = on_roster.find(m);
      if (it != on_roster.end()) {
        r.team_id = it->second.team;
        r.name = it->second.name;
      }
      r.visits_planned = count;
      res.members.push_back(std::move(r));
    }
  } else {
    res.notes.emplace_back("no_plan");
  }
  const double a = in.nomination.prior_strength;
  for (auto& r : res.members) detail::rates(r, a);
  std::stable_sort(res.members.begin(), res.members.end(), [](const member_visits& x, const member_visits& y) {
    return x.team_id != y.team_id ? x.team_id < y.team_id : x.member_id < y.member_id;
  });

  // Per team, its members added (in member order).
  std::vector<std::size_t> team_of_member;
  for (std::size_t i = 0; i < res.members.size(); ++i) {
    if (res.teams.empty() || res.teams.back().team_id != res.members[i].team_id) {
      res.teams.emplace_back();
      res.teams.back().team_id = res.members[i].team_id;
      if (in.plan) res.teams.back().visits_planned = 0;
    }
    team_of_member.push_back(res.teams.size() - 1);
    auto& t = res.teams.back();
    const auto& r = res.members[i];
    t.visits += r.visits;
    t.households += r.households;
    if (t.visits_planned) *t.visits_planned += r.visits_planned.value_or(0);
  }
  std::vector<double> member_hours;
  for (const auto& r : res.members) member_hours.push_back(r.hours);
  const auto hours = detail::group_sums(team_of_member, member_hours, res.teams.size());
  for (std::size_t k = 0; k < res.teams.size(); ++k) {
    auto& t = res.teams[k];
    t.hours = hours[k];
    auto v = door_team_index.find(t.team_id);
    if (v != door_team_index.end()) {
      t.conversions = team_conversions[v->second];
      t.expected = team_expected[v->second];
      t.distinct_households = team_households[v->second].size();
    }
    detail::rates(t, a);
  }

  // Small cells: adoption figures come from the households visited. A team's adoptions are the
  // sum of its members', so a member or team with fewer than k households is hidden and
  // complementary cells are hidden along team = sum of members (visit counts and hours, the
  // members' own work, are published). A member who visited nobody has no adoption figures: not a
  // cell of the pattern, marked primary (as the pandas report did) with nothing to hide.
  std::vector<cell_count> cells;
  for (const auto& t : res.teams) cells.push_back({"team:" + t.team_id, "", static_cast<double>(t.distinct_households)});
  std::vector<std::size_t> member_cell(res.members.size(), cells.size() + res.members.size());
  for (std::size_t i = 0; i < res.members.size(); ++i)
    if (res.members[i].households > 0) {
      member_cell[i] = cells.size();
      cells.push_back({"member:" + res.members[i].member_id, "team:" + res.members[i].team_id,
                       static_cast<double>(res.members[i].households)});
    }
  const std::vector<cell_status> status = suppress_small_cells(cells, {in.min_households});
  auto hide = [](auto& r) {
    r.conversions = r.expected = r.per_hour = r.adjusted_rate = missing;
  };
  for (std::size_t i = 0; i < res.teams.size(); ++i) {
    res.teams[i].suppression = status[i];
    if (status[i] != cell_status::published) hide(res.teams[i]);
  }
  for (std::size_t i = 0; i < res.members.size(); ++i) {
    auto& r = res.members[i];
    r.suppression = member_cell[i] < status.size() ? status[member_cell[i]] : cell_status::primary;
    if (r.suppression != cell_status::published) hide(r);
  }

  res.nominated_members = detail::nominated(res.members, in.nomination.members);
  res.nominated_teams = detail::nominated(res.teams, in.nomination.teams);
  return res;
}

}  // namespace commdx::report
