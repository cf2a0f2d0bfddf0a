#!/usr/bin/env python3
"""Rewrites positional commdx::location aggregates into the builder form (issue 12).

    location{source, r + 1, 0, 0, "ward_code", code}
 -> location::in_file(source).at_row(r + 1).in_column("ward_code").for_unit(code)

Handles the three spellings found in the tree: an expression `location{...}`, a declaration
`location where{...};` (becomes `location where = ...;`) and a default argument
`const location& where = {...}`. Zero numbers and empty strings ("") are left out; a location
with no file starts from `location{}` and one with nothing at all stays `location{}`.

Kept in the repository so it can be re-run after merging branches that add positional forms:
    python3 tools/convert_locations.py include src          # rewrite in place
    python3 tools/convert_locations.py --check include src  # exit 1 if any positional form is left
It changes nothing else; review `git diff` afterwards and build.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

SETTERS = (None, "at_row", "at_line", "at_character", "in_column", "for_unit")
EMPTY = ("0", '""', "std::string()", "std::string{}", "{}")
# `location{`, `location NAME{`, or `location& NAME = {` (a default argument).
START = re.compile(r"(?<![\w:])(commdx::)?location(?:\s+(\w+))?\s*\{|(?<![\w])(const\s+(?:commdx::)?location\s*&\s*\w+\s*=\s*)\{")


def matching_brace(text: str, open_at: int) -> int:
    """Index of the `}` closing the `{` at open_at (strings, chars and nesting respected)."""
    depth = 0
    i = open_at
    while i < len(text):
        c = text[i]
        if c in "\"'":
            q = c
            i += 1
            while text[i] != q:
                i += 2 if text[i] == "\\" else 1
        elif c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced braces from offset {open_at}")


def split_args(body: str) -> list[str]:
    """Top-level comma-separated arguments."""
    args, depth, cur, i = [], 0, [], 0
    while i < len(body):
        c = body[i]
        if c in "\"'":
            q = c
            j = i + 1
            while body[j] != q:
                j += 2 if body[j] == "\\" else 1
            cur.append(body[i:j + 1])
            i = j + 1
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        if c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    last = "".join(cur).strip()
    if last or args:
        args.append(last)
    return args


def builder(args: list[str], prefix: str = "") -> str | None:
    """The builder expression for aggregate arguments, or None when they are not positional."""
    if not args or len(args) > 6:
        return None
    if len(args) == 1 and args[0] == "":
        return None
    file = args[0]
    out = f"{prefix}location{{}}" if file in EMPTY else f"{prefix}location::in_file({file})"
    for setter, value in zip(SETTERS[1:], args[1:]):
        if value in EMPTY:
            continue
        out += f".{setter}({value})"
    return out


def convert(text: str) -> tuple[str, int]:
    out, pos, n = [], 0, 0
    for m in START.finditer(text):
        if m.start() < pos:
            continue
        open_at = m.end() - 1
        close = matching_brace(text, open_at)
        args = split_args(text[open_at + 1:close])
        prefix = m.group(1) or ""  # keep "commdx::" where the code wrote it
        expr = builder(args, prefix)
        if expr is None:
            continue
        out.append(text[pos:m.start()])
        if m.group(3):  # default argument: `const location& where = {...}`
            out.append(m.group(3) + expr)
        elif m.group(2):  # declaration: `location where{...}`
            out.append(f"{prefix}location {m.group(2)} = {expr}")
        else:
            out.append(expr)
        pos = close + 1
        n += 1
    out.append(text[pos:])
    return "".join(out), n


def files(roots: list[str]):
    for root in roots:
        p = Path(root)
        if p.is_file():
            yield p
        else:
            yield from sorted(q for q in p.rglob("*") if q.suffix in (".hpp", ".cpp", ".h", ".cc"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a positional form is left")
    a = ap.parse_args(argv)
    total = 0
    for f in files(a.paths):
        if f.name == "error.hpp":  # defines location and documents the aggregate form
            continue
        text = f.read_text(encoding="utf-8")
        new, n = convert(text)
        if n:
            total += n
            print(f"{f}: {n}")
            if not a.check:
                f.write_text(new, encoding="utf-8")
    print(f"{total} positional location(s) {'left' if a.check else 'rewritten'}")
    return 1 if a.check and total else 0


if __name__ == "__main__":
    sys.exit(main())
