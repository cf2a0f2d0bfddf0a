#pragma once
// The survey reader's low-level pieces: a CSV tokenizer that hands out fields as views into the
// file's memory buffer (a copy only for quoted fields with doubled quotes), and strict cell parsers
// for numbers and yes/no answers that do not allocate.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "commdx/error.hpp"
#include "commdx/text.hpp"

namespace commdx::detail {

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

/// A strict number: optional sign, digits, optional fraction and exponent; finite. No thousands
/// separators, no decimal comma, no "nan"/"inf".
inline bool parse_strict_number(std::string_view s, double& out, bool& integral) {
  s = trim_blanks(s);
  integral = true;
  if (s.empty()) return false;
  // Fast path: an optional '-' and up to 15 digits (exact in a double).
  {
    std::size_t i = 0;
    bool neg = false;
    if (s[0] == '-') { neg = true; i = 1; }
    if (s.size() > i && s.size() - i <= 15) {
      std::uint64_t v = 0;
      std::size_t k = i;
      for (; k < s.size(); ++k) {
        auto d = static_cast<unsigned>(static_cast<unsigned char>(s[k]) - '0');
        if (d > 9) break;
        v = v * 10 + d;
      }
      if (k == s.size()) {
        out = neg ? -static_cast<double>(v) : static_cast<double>(v);
        return true;
      }
    }
  }
  if (s.front() == '+') s.remove_prefix(1);
  if (s.empty() || !(s.front() == '-' || s.front() == '.' || (s.front() >= '0' && s.front() <= '9'))) return false;
  auto res = std::from_chars(s.data(), s.data() + s.size(), out);
  if (!(res.ec == std::errc() && res.ptr == s.data() + s.size() && std::isfinite(out))) return false;
  integral = std::floor(out) == out;
  return true;
}

inline bool parse_strict_number(std::string_view s, double& out) {
  bool integral;
  return parse_strict_number(s, out, integral);
}

/// yes/no answer: 1 yes, 0 no, -1 empty, -2 not a yes/no answer. Accepts 1/0, yes/no, y/n,
/// true/false, t/f, có/không and co/khong (any case, with or without diacritics, NFC or NFD),
/// đúng/sai, x (a tick), and numbers equal to 1 or 0 ("1.0").
inline int parse_yes_no(std::string_view raw) {
  std::string_view s = trim_blanks(raw);
  if (s.empty()) return -1;
  if (s.size() == 1) {
    switch (s[0]) {
      case '1': case 'y': case 'Y': case 't': case 'T': case 'x': case 'X': return 1;
      case '0': case 'n': case 'N': case 'f': case 'F': return 0;
      default: return -2;
    }
  }
  char buf[16];
  std::string folded;
  std::string_view key;
  if (s.size() < sizeof buf && is_ascii(s)) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    key = std::string_view(buf, s.size());
  } else {
    folded = text::fold(s);  // rare path: Vietnamese words with diacritics
    key = folded;
  }
  if (key == "yes" || key == "true" || key == "co" || key == "dung") return 1;
  if (key == "no" || key == "false" || key == "khong" || key == "sai") return 0;
  double v;
  if (parse_strict_number(key, v)) {
    if (v == 1.0) return 1;
    if (v == 0.0) return 0;
  }
  return -2;
}

/// Reads CSV records from a memory buffer. Fields are views into the buffer, valid until the next
/// call; a quoted field containing doubled quotes is unescaped into a per-field scratch string.
class csv_tokenizer {
 public:
  csv_tokenizer(std::string_view text, std::string source, char delimiter, std::size_t first_line = 1)
      : text_(text), source_(std::move(source)), delim_(delimiter), line_(first_line) {
    stop_[static_cast<unsigned char>(delim_)] = true;
    stop_[static_cast<unsigned char>('\n')] = true;
    stop_[static_cast<unsigned char>('\r')] = true;
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  }

  std::string_view text() const { return text_; }
  std::size_t position() const { return pos_; }
  std::size_t line() const { return line_; }

  /// Next non-blank record; false at the end. `line` gets the line the record starts on.
  bool next(std::vector<std::string_view>& fields, std::size_t& line) {
    const char* p = text_.data();
    const std::size_t n = text_.size();
    for (;;) {
      fields.clear();
      if (pos_ >= n) return false;
      line = line_;
      std::size_t field_index = 0;
      for (;;) {
        // one field
        if (pos_ < n && p[pos_] == '"') {
          std::size_t start_line = line_;
          std::size_t b = ++pos_;
          bool escaped = false;
          for (;;) {
            if (pos_ >= n)
              throw input_error(location{source_, 0, start_line, 0, "", ""}, "unterminated quoted field");
            char q = p[pos_];
            if (q == '"') {
              if (pos_ + 1 < n && p[pos_ + 1] == '"') { escaped = true; pos_ += 2; continue; }
              break;
            }
            if (q == '\n') ++line_;
            ++pos_;
          }
          std::string_view inner(p + b, pos_ - b);
          ++pos_;  // closing quote
          // text after the closing quote up to the delimiter is kept (lenient about `"a"b`)
          std::size_t tail = pos_;
          while (pos_ < n && p[pos_] != delim_ && p[pos_] != '\n' && p[pos_] != '\r') ++pos_;
          if (escaped || pos_ > tail) {
            if (scratch_.size() <= field_index) scratch_.resize(field_index + 1);
            std::string& sc = scratch_[field_index];
            sc.clear();
            for (std::size_t k = 0; k < inner.size(); ++k) {
              sc.push_back(inner[k]);
              if (inner[k] == '"') ++k;
            }
            sc.append(p + tail, pos_ - tail);
            fields.emplace_back(sc);
          } else {
            fields.push_back(inner);
          }
        } else {
          // a local cursor (the member would be reloaded after every store) and one table look-up
          // per byte instead of three compares
          std::size_t b = pos_, q = pos_;
          while (q < n && !stop_[static_cast<unsigned char>(p[q])]) ++q;
          pos_ = q;
          fields.emplace_back(p + b, q - b);
        }
        ++field_index;
        if (pos_ < n && p[pos_] == delim_) { ++pos_; continue; }
        // end of record
        if (pos_ < n && p[pos_] == '\r') ++pos_;
        if (pos_ < n && p[pos_] == '\n') ++pos_;
        ++line_;
        break;
      }
      if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
      return true;
    }
  }

 private:
  std::string_view text_;
  std::string source_;
  char delim_;
  std::size_t line_;
  std::size_t pos_ = 0;
  bool stop_[256] = {};  ///< bytes that end an unquoted field: the delimiter, '\n', '\r'
  std::vector<std::string> scratch_;
};

/// Text values of a column stored back to back: one buffer and offsets, no string per cell.
struct text_arena {
  std::string bytes;
  std::vector<std::int64_t> offsets{0};

  std::size_t size() const { return offsets.size() - 1; }
  void push(std::string_view s) {
    bytes.append(s.data(), s.size());
    offsets.push_back(static_cast<std::int64_t>(bytes.size()));
  }
  std::string_view get(std::size_t i) const {
    auto b = static_cast<std::size_t>(offsets[i]);
    auto e = static_cast<std::size_t>(offsets[i + 1]);
    return std::string_view(bytes.data() + b, e - b);
  }
  void reserve(std::size_t rows, std::size_t bytes_per_row) {
    offsets.reserve(rows + 1);
    bytes.reserve(rows * bytes_per_row);
  }
};

/// Open-addressing set of row numbers keyed by their id text (the text lives elsewhere, read
/// through `get`), for the duplicate-id check without a node per row. A slot holds the row in its
/// low 32 bits and the top of the hash in its high 32 bits, so most probes touch no text.
class id_set {
 public:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  void reserve(std::size_t n) {
    std::size_t want = 16;
    while (want < 2 * n) want *= 2;
    if (want > slots_.size()) rebuild(want);
    hashes_.reserve(n);
  }

  /// The stored row whose id equals `id`, or none.
  template <class Get>
  std::size_t find(std::string_view id, std::uint64_t h, const Get& get) const {
    if (slots_.empty()) return none;
    const std::uint64_t tag = h & ~std::uint64_t{0xFFFFFFFF};
    for (std::size_t i = static_cast<std::size_t>(h) & mask_;; i = (i + 1) & mask_) {
      std::uint64_t s = slots_[i];
      if (s == empty) return none;
      if ((s & ~std::uint64_t{0xFFFFFFFF}) == tag) {
        auto r = static_cast<std::size_t>(s & 0xFFFFFFFF);
        if (get(r) == id) return r;
      }
    }
  }

  /// Starts loading the slot an id with hash `h` probes first (the row's other cells are parsed
  /// while it arrives).
  void prefetch(std::uint64_t h) const {
#if defined(__GNUC__)
    if (!slots_.empty()) __builtin_prefetch(slots_.data() + (static_cast<std::size_t>(h) & mask_));
#else
    (void)h;
#endif
  }

  /// Stores row `r` (rows are added in order 0, 1, 2, ...).
  void insert(std::size_t r, std::uint64_t h) {
    if (r >= 0xFFFFFFFF) throw error("commdx: more than 4 billion rows with ids");
    hashes_.push_back(h);
    if (2 * (r + 1) > slots_.size()) {
      rebuild(slots_.empty() ? 16 : 2 * slots_.size());  // places every row, r included
      return;
    }
    place(r, h);
  }

 private:
  static constexpr std::uint64_t empty = ~std::uint64_t{0};
  void place(std::size_t r, std::uint64_t h) {
    std::size_t i = static_cast<std::size_t>(h) & mask_;
    while (slots_[i] != empty) i = (i + 1) & mask_;
    slots_[i] = (h & ~std::uint64_t{0xFFFFFFFF}) | static_cast<std::uint64_t>(r);
  }
  void rebuild(std::size_t size) {
    slots_.assign(size, empty);
    mask_ = size - 1;
    for (std::size_t r = 0; r < hashes_.size(); ++r) place(r, hashes_[r]);
  }
  std::vector<std::uint64_t> slots_;
  std::vector<std::uint64_t> hashes_;
  std::size_t mask_ = 0;
};

}  // namespace commdx::detail
