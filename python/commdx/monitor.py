"""The monitor stage (R4, T2, M1, S5): changes between survey rounds with a design-based test,
small-cell suppression of published tables, and the monthly report (``monthly_report``).

The statistics run in the compiled core (``include/commdx/monitor.hpp``, ``report.hpp``); this
module adapts pandas DataFrames to it. The report itself is assembled in ``commdx.report``.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from . import _core
from ._frame import from_columns, to_columns

__all__: list[str] = ["round_changes", "suppress_small_cells", "monthly_report", "MonthlyReport"]

_DESIGN_KEYS = ("weight", "strata", "psu", "fpc", "round")
_DEFAULT_DESIGN = {"weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc", "round": "round"}


def _design_dict(design: Any) -> dict[str, str]:
    """A SurveyDesign (any object with weight/strata/psu/fpc attributes), a dict, or None."""
    out = dict(_DEFAULT_DESIGN)
    if design is None:
        return out
    if isinstance(design, Mapping):
        items = dict(design)
    else:
        items = {k: getattr(design, k) for k in _DESIGN_KEYS if hasattr(design, k)}
    for key, value in items.items():
        if key not in _DESIGN_KEYS:
            raise _core.ConfigError(f"design: unknown key '{key}' (expected one of {', '.join(_DESIGN_KEYS)})")
        out[key] = "" if value is None else str(value)
    return out


def _variables(variables: Any) -> list[list[str]]:
    """Normalises variables: 'col' (a mean), {'name': 'col'}, {'name': ('num', 'den')}."""
    if isinstance(variables, str):
        variables = [variables]
    out: list[list[str]] = []
    if isinstance(variables, Mapping):
        for name, spec in variables.items():
            if isinstance(spec, str):
                out.append([str(name), spec, ""])
            else:
                num, den = spec
                out.append([str(name), str(num), "" if den is None else str(den)])
        return out
    for v in variables:
        if isinstance(v, str):
            out.append([v, v, ""])
        else:
            name, num, den = v
            out.append([str(name), str(num), "" if den is None else str(den)])
    return out


def round_changes(
    df: pd.DataFrame,
    variables: Any,
    design: Any = None,
    *,
    before: float = 0,
    after: float = 1,
    by: str | None = None,
    include_total: bool = True,
    level: float = 0.95,
) -> pd.DataFrame:
    """Change of each variable between two survey rounds stacked in ``df``, with its design-based
    standard error and test (R4).

    Parameters
    ----------
    df : DataFrame
        Both rounds' rows, with the design columns (default: ``weight, stratum, psu, fpc, round``).
    variables : str, list or dict
        ``"bank_account"`` (a mean or proportion), ``{"name": ("numerator", "denominator")}`` for
        a ratio, or a list of either / of ``(name, numerator, denominator)`` tuples.
    design : SurveyDesign or dict, optional
        Column names: ``weight``, ``strata``, ``psu``, ``fpc``, ``round`` (None or "" = absent).
    before, after : round numbers compared (default 0 = baseline, 1 = follow-up).
    by : column of domains (e.g. ``"ward_code"``); the whole population is included too unless
        ``include_total=False``.
    level : confidence level; a change is ``significant`` when its two-sided p-value is below
        ``1 - level``.

    Returns
    -------
    DataFrame with ``domain, variable, before, se_before, after, se_after, change, se_change,
    covariance, z, p_value, ci_low, ci_high, n_before, n_after, significant``. A PSU holding both
    rounds (a panel) makes the covariance count, as R's ``svyby`` + ``svycontrast`` do; strata
    whose PSUs differ between rounds are treated as independent samples.
    """
    d = _design_dict(design)
    vars_ = _variables(variables)
    needed = {c for c in d.values() if c} | {v[1] for v in vars_} | {v[2] for v in vars_ if v[2]}
    if by:
        needed.add(by)
    missing_cols = [c for c in sorted(needed) if c not in df.columns]
    if missing_cols:
        raise _core.InputError(f"DataFrame, column '{missing_cols[0]}': missing required column")
    text_cols = tuple(c for c in (d["strata"], d["psu"], by) if c)
    cols = to_columns(df[sorted(needed)], text_columns=text_cols)
    out = _core._test_changes(cols, "DataFrame", d, vars_, float(before), float(after), by or "",
                              bool(include_total), float(level))
    res = from_columns(out)
    res["significant"] = res["significant"].astype(bool)
    for c in ("n_before", "n_after"):
        res[c] = res[c].astype("int64")
    return res


def suppress_small_cells(
    cells: pd.DataFrame,
    *,
    id: str = "unit",
    parent: str = "parent",
    households: str = "n",
    group: str | None = None,
    min_households: float = 5,
) -> pd.Series:
    """Small-cell status of each row of a hierarchical table: ``published``, ``primary`` (fewer
    than ``min_households`` households) or ``complementary`` (suppressed so that no primary cell
    can be recovered by differencing published totals along ``parent``). ``group`` splits the
    table into independent hierarchies (e.g. one per indicator)."""
    ids = cells[id].astype(str).tolist()
    parents = ["" if pd.isna(p) else str(p) for p in cells[parent].tolist()]
    hh = pd.to_numeric(cells[households], errors="coerce").astype(float).tolist()
    groups = [] if group is None else cells[group].astype(str).tolist()
    status = _core._suppress_small_cells(ids, parents, hh, groups, float(min_households))
    return pd.Series(status, index=cells.index, name="suppression")


def monthly_report(*args: Any, **kwargs: Any) -> "MonthlyReport":
    """The monthly report of a ward or the city; see :func:`commdx.report.monthly_report`."""
    from .report import monthly_report as _impl

    return _impl(*args, **kwargs)


def __getattr__(name: str) -> Any:  # MonthlyReport lives in commdx.report (imported lazily)
    if name == "MonthlyReport":
        from .report import MonthlyReport

        return MonthlyReport
    raise AttributeError(name)

