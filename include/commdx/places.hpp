#pragma once
// P1, P2: the administrative tree (city -> ward/commune -> neighbourhood/village -> residential
// group), its validation and queries, and matching of hand-typed Vietnamese names to units.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/data.hpp"
#include "commdx/detail/classify_input.hpp"
#include "commdx/error.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx {

// Vietnam's tree from 1 July 2025: country -> province (tỉnh, or a centrally run thành phố) ->
// ward/commune/special zone -> khu phố / thôn / ấp -> tổ dân phố. The 2022 tree of the built-in
// city keeps its district-level city between province and wards. New kinds are appended, so
// existing values keep their numbers.
enum class unit_kind { city, ward, commune, neighbourhood, village, residential_group, country, province, special_zone };

/// English identifier used in files and DataFrames.
inline const char* to_string(unit_kind k) {
  switch (k) {
    case unit_kind::country: return "country";
    case unit_kind::province: return "province";
    case unit_kind::city: return "city";
    case unit_kind::ward: return "ward";
    case unit_kind::commune: return "commune";
    case unit_kind::special_zone: return "special_zone";
    case unit_kind::neighbourhood: return "neighbourhood";
    case unit_kind::village: return "village";
    case unit_kind::residential_group: return "residential_group";
  }
  return "?";
}

/// Vietnamese label ("phường", "xã", ...).
inline const char* label_vi(unit_kind k) {
  switch (k) {
    case unit_kind::country: return "quốc gia";
    case unit_kind::province: return "tỉnh";
    case unit_kind::city: return "thành phố";
    case unit_kind::ward: return "phường";
    case unit_kind::commune: return "xã";
    case unit_kind::special_zone: return "đặc khu";
    case unit_kind::neighbourhood: return "khu phố";
    case unit_kind::village: return "thôn";
    case unit_kind::residential_group: return "tổ dân cư";
  }
  return "?";
}

/// Parses a kind written in English or Vietnamese, any case or diacritics ("phuong", "Xã",
/// "khu_pho", "Tỉnh", "đặc khu", "ấp", "tổ dân phố").
inline std::optional<unit_kind> parse_unit_kind(std::string_view s) {
  std::string f = text::fold(s);
  std::replace(f.begin(), f.end(), ' ', '_');
  static const std::pair<const char*, unit_kind> names[] = {
      {"country", unit_kind::country}, {"quoc_gia", unit_kind::country}, {"nation", unit_kind::country},
      {"province", unit_kind::province}, {"tinh", unit_kind::province},
      {"thanh_pho_truc_thuoc_trung_uong", unit_kind::province}, {"tp_truc_thuoc_trung_uong", unit_kind::province},
      {"city", unit_kind::city}, {"thanh_pho", unit_kind::city}, {"tp", unit_kind::city},
      {"ward", unit_kind::ward}, {"phuong", unit_kind::ward},
      {"commune", unit_kind::commune}, {"xa", unit_kind::commune},
      {"special_zone", unit_kind::special_zone}, {"dac_khu", unit_kind::special_zone},
      {"neighbourhood", unit_kind::neighbourhood}, {"neighborhood", unit_kind::neighbourhood},
      {"khu_pho", unit_kind::neighbourhood}, {"khu", unit_kind::neighbourhood},
      {"village", unit_kind::village}, {"hamlet", unit_kind::village}, {"thon", unit_kind::village},
      {"ap", unit_kind::village}, {"ban", unit_kind::village}, {"buon", unit_kind::village},
      {"residential_group", unit_kind::residential_group}, {"to_dan_cu", unit_kind::residential_group},
      {"to_dan_pho", unit_kind::residential_group}, {"khu_dan_cu", unit_kind::residential_group},
      {"to", unit_kind::residential_group}, {"group", unit_kind::residential_group}};
  for (const auto& [name, kind] : names)
    if (f == name) return kind;
  return std::nullopt;
}

/// Depth in the tree counted from the unit above the wards: country -1, province or city 0,
/// ward/commune/special zone 1, neighbourhood/village 2, residential group 3. (The commune level
/// keeps 1 in every tree, so "level 1" means the same units in 2022's and 2025's trees.)
inline int kind_level(unit_kind k) {
  switch (k) {
    case unit_kind::country: return -1;
    case unit_kind::province:
    case unit_kind::city: return 0;
    case unit_kind::ward:
    case unit_kind::commune:
    case unit_kind::special_zone: return 1;
    case unit_kind::neighbourhood:
    case unit_kind::village: return 2;
    case unit_kind::residential_group: return 3;
  }
  return -2;
}

/// True for a ward, commune or special zone: the units a Community Digital Technology Team of
/// the commune level works in.
inline bool is_commune_level(unit_kind k) { return kind_level(k) == 1; }

/// P1: the kinds a unit of kind `child` may sit under (khu phố in wards, thôn/ấp in communes,
/// either in a special zone; tổ dân phố in a khu phố, a thôn, or straight in a ward or commune).
inline bool kind_fits_parent(unit_kind child, unit_kind parent) {
  switch (child) {
    case unit_kind::country: return false;
    case unit_kind::province: return parent == unit_kind::country;
    case unit_kind::city: return parent == unit_kind::province || parent == unit_kind::country;
    case unit_kind::ward:
    case unit_kind::commune:
    case unit_kind::special_zone: return parent == unit_kind::city || parent == unit_kind::province;
    case unit_kind::neighbourhood: return parent == unit_kind::ward || parent == unit_kind::special_zone;
    case unit_kind::village: return parent == unit_kind::commune || parent == unit_kind::special_zone;
    case unit_kind::residential_group:
      return parent == unit_kind::neighbourhood || parent == unit_kind::village || is_commune_level(parent);
  }
  return false;
}

/// What the tree's codes refer to: the year of the administrative list ("2022", "2025"), or empty
/// when the file does not say. Codes are reused across years (26506 was Phường 1 in 2022 and is
/// Phường Vũng Tàu since 2025), so a match across vintages is refused, never substituted.
using vintage_year = std::string;

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
    {"thanh pho", unit_kind::city}, {"tp", unit_kind::city}, {"tinh", unit_kind::province},
    {"dac khu", unit_kind::special_zone},
    {"to dan pho", unit_kind::residential_group}, {"to dan cu", unit_kind::residential_group},
    {"khu dan cu", unit_kind::residential_group}, {"tdp", unit_kind::residential_group},
    {"tdc", unit_kind::residential_group}, {"kdc", unit_kind::residential_group},
    {"to", unit_kind::residential_group},
    {"khu pho", unit_kind::neighbourhood}, {"kp", unit_kind::neighbourhood},
    {"phuong", unit_kind::ward}, {"p", unit_kind::ward},
    {"xa", unit_kind::commune}, {"x", unit_kind::commune},
    {"thon", unit_kind::village}, {"ap", unit_kind::village}};

// Which kinds a prefix may denote: "to" may be a group under a neighbourhood or a village, etc.
// "Thành phố Hồ Chí Minh" is a province-level unit: the city word also names a province.
inline bool prefix_matches(unit_kind prefix_kind, unit_kind k) {
  return prefix_kind == k || (prefix_kind == unit_kind::city && k == unit_kind::province);
}

// ---- the places reader's headers ---------------------------------------------------------------
// The fields of a places file and the folded header texts that mean each (English or Vietnamese,
// with or without diacritics, any case; "Mã đơn vị", "ma_cha", "Loại"). Area and population take
// the areas reader's aliases (detail/classify_input.hpp), so one header means one thing in every
// file.
enum class place_field { code, name, kind, parent, area_km2, population, households, lat, lon, vintage };

struct place_header_alias {
  const char* folded;
  place_field field;
  bool vietnamese;
};

inline const place_header_alias place_header_aliases[] = {
    {"code", place_field::code, false}, {"unit code", place_field::code, false},
    {"ma", place_field::code, true}, {"ma so", place_field::code, true}, {"ma don vi", place_field::code, true},
    {"ma dvhc", place_field::code, true},
    {"name", place_field::name, false}, {"unit name", place_field::name, false},
    {"ten", place_field::name, true}, {"ten don vi", place_field::name, true}, {"ten dvhc", place_field::name, true},
    {"kind", place_field::kind, false}, {"type", place_field::kind, false}, {"level name", place_field::kind, false},
    {"cap", place_field::kind, true}, {"loai", place_field::kind, true}, {"loai don vi", place_field::kind, true},
    {"cap hanh chinh", place_field::kind, true}, {"cap don vi", place_field::kind, true},
    {"parent", place_field::parent, false}, {"parent code", place_field::parent, false},
    {"ma cha", place_field::parent, true}, {"ma cap tren", place_field::parent, true},
    {"ma don vi cap tren", place_field::parent, true}, {"thuoc", place_field::parent, true},
    {"households", place_field::households, false}, {"number of households", place_field::households, false},
    {"so ho", place_field::households, true}, {"so ho gia dinh", place_field::households, true},
    {"ho", place_field::households, true}, {"tong so ho", place_field::households, true},
    {"lat", place_field::lat, false}, {"latitude", place_field::lat, false}, {"vi do", place_field::lat, true},
    {"lon", place_field::lon, false}, {"lng", place_field::lon, false}, {"longitude", place_field::lon, false},
    {"kinh do", place_field::lon, true},
    {"vintage", place_field::vintage, false}, {"year", place_field::vintage, false},
    {"nam", place_field::vintage, true}, {"nam danh muc", place_field::vintage, true},
};

inline const char* place_field_name(place_field f) {
  switch (f) {
    case place_field::code: return "code";
    case place_field::name: return "name";
    case place_field::kind: return "kind";
    case place_field::parent: return "parent";
    case place_field::area_km2: return "area_km2";
    case place_field::population: return "population";
    case place_field::households: return "households";
    case place_field::lat: return "lat";
    case place_field::lon: return "lon";
    case place_field::vintage: return "vintage";
  }
  return "";
}

inline std::optional<place_header_alias> recognise_place_header(std::string_view header) {
  const std::string key = text::fold(header);
  for (const auto& a : place_header_aliases)
    if (key == a.folded) return a;
  if (auto area = recognise_area_header(header)) {
    if (area->field == area_field::area_km2) return place_header_alias{"", place_field::area_km2, area->vietnamese};
    if (area->field == area_field::population) return place_header_alias{"", place_field::population, area->vietnamese};
  }
  return std::nullopt;
}

/// A column of counts (population, households) as typed: parse_number_column's rules for counts
/// (in a column where no cell shows the convention, "117.413" and "117,413" are both 117,413
/// people; a column that shows it, "1.234.567" or "16,86", is read by it: docs/classify.md). A
/// count that comes out fractional is refused.
inline numeric_column parse_count_column(const column& col, const std::string& source, const std::string& header,
                                         bool vietnamese_header) {
  auto parsed = parse_number_column(col, source, header, vietnamese_header, /*counts=*/true);
  for (std::size_t r = 0; r < parsed.values.size(); ++r) {
    double v = parsed.values[r];
    if (!is_missing(v) && std::isfinite(v) && v != std::floor(v))
      throw input_error(location::in_file(source).at_row(r + 1).in_column(header),
                        "a count must be a whole number, got " + format_number(v) + " (số đếm phải là số nguyên)");
  }
  return parsed.values;
}

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

  /// JSON: {"vintage": "2025", "units": [...]} or a bare array of units, each an object with the
  /// places reader's keys in English or Vietnamese ({"ma": "26506", "ten": ..., "cap": ...}); the
  /// objects become a table read by from_table, so JSON follows exactly the CSV rules. A JSON
  /// number is taken as it is (no format to decide).
  static places from_json(const nlohmann::json& j, const std::string& source = "<json>") try {
    const nlohmann::json* arr = &j;
    std::string vintage;
    if (j.is_object()) {
      arr = &io::require(j, "units", location::in_file(source));
      if (j.contains("vintage") && !j.at("vintage").is_null())
        vintage = code_text(j.at("vintage"), location::in_file(source).in_column("vintage"));
    }
    if (!arr->is_array()) throw input_error(location::in_file(source).in_column("units"), "expected an array of units");
    std::vector<std::string> keys;
    std::map<std::string, text_column> cells;
    const std::size_t n = arr->size();
    std::size_t i = 0;
    for (const auto& u : *arr) {
      location where = location::in_file(source).at_row(i + 1);
      if (!u.is_object()) throw input_error(where, "a unit must be an object, got " + u.dump());
      for (const auto& [key, value] : u.items()) {
        auto [it, fresh] = cells.emplace(key, text_column(n));
        if (fresh) keys.push_back(key);
        if (value.is_string()) it->second[i] = value.get<std::string>();
        else if (value.is_number()) it->second[i] = std::string(1, detail::spreadsheet_number_mark) + value.dump();
        else if (!value.is_null())
          throw input_error(location::in_file(source).at_row(i + 1).in_column(key), "expected text or a number, got " + value.dump());
      }
      ++i;
    }
    table t(source);
    for (const auto& k : keys) t.set(k, cells.at(k));
    places p = from_table(t);
    if (!vintage.empty()) {
      if (!p.vintage_.empty() && p.vintage_ != vintage)
        throw input_error(location::in_file(source).in_column("vintage"),
                          "the file says vintage " + vintage + " and its units say " + p.vintage_);
      p.vintage_ = vintage;
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }

  static places from_json_text(std::string_view text, const std::string& source = "<json>") {
    return from_json(io::parse_json(text, source), source);
  }

  /// The places reader. A table whose headers are English or Vietnamese, with or without
  /// diacritics, any case (code/ma, name/ten, kind/cap/loai, parent/ma_cha, area_km2/dien_tich_km2,
  /// population/dan_so, households/so_ho, lat/vi_do, lon/kinh_do, vintage/nam; other columns are
  /// ignored). Numbers as typed: text cells in Vietnamese ("16,86", "117.413", "1.234,5") or plain
  /// form, decided per column (parse_number_column; counts by parse_count_column). Names NFC or
  /// NFD (stored NFC). Kinds in English or Vietnamese ("tỉnh", "phường", "đặc khu", "ấp", "tổ dân
  /// phố"); an empty kind is taken from the name's kind word ("Khu phố 3"). Any depth from the
  /// country down to the residential group.
  static places from_table(const table& t) {
    using detail::place_field;
    const std::string& src = t.source();
    std::map<place_field, std::pair<std::string, bool>> columns;  // field -> (header, vietnamese)
    for (const auto& h : t.names()) {
      auto alias = detail::recognise_place_header(h);
      if (!alias) continue;
      auto [it, fresh] = columns.emplace(alias->field, std::make_pair(h, alias->vietnamese));
      if (!fresh)
        throw input_error(location::in_file(src).in_column(h), "this column and '" + it->second.first + "' both mean " +
                                                              detail::place_field_name(alias->field) + "; keep one");
    }
    for (auto [field, accepted] : {std::pair{place_field::code, "'code', 'ma', 'Mã đơn vị'"},
                                   std::pair{place_field::name, "'name', 'ten', 'Tên đơn vị'"}})
      if (!columns.count(field))
        throw input_error(location::in_file(src).in_column(detail::place_field_name(field)),
                          std::string("missing required column (thiếu cột); accepted headers: ") + accepted);
    const std::size_t n = t.rows();
    auto header = [&](place_field f) {
      return columns.count(f) ? columns.at(f).first : std::string(detail::place_field_name(f));
    };
    auto text_of = [&](place_field f) {
      std::vector<std::string> v(n);
      auto it = columns.find(f);
      if (it == columns.end()) return v;
      for (std::size_t r = 0; r < n; ++r) v[r] = trimmed_cell(t.cell_text(it->second.first, r));
      return v;
    };
    auto num_of = [&](place_field f, bool count) {
      auto it = columns.find(f);
      if (it == columns.end()) return numeric_column(n, missing);
      const column& col = t.at(it->second.first);
      if (count) return detail::parse_count_column(col, src, it->second.first, it->second.second);
      return detail::parse_number_column(col, src, it->second.first, it->second.second).values;
    };
    auto codes = text_of(place_field::code), names = text_of(place_field::name);
    auto kinds = text_of(place_field::kind), parents = text_of(place_field::parent);
    auto vintages = text_of(place_field::vintage);
    auto area = num_of(place_field::area_km2, false), pop = num_of(place_field::population, true);
    auto hh = num_of(place_field::households, true);
    auto lat = num_of(place_field::lat, false), lon = num_of(place_field::lon, false);
    std::vector<unit> units(n);
    std::vector<std::size_t> rows(n);
    std::string vintage;
    for (std::size_t r = 0; r < n; ++r) {
      location where = location::in_file(src).at_row(r + 1).in_column(header(place_field::kind)).for_unit(codes[r]);
      units[r].code = codes[r];
      units[r].name = text::to_nfc(names[r]);
      if (!kinds[r].empty()) {
        units[r].kind = kind_or_throw(kinds[r], where);
      } else if (auto from_name = detail::parse_name(units[r].name).kind) {
        units[r].kind = *from_name;
      } else {
        throw input_error(where, "no kind for '" + units[r].name +
                                     "': give a kind column ('kind', 'cap', 'loai': tỉnh, phường, xã, đặc khu, khu phố, "
                                     "thôn, ấp, tổ dân phố) or start the name with it");
      }
      units[r].parent = parents[r];
      units[r].area_km2 = area[r];
      units[r].population = pop[r];
      units[r].households = hh[r];
      units[r].lat = lat[r];
      units[r].lon = lon[r];
      rows[r] = r + 1;
      if (!vintages[r].empty()) {
        if (!vintage.empty() && vintages[r] != vintage)
          throw input_error(location::in_file(src).at_row(r + 1).in_column(header(place_field::vintage)).for_unit(codes[r]),
                            "one places file holds one year's list: '" + vintages[r] + "' here, '" + vintage +
                                "' above (codes are reused across years)");
        vintage = vintages[r];
      }
    }
    places p = from_units(std::move(units), src, std::move(rows));
    p.vintage_ = vintage;
    return p;
  }

  static places from_csv_text(std::string_view text, const std::string& source = "<csv>") {
    refuse_workbook(text, source);
    return from_table(text_table(text, source));
  }

  /// Reads .json or .csv (by extension; anything else as CSV). An Excel workbook (.xlsx, .xlsm,
  /// .xls, or a zip archive under any name) is refused with a message that says what to do: the
  /// C++ reader takes text; Python's commdx.Places.from_file reads workbooks (io/tables.py).
  static places from_file(const std::string& path) {
    if (has_workbook_extension(path))
      throw input_error(location::in_file(path),
                        "an Excel workbook: this reader takes CSV or JSON text; save the sheet as 'CSV UTF-8' or read "
                        "it with commdx.Places.from_file in Python, which reads XLSX (tệp Excel: hãy lưu thành CSV UTF-8)");
    std::string content = io::read_file(path);
    if (ends_with_folded(path, ".json")) return from_json_text(content, path);
    return from_csv_text(content, path);
  }

  /// The built-in city of 2022: Vũng Tàu's 17 units (16 wards, Long Sơn commune) under the city,
  /// with the official codes of the statistics office (shared/reference/vungtau-units.csv).
  static places vung_tau() {
    places p = from_csv_text(shipped_data("vungtau-units.csv"), "vungtau-units.csv");
    p.vintage_ = "2022";
    return p;
  }

  /// The built-in city since 1 July 2025: Vũng Tàu's five units under Ho Chi Minh City, with the
  /// areas (km²) and populations (31/12/2024) published with the reorganisation
  /// (data/vungtau-2025-units.csv; sources in data/README-places.md).
  static places vung_tau_2025() {
    places p = from_csv_text(shipped_data("vungtau-2025-units.csv"), "vungtau-2025-units.csv");
    p.vintage_ = "2025";
    return p;
  }

  /// Vietnam's 3,321 commune-level units from 1 July 2025 (687 wards, 2,621 communes, 13 special
  /// zones) under their 34 provinces, under the country (code "VN"); the statistics office's codes
  /// (data/vietnam-communes-2025.csv; provenance in data/README-places.md). A commune adds its own
  /// neighbourhoods and groups with with_units(file, commune code).
  static places vietnam() {
    const std::string src = "vietnam-communes-2025.csv";
    const table t = text_table(shipped_data(src), src);
    std::vector<unit> units;
    unit country;
    country.code = "VN";
    country.name = "Việt Nam";
    country.kind = unit_kind::country;
    units.push_back(country);
    std::set<std::string> provinces;
    std::vector<unit> communes;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const std::string pcode = t.cell_text("province_code", r);
      if (provinces.insert(pcode).second) {
        unit p;
        p.code = pcode;
        p.name = t.cell_text("province", r);
        p.kind = unit_kind::province;
        p.parent = "VN";
        units.push_back(p);
      }
      unit c;
      c.code = t.cell_text("code", r);
      c.name = t.cell_text("name", r);
      c.kind = kind_or_throw(t.cell_text("kind", r), location::in_file(src).at_row(r + 1).in_column("kind").for_unit(c.code));
      c.parent = pcode;
      communes.push_back(std::move(c));
    }
    units.insert(units.end(), communes.begin(), communes.end());
    places p = from_units(std::move(units), src);
    p.vintage_ = "2025";
    return p;
  }

  /// Which 2022 units of the built-in city make each 2025 unit (data/vungtau-2022-to-2025.csv).
  struct vintage_link {
    std::string code_2022, name_2022, code_2025, name_2025;
  };
  static std::vector<vintage_link> vung_tau_2022_to_2025() {
    const std::string src = "vungtau-2022-to-2025.csv";
    const table t = text_table(shipped_data(src), src);
    std::vector<vintage_link> out;
    for (std::size_t r = 0; r < t.rows(); ++r)
      out.push_back({t.cell_text("code_2022", r), t.cell_text("name_2022", r), t.cell_text("code_2025", r),
                     t.cell_text("name_2025", r)});
    return out;
  }

  /// This tree with the units of `more` added under the unit `under` (a commune adds its khu phố,
  /// thôn and tổ dân phố to vietnam()): a commune's file is a tree of its own, rooted at the
  /// commune (a row with the code `under`, which is not added again but fills that unit's area,
  /// population, households and position) or at units without a parent, which go under `under`. Any other code both trees hold is refused, and so is a
  /// unit of `more` of another year's list.
  places with_units(const places& more, const std::string& under) const {
    const std::size_t at_pos = pos(under);
    if (!vintage_.empty() && !more.vintage_.empty() && vintage_ != more.vintage_)
      throw validation_error(location::in_file(more.source_).in_column("vintage").for_unit(under),
                             "the file's units are of the " + more.vintage_ + " list and " + source_ + " is of " +
                                 vintage_ + "; codes are reused across years, so the trees are not merged");
    std::vector<unit> units = units_;
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < units_.size(); ++i) rows.push_back(i + 1);
    for (std::size_t i = 0; i < more.units_.size(); ++i) {
      unit u = more.units_[i];
      if (u.code == under) {
        unit& target = units[at_pos];
        if (!text::fold(u.name).empty() && text::fold(u.name) != text::fold(target.name))
          throw validation_error(location::in_file(more.source_).at_row(i + 1).in_column("name").for_unit(u.code),
                                 "code " + u.code + " is " + describe(at_pos) + " here but '" + u.name + "' in the file");
        for (auto [dst, v] : {std::pair{&target.area_km2, u.area_km2}, std::pair{&target.population, u.population},
                              std::pair{&target.households, u.households}, std::pair{&target.lat, u.lat},
                              std::pair{&target.lon, u.lon}})
          if (!is_missing(v)) *dst = v;
        continue;
      }
      if (contains(u.code))
        throw validation_error(location::in_file(more.source_).at_row(i + 1).in_column("code").for_unit(u.code),
                               "code " + u.code + " is already " + describe(u.code) + " in " + source_);
      if (u.parent.empty()) u.parent = under;
      units.push_back(std::move(u));
      rows.push_back(i + 1);
    }
    places p = from_units(std::move(units), more.source_, std::move(rows));
    p.source_ = source_ + " + " + more.source_;
    p.vintage_ = vintage_.empty() ? more.vintage_ : vintage_;
    return p;
  }

  /// The unit `code`, everything below it and the chain above it (a commune's own tree cut out of
  /// vietnam(): the commands then see one commune, not 3,321).
  places subtree(const std::string& code) const {
    std::set<std::string> keep;
    keep.insert(code);
    for (const auto& c : descendants(code)) keep.insert(c);
    for (const auto& c : ancestors(code)) keep.insert(c);
    std::vector<unit> units;
    for (const auto& u : units_)
      if (keep.count(u.code)) units.push_back(u);
    places p = from_units(std::move(units), source_);
    p.vintage_ = vintage_;
    return p;
  }

  /// The year of the administrative list the codes refer to ("2022", "2025"; empty: not said).
  const vintage_year& vintage() const noexcept { return vintage_; }
  /// A copy that says which year's list its codes are of.
  places with_vintage(vintage_year year) const {
    places p = *this;
    p.vintage_ = std::move(year);
    return p;
  }

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
  /// The ward, commune or special zone (đặc khu) a unit lies in (itself for one of them); none
  /// for the units above that level.
  std::optional<std::string> ward_of(const std::string& code) const {
    const unit* u = &at(code);
    while (!is_commune_level(u->kind)) {
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

  /// P2 for a row that gives a code, a name, or both (an areas or survey file): the code of the
  /// unit it means. A code must be a unit of this tree and a name given with it must name that
  /// unit. When it does not, and the code is a unit of another year's built-in list whose name it
  /// is, the error names both units and both years: codes are reused (26506 was Phường 1 in 2022,
  /// is Phường Vũng Tàu since 2025), and a unit of one year is never substituted for another's.
  std::string match_row(const std::string& code, const std::string& name, const location& where) const {
    if (code.empty()) {
      if (name.empty()) throw input_error(where, "no code and no name: which unit is this row?");
      try {
        return match(name);
      } catch (const name_match_error& e) {
        throw name_match_error(e.name(), e.candidates(), where.to_string() + ": " + e.what());
      }
    }
    std::optional<std::string> by_name;
    if (!name.empty()) {
      try {
        by_name = match(name);
      } catch (const name_match_error&) {
      }
    }
    if (contains(code) && (name.empty() || name_fits(code, name))) return code;
    location at = where;
    at.unit = code;
    std::string here = contains(code) ? "code " + code + " is " + describe(code) + " in " + label()
                                      : "code " + code + " is not a unit of " + label();
    for (const places& other : built_in_lists()) {
      if (other.vintage_ == vintage_ || !other.contains(code)) continue;
      const std::string there = other.describe(code) + " in " + other.label();
      if (name.empty() || other.name_fits(code, name))
        throw validation_error(at, here + ", but this row's unit is " + there +
                                       ": codes are reused across years and a unit of one year is not taken for "
                                       "another's; give the places list of " + other.vintage_ +
                                       " (mã được dùng lại giữa các năm)");
    }
    if (!contains(code)) throw validation_error(at, here);
    throw validation_error(at, here + " but the name '" + name + "' is " +
                                   (by_name ? describe(*by_name) : std::string("no unit of it")));
  }

  /// Refuses a use of this tree for codes of another year's list (both years named).
  void require_vintage(const vintage_year& year, const std::string& what) const {
    if (!year.empty() && !vintage_.empty() && year != vintage_)
      throw validation_error(location::in_file(what).in_column("vintage"),
                             what + " refers to the " + year + " list of units but the places are " + label() +
                                 " (codes are reused across years; give the places list of " + year + ")");
  }

  /// "vungtau-units.csv (2022)": the source and the year of its list.
  std::string label() const { return vintage_.empty() ? source_ : source_ + " (" + vintage_ + ")"; }

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
    nlohmann::json out{{"units", std::move(arr)}};
    if (!vintage_.empty()) out["vintage"] = vintage_;
    return out;
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
  /// CSV with every column as text: codes keep their leading zeros ("00070") and numbers are read
  /// by the places reader's rules, not the CSV reader's.
  static table text_table(std::string_view text, const std::string& source) {
    auto rec = io::parse_csv(text, source);
    std::set<std::string> all(rec.header.begin(), rec.header.end());
    return io::to_table(rec, all);
  }
  /// The shipped lists of every year, parsed once (used only to explain a code of another year).
  static const std::vector<places>& built_in_lists() {
    static const std::vector<places> lists{vung_tau(), vung_tau_2025(), vietnam()};
    return lists;
  }
  static unit_kind kind_or_throw(const std::string& s, location where) {
    auto k = parse_unit_kind(s);
    if (!k) {
      if (where.column.empty()) where.column = "kind";
      throw input_error(where, "unknown unit kind '" + s +
                                   "' (expected country, province, city, ward, commune, special_zone, neighbourhood, "
                                   "village, residential_group; or tỉnh, thành phố, phường, xã, đặc khu, khu phố, thôn, "
                                   "ấp, tổ dân phố)");
    }
    return *k;
  }
  /// A cell as text: NFC, trimmed, without the mark of a spreadsheet number cell.
  static std::string trimmed_cell(std::string s) {
    if (!s.empty() && s.front() == detail::spreadsheet_number_mark) s.erase(0, 1);
    auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : text::to_nfc(s.substr(b, e - b + 1));
  }
  static bool ends_with_folded(const std::string& path, std::string_view ext) {
    if (path.size() < ext.size()) return false;
    for (std::size_t i = 0; i < ext.size(); ++i) {
      char c = path[path.size() - ext.size() + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != ext[i]) return false;
    }
    return true;
  }
  static bool has_workbook_extension(const std::string& path) {
    return ends_with_folded(path, ".xlsx") || ends_with_folded(path, ".xlsm") || ends_with_folded(path, ".xls");
  }
  /// A zip archive (an .xlsx under another name) is not CSV: refused before the CSV reader
  /// reports "invalid UTF-8" somewhere inside it.
  static void refuse_workbook(std::string_view text, const std::string& source) {
    if (text.size() >= 4 && text.substr(0, 4) == std::string_view("PK\x03\x04", 4))
      throw input_error(location::in_file(source),
                        "a zip archive (an Excel workbook?), not CSV text: save the sheet as 'CSV UTF-8' or read it "
                        "with commdx.Places.from_file in Python (tệp Excel: hãy lưu thành CSV UTF-8)");
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

  /// True when `name` may mean the unit `code` (it is among the units the name matches: "Xã Long
  /// Sơn" fits 26545 although other provinces have a Long Sơn too).
  bool name_fits(const std::string& code, const std::string& name) const {
    const std::size_t target = pos(code);
    for (std::size_t i : try_match(name, "")) if (i == target) return true;
    return false;
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
        // A tree may start at any level down to the commune (a commune's own file starts there).
        if (kind_level(u.kind) > 1)
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
  vintage_year vintage_;
  std::vector<unit> units_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<detail::parsed_name> keys_;
};

}  // namespace commdx
