"""S1-S4: commdx.read_households / read_businesses from CSV, XLSX, DataFrames and Kobo/ODK exports.

Expected values are read off the fixture rows in tests/data/survey by hand (see its README)."""
from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import commdx

DATA = Path(__file__).resolve().parents[1] / "data" / "survey"


@pytest.fixture(scope="module")
def places() -> commdx.Places:
    return commdx.Places.from_file(str(DATA / "places.csv"))


def test_default_schema_reads_the_example_city_columns(places):
    df = commdx.read_households(DATA / "households.csv", places=places)
    assert len(df) == 4
    assert df["household_id"].tolist() == ["H26506-000001", "H26506-000002", "H26509-000001", "H26545-000001"]
    # codes stay text (a leading-zero-free code is still not a number), counts are numbers
    assert not pd.api.types.is_numeric_dtype(df["ward_code"])
    assert df["ward_code"].tolist() == ["26506", "26506", "26509", "26545"]
    assert df["members"].tolist() == [4.0, 2.0, 5.0, 6.0]
    assert df["weight"].tolist() == [12.5, 12.5, 8.0, 20.25]
    assert math.isnan(df["pay_online_water"][1])  # empty = not asked, never "no"
    assert df["electricity_payment_method"].tolist() == ["bank_transfer", "cash", "e_wallet", "none"]


def test_businesses(places):
    df = commdx.read_businesses(str(DATA / "businesses.csv"), places=places)
    assert df["type"].tolist() == ["shop", "enterprise", "farming_household"]
    assert df["accepts_qr"].tolist() == [1.0, 1.0, 0.0]
    assert math.isnan(df["e_invoice"][0]) and df["e_invoice"][1] == 1.0


def test_schema_helpers_follow_the_data_dictionary():
    s = commdx.survey_schema("households")
    row = s.set_index("name").loc["adults"]
    assert row["type"] == "int" and row["required"] and row["max_column"] == "members"
    assert s.set_index("name").loc["conv_egov", "max"] == 5.0
    assert s.set_index("name").loc["weight", "type"] == "number"
    # every households.csv column of the data dictionary is in the schema
    dictionary = (Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    section = dictionary.split("## households.csv")[1].split("\n## ")[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| column") and not line.startswith("| ---"):
            for n in line.split("|")[1].split(","):
                names.add(n.strip())
    assert names - set(s["name"]) == set()
    assert "households" in commdx.survey_schema_json() and "businesses" in commdx.survey_schema_json()


def test_kobo_export_slash_groups_names_and_select_multiple(places):
    df = commdx.read_households(DATA / "kobo_slash.csv", places=places, mapping=DATA / "kobo_mapping.json")
    assert df["ward_code"].tolist() == ["26506", "26509", "26545"]
    assert df["neighbourhood_code"].tolist() == ["26506-KP03", "26509-KP03", "26545-T02"]
    assert df["group_code"].tolist() == ["26506-KP03-T01", "26509-KP03-T01", "26545-T02-T01"]
    assert df["app_vssid"].tolist() == [1.0, 0.0, 0.0]
    assert df["app_pc_covid"].tolist() == [0.0, 0.0, 1.0]
    assert df["bank_account"].tolist() == [1.0, 0.0, 1.0]
    assert df["_uuid"].tolist()[0] == "5f0c2a8e-1b1a-4c57-9a0e-000000000001"
    assert df["_submission_time"].tolist()[2] == "2022-08-01T03:15:30"


def test_kobo_uuid_as_household_id_and_option_columns_only(places):
    csv = ("_uuid,grp/ward_code,grp/members,grp/adults,grp/apps/vssid,grp/apps/vneid,grp/apps/none,_submission_time\n"
           "u-1,26506,3,2,1,0,0,2022-08-01T01:00:00\n"
           "u-2,26509,1,1,0,0,1,2022-08-01T02:00:00\n")
    df = commdx.read_households(io.StringIO(csv), places=places, mapping={"_uuid": "household_id"})
    assert df["household_id"].tolist() == ["u-1", "u-2"]
    assert df["app_vssid"].tolist() == [1.0, 0.0]
    assert "app_pc_covid" not in df.columns  # no column for it in this export
    assert df["_submission_time"].tolist() == ["2022-08-01T01:00:00", "2022-08-01T02:00:00"]


def test_odk_export_dash_groups_and_co_khong(places):
    df = commdx.read_households(DATA / "odk_dash.csv", places=places, mapping=DATA / "odk_mapping.json")
    assert df["household_id"].tolist() == ["uuid:aa01", "uuid:aa02", "uuid:aa03"]
    assert df["bank_account"].tolist() == [1.0, 0.0, 1.0]
    assert df["e_wallet"].tolist() == [0.0, 1.0, 0.0]
    assert df["pay_online_electricity"].tolist()[0] == 1.0
    assert df["pay_online_school_fees"].tolist()[2] == 1.0
    assert math.isnan(df["pay_online_water"][1])
    assert "meta-instanceID" not in df.columns


@pytest.mark.parametrize("value,expected", [
    ("1", 1.0), ("0", 0.0), ("yes", 1.0), ("No", 0.0), ("TRUE", 1.0), ("false", 0.0), ("x", 1.0),
    ("có", 1.0), ("Có", 1.0), ("CÓ", 1.0), ("co\u0301", 1.0), ("co", 1.0),
    ("không", 0.0), ("KHÔNG", 0.0), ("kho\u0302ng", 0.0), ("khong", 0.0), ("", math.nan),
])
def test_yes_no_spellings(places, value, expected):
    csv = f"household_id,ward_code,members,adults,bank_account\nA,26506,2,1,{value}\n"
    got = commdx.read_households(io.StringIO(csv), places=places)["bank_account"][0]
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


def test_ticks_with_blank_as_no_and_value_maps(places):
    df = commdx.read_households(DATA / "ward_office.csv", places=places, mapping=DATA / "ward_office_mapping.json")
    assert df["conv_egov"].tolist() == [5.0, 3.0, 2.0]
    assert df["bank_account"].tolist() == [1.0, 0.0, 1.0]
    assert math.isnan(df["pay_online_electricity"][1])


HEADER = "household_id,ward_code,neighbourhood_code,members,adults,bank_account,weight\n"


@pytest.mark.parametrize("row,error,text", [
    ("B,99999,,2,1,1,1", commdx.ValidationError, "row 2, line 3, column 'ward_code': unknown unit"),
    ("A,26509,,2,1,1,1", commdx.ValidationError, "row 2, line 3, column 'household_id': duplicate household_id 'A' (first at row 1)"),
    ("B,26509,,2,3,1,1", commdx.ValidationError, "row 2, line 3, column 'adults': adults (3) is more than members (2)"),
    ("B,26509,,2,1,1,-2", commdx.ValidationError, "row 2, line 3, column 'weight': negative weight -2 is out of range"),
    ("B,26509,,2,1.5,1,1", commdx.InputError, "row 2, line 3, column 'adults': expected a whole number, got '1.5'"),
    ("B,26509,,2,one,1,1", commdx.InputError, "row 2, line 3, column 'adults': malformed number 'one'"),
    ("B,26509,26506-KP03,2,1,1,1", commdx.ValidationError, "row 2, line 3, column 'neighbourhood_code': 26506-KP03 Khu phố 3 is not in ward_code 26509"),
])
def test_strict_errors_name_file_row_and_column(tmp_path, places, row, error, text):
    path = tmp_path / "hh.csv"
    path.write_text(HEADER + "A,26506,,2,1,1,1\n" + row + "\n", encoding="utf-8")
    with pytest.raises(error) as info:
        commdx.read_households(path, places=places)
    assert str(info.value) == f"{path}, {text}" or str(info.value).startswith(f"{path}, {text}")


def test_missing_required_column(tmp_path, places):
    path = tmp_path / "hh.csv"
    path.write_text("household_id,ward_code,adults\nA,26506,1\n", encoding="utf-8")
    with pytest.raises(commdx.InputError, match=r"hh\.csv, column 'members': missing required column"):
        commdx.read_households(path, places=places)


def test_lenient_counts_add_up(places):
    rows = ["A,26506,,2,1,1,1", "B,99999,,2,1,1,1", "A,26506,,2,1,1,1", "C,26509,,2,3,1,1",
            "D,26509,,2,1,1,-1", "E,26545,,2,x,1,1", "F,Phường 2,Khu phố 3,5,4,có,2", "G,26506,,2,1",
            "H,26545,,1,1,maybe,3", "I,26545,,1,1,0,3"]
    res = commdx.read_households(io.StringIO(HEADER + "\n".join(rows) + "\n"), places=places, strict=False)
    assert isinstance(res, commdx.IngestResult)
    good, refused = res
    assert len(good) + len(refused) == len(rows) == res.rows_read
    assert good["household_id"].tolist() == ["A", "F", "I"]
    assert good["neighbourhood_code"].tolist()[1] == "26509-KP03"
    assert refused["row"].tolist() == [2, 3, 4, 5, 6, 8, 9]
    assert refused["column"].tolist() == ["ward_code", "household_id", "adults", "weight", "adults", "", "bank_account"]
    assert list(refused.columns) == ["row", "line", "column", "value", "reason"]


def test_lenient_counts_add_up_on_random_damage(places):
    # damage random cells of a clean file: every row is either kept or refused, never lost
    rng = np.random.default_rng(7)
    clean = pd.read_csv(DATA / "households.csv", dtype=str, keep_default_na=False)
    big = pd.concat([clean] * 50, ignore_index=True)
    big["household_id"] = [f"H{i:05d}" for i in range(len(big))]
    bad_values = ["-1", "abc", "99999", "9", ""]
    for _ in range(60):
        r = int(rng.integers(len(big)))
        c = str(rng.choice(["members", "adults", "weight", "ward_code", "bank_account", "household_id"]))
        big.loc[r, c] = str(rng.choice(bad_values))
    res = commdx.read_households(big, places=places, strict=False)
    assert len(res.records) + len(res.refused) == len(big)
    assert 0 < len(res.refused) <= 60


def test_dataframe_input_same_checks(places):
    df = pd.DataFrame({
        "household_id": ["A", "B", "C"],
        "ward_code": [26506, 26509, 26545],  # codes typed as integers
        "members": [3, 2, 4], "adults": [2, 5, 1],
        "bank_account": [True, False, None],
        "_submission_time": pd.to_datetime(["2022-08-01 08:00", "2022-08-01 09:00", "2022-08-01 10:00"]),
    })
    with pytest.raises(commdx.ValidationError, match=r"DataFrame, row 2, column 'adults': adults \(5\) is more than members \(2\)"):
        commdx.read_households(df, places=places)
    good, refused = commdx.read_households(df, places=places, strict=False)
    assert good["ward_code"].tolist() == ["26506", "26545"]
    assert good["bank_account"].tolist()[0] == 1.0 and math.isnan(good["bank_account"].tolist()[1])
    assert good["_submission_time"].tolist()[0] == "2022-08-01T08:00:00"
    assert refused["row"].tolist() == [2]


def test_xlsx_round_trip(tmp_path, places):
    src = commdx.read_households(DATA / "households.csv", places=places)
    path = tmp_path / "households.xlsx"
    src.to_excel(path, index=False)
    back = commdx.read_households(path, places=places)
    pd.testing.assert_frame_equal(back, src)


def test_xlsx_as_a_ward_office_types_it(tmp_path, places):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hộ gia đình"
    ws.append(["Mã hộ", "Phường", "Số người", "Số người từ 15 tuổi", "Có tài khoản ngân hàng"])
    ws.append(["P1-01", "Phường 1", 4, 3.0, "Có"])
    ws.append([None, None, None, None, None])  # a blank row
    ws.append(["P2-01", "P.2", 2, 2, "không"])
    ws.append(["P2-02", "Phường 2", 2, 3, "có"])
    path = tmp_path / "so-lieu.xlsx"
    wb.save(path)
    mapping = {"Mã hộ": "household_id", "Phường": "ward_code", "Số người": "members",
               "Số người từ 15 tuổi": "adults", "Có tài khoản ngân hàng": "bank_account"}
    good, refused = commdx.read_households(path, places=places, mapping=mapping, strict=False)
    assert good["ward_code"].tolist() == ["26506", "26509"]
    assert good["bank_account"].tolist() == [1.0, 0.0]
    assert refused["row"].tolist() == [3] and refused["column"].tolist() == ["Số người từ 15 tuổi"]
    with pytest.raises(commdx.ValidationError, match=r"so-lieu\.xlsx \[Hộ gia đình\], row 3, column 'Số người từ 15 tuổi'"):
        commdx.read_households(path, places=places, mapping=mapping)


def test_nfd_names_and_headers(places):
    ward = "Phu\u031bo\u031b\u0300ng 2"  # "Phường 2" in NFD
    kp = "Khu pho\u0302\u0301 3"
    csv = f"household_id,ward_code,neighbourhood_code,members,adults,ghi_chu\u0301\nA,{ward},{kp},3,2,nha\u0300\n"
    df = commdx.read_households(io.StringIO(csv), places=places)
    assert df["ward_code"].tolist() == ["26509"] and df["neighbourhood_code"].tolist() == ["26509-KP03"]
    assert "ghi_chú" in df.columns and df["ghi_chú"].tolist() == ["nhà"]


def test_mapping_file_errors(tmp_path, places):
    bad = tmp_path / "m.json"
    bad.write_text('{"columns": {"Mã hộ": "household_identifier"}}', encoding="utf-8")
    with pytest.raises(commdx.ConfigError, match="household_identifier"):
        commdx.read_households(io.StringIO("Mã hộ,ward_code,members,adults\nA,26506,1,1\n"), places=places, mapping=bad)
    broken = tmp_path / "broken.json"
    broken.write_text('{"columns": ', encoding="utf-8")
    with pytest.raises(commdx.ConfigError, match="malformed JSON"):
        commdx.read_households(io.StringIO("household_id,ward_code,members,adults\nA,26506,1,1\n"), mapping=broken)


def test_custom_schema(places):
    doc = commdx.survey_schema_json()
    doc["households"]["columns"].append({"name": "pets", "type": "int", "min": 0, "max": 20})
    csv = "household_id,ward_code,members,adults,pets\nA,26506,2,1,3\nB,26506,2,1,30\n"
    good, refused = commdx.read_households(io.StringIO(csv), places=places, schema=doc, strict=False)
    assert good["pets"].tolist() == [3.0]
    assert "pets 30 is out of range: must be between 0 and 20" in refused["reason"][0]
    json.dumps(doc)  # still plain JSON


def test_the_example_citys_files_read_strictly(tmp_path):
    """Every record file `commdx synth` writes passes the strict reader against its own places,
    and the numbers equal what pandas reads from the same file."""
    commdx.synth.write(tmp_path, households=2000, seed=3)
    places = commdx.Places.from_file(str(tmp_path / "places.csv"))
    for name, reader in [("households.csv", commdx.read_households), ("sample_households.csv", commdx.read_households),
                         ("followup_households.csv", commdx.read_households), ("businesses.csv", commdx.read_businesses)]:
        df = reader(tmp_path / name, places=places)
        ref = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)
        assert len(df) == len(ref) > 0, name
        assert df["ward_code"].tolist() == ref["ward_code"].tolist()
        for col in ["weight", "round"]:
            assert df[col].tolist() == [float(v) for v in ref[col]], (name, col)
    hh = commdx.read_households(tmp_path / "households.csv", places=places)
    ref = pd.read_csv(tmp_path / "households.csv")
    for col in ["members", "adults", "adults_bank_account", "pay_online_water", "conv_egov"]:
        np.testing.assert_array_equal(hh[col].to_numpy(), ref[col].to_numpy(dtype=float), err_msg=col)
