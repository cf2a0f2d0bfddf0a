#include "prelude.hpp"

#include <string>
#include <unordered_map>
#include <vector>

#include "commdx/monitor.hpp"
#include "commdx/report.hpp"
#include "commdx/report/disclosure.hpp"

// Bindings of the monitor stage: the test of a change between survey rounds (monitor.hpp) and the
// small-cell suppression of published tables (report.hpp). pandas conveniences live in
// python/commdx/monitor.py.
namespace {
/// [[name, numerator, denominator], ...] from Python as the change tests' and the patterns' variables.
std::vector<commdx::change_variable> variables_of(const std::vector<std::vector<std::string>>& variables) {
  std::vector<commdx::change_variable> vars;
  for (const auto& v : variables) {
    if (v.size() != 3) throw commdx::error("commdx: each variable is [name, numerator, denominator]");
    vars.push_back({v[0], v[1], v[2]});
  }
  return vars;
}
}  // namespace

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
        const std::vector<commdx::change_variable> vars = variables_of(variables);
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

  m.def(
      "_indicator_pattern",
      [](const py::dict& columns, const std::string& source, const std::vector<std::vector<std::string>>& variables,
         double min_households, double unanimous_below, const std::string& weight) {
        commdx::table rows = commdx::bind::table_from_py(columns, source);
        const std::vector<commdx::change_variable> vars = variables_of(variables);
        commdx::pattern_options opt;
        opt.min_households = min_households;
        opt.unanimous_below = unanimous_below;
        opt.weight = weight;
        std::vector<commdx::pattern_cell> cells;
        {
          py::gil_scoped_release release;
          cells = commdx::indicator_pattern(rows, vars, opt);
        }
        std::vector<std::string> unit, parent, level, weight_class, households_reason, status, variable;
        std::vector<double> households;
        for (auto& c : cells) {
          unit.push_back(std::move(c.unit));
          parent.push_back(std::move(c.parent));
          level.push_back(std::move(c.level));
          weight_class.push_back(std::move(c.weight_class));
          households.push_back(c.households);
          households_reason.push_back(std::move(c.reason));
          status.emplace_back(commdx::to_string(c.status));
          variable.push_back(std::move(c.variable));
        }
        py::dict out;
        out["unit"] = unit;
        out["parent"] = parent;
        out["level"] = level;
        out["weight_class"] = weight_class;
        out["households"] = py::array_t<double>(static_cast<py::ssize_t>(households.size()), households.data());
        out["reason"] = households_reason;
        out["status"] = status;
        out["variable"] = variable;
        return out;
      },
      py::arg("columns"), py::arg("source"), py::arg("variables"), py::arg("min_households"),
      py::arg("unanimous_below"), py::arg("weight"));

  m.def(
      "_merge_suppressed_design",
      [](const std::vector<std::string>& strata, const std::vector<std::string>& psu, const std::vector<double>& fpc,
         const std::vector<std::string>& finest, const std::vector<std::string>& ward,
         const std::vector<std::string>& units, const std::vector<std::string>& statuses) {
        if (units.size() != statuses.size()) throw commdx::error("commdx: pattern units and statuses differ in length");
        std::unordered_map<std::string, commdx::cell_status> status;
        for (std::size_t i = 0; i < units.size(); ++i)
          status[units[i]] = statuses[i] == "published" ? commdx::cell_status::published
                             : statuses[i] == "primary" ? commdx::cell_status::primary
                                                        : commdx::cell_status::complementary;
        commdx::merged_design_columns out;
        {
          py::gil_scoped_release release;
          out = commdx::merge_suppressed_design(strata, psu, fpc, finest, ward, status);
        }
        py::dict d;
        d["strata"] = out.strata;
        d["psu"] = out.psu;
        d["fpc"] = py::array_t<double>(static_cast<py::ssize_t>(out.fpc.size()), out.fpc.data());
        d["collapsed"] = out.collapsed;
        return d;
      },
      py::arg("strata"), py::arg("psu"), py::arg("fpc"), py::arg("finest"), py::arg("ward"), py::arg("units"),
      py::arg("statuses"));

  m.def(
      "_manual_process_pattern",
      [](const std::vector<std::string>& households, const std::vector<std::string>& processes,
         const std::vector<std::string>& wards, const std::vector<long>& months, double min_households) {
        std::vector<commdx::manual_cell_status> cells;
        {
          py::gil_scoped_release release;
          cells = commdx::manual_process_pattern(households, processes, wards, months, min_households);
        }
        std::vector<std::string> process, unit, status;
        for (auto& c : cells) {
          process.push_back(std::move(c.process));
          unit.push_back(std::move(c.unit));
          status.emplace_back(commdx::to_string(c.status));
        }
        py::dict out;
        out["process"] = process;
        out["unit"] = unit;
        out["status"] = status;
        return out;
      },
      py::arg("households"), py::arg("processes"), py::arg("wards"), py::arg("months"), py::arg("min_households"));
}
