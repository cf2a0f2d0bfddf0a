#pragma once
// Issue 18: small-area estimation. Where a survey a commune can afford puts a dozen households in
// a residential group, the direct (design-based) estimate of estimate.hpp is unbiased but too noisy
// to use, or has no SE at all; the area-level model of Fay & Herriot (1979) borrows strength across
// areas through auxiliary variables known for every area (docs/small-area.md; Rao & Molina 2015,
// ch. 6). Per area i with a direct estimate y_i of sampling variance D_i (taken as known):
//   y_i = x_i' beta + u_i + e_i,   u_i ~ (0, s2u),  e_i ~ (0, D_i).
// * s2u by REML (default) or ML, Fisher scoring from the Prasad-Rao moment estimate, at most
//   max_iterations steps, converged when a step changes s2u by <= tolerance * (s2u + mean D).
//   s2u is truncated at 0 as usual (then every area would get its synthetic estimate); the result
//   says so (`truncated`). For REML, such a fit is replaced (fit_options::adjust_at_zero, default)
//   by Li & Lahiri's (2010) adjusted REML, the maximum of L_R(s2u) * s2u, which is > 0 (`adjusted`):
//   at s2u = 0 the Prasad-Rao MSE drops the area variance (g1 = 0) while the areas still differ, and
//   in the simulation (tests/python/test_small_area_simulation.py) the estimated MSE of the
//   residential groups was 0.40 of the empirical one in the samples where REML was 0, 1.03 in the
//   others. The MSE is then Prasad-Rao's at the adjusted s2u (without Li-Lahiri's first-order
//   bias term, which overcorrects at small s2u: 0.72 there; the adjusted estimate in every sample
//   gives 1.34).
// * beta by GLS at s2u; EBLUP_i = gamma_i y_i + (1 - gamma_i) x_i' beta, gamma_i = s2u / (s2u + D_i);
//   an area without a sample gets the synthetic estimate x_i' beta.
// * MSE: Prasad & Rao (1990) for REML, g1 + g2 + 2 g3, and Datta & Lahiri (2000) for ML, which
//   adds -b_ML(s2u) (1 - gamma_i)^2 for the bias of the ML estimate of s2u:
//     g1 = gamma D,  g2 = (1 - gamma)^2 x' (X'V^-1 X)^-1 x,  g3 = (1 - gamma)^2 / (s2u + D) * Vbar,
//     Vbar = 2 / sum_j (s2u + D_j)^-2,   b_ML = -tr((X'V^-1 X)^-1 X'V^-2 X) / sum_j (s2u + D_j)^-2;
//   out of sample, x' Var(beta) x + s2u. These are samplics' (EblupAreaModel) conventions, which
//   tests/python/test_small_area.py checks to 1e-6.
// On top of the fit (estimate()): proportions on the arcsine-square-root scale, smoothing of
// unusable direct variances by a generalised variance function, benchmarking to the level above,
// and the choice per area between the direct estimate and the model (see the comments there).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "commdx/error.hpp"
#include "commdx/detail/synth_random.hpp"
#include "commdx/small_area/detail/bhf.hpp"
#include "commdx/small_area/detail/fay_herriot.hpp"
#include "commdx/table.hpp"

namespace commdx::small_area {

enum class fit_method { reml, ml };

inline const char* to_string(fit_method m) { return m == fit_method::ml ? "ml" : "reml"; }

struct fit_options {
  fit_method method = fit_method::reml;
  std::size_t max_iterations = 100;  ///< Fisher-scoring steps at most (not a time budget)
  double tolerance = 1e-10;          ///< stop when |step| <= tolerance * (s2u + mean D)
  bool intercept = true;             ///< add a constant column before the auxiliaries
  /// REML only: where REML's maximum is s2u = 0, take Li & Lahiri's adjusted REML instead (> 0).
  bool adjust_at_zero = true;
};

/// One area for the model: its direct estimate and sampling variance (both missing: no sample,
/// the area gets its synthetic estimate) and its auxiliary values.
struct area {
  std::string unit;
  double direct = missing;
  double variance = missing;
  std::vector<double> x;
};

struct area_fit {
  std::string unit;
  bool sampled = false;
  double direct = missing, variance = missing;
  double synthetic = missing;  ///< x' beta
  double gamma = 0;            ///< s2u / (s2u + D); 0 out of sample
  double eblup = missing;      ///< the model's estimate (the synthetic one out of sample)
  double g1 = 0, g2 = 0, g3 = 0;
  double bias_term = 0;        ///< ML: -b_ML (1 - gamma)^2 (Datta-Lahiri); REML: 0
  double mse = missing;
};

struct fh_result {
  fit_method method = fit_method::reml;
  double sigma2_u = 0;
  bool truncated = false;      ///< the fit fell below 0 (REML or ML's maximum at s2u = 0)
  bool adjusted = false;       ///< REML at 0 replaced by Li-Lahiri's adjusted REML (fit_options::adjust_at_zero)
  std::size_t iterations = 0;
  bool converged = false;
  double sigma2_u_var = missing;  ///< Vbar = 2 / sum (s2u + D)^-2, the asymptotic variance used in g3
  double ml_bias = 0;             ///< b_ML(s2u); 0 for REML
  std::vector<std::string> coefficients;  ///< "(intercept)" then the auxiliaries
  std::vector<double> beta;
  std::vector<double> beta_cov;  ///< row-major p x p: (X' V^-1 X)^-1
  std::vector<area_fit> areas;   ///< in the order given
};

/// The Fay-Herriot fit. `auxiliaries` names the columns of every area's x (for messages);
/// `source` names the input in messages. Refused, naming the area or the auxiliary: an x of the
/// wrong length or not finite, a direct estimate without a variance (or the reverse), a variance
/// <= 0 or not finite, fewer sampled areas than coefficients + 1, auxiliaries that are collinear
/// over the sampled areas (X'V^-1 X singular).
inline fh_result fay_herriot(const std::vector<area>& areas, const std::vector<std::string>& auxiliaries,
                             const fit_options& options = {}, const std::string& source = "small_area") {
  const location where = location::in_file(source);
  if (options.max_iterations == 0 || !(options.tolerance > 0.0))
    throw config_error(where.in_column("tolerance"), "the fit needs max_iterations >= 1 and a tolerance > 0");
  const std::size_t k = auxiliaries.size(), p = k + (options.intercept ? 1 : 0);
  if (p == 0) throw config_error(where.in_column("auxiliaries"), "no auxiliary variable and no intercept: nothing to fit");
  std::vector<std::size_t> sampled;
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const area& a = areas[i];
    const location here = where.for_unit(a.unit);
    if (a.x.size() != k)
      throw input_error(here.in_column("auxiliaries"), "has " + std::to_string(a.x.size()) + " auxiliary values, expected " +
                                                           std::to_string(k));
    for (std::size_t j = 0; j < k; ++j)
      if (!std::isfinite(a.x[j]))
        throw input_error(here.in_column(auxiliaries[j]), "auxiliary value is missing or not finite; every area needs one");
    const bool has_y = !std::isnan(a.direct), has_v = !std::isnan(a.variance);
    if (has_y != has_v)
      throw input_error(here.in_column(has_y ? "variance" : "direct"),
                        has_y ? "a direct estimate without its sampling variance" : "a sampling variance without a direct estimate");
    if (!has_y) continue;
    if (!std::isfinite(a.direct)) throw input_error(here.in_column("direct"), "direct estimate is not finite");
    if (!(a.variance > 0.0) || !std::isfinite(a.variance))
      throw input_error(here.in_column("variance"),
                        a.variance < 0.0 ? "negative sampling variance " + format_number(a.variance)
                                         : "sampling variance " + format_number(a.variance) +
                                               " is not > 0 (smooth it: estimate() with smoothing)");
    sampled.push_back(i);
  }
  const std::size_t m = sampled.size();
  if (m < p + 1)
    throw input_error(where, std::to_string(m) + " sampled area(s) for " + std::to_string(p) +
                                 " coefficient(s): the model needs at least " + std::to_string(p + 1));
  fh_result out;
  out.method = options.method;
  if (options.intercept) out.coefficients.emplace_back("(intercept)");
  out.coefficients.insert(out.coefficients.end(), auxiliaries.begin(), auxiliaries.end());
  auto row_of = [&](const area& a) {
    Eigen::RowVectorXd r(static_cast<Eigen::Index>(p));
    Eigen::Index c = 0;
    if (options.intercept) r(c++) = 1.0;
    for (double v : a.x) r(c++) = v;
    return r;
  };
  Eigen::MatrixXd x(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(p));
  Eigen::VectorXd y(static_cast<Eigen::Index>(m)), d(static_cast<Eigen::Index>(m));
  for (std::size_t i = 0; i < m; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    x.row(r) = row_of(areas[sampled[i]]);
    y(r) = areas[sampled[i]].direct;
    d(r) = areas[sampled[i]].variance;
  }
  detail::refuse_collinear(x, out.coefficients, where, std::to_string(m) + " sampled areas (X'V^-1 X is singular)");
  const detail::scoring sc =
      detail::fisher_scoring(x, y, d, options.method == fit_method::reml, options.max_iterations, options.tolerance);
  out.sigma2_u = sc.s2;
  out.truncated = sc.truncated && sc.s2 == 0.0;
  out.iterations = sc.iterations;
  out.converged = sc.converged;
  if (out.truncated && options.method == fit_method::reml && options.adjust_at_zero) {
    out.sigma2_u = detail::li_lahiri(x, y, d);
    out.adjusted = true;
  }
  const double s2 = out.sigma2_u;
  const Eigen::VectorXd v = (d.array() + s2).matrix();
  const detail::gls g = detail::gls_fit(x, y, v);
  const Eigen::ArrayXd w = v.cwiseInverse().array();
  const double sum_w2 = w.square().sum();
  out.sigma2_u_var = 2.0 / sum_w2;
  if (options.method == fit_method::ml) {
    const Eigen::MatrixXd x2 = x.transpose() * w.square().matrix().asDiagonal() * x;
    out.ml_bias = -(g.a_inv * x2).trace() / sum_w2;
  }
  out.beta.assign(g.beta.data(), g.beta.data() + g.beta.size());
  out.beta_cov.resize(p * p);
  for (std::size_t r = 0; r < p; ++r)
    for (std::size_t c = 0; c < p; ++c)
      out.beta_cov[r * p + c] = g.a_inv(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
  out.areas.reserve(areas.size());
  for (const area& a : areas) {
    area_fit f;
    f.unit = a.unit;
    f.direct = a.direct;
    f.variance = a.variance;
    f.sampled = !std::isnan(a.direct);
    const Eigen::RowVectorXd xi = row_of(a);
    f.synthetic = xi.dot(g.beta);
    const double xax = xi * g.a_inv * xi.transpose();
    if (!f.sampled) {
      f.eblup = f.synthetic;
      f.g2 = xax;
      f.mse = xax + s2;
    } else {
      const double vi = s2 + a.variance;
      f.gamma = s2 / vi;
      const double one_minus = 1.0 - f.gamma;
      f.eblup = f.gamma * a.direct + one_minus * f.synthetic;
      f.g1 = f.gamma * a.variance;
      f.g2 = one_minus * one_minus * xax;
      f.g3 = one_minus * one_minus / vi * out.sigma2_u_var;
      f.bias_term = -out.ml_bias * one_minus * one_minus;
      f.mse = f.g1 + f.g2 + 2.0 * f.g3 + f.bias_term;
    }
    out.areas.push_back(std::move(f));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// estimate(): from direct estimates (estimate.hpp's domain estimates of one level) to the table of
// chosen estimates.
// * Proportions (transform arcsine): theta = asin(sqrt(p)) with sampling variance 1 / (4 n_eff),
//   n_eff = p (1 - p) / v for an area whose direct variance v is usable, n / deff otherwise. Below
//   n_eff = 200 the variance is the exact one of asin(sqrt(X / n_eff)) for X binomial(n_eff, pbar)
//   (pbar: the records-weighted mean of the areas' direct proportions; interpolated between whole
//   n_eff): at 5 households 1/(4n) = 0.05 where the exact value is 0.077 to 0.085 for pbar in
//   [0.3, 0.7], and the shortfall would be taken for area variance (tests/python: simulation). The
//   model is fitted on that scale and back-transformed, model = sin^2(theta_hat) (theta_hat kept in
//   [0, pi/2]), so estimates stay in [0, 1]; the MSE on the proportion scale is the variance of
//   sin^2(T) for T ~ N(theta_hat, MSE_theta):
//     ((1 + cos(4 theta) e^(-8 M)) / 2 - cos^2(2 theta) e^(-4 M)) / 4,
//   which is sin^2(2 theta) M (the delta method) to first order and stays > 0 at p = 0 or 1.
// * Smoothing: a direct variance is unusable when it is missing, 0 (no variation in the domain)
//   or the design cannot estimate it (estimable false: the domain lies inside one PSU), or the
//   domain has fewer than 2 records. Such an area (every area with smoothing all) takes the
//   generalised variance function fitted over the areas whose variance is usable:
//     proportions (arcsine scale) D = the variance above at n_eff = n / deff, deff the median of n / n_eff over those areas
//     (a median: an area sampled nearly whole has n_eff >> n under the fpc and would drag a pooled
//     ratio to 0), or 1, stated, when there is none (within a PSU sampled by simple random sampling);
//     means D = c / n, c = exp(mean log(v n)) over those areas (refused when there is none).
// * Benchmarking (ratio or difference) of the model estimates of the areas under each parent to
//   the parent's direct estimate P, when that is reliable (relative SE <= rse_threshold), with
//   weights the areas' population sizes: ratio model * P / sum(w model), difference
//   model + P - sum(w model); the MSE adds the square of the adjustment (an approximation; the
//   benchmarked MSE is not the EBLUP's); a proportion taken out of [0, 1] is clipped, stated
//   (row::clipped). benchmark() below, shared with the unit-level model.
// * Choice: the direct estimate where its variance is the design's own and its relative SE is
//   <= rse_threshold (default 0.20, between Statistics Canada's 16.5% and the Australian Bureau
//   of Statistics' 25% marks for an estimate fit to publish without caution), the model elsewhere,
//   the synthetic estimate where there is no sample, and the direct estimate of an area whose every
//   household was interviewed (census: exact; it still enters the fit with its smoothed variance);
//   `source` and `reason` say which and why.

enum class transform_kind { none, arcsine };
enum class smoothing { unstable, all, none };
enum class benchmark_kind { none, ratio, difference };

inline const char* to_string(transform_kind t) { return t == transform_kind::arcsine ? "arcsine" : "none"; }
inline const char* to_string(smoothing s) {
  return s == smoothing::all ? "all" : s == smoothing::none ? "none" : "unstable";
}
inline const char* to_string(benchmark_kind b) {
  return b == benchmark_kind::ratio ? "ratio" : b == benchmark_kind::difference ? "difference" : "none";
}

/// One area's direct estimate, as domain_estimate gives it, with its auxiliaries. estimate and
/// se missing (n = 0): no sample.
struct direct_input {
  std::string unit;
  std::string parent;       ///< the unit above (benchmarking); "" for none
  double estimate = missing;
  double se = missing;
  double n = 0;             ///< records
  bool estimable = false;   ///< domain_estimate::estimable
  double size = missing;    ///< population (households): benchmarking weight
  bool census = false;      ///< every household of the area was interviewed: the direct is exact
  std::vector<double> x;
};

struct parent_estimate {
  std::string unit;
  double estimate = missing;
  double se = missing;
};

struct options {
  fit_options fit;
  transform_kind transform = transform_kind::none;
  smoothing smooth = smoothing::unstable;
  benchmark_kind benchmark = benchmark_kind::none;
  double rse_threshold = 0.2;
};

struct row {
  std::string unit, parent;
  double n = 0;
  double direct = missing, direct_se = missing;
  double rse = missing;             ///< direct_se / |direct|
  double variance = missing;        ///< the sampling variance the model used, on its scale
  std::string variance_source;      ///< "direct", "gvf" (smoothed) or "" (no sample)
  double gamma = 0;
  double synthetic = missing;       ///< x' beta, back-transformed
  double model = missing, mse = missing;  ///< back-transformed and benchmarked
  double benchmark_adjustment = 0;  ///< model - the model before benchmarking
  std::string benchmark;            ///< "ratio", "difference", "none", "parent_unreliable", "no_parent"
  bool clipped = false;             ///< a proportion benchmarked out of [0, 1], set to the bound
  double chosen = missing, chosen_se = missing;
  std::string source;               ///< "direct", "eblup" or "synthetic"
  std::string reason;               ///< "rse_ok", "rse_high", "variance_unusable", "no_sample", "census"
};

struct result {
  fh_result fit;  ///< on the model's scale
  options used;
  double deff_pooled = missing;     ///< proportions: the GVF's design effect
  double pbar = missing;            ///< proportions: the records-weighted mean direct proportion
  bool deff_assumed = false;        ///< no area had a usable variance: deff 1 was taken
  double gvf_constant = missing;    ///< means: c of D = c / n
  std::size_t smoothed = 0;         ///< areas whose variance came from the GVF
  std::vector<row> rows;
};

namespace detail {
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 == 1 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

// Var(asin(sqrt(X / n))) for X ~ binomial(n, p), n a whole number >= 1.
inline double arcsine_variance_whole(double n, double p) {
  double mean = 0, second = 0;
  const double lp = std::log(p), lq = std::log1p(-p), ln = std::lgamma(n + 1.0);
  for (double k = 0; k <= n; k += 1.0) {
    const double w = std::exp(ln - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * lp + (n - k) * lq);
    const double t = std::asin(std::sqrt(k / n));
    mean += w * t;
    second += w * t * t;
  }
  return std::max(0.0, second - mean * mean);
}

/// The sampling variance of asin(sqrt(p_hat)) at n_eff records' worth of information.
inline double arcsine_variance(double n_eff, double p) {
  if (n_eff >= 200.0 || !(p > 0.0 && p < 1.0)) return 0.25 / n_eff;
  if (n_eff <= 1.0) return arcsine_variance_whole(1.0, p) / std::max(n_eff, 1e-9);  // less than one record
  const double lo = std::floor(n_eff), hi = lo + 1.0, f = n_eff - lo;
  return (1.0 - f) * arcsine_variance_whole(lo, p) + f * arcsine_variance_whole(hi, p);
}

inline double sin2_variance(double theta, double m) {
  // sin^2 T = (1 - cos 2T) / 2, E cos(kT) = cos(k theta) e^(-k^2 m / 2), E cos^2 2T = (1 + E cos 4T) / 2
  return std::max(0.0, 0.25 * (0.5 * (1.0 + std::cos(4.0 * theta) * std::exp(-8.0 * m)) -
                                std::pow(std::cos(2.0 * theta), 2) * std::exp(-4.0 * m)));
}
}  // namespace detail

/// The estimate to use for one area, and why (the rule of estimate() above, shared with the
/// unit-level model): no sample -> the synthetic estimate; census -> the direct one, SE 0; a
/// direct variance of the design's own (usable) with relative SE <= threshold -> direct; else
/// the model ("rse_high", or "variance_unusable" when the design gives no usable variance).
struct choice {
  double estimate = missing, se = missing;
  std::string source, reason;
};

inline choice choose(double direct, double direct_se, double rse, bool usable, bool census, double model, double mse,
                     double threshold) {
  choice c;
  if (std::isnan(direct)) {
    c.source = "synthetic";
    c.reason = "no_sample";
  } else if (census) {
    c.source = "direct";
    c.reason = "census";
  } else if (usable) {
    const bool ok = !std::isnan(rse) && rse <= threshold;
    c.source = ok ? "direct" : "eblup";
    c.reason = ok ? "rse_ok" : "rse_high";
  } else {
    c.source = "eblup";
    c.reason = "variance_unusable";
  }
  c.estimate = c.source == "direct" ? direct : model;
  c.se = c.reason == "census" ? 0.0 : c.source == "direct" ? direct_se : std::sqrt(mse);
  return c;
}

/// Benchmarking, shared by the area-level (estimate()) and the unit-level model: the `model`
/// estimates of the rows under each parent (row::parent) are scaled (ratio: model * P / sum(w model))
/// or shifted (difference: model + P - sum(w model)), w = size / sum(size) over the parent's rows,
/// so that their weighted mean is the parent's direct estimate P, when that is reliable (relative
/// SE <= rse_threshold). Each row's `benchmark` says ratio / difference / parent_unreliable /
/// no_parent (none when kind is none); `benchmark_adjustment` is the change, and `mse` adds its
/// square (an approximation: the benchmarked estimator's MSE is not the model's). A row under a
/// parent in `parents` needs its size (> 0), refused naming the unit otherwise. `proportion`: a
/// benchmarked estimate outside [0, 1] (a ratio above 1 near p = 1, a difference below 0 near 0)
/// is set to the bound and `clipped` says so; the adjustment (and the MSE) count the clipped
/// change, and that parent's weighted mean then misses P by what was clipped.
inline void benchmark(std::vector<row>& rows, const std::vector<double>& sizes, const std::vector<parent_estimate>& parents,
                      benchmark_kind kind, double rse_threshold, const location& where, bool proportion = false) {
  if (sizes.size() != rows.size())
    throw config_error(where.in_column("size"), std::to_string(sizes.size()) + " sizes for " + std::to_string(rows.size()) +
                                                    " rows");
  for (row& r : rows) {
    r.benchmark = kind == benchmark_kind::none ? "none" : "no_parent";
    r.benchmark_adjustment = 0;
    r.clipped = false;
  }
  if (kind == benchmark_kind::none) return;
  std::map<std::string, const parent_estimate*> by_unit;
  for (const auto& p : parents) by_unit[p.unit] = &p;
  std::map<std::string, std::pair<double, double>> sums;  // parent -> (sum w, sum w model)
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const row& r = rows[i];
    if (r.parent.empty() || !by_unit.count(r.parent)) continue;
    if (!(sizes[i] > 0.0) || !std::isfinite(sizes[i]))
      throw input_error(where.for_unit(r.unit).in_column("size"),
                        "benchmarking needs the area's population size (> 0), got " + format_number(sizes[i]));
    auto& s = sums[r.parent];
    s.first += sizes[i];
    s.second += sizes[i] * r.model;
  }
  for (row& r : rows) {
    auto it = sums.find(r.parent);
    if (it == sums.end()) continue;
    const parent_estimate& p = *by_unit.at(r.parent);
    const bool reliable = !std::isnan(p.estimate) && p.estimate != 0.0 && std::isfinite(p.se) &&
                          p.se / std::abs(p.estimate) <= rse_threshold;
    if (!reliable) {
      r.benchmark = "parent_unreliable";
      continue;
    }
    const double mean = it->second.second / it->second.first;
    const double before = r.model;
    r.model = kind == benchmark_kind::ratio ? (mean != 0.0 ? r.model * p.estimate / mean : r.model)
                                            : r.model + p.estimate - mean;
    if (proportion && (r.model < 0.0 || r.model > 1.0)) {
      r.model = std::clamp(r.model, 0.0, 1.0);
      r.clipped = true;
    }
    r.benchmark_adjustment = r.model - before;
    r.mse += r.benchmark_adjustment * r.benchmark_adjustment;
    r.benchmark = to_string(kind);
  }
}

inline result estimate(const std::vector<direct_input>& areas, const std::vector<std::string>& auxiliaries,
                       const std::vector<parent_estimate>& parents = {}, const options& opt = {},
                       const std::string& source = "small_area") {
  const location where = location::in_file(source);
  if (!(opt.rse_threshold >= 0.0) || !std::isfinite(opt.rse_threshold))
    throw config_error(where.in_column("rse_threshold"), "the relative-SE threshold must be a number >= 0");
  const bool arcsine = opt.transform == transform_kind::arcsine;
  result out;
  out.used = opt;
  std::vector<bool> usable(areas.size(), false);
  std::vector<double> theta(areas.size(), missing), d(areas.size(), missing);
  std::vector<double> deffs, neff(areas.size(), missing);
  double sum_log = 0, sum_np = 0, sum_n = 0;
  std::size_t good = 0;
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const direct_input& a = areas[i];
    const location here = where.for_unit(a.unit);
    if (std::isnan(a.estimate)) continue;
    if (!std::isfinite(a.estimate)) throw input_error(here.in_column("direct"), "direct estimate is not finite");
    if (a.se < 0.0) throw input_error(here.in_column("direct_se"), "negative standard error " + format_number(a.se));
    if (!(a.n >= 1.0)) throw input_error(here.in_column("n"), "a direct estimate from " + format_number(a.n) + " records");
    if (arcsine) {
      if (a.estimate < 0.0 || a.estimate > 1.0)
        throw input_error(here.in_column("direct"),
                          "proportion " + format_number(a.estimate) + " is outside [0, 1]; use transform none for a mean");
      theta[i] = std::asin(std::sqrt(a.estimate));
      sum_np += a.n * a.estimate;
      sum_n += a.n;
    } else {
      theta[i] = a.estimate;
    }
    usable[i] = a.estimable && a.se > 0.0 && std::isfinite(a.se) && a.n >= 2.0;
    if (!usable[i]) continue;
    const double v = a.se * a.se;
    ++good;
    if (arcsine) {
      neff[i] = a.estimate * (1.0 - a.estimate) / v;
      deffs.push_back(a.n / neff[i]);
    } else {
      d[i] = v;
      sum_log += std::log(v * a.n);
    }
  }
  const double pbar = sum_n > 0 ? sum_np / sum_n : missing;
  out.pbar = pbar;
  if (arcsine)
    for (std::size_t i = 0; i < areas.size(); ++i)
      if (usable[i]) d[i] = detail::arcsine_variance(neff[i], pbar);
  std::vector<area> model_areas(areas.size());
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const direct_input& a = areas[i];
    area& ma = model_areas[i];
    ma.unit = a.unit;
    ma.x = a.x;
    if (std::isnan(theta[i])) continue;
    const bool smooth = opt.smooth == smoothing::all || (opt.smooth == smoothing::unstable && !usable[i]);
    if (smooth) {
      if (arcsine) {
        if (std::isnan(out.deff_pooled)) {
          out.deff_assumed = good == 0;
          out.deff_pooled = good == 0 ? 1.0 : detail::median(deffs);
        }
        d[i] = detail::arcsine_variance(a.n / out.deff_pooled, pbar);
      } else {
        if (good == 0)
          throw input_error(where.for_unit(a.unit).in_column("direct_se"),
                            "the direct variance is unusable and no area has a usable one to smooth it from");
        out.gvf_constant = std::exp(sum_log / static_cast<double>(good));
        d[i] = out.gvf_constant / a.n;
      }
      ++out.smoothed;
    } else if (!usable[i]) {
      throw input_error(where.for_unit(a.unit).in_column("direct_se"),
                        "the direct variance is unusable (0, missing, or the domain lies inside one PSU) and smoothing "
                        "is off");
    }
    ma.direct = theta[i];
    ma.variance = d[i];
  }
  out.fit = fay_herriot(model_areas, auxiliaries, opt.fit, source);
  const double half_pi = 2.0 * std::atan(1.0);
  out.rows.reserve(areas.size());
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const direct_input& a = areas[i];
    const area_fit& f = out.fit.areas[i];
    row r;
    r.unit = a.unit;
    r.parent = a.parent;
    r.n = a.n;
    r.direct = a.estimate;
    r.direct_se = a.se;
    r.rse = std::isnan(a.estimate) ? missing : a.estimate != 0.0 ? a.se / std::abs(a.estimate) : missing;
    r.variance = d[i];
    r.variance_source = std::isnan(a.estimate) ? "" : usable[i] && opt.smooth != smoothing::all ? "direct" : "gvf";
    r.gamma = f.gamma;
    if (arcsine) {
      const double t = std::clamp(f.eblup, 0.0, half_pi);
      r.model = std::pow(std::sin(t), 2);
      r.mse = detail::sin2_variance(t, f.mse);
      r.synthetic = std::pow(std::sin(std::clamp(f.synthetic, 0.0, half_pi)), 2);
    } else {
      r.model = f.eblup;
      r.mse = f.mse;
      r.synthetic = f.synthetic;
    }
    r.benchmark = "none";
    out.rows.push_back(std::move(r));
  }
  if (opt.benchmark != benchmark_kind::none) {
    std::vector<double> sizes(areas.size());
    for (std::size_t i = 0; i < areas.size(); ++i) sizes[i] = areas[i].size;
    benchmark(out.rows, sizes, parents, opt.benchmark, opt.rse_threshold, where, arcsine);
  }
  for (std::size_t i = 0; i < areas.size(); ++i) {
    row& r = out.rows[i];
    const choice c = choose(r.direct, r.direct_se, r.rse, usable[i], areas[i].census, r.model, r.mse, opt.rse_threshold);
    r.chosen = c.estimate;
    r.chosen_se = c.se;
    r.source = c.source;
    r.reason = c.reason;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Unit-level model: the Battese-Harter-Fuller (1988) EBLUP of area means where the auxiliaries are
// known for every household of the population (the commune's household list), so each area's
// population mean Xbar_i of them is known (Rao & Molina 2015, 7.1-7.2). On the sample,
//   y_ij = x_ij' beta + u_i + e_ij,  u_i ~ N(0, s2u),  e_ij ~ N(0, s2e),
// s2u and s2e by REML (default) or ML (detail/bhf.hpp), beta by GLS. Per area with n_i sampled of
// N_i households, gamma_i = s2u / (s2u + s2e / n_i), f_i = n_i / N_i (0 when N_i is not given: the
// target is then the model mean Xbar_i' beta + u_i, as samplics' EblupUnitModel without pop_size):
//   EBLUP_i = Xbar_i' beta + (f_i + (1 - f_i) gamma_i) (ybar_i - xbar_i' beta)
// (= f ybar + (1 - f) [Xbar_r' beta + gamma (ybar - xbar' beta)], Xbar_r the mean of the households
// not sampled); an area without sample gets Xbar_i' beta.
// * Analytic MSE (Prasad-Rao type, Rao & Molina 7.2.3, with samplics' information matrix): at f = 0
//     g1 = gamma s2e / n,  g2 = (Xbar - gamma xbar)' A^-1 (Xbar - gamma xbar),  A = sum X_i' V_i^-1 X_i,
//     g3 = n^-2 (s2u + s2e/n)^-3 [s2e^2 I_ee + s2u^2 I_uu + 2 s2e s2u I_ue] / det I,
//   I the ML information of (s2u, s2e); with a sampling fraction, (1 - f)^2 (g1 + g2(Xbar_r) + 2 g3)
//   + (1 - f) s2e / N. Out of sample: s2u + s2e / N + Xbar' A^-1 Xbar (mse_analytic).
// * Parametric bootstrap MSE (Gonzalez-Manteiga et al. 2008; Molina & Rao 2010): `replicates`
//   populations from the fitted model (u*_i for every area, e*_ij for the sampled households and
//   the mean of the others' errors), refitted by the same method; the MSE is the mean squared error
//   of the bootstrap EBLUP against each replicate's true area mean. Seeded: the same seed gives
//   the same numbers on every platform (synth's xoshiro256** and polar normals). 0 replicates: no
//   bootstrap (mse_bootstrap missing); `mse` is the bootstrap one when there is one, else the
//   analytic one.

struct household_record {
  std::string area;
  double y = missing;
  std::vector<double> x;
};

struct population_area {
  std::string unit;
  double size = missing;     ///< N_i, households; missing: the model-mean target (f = 0)
  std::vector<double> mean;  ///< Xbar_i, the population means of the auxiliaries
};

struct bhf_options {
  fit_method method = fit_method::reml;
  bool intercept = true;
  std::size_t max_iterations = 200;  ///< golden-section steps at most (not a time budget)
  double tolerance = 1e-13;          ///< on the intra-class correlation s2u / (s2u + s2e)
  std::size_t replicates = 0;        ///< parametric bootstrap replicates; 0: none
  std::uint64_t seed = 1;
};

struct bhf_area {
  std::string unit;
  double n = 0, size = missing, fraction = 0;
  bool sampled = false;
  double sample_mean = missing;  ///< ybar_i (unweighted)
  double gamma = 0;
  double synthetic = missing;    ///< Xbar_i' beta
  double eblup = missing;
  double g1 = 0, g2 = 0, g3 = 0;
  double mse_analytic = missing, mse_bootstrap = missing, mse = missing;
};

struct bhf_result {
  fit_method method = fit_method::reml;
  double sigma2_u = 0, sigma2_e = 0;
  bool truncated = false;  ///< s2u at 0 (the likelihood's maximum on the boundary)
  bool converged = false;
  std::size_t evaluations = 0;
  double loglik = 0;
  std::vector<std::string> coefficients;
  std::vector<double> beta, beta_cov;
  std::size_t replicates = 0;
  std::uint64_t seed = 0;
  std::vector<bhf_area> areas;  ///< in the order of the population areas
};

namespace detail {
struct bhf_prepared {
  std::vector<std::size_t> area_of;          // per sampled area: index into the population areas
  std::vector<std::vector<std::size_t>> rec;  // per sampled area: its records
  std::vector<unit_area_sums> sums;
  std::vector<Eigen::RowVectorXd> xrow;       // per record, with the intercept
};

inline Eigen::RowVectorXd design_row(const std::vector<double>& x, bool intercept) {
  Eigen::RowVectorXd r(static_cast<Eigen::Index>(x.size() + (intercept ? 1 : 0)));
  Eigen::Index c = 0;
  if (intercept) r(c++) = 1.0;
  for (double v : x) r(c++) = v;
  return r;
}

inline void area_sums_y(unit_area_sums& s, const std::vector<Eigen::RowVectorXd>& xrow, const std::vector<std::size_t>& rec,
                        const std::vector<double>& y) {
  s.sxy.setZero();
  s.sy = s.syy = 0;
  for (std::size_t j : rec) {
    s.sxy += xrow[j].transpose() * y[j];
    s.sy += y[j];
    s.syy += y[j] * y[j];
  }
}

/// The EBLUPs of every population area from a fit; `ybar`, `xbar` per sampled area.
inline std::vector<double> bhf_predict(const nested_fit& f, const bhf_prepared& pr, const std::vector<population_area>& pop,
                                       bool intercept, std::vector<double>* gammas = nullptr) {
  std::vector<double> out(pop.size());
  for (std::size_t i = 0; i < pop.size(); ++i) out[i] = design_row(pop[i].mean, intercept).dot(f.beta);
  for (std::size_t k = 0; k < pr.sums.size(); ++k) {
    const unit_area_sums& s = pr.sums[k];
    const std::size_t i = pr.area_of[k];
    const double gamma = f.s2u / (f.s2u + f.s2e / s.n);
    const double fr = std::isnan(pop[i].size) ? 0.0 : s.n / pop[i].size;
    const double resid = s.sy / s.n - s.sx.dot(f.beta) / s.n;
    out[i] += (fr + (1.0 - fr) * gamma) * resid;
    if (gammas) (*gammas)[i] = gamma;
  }
  return out;
}
}  // namespace detail

/// The unit-level fit and EBLUPs for every area of `population` (sampled or not). Refused, naming
/// the record or the area: a record of an area not in the population, a y or x missing or not
/// finite, an x of the wrong length, an area given twice, a size below its sample, fewer records
/// than coefficients + 2 or fewer than 2 sampled areas, collinear auxiliaries.
inline bhf_result battese_harter_fuller(const std::vector<household_record>& sample, const std::vector<population_area>& population,
                                        const std::vector<std::string>& auxiliaries, const bhf_options& opt = {},
                                        const std::string& source = "small_area") {
  const location where = location::in_file(source);
  if (opt.max_iterations == 0 || !(opt.tolerance > 0.0))
    throw config_error(where.in_column("tolerance"), "the fit needs max_iterations >= 1 and a tolerance > 0");
  const std::size_t k = auxiliaries.size(), p = k + (opt.intercept ? 1 : 0);
  if (p == 0) throw config_error(where.in_column("auxiliaries"), "no auxiliary variable and no intercept: nothing to fit");
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < population.size(); ++i) {
    const population_area& a = population[i];
    const location here = where.for_unit(a.unit);
    if (!index.emplace(a.unit, i).second) throw input_error(here, "area given twice in the population");
    if (a.mean.size() != k)
      throw input_error(here.in_column("auxiliaries"),
                        "has " + std::to_string(a.mean.size()) + " population means, expected " + std::to_string(k));
    for (std::size_t j = 0; j < k; ++j)
      if (!std::isfinite(a.mean[j]))
        throw input_error(here.in_column(auxiliaries[j]), "population mean is missing or not finite; every area needs one");
    if (!std::isnan(a.size) && !(a.size > 0.0 && std::isfinite(a.size)))
      throw input_error(here.in_column("size"), "population size " + format_number(a.size) + " is not > 0");
  }
  detail::bhf_prepared pr;
  std::map<std::size_t, std::size_t> slot;  // population index -> sampled slot
  std::vector<double> y(sample.size());
  pr.xrow.reserve(sample.size());
  for (std::size_t r = 0; r < sample.size(); ++r) {
    const household_record& h = sample[r];
    const location here = where.at_row(r + 1).for_unit(h.area);
    auto it = index.find(h.area);
    if (it == index.end()) throw input_error(here, "the record's area is not in the population");
    if (!std::isfinite(h.y)) throw input_error(here.in_column("y"), "the variable is missing or not finite");
    if (h.x.size() != k)
      throw input_error(here.in_column("auxiliaries"),
                        "has " + std::to_string(h.x.size()) + " auxiliary values, expected " + std::to_string(k));
    for (std::size_t j = 0; j < k; ++j)
      if (!std::isfinite(h.x[j])) throw input_error(here.in_column(auxiliaries[j]), "auxiliary value is missing or not finite");
    auto [s, fresh] = slot.emplace(it->second, pr.sums.size());
    if (fresh) {
      pr.area_of.push_back(it->second);
      pr.rec.emplace_back();
      detail::unit_area_sums z;
      z.sx = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
      z.sxx = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
      z.sxy = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
      pr.sums.push_back(std::move(z));
    }
    pr.rec[s->second].push_back(r);
    pr.xrow.push_back(detail::design_row(h.x, opt.intercept));
    y[r] = h.y;
    detail::unit_area_sums& z = pr.sums[s->second];
    z.n += 1.0;
    z.sx += pr.xrow[r].transpose();
    z.sxx += pr.xrow[r].transpose() * pr.xrow[r];
  }
  for (std::size_t s = 0; s < pr.sums.size(); ++s) {
    detail::area_sums_y(pr.sums[s], pr.xrow, pr.rec[s], y);
    const population_area& a = population[pr.area_of[s]];
    if (!std::isnan(a.size) && a.size < pr.sums[s].n)
      throw input_error(where.for_unit(a.unit).in_column("size"), "population size " + format_number(a.size) + " is below its " +
                                                                     format_number(pr.sums[s].n) + " sampled records");
  }
  if (sample.size() < p + 2 || pr.sums.size() < 2)
    throw input_error(where, std::to_string(sample.size()) + " record(s) in " + std::to_string(pr.sums.size()) +
                                 " area(s) for " + std::to_string(p) +
                                 " coefficient(s): the model needs at least 2 areas and coefficients + 2 records");
  bhf_result out;
  out.method = opt.method;
  if (opt.intercept) out.coefficients.emplace_back("(intercept)");
  out.coefficients.insert(out.coefficients.end(), auxiliaries.begin(), auxiliaries.end());
  {
    Eigen::MatrixXd xs(static_cast<Eigen::Index>(sample.size()), static_cast<Eigen::Index>(p));
    for (std::size_t r = 0; r < sample.size(); ++r) xs.row(static_cast<Eigen::Index>(r)) = pr.xrow[r];
    detail::refuse_collinear(xs, out.coefficients, where, std::to_string(sample.size()) + " sampled records");
  }
  const bool reml = opt.method == fit_method::reml;
  const detail::nested_fit f = detail::fit_nested(pr.sums, reml, opt.max_iterations, opt.tolerance);
  out.sigma2_u = f.s2u;
  out.sigma2_e = f.s2e;
  out.truncated = f.s2u == 0.0;
  out.converged = f.converged;
  out.evaluations = f.evaluations;
  out.loglik = f.loglik;
  out.beta.assign(f.beta.data(), f.beta.data() + f.beta.size());
  out.beta_cov.assign(f.a_inv.data(), f.a_inv.data() + f.a_inv.size());  // symmetric: the order does not matter
  std::vector<double> gammas(population.size(), 0.0);
  const std::vector<double> eblup = detail::bhf_predict(f, pr, population, opt.intercept, &gammas);
  // the information matrix of (s2u, s2e) for g3 (samplics' EblupUnitModel._mse)
  const double s2u = f.s2u, s2e = f.s2e;
  double i_uu = 0, i_ee = 0, i_ue = 0;
  for (const auto& s : pr.sums) {
    const double alpha = s2e + s.n * s2u;
    i_uu += 0.5 * std::pow(s.n / alpha, 2);
    i_ee += 0.5 * ((s.n - 1.0) / (s2e * s2e) + 1.0 / (alpha * alpha));
    i_ue += 0.5 * s.n / (alpha * alpha);
  }
  const double det = i_uu * i_ee - i_ue * i_ue;
  out.areas.resize(population.size());
  for (std::size_t i = 0; i < population.size(); ++i) {
    bhf_area& b = out.areas[i];
    b.unit = population[i].unit;
    b.size = population[i].size;
    const Eigen::RowVectorXd xbar = detail::design_row(population[i].mean, opt.intercept);
    b.synthetic = xbar.dot(f.beta);
    b.eblup = eblup[i];
    b.mse_analytic = s2u + xbar * f.a_inv * xbar.transpose();
    if (!std::isnan(b.size)) b.mse_analytic += s2e / b.size;
  }
  for (std::size_t s = 0; s < pr.sums.size(); ++s) {
    const detail::unit_area_sums& z = pr.sums[s];
    bhf_area& b = out.areas[pr.area_of[s]];
    b.sampled = true;
    b.n = z.n;
    b.sample_mean = z.sy / z.n;
    b.gamma = gammas[pr.area_of[s]];
    b.fraction = std::isnan(b.size) ? 0.0 : z.n / b.size;
    const Eigen::RowVectorXd xs_mean = (z.sx / z.n).transpose();
    Eigen::RowVectorXd target = detail::design_row(population[pr.area_of[s]].mean, opt.intercept);
    if (b.fraction > 0.0 && b.fraction < 1.0) target = (target - b.fraction * xs_mean) / (1.0 - b.fraction);  // Xbar_r
    const Eigen::RowVectorXd diff = target - b.gamma * xs_mean;
    b.g1 = b.gamma * s2e / z.n;
    b.g2 = diff * f.a_inv * diff.transpose();
    b.g3 = det > 0.0 ? std::pow(z.n, -2.0) * std::pow(s2u + s2e / z.n, -3.0) *
                           (s2e * s2e * i_ee + s2u * s2u * i_uu + 2.0 * s2e * s2u * i_ue) / det
                     : 0.0;
    if (!std::isfinite(b.g3)) b.g3 = 0.0;  // s2u = 0 and s2e / n: the third-order term vanishes with gamma
    const double one_minus = 1.0 - b.fraction;
    b.mse_analytic = one_minus * one_minus * (b.g1 + b.g2 + 2.0 * b.g3) + (std::isnan(b.size) ? 0.0 : one_minus * s2e / b.size);
  }
  out.replicates = opt.replicates;
  out.seed = opt.seed;
  if (opt.replicates > 0) {
    synth::detail::rng g(opt.seed);
    std::vector<double> sq(population.size(), 0.0), ystar(sample.size()), truth(population.size());
    detail::bhf_prepared bp = pr;
    const double su = std::sqrt(s2u), se = std::sqrt(s2e);
    for (std::size_t b = 0; b < opt.replicates; ++b) {
      std::vector<double> u(population.size());
      for (std::size_t i = 0; i < population.size(); ++i) {
        u[i] = su * g.normal();
        truth[i] = detail::design_row(population[i].mean, opt.intercept).dot(f.beta) + u[i];
      }
      std::vector<double> ebar_s(population.size(), 0.0);
      for (std::size_t s = 0; s < pr.sums.size(); ++s) {
        const std::size_t i = pr.area_of[s];
        for (std::size_t j : pr.rec[s]) {
          const double e = se * g.normal();
          ystar[j] = pr.xrow[j].dot(f.beta) + u[i] + e;
          ebar_s[i] += e;
        }
        detail::area_sums_y(bp.sums[s], bp.xrow, bp.rec[s], ystar);
      }
      // the finite-population target: the mean of the errors of all N_i households
      for (std::size_t i = 0; i < population.size(); ++i) {
        const double size = population[i].size;
        if (std::isnan(size)) continue;
        const double n = out.areas[i].n, rest = size - n;
        const double e_rest = rest > 0.0 ? se * std::sqrt(rest) * g.normal() : 0.0;  // the sum of the others' errors
        truth[i] += (ebar_s[i] + e_rest) / size;
      }
      const detail::nested_fit fb = detail::fit_nested(bp.sums, reml, opt.max_iterations, opt.tolerance);
      const std::vector<double> eb = detail::bhf_predict(fb, bp, population, opt.intercept);
      for (std::size_t i = 0; i < population.size(); ++i) sq[i] += (eb[i] - truth[i]) * (eb[i] - truth[i]);
    }
    for (std::size_t i = 0; i < population.size(); ++i)
      out.areas[i].mse_bootstrap = sq[i] / static_cast<double>(opt.replicates);
  }
  for (bhf_area& b : out.areas) b.mse = std::isnan(b.mse_bootstrap) ? b.mse_analytic : b.mse_bootstrap;
  return out;
}

}  // namespace commdx::small_area
