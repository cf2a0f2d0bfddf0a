// Runs the demo's pipeline in C++ (commdx::pipeline::run, include/commdx/pipeline.hpp) on the example
// city's files and writes the outputs, with the same names and bytes `commdx demo` writes for the
// stages it covers (teams check and coverage, the survey fielded: size, selection and both rounds
// calibrated, indicators of both rounds, scores, classes and access groups); then prints the city's
// baseline estimates and the wards' adoption scores from the typed result, without reading the
// files back.
//
//   example_pipeline [--lang vi|en] [--households N] [--seed S] DATA OUT
//                                             DATA: a folder `commdx synth --households N --seed S
//                                             --out DATA` wrote (the survey's follow-up answers come
//                                             from the generator: give the options it was made with)
//   example_pipeline [--lang vi|en] --households N --seed S OUT
//                                             generates the example city into OUT/data first,
//                                             as `commdx demo --households N --seed S` does
//
// Exit status: 0 done, 2 bad usage or an input the stages refuse (the message names file, row, column).
#include <commdx/pipeline.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  commdx::pipeline::run_options options;
  std::string positional[2];
  int n_positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--lang" && i + 1 < argc && (std::string(argv[i + 1]) == "vi" || std::string(argv[i + 1]) == "en")) {
      options.lang = argv[++i];  // the classes' label and reasons, as commdx demo --lang
    } else if ((a == "--households" || a == "--seed") && i + 1 < argc) {
      const auto value = std::strtoull(argv[++i], nullptr, 10);
      (a == "--households" ? options.synth.households : options.synth.seed) = value;
    } else if (n_positional < 2 && a.rfind("--", 0) != 0) {
      positional[n_positional++] = a;
    } else {
      n_positional = -1;
      break;
    }
  }
  const bool generate = n_positional == 1, from_folder = n_positional == 2;
  if (!generate && !from_folder) {
    std::cerr << "usage: example_pipeline [--lang vi|en] [--households N] [--seed S] DATA OUT | "
                 "example_pipeline [--lang vi|en] [--households N] [--seed S] OUT\n";
    return 2;
  }
  if (from_folder) options.input_dir = positional[0];
  options.output_dir = positional[n_positional - 1];
  try {
    const auto result = commdx::pipeline::run(options);
    std::cout << "survey rounds: baseline " << result.days.baseline << ", follow-up " << result.days.followup << "\n";
    const auto& est = result.estimates_baseline;
    for (std::size_t i = 0; i < est.rows(); ++i)
      if (est.text("level")[i] == "city")
        std::cout << est.text("indicator")[i] << "\t" << est.numeric("estimate")[i] << " ± " << est.numeric("se")[i] << "\n";
    const auto& sc = result.scores_baseline;
    for (std::size_t i = 0; i < sc.rows(); ++i)
      if (sc.text("index")[i] == "adoption") std::cout << sc.text("unit")[i] << "\tadoption " << sc.numeric("score")[i] << "\n";
    for (const auto& f : result.written) std::cout << "wrote " << options.output_dir << "/" << f << "\n";
    return 0;
  } catch (const commdx::error& e) {
    std::cerr << "example_pipeline: " << e.what() << "\n";
    return 2;
  }
}
