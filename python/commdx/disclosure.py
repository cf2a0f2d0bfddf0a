"""Statistical disclosure control of the monthly report (docs/disclosure.md).

The report publishes, per unit of the place tree (city > ward > neighbourhood > residential
group), indicator estimates with their standard errors, confidence intervals and tests; per team
and member, adoptions; per process and area, the households of the M1 log. Every one of these
tables is additive along a tree (a parent is the sum of its children), and the standard errors
are quadratic functions of the PSU totals. This module decides, once for all tables of the same
tree, which cells are published:

* ``indicator_pattern``: one pattern per indicator for the whole place tree, the same in every
  report and every month (computed from all survey rounds present), so that no report or month
  publishes a cell another one hides. Primary cells: fewer than k households in any round,
  or every household giving the same answer (a unanimous cell, 0% or 100%) while fewer than
  ``unanimous_below`` households; complementary cells by ``commdx.suppress_small_cells`` (the
  C++ rule), repeated until no published parent leaves a remainder (its suppressed children
  together) that is unanimous, nor, where the hidden children carry different design weights
  (a weighted sum: the city over its wards), a weight class of them unsafe on its own.
* ``merged_design``: the survey rows with every suppressed residential group of a stratum merged
  into one PSU (and the strata of suppressed wards merged into one stratum), so that a published
  standard error depends on the suppressed cells only through their sum — which the published
  parent minus its published children already gives. The SE then adds no equation to the
  attacker's system (attack (a) of issue 11: the sum of squares of the suppressed groups).
* ``tree_suppression``: the same rule on any other additive table (team = sum of its members,
  city = sum of its wards for each M1 process).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import _core
from ._frame import to_columns
from .monitor import suppress_small_cells

__all__ = ["CITY", "indicator_pattern", "merged_design", "tree_suppression"]

CITY = "__city__"
LEVELS = ("ward_code", "neighbourhood_code", "group_code")


def tree_suppression(cells: pd.DataFrame, *, k: float, group: str | None = None,
                     forced: pd.Series | None = None) -> pd.Series:
    """Status per row of an additive table with columns ``unit``, ``parent``, ``households``:
    ``commdx.suppress_small_cells`` with the rows of ``forced`` (a boolean Series) made primary."""
    hh = cells["households"].astype(float)
    if forced is not None:
        hh = hh.where(~forced.to_numpy(), 0.0)
    status = suppress_small_cells(cells.assign(households=hh), id="unit", parent="parent",
                                  households="households", group=group, min_households=k)
    if forced is not None:
        status = status.where(~(forced.to_numpy() & (status == "primary").to_numpy()), "primary")
    return status


def _codes(col: pd.Series) -> list[str]:
    """A code column as text, as the readers give it (missing -> "")."""
    return to_columns(col.to_frame(), text_columns=(str(col.name),))[str(col.name)]


def indicator_pattern(rows: pd.DataFrame, variables: Mapping[str, tuple[str, str | None]], *, k: float,
                      unanimous_below: float, weight: str | None = "weight") -> pd.DataFrame:
    """The publication status of every unit of the place tree the survey ``rows`` reach (all
    rounds stacked, column ``round``), per indicator of ``variables`` (C++
    ``commdx::indicator_pattern``, include/commdx/report/disclosure.hpp).

    Returns columns unit, parent, level, weight_class, households (the fewest households the
    indicator is computed from in any round), reason (``small``, ``unanimous``,
    ``remainder_unanimous``, ``remainder_weighted`` or ``""``), status (``published``,
    ``primary``, ``complementary``) and variable.

    ``weight`` names the design-weight column (ignored when the rows lack it). A published parent
    whose children carry different weights publishes a *weighted* sum of them (the city's
    estimate is Σ w·y / Σ w·n over its wards). With the published children subtracted, the
    attacker knows Σ n and Σ w·n, Σ w·y of the hidden ones: for weights that are not multiples of
    each other, integrality separates the hidden children of different weights (the demo's leak:
    26515 at weight 1 and 26545 at 1.25). So the hidden children of each weight class must be a
    safe remainder on their own (docs/disclosure.md, step 2b)."""
    cols: dict[str, Any] = {"round": pd.to_numeric(rows["round"], errors="coerce").to_numpy(dtype="float64")}
    for level in LEVELS:
        if level not in rows.columns:
            break
        cols[level] = _codes(rows[level])
    if weight is not None and weight in rows.columns:
        cols[weight] = pd.to_numeric(rows[weight], errors="coerce").to_numpy(dtype="float64")
    for num, den in variables.values():
        for c in (num, den):
            if c and c not in cols:
                cols[c] = pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64")
    out = _core._indicator_pattern(cols, str(rows.attrs.get("source") or "survey rows"),
                                   [[v, num, den or ""] for v, (num, den) in variables.items()],
                                   float(k), float(unanimous_below), weight or "")
    return pd.DataFrame(out)


def merged_design(rows: pd.DataFrame, pattern: pd.DataFrame,
                  design: Mapping[str, str | None]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The survey rows with the design the published standard errors are computed on.

    In each stratum, the PSUs of every suppressed residential group (the rows' finest unit)
    become one PSU; the strata of suppressed wards become one stratum. A published domain's variance is then a function of
    its published children and of the sum of its suppressed ones, which the published figures
    give already (docs/disclosure.md). The fpc (PSUs in the stratum) is reduced by the PSUs
    merged away; a stratum left with one PSU is a certainty unit (variance 0): the wards of such
    strata are listed in the design's ``collapsed`` (their SEs, and the city's, would understate
    the error and are not published). Returns the rows and the design (column names, plus
    ``collapsed``; drop it before passing the design to ``commdx.round_changes``)."""
    out = rows.copy()
    merged: dict[str, Any] = dict(design)
    strata_col, psu_col, fpc_col = merged.get("strata"), merged.get("psu"), merged.get("fpc")
    if strata_col is None:
        out["__stratum__"] = "all"
        strata_col = merged["strata"] = "__stratum__"
    if psu_col is None:
        out["__psu__"] = np.arange(len(out)).astype(str)
        psu_col = merged["psu"] = "__psu__"
    strata = out[strata_col].astype(str).tolist()
    psu = out[psu_col].astype(str).tolist()
    fpc = pd.to_numeric(out[fpc_col], errors="coerce").to_numpy(dtype="float64").tolist() if fpc_col else []
    finest = [c for c in LEVELS if c in out.columns][-1:]  # the rows' finest unit (the group)
    res = _core._merge_suppressed_design(
        strata, psu, fpc, _codes(out[finest[0]]) if finest else [],
        _codes(out["ward_code"]) if "ward_code" in out.columns else [],
        pattern["unit"].astype(str).tolist(), pattern["status"].astype(str).tolist())
    out[strata_col] = res["strata"]
    out[psu_col] = res["psu"]
    if not fpc_col:  # no fpc: none, except a stratum left with one PSU
        fpc_col = merged["fpc"] = "__fpc__"
    out[fpc_col] = res["fpc"]
    merged["collapsed"] = list(res["collapsed"])
    return out, merged
