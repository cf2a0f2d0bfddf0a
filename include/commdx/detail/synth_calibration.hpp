#pragma once
// Internals of synth.hpp: the calibration read from python/commdx/data/synth-calibration.json and
// the attribute catalogue of synthetic households and businesses.
#include <array>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"
#include "commdx/io/json.hpp"

namespace commdx::synth::detail {

/// Calibrated household attributes, in the order they are drawn (each may depend on earlier ones).
enum attr : int {
  a_smartphone, a_internet, a_bank, a_ewallet, a_pay_el, a_pay_wa, a_pay_in, a_pay_tv, a_pay_sc,
  a_vssid, a_vneid, a_health, a_ioc, a_pccovid, a_ops, a_aware, a_buy, a_ecom, a_car, a_etc,
  a_zalo, a_zgroup, attr_count
};
/// A boost may also name the household's farming flag.
inline constexpr int feature_farming = attr_count;

inline constexpr std::array<const char*, attr_count> attr_names = {
    "adults_smartphone", "home_internet", "adults_bank_account", "e_wallet",
    "pay_online_electricity", "pay_online_water", "pay_online_internet", "pay_online_cable_tv",
    "pay_online_school_fees", "app_vssid", "app_vneid", "app_health_book", "app_vungtauioc",
    "app_pc_covid", "online_public_service", "members_aware_postmart_voso",
    "members_buy_postmart_voso", "ecommerce_buy", "has_car", "car_etc", "zalo",
    "zalo_neighbourhood_group"};

enum class per_kind { household, adult, member, aware_member };
/// Which households a question applies to (others get an empty cell).
enum class among_kind { all, bill_electricity, bill_water, bill_internet, bill_cable_tv, bill_school_fees, has_car };

struct attr_spec {
  per_kind per = per_kind::household;
  among_kind among = among_kind::all;
  std::vector<int> requires_all, requires_any;
  double loading{};  ///< synth-calibration.json (1 when the file gives none)
  std::vector<std::pair<int, double>> boosts;
  double rate{}, tolerance{};  ///< synth-calibration.json
  double intercept = 0.0;  ///< set by calibration against a pilot city
};

inline constexpr std::array<const char*, 8> business_types = {
    "shop", "eatery", "shopping_centre", "market_stall", "lodging", "convenience_store",
    "enterprise", "farming_household"};
inline constexpr int type_enterprise = 6, type_farming = 7;

enum battr : int { b_qr, b_transfer, b_card, b_einvoice, b_website, b_online, b_listed, battr_count };
inline constexpr std::array<const char*, battr_count> battr_names = {
    "accepts_qr", "accepts_bank_transfer", "accepts_card", "e_invoice", "website", "sells_online",
    "listed_postmart_voso"};

struct battr_spec {
  int among_type = -1;  ///< -1 every business, else only that type (others: empty cell)
  std::array<double, 8> type_effect{};
  double rate{}, tolerance{}, intercept = 0.0;  ///< rate, tolerance: synth-calibration.json
};

inline constexpr std::array<const char*, 8> opinion_names = {
    "conv_egov", "need_egov", "conv_shopping", "need_shopping", "conv_selling", "need_selling",
    "conv_payment", "need_payment"};

struct ward_params {
  double remoteness = 0, farming = 0;
};

// Every value comes from synth-calibration.json (parse_calibration requires each one): no default
// here, so that no figure is written twice.
struct calibration {
  std::map<std::string, ward_params> wards;
  double syn_remoteness_power{}, syn_farming_base{}, syn_farming_per_remoteness{};
  // latent digital access
  double z_remoteness{}, z_age{}, z_education{}, z_noise{};
  // households
  std::vector<double> members_distribution;
  double extra_member_per_remoteness{}, adult_share{};
  double age_mean{}, age_sd{}, age_per_remoteness{};
  std::vector<double> education_cutpoints;
  double education_remoteness{}, education_age{};
  // bills: electricity, water, cable TV, school fees (internet = home_internet)
  std::array<double, 4> bill_rate{}, bill_remoteness{};
  std::array<attr_spec, attr_count> attrs;
  // opinions
  double op_loading = 0.5, op_missing = 0.08, op_farming_need_selling = 1.2;
  std::array<double, 8> op_shift{};
  // businesses
  double businesses_per_household = 0.11;
  std::array<double, 8> type_share{}, type_remoteness{};
  double b_remoteness = -1.0, b_noise = 0.9;
  std::array<battr_spec, battr_count> battrs;
  // outreach
  double visit_rate = 0.6, second_action = 0.5, not_home = 0.1, adopt_intercept = 0.2,
         adopt_loading = 0.5, manual_log_rate = 0.6;
  std::string start, first_visit, last_visit;  ///< the calendar (synth-calibration.json "outreach")
};

inline int attr_index(const std::string& name, const location& where) {
  if (name == "farming") return feature_farming;
  for (int i = 0; i < attr_count; ++i)
    if (name == attr_names[static_cast<std::size_t>(i)]) return i;
  throw config_error(where, "unknown household attribute '" + name + "'");
}

inline int type_index(const std::string& name, const location& where) {
  for (std::size_t i = 0; i < business_types.size(); ++i)
    if (name == business_types[i]) return static_cast<int>(i);
  throw config_error(where, "unknown business type '" + name + "'");
}

/// Reads the calibration JSON; every attribute of the catalogue must be present.
inline calibration parse_calibration(std::string_view text, const std::string& source) try {
  using nlohmann::json;
  json j = io::parse_json(text, source);
  calibration c;
  auto at = [&](const json& obj, const char* key, const std::string& path) -> const json& {
    if (!obj.is_object() || !obj.contains(key))
      throw config_error(location::in_file(source).in_column(path + key), "missing field");
    return obj.at(key);
  };
  auto num = [&](const json& obj, const char* key, const std::string& path) {
    const json& v = at(obj, key, path);
    if (!v.is_number()) throw config_error(location::in_file(source).in_column(path + key), "expected a number");
    return v.get<double>();
  };
  auto num_or = [&](const json& obj, const char* key, double dflt, const std::string& path) {
    if (!obj.contains(key)) return dflt;
    return num(obj, key, path);
  };
  for (const auto& [code, w] : at(j, "wards", "").items())
    c.wards[code] = ward_params{num(w, "remoteness", "wards." + code + "."), num(w, "farming", "wards." + code + ".")};
  const json& sw = at(j, "synthetic_wards", "");
  c.syn_remoteness_power = num(sw, "remoteness_power", "synthetic_wards.");
  c.syn_farming_base = num(sw, "farming_base", "synthetic_wards.");
  c.syn_farming_per_remoteness = num(sw, "farming_per_remoteness", "synthetic_wards.");
  const json& lt = at(j, "latent", "");
  c.z_remoteness = num(lt, "remoteness", "latent.");
  c.z_age = num(lt, "age_per_year", "latent.");
  c.z_education = num(lt, "education", "latent.");
  c.z_noise = num(lt, "noise_sd", "latent.");
  const json& hh = at(j, "household", "");
  c.members_distribution = at(hh, "members_distribution", "household.").get<std::vector<double>>();
  c.extra_member_per_remoteness = num(hh, "extra_member_per_remoteness", "household.");
  c.adult_share = num(hh, "adult_share_of_others", "household.");
  c.age_mean = num(hh, "head_age_mean", "household.");
  c.age_sd = num(hh, "head_age_sd", "household.");
  c.age_per_remoteness = num(hh, "head_age_per_remoteness", "household.");
  c.education_cutpoints = at(hh, "education_cutpoints", "household.").get<std::vector<double>>();
  c.education_remoteness = num(hh, "education_remoteness", "household.");
  c.education_age = num(hh, "education_age_per_year", "household.");
  if (c.education_cutpoints.size() != 5)
    throw config_error(location::in_file(source).in_column("household.education_cutpoints"), "expected 5 cut points (6 levels)");
  if (c.members_distribution.empty())
    throw config_error(location::in_file(source).in_column("household.members_distribution"), "empty distribution");
  const json& bills = at(j, "bills", "");
  const char* bill_keys[4] = {"electricity", "water", "cable_tv", "school_fees"};
  for (std::size_t b = 0; b < 4; ++b) {
    const json& bj = at(bills, bill_keys[b], "bills.");
    std::string p = std::string("bills.") + bill_keys[b] + ".";
    c.bill_rate[b] = num(bj, "rate", p);
    c.bill_remoteness[b] = num_or(bj, "remoteness", 0.0, p);
  }
  const json& attrs = at(j, "attributes", "");
  for (int i = 0; i < attr_count; ++i) {
    const char* name = attr_names[static_cast<std::size_t>(i)];
    std::string p = std::string("attributes.") + name + ".";
    location where = location::in_file(source).in_column("attributes." + std::string(name));
    const json& a = at(attrs, name, "attributes.");
    attr_spec& s = c.attrs[static_cast<std::size_t>(i)];
    std::string per = at(a, "per", p).get<std::string>();
    if (per == "household") s.per = per_kind::household;
    else if (per == "adult") s.per = per_kind::adult;
    else if (per == "member") s.per = per_kind::member;
    else if (per == "aware_member") s.per = per_kind::aware_member;
    else throw config_error(where, "'per' must be household, adult, member or aware_member");
    if (a.contains("among")) {
      std::string am = a.at("among").get<std::string>();
      static const std::pair<const char*, among_kind> ams[] = {
          {"bill_electricity", among_kind::bill_electricity}, {"bill_water", among_kind::bill_water},
          {"bill_internet", among_kind::bill_internet}, {"bill_cable_tv", among_kind::bill_cable_tv},
          {"bill_school_fees", among_kind::bill_school_fees}, {"has_car", among_kind::has_car}};
      bool found = false;
      for (const auto& [k, v] : ams)
        if (am == k) { s.among = v; found = true; }
      if (!found) throw config_error(where, "unknown 'among' value '" + am + "'");
    }
    auto names_before = [&](const char* key, std::vector<int>& out) {
      if (!a.contains(key)) return;
      for (const auto& n : a.at(key)) {
        int k = attr_index(n.get<std::string>(), where);
        if (k >= i) throw config_error(where, std::string(key) + " must name an earlier attribute, got '" + n.get<std::string>() + "'");
        out.push_back(k);
      }
    };
    names_before("requires", s.requires_all);
    names_before("requires_any", s.requires_any);
    s.loading = num_or(a, "loading", 1.0, p);
    if (a.contains("boost"))
      for (const auto& [k, v] : a.at("boost").items()) {
        int idx = attr_index(k, where);
        if (idx >= i && idx != feature_farming) throw config_error(where, "a boost must name an earlier attribute or 'farming', got '" + k + "'");
        s.boosts.emplace_back(idx, v.get<double>());
      }
    s.rate = num(a, "rate", p);
    s.tolerance = num(a, "tolerance", p);
    if (!(s.rate > 0 && s.rate < 1)) throw config_error(where, "rate must lie strictly between 0 and 1");
  }
  const json& op = at(j, "opinions", "");
  c.op_loading = num(op, "loading", "opinions.");
  c.op_missing = num(op, "missing", "opinions.");
  c.op_farming_need_selling = num(op, "farming_need_selling", "opinions.");
  for (std::size_t k = 0; k < 8; ++k) c.op_shift[k] = num(at(op, "shift", "opinions."), opinion_names[k], "opinions.shift.");
  const json& bz = at(j, "businesses", "");
  c.businesses_per_household = num(bz, "per_household", "businesses.");
  for (std::size_t t = 0; t < 8; ++t) {
    const json& tj = at(at(bz, "types", "businesses."), business_types[t], "businesses.types.");
    std::string p = std::string("businesses.types.") + business_types[t] + ".";
    c.type_share[t] = num(tj, "share", p);
    c.type_remoteness[t] = num_or(tj, "remoteness", 0.0, p);
  }
  c.b_remoteness = num(at(bz, "latent", "businesses."), "remoteness", "businesses.latent.");
  c.b_noise = num(at(bz, "latent", "businesses."), "noise_sd", "businesses.latent.");
  for (std::size_t k = 0; k < battr_count; ++k) {
    std::string p = std::string("businesses.attributes.") + battr_names[k] + ".";
    location where = location::in_file(source).in_column(p);
    const json& a = at(at(bz, "attributes", "businesses."), battr_names[k], "businesses.attributes.");
    battr_spec& s = c.battrs[k];
    if (a.contains("among")) s.among_type = type_index(a.at("among").get<std::string>(), where);
    if (a.contains("type_effect"))
      for (const auto& [t, v] : a.at("type_effect").items())
        s.type_effect[static_cast<std::size_t>(type_index(t, where))] = v.get<double>();
    s.rate = num(a, "rate", p);
    s.tolerance = num(a, "tolerance", p);
    if (!(s.rate > 0 && s.rate < 1)) throw config_error(where, "rate must lie strictly between 0 and 1");
  }
  const json& out = at(j, "outreach", "");
  c.visit_rate = num(out, "visit_rate", "outreach.");
  c.second_action = num(out, "second_action", "outreach.");
  c.not_home = num(out, "not_home", "outreach.");
  c.adopt_intercept = num(out, "adopt_intercept", "outreach.");
  c.adopt_loading = num(out, "adopt_loading", "outreach.");
  c.manual_log_rate = num(out, "manual_log_rate", "outreach.");
  c.start = at(out, "start", "outreach.").get<std::string>();
  c.first_visit = at(out, "first_visit", "outreach.").get<std::string>();
  c.last_visit = at(out, "last_visit", "outreach.").get<std::string>();
  return c;
} catch (const nlohmann::json::exception& e) {
  io::rethrow_config_error(e, source);
}

/// Intercept a such that the mean over the pilot of weight_i * logistic(a + eta_i) equals
/// target * sum(base_i); bisection (the mean is increasing in a). Entries with weight 0 count in
/// the base but can never be 1 (a prerequisite is missing); an unreachable target is an error.
inline double solve_intercept(const std::vector<double>& eta, const std::vector<double>& weight,
                              double base, double target, const std::string& name) {
  double reachable = 0;
  for (double w : weight) reachable += w;
  if (base <= 0 || reachable < target * base * 1.0001)
    throw config_error(location::in_file("synth-calibration.json").in_column(name),
                       "target rate cannot be reached: only " + std::to_string(base > 0 ? reachable / base : 0.0) +
                           " of the base meets the prerequisites");
  double lo = -15, hi = 15;
  for (int it = 0; it < 40; ++it) {
    double mid = 0.5 * (lo + hi), s = 0;
    for (std::size_t i = 0; i < eta.size(); ++i)
      if (weight[i] > 0) s += weight[i] / (1.0 + std::exp(-(mid + eta[i])));
    if (s < target * base) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace commdx::synth::detail
