#include "bind_estimate.hpp"

#include <string>
#include <vector>

#include "commdx/estimate.hpp"

// S1-S4: design-based estimates (include/commdx/estimate.hpp). The pandas API is
// python/commdx/estimate.py (commdx.SurveyDesign, commdx.estimate, commdx.estimate_ratio).
namespace {
commdx::interval_choice interval_of(const std::string& ci) {
  if (ci == "auto") return commdx::interval_choice::automatic;
  if (ci == "wald") return commdx::interval_choice::wald;
  if (ci == "logit") return commdx::interval_choice::logit;
  throw commdx::config_error(commdx::location::in_file("ci"), "ci must be auto, wald or logit, got '" + ci + "'");
}
}  // namespace

void bind_estimate(py::module_& m) {
  m.def(
      "_estimate",
      [](const py::dict& columns, const py::dict& design, const std::vector<std::string>& variables,
         const std::string& stat, const std::vector<std::string>& by, double level, const std::string& ci,
         const std::string& source) {
        commdx::statistic_kind kind;
        if (stat == "mean") kind = commdx::statistic_kind::mean;
        else if (stat == "total") kind = commdx::statistic_kind::total;
        else throw commdx::config_error(commdx::location::in_file(source).in_column("stat"), "stat must be mean or total, got '" + stat + "'");
        commdx::table t = commdx::bind::estimate_table_from_py(columns, source);
        const commdx::survey_design d = commdx::bind::design_from_py(design);
        const commdx::interval_choice choice = interval_of(ci);
        commdx::table out;
        {
          py::gil_scoped_release release;
          out = commdx::estimate(t, d, variables, kind, by, level, choice);
        }
        return commdx::bind::table_to_py(out);
      },
      py::arg("columns"), py::arg("design"), py::arg("variables"), py::arg("stat"), py::arg("by"),
      py::arg("level"), py::arg("ci"), py::arg("source") = "DataFrame");
  m.def(
      "_estimate_ratio",
      [](const py::dict& columns, const py::dict& design, const std::string& numerator, const std::string& denominator,
         const std::vector<std::string>& by, double level, const std::string& ci, const std::string& source) {
        commdx::table t = commdx::bind::estimate_table_from_py(columns, source);
        const commdx::survey_design d = commdx::bind::design_from_py(design);
        const commdx::interval_choice choice = interval_of(ci);
        commdx::table out;
        {
          py::gil_scoped_release release;
          out = commdx::estimate_ratio(t, d, numerator, denominator, by, level, choice);
        }
        return commdx::bind::table_to_py(out);
      },
      py::arg("columns"), py::arg("design"), py::arg("numerator"), py::arg("denominator"), py::arg("by"),
      py::arg("level"), py::arg("ci"), py::arg("source") = "DataFrame");
  m.def(
      "_parse_design", [](const std::string& spec) { return commdx::bind::json_to_py(commdx::survey_design::parse(spec).to_json()); },
      py::arg("spec"), "'weight=w,strata=s,psu=p,fpc=f,lonely_psu=adjust' -> dict");
}
