#pragma once
// Calendar dates: the one civil-date parser of the library (issue 12) and day numbers since
// 1970-01-01 (proleptic Gregorian; H. Hinnant's civil algorithms), used by every stage that
// reads, schedules or counts days (teams, synth, indicators, plan).
#include <optional>
#include <string>
#include <string_view>

#include "commdx/error.hpp"

namespace commdx::detail {

inline long days_from_civil(long y, long m, long d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// "YYYY-MM-DD" of a day number (years 0..9999).
inline std::string civil_from_days(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2 ? 1 : 0;
  char buf[10];
  const long parts[] = {y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10};
  const int at[] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (int k = 0; k < 8; ++k) buf[at[k]] = static_cast<char>('0' + parts[k]);
  buf[4] = buf[7] = '-';
  return std::string(buf, 10);
}

/// Earliest year a date may have: every date the library reads (decisions, deadlines, visits,
/// targets) is of this century or the last; an earlier year is a typo ("0222-07-20").
inline constexpr long earliest_civil_year = 1900;

/// The day number of a real calendar date written YYYY-MM-DD (year >= earliest_civil_year), or
/// nothing: the one date parser of the library.
inline std::optional<long> parse_civil_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  long part[3] = {0, 0, 0};
  const std::size_t from[3] = {0, 5, 8}, width[3] = {4, 2, 2};
  for (std::size_t p = 0; p < 3; ++p)
    for (std::size_t k = from[p]; k < from[p] + width[p]; ++k) {
      if (s[k] < '0' || s[k] > '9') return std::nullopt;
      part[p] = part[p] * 10 + (s[k] - '0');
    }
  const long y = part[0], m = part[1], d = part[2];
  if (y < earliest_civil_year || m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr long month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > month_days[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  return days_from_civil(y, m, d);
}

/// parse_civil_date, refusing anything else with an input_error at `where`.
inline long civil_date_or_throw(std::string_view s, const location& where) {
  if (auto z = parse_civil_date(s)) return *z;
  throw input_error(where, "'" + std::string(s) + "' is not a real date written YYYY-MM-DD (e.g. 2022-07-20)");
}

}  // namespace commdx::detail
