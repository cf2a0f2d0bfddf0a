#pragma once
// Internals of pipeline.hpp: finding a column that callers name in more than one way.
#include <string>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/table.hpp"

namespace commdx::pipeline::detail {

/// The first of `names` that `t` has; an input_error naming the table and every accepted name
/// when it has none (a stage's join never guesses a column).
inline std::string first_column(const table& t, const std::vector<std::string>& names, const std::string& what) {
  for (const auto& n : names)
    if (t.has(n)) return n;
  std::string accepted;
  for (const auto& n : names) accepted += (accepted.empty() ? "'" : ", '") + n + "'";
  throw input_error(location::in_file(t.source()), "no " + what + " column: expected one of " + accepted);
}

}  // namespace commdx::pipeline::detail
