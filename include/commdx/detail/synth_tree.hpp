#pragma once
// The example data on the user's own place tree (issue 13): which wards/communes, neighbourhoods
// (khu phố / thôn / ấp) and residential groups the generator fills, with how many households and
// what area each, from a commdx::places tree. Independent of the seed.
//
// The rules (docs/data-dictionary.md, "Example data on your own places"):
// - every ward, commune and special zone of the tree gets households; the units above them
//   (country, province, city) carry the sums of what is generated below them;
// - a unit's households are its `households`, else its `population` / 3.5 (3.8 in a commune),
//   else the sum of its children's, else a default: 45 households for a residential group, 8
//   groups (360 households) for a neighbourhood or village, 8,000 households for a ward or commune
//   (about the national mean after the 2025 merger: ~27 million households in 3,321 units);
// - where a unit's households are known, those of its children must add up to them; children
//   without a count share the remainder (in proportion to their defaults); a mismatch is refused;
// - a ward/commune with nothing below it gets clamp(households / 1,300, 2, 12) neighbourhoods
//   ("Khu phố k" / "Thôn k", code <ward>-KPkk / <ward>-THkk); a neighbourhood without groups gets
//   clamp(households / 45, 1, 40) ("Tổ k", code <neighbourhood>-Tkk); residential groups straight
//   under a ward/commune (no khu phố / ấp level) are kept so: their households have no
//   neighbourhood (an empty neighbourhood_code);
// - areas: a unit's `area_km2`; children without one share the rest of their parent's area in
//   proportion to households; children that all have one must add up to the parent's (0.5%); a
//   ward/commune without any area gets one from the density of its kind's default remoteness;
// - remoteness (the latent digital access) from the density: r = ln(9,000 / density) / 4 clamped
//   to [0, 1] (the national-scale synthetic wards' density 9,000 e^(-4r) people/km² read back);
//   without an area, 0.2 for a ward and 0.8 for a commune or special zone; farming 0.02 + 0.5 r;
// - with a total (`households` > 0) every count is scaled to it (largest remainders at each
//   level), the wards' areas with their households so that densities stay.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "commdx/data.hpp"
#include "commdx/detail/synth_random.hpp"
#include "commdx/error.hpp"
#include "commdx/places.hpp"

namespace commdx::synth {

/// Households of a residential group whose file gives none.
inline constexpr std::uint64_t default_group_households = 45;
/// Groups of a neighbourhood or village whose file gives neither households nor groups.
inline constexpr std::uint64_t default_neighbourhood_groups = 8;
/// Households of a ward or commune whose file gives neither households, population nor units below.
inline constexpr std::uint64_t default_commune_households = 8000;

namespace detail {

inline std::vector<std::uint64_t> split_total(std::uint64_t total, const std::vector<double>& weights) {
  std::vector<std::uint64_t> out(weights.size(), 0);
  if (weights.empty()) return out;
  double sum = 0;
  for (double w : weights) sum += w;
  if (!(sum > 0)) return out;
  std::vector<std::pair<double, std::size_t>> rem;
  std::uint64_t used = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    double exact = static_cast<double>(total) * weights[i] / sum;
    out[i] = static_cast<std::uint64_t>(std::floor(exact));
    used += out[i];
    rem.emplace_back(exact - std::floor(exact), i);
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; used < total; ++k, ++used) ++out[rem[k % rem.size()].second];
  return out;
}

inline std::size_t clamp_size(double x, std::size_t lo, std::size_t hi) {
  double r = std::round(x);
  if (r < static_cast<double>(lo)) return lo;
  if (r > static_cast<double>(hi)) return hi;
  return static_cast<std::size_t>(r);
}

/// People per km² of a ward of remoteness r (the national-scale synthetic wards' rule), and back.
inline double density_of(double r) { return 9000.0 * std::exp(-4.0 * r); }
inline double remoteness_of_density(double d) { return clamp01(std::log(9000.0 / d) / 4.0); }

inline double round4(double x) { return std::round(x * 1e4) / 1e4; }

}  // namespace detail

/// A unit below a ward/commune as the generator fills it.
struct tree_unit {
  std::string code, name;
  unit_kind kind = unit_kind::residential_group;
  std::uint64_t households = 0;
  double area_km2 = missing, lat = missing, lon = missing;
  std::vector<tree_unit> below;  ///< a neighbourhood's groups
};

/// A ward, commune or special zone of the tree with its neighbourhoods and groups resolved.
struct tree_ward {
  std::string code, name, parent;
  unit_kind kind = unit_kind::ward;
  std::uint64_t households = 0;
  double area_km2 = missing, lat = missing, lon = missing, remoteness = 0, farming = 0;
  std::vector<std::string> above;  ///< codes of the units above it, parent first
  /// Its neighbourhoods/villages; the last one has an empty code when residential groups sit
  /// directly under the ward/commune (they are its `below`; their records have no neighbourhood).
  std::vector<tree_unit> neighbourhoods;
};

/// What the generator fills on a tree: its wards in file order and the units above them.
struct tree_plan {
  std::vector<tree_ward> wards;
  std::vector<unit> above;  ///< every ancestor of a ward, in the tree's order (counts filled at the end)
  std::uint64_t households = 0;
};

namespace detail {

class tree_planner {
 public:
  tree_planner(const places& t, double farming_base, double farming_per_remoteness)
      : t_(t), farming_base_(farming_base), farming_per_r_(farming_per_remoteness) {}

  tree_plan plan(std::uint64_t total) {
    tree_plan out;
    std::vector<node> wards;
    for (const auto& u : t_.units())
      if (is_commune_level(u.kind)) wards.push_back(build(u));
    if (wards.empty())
      fail(location::in_file(t_.source()), "the places tree has no ward, commune or special zone to generate data for");
    for (auto& w : wards) resolve(w, natural(w, persons_of(w.u->kind)), persons_of(w.u->kind));
    if (total > 0) {
      std::vector<double> weights;
      for (const auto& w : wards) weights.push_back(static_cast<double>(w.count));
      auto counts = split_total(total, weights);
      for (std::size_t i = 0; i < wards.size(); ++i) {
        const double old = static_cast<double>(wards[i].count);
        // densities stay: every area of the ward scales with its households
        if (old > 0) scale_areas(wards[i], static_cast<double>(counts[i]) / old);
        rescale(wards[i], counts[i]);
      }
    }
    for (std::size_t i = 0; i < wards.size(); ++i) out.wards.push_back(finish(wards[i], i));
    std::map<std::string, bool> is_above;
    for (const auto& w : out.wards)
      for (const auto& a : w.above) is_above[a] = true;
    for (const auto& u : t_.units())
      if (is_above.count(u.code) != 0) out.above.push_back(u);
    for (const auto& w : out.wards) out.households += w.households;
    return out;
  }

 private:
  struct node {
    const unit* u = nullptr;
    std::vector<node> kids;
    std::uint64_t count = 0;
    double stated_area = missing;
  };

  [[noreturn]] static void fail(const location& where, const std::string& what) {
    throw validation_error(where, what, "commdx.synth.places");
  }
  location at(const unit& u) const { return location::in_file(t_.source()).for_unit(u.code); }

  static double persons_of(unit_kind ward_kind) { return ward_kind == unit_kind::commune ? 3.8 : 3.5; }

  node build(const unit& u) {
    node n;
    n.u = &u;
    n.stated_area = u.area_km2;
    for (const auto& c : t_.children(u.code)) {
      n.kids.push_back(build(t_.at(c)));
    }
    return n;
  }

  /// The households a unit's own row states (households, else population / persons), or NaN.
  static double stated(const unit& u, double persons) {
    if (!is_missing(u.households)) return u.households;
    if (!is_missing(u.population)) return std::round(u.population / persons);
    return missing;
  }
  static double default_of(unit_kind k) {
    if (is_commune_level(k)) return static_cast<double>(default_commune_households);
    if (k == unit_kind::residential_group) return static_cast<double>(default_group_households);
    return static_cast<double>(default_group_households * default_neighbourhood_groups);
  }
  static double natural(const node& n, double persons) {
    double s = stated(*n.u, persons);
    if (!is_missing(s)) return s;
    if (n.kids.empty()) return default_of(n.u->kind);
    double sum = 0;
    for (const auto& k : n.kids) sum += natural(k, persons);
    return sum;
  }
  static bool known(const node& n, double persons) {
    if (!is_missing(stated(*n.u, persons))) return true;
    if (n.kids.empty()) return false;
    for (const auto& k : n.kids)
      if (!known(k, persons)) return false;
    return true;
  }

  void resolve(node& n, double target, double persons) {
    if (target < 0 || target > 1e10)
      fail(at(*n.u), "households must be a count from 0 to 10,000,000,000, got " + std::to_string(target));
    n.count = static_cast<std::uint64_t>(std::llround(target));
    if (n.kids.empty()) return;
    double k_sum = 0;
    std::vector<std::size_t> unknown;
    std::vector<double> weights;
    for (std::size_t i = 0; i < n.kids.size(); ++i) {
      if (known(n.kids[i], persons)) k_sum += natural(n.kids[i], persons);
      else {
        unknown.push_back(i);
        weights.push_back(natural(n.kids[i], persons));
      }
    }
    const double total = static_cast<double>(n.count);
    if (unknown.empty() && k_sum != total)
      fail(at(*n.u), "the households of the units under " + t_.describe(n.u->code) + " add up to " + count_text(k_sum) +
                         ", the unit has " + count_text(total) + " (households, or population / " + persons_text(persons) + ")");
    if (!unknown.empty() && total - k_sum < static_cast<double>(unknown.size()))
      fail(at(*n.u), t_.describe(n.u->code) + " has " + count_text(total) + " households and the units under it that give a count "
                         "already " + count_text(k_sum) + ": nothing is left for the " + std::to_string(unknown.size()) +
                         " that give none");
    for (std::size_t i = 0; i < n.kids.size(); ++i)
      if (known(n.kids[i], persons)) resolve(n.kids[i], natural(n.kids[i], persons), persons);
    auto shares = split_total(static_cast<std::uint64_t>(total - k_sum), weights);
    for (std::size_t j = 0; j < unknown.size(); ++j) resolve(n.kids[unknown[j]], static_cast<double>(shares[j]), persons);
  }

  static void rescale(node& n, std::uint64_t target) {
    n.count = target;
    std::vector<double> weights;
    for (const auto& k : n.kids) weights.push_back(static_cast<double>(k.count));
    auto counts = split_total(target, weights);
    for (std::size_t i = 0; i < n.kids.size(); ++i) rescale(n.kids[i], counts[i]);
  }

  static void scale_areas(node& n, double factor) {
    if (!is_missing(n.stated_area)) n.stated_area = round4(n.stated_area * factor);
    for (auto& k : n.kids) scale_areas(k, factor);
  }

  static std::string count_text(double x) { return std::to_string(static_cast<long long>(std::llround(x))); }
  static std::string persons_text(double p) { return p == 3.8 ? "3.8" : "3.5"; }

  /// Areas of `kids` within `area` (the parent's): stated ones kept, the rest shared by households.
  void share_area(const node& parent, double area, std::vector<double>& out) const {
    out.assign(parent.kids.size(), missing);
    double stated_sum = 0, rest_households = 0;
    std::size_t unstated = 0;
    for (std::size_t i = 0; i < parent.kids.size(); ++i) {
      const node& k = parent.kids[i];
      if (!is_missing(k.stated_area)) {
        out[i] = k.stated_area;
        stated_sum += k.stated_area;
      } else {
        ++unstated;
        rest_households += static_cast<double>(k.count);
      }
    }
    if (is_missing(area)) return;
    const double slack = std::max(0.005 * area, 0.01 * static_cast<double>(parent.kids.size()));
    if (unstated == 0) {
      if (std::fabs(stated_sum - area) > slack)
        fail(at(*parent.u), "the areas of the units under " + t_.describe(parent.u->code) + " add up to " +
                                km2_text(stated_sum) + " km², the unit has " + km2_text(area) + " km²");
      return;
    }
    const double rest = area - stated_sum;
    if (rest <= 0)
      fail(at(*parent.u), "the units under " + t_.describe(parent.u->code) + " that give an area already cover " +
                              km2_text(stated_sum) + " of its " + km2_text(area) + " km²: nothing is left for the others");
    for (std::size_t i = 0; i < parent.kids.size(); ++i)
      if (is_missing(out[i]))
        out[i] = round4(rest * (rest_households > 0 ? static_cast<double>(parent.kids[i].count) / rest_households
                                                    : 1.0 / static_cast<double>(unstated)));
  }
  static std::string km2_text(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", x);
    return buf;
  }

  tree_unit leaf_of(const node& n, double area) const {
    tree_unit g;
    g.code = n.u->code;
    g.name = n.u->name;
    g.kind = n.u->kind;
    g.households = n.count;
    g.area_km2 = area;
    g.lat = n.u->lat;
    g.lon = n.u->lon;
    return g;
  }

  /// Groups generated for a neighbourhood that lists none.
  void generate_groups(tree_unit& nb, std::size_t ward_index, std::size_t k) const {
    const std::size_t n = clamp_size(static_cast<double>(nb.households) / 45.0, 1, 40);
    std::vector<double> gw(n);
    for (std::size_t g = 0; g < n; ++g) gw[g] = 0.7 + 0.6 * unit_of(mix(mix(0x7EE6, ward_index * 64 + k), g));
    auto hh = split_total(nb.households, gw);
    for (std::size_t g = 0; g < n; ++g) {
      tree_unit t;
      t.code = nb.code + "-T" + padded(g + 1, 2);
      t.name = "Tổ " + std::to_string(g + 1);
      t.households = hh[g];
      if (!is_missing(nb.area_km2))
        t.area_km2 = round4(nb.area_km2 * (nb.households > 0 ? static_cast<double>(hh[g]) / static_cast<double>(nb.households)
                                                             : 1.0 / static_cast<double>(n)));
      require_new(t.code);
      nb.below.push_back(std::move(t));
    }
  }
  void require_new(const std::string& code) const {
    if (t_.contains(code))
      fail(location::in_file(t_.source()).for_unit(code),
           "the code " + code + " that the example data give a generated unit is already a unit of the tree");
  }

  tree_ward finish(const node& n, std::size_t index) const {
    const unit& u = *n.u;
    tree_ward w;
    w.code = u.code;
    w.name = u.name;
    w.parent = u.parent;
    w.kind = u.kind;
    w.households = n.count;
    w.lat = u.lat;
    w.lon = u.lon;
    w.above = t_.ancestors(u.code);
    const double persons = persons_of(u.kind);
    // the area: stated, else the children's when all give one, else from the kind's default remoteness
    double area = n.stated_area;
    if (is_missing(area) && !n.kids.empty()) {
      double sum = 0;
      bool all = true;
      for (const auto& k : n.kids) {
        all = all && !is_missing(k.stated_area);
        if (!is_missing(k.stated_area)) sum += k.stated_area;
      }
      if (all) area = round4(sum);
    }
    const double default_r = u.kind == unit_kind::ward ? 0.2 : 0.8;
    if (is_missing(area)) area = round4(std::max(0.0001, static_cast<double>(n.count) * persons / density_of(default_r)));
    w.area_km2 = area;
    const double people = !is_missing(u.population) && is_missing(u.households) ? u.population : static_cast<double>(n.count) * persons;
    w.remoteness = area > 0 && people > 0 ? remoteness_of_density(people / area) : default_r;
    w.farming = farming_base_ + farming_per_r_ * w.remoteness;
    // neighbourhoods: the tree's, or generated
    const bool commune = u.kind == unit_kind::commune;
    if (n.kids.empty()) {
      const std::size_t k_n = clamp_size(static_cast<double>(n.count) / 1300.0, 2, 12);
      std::vector<double> wts(k_n);
      for (std::size_t k = 0; k < k_n; ++k) wts[k] = 0.7 + 0.6 * unit_of(mix(mix(0x5EC8, index), k));
      auto hh = split_total(n.count, wts);
      for (std::size_t k = 0; k < k_n; ++k) {
        tree_unit nb;
        nb.code = u.code + (commune ? "-TH" : "-KP") + padded(k + 1, 2);
        nb.name = std::string(commune ? "Thôn " : "Khu phố ") + std::to_string(k + 1);
        nb.kind = commune ? unit_kind::village : unit_kind::neighbourhood;
        nb.households = hh[k];
        nb.area_km2 = round4(area * (n.count > 0 ? static_cast<double>(hh[k]) / static_cast<double>(n.count) : 1.0 / static_cast<double>(k_n)));
        require_new(nb.code);
        generate_groups(nb, index, k);
        w.neighbourhoods.push_back(std::move(nb));
      }
      return w;
    }
    std::vector<double> nb_area;
    share_area(n, area, nb_area);
    // residential groups straight under the ward/commune (no khu phố / ấp level, as in many
    // communes since 2025): held by one neighbourhood without a code, after the others
    tree_unit direct;
    direct.kind = unit_kind::residential_group;
    direct.area_km2 = 0;
    for (std::size_t k = 0; k < n.kids.size(); ++k) {
      const node& kn = n.kids[k];
      if (kn.u->kind != unit_kind::residential_group) continue;
      direct.below.push_back(leaf_of(kn, nb_area[k]));
      direct.households += kn.count;
      direct.area_km2 = is_missing(nb_area[k]) ? missing : direct.area_km2 + nb_area[k];
    }
    for (std::size_t k = 0; k < n.kids.size(); ++k) {
      const node& kn = n.kids[k];
      if (kn.u->kind == unit_kind::residential_group) continue;
      tree_unit nb = leaf_of(kn, nb_area[k]);
      if (kn.kids.empty()) {
        generate_groups(nb, index, k);
      } else {
        std::vector<double> g_area;
        share_area(kn, nb_area[k], g_area);
        for (std::size_t g = 0; g < kn.kids.size(); ++g) nb.below.push_back(leaf_of(kn.kids[g], g_area[g]));
      }
      w.neighbourhoods.push_back(std::move(nb));
    }
    if (!direct.below.empty()) w.neighbourhoods.push_back(std::move(direct));
    return w;
  }

  const places& t_;
  double farming_base_, farming_per_r_;
};

}  // namespace detail

/// The wards, neighbourhoods and groups the generator fills on `tree` (see the rules above);
/// `households` > 0 scales every count to that total.
inline tree_plan plan_tree(const places& tree, std::uint64_t households, double farming_base = 0.02,
                           double farming_per_remoteness = 0.5) {
  return detail::tree_planner(tree, farming_base, farming_per_remoteness).plan(households);
}

}  // namespace commdx::synth
