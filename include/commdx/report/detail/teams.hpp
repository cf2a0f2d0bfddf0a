#pragma once
// Internals of report/teams.hpp: T5 coverage from the roster's decision dates alone (when
// teams.hpp's team_coverage refuses the roster), and a team's membership of the report's scope.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "commdx/places.hpp"
#include "commdx/teams.hpp"

namespace commdx::report::detail {

/// Coverage of each neighbourhood and village (of `ward`'s, its direct children, when not "") by
/// the roster alone: covered when a team of it, or of one of its residential groups, was decided
/// on or before `deadline`; late when its only teams were decided after it (or not yet). Ward
/// teams cover no neighbourhood; a team whose unit the places lack covers none. `Row` is
/// report::neighbourhood_coverage.
template <class Row>
std::vector<Row> coverage_from_roster(const roster& r, const places& p, const std::string& ward, const std::string& deadline) {
  auto is_hood = [&p, &ward](const std::string& code) {
    if (!p.contains(code)) return false;
    const unit& u = p.at(code);
    return (u.kind == unit_kind::neighbourhood || u.kind == unit_kind::village) && (ward.empty() || u.parent == ward);
  };
  std::set<std::string> covered, late;
  for (const auto& t : r.teams()) {
    const std::string hood = is_hood(t.unit) ? t.unit : p.contains(t.unit) ? p.at(t.unit).parent : std::string();
    if (!is_hood(hood) || t.level == team_level::ward) continue;
    const std::string decided = t.decision_date.empty() ? std::string("9999") : t.decision_date;
    (decided <= deadline ? covered : late).insert(hood);
  }
  std::vector<Row> out;
  for (const auto& u : p.units())
    if (is_hood(u.code))
      out.push_back({u.code, u.name, covered.count(u.code) != 0, late.count(u.code) != 0 && covered.count(u.code) == 0});
  return out;
}

/// Whether `team_id` is one of `teams`' (report::team_composition rows).
template <class Row>
bool has_team(const std::vector<Row>& teams, const std::string& team_id) {
  return std::any_of(teams.begin(), teams.end(), [&team_id](const Row& t) { return t.team == team_id; });
}

}  // namespace commdx::report::detail
