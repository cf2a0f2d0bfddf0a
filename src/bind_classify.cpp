#include "prelude.hpp"

#include <set>
#include <string>
#include <vector>

#include "commdx/classify.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/places.hpp"

// Bindings of the classify stage (include/commdx/classify.hpp): C1, C2, R2, R3, S5. The pandas
// API is python/commdx/classify.py.
namespace {

commdx::classify_config config_from_py(const py::object& overrides) {
  if (overrides.is_none()) return commdx::classify_config::defaults();
  return commdx::classify_config::from_json(commdx::bind::json_from_py(overrides, "<config>"), "<config>");
}

}  // namespace

void bind_classify(py::module_& m) {
  m.def(
      "_classify_config",
      [](const py::object& overrides) { return commdx::bind::json_to_py(config_from_py(overrides).json); },
      py::arg("overrides") = py::none(),
      "The classify configuration: the shipped defaults merged with `overrides` (a dict).");

  m.def(
      "_classify_read_csv_text",
      [](const std::string& text, const std::string& source) {
        // Every column as text: the classify reader decides each column's number format itself.
        auto rec = commdx::io::parse_csv(text, source);
        std::set<std::string> all(rec.header.begin(), rec.header.end());
        return commdx::bind::table_to_py(commdx::io::to_table(rec, all));
      },
      py::arg("text"), py::arg("source"));

  m.def(
      "_classify_areas",
      [](const py::dict& columns, const std::string& source, const py::object& config, const py::object& known_places,
         bool match_names, const std::string& lang) {
        commdx::table t = commdx::bind::table_from_py(columns, source);
        commdx::classify_config c = config_from_py(config);
        commdx::classification r;
        // Names and codes are matched only against a places list the caller gives (issue 13): a
        // built-in default would take 2025's reused codes for 2022's units.
        if (match_names && !known_places.is_none()) {
          r = commdx::classify_areas(t, c, known_places.cast<const commdx::places*>());
        } else {
          r = commdx::classify_areas(t, c, nullptr);
        }
        py::dict out;
        out["table"] = commdx::bind::table_to_py(r.to_table(lang));
        out["json"] = commdx::bind::json_to_py(r.to_json(lang));
        return out;
      },
      py::arg("columns"), py::arg("source"), py::arg("config") = py::none(), py::arg("places") = py::none(),
      py::arg("match_names") = true, py::arg("lang") = "vi");

  m.def(
      "_access_segments",
      [](const py::dict& columns, const std::string& source, const py::object& config, const std::vector<std::string>& central_wards) {
        commdx::table t = commdx::bind::table_from_py(columns, source);
        auto r = commdx::access_segments(t, config_from_py(config), std::set<std::string>(central_wards.begin(), central_wards.end()));
        return py::make_tuple(commdx::bind::table_to_py(r.households), commdx::bind::table_to_py(r.groups));
      },
      py::arg("columns"), py::arg("source"), py::arg("config") = py::none(), py::arg("central_wards") = std::vector<std::string>{});

  m.def(
      "_education_by_ward",
      [](const py::dict& columns, const std::string& source) {
        return commdx::bind::table_to_py(commdx::education_by_ward(commdx::bind::table_from_py(columns, source)));
      },
      py::arg("columns"), py::arg("source"));
}
