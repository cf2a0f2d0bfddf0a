#include "prelude.hpp"

#include <cmath>
#include <cstdint>
#include <utility>

#include "commdx/small_area.hpp"

// Issue 18: small-area estimation (include/commdx/small_area.hpp). python/commdx/small_area.py
// builds these columns from the direct estimates and the auxiliaries and turns the results into a
// DataFrame. Columns are lists of equal length (NaN for missing); `x` is one list per auxiliary.
using commdx::bind::field;  // src/prelude.hpp

namespace {

namespace sa = commdx::small_area;

using column = std::vector<double>;
using names = std::vector<std::string>;

sa::fit_options fit_options_of(const std::string& method, std::size_t max_iterations, double tolerance, bool intercept,
                               bool adjust_at_zero = true) {
  sa::fit_options o;
  if (method == "reml") o.method = sa::fit_method::reml;
  else if (method == "ml") o.method = sa::fit_method::ml;
  else
    throw commdx::config_error(commdx::location::in_file("small_area").in_column("fit"),
                               "fit must be reml or ml, got '" + method + "'");
  o.max_iterations = max_iterations;
  o.tolerance = tolerance;
  o.intercept = intercept;
  o.adjust_at_zero = adjust_at_zero;
  return o;
}

sa::benchmark_kind benchmark_of(const std::string& benchmark, const commdx::location& where) {
  if (benchmark == "ratio") return sa::benchmark_kind::ratio;
  if (benchmark == "difference") return sa::benchmark_kind::difference;
  if (benchmark != "none")
    throw commdx::config_error(where.in_column("benchmark"), "benchmark must be ratio, difference or none, got '" + benchmark + "'");
  return sa::benchmark_kind::none;
}

std::vector<sa::parent_estimate> parents_of(const names& unit, const column& estimate, const column& se) {
  std::vector<sa::parent_estimate> parents(unit.size());
  for (std::size_t i = 0; i < unit.size(); ++i) parents[i] = {unit[i], estimate.at(i), se.at(i)};
  return parents;
}

// The auxiliary values of area i.
std::vector<double> row_of(const std::vector<column>& x, std::size_t i) {
  std::vector<double> r;
  r.reserve(x.size());
  for (const auto& c : x) r.push_back(c.at(i));
  return r;
}

// The members both fits have (fh_result, bhf_result).
template <class Fit>
py::dict common_to_py(const Fit& f) {
  py::dict out;
  out["method"] = sa::to_string(f.method);
  out["sigma2_u"] = f.sigma2_u;
  out["truncated"] = f.truncated;
  out["converged"] = f.converged;
  out["coefficients"] = f.coefficients;
  out["beta"] = f.beta;
  out["beta_cov"] = f.beta_cov;
  return out;
}

py::dict fit_to_py(const sa::fh_result& f) {
  py::dict out = common_to_py(f);
  out["iterations"] = f.iterations;
  out["adjusted"] = f.adjusted;
  out["sigma2_u_var"] = f.sigma2_u_var;
  out["ml_bias"] = f.ml_bias;
  for (auto [name, member] : {std::pair{"eblup", &sa::area_fit::eblup}, {"mse", &sa::area_fit::mse},
                               {"g1", &sa::area_fit::g1}, {"g2", &sa::area_fit::g2}, {"g3", &sa::area_fit::g3},
                               {"gamma", &sa::area_fit::gamma}, {"synthetic", &sa::area_fit::synthetic}})
    out[name] = field(f.areas, member);
  return out;
}

}  // namespace

void bind_small_area(py::module_& m) {
  m.def(
      "_fay_herriot",
      [](const names& unit, const column& direct, const column& variance, const std::vector<column>& x,
         const names& auxiliaries, const std::string& method, std::size_t max_iterations, double tolerance,
         bool intercept, const std::string& source, bool adjust_at_zero) {
        std::vector<sa::area> areas(unit.size());
        for (std::size_t i = 0; i < unit.size(); ++i) areas[i] = {unit[i], direct.at(i), variance.at(i), row_of(x, i)};
        return fit_to_py(sa::fay_herriot(areas, auxiliaries, fit_options_of(method, max_iterations, tolerance, intercept, adjust_at_zero),
                                         source));
      },
      py::arg("unit"), py::arg("direct"), py::arg("variance"), py::arg("x"), py::arg("auxiliaries"),
      py::arg("method"), py::arg("max_iterations"), py::arg("tolerance"), py::arg("intercept"), py::arg("source"), py::arg("adjust_at_zero") = true,
      "The Fay-Herriot fit on given direct estimates and sampling variances (commdx::small_area::fay_herriot).");

  m.def(
      "_small_area",
      [](const names& unit, const names& parent, const column& estimate, const column& se, const column& n,
         const std::vector<bool>& estimable, const std::vector<bool>& census, const column& size, const std::vector<column>& x,
         const names& auxiliaries, const names& parent_unit, const column& parent_estimate, const column& parent_se,
         const std::string& method, const std::string& transform, const std::string& smooth,
         const std::string& benchmark, double rse_threshold, std::size_t max_iterations, double tolerance,
         bool intercept, const std::string& source) {
        std::vector<sa::direct_input> areas(unit.size());
        for (std::size_t i = 0; i < unit.size(); ++i) {
          auto& a = areas[i];
          a.unit = unit[i];
          a.parent = parent.at(i);
          a.estimate = estimate.at(i);
          a.se = se.at(i);
          a.n = n.at(i);
          a.estimable = estimable.at(i);
          a.size = size.at(i);
          a.census = census.at(i);
          a.x = row_of(x, i);
        }
        const std::vector<sa::parent_estimate> parents = parents_of(parent_unit, parent_estimate, parent_se);
        sa::options o;
        o.fit = fit_options_of(method, max_iterations, tolerance, intercept);
        const auto where = commdx::location::in_file(source);
        if (transform == "arcsine") o.transform = sa::transform_kind::arcsine;
        else if (transform != "none")
          throw commdx::config_error(where.in_column("transform"), "transform must be arcsine or none, got '" + transform + "'");
        if (smooth == "all") o.smooth = sa::smoothing::all;
        else if (smooth == "none") o.smooth = sa::smoothing::none;
        else if (smooth != "unstable")
          throw commdx::config_error(where.in_column("smoothing"), "smoothing must be unstable, all or none, got '" + smooth + "'");
        o.benchmark = benchmark_of(benchmark, where);
        o.rse_threshold = rse_threshold;
        const sa::result r = sa::estimate(areas, auxiliaries, parents, o, source);
        py::dict out;
        out["fit"] = fit_to_py(r.fit);
        out["deff_pooled"] = r.deff_pooled;
        out["deff_assumed"] = r.deff_assumed;
        out["gvf_constant"] = r.gvf_constant;
        out["smoothed"] = r.smoothed;
        py::dict rows;
        rows["variance"] = field(r.rows, &sa::row::variance);
        rows["variance_source"] = field(r.rows, &sa::row::variance_source);
        rows["gamma"] = field(r.rows, &sa::row::gamma);
        rows["synthetic"] = field(r.rows, &sa::row::synthetic);
        rows["model"] = field(r.rows, &sa::row::model);
        rows["mse"] = field(r.rows, &sa::row::mse);
        rows["benchmark"] = field(r.rows, &sa::row::benchmark);
        rows["benchmark_adjustment"] = field(r.rows, &sa::row::benchmark_adjustment);
        rows["clipped"] = field(r.rows, &sa::row::clipped);
        rows["chosen"] = field(r.rows, &sa::row::chosen);
        rows["chosen_se"] = field(r.rows, &sa::row::chosen_se);
        rows["source"] = field(r.rows, &sa::row::source);
        rows["reason"] = field(r.rows, &sa::row::reason);
        rows["rse"] = field(r.rows, &sa::row::rse);
        out["rows"] = rows;
        return out;
      },
      py::arg("unit"), py::arg("parent"), py::arg("estimate"), py::arg("se"), py::arg("n"), py::arg("estimable"),
      py::arg("census"), py::arg("size"), py::arg("x"), py::arg("auxiliaries"), py::arg("parent_unit"), py::arg("parent_estimate"),
      py::arg("parent_se"), py::arg("method"), py::arg("transform"), py::arg("smoothing"), py::arg("benchmark"),
      py::arg("rse_threshold"), py::arg("max_iterations"), py::arg("tolerance"), py::arg("intercept"),
      py::arg("source"),
      "Model-based estimates per area from direct estimates (commdx::small_area::estimate); use commdx.small_area.");

  m.def(
      "_battese_harter_fuller",
      [](const names& area, const column& y, const std::vector<column>& x, const names& unit, const column& size,
         const std::vector<column>& mean, const names& auxiliaries, const std::string& method, bool intercept,
         std::size_t max_iterations, double tolerance, std::size_t replicates, std::uint64_t seed, const std::string& source) {
        std::vector<sa::household_record> sample(area.size());
        for (std::size_t i = 0; i < area.size(); ++i) sample[i] = {area[i], y.at(i), row_of(x, i)};
        std::vector<sa::population_area> pop(unit.size());
        for (std::size_t i = 0; i < unit.size(); ++i) pop[i] = {unit[i], size.at(i), row_of(mean, i)};
        const sa::fit_options f = fit_options_of(method, max_iterations, tolerance, intercept);
        sa::bhf_options o;
        o.method = f.method;
        o.intercept = intercept;
        o.max_iterations = max_iterations;
        o.tolerance = tolerance;
        o.replicates = replicates;
        o.seed = seed;
        const sa::bhf_result r = sa::battese_harter_fuller(sample, pop, auxiliaries, o, source);
        py::dict out = common_to_py(r);
        out["sigma2_e"] = r.sigma2_e;
        out["evaluations"] = r.evaluations;
        out["loglik"] = r.loglik;
        out["replicates"] = r.replicates;
        out["seed"] = r.seed;
        out["sampled"] = field(r.areas, &sa::bhf_area::sampled);
        for (auto [name, member] :
             {std::pair{"n", &sa::bhf_area::n}, {"fraction", &sa::bhf_area::fraction}, {"sample_mean", &sa::bhf_area::sample_mean},
              {"gamma", &sa::bhf_area::gamma}, {"synthetic", &sa::bhf_area::synthetic}, {"eblup", &sa::bhf_area::eblup},
              {"g1", &sa::bhf_area::g1}, {"g2", &sa::bhf_area::g2}, {"g3", &sa::bhf_area::g3},
              {"mse_analytic", &sa::bhf_area::mse_analytic}, {"mse_bootstrap", &sa::bhf_area::mse_bootstrap},
              {"mse", &sa::bhf_area::mse}})
          out[name] = field(r.areas, member);
        return out;
      },
      py::arg("area"), py::arg("y"), py::arg("x"), py::arg("unit"), py::arg("size"), py::arg("mean"), py::arg("auxiliaries"),
      py::arg("method"), py::arg("intercept"), py::arg("max_iterations"), py::arg("tolerance"), py::arg("replicates"),
      py::arg("seed"), py::arg("source"),
      "The unit-level Battese-Harter-Fuller fit and EBLUPs (commdx::small_area::battese_harter_fuller).");

  m.def(
      "_small_area_choice",
      [](const column& direct, const column& direct_se, const std::vector<bool>& usable, const std::vector<bool>& census,
         const column& model, const column& mse, double rse_threshold) {
        std::vector<sa::choice> c(direct.size());
        column rse(direct.size(), commdx::missing);
        for (std::size_t i = 0; i < direct.size(); ++i) {
          if (direct[i] != 0.0) rse[i] = direct_se.at(i) / std::abs(direct[i]);
          c[i] = sa::choose(direct[i], direct_se.at(i), rse[i], usable.at(i), census.at(i), model.at(i), mse.at(i), rse_threshold);
        }
        py::dict out;
        out["chosen"] = field(c, &sa::choice::estimate);
        out["chosen_se"] = field(c, &sa::choice::se);
        out["source"] = field(c, &sa::choice::source);
        out["reason"] = field(c, &sa::choice::reason);
        out["rse"] = rse;
        return out;
      },
      py::arg("direct"), py::arg("direct_se"), py::arg("usable"), py::arg("census"), py::arg("model"), py::arg("mse"),
      py::arg("rse_threshold"),
      "The choice per area between the direct estimate and the model (commdx::small_area::choose).");

  m.def(
      "_small_area_benchmark",
      [](const names& unit, const names& parent, const column& size, const column& model, const column& mse,
         const names& parent_unit, const column& parent_estimate, const column& parent_se, const std::string& benchmark,
         double rse_threshold, bool proportion, const std::string& source) {
        const auto where = commdx::location::in_file(source);
        std::vector<sa::row> rows(unit.size());
        for (std::size_t i = 0; i < unit.size(); ++i) {
          rows[i].unit = unit[i];
          rows[i].parent = parent.at(i);
          rows[i].model = model.at(i);
          rows[i].mse = mse.at(i);
        }
        sa::benchmark(rows, size, parents_of(parent_unit, parent_estimate, parent_se), benchmark_of(benchmark, where),
                      rse_threshold, where, proportion);
        py::dict out;
        out["model"] = field(rows, &sa::row::model);
        out["mse"] = field(rows, &sa::row::mse);
        out["benchmark"] = field(rows, &sa::row::benchmark);
        out["benchmark_adjustment"] = field(rows, &sa::row::benchmark_adjustment);
        out["clipped"] = field(rows, &sa::row::clipped);
        return out;
      },
      py::arg("unit"), py::arg("parent"), py::arg("size"), py::arg("model"), py::arg("mse"), py::arg("parent_unit"),
      py::arg("parent_estimate"), py::arg("parent_se"), py::arg("benchmark"), py::arg("rse_threshold"), py::arg("proportion"),
      py::arg("source"),
      "Benchmarking of model estimates to the parents' direct estimates (commdx::small_area::benchmark; the unit-level "
      "model's, as estimate() does the area-level one's).");
}
