"""S1-S4: design-based estimates with honest error bars (the estimate stage).

``commdx.SurveyDesign`` names the design columns; ``commdx.estimate`` gives means or totals and
``commdx.estimate_ratio`` ratios of totals, overall or per domain (``by``), each as a DataFrame
with the ``by`` columns, then ``variable, estimate, se, ci_low, ci_high, deff, n``.

The method is R's survey package's (Taylor linearisation, one-stage ultimate-cluster design),
and agrees with it to a relative 1e-9 (tests/data/r/). In short:

* design: weights, strata, PSUs nested in strata (a PSU label is read within its stratum),
  ``fpc`` as PSUs in the stratum's population or as a sampling fraction (< 1); without ``fpc``
  the with-replacement approximation; a census (fpc = population) has zero sampling error;
* lonely PSUs: ``lonely_psu`` = "fail" (R's default), "remove", "adjust", "average", "certainty";
* domains keep the full design (R's ``svyby``); all ``by`` cells come from one pass over the rows;
* missing values: a row whose variable (for a ratio: numerator or denominator) is missing is
  outside that estimate's domain (survey's ``na.rm=TRUE``); ``n`` counts the rows used;
  a domain with no usable row has a missing estimate and n = 0;
* ``ci``: "auto" (default) takes the logit interval of R's ``svyciprop`` for proportions
  (a mean of a 0/1 variable, a ratio with 0 <= numerator <= denominator), with Student's t
  on the domain's design degrees of freedom, which stays inside [0, 1]; otherwise the Wald
  interval with Student's t on the same degrees of freedom ("wald_t"; missing at 0 degrees of
  freedom, as Stata's svy and R's ``svyciprop`` do); "wald" takes the normal quantile instead
  (R's ``confint`` default, for agreement with R), "wald_t" or "logit" force theirs;
* ``deff``: the design effect against simple random sampling without replacement (R's
  ``deff=TRUE``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import _core

__all__ = ["SurveyDesign", "estimate", "estimate_ratio"]

_LONELY = ("fail", "remove", "adjust", "average", "certainty")


class _Unnamed:
    """The weight nobody named: refused, so that a weighted sample is never estimated
    unweighted by default (issue 11). ``weight=None`` is how a caller says "unweighted"."""

    def __repr__(self) -> str:
        return "<weight not named>"

    def __reduce__(self) -> str:
        return "_UNNAMED"


_UNNAMED: Any = _Unnamed()

_NO_WEIGHT = ("no weight column is named; give weight=<column>, or weight=None "
              "(on the command line weight=none) for an unweighted sample")


@dataclass(frozen=True)
class SurveyDesign:
    """Column names of a survey design. The weight must be named: ``weight=None`` says the
    sample is unweighted (every row weighs 1); leaving it out is an error.

    Parameters
    ----------
    weight : sampling weight column (finite and > 0), or ``None`` for an unweighted sample
    strata : stratum column (one stratum when omitted)
    psu : primary sampling unit column (each row its own PSU when omitted)
    fpc : PSUs in the stratum's population, or the first-stage sampling fraction (< 1)
    lonely_psu : what a stratum with a single PSU does: "fail", "remove", "adjust",
        "average" or "certainty" (R's ``options(survey.lonely.psu=)``)
    """

    weight: str | None = _UNNAMED
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    lonely_psu: str = "fail"

    def __post_init__(self) -> None:
        if self.weight is _UNNAMED:
            raise _core.ConfigError(f"SurveyDesign, field 'weight': {_NO_WEIGHT}")
        if self.lonely_psu not in _LONELY:
            raise _core.ConfigError(f"SurveyDesign: lonely_psu must be one of {', '.join(_LONELY)}, got {self.lonely_psu!r}")

    @classmethod
    def parse(cls, spec: str) -> "SurveyDesign":
        """From the command-line form ``"weight=w,strata=s,psu=p,fpc=f,lonely_psu=adjust"``."""
        d = _core._parse_design(spec)
        if "weight" not in d:  # the core leaves out a weight nobody named
            raise _core.ConfigError(f"--design '{spec}', field 'weight': {_NO_WEIGHT}")
        return cls(**{k: (v or None) for k, v in d.items() if k != "lonely_psu"}, lonely_psu=d["lonely_psu"])

    @classmethod
    def default_for(cls, df: pd.DataFrame) -> "SurveyDesign":
        """The data dictionary's design columns (weight, stratum, psu, fpc) that ``df`` has. The
        weight column must be among them: a survey without one is refused rather than estimated
        unweighted (say ``SurveyDesign(weight=None, ...)`` if it really is unweighted)."""
        if "weight" not in df.columns:
            source = df.attrs.get("source", "DataFrame")
            raise _core.InputError(f"{source}, column 'weight': missing, so the design is unknown; name it "
                                   "(--design weight=COLUMN,...) or say weight=none for an unweighted sample")
        has = lambda c: c if c in df.columns else None  # noqa: E731
        return cls(weight="weight", strata=has("stratum"), psu=has("psu"), fpc=has("fpc"))

    def columns(self) -> list[str]:
        return [c for c in (self.weight, self.strata, self.psu, self.fpc) if c]

    def to_dict(self) -> dict[str, Any]:
        """The named columns; ``weight`` stays, as None for an unweighted sample."""
        return {k: v for k, v in asdict(self).items() if v is not None or k == "weight"}


def _as_list(x: str | Iterable[str] | None) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def _numeric(df: pd.DataFrame, name: str) -> np.ndarray:
    col = df[name]
    if col.dtype == np.float64:
        return np.ascontiguousarray(col.to_numpy())  # no copy
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return np.ascontiguousarray(col.to_numpy(dtype="float64", na_value=np.nan))
    converted = pd.to_numeric(col, errors="coerce")
    bad = converted.isna() & col.notna() & (col.astype(str).str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise _core.InputError(f"DataFrame, row {row + 1}, column '{name}': expected a number, got {col.iloc[row]!r}")
    return converted.to_numpy(dtype="float64", na_value=np.nan)


def _codes(df: pd.DataFrame, name: str) -> Any:
    """A grouping/design column: numbers as float64, anything else as (codes, labels) sorted."""
    col = df[name]
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return np.ascontiguousarray(col.to_numpy(dtype="float64", na_value=np.nan))
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories
        order = np.argsort(np.asarray(cats.astype(str)), kind="stable")
        remap = np.empty(len(cats), dtype=np.int64)
        remap[order] = np.arange(len(cats))
        raw = col.cat.codes.to_numpy().astype(np.int64)
        codes = np.where(raw >= 0, remap[np.maximum(raw, 0)], -1)
        return (codes, [str(cats[i]) for i in order])
    codes, uniques = pd.factorize(col.astype("string") if col.dtype == object else col, sort=True)
    return (codes.astype(np.int64), [str(u) for u in uniques])


def _columns(df: pd.DataFrame, numeric: Sequence[str], grouping: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in grouping:
        if name not in df.columns:
            raise _core.InputError(f"DataFrame, column '{name}': missing required column")
        out[name] = _codes(df, name)
    for name in numeric:
        if name in out:
            continue
        if name not in df.columns:
            raise _core.InputError(f"DataFrame, column '{name}': missing required column")
        out[name] = _numeric(df, name)
    return out


def _design(design: SurveyDesign | _core.CalibratedDesign | dict | str | None) -> SurveyDesign:
    if design is None:
        raise _core.ConfigError(f"design None: {_NO_WEIGHT}")
    if isinstance(design, SurveyDesign):
        return design
    if isinstance(design, _core.CalibratedDesign):  # commdx.calibrate: the design it calibrated
        return SurveyDesign(**design.design)
    if isinstance(design, str):
        return SurveyDesign.parse(design)
    return SurveyDesign(**design)


def _core_design(design: Any, d: SurveyDesign) -> Any:
    """What the core takes: a CalibratedDesign itself (its weights and residuals), else the dict."""
    return design if isinstance(design, _core.CalibratedDesign) else d.to_dict()


def _source(df: pd.DataFrame) -> str:
    """The file the rows came from (readers set ``attrs["source"]``), for messages."""
    return str(df.attrs.get("source") or "DataFrame")


def _frame(cols: dict[str, Any], df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(cols)
    for name in by:  # back to the caller's values and dtype
        src = df[name]
        if not (pd.api.types.is_numeric_dtype(src) and not pd.api.types.is_bool_dtype(src)):
            out[name] = out[name].replace("", np.nan) if out[name].dtype == object else out[name]
    out["n"] = out["n"].astype("int64")
    return out


def estimate(df: pd.DataFrame, design: SurveyDesign | _core.CalibratedDesign | dict | str | None, variables: str | Sequence[str],
             stat: str = "mean", by: str | Sequence[str] | None = None, level: float = 0.95,
             ci: str = "auto") -> pd.DataFrame:
    """Design-based means (``stat="mean"``; of a 0/1 variable, a proportion) or totals
    (``stat="total"``) of ``variables``, overall or per cell of the ``by`` columns.

    Returns a DataFrame: the ``by`` columns, then ``variable, estimate, se, ci_low, ci_high,
    deff, n``; cells sorted by their ``by`` values, variables in the order given.

    >>> commdx.estimate(sample, commdx.SurveyDesign(weight="weight", strata="stratum",
    ...                 psu="psu", fpc="fpc"), ["bank_account", "e_wallet"], by="ward_code")
    """
    d = _design(design)
    variables = _as_list(variables)
    by = _as_list(by)
    grouping = [c for c in (d.strata, d.psu) if c] + by
    numeric = [c for c in (d.weight, d.fpc) if c] + variables
    cols = _columns(df, numeric, grouping)
    res = _core._estimate(cols, _core_design(design, d), variables, stat, by, float(level), ci, _source(df))
    return _frame(res, df, by)


def estimate_ratio(df: pd.DataFrame, design: SurveyDesign | _core.CalibratedDesign | dict | str | None, numerator: str, denominator: str,
                   by: str | Sequence[str] | None = None, level: float = 0.95, ci: str = "auto") -> pd.DataFrame:
    """The ratio of weighted totals ``numerator / denominator`` (e.g. adults with a bank account
    per adult), overall or per ``by`` cell; same columns as :func:`estimate`, with variable
    ``"numerator/denominator"``."""
    d = _design(design)
    by = _as_list(by)
    grouping = [c for c in (d.strata, d.psu) if c] + by
    numeric = [c for c in (d.weight, d.fpc) if c] + [numerator, denominator]
    cols = _columns(df, numeric, grouping)
    res = _core._estimate_ratio(cols, _core_design(design, d), numerator, denominator, by, float(level), ci, _source(df))
    return _frame(res, df, by)
