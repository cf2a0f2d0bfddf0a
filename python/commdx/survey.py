"""S1-S4: reading household, business and opinion records.

CSV files are read by the compiled reader (one pass over the file in memory, typed by the
schema); XLSX sheets and pandas DataFrames are converted to columns and go through the same C++
checks. KoboToolbox / ODK Collect exports are read as they come (group-prefixed columns,
select-multiple answers as one space-separated column or one 1/0 column per option, ``_uuid`` and
``_submission_time`` kept). Place columns accept codes or names (matched with ``Places.match``).

Strict by default: the first bad row raises ``commdx.InputError`` / ``commdx.ValidationError``
naming the file, row, line and column. With ``strict=False`` the good rows come back with a table
of every refused row (row, line, column, value, reason); good + refused = the file's rows.
"""
from __future__ import annotations

import io
import os
from typing import Any, NamedTuple, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._frame import to_columns
from .io import tables
from .places import Places
from .io.json import read_json, shipped_json

__all__ = [
    "IngestResult",
    "read_households",
    "read_businesses",
    "read_survey",
    "survey_schema",
    "survey_schema_json",
]

Source = Union[str, "os.PathLike[str]", pd.DataFrame, io.TextIOBase]


class IngestResult(NamedTuple):
    """A lenient read: the records that passed and one row per refused record."""

    records: pd.DataFrame
    refused: pd.DataFrame

    @property
    def rows_read(self) -> int:
        """Rows in the input (always ``len(records) + len(refused)``)."""
        return len(self.records) + len(self.refused)


# ---- schema ------------------------------------------------------------------------------------

def survey_schema_json() -> dict[str, Any]:
    """The shipped default schema (``commdx/data/survey-schema.json``) as a dict; edit a copy and
    pass it as ``schema=`` to read files with other columns or rules."""
    return shipped_json("survey-schema.json")


def survey_schema(kind: str = "households") -> pd.DataFrame:
    """One row per column of a record kind ('households' or 'businesses'): name, type, required,
    min, max, values (allowed categories, space-separated), unit_level, parent_column, max_column."""
    doc = survey_schema_json()
    if kind not in doc:
        raise _core.ConfigError(f"survey-schema.json: no record kind '{kind}' (households, businesses)")
    rows = []
    for c in doc[kind]["columns"]:
        likert = c.get("type") == "likert"
        rows.append({
            "name": c["name"],
            "type": c.get("type", "text"),
            "required": bool(c.get("required", False)),
            "min": float(c.get("min", 1 if likert else np.nan)),
            "max": float(c.get("max", 5 if likert else np.nan)),
            "values": " ".join(c.get("values", [])),
            "unit_level": int(c.get("unit_level", 0)),
            "parent_column": c.get("parent_column", ""),
            "max_column": c.get("max_column", ""),
        })
    return pd.DataFrame(rows)


# ---- reading -----------------------------------------------------------------------------------

def read_households(source: Source, places: Optional[Places] = None, mapping: Any = None,
                    strict: bool = True, *, schema: Optional[dict] = None, sheet: Union[int, str] = 0,
                    delimiter: Optional[str] = None) -> Union[pd.DataFrame, IngestResult]:
    """Household records (S1, S3, S4) from a CSV or XLSX path, a file object, or a DataFrame.

    Parameters
    ----------
    source : path (.csv, .txt, .xlsx, .xlsm), text file object, or pandas.DataFrame
    places : commdx.Places or a path to a places file, optional
        When given, place columns (ward_code, neighbourhood_code, group_code) must hold codes or
        names of units of the right level inside each other; names become codes.
    mapping : dict or path to a JSON file, optional
        ``{"source column": "schema column"}`` or ``{"columns": {...}, "values": {...},
        "select_multiple": {...}, "blank_is_no": [...]}`` (see docs/data-dictionary.md).
    strict : bool
        True: the first bad row raises. False: returns ``IngestResult(records, refused)``.
    schema : dict, optional
        A schema document like ``survey_schema_json()`` instead of the shipped one.
    sheet : int or str
        XLSX sheet (index or name).
    delimiter : str, optional
        CSV delimiter; detected from the header line when omitted (',', ';' or tab).

    Returns
    -------
    pandas.DataFrame (strict) or IngestResult (lenient). Numbers are float64 (NaN missing),
    codes and ids text ("" missing).
    """
    return read_survey(source, "households", places, mapping, strict, schema=schema, sheet=sheet,
                       delimiter=delimiter)


def read_businesses(source: Source, places: Optional[Places] = None, mapping: Any = None,
                    strict: bool = True, *, schema: Optional[dict] = None, sheet: Union[int, str] = 0,
                    delimiter: Optional[str] = None) -> Union[pd.DataFrame, IngestResult]:
    """Business records (S2) with the businesses schema; arguments as ``read_households``."""
    return read_survey(source, "businesses", places, mapping, strict, schema=schema, sheet=sheet,
                       delimiter=delimiter)


def read_survey(source: Source, kind: str = "households", places: Optional[Places] = None,
                mapping: Any = None, strict: bool = True, *, schema: Optional[dict] = None,
                sheet: Union[int, str] = 0,
                delimiter: Optional[str] = None) -> Union[pd.DataFrame, IngestResult]:
    """Records of a kind of the schema ('households', 'businesses'); see ``read_households``."""
    where = _places(places)
    mapping_doc = _mapping(mapping)
    delim = delimiter or ""
    if isinstance(source, pd.DataFrame):
        out = _core._survey_read_columns(_dataframe_columns(source), "DataFrame", kind, where,
                                         mapping_doc, strict, schema)
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path.lower().endswith(tables.XLSX_EXTENSIONS):
            columns, label = _xlsx_columns(path, sheet)
            columns = _kobo_parent_places(path, columns, label,
                                          (schema or survey_schema_json()).get(kind, {}))
            out = _core._survey_read_columns(columns, label, kind, where, mapping_doc, strict, schema)
        else:
            out = _core._survey_read_file(path, kind, where, mapping_doc, strict, schema, delim)
    elif hasattr(source, "read"):
        text = source.read()  # bytes go to the reader as they are: it checks UTF-8 and decodes UTF-16
        label = getattr(source, "name", "<file>")
        out = _core._survey_read_text(text, str(label), kind, where, mapping_doc, strict, schema, delim)
    else:
        raise TypeError(f"read_survey: expected a path, a file object or a DataFrame, got {type(source).__name__}")
    good, refused, _rows = out
    records = _skipped_answers(_frame(good), (schema or survey_schema_json()).get(kind, {}))
    if strict:
        return records
    ref = _frame(refused)
    ref["row"] = ref["row"].astype("int64")
    ref["line"] = ref["line"].astype("Int64")
    return IngestResult(records, ref)


# ---- helpers -----------------------------------------------------------------------------------

class SkipRule(NamedTuple):
    """One of the schema's ``skip_logic`` rules: ``columns`` are asked only when ``column`` is
    at least ``value`` (``op`` "min") or equals it (``op`` "equals"); a skipped answer reads as
    ``otherwise`` (None: missing). The one parser of the rules: the reader (below) fills skipped
    answers from them, ``commdx.xlsform`` writes them as ``relevant``."""
    column: str
    op: str
    value: Any
    columns: tuple
    otherwise: Any


def skip_rules(kind_doc: dict) -> list[SkipRule]:
    """The ``skip_logic`` rules of one record kind of the survey schema; a rule whose
    ``ask_when`` has neither ``min`` nor ``equals`` is refused, naming its column."""
    out = []
    for rule in kind_doc.get("skip_logic", []):
        cond = rule["ask_when"]
        op = "min" if "min" in cond else "equals" if "equals" in cond else None
        if op is None:
            raise _core.ConfigError(f"survey-schema.json: skip_logic condition on '{cond['column']}' needs 'min' or "
                                    "'equals'", column=cond["column"])
        out.append(SkipRule(cond["column"], op, cond[op], tuple(rule["columns"]), rule.get("otherwise")))
    return out


def _skipped_answers(df: pd.DataFrame, kind_doc: dict) -> pd.DataFrame:
    """The schema's skip_logic: a blank answer to a question the form skipped (its ``ask_when``
    known and false) becomes the rule's ``otherwise`` (0 = known "no"); a null ``otherwise``
    leaves it missing (outside the question's domain). Answers that are there are kept."""
    multi = kind_doc.get("select_multiple", {})
    for rule in skip_rules(kind_doc):
        value = rule.otherwise
        if value is None or rule.column not in df.columns:
            continue
        on = df[rule.column]
        if rule.op == "min":
            skipped = on.notna() & (on < float(rule.value))
        else:
            want = rule.value
            known = on.notna() & (on.astype(str) != "") if not isinstance(want, (int, float)) else on.notna()
            skipped = known & (on != want)
        targets: list[str] = []
        for c in rule.columns:
            targets += [t for t in multi[c].values() if t] if c in multi else [c]
        for t in targets:
            if t in df.columns:
                fill = skipped & df[t].isna()
                if fill.any():
                    df.loc[fill, t] = float(value)
    return df


def _kobo_parent_places(path: str, cols: dict[str, list[str]], label: str, kind_doc: dict) -> dict[str, list[str]]:
    """A Kobo XLSX export's repeat sheet (``_parent_index``, ``_parent_table_name``: the business
    module of ``commdx.xlsform``) has no place questions of its own: each row takes the place
    columns of its parent row (the main sheet's ``_index``), the parent's group paths stripped.
    Any other sheet, or one with its own place columns, is returned as it is."""
    places = [c["name"] for c in kind_doc.get("columns", []) if c.get("unit_level")]
    have = {h.rsplit("/", 1)[-1] for h in cols}
    if "_parent_index" not in cols or "_parent_table_name" not in cols or all(p in have for p in places):
        return cols
    parents = set(cols["_parent_table_name"])
    if len(parents) != 1:
        raise _core.InputError(f"{label}, column '_parent_table_name': a repeat sheet with rows of "
                               f"several parents ({', '.join(sorted(parents))}); read one repeat at a time")
    parent = tables.read_rows(path, sheet=parents.pop())
    index = parent.header.index("_index") if "_index" in parent.header else -1
    if index < 0:
        raise _core.InputError(f"{parent.label}: the parent sheet of {label} has no '_index' column")
    by_index = {tables.cell_text(r[index]): r for r in parent.rows}
    out = dict(cols)
    for name in places:
        if name in have:
            continue
        k = next((i for i, h in enumerate(parent.header) if h.rsplit("/", 1)[-1] == name), -1)
        if k < 0:
            continue
        values = []
        for r, pi in enumerate(cols["_parent_index"], start=1):
            if pi not in by_index:
                raise _core.InputError(f"{label}, row {r}, column '_parent_index': no row with _index {pi!r} "
                                       f"in {parent.label}")
            values.append(tables.cell_text(by_index[pi][k]))
        out[name] = values
    return out


def _places(places: Any) -> Optional[Places]:
    if places is None or isinstance(places, Places):
        return places
    if isinstance(places, (str, os.PathLike)):
        return Places.from_file(os.fspath(places))
    raise TypeError(f"places: expected commdx.Places, a path or None, got {type(places).__name__}")


def _mapping(mapping: Any) -> Optional[dict]:
    if mapping is None or isinstance(mapping, dict):
        return mapping
    if isinstance(mapping, (str, os.PathLike)):
        return read_json(os.fspath(mapping))
    raise TypeError(f"mapping: expected a dict, a path to a JSON file or None, got {type(mapping).__name__}")


def _string_dtype_is_arrow() -> bool:
    try:
        return isinstance(pd.Series([], dtype="str").dtype, pd.StringDtype)
    except TypeError:  # pragma: no cover - very old pandas
        return False


_ARROW_STR = _string_dtype_is_arrow()


def _text(offsets: np.ndarray, data: np.ndarray) -> Any:
    """Arrow strings over the reader's buffers (no per-cell copy); object strings on older pandas."""
    import pyarrow as pa

    arr = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))
    if _ARROW_STR:
        return pd.array(arr, dtype="str")
    return arr.to_numpy(zero_copy_only=False).astype(object)


def _frame(columns: dict) -> pd.DataFrame:
    data = {name: (_text(*v) if isinstance(v, tuple) else v) for name, v in columns.items()}
    return pd.DataFrame(data, copy=False)


def _dataframe_columns(df: pd.DataFrame) -> dict[str, Any]:
    """Numeric and boolean columns as float64, everything else as text; datetimes in ISO form."""
    df = df.copy(deep=False)
    for name in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[name]):
            df[name] = df[name].map(lambda v: "" if pd.isna(v) else v.isoformat())
    return to_columns(df)


def _xlsx_columns(path: str, sheet: Union[int, str]) -> tuple[dict[str, list[str]], str]:
    """Every cell of a sheet as text (numbers without a trailing '.0'), header from the first row;
    the workbook's checks (a zip, formulas with saved values, named columns) in ``io.tables``.
    A sheet with a header and no rows goes on to the survey's own checks, as a CSV does."""
    t = tables.read_rows(path, sheet=sheet, allow_empty=True)
    cols = {n: [tables.cell_text(r[k]) for r in t.rows] for k, n in enumerate(t.header)}
    return cols, t.label
