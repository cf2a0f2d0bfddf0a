"""Numbers, percentages, dates and months in the report's language, through Babel (CLDR).

One formatter for every renderer (Markdown, HTML, XLSX, DOCX, the CLI's lines): Vietnamese by
default (``vi_VN``: decimal comma, thousands dot, "65,7 %", "31/10/2022", "tháng 10 năm 2022"),
English with ``lang="en"`` (``en_US``: "65.7%", "6,344", "31/10/2022", "October 2022"). A value
that is missing or suppressed (None, NaN) prints as :data:`SUPPRESSED`.
"""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

__all__ = ["Fmt", "SUPPRESSED", "LOCALES", "missing"]

SUPPRESSED = "—"
LOCALES = {"vi": "vi_VN", "en": "en_US"}


def missing(x: Any) -> bool:
    """None, NaN or pandas' NA: a cell with no published figure."""
    if x is None:
        return True
    try:
        return bool(isinstance(x, float) and math.isnan(x)) or (hasattr(x, "__float__") and math.isnan(float(x)))
    except (TypeError, ValueError):
        return str(x) in ("<NA>", "nan", "NaT")


def _no_negative_zero(v: float, digits: int) -> float:
    """-0.0004 shown with one decimal is 0,0, not -0,0."""
    return 0.0 if round(v, digits) == 0 else v


def _decimal_pattern(digits: int, signed: bool) -> str:
    body = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return f"+{body};-{body}" if signed else body


class Fmt:
    """The formats of one language. ``num`` (integers grouped, others with ``digits``), ``pct``
    (a share in [0, 1] as a percentage with one decimal), ``pp`` (a difference of shares in
    percentage points, signed), ``date``, ``month`` ("YYYY-MM" in words)."""

    def __init__(self, lang: str = "vi") -> None:
        if lang not in LOCALES:
            raise ValueError(f"lang {lang!r}: expected 'vi' or 'en'")
        self.lang = lang
        self.locale = LOCALES[lang]
        # "65,7 %" in Vietnamese (a space before the sign, as Vietnamese typography writes it),
        # "65.7%" in English
        self._pct = "#,##0.0 %" if lang == "vi" else "#,##0.0%"

    def num(self, x: Any, digits: int = 1, signed: bool = False) -> str:
        if missing(x):
            return SUPPRESSED
        v = float(x)
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        if v.is_integer() and not signed:
            return format_decimal(int(v), format="#,##0", locale=self.locale)
        return format_decimal(_no_negative_zero(v, digits), format=_decimal_pattern(digits, signed), locale=self.locale)

    def int(self, x: Any) -> str:
        if missing(x):
            return SUPPRESSED
        return format_decimal(int(round(float(x))), format="#,##0", locale=self.locale)

    def pct(self, x: Any, signed: bool = False) -> str:
        if missing(x):
            return SUPPRESSED
        pattern = self._pct
        if signed:
            pattern = f"+{pattern};-{pattern}"
        return format_percent(_no_negative_zero(float(x), 3), format=pattern, locale=self.locale)

    def pp(self, x: Any, signed: bool = True) -> str:
        """A change of a share (0.128) in percentage points ("+12,8")."""
        if missing(x):
            return SUPPRESSED
        return format_decimal(_no_negative_zero(float(x) * 100, 1), format=_decimal_pattern(1, signed), locale=self.locale)

    def interval(self, low: Any, high: Any) -> str:
        """A confidence interval of a change, in percentage points: "[+9,9; +15,7]" (the
        semicolon, since the comma is the decimal sign in Vietnamese)."""
        if missing(low) or missing(high):
            return SUPPRESSED
        sep = "; " if self.lang == "vi" else ", "
        return f"[{self.pp(low)}{sep}{self.pp(high)}]"

    def date(self, d: Any) -> str:
        """``YYYY-MM-DD`` (or a date) as dd/mm/yyyy."""
        if missing(d) or d == "":
            return SUPPRESSED
        day = d if isinstance(d, _dt.date) else _dt.date.fromisoformat(str(d)[:10])
        return format_date(day, "dd/MM/yyyy", locale=self.locale)

    def month(self, m: Any) -> str:
        """``YYYY-MM`` as "tháng 10 năm 2022" / "October 2022"."""
        if missing(m) or m == "":
            return SUPPRESSED
        y, mo = (int(p) for p in str(m)[:7].split("-"))
        day = _dt.date(y, mo, 1)
        if self.lang == "vi":
            return format_date(day, "'tháng' M 'năm' y", locale=self.locale)
        return format_date(day, "MMMM y", locale=self.locale)

    def long_date(self, d: Any) -> str:
        """The date of an administrative document: "ngày 31 tháng 10 năm 2022" / "31 October 2022"."""
        day = d if isinstance(d, _dt.date) else _dt.date.fromisoformat(str(d)[:10])
        if self.lang == "vi":
            return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
        return format_date(day, "d MMMM y", locale=self.locale)

    def list(self, items: list[str]) -> str:
        """"a, b và c" / "a, b and c"."""
        items = [str(i) for i in items]
        if len(items) <= 1:
            return "".join(items)
        last = " và " if self.lang == "vi" else " and "
        return ", ".join(items[:-1]) + last + items[-1]
