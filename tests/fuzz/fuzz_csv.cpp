// libFuzzer harness: the general CSV reader (commdx::io::parse_csv) on any bytes.
// Checks, besides ASan/UBSan: only commdx::input_error leaves it; a file it reads has a header of
// distinct non-empty names, rows of the header's length and increasing line numbers; writing the
// records back (every field quoted) and reading them again gives the same records; and the same
// text in UTF-16 (little- and big-endian, with a byte-order mark) reads the same.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "commdx/io/csv.hpp"
#include "commdx/text.hpp"
#include "fuzz_common.hpp"

namespace {

std::string write_back(const commdx::io::csv_records& r, const char* line_end) {
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out.push_back(r.delimiter);
      out += commdx::io::csv_field(fields[i], r.delimiter, true);
    }
    out += line_end;
  };
  line(r.header);
  for (const auto& row : r.rows) line(row);
  return out;
}

std::string utf16(std::string_view utf8, bool little) {
  std::string out = little ? "\xFF\xFE" : "\xFE\xFF";
  auto unit = [&](std::uint32_t u) {
    char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    if (little) { out.push_back(lo); out.push_back(hi); } else { out.push_back(hi); out.push_back(lo); }
  };
  for (char32_t cp : commdx::text::decode_utf8(utf8)) {
    auto u = static_cast<std::uint32_t>(cp);
    if (u >= 0x10000) {
      u -= 0x10000;
      unit(0xD800 + (u >> 10));
      unit(0xDC00 + (u & 0x3FF));
    } else {
      unit(u);
    }
  }
  return out;
}

bool same(const commdx::io::csv_records& a, const commdx::io::csv_records& b) {
  return a.header == b.header && a.rows == b.rows && a.delimiter == b.delimiter;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  commdx::io::csv_records rec;
  try {
    rec = commdx::io::parse_csv(text, "fuzz.csv");
  } catch (const commdx::input_error&) {
    return 0;
  }
  std::set<std::string> names(rec.header.begin(), rec.header.end());
  FUZZ_CHECK(names.size() == rec.header.size() && names.count("") == 0, "header names");
  FUZZ_CHECK(rec.lines.size() == rec.rows.size(), "one line per row");
  for (std::size_t r = 0; r < rec.rows.size(); ++r) {
    FUZZ_CHECK(rec.rows[r].size() == rec.header.size(), "row " + std::to_string(r + 1) + " length");
    FUZZ_CHECK(rec.lines[r] >= 2 && (r == 0 || rec.lines[r] > rec.lines[r - 1]), "line numbers");
  }
  for (const char* end : {"\n", "\r\n", "\r"}) {
    commdx::io::csv_records again = commdx::io::parse_csv(write_back(rec, end), "again.csv", rec.delimiter);
    FUZZ_CHECK(same(rec, again), std::string("written back with a ") + (end[0] == '\n' ? "LF" : end[1] ? "CRLF" : "CR"));
  }
  bool plain = !(size >= 1 && text[0] == '\0') && !(size >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") && !(size >= 2 && (text[0] == '\xFF' || text[0] == '\xFE'));
  if (plain) {
    for (bool little : {true, false}) {
      commdx::io::csv_records wide = commdx::io::parse_csv(utf16(text, little), "wide.csv");
      FUZZ_CHECK(same(rec, wide) && wide.lines == rec.lines, little ? "UTF-16LE" : "UTF-16BE");
    }
  }
  return 0;
}
