#pragma once
// T6, C1: the optimisation core of the outreach plan, independent of survey columns.
//
// Model (the "visit-batching knapsack"): units u (households, businesses) lie in residential groups
// g(u); unit u offers actions a with expected weighted gains v_ua; member k has C_k minutes and
// may do action a only with the skill it needs (can_do) and visit group g only if their team covers
// it (allowed). One visit per unit, by one member, doing any subset of the actions that member can
// do; a visit costs travel minutes (shared by its actions) plus the actions' minutes, and a member
// pays a set-up time once for every residential group they work in. Maximise the sum of gains.
//
//   max  sum v_ua y_uak
//   s.t. y_uak <= x_uk,  sum_k x_uk <= 1,  x_uk <= z_gk,  y_uak = 0 unless can_do[k][a],
//        sum_u (travel x_uk + sum_a t_a y_uak) + setup sum_g z_gk <= C_k.
//
// Primal: greedy by gain per minute with marginal "upgrade" items (an extra action on a visit
// already made costs only its own minutes), then local improvement (fill, remove-and-refill,
// move between members). Upper bound: Lagrangian relaxation of the capacity constraints with one
// multiplier per member class (members with the same skills and area); each group's subproblem is
// an uncapacitated facility-location problem solved exactly by enumeration when few classes reach
// the group, otherwise bounded from above. Every plan reports (bound - objective) / bound.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <queue>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "commdx/detail/interrupt.hpp"

namespace commdx {

/// One instance of the visit-batching knapsack (see the header comment).
struct plan_problem {
  std::vector<int> unit_group;                                // per unit: its group index
  int groups = 0;                                             // number of groups
  std::vector<double> action_minutes;                         // per action
  std::vector<std::vector<std::pair<int, double>>> unit_actions;  // per unit: (action, gain)
  std::vector<double> capacity;                               // per member: minutes
  std::vector<std::vector<char>> can_do;                      // member x action
  std::vector<std::vector<char>> allowed;                     // member x group
  double travel = 10.0;                                       // minutes per visit
  double setup = 15.0;                                        // minutes per (member, group)
  double max_visit = std::numeric_limits<double>::infinity();  // longest visit (a session's length)
  /// Per action: the action it may only follow in the same visit (-1: none; empty: no action has
  /// one). A campaign action met in the same visit (campaigns.json "follows": the app installed on
  /// the phone the household has just learned to use) is its own action here, listed after its
  /// prerequisite; one level only (a prerequisite has none itself).
  std::vector<int> action_after;
  int after(int a) const { return action_after.empty() ? -1 : action_after[static_cast<std::size_t>(a)]; }
};

struct plan_solution {
  std::vector<int> member;                 ///< per unit: the visiting member, -1 if not visited
  std::vector<std::vector<int>> actions;   ///< per unit: the actions done on the visit
  double objective = 0.0;                  ///< sum of gains of the chosen actions
  double upper_bound = 0.0;                ///< no solution of the model does better
  int bound_iterations = 0;
  /// Relative optimality gap (bound - objective) / bound; 0 when the bound is 0.
  double gap() const { return upper_bound > 1e-12 ? std::max(0.0, (upper_bound - objective) / upper_bound) : 0.0; }
};

/// Budgets are counted in work done, never in seconds: the same instance gives the same plan on a
/// fast machine, a slow one and a loaded one ("same input, same output"). A unit of work is one
/// candidate looked at (a household and a member, or a unit and a member class in the bound).
struct plan_solver_options {
  int bound_iterations = 120;                 ///< Lagrangian subgradient steps at most
  std::uint64_t improve_work = 300000000;     ///< work budget of the greedy restarts and local improvement
  std::uint64_t bound_work = 100000000;       ///< work budget of the bound
  int enumerate_classes = 8;        ///< exact group subproblem when at most this many classes reach it
  int restarts = 300;               ///< jittered greedy restarts (within half the improve budget; small instances)
};

namespace detail {

struct plan_state {
  const plan_problem* p = nullptr;
  std::size_t K = 0, G = 0;
  std::vector<double> remaining;     // per member
  std::vector<int> in_group;         // K x G visit counts
  std::vector<int> member;           // per unit
  std::vector<std::vector<int>> chosen;  // per unit
  double objective = 0.0;
  std::uint64_t* work = nullptr;     // the solve's shared work counter (plan_solver_options)

  int& count(std::size_t k, std::size_t g) { return in_group[k * G + g]; }

  void init(const plan_problem& pr) {
    p = &pr;
    K = pr.capacity.size();
    G = static_cast<std::size_t>(pr.groups);
    remaining = pr.capacity;
    in_group.assign(K * G, 0);
    member.assign(pr.unit_group.size(), -1);
    chosen.assign(pr.unit_group.size(), {});
    objective = 0.0;
  }

  double visit_minutes(std::size_t u, const std::vector<int>& acts) const {
    double t = p->travel;
    for (int a : acts) t += p->action_minutes[static_cast<std::size_t>(a)];
    (void)u;
    return t;
  }
  double gain_of(std::size_t u, int a) const {
    for (const auto& [b, v] : p->unit_actions[u])
      if (b == a) return v;
    return 0.0;
  }

  void add_visit(std::size_t u, std::size_t k, const std::vector<int>& acts) {
    std::size_t g = static_cast<std::size_t>(p->unit_group[u]);
    if (count(k, g) == 0) remaining[k] -= p->setup;
    ++count(k, g);
    remaining[k] -= visit_minutes(u, acts);
    member[u] = static_cast<int>(k);
    chosen[u] = acts;
    for (int a : acts) objective += gain_of(u, a);
  }
  void remove_visit(std::size_t u) {
    std::size_t k = static_cast<std::size_t>(member[u]);
    std::size_t g = static_cast<std::size_t>(p->unit_group[u]);
    remaining[k] += visit_minutes(u, chosen[u]);
    if (--count(k, g) == 0) remaining[k] += p->setup;
    for (int a : chosen[u]) objective -= gain_of(u, a);
    member[u] = -1;
    chosen[u].clear();
  }
  void add_action(std::size_t u, int a) {
    std::size_t k = static_cast<std::size_t>(member[u]);
    remaining[k] -= p->action_minutes[static_cast<std::size_t>(a)];
    chosen[u].push_back(a);
    objective += gain_of(u, a);
  }

  /// The best subset of u's actions member k can do within `limit` minutes (travel included):
  /// greedy by gain per minute, then the single best action if that is better. Returns the gain.
  double best_bundle(std::size_t u, std::size_t k, double limit, std::vector<int>& out) const {
    out.clear();
    limit = std::min(limit, p->max_visit);
    double room = limit - p->travel;
    if (room < 0) return 0.0;
    std::vector<std::pair<double, int>> cand;
    for (const auto& [a, v] : p->unit_actions[u]) {
      if (v <= 0 || !p->can_do[k][static_cast<std::size_t>(a)]) continue;
      cand.emplace_back(v / std::max(1e-9, p->action_minutes[static_cast<std::size_t>(a)]), a);
    }
    std::sort(cand.begin(), cand.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    double gain = 0.0, best_single = 0.0;
    int single = -1;
    // an action that follows another joins only once that one is in the bundle: a second pass
    // picks up those whose prerequisite came later in the ratio order
    std::vector<char> taken(cand.size(), 0);
    for (int pass = 0; pass < 2; ++pass)
      for (std::size_t i = 0; i < cand.size(); ++i) {
        const int a = cand[i].second;
        const int b = p->after(a);
        if (taken[i] || (b >= 0 && std::find(out.begin(), out.end(), b) == out.end())) continue;
        double t = p->action_minutes[static_cast<std::size_t>(a)];
        double v = gain_of(u, a);
        if (t <= room + 1e-9) {
          room -= t;
          gain += v;
          out.push_back(a);
          taken[i] = 1;
        }
        if (b < 0 && t <= limit - p->travel + 1e-9 && v > best_single) {
          best_single = v;
          single = a;
        }
      }
    if (single >= 0 && best_single > gain) {
      out.assign(1, single);
      gain = best_single;
    }
    return gain;
  }
};

/// Adds to member k the best-gain additions that fit its remaining minutes (new visits in groups
/// it may enter, extra actions on its own visits), one at a time, until nothing fits.
/// `visits_of_k` lists k's visited units; `candidates` the units k may visit. Records added units.
inline void plan_fill_member(plan_state& s, std::size_t k, const std::vector<std::size_t>& candidates,
                             std::vector<std::size_t>& visits_of_k, std::vector<std::size_t>* added,
                             std::size_t skip_unit = static_cast<std::size_t>(-1)) {
  const plan_problem& p = *s.p;
  std::vector<int> bundle, best_bundle_v;
  for (;;) {
    check_interrupt();  // Ctrl-C: never changes the plan, only whether one is returned
    if (s.work) *s.work += visits_of_k.size() + candidates.size();
    double best = 1e-12;
    std::size_t best_u = static_cast<std::size_t>(-1);
    int best_action = -1;
    // extra actions on k's own visits
    for (std::size_t u : visits_of_k) {
      if (s.member[u] != static_cast<int>(k)) continue;
      for (const auto& [a, v] : p.unit_actions[u]) {
        if (v <= best || !p.can_do[k][static_cast<std::size_t>(a)]) continue;
        if (p.action_minutes[static_cast<std::size_t>(a)] > s.remaining[k] + 1e-9) continue;
        if (s.visit_minutes(u, s.chosen[u]) + p.action_minutes[static_cast<std::size_t>(a)] > p.max_visit + 1e-9) continue;
        if (std::find(s.chosen[u].begin(), s.chosen[u].end(), a) != s.chosen[u].end()) continue;
        const int b = p.after(a);
        if (b >= 0 && std::find(s.chosen[u].begin(), s.chosen[u].end(), b) == s.chosen[u].end()) continue;
        best = v;
        best_u = u;
        best_action = a;
      }
    }
    for (std::size_t u : candidates) {
      if (s.member[u] >= 0 || u == skip_unit) continue;
      std::size_t g = static_cast<std::size_t>(p.unit_group[u]);
      double limit = s.remaining[k] - (s.count(k, g) == 0 ? p.setup : 0.0);
      if (limit < p.travel) continue;
      double v = s.best_bundle(u, k, limit, bundle);
      if (v > best) {
        best = v;
        best_u = u;
        best_action = -1;
        best_bundle_v = bundle;
      }
    }
    if (best_u == static_cast<std::size_t>(-1)) return;
    if (best_action >= 0) {
      s.add_action(best_u, best_action);
    } else {
      s.add_visit(best_u, k, best_bundle_v);
      visits_of_k.push_back(best_u);
      if (added) added->push_back(best_u);
    }
  }
}

/// The greedy primal: a max-heap of items by gain per minute. A "visit" item is a unit with the
/// bundle a member class would do (the prefix of its actions by ratio with the best ratio,
/// travel included); once a unit is visited its other actions become "upgrade" items costing
/// only their own minutes.
/// With `setup_aware`, a visit to a group none of the class's members works in yet is ranked with
/// the group's set-up added to its minutes; once a member opens a group, the group's units are
/// ranked again without it (so members batch their visits instead of paying many set-ups).
inline void plan_greedy(plan_state& s, const std::vector<std::vector<std::size_t>>& class_members,
                        const std::vector<int>& member_class, unsigned seed = 0, double setup_weight = 0.0) {
  const bool setup_aware = setup_weight > 0.0;
  std::mt19937_64 rng(seed);
  // the jitter drawn by hand from the 53 high bits: std::uniform_real_distribution's algorithm is
  // left to each standard library, and the plan must be the same bytes on every machine
  const double lo = seed % 2 ? 0.8 : 0.6, hi = seed % 2 ? 1.2 : 1.4;
  auto noise = [&] { return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1p-53; };
  auto jitter = [&](double r) { return seed == 0 ? r : r * noise(); };
  const plan_problem& p = *s.p;
  struct item {
    double ratio;
    std::size_t unit;
    int cls;      // class for a visit item; -1 for an upgrade
    int action;   // upgrade action; prefix length for a visit
    bool operator<(const item& o) const {
      if (ratio != o.ratio) return ratio < o.ratio;
      if (unit != o.unit) return unit > o.unit;
      return cls > o.cls;
    }
  };
  const std::size_t Q = class_members.size();
  // sorted doable actions of unit u for class q
  auto sorted_actions = [&](std::size_t u, std::size_t q) {
    std::size_t k0 = class_members[q][0];
    std::vector<std::pair<double, int>> c;
    for (const auto& [a, v] : p.unit_actions[u]) {
      if (v <= 0 || !p.can_do[k0][static_cast<std::size_t>(a)]) continue;
      c.emplace_back(v / std::max(1e-9, p.action_minutes[static_cast<std::size_t>(a)]), a);
    }
    std::sort(c.begin(), c.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    if (p.action_after.empty()) return c;
    // every prefix closed under "follows": an action waits until its prerequisite is placed and
    // comes right after it; one whose prerequisite the class cannot do is dropped
    std::vector<std::pair<double, int>> out, held;
    for (const auto& x : c) {
      const int b = p.after(x.second);
      if (b >= 0 && std::none_of(out.begin(), out.end(), [b](const auto& y) { return y.second == b; })) {
        held.push_back(x);
        continue;
      }
      out.push_back(x);
      for (auto it = held.begin(); it != held.end();)
        if (p.after(it->second) == x.second) { out.push_back(*it); it = held.erase(it); } else { ++it; }
    }
    return out;
  };
  auto prefix_ratio = [&](std::size_t u, const std::vector<std::pair<double, int>>& c, std::size_t len,
                          double extra = 0.0) {
    double v = 0.0, t = p.travel + extra;
    for (std::size_t i = 0; i < len; ++i) {
      v += s.gain_of(u, c[i].second);
      t += p.action_minutes[static_cast<std::size_t>(c[i].second)];
    }
    return v / t;
  };
  std::priority_queue<item> heap;
  std::vector<std::vector<std::size_t>> units_of;
  std::vector<char> class_open;  // Q x G: some member of the class works in the group
  if (setup_aware) {
    units_of.resize(s.G);
    for (std::size_t u = 0; u < p.unit_group.size(); ++u) units_of[static_cast<std::size_t>(p.unit_group[u])].push_back(u);
    class_open.assign(Q * s.G, 0);
  }
  // the visit item of unit u for class q: the prefix of its actions (by ratio) with the best ratio
  auto push_visit = [&](std::size_t u, std::size_t q, double extra) {
      auto c = sorted_actions(u, q);
      // a visit never exceeds max_visit: keep the longest prefix that fits
      double tmin = p.travel;
      std::size_t fit = 0;
      while (fit < c.size() && tmin + p.action_minutes[static_cast<std::size_t>(c[fit].second)] <= p.max_visit + 1e-9)
        tmin += p.action_minutes[static_cast<std::size_t>(c[fit++].second)];
      c.resize(fit);
      if (c.empty()) return;
      std::size_t best_len = 1;
      double best_r = prefix_ratio(u, c, 1, extra);
      for (std::size_t len = 2; len <= c.size(); ++len) {
        double r = prefix_ratio(u, c, len, extra);
        if (r > best_r) { best_r = r; best_len = len; }
      }
      heap.push(item{jitter(best_r), u, static_cast<int>(q), static_cast<int>(best_len)});
  };
  for (std::size_t u = 0; u < p.unit_group.size(); ++u) {
    std::size_t g = static_cast<std::size_t>(p.unit_group[u]);
    for (std::size_t q = 0; q < Q; ++q) {
      if (!p.allowed[class_members[q][0]][g]) continue;
      push_visit(u, q, setup_weight * p.setup);
    }
  }
  while (!heap.empty()) {
    check_interrupt();
    item it = heap.top();
    heap.pop();
    if (it.cls < 0) {  // upgrade
      std::size_t k = static_cast<std::size_t>(s.member[it.unit]);
      const double ta = p.action_minutes[static_cast<std::size_t>(it.action)];
      const auto& ch = s.chosen[it.unit];
      if (std::find(ch.begin(), ch.end(), it.action) != ch.end()) continue;
      const int b = p.after(it.action);
      if (b >= 0 && std::find(ch.begin(), ch.end(), b) == ch.end()) continue;
      if (ta <= s.remaining[k] + 1e-9 && s.visit_minutes(it.unit, ch) + ta <= p.max_visit + 1e-9) {
        s.add_action(it.unit, it.action);
        // the actions that follow this one become upgrades now
        if (!p.action_after.empty())
          for (const auto& [r, a] : sorted_actions(it.unit, static_cast<std::size_t>(member_class[k])))
            if (p.after(a) == it.action) heap.push(item{r, it.unit, -1, a});
      }
      continue;
    }
    if (s.member[it.unit] >= 0) continue;
    std::size_t q = static_cast<std::size_t>(it.cls);
    std::size_t g = static_cast<std::size_t>(p.unit_group[it.unit]);
    auto c = sorted_actions(it.unit, q);
    {
      double tmin = p.travel;
      std::size_t fit = 0;
      while (fit < c.size() && tmin + p.action_minutes[static_cast<std::size_t>(c[fit].second)] <= p.max_visit + 1e-9)
        tmin += p.action_minutes[static_cast<std::size_t>(c[fit++].second)];
      c.resize(fit);
    }
    std::size_t len = static_cast<std::size_t>(it.action);
    double t = p.travel;
    std::vector<int> acts;
    for (std::size_t i = 0; i < len; ++i) {
      acts.push_back(c[i].second);
      t += p.action_minutes[static_cast<std::size_t>(c[i].second)];
    }
    // a member of the class already in the group, else the one with most minutes left
    std::size_t pick = static_cast<std::size_t>(-1);
    double pick_rem = -1.0;
    for (std::size_t k : class_members[q]) {
      if (s.count(k, g) > 0 && s.remaining[k] + 1e-9 >= t && s.remaining[k] > pick_rem) {
        pick = k;
        pick_rem = s.remaining[k];
      }
    }
    if (pick == static_cast<std::size_t>(-1)) {
      for (std::size_t k : class_members[q]) {
        if (s.remaining[k] + 1e-9 >= t + p.setup && s.remaining[k] > pick_rem) {
          pick = k;
          pick_rem = s.remaining[k];
        }
      }
    }
    if (pick == static_cast<std::size_t>(-1)) {
      if (len > 1) heap.push(item{prefix_ratio(it.unit, c, len - 1), it.unit, it.cls, static_cast<int>(len - 1)});
      continue;
    }
    s.add_visit(it.unit, pick, acts);
    if (setup_aware && !class_open[q * s.G + g]) {
      class_open[q * s.G + g] = 1;
      for (std::size_t w : units_of[g])
        if (s.member[w] < 0) push_visit(w, q, 0.0);
    }
    auto all = sorted_actions(it.unit, q);
    for (const auto& [r, a] : all) {
      const int b = p.after(a);
      if (b >= 0 && std::find(acts.begin(), acts.end(), b) == acts.end()) continue;  // pushed when b is added
      if (std::find(acts.begin(), acts.end(), a) == acts.end()) heap.push(item{r, it.unit, -1, a});
    }
  }
}

/// Local improvement within the work budget: fill every member; then for each visit, remove it and
/// refill its member (accept when the objective rises); then move visits to another member with
/// room and refill the first.
inline void plan_improve(plan_state& s, const plan_solver_options& opt) {
  const plan_problem& p = *s.p;
  const std::size_t U = p.unit_group.size();
  std::vector<std::vector<std::size_t>> candidates(s.K), visits(s.K);
  for (std::size_t u = 0; u < U; ++u) {
    std::size_t g = static_cast<std::size_t>(p.unit_group[u]);
    for (std::size_t k = 0; k < s.K; ++k)
      if (p.allowed[k][g]) candidates[k].push_back(u);
    if (s.member[u] >= 0) visits[static_cast<std::size_t>(s.member[u])].push_back(u);
  }
  auto out_of_time = [&] { return s.work != nullptr && *s.work > opt.improve_work; };
  for (std::size_t k = 0; k < s.K && !out_of_time(); ++k) plan_fill_member(s, k, candidates[k], visits[k], nullptr);

  // k's visits and their actions, to undo a trial
  using snapshot = std::vector<std::pair<std::size_t, std::size_t>>;  // (unit, number of actions)
  auto take = [&](std::size_t k) {
    snapshot sn;
    for (std::size_t w : visits[k])
      if (s.member[w] == static_cast<int>(k)) sn.emplace_back(w, s.chosen[w].size());
    return sn;
  };
  auto undo_upgrades = [&](std::size_t k, const snapshot& sn) {
    for (const auto& [w, n] : sn) {
      if (s.member[w] != static_cast<int>(k)) continue;
      while (s.chosen[w].size() > n) {
        int a = s.chosen[w].back();
        s.chosen[w].pop_back();
        s.remaining[k] += p.action_minutes[static_cast<std::size_t>(a)];
        s.objective -= s.gain_of(w, a);
      }
    }
  };
  for (int pass = 0; pass < 4 && !out_of_time(); ++pass) {
    bool improved = false;
    for (std::size_t k = 0; k < s.K && !out_of_time(); ++k) {
      std::vector<std::size_t> mine = visits[k];
      for (std::size_t u : mine) {
        if (out_of_time()) break;
        if (s.member[u] != static_cast<int>(k)) continue;
        const double before = s.objective;
        const std::vector<int> old_acts = s.chosen[u];
        // 1. remove u and refill k
        snapshot sn = take(k);
        s.remove_visit(u);
        std::vector<std::size_t> added;
        std::vector<std::size_t> vk = visits[k];
        plan_fill_member(s, k, candidates[k], vk, &added, u);
        if (s.objective > before + 1e-9) {
          visits[k] = vk;
          improved = true;
          continue;
        }
        for (std::size_t w : added) s.remove_visit(w);
        undo_upgrades(k, sn);
        s.add_visit(u, k, old_acts);
        // 2. move u to another member who can do the same actions and has room, then refill k
        const std::size_t g = static_cast<std::size_t>(p.unit_group[u]);
        for (std::size_t k2 = 0; k2 < s.K; ++k2) {
          if (k2 == k || !p.allowed[k2][g]) continue;
          bool able = true;
          for (int a : old_acts) able = able && p.can_do[k2][static_cast<std::size_t>(a)];
          if (!able) continue;
          double need = s.visit_minutes(u, old_acts) + (s.count(k2, g) == 0 ? p.setup : 0.0);
          if (need > s.remaining[k2] + 1e-9) continue;
          snapshot sn2 = take(k);
          s.remove_visit(u);
          s.add_visit(u, k2, old_acts);
          std::vector<std::size_t> added2;
          std::vector<std::size_t> vk2 = visits[k];
          plan_fill_member(s, k, candidates[k], vk2, &added2, u);
          if (s.objective > before + 1e-9) {
            visits[k] = vk2;
            visits[k2].push_back(u);
            improved = true;
          } else {
            for (std::size_t w : added2) s.remove_visit(w);
            undo_upgrades(k, sn2);
            s.remove_visit(u);
            s.add_visit(u, k, old_acts);
          }
          break;
        }
      }
    }
    if (!improved) break;
  }
}

/// The Lagrangian upper bound (one multiplier per member class), by subgradient steps.
inline double plan_bound(const plan_problem& p, const std::vector<std::vector<std::size_t>>& class_members,
                         double primal, const plan_solver_options& opt, int& iterations,
                         const std::vector<double>& warm = {}) {
  const std::size_t Q = class_members.size();
  const std::size_t G = static_cast<std::size_t>(p.groups);
  std::vector<double> cap(Q, 0.0);
  for (std::size_t q = 0; q < Q; ++q)
    for (std::size_t k : class_members[q]) cap[q] += p.capacity[k];
  std::vector<std::vector<std::size_t>> units_of(G);
  for (std::size_t u = 0; u < p.unit_group.size(); ++u) units_of[static_cast<std::size_t>(p.unit_group[u])].push_back(u);
  std::vector<std::vector<std::size_t>> classes_of(G);
  for (std::size_t g = 0; g < G; ++g)
    for (std::size_t q = 0; q < Q; ++q)
      if (p.allowed[class_members[q][0]][g]) classes_of[g].push_back(q);

  // L(lambda) = sum_q lambda_q cap_q + sum_g max over the group's open classes and bundles of the
  // net gains: a valid upper bound for EVERY lambda >= 0 (weak duality); usage = its subgradient.
  std::vector<double> usage(Q), r, tu;
  std::vector<std::pair<double, double>> pos;
  std::uint64_t work = 0;
  auto evaluate = [&](const std::vector<double>& lambda) {
    std::fill(usage.begin(), usage.end(), 0.0);
    double value = 0.0;
    for (std::size_t q = 0; q < Q; ++q) value += lambda[q] * cap[q];
    for (std::size_t g = 0; g < G; ++g) {
      check_interrupt();
      const auto& cls = classes_of[g];
      const auto& us = units_of[g];
      if (cls.empty() || us.empty()) continue;
      const std::size_t nq = cls.size();
      work += us.size() * nq;
      r.assign(us.size() * nq, 0.0);
      tu.assign(us.size() * nq, 0.0);
      for (std::size_t i = 0; i < us.size(); ++i) {
        std::size_t u = us[i];
        for (std::size_t j = 0; j < nq; ++j) {
          std::size_t q = cls[j];
          std::size_t k0 = class_members[q][0];
          double lam = lambda[q], net = -lam * p.travel, t = p.travel;
          pos.clear();
          double sum_t = 0.0;
          for (const auto& [a, v] : p.unit_actions[u]) {
            if (!p.can_do[k0][static_cast<std::size_t>(a)]) continue;
            double ta = p.action_minutes[static_cast<std::size_t>(a)];
            double d = v - lam * ta;
            if (d > 0) { pos.emplace_back(d, ta); sum_t += ta; }
          }
          const double room = p.max_visit - p.travel;
          bool exact = false;
          if (!p.action_after.empty()) {
            // "follows": without a length limit the best bundle takes a prerequisite when its net
            // gain plus its positive followers' is positive, a follower only with it. Used when
            // that bundle fits a visit; otherwise the relaxation without the rule (still a bound).
            double cnet = 0.0, ct = 0.0;
            for (const auto& [a, v] : p.unit_actions[u]) {
              if (!p.can_do[k0][static_cast<std::size_t>(a)] || p.after(a) >= 0) continue;
              const double ta = p.action_minutes[static_cast<std::size_t>(a)];
              double d = v - lam * ta, dd = 0.0, tf = 0.0;
              for (const auto& [f, w] : p.unit_actions[u]) {
                if (p.after(f) != a || !p.can_do[k0][static_cast<std::size_t>(f)]) continue;
                const double tfa = p.action_minutes[static_cast<std::size_t>(f)];
                if (w - lam * tfa > 0) { dd += w - lam * tfa; tf += tfa; }
              }
              if (d + dd > 0) { cnet += d + dd; ct += ta + tf; }
            }
            if (ct <= room + 1e-9) { net += cnet; t += ct; exact = true; }
          }
          if (exact) {
            // net and t hold the bundle
          } else if (sum_t <= room + 1e-9) {
            for (const auto& [d, ta] : pos) { net += d; t += ta; }
          } else {
            // the visit-length limit: fractional knapsack (its LP relaxation, still an upper bound)
            std::sort(pos.begin(), pos.end(), [](const auto& x, const auto& y) { return x.first / x.second > y.first / y.second; });
            double left = room;
            for (const auto& [d, ta] : pos) {
              if (left <= 0) break;
              double f = std::min(1.0, left / ta);
              net += f * d;
              t += f * ta;
              left -= f * ta;
            }
          }
          if (net > 0) { r[i * nq + j] = net; tu[i * nq + j] = t; }
        }
      }
      // best set of open classes
      double best_g = 0.0;
      std::uint64_t best_mask = 0;
      if (static_cast<int>(nq) <= opt.enumerate_classes) {
        for (std::uint64_t mask = 1; mask < (std::uint64_t{1} << nq); ++mask) {
          double val = 0.0;
          for (std::size_t j = 0; j < nq; ++j)
            if (mask & (std::uint64_t{1} << j)) val -= lambda[cls[j]] * p.setup;
          for (std::size_t i = 0; i < us.size(); ++i) {
            double m = 0.0;
            for (std::size_t j = 0; j < nq; ++j)
              if ((mask & (std::uint64_t{1} << j)) && r[i * nq + j] > m) m = r[i * nq + j];
            val += m;
          }
          if (val > best_g) { best_g = val; best_mask = mask; }
        }
        if (best_mask != 0) {
          for (std::size_t j = 0; j < nq; ++j)
            if (best_mask & (std::uint64_t{1} << j)) usage[cls[j]] += p.setup;
          for (std::size_t i = 0; i < us.size(); ++i) {
            double m = 0.0;
            std::size_t arg = nq;
            for (std::size_t j = 0; j < nq; ++j)
              if ((best_mask & (std::uint64_t{1} << j)) && r[i * nq + j] > m) { m = r[i * nq + j]; arg = j; }
            if (arg < nq) usage[cls[arg]] += tu[i * nq + arg];
          }
        }
      } else {
        // bound: one class open exactly, or >= 2 classes paying at least the two cheapest set-ups
        double sum_max = 0.0;
        std::vector<double> fs;
        for (std::size_t j = 0; j < nq; ++j) fs.push_back(lambda[cls[j]] * p.setup);
        std::vector<double> single(nq, 0.0);
        for (std::size_t i = 0; i < us.size(); ++i) {
          double m = 0.0;
          for (std::size_t j = 0; j < nq; ++j) {
            single[j] += r[i * nq + j];
            m = std::max(m, r[i * nq + j]);
          }
          sum_max += m;
        }
        std::vector<double> sorted_f = fs;
        std::sort(sorted_f.begin(), sorted_f.end());
        double multi = sum_max - sorted_f[0] - sorted_f[1];
        std::size_t best_j = nq;
        for (std::size_t j = 0; j < nq; ++j)
          if (single[j] - fs[j] > best_g) { best_g = single[j] - fs[j]; best_j = j; }
        if (multi > best_g) {
          best_g = multi;
          for (std::size_t i = 0; i < us.size(); ++i) {
            double m = 0.0;
            std::size_t arg = nq;
            for (std::size_t j = 0; j < nq; ++j)
              if (r[i * nq + j] > m) { m = r[i * nq + j]; arg = j; }
            if (arg < nq) usage[cls[arg]] += tu[i * nq + arg];
          }
        } else if (best_j < nq) {
          usage[cls[best_j]] += p.setup;
          for (std::size_t i = 0; i < us.size(); ++i) usage[cls[best_j]] += tu[i * nq + best_j];
        }
      }
      value += best_g;
    }
    return value;
  };

  double best = std::numeric_limits<double>::infinity();
  std::vector<double> lambda(Q, 0.0);
  iterations = 0;
  // warm start (issue 7): the multipliers at the primal's marginal gain per minute of each class,
  // scaled by the best of a few factors (L is convex in lambda, so this is a coarse line search);
  // any lambda >= 0 gives a valid bound, the start only makes the subgradient converge sooner.
  if (warm.size() == Q) {
    double best_c = 0.0;
    best = evaluate(lambda);
    ++iterations;
    std::vector<double> trial(Q);
    for (double c : {1.0, 0.8, 1.25, 0.6, 1.6, 0.4, 2.0}) {
      for (std::size_t q = 0; q < Q; ++q) trial[q] = c * std::max(0.0, warm[q]);
      double v = evaluate(trial);
      ++iterations;
      if (v < best) { best = v; best_c = c; }
    }
    for (std::size_t q = 0; q < Q; ++q) lambda[q] = best_c * std::max(0.0, warm[q]);
  }
  double theta = warm.size() == Q ? 0.25 : 1.0;
  int since_improve = 0;
  for (int it = 0; it < opt.bound_iterations; ++it) {
    ++iterations;
    double value = evaluate(lambda);
    if (value < best - 1e-12) {
      best = value;
      since_improve = 0;
    } else if (++since_improve >= 5) {
      theta *= 0.5;
      since_improve = 0;
    }
    double norm = 0.0;
    for (std::size_t q = 0; q < Q; ++q) {
      double sg = usage[q] - cap[q];
      if (lambda[q] <= 0 && sg < 0) sg = 0;  // projected
      norm += sg * sg;
    }
    if (norm < 1e-12 || best - primal < 1e-9 * std::max(1.0, best) || theta < 1e-4) break;
    if (work > opt.bound_work) break;
    double step = theta * (value - primal) / norm;
    for (std::size_t q = 0; q < Q; ++q) lambda[q] = std::max(0.0, lambda[q] + step * (usage[q] - cap[q]));
  }
  return best;
}

}  // namespace detail

/// Solves one instance: greedy primal, local improvement, Lagrangian upper bound.
inline plan_solution solve_plan_problem(const plan_problem& p, const plan_solver_options& opt = {}) {
  if (!p.action_after.empty()) {
    if (p.action_after.size() != p.action_minutes.size())
      throw std::invalid_argument("plan_problem: action_after needs one entry per action");
    for (int b : p.action_after)
      if (b >= 0 && (static_cast<std::size_t>(b) >= p.action_minutes.size() || p.after(b) >= 0))
        throw std::invalid_argument("plan_problem: an action may follow only an action that follows none");
  }
  const std::size_t K = p.capacity.size();
  const std::size_t U = p.unit_group.size();
  std::uint64_t work = 0;  // shared by the greedy runs, the restarts and the improvement
  // member classes: same skills and same groups (members with no minutes are left out)
  std::map<std::pair<std::vector<char>, std::vector<char>>, int> class_index;
  std::vector<std::vector<std::size_t>> class_members;
  std::vector<int> member_class(K, -1);
  for (std::size_t k = 0; k < K; ++k) {
    if (p.capacity[k] <= 0) continue;
    auto key = std::make_pair(p.can_do[k], p.allowed[k]);
    auto it = class_index.find(key);
    int q;
    if (it == class_index.end()) {
      q = static_cast<int>(class_members.size());
      class_index.emplace(key, q);
      class_members.emplace_back();
    } else {
      q = it->second;
    }
    class_members[static_cast<std::size_t>(q)].push_back(k);
    member_class[k] = q;
  }
  plan_solution sol;
  detail::plan_state s;
  s.init(p);
  s.work = &work;
  if (!class_members.empty() && U > 0) {
    // greedy + improvement, then restarts from greedy orders with jittered ratios (deterministic
    // seeds) while half the work budget lasts; the best solution is kept
    detail::plan_greedy(s, class_members, member_class);
    detail::plan_improve(s, opt);
    {
      // the set-up-aware greedy (batches visits by group; a tenth of the set-up charged to the
      // first visit of a class in a group — 0.02 to 0.15 gave the same plan at 100k households,
      // 1.0 was 9 % worse); the better of the two is kept
      detail::plan_state t;
      t.init(p);
      t.work = &work;
      detail::plan_greedy(t, class_members, member_class, 0, 0.1);
      detail::plan_improve(t, opt);
      if (t.objective > s.objective + 1e-9) s = std::move(t);
    }
    for (unsigned seed = 1; seed <= static_cast<unsigned>(opt.restarts); ++seed) {
      if (U > 5000 || work > opt.improve_work / 2) break;
      detail::plan_state t;
      t.init(p);
      t.work = &work;
      detail::plan_greedy(t, class_members, member_class, seed);
      detail::plan_improve(t, opt);
      if (t.objective > s.objective + 1e-9) s = std::move(t);
    }
    // warm start of the multipliers: each class's marginal gain per minute in the primal (a low
    // quantile of its members' visit ratios, travel included); 0 for a class with minutes left over
    std::vector<double> warm(class_members.size(), 0.0);
    {
      std::vector<std::vector<double>> ratios(K);
      for (std::size_t u = 0; u < U; ++u) {
        if (s.member[u] < 0) continue;
        double g = 0.0;
        for (int a : s.chosen[u]) g += s.gain_of(u, a);
        ratios[static_cast<std::size_t>(s.member[u])].push_back(g / std::max(1e-9, s.visit_minutes(u, s.chosen[u])));
      }
      for (std::size_t q = 0; q < class_members.size(); ++q) {
        double sum = 0.0, wsum = 0.0;
        for (std::size_t k : class_members[q]) {
          auto& rk = ratios[k];
          double rho = 0.0;
          const double slack = s.remaining[k];
          if (!rk.empty() && slack < std::max(p.setup + p.travel, 0.05 * p.capacity[k])) {
            std::size_t at = rk.size() / 20;
            std::nth_element(rk.begin(), rk.begin() + static_cast<std::ptrdiff_t>(at), rk.end());
            rho = rk[at];
          }
          sum += rho * p.capacity[k];
          wsum += p.capacity[k];
        }
        warm[q] = wsum > 0 ? sum / wsum : 0.0;
      }
    }
    sol.upper_bound = detail::plan_bound(p, class_members, s.objective, opt, sol.bound_iterations, warm);
  }
  // recompute the objective exactly from the solution
  double obj = 0.0;
  for (std::size_t u = 0; u < U; ++u)
    for (int a : s.chosen[u]) obj += s.gain_of(u, a);
  sol.member = s.member;
  sol.actions = s.chosen;
  sol.objective = obj;
  if (sol.upper_bound < obj) sol.upper_bound = obj;  // numerical safety: a bound is never below a solution
  return sol;
}

}  // namespace commdx
