#include "prelude.hpp"

// Bindings of the teams stage (include/commdx/teams.hpp). Filled in with that stage.
void bind_teams(py::module_& m) { (void)m; }
