#pragma once
// Internals of classify.hpp: numbers written the Vietnamese way (1.234,5) or the English way
// (1,234.5) for the reasons a ward official reads.
#include <cmath>
#include <cstdio>
#include <string>

namespace commdx::detail {

/// x rounded to `decimals` places, thousands grouped; Vietnamese: '.' groups and ',' decimals.
inline std::string format_localised(double x, int decimals, bool vietnamese) {
  if (std::isnan(x)) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(x));
  std::string s(buf);
  std::string int_part = s.substr(0, s.find('.'));
  std::string frac = s.find('.') == std::string::npos ? std::string() : s.substr(s.find('.') + 1);
  std::string grouped;
  const char group = vietnamese ? '.' : ',';
  for (std::size_t i = 0; i < int_part.size(); ++i) {
    if (i > 0 && (int_part.size() - i) % 3 == 0) grouped.push_back(group);
    grouped.push_back(int_part[i]);
  }
  bool negative = x < 0 && std::fabs(x) >= 0.5 * std::pow(10.0, -decimals);
  std::string out = (negative ? "-" : "") + grouped;
  if (!frac.empty()) out += (vietnamese ? "," : ".") + frac;
  return out;
}

/// The percent sign after a number: "36,5 %" in Vietnamese (a space before the sign, as
/// Vietnamese typography and the reports' Babel vi_VN format write it), "36.5%" in English.
inline const char* percent_sign(bool vietnamese) { return vietnamese ? " %" : "%"; }

/// A share as a percentage with one decimal ("36,5 %", "36.5%").
inline std::string format_percent(double share, bool vietnamese) {
  return format_localised(100.0 * share, 1, vietnamese) + percent_sign(vietnamese);
}

}  // namespace commdx::detail
