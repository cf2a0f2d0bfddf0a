"""Issue 13 (places): Vietnam's 2025 list, the built-in Vũng Tàu trees of 2022 and 2025 with their
mapping, the one places reader (CSV, XLSX, JSON; English or Vietnamese headers; Vietnamese or
plain numbers; NFC or NFD names; any depth) and codes reused across years.

Expected values come from ../shared/reference/ (README.md, vietnam-communes-2025.csv), read here
with the csv module, or are typed by hand from the published table."""
from __future__ import annotations

import csv
import json
import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

import commdx
from commdx import Places

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "python" / "commdx" / "data" / "vietnam-communes-2025.csv"

# The published 2025 units of Vũng Tàu (reference README): code, name, km², people, 2022 units.
VUNG_TAU_2025 = {
    "26506": ("Phường Vũng Tàu", 16.86, 117413, {"Phường 1", "Phường 2", "Phường 3", "Phường 4", "Phường 5",
                                                 "Phường Thắng Nhì", "Phường Thắng Tam"}),
    "26526": ("Phường Tam Thắng", 11.76, 86420, {"Phường 7", "Phường 8", "Phường 9", "Phường Nguyễn An Ninh"}),
    "26536": ("Phường Rạch Dừa", 19.70, 76281, {"Phường 10", "Phường Thắng Nhất", "Phường Rạch Dừa"}),
    "26542": ("Phường Phước Thắng", 47.35, 52589, {"Phường 11", "Phường 12"}),
    "26545": ("Xã Long Sơn", 56.50, 17767, {"Xã Long Sơn"}),
}


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def test_the_shipped_lists_say_where_they_come_from():
    readme = (ROOT / "python" / "commdx" / "data" / "README-places.md").read_text(encoding="utf-8")
    for name in ("vietnam-communes-2025.csv", "vungtau-2025-units.csv", "vungtau-2022-to-2025.csv",
                 "vungtau-units.csv", "1027/CTK-CSCL", "2896/BNV-CQDP"):
        assert name in readme


def test_vietnam_is_country_provinces_communes():
    with NATIONAL.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    vn = Places.vietnam()
    assert vn.vintage == "2025"
    provinces = {r["province_code"]: r["province"] for r in rows}
    assert len(rows) == 3321 and len(provinces) == 34
    assert len(vn) == 1 + 34 + 3321
    assert vn.roots() == ["VN"] and vn.kind("VN") == "country"
    assert sorted(vn.children("VN")) == sorted(provinces)
    assert Counter(vn.kind(c) for c in vn.at_level(1)) == {"ward": 687, "commune": 2621, "special_zone": 13}
    assert vn.name("79") == "Thành phố Hồ Chí Minh" and vn.kind("79") == "province"
    assert vn.parent("26506") == "79" and vn.name("26506") == "Phường Vũng Tàu"
    assert vn.ancestors("06994") == ["22", "VN"] and vn.kind("06994") == "special_zone"
    for r in rows[::97]:
        assert vn.name(r["code"]) == r["name"] and vn.parent(r["code"]) == r["province_code"]
    assert vn.match("Đặc khu Vân Đồn") == "06994"


def test_both_vung_tau_trees_and_their_mapping():
    old, new = Places.vung_tau(), Places.vung_tau_2025()
    assert (old.vintage, new.vintage) == ("2022", "2025")
    assert len(old.at_level(1)) == 17
    assert new.roots() == ["79"] and new.kind("79") == "province"
    df = new.to_dataframe().set_index("code")
    for code, (name, area, pop, _) in VUNG_TAU_2025.items():
        assert df.loc[code, "name"] == name
        assert df.loc[code, "area_km2"] == pytest.approx(area)
        assert df.loc[code, "population"] == pop
        assert Places.vietnam().name(code) == name  # the same code in the national list
    m = Places.vung_tau_mapping()
    assert len(m) == 17 and set(m["code_2022"]) == set(old.at_level(1))
    for code, (name, _, _, made_of) in VUNG_TAU_2025.items():
        part = m[m["code_2025"] == code]
        assert set(part["name_2022"]) == made_of and set(part["name_2025"]) == {name}


# A commune office's hand-typed file: Vietnamese headers, NFD names, Vietnamese numbers, every
# depth from the province down to the residential group, kinds in Vietnamese.
HAND = (
    "ma;ten;cap;ma_cha;dien_tich_km2;dan_so;so_ho\n"
    "79;Thành phố Hồ Chí Minh;tỉnh;;;;\n"
    "26506;Phường Vũng Tàu;phường;79;16,86;117.413;33.546\n"
    "26545;Xã Long Sơn;xã;79;56,5;17.767;4.429\n"
    "26506-KP1;Khu phố 1;khu phố;26506;1.234,5;;\n"
    "26506-KP1-T1;Tổ dân phố 1;tổ dân phố;26506-KP1;;312;85\n"
    "26545-A1;Ấp Bà Trao;ấp;26545;;1.050;290\n"
)


def test_one_reader_vietnamese_headers_numbers_nfd_any_depth(tmp_path):
    p = tmp_path / "don-vi.csv"
    p.write_text(nfd(HAND), encoding="utf-8")
    pl = Places.from_file(p)
    assert pl.name("26506") == "Phường Vũng Tàu"  # stored NFC
    assert pl.kind("79") == "province" and pl.kind("26545-A1") == "village"
    assert pl.kind("26506-KP1-T1") == "residential_group"
    df = pl.to_dataframe().set_index("code")
    assert df.loc["26506", "area_km2"] == pytest.approx(16.86)
    assert df.loc["26506", "population"] == 117413  # "117.413" in a count column: thousands
    assert df.loc["26506", "households"] == 33546
    assert df.loc["26506-KP1", "area_km2"] == pytest.approx(1234.5)
    assert df.loc["26545-A1", "population"] == 1050
    assert pl.ward_of("26506-KP1-T1") == "26506"
    assert pl.match(nfd("Ấp Bà Trao")) == "26545-A1"

    # The same units as XLSX (number cells and typed text) and as JSON with Vietnamese keys.
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in HAND.splitlines():
        cells = line.split(";")
        # counts and areas typed as plain digits become number cells, the rest stays typed text
        ws.append([int(c) if k >= 4 and c.isdigit() else c for k, c in enumerate(cells)])
    wb.save(tmp_path / "don-vi.xlsx")
    assert Places.from_file(tmp_path / "don-vi.xlsx").to_json()["units"] == pl.to_json()["units"]
    header, *rows = [line.split(";") for line in HAND.splitlines()]
    units = [{k: v for k, v in zip(header, r) if v} for r in rows]
    (tmp_path / "don-vi.json").write_text(json.dumps({"units": units}, ensure_ascii=False), encoding="utf-8")
    assert Places.from_file(tmp_path / "don-vi.json").to_json()["units"] == pl.to_json()["units"]


def test_plain_numbers_and_ambiguity_rule(tmp_path):
    p = tmp_path / "plain.csv"
    p.write_text("code,name,kind,parent,area_km2,population\n"
                 "26506,Phường Vũng Tàu,ward,,16.86,\"117,413\"\n"
                 "26526,Phường Tam Thắng,ward,,11.76,86420\n", encoding="utf-8")
    df = Places.from_file(p).to_dataframe().set_index("code")
    assert df.loc["26506", "area_km2"] == pytest.approx(16.86)
    assert df.loc["26506", "population"] == 117413
    bad = tmp_path / "fraction.csv"
    bad.write_text("ma,ten,cap,dan_so\n26506,Phường Vũng Tàu,phường,\"1.234,5\"\n", encoding="utf-8")
    with pytest.raises(commdx.InputError, match=r"fraction\.csv.*row 1.*dan_so.*whole number"):
        Places.from_file(bad)


def test_workbooks_refused_by_the_text_reader_and_renamed_csv(tmp_path):
    p = tmp_path / "places.xlsx"
    p.write_text(HAND, encoding="utf-8")  # a CSV renamed .xlsx
    with pytest.raises(commdx.InputError, match=r"places\.xlsx.*not an Excel workbook"):
        Places.from_file(p)
    with pytest.raises(commdx.InputError, match=r"places\.xlsx.*Excel workbook.*CSV UTF-8"):
        Places._from_file(str(p))
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "real.xlsx")
    (tmp_path / "zip.csv").write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(commdx.InputError, match=r"zip\.csv.*zip archive"):
        Places._from_file(str(tmp_path / "zip.csv"))


def test_a_reused_code_of_another_year_is_an_error_naming_both():
    with pytest.raises(commdx.ValidationError) as e:
        Places.vung_tau().match_row("26506", "Phường Vũng Tàu", "five.csv", 1)
    msg = str(e.value)
    assert "26506 Phường 1" in msg and "26506 Phường Vũng Tàu" in msg and "2022" in msg and "2025" in msg
    with pytest.raises(commdx.ValidationError, match="26506 Phường Vũng Tàu.*26506 Phường 1"):
        Places.vietnam().match_row("26506", "Phường 1")
    # Same code, same name in both years (Xã Long Sơn): no conflict.
    assert Places.vung_tau().match_row("26545", "Xã Long Sơn") == "26545"
    assert Places.vung_tau_2025().match_row("26506", nfd("phường vũng tàu")) == "26506"
    with pytest.raises(commdx.ValidationError, match="2022.*2025"):
        Places.vung_tau_2025().require_vintage("2022", "households.csv")


def test_a_commune_of_another_province_adds_its_own_units(tmp_path):
    vn = Places.vietnam()
    code = "00640"  # Xã Thanh Trì, Hà Nội
    own = tmp_path / "thanh-tri.csv"
    own.write_text("ma,ten,loai,ma_cha,so_ho,dan_so,dien_tich_km2\n"
                   "00640,Xã Thanh Trì,xã,,,\"12.400\",\"9,8\"\n"
                   "00640-T1,Thôn 1,thôn,00640,420,1.530,\n"
                   "00640-T1-1,Tổ 1,tổ dân phố,00640-T1,60,210,\n"
                   "00640-A2,Ấp 2,ấp,00640,380,1.402,\n", encoding="utf-8")
    pl = vn.subtree(code).with_units(own, code)
    assert pl.codes() == ["VN", "01", "00640", "00640-T1", "00640-T1-1", "00640-A2"]
    assert pl.ancestors("00640-T1-1") == ["00640-T1", "00640", "01", "VN"]
    df = pl.to_dataframe().set_index("code")
    assert df.loc["00640", "population"] == 12400 and df.loc["00640", "area_km2"] == pytest.approx(9.8)
    assert pl.vintage == "2025"
    full = vn.with_units(own, code)
    assert len(full) == len(vn) + 3
    clash = tmp_path / "clash.csv"
    clash.write_text("ma,ten,cap,ma_cha\n00640,Xã Thanh Trì,xã,\n00664,Thôn Đại Thanh,thôn,00640\n", encoding="utf-8")
    with pytest.raises(commdx.ValidationError, match="00664 is already 00664 Xã Đại Thanh"):
        vn.with_units(clash, code)
    with pytest.raises(commdx.ValidationError, match="2022.*2025|2025.*2022"):
        vn.with_units(Places.vung_tau(), code)


def test_units_inside_a_special_zone_lie_in_it(tmp_path):
    """Đặc khu Côn Đảo (26732) of the national list with a khu phố and a tổ of its own: the special
    zone is their commune-level unit (ward_of, the ward column, the report's wards), as a ward is."""
    own = tmp_path / "con-dao.csv"
    own.write_text("ma,ten,cap,ma_cha\n26732,Đặc khu Côn Đảo,đặc khu,\n26732-KP1,Khu phố 1,khu phố,26732\n26732-KP1-T1,Tổ 1,tổ,26732-KP1\n",
                   encoding="utf-8")
    pl = Places.vietnam().subtree("26732").with_units(own, "26732")
    assert pl.kind("26732") == "special_zone"
    assert [pl.ward_of(c) for c in ("26732", "26732-KP1", "26732-KP1-T1")] == ["26732"] * 3
    assert pl.ward_of("79") is None
    df = pl.to_dataframe().set_index("code")
    assert df.loc[["26732", "26732-KP1", "26732-KP1-T1"], "ward"].tolist() == ["26732"] * 3
    from commdx.report import _ward_of

    assert _ward_of(pl.to_dataframe())["26732-KP1-T1"] == "26732"
