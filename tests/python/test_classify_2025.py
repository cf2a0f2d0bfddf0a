"""Issue 13: the five 2025 units of Vũng Tàu classify from a hand-typed Vietnamese CSV, from Python
and from `commdx classify`; a places file classifies as an areas table; a code of another year is
refused naming both units.

Densities by hand from the published figures (data/README-places.md), against the urban-centre
threshold of 1,500 people/km² (classify-config.json): Vũng Tàu 117,413 / 16.86 = 6,964; Tam Thắng
86,420 / 11.76 = 7,349; Rạch Dừa 76,281 / 19.70 = 3,872 — central; Phước Thắng 52,589 / 47.35 =
1,111; Long Sơn 17,767 / 56.50 = 314 — remote (below the urban centre, density alone)."""
from __future__ import annotations

import unicodedata

import pytest

import commdx
from commdx import Places, cli
from commdx.classify import read_areas_file

CENTRAL = {"26506", "26526", "26536"}
REMOTE = {"26542", "26545"}

# As a ward official types it: Vietnamese headers, Vietnamese numbers ("16,86", "117.413"), ';'.
FIVE = (
    "Mã;Tên đơn vị;Diện tích (km2);Dân số\n"
    "26506;Phường Vũng Tàu;16,86;117.413\n"
    "26526;Phường Tam Thắng;11,76;86.420\n"
    "26536;Phường Rạch Dừa;19,7;76.281\n"
    "26542;Phường Phước Thắng;47,35;52.589\n"
    "26545;Xã Long Sơn;56,5;17.767\n"
)


@pytest.fixture
def five(tmp_path):
    p = tmp_path / "nam-don-vi.csv"
    p.write_text(unicodedata.normalize("NFD", FIVE), encoding="utf-8")
    return p


def _classes(res):
    return {c: k for c, k in zip(res["code"].astype(str), res["class"])}


def test_five_2025_units_from_a_hand_typed_nfd_csv(five):
    res = commdx.classify_areas(read_areas_file(five))
    got = _classes(res)
    assert {c for c, k in got.items() if k == "central"} == CENTRAL
    assert {c for c, k in got.items() if k == "remote"} == REMOTE
    row = res.set_index("code").loc["26506"]
    assert row["population"] == 117413 and row["area_km2"] == pytest.approx(16.86)
    assert round(res.set_index("code").loc["26542", "density"]) == 1111
    assert set(res["decided_by"]) == {"density"}
    # Against the 2025 list the names are the official ones and the same classes come out.
    matched = commdx.classify_areas(read_areas_file(five), places=Places.vung_tau_2025())
    assert _classes(matched) == got
    assert matched.set_index("code").loc["26545", "name"] == "Xã Long Sơn"
    assert _classes(commdx.classify_areas(read_areas_file(five), places="vietnam")) == got


def test_a_2022_list_is_not_taken_for_2025_codes(five):
    with pytest.raises(commdx.ValidationError) as e:
        commdx.classify_areas(read_areas_file(five), places=Places.vung_tau())
    msg = str(e.value)
    assert "row 1" in msg and "26506 Phường 1" in msg and "26506 Phường Vũng Tàu" in msg


def test_a_places_file_classifies_its_commune_level_rows(tmp_path):
    res = commdx.classify_areas(Places.vung_tau_2025())
    assert set(res["code"]) == CENTRAL | REMOTE
    assert res.attrs["other_level_rows"] == ["79 Thành phố Hồ Chí Minh (province)"]
    # A file with the levels above and below (no area for the khu phố): not refused, listed.
    p = tmp_path / "don-vi.csv"
    p.write_text("ma,ten,cap,ma_cha,dien_tich_km2,dan_so\n"
                 "79,Thành phố Hồ Chí Minh,tỉnh,,,\n"
                 "26545,Xã Long Sơn,xã,79,\"56,5\",17.767\n"
                 "26545-T1,Thôn 1,thôn,26545,,\n", encoding="utf-8")
    res = commdx.classify_areas(read_areas_file(p))
    assert list(res["code"]) == ["26545"] and list(res["class"]) == ["remote"]
    assert res.attrs["other_level_rows"] == ["79 Thành phố Hồ Chí Minh (province)", "26545-T1 Thôn 1 (village)"]
    assert _classes(commdx.classify_areas(read_areas_file(p), places=Places.from_file(p))) == {"26545": "remote"}


def _written(path):
    import json

    return {a["code"]: a["class"] for a in json.loads(path.read_text(encoding="utf-8"))["areas"]}


def test_the_command_with_and_without_places(five, tmp_path, capsys):
    assert cli.main(["classify", str(five), "-o", str(tmp_path / "a.json")]) == 0
    out = capsys.readouterr().out
    assert "26542" in out and "Phường Phước Thắng" in out
    assert _written(tmp_path / "a.json") == {**{c: "central" for c in CENTRAL}, **{c: "remote" for c in REMOTE}}
    assert cli.main(["classify", str(five), "--places", "vungtau-2025", "-o", str(tmp_path / "b.json")]) == 0
    assert _written(tmp_path / "b.json") == _written(tmp_path / "a.json")
    assert cli.main(["classify", str(five), "--places", "vungtau-2022"]) == 2
    err = capsys.readouterr().err
    assert "26506 Phường 1" in err and "26506 Phường Vũng Tàu" in err and "Traceback" not in err


def test_the_command_classifies_a_places_xlsx(tmp_path, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ma", "ten", "cap", "ma_cha", "dien_tich_km2", "dan_so"])
    ws.append(["79", "Thành phố Hồ Chí Minh", "tỉnh", None, None, None])
    for line in FIVE.splitlines()[1:]:
        code, name, area, pop = line.split(";")
        ws.append([code, name, "xã" if name.startswith("Xã") else "phường", "79", float(area.replace(",", ".")),
                   int(pop.replace(".", ""))])
    wb.save(tmp_path / "don-vi.xlsx")
    out_json = tmp_path / "out.json"
    assert cli.main(["classify", str(tmp_path / "don-vi.xlsx"), "--places", str(tmp_path / "don-vi.xlsx"),
                     "-o", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "Không xếp loại" in out and "79 Thành phố Hồ Chí Minh (province)" in out
    assert _written(out_json) == {**{c: "central" for c in CENTRAL}, **{c: "remote" for c in REMOTE}}
