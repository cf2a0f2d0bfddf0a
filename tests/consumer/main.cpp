// Uses the installed headers and embedded data the way another C++ application would.
#include <commdx/places.hpp>

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
