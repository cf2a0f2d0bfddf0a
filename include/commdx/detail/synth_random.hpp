#pragma once
// Internals of synth.hpp: a fixed pseudo-random generator and fixed distributions, so that the
// example city is the same, byte for byte, on every platform and standard library (the
// distributions of <random> are not specified exactly and differ between libstdc++, libc++ and
// MSVC). Also calendar dates and CSV number formatting.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include "commdx/detail/dates.hpp"

namespace commdx::synth::detail {

/// SplitMix64 step: seeds streams and hashes (Steele, Lea, Flood 2014).
inline std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// A hash of two numbers (a stream key from a seed and a ward index, ...).
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t x = a ^ (b * 0xD1B54A32D192ED03ULL);
  splitmix64(x);
  return splitmix64(x);
}

/// A uniform number in [0, 1) from a hash (53 bits).
inline double unit_of(std::uint64_t h) noexcept {
  return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

/// xoshiro256** 1.0 (Blackman, Vigna), seeded through SplitMix64, with hand-written distributions.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept {
    std::uint64_t x = seed;
    for (auto& w : s_) w = splitmix64(x);
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1).
  double uniform() noexcept { return unit_of(next()); }
  bool bernoulli(double p) noexcept { return uniform() < p; }
  /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift with rejection: unbiased).
  std::uint64_t below(std::uint64_t n) noexcept {
    if (n <= 1) return 0;
    for (;;) {
      std::uint64_t x = next();
      unsigned __int128 m = static_cast<unsigned __int128>(x) * n;
      auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (0 - n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }
  std::size_t index(std::size_t n) noexcept { return static_cast<std::size_t>(below(n)); }
  /// Standard normal by Marsaglia's polar method (needs only log and sqrt).
  double normal() noexcept {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    have_spare_ = true;
    return u * f;
  }
  /// Binomial(n, p) as a sum of Bernoulli trials (n is a household's size: small).
  int binomial(int n, double p) noexcept {
    int k = 0;
    for (int i = 0; i < n; ++i) k += bernoulli(p) ? 1 : 0;
    return k;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
  double spare_ = 0;
  bool have_spare_ = false;
};

inline double logistic(double x) noexcept { return 1.0 / (1.0 + std::exp(-x)); }

inline double clamp01(double x) noexcept { return x < 0 ? 0 : (x > 1 ? 1 : x); }

// ---- dates: days since 1970-01-01 (shared with the other stages: commdx/detail/dates.hpp) ----
inline long days_from_civil(long y, unsigned m, unsigned d) noexcept {
  return commdx::detail::days_from_civil(y, static_cast<long>(m), static_cast<long>(d));
}
inline std::string civil_from_days(long z) { return commdx::detail::civil_from_days(z); }

/// Parses YYYY-MM-DD through the library's one parser (dates.hpp); `what` names the field.
inline long parse_date(const std::string& s, const char* what = "date") {
  return commdx::detail::civil_date_or_throw(s, location::in_file("synth").in_column(what));
}

// ---- number formatting (locale-independent, identical on every platform) ----
inline void append_int(std::string& out, long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
/// Shortest text that reads back to the same double (std::to_chars is exact and portable).
inline void append_real(std::string& out, double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    append_int(out, static_cast<long long>(v));
    return;
  }
  // the shortest fixed form that reads back exactly: never "7e-04", which a spreadsheet user
  // would not type (the places reader takes it, other tools may not). 400 bytes hold the longest
  // such form of any double (about 330 characters, the smallest subnormal).
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out.append(buf, r.ptr);
}
/// Fixed decimals (coordinates, areas).
inline void append_fixed(std::string& out, double v, int decimals) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  out.append(buf, r.ptr);
}

/// Zero-padded decimal ("0042").
inline std::string padded(std::size_t v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

}  // namespace commdx::synth::detail
