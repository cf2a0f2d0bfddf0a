#include "prelude.hpp"

#include "commdx/places.hpp"

// P1, P2: commdx.Places. pandas conveniences (from_dataframe, to_dataframe) are added in
// python/commdx/places.py.
void bind_places(py::module_& m) {
  using commdx::places;
  py::class_<places>(m, "Places", "The administrative tree: city, wards/communes, neighbourhoods/villages, residential groups.")
      .def_static("vung_tau", &places::vung_tau, "The built-in city: Vũng Tàu's 17 units (2022) under the city.")
      .def_static("from_file", &places::from_file, py::arg("path"), "Read units from a .json or .csv file.")
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
