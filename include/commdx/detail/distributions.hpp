#pragma once
// Normal and Student-t distributions (CDFs and quantiles) shared by the stages that need them, written here so the library needs
// nothing beyond the standard library (no Boost). Both are refined to full double precision by
// Newton/Halley steps on an accurate CDF (std::erfc; the regularised incomplete beta function by
// its continued fraction), and are checked against R's qnorm/qt in tests/cpp/test_estimate.cpp.
#include <cmath>
#include <limits>

namespace commdx::detail {

inline constexpr double pi = 3.14159265358979323846;

/// P(Z <= x) for a standard normal Z, accurate in both tails.
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

inline double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * pi); }

/// The p-quantile of the standard normal distribution (R's qnorm(p)).
inline double normal_quantile(double p) {
  if (std::isnan(p) || p < 0.0 || p > 1.0) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  if (p > 0.5) return -normal_quantile(1.0 - p);  // symmetric; the lower tail keeps precision
  if (p == 0.5) return 0.0;
  // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as the start...
  const double t = std::sqrt(-2.0 * std::log(p));
  double x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                       (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  // ...then Halley steps on Phi(x) - p (cubic convergence: three steps reach double precision).
  for (int i = 0; i < 4; ++i) {
    const double e = normal_cdf(x) - p;
    const double u = e / normal_pdf(x);
    x -= u / (1.0 + 0.5 * x * u);
  }
  return x;
}

/// Continued fraction for the incomplete beta function (modified Lentz).
inline double incomplete_beta_cf(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double dm = static_cast<double>(m);
    double num = dm * (b - dm) * x / ((a + 2.0 * dm - 1.0) * (a + 2.0 * dm));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    num = -(a + dm) * (a + b + dm) * x / ((a + 2.0 * dm) * (a + 2.0 * dm + 1.0));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1.0) < 1e-16) break;
  }
  return h;
}

/// The regularised incomplete beta function I_x(a, b).
inline double regularized_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * incomplete_beta_cf(a, b, x) / a;
  return 1.0 - std::exp(log_front) * incomplete_beta_cf(b, a, 1.0 - x) / b;
}

/// P(T <= t) for Student's t with df degrees of freedom.
inline double t_cdf(double t, double df) {
  const double tail = 0.5 * regularized_beta(0.5 * df, 0.5, df / (df + t * t));  // P(T > |t|)
  return t > 0 ? 1.0 - tail : tail;
}

inline double t_pdf(double t, double df) {
  return std::exp(std::lgamma(0.5 * (df + 1.0)) - std::lgamma(0.5 * df) -
                  0.5 * std::log(df * pi) - 0.5 * (df + 1.0) * std::log1p(t * t / df));
}

/// The p-quantile of Student's t with df > 0 degrees of freedom (R's qt(p, df)); df = infinity
/// gives the normal quantile.
inline double t_quantile(double p, double df) {
  if (std::isnan(p) || std::isnan(df) || df <= 0.0 || p < 0.0 || p > 1.0)
    return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(df)) return normal_quantile(p);
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  if (p > 0.5) return -t_quantile(1.0 - p, df);
  if (p == 0.5) return 0.0;
  if (df == 1.0) return std::tan(pi * (p - 0.5));                      // Cauchy
  if (df == 2.0) return (2.0 * p - 1.0) / std::sqrt(2.0 * p * (1.0 - p));  // closed form
  if (df > 1e5) {  // Cornish-Fisher to 1/df^4: error below 1e-20 here, where the CDF loses digits
    const double z = normal_quantile(p), z2 = z * z;
    const double g1 = (z2 + 1.0) * z / 4.0;
    const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    const double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
  }
  // Start: Cornish-Fisher expansion around the normal quantile; then Newton steps kept inside a
  // bracket that bisection shrinks whenever a step would leave it.
  const double z = normal_quantile(p);
  double x = z + (z * z * z + z) / (4.0 * df) +
             (5.0 * std::pow(z, 5) + 16.0 * z * z * z + 3.0 * z) / (96.0 * df * df);
  double lo = -1.0, hi = 0.0;  // the quantile is negative here (p < 0.5)
  while (t_cdf(lo, df) > p) lo *= 2.0;
  if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
  for (int i = 0; i < 200; ++i) {
    const double e = t_cdf(x, df) - p;
    if (e > 0) hi = x; else lo = x;
    double next = x - e / t_pdf(x, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - x) <= 1e-15 * std::fabs(x)) return next;
    x = next;
  }
  return x;
}

}  // namespace commdx::detail
