"""The README's main job, ``commdx demo``, end to end on a small example city: every step runs,
the outputs open (the HTML parses, the XLSX files load, the JSON reads) and the report shows the
adoption the follow-up round built in."""
from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from commdx.cli import main


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in ("meta", "img", "br", "link"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str, str]:
    """The demo's status, output folder, stdout + stderr, and stderr alone (captured: not a terminal)."""
    out = tmp_path_factory.mktemp("demo")
    store = tmp_path_factory.mktemp("demo-keys")  # the key store lies outside the output folder
    import contextlib
    import io

    buf, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
        status = main(["demo", "--out", str(out), "--households", "2000", "--seed", "3", "--lang", "en",
                       "--key-store", str(store)])
    return status, out, buf.getvalue() + err.getvalue(), err.getvalue()


def test_demo_runs_every_step(demo) -> None:
    status, out, text, _ = demo
    assert status == 0, text
    assert "Outputs in" in text and "7/7" in text
    for sub in ("data", "teams", "indicators", "scores", "classify", "plan", "reports"):
        assert (out / sub).is_dir(), sub


def test_outputs_open(demo) -> None:
    _, out, _, _ = demo
    reports = out / "reports"
    html_files = sorted(reports.glob("*.html")) + sorted((reports / "wards").glob("*.html"))
    assert len(html_files) == 18  # the city and its 17 wards
    for path in html_files:
        p = _Tags()
        p.feed(path.read_text("utf-8"))
        p.close()
        assert p.tags.get("table", 0) >= 3 and p.tags.get("img", 0) >= 2 and not p.open
    xlsx = list(out.rglob("*.xlsx"))
    assert any(x.parent.name == "members" for x in xlsx) and any(x.name.startswith("report-") for x in xlsx)
    for path in xlsx[:20] + [x for x in xlsx if x.name.startswith(("report-", "indicators", "classes"))]:
        wb = load_workbook(path, read_only=True)
        assert wb.sheetnames
        wb.close()


def test_city_report_shows_the_follow_up_adoption(demo) -> None:
    _, out, _, _ = demo
    report = json.loads(next((out / "reports").glob("report-*.json")).read_text("utf-8"))
    ind = {r["variable"]: r for r in report["indicators"]}
    bank = ind["households_bank_account"]
    assert bank["now"] > bank["baseline"] and bank["significant_baseline"] is True
    # indicators the synthetic outreach never touches do not move, and are not flagged
    untouched = ind["pay_online_water"]
    if untouched["suppression"] == "published":
        assert untouched["change_baseline"] == 0 and untouched["significant_baseline"] is False
    else:  # the city's figure hidden by disclosure control (hidden wards of unequal weights): nothing of it shown
        assert untouched["change_baseline"] is None and untouched["now"] is None, untouched
    assert report["class_and_scores"]["scores"]["now"]
    assert report["nominations"]["criterion"]


def test_demo_keeps_its_pseudonym_key_outside_the_outputs_and_says_where(demo) -> None:
    import re

    import pandas as pd

    import commdx

    _, out, text, _ = demo
    m = re.search(r"Pseudonym key of the example city \(747\), created now, kept outside the outputs: "
                  r"(\S+) \(fingerprint ([0-9a-f-]{19})\)", text)
    assert m, text
    path = Path(m.group(1))
    key = commdx.keys.load_file(path)
    assert out.resolve() not in path.resolve().parents and commdx.keys.fingerprint(key) == m.group(2)
    for p in out.rglob("*"):
        if p.is_file():
            b = p.read_bytes()
            assert key not in b and key.hex().encode() not in b, p
    # the plan's pseudonyms are the HMACs of the city's households and businesses under that key
    ids = pd.concat([pd.read_csv(out / "data" / "households.csv", dtype=str, usecols=["household_id"])["household_id"],
                     pd.read_csv(out / "data" / "businesses.csv", dtype=str, usecols=["business_id"])["business_id"]])
    shown = set(pd.read_csv(out / "plan" / "visits.csv", dtype=str)["unit_id"])
    assert shown and shown <= {commdx._core._plan_pseudonym(key, i) for i in ids}


def test_no_date_is_written_in_the_python_package() -> None:
    # Issue 12: each default once, in data. The demo's survey days, its plan's period and the
    # report's T5 deadline come from team-rules.json, campaigns.json and synth-calibration.json;
    # a date literal in the package would be a second copy that a city's file cannot change.
    import re

    import commdx
    from commdx.commands import demo as demo_cmd
    from commdx.io.json import shipped_json
    from commdx.synth import calibration

    pkg = Path(commdx.__file__).parent
    dated = [f"{p.relative_to(pkg)}:{i}" for p in sorted(pkg.rglob("*.py"))
             for i, line in enumerate(p.read_text("utf-8").splitlines(), start=1)
             if re.search(r"\b20\d\d-[01]\d-[0-3]\d\b", line)]
    assert not dated, dated
    rules, cal = shipped_json("team-rules.json"), calibration()
    assert demo_cmd._survey_days(commdx.synth.calendar()) == (rules["deadline"], "2022-11-01")
    assert cal["outreach"]["last_visit"] == "2022-10-31"


def test_demo_fields_its_survey_through_the_chain(demo) -> None:
    """The demo's survey is sized, selected and calibrated by the library (issue 14): the sample
    file's households are the city's (pseudonyms of its key), every drawn group is visited whole,
    the calibrated weights meet the households and residents of every ward in the household list,
    and the city's estimate is the calibrated weighted mean of the selected households' answers."""
    import re

    import numpy as np
    import pandas as pd

    import commdx
    from commdx.io.json import shipped_json

    _, out, text, _ = demo
    key = commdx.keys.load_file(Path(re.search(r"kept outside the outputs: (\S+) ", text).group(1)))
    cfg = shipped_json("survey-design.json")
    households = pd.read_csv(out / "data" / "households.csv", dtype={"household_id": str, "ward_code": str,
                                                                    "group_code": str})
    real = {commdx._core._plan_pseudonym(key, h): h for h in households["household_id"]}
    sample = pd.read_csv(out / "survey" / "sample.csv", dtype={"household_id": str, "ward_code": str,
                                                             "group_code": str, "stratum": str, "psu": str})
    sample["real"] = sample["household_id"].map(real)
    assert sample["real"].notna().all() and sample["real"].is_unique
    # the size: Cochran's n per ward at the shipped margin, summed (docs/sampling.md), by hand
    design = pd.read_csv(out / "survey" / "design.csv", dtype={"ward_code": str})
    n0 = 1.959963984540054 ** 2 * cfg["p"] * (1 - cfg["p"]) / cfg["margin"] ** 2 * cfg["deff"]
    sizes = households.groupby("ward_code").size()
    assert design["n"].sum() == sum(math.ceil(n0 / (1 + (n0 - 1) / N)) for N in sizes)
    assert (design["allocated"] >= cfg["allocation"]["minimum"]).all()
    # whole groups drawn: every household of a drawn group is in the sample, and no other
    drawn = set(sample["group_code"])
    assert set(sample["real"]) == set(households.loc[households["group_code"].isin(drawn), "household_id"])
    assert 0 < len(drawn) < households["group_code"].nunique()
    by_ward = sample.groupby("ward_code")["group_code"].nunique()
    assert (by_ward == design.set_index("ward_code")["groups"]).all()
    # calibrated: the households and the residents of every ward
    answers = households.set_index("household_id").loc[sample["real"]].reset_index()
    w = sample["weight_calibrated"].to_numpy()
    np.testing.assert_allclose(pd.Series(w).groupby(sample["ward_code"]).sum().sort_index(), sizes.sort_index(),
                               rtol=1e-9)
    residents = pd.Series(w * answers["members"].to_numpy()).groupby(sample["ward_code"]).sum().sort_index()
    np.testing.assert_allclose(residents, households.groupby("ward_code")["members"].sum().sort_index(), rtol=1e-9)
    # the design weights are not already calibrated to the residents: calibration did something
    design_residents = (sample["weight"] * answers["members"]).groupby(sample["ward_code"]).sum().sort_index()
    assert not np.allclose(design_residents, residents, rtol=1e-6)
    # the indicators are the calibrated sample's: the city's share of households with an account
    est = pd.read_csv(out / "indicators" / "indicators-baseline.csv", dtype={"unit": str})
    city = est[(est["level"] == "city") & (est["indicator"] == "households_bank_account")]["estimate"].iloc[0]
    assert city == pytest.approx(float((w * answers["bank_account"]).sum() / w.sum()), rel=1e-12)
    # one visit list per drawn group
    lists = list((out / "survey" / "visit-lists").rglob("*.xlsx"))
    assert len(lists) == len(drawn)


# ---- progress on stderr (issue 17) -----------------------------------------------------------

STEPS = ["generating the example city", "checking the teams", "estimating the indicators", "scoring",
         "classifying areas", "planning the outreach", "writing the monthly reports"]


def test_demo_progress_is_plain_lines_when_stderr_is_not_a_terminal(demo) -> None:
    """Captured (a pipe, a CI log): one line per step in order, and one for each long loop inside
    the plan and report steps with its count, no carriage return and no cursor movement; the
    counts are those of the files the loops wrote."""
    status, out, text, err = demo
    assert status == 0, text
    assert "\r" not in err and "\x1b" not in err, repr(err[:500])
    sheets = len(list((out / "plan" / "members").glob("*.xlsx")))
    reports = len(list((out / "reports").glob("report-*.html"))) + len(list((out / "reports" / "wards").glob("*.html")))
    assert sheets > 10 and reports == 18  # the city and its 17 wards
    plan, report = "[6/7] planning the outreach", "[7/7] writing the monthly reports"
    expected = [f"[{i}/7] {label}" for i, label in enumerate(STEPS[:6], start=1)]
    expected += [f"{plan}: member sheets, {sheets}", report, f"{report}: reports (the city, the wards), {reports}",
                 f"{report}: writing the reports' files, {reports}"]
    if list((out / "reports").glob("report-*.pdf")):  # LibreOffice found: the PDFs, in one run
        expected.append(f"{report}: PDF (LibreOffice)")
    assert err.splitlines() == expected
    # stdout is the results alone
    stdout = text[:len(text) - len(err)]
    assert stdout.startswith("Outputs in ") and "[1/7]" not in stdout and "\r" not in stdout


def _on_a_terminal(argv: list[str], columns: int = 100) -> tuple[int, str, str]:
    """``python -m commdx ARGV`` with stderr on a pseudo-terminal of ``columns`` columns (stdout a
    pipe): exit status, what the terminal received, stdout."""
    import fcntl
    import os
    import struct
    import subprocess
    import sys
    import termios
    import threading

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    p = subprocess.Popen([sys.executable, "-m", "commdx", *argv], stdout=subprocess.PIPE, stderr=slave,
                         env=os.environ.copy())
    os.close(slave)
    received = bytearray()

    def read() -> None:  # drained as it comes: a full terminal buffer would block the demo
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    stdout, _ = p.communicate(timeout=600)  # a bound for a hung process only, not a measurement
    reader.join()
    os.close(master)
    return p.returncode, received.decode("utf-8"), stdout.decode("utf-8")


def test_demo_progress_is_a_redrawn_bar_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal: tqdm's bars, redrawn in place (carriage returns not ending a line), the step
    bar ending full on the last step, the member sheets counted under it; none of the plain lines;
    stdout unchanged (a pipe here, as a user's `> file` would be)."""
    import re

    out = tmp_path / "demo"
    status, screen, stdout = _on_a_terminal(["demo", "--out", str(out), "--households", "2000", "--seed", "3",
                                             "--lang", "en", "--key-store", str(tmp_path / "keys")])
    assert status == 0, screen + stdout
    # the terminal turns "\n" into "\r\n": a redraw is a "\r" that does not end a line
    redraws = re.findall(r"\r(?!\n)", screen)
    assert len(redraws) >= 7, repr(screen[:2000])
    for i, label in enumerate(STEPS, start=1):
        assert f"\r[{i}/7] {label} |" in screen, label
    assert re.search(r"\r\[7/7\] writing the monthly reports \|█{20}\| \d\d:\d\d", screen), repr(screen[-500:])
    sheets = len(list((out / "plan" / "members").glob("*.xlsx")))
    counts = [int(n) for n in re.findall(rf"\r  member sheets (\d+)/{sheets} \|", screen)]
    assert counts and counts == sorted(counts) and counts[0] == 0, counts
    assert "\x1b[A" in screen  # the inner bar drawn on the line under the step bar, the cursor moved back
    assert not re.search(r"^\[\d/7\] [^|\r\n]*\r?$", screen, re.M), "plain lines on a terminal"
    assert stdout.startswith("Outputs in ") and "\r" not in stdout and "[1/7]" not in stdout


def test_progress_draws_on_a_terminal_that_reports_no_size() -> None:
    """A pty nobody sized (0 × 0: some containers and editors' shells) is still a terminal: tqdm
    left to itself draws nothing there (0 columns, -1 rows), commdx.progress gives it 80 × 24."""
    import os

    from commdx.progress import Steps

    master, slave = os.openpty()
    assert tuple(os.get_terminal_size(slave)) == (0, 0)
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        steps = Steps(2, stream=terminal)
        for label in ("one", "two"):
            steps.begin(label)
            steps.end()
        steps.close()
    screen = os.read(master, 65536).decode("utf-8")
    os.close(master)
    assert "\r[1/2] one |" in screen and "\r[2/2] two |" + "█" * 20 + "|" in screen, repr(screen)
