#pragma once
// The data files that ship with commdx (python/commdx/data), embedded at build time: the built-in
// city, rule sets, catalogues, index configurations. A city edits the JSON copies it passes in;
// these are the defaults.
#include <string>
#include <string_view>

#include "commdx/embedded_data.hpp"
#include "commdx/error.hpp"

namespace commdx {

/// The text of a shipped data file by name ("vungtau-units.csv", "team-rules.json", ...).
inline std::string_view shipped_data(std::string_view name) {
  for (const auto& entry : embedded::files()) {
    if (entry.first == name && !name.empty()) return entry.second;
  }
  throw error("commdx: no shipped data file named '" + std::string(name) + "'");
}

}  // namespace commdx
