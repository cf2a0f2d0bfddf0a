#include "prelude.hpp"

// Bindings of the plan stage (include/commdx/plan.hpp). Filled in with that stage.
void bind_plan(py::module_& m) { (void)m; }
