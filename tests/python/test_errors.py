"""The error contract (docs/errors.md): every commdx exception carries its id and where as
attributes, from C++ and from Python alike, and the command line turns any refusal into ONE line,
in Vietnamese by default and English with --lang en, with exit 2 (130 on Ctrl+C), never a
traceback."""
from __future__ import annotations

import os
import pathlib
import pickle
import signal
import subprocess
import sys
import time

import pytest

import commdx
from commdx import _core
from commdx.errors import describe

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"


# ---- the exceptions -----------------------------------------------------------------------------

def test_compiled_module_raises_the_python_classes():
    assert _core.InputError is commdx.InputError is commdx.errors.InputError
    assert issubclass(commdx.ConfigError, commdx.InputError) and issubclass(commdx.Error, ValueError)


def test_cpp_error_arrives_with_its_location_as_attributes():
    bad = "code,name,kind,parent\n1,A,ward,\n1,B,ward,\n"
    with pytest.raises(commdx.ValidationError) as err:
        commdx.Places.from_csv_text(bad, "dup.csv")
    e = err.value
    assert (e.id, e.file, e.row, e.line, e.character, e.column, e.unit) == (
        "commdx.validation", "dup.csv", 2, None, None, "code", "1")
    assert e.reason == "duplicate code 1 (first at row 1)"
    assert str(e) == "dup.csv, row 2, column 'code', unit 1: duplicate code 1 (first at row 1)"


def test_cpp_json_error_carries_line_and_character():
    with pytest.raises(commdx.ConfigError) as err:
        commdx.Places.from_json_text('{"units": [],\n  "units": []}', "places.json")
    e = err.value
    assert (e.id, e.file, e.line, e.character, e.column) == ("commdx.json.duplicate_key", "places.json", 2, 3, "units")


def test_python_code_raises_with_a_location_and_old_calls_still_work():
    e = commdx.InputError("missing required column", file="h.csv", row=0, line=1, column="ward_code")
    assert str(e) == "h.csv, line 1, column 'ward_code': missing required column"
    assert (e.id, e.file, e.row, e.line, e.column, e.unit) == ("commdx.input", "h.csv", None, 1, "ward_code", None)
    old = commdx.InputError("h.csv, row 3: preformatted")
    assert str(old) == "h.csv, row 3: preformatted" and old.file is None and old.id == "commdx.input"
    assert commdx.ValidationError("x", id="commdx.survey.weight").id == "commdx.survey.weight"
    assert isinstance(commdx.ConfigError("x"), ValueError)
    again = pickle.loads(pickle.dumps(e))
    assert str(again) == str(e) and again.column == "ward_code"


def test_describe_translates_location_words_and_reasons():
    e = commdx.ConfigError("duplicate key 'id' (first at line 3)", id="commdx.json.duplicate_key",
                           file="teams.json", row=2, line=4, character=6, column="id", unit="T-1")
    assert describe(e, "vi") == ("tệp teams.json, dòng 2, dòng văn bản 4, ký tự 6, cột 'id', đơn vị T-1: "
                                 "khoá bị lặp lại trong cùng một đối tượng JSON (duplicate key 'id' (first at line 3))")
    assert describe(e, "en") == str(e)


def test_every_id_in_the_table_has_both_languages_and_is_documented():
    import json
    from importlib import resources

    table = json.loads(resources.files("commdx").joinpath("data/errors.json").read_text("utf-8"))
    doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text("utf-8")
    assert len(table["ids"]) >= 20
    for error_id, text in table["ids"].items():
        assert text["vi"] and text["en"] and text["vi"] != text["en"], error_id
        assert f"`{error_id}`" in doc, error_id
    for word in ("file", "row", "line", "character", "column", "unit"):
        assert table["words"][word]["vi"] != table["words"][word]["en"]


# ---- the command line -----------------------------------------------------------------------------

def commdx_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "commdx", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=timeout)


def one_line_no_traceback(res: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


@pytest.fixture()
def duplicate_roster(tmp_path):
    p = tmp_path / "teams.json"
    p.write_text('{"teams": [{"id": "T-1", "level": "ward", "unit": "26506",\n "unit": "26509", "members": []}]}',
                 "utf-8")
    return p


def test_cli_refusal_is_one_vietnamese_line_with_exit_2(duplicate_roster):
    res = commdx_cli("teams", "check", str(duplicate_roster))
    assert res.returncode == 2
    line = one_line_no_traceback(res)
    assert line.startswith("commdx teams: tệp ") and str(duplicate_roster) in line
    assert "dòng văn bản 2, ký tự 2, cột 'unit'" in line
    assert "khoá bị lặp lại trong cùng một đối tượng JSON" in line


def test_cli_refusal_in_english(duplicate_roster):
    res = commdx_cli("teams", "check", str(duplicate_roster), "--lang", "en")
    assert res.returncode == 2
    line = one_line_no_traceback(res)
    assert line == f"commdx teams: {duplicate_roster}, line 2, character 2, column 'unit': duplicate key 'unit' (first at line 1)"


def test_cli_missing_file_names_it(tmp_path):
    missing = tmp_path / "nope.json"
    res = commdx_cli("teams", "check", str(missing))
    assert res.returncode == 2
    line = one_line_no_traceback(res)
    assert str(missing) in line and "tệp" in line


def test_cli_bad_usage_is_one_line_exit_2():
    res = commdx_cli("plan", "--households", "x.csv")
    assert res.returncode == 2
    line = one_line_no_traceback(res)
    assert "lệnh dùng không đúng cách" in line and "--roster" in line
    en = commdx_cli("plan", "--households", "x.csv", "--lang", "en")
    assert "bad usage" in one_line_no_traceback(en)


def test_cli_catalogue_out_of_range_number(tmp_path):
    cat = tmp_path / "campaigns.json"
    cat.write_text('{"visit": {"travel_minutes": 1e400}, "actions": []}', "utf-8")
    households = tmp_path / "households.csv"
    households.write_text("household_id,ward_code,neighbourhood_code,group_code\nH1,26506,26506-KP1,26506-KP1-T1\n", "utf-8")
    res = commdx_cli("plan", "--households", str(households), "--roster", str(DATA / "teams" / "compliant.json"),
                     "--catalogue", str(cat), "--from", "2022-08-01", "--until", "2022-12-31",
                     "--with-names", "--out", str(tmp_path / "out"), "--lang", "en")
    assert res.returncode == 2
    line = one_line_no_traceback(res)
    assert line == f"commdx plan: {cat}, line 1, character 30: number out of range: 1e400"


def test_cli_sigint_during_synth_exits_130_with_one_line(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "commdx", "synth", "--households", "200000", "--out",
                             str(tmp_path / "city")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True, encoding="utf-8")
    # wait until it has started the work (its first line), then interrupt it as Ctrl+C does
    first = proc.stdout.readline()
    assert "Đang tạo thành phố mẫu" in first
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines == ["commdx synth: đã dừng theo yêu cầu (Ctrl+C); kết quả dở dang không được dùng"]


def test_cli_csv_renamed_xlsx_is_one_line_naming_the_file(tmp_path):
    fake = tmp_path / "areas.xlsx"
    fake.write_text("code,name,area_km2,population\n26506,Phường 1,1.2,18000\n", "utf-8")
    res = commdx_cli("classify", str(fake))
    assert res.returncode == 2
    line = one_line_no_traceback(res)
    assert line.startswith(f"commdx classify: tệp {fake}: tệp không đúng định dạng")
    en = one_line_no_traceback(commdx_cli("classify", str(fake), "--lang", "en"))
    assert en.startswith(f"commdx classify: {fake}: not an Excel workbook")


def test_cli_net_for_a_library_exception_names_the_inputs(tmp_path):
    # households read by pandas directly (commands/classify.py): a binary file is not CSV text
    areas = DATA / "classify" / "vungtau-wards-derived.csv"
    bad = tmp_path / "households.csv"
    bad.write_bytes(b"\xff\xfe\x00\x01" * 100)
    res = commdx_cli("classify", str(areas), "--households", str(bad))
    assert res.returncode == 2
    line = one_line_no_traceback(res)
    assert str(bad) in line
