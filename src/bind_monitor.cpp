#include "prelude.hpp"

// Bindings of the monitor stage (include/commdx/monitor.hpp). Filled in with that stage.
void bind_monitor(py::module_& m) { (void)m; }
