"""Atomic outputs (issue 11): Ctrl-C and a full disk during ``synth``, ``plan``, ``report`` and
``demo`` leave the previous complete output or nothing that looks complete; a manifest (files,
sizes, SHA-256, command, inputs) is written last, is the same for the same input, and
``commdx verify`` detects a truncated or edited file.

Real subprocesses on real files. SIGINT is sent once the command's temporary folder has appeared
(polled), a full disk is a file-size limit (RLIMIT_FSIZE with SIGXFSZ ignored, so write() fails
with EFBIG) and, where ``mount -t tmpfs`` is permitted (root in CI), a 256 KiB tmpfs (ENOSPC).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from commdx.io.output import MANIFEST, atomic_directory, atomic_file, verify
from commdx.keys import key_path as keys_path

COMMANDS = ("synth", "plan", "report", "demo")
WARD = "26506"  # Phường 1 of the example city: plan and report one ward, to stay fast


def _commdx(*args: str, cwd: Path | None = None, fsize: int | None = None,
            popen: bool = False) -> subprocess.CompletedProcess | subprocess.Popen:
    def limit() -> None:
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    cmd = [sys.executable, "-m", "commdx", *args]
    kw = dict(cwd=cwd, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
              preexec_fn=limit)
    if popen:
        return subprocess.Popen(cmd, **kw)
    return subprocess.run(cmd, **kw, timeout=300)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small example city, the input of plan and report."""
    d = tmp_path_factory.mktemp("city") / "data"
    r = _commdx("synth", "--households", "3000", "--seed", "1", "--out", str(d))
    assert r.returncode == 0, r.stderr
    return d


def _args(command: str, city: Path, out: Path, variant: int = 0) -> list[str]:
    """Arguments of a small run of ``command`` writing to ``out``; ``variant`` changes the content.
    Variant 0 of synth is the ``city`` fixture itself."""
    if command == "synth":
        return ["synth", "--households", ["3000", "20000"][variant], "--seed", "1", "--out", str(out)]
    if command == "plan":
        store = city.parent / "keys"  # outside every output folder, the same key for every run
        if not (store / f"{WARD}.key").exists():
            from commdx import keys

            keys.create(WARD, store)
        return ["plan", "--households", str(city / "households.csv"), "--roster", str(city / "teams.json"),
                "--places", str(city / "places.csv"), "--ward", WARD, "--from", "2022-07-21",
                "--until", ["2022-08-16", "2022-08-31"][variant], "--key-file", str(keys_path(WARD, store)), "--out", str(out)]
    if command == "report":
        return ["report", "--month", "2022-10", "--data", str(city), "--ward", WARD,
                "--lang", ["vi", "en"][variant], "--out", str(out)]
    return ["demo", "--households", "2000", "--seed", str(3 + variant), "--out", str(out)]


@pytest.fixture(scope="module")
def previous(city: Path, tmp_path_factory: pytest.TempPathFactory):
    """A complete earlier output of each command (variant 0), made once and copied per test."""
    made: dict[str, Path] = {"synth": city}

    def copy(command: str, to: Path) -> bytes:
        if command not in made:
            out = tmp_path_factory.mktemp(f"previous-{command}") / "out"
            r = _commdx(*_args(command, city, out))
            assert r.returncode == 0, r.stderr
            made[command] = out
        shutil.copytree(made[command], to)
        return _manifest(command, to).read_bytes()

    return copy


def _manifest(command: str, out: Path) -> Path:
    """The manifest of the output: the folder's, or (report) the month's report set's."""
    if command == "report":
        return next(out.glob("report-*-2022-10.manifest.json"), out / "report-(none).manifest.json")
    return out / MANIFEST


def _leftovers(parent: Path) -> list[str]:
    return sorted(str(p) for p in parent.rglob("*") if ".part-" in p.name or ".old-" in p.name)


def _one_line(stderr: str) -> str:
    """The one line of stderr, the demo's progress lines (``[3/7] step``: stderr is a pipe here,
    commdx.progress) set aside."""
    assert "Traceback" not in stderr and "\r" not in stderr, stderr
    lines = [line.strip() for line in stderr.split("\n")]
    lines = [line for line in lines if line and not re.match(r"\[\d+/\d+\] ", line)]
    assert len(lines) == 1, stderr
    return lines[0]


def _temp_folder(parent: Path) -> bool:
    return any(".part-" in p.name for p in (parent.iterdir() if parent.is_dir() else ()))


# ---- a clean run: the manifest ----------------------------------------------------------------

def test_clean_runs_give_the_same_manifest_and_it_lists_every_file(city: Path, tmp_path: Path) -> None:
    again = tmp_path / "data"
    r = _commdx(*_args("synth", city, again))
    assert r.returncode == 0, r.stderr
    a, b = json.loads((city / MANIFEST).read_text("utf-8")), json.loads((again / MANIFEST).read_text("utf-8"))
    # same input -> same manifest, but for the --out path it records
    assert a["command"][-1] == str(city) and b["command"][-1] == str(again)
    a["command"].pop(), b["command"].pop()
    assert a == b
    listed = {f["path"]: f for f in a["files"]}
    on_disk = sorted(p.name for p in city.iterdir() if p.name != MANIFEST)
    assert sorted(listed) == on_disk and {"households.csv", "teams.json", "places.csv"} <= set(listed)
    assert listed["households.csv"]["sha256"] == hashlib.sha256((city / "households.csv").read_bytes()).hexdigest()
    assert listed["households.csv"]["size"] == (city / "households.csv").stat().st_size
    assert a["command"][:2] == ["commdx", "synth"] and a["commdx_version"] and a["inputs"] == []
    assert verify(city) == [] and _leftovers(tmp_path) == []


def test_plan_and_report_manifests_hash_their_inputs(city: Path, tmp_path: Path, previous) -> None:
    for command in ("plan", "report"):
        out = tmp_path / command
        m = json.loads(previous(command, out))
        inputs = {Path(i["path"]).name: i["sha256"] for i in m["inputs"]}
        assert inputs["places.csv"] == hashlib.sha256((city / "places.csv").read_bytes()).hexdigest()
        assert "teams.json" in inputs and verify(_manifest(command, out)) == []
        if command == "plan":  # every member sheet is listed: a plan missing sheets does not verify
            sheets = [f for f in m["files"] if f["path"].startswith("members/")]
            assert len(sheets) == len(list((out / "members").glob("*.xlsx"))) > 10
            (out / "members" / Path(sheets[0]["path"]).name).unlink()
            assert len(verify(out)) == 1
        else:  # the report set's files: JSON, Markdown, HTML, the charts, XLSX, DOCX and its PDF
            names = {Path(f["path"]).suffix for f in m["files"]}
            assert names == {".json", ".md", ".html", ".png", ".xlsx", ".docx", ".pdf"}


# ---- verification detects damage ----------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "edit", "delete", "add", "no-manifest", "bad-manifest"])
def test_verify_detects_damage(city: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "data"
    shutil.copytree(city, out)
    assert verify(out) == []
    target = out / "households.csv"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:-100])
    elif damage == "edit":  # same size, one byte changed
        data = bytearray(target.read_bytes())
        data[500] = ord("9") if data[500] != ord("9") else ord("8")
        target.write_bytes(bytes(data))
    elif damage == "delete":
        target.unlink()
    elif damage == "add":
        (out / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    elif damage == "no-manifest":
        (out / MANIFEST).unlink()
    else:
        (out / MANIFEST).write_text((out / MANIFEST).read_text("utf-8")[:50], encoding="utf-8")
    problems = verify(out)
    assert len(problems) == 1, problems
    expected = {"truncate": "households.csv", "edit": "households.csv", "delete": "households.csv",
                "add": "extra.csv", "no-manifest": "manifest", "bad-manifest": "manifest"}[damage]
    assert expected in problems[0]
    if damage == "truncate":  # the command, once: exit 1 with the problem, 0 when intact, 2 on no folder
        r = _commdx("verify", str(out), "--lang", "en")
        assert r.returncode == 1 and expected in r.stdout and "size" in r.stdout and not r.stderr
        assert _commdx("verify", str(city)).returncode == 0
        r = _commdx("verify", str(tmp_path / "nowhere"))
        assert r.returncode == 2 and "nowhere" in _one_line(r.stderr)


# ---- Ctrl-C -------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_sigint_leaves_the_previous_output_or_nothing(city: Path, tmp_path: Path, previous, command: str) -> None:
    out = tmp_path / "out"
    # the demo is the slow one: interrupt its first run (no earlier output: none must appear)
    before = None if command == "demo" else previous(command, out)
    watch = out if command == "report" else tmp_path  # report's temporary folder is inside --out
    p = _commdx(*_args(command, city, out, variant=1), popen=True)
    while not _temp_folder(watch) and p.poll() is None:
        time.sleep(0.002)
    assert p.poll() is None, "the command ended before it started writing"
    p.send_signal(signal.SIGINT)
    _, stderr = p.communicate(timeout=300)
    assert p.returncode == 130, stderr
    assert "Ctrl+C" in _one_line(stderr)
    assert _leftovers(tmp_path) == []
    if before is None:
        assert not out.exists()
        return
    now = _manifest(command, out).read_bytes()
    assert verify(_manifest(command, out)) == []
    print(f"SIGINT during {command}: {'the previous output kept' if now == before else 'the new one committed'}")
    if now != before:
        # the signal came while the new output was being committed (signals are held then, and
        # delivered after): then the new output must be complete, as a clean run writes it
        clean = tmp_path / "clean" / out.name
        assert _commdx(*_args(command, city, clean, variant=1)).returncode == 0
        assert json.loads(now)["files"] == json.loads(_manifest(command, clean).read_bytes())["files"]


# ---- Ctrl-C inside a long C++ call ----------------------------------------------------------------
# The C++ core's long loops check for an interrupt every so often (include/commdx/detail/interrupt.hpp;
# the bindings' hook runs Python's signal handlers): Ctrl-C stops the call itself, not only the
# Python code after it. The command runs under a launcher that wraps the one long call of the
# command and notes, in files, that the call was entered and how it ended: "raised" (stopped from
# inside) or "returned" (it ran to its end). No timing is assumed: the signal goes once the call has
# been entered, and the call is long (seconds) on any machine.

_WATCH = """
import sys
from pathlib import Path
from commdx import _core, cli
marks, name = Path(sys.argv[1]), sys.argv[2]
owner = _core
for part in name.split(".")[:-1]:  # a method: "_CompositeIndex._uncertainty"
    owner = getattr(owner, part)
name = name.split(".")[-1]
real = getattr(owner, name)
def watched(*args, **kwargs):
    (marks / "entered").touch()
    try:
        result = real(*args, **kwargs)
    except BaseException as exc:
        (marks / ("raised " + type(exc).__name__)).touch()
        raise
    (marks / "returned").touch()
    return result
setattr(owner, name, watched)
sys.exit(cli.main(sys.argv[3:]))
"""


@pytest.fixture(scope="module")
def bigger_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An example city whose plan takes its C++ core seconds (10,000 households, every ward), with
    the estimates that ``score`` reads."""
    d = tmp_path_factory.mktemp("bigger") / "data"
    r = _commdx("synth", "--households", "10000", "--seed", "2", "--out", str(d))
    assert r.returncode == 0, r.stderr
    r = _commdx("indicators", str(d / "sample_households.csv"), "--places", str(d / "places.csv"), "--businesses",
                str(d / "businesses.csv"), "-o", str(d.parent / "estimates.csv"))
    assert r.returncode == 0, r.stderr
    return d


def _long_call(command: str, city: Path, out: Path) -> tuple[str, list[str]]:
    """The C++ call that does a command's work, and arguments that make it last seconds."""
    if command == "plan":
        return "_plan_outreach", ["plan", "--households", str(city / "households.csv"), "--roster",
                                  str(city / "teams.json"), "--with-names", "--from", "2022-07-21",
                                  "--until", "2022-08-31", "--out", str(out)]
    if command == "score":  # Monte Carlo draws of the composite index for every residential group
        return "_CompositeIndex._uncertainty", ["score", str(city.parent / "estimates.csv"), "--config", "adoption",
                                                "--level", "residential_group", "--draws", "20000", "-o", str(out)]
    return "_synth_write", ["synth", "--households", "1000000", "--seed", "3", "--out", str(out)]


@pytest.mark.parametrize("command", ["plan", "score", "synth"])
def test_sigint_inside_the_cpp_call_stops_it_there(bigger_city: Path, tmp_path: Path, command: str) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    name, argv = _long_call(command, bigger_city, out)
    p = subprocess.Popen([sys.executable, "-c", _WATCH, str(marks), name, *argv], env=os.environ.copy(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not (marks / "entered").exists() and p.poll() is None:
        time.sleep(0.002)
    assert p.poll() is None, p.communicate()
    p.send_signal(signal.SIGINT)
    _, stderr = p.communicate(timeout=300)  # a bound for a hung process only, not a measurement
    ended = sorted(m.name for m in marks.iterdir())
    # stopped inside the C++ call: without the checks the call ran to its end (seconds later) and
    # returned, and the KeyboardInterrupt came after it
    assert ended == ["entered", "raised KeyboardInterrupt"], (ended, stderr)
    assert p.returncode == 130, stderr
    assert "Ctrl+C" in _one_line(stderr)  # one line, no traceback
    assert not out.exists() and _leftovers(tmp_path) == []  # nothing that looks complete, no temporary folder


def test_an_interrupted_cpp_call_leaves_the_next_call_unchanged(city: Path, bigger_city: Path) -> None:
    """In process: Ctrl-C inside the plan's C++ call raises KeyboardInterrupt from it; the next
    call runs (the core's stop flag is cleared) and gives the plan an uninterrupted call gives."""
    import threading

    import commdx
    from commdx import _core
    from commdx.io import tables

    def plan_of(data: Path, ward: str = ""):
        households = tables.read_table(str(data / "households.csv"), text=("household_id", "ward_code",
                                       "neighbourhood_code", "group_code"))
        return commdx.plan_outreach(households, commdx.read_roster(str(data / "teams.json")), "2022-07-21",
                                    "2022-08-16", ward=ward, with_names=True)

    before = plan_of(city, WARD)
    real = _core._plan_outreach
    ended: list[str] = []

    def interrupted_soon(*args, **kwargs):
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            return real(*args, **kwargs)
        except KeyboardInterrupt:
            ended.append("raised")
            raise

    _core._plan_outreach = interrupted_soon
    try:
        with pytest.raises(KeyboardInterrupt):
            plan_of(bigger_city)
    finally:
        _core._plan_outreach = real
    assert ended == ["raised"]
    after = plan_of(city, WARD)
    assert after.summary == before.summary
    pd.testing.assert_frame_equal(after.visits, before.visits)


# ---- a full disk --------------------------------------------------------------------------------

def _tmpfs(mountpoint: Path) -> bool:
    """Mount a 256 KiB tmpfs; False when mounting is not permitted here (not root, no CAP_SYS_ADMIN)."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mountpoint)],
                       capture_output=True, text=True)
    return r.returncode == 0


def _assert_failed_cleanly(command: str, r: subprocess.CompletedProcess, out: Path, before: bytes | None) -> None:
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = _one_line(r.stderr)
    assert line.startswith(f"commdx {command}: {out}{os.sep}"), line  # names the file under its final name
    assert ".part-" not in line
    assert _leftovers(out.parent) == []
    if before is None:
        assert not _manifest(command, out).exists()
        assert not out.exists() or (command == "report" and list(out.iterdir()) == [])
    else:
        assert _manifest(command, out).read_bytes() == before
        assert verify(_manifest(command, out)) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_full_disk_fails_with_exit_2_and_leaves_the_previous_output(city: Path, tmp_path: Path, previous,
                                                                    command: str) -> None:
    ran = []
    # a file-size limit: the rerun's first big file fails with EFBIG, beside the previous output
    out = tmp_path / "rlimit" / "out"
    out.parent.mkdir()
    before = None if command == "demo" else previous(command, out)
    r = _commdx(*_args(command, city, out, variant=1), fsize=60_000)
    _assert_failed_cleanly(command, r, out, before)
    ran.append("rlimit")
    # a full file system, where this machine lets us mount one (root with CAP_SYS_ADMIN, as in CI)
    mnt = tmp_path / "tmpfs"
    mounted = _tmpfs(mnt)
    if mounted:
        try:
            out = mnt / "out"
            r = _commdx(*_args(command, city, out, variant=1))
            _assert_failed_cleanly(command, r, out, None)
            assert "No space left" in r.stderr or "disk full" in r.stderr  # Python's words or synth.hpp's
            assert list(mnt.iterdir()) == ([out] if command == "report" else [])
            ran.append("tmpfs")
        finally:
            subprocess.run(["umount", str(mnt)], check=True)
    # which ran is decided at run time; say so in the test's output
    assert ran == (["rlimit", "tmpfs"] if mounted else ["rlimit"])
    print(f"full disk for {command}: {' and '.join(ran)}")


def test_rerun_after_a_failed_run_gives_the_clean_manifest(city: Path, tmp_path: Path, previous) -> None:
    out = tmp_path / "out"
    clean = previous("plan", tmp_path / "clean")
    args = _args("plan", city, out)
    assert _commdx(*args, fsize=60_000).returncode == 2
    assert _commdx(*args).returncode == 0
    a, b = json.loads((out / MANIFEST).read_bytes()), json.loads(clean)
    assert a["files"] == b["files"] and a["inputs"] == b["inputs"] and a["commdx_version"] == b["commdx_version"]
    assert a["command"][:-1] == b["command"][:-1] and a["command"][-1] == str(out)


# ---- the writers, in process --------------------------------------------------------------------

def test_a_folder_of_the_users_own_files_is_never_replaced(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OSError, match="no manifest"):
        with atomic_directory(mine) as d:
            (d / "x.csv").write_text("a\n", encoding="utf-8")
    assert (mine / "notes.txt").read_text("utf-8") == "keep me" and _leftovers(tmp_path) == []


def test_a_failed_body_leaves_the_previous_folder_and_single_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_directory(out, command=["x"]) as d:
        (d / "a.txt").write_text("old", encoding="utf-8")
    before = (out / MANIFEST).read_bytes()
    with pytest.raises(RuntimeError):
        with atomic_directory(out, command=["x"]) as d:
            (d / "a.txt").write_text("new", encoding="utf-8")
            raise RuntimeError("stage failed")
    assert (out / MANIFEST).read_bytes() == before and (out / "a.txt").read_text("utf-8") == "old"
    f = tmp_path / "t.csv"
    f.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_file(f) as t:
            t.write_text("new\n", encoding="utf-8")
            raise RuntimeError("stage failed")
    assert f.read_text("utf-8") == "old\n" and _leftovers(tmp_path) == []
    with atomic_file(f) as t:
        assert t.suffix == ".csv" and t.parent == f.parent
        t.write_text("new\n", encoding="utf-8")
    assert f.read_text("utf-8") == "new\n" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("exchange", ["renameat2", "rename aside"])
def test_replacing_a_folder_keeps_only_the_new_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     exchange: str) -> None:
    from commdx.io import output

    if exchange == "rename aside":  # a system without renameat2(RENAME_EXCHANGE): the fallback path
        monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    with atomic_directory(out) as d:
        (d / "a.txt").write_text("1", encoding="utf-8")
        (d / "gone.txt").write_text("x", encoding="utf-8")
    with atomic_directory(out) as d:
        (d / "a.txt").write_text("2", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", MANIFEST]
    assert (out / "a.txt").read_text("utf-8") == "2" and verify(out) == [] and _leftovers(tmp_path) == []


def test_renameat2_swaps_two_folders_here(tmp_path: Path) -> None:
    from commdx.io.output import _exchange

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a", encoding="utf-8")
    (b / "x").write_text("b", encoding="utf-8")
    assert _exchange(a, b)  # Linux with a file system that supports it (ext4, xfs, btrfs, tmpfs)
    assert (a / "x").read_text("utf-8") == "b" and (b / "x").read_text("utf-8") == "a"


def test_a_killed_runs_temporary_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])  # a pid that no longer runs
    dead.wait()
    stale = tmp_path / f".out.part-{dead.pid}-0000"
    stale.mkdir()
    (stale / "half.csv").write_text("a\n", encoding="utf-8")
    with atomic_directory(tmp_path / "out") as d:
        (d / "a.txt").write_text("1", encoding="utf-8")
    assert not stale.exists() and _leftovers(tmp_path) == []


def test_a_file_set_is_replaced_whole(tmp_path: Path) -> None:
    from commdx.io.output import atomic_files

    man = tmp_path / "r.manifest.json"
    (tmp_path / "other.md").write_text("another report", encoding="utf-8")
    with atomic_files(tmp_path, "r") as d:
        (d / "r.json").write_text("{}", encoding="utf-8")
        (d / "r-chart.png").write_bytes(b"png")
    first = man.read_bytes()
    with pytest.raises(OSError, match="r.json"):
        with atomic_files(tmp_path, "r") as d:
            (d / "r.json").write_text('{"new": 1}', encoding="utf-8")
            raise OSError(27, "File too large")  # what a write() under a file-size limit raises
    assert man.read_bytes() == first and (tmp_path / "r.json").read_text("utf-8") == "{}"
    with atomic_files(tmp_path, "r") as d:
        (d / "r.json").write_text('{"new": 1}', encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.md", "r.json", "r.manifest.json"]
    assert verify(man) == [] and [f["path"] for f in json.loads(man.read_bytes())["files"]] == ["r.json"]


def test_a_single_file_output_is_replaced_whole_and_reproducible(city: Path, tmp_path: Path) -> None:
    out = tmp_path / "indicators.xlsx"
    args = ["indicators", str(city / "sample_households.csv"), "--places", str(city / "places.csv"), "-o", str(out)]
    assert _commdx(*args).returncode == 0
    first = out.read_bytes()
    r = _commdx(*args, "--lang", "en", fsize=20_000)
    assert r.returncode == 2 and _one_line(r.stderr).startswith(f"commdx indicators: {out}: cannot write the file (disk full or file-size limit) (File too large)")
    assert out.read_bytes() == first and sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    assert _commdx(*args).returncode == 0
    assert out.read_bytes() == first  # no time stamps in the workbook: the same input, the same bytes


def test_ctrl_c_that_c_code_turned_into_another_error_is_still_ctrl_c(tmp_path: Path) -> None:
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        with atomic_directory(tmp_path / "out") as d:
            (d / "a.txt").write_text("1", encoding="utf-8")
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)
            except KeyboardInterrupt:  # what pandas' C JSON writer makes of a Ctrl-C inside it
                raise ValueError("Error calling _values_for_json") from None
    assert not (tmp_path / "out").exists() and _leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_during_a_commands_json_table_comes_after_the_writer(tmp_path: Path) -> None:
    # teams check -o, classify -o .json, indicators -o .json write their tables through
    # frame_json: a Ctrl-C that arrives while pandas' C writer runs (it can crash the process
    # there) is held until the writer returned, then raised as Ctrl-C.
    import threading

    import numpy as np
    import pandas as pd

    from commdx.io.output import frame_json

    df = pd.DataFrame({"a": np.arange(2_000_000, dtype=float), "b": ["xã Long Sơn"] * 2_000_000})
    started = time.perf_counter()
    threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        frame_json(df, orient="records", force_ascii=False)
    # the writer ran to its end first (long after the signal), and the handler is Python's again
    assert time.perf_counter() - started > 0.2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
