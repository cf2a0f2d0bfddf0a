"""The report as an XLSX workbook Excel users expect: a summary sheet, then one sheet per
section with every row (the page shows the first rows only), headers in the report's language,
numbers as numbers with their formats (percent with one decimal, thousands separators, dates),
column widths, the header row frozen. Excel shows the separators of the reader's own locale."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from .document import Cell, Document
from .fmt import Fmt, missing
from .words import SHEETS

__all__ = ["write_xlsx", "cell_value", "NUMBER_FORMATS", "save_workbook"]

NUMBER_FORMATS = {"int": "#,##0", "num1": "#,##0.0", "num2": "#,##0.00", "num3": "0.000", "pct": "0.0%",
                  "pp": "+0.0;-0.0;0.0", "ppu": "0.0", "date": "dd/mm/yyyy"}


def cell_value(c: Cell, f: Fmt) -> Any:
    """The value an XLSX cell holds: a number (a share stays a share, shown as a percentage; a
    change in points is multiplied by 100), a date, or the page's text."""
    if c.kind in ("text", "yes", "interval") or missing(c.value):
        return None if (c.kind != "text" and missing(c.value)) else c.text(f)
    if c.kind == "date":
        return _dt.date.fromisoformat(str(c.value)[:10])
    if c.kind in ("pp", "ppu"):
        return float(c.value) * 100
    if c.kind == "int":
        return int(round(float(c.value)))
    return float(c.value)


def write_xlsx(doc: Document, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    f = Fmt(doc.lang)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS["summary"][doc.lang]
    ws["A1"] = doc.title
    ws["A1"].font = Font(bold=True, size=13)
    for i, s in enumerate(doc.summary, start=3):
        ws.cell(row=i, column=1, value=s).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120
    head_fill = PatternFill("solid", fgColor="EEF3F8")
    used: set[str] = {ws.title}
    for sec in doc.sections:
        t = sec.table
        if t is None:
            continue
        name = SHEETS.get(t.key, {}).get(doc.lang, t.key)[:31]
        while name in used:
            name = name[:29] + "_" + str(len(used))
        used.add(name)
        sh = wb.create_sheet(name)
        sh.append(t.header)
        for c in sh[1]:
            c.font = Font(bold=True)
            c.fill = head_fill
            c.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [max(8, min(len(h), 40)) for h in t.header]
        for r_i, row in enumerate(t.rows, start=2):
            for c_i, c in enumerate(row, start=1):
                cell = sh.cell(row=r_i, column=c_i, value=cell_value(c, f))
                if c.kind in NUMBER_FORMATS and cell.value is not None:
                    cell.number_format = NUMBER_FORMATS[c.kind]
                shown = len(c.text(f))
                if shown + 2 > widths[c_i - 1]:
                    widths[c_i - 1] = min(shown + 2, 60)
        for c_i, width in enumerate(widths, start=1):
            sh.column_dimensions[get_column_letter(c_i)].width = width
        sh.freeze_panes = "A2"
        sh.auto_filter.ref = sh.dimensions
    _save(wb, path)


def save_workbook(wb: Any, path: Path) -> None:
    """Save ``wb`` to ``path``; a full disk or a file-size limit is an OSError naming the file.
    openpyxl streams each sheet through lxml into a temporary file, and there such a failure is
    lxml's SerialisationError ("IO_EFBIG"), echoed again by the writer's generators when they are
    collected: it is turned into the OSError it is, and the echoes are collected quietly."""
    import errno
    import gc
    import io
    import os
    import sys

    buf = io.BytesIO()
    code = None
    try:
        wb.save(buf)
    except Exception as exc:  # noqa: BLE001 - only lxml's I/O failures are translated
        text = str(exc)
        if type(exc).__name__ != "SerialisationError" or "IO_E" not in text:
            raise
        code = errno.ENOSPC if "NOSPC" in text else errno.EFBIG
        exc.__traceback__ = None
    if code is not None:
        previous = sys.unraisablehook
        sys.unraisablehook = lambda u: None if type(u.exc_value).__name__ == "SerialisationError" else previous(u)
        try:
            gc.collect()
        finally:
            sys.unraisablehook = previous
        raise OSError(code, os.strerror(code), os.fspath(path))
    Path(path).write_bytes(buf.getvalue())


_save = save_workbook
