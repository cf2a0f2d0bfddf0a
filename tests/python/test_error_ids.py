"""Issue 12: every error id the code uses (C++ headers, bindings, Python package) is in the table of
docs/errors.md and in python/commdx/data/errors.json, so no kind of error goes undocumented."""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ID = re.compile(r'"(commdx\.[a-z_]+(?:\.[a-z_]+)+)"')


def used_ids() -> set[str]:
    ids: set[str] = set()
    for folder, pattern in (("include", "*.hpp"), ("src", "*.[ch]pp"), ("python/commdx", "*.py")):
        for f in (ROOT / folder).rglob(pattern):
            ids.update(ID.findall(f.read_text(encoding="utf-8")))
    return ids


def test_the_code_uses_ids():
    assert {"commdx.json.duplicate_key", "commdx.file.unreadable"} <= used_ids()


def test_every_id_used_is_documented():
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `(commdx\.[a-z_.]+)` \|", doc, flags=re.M))
    texts = set(json.loads((ROOT / "python" / "commdx" / "data" / "errors.json").read_text(encoding="utf-8"))["ids"])
    assert used_ids() - table == set()
    assert used_ids() - texts == set()
