#pragma once
// The exception hierarchy. Every message names where the problem is: a file, a row or line, a
// column or field, a unit code (DESIGN.md, "Rules of the house"). Python receives these as
// commdx.Error subclasses (ValueError-compatible).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace commdx {

/// Where in the input a problem was found. Empty/zero members are unknown and left out of text.
struct location {
  std::string file;     ///< file name or a label such as "DataFrame" or "<json>"
  std::size_t row = 0;  ///< 1-based data row (CSV/XLSX: the header is row 0) or JSON array index + 1
  std::size_t line = 0; ///< 1-based text line
  std::size_t column_number = 0;  ///< 1-based character column in a text file
  std::string column;   ///< column or field name
  std::string unit;     ///< unit code or team id the problem concerns

  std::string to_string() const {
    std::string s = file.empty() ? std::string() : file;
    auto add = [&s](const std::string& part) {
      if (!s.empty()) s += ", ";
      s += part;
    };
    if (row != 0) add("row " + std::to_string(row));
    if (line != 0) add("line " + std::to_string(line));
    if (column_number != 0) add("character " + std::to_string(column_number));
    if (!column.empty()) add("column '" + column + "'");
    if (!unit.empty()) add("unit " + unit);
    return s;
  }
};

/// Base of every commdx exception.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Unreadable or malformed input: bad syntax, a missing column, a value of the wrong type.
class input_error : public error {
 public:
  input_error(location where, const std::string& what)
      : error(where.to_string().empty() ? what : where.to_string() + ": " + what),
        where_(std::move(where)) {}
  const location& where() const noexcept { return where_; }

 private:
  location where_;
};

/// Input that parses but breaks a rule of the model: duplicate codes, a cycle, an unknown parent.
class validation_error : public input_error {
 public:
  using input_error::input_error;
};

/// A configuration (catalogue, rule set, index definition, thresholds) that cannot be used.
class config_error : public input_error {
 public:
  using input_error::input_error;
};

/// A place name that matches no unit, or more than one: never a silent guess.
class name_match_error : public error {
 public:
  name_match_error(std::string name, std::vector<std::string> candidates, const std::string& what)
      : error(what), name_(std::move(name)), candidates_(std::move(candidates)) {}
  const std::string& name() const noexcept { return name_; }
  /// The closest units, best first, as "code name" strings.
  const std::vector<std::string>& candidates() const noexcept { return candidates_; }

 private:
  std::string name_;
  std::vector<std::string> candidates_;
};

}  // namespace commdx
