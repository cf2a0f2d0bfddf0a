#pragma once
// Issue 14: selecting the survey's sample. Residential groups (the PSUs) are drawn within each
// stratum (ward) with probability proportional to size, then households within each drawn group
// from the team's household list, with an ordered list of reserve households per group for
// non-response. docs/selection.md gives the methods, their references and the weights.
//
// First stage. The inclusion probabilities are pi_i = n x_i / sum(x), with certainty units: a
// unit whose pi reaches 1 is set to 1 and flagged, and the others recomputed over what is left,
// until no pi exceeds 1 (R sampling's inclusionprobabilities, the same rule, tested against it in
// tests/data/selection/). Two methods draw exactly n units with these probabilities:
//   - systematic PPS (Madow 1949): the non-certainty units in frame order, their pi cumulated, one
//     random start u in [0, 1) and the points u, u+1, ..., u+n'-1. Exact pi, simple and
//     reproducible from the list, but many joint inclusion probabilities are 0 (two units closer
//     than 1 apart in the cumulated scale are never drawn together; units a whole number apart
//     always are), so no design-unbiased variance estimator exists for it;
//   - the pivotal method (Deville and Tille 1998), the default: the units in a random order, two
//     undecided units at a time "fight" over their summed probability until one of them is
//     decided (0 or 1). It gives exactly the target pi for any n, needs no rejection loop (unlike
//     Sampford's method, whose acceptance rate falls as the pi approach 1), runs in one pass, and
//     the random order (a seeded shuffle) gives pairs of units positive joint inclusion
//     probabilities (tested on every pair of a 12-unit frame), unlike systematic PPS.
// Second stage: m households of a drawn group's list, by simple random sampling (a seeded partial
// Fisher-Yates shuffle; the sample is given back in list order) or by systematic sampling (interval
// N/m, one random start; reproducible from the list order). Reserves: a further R households of
// the group drawn by simple random sampling from the rest, in the order they must be used.
//
// Design columns of the sample (the shape of commdx synth's households.csv, so it goes straight
// into SurveyDesign/estimate): weight = 1 / (pi_group pi_household); a non-certainty group is a PSU
// of its ward's stratum, whose fpc is the number of groups of positive size in that stratum that
// are not certainty units (an SRS-without-replacement approximation of the PPS first stage); a
// certainty group is a stratum of its own ("<ward>/<group>", self-representing) whose PSUs are its
// households, fpc = the group's listed households. The fpc is right for a one-stage sample (every
// household of a drawn group); with subsampling the estimator's one-stage fpc would shrink the
// second stage's variance too, so commdx.select_sample leaves it out then (docs/selection.md has
// the measurements). A reserve household takes the place
// of a non-responding household of the same group with the same weight (substitution within the
// group): the group's weight is kept, and reserves weigh nothing unless used.
//
// Seeds: each stratum draws from its own stream, a hash of the seed and the stratum's code, and
// each group's second stage from a hash of that and the group's code, with the fixed generator of
// detail/synth_random.hpp: the same seed gives the same sample on every machine, and adding a
// stratum to the frame leaves the other strata's samples as they were.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "commdx/detail/synth_random.hpp"
#include "commdx/error.hpp"

namespace commdx::selection {

enum class psu_method { pivotal, systematic };
enum class household_method { simple_random, systematic };

inline const char* to_string(psu_method m) { return m == psu_method::pivotal ? "pivotal" : "systematic"; }
inline const char* to_string(household_method m) {
  return m == household_method::simple_random ? "simple_random" : "systematic";
}

using rng = commdx::synth::detail::rng;

/// The inclusion probabilities of a PPS sample of n units of sizes x (R sampling's
/// inclusionprobabilities): pi_i = n x_i / sum(x); units reaching 1 are set to 1 (`certainty`
/// marks them) and the rest recomputed to n minus their number, until none is above 1. Units of
/// size 0 get 0. Refused (naming `where` and the unit's position): a negative or non-finite size,
/// and n above the number of units of positive size.
inline std::vector<double> inclusion_probabilities(const std::vector<double>& x, std::size_t n,
                                                   std::vector<bool>* certainty = nullptr,
                                                   const location& where = {}) {
  std::size_t positive = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || x[i] < 0)
      throw input_error(where.at_row(i + 1).in_column("size"),
                        "a size must be a finite number >= 0, got " + std::to_string(x[i]));
    if (x[i] > 0) ++positive;
  }
  if (n > positive)
    throw config_error(where, std::to_string(n) + " units to draw, but only " + std::to_string(positive) +
                                  " of the " + std::to_string(x.size()) + " have a size above 0");
  std::vector<double> pi(x.size(), 0.0);
  std::vector<bool> sure(x.size(), false);
  if (n > 0) {
    // the same iteration as R: scale the non-certainty units to n - (certainty units) until stable
    std::size_t taken = 0, before = 0;
    do {
      before = taken;
      if (taken == n) {  // the certainty units take all n: the others get 0, as in R
        for (std::size_t i = 0; i < x.size(); ++i)
          if (!sure[i]) pi[i] = 0;
        break;
      }
      double rest = 0;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!sure[i]) rest += x[i];
      const double scale = static_cast<double>(n - taken) / rest;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (sure[i]) continue;
        pi[i] = x[i] * scale;
        if (pi[i] >= 1) {
          pi[i] = 1;
          sure[i] = true;
          ++taken;
        }
      }
    } while (taken != before);
  }
  if (certainty) *certainty = sure;
  return pi;
}

namespace detail {

inline constexpr double decided = 1e-9;  // a probability this close to 0 or 1 is decided

/// FNV-1a of a code: a stream key that depends on the code, not on its position in the frame.
inline std::uint64_t code_hash(const std::string& s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

inline std::size_t expected_count(const std::vector<double>& pi) {
  double sum = 0;
  for (double p : pi) sum += p;
  return static_cast<std::size_t>(std::llround(sum));
}

}  // namespace detail

/// Systematic PPS: positions of the drawn units (ascending). Units with pi = 1 are always drawn;
/// the others in the given order, cumulated, hit by the points u, u+1, ... (u uniform in [0,1)).
inline std::vector<std::size_t> systematic_pps(const std::vector<double>& pi, rng& g) {
  std::vector<std::size_t> out;
  std::vector<std::size_t> rest;
  for (std::size_t i = 0; i < pi.size(); ++i) {
    if (pi[i] >= 1 - detail::decided) out.push_back(i);
    else if (pi[i] > detail::decided) rest.push_back(i);
  }
  std::vector<double> part;
  for (std::size_t i : rest) part.push_back(pi[i]);
  const std::size_t k = detail::expected_count(part);
  const double u = g.uniform();
  double cum = 0;
  std::size_t next = 0;  // the next point to place: u + next
  for (std::size_t j = 0; j < rest.size() && next < k; ++j) {
    cum += pi[rest[j]];
    // the last unit takes a point that rounding left just beyond the cumulated total
    if (u + static_cast<double>(next) < cum || j + 1 == rest.size()) {
      out.push_back(rest[j]);
      ++next;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The pivotal method (Deville and Tille 1998) over a seeded random order of the units: positions
/// of the drawn units (ascending); unit i is drawn with probability pi[i] exactly.
inline std::vector<std::size_t> pivotal(const std::vector<double>& pi, rng& g) {
  std::vector<std::size_t> order(pi.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[g.index(i)]);
  std::vector<std::size_t> out;
  bool have = false;  // an undecided unit is waiting
  std::size_t a = 0;
  double pa = 0;
  for (std::size_t b : order) {
    double pb = pi[b];
    if (pb >= 1 - detail::decided) {
      out.push_back(b);
      continue;
    }
    if (pb <= detail::decided) continue;
    if (!have) {
      a = b, pa = pb, have = true;
      continue;
    }
    const double s = pa + pb;
    if (s < 1) {  // one of the two gets the sum, the other 0
      if (g.uniform() < pb / s) std::swap(a, b);  // b (as renamed) is the one that drops to 0
      pa = s;
    } else {  // one of the two is drawn, the other keeps s - 1
      if (g.uniform() < (1 - pb) / (2 - s)) std::swap(a, b);  // b (as renamed) is drawn: old a with P (1-pb)/(2-s)
      out.push_back(b);
      pa = s - 1;
    }
    if (pa >= 1 - detail::decided) {
      out.push_back(a);
      have = false;
    } else if (pa <= detail::decided) {
      have = false;
    }
  }
  if (have && pa >= 0.5) out.push_back(a);  // what rounding left of a last unit that must be decided
  std::sort(out.begin(), out.end());
  return out;
}

/// Within a group of `listed` households: positions (0-based, list order) of the m sampled ones,
/// then of up to `reserves` reserves in the order they are to be used.
struct household_draw {
  std::vector<std::size_t> sample;
  std::vector<std::size_t> reserves;
};

inline household_draw draw_households(std::size_t listed, std::size_t m, std::size_t reserves,
                                      household_method method, rng& g) {
  household_draw d;
  std::vector<std::size_t> pos(listed);
  std::iota(pos.begin(), pos.end(), std::size_t{0});
  std::size_t taken = 0;  // pos[0, taken) are drawn
  auto take = [&](std::size_t j) { std::swap(pos[taken++], pos[j]); };
  if (method == household_method::simple_random) {
    for (std::size_t k = 0; k < m; ++k) take(taken + g.index(listed - taken));
  } else if (m > 0) {
    const double start = g.uniform() * static_cast<double>(listed) / static_cast<double>(m);
    for (std::size_t k = 0; k < m; ++k) {
      auto p = static_cast<std::size_t>(start + static_cast<double>(k * listed) / static_cast<double>(m));
      p = std::min(p, listed - 1);
      take(static_cast<std::size_t>(std::find(pos.begin() + static_cast<std::ptrdiff_t>(taken), pos.end(), p) - pos.begin()));
    }
  }
  d.sample.assign(pos.begin(), pos.begin() + static_cast<std::ptrdiff_t>(taken));
  std::sort(d.sample.begin(), d.sample.end());
  const std::size_t r = std::min(reserves, listed - taken);
  for (std::size_t k = 0; k < r; ++k) {
    take(taken + g.index(listed - taken));
    d.reserves.push_back(pos[taken - 1]);
  }
  return d;
}

/// A residential group of the frame: its stratum (ward), code and measure of size (its
/// households, say). Frame order is the order systematic PPS cumulates in.
struct group {
  std::string stratum;
  std::string code;
  double size = 0;
};

/// One line of the team's household list: its group (stratum and code) and id, in list order.
struct household {
  std::string stratum;
  std::string group;
  std::string id;
};

struct options {
  /// Groups to draw per stratum; a stratum not named takes `groups_per_stratum`.
  std::map<std::string, std::size_t> groups;
  std::size_t groups_per_stratum = 0;
  std::size_t households_per_group = 0;  ///< m, the households interviewed per drawn group; 0 = all of them
  std::size_t reserves = 0;              ///< R, the reserve households listed per drawn group
  psu_method first_stage = psu_method::pivotal;
  household_method second_stage = household_method::simple_random;
  std::uint64_t seed = 1;
  std::string groups_source = "groups";          ///< names the frame in errors
  std::string households_source = "households";  ///< names the household list in errors
};

/// A group of the frame with its first-stage outcome.
struct group_result {
  std::string stratum, code;
  double size = 0;
  std::size_t listed = 0;  ///< households of the group in the list
  double pi = 0;           ///< first-stage inclusion probability
  bool certainty = false;
  bool selected = false;
};

/// A sampled household: the design columns the estimator reads.
struct sampled_household {
  std::string id, stratum, group;
  std::size_t position = 0;   ///< 1-based position in the group's list
  std::string design_stratum; ///< the ward, or "<ward>/<group>" for a certainty group
  std::string psu;            ///< the group, or the household for a certainty group
  double pi_group = 0, pi_household = 0, weight = 0;
  std::size_t fpc = 0;
  bool certainty = false;
};

/// A reserve household: used in `rank` order in place of a non-responding household of its group.
struct reserve_household {
  std::string id, stratum, group;
  std::size_t position = 0;  ///< 1-based position in the group's list
  std::size_t rank = 0;      ///< 1 = the first to use
};

struct sample {
  std::vector<group_result> groups;          ///< every group of the frame, frame order
  std::vector<sampled_household> households; ///< stratum, group (frame order), list order
  std::vector<reserve_household> reserves;   ///< stratum, group, rank
};

/// Draws the two-stage sample. Refused, naming the file, row, column and unit: an empty code, a
/// group given twice, a bad size, a stratum with more groups to draw than groups of positive size,
/// an allocation naming a stratum the frame lacks, a household of a group the frame lacks or
/// listed twice, and a group (of positive size) with fewer listed households than m.
inline sample select(const std::vector<group>& frame, const std::vector<household>& list, const options& opt) {
  using commdx::synth::detail::mix;
  const location groups_at = location::in_file(opt.groups_source);
  const location list_at = location::in_file(opt.households_source);
  // strata in order of first appearance; groups by (stratum, code)
  std::vector<std::string> strata;
  std::map<std::string, std::vector<std::size_t>> members;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  sample out;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const group& gr = frame[i];
    if (gr.stratum.empty()) throw input_error(groups_at.at_row(i + 1).in_column("stratum"), "empty stratum code");
    if (gr.code.empty()) throw input_error(groups_at.at_row(i + 1).in_column("group"), "empty group code");
    if (!index.emplace(std::make_pair(gr.stratum, gr.code), i).second)
      throw validation_error(groups_at.at_row(i + 1).in_column("group").for_unit(gr.code),
                             "group listed twice in stratum " + gr.stratum);
    if (members.find(gr.stratum) == members.end()) strata.push_back(gr.stratum);
    members[gr.stratum].push_back(i);
    out.groups.push_back({gr.stratum, gr.code, gr.size, 0, 0, false, false});
  }
  for (const auto& [s, n] : opt.groups)
    if (n > 0 && members.find(s) == members.end())
      throw config_error(groups_at.in_column("stratum").for_unit(s),
                         "the allocation gives " + std::to_string(n) + " groups to stratum " + s +
                             ", which has no group in the frame");
  // the household list, by group, in list order
  std::vector<std::vector<std::size_t>> listed(frame.size());
  std::set<std::string> seen;
  for (std::size_t r = 0; r < list.size(); ++r) {
    const household& h = list[r];
    auto it = index.find({h.stratum, h.group});
    if (it == index.end())
      throw input_error(list_at.at_row(r + 1).in_column("group_code").for_unit(h.group),
                        "household " + h.id + " is in group " + h.group + " of stratum " + h.stratum +
                            ", which the frame of groups lacks");
    if (h.id.empty()) throw input_error(list_at.at_row(r + 1).in_column("household_id"), "empty household id");
    if (!seen.insert(h.id).second)
      throw validation_error(list_at.at_row(r + 1).in_column("household_id").for_unit(h.id), "household listed twice");
    listed[it->second].push_back(r);
  }
  for (std::size_t i = 0; i < frame.size(); ++i) out.groups[i].listed = listed[i].size();

  for (const std::string& s : strata) {
    const std::vector<std::size_t>& idx = members[s];
    auto named = opt.groups.find(s);
    const std::size_t n = named != opt.groups.end() ? named->second : opt.groups_per_stratum;
    std::vector<double> x;
    for (std::size_t i : idx) x.push_back(frame[i].size);
    std::vector<bool> sure;
    std::vector<double> pi;
    try {
      pi = inclusion_probabilities(x, n, &sure, groups_at.for_unit(s));
    } catch (const input_error& e) {  // the row within the stratum -> the row of the frame
      const location& w = e.where();
      location at = w.row ? groups_at.at_row(idx[w.row - 1] + 1).in_column("size").for_unit(frame[idx[w.row - 1]].code) : w;
      if (dynamic_cast<const config_error*>(&e))
        throw config_error(groups_at.in_column("n").for_unit(s), "stratum " + s + ": " + e.reason());
      throw input_error(at, e.reason());
    }
    std::size_t ordinary = 0;  // groups of positive size that are not certainty units: the fpc
    for (std::size_t k = 0; k < idx.size(); ++k) {
      group_result& gr = out.groups[idx[k]];
      gr.pi = pi[k];
      gr.certainty = sure[k];
      if (pi[k] > 0 && !sure[k]) ++ordinary;
      if (pi[k] > 0 && (gr.listed < opt.households_per_group || gr.listed == 0))
        throw config_error(list_at.in_column("group_code").for_unit(gr.code),
                           "group " + gr.code + " of stratum " + s + " lists " + std::to_string(gr.listed) +
                               " households, fewer than the " + std::to_string(std::max<std::size_t>(opt.households_per_group, 1)) +
                               " to interview per group");
    }
    const std::uint64_t stream = mix(opt.seed, detail::code_hash(s));
    rng g(stream);
    std::vector<std::size_t> drawn = opt.first_stage == psu_method::pivotal ? pivotal(pi, g) : systematic_pps(pi, g);
    if (drawn.size() != n)  // the methods draw exactly n; anything else is a bug, not bad input
      throw error("selection: stratum " + s + " drew " + std::to_string(drawn.size()) + " groups instead of " +
                  std::to_string(n));
    for (std::size_t k : drawn) {
      group_result& gr = out.groups[idx[k]];
      gr.selected = true;
      rng hg(mix(stream, detail::code_hash(gr.code)));
      const std::vector<std::size_t>& rows = listed[idx[k]];
      const std::size_t m = opt.households_per_group ? opt.households_per_group : rows.size();  // 0: every household
      household_draw d = draw_households(rows.size(), m, opt.reserves, opt.second_stage, hg);
      const double pi2 = static_cast<double>(m) / static_cast<double>(rows.size());
      for (std::size_t p : d.sample) {
        sampled_household h;
        h.id = list[rows[p]].id;
        h.stratum = s;
        h.group = gr.code;
        h.position = p + 1;
        h.certainty = gr.certainty;
        h.design_stratum = gr.certainty ? s + "/" + gr.code : s;
        h.psu = gr.certainty ? h.id : gr.code;
        h.fpc = gr.certainty ? rows.size() : ordinary;
        h.pi_group = gr.certainty ? 1.0 : gr.pi;
        h.pi_household = pi2;
        h.weight = 1.0 / (h.pi_group * pi2);
        out.households.push_back(std::move(h));
      }
      for (std::size_t k2 = 0; k2 < d.reserves.size(); ++k2)
        out.reserves.push_back({list[rows[d.reserves[k2]]].id, s, gr.code, d.reserves[k2] + 1, k2 + 1});
    }
  }
  return out;
}

}  // namespace commdx::selection
