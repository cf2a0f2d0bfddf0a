"""Same input, same output: the planner's budgets count work, not seconds, so a plan made on one
throttled core beside a busy loop is the same bytes as one made on an unrestricted machine.

Before this test the solver stopped on wall-clock budgets (improve_seconds, bound_seconds): a slow
or loaded machine stopped the local improvement earlier and handed a ward a different plan."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import commdx

CHILD = r"""
import hashlib, json, sys
import pandas as pd
import commdx
from commdx.io.json import read_json
from commdx.plan import plan_outreach
d = sys.argv[1]
text = {c: str for c in ("household_id", "business_id", "ward_code", "neighbourhood_code", "group_code",
                         "stratum", "psu", "member_id")}
hh = pd.read_csv(f"{d}/households.csv", dtype=text, keep_default_na=False, na_values=[""])
biz = pd.read_csv(f"{d}/businesses.csv", dtype=text, keep_default_na=False, na_values=[""])
p = plan_outreach(hh, read_json(f"{d}/teams.json"), "2022-07-21", "2022-12-31", businesses=biz,
                  places=commdx.Places.from_file(f"{d}/places.csv"), key=b"determinism-test-key-32-bytes!!")
js = json.dumps(p.to_json(), sort_keys=True, default=str)
print(hashlib.sha256(js.encode()).hexdigest(), p.summary["objective"], len(p.visits))
"""


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("city")
    # big enough that the local improvement runs out of budget (and, before, out of seconds)
    commdx.synth.write(d, households=8000, seed=11)
    return d


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(commdx.__file__).parent.parent), env.get("PYTHONPATH")]))
    env["OMP_NUM_THREADS"] = "1"
    return env


def _plan(city: Path, *prefix: str) -> str:
    r = subprocess.run([*prefix, sys.executable, "-c", CHILD, str(city)], capture_output=True, text=True,
                       env=_env(), timeout=900)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_plan_bytes_do_not_depend_on_the_machines_speed(city: Path):
    assert shutil.which("taskset"), "taskset (util-linux) is needed to throttle the run"
    free = _plan(city)
    # one core shared with a busy loop: the plan gets about half of it, and no second core
    busy = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-c", "while True: pass"])
    try:
        throttled = _plan(city, "taskset", "-c", "0", "nice", "-n", "5")
    finally:
        busy.kill()
        busy.wait()
    digest, objective, visits = free.split()
    assert float(objective) > 0 and int(visits) > 0
    assert throttled == free
