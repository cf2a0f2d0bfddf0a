#pragma once
// The example city (issue 3): a realistic synthetic Vũng Tàu, deterministic by seed on every
// platform and scalable from a 2,000-household toy to national scale (~27 million households,
// ~10,000 wards), generated ward by ward so files stream in bounded memory.
//
// What is real and what is derived (documented in docs/data-dictionary.md, "Derived figures"):
// - the 17 units, their official codes, names and centre points are real
//   (python/commdx/data/vungtau-units.csv);
// - their 2022 populations, areas and household counts are DERIVED: the 2024 populations of the
//   2025 merged units are split among their constituents by least squares so that the 2021
//   council-election constituencies (47,652-55,213 people each) come out near their midpoint, the
//   urban total is scaled to the 2022 figure 448,028 and Long Sơn is the 2022 rural population
//   16,832; areas split the 2025 units' areas (scaled to the city's 141.1 km², Long Sơn 51.41 km²)
//   in proportion to population times a spread factor (1 central, up to 2 for Phường 10/12);
//   households = population / 3.5 (Long Sơn 3.8): 132,438 in all, the default city size;
// - neighbourhoods (khu phố), villages (thôn, 10 in Long Sơn), residential groups (tổ, ~45
//   households each), households, businesses, teams and the survey are SYNTHETIC.
// Household attributes hang on a latent digital-access factor driven by the ward's remoteness,
// the head's age and education; intercepts are set so that a fixed pilot city reproduces the
// targets of python/commdx/data/synth-calibration.json (sources named there).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/classify.hpp"
#include "commdx/data.hpp"
#include "commdx/detail/synth_calibration.hpp"
#include "commdx/detail/synth_random.hpp"
#include "commdx/detail/synth_tree.hpp"
#include "commdx/error.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/places.hpp"
#include "commdx/table.hpp"
#include "commdx/teams.hpp"

namespace commdx::synth {

/// Households of the default city: the derived real count of Vũng Tàu (python/commdx/data/vungtau-units.csv).
inline constexpr std::uint64_t default_households = 132438;
/// Up to this size the city is Vũng Tàu's 17 units scaled; beyond it the 17 units keep their
/// real size and synthetic wards of about `synthetic_ward_households` households are added.
inline constexpr std::uint64_t city_scale_limit = 300000;
inline constexpr std::uint64_t synthetic_ward_households = 2700;
/// Fewest households accepted (every ward and village needs some).
inline constexpr std::uint64_t minimum_households = 200;

struct options {
  std::uint64_t households = default_households;
  std::uint64_t seed = 1;
  /// The survey: false = stratified cluster sample (strata = wards, PSUs = residential groups),
  /// true = a census of every household (weight 1).
  bool census = false;
  /// Residential groups drawn per ward by simple random sampling (all groups if fewer).
  std::size_t groups_per_ward = 8;
  /// Households drawn per sampled group by simple random sampling; 0 = every household (a
  /// one-stage cluster sample). With subsampling the weight is (G/g)(N_g/m_g) and the estimation
  /// stage treats the design as one-stage at the PSU level with that weight (with-replacement
  /// approximation at the second stage).
  std::size_t households_per_group = 0;
  /// Calibration JSON text; empty = the shipped synth-calibration.json.
  std::string calibration;
  /// The place tree to fill (issue 13: the user's own commune, its neighbourhoods and groups;
  /// detail/synth_tree.hpp has the rules); none = the built-in city of 2022. With a tree,
  /// `households` 0 takes the counts from the tree and any other total scales them to it.
  std::shared_ptr<const places> tree;
  /// First day of the campaign's calendar (YYYY-MM-DD): the ward teams are decided in its first
  /// 12 days, the neighbourhood teams by day 30 (the deadline, planted late ones after it), the
  /// visits fall on days 35-133. Empty = the directive's calendar (synth-calibration.json
  /// "outreach": its "start", "first_visit" and "last_visit"; the deadline is team-rules.json's).
  std::string start;
};


// The roster is the teams stage's own type (commdx::roster, teams.hpp): synth writes it with its
// JSON and CSV writers, and the plan reads it back through the same type.

// ---- generated records ---------------------------------------------------------------------------
struct household {
  std::size_t number = 0;  ///< 1-based within the ward (household id H<ward>-<number>)
  std::size_t neighbourhood = 0, group = 0;  ///< indices in the ward
  int members = 1, adults = 1, head_age = 40, head_education = 0, adults_upper_secondary = 0, smartphones = 0;
  bool farming = false;
  std::array<bool, 4> bill{};  ///< electricity, water, cable TV, school fees
  std::array<int, detail::attr_count> v{};  ///< calibrated attributes; -1 = not applicable
  int method = 0;  ///< electricity payment method: index in payment_methods
  std::array<int, 8> opinion{};  ///< 1..5, 0 = not answered
  double z = 0;  ///< latent digital access (not written)
};
inline constexpr std::array<const char*, 5> payment_methods = {"cash", "bank_transfer", "direct_debit", "e_wallet", "none"};

struct business {
  std::size_t number = 0, neighbourhood = 0, group = 0;
  int type = 0;
  std::array<int, detail::battr_count> v{};  ///< -1 = not applicable
};

struct visit {
  std::size_t household = 0;  ///< index in the ward's households
  const char* action = "";
  std::string member_id;
  long date = 0;
  const char* outcome = "";
};

struct manual_process {
  std::size_t household = 0;
  const char* process = "";
  double frequency_per_month = 0;
  long date = 0;
};

/// What an adopted outreach action changes in a household.
enum class outreach_effect {
  smartphone, bank_account, pay_electricity, health_book, vssid, vneid, vungtauioc, online_service,
  zalo_group, e_wallet, ecommerce, postmart_voso
};
/// A door-to-door action of the visit log: its id is the campaign catalogue's (campaigns.json),
/// the one action vocabulary the plan and the report read.
struct outreach_action {
  const char* id;
  outreach_effect effect;
};
/// R3: what a low-access household is offered, in the order a member tries them.
inline constexpr outreach_action low_access_actions[] = {
    {"R3.smartphone_basics", outreach_effect::smartphone}, {"R3.bank_account", outreach_effect::bank_account},
    {"R3.basic_payment", outreach_effect::pay_electricity}, {"R3.health_book", outreach_effect::health_book},
    {"R3.vssid", outreach_effect::vssid}};
/// R2: the central catalogue (K1-K10) for everyone else.
inline constexpr outreach_action high_access_actions[] = {
    {"K1.online_service", outreach_effect::online_service}, {"K2.vneid", outreach_effect::vneid},
    {"K2.vungtauioc", outreach_effect::vungtauioc}, {"K10.zalo_group", outreach_effect::zalo_group},
    {"K8.pay_bills", outreach_effect::pay_electricity}, {"K8.e_wallet", outreach_effect::e_wallet},
    {"K5.ecommerce", outreach_effect::ecommerce}, {"K6.postmart_voso", outreach_effect::postmart_voso},
    {"K2.vssid", outreach_effect::vssid}, {"K2.health_book", outreach_effect::health_book}};
/// A visit without a catalogue action (nothing applicable, or nobody home): the visit log's
/// general contact code, declared in campaigns.json ("visit_log"."contact_actions").
inline constexpr const char* general_guidance = "general_guidance";

struct sampled {
  std::size_t household = 0;
  double weight = 1;
};

struct neighbourhood_plan {
  std::string code, name;
  unit_kind kind = unit_kind::neighbourhood;
  std::size_t first_group = 0, groups = 0;
  std::uint64_t households = 0;
  double area_km2 = missing, lat = missing, lon = missing;  ///< a place tree's; missing = derived from the ward's
};
struct group_plan {
  std::string code, name;
  std::size_t neighbourhood = 0;
  std::uint64_t households = 0;
  std::size_t first_household = 0;
  double area_km2 = missing, lat = missing, lon = missing;  ///< a place tree's; missing = derived
};

struct ward_plan {
  std::size_t index = 0;
  std::string code, name;
  unit_kind kind = unit_kind::ward;
  bool real = true;  ///< one of the built-in city's 17 units of 2022
  std::string parent = "747";
  std::size_t tree_index = SIZE_MAX;  ///< its ward in a place tree's plan (SIZE_MAX: the built-in city)
  double remoteness = 0, farming = 0, area_km2 = 0, lat = 0, lon = 0;
  std::uint64_t households = 0, real_households = 0;
};

/// Everything generated for one ward.
struct ward_data {
  ward_plan plan;
  std::vector<neighbourhood_plan> neighbourhoods;
  std::vector<group_plan> groups;
  std::vector<household> households;   ///< round 0, every household
  std::vector<household> after;        ///< the same households after outreach (round 1 state)
  std::vector<business> businesses;
  std::vector<team> teams;
  std::vector<sampled> sample;
  std::vector<visit> visits;
  std::vector<manual_process> manual;
  std::uint64_t population = 0;
  std::vector<std::uint64_t> group_population, neighbourhood_population;
  /// The fpc of the household and business records: the groups that hold any (a full count then
  /// has every PSU of its stratum, and no sampling error).
  std::size_t household_psus = 0, business_psus = 0;
};

namespace detail {

// Vietnamese personal names for team members (common family, middle and given names).
inline constexpr const char* family_names[] = {"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng",
                                               "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"};
inline constexpr const char* male_middle[] = {"Văn", "Hữu", "Minh", "Quốc", "Đức", "Thanh", "Công", "Xuân"};
inline constexpr const char* female_middle[] = {"Thị", "Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Bảo"};
inline constexpr const char* male_given[] = {"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Minh", "Nam",
                                             "Phúc", "Quang", "Sơn", "Tài", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh"};
inline constexpr const char* female_given[] = {"Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
                                               "Mai", "Nga", "Ngân", "Nhung", "Phương", "Tâm", "Thảo", "Trang", "Vy", "Yến"};

template <std::size_t N>
const char* pick(rng& r, const char* const (&arr)[N]) { return arr[r.index(N)]; }

inline std::string person_name(rng& r) {
  bool female = r.bernoulli(0.5);
  std::string s = pick(r, family_names);
  s += ' ';
  s += female ? pick(r, female_middle) : pick(r, male_middle);
  s += ' ';
  s += female ? pick(r, female_given) : pick(r, male_given);
  return s;
}

inline std::string phone_number(rng& r) {
  static constexpr const char* prefixes[] = {"090", "091", "093", "094", "096", "097", "098", "086", "088", "070", "077", "079"};
  std::string s = pick(r, prefixes);
  for (int i = 0; i < 7; ++i) s += static_cast<char>('0' + static_cast<int>(r.below(10)));
  return s;
}

}  // namespace detail

/// The generator: plans the wards for a size, calibrates once, then generates any ward on demand
/// (a ward's data depend only on the options and the ward's index, never on other wards).
class generator {
 public:
  explicit generator(options opt) : opt_(std::move(opt)) {
    if (opt_.households < minimum_households && !(opt_.tree && opt_.households == 0))
      throw input_error(location::in_file("synth").in_column("households"),
                        "at least " + std::to_string(minimum_households) + " households are needed, got " +
                            std::to_string(opt_.households));
    if (opt_.groups_per_ward == 0)
      throw input_error(location::in_file("synth").in_column("groups_per_ward"), "must be at least 1");
    cal_ = opt_.calibration.empty() ? default_calibration()
                                    : calibrate(detail::parse_calibration(opt_.calibration, "calibration"));
    if (!opt_.start.empty())
      shift_ = detail::parse_date(opt_.start, "start") - detail::parse_date(cal_.start, "outreach.start");
    if (opt_.tree) plan_on_tree();
    else plan_wards();
  }

  const options& opts() const noexcept { return opt_; }
  const detail::calibration& calibration() const noexcept { return cal_; }
  std::size_t ward_count() const noexcept { return wards_.size(); }
  const std::vector<ward_plan>& wards() const noexcept { return wards_; }

  /// The units above the wards (the built-in city, or a place tree's country, province ...) with
  /// the sums of what was generated below them; `ward_population[i]` is ward i's population.
  std::vector<unit> top_units(const std::vector<std::uint64_t>& ward_population) const {
    std::uint64_t total = 0;
    for (auto p : ward_population) total += p;
    if (!opt_.tree) return {city_unit(total)};
    std::map<std::string, std::array<double, 3>> sums;  // area, population, households
    for (std::size_t i = 0; i < wards_.size(); ++i)
      for (const auto& a : tree_.wards[i].above) {
        auto& s = sums[a];
        s[0] += wards_[i].area_km2;
        s[1] += static_cast<double>(ward_population.at(i));
        s[2] += static_cast<double>(wards_[i].households);
      }
    std::vector<unit> out = tree_.above;
    for (auto& u : out) {
      const auto& s = sums[u.code];
      u.area_km2 = round4(s[0]);
      u.population = s[1];
      u.households = s[2];
    }
    return out;
  }

  /// The city unit (root of the tree).
  unit city_unit(std::uint64_t population) const {
    unit u;
    u.code = "747";
    u.name = "Thành phố Vũng Tàu";
    u.kind = unit_kind::city;
    // the wards' areas (a smaller city's scale with its households): every level adds up
    double area = 0;
    for (const auto& w : wards_) area += w.area_km2;
    u.area_km2 = round4(area);
    u.population = static_cast<double>(population);
    u.households = static_cast<double>(opt_.households);
    u.lat = 10.346;
    u.lon = 107.084;
    return u;
  }

  /// Generates everything for ward `i`.
  ward_data ward(std::size_t i) const {
    commdx::detail::check_interrupt();  // Ctrl-C between wards (detail/interrupt.hpp)
    ward_data w;
    w.plan = wards_.at(i);
    build_structure(w);
    generate_households(w);
    generate_businesses(w);
    generate_teams(w);
    draw_sample(w);
    run_outreach(w);
    return w;
  }

  /// The places rows of a generated ward (the ward, its neighbourhoods/villages, its groups).
  static std::vector<unit> units_of(const ward_data& w) {
    std::vector<unit> out;
    const ward_plan& p = w.plan;
    double hh_total = static_cast<double>(std::max<std::uint64_t>(1, p.households));
    unit u;
    u.code = p.code;
    u.name = p.name;
    u.kind = p.kind;
    u.parent = p.parent;
    u.area_km2 = p.area_km2;
    u.population = static_cast<double>(w.population);
    u.households = static_cast<double>(p.households);
    u.lat = p.lat;
    u.lon = p.lon;
    out.push_back(u);
    for (std::size_t k = 0; k < w.neighbourhoods.size(); ++k) {
      const auto& nb = w.neighbourhoods[k];
      const bool direct = nb.code.empty();  // groups straight under the ward (tree_ward::neighbourhoods)
      unit n;
      n.code = nb.code;
      n.name = nb.name;
      n.kind = nb.kind;
      n.parent = p.code;
      n.area_km2 = is_missing(nb.area_km2) ? round4(p.area_km2 * static_cast<double>(nb.households) / hh_total) : nb.area_km2;
      n.population = static_cast<double>(w.neighbourhood_population[k]);
      n.households = static_cast<double>(nb.households);
      n.lat = is_missing(nb.lat) ? round6(p.lat + offset(nb.code, 1)) : nb.lat;
      n.lon = is_missing(nb.lon) ? round6(p.lon + offset(nb.code, 2)) : nb.lon;
      if (direct) {
        n.lat = p.lat;
        n.lon = p.lon;
      } else {
        out.push_back(n);
      }
      for (std::size_t g = nb.first_group; g < nb.first_group + nb.groups; ++g) {
        const auto& gp = w.groups[g];
        unit t;
        t.code = gp.code;
        t.name = gp.name;
        t.kind = unit_kind::residential_group;
        t.parent = direct ? p.code : nb.code;
        t.area_km2 = is_missing(gp.area_km2) ? round4(p.area_km2 * static_cast<double>(gp.households) / hh_total) : gp.area_km2;
        t.population = static_cast<double>(w.group_population[g]);
        t.households = static_cast<double>(gp.households);
        t.lat = is_missing(gp.lat) ? round6(n.lat + offset(gp.code, 1) * 0.2) : gp.lat;
        t.lon = is_missing(gp.lon) ? round6(n.lon + offset(gp.code, 2) * 0.2) : gp.lon;
        out.push_back(t);
      }
    }
    return out;
  }

 private:
  // ---- calibration -------------------------------------------------------------------------
  static const detail::calibration& default_calibration() {
    static const detail::calibration c =
        calibrate(detail::parse_calibration(shipped_data("synth-calibration.json"), "synth-calibration.json"));
    return c;
  }

  /// Base draws shared by the generator and the pilot: size, age, education, farming, latent.
  static void draw_base(const detail::calibration& c, detail::rng& r, double remoteness, double farming, household& h) {
    double u = r.uniform(), acc = 0;
    int members = static_cast<int>(c.members_distribution.size());
    double total = 0;
    for (double p : c.members_distribution) total += p;
    for (std::size_t k = 0; k < c.members_distribution.size(); ++k) {
      acc += c.members_distribution[k] / total;
      if (u < acc) { members = static_cast<int>(k) + 1; break; }
    }
    if (r.bernoulli(c.extra_member_per_remoteness * remoteness)) ++members;
    h.members = members;
    h.adults = 1 + r.binomial(members - 1, c.adult_share);
    double age = std::round(c.age_mean + c.age_per_remoteness * remoteness + c.age_sd * r.normal());
    h.head_age = static_cast<int>(std::min(95.0, std::max(18.0, age)));
    double e = r.normal() + c.education_remoteness * remoteness + c.education_age * (h.head_age - 48);
    int edu = 0;
    for (double cut : c.education_cutpoints)
      if (e > cut) ++edu;
    h.head_education = edu;
    double p_other = detail::logistic(-0.3 + 0.9 * (edu - 2.5) - 0.8 * remoteness);
    h.adults_upper_secondary = (edu >= 3 ? 1 : 0) + r.binomial(h.adults - 1, p_other);
    h.farming = r.bernoulli(farming);
    h.z = c.z_remoteness * remoteness + c.z_age * (h.head_age - 48) + c.z_education * (edu - 2.5) +
          c.z_noise * r.normal();
    for (std::size_t b = 0; b < 4; ++b) {
      double p = detail::clamp01(c.bill_rate[b] + c.bill_remoteness[b] * remoteness);
      h.bill[b] = r.bernoulli(p);
    }
    if (h.members == h.adults) h.bill[3] = false;  // school fees only with children
  }

  static bool eligible(const detail::attr_spec& s, const household& h) {
    using detail::among_kind;
    switch (s.among) {
      case among_kind::all: return true;
      case among_kind::bill_electricity: return h.bill[0];
      case among_kind::bill_water: return h.bill[1];
      case among_kind::bill_internet: return h.v[detail::a_internet] > 0;
      case among_kind::bill_cable_tv: return h.bill[2];
      case among_kind::bill_school_fees: return h.bill[3];
      case among_kind::has_car: return h.v[detail::a_car] > 0;
    }
    return true;
  }
  static bool prerequisites_met(const detail::attr_spec& s, const household& h) {
    for (int k : s.requires_all)
      if (h.v[static_cast<std::size_t>(k)] <= 0) return false;
    if (s.requires_any.empty()) return true;
    for (int k : s.requires_any)
      if (h.v[static_cast<std::size_t>(k)] > 0) return true;
    return false;
  }
  static double linear_part(const detail::attr_spec& s, const household& h) {
    double eta = s.loading * h.z;
    for (const auto& [k, b] : s.boosts) {
      bool present = k == detail::feature_farming ? h.farming : h.v[static_cast<std::size_t>(k)] > 0;
      if (present) eta += b;
    }
    return eta;
  }
  static int trials(const detail::attr_spec& s, const household& h) {
    switch (s.per) {
      case detail::per_kind::household: return 1;
      case detail::per_kind::adult: return h.adults;
      case detail::per_kind::member: return h.members;
      case detail::per_kind::aware_member: return std::max(0, h.v[detail::a_aware]);
    }
    return 1;
  }
  /// Draws attribute k of a household whose earlier attributes are set.
  static void draw_attribute(const detail::calibration& c, int k, detail::rng& r, household& h) {
    const auto& s = c.attrs[static_cast<std::size_t>(k)];
    auto& out = h.v[static_cast<std::size_t>(k)];
    if (!eligible(s, h)) { out = -1; return; }
    if (!prerequisites_met(s, h)) { out = 0; return; }
    double p = detail::logistic(s.intercept + linear_part(s, h));
    int n = trials(s, h);
    out = s.per == detail::per_kind::household ? (r.bernoulli(p) ? 1 : 0) : r.binomial(n, p);
  }

  static double business_latent(const detail::calibration& c, detail::rng& r, double remoteness) {
    return c.b_remoteness * remoteness + c.b_noise * r.normal();
  }

  /// Sets every intercept so that a fixed pilot city (the real wards' mix, a fixed seed, 12,000
  /// households and businesses) reproduces the target rates in expectation.
  static detail::calibration calibrate(detail::calibration c) {
    auto units = places::vung_tau();
    std::vector<std::pair<double, double>> mix;  // remoteness, farming per pilot household
    std::vector<double> weights;
    std::vector<detail::ward_params> params;
    for (const auto& u : units.units()) {
      if (u.kind == unit_kind::city) continue;
      auto it = c.wards.find(u.code);
      if (it == c.wards.end())
        throw config_error(location::in_file("synth-calibration.json").in_column("wards").for_unit(u.code), "no remoteness/farming for ward " + u.code);
      params.push_back(it->second);
      weights.push_back(is_missing(u.households) ? 1.0 : u.households);
    }
    const std::size_t n_pilot = 12000;
    auto per_ward = detail::split_total(n_pilot, weights);
    detail::rng r(0x5EED0CA1B2A7E5ULL);
    std::vector<household> pilot;
    std::vector<double> rem;
    pilot.reserve(n_pilot);
    for (std::size_t w = 0; w < params.size(); ++w)
      for (std::uint64_t i = 0; i < per_ward[w]; ++i) {
        household h;
        draw_base(c, r, params[w].remoteness, params[w].farming, h);
        pilot.push_back(h);
        rem.push_back(params[w].remoteness);
      }
    std::vector<double> eta(pilot.size()), wt(pilot.size());
    for (int k = 0; k < detail::attr_count; ++k) {
      auto& s = c.attrs[static_cast<std::size_t>(k)];
      double base = 0;
      for (std::size_t i = 0; i < pilot.size(); ++i) {
        const household& h = pilot[i];
        eta[i] = 0;
        wt[i] = 0;
        if (!eligible(s, h)) continue;
        double n = static_cast<double>(trials(s, h));
        base += n;
        if (!prerequisites_met(s, h)) continue;
        eta[i] = linear_part(s, h);
        wt[i] = n;
      }
      s.intercept = detail::solve_intercept(eta, wt, base, s.rate, std::string("attributes.") + detail::attr_names[static_cast<std::size_t>(k)]);
      for (auto& h : pilot) draw_attribute(c, k, r, h);
    }
    // businesses: type mix of the pilot wards, then each attribute's intercept
    std::vector<int> types;
    std::vector<double> blat, brem;
    for (std::size_t w = 0; w < params.size(); ++w) {
      auto nb = static_cast<std::size_t>(std::llround(static_cast<double>(per_ward[w]) * 1.0));
      for (std::size_t i = 0; i < nb; ++i) {
        types.push_back(draw_type(c, r, params[w].remoteness));
        blat.push_back(business_latent(c, r, params[w].remoteness));
      }
    }
    for (std::size_t k = 0; k < detail::battr_count; ++k) {
      auto& s = c.battrs[k];
      std::vector<double> e, wts;
      double base = 0;
      for (std::size_t i = 0; i < types.size(); ++i) {
        if (s.among_type >= 0 && types[i] != s.among_type) continue;
        e.push_back(blat[i] + s.type_effect[static_cast<std::size_t>(types[i])]);
        wts.push_back(1.0);
        base += 1;
      }
      s.intercept = detail::solve_intercept(e, wts, base, s.rate, std::string("businesses.attributes.") + detail::battr_names[k]);
    }
    return c;
  }

  static int draw_type(const detail::calibration& c, detail::rng& r, double remoteness) {
    std::array<double, 8> w{};
    double total = 0;
    for (std::size_t t = 0; t < 8; ++t) {
      w[t] = c.type_share[t] * std::exp(c.type_remoteness[t] * remoteness);
      total += w[t];
    }
    double u = r.uniform() * total, acc = 0;
    for (std::size_t t = 0; t < 8; ++t) {
      acc += w[t];
      if (u < acc) return static_cast<int>(t);
    }
    return 0;
  }

  // ---- the wards of a city of the requested size --------------------------------------------
  void plan_wards() {
    auto units = places::vung_tau();
    std::vector<ward_plan> real;
    std::vector<double> weights;
    for (const auto& u : units.units()) {
      if (u.kind == unit_kind::city) continue;
      ward_plan p;
      p.code = u.code;
      p.name = u.name;
      p.kind = u.kind;
      p.real = true;
      const auto& wp = cal_.wards.at(u.code);
      p.remoteness = wp.remoteness;
      p.farming = wp.farming;
      p.area_km2 = u.area_km2;
      p.lat = u.lat;
      p.lon = u.lon;
      p.real_households = static_cast<std::uint64_t>(u.households);
      weights.push_back(u.households);
      real.push_back(p);
    }
    std::uint64_t real_total = 0;
    for (const auto& p : real) real_total += p.real_households;
    if (opt_.households <= city_scale_limit) {
      auto counts = detail::split_total(opt_.households, weights);
      for (std::size_t i = 0; i < real.size(); ++i) {
        real[i].households = counts[i];
        // A smaller (or larger) city of the same shape: areas scale with the households, so every
        // ward keeps its real density and the central/remote picture stays that of Vũng Tàu.
        if (real[i].real_households > 0 && opt_.households != real_total)
          real[i].area_km2 = round4(real[i].area_km2 * static_cast<double>(counts[i]) /
                                    static_cast<double>(real[i].real_households));
      }
      wards_ = real;
    } else {
      for (auto& p : real) p.households = p.real_households;
      wards_ = real;
      std::uint64_t extra = opt_.households - real_total;
      std::size_t n = static_cast<std::size_t>((extra + synthetic_ward_households - 1) / synthetic_ward_households);
      std::vector<double> w(n);
      for (std::size_t i = 0; i < n; ++i) w[i] = 0.5 + detail::unit_of(detail::mix(0xA11CE, i));
      auto counts = detail::split_total(extra, w);
      for (std::size_t i = 0; i < n; ++i) {
        ward_plan p;
        p.real = false;
        p.code = i < 10000 ? "9" + detail::padded(i, 4) : "S" + detail::padded(i, 6);
        p.remoteness = std::pow(detail::unit_of(detail::mix(0xB0B, i)), cal_.syn_remoteness_power);
        p.farming = cal_.syn_farming_base + cal_.syn_farming_per_remoteness * p.remoteness;
        p.kind = p.remoteness > 0.6 ? unit_kind::commune : unit_kind::ward;
        p.name = std::string(p.kind == unit_kind::commune ? "Xã" : "Phường") + " Giả lập " + std::to_string(i + 1);
        p.households = counts[i];
        p.real_households = counts[i];
        double density = 9000.0 * std::exp(-4.0 * p.remoteness);  // people per km²
        p.area_km2 = round4(static_cast<double>(counts[i]) * 3.6 / density);
        p.lat = round6(8.6 + 14.8 * detail::unit_of(detail::mix(0xC0DE, 2 * i)));
        p.lon = round6(102.2 + 7.2 * detail::unit_of(detail::mix(0xC0DE, 2 * i + 1)));
        wards_.push_back(p);
      }
    }
    for (std::size_t i = 0; i < wards_.size(); ++i) wards_[i].index = i;
  }

  /// The wards of a place tree (detail/synth_tree.hpp): the tree's counts, areas and units where
  /// it gives them, the documented defaults where it stops.
  void plan_on_tree() {
    tree_ = plan_tree(*opt_.tree, opt_.households, cal_.syn_farming_base, cal_.syn_farming_per_remoteness);
    if (tree_.households < 1)
      throw validation_error(location::in_file(opt_.tree->source()), "the places tree gives no household to generate",
                             "commdx.synth.places");
    for (std::size_t i = 0; i < tree_.wards.size(); ++i) {
      const tree_ward& t = tree_.wards[i];
      ward_plan p;
      take_place(p, t);
      p.index = i;
      p.kind = t.kind;
      p.real = false;
      p.parent = t.parent;
      p.tree_index = i;
      p.remoteness = t.remoteness;
      p.farming = t.farming;
      p.real_households = t.households;
      wards_.push_back(p);
    }
  }

  static double round4(double x) { return std::round(x * 1e4) / 1e4; }
  static double round6(double x) { return std::round(x * 1e6) / 1e6; }
  /// A fixed offset in degrees (±0.006) for a unit's approximate centre, from its code.
  static double offset(const std::string& code, std::uint64_t axis) {
    std::uint64_t h = axis;
    for (char ch : code) h = detail::mix(h, static_cast<unsigned char>(ch));
    return (detail::unit_of(h) - 0.5) * 0.012;
  }
  std::uint64_t stream(const ward_plan& p, std::uint64_t s) const {
    return detail::mix(detail::mix(opt_.seed, p.index), s);
  }

  // ---- structure: neighbourhoods/villages and residential groups (independent of the seed) ----
  void build_structure(ward_data& w) const {
    const ward_plan& p = w.plan;
    if (p.tree_index != SIZE_MAX) {
      build_tree_structure(w, tree_.wards[p.tree_index]);
      return;
    }
    bool commune = p.kind == unit_kind::commune;
    std::size_t n_nb = p.code == "26545" ? 10 : detail::clamp_size(static_cast<double>(p.real_households) / 1300.0, p.real ? 3 : 2, 12);
    std::vector<double> wts(n_nb);
    for (std::size_t k = 0; k < n_nb; ++k) wts[k] = 0.7 + 0.6 * detail::unit_of(detail::mix(detail::mix(0x5EC7, p.index), k));
    auto nb_hh = detail::split_total(p.households, wts);
    std::size_t first_household = 0;
    for (std::size_t k = 0; k < n_nb; ++k) {
      neighbourhood_plan nb;
      std::string num = detail::padded(k + 1, 2);
      nb.code = p.code + (commune ? "-TH" : "-KP") + num;
      nb.name = std::string(commune ? "Thôn " : "Khu phố ") + std::to_string(k + 1);
      nb.kind = commune ? unit_kind::village : unit_kind::neighbourhood;
      nb.households = nb_hh[k];
      nb.first_group = w.groups.size();
      nb.groups = detail::clamp_size(static_cast<double>(nb_hh[k]) / 45.0, 1, 40);
      std::vector<double> gw(nb.groups);
      for (std::size_t g = 0; g < nb.groups; ++g)
        gw[g] = 0.7 + 0.6 * detail::unit_of(detail::mix(detail::mix(0x6A0, p.index * 64 + k), g));
      auto g_hh = detail::split_total(nb_hh[k], gw);
      for (std::size_t g = 0; g < nb.groups; ++g) {
        group_plan gp;
        gp.code = nb.code + "-T" + detail::padded(g + 1, 2);
        gp.name = "Tổ " + std::to_string(g + 1);
        gp.neighbourhood = k;
        gp.households = g_hh[g];
        gp.first_household = first_household;
        first_household += static_cast<std::size_t>(g_hh[g]);
        w.groups.push_back(gp);
      }
      w.neighbourhoods.push_back(nb);
    }
  }

  /// The fields every level of a tree's plan shares (tree_ward / tree_unit into a *_plan).
  template <class Plan, class Tree>
  static void take_place(Plan& p, const Tree& t) {
    p.code = t.code;
    p.name = t.name;
    p.households = t.households;
    p.area_km2 = t.area_km2;
    p.lat = t.lat;
    p.lon = t.lon;
  }

  static void build_tree_structure(ward_data& w, const tree_ward& t) {
    std::size_t first_household = 0;
    for (std::size_t k = 0; k < t.neighbourhoods.size(); ++k) {
      const tree_unit& tn = t.neighbourhoods[k];
      neighbourhood_plan nb;
      take_place(nb, tn);
      nb.kind = tn.kind;
      nb.first_group = w.groups.size();
      nb.groups = tn.below.size();
      for (const tree_unit& tg : tn.below) {
        group_plan gp;
        take_place(gp, tg);
        gp.neighbourhood = k;
        gp.first_household = first_household;
        first_household += static_cast<std::size_t>(tg.households);
        w.groups.push_back(gp);
      }
      w.neighbourhoods.push_back(nb);
    }
  }

  // ---- households --------------------------------------------------------------------------
  void generate_households(ward_data& w) const {
    const ward_plan& p = w.plan;
    detail::rng r(stream(p, 1));
    const auto& c = cal_;
    w.households.reserve(static_cast<std::size_t>(p.households));
    w.group_population.assign(w.groups.size(), 0);
    w.neighbourhood_population.assign(w.neighbourhoods.size(), 0);
    for (std::size_t g = 0; g < w.groups.size(); ++g) {
      for (std::uint64_t i = 0; i < w.groups[g].households; ++i) {
        household h;
        h.number = w.households.size() + 1;
        h.group = g;
        h.neighbourhood = w.groups[g].neighbourhood;
        draw_base(c, r, p.remoteness, p.farming, h);
        for (int k = 0; k < detail::attr_count; ++k) draw_attribute(c, k, r, h);
        if (!p.real) h.v[detail::a_ioc] = 0;  // VungtauIOC is the city's app: unknown outside it
        int children = h.members - h.adults;
        h.smartphones = h.v[detail::a_smartphone] +
                        (h.v[detail::a_smartphone] > 0 ? r.binomial(children, 0.25) : 0);
        // electricity payment method
        if (!h.bill[0]) {
          h.method = 4;
        } else if (h.v[detail::a_pay_el] > 0) {
          bool bank = h.v[detail::a_bank] > 0, wallet = h.v[detail::a_ewallet] > 0;
          double u = r.uniform();
          if (wallet && (!bank || u < 0.3)) h.method = 3;
          else h.method = r.bernoulli(0.25) ? 2 : 1;
        } else {
          h.method = 0;
        }
        for (std::size_t k = 0; k < 8; ++k) {
          if (r.bernoulli(c.op_missing)) { h.opinion[k] = 0; continue; }
          double shift = c.op_shift[k] + (k == 5 && h.farming ? c.op_farming_need_selling : 0.0);
          double x = std::round(3.0 + c.op_loading * h.z + shift + 0.8 * r.normal());
          h.opinion[k] = static_cast<int>(std::min(5.0, std::max(1.0, x)));
        }
        w.population += static_cast<std::uint64_t>(h.members);
        w.group_population[g] += static_cast<std::uint64_t>(h.members);
        w.neighbourhood_population[h.neighbourhood] += static_cast<std::uint64_t>(h.members);
        w.households.push_back(h);
      }
      if (w.groups[g].households > 0) ++w.household_psus;
    }
  }

  // ---- businesses --------------------------------------------------------------------------
  void generate_businesses(ward_data& w) const {
    const ward_plan& p = w.plan;
    detail::rng r(stream(p, 2));
    const auto& c = cal_;
    auto n = static_cast<std::size_t>(std::llround(static_cast<double>(p.households) * c.businesses_per_household));
    if (w.households.empty()) n = 0;
    w.businesses.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      business b;
      b.number = i + 1;
      const household& host = w.households[r.index(w.households.size())];
      b.group = host.group;
      b.neighbourhood = host.neighbourhood;
      b.type = draw_type(c, r, p.remoteness);
      double lat = business_latent(c, r, p.remoteness);
      for (std::size_t k = 0; k < detail::battr_count; ++k) {
        const auto& s = c.battrs[k];
        if (s.among_type >= 0 && b.type != s.among_type) { b.v[k] = -1; continue; }
        double eta = s.intercept + lat + s.type_effect[static_cast<std::size_t>(b.type)];
        b.v[k] = r.bernoulli(detail::logistic(eta)) ? 1 : 0;
      }
      w.businesses.push_back(b);
    }
    // a full count's fpc: the groups holding a business (a full count then has no sampling error)
    std::vector<bool> seen(w.groups.size(), false);
    for (const auto& b : w.businesses)
      if (!seen[b.group]) {
        seen[b.group] = true;
        ++w.business_psus;
      }
  }

  // ---- teams (T1, T3, T4, T5) with deliberate gaps -----------------------------------------
  /// Which gaps this ward carries. Vũng Tàu: the ward team of Phường 12 has no Youth Union IT
  /// members; the last neighbourhood of Phường 11 has no team; Khu phố 2 of Phường 10 and Thôn 10
  /// of Long Sơn were decided after 20 July 2022; a neighbourhood team of Phường Rạch Dừa has
  /// only one Youth Union member. Synthetic wards: the same kinds of gap by a fixed hash.
  struct gaps {
    bool ward_without_youth = false;
    std::size_t no_team = SIZE_MAX, late = SIZE_MAX, thin = SIZE_MAX;
  };
  gaps gaps_of(const ward_data& w) const {
    gaps g;
    const auto& p = w.plan;
    std::size_t n = w.neighbourhoods.size();
    if (p.real) {
      if (p.code == "26542") g.ward_without_youth = true;
      if (p.code == "26539") g.no_team = n - 1;
      if (p.code == "26536") g.late = std::min<std::size_t>(1, n - 1);
      if (p.code == "26545") g.late = n - 1;
      if (p.code == "26535") g.thin = 0;
    } else {
      double u = detail::unit_of(detail::mix(0x6A95, p.index));
      if (u < 0.03) g.ward_without_youth = true;
      if (u > 0.97) g.no_team = n - 1;
      if (u > 0.90 && u <= 0.97) g.late = 0;
      if (u > 0.85 && u <= 0.90) g.thin = 0;
    }
    return g;
  }

  void generate_teams(ward_data& w) const {
    const ward_plan& p = w.plan;
    detail::rng r(stream(p, 3));
    gaps gp = gaps_of(w);
    const std::string office = std::string("UBND ") + p.name;
    const long june20 = detail::parse_date(cal_.start, "outreach.start") + shift_;  // the calendar's first day
    std::size_t decision_no = 30 + r.index(40);
    auto member = [&](const std::string& team_id, std::size_t k, member_role role, affiliation aff,
                      std::vector<std::string> skills, int hours) {
      commdx::member m;
      m.id = "M-" + team_id.substr(2) + "-" + detail::padded(k, 2);
      m.name = detail::person_name(r);
      m.role = role;
      m.affiliation = aff;
      // the roster's invariant: skills sorted, no repeats (teams.hpp `member`)
      std::sort(skills.begin(), skills.end());
      m.skills = std::move(skills);
      m.weekly_hours = hours;
      if (!r.bernoulli(0.1)) m.phone = detail::phone_number(r);
      return m;
    };
    // T1/T3: the Youth Union members are chosen for their IT and smartphone skills
    auto youth_skills = [&]() {
      std::vector<std::string> s{"it", "smartphone"};
      if (r.bernoulli(0.5)) s.push_back("egov");
      if (r.bernoulli(0.4)) s.push_back("e_payment");
      if (r.bernoulli(0.3)) s.push_back("social_media");
      return s;
    };
    // the ward team (T1)
    team wt;
    wt.id = "T-" + p.code;
    wt.level = team_level::ward;
    wt.unit = p.code;
    wt.decided_by = office;
    wt.decision_number = std::to_string(decision_no++) + "/QĐ-UBND";
    wt.decision_date = detail::civil_from_days(june20 + static_cast<long>(r.below(12)));
    std::size_t k = 1;
    wt.members.push_back(member(wt.id, k++, member_role::leader, affiliation::pc_vice_chairman, {"it", "egov"}, 3 + static_cast<int>(r.below(2))));
    wt.members.push_back(member(wt.id, k++, member_role::deputy, affiliation::youth_union_secretary, {"it", "smartphone", "social_media"}, 6 + static_cast<int>(r.below(3))));
    wt.members.push_back(member(wt.id, k++, member_role::member, affiliation::fatherland_front, {"smartphone"}, 2 + static_cast<int>(r.below(2))));
    wt.members.push_back(member(wt.id, k++, member_role::member, affiliation::womens_union, {"smartphone"}, 2 + static_cast<int>(r.below(2))));
    if (!gp.ward_without_youth)
      for (int y = 0; y < 3; ++y) wt.members.push_back(member(wt.id, k++, member_role::member, affiliation::youth_union_member, youth_skills(), 8 + static_cast<int>(r.below(5))));
    if (p.remoteness < 0.5 && r.bernoulli(0.6))
      wt.members.push_back(member(wt.id, k++, member_role::member, affiliation::bank_staff, {"e_payment", "smartphone"}, 2));
    w.teams.push_back(std::move(wt));
    // neighbourhood / village teams (T3, T5)
    // T5: the directive's deadline (team-rules.json); the planted late teams come after it
    const long july20 = detail::parse_date(rule_set::default_deadline(), "deadline") + shift_;
    // a team of `unit` decided in the 18 days before the deadline, or (late) 5-18 days after it
    auto decided = [&](team_level level, const std::string& unit, bool late) {
      team t;
      t.id = "T-" + unit;
      t.level = level;
      t.unit = unit;
      t.decided_by = office;
      t.decision_number = std::to_string(decision_no++) + "/QĐ-UBND";
      long date = july20 - 18 + static_cast<long>(r.below(18));
      if (late) date = july20 + 5 + static_cast<long>(r.below(14));
      t.decision_date = detail::civil_from_days(date);
      return t;
    };
    for (std::size_t n = 0; n < w.neighbourhoods.size(); ++n) {
      const auto& nb = w.neighbourhoods[n];
      if (n == gp.no_team) continue;
      if (nb.code.empty()) {  // groups straight under the ward: a team per group (T4)
        for (std::size_t g = nb.first_group; g < nb.first_group + nb.groups; ++g) {
          team t = decided(team_level::residential_group, w.groups[g].code, n == gp.late);
          k = 1;
          t.members.push_back(member(t.id, k++, member_role::leader, affiliation::group_leader, {"smartphone"}, 3));
          for (int y = 0; y < (n == gp.thin ? 1 : 2); ++y)
            t.members.push_back(member(t.id, k++, member_role::member, affiliation::youth_union_member, youth_skills(), 6 + static_cast<int>(r.below(4))));
          w.teams.push_back(std::move(t));
        }
        continue;
      }
      team t = decided(team_level::neighbourhood, nb.code, n == gp.late);
      k = 1;
      t.members.push_back(member(t.id, k++, member_role::leader, affiliation::executive_board, {"smartphone"}, 3 + static_cast<int>(r.below(3))));
      t.members.push_back(member(t.id, k++, member_role::deputy, affiliation::youth_union_secretary, youth_skills(), 6 + static_cast<int>(r.below(4))));
      int youth = n == gp.thin ? 1 : 3;
      for (int y = 0; y < youth; ++y)
        t.members.push_back(member(t.id, k++, member_role::member, affiliation::youth_union_member, youth_skills(), 8 + static_cast<int>(r.below(6))));
      std::size_t leaders = std::min<std::size_t>(nb.groups, 4);
      for (std::size_t g = 0; g < leaders; ++g)
        t.members.push_back(member(t.id, k++, member_role::member, affiliation::group_leader, r.bernoulli(0.6) ? std::vector<std::string>{"smartphone"} : std::vector<std::string>{}, 2 + static_cast<int>(r.below(3))));
      if (r.bernoulli(0.3 * (1.0 - p.remoteness)))
        t.members.push_back(member(t.id, k++, member_role::member, affiliation::bank_staff, {"e_payment", "smartphone"}, 2));
      w.teams.push_back(std::move(t));
    }
    // T4: where staff suffice, teams down to residential groups (central wards, first neighbourhood)
    if (p.real && p.remoteness == 0.0 && !w.neighbourhoods.empty()) {
      const auto& nb = w.neighbourhoods[0];
      for (std::size_t g = nb.first_group; g < nb.first_group + std::min<std::size_t>(nb.groups, 2); ++g) {
        team t;
        t.id = "T-" + w.groups[g].code;
        t.level = team_level::residential_group;
        t.unit = w.groups[g].code;
        t.decided_by = office;
        t.decision_number = std::to_string(decision_no++) + "/QĐ-UBND";
        t.decision_date = detail::civil_from_days(july20 - 5 + static_cast<long>(r.below(5)));
        k = 1;
        t.members.push_back(member(t.id, k++, member_role::leader, affiliation::group_leader, {"smartphone"}, 3));
        for (int y = 0; y < 2; ++y)
          t.members.push_back(member(t.id, k++, member_role::member, affiliation::youth_union_member, youth_skills(), 6 + static_cast<int>(r.below(4))));
        w.teams.push_back(std::move(t));
      }
    }
  }

  // ---- the survey sample (stratified cluster) ------------------------------------------------
  void draw_sample(ward_data& w) const {
    if (opt_.census) {
      for (std::size_t i = 0; i < w.households.size(); ++i) w.sample.push_back({i, 1.0});
      return;
    }
    detail::rng r(stream(w.plan, 4));
    // PSUs: the groups with households (the fpc of the records counts the same)
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < w.groups.size(); ++i)
      if (w.groups[i].households > 0) idx.push_back(i);
    const std::size_t G = idx.size();
    std::size_t g = std::min(opt_.groups_per_ward, G);
    if (g == 0) return;
    for (std::size_t i = 0; i < g; ++i) std::swap(idx[i], idx[i + r.index(G - i)]);
    std::vector<std::size_t> chosen(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(g));
    std::sort(chosen.begin(), chosen.end());
    double first_stage = static_cast<double>(G) / static_cast<double>(g);
    for (std::size_t gi : chosen) {
      const auto& gp = w.groups[gi];
      auto Ng = static_cast<std::size_t>(gp.households);
      std::size_t m = opt_.households_per_group == 0 ? Ng : std::min(opt_.households_per_group, Ng);
      std::vector<std::size_t> hh(Ng);
      for (std::size_t i = 0; i < Ng; ++i) hh[i] = gp.first_household + i;
      if (m < Ng)
        for (std::size_t i = 0; i < m; ++i) std::swap(hh[i], hh[i + r.index(Ng - i)]);
      hh.resize(m);
      std::sort(hh.begin(), hh.end());
      double weight = m == 0 ? 0 : first_stage * static_cast<double>(Ng) / static_cast<double>(m);
      for (std::size_t h : hh) w.sample.push_back({h, weight});
    }
  }

  // ---- outreach: visits, adoption, the M1 log --------------------------------------------------
  void run_outreach(ward_data& w) const {
    using namespace detail;
    const auto& c = cal_;
    rng r(stream(w.plan, 5));
    w.after = w.households;
    const long first = parse_date(c.first_visit, "outreach.first_visit") + shift_,
               last = parse_date(c.last_visit, "outreach.last_visit") + shift_;
    // field members per neighbourhood team (index by neighbourhood; -1 none)
    std::vector<const team*> team_of(w.neighbourhoods.size(), nullptr);
    std::vector<long> start_of(w.neighbourhoods.size(), first);
    for (const auto& t : w.teams) {
      if (t.level != team_level::neighbourhood) continue;
      for (std::size_t n = 0; n < w.neighbourhoods.size(); ++n)
        if (w.neighbourhoods[n].code == t.unit) {
          team_of[n] = &t;
          start_of[n] = std::max(first, parse_date(t.decision_date, "decision_date") + 7);
        }
    }
    // groups straight under the ward (a neighbourhood without a code): their own teams visit
    std::vector<const team*> group_team(w.groups.size(), nullptr);
    std::vector<long> group_start(w.groups.size(), first);
    for (const auto& t : w.teams) {
      if (t.level != team_level::residential_group) continue;
      for (std::size_t g = 0; g < w.groups.size(); ++g)
        if (w.groups[g].code == t.unit && w.neighbourhoods[w.groups[g].neighbourhood].code.empty()) {
          group_team[g] = &t;
          group_start[g] = std::max(first, parse_date(t.decision_date, "decision_date") + 7);
        }
    }
    const bool city_app = w.plan.real;
    for (std::size_t i = 0; i < w.after.size(); ++i) {
      household& h = w.after[i];
      const bool by_group = group_team[h.group] != nullptr;
      const team* t = by_group ? group_team[h.group] : team_of[h.neighbourhood];
      if (t == nullptr || !r.bernoulli(c.visit_rate)) continue;
      // a field member: anyone but the leader
      const commdx::member& m = t->members[1 + r.index(t->members.size() - 1)];
      long start = std::min(by_group ? group_start[h.group] : start_of[h.neighbourhood], last);
      long date = start + static_cast<long>(r.below(static_cast<std::uint64_t>(last - start + 1)));
      const bool low = low_access(h);
      // R3 for low access, the central catalogue (K1-K10) otherwise (R2)
      std::vector<const outreach_action*> todo;
      std::size_t want = r.bernoulli(c.second_action) ? 2 : 1;
      auto consider = [&](const outreach_action& a) {
        if (todo.size() < want && applicable(a.effect, h, city_app)) todo.push_back(&a);
      };
      if (low) for (const auto& a : low_access_actions) consider(a);
      else for (const auto& a : high_access_actions) consider(a);
      if (r.bernoulli(c.not_home)) {
        w.visits.push_back({i, todo.empty() ? general_guidance : todo[0]->id, m.id, date, "not_home"});
        continue;
      }
      if (todo.empty()) {
        w.visits.push_back({i, general_guidance, m.id, date, "informed"});
      } else {
        for (const outreach_action* a : todo) {
          bool ok = applicable(a->effect, h, city_app) && r.bernoulli(logistic(c.adopt_intercept + c.adopt_loading * h.z));
          if (ok) adopt(a->effect, h, r);
          w.visits.push_back({i, a->id, m.id, date, ok ? "adopted" : "declined"});
        }
      }
      // M1: manual processes seen during the visit
      if (r.bernoulli(c.manual_log_rate)) {
        std::vector<std::pair<const char*, double>> cand;
        if (h.bill[0] && h.v[a_pay_el] == 0) cand.emplace_back("pay_electricity_at_counter", 1);
        if (h.bill[1] && h.v[a_pay_wa] == 0) cand.emplace_back("pay_water_at_counter", 1);
        if (h.bill[3] && h.v[a_pay_sc] == 0) cand.emplace_back("cash_school_fees", 1);
        if (h.v[a_ops] == 0) cand.emplace_back("paper_forms_at_ward_office", 0.25);
        if (h.v[a_bank] == 0) cand.emplace_back("cash_remittance", 2);
        if (h.v[a_health] == 0) cand.emplace_back("paper_health_insurance_book", 0.5);
        if (h.v[a_ecom] == 0) cand.emplace_back("cash_market_shopping", 20);
        std::size_t take = std::min<std::size_t>(cand.size(), 1 + r.index(2));
        for (std::size_t j = 0; j < take; ++j) std::swap(cand[j], cand[j + r.index(cand.size() - j)]);
        for (std::size_t j = 0; j < take; ++j) w.manual.push_back({i, cand[j].first, cand[j].second, date});
      }
    }
  }

  /// A household's value of a survey column as households.csv writes it (NaN where not asked).
  static double column_value(const household& h, const std::string& name) {
    using namespace detail;
    if (name == "adults") return h.adults;
    if (name == "members") return h.members;
    if (name == "smartphones") return h.smartphones;
    if (name == "head_age") return h.head_age;
    if (name == "head_education") return h.head_education;
    if (name == "bank_account") return h.v[a_bank] > 0 ? 1 : 0;
    if (name == "zalo_neighbourhood_group") return h.v[a_zgroup] > 0 ? 1 : 0;
    for (std::size_t k = 0; k < attr_count; ++k)
      if (name == attr_names[k]) return h.v[k] >= 0 ? h.v[k] : missing;
    return missing;
  }

  /// R2/R3 through classify's access rule, on what the survey records of the household; a
  /// household whose access is unknown counts as low (R1: the basic catalogue is the safe one).
  bool low_access(const household& h) const {
    auto cell = [&h](const std::string& name) { return column_value(h, name); };
    auto at = [](const std::string& name) { return location::in_file("synth").in_column(name); };
    return std::string_view(access_of(cell, at, access_).segment) != "high";
  }

  static bool applicable(outreach_effect a, const household& h, bool city_app) {
    using namespace detail;
    bool phone = h.v[a_smartphone] > 0;
    switch (a) {
      case outreach_effect::smartphone: return h.v[a_smartphone] < h.adults;
      case outreach_effect::bank_account: return h.v[a_bank] < h.adults;
      case outreach_effect::pay_electricity: return h.v[a_pay_el] == 0 && (h.v[a_bank] > 0 || h.v[a_ewallet] > 0);
      case outreach_effect::health_book: return phone && h.v[a_health] == 0;
      case outreach_effect::vssid: return phone && h.v[a_vssid] == 0;
      case outreach_effect::vneid: return phone && h.v[a_vneid] == 0;
      case outreach_effect::vungtauioc: return city_app && phone && h.v[a_ioc] == 0;
      case outreach_effect::online_service: return phone && h.v[a_ops] == 0;
      case outreach_effect::zalo_group: return h.v[a_zalo] > 0 && h.v[a_zgroup] == 0;
      case outreach_effect::e_wallet: return phone && h.v[a_ewallet] == 0;
      case outreach_effect::ecommerce: return phone && h.v[a_ecom] == 0;
      case outreach_effect::postmart_voso: return h.v[a_aware] < h.members;
    }
    return false;
  }

  static void adopt(outreach_effect a, household& h, detail::rng& r) {
    using namespace detail;
    switch (a) {
      case outreach_effect::smartphone:
        ++h.v[a_smartphone];
        h.smartphones = std::max(h.smartphones, h.v[a_smartphone]);
        if (h.v[a_zalo] == 0) h.v[a_zalo] = 1;
        if (h.v[a_zgroup] < 0) h.v[a_zgroup] = 0;
        break;
      case outreach_effect::bank_account: ++h.v[a_bank]; break;
      case outreach_effect::pay_electricity:
        h.v[a_pay_el] = 1;
        h.method = h.v[a_bank] > 0 ? (r.bernoulli(0.25) ? 2 : 1) : 3;
        break;
      case outreach_effect::health_book: h.v[a_health] = 1; break;
      case outreach_effect::vssid: h.v[a_vssid] = 1; break;
      case outreach_effect::vneid: h.v[a_vneid] = 1; break;
      case outreach_effect::vungtauioc: h.v[a_ioc] = 1; break;
      case outreach_effect::online_service: h.v[a_ops] = 1; break;
      case outreach_effect::zalo_group: h.v[a_zgroup] = 1; break;
      case outreach_effect::e_wallet: h.v[a_ewallet] = 1; break;
      case outreach_effect::ecommerce: h.v[a_ecom] = 1; break;
      case outreach_effect::postmart_voso: ++h.v[a_aware]; break;
    }
  }

  options opt_;
  access_config access_ = classify_config::defaults().access;
  detail::calibration cal_;
  std::vector<ward_plan> wards_;
  tree_plan tree_;  ///< the place tree's wards (empty for the built-in city)
  long shift_ = 0;  ///< days from the 2022 calendar to the one of options::start
};

// ---- rows: one emitter interface for CSV text and in-memory tables ------------------------------
namespace detail {

/// Appends CSV cells to a line (codes and names never contain commas or quotes; quoted anyway if so).
struct csv_emitter {
  std::string* out;
  bool first = true;
  void sep() {
    if (!first) out->push_back(',');
    first = false;
  }
  void text(const char*, std::string_view s) {
    sep();
    if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
      out->append(s);
      return;
    }
    out->push_back('"');
    for (char ch : s) {
      if (ch == '"') out->push_back('"');
      out->push_back(ch);
    }
    out->push_back('"');
  }
  void integer(const char*, long long v) { sep(); append_int(*out, v); }
  void opt_integer(const char*, long long v, bool present) { sep(); if (present) append_int(*out, v); }
  void real(const char*, double v) {  // missing (a tree without coordinates): an empty cell
    sep();
    if (!std::isnan(v)) append_real(*out, v);
  }
  void end() { out->push_back('\n'); first = true; }
};

/// Collects the header.
struct header_emitter {
  std::vector<std::string> names;
  void text(const char* n, std::string_view) { names.emplace_back(n); }
  void integer(const char* n, long long) { names.emplace_back(n); }
  void opt_integer(const char* n, long long, bool) { names.emplace_back(n); }
  void real(const char* n, double) { names.emplace_back(n); }
  void end() {}
};

/// Builds table columns (text or numeric; missing numbers are NaN).
struct table_emitter {
  std::vector<std::string> names;
  std::vector<bool> is_text;
  std::vector<text_column> texts;
  std::vector<numeric_column> nums;
  std::size_t pos = 0;
  bool started = false;
  void slot(const char* n, bool text) {
    if (!started) {
      names.emplace_back(n);
      is_text.push_back(text);
      texts.emplace_back();
      nums.emplace_back();
    }
  }
  void text(const char* n, std::string_view s) { slot(n, true); texts[pos++].emplace_back(s); }
  void integer(const char* n, long long v) { slot(n, false); nums[pos++].push_back(static_cast<double>(v)); }
  void opt_integer(const char* n, long long v, bool present) {
    slot(n, false);
    nums[pos++].push_back(present ? static_cast<double>(v) : missing);
  }
  void real(const char* n, double v) { slot(n, false); nums[pos++].push_back(v); }
  void end() { pos = 0; started = true; }
  table to_table(const std::string& source) {
    table t(source);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (is_text[i]) t.set(names[i], std::move(texts[i]));
      else t.set(names[i], std::move(nums[i]));
    }
    return t;
  }
};

}  // namespace detail

/// Design columns of a household row.
struct design {
  double weight = 1;
  std::size_t fpc = 0;
  int round = 0;
};

inline std::string household_id(const ward_data& w, const household& h) {
  return "H" + w.plan.code + "-" + detail::padded(h.number, 6);
}

template <class E>
void emit_household(E& e, const ward_data& w, const household& h, const design& d) {
  using namespace detail;
  const auto& g = w.groups[h.group];
  const std::string id = household_id(w, h);
  e.text("household_id", id);
  e.text("ward_code", w.plan.code);
  e.text("neighbourhood_code", w.neighbourhoods[h.neighbourhood].code);
  e.text("group_code", g.code);
  e.integer("members", h.members);
  e.integer("adults", h.adults);
  e.integer("head_age", h.head_age);
  e.integer("head_education", h.head_education);
  e.integer("adults_upper_secondary", h.adults_upper_secondary);
  e.integer("adults_smartphone", h.v[a_smartphone]);
  e.integer("smartphones", h.smartphones);
  e.integer("home_internet", h.v[a_internet]);
  e.integer("adults_bank_account", h.v[a_bank]);
  e.integer("bank_account", h.v[a_bank] > 0 ? 1 : 0);
  e.integer("e_wallet", h.v[a_ewallet]);
  for (int k : {a_pay_el, a_pay_wa, a_pay_in, a_pay_tv, a_pay_sc})
    e.opt_integer(attr_names[static_cast<std::size_t>(k)], h.v[static_cast<std::size_t>(k)], h.v[static_cast<std::size_t>(k)] >= 0);
  e.text("electricity_payment_method", payment_methods[static_cast<std::size_t>(h.method)]);
  for (int k : {a_vssid, a_vneid, a_health, a_ioc, a_pccovid, a_ops, a_aware, a_buy, a_ecom, a_car})
    e.integer(attr_names[static_cast<std::size_t>(k)], h.v[static_cast<std::size_t>(k)]);
  e.opt_integer("car_etc", h.v[a_etc], h.v[a_etc] >= 0);
  e.integer("zalo", h.v[a_zalo]);
  e.integer("zalo_neighbourhood_group", h.v[a_zgroup] > 0 ? 1 : 0);
  e.integer("farming", h.farming ? 1 : 0);
  for (std::size_t k = 0; k < 8; ++k) e.opt_integer(opinion_names[k], h.opinion[k], h.opinion[k] > 0);
  e.text("stratum", w.plan.code);
  e.text("psu", g.code);
  e.real("weight", d.weight);
  e.integer("fpc", static_cast<long long>(d.fpc));
  e.integer("round", d.round);
  e.end();
}

template <class E>
void emit_business(E& e, const ward_data& w, const business& b) {
  using namespace detail;
  std::string id = "B" + w.plan.code + "-" + padded(b.number, 5);
  e.text("business_id", id);
  e.text("ward_code", w.plan.code);
  e.text("neighbourhood_code", w.neighbourhoods[b.neighbourhood].code);
  e.text("group_code", w.groups[b.group].code);
  e.text("type", business_types[static_cast<std::size_t>(b.type)]);
  for (std::size_t k = 0; k < battr_count; ++k) e.opt_integer(battr_names[k], b.v[k], b.v[k] >= 0);
  e.text("stratum", w.plan.code);
  e.text("psu", w.groups[b.group].code);
  e.real("weight", 1.0);
  e.integer("fpc", static_cast<long long>(w.business_psus));
  e.integer("round", 0);
  e.end();
}

template <class E>
void emit_visit(E& e, const ward_data& w, const visit& v) {
  e.text("household_id", household_id(w, w.households[v.household]));
  e.text("action", v.action);
  e.text("member_id", v.member_id);
  e.text("date", detail::civil_from_days(v.date));
  e.text("outcome", v.outcome);
  e.end();
}

template <class E>
void emit_manual(E& e, const ward_data& w, const manual_process& m) {
  const household& h = w.households[m.household];
  e.text("household_id", household_id(w, h));
  e.text("group_code", w.groups[h.group].code);
  e.text("process", m.process);
  e.real("frequency_per_month", m.frequency_per_month);
  e.text("date", detail::civil_from_days(m.date));
  e.end();
}

template <class E>
void emit_place(E& e, const unit& u) {
  e.text("code", u.code);
  e.text("name", u.name);
  e.text("kind", to_string(u.kind));
  e.text("parent", u.parent);
  e.real("area_km2", u.area_km2);
  e.integer("population", static_cast<long long>(u.population));
  e.integer("households", static_cast<long long>(u.households));
  e.real("lat", u.lat);
  e.real("lon", u.lon);
  e.end();
}

template <class E>
void emit_member(E& e, const team& t, const commdx::member& m) {
  std::string skills;
  for (std::size_t i = 0; i < m.skills.size(); ++i) skills += (i ? " " : "") + m.skills[i];
  e.text("team_id", t.id);
  e.text("level", to_string(t.level));
  e.text("unit", t.unit);
  e.text("decided_by", t.decided_by);
  e.text("decision_number", t.decision_number);
  e.text("decision_date", t.decision_date);
  e.text("member_id", m.id);
  e.text("name", m.name);
  e.text("role", to_string(m.role));
  e.text("affiliation", to_string(m.affiliation));
  e.text("skills", skills);
  e.real("weekly_hours", m.weekly_hours);
  e.text("phone", m.phone.value_or(""));
  e.end();
}

/// The record tables of one or more wards, in the order of the files.
inline constexpr std::array<const char*, 6> record_files = {
    "households", "businesses", "sample_households", "followup_households", "visits", "manual_processes"};

/// Emits ward `w`'s rows of record file `f` (index in record_files).
template <class E>
void emit_records(E& e, std::size_t f, const ward_data& w) {
  const std::size_t fpc = w.household_psus;
  switch (f) {
    case 0: for (const auto& h : w.households) emit_household(e, w, h, design{1.0, fpc, 0}); break;
    case 1: for (const auto& b : w.businesses) emit_business(e, w, b); break;
    case 2: for (const auto& s : w.sample) emit_household(e, w, w.households[s.household], design{s.weight, fpc, 0}); break;
    case 3: for (const auto& s : w.sample) emit_household(e, w, w.after[s.household], design{s.weight, fpc, 1}); break;
    case 4: for (const auto& v : w.visits) emit_visit(e, w, v); break;
    case 5: for (const auto& m : w.manual) emit_manual(e, w, m); break;
    default: break;
  }
}

/// Rows ward `w` contributes to record file f.
inline std::size_t record_rows(std::size_t f, const ward_data& w) {
  switch (f) {
    case 0: return w.households.size();
    case 1: return w.businesses.size();
    case 2: case 3: return w.sample.size();
    case 4: return w.visits.size();
    case 5: return w.manual.size();
    default: return 0;
  }
}

/// Column names of record file f (and of places.csv / teams.csv through the other helpers).
inline std::vector<std::string> record_header(std::size_t f) {
  detail::header_emitter h;
  ward_data w;
  w.neighbourhoods.resize(1);
  w.groups.resize(1);
  w.households.resize(1);
  w.after.resize(1);
  w.businesses.resize(1);
  w.sample.push_back({0, 1});
  w.visits.push_back({});
  w.manual.push_back({});
  emit_records(h, f, w);
  // emit_records emits exactly one row for each file here; header_emitter ignores end()
  return h.names;
}

// ---- the whole city in memory -----------------------------------------------------------------
struct city {
  places tree;
  commdx::roster teams;
  table households, businesses, sample, followup, visits, manual_log;
};

/// Generates the whole city in memory (for sizes up to a few hundred thousand households).
inline city make_city(const options& opt) {
  generator gen(opt);
  std::vector<unit> units;
  std::array<detail::table_emitter, 6> em;
  std::vector<team> teams;
  std::vector<std::uint64_t> population;
  for (std::size_t i = 0; i < gen.ward_count(); ++i) {
    ward_data w = gen.ward(i);
    population.push_back(w.population);
    for (auto& u : generator::units_of(w)) units.push_back(std::move(u));
    for (std::size_t f = 0; f < 6; ++f) emit_records(em[f], f, w);
    for (auto& t : w.teams) teams.push_back(std::move(t));
  }
  std::vector<unit> top = gen.top_units(population);
  units.insert(units.begin(), top.begin(), top.end());
  city c;
  c.tree = places::from_units(std::move(units), "synth places");
  if (opt.tree && !opt.tree->vintage().empty()) c.tree = c.tree.with_vintage(opt.tree->vintage());
  c.teams = roster::from_teams(std::move(teams), "teams.json");
  table* out[6] = {&c.households, &c.businesses, &c.sample, &c.followup, &c.visits, &c.manual_log};
  for (std::size_t f = 0; f < 6; ++f) {
    *out[f] = em[f].to_table(std::string(record_files[f]) + ".csv");
    if (out[f]->columns() == 0) {  // no rows at all: still give the columns
      for (const auto& name : record_header(f)) {
        if (name == "household_id" || name.find("_code") != std::string::npos || name == "action" ||
            name == "member_id" || name == "date" || name == "outcome" || name == "process" ||
            name == "type" || name == "business_id" || name == "stratum" || name == "psu" ||
            name == "electricity_payment_method")
          out[f]->set(name, text_column{});
        else
          out[f]->set(name, numeric_column{});
      }
    }
  }
  return c;
}

/// The dates of a campaign starting on `start` (empty: the directive's 2022 calendar): the team
/// deadline and the visits' first and last day, as the generator uses them (options::start).
struct calendar {
  std::string start, deadline, first_visit, last_visit;
};
inline calendar calendar_of(const std::string& start) {
  const auto cal = detail::parse_calibration(shipped_data("synth-calibration.json"), "synth-calibration.json");
  const long base = detail::parse_date(cal.start, "outreach.start");
  const long shift = start.empty() ? 0 : detail::parse_date(start, "start") - base;
  auto at = [shift](const std::string& d, const char* what) { return detail::civil_from_days(detail::parse_date(d, what) + shift); };
  return {detail::civil_from_days(base + shift), at(rule_set::default_deadline(), "deadline"),
          at(cal.first_visit, "outreach.first_visit"), at(cal.last_visit, "outreach.last_visit")};
}

// ---- the ward's registers (K10 channels, K5 events; report/registers.hpp reads them) -------------
inline constexpr const char* channels_file = "channels.csv";
inline constexpr const char* events_file = "events.csv";
inline constexpr const char* channels_header = "unit,kind,name,opened,board_in_group,youth_secretary_in_group,last_post\n";
inline constexpr const char* events_header = "date,ward_code,kind,partner_type,partner,topic,participants\n";

/// One ward's rows of channels.csv and events.csv, on a stream of their own (stream 6 of the
/// ward: the other records are the same with or without them). Remote wards open fewer channels
/// and hold fewer events; a few groups lack the board or the Youth Union secretary, a few channels
/// go quiet, so the report has gaps to name.
inline void emit_registers(const ward_data& w, std::uint64_t seed, const calendar& cal, std::string& channels,
                           std::string& events) {
  detail::rng r(detail::mix(detail::mix(seed, w.plan.index), 6));
  const long start = detail::parse_date(cal.start, "start");
  const long first = detail::parse_date(cal.first_visit, "first_visit");
  const long last = detail::parse_date(cal.last_visit, "last_visit");
  auto day = [&](long from, long to) {
    return detail::civil_from_days(from + static_cast<long>(r.below(static_cast<std::uint64_t>(std::max(1L, to - from + 1)))));
  };
  auto last_post = [&](double p_quiet) { return r.bernoulli(p_quiet) ? std::string() : day(last - 45, last); };
  const double remote = std::clamp(w.plan.remoteness, 0.0, 1.0);
  auto channel = [&](const std::string& unit, const char* kind, const std::string& name, const std::string& opened,
                     const char* board, const char* secretary, const std::string& post) {
    detail::csv_emitter e{&channels};
    e.text("unit", unit);
    e.text("kind", kind);
    e.text("name", name);
    e.text("opened", opened);
    e.text("board_in_group", board);
    e.text("youth_secretary_in_group", secretary);
    e.text("last_post", post);
    e.end();
  };
  if (r.bernoulli(0.95 - 0.25 * remote))
    channel(w.plan.code, "zalo_oa", w.plan.name + " - Chuyển đổi số", day(start, start + 20), "", "", last_post(0.1));
  if (r.bernoulli(0.8 - 0.4 * remote))
    channel(w.plan.code, "fanpage", "Chuyển đổi số " + w.plan.name, day(start, start + 40), "", "", last_post(0.2));
  for (const auto& n : w.neighbourhoods) {
    if (!r.bernoulli(0.9 - 0.3 * remote)) continue;
    const bool board = r.bernoulli(0.9), secretary = r.bernoulli(0.85);
    channel(n.code, "zalo_group", "Zalo " + n.name, day(start + 5, start + 60), board ? "1" : "0", secretary ? "1" : "0",
            last_post(0.15));
  }
  static constexpr const char* banks[] = {"Vietcombank", "BIDV", "Agribank", "VietinBank"};
  static constexpr const char* shops[] = {"Shopee", "Lazada", "Tiki"};
  const std::size_t n_events = r.index(static_cast<std::size_t>(std::lround(4.0 - 2.0 * remote)) + 1);
  for (std::size_t k = 0; k < n_events; ++k) {
    const double u = r.uniform();
    const char* type = u < 0.45 ? "bank" : u < 0.75 ? "ecommerce" : u < 0.9 ? "post" : "telecom";
    const std::string partner = u < 0.45 ? banks[r.index(4)] : u < 0.75 ? shops[r.index(3)]
                                : u < 0.9 ? "Bưu điện (postmart.vn)" : "Viettel (voso.vn)";
    const std::string topic = u < 0.45 ? "Sản phẩm ngân hàng số, mở tài khoản trực tuyến"
                              : u < 0.75 ? "Bán hàng trên sàn thương mại điện tử"
                                         : "Đưa nông sản lên sàn postmart.vn, voso.vn";
    detail::csv_emitter e{&events};
    e.text("date", day(first, last));
    e.text("ward_code", w.plan.code);
    e.text("kind", r.bernoulli(0.7) ? "workshop" : "conference");
    e.text("partner_type", type);
    e.text("partner", partner);
    e.text("topic", topic);
    e.integer("participants", static_cast<long long>(20 + r.below(61)));
    e.end();
  }
}

// ---- streaming writer ---------------------------------------------------------------------------
namespace detail {
/// A buffered output file; errors name the path.
class out_file {
 public:
  explicit out_file(std::string path) : path_(std::move(path)) {
    f_ = std::fopen(path_.c_str(), "wb");
    if (f_ == nullptr) throw input_error(location::in_file(path_), "cannot open file for writing");
    buf_.reserve(1 << 20);
  }
  out_file(const out_file&) = delete;
  out_file& operator=(const out_file&) = delete;
  ~out_file() {
    if (f_ != nullptr) std::fclose(f_);
  }
  std::string& buffer() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= (1u << 20)) flush();
  }
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      throw input_error(location::in_file(path_), "write failed (disk full?)");
    bytes_ += buf_.size();
    buf_.clear();
  }
  std::uint64_t close() {
    flush();
    if (std::fclose(f_) != 0) {
      f_ = nullptr;
      throw input_error(location::in_file(path_), "closing the file failed");
    }
    f_ = nullptr;
    return bytes_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
  std::uint64_t bytes_ = 0;
};

inline std::string header_line(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? "," : "") + names[i];
  return s + "\n";
}

inline void append_json_string(std::string& out, const std::string& s) {
  out += nlohmann::json(s).dump();
}
}  // namespace detail

/// What write() produced: rows and bytes per file.
struct write_summary {
  std::vector<std::pair<std::string, std::uint64_t>> rows, bytes;
  std::uint64_t households = 0, wards = 0, population = 0;
};

/// Receives record tables in chunks instead of CSV (file stem, chunk); used for Parquet.
using chunk_sink = std::function<void(const std::string&, table&&)>;

/// Writes the city to `dir` (which must exist): places.csv, teams.json, teams.csv and, unless a
/// sink takes them, households.csv, businesses.csv, sample_households.csv,
/// followup_households.csv, visits.csv, manual_processes.csv; and the registers channels.csv and
/// events.csv (emit_registers). Memory holds one ward (plus a chunk
/// of at most `chunk_rows` rows per table when a sink is given).
inline write_summary write(const std::string& dir, const options& opt, const chunk_sink& sink = nullptr,
                           std::size_t chunk_rows = 200000) {
  generator gen(opt);
  std::string base = dir.empty() ? std::string(".") : dir;
  if (base.back() != '/') base += '/';
  write_summary sum;
  detail::out_file places_body(base + "places.csv.part");
  detail::out_file teams_json(base + "teams.json");
  detail::out_file teams_csv(base + "teams.csv");
  std::vector<std::unique_ptr<detail::out_file>> rec;
  std::array<std::uint64_t, 6> rec_rows{};
  std::uint64_t place_rows = 0, member_rows = 0;
  if (!sink)
    for (std::size_t f = 0; f < 6; ++f) {
      rec.push_back(std::make_unique<detail::out_file>(base + record_files[f] + ".csv"));
      rec.back()->buffer() += detail::header_line(record_header(f));
    }
  std::array<detail::table_emitter, 6> chunks;
  std::array<std::size_t, 6> chunk_count{};
  auto flush_chunk = [&](std::size_t f) {
    if (chunk_count[f] == 0) return;
    sink(record_files[f], chunks[f].to_table(record_files[f]));
    chunks[f] = detail::table_emitter{};
    chunk_count[f] = 0;
  };
  {
    detail::header_emitter h;
    emit_member(h, team{}, commdx::member{});
    teams_csv.buffer() += detail::header_line(h.names);
  }
  teams_json.buffer() += "{\"teams\": [";
  bool first_team = true;
  const calendar cal = calendar_of(opt.start);
  std::string channels_csv = channels_header, events_csv = events_header;
  std::vector<std::uint64_t> ward_population;
  for (std::size_t i = 0; i < gen.ward_count(); ++i) {
    ward_data w = gen.ward(i);
    sum.population += w.population;
    ward_population.push_back(w.population);
    sum.households += w.households.size();
    ++sum.wards;
    {
      detail::csv_emitter e{&places_body.buffer()};
      for (const auto& u : generator::units_of(w)) {
        emit_place(e, u);
        ++place_rows;
      }
      places_body.maybe_flush();
    }
    // each ward's teams through the roster type (validated as the plan will read them), written
    // as roster::to_json would write them, one team a line
    const roster ward_roster = roster::from_teams(std::move(w.teams), "teams.json");
    for (const auto& t : ward_roster.teams()) {
      teams_json.buffer() += first_team ? "\n" : ",\n";
      first_team = false;
      teams_json.buffer() += commdx::to_json(t).dump();
      detail::csv_emitter e{&teams_csv.buffer()};
      for (const auto& m : t.members) {
        emit_member(e, t, m);
        ++member_rows;
      }
    }
    teams_json.maybe_flush();
    teams_csv.maybe_flush();
    emit_registers(w, opt.seed, cal, channels_csv, events_csv);
    for (std::size_t f = 0; f < 6; ++f) {
      rec_rows[f] += record_rows(f, w);
      if (sink) {
        chunk_count[f] += record_rows(f, w);
        emit_records(chunks[f], f, w);
        if (chunk_count[f] >= chunk_rows) flush_chunk(f);
      } else {
        detail::csv_emitter e{&rec[f]->buffer()};
        emit_records(e, f, w);
        rec[f]->maybe_flush();
      }
    }
  }
  if (sink)
    for (std::size_t f = 0; f < 6; ++f) flush_chunk(f);
  teams_json.buffer() += "\n]}\n";
  // places.csv: header, the city (its population known only now), then the wards' rows
  places_body.close();
  {
    detail::out_file places_csv(base + "places.csv");
    detail::header_emitter h;
    // only the column names are read, but emit_place casts the counts to integers: a default
    // unit's missing (NaN) counts would make that cast undefined (clang's UBSan reports it)
    unit header_only;
    header_only.population = 0;
    header_only.households = 0;
    emit_place(h, header_only);
    places_csv.buffer() += detail::header_line(h.names);
    detail::csv_emitter e{&places_csv.buffer()};
    for (const auto& u : gen.top_units(ward_population)) {
      emit_place(e, u);
      ++place_rows;
    }
    std::FILE* in = std::fopen((base + "places.csv.part").c_str(), "rb");
    if (in == nullptr) throw input_error(location::in_file(base + "places.csv.part"), "cannot reopen");
    std::string chunk(1 << 20, '\0');
    std::size_t got;
    while ((got = std::fread(chunk.data(), 1, chunk.size(), in)) > 0) {
      places_csv.buffer().append(chunk.data(), got);
      places_csv.maybe_flush();
    }
    std::fclose(in);
    std::remove((base + "places.csv.part").c_str());
    sum.bytes.emplace_back("places.csv", places_csv.close());
  }
  sum.rows.emplace_back("places.csv", place_rows);
  for (const auto& [name, text] : {std::pair<const char*, std::string*>{channels_file, &channels_csv},
                                   std::pair<const char*, std::string*>{events_file, &events_csv}}) {
    detail::out_file f(base + name);
    f.buffer() += *text;
    sum.bytes.emplace_back(name, f.close());
    sum.rows.emplace_back(name, static_cast<std::uint64_t>(std::count(text->begin(), text->end(), '\n') - 1));
  }
  sum.bytes.emplace_back("teams.json", teams_json.close());
  sum.bytes.emplace_back("teams.csv", teams_csv.close());
  sum.rows.emplace_back("teams.csv", member_rows);
  for (std::size_t f = 0; f < 6; ++f) {
    std::string name = std::string(record_files[f]) + (sink ? "" : ".csv");
    sum.rows.emplace_back(name, rec_rows[f]);
    if (!sink) sum.bytes.emplace_back(name, rec[f]->close());
  }
  return sum;
}

}  // namespace commdx::synth
