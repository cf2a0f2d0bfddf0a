#pragma once
// JSON reading, the same rules as python/commdx/io/json.py: errors name the source, line and
// character; a UTF-8 BOM is accepted; an empty file, a trailing comma, NaN/Infinity, a number out
// of double's range, nesting deeper than max_json_depth and a duplicate key in an object are each
// a config_error with its own id (docs/errors.md). Typed field access names the field path, and
// any nlohmann exception raised while a config is read becomes a config_error naming the source
// and the field (rethrow_config_error, used at every config reader's boundary).
//
// Parsing is nlohmann's own lexer and parser driving a SAX handler of ours (detail::checked_dom),
// which builds the value and runs the duplicate-key and depth checks; a counting iterator tells
// where in the text the parser is, so those errors name a line too. Linear in the text.
#include <cstddef>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"

namespace commdx::io {

using json = nlohmann::json;

/// Deepest nesting of arrays and objects a JSON input may have (Python's reader uses the same).
inline constexpr std::size_t max_json_depth = 256;

/// Reads a whole file as bytes; the error names the file.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(location::in_file(path), "cannot open file", "commdx.file.unreadable");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw input_error(location::in_file(path), "cannot read file", "commdx.file.unreadable");
  return ss.str();
}

/// Line and character (1-based) of a byte offset in text.
inline void line_and_column(std::string_view text, std::size_t offset, std::size_t& line,
                            std::size_t& column) {
  line = 1;
  column = 1;
  if (offset > text.size()) offset = text.size();
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count code points, not UTF-8 continuation bytes
    }
  }
}

namespace detail {

/// The location of a byte offset in text.
inline location at_offset(std::string_view text, std::size_t offset, const std::string& source) {
  location where = location::in_file(source);
  line_and_column(text, offset, where.line, where.column_number);
  return where;
}

/// A char iterator that publishes how far the parser has read (nlohmann's callback does not say).
class counting_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  counting_iterator(const char* p, const char** consumed) : p_(p), consumed_(consumed) {}
  reference operator*() const { return *p_; }
  counting_iterator& operator++() {
    ++p_;
    *consumed_ = p_;
    return *this;
  }
  counting_iterator operator++(int) {
    counting_iterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const counting_iterator& o) const { return p_ == o.p_; }
  bool operator!=(const counting_iterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  const char** consumed_;
};

/// Offset of the opening quote of the string that ends with the quote at `close`.
inline std::size_t string_start(std::string_view text, std::size_t close) {
  for (std::size_t i = close; i-- > 0;) {
    if (text[i] != '"') continue;
    std::size_t backslashes = 0;
    while (backslashes < i && text[i - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return i;
  }
  return 0;
}

/// The word (letters, digits, sign, point) around a byte offset: the token nlohmann refused.
inline std::string_view token_at(std::string_view text, std::size_t offset) {
  auto part = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '+' || c == '.';
  };
  if (offset > text.size()) offset = text.size();
  std::size_t begin = offset, end = offset;
  if (begin > 0 && (begin == text.size() || !part(text[begin]))) --begin;
  if (begin < text.size() && !part(text[begin])) return {};
  while (begin > 0 && part(text[begin - 1])) --begin;
  while (end < text.size() && part(text[end])) ++end;
  return text.substr(begin, end - begin);
}

/// nlohmann's message without its "[json.exception.x.n] " prefix, and the JSON pointer that
/// JSON_DIAGNOSTICS puts in front of it ("(/visit) type must be ...") if any.
inline void split_nlohmann_message(const std::string& what, std::string& pointer, std::string& text) {
  text = what;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find("] ");
    if (close != std::string::npos) text = text.substr(close + 2);
  }
  pointer.clear();
  if (!text.empty() && text[0] == '(') {
    auto close = text.find(") ");
    if (close != std::string::npos) {
      pointer = text.substr(1, close - 1);
      text = text.substr(close + 2);
    }
  }
}

}  // namespace detail

/// An nlohmann exception raised while `source` was being read, as a config_error naming the
/// source and the field (a JSON pointer such as "/visit/travel_minutes").
[[noreturn]] inline void rethrow_config_error(const nlohmann::json::exception& e, const std::string& source) {
  std::string pointer, text;
  detail::split_nlohmann_message(e.what(), pointer, text);
  location where = location::in_file(source).in_column(pointer);
  if (dynamic_cast<const nlohmann::json::type_error*>(&e) != nullptr)
    throw config_error(where, "wrong type: " + text, "commdx.json.type");
  if (dynamic_cast<const nlohmann::json::out_of_range*>(&e) != nullptr && e.id == 403)
    throw config_error(where, "missing required field: " + text, "commdx.json.missing_field");
  throw config_error(where, "unusable value: " + text, "commdx.json.value");
}

namespace detail {

/// The DOM builder under parse_json: nlohmann's SAX events, with the duplicate-key and depth
/// checks, building the value through json's public interface (so that JSON_DIAGNOSTICS' parent
/// pointers stay right). nlohmann's own callback parser rescans the enclosing array at the end of
/// every object (to drop a discarded value), which made a long array of records quadratic.
class checked_dom {
 public:
  checked_dom(std::string_view text, const std::string& source, const char* const& consumed)
      : text_(text), source_(source), consumed_(consumed) {}

  json result() { return std::move(root_); }

  bool null() { return value(json(nullptr)); }
  bool boolean(bool b) { return value(json(b)); }
  bool number_integer(json::number_integer_t x) { return value(json(x)); }
  bool number_unsigned(json::number_unsigned_t x) { return value(json(x)); }
  bool number_float(json::number_float_t x, const json::string_t&) { return value(json(x)); }
  bool string(json::string_t& s) { return value(json(std::move(s))); }
  bool binary(json::binary_t& b) { return value(json(b)); }

  bool start_object(std::size_t) {
    open(json::value_t::object);
    keys_.emplace_back();
    return true;
  }
  bool key(json::string_t& k) {
    const std::size_t start = string_start(text_, offset() - 1);
    auto [it, inserted] = keys_.back().emplace(k, start);
    if (!inserted) {
      const location first = at_offset(text_, it->second, source_);
      throw config_error(at_offset(text_, start, source_).in_column(k),
                         "duplicate key '" + k + "' (first at line " + std::to_string(first.line) + ")",
                         "commdx.json.duplicate_key");
    }
    key_ = std::move(k);
    return true;
  }
  bool end_object() {
    keys_.pop_back();
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    open(json::value_t::array);
    return true;
  }
  bool end_array() {
    open_.pop_back();
    return true;
  }
  // The parser's refusal as the nlohmann exception parse_json turns into a config_error.
  [[noreturn]] bool parse_error(std::size_t, const std::string&, const json::exception& e) {
    if (const auto* p = dynamic_cast<const json::parse_error*>(&e)) throw *p;
    if (const auto* r = dynamic_cast<const json::out_of_range*>(&e)) throw *r;
    throw config_error(location::in_file(source_), std::string("malformed JSON: ") + e.what(), "commdx.json.syntax");
  }

 private:
  std::size_t offset() const { return static_cast<std::size_t>(consumed_ - text_.data()); }

  // A new array or object where the next value goes; its children go into it until it closes.
  void open(json::value_t type) {
    if (open_.size() + 1 > max_json_depth)
      throw config_error(at_offset(text_, offset() - 1, source_),
                         "nested deeper than " + std::to_string(max_json_depth) + " levels", "commdx.json.depth");
    open_.push_back(place(json(type)));
  }
  bool value(json&& v) {
    place(std::move(v));
    return true;
  }
  // The slot of a new value: the root, the end of the open array, or the open object's last key.
  // A slot stays where it is while it is open: its parent grows only after it closes.
  json* place(json&& v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }

  std::string_view text_;
  const std::string& source_;
  const char* const& consumed_;
  json root_;
  std::vector<json*> open_;
  std::vector<std::map<std::string, std::size_t>> keys_;  // keys of each open object, first offsets
  std::string key_;
};

}  // namespace detail

/// Parses JSON; every refusal is a config_error naming source, line and character (see the top).
inline json parse_json(std::string_view text, const std::string& source) {
  // A UTF-8 BOM (Excel, Notepad) is not part of the JSON text; positions count from after it.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF")
    throw config_error(location::in_file(source).at_line(1).at_character(1),
                       "the file is UTF-16; save it as UTF-8", "commdx.json.encoding");
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw config_error(location::in_file(source), "empty file: no JSON value", "commdx.json.empty");

  const char* consumed = text.data();
  auto offset = [&] { return static_cast<std::size_t>(consumed - text.data()); };
  detail::checked_dom dom(text, source, consumed);
  try {
    json::sax_parse(detail::counting_iterator(text.data(), &consumed),
                    detail::counting_iterator(text.data() + text.size(), &consumed), &dom);
    return dom.result();
  } catch (const json::parse_error& e) {
    const std::size_t byte = e.byte == 0 ? 0 : e.byte - 1;
    location where = detail::at_offset(text, byte, source);
    std::string pointer, msg;
    detail::split_nlohmann_message(e.what(), pointer, msg);
    // nlohmann's text is "syntax error while parsing value - invalid literal; last read: ..": keep
    // the part after "parse error at line l, column c: " (our location says where).
    auto pos = msg.find(": ");
    if (pos != std::string::npos && msg.compare(0, 11, "parse error") == 0) msg = msg.substr(pos + 2);
    const std::string_view token = detail::token_at(text, byte);
    if (token == "NaN" || token == "Infinity" || token == "-Infinity" || token == "-NaN")
      throw config_error(where, "'" + std::string(token) + "' is not a JSON number", "commdx.json.not_finite");
    if (msg.find("UTF-8") != std::string::npos)
      throw config_error(where, "invalid UTF-8: " + msg, "commdx.json.encoding");
    throw config_error(where, "malformed JSON: " + msg, "commdx.json.syntax");
  } catch (const json::out_of_range& e) {
    // 406: a number beyond double's range (1e400); the parser has just read past it.
    std::size_t at = offset() == 0 ? 0 : offset() - 1;
    const std::string_view token = detail::token_at(text, at);
    const std::size_t start = token.empty() ? at : static_cast<std::size_t>(token.data() - text.data());
    if (e.id == 406)
      throw config_error(detail::at_offset(text, start, source),
                         "number out of range: " + std::string(token), "commdx.json.number_range");
    rethrow_config_error(e, source);
  }
}

inline json read_json_file(const std::string& path) { return parse_json(read_file(path), path); }

/// `where`'s field path extended by one step: "/visits" + "3" -> "/visits/3", and at the top of a
/// document "" + "teams" -> "/teams" (a JSON pointer, as nlohmann's diagnostics write it).
inline location json_child(const location& where, const std::string& step) {
  return where.in_column(where.column + "/" + step);
}

/// A required field of an object. `where` is the object's location (file, row, and its field path
/// in `column`); an error names the field's own location, json_child(where, key). The one
/// field-access pair (require, get_as) every JSON reader uses.
inline const json& require(const json& obj, const std::string& key, const location& where) {
  if (!obj.is_object()) throw config_error(where, "expected a JSON object, got " + std::string(obj.type_name()), "commdx.json.type");
  auto it = obj.find(key);
  if (it == obj.end()) throw config_error(json_child(where, key), "missing required field", "commdx.json.missing_field");
  return *it;
}

/// A required field converted to T (a string, a bool, a count, a list of strings ...); a type
/// mismatch names the field's location.
template <class T>
T get_as(const json& obj, const std::string& key, const location& where) {
  const json& v = require(obj, key, where);
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    throw config_error(json_child(where, key), "wrong type: got " + std::string(v.type_name()) + " (" + v.dump() + ")",
                       "commdx.json.type");
  }
}

/// nlohmann's ADL hooks of type T (`json j = x;`, `j.get<T>()`) from its named pair, `write(x)`
/// -> json and `read(j)` -> T; used in `namespace commdx` by every io/json_<stage>.hpp.
#define COMMDX_JSON_HOOKS(T, write, read)                                           \
  inline void to_json(nlohmann::json& j, const T& x) { j = write(x); }              \
  inline void from_json(const nlohmann::json& j, T& x) { x = read(j); }

/// Optional field with a default.
template <class T>
T get_or(const json& obj, const std::string& key, T fallback, const location& where) {
  if (!obj.is_object() || !obj.contains(key) || obj.at(key).is_null()) return fallback;
  return get_as<T>(obj, key, where);
}

}  // namespace commdx::io
