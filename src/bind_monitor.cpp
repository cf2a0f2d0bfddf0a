#include "prelude.hpp"

#include <string>
#include <vector>

#include "commdx/monitor.hpp"
#include "commdx/report.hpp"

// Bindings of the monitor stage: the test of a change between survey rounds (monitor.hpp) and the
// small-cell suppression of published tables (report.hpp). pandas conveniences live in
// python/commdx/monitor.py.
void bind_monitor(py::module_& m) {
  m.def(
      "_test_changes",
      [](const py::dict& columns, const std::string& source, const py::dict& design,
         const std::vector<std::vector<std::string>>& variables, double round_before,
         double round_after, const std::string& by, bool include_total, double level) {
        commdx::table rows = commdx::bind::table_from_py(columns, source);
        commdx::round_design d;
        auto get = [&design](const char* key, std::string& field) {
          if (design.contains(key)) {
            py::handle v = design[key];
            field = v.is_none() ? std::string() : py::str(v).cast<std::string>();
          }
        };
        get("weight", d.weight);
        get("strata", d.strata);
        get("psu", d.psu);
        get("fpc", d.fpc);
        get("round", d.round);
        get("id", d.id);
        std::vector<commdx::change_variable> vars;
        for (const auto& v : variables) {
          if (v.size() != 3) throw commdx::error("commdx: each change variable is [name, numerator, denominator]");
          vars.push_back({v[0], v[1], v[2]});
        }
        commdx::change_options opt;
        opt.round_before = round_before;
        opt.round_after = round_after;
        opt.by = by;
        opt.include_total = include_total;
        opt.level = level;
        std::vector<commdx::round_change> out;
        {
          py::gil_scoped_release release;
          out = commdx::test_changes(rows, d, vars, opt);
        }
        return commdx::bind::table_to_py(commdx::changes_to_table(out));
      },
      py::arg("columns"), py::arg("source"), py::arg("design"), py::arg("variables"),
      py::arg("round_before"), py::arg("round_after"), py::arg("by"), py::arg("include_total"),
      py::arg("level"));

  m.def(
      "_suppress_small_cells",
      [](const std::vector<std::string>& ids, const std::vector<std::string>& parents,
         const std::vector<double>& households, const std::vector<std::string>& groups,
         double min_households) {
        if (ids.size() != parents.size() || ids.size() != households.size() ||
            (!groups.empty() && groups.size() != ids.size()))
          throw commdx::error("commdx: suppression inputs differ in length");
        commdx::table t("suppression");
        t.set("id", ids);
        t.set("parent", parents);
        t.set("households", households);
        t.set("group", groups.empty() ? std::vector<std::string>(ids.size()) : groups);
        const auto status = commdx::suppress_table(t, "id", "parent", "households", "group",
                                                   {min_households});
        std::vector<std::string> out;
        out.reserve(status.size());
        for (auto s : status) out.emplace_back(commdx::to_string(s));
        return out;
      },
      py::arg("ids"), py::arg("parents"), py::arg("households"), py::arg("groups"),
      py::arg("min_households"));
}
