#pragma once
// The survey reader's schema (typed columns of a record kind, from survey-schema.json) and the
// column mapping a city writes for files whose columns have other names (S1-S4).
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/data.hpp"
#include "commdx/error.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx {

/// How a column's cells are read.
enum class value_type {
  text,      ///< kept as text (codes, ids): never parsed as a number
  integer,   ///< a whole number
  number,    ///< any finite number
  yes_no,    ///< 1/0, yes/no, có/không, true/false, x: stored as 1.0/0.0
  likert,    ///< an opinion scale, a whole number in [min, max] (1-5 by default)
  category   ///< text, one of the listed values
};

inline const char* to_string(value_type t) {
  switch (t) {
    case value_type::text: return "text";
    case value_type::integer: return "int";
    case value_type::number: return "number";
    case value_type::yes_no: return "yes_no";
    case value_type::likert: return "likert";
    case value_type::category: return "category";
  }
  return "text";
}

/// One column of the schema.
struct column_spec {
  std::string name;
  value_type type = value_type::text;
  bool required = false;  ///< must be present in the file and non-empty in every row
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool exclusive_min = false;       ///< the value must be strictly above min (weights)
  std::vector<std::string> values;  ///< allowed values of a category
  int unit_level = 0;               ///< 1 ward/commune, 2 neighbourhood/village, 3 residential group; 0 not a place
  std::string parent_column;        ///< place column whose unit must contain this one
  std::string max_column;           ///< a column this value may not exceed (adults <= members)

  bool numeric() const { return type != value_type::text && type != value_type::category; }
};

/// The typed columns of one record kind (households, businesses).
struct record_schema {
  std::string kind;       ///< "households", "businesses"
  std::string id_column;  ///< unique per row ("household_id"); empty for none
  std::vector<column_spec> columns;
  /// Select-multiple questions: group name -> option code -> yes/no column ("" for an option
  /// that sets no column, such as "none").
  std::map<std::string, std::map<std::string, std::string>> select_multiple;

  const column_spec* find(std::string_view name) const {
    for (const auto& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }

  /// Reads one kind from a schema document {"households": {...}, ...} or a single kind's object.
  static record_schema from_json(const nlohmann::json& doc, const std::string& kind, const std::string& source) try {
    const nlohmann::json& j = doc.contains(kind) ? doc.at(kind) : doc;
    location where = location::in_file(source).in_column(kind);
    if (!j.is_object() || !j.contains("columns") || !j.at("columns").is_array())
      throw config_error(where, "a schema needs a 'columns' array (for '" + kind + "')");
    record_schema s;
    s.kind = kind;
    if (j.contains("id") && j.at("id").is_string()) s.id_column = j.at("id").get<std::string>();
    std::size_t i = 0;
    for (const auto& c : j.at("columns")) {
      ++i;
      location at = location::in_file(source).at_row(i);
      if (!c.is_object() || !c.contains("name") || !c.at("name").is_string())
        throw config_error(at, "schema column needs a 'name'");
      column_spec spec;
      spec.name = c.at("name").get<std::string>();
      at.column = spec.name;
      std::string type = c.value("type", std::string("text"));
      if (type == "text") spec.type = value_type::text;
      else if (type == "int" || type == "integer") spec.type = value_type::integer;
      else if (type == "number") spec.type = value_type::number;
      else if (type == "yes_no") spec.type = value_type::yes_no;
      else if (type == "likert") { spec.type = value_type::likert; spec.min = 1; spec.max = 5; }
      else if (type == "category") spec.type = value_type::category;
      else throw config_error(at, "unknown column type '" + type + "' (text, int, number, yes_no, likert, category)");
      spec.required = c.value("required", false);
      if (c.contains("min") && c.at("min").is_number()) spec.min = c.at("min").get<double>();
      if (c.contains("max") && c.at("max").is_number()) spec.max = c.at("max").get<double>();
      spec.exclusive_min = c.value("exclusive_min", false);
      if (c.contains("values")) {
        for (const auto& v : c.at("values")) spec.values.push_back(v.get<std::string>());
      }
      if (spec.type == value_type::category && spec.values.empty())
        throw config_error(at, "a category column needs its 'values'");
      spec.unit_level = c.value("unit_level", 0);
      spec.parent_column = c.value("parent_column", std::string());
      spec.max_column = c.value("max_column", std::string());
      if (s.find(spec.name) != nullptr) throw config_error(at, "column appears twice in the schema");
      s.columns.push_back(std::move(spec));
    }
    for (const auto& c : s.columns) {
      for (const std::string* ref : {&c.parent_column, &c.max_column}) {
        if (!ref->empty() && s.find(*ref) == nullptr)
          throw config_error(location::in_file(source).in_column(c.name), "refers to unknown column '" + *ref + "'");
      }
    }
    if (!s.id_column.empty() && s.find(s.id_column) == nullptr)
      throw config_error(where, "id column '" + s.id_column + "' is not in the schema");
    if (j.contains("select_multiple")) {
      for (const auto& [group, options] : j.at("select_multiple").items()) {
        for (const auto& [code, target] : options.items()) {
          std::string t = target.is_string() ? target.get<std::string>() : std::string();
          if (!t.empty() && (s.find(t) == nullptr || s.find(t)->type != value_type::yes_no))
            throw config_error(location::in_file(source).in_column(group + "/" + code),
                               "select-multiple option must map to a yes_no column, got '" + t + "'");
          s.select_multiple[group][code] = t;
        }
      }
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }

  /// The shipped default schema of the example city (python/commdx/data/survey-schema.json).
  static record_schema shipped(const std::string& kind) {
    static const nlohmann::json doc = io::parse_json(shipped_data("survey-schema.json"), "survey-schema.json");
    if (!doc.contains(kind))
      throw config_error(location::in_file("survey-schema.json"),
                         "no record kind '" + kind + "' (households, businesses)");
    return from_json(doc, kind, "survey-schema.json");
  }
  static record_schema households() { return shipped("households"); }
  static record_schema businesses() { return shipped("businesses"); }
};

/// How another file's columns map onto the schema. JSON, either a flat
/// {"source column": "schema column", ...} or
/// {"columns": {...}, "values": {"schema column": {"raw": "value", ...}},
///  "select_multiple": {"group": {"option": "schema column"}}, "blank_is_no": ["col", ...] | true}.
/// A column mapped to "" or null is dropped.
struct column_mapping {
  std::map<std::string, std::string> columns;
  /// schema column -> (raw value folded: lower case, no diacritics) -> replacement text
  std::map<std::string, std::map<std::string, std::string>> values;
  std::map<std::string, std::map<std::string, std::string>> select_multiple;
  /// yes/no columns where an empty cell means "no" (forms that tick with x); "*" means all.
  std::vector<std::string> blank_is_no;

  bool empty() const { return columns.empty() && values.empty() && select_multiple.empty() && blank_is_no.empty(); }

  bool blank_means_no(const std::string& name) const {
    for (const auto& c : blank_is_no)
      if (c == "*" || c == name) return true;
    return false;
  }

  static column_mapping from_json(const nlohmann::json& j, const std::string& source) try {
    column_mapping m;
    location where = location::in_file(source);
    if (!j.is_object()) throw config_error(where, "a column mapping must be a JSON object");
    auto text_of = [&](const nlohmann::json& v, const std::string& key) -> std::string {
      if (v.is_null()) return std::string();
      if (v.is_string()) return v.get<std::string>();
      if (v.is_number_integer()) return std::to_string(v.get<long long>());
      if (v.is_number()) return format_number(v.get<double>());
      if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
      throw config_error(location::in_file(source).in_column(key), "expected a string, got " + v.dump());
    };
    bool structured = j.contains("columns") || j.contains("values") || j.contains("select_multiple") ||
                      j.contains("blank_is_no");
    const nlohmann::json& cols = structured ? (j.contains("columns") ? j.at("columns") : nlohmann::json::object()) : j;
    if (!cols.is_object()) throw config_error(location::in_file(source).in_column("columns"), "'columns' must be an object");
    for (const auto& [k, v] : cols.items()) m.columns[k] = text_of(v, k);
    if (!structured) return m;
    if (j.contains("values")) {
      for (const auto& [col, map] : j.at("values").items()) {
        if (!map.is_object()) throw config_error(location::in_file(source).in_column(col), "a value map must be an object");
        for (const auto& [raw, v] : map.items()) m.values[col][text::fold(raw)] = text_of(v, col);
      }
    }
    if (j.contains("select_multiple")) {
      for (const auto& [group, opts] : j.at("select_multiple").items()) {
        if (!opts.is_object()) throw config_error(location::in_file(source).in_column(group), "select_multiple options must be an object");
        for (const auto& [code, v] : opts.items()) m.select_multiple[group][code] = text_of(v, group + "/" + code);
      }
    }
    if (j.contains("blank_is_no")) {
      const auto& b = j.at("blank_is_no");
      if (b.is_boolean()) {
        if (b.get<bool>()) m.blank_is_no.push_back("*");
      } else if (b.is_array()) {
        for (const auto& c : b) m.blank_is_no.push_back(c.get<std::string>());
      } else {
        throw config_error(location::in_file(source).in_column("blank_is_no"), "expected true/false or a list of columns");
      }
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }

  static column_mapping from_file(const std::string& path) { return from_json(io::read_json_file(path), path); }
};

}  // namespace commdx
