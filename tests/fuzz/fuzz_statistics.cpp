// libFuzzer harness: the sufficient-statistics reader (issue 16, the city roll-up without
// microdata) on arbitrary bytes, and what the city does with a file that reads: estimates from
// it on the built-in city's places, and the merge of it with itself. A ward's file travels by
// e-mail and USB stick, so the city's machine must refuse a damaged one in words, never crash or
// compute from a cast of a negative count. The contract (contract.hpp): only commdx::error out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "contract.hpp"

#include <commdx/indicators/statistics.hpp>
#include <commdx/io/json.hpp>
#include <commdx/places.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const commdx::places city = commdx::places::vung_tau();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  commdx::indicator_statistics stats;
  bool read = false;
  commdx::fuzz::only_commdx_errors("statistics_from_json", [&] {
    stats = commdx::statistics_from_json(commdx::io::parse_json(text, "fuzz.json"), "fuzz.json");
    read = true;
  });
  if (!read) return 0;
  commdx::fuzz::only_commdx_errors("indicators_from_statistics", [&] {
    commdx::indicator_options options;
    options.levels = stats.levels;  // the levels the file says it holds
    std::vector<std::string> ids;   // and the indicators it holds sums of
    for (const auto& part : stats.parts) ids.insert(ids.end(), part.indicators.begin(), part.indicators.end());
    const auto catalogue = commdx::indicator_catalogue::builtin().select(ids);
    commdx::indicators_from_statistics(stats, city, catalogue, options);
  });
  commdx::fuzz::only_commdx_errors("merge_statistics", [&] { commdx::merge_statistics({stats, stats}); });
  return 0;
}
