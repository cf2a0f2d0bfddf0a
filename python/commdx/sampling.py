"""Issue 14: how many households to interview, and how to share them among strata (the compiled
core's ``include/commdx/sampling.hpp``; formulas and references in docs/sampling.md).

``commdx.sample_size`` gives, for every domain (a ward, a neighbourhood) or overall, the steps
n0 -> after the design effect -> after the finite population correction (the respondents needed)
-> after the response rate (the households to contact), rounded up only at the end::

    commdx.sample_size(wards, p=0.5, margin=0.05, response_rate=0.85,
                       previous=estimates, indicator="adults_bank_account")

``wards`` has a ``domain`` column and any of ``population``, ``p``, ``variance``, ``mean``,
``deff``, ``response_rate``; a value given as a keyword is used for the rows of a table that lacks
the column. ``previous`` (the table ``commdx indicators`` writes, or its path) gives each domain's
design effect for ``indicator`` (its ``deff`` in the row of that unit); a deff below 1 there is
raised to 1 with a ``DeffFloorWarning`` naming the domain (``attrs["deff_floored"]``).

``commdx.allocate`` shares a total among strata: proportional, equal, Neyman, optimal with costs
(or its total from a budget or a target variance), and Bankier's power allocation, with per-stratum
minimums and maximums (and n_h <= N_h), as integers that add up to the total (largest remainder)::

    commdx.allocate(wards, n=1200, method="power", power=0.5, minimum=60)

``strata`` has ``stratum`` (the name column) and ``population``, and as the method needs ``sd``,
``mean``, ``cost``, ``minimum``, ``maximum``; ``p`` instead of ``sd``/``mean`` means a proportion
(S = sqrt(p(1-p)), Y = p).
"""
from __future__ import annotations

import math
from os import PathLike
from typing import Any, Union

import numpy as np
import pandas as pd

from . import _core

__all__ = ["sample_size", "allocate"]

_ALLOCATION_METHODS = ("proportional", "equal", "neyman", "optimal", "power")


def _source(df: pd.DataFrame | None, default: str) -> str:
    return str(df.attrs.get("source") or default) if df is not None else default


def _column(df: pd.DataFrame | None, name: str, scalar: Any, rows: int, source: str, empty: float) -> list[float]:
    """A numeric column of ``df`` (its empty cells: ``empty``), else ``scalar`` for every row."""
    if df is None or name not in df.columns:
        if scalar is None:
            return [empty] * rows
        try:
            value = float(scalar)
        except (TypeError, ValueError):
            raise _core.ConfigError(f"expected a number, got {scalar!r}", file=source, column=name) from None
        return [value] * rows
    if scalar is not None:
        raise _core.ConfigError(f"given both as a column of the table and as an argument ({scalar!r}): keep one",
                                file=source, column=name)
    out = []
    for i, v in enumerate(df[name].tolist(), start=1):
        if v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and v.strip() == ""):
            out.append(empty)
            continue
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise _core.InputError(f"expected a number, got {v!r}", file=source, row=i, column=name) from None
    return out


def _counts(values: list[float]) -> Any:
    """A population column as whole numbers when every value is one (NaN: none given)."""
    if all(math.isfinite(v) and float(v).is_integer() for v in values):
        return np.asarray(values, dtype=np.int64)
    return np.asarray([v if math.isfinite(v) else math.nan for v in values], dtype=float)


def _names(df: pd.DataFrame | None, column: str, rows: int, source: str) -> list[str]:
    if df is None:
        return [""] * rows
    if column not in df.columns:
        raise _core.InputError(f"missing required column (columns: {', '.join(map(str, df.columns))})",
                               file=source, row=0, column=column)
    names = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in df[column].tolist()]
    for i, v in enumerate(names, start=1):
        if v.strip() == "":
            raise _core.InputError("empty name", file=source, row=i, column=column)
    seen: dict[str, int] = {}
    for i, v in enumerate(names, start=1):
        if v in seen:
            raise _core.ValidationError(f"'{v}' is also in row {seen[v]}", file=source, row=i, column=column, unit=v)
        seen[v] = i
    return names


def _previous_deff(previous: pd.DataFrame | str | PathLike, indicator: str | None, names: list[str],
                   level: str | None) -> list[float]:
    """Each domain's design effect for ``indicator`` in a ``commdx indicators`` table (the city row
    for an overall size)."""
    from .io.tables import read_table

    if indicator is None:
        raise _core.ConfigError("previous estimates need the indicator whose design effect to use", column="indicator")
    table = previous if isinstance(previous, pd.DataFrame) else read_table(
        previous, text=["level", "unit", "indicator"], required=["level", "unit", "indicator", "deff"],
        non_finite=["deff"])
    source = _source(table, "previous")
    for c in ("level", "unit", "indicator", "deff"):
        if c not in table.columns:
            raise _core.InputError("missing required column of a commdx indicators table", file=source, row=0, column=c)
    rows = table[table["indicator"].astype(str) == indicator]
    if rows.empty:
        known = ", ".join(sorted(set(table["indicator"].astype(str)))[:12])
        raise _core.ConfigError(f"no row for indicator '{indicator}' (indicators: {known}...)", file=source,
                                column="indicator")
    if level is not None:
        rows = rows[rows["level"].astype(str) == level]
    out = []
    for name in names:
        hit = rows[rows["level"].astype(str) == "city"] if name == "" else rows[rows["unit"].astype(str) == name]
        if len(hit) != 1:
            what = "the city" if name == "" else f"unit '{name}'"
            raise _core.ConfigError(f"{'no' if hit.empty else 'more than one'} row of indicator '{indicator}' for {what}"
                                    + ("" if level is None else f" at level '{level}'"), file=source, column="unit",
                                    unit=name or None)
        i = int(table.index.get_loc(hit.index[0]))
        value = float(hit["deff"].iloc[0])
        if not (math.isfinite(value) and value > 0):
            raise _core.InputError(f"the previous design effect of '{indicator}' is {value!r}: not a usable deff "
                                   "(give deff in the domains table instead)", file=source,
                                   row=i + 1, column="deff",
                                   unit=name or None)
        out.append(value)
    return out


DEFF_FLOOR = 1.0


def _floor_deffs(deffs: list[float], names: list[str], indicator: str) -> dict[str, float]:
    """A previous round's design effect below 1 raised to 1 in ``deffs``, with a warning naming
    each domain: a deff under 1 from a small round (few PSUs, a lucky draw) is noise more than a
    design better than simple random sampling, and it would make the size too small."""
    floored = {}
    for k, (name, value) in enumerate(zip(names, deffs)):
        if value < DEFF_FLOOR:
            floored[name or "city"] = value
            deffs[k] = DEFF_FLOOR
    if floored:
        import warnings

        listed = ", ".join(f"{n} ({v:.3f})" for n, v in floored.items())
        warnings.warn(f"the previous design effect of '{indicator}' is below 1 for {listed}: sized with deff 1",
                      DeffFloorWarning, stacklevel=3)
    return floored


class DeffFloorWarning(UserWarning):
    """``sample_size(previous=...)`` raised a domain's design effect below 1 to 1."""


def sample_size(domains: pd.DataFrame | None = None, *, p: float | None = None, variance: float | None = None,
                mean: float | None = None, population: float | None = None, deff: float | None = None,
                response_rate: float | None = None, margin: float | None = None, relative_se: float | None = None,
                confidence: float = 0.95, domain: str = "domain",
                previous: Union[pd.DataFrame, str, PathLike, None] = None, indicator: str | None = None,
                level: str | None = None, change: float | None = None, test_power: float = 0.8,
                overlap: float | None = None, correlation: float | None = None) -> pd.DataFrame:
    """Households needed per domain (or overall, without ``domains``) for a proportion (``p``) or a
    mean (``variance``, and ``mean`` for a relative SE).

    Exactly one of ``margin`` (the half-width of the ``confidence`` interval, in the estimate's
    units: 0.05 is five points), ``relative_se`` (the SE over the estimate) and ``change`` (the
    second round, R4: households per round for the change-between-rounds test at level 1 -
    ``confidence`` to detect a change of ``change`` with probability ``test_power``; ``p`` is the
    first round's proportion, ``overlap`` the share of the second round's households interviewed
    in the first — 1 a panel, 0 fresh households, the default — and ``correlation`` the
    correlation of a household's answers between the rounds, default 0). ``population`` is
    N (empty or absent: no finite population correction); ``deff`` the design effect (default 1,
    or from ``previous``); ``response_rate`` the expected share responding (default 1).

    Returns one row per domain: the domain column, the inputs used, then ``z, n0, n_deff, n_fpc,
    n_contact`` (unrounded steps), ``respondents`` (ceil n_fpc) and ``n`` (ceil n_contact: the
    sample to draw). Refusals name the table, row, column and domain.
    """
    source = _source(domains, "domains")
    if sum(t is not None for t in (margin, relative_se, change)) != 1:
        raise _core.ConfigError("give exactly one precision target: margin (a half-width), relative_se, or the change "
                                "to detect", column="margin")
    rows = 1 if domains is None else len(domains)
    if domains is not None and rows == 0:
        raise _core.InputError("no domain to size (the table has no row)", file=source)
    names = _names(domains, domain, rows, source)
    has = (lambda c: domains is not None and c in domains.columns)
    if has("p") or p is not None:
        what = "proportion"
        if has("variance") or variance is not None:
            raise _core.ConfigError("give p (a proportion) or variance (a mean), not both", file=source, column="variance")
    elif has("variance") or variance is not None:
        what = "mean"
    else:
        raise _core.ConfigError("needs p (the expected proportion) or variance (of the variable, for a mean)",
                                file=source, column="p")
    nan = math.nan
    deffs = _column(domains, "deff", deff, rows, source, 1.0)
    if previous is not None:
        if has("deff") or deff is not None:
            raise _core.ConfigError("the design effect comes from the previous estimates or from deff, not both",
                                    file=source, column="deff")
        deffs = _previous_deff(previous, indicator, names, level)
        floored = _floor_deffs(deffs, names, str(indicator))
    cols = {
        "p": _column(domains, "p", p, rows, source, nan),
        "variance": _column(domains, "variance", variance, rows, source, nan),
        "mean": _column(domains, "mean", mean, rows, source, nan),
        "population": _column(domains, "population", population, rows, source, math.inf),
        "deff": deffs,
        "response_rate": _column(domains, "response_rate", response_rate, rows, source, 1.0),
        "overlap": _column(domains, "overlap", overlap, rows, source, 0.0),
        "correlation": _column(domains, "correlation", correlation, rows, source, 0.0),
    }
    kind, value = next((k, v) for k, v in (("margin", margin), ("relative_se", relative_se), ("change", change))
                       if v is not None)
    try:
        value = float(value)
        confidence = float(confidence)
        test_power = float(test_power)
    except (TypeError, ValueError):
        raise _core.ConfigError(f"the precision target and confidence must be numbers, got {value!r}, {confidence!r}",
                                column=kind) from None
    res = _core._sample_sizes(names, what, cols["p"], cols["variance"], cols["mean"], cols["population"],
                              cols["deff"], cols["response_rate"], cols["overlap"], cols["correlation"], kind, value,
                              confidence, test_power, source)
    out = pd.DataFrame({domain: names} if domains is not None else {})
    if what == "proportion":
        out["p"] = cols["p"]
    else:
        out["variance"] = cols["variance"]
        if not all(math.isnan(v) for v in cols["mean"]):
            out["mean"] = cols["mean"]
    out["population"] = _counts(cols["population"])
    out["deff"] = cols["deff"]
    out["response_rate"] = cols["response_rate"]
    if kind == "change":
        out["overlap"] = cols["overlap"]
        out["correlation"] = cols["correlation"]
    for c in ("z", "n0", "n_deff", "n_fpc", "n_contact"):
        out[c] = np.asarray(res[c], dtype=float)
    out["respondents"] = np.asarray(res["respondents"], dtype=np.int64)
    out["n"] = np.asarray(res["n"], dtype=np.int64)
    out.attrs["target"] = {kind: value, "confidence": confidence, **({"test_power": test_power} if kind == "change" else {})}
    if previous is not None:
        out.attrs["deff_floored"] = floored  # domain -> the previous round's deff raised to 1
    return out


def allocate(strata: pd.DataFrame, n: int | None = None, method: str = "proportional", *, power: float = 0.5,
             budget: float | None = None, variance: float | None = None, minimum: float | None = None,
             maximum: float | None = None, stratum: str = "stratum") -> pd.DataFrame:
    """Share ``n`` households among the rows of ``strata``.

    ``method``: "proportional" (N_h), "equal", "neyman" (N_h S_h), "optimal" (N_h S_h / sqrt c_h)
    or "power" (Bankier 1988: N_h^q S_h Y_h^(q-1), S_h and Y_h optional; ``power`` is q). For
    "optimal", ``budget`` (sum c_h n_h) or ``variance`` (of the stratified mean) can set the
    total instead of ``n``, and ``variance`` for "neyman" (equal costs); the total is then rounded
    to the nearest whole number. ``minimum`` and
    ``maximum`` apply to every stratum lacking its own column. Returns the strata's name and
    population, then ``weight`` (a_h), ``unconstrained`` (n a_h / sum a), ``exact`` (after the
    bounds, before rounding), ``n`` (integers adding up to the total) and ``bound`` ("minimum",
    "maximum", "population" or ""). ``attrs``: the method, total, anticipated variance of the
    stratified mean (with S_h) and cost (with c_h).
    """
    if not isinstance(strata, pd.DataFrame):
        raise _core.ConfigError("strata: expected a DataFrame with a row per stratum")
    source = _source(strata, "strata")
    if method not in _ALLOCATION_METHODS:
        raise _core.ConfigError(f"method must be one of {', '.join(_ALLOCATION_METHODS)}, got {method!r}", column="method")
    rows = len(strata)
    if rows == 0:
        raise _core.InputError("no stratum to allocate to (the table has no row)", file=source)
    names = _names(strata, stratum, rows, source)
    if "population" not in strata.columns:
        raise _core.InputError("missing required column (the stratum's households)", file=source, row=0, column="population")
    nan = math.nan
    pop = _column(strata, "population", None, rows, source, nan)
    sd = _column(strata, "sd", None, rows, source, nan)
    mean = _column(strata, "mean", None, rows, source, nan)
    if "p" in strata.columns:
        if "sd" in strata.columns or "mean" in strata.columns:
            raise _core.ConfigError("give p (a proportion) or sd/mean, not both", file=source, column="p")
        ps = _column(strata, "p", None, rows, source, nan)
        for i, v in enumerate(ps, start=1):
            if not (0 < v < 1):
                raise _core.InputError(f"the expected proportion must lie strictly between 0 and 1, got {v!r}",
                                       file=source, row=i, column="p", unit=names[i - 1])
        sd = [math.sqrt(v * (1 - v)) for v in ps]
        mean = list(ps) if method == "power" else [nan] * rows
    cost = _column(strata, "cost", None, rows, source, nan)
    lo = _column(strata, "minimum", minimum, rows, source, 0.0)
    hi = _column(strata, "maximum", maximum, rows, source, math.inf)
    if sum(x is not None for x in (n, budget, variance)) != 1:
        raise _core.ConfigError("give exactly one of n, budget or variance (the last two for method='optimal')", column="n")
    if n is None:
        if method != "optimal" and not (method == "neyman" and variance is not None):
            raise _core.ConfigError("a budget sets the total of the optimal allocation only, a target variance that of "
                                    f"the optimal or Neyman allocation, not of {method!r}",
                                    column="budget" if budget is not None else "variance")
        by, value = ("budget", budget) if budget is not None else ("variance", variance)
        # Neyman's allocation is the optimal one with equal costs
        costs = [1.0] * rows if method == "neyman" else cost
        total = _core._optimal_total(names, pop, sd, costs, by, float(value), source)  # type: ignore[arg-type]
        n_total = int(round(total))
    else:
        if isinstance(n, bool) or not float(n).is_integer() or n < 0:
            raise _core.ConfigError(f"the sample size must be a whole number >= 0, got {n!r}", column="n")
        total, n_total = float(n), int(n)
    res = _core._allocate(names, pop, sd, mean, cost, lo, hi, n_total, method, float(power), source)
    out = pd.DataFrame({stratum: names, "population": _counts(pop)})
    for c in ("weight", "unconstrained", "exact"):
        out[c] = np.asarray(res[c], dtype=float)
    out["n"] = np.asarray(res["n"], dtype=np.int64)
    out["bound"] = res["bound"]
    out.attrs.update({"method": method, "n": n_total, "total": total, "variance": res["variance"],
                      "se": math.sqrt(res["variance"]) if res["variance"] == res["variance"] else nan,
                      "cost": res["cost"], "power": float(power) if method == "power" else None})
    return out
