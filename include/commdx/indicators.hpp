#pragma once
// S1-S4, K1-K10, R3: the indicator catalogue (python/commdx/data/indicators.json, editable by a
// city) and the per-unit indicator table at every level of the place hierarchy, with standard
// errors, confidence intervals, design effects, targets, gaps and days left (contracts.md).
//
// An indicator is data, not code: a numerator over record columns (one column, or "any of"
// several 0/1 columns), an optional denominator column (a share of persons: adults with an
// account / adults), an optional restriction of the domain (type in [enterprise]), and a
// statistic. The estimates come from estimate.hpp's domain_estimator: every level in one pass
// over the records per indicator.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/data.hpp"
#include "commdx/detail/dates.hpp"
#include "commdx/error.hpp"
#include "commdx/estimate.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/io/json.hpp"
#include "commdx/places.hpp"
#include "commdx/table.hpp"

namespace commdx {

enum class indicator_statistic { proportion, mean, total, ratio };

inline const char* to_string(indicator_statistic s) {
  switch (s) {
    case indicator_statistic::proportion: return "proportion";
    case indicator_statistic::mean: return "mean";
    case indicator_statistic::total: return "total";
    case indicator_statistic::ratio: return "ratio";
  }
  return "?";
}

/// A record-level value: one column, or 1 when any of several 0/1 columns is 1.
struct indicator_term {
  std::vector<std::string> columns;
  bool any = false;
  /// {"count": true}: every record of the domain counts 1 (no column): the total is the number
  /// of units (businesses of a type), the proportion is 1.
  bool count = false;
};

/// A domain restriction: the record's `column` (as text) is one of `values`.
struct indicator_condition {
  std::string column;
  std::vector<std::string> values;
};

struct indicator {
  std::string id, label_vi, label_en;
  std::string records = "households";  ///< which table: households or businesses
  std::string unit = "household";      ///< unit of analysis: household, person, adult, business, a business type
  indicator_statistic statistic = indicator_statistic::proportion;
  indicator_term numerator;
  std::optional<indicator_term> denominator;
  std::vector<indicator_condition> where;
  std::vector<std::string> requirements;
  double target = missing;
  std::string target_date;  ///< YYYY-MM-DD or empty
  /// Who set the target, in both languages ("Quyết định 411/QĐ-TTg (2022): ...", "Decision
  /// 411/QĐ-TTg (2022): ..."); empty without a target.
  std::string target_source_vi, target_source_en;
};

class indicator_catalogue {
 public:
  /// The shipped catalogue (python/commdx/data/indicators.json).
  static indicator_catalogue builtin() {
    return from_json(io::parse_json(shipped_data("indicators.json"), "indicators.json"), "indicators.json");
  }

  static indicator_catalogue from_json(const nlohmann::json& j, const std::string& source = "<catalogue>") try {
    const nlohmann::json* arr = &j;
    if (j.is_object()) arr = &io::require(j, "indicators", location::in_file(source));
    if (!arr->is_array()) throw config_error(location::in_file(source).in_column("indicators"), "expected an array of indicators");
    indicator_catalogue c;
    c.source_ = source;
    std::size_t i = 0;
    for (const auto& x : *arr) {
      ++i;
      location where = location::in_file(source).at_row(i);
      indicator ind;
      ind.id = text_field(x, "id", where, true);
      where.unit = ind.id;
      ind.label_vi = text_field(x, "label_vi", where, true);
      ind.label_en = text_field(x, "label_en", where, true);
      ind.records = text_field(x, "records", where, false);
      if (ind.records.empty()) ind.records = "households";
      ind.unit = text_field(x, "unit", where, false);
      const std::string stat = text_field(x, "statistic", where, true);
      if (stat == "proportion") ind.statistic = indicator_statistic::proportion;
      else if (stat == "mean") ind.statistic = indicator_statistic::mean;
      else if (stat == "total") ind.statistic = indicator_statistic::total;
      else if (stat == "ratio") ind.statistic = indicator_statistic::ratio;
      else throw config_error(with_column(where, "statistic"), "statistic must be proportion, mean, total or ratio, got '" + stat + "'");
      ind.numerator = term(io::require(x, "numerator", where), with_column(where, "numerator"));
      if (x.contains("denominator") && !x.at("denominator").is_null())
        ind.denominator = term(x.at("denominator"), with_column(where, "denominator"));
      if (ind.statistic == indicator_statistic::ratio && !ind.denominator)
        throw config_error(with_column(where, "denominator"), "a ratio needs a denominator");
      if (ind.statistic == indicator_statistic::mean && ind.denominator)
        throw config_error(with_column(where, "denominator"), "a mean has no denominator (use ratio)");
      if (x.contains("where") && !x.at("where").is_null()) {
        if (!x.at("where").is_array()) throw config_error(with_column(where, "where"), "expected a list of conditions");
        for (const auto& cond : x.at("where")) {
          indicator_condition k;
          k.column = text_field(cond, "column", with_column(where, "where"), true);
          const auto& in = io::require(cond, "in", with_column(where, "where"));
          if (!in.is_array() || in.empty()) throw config_error(with_column(where, "where"), "'in' must be a non-empty list");
          for (const auto& v : in) k.values.push_back(v.is_string() ? v.get<std::string>() : format_number(v.get<double>()));
          ind.where.push_back(std::move(k));
        }
      }
      if (x.contains("requirements"))
        for (const auto& r : x.at("requirements")) ind.requirements.push_back(r.get<std::string>());
      if (x.contains("target") && !x.at("target").is_null()) {
        if (!x.at("target").is_number()) throw config_error(with_column(where, "target"), "target must be a number");
        ind.target = x.at("target").get<double>();
        // JSON text cannot hold NaN, but a catalogue built in Python (json.load reads NaN) can
        // (issue 11: a NaN target gave NaN gaps without a word).
        if (!std::isfinite(ind.target))
          throw config_error(with_column(where, "target"), "target must be a finite number, got " + format_number(ind.target));
      }
      ind.target_date = text_field(x, "target_date", where, false);
      if (!ind.target_date.empty() && !parse_date(ind.target_date))
        throw config_error(with_column(where, "target_date"), "expected a date YYYY-MM-DD, got '" + ind.target_date + "'");
      if (x.contains("target_source"))
        throw config_error(with_column(where, "target_source"),
                           "the target's source is written in both languages: target_source_vi and target_source_en");
      ind.target_source_vi = text_field(x, "target_source_vi", where, false);
      ind.target_source_en = text_field(x, "target_source_en", where, false);
      for (const auto& other : c.indicators_)
        if (other.id == ind.id) throw config_error(where, "duplicate indicator id '" + ind.id + "'");
      c.indicators_.push_back(std::move(ind));
    }
    return c;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }

  nlohmann::json to_json() const {
    nlohmann::json arr = nlohmann::json::array();
    auto term_json = [](const indicator_term& t) {
      return t.count ? nlohmann::json{{"count", true}}
             : t.any ? nlohmann::json{{"any", t.columns}} : nlohmann::json{{"column", t.columns.at(0)}};
    };
    for (const auto& i : indicators_) {
      nlohmann::json j = {{"id", i.id}, {"label_vi", i.label_vi}, {"label_en", i.label_en}, {"records", i.records},
                          {"unit", i.unit}, {"statistic", to_string(i.statistic)}, {"numerator", term_json(i.numerator)},
                          {"denominator", i.denominator ? term_json(*i.denominator) : nlohmann::json(nullptr)},
                          {"requirements", i.requirements}};
      if (!i.where.empty()) {
        j["where"] = nlohmann::json::array();
        for (const auto& w : i.where) j["where"].push_back({{"column", w.column}, {"in", w.values}});
      }
      j["target"] = std::isnan(i.target) ? nlohmann::json(nullptr) : nlohmann::json(i.target);
      j["target_date"] = i.target_date.empty() ? nlohmann::json(nullptr) : nlohmann::json(i.target_date);
      if (!i.target_source_vi.empty()) j["target_source_vi"] = i.target_source_vi;
      if (!i.target_source_en.empty()) j["target_source_en"] = i.target_source_en;
      arr.push_back(std::move(j));
    }
    return {{"version", 1}, {"indicators", arr}};
  }

  const std::vector<indicator>& indicators() const noexcept { return indicators_; }
  /// The file (or name) the catalogue was read from, for messages.
  const std::string& source() const noexcept { return source_; }
  const indicator& at(const std::string& id) const {
    for (const auto& i : indicators_)
      if (i.id == id) return i;
    throw config_error(location::in_file(source_).for_unit(id), "no indicator with id '" + id + "'");
  }
  /// A catalogue of the named indicators only, in that order.
  indicator_catalogue select(const std::vector<std::string>& ids) const {
    indicator_catalogue c;
    c.source_ = source_;
    for (const auto& id : ids) c.indicators_.push_back(at(id));
    return c;
  }

  /// Days since 1970-01-01 of a YYYY-MM-DD date (civil calendar), or nothing if malformed.
  static std::optional<long> parse_date(std::string_view s) { return detail::parse_civil_date(s); }

 private:
  static location with_column(location l, const std::string& col) {
    l.column = col;
    return l;
  }
  static std::string text_field(const nlohmann::json& x, const std::string& key, const location& where, bool required) {
    if (!x.is_object()) throw config_error(where, "expected an object");
    if (!x.contains(key) || x.at(key).is_null()) {
      if (required) throw config_error(with_column(where, key), "missing required field");
      return {};
    }
    if (!x.at(key).is_string()) throw config_error(with_column(where, key), "expected text");
    return x.at(key).get<std::string>();
  }
  static indicator_term term(const nlohmann::json& x, const location& where) {
    indicator_term t;
    if (x.is_object() && x.contains("count") && x.size() == 1) {
      if (!(x.at("count").is_boolean() && x.at("count").get<bool>()))
        throw config_error(with_column(where, "count"), "'count' must be true");
      t.count = true;
    } else if (x.is_object() && x.contains("column")) {
      t.columns.push_back(text_field(x, "column", where, true));
    } else if (x.is_object() && x.contains("any") && x.at("any").is_array() && !x.at("any").empty()) {
      t.any = true;
      for (const auto& c : x.at("any")) t.columns.push_back(c.get<std::string>());
    } else {
      throw config_error(where, "expected {\"column\": name}, {\"any\": [names]} or {\"count\": true}");
    }
    return t;
  }

  std::string source_ = "<catalogue>";
  std::vector<indicator> indicators_;
};

/// The levels of the place hierarchy and the record column that holds each level's unit code.
struct indicator_level {
  std::string name;    ///< city, ward, neighbourhood, residential_group
  std::string column;  ///< empty for the city (every record)
};

inline std::vector<indicator_level> default_indicator_levels() {
  return {{"city", ""}, {"ward", "ward_code"}, {"neighbourhood", "neighbourhood_code"}, {"residential_group", "group_code"}};
}

/// The record level `name` ("ward") with its default column; throws for an unknown name.
inline indicator_level indicator_level_named(const std::string& name) {
  for (const auto& l : default_indicator_levels())
    if (l.name == name) return l;
  throw config_error(location::in_file("levels").for_unit(name),
                     "unknown level '" + name + "' (city, ward, neighbourhood, residential_group)");
}

struct indicator_options {
  std::vector<indicator_level> levels = default_indicator_levels();
  std::string as_of;   ///< YYYY-MM-DD: days_left counts from this day; empty: days_left missing
  double level = 0.95;  ///< confidence level
  /// Level or design columns passed as numeric codes (pandas categoricals) and their labels:
  /// code k of column c is the unit code labels.at(c)[k].
  domain_estimator::column_labels labels;
  /// A calibrated design (calibrate.hpp) of the household records: their estimates take its
  /// weights and SEs. Business records have their own weights, so they are then refused.
  std::shared_ptr<const detail::calibration_residuals> calibration;
};

namespace detail {
// The record-level value of a term (NaN when missing or outside the `where` domain).
inline std::vector<double> term_values(const table& t, const indicator_term& term, const std::vector<char>& keep) {
  std::vector<double> out(t.rows(), missing);
  if (term.count) {
    for (std::size_t r = 0; r < t.rows(); ++r)
      if (keep.empty() || keep[r]) out[r] = 1.0;
    return out;
  }
  if (!term.any) {
    const auto& v = t.numeric(term.columns[0]);
    for (std::size_t r = 0; r < t.rows(); ++r)
      if (keep.empty() || keep[r]) out[r] = v[r];
    return out;
  }
  std::vector<const numeric_column*> cols;
  for (const auto& c : term.columns) cols.push_back(&t.numeric(c));
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (!keep.empty() && !keep[r]) continue;
    double v = missing;
    for (const auto* c : cols) {
      const double x = (*c)[r];
      if (std::isnan(x)) continue;
      if (x == 1.0) { v = 1.0; break; }
      v = 0.0;
    }
    out[r] = v;
  }
  return out;
}

inline std::vector<char> where_mask(const table& t, const std::vector<indicator_condition>& where) {
  if (where.empty()) return {};
  std::vector<char> keep(t.rows(), 1);
  for (const auto& cond : where) {
    if (t.is_numeric(cond.column)) {  // compare numbers as numbers (no text per record)
      std::vector<double> wanted;
      for (const auto& v : cond.values) {
        double d = 0;
        if (io::parse_number(v, d)) wanted.push_back(d);
      }
      const auto& col = t.numeric(cond.column);
      for (std::size_t r = 0; r < t.rows(); ++r) {
        bool hit = false;
        for (double d : wanted) hit = hit || col[r] == d;
        keep[r] = keep[r] && hit ? 1 : 0;
      }
      continue;
    }
    for (std::size_t r = 0; r < t.rows(); ++r) {
      if (!keep[r]) continue;
      const std::string cell = t.cell_text(cond.column, r);
      bool hit = false;
      for (const auto& v : cond.values) hit = hit || cell == v;
      keep[r] = hit ? 1 : 0;
    }
  }
  return keep;
}
}  // namespace detail

namespace detail {
// One estimate of the indicator table before it is laid out.
struct indicator_result {
  std::size_t level, unit_order;
  std::string unit;
  std::size_t indicator;
  domain_estimate e;
};

inline std::optional<long> as_of_day(const indicator_options& options) {
  if (options.as_of.empty()) return std::nullopt;
  const auto today = indicator_catalogue::parse_date(options.as_of);
  if (!today) throw config_error(location::in_file("as_of"), "expected a date YYYY-MM-DD, got '" + options.as_of + "'");
  return today;
}

inline void check_record_kinds(const indicator_catalogue& catalogue) {
  for (const auto& ind : catalogue.indicators())
    if (ind.records != "households" && ind.records != "businesses")
      throw config_error(location::in_file("catalogue").in_column("records").for_unit(ind.id),
                         "records must be households or businesses, got '" + ind.records + "'");
}

inline statistic_kind statistic_of(const indicator& ind) {
  if (ind.denominator && ind.statistic == indicator_statistic::total)
    throw config_error(location::in_file("catalogue").in_column("denominator").for_unit(ind.id), "a total has no denominator");
  if (ind.denominator) return statistic_kind::ratio;
  return ind.statistic == indicator_statistic::total ? statistic_kind::total : statistic_kind::mean;
}

inline interval_method interval_of(const indicator& ind) {
  return ind.statistic == indicator_statistic::proportion ? interval_method::logit : interval_method::wald_t;
}

// One domain partition per level on `est` (whose table is `records`); returns the unit code of
// each level's cells, every code checked against the places.
inline std::vector<std::vector<std::string>> add_level_domains(domain_estimator& est, const table& records, const places& where,
                                                               const std::vector<indicator_level>& levels) {
  std::string city_code;
  for (const auto& root : where.roots()) city_code = root;
  std::vector<std::vector<std::string>> cell_codes;
  for (const auto& lvl : levels) {
    const std::size_t p = est.add_domains(records, lvl.column.empty() ? std::vector<std::string>{}
                                                                        : std::vector<std::string>{lvl.column});
    std::vector<std::string> codes;
    for (std::size_t c = 0; c < est.cells(p); ++c) {
      std::string code = lvl.column.empty() ? city_code : est.label(p, 0, c);
      if (!where.contains(code))
        throw validation_error(location::in_file(records.source()).at_row(est.first_row(p, c) + 1).in_column(lvl.column).for_unit(code),
                               "unit code '" + code + "' is not in the places");
      codes.push_back(std::move(code));
    }
    cell_codes.push_back(std::move(codes));
  }
  return cell_codes;
}

// The record-level numerator y and denominator x (empty without one) of an indicator, NaN
// outside its domain.
inline std::pair<std::vector<double>, std::vector<double>> record_values(const table& records, const indicator& ind) {
  const auto keep = where_mask(records, ind.where);
  std::vector<double> x;
  if (ind.denominator) x = term_values(records, *ind.denominator, keep);
  return {term_values(records, ind.numerator, keep), std::move(x)};
}

// Each unit's position in the places (the order of the indicator table).
inline std::map<std::string, std::size_t> unit_order(const places& where) {
  std::map<std::string, std::size_t> order;
  std::size_t k = 0;
  for (const auto& u : where.units()) order[u.code] = k++;
  return order;
}

// The estimates of every level's cells for indicator i, into `rows`.
inline void add_indicator_results(std::vector<indicator_result>& rows, const std::vector<std::vector<domain_estimate>>& res,
                                  const std::vector<std::vector<std::string>>& cell_codes,
                                  const std::map<std::string, std::size_t>& unit_order, std::size_t i) {
  for (std::size_t p = 0; p < res.size(); ++p)
    for (std::size_t c = 0; c < res[p].size(); ++c)
      rows.push_back({p, unit_order.at(cell_codes[p][c]), cell_codes[p][c], i, res[p][c]});
}

// The indicator table (compute_indicators' layout) of the estimates in `rows`.
inline table indicator_table(std::vector<indicator_result> rows, const indicator_catalogue& catalogue, const places& where,
                             const indicator_options& options, std::optional<long> today) {
  std::stable_sort(rows.begin(), rows.end(), [](const indicator_result& a, const indicator_result& b) {
    if (a.level != b.level) return a.level < b.level;
    if (a.unit_order != b.unit_order) return a.unit_order < b.unit_order;
    return a.indicator < b.indicator;
  });
  text_column level, unit, unit_name, id, target_date;
  numeric_column estimate_col, se, lo, hi, deff, n, target, gap, days_left;
  for (const auto& r : rows) {
    const indicator& ind = catalogue.indicators()[r.indicator];
    level.push_back(options.levels[r.level].name);
    unit.push_back(r.unit);
    unit_name.push_back(where.at(r.unit).name);
    id.push_back(ind.id);
    const bool ok = r.e.estimable;
    estimate_col.push_back(r.e.estimate);
    se.push_back(ok ? r.e.se : missing);
    lo.push_back(ok ? r.e.ci_low : missing);
    hi.push_back(ok ? r.e.ci_high : missing);
    deff.push_back(ok ? r.e.deff : missing);
    n.push_back(static_cast<double>(r.e.n));
    target.push_back(ind.target);
    target_date.push_back(ind.target_date);
    gap.push_back(ind.target - r.e.estimate);
    const auto due = indicator_catalogue::parse_date(ind.target_date);
    days_left.push_back(today && due ? static_cast<double>(*due - *today) : missing);
  }
  table out("indicators");
  out.set("level", std::move(level));
  out.set("unit", std::move(unit));
  out.set("unit_name", std::move(unit_name));
  out.set("indicator", std::move(id));
  out.set("estimate", std::move(estimate_col));
  out.set("se", std::move(se));
  out.set("ci_low", std::move(lo));
  out.set("ci_high", std::move(hi));
  out.set("deff", std::move(deff));
  out.set("n", std::move(n));
  out.set("target", std::move(target));
  out.set("target_date", std::move(target_date));
  out.set("gap", std::move(gap));
  out.set("days_left", std::move(days_left));
  return out;
}
}  // namespace detail

/// One row per (level, unit, indicator): level, unit, unit_name, indicator, estimate, se, ci_low,
/// ci_high, deff, n, target, target_date, gap, days_left (contracts.md). gap = target - estimate
/// (what is still to do; <= 0 once met); days_left = target_date - as_of. Units are those with
/// records, in the order of `places`; a unit code missing from `places` is an error naming it.
/// A unit whose sampling error the design cannot estimate (one sampled PSU, see
/// domain_estimate::estimable) gets se, CI and deff missing rather than a false 0.
/// `businesses` may be null: business indicators are then left out.
inline table compute_indicators(const table& households, const places& where, const survey_design& design,
                                const indicator_catalogue& catalogue = indicator_catalogue::builtin(),
                                const indicator_options& options = {}, const table* businesses = nullptr) {
  const auto today = detail::as_of_day(options);
  const auto unit_order = detail::unit_order(where);
  std::vector<detail::indicator_result> rows;
  auto run = [&](const table& records, const std::string& kind) {
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < catalogue.indicators().size(); ++i)
      if (catalogue.indicators()[i].records == kind) which.push_back(i);
    if (which.empty()) return;
    if (options.calibration && kind != "households")
      throw config_error(location::in_file(records.source()),
                         "the calibrated design is of the household records; estimate the businesses with their own design");
    domain_estimator est(records, design, options.labels, kind == "households" ? options.calibration : nullptr);
    const auto cell_codes = detail::add_level_domains(est, records, where, options.levels);
    for (std::size_t i : which) {
      const indicator& ind = catalogue.indicators()[i];
      const auto [y, x] = detail::record_values(records, ind);
      const auto res = est.estimate(y.data(), x.empty() ? nullptr : x.data(), detail::statistic_of(ind),
                                    detail::interval_of(ind), options.level, ind.id);
      detail::add_indicator_results(rows, res, cell_codes, unit_order, i);
    }
  };
  run(households, "households");
  if (businesses != nullptr) run(*businesses, "businesses");
  detail::check_record_kinds(catalogue);
  return detail::indicator_table(std::move(rows), catalogue, where, options, today);
}

}  // namespace commdx
