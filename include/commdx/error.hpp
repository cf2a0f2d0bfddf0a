#pragma once
// The exception hierarchy. Every message names where the problem is: a file, a row or line, a
// column or field, a unit code (DESIGN.md, "Rules of the house"). Python receives these as
// commdx.Error subclasses (ValueError-compatible) carrying the location and the id as attributes.
//
// Every exception has a stable id naming its kind ("commdx.json.duplicate_key"); the ids, what
// they mean and their Vietnamese/English texts are listed in docs/errors.md and
// python/commdx/data/errors.json. An exception thrown without an id has its class's id
// ("commdx.input", "commdx.validation", "commdx.config", "commdx.error").
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "commdx/detail/interrupt.hpp"  // commdx::interrupted, the check the long loops call

namespace commdx {

/// Where in the input a problem was found. Empty/zero members are unknown and left out of text.
///
/// Build one with the named setters rather than positionally:
///   location::in_file(path).at_line(3).at_character(7).in_column("teams")
/// (the aggregate form `location{file, row, line, character, column, unit}` still works).
struct location {
  std::string file;     ///< file name or a label such as "DataFrame" or "<json>"
  std::size_t row = 0;  ///< 1-based data row (CSV/XLSX: the header is row 0) or JSON array index + 1
  std::size_t line = 0; ///< 1-based text line
  std::size_t column_number = 0;  ///< 1-based character column in a text file
  std::string column;   ///< column or field name
  std::string unit;     ///< unit code or team id the problem concerns

  static location in_file(std::string name) {
    location l;
    l.file = std::move(name);
    return l;
  }
  location at_row(std::size_t r) const { return with(&location::row, r); }
  location at_line(std::size_t l) const { return with(&location::line, l); }
  location at_character(std::size_t c) const { return with(&location::column_number, c); }
  location in_column(std::string name) const { return with(&location::column, std::move(name)); }
  location for_unit(std::string code) const { return with(&location::unit, std::move(code)); }

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

 private:
  template <class T>
  location with(T location::*member, T value) const {
    location l = *this;
    l.*member = std::move(value);
    return l;
  }
};

/// Base of every commdx exception.
class error : public std::runtime_error {
 public:
  explicit error(const std::string& what, std::string id = {})
      : std::runtime_error(what), id_(std::move(id)) {}
  /// The stable id of this error's kind (docs/errors.md); the class's id when none was given.
  std::string id() const { return id_.empty() ? std::string(default_id()) : id_; }

 protected:
  virtual const char* default_id() const noexcept { return "commdx.error"; }

 private:
  std::string id_;
};

/// Unreadable or malformed input: bad syntax, a missing column, a value of the wrong type.
class input_error : public error {
 public:
  input_error(location where, const std::string& what, std::string id = {})
      : error(where.to_string().empty() ? what : where.to_string() + ": " + what, std::move(id)),
        where_(std::move(where)),
        reason_(what) {}
  const location& where() const noexcept { return where_; }
  /// The message without the location (what() is "<location>: <reason>").
  const std::string& reason() const noexcept { return reason_; }

 protected:
  const char* default_id() const noexcept override { return "commdx.input"; }

 private:
  location where_;
  std::string reason_;
};

/// Input that parses but breaks a rule of the model: duplicate codes, a cycle, an unknown parent.
class validation_error : public input_error {
 public:
  using input_error::input_error;

 protected:
  const char* default_id() const noexcept override { return "commdx.validation"; }
};

/// A configuration (catalogue, rule set, index definition, thresholds) that cannot be used.
class config_error : public input_error {
 public:
  using input_error::input_error;

 protected:
  const char* default_id() const noexcept override { return "commdx.config"; }
};

/// A place name that matches no unit, or more than one: never a silent guess.
class name_match_error : public error {
 public:
  name_match_error(std::string name, std::vector<std::string> candidates, const std::string& what)
      : error(what, "commdx.places.name_match"), name_(std::move(name)), candidates_(std::move(candidates)) {}
  const std::string& name() const noexcept { return name_; }
  /// The closest units, best first, as "code name" strings.
  const std::vector<std::string>& candidates() const noexcept { return candidates_; }

 private:
  std::string name_;
  std::vector<std::string> candidates_;
};

}  // namespace commdx
