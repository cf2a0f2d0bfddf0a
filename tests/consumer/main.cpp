// Uses the installed headers and embedded data the way another C++ application would: the
// umbrella header (so every installed header must compile outside the source tree), the built-in
// city, the example-city generator and a design-based estimate.
#include <commdx/commdx.hpp>

#include <iostream>

int main() {
  const auto city = commdx::places::vung_tau();
  const std::string code = city.match("phuong 1");
  if (code != "26506" || city.children("747").size() != 17) {
    std::cerr << "consumer: unexpected result " << code << "\n";
    return 1;
  }
  std::cout << "consumer: " << city.describe(code) << " found among " << city.size() << " units\n";
  return 0;
}
