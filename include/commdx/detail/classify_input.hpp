#pragma once
// Internals of classify.hpp: the column headers and number formats of an areas file typed by a
// ward official (Vietnamese or English headers, with or without diacritics; "117.413", "16,86",
// "1.234,5" as well as "117,413" and "16.86"). Rules documented in docs/classify.md.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <system_error>
#include <variant>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx::detail {

/// The fields of an areas file, and the header texts (folded: lower-case ASCII, no diacritics,
/// punctuation as single spaces) that mean each, with the language each alias is written in.
enum class area_field { code, name, area_km2, population, upper_secondary_share, mean_years, education_se, readiness };

struct area_header_alias {
  const char* folded;
  area_field field;
  bool vietnamese;
};

inline const area_header_alias area_header_aliases[] = {
    {"ma", area_field::code, true}, {"ma so", area_field::code, true}, {"ma don vi", area_field::code, true},
    {"ma dvhc", area_field::code, true}, {"ma phuong xa", area_field::code, true}, {"ma xa", area_field::code, true},
    {"ma phuong", area_field::code, true},
    {"code", area_field::code, false}, {"unit code", area_field::code, false}, {"ward code", area_field::code, false},
    {"ten", area_field::name, true}, {"ten don vi", area_field::name, true}, {"ten phuong xa", area_field::name, true},
    {"phuong xa", area_field::name, true}, {"don vi", area_field::name, true}, {"ten dvhc", area_field::name, true},
    {"ten phuong", area_field::name, true}, {"phuong", area_field::name, true},
    // Not "ward" or "unit" alone: commdx.Places.to_dataframe() has a "ward" column holding codes.
    {"name", area_field::name, false}, {"unit name", area_field::name, false}, {"ward name", area_field::name, false},
    {"dien tich", area_field::area_km2, true}, {"dien tich km2", area_field::area_km2, true},
    {"dien tich km", area_field::area_km2, true}, {"dien tich tu nhien", area_field::area_km2, true},
    {"dien tich tu nhien km2", area_field::area_km2, true}, {"dt km2", area_field::area_km2, true},
    {"area", area_field::area_km2, false}, {"area km2", area_field::area_km2, false},
    {"area km", area_field::area_km2, false}, {"area sq km", area_field::area_km2, false},
    {"dan so", area_field::population, true}, {"dan so nguoi", area_field::population, true},
    {"so dan", area_field::population, true}, {"tong dan so", area_field::population, true},
    {"so nhan khau", area_field::population, true},
    {"population", area_field::population, false}, {"pop", area_field::population, false},
    {"inhabitants", area_field::population, false},
    {"ty le thpt", area_field::upper_secondary_share, true}, {"ty le thpt tro len", area_field::upper_secondary_share, true},
    {"ty le hoc van thpt", area_field::upper_secondary_share, true},
    {"ty le trinh do thpt", area_field::upper_secondary_share, true}, {"hoc van thpt", area_field::upper_secondary_share, true},
    {"upper secondary share", area_field::upper_secondary_share, false},
    {"adults upper secondary", area_field::upper_secondary_share, false},
    {"upper secondary", area_field::upper_secondary_share, false}, {"education", area_field::upper_secondary_share, false},
    {"education share", area_field::upper_secondary_share, false},
    {"so nam di hoc binh quan", area_field::mean_years, true}, {"so nam di hoc", area_field::mean_years, true},
    {"nam hoc binh quan", area_field::mean_years, true},
    {"mean years", area_field::mean_years, false}, {"mean years of schooling", area_field::mean_years, false},
    {"mean years schooling", area_field::mean_years, false}, {"head education mean", area_field::mean_years, false},
    {"sai so thpt", area_field::education_se, true}, {"sai so ty le thpt", area_field::education_se, true},
    {"sai so chuan ty le thpt", area_field::education_se, true},
    {"education se", area_field::education_se, false}, {"upper secondary share se", area_field::education_se, false},
    {"se", area_field::education_se, false},
    {"san sang", area_field::readiness, true}, {"chi so san sang", area_field::readiness, true},
    {"diem san sang", area_field::readiness, true}, {"muc do san sang", area_field::readiness, true},
    {"readiness", area_field::readiness, false}, {"readiness score", area_field::readiness, false},
};

inline const char* area_field_name(area_field f) {
  switch (f) {
    case area_field::code: return "code";
    case area_field::name: return "name";
    case area_field::area_km2: return "area_km2";
    case area_field::population: return "population";
    case area_field::upper_secondary_share: return "upper_secondary_share";
    case area_field::mean_years: return "mean_years";
    case area_field::education_se: return "education_se";
    case area_field::readiness: return "readiness";
  }
  return "";
}

/// The field a header means, or none. "Diện tích (km2)", "dien_tich_km2", "DIEN TICH" all mean
/// area_km2; a part in brackets is tried both kept and removed ("Dân số (người)").
inline std::optional<area_header_alias> recognise_area_header(std::string_view header) {
  std::string without_brackets;
  int depth = 0;
  for (char c : header) {
    if (c == '(' || c == '[') { ++depth; continue; }
    if (c == ')' || c == ']') { if (depth > 0) --depth; continue; }
    if (depth == 0) without_brackets.push_back(c);
  }
  for (const std::string& key : {text::fold(header), text::fold(without_brackets)}) {
    for (const auto& a : area_header_aliases)
      if (key == a.folded) return a;
  }
  return std::nullopt;
}

// ---- numbers ---------------------------------------------------------------------------------

enum class number_style { unknown, vietnamese, english };

/// A cell stripped of spaces (also no-break and thin spaces) and of a trailing '%'.
struct cleaned_number {
  std::string digits;  ///< sign, digits, '.' and ',' only
  bool percent = false;
  bool valid = false;  ///< false when other characters remain
  bool exact = false;  ///< a spreadsheet number cell (see spreadsheet_number_mark): no format to decide
};

/// Marks a text cell that holds a number cell of a spreadsheet written in plain form ("2.41"),
/// so that a column mixing number cells and typed text ("2,41") is read right: the Python XLSX
/// reader puts it before such cells; it is never typed by people.
inline constexpr char spreadsheet_number_mark = '\x01';

/// "7e-04", "1,2E+03", "-3.5e2": the scientific notation spreadsheets write in a CSV export for a
/// very small or large number. Unambiguous (its one separator, dot or comma, is the decimal mark),
/// so it is read as an exact number; a percent sign, a second separator or a number beyond the
/// range of a double make it not a number.
inline cleaned_number scientific_number(const std::string& t, cleaned_number out) {
  std::string plain = t[0] == '+' ? t.substr(1) : t;
  if (plain.empty() || plain[0] == '+' || (t[0] == '+' && plain[0] == '-')) return out;  // "+-5e3"
  const std::size_t e = plain.find_first_of("eE");
  std::size_t digits = 0, marks = 0;
  for (std::size_t i = plain[0] == '-' ? 1 : 0; i < e; ++i) {
    if (plain[i] >= '0' && plain[i] <= '9') ++digits;
    else if (plain[i] == '.' || plain[i] == ',') { plain[i] = '.'; ++marks; }
    else return out;
  }
  std::size_t i = e + 1;
  if (i < plain.size() && (plain[i] == '-' || plain[i] == '+')) ++i;
  if (digits == 0 || marks > 1 || i == plain.size() || out.percent) return out;
  for (; i < plain.size(); ++i)
    if (plain[i] < '0' || plain[i] > '9') return out;
  double v = 0;
  const auto res = std::from_chars(plain.data(), plain.data() + plain.size(), v);  // locale-independent
  out.valid = out.exact = res.ec == std::errc() && res.ptr == plain.data() + plain.size();
  out.digits = std::move(plain);
  return out;
}

inline cleaned_number clean_number_text(std::string_view s) {
  cleaned_number out;
  if (!s.empty() && s.front() == spreadsheet_number_mark) {
    double v = 0;
    std::string_view rest = s.substr(1);
    auto res = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    out.digits = std::string(rest);
    out.valid = out.exact = res.ec == std::errc() && res.ptr == rest.data() + rest.size() && std::isfinite(v);
    return out;
  }
  std::string t;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t') continue;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) { ++i; continue; }  // U+00A0
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xAF || static_cast<unsigned char>(s[i + 2]) == 0x89)) {
      i += 2;  // U+202F narrow no-break space, U+2009 thin space
      continue;
    }
    t.push_back(static_cast<char>(c));
  }
  if (!t.empty() && t.back() == '%') {
    out.percent = true;
    t.pop_back();
  }
  if (t.empty()) return out;
  if (t.find_first_of("eE") != std::string::npos) return scientific_number(t, out);
  std::size_t start = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  bool any_digit = false;
  for (std::size_t i = start; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') any_digit = true;
    else if (c != '.' && c != ',') return out;
  }
  out.digits = t;
  out.valid = any_digit;
  return out;
}

/// What one cell says about the column's convention: "1.234,5", "16,86", "1.234.567" are
/// Vietnamese; "1,234.5", "16.86", "1,234,567" are English; "1.234", "117,413" (one separator
/// followed by exactly three digits) and "117413" say nothing.
inline number_style number_evidence(const std::string& d) {
  std::size_t dots = 0, commas = 0;
  for (char c : d) {
    if (c == '.') ++dots;
    if (c == ',') ++commas;
  }
  if (dots > 0 && commas > 0) return d.find_last_of(".,") == d.rfind(',') ? number_style::vietnamese : number_style::english;
  if (dots > 1) return number_style::vietnamese;
  if (commas > 1) return number_style::english;
  if (dots == 1) return d.size() - d.find('.') - 1 == 3 ? number_style::unknown : number_style::english;
  if (commas == 1) return d.size() - d.find(',') - 1 == 3 ? number_style::unknown : number_style::vietnamese;
  return number_style::unknown;
}

/// Parses cleaned digits with a convention: thousands groups must be 3 digits after a first group
/// of 1 to 3; at most one decimal mark with digits after it. False when malformed.
inline bool parse_number_with_style(const std::string& d, number_style style, double& value) {
  const char group = style == number_style::vietnamese ? '.' : ',';
  const char decimal = style == number_style::vietnamese ? ',' : '.';
  std::size_t start = (!d.empty() && (d[0] == '-' || d[0] == '+')) ? 1 : 0;
  std::string integer_part, fraction;
  std::size_t dec = d.find(decimal, start);
  if (dec != std::string::npos && d.find(decimal, dec + 1) != std::string::npos) return false;
  std::string_view ip(d.data() + start, (dec == std::string::npos ? d.size() : dec) - start);
  if (dec != std::string::npos) {
    fraction = d.substr(dec + 1);
    if (fraction.empty() || fraction.find(group) != std::string::npos) return false;
  }
  // Groups: a first one of 1 to 3 digits, then groups of exactly 3 ("117.413", "1.234.567").
  std::size_t group_start = 0, group_index = 0;
  for (std::size_t i = 0; i <= ip.size(); ++i) {
    if (i < ip.size() && ip[i] != group) {
      if (ip[i] < '0' || ip[i] > '9') return false;
      integer_part.push_back(ip[i]);
      continue;
    }
    std::size_t len = i - group_start;
    bool has_groups = ip.find(group) != std::string_view::npos;
    if (has_groups && (group_index == 0 ? (len < 1 || len > 3) : len != 3)) return false;
    group_start = i + 1;
    ++group_index;
  }
  for (char c : fraction)
    if (c < '0' || c > '9') return false;
  if (integer_part.empty() && fraction.empty()) return false;
  std::string plain = (start == 1 && d[0] == '-' ? "-" : "") + (integer_part.empty() ? std::string("0") : integer_part);
  if (!fraction.empty()) plain += "." + fraction;
  auto res = std::from_chars(plain.data(), plain.data() + plain.size(), value);  // locale-independent
  return res.ec == std::errc() && res.ptr == plain.data() + plain.size();
}

/// One column of numbers as typed: the convention is decided for the whole column from the cells
/// that show it; when none does, the header's language decides (Vietnamese header: a dot followed
/// by exactly three digits is a thousands separator) — except in a column of `counts` (whole
/// numbers: population, households), where a separator no cell disambiguates is a thousands
/// separator whatever the header ("117.413" and "117,413" are both 117,413), as long as the column
/// uses one kind. Cells that contradict each other, or are not numbers, raise input_error naming
/// the row and column.
struct parsed_number_column {
  numeric_column values;  ///< NaN for an empty cell
  bool any_percent = false;
  number_style style = number_style::unknown;
};

inline parsed_number_column parse_number_column(const column& col, const std::string& source, const std::string& header,
                                                bool vietnamese_header, bool counts = false) {
  parsed_number_column out;
  if (const auto* nums = std::get_if<numeric_column>(&col)) {
    out.values = *nums;
    return out;
  }
  const auto& cells = std::get<text_column>(col);
  std::vector<cleaned_number> cleaned(cells.size());
  std::size_t vi_row = 0, en_row = 0;
  bool dot = false, comma = false;  // among cells typed as text (a count's undecided separator)
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string_view raw = cells[r];
    cleaned[r] = clean_number_text(raw);
    if (cleaned[r].digits.empty() && !cleaned[r].valid && !cleaned[r].percent) {
      bool blank = true;
      for (char c : raw)
        if (c != ' ' && c != '\t') blank = false;
      if (blank) continue;
    }
    if (!cleaned[r].valid)
      throw input_error(location::in_file(source).at_row(r + 1).in_column(header),
                        "'" + std::string(raw) + "' is not a number (không phải là số)");
    if (cleaned[r].exact) continue;
    dot = dot || cleaned[r].digits.find('.') != std::string::npos;
    comma = comma || cleaned[r].digits.find(',') != std::string::npos;
    auto ev = number_evidence(cleaned[r].digits);
    if (ev == number_style::vietnamese && vi_row == 0) vi_row = r + 1;
    if (ev == number_style::english && en_row == 0) en_row = r + 1;
    if (cleaned[r].percent) out.any_percent = true;
  }
  if (vi_row != 0 && en_row != 0)
    throw input_error(location::in_file(source).at_row(std::max(vi_row, en_row)).in_column(header),
                      "the column mixes number formats: row " + std::to_string(vi_row) + " '" + cells[vi_row - 1] +
                          "' is written the Vietnamese way (1.234,5) and row " + std::to_string(en_row) + " '" +
                          cells[en_row - 1] + "' the English way (1,234.5); use one format in a column");
  const bool vietnamese_default = counts && dot != comma ? dot : vietnamese_header;
  out.style = vi_row != 0 ? number_style::vietnamese
              : en_row != 0 ? number_style::english
              : (vietnamese_default ? number_style::vietnamese : number_style::english);
  out.values.assign(cells.size(), missing);
  for (std::size_t r = 0; r < cells.size(); ++r) {
    if (!cleaned[r].valid) continue;
    double v = 0;
    if (cleaned[r].exact) {
      std::from_chars(cleaned[r].digits.data(), cleaned[r].digits.data() + cleaned[r].digits.size(), v);
      out.values[r] = v;
      continue;
    }
    if (!parse_number_with_style(cleaned[r].digits, out.style, v))
      throw input_error(location::in_file(source).at_row(r + 1).in_column(header),
                        "'" + cells[r] + "' is not a well-formed number (số viết sai định dạng)");
    out.values[r] = cleaned[r].percent ? v / 100.0 : v;
  }
  return out;
}

}  // namespace commdx::detail
