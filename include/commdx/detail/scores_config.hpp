#pragma once
// Reading and validating a composite-index configuration (the JSON format is in docs/scores.md).
// Every error is a commdx::config_error naming the source and the field path, e.g.
// "index-adoption.json, column 'dimensions[1].weights[2]': weight must be >= 0".
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "commdx/io/json.hpp"
#include "commdx/scores.hpp"

namespace commdx {

inline std::string_view to_string(normalisation_method m) {
  switch (m) {
    case normalisation_method::min_max: return "min_max";
    case normalisation_method::goalposts: return "goalposts";
    case normalisation_method::z_score: return "z_score";
    case normalisation_method::distance_to_target: return "distance_to_target";
    case normalisation_method::percentile_rank: return "percentile_rank";
  }
  return "?";
}
inline std::string_view to_string(aggregation_method m) {
  switch (m) {
    case aggregation_method::arithmetic: return "arithmetic";
    case aggregation_method::geometric: return "geometric";
    case aggregation_method::harmonic: return "harmonic";
    case aggregation_method::power: return "power";
  }
  return "?";
}
inline std::string_view to_string(weighting_method m) {
  switch (m) {
    case weighting_method::equal: return "equal";
    case weighting_method::explicit_weights: return "explicit";
    case weighting_method::pca: return "pca";
  }
  return "?";
}

namespace detail {

using json = nlohmann::json;

struct config_reader {
  std::string source;

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw config_error(location::in_file(source).in_column(path), what);
  }
  static std::string at(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string at(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }
  double number(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, "expected a number, got " + v.dump());
    const double x = v.get<double>();
    if (!std::isfinite(x)) fail(path, "expected a finite number");
    return x;
  }
  std::string text(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, "expected a string, got " + v.dump());
    return v.get<std::string>();
  }
  bool boolean(const json& v, const std::string& path) const {
    if (!v.is_boolean()) fail(path, "expected true or false, got " + v.dump());
    return v.get<bool>();
  }
  /// The method name of a field given as "name" or {"method": "name", ...}.
  std::string method_of(const json& v, const std::string& path) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object()) {
      if (!v.contains("method")) fail(at(path, "method"), "missing required field");
      return text(v.at("method"), at(path, "method"));
    }
    fail(path, "expected a method name or an object with \"method\", got " + v.dump());
  }
  void known_keys(const json& obj, const std::string& path, std::initializer_list<const char*> keys) const {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool ok = false;
      for (const char* k : keys) ok = ok || it.key() == k;
      if (!ok) fail(at(path, it.key()), "unknown field");
    }
  }

  normalisation_spec normalisation(const json& v, const std::string& path) const {
    normalisation_spec s;
    const std::string m = method_of(v, path);
    const std::string mpath = v.is_object() ? at(path, "method") : path;
    if (m == "min_max" || m == "minmax") s.method = normalisation_method::min_max;
    else if (m == "goalposts") s.method = normalisation_method::goalposts;
    else if (m == "z_score" || m == "zscore") s.method = normalisation_method::z_score;
    else if (m == "distance_to_target" || m == "target") s.method = normalisation_method::distance_to_target;
    else if (m == "percentile_rank" || m == "percentile") s.method = normalisation_method::percentile_rank;
    else fail(mpath, "unknown normalisation '" + m + "' (min_max, goalposts, z_score, distance_to_target, percentile_rank)");
    if (v.is_object()) {
      known_keys(v, path, {"method", "min", "max", "target", "cap", "range"});
      if (v.contains("min")) s.min = number(v.at("min"), at(path, "min"));
      if (v.contains("max")) s.max = number(v.at("max"), at(path, "max"));
      if (v.contains("target")) s.target = number(v.at("target"), at(path, "target"));
      if (v.contains("cap")) s.cap = boolean(v.at("cap"), at(path, "cap"));
      if (v.contains("range")) {
        const json& r = v.at("range");
        if (!r.is_array() || r.size() != 2) fail(at(path, "range"), "expected [low, high]");
        s.range_low = number(r[0], at(at(path, "range"), 0));
        s.range_high = number(r[1], at(at(path, "range"), 1));
        if (!(s.range_low < s.range_high)) fail(at(path, "range"), "low must be below high");
      }
    }
    return s;
  }

  aggregation_spec aggregation(const json& v, const std::string& path) const {
    aggregation_spec a;
    const std::string m = method_of(v, path);
    const std::string mpath = v.is_object() ? at(path, "method") : path;
    if (m == "arithmetic") a = {aggregation_method::arithmetic, 1.0};
    else if (m == "geometric") a = {aggregation_method::geometric, 0.0};
    else if (m == "harmonic") a = {aggregation_method::harmonic, -1.0};
    else if (m == "power" || m == "generalised" || m == "generalized") {
      if (!v.is_object() || !v.contains("p")) fail(at(path, "p"), "a power (generalised) mean needs the exponent p");
      a.method = aggregation_method::power;
      a.p = number(v.at("p"), at(path, "p"));
      if (a.p == 1.0) a.method = aggregation_method::arithmetic;
      else if (a.p == 0.0) a.method = aggregation_method::geometric;
      else if (a.p == -1.0) a.method = aggregation_method::harmonic;
    } else {
      fail(mpath, "unknown aggregation '" + m + "' (arithmetic, geometric, harmonic, power)");
    }
    if (v.is_object()) known_keys(v, path, {"method", "p"});
    return a;
  }

  void weights(const json& v, const std::string& path, node_spec& n) const {
    if (v.is_string()) {
      const std::string m = v.get<std::string>();
      if (m == "equal") n.weighting = weighting_method::equal;
      else if (m == "pca") n.weighting = weighting_method::pca;
      else fail(path, "unknown weights '" + m + "' (equal, pca, a list or an object of numbers)");
      return;
    }
    n.weighting = weighting_method::explicit_weights;
    n.weights.assign(n.components.size(), 0.0);
    if (v.is_array()) {
      if (v.size() != n.components.size())
        fail(path, "has " + std::to_string(v.size()) + " weights for " + std::to_string(n.components.size()) + " components");
      for (std::size_t i = 0; i < v.size(); ++i) n.weights[i] = number(v[i], at(path, i));
    } else if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        auto pos = std::find(n.components.begin(), n.components.end(), it.key());
        if (pos == n.components.end()) fail(at(path, it.key()), "not a component of '" + n.id + "'");
        n.weights[static_cast<std::size_t>(pos - n.components.begin())] = number(it.value(), at(path, it.key()));
      }
      for (std::size_t i = 0; i < n.components.size(); ++i)
        if (!v.contains(n.components[i])) fail(at(path, n.components[i]), "missing weight for this component");
    } else {
      fail(path, "expected \"equal\", \"pca\", a list or an object of numbers");
    }
    double sum = 0;
    for (std::size_t i = 0; i < n.weights.size(); ++i) {
      if (n.weights[i] < 0) fail(at(path, i), "weight must be >= 0");
      sum += n.weights[i];
    }
    if (!(sum > 0)) fail(path, "weights sum to zero");
    for (double& w : n.weights) w /= sum;
  }

  indicator_spec indicator(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "expected an object");
    known_keys(v, path, {"id", "column", "label", "label_vi", "description", "direction", "transform",
                         "normalisation", "bounds", "goalposts", "target", "requirement", "source", "optional"});
    indicator_spec s;
    if (!v.contains("id")) fail(at(path, "id"), "missing required field");
    s.id = text(v.at("id"), at(path, "id"));
    if (s.id.empty()) fail(at(path, "id"), "empty id");
    s.column = v.contains("column") ? text(v.at("column"), at(path, "column")) : s.id;
    if (v.contains("label")) s.label = text(v.at("label"), at(path, "label"));
    if (v.contains("optional")) s.optional = boolean(v.at("optional"), at(path, "optional"));
    if (v.contains("direction")) {
      const json& d = v.at("direction");
      if (d == "positive" || d == 1) s.direction = 1;
      else if (d == "negative" || d == -1) s.direction = -1;
      else fail(at(path, "direction"), "expected \"positive\" or \"negative\", got " + d.dump());
    }
    if (v.contains("transform")) {
      const json& t = v.at("transform");
      const std::string tp = at(path, "transform");
      const std::string m = method_of(t, tp);
      if (m == "none") s.transform = transform_method::none;
      else if (m == "log") s.transform = transform_method::log;
      else if (m == "capped") {
        s.transform = transform_method::capped;
        if (!t.is_object() || (!t.contains("min") && !t.contains("max")))
          fail(tp, "a capped transform needs \"min\" and/or \"max\"");
      } else {
        fail(t.is_object() ? at(tp, "method") : tp, "unknown transform '" + m + "' (none, log, capped)");
      }
      if (t.is_object()) {
        known_keys(t, tp, {"method", "min", "max"});
        if (t.contains("min")) s.cap_low = number(t.at("min"), at(tp, "min"));
        if (t.contains("max")) s.cap_high = number(t.at("max"), at(tp, "max"));
        if (s.cap_low > s.cap_high) fail(tp, "min is above max");
      }
    }
    if (v.contains("bounds")) {
      const json& b = v.at("bounds");
      if (!b.is_array() || b.size() != 2) fail(at(path, "bounds"), "expected [low, high] (null for none)");
      if (!b[0].is_null()) s.bound_low = number(b[0], at(at(path, "bounds"), 0));
      if (!b[1].is_null()) s.bound_high = number(b[1], at(at(path, "bounds"), 1));
    }
    const std::string np = at(path, "normalisation");
    if (v.contains("normalisation")) s.normalisation = normalisation(v.at("normalisation"), np);
    // Goalposts and a target may also be given beside the method, for use by alternatives.
    if (v.contains("goalposts")) {
      const json& g = v.at("goalposts");
      if (!g.is_array() || g.size() != 2) fail(at(path, "goalposts"), "expected [min, max]");
      if (std::isnan(s.normalisation.min)) s.normalisation.min = number(g[0], at(at(path, "goalposts"), 0));
      if (std::isnan(s.normalisation.max)) s.normalisation.max = number(g[1], at(at(path, "goalposts"), 1));
    }
    if (v.contains("target") && std::isnan(s.normalisation.target))
      s.normalisation.target = number(v.at("target"), at(path, "target"));
    check_normalisation(s, s.normalisation, np);
    return s;
  }

  /// Checks that an indicator has what a normalisation method needs.
  void check_normalisation(const indicator_spec& s, const normalisation_spec& n, const std::string& path) const {
    if (n.method == normalisation_method::goalposts) {
      if (std::isnan(n.min) || std::isnan(n.max))
        fail(path, "goalposts normalisation of '" + s.id + "' needs min and max");
      if (!(n.min < n.max)) fail(path, "goalposts of '" + s.id + "': min must be below max");
      if (s.transform == transform_method::log && !(n.min > 0))
        fail(path, "goalposts of '" + s.id + "' must be > 0 for a log transform");
    }
    if (n.method == normalisation_method::distance_to_target) {
      if (std::isnan(n.target)) fail(path, "distance_to_target normalisation of '" + s.id + "' needs a target");
      if (n.target == 0) fail(path, "target of '" + s.id + "' must not be 0");
      if (s.transform == transform_method::log && !(n.target > 0))
        fail(path, "target of '" + s.id + "' must be > 0 for a log transform");
    }
  }

  node_spec node(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "expected an object");
    known_keys(v, path, {"id", "label", "label_vi", "description", "components", "aggregation", "weights", "min_share"});
    node_spec n;
    if (!v.contains("id")) fail(at(path, "id"), "missing required field");
    n.id = text(v.at("id"), at(path, "id"));
    if (n.id.empty()) fail(at(path, "id"), "empty id");
    if (v.contains("label")) n.label = text(v.at("label"), at(path, "label"));
    if (!v.contains("components")) fail(at(path, "components"), "missing required field");
    const json& c = v.at("components");
    if (!c.is_array() || c.empty()) fail(at(path, "components"), "expected a non-empty list of ids");
    for (std::size_t i = 0; i < c.size(); ++i) n.components.push_back(text(c[i], at(at(path, "components"), i)));
    if (v.contains("aggregation")) n.aggregation = aggregation(v.at("aggregation"), at(path, "aggregation"));
    if (v.contains("weights")) weights(v.at("weights"), at(path, "weights"), n);
    if (v.contains("min_share")) {
      n.min_share = number(v.at("min_share"), at(path, "min_share"));
      if (n.min_share < 0 || n.min_share > 1) fail(at(path, "min_share"), "must be in [0, 1]");
    }
    return n;
  }

  std::vector<choice_alternative> alternatives(const json& v, const std::string& path, int kind) const {
    std::vector<choice_alternative> out;
    if (!v.is_array() || v.empty()) fail(path, "expected a non-empty list of alternatives");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = at(path, i);
      choice_alternative a;
      const std::string m = method_of(v[i], p);
      a.label = v[i].is_string() ? m : v[i].dump();
      if (m == "config") {
        a.use_config = true;
      } else {
        a.use_config = false;
        if (kind == 0) {
          if (m == "equal") a.weighting = weighting_method::equal;
          else if (m == "pca") a.weighting = weighting_method::pca;
          else fail(p, "unknown weights alternative '" + m + "' (config, equal, pca)");
        } else if (kind == 1) {
          a.normalisation = normalisation(v[i], p);
        } else {
          a.aggregation = aggregation(v[i], p);
        }
      }
      out.push_back(a);
    }
    return out;
  }
};

}  // namespace detail

inline composite_index composite_index::from_json(const nlohmann::json& j, const std::string& source) try {
  detail::config_reader rd{source};
  using detail::config_reader;
  using json = nlohmann::json;
  if (!j.is_object()) rd.fail("", "a composite-index configuration must be a JSON object");
  rd.known_keys(j, "", {"name", "label", "label_vi", "description", "version", "unit_column", "min_share",
                        "imputation", "ranking", "indicators", "dimensions", "index", "uncertainty", "notes"});
  composite_index ix;
  ix.config_ = j;
  ix.source_ = source;
  ix.name_ = j.contains("name") ? rd.text(j.at("name"), "name") : std::string("index");
  if (j.contains("unit_column")) ix.unit_column_ = rd.text(j.at("unit_column"), "unit_column");
  if (j.contains("min_share")) {
    ix.min_share_ = rd.number(j.at("min_share"), "min_share");
    if (ix.min_share_ < 0 || ix.min_share_ > 1) rd.fail("min_share", "must be in [0, 1]");
  }
  if (j.contains("imputation")) {
    const json& im = j.at("imputation");
    ix.imputation_ = rd.method_of(im, "imputation");
    if (ix.imputation_ != "none" && ix.imputation_ != "mean" && ix.imputation_ != "group_mean")
      rd.fail(im.is_object() ? "imputation.method" : "imputation", "unknown imputation '" + ix.imputation_ + "' (none, mean, group_mean)");
    if (im.is_object()) {
      rd.known_keys(im, "imputation", {"method", "group_column"});
      if (im.contains("group_column")) ix.group_column_ = rd.text(im.at("group_column"), "imputation.group_column");
    }
    if (ix.imputation_ == "group_mean" && ix.group_column_.empty())
      rd.fail("imputation.group_column", "group_mean imputation needs a group_column");
  }
  if (j.contains("ranking")) {
    const std::string r = rd.text(j.at("ranking"), "ranking");
    if (r == "copeland") ix.copeland_ = true;
    else if (r != "score") rd.fail("ranking", "unknown ranking '" + r + "' (score, copeland)");
  }
  if (!j.contains("indicators")) rd.fail("indicators", "missing required field");
  const json& inds = j.at("indicators");
  if (!inds.is_array() || inds.empty()) rd.fail("indicators", "expected a non-empty list");
  std::map<std::string, std::string> where;  // id -> field path that defined it
  for (std::size_t i = 0; i < inds.size(); ++i) {
    const std::string p = config_reader::at("indicators", i);
    ix.indicators_.push_back(rd.indicator(inds[i], p));
    const std::string& id = ix.indicators_.back().id;
    if (!where.emplace(id, p).second) rd.fail(p + ".id", "duplicate id '" + id + "' (also " + where[id] + ")");
  }
  std::vector<node_spec> nodes;
  std::vector<std::string> node_paths;
  if (j.contains("dimensions")) {
    const json& dims = j.at("dimensions");
    if (!dims.is_array()) rd.fail("dimensions", "expected a list");
    for (std::size_t i = 0; i < dims.size(); ++i) {
      node_paths.push_back(config_reader::at("dimensions", i));
      nodes.push_back(rd.node(dims[i], node_paths.back()));
    }
  }
  if (!j.contains("index")) rd.fail("index", "missing required field");
  node_paths.push_back("index");
  nodes.push_back(rd.node(j.at("index"), "index"));
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    if (!where.emplace(nodes[k].id, node_paths[k]).second)
      rd.fail(node_paths[k] + ".id", "duplicate id '" + nodes[k].id + "' (also " + where[nodes[k].id] + ")");
  }
  // The tree: every indicator and dimension is a component of exactly one node; no cycles.
  std::map<std::string, std::string> used_by;
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    for (std::size_t c = 0; c < nodes[k].components.size(); ++c) {
      const std::string& id = nodes[k].components[c];
      const std::string p = config_reader::at(node_paths[k] + ".components", c);
      if (!where.count(id)) rd.fail(p, "unknown indicator or dimension '" + id + "'");
      if (id == nodes.back().id) rd.fail(p, "the index cannot be a component");
      if (id == nodes[k].id) rd.fail(p, "'" + id + "' cannot be its own component");
      if (!used_by.emplace(id, nodes[k].id).second)
        rd.fail(p, "'" + id + "' is already a component of '" + used_by[id] + "' (the configuration must be a tree)");
    }
  }
  for (std::size_t i = 0; i < ix.indicators_.size(); ++i)
    if (!used_by.count(ix.indicators_[i].id))
      rd.fail(config_reader::at("indicators", i), "indicator '" + ix.indicators_[i].id + "' is not a component of any dimension or the index");
  for (std::size_t k = 0; k + 1 < nodes.size(); ++k)
    if (!used_by.count(nodes[k].id)) rd.fail(node_paths[k], "dimension '" + nodes[k].id + "' is not a component of any dimension or the index");
  // Order nodes children-first (a dimension may contain dimensions); a cycle never resolves.
  std::vector<bool> placed(nodes.size(), false);
  std::set<std::string> done;
  for (const auto& s : ix.indicators_) done.insert(s.id);
  for (std::size_t round = 0; round < nodes.size(); ++round) {
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      if (placed[k]) continue;
      bool ready = std::all_of(nodes[k].components.begin(), nodes[k].components.end(),
                               [&](const std::string& c) { return done.count(c) != 0; });
      if (ready) {
        placed[k] = true;
        done.insert(nodes[k].id);
        ix.nodes_.push_back(nodes[k]);
      }
    }
  }
  for (std::size_t k = 0; k < nodes.size(); ++k)
    if (!placed[k]) rd.fail(node_paths[k] + ".components", "dimensions form a cycle through '" + nodes[k].id + "'");
  if (ix.nodes_.back().id != nodes.back().id) rd.fail("index", "the index must be the root of the tree");
  for (auto& n : ix.nodes_)
    if (std::isnan(n.min_share)) n.min_share = ix.min_share_;

  if (j.contains("uncertainty")) {
    const json& u = j.at("uncertainty");
    if (!u.is_object()) rd.fail("uncertainty", "expected an object");
    rd.known_keys(u, "uncertainty", {"weights", "normalisation", "aggregation", "notes"});
    if (u.contains("weights")) ix.alt_weights_ = rd.alternatives(u.at("weights"), "uncertainty.weights", 0);
    if (u.contains("normalisation"))
      ix.alt_norm_ = rd.alternatives(u.at("normalisation"), "uncertainty.normalisation", 1);
    if (u.contains("aggregation")) ix.alt_agg_ = rd.alternatives(u.at("aggregation"), "uncertainty.aggregation", 2);
    // Alternatives that need goalposts or targets take them from each indicator.
    for (std::size_t a = 0; a < ix.alt_norm_.size(); ++a) {
      if (ix.alt_norm_[a].use_config) continue;
      for (const auto& s : ix.indicators_) {
        normalisation_spec n = ix.alt_norm_[a].normalisation;
        if (std::isnan(n.min)) n.min = s.normalisation.min;
        if (std::isnan(n.max)) n.max = s.normalisation.max;
        if (std::isnan(n.target)) n.target = s.normalisation.target;
        rd.check_normalisation(s, n, config_reader::at("uncertainty.normalisation", a));
      }
    }
    // z-scores are negative for units below the mean: only an arithmetic mean can aggregate them.
    bool z = false, nonlinear = false;
    for (const auto& s : ix.indicators_) z = z || s.normalisation.method == normalisation_method::z_score;
    for (const auto& a : ix.alt_norm_) z = z || (!a.use_config && a.normalisation.method == normalisation_method::z_score);
    for (const auto& n : ix.nodes_) nonlinear = nonlinear || n.aggregation.method != aggregation_method::arithmetic;
    for (const auto& a : ix.alt_agg_) nonlinear = nonlinear || (!a.use_config && a.aggregation.method != aggregation_method::arithmetic);
    if (z && nonlinear && (!ix.alt_norm_.empty() || !ix.alt_agg_.empty()))
      rd.fail("uncertainty", "z-score normalisation gives negative values, which a geometric, harmonic or power mean "
                             "cannot aggregate: do not combine them among the alternatives");
  }
  return ix;
} catch (const nlohmann::json::exception& e) {
  io::rethrow_config_error(e, source);
}

inline composite_index composite_index::from_json_text(std::string_view text, const std::string& source) {
  return from_json(io::parse_json(text, source), source);
}

inline composite_index composite_index::from_file(const std::string& path) {
  return from_json(io::read_json_file(path), path);
}

inline composite_index composite_index::shipped(const std::string& name) {
  if (name != "adoption" && name != "readiness")
    throw config_error(location{}, "no shipped index named '" + name + "' (adoption, readiness)");
  const std::string file = "index-" + name + ".json";
  return from_json_text(shipped_data(file), file);
}

}  // namespace commdx
