"""Issue 13: every command's help exists in Vietnamese (the default) and in English (``--lang
en``): each option of each command has a help text; built for Vietnamese it has Vietnamese in it,
built for English it is English or bilingual ("tiếng Việt / English")."""
from __future__ import annotations

import argparse
import re
import sys

import pytest

from commdx import cli

VI = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


def _helps(parser: argparse.ArgumentParser, name: str = "commdx"):
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            for cname, sub in a.choices.items():
                yield f"{name} {cname}", "(command)", next((c.help for c in a._choices_actions if c.dest == cname), None)
                yield from _helps(sub, f"{name} {cname}")
        elif a.help != argparse.SUPPRESS and "-h" not in a.option_strings:
            yield name, "/".join(a.option_strings) or a.dest, a.help


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_option_has_help_in_the_language(lang, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["commdx", "--lang", "en"] if lang == "en" else ["commdx"])
    helps = list(_helps(cli.build_parser()))
    assert len(helps) > 100
    missing = [f"{c} {o}" for c, o, h in helps if not h]
    assert not missing, missing
    if lang == "vi":
        bad = [f"{c} {o}: {h}" for c, o, h in helps if not VI.search(h)]
    else:  # English, or bilingual "Vietnamese / English"
        # place names are proper nouns, written in Vietnamese in English too
        bad = [f"{c} {o}: {h}" for c, o, h in helps
               if VI.search(h.replace("Vũng Tàu", "")) and " / " not in h and "/ " not in h]
    assert not bad, bad


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_help_shows_an_unfilled_field(lang, monkeypatch):
    """A help string written without its f prefix prints its field: synth --households showed
    "{DEFAULT_HOUSEHOLDS}" in its English half."""
    monkeypatch.setattr(sys, "argv", ["commdx", "--lang", "en"] if lang == "en" else ["commdx"])
    bad = [f"{c} {o}: {h}" for c, o, h in _helps(cli.build_parser()) if h and re.search(r"\{[A-Za-z_]\w*\}", h)]
    assert not bad, bad


def test_deadline_is_the_teams_deadline_in_every_command(monkeypatch):
    """Issue 13: one meaning of --deadline (the rule set's team deadline, T5) wherever it is
    offered, with the same help; the plan's last day of visits is --until."""
    monkeypatch.setattr(sys, "argv", ["commdx"])
    helps = {(c, o): h for c, o, h in _helps(cli.build_parser())}
    deadline = {c: h for (c, o), h in helps.items() if "--deadline" in o.split("/")}
    assert set(deadline) == {"commdx report", "commdx teams check", "commdx teams coverage"}
    for c, h in deadline.items():
        assert h.startswith("hạn thành lập tổ (T5), thay hạn của bộ quy tắc") and "the teams' deadline (T5)" in h, c
    until = helps[("commdx plan", "--until")]
    assert "ngày thăm cuối cùng" in until and "last day of visits" in until
    targets = {c for (c, o) in helps if o == "--targets"}
    assert targets == {"commdx report", "commdx plan", "commdx plan update", "commdx indicators", "commdx demo"}


def _exit_status(argv: list[str]) -> int:
    """``commdx ARGV``'s exit status: a usage error leaves argparse through SystemExit."""
    try:
        return cli.main(argv)
    except SystemExit as stop:
        return int(stop.code or 0)


def test_argparse_speaks_the_run_language(capsys):
    """argparse's own words (usage line, section titles, its errors) in Vietnamese by default and
    English with --lang en; they were English under a Vietnamese help before."""
    with pytest.raises(SystemExit):
        cli.main(["plan", "--help"])
    vi = capsys.readouterr().out
    assert vi.startswith("cách dùng: commdx plan") and "tùy chọn:" in vi and "in trợ giúp này rồi thoát" in vi
    assert "usage:" not in vi and "show this help" not in vi
    assert _exit_status(["plan", "--lang", "en", "--from", "2022-07-20"]) == 2
    en = capsys.readouterr().err
    assert "the following arguments are required: --households, --roster" in en
    assert _exit_status(["plan", "--from", "2022-07-20"]) == 2
    assert "thiếu các tham số bắt buộc: --households, --roster" in capsys.readouterr().err
    assert _exit_status(["teams", "check", "x.json", "--format", "pdf"]) == 2
    assert "tham số --format: giá trị không hợp lệ: 'pdf' (chọn một trong" in capsys.readouterr().err
    # a notebook calling main keeps English argparse for its own parsers afterwards
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")


@pytest.mark.parametrize("argv, option", [
    (["plan", "--households", "h.csv", "--roster", "r.json", "--from", "01/13/2022"], "--from"),
    (["plan", "--households", "h.csv", "--roster", "r.json", "--until", "2022-02-30"], "--until"),
    (["teams", "check", "r.json", "--deadline", "20-07-2022"], "--deadline"),
    (["report", "--month", "2022-09", "--deadline", "2022/07/20"], "--deadline"),
    (["synth", "--out", "x", "--start", "2026-13-05"], "--start"),
    (["demo", "--start", "tomorrow"], "--start"),
])
def test_every_date_option_refuses_an_impossible_date_naming_it(argv, option, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _exit_status(argv) == 2
    vi = capsys.readouterr().err.strip()
    assert len(vi.splitlines()) == 1 and f"tham số {option}: '" in vi and "không phải một ngày có thật" in vi
    assert _exit_status([*argv, "--lang", "en"]) == 2
    en = capsys.readouterr().err
    assert f"argument {option}: '" in en and "is not a real date" in en
    assert not list(tmp_path.iterdir())  # refused before anything is written


def test_date_options_take_the_vietnamese_day_month_year(monkeypatch):
    """20/07/2022 is 20 July (never month first), passed on as 2022-07-20."""
    monkeypatch.setattr(sys, "argv", ["commdx"])
    parser = cli.build_parser()
    args = parser.parse_args(["plan", "--households", "h.csv", "--roster", "r.json", "--from", "09/02/2026",
                              "--until", "2026-6-30"])
    assert (args.first_day, args.until) == ("2026-02-09", "2026-06-30")
    assert parser.parse_args(["teams", "check", "r.json", "--deadline", "20/07/2022"]).deadline == "2022-07-20"


def _parsers(parser: argparse.ArgumentParser, name: str = "commdx"):
    yield name, parser
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            for cname, sub in a.choices.items():
                yield from _parsers(sub, f"{name} {cname}")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_command_prints_its_help(lang, monkeypatch):
    """argparse expands '%' in help texts when it prints them: "10%" in commdx survey size's help
    crashed `--help` with a traceback, which the per-option checks above did not print."""
    monkeypatch.setattr(sys, "argv", ["commdx", "--lang", "en"] if lang == "en" else ["commdx"])
    failed = []
    for name, parser in _parsers(cli.build_parser()):
        try:
            assert parser.format_help().startswith("usage: ")
        except Exception as exc:  # noqa: BLE001 - the command and the error are the finding
            failed.append(f"{name}: {exc!r}")
    assert not failed, failed
