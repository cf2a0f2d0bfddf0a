#pragma once
// C1, C2, R1-R3, S5: central or remote. Each ward or commune is classified by rule from its
// population density (population / area km²) and its education level (share of adults with at
// least upper-secondary schooling, or mean years of schooling), optionally its readiness score;
// every class carries its reasons (in Vietnamese and English), a borderline flag, the probability
// that the area is central given the sampling error of its education estimate, and a data-driven
// second opinion (2-means on standardised log density and education). Inside remote areas,
// households are segmented into high and low access (R2/R3) and each residential group gets the
// central campaign catalogue or the basic one. Method: docs/classify.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "commdx/detail/distributions.hpp"
#include "commdx/data.hpp"
#include "commdx/detail/classify_input.hpp"
#include "commdx/detail/classify_text.hpp"
#include "commdx/error.hpp"
#include "commdx/io/json.hpp"
#include "commdx/places.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx {

// ---- configuration ---------------------------------------------------------------------------

/// R2/R3: how a household's access score is built and where groups switch catalogue (the values:
/// classify-config.json "access", read by classify_config::from_json).
struct access_config {
  std::map<std::string, double> weights;  ///< component -> weight (see docs/classify.md)
  double head_age_full{};  ///< head aged this or younger: age component 1
  double head_age_zero{};  ///< head aged this or older: age component 0
  double head_education_full{};  ///< head_education level that counts fully (upper secondary)
  std::vector<std::string> digital_use_columns;
  double min_weight_known{};  ///< below this share of the weights known, access is "unknown"
  double high_access_threshold{};
  double basic_catalogue_low_access_share{};  ///< a group at or above this low-access share gets the basic catalogue
};

/// Thresholds and options of the classify stage; every value comes from JSON (the shipped
/// python/commdx/data/classify-config.json is the default, classify_config::defaults(); a city's
/// file overrides any key). No value is written here a second time: build one with from_json.
struct classify_config {
  double urban_centre_density{};  ///< inhabitants/km² (UN Degree of Urbanisation)
  double urban_cluster_density{};
  /// What decides a ward whose density lies between the two: "remote" (default), "education"
  /// (central when its education meets the threshold) or "education_and_readiness".
  std::string intermediate_band{};
  std::string education_measure{};  ///< preferred when both are given
  double upper_secondary_share_threshold{};
  double mean_years_threshold{};
  double readiness_threshold{};
  double borderline_fraction{};
  int kmeans_max_iterations{};
  access_config access;
  std::vector<std::string> central_catalogue, basic_catalogue;
  nlohmann::json json;  ///< the merged configuration as used

  /// The shipped defaults.
  static const nlohmann::json& default_json() {
    static const nlohmann::json j = io::parse_json(shipped_data("classify-config.json"), "classify-config.json");
    return j;
  }
  static classify_config defaults() { return from_json(nlohmann::json::object(), "classify-config.json"); }

  /// The defaults overridden by `overrides` (any subset of the keys). Unknown keys, wrong types and
  /// impossible values raise config_error naming the key.
  static classify_config from_json(const nlohmann::json& overrides, const std::string& source = "<config>") {
    if (!overrides.is_object()) throw config_error(location::in_file(source), "the classify configuration must be a JSON object");
    nlohmann::json merged = default_json();
    check_known_keys(merged, overrides, "", source);
    merged.merge_patch(overrides);
    try {
      return from_merged(merged, source);
    } catch (const nlohmann::json::exception& e) {
      // A null that removed a setting, or a value of the wrong type (a number where text is due).
      throw config_error(location::in_file(source), std::string("a setting is missing or of the wrong type: ") + e.what());
    }
  }

 private:
  static classify_config from_merged(const nlohmann::json& merged, const std::string& source) {
    classify_config c;
    c.json = merged;
    auto num = [&](const nlohmann::json& obj, const char* key, const std::string& path) -> double {
      const auto& v = obj.at(key);
      if (!v.is_number()) throw config_error(location::in_file(source).in_column(path + key), "must be a number, got " + v.dump());
      return v.get<double>();
    };
    const auto& d = merged.at("density");
    c.urban_centre_density = num(d, "urban_centre", "density.");
    c.urban_cluster_density = num(d, "urban_cluster", "density.");
    c.intermediate_band = merged.at("intermediate_band").get<std::string>();
    const auto& e = merged.at("education");
    c.education_measure = e.at("measure").get<std::string>();
    c.upper_secondary_share_threshold = num(e, "upper_secondary_share", "education.");
    c.mean_years_threshold = num(e, "mean_years", "education.");
    c.readiness_threshold = num(merged.at("readiness"), "threshold", "readiness.");
    c.borderline_fraction = num(merged, "borderline_fraction", "");
    c.kmeans_max_iterations = static_cast<int>(num(merged.at("kmeans"), "max_iterations", "kmeans."));
    const auto& a = merged.at("access");
    for (const auto& [k, v] : a.at("weights").items()) {
      if (!v.is_number() || v.get<double>() < 0)
        throw config_error(location::in_file(source).in_column("access.weights." + k), "a weight must be a number >= 0, got " + v.dump());
      c.access.weights[k] = v.get<double>();
    }
    c.access.head_age_full = num(a, "head_age_full", "access.");
    c.access.head_age_zero = num(a, "head_age_zero", "access.");
    c.access.head_education_full = num(a, "head_education_full", "access.");
    c.access.digital_use_columns = a.at("digital_use_columns").get<std::vector<std::string>>();
    c.access.min_weight_known = num(a, "min_weight_known", "access.");
    c.access.high_access_threshold = num(a, "high_access_threshold", "access.");
    c.access.basic_catalogue_low_access_share = num(a, "basic_catalogue_low_access_share", "access.");
    c.central_catalogue = merged.at("catalogues").at("central").get<std::vector<std::string>>();
    c.basic_catalogue = merged.at("catalogues").at("basic").get<std::vector<std::string>>();
    c.validate(source);
    return c;
  }

  static void check_known_keys(const nlohmann::json& known, const nlohmann::json& given, const std::string& path,
                               const std::string& source) {
    for (const auto& [k, v] : given.items()) {
      std::string here = path.empty() ? k : path + "." + k;
      if (!known.contains(k))
        throw config_error(location::in_file(source).in_column(here), "unknown setting (see classify-config.json for the settings)");
      // Weights may name a subset of the components; other objects are checked key by key.
      if (v.is_object() && known.at(k).is_object() && here != "access.weights") check_known_keys(known.at(k), v, here, source);
      if (here == "access.weights")
        for (const auto& [w, _] : v.items())
          if (!known.at(k).contains(w))
            throw config_error(location::in_file(source).in_column(here + "." + w),
                               "unknown access component (known: smartphone_share, has_smartphone, home_internet, "
                               "head_age, head_education, bank_account, digital_use)");
    }
  }

  void validate(const std::string& source) const {
    auto fail = [&](const std::string& key, const std::string& what) { throw config_error(location::in_file(source).in_column(key), what); };
    if (!(urban_centre_density > 0) || !(urban_cluster_density > 0) || !(urban_cluster_density < urban_centre_density))
      fail("density", "need 0 < urban_cluster < urban_centre");
    if (intermediate_band != "remote" && intermediate_band != "education" && intermediate_band != "education_and_readiness")
      fail("intermediate_band", "must be 'remote', 'education' or 'education_and_readiness', got '" + intermediate_band + "'");
    if (education_measure != "upper_secondary_share" && education_measure != "mean_years")
      fail("education.measure", "must be 'upper_secondary_share' or 'mean_years', got '" + education_measure + "'");
    if (!(upper_secondary_share_threshold > 0 && upper_secondary_share_threshold < 1))
      fail("education.upper_secondary_share", "must be a share between 0 and 1");
    if (!(mean_years_threshold > 0)) fail("education.mean_years", "must be > 0");
    if (!(readiness_threshold > 0)) fail("readiness.threshold", "must be > 0");
    if (!(borderline_fraction >= 0 && borderline_fraction < 0.5)) fail("borderline_fraction", "must be in [0, 0.5)");
    if (kmeans_max_iterations < 1) fail("kmeans.max_iterations", "must be >= 1");
    double total = 0;
    for (const auto& [k, w] : access.weights) total += w;
    if (!(total > 0)) fail("access.weights", "at least one weight must be > 0");
    if (!(access.head_age_full < access.head_age_zero)) fail("access.head_age_full", "must be below head_age_zero");
    if (!(access.head_education_full > 0)) fail("access.head_education_full", "must be > 0");
    if (!(access.high_access_threshold > 0 && access.high_access_threshold < 1))
      fail("access.high_access_threshold", "must be between 0 and 1");
    if (!(access.basic_catalogue_low_access_share > 0 && access.basic_catalogue_low_access_share <= 1))
      fail("access.basic_catalogue_low_access_share", "must be in (0, 1]");
    if (!(access.min_weight_known > 0 && access.min_weight_known <= 1)) fail("access.min_weight_known", "must be in (0, 1]");
  }
};

// ---- input -----------------------------------------------------------------------------------

/// One ward or commune as read from an areas file.
struct area_input {
  std::string code;
  std::string name;
  double area_km2 = missing;
  double population = missing;
  double upper_secondary_share = missing;  ///< share of adults (15+) with upper secondary or more, [0,1]
  double mean_years = missing;             ///< mean years of schooling
  double education_se = missing;           ///< standard error of the education estimate (same measure)
  double readiness = missing;              ///< readiness score, [0,1]
  std::size_t row = 0;                     ///< 1-based data row in the source
};

/// The areas of a file, and the columns that were not recognised (reported, not used).
struct areas_read {
  std::vector<area_input> areas;
  std::vector<std::string> ignored_columns;
  /// Rows of a places file above or below the commune level (a province, a khu phố), by a kind
  /// column: not classified, not refused, listed ("79 Thành phố Hồ Chí Minh (province)").
  std::vector<std::string> other_level_rows;
  std::string source;
};

/// Reads the areas of a table whose cells are as typed (text columns are parsed with the number
/// rules of docs/classify.md; numeric columns are taken as they are). Headers may be English or
/// Vietnamese with or without diacritics; names are matched with `places->match` (P2) when given
/// (codes may then be missing), and the unit's official name is used. Errors name row and column.
inline areas_read read_areas(const table& t, const places* known_places = nullptr) {
  using detail::area_field;
  const std::string& src = t.source();
  areas_read out;
  out.source = src;
  std::map<area_field, std::pair<std::string, bool>> columns;  // field -> (header, vietnamese)
  std::string kind_header;  // a places file's kind column ("kind", "cap", "loai"), if any
  for (const auto& h : t.names()) {
    auto alias = detail::recognise_area_header(h);
    if (!alias) {
      auto place_alias = detail::recognise_place_header(h);
      if (place_alias && place_alias->field == detail::place_field::kind && kind_header.empty()) kind_header = h;
      else out.ignored_columns.push_back(h);
      continue;
    }
    auto [it, fresh] = columns.emplace(alias->field, std::make_pair(h, alias->vietnamese));
    if (!fresh)
      throw input_error(location::in_file(src).in_column(h), "this column and '" + it->second.first + "' both mean " +
                                                            detail::area_field_name(alias->field) + "; keep one");
  }
  auto require = [&](area_field f, const char* accepted) {
    if (!columns.count(f))
      throw input_error(location::in_file(src).in_column(detail::area_field_name(f)),
                        std::string("missing required column (thiếu cột); accepted headers: ") + accepted);
  };
  if (!columns.count(area_field::code) && !columns.count(area_field::name))
    throw input_error(location::in_file(src).in_column("code/name"),
                      "missing required column (thiếu cột): give the unit code ('Mã', 'code') or name ('Tên', 'name')");
  require(area_field::area_km2, "'Diện tích (km2)', 'dien_tich_km2', 'area_km2'");
  require(area_field::population, "'Dân số', 'dan_so', 'population'");

  const std::size_t n = t.rows();
  auto numbers = [&](area_field f) -> detail::parsed_number_column {
    auto it = columns.find(f);
    if (it == columns.end()) {
      detail::parsed_number_column none;
      none.values.assign(n, missing);
      return none;
    }
    return detail::parse_number_column(t.at(it->second.first), src, it->second.first, it->second.second);
  };
  auto texts = [&](area_field f) -> std::vector<std::string> {
    std::vector<std::string> v(n);
    auto it = columns.find(f);
    if (it == columns.end()) return v;
    for (std::size_t r = 0; r < n; ++r) {
      std::string s = text::to_nfc(t.cell_text(it->second.first, r));
      if (!s.empty() && s.front() == detail::spreadsheet_number_mark) s.erase(0, 1);
      auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
      v[r] = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    }
    return v;
  };
  auto header = [&](area_field f) { return columns.count(f) ? columns.at(f).first : std::string(detail::area_field_name(f)); };
  auto codes = texts(area_field::code), names = texts(area_field::name);
  auto area = numbers(area_field::area_km2).values, pop = numbers(area_field::population).values;
  auto share = numbers(area_field::upper_secondary_share);
  auto years = numbers(area_field::mean_years).values;
  auto se = numbers(area_field::education_se);
  auto ready = numbers(area_field::readiness);
  // Shares typed as percentages without '%' ("52,3") are recognised by a value above 1 in the
  // column; the SE column follows the education column unless it carries its own '%'.
  auto as_share = [&](detail::parsed_number_column& c, area_field f, bool force_percent) {
    if (!columns.count(f)) return false;
    double mx = 0;
    for (double v : c.values)
      if (!is_missing(v)) mx = std::max(mx, std::fabs(v));
    bool percent = !c.any_percent && (force_percent || mx > 1);
    if (percent)
      for (double& v : c.values) v /= 100.0;
    for (std::size_t r = 0; r < n; ++r)
      if (!is_missing(c.values[r]) && (c.values[r] < 0 || c.values[r] > 1))
        throw input_error(location::in_file(src).at_row(r + 1).in_column(header(f)),
                          "a share must be between 0 and 1 (or 0% and 100%), got " + t.cell_text(header(f), r));
    return percent;
  };
  bool share_in_percent = as_share(share, area_field::upper_secondary_share, false);
  if (columns.count(area_field::education_se) && !se.any_percent && columns.count(area_field::upper_secondary_share) &&
      share_in_percent)
    for (double& v : se.values) v /= 100.0;
  as_share(ready, area_field::readiness, false);

  std::unordered_map<std::string, std::size_t> first_row;
  for (std::size_t r = 0; r < n; ++r) {
    area_input a;
    a.row = r + 1;
    std::string code = codes[r];
    if (!kind_header.empty()) {
      const std::string kind_text = text::to_nfc(t.cell_text(kind_header, r));
      auto kind = parse_unit_kind(kind_text);
      if (!kind_text.empty() && !kind)
        throw input_error(location::in_file(src).at_row(r + 1).in_column(kind_header).for_unit(code),
                          "unknown unit kind '" + kind_text + "' (phường, xã, đặc khu, tỉnh, khu phố, thôn, ...)");
      if (kind && !is_commune_level(*kind)) {
        out.other_level_rows.push_back((code.empty() ? names[r] : code + " " + names[r]) + " (" + to_string(*kind) + ")");
        continue;
      }
    }
    if (known_places) {
      // P2: one matcher for every reader (places::match_row), which never takes a unit of another
      // year's list for the one a reused code names.
      code = known_places->match_row(
          code, names[r], location::in_file(src).at_row(r + 1).in_column(header(codes[r].empty() ? area_field::name : area_field::code)));
      a.name = known_places->at(code).name;
    } else {
      if (code.empty()) code = names[r];
      if (code.empty())
        throw input_error(location::in_file(src).at_row(r + 1).in_column(header(area_field::code)), "no code and no name: which unit is this row?");
      a.name = names[r].empty() ? code : names[r];
    }
    a.code = code;
    auto [it, fresh] = first_row.emplace(code, r + 1);
    if (!fresh)
      throw validation_error(location::in_file(src).at_row(r + 1).in_column(header(columns.count(area_field::code) ? area_field::code : area_field::name)).for_unit(code),
                             "duplicate unit " + code + " (" + a.name + "), first at row " + std::to_string(it->second) +
                                 " (đơn vị bị trùng)");
    location where = location::in_file(src).at_row(r + 1).in_column(header(area_field::area_km2)).for_unit(code);
    a.area_km2 = area[r];
    if (is_missing(a.area_km2)) throw input_error(where, "the area is empty (thiếu diện tích)");
    if (!(a.area_km2 > 0) || !std::isfinite(a.area_km2))
      throw validation_error(where, "the area must be greater than 0 km², got " + format_number(a.area_km2) +
                                        " (diện tích phải lớn hơn 0)");
    where.column = header(area_field::population);
    a.population = pop[r];
    if (is_missing(a.population)) throw input_error(where, "the population is empty (thiếu dân số)");
    if (a.population < 0 || !std::isfinite(a.population))
      throw validation_error(where, "the population must be >= 0, got " + format_number(a.population));
    a.upper_secondary_share = share.values[r];
    a.mean_years = years[r];
    if (!is_missing(a.mean_years) && (a.mean_years < 0 || a.mean_years > 25))
      throw input_error(location::in_file(src).at_row(r + 1).in_column(header(area_field::mean_years)).for_unit(code),
                        "mean years of schooling must be between 0 and 25, got " + format_number(a.mean_years));
    a.education_se = se.values[r];
    if (!is_missing(a.education_se) && a.education_se < 0)
      throw input_error(location::in_file(src).at_row(r + 1).in_column(header(area_field::education_se)).for_unit(code), "a standard error cannot be negative");
    a.readiness = ready.values[r];
    out.areas.push_back(std::move(a));
  }
  return out;
}

// ---- result ----------------------------------------------------------------------------------

enum class area_class { central, remote };
inline const char* to_string(area_class c) { return c == area_class::central ? "central" : "remote"; }
inline const char* label(area_class c, const std::string& lang) {
  if (lang == "en") return c == area_class::central ? "central" : "remote";
  return c == area_class::central ? "trung tâm" : "xa";
}

/// One classified area.
struct area_result {
  area_input input;
  double density = missing;           ///< inhabitants per km²
  std::string density_band;           ///< urban_centre, urban_cluster or rural (by the thresholds)
  std::string education_measure;      ///< upper_secondary_share, mean_years, or "" when none
  double education = missing;         ///< the value the rule used
  double education_threshold = missing;
  area_class cls = area_class::remote;
  std::vector<std::string> decided_by;    ///< criteria that decided: density, education, readiness
  bool borderline = false;
  std::vector<std::string> borderline_on;  ///< thresholds whose ±fraction move flips the class
  double p_central = missing;              ///< P(central) from the education estimate's sampling error
  std::optional<area_class> kmeans;        ///< the data-driven second opinion
  std::string reasons_vi, reasons_en;
};

/// Rule class × k-means class counts.
struct agreement_table {
  std::size_t central_central = 0, central_remote = 0, remote_central = 0, remote_remote = 0;  ///< rule_kmeans
  std::size_t total() const { return central_central + central_remote + remote_central + remote_remote; }
  std::size_t agreeing() const { return central_central + remote_remote; }
};

struct classification {
  std::vector<area_result> areas;
  agreement_table agreement;
  std::vector<std::string> ignored_columns;
  std::vector<std::string> other_level_rows;  ///< see areas_read::other_level_rows
  classify_config config;

  /// One row per area. Columns: code, name, area_km2, population, density, density_band,
  /// education_measure, education, education_threshold, education_se, readiness, class,
  /// class_label, borderline (0/1), borderline_on, p_central, kmeans_class, kmeans_agrees (0/1,
  /// NaN without a second opinion), classified_on, decided_by, reasons (in `lang`), reasons_vi,
  /// reasons_en.
  table to_table(const std::string& lang = "vi") const {
    table t("classification");
    text_column code, name, band, measure, cls, lbl, on, km, basis, decided, reasons, rvi, ren;
    numeric_column area, pop, dens, edu, edu_t, se, ready, border, p, agrees;
    for (const auto& a : areas) {
      code.push_back(a.input.code);
      name.push_back(a.input.name);
      area.push_back(a.input.area_km2);
      pop.push_back(a.input.population);
      dens.push_back(a.density);
      band.push_back(a.density_band);
      measure.push_back(a.education_measure);
      edu.push_back(a.education);
      edu_t.push_back(a.education_threshold);
      se.push_back(a.education_measure.empty() ? missing : a.input.education_se);
      ready.push_back(a.input.readiness);
      cls.push_back(to_string(a.cls));
      lbl.push_back(label(a.cls, lang));
      border.push_back(a.borderline ? 1.0 : 0.0);
      on.push_back(join(a.borderline_on, " "));
      p.push_back(a.p_central);
      km.push_back(a.kmeans ? to_string(*a.kmeans) : "");
      agrees.push_back(a.kmeans ? (*a.kmeans == a.cls ? 1.0 : 0.0) : missing);
      basis.push_back(a.education_measure.empty() ? "density" : "density education");
      decided.push_back(join(a.decided_by, " "));
      reasons.push_back(lang == "en" ? a.reasons_en : a.reasons_vi);
      rvi.push_back(a.reasons_vi);
      ren.push_back(a.reasons_en);
    }
    t.set("code", code); t.set("name", name); t.set("area_km2", area); t.set("population", pop);
    t.set("density", dens); t.set("density_band", band); t.set("education_measure", measure);
    t.set("education", edu); t.set("education_threshold", edu_t); t.set("education_se", se);
    t.set("readiness", ready); t.set("class", cls); t.set("class_label", lbl); t.set("borderline", border);
    t.set("borderline_on", on); t.set("p_central", p); t.set("kmeans_class", km); t.set("kmeans_agrees", agrees);
    t.set("classified_on", basis); t.set("decided_by", decided); t.set("reasons", reasons);
    t.set("reasons_vi", rvi); t.set("reasons_en", ren);
    return t;
  }

  nlohmann::json to_json(const std::string& lang = "vi") const {
    nlohmann::json arr = nlohmann::json::array();
    auto num = [](double v) { return is_missing(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
    for (const auto& a : areas) {
      arr.push_back({{"code", a.input.code}, {"name", a.input.name}, {"area_km2", a.input.area_km2},
                     {"population", a.input.population}, {"density", num(a.density)}, {"density_band", a.density_band},
                     {"education_measure", a.education_measure.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.education_measure)},
                     {"education", num(a.education)}, {"education_threshold", num(a.education_threshold)},
                     {"education_se", a.education_measure.empty() ? nlohmann::json(nullptr) : num(a.input.education_se)},
                     {"readiness", num(a.input.readiness)}, {"class", to_string(a.cls)}, {"class_label", label(a.cls, lang)},
                     {"borderline", a.borderline}, {"borderline_on", a.borderline_on}, {"p_central", num(a.p_central)},
                     {"kmeans_class", a.kmeans ? nlohmann::json(to_string(*a.kmeans)) : nlohmann::json(nullptr)},
                     {"decided_by", a.decided_by}, {"reasons", lang == "en" ? a.reasons_en : a.reasons_vi},
                     {"reasons_vi", a.reasons_vi}, {"reasons_en", a.reasons_en}});
    }
    return {{"areas", arr},
            {"agreement", {{"rule_central_kmeans_central", agreement.central_central},
                           {"rule_central_kmeans_remote", agreement.central_remote},
                           {"rule_remote_kmeans_central", agreement.remote_central},
                           {"rule_remote_kmeans_remote", agreement.remote_remote}}},
            {"ignored_columns", ignored_columns},
            {"other_level_rows", other_level_rows},
            {"config", config.json}};
  }

 private:
  static std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
    return s;
  }
};

namespace detail {

struct rule_thresholds {
  double centre, cluster, share, years, readiness;
};

/// The education value an area's rule uses and its threshold: the configured measure when the
/// area has it, else the other one; none when neither is known.
inline std::pair<std::string, double> chosen_education(const area_input& a, const classify_config& c) {
  bool share = !is_missing(a.upper_secondary_share), years = !is_missing(a.mean_years);
  if (share && (c.education_measure == "upper_secondary_share" || !years)) return {"upper_secondary_share", a.upper_secondary_share};
  if (years) return {"mean_years", a.mean_years};
  return {"", missing};
}

/// The rule (docs/classify.md): central needs urban-centre density and, where known, education
/// (and readiness) at or above their thresholds; below urban-centre density the area is remote
/// unless `intermediate_band` lets education (and readiness) decide between the two densities.
inline area_class apply_rule(double density, const std::string& measure, double education, double readiness,
                             const rule_thresholds& th, const std::string& intermediate_band) {
  bool edu_known = !measure.empty();
  double edu_t = measure == "mean_years" ? th.years : th.share;
  bool edu_ok = !edu_known || education >= edu_t;
  bool ready_known = !is_missing(readiness);
  bool ready_ok = !ready_known || readiness >= th.readiness;
  if (density >= th.centre) return edu_ok && ready_ok ? area_class::central : area_class::remote;
  if (density >= th.cluster) {
    if (intermediate_band == "education" && edu_known && edu_ok && ready_ok) return area_class::central;
    if (intermediate_band == "education_and_readiness" && edu_known && edu_ok && ready_known && ready_ok)
      return area_class::central;
  }
  return area_class::remote;
}

/// Deterministic 2-means (Lloyd) on standardised log density and education relative to its
/// threshold. Initial centres: the least and the most dense area. The cluster with the higher
/// mean log density is "central". Areas without education are placed by density alone (nearest
/// centre on the density axis). Fewer than two areas or no spread: no second opinion.
inline void kmeans_second_opinion(std::vector<area_result>& areas, int max_iterations) {
  std::vector<std::size_t> full;
  for (std::size_t i = 0; i < areas.size(); ++i)
    if (!is_missing(areas[i].education) && areas[i].density > 0) full.push_back(i);
  bool use_education = full.size() >= 2;
  std::vector<std::size_t> idx;
  if (use_education) idx = full;
  else
    for (std::size_t i = 0; i < areas.size(); ++i)
      if (areas[i].density > 0) idx.push_back(i);
  if (idx.size() < 2) return;
  const auto m = static_cast<Eigen::Index>(idx.size());
  const Eigen::Index dims = use_education ? 2 : 1;
  Eigen::MatrixXd x(m, dims);
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto& a = areas[idx[static_cast<std::size_t>(r)]];
    x(r, 0) = std::log(a.density);
    if (use_education) x(r, 1) = a.education / a.education_threshold;
  }
  Eigen::RowVectorXd mean = x.colwise().mean();
  Eigen::RowVectorXd sd = ((x.rowwise() - mean).array().square().colwise().sum() / static_cast<double>(m)).sqrt();
  if (!(sd(0) > 0)) return;  // all densities equal: nothing to separate
  for (Eigen::Index c = 0; c < dims; ++c) {
    if (sd(c) > 0) x.col(c) = (x.col(c).array() - mean(c)) / sd(c);
    else x.col(c).setZero();
  }
  Eigen::Index lo = 0, hi = 0;
  for (Eigen::Index r = 1; r < m; ++r) {
    if (x(r, 0) < x(lo, 0)) lo = r;
    if (x(r, 0) > x(hi, 0)) hi = r;
  }
  Eigen::MatrixXd centres(2, dims);
  centres.row(0) = x.row(lo);
  centres.row(1) = x.row(hi);
  std::vector<int> assign(idx.size(), -1);
  for (int it = 0; it < max_iterations; ++it) {
    bool changed = false;
    for (Eigen::Index r = 0; r < m; ++r) {
      double d0 = (x.row(r) - centres.row(0)).squaredNorm(), d1 = (x.row(r) - centres.row(1)).squaredNorm();
      int k = d1 < d0 ? 1 : 0;
      if (assign[static_cast<std::size_t>(r)] != k) { assign[static_cast<std::size_t>(r)] = k; changed = true; }
    }
    if (!changed) break;
    for (int k = 0; k < 2; ++k) {
      Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(dims);
      double count = 0;
      for (Eigen::Index r = 0; r < m; ++r)
        if (assign[static_cast<std::size_t>(r)] == k) { sum += x.row(r); count += 1; }
      if (count > 0) centres.row(k) = sum / count;
    }
  }
  int central_cluster = centres(1, 0) >= centres(0, 0) ? 1 : 0;
  for (Eigen::Index r = 0; r < m; ++r)
    areas[idx[static_cast<std::size_t>(r)]].kmeans =
        assign[static_cast<std::size_t>(r)] == central_cluster ? area_class::central : area_class::remote;
  if (use_education) {
    for (auto& a : areas) {
      if (a.kmeans || !(a.density > 0)) continue;
      double z = (std::log(a.density) - mean(0)) / sd(0);
      int k = std::fabs(z - centres(1, 0)) < std::fabs(z - centres(0, 0)) ? 1 : 0;
      a.kmeans = k == central_cluster ? area_class::central : area_class::remote;
    }
  }
}

inline std::string threshold_label(const std::string& name, bool vi) {
  if (name == "urban_centre") return vi ? "ngưỡng mật độ trung tâm đô thị" : "the urban-centre density threshold";
  if (name == "urban_cluster") return vi ? "ngưỡng mật độ cụm đô thị" : "the urban-cluster density threshold";
  if (name == "education") return vi ? "ngưỡng học vấn" : "the education threshold";
  return vi ? "ngưỡng sẵn sàng" : "the readiness threshold";
}

/// The reasons of one area, in Vietnamese and English.
inline void write_reasons(area_result& a, const classify_config& c) {
  using detail::format_localised;
  using detail::format_percent;
  for (bool vi : {true, false}) {
    std::vector<std::string> parts;
    const double d = a.density;
    const std::string dens = format_localised(d, 0, vi);
    const std::string centre = format_localised(c.urban_centre_density, 0, vi);
    const std::string cluster = format_localised(c.urban_cluster_density, 0, vi);
    if (d >= c.urban_centre_density) {
      double pct = 100.0 * (d / c.urban_centre_density - 1);
      parts.push_back(vi ? "Mật độ " + dens + " người/km² ≥ ngưỡng trung tâm đô thị " + centre + " (cao hơn " +
                               format_localised(pct, 0, vi) + " %)"
                         : "Density " + dens + " inhabitants/km² ≥ the urban-centre threshold " + centre + " (" +
                               format_localised(pct, 0, vi) + "% above)");
    } else {
      double pct = 100.0 * (1 - d / c.urban_centre_density);
      std::string band;
      if (d >= c.urban_cluster_density)
        band = vi ? "; mức cụm đô thị/bán đô thị (≥ " + cluster + ")" : "; urban-cluster (semi-dense) level (≥ " + cluster + ")";
      else
        band = vi ? "; dưới cả ngưỡng cụm đô thị " + cluster + ": mức nông thôn"
                  : "; below the urban-cluster threshold " + cluster + " as well: rural level";
      parts.push_back(vi ? "Mật độ " + dens + " người/km² < ngưỡng trung tâm đô thị " + centre + " (thấp hơn " +
                               format_localised(pct, 0, vi) + " %)" + band
                         : "Density " + dens + " inhabitants/km² < the urban-centre threshold " + centre + " (" +
                               format_localised(pct, 0, vi) + "% below)" + band);
    }
    if (a.education_measure.empty()) {
      parts.push_back(vi ? "Không có số liệu học vấn: chỉ xếp loại theo mật độ"
                         : "No education data: classified on density alone");
    } else if (a.education_measure == "upper_secondary_share") {
      bool ok = a.education >= a.education_threshold;
      double pts = 100.0 * std::fabs(a.education - a.education_threshold);
      parts.push_back(vi ? "Tỷ lệ người lớn có học vấn THPT trở lên " + format_percent(a.education, vi) + (ok ? " ≥ " : " < ") +
                               "ngưỡng " + format_percent(a.education_threshold, vi) + " (" + (ok ? "cao hơn " : "thấp hơn ") +
                               format_localised(pts, 1, vi) + " điểm %)"
                         : "Adults with upper secondary or more " + format_percent(a.education, vi) + (ok ? " ≥ " : " < ") +
                               "the threshold " + format_percent(a.education_threshold, vi) + " (" + format_localised(pts, 1, vi) +
                               " points " + (ok ? "above" : "below") + ")");
    } else {
      bool ok = a.education >= a.education_threshold;
      double diff = std::fabs(a.education - a.education_threshold);
      parts.push_back(vi ? "Số năm đi học bình quân " + format_localised(a.education, 1, vi) + (ok ? " ≥ " : " < ") + "ngưỡng " +
                               format_localised(a.education_threshold, 2, vi) + " (" + (ok ? "cao hơn " : "thấp hơn ") +
                               format_localised(diff, 1, vi) + " năm)"
                         : "Mean years of schooling " + format_localised(a.education, 1, vi) + (ok ? " ≥ " : " < ") +
                               "the threshold " + format_localised(a.education_threshold, 2, vi) + " (" +
                               format_localised(diff, 1, vi) + " years " + (ok ? "above" : "below") + ")");
    }
    if (!is_missing(a.input.readiness)) {
      bool ok = a.input.readiness >= c.readiness_threshold;
      parts.push_back(vi ? "Chỉ số sẵn sàng " + format_localised(a.input.readiness, 2, vi) + (ok ? " ≥ " : " < ") + "ngưỡng " +
                               format_localised(c.readiness_threshold, 2, vi)
                         : "Readiness " + format_localised(a.input.readiness, 2, vi) + (ok ? " ≥ " : " < ") + "the threshold " +
                               format_localised(c.readiness_threshold, 2, vi));
    }
    std::string decided;
    for (const auto& k : a.decided_by) {
      std::string w = k == "density" ? (vi ? "mật độ" : "density") : k == "education" ? (vi ? "học vấn" : "education")
                                                                                     : (vi ? "sẵn sàng" : "readiness");
      decided += (decided.empty() ? "" : ", ") + w;
    }
    parts.push_back(vi ? std::string("Kết luận: ") + label(a.cls, "vi") + " (quyết định bởi: " + decided + ")"
                       : std::string("Class: ") + label(a.cls, "en") + " (decided by: " + decided + ")");
    if (a.borderline) {
      std::string which;
      for (const auto& t : a.borderline_on) which += (which.empty() ? "" : vi ? " hoặc " : " or ") + threshold_label(t, vi);
      std::string pct = format_localised(100.0 * c.borderline_fraction, 0, vi) + detail::percent_sign(vi);
      parts.push_back(vi ? "Sát ngưỡng: đổi loại khi " + which + " thay đổi ±" + pct
                         : "Borderline: the class flips when " + which + " moves by ±" + pct);
    }
    if (!is_missing(a.p_central))
      parts.push_back(vi ? "Xác suất là trung tâm (theo sai số mẫu của học vấn): " + format_localised(100.0 * a.p_central, 0, vi) + " %"
                         : "Probability of being central (sampling error of education): " +
                               format_localised(100.0 * a.p_central, 0, vi) + "%");
    std::string text;
    for (const auto& p : parts) text += (text.empty() ? "" : ". ") + p;
    text += ".";
    (vi ? a.reasons_vi : a.reasons_en) = text;
  }
}

}  // namespace detail

/// C1, C2: classifies areas by rule, with reasons, borderline flags, P(central) and the 2-means
/// second opinion with its agreement table.
inline classification classify_areas(const std::vector<area_input>& areas, const classify_config& c = classify_config::defaults()) {
  classification out;
  out.config = c;
  const detail::rule_thresholds base{c.urban_centre_density, c.urban_cluster_density, c.upper_secondary_share_threshold,
                                     c.mean_years_threshold, c.readiness_threshold};
  for (const auto& in : areas) {
    area_result a;
    a.input = in;
    if (!(in.area_km2 > 0))
      throw validation_error(location::in_file("areas").at_row(in.row).in_column("area_km2").for_unit(in.code), "the area must be greater than 0 km²");
    a.density = in.population / in.area_km2;
    a.density_band = a.density >= c.urban_centre_density ? "urban_centre" : a.density >= c.urban_cluster_density ? "urban_cluster" : "rural";
    // not a structured binding: the lambdas below capture these, which C++17 allows only for
    // variables (clang refuses captured bindings; the fuzz harnesses are built with clang)
    const std::pair<std::string, double> chosen = detail::chosen_education(in, c);
    const std::string& measure = chosen.first;
    const double value = chosen.second;
    a.education_measure = measure;
    a.education = value;
    if (!measure.empty()) a.education_threshold = measure == "mean_years" ? c.mean_years_threshold : c.upper_secondary_share_threshold;
    a.cls = detail::apply_rule(a.density, measure, value, in.readiness, base, c.intermediate_band);

    // Which criteria decided: for central, every criterion that was checked and passed; for
    // remote, every criterion that failed (density counts when it is below the urban centre).
    bool dense = a.density >= c.urban_centre_density;
    bool edu_ok = measure.empty() || value >= a.education_threshold;
    bool ready_ok = is_missing(in.readiness) || in.readiness >= c.readiness_threshold;
    if (a.cls == area_class::central) {
      if (dense) a.decided_by.push_back("density");
      if (!measure.empty()) a.decided_by.push_back("education");
      if (!is_missing(in.readiness)) a.decided_by.push_back("readiness");
    } else {
      if (!dense) a.decided_by.push_back("density");
      if (!edu_ok) a.decided_by.push_back("education");
      if (!ready_ok) a.decided_by.push_back("readiness");
      if (a.decided_by.empty()) a.decided_by.push_back("density");
    }

    // Borderline: re-apply the rule with each threshold moved by ±fraction.
    const double f = c.borderline_fraction;
    auto flips = [&](auto change) {
      for (double factor : {1 - f, 1 + f}) {
        detail::rule_thresholds t = base;
        change(t, factor);
        if (detail::apply_rule(a.density, measure, value, in.readiness, t, c.intermediate_band) != a.cls) return true;
      }
      return false;
    };
    if (flips([](detail::rule_thresholds& t, double k) { t.centre *= k; })) a.borderline_on.push_back("urban_centre");
    if (flips([](detail::rule_thresholds& t, double k) { t.cluster *= k; })) a.borderline_on.push_back("urban_cluster");
    if (!measure.empty() && flips([&](detail::rule_thresholds& t, double k) {
          if (measure == "mean_years") t.years *= k; else t.share *= k;
        }))
      a.borderline_on.push_back("education");
    if (!is_missing(in.readiness) && flips([](detail::rule_thresholds& t, double k) { t.readiness *= k; }))
      a.borderline_on.push_back("readiness");
    a.borderline = !a.borderline_on.empty();

    // P(central): the education estimate ~ Normal(estimate, se²), everything else fixed.
    if (!measure.empty() && !is_missing(in.education_se)) {
      // Would the area be central with a very high education? If not, P(central) is 0.
      bool central_if_high = detail::apply_rule(a.density, measure, 1e9, in.readiness, base, c.intermediate_band) == area_class::central;
      if (!central_if_high) a.p_central = 0.0;
      else if (in.education_se > 0) a.p_central = detail::normal_cdf((value - a.education_threshold) / in.education_se);
      else a.p_central = value >= a.education_threshold ? 1.0 : 0.0;
    }
    out.areas.push_back(std::move(a));
  }
  detail::kmeans_second_opinion(out.areas, c.kmeans_max_iterations);
  for (auto& a : out.areas) {
    detail::write_reasons(a, c);
    if (!a.kmeans) continue;
    bool rc = a.cls == area_class::central, kc = *a.kmeans == area_class::central;
    if (rc && kc) ++out.agreement.central_central;
    else if (rc) ++out.agreement.central_remote;
    else if (kc) ++out.agreement.remote_central;
    else ++out.agreement.remote_remote;
  }
  return out;
}

/// Reads and classifies in one step (the `commdx classify` script's core).
inline classification classify_areas(const table& raw, const classify_config& c, const places* known_places) {
  areas_read in = read_areas(raw, known_places);
  classification out = classify_areas(in.areas, c);
  out.ignored_columns = in.ignored_columns;
  out.other_level_rows = in.other_level_rows;
  return out;
}

// ---- households: education per ward, and access segments (R2/R3) ------------------------------

namespace detail {
inline const numeric_column* optional_numeric(const table& t, const std::string& name) {
  if (!t.has(name)) return nullptr;
  return &t.numeric(name);
}
inline std::vector<std::string> text_cells(const table& t, const std::string& name) {
  std::vector<std::string> v(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) v[r] = t.cell_text(name, r);
  return v;
}
}  // namespace detail

/// S4, C1: per ward, the share of adults with at least upper-secondary schooling as the ratio of
/// weighted sums Σ w·adults_upper_secondary / Σ w·adults (weights: the `weight` column, else 1).
/// Columns: code, education, households, adults (weighted). Rows with a missing count are left out
/// of the sums and counted in `households_missing`.
inline table education_by_ward(const table& households) {
  for (const char* col : {"ward_code", "adults", "adults_upper_secondary"})
    if (!households.has(col)) throw input_error(location::in_file(households.source()).in_column(col), "missing required column");
  auto ward = detail::text_cells(households, "ward_code");
  const auto& adults = households.numeric("adults");
  const auto& upper = households.numeric("adults_upper_secondary");
  const numeric_column* w = detail::optional_numeric(households, "weight");
  std::vector<std::string> order;
  std::map<std::string, std::array<double, 4>> acc;  // num, den, n, missing
  for (std::size_t r = 0; r < households.rows(); ++r) {
    if (!acc.count(ward[r])) order.push_back(ward[r]);
    auto& a = acc[ward[r]];
    if (is_missing(adults[r]) || is_missing(upper[r])) { a[3] += 1; continue; }
    if (upper[r] > adults[r] || upper[r] < 0)
      throw validation_error(location::in_file(households.source()).at_row(r + 1).in_column("adults_upper_secondary").for_unit(ward[r]),
                             "adults_upper_secondary must be between 0 and adults");
    double wr = w ? (*w)[r] : 1.0;
    a[0] += wr * upper[r];
    a[1] += wr * adults[r];
    a[2] += 1;
  }
  table t("education_by_ward");
  text_column code;
  numeric_column edu, n, den, miss;
  for (const auto& k : order) {
    const auto& a = acc[k];
    code.push_back(k);
    edu.push_back(a[1] > 0 ? a[0] / a[1] : missing);
    n.push_back(a[2]);
    den.push_back(a[1]);
    miss.push_back(a[3]);
  }
  t.set("code", code); t.set("education", edu); t.set("households", n); t.set("adults", den); t.set("households_missing", miss);
  return t;
}

/// One household's access (R2/R3).
struct household_access {
  double score = missing;           ///< weighted mean of the known components; NaN when unknown
  double weight_known = 0;          ///< share of the component weights whose value is known
  const char* segment = "unknown";  ///< "high", "low" or "unknown"
};

/// R2/R3, the library's one access rule (access_segments, synth's visits and the plan's segments
/// all call it): a household's access score is the weighted mean of its known components in [0,1]
/// (smartphone_share = adults_smartphone/adults, has_smartphone = smartphones ≥ 1, home_internet,
/// head_age falling linearly from head_age_full to head_age_zero, head_education / full level
/// capped at 1, bank_account, digital_use = any of the digital_use_columns); high access when the
/// score ≥ high_access_threshold; "unknown" when less than min_weight_known of the weight is known.
/// `cell(column)` gives the household's value of a survey column (NaN when not known); `at(column)`
/// the location that names the cell in an error (a 0/1 column holding another value, more adults
/// with a smartphone than adults).
template <class Cell, class At>
household_access access_of(const Cell& cell, const At& at, const access_config& c) {
  double total_weight = 0;
  for (const auto& kv : c.weights) total_weight += kv.second;
  double sum = 0, wsum = 0;
  auto add = [&](const char* k, double v) {
    auto it = c.weights.find(k);
    const double w = it == c.weights.end() ? 0.0 : it->second;
    if (is_missing(v) || w == 0) return;
    sum += w * v;
    wsum += w;
  };
  auto flag = [&](const std::string& name) -> double {
    const double v = cell(name);
    if (is_missing(v)) return missing;
    if (v != 0 && v != 1) throw input_error(at(name), "expected 0 or 1, got " + format_number(v));
    return v;
  };
  const double adults = cell("adults"), smart_adults = cell("adults_smartphone");
  if (!is_missing(adults) && !is_missing(smart_adults)) {
    if (smart_adults < 0 || smart_adults > adults) throw validation_error(at("adults_smartphone"), "must be between 0 and adults");
    add("smartphone_share", adults > 0 ? smart_adults / adults : 0.0);
  }
  const double phones = cell("smartphones");
  if (!is_missing(phones)) add("has_smartphone", phones >= 1 ? 1.0 : 0.0);
  add("home_internet", flag("home_internet"));
  const double age = cell("head_age");
  if (!is_missing(age)) add("head_age", std::clamp((c.head_age_zero - age) / (c.head_age_zero - c.head_age_full), 0.0, 1.0));
  const double edu = cell("head_education");
  if (!is_missing(edu)) add("head_education", std::clamp(edu / c.head_education_full, 0.0, 1.0));
  add("bank_account", flag("bank_account"));
  double any = missing;
  for (const auto& u : c.digital_use_columns) {
    const double v = flag(u);
    if (!is_missing(v)) any = is_missing(any) ? v : std::max(any, v);
  }
  add("digital_use", any);
  household_access out;
  out.weight_known = wsum / total_weight;
  if (out.weight_known + 1e-12 < c.min_weight_known) return out;
  out.score = sum / wsum;
  out.segment = out.score >= c.high_access_threshold ? "high" : "low";
  return out;
}

/// Per-household access (R2/R3) and per-group catalogue.
struct access_result {
  table households;  ///< household_id, ward_code, group_code, access_score, access (high/low/unknown), weight_known
  table groups;      ///< ward_code, group_code, households, households_unknown, low_access_share, catalogue, catalogue_items
};

/// R2/R3: every household's access by access_of (the one rule). A group whose weighted low-access share (among known) is ≥ basic_catalogue_low_access_share
/// gets the basic catalogue; `central_wards` (optional) get the central catalogue outright.
inline access_result access_segments(const table& h, const classify_config& c = classify_config::defaults(),
                                     const std::set<std::string>& central_wards = {}) {
  const std::string& src = h.source();
  for (const char* col : {"household_id", "ward_code", "group_code"})
    if (!h.has(col)) throw input_error(location::in_file(src).in_column(col), "missing required column");
  const std::size_t n = h.rows();
  auto id = detail::text_cells(h, "household_id"), ward = detail::text_cells(h, "ward_code"), grp = detail::text_cells(h, "group_code");
  const numeric_column* weight = detail::optional_numeric(h, "weight");
  // the columns the rule reads, looked up once (a column not in the table is not known)
  std::map<std::string, const numeric_column*> columns;
  for (const char* name : {"adults", "adults_smartphone", "smartphones", "home_internet", "head_age", "head_education", "bank_account"})
    columns[name] = detail::optional_numeric(h, name);
  for (const auto& u : c.access.digital_use_columns) columns[u] = detail::optional_numeric(h, u);
  numeric_column score(n, missing), known(n, 0);
  text_column access(n);
  for (std::size_t r = 0; r < n; ++r) {
    auto cell = [&](const std::string& name) {
      auto it = columns.find(name);
      const numeric_column* p = it == columns.end() ? nullptr : it->second;
      return p ? (*p)[r] : missing;
    };
    auto at = [&](const std::string& name) { return location::in_file(src).at_row(r + 1).in_column(name).for_unit(id[r]); };
    const household_access a = access_of(cell, at, c.access);
    score[r] = a.score;
    known[r] = a.weight_known;
    access[r] = a.segment;
  }
  access_result out;
  out.households = table("access_households");
  out.households.set("household_id", id);
  out.households.set("ward_code", ward);
  out.households.set("group_code", grp);
  out.households.set("access_score", score);
  out.households.set("access", access);
  out.households.set("weight_known", known);

  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::array<double, 4>> acc;  // n, unknown, w_low, w_known
  for (std::size_t r = 0; r < n; ++r) {
    auto key = std::make_pair(ward[r], grp[r]);
    if (!acc.count(key)) order.push_back(key);
    auto& a = acc[key];
    a[0] += 1;
    if (access[r] == "unknown") { a[1] += 1; continue; }
    double w = weight && !is_missing((*weight)[r]) ? (*weight)[r] : 1.0;
    a[3] += w;
    if (access[r] == "low") a[2] += w;
  }
  text_column gw, gg, cat, items;
  numeric_column gn, gu, share;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
  };
  for (const auto& key : order) {
    const auto& a = acc[key];
    gw.push_back(key.first);
    gg.push_back(key.second);
    gn.push_back(a[0]);
    gu.push_back(a[1]);
    double s = a[3] > 0 ? a[2] / a[3] : missing;
    share.push_back(s);
    // A group in a central ward gets the central catalogue; elsewhere the low-access share decides;
    // a group with no household of known access is "unknown" (R1: survey it first).
    bool central_ward = central_wards.count(key.first) != 0;
    std::string which = central_ward ? "central"
                        : is_missing(s) ? "unknown"
                        : s >= c.access.basic_catalogue_low_access_share ? "basic" : "central";
    cat.push_back(which);
    items.push_back(which == "basic" ? join(c.basic_catalogue) : which == "central" ? join(c.central_catalogue) : std::string());
  }
  out.groups = table("access_groups");
  out.groups.set("ward_code", gw);
  out.groups.set("group_code", gg);
  out.groups.set("households", gn);
  out.groups.set("households_unknown", gu);
  out.groups.set("low_access_share", share);
  out.groups.set("catalogue", cat);
  out.groups.set("catalogue_items", items);
  return out;
}

}  // namespace commdx
