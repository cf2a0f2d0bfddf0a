#include "prelude.hpp"

#include <cstddef>
#include <string>
#include <vector>

#include "commdx/pipeline.hpp"

// The joins between stages (include/commdx/pipeline.hpp). The pandas API lives in the stage
// modules that use them: python/commdx/scores.py (estimates_to_wide), python/commdx/plan.py.
void bind_pipeline(py::module_& m) {
  m.def(
      "_estimates_to_wide",
      [](const py::dict& estimates, const std::string& level) {
        return commdx::bind::table_to_py(
            commdx::pipeline::estimates_to_wide(commdx::bind::table_from_py(estimates, "estimates table"), level));
      },
      py::arg("estimates"), py::arg("level") = "");
  m.def(
      "_area_classes",
      [](const py::dict& classes, const std::string& source, const std::vector<std::size_t>& lines) {
        return commdx::pipeline::area_classes(commdx::bind::table_from_py(classes, source), lines);
      },
      py::arg("classes"), py::arg("source") = "classes table", py::arg("lines") = std::vector<std::size_t>{});
}
