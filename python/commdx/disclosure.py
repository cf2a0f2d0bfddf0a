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


def _tree(rows: pd.DataFrame) -> pd.DataFrame:
    """The units the rows reach, with their parents: the city, wards, neighbourhoods, groups."""
    out = [pd.DataFrame({"unit": [CITY], "parent": [""], "level": ["city"]})]
    parent_col = None
    for col in LEVELS:
        if col not in rows.columns:
            break
        if parent_col is None:
            u = pd.DataFrame({"unit": rows[col].astype(str).unique()})
            u["parent"] = CITY
        else:
            u = rows[[col, parent_col]].astype(str).drop_duplicates(col).rename(columns={col: "unit", parent_col: "parent"})
        out.append(u.assign(level=col))
        parent_col = col
    return pd.concat(out, ignore_index=True)


def _unit_counts(rows: pd.DataFrame, variables: Mapping[str, tuple[str, str | None]]) -> pd.DataFrame:
    """Per unit, variable and round: households with a value (n), Σy and Σx of the sample rows."""
    wide = {}
    for var, (num, den) in variables.items():
        y = pd.to_numeric(rows[num], errors="coerce")
        x = pd.to_numeric(rows[den], errors="coerce") if den else pd.Series(1.0, index=rows.index)
        ok = y.notna() & x.notna()
        wide[("n", var)], wide[("y", var)], wide[("x", var)] = ok.astype(float), y.where(ok, 0.0), x.where(ok, 0.0)
    base = pd.DataFrame(wide)
    base.columns = pd.MultiIndex.from_tuples(base.columns, names=["what", "variable"])
    parts = []
    for level in (None,) + LEVELS:
        if level is not None and level not in rows.columns:
            break
        unit = pd.Series(CITY, index=rows.index) if level is None else rows[level].astype(str)
        g = base.groupby([unit.rename("unit"), rows["round"].rename("round")]).sum()
        parts.append(g.stack("variable", future_stack=True).reset_index())
    return pd.concat(parts, ignore_index=True)


def indicator_pattern(rows: pd.DataFrame, variables: Mapping[str, tuple[str, str | None]], *, k: float,
                      unanimous_below: float, weight: str | None = "weight") -> pd.DataFrame:
    """The publication status of every unit of the place tree the survey ``rows`` reach (all
    rounds stacked, column ``round``), per indicator of ``variables``.

    Returns columns unit, parent, level, variable, households (the fewest households the
    indicator is computed from in any round), status (``published``, ``primary``,
    ``complementary``) and reason (``small``, ``unanimous``, ``remainder_unanimous``,
    ``remainder_weighted`` or ``""``).

    ``weight`` names the design-weight column (ignored when the rows lack it): children of one
    parent whose rows carry different weights are separate remainders (see ``_weight_class``)."""
    tree = _tree(rows)
    tree["weight_class"] = _weight_class(rows, tree, weight)
    counts = _unit_counts(rows, variables)
    rounds = sorted(rows["round"].unique())
    full = pd.MultiIndex.from_product([tree["unit"], list(variables), rounds], names=["unit", "variable", "round"])
    counts = counts.set_index(["unit", "variable", "round"]).reindex(full, fill_value=0.0).reset_index()
    counts["unanimous"] = (counts["n"] > 0) & ((counts["y"] == 0) | (counts["y"] == counts["x"]))
    out = [_pattern_of(tree.copy(), counts[counts["variable"] == v], k, unanimous_below).assign(variable=v)
           for v in variables]
    return pd.concat(out, ignore_index=True)


def _weight_class(rows: pd.DataFrame, tree: pd.DataFrame, weight: str | None) -> list[str]:
    """Per unit of ``tree``: its rows' one design weight (as text), or the unit's own code when
    its rows carry several weights (a class of its own).

    A published parent whose children carry different weights publishes a *weighted* sum of
    them (the city's estimate is Σ w·y / Σ w·n over its wards). With the published children
    subtracted, the attacker knows Σ n and Σ w·n, Σ w·y of the hidden ones: for weights that are
    not multiples of each other, integrality separates the hidden children of different weights
    (the demo's leak: 26515 at weight 1 and 26545 at 1.25). So the hidden children of each
    weight class must be a safe remainder on their own (docs/disclosure.md, step 2b)."""
    if weight is None or weight not in rows.columns:
        return ["" for _ in tree["unit"]]
    w = pd.to_numeric(rows[weight], errors="coerce")
    classes: dict[str, str] = {}
    for col in LEVELS:
        if col not in rows.columns:
            break
        stats = w.groupby(rows[col].astype(str)).agg(["min", "max"])
        classes.update({u: (repr(float(lo)) if lo == hi else f"unit:{u}")
                        for u, lo, hi in zip(stats.index, stats["min"], stats["max"])})
    return [classes.get(u, "") for u in tree["unit"]]


def _pattern_of(tree: pd.DataFrame, counts: pd.DataFrame, k: float, unanimous_below: float) -> pd.DataFrame:
    """One indicator's pattern (``counts``: that indicator's n, Σy, Σx per unit and round)."""
    tree["households"] = tree["unit"].map(counts.groupby("unit")["n"].min()).fillna(0.0)
    unanimous = counts.groupby("unit")["unanimous"].any()
    tree["reason"] = np.where(tree["households"] < k, "small",
                              np.where(tree["unit"].map(unanimous).fillna(False).to_numpy()
                                       & (tree["households"] < unanimous_below), "unanimous", ""))
    # A parent minus its published children gives the union of its suppressed children: that
    # remainder must not be unanimous either (attack (b): a ward minus its published
    # neighbourhoods leaving 0/10 says every suppressed neighbourhood is at 0%).
    # per unit, one row per round: n, Σy, Σx (numpy: a pandas frame per unit is far slower)
    order = counts.sort_values(["unit", "round"])
    units = order["unit"].drop_duplicates().tolist()
    block = order[["n", "y", "x"]].to_numpy().reshape(len(units), -1, 3)
    by_unit = dict(zip(units, block))
    children = tree.groupby("parent")["unit"].apply(list).to_dict()
    hh = dict(zip(tree["unit"], tree["households"]))
    weight_class = dict(zip(tree["unit"], tree["weight_class"]))
    while True:
        forced = tree["reason"] != ""
        tree["status"] = tree_suppression(tree, k=k, forced=forced).to_numpy()
        status = dict(zip(tree["unit"], tree["status"]))
        more: list[tuple[str, str]] = []
        for parent, kids in children.items():
            if not parent or status.get(parent) != "published":
                continue
            hidden = [c for c in kids if status[c] != "published"]
            if not hidden:
                continue
            rem = sum(by_unit[c] for c in hidden)
            n, y, x = rem[:, 0], rem[:, 1], rem[:, 2]
            if n.min() < unanimous_below and ((n > 0) & ((y == 0) | (y == x))).any():
                shown = sorted((c for c in kids if status[c] == "published"), key=lambda c: (hh[c], c))
                more.append((shown[0] if shown else parent, "remainder_unanimous"))
                continue
            more += _unsafe_weight_classes(parent, kids, hidden, status, weight_class, by_unit, hh, k, unanimous_below)
        if not more:
            return tree
        for unit, why in more:
            tree.loc[(tree["unit"] == unit) & (tree["reason"] == ""), "reason"] = why


def _unsafe_weight_classes(parent: str, kids: list[str], hidden: list[str], status: dict[str, str],
                           weight_class: dict[str, str], by_unit: dict[str, np.ndarray], hh: dict[str, float],
                           k: float, unanimous_below: float) -> list[tuple[str, str]]:
    """Where a published parent's hidden children carry more than one weight, each weight class
    of them is a remainder of its own: it must hold two or more hidden children, at least k
    households in every round and not be unanimous. Hides the smallest published sibling of the
    same class, or the parent when the class has none left (the city of the demo: ward 26545 is
    alone at its weight)."""
    classes: dict[str, list[str]] = {}
    for c in hidden:
        classes.setdefault(weight_class[c], []).append(c)
    if len(classes) < 2:
        return []  # one weight: the parent's sum is a count, the checks above cover it
    out: list[tuple[str, str]] = []
    for cls, members in classes.items():
        rem = np.sum([by_unit[c] for c in members], axis=0)
        n, y, x = rem[:, 0], rem[:, 1], rem[:, 2]
        unanimous = n.min() < unanimous_below and bool(((n > 0) & ((y == 0) | (y == x))).any())
        if len(members) >= 2 and n.min() >= k and not unanimous:
            continue
        shown = sorted((c for c in kids if status[c] == "published" and weight_class[c] == cls),
                       key=lambda c: (hh[c], c))
        if not shown:  # the parent hidden: no weighted sum published, no sibling need be hidden
            return [(parent, "remainder_weighted")]
        out.append((shown[0], "remainder_weighted"))
    return out


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
    status = dict(zip(pattern["unit"], pattern["status"]))
    strata_col, psu_col, fpc_col = merged.get("strata"), merged.get("psu"), merged.get("fpc")
    if strata_col is None:
        out["__stratum__"] = "all"
        strata_col = merged["strata"] = "__stratum__"
    if psu_col is None:
        out["__psu__"] = np.arange(len(out)).astype(str)
        psu_col = merged["psu"] = "__psu__"
    out[strata_col] = out[strata_col].astype(str)
    out[psu_col] = out[psu_col].astype(str)
    finest = [c for c in LEVELS if c in out.columns][-1:]  # the rows' finest unit (the group)
    hidden = np.zeros(len(out), dtype=bool)
    for col in finest:
        hidden |= (out[col].astype(str).map(status).fillna("published") != "published").to_numpy()
    if fpc_col:
        fpc = pd.to_numeric(out[fpc_col], errors="coerce")
        sampled = out.groupby(strata_col)[psu_col].transform("nunique")
        out["__pop__"] = np.where(fpc >= 1, fpc, sampled / fpc)  # PSUs in the stratum
    if "ward_code" in out.columns:
        ward_hidden = (out["ward_code"].astype(str).map(status).fillna("published") != "published").to_numpy()
        if ward_hidden.any():
            if fpc_col:  # the merged stratum's population: the sum over the strata merged
                pops = out[ward_hidden].groupby(strata_col)["__pop__"].first().sum()
                out.loc[ward_hidden, "__pop__"] = pops
            out.loc[ward_hidden, strata_col] = "__suppressed_wards__"
    out["__orig_psu__"] = out[psu_col]
    out.loc[hidden, psu_col] = out.loc[hidden, strata_col] + "|suppressed"
    orig = out.groupby(strata_col)["__orig_psu__"].nunique()
    now = out.groupby(strata_col)[psu_col].nunique()
    if fpc_col:
        pop = out.groupby(strata_col)["__pop__"].first() - (orig - now)
        out = out.drop(columns=["__pop__"])
    else:  # no fpc: none, except a stratum left with one PSU
        pop = pd.Series(np.nan, index=now.index)
        fpc_col = merged["fpc"] = "__fpc__"
    collapsed = (now == 1) & (orig > 1)
    pop = pop.where(~collapsed, 1.0)  # merged down to one PSU: a certainty unit
    out[fpc_col] = out[strata_col].map(pop).astype(float)
    merged["collapsed"] = sorted(set(out.loc[out[strata_col].isin(collapsed[collapsed].index), "ward_code"].astype(str))) \
        if "ward_code" in out.columns else []
    return out.drop(columns=["__orig_psu__"]), merged
