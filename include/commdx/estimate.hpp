#pragma once
// S1-S4, K1-K10, R3: design-based estimates of totals, means, proportions and ratios, with
// standard errors by Taylor linearisation, for a one-stage (ultimate-cluster) design: weights,
// strata, PSUs nested in strata, and a first-stage finite population correction.
//
// The formulas are those of R's survey package (svydesign / svymean / svytotal / svyratio /
// svyby, survey 4.x), and tests/cpp/test_estimate.cpp checks agreement to a relative 1e-9 on R's
// own output (fixtures and the R script that made them in tests/data/r/). In particular:
//  * Variance: per stratum h with n_h PSUs, (1 - n_h/N_h) n_h/(n_h - 1) sum_j (z_hj - mean_h z)^2,
//    where z_hj is the PSU total of the estimator's influence values (w y for a total,
//    w (y - ybar)/N for a mean, w (y - R x)/X for a ratio). Without fpc, the with-replacement
//    approximation (the factor 1 - n_h/N_h is 1). A stratum with 1 - n_h/N_h < 1e-7 (a census)
//    contributes nothing, so a census has zero sampling error.
//  * fpc: a population count of PSUs in the stratum when any value exceeds 1, else a sampling
//    fraction (N_h = n_h / fpc), as R's as.fpc decides; it must be constant within a stratum.
//  * PSU identity is (stratum, psu label): the same label in two strata is two PSUs (nest=TRUE).
//  * Without a psu column each record is its own PSU; without strata there is one stratum.
//  * Lonely PSUs (a stratum with one PSU), R's options(survey.lonely.psu=...): fail (R's default,
//    an error naming the stratum), remove and certainty (the stratum adds nothing), adjust (its
//    PSU total is centred at zero, the grand mean of the influence values), average (the other
//    strata's average contribution).
//  * Domains are estimated with the full design (R's svyby over a subset, which keeps every
//    PSU's count): influence values are zero outside the domain. A domain lacking a stratum
//    altogether leaves that stratum out (this matters only for lonely-PSU handling).
//  * Missing values: a record whose variable (or, for a ratio, numerator or denominator) is
//    missing is outside the domain of that estimate, as survey's na.rm=TRUE does. The count n
//    reports the records used.
//  * Calibrated designs (calibrate.hpp): estimates take the calibrated weights; an estimate's
//    influence values are the calibrated weight times the residual of its linearised value from
//    the design-weighted regression on the calibration variables (R's svyrecvar with the qr of a
//    calibrate() or postStratify() design), for every record, inside the domain or not; every
//    stratum then counts as present in every domain. docs/calibration.md.
//  * Design effect: against simple random sampling WITHOUT replacement of the same number of
//    records (R's deff=TRUE): v / (s^2 (N - n) / (N n)) for a mean, with s^2 the weighted
//    population-variance estimate n/(n-1) sum w (y - ybar)^2 / sum w and N = sum w; for a total
//    that times N^2, for a ratio the design effect of the total of its linearised variable. NaN
//    when it is undefined (a census, N < n for a mean, n < 2).
//  * Confidence intervals: means, totals and unbounded ratios use the Wald interval with the
//    Student quantile on the domain's design degrees of freedom (below), as Stata's svy and
//    R's svyciprop do, not the normal quantile of R's confint (which `interval_method::wald`,
//    ci = "wald", keeps): on a ward's 10-16 PSUs a +-1.96 SE interval holds only 92-93% of a t
//    distribution (docs/intervals.md). Missing at 0 degrees of freedom, as the logit interval;
//    [estimate, estimate] for a census. Proportions (a mean of a 0/1 variable, or a ratio
//    0 <= y <= x such as adults with an account / adults) use the logit-transformed interval of
//    R's svyciprop(method="logit"): expit(logit(p) +- t se / (p (1 - p))) with t the Student
//    quantile on the design's degrees of freedom in the domain (PSUs - strata with records of
//    the domain, R's degf, counted as svyciprop does before records missing the variable are
//    set aside). It stays inside [0, 1]. At 0 degrees of freedom (a domain inside one sampled
//    PSU) it is missing, as in R; p = 0 or 1 (no variation in the domain) and a census give
//    [p, p] (R's svyciprop gives NA for p = 0 or 1).
//
// Speed: all domain partitions (every level of the place hierarchy, any other column) are
// estimated in ONE pass over the records per variable: the pass accumulates sums per
// (finest domain cell x PSU); every partition then aggregates those few thousand sums. When the
// hierarchy nests in the PSUs (PSU = residential group) that is one set of sums per PSU.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/detail/calibration_residuals.hpp"
#include "commdx/detail/estimate_factor.hpp"
#include "commdx/detail/distributions.hpp"
#include "commdx/detail/interrupt.hpp"
#include "commdx/error.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"

namespace commdx {

/// R's options(survey.lonely.psu=...).
enum class lonely_psu { fail, remove, adjust, average, certainty };

inline const char* to_string(lonely_psu l) {
  switch (l) {
    case lonely_psu::fail: return "fail";
    case lonely_psu::remove: return "remove";
    case lonely_psu::adjust: return "adjust";
    case lonely_psu::average: return "average";
    case lonely_psu::certainty: return "certainty";
  }
  return "?";
}

inline std::optional<lonely_psu> parse_lonely_psu(std::string_view s) {
  for (lonely_psu l : {lonely_psu::fail, lonely_psu::remove, lonely_psu::adjust, lonely_psu::average,
                       lonely_psu::certainty})
    if (s == to_string(l)) return l;
  return std::nullopt;
}

/// The sampling design, as column names of the records table; an empty name is "not used".
struct survey_design {
  std::string weight;  ///< sampling weight column (finite, > 0); must be named unless `unweighted`
  /// Every record weighs 1. Only when the caller says so (weight=none, JSON "weight": null,
  /// Python SurveyDesign(weight=None)): a design that merely omits the weight is refused, since a
  /// weighted sample estimated unweighted gives wrong figures without a word.
  bool unweighted = false;
  std::string strata;  ///< stratum of the record (one stratum when empty)
  std::string psu;     ///< primary sampling unit (each record its own PSU when empty)
  std::string fpc;     ///< PSUs in the stratum's population, or the sampling fraction (< 1)
  lonely_psu lonely = lonely_psu::fail;

  nlohmann::json to_json() const {
    nlohmann::json j = {{"strata", strata}, {"psu", psu}, {"fpc", fpc}, {"lonely_psu", to_string(lonely)}};
    if (unweighted) j["weight"] = nullptr;
    else if (!weight.empty()) j["weight"] = weight;  // left out: not named (refused when used)
    return j;
  }
  static survey_design from_json(const nlohmann::json& j, const std::string& source = "<design>") try {
    survey_design d;
    if (!j.is_object()) throw config_error(location::in_file(source), "a design must be a JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      std::string v = it->is_null() ? std::string() : it->is_string() ? it->get<std::string>() : it->dump();
      d.set(k, v, source);
    }
    return d;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }
  /// "weight=w,strata=s,psu=p,fpc=f,lonely_psu=adjust" (any subset), as the command line takes it.
  static survey_design parse(std::string_view spec, const std::string& source = "--design") {
    survey_design d;
    std::size_t start = 0;
    while (start <= spec.size()) {
      std::size_t end = spec.find(',', start);
      if (end == std::string_view::npos) end = spec.size();
      std::string_view part = spec.substr(start, end - start);
      if (!part.empty()) {
        std::size_t eq = part.find('=');
        if (eq == std::string_view::npos)
          throw config_error(location::in_file(source).in_column(std::string(part)), "expected key=column");
        d.set(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)), source);
      }
      start = end + 1;
    }
    return d;
  }
  void set(const std::string& key, const std::string& value, const std::string& source) {
    if (key == "weight" || key == "weights") {
      // "none" (any case) or nothing: the caller says the sample is unweighted.
      std::string lower = value;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      unweighted = value.empty() || lower == "none";
      weight = unweighted ? std::string() : value;
    }
    else if (key == "strata" || key == "stratum") strata = value;
    else if (key == "psu" || key == "ids" || key == "cluster") psu = value;
    else if (key == "fpc") fpc = value;
    else if (key == "lonely_psu" || key == "lonely") {
      auto l = parse_lonely_psu(value);
      if (!l) throw config_error(location::in_file(source).in_column(key),
                                 "lonely_psu must be fail, remove, adjust, average or certainty, got '" + value + "'");
      lonely = *l;
    } else {
      throw config_error(location::in_file(source).in_column(key),
                         "unknown design key (weight, strata, psu, fpc, lonely_psu)");
    }
  }
};

enum class statistic_kind { mean, total, ratio };
/// wald: estimate +- z se (normal quantile, R's confint); wald_t: +- t_df se (Student, on the
/// domain's design degrees of freedom); logit: svyciprop(method = "logit") with t_df.
enum class interval_method { wald, logit, wald_t };

/// One estimate for one domain cell.
struct domain_estimate {
  double estimate = missing;
  double se = missing;
  double ci_low = missing;
  double ci_high = missing;
  double deff = missing;
  std::size_t n = 0;  ///< records in the domain with the variable present
  double df = missing;  ///< design degrees of freedom in the domain (PSUs - strata)
  /// False when the design cannot estimate the domain's sampling error: the domain lies inside a
  /// single PSU of a sampled stratum (df < 1; e.g. one residential group when PSU = group), so
  /// se comes out 0 although the estimate is uncertain. A census is estimable (se 0 is true).
  bool estimable = false;
};

/// The weighted sums of one variable over a set of records (one PSU's records in one cell of every
/// partition: a base cell) from which every estimate, SE, interval and design effect of the cells
/// above it is computed: records with the variable present (n), of them those with a nonzero
/// weight (nnz), and the sums of w, w y, w x, w y^2, w x^2 and w x y (x = 1 for a mean or total:
/// then swx = sw, swxx = sw, swxy = swy). Sums of disjoint sets of records add up, which is what
/// lets a city estimate from its wards' sums exactly as from their pooled records
/// (indicators/statistics.hpp).
struct cell_sums {
  double n = 0, nnz = 0, sw = 0, swy = 0, swx = 0, swyy = 0, swxx = 0, swxy = 0;
  void add(const cell_sums& o) {
    n += o.n; nnz += o.nnz; sw += o.sw; swy += o.swy; swx += o.swx; swyy += o.swyy; swxx += o.swxx; swxy += o.swxy;
  }
};

/// The design resolved on a table, plus any number of domain partitions; estimates every cell of
/// every partition in one pass over the records per variable. Holds references to nothing: the
/// table may go away after construction (the variables are passed to estimate()).
class domain_estimator {
 public:
  /// Text columns given as numeric codes (e.g. pandas categoricals) have their labels in
  /// `labels`: code k of column c reads labels.at(c)[k] in messages.
  using column_labels = std::map<std::string, std::vector<std::string>>;

  /// `calibration` (calibrate.hpp): estimate with its calibrated weights and take the SEs from the
  /// calibration residuals; `design` is then the design that was calibrated.
  domain_estimator(const table& t, survey_design design, const column_labels& labels = {},
                   std::shared_ptr<const detail::calibration_residuals> calibration = nullptr)
      : design_(std::move(design)), source_(t.source()), labels_(labels), cal_(std::move(calibration)) {
    rows_ = t.rows();
    resolve_design(t);
    if (cal_) attach_calibration();
  }

  const survey_design& design() const noexcept { return design_; }
  std::size_t rows() const noexcept { return rows_; }
  std::size_t psus() const noexcept { return stratum_of_psu_.size(); }
  std::size_t strata() const noexcept { return npsu_.size(); }
  const std::vector<double>& weights() const noexcept { return weight_; }

  /// Adds a partition of the records into domain cells by the values of `by` (no columns: the
  /// whole population, one cell). Missing values form a cell of their own. Returns its index.
  std::size_t add_domains(const table& t, const std::vector<std::string>& by) {
    partition p;
    p.by = by;
    p.cell.assign(rows_, 0);
    std::size_t levels = 1;
    p.first_row.assign(rows_ > 0 ? 1 : 0, 0);
    for (const auto& col : by) {
      if (t.rows() != rows_)
        throw input_error(location::in_file(t.source()).in_column(col), "domain table has a different number of rows");
      detail::factor f = detail::factorize(t, col);
      levels = detail::combine_codes(p.cell, levels, f.code, f.levels(), p.first_row);
    }
    p.cells = rows_ > 0 ? levels : 0;
    for (const auto& col : by) {  // labels of each cell, from its first record
      std::vector<std::string> labels;
      labels.reserve(p.cells);
      for (std::size_t c = 0; c < p.cells; ++c) labels.push_back(text_of(t, col, p.first_row[c], labels_));
      p.labels.push_back(std::move(labels));
    }
    partitions_.push_back(std::move(p));
    built_ = false;
    return partitions_.size() - 1;
  }

  std::size_t partitions() const noexcept { return partitions_.size(); }
  std::size_t cells(std::size_t which) const { return partitions_.at(which).cells; }
  /// The value of by-column k in a cell, as text.
  const std::string& label(std::size_t which, std::size_t k, std::size_t cell) const {
    return partitions_.at(which).labels.at(k).at(cell);
  }
  /// The first record of a cell (to read its by-values in their own type).
  std::size_t first_row(std::size_t which, std::size_t cell) const {
    return partitions_.at(which).first_row.at(cell);
  }

  /// Estimates for every cell of every partition: result[partition][cell]. `y` has rows()
  /// values (NaN missing); `x` is the ratio's denominator (nullptr for mean and total).
  std::vector<std::vector<domain_estimate>> estimate(const double* y, const double* x, statistic_kind stat,
                                                     interval_method ci, double level = 0.95,
                                                     const std::string& variable = "") const {
    detail::check_interrupt();  // one check per variable: a pass over the records takes milliseconds
    check_request(x, stat, level, variable);
    std::vector<sums> base = base_sums(y, stat == statistic_kind::ratio ? x : nullptr);
    for (const sums& s : base)
      for (double v : {s.sw, s.swy, s.swx, s.swyy, s.swxx, s.swxy}) check_finite(v, variable, y, x);
    std::vector<double> base_a, base_b;  // calibrated designs: design-weighted sums of basis * y, basis * x
    if (cal_) accumulate_basis(y, stat == statistic_kind::ratio ? x : nullptr, base_a, base_b);
    return estimate_base(base, base_a, base_b, stat, ci, level, variable,
                         [&](double se) { check_finite(se, variable, y, x); });
  }

  /// The base cells: one PSU's records in one cell of every partition (a PSU is one base cell
  /// while every partition nests in the PSUs). Valid until the next add_domains.
  std::size_t base_cells() const {
    build();
    return base_cells_;
  }
  /// The first record of base cell `b` (its stratum, PSU and every partition's by-values).
  std::size_t base_first_row(std::size_t b) const {
    build();
    return base_first_row_.at(b);
  }
  /// The sums of `y` (and of the ratio's denominator `x`; nullptr for a mean or total) per base
  /// cell, in base cell order.
  std::vector<cell_sums> base_sums(const double* y, const double* x) const {
    build();
    std::vector<sums> base(base_cells_);
    accumulate(y, x, base);
    return base;
  }

  /// Estimates as estimate() gives them, from sums accumulated elsewhere: `row_sums[r]` stands for
  /// all the records that row r of this estimator's table stands for (a table of base cells,
  /// indicators/statistics.hpp: one row per PSU and cell, with its stratum, PSU, fpc and by
  /// columns, estimated unweighted). The design facts (PSUs per stratum, fpc, degrees of
  /// freedom) are the table's; the sums are the records'.
  std::vector<std::vector<domain_estimate>> estimate_sums(const std::vector<cell_sums>& row_sums, statistic_kind stat,
                                                          interval_method ci, double level = 0.95,
                                                          const std::string& variable = "") const {
    detail::check_interrupt();
    if (cal_)  // the calibration residuals need the records (they are not in the cell sums)
      throw config_error(location::in_file(source_).in_column(variable),
                         "a calibrated design estimates from its records, not from sums");
    if (row_sums.size() != rows_)
      throw config_error(location::in_file(source_).in_column(variable),
                         "sums for " + std::to_string(row_sums.size()) + " rows, the table has " + std::to_string(rows_));
    check_request(&row_sums, stat, level, variable);  // a ratio's denominator is in the sums
    build();
    std::vector<sums> base(base_cells_);
    for (std::size_t r = 0; r < rows_; ++r) base[base_of_row_[r]].add(row_sums[r]);
    auto overflow = [&](double v) {
      if (std::isinf(v))
        throw input_error(location::in_file(source_).in_column(variable),
                          "weighted sums overflow a double; the weights or values are too large to estimate with");
    };
    for (const sums& s : base)
      for (double v : {s.sw, s.swy, s.swx, s.swyy, s.swxx, s.swxy}) overflow(v);
    return estimate_base(base, {}, {}, stat, ci, level, variable, overflow);
  }

  /// The text of a record's value in column `col` (a numeric code of a labelled column reads
  /// its label).
  std::string cell_label(const table& t, const std::string& col, std::size_t row) const {
    return text_of(t, col, row, labels_);
  }

 private:
  using sums = cell_sums;

  // `x` is any non-null pointer when the request has a denominator.
  void check_request(const void* x, statistic_kind stat, double level, const std::string& variable) const {
    if (!(level > 0.0 && level < 1.0))
      throw config_error(location::in_file(source_).in_column("level"), "confidence level must be strictly between 0 and 1");
    if (stat == statistic_kind::ratio && x == nullptr)
      throw config_error(location::in_file(source_).in_column(variable), "a ratio needs a denominator");
  }

  // base_a, base_b: a calibrated design's design-weighted sums of basis * y and basis * x per
  // base cell (accumulate_basis); empty otherwise.
  template <class CheckSe>
  std::vector<std::vector<domain_estimate>> estimate_base(const std::vector<sums>& base, const std::vector<double>& base_a,
                                                          const std::vector<double>& base_b, statistic_kind stat,
                                                          interval_method ci, double level, const std::string& variable,
                                                          CheckSe check_se) const {
    std::vector<std::vector<domain_estimate>> out;
    out.reserve(partitions_.size());
    for (const auto& p : partitions_) {
      out.push_back(estimate_partition(p, base, base_a, base_b, stat, ci, level, variable));
      for (const auto& e : out.back())
        if (e.n > 0 && std::isfinite(e.estimate)) check_se(e.se);  // NaN: undefined, not overflow
    }
    return out;
  }
  struct partition {
    std::vector<std::string> by;
    std::vector<std::uint32_t> cell;      // per row
    std::vector<std::size_t> first_row;   // per cell
    std::size_t cells = 0;
    std::vector<std::vector<std::string>> labels;  // [by column][cell]
    // filled by build(): base cell -> (cell, psu) pair; pairs ordered by (cell, stratum)
    std::vector<std::uint32_t> pair_of_base;
    std::vector<std::uint32_t> pair_cell, pair_psu;
    std::vector<std::uint32_t> order;  // pairs sorted by (cell, stratum, psu)
    std::vector<double> df;            // design degrees of freedom per cell
  };

  location where(std::size_t row, const std::string& col) const { return location::in_file(source_).at_row(row + 1).in_column(col); }

  // Weighted sums of finite values can still overflow a double (a weight of 1e308, or a huge
  // value times a large weight): the estimate would then be inf/inf or 0 with an SE of 0, a
  // wrong figure. Refuse, naming the record with the largest |w y| (or weight) as the culprit.
  void check_finite(double value, const std::string& variable, const double* y, const double* x) const {
    if (!std::isinf(value)) return;
    std::size_t worst = 0;
    double largest = -1;
    for (std::size_t r = 0; r < rows_; ++r) {
      double m = weight_[r];
      if (!std::isnan(y[r])) m = std::max(m, std::fabs(weight_[r] * y[r]));
      if (x != nullptr && !std::isnan(x[r])) m = std::max(m, std::fabs(weight_[r] * x[r]));
      if (std::isnan(m) || std::isinf(m)) m = std::numeric_limits<double>::max();
      if (m > largest) { largest = m; worst = r; }
    }
    throw input_error(where(worst, variable),
                      "weighted sums overflow a double (weight " + format_number(weight_[worst]) +
                          (std::isnan(y[worst]) ? std::string() : ", value " + format_number(y[worst])) +
                          "); the weights or values are too large to estimate with");
  }

  void resolve_design(const table& t) {
    // weights
    weight_.assign(rows_, 1.0);
    if (design_.weight.empty() && !design_.unweighted)
      throw config_error(location::in_file(source_).in_column("weight"),
                         "the design names no weight column: give weight=<column>, or weight=none for an unweighted sample");
    if (!design_.weight.empty()) {
      const auto& w = t.numeric(design_.weight);
      double total = 0;
      std::size_t largest = 0;
      for (std::size_t r = 0; r < rows_; ++r) {
        if (!(w[r] > 0.0) || std::isinf(w[r]))
          throw input_error(where(r, design_.weight),
                            std::isnan(w[r]) ? "missing sampling weight" : "sampling weight must be a finite number > 0, got " + format_number(w[r]));
        total += w[r];
        if (std::isinf(total))
          throw input_error(where(r, design_.weight),
                            "the sum of the sampling weights overflows at this row (weight " + format_number(w[r]) + ")");
        weight_[r] = w[r];
        if (w[r] > weight_[largest]) largest = r;
      }
      // The variances and design effects square the estimated population (the sum of the
      // weights): beyond sqrt(DBL_MAX) ~ 1.3e154 they overflow to inf/0 and a mean comes out
      // with SE 0 (issue 11: one weight of 1e308). No population of households is that large.
      if (rows_ > 0 && !std::isfinite(total * total))
        throw input_error(where(largest, design_.weight),
                          "the sampling weights sum to " + format_number(total) + " (this row: " + format_number(w[largest]) +
                              "), too large for the variance formulas, which square it; weights count the households a record stands for");
    }
    // strata
    std::vector<std::uint32_t> stratum(rows_, 0);
    std::size_t nstrata = rows_ > 0 ? 1 : 0;
    stratum_first_row_.assign(nstrata, 0);
    if (!design_.strata.empty()) {
      detail::factor f = detail::factorize(t, design_.strata);
      check_no_missing(t, design_.strata, f);
      stratum = std::move(f.code);
      nstrata = f.levels();
      stratum_first_row_ = std::move(f.first_row);
    }
    // PSUs: (stratum, label) pairs
    psu_of_row_ = stratum;
    std::vector<std::size_t> psu_first;
    std::size_t npsu_total;
    if (!design_.psu.empty()) {
      detail::factor f = detail::factorize(t, design_.psu);
      check_no_missing(t, design_.psu, f);
      npsu_total = detail::combine_codes(psu_of_row_, nstrata, f.code, f.levels(), psu_first);
    } else {
      std::vector<std::uint32_t> ids(rows_);
      std::iota(ids.begin(), ids.end(), 0u);
      npsu_total = detail::combine_codes(psu_of_row_, nstrata, ids, rows_, psu_first);
    }
    stratum_of_psu_.resize(npsu_total);
    npsu_.assign(nstrata, 0);
    for (std::size_t p = 0; p < npsu_total; ++p) {
      stratum_of_psu_[p] = stratum[psu_first[p]];
      ++npsu_[stratum_of_psu_[p]];
    }
    // fpc -> the factor (N_h - n_h) / N_h per stratum (1 without fpc)
    fpc_factor_.assign(nstrata, 1.0);
    if (!design_.fpc.empty()) {
      const auto& f = t.numeric(design_.fpc);
      bool any_above_one = false, all_at_least_one = true;
      for (std::size_t r = 0; r < rows_; ++r) {
        if (!(f[r] > 0.0))
          throw input_error(where(r, design_.fpc), std::isnan(f[r]) ? "missing fpc" : "fpc must be > 0, got " + format_number(f[r]));
        any_above_one = any_above_one || f[r] > 1.0;
        all_at_least_one = all_at_least_one && f[r] >= 1.0;
      }
      if (any_above_one != all_at_least_one)
        throw input_error(location::in_file(source_).in_column(design_.fpc),
                          "fpc mixes population counts (> 1) and sampling fractions (< 1)");
      std::vector<double> value(nstrata, missing);
      for (std::size_t r = 0; r < rows_; ++r) {
        double& v = value[stratum[r]];
        if (is_missing(v)) v = f[r];
        else if (v != f[r])
          throw input_error(where(r, design_.fpc), "fpc varies within stratum " + stratum_name(t, stratum[r]) +
                                                      " (" + format_number(v) + " and " + format_number(f[r]) + ")");
      }
      for (std::size_t h = 0; h < nstrata; ++h) {
        const double n = static_cast<double>(npsu_[h]);
        const double N = any_above_one ? value[h] : n / value[h];
        if (N < n)
          throw input_error(location::in_file(source_).in_column(design_.fpc),
                            "fpc implies more than 100% sampling in stratum " + stratum_name(t, static_cast<std::uint32_t>(h)) +
                                ": " + std::to_string(npsu_[h]) + " PSUs sampled of " + format_number(N));
        fpc_factor_[h] = std::isinf(N) ? 1.0 : (N - n) / N;
      }
    }
    for (std::size_t h = 0; h < nstrata; ++h) stratum_names_.push_back(stratum_name(t, static_cast<std::uint32_t>(h)));
  }

  std::string stratum_name(const table& t, std::uint32_t h) const {
    if (design_.strata.empty()) return "(the only stratum)";
    return "'" + text_of(t, design_.strata, stratum_first_row_[h], labels_) + "'";
  }

  static std::string text_of(const table& t, const std::string& col, std::size_t row, const column_labels& labels) {
    auto it = labels.find(col);
    if (it != labels.end() && t.is_numeric(col)) {
      const double v = t.numeric(col)[row];
      if (v >= 0 && static_cast<std::size_t>(v) < it->second.size()) return it->second[static_cast<std::size_t>(v)];
    }
    return t.cell_text(col, row);
  }

  void check_no_missing(const table& t, const std::string& col, const detail::factor& f) const {
    for (std::size_t lvl = 0; lvl < f.levels(); ++lvl) {
      const std::size_t r = f.first_row[lvl];
      if (t.cell_text(col, r).empty()) throw input_error(where(r, col), "missing design value");
    }
  }

  // The finest cells: (PSU, cell of every partition). Each partition's (cell, PSU) pairs are
  // unions of them, found once here rather than per variable.
  void build() const {
    if (built_) return;
    base_of_row_ = psu_of_row_;
    std::size_t levels = stratum_of_psu_.size();
    std::vector<std::size_t> first(levels);
    // base cell = PSU until a partition splits a PSU
    {
      std::vector<std::size_t> psu_first(levels, std::numeric_limits<std::size_t>::max());
      for (std::size_t r = rows_; r-- > 0;) psu_first[psu_of_row_[r]] = r;
      first = psu_first;
    }
    for (const auto& p : partitions_) {
      if (p.cells <= 1 || nests_in_psus(p)) continue;
      levels = detail::combine_codes(base_of_row_, levels, p.cell, p.cells, first);
    }
    base_cells_ = levels;
    base_first_row_ = first;
    std::vector<char> base_weighted(base_cells_, 0);  // has a record with a nonzero weight
    for (std::size_t r = 0; r < rows_; ++r)
      if (weight_[r] != 0.0) base_weighted[base_of_row_[r]] = 1;
    for (auto& p : partitions_) {
      std::vector<std::uint32_t> pair_key(base_cells_);
      for (std::size_t b = 0; b < base_cells_; ++b) pair_key[b] = psu_of_row_[first[b]];
      std::vector<std::uint32_t> cell_of_base(base_cells_);
      for (std::size_t b = 0; b < base_cells_; ++b) cell_of_base[b] = p.cells > 0 ? p.cell[first[b]] : 0;
      std::vector<std::size_t> pair_first;
      const std::size_t npairs = detail::combine_codes(pair_key, stratum_of_psu_.size(), cell_of_base,
                                                       std::max<std::size_t>(p.cells, 1), pair_first);
      p.pair_of_base = std::move(pair_key);
      p.pair_cell.resize(npairs);
      p.pair_psu.resize(npairs);
      for (std::size_t k = 0; k < npairs; ++k) {
        p.pair_cell[k] = cell_of_base[pair_first[k]];
        p.pair_psu[k] = psu_of_row_[first[pair_first[k]]];
      }
      p.order.resize(npairs);
      std::iota(p.order.begin(), p.order.end(), 0u);
      std::sort(p.order.begin(), p.order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (p.pair_cell[a] != p.pair_cell[b]) return p.pair_cell[a] < p.pair_cell[b];
        const auto sa = stratum_of_psu_[p.pair_psu[a]], sb = stratum_of_psu_[p.pair_psu[b]];
        if (sa != sb) return sa < sb;
        return p.pair_psu[a] < p.pair_psu[b];
      });
      // R's degf of the domain: PSUs minus strata among its records with a nonzero weight,
      // whether or not the variable is present (svyciprop's df = degf(design) on the domain).
      std::vector<char> pair_weighted(npairs, 0);
      for (std::size_t b = 0; b < base_cells_; ++b)
        if (base_weighted[b]) pair_weighted[p.pair_of_base[b]] = 1;
      p.df.assign(p.cells, 0.0);
      std::uint32_t last_cell = detail::no_code, last_stratum = detail::no_code;
      for (std::uint32_t k : p.order) {
        if (!pair_weighted[k]) continue;
        const std::uint32_t c = p.pair_cell[k], h = stratum_of_psu_[p.pair_psu[k]];
        p.df[c] += 1.0;
        if (c != last_cell || h != last_stratum) p.df[c] -= 1.0;
        last_cell = c;
        last_stratum = h;
      }
    }
    built_ = true;
  }

  bool nests_in_psus(const partition& p) const {
    std::vector<std::uint32_t> cell_of_psu(stratum_of_psu_.size(), detail::no_code);
    for (std::size_t r = 0; r < rows_; ++r) {
      std::uint32_t& c = cell_of_psu[psu_of_row_[r]];
      if (c == detail::no_code) c = p.cell[r];
      else if (c != p.cell[r]) return false;
    }
    return true;
  }

  // One pass over the records. Records come in runs of the same cell (files are sorted by
  // place), so sums stay in registers within a run; missing values are masked without branches.
  void accumulate(const double* y, const double* x, std::vector<sums>& base) const {
    const std::uint32_t* b = base_of_row_.data();
    const double* w = weight_.data();
    std::size_t r = 0;
    if (x == nullptr) {
      while (r < rows_) {
        const std::uint32_t cell = b[r];
        double n = 0, nnz = 0, sw = 0, swy = 0, swyy = 0;
        for (; r < rows_ && b[r] == cell; ++r) {
          const double v = y[r];
          const bool ok = !std::isnan(v);
          const double wi = ok ? w[r] : 0.0, vi = ok ? v : 0.0, wv = wi * vi;
          n += ok ? 1.0 : 0.0;
          nnz += wi != 0.0 ? 1.0 : 0.0;
          sw += wi;
          swy += wv;
          swyy += wv * vi;
        }
        sums& s = base[cell];
        s.n += n; s.nnz += nnz; s.sw += sw; s.swy += swy; s.swyy += swyy;
      }
      for (auto& s : base) { s.swx = s.sw; s.swxx = s.sw; s.swxy = s.swy; }
    } else {
      while (r < rows_) {
        const std::uint32_t cell = b[r];
        double n = 0, nnz = 0, sw = 0, swy = 0, swx = 0, swyy = 0, swxx = 0, swxy = 0;
        for (; r < rows_ && b[r] == cell; ++r) {
          const double v = y[r], u = x[r];
          const bool ok = !std::isnan(v) && !std::isnan(u);
          const double wi = ok ? w[r] : 0.0, vi = ok ? v : 0.0, ui = ok ? u : 0.0;
          const double wv = wi * vi, wu = wi * ui;
          n += ok ? 1.0 : 0.0;
          nnz += wi != 0.0 ? 1.0 : 0.0;
          sw += wi;
          swy += wv;
          swx += wu;
          swyy += wv * vi;
          swxx += wu * ui;
          swxy += wv * ui;
        }
        sums& s = base[cell];
        s.n += n; s.nnz += nnz; s.sw += sw; s.swy += swy; s.swx += swx; s.swyy += swyy; s.swxx += swxx; s.swxy += swxy;
      }
    }
  }

  std::vector<domain_estimate> estimate_partition(const partition& p, const std::vector<sums>& base,
                                                  const std::vector<double>& base_a, const std::vector<double>& base_b,
                                                  statistic_kind stat, interval_method ci, double level,
                                                  const std::string& variable) const {
    const std::size_t npairs = p.pair_cell.size();
    std::vector<sums> pair(npairs);
    for (std::size_t b = 0; b < base.size(); ++b) pair[p.pair_of_base[b]].add(base[b]);
    std::vector<sums> cell(p.cells);
    for (std::size_t k = 0; k < npairs; ++k) cell[p.pair_cell[k]].add(pair[k]);

    std::vector<domain_estimate> out(p.cells);
    std::vector<double> est(p.cells, missing), scale(p.cells, missing);
    for (std::size_t c = 0; c < p.cells; ++c) {
      const sums& s = cell[c];
      out[c].n = static_cast<std::size_t>(s.n);
      if (s.n == 0) continue;
      switch (stat) {
        case statistic_kind::total: est[c] = s.swy; scale[c] = 1.0; break;
        case statistic_kind::mean: est[c] = s.swy / s.sw; scale[c] = s.sw; break;
        case statistic_kind::ratio: est[c] = s.swy / s.swx; scale[c] = s.swx; break;
      }
    }
    const double z_level = detail::normal_quantile(1.0 - 0.5 * (1.0 - level));
    // Calibrated designs: each cell's regression coefficients of its linearised values on the
    // (orthonormalised) calibration variables, beta_c = sum_k w_k basis_k z_k.
    const std::size_t rank = cal_ ? cal_->rank : 0;
    std::vector<double> beta;
    if (cal_) beta = calibration_coefficients(p, base_a, base_b, est, scale, stat);
    // Walk the pairs cell by cell, stratum by stratum.
    std::size_t k = 0;
    std::vector<double> z, zpsu;
    while (k < npairs) {
      const std::uint32_t c = p.pair_cell[p.order[k]];
      double variance = 0;
      std::size_t strata_present = 0, strata_ok = 0;
      bool census = true;
      auto add_stratum = [&](std::uint32_t h) {  // z: the stratum's PSU totals of influence values
        ++strata_present;
        const double f = fpc_factor_[h];
        const std::size_t nh = npsu_[h];
        if (f < 1e-7) { ++strata_ok; return; }  // self-representing (census) stratum
        census = false;
        if (nh > 1) {
          double s1 = 0;
          for (double v : z) s1 += v;
          const double mean = s1 / static_cast<double>(nh);
          double ss = static_cast<double>(nh - z.size()) * mean * mean;
          for (double v : z) ss += (v - mean) * (v - mean);
          variance += f * static_cast<double>(nh) / static_cast<double>(nh - 1) * ss;
          ++strata_ok;
          return;
        }
        switch (design_.lonely) {
          case lonely_psu::fail:
            throw input_error(location::in_file(source_).in_column(design_.strata),
                              "stratum " + stratum_names_[h] + " has only one PSU" +
                                  (variable.empty() ? std::string() : " (estimating '" + variable + "')") +
                                  "; choose lonely_psu = remove, adjust, average or certainty");
          case lonely_psu::remove:
          case lonely_psu::certainty: ++strata_ok; break;
          case lonely_psu::adjust: variance += f * z[0] * z[0]; ++strata_ok; break;
          case lonely_psu::average: break;
        }
      };
      if (cal_) {
        // Every PSU carries the regression part of the residual, inside the cell or not.
        const double* bc = beta.data() + static_cast<std::size_t>(c) * rank;
        zpsu.assign(psus(), 0.0);
        for (std::size_t j = 0; j < zpsu.size(); ++j) {
          const double* cj = psu_basis_.data() + j * rank;
          double fit = 0;
          for (std::size_t q = 0; q < rank; ++q) fit += cj[q] * bc[q];
          zpsu[j] = -fit;
        }
        for (; k < npairs && p.pair_cell[p.order[k]] == c; ++k) {
          const sums& s = pair[p.order[k]];
          if (s.n == 0) continue;
          zpsu[p.pair_psu[p.order[k]]] += stat == statistic_kind::total ? s.swy : (s.swy - est[c] * s.swx) / scale[c];
        }
        for (std::uint32_t h = 0; h < psus_of_stratum_.size(); ++h) {
          z.clear();
          for (std::uint32_t j : psus_of_stratum_[h]) z.push_back(zpsu[j]);
          add_stratum(h);
        }
      }
      while (k < npairs && p.pair_cell[p.order[k]] == c) {
        const std::uint32_t h = stratum_of_psu_[p.pair_psu[p.order[k]]];
        z.clear();
        bool present = false;
        for (; k < npairs && p.pair_cell[p.order[k]] == c && stratum_of_psu_[p.pair_psu[p.order[k]]] == h; ++k) {
          const sums& s = pair[p.order[k]];
          if (s.n == 0) continue;
          present = true;
          const double lin = stat == statistic_kind::total ? s.swy : (s.swy - est[c] * s.swx) / scale[c];
          z.push_back(lin);
        }
        if (present) add_stratum(h);
      }
      if (strata_ok < strata_present)
        variance = strata_ok == 0 ? missing : variance * static_cast<double>(strata_present) / static_cast<double>(strata_ok);
      domain_estimate& e = out[c];
      if (e.n == 0) continue;
      e.estimate = est[c];
      e.se = std::sqrt(variance);
      e.df = p.df[c];
      e.estimable = census || e.df >= 1.0;
      e.deff = design_effect(cell[c], est[c], variance, stat);
      set_interval(e, ci, level, z_level);
    }
    return out;
  }

  // Calibrated weights replace the design's; the design's own weights must be the ones that
  // were calibrated (the same records in the same order).
  void attach_calibration() {
    const auto& c = *cal_;
    if (c.weights.size() != rows_ || c.original.size() != rows_ || c.basis.size() != rows_ * c.rank)
      throw input_error(location::in_file(source_),
                        "the calibrated design was made on " + std::to_string(c.weights.size()) + " records, this table has " +
                            std::to_string(rows_) + "; estimate from the records that were calibrated");
    for (std::size_t r = 0; r < rows_; ++r)
      if (c.original[r] != weight_[r])
        throw input_error(where(r, design_.weight.empty() ? std::string("weight") : design_.weight),
                          "weight " + format_number(weight_[r]) + " is not the " + format_number(c.original[r]) +
                              " the calibration started from; estimate from the records that were calibrated");
    weight_ = c.weights;
    psu_basis_.assign(psus() * c.rank, 0.0);
    for (std::size_t r = 0; r < rows_; ++r) {
      double* cj = psu_basis_.data() + static_cast<std::size_t>(psu_of_row_[r]) * c.rank;
      const double* b = c.basis.data() + r * c.rank;
      for (std::size_t q = 0; q < c.rank; ++q) cj[q] += weight_[r] * b[q];
    }
    psus_of_stratum_.assign(npsu_.size(), {});
    for (std::uint32_t j = 0; j < stratum_of_psu_.size(); ++j) psus_of_stratum_[stratum_of_psu_[j]].push_back(j);
  }

  // Per base cell: sum of w basis y and of w basis x (x = 1 for a mean) over the records that
  // have the variable, w the design weight before calibration.
  void accumulate_basis(const double* y, const double* x, std::vector<double>& a, std::vector<double>& b) const {
    const std::size_t rank = cal_->rank;
    a.assign(base_cells_ * rank, 0.0);
    b.assign(base_cells_ * rank, 0.0);
    for (std::size_t r = 0; r < rows_; ++r) {
      if (std::isnan(y[r]) || (x != nullptr && std::isnan(x[r]))) continue;
      const double w = cal_->original[r], u = x != nullptr ? x[r] : 1.0;
      const double* q = cal_->basis.data() + r * rank;
      double* ar = a.data() + static_cast<std::size_t>(base_of_row_[r]) * rank;
      double* br = b.data() + static_cast<std::size_t>(base_of_row_[r]) * rank;
      for (std::size_t j = 0; j < rank; ++j) {
        ar[j] += w * y[r] * q[j];
        br[j] += w * u * q[j];
      }
    }
  }

  // beta_c = sum over the cell's records of w basis z, z = (y - est x) / scale (y for a total).
  std::vector<double> calibration_coefficients(const partition& p, const std::vector<double>& base_a,
                                               const std::vector<double>& base_b, const std::vector<double>& est,
                                               const std::vector<double>& scale, statistic_kind stat) const {
    const std::size_t rank = cal_->rank;
    std::vector<double> a(p.cells * rank, 0.0), b(p.cells * rank, 0.0);
    for (std::size_t base = 0; base < base_cells_; ++base) {
      const std::size_t c = p.pair_cell[p.pair_of_base[base]];
      for (std::size_t q = 0; q < rank; ++q) {
        a[c * rank + q] += base_a[base * rank + q];
        b[c * rank + q] += base_b[base * rank + q];
      }
    }
    for (std::size_t c = 0; c < p.cells; ++c) {
      if (std::isnan(est[c])) continue;
      for (std::size_t q = 0; q < rank; ++q) {
        double& v = a[c * rank + q];
        v = stat == statistic_kind::total ? v : (v - est[c] * b[c * rank + q]) / scale[c];
      }
    }
    return a;
  }

  static double design_effect(const sums& s, double est, double variance, statistic_kind stat) {
    const double N = s.sw, n = s.nnz;
    if (n < 2) return missing;
    double ssq;  // sum w (linearised value)^2, before the 1/N^2 or 1/X^2 scale
    switch (stat) {
      case statistic_kind::mean:
        if (N < n) return missing;  // R: "are weights correctly scaled?"
        ssq = s.swyy - est * s.swy;
        return variance / (ssq * (N - n) / ((n - 1) * N * N));
      case statistic_kind::total: {
        const double mean = s.swy / s.sw;
        ssq = s.swyy - mean * s.swy;
        return variance / (ssq * (N - n) / (n - 1));
      }
      case statistic_kind::ratio:
        ssq = (s.swyy - 2.0 * est * s.swxy + est * est * s.swxx) / (s.swx * s.swx);
        return variance / (ssq * (N - n) / (n - 1));
    }
    return missing;
  }

  static void set_interval(domain_estimate& e, interval_method ci, double level, double z_level) {
    const double p = e.estimate, se = e.se;
    if (ci == interval_method::logit && p >= 0.0 && p <= 1.0) {
      if (!e.estimable || std::isnan(se)) {  // R's svyciprop: NA at 0 degrees of freedom
        e.ci_low = e.ci_high = missing;
        return;
      }
      if (!(se > 0.0) || p == 0.0 || p == 1.0) {  // a census, or no variation in the domain
        e.ci_low = e.ci_high = p;
        return;
      }
      const double q = detail::t_quantile(1.0 - 0.5 * (1.0 - level), e.df);
      const double l = std::log(p / (1.0 - p)), h = q * se / (p * (1.0 - p));
      e.ci_low = 1.0 / (1.0 + std::exp(-(l - h)));
      e.ci_high = 1.0 / (1.0 + std::exp(-(l + h)));
      return;
    }
    if (ci == interval_method::wald_t) {
      if (!e.estimable || std::isnan(se)) {  // no degrees of freedom: no t quantile
        e.ci_low = e.ci_high = missing;
        return;
      }
      const double q = se > 0.0 ? detail::t_quantile(1.0 - 0.5 * (1.0 - level), e.df) : 0.0;  // se 0: a census
      e.ci_low = p - q * se;
      e.ci_high = p + q * se;
      return;
    }
    e.ci_low = p - z_level * se;
    e.ci_high = p + z_level * se;
  }

  survey_design design_;
  std::string source_;
  column_labels labels_;
  std::size_t rows_ = 0;
  std::vector<double> weight_;
  std::vector<std::uint32_t> psu_of_row_;     // global PSU index per row
  std::vector<std::uint32_t> stratum_of_psu_;
  std::vector<std::size_t> npsu_;              // PSUs per stratum
  std::vector<double> fpc_factor_;             // (N_h - n_h) / N_h
  std::vector<std::size_t> stratum_first_row_;
  std::vector<std::string> stratum_names_;
  mutable std::vector<partition> partitions_;
  mutable std::vector<std::uint32_t> base_of_row_;
  mutable std::size_t base_cells_ = 0;
  mutable std::vector<std::size_t> base_first_row_;  // per base cell
  mutable bool built_ = false;
  std::shared_ptr<const detail::calibration_residuals> cal_;
  std::vector<double> psu_basis_;  // calibrated designs: per PSU, sum of w_cal basis (PSUs x rank)
  std::vector<std::vector<std::uint32_t>> psus_of_stratum_;
};

/// Which interval: "auto" takes the logit interval for proportions (every present value 0 or 1
/// for a mean; 0 <= y <= x on every record for a ratio), Wald with the Student quantile on the
/// domain's degrees of freedom otherwise; "wald" the Wald interval with the normal quantile
/// (R's confint), "wald_t" and "logit" force theirs.
enum class interval_choice { automatic, wald, logit, wald_t };

namespace detail {
inline bool is_binary(const std::vector<double>& y) {
  for (double v : y)
    if (!std::isnan(v) && v != 0.0 && v != 1.0) return false;
  return true;
}
inline bool is_share(const std::vector<double>& y, const std::vector<double>& x) {
  for (std::size_t r = 0; r < y.size(); ++r)
    if (!std::isnan(y[r]) && !std::isnan(x[r]) && !(y[r] >= 0.0 && y[r] <= x[r])) return false;
  return true;
}

/// Cells sorted by their by-values (numbers numerically, text as bytes), for stable output.
inline std::vector<std::size_t> sorted_cells(const domain_estimator& est, const table& t,
                                             const std::vector<std::string>& by) {
  std::vector<std::size_t> order(est.cells(0));
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t k = 0; k < by.size(); ++k) {
      const std::size_t ra = est.first_row(0, a), rb = est.first_row(0, b);
      if (t.is_numeric(by[k])) {
        const double va = t.numeric(by[k])[ra], vb = t.numeric(by[k])[rb];
        if (std::isnan(va) != std::isnan(vb)) return std::isnan(vb);  // missing last
        if (va != vb && !std::isnan(va)) return va < vb;
      } else {
        const std::string& va = t.text(by[k])[ra];
        const std::string& vb = t.text(by[k])[rb];
        if (va != vb) return va < vb;
      }
    }
    return false;
  });
  return order;
}

inline table estimates_table(const table& t, const std::vector<std::string>& by, const domain_estimator& est,
                             const std::vector<std::string>& variables,
                             const std::vector<std::vector<domain_estimate>>& results) {
  const auto order = sorted_cells(est, t, by);
  table out("estimates");
  const std::size_t rows = order.size() * variables.size();
  for (const auto& col : by) {
    if (t.is_numeric(col)) {
      numeric_column v;
      v.reserve(rows);
      for (std::size_t i = 0; i < variables.size(); ++i)
        for (std::size_t c : order) v.push_back(t.numeric(col)[est.first_row(0, c)]);
      out.set(col, std::move(v));
    } else {
      text_column v;
      v.reserve(rows);
      for (std::size_t i = 0; i < variables.size(); ++i)
        for (std::size_t c : order) v.push_back(t.text(col)[est.first_row(0, c)]);
      out.set(col, std::move(v));
    }
  }
  text_column var;
  numeric_column e, se, lo, hi, deff, n;
  for (std::size_t i = 0; i < variables.size(); ++i)
    for (std::size_t c : order) {
      const domain_estimate& d = results[i][c];
      var.push_back(variables[i]);
      e.push_back(d.estimate);
      se.push_back(d.se);
      lo.push_back(d.ci_low);
      hi.push_back(d.ci_high);
      deff.push_back(d.deff);
      n.push_back(static_cast<double>(d.n));
    }
  out.set("variable", std::move(var));
  out.set("estimate", std::move(e));
  out.set("se", std::move(se));
  out.set("ci_low", std::move(lo));
  out.set("ci_high", std::move(hi));
  out.set("deff", std::move(deff));
  out.set("n", std::move(n));
  return out;
}
}  // namespace detail

/// Means (stat = mean) or totals (stat = total) of `variables` under `design`, overall or per
/// domain cell of the `by` columns. Returns a table: the by columns, then variable, estimate,
/// se, ci_low, ci_high, deff, n; cells sorted by their by-values, variables in the given order.
inline table estimate(const table& t, const survey_design& design, const std::vector<std::string>& variables,
                      statistic_kind stat = statistic_kind::mean, const std::vector<std::string>& by = {},
                      double level = 0.95, interval_choice ci = interval_choice::automatic,
                      std::shared_ptr<const detail::calibration_residuals> calibration = nullptr) {
  if (stat == statistic_kind::ratio)
    throw config_error(location::in_file(t.source()).in_column("stat"), "use estimate_ratio for ratios");
  domain_estimator est(t, design, {}, std::move(calibration));
  est.add_domains(t, by);
  std::vector<std::vector<domain_estimate>> results;
  for (const auto& v : variables) {
    const auto& y = t.numeric(v);
    const interval_method m = ci == interval_choice::logit ? interval_method::logit
                              : ci == interval_choice::wald ? interval_method::wald
                              : ci == interval_choice::wald_t ? interval_method::wald_t
                              : (stat == statistic_kind::mean && detail::is_binary(y)) ? interval_method::logit
                                                                                       : interval_method::wald_t;
    results.push_back(est.estimate(y.data(), nullptr, stat, m, level, v)[0]);
  }
  return detail::estimates_table(t, by, est, variables, results);
}

/// The ratio of totals numerator / denominator (e.g. adults with a bank account per adult), same
/// output as estimate() with variable "numerator/denominator".
inline table estimate_ratio(const table& t, const survey_design& design, const std::string& numerator,
                            const std::string& denominator, const std::vector<std::string>& by = {},
                            double level = 0.95, interval_choice ci = interval_choice::automatic,
                            std::shared_ptr<const detail::calibration_residuals> calibration = nullptr) {
  domain_estimator est(t, design, {}, std::move(calibration));
  est.add_domains(t, by);
  const auto& y = t.numeric(numerator);
  const auto& x = t.numeric(denominator);
  const interval_method m = ci == interval_choice::logit ? interval_method::logit
                            : ci == interval_choice::wald ? interval_method::wald
                            : ci == interval_choice::wald_t ? interval_method::wald_t
                            : detail::is_share(y, x) ? interval_method::logit
                                                     : interval_method::wald_t;
  std::vector<std::vector<domain_estimate>> results{
      est.estimate(y.data(), x.data(), statistic_kind::ratio, m, level, numerator + "/" + denominator)[0]};
  return detail::estimates_table(t, by, est, {numerator + "/" + denominator}, results);
}

}  // namespace commdx
