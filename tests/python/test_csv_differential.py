"""Differential test: commdx's survey reader against Python's csv module on export variants.

Files are written with Python's csv.writer (quoted free text with commas, doubled quotes and line
breaks, every field quoted, CRLF / CR-only / mixed line ends, a BOM, ';' and tab, UTF-16, files
over the reader's two-thread threshold of 4 MB) and read back twice: by commdx.read_households and
by csv.reader on the file opened with newline='' (so that a lone CR, which csv.reader treats as a
line end, reaches it untranslated; inside quotes it is kept). The expected table is built from
csv.reader's fields alone: text trimmed of spaces and tabs and NFC-composed, counts and weights as
floats, yes/no answers as 1/0, empty cells missing."""
from __future__ import annotations

import csv
import io
import math
import random
import unicodedata

import pytest

import commdx

HEADER = ["household_id", "ward_code", "members", "adults", "bank_account", "weight", "ghi_chu", "ghi_chu_2"]
TEXT = {"household_id", "ward_code", "ghi_chu", "ghi_chu_2"}
YES_NO = {"1": 1.0, "0": 0.0, "có": 1.0, "không": 0.0, "": math.nan}
FREE_TEXT = ["", "Nhà cấp 4, gần chợ", 'Chủ hộ nói: "không có"', 'A "B"', '"', '""', "dòng 1\ndòng 2",
             "dòng 1\r\ndòng 2", "dòng 1\rdòng 2", "a,b;c\td", "  khoảng trắng  ", "Đường Lê Lợi, P.1",
             "Nha\u0300 (NFD)", "x\n\n\ny", ",", ";", "\t"]
ENDS = ["\n", "\r\n", "\r"]


def make_rows(n: int, seed: int) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        members = rnd.randint(1, 9)
        rows.append([f"H26506-{i:06d}", rnd.choice(["26506", "26509", "26545"]), str(members),
                     str(rnd.randint(1, members)), rnd.choice(list(YES_NO)),
                     rnd.choice(["12.5", "1", "0.25", "3e2", ""]),
                     rnd.choice(FREE_TEXT) + rnd.choice(["", str(i)]), rnd.choice(FREE_TEXT)])
    return rows


def write(path, rows, *, delimiter=",", quoting=csv.QUOTE_MINIMAL, ends=("\r\n",), encoding="utf-8"):
    """Row by row, so that rows can end in different line ends (mixed files). csv.writer quotes a
    field with a line break only when the break is in its lineterminator: each row is written with
    "\r\n" (so a field with a CR or an LF is quoted, as Kobo and Excel quote them) and that
    terminator is then replaced by the row's own line end."""
    out = []
    for k, row in enumerate([HEADER] + rows):
        buf = io.StringIO(newline="")
        csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerow(row)
        line = buf.getvalue()
        assert line.endswith("\r\n")
        out.append(line[:-2] + ends[k % len(ends)])
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write("".join(out))


def expected(path, *, delimiter=",", encoding="utf-8-sig") -> dict[str, list]:
    with open(path, encoding=encoding, newline="") as f:
        records = [r for r in csv.reader(f, delimiter=delimiter) if r]  # csv.reader gives [] for a blank line
    header, rows = records[0], records[1:]
    assert header == HEADER
    cols: dict[str, list] = {h: [] for h in header}
    for r in rows:
        assert len(r) == len(header)
        for h, v in zip(header, r):
            t = v.strip(" \t")
            if h in TEXT:
                cols[h].append(unicodedata.normalize("NFC", t))
            elif h == "bank_account":
                cols[h].append(YES_NO[t])
            else:
                cols[h].append(float(t) if t else math.nan)
    return cols


def same_values(got: list, want: list) -> bool:
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if isinstance(w, float) and math.isnan(w):
            if not (isinstance(g, float) and math.isnan(g)):
                return False
        elif g != w:
            return False
    return True


def check(path, *, delimiter=",", encoding="utf-8-sig"):
    want = expected(path, delimiter=delimiter, encoding=encoding)
    df = commdx.read_households(str(path))
    assert len(df) == len(want["household_id"])
    for h in HEADER:
        got = ["" if (isinstance(v, float) and math.isnan(v)) or v is None else v for v in df[h].tolist()] \
            if h in TEXT else [float(v) for v in df[h].tolist()]
        if not same_values(got, want[h]):
            bad = next(i for i, (g, w) in enumerate(zip(got, want[h])) if not same_values([g], [w]))
            raise AssertionError(f"{path.name}, column {h}, row {bad + 1}: commdx {got[bad]!r}, csv {want[h][bad]!r}")
    return df


VARIANTS = {
    "minimal_lf": dict(ends=("\n",)),
    "minimal_crlf": dict(ends=("\r\n",)),
    "all_quoted_crlf": dict(quoting=csv.QUOTE_ALL, ends=("\r\n",)),
    "cr_only": dict(ends=("\r",)),
    "mixed_line_ends": dict(ends=ENDS),
    "bom_semicolon": dict(delimiter=";", encoding="utf-8-sig"),
    "all_quoted_semicolon_cr": dict(delimiter=";", quoting=csv.QUOTE_ALL, ends=("\r",)),
    "tab": dict(delimiter="\t", ends=("\r\n",)),
    "utf16_tab": dict(delimiter="\t", ends=("\r\n",), encoding="utf-16"),  # Excel's "Unicode text"
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_small_export_variants_read_as_python_csv_reads_them(tmp_path, name):
    opts = VARIANTS[name]
    path = tmp_path / f"{name}.csv"
    write(path, make_rows(400, seed=len(name)), **opts)
    enc = "utf-16" if opts.get("encoding") == "utf-16" else "utf-8-sig"
    df = check(path, delimiter=opts.get("delimiter", ","), encoding=enc)
    assert len(df) == 400


@pytest.mark.parametrize("name", ["cr_only", "mixed_line_ends", "all_quoted_crlf", "bom_semicolon"])
def test_files_over_the_two_thread_threshold(tmp_path, name):
    opts = VARIANTS[name]
    path = tmp_path / f"big_{name}.csv"
    rows = make_rows(90_000, seed=11)
    write(path, rows, **opts)
    assert path.stat().st_size > 4 << 20  # the reader splits files of 4 MB and more in two
    df = check(path, delimiter=opts.get("delimiter", ","))
    assert len(df) == 90_000


def test_two_doubled_quote_fields_in_one_row(tmp_path):
    # the use-after-free of issue 11: the first field's value came back as '\x00 "B"'
    path = tmp_path / "quotes.csv"
    rows = [[f"H{i}", "26506", "2", "1", "1", "1", 'A "B"', 'C "D"'] for i in range(50)]
    write(path, rows, quoting=csv.QUOTE_ALL)
    df = check(path)
    assert set(df["ghi_chu"]) == {'A "B"'} and set(df["ghi_chu_2"]) == {'C "D"'}
