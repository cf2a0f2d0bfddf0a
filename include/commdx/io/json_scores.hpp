#pragma once
// JSON of the scores stage: the composite index definition (its configuration document, which
// from_json reads back), the index result and the Monte Carlo summary (uncertainty_result), every
// vector as written in scores.hpp (matrices column-major, [j * units + i]); missing numbers null.
#include <cstdint>
#include <string>
#include <vector>

#include "commdx/io/json_table.hpp"
#include "commdx/scores.hpp"

namespace commdx::io {

inline json numbers_to_json(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(json_number(x));
  return a;
}

inline std::vector<double> numbers_field(const json& obj, const std::string& key, const location& where) {
  const json& v = require(obj, key, where);
  const location at = json_child(where, key);
  if (!v.is_array()) throw config_error(at, "expected an array of numbers", "commdx.json.type");
  std::vector<double> out;
  out.reserve(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) out.push_back(number_from_json(v[k], json_child(at, std::to_string(k))));
  return out;
}

/// A field that must have `n` numbers (a vector per unit, per node ...).
inline std::vector<double> numbers_field(const json& obj, const std::string& key, const location& where, std::size_t n) {
  auto v = numbers_field(obj, key, where);
  if (v.size() != n)
    throw config_error(json_child(where, key), "expected " + std::to_string(n) + " numbers, got " + std::to_string(v.size()),
                       "commdx.json.value");
  return v;
}

inline json composite_index_to_json(const composite_index& c) { return c.config(); }

inline json index_result_to_json(const index_result& r) {
  json weights = json::array();
  for (const auto& w : r.weights)
    weights.push_back({{"node", w.node}, {"method", w.method}, {"components", w.components}, {"weights", numbers_to_json(w.weights)},
                       {"loadings", numbers_to_json(w.loadings)}, {"explained", json_number(w.explained)},
                       {"complete_units", w.complete_units}});
  json notes = json::array();
  for (const auto& m : r.missing_nodes)
    notes.push_back({{"unit", m.unit}, {"node", m.node}, {"share_present", json_number(m.share_present)}, {"min_share", json_number(m.min_share)}});
  json imputed = json::array();
  for (auto b : r.imputed) imputed.push_back(b != 0);
  return {{"index_id", r.index_id}, {"units", r.units}, {"indicators", r.indicators}, {"nodes", r.nodes},
          {"node_parent", r.node_parent}, {"indicator_parent", r.indicator_parent},
          {"raw", numbers_to_json(r.raw)}, {"transformed", numbers_to_json(r.transformed)},
          {"normalised", numbers_to_json(r.normalised)}, {"imputed", std::move(imputed)},
          {"node_scores", numbers_to_json(r.node_scores)}, {"node_share", numbers_to_json(r.node_share)},
          {"node_rank", numbers_to_json(r.node_rank)}, {"indicator_rank", numbers_to_json(r.indicator_rank)},
          {"index", numbers_to_json(r.index)}, {"rank", numbers_to_json(r.rank)}, {"copeland", r.copeland},
          {"copeland_score", numbers_to_json(r.copeland_score)}, {"copeland_rank", numbers_to_json(r.copeland_rank)},
          {"weights", std::move(weights)}, {"indicator_weight", numbers_to_json(r.indicator_weight)},
          {"indicator_effective_weight", numbers_to_json(r.indicator_effective_weight)},
          {"node_weight", numbers_to_json(r.node_weight)}, {"node_effective_weight", numbers_to_json(r.node_effective_weight)},
          {"missing_nodes", std::move(notes)}, {"imputed_cells", r.imputed_cells}, {"absent_indicators", r.absent_indicators}};
}

inline index_result index_result_from_json(const json& j, const std::string& source = "<json>") {
  using strings = std::vector<std::string>;
  const location where = location::in_file(source);
  index_result r;
  r.index_id = get_as<std::string>(j, "index_id", where);
  r.units = get_as<strings>(j, "units", where);
  r.indicators = get_as<strings>(j, "indicators", where);
  r.nodes = get_as<strings>(j, "nodes", where);
  r.node_parent = get_as<strings>(j, "node_parent", where);
  r.indicator_parent = get_as<strings>(j, "indicator_parent", where);
  const std::size_t n = r.units.size(), cells = n * r.indicators.size(), node_cells = n * r.nodes.size();
  r.raw = numbers_field(j, "raw", where, cells);
  r.transformed = numbers_field(j, "transformed", where, cells);
  r.normalised = numbers_field(j, "normalised", where, cells);
  for (bool b : get_as<std::vector<bool>>(j, "imputed", where)) r.imputed.push_back(b ? 1 : 0);
  r.node_scores = numbers_field(j, "node_scores", where, node_cells);
  r.node_share = numbers_field(j, "node_share", where, node_cells);
  r.node_rank = numbers_field(j, "node_rank", where, node_cells);
  r.indicator_rank = numbers_field(j, "indicator_rank", where);
  r.index = numbers_field(j, "index", where, n);
  r.rank = numbers_field(j, "rank", where, n);
  r.copeland = get_as<bool>(j, "copeland", where);
  r.copeland_score = numbers_field(j, "copeland_score", where);
  r.copeland_rank = numbers_field(j, "copeland_rank", where);
  const json& weights = require(j, "weights", where);
  if (!weights.is_array()) throw config_error(json_child(where, "weights"), "expected an array", "commdx.json.type");
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const location at = json_child(json_child(where, "weights"), std::to_string(k));
    node_weights w;
    w.node = get_as<std::string>(weights[k], "node", at);
    w.method = get_as<std::string>(weights[k], "method", at);
    w.components = get_as<strings>(weights[k], "components", at);
    w.weights = numbers_field(weights[k], "weights", at);
    w.loadings = numbers_field(weights[k], "loadings", at);
    w.explained = number_field(weights[k], "explained", at);
    w.complete_units = get_as<std::size_t>(weights[k], "complete_units", at);
    r.weights.push_back(std::move(w));
  }
  r.indicator_weight = numbers_field(j, "indicator_weight", where);
  r.indicator_effective_weight = numbers_field(j, "indicator_effective_weight", where);
  r.node_weight = numbers_field(j, "node_weight", where);
  r.node_effective_weight = numbers_field(j, "node_effective_weight", where);
  const json& notes = require(j, "missing_nodes", where);
  if (!notes.is_array()) throw config_error(json_child(where, "missing_nodes"), "expected an array", "commdx.json.type");
  for (std::size_t k = 0; k < notes.size(); ++k) {
    const location at = json_child(json_child(where, "missing_nodes"), std::to_string(k));
    r.missing_nodes.push_back({get_as<std::string>(notes[k], "unit", at), get_as<std::string>(notes[k], "node", at),
                               number_field(notes[k], "share_present", at), number_field(notes[k], "min_share", at)});
  }
  r.imputed_cells = get_as<std::size_t>(j, "imputed_cells", where);
  r.absent_indicators = get_as<strings>(j, "absent_indicators", where);
  return r;
}

inline json uncertainty_result_to_json(const uncertainty_result& r) {
  return {{"units", r.units}, {"reference_score", numbers_to_json(r.reference_score)},
          {"reference_rank", numbers_to_json(r.reference_rank)}, {"score_median", numbers_to_json(r.score_median)},
          {"score_low", numbers_to_json(r.score_low)}, {"score_high", numbers_to_json(r.score_high)},
          {"rank_median", numbers_to_json(r.rank_median)}, {"rank_low", numbers_to_json(r.rank_low)},
          {"rank_high", numbers_to_json(r.rank_high)}, {"unit_rank_shift", numbers_to_json(r.unit_rank_shift)},
          {"valid_draws", numbers_to_json(r.valid_draws)}, {"mean_abs_rank_shift", json_number(r.mean_abs_rank_shift)},
          {"level", r.level}, {"evaluations", r.evaluations}, {"base_draws", r.base_draws}, {"factors", r.factors},
          {"first_order_score", numbers_to_json(r.first_order_score)}, {"total_score", numbers_to_json(r.total_score)},
          {"first_order_shift", numbers_to_json(r.first_order_shift)}, {"total_shift", numbers_to_json(r.total_shift)},
          {"draw_scores", numbers_to_json(r.draw_scores)}, {"draw_labels", r.draw_labels}};
}

inline uncertainty_result uncertainty_result_from_json(const json& j, const std::string& source = "<json>") {
  using strings = std::vector<std::string>;
  const location where = location::in_file(source);
  uncertainty_result r;
  r.units = get_as<strings>(j, "units", where);
  const std::size_t n = r.units.size();
  r.reference_score = numbers_field(j, "reference_score", where, n);
  r.reference_rank = numbers_field(j, "reference_rank", where, n);
  r.score_median = numbers_field(j, "score_median", where, n);
  r.score_low = numbers_field(j, "score_low", where, n);
  r.score_high = numbers_field(j, "score_high", where, n);
  r.rank_median = numbers_field(j, "rank_median", where, n);
  r.rank_low = numbers_field(j, "rank_low", where, n);
  r.rank_high = numbers_field(j, "rank_high", where, n);
  r.unit_rank_shift = numbers_field(j, "unit_rank_shift", where, n);
  r.valid_draws = numbers_field(j, "valid_draws", where, n);
  r.mean_abs_rank_shift = number_field(j, "mean_abs_rank_shift", where);
  r.level = number_field(j, "level", where);
  r.evaluations = get_as<std::size_t>(j, "evaluations", where);
  r.base_draws = get_as<std::size_t>(j, "base_draws", where);
  r.factors = get_as<strings>(j, "factors", where);
  r.first_order_score = numbers_field(j, "first_order_score", where);
  r.total_score = numbers_field(j, "total_score", where);
  r.first_order_shift = numbers_field(j, "first_order_shift", where);
  r.total_shift = numbers_field(j, "total_shift", where);
  r.draw_scores = numbers_field(j, "draw_scores", where);
  r.draw_labels = get_as<strings>(j, "draw_labels", where);
  return r;
}

}  // namespace commdx::io

namespace commdx {
COMMDX_JSON_HOOKS(composite_index, io::composite_index_to_json, composite_index::from_json)
COMMDX_JSON_HOOKS(index_result, io::index_result_to_json, io::index_result_from_json)
COMMDX_JSON_HOOKS(uncertainty_result, io::uncertainty_result_to_json, io::uncertainty_result_from_json)
}  // namespace commdx
