#pragma once
// The monthly report's teams section (T1, T3, T5; issue 12: the report's computations in C++),
// moved from python/commdx/report.py's _teams_section, _coverage_from_roster and
// _deadline_in_force:
//
//  * the deadline in force: the rule set's (team-rules.json, written once there), or an explicit
//    deadline in its place, which the result states beside the rule set's (never silent);
//  * the composition of each team of the report's scope (the city, or one ward's teams): members,
//    Youth Union members, bank staff and weekly hours;
//  * T5 coverage of each neighbourhood and village of the scope by teams.hpp's team_coverage, by
//    the deadline in force (covered on time, or only by a late team);
//  * the T1/T3/T5 findings of teams.hpp's check_teams by the rule set and that deadline (a ward's
//    report: the findings of its teams).
//
// A roster that coverage or the checks refuse (a team of a unit the places do not have) does not
// stop the report: coverage is then counted from the roster's decision dates alone, the findings
// are absent, and the result says so in a note carrying the refusal's message. The words are the
// caller's (python/commdx/report.py words the notes).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"
#include "commdx/places.hpp"
#include "commdx/report/detail/teams.hpp"
#include "commdx/teams.hpp"

namespace commdx::report {

struct teams_inputs {
  commdx::roster roster;   ///< the teams (teams.hpp, the one roster type)
  commdx::places places;   ///< the places tree the teams' units are in
  rule_set rules = rule_set::shipped();  ///< T1/T3 composition and T5 coverage, by its deadline
  /// YYYY-MM-DD in place of the rule set's deadline (none: the rule set's).
  std::optional<std::string> deadline;
  std::string ward;        ///< a ward's report; "": the city's
};

/// One team of the report's scope.
struct team_composition {
  std::string team, unit;
  std::string ward;        ///< the ward its unit lies in ("" above the ward level)
  team_level level = team_level::neighbourhood;
  std::optional<std::string> decision_date;  ///< none: not decided yet
  std::size_t members = 0, youth_union_members = 0, bank_staff = 0;
  double weekly_hours = 0;  ///< the members' weekly hours added (a member without hours adds 0)
};

/// T5: one neighbourhood or village of the report's scope.
struct neighbourhood_coverage {
  std::string unit, name;
  bool covered_by_deadline = false;  ///< a team decided on or before the deadline in force
  bool late_team = false;            ///< not covered, but a team decided after it
};

/// A part of the section computed another way, or not at all, and why.
struct teams_note {
  /// "coverage_from_roster" (team_coverage refused the roster: coverage from its decision dates)
  /// or "findings_refused" (check_teams refused it: no findings).
  std::string id;
  std::string message;  ///< the refusal's message (commdx::error::what())
};

struct teams_result {
  std::string deadline;                       ///< the deadline in force
  std::optional<std::string> rules_deadline;  ///< the rule set's, when `deadline` overrides it
  std::vector<team_composition> teams;        ///< in roster order
  std::vector<neighbourhood_coverage> coverage;  ///< in places order
  std::optional<std::vector<finding>> findings;  ///< none: the checks refused the roster
  std::vector<teams_note> notes;

  std::size_t covered_by_deadline() const;
  /// Findings of a severity (none without findings).
  std::optional<std::size_t> count(severity s) const;
};

inline std::size_t teams_result::covered_by_deadline() const {
  std::size_t n = 0;
  for (const auto& c : coverage) n += c.covered_by_deadline ? 1 : 0;
  return n;
}

inline std::optional<std::size_t> teams_result::count(severity s) const {
  if (!findings) return std::nullopt;
  std::size_t n = 0;
  for (const auto& f : *findings) n += f.severity == s ? 1 : 0;
  return n;
}

/// The section as JSON: {deadline, rules_deadline (null: no override), teams: [{team, level, unit,
/// ward, decision_date (null: not decided), members, youth_union_members, bank_staff,
/// weekly_hours}], coverage: [{unit, name, covered_by_deadline, late_team}], findings (null:
/// refused; else teams.hpp's finding objects), notes: [{id, message}]}.
inline nlohmann::json to_json(const teams_result& r) {
  auto optional_text = [](const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(nullptr); };
  nlohmann::json teams = nlohmann::json::array(), coverage = nlohmann::json::array(), notes = nlohmann::json::array();
  for (const auto& t : r.teams)
    teams.push_back({{"team", t.team}, {"level", to_string(t.level)}, {"unit", t.unit}, {"ward", t.ward},
                     {"decision_date", optional_text(t.decision_date)}, {"members", t.members},
                     {"youth_union_members", t.youth_union_members}, {"bank_staff", t.bank_staff},
                     {"weekly_hours", t.weekly_hours}});
  for (const auto& c : r.coverage)
    coverage.push_back({{"unit", c.unit}, {"name", c.name}, {"covered_by_deadline", c.covered_by_deadline},
                        {"late_team", c.late_team}});
  for (const auto& n : r.notes) notes.push_back({{"id", n.id}, {"message", n.message}});
  nlohmann::json findings = nullptr;
  if (r.findings) {
    findings = nlohmann::json::array();
    for (const auto& f : *r.findings) findings.push_back(commdx::to_json(f));
  }
  return {{"deadline", r.deadline}, {"rules_deadline", optional_text(r.rules_deadline)}, {"teams", std::move(teams)},
          {"coverage", std::move(coverage)}, {"findings", std::move(findings)}, {"notes", std::move(notes)}};
}

/// The teams section of a month's report (see the header). Throws input_error for a deadline
/// that is not a date YYYY-MM-DD.
inline teams_result teams_section(const teams_inputs& in) {
  teams_result res;
  res.deadline = in.deadline.value_or(in.rules.deadline());
  if (res.deadline != in.rules.deadline()) res.rules_deadline = in.rules.deadline();
  if (!valid_iso_date(res.deadline))
    throw input_error(location::in_file("deadline"), "the deadline must be a date YYYY-MM-DD, got '" + res.deadline + "'");

  for (const auto& t : in.roster.teams()) {
    team_composition c;
    c.team = t.id;
    c.unit = t.unit;
    c.ward = in.places.contains(t.unit) ? in.places.ward_of(t.unit).value_or("") : t.unit;
    if (!in.ward.empty() && c.ward != in.ward) continue;
    c.level = t.level;
    if (!t.decision_date.empty()) c.decision_date = t.decision_date;
    c.members = t.members.size();
    for (const auto& m : t.members) {
      c.youth_union_members += m.affiliation == affiliation::youth_union_member ? 1 : 0;
      c.bank_staff += m.affiliation == affiliation::bank_staff ? 1 : 0;
      c.weekly_hours += is_missing(m.weekly_hours) ? 0.0 : m.weekly_hours;
    }
    res.teams.push_back(std::move(c));
  }

  try {
    for (const auto& u : team_coverage(in.roster, in.places, res.deadline).neighbourhoods)
      if (in.ward.empty() || u.ward == in.ward)
        res.coverage.push_back({u.unit, u.unit_name, u.status == "on_time", u.status == "late"});
  } catch (const error& e) {
    res.notes.push_back({"coverage_from_roster", e.what()});
    res.coverage = detail::coverage_from_roster<neighbourhood_coverage>(in.roster, in.places, in.ward, res.deadline);
  }

  try {
    std::vector<finding> all = check_teams(in.roster, in.places, in.rules, res.deadline);
    if (!in.ward.empty() && !res.teams.empty()) {  // a ward's report: the findings of its teams
      std::vector<finding> own;
      for (auto& f : all)
        if (detail::has_team(res.teams, f.team)) own.push_back(std::move(f));
      all = std::move(own);
    }
    res.findings = std::move(all);
  } catch (const error& e) {
    res.notes.push_back({"findings_refused", e.what()});
  }
  return res;
}

}  // namespace commdx::report
