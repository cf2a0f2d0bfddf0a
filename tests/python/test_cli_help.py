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
        bad = [f"{c} {o}: {h}" for c, o, h in helps if VI.search(h) and " / " not in h and "/ " not in h]
    assert not bad, bad


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_help_shows_a_placeholder(lang, monkeypatch):
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
    assert targets == {"commdx report", "commdx plan", "commdx indicators", "commdx demo"}
