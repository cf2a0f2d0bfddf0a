#pragma once
// Platform-independent arithmetic for the scores stage: a seeded PRNG (splitmix64 seeding a
// xoshiro256**), a normal generator (the ziggurat method) and the natural logarithm and
// exponential built only from IEEE-754 +, -, *, /, sqrt, frexp and ldexp. The C library's log/exp
// may differ by an ulp between platforms; these do not, so a seeded Monte Carlo run gives the same
// numbers everywhere (DESIGN.md: "Numbers that people will quote ... are deterministic"). The one
// assumption is that the compiler does not contract a*b+c into a fused multiply-add (true for the
// default x86-64 target; on targets with FMA build with -ffp-contract=off for bit-identity).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstddef>
#include <limits>

namespace commdx::detail {

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // upper bits of ln 2
inline constexpr double ln2_lo = 1.90821492927058770002e-10;  // ln 2 - ln2_hi
inline constexpr double sqrt_half = 0.70710678118654752440;

/// Natural logarithm by the atanh series on [sqrt(1/2), sqrt(2)); slow, used to build the table.
inline double det_log_series(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < sqrt_half) {
    m *= 2.0;
    e -= 1;
  }
  // log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: the odd series to s^21 is exact to 1e-17.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double poly = 1.0 / 21.0;
  for (int k = 19; k >= 1; k -= 2) poly = poly * s2 + 1.0 / static_cast<double>(k);
  const double de = static_cast<double>(e);
  return de * ln2_hi + (2.0 * s * poly + de * ln2_lo);
}

/// log(1 + (k + 0.5) / 128), k = 0..127: the table of det_log.
struct log_table {
  double centre[128];
  double log_centre[128];
  log_table() {
    for (int k = 0; k < 128; ++k) {
      centre[k] = 1.0 + (static_cast<double>(k) + 0.5) / 128.0;
      log_centre[k] = det_log_series(centre[k]);
    }
  }
};

/// Natural logarithm, relative error below 1e-15 on (0, inf): x = m 2^e with m in [1, 2) read from
/// the bits, m's top 7 mantissa bits pick a centre c, and log m = log c + 2 atanh((m-c)/(m+c)).
inline double det_log(double x) {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  static const log_table table;
  std::uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>((bits >> 52) & 0x7FF);
  if (e == 0) return det_log_series(x);  // subnormal
  e -= 1023;
  const std::uint64_t mant = bits & 0xFFFFFFFFFFFFFULL;
  const std::uint64_t mbits = mant | 0x3FF0000000000000ULL;
  double m = 0;
  std::memcpy(&m, &mbits, sizeof m);
  const std::size_t k = static_cast<std::size_t>(mant >> 45);
  const double c = table.centre[k];
  const double s = (m - c) / (m + c);  // |s| < 1/512
  const double s2 = s * s;
  const double series = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0))));
  const double de = static_cast<double>(e);
  return de * ln2_hi + (table.log_centre[k] + (series + de * ln2_lo));
}

/// e^x, relative error below 1e-15.
inline double det_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.78) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double k = std::floor(x / (ln2_hi + ln2_lo) + 0.5);
  const double r = (x - k * ln2_hi) - k * ln2_lo;  // |r| <= 0.35
  // Taylor series to r^14 (truncation below 5e-18), Horner form with the reciprocals 1/i.
  static constexpr double inv[15] = {1.0,       1.0 / 1,  1.0 / 2,  1.0 / 3,  1.0 / 4,
                                     1.0 / 5,   1.0 / 6,  1.0 / 7,  1.0 / 8,  1.0 / 9,
                                     1.0 / 10,  1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14};
  double poly = 1.0;
  for (int i = 14; i >= 1; --i) poly = 1.0 + poly * r * inv[i];
  return std::ldexp(poly, static_cast<int>(k));
}

/// x^p for x >= 0 (0^p = 0 for p > 0, +inf for p < 0).
inline double det_pow(double x, double p) {
  if (p == 1.0) return x;
  if (x == 0) return p > 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return det_exp(p * det_log(x));
}

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// A hash of two 64-bit words, used to derive independent streams (seed, draw index).
inline std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) {
  std::uint64_t s = a ^ (b * 0xD1B54A32D192ED03ULL);
  splitmix64(s);
  return splitmix64(s);
}

/// xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64.
class rng {
 public:
  explicit rng(std::uint64_t seed) {
    std::uint64_t s = seed;
    for (auto& w : state_) w = splitmix64(s);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  /// Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n) (n small: the modulo bias is below 2^-50).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % static_cast<std::uint64_t>(n)); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

/// The 128 layers of the ziggurat (Marsaglia & Tsang 2000, in Doornik's 2005 "ZIGNOR" form), built
/// with det_log/det_exp so the table is the same on every platform.
struct ziggurat_table {
  static constexpr double r = 3.442619855899;   // start of the tail
  static constexpr double v = 9.91256303526217e-3;  // area of each layer
  double x[129];
  double ratio[128];
  ziggurat_table() {
    double f = det_exp(-0.5 * r * r);
    x[0] = v / f;
    x[1] = r;
    x[128] = 0;
    for (int i = 2; i < 128; ++i) {
      x[i] = std::sqrt(-2.0 * det_log(v / x[i - 1] + f));
      f = det_exp(-0.5 * x[i] * x[i]);
    }
    for (int i = 0; i < 128; ++i) ratio[i] = x[i + 1] / x[i];
  }
};

/// Standard normal deviates by the ziggurat method: one 64-bit draw and a comparison in 99% of
/// cases, exact rejection in the wedges and the tail.
class normal_generator {
 public:
  explicit normal_generator(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    static const ziggurat_table z;
    for (;;) {
      const std::uint64_t b = rng_.next();
      const std::size_t i = static_cast<std::size_t>(b & 0x7F);
      const double u = 2.0 * (static_cast<double>(b >> 11) * 0x1.0p-53) - 1.0;  // bits 11..63
      if (std::fabs(u) < z.ratio[i]) return u * z.x[i];
      if (i == 0) {  // the tail beyond r (Marsaglia 1964)
        double t = 0, y = 0;
        do {
          t = det_log(1.0 - rng_.uniform()) / ziggurat_table::r;
          y = det_log(1.0 - rng_.uniform());
        } while (-2.0 * y < t * t);
        return u < 0 ? t - ziggurat_table::r : ziggurat_table::r - t;
      }
      const double xx = u * z.x[i];
      const double f0 = det_exp(-0.5 * (z.x[i] * z.x[i] - xx * xx));
      const double f1 = det_exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - xx * xx));
      if (f1 + rng_.uniform() * (f0 - f1) < 1.0) return xx;
    }
  }

 private:
  rng rng_;
};

}  // namespace commdx::detail
