"""JSON reading for the Python side, the same rules as the C++ reader (include/commdx/io/json.hpp).

Every refusal is a :class:`commdx.ConfigError` whose id (docs/errors.md) names its kind and whose
attributes name the file, line, character and key: malformed JSON (a trailing comma included), an
empty file, a UTF-16 or non-UTF-8 file, ``NaN``/``Infinity``, a number beyond a double's range
(``1e400``, which ``json.loads`` would silently make ``inf``), nesting deeper than
:data:`MAX_DEPTH`, and a key repeated in one object (``json.loads`` silently keeps the last). A
UTF-8 byte order mark is accepted and dropped.

Parsing is the standard library's ``json.loads``; only when it has refused something does
:func:`_locate` walk the text's tokens to say where, so the common case costs nothing extra.
"""
from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import ConfigError, InputError

__all__ = ["MAX_DEPTH", "read_json", "parse_json", "shipped_json"]

#: Deepest nesting of arrays and objects (C++: commdx::io::max_json_depth).
MAX_DEPTH = 256

_BOM = "\ufeff"


class _Refusal(Exception):
    """Raised from inside json.loads's hooks; turned into a located ConfigError afterwards."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def read_json(path_or_text: str | os.PathLike | bytes, source: str | None = None) -> Any:
    """Read JSON from a file (a path) or, when ``source`` names where it came from, from text.

    ``read_json("teams.json")`` reads the file; ``read_json(text, source="teams.json")`` parses
    ``text`` (str or bytes). A file that cannot be opened is an :class:`InputError` naming it.
    """
    if source is not None:
        return parse_json(path_or_text if isinstance(path_or_text, (str, bytes)) else os.fspath(path_or_text), source)
    if isinstance(path_or_text, bytes):
        return parse_json(path_or_text, "<json>")
    path = Path(path_or_text)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot open file ({exc.strerror or exc})", id="commdx.file.unreadable",
                         file=str(path)) from None
    return parse_json(data, str(path))


def read_json_text(path: str | os.PathLike) -> str:
    """A JSON file's text for a reader that parses it itself (the C++ readers keep their line
    numbers): decoded by this module's rules, so a Windows-1258 or UTF-16 file is refused
    naming the file and the line of the first bad byte, an unopenable one naming the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot open file ({exc.strerror or exc})", id="commdx.file.unreadable",
                         file=str(path)) from None
    return _decode(data, os.fspath(path))


def parse_json(text: str | bytes, source: str) -> Any:
    """Parse JSON text (str or UTF-8 bytes); refusals are ConfigErrors naming ``source``."""
    if isinstance(text, (bytes, bytearray)):
        text = _decode(bytes(text), source)
    if text.startswith(_BOM):
        text = text[1:]
    if not text.strip(" \t\r\n"):
        raise ConfigError("empty file: no JSON value", id="commdx.json.empty", file=source)
    try:
        value = json.loads(text, object_pairs_hook=_object_without_duplicates,
                           parse_constant=_refuse_constant, parse_float=_finite_float,
                           parse_int=_finite_int)
    except _Refusal as refusal:
        raise _located(text, source, refusal.kind, refusal.detail) from None
    except RecursionError:
        # json.loads recurses once per level: a file nested 100,000 deep exhausts the stack
        raise _located(text, source, "depth", "") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"malformed JSON: {exc.msg}", id="commdx.json.syntax", file=source,
                          line=exc.lineno, character=exc.colno) from None
    if _depth(value) > MAX_DEPTH:
        raise _located(text, source, "depth", "")
    return value


def _decode(data: bytes, source: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ConfigError("the file is UTF-16; save it as UTF-8", id="commdx.json.encoding",
                          file=source, line=1, character=1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        character = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise ConfigError(f"invalid UTF-8: byte 0x{data[exc.start]:02X}", id="commdx.json.encoding",
                          file=source, line=line, character=character) from None


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refusal("duplicate_key", key)
            seen.add(key)
    return out


def _refuse_constant(name: str) -> Any:
    raise _Refusal("not_finite", name)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Refusal("number_range", text)
    return value


def _finite_int(text: str) -> int:
    # C++ holds integers beyond 64 bits as doubles; one beyond a double's range is refused there,
    # and Python refuses more than 4300 digits: refuse both the same way here.
    try:
        value = int(text)
        float(value)
    except (OverflowError, ValueError):
        raise _Refusal("number_range", text[:40]) from None
    return value


def _depth(value: Any) -> int:
    """Deepest nesting of lists and dicts in a parsed value, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


# Strings, structural characters, literals and numbers: enough to follow nesting and keys in text
# that json.loads has already tokenised successfully up to the refusal.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]|-?(?:Infinity|NaN)|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?')


def _tokens(text: str) -> Iterator[re.Match]:
    return _TOKEN.finditer(text)


def _located(text: str, source: str, kind: str, detail: str) -> ConfigError:
    """The ConfigError for a refusal of `kind`, at the first place in `text` that shows it."""
    offset, key = _locate(text, kind, detail)
    where: dict[str, Any] = {"file": source}
    if offset is not None:
        where["line"] = text.count("\n", 0, offset) + 1
        where["character"] = offset - (text.rfind("\n", 0, offset) + 1) + 1
    if kind == "duplicate_key":
        first = text.count("\n", 0, key[1]) + 1 if key else None
        name = key[0] if key else detail
        return ConfigError(f"duplicate key '{name}' (first at line {first})" if first else f"duplicate key '{name}'",
                           id="commdx.json.duplicate_key", column=name, **where)
    if kind == "depth":
        return ConfigError(f"nested deeper than {MAX_DEPTH} levels", id="commdx.json.depth", **where)
    if kind == "not_finite":
        return ConfigError(f"'{detail}' is not a JSON number", id="commdx.json.not_finite", **where)
    return ConfigError(f"number out of range: {detail}", id="commdx.json.number_range", **where)


def _locate(text: str, kind: str, detail: str) -> tuple[int | None, Any]:
    """Offset of the first token showing the refusal (and, for a duplicate, (key, first offset))."""
    objects: list[dict[str, int] | None] = []  # per open container: keys seen (None for arrays)
    previous: re.Match | None = None
    for token in _tokens(text):
        t = token.group()
        if t in "[{":
            objects.append({} if t == "{" else None)
            if kind == "depth" and len(objects) > MAX_DEPTH:
                return token.start(), None
        elif t in "]}":
            if objects:
                objects.pop()
        elif t == ":" and kind == "duplicate_key" and previous is not None and objects and objects[-1] is not None:
            key = json.loads(previous.group())
            if key in objects[-1]:
                return previous.start(), (key, objects[-1][key])
            objects[-1][key] = previous.start()
        elif kind == "not_finite" and t.lstrip("-") in ("NaN", "Infinity"):
            return token.start(), None
        elif kind == "number_range" and t[0] in "-0123456789" and t.lstrip("-") not in ("NaN", "Infinity"):
            try:
                (_finite_int if re.fullmatch(r"-?\d+", t) else _finite_float)(t)
            except _Refusal:
                return token.start(), None
        previous = token
    return None, None


def shipped_json(name: str) -> Any:
    """A JSON file shipped in ``commdx/data`` (``"campaigns.json"``), read by the same rules."""
    from importlib import resources

    # one joinpath argument at a time: Python 3.10's Traversable takes one
    data = resources.files("commdx").joinpath("data").joinpath(name).read_bytes()
    return parse_json(data, name)
