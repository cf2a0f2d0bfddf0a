#pragma once
// JSON of a commdx::table, the value most results are made of (estimates, plan sheets, ingest
// results, access segments), and the number helpers every io/json_<stage>.hpp uses.
//
// Two forms:
//  - typed (table_to_json / table_from_json, and nlohmann's ADL to_json/from_json): an object
//    {"source": "...", "columns": [{"name": "x", "type": "number"|"text", "values": [...]}]}.
//    It keeps what records cannot: the column types and order of a table without rows, and a
//    numeric column whose every value is missing. Missing numbers are null.
//  - records (table_to_records / table_from_records): [{"col": value, ...}, ...], pandas'
//    orient="records", the form plan.json and the CLI's JSON outputs have always used. Reading it
//    back infers each column's type from its values (a string: text; a number or null: numeric),
//    and `columns` (when given) fixes the order and the columns of an empty table.
// Every refusal is a config_error naming the source and the field path ("/visits/3/outcome").
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"

namespace commdx::io {

/// A number as JSON. JSON has no NaN or infinity: missing (NaN) is null, and an infinity (a design
/// effect over a zero variance) the string "inf" or "-inf", so that it is not read back as missing.
inline json json_number(double x) {
  if (std::isnan(x)) return json(nullptr);
  if (std::isinf(x)) return json(x > 0 ? "inf" : "-inf");
  return json(x);
}

/// A number read back: null is missing (NaN), "inf"/"-inf" an infinity; anything else but a number
/// is refused.
inline double number_from_json(const json& v, const location& where) {
  if (v.is_null()) return missing;
  if (v == "inf") return std::numeric_limits<double>::infinity();
  if (v == "-inf") return -std::numeric_limits<double>::infinity();
  if (!v.is_number())
    throw config_error(where, "wrong type: expected a number, null, \"inf\" or \"-inf\", got " + v.dump(),
                       "commdx.json.type");
  return v.get<double>();
}

/// A required numeric field (null: missing).
inline double number_field(const json& obj, const std::string& key, const location& where) {
  return number_from_json(require(obj, key, where), json_child(where, key));
}

inline json table_to_json(const table& t) {
  json cols = json::array();
  for (const auto& n : t.names()) {
    json values = json::array();
    if (t.is_numeric(n)) {
      for (double x : t.numeric(n)) values.push_back(json_number(x));
    } else {
      for (const auto& s : t.text(n)) values.push_back(s);
    }
    cols.push_back({{"name", n}, {"type", t.is_numeric(n) ? "number" : "text"}, {"values", std::move(values)}});
  }
  return {{"source", t.source()}, {"columns", std::move(cols)}};
}

/// Reads the typed form; `where` names the source and the field the table sits in.
inline table table_from_json(const json& j, const location& where = location::in_file("<json>")) {
  table t(get_as<std::string>(j, "source", where));
  const json& cols = require(j, "columns", where);
  const location at_cols = json_child(where, "columns");
  if (!cols.is_array()) throw config_error(at_cols, "expected an array of columns", "commdx.json.type");
  std::set<std::string> seen;
  std::size_t rows = 0;
  for (std::size_t k = 0; k < cols.size(); ++k) {
    const location at = json_child(at_cols, std::to_string(k));
    const auto name = get_as<std::string>(cols[k], "name", at);
    const auto type = get_as<std::string>(cols[k], "type", at);
    const json& values = require(cols[k], "values", at);
    const location at_values = json_child(at, "values");
    if (!seen.insert(name).second) throw config_error(json_child(at, "name"), "duplicate column '" + name + "'", "commdx.json.value");
    if (!values.is_array()) throw config_error(at_values, "expected an array of values", "commdx.json.type");
    if (k > 0 && values.size() != rows)
      throw config_error(at_values, "column '" + name + "' has " + std::to_string(values.size()) + " values, the columns before it " +
                                        std::to_string(rows), "commdx.json.value");
    rows = values.size();
    if (type == "number") {
      numeric_column c;
      c.reserve(values.size());
      for (std::size_t r = 0; r < values.size(); ++r) c.push_back(number_from_json(values[r], json_child(at_values, std::to_string(r))));
      t.set(name, std::move(c));
    } else if (type == "text") {
      text_column c;
      c.reserve(values.size());
      for (std::size_t r = 0; r < values.size(); ++r) {
        if (!values[r].is_string())
          throw config_error(json_child(at_values, std::to_string(r)), "wrong type: expected a string, got " + std::string(values[r].type_name()),
                             "commdx.json.type");
        c.push_back(values[r].get<std::string>());
      }
      t.set(name, std::move(c));
    } else {
      throw config_error(json_child(at, "type"), "type must be 'number' or 'text', not '" + type + "'", "commdx.json.value");
    }
  }
  return t;
}

inline json table_to_records(const table& t) {
  json rows = json::array();
  for (std::size_t r = 0; r < t.rows(); ++r) {
    json o = json::object();
    for (const auto& n : t.names()) o[n] = t.is_numeric(n) ? json_number(t.numeric(n)[r]) : json(t.text(n)[r]);
    rows.push_back(std::move(o));
  }
  return rows;
}

/// Reads records; `columns` fixes the column order (and the columns of zero rows), otherwise the
/// keys of the first record in its order. A record lacking a column, or having another, is refused.
inline table table_from_records(const json& rows, const location& where, const std::string& source,
                                std::vector<std::string> columns = {}) {
  table t(source);
  if (!rows.is_array()) throw config_error(where, "expected an array of records", "commdx.json.type");
  if (columns.empty() && !rows.empty() && rows[0].is_object())
    for (auto it = rows[0].begin(); it != rows[0].end(); ++it) columns.push_back(it.key());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const location at = json_child(where, std::to_string(r));
    if (!rows[r].is_object()) throw config_error(at, "expected a record (an object)", "commdx.json.type");
    if (rows[r].size() != columns.size())
      for (auto it = rows[r].begin(); it != rows[r].end(); ++it)
        if (std::find(columns.begin(), columns.end(), it.key()) == columns.end())
          throw config_error(json_child(at, it.key()), "a column the other records do not have", "commdx.json.value");
  }
  for (const auto& name : columns) {
    bool text = false;
    for (const auto& row : rows) {
      auto it = row.find(name);
      if (it != row.end() && it->is_string() && *it != "inf" && *it != "-inf") text = true;
    }
    if (text) {
      text_column c;
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const location row_at = json_child(where, std::to_string(r));
        const json& v = require(rows[r], name, row_at);
        if (!v.is_string()) throw config_error(json_child(row_at, name), "wrong type: expected a string like the other records, got " + std::string(v.type_name()), "commdx.json.type");
        c.push_back(v.get<std::string>());
      }
      t.set(name, std::move(c));
    } else {
      numeric_column c;
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const location at = json_child(where, std::to_string(r));
        c.push_back(number_from_json(require(rows[r], name, at), json_child(at, name)));
      }
      t.set(name, std::move(c));
    }
  }
  return t;
}

}  // namespace commdx::io

namespace commdx {

// `json j = t;` and `j.get<table>()` use the typed form.
COMMDX_JSON_HOOKS(table, io::table_to_json, io::table_from_json)

}  // namespace commdx
