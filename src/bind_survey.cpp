#include "prelude.hpp"

// Bindings of the survey stage (include/commdx/survey.hpp). Filled in with that stage.
void bind_survey(py::module_& m) { (void)m; }
