// The example city generator's speed and peak memory, C++ alone (no Python): writes the whole
// city as CSV to a directory, streaming ward by ward, and reports rows, bytes, seconds and the
// process's peak resident memory (getrusage).
//
//   g++ -std=c++17 -O2 -DNDEBUG -Iinclude -I<build>/generated benchmarks/bench_synth.cpp -o bench_synth
//   ./bench_synth HOUSEHOLDS OUT_DIR [seed=1]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "commdx/synth.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_synth HOUSEHOLDS OUT_DIR [seed]\n");
    return 2;
  }
  commdx::synth::options o;
  o.households = std::strtoull(argv[1], nullptr, 10);
  o.seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  auto t0 = std::chrono::steady_clock::now();
  commdx::synth::write_summary s;
  try {
    s = commdx::synth::write(argv[2], o);
  } catch (const commdx::error& e) {
    std::fprintf(stderr, "bench_synth: %s\n", e.what());
    return 2;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::uint64_t total_bytes = 0;
  for (const auto& [name, b] : s.bytes) total_bytes += b;
  for (const auto& [name, rows] : s.rows) std::printf("%-28s %12llu rows\n", name.c_str(), static_cast<unsigned long long>(rows));
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("households %llu, wards %llu, people %llu\n", static_cast<unsigned long long>(s.households),
              static_cast<unsigned long long>(s.wards), static_cast<unsigned long long>(s.population));
  std::printf("seconds %.2f, households/s %.0f, bytes written %llu (%.2f GB), MB/s %.1f, peak RSS %.1f MB\n", secs,
              static_cast<double>(s.households) / secs, static_cast<unsigned long long>(total_bytes),
              static_cast<double>(total_bytes) / 1e9, static_cast<double>(total_bytes) / 1e6 / secs,
              static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
