#pragma once
// T6, C1, K1–K10, R1–R4: prioritised outreach plans. From the campaign catalogue (shipped
// campaigns.json or a city's copy), the roster, the households and businesses tables, the area
// classes and access segments, optional indicator estimates with targets and an optional visit log,
// build: area priorities tagged with a problem type, a visit list, an assignment of visits to
// members within their hours, a week-by-week schedule, and the expected indicators at the deadline
// against their targets with the gaps no plan within these hours can close. docs/plan.md explains
// the model; detail/plan_solver.hpp the optimisation and its optimality bound.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/classify.hpp"
#include "commdx/data.hpp"
#include "commdx/detail/plan_solver.hpp"
#include "commdx/detail/plan_util.hpp"
#include "commdx/error.hpp"
#include "commdx/indicators.hpp"
#include "commdx/io/json.hpp"
#include "commdx/table.hpp"
#include "commdx/io/json_table.hpp"
#include "commdx/teams.hpp"

namespace commdx {

/// One door-to-door action of the catalogue (a campaign item K*/R3 may have several).
struct campaign_action {
  std::string id, campaign, target;  ///< target: "households" or "businesses"
  std::vector<std::string> business_types, segments;
  /// Where the action applies (campaigns.json "places"): codes of units of any level; a household
  /// or business qualifies when its ward, neighbourhood or group, or a unit above them in the
  /// places tree (plan_inputs::unit_parents), is one of them. Empty: everywhere.
  std::vector<std::string> places;
  std::string title_vi, title_en;
  nlohmann::json eligible, requires;
  /// "follows" (R3): the action may also be offered where `follows_eligible` holds (and
  /// `eligible` does not), in the same visit as, and after, the action `follows` names: its minutes
  /// add to that visit's and its success counts only with that action's (the app installed on the
  /// phone the household has just learned to use). Empty: no such offer.
  std::string follows;
  nlohmann::json follows_eligible;
  double minutes = 10, alpha = 1, beta = 1;
  struct move { std::string indicator; bool all = false; };
  std::vector<move> moves;
  double prior_mean() const { return alpha / (alpha + beta); }
};

/// An indicator the plan follows: its definition and target from the one indicator catalogue
/// (indicators.json: records, numerator, denominator, where, target), and the priority weight the
/// campaign catalogue gives it ("indicator_weights").
struct plan_indicator_rule {
  indicator definition;
  double weight = 1.0;
};

/// The visit log's words beside the action ids (campaigns.json "visit_log").
struct visit_log_vocabulary {
  std::vector<std::string> contact_actions;       ///< visits without a catalogue action
  std::vector<std::string> success, failure, no_attempt;  ///< outcomes
};

/// The campaign catalogue (python/commdx/data/campaigns.json is the shipped one).
struct campaign_catalogue {
  nlohmann::json raw;
  double travel_minutes{}, setup_minutes{}, session_minutes{};  ///< campaigns.json "visit" (the shipped one's when absent)
  /// The campaign's default period (campaigns.json "period"), YYYY-MM-DD: what a plan runs over
  /// when it is given no start and deadline.
  std::string period_start, period_end;
  visit_log_vocabulary visit_log;
  std::vector<campaign_action> actions;
  std::map<std::string, plan_indicator_rule> indicators;  ///< by id: "indicator_weights" resolved in the indicator catalogue

  /// `indicators` is the indicator catalogue the ids of "indicator_weights" and of the actions'
  /// "moves" refer to (default: the shipped indicators.json).
  static campaign_catalogue from_json(const nlohmann::json& j, const std::string& source = "<json>",
                                      const indicator_catalogue& indicators = indicator_catalogue::builtin()) try {
    campaign_catalogue c;
    c.raw = j;
    location where = location::in_file(source);
    {
      // a city's catalogue without its own visit minutes uses the shipped ones (written once there)
      static const nlohmann::json shipped_visit =
          io::parse_json(shipped_data("campaigns.json"), "campaigns.json").at("visit");
      const auto& v = j.contains("visit") ? j.at("visit") : shipped_visit;
      c.travel_minutes = v.value("travel_minutes", shipped_visit.at("travel_minutes").get<double>());
      c.setup_minutes = v.value("setup_minutes", shipped_visit.at("setup_minutes").get<double>());
      c.session_minutes = v.value("session_minutes", shipped_visit.at("session_minutes").get<double>());
    }
    if (j.contains("period")) {
      const auto& p = j.at("period");
      const location period = location::in_file(source).in_column("/period");
      location pw = io::json_child(period, "start");
      c.period_start = io::get_as<std::string>(p, "start", period);
      detail::civil_date_or_throw(c.period_start, pw);
      pw = io::json_child(period, "end");
      c.period_end = io::get_as<std::string>(p, "end", period);
      if (detail::civil_date_or_throw(c.period_end, pw) <= detail::civil_date_or_throw(c.period_start, pw))
        throw config_error(pw, "the period must end after it starts");
    }
    {
      // a city's catalogue without its own visit-log words uses the shipped ones
      auto section = [&j](const char* k) {
        return j.contains(k) ? j.at(k) : io::parse_json(shipped_data("campaigns.json"), "campaigns.json").at(k);
      };
      const nlohmann::json v = section("visit_log");
      auto words = [&](const char* k) { return v.value(k, std::vector<std::string>{}); };
      c.visit_log = {words("contact_actions"), words("success"), words("failure"), words("no_attempt")};
    }
    const auto& acts = io::require(j, "actions", where);
    std::size_t row = 0;
    std::set<std::string> ids;
    for (const auto& a : acts) {
      ++row;
      location w = location::in_file(source).at_row(row).in_column("actions");
      campaign_action x;
      x.id = io::get_as<std::string>(a, "id", io::json_child(location::in_file(source).in_column("/actions"), std::to_string(row - 1)).at_row(row));
      w.unit = x.id;
      if (!ids.insert(x.id).second) throw config_error(w, "duplicate action id");
      x.campaign = a.value("campaign", "");
      x.target = a.value("target", "households");
      if (x.target != "households" && x.target != "businesses")
        throw config_error(w, "target must be 'households' or 'businesses', not '" + x.target + "'");
      x.business_types = a.value("business_types", std::vector<std::string>{});
      x.segments = a.value("segments", std::vector<std::string>{"central/high", "central/low", "remote/high", "remote/low"});
      x.places = a.value("places", std::vector<std::string>{});
      x.title_vi = a.value("title_vi", x.id);
      x.title_en = a.value("title_en", x.id);
      x.eligible = a.value("eligible", nlohmann::json::object());
      x.requires = a.value("requires", nlohmann::json::array());
      if (a.contains("follows")) {
        const auto& f = a.at("follows");
        if (!f.is_object() || !f.contains("action") || !f.at("action").is_string())
          throw config_error(w, "'follows' must be an object {\"action\": id, \"eligible\": predicate}");
        x.follows = f.at("action").get<std::string>();
        x.follows_eligible = f.value("eligible", nlohmann::json::object());
      }
      x.minutes = a.value("minutes", 10.0);
      if (!(x.minutes > 0)) throw config_error(w, "minutes must be positive");
      if (a.contains("prior")) {
        x.alpha = a.at("prior").value("alpha", 1.0);
        x.beta = a.at("prior").value("beta", 1.0);
      }
      if (!(x.alpha > 0 && x.beta > 0)) throw config_error(w, "prior alpha and beta must be positive");
      for (const auto& m : a.value("moves", nlohmann::json::array()))
        x.moves.push_back({m.at("indicator").get<std::string>(), m.value("gain", "one") == std::string("all")});
      c.actions.push_back(std::move(x));
    }
    if (j.contains("indicators"))
      throw config_error(location::in_file(source).in_column("/indicators"),
                         "a campaign catalogue defines no indicators: list the ids of the indicator catalogue (" +
                             indicators.source() + ") the plan follows, with their weights, in \"indicator_weights\"");
    if (j.contains("indicator_weights")) {
      const location at = location::in_file(source).in_column("/indicator_weights");
      const auto& w = j.at("indicator_weights");
      if (!w.is_object()) throw config_error(at, "expected an object {indicator id: weight}");
      for (auto it = w.begin(); it != w.end(); ++it) {
        const location here = io::json_child(at, it.key()).for_unit(it.key());
        const indicator* def = nullptr;
        for (const auto& i : indicators.indicators())
          if (i.id == it.key()) def = &i;
        if (def == nullptr)
          throw config_error(here, "indicator '" + it.key() + "' is not in the indicator catalogue (" + indicators.source() + ")");
        if (def->records != "households" && def->records != "businesses")
          throw config_error(here, "indicator '" + it.key() + "' is computed on '" + def->records +
                                       "' records; the plan follows households and businesses");
        if (def->statistic != indicator_statistic::proportion)
          throw config_error(here, "indicator '" + it.key() + "' is a " + to_string(def->statistic) +
                                       "; the plan follows shares (statistic proportion) that a visit can raise");
        if (!it.value().is_number() || !std::isfinite(it.value().get<double>()) || it.value().get<double>() < 0)
          throw config_error(here, "a weight must be a finite number >= 0");
        c.indicators.emplace(it.key(), plan_indicator_rule{*def, it.value().get<double>()});
      }
    }
    for (const auto& a : c.actions) {
      if (a.follows.empty()) continue;
      const location w = location::in_file(source).in_column("follows").for_unit(a.id);
      const campaign_action* b = c.find(a.follows);
      if (b == nullptr) throw config_error(w, "the action follows '" + a.follows + "', which is not an action of the catalogue");
      if (b == &a) throw config_error(w, "an action cannot follow itself");
      if (!b->follows.empty())
        throw config_error(w, "the action follows '" + a.follows + "', which itself follows '" + b->follows + "': one step only");
      if (b->target != a.target) throw config_error(w, "the action follows '" + a.follows + "', which is for " + b->target);
    }
    for (const auto& a : c.actions)
      for (const auto& m : a.moves)
        if (!c.indicators.count(m.indicator))
          throw config_error(location::in_file(source).in_column("moves").for_unit(a.id),
                             "the action moves indicator '" + m.indicator + "', which \"indicator_weights\" does not list");
    return c;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }
  static campaign_catalogue shipped() {
    return from_json(io::parse_json(shipped_data("campaigns.json"), "campaigns.json"), "campaigns.json");
  }
  const campaign_action* find(const std::string& id) const {
    for (const auto& a : actions) if (a.id == id) return &a;
    return nullptr;
  }
};

struct plan_message {
  std::string code, unit, vi, en;
};

/// Everything a plan is made from. Empty tables mean "not given".
struct plan_inputs {
  table households{"households"};
  table businesses{"businesses"};
  commdx::roster roster;                          ///< the teams (teams.hpp), e.g. roster::from_file("teams.json")
  std::map<std::string, std::string> area_classes;  ///< unit code -> "central" | "remote"
  std::map<std::string, std::string> unit_names;    ///< unit code -> name (from places)
  std::map<std::string, std::string> unit_parents;  ///< unit code -> parent code (from places), for actions' "places"
  table estimates{"estimates"};                   ///< contracts.md per-unit estimates (optional)
  table visit_log{"visits"};                      ///< household_id, action, member_id, date, outcome
  std::string start, deadline;                    ///< YYYY-MM-DD; empty = the catalogue's period
  std::string scope;                              ///< ward/neighbourhood/group code; "" = all
};

struct plan_options {
  campaign_catalogue catalogue = campaign_catalogue::shipped();
  /// The ward's pseudonym key, raw bytes (at least detail::plan_min_key_bytes; `commdx keys create`
  /// makes 32 random bytes). No default: without a key and without with_names, plan_outreach
  /// refuses (config_error), because a public default key makes every pseudonym reversible.
  std::string key;
  bool with_names = false;  ///< real household/business ids instead of pseudonyms (no key needed)
  /// The access rule's thresholds (R2/R3), used when the households table has no `access` column.
  classify_config classify = classify_config::defaults();
  plan_solver_options solver{};
};

/// The plan: DataFrame-ready tables, messages in Vietnamese and English, and the optimality figures.
struct outreach_plan {
  table priorities{"priorities"}, visits{"visits"}, assignments{"assignments"}, schedule{"schedule"},
      progress{"progress"}, indicators{"indicators"}, gaps{"gaps"}, steps{"steps"}, posteriors{"posteriors"};
  /// One row per ward: households and businesses, those with something to do and those the
  /// schedule reaches, the actions offered in the scheduled visits (those to low-access households
  /// apart), and the members' hours available and used (a member counts in the ward of their
  /// team's unit).
  table wards{"wards"};
  std::vector<plan_message> messages;
  std::string start, deadline, scope;
  double objective = 0;            ///< expected weighted adoptions of the optimised visits
  double scheduled_objective = 0;  ///< the same for the visits the schedule fits before the deadline
  double upper_bound = 0;          ///< no plan within these hours does better (Lagrangian bound)
  double gap = 0;                  ///< (upper_bound - scheduled_objective) / upper_bound
  double expected_adopters = 0;    ///< unweighted expected new adoptions of the scheduled visits
  double minutes_available = 0, minutes_planned = 0;

  nlohmann::json to_json() const;
};

namespace detail {

inline nlohmann::json plan_table_json(const table& t) { return io::table_to_records(t); }

/// A table built column by column.
struct plan_table_builder {
  std::vector<std::pair<std::string, column>> cols;
  text_column& text(const std::string& n) {
    for (auto& [k, c] : cols) if (k == n) return std::get<text_column>(c);
    cols.emplace_back(n, text_column{});
    return std::get<text_column>(cols.back().second);
  }
  numeric_column& num(const std::string& n) {
    for (auto& [k, c] : cols) if (k == n) return std::get<numeric_column>(c);
    cols.emplace_back(n, numeric_column{});
    return std::get<numeric_column>(cols.back().second);
  }
  table build(const std::string& source) {
    table t(source);
    for (auto& [k, c] : cols) t.set(k, std::move(c));
    return t;
  }
};

inline std::string plan_fmt(double x, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

struct plan_unit {
  bool business = false;
  std::size_t row = 0;
  std::string id, ward, neighbourhood, group, segment;
};

struct plan_member {
  std::string id, name, team_id, unit, affiliation;
  std::vector<std::string> skills;
  double weekly_hours = 0;
};

inline bool plan_member_qualifies(const plan_member& m, const nlohmann::json& requires) {
  if (!requires.is_array() || requires.empty()) return true;
  for (const auto& clause : requires) {
    bool ok = true;
    if (clause.contains("affiliation")) {
      auto affs = clause.at("affiliation").get<std::vector<std::string>>();
      ok = ok && std::find(affs.begin(), affs.end(), m.affiliation) != affs.end();
    }
    if (clause.contains("skill")) {
      auto sk = clause.at("skill").get<std::vector<std::string>>();
      bool any = false;
      for (const auto& s : m.skills) any = any || std::find(sk.begin(), sk.end(), s) != sk.end();
      ok = ok && any;
    }
    if (ok) return true;
  }
  return false;
}

/// The roster's members as the plan sees them (the roster type has validated ids and hours; a
/// member whose hours are not given has none to plan with).
inline std::vector<plan_member> plan_read_roster(const roster& r) {
  std::vector<plan_member> out;
  for (const auto& t : r.teams()) {
    for (const auto& m : t.members) {
      plan_member pm;
      pm.id = m.id;
      pm.name = m.name;
      pm.team_id = t.id;
      pm.unit = t.unit;
      pm.affiliation = to_string(m.affiliation);
      pm.skills = m.skills;
      pm.weekly_hours = is_missing(m.weekly_hours) ? 0.0 : m.weekly_hours;
      out.push_back(std::move(pm));
    }
  }
  return out;
}

/// 1 for a success, 0 for a failure, NaN for a visit that attempted nothing (the catalogue's
/// visit-log words); anything else is refused.
inline double plan_outcome(const std::string& s, const visit_log_vocabulary& words, const location& where) {
  auto in = [&s](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), s) != v.end(); };
  if (in(words.success)) return 1;
  if (in(words.failure)) return 0;
  if (in(words.no_attempt)) return missing;
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  throw input_error(where, "outcome '" + s + "' is neither a success (" + list(words.success) + "), a failure (" +
                               list(words.failure) + ") nor a visit without an attempt (" + list(words.no_attempt) + ")");
}

}  // namespace detail

/// Builds the plan. Throws validation_error for a deadline on or before the start and for a roster
/// whose members in the area have no hours at all; other hard cases become messages.
inline outreach_plan plan_outreach(const plan_inputs& in, const plan_options& opt = {}) {
  using namespace detail;
  const campaign_catalogue& cat = opt.catalogue;
  outreach_plan plan;
  plan.scope = in.scope;
  // no dates given: the catalogue's campaign period (campaigns.json "period")
  plan.start = in.start.empty() ? cat.period_start : in.start;
  plan.deadline = in.deadline.empty() ? cat.period_end : in.deadline;
  if (!opt.with_names && opt.key.size() < plan_min_key_bytes)
    throw config_error(location::in_file("plan").in_column("key"),
                       opt.key.empty()
                           ? "no pseudonym key: create the ward's key with `commdx keys create --ward CODE` and pass its "
                             "bytes (plan_options::key), or ask for real ids with with_names"
                           : "the pseudonym key has " + std::to_string(opt.key.size()) + " bytes; at least " +
                                 std::to_string(plan_min_key_bytes) +
                                 " random bytes are needed (`commdx keys create --ward CODE` makes 32)");
  auto say = [&](std::string code, std::string unit, std::string vi, std::string en) {
    plan.messages.push_back({std::move(code), std::move(unit), std::move(vi), std::move(en)});
  };
  // ---- dates ----
  const long d0 = plan_parse_date(plan.start, location::in_file("plan").in_column("start"));
  const long d1 = plan_parse_date(plan.deadline, location::in_file("plan").in_column("deadline"));
  if (d1 <= d0)
    throw validation_error(location::in_file("plan").in_column("deadline").for_unit(in.scope),
                           "the deadline " + plan.deadline + " is not after the start " + plan.start +
                               ": it has already passed, no visit can be planned (hạn chót đã qua)");
  const long days = d1 - d0 + 1;  // the deadline day is a working day
  const std::size_t weeks = static_cast<std::size_t>((days + 6) / 7);

  // ---- units in scope ----
  const table& H = in.households;
  const table& B = in.businesses;
  const bool have_b = B.rows() > 0;
  for (const char* c : {"household_id", "ward_code", "neighbourhood_code", "group_code"})
    if (!H.has(c)) throw input_error(location::in_file(H.source()).in_column(c), "missing required column");
  if (have_b)
    for (const char* c : {"business_id", "ward_code", "neighbourhood_code", "group_code", "type"})
      if (!B.has(c)) throw input_error(location::in_file(B.source()).in_column(c), "missing required column");
  auto in_scope = [&](const std::string& w, const std::string& n, const std::string& g) {
    return in.scope.empty() || in.scope == w || in.scope == n || in.scope == g;
  };
  if (in.area_classes.empty())
    say("no_classes", "", "Không có phân loại phường trung tâm/xa: coi mọi địa bàn là trung tâm.",
        "No central/remote classes given: every area is treated as central.");
  auto class_of = [&](const std::string& w, const std::string& n, const std::string& g) -> std::string {
    for (const std::string* c : {&g, &n, &w}) {
      auto it = in.area_classes.find(*c);
      if (it != in.area_classes.end()) return it->second == "remote" ? "remote" : "central";
    }
    return "central";
  };
  // R2/R3: each household's access, from the table's `access` column when given (high/low or
  // 1/0), else by classify's access rule (access_segments) on the survey columns; a household
  // whose access is unknown gets the low-access catalogue (R1: the basic one is the safe one).
  std::vector<std::string> access(H.rows());
  if (H.has("access")) {
    for (std::size_t r = 0; r < H.rows(); ++r) {
      std::string a = H.cell_text("access", r);
      if (a == "1") a = "high";
      if (a == "0") a = "low";
      if (a != "high" && a != "low")
        throw input_error(location::in_file(H.source()).at_row(r + 1).in_column("access"), "access must be 'high' or 'low', not '" + a + "'");
      access[r] = a;
    }
  } else {
    const auto segments = access_segments(H, opt.classify).households;
    const auto& seg = segments.text("access");
    std::size_t unknown = 0;
    for (std::size_t r = 0; r < H.rows(); ++r) {
      access[r] = seg[r] == "high" ? "high" : "low";
      if (seg[r] == "unknown") ++unknown;
    }
    if (unknown > 0)
      say("access_unknown", "",
          std::to_string(unknown) + " hộ thiếu dữ liệu để xác định khả năng tiếp cận: được xếp vào nhóm tiếp cận thấp.",
          std::to_string(unknown) + " households lack the data to tell their access: planned as low access.");
  }
  std::vector<plan_unit> units;  // every household and business in scope
  {
    const auto& ids = H.text("household_id");
    const auto& wc = H.text("ward_code");
    const auto& nc = H.text("neighbourhood_code");
    const auto& gc = H.text("group_code");
    for (std::size_t r = 0; r < H.rows(); ++r) {
      if (!in_scope(wc[r], nc[r], gc[r])) continue;
      units.push_back({false, r, ids[r], wc[r], nc[r], gc[r], class_of(wc[r], nc[r], gc[r]) + "/" + access[r]});
    }
    if (have_b) {
      const auto& bid = B.text("business_id");
      const auto& bw = B.text("ward_code");
      const auto& bn = B.text("neighbourhood_code");
      const auto& bg = B.text("group_code");
      for (std::size_t r = 0; r < B.rows(); ++r) {
        if (!in_scope(bw[r], bn[r], bg[r])) continue;
        units.push_back({true, r, bid[r], bw[r], bn[r], bg[r], class_of(bw[r], bn[r], bg[r]) + "/high"});
      }
    }
  }
  if (!in.scope.empty() && units.empty())
    throw validation_error(location::in_file(H.source()).in_column("ward_code").for_unit(in.scope), "no household or business lies in this unit");

  // ---- learning from the visit log (Beta-binomial per action and segment) ----
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> seen;  // (action, segment) -> (succ, fail)
  std::set<std::pair<std::string, std::string>> done;  // (unit id, action) already adopted
  if (in.visit_log.rows() > 0) {
    const table& V = in.visit_log;
    for (const char* c : {"household_id", "action", "outcome"})
      if (!V.has(c)) throw input_error(location::in_file(V.source()).in_column(c), "missing required column");
    std::unordered_map<std::string, std::string> seg_of;
    for (const auto& u : units) seg_of.emplace(u.id, u.segment);
    // segments of units outside the scope still teach the catalogue
    std::unordered_map<std::string, std::string> all_seg;
    const auto& ids = H.text("household_id");
    for (std::size_t r = 0; r < H.rows(); ++r)
      all_seg.emplace(ids[r], class_of(H.text("ward_code")[r], H.text("neighbourhood_code")[r], H.text("group_code")[r]) + "/" + access[r]);
    if (have_b)
      for (std::size_t r = 0; r < B.rows(); ++r)
        all_seg.emplace(B.text("business_id")[r], class_of(B.text("ward_code")[r], B.text("neighbourhood_code")[r], B.text("group_code")[r]) + "/high");
    const auto& contact = cat.visit_log.contact_actions;
    std::size_t not_learned = 0;
    for (std::size_t r = 0; r < V.rows(); ++r) {
      location w = location::in_file(V.source()).at_row(r + 1);
      std::string id = V.cell_text("household_id", r), act = V.cell_text("action", r);
      w.column = "action";
      const bool contact_only = std::find(contact.begin(), contact.end(), act) != contact.end();
      if (!contact_only && !cat.find(act))
        throw input_error(w, "unknown action '" + act + "' (not in the campaign catalogue, nor one of its visit_log.contact_actions)");
      w.column = "household_id";
      auto it = all_seg.find(id);
      if (it == all_seg.end()) throw input_error(w, "household or business '" + id + "' is not in the tables");
      w.column = "outcome";
      double ok = plan_outcome(V.cell_text("outcome", r), cat.visit_log, w);
      if (contact_only || is_missing(ok)) {
        ++not_learned;
        continue;
      }
      auto& sf = seen[{act, it->second}];
      (ok > 0 ? sf.first : sf.second) += 1;
      if (ok > 0) done.insert({id, act});
    }
    if (not_learned > 0)
      say("visit_log_contacts", "",
          std::to_string(not_learned) + " lượt thăm trong nhật ký không thử hoạt động nào (không có nhà, chỉ tư vấn): được đếm, không dùng để ước lượng tỷ lệ thành công.",
          std::to_string(not_learned) + " visits of the log attempted no action (nobody home, advice only): counted, not used to learn success rates.");
  }
  auto success_p = [&](const campaign_action& a, const std::string& seg) {
    auto it = seen.find({a.id, seg});
    if (it == seen.end()) return a.prior_mean();
    return (a.alpha + it->second.first) / (a.alpha + a.beta + it->second.first + it->second.second);
  };
  // an action with "places" applies where the unit, or a unit above it, is listed
  auto applies_in = [&in](const campaign_action& a, const plan_unit& u) {
    for (const std::string* c : {&u.group, &u.neighbourhood, &u.ward}) {
      std::string code = *c;
      for (std::size_t up = 0; !code.empty() && up <= in.unit_parents.size(); ++up) {
        if (std::find(a.places.begin(), a.places.end(), code) != a.places.end()) return true;
        auto it = in.unit_parents.find(code);
        code = it == in.unit_parents.end() ? std::string() : it->second;
      }
    }
    return false;
  };
  // the catalogue's actions that apply somewhere in the planned area (a city's own app is not
  // listed in the plan of a commune elsewhere)
  std::vector<bool> applies(cat.actions.size(), true);
  for (std::size_t ai = 0; ai < cat.actions.size(); ++ai) {
    const auto& a = cat.actions[ai];
    if (a.places.empty()) continue;
    applies[ai] = std::any_of(units.begin(), units.end(), [&](const plan_unit& u) { return applies_in(a, u); });
  }
  {
    plan_table_builder pb;
    for (std::size_t ai = 0; ai < cat.actions.size(); ++ai) {
      const auto& a = cat.actions[ai];
      if (!applies[ai]) continue;
      for (const auto& seg : a.segments) {
        auto it = seen.find({a.id, seg});
        double s = it == seen.end() ? 0 : it->second.first, f = it == seen.end() ? 0 : it->second.second;
        pb.text("action").push_back(a.id);
        pb.text("segment").push_back(seg);
        pb.num("prior_alpha").push_back(a.alpha);
        pb.num("prior_beta").push_back(a.beta);
        pb.num("successes").push_back(s);
        pb.num("failures").push_back(f);
        pb.num("prior_mean").push_back(a.prior_mean());
        pb.num("posterior_mean").push_back((a.alpha + s) / (a.alpha + a.beta + s + f));
      }
    }
    plan.posteriors = pb.build("posteriors");
  }

  // ---- indicators: current values and priority weights ----
  // The record-level values are the estimation stage's (indicators.hpp): NaN outside the domain.
  struct ind_eval {
    const plan_indicator_rule* rule = nullptr;
    const table* t = nullptr;
    std::vector<double> y, x;  ///< numerator and denominator per record (x empty: one per record)
    double num = 0, den = 0, weight = 0, target = missing;
    std::string target_source;
    bool usable = false;
    double numerator(std::size_t r) const { return y[r]; }
    double denominator(std::size_t r) const { return x.empty() ? 1.0 : x[r]; }
    bool covers(std::size_t r) const {
      if (is_missing(y[r])) return false;
      if (!x.empty() && (is_missing(x[r]) || x[r] <= 0)) return false;
      return true;
    }
    double headroom(std::size_t r) const { return covers(r) ? std::max(0.0, denominator(r) - numerator(r)) : 0.0; }
  };
  std::map<std::string, ind_eval> inds;
  for (const auto& entry : cat.indicators) {
    const std::string& id = entry.first;  // a named variable: lambdas may not capture bindings (C++17)
    const auto& rule = entry.second;
    ind_eval e;
    e.rule = &rule;
    const indicator& def = rule.definition;
    e.t = def.records == "businesses" ? &B : &H;
    if (e.t->rows() == 0) { inds.emplace(id, std::move(e)); continue; }
    try {
      auto numeric_columns = [&](const indicator_term& term) {
        for (const auto& c : term.columns)
          if (!e.t->has(c) || !e.t->is_numeric(c))
            throw config_error(location::in_file(e.t->source()).in_column(c).for_unit(id), "missing numeric column");
      };
      numeric_columns(def.numerator);
      if (def.denominator) numeric_columns(*def.denominator);
      for (const auto& cond : def.where)
        if (!e.t->has(cond.column))
          throw config_error(location::in_file(e.t->source()).in_column(cond.column).for_unit(id), "missing column");
      const auto keep = where_mask(*e.t, def.where);
      e.y = term_values(*e.t, def.numerator, keep);
      if (def.denominator) e.x = term_values(*e.t, *def.denominator, keep);
      e.usable = true;
    } catch (const config_error& ex) {
      say("indicator_skipped", id, std::string("Không tính được chỉ tiêu ") + id + ": " + ex.what(),
          std::string("Indicator ") + id + " cannot be computed: " + ex.what());
    }
    inds.emplace(id, std::move(e));
  }
  for (const auto& u : units)
    for (auto& [id, e] : inds) {
      if (!e.usable || (e.t == &B) != u.business || !e.covers(u.row)) continue;
      e.num += e.numerator(u.row);
      e.den += e.denominator(u.row);
    }
  // targets: an estimates row of this unit (or any unit when no scope) overrides the catalogue's
  std::map<std::string, double> est_target, est_value;
  if (in.estimates.rows() > 0 && in.estimates.has("indicator")) {
    const table& E = in.estimates;
    for (std::size_t r = 0; r < E.rows(); ++r) {
      std::string unit = E.has("unit") ? E.cell_text("unit", r) : "";
      if (!in.scope.empty() && unit != in.scope) continue;
      if (in.scope.empty() && E.has("level") && E.cell_text("level", r) != "city") continue;
      std::string id = E.cell_text("indicator", r);
      if (E.has("target") && E.is_numeric("target") && !is_missing(E.numeric("target")[r])) est_target[id] = E.numeric("target")[r];
      if (E.has("estimate") && E.is_numeric("estimate") && !is_missing(E.numeric("estimate")[r])) est_value[id] = E.numeric("estimate")[r];
    }
  }
  for (auto& [id, e] : inds) {
    e.target = est_target.count(id) ? est_target[id] : e.rule->definition.target;
    e.target_source = est_target.count(id) ? "estimates" : e.rule->definition.target_source_en;
    double current = est_value.count(id) ? est_value[id] : (e.den > 0 ? e.num / e.den : missing);
    double factor = 1.0;
    if (!is_missing(e.target) && !is_missing(current) && e.target > 0)
      factor = current >= e.target ? 0.25 : 1.0 + std::min(1.0, (e.target - current) / e.target);
    e.weight = e.rule->weight * factor;
  }

  // ---- candidates: (unit, action, success probability, weighted gain) ----
  // `slot` is the action's index in the optimisation: the catalogue's index, or, for an offer that
  // follows another action in the same visit (campaigns.json "follows"), one of the slots after
  // the catalogue's (follow_slot), which the solver places only in a visit with the prerequisite.
  struct cand { std::size_t unit; std::size_t action; double p, gain; int slot; };
  std::vector<cand> cands;
  std::vector<std::size_t> action_candidates(cat.actions.size(), 0);
  std::vector<int> follow_slot(cat.actions.size(), -1), slot_action;  // slot -> catalogue index
  for (std::size_t ai = 0; ai < cat.actions.size(); ++ai) slot_action.push_back(static_cast<int>(ai));
  for (std::size_t ai = 0; ai < cat.actions.size(); ++ai)
    if (!cat.actions[ai].follows.empty()) {
      follow_slot[ai] = static_cast<int>(slot_action.size());
      slot_action.push_back(static_cast<int>(ai));
    }
  auto weighted_gain = [&](const campaign_action& a, const plan_unit& u) {
    double g = 0;
    for (const auto& m : a.moves) {
      const auto& e = inds.at(m.indicator);
      if (!e.usable || (e.t == &B) != u.business) continue;
      double h = e.headroom(u.row);
      if (h <= 0) continue;
      g += e.weight * (m.all ? h : 1.0);
    }
    return g;
  };
  std::vector<cand> following;  // offers that need their prerequisite in the same visit
  for (std::size_t ai = 0; ai < cat.actions.size(); ++ai) {
    const auto& a = cat.actions[ai];
    const table& t = a.target == "businesses" ? B : H;
    if (t.rows() == 0) continue;
    std::unique_ptr<plan_predicate> elig, after_elig;
    try {
      elig = plan_predicate::compile(a.eligible, t, location::in_file("campaigns").in_column("eligible").for_unit(a.id));
      if (!a.follows.empty())
        after_elig = plan_predicate::compile(a.follows_eligible, t, location::in_file("campaigns").in_column("follows").for_unit(a.id));
    } catch (const config_error& ex) {
      say("action_skipped", a.id, "Bỏ qua hoạt động " + a.id + ": " + ex.what(), "Action " + a.id + " skipped: " + ex.what());
      continue;
    }
    for (std::size_t ui = 0; ui < units.size(); ++ui) {
      const auto& u = units[ui];
      if (u.business != (a.target == "businesses")) continue;
      if (std::find(a.segments.begin(), a.segments.end(), u.segment) == a.segments.end()) continue;
      if (!applies[ai] || (!a.places.empty() && !applies_in(a, u))) continue;
      if (!a.business_types.empty() &&
          std::find(a.business_types.begin(), a.business_types.end(), B.text("type")[u.row]) == a.business_types.end())
        continue;
      if (done.count({u.id, a.id})) continue;
      const bool own = (*elig)(u.row);
      if (!own && !(after_elig && (*after_elig)(u.row))) continue;
      double g = weighted_gain(a, u);
      if (g <= 0) continue;
      double p = success_p(a, u.segment);
      if (own) {
        cands.push_back({ui, ai, p, p * g, static_cast<int>(ai)});
        ++action_candidates[ai];
      } else {
        following.push_back({ui, ai, p, g, follow_slot[ai]});
      }
    }
  }
  if (!following.empty()) {
    // an offer that follows another stands only where that one is offered on its own; it succeeds
    // only if that one does (the household uses the phone it has just learned), so its success
    // probability is the product of the two
    std::map<std::pair<std::size_t, std::size_t>, double> own_p;  // (unit, action) -> success probability
    for (const auto& c : cands) own_p.emplace(std::make_pair(c.unit, c.action), c.p);
    for (auto c : following) {
      const std::size_t pre = static_cast<std::size_t>(cat.find(cat.actions[c.action].follows) - cat.actions.data());
      auto it = own_p.find({c.unit, pre});
      if (it == own_p.end()) continue;
      c.p *= it->second;
      c.gain *= c.p;
      cands.push_back(c);
      ++action_candidates[c.action];
    }
  }

  // ---- members, their areas and minutes ----
  std::vector<plan_member> members;
  {
    std::set<std::string> seen_ids;
    std::set<std::string> codes;
    for (const auto& u : units) { codes.insert(u.ward); codes.insert(u.neighbourhood); codes.insert(u.group); }
    for (auto& m : plan_read_roster(in.roster)) {
      if (!codes.count(m.unit)) continue;  // the team works elsewhere
      if (!seen_ids.insert(m.id).second) continue;
      members.push_back(std::move(m));
    }
  }
  if (members.empty())
    throw validation_error(location::in_file(in.roster.source()).in_column("unit").for_unit(in.scope), "no team of the roster covers the planned area (không có tổ nào phụ trách địa bàn)");
  double total_hours = 0;
  for (const auto& m : members) total_hours += m.weekly_hours;
  if (total_hours <= 0)
    throw validation_error(location::in_file(in.roster.source()).in_column("weekly_hours").for_unit(in.scope),
                           "every member who covers the area has zero weekly hours: there is no time to plan (mọi thành viên đều có 0 giờ mỗi tuần)");
  for (const auto& m : members)
    if (m.weekly_hours <= 0)
      say("zero_hours", m.id, "Thành viên " + m.id + " (" + m.name + ") có 0 giờ mỗi tuần: không được giao việc.",
          "Member " + m.id + " (" + m.name + ") has zero weekly hours: no visits assigned.");
  // sessions per member: weekly minutes split into sessions on distinct days
  struct session { long day; std::size_t week; double minutes; };
  std::vector<std::vector<session>> sessions(members.size());
  std::vector<double> member_total(members.size(), 0.0);
  double mean_action = 0;
  for (const auto& c : cands) mean_action += cat.actions[c.action].minutes;
  mean_action = cands.empty() ? 10 : mean_action / static_cast<double>(cands.size());
  for (std::size_t k = 0; k < members.size(); ++k) {
    double weekly = members[k].weekly_hours * 60.0;
    if (weekly <= 0) continue;
    for (std::size_t w = 0; w < weeks; ++w) {
      long wdays = std::min<long>(7, days - 7 * static_cast<long>(w));
      double mins = std::floor(weekly * static_cast<double>(wdays) / 7.0);
      std::size_t n = static_cast<std::size_t>(std::ceil(mins / cat.session_minutes));
      for (std::size_t j = 0; j < n; ++j) {
        double len = std::min(cat.session_minutes, mins - cat.session_minutes * static_cast<double>(j));
        long day = d0 + 7 * static_cast<long>(w) + static_cast<long>(j) * wdays / static_cast<long>(std::max<std::size_t>(n, 1));
        sessions[k].push_back({day, w, len});
        member_total[k] += len;
      }
    }
  }
  // ---- the optimisation instance ----
  std::map<std::string, int> group_index;
  std::vector<std::string> group_codes;
  std::vector<int> unit_to_problem(units.size(), -1);
  plan_problem prob;
  prob.travel = cat.travel_minutes;
  prob.setup = cat.setup_minutes;
  prob.max_visit = cat.session_minutes - cat.setup_minutes;  // one visit fits in one session
  std::vector<std::size_t> problem_unit;  // problem index -> units index
  std::vector<std::vector<std::size_t>> group_reps;  // per group: one unit per distinct (ward, neighbourhood)
  for (const auto& c : cands) {
    if (unit_to_problem[c.unit] < 0) {
      unit_to_problem[c.unit] = static_cast<int>(problem_unit.size());
      problem_unit.push_back(c.unit);
      const auto& g = units[c.unit].group;
      auto it = group_index.find(g);
      if (it == group_index.end()) {
        it = group_index.emplace(g, static_cast<int>(group_codes.size())).first;
        group_codes.push_back(g);
        group_reps.emplace_back();
      }
      prob.unit_group.push_back(it->second);
      auto& reps = group_reps[static_cast<std::size_t>(it->second)];
      const auto& uu = units[c.unit];
      bool known = false;
      for (std::size_t r : reps) known = known || (units[r].ward == uu.ward && units[r].neighbourhood == uu.neighbourhood);
      if (!known) reps.push_back(c.unit);
      prob.unit_actions.emplace_back();
    }
    prob.unit_actions[static_cast<std::size_t>(unit_to_problem[c.unit])].emplace_back(c.slot, c.gain);
  }
  prob.groups = static_cast<int>(group_codes.size());
  for (int a : slot_action) prob.action_minutes.push_back(cat.actions[static_cast<std::size_t>(a)].minutes);
  if (slot_action.size() > cat.actions.size())
    for (std::size_t sl = 0; sl < slot_action.size(); ++sl) {
      const auto& a = cat.actions[static_cast<std::size_t>(slot_action[sl])];
      prob.action_after.push_back(sl < cat.actions.size() ? -1 : static_cast<int>(cat.find(a.follows) - cat.actions.data()));
    }
  for (std::size_t k = 0; k < members.size(); ++k) {
    // reserve a set-up and half a typical visit per session: each session starts with a set-up
    // and ends with minutes too few for the next visit (the schedule below spends exactly these)
    double reserve = static_cast<double>(sessions[k].size()) * (cat.setup_minutes + 0.5 * (cat.travel_minutes + mean_action));
    prob.capacity.push_back(std::max(0.0, member_total[k] - reserve));
    std::vector<char> cd(slot_action.size(), 0);
    for (std::size_t sl = 0; sl < slot_action.size(); ++sl)
      cd[sl] = plan_member_qualifies(members[k], cat.actions[static_cast<std::size_t>(slot_action[sl])].requires) ? 1 : 0;
    prob.can_do.push_back(cd);
    std::vector<char> al(group_codes.size(), 0);
    const std::string& mu = members[k].unit;
    for (std::size_t g = 0; g < group_codes.size(); ++g)
      for (std::size_t r : group_reps[g]) {
        const auto& u = units[r];
        if (mu == u.ward || mu == u.neighbourhood || mu == u.group) al[g] = 1;
      }
    prob.allowed.push_back(al);
    plan.minutes_available += member_total[k];
  }
  // hard case: actions with work to do but nobody able to do it
  for (std::size_t a = 0; a < cat.actions.size(); ++a) {
    if (action_candidates[a] == 0) continue;
    bool anyone = false;
    for (std::size_t k = 0; k < members.size(); ++k) anyone = anyone || (prob.can_do[k][a] && members[k].weekly_hours > 0);
    if (!anyone) {
      const auto& act = cat.actions[a];
      say("no_skill", act.id,
          "Không có thành viên nào đủ kỹ năng/đúng thành phần cho hoạt động " + act.id + " (" + act.title_vi + "): " +
              std::to_string(action_candidates[a]) + " hộ/cơ sở cần hoạt động này sẽ không được thăm vì lý do đó. Cần bổ sung: " + act.requires.dump() + ".",
          "No member has the skill or affiliation action " + act.id + " (" + act.title_en + ") needs: " +
              std::to_string(action_candidates[a]) + " households/businesses that need it cannot get it. Needed: " + act.requires.dump() + ".");
    }
  }
  // hard case: areas with nothing left to do
  {
    std::set<std::string> all_groups, busy(group_codes.begin(), group_codes.end());
    for (const auto& u : units) all_groups.insert(u.group);
    std::vector<std::string> idle;
    for (const auto& g : all_groups) if (!busy.count(g)) idle.push_back(g);
    if (!idle.empty()) {
      std::string list;
      for (std::size_t i = 0; i < idle.size() && i < 10; ++i) list += (i ? ", " : "") + idle[i];
      if (idle.size() > 10) list += ", …";
      say("nothing_to_do", idle.size() == 1 ? idle[0] : "",
          std::to_string(idle.size()) + " tổ dân cư không còn việc cần làm (mọi hộ đã dùng hoặc không thuộc đối tượng): " + list + ".",
          std::to_string(idle.size()) + " residential groups have nothing left to do (every household already adopted or is not eligible): " + list + ".");
    }
    if (cands.empty())
      say("nothing_to_do", in.scope, "Địa bàn không còn hộ hay cơ sở nào cần thăm: kế hoạch trống.",
          "Nothing is left to do in the area: no household or business needs a visit; the plan is empty.");
  }
  plan_solution sol = solve_plan_problem(prob, opt.solver);
  plan.objective = sol.objective;
  plan.upper_bound = sol.upper_bound;

  // ---- schedule: batches by group, sessions in order ----
  struct placed { std::size_t pu; std::size_t member; long day; std::size_t week; double minutes; int order; };
  std::vector<placed> schedule;
  std::vector<double> visit_gain(problem_unit.size(), 0.0), visit_p(problem_unit.size(), 0.0), visit_min(problem_unit.size(), 0.0);
  // per visit: its catalogue actions, an action that follows another after it, and their success probabilities
  std::vector<std::vector<std::size_t>> visit_actions(problem_unit.size());
  std::vector<std::vector<double>> visit_action_p(problem_unit.size());
  {
    std::map<std::pair<std::size_t, int>, const cand*> cand_of;
    for (const auto& c : cands) cand_of[{c.unit, c.slot}] = &c;
    for (std::size_t pu = 0; pu < problem_unit.size(); ++pu) {
      if (sol.member[pu] < 0) continue;
      visit_min[pu] = cat.travel_minutes;
      std::vector<const cand*> in_visit;
      for (int a : sol.actions[pu]) in_visit.push_back(cand_of.at({problem_unit[pu], a}));
      std::stable_sort(in_visit.begin(), in_visit.end(), [&](const cand* x, const cand* y) {
        return (x->slot >= static_cast<int>(cat.actions.size())) < (y->slot >= static_cast<int>(cat.actions.size()));
      });
      for (const cand* c : in_visit) {
        visit_gain[pu] += c->gain;
        visit_p[pu] += c->p;
        visit_min[pu] += cat.actions[c->action].minutes;
        visit_actions[pu].push_back(c->action);
        visit_action_p[pu].push_back(c->p);
      }
    }
  }
  std::vector<char> scheduled(problem_unit.size(), 0);
  std::vector<double> member_used(members.size(), 0.0);
  for (std::size_t k = 0; k < members.size(); ++k) {
    std::map<int, std::vector<std::size_t>> by_group;
    for (std::size_t pu = 0; pu < problem_unit.size(); ++pu)
      if (sol.member[pu] == static_cast<int>(k)) by_group[prob.unit_group[pu]].push_back(pu);
    std::vector<std::pair<double, int>> order;
    for (auto& [g, list] : by_group) {
      std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
        double ra = visit_gain[a] / visit_min[a], rb = visit_gain[b] / visit_min[b];
        return ra != rb ? ra > rb : a < b;
      });
      double gsum = 0, msum = cat.setup_minutes;
      for (auto pu : list) { gsum += visit_gain[pu]; msum += visit_min[pu]; }
      order.emplace_back(-gsum / msum, g);
    }
    std::sort(order.begin(), order.end());
    std::vector<std::size_t> queue;  // visits in batch order
    std::vector<int> queue_group;
    for (const auto& [r, g] : order)
      for (auto pu : by_group[g]) { queue.push_back(pu); queue_group.push_back(g); }
    std::size_t next = 0;
    int ord = 0;
    for (const auto& ses : sessions[k]) {
      if (next >= queue.size()) break;
      double left = ses.minutes;
      int current = -1;
      while (next < queue.size()) {
        double need = visit_min[queue[next]] + (queue_group[next] != current ? cat.setup_minutes : 0.0);
        if (need > left + 1e-9) {
          // look a little ahead for a visit that fits the rest of the session (same group first)
          std::size_t found = queue.size();
          const std::size_t end = std::min(queue.size(), next + 64);
          for (int pass = 0; pass < 2 && found == queue.size(); ++pass)
            for (std::size_t j = next + 1; j < end; ++j) {
              if (pass == 0 && queue_group[j] != current) continue;
              double nj = visit_min[queue[j]] + (queue_group[j] != current ? cat.setup_minutes : 0.0);
              if (nj <= left + 1e-9) { found = j; break; }
            }
          if (found == queue.size()) break;
          std::rotate(queue.begin() + static_cast<std::ptrdiff_t>(next), queue.begin() + static_cast<std::ptrdiff_t>(found),
                      queue.begin() + static_cast<std::ptrdiff_t>(found + 1));
          std::rotate(queue_group.begin() + static_cast<std::ptrdiff_t>(next), queue_group.begin() + static_cast<std::ptrdiff_t>(found),
                      queue_group.begin() + static_cast<std::ptrdiff_t>(found + 1));
          need = visit_min[queue[next]] + (queue_group[next] != current ? cat.setup_minutes : 0.0);
        }
        left -= need;
        member_used[k] += need;
        current = queue_group[next];
        schedule.push_back({queue[next], k, ses.day, ses.week, visit_min[queue[next]], ++ord});
        scheduled[queue[next]] = 1;
        ++next;
      }
    }
  }
  std::size_t dropped = 0;
  for (std::size_t pu = 0; pu < problem_unit.size(); ++pu)
    if (sol.member[pu] >= 0 && !scheduled[pu]) ++dropped;
  if (dropped > 0)
    say("unscheduled", "", std::to_string(dropped) + " lượt thăm đã chọn không xếp kịp trước hạn chót (thời gian chuẩn bị, buổi làm việc): để lại cho đợt sau.",
        std::to_string(dropped) + " chosen visits do not fit the sessions before the deadline (set-up times, session ends): left for the next round.");
  for (std::size_t pu = 0; pu < problem_unit.size(); ++pu)
    if (scheduled[pu]) {
      plan.scheduled_objective += visit_gain[pu];
      plan.expected_adopters += visit_p[pu];
    }
  for (double m : member_used) plan.minutes_planned += m;
  plan.gap = plan.upper_bound > 1e-12 ? std::max(0.0, (plan.upper_bound - plan.scheduled_objective) / plan.upper_bound) : 0.0;

  // ---- visits table (every candidate unit: chosen or not), priority = rank by gain per minute ----
  std::vector<std::size_t> rank_order(problem_unit.size());
  std::vector<double> best_rate(problem_unit.size(), 0.0);
  {
    // for units not chosen, their full bundle's rate tells how close they came
    std::vector<double> fv(problem_unit.size(), 0.0), fm(problem_unit.size(), cat.travel_minutes);
    for (std::size_t pu = 0; pu < problem_unit.size(); ++pu)
      for (const auto& [a, v] : prob.unit_actions[pu]) { fv[pu] += v; fm[pu] += prob.action_minutes[static_cast<std::size_t>(a)]; }
    for (std::size_t pu = 0; pu < problem_unit.size(); ++pu) {
      rank_order[pu] = pu;
      best_rate[pu] = sol.member[pu] >= 0 ? visit_gain[pu] / visit_min[pu] : fv[pu] / fm[pu];
    }
    std::sort(rank_order.begin(), rank_order.end(), [&](std::size_t a, std::size_t b) {
      if (scheduled[a] != scheduled[b]) return scheduled[a] > scheduled[b];
      return best_rate[a] != best_rate[b] ? best_rate[a] > best_rate[b] : a < b;
    });
  }
  std::vector<const placed*> placed_of(problem_unit.size(), nullptr);
  for (const auto& s : schedule) placed_of[s.pu] = &s;
  auto shown_id = [&](const std::string& id) { return opt.with_names ? id : plan_pseudonym(opt.key, id); };
  auto name_of = [&](const std::string& code) {
    auto it = in.unit_names.find(code);
    return it == in.unit_names.end() ? std::string() : it->second;
  };
  {
    plan_table_builder vb;
    std::size_t priority = 0;
    for (std::size_t pu : rank_order) {
      const auto& u = units[problem_unit[pu]];
      vb.num("priority").push_back(static_cast<double>(++priority));
      vb.text("unit_id").push_back(shown_id(u.id));
      vb.text("kind").push_back(u.business ? "business" : "household");
      vb.text("ward_code").push_back(u.ward);
      vb.text("neighbourhood_code").push_back(u.neighbourhood);
      vb.text("group_code").push_back(u.group);
      vb.text("group_name").push_back(name_of(u.group));
      vb.text("segment").push_back(u.segment);
      std::string acts, tv, te, all;
      std::vector<std::size_t> chosen = visit_actions[pu];
      for (std::size_t a : chosen) {
        acts += (acts.empty() ? "" : ";") + cat.actions[a].id;
        tv += (tv.empty() ? "" : "; ") + cat.actions[a].title_vi;
        te += (te.empty() ? "" : "; ") + cat.actions[a].title_en;
      }
      for (const auto& [a, v] : prob.unit_actions[pu]) all += (all.empty() ? "" : ";") + cat.actions[static_cast<std::size_t>(slot_action[static_cast<std::size_t>(a)])].id;
      vb.text("actions").push_back(acts);
      vb.text("actions_vi").push_back(tv);
      vb.text("actions_en").push_back(te);
      vb.text("eligible_actions").push_back(all);
      vb.num("minutes").push_back(sol.member[pu] >= 0 ? visit_min[pu] : missing);
      vb.num("expected_adoptions").push_back(sol.member[pu] >= 0 ? visit_p[pu] : 0.0);
      vb.num("expected_gain").push_back(sol.member[pu] >= 0 ? visit_gain[pu] : 0.0);
      vb.num("gain_per_minute").push_back(best_rate[pu]);
      const placed* pl = placed_of[pu];
      vb.text("member_id").push_back(sol.member[pu] >= 0 ? members[static_cast<std::size_t>(sol.member[pu])].id : "");
      vb.text("status").push_back(pl ? "scheduled" : (sol.member[pu] >= 0 ? "unscheduled" : "not_selected"));
      vb.text("date").push_back(pl ? plan_civil_from_days(pl->day) : "");
      vb.num("week").push_back(pl ? static_cast<double>(pl->week + 1) : missing);
      vb.num("order").push_back(pl ? static_cast<double>(pl->order) : missing);
    }
    plan.visits = vb.build("visits");
  }
  // ---- assignments (per member) and week-by-week schedule ----
  {
    plan_table_builder ab, sb;
    for (std::size_t k = 0; k < members.size(); ++k) {
      const auto& m = members[k];
      double n = 0, gain = 0, adopt = 0, vm = 0;
      std::set<std::string> groups;
      std::vector<double> wv(weeks, 0), wm(weeks, 0), wg(weeks, 0);
      std::vector<std::set<std::string>> wgr(weeks);
      for (const auto& s : schedule) {
        if (s.member != k) continue;
        n += 1;
        gain += visit_gain[s.pu];
        adopt += visit_p[s.pu];
        vm += s.minutes;
        groups.insert(units[problem_unit[s.pu]].group);
        wv[s.week] += 1;
        wm[s.week] += s.minutes;
        wg[s.week] += visit_p[s.pu];
        wgr[s.week].insert(units[problem_unit[s.pu]].group);
      }
      std::string skills;
      for (const auto& s : m.skills) skills += (skills.empty() ? "" : " ") + s;
      ab.text("member_id").push_back(m.id);
      ab.text("name").push_back(m.name);
      ab.text("team_id").push_back(m.team_id);
      ab.text("affiliation").push_back(m.affiliation);
      ab.text("skills").push_back(skills);
      ab.num("weekly_hours").push_back(m.weekly_hours);
      ab.num("visits").push_back(n);
      ab.num("groups").push_back(static_cast<double>(groups.size()));
      ab.num("hours_available").push_back(member_total[k] / 60.0);
      ab.num("hours_planned").push_back(member_used[k] / 60.0);
      ab.num("hours_visiting").push_back(vm / 60.0);
      ab.num("utilisation").push_back(member_total[k] > 0 ? member_used[k] / member_total[k] : 0.0);
      ab.num("expected_adoptions").push_back(adopt);
      ab.num("expected_gain").push_back(gain);
      for (std::size_t w = 0; w < weeks; ++w) {
        sb.text("member_id").push_back(m.id);
        sb.num("week").push_back(static_cast<double>(w + 1));
        sb.text("week_start").push_back(plan_civil_from_days(d0 + 7 * static_cast<long>(w)));
        sb.num("visits").push_back(wv[w]);
        sb.num("hours").push_back(wm[w] / 60.0);
        sb.num("expected_adoptions").push_back(wg[w]);
        std::string gl;
        for (const auto& g : wgr[w]) gl += (gl.empty() ? "" : " ") + g;
        sb.text("groups").push_back(gl);
      }
    }
    plan.assignments = ab.build("assignments");
    plan.schedule = sb.build("schedule");
  }
  // ---- indicators at the deadline, progress by week, gaps ----
  {
    // expected gain per indicator and week; bounds with every eligible visit and within the hours
    std::map<std::string, std::vector<double>> week_gain;
    std::map<std::string, double> all_gain, planned;
    std::map<std::pair<std::size_t, std::string>, double> unit_ind;  // capped at headroom per unit
    struct frac_item { double ratio, gain, minutes; };
    std::map<std::string, std::vector<frac_item>> per_ind;
    for (const auto& c : cands) {
      const auto& a = cat.actions[c.action];
      const auto& u = units[c.unit];
      for (const auto& m : a.moves) {
        const auto& e = inds.at(m.indicator);
        if (!e.usable || (e.t == &B) != u.business) continue;
        double h = e.headroom(u.row);
        if (h <= 0) continue;
        double g = c.p * (m.all ? h : 1.0);
        double& cur = unit_ind[{c.unit, m.indicator}];
        double add = std::min(g, h - cur);
        cur += add;
        all_gain[m.indicator] += add;
        per_ind[m.indicator].push_back({g / (cat.travel_minutes + a.minutes), g, cat.travel_minutes + a.minutes});
      }
    }
    for (const auto& s : schedule) {
      const auto& u = units[problem_unit[s.pu]];
      std::map<std::string, double> got;
      for (std::size_t i = 0; i < visit_actions[s.pu].size(); ++i) {
        const auto& act = cat.actions[visit_actions[s.pu][i]];
        const double p = visit_action_p[s.pu][i];
        for (const auto& m : act.moves) {
          const auto& e = inds.at(m.indicator);
          if (!e.usable || (e.t == &B) != u.business) continue;
          double h = e.headroom(u.row);
          if (h <= 0) continue;
          double add = std::min(p * (m.all ? h : 1.0), h - got[m.indicator]);
          got[m.indicator] += add;
          auto& wg = week_gain[m.indicator];
          wg.resize(weeks, 0.0);
          wg[s.week] += add;
          planned[m.indicator] += add;
        }
      }
    }
    double capacity_all = 0;
    for (double c : prob.capacity) capacity_all += c;
    plan_table_builder ib, gb, pb;
    for (const auto& [id, e] : inds) {
      if (!e.usable || e.den <= 0) continue;
      double cur = e.num / e.den;
      double exp = (e.num + planned[id]) / e.den;
      double max_all = (e.num + all_gain[id]) / e.den;
      // this indicator alone, all hours on it, fractional visits: an upper bound within the hours
      auto items = per_ind[id];
      std::sort(items.begin(), items.end(), [](const frac_item& a, const frac_item& b) { return a.ratio > b.ratio; });
      double left = capacity_all, gain_h = 0, need_minutes = missing;
      double need_gain = is_missing(e.target) ? missing : e.target * e.den - e.num;
      double acc_g = 0, acc_m = 0;
      for (const auto& it : items) {
        if (left > 0) {
          double f = std::min(1.0, left / it.minutes);
          gain_h += f * it.gain;
          left -= f * it.minutes;
        }
        if (!is_missing(need_gain) && is_missing(need_minutes) && need_gain > 0) {
          if (acc_g + it.gain >= need_gain) need_minutes = acc_m + it.minutes * (need_gain - acc_g) / it.gain;
          acc_g += it.gain;
          acc_m += it.minutes;
        }
      }
      gain_h = std::min(gain_h, all_gain[id]);
      double max_hours = (e.num + gain_h) / e.den;
      ib.text("indicator").push_back(id);
      ib.text("table").push_back(e.rule->definition.records);
      ib.num("weight").push_back(e.weight);
      ib.num("denominator").push_back(e.den);
      ib.num("current").push_back(cur);
      ib.num("expected").push_back(exp);
      ib.num("expected_new").push_back(planned[id]);
      ib.num("max_every_visit").push_back(max_all);
      ib.num("max_within_hours").push_back(max_hours);
      ib.num("target").push_back(e.target);
      ib.text("target_source").push_back(e.target_source);
      double cum = e.num;
      auto wg = week_gain[id];
      wg.resize(weeks, 0.0);
      for (std::size_t w = 0; w < weeks; ++w) {
        cum += wg[w];
        pb.num("week").push_back(static_cast<double>(w + 1));
        pb.text("week_end").push_back(plan_civil_from_days(std::min(d1, d0 + 7 * static_cast<long>(w) + 6)));
        pb.text("indicator").push_back(id);
        pb.num("expected").push_back(cum / e.den);
        pb.num("target").push_back(e.target);
      }
      if (is_missing(e.target)) continue;
      const double gap = e.target - exp;
      std::string status, vi, en;
      const std::string pct_t = plan_fmt(100 * e.target), pct_e = plan_fmt(100 * exp), pct_c = plan_fmt(100 * cur);
      if (gap <= 1e-9) {
        status = "met";
        vi = id + ": dự kiến " + pct_e + "% đến hạn chót, đạt chỉ tiêu " + pct_t + "%.";
        en = id + ": expected " + pct_e + "% by the deadline, meeting the target of " + pct_t + "%.";
      } else if (max_all < e.target - 1e-9) {
        status = "unreachable";
        vi = id + ": hiện " + pct_c + "%, chỉ tiêu " + pct_t + "%. Dù thăm mọi hộ đủ điều kiện với tỉ lệ thành công hiện nay cũng chỉ đạt khoảng " +
             plan_fmt(100 * max_all) + "%: không kế hoạch thăm hộ nào đạt được chỉ tiêu này; cần biện pháp khác (hoặc điều chỉnh chỉ tiêu).";
        en = id + ": now " + pct_c + "%, target " + pct_t + "%. Even visiting every eligible household at today's success rates reaches only about " +
             plan_fmt(100 * max_all) + "%: no door-to-door plan can meet this target; it needs other measures (or a revised target).";
      } else if (max_hours < e.target - 1e-9) {
        status = "needs_more_hours";
        double extra = is_missing(need_minutes) ? missing : std::max(0.0, need_minutes - capacity_all) / 60.0;
        vi = id + ": hiện " + pct_c + "%, dự kiến " + pct_e + "%, chỉ tiêu " + pct_t + "%. Với số giờ hiện có, kể cả dồn hết cho chỉ tiêu này cũng chỉ đạt " +
             plan_fmt(100 * max_hours) + "%: không kế hoạch nào trong số giờ này thu hẹp được khoảng cách; cần thêm ít nhất " +
             plan_fmt(extra, 0) + " giờ-người trước hạn chót.";
        en = id + ": now " + pct_c + "%, expected " + pct_e + "%, target " + pct_t + "%. Even spending every available hour on it reaches only " +
             plan_fmt(100 * max_hours) + "%: no plan within these hours can close the gap; at least " + plan_fmt(extra, 0) +
             " more member-hours are needed before the deadline.";
        gb.num("extra_hours_needed").push_back(extra);
      } else {
        status = "reachable_with_priority";
        vi = id + ": dự kiến " + pct_e + "%, chỉ tiêu " + pct_t + "%. Có thể đạt trong số giờ này nếu ưu tiên chỉ tiêu này hơn (tăng trọng số), đổi lại các chỉ tiêu khác tăng chậm hơn.";
        en = id + ": expected " + pct_e + "%, target " + pct_t + "%. Reachable within these hours only by giving it more priority (a higher weight), at the cost of the other indicators.";
      }
      if (status != "needs_more_hours") gb.num("extra_hours_needed").push_back(status == "met" ? 0.0 : missing);
      gb.text("indicator").push_back(id);
      gb.num("current").push_back(cur);
      gb.num("expected").push_back(exp);
      gb.num("target").push_back(e.target);
      gb.num("gap").push_back(std::max(0.0, gap));
      gb.num("max_every_visit").push_back(max_all);
      gb.num("max_within_hours").push_back(max_hours);
      gb.text("status").push_back(status);
      gb.text("text_vi").push_back(vi);
      gb.text("text_en").push_back(en);
    }
    plan.indicators = ib.build("indicators");
    plan.gaps = gb.build("gaps");
    plan.progress = pb.build("progress");
  }
  // ---- area priorities (neighbourhoods and groups) with a REED-style problem type ----
  {
    struct area { std::string level, code, ward, cls; double hh = 0, biz = 0, access = 0, use = 0, with_access = 0, pot_adopt = 0, pot_min = 0, pl_visits = 0, pl_adopt = 0, pl_min = 0, cands = 0; };
    std::map<std::string, area> areas;
    const numeric_column* smart = H.has("adults_smartphone") && H.is_numeric("adults_smartphone") ? &H.numeric("adults_smartphone") : nullptr;
    std::vector<const numeric_column*> uses;
    for (const char* c : {"e_wallet", "pay_online_electricity", "pay_online_water", "online_public_service", "app_vssid", "app_vneid", "app_health_book", "ecommerce_buy"})
      if (H.has(c) && H.is_numeric(c)) uses.push_back(&H.numeric(c));
    auto touch = [&](const std::string& level, const std::string& code, const plan_unit& u) -> area& {
      area& a = areas[code];
      a.level = level;
      a.code = code;
      a.ward = u.ward;
      a.cls = u.segment.substr(0, u.segment.find('/'));
      return a;
    };
    for (const auto& u : units) {
      for (int lv = 0; lv < 2; ++lv) {
        area& a = lv == 0 ? touch("neighbourhood", u.neighbourhood, u) : touch("residential_group", u.group, u);
        if (u.business) { a.biz += 1; continue; }
        a.hh += 1;
        bool acc = smart && !is_missing((*smart)[u.row]) && (*smart)[u.row] > 0;
        if (acc) {
          a.with_access += 1;
          bool used = false;
          for (const auto* c : uses) used = used || (!is_missing((*c)[u.row]) && (*c)[u.row] > 0);
          if (used) a.use += 1;
        }
      }
    }
    std::vector<double> unit_pot_p(units.size(), 0.0), unit_pot_m(units.size(), 0.0);
    for (const auto& c : cands) {
      if (unit_pot_m[c.unit] == 0) unit_pot_m[c.unit] = cat.travel_minutes;
      unit_pot_p[c.unit] += c.p;
      unit_pot_m[c.unit] += cat.actions[c.action].minutes;
    }
    for (std::size_t ui = 0; ui < units.size(); ++ui) {
      if (unit_pot_m[ui] == 0) continue;
      for (const std::string* code : {&units[ui].neighbourhood, &units[ui].group}) {
        area& a = areas[*code];
        a.cands += 1;
        a.pot_adopt += unit_pot_p[ui];
        a.pot_min += unit_pot_m[ui];
      }
    }
    for (const auto& s : schedule) {
      const auto& u = units[problem_unit[s.pu]];
      for (const std::string* code : {&u.neighbourhood, &u.group}) {
        area& a = areas[*code];
        a.pl_visits += 1;
        a.pl_adopt += visit_p[s.pu];
        a.pl_min += s.minutes;
      }
    }
    const nlohmann::json pt = cat.raw.value("problem_types", nlohmann::json::object());
    const double access_ok = pt.value("access_threshold", 0.7), use_ok = pt.value("use_threshold", 0.5);
    std::vector<const area*> list;
    for (const auto& [code, a] : areas) list.push_back(&a);
    auto rate = [&](const area* a) { return a->pot_min > 0 ? a->pot_adopt / (a->pot_min / 60.0) : 0.0; };
    std::sort(list.begin(), list.end(), [&](const area* x, const area* y) {
      if (x->level != y->level) return x->level < y->level;
      return rate(x) != rate(y) ? rate(x) > rate(y) : x->code < y->code;
    });
    plan_table_builder ab;
    std::map<std::string, int> rank;
    for (const area* a : list) {
      double access_rate = a->hh > 0 ? a->with_access / a->hh : missing;
      double use_rate = a->with_access > 0 ? a->use / a->with_access : missing;
      std::string type, type_vi;
      if (a->cands == 0) { type = "nothing_left"; type_vi = "không còn việc"; }
      else if (is_missing(access_rate)) { type = "businesses_only"; type_vi = "chỉ có cơ sở kinh doanh"; }
      else {
        bool ga = access_rate >= access_ok, gu = !is_missing(use_rate) && use_rate >= use_ok;
        if (ga && gu) { type = "1_no_problem"; type_vi = "1 - tiếp cận tốt, sử dụng tốt"; }
        else if (ga) { type = "2_use_problem"; type_vi = "2 - có thiết bị nhưng ít sử dụng"; }
        else if (gu) { type = "3_access_problem"; type_vi = "3 - thiếu thiết bị/kết nối"; }
        else { type = "4_access_and_use_problem"; type_vi = "4 - thiếu cả tiếp cận lẫn sử dụng"; }
      }
      ab.num("rank").push_back(static_cast<double>(++rank[a->level]));
      ab.text("level").push_back(a->level);
      ab.text("unit").push_back(a->code);
      ab.text("unit_name").push_back(name_of(a->code));
      ab.text("ward_code").push_back(a->ward);
      ab.text("area_class").push_back(a->cls);
      ab.num("households").push_back(a->hh);
      ab.num("businesses").push_back(a->biz);
      ab.num("access_rate").push_back(access_rate);
      ab.num("use_rate").push_back(use_rate);
      ab.text("problem_type").push_back(type);
      ab.text("problem_type_vi").push_back(type_vi);
      ab.num("to_visit").push_back(a->cands);
      ab.num("potential_adoptions").push_back(a->pot_adopt);
      ab.num("potential_hours").push_back(a->pot_min / 60.0);
      ab.num("adoptions_per_member_hour").push_back(rate(a));
      ab.num("planned_visits").push_back(a->pl_visits);
      ab.num("planned_adoptions").push_back(a->pl_adopt);
      ab.num("planned_hours").push_back(a->pl_min / 60.0);
    }
    plan.priorities = ab.build("priorities");
  }
  // ---- per ward: households reached, actions offered, hours used ----
  {
    struct ward_row { double hh = 0, biz = 0, hh_todo = 0, biz_todo = 0, hh_reached = 0, biz_reached = 0, actions = 0,
                      low = 0, low_reached = 0, low_actions = 0, members = 0, available = 0, used = 0; };
    std::map<std::string, ward_row> rows;
    std::map<std::string, std::string> ward_of;  // any unit code -> its ward
    for (const auto& u : units) {
      ward_of.emplace(u.ward, u.ward);
      ward_of.emplace(u.neighbourhood, u.ward);
      ward_of.emplace(u.group, u.ward);
      (u.business ? rows[u.ward].biz : rows[u.ward].hh) += 1;
      if (!u.business && u.segment.size() > 4 && u.segment.compare(u.segment.size() - 4, 4, "/low") == 0) rows[u.ward].low += 1;
    }
    for (std::size_t pu = 0; pu < problem_unit.size(); ++pu) {
      const auto& u = units[problem_unit[pu]];
      (u.business ? rows[u.ward].biz_todo : rows[u.ward].hh_todo) += 1;
    }
    for (const auto& sv : schedule) {
      const auto& u = units[problem_unit[sv.pu]];
      auto& w = rows[u.ward];
      (u.business ? w.biz_reached : w.hh_reached) += 1;
      const double n = static_cast<double>(visit_actions[sv.pu].size());
      w.actions += n;
      if (!u.business && u.segment.size() > 4 && u.segment.compare(u.segment.size() - 4, 4, "/low") == 0) {
        w.low_reached += 1;
        w.low_actions += n;
      }
    }
    for (std::size_t k = 0; k < members.size(); ++k) {
      auto it = ward_of.find(members[k].unit);
      if (it == ward_of.end()) continue;
      auto& w = rows[it->second];
      w.members += 1;
      w.available += member_total[k];
      w.used += member_used[k];
    }
    plan_table_builder wb;
    for (const auto& [code, w] : rows) {
      wb.text("ward_code").push_back(code);
      wb.text("ward_name").push_back(name_of(code));
      wb.num("households").push_back(w.hh);
      wb.num("households_with_actions").push_back(w.hh_todo);
      wb.num("households_reached").push_back(w.hh_reached);
      wb.num("businesses").push_back(w.biz);
      wb.num("businesses_with_actions").push_back(w.biz_todo);
      wb.num("businesses_reached").push_back(w.biz_reached);
      wb.num("actions_offered").push_back(w.actions);
      wb.num("low_access_households").push_back(w.low);
      wb.num("low_access_reached").push_back(w.low_reached);
      wb.num("low_access_actions_offered").push_back(w.low_actions);
      wb.num("members").push_back(w.members);
      wb.num("hours_available").push_back(w.available / 60.0);
      wb.num("hours_used").push_back(w.used / 60.0);
    }
    plan.wards = wb.build("wards");
  }
  // ---- plan-level steps: R1 before, R4 after (remote areas) ----
  {
    plan_table_builder sb;
    bool remote = false;
    for (const auto& u : units) remote = remote || u.segment.rfind("remote", 0) == 0;
    for (const auto& c : cat.raw.value("campaigns", nlohmann::json::array())) {
      if (c.value("kind", "") != "survey_step") continue;
      bool before = c.value("when", "before") == "before";
      sb.text("campaign").push_back(c.value("id", ""));
      sb.text("when").push_back(before ? "before" : "after");
      sb.text("date").push_back(plan_civil_from_days(before ? d0 : d1));
      sb.text("applies").push_back(remote ? "yes" : "no (no remote area in the plan)");
      sb.text("title_vi").push_back(c.value("title_vi", ""));
      sb.text("title_en").push_back(c.value("title_en", ""));
      sb.text("note_en").push_back(before ? "the households table given to the plan is this survey" : "re-survey after the last visit week; its answers and the visit log feed the next plan");
    }
    plan.steps = sb.build("steps");
  }
  return plan;
}

inline nlohmann::json outreach_plan::to_json() const {
  nlohmann::json j;
  j["start"] = start;
  j["deadline"] = deadline;
  j["scope"] = scope;
  j["objective"] = objective;
  j["scheduled_objective"] = scheduled_objective;
  j["upper_bound"] = upper_bound;
  j["gap"] = gap;
  j["expected_adoptions"] = expected_adopters;
  j["hours_available"] = minutes_available / 60.0;
  j["hours_planned"] = minutes_planned / 60.0;
  nlohmann::json msgs = nlohmann::json::array();
  for (const auto& m : messages) msgs.push_back({{"code", m.code}, {"unit", m.unit}, {"vi", m.vi}, {"en", m.en}});
  j["messages"] = msgs;
  j["priorities"] = detail::plan_table_json(priorities);
  j["visits"] = detail::plan_table_json(visits);
  j["assignments"] = detail::plan_table_json(assignments);
  j["schedule"] = detail::plan_table_json(schedule);
  j["progress"] = detail::plan_table_json(progress);
  j["indicators"] = detail::plan_table_json(indicators);
  j["gaps"] = detail::plan_table_json(gaps);
  j["steps"] = detail::plan_table_json(steps);
  j["posteriors"] = detail::plan_table_json(posteriors);
  j["wards"] = detail::plan_table_json(wards);
  return j;
}

}  // namespace commdx
