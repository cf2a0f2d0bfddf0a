"""S1-S4, K1-K10, R3: commdx.indicators and the catalogue; `commdx indicators` on the command line.

Per-unit estimates are checked against R's survey (tests/data/r/expected.csv, see README.md there).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx
from commdx.cli import main

R = Path(__file__).resolve().parents[1] / "data" / "r"
TEXT = {c: str for c in ("ward_code", "neighbourhood_code", "group_code", "stratum", "psu", "household_id")}
COLUMNS = ["level", "unit", "unit_name", "indicator", "estimate", "se", "ci_low", "ci_high", "deff", "n",
           "target", "target_date", "gap", "days_left"]
DESIGN = commdx.SurveyDesign(weight="weight", strata="stratum", psu="psu", fpc="fpc")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(R / "synth_sample.csv", dtype=TEXT)


@pytest.fixture(scope="module")
def city_places() -> commdx.Places:
    return commdx.synth.city(households=20000, seed=1).places


@pytest.fixture(scope="module")
def table(sample: pd.DataFrame, city_places: commdx.Places) -> pd.DataFrame:
    cat = ["adults_bank_account", "households_bank_account", "e_wallet", "pay_online_water", "adults_smartphone",
           "head_education_mean", "conv_egov"]
    return commdx.indicators(sample, city_places, DESIGN, catalogue=cat, as_of="2022-07-05")


def test_columns_and_levels(table: pd.DataFrame, sample: pd.DataFrame) -> None:
    assert list(table.columns) == COLUMNS
    assert set(table.level) == {"city", "ward", "neighbourhood", "residential_group"}
    per_level = table[table.indicator == "e_wallet"].groupby("level").size()
    assert per_level["ward"] == sample.ward_code.nunique() == 17
    assert per_level["residential_group"] == sample.group_code.nunique()
    assert table[table.level == "ward"].unit_name.str.startswith(("Phường", "Xã")).all()


def test_agrees_with_r_by_ward_and_neighbourhood(table: pd.DataFrame) -> None:
    ex = pd.read_csv(R / "expected.csv", dtype=str, keep_default_na=False)
    ex = ex[(ex.design == "synth_fpc") & (ex.stat != "total")]
    ids = {("adults_bank_account", "adults"): "adults_bank_account", ("bank_account", ""): "households_bank_account",
           ("e_wallet", ""): "e_wallet", ("pay_online_water", ""): "pay_online_water",
           ("adults_smartphone", "adults"): "adults_smartphone", ("head_education", ""): "head_education_mean",
           ("conv_egov", ""): "conv_egov"}
    level = {"": "city", "ward_code": "ward", "neighbourhood_code": "neighbourhood"}
    got = table.set_index(["level", "unit", "indicator"])
    checked = 0
    for _, r in ex.iterrows():
        ind = ids.get((r.variable, r.denominator))
        if ind is None:
            continue
        g = got.loc[(level[r.by], r.by_value or "747", ind)]
        assert g.estimate == pytest.approx(float(r.estimate), rel=1e-9)
        if float(r.se) > 1e-12:
            assert g.se == pytest.approx(float(r.se), rel=1e-9)
        if r.stat == "prop" and r.logit_low not in ("", "NA", "NaN") and float(r.se) > 1e-12:
            assert g.ci_low == pytest.approx(float(r.logit_low), rel=1e-9)
        checked += 1
    assert checked > 600


def test_targets_gap_and_days_left(table: pd.DataFrame) -> None:
    city = table[(table.level == "city")].set_index("indicator")
    a = city.loc["adults_smartphone"]
    assert a.target == 0.8 and a.target_date == "2025-12-31"
    assert a.gap == pytest.approx(0.8 - a.estimate)
    assert a.days_left == (pd.Timestamp("2025-12-31") - pd.Timestamp("2022-07-05")).days
    assert np.isnan(city.loc["e_wallet"].target) and np.isnan(city.loc["e_wallet"].days_left)
    # PSUs are residential groups: a group's own sampling error is not estimable -> withheld
    groups = table[table.level == "residential_group"]
    assert groups.se.isna().all() and groups.estimate.notna().all()
    # proportions and their intervals stay in [0, 1]
    props = table[~table.indicator.isin(["head_education_mean", "conv_egov"])].dropna(subset=["ci_low"])
    assert len(props) > 100
    assert ((props.ci_low >= 0) & (props.ci_low <= props.estimate) & (props.estimate <= props.ci_high)
            & (props.ci_high <= 1)).all()


def test_business_indicators_and_k6(city_places: commdx.Places) -> None:
    city = commdx.synth.city(households=20000, seed=1)
    out = commdx.indicators(city.sample, city.places, None, levels=["city", "ward"], businesses=city.businesses,
                            as_of="2022-07-05")
    ids = {i["id"] for i in commdx.indicator_catalogue()["indicators"]}
    assert set(out.indicator) == ids  # every catalogue indicator, households and businesses
    k6 = out[(out.level == "city") & (out.indicator == "population_buy_postmart_voso")].iloc[0]
    assert k6.target == 0.5 and k6.days_left == 179
    e = out[(out.level == "city") & (out.indicator == "enterprise_e_invoice")].iloc[0]
    b = city.businesses
    ent = b[b.type == "enterprise"]
    # synth's businesses are a census (weight 1): the share is the plain share, with zero error
    assert e.estimate == pytest.approx(ent.e_invoice.mean(), rel=1e-12)
    assert e.n == ent.e_invoice.notna().sum()


def test_catalogue_is_data() -> None:
    cat = commdx.indicator_catalogue()
    assert len(cat["indicators"]) >= 25
    cat["indicators"] = [dict(cat["indicators"][1], id="my_bank", target=0.9, target_date="2026-06-30")]
    df = pd.DataFrame({"ward_code": ["26506", "26506", "26508"], "bank_account": [1, 0, 1]})
    unweighted = commdx.SurveyDesign(weight=None)  # said explicitly: the frame has no weight column
    out = commdx.indicators(df, commdx.Places.vung_tau(), unweighted, catalogue=cat,
                            levels=["city", "ward"], as_of="2026-06-01")
    assert out.indicator.unique().tolist() == ["my_bank"]
    assert out.estimate.tolist() == pytest.approx([2 / 3, 0.5, 1.0])
    assert out.days_left.tolist() == [29, 29, 29]
    bad = {"indicators": [{"id": "x", "label_vi": "x", "label_en": "x", "statistic": "median", "numerator": {"column": "a"}}]}
    with pytest.raises(commdx.ConfigError, match="statistic"):
        commdx.indicators(df, commdx.Places.vung_tau(), unweighted, catalogue=bad)
    with pytest.raises(commdx.ConfigError):
        commdx.indicators(df, commdx.Places.vung_tau(), unweighted, catalogue=["no_such_indicator"])
    unknown = df.assign(ward_code=["26506", "99999", "26508"])
    with pytest.raises(commdx.ValidationError, match="99999"):
        commdx.indicators(unknown, commdx.Places.vung_tau(), unweighted, catalogue=["households_bank_account"], levels=["ward"])


def test_cli_writes_csv_json_xlsx(tmp_path: Path, city_places: commdx.Places, capsys) -> None:
    survey = tmp_path / "sample.csv"
    commdx.synth.city(households=20000, seed=1).sample.to_csv(survey, index=False)
    places = tmp_path / "places.csv"
    city_places.to_dataframe()[["code", "name", "kind", "parent"]].to_csv(places, index=False)
    out = tmp_path / "ind.csv"
    assert main(["indicators", str(survey), "--places", str(places), "--design",
                 "weight=weight,strata=stratum,psu=psu,fpc=fpc", "--levels", "city,ward",
                 "--as-of", "2022-07-05", "-o", str(out)]) == 0
    got = pd.read_csv(out, dtype={"unit": str})
    assert list(got.columns) == COLUMNS
    assert set(got.level) == {"city", "ward"}
    said = capsys.readouterr().out
    assert "Đã ước lượng" in said
    # the indicators below target, named and formatted in Vietnamese: label, "45,4 %" (decimal
    # comma, a space before the sign), the target in words; it printed "adults_bank_account 45.4% / 80%"
    behind = got[(got.level == "city") & got.target.notna() & (got.gap > 0)]
    assert len(behind)
    bank = behind[behind.indicator == "adults_bank_account"].iloc[0]
    share = f"{bank.estimate * 100:.1f}".replace(".", ",")
    assert f"Tỷ lệ người từ 15 tuổi có tài khoản ngân hàng: {share} % (mục tiêu 80,0 %)" in said
    assert "adults_bank_account" not in said and not re.search(r"\d\.\d %", said)
    assert main(["indicators", str(survey), "--places", str(places), "--levels", "ward", "-o",
                 str(tmp_path / "ind.json"), "--lang", "en"]) == 0
    js = json.loads((tmp_path / "ind.json").read_text(encoding="utf-8"))
    assert {r["level"] for r in js} == {"ward"}
    assert main(["indicators", str(survey), "--places", str(places), "--levels", "ward", "-o",
                 str(tmp_path / "ind.xlsx")]) == 0
    assert len(pd.read_excel(tmp_path / "ind.xlsx")) == len(got[got.level == "ward"])
    assert main(["indicators", str(tmp_path / "missing.csv"), "--places", str(places)]) == 2


def test_lonely_psu_error_names_the_ward() -> None:
    lonely = pd.read_csv(R / "city_lonely.csv", dtype=TEXT)
    places = commdx.Places.from_file(str(R / "city_places.csv"))
    with pytest.raises(commdx.InputError, match="stratum '26506' has only one PSU"):
        commdx.indicators(lonely, places, DESIGN, catalogue=["e_wallet"], levels=["ward"])
    ok = commdx.indicators(lonely, places, commdx.SurveyDesign("weight", "stratum", "psu", "fpc", "remove"),
                           catalogue=["e_wallet"], levels=["ward"])
    assert len(ok) == 17
