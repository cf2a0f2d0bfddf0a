"""C1, C2, R2, R3, S5: commdx.classify_areas, access_segments and the `commdx classify` script.

Fixtures and their provenance: tests/data/classify/README.md. Expected classes are worked by hand
from the rule in docs/classify.md; scores and shares by hand in the comments."""
from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx
from commdx import cli
from commdx.classify import read_areas_file

DATA = Path(__file__).resolve().parents[1] / "data" / "classify"
OUTER = {"26539", "26542", "26545"}  # Phường 11, Phường 12, Xã Long Sơn


def test_example_city_outer_wards_remote_core_central():
    for name in ("vungtau-wards-derived.csv", "vungtau-wards-vi.csv", "vungtau-wards-vi.xlsx"):
        res = commdx.classify_areas(read_areas_file(DATA / name), places=commdx.Places.vung_tau())
        assert len(res) == 17, name
        got = dict(zip(res["code"].astype(str), res["class"]))
        assert {c for c, k in got.items() if k == "remote"} == OUTER, name
        assert set(res["class"]) == {"central", "remote"}
        # The XLSX carries the illustrative education: Thắng Nhì (39%) and Rạch Dừa (37%) are then
        # within 10% of the 36.5% threshold; without education nothing is near 1,500/km².
        expected_borderline = {"26521", "26535"} if name.endswith(".xlsx") else set()
        assert set(res.loc[res["borderline"], "code"].astype(str)) == expected_borderline, name
        long_son = res[res["code"] == "26545"].iloc[0]
        assert long_son["name"] == "Xã Long Sơn"
        assert long_son["class_label"] == "xa"
        assert "Mật độ 314 người/km² < ngưỡng trung tâm đô thị 1.500 (thấp hơn 79 %)" in long_son["reasons"]


def test_xlsx_with_names_only_mixed_cells_and_percent_education():
    # Names typed "P.1", "xa Long Son"; area cells alternately numbers and text "2,41"; population
    # alternately numbers and text "16.774"; education "52,0" meaning 52.0%.
    df = read_areas_file(DATA / "vungtau-wards-vi.xlsx")
    # Names are matched only against a places list that is given (issue 13).
    res = commdx.classify_areas(df, lang="en", places=commdx.Places.vung_tau())
    p1 = res[res["code"] == "26506"].iloc[0]
    assert p1["name"] == "Phường 1"
    assert p1["area_km2"] == pytest.approx(2.41)
    assert p1["population"] == 16774
    assert p1["education"] == pytest.approx(0.52)
    assert p1["class_label"] == "central"
    assert set(res.attrs["ignored_columns"]) == {"STT", "Ghi chú"}
    # Same areas and populations as the plain CSV.
    plain = commdx.classify_areas(read_areas_file(DATA / "vungtau-wards-derived.csv"))
    assert np.allclose(res["density"].to_numpy(), plain["density"].to_numpy())


def test_illustrative_education_borderline_probability_and_agreement():
    res = commdx.classify_areas(read_areas_file(DATA / "vungtau-wards-illustrative-education.csv"), lang="en")
    by = res.set_index(res["code"].astype(str))
    # Thắng Nhì 39% and Rạch Dừa 37%: central, but 36.5% × 1.1 = 40.15% would make them remote.
    for code in ("26521", "26535"):
        assert by.loc[code, "class"] == "central"
        assert by.loc[code, "borderline"]
        assert by.loc[code, "borderline_on"] == "education"
        assert "Borderline: the class flips when the education threshold moves by ±10%" in by.loc[code, "reasons"]
    # P(central) for Rạch Dừa: pnorm((0.37 - 0.365) / 0.025) = pnorm(0.2) = 0.5792597 (R).
    assert by.loc["26535", "p_central"] == pytest.approx(0.5792597, abs=1e-7)
    # Phường 11: below 1,500/km², so P(central) = 0 whatever its education.
    assert by.loc["26539", "p_central"] == 0.0
    assert by.loc["26539", "class"] == "remote"
    ag = res.attrs["agreement"]
    assert list(ag.index) == ["central", "remote"] and list(ag.columns) == ["central", "remote"]
    assert int(ag.to_numpy().sum()) == 17
    assert ag.loc["remote", "remote"] >= 3


def test_each_header_language_and_number_format():
    tables = {
        "en": pd.DataFrame({"code": ["26545"], "area_km2": ["56.5"], "population": ["17,767"]}),
        "vi": pd.DataFrame({"ma": ["26545"], "dien_tich_km2": ["56,5"], "dan_so": ["17.767"]}),
        "vi-diacritics": pd.DataFrame({"Mã": ["26545"], "Diện tích (km2)": ["56,50"], "Dân số": ["17.767"]}),
        "numbers": pd.DataFrame({"code": [26545], "area_km2": [56.5], "population": [17767]}),
        "vi-1.234,5": pd.DataFrame({"Tên": ["Xã Long Sơn"], "Diện tích": ["56,5"], "Dân số": ["17.767,0"]}),
    }
    for label, df in tables.items():
        res = commdx.classify_areas(df, places=commdx.Places.vung_tau())
        assert res["code"].iloc[0] == "26545", label
        assert res["area_km2"].iloc[0] == 56.5, label
        assert res["population"].iloc[0] == 17767, label


def test_nfc_and_nfd_names():
    nfc = "Phường Nguyễn An Ninh"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    res = commdx.classify_areas(pd.DataFrame({"ten": [nfd, "xa long son"], "dien_tich": ["2,94", "56,5"], "dan_so": ["21.605", "17.767"]}),
                                places=commdx.Places.vung_tau())
    assert list(res["code"]) == ["26526", "26545"]
    assert res["name"].iloc[0] == nfc


@pytest.mark.parametrize(
    "df, error, words",
    [
        (pd.DataFrame({"ten": ["Phường 1"], "dan_so": ["16.774"]}), commdx.InputError, ["column 'area_km2'", "thiếu cột"]),
        (pd.DataFrame({"ten": ["Phường 1", "Phường 2"], "Diện tích (km2)": ["2,41", "hai"], "dan_so": ["1", "2"]}),
         commdx.InputError, ["row 2, column 'Diện tích (km2)'", "'hai' is not a number"]),
        (pd.DataFrame({"ma": ["26506"], "dien_tich": ["0"], "dan_so": ["16774"]}),
         commdx.ValidationError, ["row 1, column 'dien_tich'", "greater than 0"]),
        (pd.DataFrame({"ma": ["26506", "26506"], "dien_tich": ["2", "2"], "dan_so": ["1", "2"]}),
         commdx.ValidationError, ["row 2, column 'ma'", "duplicate unit 26506", "first at row 1"]),
        (pd.DataFrame({"ten": ["Phường 99"], "dien_tich": ["2"], "dan_so": ["1"]}),
         commdx.NameMatchError, ["row 1, column 'ten'", "matches no unit"]),
    ],
)
def test_clear_errors(df, error, words):
    with pytest.raises(error) as info:
        commdx.classify_areas(df, places=commdx.Places.vung_tau())
    for w in words:
        assert w in str(info.value)


def test_config_override_from_dict_and_file(tmp_path):
    areas = read_areas_file(DATA / "vungtau-wards-derived.csv")
    res = commdx.classify_areas(areas, {"density": {"urban_centre": 1000}})
    assert res.loc[res["code"] == "26539", "class"].iloc[0] == "central"  # 1,110 ≥ 1,000
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"density": {"urban_centre": 4000}}), encoding="utf-8")
    res = commdx.classify_areas(areas, str(cfg))
    assert res.loc[res["code"] == "26533", "class"].iloc[0] == "remote"  # 3,870 < 4,000
    assert commdx.classify_config()["density"]["urban_centre"] == 1500
    with pytest.raises(commdx.ConfigError, match="densty"):
        commdx.classify_areas(areas, {"densty": 1})


def _households() -> pd.DataFrame:
    return pd.DataFrame({
        "household_id": ["H1", "H2", "H3", "H4"],
        "ward_code": ["26545"] * 4,
        "group_code": ["G1", "G1", "G2", "G2"],
        "adults": [2, 3, 1, 2],
        "adults_upper_secondary": [1, 0, 1, np.nan],
        "adults_smartphone": [1, 0, 1, np.nan],
        "smartphones": [1, 0, 2, np.nan],
        "home_internet": [0, 0, 1, np.nan],
        "head_age": [60, 80, 30, np.nan],
        "head_education": [2, 1, 5, np.nan],
        "bank_account": [1, 0, 1, 1],
        "e_wallet": [0, 0, 1, np.nan],
        "app_vssid": [1, 0, 0, np.nan],
        "weight": [10.0, 30.0, 20.0, 20.0],
    })


def test_access_segments_hand_worked():
    seg = commdx.access_segments(_households())
    # H1: .25·.5 + .10·1 + .20·0 + .10·(15/30) + .15·(2/3) + .10·1 + .10·1 = .575 (high)
    # H2: .15·(1/3) = .05 (low); H3: 1 (high); H4: only 10% of the weight known (unknown)
    assert seg.households["access_score"].iloc[:3].tolist() == pytest.approx([0.575, 0.05, 1.0])
    assert seg.households["access"].tolist() == ["high", "low", "high", "unknown"]
    g = seg.groups.set_index("group_code")
    assert g.loc["G1", "low_access_share"] == pytest.approx(30 / 40)
    assert g.loc["G1", "catalogue"] == "basic"
    assert "R3.vssid" in g.loc["G1", "catalogue_items"] and "R3.smartphone_basics" in g.loc["G1", "catalogue_items"]
    assert g.loc["G2", "catalogue"] == "central"
    strict = commdx.access_segments(_households(), {"access": {"basic_catalogue_low_access_share": 0.8}})
    assert strict.groups.set_index("group_code").loc["G1", "catalogue"] == "central"


def test_education_from_households_feeds_the_rule():
    edu = commdx.education_by_ward(_households())
    # (10·1 + 30·0 + 20·1) / (10·2 + 30·3 + 20·1) = 30/130
    assert edu["education"].iloc[0] == pytest.approx(30 / 130)
    res = commdx.classify_areas(pd.DataFrame({"ma": ["26545"], "dien_tich": ["56,5"], "dan_so": ["17.767"]}),
                                households=_households())
    assert res["education"].iloc[0] == pytest.approx(30 / 130)
    assert res["decided_by"].iloc[0] == "density education"


def test_script_prints_and_writes(tmp_path, capsys):
    out = tmp_path / "classes.csv"
    assert cli.main(["classify", str(DATA / "vungtau-wards-vi.csv"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Xã Long Sơn" in printed and "Lý do:" in printed and "trung tâm" in printed
    written = pd.read_csv(out, dtype={"code": str}, encoding="utf-8-sig")
    assert list(written.columns[:6]) == ["code", "name", "class", "class_label", "borderline", "reasons"]
    assert set(written.loc[written["class"] == "remote", "code"]) == OUTER
    for fmt in ("json", "xlsx"):
        path = tmp_path / f"classes.{fmt}"
        assert cli.main(["classify", str(DATA / "vungtau-wards-derived.csv"), "--lang", "en", "-o", str(path)]) == 0
        assert path.stat().st_size > 0
    data = json.loads((tmp_path / "classes.json").read_text(encoding="utf-8"))
    assert {a["class_label"] for a in data["areas"]} == {"central", "remote"}
    assert data["agreement"]["rule_remote_kmeans_remote"] == 3
    assert "Reasons:" in capsys.readouterr().out


def test_script_error_names_row_and_column(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("Tên;Diện tích (km2);Dân số\nPhường 1;2,41;16.774\nPhường 2;0;16.773\n", encoding="utf-8")
    # With a places list the typed name becomes its unit's code; without one it is taken as typed.
    assert cli.main(["classify", str(bad), "--places", "vungtau-2022"]) == 2
    err = capsys.readouterr().err
    assert "dòng 2, cột 'Diện tích (km2)', đơn vị 26509" in err
    assert cli.main(["classify", str(bad), "--places", "vungtau-2022", "--lang", "en"]) == 2
    assert "row 2, column 'Diện tích (km2)', unit 26509" in capsys.readouterr().err
    assert cli.main(["classify", str(bad), "--lang", "en"]) == 2
    assert "row 2, column 'Diện tích (km2)', unit Phường 2" in capsys.readouterr().err


def test_script_with_households_lists_remote_groups(tmp_path, capsys):
    h = tmp_path / "households.csv"
    _households().to_csv(h, index=False)
    assert cli.main(["classify", str(DATA / "vungtau-wards-derived.csv"), "--households", str(h)]) == 0
    printed = capsys.readouterr().out
    assert "- G1: hộ tiếp cận thấp 75,0 % → cơ bản" in printed
    assert "- G2: hộ tiếp cận thấp 0,0 % → như trung tâm" in printed


# ---- the example city of commdx.synth, with the estimation stage's standard errors ------------

@pytest.fixture(scope="module")
def synth_city():
    return commdx.synth.city(seed=1)


def test_synth_city_outer_wards_remote_core_central(synth_city):
    places = synth_city.places.to_dataframe()
    areas = places.loc[places["level"] == 1, ["code", "name", "area_km2", "population"]].reset_index(drop=True)
    res = commdx.classify_areas(areas, households=synth_city.sample)
    got = dict(zip(res["code"], res["class"]))
    assert {c for c, k in got.items() if k == "remote"} == OUTER
    assert res["education_measure"].eq("upper_secondary_share").all()
    # Every remote class is explained by a failed criterion; every area has a P(central).
    for _, r in res[res["class"] == "remote"].iterrows():
        assert "Kết luận: xa (quyết định bởi:" in r["reasons"]
    assert res["p_central"].between(0, 1).all()
    assert (res.loc[res["class"] == "remote", "p_central"] < 0.5).all()


def test_education_by_ward_equals_the_estimation_stage(synth_city):
    # Independent implementations of the same ratio estimator: ours (ratio of weighted sums) and
    # commdx.estimate_ratio (checked against R's survey::svyratio by its own tests).
    mine = commdx.education_by_ward(synth_city.sample).set_index("code")
    design = commdx.SurveyDesign.default_for(synth_city.sample)
    ref = commdx.estimate_ratio(synth_city.sample, design, "adults_upper_secondary", "adults", by="ward_code")
    ref = ref.set_index(ref["ward_code"].astype(str))
    assert np.allclose(mine.loc[ref.index, "education"], ref["estimate"], rtol=1e-12)
    assert np.allclose(mine.loc[ref.index, "education_se"], ref["se"], rtol=1e-12)


def test_household_codes_read_as_numbers_keep_their_text_form():
    h = _households()
    h["ward_code"] = [26545.0, 26545.0, np.nan, 26545.0]  # pandas' reading of a code column with a gap
    seg = commdx.access_segments(h)
    assert seg.households["ward_code"].tolist() == ["26545", "26545", "", "26545"]


def test_the_places_table_of_a_city_classifies_as_is(synth_city):
    # Places.to_dataframe() has code, name, kind, parent, level, ward, area_km2, population, ...:
    # the extra columns are reported, not mistaken for a name.
    places = synth_city.places.to_dataframe()
    wards = places[places["level"] == 1].reset_index(drop=True)
    res = commdx.classify_areas(wards)
    assert len(res) == 17
    assert {"parent", "level", "ward", "lat", "lon", "households"} <= set(res.attrs["ignored_columns"])
    assert res.attrs["other_level_rows"] == []  # "kind" is read: every row is a ward or commune
