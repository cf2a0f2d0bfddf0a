#pragma once
// A general CSV reader for the files ward officials produce: RFC 4180 quoting, CR, LF or CRLF line
// ends, UTF-8 with or without a byte-order mark or UTF-16 with one, and ',', ';' or tab as the
// delimiter (detected from the header line, as Excel in a Vietnamese locale writes ';'). Errors
// name the file, line and column. It shares its tokenizer with the survey reader (survey.hpp),
// which adds a typed fast path for large household files.
#include <charconv>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "commdx/detail/survey_csv.hpp"
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

/// Splits CSV bytes into a header and rows of strings, with the survey reader's tokenizer and
/// encoding rules (detail/survey_csv.hpp): UTF-8 with or without a byte-order mark or UTF-16 with
/// one; CR, LF or CRLF line ends. Blank lines are skipped; a row whose field count differs from
/// the header's is an error naming its line; a column without a name in the header is dropped
/// only when it is empty in every row, else refused naming its number.
inline csv_records parse_csv(std::string_view raw, const std::string& source, char delimiter = 0) {
  csv_records out;
  out.source = source;
  std::string decoded;
  std::string_view text = commdx::detail::decode_text(raw, source, decoded);
  std::size_t bad = commdx::detail::first_invalid_utf8_fast(text);
  if (bad != std::string_view::npos) commdx::detail::throw_not_utf8(text, bad, source);
  out.delimiter = delimiter != 0 ? delimiter : detect_delimiter(text);
  commdx::detail::csv_tokenizer tok(text, source, out.delimiter);
  std::vector<std::string_view> fields;
  std::size_t line = 0;
  if (!tok.next(fields, line)) throw input_error(location::in_file(source), "empty file: no header row");
  std::size_t header_line = line;
  for (auto f : fields) out.header.emplace_back(commdx::detail::trim_blanks(f));
  while (tok.next(fields, line)) {
    if (fields.size() != out.header.size()) {
      std::string why = "row has " + std::to_string(fields.size()) + " fields, the header has " +
                        std::to_string(out.header.size());
      if (fields.size() > out.header.size())
        why += ": column " + std::to_string(out.header.size() + 1) + " has no name in the header";
      throw input_error(location::in_file(source).at_row(out.rows.size() + 1).at_line(line), why);
    }
    out.rows.emplace_back(fields.begin(), fields.end());
    out.lines.push_back(line);
  }
  std::set<std::string> seen;
  std::vector<std::size_t> unnamed;
  for (std::size_t c = 0; c < out.header.size(); ++c) {
    const std::string& h = out.header[c];
    if (h.empty()) {
      for (std::size_t r = 0; r < out.rows.size(); ++r)
        if (!commdx::detail::trim_blanks(out.rows[r][c]).empty())
          throw input_error(location::in_file(source).at_row(r + 1).at_line(out.lines[r]),
                            "column " + std::to_string(c + 1) + " has a value but no name in the header");
      unnamed.push_back(c);
      continue;
    }
    if (!seen.insert(h).second) throw input_error(location::in_file(source).at_line(header_line).in_column(h), "column name appears twice in the header");
  }
  if (unnamed.size() == out.header.size())
    throw input_error(location::in_file(source).at_line(header_line), "the header row has no column names");
  // empty columns without a name (a trailing delimiter on every line, as Excel writes) hold nothing
  for (auto it = unnamed.rbegin(); it != unnamed.rend(); ++it) {
    out.header.erase(out.header.begin() + static_cast<std::ptrdiff_t>(*it));
    for (auto& row : out.rows) row.erase(row.begin() + static_cast<std::ptrdiff_t>(*it));
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

/// Quotes a field for CSV output when it needs it (or always).
inline std::string csv_field(std::string_view s, char delimiter = ',', bool always_quote = false) {
  bool quote = always_quote || s.find_first_of(std::string{'"', '\n', '\r', delimiter}) != std::string_view::npos;
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
