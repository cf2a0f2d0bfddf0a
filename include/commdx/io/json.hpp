#pragma once
// JSON reading with errors that name the source, line and character, and typed field access
// whose errors name the field path.
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"

namespace commdx::io {

using json = nlohmann::json;

/// Reads a whole file as bytes; the error names the file.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(location{path, 0, 0, 0, "", ""}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
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

/// Parses JSON; malformed JSON or invalid UTF-8 raise input_error naming source, line, character.
inline json parse_json(std::string_view text, const std::string& source) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    location where{source, 0, 0, 0, "", ""};
    std::size_t byte = e.byte == 0 ? 0 : e.byte - 1;
    line_and_column(text, byte, where.line, where.column_number);
    std::string msg = e.what();
    // nlohmann's text starts with "[json.exception.parse_error.101] parse error at line ..": keep
    // only the description after the last ": ".
    auto pos = msg.rfind(": ");
    throw input_error(where, "malformed JSON: " + (pos == std::string::npos ? msg : msg.substr(pos + 2)));
  }
}

inline json read_json_file(const std::string& path) { return parse_json(read_file(path), path); }

/// A required field of an object; the error names the source and the field path.
inline const json& require(const json& obj, const std::string& key, const location& where) {
  if (!obj.is_object()) throw input_error(where, "expected a JSON object");
  auto it = obj.find(key);
  if (it == obj.end()) {
    location w = where;
    w.column = key;
    throw input_error(w, "missing required field");
  }
  return *it;
}

/// Converts a field to T; a type mismatch names the field.
template <class T>
T get_as(const json& obj, const std::string& key, const location& where) {
  const json& v = require(obj, key, where);
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    location w = where;
    w.column = key;
    throw input_error(w, "wrong type: got " + std::string(v.type_name()) + " (" + v.dump() + ")");
  }
}

/// Optional field with a default.
template <class T>
T get_or(const json& obj, const std::string& key, T fallback, const location& where) {
  if (!obj.is_object() || !obj.contains(key) || obj.at(key).is_null()) return fallback;
  return get_as<T>(obj, key, where);
}

}  // namespace commdx::io
