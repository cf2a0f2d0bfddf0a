#pragma once
// Turning a column into small integer codes (factorising), and combining codes, for the design
// (strata, PSUs) and the domains of estimate.hpp. Codes are given in order of first appearance;
// a run of equal values (survey files are usually sorted by place) costs one comparison a row.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commdx/table.hpp"

namespace commdx::detail {

inline constexpr std::uint32_t no_code = std::numeric_limits<std::uint32_t>::max();

struct factor {
  std::vector<std::uint32_t> code;     ///< per row
  std::vector<std::size_t> first_row;  ///< per level: the first row that has it (for its label)
  std::size_t levels() const noexcept { return first_row.size(); }
};

inline std::uint64_t double_bits(double x) {
  if (x == 0.0) x = 0.0;  // -0 and +0 are one level
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

/// Codes for every row of a column. Missing values (NaN, "") form one level of their own; the
/// caller decides whether that is allowed (design columns refuse it).
inline factor factorize(const table& t, const std::string& name) {
  factor f;
  const std::size_t n = t.rows();
  f.code.resize(n);
  if (t.is_numeric(name)) {
    const auto& v = t.numeric(name);
    std::unordered_map<std::uint64_t, std::uint32_t> seen;
    std::uint64_t prev_bits = 0;
    std::uint32_t prev_code = no_code;
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint64_t b = std::isnan(v[r]) ? 0x7ff8000000000000ULL : double_bits(v[r]);
      if (prev_code != no_code && b == prev_bits) {
        f.code[r] = prev_code;
        continue;
      }
      auto it = seen.find(b);
      if (it == seen.end()) {
        it = seen.emplace(b, static_cast<std::uint32_t>(f.first_row.size())).first;
        f.first_row.push_back(r);
      }
      f.code[r] = prev_code = it->second;
      prev_bits = b;
    }
  } else {
    const auto& v = t.text(name);
    std::unordered_map<std::string_view, std::uint32_t> seen;
    std::string_view prev;
    std::uint32_t prev_code = no_code;
    for (std::size_t r = 0; r < n; ++r) {
      const std::string_view s = v[r];
      if (prev_code != no_code && s == prev) {
        f.code[r] = prev_code;
        continue;
      }
      auto it = seen.find(s);
      if (it == seen.end()) {
        it = seen.emplace(s, static_cast<std::uint32_t>(f.first_row.size())).first;
        f.first_row.push_back(r);
      }
      f.code[r] = prev_code = it->second;
      prev = s;
    }
  }
  return f;
}

/// Replaces `key` (levels key_levels) by the codes of the pairs (key, other), numbered in order of
/// first appearance; returns the new number of levels and fills first_row for them.
inline std::size_t combine_codes(std::vector<std::uint32_t>& key, std::size_t key_levels,
                                 const std::vector<std::uint32_t>& other, std::size_t other_levels,
                                 std::vector<std::size_t>& first_row) {
  first_row.clear();
  const std::size_t n = key.size();
  std::uint64_t prev = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t prev_code = no_code;
  auto assign = [&](auto& lookup) {
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint64_t k = static_cast<std::uint64_t>(key[r]) * other_levels + other[r];
      if (k == prev) {
        key[r] = prev_code;
        continue;
      }
      std::uint32_t& slot = lookup(k);
      if (slot == no_code) {
        slot = static_cast<std::uint32_t>(first_row.size());
        first_row.push_back(r);
      }
      key[r] = prev_code = slot;
      prev = k;
    }
  };
  const std::uint64_t space = static_cast<std::uint64_t>(key_levels) * other_levels;
  if (space <= 4 * static_cast<std::uint64_t>(n) + 4096) {  // a dense table is cheaper than a hash
    std::vector<std::uint32_t> dense(static_cast<std::size_t>(space), no_code);
    auto lookup = [&dense](std::uint64_t k) -> std::uint32_t& { return dense[static_cast<std::size_t>(k)]; };
    assign(lookup);
  } else {
    std::unordered_map<std::uint64_t, std::uint32_t> sparse;
    auto lookup = [&sparse](std::uint64_t k) -> std::uint32_t& { return sparse.try_emplace(k, no_code).first->second; };
    assign(lookup);
  }
  return first_row.size();
}

}  // namespace commdx::detail
