// The estimate stage's core, timed on data already in memory (no Python): 1 million households,
// 30 indicators, every level of the hierarchy (city, 17 wards, ~200 neighbourhoods, ~2,000
// residential groups = the PSUs) with standard errors under a stratified cluster design.
//
//   g++ -O2 -std=c++17 -I include -I build/estimate/generated -I /usr/include/eigen3 \
//       benchmarks/bench_estimate.cpp -o build/estimate/bench_estimate && build/estimate/bench_estimate [households]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "commdx/estimate.hpp"

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t wards = 17, nb_per_ward = 12, groups_per_nb = 10;
  const std::size_t groups = wards * nb_per_ward * groups_per_nb;
  commdx::text_column ward(n), nb(n), grp(n);
  commdx::numeric_column w(n);
  std::vector<commdx::numeric_column> y(30, commdx::numeric_column(n));
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t g = r * groups / n;  // sorted by group
    const std::size_t k = g / groups_per_nb, wd = k / nb_per_ward;
    ward[r] = "26" + std::to_string(500 + wd);
    nb[r] = ward[r] + "-KP" + std::to_string(k % nb_per_ward);
    grp[r] = nb[r] + "-T" + std::to_string(g % groups_per_nb);
    w[r] = 20 + 60 * u(rng);
    for (std::size_t i = 0; i < 30; ++i) y[i][r] = u(rng) < 0.05 ? commdx::missing : (u(rng) < 0.3 + 0.01 * double(i) ? 1.0 : 0.0);
  }
  commdx::table t("bench");
  t.set("ward_code", ward);
  t.set("neighbourhood_code", nb);
  t.set("group_code", grp);
  t.set("stratum", ward);
  t.set("psu", grp);
  t.set("weight", w);
  for (std::size_t i = 0; i < 30; ++i) t.set("y" + std::to_string(i), y[i]);
  using clock = std::chrono::steady_clock;
  double best = 1e9, design_s = 0, domains_s = 0;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = clock::now();
    commdx::domain_estimator est(t, commdx::survey_design::parse("weight=weight,strata=stratum,psu=psu"));
    auto t1 = clock::now();
    for (const auto& by : std::vector<std::vector<std::string>>{{}, {"ward_code"}, {"neighbourhood_code"}, {"group_code"}})
      est.add_domains(t, by);
    auto t2 = clock::now();
    double check = 0;
    for (std::size_t i = 0; i < 30; ++i) {
      auto res = est.estimate(y[i].data(), i >= 26 ? y[0].data() : nullptr,
                              i >= 26 ? commdx::statistic_kind::ratio : commdx::statistic_kind::mean,
                              commdx::interval_method::logit);
      check += res[0][0].se;
    }
    auto t3 = clock::now();
    const double total = std::chrono::duration<double>(t3 - t0).count();
    if (total < best) {
      best = total;
      design_s = std::chrono::duration<double>(t1 - t0).count();
      domains_s = std::chrono::duration<double>(t2 - t1).count();
    }
    std::printf("rep %d: %.3f s (design %.3f, domains %.3f, 30 estimates x 4 levels %.3f) check %.6g\n", rep, total,
                std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
                std::chrono::duration<double>(t3 - t2).count(), check);
  }
  std::printf("best: %.3f s for %zu households, 30 indicators, 4 levels (%zu groups)\n", best, n, groups);
  (void)design_s;
  (void)domains_s;
  return 0;
}
