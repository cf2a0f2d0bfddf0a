#pragma once
// Calendar dates as days since 1970-01-01 (proleptic Gregorian; H. Hinnant's civil algorithms),
// shared by the stages that schedule or count days (synth, indicators, plan).
#include <string>

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

}  // namespace commdx::detail
