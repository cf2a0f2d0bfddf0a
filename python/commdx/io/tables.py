"""CSV and XLSX tables a user hands in, read one way everywhere on the Python side (issue 11).

Every Python reader of a user's table (areas, roster sheets, survey sheets, score inputs, plan
inputs, the visit log, the follow-up survey, the M1 log) goes through :func:`read_table`, so that a
damaged file is refused the same way whoever reads it, with a ``commdx.InputError`` naming the
file, the row and line (or the spreadsheet cell) and the column:

* text: UTF-8 with or without a byte-order mark; UTF-16 with a BOM (Excel's "Unicode text",
  tab-separated) decoded; anything else (Windows-1258, TCVN3, a stray byte, UTF-16 without a BOM)
  refused naming the line of the first bad byte;
* a file named ``.xlsx`` that is not a zip archive (a CSV renamed) is refused, and so is an
  old binary ``.xls``; formula cells without a saved value (a workbook written by a program and
  never opened in Excel) and formula error values (``#DIV/0!``) are refused naming the cell;
* the header: a column with values but no name, a name given twice, an empty file and a file
  with a header and no rows are refused; a row with fewer fields than the header (a truncated
  file) or with a value beyond the header's last column is refused naming its line; an
  unterminated quote (a file cut inside a quoted field) is refused naming the line it opens;
* cells: codes stay text ("00070" keeps its zeros); a column whose every value is a number
  becomes a number column, where ``inf``, ``nan`` and numbers beyond float range (``1e400``) are
  refused; dates are checked and written ``YYYY-MM-DD`` (:func:`normalise_dates`).

The CSV grammar is Python's ``csv`` module (RFC 4180 quoting; a record ends at CR, LF or CRLF
outside quotes); this module adds the checks above, which neither ``csv`` nor ``pandas.read_csv``
makes (pandas fills a short row with NaN, names a headerless column "Unnamed: 3", and guesses
day-first dates per value).
"""
from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import math
import os
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union

import numpy as np
import pandas as pd

from .._core import InputError

__all__ = [
    "read_table", "read_rows", "frame", "cell_text", "decode_text", "normalise_dates", "parse_date", "Rows",
    "XLSX_EXTENSIONS", "read_as_typed",
]

PathLike = Union[str, "os.PathLike[str]"]
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_LEGACY_EXCEL = (".xls",)
_DELIMITERS = (",", ";", "\t")


# ---- text ------------------------------------------------------------------------------------

def _line_at(data: Union[bytes, str], offset: int) -> int:
    """1-based line of ``offset``, a line ending at CR, LF or CRLF (as the CSV grammar counts)."""
    head = data[:offset]
    if isinstance(head, bytes):
        return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def decode_text(raw: bytes, label: str) -> str:
    """The text of a file's bytes: UTF-8 (a BOM is dropped) or UTF-16/32 with a BOM; anything else
    is refused naming ``label`` and the line of the first byte that is not UTF-8."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return _strip_boms(raw.decode(codec))
            except UnicodeDecodeError as exc:
                text = raw[: exc.start].decode(codec, errors="replace")
                raise InputError(
                    f"{label}, line {_line_at(text, len(text))}: tệp {codec.upper()} bị hỏng / damaged "
                    f"{codec.upper()} text (byte {exc.start}); lưu lại dạng 'CSV UTF-8' / save it as 'CSV UTF-8'"
                ) from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{label}, line {_line_at(raw, nul)}: có byte NUL: không phải văn bản UTF-8 (UTF-16 không có BOM, "
            f"hoặc không phải tệp văn bản) / NUL byte: not UTF-8 text (UTF-16 without a byte-order mark, "
            f"or not a text file); lưu lại dạng 'CSV UTF-8' / save it as 'CSV UTF-8'"
        )
    try:
        return _strip_boms(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        raise InputError(
            f"{label}, line {_line_at(raw, exc.start)}: byte 0x{bad:02X} (vị trí / offset {exc.start}) không phải "
            f"UTF-8 (Windows-1258, TCVN3 hay bảng mã khác?) / not UTF-8 text (Windows-1258, TCVN3 or another "
            f"encoding?); lưu lại dạng 'CSV UTF-8' / save it as 'CSV UTF-8'"
        ) from None


def _strip_boms(text: str) -> str:
    # A file re-saved by two tools can carry the mark twice; it is never data.
    return text.lstrip("\ufeff")


# ---- rows --------------------------------------------------------------------------------------

@dataclass
class Rows:
    """A table as read, before typing: the header, each data row's cells (text for CSV, cell values
    for XLSX), the line (CSV) or spreadsheet row (XLSX) of each data row, and the label errors use
    (``path`` or ``path [Sheet]``)."""

    header: list[str]
    rows: list[list[Any]]
    lines: list[int]
    label: str
    spreadsheet: bool = False

    def where(self, index: int, column: int) -> str:
        """``label, row r (line l), column 'name'`` of data row ``index`` and column ``column``."""
        name = self.header[column] if column < len(self.header) else ""
        if not self.lines or not self.lines[index]:  # a DataFrame: rows, no lines
            return f"{self.label}, row {index + 1}, column '{name}'"
        if self.spreadsheet:
            return (f"{self.label}, row {index + 1}, cell {_column_letter(column)}{self.lines[index]}, "
                    f"column '{name}'")
        return f"{self.label}, row {index + 1} (line {self.lines[index]}), column '{name}'"


def _column_letter(k: int) -> str:
    out = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(65 + r) + out
    return out


def read_rows(path: PathLike, *, sheet: Union[int, str] = 0, delimiter: Optional[str] = None,
              allow_empty: bool = False) -> Rows:
    """The header and rows of a CSV (``,`` ``;`` or tab, detected from the header line unless
    given) or an XLSX sheet, checked as the module docstring says."""
    p = os.fspath(path)
    low = p.lower()
    if low.endswith(_LEGACY_EXCEL):
        raise InputError(f"{p}: tệp Excel cũ (.xls) không đọc được / old Excel format (.xls): "
                         "save it as .xlsx or 'CSV UTF-8'")
    if low.endswith(XLSX_EXTENSIONS):
        out = _xlsx_rows(p, sheet)
    else:
        try:
            with open(p, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise InputError(f"{p}: cannot open file ({exc.strerror})") from None
        if raw.startswith(b"PK\x03\x04"):
            raise InputError(f"{p}: là bảng tính Excel, không phải CSV / an Excel workbook, not CSV: "
                             "name it .xlsx or save it as 'CSV UTF-8'")
        out = _csv_rows(decode_text(raw, p), p, delimiter)
    if not out.rows and not allow_empty:
        raise InputError(f"{out.label}: chỉ có dòng tiêu đề, không có dòng dữ liệu / only a header, no data rows")
    return out


def _sniff(first_line: str) -> str:
    counts = {d: 0 for d in _DELIMITERS}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties: the first listed (',')
    return best if counts[best] else ","


def _first_line(text: str) -> str:
    for line in io.StringIO(text, newline=""):
        if line.strip():
            return line
    return ""


def _csv_rows(text: str, label: str, delimiter: Optional[str]) -> Rows:
    if not text.strip():
        raise InputError(f"{label}: tệp rỗng, không có dòng tiêu đề / empty file: no header row")
    delim = delimiter or _sniff(_first_line(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    header: Optional[list[str]] = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if not record or all(not f.strip() for f in record):
                continue  # a blank line, or a row of empty cells Excel keeps after the table
            if header is None:
                header, header_line = [f.strip() for f in record], start
                continue
            rows.append(record)
            lines.append(start)
    except csv.Error as exc:
        where = previous + 1
        what = str(exc)
        if "unexpected end of data" in what or "EOF" in what:
            raise InputError(f"{label}, line {where}: dấu ngoặc kép không được đóng (tệp bị cắt?) / a quote "
                             "opened here is never closed (truncated file?)") from None
        raise InputError(f"{label}, line {where}: CSV không hợp lệ / malformed CSV ({what})") from None
    assert header is not None
    return _checked(Rows(header, rows, lines, label), header_line)


def _checked(t: Rows, header_line: int) -> Rows:
    """Header names present where there are values, unique; every row as wide as the header."""
    width = len(t.header)
    while width and not t.header[width - 1]:
        width -= 1  # trailing empty header cells: checked below as columns without a name
    for k, name in enumerate(t.header):
        if name:
            continue
        for i, r in enumerate(t.rows):
            if k < len(r) and _filled(r[k]):
                raise InputError(_no_name(t, i, k))
    for k in range(width):
        if not t.header[k]:
            continue
        for j in range(k + 1, width):
            if t.header[j] == t.header[k]:
                raise InputError(f"{t.label}, line {header_line}, column {_col(t, j)}: tên cột '{t.header[k]}' "
                                 f"lặp lại (đã có ở cột {_col(t, k)}) / column name '{t.header[k]}' given twice "
                                 f"(also column {_col(t, k)})")
    for i, r in enumerate(t.rows):
        if not t.spreadsheet and len(r) < width:
            raise InputError(f"{t.label}, row {i + 1} (line {t.lines[i]}): {len(r)} ô, tiêu đề có {width} cột "
                             f"(tệp bị cắt?) / {len(r)} fields where the header has {width} (truncated file?)")
        for k in range(len(t.header), len(r)):
            if _filled(r[k]):
                raise InputError(_no_name(t, i, k))
    keep = [k for k, name in enumerate(t.header) if name]
    if len(keep) != len(t.header) or any(len(r) != len(t.header) for r in t.rows):
        pad = None if t.spreadsheet else ""
        t.rows = [[(r[k] if k < len(r) else pad) for k in keep] for r in t.rows]
        t.header = [t.header[k] for k in keep]
    return t


def _col(t: Rows, k: int) -> str:
    return _column_letter(k) if t.spreadsheet else str(k + 1)


def _no_name(t: Rows, i: int, k: int) -> str:
    at = f"cell {_column_letter(k)}{t.lines[i]}" if t.spreadsheet else f"line {t.lines[i]}"
    return (f"{t.label}, row {i + 1} ({at}), column {_col(t, k)}: cột có dữ liệu nhưng không có tên trong dòng "
            f"tiêu đề / a column with values but no name in the header")


def _filled(v: Any) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


# ---- XLSX --------------------------------------------------------------------------------------

_EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")


def _xlsx_rows(path: str, sheet: Union[int, str]) -> Rows:
    import openpyxl  # only for workbooks: importing it costs a quarter of a second

    if not os.path.exists(path):
        raise InputError(f"{path}: cannot open file (no such file)")
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            if fh.read(4) == b"PK\x03\x04":
                raise InputError(f"{path}: bảng tính bị hỏng hoặc bị cắt / damaged or truncated workbook "
                                 "(its zip directory is missing)")
        # the id carries the Vietnamese reason (commdx.errors.describe); the text is the English detail
        raise InputError("not an Excel workbook (an .xlsx file is a zip archive): a CSV renamed .xlsx?",
                         file=path, id="commdx.file.format")
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, BadZipFile, XML errors) for a damaged file
        raise InputError(f"{path}: bảng tính bị hỏng / damaged workbook ({type(exc).__name__}: {exc})") from None
    try:
        names = values.sheetnames
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise InputError(f"{path}: no sheet number {sheet} (sheets: {', '.join(names)})")
            title = names[sheet]
        else:
            if sheet not in names:
                raise InputError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(names)})")
            title = sheet
        label = f"{path} [{title}]"
        try:
            grid = _xlsx_grid(values[title], formulas[title], label)
        except InputError:
            raise
        except Exception as exc:  # damaged sheet XML inside a valid zip
            raise InputError(f"{label}: bảng tính bị hỏng / damaged sheet ({type(exc).__name__}: {exc})") from None
    finally:
        values.close()
        formulas.close()
    header: Optional[list[str]] = None
    header_line = 0
    rows: list[list[Any]] = []
    lines: list[int] = []
    for excel_row, r in grid:
        if not any(_filled(v) for v in r):
            continue
        if header is None:
            header = [cell_text(v).strip() for v in r]
            header_line = excel_row
            continue
        rows.append(r)
        lines.append(excel_row)
    if header is None:
        raise InputError(f"{label}: trang tính rỗng, không có dòng tiêu đề / empty sheet: no header row")
    width = len(header)
    rows = [(r + [None] * width)[: max(width, len(r))] for r in rows]
    return _checked(Rows(header, rows, lines, label, spreadsheet=True), header_line)


def _xlsx_grid(ws_values: Any, ws_formulas: Any, label: str) -> list[tuple[int, list[Any]]]:
    """(Excel row number, cell values) of every row; a formula without a saved value or with an
    error value is refused naming its cell."""
    out: list[tuple[int, list[Any]]] = []
    for row_v, row_f in zip(ws_values.iter_rows(), ws_formulas.iter_rows()):
        cells = []
        excel_row = 0
        for cv, cf in zip(row_v, row_f):
            v = getattr(cv, "value", None)
            if getattr(cv, "row", None):
                excel_row = cv.row
            f = getattr(cf, "value", None)
            is_formula = getattr(cf, "data_type", None) == "f" or (isinstance(f, str) and f.startswith("="))
            if is_formula and v is None:
                at = f"{getattr(cf, 'coordinate', '?')}"
                raise InputError(
                    f"{label}, cell {at}: công thức {_formula_text(f)} không có giá trị đã lưu (bảng tính do chương "
                    f"trình tạo, chưa mở và lưu trong Excel) / formula {_formula_text(f)} has no saved value (a workbook "
                    "written by a program and never saved by Excel): open and save it in Excel, or paste values")
            if getattr(cv, "data_type", None) == "e" or (is_formula and isinstance(v, str) and v in _EXCEL_ERRORS):
                raise InputError(f"{label}, cell {getattr(cv, 'coordinate', '?')}: lỗi công thức {v} / formula "
                                 f"error value {v}")
            cells.append(v)
        if excel_row == 0:
            excel_row = (out[-1][0] + 1) if out else 1
        out.append((excel_row, cells))
    return out


def _formula_text(f: Any) -> str:
    text = getattr(f, "text", f)  # ArrayFormula keeps its text in .text
    return f"'{text}'"


def cell_text(v: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold: whole numbers without '.0', other
    numbers in their shortest exact form, TRUE/FALSE as 1/0, dates ISO (midnight times dropped)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return str(v)


# ---- typed table -------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


def read_table(path: PathLike, *, text: Union[Iterable[str], str] = (), numeric: Iterable[str] = (),
               dates: Iterable[str] = (), required: Iterable[str] = (), non_finite: Iterable[str] = (),
               sheet: Union[int, str] = 0, delimiter: Optional[str] = None,
               allow_empty: bool = False) -> pd.DataFrame:
    """A CSV or XLSX table (by the file's extension) as a DataFrame.

    Parameters
    ----------
    text : columns kept as text whatever they hold (codes, ids); ``"all"`` for every column.
    numeric : columns that must be numbers (a text value is refused naming its row and column).
    dates : date columns: ``YYYY-MM-DD`` or ``DD/MM/YYYY`` accepted, written back ``YYYY-MM-DD``.
    required : columns that must be in the header.
    non_finite : number columns where ``inf`` / ``nan`` mean something (a design effect without a
        simple-random-sampling variance); elsewhere they are refused, as is ``1e400``.
    allow_empty : a header without data rows gives an empty table instead of an error.

    Other columns are numbers when every value is a number (int64 without gaps, else float64),
    text otherwise. Empty cells are NaN. ``attrs``: ``source`` (the file, with the sheet for XLSX)
    and ``lines`` (the line, or spreadsheet row, of each data row).
    """
    t = read_rows(path, sheet=sheet, delimiter=delimiter, allow_empty=allow_empty)
    return frame(t, text=text, numeric=numeric, dates=dates, required=required, non_finite=non_finite)


def frame(t: Rows, *, text: Union[Iterable[str], str] = (), numeric: Iterable[str] = (),
          dates: Iterable[str] = (), required: Iterable[str] = (), non_finite: Iterable[str] = ()) -> pd.DataFrame:
    """The DataFrame of :func:`read_table` from rows already read."""
    missing = [c for c in required if c not in t.header]
    if missing:
        raise InputError(f"{t.label}: thiếu cột / missing column(s) {', '.join(repr(c) for c in missing)} "
                         f"(header: {', '.join(t.header)})")
    all_text = text == "all"
    text_set = set() if all_text else set(text)
    numeric_set, date_set, non_finite_set = set(numeric), set(dates), set(non_finite)
    width = len(t.header)
    cells = [[cell_text(v) for v in r] for r in t.rows] if t.spreadsheet else t.rows
    grid = np.empty((len(cells), width), dtype=object)
    if cells:
        grid[:, :] = cells
    data: dict[str, Any] = {}
    for k, name in enumerate(t.header):
        raw = pd.Series(grid[:, k], dtype=object)
        present = grid[:, k] != ""
        if name in date_set:
            data[name] = _date_column(t, k, raw.str.strip(), present)
        elif all_text or name in text_set:
            data[name] = raw.where(present, np.nan)
        else:
            data[name] = _typed_column(t, k, raw, present, must_be_number=name in numeric_set,
                                       finite=name not in non_finite_set)
    df = pd.DataFrame(data, index=pd.RangeIndex(len(t.rows)))
    df.attrs["source"] = t.label
    # A tuple, not an array: pandas compares and deep-copies attrs on concat and most operations.
    df.attrs["lines"] = tuple(t.lines)
    return df


def _typed_column(t: Rows, k: int, raw: pd.Series, present: np.ndarray, must_be_number: bool,
                  finite: bool = True) -> pd.Series:
    """Numbers when every value is one (vectorised by pandas: a ward's household table has hundreds
    of thousands of rows), else the text as given. Blank cells are missing."""
    col = raw.to_numpy(dtype=object)
    joined = "".join(col)
    try:
        # numpy's float() per cell is four times faster than pandas.to_numeric; it also takes
        # "1_000", which is not a number in a table: those columns go the careful way.
        if "_" in joined:
            raise ValueError
        values = np.where(present, col, "nan").astype(np.float64)
    except ValueError:  # text, or blank-looking cells: the careful way, cell by cell below
        values = np.array(pd.to_numeric(raw, errors="coerce"), dtype="float64")
    for i in np.flatnonzero(present & np.isnan(values)):  # blanks, "nan" tokens, overflow, or text
        c = col[i].strip()
        if not c:
            present[i] = False
        elif _NON_FINITE.fullmatch(c) or _NUMBER.fullmatch(c):
            values[i] = float(c)
        elif must_be_number:
            raise InputError(f"{t.where(int(i), k)}: '{c}' không phải số / not a number")
        else:
            return raw.where(present, np.nan)
    if finite:
        bad = np.flatnonzero(present & ~np.isfinite(values))
        if len(bad):
            first = int(bad[0])
            c = col[first].strip()
            raise InputError(f"{t.where(first, k)}: '{c}' không phải số hữu hạn / not a finite number"
                             + (" (vượt quá giới hạn / out of range)" if _NUMBER.fullmatch(c) else
                                " (để trống ô nếu thiếu / leave the cell empty when missing)"))
    if present.all() and len(raw) and np.isfinite(values).all():
        # whole numbers written without '.' or an exponent are int64, as in pandas
        if "." not in joined and "e" not in joined and "E" not in joined:
            if np.abs(values).max() < 2.0**53:
                return pd.Series(values.astype("int64"), dtype="int64")
            if all(abs(int(c)) < 2**63 for c in col):
                return pd.Series([int(c) for c in col], dtype="int64")
    return pd.Series(values, dtype="float64")


# ---- dates -------------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: str) -> Optional[_dt.date]:
    """The date of ``YYYY-MM-DD`` (a time after it is allowed and dropped) or ``DD/MM/YYYY`` — the
    order Vietnamese users write; never month first, never guessed per value — or None."""
    s = value.strip()
    m = _ISO.fullmatch(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DMY.fullmatch(s)
        if not m:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return _dt.date(y, mo, d)
    except ValueError:
        return None


def _date_column(t: Rows, k: int, stripped: pd.Series, present: np.ndarray) -> pd.Series:
    iso = pd.to_datetime(stripped.where(present, None), format="%Y-%m-%d", errors="coerce")
    out = iso.dt.strftime("%Y-%m-%d").to_numpy(dtype=object, na_value=np.nan)
    for i in np.flatnonzero(present & iso.isna().to_numpy()):  # day-first dates, times, and errors
        c = stripped.iat[i]
        d = parse_date(c)
        if d is None:
            raise InputError(f"{t.where(int(i), k)}: ngày '{c}' không hợp lệ, cần dd/mm/yyyy hoặc yyyy-mm-dd / "
                             f"invalid date '{c}': expected dd/mm/yyyy or yyyy-mm-dd (day first)")
        out[i] = d.isoformat()
    return pd.Series(out, dtype="object")


def _lines_of(index: pd.Index, lines: Any) -> list[int]:
    """The file line of each row from ``attrs['lines']`` by the row's index label (read_table's
    index is 0..n-1, which filtering and sorting keep); [] when they cannot be matched."""
    if not lines or not pd.api.types.is_integer_dtype(index) or len(index) == 0:
        return []
    labels = index.to_numpy()
    if labels.min() < 0 or labels.max() >= len(lines):
        return []
    return [int(lines[i]) for i in labels]


def normalise_dates(df: pd.DataFrame, columns: Iterable[str], source: Optional[str] = None) -> pd.DataFrame:
    """A copy of ``df`` whose date ``columns`` (those present) are checked and written
    ``YYYY-MM-DD`` — for tables given as DataFrames rather than files. Errors name ``source`` (or
    ``attrs['source']``), the row (and its line when ``attrs['lines']`` has it) and the column."""
    cols = [c for c in columns if c in df.columns]
    if not cols:
        return df
    label = source or str(df.attrs.get("source", "DataFrame"))
    lines = df.attrs.get("lines")
    header = [str(c) for c in df.columns]
    out = df.copy()
    for c in cols:
        col = df[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            out[c] = col.dt.strftime("%Y-%m-%d").where(col.notna(), np.nan)
            continue
        cells = pd.Series(["" if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else
                           cell_text(v).strip() for v in col.tolist()], dtype=object)
        rows = Rows(header, [], _lines_of(df.index, lines), label)
        out[c] = _date_column(rows, header.index(str(c)), cells, (cells != "").to_numpy()).to_numpy()
    return out


def read_as_typed(path: PathLike) -> pd.DataFrame:
    """A table whose cells the compiled core reads by its own rules (the areas and places readers:
    Vietnamese or plain number formats decided per column, codes with their leading zeros): CSV
    cells stay text; in an XLSX sheet a column of number cells stays numbers, and a number cell in
    a column that also holds typed text is marked so the core takes its exact value."""
    p = os.fspath(path)
    if not p.lower().endswith(XLSX_EXTENSIONS):
        return read_table(p, text="all")
    t = read_rows(p)
    data: dict[str, list[Any]] = {h: [r[k] for r in t.rows] for k, h in enumerate(t.header)}
    out: dict[str, Any] = {}
    for h, values in data.items():
        present = [v for v in values if v is not None and not (isinstance(v, str) and v.strip() == "")]
        if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            out[h] = pd.Series([np.nan if v is None or isinstance(v, str) else float(v) for v in values], dtype="float64")
        else:
            # Number cells in a column that also holds typed text keep their exact value: the
            # core reads "\x01<number>" as a spreadsheet number, whatever the column's format.
            out[h] = pd.Series([_marked_cell_text(v) for v in values], dtype="object")
    df = pd.DataFrame(out, index=pd.RangeIndex(len(t.rows)))
    df.attrs["source"] = p
    return df


def _marked_cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return "\x01" + str(int(v))
    if isinstance(v, float):
        return "\x01" + repr(v)
    return str(v).strip()
