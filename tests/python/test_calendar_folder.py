"""Issue 13, dates as data: a folder that ``commdx synth --start`` generates carries its calendar
(calendar.json), and ``report``, ``plan`` and ``teams check`` take their deadline (the plan: its
period) from it when given none, so a 2026 commune's report is not judged by the 2022 deadline;
``commdx demo --start`` runs every step on it. Expected dates by hand: the teams' deadline 30 days
after the start, the campaign period (campaigns.json 2022-07-21 .. 2022-12-31) moved with it."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import commdx

START = "2026-01-05"
SHIFT = dt.date(2026, 1, 5) - dt.date(2022, 6, 20)
PERIOD = {"start": "2026-02-05", "end": (dt.date(2022, 12, 31) + SHIFT).isoformat()}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
    res = subprocess.run([sys.executable, "-m", "commdx", *args], capture_output=True, text=True,
                         encoding="utf-8", env=env, cwd=cwd, timeout=1200)
    assert res.returncode in (0, 1), f"commdx {' '.join(args)}: exit {res.returncode}\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("calendar")
    cli("synth", "--places", "vietnam:32167", "--households", "400", "--start", START, "--out", "data", cwd=work)
    return work / "data"


def test_the_folder_carries_its_calendar(data):
    cal = json.loads((data / "calendar.json").read_text(encoding="utf-8"))
    assert cal["start"] == START and cal["deadline"] == "2026-02-04"
    assert cal["period"] == PERIOD
    assert cal == commdx.synth.folder_calendar(data)
    visits = pd.to_datetime(pd.read_csv(data / "visits.csv")["date"])
    assert visits.min() >= pd.Timestamp(cal["first_visit"]) and visits.max() <= pd.Timestamp(cal["last_visit"])


def test_the_default_folder_carries_the_directives_calendar(tmp_path):
    commdx.synth.write(tmp_path / "d", households=300, seed=1)
    cal = commdx.synth.folder_calendar(tmp_path / "d")
    assert cal["start"] == "2022-06-20" and cal["deadline"] == "2022-07-20"
    assert cal["period"] == {"start": "2022-07-21", "end": "2022-12-31"}  # campaigns.json's own


def test_report_plan_and_teams_take_the_folders_deadline(data):
    work = data.parent
    month = str(pd.to_datetime(pd.read_csv(data / "visits.csv")["date"]).max())[:7]
    cli("report", "--month", month, "--data", "data", "--lang", "en", "--out", "rep", cwd=work)
    rep = json.loads(next((work / "rep").glob("report-*.json")).read_text(encoding="utf-8"))
    assert rep["teams"]["deadline"] == "2026-02-04"
    assert rep["teams"]["deadline_override"] == {"deadline": "2026-02-04", "rules_deadline": "2022-07-20"}
    # an explicit --deadline still wins
    cli("report", "--month", month, "--data", "data", "--deadline", "2026-03-01", "--out", "rep2", cwd=work)
    rep2 = json.loads(next((work / "rep2").glob("report-*.json")).read_text(encoding="utf-8"))
    assert rep2["teams"]["deadline"] == "2026-03-01"

    res = cli("teams", "check", "data/teams.json", "--places", "data/places.csv", "--format", "json", "--lang", "en",
              cwd=work)
    out = json.loads(res.stdout)
    assert out["deadline"] == "2026-02-04" and out["rules_deadline"] == "2022-07-20"
    assert "calendar.json" in res.stderr
    # judged by 2026-02-04, not by 2022's deadline that every team of 2026 misses
    old = json.loads(cli("teams", "check", "data/teams.json", "--places", "data/places.csv", "--format", "json",
                         "--deadline", "2022-07-20", cwd=work).stdout)
    late = lambda r: sum(f["rule"] == "T5.late" for f in r["findings"])  # noqa: E731
    assert late(old) >= 2 and late(out) < late(old)

    cli("plan", "--households", "data/households.csv", "--roster", "data/teams.json", "--with-names",
        "--out", "plan", cwd=work)
    plan = json.loads((work / "plan" / "plan.json").read_text(encoding="utf-8"))
    assert (plan["start"], plan["deadline"]) == (PERIOD["start"], PERIOD["end"])


def test_demo_runs_on_the_calendar_of_its_start(tmp_path):
    cli("demo", "--places", "vietnam:32167", "--households", "400", "--start", START, "--seed", "2",
        "--out", "demo", "--key-store", str(tmp_path / "keys"), cwd=tmp_path)
    demo = tmp_path / "demo"
    assert commdx.synth.folder_calendar(demo / "data")["start"] == START
    plan = json.loads((demo / "plan" / "plan.json").read_text(encoding="utf-8"))
    assert (plan["start"], plan["deadline"]) == (PERIOD["start"], PERIOD["end"])
    rep = json.loads(next((demo / "reports").glob("report-*.json")).read_text(encoding="utf-8"))
    assert rep["teams"]["deadline"] == "2026-02-04"
