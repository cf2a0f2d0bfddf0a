#include "prelude.hpp"

#include <string>
#include <utility>

#include "commdx/scores.hpp"

// S4, C1: commdx.CompositeIndex (the adoption and readiness scores). The pandas API lives in
// python/commdx/scores.py; these are the raw column-dict entry points.
namespace {

py::dict compute_to_py(const commdx::index_result& r) {
  py::dict out;
  out["tidy"] = commdx::bind::table_to_py(r.to_table());
  out["wide"] = commdx::bind::table_to_py(r.wide_table());
  out["weights"] = commdx::bind::table_to_py(r.weights_table());
  py::list missing;
  for (const auto& m : r.missing_nodes) {
    py::dict d;
    d["unit"] = m.unit;
    d["node"] = m.node;
    d["share_present"] = m.share_present;
    d["min_share"] = m.min_share;
    missing.append(d);
  }
  out["missing"] = missing;
  out["absent_indicators"] = py::cast(r.absent_indicators);
  out["constant_indicators"] = py::cast(r.constant_indicators);
  out["imputed_cells"] = r.imputed_cells;
  out["index_id"] = r.index_id;
  return out;
}

py::dict uncertainty_to_py(const commdx::uncertainty_result& u, bool return_draws) {
  py::dict out;
  out["units"] = commdx::bind::table_to_py(u.to_table());
  out["sensitivity"] = commdx::bind::table_to_py(u.sensitivity_table());
  out["mean_abs_rank_shift"] = u.mean_abs_rank_shift;
  out["evaluations"] = u.evaluations;
  out["base_draws"] = u.base_draws;
  out["factors"] = py::cast(u.factors);
  out["constant_indicators"] = py::cast(u.constant_indicators);
  out["level"] = u.level;
  if (return_draws) {
    const auto n = static_cast<py::ssize_t>(u.units.size());
    const auto e = static_cast<py::ssize_t>(u.evaluations);
    py::array_t<double> arr({e, n});
    std::copy(u.draw_scores.begin(), u.draw_scores.end(), arr.mutable_data());
    out["draws"] = arr;
    out["draw_labels"] = py::cast(u.draw_labels);
  }
  return out;
}

}  // namespace

void bind_scores(py::module_& m) {
  using commdx::composite_index;
  py::class_<composite_index>(m, "_CompositeIndex", "A composite index defined by a JSON configuration (compiled core).")
      .def_static("from_json_text", &composite_index::from_json_text, py::arg("text"), py::arg("source") = "<json>")
      .def_static("from_file", &composite_index::from_file, py::arg("path"))
      .def_static("shipped", &composite_index::shipped, py::arg("name"))
      .def_static("_from_obj",
                  [](const py::object& obj, const std::string& source) {
                    return composite_index::from_json(commdx::bind::json_from_py(obj, source), source);
                  },
                  py::arg("obj"), py::arg("source") = "<json>")
      .def_property_readonly("name", &composite_index::name)
      .def_property_readonly("unit_column", &composite_index::unit_column)
      .def_property_readonly("config", [](const composite_index& ix) { return commdx::bind::json_to_py(ix.config()); })
      .def_property_readonly("indicator_ids", [](const composite_index& ix) {
        std::vector<std::string> out;
        for (const auto& s : ix.indicators()) out.push_back(s.id);
        return out;
      })
      .def_property_readonly("indicator_columns", [](const composite_index& ix) {
        std::vector<std::string> out;
        for (const auto& s : ix.indicators()) out.push_back(s.column);
        return out;
      })
      .def_property_readonly("node_ids", [](const composite_index& ix) {
        std::vector<std::string> out;
        for (const auto& s : ix.nodes()) out.push_back(s.id);
        return out;
      })
      .def("_compute",
           [](const composite_index& ix, const py::dict& cols, const std::string& source) {
             const commdx::table t = commdx::bind::table_from_py(cols, source);
             commdx::index_result r;
             {
               py::gil_scoped_release release;
               r = ix.compute(t);
             }
             return compute_to_py(r);
           },
           py::arg("columns"), py::arg("source") = "DataFrame")
      .def("_uncertainty",
           [](const composite_index& ix, const py::dict& cols, const std::string& source, std::size_t draws,
              std::uint64_t seed, bool sampling, bool modelling, bool sensitivity, unsigned threads, double level,
              bool return_draws) {
             const commdx::table t = commdx::bind::table_from_py(cols, source);
             commdx::uncertainty_options o;
             o.draws = draws;
             o.seed = seed;
             o.sampling = sampling;
             o.modelling = modelling;
             o.sensitivity = sensitivity;
             o.threads = threads;
             o.level = level;
             commdx::uncertainty_result u;
             {
               py::gil_scoped_release release;
               u = ix.uncertainty(t, o);
             }
             return uncertainty_to_py(u, return_draws);
           },
           py::arg("columns"), py::arg("source") = "DataFrame", py::arg("draws") = 1000,
           py::arg("seed") = 20220620, py::arg("sampling") = true, py::arg("modelling") = true,
           py::arg("sensitivity") = true, py::arg("threads") = 0, py::arg("level") = 0.9,
           py::arg("return_draws") = false);
}
