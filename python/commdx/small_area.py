"""Issue 18: small-area estimates where the sample is thin (``commdx.small_area``).

The direct estimates of :func:`commdx.estimate` at one level of the place tree (wards,
neighbourhoods, residential groups) go into an area-level Fay–Herriot model with auxiliaries known
for every unit of the level; every unit gets a row: the direct estimate and its SE, the model's
(EBLUP, or the synthetic estimate where the unit has no sample) with its MSE, and the chosen one
with the reason. The method, its formulas and references are in ``docs/small-area.md`` and the C++
header ``include/commdx/small_area.hpp``. In short:

* ``fit``: the area variance ``sigma2_u`` by REML (default; Prasad–Rao MSE) or ML (Datta–Lahiri
  MSE), Fisher scoring (``max_iterations`` steps at most; converged when a step changes sigma2_u by
  at most ``tolerance`` times sigma2_u + the mean sampling variance), truncated at 0 (stated in the
  ``truncated`` column); a REML fit at 0 is replaced by Li & Lahiri's adjusted REML, > 0
  (``adjusted``);
* ``transform``: ``"auto"`` fits a 0/1 variable's proportions on the arcsine-square-root scale
  (variance 1 / (4 n_eff)) and back-transforms, so estimates stay in [0, 1];
* ``smoothing``: a direct variance that is 0, missing or not estimable by the design (a unit inside
  one PSU, e.g. a residential group when the PSU is the group) is replaced by a generalised
  variance function fitted across units (``"unstable"``, default; ``"all"``; ``"none"`` refuses
  such a unit); ``variance_source`` says which;
* ``benchmark``: ``"ratio"`` or ``"difference"`` makes the model estimates of the units of each
  parent add up (household-weighted) to the parent's direct estimate when that is reliable (both
  methods, one C++ function);
* choice: the direct estimate where its relative SE is at most ``rse_threshold`` (0.20) and its
  variance is the design's own, the model elsewhere (``source``: direct / eblup / synthetic;
  ``reason``: rse_ok / rse_high / variance_unusable / no_sample).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import _core
from .estimate import SurveyDesign, _as_list, _design, estimate

__all__ = ["small_area", "fay_herriot", "battese_harter_fuller", "SMALL_AREA_LEVELS", "BUILT_IN_AUXILIARIES"]

#: The levels and the record column holding each one's unit code.
SMALL_AREA_LEVELS = {"ward": "ward_code", "neighbourhood": "neighbourhood_code", "residential_group": "group_code"}
_PARENT = {"ward": "city", "neighbourhood": "ward", "residential_group": "neighbourhood"}
_DEPTH = {"city": 0, "ward": 1, "neighbourhood": 2, "residential_group": 3}  # the tree's level column

#: Auxiliaries computed per unit: from the places (``density`` = log households per km², ``households``
#: = log households) or, given ``households=`` (the commune's household list), area means of its
#: columns (``members``, ``head_age``, or any numeric column of the list, named ``mean:COLUMN``).
BUILT_IN_AUXILIARIES = ("density", "households", "members", "head_age")


def fay_herriot(direct: Sequence[float], variance: Sequence[float], x: Any = None, *, units: Sequence[str] | None = None,
                fit: str = "reml", intercept: bool = True, max_iterations: int = 100,
                tolerance: float = 1e-10, adjust_at_zero: bool = True) -> dict[str, Any]:
    """The bare Fay–Herriot fit on given direct estimates and sampling variances (NaN for a unit
    without sample). ``x``: a DataFrame or 2-D array of auxiliaries, one row per unit. Returns a
    dict: sigma2_u, truncated, adjusted, iterations, converged, beta, beta_cov, and per unit eblup,
    mse, g1, g2, g3, gamma, synthetic. ``adjust_at_zero`` (REML): where REML's maximum is 0, Li &
    Lahiri's adjusted REML instead (``adjusted``; docs/small-area.md)."""
    direct = [float(v) for v in direct]
    names: list[str]
    if x is None:
        cols: list[list[float]] = []
        names = []
    elif isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        cols = [[float(v) for v in x[c]] for c in x.columns]
    else:
        arr = np.asarray(x, dtype=float).reshape(len(direct), -1)
        names = [f"x{j + 1}" for j in range(arr.shape[1])]
        cols = [list(arr[:, j]) for j in range(arr.shape[1])]
    units = [str(u) for u in units] if units is not None else [str(i + 1) for i in range(len(direct))]
    return dict(_core._fay_herriot(units, direct, [float(v) for v in variance], cols, names, fit, int(max_iterations),
                                   float(tolerance), bool(intercept), "fay_herriot", bool(adjust_at_zero)))


def battese_harter_fuller(y: Sequence[float], x: Any, areas: Sequence[Any], population_means: Any, *,
                          population_areas: Sequence[Any], population_sizes: Sequence[float] | None = None,
                          fit: str = "reml", intercept: bool = True, replicates: int = 0, seed: int = 1,
                          max_iterations: int = 200, tolerance: float = 1e-13) -> dict[str, Any]:
    """The bare unit-level (Battese–Harter–Fuller) fit: ``y``, ``x`` (a DataFrame or 2-D array, one
    row per sampled record) and ``areas`` of the sample; ``population_means`` (one row per area of
    ``population_areas``, the same columns as ``x``) and optionally ``population_sizes`` (N per area;
    without them the target is the model mean x̄'β + u, as samplics' EblupUnitModel without
    pop_size). ``replicates`` > 0 adds the parametric-bootstrap MSE (seeded by ``seed``). Returns a
    dict: sigma2_u, sigma2_e, beta, beta_cov, truncated, converged, evaluations, and per population
    area eblup, mse (bootstrap if any, else analytic), mse_analytic, mse_bootstrap, g1, g2, g3,
    gamma, synthetic, n, fraction, sample_mean, sampled."""
    def columns(v: Any, rows: int) -> tuple[list[str], list[list[float]]]:
        if isinstance(v, pd.DataFrame):
            return [str(c) for c in v.columns], [[float(t) for t in v[c]] for c in v.columns]
        arr = np.asarray(v, dtype=float).reshape(rows, -1)
        return [f"x{j + 1}" for j in range(arr.shape[1])], [list(map(float, arr[:, j])) for j in range(arr.shape[1])]

    names, xs = columns(x, len(y))
    _, xp = columns(population_means, len(population_areas))
    sizes = [float("nan")] * len(population_areas) if population_sizes is None else [float(v) for v in population_sizes]
    return dict(_core._battese_harter_fuller([str(a) for a in areas], [float(v) for v in y], xs,
                                             [str(a) for a in population_areas], sizes, xp, names, fit, bool(intercept),
                                             int(max_iterations), float(tolerance), int(replicates), int(seed),
                                             "battese_harter_fuller"))


def _places_frame(places: Any) -> pd.DataFrame:
    if places is None:
        places = _core.Places.vung_tau()
    return places.to_dataframe() if hasattr(places, "to_dataframe") else pd.DataFrame(places)


def _auxiliaries(names: Sequence[str], frame: pd.DataFrame, units: list[str], column: str,
                 households: pd.DataFrame | None) -> tuple[list[str], list[list[float]]]:
    """Columns of auxiliary values for `units` (unit order)."""
    out_names: list[str] = []
    out: list[list[float]] = []
    pl = frame.set_index("code")
    for name in names:
        if name in ("density", "households"):
            hh = pl.loc[units, "households"].astype(float)
            values = np.log(hh / pl.loc[units, "area_km2"].astype(float)) if name == "density" else np.log(hh)
            values = values.replace([np.inf, -np.inf], np.nan)
        else:
            col = name.split(":", 1)[1] if name.startswith("mean:") else name
            if households is None:
                raise _core.ConfigError(f"auxiliary '{name}' is an area mean of the household list: give households=",
                                        column="auxiliaries")
            if col not in households.columns or column not in households.columns:
                raise _core.InputError("missing required column", file=str(households.attrs.get("source", "households")),
                                       column=col if col not in households.columns else column)
            means = pd.to_numeric(households[col], errors="coerce").groupby(households[column].astype(str)).mean()
            values = means.reindex(units)
        out_names.append(name)
        out.append([float(v) for v in values])
    return out_names, out


def _table_auxiliaries(aux: pd.DataFrame, units: list[str]) -> tuple[list[str], list[list[float]]]:
    source = str(aux.attrs.get("source", "auxiliaries"))
    if "unit" not in aux.columns:
        raise _core.InputError("missing required column", file=source, column="unit")
    keyed = aux.assign(unit=aux["unit"].astype(str))
    dup = keyed["unit"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise _core.InputError("unit given twice", file=source, row=row + 1, column="unit", unit=keyed["unit"].iloc[row])
    keyed = keyed.set_index("unit")
    names = [c for c in keyed.columns]
    cols = []
    for c in names:
        v = pd.to_numeric(keyed[c], errors="coerce")
        bad = v.isna() & keyed[c].notna()
        if bad.any():
            unit = str(bad[bad].index[0])
            raise _core.InputError(f"expected a number, got {keyed[c][unit]!r}", file=source, column=str(c), unit=unit)
        cols.append([float(x) for x in v.reindex(units)])
    return [str(c) for c in names], cols


def _with_level_column(df: pd.DataFrame, frame: pd.DataFrame, level: str, source: str) -> pd.DataFrame:
    """The records with the level's unit column, taken up the tree from a finer one (a sample drawn
    by commdx.select_sample has group_code only) when the records lack it."""
    column = SMALL_AREA_LEVELS[level]
    if column in df.columns:
        return df
    finer = [c for lev, c in SMALL_AREA_LEVELS.items() if _DEPTH[lev] > _DEPTH[level] and c in df.columns]
    if not finer:
        raise _core.InputError("missing required column", file=source, column=column)
    depth = dict(zip(frame["code"].astype(str), frame["level"]))
    parent = dict(zip(frame["code"].astype(str), frame["parent"].astype(str)))

    def up(code: str) -> Any:
        while code in depth and depth[code] > _DEPTH[level]:
            code = parent[code]
        return code if depth.get(code) == _DEPTH[level] else None

    codes = df[finer[0]].astype(str)
    mapping = {c: up(c) for c in codes.unique()}
    lost = [c for c, v in mapping.items() if v is None]
    if lost:
        raise _core.InputError(f"unit is not in the places, so its {level} is unknown", file=source,
                               column=finer[0], unit=sorted(lost)[0])
    return df.assign(**{column: codes.map(mapping)})


def small_area(df: pd.DataFrame, design: SurveyDesign | _core.CalibratedDesign | dict | str | None, variables: str | Sequence[str],
               level: str = "residential_group", auxiliaries: Any = None, *,
               places: Any = None, households: pd.DataFrame | None = None, method: str = "fh", fit: str = "reml",
               transform: str = "auto", smoothing: str = "unstable", benchmark: str = "none",
               rse_threshold: float = 0.2, max_iterations: int = 100, tolerance: float = 1e-10,
               replicates: int = 200, seed: int = 1) -> pd.DataFrame:
    """Model-based estimates for every unit of ``level`` (``ward``, ``neighbourhood``,
    ``residential_group``) of the ``places`` tree (default the built-in city), sampled or not.

    ``auxiliaries``: names of built-ins (:data:`BUILT_IN_AUXILIARIES`), or a DataFrame keyed by a
    ``unit`` column with one numeric column per auxiliary, or a list mixing both. ``households``:
    the household list for the area-mean built-ins (and the sizes of the units otherwise taken from
    the places). ``method``: ``"fh"`` (area level, default auxiliaries ``density`` and
    ``households``) or ``"bhf"`` (unit level, Battese–Harter–Fuller): ``households`` is then the
    whole population's household list (required), ``auxiliaries`` columns of it (default
    ``members`` and ``head_age``), taken for the sampled records from their own columns or, when
    they lack them, from the list by ``household_id``; the MSE is the parametric bootstrap's over
    ``replicates`` replicates seeded by ``seed`` (0 replicates: the analytic one), and the columns
    ``sigma2_e``, ``mse_analytic``, ``mse_bootstrap``, ``replicates`` are added. A 0/1 variable's
    linear model estimate is clipped to [0, 1] (its MSE is not changed). ``benchmark`` works for
    both methods (for ``bhf`` the units weigh their household counts in ``households``; ``mse`` is
    benchmarked, ``mse_analytic`` and ``mse_bootstrap`` are not); a proportion benchmarked out of
    [0, 1] is set to the bound, and the ``clipped`` column says so.

    Returns one row per unit and variable: ``level, unit, parent, variable, n, psus, direct,
    direct_se, variance, variance_source, gamma, synthetic, model, mse, model_se, benchmark,
    benchmark_adjustment, chosen, chosen_se, source, reason, method, fit, transform, sigma2_u,
    truncated, converged, iterations``.
    """
    if method not in ("fh", "bhf"):
        raise _core.ConfigError(f"method must be 'fh' (area level, Fay-Herriot) or 'bhf' (unit level, "
                                f"Battese-Harter-Fuller), got {method!r}", column="method")
    if method == "bhf" and households is None:
        raise _core.ConfigError("method 'bhf' needs households=, the whole population's household list",
                                column="households")
    if benchmark not in ("none", "ratio", "difference"):
        raise _core.ConfigError(f"benchmark must be ratio, difference or none, got {benchmark!r}", column="benchmark")
    if auxiliaries is None:
        auxiliaries = ("members", "head_age") if method == "bhf" else ("density", "households")
    if level not in SMALL_AREA_LEVELS:
        raise _core.ConfigError(f"level must be one of {', '.join(SMALL_AREA_LEVELS)}, got {level!r}", column="level")
    if transform not in ("auto", "arcsine", "none"):
        raise _core.ConfigError(f"transform must be auto, arcsine or none, got {transform!r}", column="transform")
    d = _design(design)
    column = SMALL_AREA_LEVELS[level]
    variables = _as_list(variables)
    source = str(df.attrs.get("source") or "DataFrame")
    frame = _places_frame(places)
    units_df = frame[frame["level"] == _DEPTH[level]]
    if units_df.empty:
        raise _core.InputError(f"the places have no unit of level {level}", file="places", column="level")
    units = [str(u) for u in units_df["code"]]
    parents = [str(p) for p in units_df["parent"]]
    sizes = [float(v) for v in units_df["households"]]
    df = _with_level_column(df, frame, level, source)
    unknown = sorted(set(df[column].astype(str)) - set(units))
    if unknown:
        raise _core.InputError(f"unit is not a {level} of the places", file=source, column=column, unit=unknown[0])
    aux_list = [auxiliaries] if isinstance(auxiliaries, (str, pd.DataFrame)) else list(auxiliaries or [])
    names: list[str] = []
    x: list[list[float]] = []
    for a in aux_list if method == "fh" else []:
        n_, c_ = (_table_auxiliaries(a, units) if isinstance(a, pd.DataFrame)
                  else _auxiliaries([a], frame, units, column, households))
        names += n_
        x += c_
    # A calibrated design (commdx.calibrate) is estimated as it is: its calibrated weights and the
    # SEs from its residuals, on the same records in their order (each step below keeps them).
    as_estimated: SurveyDesign | _core.CalibratedDesign = d
    weight = d.weight
    if isinstance(design, _core.CalibratedDesign):
        as_estimated = design
        df = df.assign(__calibrated_weight__=np.asarray(design.weights, dtype=float))
        weight = "__calibrated_weight__"
    calibrated = as_estimated is not d
    direct = estimate(df, as_estimated, variables, by=column)
    direct[column] = direct[column].astype(str)
    psu_col = d.psu
    counts = df.groupby(df[column].astype(str))
    records = counts.size()
    psus = counts[psu_col].nunique() if psu_col else records
    strata = counts[d.strata].nunique() if d.strata else pd.Series(1, index=psus.index)
    parent_direct = pd.DataFrame({"unit": [], "variable": [], "estimate": [], "se": []})
    if benchmark != "none":  # the parents' direct estimates, by the parent of each record's unit
        parent_of = dict(zip(units, parents))
        with_parent = df.assign(_parent=df[column].astype(str).map(parent_of))
        parent_direct = estimate(with_parent, as_estimated, variables, by="_parent").rename(columns={"_parent": "unit"})
        parent_direct["unit"] = parent_direct["unit"].astype(str)
    parts = []
    for v in variables:
        dv = direct[direct["variable"] == v].set_index(column).reindex(units)
        y = pd.to_numeric(df[v], errors="coerce")
        binary = bool(((y == 0) | (y == 1) | y.isna()).all())
        tr = ("arcsine" if binary else "none") if transform == "auto" else transform
        n = dv["n"].fillna(0).astype(float)
        has = n > 0
        est_ = dv["estimate"].where(has)
        se_ = dv["se"].where(has)
        ps = psus.reindex(units).fillna(0)
        st = strata.reindex(units).fillna(0)
        estimable = ((ps - st) >= 1).tolist()
        census = (records.reindex(units).fillna(0).to_numpy() >= np.asarray(sizes)) & has.to_numpy()
        pv = parent_direct[parent_direct["variable"] == v]
        if method == "bhf":
            assert households is not None
            parts.append(_bhf_part(df, households, frame, v, aux_list, level, units, parents, n, ps, est_, se_,
                                   estimable, census, binary, fit, rse_threshold, replicates, seed, source, weight,
                                   benchmark, pv))
            continue
        r = _core._small_area(units, parents, [float(e) for e in est_], [float(s) for s in se_], [float(k) for k in n],
                              [bool(e) for e in estimable], [bool(c) for c in census], sizes, x, names, [str(u) for u in pv["unit"]],
                              [float(e) for e in pv["estimate"]], [float(s) for s in pv["se"]], fit, tr, smoothing,
                              benchmark, float(rse_threshold), int(max_iterations), float(tolerance), True,
                              f"{source} ({v} by {level})")
        rows = r["rows"]
        f = r["fit"]
        part = pd.DataFrame({
            "level": level, "unit": units, "parent": parents, "variable": v, "n": n.astype("int64").to_numpy(),
            "psus": ps.astype("int64").to_numpy(), "direct": est_.to_numpy(), "direct_se": se_.to_numpy(),
            "variance": rows["variance"], "variance_source": rows["variance_source"], "gamma": rows["gamma"],
            "synthetic": rows["synthetic"], "model": rows["model"], "mse": rows["mse"],
            "model_se": np.sqrt(np.asarray(rows["mse"], dtype=float)),
            "benchmark": rows["benchmark"], "benchmark_adjustment": rows["benchmark_adjustment"],
            "clipped": rows["clipped"],
            "chosen": rows["chosen"], "chosen_se": rows["chosen_se"], "source": rows["source"],
            "reason": rows["reason"], "method": "fh", "fit": f["method"], "transform": tr,
            "sigma2_u": f["sigma2_u"], "truncated": f["truncated"], "adjusted": f["adjusted"], "converged": f["converged"],
            "iterations": f["iterations"], "weights": [("calibrated" if calibrated else "design") if h else None for h in has],
        })
        part["variance_source"] = part["variance_source"].replace("", np.nan)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.attrs["auxiliaries"] = names
    return out


def _bhf_part(df: pd.DataFrame, households: pd.DataFrame, frame: pd.DataFrame, v: str, aux: list[Any], level: str,
              units: list[str], parents: list[str], n: pd.Series, ps: pd.Series, est_: pd.Series, se_: pd.Series,
              estimable: list[bool], census: np.ndarray, binary: bool, fit: str, rse_threshold: float, replicates: int,
              seed: int, source: str, weight: str | None, benchmark: str, parent_direct: pd.DataFrame) -> pd.DataFrame:
    """One variable's rows by the unit-level model (small_area(method="bhf")): the EBLUPs (a 0/1
    variable's clipped to [0, 1]), benchmarked as the area-level model's are (the weights of the
    units: their household counts in the list, the population the model predicts), the choice, and
    per unit how the design weights entered (``weights``, see :func:`_within_unit_weights`)."""
    column = SMALL_AREA_LEVELS[level]
    hsource = str(households.attrs.get("source", "households"))
    names = [str(a).split(":", 1)[1] if str(a).startswith("mean:") else str(a) for a in aux]
    bad = [a for a in aux if not isinstance(a, str)]
    if bad:
        raise _core.ConfigError("method 'bhf' takes auxiliaries as column names of the household list",
                                column="auxiliaries")
    pop = _with_level_column(households, frame, level, hsource)
    for c in names:
        if c not in pop.columns:
            raise _core.InputError("missing required column", file=hsource, column=c)
    rec = df
    lacking = [c for c in names if c not in df.columns]
    if lacking:
        if "household_id" not in df.columns or "household_id" not in pop.columns:
            raise _core.InputError("missing required column (the auxiliaries, or household_id to take them from the "
                                   "household list)", file=source, column=lacking[0])
        extra = pop[["household_id", *lacking]].drop_duplicates("household_id")
        rec = df.merge(extra, on="household_id", how="left", validate="many_to_one")
        missing_hh = rec[lacking[0]].isna() & ~rec["household_id"].isin(extra["household_id"])
        if missing_hh.any():
            i = int(np.flatnonzero(missing_hh.to_numpy())[0])
            raise _core.InputError("household is not in the household list", file=source, row=i + 1,
                                   column="household_id", unit=str(rec["household_id"].iloc[i]))
    yv = pd.to_numeric(rec[v], errors="coerce")
    keep = yv.notna().to_numpy()  # records without an answer are not in the model (as in the direct estimate)
    rec = rec[keep]
    xs = [[float(t) for t in pd.to_numeric(rec[c], errors="coerce")] for c in names]
    codes = pop[column].astype(str)
    means = [[float(t) for t in pd.to_numeric(pop[c], errors="coerce").groupby(codes).mean().reindex(units)]
             for c in names]
    sizes = [float(t) for t in codes.value_counts().reindex(units)]
    r = _core._battese_harter_fuller([str(a) for a in rec[column]], [float(t) for t in yv[keep]], xs, units, sizes,
                                     means, names, fit, True, 200, 1e-13, int(replicates), int(seed),
                                     f"{source} ({v} by {level}, bhf)")
    model = np.asarray(r["eblup"], dtype=float)
    if binary:
        model = np.clip(model, 0.0, 1.0)
    b = _core._small_area_benchmark(units, parents, sizes, [float(t) for t in model], [float(t) for t in r["mse"]],
                                    [str(u) for u in parent_direct["unit"]], [float(e) for e in parent_direct["estimate"]],
                                    [float(t) for t in parent_direct["se"]], benchmark, float(rse_threshold), binary,
                                    f"{source} ({v} by {level}, bhf)")
    model = np.asarray(b["model"], dtype=float)
    mse = np.asarray(b["mse"], dtype=float)
    usable = [bool(e) and bool(s_ > 0) and k >= 2 for e, s_, k in zip(estimable, se_.fillna(0), n)]
    ch = _core._small_area_choice([float(e) for e in est_], [float(t) for t in se_], usable, [bool(t) for t in census],
                                 [float(t) for t in model], [float(t) for t in mse], float(rse_threshold))
    return pd.DataFrame({
        "level": level, "unit": units, "parent": parents, "variable": v, "n": n.astype("int64").to_numpy(),
        "psus": ps.astype("int64").to_numpy(), "direct": est_.to_numpy(), "direct_se": se_.to_numpy(),
        "variance": np.nan, "variance_source": np.nan, "gamma": r["gamma"], "synthetic": r["synthetic"],
        "model": model, "mse": mse, "model_se": np.sqrt(mse), "benchmark": b["benchmark"],
        "benchmark_adjustment": b["benchmark_adjustment"], "clipped": b["clipped"],
        "chosen": ch["chosen"], "chosen_se": ch["chosen_se"], "source": ch["source"], "reason": ch["reason"],
        "method": "bhf", "fit": r["method"], "transform": "none", "sigma2_u": r["sigma2_u"],
        "truncated": r["truncated"], "adjusted": False, "converged": r["converged"], "iterations": r["evaluations"],
        "sigma2_e": r["sigma2_e"], "mse_analytic": r["mse_analytic"], "mse_bootstrap": r["mse_bootstrap"],
        "replicates": r["replicates"], "weights": _within_unit_weights(rec, column, weight, units),
    })


def _within_unit_weights(rec: pd.DataFrame, column: str, weight: str | None, units: list[str]) -> list[Any]:
    """How the unit-level model treats the design weights, per unit (the ``weights`` column): the
    nested-error EBLUP weighs every sampled household of a unit alike. ``equal``: the design weights
    are equal within the unit (or the sample is unweighted), so that is what the design says;
    ``unequal_ignored``: they differ within the unit (a relative spread above 1e-9) and the model
    does not use them: its estimate is model-based, right if the selection within the unit is
    ignorable given the auxiliaries (the direct columns do use them); None: no sample."""
    codes = rec[column].astype(str)
    if weight is None:
        spread = pd.Series(0.0, index=pd.Index(codes.unique()))
    else:
        w = pd.to_numeric(rec[weight], errors="coerce").groupby(codes)
        spread = (w.max() - w.min()) / w.max()
    return [None if u not in spread.index else "equal" if spread[u] <= 1e-9 else "unequal_ignored" for u in units]
