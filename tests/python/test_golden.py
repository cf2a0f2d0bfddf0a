"""The safety net of the pipeline refactor (issue 12): ``commdx demo`` on a small example city

(a) is deterministic: two runs with the same inputs, seed and pseudonym key write the same bytes
    in every output file, except
    - ``manifest.json`` files (they record the time of the run and the output folder's path);
    - XLSX files are compared member by member without ``docProps/core.xml`` (openpyxl stamps the
      time of writing there); every sheet's XML must be equal;
    (the plan and the reports are compared too: the planner's budgets count work, not seconds,
    so two runs on differently loaded machines stop at the same plan; PLAN_IS_DETERMINISTIC)
(b) matches golden outputs checked in under ``tests/data/golden/`` (CSV/JSON only, the files of
    ``GOLDEN``). After a change that is meant to change results, regenerate them with

        COMMDX_UPDATE_GOLDEN=1 python -m pytest tests/python/test_golden.py

    and review ``git diff tests/data/golden/`` (every changed number is in the diff) before
    committing them.

The pseudonym key is a fixed test key written into a fresh key store (pseudonyms enter the plan
and the report), so that the outputs are the same on every machine.
"""
from __future__ import annotations

import contextlib
import difflib
import io
import os
import zipfile
from pathlib import Path

import pytest

from commdx import keys
from commdx.cli import main

HOUSEHOLDS, SEED = "2000", "5"
GOLDEN_DIR = Path(__file__).resolve().parents[1] / "data" / "golden" / "demo"
UPDATE = os.environ.get("COMMDX_UPDATE_GOLDEN") == "1"

# the outputs that go through the plan (its visit lists, and the report's progress against it)
PLAN_DEPENDENT = ("plan/", "reports/")
PLAN_IS_DETERMINISTIC = True

# small, text, and together they cover every stage: the city's files, team check and coverage,
# indicators (both rounds), scores, classes and access segments; the plan's and the report's
# files join when PLAN_IS_DETERMINISTIC
GOLDEN = (
    "data/places.csv",
    "teams/findings.csv",
    "teams/coverage-wards.csv",
    "teams/coverage-neighbourhoods.csv",
    "survey/design.csv",
    "indicators/indicators-baseline.csv",
    "indicators/indicators-followup.csv",
    "scores/scores-baseline.csv",
    "scores/scores-now.csv",
    "classify/classes.csv",
    "classify/access-groups.csv",
)
GOLDEN_PLAN_DEPENDENT = ("plan/indicators.csv", "plan/gaps.csv", "plan/steps.csv",
                         # the month's report of one ward (Phường 1): every computed figure of a
                         # ward's report, the way the JSON publishes it (the city's is 440 kB;
                         # the determinism test compares it)
                         "reports/wards/report-26506-2022-10.json")

# the indicator files keep their city and ward rows in the golden copy (the neighbourhood and
# group rows make them megabytes; the determinism test still compares every row)
GOLDEN_LEVELS = ("city,", "ward,")


def _golden_text(rel: str, text: str) -> str:
    if not rel.startswith("indicators/"):
        return text
    lines = text.splitlines(True)
    return "".join(lines[:1] + [ln for ln in lines[1:] if ln.startswith(GOLDEN_LEVELS)])


# a fixed key, for tests only: the demo's pseudonyms must not depend on a random key
TEST_KEY = bytes(range(32))


def _key_store(root: Path) -> Path:
    store = root / "keys"
    store.mkdir(mode=0o700)
    path = keys.key_path("747", store)  # the example city's code
    path.write_text(f"ward=747\ncreated=test\nkey={TEST_KEY.hex()}\n", encoding="ascii")
    path.chmod(0o600)
    return store


def _demo(root: Path) -> Path:
    out = root / "out"
    store = _key_store(root)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        status = main(["demo", "--out", str(out), "--households", HOUSEHOLDS, "--seed", SEED, "--lang", "en",
                       "--key-store", str(store)])
    assert status == 0, buf.getvalue()
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _demo(tmp_path_factory.mktemp("run1")), _demo(tmp_path_factory.mktemp("run2"))


def _files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def _content(path: Path) -> object:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in sorted(z.namelist()) if n != "docProps/core.xml"}
    return path.read_bytes()


def _plan_dependent(rel: str) -> bool:
    return rel.startswith(PLAN_DEPENDENT)


def test_the_same_files_are_written(runs) -> None:
    a, b = runs
    assert _files(a) == _files(b)
    assert len(_files(a)) > 100  # the city, every stage, 17 ward reports, a sheet per member


def test_same_inputs_and_seed_give_the_same_bytes(runs) -> None:
    a, b = runs
    compared, differ = 0, []
    for rel in _files(a):
        if Path(rel).name == "manifest.json" or (_plan_dependent(rel) and not PLAN_IS_DETERMINISTIC):
            continue
        compared += 1
        if _content(a / rel) != _content(b / rel):
            differ.append(rel)
    assert not differ, f"{len(differ)} of {compared} files differ between two runs: {differ[:10]}"
    assert compared >= 20


def test_plan_dependent_files_are_the_listed_ones(runs) -> None:
    # every output folder is either compared above or named in PLAN_DEPENDENT: nothing falls out
    a, _ = runs
    tops = {rel.split("/")[0] + "/" for rel in _files(a) if "/" in rel}
    assert tops == {"data/", "teams/", "survey/", "indicators/", "scores/", "classify/"} | set(PLAN_DEPENDENT)


def _golden_names() -> tuple[str, ...]:
    return GOLDEN + (GOLDEN_PLAN_DEPENDENT if PLAN_IS_DETERMINISTIC else ())


@pytest.mark.parametrize("rel", _golden_names())
def test_golden_output(runs, rel: str) -> None:
    got = _golden_text(rel, (runs[0] / rel).read_text("utf-8"))
    golden = GOLDEN_DIR / rel
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, "utf-8", newline="")
    assert golden.is_file(), f"no golden file {golden}: run with COMMDX_UPDATE_GOLDEN=1 and review the diff"
    want = golden.read_text("utf-8")
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                 f"golden/{rel}", f"demo/{rel}", n=0))[:40])
        pytest.fail(f"{rel} differs from its golden copy (first lines of the diff):\n{diff}")


def test_golden_files_stay_small() -> None:
    sizes = {p: p.stat().st_size for p in GOLDEN_DIR.rglob("*") if p.is_file()}
    assert sizes and sum(sizes.values()) < 600_000, sizes
