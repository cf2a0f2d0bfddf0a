"""Rendering of the monthly report (``commdx.report.MonthlyReport``): Markdown, HTML (Jinja2),
XLSX, DOCX (the administrative document of Decree 30/2020/NĐ-CP) and its PDF (LibreOffice).

Everything here reads ``MonthlyReport.data`` (and ``.tables`` for the charts) and computes no
statistic, so the computing half of the report can move to C++ without touching it. Numbers and
dates go through :class:`commdx.render.fmt.Fmt` (Babel), words through :mod:`commdx.render.words`."""
from __future__ import annotations

from .fmt import SUPPRESSED, Fmt

__all__ = ["Fmt", "SUPPRESSED"]
