#pragma once
// The city roll-up without microdata (issue 16). Every estimate, SE, interval, design effect and
// n of the indicator table (compute_indicators) is a function of a few weighted sums per base
// cell, one PSU's records in one unit of every level (estimate.hpp, cell_sums), and of the design
// facts: the stratum of each PSU, the number of PSUs per stratum, the fpc and the lonely-PSU rule.
// The place levels nest (a residential group lies in one neighbourhood, one ward) and so do the
// PSUs in the strata, so the sums of a ward's PSUs serve every level above it: a ward writes its
// statistics (no household record leaves the ward), the city merges the wards' files, and
// indicators_from_statistics gives the indicator table the pooled records give, with the same
// estimates and SEs up to the order of floating-point additions (tests/cpp/test_statistics.cpp,
// tests/python/test_statistics.py: 1e-12).
//
// The merged design is the pooled one only when the wards' PSUs are disjoint: the same PSU in two
// files (a ward's file given twice) is refused, naming it and both files. The fpc of a stratum
// split across files must agree (as it must within one file).
#include <cmath>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"
#include "commdx/estimate.hpp"
#include "commdx/indicators.hpp"
#include "commdx/io/json.hpp"
#include "commdx/places.hpp"
#include "commdx/table.hpp"

namespace commdx {

/// The sufficient statistics of the indicator table of one or more survey files.
struct indicator_statistics {
  /// The statistics of one records table (households or businesses).
  struct records_part {
    std::string records;  ///< households or businesses
    /// One row per base cell: `stratum` (when the design has strata), `psu`, `fpc` (a number,
    /// when the design has one: the survey's fpc value, a PSU count or a fraction), then one
    /// column per level with a column (ward_code, ...); every column but fpc text.
    table cells{"statistics"};
    std::vector<std::string> indicators;         ///< ids, in the catalogue's order
    std::vector<nlohmann::json> definitions;     ///< what each indicator sums (records, statistic, numerator, denominator, where)
    std::vector<std::vector<cell_sums>> sums;    ///< [indicator][cell row]
  };
  bool has_strata = false, has_fpc = false;
  /// True when the survey named no PSU column (each record its own PSU): the cells' PSU labels
  /// are then the records' file and row.
  bool record_psus = false;
  lonely_psu lonely = lonely_psu::fail;
  std::vector<indicator_level> levels;  ///< the levels summed (the city level has no column)
  /// What the statistics were summed from, for messages: the survey files, or the statistics
  /// file they were read from (statistics_from_json), or the merged inputs' names.
  std::vector<std::string> sources;
  std::vector<records_part> parts;
};

namespace detail {
// What an indicator sums: its definition without the words and targets a city may change.
inline nlohmann::json summed_definition(const indicator& ind) {
  auto term_json = [](const indicator_term& t) {
    return t.count ? nlohmann::json{{"count", true}}
           : t.any ? nlohmann::json{{"any", t.columns}} : nlohmann::json{{"column", t.columns.at(0)}};
  };
  nlohmann::json where = nlohmann::json::array();
  for (const auto& w : ind.where) where.push_back({{"column", w.column}, {"in", w.values}});
  return {{"records", ind.records}, {"statistic", to_string(ind.statistic)}, {"numerator", term_json(ind.numerator)},
          {"denominator", ind.denominator ? term_json(*ind.denominator) : nlohmann::json(nullptr)}, {"where", where}};
}

// The design of a statistics table: unweighted rows (the sums carry the weights), with the
// survey's strata, PSUs and fpc.
inline survey_design cells_design(const indicator_statistics& s) {
  survey_design d;
  d.unweighted = true;
  d.strata = s.has_strata ? "stratum" : "";
  d.psu = "psu";
  d.fpc = s.has_fpc ? "fpc" : "";
  d.lonely = s.lonely;
  return d;
}

inline std::vector<std::string> cell_key_columns(const indicator_statistics& s) {
  std::vector<std::string> cols;
  if (s.has_strata) cols.push_back("stratum");
  cols.push_back("psu");
  for (const auto& l : s.levels)
    if (!l.column.empty()) cols.push_back(l.column);
  return cols;
}
}  // namespace detail

/// The statistics of compute_indicators(households, where, design, catalogue, options,
/// businesses): the same checks of the records and their unit codes, and per base cell the sums
/// of every indicator. `options.levels` are the levels the statistics can later be estimated at
/// (any of them, or fewer).
inline indicator_statistics summarise_indicators(const table& households, const places& where, const survey_design& design,
                                                 const indicator_catalogue& catalogue = indicator_catalogue::builtin(),
                                                 const indicator_options& options = {},
                                                 const table* businesses = nullptr) {
  detail::check_record_kinds(catalogue);
  if (options.calibration)  // its SEs need every record's calibration residual, not cell sums
    throw config_error(location::in_file(households.source()).in_column("design"),
                       "a calibrated design cannot be summarised into statistics (its SEs need every record's "
                       "calibration residual); summarise with the design weights");
  indicator_statistics s;
  s.has_strata = !design.strata.empty();
  s.has_fpc = !design.fpc.empty();
  s.record_psus = design.psu.empty();
  s.lonely = design.lonely;
  s.levels = options.levels;
  auto run = [&](const table& records, const std::string& kind) {
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < catalogue.indicators().size(); ++i)
      if (catalogue.indicators()[i].records == kind) which.push_back(i);
    if (which.empty()) return;
    s.sources.push_back(records.source());
    domain_estimator est(records, design, options.labels);
    detail::add_level_domains(est, records, where, options.levels);
    indicator_statistics::records_part part;
    part.records = kind;
    const std::size_t cells = est.base_cells();
    text_column stratum, psu;
    numeric_column fpc;
    std::vector<text_column> level_codes(options.levels.size());
    for (std::size_t b = 0; b < cells; ++b) {
      const std::size_t r = est.base_first_row(b);
      if (s.has_strata) stratum.push_back(est.cell_label(records, design.strata, r));
      psu.push_back(s.record_psus ? records.source() + ":" + std::to_string(r + 1) : est.cell_label(records, design.psu, r));
      if (s.has_fpc) fpc.push_back(records.numeric(design.fpc)[r]);
      for (std::size_t l = 0; l < options.levels.size(); ++l)
        if (!options.levels[l].column.empty()) level_codes[l].push_back(est.cell_label(records, options.levels[l].column, r));
    }
    // The labels must tell the PSUs apart as the records' values did (two numbers printing alike
    // would merge two PSUs).
    std::set<std::pair<std::string, std::string>> distinct;
    for (std::size_t b = 0; b < cells; ++b) distinct.emplace(s.has_strata ? stratum[b] : std::string(), psu[b]);
    if (distinct.size() != est.psus())
      throw input_error(location::in_file(records.source()).in_column(design.psu),
                        "PSU values that differ in the records print alike as text; give the PSUs distinct codes");
    if (s.has_strata) part.cells.set("stratum", std::move(stratum));
    part.cells.set("psu", std::move(psu));
    if (s.has_fpc) part.cells.set("fpc", std::move(fpc));
    for (std::size_t l = 0; l < options.levels.size(); ++l)
      if (!options.levels[l].column.empty()) part.cells.set(options.levels[l].column, std::move(level_codes[l]));
    for (std::size_t i : which) {
      const indicator& ind = catalogue.indicators()[i];
      const auto [y, x] = detail::record_values(records, ind);
      detail::statistic_of(ind);  // refuses a total with a denominator here, as compute_indicators does
      part.indicators.push_back(ind.id);
      part.definitions.push_back(detail::summed_definition(ind));
      part.sums.push_back(est.base_sums(y.data(), x.empty() ? nullptr : x.data()));
    }
    s.parts.push_back(std::move(part));
  };
  run(households, "households");
  if (businesses != nullptr) run(*businesses, "businesses");
  return s;
}

/// The indicator table of the records the statistics were summed from: compute_indicators' table
/// (same rows, same order, same columns) at `options.levels` (levels the statistics carry),
/// with the catalogue's targets. Every indicator of the catalogue must have been summed with
/// the same definition (numerator, denominator, domain, statistic); a records table the
/// statistics do not hold (no business survey) leaves its indicators out, as in
/// compute_indicators.
inline table indicators_from_statistics(const indicator_statistics& s, const places& where,
                                        const indicator_catalogue& catalogue = indicator_catalogue::builtin(),
                                        const indicator_options& options = {}) {
  const auto today = detail::as_of_day(options);
  const auto unit_order = detail::unit_order(where);
  detail::check_record_kinds(catalogue);
  const std::string src = s.sources.empty() ? std::string("statistics") : s.sources.front();
  for (const auto& lvl : options.levels) {
    bool summed = lvl.column.empty();
    for (const auto& have : s.levels) summed = summed || have.column == lvl.column;
    if (!summed)
      throw config_error(location::in_file(src).in_column(lvl.column),
                         "the statistics were not summed by level '" + lvl.name + "'");
  }
  std::vector<detail::indicator_result> rows;
  for (const auto& part : s.parts) {
    domain_estimator est(part.cells, detail::cells_design(s));
    const auto cell_codes = detail::add_level_domains(est, part.cells, where, options.levels);
    for (std::size_t i = 0; i < catalogue.indicators().size(); ++i) {
      const indicator& ind = catalogue.indicators()[i];
      if (ind.records != part.records) continue;
      std::size_t k = 0;
      while (k < part.indicators.size() && part.indicators[k] != ind.id) ++k;
      if (k == part.indicators.size())
        throw config_error(location::in_file(src).for_unit(ind.id),
                           "the statistics hold no sums of indicator '" + ind.id + "' (summed with another catalogue)");
      if (part.definitions[k] != detail::summed_definition(ind))
        throw config_error(location::in_file(src).for_unit(ind.id),
                           "indicator '" + ind.id + "' was summed with another definition (" + part.definitions[k].dump() +
                               ") than the catalogue's (" + detail::summed_definition(ind).dump() + ")");
      const auto res = est.estimate_sums(part.sums[k], detail::statistic_of(ind), detail::interval_of(ind), options.level, ind.id);
      detail::add_indicator_results(rows, res, cell_codes, unit_order, i);
    }
  }
  return detail::indicator_table(std::move(rows), catalogue, where, options, today);
}

/// The statistics of all the inputs' records together (the city from its wards). The inputs must
/// have the same design columns, lonely-PSU rule, levels and indicators (same definitions); a
/// PSU (stratum and PSU) found in two inputs is refused, naming both.
inline indicator_statistics merge_statistics(const std::vector<indicator_statistics>& inputs) {
  if (inputs.empty()) throw config_error(location::in_file("statistics"), "no statistics to merge");
  const indicator_statistics& first = inputs.front();
  auto name = [](const indicator_statistics& s) {
    std::string n;
    for (const auto& x : s.sources) n += (n.empty() ? "" : " + ") + x;
    return n.empty() ? std::string("statistics") : n;
  };
  indicator_statistics out;
  out.has_strata = first.has_strata;
  out.has_fpc = first.has_fpc;
  out.record_psus = first.record_psus;
  out.lonely = first.lonely;
  out.levels = first.levels;
  // (records, stratum, psu) -> the input it came from
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> psu_from;
  std::vector<std::map<std::string, column>> columns;  // per output part: the cells' columns, concatenated
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const indicator_statistics& s = inputs[k];
    const location at = location::in_file(name(s));
    if (s.has_strata != first.has_strata || s.has_fpc != first.has_fpc || s.record_psus != first.record_psus ||
        s.lonely != first.lonely)
      throw config_error(at.in_column("design"), "another survey design (strata, PSU, fpc or lonely-PSU rule) than " + name(first));
    bool same_levels = s.levels.size() == first.levels.size();
    for (std::size_t l = 0; same_levels && l < s.levels.size(); ++l)
      same_levels = s.levels[l].name == first.levels[l].name && s.levels[l].column == first.levels[l].column;
    if (!same_levels) throw config_error(at.in_column("levels"), "summed by other levels than " + name(first));
    if (s.parts.size() != first.parts.size())
      throw config_error(at, "statistics of " + std::to_string(s.parts.size()) + " records tables, " + name(first) + " has " +
                                 std::to_string(first.parts.size()));
    out.sources.insert(out.sources.end(), s.sources.begin(), s.sources.end());
    for (const auto& part : s.parts) {
      std::size_t into = 0;
      while (into < out.parts.size() && out.parts[into].records != part.records) ++into;
      if (into == out.parts.size()) {
        if (k > 0)
          throw config_error(at.in_column(part.records), "has " + part.records + " statistics that " + name(first) + " does not");
        out.parts.push_back({part.records, table("statistics"), part.indicators, part.definitions,
                             std::vector<std::vector<cell_sums>>(part.indicators.size())});
        columns.emplace_back();
        for (const auto& col : part.cells.names())
          columns.back()[col] = part.cells.is_numeric(col) ? column(numeric_column{}) : column(text_column{});
      }
      indicator_statistics::records_part& to = out.parts[into];
      if (part.indicators != to.indicators || part.definitions != to.definitions)
        throw config_error(at.in_column(part.records), "other indicators (or definitions) than " + name(first));
      if (part.cells.names().size() != columns[into].size())
        throw config_error(at.in_column(part.records), "other statistics columns than " + name(first));
      const auto& psu = part.cells.text("psu");
      for (std::size_t r = 0; r < part.cells.rows(); ++r) {
        const std::string h = first.has_strata ? part.cells.text("stratum")[r] : std::string();
        const auto [it, fresh] = psu_from.emplace(std::make_tuple(part.records, h, psu[r]), k);
        if (!fresh && it->second != k)
          throw validation_error(at.at_row(r + 1).in_column("psu").for_unit(psu[r]),
                                 "this PSU" + (h.empty() ? std::string() : " of stratum '" + h + "'") + " is also in " +
                                     name(inputs[it->second]) + ": the same records summed twice?");
      }
      for (const auto& col : part.cells.names()) {
        auto found = columns[into].find(col);
        if (found == columns[into].end())
          throw config_error(at.in_column(part.records), "a statistics column '" + col + "' that " + name(first) + " does not have");
        if (part.cells.is_numeric(col) != std::holds_alternative<numeric_column>(found->second))
          throw config_error(at.in_column(col), "a column of another type than in " + name(first));
        if (auto* numbers = std::get_if<numeric_column>(&found->second)) {
          const auto& src = part.cells.numeric(col);
          numbers->insert(numbers->end(), src.begin(), src.end());
        } else {
          auto& texts = std::get<text_column>(found->second);
          const auto& src = part.cells.text(col);
          texts.insert(texts.end(), src.begin(), src.end());
        }
      }
      for (std::size_t i = 0; i < part.sums.size(); ++i)
        to.sums[i].insert(to.sums[i].end(), part.sums[i].begin(), part.sums[i].end());
    }
  }
  for (std::size_t p = 0; p < out.parts.size(); ++p)
    for (auto& [col, values] : columns[p]) out.parts[p].cells.set(col, std::move(values));
  return out;
}

/// The statistics as JSON (`"format": "commdx.indicator_statistics"`): what a ward sends the city.
inline nlohmann::json to_json(const indicator_statistics& s) {
  nlohmann::json levels = nlohmann::json::array();
  for (const auto& l : s.levels) levels.push_back({{"name", l.name}, {"column", l.column}});
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : s.parts) {
    nlohmann::json cells = nlohmann::json::object();
    for (const auto& col : p.cells.names()) {
      if (p.cells.is_numeric(col)) cells[col] = p.cells.numeric(col);
      else cells[col] = p.cells.text(col);
    }
    nlohmann::json inds = nlohmann::json::array();
    for (std::size_t i = 0; i < p.indicators.size(); ++i) {
      nlohmann::json j = {{"id", p.indicators[i]}, {"definition", p.definitions[i]}};
      const auto& v = p.sums[i];
      auto sums_of = [&v](double cell_sums::*field) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& c : v) a.push_back(c.*field);
        return a;
      };
      j["n"] = sums_of(&cell_sums::n);
      j["nnz"] = sums_of(&cell_sums::nnz);
      j["sw"] = sums_of(&cell_sums::sw);
      j["swy"] = sums_of(&cell_sums::swy);
      j["swx"] = sums_of(&cell_sums::swx);
      j["swyy"] = sums_of(&cell_sums::swyy);
      j["swxx"] = sums_of(&cell_sums::swxx);
      j["swxy"] = sums_of(&cell_sums::swxy);
      inds.push_back(std::move(j));
    }
    parts.push_back({{"records", p.records}, {"cells", cells}, {"indicators", inds}});
  }
  return {{"format", "commdx.indicator_statistics"}, {"version", 1},
          {"design", {{"strata", s.has_strata}, {"fpc", s.has_fpc}, {"record_psus", s.record_psus}, {"lonely_psu", to_string(s.lonely)}}},
          {"levels", levels}, {"sources", s.sources}, {"parts", parts}};
}

/// The statistics to_json wrote; a malformed document is a config_error naming the field.
inline indicator_statistics statistics_from_json(const nlohmann::json& j, const std::string& source = "<statistics>") try {
  const location at = location::in_file(source);
  if (!j.is_object() || j.value("format", std::string()) != "commdx.indicator_statistics")
    throw config_error(at.in_column("/format"), "not a commdx statistics file (format commdx.indicator_statistics)");
  if (j.value("version", 0) != 1) throw config_error(at.in_column("/version"), "unknown version (this commdx reads version 1)");
  indicator_statistics s;
  const auto& d = io::require(j, "design", at);
  s.has_strata = d.at("strata").get<bool>();
  s.has_fpc = d.at("fpc").get<bool>();
  s.record_psus = d.at("record_psus").get<bool>();
  const auto lonely = parse_lonely_psu(d.at("lonely_psu").get<std::string>());
  if (!lonely) throw config_error(at.in_column("/design/lonely_psu"), "unknown lonely-PSU rule");
  s.lonely = *lonely;
  for (const auto& l : io::require(j, "levels", at)) s.levels.push_back({l.at("name").get<std::string>(), l.at("column").get<std::string>()});
  // the file is named in messages from here on; the survey files it was summed from stay in the
  // document ("sources") for the record
  if (!io::require(j, "sources", at).is_array()) throw config_error(at.in_column("/sources"), "expected an array");
  s.sources = {source};
  std::size_t pi = 0;
  for (const auto& pj : io::require(j, "parts", at)) {
    const std::string here = "/parts/" + std::to_string(pi++);
    indicator_statistics::records_part p;
    p.records = pj.at("records").get<std::string>();
    p.cells = table(source);
    std::size_t rows = 0;
    bool first_column = true;
    for (auto it = pj.at("cells").begin(); it != pj.at("cells").end(); ++it) {
      const std::string field = here + "/cells/" + it.key();
      if (!it->is_array()) throw config_error(at.in_column(field), "expected an array");
      if (!first_column && it->size() != rows) throw config_error(at.in_column(field), "a column of another length than the others");
      rows = it->size();
      first_column = false;
      if (it.key() == "fpc") {  // the estimator reads the fpc as a number
        numeric_column fpc;
        for (const auto& v : *it) {
          if (!v.is_number()) throw config_error(at.in_column(field), "expected a number");
          fpc.push_back(v.get<double>());
        }
        p.cells.set(it.key(), std::move(fpc));
      } else {
        p.cells.set(it.key(), it->get<text_column>());
      }
    }
    if (!p.cells.has("psu")) throw config_error(at.in_column(here + "/cells/psu"), "missing required field");
    if (s.has_strata && !p.cells.has("stratum")) throw config_error(at.in_column(here + "/cells/stratum"), "missing required field");
    if (s.has_fpc && !p.cells.has("fpc")) throw config_error(at.in_column(here + "/cells/fpc"), "missing required field");
    for (const auto& l : s.levels)
      if (!l.column.empty() && !p.cells.has(l.column))
        throw config_error(at.in_column(here + "/cells/" + l.column), "missing required field");
    std::size_t ii = 0;
    for (const auto& ij : pj.at("indicators")) {
      const std::string ihere = here + "/indicators/" + std::to_string(ii++);
      p.indicators.push_back(ij.at("id").get<std::string>());
      p.definitions.push_back(ij.at("definition"));
      std::vector<cell_sums> v(rows);
      for (const auto& [field, member] : std::vector<std::pair<const char*, double cell_sums::*>>{
               {"n", &cell_sums::n}, {"nnz", &cell_sums::nnz}, {"sw", &cell_sums::sw}, {"swy", &cell_sums::swy},
               {"swx", &cell_sums::swx}, {"swyy", &cell_sums::swyy}, {"swxx", &cell_sums::swxx}, {"swxy", &cell_sums::swxy}}) {
        const auto& a = ij.at(field);
        if (!a.is_array() || a.size() != rows)
          throw config_error(at.in_column(ihere + "/" + field), "expected " + std::to_string(rows) + " numbers, one per cell");
        for (std::size_t r = 0; r < rows; ++r) {
          const location cell = at.in_column(ihere + "/" + field + "/" + std::to_string(r));
          if (!a[r].is_number()) throw config_error(cell, "expected a number");
          const double x = a[r].get<double>();
          if (!std::isfinite(x)) throw config_error(cell, "expected a finite number");
          // counts of records: the estimator takes them as whole numbers (a cast of anything else is
          // undefined behaviour, and no ward's run writes one)
          const bool count = member == &cell_sums::n || member == &cell_sums::nnz;
          if (count && !(x >= 0 && x <= 9007199254740992.0 && std::floor(x) == x))
            throw config_error(cell, "expected a whole number of records, 0 or more");
          v[r].*member = x;
        }
      }
      for (std::size_t r = 0; r < rows; ++r)
        if (v[r].nnz > v[r].n)
          throw config_error(at.in_column(ihere + "/nnz/" + std::to_string(r)),
                             "more records with a weight than records in the cell");
      p.sums.push_back(std::move(v));
    }
    s.parts.push_back(std::move(p));
  }
  return s;
} catch (const nlohmann::json::exception& e) {
  io::rethrow_config_error(e, source);
}

}  // namespace commdx
