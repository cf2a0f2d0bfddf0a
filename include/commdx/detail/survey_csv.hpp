#pragma once
// The CSV readers' low-level pieces: the text's encoding (UTF-8 checked, UTF-16 decoded), the one
// CSV tokenizer (fields as views into the file's memory buffer; a copy only for quoted fields with
// doubled quotes), and strict cell parsers for numbers and yes/no answers that do not allocate.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
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

/// Line ends before `offset`: CR, LF and CRLF each count once (a CRLF is one line end, a lone CR
/// is one), as the tokenizer counts them.
inline std::size_t line_at(std::string_view s, std::size_t offset, std::size_t first_line = 1) {
  std::size_t line = first_line;
  offset = std::min(offset, s.size());
  for (std::size_t i = 0; i < offset; ++i) {
    if (s[i] == '\n') ++line;
    else if (s[i] == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n')) ++line;
  }
  return line;
}

/// The offset of the first byte that is not valid UTF-8 or is a NUL (no text file has one: it is
/// binary, or UTF-16 without a byte-order mark), or npos. Hand-written for speed: eight ASCII
/// bytes at a time (a whole census file is checked before it is read), the exact check of
/// text::first_invalid_utf8 from the first non-ASCII byte on.
inline std::size_t first_invalid_utf8_fast(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  while (i < n) {
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & highs) != 0 || ((w - ones) & ~w & highs) != 0) break;  // a non-ASCII or a zero byte
      i += 8;
    }
    while (i < n && static_cast<unsigned char>(s[i]) < 0x80) {
      if (s[i] == '\0') return i;
      ++i;
    }
    if (i >= n) break;
    // a run of non-ASCII text: check up to the next ASCII byte (a sequence never contains one)
    std::size_t e = i;
    while (e < n && static_cast<unsigned char>(s[e]) >= 0x80) ++e;
    std::size_t bad = text::first_invalid_utf8(s.substr(i, e - i));
    if (bad != std::string_view::npos) return i + bad;
    i = e;
  }
  return std::string_view::npos;
}

/// The same, with the second half checked on a second thread (large files; the answer is the
/// same: the split is at an ASCII byte, which no valid sequence spans).
inline std::size_t first_invalid_utf8_parallel(std::string_view s, unsigned threads) {
  if (threads < 2 || s.size() < (std::size_t{1} << 22)) return first_invalid_utf8_fast(s);
  std::size_t mid = s.size() / 2;
  while (mid < s.size() && static_cast<unsigned char>(s[mid]) >= 0x80) ++mid;
  std::size_t bad_b = std::string_view::npos;
  std::thread worker([&]() { bad_b = first_invalid_utf8_fast(s.substr(mid)); });
  std::size_t bad_a = first_invalid_utf8_fast(s.substr(0, mid));
  worker.join();
  if (bad_a != std::string_view::npos) return bad_a;
  return bad_b == std::string_view::npos ? bad_b : mid + bad_b;
}

inline std::string hex_byte(unsigned char c) {
  const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

/// Refuses text that is not UTF-8, naming the line of the first bad byte.
[[noreturn]] inline void throw_not_utf8(std::string_view s, std::size_t bad, const std::string& source) {
  location where = location::in_file(source).at_line(line_at(s, bad));
  if (s[bad] == '\0')
    throw input_error(where, "byte 0x00 (NUL): this is not a text file, or it is UTF-16 without a byte-order mark; "
                             "save it as UTF-8 (Excel: 'CSV UTF-8') / tệp không phải văn bản UTF-8: hãy lưu lại "
                             "dưới dạng CSV UTF-8");
  throw input_error(where, "invalid UTF-8: byte " + hex_byte(static_cast<unsigned char>(s[bad])) +
                               " is not UTF-8; the file is in another encoding (Windows-1258, TCVN3, ...); save it as "
                               "UTF-8 (Excel: 'CSV UTF-8') / tệp không phải UTF-8: hãy lưu lại dưới dạng CSV UTF-8");
}

/// A text file's bytes as UTF-8: a UTF-8 byte-order mark is removed; UTF-16 with a byte-order mark
/// (Excel's "Unicode text") is decoded into `storage`. Other encodings are left to the UTF-8 check.
inline std::string_view decode_text(std::string_view raw, const std::string& source, std::string& storage) {
  if (raw.size() >= 3 && raw.substr(0, 3) == "\xEF\xBB\xBF") return raw.substr(3);
  bool le = raw.size() >= 2 && raw[0] == '\xFF' && raw[1] == '\xFE';
  bool be = raw.size() >= 2 && raw[0] == '\xFE' && raw[1] == '\xFF';
  if (!le && !be) return raw;
  if (raw.size() >= 4 && le && raw[2] == '\0' && raw[3] == '\0')
    throw input_error(location::in_file(source).at_line(1),
                      "the file is UTF-32, which is not read; save it as UTF-8 (Excel: 'CSV UTF-8') / tệp mã "
                      "UTF-32: hãy lưu lại dưới dạng CSV UTF-8");
  const std::size_t units = (raw.size() - 2) / 2;
  auto unit = [&](std::size_t k) -> std::uint32_t {
    auto b0 = static_cast<unsigned char>(raw[2 + 2 * k]), b1 = static_cast<unsigned char>(raw[3 + 2 * k]);
    return le ? (std::uint32_t{b1} << 8 | b0) : (std::uint32_t{b0} << 8 | b1);
  };
  storage.clear();
  storage.reserve(raw.size());
  auto refuse = [&](const std::string& what) {
    throw input_error(location::in_file(source).at_line(line_at(storage, storage.size())),
                      "UTF-16 text (Excel 'Unicode text') " + what +
                          "; save the file as UTF-8 (Excel: 'CSV UTF-8') / tệp UTF-16 bị hỏng: hãy lưu lại "
                          "dưới dạng CSV UTF-8");
  };
  for (std::size_t k = 0; k < units; ++k) {
    std::uint32_t u = unit(k);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (k + 1 >= units) refuse("ends inside a character (a lone high surrogate)");
      std::uint32_t v = unit(k + 1);
      if (v < 0xDC00 || v > 0xDFFF) refuse("has a high surrogate without its low half");
      u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
      ++k;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      refuse("has a low surrogate without its high half");
    }
    text::append_utf8(storage, static_cast<char32_t>(u));
  }
  if ((raw.size() - 2) % 2 != 0) refuse("ends in the middle of a character (an odd number of bytes)");
  return storage;
}

/// Reads CSV records from a memory buffer: RFC 4180 quoting ("" in a quoted field is one "), CR,
/// LF or CRLF ending a record outside quotes (each also one line, inside quotes too). Text after a
/// closing quote is kept (`"a"b` is `ab`, as Python's csv module reads it); a line with nothing
/// on it is no record. Fields are views into the buffer, or, for a quoted field with doubled
/// quotes, into one arena per record that is turned into views only once the record is complete
/// (so no view can dangle); they stay valid until the next call. The one tokenizer of every CSV
/// path: single- and two-thread survey reading and io::parse_csv.
class csv_tokenizer {
 public:
  csv_tokenizer(std::string_view text, std::string source, char delimiter, std::size_t first_line = 1)
      : text_(text), source_(std::move(source)), delim_(delimiter), line_(first_line) {
    stop_[static_cast<unsigned char>(delim_)] = true;
    stop_[static_cast<unsigned char>('\n')] = true;
    stop_[static_cast<unsigned char>('\r')] = true;
  }

  std::string_view text() const { return text_; }
  std::size_t position() const { return pos_; }
  std::size_t line() const { return line_; }

  /// Next record; false at the end. `line` gets the line the record starts on.
  bool next(std::vector<std::string_view>& fields, std::size_t& line) { return record<true>(&fields, line); }
  /// Steps over the next record exactly as next() would read it, keeping nothing (the two-thread
  /// reader finds where its second half starts with this).
  bool skip(std::size_t& line) { return record<false>(nullptr, line); }

 private:
  template <bool Keep>
  bool record(std::vector<std::string_view>* fields, std::size_t& line) {
    const char* p = text_.data();
    const std::size_t n = text_.size();
    // blank lines are no records
    while (pos_ < n && (p[pos_] == '\n' || p[pos_] == '\r')) end_line(p, n);
    if (Keep) {
      fields->clear();
      own_.clear();
      arena_.clear();
    }
    if (pos_ >= n) return false;
    line = line_;
    if (!Keep) {
      // Stepping over records: a record with no quote before its line end ends at that line end
      // (every field unquoted), found with memchr at memory speed; the next quote, CR and LF are
      // looked up only once passed. Anything else goes through the loop below.
      if (next_quote_ == unknown || next_quote_ < pos_) next_quote_ = find(p, n, '"');
      if (next_lf_ == unknown || next_lf_ < pos_) next_lf_ = find(p, n, '\n');
      if (next_cr_ == unknown || next_cr_ < pos_) next_cr_ = find(p, n, '\r');
      std::size_t end = std::min(next_lf_, next_cr_);
      if (next_quote_ > end) {
        pos_ = end;
        if (pos_ < n) end_line(p, n);
        return true;
      }
    }
    for (;;) {
      // one field
      if (pos_ < n && p[pos_] == '"') {
        std::size_t start_line = line_;
        std::size_t b = ++pos_;
        bool escaped = false;
        for (;;) {
          if (pos_ >= n) throw input_error(location::in_file(source_).at_line(start_line), "unterminated quoted field");
          char q = p[pos_];
          if (q == '"') {
            if (pos_ + 1 < n && p[pos_ + 1] == '"') { escaped = true; pos_ += 2; continue; }
            break;
          }
          if (q == '\n' || (q == '\r' && !(pos_ + 1 < n && p[pos_ + 1] == '\n'))) ++line_;
          ++pos_;
        }
        std::size_t inner_end = pos_;
        ++pos_;  // closing quote
        std::size_t tail = pos_;
        while (pos_ < n && !stop_[static_cast<unsigned char>(p[pos_])]) ++pos_;
        if (Keep) {
          if (escaped || pos_ > tail) {
            std::size_t from = arena_.size();
            for (std::size_t k = b; k < inner_end; ++k) {
              arena_.push_back(p[k]);
              if (p[k] == '"') ++k;
            }
            arena_.append(p + tail, pos_ - tail);
            own_.push_back({fields->size(), from, arena_.size() - from});
            fields->emplace_back();  // set below, once the arena stops growing
          } else {
            fields->emplace_back(p + b, inner_end - b);
          }
        }
      } else {
        // a local cursor (the member would be reloaded after every store) and one table look-up
        // per byte instead of three compares
        std::size_t b = pos_, q = pos_;
        while (q < n && !stop_[static_cast<unsigned char>(p[q])]) ++q;
        pos_ = q;
        if (Keep) fields->emplace_back(p + b, q - b);
      }
      if (pos_ < n && p[pos_] == delim_) {
        ++pos_;
        if (pos_ < n) continue;
        if (Keep) fields->emplace_back();  // a delimiter at the very end: one more empty field
        break;
      }
      if (pos_ < n) end_line(p, n);
      break;
    }
    if (Keep)
      for (const owned& o : own_) (*fields)[o.field] = std::string_view(arena_.data() + o.offset, o.size);
    return true;
  }

  /// The first `c` at or after pos_, or n.
  std::size_t find(const char* p, std::size_t n, char c) const {
    const void* hit = std::memchr(p + pos_, c, n - pos_);
    return hit == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(hit) - p);
  }

  /// Steps over the line end at pos_ (CRLF, CR or LF).
  void end_line(const char* p, std::size_t n) {
    if (p[pos_] == '\r' && pos_ + 1 < n && p[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  struct owned { std::size_t field, offset, size; };
  std::string_view text_;
  std::string source_;
  char delim_;
  std::size_t line_;
  std::size_t pos_ = 0;
  bool stop_[256] = {};  ///< bytes that end an unquoted field: the delimiter, '\n', '\r'
  std::vector<owned> own_;  ///< fields of this record that live in arena_
  static constexpr std::size_t unknown = static_cast<std::size_t>(-1);
  /// skip(): the first '"', LF and CR at or after where they were looked up (valid while >= pos_)
  std::size_t next_quote_ = unknown, next_lf_ = unknown, next_cr_ = unknown;
  std::string arena_;
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
