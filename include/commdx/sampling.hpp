#pragma once
// Issue 14: designing the survey. How many households to interview for a proportion or a mean
// (sample_sizes), and how to share a total sample among strata (allocate). Formulas, references
// and the worked examples the tests check are in docs/sampling.md.
//
// Sample size, per domain (every ward, every neighbourhood, or one overall row), in steps that the
// result keeps so a planner can see where the households go:
//   n0       = S^2 / V0, with S^2 = p(1-p) for a proportion (the variable's variance for a mean)
//              and V0 = (e / z)^2 for a margin of error e at confidence level 1 - alpha
//              (z = the 1 - alpha/2 normal quantile), or V0 = (cv * Y)^2 for a relative SE cv
//              (Y = p, or the expected mean)                           (Cochran 1977, ch. 4)
//   n_deff   = n0 * deff                               (Kish 1965: the design's variance inflation)
//   n_fpc    = n_deff / (1 + (n_deff - 1) / N) for a proportion: exact for V(p) = (N-n)/(N-1) pq/n
//              n_deff / (1 + n_deff / N) for a mean: exact for V(y) = (1 - n/N) S^2 / n
//              (N infinite: no correction; PracTools nProp / nCont give the same numbers)
//   n_contact = n_fpc / response_rate  (households to contact so that n_fpc respond)
//   n         = ceil(n_contact), respondents = ceil(n_fpc) (rounded up only at the end)
// A domain whose households to contact exceed its population N is refused, naming it: even a
// census would not give the precision asked for at that response rate.
//
// The second round (R4, re-survey): households per round to detect a change D between the rounds
// with a two-sided test at level alpha = 1 - confidence with the given power, the same Wald test
// the change tables make (monitor.hpp: each round's own SE, not pooled):
//   n0 = (z_{1-alpha/2} + z_{power})^2 (S1^2 + S2^2 - 2 f rho S1 S2) / D^2
// with S^2 = p(1-p) in each round (p2 = p1 + D) or the variable's variance (both rounds), f the
// share of the second round's households that were interviewed in the first (a panel: f = 1,
// fresh households: f = 0) and rho the correlation of a household's answers between the rounds
// (Kish 1965, 12.4: overlapping samples; Chow, Shao & Wang 2008, 4.2 for f = 0). Then the same
// deff, fpc and response steps as above; S^2 in the result is the bracket, V0 = (D / (z + z))^2.
//
// Allocation of a total n among strata, n_h proportional to a_h:
//   proportional a_h = N_h; equal a_h = 1; neyman a_h = N_h S_h; optimal a_h = N_h S_h / sqrt(c_h)
//   power (Bankier 1988) a_h = X_h^q CV_h: Bankier minimises sum_h (X_h^q CV(y_h))^2 for a measure
//     of importance X_h, the stratum total N_h Y_h, and CV_h = S_h / Y_h, which gives
//     a_h = N_h^q S_h Y_h^(q-1); without means (Y_h equal) a_h = N_h^q S_h, and without S_h as
//     well a_h = N_h^q. q = 1 is Neyman's allocation, q = 0 equal CVs, q = 0.5 the compromise.
// The bounds minimum_h <= n_h <= min(maximum_h, N_h) are met by the allocation
// n_h = clamp(lambda a_h, lo_h, hi_h) with the one lambda that makes the total n: the fixed point
// of the usual iteration (fix the strata that break a bound at it, share what is left among the
// others in proportion to a_h, repeat), found exactly by walking the breakpoints lambda = lo/a,
// hi/a. For Neyman and optimal allocation this is the optimum under the bounds (its KKT
// conditions). Then integers by largest remainder: every n_h rounded down, and the units left over
// given one each to the strata with the largest fractional parts (ties: the earlier stratum), so
// the total is exactly n and no bound is broken.
//
// The optimal allocation's total can instead come from a budget (sum c_h n_h = C) or a target
// variance of the stratified mean V0 (Valliant, Dever & Kreuter 2018, 3.1.3; PracTools strAlloc
// "totcost", "totvar"): total_for_budget, total_for_variance.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "commdx/detail/distributions.hpp"
#include "commdx/table.hpp"
#include "commdx/error.hpp"

namespace commdx::sampling {

inline constexpr double no_value = std::numeric_limits<double>::quiet_NaN();
inline constexpr double infinite = std::numeric_limits<double>::infinity();

// ------------------------------------------------------------------------------------------------
// Sample size

enum class parameter { proportion, mean };
enum class precision { margin, relative_se, change };

/// What the estimate must achieve: a margin of error (the half-width of the confidence interval,
/// in the estimate's units: 0.05 is five percentage points) at `confidence`, or a relative SE.
struct size_target {
  precision kind = precision::margin;
  double value = 0.05;       ///< the margin, the relative SE, or the change D to detect
  double confidence = 0.95;  ///< a margin's confidence level; a change: the test's 1 - alpha
  double power = 0.8;        ///< a change: the chance that the test detects it
};

/// One domain (a ward, a neighbourhood, or the whole area).
struct domain_input {
  std::string name;                      ///< the domain's label (unit code); "" for overall
  parameter what = parameter::proportion;
  double p = no_value;                   ///< expected proportion, 0 < p < 1 (proportion)
  double variance = no_value;            ///< expected S^2 of the variable (mean)
  double mean = no_value;                ///< expected mean (a mean with a relative-SE target)
  double population = infinite;          ///< N, households in the domain; infinite: no fpc
  double deff = 1.0;                     ///< design effect
  double response_rate = 1.0;            ///< expected share of contacted households that respond
  double overlap = 0.0;                  ///< a change: share of the households in both rounds (panel)
  double correlation = 0.0;              ///< a change: a household's answers correlated across rounds
};

/// The steps of one domain's size (all before rounding, but n and respondents).
struct size_result {
  std::string name;
  double z = no_value;          ///< the normal quantile (margin targets)
  double unit_variance = 0;     ///< S^2: p(1-p) or the variance given
  double target_variance = 0;   ///< V0, the variance of the estimate aimed at
  double n0 = 0;                ///< simple random sampling, infinite population
  double n_deff = 0;            ///< after the design effect
  double n_fpc = 0;             ///< after the finite population correction: respondents needed
  double n_contact = 0;         ///< after the response rate: households to contact
  std::size_t respondents = 0;  ///< ceil(n_fpc)
  std::size_t n = 0;            ///< ceil(n_contact): the sample to draw
};

namespace detail {

// Refusals name the table (source), the row (1-based, the order given), the column and the domain.
inline location where(const std::string& source, std::size_t i, const std::string& column, const std::string& unit) {
  return location::in_file(source).at_row(i + 1).in_column(column).for_unit(unit);
}

[[noreturn]] inline void refuse(const location& at, const std::string& what) {
  throw input_error(at, what, "commdx.sampling.input");
}

[[noreturn]] inline void infeasible(const location& at, const std::string& what) {
  throw validation_error(at, what, "commdx.sampling.infeasible");
}

// a value in a message: the shortest text that reads back exactly (format_number), "empty" for
// a missing cell
inline std::string number(double v) { return std::isnan(v) ? std::string("empty") : format_number(v); }

// The ceiling of a step's value; 1e-9 of slack so that 576.0000000001 (rounding error in the
// arithmetic of an exact 576) stays 576.
inline std::size_t ceil_count(double v) {
  const double c = std::ceil(v - 1e-9 * std::max(1.0, std::fabs(v)));
  return c <= 0 ? std::size_t{0} : static_cast<std::size_t>(c);
}

}  // namespace detail

/// The sample size of every domain. `source` names the domains' table in errors.
inline std::vector<size_result> sample_sizes(const std::vector<domain_input>& domains, const size_target& target,
                                             const std::string& source = "domains") {
  using detail::refuse;
  const location whole = location::in_file(source);
  const bool change = target.kind == precision::change;
  if (change ? !(target.value != 0) || !std::isfinite(target.value) : !(target.value > 0) || !std::isfinite(target.value))
    refuse(whole.in_column(change ? "change" : target.kind == precision::margin ? "margin" : "relative_se"),
           change ? "the change to detect must be a number other than 0 (0.1 is ten points), got " + detail::number(target.value)
                  : "the precision target must be a positive number, got " + detail::number(target.value));
  if (target.kind != precision::relative_se && !(target.confidence > 0 && target.confidence < 1))
    refuse(whole.in_column("confidence"), "the confidence level must lie strictly between 0 and 1 (0.95), got " +
                                              detail::number(target.confidence));
  if (target.kind == precision::change && !(target.power > 0 && target.power < 1))
    refuse(whole.in_column("power"), "the power to detect the change must lie strictly between 0 and 1 (0.8), got " +
                                         detail::number(target.power));
  if (domains.empty()) refuse(whole, "no domain to size");
  const double z = target.kind != precision::relative_se
                       ? commdx::detail::normal_quantile(1.0 - (1.0 - target.confidence) / 2.0)
                       : no_value;
  const double z_power = change ? commdx::detail::normal_quantile(target.power) : no_value;
  std::vector<size_result> out;
  out.reserve(domains.size());
  for (std::size_t i = 0; i < domains.size(); ++i) {
    const domain_input& d = domains[i];
    auto at = [&](const char* column) { return detail::where(source, i, column, d.name); };
    size_result r;
    r.name = d.name;
    r.z = z;
    double level = 0;  // Y, for a relative SE
    if (d.what == parameter::proportion) {
      if (target.kind == precision::margin && target.value >= 1.0)
        refuse(whole.in_column("margin"), "a margin of error for a proportion is below 1 (0.05 is five points), got " +
                                              detail::number(target.value));
      if (!(d.p > 0 && d.p < 1))
        refuse(at("p"), "the expected proportion must lie strictly between 0 and 1, got " + detail::number(d.p));
      r.unit_variance = d.p * (1.0 - d.p);
      level = d.p;
      if (change && !(d.p + target.value > 0 && d.p + target.value < 1))
        refuse(at("p"), "the proportion after the change (" + detail::number(d.p) + " + " + detail::number(target.value) +
                            ") must lie strictly between 0 and 1");
    } else {
      if (!(d.variance > 0) || !std::isfinite(d.variance))
        refuse(at("variance"), "the variable's expected variance must be a positive number, got " + detail::number(d.variance));
      r.unit_variance = d.variance;
      level = d.mean;
      if (target.kind == precision::relative_se && (!(d.mean != 0) || !std::isfinite(d.mean)))
        refuse(at("mean"), "a relative SE of a mean needs the expected mean (not zero), got " + detail::number(d.mean));
    }
    if (!(d.population > 0) || std::isnan(d.population))
      refuse(at("population"), "the population must be a positive number of households (empty: no finite population "
                               "correction), got " + detail::number(d.population));
    if (!(d.deff > 0) || !std::isfinite(d.deff))
      refuse(at("deff"), "the design effect must be a positive number, got " + detail::number(d.deff));
    if (!(d.response_rate > 0 && d.response_rate <= 1))
      refuse(at("response_rate"), "the response rate must lie in (0, 1], got " + detail::number(d.response_rate));
    if (change) {
      if (!(d.overlap >= 0 && d.overlap <= 1))
        refuse(at("overlap"), "the share of households in both rounds must lie in [0, 1], got " + detail::number(d.overlap));
      if (!(d.correlation >= -1 && d.correlation <= 1))
        refuse(at("correlation"), "the correlation between the rounds must lie in [-1, 1], got " +
                                      detail::number(d.correlation));
      const double v1 = r.unit_variance;
      const double v2 = d.what == parameter::proportion ? (d.p + target.value) * (1.0 - d.p - target.value) : v1;
      r.unit_variance = v1 + v2 - 2.0 * d.overlap * d.correlation * std::sqrt(v1 * v2);
      if (!(r.unit_variance > 0))
        refuse(at("correlation"), "a full panel with correlation 1 and equal variances has no sampling variance of the "
                                  "change to size for");
    }
    r.target_variance = change ? std::pow(target.value / (z + z_power), 2.0)
                        : target.kind == precision::margin ? std::pow(target.value / z, 2.0)
                                                           : std::pow(target.value * level, 2.0);
    r.n0 = r.unit_variance / r.target_variance;
    r.n_deff = r.n0 * d.deff;
    const double N = d.population;
    if (std::isinf(N))
      r.n_fpc = r.n_deff;
    else if (d.what == parameter::proportion)
      r.n_fpc = r.n_deff / (1.0 + (r.n_deff - 1.0) / N);
    else
      r.n_fpc = r.n_deff / (1.0 + r.n_deff / N);
    r.n_contact = r.n_fpc / d.response_rate;
    r.respondents = detail::ceil_count(r.n_fpc);
    r.n = detail::ceil_count(r.n_contact);
    if (std::isfinite(N) && static_cast<double>(r.n) > N)
      detail::infeasible(at("population"), "needs " + std::to_string(r.n) + " households contacted (" +
                                               std::to_string(r.respondents) + " responding at a response rate of " +
                                               detail::number(d.response_rate) + ") but the domain has " +
                                               detail::number(N) + ": loosen the target or survey every household");
    out.push_back(r);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Allocation

enum class allocation_method { proportional, equal, neyman, optimal, power };

inline const char* to_string(allocation_method m) {
  switch (m) {
    case allocation_method::proportional: return "proportional";
    case allocation_method::equal: return "equal";
    case allocation_method::neyman: return "neyman";
    case allocation_method::optimal: return "optimal";
    case allocation_method::power: return "power";
  }
  return "?";
}

/// One stratum. Empty (NaN) values are unknown; which are needed depends on the method.
struct stratum_input {
  std::string name;
  double population = no_value;  ///< N_h, households (a whole number >= 0)
  double sd = no_value;          ///< S_h, the variable's standard deviation (neyman, optimal; power: optional)
  double mean = no_value;        ///< Y_h, the variable's mean (power: optional, with sd)
  double cost = no_value;        ///< c_h, cost of one interview (optimal)
  double minimum = 0;            ///< at least this many (a whole number)
  double maximum = infinite;     ///< at most this many (a whole number); N_h caps it too
};

struct allocation_options {
  allocation_method method = allocation_method::proportional;
  double power = 0.5;  ///< Bankier's q (power allocation)
};

/// How a stratum's n_h came about.
struct stratum_allocation {
  std::string name;
  double weight = 0;         ///< a_h, the allocation's measure
  double unconstrained = 0;  ///< n a_h / sum a_h, before the bounds
  double exact = 0;          ///< clamp(lambda a_h, lo_h, hi_h): the bounded allocation before rounding
  std::size_t n = 0;         ///< the integer allocation
  std::string bound;         ///< "minimum", "maximum", "population" (n_h = N_h), or "" when free
};

struct allocation_result {
  allocation_method method = allocation_method::proportional;
  double power = no_value;
  std::size_t n = 0;
  std::vector<stratum_allocation> strata;
  /// Anticipated variance of the stratified mean, sum W_h^2 (1 - n_h/N_h) S_h^2 / n_h (NaN
  /// without every S_h); and the cost sum c_h n_h (NaN without every c_h).
  double variance = no_value;
  double cost = no_value;
};

namespace detail {

inline bool whole(double v) { return std::isfinite(v) && v >= 0 && v == std::floor(v); }

struct checked_strata {
  std::vector<double> a, lo, hi;
};

inline checked_strata check_strata(const std::vector<stratum_input>& strata, const allocation_options& opt,
                                   const std::string& source) {
  const bool need_sd = opt.method == allocation_method::neyman || opt.method == allocation_method::optimal;
  const bool need_cost = opt.method == allocation_method::optimal;
  if (strata.empty()) refuse(location::in_file(source), "no stratum to allocate to");
  if (opt.method == allocation_method::power && (!std::isfinite(opt.power) || opt.power < 0 || opt.power > 1))
    refuse(location::in_file(source).in_column("power"), "the power q must lie in [0, 1] (0.5 is the usual compromise), got " +
                                                            number(opt.power));
  // power: S_h and Y_h are optional, but a column is given for every stratum or for none
  const bool any_sd = std::any_of(strata.begin(), strata.end(), [](const stratum_input& s) { return !std::isnan(s.sd); });
  const bool any_mean = std::any_of(strata.begin(), strata.end(), [](const stratum_input& s) { return !std::isnan(s.mean); });
  checked_strata c;
  for (std::size_t i = 0; i < strata.size(); ++i) {
    const stratum_input& s = strata[i];
    auto at = [&](const char* column) { return where(source, i, column, s.name); };
    if (!whole(s.population))
      refuse(at("population"), "the stratum's population must be a whole number of households >= 0, got " + number(s.population));
    if (!whole(s.minimum)) refuse(at("minimum"), "the minimum must be a whole number >= 0, got " + number(s.minimum));
    if (!(std::isinf(s.maximum) && s.maximum > 0) && !whole(s.maximum))
      refuse(at("maximum"), "the maximum must be a whole number >= 0 (empty: none), got " + number(s.maximum));
    if (s.maximum < s.minimum)
      infeasible(at("maximum"), "the maximum " + number(s.maximum) + " is below the minimum " + number(s.minimum));
    if (s.minimum > s.population)
      infeasible(at("minimum"), s.population == 0 ? "the stratum has no household but a minimum of " + number(s.minimum)
                                                  : "the minimum " + number(s.minimum) + " is above the stratum's " +
                                                        number(s.population) + " households");
    const bool sd_used = need_sd || (opt.method == allocation_method::power && any_sd);
    if (sd_used) {
      if (std::isnan(s.sd))
        refuse(at("sd"), std::string(to_string(opt.method)) + " allocation needs every stratum's standard deviation");
      if (!(s.sd >= 0) || !std::isfinite(s.sd))
        refuse(at("sd"), "the standard deviation must be a number >= 0, got " + number(s.sd));
    }
    if (opt.method == allocation_method::power && any_mean) {
      if (!any_sd) refuse(at("sd"), "power allocation with means needs the standard deviations too (CV = S/Y)");
      if (!(s.mean > 0) || !std::isfinite(s.mean))
        refuse(at("mean"), "power allocation needs every stratum's mean, a positive number, got " + number(s.mean));
    }
    if (need_cost && (!(s.cost > 0) || !std::isfinite(s.cost)))
      refuse(at("cost"), "optimal allocation needs every stratum's cost per interview, a positive number, got " + number(s.cost));
    double a = 0;
    switch (opt.method) {
      case allocation_method::proportional: a = s.population; break;
      case allocation_method::equal: a = s.population > 0 ? 1.0 : 0.0; break;
      case allocation_method::neyman: a = s.population * s.sd; break;
      case allocation_method::optimal: a = s.population * s.sd / std::sqrt(s.cost); break;
      case allocation_method::power:
        // an empty stratum weighs 0 (pow(0, 0) would give it 1 at q = 0)
        a = s.population > 0 ? std::pow(s.population, opt.power) * (any_sd ? s.sd : 1.0) *
                                   (any_mean ? std::pow(s.mean, opt.power - 1.0) : 1.0)
                             : 0.0;
        break;
    }
    c.a.push_back(a);
    c.lo.push_back(s.minimum);
    c.hi.push_back(std::min(s.maximum, s.population));
  }
  return c;
}

// sum_h clamp(lambda a_h, lo_h, hi_h)
inline double bounded_total(double lambda, const checked_strata& c) {
  double t = 0;
  for (std::size_t h = 0; h < c.a.size(); ++h) t += std::clamp(lambda * c.a[h], c.lo[h], c.hi[h]);
  return t;
}

// The lambda with bounded_total(lambda) = n (n strictly between sum lo and sum hi). The total is
// piecewise linear and nondecreasing in lambda, with breakpoints lo/a and hi/a: find the first
// breakpoint where it reaches n, and interpolate linearly from the one before (exact on a segment).
inline double solve_lambda(double n, const checked_strata& c) {
  std::vector<double> breaks{0.0};
  for (std::size_t h = 0; h < c.a.size(); ++h)
    if (c.a[h] > 0) {
      breaks.push_back(c.lo[h] / c.a[h]);
      breaks.push_back(c.hi[h] / c.a[h]);
    }
  std::sort(breaks.begin(), breaks.end());
  double left = 0, t_left = bounded_total(0, c);
  for (double b : breaks) {
    const double t = bounded_total(b, c);
    if (t >= n) return t > t_left ? left + (n - t_left) * (b - left) / (t - t_left) : b;
    left = b;
    t_left = t;
  }
  return left;  // not reached: the last breakpoint puts every stratum at its upper bound, sum hi > n
}

}  // namespace detail

/// Share `n` households among `strata` (errors name `source`, the stratum's row and column).
inline allocation_result allocate(const std::vector<stratum_input>& strata, std::size_t n, const allocation_options& opt,
                                  const std::string& source = "strata") {
  using detail::number;
  const detail::checked_strata c = detail::check_strata(strata, opt, source);
  const location whole = location::in_file(source).in_column("n");
  const double total = static_cast<double>(n);
  const double sum_lo = std::accumulate(c.lo.begin(), c.lo.end(), 0.0);
  const double sum_hi = std::accumulate(c.hi.begin(), c.hi.end(), 0.0);
  const double population = std::accumulate(strata.begin(), strata.end(), 0.0,
                                            [](double t, const stratum_input& s) { return t + s.population; });
  if (total > population)
    detail::infeasible(whole, "a sample of " + std::to_string(n) + " is above the strata's population of " + number(population) + " households");
  if (sum_lo > total)
    detail::infeasible(location::in_file(source).in_column("minimum"),
                       "the minimums sum to " + number(sum_lo) + ", above the sample of " + std::to_string(n));
  if (sum_hi < total)
    detail::infeasible(location::in_file(source).in_column("maximum"),
                       "the maximums (each at most the stratum's households) sum to " + number(sum_hi) +
                           ", below the sample of " + std::to_string(n));
  const double sum_a = std::accumulate(c.a.begin(), c.a.end(), 0.0);
  // every free stratum has a = 0 (all S_h zero, say) while n is above the minimums: nothing to share by
  if (!(sum_a > 0) && total > sum_lo)
    detail::refuse(location::in_file(source).in_column(opt.method == allocation_method::proportional ? "population" : "sd"),
                   std::string(to_string(opt.method)) + " allocation has nothing to share by: every stratum's measure is 0");

  allocation_result r;
  r.method = opt.method;
  r.power = opt.method == allocation_method::power ? opt.power : no_value;
  r.n = n;
  std::vector<double> exact(c.a.size());
  if (total <= sum_lo) {
    exact = c.lo;
  } else if (total >= sum_hi) {
    exact = c.hi;
  } else {
    const double lambda = detail::solve_lambda(total, c);
    for (std::size_t h = 0; h < c.a.size(); ++h) exact[h] = std::clamp(lambda * c.a[h], c.lo[h], c.hi[h]);
  }
  // largest remainder: floors, then one more to the largest fractional parts (stable: earlier first)
  std::vector<std::size_t> counts(exact.size());
  std::size_t given = 0;
  for (std::size_t h = 0; h < exact.size(); ++h) {
    // 1e-9 of slack: 12.9999999999 from the arithmetic of an exact 13 is 13
    const double f = std::floor(exact[h] + 1e-9);
    counts[h] = static_cast<std::size_t>(std::clamp(f, c.lo[h], c.hi[h]));
    given += counts[h];
  }
  std::vector<std::size_t> order(exact.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto remainder = [&](std::size_t h) { return exact[h] - static_cast<double>(counts[h]); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return remainder(x) > remainder(y); });
  for (std::size_t k = 0; given < n && k < order.size(); ++k) {
    const std::size_t h = order[k];
    if (static_cast<double>(counts[h]) + 1.0 <= c.hi[h]) {
      ++counts[h];
      ++given;
    }
  }
  if (given != n)  // cannot happen: sum lo <= n <= sum hi with whole bounds
    throw error("allocate: the integer allocation does not add up to n (a bug)", "commdx.error");

  bool all_sd = true, all_cost = true;
  double variance = 0, cost = 0;
  for (std::size_t h = 0; h < strata.size(); ++h) {
    const stratum_input& s = strata[h];
    stratum_allocation a;
    a.name = s.name;
    a.weight = c.a[h];
    a.unconstrained = sum_a > 0 ? total * c.a[h] / sum_a : 0.0;
    a.exact = exact[h];
    a.n = counts[h];
    const double nh = static_cast<double>(a.n);
    if (exact[h] >= c.hi[h] && (c.lo[h] < c.hi[h] || c.hi[h] > 0))  // held at its upper bound
      a.bound = s.population <= s.maximum ? "population" : "maximum";
    else if (exact[h] <= c.lo[h] && c.lo[h] > 0)
      a.bound = "minimum";
    r.strata.push_back(a);
    if (std::isnan(s.sd)) all_sd = false;
    if (std::isnan(s.cost)) all_cost = false;
    if (all_sd && s.population > 0) {
      const double W = s.population / population;
      if (nh == 0 && s.sd > 0) variance = infinite;
      else if (nh > 0) variance += W * W * (1.0 - nh / s.population) * s.sd * s.sd / nh;
    }
    if (all_cost) cost += s.cost * nh;
  }
  r.variance = all_sd ? variance : no_value;
  r.cost = all_cost ? cost : no_value;
  return r;
}

/// The optimal allocation's total for a budget C = sum c_h n_h (no fixed cost):
/// n = C sum(N_h S_h / sqrt c_h) / sum(N_h S_h sqrt c_h)  (PracTools strAlloc, alloc = "totcost").
inline double total_for_budget(const std::vector<stratum_input>& strata, double budget, const std::string& source = "strata") {
  if (!(budget > 0) || !std::isfinite(budget))
    detail::refuse(location::in_file(source).in_column("budget"), "the budget must be a positive number, got " + detail::number(budget));
  detail::check_strata(strata, {allocation_method::optimal, 0.5}, source);
  double d1 = 0, d2 = 0;
  for (const auto& s : strata) {
    d1 += s.population * s.sd / std::sqrt(s.cost);
    d2 += s.population * s.sd * std::sqrt(s.cost);
  }
  if (!(d2 > 0)) detail::refuse(location::in_file(source).in_column("sd"), "every stratum's standard deviation is 0");
  return budget * d1 / d2;
}

/// The optimal allocation's total for a target variance V0 of the stratified mean:
/// n = sum(W_h S_h sqrt c_h) sum(W_h S_h / sqrt c_h) / (V0 + sum W_h S_h^2 / N)  (strAlloc "totvar").
inline double total_for_variance(const std::vector<stratum_input>& strata, double v0, const std::string& source = "strata") {
  if (!(v0 > 0) || !std::isfinite(v0))
    detail::refuse(location::in_file(source).in_column("variance"), "the target variance must be a positive number, got " + detail::number(v0));
  detail::check_strata(strata, {allocation_method::optimal, 0.5}, source);
  double N = 0;
  for (const auto& s : strata) N += s.population;
  if (!(N > 0)) detail::refuse(location::in_file(source).in_column("population"), "the strata have no household");
  double d1 = 0, d2 = 0, d3 = 0;
  for (const auto& s : strata) {
    const double W = s.population / N;
    d1 += W * s.sd / std::sqrt(s.cost);
    d2 += W * s.sd * std::sqrt(s.cost);
    d3 += W * s.sd * s.sd / N;
  }
  return d1 * d2 / (v0 + d3);
}

}  // namespace commdx::sampling
