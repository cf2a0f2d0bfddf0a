"""Issue 13, dates as data: a targets file (``--targets``, ``targets=``) replaces the indicator
catalogue's targets for one run in ``report``, ``plan``, ``indicators`` and ``demo``; the shipped
``national-2025`` set; and its refusals, naming file, row and column.

The expected values are the files' own, typed here: 90 % by 30/06/2027 for adults with a
smartphone, 0,6 by 31/12/2026 for e-wallet use (no target in the catalogue), and the catalogue's
80 % by 2025-12-31 (Decision 411/QĐ-TTg) for adults with a bank account, which the file leaves.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import commdx
from commdx.errors import describe

CSV = ("Mã chỉ tiêu,Mục tiêu,Thời hạn,Nguồn\n"
       "adults_smartphone,90 %,30/06/2027,Nghị quyết của phường\n"
       "Tỷ lệ hộ dùng ví điện tử,\"0,6\",2026-12-31,\n")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _expected(t: commdx.Targets, name: str) -> None:
    assert set(t.rows) == {"adults_smartphone", "e_wallet"}
    s, w = t.rows["adults_smartphone"], t.rows["e_wallet"]
    assert (s["target"], s["target_date"]) == (pytest.approx(0.9), "2027-06-30")
    assert s["target_source_vi"] == s["target_source_en"] == "Nghị quyết của phường"
    assert (w["target"], w["target_date"]) == (pytest.approx(0.6), "2026-12-31")
    # no source in the file: the file is named as the source
    assert w["target_source_vi"] == f"tệp mục tiêu {name}" and w["target_source_en"] == f"targets file {name}"


def test_a_vietnamese_csv_with_labels_percentages_and_decimal_commas(tmp_path):
    _expected(commdx.read_targets(_write(tmp_path / "muc-tieu.csv", CSV)), "muc-tieu.csv")


def test_an_xlsx_with_number_and_date_cells(tmp_path):
    path = _xlsx(tmp_path / "muc-tieu.xlsx", [
        ["chi_tieu", "muc_tieu", "han", "nguon", "ghi_chu"],
        ["adults_smartphone", 0.9, dt.datetime(2027, 6, 30), "Nghị quyết của phường", "đã họp"],
        ["e_wallet", "60%", "31/12/2026", None, None]])
    _expected(commdx.read_targets(path), "muc-tieu.xlsx")


def test_a_json_list_with_english_keys(tmp_path):
    path = _write(tmp_path / "targets.json", json.dumps({"targets": [
        {"indicator": "adults_smartphone", "target": "90%", "target_date": "2027-06-30",
         "source": "Nghị quyết của phường"},
        {"indicator": "Households using an e-wallet", "target": 0.6, "target_date": "31/12/2026"}]},
        ensure_ascii=False))
    _expected(commdx.read_targets(path), "targets.json")


def test_the_national_2025_set_by_name_and_by_path():
    named = commdx.read_targets("national-2025")
    assert commdx.shipped_targets()["national-2025"].name == "targets-national-2025.csv"
    by_path = commdx.read_targets(commdx.shipped_targets()["national-2025"])
    assert named.rows == by_path.rows
    # Decision 411/QĐ-TTg's two 2025 targets that the survey measures (data/README-targets.md)
    assert {k: (v["target"], v["target_date"]) for k, v in named.rows.items()} == {
        "adults_smartphone": (0.8, "2025-12-31"), "adults_bank_account": (0.8, "2025-12-31")}
    assert all("411/QĐ-TTg" in v["target_source_vi"] and "411/QĐ-TTg" in v["target_source_en"]
               for v in named.rows.values())
    readme = (Path(commdx.__file__).parent / "data" / "README-targets.md").read_text(encoding="utf-8")
    for unmatched in ("basic digital skills", "749/QĐ-TTg", "2023 national plan"):
        assert unmatched in readme


@pytest.mark.parametrize("row, kind, column, words", [
    ("adults_smartfone,80%,", "indicator", "chi_tieu", ["adults_smartfone", "closest: adults_smartphone"]),
    ("adults_smartphone,80,", "value", "muc_tieu", ["[0, 1]", "80%"]),
    ("adults_smartphone,-0.1,", "value", "muc_tieu", ["[0, 1]"]),
    ("conv_egov,7,", "value", "muc_tieu", ["[1, 5]"]),
    ("head_age_mean,50%,", "value", "muc_tieu", ["not a share"]),
    ("adults_smartphone,tám mươi,", "value", "muc_tieu", ["not a number"]),
    ("adults_smartphone,,", "value", "muc_tieu", ["no target value"]),
    ("adults_smartphone,80%,31/13/2027", "date", "han", ["31/13/2027"]),
    ("adults_smartphone,80%,2025", "date", "han", ["'2025'"]),
])
def test_bad_rows_are_refused_naming_file_row_and_column(tmp_path, row, kind, column, words):
    path = _write(tmp_path / "t.csv", f"chi_tieu,muc_tieu,han\ne_wallet,50%,31/12/2026\n{row}\n")
    with pytest.raises(commdx.ConfigError) as e:
        commdx.read_targets(path)
    err = e.value
    assert err.id == f"commdx.targets.{kind}" and err.file == str(path) and err.row == 2 and err.column == column
    for w in words:
        assert w in str(err)
    assert "line 3" in str(err)
    assert describe(err, "vi").startswith(f"tệp {path}, dòng 2, cột '{column}'")


def test_a_repeated_indicator_an_unknown_column_and_a_missing_one_are_refused(tmp_path):
    with pytest.raises(commdx.ConfigError, match="already given in row 1") as e:
        commdx.read_targets(_write(tmp_path / "a.csv", "chi_tieu,muc_tieu\ne_wallet,50%\nTỷ lệ hộ dùng ví điện tử,60%\n"))
    assert e.value.row == 2 and e.value.unit == "e_wallet"
    with pytest.raises(commdx.ConfigError, match="unknown column") as e:
        commdx.read_targets(_write(tmp_path / "b.csv", "chi_tieu,muc_tieu,trong_so\ne_wallet,50%,2\n"))
    assert e.value.column == "trong_so" and e.value.id == "commdx.targets.file"
    with pytest.raises(commdx.ConfigError, match="missing column target"):
        commdx.read_targets(_write(tmp_path / "c.csv", "chi_tieu,han\ne_wallet,31/12/2026\n"))
    with pytest.raises(commdx.ConfigError, match="nor a shipped set of targets") as e:
        commdx.read_targets("national-2030")
    assert "national-2025" in str(e.value)


def test_an_xlsx_error_names_the_cell(tmp_path):
    path = _xlsx(tmp_path / "t.xlsx", [["chi_tieu", "muc_tieu"], ["e_wallet", 0.5], ["adults_smartphone", 80]])
    with pytest.raises(commdx.ConfigError) as e:
        commdx.read_targets(path, lang="vi")
    assert e.value.row == 2 and "ô B3" in str(e.value) and "nằm ngoài khoảng" in str(e.value)


# ---- the targets in the outputs --------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("targets") / "data"
    commdx.synth.write(out, households=3000, seed=2)
    return out


@pytest.fixture(scope="module")
def targets_csv(folder) -> Path:
    return _write(folder.parent / "muc-tieu.csv", CSV)


def _month(folder: Path) -> str:
    return str(pd.to_datetime(pd.read_csv(folder / "visits.csv")["date"]).max())[:7]


def _progress(rep) -> dict[str, tuple[float, str, str]]:
    return {r["variable"]: (r["target"], r["target_date"], r["target_source"]) for r in rep.data["progress"]}


def test_the_reports_progress_shows_the_files_targets_and_keeps_the_others(folder, targets_csv):
    month = _month(folder)
    before = _progress(commdx.monthly_report(month, folder, charts=False))
    assert "e_wallet" not in before and before["adults_smartphone"][:2] == (0.8, "2025-12-31")
    rep = commdx.monthly_report(month, folder, charts=False, targets=targets_csv)
    after = _progress(rep)
    assert after["adults_smartphone"] == (pytest.approx(0.9), "2027-06-30", "Nghị quyết của phường")
    assert after["e_wallet"] == (pytest.approx(0.6), "2026-12-31", "tệp mục tiêu muc-tieu.csv")
    assert after["adults_bank_account"] == before["adults_bank_account"]
    assert after["adults_bank_account"][:2] == (0.8, "2025-12-31") and "411/QĐ-TTg" in after["adults_bank_account"][2]
    # the months left count to the file's date
    row = next(r for r in rep.data["progress"] if r["variable"] == "adults_smartphone")
    y, m = map(int, month.split("-"))
    assert row["months_left"] == (2027 - y) * 12 + (6 - m)
    en = _progress(commdx.monthly_report(month, folder, charts=False, targets=targets_csv, lang="en"))
    assert en["e_wallet"][2] == "targets file muc-tieu.csv"


def test_indicators_take_the_files_targets(folder, targets_csv):
    sample = pd.read_csv(folder / "sample_households.csv", dtype={"ward_code": str, "neighbourhood_code": str,
                                                                    "group_code": str, "household_id": str})
    places = commdx.Places.from_file(folder / "places.csv")
    est = commdx.indicators(sample, places, levels=["city"], as_of="2026-12-02", targets=targets_csv)
    by = est.set_index("indicator")
    assert by.loc["adults_smartphone", "target"] == pytest.approx(0.9)
    assert by.loc["adults_smartphone", "target_date"] == "2027-06-30"
    assert by.loc["adults_smartphone", "days_left"] == (dt.date(2027, 6, 30) - dt.date(2026, 12, 2)).days
    assert by.loc["e_wallet", "target"] == pytest.approx(0.6)
    assert by.loc["e_wallet", "gap"] == pytest.approx(0.6 - by.loc["e_wallet", "estimate"])
    assert by.loc["adults_bank_account", "target"] == pytest.approx(0.8)


def test_the_plan_follows_the_files_targets_over_the_estimates(folder, targets_csv):
    hh = pd.read_csv(folder / "households.csv", dtype={"ward_code": str, "neighbourhood_code": str,
                                                       "group_code": str, "household_id": str})
    roster = commdx.read_roster(folder / "teams.json")
    places = commdx.Places.from_file(folder / "places.csv")
    sample = pd.read_csv(folder / "sample_households.csv", dtype={"ward_code": str, "neighbourhood_code": str,
                                                                    "group_code": str, "household_id": str})
    est = commdx.indicators(sample, places, levels=["city"])  # the catalogue's targets of their day
    kw = dict(places=places, estimates=est, with_names=True, improve_work=2000, bound_work=2000)
    before = commdx.plan_outreach(hh, roster, **kw).indicators.set_index("indicator")
    plan = commdx.plan_outreach(hh, roster, targets=targets_csv, **kw)
    ind = plan.indicators.set_index("indicator")
    assert before.loc["adults_smartphone", "target"] == pytest.approx(0.8)
    assert ind.loc["adults_smartphone", "target"] == pytest.approx(0.9)
    assert ind.loc["adults_smartphone", "target_source"] == "Nghị quyết của phường"
    assert pd.isna(before.loc["e_wallet", "target"])
    assert ind.loc["e_wallet", "target"] == pytest.approx(0.6)
    assert ind.loc["e_wallet", "target_source"] == "targets file muc-tieu.csv"
    assert ind.loc["adults_bank_account", "target"] == pytest.approx(0.8)
    assert ind.loc["adults_bank_account", "target_source"] == "estimates"  # the estimates' target stays
    gaps = plan.gaps.set_index("indicator")
    assert gaps.loc["adults_smartphone", "target"] == pytest.approx(0.9)
    assert "target 90.0%" in gaps.loc["adults_smartphone", "text_en"]


# ---- from the command line -------------------------------------------------------------------------

def cli(*args: str, cwd: Path, code: int = 0) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
    res = subprocess.run([sys.executable, "-m", "commdx", *args], capture_output=True, text=True,
                         encoding="utf-8", env=env, cwd=cwd, timeout=1800)
    assert res.returncode == code, f"commdx {' '.join(args)}: exit {res.returncode}\n{res.stdout}\n{res.stderr}"
    return res


def test_report_and_plan_take_targets_on_the_command_line(folder, targets_csv):
    work = folder.parent
    month = _month(folder)
    cli("report", "--month", month, "--data", "data", "--targets", "muc-tieu.csv", "--formats", "json",
        "--out", "bao-cao", cwd=work)
    rep = json.loads(next((work / "bao-cao").glob("report-*.json")).read_text(encoding="utf-8"))
    got = {r["variable"]: (r["target"], r["target_date"]) for r in rep["progress"]}
    assert got["adults_smartphone"] == (pytest.approx(0.9), "2027-06-30") and got["e_wallet"][1] == "2026-12-31"
    manifest = json.loads((work / "bao-cao" / "manifest.json").read_text(encoding="utf-8")) \
        if (work / "bao-cao" / "manifest.json").exists() else None
    if manifest is not None:
        assert any(i["path"].endswith("muc-tieu.csv") for i in manifest["inputs"])
    cli("plan", "--households", "data/households.csv", "--roster", "data/teams.json", "--targets", "muc-tieu.csv",
        "--with-names", "--out", "ke-hoach", cwd=work)
    ind = pd.read_csv(work / "ke-hoach" / "indicators.csv").set_index("indicator")
    assert ind.loc["adults_smartphone", "target"] == pytest.approx(0.9)
    assert ind.loc["e_wallet", "target_source"] == "targets file muc-tieu.csv"


def test_a_bad_targets_file_is_refused_in_vietnamese_by_default(folder):
    work = folder.parent
    _write(work / "sai.csv", "chi_tieu,muc_tieu\nadults_smartphone,120%\n")
    for cmd in (["report", "--month", _month(folder), "--data", "data", "--formats", "json", "--out", "x"],
                ["plan", "--households", "data/households.csv", "--roster", "data/teams.json", "--with-names",
                 "--out", "y"],
                ["demo", "--households", "300", "--out", "z", "--key-store", str(work / "keys")]):
        res = cli(*cmd, "--targets", "sai.csv", cwd=work, code=2)
        assert "tệp sai.csv, dòng 1, cột 'muc_tieu'" in res.stderr and "nằm ngoài khoảng" in res.stderr, res.stderr
        res = cli(*cmd, "--targets", "sai.csv", "--lang", "en", cwd=work, code=2)
        assert "sai.csv, row 1, column 'muc_tieu'" in res.stderr and "outside the range" in res.stderr, res.stderr
    assert not (work / "z").exists()


def test_the_national_set_by_its_short_name_on_the_command_line(folder):
    work = folder.parent
    cli("indicators", "data/sample_households.csv", "--places", "data/places.csv", "--levels", "city",
        "--targets", "national-2025", "--as-of", "2025-06-30", "-o", "quoc-gia.csv", cwd=work)
    ind = pd.read_csv(work / "quoc-gia.csv").set_index("indicator")
    assert ind.loc["adults_smartphone", "target"] == pytest.approx(0.8)
    assert ind.loc["adults_smartphone", "days_left"] == (dt.date(2025, 12, 31) - dt.date(2025, 6, 30)).days
    assert pd.isna(ind.loc["e_wallet", "target"])  # no national target for it: the catalogue's (none)
