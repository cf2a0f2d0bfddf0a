#include "prelude.hpp"

// Bindings of the classify stage (include/commdx/classify.hpp). Filled in with that stage.
void bind_classify(py::module_& m) { (void)m; }
