// Benchmark of the scores stage (issue 5): 10,000 units x 40 indicators x 1,000 Monte Carlo draws.
// Build and run (Release flags; the generated header comes from any configured build dir):
//   g++ -std=c++17 -O3 -DNDEBUG -pthread -I include -I build/scores/generated -I /usr/include/eigen3 \
//       benchmarks/bench_scores.cpp -o build/bench_scores && build/bench_scores
// Results: benchmarks/RESULTS-scores.md.
#include <commdx/scores.hpp>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const std::size_t units = 10000, dims = 8, per_dim = 5, draws = argc > 1 ? std::stoul(argv[1]) : 1000;
  nlohmann::json inds = nlohmann::json::array(), dimensions = nlohmann::json::array(), top = nlohmann::json::array();
  for (std::size_t d = 0; d < dims; ++d) {
    nlohmann::json comps = nlohmann::json::array();
    for (std::size_t k = 0; k < per_dim; ++k) {
      const std::string id = "x" + std::to_string(d * per_dim + k);
      inds.push_back({{"id", id}, {"normalisation", {{"method", "goalposts"}, {"min", 0}, {"max", 1}}}, {"bounds", {0, 1}}});
      comps.push_back(id);
    }
    dimensions.push_back({{"id", "d" + std::to_string(d)}, {"components", comps}});
    top.push_back("d" + std::to_string(d));
  }
  const nlohmann::json cfg = {
      {"indicators", inds}, {"dimensions", dimensions}, {"index", {{"id", "index"}, {"components", top}}},
      {"uncertainty", {{"weights", {"config", "pca"}},
                       {"normalisation", {"config", {{"method", "min_max"}, {"range", {0.1, 1}}}}},
                       {"aggregation", {"config", "geometric"}}}}};
  const auto ix = commdx::composite_index::from_json(cfg, "bench");
  // Inputs: unit-level shares with a common factor (so PCA has structure) and survey-like SEs.
  commdx::table t("bench");
  std::vector<std::string> ids(units);
  for (std::size_t i = 0; i < units; ++i) ids[i] = "U" + std::to_string(i);
  t.set("unit", ids);
  commdx::detail::rng g(1);
  std::vector<double> level(units);
  for (auto& l : level) l = g.uniform();
  for (std::size_t j = 0; j < dims * per_dim; ++j) {
    commdx::numeric_column v(units), se(units);
    for (std::size_t i = 0; i < units; ++i) {
      v[i] = 0.1 + 0.6 * level[i] + 0.3 * g.uniform();
      se[i] = 0.02 + 0.03 * g.uniform();
    }
    t.set("x" + std::to_string(j), v);
    t.set("x" + std::to_string(j) + "_se", se);
  }
  for (bool sens : {false, true}) {
    commdx::uncertainty_options o;
    o.draws = draws;
    o.sensitivity = sens;
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const auto u = ix.uncertainty(t, o);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    std::printf("units=%zu indicators=%zu draws=%zu sensitivity=%s evaluations=%zu factors=%zu threads=hw: wall %.2f s, CPU %.2f s "
                "(mean abs rank shift %.1f)\n",
                units, dims * per_dim, draws, sens ? "on" : "off", u.evaluations, u.factors.size(), sec, cpu,
                u.mean_abs_rank_shift);
  }
  return 0;
}
