#include "prelude.hpp"

// Bindings of the estimate stage (include/commdx/estimate.hpp). Filled in with that stage.
void bind_estimate(py::module_& m) { (void)m; }
