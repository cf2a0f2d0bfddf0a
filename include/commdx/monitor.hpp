#pragma once
// R4, T2: monitoring between survey rounds. The change of an indicator between two rounds of the
// household survey (baseline and follow-up) and whether it is beyond sampling noise, for the
// design the survey was drawn with (weights, strata, one-stage clusters, first-stage fpc).
//
// Method (Taylor linearisation of a contrast of domain ratios, as R's survey package computes
// svycontrast(svyby(~y, ~round, design, svyratio / svymean), ...) on the stacked rounds):
//   * both rounds are stacked into one design; the estimate of round r in domain d is the ratio
//     R_rd = sum_i w_i y_i [i in r, d] / sum_i w_i x_i [i in r, d]   (x = 1 for a mean);
//   * each row's influence value on R_rd is z_i = w_i (y_i - R_rd x_i) / X_rd for rows of (r, d),
//     0 elsewhere; the change after - before has influence z_after - z_before;
//   * influence values are summed per PSU, and the variance is the usual stratified one-stage
//     with-replacement formula with the first-stage fpc:
//       V = sum_h (1 - f_h) n_h / (n_h - 1) sum_i (t_hi - mean_h(t))^2.
//     A PSU that holds households of both rounds (a panel: the same residential groups, the same
//     households revisited) carries both rounds' influence in one total, so the covariance between
//     the rounds is counted. When no PSU of a stratum appears in both rounds, the rounds are
//     independent samples and the stratum is split by round; the variance of the change is then
//     exactly se_before^2 + se_after^2.
//   * the test refers t = change / se to Student's t, not the normal: with the handful of
//     residential groups a ward samples, the normal would flag noise far more often than the
//     stated level. The degrees of freedom are those of the strata the domain reaches: the sum
//     over them of (PSUs - 1) (Korn & Graubard 1999, 5.2); for the whole population this is R's
//     degf(design), PSUs minus strata.
// Missing values (NaN in y or x) put a row outside the domain of that variable, as svyby does
// with na.rm = TRUE on the full design (the design is kept, not the data subset).
// Calibrated rounds (change_options::calibration, one calibrate.hpp result per round): a round's
// estimates take its calibrated weights, and its influence values become the calibrated weight
// times the residual of z from its design-weighted regression on that round's calibration
// variables, for every row of the round, inside the domain or not (estimate.hpp's rule, R's
// svyrecvar). This is R's svyby + svycontrast on the rounds stacked and calibrated with each
// round's margins as their own constraints (tests/data/monitor/make_calibrated_fixture.R): the
// constraints of two rounds share no row, so stacking changes neither the weights nor the
// residuals, and a panel PSU still carries both rounds' (residualised) influence.
//
// estimate.hpp is not used here: at the time of writing it exposes no per-PSU influence totals,
// so the few lines of linearisation this needs live in detail/monitor_linearise.hpp.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/detail/calibration_residuals.hpp"
#include "commdx/detail/monitor_linearise.hpp"
#include "commdx/error.hpp"
#include "commdx/table.hpp"

namespace commdx {

/// The survey design columns of the stacked rounds (defaults: the example city's schema).
struct round_design {
  std::string weight = "weight";  ///< sampling weight; empty: every row weight 1
  std::string strata = "stratum"; ///< stratum; empty: one stratum
  std::string psu = "psu";        ///< primary sampling unit (nested in strata); empty: rows are PSUs
  std::string fpc = "fpc";        ///< PSUs in the stratum (>= 1) or sampling fraction (< 1); empty: none
  std::string round = "round";    ///< round number (0 baseline, 1 follow-up, ...)
  /// Household id; when set, an id twice in one compared round is refused (it would be counted
  /// twice: issue 11). Empty: not checked (rows need not be households).
  std::string id;
};

/// What to compare: a mean of `numerator` (denominator empty) or a ratio numerator/denominator.
struct change_variable {
  std::string name;         ///< label in the result (an indicator id)
  std::string numerator;    ///< column
  std::string denominator;  ///< column; empty for a mean (proportion of a 0/1 column)
};

/// One tested change: estimates of both rounds, the change, its standard error and the test.
struct round_change {
  std::string domain;       ///< value of the `by` column; "" for the whole population
  std::string variable;
  double before = missing, se_before = missing;
  double after = missing, se_after = missing;
  double change = missing, se_change = missing;
  double covariance = missing;  ///< cov(before, after) from the shared PSUs (0 when independent)
  double z = missing;           ///< change / se_change
  double df = missing;          ///< degrees of freedom: PSUs - strata, over the strata the domain reaches
  double p_value = missing;     ///< two-sided, Student's t with df
  double ci_low = missing, ci_high = missing;  ///< of the change, at the requested level
  std::size_t n_before = 0, n_after = 0;       ///< unweighted rows used in each round
  bool significant = false;     ///< p_value < 1 - level (false when the test is undefined)
};

inline nlohmann::json to_json(const round_change& c) {
  auto num = [](double x) { return is_missing(x) ? nlohmann::json(nullptr) : nlohmann::json(x); };
  return {{"domain", c.domain}, {"variable", c.variable}, {"before", num(c.before)},
          {"se_before", num(c.se_before)}, {"after", num(c.after)}, {"se_after", num(c.se_after)},
          {"change", num(c.change)}, {"se_change", num(c.se_change)},
          {"covariance", num(c.covariance)}, {"z", num(c.z)}, {"df", num(c.df)}, {"p_value", num(c.p_value)},
          {"ci_low", num(c.ci_low)}, {"ci_high", num(c.ci_high)}, {"n_before", c.n_before},
          {"n_after", c.n_after}, {"significant", c.significant}};
}

/// One round's calibration: calibrate.hpp's calibrated_design::residuals of the round's records.
/// The round's rows of the stacked table, in their order, are the records it calibrated, and
/// their weight column holds the design weights it started from (calibrated_design::design's).
struct round_calibration {
  double round = 0;
  std::shared_ptr<const detail::calibration_residuals> residuals;
};

/// Options of test_changes.
struct change_options {
  double round_before = 0;  ///< the earlier round
  double round_after = 1;   ///< the later round
  std::string by;           ///< domain column (e.g. "ward_code"); empty: the whole population only
  bool include_total = true;///< with `by`, also test the whole population (domain "")
  double level = 0.95;      ///< confidence level; significance at 1 - level, two-sided
  /// The calibrated rounds (others, and calibrations of rounds not compared, are not used).
  std::vector<round_calibration> calibration;
};

/// Refuses a household id that appears twice within one of the compared rounds, naming both rows.
inline void check_unique_ids(const table& rows, const round_design& design, const change_options& options) {
  if (design.id.empty()) return;
  const auto& round = rows.numeric(design.round);
  std::unordered_map<std::string, std::size_t> first_row;
  first_row.reserve(rows.rows());
  for (std::size_t i = 0; i < rows.rows(); ++i) {
    if (round[i] != options.round_before && round[i] != options.round_after) continue;
    const std::string id = rows.cell_text(design.id, i);
    auto [it, fresh] = first_row.emplace(format_number(round[i]) + '\x1f' + id, i);
    if (!fresh)
      throw validation_error(location::in_file(rows.source()).at_row(i + 1).in_column(design.id),
                             "household " + id + " appears twice in round " + format_number(round[i]) + " (rows " +
                                 std::to_string(it->second + 1) + " and " + std::to_string(i + 1) +
                                 "); it would be counted twice");
  }
}

/// Tests the change of each variable between two rounds stacked in `rows`, per domain.
/// Rows of other rounds are ignored (they still count as PSUs of the design: none in practice).
/// Throws input_error for a missing column or a non-positive weight (naming the row), and
/// validation_error for a stratum with a single PSU that is not a certainty unit or a household
/// id twice in a round (design.id set), and input_error for a calibration whose records are not
/// the round's rows (their number, or a design weight that is not the one it started from).
inline std::vector<round_change> test_changes(const table& rows, const round_design& design,
                                              const std::vector<change_variable>& variables,
                                              const change_options& options = {}) {
  using namespace detail::monitor;
  if (!(options.level > 0 && options.level < 1)) {
    throw config_error(location::in_file(rows.source()).in_column("level"),
                       "confidence level must be in (0, 1), got " + format_number(options.level));
  }
  check_unique_ids(rows, design, options);
  stacked_design sd = stacked_design::build(rows, design.weight, design.strata, design.psu,
                                                  design.fpc, design.round, options.round_before,
                                                  options.round_after);
  std::array<bool, 2> calibrated{false, false};
  for (const auto& c : options.calibration) {
    const std::string label = format_number(c.round);
    if (!c.residuals)
      throw config_error(location::in_file(rows.source()).in_column("calibration").for_unit("round " + label),
                         "the calibration of round " + label + " is empty");
    const int k = c.round == options.round_before ? 0 : c.round == options.round_after ? 1 : -1;
    if (k < 0) continue;
    if (calibrated[static_cast<std::size_t>(k)])
      throw config_error(location::in_file(rows.source()).in_column("calibration").for_unit("round " + label),
                         "round " + label + " is given two calibrations");
    calibrated[static_cast<std::size_t>(k)] = true;
    sd.attach_calibration(static_cast<std::size_t>(k), c.residuals, design.weight, label);
  }
  std::unordered_map<std::string, std::vector<std::size_t>> domain_rows;
  std::vector<std::string> domains;
  if (!options.by.empty()) {
    domain_rows = sd.rows_by_domain(rows.text(options.by));
    for (const auto& kv : domain_rows) domains.push_back(kv.first);
    std::sort(domains.begin(), domains.end());
  }
  const std::vector<std::size_t> everyone = sd.all_rows();
  std::map<double, double> quantile_of_df;  // the t quantile, once per distinct df
  std::vector<round_change> out;
  for (const auto& var : variables) {
    if (var.numerator.empty()) {
      throw config_error(location::in_file(rows.source()).in_column("numerator").for_unit(var.name),
                         "change variable has no numerator column");
    }
    const auto& y = rows.numeric(var.numerator);
    const numeric_column* x = var.denominator.empty() ? nullptr : &rows.numeric(var.denominator);
    auto run = [&](const std::string& label, const std::vector<std::size_t>& domain) {
      contrast_result r = sd.contrast(y, x, domain);
      round_change c;
      c.domain = label;
      c.variable = var.name;
      c.before = r.est[0];
      c.after = r.est[1];
      c.se_before = std::sqrt(r.var[0]);
      c.se_after = std::sqrt(r.var[1]);
      c.change = r.est[1] - r.est[0];
      c.covariance = r.cov;
      c.se_change = std::sqrt(r.var_change);
      c.n_before = r.n[0];
      c.n_after = r.n[1];
      c.df = r.df;
      auto q = quantile_of_df.find(r.df);
      if (q == quantile_of_df.end())
        q = quantile_of_df.emplace(r.df, two_sided_quantile(options.level, r.df)).first;
      const double tq = q->second;
      if (!is_missing(c.change) && c.se_change > 0) {
        c.z = c.change / c.se_change;
        c.p_value = two_sided_p(c.z, r.df);
        c.ci_low = c.change - tq * c.se_change;
        c.ci_high = c.change + tq * c.se_change;
        c.significant = c.p_value < 1 - options.level;
      } else if (!is_missing(c.change) && c.se_change == 0) {
        // A census of both rounds: no sampling error, any non-zero change is real.
        c.ci_low = c.ci_high = c.change;
        c.p_value = c.change == 0 ? 1.0 : 0.0;
        c.z = c.change == 0 ? 0.0 : missing;
        c.significant = c.change != 0;
      }
      out.push_back(std::move(c));
    };
    if (options.by.empty() || options.include_total) run("", everyone);
    for (const auto& d : domains) run(d, domain_rows.at(d));
  }
  return out;
}

/// The changes as a table (one row per domain and variable), for the bindings and CSV output.
inline table changes_to_table(const std::vector<round_change>& changes) {
  table t("changes");
  text_column domain, variable;
  numeric_column cols[14];
  for (const auto& c : changes) {
    domain.push_back(c.domain);
    variable.push_back(c.variable);
    const double v[14] = {c.before, c.se_before, c.after, c.se_after, c.change, c.se_change,
                          c.covariance, c.z, c.df, c.p_value, c.ci_low, c.ci_high,
                          static_cast<double>(c.n_before), static_cast<double>(c.n_after)};
    for (std::size_t i = 0; i < 14; ++i) cols[i].push_back(v[i]);
  }
  static const char* names[14] = {"before", "se_before", "after", "se_after", "change",
                                  "se_change", "covariance", "z", "df", "p_value", "ci_low",
                                  "ci_high", "n_before", "n_after"};
  t.set("domain", std::move(domain));
  t.set("variable", std::move(variable));
  for (std::size_t i = 0; i < 14; ++i) t.set(names[i], std::move(cols[i]));
  numeric_column sig;
  for (const auto& c : changes) sig.push_back(c.significant ? 1.0 : 0.0);
  t.set("significant", std::move(sig));
  return t;
}

}  // namespace commdx
