"""T6, C1, K1–K10, R1–R4: prioritised outreach plans (see docs/plan.md).

``plan_outreach(...)`` returns a :class:`Plan` whose attributes are pandas DataFrames:
priorities, visits, assignments, schedule, progress, indicators, gaps, steps, posteriors, wards.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping, Optional, overload

import pandas as pd

from . import _core
from ._frame import from_columns, to_columns
from .io.output import frame_records
from .progress import Callback

__all__ = ["Plan", "plan_outreach", "campaign_catalogue"]

_TEXT = ("household_id", "business_id", "ward_code", "neighbourhood_code", "group_code", "type",
         "access", "action", "member_id", "date", "outcome", "unit", "level", "indicator",
         "unit_name", "target_date", "stratum", "psu")


def campaign_catalogue() -> dict:
    """The shipped campaign catalogue (campaigns.json) as a dict; edit a copy and pass it back."""
    return _core._shipped_campaigns()


@overload
def _frame(df: None) -> None: ...


@overload
def _frame(df: pd.DataFrame) -> dict: ...


def _frame(df: Optional[pd.DataFrame]) -> Optional[dict]:
    if df is None:
        return None
    return to_columns(df, text_columns=tuple(c for c in _TEXT if c in df.columns))


def _classes(classes: Any) -> dict[str, str]:
    """code -> central/remote from a dict or a DataFrame with columns (unit|code, class|area_class);
    the table's join is C++ (``commdx::pipeline::area_classes``, include/commdx/pipeline.hpp)."""
    if classes is None:
        return {}
    if isinstance(classes, Mapping):  # checked by the same join: {"26506": "trung tâm"} is refused
        return dict(_core._area_classes({"unit": [str(k) for k in classes], "class": [str(v) for v in classes.values()]},
                                        "classes", []))
    df = classes
    # The pipeline's join checks it all, naming file, row, line, column and unit: the columns, a
    # unit classed twice, and a class other than central/remote (a Vietnamese word, a typo would
    # silently plan the unit as central, issue 11).
    lines = df.attrs.get("lines")
    return dict(_core._area_classes(to_columns(df, text_columns=tuple(str(c) for c in df.columns)),
                                    str(df.attrs.get("source", "classes")),
                                    [int(x) for x in lines] if lines is not None else []))


class Plan:
    """An outreach plan: DataFrames plus the optimality figures and messages."""

    TABLES = ("priorities", "visits", "assignments", "schedule", "progress", "indicators", "gaps",
              "steps", "posteriors", "wards")
    # tables a plan written before them lacks (read as empty)
    OPTIONAL = ("wards",)
    # set from TABLES in __init__; declared for the type checker
    priorities: pd.DataFrame
    visits: pd.DataFrame
    assignments: pd.DataFrame
    schedule: pd.DataFrame
    progress: pd.DataFrame
    indicators: pd.DataFrame
    gaps: pd.DataFrame
    steps: pd.DataFrame
    posteriors: pd.DataFrame
    wards: pd.DataFrame

    def __init__(self, raw: dict):
        for name in self.TABLES:
            setattr(self, name, from_columns(raw[name]))
        self.messages: list[dict] = list(raw["messages"])
        self.summary: dict = dict(raw["summary"])
        self.key_fingerprint: Optional[str] = None

    @property
    def gap(self) -> float:
        """(upper bound - objective) / upper bound of this plan."""
        return float(self.summary["gap"])

    def to_json(self) -> dict:
        out = dict(self.summary)
        out["messages"] = self.messages
        for name in self.TABLES:
            df = getattr(self, name)
            out[name] = frame_records(df)  # Ctrl-C inside pandas' C JSON writer can crash it
        return out

    @classmethod
    def from_json(cls, obj: Any, source: str = "<json>") -> "Plan":
        """The plan :meth:`to_json` wrote (or C++'s outreach_plan JSON, whose "columns" also keep
        the columns of a sheet without rows). A malformed document is a ConfigError naming the field."""
        from .errors import ConfigError

        if not isinstance(obj, Mapping):
            raise ConfigError(f"expected a JSON object, got {type(obj).__name__}", file=source, id="commdx.json.type")
        for key in ("messages", *cls.TABLES):
            if key not in obj and key not in cls.OPTIONAL:
                raise ConfigError("missing required field", file=source, column=f"/{key}", id="commdx.json.missing_field")
        columns = obj.get("columns") or {}
        plan = cls.__new__(cls)
        plan.key_fingerprint = None
        for name in cls.TABLES:
            rows = obj.get(name, [])
            if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
                raise ConfigError("expected an array of records", file=source, column=f"/{name}", id="commdx.json.type")
            names = [c[0] for c in columns.get(name, [])] or (list(rows[0]) if rows else [])
            for k, r in enumerate(rows):
                if set(r) != set(names):
                    odd = sorted(set(r) ^ set(names))[0]
                    raise ConfigError("a column the other records do not have, or lack", file=source,
                                      column=f"/{name}/{k}/{odd}", id="commdx.json.value")
            setattr(plan, name, pd.DataFrame.from_records(rows, columns=names))
        messages = obj["messages"]
        if not isinstance(messages, list) or not all(isinstance(m, Mapping) for m in messages):
            raise ConfigError("expected an array of messages", file=source, column="/messages", id="commdx.json.type")
        plan.messages = [dict(m) for m in messages]
        plan.summary = {k: v for k, v in obj.items() if k not in ("messages", "columns", *cls.TABLES)}
        for key in ("gap", "objective", "upper_bound"):
            if not isinstance(plan.summary.get(key), (int, float)) or isinstance(plan.summary.get(key), bool):
                raise ConfigError(f"expected a number, got {plan.summary.get(key)!r}", file=source, column=f"/{key}",
                                  id="commdx.json.type")
        return plan

    def write(self, directory: str | os.PathLike, lang: str = "vi", *, command: Optional[list[str]] = None,
              inputs: tuple = (), progress: Optional[Callback] = None) -> list[Path]:
        """plan.json, one CSV per table and one XLSX visit sheet per member (Vietnamese headers).

        Atomic (``commdx.io.output.atomic_directory``): written into a temporary sibling folder
        that replaces ``directory``, with a ``manifest.json``, only when every sheet is written;
        an interrupted or failed write leaves ``directory`` as it was. Returns the final paths.
        ``progress(done, total)`` follows the member sheets (``commdx.progress``)."""
        from .io.output import atomic_directory

        final = Path(directory)
        with atomic_directory(final, command=command, inputs=inputs) as tmp:
            written = self.write_files(tmp, lang=lang, progress=progress)
        return [final / p.relative_to(tmp) for p in written]

    def write_files(self, directory: str | os.PathLike, lang: str = "vi", *,
                    progress: Optional[Callback] = None) -> list[Path]:
        """What :meth:`write` writes, straight into ``directory`` (not atomic: for a caller that
        owns a temporary folder)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        written = []
        p = d / "plan.json"
        p.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(p)
        for name in self.TABLES:
            p = d / f"{name}.csv"
            getattr(self, name).to_csv(p, index=False, encoding="utf-8")
            written.append(p)
        written += self.write_member_sheets(d / "members", lang, progress=progress)
        return written

    def write_member_sheets(self, directory: str | os.PathLike, lang: str = "vi", *,
                            register: Optional[pd.DataFrame] = None, key: Optional[bytes] = None,
                            progress: Optional[Callback] = None) -> list[Path]:
        """One XLSX per member with scheduled visits, a printable sheet per week with a tick and an
        outcome per action (``commdx.plan_sheets``); ``register`` and ``key`` add the households'
        names and addresses, for the ward's own machine only; ``progress(done, total)`` follows
        the sheets."""
        from .plan_sheets import write_member_sheets

        return write_member_sheets(self, directory, lang, register=register, key=key, progress=progress)


def plan_outreach(households: pd.DataFrame, roster: Any, start: Optional[str] = None,
                  deadline: Optional[str] = None, *,
                  businesses: Optional[pd.DataFrame] = None, places: Any = None,
                  classes: Any = None, estimates: Optional[pd.DataFrame] = None,
                  visits: Optional[pd.DataFrame] = None, ward: str = "",
                  catalogue: Optional[dict] = None, key: Optional[bytes] = None,
                  with_names: bool = False, improve_work: Optional[int] = None,
                  bound_work: Optional[int] = None, targets: Any = None) -> Plan:
    """Build a prioritised outreach plan (T6).

    Parameters
    ----------
    households, businesses : survey tables (docs/data-dictionary.md columns); an optional
        ``access`` column (high/low) gives the access segment, otherwise classify's access rule
        (``access_segments``, classify-config.json) does; unknown access is planned as low.
    roster : the teams: a ``Roster``, its JSON dict (``{"teams": [...]}``), a DataFrame (one row
        per member) or a path; members' weekly hours, skills, affiliation.
    start, deadline : ``YYYY-MM-DD``; visits run from start to the deadline (inclusive); default
        the catalogue's campaign period (campaigns.json ``period``).
    places : commdx.Places, for unit names and the units above the households' (an action whose
        ``places`` lists a city or province applies to its wards); optional.
    classes : {unit code: "central"|"remote"} or a DataFrame (unit, class); absent -> all central.
    estimates : per-unit estimates with targets (contracts.md), optional.
    visits : visit log (household_id, action, member_id, date, outcome); updates success rates.
    ward : plan one unit (ward, neighbourhood or group code); "" = everything given.
    catalogue : a campaign catalogue dict (default: the shipped campaigns.json).
    key : the ward's pseudonym key, bytes (``commdx.keys.load(ward)``; create it once with
        ``commdx keys create --ward CODE`` or ``commdx.keys.create(ward)``). Ids are shown as ``P-`` +
        20 hex digits of HMAC-SHA-256(key, id): the same key gives the same ids every month, and
        without it they cannot be reversed. There is no default key: without one (and without
        ``with_names``) the plan is refused.
    with_names : real ids instead of pseudonyms (no key needed; for the ward's own machine).
    targets : this run's targets (``commdx.read_targets``: a Targets, a CSV/XLSX/JSON file or a
        shipped name such as ``"national-2025"``) in place of the indicator catalogue's for the
        indicators it lists, and of the ``target`` of ``estimates`` for those indicators: the
        priorities, the ``indicators`` table (``target``, ``target_source``) and the gaps follow them.
    improve_work, bound_work : the optimiser's budgets, in candidates examined (None: the defaults of
        ``plan_solver_options``, about a second each on a laptop). Budgets count work, not seconds, so
        the same inputs give the same plan on any machine, however fast or loaded.
    """
    for name, budget in (("improve_work", improve_work), ("bound_work", bound_work)):
        if budget is not None and (not isinstance(budget, int) or budget < 1):
            raise _core.ConfigError(f"plan_outreach: {name} must be a positive whole number, got {budget!r}")
    if not with_names:
        if key is None:
            raise _core.ConfigError(
                "plan_outreach: no pseudonym key. Create the ward's key once with `commdx keys create --ward CODE` "
                "(or commdx.keys.create(ward)) and pass key=commdx.keys.load(ward); with_names=True shows real ids")
        if not isinstance(key, (bytes, bytearray)):
            raise _core.ConfigError(
                f"plan_outreach: key must be bytes (commdx.keys.load(ward)), got {type(key).__name__}")
    names: dict[str, str] = {}
    parents: dict[str, str] = {}  # an action's "places" (campaigns.json) holds for the units below them
    if places is not None:
        for code in places.codes():
            names[code] = places.name(code)
            up = places.ancestors(code)
            if up:
                parents[code] = up[0]
    from .teams import _as_roster
    from .targets import as_targets

    run_targets = as_targets(targets)
    indicator_defs = None
    if run_targets is not None:
        from .indicators import indicator_catalogue

        indicator_defs = run_targets.apply(indicator_catalogue())
        if estimates is not None and "target" in estimates.columns and "indicator" in estimates.columns:
            # the estimates' targets are the catalogue's of their day: the run's file replaces them
            estimates = estimates.copy()
            estimates["target"] = estimates["target"].where(~estimates["indicator"].astype(str).isin(list(run_targets.rows)))
    raw = _core._plan_outreach(
        _frame(households), _frame(businesses), _as_roster(roster), _classes(classes), names, parents, _frame(estimates),
        _frame(visits), "" if start is None else str(start), "" if deadline is None else str(deadline), str(ward),
        catalogue, bytes(key or b""), bool(with_names), int(improve_work or 0), int(bound_work or 0),
        indicators=indicator_defs)
    plan = Plan(raw)
    if key:  # for the member sheets' note on which key the pseudonyms are under (not in plan.json)
        from .keys import fingerprint

        plan.key_fingerprint = fingerprint(bytes(key))
    return plan
