"""P1, P2 through the Python API: the built-in city, Vietnamese name matching (NFC and NFD),
NameMatchError with candidates, DataFrame and JSON round trips, and errors naming file/row/column.

Reference for the built-in city: shared/reference/vungtau-units.csv (official statistics-office
codes, district 747): 16 wards and Long Sơn commune.
"""
from __future__ import annotations

import json
import pathlib
import unicodedata

import pandas as pd
import pytest

import commdx

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "teams"

# The 17 units of 2022 with their official codes, typed here from the reference file.
OFFICIAL = {
    "26506": "Phường 1", "26508": "Phường Thắng Tam", "26509": "Phường 2", "26512": "Phường 3",
    "26515": "Phường 4", "26518": "Phường 5", "26521": "Phường Thắng Nhì", "26524": "Phường 7",
    "26526": "Phường Nguyễn An Ninh", "26527": "Phường 8", "26530": "Phường 9",
    "26533": "Phường Thắng Nhất", "26535": "Phường Rạch Dừa", "26536": "Phường 10",
    "26539": "Phường 11", "26542": "Phường 12", "26545": "Xã Long Sơn",
}


@pytest.fixture(scope="module")
def city():
    return commdx.Places.vung_tau()


@pytest.fixture(scope="module")
def tree():
    return commdx.Places.from_file(str(DATA / "places.csv"))


def test_built_in_city_has_the_seventeen_official_units(city):
    assert len(city) == 18
    assert city.roots() == ["747"]
    assert sorted(city.children("747")) == sorted(OFFICIAL)
    for code, name in OFFICIAL.items():
        assert city.name(code) == name
        assert city.level(code) == 1
        assert city.ward_of(code) == code
    assert city.kind("26545") == "commune"
    assert [city.kind(c) for c in OFFICIAL].count("ward") == 16
    assert city.ward_of("747") is None


@pytest.mark.parametrize("typed", ["Phường 1", "P.1", "p1", "phuong 1", "PHƯỜNG 1", "P. 01", "phường 1 ", "26506"])
def test_every_way_phuong_1_is_typed(city, typed):
    assert city.match(typed) == "26506"
    assert city.match(unicodedata.normalize("NFD", typed)) == "26506"


@pytest.mark.parametrize("typed,code", [
    ("Xã Long Sơn", "26545"), ("xa long son", "26545"), ("Long Sơn", "26545"),
    ("Phường Rạch Dừa", "26535"), ("rach dua", "26535"), ("P. Thắng Nhì", "26521"),
    ("phuong nguyen an ninh", "26526"), ("PHƯỜNG THẮNG TAM", "26508"), ("p12", "26542"),
])
def test_named_wards_and_the_commune_in_any_form(city, typed, code):
    for form in ("NFC", "NFD"):
        assert city.match(unicodedata.normalize(form, typed)) == code


def test_d_with_stroke_folds_to_d():
    p = commdx.Places.from_csv_text(
        "code,name,kind,parent\n1,Thành phố X,city,\n2,Phường Đồng Tâm,phuong,1\n", "d.csv")
    for typed in ("Phường Đồng Tâm", "phuong dong tam", "P. ĐỒNG TÂM", unicodedata.normalize("NFD", "đồng tâm")):
        assert p.match(typed) == "2"


def test_neighbourhoods_villages_and_paths(tree):
    assert tree.match("Khu phố 3") == "26506-KP3"
    assert tree.match("KP3") == "26506-KP3"
    assert tree.match("kp 03") == "26506-KP3"
    assert tree.match("Thôn 2") == "26545-TH2"
    assert tree.match(unicodedata.normalize("NFD", "THÔN 2")) == "26545-TH2"
    # "Tổ 1" exists under several neighbourhoods: a path or a scope picks one.
    assert tree.match("Tổ 1, Khu phố 2") == "26506-KP2-T1"
    assert tree.match("Thôn 1 / Tổ 1") == "26545-TH1-T1"
    assert tree.match("Tổ 2", within="26506-KP1") == "26506-KP1-T2"


def test_ambiguous_name_lists_every_candidate(tree):
    with pytest.raises(commdx.NameMatchError) as err:
        tree.match("Tổ 1")
    exc = err.value
    assert isinstance(exc, commdx.Error) and isinstance(exc, ValueError)
    assert exc.name == "Tổ 1"
    assert sorted(exc.candidates) == sorted([
        "26506-KP1-T1 Tổ 1", "26506-KP2-T1 Tổ 1", "26506-KP3-T1 Tổ 1", "26545-TH1-T1 Tổ 1", "26545-TH2-T1 Tổ 1"])
    assert "ambiguous" in str(exc)


def test_unknown_name_lists_the_closest_candidates(city):
    with pytest.raises(commdx.NameMatchError) as err:
        city.match("Phường Thắng Nhứt")
    exc = err.value
    assert exc.candidates[0] == "26533 Phường Thắng Nhất"
    assert "matches no unit" in str(exc) and "26533 Phường Thắng Nhất" in str(exc)
    with pytest.raises(commdx.NameMatchError) as err:
        city.match("Phường 13")
    assert len(err.value.candidates) == 5
    assert all(c.split()[0] in OFFICIAL for c in err.value.candidates)


def test_dataframe_round_trip(tree):
    df = tree.to_dataframe()
    assert list(df.columns) == ["code", "name", "kind", "parent", "level", "ward", "area_km2",
                                "population", "households", "lat", "lon"]
    assert df.set_index("code").loc["26545-TH1-T1", "ward"] == "26545"
    assert df.set_index("code").loc["26545", "area_km2"] == 56.5
    back = commdx.Places.from_dataframe(df)
    assert back.to_json() == tree.to_json()
    hand = pd.DataFrame({"code": ["747", "26506", "26545"], "name": ["Thành phố Vũng Tàu", "Phường 1", "Xã Long Sơn"],
                         "kind": ["thành phố", "phường", "xã"], "parent": [None, "747", "747"],
                         "population": [464860, None, 17767]})
    p = commdx.Places.from_dataframe(hand)
    assert p.children("747") == ["26506", "26545"]
    assert p.kind("26545") == "commune"
    assert p.to_json()["units"][1]["population"] is None


def test_dataframe_with_numeric_codes_and_a_missing_parent():
    # A DataFrame typed by hand, with Vietnamese kind words and numeric codes: pandas stores the
    # parent column as float64 because of the city's missing parent.
    hand = pd.DataFrame({"code": [747, 26506, 26545], "name": ["Thành phố Vũng Tàu", "Phường 1", "Xã Long Sơn"],
                         "kind": ["thành phố", "phường", "xã"], "parent": [None, 747, 747],
                         "population": [464860, None, 17767]})
    p = commdx.Places.from_dataframe(hand)
    assert p.children("747") == ["26506", "26545"]
    assert p.kind("26545") == "commune"


def test_json_round_trip(tree, city):
    for p in (tree, city):
        doc = p.to_json()
        again = commdx.Places.from_json(json.loads(json.dumps(doc, ensure_ascii=False)))
        assert again.to_json() == doc
        assert len(again) == len(p)
    assert commdx.Places.from_json(tree.to_json()["units"]).codes() == tree.codes()  # bare array


@pytest.mark.parametrize("body,expected", [
    ("1,Thành phố,city,\n2,Phường A,phuong,1\n2,Phường B,phuong,1\n",
     "bad.csv, row 3, column 'code', unit 2: duplicate code 2 (first at row 2)"),
    ("1,Thành phố,city,\n2,Phường A,phuong,9\n",
     "bad.csv, row 2, column 'parent', unit 2: unknown parent '9'"),
    ("1,Thành phố,city,\n2,Phường A,phuong,1\n3,Khu phố 1,khu_pho,4\n4,Khu phố 2,khu_pho,3\n",
     "bad.csv, row 3, column 'parent', unit 3: the parent chain loops back (cycle)"),
    ("1,Thành phố,city,\n2,Phường A,district,1\n",
     "bad.csv, row 2, column 'kind', unit 2: unknown unit kind 'district'"),
    ("1,Thành phố,city,\n2,Thôn 1,thon,1\n",
     "bad.csv, row 2, column 'kind', unit 2: a village cannot sit under a city"),
])
def test_csv_errors_name_file_row_and_column(body, expected):
    with pytest.raises(commdx.ValidationError if "kind 'district'" not in expected else commdx.InputError) as err:
        commdx.Places.from_csv_text("code,name,kind,parent\n" + body, "bad.csv")
    assert str(err.value).startswith(expected), str(err.value)


def test_negative_figures_invalid_utf8_and_missing_columns(tmp_path):
    with pytest.raises(commdx.ValidationError, match=r"bad\.csv, row 2, column 'population', unit 2: population must be a non-negative number, got -5"):
        commdx.Places.from_csv_text("code,name,kind,parent,population\n1,TP,city,,\n2,Phường A,phuong,1,-5\n", "bad.csv")
    with pytest.raises(commdx.InputError, match=r"bad\.csv, row 2, column 'area_km2': 'abc' is not a number"):
        commdx.Places.from_csv_text("code,name,kind,parent,area_km2\n1,TP,city,,\n2,Phường A,phuong,1,abc\n", "bad.csv")
    # Without a kind column the kind is the name's kind word ("TP" is a city); a name without one
    # is refused naming the row.
    assert commdx.Places.from_csv_text("code,name,parent\n1,TP,\n", "ok.csv").kind("1") == "city"
    with pytest.raises(commdx.InputError, match=r"bad\.csv, row 1, column 'kind', unit 1: no kind for 'Xyz'"):
        commdx.Places.from_csv_text("code,name,parent\n1,Xyz,\n", "bad.csv")
    with pytest.raises(commdx.InputError, match=r"bad\.csv, column 'name': missing required column"):
        commdx.Places.from_csv_text("code,kind\n1,city\n", "bad.csv")
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("code,name,kind,parent\n1,TP,city,\n2,Phường A,phuong,1\n".encode("cp1258", errors="replace").replace(b"A", b"\xe1"))
    with pytest.raises(commdx.InputError, match=r"latin1\.csv, line 3: invalid UTF-8"):
        commdx.Places.from_file(str(latin))
    bad_json = tmp_path / "places.json"
    bad_json.write_text('{"units": [\n {"code": "1", "name": "TP", "kind": "city"},\n]}', encoding="utf-8")
    with pytest.raises(commdx.InputError, match=r"places\.json, line 3, character \d+: malformed JSON"):
        commdx.Places.from_file(str(bad_json))
