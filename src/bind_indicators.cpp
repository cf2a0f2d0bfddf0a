#include "bind_estimate.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "commdx/indicators.hpp"
#include "commdx/places.hpp"

// S1-S4, K1-K10, R3: the indicator catalogue and per-unit indicators
// (include/commdx/indicators.hpp); the pandas API is python/commdx/indicators.py.
void bind_indicators(py::module_& m) {
  m.def("_indicator_catalogue", []() { return commdx::bind::json_to_py(commdx::indicator_catalogue::builtin().to_json()); },
        "The shipped indicator catalogue as a JSON-ready dict.");
  m.def(
      "_check_catalogue",
      [](const py::object& catalogue, const std::string& source) {
        return commdx::bind::json_to_py(
            commdx::indicator_catalogue::from_json(commdx::bind::json_from_py(catalogue, source), source).to_json());
      },
      py::arg("catalogue"), py::arg("source") = "<catalogue>");
  m.def(
      "_indicators",
      [](const py::dict& households, const commdx::places& where, const py::object& design, const py::object& catalogue,
         const std::vector<std::pair<std::string, std::string>>& levels, const std::string& as_of, double level,
         const py::object& businesses, const std::map<std::string, std::vector<std::string>>& labels,
         const std::string& households_source, const std::string& businesses_source) {
        // the tables carry the file they came from, so an error names it rather than "households"
        commdx::table h = commdx::bind::estimate_table_from_py(households, households_source);
        commdx::table b;
        const bool have_b = !businesses.is_none();
        if (have_b) b = commdx::bind::estimate_table_from_py(businesses.cast<py::dict>(), businesses_source);
        const auto [d, calibration] = commdx::bind::design_of(design);
        const commdx::indicator_catalogue cat =
            catalogue.is_none() ? commdx::indicator_catalogue::builtin()
                                : commdx::indicator_catalogue::from_json(commdx::bind::json_from_py(catalogue, "catalogue"), "catalogue");
        commdx::indicator_options opt;
        opt.levels.clear();
        for (const auto& [name, column] : levels) opt.levels.push_back({name, column});
        opt.as_of = as_of;
        opt.level = level;
        opt.labels = labels;
        opt.calibration = calibration;
        commdx::table out;
        {
          py::gil_scoped_release release;
          out = commdx::compute_indicators(h, where, d, cat, opt, have_b ? &b : nullptr);
        }
        return commdx::bind::table_to_py(out);
      },
      py::arg("households"), py::arg("places"), py::arg("design"), py::arg("catalogue"), py::arg("levels"),
      py::arg("as_of"), py::arg("level"), py::arg("businesses"),
      py::arg("labels") = std::map<std::string, std::vector<std::string>>{},
      py::arg("households_source") = "households", py::arg("businesses_source") = "businesses");
}
