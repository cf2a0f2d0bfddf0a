"""The commdx exception hierarchy (C++: include/commdx/error.hpp; ids: docs/errors.md).

Every exception carries where the problem is as attributes -- ``file``, ``row`` (data row),
``line`` (text line), ``character`` (position in the line), ``column`` (column or field name),
``unit`` (unit code or team id) -- each ``None`` when unknown, plus ``id``, the stable name of its
kind (``"commdx.json.duplicate_key"``), and ``reason``, the message without the location.
``str(exc)`` is ``"<location>: <reason>"`` in English, exactly as the C++ ``what()``.

Python code raises them the same way C++ does::

    raise InputError("missing required column", file=path, row=0, column="code")

and ``InputError("a preformatted message")`` still works (no attributes, the class's id).
The compiled module raises these very classes (src/module.cpp).
"""
from __future__ import annotations

import json as _json
from importlib import resources as _resources
from typing import Any

__all__ = ["Error", "InputError", "ValidationError", "ConfigError", "NameMatchError", "describe"]

_FIELDS = ("file", "row", "line", "character", "column", "unit")


def location_text(file: Any = None, row: int | None = None, line: int | None = None,
                  character: int | None = None, column: str | None = None, unit: str | None = None,
                  lang: str = "en") -> str:
    """The location as text: "f.csv, row 3, column 'x'" (en, as C++ location::to_string) or
    "tệp f.csv, dòng 3, cột 'x'" (vi). Unknown parts (None, 0, "") are left out."""
    words = _catalogue()["words"]

    def word(key: str) -> str:
        return words[key][lang]

    parts = []
    if file:
        parts.append(f"{word('file')} {file}" if lang != "en" else str(file))
    if row:
        parts.append(f"{word('row')} {row}")
    if line:
        parts.append(f"{word('line')} {line}")
    if character:
        parts.append(f"{word('character')} {character}")
    if column:
        parts.append(f"{word('column')} '{column}'")
    if unit:
        parts.append(f"{word('unit')} {unit}")
    return ", ".join(parts)


class Error(ValueError):
    """Base of every commdx exception (ValueError-compatible)."""

    default_id = "commdx.error"

    def __init__(self, message: object = "", *, id: str | None = None, file: Any = None,
                 row: int | None = None, line: int | None = None, character: int | None = None,
                 column: str | None = None, unit: str | None = None) -> None:
        self.id = id or self.default_id
        self.reason = str(message)
        self.file = str(file) if file else None
        self.row = row or None
        self.line = line or None
        self.character = character or None
        self.column = column or None
        self.unit = unit or None
        where = location_text(self.file, self.row, self.line, self.character, self.column, self.unit)
        super().__init__(f"{where}: {self.reason}" if where else self.reason)

    def located(self) -> bool:
        """True when the location is in the attributes (not only inside a preformatted message)."""
        return any(getattr(self, f) for f in _FIELDS)


class InputError(Error):
    """Unreadable or malformed input: bad syntax, a missing column, a value of the wrong type."""

    default_id = "commdx.input"


class ValidationError(InputError):
    """Input that parses but breaks a rule of the model: duplicate codes, a cycle, an unknown parent."""

    default_id = "commdx.validation"


class ConfigError(InputError):
    """A configuration (catalogue, rule set, index definition, thresholds) that cannot be used."""

    default_id = "commdx.config"


class NameMatchError(Error):
    """A place name that matches no unit, or more than one; ``name`` and ``candidates`` say which."""

    default_id = "commdx.places.name_match"

    def __init__(self, message: object = "", *, name: str = "", candidates: list[str] | None = None,
                 **where: Any) -> None:
        super().__init__(message, **where)
        self.name = name
        self.candidates = list(candidates or [])


_CATALOGUE: dict | None = None


def _catalogue() -> dict:
    # The shipped table of error ids and location words (python/commdx/data/errors.json); read with
    # plain json.loads because it is ours and read_json itself raises these errors.
    global _CATALOGUE
    if _CATALOGUE is None:
        text = _resources.files("commdx").joinpath("data/errors.json").read_text("utf-8")
        _CATALOGUE = _json.loads(text)
    return _CATALOGUE


def reason_text(error_id: str, lang: str) -> str | None:
    """The translated reason of an error kind, or None for ids without their own text."""
    entry = _catalogue()["ids"].get(error_id)
    return entry[lang] if entry else None


def describe(exc: BaseException, lang: str = "vi") -> str:
    """One line for a person: the location and the reason in ``lang`` ("vi" or "en").

    English is ``str(exc)``. In Vietnamese the location words and the reason of the error's id are
    translated, and the English detail (the key, the number, the value) follows in parentheses; an
    error whose location is only inside a preformatted message keeps that message as it is.
    """
    if not isinstance(exc, Error):
        return str(exc)
    if lang == "en":
        return str(exc)
    reason = reason_text(exc.id, lang)
    if not exc.located():
        return f"{reason} ({exc})" if reason else str(exc)
    where = location_text(exc.file, exc.row, exc.line, exc.character, exc.column, exc.unit, lang=lang)
    return f"{where}: {reason} ({exc.reason})" if reason else f"{where}: {exc.reason}"
