#include "prelude.hpp"

#include "commdx/selection.hpp"

// Issue 14: selecting the sample (include/commdx/selection.hpp). python/commdx/selection.py wraps
// these in select_sample (DataFrames in and out).
namespace {

namespace sel = commdx::selection;

sel::psu_method psu_method_of(const std::string& s) {
  if (s == "pivotal") return sel::psu_method::pivotal;
  if (s == "systematic") return sel::psu_method::systematic;
  throw commdx::config_error(commdx::location::in_file("select_sample").in_column("method"),
                             "the first-stage method is 'pivotal' or 'systematic', got '" + s + "'");
}

sel::household_method household_method_of(const std::string& s) {
  if (s == "srs" || s == "simple_random") return sel::household_method::simple_random;
  if (s == "systematic") return sel::household_method::systematic;
  throw commdx::config_error(commdx::location::in_file("select_sample").in_column("within"),
                             "the second-stage method is 'srs' or 'systematic', got '" + s + "'");
}

py::dict sample_to_py(const sel::sample& s) {
  py::dict groups, households, reserves;
  {
    std::vector<std::string> stratum, code;
    std::vector<double> size, pi;
    std::vector<std::size_t> listed;
    std::vector<bool> certainty, selected;
    for (const auto& g : s.groups) {
      stratum.push_back(g.stratum), code.push_back(g.code), size.push_back(g.size), pi.push_back(g.pi);
      listed.push_back(g.listed), certainty.push_back(g.certainty), selected.push_back(g.selected);
    }
    groups["stratum"] = stratum, groups["group"] = code, groups["size"] = size, groups["listed"] = listed;
    groups["pi"] = pi, groups["certainty"] = certainty, groups["selected"] = selected;
  }
  {
    std::vector<std::string> id, stratum, group, dstratum, psu;
    std::vector<std::size_t> position, fpc;
    std::vector<double> pi1, pi2, weight;
    std::vector<bool> certainty;
    for (const auto& h : s.households) {
      id.push_back(h.id), stratum.push_back(h.stratum), group.push_back(h.group), position.push_back(h.position);
      dstratum.push_back(h.design_stratum), psu.push_back(h.psu), pi1.push_back(h.pi_group);
      pi2.push_back(h.pi_household), weight.push_back(h.weight), fpc.push_back(h.fpc), certainty.push_back(h.certainty);
    }
    households["household_id"] = id, households["ward"] = stratum, households["group"] = group;
    households["position"] = position, households["stratum"] = dstratum, households["psu"] = psu;
    households["pi_group"] = pi1, households["pi_household"] = pi2, households["weight"] = weight;
    households["fpc"] = fpc, households["certainty"] = certainty;
  }
  {
    std::vector<std::string> id, stratum, group;
    std::vector<std::size_t> position, rank;
    for (const auto& r : s.reserves)
      id.push_back(r.id), stratum.push_back(r.stratum), group.push_back(r.group), position.push_back(r.position),
          rank.push_back(r.rank);
    reserves["household_id"] = id, reserves["ward"] = stratum, reserves["group"] = group;
    reserves["position"] = position, reserves["rank"] = rank;
  }
  py::dict out;
  out["groups"] = groups, out["households"] = households, out["reserves"] = reserves;
  return out;
}

}  // namespace

void bind_selection(py::module_& m) {
  m.def(
      "_inclusion_probabilities",
      [](const std::vector<double>& sizes, std::size_t n) {
        std::vector<bool> sure;
        std::vector<double> pi = sel::inclusion_probabilities(sizes, n, &sure, commdx::location::in_file("sizes"));
        return py::make_tuple(pi, sure);
      },
      py::arg("sizes"), py::arg("n"),
      "PPS inclusion probabilities n x / sum(x) with certainty units (R sampling's inclusionprobabilities): "
      "(pi, certainty).");
  m.def(
      "_select_sample",
      [](const std::vector<std::string>& group_stratum, const std::vector<std::string>& group_code,
         const std::vector<double>& group_size, const std::vector<std::string>& household_stratum,
         const std::vector<std::string>& household_group, const std::vector<std::string>& household_id,
         const std::map<std::string, std::size_t>& groups, std::size_t groups_per_stratum,
         std::size_t households_per_group, std::size_t reserves, const std::string& method, const std::string& within,
         std::uint64_t seed, const std::string& groups_source, const std::string& households_source) {
        if (group_code.size() != group_stratum.size() || group_size.size() != group_stratum.size() ||
            household_group.size() != household_stratum.size() || household_id.size() != household_stratum.size())
          throw commdx::input_error(commdx::location::in_file("select_sample"), "columns of different lengths");
        std::vector<sel::group> frame;
        for (std::size_t i = 0; i < group_stratum.size(); ++i) frame.push_back({group_stratum[i], group_code[i], group_size[i]});
        std::vector<sel::household> list;
        for (std::size_t i = 0; i < household_stratum.size(); ++i)
          list.push_back({household_stratum[i], household_group[i], household_id[i]});
        sel::options o;
        o.groups = groups;
        o.groups_per_stratum = groups_per_stratum;
        o.households_per_group = households_per_group;
        o.reserves = reserves;
        o.first_stage = psu_method_of(method);
        o.second_stage = household_method_of(within);
        o.seed = seed;
        o.groups_source = groups_source;
        o.households_source = households_source;
        return sample_to_py(sel::select(frame, list, o));
      },
      py::arg("group_stratum"), py::arg("group_code"), py::arg("group_size"), py::arg("household_stratum"),
      py::arg("household_group"), py::arg("household_id"), py::arg("groups"), py::arg("groups_per_stratum"),
      py::arg("households_per_group"), py::arg("reserves"), py::arg("method"), py::arg("within"), py::arg("seed"),
      py::arg("groups_source"), py::arg("households_source"),
      "The two-stage sample (commdx::selection::select): {'groups', 'households', 'reserves'}, each a dict of columns.");
}
