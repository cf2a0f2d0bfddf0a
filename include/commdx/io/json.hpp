#pragma once
// JSON reading, the same rules as python/commdx/io/json.py: errors name the source, line and
// character; a UTF-8 BOM is accepted; an empty file, a trailing comma, NaN/Infinity, a number out
// of double's range, nesting deeper than max_json_depth and a duplicate key in an object are each
// a config_error with its own id (docs/errors.md). Typed field access names the field path, and
// any nlohmann exception raised while a config is read becomes a config_error naming the source
// and the field (rethrow_config_error, used at every config reader's boundary).
//
// Parsing is nlohmann's own parser; the duplicate-key and depth checks run in its parser callback,
// and a counting iterator tells where in the text the parser is, so those errors name a line too.
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
  // Keys seen in each open object with the offset of their first occurrence.
  std::vector<std::map<std::string, std::size_t>> open_objects;
  json::parser_callback_t check = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (static_cast<std::size_t>(depth) + 1 > max_json_depth)
          throw config_error(detail::at_offset(text, offset() - 1, source),
                             "nested deeper than " + std::to_string(max_json_depth) + " levels",
                             "commdx.json.depth");
        if (event == json::parse_event_t::object_start) open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key: {
        const std::string& key = parsed.get_ref<const std::string&>();
        const std::size_t start = detail::string_start(text, offset() - 1);
        auto [it, inserted] = open_objects.back().emplace(key, start);
        if (!inserted) {
          location first = detail::at_offset(text, it->second, source);
          throw config_error(detail::at_offset(text, start, source).in_column(key),
                             "duplicate key '" + key + "' (first at line " + std::to_string(first.line) + ")",
                             "commdx.json.duplicate_key");
        }
        break;
      }
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(detail::counting_iterator(text.data(), &consumed),
                       detail::counting_iterator(text.data() + text.size(), &consumed), check);
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

/// A required field of an object; the error names the source and the field path.
inline const json& require(const json& obj, const std::string& key, const location& where) {
  if (!obj.is_object()) throw config_error(where, "expected a JSON object, got " + std::string(obj.type_name()), "commdx.json.type");
  auto it = obj.find(key);
  if (it == obj.end()) throw config_error(where.in_column(key), "missing required field", "commdx.json.missing_field");
  return *it;
}

/// Converts a field to T; a type mismatch names the field.
template <class T>
T get_as(const json& obj, const std::string& key, const location& where) {
  const json& v = require(obj, key, where);
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    throw config_error(where.in_column(key), "wrong type: got " + std::string(v.type_name()) + " (" + v.dump() + ")",
                       "commdx.json.type");
  }
}

/// Optional field with a default.
template <class T>
T get_or(const json& obj, const std::string& key, T fallback, const location& where) {
  if (!obj.is_object() || !obj.contains(key) || obj.at(key).is_null()) return fallback;
  return get_as<T>(obj, key, where);
}

}  // namespace commdx::io
