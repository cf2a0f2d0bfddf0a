// libFuzzer harness: the places readers, JSON and CSV, on arbitrary bytes (ISSUE 11). Only a
// commdx::error may come out; a tree that reads must answer its queries without throwing
// anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract.hpp"

#include <commdx/places.hpp>

namespace {

void check_tree(const commdx::places& p) {
  for (const auto& u : p.units()) {
    (void)p.ancestors(u.code);
    (void)p.ward_of(u.code);
    (void)p.level(u.code);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  commdx::fuzz::only_commdx_errors("places::from_json_text", [&] { check_tree(commdx::places::from_json_text(text, "fuzz.json")); });
  commdx::fuzz::only_commdx_errors("places::from_csv_text", [&] { check_tree(commdx::places::from_csv_text(text, "fuzz.csv")); });
  return 0;
}
