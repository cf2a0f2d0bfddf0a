"""The monitor stage (R4, T2, M1, S5): changes between survey rounds with a design-based test,
small-cell suppression of published tables, and the monthly report (``monthly_report``).

The statistics run in the compiled core (``include/commdx/monitor.hpp``, ``report.hpp``); this
module adapts pandas DataFrames to it. The report itself is assembled in ``commdx.report``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping


import numpy as np
import pandas as pd

from . import _core
from ._frame import from_columns, to_columns

if TYPE_CHECKING:  # report imports this module: a runtime import would be circular
    from .report import MonthlyReport

__all__: list[str] = ["round_changes", "suppress_small_cells", "monthly_report", "MonthlyReport",
                       "check_survey_rounds", "check_visit_log", "check_manual_log", "check_places",
                       "VISIT_OUTCOMES", "visit_outcomes"]

_DESIGN_KEYS = ("weight", "strata", "psu", "fpc", "round", "id")
_DEFAULT_DESIGN = {"weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc", "round": "round"}


def _design_dict(design: Any) -> dict[str, str]:
    """A SurveyDesign (any object with weight/strata/psu/fpc attributes), a dict, or None."""
    out = dict(_DEFAULT_DESIGN)
    if design is None:
        return out
    if isinstance(design, _core.CalibratedDesign):  # its weights are one round's: not silently dropped
        raise _core.ConfigError("design: a calibrated design holds one round; give the design, and each round's "
                                "calibration as calibration=(calibrated_before, calibrated_after)")
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


def _calibrations(calibration: Any, before: float, after: float) -> list[tuple[float, Any]]:
    """``(cal_before, cal_after)`` (either may be None) or ``{round: cal}`` as (round, cal) pairs."""
    if calibration is None:
        return []
    if isinstance(calibration, _core.CalibratedDesign):
        raise _core.ConfigError("calibration: give one per round, as (calibrated_before, calibrated_after) or "
                                "{round: calibrated design}")
    if isinstance(calibration, Mapping):
        pairs = [(float(r), c) for r, c in calibration.items()]
    else:
        items = list(calibration)
        if len(items) != 2:
            raise _core.ConfigError(f"calibration: expected (calibrated_before, calibrated_after), got {len(items)} items")
        pairs = [(float(before), items[0]), (float(after), items[1])]
    out = []
    for r, c in pairs:
        if c is None:
            continue
        if not isinstance(c, _core.CalibratedDesign):
            raise _core.ConfigError(f"calibration of round {r:g}: expected a CalibratedDesign (commdx.calibrate), "
                                    f"got {type(c).__name__}")
        out.append((r, c))
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
    calibration: Any = None,
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
        Column names: ``weight``, ``strata``, ``psu``, ``fpc``, ``round``, ``id`` (None or "" =
        absent; ``id`` defaults to ``household_id`` when ``df`` has it: an id twice in a round
        is refused).
    before, after : round numbers compared (default 0 = baseline, 1 = follow-up).
    by : column of domains (e.g. ``"ward_code"``); the whole population is included too unless
        ``include_total=False``.
    level : confidence level; a change is ``significant`` when its two-sided p-value is below
        ``1 - level``.
    calibration : ``(calibrated_before, calibrated_after)`` or ``{round: calibrated}``, optional
        Each round's ``commdx.calibrate`` result, made on that round's rows of ``df`` in their
        order; the rows' weight column holds the design weights it started from. The round is
        then estimated with its calibrated weights and its SEs come from the calibration
        residuals, as R's svyby + svycontrast on the rounds calibrated each to its own margins.
        Without ``design``, the design columns are the calibration's.

    Returns
    -------
    DataFrame with ``domain, variable, before, se_before, after, se_after, change, se_change,
    covariance, z, p_value, ci_low, ci_high, n_before, n_after, significant``. A PSU holding both
    rounds (a panel) makes the covariance count, as R's ``svyby`` + ``svycontrast`` do; strata
    whose PSUs differ between rounds are treated as independent samples.
    """
    cals = _calibrations(calibration, before, after)
    if design is None and cals:
        design = {k: v for k, v in dict(cals[0][1].design).items() if k in _DESIGN_KEYS}
    d = _design_dict(design)
    if "id" not in d and "household_id" in df.columns:
        d["id"] = "household_id"  # a household twice in a round would be counted twice: refused
    vars_ = _variables(variables)
    needed = {c for c in d.values() if c} | {v[1] for v in vars_} | {v[2] for v in vars_ if v[2]}
    if by:
        needed.add(by)
    missing_cols = [c for c in sorted(needed) if c not in df.columns]
    if missing_cols:
        raise _core.InputError(f"DataFrame, column '{missing_cols[0]}': missing required column")
    text_cols = tuple(c for c in (d["strata"], d["psu"], d.get("id"), by) if c)
    cols = to_columns(df[sorted(needed)], text_columns=text_cols)
    out = _core._test_changes(cols, _source(df, "DataFrame"), d, vars_, float(before), float(after), by or "",
                              bool(include_total), float(level), cals)
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
    min_households: float | None = None,
) -> pd.Series:
    """Small-cell status of each row of a hierarchical table: ``published``, ``primary`` (fewer
    than ``min_households`` households; default the shipped report-config.json's k) or
    ``complementary`` (suppressed so that no primary cell can be recovered by differencing
    published totals along ``parent``). ``group`` splits the table into independent hierarchies
    (e.g. one per indicator)."""
    if min_households is None:
        from .io.json import shipped_json

        min_households = float(shipped_json("report-config.json")["min_households"])
    ids = cells[id].astype(str).tolist()
    parents = ["" if pd.isna(p) else str(p) for p in cells[parent].tolist()]
    hh = pd.to_numeric(cells[households], errors="coerce").astype(float).tolist()
    groups = [] if group is None else cells[group].astype(str).tolist()
    status = _core._suppress_small_cells(ids, parents, hh, groups, float(min_households))
    return pd.Series(status, index=cells.index, name="suppression")


# ---- what the report's inputs refer to (issue 11: each of these was accepted silently) ------

def visit_outcomes(catalogue: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The outcome words a visit log may hold: the campaign catalogue's ``visit_log`` (success,
    failure, no attempt), read as the plan reads it (``commdx::campaign_catalogue``); ``catalogue``
    a city's catalogue dict, default the shipped campaigns.json. One vocabulary for the plan, the
    report and synth's visit log (docs/data-dictionary.md, visits.csv)."""
    words = _core._visit_log_vocabulary(None if catalogue is None else dict(catalogue))
    return tuple(dict.fromkeys([*words["success"], *words["failure"], *words["no_attempt"]]))


#: The shipped catalogue's outcome words (:func:`visit_outcomes`); a report config may add its own.
VISIT_OUTCOMES: tuple[str, ...] = visit_outcomes()


def _source(df: pd.DataFrame, default: str) -> str:
    return str(df.attrs.get("source") or default)


def _where(source: str, pos: int, column: str) -> str:
    """Row numbers as the readers count them: the header is row 0, data rows from 1."""
    return f"{source}, row {pos + 1}, column '{column}'"


def _round_values(df: pd.DataFrame, source: str) -> np.ndarray:
    r = pd.to_numeric(df["round"], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(r) | (r != np.floor(r)) | (r < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _core.ValidationError(f"{_where(source, i, 'round')}: a round must be a whole number >= 0, "
                                    f"got {df['round'].iloc[i]!r}")
    return r


def _no_duplicate_ids(df: pd.DataFrame, source: str, rounds: np.ndarray) -> None:
    if "household_id" not in df.columns:
        raise _core.InputError(f"{source}, column 'household_id': missing required column")
    key = pd.DataFrame({"id": df["household_id"].astype(str).to_numpy(), "round": rounds})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        same = np.flatnonzero(dup & (key["id"].to_numpy() == key["id"].iloc[first])
                              & (rounds == rounds[first]))
        raise _core.ValidationError(
            f"{_where(source, int(same[1]), 'household_id')}: household {key['id'].iloc[first]} appears twice in "
            f"round {int(rounds[first])} (rows {int(same[0]) + 1} and {int(same[1]) + 1}); it would be counted twice")


def check_survey_rounds(sample: pd.DataFrame, followup: pd.DataFrame | None) -> None:
    """The survey rounds the report compares: the sample holds the baseline (round 0), the
    follow-up later rounds (>= 1, round 1 when it has no ``round`` column); a household appears
    at most once per round. Raises ``ValidationError`` naming the file, row and column."""
    src = _source(sample, "sample")
    r0 = _round_values(sample, src) if "round" in sample.columns else np.zeros(len(sample))
    if len(sample) and not (r0 == 0).any():
        raise _core.ValidationError(
            f"{src}, column 'round': no row of the baseline (round 0); every row is round "
            f"{', '.join(str(int(v)) for v in sorted(set(r0)))}. The baseline sample is round 0 and the "
            "follow-up belongs in the follow-up file")
    _no_duplicate_ids(sample, src, r0)
    if followup is None:
        return
    fsrc = _source(followup, "followup")
    r1 = _round_values(followup, fsrc) if "round" in followup.columns else np.ones(len(followup))
    if (r1 == 0).any():
        i = int(np.flatnonzero(r1 == 0)[0])
        raise _core.ValidationError(f"{_where(fsrc, i, 'round')}: round 0 is the baseline; a follow-up round is 1 or later")
    _no_duplicate_ids(followup, fsrc, r1)


def check_places(records: pd.DataFrame, places: pd.DataFrame, default: str = "survey") -> None:
    """Each row's place columns agree with the places (``code``, ``parent``): the group is a unit
    whose parent is the row's neighbourhood, whose parent is the row's ward (issue 11: a group
    placed in another ward was accepted). Raises ``ValidationError`` naming file, row, column."""
    if not len(places):
        return
    src = _source(records, default)
    parent = dict(zip(places["code"].astype(str), places["parent"].astype(str)))
    chain = [c for c in ("group_code", "neighbourhood_code", "ward_code") if c in records.columns]
    for child, up in zip(chain, chain[1:]):
        codes = records[child].astype(str)
        unknown = ~codes.isin(parent.keys()).to_numpy()
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise _core.ValidationError(f"{_where(src, i, child)}: unit '{codes.iloc[i]}' is not in the places")
        wrong = (codes.map(parent) != records[up].astype(str)).to_numpy()
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise _core.ValidationError(
                f"{_where(src, i, up)}: {child} '{codes.iloc[i]}' lies in {parent[codes.iloc[i]]}, "
                f"not in '{records[up].iloc[i]}'")
    if chain:
        codes = records[chain[-1]].astype(str)
        unknown = ~codes.isin(parent.keys()).to_numpy()
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise _core.ValidationError(f"{_where(src, i, chain[-1])}: unit '{codes.iloc[i]}' is not in the places")


def _known(values: pd.Series, known: set[str], source: str, column: str, what: str, against: str) -> None:
    text = values.astype(str).to_numpy()
    bad = ~pd.Series(text).isin(known).to_numpy() | values.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = "" if pd.isna(values.iloc[i]) else text[i]
        raise _core.ValidationError(f"{_where(source, i, column)}: {what} '{value}' is not in {against} "
                                    f"({int(bad.sum())} such row(s))")


def _households_known(df: pd.DataFrame, src: str, households: set[str] | None, register: bool) -> list[str]:
    """Against the household register an unknown household is an error; against the survey's
    households only a finding (a visit may reach a household outside the sample)."""
    if households is None:
        return []
    if register:
        _known(df["household_id"], households, src, "household_id", "household", "the household register")
        return []
    unknown = ~df["household_id"].astype(str).isin(households)
    if not unknown.any():
        return []
    return [f"{src}: {int(unknown.sum())} row(s) name households outside the survey files (first: row "
            f"{int(np.flatnonzero(unknown.to_numpy())[0]) + 1}); without the household register (households.csv) "
            "they could not be checked"]


def check_visit_log(visits: pd.DataFrame, *, households: set[str] | None, register: bool,
                    members: set[str] | None, outcomes: set[str]) -> list[str]:
    """Every visit row refers to a household, a member of the roster and a known outcome.

    ``households`` are the ids the visit log may name; with ``register`` True they are the
    city's household register (households.csv) and an unknown one is an error, otherwise only
    the survey's households, and visits of other households are a finding (returned), since a
    visit may well reach a household outside the sample. ``members`` None (no roster) skips the
    member check. Raises ``ValidationError`` naming the file, row and column."""
    src = _source(visits, "visits")
    for col in ("household_id", "member_id", "outcome"):
        if col not in visits.columns:
            raise _core.InputError(f"{src}, column '{col}': missing required column")
    _known(visits["outcome"].astype("string").str.lower(), {o.lower() for o in outcomes}, src, "outcome",
           "outcome", "the known outcomes (" + ", ".join(sorted(outcomes)) + ")")
    if members is not None:
        _known(visits["member_id"], members, src, "member_id", "member", "the roster (teams.json)")
    return _households_known(visits, src, households, register)


def check_manual_log(log: pd.DataFrame, *, households: set[str] | None, register: bool,
                     groups: set[str] | None) -> list[str]:
    """The M1 log: frequencies finite and > 0 (docs/data-dictionary.md), households and groups
    known (households as for :func:`check_visit_log`). Raises ``ValidationError``."""
    src = _source(log, "manual_log")
    for col in ("household_id", "group_code", "process"):
        if col not in log.columns:
            raise _core.InputError(f"{src}, column '{col}': missing required column")
    if "frequency_per_month" in log.columns:
        raw = log["frequency_per_month"]
        freq = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
        bad = ~(freq > 0) | ~np.isfinite(freq)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            got = raw.iloc[i]
            text = ("nothing" if pd.isna(got) else f"{float(got):g}" if isinstance(got, (int, float, np.number))
                    else repr(str(got)))
            raise _core.ValidationError(
                f"{_where(src, i, 'frequency_per_month')}: times per month must be a number > 0, got {text}")
    if groups:
        _known(log["group_code"], groups, src, "group_code", "residential group", "the places")
    return _households_known(log, src, households, register)


def monthly_report(*args: Any, **kwargs: Any) -> "MonthlyReport":
    """The monthly report of a ward or the city; see :func:`commdx.report.monthly_report`."""
    from .report import monthly_report as _impl

    return _impl(*args, **kwargs)


def __getattr__(name: str) -> Any:  # MonthlyReport lives in commdx.report (imported lazily)
    if name == "MonthlyReport":
        from .report import MonthlyReport

        return MonthlyReport
    raise AttributeError(name)

