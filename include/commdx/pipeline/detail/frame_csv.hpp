#pragma once
// Internals of pipeline.hpp: a table as CSV text with the bytes pandas' DataFrame.to_csv(index=False)
// writes for the same frame, so that pipeline::run and `commdx demo` write the same files:
//   - float columns in Python's repr (the shortest text that reads back exactly, "1e-05" below
//     1e-4 and from 1e16 on, a trailing ".0" on whole numbers), a missing value as an empty cell;
//   - integer and boolean columns (pandas int64 / bool) as "12" / "True", "False";
//   - text as csv.QUOTE_MINIMAL quotes it (a field with the delimiter, a quote or a line break);
//   - "\n" line ends; the UTF-8 byte-order mark first when asked (the demo's CSV_ENCODING).
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string>

#include "commdx/io/csv.hpp"
#include "commdx/table.hpp"

namespace commdx::pipeline::detail {

/// Python's repr of a float (float_repr_style "short"): the shortest round-trip digits, written
/// positionally when the decimal exponent is in [-4, 16), else as d.ddde±XX.
inline std::string python_float(double x) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  const std::string sci(buf, res.ptr);  // [-]d[.ddd]e±XX, shortest digits
  const std::size_t e = sci.find('e');
  const bool negative = sci[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i)
    if (sci[i] != '.') digits.push_back(sci[i]);
  const int exp = std::atoi(sci.c_str() + e + 1);
  std::string out = negative ? "-" : "";
  if (exp < -4 || exp >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int a = exp < 0 ? -exp : exp;
    out += std::string(exp < 0 ? "e-" : "e+") + (a < 10 ? "0" : "") + std::to_string(a);
    return out;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  const std::size_t point = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= point) return out + digits + std::string(point - digits.size(), '0') + ".0";
  return out + digits.substr(0, point) + "." + digits.substr(point);
}

/// How a numeric column is printed; text columns print as they are.
struct frame_columns {
  std::set<std::string> integers;  ///< pandas int64 columns ("n")
  std::set<std::string> booleans;  ///< pandas bool columns (0 / 1 in the table)
};

inline std::string frame_cell(const table& t, const std::string& name, std::size_t row, const frame_columns& kinds) {
  if (!t.is_numeric(name)) return io::csv_field(t.text(name)[row]);
  const double v = t.numeric(name)[row];
  if (kinds.booleans.count(name)) return std::isnan(v) ? "" : (v != 0 ? "True" : "False");
  if (kinds.integers.count(name) && !std::isnan(v)) return std::to_string(static_cast<long long>(v));
  return python_float(v);
}

/// The CSV text of `t`, as DataFrame.to_csv(index=False) writes the frame of the same columns.
inline std::string frame_csv(const table& t, const frame_columns& kinds = {}, bool byte_order_mark = false) {
  std::string out = byte_order_mark ? "\xEF\xBB\xBF" : "";
  const auto& names = t.names();
  for (std::size_t c = 0; c < names.size(); ++c) out += (c ? "," : "") + io::csv_field(names[c]);
  out.push_back('\n');
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (c) out.push_back(',');
      out += frame_cell(t, names[c], r, kinds);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace commdx::pipeline::detail
