"""commdx.io.tables: the one Python reader of CSV and XLSX tables (issue 11)."""
from __future__ import annotations

import codecs
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import commdx
from commdx.io import tables

import openpyxl

VISITS = (
    "household_id,action,member_id,date,outcome\n"
    "00070,vneid,M-1,2022-06-20,adopted\n"
    "00071,bank,M-2,21/06/2022,no_one_home\n"
)


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def test_codes_keep_zeros_numbers_typed_dates_iso(tmp_path):
    p = write(tmp_path, "visits.csv", VISITS + "00072,bank,M-2,22/06/2022,adopted\n")
    df = tables.read_table(p, text=("household_id", "member_id"), dates=("date",))
    assert df["household_id"].tolist() == ["00070", "00071", "00072"]
    assert df["date"].tolist() == ["2022-06-20", "2022-06-21", "2022-06-22"]
    assert df.attrs["source"] == str(p)
    assert df.attrs["lines"] == (2, 3, 4)


def test_number_columns_int_without_gaps_float_with(tmp_path):
    p = write(tmp_path, "t.csv", "a,b,c,d\n1,1.5,,x\n2,2,3,4\n")
    df = tables.read_table(p)
    assert df["a"].dtype == np.int64 and df["a"].tolist() == [1, 2]
    assert df["b"].dtype == np.float64 and df["b"].tolist() == [1.5, 2.0]
    assert df["c"].dtype == np.float64 and np.isnan(df["c"].iloc[0]) and df["c"].iloc[1] == 3.0
    assert df["d"].tolist() == ["x", "4"]  # a column with text stays text


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_detected_from_header(tmp_path, delimiter):
    body = "code|name|population\n26506|Phường 1|\"12,5\"\n".replace("|", delimiter)
    df = tables.read_table(write(tmp_path, "a.csv", body), text="all")
    assert list(df.columns) == ["code", "name", "population"]
    assert df.iloc[0].tolist() == ["26506", "Phường 1", "12,5"]


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-8", codecs.BOM_UTF8 * 2),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_utf8_and_utf16_with_bom_read_the_same(tmp_path, encoding, prefix):
    text = VISITS.replace(",", "\t") if encoding.startswith("utf-16") else VISITS
    df = tables.read_table(write(tmp_path, "v.csv", prefix + text.encode(encoding)), text=("household_id",))
    assert df["household_id"].tolist() == ["00070", "00071"]
    assert df["member_id"].tolist() == ["M-1", "M-2"]
    assert list(df.columns)[0] == "household_id"


@pytest.mark.parametrize("line_end", ["\r\n", "\r", "\n"])
def test_line_numbers_after_every_line_end_style(tmp_path, line_end):
    raw = 'a,b\n1,"x\ny"\n\n2,z\n'
    body = raw.replace("\n", line_end)
    df = tables.read_table(write(tmp_path, "t.csv", body))
    assert df["b"].tolist() == ["x" + line_end + "y", "z"]
    assert df.attrs["lines"] == (2, 5)
    bad = write(tmp_path, "bad.csv", (raw + "3\n").replace("\n", line_end))
    with pytest.raises(commdx.InputError, match=r"bad\.csv, row 3 \(line 6\): .* / 1 fields where the header has 2"):
        tables.read_table(bad)


def test_windows_1258_refused_naming_line(tmp_path):
    raw = VISITS.encode("utf-8") + "00073,bank,M-3,2022-06-22,Đông\n".encode("cp1258")
    with pytest.raises(commdx.InputError, match=r"v\.csv, line 4: byte 0xD0 .*not UTF-8 text"):
        tables.read_table(write(tmp_path, "v.csv", raw))


def test_utf16_without_bom_refused(tmp_path):
    with pytest.raises(commdx.InputError, match=r"v\.csv, line 1: .*NUL byte: not UTF-8 text"):
        tables.read_table(write(tmp_path, "v.csv", VISITS.encode("utf-16-le")))


@pytest.mark.parametrize("body,match", [
    ("", r"empty file: no header row"),
    ("\n\n", r"empty file: no header row"),
    ("a,b\n", r"only a header, no data rows"),
    ("a,,c\n1,2,3\n", r"row 1 \(line 2\), column 2: .* / a column with values but no name"),
    ("a,b\n1,2,3\n", r"row 1 \(line 2\), column 3: .* / a column with values but no name"),
    ("a,b,a\n1,2,3\n", r"line 1, column 3: .* / column name 'a' given twice \(also column 1\)"),
    ('a,b\n1,"unterminated\n', r"line 2: .* / a quote opened here is never closed"),
    ("a,b\n1,2\n3\n", r"row 2 \(line 3\): .* / 1 fields where the header has 2 \(truncated file\?\)"),
    ("a,b\n1,inf\n", r"row 1 \(line 2\), column 'b': 'inf' không phải số hữu hạn / not a finite number"),
    ("a,b\n1,1e400\n", r"row 1 \(line 2\), column 'b': '1e400' không phải số hữu hạn"),
    ("a,b\n1,NaN\n", r"row 1 \(line 2\), column 'b': 'NaN' không phải số hữu hạn"),
])
def test_malformed_csv_refused_naming_where(tmp_path, body, match):
    with pytest.raises(commdx.InputError, match=match):
        tables.read_table(write(tmp_path, "t.csv", body))


def test_trailing_empty_header_cells_and_empty_columns_are_not_data(tmp_path):
    df = tables.read_table(write(tmp_path, "t.csv", "a,b,,\n1,2,,\n3,4,,\n"))
    assert list(df.columns) == ["a", "b"] and df["a"].tolist() == [1, 3]
    df = tables.read_table(write(tmp_path, "t.csv", "a,b,,\n1,2\n3,x,,\n"))  # rows as wide as the named columns
    assert df["a"].tolist() == [1, 3] and df["b"].tolist() == ["2", "x"]


def test_header_only_allowed_when_asked(tmp_path):
    df = tables.read_table(write(tmp_path, "t.csv", "a,b\n"), allow_empty=True)
    assert list(df.columns) == ["a", "b"] and len(df) == 0


def test_numeric_and_required_columns(tmp_path):
    p = write(tmp_path, "t.csv", "a,b\n1,2\n3,x\n")
    with pytest.raises(commdx.InputError, match=r"row 2 \(line 3\), column 'b': 'x' không phải số / not a number"):
        tables.read_table(p, numeric=("b",))
    with pytest.raises(commdx.InputError, match=r"t\.csv: .*missing column\(s\) 'c'"):
        tables.read_table(p, required=("c",))


@pytest.mark.parametrize("value", ["2022-13-45", "2022-02-30", "10/25/2022", "2022/06/20", "20-06-2022", "yesterday"])
def test_bad_dates_refused_with_the_expected_format(tmp_path, value):
    p = write(tmp_path, "visits.csv", VISITS + f"00072,bank,M-2,{value},adopted\n")
    with pytest.raises(commdx.InputError, match=(r"visits\.csv, row 3 \(line 4\), column 'date': .*invalid date '"
                                                 + value.replace("/", "/") + r"': expected dd/mm/yyyy or yyyy-mm-dd")):
        tables.read_table(p, dates=("date",))


def test_day_first_never_guessed():
    assert tables.parse_date("03/10/2022") == dt.date(2022, 10, 3)
    assert tables.parse_date("12/01/2022") == dt.date(2022, 1, 12)
    assert tables.parse_date("01/13/2022") is None  # month 13: a month-first date is refused, not swapped
    assert tables.parse_date("2022-06-20T08:30:00") == dt.date(2022, 6, 20)


def test_normalise_dates_names_the_file_line_after_sorting(tmp_path):
    p = write(tmp_path, "visits.csv", VISITS + "00072,bank,M-2,2022-06-22,adopted\n")
    df = tables.read_table(p, text=("household_id",)).sort_values("household_id", ascending=False)
    df.loc[1, "date"] = "2022-13-45"  # the row of line 3
    with pytest.raises(commdx.InputError, match=r"visits\.csv, row 2 \(line 3\), column 'date': .*'2022-13-45'"):
        tables.normalise_dates(df, ["date"])


def test_normalise_dates_on_a_dataframe_names_the_row():
    df = pd.DataFrame({"date": ["2022-06-20", "03/10/2022", None]})
    out = tables.normalise_dates(df, ["date"], source="visits")
    assert out["date"].tolist()[:2] == ["2022-06-20", "2022-10-03"] and pd.isna(out["date"].iloc[2])
    with pytest.raises(commdx.InputError, match=r"visits, row 2, column 'date': .*invalid date '2022-13-45'"):
        tables.normalise_dates(pd.DataFrame({"date": ["2022-06-20", "2022-13-45"]}), ["date"], source="visits")


# ---- XLSX ----------------------------------------------------------------------------------

def workbook(tmp_path, rows, name="t.xlsx", title="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    p = tmp_path / name
    wb.save(p)
    return p


def test_xlsx_reads_like_the_csv(tmp_path):
    p = workbook(tmp_path, [["household_id", "n", "date"], ["00070", 3, dt.datetime(2022, 6, 20)],
                            ["00071", 4.5, "21/06/2022"]])
    df = tables.read_table(p, text=("household_id",), dates=("date",))
    assert df["household_id"].tolist() == ["00070", "00071"]
    assert df["n"].tolist() == [3.0, 4.5]
    assert df["date"].tolist() == ["2022-06-20", "2022-06-21"]
    assert df.attrs["source"] == f"{p} [Sheet1]" and df.attrs["lines"] == (2, 3)


def test_csv_renamed_xlsx_refused(tmp_path):
    p = write(tmp_path, "visits.xlsx", VISITS)
    with pytest.raises(commdx.InputError, match=r"visits\.xlsx: .*not an Excel workbook"):
        tables.read_table(p)


def test_xlsx_renamed_csv_refused(tmp_path):
    p = workbook(tmp_path, [["a"], [1]])
    q = tmp_path / "t.csv"
    q.write_bytes(p.read_bytes())
    with pytest.raises(commdx.InputError, match=r"t\.csv: .*an Excel workbook, not CSV"):
        tables.read_table(q)


def test_formula_without_saved_value_refused_naming_the_cell(tmp_path):
    p = workbook(tmp_path, [["code", "area", "population"], ["26506", 2.5, 1000], ["26509", 3.0, "=C2*2"]])
    with pytest.raises(commdx.InputError, match=r"t\.xlsx \[Sheet1\], cell C3: .*formula '=C2\*2' has no saved value"):
        tables.read_table(p)


def test_headerless_xlsx_column_refused_naming_the_cell(tmp_path):
    p = workbook(tmp_path, [["code", None, "population"], ["26506", 7, 1000]])
    with pytest.raises(commdx.InputError, match=r"\[Sheet1\], row 1 \(cell B2\), column B: .* / a column with values but no name"):
        tables.read_table(p)


def test_damaged_zip_refused(tmp_path):
    p = workbook(tmp_path, [["a"], [1]])
    raw = p.read_bytes()
    p.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(commdx.InputError, match=r"t\.xlsx: "):
        tables.read_table(p)


def test_old_xls_refused(tmp_path):
    with pytest.raises(commdx.InputError, match=r"t\.xls: .*old Excel format"):
        tables.read_table(write(tmp_path, "t.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100))
