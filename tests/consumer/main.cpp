// Uses the installed headers and embedded data the way another C++ application would: the
// umbrella header (so every installed header must compile outside the source tree), the built-in
// city, and the pipeline's joins between stages (pipeline.hpp): estimates -> the wide table a
// composite index scores, with the SEs carried; classes -> the plan's input.
#include <commdx/commdx.hpp>

// The stages do not touch files (io/file.hpp does): the umbrella header must not bring the POSIX
// file and memory-mapping headers into every includer (issue 12).
#if defined(MAP_FAILED) || defined(PROT_READ) || defined(O_RDONLY)
#error "commdx/commdx.hpp pulled in <sys/mman.h> or <fcntl.h>: file access belongs in commdx/io/file.hpp"
#endif

#include <iostream>

int main() {
  const auto city = commdx::places::vung_tau();
  const std::string code = city.match("phuong 1");
  if (code != "26506" || city.children("747").size() != 17) {
    std::cerr << "consumer: unexpected result " << code << "\n";
    return 1;
  }
  commdx::table est("estimates");
  est.set("level", commdx::text_column{"ward", "ward"});
  est.set("unit", commdx::text_column{"26545", code});
  est.set("indicator", commdx::text_column{"e_wallet", "e_wallet"});
  est.set("estimate", commdx::numeric_column{0.25, 0.75});
  est.set("se", commdx::numeric_column{0.05, 0.03});
  const commdx::table wide = commdx::pipeline::estimates_to_wide(est, "ward");
  if (wide.rows() != 2 || wide.text("unit")[0] != "26506" || wide.numeric("e_wallet_se")[0] != 0.03) {
    std::cerr << "consumer: estimates_to_wide gave an unexpected table\n";
    return 1;
  }
  commdx::table classes("classes");
  classes.set("code", commdx::text_column{code});
  classes.set("class", commdx::text_column{"central"});
  if (commdx::pipeline::area_classes(classes).at(code) != "central") {
    std::cerr << "consumer: area_classes gave an unexpected map\n";
    return 1;
  }
  std::cout << "consumer: " << city.describe(code) << " found among " << city.size() << " units\n";
  return 0;
}
