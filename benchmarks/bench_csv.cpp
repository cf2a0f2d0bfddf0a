// The survey reader's speed on a household file, C++ alone (no Python): reads the file into
// memory once, then times commdx::read_households_csv (typing, range and cross-column checks,
// unit codes against the places tree, duplicate ids) into a commdx::table.
//
//   g++ -std=c++17 -O2 -DNDEBUG -Iinclude -I<build>/generated benchmarks/bench_csv.cpp -o bench_csv
//   ./bench_csv households.csv [places.csv] [repeats=3]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "commdx/survey.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_csv households.csv [places.csv] [repeats]\n");
    return 2;
  }
  std::string text = commdx::io::read_file(argv[1]);
  commdx::places p;
  const commdx::places* where = nullptr;
  if (argc > 2 && std::string(argv[2]) != "-") {
    p = commdx::places::from_file(argv[2]);
    where = &p;
  }
  int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  double best = 1e30;
  std::size_t rows = 0, cols = 0;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = commdx::read_households_csv(text, argv[1], where);
    auto t1 = std::chrono::steady_clock::now();
    double s = std::chrono::duration<double>(t1 - t0).count();
    if (s < best) best = s;
    rows = r.good.rows();
    cols = r.good.columns();
  }
  std::printf("{\"rows\": %zu, \"columns\": %zu, \"bytes\": %zu, \"best_seconds\": %.4f, \"mb_per_s\": %.1f}\n", rows, cols,
              text.size(), best, static_cast<double>(text.size()) / 1e6 / best);
  return 0;
}
