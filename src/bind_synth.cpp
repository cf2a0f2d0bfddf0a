#include "prelude.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "commdx/synth.hpp"

// Issue 3: the example city. The public Python API (commdx.synth.city, commdx.synth.write) is in
// python/commdx/synth.py; these are its compiled helpers.
namespace {

commdx::synth::options make_options(std::uint64_t households, std::uint64_t seed, bool census,
                                    std::size_t groups_per_ward, std::size_t households_per_group,
                                    const std::string& calibration, const commdx::places* tree,
                                    const std::string& start) {
  commdx::synth::options o;
  if (tree != nullptr) o.tree = std::make_shared<const commdx::places>(*tree);
  o.start = start;
  o.households = households;
  o.seed = seed;
  o.census = census;
  o.groups_per_ward = groups_per_ward;
  o.households_per_group = households_per_group;
  o.calibration = calibration;
  return o;
}

py::dict summary_to_py(const commdx::synth::write_summary& s) {
  py::dict rows, bytes;
  for (const auto& [k, v] : s.rows) rows[py::str(k)] = v;
  for (const auto& [k, v] : s.bytes) bytes[py::str(k)] = v;
  py::dict out;
  out["rows"] = rows;
  out["bytes"] = bytes;
  out["households"] = s.households;
  out["wards"] = s.wards;
  out["population"] = s.population;
  return out;
}

}  // namespace

void bind_synth(py::module_& m) {
  m.attr("_synth_default_households") = commdx::synth::default_households;
  m.def(
      "_synth_city",
      [](std::uint64_t households, std::uint64_t seed, bool census, std::size_t groups_per_ward,
         std::size_t households_per_group, const std::string& calibration, const std::optional<commdx::places>& tree,
         const std::string& start) {
        commdx::synth::city c;
        auto opt = make_options(households, seed, census, groups_per_ward, households_per_group, calibration,
                                tree ? &*tree : nullptr, start);
        {
          py::gil_scoped_release release;
          c = commdx::synth::make_city(opt);
        }
        py::dict out;
        out["places"] = py::cast(std::move(c.tree));
        out["roster"] = commdx::bind::json_to_py(c.teams.to_json());  // the roster type's JSON
        out["households"] = commdx::bind::table_to_py(c.households);
        out["businesses"] = commdx::bind::table_to_py(c.businesses);
        out["sample"] = commdx::bind::table_to_py(c.sample);
        out["followup"] = commdx::bind::table_to_py(c.followup);
        out["visits"] = commdx::bind::table_to_py(c.visits);
        out["manual_log"] = commdx::bind::table_to_py(c.manual_log);
        return out;
      },
      py::arg("households"), py::arg("seed"), py::arg("census"), py::arg("groups_per_ward"),
      py::arg("households_per_group"), py::arg("calibration"), py::arg("tree") = py::none(), py::arg("start") = "");
  m.def(
      "_synth_write",
      [](const std::string& out_dir, std::uint64_t households, std::uint64_t seed, bool census,
         std::size_t groups_per_ward, std::size_t households_per_group, const std::string& calibration,
         const py::object& sink, std::size_t chunk_rows, const std::optional<commdx::places>& tree,
         const std::string& start) {
        auto opt = make_options(households, seed, census, groups_per_ward, households_per_group, calibration,
                                tree ? &*tree : nullptr, start);
        commdx::synth::write_summary s;
        if (sink.is_none()) {
          py::gil_scoped_release release;
          s = commdx::synth::write(out_dir, opt);
        } else {
          commdx::synth::chunk_sink cb = [&sink](const std::string& name, commdx::table&& t) {
            py::gil_scoped_acquire acquire;
            sink(name, commdx::bind::table_to_py(t));
          };
          py::gil_scoped_release release;
          s = commdx::synth::write(out_dir, opt, cb, chunk_rows);
        }
        return summary_to_py(s);
      },
      py::arg("out_dir"), py::arg("households"), py::arg("seed"), py::arg("census"),
      py::arg("groups_per_ward"), py::arg("households_per_group"), py::arg("calibration"),
      py::arg("sink"), py::arg("chunk_rows") = 200000, py::arg("tree") = py::none(), py::arg("start") = "");
  m.def(
      "_synth_calendar",
      [](const std::string& start) {
        const auto c = commdx::synth::calendar_of(start);
        py::dict out;
        out["start"] = c.start;
        out["deadline"] = c.deadline;
        out["first_visit"] = c.first_visit;
        out["last_visit"] = c.last_visit;
        return out;
      },
      py::arg("start") = "",
      "The campaign calendar of a start date (empty: the 2022 directive's): start, deadline, first_visit, last_visit.");
  m.def("_synth_record_header", &commdx::synth::record_header, py::arg("file_index"),
        "Column names of a record file (0 households ... 5 manual_processes).");
}
