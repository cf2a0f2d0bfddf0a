"""S1-S4, K1-K10, R3: the indicator catalogue and indicators per unit at every level.

``commdx.indicators(households, places, design)`` gives one tidy row per (unit, indicator):
``level, unit, unit_name, indicator, estimate, se, ci_low, ci_high, deff, n, target,
target_date, gap, days_left`` (contracts.md). ``gap = target - estimate`` (what is still to do;
<= 0 once met), ``days_left`` counts from ``as_of`` (default today) to the target date.
Proportions and ratios are fractions in [0, 1]. A unit whose sampling error the design cannot
estimate (it lies inside one sampled PSU, e.g. a residential group when PSUs are groups) has
``se``, ``ci_low``, ``ci_high`` and ``deff`` missing rather than a misleading 0.

The catalogue (``commdx.indicator_catalogue()``; shipped as ``commdx/data/indicators.json``) is
data a city can edit: pass the edited dict, a path to a JSON file, or a list of ids.
"""
from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core
from .estimate import SurveyDesign, _codes, _core_design, _design, _numeric
from .io.json import read_json

__all__ = ["indicators", "indicator_catalogue", "LEVELS", "indicator_statistics", "merge_statistics",
           "indicators_from_statistics", "write_statistics"]

#: The levels of the place hierarchy and the household/business column holding each unit code.
LEVELS: dict[str, str] = {"city": "", "ward": "ward_code", "neighbourhood": "neighbourhood_code",
                          "residential_group": "group_code"}


def indicator_catalogue() -> dict[str, Any]:
    """The shipped catalogue as a dict ``{"version": 1, "indicators": [...]}`` (a copy to edit)."""
    return _core._indicator_catalogue()


def _finite_targets(doc: Any, source: str) -> Any:
    """Python's json reads NaN and Infinity; a non-finite target is named here (field, indicator)
    rather than refused as "not valid JSON data" by the core."""
    items = doc.get("indicators") if isinstance(doc, Mapping) else None
    for i, ind in enumerate(items if isinstance(items, list) else [], start=1):
        t = ind.get("target") if isinstance(ind, Mapping) else None
        if isinstance(t, float) and not math.isfinite(t):
            raise _core.ConfigError(f"{source}, row {i}, column 'target', unit {ind.get('id', '?')}: "
                                    f"target must be a finite number, got {t}")
    return doc


def _catalogue(catalogue: Any) -> dict[str, Any] | None:
    if catalogue is None:
        return None
    if isinstance(catalogue, (str, Path)) and Path(catalogue).suffix.lower() == ".json":
        return _core._check_catalogue(_finite_targets(read_json(catalogue), str(catalogue)), str(catalogue))
    if isinstance(catalogue, Mapping):
        return _core._check_catalogue(_finite_targets(dict(catalogue), "catalogue"), "catalogue")
    if isinstance(catalogue, Sequence) and not isinstance(catalogue, str):
        full = {i["id"]: i for i in indicator_catalogue()["indicators"]}
        unknown = [i for i in catalogue if i not in full]
        if unknown:
            raise _core.ConfigError(f"catalogue: no indicator with id {', '.join(map(repr, unknown))}")
        return {"version": 1, "indicators": [full[i] for i in catalogue]}
    raise _core.ConfigError("catalogue must be None, a dict, a .json path or a list of indicator ids")


def _levels(levels: Sequence[str] | Mapping[str, str] | None) -> list[tuple[str, str]]:
    if levels is None:
        return list(LEVELS.items())
    if isinstance(levels, str):
        levels = [levels]
    if isinstance(levels, Mapping):
        return [(str(k), str(v or "")) for k, v in levels.items()]
    out = []
    for name in levels:
        if name not in LEVELS:
            raise _core.ConfigError(f"levels: unknown level {name!r} (city, ward, neighbourhood, residential_group)")
        out.append((name, LEVELS[name]))
    return out


def _needed(cat: dict[str, Any], records: str) -> tuple[list[str], list[str]]:
    numeric: list[str] = []
    text: list[str] = []
    for ind in cat["indicators"]:
        if ind.get("records", "households") != records:
            continue
        for term in (ind.get("numerator"), ind.get("denominator")):
            if term:
                numeric += [term["column"]] if "column" in term else list(term.get("any", []))  # {"count": true}: none
        for cond in ind.get("where") or []:
            text.append(cond["column"])
    return list(dict.fromkeys(numeric)), list(dict.fromkeys(text))


def _record_columns(df: pd.DataFrame, numeric: list[str], grouping: list[str], design: SurveyDesign,
                    labels: dict[str, list[str]] | None = None, text: Sequence[str] = ()) -> dict[str, Any]:
    """Columns for the core. Text level/design columns go as numeric codes, their labels into
    ``labels`` (no per-row strings to build); ``text`` columns (domain restrictions) as text."""
    cols: dict[str, Any] = {}
    for name in grouping + [c for c in (design.strata, design.psu) if c]:
        if name not in df.columns:
            raise _core.InputError(f"DataFrame, column '{name}': missing required column")
        coded = _codes(df, name)
        if isinstance(coded, tuple) and labels is not None and name not in text:
            codes, names = coded
            cols[name] = np.where(codes >= 0, codes, np.nan).astype("float64")
            labels[name] = names
        else:
            cols[name] = coded
    for name in numeric + [c for c in (design.weight, design.fpc) if c]:
        if name in cols:
            continue
        if name not in df.columns:
            raise _core.InputError(f"DataFrame, column '{name}': missing required column")
        cols[name] = _numeric(df, name)
    return cols


def indicators(households: pd.DataFrame, places: Any, design: SurveyDesign | _core.CalibratedDesign | dict | str | None = None,
               catalogue: Any = None, levels: Sequence[str] | Mapping[str, str] | None = None,
               businesses: pd.DataFrame | None = None, as_of: _dt.date | str | None = None,
               level: float = 0.95, targets: Any = None) -> pd.DataFrame:
    """Every catalogue indicator for every unit of every level, with its sampling error.

    Parameters
    ----------
    households : household records (docs/data-dictionary.md columns)
    places : ``commdx.Places`` (or a DataFrame of units) that every unit code must be in
    design : ``SurveyDesign``; ``None`` takes the data dictionary's design columns present
        (weight, stratum, psu, fpc)
    catalogue : ``None`` (the shipped one), a catalogue dict, a .json path, or a list of ids
    levels : names among "city", "ward", "neighbourhood", "residential_group" (default: all),
        or a dict {level name: column}
    businesses : business records for the business indicators (left out when ``None``); the
        same design column names apply to them
    as_of : the day ``days_left`` counts from (default: today)
    level : confidence level of the intervals
    targets : this run's targets (``commdx.read_targets``: a Targets, a CSV/XLSX/JSON file or a
        shipped name such as ``"national-2025"``) in place of the catalogue's for the indicators it
        lists: ``target``, ``target_date``, ``gap`` and ``days_left`` follow them
    """
    as_of_text = _as_of_text(as_of)
    places, d, cat, lv, h_cols, b_cols, labels_h, sources = _prepared(households, places, design, catalogue, levels,
                                                                      businesses, targets)
    res = _core._indicators(h_cols, places, _core_design(design, d), cat, lv, as_of_text, float(level), b_cols, labels_h, **sources)
    return _tidy(res)


def _as_of_text(as_of: _dt.date | str | None) -> str:
    if as_of is None:
        as_of = _dt.date.today()
    return as_of.isoformat() if isinstance(as_of, _dt.date) else str(as_of)


def _prepared(households: pd.DataFrame, places: Any, design: SurveyDesign | _core.CalibratedDesign | dict | str | None, catalogue: Any,
              levels: Sequence[str] | Mapping[str, str] | None, businesses: pd.DataFrame | None,
              targets: Any = None) -> tuple[Any, ...]:
    """What the core takes for the indicators of these records: places, design, catalogue,
    levels, the records' columns, their labels and the files they came from."""
    if isinstance(places, pd.DataFrame):
        places = _core.Places.from_dataframe(places)
    d = _design(design) if design is not None else SurveyDesign.default_for(households)
    cat = _with_targets(_catalogue(catalogue), targets)
    cat_for_needs = cat if cat is not None else indicator_catalogue()
    lv = _levels(levels)
    level_cols = [c for _, c in lv if c]
    num_h, text_h = _needed(cat_for_needs, "households")
    labels_h: dict[str, list[str]] = {}
    h_cols = _record_columns(households, num_h, level_cols + text_h, d, labels_h, text_h)
    b_cols = None
    if businesses is not None:
        num_b, text_b = _needed(cat_for_needs, "businesses")
        bd = d if design is not None else SurveyDesign.default_for(businesses)
        if bd != d:
            raise _core.ConfigError("indicators: households and businesses need the same design columns")
        b_cols = _record_columns(businesses, num_b, level_cols + text_b, d)
    sources = {"households_source": str(households.attrs.get("source", "households")),
               "businesses_source": str(businesses.attrs.get("source", "businesses"))
               if businesses is not None else "businesses"}
    return places, d, cat, lv, h_cols, b_cols, labels_h, sources


def _with_targets(cat: dict[str, Any] | None, targets: Any) -> dict[str, Any] | None:
    """The catalogue with this run's targets (commdx.read_targets) in place of its own."""
    if targets is None:
        return cat
    from .targets import as_targets

    run = as_targets(targets, catalogue=cat)
    return cat if run is None else run.apply(cat if cat is not None else indicator_catalogue())


def _tidy(res: Any) -> pd.DataFrame:
    out = pd.DataFrame(res)
    out["n"] = out["n"].astype("int64")
    out["target_date"] = out["target_date"].replace("", None)
    return out


# ---- the city roll-up without microdata (issue 16) -------------------------------------------

StatisticsLike = Any  # a statistics dict, or the path of a statistics JSON file


def indicator_statistics(households: pd.DataFrame, places: Any, design: SurveyDesign | _core.CalibratedDesign | dict | str | None = None,
                         catalogue: Any = None, levels: Sequence[str] | Mapping[str, str] | None = None,
                         businesses: pd.DataFrame | None = None) -> dict[str, Any]:
    """The sufficient statistics of :func:`indicators`' table: per PSU and unit of every level,
    the weighted sums each indicator's estimates and SEs are computed from, with the design's
    strata, PSUs and fpc; no household record (include/commdx/indicators/statistics.hpp).

    A ward writes them (:func:`write_statistics`, ``commdx indicators --statistics``) and sends
    them to the city, which merges every ward's (:func:`merge_statistics`) and gets, with
    :func:`indicators_from_statistics`, the table the pooled records give: the same estimates,
    SEs, intervals, design effects and n, up to the order of floating-point additions (1e-12).
    Same arguments as :func:`indicators` (the levels summed are the levels the city can ask for)."""
    places, d, cat, lv, h_cols, b_cols, labels_h, sources = _prepared(households, places, design, catalogue, levels,
                                                                      businesses)
    return dict(_core._indicator_statistics(h_cols, places, _core_design(design, d), cat, lv, b_cols, labels_h, **sources))


def _documents(statistics: StatisticsLike | Sequence[StatisticsLike]) -> tuple[list[Any], list[str]]:
    items = [statistics] if isinstance(statistics, (dict, str, Path)) else list(statistics)
    if not items:
        raise _core.ConfigError("statistics: nothing to merge (give one ward's statistics or several)")
    docs, sources = [], []
    for i, item in enumerate(items):
        if isinstance(item, (str, Path)):
            docs.append(read_json(item))
            sources.append(str(item))
        elif isinstance(item, Mapping):
            docs.append(dict(item))
            # named in messages by what it was summed from (the survey file), or its position
            summed = item.get("sources")
            sources.append(" + ".join(map(str, summed)) if isinstance(summed, list) and summed else f"statistics[{i}]")
        else:
            raise _core.ConfigError(f"statistics[{i}]: expected a statistics dict or a .json path, got {type(item).__name__}")
    return docs, sources


def merge_statistics(statistics: Sequence[StatisticsLike]) -> dict[str, Any]:
    """The statistics of several wards' records together (dicts or .json paths). Refused, naming
    the files: the same PSU in two of them (a ward given twice), another design, other levels,
    or an indicator summed with another definition."""
    docs, sources = _documents(statistics)
    return dict(_core._merge_statistics(docs, sources))


def indicators_from_statistics(statistics: StatisticsLike | Sequence[StatisticsLike], places: Any,
                               catalogue: Any = None, levels: Sequence[str] | Mapping[str, str] | None = None,
                               as_of: _dt.date | str | None = None, level: float = 0.95,
                               targets: Any = None) -> pd.DataFrame:
    """:func:`indicators`' table from statistics (one ward's, or several merged) instead of the
    records. ``catalogue`` (with this run's ``targets``, as in :func:`indicators`) gives the
    targets and must define every indicator as the wards summed it; ``levels`` are among the
    levels summed."""
    if isinstance(places, pd.DataFrame):
        places = _core.Places.from_dataframe(places)
    docs, sources = _documents(statistics)
    res = _core._indicators_from_statistics(docs, sources, places, _with_targets(_catalogue(catalogue), targets),
                                            _levels(levels),
                                            _as_of_text(as_of), float(level))
    return _tidy(res)


def write_statistics(statistics: Mapping[str, Any], path: str | Path) -> Path:
    """Write statistics as the JSON file a ward sends the city (atomically: a failed write
    leaves no partial file). Returns the path."""
    import json

    from .io.output import atomic_file

    out = Path(path)
    with atomic_file(out) as tmp:
        Path(tmp).write_text(json.dumps(statistics, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return out
