#include "prelude.hpp"

// Bindings of the indicators stage (include/commdx/indicators.hpp). Filled in with that stage.
void bind_indicators(py::module_& m) { (void)m; }
