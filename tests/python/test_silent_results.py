"""Issue 11, "wrong results with exit 0": each case that gave a result without a word is now a
commdx error naming where, or a finding the output states. Each test reproduces a case main got
wrong (main accepted it silently), with a few neighbours of it that must stay refused."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx
import commdx.report
from commdx.cli import main
from test_report import _config, _constructed_city

R = Path(__file__).resolve().parents[1] / "data" / "r"
TEXT = {c: str for c in ("ward_code", "neighbourhood_code", "group_code", "stratum", "psu", "household_id")}
DESIGN = commdx.SurveyDesign(weight="weight", strata="stratum", psu="psu", fpc="fpc")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(R / "synth_sample.csv", dtype=TEXT)


@pytest.fixture(scope="module")
def city_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small synthetic city's survey and places as files, for the command line."""
    d = tmp_path_factory.mktemp("city")
    city = commdx.synth.city(households=20000, seed=1)
    city.sample.to_csv(d / "sample.csv", index=False)
    city.places.to_dataframe()[["code", "name", "kind", "parent"]].to_csv(d / "places.csv", index=False)
    return {"sample": d / "sample.csv", "places": d / "places.csv", "dir": d}


# ---- 1. weights finite and positive, sums that cannot overflow ---------------------------------

def test_a_weight_of_1e308_is_refused_not_estimated_as_zero(sample: pd.DataFrame) -> None:
    big = sample.copy()
    big.loc[7, "weight"] = 1e308
    big.attrs["source"] = "sample.csv"
    with pytest.raises(commdx.InputError, match=r"sample.csv, row 8, column 'weight': the sampling weights sum to"):
        commdx.estimate(big, DESIGN, "e_wallet")
    with pytest.raises(commdx.InputError, match=r"row 8, column 'weight'"):
        commdx.indicators(big, commdx.synth.city(households=20000, seed=1).places, DESIGN, catalogue=["e_wallet"],
                          levels=["city"])


@pytest.mark.parametrize("bad", [0.0, -3.0, math.inf, math.nan])
def test_weights_must_be_finite_and_positive(sample: pd.DataFrame, bad: float) -> None:
    df = sample.copy()
    df.loc[3, "weight"] = bad
    with pytest.raises(commdx.InputError, match=r"DataFrame, row 4, column 'weight'"):
        commdx.estimate(df, DESIGN, "e_wallet")


def test_a_value_whose_weighted_square_overflows_is_refused(sample: pd.DataFrame) -> None:
    df = sample.copy()
    df["income"] = 1.0
    df.loc[5, "income"] = 1e200  # w y is finite, w y^2 is not
    with pytest.raises(commdx.InputError, match=r"row 6, column 'income': weighted sums overflow"):
        commdx.estimate(df, DESIGN, "income", stat="total")


def test_weight_1e308_on_the_command_line_exits_2_naming_the_row(city_files: dict[str, Path], capsys) -> None:
    df = pd.read_csv(city_files["sample"], dtype=TEXT)
    df.loc[0, "weight"] = 1e308
    path = city_files["dir"] / "big_weight.csv"
    df.to_csv(path, index=False)
    assert main(["indicators", str(path), "--places", str(city_files["places"]), "--levels", "city",
                 "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "row 1" in err and "'weight'" in err and "Traceback" not in err


# ---- 2. an unweighted design only when the caller says so ---------------------------------------

def test_a_design_without_a_weight_must_say_weight_none() -> None:
    df = pd.DataFrame({"s": ["a", "a", "b", "b"], "y": [1.0, 0.0, 1.0, 1.0]})
    with pytest.raises(commdx.ConfigError, match="weight=None"):
        commdx.SurveyDesign(strata="s")
    with pytest.raises(commdx.ConfigError, match="weight"):
        commdx.SurveyDesign.parse("strata=s")
    with pytest.raises(commdx.ConfigError, match="weight=None"):
        commdx.estimate(df, None, "y")
    said = commdx.estimate(df, commdx.SurveyDesign(weight=None, strata="s"), "y")
    assert said.estimate.iloc[0] == pytest.approx(0.75)
    parsed = commdx.estimate(df, commdx.SurveyDesign.parse("weight=none,strata=s"), "y")
    assert parsed.estimate.iloc[0] == said.estimate.iloc[0]
    assert parsed.se.iloc[0] == pytest.approx(said.se.iloc[0])


def test_a_survey_file_without_weights_is_refused_unless_the_design_says_so(city_files: dict[str, Path],
                                                                             capsys) -> None:
    df = pd.read_csv(city_files["sample"], dtype=TEXT).drop(columns=["weight"])
    path = city_files["dir"] / "no_weight.csv"
    df.to_csv(path, index=False)
    args = ["indicators", str(path), "--places", str(city_files["places"]), "--levels", "city", "--lang", "en"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "column 'weight'" in err and "weight=none" in err
    out = city_files["dir"] / "unweighted.csv"
    assert main(args + ["--design", "weight=none,strata=stratum,psu=psu", "-o", str(out)]) == 0
    got = pd.read_csv(out)
    wallet = got[got.indicator == "e_wallet"].iloc[0]
    assert wallet.estimate == pytest.approx(df.e_wallet.mean(), rel=1e-12)  # unweighted: the plain mean


# ---- 3. places always cross-checked ----------------------------------------------------------------

def test_a_group_placed_in_another_ward_is_refused_on_the_command_line(city_files: dict[str, Path], capsys) -> None:
    df = pd.read_csv(city_files["sample"], dtype=TEXT)
    other = sorted(set(df.ward_code) - {df.ward_code.iloc[4]})[0]
    df.loc[4, "ward_code"] = other  # the row's group and neighbourhood stay in their own ward
    path = city_files["dir"] / "misplaced.csv"
    df.to_csv(path, index=False)
    assert main(["indicators", str(path), "--places", str(city_files["places"]), "--levels", "ward",
                 "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "row 5" in err and "Traceback" not in err


def test_the_report_checks_the_survey_against_the_places() -> None:
    city = _constructed_city()
    sample = city["sample"].copy()
    sample.loc[0, "ward_code"] = "10002"  # group 10001-KP1-T01 is in ward 10001
    with pytest.raises(commdx.ValidationError, match=r"sample, row 1, column 'ward_code': neighbourhood_code '10001-KP1' lies in 10001, not in '10002'"):
        commdx.monthly_report("2022-10", config=_config(), charts=False, **{**city, "sample": sample})


# ---- 4. NaN targets, zero weekly hours ---------------------------------------------------------

def test_a_nan_target_is_refused_naming_the_indicator(sample: pd.DataFrame, tmp_path: Path) -> None:
    cat = commdx.indicator_catalogue()
    cat["indicators"] = [dict(cat["indicators"][1], id="my_bank", target=float("nan"))]
    with pytest.raises(commdx.ConfigError, match=r"column 'target', unit my_bank: target must be a finite number"):
        commdx.indicators(sample, commdx.synth.city(households=20000, seed=1).places, DESIGN, catalogue=cat)
    path = tmp_path / "cat.json"
    path.write_text(json.dumps(cat), encoding="utf-8")  # Python writes NaN; the JSON reader refuses it
    with pytest.raises(commdx.ConfigError, match=r"cat.json, line 1, character \d+: 'NaN' is not a JSON number"):
        commdx.indicators(sample, commdx.synth.city(households=20000, seed=1).places, DESIGN, catalogue=path)
    cfg = _config()
    cfg["level"] = float("nan")  # the report config holds no targets (indicators.json does)
    path = tmp_path / "report-config.json"
    path.write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(commdx.ConfigError, match=r"report-config.json, line 1, character \d+: 'NaN' is not a JSON number"):
        commdx.report.load_report_config(path)


def test_zero_weekly_hours_in_a_roster_are_refused(tmp_path: Path) -> None:
    roster = _constructed_city()["roster"]
    roster = json.loads(json.dumps(roster))
    roster["teams"][1]["members"][2]["weekly_hours"] = 0
    path = tmp_path / "teams.json"
    path.write_text(json.dumps(roster, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(commdx.InputError, match=r"teams.json, row 2, column 'members\[2\].weekly_hours'.*got 0"):
        commdx.read_roster(path)


def test_weekly_hours_as_text_are_refused_by_the_plan() -> None:
    city = commdx.synth.city(households=20000, seed=1)
    roster = json.loads(json.dumps(city.roster))
    member = roster["teams"][0]["members"][0]
    member["weekly_hours"] = "8"
    # the plan reads the roster through the one roster type, which names the member's field
    team = roster["teams"][0]["id"]
    with pytest.raises(commdx.InputError, match=rf"column 'members\[0\]\.weekly_hours', unit {team}: expected a number, got \"8\""):
        commdx.plan_outreach(city.households, roster, "2022-07-25", "2022-10-31", with_names=True)


# ---- 5. follow-up, visit log and M1 log validated against what they refer to -------------------

def _report(**override: object) -> commdx.report.MonthlyReport:
    city = _constructed_city()
    return commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, **{**city, **override})


def test_a_household_twice_in_the_follow_up_is_refused() -> None:
    follow = _constructed_city()["followup"]
    follow = pd.concat([follow, follow.iloc[[3]]], ignore_index=True)
    with pytest.raises(commdx.ValidationError,
                       match=rf"followup, row {len(follow)}, column 'household_id': household .* appears twice in round 1 "
                             rf"\(rows 4 and {len(follow)}\)"):
        _report(followup=follow)


def test_the_visit_log_must_name_known_households_members_and_outcomes() -> None:
    city = _constructed_city()
    visits = city["visits"]
    register = city["sample"]
    bad = visits.copy()
    bad.loc[2, "member_id"] = "M-99"
    with pytest.raises(commdx.ValidationError, match=r"visits, row 3, column 'member_id': member 'M-99' is not in the roster"):
        _report(visits=bad)
    bad = visits.copy()
    bad.loc[5, "outcome"] = "maybe"
    with pytest.raises(commdx.ValidationError, match=r"visits, row 6, column 'outcome': outcome 'maybe'"):
        _report(visits=bad)
    # Without the register, a household outside the survey may be right: a stated finding.
    bad = visits.copy()
    bad.loc[1, "household_id"] = "H-nowhere"
    rep = _report(visits=bad)
    assert any("row(s) name households outside the survey" in m and "row 2" in m for m in rep.missing)
    assert any("households outside the survey" in m for m in rep.data["missing"])
    # With the register (households.csv of a data folder) it is an error.
    with pytest.raises(commdx.ValidationError, match=r"row 2, column 'household_id': household 'H-nowhere' is not in the household register"):
        commdx.report._check_inputs(city["sample"], city["followup"], bad, None, city["roster"], register,
                                    commdx.report._places_table(city["places"]), _config())


@pytest.mark.parametrize("freq, got", [(-2.0, "-2"), (0.0, "0"), (math.nan, "nothing"), ("often", "'often'")])
def test_m1_frequencies_must_be_positive_numbers(freq: object, got: str) -> None:
    log = _constructed_city()["manual_log"].astype({"frequency_per_month": object})
    log.loc[4, "frequency_per_month"] = freq
    with pytest.raises(commdx.ValidationError, match=r"manual_log, row 5, column 'frequency_per_month': "
                                                     rf"times per month must be a number > 0, got {got}$"):
        _report(manual_log=log)


def test_the_m1_log_must_name_known_groups() -> None:
    log = _constructed_city()["manual_log"].copy()
    log.loc[0, "group_code"] = "10009-KP1-T01"
    with pytest.raises(commdx.ValidationError, match=r"manual_log, row 1, column 'group_code'"):
        _report(manual_log=log)


def test_the_data_folder_names_its_files_in_messages(tmp_path: Path, capsys) -> None:
    city = _constructed_city()
    d = tmp_path / "data"
    d.mkdir()
    city["places"].to_csv(d / "places.csv", index=False)
    city["sample"].to_csv(d / "sample_households.csv", index=False)
    follow = pd.concat([city["followup"], city["followup"].iloc[[0]]], ignore_index=True)
    follow.to_csv(d / "followup_households.csv", index=False)
    assert main(["report", "--month", "2022-10", "--data", str(d), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "followup_households.csv, row" in err and "household_id" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# ---- 6. missing is missing, never "suppressed"; rounds that cannot be right ------------------

def test_a_follow_up_without_a_variable_reports_it_missing_not_suppressed() -> None:
    follow = _constructed_city()["followup"].drop(columns=["e_wallet"])
    rep = _report(followup=follow)
    said = [m for m in rep.missing if "e_wallet" in m]
    assert said and "round 1" in said[0] and "not suppressed" in said[0]
    areas = rep.tables["areas"]
    wallet = pd.concat([rep.tables["indicators"], areas])
    wallet = wallet[wallet.variable == "e_wallet"]
    assert len(wallet) and (wallet.suppression == "missing").all()
    bank = areas[areas.variable == "households_bank_account"]
    assert (bank.suppression == "published").any()  # the other indicator is untouched
    assert rep.data["missing"] == rep.missing
    # ... and the document says so beside the table, in the report's language
    assert any("'e_wallet' (vòng 1" in n and "không phải ô bị ẩn" in n for n in rep.data["notes"])
    assert "'e_wallet' (vòng 1" in rep.to_markdown()


def test_a_sample_all_marked_round_1_is_refused() -> None:
    sample = _constructed_city()["sample"].assign(round=1)
    with pytest.raises(commdx.ValidationError, match=r"sample, column 'round': no row of the baseline \(round 0\); every row is round 1"):
        _report(sample=sample)


def test_a_follow_up_row_of_round_0_is_refused() -> None:
    follow = _constructed_city()["followup"].copy()
    follow.loc[9, "round"] = 0
    with pytest.raises(commdx.ValidationError, match=r"followup, row 10, column 'round': round 0 is the baseline"):
        _report(followup=follow)


def test_round_changes_refuses_a_household_twice_in_a_round() -> None:
    city = _constructed_city()
    rows = pd.concat([city["sample"], city["followup"], city["followup"].iloc[[2]]], ignore_index=True)
    with pytest.raises(commdx.ValidationError, match=rf"row {len(rows)}, column 'household_id': household "
                                                     rf"{city['followup'].household_id.iloc[2]} appears twice in round 1"):
        commdx.round_changes(rows, "bank_account")
    ok = commdx.round_changes(rows.iloc[:-1], "bank_account")  # the same households in both rounds: a panel
    assert ok.n_after.iloc[0] == len(city["followup"])


def test_plan_and_classify_check_households_against_the_places_they_are_given(city_files: dict[str, Path],
                                                                              capsys) -> None:
    df = pd.read_csv(city_files["sample"], dtype=TEXT)
    other = sorted(set(df.ward_code) - {df.ward_code.iloc[2]})[0]
    df.loc[2, "ward_code"] = other
    path = city_files["dir"] / "misplaced_households.csv"
    df.to_csv(path, index=False)
    roster = city_files["dir"] / "teams.json"
    roster.write_text(json.dumps(commdx.synth.city(households=20000, seed=1).roster, ensure_ascii=False), encoding="utf-8")
    assert main(["plan", "--households", str(path), "--roster", str(roster), "--places", str(city_files["places"]),
                 "--from", "2022-07-25", "--until", "2022-10-31", "--with-names", "--lang", "en",
                 "--out", str(city_files["dir"] / "plan")]) == 2
    err = capsys.readouterr().err
    assert "misplaced_households.csv, row 3, column 'ward_code'" in err
    areas = Path(__file__).resolve().parents[1] / "data" / "classify" / "vungtau-wards-derived.csv"
    assert main(["classify", str(areas), "--households", str(path), "--places", str(city_files["places"]),
                 "--lang", "en"]) == 2
    assert "misplaced_households.csv, row 3, column 'ward_code'" in capsys.readouterr().err
