#pragma once
// Issue 14: non-response adjustment within cells, and calibration of a sample's weights to known
// population totals (households by ward from the commune's records, by head's education, the
// number of residents): post-stratification, linear calibration (GREG, chi-square distance) and
// raking, with optional bounds lo <= g <= hi on the weight ratio g = w_cal / w.
//
// The methods are those of R's survey package (postStratify, calibrate with calfun = "linear" or
// "raking", grake's Newton iteration for bounded linear and raking), and the calibrated design
// carries the calibration into the variance as survey's svyrecvar does: an estimate's influence
// values are the calibrated weight times the residual of its linearised variable from the
// design-weighted regression on the calibration variables (estimate.hpp's domain_estimator takes
// them through detail::calibration_residuals). tests/data/calibrate/ holds R's figures and the
// script that made them; docs/calibration.md gives the formulas.
//
// Margins: a categorical margin is a column and the population count of every category; a total
// margin is a numeric column and its population total. The calibration variables are one 0/1
// column per category (for the second and later categorical margins the last category is left
// out: it is implied, as every categorical margin counts the same population) and one column per
// total. Refused, with the margin and category named: a category with no sampled record, a
// sampled category the margin lacks, categorical margins of different population sizes, a
// missing value in a calibration column, collinear calibration variables, and totals the
// iteration cannot meet (within the bounds) in `max_iterations` Newton steps.
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commdx/detail/calibration_residuals.hpp"
#include "commdx/detail/estimate_factor.hpp"
#include "commdx/error.hpp"
#include "commdx/estimate.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/table.hpp"

namespace commdx {

enum class calibration_method { poststratify, linear, raking };

inline const char* to_string(calibration_method m) {
  switch (m) {
    case calibration_method::poststratify: return "poststratify";
    case calibration_method::linear: return "linear";
    case calibration_method::raking: return "raking";
  }
  return "?";
}

inline std::optional<calibration_method> parse_calibration_method(std::string_view s) {
  for (calibration_method m : {calibration_method::poststratify, calibration_method::linear, calibration_method::raking})
    if (s == to_string(m)) return m;
  return std::nullopt;
}

/// One margin: the population count of every category of `column`, or (is_total) the population
/// total of the numeric `column`.
struct calibration_margin {
  std::string column;
  bool is_total = false;
  double total = missing;
  std::vector<std::pair<std::string, double>> categories;

  static calibration_margin of_total(std::string name, double population_total) {
    calibration_margin m;
    m.column = std::move(name);
    m.is_total = true;
    m.total = population_total;
    return m;
  }
  static calibration_margin of_counts(std::string name, std::vector<std::pair<std::string, double>> counts) {
    calibration_margin m;
    m.column = std::move(name);
    m.categories = std::move(counts);
    return m;
  }
};

struct calibration_options {
  calibration_method method = calibration_method::linear;
  double lower = -std::numeric_limits<double>::infinity();  ///< bound on g = w_cal / w
  double upper = std::numeric_limits<double>::infinity();
  std::size_t max_iterations = 100;  ///< Newton steps (bounded linear, raking)
  double tolerance = 1e-10;          ///< every |population - calibrated total| / (1 + |population|)
  bool bounded() const { return std::isfinite(lower) || std::isfinite(upper); }
};

/// A design whose weights are calibrated: `design` is the design that was calibrated (its weight
/// column the design weights), `weights` the calibrated weights in row order.
struct calibrated_design {
  survey_design design;
  calibration_method method = calibration_method::linear;
  std::vector<double> weights;
  std::shared_ptr<const detail::calibration_residuals> residuals;
  std::size_t iterations = 0;
  std::vector<std::string> constraints;  ///< "column=category" or "column", one per calibration variable
  std::vector<double> population;        ///< the population total of each constraint
  double lower = -std::numeric_limits<double>::infinity(), upper = std::numeric_limits<double>::infinity();
};

namespace detail {

struct calibration_matrix {
  Eigen::MatrixXd x;                 // rows x constraints
  std::vector<std::string> names;    // per constraint
  std::vector<std::string> margin;   // the margin (column) of each constraint, and its category
  std::vector<std::string> category;
  Eigen::VectorXd population;
};

inline std::string margin_label(const std::string& column, const std::string& category) {
  return category.empty() ? "margin '" + column + "'" : "margin '" + column + "', category '" + category + "'";
}

// The 0/1 columns of a categorical margin (drop_last: leave the last category's column out).
inline void add_categories(const table& t, const calibration_margin& m, bool drop_last, calibration_matrix& cm,
                           std::vector<std::vector<double>>& cols) {
  const std::string src = t.source();
  if (m.categories.empty())
    throw config_error(location::in_file("margins").in_column(m.column), "the margin has no categories");
  const std::size_t n = t.rows();
  std::vector<std::size_t> cat_of_row(n, static_cast<std::size_t>(-1));
  std::vector<std::size_t> count(m.categories.size(), 0);
  auto label_list = [&]() {
    std::string s;
    for (std::size_t k = 0; k < m.categories.size() && k < 20; ++k) s += (k ? ", '" : "'") + m.categories[k].first + "'";
    return s + (m.categories.size() > 20 ? ", ..." : "");
  };
  for (const auto& [name, value] : m.categories)
    if (!(value >= 0.0) || !std::isfinite(value))
      throw config_error(location::in_file("margins").in_column(m.column),
                         margin_label(m.column, name) + ": a population count must be a finite number >= 0, got " + format_number(value));
  if (t.is_numeric(m.column)) {
    std::map<double, std::size_t> index;
    for (std::size_t k = 0; k < m.categories.size(); ++k) {
      double v = 0;
      if (!io::parse_number(m.categories[k].first, v))
        throw config_error(location::in_file("margins").in_column(m.column),
                           margin_label(m.column, m.categories[k].first) + ": the column is numeric, the category is not a number");
      if (!index.emplace(v, k).second)
        throw config_error(location::in_file("margins").in_column(m.column),
                           margin_label(m.column, m.categories[k].first) + ": the category is given twice");
    }
    const auto& col = t.numeric(m.column);
    for (std::size_t r = 0; r < n; ++r) {
      if (std::isnan(col[r]))
        throw input_error(location::in_file(src).at_row(r + 1).in_column(m.column), "missing value in a calibration column");
      auto it = index.find(col[r]);
      if (it == index.end())
        throw input_error(location::in_file(src).at_row(r + 1).in_column(m.column),
                          "category '" + format_number(col[r]) + "' is in the sample but not in the margin (categories: " + label_list() + ")");
      cat_of_row[r] = it->second;
    }
  } else {
    std::map<std::string, std::size_t, std::less<>> index;
    for (std::size_t k = 0; k < m.categories.size(); ++k)
      if (!index.emplace(m.categories[k].first, k).second)
        throw config_error(location::in_file("margins").in_column(m.column),
                           margin_label(m.column, m.categories[k].first) + ": the category is given twice");
    const auto& col = t.text(m.column);
    for (std::size_t r = 0; r < n; ++r) {
      if (col[r].empty())
        throw input_error(location::in_file(src).at_row(r + 1).in_column(m.column), "missing value in a calibration column");
      auto it = index.find(col[r]);
      if (it == index.end())
        throw input_error(location::in_file(src).at_row(r + 1).in_column(m.column),
                          "category '" + col[r] + "' is in the sample but not in the margin (categories: " + label_list() + ")");
      cat_of_row[r] = it->second;
    }
  }
  for (std::size_t r = 0; r < n; ++r) ++count[cat_of_row[r]];
  for (std::size_t k = 0; k < m.categories.size(); ++k)
    if (count[k] == 0)
      throw input_error(location::in_file(src).in_column(m.column),
                        margin_label(m.column, m.categories[k].first) + ": no sampled record has this category, so its population count (" +
                            format_number(m.categories[k].second) + ") cannot be met; merge it with another category");
  const std::size_t kept = drop_last ? m.categories.size() - 1 : m.categories.size();
  for (std::size_t k = 0; k < kept; ++k) {
    std::vector<double> c(n, 0.0);
    for (std::size_t r = 0; r < n; ++r) c[r] = cat_of_row[r] == k ? 1.0 : 0.0;
    cols.push_back(std::move(c));
    cm.names.push_back(m.column + "=" + m.categories[k].first);
    cm.margin.push_back(m.column);
    cm.category.push_back(m.categories[k].first);
  }
}

inline calibration_matrix calibration_variables(const table& t, const std::vector<calibration_margin>& margins) {
  calibration_matrix cm;
  std::vector<std::vector<double>> cols;
  std::vector<double> pop;
  const calibration_margin* first_categorical = nullptr;
  double population_size = 0;
  std::map<std::string, int> seen;
  for (const auto& m : margins) {
    if (!t.has(m.column))
      throw input_error(location::in_file(t.source()).in_column(m.column), "the margin's column is not in the records");
    if (++seen[m.column] > 1)
      throw config_error(location::in_file("margins").in_column(m.column), "the column has two margins");
    if (m.is_total) {
      if (!std::isfinite(m.total))
        throw config_error(location::in_file("margins").in_column(m.column), "a population total must be a finite number, got " + format_number(m.total));
      if (!t.is_numeric(m.column))
        throw input_error(location::in_file(t.source()).in_column(m.column), "a total margin needs a numeric column");
      const auto& col = t.numeric(m.column);
      for (std::size_t r = 0; r < t.rows(); ++r)
        if (std::isnan(col[r]))
          throw input_error(location::in_file(t.source()).at_row(r + 1).in_column(m.column), "missing value in a calibration column");
      cols.emplace_back(col.begin(), col.end());
      cm.names.push_back(m.column);
      cm.margin.push_back(m.column);
      cm.category.emplace_back();
      pop.push_back(m.total);
      continue;
    }
    double size = 0;
    for (const auto& kv : m.categories) size += kv.second;
    if (first_categorical != nullptr && std::fabs(size - population_size) > 1e-9 * std::max(1.0, std::fabs(population_size)))
      throw config_error(location::in_file("margins").in_column(m.column),
                         "margin '" + m.column + "' counts " + format_number(size) + " in all, margin '" + first_categorical->column +
                             "' counts " + format_number(population_size) + ": every categorical margin must count the same population");
    const std::size_t before = cols.size();
    add_categories(t, m, first_categorical != nullptr, cm, cols);
    for (std::size_t k = 0; k < cols.size() - before; ++k) pop.push_back(m.categories[k].second);
    if (first_categorical == nullptr) {
      first_categorical = &m;
      population_size = size;
    }
  }
  if (cols.empty()) throw config_error(location::in_file("margins"), "no margins to calibrate to");
  const auto n = static_cast<Eigen::Index>(t.rows()), p = static_cast<Eigen::Index>(cols.size());
  cm.x.resize(n, p);
  for (Eigen::Index j = 0; j < p; ++j)
    for (Eigen::Index i = 0; i < n; ++i) cm.x(i, j) = cols[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)];
  cm.population = Eigen::Map<const Eigen::VectorXd>(pop.data(), p);
  return cm;
}

// g = 1 + F^-1(x' eta), clipped to the bounds (linear: F^-1(u) = u; raking: exp(u) - 1).
struct calibration_distance {
  calibration_method method;
  double lower, upper;
  double g(double u) const {
    const double v = method == calibration_method::raking ? std::exp(u) : 1.0 + u;
    return std::min(std::max(v, lower), upper);
  }
  double dg(double u) const {
    const double v = method == calibration_method::raking ? std::exp(u) : 1.0 + u;
    if (!(v > lower && v < upper)) return 0.0;
    return method == calibration_method::raking ? v : 1.0;
  }
};

}  // namespace detail

/// Calibrates `design`'s weights on `t` to `margins`. Throws as the header says.
inline calibrated_design calibrate(const table& t, const survey_design& design, const std::vector<calibration_margin>& margins,
                                   const calibration_options& opt = {}) {
  const domain_estimator base(t, design);  // checks the design; its weights are the design weights
  const std::vector<double>& w = base.weights();
  const std::size_t n = t.rows();
  if (!(opt.lower < opt.upper) || std::isnan(opt.lower) || std::isnan(opt.upper) || opt.lower >= 1.0 || opt.upper <= 1.0)
    throw config_error(location::in_file("bounds"),
                       "bounds on g = calibrated/original weight must satisfy lo < 1 < hi, got (" + format_number(opt.lower) + ", " +
                           format_number(opt.upper) + ")");
  if (opt.method == calibration_method::poststratify) {
    if (margins.size() != 1 || margins[0].is_total)
      throw config_error(location::in_file("margins"),
                         "post-stratification takes one categorical margin (the post-strata); use method linear or raking for several");
    if (opt.bounded())
      throw config_error(location::in_file("bounds"), "post-stratification has no bounds; use method linear or raking with bounds");
  }
  if (opt.max_iterations == 0) throw config_error(location::in_file("max_iterations"), "the iteration cap must be at least 1");
  if (!(opt.tolerance > 0.0)) throw config_error(location::in_file("tolerance"), "the tolerance must be > 0");
  detail::calibration_matrix cm = detail::calibration_variables(t, margins);
  const Eigen::Index p = cm.x.cols();
  const Eigen::Map<const Eigen::VectorXd> wv(w.data(), static_cast<Eigen::Index>(n));
  auto where_constraint = [&](Eigen::Index j) {
    return detail::margin_label(cm.margin[static_cast<std::size_t>(j)], cm.category[static_cast<std::size_t>(j)]);
  };
  // Collinear calibration variables (a category that coincides with another margin's in the
  // sample, a total column proportional to a category) cannot be told apart.
  const Eigen::MatrixXd sx = wv.cwiseSqrt().asDiagonal() * cm.x;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(sx);
  if (qr.rank() < p) {
    const Eigen::Index j = qr.colsPermutation().indices()(qr.rank());
    throw input_error(location::in_file(t.source()).in_column(cm.margin[static_cast<std::size_t>(j)]),
                      where_constraint(j) + " is collinear with the other calibration variables in the sample; drop or merge it");
  }
  Eigen::VectorXd g = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(n));
  std::size_t iterations = 0;
  const Eigen::VectorXd sample_total = cm.x.transpose() * wv;
  if (opt.method == calibration_method::poststratify) {
    // g = N_c / (sum of the design weights in post-stratum c)
    for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(n); ++i)
      for (Eigen::Index j = 0; j < p; ++j)
        if (cm.x(i, j) == 1.0) g(i) = cm.population(j) / sample_total(j);
    iterations = 1;
  } else if (opt.method == calibration_method::linear && !opt.bounded()) {
    const Eigen::MatrixXd m = sx.transpose() * sx;
    const Eigen::VectorXd lambda = m.colPivHouseholderQr().solve(cm.population - sample_total);
    g = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(n)) + cm.x * lambda;
    iterations = 1;
  } else {
    // Newton's method on the calibration equations sum_i w_i g_i x_i = T (R's grake), from g = 1.
    const detail::calibration_distance dist{opt.method, opt.lower, opt.upper};
    Eigen::VectorXd eta = Eigen::VectorXd::Zero(p), u = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
    Eigen::VectorXd deriv(static_cast<Eigen::Index>(n));
    auto evaluate = [&]() {
      u = cm.x * eta;
      for (Eigen::Index i = 0; i < u.size(); ++i) {
        g(i) = dist.g(u(i));
        deriv(i) = dist.dg(u(i));
      }
    };
    auto relative_misfit = [&](const Eigen::VectorXd& misfit, Eigen::Index& worst) {
      double largest = -1;
      for (Eigen::Index j = 0; j < p; ++j) {
        const double r = std::fabs(misfit(j)) / (1.0 + std::fabs(cm.population(j)));
        if (!(r <= largest)) { largest = r; worst = j; }
      }
      return largest;
    };
    evaluate();
    for (;;) {
      const Eigen::VectorXd misfit = cm.population - cm.x.transpose() * (wv.cwiseProduct(g));
      Eigen::Index worst = 0;
      const double largest = relative_misfit(misfit, worst);
      if (largest < opt.tolerance) break;
      if (iterations >= opt.max_iterations) {
        const double reached = cm.population(worst) - misfit(worst);
        std::string why = where_constraint(worst) + ": the population total is " + format_number(cm.population(worst)) +
                          ", the calibrated weights give " + format_number(reached) + " after " + std::to_string(iterations) +
                          " iterations (" + to_string(opt.method) + " calibration";
        if (opt.bounded())
          why += " with " + format_number(opt.lower) + " <= g <= " + format_number(opt.upper) +
                 "); the totals cannot be met within the bounds: widen them or merge categories";
        else
          why += "); it does not converge: merge small categories or use method linear";
        throw input_error(location::in_file(t.source()).in_column(cm.margin[static_cast<std::size_t>(worst)]), why);
      }
      const Eigen::MatrixXd jac = cm.x.transpose() * (wv.cwiseProduct(deriv)).asDiagonal() * cm.x;
      Eigen::VectorXd step = jac.completeOrthogonalDecomposition().solve(misfit);
      eta += step;
      evaluate();
      for (int halving = 0; halving < 60 && !(g.allFinite() && deriv.allFinite()); ++halving) {  // R's step halving
        step /= 2.0;
        eta -= step;
        evaluate();
      }
      ++iterations;
    }
  }
  if (!g.allFinite())
    throw input_error(location::in_file(t.source()), "calibration gave non-finite weights; check the margins' totals");
  calibrated_design out;
  out.design = design;
  out.method = opt.method;
  out.iterations = iterations;
  out.constraints = cm.names;
  out.population.assign(cm.population.data(), cm.population.data() + p);
  out.lower = opt.lower;
  out.upper = opt.upper;
  auto res = std::make_shared<detail::calibration_residuals>();
  res->original = w;
  res->weights.resize(n);
  for (std::size_t i = 0; i < n; ++i) res->weights[i] = w[i] * g(static_cast<Eigen::Index>(i));
  // The calibration variables orthonormalised under the design weights (see calibration_residuals).
  const auto rank = static_cast<std::size_t>(qr.rank());
  const Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(n), qr.rank());
  res->rank = rank;
  res->basis.resize(n * rank);
  for (std::size_t i = 0; i < n; ++i) {
    const double s = std::sqrt(w[i]);
    for (std::size_t j = 0; j < rank; ++j)
      res->basis[i * rank + j] = q(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) / s;
  }
  out.weights = res->weights;
  out.residuals = std::move(res);
  return out;
}

/// Means or totals under a calibrated design (estimate.hpp's estimate(), SEs from the calibration
/// residuals). `t` must hold the records that were calibrated, in the same order.
inline table estimate(const table& t, const calibrated_design& cal, const std::vector<std::string>& variables,
                      statistic_kind stat = statistic_kind::mean, const std::vector<std::string>& by = {},
                      double level = 0.95, interval_choice ci = interval_choice::automatic) {
  return estimate(t, cal.design, variables, stat, by, level, ci, cal.residuals);
}

/// A ratio under a calibrated design.
inline table estimate_ratio(const table& t, const calibrated_design& cal, const std::string& numerator,
                            const std::string& denominator, const std::vector<std::string>& by = {},
                            double level = 0.95, interval_choice ci = interval_choice::automatic) {
  return estimate_ratio(t, cal.design, numerator, denominator, by, level, ci, cal.residuals);
}

/// Weighting-class non-response adjustment: within each cell of the `cells` columns (the whole
/// sample when none), respondents' weights are multiplied by (sum of the weights of respondents and
/// non-respondents) / (sum of the respondents' weights); non-respondents get weight 0. `responded`
/// is a 0/1 column. A cell with non-respondents and no respondent is refused, naming it.
inline std::vector<double> adjust_nonresponse(const table& t, const std::string& weight, const std::string& responded,
                                              const std::vector<std::string>& cells = {}) {
  const std::size_t n = t.rows();
  const std::string src = t.source();
  const auto& w = t.numeric(weight);
  const auto& resp = t.numeric(responded);
  std::vector<std::uint32_t> cell(n, 0);
  std::vector<std::size_t> first_row(n > 0 ? 1 : 0, 0);
  std::size_t levels = 1;
  for (const auto& col : cells) {
    detail::factor f = detail::factorize(t, col);
    for (std::size_t lvl = 0; lvl < f.levels(); ++lvl)
      if (t.cell_text(col, f.first_row[lvl]).empty())
        throw input_error(location::in_file(src).at_row(f.first_row[lvl] + 1).in_column(col), "missing value in a non-response cell column");
    levels = detail::combine_codes(cell, levels, f.code, f.levels(), first_row);
  }
  if (n == 0) return {};
  std::vector<double> all(first_row.size(), 0.0), answered(first_row.size(), 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    if (!(w[r] > 0.0) || !std::isfinite(w[r]))
      throw input_error(location::in_file(src).at_row(r + 1).in_column(weight),
                        std::isnan(w[r]) ? "missing sampling weight" : "sampling weight must be a finite number > 0, got " + format_number(w[r]));
    if (resp[r] != 0.0 && resp[r] != 1.0)
      throw input_error(location::in_file(src).at_row(r + 1).in_column(responded),
                        std::isnan(resp[r]) ? "missing response status (1 responded, 0 did not)"
                                            : "response status must be 1 (responded) or 0 (did not), got " + format_number(resp[r]));
    all[cell[r]] += w[r];
    if (resp[r] == 1.0) answered[cell[r]] += w[r];
  }
  for (std::size_t c = 0; c < all.size(); ++c) {
    if (answered[c] > 0.0) continue;
    std::string name;
    for (const auto& col : cells) name += (name.empty() ? "" : ", ") + col + "='" + t.cell_text(col, first_row[c]) + "'";
    throw input_error(location::in_file(src).at_row(first_row[c] + 1),
                      "non-response cell " + (name.empty() ? std::string("(the whole sample)") : name) +
                          " has no respondent, so its weight cannot go to anyone; merge it with a neighbouring cell");
  }
  std::vector<double> out(n, 0.0);
  for (std::size_t r = 0; r < n; ++r)
    if (resp[r] == 1.0) out[r] = w[r] * (all[cell[r]] / answered[cell[r]]);
  return out;
}

}  // namespace commdx
