#include "prelude.hpp"

// Bindings of the scores stage (include/commdx/scores.hpp). Filled in with that stage.
void bind_scores(py::module_& m) { (void)m; }
