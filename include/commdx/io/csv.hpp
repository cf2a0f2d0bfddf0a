#pragma once
// A general CSV reader for the files ward officials produce: RFC 4180 quoting, CRLF or LF, a
// UTF-8 byte-order mark, and ',', ';' or tab as the delimiter (detected from the header line, as
// Excel in a Vietnamese locale writes ';'). Errors name the file, line and column. The survey
// reader (survey.hpp) has its own typed fast path for large household files.
#include <charconv>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx::io {

struct csv_records {
  std::string source;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;  ///< the text line each row starts on (1-based)
  char delimiter = ',';
};

inline char detect_delimiter(std::string_view text) {
  std::size_t counts[3] = {0, 0, 0};
  const char cands[3] = {',', ';', '\t'};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) break;
    if (quoted) continue;
    for (int k = 0; k < 3; ++k)
      if (c == cands[k]) ++counts[k];
  }
  int best = 0;
  for (int k = 1; k < 3; ++k)
    if (counts[k] > counts[best]) best = k;
  return cands[best];
}

/// Splits CSV text into a header and rows of strings. Blank lines are skipped; a row whose field
/// count differs from the header's is an error naming its line.
inline csv_records parse_csv(std::string_view text, const std::string& source, char delimiter = 0) {
  csv_records out;
  out.source = source;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t bad = text::first_invalid_utf8(text);
  if (bad != std::string_view::npos) {
    location where{source, 0, 0, 0, "", ""};
    where.line = 1;
    for (std::size_t i = 0; i < bad; ++i)
      if (text[i] == '\n') ++where.line;
    throw input_error(where, "invalid UTF-8 (save the file as UTF-8)");
  }
  out.delimiter = delimiter != 0 ? delimiter : detect_delimiter(text);
  const char d = out.delimiter;

  std::vector<std::string> record;
  std::string field;
  std::size_t line = 1, record_line = 1, i = 0;
  bool have_record = false;
  const std::size_t n = text.size();
  auto finish_record = [&]() {
    record.push_back(std::move(field));
    field.clear();
    bool blank = record.size() == 1 && record[0].empty();
    if (!blank) {
      if (out.header.empty() && out.rows.empty() && !have_record) {
        out.header = std::move(record);
        have_record = true;
      } else {
        if (record.size() != out.header.size()) {
          throw input_error(location{source, out.rows.size() + 1, record_line, 0, "", ""},
                            "row has " + std::to_string(record.size()) + " fields, the header has " +
                                std::to_string(out.header.size()));
        }
        out.rows.push_back(std::move(record));
        out.lines.push_back(record_line);
      }
    }
    record.clear();
  };
  while (i < n) {
    char c = text[i];
    if (c == '"' && field.empty()) {
      std::size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= n) throw input_error(location{source, 0, start_line, 0, "", ""}, "unterminated quoted field");
        char q = text[i];
        if (q == '"') {
          if (i + 1 < n && text[i + 1] == '"') { field.push_back('"'); i += 2; continue; }
          ++i;
          break;
        }
        if (q == '\n') ++line;
        field.push_back(q);
        ++i;
      }
      continue;
    }
    if (c == d) { record.push_back(std::move(field)); field.clear(); ++i; continue; }
    if (c == '\r' || c == '\n') {
      finish_record();
      if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      record_line = line;
      continue;
    }
    field.push_back(c);
    ++i;
  }
  if (!field.empty() || !record.empty()) finish_record();
  if (out.header.empty()) throw input_error(location{source, 0, 0, 0, "", ""}, "empty file: no header row");
  std::set<std::string> seen;
  for (auto& h : out.header) {
    // trim spaces around header names
    auto b = h.find_first_not_of(" \t");
    auto e = h.find_last_not_of(" \t");
    h = b == std::string::npos ? std::string() : h.substr(b, e - b + 1);
    if (h.empty()) throw input_error(location{source, 0, 1, 0, "", ""}, "empty column name in the header");
    if (!seen.insert(h).second) throw input_error(location{source, 0, 1, 0, h, ""}, "column name appears twice in the header");
  }
  return out;
}

/// Parses a plain number ("12", "-3.5", "1e3"); false if the whole text is not one.
inline bool parse_number(std::string_view s, double& value) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  auto res = std::from_chars(s.data(), s.data() + s.size(), value);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

/// Turns records into a table: a column is numeric when every non-empty cell is a plain number and
/// it is not listed in text_columns; empty numeric cells are missing (NaN).
inline table to_table(const csv_records& rec, const std::set<std::string>& text_columns = {}) {
  table t(rec.source);
  for (std::size_t c = 0; c < rec.header.size(); ++c) {
    const std::string& name = rec.header[c];
    bool numeric = text_columns.count(name) == 0;
    numeric_column nums;
    if (numeric) {
      nums.reserve(rec.rows.size());
      for (const auto& row : rec.rows) {
        double v;
        if (row[c].empty()) { nums.push_back(missing); continue; }
        if (!parse_number(row[c], v)) { numeric = false; break; }
        nums.push_back(v);
      }
    }
    if (numeric && !rec.rows.empty()) {
      t.set(name, std::move(nums));
    } else {
      text_column txt;
      txt.reserve(rec.rows.size());
      for (const auto& row : rec.rows) txt.push_back(row[c]);
      t.set(name, std::move(txt));
    }
  }
  return t;
}

/// Quotes a field for CSV output when it needs it.
inline std::string csv_field(std::string_view s, char delimiter = ',') {
  bool quote = s.find_first_of(std::string{'"', '\n', '\r', delimiter}) != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

/// Writes a table as CSV text (header first, numbers in shortest round-trip form).
inline std::string write_csv(const table& t) {
  std::string out;
  for (std::size_t c = 0; c < t.names().size(); ++c) {
    if (c) out.push_back(',');
    out += csv_field(t.names()[c]);
  }
  out.push_back('\n');
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < t.names().size(); ++c) {
      if (c) out.push_back(',');
      out += csv_field(t.cell_text(t.names()[c], r));
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace commdx::io
