// T1, T3, T4, T5: the roster, its readers, the data-driven composition rules and the coverage of
// neighbourhoods and villages against the deadline. Fixtures: tests/data/teams (places.csv is a
// small tree of three real wards; compliant.* meets every rule; seeded.* breaks each rule exactly
// once, as described in make_fixtures.py).
#include <gtest/gtest.h>

#include <commdx/teams.hpp>

#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using commdx::finding;
using commdx::places;
using commdx::roster;
using commdx::rule_set;

const std::string kDir = std::string(COMMDX_SOURCE_DIR) + "/tests/data/teams/";

places fixture_places() { return places::from_file(kDir + "places.csv"); }

using key = std::tuple<std::string, std::string, std::string>;  // rule, team, unit

std::set<key> keys(const std::vector<finding>& fs) {
  std::set<key> out;
  for (const auto& f : fs) out.emplace(f.rule, f.team, f.unit);
  return out;
}

// The message of an input error, or "" when none was thrown (any other exception fails the test).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const commdx::input_error& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A one-team roster in JSON with a field of the first member replaced.
const char* kOneTeam = R"({"teams": [{"id": "T-26506", "level": "ward", "unit": "26506",
  "decided_by": "UBND Phường 1", "decision_number": "45/QĐ-UBND", "decision_date": "2022-07-05",
  "members": [{"id": "M-1", "name": "Nguyễn Văn A", "role": "leader", "affiliation": "pc_vice_chairman",
               "skills": ["it"], "weekly_hours": 4, "phone": "0901234567"}]}]})";

const char* kCsvHeader =
    "team_id,level,unit,decided_by,decision_number,decision_date,member_id,name,role,affiliation,skills,weekly_hours,phone\n";

TEST(Teams, CompliantRosterHasNoFindings) {
  const auto p = fixture_places();
  for (const char* file : {"compliant.json", "compliant.csv"}) {
    const auto r = roster::from_file(kDir + file);
    EXPECT_EQ(r.size(), 11u) << file;
    const auto fs = commdx::check_teams(r, p);
    EXPECT_TRUE(fs.empty()) << file << ": " << (fs.empty() ? "" : fs.front().message_en);
  }
}

TEST(Teams, CsvAndJsonFixturesAreTheSameRoster) {
  EXPECT_EQ(roster::from_file(kDir + "compliant.json"), roster::from_file(kDir + "compliant.csv"));
  EXPECT_EQ(roster::from_file(kDir + "seeded.json"), roster::from_file(kDir + "seeded.csv"));
}

TEST(Teams, SeededRosterYieldsExactlyOneFindingPerRule) {
  const auto p = fixture_places();
  // By hand from the descriptions in make_fixtures.py.
  const std::set<key> expected{
      {"T1.leader_it", "T-26506", "26506"},
      {"T1.womens_union", "T-26506", "26506"},
      {"T1.fatherland_front", "T-26509", "26509"},
      {"T1.youth_union_it", "T-26509", "26509"},
      {"T1.leader", "T-26545", "26545"},
      {"T1.deputy", "T-26545", "26545"},
      {"T3.executive_board", "T-26506-KP1", "26506-KP1"},
      {"T3.youth_union_secretary", "T-26506-KP2", "26506-KP2"},
      {"T3.youth_union_members", "T-26506-KP3", "26506-KP3"},
      {"T3.bank_staff", "T-26545-TH1", "26545-TH1"},
      {"T3.group_leaders", "T-26545-TH2", "26545-TH2"},
      {"team.one_leader", "T-26506-KP1-T1", "26506-KP1-T1"},
      {"team.decision", "T-26545-TH1-T1", "26545-TH1-T1"},
      {"team.unit_level", "T-26506-KP2-G", "26506-KP2"},
      {"T5.missing", "", "26545-TH3"},
      {"T5.late", "T-26506-KP3", "26506-KP3"},
  };
  for (const char* file : {"seeded.json", "seeded.csv"}) {
    const auto fs = commdx::check_teams(roster::from_file(kDir + file), p);
    EXPECT_EQ(fs.size(), expected.size()) << file;
    EXPECT_EQ(keys(fs), expected) << file;
    // The rule ids found are exactly the shipped rule ids: each rule broken once.
    std::set<std::string> found, shipped;
    for (const auto& f : fs) found.insert(f.rule);
    const auto rules = rule_set::shipped();
    for (const auto& r : rules.rules()) shipped.insert(r.id);
    EXPECT_EQ(found, shipped);
    for (const auto& f : fs) {
      EXPECT_FALSE(has(f.message_vi, "{")) << f.message_vi;
      EXPECT_FALSE(has(f.message_en, "{")) << f.message_en;
      EXPECT_EQ(f.severity, rules.find(f.rule)->severity);
    }
  }
}

TEST(Teams, SeverityAndMessagesFollowTheRuleSet) {
  const auto fs = commdx::check_teams(roster::from_file(kDir + "seeded.json"), fixture_places());
  auto get = [&fs](const std::string& rule) {
    for (const auto& f : fs)
      if (f.rule == rule) return f;
    return finding{};
  };
  EXPECT_EQ(get("T1.leader_it").severity, commdx::severity::warning);
  EXPECT_EQ(get("T3.bank_staff").severity, commdx::severity::info);
  EXPECT_EQ(get("T3.group_leaders").severity, commdx::severity::info);
  EXPECT_EQ(get("T5.late").severity, commdx::severity::warning);
  EXPECT_EQ(get("T5.missing").severity, commdx::severity::error);
  EXPECT_EQ(get("T1.youth_union_it").message_en,
            "Team T-26509 (Phường 2) has 2 IT-skilled Youth Union members; at least 3 are needed.");
  EXPECT_EQ(get("T1.youth_union_it").message_vi,
            "Tổ T-26509 (Phường 2) có 2 đoàn viên giỏi công nghệ thông tin; cần ít nhất 3.");
  EXPECT_EQ(get("T5.late").message_en,
            "Khu phố 3 (26506-KP3): team T-26506-KP3 was set up on 2022-07-21, after the deadline 2022-07-20.");
  EXPECT_EQ(get("team.decision").message_en,
            "Team T-26545-TH1-T1 (Tổ 1) lacks the details of the decision that set it up: decision_number.");
  EXPECT_EQ(get("team.decision").message_vi,
            "Tổ T-26545-TH1-T1 (Tổ 1) thiếu thông tin quyết định thành lập: số quyết định.");
  EXPECT_EQ(get("team.unit_level").message_en,
            "Team T-26506-KP2-G is a residential group team but unit 26506-KP2 (Khu phố 2) is not of that level.");
  EXPECT_EQ(get("team.one_leader").message_vi,
            "Tổ T-26506-KP1-T1 (Tổ 1) có 0 tổ trưởng; mỗi tổ phải có đúng một tổ trưởng.");
  EXPECT_TRUE(commdx::has_errors(fs));
}

TEST(Teams, TwoLeadersBreakTheOneLeaderRule) {
  auto r = roster::from_file(kDir + "compliant.json");
  auto teams = r.teams();
  teams[1].members[4].role = commdx::member_role::leader;  // one of Phường 2's IT-skilled Youth Union members
  const auto fs = commdx::check_teams(roster::from_teams(teams), fixture_places());
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule, "team.one_leader");
  EXPECT_EQ(fs[0].message_en, "Team T-26509 (Phường 2) has 2 leaders; every team needs exactly one leader.");
}

TEST(Teams, DeadlineDecidesLateAndOnTime) {
  const auto r = roster::from_file(kDir + "seeded.json");
  const auto p = fixture_places();
  // A day later, Khu phố 3 is on time: T5.late disappears, everything else stays.
  auto later = commdx::check_teams(r, p, rule_set::shipped(), std::string("2022-07-21"));
  EXPECT_EQ(later.size(), 15u);
  for (const auto& f : later) EXPECT_NE(f.rule, "T5.late");
  // By 2022-07-05 only Khu phố 1 and 2 (decided 07-05) are on time; Khu phố 3, Thôn 1 and 2 are late.
  auto early = commdx::check_teams(r, p, rule_set::shipped(), std::string("2022-07-05"));
  std::set<std::string> late;
  for (const auto& f : early)
    if (f.rule == "T5.late") late.insert(f.unit);
  EXPECT_EQ(late, (std::set<std::string>{"26506-KP3", "26545-TH1", "26545-TH2"}));
  EXPECT_THROW(commdx::check_teams(r, p, rule_set::shipped(), std::string("20/07/2022")), commdx::input_error);
}

TEST(Teams, CoverageCountsOnTimeLateMissingAndReplicatedGroups) {
  const auto c = commdx::team_coverage(roster::from_file(kDir + "seeded.json"), fixture_places());
  EXPECT_EQ(c.deadline, "2022-07-20");
  std::vector<std::pair<std::string, std::string>> status;
  for (const auto& u : c.neighbourhoods) status.emplace_back(u.unit, u.status);
  EXPECT_EQ(status, (std::vector<std::pair<std::string, std::string>>{
                        {"26506-KP1", "on_time"}, {"26506-KP2", "on_time"}, {"26506-KP3", "late"},
                        {"26545-TH1", "on_time"}, {"26545-TH2", "on_time"}, {"26545-TH3", "missing"}}));
  EXPECT_EQ(c.neighbourhoods[2].first_team, "T-26506-KP3");
  EXPECT_EQ(c.neighbourhoods[2].first_date, "2022-07-21");
  EXPECT_EQ(c.neighbourhoods[1].teams, 1u);  // the residential-group team filed on KP2 does not count
  ASSERT_EQ(c.groups.size(), 6u);
  std::size_t with_team = 0;
  for (const auto& g : c.groups) with_team += g.teams > 0 ? 1 : 0;
  EXPECT_EQ(with_team, 2u);
  ASSERT_EQ(c.wards.size(), 3u);
  const auto& p1 = c.wards[0];
  EXPECT_EQ(p1.ward, "26506");
  EXPECT_EQ(p1.ward_teams, 1u);
  EXPECT_EQ(p1.neighbourhoods, 3u);
  EXPECT_EQ(p1.on_time, 2u);
  EXPECT_EQ(p1.late, 1u);
  EXPECT_EQ(p1.missing, 0u);
  EXPECT_DOUBLE_EQ(p1.share_on_time, 2.0 / 3.0);
  EXPECT_EQ(p1.groups, 4u);
  EXPECT_EQ(p1.groups_with_team, 1u);
  EXPECT_DOUBLE_EQ(p1.share_groups_with_team, 0.25);
  const auto& p2 = c.wards[1];
  EXPECT_EQ(p2.neighbourhoods, 0u);
  EXPECT_TRUE(std::isnan(p2.share_on_time));
  const auto& ls = c.wards[2];
  EXPECT_EQ(ls.ward_name, "Xã Long Sơn");
  EXPECT_EQ(ls.on_time, 2u);
  EXPECT_EQ(ls.missing, 1u);
  EXPECT_DOUBLE_EQ(ls.share_on_time, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(ls.share_groups_with_team, 0.5);
}

TEST(Teams, UndatedTeamDoesNotCoverItsNeighbourhood) {
  auto teams = roster::from_file(kDir + "compliant.json").teams();
  teams[3].decision_date = "";  // Khu phố 1
  const auto fs = commdx::check_teams(roster::from_teams(teams), fixture_places());
  EXPECT_EQ(keys(fs), (std::set<key>{{"team.decision", "T-26506-KP1", "26506-KP1"}, {"T5.missing", "", "26506-KP1"}}));
}

TEST(Teams, JsonRoundTripOfEveryType) {
  const auto r = roster::from_file(kDir + "seeded.json");
  EXPECT_EQ(roster::from_json(r.to_json(), "rt"), r);
  const nlohmann::json tj = r.teams()[0];
  EXPECT_EQ(tj.get<commdx::team>(), r.teams()[0]);
  const nlohmann::json mj = r.teams()[0].members[0];
  EXPECT_EQ(mj.get<commdx::member>(), r.teams()[0].members[0]);
  EXPECT_EQ(mj.at("phone"), "0901234567");
  const auto fs = commdx::check_teams(r, fixture_places());
  for (const auto& f : fs) {
    const nlohmann::json fj = f;
    EXPECT_EQ(fj.get<finding>(), f);
  }
  const auto rules = rule_set::shipped();
  const auto again = rule_set::from_json(rules.to_json(), "rt");
  EXPECT_EQ(again.to_json(), rules.to_json());
  EXPECT_EQ(keys(commdx::check_teams(r, fixture_places(), again)), keys(fs));
  const auto c = commdx::team_coverage(r, fixture_places());
  EXPECT_EQ(commdx::coverage::from_json(c.to_json()).to_json(), c.to_json());
}

TEST(Teams, CsvRoundTripKeepsEveryFieldAndMissingHours) {
  auto teams = roster::from_file(kDir + "seeded.json").teams();
  teams[0].members[2].weekly_hours = commdx::missing;
  teams[0].members[2].phone = std::nullopt;
  teams[0].members[2].name = "Tên có \"ngoặc\", dấu phẩy";
  teams.push_back(commdx::team{"T-26509-empty", commdx::team_level::ward, "26509", "", "", "", {}});
  const auto r = roster::from_teams(teams, "built");
  const auto back = roster::from_csv_text(r.to_csv(), "rt.csv");
  EXPECT_EQ(back, r);
  EXPECT_TRUE(back.find("T-26509-empty")->members.empty());
}

TEST(Teams, VietnameseAliasesAndNfdAreAccepted) {
  std::string csv = std::string(kCsvHeader) +
                    "T-1,phường,26506,UBND Phường 1,1/QĐ,2022-07-01,M-1,Nguye\xCC\x82\xCC\x83n Va\xCC\x86n A,"
                    "Tổ trưởng,Phó chủ tịch,CNTT điện_thoại,4,0901\n";
  const auto r = roster::from_csv_text(csv, "alias.csv");
  const auto& m = r.teams()[0].members[0];
  EXPECT_EQ(r.teams()[0].level, commdx::team_level::ward);
  EXPECT_EQ(m.role, commdx::member_role::leader);
  EXPECT_EQ(m.affiliation, commdx::affiliation::pc_vice_chairman);
  EXPECT_EQ(m.skills, (std::vector<std::string>{"it", "smartphone"}));
  EXPECT_EQ(m.name, "Nguyễn Văn A");  // NFD composed to NFC
  EXPECT_EQ(m.phone.value(), "0901");  // leading zero kept
}

// ---- bad input: every error names the file, the row or line, and the field ------------------------

std::string json_with(const std::string& from, const std::string& to) {
  std::string s = kOneTeam;
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

TEST(TeamsBadInput, MalformedJsonNamesLineAndCharacter) {
  std::string msg = error_of([] { roster::from_json_text("{\"teams\": [\n  {\"id\": \"T-1\",\n  \"level\" \"ward\"}]}", "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, line 3")) << msg;
  EXPECT_TRUE(has(msg, "malformed JSON")) << msg;
}

TEST(TeamsBadInput, InvalidUtf8IsRefused) {
  std::string msg = error_of([] { roster::from_json_text(json_with("Nguyễn", "Nguy\xE1\xBB"), "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, line 3")) << msg;
  std::string csv = std::string(kCsvHeader) + "T-1,ward,26506,,,,M-1,Nguy\xC3n,leader,other,,,\n";
  msg = error_of([&] { roster::from_csv_text(csv, "teams.csv"); });
  EXPECT_TRUE(has(msg, "teams.csv, line 2")) << msg;
  EXPECT_TRUE(has(msg, "UTF-8")) << msg;
}

TEST(TeamsBadInput, UnknownRoleAffiliationLevelSkill) {
  std::string msg = error_of([] { roster::from_json_text(json_with("\"leader\"", "\"chief\""), "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, row 1, column 'members[0].role', unit T-26506: unknown role 'chief'")) << msg;
  msg = error_of([] { roster::from_json_text(json_with("\"pc_vice_chairman\"", "\"mayor\""), "teams.json"); });
  EXPECT_TRUE(has(msg, "column 'members[0].affiliation'")) << msg;
  EXPECT_TRUE(has(msg, "unknown affiliation 'mayor'")) << msg;
  msg = error_of([] { roster::from_json_text(json_with("\"ward\"", "\"district\""), "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, row 1, column 'level', unit T-26506: unknown team level 'district'")) << msg;
  // Skills beyond the directive's two are kept as folded tags; an empty one is refused.
  auto tagged = roster::from_json_text(json_with("[\"it\"]", "[\"E-Payment\", \"Dịch vụ công\", \"CNTT\"]"), "teams.json");
  EXPECT_EQ(tagged.teams()[0].members[0].skills, (std::vector<std::string>{"dich_vu_cong", "e_payment", "it"}));
  msg = error_of([] { roster::from_json_text(json_with("[\"it\"]", "[\"!!\"]"), "teams.json"); });
  EXPECT_TRUE(has(msg, "column 'members[0].skills'")) << msg;

  std::string csv = std::string(kCsvHeader) + "T-1,ward,26506,,,,M-1,A,leader,other,,,\n" +
                    "T-1,ward,26506,,,,M-2,B,boss,other,,,\n";
  msg = error_of([&] { roster::from_csv_text(csv, "teams.csv"); });
  EXPECT_TRUE(has(msg, "teams.csv, row 2, line 3, column 'role', unit T-1: unknown role 'boss'")) << msg;
}

TEST(TeamsBadInput, BadDatesAndNegativeHours) {
  for (const char* bad : {"2022-02-30", "20/07/2022", "2022-7-5", "2022-13-01"}) {
    std::string msg = error_of([&] { roster::from_json_text(json_with("2022-07-05", bad), "teams.json"); });
    EXPECT_TRUE(has(msg, "teams.json, row 1, column 'decision_date'")) << msg;
    EXPECT_TRUE(has(msg, std::string("bad date '") + bad + "'")) << msg;
  }
  std::string msg = error_of([] { roster::from_json_text(json_with("\"weekly_hours\": 4", "\"weekly_hours\": -2"), "teams.json"); });
  EXPECT_TRUE(has(msg, "column 'members[0].weekly_hours'")) << msg;
  EXPECT_TRUE(has(msg, "weekly hours must be a number > 0")) << msg;
  // Issue 11: 0 hours was accepted (the plan then gave the member nothing without a word).
  msg = error_of([] { roster::from_json_text(json_with("\"weekly_hours\": 4", "\"weekly_hours\": 0"), "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, row 1, column 'members[0].weekly_hours'")) << msg;
  EXPECT_TRUE(has(msg, "got 0")) << msg;
  std::string csv = std::string(kCsvHeader) + "T-1,ward,26506,,,2022-07-01,M-1,A,leader,other,,-1,\n";
  msg = error_of([&] { roster::from_csv_text(csv, "teams.csv"); });
  EXPECT_TRUE(has(msg, "teams.csv, row 1, line 2, column 'weekly_hours'")) << msg;
  csv = std::string(kCsvHeader) + "T-1,ward,26506,,,2022-07-01,M-1,A,leader,other,,four,\n";
  msg = error_of([&] { roster::from_csv_text(csv, "teams.csv"); });
  EXPECT_TRUE(has(msg, "column 'weekly_hours', unit T-1: expected a number, got 'four'")) << msg;
  csv = std::string(kCsvHeader) + "T-1,ward,26506,,,2022-02-29,M-1,A,leader,other,,1,\n";
  msg = error_of([&] { roster::from_csv_text(csv, "teams.csv"); });
  EXPECT_TRUE(has(msg, "teams.csv, row 1, line 2, column 'decision_date'")) << msg;
  EXPECT_TRUE(commdx::valid_iso_date("2024-02-29"));
  EXPECT_FALSE(commdx::valid_iso_date("2100-02-29"));
  EXPECT_TRUE(commdx::valid_iso_date("2000-02-29"));
}

// Issue 12: one civil-date parser (detail/dates.hpp) behind every stage's dates.
TEST(Dates, OneParserForEveryStage) {
  using commdx::detail::parse_civil_date;
  EXPECT_EQ(parse_civil_date("1970-01-01"), 0L);
  EXPECT_EQ(parse_civil_date("2022-07-20"), 19193L);  // Python: (date(2022, 7, 20) - date(1970, 1, 1)).days
  EXPECT_EQ(*parse_civil_date("2024-03-01") - *parse_civil_date("2024-02-28"), 2L);
  for (const char* bad : {"2022-7-20", "20/07/2022", "2022-07-20 ", "2022-13-01", "2022-04-31", "2023-02-29",
                          "1899-12-31", "2022-07-2x", ""})
    EXPECT_FALSE(parse_civil_date(bad).has_value()) << bad;
  // the teams stage refuses what the parser refuses, with the field's location
  EXPECT_FALSE(commdx::valid_iso_date("2023-02-29"));
  try {
    commdx::detail::civil_date_or_throw("2022-02-30", commdx::location{"plan", 0, 0, 0, "deadline", ""});
    FAIL();
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().column, "deadline");
    EXPECT_TRUE(has(e.what(), "'2022-02-30' is not a real date")) << e.what();
  }
}

// Issue 12: the team deadline is written once, in team-rules.json.
TEST(Teams, DefaultDeadlineIsTheShippedRuleSets) {
  EXPECT_EQ(rule_set::default_deadline(), rule_set::shipped().deadline());
  nlohmann::json j = rule_set::shipped().to_json();
  j.erase("deadline");
  EXPECT_EQ(rule_set::from_json(j, "city-rules.json").deadline(), rule_set::default_deadline());
  j["deadline"] = "2022-08-15";
  const auto city = rule_set::from_json(j, "city-rules.json");
  EXPECT_EQ(city.deadline(), "2022-08-15");
  // check_teams without a deadline honours the city's
  const auto r = roster::from_file(kDir + "seeded.json");
  for (const auto& f : commdx::check_teams(r, fixture_places(), city)) EXPECT_NE(f.rule, "T5.late");
}

TEST(TeamsBadInput, DuplicateTeamAndMemberIds) {
  std::string two = R"({"teams": [
    {"id": "T-1", "level": "ward", "unit": "26506", "members": [{"id": "M-1", "role": "leader", "affiliation": "other"}]},
    {"id": "T-1", "level": "ward", "unit": "26509", "members": []}]})";
  std::string msg = error_of([&] { roster::from_json_text(two, "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, row 2, column 'id', unit T-1: duplicate team id T-1 (first at row 1")) << msg;
  std::string dup_member = R"({"teams": [
    {"id": "T-1", "level": "ward", "unit": "26506", "members": [{"id": "M-1", "role": "leader", "affiliation": "other"}]},
    {"id": "T-2", "level": "ward", "unit": "26509", "members": [{"id": "M-2", "role": "leader", "affiliation": "other"},
                                                                {"id": "M-1", "role": "member", "affiliation": "other"}]}]})";
  msg = error_of([&] { roster::from_json_text(dup_member, "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, row 2, column 'members[1].id', unit T-2: duplicate member id M-1 (first at row 1")) << msg;
  std::string csv = std::string(kCsvHeader) + "T-1,ward,26506,,,,M-1,A,leader,other,,,\n" +
                    "T-2,ward,26509,,,,M-2,B,leader,other,,,\n" + "T-2,ward,26509,,,,M-1,C,member,other,,,\n";
  msg = error_of([&] { roster::from_csv_text(csv, "teams.csv"); });
  EXPECT_TRUE(has(msg, "teams.csv, row 3, line 4, column 'member_id', unit T-2: duplicate member id M-1 (first at row 1, line 2")) << msg;
  // In CSV a team spans rows; the same id with another unit is a duplicate (or a typo).
  csv = std::string(kCsvHeader) + "T-1,ward,26506,,,,M-1,A,leader,other,,,\n" + "T-1,ward,26509,,,,M-2,B,member,other,,,\n";
  msg = error_of([&] { roster::from_csv_text(csv, "teams.csv"); });
  EXPECT_TRUE(has(msg, "teams.csv, row 2, line 3, column 'unit', unit T-1: team T-1 was given unit '26506' on row 1")) << msg;
}

TEST(TeamsBadInput, UnitUnknownInThePlaces) {
  std::string msg = error_of([] {
    commdx::check_teams(roster::from_json_text(json_with("\"unit\": \"26506\"", "\"unit\": \"99999\""), "teams.json"),
                        places::vung_tau());
  });
  EXPECT_TRUE(has(msg, "teams.json, row 1, column 'unit', unit T-26506: team T-26506: unit '99999' is not in the places")) << msg;
  std::string csv = std::string(kCsvHeader) + "T-1,ward,26506,,,,M-1,A,leader,other,,,\n" + "T-2,neighbourhood,26506-KP9,,,,M-2,B,leader,other,,,\n";
  msg = error_of([&] { commdx::team_coverage(roster::from_csv_text(csv, "teams.csv"), fixture_places()); });
  EXPECT_TRUE(has(msg, "teams.csv, row 2, line 3, column 'unit', unit T-2")) << msg;
  EXPECT_THROW(commdx::check_teams(roster::from_csv_text(csv, "teams.csv"), fixture_places()), commdx::validation_error);
}

TEST(TeamsBadInput, MissingFieldsAndColumns) {
  std::string msg = error_of([] { roster::from_json_text(json_with("\"role\": \"leader\", ", ""), "teams.json"); });
  EXPECT_TRUE(has(msg, "column 'members[0].role'")) << msg;
  EXPECT_TRUE(has(msg, "missing required field")) << msg;
  msg = error_of([] { roster::from_json_text("{\"team\": []}", "teams.json"); });
  EXPECT_TRUE(has(msg, "teams.json, column '/teams': missing required field")) << msg;
  msg = error_of([] { roster::from_csv_text("team_id,level,unit,member_id,role\nT-1,ward,26506,M-1,leader\n", "teams.csv"); });
  EXPECT_TRUE(has(msg, "teams.csv, column 'affiliation': missing required column")) << msg;
  msg = error_of([] { roster::from_file("/nonexistent/teams.json"); });
  EXPECT_TRUE(has(msg, "/nonexistent/teams.json: cannot open file")) << msg;
}

TEST(TeamsBadInput, RuleSetErrorsNameTheRuleAndField) {
  auto rules_with = [](const std::string& from, const std::string& to) {
    std::string s(commdx::shipped_data("team-rules.json"));
    auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return s.replace(pos, from.size(), to);
  };
  std::string msg = error_of([&] { rule_set::from_json_text(rules_with("\"check\": \"unit_level\"", "\"check\": \"vibes\""), "rules.json"); });
  EXPECT_TRUE(has(msg, "rules.json, row 3, column 'check', unit rule team.unit_level: unknown check 'vibes'")) << msg;
  msg = error_of([&] { rule_set::from_json_text(rules_with("\"affiliation\": \"womens_union\"", "\"affiliation\": \"guild\""), "rules.json"); });
  EXPECT_TRUE(has(msg, "column 'where.affiliation', unit rule T1.womens_union: unknown affiliation 'guild'")) << msg;
  msg = error_of([&] { rule_set::from_json_text(rules_with("has {count} leaders", "has {leaders} leaders"), "rules.json"); });
  EXPECT_TRUE(has(msg, "column 'message_en', unit rule team.one_leader: unknown placeholder {leaders}")) << msg;
  msg = error_of([&] { rule_set::from_json_text(rules_with("\"id\": \"T1.deputy\"", "\"id\": \"T1.leader\""), "rules.json"); });
  EXPECT_TRUE(has(msg, "rules.json, row 6, column 'id'")) << msg;
  EXPECT_TRUE(has(msg, "duplicate rule id 'T1.leader'")) << msg;
  msg = error_of([&] { rule_set::from_json_text(rules_with("\"min\": 1,\n      \"max\": 1", "\"min\": 2,\n      \"max\": 1"), "rules.json"); });
  EXPECT_TRUE(has(msg, "'max' is below 'min'")) << msg;
  EXPECT_THROW(rule_set::from_json_text(rules_with("\"deadline\": \"2022-07-20\"", "\"deadline\": \"July\""), "r"), commdx::config_error);
}

TEST(Teams, ACityCanEditTheRules) {
  // A city that wants 4 Youth Union members per neighbourhood team and bank staff as a warning.
  std::string s(commdx::shipped_data("team-rules.json"));
  auto j = nlohmann::json::parse(s);
  for (auto& r : j["rules"]) {
    if (r["id"] == "T3.youth_union_members") r["min"] = 4;
    if (r["id"] == "T3.bank_staff") r["severity"] = "warning";
  }
  j["deadline"] = "2022-07-31";
  const auto rules = rule_set::from_json(j, "city-rules.json");
  const auto fs = commdx::check_teams(roster::from_file(kDir + "compliant.json"), fixture_places(), rules);
  // Every one of the six neighbourhood/village teams has exactly 3 such members.
  ASSERT_EQ(fs.size(), 6u);
  for (const auto& f : fs) {
    EXPECT_EQ(f.rule, "T3.youth_union_members");
    EXPECT_TRUE(has(f.message_en, "has 3 Youth Union members")) << f.message_en;
    EXPECT_TRUE(has(f.message_en, "at least 4 are needed")) << f.message_en;
  }
  EXPECT_EQ(rules.deadline(), "2022-07-31");
}

TEST(TeamsBadInput, TruncatedOrCorruptedFilesNeverCrash) {
  // Every prefix of the fixtures (a partly saved file) either reads or raises commdx::error.
  for (const char* file : {"seeded.json", "seeded.csv"}) {
    const std::string text = commdx::io::read_file(kDir + file);
    std::size_t ok = 0, refused = 0;
    for (std::size_t n = 0; n < text.size(); n += 97) {
      try {
        const std::string name = file;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0)
          roster::from_json_text(text.substr(0, n), file);
        else
          roster::from_csv_text(text.substr(0, n), file);
        ++ok;
      } catch (const commdx::error&) {
        ++refused;
      }
    }
    EXPECT_GT(refused, 0u) << file;
    EXPECT_EQ(ok + refused, (text.size() + 96) / 97) << file;
  }
}

}  // namespace
