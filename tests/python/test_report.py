"""The monthly report (R4, T2, T5, M1) on a constructed city whose truth is known: a follow-up
round with adoption built into one indicator and none in another, a ward with tiny residential
groups, a visit log where one member works harder actions than another, and an M1 log."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import commdx
import commdx.report
from report_cities import place_tree, two_indicator_config

K = 5


def _constructed_city(seed: int = 3) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    places: list[tuple[str, str, str, str]] = []
    # Ward 10001 has tiny groups (3 and 2 households); ward 10002 only ordinary ones.
    sizes = {"10001": {"KP1": [40, 3, 30], "KP2": [2, 25, 35]}, "10002": {"KP1": [30, 28], "KP2": [33, 26, 31]}}
    hh_rows = []
    for ward, hcode, gcode, size, n_groups in place_tree(sizes, "Thành phố Vũng Tàu", places):
        shift = rng.normal(0, 0.5)
        for i in range(size):
            bank0 = rng.random() < 1 / (1 + np.exp(-(-0.3 + shift)))
            wallet0 = rng.random() < 0.3
            hh_rows.append({
                "household_id": f"H{gcode}-{i:03d}", "ward_code": ward, "neighbourhood_code": hcode,
                "group_code": gcode, "members": 4, "adults": 3, "stratum": ward, "psu": gcode,
                "weight": 3.0, "fpc": 3.0 * n_groups, "bank_account0": float(bank0),
                "e_wallet0": float(wallet0)})
    hh = pd.DataFrame(hh_rows)
    base = hh.assign(round=0, bank_account=hh["bank_account0"], e_wallet=hh["e_wallet0"])
    # Follow-up: 40% of those without an account open one (the outreach); e-wallet use is redrawn
    # for a fifth of households from the same 30% rate: no real change, only noise.
    adopt = (hh["bank_account0"] == 0) & (rng.random(len(hh)) < 0.4)
    redraw = rng.random(len(hh)) < 0.2
    wallet1 = np.where(redraw, (rng.random(len(hh)) < 0.3).astype(float), hh["e_wallet0"])
    follow = hh.assign(round=1, bank_account=np.maximum(hh["bank_account0"], adopt.astype(float)), e_wallet=wallet1)
    cols = ["household_id", "ward_code", "neighbourhood_code", "group_code", "members", "adults", "stratum",
            "psu", "weight", "fpc", "round", "bank_account", "e_wallet"]
    roster = {"teams": [
        {"id": "T-10001", "level": "ward", "unit": "10001", "decided_by": "UBND", "decision_number": "1/QĐ",
         "decision_date": "2022-07-01", "members": [
             {"id": "M-1", "name": "Nguyễn Văn A", "role": "leader", "affiliation": "pc_vice_chairman", "skills": ["it"], "weekly_hours": 4, "phone": None}]},
        {"id": "T-10001-KP1", "level": "neighbourhood", "unit": "10001-KP1", "decided_by": "UBND", "decision_number": "2/QĐ",
         "decision_date": "2022-07-10", "members": [
             {"id": "M-2", "name": "Trần Thị B", "role": "member", "affiliation": "youth_union_member", "skills": ["smartphone"], "weekly_hours": 6, "phone": None},
             {"id": "M-3", "name": "Lê Văn C", "role": "member", "affiliation": "youth_union_member", "skills": ["smartphone"], "weekly_hours": 6, "phone": None},
             {"id": "M-4", "name": "Phạm Văn D", "role": "member", "affiliation": "bank_staff", "skills": [], "weekly_hours": 2, "phone": None}]},
        {"id": "T-10001-KP2", "level": "neighbourhood", "unit": "10001-KP2", "decided_by": "UBND", "decision_number": "3/QĐ",
         "decision_date": "2022-08-15", "members": [
             {"id": "M-5", "name": "Võ Thị E", "role": "leader", "affiliation": "executive_board", "skills": [], "weekly_hours": 3, "phone": None}]},
    ]}
    ids = hh.loc[hh["ward_code"] == "10001", "household_id"].tolist()
    visits = []
    # M-2: 12 households, the hard action (VNeID, prior 0.4), 6 adoptions.
    for i, h in enumerate(ids[:12]):
        visits.append((h, "K2.vneid", "M-2", f"2022-10-{i + 1:02d}", "adopted" if i < 6 else "declined"))
    # M-3: 12 households, the easy action (Zalo group, prior 0.7), 7 adoptions: more adoptions,
    # but fewer than expected for such an easy action.
    for i, h in enumerate(ids[12:24]):
        visits.append((h, "K10.zalo_group", "M-3", f"2022-10-{i + 1:02d}", "adopted" if i < 7 else "declined"))
    # M-4: only 3 households: too few to publish an adoption figure.
    for i, h in enumerate(ids[24:27]):
        visits.append((h, "K5.bank_account", "M-4", "2022-10-05", "adopted"))
    visits.append((ids[30], "K5.bank_account", "M-2", "2022-10-20", "not_home"))
    visits = pd.DataFrame(visits, columns=["household_id", "action", "member_id", "date", "outcome"])
    manual = []
    for i, h in enumerate(ids[:40]):
        manual.append((h, hh.set_index("household_id").loc[h, "group_code"], "pay_electricity_at_counter", 1.0, "2022-10-03"))
    for h in ids[40:60]:
        manual.append((h, hh.set_index("household_id").loc[h, "group_code"], "cash_market_shopping", 20.0, "2022-10-04"))
    for h in ids[60:62]:  # a process seen in 2 households only: never published on its own
        manual.append((h, hh.set_index("household_id").loc[h, "group_code"], "fax_to_the_ward", 1.0, "2022-10-05"))
    for h in ids[62:70]:
        manual.append((h, hh.set_index("household_id").loc[h, "group_code"], "cash_remittance", 2.0, "2022-10-05"))
    manual = pd.DataFrame(manual, columns=["household_id", "group_code", "process", "frequency_per_month", "date"])
    return {"places": pd.DataFrame(places, columns=["code", "name", "kind", "parent"]), "roster": roster,
            "sample": base[cols], "followup": follow[cols], "visits": visits, "manual_log": manual,
            "round_months": {0: "2022-06", 1: "2022-10"}}


_config = two_indicator_config


@pytest.fixture(scope="module")
def city() -> dict[str, object]:
    return _constructed_city()


@pytest.fixture(scope="module")
def ward_report(city: dict[str, object]) -> commdx.report.MonthlyReport:
    return commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=True, **city)


def test_adoption_built_in_is_flagged_and_noise_is_not(ward_report) -> None:
    ind = ward_report.tables["indicators"].set_index("variable")
    bank, wallet = ind.loc["households_bank_account"], ind.loc["e_wallet"]
    assert bank["change_baseline"] > 0.15 and bool(bank["significant_baseline"])
    assert bank["ci_low_baseline"] > 0
    assert abs(wallet["change_baseline"]) < 0.05
    assert bool(wallet["significant_baseline"]) == (wallet["p_value_baseline"] < 0.05)
    # last month (September) the latest round was the baseline: the month's change is the same
    assert bank["last_month"] == pytest.approx(bank["baseline"])
    assert ward_report.data["rounds"]["now"] == {"round": 1, "month": "2022-10"}


def test_flags_hold_their_level_over_many_constructed_cities() -> None:
    # Both ways, on 40 constructed cities: the built-in adoption is flagged in every ward, the
    # e-wallet noise in about 5% of them (at most 5 of 80 ward-level tests; binomial mean 4).
    bank_flags = wallet_flags = tests = 0
    for seed in range(40):
        c = _constructed_city(seed)
        rows = pd.concat([c["sample"], c["followup"]], ignore_index=True)
        res = commdx.round_changes(rows, {"bank": "bank_account", "wallet": "e_wallet"}, by="ward_code",
                                   include_total=False)
        bank_flags += int(res.loc[res["variable"] == "bank", "significant"].sum())
        wallet_flags += int(res.loc[res["variable"] == "wallet", "significant"].sum())
        tests += 2
    assert bank_flags == tests
    assert wallet_flags <= 8


def test_before_the_follow_up_the_report_says_so(city) -> None:
    rep = commdx.monthly_report("2022-08", ward="10001", config=_config(), charts=False, **city)
    ind = rep.tables["indicators"]
    assert (ind["change_baseline"] == 0).all() and not ind["significant_baseline"].any()
    assert any("follow-up" in n or "lặp lại" in n for n in rep.data["notes"])


def _published_hierarchy(rep, variable: str) -> pd.DataFrame:
    areas = pd.DataFrame(rep.data["areas"])
    top = pd.DataFrame(rep.data["indicators"])
    rows = [(rep.unit, "", top.loc[top["variable"] == variable, "n_now"].iloc[0])]
    parent = dict(zip(rep.tables["areas"]["unit"], rep.tables["areas"]["parent"]))
    for r in areas[areas["variable"] == variable].to_dict(orient="records"):
        rows.append((r["unit"], parent[r["unit"]], r["n_now"]))
    return pd.DataFrame(rows, columns=["unit", "parent", "n"])


def _recoverable(cells: pd.DataFrame) -> list[str]:
    """Differencing attack on published counts: parent = sum of children; unknown = unpublished."""
    unknown = cells.loc[cells["n"].isna(), "unit"].tolist()
    pos = {u: i for i, u in enumerate(unknown)}
    rows = []
    for parent, kids in cells[cells["parent"] != ""].groupby("parent"):
        row = np.zeros(len(unknown))
        if parent in pos:
            row[pos[parent]] = 1
        for u in kids["unit"]:
            if u in pos:
                row[pos[u]] = -1
        if np.abs(row).sum():
            rows.append(row)
    if not unknown or not rows:
        return []
    a = np.array(rows)
    base = np.linalg.matrix_rank(a)
    out = []
    for u, i in pos.items():
        e = np.zeros(len(unknown))
        e[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == base:
            out.append(u)
    return out


def test_tiny_groups_publish_nothing_and_cannot_be_recovered(ward_report, city) -> None:
    published = json.dumps(ward_report.to_json(), ensure_ascii=False)
    tiny = ["10001-KP1-T02", "10001-KP2-T01"]
    areas = pd.DataFrame(ward_report.data["areas"])
    for var in ("households_bank_account", "e_wallet"):
        sub = areas[areas["variable"] == var].set_index("unit")
        for code in tiny:
            row = sub.loc[code]
            assert row[["baseline", "now", "change_baseline", "n_now", "n_baseline", "last_month"]].isna().all()
            assert row["significant_baseline"] is None or pd.isna(row["significant_baseline"])
        # every published figure comes from at least K households
        shown = sub[sub["n_now"].notna()]
        assert (shown["n_now"] >= K).all() and (shown["n_baseline"] >= K).all()
        # complementary cells exist, and differencing the published counts reveals none
        assert (ward_report.tables["areas"].query("variable == @var")["suppression"] == "complementary").any()
        assert _recoverable(_published_hierarchy(ward_report, var)) == []
    # the tiny groups' household counts appear nowhere in the document either
    md = ward_report.to_markdown()
    for code in tiny:
        line = next(line for line in md.splitlines() if f"({code})" in line)
        assert "—" in line
    assert "10001-KP1-T02" in published  # the unit is listed, its figures are not


def test_threshold_is_configurable(city) -> None:
    rep = commdx.monthly_report("2022-10", ward="10001", config=_config(), min_households=36, charts=False, **city)
    areas = rep.tables["areas"]
    shown = areas[areas["suppression"] == "published"]
    assert (shown["n_now"] >= 36).all()
    assert (areas["suppression"] == "primary").sum() > 4


def test_nomination_adjusts_for_difficulty(city, ward_report) -> None:
    # M-4 visited 3 households: visit count shown, adoption figures not; and since the team's
    # total minus M-2 and M-3 would give M-4's, the smaller of them (M-3) is hidden too
    # (docs/disclosure.md, attack (c)).
    mem = ward_report.tables["member_visits"].set_index("member_id")
    assert mem.loc["M-4", "visits"] == 3 and np.isnan(mem.loc["M-4", "conversions"])
    assert np.isnan(mem.loc["M-3", "conversions"]) and not np.isnan(mem.loc["M-2", "conversions"])
    # With k = 3 every member is published: M-3 adopted more households (7 vs 6) but on an easy
    # action; M-2 beat a hard one.
    rep3 = commdx.monthly_report("2022-10", ward="10001", config=_config(), min_households=3, charts=False, **city)
    mem = rep3.tables["member_visits"].set_index("member_id")
    assert mem.loc["M-3", "conversions"] > mem.loc["M-2", "conversions"]
    assert mem.loc["M-2", "adjusted_rate"] > mem.loc["M-3", "adjusted_rate"]
    nominated = [n["member_id"] for n in rep3.data["nominations"]["members"]]
    assert "M-2" in nominated and "M-3" not in nominated
    # hours: travel 10 min per visit plus the action's minutes from campaigns.json (VNeID 10)
    assert mem.loc["M-2", "hours"] == pytest.approx((12 * (10 + 10) + (10 + 20)) / 60)
    assert "campaigns.json" in ward_report.data["nominations"]["criterion"]


def test_manual_processes_ranked_by_households_small_ones_hidden(ward_report) -> None:
    m1 = ward_report.data["manual_processes"]
    procs = [p["process"] for p in m1["proposals"]]
    assert procs == ["pay_electricity_at_counter", "cash_market_shopping", "cash_remittance"]
    assert "fax_to_the_ward" not in json.dumps(m1)
    assert m1["proposals"][0]["campaign"] == "K8" and "điện" in m1["proposals"][0]["replacement"]
    assert m1["other"]["processes"] == 1 and m1["other"]["households"] is None


def test_teams_coverage_counts_the_late_neighbourhood(ward_report) -> None:
    t = ward_report.data["teams"]
    assert t["neighbourhoods"] == 2
    assert t["covered_by_deadline"] == 1
    assert t["uncovered"] == ["10001-KP2"]


def test_teams_section_follows_the_citys_rule_set_and_its_deadline(city) -> None:
    # a city's rule set with its own deadline: T5 by that deadline (KP2's team, decided on
    # 2022-08-15, is on time by 2022-08-31), and no override to state
    from commdx.io.json import shipped_json

    rules = shipped_json("team-rules.json")
    assert rules["deadline"] == "2022-07-20"
    rules["deadline"] = "2022-08-31"
    rep = commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, rules=rules, **city)
    t = rep.data["teams"]
    assert (t["deadline"], t["covered_by_deadline"], t["uncovered"]) == ("2022-08-31", 2, [])
    assert "deadline_override" not in t
    # an explicit deadline over the shipped rule set's is used and said, in the data and the text
    rep = commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, deadline="2022-09-01",
                                lang="en", **city)
    t = rep.data["teams"]
    assert (t["deadline"], t["covered_by_deadline"]) == ("2022-09-01", 2)
    assert t["deadline_override"] == {"deadline": "2022-09-01", "rules_deadline": "2022-07-20"}
    # dates in the documents as dd/mm/yyyy (commdx.render.fmt), the data keeps ISO dates
    assert "Deadline 01/09/2022 used instead of the team rule set's 20/07/2022." in rep.to_markdown()


def test_visit_outcomes_are_the_campaign_catalogues_words(city) -> None:
    # one vocabulary: the catalogue's visit_log (success, failure, no attempt), as the plan reads it
    cat = commdx.campaign_catalogue()
    words = cat["visit_log"]
    assert commdx.monitor.VISIT_OUTCOMES == tuple(words["success"] + words["failure"] + words["no_attempt"])
    assert {"adopted", "declined", "not_home", "informed", "that_bai", "vang_nha"} <= set(commdx.monitor.VISIT_OUTCOMES)
    # a city's catalogue with a word of its own
    own = json.loads(json.dumps(cat))
    own["visit_log"]["no_attempt"].append("chua_gap")
    assert "chua_gap" in commdx.monitor.visit_outcomes(own) and "chua_gap" not in commdx.monitor.VISIT_OUTCOMES
    # the report takes a catalogue word ("that_bai": failure), and still refuses a word of none
    visits = city["visits"].copy()
    visits.loc[visits["outcome"] == "declined", "outcome"] = "that_bai"
    rep = commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, **{**city, "visits": visits})
    assert rep.data["visits"]
    visits.loc[visits.index[0], "outcome"] = "maybe"
    with pytest.raises(commdx.ValidationError, match="maybe"):
        commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, **{**city, "visits": visits})


def test_nominations_read_the_campaign_catalogues_outcome_words(city) -> None:
    # one vocabulary (issue 12): "thanh_cong" is a success word of campaigns.json's visit_log, and
    # "informed" a visit without an attempt, which carries no expected adoption
    visits = city["visits"].copy()
    rep = commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, **{**city, "visits": visits})
    adopted = visits["outcome"] == "adopted"
    assert adopted.any()
    visits.loc[adopted, "outcome"] = "thanh_cong"
    same = commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, **{**city, "visits": visits})
    assert same.data["visits"] == rep.data["visits"] and same.data["nominations"] == rep.data["nominations"]
    words = commdx._core._visit_log_vocabulary(None)
    assert "informed" in words["no_attempt"] and "thanh_cong" in words["success"]
    assert "nomination" in _config() and "success_outcomes" not in _config()["nomination"]


@pytest.mark.parametrize("field", ["default_action_minutes", "unanimous_below_households"])
def test_a_default_the_report_config_lacks_is_a_config_error_naming_it(city, field) -> None:
    # report-config.json ships each default; the code holds no second copy (issue 12)
    assert isinstance(commdx.report.load_report_config()[field], (int, float))
    with pytest.raises(commdx.ConfigError, match=rf"report config, field '{field}': missing"):
        commdx.monthly_report("2022-10", ward="10001", config={**_config(), field: None}, charts=False, **city)


def test_documents_render_in_both_languages(ward_report, city, tmp_path) -> None:
    html = ward_report.to_html()
    assert html.startswith("<!DOCTYPE html>") and "Báo cáo tháng 10 năm 2022: Phường 1" in html
    assert html.count("data:image/png;base64,") >= 3
    paths = ward_report.save(tmp_path)
    assert json.loads(paths["json"].read_text("utf-8"))["unit"] == "10001"
    en = commdx.monthly_report("2022-10", ward="10001", config=_config(), lang="en", charts=False, **city)
    assert "Monthly report, October 2022: Phường 1" in en.to_markdown() and "Beyond noise?" in en.to_markdown()
    with pytest.raises(commdx.Error):
        commdx.monthly_report("2022-13", ward="10001", **city)
    with pytest.raises(commdx.Error):
        commdx.monthly_report("2022-10", ward="99999", **city)


def test_city_report_has_wards_as_areas(city) -> None:
    rep = commdx.monthly_report("2022-10", config=_config(), charts=False, **city)
    assert rep.unit == "747"
    assert set(pd.DataFrame(rep.data["areas"])["unit"]) == {"10001", "10002"}
    top = rep.tables["indicators"].set_index("variable")
    assert bool(top.loc["households_bank_account", "significant_baseline"])


def test_command_line_report(city, tmp_path, capsys) -> None:
    from commdx.cli import main

    data = tmp_path / "data"
    data.mkdir()
    city["places"].to_csv(data / "places.csv", index=False)
    (data / "teams.json").write_text(json.dumps(city["roster"], ensure_ascii=False), "utf-8")
    city["sample"].to_csv(data / "sample_households.csv", index=False)
    city["followup"].to_csv(data / "followup_households.csv", index=False)
    city["visits"].to_csv(data / "visits.csv", index=False)
    city["manual_log"].to_csv(data / "manual_processes.csv", index=False)
    out = tmp_path / "out"
    assert main(["report", "--month", "2022-10", "--data", str(data), "--ward", "Phường 1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Báo cáo tháng 10 năm 2022: Phường 1 (10001)" in printed
    report = json.loads((out / "report-10001-2022-10.json").read_text("utf-8"))
    assert report["lang"] == "vi" and report["unit"] == "10001"
    bank = next(r for r in report["indicators"] if r["variable"] == "households_bank_account")
    assert bank["significant_baseline"] is True
    assert main(["report", "--month", "2022-10", "--data", str(tmp_path / "nowhere")]) == 2


def test_a_ward_hidden_in_the_city_report_stays_hidden_in_its_own(city) -> None:
    # A third ward of 3 households: the city report suppresses it, and the smallest other ward as
    # its complement; that ward's own report must not publish its total either, or the tiny ward
    # would be city - 10002 - 10001.
    c = dict(city)
    c["places"] = pd.concat([city["places"], pd.DataFrame(
        [("10003", "Phường 3", "ward", "747"), ("10003-KP1", "Khu phố 1", "neighbourhood", "10003"),
         ("10003-KP1-T01", "Tổ 1", "residential_group", "10003-KP1")], columns=["code", "name", "kind", "parent"])],
        ignore_index=True)
    extra = city["sample"].head(3).assign(
        household_id=["H3-1", "H3-2", "H3-3"], ward_code="10003", neighbourhood_code="10003-KP1",
        group_code="10003-KP1-T01", stratum="10003", psu="10003-KP1-T01", fpc=1.0)
    c["sample"] = pd.concat([city["sample"], extra], ignore_index=True)
    c["followup"] = pd.concat([city["followup"], extra.assign(round=1)], ignore_index=True)
    cfg = _config()
    city_rep = commdx.monthly_report("2022-10", config=cfg, charts=False, **c)
    areas = city_rep.tables["areas"]
    status = areas[areas["variable"] == "households_bank_account"].set_index("unit")["suppression"]
    assert status["10003"] == "primary"
    hidden_partner = status[status == "complementary"].index.tolist()
    assert hidden_partner == ["10001"]  # the smaller of the two other wards
    ward_rep = commdx.monthly_report("2022-10", ward="10001", config=cfg, charts=False, **c)
    top = pd.DataFrame(ward_rep.data["indicators"]).set_index("variable")
    assert top.loc["households_bank_account", ["now", "baseline", "n_now"]].isna().all()


def test_a_wards_report_counts_only_the_visits_planned_in_the_ward(city) -> None:
    # The plan covers the whole city: a ward's report must not list the other wards' members (the
    # report a ward files listed 113 other teams and 613 other members), nor count their visits.
    plan = pd.DataFrame({"member_id": ["M-2", "M-2", "M-3", "M-9", "M-9", "M-2"],
                         "date": ["2022-10-03", "2022-10-04", "2022-10-05", "2022-10-03", "2022-10-04", "2022-10-06"],
                         "ward_code": ["10001", "10001", "10001", "10002", "10002", "10002"]})
    rep = commdx.monthly_report("2022-10", ward="10001", config=_config(), plan=plan, charts=False, **city)
    planned = {m["member_id"]: m["visits_planned"] for m in rep.data["visits"]["members"]}
    assert "M-9" not in planned
    assert planned["M-2"] == 2 and planned["M-3"] == 1
    whole = commdx.monthly_report("2022-10", config=_config(), plan=plan, charts=False, **city)
    planned = {m["member_id"]: m["visits_planned"] for m in whole.data["visits"]["members"]}
    assert planned["M-9"] == 2 and planned["M-2"] == 3


def test_the_reports_change_tests_carry_the_rounds_calibration(city) -> None:
    """Issue 14: a survey whose rounds are calibrated (the rows carry the calibrated weights, as the
    demo's do) is tested with its calibration: with nothing suppressed (k = 1, no unanimity rule)
    the city's and each ward's change and SE are commdx.round_changes' on the design weights with
    the same calibrations (itself checked against R, test_monitor.py)."""
    design = commdx.SurveyDesign(weight="weight", strata="stratum", psu="psu", fpc="fpc")
    shown, cals = [], []
    for df, moved in ((city["sample"], (1.08, 0.93)), (city["followup"], (0.95, 1.06))):
        w = df.groupby("ward_code")["weight"].sum()
        # (every household has 3 adults here: the adults' total would be collinear with the wards)
        margins = {"ward_code": {"10001": float(round(w["10001"] * moved[0])), "10002": float(round(w["10002"] * moved[1]))}}
        cal = commdx.calibrate(df, design, margins, method="linear")
        cals.append(cal)
        shown.append(df.assign(weight=cal.weights))
    cfg = _config()
    cfg["unanimous_below_households"] = 0
    inputs = {**city, "sample": shown[0], "followup": shown[1]}
    rep = commdx.monthly_report("2022-10", config=cfg, min_households=1, charts=False, calibration=tuple(cals), **inputs)
    plain = commdx.monthly_report("2022-10", config=cfg, min_households=1, charts=False, **inputs)
    stacked = pd.concat([city["sample"], city["followup"]], ignore_index=True)
    ref = commdx.round_changes(stacked, {"households_bank_account": "bank_account", "e_wallet": "e_wallet"},
                               by="ward_code", calibration=tuple(cals))
    ref = ref.rename(columns={"domain": "unit"})
    key = ["unit", "variable"]
    got = pd.concat([rep.tables["indicators"], rep.tables["areas"]], ignore_index=True)  # the city ("") and its wards
    merged = got.merge(ref, on=key, validate="one_to_one")
    assert len(merged) == 6  # the city and two wards, two indicators
    np.testing.assert_allclose(merged["baseline"], merged["before"], rtol=1e-12)
    np.testing.assert_allclose(merged["change_baseline"], merged["change"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(merged["se_change_baseline"], merged["se_change"], rtol=1e-10)
    # without the calibration the report's SEs are those of the calibrated weights taken as design weights
    other = pd.concat([plain.tables["indicators"], plain.tables["areas"]]).merge(
        got[key + ["se_change_baseline"]], on=key, suffixes=("", "_cal"))
    assert len(other) == 6
    assert (other["se_change_baseline"] - other["se_change_baseline_cal"]).abs().max() > 1e-4
    # the calibrations must be of these rows: the design weights are not the calibrated ones
    with pytest.raises(commdx.InputError, match="is not the calibrated weight"):
        commdx.monthly_report("2022-10", config=cfg, min_households=1, charts=False, calibration=tuple(cals), **city)
