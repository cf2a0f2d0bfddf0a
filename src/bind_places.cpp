#include "prelude.hpp"

#include "commdx/places.hpp"

// P1, P2: commdx.Places. pandas conveniences (from_dataframe, to_dataframe) are added in
// python/commdx/places.py.
void bind_places(py::module_& m) {
  using commdx::places;
  py::class_<places>(m, "Places", "The administrative tree: city, wards/communes, neighbourhoods/villages, residential groups.")
      .def_static("vung_tau", &places::vung_tau, "The built-in city of 2022: Vũng Tàu's 17 units under the city (vintage '2022').")
      .def_static("vung_tau_2025", &places::vung_tau_2025,
                  "The built-in city since 1 July 2025: Vũng Tàu's five units under Ho Chi Minh City, with the published "
                  "areas and populations (vintage '2025').")
      .def_static("vietnam", &places::vietnam,
                  "Vietnam's 3,321 commune-level units of 2025 under their 34 provinces under the country 'VN' "
                  "(statistics office codes; vintage '2025').")
      .def_static("_vung_tau_2022_to_2025",
                  []() {
                    py::dict cols;
                    std::vector<std::string> a, b, c, d;
                    for (const auto& l : places::vung_tau_2022_to_2025()) {
                      a.push_back(l.code_2022); b.push_back(l.name_2022); c.push_back(l.code_2025); d.push_back(l.name_2025);
                    }
                    cols["code_2022"] = a; cols["name_2022"] = b; cols["code_2025"] = c; cols["name_2025"] = d;
                    return cols;
                  })
      .def_static("_from_file", &places::from_file, py::arg("path"),
                  "Read units from a .json or .csv file (the C++ reader; Places.from_file also reads XLSX).")
      .def_static("from_csv_text", &places::from_csv_text, py::arg("text"), py::arg("source") = "<csv>")
      .def_static("from_json_text", &places::from_json_text, py::arg("text"), py::arg("source") = "<json>")
      .def_static("_from_columns",
                  [](const py::dict& cols, const std::string& source) {
                    return places::from_table(commdx::bind::table_from_py(cols, source));
                  },
                  py::arg("columns"), py::arg("source") = "DataFrame")
      .def("_to_columns", [](const places& p) { return commdx::bind::table_to_py(p.to_table()); })
      .def("to_json", [](const places& p) { return commdx::bind::json_to_py(p.to_json()); },
           "The units as a JSON-ready dict {'units': [...]}; Places.from_json reads it back.")
      .def_static("from_json",
                  [](const py::object& obj, const std::string& source) {
                    return places::from_json(commdx::bind::json_from_py(obj, source), source);
                  },
                  py::arg("obj"), py::arg("source") = "<json>")
      .def("_with_units", &places::with_units, py::arg("more"), py::arg("under"))
      .def("subtree", &places::subtree, py::arg("code"),
           "The unit, everything below it and its chain of parents (one commune cut out of Places.vietnam()).")
      .def_property_readonly("vintage", &places::vintage,
                             "The year of the list the codes refer to ('2022', '2025'), or '' when not said.")
      .def("with_vintage", &places::with_vintage, py::arg("year"), "A copy whose codes are said to be of `year`'s list.")
      .def("require_vintage", &places::require_vintage, py::arg("year"), py::arg("what"),
           "Raises ValidationError when `what` refers to another year's list than these places.")
      .def("match_row",
           [](const places& p, const std::string& code, const std::string& name, const std::string& source, std::size_t row) {
             return p.match_row(code, name, commdx::location::in_file(source).at_row(row));
           },
           py::arg("code"), py::arg("name"), py::arg("source") = "", py::arg("row") = 0,
           "The code a row giving a code and/or a name means; refuses a code of another year's list (naming both).")
      .def_property_readonly("source", &places::source)
      .def("__len__", &places::size)
      .def("__contains__", &places::contains, py::arg("code"))
      .def("codes", [](const places& p) {
        std::vector<std::string> out;
        for (const auto& u : p.units()) out.push_back(u.code);
        return out;
      })
      .def("name", [](const places& p, const std::string& code) { return p.at(code).name; }, py::arg("code"))
      .def("kind", [](const places& p, const std::string& code) { return std::string(commdx::to_string(p.at(code).kind)); }, py::arg("code"))
      .def("parent", &places::parent, py::arg("code"))
      .def("children", &places::children, py::arg("code"))
      .def("ancestors", &places::ancestors, py::arg("code"))
      .def("descendants", &places::descendants, py::arg("code"))
      .def("level", &places::level, py::arg("code"))
      .def("ward_of", &places::ward_of, py::arg("code"))
      .def("at_level", &places::at_level, py::arg("level"))
      .def("roots", &places::roots)
      .def("describe", py::overload_cast<const std::string&>(&places::describe, py::const_), py::arg("code"))
      .def("match", &places::match, py::arg("name"), py::arg("within") = "",
           "The code of the unit a hand-typed name means ('p.1', 'Xã Long Sơn', 'KP3, P.1'); "
           "raises NameMatchError listing the closest candidates when none or several match.")
      .def("__repr__", [](const places& p) { return "<commdx.Places " + std::to_string(p.size()) + " units from " + p.source() + ">"; });
}
