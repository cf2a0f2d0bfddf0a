// libFuzzer harness: every JSON config reader on arbitrary bytes (ISSUE 11, "Fuzzing as part of
// the project"). The contract: the text is parsed by io::parse_json and handed to each reader;
// the only exception allowed out is a commdx::error (config_error, input_error, ...). Anything
// else -- an nlohmann exception, std::out_of_range, a crash, a sanitizer report -- is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "contract.hpp"

#include <commdx/classify.hpp>
#include <commdx/estimate.hpp>
#include <commdx/indicators.hpp>
#include <commdx/io/json.hpp>
#include <commdx/plan.hpp>
#include <commdx/scores.hpp>
#include <commdx/survey.hpp>
#include <commdx/synth.hpp>
#include <commdx/teams.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j;
  bool parsed = false;
  commdx::fuzz::only_commdx_errors("parse_json", [&] {
    j = commdx::io::parse_json(text, "fuzz.json");
    parsed = true;
  });
  if (!parsed) return 0;
  commdx::fuzz::only_commdx_errors("campaign_catalogue", [&] { commdx::campaign_catalogue::from_json(j, "fuzz.json"); });
  commdx::fuzz::only_commdx_errors("indicator_catalogue", [&] { commdx::indicator_catalogue::from_json(j, "fuzz.json"); });
  commdx::fuzz::only_commdx_errors("composite_index", [&] { commdx::composite_index::from_json(j, "fuzz.json"); });
  commdx::fuzz::only_commdx_errors("classify_config", [&] { commdx::classify_config::from_json(j, "fuzz.json"); });
  commdx::fuzz::only_commdx_errors("rule_set", [&] { commdx::rule_set::from_json(j, "fuzz.json"); });
  commdx::fuzz::only_commdx_errors("survey_design", [&] { commdx::survey_design::from_json(j, "fuzz.json"); });
  commdx::fuzz::only_commdx_errors("column_mapping", [&] { commdx::column_mapping::from_json(j, "fuzz.json"); });
  commdx::fuzz::only_commdx_errors("calibration", [&] { commdx::synth::detail::parse_calibration(text, "fuzz.json"); });
  return 0;
}
