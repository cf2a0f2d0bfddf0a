"""T1-T7: Community Digital Technology Teams.

``Member``, ``Team``, ``Roster`` and ``RuleSet`` are the compiled classes (include/commdx/teams.hpp);
this module adds the pandas conveniences, spreadsheet reading and the public functions
:func:`check_teams` and :func:`team_coverage`.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from typing import Any, NamedTuple, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._frame import from_columns, to_columns
from .io import tables
from .places import Places

Member = _core.Member
Team = _core.Team
Roster = _core.Roster
RuleSet = _core.RuleSet

DEFAULT_DEADLINE: str = RuleSet.shipped().deadline
"""T5: every neighbourhood and village has at least one team by this date: the shipped rule set's
deadline (team-rules.json, where it is written once)."""

ROSTER_COLUMNS = (
    "team_id", "level", "unit", "decided_by", "decision_number", "decision_date", "member_id",
    "name", "role", "affiliation", "skills", "weekly_hours", "phone",
)
FINDING_COLUMNS = ("severity", "rule", "team", "unit", "message_vi", "message_en")

__all__ = [
    "Member", "Team", "Roster", "RuleSet", "TeamCoverage", "read_roster", "check_teams",
    "team_coverage", "DEFAULT_DEADLINE",
]

PathLike = Union[str, "os.PathLike[str]"]


# ---- Roster <-> DataFrame ---------------------------------------------------------------------

def _roster_from_dataframe(df: pd.DataFrame, source: str = "DataFrame", lines: Optional[list] = None) -> "Roster":
    """A roster from one row per member (the CSV columns of contracts.md). Errors name ``source``
    and the row (the first data row is row 1)."""
    text = tuple(str(c) for c in df.columns if str(c) != "weekly_hours")
    cols = to_columns(df, text_columns=text)
    for name in text:  # whole numbers read as floats by pandas ("26506.0") back to their digits
        if name in df.columns and pd.api.types.is_float_dtype(df[name]):
            cols[name] = [_cell_text(v) for v in df[name].tolist()]
    return Roster._from_columns(cols, source, list(lines or []))


def _roster_to_dataframe(self: "Roster") -> pd.DataFrame:
    """One row per member (a team without members is one row with empty member fields)."""
    return from_columns(self._to_columns())


def _team_to_dataframe(self: "Team") -> pd.DataFrame:
    return _roster_to_dataframe(Roster.from_teams([self]))


# the DataFrame methods are Python's, added to the bound classes (_core.pyi declares them)
Roster.from_dataframe = staticmethod(_roster_from_dataframe)  # type: ignore[method-assign]
Roster.to_dataframe = _roster_to_dataframe  # type: ignore[method-assign]
Team.to_dataframe = _team_to_dataframe  # type: ignore[method-assign]


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    if isinstance(v, _dt.datetime):
        return v.date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


def _read_xlsx(path: str) -> "Roster":
    """First sheet of a workbook, header on its first row. Errors name the file, the data row and
    the spreadsheet line (row number as Excel shows it)."""
    t = tables.read_rows(path)
    sheet = t.label[len(path) + 2:-1]  # "path [Sheet]"
    cols: dict[str, Any] = {}
    for k, n in enumerate(t.header):
        vals = [r[k] for r in t.rows]
        if n == "weekly_hours" and all(v is None or isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            cols[n] = np.array([np.nan if v is None else float(v) for v in vals], dtype="float64")
        else:
            cols[n] = [_cell_text(v) for v in vals]
    return Roster._from_columns(cols, f"{path} (sheet {sheet})", list(t.lines))


def read_roster(path: PathLike) -> "Roster":
    """Reads a roster from JSON, CSV (``,``/``;``/tab) or XLSX, chosen by the file's extension.

    Raises ``commdx.InputError`` / ``ValidationError`` naming the file, row (and line) and the
    column or field on malformed input.
    """
    p = os.fspath(path)
    if p.lower().endswith(tables.XLSX_EXTENSIONS):
        return _read_xlsx(p)
    if p.lower().endswith(".json"):  # decoded by commdx.io.json: a bad byte named by its line
        from .io.json import read_json_text

        return Roster.from_json_text(read_json_text(p), p)
    return Roster.from_file(p)


def read_rules(path: PathLike) -> "RuleSet":
    """A rule set (team-rules.json format) read by commdx.io.json's rules: duplicate keys,
    depth, non-finite numbers and bad bytes refused naming the file and line."""
    from .io.json import read_json

    return RuleSet.from_json(read_json(path), os.fspath(path))


def add_deadline_argument(parser: Any, default_vi: str, default_en: str) -> None:
    """The one ``--deadline`` of the commands with the rule set's team deadline (T5: ``teams
    check``/``coverage``, ``report``); ``commdx plan``'s last day of visits is ``--until``."""
    from .cli import option_date

    parser.add_argument(
        "--deadline", metavar="YYYY-MM-DD", type=option_date,
        help=(f"hạn thành lập tổ (T5), thay hạn của bộ quy tắc; lệnh ghi rõ khi thay (mặc định: {default_vi}) / the "
              f"teams' deadline (T5) in place of the rule set's, stated when it differs (default: {default_en})"))


def _as_roster(roster: Any) -> "Roster":
    if isinstance(roster, Roster):
        return roster
    if isinstance(roster, pd.DataFrame):
        return _roster_from_dataframe(roster)
    if isinstance(roster, (dict, list)):
        return Roster.from_json(roster)
    if isinstance(roster, (str, os.PathLike)):
        return read_roster(roster)
    raise TypeError(f"expected a Roster, a DataFrame, a JSON dict or a path, got {type(roster).__name__}")


def _as_places(places: Any) -> "Places":
    if places is None:
        return Places.vung_tau()
    if isinstance(places, Places):
        return places
    if isinstance(places, pd.DataFrame):
        return Places.from_dataframe(places)
    if isinstance(places, dict):
        return Places.from_json(places)
    if isinstance(places, (str, os.PathLike)):
        return Places.from_file(os.fspath(places))
    raise TypeError(f"expected Places, a DataFrame, a JSON dict or a path, got {type(places).__name__}")


def _as_rules(rules: Any) -> "RuleSet":
    if rules is None:
        return RuleSet.shipped()
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, dict):
        return RuleSet.from_json(rules)
    if isinstance(rules, (str, os.PathLike)):
        return read_rules(rules)
    raise TypeError(f"expected a RuleSet, a JSON dict or a path, got {type(rules).__name__}")


# ---- checking and coverage ----------------------------------------------------------------------

def check_teams(roster: Any, places: Any = None, rules: Any = None,
                deadline: Optional[str] = None) -> pd.DataFrame:
    """T1, T3, T5: checks a roster against the directive's rules.

    Parameters
    ----------
    roster : Roster, DataFrame (one row per member), JSON dict or path (.json, .csv, .xlsx)
    places : Places, DataFrame, JSON dict or path; default the built-in city ``Places.vung_tau()``.
        Every team's unit must be in it (else ``ValidationError`` naming the team's row).
    rules : RuleSet, JSON dict or path; default the shipped ``team-rules.json``.
    deadline : "YYYY-MM-DD" for T5, overriding the rule set's; default (``None``) the rule set's
        own deadline (a city's ``rules`` file sets its deadline there).

    Returns
    -------
    DataFrame with columns severity ("error", "warning", "info"), rule, team, unit, message_vi,
    message_en: one row per finding, teams in roster order, then the units without a team in time.
    """
    cols = _core._check_teams(_as_roster(roster), _as_places(places), _as_rules(rules), deadline)
    return from_columns(cols).reindex(columns=list(FINDING_COLUMNS))


class TeamCoverage(NamedTuple):
    """T4, T5 coverage tables.

    neighbourhoods: every neighbourhood/village: unit, unit_name, kind, ward, status ("on_time",
        "late", "missing"), teams, first_team, first_date.
    groups: every residential group, same columns (T4: ``teams > 0`` means a replicated team).
    wards: per ward/commune: ward, ward_name, ward_teams, neighbourhoods, on_time, late, missing,
        share_on_time, groups, groups_with_team, share_groups_with_team.
    """

    neighbourhoods: pd.DataFrame
    groups: pd.DataFrame
    wards: pd.DataFrame
    deadline: str

    def to_json(self) -> dict:
        def records(df: pd.DataFrame) -> list:
            from .io.output import frame_records

            return frame_records(df)

        return {"deadline": self.deadline, "neighbourhoods": records(self.neighbourhoods),
                "groups": records(self.groups), "wards": records(self.wards)}

    @classmethod
    def from_json(cls, obj: dict) -> "TeamCoverage":
        units = ["unit", "unit_name", "kind", "ward", "status", "teams", "first_team", "first_date"]
        wards = ["ward", "ward_name", "ward_teams", "neighbourhoods", "on_time", "late", "missing",
                 "share_on_time", "groups", "groups_with_team", "share_groups_with_team"]

        def frame(rows: list, columns: list) -> pd.DataFrame:
            df = pd.DataFrame(rows, columns=columns)
            for c in columns:
                if c.startswith("share_"):
                    df[c] = df[c].astype("float64")
            return _counts_as_int(df)

        return cls(frame(obj["neighbourhoods"], units), frame(obj["groups"], units),
                   frame(obj["wards"], wards), obj["deadline"])


def team_coverage(roster: Any, places: Any = None, deadline: Optional[str] = None,
                  rules: Any = None) -> TeamCoverage:
    """T4, T5: which neighbourhoods and villages had a team decided on or before ``deadline``
    (late and missing ones), which residential groups have a replicated team, and the shares per
    ward. A team without a decision date does not count as decided. ``deadline`` defaults to the
    rule set's (``rules``: RuleSet, JSON dict or path; default the shipped team-rules.json)."""
    due = deadline if deadline is not None else _as_rules(rules).deadline
    d = _core._team_coverage(_as_roster(roster), _as_places(places), due)
    return TeamCoverage(_counts_as_int(from_columns(d["neighbourhoods"])), _counts_as_int(from_columns(d["groups"])),
                        _counts_as_int(from_columns(d["wards"])), d["deadline"])


_COUNT_COLUMNS = ("teams", "ward_teams", "neighbourhoods", "on_time", "late", "missing", "groups", "groups_with_team")


def _counts_as_int(df: pd.DataFrame) -> pd.DataFrame:
    for c in _COUNT_COLUMNS:
        if c in df.columns:
            df[c] = df[c].astype("int64")
    return df
