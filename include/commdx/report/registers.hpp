#pragma once
// The ward's two registers the directive asks it to keep and report on (issue 16), checked the way
// team coverage is (T5):
//
//  * K10, channels: "Ward/commune Zalo channels and fan pages on digital transformation; a Zalo
//    group per neighbourhood with its executive board and Youth Union secretary; post good
//    practices." The register (channels.csv) lists each channel: its unit, its kind (zalo_oa or
//    fanpage for a ward or commune, zalo_group for a neighbourhood or village), when it was
//    opened, whether a group holds the executive board and the Youth Union secretary, and the
//    date of its latest post. channels_section says, per ward of the report's scope, whether the
//    ward has both channels, how many of its neighbourhoods have a group, and how many a complete
//    one (board and secretary in it), with every neighbourhood's status; and which channels posted
//    nothing in the report's month.
//  * K5, events: "with banks, conferences and workshops on digital banking products" and the
//    e-commerce platforms. The log (events.csv) lists each workshop or conference: date, ward,
//    kind, partner type (bank, ecommerce, post, telecom, other), partner and participants.
//    events_section counts them per ward of the scope, in the month and up to it, by partner
//    type, lists the month's events, and names the wards with no bank or no e-commerce event yet.
//
// Neither register holds household records (channels and public events), so no small-cell rule
// applies. A row naming a unit the places lack, a kind or partner type outside the lists, a
// channel kind on the wrong level, or a date that is no date is refused naming the file, the row
// and the column: nothing is dropped silently. The words are the caller's.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/error.hpp"
#include "commdx/places.hpp"
#include "commdx/report/indicators.hpp"
#include "commdx/report/visits.hpp"
#include "commdx/table.hpp"

namespace commdx::report {

inline constexpr std::array<const char*, 3> channel_kinds = {"zalo_oa", "fanpage", "zalo_group"};
inline constexpr std::array<const char*, 2> event_kinds = {"workshop", "conference"};
inline constexpr std::array<const char*, 5> event_partners = {"bank", "ecommerce", "post", "telecom", "other"};

namespace detail {

template <std::size_t N>
bool one_of(const std::string& s, const std::array<const char*, N>& words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return s == w; });
}

template <std::size_t N>
std::string listed(const std::array<const char*, N>& words) {
  std::string out;
  for (const char* w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

/// A yes/no cell: 1/0, yes/no, true/false, có/không (empty: no).
inline bool yes_no(const std::string& s, const table& t, std::size_t row, const char* column) {
  const std::string v = lower_ascii(s);
  if (v.empty() || v == "0" || v == "no" || v == "false" || s == "không" || s == "Không") return false;
  if (v == "1" || v == "yes" || v == "true" || s == "có" || s == "Có") return true;
  throw input_error(location::in_file(t.source()).at_row(row + 1).in_column(column),
                    "'" + s + "': expected yes or no (1/0, có/không)", "commdx.registers.yes_no");
}

/// An optional text column: absent, or read as numbers because every cell is empty (a CSV
/// reader's guess for a blank column), is none.
inline const text_column* optional_text(const table& t, const char* column) {
  if (!t.has(column)) return nullptr;
  if (t.is_numeric(column)) {
    const auto& v = t.numeric(column);
    if (std::all_of(v.begin(), v.end(), [](double x) { return std::isnan(x); })) return nullptr;
  }
  return &required_text(t, column);
}

/// The wards of the report's scope, in places order (a ward's report: that ward).
inline std::vector<std::string> scope_wards(const places& p, const std::string& ward) {
  std::vector<std::string> out;
  if (!ward.empty()) {
    if (!p.contains(ward) || !is_commune_level(p.at(ward).kind))
      throw input_error(location::in_file("ward").for_unit(ward), "not a ward or commune of the places",
                        "commdx.registers.ward");
    out.push_back(ward);
    return out;
  }
  for (const auto& u : p.units())
    if (is_commune_level(u.kind)) out.push_back(u.code);
  return out;
}

}  // namespace detail

// ---- K10: channels ------------------------------------------------------------------------

struct channels_inputs {
  /// channels.csv: text columns unit, kind (channel_kinds) and opened (YYYY-MM-DD; a channel
  /// opened after the report's month is not counted yet); optional name, board_in_group and
  /// youth_secretary_in_group (yes/no, for a zalo_group) and last_post (YYYY-MM-DD or empty).
  table register_{"channels"};
  commdx::places places;
  std::string month;  ///< "YYYY-MM"
  std::string ward;   ///< a ward's report; "": the city's
};

/// A neighbourhood or village of the scope and its Zalo group.
struct neighbourhood_channel {
  std::string unit, name, ward;
  bool group = false;     ///< a zalo_group opened by the month's end
  bool complete = false;  ///< ... with the executive board and the Youth Union secretary in it
};

/// A ward or commune of the scope.
struct ward_channels {
  std::string ward, name;
  bool zalo_oa = false, fanpage = false;  ///< opened by the month's end
  std::size_t neighbourhoods = 0, with_group = 0, complete_groups = 0;
};

/// A channel of the scope that posted nothing in the report's month (K10: post good practices).
struct silent_channel {
  std::string unit, kind, name;
  std::string last_post;  ///< "" when it never posted
};

struct channels_result {
  std::vector<ward_channels> wards;                  ///< places order
  std::vector<neighbourhood_channel> neighbourhoods;  ///< places order
  std::vector<silent_channel> silent;                 ///< register order
  std::size_t channels = 0;                           ///< channels of the scope opened by the month's end
};

inline nlohmann::json to_json(const channels_result& r) {
  nlohmann::json wards = nlohmann::json::array(), units = nlohmann::json::array(), silent = nlohmann::json::array();
  for (const auto& w : r.wards)
    wards.push_back({{"ward", w.ward}, {"name", w.name}, {"zalo_oa", w.zalo_oa}, {"fanpage", w.fanpage},
                     {"neighbourhoods", w.neighbourhoods}, {"with_group", w.with_group},
                     {"complete_groups", w.complete_groups}});
  for (const auto& n : r.neighbourhoods)
    units.push_back({{"unit", n.unit}, {"name", n.name}, {"ward", n.ward}, {"group", n.group}, {"complete", n.complete}});
  for (const auto& s : r.silent)
    silent.push_back({{"unit", s.unit}, {"kind", s.kind}, {"name", s.name}, {"last_post", s.last_post}});
  return {{"wards", std::move(wards)}, {"neighbourhoods", std::move(units)}, {"silent", std::move(silent)},
          {"channels", r.channels}};
}

/// The K10 section of a month's report (see the header).
inline channels_result channels_section(const channels_inputs& in) {
  using commdx::report::detail::required_text;
  const table& t = in.register_;
  const std::string month = month_text(month_index(in.month));
  const auto& unit = required_text(t, "unit");
  const auto& kind = required_text(t, "kind");
  const auto& opened = required_text(t, "opened");
  const text_column* name = detail::optional_text(t, "name");
  const text_column* board = detail::optional_text(t, "board_in_group");
  const text_column* secretary = detail::optional_text(t, "youth_secretary_in_group");
  const text_column* last_post = detail::optional_text(t, "last_post");
  const auto wards = detail::scope_wards(in.places, in.ward);
  std::map<std::string, std::size_t> ward_pos;
  channels_result r;
  for (const auto& w : wards) {
    ward_pos.emplace(w, r.wards.size());
    r.wards.push_back({w, in.places.at(w).name});
  }
  std::map<std::string, std::size_t> unit_pos;
  for (const auto& u : in.places.units()) {
    if (kind_level(u.kind) != 2) continue;
    const auto w = in.places.ward_of(u.code);
    if (!w || !ward_pos.count(*w)) continue;
    unit_pos.emplace(u.code, r.neighbourhoods.size());
    r.neighbourhoods.push_back({u.code, u.name, *w});
    ++r.wards[ward_pos.at(*w)].neighbourhoods;
  }
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const location at = location::in_file(t.source()).at_row(i + 1);
    if (!in.places.contains(unit[i]))
      throw input_error(at.in_column("unit").for_unit(unit[i]), "not a unit of the places", "commdx.registers.unit");
    if (!detail::one_of(kind[i], channel_kinds))
      throw input_error(at.in_column("kind"), "'" + kind[i] + "': expected one of " + detail::listed(channel_kinds),
                        "commdx.registers.kind");
    const bool group = kind[i] == "zalo_group";
    const int level = in.places.level(unit[i]);
    if (group ? level != 2 : !is_commune_level(in.places.at(unit[i]).kind))
      throw input_error(at.in_column("kind").for_unit(unit[i]),
                        group ? "a zalo_group belongs to a neighbourhood or village (K10)"
                              : "a " + kind[i] + " belongs to a ward or commune (K10)",
                        "commdx.registers.level");
    const std::string when = detail::month_of_date(opened[i], t, i, "opened");
    if (when.empty())
      throw input_error(at.in_column("opened"), "missing: the date the channel was opened", "commdx.registers.date");
    const bool is_complete = group && board != nullptr && secretary != nullptr &&
                             detail::yes_no((*board)[i], t, i, "board_in_group") &&
                             detail::yes_no((*secretary)[i], t, i, "youth_secretary_in_group");
    const std::string posted = last_post != nullptr ? detail::month_of_date((*last_post)[i], t, i, "last_post") : "";
    const auto w = in.places.ward_of(unit[i]);
    if (when > month || !w || !ward_pos.count(*w)) continue;  // not open yet, or outside the scope
    ++r.channels;
    ward_channels& wc = r.wards[ward_pos.at(*w)];
    if (group) {
      neighbourhood_channel& n = r.neighbourhoods[unit_pos.at(unit[i])];
      if (!n.group) ++wc.with_group;
      if (is_complete && !n.complete) ++wc.complete_groups;
      n.group = true;
      n.complete = n.complete || is_complete;
    } else {
      (kind[i] == "zalo_oa" ? wc.zalo_oa : wc.fanpage) = true;
    }
    if (posted != month)
      r.silent.push_back({unit[i], kind[i], name != nullptr ? (*name)[i] : std::string(),
                          last_post != nullptr ? (*last_post)[i] : std::string()});
  }
  return r;
}

// ---- K5: events ---------------------------------------------------------------------------

struct events_inputs {
  /// events.csv: text columns date (YYYY-MM-DD), ward_code, kind (event_kinds) and partner_type
  /// (event_partners); optional partner, topic (text) and participants (numbers; empty: unknown).
  table log{"events"};
  commdx::places places;
  std::string month;  ///< "YYYY-MM"
  std::string ward;   ///< a ward's report; "": the city's
};

/// Events of one ward of the scope: in the month and up to its end, by partner type
/// (event_partners order).
struct ward_events {
  std::string ward, name;
  std::size_t month_events = 0, to_date_events = 0;
  std::array<std::size_t, event_partners.size()> to_date_by_partner{};
  double month_participants = 0;  ///< the month's events with a known number added
};

struct event_row {
  std::string date, ward, kind, partner_type, partner, topic;
  std::optional<double> participants;
};

struct events_result {
  std::vector<ward_events> wards;      ///< places order
  std::vector<event_row> month_events;  ///< by date, then log order
  std::vector<std::string> no_bank_event, no_ecommerce_event;  ///< wards of the scope, places order
};

inline nlohmann::json to_json(const events_result& r) {
  nlohmann::json wards = nlohmann::json::array(), rows = nlohmann::json::array();
  for (const auto& w : r.wards) {
    nlohmann::json by = nlohmann::json::object();
    for (std::size_t k = 0; k < event_partners.size(); ++k) by[event_partners[k]] = w.to_date_by_partner[k];
    wards.push_back({{"ward", w.ward}, {"name", w.name}, {"month_events", w.month_events},
                     {"to_date_events", w.to_date_events}, {"to_date_by_partner", std::move(by)},
                     {"month_participants", w.month_participants}});
  }
  for (const auto& e : r.month_events)
    rows.push_back({{"date", e.date}, {"ward", e.ward}, {"kind", e.kind}, {"partner_type", e.partner_type},
                    {"partner", e.partner}, {"topic", e.topic},
                    {"participants", e.participants ? nlohmann::json(*e.participants) : nlohmann::json(nullptr)}});
  return {{"wards", std::move(wards)}, {"month_events", std::move(rows)}, {"no_bank_event", r.no_bank_event},
          {"no_ecommerce_event", r.no_ecommerce_event}};
}

/// The K5 section of a month's report (see the header).
inline events_result events_section(const events_inputs& in) {
  using commdx::report::detail::required_text;
  const table& t = in.log;
  const std::string month = month_text(month_index(in.month));
  const auto& date = required_text(t, "date");
  const auto& ward = required_text(t, "ward_code");
  const auto& kind = required_text(t, "kind");
  const auto& partner_type = required_text(t, "partner_type");
  const text_column* partner = detail::optional_text(t, "partner");
  const text_column* topic = detail::optional_text(t, "topic");
  const numeric_column* participants = nullptr;
  if (t.has("participants")) {
    if (!t.is_numeric("participants"))
      throw input_error(location::in_file(t.source()).in_column("participants"), "expected numbers, got text",
                        "commdx.registers.participants");
    participants = &t.numeric("participants");
  }
  const auto wards = detail::scope_wards(in.places, in.ward);
  std::map<std::string, std::size_t> ward_pos;
  events_result r;
  for (const auto& w : wards) {
    ward_pos.emplace(w, r.wards.size());
    r.wards.push_back({w, in.places.at(w).name});
  }
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const location at = location::in_file(t.source()).at_row(i + 1);
    const std::string when = detail::month_of_date(date[i], t, i, "date");
    if (when.empty()) throw input_error(at.in_column("date"), "missing: the event's date", "commdx.registers.date");
    if (!in.places.contains(ward[i]) || !is_commune_level(in.places.at(ward[i]).kind))
      throw input_error(at.in_column("ward_code").for_unit(ward[i]), "not a ward or commune of the places",
                        "commdx.registers.unit");
    if (!detail::one_of(kind[i], event_kinds))
      throw input_error(at.in_column("kind"), "'" + kind[i] + "': expected one of " + detail::listed(event_kinds),
                        "commdx.registers.kind");
    const auto p = std::find_if(event_partners.begin(), event_partners.end(),
                                [&](const char* w) { return partner_type[i] == w; });
    if (p == event_partners.end())
      throw input_error(at.in_column("partner_type"),
                        "'" + partner_type[i] + "': expected one of " + detail::listed(event_partners),
                        "commdx.registers.partner_type");
    std::optional<double> people;
    if (participants != nullptr && !std::isnan((*participants)[i])) {
      if ((*participants)[i] < 0)
        throw input_error(at.in_column("participants"), "a number of people cannot be negative",
                          "commdx.registers.participants");
      people = (*participants)[i];
    }
    auto it = ward_pos.find(ward[i]);
    if (when > month || it == ward_pos.end()) continue;  // later, or outside the scope
    ward_events& w = r.wards[it->second];
    ++w.to_date_events;
    ++w.to_date_by_partner[static_cast<std::size_t>(p - event_partners.begin())];
    if (when == month) {
      ++w.month_events;
      w.month_participants += people.value_or(0.0);
      r.month_events.push_back({date[i], ward[i], kind[i], partner_type[i], partner ? (*partner)[i] : std::string(),
                                topic ? (*topic)[i] : std::string(), people});
    }
  }
  std::stable_sort(r.month_events.begin(), r.month_events.end(),
                   [](const event_row& a, const event_row& b) { return a.date < b.date; });
  for (const auto& w : r.wards) {
    if (w.to_date_by_partner[0] == 0) r.no_bank_event.push_back(w.ward);
    if (w.to_date_by_partner[1] == 0) r.no_ecommerce_event.push_back(w.ward);
  }
  return r;
}

}  // namespace commdx::report
