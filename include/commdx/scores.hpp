#pragma once
// S4, C1: composite indices (the adoption and readiness scores) defined by a JSON configuration, with
// Monte Carlo uncertainty and sensitivity analysis in the manner of the OECD/JRC Handbook on
// Constructing Composite Indicators (2008). docs/scores.md documents the configuration format, the
// methods and the two shipped configurations.
//
//   auto idx = commdx::composite_index::shipped("adoption");
//   commdx::index_result r = idx.compute(wide_table);          // every intermediate
//   commdx::uncertainty_result u = idx.uncertainty(wide_table); // medians, 90% intervals, indices
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/data.hpp"
#include "commdx/error.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"

namespace commdx {

enum class transform_method { none, log, capped };
enum class normalisation_method { min_max, goalposts, z_score, distance_to_target, percentile_rank };
enum class weighting_method { equal, explicit_weights, pca };
enum class aggregation_method { arithmetic, geometric, harmonic, power };

/// How an indicator's (transformed) values become comparable scores.
struct normalisation_spec {
  normalisation_method method = normalisation_method::min_max;
  double min = missing;       ///< goalposts: the worst-to-best range in the indicator's own units
  double max = missing;
  double target = missing;    ///< distance_to_target: the value that counts as 1
  bool cap = true;            ///< goalposts/distance_to_target: cap the result to [0, 1]
  double range_low = 0.0;     ///< min_max, goalposts, percentile_rank: the output interval
  double range_high = 1.0;
};

struct aggregation_spec {
  aggregation_method method = aggregation_method::arithmetic;
  double p = 1.0;  ///< power (generalised) mean exponent; 1 arithmetic, 0 geometric, -1 harmonic
};

struct indicator_spec {
  std::string id;
  std::string column;          ///< input column (defaults to id); its standard error is "<column>_se"
  std::string label;
  int direction = 1;           ///< +1: more is better, -1: less is better
  transform_method transform = transform_method::none;
  double cap_low = missing;    ///< transform "capped": winsorising bounds in the indicator's units
  double cap_high = missing;
  double bound_low = missing;  ///< Monte Carlo draws are clamped to [bound_low, bound_high]
  double bound_high = missing;
  normalisation_spec normalisation;
  bool optional = false;       ///< a missing input column counts as missing values, not an error
};

struct node_spec {
  std::string id;
  std::string label;
  std::vector<std::string> components;  ///< indicator ids or ids of other dimensions
  aggregation_spec aggregation;
  weighting_method weighting = weighting_method::equal;
  std::vector<double> weights;          ///< explicit weights, one per component (normalised to sum 1)
  double min_share = missing;           ///< minimum share of present components (default: config's)
};

/// One discrete alternative for a modelling choice in the uncertainty analysis. "config" means the
/// configuration as written; otherwise the alternative replaces the method for every node (weights,
/// aggregation) or every indicator (normalisation).
struct choice_alternative {
  std::string label;
  bool use_config = true;
  weighting_method weighting = weighting_method::equal;
  normalisation_spec normalisation;
  aggregation_spec aggregation;
};

struct uncertainty_options {
  std::size_t draws = 1000;     ///< model evaluations in all (see docs/scores.md for the design)
  std::uint64_t seed = 20220620;
  bool sampling = true;         ///< perturb inputs with their standard errors
  bool modelling = true;        ///< vary the modelling choices listed in the configuration
  bool sensitivity = true;      ///< Saltelli/Jansen design giving first-order and total indices
  unsigned threads = 0;         ///< 0: std::thread::hardware_concurrency(); results never depend on it
  double level = 0.90;          ///< width of the reported intervals
};

/// Effective weights and, for principal-component weighting, the loadings of one node.
struct node_weights {
  std::string node;
  std::string method;                   ///< "equal", "explicit", "pca"
  std::vector<std::string> components;
  std::vector<double> weights;          ///< used weights, summing to 1
  std::vector<double> loadings;         ///< pca: first eigenvector of the correlation matrix
  double explained = missing;           ///< pca: share of variance of the first component
  std::size_t complete_units = 0;       ///< pca: units used (all components present)
};

struct missing_note {
  std::string unit;
  std::string node;
  double share_present = 0;  ///< share of the node's components that were present
  double min_share = 0;
};

struct index_result {
  std::string index_id;
  std::vector<std::string> units;
  std::vector<std::string> indicators;      ///< indicator ids, config order
  std::vector<std::string> nodes;           ///< dimension ids then the index, children first
  std::vector<std::string> node_parent;     ///< per node ("" for the index)
  std::vector<std::string> indicator_parent;
  // Column-major matrices: value of unit i, indicator j at [j * units.size() + i].
  std::vector<double> raw, transformed, normalised;
  std::vector<std::uint8_t> imputed;
  std::vector<double> node_scores, node_share, node_rank;  ///< [k * units + i]
  std::vector<double> indicator_rank;
  std::vector<double> index, rank;          ///< the root node's score and rank (1 = best)
  bool copeland = false;
  std::vector<double> copeland_score, copeland_rank;
  std::vector<node_weights> weights;
  std::vector<double> indicator_weight, indicator_effective_weight;  ///< effective = product to root
  std::vector<double> node_weight, node_effective_weight;
  std::vector<missing_note> missing_nodes;
  std::size_t imputed_cells = 0;
  std::vector<std::string> absent_indicators;  ///< optional indicators whose column was absent
  /// Indicators that min-max or z-score normalisation found constant over the units: no ranking
  /// information, weight 0 (detail::evaluator::normalise).
  std::vector<std::string> constant_indicators;

  /// Tidy long table: one row per (unit, node) with kind, parent, raw, transformed, value
  /// (normalised value or aggregate score), weight, effective_weight, rank, imputed, missing,
  /// share_present.
  table to_table() const;
  /// One row per unit: unit, each dimension, the index, rank (and copeland columns).
  table wide_table() const;
  /// One row per (node, component): node, component, method, weight, effective_weight, loading.
  table weights_table() const;
};

struct uncertainty_result {
  std::vector<std::string> units;
  std::vector<double> reference_score, reference_rank;
  std::vector<double> score_median, score_low, score_high, rank_median, rank_low, rank_high;
  std::vector<double> unit_rank_shift;    ///< mean |rank - reference rank| over the draws
  std::vector<double> valid_draws;        ///< draws in which the unit had a score (the rank summaries')
  /// Draws behind score_median/low/high: those with the configured normalisation and aggregation,
  /// so the score interval is on the scale of reference_score (the other methods move only the
  /// rank summaries).
  std::vector<double> score_draws;
  double mean_abs_rank_shift = missing;   ///< averaged over units and draws
  double level = 0.9;
  std::size_t evaluations = 0, base_draws = 0;
  std::vector<std::string> factors;
  /// Indicators with one value over the units and no standard error: where an evaluation normalises
  /// them by min-max or z-score they take no part (weight 0; index_result::constant_indicators).
  std::vector<std::string> constant_indicators;
  std::vector<double> first_order_score, total_score;   ///< per factor, unit scores (pooled)
  std::vector<double> first_order_shift, total_shift;   ///< per factor, mean abs rank shift
  std::vector<double> draw_scores;        ///< evaluations x units, row-major [e * units + i]
  std::vector<std::string> draw_labels;   ///< per evaluation: the choices and noise used

  table to_table() const;
  table sensitivity_table() const;
};

class composite_index {
 public:
  composite_index() = default;
  static composite_index from_json(const nlohmann::json& config, const std::string& source = "<json>");
  static composite_index from_json_text(std::string_view text, const std::string& source = "<json>");
  static composite_index from_file(const std::string& path);
  /// A shipped configuration: "adoption" or "readiness" (python/commdx/data/index-<name>.json).
  static composite_index shipped(const std::string& name);

  const std::string& name() const noexcept { return name_; }
  const std::string& unit_column() const noexcept { return unit_column_; }
  const std::vector<indicator_spec>& indicators() const noexcept { return indicators_; }
  /// Dimensions then the index, children before parents.
  const std::vector<node_spec>& nodes() const noexcept { return nodes_; }
  const nlohmann::json& config() const noexcept { return config_; }
  const std::vector<choice_alternative>& weight_alternatives() const noexcept { return alt_weights_; }
  const std::vector<choice_alternative>& normalisation_alternatives() const noexcept { return alt_norm_; }
  const std::vector<choice_alternative>& aggregation_alternatives() const noexcept { return alt_agg_; }

  /// Scores every unit of a wide table (a unit column and one column per indicator).
  index_result compute(const table& data) const;
  /// Monte Carlo over sampling error (columns "<column>_se") and modelling choices.
  uncertainty_result uncertainty(const table& data, const uncertainty_options& options = {}) const;

 private:
  friend struct detail_access;
  std::string name_, source_, unit_column_ = "unit", group_column_;
  std::string imputation_ = "none";  // none, mean, group_mean
  double min_share_ = 0.5;
  bool copeland_ = false;
  std::vector<indicator_spec> indicators_;
  std::vector<node_spec> nodes_;
  std::vector<choice_alternative> alt_weights_, alt_norm_, alt_agg_;
  nlohmann::json config_;
};

inline std::string_view to_string(normalisation_method m);
inline std::string_view to_string(aggregation_method m);
inline std::string_view to_string(weighting_method m);

}  // namespace commdx

#include "commdx/detail/scores_config.hpp"
#include "commdx/detail/scores_engine.hpp"
