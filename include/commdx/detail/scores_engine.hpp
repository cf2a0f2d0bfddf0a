#pragma once
// The composite-index engine: one evaluation (normalise, weight, aggregate) over a units x
// indicators matrix, the reference computation with every intermediate, and the Monte Carlo
// uncertainty and sensitivity analysis. Methods and formulas: docs/scores.md.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <Eigen/Dense>
#include "commdx/detail/interrupt.hpp"

#include "commdx/detail/scores_math.hpp"
#include "commdx/scores.hpp"

namespace commdx {

struct detail_access {
  static const std::string& imputation(const composite_index& ix) { return ix.imputation_; }
  static const std::string& group_column(const composite_index& ix) { return ix.group_column_; }
  static const std::string& source(const composite_index& ix) { return ix.source_; }
  static bool copeland(const composite_index& ix) { return ix.copeland_; }
};

namespace detail {
inline std::string detail_imputation(const composite_index& ix) { return detail_access::imputation(ix); }
inline std::string detail_group_column(const composite_index& ix) { return detail_access::group_column(ix); }
}  // namespace detail

namespace detail {

/// The configuration flattened into index form for fast evaluation.
struct score_model {
  std::string source;
  std::vector<indicator_spec> ind;
  std::vector<node_spec> nodes;
  struct component {
    bool indicator;
    std::size_t index;
  };
  std::vector<std::vector<component>> comps;
  std::vector<std::size_t> ind_parent, node_parent;  // node index; node_parent of root = npos
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit score_model(const composite_index& ix) : ind(ix.indicators()), nodes(ix.nodes()) {
    std::unordered_map<std::string, component> pos;
    for (std::size_t j = 0; j < ind.size(); ++j) pos[ind[j].id] = {true, j};
    for (std::size_t k = 0; k < nodes.size(); ++k) pos[nodes[k].id] = {false, k};
    ind_parent.assign(ind.size(), npos);
    node_parent.assign(nodes.size(), npos);
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      comps.emplace_back();
      for (const auto& c : nodes[k].components) {
        component cp = pos.at(c);
        comps.back().push_back(cp);
        (cp.indicator ? ind_parent[cp.index] : node_parent[cp.index]) = k;
      }
    }
  }
};

/// Transforms a value of indicator s (after capping); log of a non-positive value is an error.
inline double transform_value(const indicator_spec& s, double x, const std::string& source, const std::string& unit) {
  if (std::isnan(x)) return x;
  if (!std::isnan(s.cap_low) && x < s.cap_low) x = s.cap_low;
  if (!std::isnan(s.cap_high) && x > s.cap_high) x = s.cap_high;
  if (s.transform == transform_method::log) {
    if (!(x > 0))
      throw input_error(location::in_file(source).in_column(s.column).for_unit(unit),
                        "log transform of a value <= 0 (" + format_number(x) + "); set bounds or use another transform");
    return det_log(x);
  }
  return x;
}

inline double transform_reference(const indicator_spec& s, double x) {
  return s.transform == transform_method::log ? det_log(x) : x;
}

/// Which alternative each modelling choice takes in one evaluation (nullptr: the configuration).
struct eval_choice {
  const choice_alternative* weights = nullptr;
  const choice_alternative* normalisation = nullptr;
  const choice_alternative* aggregation = nullptr;
};

struct workspace {
  std::vector<double> norm, node, share;
  std::vector<double> tmp;
  std::vector<std::size_t> idx;
  std::vector<std::vector<double>> node_w;      // used weights per node
  std::vector<double> count, wsum, acc;
  std::vector<std::uint8_t> zero;
  std::vector<std::uint8_t> constant;            // per indicator: one value over the units (min-max, z-score)
  std::vector<node_weights> report;              // filled when asked
};

/// Ranks in decreasing order of score, 1 = best; equal scores share the lowest rank (1, 2, 2, 4);
/// missing scores get a missing rank.
inline void rank_desc(const double* s, std::size_t n, double* out, std::vector<std::pair<double, std::size_t>>& buf) {
  buf.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(s[i])) out[i] = missing;
    else buf.emplace_back(-s[i], i);  // ascending (-score, unit): best first, ties by unit order
  }
  std::sort(buf.begin(), buf.end());
  for (std::size_t r = 0; r < buf.size(); ++r) {
    out[buf[r].second] = (r > 0 && buf[r].first == buf[r - 1].first) ? out[buf[r - 1].second] : static_cast<double>(r + 1);
  }
}

class evaluator {
 public:
  evaluator(const score_model& m, std::size_t n, std::vector<std::string> const* units)
      : m_(m), n_(n), units_(units) {}

  [[noreturn]] void fail_ind(std::size_t j, std::size_t i, const std::string& what) const {
    throw input_error(location::in_file(m_.source).in_column(m_.ind[j].column).for_unit((units_ && i < units_->size()) ? (*units_)[i] : std::string()), what);
  }
  [[noreturn]] void fail_node(std::size_t k, std::size_t i, const std::string& what) const {
    throw input_error(location::in_file(m_.source).in_column(m_.nodes[k].id).for_unit((units_ && i < units_->size()) ? (*units_)[i] : std::string()), what);
  }

  normalisation_spec norm_spec(std::size_t j, const eval_choice& c) const {
    const normalisation_spec& own = m_.ind[j].normalisation;
    if (!c.normalisation || c.normalisation->use_config) return own;
    normalisation_spec s = c.normalisation->normalisation;
    if (std::isnan(s.min)) s.min = own.min;
    if (std::isnan(s.max)) s.max = own.max;
    if (std::isnan(s.target)) s.target = own.target;
    return s;
  }

  /// x: n values of indicator j (transformed). Writes n normalised values to out. Returns true for
  /// an indicator that min-max or z-score normalisation finds constant over the units (one value,
  /// at least two units with it): it carries no ranking information, every unit gets the middle of
  /// the range (z-score: 0), and evaluate() gives it weight 0, as principal-component weighting
  /// does for a constant component.
  bool normalise(std::size_t j, const normalisation_spec& s, const double* x, double* out, workspace& ws) const {
    const indicator_spec& ind = m_.ind[j];
    const double d = static_cast<double>(ind.direction);
    const double rl = s.range_low, rw = s.range_high - s.range_low;
    switch (s.method) {
      case normalisation_method::min_max: {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t i = 0; i < n_; ++i)
          if (!std::isnan(x[i])) {
            lo = std::min(lo, x[i]);
            hi = std::max(hi, x[i]);
          }
        if (!(hi > lo)) {
          std::size_t cnt = 0;
          for (std::size_t i = 0; i < n_; ++i) cnt += !std::isnan(x[i]);
          if (hi == lo && cnt < 2) fail_ind(j, npos(), "min-max normalisation needs at least two units with a value");
          for (std::size_t i = 0; i < n_; ++i) out[i] = std::isnan(x[i]) ? missing : rl + 0.5 * rw;
          return hi == lo;
        }
        const double w = hi - lo;
        for (std::size_t i = 0; i < n_; ++i) {
          double y = (x[i] - lo) / w;
          if (d < 0) y = 1.0 - y;
          out[i] = rl + rw * y;
        }
        return false;
      }
      case normalisation_method::goalposts: {
        const double lo = transform_reference(ind, s.min), hi = transform_reference(ind, s.max);
        const double w = hi - lo;
        for (std::size_t i = 0; i < n_; ++i) {
          if (std::isnan(x[i])) {
            out[i] = missing;
            continue;
          }
          double y = (x[i] - lo) / w;
          if (s.cap) y = std::min(1.0, std::max(0.0, y));
          if (d < 0) y = 1.0 - y;
          out[i] = rl + rw * y;
        }
        return false;
      }
      case normalisation_method::z_score: {
        double sum = 0;
        std::size_t cnt = 0;
        for (std::size_t i = 0; i < n_; ++i)
          if (!std::isnan(x[i])) {
            sum += x[i];
            ++cnt;
          }
        if (cnt < 2) {
          if (cnt == 1) fail_ind(j, npos(), "z-score normalisation needs at least two units with a value");
          for (std::size_t i = 0; i < n_; ++i) out[i] = missing;
          return false;
        }
        const double mean = sum / static_cast<double>(cnt);
        double ss = 0;
        for (std::size_t i = 0; i < n_; ++i)
          if (!std::isnan(x[i])) ss += (x[i] - mean) * (x[i] - mean);
        const double sd = std::sqrt(ss / static_cast<double>(cnt - 1));
        if (!(sd > 0)) {
          for (std::size_t i = 0; i < n_; ++i) out[i] = std::isnan(x[i]) ? missing : 0.0;
          return true;
        }
        for (std::size_t i = 0; i < n_; ++i) out[i] = d * (x[i] - mean) / sd;
        return false;
      }
      case normalisation_method::distance_to_target: {
        const double t = transform_reference(ind, s.target);
        for (std::size_t i = 0; i < n_; ++i) {
          if (std::isnan(x[i])) {
            out[i] = missing;
            continue;
          }
          double y;
          if (d > 0) {
            y = x[i] / t;
          } else {
            if (!(x[i] > 0)) {
              if (!s.cap) fail_ind(j, i, "distance to a target of a 'negative' indicator needs values > 0, or cap");
              y = 1.0;
            } else {
              y = t / x[i];
            }
          }
          if (s.cap) y = std::min(1.0, std::max(0.0, y));
          out[i] = y;
        }
        return false;
      }
      case normalisation_method::percentile_rank: {
        ws.idx.clear();
        for (std::size_t i = 0; i < n_; ++i) {
          if (std::isnan(x[i])) out[i] = missing;
          else ws.idx.push_back(i);
        }
        const std::size_t cnt = ws.idx.size();
        std::sort(ws.idx.begin(), ws.idx.end(), [x](std::size_t a, std::size_t b) { return x[a] < x[b] || (x[a] == x[b] && a < b); });
        for (std::size_t r = 0; r < cnt;) {
          std::size_t e = r;
          while (e + 1 < cnt && x[ws.idx[e + 1]] == x[ws.idx[r]]) ++e;
          // mid-rank of a tie group, 0-based: (r + e) / 2; percentile = midrank / (cnt - 1)
          double y = cnt > 1 ? (static_cast<double>(r + e) / 2.0) / static_cast<double>(cnt - 1) : 0.5;
          if (d < 0) y = 1.0 - y;
          for (std::size_t q = r; q <= e; ++q) out[ws.idx[q]] = rl + rw * y;
          r = e + 1;
        }
        return false;
      }
    }
    return false;
  }

  /// PCA weights of node k over its component columns (pointers into ws). Loadings: the first
  /// eigenvector of the correlation matrix over units with every component present, signed so that
  /// the loadings sum to a positive number; weights = squared loadings (they sum to 1).
  void pca_weights(std::size_t k, const std::vector<const double*>& cols, std::vector<double>& w, node_weights* rep) const {
    const std::size_t p = cols.size();
    // Components that vary over the units take part; a component with no value (an optional
    // indicator not in the input) or one value everywhere gets weight 0. A unit's missing value
    // counts as the component's mean (it adds nothing to the covariances), so one missing business
    // indicator in one ward does not remove the ward from the weighting.
    std::vector<std::size_t> use;
    std::vector<double> mean(p, 0.0), ss(p, 0.0);
    std::size_t complete = 0;
    for (std::size_t c = 0; c < p; ++c) {
      std::size_t cnt = 0;
      for (std::size_t i = 0; i < n_; ++i)
        if (!std::isnan(cols[c][i])) {
          mean[c] += cols[c][i];
          ++cnt;
        }
      if (cnt == 0) continue;
      mean[c] /= static_cast<double>(cnt);
      for (std::size_t i = 0; i < n_; ++i)
        if (!std::isnan(cols[c][i])) ss[c] += (cols[c][i] - mean[c]) * (cols[c][i] - mean[c]);
      if (ss[c] > 0 && cnt >= 3) use.push_back(c);
    }
    for (std::size_t i = 0; i < n_; ++i) {
      bool ok = true;
      for (std::size_t c : use) ok = ok && !std::isnan(cols[c][i]);
      complete += ok;
    }
    w.assign(p, 0.0);
    std::vector<double> load(p, missing);
    double explained = missing;
    if (use.empty()) fail_node(k, npos(), "PCA weights: no component varies over at least 3 units");
    if (use.size() == 1) {
      w[use[0]] = 1.0;
      load[use[0]] = 1.0;
      explained = 1.0;
    } else {
      const std::size_t q = use.size();
      const Eigen::Index qe = static_cast<Eigen::Index>(q);
      Eigen::MatrixXd z(static_cast<Eigen::Index>(n_), qe);
      for (std::size_t c = 0; c < q; ++c) {
        const std::size_t cc = use[c];
        const double inv = 1.0 / std::sqrt(ss[cc]);
        for (std::size_t i = 0; i < n_; ++i) {
          const double v = cols[cc][i];
          z(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = std::isnan(v) ? 0.0 : (v - mean[cc]) * inv;
        }
      }
      const Eigen::MatrixXd corr = z.transpose() * z;
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(corr);
      Eigen::VectorXd v = es.eigenvectors().col(qe - 1);
      if (v.sum() < 0) v = -v;
      double s = 0;
      for (std::size_t c = 0; c < q; ++c) {
        const double l = v(static_cast<Eigen::Index>(c));
        load[use[c]] = l;
        w[use[c]] = l * l;
        s += l * l;
      }
      for (double& x : w) x /= s;
      explained = es.eigenvalues()(qe - 1) / static_cast<double>(q);
    }
    if (rep) {
      rep->loadings = load;
      rep->explained = explained;
      rep->complete_units = complete;
    }
  }

  /// One evaluation over the transformed matrix x (column-major n x m).
  void evaluate(const double* x, const eval_choice& c, workspace& ws, bool report) const {
    const std::size_t m = m_.ind.size(), q = m_.nodes.size();
    ws.norm.resize(n_ * m);
    ws.node.resize(n_ * q);
    ws.share.resize(n_ * q);
    ws.node_w.resize(q);
    if (report) ws.report.assign(q, node_weights{});
    ws.constant.assign(m, 0);
    for (std::size_t j = 0; j < m; ++j)
      ws.constant[j] = normalise(j, norm_spec(j, c), x + j * n_, ws.norm.data() + j * n_, ws) ? 1 : 0;
    std::vector<const double*> cols;
    for (std::size_t k = 0; k < q; ++k) {
      const node_spec& nd = m_.nodes[k];
      const auto& cp = m_.comps[k];
      const std::size_t p = cp.size();
      cols.clear();
      for (const auto& e : cp) cols.push_back(e.indicator ? ws.norm.data() + e.index * n_ : ws.node.data() + e.index * n_);
      weighting_method wm = nd.weighting;
      if (c.weights && !c.weights->use_config) wm = c.weights->weighting;
      std::vector<double>& w = ws.node_w[k];
      node_weights* rep = report ? &ws.report[k] : nullptr;
      if (wm == weighting_method::pca) pca_weights(k, cols, w, rep);
      else if (wm == weighting_method::explicit_weights) w = nd.weights;
      else w.assign(p, 1.0 / static_cast<double>(p));
      {
        // a constant indicator takes no part (weight 0), unless every component is one: then the
        // node is the same for every unit either way, and its weights stay
        bool all = true;
        for (std::size_t e = 0; e < p; ++e) all = all && cp[e].indicator && ws.constant[cp[e].index];
        for (std::size_t e = 0; e < p && !all; ++e)
          if (cp[e].indicator && ws.constant[cp[e].index]) w[e] = 0.0;
      }
      if (rep) {
        rep->node = nd.id;
        rep->method = std::string(to_string(wm));
        rep->components = nd.components;
        rep->weights = w;
      }
      aggregation_spec ag = nd.aggregation;
      if (c.aggregation && !c.aggregation->use_config) ag = c.aggregation->aggregation;
      double* out = ws.node.data() + k * n_;
      double* share = ws.share.data() + k * n_;
      const double need = nd.min_share - 1e-12;
      // Column by column (cache-friendly, vectorisable): present count, present weight, and the
      // weighted sum of f(value) with f = identity, log, 1/x or x^p by the mean's kind.
      auto& cnt = ws.count;
      auto& wsum = ws.wsum;
      auto& acc = ws.acc;
      auto& zero = ws.zero;
      cnt.assign(n_, 0.0);
      wsum.assign(n_, 0.0);
      acc.assign(n_, 0.0);
      zero.assign(n_, 0);
      const aggregation_method am = ag.method;
      for (std::size_t e = 0; e < p; ++e) {
        const double* v = cols[e];
        const double we = w[e];
        for (std::size_t i = 0; i < n_; ++i) {
          if (std::isnan(v[i])) continue;
          cnt[i] += 1.0;
          wsum[i] += we;
        }
        if (am == aggregation_method::arithmetic) {
          for (std::size_t i = 0; i < n_; ++i)
            if (!std::isnan(v[i])) acc[i] += we * v[i];
          continue;
        }
        if (we == 0) continue;
        for (std::size_t i = 0; i < n_; ++i) {
          const double xv = v[i];
          if (std::isnan(xv)) continue;
          if (xv <= 0) {
            if (xv < 0)
              fail_node(k, i, std::string("a ") + std::string(to_string(am)) +
                                  " mean cannot aggregate a negative value (component '" + nd.components[e] + "')");
            zero[i] = 1;  // a zero component: the geometric, harmonic and p < 0 means are 0
            continue;
          }
          if (am == aggregation_method::geometric) acc[i] += we * det_log(xv);
          else if (am == aggregation_method::harmonic) acc[i] += we / xv;
          else acc[i] += we * det_pow(xv, ag.p);
        }
      }
      const double inv_p = 1.0 / static_cast<double>(p);
      for (std::size_t i = 0; i < n_; ++i) {
        share[i] = cnt[i] * inv_p;
        if (cnt[i] == 0 || share[i] < need || !(wsum[i] > 0)) {
          out[i] = missing;
          continue;
        }
        switch (am) {
          case aggregation_method::arithmetic: out[i] = acc[i] / wsum[i]; break;
          case aggregation_method::geometric: out[i] = zero[i] ? 0.0 : det_exp(acc[i] / wsum[i]); break;
          case aggregation_method::harmonic: out[i] = zero[i] ? 0.0 : wsum[i] / acc[i]; break;
          case aggregation_method::power:
            out[i] = (zero[i] && ag.p < 0) ? 0.0 : det_pow(acc[i] / wsum[i], 1.0 / ag.p);
            break;
        }
      }
    }
  }

  static constexpr std::size_t npos() { return static_cast<std::size_t>(-1); }

 private:
  const score_model& m_;
  std::size_t n_;
  const std::vector<std::string>* units_;
};

/// The inputs read from a table: unit ids, raw values (after imputation), standard errors.
struct score_inputs {
  std::vector<std::string> units;
  std::vector<double> raw, se, transformed;  // column-major n x m
  std::vector<std::uint8_t> imputed;
  std::size_t imputed_cells = 0;
  bool any_se = false;
  std::vector<std::string> absent;
};

inline score_inputs read_inputs(const composite_index& ix, const score_model& m, const table& t) {
  score_inputs in;
  const std::size_t n = t.rows(), p = m.ind.size();
  if (!t.has(ix.unit_column()))
    throw input_error(location::in_file(t.source()).in_column(ix.unit_column()),
                      "missing the unit column (the configuration's unit_column)");
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < n; ++i) {
    std::string u = t.cell_text(ix.unit_column(), i);
    if (u.empty()) throw input_error(location::in_file(t.source()).at_row(i + 1).in_column(ix.unit_column()), "empty unit id");
    auto res = seen.emplace(u, i);
    if (!res.second)
      throw validation_error(location::in_file(t.source()).at_row(i + 1).in_column(ix.unit_column()).for_unit(u),
                             "unit appears twice (also row " + std::to_string(res.first->second + 1) + ")");
    in.units.push_back(std::move(u));
  }
  if (n == 0) throw input_error(location::in_file(t.source()), "no units to score");
  in.raw.resize(n * p);
  in.se.assign(n * p, 0.0);
  in.imputed.assign(n * p, 0);
  for (std::size_t j = 0; j < p; ++j) {
    if (m.ind[j].optional && !t.has(m.ind[j].column)) {
      std::fill(in.raw.begin() + static_cast<std::ptrdiff_t>(j * n), in.raw.begin() + static_cast<std::ptrdiff_t>((j + 1) * n), missing);
      in.absent.push_back(m.ind[j].id);
      continue;
    }
    const auto& col = t.numeric(m.ind[j].column);
    std::copy(col.begin(), col.end(), in.raw.begin() + static_cast<std::ptrdiff_t>(j * n));
    const std::string sec = m.ind[j].column + "_se";
    if (t.has(sec)) {
      const auto& se = t.numeric(sec);
      for (std::size_t i = 0; i < n; ++i) {
        if (se[i] < 0) throw input_error(location::in_file(t.source()).at_row(i + 1).in_column(sec).for_unit(in.units[i]), "negative standard error");
        if (!std::isnan(se[i]) && se[i] > 0) {
          in.se[j * n + i] = se[i];
          in.any_se = true;
        }
      }
    }
  }
  // Imputation (flagged): the mean over units, or over the unit's group; the imputed cell's standard
  // error is the standard deviation of the values it was imputed from, so the Monte Carlo carries
  // the imputation's uncertainty.
  const std::string how = detail_imputation(ix);
  if (how != "none") {
    std::vector<std::string> group(n);
    if (how == "group_mean") {
      const std::string gc = detail_group_column(ix);
      for (std::size_t i = 0; i < n; ++i) group[i] = t.cell_text(gc, i);
    }
    for (std::size_t j = 0; j < p; ++j) {
      std::map<std::string, std::pair<double, double>> sums;  // group -> (sum, sum of squares)
      std::map<std::string, std::size_t> counts;
      for (std::size_t i = 0; i < n; ++i) {
        const double v = in.raw[j * n + i];
        if (std::isnan(v)) continue;
        auto& s = sums[group[i]];
        s.first += v;
        s.second += v * v;
        ++counts[group[i]];
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (!std::isnan(in.raw[j * n + i])) continue;
        auto it = counts.find(group[i]);
        if (it == counts.end()) continue;  // no value in the group: stays missing, reported by min_share
        const double c = static_cast<double>(it->second);
        const auto& s = sums[group[i]];
        const double mean = s.first / c;
        in.raw[j * n + i] = mean;
        in.se[j * n + i] = c > 1 ? std::sqrt(std::max(0.0, (s.second - c * mean * mean) / (c - 1))) : 0.0;
        in.any_se = in.any_se || in.se[j * n + i] > 0;
        in.imputed[j * n + i] = 1;
        ++in.imputed_cells;
      }
    }
  }
  in.transformed.resize(n * p);
  for (std::size_t j = 0; j < p; ++j)
    for (std::size_t i = 0; i < n; ++i)
      in.transformed[j * n + i] = transform_value(m.ind[j], in.raw[j * n + i], t.source(), in.units[i]);
  return in;
}

inline double quantile_sorted(const std::vector<double>& v, double prob) {
  if (v.empty()) return missing;
  const double h = static_cast<double>(v.size() - 1) * prob;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= v.size()) return v.back();
  return v[lo] + (h - static_cast<double>(lo)) * (v[lo + 1] - v[lo]);
}

}  // namespace detail


inline index_result composite_index::compute(const table& data) const {
  detail::score_model m(*this);
  m.source = data.source();
  const detail::score_inputs in = detail::read_inputs(*this, m, data);
  const std::size_t n = in.units.size(), p = m.ind.size(), q = m.nodes.size();
  detail::evaluator ev(m, n, &in.units);
  detail::workspace ws;
  ev.evaluate(in.transformed.data(), detail::eval_choice{}, ws, true);

  index_result r;
  r.index_id = m.nodes.back().id;
  r.units = in.units;
  for (const auto& s : m.ind) r.indicators.push_back(s.id);
  for (std::size_t k = 0; k < q; ++k) {
    r.nodes.push_back(m.nodes[k].id);
    r.node_parent.push_back(m.node_parent[k] == detail::score_model::npos ? std::string() : m.nodes[m.node_parent[k]].id);
  }
  for (std::size_t j = 0; j < p; ++j) r.indicator_parent.push_back(m.nodes[m.ind_parent[j]].id);
  r.raw = in.raw;
  r.transformed = in.transformed;
  r.normalised = ws.norm;
  r.imputed = in.imputed;
  r.imputed_cells = in.imputed_cells;
  r.absent_indicators = in.absent;
  for (std::size_t j = 0; j < p; ++j)
    if (ws.constant[j]) r.constant_indicators.push_back(m.ind[j].id);
  r.node_scores = ws.node;
  r.node_share = ws.share;
  r.weights = ws.report;
  r.index.assign(ws.node.begin() + static_cast<std::ptrdiff_t>((q - 1) * n), ws.node.end());
  std::vector<std::pair<double, std::size_t>> idx;
  r.rank.resize(n);
  detail::rank_desc(r.index.data(), n, r.rank.data(), idx);
  r.node_rank.resize(n * q);
  for (std::size_t k = 0; k < q; ++k) detail::rank_desc(ws.node.data() + k * n, n, r.node_rank.data() + k * n, idx);
  r.indicator_rank.resize(n * p);
  for (std::size_t j = 0; j < p; ++j) detail::rank_desc(ws.norm.data() + j * n, n, r.indicator_rank.data() + j * n, idx);
  // Weights within the parent and effective weights (the product of weights up to the index).
  r.node_weight.assign(q, 1.0);
  r.node_effective_weight.assign(q, 1.0);
  r.indicator_weight.assign(p, 0.0);
  r.indicator_effective_weight.assign(p, 0.0);
  for (std::size_t k = q; k-- > 0;) {
    for (std::size_t e = 0; e < m.comps[k].size(); ++e) {
      const auto& c = m.comps[k][e];
      const double w = ws.node_w[k][e];
      if (c.indicator) {
        r.indicator_weight[c.index] = w;
        r.indicator_effective_weight[c.index] = w * r.node_effective_weight[k];
      } else {
        r.node_weight[c.index] = w;
        r.node_effective_weight[c.index] = w * r.node_effective_weight[k];
      }
    }
  }
  for (std::size_t k = 0; k < q; ++k)
    for (std::size_t i = 0; i < n; ++i)
      if (std::isnan(ws.node[k * n + i]))
        r.missing_nodes.push_back({in.units[i], m.nodes[k].id, ws.share[k * n + i], m.nodes[k].min_share});
  // Copeland: unit a beats b when the (effective) weight of indicators on which a is better exceeds
  // the weight on which b is better; score = wins - losses (OECD/JRC handbook, section 6.1.3).
  r.copeland = detail_access::copeland(*this);
  if (r.copeland) {
    r.copeland_score.assign(n, 0.0);
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = a + 1; b < n; ++b) {
        double wa = 0, wb = 0;
        for (std::size_t j = 0; j < p; ++j) {
          const double x = ws.norm[j * n + a], y = ws.norm[j * n + b];
          if (std::isnan(x) || std::isnan(y)) continue;
          if (x > y) wa += r.indicator_effective_weight[j];
          else if (y > x) wb += r.indicator_effective_weight[j];
        }
        if (wa > wb) {
          r.copeland_score[a] += 1;
          r.copeland_score[b] -= 1;
        } else if (wb > wa) {
          r.copeland_score[b] += 1;
          r.copeland_score[a] -= 1;
        }
      }
    r.copeland_rank.resize(n);
    detail::rank_desc(r.copeland_score.data(), n, r.copeland_rank.data(), idx);
  }
  return r;
}

inline table index_result::to_table() const {
  const std::size_t n = units.size(), p = indicators.size(), q = nodes.size();
  text_column unit, node, kind, parent;
  numeric_column raw_c, tr_c, val, w, ew, rk, imp, miss, share;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      unit.push_back(units[i]);
      node.push_back(indicators[j]);
      kind.push_back("indicator");
      parent.push_back(indicator_parent[j]);
      raw_c.push_back(raw[j * n + i]);
      tr_c.push_back(transformed[j * n + i]);
      val.push_back(normalised[j * n + i]);
      w.push_back(indicator_weight[j]);
      ew.push_back(indicator_effective_weight[j]);
      rk.push_back(indicator_rank[j * n + i]);
      imp.push_back(imputed[j * n + i]);
      miss.push_back(std::isnan(normalised[j * n + i]) ? 1.0 : 0.0);
      share.push_back(std::isnan(raw[j * n + i]) ? 0.0 : 1.0);
    }
    for (std::size_t k = 0; k < q; ++k) {
      unit.push_back(units[i]);
      node.push_back(nodes[k]);
      kind.push_back(k + 1 == q ? "index" : "dimension");
      parent.push_back(node_parent[k]);
      raw_c.push_back(missing);
      tr_c.push_back(missing);
      val.push_back(node_scores[k * n + i]);
      w.push_back(node_weight[k]);
      ew.push_back(node_effective_weight[k]);
      rk.push_back(node_rank[k * n + i]);
      imp.push_back(0);
      miss.push_back(std::isnan(node_scores[k * n + i]) ? 1.0 : 0.0);
      share.push_back(node_share[k * n + i]);
    }
  }
  table t("scores");
  t.set("unit", unit);
  t.set("node", node);
  t.set("kind", kind);
  t.set("parent", parent);
  t.set("raw", raw_c);
  t.set("transformed", tr_c);
  t.set("value", val);
  t.set("weight", w);
  t.set("effective_weight", ew);
  t.set("rank", rk);
  t.set("imputed", imp);
  t.set("missing", miss);
  t.set("share_present", share);
  return t;
}

inline table index_result::wide_table() const {
  const std::size_t n = units.size(), q = nodes.size();
  table t("scores");
  t.set("unit", units);
  for (std::size_t k = 0; k < q; ++k)
    t.set(nodes[k], numeric_column(node_scores.begin() + static_cast<std::ptrdiff_t>(k * n),
                                   node_scores.begin() + static_cast<std::ptrdiff_t>((k + 1) * n)));
  t.set("rank", rank);
  if (copeland) {
    t.set("copeland_score", copeland_score);
    t.set("copeland_rank", copeland_rank);
  }
  return t;
}

inline table index_result::weights_table() const {
  text_column node, comp, method;
  numeric_column w, ew, load, expl, cu;
  std::unordered_map<std::string, double> eff;
  for (std::size_t j = 0; j < indicators.size(); ++j) eff[indicators[j]] = indicator_effective_weight[j];
  for (std::size_t k = 0; k < nodes.size(); ++k) eff[nodes[k]] = node_effective_weight[k];
  for (const auto& nw : weights)
    for (std::size_t c = 0; c < nw.components.size(); ++c) {
      node.push_back(nw.node);
      comp.push_back(nw.components[c]);
      method.push_back(nw.method);
      w.push_back(nw.weights[c]);
      ew.push_back(eff[nw.components[c]]);
      load.push_back(nw.loadings.empty() ? missing : nw.loadings[c]);
      expl.push_back(nw.explained);
      cu.push_back(nw.method == "pca" ? static_cast<double>(nw.complete_units) : missing);
    }
  table t("weights");
  t.set("node", node);
  t.set("component", comp);
  t.set("method", method);
  t.set("weight", w);
  t.set("effective_weight", ew);
  t.set("loading", load);
  t.set("explained_variance", expl);
  t.set("pca_units", cu);
  return t;
}

inline uncertainty_result composite_index::uncertainty(const table& data, const uncertainty_options& opt) const {
  detail::score_model m(*this);
  m.source = data.source();
  const detail::score_inputs in = detail::read_inputs(*this, m, data);
  const std::size_t n = in.units.size(), p = m.ind.size(), q = m.nodes.size();
  if (opt.draws < 1) throw config_error(location{}.in_column("draws"), "need at least one draw");
  if (!(opt.level > 0 && opt.level < 1)) throw config_error(location{}.in_column("level"), "must be in (0, 1)");

  // Factors: sampling error, then each modelling choice with more than one alternative.
  enum factor_kind { f_sampling, f_weights, f_norm, f_agg };
  std::vector<factor_kind> factors;
  std::vector<const std::vector<choice_alternative>*> alts;
  if (opt.sampling && in.any_se) {
    factors.push_back(f_sampling);
    alts.push_back(nullptr);
  }
  if (opt.modelling) {
    if (alt_weights_.size() > 1) { factors.push_back(f_weights); alts.push_back(&alt_weights_); }
    if (alt_norm_.size() > 1) { factors.push_back(f_norm); alts.push_back(&alt_norm_); }
    if (alt_agg_.size() > 1) { factors.push_back(f_agg); alts.push_back(&alt_agg_); }
  }
  if (factors.empty())
    throw config_error(location::in_file(source_).in_column("uncertainty"),
                       "nothing varies: no standard errors (<column>_se) in the input and fewer than two "
                       "alternatives for every modelling choice");
  const std::size_t nf = factors.size();
  const bool design = opt.sensitivity;
  const std::size_t per_row = design ? nf + 2 : 1;
  const std::size_t rows = std::max<std::size_t>(1, opt.draws / per_row);
  const std::size_t evals = rows * per_row;

  uncertainty_result u;
  u.units = in.units;
  u.level = opt.level;
  u.evaluations = evals;
  u.base_draws = rows;
  static const char* const names[] = {"sampling", "weights", "normalisation", "aggregation"};
  for (auto f : factors) u.factors.push_back(names[f]);
  for (std::size_t j = 0; j < p; ++j) {
    double first = missing;
    bool constant = true;
    std::size_t cnt = 0;
    for (std::size_t i = 0; i < n && constant; ++i) {
      const double v = in.transformed[j * n + i];
      if (std::isnan(v)) continue;
      if (cnt++ == 0) first = v;
      constant = v == first && !(in.se[j * n + i] > 0);
    }
    if (constant && cnt >= 2) u.constant_indicators.push_back(m.ind[j].id);
  }

  detail::evaluator ref_ev(m, n, &in.units);
  {
    detail::workspace ws;
    ref_ev.evaluate(in.transformed.data(), detail::eval_choice{}, ws, false);
    u.reference_score.assign(ws.node.begin() + static_cast<std::ptrdiff_t>((q - 1) * n), ws.node.end());
    std::vector<std::pair<double, std::size_t>> idx;
    u.reference_rank.resize(n);
    detail::rank_desc(u.reference_score.data(), n, u.reference_rank.data(), idx);
  }

  u.draw_scores.assign(evals * n, missing);
  std::vector<float> draw_ranks(evals * n);
  u.draw_labels.assign(evals, std::string());
  // Draws whose normalisation and aggregation are the configured ones: their scores are on the
  // published scale. Another normalisation (min-max, percentile rank on [0.1, 1]) puts scores on
  // another level, and a geometric mean of goalpost scores is 0 wherever one indicator is, so only
  // ranks, which every method shares, are summarised over all draws (issue 16: an interval of
  // 0.0-0.91 around a published 0.40 mixed them).
  std::vector<std::uint8_t> published_scale(evals, 1);
  std::vector<double> shift(evals, missing);

  const bool sampling = factors.front() == f_sampling;
  auto worker = [&](std::size_t first, std::size_t stride, std::exception_ptr& err) {
    try {
      detail::evaluator ev(m, n, &in.units);
      detail::workspace ws;
      std::vector<double> xa, xb, rk(n);
      std::vector<std::pair<double, std::size_t>> idx;
      auto make_noisy = [&](std::uint64_t seed, std::vector<double>& x) {
        x.resize(n * p);
        detail::normal_generator gen(seed);
        for (std::size_t j = 0; j < p; ++j) {
          const indicator_spec& s = m.ind[j];
          const double lo = std::isnan(s.bound_low) ? -std::numeric_limits<double>::infinity() : s.bound_low;
          const double hi = std::isnan(s.bound_high) ? std::numeric_limits<double>::infinity() : s.bound_high;
          const bool plain = s.transform == transform_method::none && std::isnan(s.cap_low) && std::isnan(s.cap_high);
          for (std::size_t i = 0; i < n; ++i) {
            double v = in.raw[j * n + i];
            const double se = in.se[j * n + i];
            if (se > 0 && !std::isnan(v)) {
              v += se * gen();
              if (v < lo) v = lo;
              if (v > hi) v = hi;
              x[j * n + i] = plain ? v : detail::transform_value(s, v, m.source, in.units[i]);
            } else {
              x[j * n + i] = in.transformed[j * n + i];
            }
          }
        }
      };
      for (std::size_t r = first; r < rows; r += stride) {
        detail::check_interrupt();  // Ctrl-C (detail/interrupt.hpp); the draws do not depend on it
        detail::rng g(detail::mix_seed(opt.seed, r));
        const std::uint64_t seed_a = g.next(), seed_b = g.next();
        std::vector<std::size_t> la(nf, 0), lb(nf, 0);
        for (std::size_t f = 0; f < nf; ++f) {
          if (factors[f] == f_sampling) continue;
          la[f] = g.below(alts[f]->size());
          lb[f] = g.below(alts[f]->size());
        }
        if (sampling) {
          make_noisy(seed_a, xa);
          if (design) make_noisy(seed_b, xb);
        }
        // Evaluation e of this row: 0 = A, 1 = B, 2 + f = A with factor f taken from B.
        for (std::size_t e = 0; e < per_row; ++e) {
          const bool from_b_all = e == 1;
          detail::eval_choice c;
          bool noise_b = from_b_all;
          std::string label;
          for (std::size_t f = 0; f < nf; ++f) {
            const bool b = from_b_all || (e >= 2 && e - 2 == f);
            if (factors[f] == f_sampling) {
              noise_b = b;
              label += std::string(label.empty() ? "" : " ") + "noise=" + (b ? "B" : "A") + std::to_string(r);
              continue;
            }
            const choice_alternative* a = &(*alts[f])[b ? lb[f] : la[f]];
            if (factors[f] == f_weights) c.weights = a;
            if (factors[f] == f_norm) {
              c.normalisation = a;
              if (!a->use_config) published_scale[r * per_row + e] = 0;
            }
            if (factors[f] == f_agg) {
              c.aggregation = a;
              if (!a->use_config) published_scale[r * per_row + e] = 0;
            }
            label += std::string(label.empty() ? "" : " ") + names[factors[f]] + "=" + a->label;
          }
          const double* x = sampling ? (noise_b ? xb.data() : xa.data()) : in.transformed.data();
          ev.evaluate(x, c, ws, false);
          const std::size_t slot = r * per_row + e;
          double* s = u.draw_scores.data() + slot * n;
          std::copy(ws.node.begin() + static_cast<std::ptrdiff_t>((q - 1) * n), ws.node.end(), s);
          detail::rank_desc(s, n, rk.data(), idx);
          double tot = 0;
          std::size_t cnt = 0;
          for (std::size_t i = 0; i < n; ++i) {
            draw_ranks[slot * n + i] = static_cast<float>(rk[i]);
            if (!std::isnan(rk[i]) && !std::isnan(u.reference_rank[i])) {
              tot += std::fabs(rk[i] - u.reference_rank[i]);
              ++cnt;
            }
          }
          shift[slot] = cnt ? tot / static_cast<double>(cnt) : missing;
          u.draw_labels[slot] = label;
        }
      }
    } catch (...) {
      err = std::current_exception();
    }
  };
  unsigned nt = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  nt = static_cast<unsigned>(std::min<std::size_t>(nt, rows));
  std::vector<std::exception_ptr> errors(nt);
  if (nt <= 1) {
    worker(0, 1, errors[0]);
  } else {
    // worker 0 on the calling thread: the one whose interrupt checks can run Python's signal
    // handlers (src/module.cpp); which thread runs a worker does not change what it computes
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < nt; ++t) pool.emplace_back(worker, t, nt, std::ref(errors[t]));
    worker(0, nt, errors[0]);
    for (auto& th : pool) th.join();
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);

  // Per-unit summaries (quantiles of type 7, as numpy's default and R's quantile()).
  const double lo = (1.0 - opt.level) / 2.0, hi = 1.0 - lo;
  u.score_median.resize(n);
  u.score_low.resize(n);
  u.score_high.resize(n);
  u.rank_median.resize(n);
  u.rank_low.resize(n);
  u.rank_high.resize(n);
  u.unit_rank_shift.resize(n);
  u.valid_draws.resize(n);
  u.score_draws.resize(n);
  // Units are independent: split them over the threads (each writes only its own units).
  auto summarise = [&](std::size_t first, std::size_t last) {
    std::vector<double> sv, rv;
    for (std::size_t i = first; i < last; ++i) {
      sv.clear();
      rv.clear();
      double sh = 0;
      for (std::size_t e = 0; e < evals; ++e) {
        const double s = u.draw_scores[e * n + i];
        if (std::isnan(s)) continue;
        if (published_scale[e]) sv.push_back(s);
        rv.push_back(static_cast<double>(draw_ranks[e * n + i]));
        sh += std::fabs(rv.back() - u.reference_rank[i]);
      }
      std::sort(sv.begin(), sv.end());
      std::sort(rv.begin(), rv.end());
      u.score_median[i] = detail::quantile_sorted(sv, 0.5);
      u.score_low[i] = detail::quantile_sorted(sv, lo);
      u.score_high[i] = detail::quantile_sorted(sv, hi);
      u.rank_median[i] = detail::quantile_sorted(rv, 0.5);
      u.rank_low[i] = detail::quantile_sorted(rv, lo);
      u.rank_high[i] = detail::quantile_sorted(rv, hi);
      u.unit_rank_shift[i] = (rv.empty() || std::isnan(u.reference_rank[i])) ? missing : sh / static_cast<double>(rv.size());
      u.valid_draws[i] = static_cast<double>(rv.size());
      u.score_draws[i] = static_cast<double>(sv.size());
    }
  };
  {
    const std::size_t parts = std::max<std::size_t>(1, std::min<std::size_t>(nt, n / 256));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < parts; ++t) pool.emplace_back(summarise, n * t / parts, n * (t + 1) / parts);
    summarise(0, n / parts);
    for (auto& th : pool) th.join();
  }
  {
    double t = 0;
    std::size_t c = 0;
    for (double s : shift)
      if (!std::isnan(s)) {
        t += s;
        ++c;
      }
    u.mean_abs_rank_shift = c ? t / static_cast<double>(c) : missing;
  }

  // Sensitivity indices from the A, B, AB_f evaluations (Saltelli et al. 2010, table 2):
  // first order V_f = mean(f_B (f_ABf - f_A)), total (Jansen 1999) VT_f = mean((f_A - f_ABf)^2) / 2,
  // each divided by the variance of f over the A and B evaluations. For the unit scores, the
  // numerators and variances are summed over units (a variance-weighted pooled index).
  if (design) {
    u.first_order_score.assign(nf, 0.0);
    u.total_score.assign(nf, 0.0);
    u.first_order_shift.assign(nf, missing);
    u.total_shift.assign(nf, missing);
    auto indices = [&](auto value, double& var, std::vector<double>& v1, std::vector<double>& vt) {
      double s = 0, ss = 0;
      std::size_t c = 0;
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t e = 0; e < 2; ++e) {
          const double y = value(r * per_row + e);
          if (std::isnan(y)) continue;
          s += y;
          ss += y * y;
          ++c;
        }
      var = c > 1 ? std::max(0.0, ss / static_cast<double>(c) - (s / static_cast<double>(c)) * (s / static_cast<double>(c))) : 0.0;
      v1.assign(nf, 0.0);
      vt.assign(nf, 0.0);
      for (std::size_t f = 0; f < nf; ++f) {
        double a1 = 0, at = 0;
        std::size_t cf = 0;
        for (std::size_t r = 0; r < rows; ++r) {
          const double ya = value(r * per_row), yb = value(r * per_row + 1), yab = value(r * per_row + 2 + f);
          if (std::isnan(ya) || std::isnan(yb) || std::isnan(yab)) continue;
          a1 += yb * (yab - ya);
          at += (ya - yab) * (ya - yab);
          ++cf;
        }
        v1[f] = cf ? a1 / static_cast<double>(cf) : missing;
        vt[f] = cf ? at / (2.0 * static_cast<double>(cf)) : missing;
      }
    };
    double var_sum = 0;
    std::vector<double> v1_sum(nf, 0.0), vt_sum(nf, 0.0), v1, vt;
    for (std::size_t i = 0; i < n; ++i) {
      double var = 0;
      indices([&](std::size_t e) { return u.draw_scores[e * n + i]; }, var, v1, vt);
      if (!(var > 0)) continue;
      var_sum += var;
      for (std::size_t f = 0; f < nf; ++f) {
        if (!std::isnan(v1[f])) v1_sum[f] += v1[f];
        if (!std::isnan(vt[f])) vt_sum[f] += vt[f];
      }
    }
    for (std::size_t f = 0; f < nf; ++f) {
      u.first_order_score[f] = var_sum > 0 ? v1_sum[f] / var_sum : missing;
      u.total_score[f] = var_sum > 0 ? vt_sum[f] / var_sum : missing;
    }
    double var = 0;
    indices([&](std::size_t e) { return shift[e]; }, var, v1, vt);
    if (var > 0)
      for (std::size_t f = 0; f < nf; ++f) {
        u.first_order_shift[f] = v1[f] / var;
        u.total_shift[f] = vt[f] / var;
      }
  }
  return u;
}

inline table uncertainty_result::to_table() const {
  table t("uncertainty");
  t.set("unit", units);
  t.set("reference_score", reference_score);
  t.set("reference_rank", reference_rank);
  t.set("score_median", score_median);
  t.set("score_low", score_low);
  t.set("score_high", score_high);
  t.set("rank_median", rank_median);
  t.set("rank_low", rank_low);
  t.set("rank_high", rank_high);
  t.set("mean_abs_rank_shift", unit_rank_shift);
  t.set("draws", valid_draws);
  t.set("score_draws", score_draws);
  return t;
}

inline table uncertainty_result::sensitivity_table() const {
  table t("sensitivity");
  t.set("factor", factors);
  auto col = [&](const std::vector<double>& v) { return v.empty() ? numeric_column(factors.size(), missing) : v; };
  t.set("first_order_score", col(first_order_score));
  t.set("total_score", col(total_score));
  t.set("first_order_rank_shift", col(first_order_shift));
  t.set("total_rank_shift", col(total_shift));
  return t;
}

}  // namespace commdx
