#pragma once
// P1, P2: the administrative tree (city -> ward/commune -> neighbourhood/village -> residential
// group), its validation and queries, and matching of hand-typed Vietnamese names to units.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/data.hpp"
#include "commdx/error.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx {

enum class unit_kind { city, ward, commune, neighbourhood, village, residential_group };

/// English identifier used in files and DataFrames.
inline const char* to_string(unit_kind k) {
  switch (k) {
    case unit_kind::city: return "city";
    case unit_kind::ward: return "ward";
    case unit_kind::commune: return "commune";
    case unit_kind::neighbourhood: return "neighbourhood";
    case unit_kind::village: return "village";
    case unit_kind::residential_group: return "residential_group";
  }
  return "?";
}

/// Vietnamese label ("phường", "xã", ...).
inline const char* label_vi(unit_kind k) {
  switch (k) {
    case unit_kind::city: return "thành phố";
    case unit_kind::ward: return "phường";
    case unit_kind::commune: return "xã";
    case unit_kind::neighbourhood: return "khu phố";
    case unit_kind::village: return "thôn";
    case unit_kind::residential_group: return "tổ dân cư";
  }
  return "?";
}

/// Parses a kind written in English or Vietnamese, any case or diacritics ("phuong", "Xã", "khu_pho").
inline std::optional<unit_kind> parse_unit_kind(std::string_view s) {
  std::string f = text::fold(s);
  std::replace(f.begin(), f.end(), ' ', '_');
  static const std::pair<const char*, unit_kind> names[] = {
      {"city", unit_kind::city}, {"thanh_pho", unit_kind::city}, {"tp", unit_kind::city},
      {"ward", unit_kind::ward}, {"phuong", unit_kind::ward},
      {"commune", unit_kind::commune}, {"xa", unit_kind::commune},
      {"neighbourhood", unit_kind::neighbourhood}, {"neighborhood", unit_kind::neighbourhood},
      {"khu_pho", unit_kind::neighbourhood},
      {"village", unit_kind::village}, {"thon", unit_kind::village},
      {"residential_group", unit_kind::residential_group}, {"to_dan_cu", unit_kind::residential_group},
      {"to_dan_pho", unit_kind::residential_group}, {"khu_dan_cu", unit_kind::residential_group},
      {"group", unit_kind::residential_group}};
  for (const auto& [name, kind] : names)
    if (f == name) return kind;
  return std::nullopt;
}

/// Depth in the tree: city 0, ward/commune 1, neighbourhood/village 2, residential group 3.
inline int kind_level(unit_kind k) {
  switch (k) {
    case unit_kind::city: return 0;
    case unit_kind::ward:
    case unit_kind::commune: return 1;
    case unit_kind::neighbourhood:
    case unit_kind::village: return 2;
    case unit_kind::residential_group: return 3;
  }
  return -1;
}

/// P1: the kinds a unit of kind `child` may sit under (khu phố in wards, thôn in communes).
inline bool kind_fits_parent(unit_kind child, unit_kind parent) {
  switch (child) {
    case unit_kind::city: return false;
    case unit_kind::ward:
    case unit_kind::commune: return parent == unit_kind::city;
    case unit_kind::neighbourhood: return parent == unit_kind::ward;
    case unit_kind::village: return parent == unit_kind::commune;
    case unit_kind::residential_group:
      return parent == unit_kind::neighbourhood || parent == unit_kind::village;
  }
  return false;
}

struct unit {
  std::string code;  ///< official code (five digits for wards); unique
  std::string name;  ///< Vietnamese name, NFC ("Phường 1", "Khu phố 3")
  unit_kind kind = unit_kind::ward;
  std::string parent;  ///< code of the parent; empty for a root
  double area_km2 = missing;
  double population = missing;
  double households = missing;
  double lat = missing;
  double lon = missing;
};

namespace detail {
// P2: the kind words people type before a name, folded, longest first; "p1" style is split first.
struct kind_prefix { const char* words; unit_kind kind; };
inline const kind_prefix kind_prefixes[] = {
    {"thanh pho", unit_kind::city}, {"tp", unit_kind::city},
    {"to dan pho", unit_kind::residential_group}, {"to dan cu", unit_kind::residential_group},
    {"khu dan cu", unit_kind::residential_group}, {"tdp", unit_kind::residential_group},
    {"tdc", unit_kind::residential_group}, {"kdc", unit_kind::residential_group},
    {"to", unit_kind::residential_group},
    {"khu pho", unit_kind::neighbourhood}, {"kp", unit_kind::neighbourhood},
    {"phuong", unit_kind::ward}, {"p", unit_kind::ward},
    {"xa", unit_kind::commune}, {"x", unit_kind::commune},
    {"thon", unit_kind::village}, {"ap", unit_kind::village}};

// Which kinds a prefix may denote: "to" may be a group under a neighbourhood or a village, etc.
inline bool prefix_matches(unit_kind prefix_kind, unit_kind k) { return prefix_kind == k; }

struct parsed_name {
  std::optional<unit_kind> kind;
  std::string rest;  ///< folded tokens after the kind word, numbers without leading zeros
};

inline parsed_name parse_name(std::string_view raw) {
  std::string f = text::fold(raw);
  // split letter-digit boundaries: "p1" -> "p 1", "kp03" -> "kp 03"
  std::string s;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (i > 0 && f[i] != ' ' && f[i - 1] != ' ') {
      bool d0 = f[i - 1] >= '0' && f[i - 1] <= '9', d1 = f[i] >= '0' && f[i] <= '9';
      if (d0 != d1) s.push_back(' ');
    }
    s.push_back(f[i]);
  }
  // drop leading zeros of numbers
  std::string t;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool token_start = i == 0 || s[i - 1] == ' ';
    if (token_start && s[i] == '0') {
      std::size_t j = i;
      while (j + 1 < s.size() && s[j] == '0' && s[j + 1] >= '0' && s[j + 1] <= '9') ++j;
      i = j;
    }
    t.push_back(s[i]);
  }
  parsed_name out;
  for (const auto& p : kind_prefixes) {
    std::string_view w = p.words;
    if (t.size() >= w.size() && t.compare(0, w.size(), w) == 0 &&
        (t.size() == w.size() || t[w.size()] == ' ')) {
      out.kind = p.kind;
      out.rest = t.size() == w.size() ? std::string() : t.substr(w.size() + 1);
      return out;
    }
  }
  out.rest = t;
  return out;
}
}  // namespace detail

/// The administrative tree. Built only through the factories, which validate it; immutable after.
class places {
 public:
  places() = default;

  /// Validates and indexes units. `rows` optionally gives each unit's source row for messages.
  static places from_units(std::vector<unit> units, const std::string& source = "places",
                           std::vector<std::size_t> rows = {}) {
    places p;
    p.source_ = source;
    p.units_ = std::move(units);
    if (rows.empty())
      for (std::size_t i = 0; i < p.units_.size(); ++i) rows.push_back(i + 1);
    p.build(rows);
    return p;
  }

  /// JSON: {"units": [...]} or a bare array of {code, name, kind, parent, area_km2, population,
  /// households, lat, lon}.
  static places from_json(const nlohmann::json& j, const std::string& source = "<json>") try {
    const nlohmann::json* arr = &j;
    if (j.is_object()) arr = &io::require(j, "units", location::in_file(source));
    if (!arr->is_array()) throw input_error(location::in_file(source).in_column("units"), "expected an array of units");
    std::vector<unit> units;
    std::vector<std::size_t> rows;
    std::size_t i = 0;
    for (const auto& u : *arr) {
      ++i;
      location where = location::in_file(source).at_row(i);
      unit x;
      x.code = code_text(io::require(u, "code", where), where);
      where.unit = x.code;
      x.name = text::to_nfc(io::get_as<std::string>(u, "name", where));
      std::string kind = io::get_as<std::string>(u, "kind", where);
      x.kind = kind_or_throw(kind, where);
      if (u.contains("parent") && !u.at("parent").is_null()) x.parent = code_text(u.at("parent"), where);
      x.area_km2 = io::get_or<double>(u, "area_km2", missing, where);
      x.population = io::get_or<double>(u, "population", missing, where);
      x.households = io::get_or<double>(u, "households", missing, where);
      x.lat = io::get_or<double>(u, "lat", missing, where);
      x.lon = io::get_or<double>(u, "lon", missing, where);
      units.push_back(std::move(x));
      rows.push_back(i);
    }
    return from_units(std::move(units), source, std::move(rows));
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }

  static places from_json_text(std::string_view text, const std::string& source = "<json>") {
    return from_json(io::parse_json(text, source), source);
  }

  /// A table with columns code, name, kind and optionally parent, area_km2, population,
  /// households, lat, lon (other columns are ignored).
  static places from_table(const table& t) {
    const std::string& src = t.source();
    auto text_of = [&](const std::string& col) -> std::vector<std::string> {
      if (!t.has(col)) return std::vector<std::string>(t.rows());
      std::vector<std::string> v(t.rows());
      for (std::size_t r = 0; r < t.rows(); ++r) v[r] = t.cell_text(col, r);
      return v;
    };
    auto num_of = [&](const std::string& col) -> std::vector<double> {
      if (!t.has(col)) return std::vector<double>(t.rows(), missing);
      if (t.is_numeric(col)) return t.numeric(col);
      std::vector<double> v(t.rows());
      const auto& txt = t.text(col);
      for (std::size_t r = 0; r < t.rows(); ++r) {
        if (txt[r].empty()) { v[r] = missing; continue; }
        if (!io::parse_number(txt[r], v[r]))
          throw input_error(location::in_file(src).at_row(r + 1).in_column(col), "expected a number, got '" + txt[r] + "'");
      }
      return v;
    };
    for (const char* required : {"code", "name", "kind"})
      if (!t.has(required)) throw input_error(location::in_file(src).in_column(required), "missing required column");
    auto codes = text_of("code"), names = text_of("name"), kinds = text_of("kind"), parents = text_of("parent");
    auto area = num_of("area_km2"), pop = num_of("population"), hh = num_of("households");
    auto lat = num_of("lat"), lon = num_of("lon");
    std::vector<unit> units(t.rows());
    std::vector<std::size_t> rows(t.rows());
    for (std::size_t r = 0; r < t.rows(); ++r) {
      location where = location::in_file(src).at_row(r + 1).in_column("kind").for_unit(codes[r]);
      units[r].code = codes[r];
      units[r].name = text::to_nfc(names[r]);
      units[r].kind = kind_or_throw(kinds[r], where);
      units[r].parent = parents[r];
      units[r].area_km2 = area[r];
      units[r].population = pop[r];
      units[r].households = hh[r];
      units[r].lat = lat[r];
      units[r].lon = lon[r];
      rows[r] = r + 1;
    }
    return from_units(std::move(units), src, std::move(rows));
  }

  static places from_csv_text(std::string_view text, const std::string& source = "<csv>") {
    auto rec = io::parse_csv(text, source);
    return from_table(io::to_table(rec, {"code", "name", "kind", "parent"}));
  }

  /// Reads .json or .csv by extension.
  static places from_file(const std::string& path) {
    std::string content = io::read_file(path);
    if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) return from_json_text(content, path);
    return from_csv_text(content, path);
  }

  /// The built-in city: Vũng Tàu's 17 units (16 wards, Long Sơn commune) under the city, with the
  /// official codes of the statistics office (shared/reference/vungtau-units.csv).
  static places vung_tau() { return from_csv_text(shipped_data("vungtau-units.csv"), "vungtau-units.csv"); }

  // ---- queries -------------------------------------------------------------------------------
  std::size_t size() const noexcept { return units_.size(); }
  const std::vector<unit>& units() const noexcept { return units_; }
  const std::string& source() const noexcept { return source_; }
  bool contains(const std::string& code) const { return index_.count(code) != 0; }

  const unit& at(const std::string& code) const { return units_[pos(code)]; }

  std::optional<std::string> parent(const std::string& code) const {
    const unit& u = at(code);
    if (u.parent.empty()) return std::nullopt;
    return u.parent;
  }
  std::vector<std::string> children(const std::string& code) const {
    std::vector<std::string> out;
    for (std::size_t c : children_[pos(code)]) out.push_back(units_[c].code);
    return out;
  }
  /// From the parent up to the root.
  std::vector<std::string> ancestors(const std::string& code) const {
    std::vector<std::string> out;
    const unit* u = &at(code);
    while (!u->parent.empty()) {
      out.push_back(u->parent);
      u = &at(u->parent);
    }
    return out;
  }
  /// Every unit below, depth first in file order.
  std::vector<std::string> descendants(const std::string& code) const {
    std::vector<std::string> out;
    std::vector<std::size_t> stack(children_[pos(code)].rbegin(), children_[pos(code)].rend());
    while (!stack.empty()) {
      std::size_t i = stack.back();
      stack.pop_back();
      out.push_back(units_[i].code);
      for (auto it = children_[i].rbegin(); it != children_[i].rend(); ++it) stack.push_back(*it);
    }
    return out;
  }
  /// Level by kind: city 0, ward/commune 1, neighbourhood/village 2, residential group 3.
  int level(const std::string& code) const { return kind_level(at(code).kind); }
  /// The ward or commune a unit lies in (itself for a ward); none for the city.
  std::optional<std::string> ward_of(const std::string& code) const {
    const unit* u = &at(code);
    while (u->kind != unit_kind::ward && u->kind != unit_kind::commune) {
      if (u->parent.empty()) return std::nullopt;
      u = &at(u->parent);
    }
    return u->code;
  }
  /// Codes of every unit of a level, in file order.
  std::vector<std::string> at_level(int lvl) const {
    std::vector<std::string> out;
    for (const auto& u : units_)
      if (kind_level(u.kind) == lvl) out.push_back(u.code);
    return out;
  }
  std::vector<std::string> roots() const {
    std::vector<std::string> out;
    for (const auto& u : units_)
      if (u.parent.empty()) out.push_back(u.code);
    return out;
  }

  /// P2: the code of the unit a hand-typed name means. A code is accepted as is. `within` limits
  /// the search to a unit's subtree ("Khu phố 3" within Phường 1); a comma or slash separates a
  /// path written child first or parent first ("KP3, P.1"). Throws name_match_error listing the
  /// closest candidates when no unit or more than one matches.
  std::string match(std::string_view name, const std::string& within = "") const {
    std::string trimmed = text::to_nfc(name);
    if (contains(trimmed) && (within.empty() || in_subtree(trimmed, within))) return trimmed;
    // Path: try each piece as the scope of the others.
    auto cut = trimmed.find_first_of(",/");
    if (cut != std::string::npos) {
      std::string a = trimmed.substr(0, cut), b = trimmed.substr(cut + 1);
      for (const auto& [child, parent_part] : {std::pair{a, b}, std::pair{b, a}}) {
        auto scope = try_match(parent_part, within);
        if (scope.size() == 1) {
          auto found = try_match(child, units_[scope[0]].code);
          if (found.size() == 1) return units_[found[0]].code;
        }
      }
    }
    auto found = try_match(trimmed, within);
    if (found.size() == 1) return units_[found[0]].code;
    std::vector<std::string> cands;
    std::string msg;
    if (found.size() > 1) {
      for (std::size_t i : found) cands.push_back(describe(i));
      msg = "place name '" + trimmed + "' is ambiguous: it matches " + join(cands) +
            "; add the kind or the parent (e.g. 'Khu phố 3, Phường 1') or use the code";
    } else {
      cands = closest(trimmed, within, 5);
      msg = "place name '" + trimmed + "' matches no unit" +
            (within.empty() ? std::string() : " within " + describe(pos(within))) +
            (cands.empty() ? std::string() : "; closest: " + join(cands));
    }
    throw name_match_error(trimmed, std::move(cands), msg);
  }

  /// "26506 Phường 1" style description.
  std::string describe(const std::string& code) const { return describe(pos(code)); }

  nlohmann::json to_json() const {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& u : units_) {
      nlohmann::json j{{"code", u.code}, {"name", u.name}, {"kind", to_string(u.kind)}};
      j["parent"] = u.parent.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.parent);
      auto put = [&j](const char* k, double v) { j[k] = is_missing(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
      put("area_km2", u.area_km2);
      put("population", u.population);
      put("households", u.households);
      put("lat", u.lat);
      put("lon", u.lon);
      arr.push_back(std::move(j));
    }
    return nlohmann::json{{"units", std::move(arr)}};
  }

  table to_table() const {
    table t(source_);
    text_column code, name, kind, parent, ward;
    numeric_column area, pop, hh, lat, lon, lvl;
    for (const auto& u : units_) {
      code.push_back(u.code);
      name.push_back(u.name);
      kind.push_back(to_string(u.kind));
      parent.push_back(u.parent);
      ward.push_back(ward_of(u.code).value_or(""));
      lvl.push_back(kind_level(u.kind));
      area.push_back(u.area_km2);
      pop.push_back(u.population);
      hh.push_back(u.households);
      lat.push_back(u.lat);
      lon.push_back(u.lon);
    }
    t.set("code", code); t.set("name", name); t.set("kind", kind); t.set("parent", parent);
    t.set("level", lvl); t.set("ward", ward); t.set("area_km2", area); t.set("population", pop);
    t.set("households", hh); t.set("lat", lat); t.set("lon", lon);
    return t;
  }

 private:
  static unit_kind kind_or_throw(const std::string& s, location where) {
    auto k = parse_unit_kind(s);
    if (!k) {
      where.column = "kind";
      throw input_error(where, "unknown unit kind '" + s +
                                   "' (expected city, ward, commune, neighbourhood, village, residential_group)");
    }
    return *k;
  }
  static std::string code_text(const nlohmann::json& v, location where) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    where.column = "code";
    throw input_error(where, "a code must be a string or an integer, got " + v.dump());
  }

  std::size_t pos(const std::string& code) const {
    auto it = index_.find(code);
    if (it == index_.end())
      throw input_error(location::in_file(source_).for_unit(code), "no unit with code '" + code + "'");
    return it->second;
  }

  bool in_subtree(const std::string& code, const std::string& root) const {
    if (code == root) return true;
    for (const auto& a : ancestors(code))
      if (a == root) return true;
    return false;
  }

  std::string describe(std::size_t i) const { return units_[i].code + " " + units_[i].name; }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  }

  std::vector<std::size_t> try_match(std::string_view name, const std::string& within) const {
    std::string code = text::to_nfc(name);
    auto b = code.find_first_not_of(' '), e = code.find_last_not_of(' ');
    code = b == std::string::npos ? std::string() : code.substr(b, e - b + 1);
    if (contains(code) && (within.empty() || in_subtree(code, within))) return {pos(code)};
    detail::parsed_name q = detail::parse_name(name);
    std::vector<std::size_t> out;
    if (q.rest.empty()) return out;
    for (std::size_t i = 0; i < units_.size(); ++i) {
      if (!within.empty() && !in_subtree(units_[i].code, within)) continue;
      if (q.kind && !detail::prefix_matches(*q.kind, units_[i].kind)) continue;
      if (keys_[i].rest == q.rest) out.push_back(i);
    }
    // Without a kind word, a query that equals a unit's whole name wins over kind-less matches.
    return out;
  }

  std::vector<std::string> closest(const std::string& name, const std::string& within, std::size_t k) const {
    std::string q = text::fold(name);
    std::vector<std::pair<std::size_t, std::size_t>> scored;
    for (std::size_t i = 0; i < units_.size(); ++i) {
      if (!within.empty() && !in_subtree(units_[i].code, within)) continue;
      std::size_t d = std::min(text::edit_distance(q, text::fold(units_[i].name)),
                               text::edit_distance(detail::parse_name(name).rest, keys_[i].rest));
      scored.emplace_back(d, i);
    }
    std::stable_sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (std::size_t j = 0; j < scored.size() && j < k; ++j) out.push_back(describe(scored[j].second));
    return out;
  }

  void build(const std::vector<std::size_t>& rows) {
    index_.clear();
    for (std::size_t i = 0; i < units_.size(); ++i) {
      const unit& u = units_[i];
      location where = location::in_file(source_).at_row(rows[i]).in_column("code").for_unit(u.code);
      if (u.code.empty()) throw validation_error(where, "empty unit code");
      if (u.name.empty()) { where.column = "name"; throw validation_error(where, "empty unit name"); }
      if (!index_.emplace(u.code, i).second)
        throw validation_error(where, "duplicate code " + u.code + " (first at row " +
                                          std::to_string(rows[index_.at(u.code)]) + ")");
      for (auto [field, v] : {std::pair{"area_km2", u.area_km2}, std::pair{"population", u.population},
                              std::pair{"households", u.households}}) {
        if (!is_missing(v) && (v < 0 || !std::isfinite(v))) {
          where.column = field;
          throw validation_error(where, std::string(field) + " must be a non-negative number, got " + format_number(v));
        }
      }
    }
    children_.assign(units_.size(), {});
    for (std::size_t i = 0; i < units_.size(); ++i) {
      const unit& u = units_[i];
      location where = location::in_file(source_).at_row(rows[i]).in_column("parent").for_unit(u.code);
      if (u.parent.empty()) {
        if (u.kind != unit_kind::city && u.kind != unit_kind::ward && u.kind != unit_kind::commune)
          throw validation_error(where, "a " + std::string(to_string(u.kind)) + " needs a parent");
        continue;
      }
      auto it = index_.find(u.parent);
      if (it == index_.end()) throw validation_error(where, "unknown parent '" + u.parent + "'");
      if (it->second == i) throw validation_error(where, "a unit cannot be its own parent (cycle)");
      children_[it->second].push_back(i);
    }
    // Cycles: walk up from every unit; a path longer than the unit count loops.
    for (std::size_t i = 0; i < units_.size(); ++i) {
      std::size_t steps = 0;
      std::size_t j = i;
      while (!units_[j].parent.empty()) {
        j = index_.at(units_[j].parent);
        if (++steps > units_.size() || j == i)
          throw validation_error(location::in_file(source_).at_row(rows[i]).in_column("parent").for_unit(units_[i].code),
                                 "the parent chain loops back (cycle)");
      }
    }
    // Kinds that fit their parents, checked after cycles so a loop is reported as a loop.
    for (std::size_t i = 0; i < units_.size(); ++i) {
      const unit& u = units_[i];
      if (u.parent.empty()) continue;
      const unit& p = units_[index_.at(u.parent)];
      if (!kind_fits_parent(u.kind, p.kind)) {
        throw validation_error(location::in_file(source_).at_row(rows[i]).in_column("kind").for_unit(u.code),
                               "a " + std::string(to_string(u.kind)) + " cannot sit under a " +
                                   to_string(p.kind) + " (" + p.code + " " + p.name + ")");
      }
    }
    keys_.clear();
    for (const auto& u : units_) keys_.push_back(detail::parse_name(u.name));
  }

  std::string source_;
  std::vector<unit> units_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<detail::parsed_name> keys_;
};

}  // namespace commdx
