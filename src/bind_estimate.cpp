#include "bind_estimate.hpp"

#include <string>
#include <vector>

#include "commdx/calibrate.hpp"
#include "commdx/estimate.hpp"

// S1-S4: design-based estimates (include/commdx/estimate.hpp). The pandas API is
// python/commdx/estimate.py (commdx.SurveyDesign, commdx.estimate, commdx.estimate_ratio).
// Issue 14: calibration and non-response adjustment (include/commdx/calibrate.hpp); the pandas API
// is python/commdx/calibrate.py. A design argument is a SurveyDesign's dict or a CalibratedDesign.
namespace {
// A CalibratedDesign as Python holds it: the C++ result and the design dict it was made from.
struct py_calibrated {
  commdx::calibrated_design cal;
  py::dict design;
};

commdx::interval_choice interval_of(const std::string& ci) {
  if (ci == "auto") return commdx::interval_choice::automatic;
  if (ci == "wald") return commdx::interval_choice::wald;
  if (ci == "logit") return commdx::interval_choice::logit;
  if (ci == "wald_t") return commdx::interval_choice::wald_t;
  throw commdx::config_error(commdx::location::in_file("ci"), "ci must be auto, wald, wald_t or logit, got '" + ci + "'");
}
}  // namespace

namespace commdx::bind {
std::pair<survey_design, std::shared_ptr<const detail::calibration_residuals>> design_of(const py::object& design) {
  if (py::isinstance<py_calibrated>(design)) {
    const auto& c = design.cast<const py_calibrated&>();
    return {c.cal.design, c.cal.residuals};
  }
  return {design_from_py(design.cast<py::dict>()), nullptr};
}
}  // namespace commdx::bind

namespace {
using commdx::bind::design_of;

void bind_calibrate(py::module_& m) {
  py::class_<py_calibrated>(m, "CalibratedDesign",
                            "A survey design whose weights are calibrated to known totals (commdx.calibrate); works "
                            "wherever a SurveyDesign does, with SEs from the calibration residuals.")
      .def_property_readonly(
          "weights",
          [](const py_calibrated& c) {
            return py::array_t<double>(static_cast<py::ssize_t>(c.cal.weights.size()), c.cal.weights.data());
          },
          "The calibrated weights, in row order.")
      .def_property_readonly(
          "design", [](const py_calibrated& c) { return c.design; }, "The design that was calibrated (SurveyDesign fields).")
      .def_property_readonly(
          "method", [](const py_calibrated& c) { return std::string(commdx::to_string(c.cal.method)); },
          "poststratify, linear or raking.")
      .def_property_readonly(
          "bounds", [](const py_calibrated& c) { return std::make_pair(c.cal.lower, c.cal.upper); },
          "(lo, hi) on g = calibrated / original weight; (-inf, inf) when unbounded.")
      .def_property_readonly(
          "iterations", [](const py_calibrated& c) { return c.cal.iterations; }, "Newton steps taken (1 for the direct methods).")
      .def_property_readonly(
          "constraints",
          [](const py_calibrated& c) {
            std::vector<std::pair<std::string, double>> out;
            for (std::size_t k = 0; k < c.cal.constraints.size(); ++k) out.emplace_back(c.cal.constraints[k], c.cal.population[k]);
            return out;
          },
          "(calibration variable, population total) pairs: 'column=category' or 'column'.")
      .def("__repr__", [](const py_calibrated& c) {
        return "<commdx.CalibratedDesign " + std::string(commdx::to_string(c.cal.method)) + ", " +
               std::to_string(c.cal.weights.size()) + " records, " + std::to_string(c.cal.constraints.size()) + " constraints>";
      });
  m.def(
      "_calibrate",
      [](const py::dict& columns, const py::dict& design,
         const std::vector<std::tuple<std::string, bool, double, std::vector<std::pair<std::string, double>>>>& margins,
         const std::string& method, double lower, double upper, std::size_t max_iterations, double tolerance,
         const std::string& source) {
        commdx::table t = commdx::bind::estimate_table_from_py(columns, source);
        const commdx::survey_design d = commdx::bind::design_from_py(design);
        std::vector<commdx::calibration_margin> ms;
        for (const auto& [column, is_total, total, counts] : margins)
          ms.push_back(is_total ? commdx::calibration_margin::of_total(column, total)
                                : commdx::calibration_margin::of_counts(column, counts));
        commdx::calibration_options opt;
        const auto parsed = commdx::parse_calibration_method(method);
        if (!parsed)
          throw commdx::config_error(commdx::location::in_file("method"),
                                     "method must be poststratify, linear or raking, got '" + method + "'");
        opt.method = *parsed;
        opt.lower = lower;
        opt.upper = upper;
        opt.max_iterations = max_iterations;
        opt.tolerance = tolerance;
        py_calibrated out;
        {
          py::gil_scoped_release release;
          out.cal = commdx::calibrate(t, d, ms, opt);
        }
        out.design = design;
        return out;
      },
      py::arg("columns"), py::arg("design"), py::arg("margins"), py::arg("method"), py::arg("lower"), py::arg("upper"),
      py::arg("max_iterations"), py::arg("tolerance"), py::arg("source") = "DataFrame");
  m.def(
      "_adjust_nonresponse",
      [](const py::dict& columns, const std::string& weight, const std::string& responded, const std::vector<std::string>& cells,
         const std::string& source) {
        commdx::table t = commdx::bind::estimate_table_from_py(columns, source);
        const std::vector<double> w = commdx::adjust_nonresponse(t, weight, responded, cells);
        return py::array_t<double>(static_cast<py::ssize_t>(w.size()), w.data());
      },
      py::arg("columns"), py::arg("weight"), py::arg("responded"), py::arg("cells"), py::arg("source") = "DataFrame");
}
}  // namespace

void bind_estimate(py::module_& m) {
  bind_calibrate(m);
  m.def(
      "_estimate",
      [](const py::dict& columns, const py::object& design, const std::vector<std::string>& variables,
         const std::string& stat, const std::vector<std::string>& by, double level, const std::string& ci,
         const std::string& source) {
        commdx::statistic_kind kind;
        if (stat == "mean") kind = commdx::statistic_kind::mean;
        else if (stat == "total") kind = commdx::statistic_kind::total;
        else throw commdx::config_error(commdx::location::in_file(source).in_column("stat"), "stat must be mean or total, got '" + stat + "'");
        commdx::table t = commdx::bind::estimate_table_from_py(columns, source);
        const auto [d, cal] = design_of(design);
        const commdx::interval_choice choice = interval_of(ci);
        commdx::table out;
        {
          py::gil_scoped_release release;
          out = commdx::estimate(t, d, variables, kind, by, level, choice, cal);
        }
        return commdx::bind::table_to_py(out);
      },
      py::arg("columns"), py::arg("design"), py::arg("variables"), py::arg("stat"), py::arg("by"),
      py::arg("level"), py::arg("ci"), py::arg("source") = "DataFrame");
  m.def(
      "_estimate_ratio",
      [](const py::dict& columns, const py::object& design, const std::string& numerator, const std::string& denominator,
         const std::vector<std::string>& by, double level, const std::string& ci, const std::string& source) {
        commdx::table t = commdx::bind::estimate_table_from_py(columns, source);
        const auto [d, cal] = design_of(design);
        const commdx::interval_choice choice = interval_of(ci);
        commdx::table out;
        {
          py::gil_scoped_release release;
          out = commdx::estimate_ratio(t, d, numerator, denominator, by, level, choice, cal);
        }
        return commdx::bind::table_to_py(out);
      },
      py::arg("columns"), py::arg("design"), py::arg("numerator"), py::arg("denominator"), py::arg("by"),
      py::arg("level"), py::arg("ci"), py::arg("source") = "DataFrame");
  m.def(
      "_parse_design", [](const std::string& spec) { return commdx::bind::json_to_py(commdx::survey_design::parse(spec).to_json()); },
      py::arg("spec"), "'weight=w,strata=s,psu=p,fpc=f,lonely_psu=adjust' -> dict");
}
