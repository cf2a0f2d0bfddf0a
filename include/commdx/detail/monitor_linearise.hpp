#pragma once
// Internals of monitor.hpp: the stacked two-round design and the linearised variance of a
// contrast of domain ratios (see the method note at the top of monitor.hpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/table.hpp"

namespace commdx::detail::monitor {

/// Standard normal quantile by bisection on the exact CDF (erfc): slow-ish but exact to 1e-15,
/// and called once per test_changes call.
inline double normal_quantile(double p) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    const double cdf = 0.5 * std::erfc(-mid / std::sqrt(2.0));
    (cdf < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

/// Regularised incomplete beta I_x(a, b) by its continued fraction (Lentz), for the t CDF.
inline double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incomplete_beta(b, a, 1 - x);
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x)) / a;
  const double tiny = 1e-300;
  double f = 1, c = 1, d = 0;
  for (int i = 0; i <= 400; ++i) {
    const int m = i / 2;
    double num;
    if (i == 0) num = 1;
    else if (i % 2 == 0) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    const double cd = c * d;
    f *= cd;
    if (std::fabs(1 - cd) < 1e-15) break;
  }
  return front * (f - 1);
}

/// Two-sided p-value of t with df degrees of freedom (df <= 0 or infinite: the normal).
inline double two_sided_p(double t, double df) {
  if (!(df > 0) || !std::isfinite(df)) return std::erfc(std::fabs(t) / std::sqrt(2.0));
  return incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

/// The quantile q with P(|T| > q) = 1 - level, by bisection on two_sided_p.
inline double two_sided_quantile(double level, double df) {
  double lo = 0, hi = 1e3;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (two_sided_p(mid, df) > 1 - level ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

inline std::vector<std::string> sorted_unique(const std::vector<std::string>& values,
                                              const std::vector<int>& round_index) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (round_index[i] >= 0 && !values[i].empty()) out.push_back(values[i]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct contrast_result {
  std::array<double, 2> est{missing, missing};
  std::array<double, 2> var{missing, missing};
  double var_change = missing;
  double cov = missing;
  std::array<std::size_t, 2> n{0, 0};
};

/// The rows of two rounds as one design: PSU and variance-stratum index of each row.
struct stacked_design {
  std::string source;
  std::vector<int> in_rounds;          ///< per row: 0 before, 1 after, -1 another round
  std::vector<double> weight;          ///< per row
  std::vector<std::size_t> psu_of_row; ///< per row (valid when in_rounds >= 0)
  std::vector<std::size_t> stratum_of_psu;  ///< variance stratum of each PSU
  std::vector<double> stratum_factor;  ///< (1 - f_h) n_h / (n_h - 1), 0 for a certainty PSU
  std::size_t psu_count = 0;
  double degrees_of_freedom = 0;       ///< PSUs minus variance strata (survey's degf)

  static stacked_design build(const table& rows, const std::string& weight_col,
                              const std::string& strata_col, const std::string& psu_col,
                              const std::string& fpc_col, const std::string& round_col,
                              double round_before, double round_after) {
    stacked_design d;
    d.source = rows.source();
    const std::size_t n = rows.rows();
    const auto& round = rows.numeric(round_col);
    const numeric_column* w = weight_col.empty() ? nullptr : &rows.numeric(weight_col);
    const numeric_column* fpc = fpc_col.empty() ? nullptr : &rows.numeric(fpc_col);
    const auto key_of = [&](const std::string& col, std::size_t i) -> std::string {
      if (col.empty()) return std::string();
      return rows.cell_text(col, i);
    };
    d.in_rounds.assign(n, -1);
    d.weight.assign(n, 0.0);
    d.psu_of_row.assign(n, 0);

    std::unordered_map<std::string, std::size_t> stratum_index, psu_index;
    std::vector<std::string> stratum_names;
    std::vector<std::size_t> design_stratum_of_psu;
    std::vector<std::array<bool, 2>> psu_rounds;
    std::vector<double> stratum_fpc;
    for (std::size_t i = 0; i < n; ++i) {
      if (round[i] == round_before) d.in_rounds[i] = 0;
      else if (round[i] == round_after) d.in_rounds[i] = 1;
      else continue;
      const double wi = w ? (*w)[i] : 1.0;
      if (!(wi > 0) || !std::isfinite(wi)) {
        throw input_error(location{d.source, i + 1, 0, 0, weight_col, ""},
                          "weight must be a positive number, got '" + format_number(wi) + "'");
      }
      d.weight[i] = wi;
      const std::string s = key_of(strata_col, i);
      auto [sit, snew] = stratum_index.emplace(s, stratum_names.size());
      if (snew) {
        stratum_names.push_back(s);
        stratum_fpc.push_back(fpc ? (*fpc)[i] : missing);
      }
      const std::string p = psu_col.empty() ? "#" + std::to_string(i) : key_of(psu_col, i);
      auto [pit, pnew] = psu_index.emplace(s + '\x1f' + p, design_stratum_of_psu.size());
      if (pnew) {
        design_stratum_of_psu.push_back(sit->second);
        psu_rounds.push_back({false, false});
      }
      d.psu_of_row[i] = pit->second;
      psu_rounds[pit->second][static_cast<std::size_t>(d.in_rounds[i])] = true;
    }
    d.psu_count = design_stratum_of_psu.size();

    // A stratum whose PSUs never hold both rounds is two independent samples: split it by round.
    std::vector<bool> shared(stratum_names.size(), false);
    for (std::size_t p = 0; p < d.psu_count; ++p)
      if (psu_rounds[p][0] && psu_rounds[p][1]) shared[design_stratum_of_psu[p]] = true;
    std::unordered_map<std::size_t, std::size_t> var_index;  // design stratum * 2 + round
    std::vector<std::size_t> var_design;                    // variance stratum -> design stratum
    d.stratum_of_psu.assign(d.psu_count, 0);
    for (std::size_t p = 0; p < d.psu_count; ++p) {
      const std::size_t s = design_stratum_of_psu[p];
      const std::size_t key = shared[s] ? s * 2 : s * 2 + (psu_rounds[p][1] ? 1 : 0);
      auto [it, added] = var_index.emplace(key, var_design.size());
      if (added) var_design.push_back(s);
      d.stratum_of_psu[p] = it->second;
    }
    std::vector<std::size_t> n_h(var_design.size(), 0);
    for (std::size_t p = 0; p < d.psu_count; ++p) ++n_h[d.stratum_of_psu[p]];
    d.degrees_of_freedom = static_cast<double>(d.psu_count) - static_cast<double>(var_design.size());
    d.stratum_factor.assign(var_design.size(), 0.0);
    for (std::size_t h = 0; h < var_design.size(); ++h) {
      const double nh = static_cast<double>(n_h[h]);
      const double pop = stratum_fpc[var_design[h]];
      double f = 0;
      if (!is_missing(pop)) {
        if (pop <= 0) {
          throw input_error(location{d.source, 0, 0, 0, fpc_col, stratum_names[var_design[h]]},
                            "fpc must be positive, got " + format_number(pop));
        }
        f = pop >= 1 ? nh / pop : pop;
        if (f > 1 + 1e-12) {
          throw validation_error(location{d.source, 0, 0, 0, fpc_col, stratum_names[var_design[h]]},
                                 "fpc says " + format_number(pop) + " PSUs in the stratum but " +
                                     format_number(nh) + " were sampled");
        }
      }
      if (n_h[h] == 1) {
        if (f >= 1 - 1e-12) continue;  // a certainty PSU: no sampling variance
        throw validation_error(location{d.source, 0, 0, 0, strata_col, stratum_names[var_design[h]]},
                               "stratum has a single PSU in a round and no fpc making it a "
                               "certainty unit: its variance cannot be estimated");
      }
      d.stratum_factor[h] = (1 - f) * nh / (nh - 1);
    }
    return d;
  }

  /// Variance of a statistic whose PSU totals are t.
  double variance(const std::vector<double>& t) const {
    std::vector<double> sum(stratum_factor.size(), 0.0), sum2(stratum_factor.size(), 0.0);
    std::vector<double> count(stratum_factor.size(), 0.0);
    for (std::size_t p = 0; p < psu_count; ++p) {
      const std::size_t h = stratum_of_psu[p];
      sum[h] += t[p];
      sum2[h] += t[p] * t[p];
      count[h] += 1;
    }
    double v = 0;
    for (std::size_t h = 0; h < stratum_factor.size(); ++h) {
      if (stratum_factor[h] == 0) continue;
      const double ss = sum2[h] - sum[h] * sum[h] / count[h];
      v += stratum_factor[h] * std::max(ss, 0.0);
    }
    return v;
  }

  /// Before/after ratio sum(w y)/sum(w x) in a domain (dom == nullptr: everyone), their
  /// variances, the variance of after - before and their covariance.
  contrast_result contrast(const numeric_column& y, const numeric_column* x,
                           const std::vector<std::string>* dom, const std::string& label) const {
    contrast_result r;
    std::array<double, 2> ysum{0, 0}, xsum{0, 0};
    const std::size_t n = in_rounds.size();
    std::vector<char> use(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const int k = in_rounds[i];
      if (k < 0 || (dom && (*dom)[i] != label)) continue;
      const double xi = x ? (*x)[i] : 1.0;
      if (is_missing(y[i]) || is_missing(xi)) continue;
      use[i] = 1;
      const auto ku = static_cast<std::size_t>(k);
      ysum[ku] += weight[i] * y[i];
      xsum[ku] += weight[i] * xi;
      ++r.n[ku];
    }
    std::array<std::vector<double>, 2> t{std::vector<double>(psu_count, 0.0),
                                         std::vector<double>(psu_count, 0.0)};
    for (std::size_t k = 0; k < 2; ++k)
      if (xsum[k] != 0) r.est[k] = ysum[k] / xsum[k];
    for (std::size_t i = 0; i < n; ++i) {
      if (!use[i]) continue;
      const auto k = static_cast<std::size_t>(in_rounds[i]);
      if (is_missing(r.est[k])) continue;
      const double xi = x ? (*x)[i] : 1.0;
      t[k][psu_of_row[i]] += weight[i] * (y[i] - r.est[k] * xi) / xsum[k];
    }
    for (std::size_t k = 0; k < 2; ++k)
      if (!is_missing(r.est[k])) r.var[k] = variance(t[k]);
    if (!is_missing(r.est[0]) && !is_missing(r.est[1])) {
      std::vector<double> d(psu_count);
      for (std::size_t p = 0; p < psu_count; ++p) d[p] = t[1][p] - t[0][p];
      r.var_change = variance(d);
      r.cov = (r.var[0] + r.var[1] - r.var_change) / 2;
    }
    return r;
  }
};

}  // namespace commdx::detail::monitor
