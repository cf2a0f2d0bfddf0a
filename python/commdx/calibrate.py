"""Issue 14: non-response adjustment and calibration to known totals (the compiled core's
``include/commdx/calibrate.hpp``; methods and formulas in docs/calibration.md).

``commdx.calibrate(df, design, margins, method="linear", bounds=None)`` returns a
``commdx.CalibratedDesign``: its ``weights`` are the calibrated weights in row order, and it works
wherever a ``SurveyDesign`` does (``commdx.estimate``, ``commdx.estimate_ratio``,
``commdx.indicators``), with standard errors from the calibration residuals as R's ``survey``
computes them for ``calibrate``/``postStratify`` designs. Estimate from the same rows, in the same
order, as were calibrated (a different weight column is refused, naming the row).

``margins`` maps a column to ``{category: population count}`` or to a population total::

    cal = commdx.calibrate(sample, design, {"ward_code": {"26506": 4285, ...},
                                            "head_education": {"0": 1100, ...},
                                            "members": 194427}, method="raking", bounds=(0.5, 2))

``commdx.adjust_nonresponse(df, weight, responded, cells)`` is the weighting-class adjustment
that comes before calibration: respondents' weights scaled up to carry their cell's
non-respondents, the respondents' rows returned.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import _core
from .estimate import SurveyDesign, _as_list, _codes, _columns, _design, _numeric, _source

__all__ = ["CalibratedDesign", "adjust_nonresponse", "calibrate"]

CalibratedDesign = _core.CalibratedDesign

_METHODS = ("poststratify", "linear", "raking")


def _margins(margins: Mapping[str, Any]) -> list[tuple[str, bool, float, list[tuple[str, float]]]]:
    if not isinstance(margins, Mapping) or not margins:
        raise _core.ConfigError("margins: expected a dict {column: {category: population count}, or column: total}")
    out = []
    for column, spec in margins.items():
        if isinstance(spec, Mapping):
            counts = []
            for category, count in spec.items():
                try:
                    counts.append((str(category), float(count)))
                except (TypeError, ValueError):
                    raise _core.ConfigError(f"margins, column '{column}': margin '{column}', category '{category}': "
                                            f"a population count must be a number, got {count!r}") from None
            out.append((str(column), False, math.nan, counts))
        elif isinstance(spec, pd.Series):
            out.append((str(column), False, math.nan, [(str(k), float(v)) for k, v in spec.items()]))
        else:
            try:
                total = float(spec)
            except (TypeError, ValueError):
                raise _core.ConfigError(f"margins, column '{column}': expected {{category: count}} or a population total, "
                                        f"got {spec!r}") from None
            out.append((str(column), True, total, []))
    return out


def calibrate(df: pd.DataFrame, design: SurveyDesign | dict | str | None, margins: Mapping[str, Any],
              method: str = "linear", bounds: tuple[float, float] | None = None, max_iterations: int = 100,
              tolerance: float = 1e-10) -> CalibratedDesign:
    """Calibrate ``design``'s weights on ``df`` to the population ``margins``.

    Parameters
    ----------
    df : the sample's rows (the same rows, in the same order, are estimated from afterwards)
    design : the sampling design (``SurveyDesign``, its dict, or "weight=...,strata=...")
    margins : ``{column: {category: population count}}`` for a categorical margin, or
        ``{column: population total}`` for a numeric one; categorical margins must all count the
        same population
    method : "poststratify" (one categorical margin), "linear" (GREG) or "raking"
    bounds : ``(lo, hi)`` with lo < 1 < hi on g = calibrated / original weight (linear, raking)
    max_iterations, tolerance : the Newton iteration's cap (counted in steps) and its tolerance on
        every |population - calibrated total| / (1 + |population|)
    """
    if isinstance(design, CalibratedDesign):
        raise _core.ConfigError("calibrate: the design is already calibrated; calibrate the original design to all margins at once")
    d = _design(design)
    if method not in _METHODS:
        raise _core.ConfigError(f"calibrate: method must be one of {', '.join(_METHODS)}, got {method!r}")
    lower, upper = (-math.inf, math.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    ms = _margins(margins)
    categorical = [m[0] for m in ms if not m[1]]
    totals = [m[0] for m in ms if m[1]]
    cols = _columns(df, [c for c in (d.weight, d.fpc) if c] + totals, [c for c in (d.strata, d.psu) if c] + categorical)
    return _core._calibrate(cols, d.to_dict(), ms, method, lower, upper, int(max_iterations), float(tolerance), _source(df))


def adjust_nonresponse(df: pd.DataFrame, weight: str, responded: str,
                       cells: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Weighting-class non-response adjustment: within each cell of ``cells`` (the whole sample
    when None), respondents' weights times (weight of respondents and non-respondents) /
    (weight of respondents). ``responded`` is a 0/1 column. Returns the respondents' rows with
    ``weight`` adjusted (their index kept). A cell with no respondent is refused, naming it."""
    cell_cols = _as_list(cells)
    cols = {name: _codes(df, name) for name in cell_cols if name in df.columns}
    for name in cell_cols:
        if name not in df.columns:
            raise _core.InputError(f"{_source(df)}, column '{name}': missing required column")
    for name in (weight, responded):
        if name not in df.columns:
            raise _core.InputError(f"{_source(df)}, column '{name}': missing required column")
        cols[name] = _numeric(df, name)
    adjusted = _core._adjust_nonresponse(cols, weight, responded, cell_cols, _source(df))
    keep = cols[responded] == 1.0
    out = df.loc[keep].copy()
    out[weight] = np.asarray(adjusted)[keep]
    out.attrs = dict(df.attrs)
    return out
