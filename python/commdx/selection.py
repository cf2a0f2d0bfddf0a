"""Issue 14: selecting the survey's sample (the compiled core's ``include/commdx/selection.hpp``;
methods, references and the weights in docs/selection.md).

``commdx.select_sample(households, n=8, m=10, reserves=3, seed=1)`` draws, in every ward, ``n``
residential groups with probability proportional to size (their households in the list, or a
``size`` column of ``groups``), certainty groups flagged, then ``m`` households of each drawn group
from the team's household list, and ``reserves`` reserve households per group in the order they
are to be used. The result's ``sample`` carries the design columns ``commdx.estimate`` reads
(``stratum``, ``psu``, ``weight``, ``fpc``), so once surveyed::

    sel = commdx.select_sample(household_list, n={"26506": 6, "26509": 8}, m=12, reserves=4)
    surveyed = sel.sample.merge(answers, on="household_id")
    commdx.estimate(surveyed, sel.design, ["bank_account"], by="ward_code")
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Union

import pandas as pd

from . import _core
from .estimate import SurveyDesign

__all__ = ["Selection", "select_sample", "inclusion_probabilities"]

_METHODS = ("pivotal", "systematic")
_WITHIN = ("srs", "systematic")


@dataclass
class Selection:
    """A selected sample.

    sample : one row per household to interview: ``household_id``, the ward and group columns of
        the list, ``position`` (1-based, in the group's list), ``stratum`` (the ward, or
        ``ward/group`` for a certainty group, a stratum of its own), ``psu`` (the group, or the
        household in a certainty group), ``pi_group``, ``pi_household``, ``pi`` (their product),
        ``weight`` = 1/pi, ``certainty``, and ``fpc`` when every household of a drawn group is taken
        (``m=0``); with subsampling the design is the with-replacement approximation, no fpc
    reserves : per drawn group, the reserve households in ``rank`` order (1 = the first to use in
        place of a household that does not respond; it takes that household's weight)
    groups : every group of the frame: ``size``, ``listed`` households, ``pi``, ``certainty``,
        ``selected``
    design : the ``SurveyDesign`` of ``sample``'s columns
    """

    sample: pd.DataFrame
    reserves: pd.DataFrame
    groups: pd.DataFrame
    design: SurveyDesign


def inclusion_probabilities(sizes, n: int) -> tuple[list, list]:
    """PPS inclusion probabilities ``n x / sum(x)`` with certainty units set to 1 and the rest
    recomputed (R sampling's ``inclusionprobabilities``): ``(pi, certainty)``."""
    return _core._inclusion_probabilities([float(x) for x in sizes], int(n))


def _need(df: pd.DataFrame, columns, source: str) -> None:
    for c in columns:
        if c not in df.columns:
            raise _core.InputError(f"missing column (has: {', '.join(map(str, df.columns))})", file=source, row=0,
                                   column=c)


def _text(df: pd.DataFrame, column: str, source: str) -> list[str]:
    col = df[column]
    missing = col.isna().to_numpy()
    if missing.any():
        row = int(missing.argmax()) + 1
        raise _core.InputError("empty value", file=source, row=row, column=column)
    return col.astype(str).tolist()  # one conversion (iterating an Arrow-backed column is slow)


def _count(value, what: str) -> int:
    try:
        v = int(value)
    except (TypeError, ValueError):
        v = -1
    if v < 0 or v != value:
        raise _core.ConfigError(f"{what} must be a whole number >= 0, got {value!r}", column=what)
    return v


def select_sample(households: pd.DataFrame, groups: Optional[pd.DataFrame] = None, *,
                  n: Union[int, Mapping[str, int]] = 8, m: int = 0, reserves: int = 0, seed: int = 1,
                  method: str = "pivotal", within: str = "srs", stratum: str = "ward_code",
                  group: str = "group_code", id: str = "household_id", size: str = "size") -> Selection:
    """Draw the two-stage sample (docs/selection.md).

    Parameters
    ----------
    households : the team's household list, one row per household, in list order (the order
        systematic sampling follows), with the columns ``stratum``, ``group`` and ``id`` name
    groups : the frame of residential groups (columns ``stratum``, ``group``, ``size``), in frame
        order; by default every group of the list, in order of first appearance, sized by its
        listed households
    n : groups to draw per stratum, or ``{stratum: n}`` (every stratum of the frame named; 0 skips one)
    m : households to interview per drawn group (0: all of them)
    reserves : reserve households listed per drawn group
    seed : the same seed gives the same sample on every machine
    method : first stage, ``"pivotal"`` (Deville and Tillé's pivotal method, default) or ``"systematic"`` PPS
    within : second stage, ``"srs"`` (simple random) or ``"systematic"`` (from the list order)
    """
    hsource = households.attrs.get("source", "households")
    _need(households, (stratum, group, id), hsource)
    if method not in _METHODS:
        raise _core.ConfigError(f"method must be one of {', '.join(_METHODS)}, got {method!r}", column="method")
    if within not in _WITHIN:
        raise _core.ConfigError(f"within must be one of {', '.join(_WITHIN)}, got {within!r}", column="within")
    hs, hg, hid = (_text(households, c, hsource) for c in (stratum, group, id))
    if groups is None:
        gsource = hsource
        frame = pd.DataFrame({"s": hs, "g": hg}).groupby(["s", "g"], sort=False).size().reset_index()
        gs, gg, gx = list(frame["s"]), list(frame["g"]), [float(x) for x in frame[0]]
    else:
        gsource = groups.attrs.get("source", "groups")
        _need(groups, (stratum, group, size), gsource)
        gs, gg = _text(groups, stratum, gsource), _text(groups, group, gsource)
        x = pd.to_numeric(groups[size], errors="coerce")
        bad = x.isna().to_numpy()
        if bad.any():
            row = int(bad.argmax())
            raise _core.InputError(f"a size must be a number, got {groups[size].iloc[row]!r}", file=gsource,
                                   row=row + 1, column=size)
        gx = [float(v) for v in x]
    if isinstance(n, Mapping):
        alloc, per = {str(k): _count(v, "n") for k, v in n.items()}, 0
        for s in dict.fromkeys(gs):
            if s not in alloc:
                raise _core.ConfigError(f"the allocation gives no number of groups for stratum {s}", column="n", unit=s)
    else:
        alloc, per = {}, _count(n, "n")
    out = _core._select_sample(gs, gg, gx, hs, hg, hid, alloc, per, _count(m, "m"), _count(reserves, "reserves"),
                               method, within, int(seed), gsource, hsource)
    hh = out["households"]
    sample = pd.DataFrame({
        "household_id": hh["household_id"], stratum: hh["ward"], group: hh["group"], "position": hh["position"],
        "stratum": hh["stratum"], "psu": hh["psu"], "pi_group": hh["pi_group"], "pi_household": hh["pi_household"],
    })
    sample["pi"] = sample["pi_group"] * sample["pi_household"]
    sample["weight"] = hh["weight"]
    if m == 0:  # one-stage: the first-stage fpc holds (docs/selection.md, "The sample file")
        sample["fpc"] = hh["fpc"]
    sample["certainty"] = hh["certainty"]
    if id != "household_id":
        sample = sample.rename(columns={"household_id": id})
    r = out["reserves"]
    res = pd.DataFrame({id: r["household_id"], stratum: r["ward"], group: r["group"], "position": r["position"],
                        "rank": r["rank"]})
    g = out["groups"]
    frame_out = pd.DataFrame({stratum: g["stratum"], group: g["group"], "size": g["size"], "listed": g["listed"],
                              "pi": g["pi"], "certainty": g["certainty"], "selected": g["selected"]})
    return Selection(sample=sample, reserves=res, groups=frame_out,
                     design=SurveyDesign(weight="weight", strata="stratum", psu="psu", fpc="fpc" if m == 0 else None))
