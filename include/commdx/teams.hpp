#pragma once
// T1-T7: Community Digital Technology Teams. The roster (teams at ward, neighbourhood/village and
// residential-group level with their members), its readers (JSON, CSV, any table) with errors that
// name the file, row and field, the directive's composition rules as a data-driven rule set
// (python/commdx/data/team-rules.json), and the coverage of neighbourhoods and villages against the
// deadline (T4, T5).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/data.hpp"
#include "commdx/detail/dates.hpp"
#include "commdx/error.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/io/json.hpp"
#include "commdx/places.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx {

// ---- vocabularies -------------------------------------------------------------------------------

/// T1, T3, T4: the level a team works at.
enum class team_level { ward, neighbourhood, residential_group };
enum class member_role { leader, deputy, member };
/// The organisation a member represents (T1, T3).
enum class affiliation {
  pc_vice_chairman,
  youth_union_secretary,
  youth_union_member,
  fatherland_front,
  womens_union,
  executive_board,
  group_leader,
  bank_staff,
  other
};
enum class severity { error, warning, info };

namespace detail {
template <class E>
struct vocab_entry {
  const char* name;
  E value;
};
inline const vocab_entry<team_level> team_levels[] = {
    {"ward", team_level::ward}, {"neighbourhood", team_level::neighbourhood},
    {"residential_group", team_level::residential_group}};
inline const vocab_entry<member_role> member_roles[] = {
    {"leader", member_role::leader}, {"deputy", member_role::deputy}, {"member", member_role::member}};
inline const vocab_entry<affiliation> affiliations[] = {
    {"pc_vice_chairman", affiliation::pc_vice_chairman},
    {"youth_union_secretary", affiliation::youth_union_secretary},
    {"youth_union_member", affiliation::youth_union_member},
    {"fatherland_front", affiliation::fatherland_front},
    {"womens_union", affiliation::womens_union},
    {"executive_board", affiliation::executive_board},
    {"group_leader", affiliation::group_leader},
    {"bank_staff", affiliation::bank_staff},
    {"other", affiliation::other}};
inline const vocab_entry<severity> severities[] = {
    {"error", severity::error}, {"warning", severity::warning}, {"info", severity::info}};

// Vietnamese and common alternative spellings, folded (no diacritics, lower case, '_' for spaces).
inline const vocab_entry<team_level> team_level_aliases[] = {
    {"phuong", team_level::ward}, {"xa", team_level::ward}, {"commune", team_level::ward},
    {"neighborhood", team_level::neighbourhood}, {"village", team_level::neighbourhood},
    {"khu_pho", team_level::neighbourhood}, {"thon", team_level::neighbourhood},
    {"to_dan_cu", team_level::residential_group}, {"group", team_level::residential_group}};
inline const vocab_entry<member_role> member_role_aliases[] = {
    {"to_truong", member_role::leader}, {"to_pho", member_role::deputy},
    {"thanh_vien", member_role::member}};
inline const vocab_entry<affiliation> affiliation_aliases[] = {
    {"pho_chu_tich_ubnd", affiliation::pc_vice_chairman}, {"pho_chu_tich", affiliation::pc_vice_chairman},
    {"bi_thu_doan", affiliation::youth_union_secretary}, {"doan_vien", affiliation::youth_union_member},
    {"mat_tran", affiliation::fatherland_front}, {"mttq", affiliation::fatherland_front},
    {"hoi_phu_nu", affiliation::womens_union}, {"ban_dieu_hanh", affiliation::executive_board},
    {"to_truong_to_dan_cu", affiliation::group_leader}, {"ngan_hang", affiliation::bank_staff},
    {"khac", affiliation::other}};

inline std::string vocab_key(std::string_view s) {
  std::string f = text::fold(s);
  std::replace(f.begin(), f.end(), ' ', '_');
  return f;
}

template <class E, std::size_t N, std::size_t M>
std::optional<E> parse_vocab(std::string_view s, const vocab_entry<E> (&names)[N],
                             const vocab_entry<E> (&aliases)[M]) {
  std::string key = vocab_key(s);
  for (const auto& e : names)
    if (key == e.name) return e.value;
  for (const auto& e : aliases)
    if (key == e.name) return e.value;
  return std::nullopt;
}

template <class E, std::size_t N>
const char* vocab_name(E v, const vocab_entry<E> (&names)[N]) {
  for (const auto& e : names)
    if (e.value == v) return e.name;
  return "?";
}

template <class E, std::size_t N>
std::string vocab_list(const vocab_entry<E> (&names)[N]) {
  std::string s;
  for (const auto& e : names) s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

inline const vocab_entry<team_level> no_level_alias[] = {{"ward", team_level::ward}};
inline const vocab_entry<severity> no_severity_alias[] = {{"error", severity::error}};
}  // namespace detail

inline const char* to_string(team_level v) { return detail::vocab_name(v, detail::team_levels); }
inline const char* to_string(member_role v) { return detail::vocab_name(v, detail::member_roles); }
inline const char* to_string(affiliation v) { return detail::vocab_name(v, detail::affiliations); }
inline const char* to_string(severity v) { return detail::vocab_name(v, detail::severities); }

/// Vietnamese label of a team level ("phường/xã", "khu phố/thôn", "tổ dân cư").
inline const char* label_vi(team_level v) {
  switch (v) {
    case team_level::ward: return "phường/xã";
    case team_level::neighbourhood: return "khu phố/thôn";
    case team_level::residential_group: return "tổ dân cư";
  }
  return "?";
}
/// English words for a team level in messages ("ward", "neighbourhood", "residential group").
inline const char* level_en(team_level v) {
  switch (v) {
    case team_level::ward: return "ward";
    case team_level::neighbourhood: return "neighbourhood";
    case team_level::residential_group: return "residential group";
  }
  return "?";
}
/// Vietnamese label of a severity ("lỗi", "cảnh báo", "thông tin").
inline const char* label_vi(severity v) {
  switch (v) {
    case severity::error: return "lỗi";
    case severity::warning: return "cảnh báo";
    case severity::info: return "thông tin";
  }
  return "?";
}

/// Parsers accept the English identifiers and common Vietnamese words, any case or diacritics.
inline std::optional<team_level> parse_team_level(std::string_view s) {
  return detail::parse_vocab(s, detail::team_levels, detail::team_level_aliases);
}
inline std::optional<member_role> parse_member_role(std::string_view s) {
  return detail::parse_vocab(s, detail::member_roles, detail::member_role_aliases);
}
inline std::optional<affiliation> parse_affiliation(std::string_view s) {
  return detail::parse_vocab(s, detail::affiliations, detail::affiliation_aliases);
}
inline std::optional<severity> parse_severity(std::string_view s) {
  return detail::parse_vocab(s, detail::severities, detail::no_severity_alias);
}

/// The skills the directive's rules use: "it" (computers, IT) and "smartphone". Other spellings
/// are folded onto them ("IT", "CNTT", "computer", "máy tính"; "điện thoại", "phone"). Any other
/// skill a city records ("egov", "e_payment") is kept as a tag, folded to lower-case ASCII with
/// '_' for spaces, so a rule set may count it too.
inline const std::vector<std::string>& known_skills() {
  static const std::vector<std::string> skills{"it", "smartphone"};
  return skills;
}
/// The normalised skill tag, or nothing for an empty or unreadable one.
inline std::optional<std::string> parse_skill(std::string_view s) {
  std::string key = detail::vocab_key(s);
  if (key.empty()) return std::nullopt;
  if (key == "it" || key == "cntt" || key == "computer" || key == "may_tinh") return std::string("it");
  if (key == "smartphone" || key == "dien_thoai" || key == "phone" || key == "dien_thoai_thong_minh")
    return std::string("smartphone");
  return key;
}

/// True when s is a real calendar date written YYYY-MM-DD.
inline bool valid_iso_date(std::string_view s) { return detail::parse_civil_date(s).has_value(); }

// ---- value types --------------------------------------------------------------------------------

struct member {
  std::string id;    ///< unique in the roster ("M-26506-01")
  std::string name;  ///< NFC
  member_role role = member_role::member;
  commdx::affiliation affiliation = commdx::affiliation::other;
  std::vector<std::string> skills;  ///< normalised tags (see parse_skill), sorted, no repeats
  double weekly_hours = missing;    ///< hours a week available; missing (NaN) when not given
  std::optional<std::string> phone;

  bool has_skill(std::string_view s) const { return std::find(skills.begin(), skills.end(), s) != skills.end(); }
  friend bool operator==(const member& a, const member& b) {
    bool hours = (is_missing(a.weekly_hours) && is_missing(b.weekly_hours)) || a.weekly_hours == b.weekly_hours;
    return a.id == b.id && a.name == b.name && a.role == b.role && a.affiliation == b.affiliation &&
           a.skills == b.skills && hours && a.phone == b.phone;
  }
  friend bool operator!=(const member& a, const member& b) { return !(a == b); }
};

struct team {
  std::string id;  ///< unique in the roster ("T-26506")
  team_level level = team_level::neighbourhood;
  std::string unit;             ///< code of the unit in the places tree
  std::string decided_by;       ///< "UBND Phường 1"
  std::string decision_number;  ///< "45/QĐ-UBND"
  std::string decision_date;    ///< YYYY-MM-DD, or empty when not decided yet
  std::vector<member> members;

  friend bool operator==(const team& a, const team& b) {
    return a.id == b.id && a.level == b.level && a.unit == b.unit && a.decided_by == b.decided_by &&
           a.decision_number == b.decision_number && a.decision_date == b.decision_date &&
           a.members == b.members;
  }
  friend bool operator!=(const team& a, const team& b) { return !(a == b); }
};

namespace detail {
inline std::string trimmed(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return std::string();
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

inline member_role role_or_throw(const std::string& s, const location& where) {
  auto v = parse_member_role(s);
  if (!v) throw input_error(where, "unknown role '" + s + "' (expected " + vocab_list(member_roles) + ")");
  return *v;
}
inline affiliation affiliation_or_throw(const std::string& s, const location& where) {
  auto v = parse_affiliation(s);
  if (!v)
    throw input_error(where, "unknown affiliation '" + s + "' (expected " + vocab_list(affiliations) + ")");
  return *v;
}
inline team_level level_or_throw(const std::string& s, const location& where) {
  auto v = parse_team_level(s);
  if (!v) throw input_error(where, "unknown team level '" + s + "' (expected " + vocab_list(team_levels) + ")");
  return *v;
}
inline std::vector<std::string> skills_or_throw(const std::vector<std::string>& raw, const location& where) {
  std::set<std::string> out;
  for (const auto& s : raw) {
    std::string t = trimmed(s);
    if (t.empty()) continue;
    auto k = parse_skill(t);
    if (!k) throw input_error(where, "unreadable skill '" + t + "' (use letters and digits, e.g. it, smartphone)");
    out.insert(*k);
  }
  return {out.begin(), out.end()};
}
inline std::vector<std::string> split_skills(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == ';' || c == '|' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}
inline void check_date(const std::string& d, const location& where) {
  if (!d.empty() && !valid_iso_date(d))
    throw input_error(where, "bad date '" + d + "' (expected a real date written YYYY-MM-DD, e.g. 2022-07-05)");
}
// Zero hours is refused too (issue 11): a member with no time is not on the team, and the plan
// would silently give them nothing; not given (missing) stays allowed.
// The member is named (the row's unit is the team, and a team has several members).
inline void check_hours(double h, const location& where, const std::string& member_id = "") {
  if (!is_missing(h) && (!std::isfinite(h) || h <= 0))
    throw input_error(where, (member_id.empty() ? std::string() : "member " + member_id + ": ") +
                                 "weekly hours must be a number > 0, got " + format_number(h));
}
inline std::string code_or_text(const nlohmann::json& v, const location& where, const char* what) {
  if (v.is_string()) return trimmed(v.get<std::string>());
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  throw input_error(where, std::string(what) + " must be a string or an integer, got " + v.dump());
}
inline location at_field(location where, const std::string& field) {
  where.column = field;
  return where;
}
}  // namespace detail

// ---- JSON of the value types ---------------------------------------------------------------------

inline nlohmann::json to_json(const member& m) {
  nlohmann::json j{{"id", m.id}, {"name", m.name}, {"role", to_string(m.role)},
                   {"affiliation", to_string(m.affiliation)}, {"skills", m.skills}};
  // whole hours are written as integers (8, not 8.0), as people write them
  const double h = m.weekly_hours;
  j["weekly_hours"] = is_missing(h) ? nlohmann::json(nullptr)
                      : (std::floor(h) == h && std::fabs(h) < 1e9) ? nlohmann::json(static_cast<long long>(h))
                                                                   : nlohmann::json(h);
  j["phone"] = m.phone ? nlohmann::json(*m.phone) : nlohmann::json(nullptr);
  return j;
}

/// A member from JSON. `where` names the file and the team row; `path` prefixes field names
/// ("members[2]." gives "members[2].role").
inline member member_from_json(const nlohmann::json& j, const location& where = location::in_file("<json>"),
                               const std::string& path = "") {
  using detail::at_field;
  if (!j.is_object()) throw input_error(at_field(where, path.empty() ? "member" : path.substr(0, path.size() - 1)),
                                        "expected a JSON object for a member, got " + std::string(j.type_name()));
  auto field = [&](const char* k) { return at_field(where, path + k); };
  auto str = [&](const char* k, bool required) -> std::string {
    if (!j.contains(k) || j.at(k).is_null()) {
      if (required) throw input_error(field(k), "missing required field");
      return std::string();
    }
    const auto& v = j.at(k);
    if (!v.is_string()) throw input_error(field(k), "expected text, got " + v.dump());
    return text::to_nfc(detail::trimmed(v.get<std::string>()));
  };
  member m;
  if (!j.contains("id") || j.at("id").is_null()) throw input_error(field("id"), "missing required field");
  m.id = detail::code_or_text(j.at("id"), field("id"), "a member id");
  m.name = str("name", false);
  m.role = detail::role_or_throw(str("role", true), field("role"));
  m.affiliation = detail::affiliation_or_throw(str("affiliation", true), field("affiliation"));
  if (j.contains("skills") && !j.at("skills").is_null()) {
    const auto& s = j.at("skills");
    std::vector<std::string> raw;
    if (s.is_string()) {
      raw = detail::split_skills(s.get<std::string>());
    } else if (s.is_array()) {
      for (const auto& x : s) {
        if (!x.is_string()) throw input_error(field("skills"), "expected a list of skill names, got " + s.dump());
        raw.push_back(x.get<std::string>());
      }
    } else {
      throw input_error(field("skills"), "expected a list of skill names, got " + s.dump());
    }
    m.skills = detail::skills_or_throw(raw, field("skills"));
  }
  if (j.contains("weekly_hours") && !j.at("weekly_hours").is_null()) {
    const auto& h = j.at("weekly_hours");
    if (!h.is_number()) throw input_error(field("weekly_hours"), "expected a number, got " + h.dump());
    m.weekly_hours = h.get<double>();
    detail::check_hours(m.weekly_hours, field("weekly_hours"));
  }
  if (j.contains("phone") && !j.at("phone").is_null()) {
    const auto& p = j.at("phone");
    if (p.is_string()) {
      std::string t = detail::trimmed(p.get<std::string>());
      if (!t.empty()) m.phone = t;
    } else {
      throw input_error(field("phone"), "a phone number must be text (keep its leading 0), got " + p.dump());
    }
  }
  return m;
}

inline nlohmann::json to_json(const team& t) {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& m : t.members) members.push_back(to_json(m));
  return nlohmann::json{{"id", t.id},
                        {"level", to_string(t.level)},
                        {"unit", t.unit},
                        {"decided_by", t.decided_by},
                        {"decision_number", t.decision_number},
                        {"decision_date", t.decision_date.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.decision_date)},
                        {"members", std::move(members)}};
}

/// A team from JSON; `where.row` is the team's position in the file (1-based).
inline team team_from_json(const nlohmann::json& j, const location& where = location::in_file("<json>")) {
  using detail::at_field;
  if (!j.is_object()) throw input_error(where, "expected a JSON object for a team, got " + std::string(j.type_name()));
  team t;
  location w = where;
  if (!j.contains("id") || j.at("id").is_null()) throw input_error(at_field(w, "id"), "missing required field");
  t.id = detail::code_or_text(j.at("id"), at_field(w, "id"), "a team id");
  w.unit = t.id;
  auto str = [&](const char* k, bool required) -> std::string {
    if (!j.contains(k) || j.at(k).is_null()) {
      if (required) throw input_error(at_field(w, k), "missing required field");
      return std::string();
    }
    const auto& v = j.at(k);
    if (!v.is_string()) throw input_error(at_field(w, k), "expected text, got " + v.dump());
    return text::to_nfc(detail::trimmed(v.get<std::string>()));
  };
  t.level = detail::level_or_throw(str("level", true), at_field(w, "level"));
  if (!j.contains("unit") || j.at("unit").is_null()) throw input_error(at_field(w, "unit"), "missing required field");
  t.unit = detail::code_or_text(j.at("unit"), at_field(w, "unit"), "a unit code");
  t.decided_by = str("decided_by", false);
  t.decision_number = str("decision_number", false);
  t.decision_date = str("decision_date", false);
  detail::check_date(t.decision_date, at_field(w, "decision_date"));
  if (j.contains("members") && !j.at("members").is_null()) {
    const auto& ms = j.at("members");
    if (!ms.is_array()) throw input_error(at_field(w, "members"), "expected an array of members");
    std::size_t k = 0;
    for (const auto& mj : ms) {
      t.members.push_back(member_from_json(mj, w, "members[" + std::to_string(k) + "]."));
      ++k;
    }
  }
  return t;
}

// ADL hooks so that nlohmann::json(m) and j.get<commdx::member>() work.
inline void to_json(nlohmann::json& j, const member& m) { j = to_json(m); }
inline void from_json(const nlohmann::json& j, member& m) { m = member_from_json(j); }
inline void to_json(nlohmann::json& j, const team& t) { j = to_json(t); }
inline void from_json(const nlohmann::json& j, team& t) { t = team_from_json(j); }

// ---- the roster ----------------------------------------------------------------------------------

/// Every team of a city with its members. Built through the factories, which validate it: unique
/// team and member ids, real dates, non-negative hours. Each team remembers where it was read
/// (file, row, line) so later errors, such as a unit unknown in the places, can name it.
class roster {
 public:
  roster() = default;

  /// Validates teams built in code or read by a reader. `where` gives each team's source location
  /// (row or line); `member_where` each member's (CSV rows); both optional.
  static roster from_teams(std::vector<team> teams, const std::string& source = "roster",
                           std::vector<location> where = {},
                           std::vector<std::vector<location>> member_where = {}) {
    roster r;
    r.source_ = source;
    r.teams_ = std::move(teams);
    r.where_ = std::move(where);
    r.member_where_ = std::move(member_where);
    if (r.where_.size() != r.teams_.size()) {
      r.where_.clear();
      for (std::size_t i = 0; i < r.teams_.size(); ++i) r.where_.push_back(location::in_file(source).at_row(i + 1));
    }
    for (std::size_t i = 0; i < r.teams_.size(); ++i) r.where_[i].unit = r.teams_[i].id;
    if (r.member_where_.size() != r.teams_.size()) r.member_where_.assign(r.teams_.size(), {});
    r.validate();
    return r;
  }

  /// {"teams": [...]} or a bare array of teams (contracts.md, "Roster (teams) format").
  static roster from_json(const nlohmann::json& j, const std::string& source = "<json>") try {
    const nlohmann::json* arr = &j;
    if (j.is_object()) arr = &io::require(j, "teams", location::in_file(source));
    if (!arr->is_array())
      throw input_error(location::in_file(source).in_column("teams"), "expected an array of teams");
    std::vector<team> teams;
    std::vector<location> where;
    std::vector<std::vector<location>> member_where;
    std::size_t i = 0;
    for (const auto& tj : *arr) {
      ++i;
      location w = location::in_file(source).at_row(i);
      teams.push_back(team_from_json(tj, w));
      w.unit = teams.back().id;
      where.push_back(w);
      std::vector<location> mw;
      for (std::size_t k = 0; k < teams.back().members.size(); ++k) {
        location x = w;
        x.column = "members[" + std::to_string(k) + "]";
        mw.push_back(x);
      }
      member_where.push_back(std::move(mw));
    }
    return from_teams(std::move(teams), source, std::move(where), std::move(member_where));
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }

  static roster from_json_text(std::string_view text, const std::string& source = "<json>") {
    return from_json(io::parse_json(text, source), source);
  }

  /// One row per member (contracts.md): team_id, level, unit, decided_by, decision_number,
  /// decision_date, member_id, name, role, affiliation, skills (space-separated), weekly_hours,
  /// phone. A team's rows may be anywhere in the file but must agree on the team's fields; a row
  /// with an empty member_id, name, role and affiliation declares a team without members. `lines`
  /// optionally gives each row's text line for messages.
  static roster from_table(const table& t, const std::vector<std::size_t>& lines = {}) {
    const std::string& src = t.source();
    for (const char* required : {"team_id", "level", "unit", "member_id", "role", "affiliation"})
      if (!t.has(required)) throw input_error(location::in_file(src).in_column(required), "missing required column");
    auto cell = [&t](const char* col, std::size_t r) -> std::string {
      if (!t.has(col)) return std::string();
      return text::to_nfc(detail::trimmed(t.cell_text(col, r)));
    };
    std::vector<team> teams;
    std::vector<location> where;
    std::vector<std::vector<location>> member_where;
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      location w = location::in_file(src).at_row(r + 1).at_line(r < lines.size() ? lines[r] : 0);
      std::string id = cell("team_id", r);
      if (id.empty()) throw input_error(detail::at_field(w, "team_id"), "empty team id");
      w.unit = id;
      team row;
      row.id = id;
      row.level = detail::level_or_throw(cell("level", r), detail::at_field(w, "level"));
      row.unit = cell("unit", r);
      if (row.unit.empty()) throw input_error(detail::at_field(w, "unit"), "empty unit code");
      row.decided_by = cell("decided_by", r);
      row.decision_number = cell("decision_number", r);
      row.decision_date = cell("decision_date", r);
      detail::check_date(row.decision_date, detail::at_field(w, "decision_date"));
      auto it = index.find(id);
      std::size_t ti;
      if (it == index.end()) {
        ti = teams.size();
        index.emplace(id, ti);
        teams.push_back(row);
        where.push_back(w);
        member_where.emplace_back();
      } else {
        ti = it->second;
        const team& first = teams[ti];
        auto agree = [&](const char* col, const std::string& a, const std::string& b) {
          if (a != b)
            throw validation_error(detail::at_field(w, col),
                                   "team " + id + " was given " + col + " '" + b + "' on row " +
                                       std::to_string(where[ti].row) + " but '" + a +
                                       "' here (duplicate team id, or a typo)");
        };
        agree("level", to_string(row.level), to_string(first.level));
        agree("unit", row.unit, first.unit);
        agree("decided_by", row.decided_by, first.decided_by);
        agree("decision_number", row.decision_number, first.decision_number);
        agree("decision_date", row.decision_date, first.decision_date);
      }
      std::string mid = cell("member_id", r), name = cell("name", r), role = cell("role", r),
                  aff = cell("affiliation", r);
      if (mid.empty() && name.empty() && role.empty() && aff.empty()) continue;  // a team-only row
      if (mid.empty()) throw input_error(detail::at_field(w, "member_id"), "empty member id");
      member m;
      m.id = mid;
      m.name = name;
      m.role = detail::role_or_throw(role, detail::at_field(w, "role"));
      m.affiliation = detail::affiliation_or_throw(aff, detail::at_field(w, "affiliation"));
      m.skills = detail::skills_or_throw(detail::split_skills(cell("skills", r)), detail::at_field(w, "skills"));
      if (t.has("weekly_hours")) {
        if (t.is_numeric("weekly_hours")) {
          m.weekly_hours = t.numeric("weekly_hours")[r];
        } else {
          std::string h = detail::trimmed(t.text("weekly_hours")[r]);
          if (!h.empty() && !io::parse_number(h, m.weekly_hours))
            throw input_error(detail::at_field(w, "weekly_hours"), "expected a number, got '" + h + "'");
        }
        detail::check_hours(m.weekly_hours, detail::at_field(w, "weekly_hours"), m.id);
      }
      std::string phone = cell("phone", r);
      if (!phone.empty()) m.phone = phone;
      teams[ti].members.push_back(std::move(m));
      location mw = w;
      mw.column = "member_id";
      member_where[ti].push_back(mw);
    }
    // A header and no rows is a roster that lost its rows (a cut export), not a city without
    // teams: refused, naming the file (issue 11).
    if (t.rows() == 0) throw input_error(location::in_file(src), "a header and no rows: no team in the roster");
    return from_teams(std::move(teams), src, std::move(where), std::move(member_where));
  }

  static roster from_csv_text(std::string_view text, const std::string& source = "<csv>") {
    auto rec = io::parse_csv(text, source);
    std::set<std::string> text_columns(rec.header.begin(), rec.header.end());
    text_columns.erase("weekly_hours");
    return from_table(io::to_table(rec, text_columns), rec.lines);
  }

  /// Reads .json, or CSV (.csv, .tsv, .txt). XLSX is read by the Python package (read_roster).
  static roster from_file(const std::string& path) {
    auto ends_with = [&path](const char* ext) {
      std::string e(ext), p = text::fold(path.size() >= e.size() ? path.substr(path.size() - e.size()) : "");
      return p == text::fold(e);
    };
    if (ends_with(".xlsx") || ends_with(".xls"))
      throw input_error(location::in_file(path),
                        "spreadsheets are read by the Python package (commdx.read_roster); save it as CSV for C++");
    std::string content = io::read_file(path);
    if (ends_with(".json")) return from_json_text(content, path);
    return from_csv_text(content, path);
  }

  // ---- access ------------------------------------------------------------------------------------
  const std::vector<team>& teams() const noexcept { return teams_; }
  std::size_t size() const noexcept { return teams_.size(); }
  const std::string& source() const noexcept { return source_; }
  /// Where team i was read (file, row, line, team id).
  const location& where(std::size_t i) const { return where_.at(i); }
  const team* find(const std::string& id) const {
    for (const auto& t : teams_)
      if (t.id == id) return &t;
    return nullptr;
  }

  /// T1, T3: every team's unit exists in `p`; otherwise a validation_error naming the team's file,
  /// row and the column 'unit'.
  void check_units(const places& p) const {
    for (std::size_t i = 0; i < teams_.size(); ++i) {
      if (!p.contains(teams_[i].unit)) {
        location w = where_[i];
        w.column = "unit";
        throw validation_error(w, "team " + teams_[i].id + ": unit '" + teams_[i].unit +
                                      "' is not in the places (" + p.source() +
                                      "); pass the places tree that holds it (commdx teams check: --places FILE)");
      }
    }
  }

  nlohmann::json to_json() const {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& t : teams_) arr.push_back(commdx::to_json(t));
    return nlohmann::json{{"teams", std::move(arr)}};
  }

  /// One row per member in the CSV column order of contracts.md; a team without members is one
  /// row with empty member fields.
  table to_table() const {
    table out(source_);
    text_column team_id, level, unit, decided_by, number, date, member_id, name, role, aff, skills, phone;
    numeric_column hours;
    auto team_part = [&](const team& t) {
      team_id.push_back(t.id);
      level.push_back(to_string(t.level));
      unit.push_back(t.unit);
      decided_by.push_back(t.decided_by);
      number.push_back(t.decision_number);
      date.push_back(t.decision_date);
    };
    for (const auto& t : teams_) {
      if (t.members.empty()) {
        team_part(t);
        for (auto* c : {&member_id, &name, &role, &aff, &skills, &phone}) c->emplace_back();
        hours.push_back(missing);
      }
      for (const auto& m : t.members) {
        team_part(t);
        member_id.push_back(m.id);
        name.push_back(m.name);
        role.push_back(to_string(m.role));
        aff.push_back(to_string(m.affiliation));
        std::string s;
        for (const auto& k : m.skills) s += (s.empty() ? "" : " ") + k;
        skills.push_back(s);
        hours.push_back(m.weekly_hours);
        phone.push_back(m.phone.value_or(""));
      }
    }
    out.set("team_id", team_id); out.set("level", level); out.set("unit", unit);
    out.set("decided_by", decided_by); out.set("decision_number", number); out.set("decision_date", date);
    out.set("member_id", member_id); out.set("name", name); out.set("role", role);
    out.set("affiliation", aff); out.set("skills", skills); out.set("weekly_hours", hours);
    out.set("phone", phone);
    return out;
  }

  std::string to_csv() const { return io::write_csv(to_table()); }

  friend bool operator==(const roster& a, const roster& b) { return a.teams_ == b.teams_; }
  friend bool operator!=(const roster& a, const roster& b) { return !(a == b); }

 private:
  void validate() const {
    std::unordered_map<std::string, std::size_t> team_ids;
    std::unordered_map<std::string, location> member_ids;
    for (std::size_t i = 0; i < teams_.size(); ++i) {
      const team& t = teams_[i];
      const location& w = where_[i];
      if (t.id.empty()) throw validation_error(detail::at_field(w, "id"), "empty team id");
      if (t.unit.empty()) throw validation_error(detail::at_field(w, "unit"), "empty unit code");
      auto [it, fresh] = team_ids.emplace(t.id, i);
      if (!fresh)
        throw validation_error(detail::at_field(w, "id"), "duplicate team id " + t.id + " (first at " +
                                                              row_text(where_[it->second]) + ")");
      detail::check_date(t.decision_date, detail::at_field(w, "decision_date"));
      for (std::size_t k = 0; k < t.members.size(); ++k) {
        const member& m = t.members[k];
        location mw = k < member_where_[i].size() ? member_where_[i][k] : detail::at_field(w, "members[" + std::to_string(k) + "]");
        std::string prefix = mw.column == "member_id" ? std::string() : mw.column + ".";
        if (m.id.empty()) throw validation_error(detail::at_field(mw, prefix + (prefix.empty() ? "member_id" : "id")), "empty member id");
        detail::check_hours(m.weekly_hours, detail::at_field(mw, prefix + "weekly_hours"), m.id);
        for (const auto& s : m.skills)
          if (parse_skill(s) != s)
            throw validation_error(detail::at_field(mw, prefix + "skills"), "skill '" + s + "' is not a normalised tag (expected e.g. it, smartphone)");
        auto [mit, mfresh] = member_ids.emplace(m.id, mw);
        if (!mfresh)
          throw validation_error(detail::at_field(mw, prefix + (prefix.empty() ? "member_id" : "id")),
                                 "duplicate member id " + m.id + " (first at " + row_text(mit->second) + ")");
      }
    }
  }
  static std::string row_text(const location& w) {
    std::string s = "row " + std::to_string(w.row);
    if (w.line != 0) s += ", line " + std::to_string(w.line);
    if (!w.unit.empty()) s += ", team " + w.unit;
    return s;
  }

  std::string source_;
  std::vector<team> teams_;
  std::vector<location> where_;
  std::vector<std::vector<location>> member_where_;
};

inline void to_json(nlohmann::json& j, const roster& r) { j = r.to_json(); }
inline void from_json(const nlohmann::json& j, roster& r) { r = roster::from_json(j); }

// ---- findings ------------------------------------------------------------------------------------

/// One result of checking a roster: which rule, which team (empty for a unit without a team),
/// which unit, how serious, and the message in Vietnamese and English.
struct finding {
  commdx::severity severity = commdx::severity::error;
  std::string rule;
  std::string team;
  std::string unit;
  std::string message_vi;
  std::string message_en;

  friend bool operator==(const finding& a, const finding& b) {
    return a.severity == b.severity && a.rule == b.rule && a.team == b.team && a.unit == b.unit &&
           a.message_vi == b.message_vi && a.message_en == b.message_en;
  }
  friend bool operator!=(const finding& a, const finding& b) { return !(a == b); }
};

inline nlohmann::json to_json(const finding& f) {
  return nlohmann::json{{"severity", to_string(f.severity)}, {"rule", f.rule}, {"team", f.team},
                        {"unit", f.unit}, {"message_vi", f.message_vi}, {"message_en", f.message_en}};
}
inline finding finding_from_json(const nlohmann::json& j, const location& where = location::in_file("<json>")) {
  finding f;
  std::string sev = io::get_as<std::string>(j, "severity", where);
  auto s = parse_severity(sev);
  if (!s) throw input_error(detail::at_field(where, "severity"), "unknown severity '" + sev + "' (expected error, warning, info)");
  f.severity = *s;
  f.rule = io::get_as<std::string>(j, "rule", where);
  f.team = io::get_or<std::string>(j, "team", "", where);
  f.unit = io::get_or<std::string>(j, "unit", "", where);
  f.message_vi = io::get_as<std::string>(j, "message_vi", where);
  f.message_en = io::get_as<std::string>(j, "message_en", where);
  return f;
}
inline void to_json(nlohmann::json& j, const finding& f) { j = to_json(f); }
inline void from_json(const nlohmann::json& j, finding& f) { f = finding_from_json(j); }

/// Findings as a table: severity, rule, team, unit, message_vi, message_en.
inline table findings_table(const std::vector<finding>& findings) {
  table t("findings");
  text_column sev, rule, team_id, unit, vi, en;
  for (const auto& f : findings) {
    sev.push_back(to_string(f.severity));
    rule.push_back(f.rule);
    team_id.push_back(f.team);
    unit.push_back(f.unit);
    vi.push_back(f.message_vi);
    en.push_back(f.message_en);
  }
  t.set("severity", sev); t.set("rule", rule); t.set("team", team_id); t.set("unit", unit);
  t.set("message_vi", vi); t.set("message_en", en);
  return t;
}

// ---- the rule set --------------------------------------------------------------------------------

/// Which members a count rule counts. Empty lists mean "any".
struct member_filter {
  std::vector<member_role> roles;         ///< any of these roles
  std::vector<affiliation> affiliations;  ///< any of these affiliations
  std::vector<std::string> skills_all;    ///< has every one of these skills
  std::vector<std::string> skills_any;    ///< has at least one of these skills
  std::vector<std::string> lacks_skill;   ///< lacks at least one of these skills

  bool matches(const member& m) const {
    if (!roles.empty() && std::find(roles.begin(), roles.end(), m.role) == roles.end()) return false;
    if (!affiliations.empty() &&
        std::find(affiliations.begin(), affiliations.end(), m.affiliation) == affiliations.end())
      return false;
    for (const auto& s : skills_all)
      if (!m.has_skill(s)) return false;
    if (!skills_any.empty() &&
        std::none_of(skills_any.begin(), skills_any.end(), [&m](const std::string& s) { return m.has_skill(s); }))
      return false;
    if (!lacks_skill.empty() &&
        std::all_of(lacks_skill.begin(), lacks_skill.end(), [&m](const std::string& s) { return m.has_skill(s); }))
      return false;
    return true;
  }
};

enum class rule_check { count, fields, unit_level, coverage_missing, coverage_late };

struct team_rule {
  std::string id;  ///< "T1.leader"
  std::vector<team_level> levels;
  commdx::severity severity = commdx::severity::error;
  rule_check check = rule_check::count;
  member_filter where;              ///< count
  std::optional<std::size_t> min;   ///< count: at least
  std::optional<std::size_t> max;   ///< count: at most
  std::vector<std::string> fields;  ///< fields: team fields that must be non-empty
  std::string message_vi;
  std::string message_en;

  bool applies_to(team_level l) const { return std::find(levels.begin(), levels.end(), l) != levels.end(); }
};

namespace detail {
inline const vocab_entry<rule_check> rule_checks[] = {
    {"count", rule_check::count}, {"fields", rule_check::fields}, {"unit_level", rule_check::unit_level},
    {"coverage_missing", rule_check::coverage_missing}, {"coverage_late", rule_check::coverage_late}};
inline const char* const team_fields[] = {"decided_by", "decision_number", "decision_date"};
inline const char* const placeholders[] = {"team", "unit", "unit_name", "level", "level_vi", "count",
                                           "min", "max", "fields", "fields_vi", "deadline", "date"};
/// Vietnamese names of the team fields, for {fields_vi}.
inline std::string team_field_vi(const std::string& f) {
  if (f == "decided_by") return "cơ quan quyết định";
  if (f == "decision_number") return "số quyết định";
  if (f == "decision_date") return "ngày quyết định";
  return f;
}

/// Replaces {name} by values[name]; unknown names are left as written (validated at load).
inline std::string fill(const std::string& pattern, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      auto close = pattern.find('}', i);
      if (close != std::string::npos) {
        auto it = values.find(pattern.substr(i + 1, close - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out.push_back(pattern[i]);
  }
  return out;
}

template <class T>
std::vector<std::string> string_list(const nlohmann::json& j, const char* key, const location& where) {
  std::vector<std::string> out;
  if (!j.contains(key) || j.at(key).is_null()) return out;
  const auto& v = j.at(key);
  location w = at_field(where, key);
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array()) throw config_error(w, "expected a name or a list of names, got " + v.dump());
  for (const auto& x : v) {
    if (!x.is_string()) throw config_error(w, "expected a name or a list of names, got " + v.dump());
    out.push_back(x.get<std::string>());
  }
  return out;
}
}  // namespace detail

/// The directive's composition and deadline rules (T1, T3, T5) as data: a city edits a copy of
/// python/commdx/data/team-rules.json. See that file's "notes" for the format.
class rule_set {
 public:
  rule_set() = default;

  /// The shipped rules (team-rules.json).
  static rule_set shipped() { return from_json_text(shipped_data("team-rules.json"), "team-rules.json"); }

  /// The directive's team deadline (T5), written once: the shipped team-rules.json's "deadline".
  /// A rule set without its own deadline, team_coverage without one, and the example city's
  /// decision dates all take it from there.
  static const std::string& default_deadline() {
    static const std::string d = [] {
      const auto j = io::parse_json(shipped_data("team-rules.json"), "team-rules.json");
      return io::get_as<std::string>(j, "deadline", location::in_file("team-rules.json"));
    }();
    return d;
  }

  static rule_set from_json_text(std::string_view text, const std::string& source = "<rules>") {
    return from_json(io::parse_json(text, source), source);
  }
  static rule_set from_file(const std::string& path) { return from_json_text(io::read_file(path), path); }

  /// {"name": ..., "deadline": "YYYY-MM-DD", "rules": [...]}; errors (config_error) name the
  /// source, the rule's position (row) and the field.
  static rule_set from_json(const nlohmann::json& j, const std::string& source = "<rules>") try {
    location top = location::in_file(source);
    if (!j.is_object()) throw config_error(top, "expected a JSON object with a 'rules' array");
    rule_set rs;
    rs.source_ = source;
    if (j.contains("name") && j.at("name").is_string()) rs.name_ = j.at("name").get<std::string>();
    if (j.contains("deadline") && !j.at("deadline").is_null()) {
      if (!j.at("deadline").is_string() || !valid_iso_date(j.at("deadline").get<std::string>()))
        throw config_error(detail::at_field(top, "deadline"), "the deadline must be a date YYYY-MM-DD, got " + j.at("deadline").dump());
      rs.deadline_ = j.at("deadline").get<std::string>();
    }
    if (!j.contains("rules") || !j.at("rules").is_array())
      throw config_error(detail::at_field(top, "rules"), "missing the array of rules");
    std::set<std::string> ids;
    std::size_t row = 0;
    for (const auto& rj : j.at("rules")) {
      ++row;
      location w = location::in_file(source).at_row(row);
      rs.rules_.push_back(rule_from_json(rj, w));
      if (!ids.insert(rs.rules_.back().id).second)
        throw config_error(detail::at_field(w, "id"), "duplicate rule id '" + rs.rules_.back().id + "'");
    }
    return rs;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }

  nlohmann::json to_json() const {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rules_) {
      nlohmann::json levels = nlohmann::json::array();
      for (auto l : r.levels) levels.push_back(to_string(l));
      nlohmann::json j{{"id", r.id}, {"levels", levels}, {"severity", to_string(r.severity)},
                       {"check", detail::vocab_name(r.check, detail::rule_checks)}};
      if (r.check == rule_check::count) {
        nlohmann::json where = nlohmann::json::object();
        auto names = [](const auto& v) {
          nlohmann::json a = nlohmann::json::array();
          for (const auto& x : v) a.push_back(to_string(x));
          return a;
        };
        if (!r.where.roles.empty()) where["role"] = names(r.where.roles);
        if (!r.where.affiliations.empty()) where["affiliation"] = names(r.where.affiliations);
        if (!r.where.skills_all.empty()) where["skills_all"] = r.where.skills_all;
        if (!r.where.skills_any.empty()) where["skills_any"] = r.where.skills_any;
        if (!r.where.lacks_skill.empty()) where["lacks_skill"] = r.where.lacks_skill;
        j["where"] = where;
        if (r.min) j["min"] = *r.min;
        if (r.max) j["max"] = *r.max;
      }
      if (r.check == rule_check::fields) j["fields"] = r.fields;
      j["message_vi"] = r.message_vi;
      j["message_en"] = r.message_en;
      arr.push_back(std::move(j));
    }
    nlohmann::json out{{"name", name_}, {"rules", std::move(arr)}};
    out["deadline"] = deadline_;
    return out;
  }

  const std::vector<team_rule>& rules() const noexcept { return rules_; }
  const std::string& deadline() const noexcept { return deadline_; }
  const std::string& name() const noexcept { return name_; }
  const std::string& source() const noexcept { return source_; }
  const team_rule* find(const std::string& id) const {
    for (const auto& r : rules_)
      if (r.id == id) return &r;
    return nullptr;
  }

 private:
  static team_rule rule_from_json(const nlohmann::json& rj, const location& w) {
    using detail::at_field;
    if (!rj.is_object()) throw config_error(w, "expected a JSON object for a rule");
    team_rule r;
    auto str = [&](const char* k) -> std::string {
      if (!rj.contains(k) || !rj.at(k).is_string() || rj.at(k).get<std::string>().empty())
        throw config_error(at_field(w, k), "missing or empty text field");
      return rj.at(k).get<std::string>();
    };
    r.id = str("id");
    location rw = w;
    rw.unit = "rule " + r.id;
    std::string sev = str("severity");
    auto s = parse_severity(sev);
    if (!s) throw config_error(at_field(rw, "severity"), "unknown severity '" + sev + "' (expected error, warning, info)");
    r.severity = *s;
    std::string check = str("check");
    bool found = false;
    for (const auto& e : detail::rule_checks)
      if (check == e.name) { r.check = e.value; found = true; }
    if (!found)
      throw config_error(at_field(rw, "check"), "unknown check '" + check + "' (expected " + detail::vocab_list(detail::rule_checks) + ")");
    for (const auto& l : detail::string_list<std::string>(rj, "levels", rw)) {
      auto lv = parse_team_level(l);
      if (!lv) throw config_error(at_field(rw, "levels"), "unknown team level '" + l + "' (expected ward, neighbourhood, residential_group)");
      r.levels.push_back(*lv);
    }
    if (r.levels.empty()) throw config_error(at_field(rw, "levels"), "a rule needs at least one team level");
    auto count_field = [&](const char* k) -> std::optional<std::size_t> {
      if (!rj.contains(k) || rj.at(k).is_null()) return std::nullopt;
      const auto& v = rj.at(k);
      if (!v.is_number_integer() || v.get<long long>() < 0)
        throw config_error(at_field(rw, k), "expected a non-negative whole number, got " + v.dump());
      return static_cast<std::size_t>(v.get<long long>());
    };
    if (r.check == rule_check::count) {
      if (!rj.contains("where") || !rj.at("where").is_object())
        throw config_error(at_field(rw, "where"), "a count rule needs a 'where' object");
      const auto& wj = rj.at("where");
      location ww = at_field(rw, "where");
      static const std::set<std::string> keys{"role", "affiliation", "skills_all", "skills_any", "lacks_skill"};
      for (const auto& item : wj.items())
        if (!keys.count(item.key()))
          throw config_error(at_field(rw, "where." + item.key()), "unknown filter (expected role, affiliation, skills_all, skills_any, lacks_skill)");
      for (const auto& x : detail::string_list<std::string>(wj, "role", ww)) {
        auto v = parse_member_role(x);
        if (!v) throw config_error(at_field(rw, "where.role"), "unknown role '" + x + "'");
        r.where.roles.push_back(*v);
      }
      for (const auto& x : detail::string_list<std::string>(wj, "affiliation", ww)) {
        auto v = parse_affiliation(x);
        if (!v) throw config_error(at_field(rw, "where.affiliation"), "unknown affiliation '" + x + "'");
        r.where.affiliations.push_back(*v);
      }
      auto skills = [&](const char* k, std::vector<std::string>& out) {
        for (const auto& x : detail::string_list<std::string>(wj, k, ww)) {
          auto v = parse_skill(x);
          if (!v) throw config_error(at_field(rw, std::string("where.") + k), "unreadable skill '" + x + "'");
          out.push_back(*v);
        }
      };
      skills("skills_all", r.where.skills_all);
      skills("skills_any", r.where.skills_any);
      skills("lacks_skill", r.where.lacks_skill);
      r.min = count_field("min");
      r.max = count_field("max");
      if (!r.min && !r.max) throw config_error(at_field(rw, "min"), "a count rule needs 'min', 'max' or both");
      if (r.min && r.max && *r.min > *r.max) throw config_error(at_field(rw, "max"), "'max' is below 'min'");
    } else if (r.check == rule_check::fields) {
      r.fields = detail::string_list<std::string>(rj, "fields", rw);
      if (r.fields.empty()) throw config_error(at_field(rw, "fields"), "a fields rule needs a list of team fields");
      for (const auto& f : r.fields)
        if (std::find_if(std::begin(detail::team_fields), std::end(detail::team_fields),
                         [&f](const char* x) { return f == x; }) == std::end(detail::team_fields))
          throw config_error(at_field(rw, "fields"), "unknown team field '" + f + "' (expected decided_by, decision_number, decision_date)");
    }
    r.message_vi = str("message_vi");
    r.message_en = str("message_en");
    for (const char* k : {"message_vi", "message_en"}) {
      const std::string& msg = std::string(k) == "message_vi" ? r.message_vi : r.message_en;
      for (std::size_t i = msg.find('{'); i != std::string::npos; i = msg.find('{', i + 1)) {
        auto close = msg.find('}', i);
        std::string name = close == std::string::npos ? msg.substr(i) : msg.substr(i + 1, close - i - 1);
        if (std::find_if(std::begin(detail::placeholders), std::end(detail::placeholders),
                         [&name](const char* x) { return name == x; }) == std::end(detail::placeholders))
          throw config_error(at_field(rw, k), "unknown placeholder {" + name + "}");
      }
    }
    return r;
  }

  std::string source_;
  std::string name_;
  std::string deadline_ = default_deadline();
  std::vector<team_rule> rules_;
};

inline void to_json(nlohmann::json& j, const rule_set& r) { j = r.to_json(); }
inline void from_json(const nlohmann::json& j, rule_set& r) { r = rule_set::from_json(j); }

// ---- coverage (T4, T5) ---------------------------------------------------------------------------

/// Whether a unit kind is the kind of unit a team of level l works in.
inline bool unit_fits_level(unit_kind k, team_level l) {
  switch (l) {
    case team_level::ward: return k == unit_kind::ward || k == unit_kind::commune;
    case team_level::neighbourhood: return k == unit_kind::neighbourhood || k == unit_kind::village;
    case team_level::residential_group: return k == unit_kind::residential_group;
  }
  return false;
}

/// T5 (and T4 for groups): one unit and its teams of the matching level.
struct unit_coverage {
  std::string unit;
  std::string unit_name;
  std::string kind;       ///< neighbourhood, village, residential_group
  std::string ward;       ///< code of the ward or commune it lies in
  std::string status;     ///< "on_time" (a team decided on or before the deadline), "late", "missing"
  std::size_t teams = 0;  ///< teams of the matching level with this unit
  std::string first_team; ///< the earliest decided team (or the first listed when none is dated)
  std::string first_date; ///< its decision date, empty when none is dated
};

/// T5, T4: per ward or commune.
struct ward_coverage {
  std::string ward;
  std::string ward_name;
  std::size_t ward_teams = 0;       ///< T1 teams with this ward's code
  std::size_t neighbourhoods = 0;   ///< neighbourhoods and villages in the places
  std::size_t on_time = 0;
  std::size_t late = 0;
  std::size_t missing = 0;
  double share_on_time = commdx::missing;  ///< on_time / neighbourhoods (NaN when none)
  std::size_t groups = 0;                  ///< residential groups in the places
  std::size_t groups_with_team = 0;        ///< T4: groups with a replicated team
  double share_groups_with_team = commdx::missing;
};

struct coverage {
  std::string deadline;
  std::vector<unit_coverage> neighbourhoods;  ///< every neighbourhood and village, in places order
  std::vector<unit_coverage> groups;          ///< every residential group, in places order
  std::vector<ward_coverage> wards;           ///< every ward and commune, in places order

  nlohmann::json to_json() const {
    auto units = [](const std::vector<unit_coverage>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& u : v)
        a.push_back({{"unit", u.unit}, {"unit_name", u.unit_name}, {"kind", u.kind}, {"ward", u.ward},
                     {"status", u.status}, {"teams", u.teams}, {"first_team", u.first_team},
                     {"first_date", u.first_date}});
      return a;
    };
    nlohmann::json w = nlohmann::json::array();
    auto num = [](double x) { return is_missing(x) ? nlohmann::json(nullptr) : nlohmann::json(x); };
    for (const auto& x : wards)
      w.push_back({{"ward", x.ward}, {"ward_name", x.ward_name}, {"ward_teams", x.ward_teams},
                   {"neighbourhoods", x.neighbourhoods}, {"on_time", x.on_time}, {"late", x.late},
                   {"missing", x.missing}, {"share_on_time", num(x.share_on_time)}, {"groups", x.groups},
                   {"groups_with_team", x.groups_with_team}, {"share_groups_with_team", num(x.share_groups_with_team)}});
    return nlohmann::json{{"deadline", deadline}, {"neighbourhoods", units(neighbourhoods)},
                          {"groups", units(groups)}, {"wards", std::move(w)}};
  }

  static coverage from_json(const nlohmann::json& j, const std::string& source = "<json>") try {
    location top = location::in_file(source);
    coverage c;
    c.deadline = io::get_as<std::string>(j, "deadline", top);
    auto units = [&](const char* key) {
      std::vector<unit_coverage> out;
      std::size_t i = 0;
      for (const auto& u : io::require(j, key, top)) {
        location w = io::json_child(io::json_child(top, key), std::to_string(i)).at_row(i + 1);
        ++i;
        unit_coverage x;
        x.unit = io::get_as<std::string>(u, "unit", w);
        x.unit_name = io::get_as<std::string>(u, "unit_name", w);
        x.kind = io::get_as<std::string>(u, "kind", w);
        x.ward = io::get_as<std::string>(u, "ward", w);
        x.status = io::get_as<std::string>(u, "status", w);
        x.teams = io::get_as<std::size_t>(u, "teams", w);
        x.first_team = io::get_as<std::string>(u, "first_team", w);
        x.first_date = io::get_as<std::string>(u, "first_date", w);
        out.push_back(std::move(x));
      }
      return out;
    };
    c.neighbourhoods = units("neighbourhoods");
    c.groups = units("groups");
    std::size_t i = 0;
    for (const auto& x : io::require(j, "wards", top)) {
      location w = io::json_child(io::json_child(top, "wards"), std::to_string(i)).at_row(i + 1);
      ++i;
      ward_coverage y;
      y.ward = io::get_as<std::string>(x, "ward", w);
      y.ward_name = io::get_as<std::string>(x, "ward_name", w);
      y.ward_teams = io::get_as<std::size_t>(x, "ward_teams", w);
      y.neighbourhoods = io::get_as<std::size_t>(x, "neighbourhoods", w);
      y.on_time = io::get_as<std::size_t>(x, "on_time", w);
      y.late = io::get_as<std::size_t>(x, "late", w);
      y.missing = io::get_as<std::size_t>(x, "missing", w);
      y.share_on_time = io::get_or<double>(x, "share_on_time", commdx::missing, w);
      y.groups = io::get_as<std::size_t>(x, "groups", w);
      y.groups_with_team = io::get_as<std::size_t>(x, "groups_with_team", w);
      y.share_groups_with_team = io::get_or<double>(x, "share_groups_with_team", commdx::missing, w);
      c.wards.push_back(std::move(y));
    }
    return c;
  } catch (const nlohmann::json::exception& e) {
    io::rethrow_config_error(e, source);
  }
};

/// Coverage of every unit whose kind fits `level` (ward, neighbourhood, residential_group): the
/// teams of that level working there and whether one was decided on or before `deadline`. A team
/// without a decision date does not count as decided (status "missing" when it is the only one).
inline std::vector<unit_coverage> unit_coverage_at(const roster& r, const places& p, team_level level,
                                                   const std::string& deadline) {
  std::unordered_map<std::string, std::vector<const team*>> by_unit;
  for (const auto& t : r.teams())
    if (t.level == level) by_unit[t.unit].push_back(&t);
  std::vector<unit_coverage> out;
  for (const auto& u : p.units()) {
    if (!unit_fits_level(u.kind, level)) continue;
    unit_coverage c;
    c.unit = u.code;
    c.unit_name = u.name;
    c.kind = to_string(u.kind);
    c.ward = p.ward_of(u.code).value_or("");
    auto it = by_unit.find(u.code);
    const team* earliest = nullptr;
    if (it != by_unit.end()) {
      c.teams = it->second.size();
      for (const team* t : it->second)
        if (!t->decision_date.empty() && (!earliest || t->decision_date < earliest->decision_date)) earliest = t;
      if (!earliest) c.first_team = it->second.front()->id;
    }
    if (earliest) {
      c.first_team = earliest->id;
      c.first_date = earliest->decision_date;
      c.status = earliest->decision_date <= deadline ? "on_time" : "late";
    } else {
      c.status = "missing";
    }
    out.push_back(std::move(c));
  }
  return out;
}

/// T4, T5: neighbourhoods and villages with a team on or before the deadline, late and missing
/// ones, residential groups with a replicated team, and the shares per ward.
inline coverage team_coverage(const roster& r, const places& p, const std::string& deadline = rule_set::default_deadline()) {
  if (!valid_iso_date(deadline))
    throw input_error(location::in_file("deadline"), "the deadline must be a date YYYY-MM-DD, got '" + deadline + "'");
  r.check_units(p);
  coverage c;
  c.deadline = deadline;
  c.neighbourhoods = unit_coverage_at(r, p, team_level::neighbourhood, deadline);
  c.groups = unit_coverage_at(r, p, team_level::residential_group, deadline);
  auto wards = unit_coverage_at(r, p, team_level::ward, deadline);
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& w : wards) {
    ward_coverage x;
    x.ward = w.unit;
    x.ward_name = w.unit_name;
    x.ward_teams = w.teams;
    index.emplace(w.unit, c.wards.size());
    c.wards.push_back(std::move(x));
  }
  for (const auto& n : c.neighbourhoods) {
    auto it = index.find(n.ward);
    if (it == index.end()) continue;
    ward_coverage& x = c.wards[it->second];
    ++x.neighbourhoods;
    if (n.status == "on_time") ++x.on_time;
    else if (n.status == "late") ++x.late;
    else ++x.missing;
  }
  for (const auto& g : c.groups) {
    auto it = index.find(g.ward);
    if (it == index.end()) continue;
    ward_coverage& x = c.wards[it->second];
    ++x.groups;
    if (g.teams > 0) ++x.groups_with_team;
  }
  for (auto& x : c.wards) {
    if (x.neighbourhoods > 0) x.share_on_time = static_cast<double>(x.on_time) / static_cast<double>(x.neighbourhoods);
    if (x.groups > 0) x.share_groups_with_team = static_cast<double>(x.groups_with_team) / static_cast<double>(x.groups);
  }
  return c;
}

inline void to_json(nlohmann::json& j, const coverage& c) { j = c.to_json(); }
inline void from_json(const nlohmann::json& j, coverage& c) { c = coverage::from_json(j); }

/// Coverage tables: unit_coverage rows, and ward_coverage rows.
inline table unit_coverage_table(const std::vector<unit_coverage>& v) {
  table t("coverage");
  text_column unit, name, kind, ward, status, first_team, first_date;
  numeric_column teams;
  for (const auto& u : v) {
    unit.push_back(u.unit); name.push_back(u.unit_name); kind.push_back(u.kind); ward.push_back(u.ward);
    status.push_back(u.status); teams.push_back(static_cast<double>(u.teams));
    first_team.push_back(u.first_team); first_date.push_back(u.first_date);
  }
  t.set("unit", unit); t.set("unit_name", name); t.set("kind", kind); t.set("ward", ward);
  t.set("status", status); t.set("teams", teams); t.set("first_team", first_team); t.set("first_date", first_date);
  return t;
}
inline table ward_coverage_table(const std::vector<ward_coverage>& v) {
  table t("coverage");
  text_column ward, name;
  numeric_column wt, n, on, late, miss, share, g, gt, gshare;
  for (const auto& x : v) {
    ward.push_back(x.ward); name.push_back(x.ward_name);
    wt.push_back(static_cast<double>(x.ward_teams)); n.push_back(static_cast<double>(x.neighbourhoods));
    on.push_back(static_cast<double>(x.on_time)); late.push_back(static_cast<double>(x.late));
    miss.push_back(static_cast<double>(x.missing)); share.push_back(x.share_on_time);
    g.push_back(static_cast<double>(x.groups)); gt.push_back(static_cast<double>(x.groups_with_team));
    gshare.push_back(x.share_groups_with_team);
  }
  t.set("ward", ward); t.set("ward_name", name); t.set("ward_teams", wt); t.set("neighbourhoods", n);
  t.set("on_time", on); t.set("late", late); t.set("missing", miss); t.set("share_on_time", share);
  t.set("groups", g); t.set("groups_with_team", gt); t.set("share_groups_with_team", gshare);
  return t;
}

// ---- checking ------------------------------------------------------------------------------------

/// T1, T3, T5: checks a roster against a rule set. Every team's unit must be in `p` (else a
/// validation_error naming the team's row). Findings come team by team in roster order, each
/// team's in rule order, then the coverage findings (T5.missing, T5.late) in places order.
/// `deadline` overrides the rule set's.
inline std::vector<finding> check_teams(const roster& r, const places& p, const rule_set& rules,
                                        const std::optional<std::string>& deadline = std::nullopt) {
  std::string due = deadline ? *deadline : rules.deadline();
  if (!valid_iso_date(due))
    throw input_error(location::in_file("deadline"), "the deadline must be a date YYYY-MM-DD, got '" + due + "'");
  r.check_units(p);
  std::vector<finding> out;
  auto emit = [&out](const team_rule& rule, const std::string& team_id, const std::string& unit_code,
                     const std::map<std::string, std::string>& values) {
    out.push_back(finding{rule.severity, rule.id, team_id, unit_code, detail::fill(rule.message_vi, values),
                          detail::fill(rule.message_en, values)});
  };
  for (const auto& t : r.teams()) {
    const unit& u = p.at(t.unit);
    std::map<std::string, std::string> values{{"team", t.id}, {"unit", t.unit}, {"unit_name", u.name},
                                              {"level", level_en(t.level)}, {"level_vi", label_vi(t.level)},
                                              {"deadline", due}, {"date", t.decision_date}};
    for (const auto& rule : rules.rules()) {
      if (!rule.applies_to(t.level)) continue;
      switch (rule.check) {
        case rule_check::count: {
          auto n = static_cast<std::size_t>(std::count_if(t.members.begin(), t.members.end(),
                                                          [&rule](const member& m) { return rule.where.matches(m); }));
          if ((rule.min && n < *rule.min) || (rule.max && n > *rule.max)) {
            auto v = values;
            v["count"] = std::to_string(n);
            v["min"] = rule.min ? std::to_string(*rule.min) : "";
            v["max"] = rule.max ? std::to_string(*rule.max) : "";
            emit(rule, t.id, t.unit, v);
          }
          break;
        }
        case rule_check::fields: {
          std::string lacking, lacking_vi;
          for (const auto& f : rule.fields) {
            const std::string& value = f == "decided_by" ? t.decided_by : f == "decision_number" ? t.decision_number : t.decision_date;
            if (value.empty()) {
              lacking += (lacking.empty() ? "" : ", ") + f;
              lacking_vi += (lacking_vi.empty() ? "" : ", ") + detail::team_field_vi(f);
            }
          }
          if (!lacking.empty()) {
            auto v = values;
            v["fields"] = lacking;
            v["fields_vi"] = lacking_vi;
            emit(rule, t.id, t.unit, v);
          }
          break;
        }
        case rule_check::unit_level:
          if (!unit_fits_level(u.kind, t.level)) emit(rule, t.id, t.unit, values);
          break;
        case rule_check::coverage_missing:
        case rule_check::coverage_late:
          break;  // per unit, below
      }
    }
  }
  for (const auto& rule : rules.rules()) {
    if (rule.check != rule_check::coverage_missing && rule.check != rule_check::coverage_late) continue;
    for (team_level level : rule.levels) {
      for (const auto& c : unit_coverage_at(r, p, level, due)) {
        bool hit = (rule.check == rule_check::coverage_missing && c.status == "missing") ||
                   (rule.check == rule_check::coverage_late && c.status == "late");
        if (!hit) continue;
        std::map<std::string, std::string> values{{"team", c.first_team}, {"unit", c.unit}, {"unit_name", c.unit_name},
                                                  {"level", level_en(level)}, {"level_vi", label_vi(level)},
                                                  {"deadline", due}, {"date", c.first_date}};
        emit(rule, rule.check == rule_check::coverage_late ? c.first_team : std::string(), c.unit, values);
      }
    }
  }
  return out;
}

inline std::vector<finding> check_teams(const roster& r, const places& p) {
  return check_teams(r, p, rule_set::shipped());
}

/// True when any finding is an error (the CLI's exit status 1).
inline bool has_errors(const std::vector<finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const finding& f) { return f.severity == severity::error; });
}

}  // namespace commdx
