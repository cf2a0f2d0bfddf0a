#pragma once
// Internals of report/visits.hpp: the sums the visits section takes, in the order and by the
// algorithm of the pandas code it replaces (so that the report's JSON stays the same bytes), and
// the visit log's words read case-insensitively.
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace commdx::report::detail {

/// A running sum with Kahan's compensation, as pandas sums a group (its groupby "sum" and "mean"):
/// values added in the order they come.
class compensated_sum {
 public:
  void add(double x) {
    const double y = x - compensation_;
    const double t = sum_ + y;
    compensation_ = (t - sum_) - y;
    if (std::isnan(compensation_)) compensation_ = 0;  // an infinity added: keep it, not NaN
    sum_ = t;
  }
  double value() const { return sum_; }

 private:
  double sum_ = 0, compensation_ = 0;
};

/// The sum of x[0..n) by numpy's pairwise summation (what numpy's sum, and so a pandas Series'
/// sum, gives for a contiguous float64 array): blocks of up to 128 values summed eight lanes at a
/// time, larger ranges split in two at a multiple of eight.
inline double pairwise_sum(const double* x, std::size_t n) {
  if (n < 8) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += x[i];
    return s;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = x[j];
    std::size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += x[i + j];
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += x[i];
    return s;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return pairwise_sum(x, half) + pairwise_sum(x + half, n - half);
}

/// numpy's sum of a whole vector: 0 plus its pairwise sum.
inline double pairwise_sum(const std::vector<double>& x) { return 0.0 + pairwise_sum(x.data(), x.size()); }

/// The sums of `values` per group (`group[i]`: the group of row i, numbered in the groups'
/// sorted order; `groups` of them), as pandas' groupby sum gives them, so that the report's
/// figures stay the same bytes: with the rows in group order and no NaN, numpy's reduceat (a
/// group's first value plus the pairwise sum of the others); otherwise Kahan-compensated sums in
/// row order.
inline std::vector<double> group_sums(const std::vector<std::size_t>& group, const std::vector<double>& values,
                                      std::size_t groups) {
  bool sorted = true, has_nan = false;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (i > 0 && group[i] < group[i - 1]) sorted = false;
    if (std::isnan(values[i])) has_nan = true;
  }
  std::vector<double> out(groups, 0.0);
  if (sorted && !has_nan) {
    for (std::size_t i = 0; i < group.size();) {
      std::size_t end = i;
      while (end < group.size() && group[end] == group[i]) ++end;
      out[group[i]] = values[i] + pairwise_sum(values.data() + i + 1, end - i - 1);
      i = end;
    }
    return out;
  }
  std::vector<compensated_sum> sums(groups);
  for (std::size_t i = 0; i < group.size(); ++i)
    if (!std::isnan(values[i])) sums[group[i]].add(values[i]);
  for (std::size_t g = 0; g < groups; ++g) out[g] = sums[g].value();
  return out;
}

/// ASCII letters in lower case (the visit log's words are compared so: "Adopted" is "adopted").
inline std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace commdx::report::detail
