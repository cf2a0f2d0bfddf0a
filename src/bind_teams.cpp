#include "prelude.hpp"

#include <pybind11/operators.h>

#include <optional>
#include <string>
#include <vector>

#include "commdx/teams.hpp"

// T1-T5: commdx.Member, commdx.Team, commdx.Roster, commdx.RuleSet and the raw check/coverage
// functions. python/commdx/teams.py adds the pandas conveniences and the public check_teams and
// team_coverage.
namespace {

using namespace commdx;

template <class E>
E parse_or_throw(const std::string& s, std::optional<E> (*parse)(std::string_view), const char* what,
                 const char* expected) {
  auto v = parse(s);
  if (!v) throw input_error(location{}.in_column(what), std::string("unknown ") + what + " '" + s + "' (expected " + expected + ")");
  return *v;
}

member make_member(const std::string& id, const std::string& name, const std::string& role, const std::string& aff,
                   const std::vector<std::string>& skills, std::optional<double> hours, std::optional<std::string> phone) {
  member m;
  m.id = id;
  m.name = text::to_nfc(name);
  m.role = parse_or_throw<member_role>(role, &parse_member_role, "role", "leader, deputy, member");
  m.affiliation = parse_or_throw<affiliation>(
      aff, &parse_affiliation, "affiliation",
      "pc_vice_chairman, youth_union_secretary, youth_union_member, fatherland_front, womens_union, "
      "executive_board, group_leader, bank_staff, other");
  m.skills = detail::skills_or_throw(skills, location{}.in_column("skills").for_unit(id));
  m.weekly_hours = hours ? *hours : missing;
  detail::check_hours(m.weekly_hours, location{}.in_column("weekly_hours").for_unit(id));
  if (phone && !phone->empty()) m.phone = phone;
  return m;
}

std::optional<double> hours_of(const member& m) {
  if (is_missing(m.weekly_hours)) return std::nullopt;
  return m.weekly_hours;
}

// JSON-ready Python objects -> nlohmann::json; a NaN or infinity (which JSON cannot hold) becomes an
// InputError naming the source instead of a bare RuntimeError.
nlohmann::json json_arg(const py::object& obj, const std::string& source) {
  try {
    return bind::json_from_py(obj, source);
  } catch (const nlohmann::json::exception& e) {
    throw input_error(location::in_file(source),
                      std::string("not valid JSON data (a NaN or an infinity?): ") + e.what());
  }
}

py::dict coverage_to_py(const coverage& c) {
  py::dict out;
  out["deadline"] = c.deadline;
  out["neighbourhoods"] = bind::table_to_py(unit_coverage_table(c.neighbourhoods));
  out["groups"] = bind::table_to_py(unit_coverage_table(c.groups));
  out["wards"] = bind::table_to_py(ward_coverage_table(c.wards));
  return out;
}

}  // namespace

void bind_teams(py::module_& m) {
  py::class_<member>(m, "Member", "A team member (T1, T3): role, affiliation, skills, weekly hours, phone.")
      .def(py::init(&make_member), py::arg("id"), py::arg("name") = "", py::arg("role") = "member",
           py::arg("affiliation") = "other", py::arg("skills") = std::vector<std::string>{},
           py::arg("weekly_hours") = py::none(), py::arg("phone") = py::none())
      .def_readwrite("id", &member::id)
      .def_readwrite("name", &member::name)
      .def_property("role", [](const member& x) { return std::string(to_string(x.role)); },
                    [](member& x, const std::string& s) {
                      x.role = parse_or_throw<member_role>(s, &parse_member_role, "role", "leader, deputy, member");
                    })
      .def_property("affiliation", [](const member& x) { return std::string(to_string(x.affiliation)); },
                    [](member& x, const std::string& s) {
                      x.affiliation = parse_or_throw<affiliation>(s, &parse_affiliation, "affiliation", "an affiliation of contracts.md");
                    })
      .def_property("skills", [](const member& x) { return x.skills; },
                    [](member& x, const std::vector<std::string>& s) {
                      x.skills = detail::skills_or_throw(s, location{}.in_column("skills").for_unit(x.id));
                    })
      .def_property("weekly_hours", &hours_of,
                    [](member& x, std::optional<double> h) {
                      double v = h ? *h : missing;
                      detail::check_hours(v, location{}.in_column("weekly_hours").for_unit(x.id));
                      x.weekly_hours = v;
                    })
      .def_readwrite("phone", &member::phone)
      .def("has_skill", &member::has_skill, py::arg("skill"))
      .def("to_json", [](const member& x) { return bind::json_to_py(to_json(x)); })
      .def_static("from_json",
                  [](const py::object& obj, const std::string& source) {
                    return member_from_json(json_arg(obj, source), location::in_file(source));
                  },
                  py::arg("obj"), py::arg("source") = "<json>")
      .def(py::self == py::self)
      .def("__repr__", [](const member& x) {
        return "<commdx.Member " + x.id + " " + x.name + " " + to_string(x.role) + "/" + to_string(x.affiliation) + ">";
      });

  py::class_<team>(m, "Team", "A Community Digital Technology Team (T1 ward, T3 neighbourhood/village, T4 residential group).")
      .def(py::init([](const std::string& id, const std::string& level, const std::string& unit_code,
                       const std::string& decided_by, const std::string& number, const std::string& date,
                       const std::vector<member>& members) {
             team t;
             t.id = id;
             t.level = parse_or_throw<team_level>(level, &parse_team_level, "level", "ward, neighbourhood, residential_group");
             t.unit = unit_code;
             t.decided_by = text::to_nfc(decided_by);
             t.decision_number = text::to_nfc(number);
             t.decision_date = date;
             detail::check_date(t.decision_date, location{}.in_column("decision_date").for_unit(id));
             t.members = members;
             return t;
           }),
           py::arg("id"), py::arg("level"), py::arg("unit"), py::arg("decided_by") = "",
           py::arg("decision_number") = "", py::arg("decision_date") = "",
           py::arg("members") = std::vector<member>{})
      .def_readwrite("id", &team::id)
      .def_property("level", [](const team& t) { return std::string(to_string(t.level)); },
                    [](team& t, const std::string& s) {
                      t.level = parse_or_throw<team_level>(s, &parse_team_level, "level", "ward, neighbourhood, residential_group");
                    })
      .def_readwrite("unit", &team::unit)
      .def_readwrite("decided_by", &team::decided_by)
      .def_readwrite("decision_number", &team::decision_number)
      .def_property("decision_date", [](const team& t) { return t.decision_date; },
                    [](team& t, const std::string& d) {
                      detail::check_date(d, location{}.in_column("decision_date").for_unit(t.id));
                      t.decision_date = d;
                    })
      .def_property("members", [](const team& t) { return t.members; },
                    [](team& t, const std::vector<member>& v) { t.members = v; },
                    "The members (a copy: assign a new list to change them).")
      .def("to_json", [](const team& t) { return bind::json_to_py(to_json(t)); })
      .def_static("from_json",
                  [](const py::object& obj, const std::string& source) {
                    return team_from_json(json_arg(obj, source), location::in_file(source));
                  },
                  py::arg("obj"), py::arg("source") = "<json>")
      .def(py::self == py::self)
      .def("__repr__", [](const team& t) {
        return "<commdx.Team " + t.id + " " + to_string(t.level) + " " + t.unit + ", " +
               std::to_string(t.members.size()) + " members>";
      });

  py::class_<roster>(m, "Roster", "Every team of a city with its members (validated: unique ids, real dates, hours >= 0).")
      .def(py::init([]() { return roster::from_teams({}, "roster"); }))
      .def_static("from_teams",
                  [](const std::vector<team>& teams, const std::string& source) { return roster::from_teams(teams, source); },
                  py::arg("teams"), py::arg("source") = "roster")
      .def_static("from_file", &roster::from_file, py::arg("path"), "Read a roster from .json or .csv (XLSX: use commdx.read_roster).")
      .def_static("from_json_text", &roster::from_json_text, py::arg("text"), py::arg("source") = "<json>")
      .def_static("from_csv_text", &roster::from_csv_text, py::arg("text"), py::arg("source") = "<csv>")
      .def_static("from_json",
                  [](const py::object& obj, const std::string& source) {
                    return roster::from_json(json_arg(obj, source), source);
                  },
                  py::arg("obj"), py::arg("source") = "<json>",
                  "A roster from a JSON-ready dict {'teams': [...]} (contracts.md).")
      .def_static("_from_columns",
                  [](const py::dict& cols, const std::string& source, const std::vector<std::size_t>& lines) {
                    return roster::from_table(bind::table_from_py(cols, source), lines);
                  },
                  py::arg("columns"), py::arg("source") = "DataFrame", py::arg("lines") = std::vector<std::size_t>{})
      .def("_to_columns", [](const roster& r) { return bind::table_to_py(r.to_table()); })
      .def("to_json", [](const roster& r) { return bind::json_to_py(r.to_json()); })
      .def("to_csv_text", &roster::to_csv)
      .def_property_readonly("teams", [](const roster& r) { return r.teams(); })
      .def_property_readonly("source", &roster::source)
      .def("find", [](const roster& r, const std::string& id) -> std::optional<team> {
             const team* t = r.find(id);
             if (!t) return std::nullopt;
             return *t;
           }, py::arg("id"))
      .def("check_units", &roster::check_units, py::arg("places"),
           "Raise ValidationError naming the team's row when a team's unit is not in the places.")
      .def("__len__", &roster::size)
      .def(py::self == py::self)
      .def("__repr__", [](const roster& r) {
        return "<commdx.Roster " + std::to_string(r.size()) + " teams from " + r.source() + ">";
      });

  py::class_<rule_set>(m, "RuleSet", "The directive's composition and deadline rules (team-rules.json).")
      .def_static("shipped", &rule_set::shipped, "The rules shipped with commdx.")
      .def_static("from_file", &rule_set::from_file, py::arg("path"))
      .def_static("from_json",
                  [](const py::object& obj, const std::string& source) {
                    return rule_set::from_json(json_arg(obj, source), source);
                  },
                  py::arg("obj"), py::arg("source") = "<rules>")
      .def("to_json", [](const rule_set& r) { return bind::json_to_py(r.to_json()); })
      .def_property_readonly("deadline", &rule_set::deadline)
      .def_property_readonly("name", &rule_set::name)
      .def_property_readonly("ids", [](const rule_set& r) {
        std::vector<std::string> ids;
        for (const auto& x : r.rules()) ids.push_back(x.id);
        return ids;
      })
      .def("__len__", [](const rule_set& r) { return r.rules().size(); })
      .def("__repr__", [](const rule_set& r) {
        return "<commdx.RuleSet " + std::to_string(r.rules().size()) + " rules, deadline " + r.deadline() + ">";
      });

  m.def("_check_teams",
        [](const roster& r, const places& p, const rule_set& rules, std::optional<std::string> deadline) {
          return bind::table_to_py(findings_table(check_teams(r, p, rules, deadline)));
        },
        py::arg("roster"), py::arg("places"), py::arg("rules"), py::arg("deadline") = py::none());
  m.def("_team_coverage",
        [](const roster& r, const places& p, const std::string& deadline) { return coverage_to_py(team_coverage(r, p, deadline)); },
        py::arg("roster"), py::arg("places"), py::arg("deadline"));
  m.def("_team_coverage_json",
        [](const roster& r, const places& p, const std::string& deadline) { return bind::json_to_py(team_coverage(r, p, deadline).to_json()); },
        py::arg("roster"), py::arg("places"), py::arg("deadline"));
}
