#include "bind_estimate.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "commdx/indicators.hpp"
#include "commdx/indicators/statistics.hpp"
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
  // What _indicators and _indicator_statistics take: the records, the design, the catalogue
  // and the options.
  struct request {
    commdx::table h, b;
    bool have_b = false;
    commdx::survey_design design;
    commdx::indicator_catalogue catalogue;
    commdx::indicator_options options;
  };
  auto catalogue_of = [](const py::object& catalogue) {
    return catalogue.is_none() ? commdx::indicator_catalogue::builtin()
                               : commdx::indicator_catalogue::from_json(commdx::bind::json_from_py(catalogue, "catalogue"), "catalogue");
  };
  auto options_of = [](const std::vector<std::pair<std::string, std::string>>& levels, const std::string& as_of, double level) {
    commdx::indicator_options opt;
    opt.levels.clear();
    for (const auto& [name, column] : levels) opt.levels.push_back({name, column});
    opt.as_of = as_of;
    opt.level = level;
    return opt;
  };
  auto request_of = [catalogue_of, options_of](const py::dict& households, const py::object& design, const py::object& catalogue,
                                               const std::vector<std::pair<std::string, std::string>>& levels,
                                               const std::string& as_of, double level, const py::object& businesses,
                                               const std::map<std::string, std::vector<std::string>>& labels,
                                               const std::string& households_source, const std::string& businesses_source) {
    request r;
    // the tables carry the file they came from, so an error names it rather than "households"
    r.h = commdx::bind::estimate_table_from_py(households, households_source);
    r.have_b = !businesses.is_none();
    if (r.have_b) r.b = commdx::bind::estimate_table_from_py(businesses.cast<py::dict>(), businesses_source);
    auto [d, calibration] = commdx::bind::design_of(design);  // a SurveyDesign's dict, or a CalibratedDesign
    r.design = std::move(d);
    r.catalogue = catalogue_of(catalogue);
    r.options = options_of(levels, as_of, level);
    r.options.labels = labels;
    r.options.calibration = std::move(calibration);
    return r;
  };
  m.def(
      "_indicators",
      [request_of](const py::dict& households, const commdx::places& where, const py::object& design, const py::object& catalogue,
                   const std::vector<std::pair<std::string, std::string>>& levels, const std::string& as_of, double level,
                   const py::object& businesses, const std::map<std::string, std::vector<std::string>>& labels,
                   const std::string& households_source, const std::string& businesses_source) {
        const request r = request_of(households, design, catalogue, levels, as_of, level, businesses, labels,
                                     households_source, businesses_source);
        commdx::table out;
        {
          py::gil_scoped_release release;
          out = commdx::compute_indicators(r.h, where, r.design, r.catalogue, r.options, r.have_b ? &r.b : nullptr);
        }
        return commdx::bind::table_to_py(out);
      },
      py::arg("households"), py::arg("places"), py::arg("design"), py::arg("catalogue"), py::arg("levels"),
      py::arg("as_of"), py::arg("level"), py::arg("businesses"),
      py::arg("labels") = std::map<std::string, std::vector<std::string>>{},
      py::arg("households_source") = "households", py::arg("businesses_source") = "businesses");
  m.def(
      "_indicator_statistics",
      [request_of](const py::dict& households, const commdx::places& where, const py::object& design, const py::object& catalogue,
                   const std::vector<std::pair<std::string, std::string>>& levels, const py::object& businesses,
                   const std::map<std::string, std::vector<std::string>>& labels, const std::string& households_source,
                   const std::string& businesses_source) {
        const request r = request_of(households, design, catalogue, levels, "", 0.95, businesses, labels, households_source,
                                     businesses_source);
        nlohmann::json out;
        {
          py::gil_scoped_release release;
          out = commdx::to_json(commdx::summarise_indicators(r.h, where, r.design, r.catalogue, r.options, r.have_b ? &r.b : nullptr));
        }
        return commdx::bind::json_to_py(out);
      },
      py::arg("households"), py::arg("places"), py::arg("design"), py::arg("catalogue"), py::arg("levels"), py::arg("businesses"),
      py::arg("labels") = std::map<std::string, std::vector<std::string>>{},
      py::arg("households_source") = "households", py::arg("businesses_source") = "businesses",
      "The sufficient statistics of _indicators' table (include/commdx/indicators/statistics.hpp), as a JSON-ready dict.");
  // Several statistics documents (each with the file it was read from) merged into one.
  auto merged = [](const py::list& documents, const std::vector<std::string>& sources) {
    if (documents.size() != sources.size()) throw commdx::config_error(commdx::location::in_file("statistics"), "one source per document");
    std::vector<commdx::indicator_statistics> all;
    for (std::size_t i = 0; i < sources.size(); ++i)
      all.push_back(commdx::statistics_from_json(commdx::bind::json_from_py(documents[i], sources[i]), sources[i]));
    return all.size() == 1 ? all.front() : commdx::merge_statistics(all);
  };
  m.def(
      "_merge_statistics",
      [merged](const py::list& documents, const std::vector<std::string>& sources) {
        return commdx::bind::json_to_py(commdx::to_json(merged(documents, sources)));
      },
      py::arg("documents"), py::arg("sources"), "Wards' statistics documents merged into the city's.");
  m.def(
      "_indicators_from_statistics",
      [merged, catalogue_of, options_of](const py::list& documents, const std::vector<std::string>& sources,
                                         const commdx::places& where, const py::object& catalogue,
                                         const std::vector<std::pair<std::string, std::string>>& levels, const std::string& as_of,
                                         double level) {
        const auto s = merged(documents, sources);
        const auto cat = catalogue_of(catalogue);
        const auto opt = options_of(levels, as_of, level);
        commdx::table out;
        {
          py::gil_scoped_release release;
          out = commdx::indicators_from_statistics(s, where, cat, opt);
        }
        return commdx::bind::table_to_py(out);
      },
      py::arg("documents"), py::arg("sources"), py::arg("places"), py::arg("catalogue"), py::arg("levels"), py::arg("as_of"),
      py::arg("level"), "_indicators' table from (merged) statistics documents.");
}
