// libFuzzer harness: the roster readers, JSON and CSV, on arbitrary bytes (ISSUE 11). Only a
// commdx::error may come out; a roster that reads must write itself back to JSON and read that
// back without throwing anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract.hpp"

#include <commdx/teams.hpp>

namespace {

void use(const commdx::roster& r) {
  nlohmann::json back = r;
  (void)commdx::roster::from_json(back, "round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  commdx::fuzz::only_commdx_errors("roster::from_json_text", [&] { use(commdx::roster::from_json_text(text, "fuzz.json")); });
  commdx::fuzz::only_commdx_errors("roster::from_csv_text", [&] { use(commdx::roster::from_csv_text(text, "fuzz.csv")); });
  return 0;
}
