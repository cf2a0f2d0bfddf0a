#include "prelude.hpp"

#include "commdx/sampling.hpp"

// Issue 14: sample size and allocation (include/commdx/sampling.hpp). python/commdx/sampling.py
// turns DataFrames into these columns (lists of equal length, NaN for an empty cell) and the
// results back into DataFrames.
using commdx::bind::field;  // src/prelude.hpp

namespace {

namespace s = commdx::sampling;

using column = std::vector<double>;
using names = std::vector<std::string>;

std::vector<s::stratum_input> strata_of(const names& name, const column& population, const column& sd,
                                        const column& mean, const column& cost, const column& minimum,
                                        const column& maximum) {
  std::vector<s::stratum_input> out(name.size());
  for (std::size_t h = 0; h < name.size(); ++h) {
    out[h].name = name[h];
    out[h].population = population.at(h);
    out[h].sd = sd.at(h);
    out[h].mean = mean.at(h);
    out[h].cost = cost.at(h);
    out[h].minimum = minimum.at(h);
    out[h].maximum = maximum.at(h);
  }
  return out;
}

s::allocation_method method_of(const std::string& m) {
  for (auto x : {s::allocation_method::proportional, s::allocation_method::equal, s::allocation_method::neyman,
                 s::allocation_method::optimal, s::allocation_method::power})
    if (m == s::to_string(x)) return x;
  throw commdx::config_error(commdx::location::in_file("allocate").in_column("method"),
                             "method must be proportional, equal, neyman, optimal or power, got '" + m + "'",
                             "commdx.sampling.input");
}

}  // namespace

void bind_sampling(py::module_& m) {
  m.def(
      "_sample_sizes",
      [](const names& name, const std::string& what, const column& p, const column& variance, const column& mean,
         const column& population, const column& deff, const column& response_rate, const column& overlap,
         const column& correlation, const std::string& kind, double value, double confidence, double power,
         const std::string& source) {
        std::vector<s::domain_input> domains(name.size());
        for (std::size_t i = 0; i < name.size(); ++i) {
          auto& d = domains[i];
          d.name = name[i];
          d.what = what == "mean" ? s::parameter::mean : s::parameter::proportion;
          d.p = p.at(i);
          d.variance = variance.at(i);
          d.mean = mean.at(i);
          d.population = population.at(i);
          d.deff = deff.at(i);
          d.response_rate = response_rate.at(i);
          d.overlap = overlap.at(i);
          d.correlation = correlation.at(i);
        }
        const s::size_target target{kind == "relative_se" ? s::precision::relative_se
                                    : kind == "change"    ? s::precision::change
                                                          : s::precision::margin,
                                    value, confidence, power};
        const auto results = s::sample_sizes(domains, target, source);
        py::dict out;
        out["z"] = field(results, &s::size_result::z);
        out["unit_variance"] = field(results, &s::size_result::unit_variance);
        out["target_variance"] = field(results, &s::size_result::target_variance);
        out["n0"] = field(results, &s::size_result::n0);
        out["n_deff"] = field(results, &s::size_result::n_deff);
        out["n_fpc"] = field(results, &s::size_result::n_fpc);
        out["n_contact"] = field(results, &s::size_result::n_contact);
        out["respondents"] = field(results, &s::size_result::respondents);
        out["n"] = field(results, &s::size_result::n);
        return out;
      },
      py::arg("name"), py::arg("what"), py::arg("p"), py::arg("variance"), py::arg("mean"), py::arg("population"),
      py::arg("deff"), py::arg("response_rate"), py::arg("overlap"), py::arg("correlation"), py::arg("kind"),
      py::arg("value"), py::arg("confidence"), py::arg("power"), py::arg("source"),
      "Sample size of every domain, in steps (commdx::sampling::sample_sizes); use commdx.sample_size.");

  m.def(
      "_allocate",
      [](const names& name, const column& population, const column& sd, const column& mean, const column& cost,
         const column& minimum, const column& maximum, std::size_t n, const std::string& method, double power,
         const std::string& source) {
        const auto r = s::allocate(strata_of(name, population, sd, mean, cost, minimum, maximum), n,
                                   {method_of(method), power}, source);
        py::dict out;
        out["weight"] = field(r.strata, &s::stratum_allocation::weight);
        out["unconstrained"] = field(r.strata, &s::stratum_allocation::unconstrained);
        out["exact"] = field(r.strata, &s::stratum_allocation::exact);
        out["n"] = field(r.strata, &s::stratum_allocation::n);
        out["bound"] = field(r.strata, &s::stratum_allocation::bound);
        out["variance"] = r.variance;
        out["cost"] = r.cost;
        return out;
      },
      py::arg("name"), py::arg("population"), py::arg("sd"), py::arg("mean"), py::arg("cost"), py::arg("minimum"),
      py::arg("maximum"), py::arg("n"), py::arg("method"), py::arg("power"), py::arg("source"),
      "Allocation of n among strata (commdx::sampling::allocate); use commdx.allocate.");

  m.def(
      "_optimal_total",
      [](const names& name, const column& population, const column& sd, const column& cost, const std::string& by,
         double value, const std::string& source) {
        const column none(name.size(), s::no_value), zero(name.size(), 0.0), inf(name.size(), s::infinite);
        const auto st = strata_of(name, population, sd, none, cost, zero, inf);
        return by == "budget" ? s::total_for_budget(st, value, source) : s::total_for_variance(st, value, source);
      },
      py::arg("name"), py::arg("population"), py::arg("sd"), py::arg("cost"), py::arg("by"), py::arg("value"),
      py::arg("source"),
      "The optimal allocation's total for a budget (by='budget') or a target variance of the mean (by='variance').");
}
