// Checks a roster of Community Digital Technology Teams against the directive's rules (T1, T3, T5)
// and prints the findings and the coverage of neighbourhoods and villages.
//
//   example_check_teams                         a built-in two-team roster on the built-in city
//   example_check_teams teams.json              a roster file (.json or .csv) on the built-in city
//   example_check_teams teams.csv places.csv    a roster and the places tree that holds its units
//
// Exit status: 0 no error-level finding, 1 errors found, 2 unreadable input.
#include <commdx/teams.hpp>

#include <iostream>

namespace {

// Phường 1's ward team, complete, and Long Sơn's, which lacks a Women's Union representative.
const char* kTinyRoster = R"({"teams": [
 {"id": "T-26506", "level": "ward", "unit": "26506", "decided_by": "UBND Phường 1",
  "decision_number": "45/QĐ-UBND", "decision_date": "2022-07-05", "members": [
   {"id": "M-1", "name": "Nguyễn Văn An", "role": "leader", "affiliation": "pc_vice_chairman", "skills": ["it"], "weekly_hours": 2},
   {"id": "M-2", "name": "Trần Thị Bình", "role": "deputy", "affiliation": "youth_union_secretary", "skills": ["it"], "weekly_hours": 6},
   {"id": "M-3", "name": "Lê Văn Cường", "role": "member", "affiliation": "fatherland_front", "weekly_hours": 3},
   {"id": "M-4", "name": "Phạm Thị Dung", "role": "member", "affiliation": "womens_union", "weekly_hours": 3},
   {"id": "M-5", "name": "Võ Minh Em", "role": "member", "affiliation": "youth_union_member", "skills": ["it"], "weekly_hours": 8},
   {"id": "M-6", "name": "Hồ Thị Giang", "role": "member", "affiliation": "youth_union_member", "skills": ["it"], "weekly_hours": 8},
   {"id": "M-7", "name": "Đặng Văn Hải", "role": "member", "affiliation": "youth_union_member", "skills": ["it"], "weekly_hours": 8}]},
 {"id": "T-26545", "level": "ward", "unit": "26545", "decided_by": "UBND xã Long Sơn",
  "decision_number": "52/QĐ-UBND", "decision_date": "2022-07-02", "members": [
   {"id": "M-8", "name": "Ngô Văn Khoa", "role": "leader", "affiliation": "pc_vice_chairman", "skills": ["it"], "weekly_hours": 2},
   {"id": "M-9", "name": "Bùi Thị Lan", "role": "deputy", "affiliation": "youth_union_secretary", "skills": ["it"], "weekly_hours": 6},
   {"id": "M-10", "name": "Đỗ Văn Minh", "role": "member", "affiliation": "fatherland_front", "weekly_hours": 3},
   {"id": "M-11", "name": "Lý Văn Nam", "role": "member", "affiliation": "youth_union_member", "skills": ["it"], "weekly_hours": 8},
   {"id": "M-12", "name": "Mai Thị Oanh", "role": "member", "affiliation": "youth_union_member", "skills": ["it", "smartphone"], "weekly_hours": 8},
   {"id": "M-13", "name": "Tạ Văn Phúc", "role": "member", "affiliation": "youth_union_member", "skills": ["it"], "weekly_hours": 8}]}]})";

}  // namespace

int main(int argc, char** argv) {
  try {
    const commdx::roster roster = argc > 1 ? commdx::roster::from_file(argv[1])
                                           : commdx::roster::from_json_text(kTinyRoster, "built-in roster");
    const commdx::places places = argc > 2 ? commdx::places::from_file(argv[2]) : commdx::places::vung_tau();
    const auto rules = commdx::rule_set::shipped();  // or commdx::rule_set::from_file("my-rules.json")

    const auto findings = commdx::check_teams(roster, places, rules);
    std::cout << roster.size() << " teams, " << findings.size() << " findings (deadline " << rules.deadline() << ")\n";
    for (const auto& f : findings)
      std::cout << commdx::label_vi(f.severity) << "\t" << f.rule << "\t" << f.message_vi << "\n";

    const auto cov = commdx::team_coverage(roster, places, rules.deadline());
    std::size_t with_team = 0;
    for (const auto& w : cov.wards) {
      with_team += w.ward_teams > 0 ? 1 : 0;
      std::cout << w.ward_name << ": " << (w.ward_teams > 0 ? "có tổ cấp phường/xã" : "chưa có tổ cấp phường/xã");
      if (w.neighbourhoods > 0)  // the built-in city lists wards only; a places file adds neighbourhoods
        std::cout << ", " << w.on_time << "/" << w.neighbourhoods << " khu phố/thôn có tổ đúng hạn";
      std::cout << "\n";
    }
    std::cout << with_team << "/" << cov.wards.size() << " phường/xã có tổ\n";
    return commdx::has_errors(findings) ? 1 : 0;
  } catch (const commdx::error& e) {
    std::cerr << "check_teams: " << e.what() << "\n";
    return 2;
  }
}
