#pragma once
// Platform-independent arithmetic for the scores stage: a seeded PRNG (splitmix64 seeding a
// xoshiro256**), a normal generator (Marsaglia's polar method) and the natural logarithm and
// exponential built only from IEEE-754 +, -, *, /, sqrt, frexp and ldexp. The C library's log/exp
// may differ by an ulp between platforms; these do not, so a seeded Monte Carlo run gives the same
// numbers everywhere (DESIGN.md: "Numbers that people will quote ... are deterministic"). The one
// assumption is that the compiler does not contract a*b+c into a fused multiply-add (true for the
// default x86-64 target; on targets with FMA build with -ffp-contract=off for bit-identity).
#include <cmath>
#include <cstdint>
#include <limits>

namespace commdx::detail {

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // upper bits of ln 2
inline constexpr double ln2_lo = 1.90821492927058770002e-10;  // ln 2 - ln2_hi
inline constexpr double sqrt_half = 0.70710678118654752440;

/// Natural logarithm, relative error below 1e-15 on (0, inf).
inline double det_log(double x) {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
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

/// e^x, relative error below 1e-15.
inline double det_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.78) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double k = std::floor(x / (ln2_hi + ln2_lo) + 0.5);
  const double r = (x - k * ln2_hi) - k * ln2_lo;  // |r| <= 0.35
  double poly = 1.0;
  for (int i = 16; i >= 1; --i) poly = 1.0 + poly * r / static_cast<double>(i);
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

/// Standard normal deviates by Marsaglia's polar method, two per accepted pair.
class normal_generator {
 public:
  explicit normal_generator(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = 2.0 * rng_.uniform() - 1.0;
      v = 2.0 * rng_.uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * det_log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  rng rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace commdx::detail
