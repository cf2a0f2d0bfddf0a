"""``commdx teams check`` and ``commdx teams coverage`` run as a user runs them (a subprocess of
``python -m commdx`` with the same environment): exit status 0 / 1 / 2 and the output."""
from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys

import pandas as pd

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "teams"
PLACES = str(DATA / "places.csv")


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "commdx", "teams", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120)


def test_compliant_roster_exits_0_with_a_vietnamese_report():
    res = run("check", str(DATA / "compliant.json"), "--places", PLACES)
    assert res.returncode == 0, res.stderr
    assert "Không có phát hiện nào" in res.stdout
    assert "Khu phố/thôn có tổ đúng hạn: 6/6 (trễ hạn 0, chưa có 0)." in res.stdout
    assert res.stderr == ""


def test_seeded_roster_exits_1_and_lists_every_finding():
    res = run("check", str(DATA / "seeded.csv"), "--places", PLACES)
    assert res.returncode == 1, res.stderr
    out = res.stdout
    assert "Mức độ" in out and "Nội dung" in out
    assert "Tổng: 12 lỗi, 2 cảnh báo, 2 thông tin." in out
    assert "Tổ T-26509 (Phường 2) chưa có đại diện Mặt trận Tổ quốc." in out
    assert "Khu phố/thôn có tổ đúng hạn: 4/6 (trễ hạn 1, chưa có 1)." in out
    assert "Tổ dân cư có tổ nhân rộng: 2/6." in out
    en = run("check", str(DATA / "seeded.csv"), "--places", PLACES, "--lang", "en")
    assert en.returncode == 1
    assert "Total: 12 errors, 2 warnings, 2 info." in en.stdout
    assert "Team T-26509 (Phường 2) has no Fatherland Front representative." in en.stdout


def test_json_and_csv_formats():
    res = run("check", str(DATA / "seeded.json"), "--places", PLACES, "--format", "json")
    assert res.returncode == 1
    doc = json.loads(res.stdout)
    assert doc["counts"] == {"error": 12, "warning": 2, "info": 2}
    assert len(doc["findings"]) == 16
    assert {f["rule"] for f in doc["findings"]} >= {"T5.missing", "T5.late", "T1.leader"}
    res = run("check", str(DATA / "seeded.json"), "--places", PLACES, "--format", "csv")
    assert res.returncode == 1
    df = pd.read_csv(io.StringIO(res.stdout), keep_default_na=False)
    assert list(df.columns) == ["severity", "rule", "team", "unit", "message_vi", "message_en"]
    assert len(df) == 16
    assert df.set_index("rule").loc["T5.late", "unit"] == "26506-KP3"


def test_a_rule_sets_own_deadline_is_honoured_and_an_override_is_said(tmp_path):
    rules = json.loads((pathlib.Path(__file__).resolve().parents[2] / "python" / "commdx" / "data" /
                        "team-rules.json").read_text(encoding="utf-8"))
    rules["deadline"] = "2022-07-03"  # before every decision of the compliant roster
    (tmp_path / "rules.json").write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    res = run("check", str(DATA / "compliant.json"), "--places", PLACES, "--rules", str(tmp_path / "rules.json"),
              "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["deadline"] == doc["rules_deadline"] == "2022-07-03"
    assert doc["counts"] == {"error": 0, "warning": 6, "info": 0}
    assert res.stderr == ""  # nothing overridden, nothing to say
    res = run("coverage", str(DATA / "compliant.json"), "--places", PLACES, "--rules", str(tmp_path / "rules.json"),
              "--format", "json")
    assert res.returncode == 0 and json.loads(res.stdout)["deadline"] == "2022-07-03"
    # --deadline overrides the rule set's and says so
    res = run("check", str(DATA / "compliant.json"), "--places", PLACES, "--rules", str(tmp_path / "rules.json"),
              "--deadline", "2022-07-20", "--lang", "en")
    assert res.returncode == 0
    assert "Note: deadline 2022-07-20 (--deadline) used instead of the rule set's 2022-07-03" in res.stderr
    assert "deadline 2022-07-20" in res.stdout


def test_deadline_option_changes_the_exit_status():
    # Only warnings and infos left: exit 0. Remove the missing village and late neighbourhood
    # problems by checking the compliant roster with a deadline before every decision.
    res = run("check", str(DATA / "compliant.json"), "--places", PLACES, "--deadline", "2022-07-03", "--format", "json")
    assert res.returncode == 0, res.stderr  # late is a warning, not an error
    doc = json.loads(res.stdout)
    assert doc["counts"] == {"error": 0, "warning": 6, "info": 0}
    assert {f["unit"] for f in doc["findings"]} == {"26506-KP1", "26506-KP2", "26506-KP3",
                                                   "26545-TH1", "26545-TH2", "26545-TH3"}


def test_unreadable_input_exits_2_naming_file_row_and_column(tmp_path):
    text = (DATA / "compliant.csv").read_text(encoding="utf-8").replace(",deputy,youth_union_secretary,it,6,", ",chief,youth_union_secretary,it,6,", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    res = run("check", str(bad), "--places", PLACES)
    assert res.returncode == 2
    assert "tệp " in res.stderr and "bad.csv, dòng 2, dòng văn bản 3, cột 'role', đơn vị T-26506: " in res.stderr
    assert "(unknown role 'chief'" in res.stderr
    en = run("check", str(bad), "--places", PLACES, "--lang", "en")
    assert en.returncode == 2
    assert "bad.csv, row 2, line 3, column 'role', unit T-26506: unknown role 'chief'" in en.stderr
    assert res.stdout == ""
    broken = tmp_path / "broken.json"
    broken.write_text('{"teams": [', encoding="utf-8")
    res = run("check", str(broken), "--places", PLACES)
    assert res.returncode == 2 and "broken.json, dòng văn bản 1" in res.stderr and "JSON sai cú pháp" in res.stderr
    res = run("check", str(broken), "--places", PLACES, "--lang", "en")
    assert res.returncode == 2 and "broken.json, line 1" in res.stderr and "malformed JSON" in res.stderr
    res = run("check", str(tmp_path / "absent.json"))
    assert res.returncode == 2 and "absent.json: không đọc được tệp" in res.stderr
    res = run("check", str(tmp_path / "absent.json"), "--lang", "en")
    assert res.returncode == 2 and "absent.json: cannot open file" in res.stderr
    # Neighbourhood teams against the built-in city (wards only): the unit is unknown there.
    res = run("check", str(DATA / "compliant.json"))
    assert res.returncode == 2
    assert "compliant.json, dòng 4, cột 'unit', đơn vị T-26506-KP1" in res.stderr
    assert "--places FILE" in res.stderr
    res = run("check", str(DATA / "compliant.json"), "--places", PLACES, "--deadline", "July")
    assert res.returncode == 2 and "tham số --deadline: 'July' không phải một ngày có thật" in res.stderr


def test_xlsx_roster(tmp_path):
    df = pd.read_csv(DATA / "seeded.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "seeded.xlsx"
    df.to_excel(path, index=False)
    res = run("check", str(path), "--places", PLACES, "--format", "json")
    assert res.returncode == 1, res.stderr
    assert json.loads(res.stdout)["counts"] == {"error": 12, "warning": 2, "info": 2}


def test_coverage_command():
    res = run("coverage", str(DATA / "seeded.json"), "--places", PLACES)
    assert res.returncode == 0, res.stderr
    assert "Độ bao phủ theo phường/xã (hạn 2022-07-20)" in res.stdout
    line = next(x for x in res.stdout.splitlines() if x.startswith("26506"))
    assert line.split() == ["26506", "Phường", "1", "1", "3", "2", "1", "0", "67%", "1/4"]
    assert "Trễ hạn: Khu phố 3 (26506-KP3)" in res.stdout
    assert "Chưa có tổ: Thôn 3 (26545-TH3)" in res.stdout
    res = run("coverage", str(DATA / "seeded.json"), "--places", PLACES, "--format", "csv", "--lang", "en")
    wards = pd.read_csv(io.StringIO(res.stdout))
    assert wards["on_time"].tolist() == [2, 0, 2]
