#include "prelude.hpp"

// Bindings of the synth stage (include/commdx/synth.hpp). Filled in with that stage.
void bind_synth(py::module_& m) { (void)m; }
