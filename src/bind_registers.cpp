#include "prelude.hpp"

#include "commdx/report/registers.hpp"

// Issue 16 (K5, K10): the ward's channels register and events log as report sections
// (include/commdx/report/registers.hpp). python/commdx/registers.py gives the columns pandas
// reads and turns the results into DataFrames; the words are Python's.
void bind_registers(py::module_& m) {
  namespace r = commdx::report;
  m.def(
      "_channels_section",
      [](const py::dict& columns, const std::string& source, const commdx::places& places, const std::string& month,
         const std::string& ward) {
        r::channels_inputs in;
        in.register_ = commdx::bind::table_from_py(columns, source);
        in.places = places;
        in.month = month;
        in.ward = ward;
        return commdx::bind::json_to_py(to_json(r::channels_section(in)));
      },
      py::arg("columns"), py::arg("source"), py::arg("places"), py::arg("month"), py::arg("ward"),
      "K10: the channels register checked per ward and neighbourhood by the month's end (report/registers.hpp).");
  m.def(
      "_events_section",
      [](const py::dict& columns, const std::string& source, const commdx::places& places, const std::string& month,
         const std::string& ward) {
        r::events_inputs in;
        in.log = commdx::bind::table_from_py(columns, source);
        in.places = places;
        in.month = month;
        in.ward = ward;
        return commdx::bind::json_to_py(to_json(r::events_section(in)));
      },
      py::arg("columns"), py::arg("source"), py::arg("places"), py::arg("month"), py::arg("ward"),
      "K5: the workshops and conferences with banks and e-commerce platforms, per ward (report/registers.hpp).");
}
