"""T1, T3, T4, T5 through the Python API: Member/Team/Roster, read_roster (JSON, CSV, XLSX,
DataFrame), check_teams and team_coverage.

Fixtures in tests/data/teams: places.csv (three real wards of Vũng Tàu with made-up neighbourhoods,
villages and groups), compliant.* (meets every rule), seeded.* (each rule broken exactly once, as
make_fixtures.py describes beside each change). Expected findings below are written by hand from
those descriptions.
"""
from __future__ import annotations

import json
import math
import pathlib

import hypothesis
import hypothesis.strategies as st
import numpy as np
import openpyxl
import pandas as pd
import pytest

import commdx

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "teams"

SEEDED_FINDINGS = {
    ("T1.leader_it", "T-26506", "26506"),
    ("T1.womens_union", "T-26506", "26506"),
    ("T1.fatherland_front", "T-26509", "26509"),
    ("T1.youth_union_it", "T-26509", "26509"),
    ("T1.leader", "T-26545", "26545"),
    ("T1.deputy", "T-26545", "26545"),
    ("T3.executive_board", "T-26506-KP1", "26506-KP1"),
    ("T3.youth_union_secretary", "T-26506-KP2", "26506-KP2"),
    ("T3.youth_union_members", "T-26506-KP3", "26506-KP3"),
    ("T3.bank_staff", "T-26545-TH1", "26545-TH1"),
    ("T3.group_leaders", "T-26545-TH2", "26545-TH2"),
    ("team.one_leader", "T-26506-KP1-T1", "26506-KP1-T1"),
    ("team.decision", "T-26545-TH1-T1", "26545-TH1-T1"),
    ("team.unit_level", "T-26506-KP2-G", "26506-KP2"),
    ("T5.missing", "", "26545-TH3"),
    ("T5.late", "T-26506-KP3", "26506-KP3"),
}


@pytest.fixture(scope="module")
def places():
    return commdx.Places.from_file(str(DATA / "places.csv"))


def keys(findings: pd.DataFrame) -> set:
    return set(zip(findings["rule"], findings["team"], findings["unit"]))


def write_xlsx(df: pd.DataFrame, path: pathlib.Path) -> None:
    """A workbook as a ward office would type it: every cell text except the hours."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách tổ"
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and math.isnan(v)) or v == "" else v for v in row])
    wb.save(path)


def seeded_xlsx(tmp_path: pathlib.Path) -> pathlib.Path:
    df = pd.read_csv(DATA / "seeded.csv", dtype=str, keep_default_na=False)
    df["weekly_hours"] = df["weekly_hours"].astype(float)
    path = tmp_path / "seeded.xlsx"
    write_xlsx(df, path)
    return path


# ---- checking ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["compliant.json", "compliant.csv"])
def test_compliant_roster_has_no_findings(places, name):
    findings = commdx.check_teams(DATA / name, places)
    assert list(findings.columns) == ["severity", "rule", "team", "unit", "message_vi", "message_en"]
    assert findings.empty, findings.to_string()


def test_seeded_roster_breaks_each_rule_exactly_once(places, tmp_path):
    rules = commdx.RuleSet.shipped()
    sources = {
        "json": commdx.read_roster(DATA / "seeded.json"),
        "csv": commdx.read_roster(str(DATA / "seeded.csv")),
        "xlsx": commdx.read_roster(seeded_xlsx(tmp_path)),
        "dataframe": pd.read_csv(DATA / "seeded.csv", dtype=str, keep_default_na=False),
        "dict": json.loads((DATA / "seeded.json").read_text(encoding="utf-8")),
    }
    for label, roster in sources.items():
        findings = commdx.check_teams(roster, places)
        assert len(findings) == len(SEEDED_FINDINGS), label
        assert keys(findings) == SEEDED_FINDINGS, label
        assert sorted(findings["rule"]) == sorted(rules.ids), label
    assert sources["xlsx"] == sources["json"]


def test_findings_carry_severity_and_both_languages(places):
    f = commdx.check_teams(DATA / "seeded.json", places).set_index("rule")
    assert f.loc["T1.leader_it", "severity"] == "warning"
    assert f.loc["T3.bank_staff", "severity"] == "info"
    assert f.loc["T5.missing", "severity"] == "error"
    assert f.loc["T5.missing", "team"] == ""
    assert f.loc["T3.youth_union_members", "message_en"] == (
        "Team T-26506-KP3 (Khu phố 3) has 2 Youth Union members good with smartphones and computers; "
        "at least 3 are needed.")
    assert f.loc["T5.missing", "message_vi"] == (
        "Thôn 3 (26545-TH3) chưa có tổ công nghệ số cộng đồng nào được quyết định thành lập (hạn 2022-07-20).")
    assert not f["message_vi"].str.contains("{", regex=False).any()


def test_deadline_argument_and_rule_set_deadline(places):
    r = commdx.read_roster(DATA / "seeded.json")
    later = commdx.check_teams(r, places, deadline="2022-07-21")
    assert keys(later) == SEEDED_FINDINGS - {("T5.late", "T-26506-KP3", "26506-KP3")}
    rules = commdx.RuleSet.shipped().to_json()
    rules["deadline"] = "2022-07-31"
    # deadline=None takes the rule set's deadline.
    assert "T5.late" not in set(commdx.check_teams(r, places, rules=rules, deadline=None)["rule"])
    # so does no deadline at all: a city's rule set is never overridden by a default (issue 12)
    assert "T5.late" not in set(commdx.check_teams(r, places, rules=rules)["rule"])
    assert commdx.team_coverage(r, places, rules=rules).deadline == "2022-07-31"
    assert commdx.team_coverage(r, places).deadline == commdx.RuleSet.shipped().deadline
    # an explicit deadline still overrides the rule set's
    assert "T5.late" in set(commdx.check_teams(r, places, rules=rules, deadline="2022-07-20")["rule"])
    with pytest.raises(commdx.InputError, match="deadline must be a date"):
        commdx.check_teams(r, places, deadline="20/07/2022")


def test_a_city_edits_the_rules(places, tmp_path):
    rules = commdx.RuleSet.shipped().to_json()
    for rule in rules["rules"]:
        if rule["id"] == "T1.youth_union_it":
            rule["min"] = 4
        if rule["id"] == "T3.bank_staff":
            rule["severity"] = "error"
    path = tmp_path / "city-rules.json"
    path.write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    f = commdx.check_teams(DATA / "compliant.json", places, rules=str(path))
    # Every ward team of the compliant roster has exactly three IT-skilled Youth Union members.
    assert keys(f) == {("T1.youth_union_it", t, t[2:]) for t in ("T-26506", "T-26509", "T-26545")}
    assert set(f["message_en"].str.extract(r"at least (\d)")[0]) == {"4"}
    bad = dict(rules, rules=rules["rules"] + [dict(rules["rules"][0], id="X.1", check="nonsense")])
    with pytest.raises(commdx.ConfigError, match=r"row 17, column 'check', unit rule X.1: unknown check 'nonsense'"):
        commdx.check_teams(DATA / "compliant.json", places, rules=bad)


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(st.sets(st.sampled_from(range(11))))
def test_removing_teams_reports_exactly_the_uncovered_neighbourhoods(dropped):
    """Property: dropping teams from a compliant roster leaves only T5.missing findings, one for each
    neighbourhood or village whose team was dropped (ward and group teams have no coverage rule)."""
    places = commdx.Places.from_file(str(DATA / "places.csv"))
    teams = commdx.read_roster(DATA / "compliant.json").teams
    kept = [t for i, t in enumerate(teams) if i not in dropped]
    expected = {("T5.missing", "", teams[i].unit) for i in dropped if teams[i].level == "neighbourhood"}
    assert keys(commdx.check_teams(commdx.Roster.from_teams(kept), places)) == expected


# ---- coverage ------------------------------------------------------------------------------------

def test_coverage_per_neighbourhood_group_and_ward(places):
    cov = commdx.team_coverage(DATA / "seeded.json", places)
    n = cov.neighbourhoods.set_index("unit")
    assert n["status"].to_dict() == {
        "26506-KP1": "on_time", "26506-KP2": "on_time", "26506-KP3": "late",
        "26545-TH1": "on_time", "26545-TH2": "on_time", "26545-TH3": "missing"}
    assert n.loc["26506-KP3", "first_date"] == "2022-07-21"
    g = cov.groups.set_index("unit")
    assert sorted(g.index[g["teams"] > 0]) == ["26506-KP1-T1", "26545-TH1-T1"]
    w = cov.wards.set_index("ward")
    assert w.loc["26506", ["neighbourhoods", "on_time", "late", "missing", "groups", "groups_with_team"]].tolist() == [3, 2, 1, 0, 4, 1]
    assert w.loc["26506", "share_on_time"] == pytest.approx(2 / 3)
    assert w.loc["26545", "share_groups_with_team"] == pytest.approx(0.5)
    assert np.isnan(w.loc["26509", "share_on_time"])
    assert w["ward_teams"].tolist() == [1, 1, 1]
    assert cov.deadline == "2022-07-20"
    # The same numbers from the compiled core's JSON and back through TeamCoverage.from_json.
    again = commdx.TeamCoverage.from_json(cov.to_json())
    pd.testing.assert_frame_equal(again.wards, cov.wards)
    pd.testing.assert_frame_equal(again.neighbourhoods, cov.neighbourhoods)
    raw = commdx._core._team_coverage_json(commdx.read_roster(DATA / "seeded.json"), places, "2022-07-20")
    assert [x["on_time"] for x in raw["wards"]] == w["on_time"].tolist()


# ---- value types and round trips -----------------------------------------------------------------

def test_member_team_roster_round_trip_through_json_and_dataframe():
    r = commdx.read_roster(DATA / "seeded.json")
    assert commdx.Roster.from_json(r.to_json()) == r
    assert commdx.Roster.from_json(json.loads(json.dumps(r.to_json(), ensure_ascii=False))) == r
    t = r.teams[0]
    assert commdx.Team.from_json(t.to_json()) == t
    m = t.members[0]
    assert commdx.Member.from_json(m.to_json()) == m
    assert m.phone == "0901234567" and m.weekly_hours == 2.0
    df = r.to_dataframe()
    assert list(df.columns) == list(commdx.teams.ROSTER_COLUMNS)
    assert len(df) == sum(len(x.members) for x in r.teams)
    assert commdx.Roster.from_dataframe(df) == r
    assert len(t.to_dataframe()) == 7
    assert commdx.Roster.from_csv_text(r.to_csv_text(), "rt.csv") == r


def test_building_teams_in_python():
    lead = commdx.Member("M-1", "Nguyễn Văn A", role="leader", affiliation="pc_vice_chairman",
                         skills=["IT", "smartphone"], weekly_hours=3, phone="0901234567")
    assert lead.skills == ["it", "smartphone"] and lead.has_skill("it")
    tagged = commdx.Member("M-9", skills=["egov", "E-Payment", "máy tính"])
    assert tagged.skills == ["e_payment", "egov", "it"]  # extra tags kept, folded; "máy tính" is IT
    helper = commdx.Member("M-2", "Trần B", affiliation="youth_union_member")
    assert helper.weekly_hours is None and helper.phone is None and helper.role == "member"
    team = commdx.Team("T-26506", "ward", "26506", "UBND Phường 1", "1/QĐ-UBND", "2022-07-01", [lead, helper])
    assert team.members[1] == helper
    team.members = [lead]
    assert len(team.members) == 1
    roster = commdx.Roster.from_teams([team], "built")
    assert len(roster) == 1 and roster.find("T-26506") == team and roster.find("nope") is None
    f = commdx.check_teams(roster)  # built-in city: Phường 1 is one of its 17 units
    assert set(f["rule"]) == {"T1.deputy", "T1.fatherland_front", "T1.womens_union", "T1.youth_union_it"}
    with pytest.raises(commdx.InputError, match="unknown role 'boss'"):
        commdx.Member("M-3", role="boss")
    with pytest.raises(commdx.InputError, match="weekly hours must be a number > 0"):
        commdx.Member("M-3", weekly_hours=-1)
    with pytest.raises(commdx.InputError, match="weekly hours must be a number > 0, got 0"):
        commdx.Member("M-3", weekly_hours=0)
    with pytest.raises(commdx.InputError, match="bad date '2022-06-31'"):
        commdx.Team("T-1", "ward", "26506", decision_date="2022-06-31")
    with pytest.raises(commdx.ValidationError, match="duplicate team id T-26506"):
        commdx.Roster.from_teams([team, team])


# ---- bad input: errors name file, row/line and column --------------------------------------------

def test_malformed_json_and_invalid_utf8(tmp_path):
    bad = tmp_path / "teams.json"
    bad.write_text('{"teams": [\n {"id": "T-1",\n  "level" "ward"}]}', encoding="utf-8")
    with pytest.raises(commdx.InputError, match=r"teams\.json, line 3, character \d+: malformed JSON"):
        commdx.read_roster(bad)
    raw = (DATA / "seeded.csv").read_bytes().replace("Lê Thị Đào".encode(), b"L\xea Th\xec")
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(raw)
    with pytest.raises(commdx.InputError, match=r"latin1\.csv, line 5: invalid UTF-8"):
        commdx.read_roster(latin)


def test_csv_errors_name_row_line_and_column(tmp_path):
    text = (DATA / "compliant.csv").read_text(encoding="utf-8").splitlines()
    header = text[0]

    def read(lines, name="bad.csv"):
        path = tmp_path / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return commdx.read_roster(path)

    with pytest.raises(commdx.InputError, match=r"bad\.csv, row 2, line 3, column 'role', unit T-26506: unknown role 'chief'"):
        read([text[1], text[2].replace(",deputy,", ",chief,")])
    with pytest.raises(commdx.InputError, match=r"row 1, line 2, column 'affiliation', unit T-26506: unknown affiliation 'mayor'"):
        read([text[1].replace("pc_vice_chairman", "mayor")])
    with pytest.raises(commdx.InputError, match=r"row 1, line 2, column 'level', unit T-26506: unknown team level 'district'"):
        read([text[1].replace(",ward,", ",district,")])
    with pytest.raises(commdx.InputError, match=r"row 1, line 2, column 'decision_date', unit T-26506: bad date '2022-07-32'"):
        read([text[1].replace("2022-07-01", "2022-07-32")])
    with pytest.raises(commdx.InputError, match=r"row 1, line 2, column 'weekly_hours', unit T-26506: member M-26506-01: weekly hours must be a number > 0"):
        read([text[1].replace(",2,0901234567", ",-2,0901234567")])
    with pytest.raises(commdx.InputError, match=r"row 1, line 2, column 'weekly_hours', unit T-26506: member M-26506-01: weekly hours must be a number > 0, got 0"):
        read([text[1].replace(",2,0901234567", ",0,0901234567")])
    with pytest.raises(commdx.ValidationError, match=r"row 2, line 3, column 'member_id', unit T-26506: duplicate member id M-26506-01 \(first at row 1, line 2"):
        read([text[1], text[2].replace("M-26506-02", "M-26506-01")])
    with pytest.raises(commdx.ValidationError, match=r"row 2, line 3, column 'unit', unit T-26506: team T-26506 was given unit '26506'"):
        read([text[1], text[2].replace(",ward,26506,", ",ward,26509,")])


def test_json_errors_name_row_and_field():
    doc = json.loads((DATA / "compliant.json").read_text(encoding="utf-8"))
    doc["teams"][4]["members"][2]["role"] = "chief"
    with pytest.raises(commdx.InputError, match=r"teams\.json, row 5, column 'members\[2\]\.role', unit T-26506-KP2: unknown role 'chief'"):
        commdx.Roster.from_json(doc, "teams.json")
    doc = json.loads((DATA / "compliant.json").read_text(encoding="utf-8"))
    doc["teams"][1]["id"] = "T-26506"
    with pytest.raises(commdx.ValidationError, match=r"row 2, column 'id', unit T-26506: duplicate team id T-26506 \(first at row 1"):
        commdx.Roster.from_json(doc, "teams.json")
    doc = json.loads((DATA / "compliant.json").read_text(encoding="utf-8"))
    doc["teams"][0]["members"][0]["weekly_hours"] = float("nan")
    with pytest.raises(commdx.InputError, match=r"teams\.json: not valid JSON data"):
        commdx.Roster.from_json(doc, "teams.json")
    doc["teams"][0]["members"][0]["weekly_hours"] = "four"
    with pytest.raises(commdx.InputError, match=r"row 1, column 'members\[0\]\.weekly_hours', unit T-26506: expected a number"):
        commdx.Roster.from_json(doc, "teams.json")


def test_unit_unknown_in_the_places_names_the_team_row(places):
    doc = json.loads((DATA / "compliant.json").read_text(encoding="utf-8"))
    doc["teams"][6]["unit"] = "26545-TH9"
    roster = commdx.Roster.from_json(doc, "teams.json")
    with pytest.raises(commdx.ValidationError, match=r"teams\.json, row 7, column 'unit', unit T-26545-TH1: team T-26545-TH1: unit '26545-TH9' is not in the places"):
        commdx.check_teams(roster, places)
    with pytest.raises(commdx.ValidationError, match="not in the places"):
        commdx.team_coverage(roster, places)


def test_xlsx_errors_name_sheet_row_and_spreadsheet_line(tmp_path):
    df = pd.read_csv(DATA / "compliant.csv", dtype=str, keep_default_na=False)
    df["weekly_hours"] = df["weekly_hours"].astype(float)
    df.loc[3, "role"] = "sếp"
    path = tmp_path / "teams.xlsx"
    write_xlsx(df, path)
    with pytest.raises(commdx.InputError, match=r"teams\.xlsx \(sheet Danh sách tổ\), row 4, line 5, column 'role', unit T-26506: unknown role 'sếp'"):
        commdx.read_roster(path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(commdx.InputError, match=r"broken\.xlsx: .*damaged or truncated workbook"):
        commdx.read_roster(broken)


def test_xlsx_with_dates_numbers_and_blank_rows(tmp_path, places):
    """Excel turns dates into dates and codes into numbers; blank rows are skipped."""
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(commdx.teams.ROSTER_COLUMNS))
    ws.append(["T-1", "ward", 26506, "UBND Phường 1", "1/QĐ", dt.datetime(2022, 7, 1), "M-1", "A", "leader",
               "pc_vice_chairman", "it", 2, "0901234567"])
    ws.append([None] * 13)
    ws.append(["T-1", "ward", 26506, "UBND Phường 1", "1/QĐ", dt.datetime(2022, 7, 1), "M-2", "B", "deputy",
               "youth_union_secretary", "it", None, None])
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    r = commdx.read_roster(path)
    t = r.teams[0]
    assert (t.unit, t.decision_date, len(t.members)) == ("26506", "2022-07-01", 2)
    assert t.members[0].phone == "0901234567" and t.members[1].weekly_hours is None


def test_the_synthetic_city_roster_follows_the_contract():
    """contracts.md: synth writes the roster format this stage reads (an integration check)."""
    city = commdx.synth.city(households=1500, seed=3)
    roster = commdx.Roster.from_json(city.roster, "synth")
    assert len(roster) > 17
    findings = commdx.check_teams(roster, city.places)
    assert set(findings["severity"]) <= {"error", "warning", "info"}
    cov = commdx.team_coverage(roster, city.places)
    units = set(city.places.to_dataframe().query("kind in ['neighbourhood', 'village']")["code"])
    assert set(cov.neighbourhoods["unit"]) == units
    assert (cov.wards["neighbourhoods"] == cov.wards[["on_time", "late", "missing"]].sum(axis=1)).all()
