#pragma once
// Internals of monitor.hpp: the stacked two-round design and the linearised variance of a
// contrast of domain ratios (see the method note at the top of monitor.hpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "commdx/detail/calibration_residuals.hpp"
#include "commdx/detail/distributions.hpp"
#include "commdx/error.hpp"
#include "commdx/table.hpp"

namespace commdx::detail::monitor {

/// Two-sided p-value of t with df degrees of freedom (df <= 0 or infinite: the normal).
inline double two_sided_p(double t, double df) {
  if (!(df > 0) || !std::isfinite(df)) return std::erfc(std::fabs(t) / std::sqrt(2.0));
  return regularized_beta(df / 2, 0.5, df / (df + t * t));
}

/// The quantile q with P(|T| > q) = 1 - level (R's qt(1 - (1 - level) / 2, df)).
inline double two_sided_quantile(double level, double df) {
  const double p = 1 - (1 - level) / 2;
  return (!(df > 0) || !std::isfinite(df)) ? normal_quantile(p) : t_quantile(p, df);
}

struct contrast_result {
  std::array<double, 2> est{missing, missing};
  std::array<double, 2> var{missing, missing};
  double var_change = missing;
  double cov = missing;
  double df = 0;  ///< sum over the strata the domain reaches of (PSUs - 1)
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
  std::vector<std::size_t> stratum_psus;  ///< n_h of each variance stratum
  std::size_t psu_count = 0;
  double degrees_of_freedom = 0;       ///< PSUs minus variance strata (survey's degf)

  /// A calibrated round (attach_calibration): its records, and per PSU the sum of calibrated
  /// weight times basis over the round's rows, which carries the regression part of every
  /// influence value (estimate.hpp's psu_basis_).
  struct calibrated_round {
    std::shared_ptr<const calibration_residuals> residuals;  ///< null: the round is not calibrated
    std::vector<std::size_t> record_of_row;  ///< per row of the table: its calibration record (rows of the round)
    std::vector<double> psu_basis;           ///< psu_count x rank
    std::vector<std::size_t> psus;           ///< the PSUs holding the round's rows, ascending
  };
  std::array<calibrated_round, 2> calibrated;

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
    // The fpc of each design stratum in each round: a frame that grew between independent rounds
    // has another fpc in the follow-up, and each round's variance takes its own (issue 14).
    std::vector<std::array<double, 2>> stratum_fpc;
    for (std::size_t i = 0; i < n; ++i) {
      if (round[i] == round_before) d.in_rounds[i] = 0;
      else if (round[i] == round_after) d.in_rounds[i] = 1;
      else continue;
      const double wi = w ? (*w)[i] : 1.0;
      if (!(wi > 0) || !std::isfinite(wi)) {
        throw input_error(location::in_file(d.source).at_row(i + 1).in_column(weight_col),
                          "weight must be a positive number, got '" + format_number(wi) + "'");
      }
      d.weight[i] = wi;
      const std::string s = key_of(strata_col, i);
      auto [sit, snew] = stratum_index.emplace(s, stratum_names.size());
      if (snew) {
        stratum_names.push_back(s);
        stratum_fpc.push_back({missing, missing});
      }
      if (fpc) {
        double& known = stratum_fpc[sit->second][static_cast<std::size_t>(d.in_rounds[i])];
        const double here = (*fpc)[i];
        if (is_missing(known)) {
          known = here;
        } else if (!(known == here) && !(is_missing(here) && is_missing(known))) {
          throw input_error(location::in_file(d.source).at_row(i + 1).in_column(fpc_col).for_unit(s),
                            "fpc varies within stratum " + s + " in round " + format_number(round[i]) + " (" +
                                format_number(known) + " and " + format_number(here) + ")");
        }
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
    // A stratum whose PSUs hold both rounds (a panel) is one variance stratum: its fpc must be the
    // same in both rounds (a panel's frame is the one its PSUs were drawn from).
    for (std::size_t s = 0; s < stratum_names.size(); ++s) {
      const auto& f = stratum_fpc[s];
      if (shared[s] && !is_missing(f[0]) && !is_missing(f[1]) && f[0] != f[1])
        throw validation_error(location::in_file(d.source).in_column(fpc_col).for_unit(stratum_names[s]),
                               "fpc of stratum " + stratum_names[s] + " differs between the rounds (" +
                                   format_number(f[0]) + " and " + format_number(f[1]) +
                                   ") although its PSUs are surveyed in both (a panel): give the fpc of the "
                                   "frame the PSUs were drawn from");
    }
    std::unordered_map<std::size_t, std::size_t> var_index;  // design stratum * 2 + round
    std::vector<std::size_t> var_design;                    // variance stratum -> design stratum
    std::vector<std::size_t> var_round;                     // variance stratum -> its round (0 or 1; a panel: 0)
    d.stratum_of_psu.assign(d.psu_count, 0);
    for (std::size_t p = 0; p < d.psu_count; ++p) {
      const std::size_t s = design_stratum_of_psu[p];
      const std::size_t key = shared[s] ? s * 2 : s * 2 + (psu_rounds[p][1] ? 1 : 0);
      auto [it, added] = var_index.emplace(key, var_design.size());
      if (added) {
        var_design.push_back(s);
        var_round.push_back(shared[s] ? (is_missing(stratum_fpc[s][0]) ? 1 : 0) : (psu_rounds[p][1] ? 1 : 0));
      }
      d.stratum_of_psu[p] = it->second;
    }
    std::vector<std::size_t> n_h(var_design.size(), 0);
    for (std::size_t p = 0; p < d.psu_count; ++p) ++n_h[d.stratum_of_psu[p]];
    d.stratum_psus = n_h;
    d.degrees_of_freedom = static_cast<double>(d.psu_count) - static_cast<double>(var_design.size());
    d.stratum_factor.assign(var_design.size(), 0.0);
    for (std::size_t h = 0; h < var_design.size(); ++h) {
      const double nh = static_cast<double>(n_h[h]);
      const double pop = stratum_fpc[var_design[h]][var_round[h]];
      double f = 0;
      if (!is_missing(pop)) {
        if (pop <= 0) {
          throw input_error(location::in_file(d.source).in_column(fpc_col).for_unit(stratum_names[var_design[h]]),
                            "fpc must be positive, got " + format_number(pop));
        }
        f = pop >= 1 ? nh / pop : pop;
        if (f > 1 + 1e-12) {
          throw validation_error(location::in_file(d.source).in_column(fpc_col).for_unit(stratum_names[var_design[h]]),
                                 "fpc says " + format_number(pop) + " PSUs in the stratum but " +
                                     format_number(nh) + " were sampled");
        }
      }
      if (n_h[h] == 1) {
        if (f >= 1 - 1e-12) continue;  // a certainty PSU: no sampling variance
        throw validation_error(location::in_file(d.source).in_column(strata_col).for_unit(stratum_names[var_design[h]]),
                               "stratum has a single PSU in a round and no fpc making it a "
                               "certainty unit: its variance cannot be estimated");
      }
      d.stratum_factor[h] = (1 - f) * nh / (nh - 1);
    }
    return d;
  }

  /// Takes round k's (0 before, 1 after) calibration: its records are the round's rows in their
  /// order, their design weights the ones it started from; the round's weights become the
  /// calibrated ones. Throws input_error naming the round (and the row) where they differ.
  void attach_calibration(std::size_t k, std::shared_ptr<const calibration_residuals> residuals,
                          const std::string& weight_col, const std::string& round_label) {
    const calibration_residuals& c = *residuals;
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < in_rounds.size(); ++i)
      if (in_rounds[i] == static_cast<int>(k)) rows.push_back(i);
    if (c.weights.size() != rows.size() || c.original.size() != rows.size() || c.basis.size() != rows.size() * c.rank)
      throw input_error(location::in_file(source).in_column(weight_col.empty() ? std::string("weight") : weight_col),
                        "the calibration of round " + round_label + " was made on " + std::to_string(c.weights.size()) +
                            " records, the round has " + std::to_string(rows.size()) +
                            " rows; test the changes on the records that were calibrated, in their order");
    calibrated_round& r = calibrated[k];
    r.record_of_row.assign(in_rounds.size(), 0);
    r.psu_basis.assign(psu_count * c.rank, 0.0);
    std::vector<char> holds(psu_count, 0);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      const std::size_t i = rows[j];
      if (!(weight[i] == c.original[j]))
        throw input_error(location::in_file(source).at_row(i + 1).in_column(weight_col.empty() ? std::string("weight") : weight_col),
                          "weight " + format_number(weight[i]) + " is not the " + format_number(c.original[j]) +
                              " the calibration of round " + round_label +
                              " started from; give the design weights (the calibrated ones come with the calibration)");
      weight[i] = c.weights[j];
      r.record_of_row[i] = j;
      const std::size_t p = psu_of_row[i];
      holds[p] = 1;
      double* cp = r.psu_basis.data() + p * c.rank;
      const double* b = c.basis.data() + j * c.rank;
      for (std::size_t q = 0; q < c.rank; ++q) cp[q] += weight[i] * b[q];
    }
    r.psus.clear();
    for (std::size_t p = 0; p < psu_count; ++p)
      if (holds[p]) r.psus.push_back(p);
    r.residuals = std::move(residuals);
  }

  /// Variance of a statistic whose PSU totals are t, non-zero only on the PSUs in `touched`
  /// (every other PSU of the design has total 0 and still counts in its stratum's n_h).
  double variance(const std::vector<double>& t, const std::vector<std::size_t>& touched) const {
    std::map<std::size_t, std::array<double, 2>> by_stratum;  // sum, sum of squares (ordered: the same sums on every platform)
    for (std::size_t p : touched) {
      auto& acc = by_stratum[stratum_of_psu[p]];
      acc[0] += t[p];
      acc[1] += t[p] * t[p];
    }
    double v = 0;
    for (const auto& [h, acc] : by_stratum) {
      if (stratum_factor[h] == 0) continue;
      const double ss = acc[1] - acc[0] * acc[0] / static_cast<double>(stratum_psus[h]);
      v += stratum_factor[h] * std::max(ss, 0.0);
    }
    return v;
  }

  /// Row numbers of each domain value (rows of the two rounds only), in one pass.
  std::unordered_map<std::string, std::vector<std::size_t>> rows_by_domain(
      const std::vector<std::string>& domain) const {
    std::unordered_map<std::string, std::vector<std::size_t>> out;
    for (std::size_t i = 0; i < in_rounds.size(); ++i)
      if (in_rounds[i] >= 0 && !domain[i].empty()) out[domain[i]].push_back(i);
    return out;
  }

  /// Every row of the two rounds.
  std::vector<std::size_t> all_rows() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < in_rounds.size(); ++i)
      if (in_rounds[i] >= 0) out.push_back(i);
    return out;
  }

  /// Before/after ratio sum(w y)/sum(w x) over `rows` (a domain), their variances, the variance
  /// of after - before and their covariance, and the domain's degrees of freedom.
  contrast_result contrast(const numeric_column& y, const numeric_column* x,
                           const std::vector<std::size_t>& rows) const {
    contrast_result r;
    std::array<double, 2> ysum{0, 0}, xsum{0, 0};
    std::vector<std::size_t> used;
    used.reserve(rows.size());
    for (std::size_t i : rows) {
      const double xi = x ? (*x)[i] : 1.0;
      if (is_missing(y[i]) || is_missing(xi)) continue;
      used.push_back(i);
      const auto ku = static_cast<std::size_t>(in_rounds[i]);
      ysum[ku] += weight[i] * y[i];
      xsum[ku] += weight[i] * xi;
      ++r.n[ku];
    }
    for (std::size_t k = 0; k < 2; ++k)
      if (xsum[k] != 0) r.est[k] = ysum[k] / xsum[k];
    std::array<std::vector<double>, 2> t{std::vector<double>(psu_count, 0.0),
                                         std::vector<double>(psu_count, 0.0)};
    std::vector<char> seen(psu_count, 0);
    std::vector<std::size_t> touched;
    // A calibrated round: beta = sum over its used rows of w_design basis z, and the size of the
    // terms its influence values are differences of, sum of w (|y| + |R x|) / X (2R for a share),
    // against which a PSU total is rounding noise.
    std::array<std::vector<double>, 2> beta;
    std::array<double, 2> size{0, 0};
    for (std::size_t k = 0; k < 2; ++k)
      if (calibrated[k].residuals && !is_missing(r.est[k])) beta[k].assign(calibrated[k].residuals->rank, 0.0);
    for (std::size_t i : used) {
      const std::size_t p = psu_of_row[i];
      if (!seen[p]) { seen[p] = 1; touched.push_back(p); }
      const auto k = static_cast<std::size_t>(in_rounds[i]);
      if (is_missing(r.est[k])) continue;
      const double xi = x ? (*x)[i] : 1.0;
      const double z = (y[i] - r.est[k] * xi) / xsum[k];
      t[k][p] += weight[i] * z;
      if (!beta[k].empty()) {
        const calibration_residuals& c = *calibrated[k].residuals;
        const std::size_t j = calibrated[k].record_of_row[i];
        const double* b = c.basis.data() + j * c.rank;
        for (std::size_t q = 0; q < c.rank; ++q) beta[k][q] += c.original[j] * b[q] * z;
        size[k] += std::fabs(weight[i]) * (std::fabs(y[i]) + std::fabs(r.est[k] * xi)) / std::fabs(xsum[k]);
      }
    }
    // A calibrated round: every PSU of the round carries the regression part of its influence
    // values, inside the domain or not (estimate.hpp's rule), so every stratum is reached.
    for (std::size_t k = 0; k < 2; ++k) {
      if (beta[k].empty()) continue;
      const std::size_t rank = calibrated[k].residuals->rank;
      for (std::size_t p : calibrated[k].psus) {
        if (!seen[p]) { seen[p] = 1; touched.push_back(p); }
        const double* cp = calibrated[k].psu_basis.data() + p * rank;
        double fit = 0;
        for (std::size_t q = 0; q < rank; ++q) fit += cp[q] * beta[k][q];
        t[k][p] -= fit;
      }
      // A PSU total below 1e-12 of that size is rounding noise (a share the calibration fixes
      // exactly, as a post-stratum's; the regression part in another stratum, where the basis is
      // zero in exact arithmetic): 0, else its last digits, which differ between compilers, reach
      // the report as an SE of 1e-18 where a census of the ward's groups has none. A genuine PSU
      // total that small would weigh less than 1e-24 in the variance.
      for (std::size_t p : touched)
        if (std::fabs(t[k][p]) <= 1e-12 * size[k]) t[k][p] = 0;
    }
    std::vector<char> reached(stratum_psus.size(), 0);
    for (std::size_t p : touched) reached[stratum_of_psu[p]] = 1;
    for (std::size_t h = 0; h < reached.size(); ++h)
      if (reached[h]) r.df += static_cast<double>(stratum_psus[h]) - 1;
    for (std::size_t k = 0; k < 2; ++k)
      if (!is_missing(r.est[k])) r.var[k] = variance(t[k], touched);
    if (!is_missing(r.est[0]) && !is_missing(r.est[1])) {
      std::vector<double> d(psu_count, 0.0);
      for (std::size_t p : touched) d[p] = t[1][p] - t[0][p];
      r.var_change = variance(d, touched);
      r.cov = (r.var[0] + r.var[1] - r.var_change) / 2;
    }
    return r;
  }
};

}  // namespace commdx::detail::monitor
