"""The example city (issue 3): a synthetic Vũng Tàu, deterministic by seed, scalable; or example
data on any place tree (issue 13: ``places=`` a commune of the national list with its own
neighbourhoods and groups, the rules in ``include/commdx/detail/synth_tree.hpp`` and
``docs/data-dictionary.md``), on a calendar from any start date (``start=``).

``city()`` builds it in memory (pandas DataFrames, up to a few hundred thousand households);
``write()`` streams it to a directory as CSV (or the record tables as Parquet) in bounded memory,
up to national scale (~27 million households). The generator is C++ (``commdx/synth.hpp``); the
columns are described in ``docs/data-dictionary.md`` and the calibration targets in
``commdx/data/synth-calibration.json``.

The default size is the real city: 132,438 households (``DEFAULT_HOUSEHOLDS``), derived from the
published 2022 population (see the data dictionary, "Derived figures for the example city").
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Optional

import pandas as pd

from . import _core
from ._frame import from_columns
from .io.json import shipped_json

__all__: list[str] = []  # reached as commdx.synth.city / commdx.synth.write (the package imports the module)

DEFAULT_HOUSEHOLDS: int = int(_core._synth_default_households)
"""Households of the default city: Vũng Tàu's derived real count."""

RECORD_FILES = ("households", "businesses", "sample_households", "followup_households", "visits", "manual_processes")
"""The record tables, written as ``<name>.csv`` or ``<name>.parquet``."""

_TEXT_COLUMNS = {
    "household_id", "ward_code", "neighbourhood_code", "group_code", "electricity_payment_method",
    "stratum", "psu", "business_id", "type", "action", "member_id", "date", "outcome", "process",
}


def calibration() -> dict[str, Any]:
    """The shipped calibration (targets, tolerances, sources) as a dict."""
    return shipped_json("synth-calibration.json")


@dataclass
class City:
    """A generated city: the attributes named in the contracts between stages."""

    places: Any
    """``commdx.Places``: city → wards/commune → neighbourhoods/villages → residential groups."""
    roster: dict
    """Teams and members: the roster type's JSON ({"teams": [...]}, as ``Roster.to_json()`` writes
    it); ``commdx.Roster.from_json(city.roster)`` gives the ``Roster`` that check_teams and
    plan_outreach read (both also take this dict)."""
    households: pd.DataFrame
    """Round 0, every household (census design columns: weight 1)."""
    businesses: pd.DataFrame
    sample: pd.DataFrame
    """The survey: stratified cluster sample (or a census with ``census=True``), round 0."""
    followup: pd.DataFrame
    """The same sampled households after outreach, round 1."""
    visits: pd.DataFrame
    """Visit log: household_id, action, member_id, date, outcome."""
    manual_log: pd.DataFrame
    """M1 log: household_id, group_code, process, frequency_per_month, date."""
    households_total: int
    seed: int

    def __repr__(self) -> str:
        return (f"<commdx.synth.City {self.households_total} households, seed {self.seed}: "
                f"{len(self.places)} places, {len(self.roster['teams'])} teams, "
                f"{len(self.sample)} sampled households>")


def calendar(start: Optional[str] = None) -> dict[str, str]:
    """The campaign's dates for a start date (YYYY-MM-DD; None: the directive's 2022 calendar,
    synth-calibration.json ``outreach.start``): ``start``, ``deadline`` (the teams', 30 days on),
    ``first_visit`` and ``last_visit``, as the generator uses them."""
    return dict(_core._synth_calendar(start or ""))


CALENDAR_FILE = "calendar.json"
"""The calendar a generated folder was made on (:func:`write`); ``report``, ``plan`` and ``teams
check`` read it when given no deadline or rule set of their own (:func:`folder_calendar`)."""


def _folder_calendar_of(start: Optional[str]) -> dict[str, Any]:
    """:func:`calendar` of ``start`` plus the campaign period the plan runs over: the catalogue's
    (campaigns.json ``period``) moved by as many days as the calendar was."""
    import datetime as dt

    from .plan import campaign_catalogue

    cal: dict[str, Any] = dict(calendar(start))
    shift = dt.date.fromisoformat(cal["start"]) - dt.date.fromisoformat(calendar()["start"])
    period = campaign_catalogue()["period"]
    cal["period"] = {k: (dt.date.fromisoformat(period[k]) + shift).isoformat() for k in ("start", "end")}
    return cal


def folder_calendar(folder: str | os.PathLike) -> Optional[dict[str, Any]]:
    """The calendar :func:`write` left in ``folder`` (``calendar.json``: start, deadline,
    first_visit, last_visit, period {start, end}), or None when the folder has none (a city's
    own files). A malformed file is a ConfigError naming it and the field."""
    from .errors import ConfigError
    from .io.json import read_json

    path = os.path.join(os.fspath(folder), CALENDAR_FILE)
    if not os.path.exists(path):
        return None
    cal = read_json(path)
    if not isinstance(cal, dict):
        raise ConfigError("expected a JSON object", file=path, id="commdx.json.type")
    for key in ("start", "deadline"):
        if not isinstance(cal.get(key), str):
            raise ConfigError("missing required date YYYY-MM-DD", file=path, column=f"/{key}", id="commdx.json.missing_field")
    period = cal.get("period")
    if not (isinstance(period, dict) and all(isinstance(period.get(k), str) for k in ("start", "end"))):
        raise ConfigError("expected {\"start\": YYYY-MM-DD, \"end\": YYYY-MM-DD}", file=path, column="/period",
                          id="commdx.json.missing_field")
    return cal


def _tree(places: Any) -> Any:
    """A Places, a file, or a built-in list's name (``places_from_option``)."""
    if places is None:
        return None
    from .places import Places, places_from_option

    return places if isinstance(places, Places) else places_from_option(places)


def _households(households: Optional[int], tree: Any) -> int:
    """None: the real city's size without a tree, the tree's own counts (0) with one."""
    if households is None:
        return 0 if tree is not None else DEFAULT_HOUSEHOLDS
    return int(households)


def _calibration_text(calibration_json: Optional[dict]) -> str:
    return "" if calibration_json is None else json.dumps(calibration_json, ensure_ascii=False)


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    return from_columns(columns)


def _subsampled(census: bool, households_per_group: int) -> bool:
    """Whether the survey subsamples households within the drawn groups. Its sample files then
    carry no ``fpc``: the estimator's fpc is one-stage, and the first-stage fraction applied to a
    variance that also holds the second stage made the SEs 7-14% too small (docs/data-dictionary.md,
    tests/python/test_synth_fpc.py); without it the design is with-replacement at the first stage
    (the ultimate-cluster approximation, slightly conservative), as ``commdx.select_sample`` does."""
    return not census and int(households_per_group) > 0


def _drop_fpc_files(out: str, format: str, summary: dict[str, Any]) -> None:
    """The subsampled survey's two record files rewritten without their ``fpc`` column."""
    for name in ("sample_households", "followup_households"):
        path = os.path.join(out, f"{name}.{format}")
        if format == "csv":
            import csv

            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            k = rows[0].index("fpc")
            with open(path, "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerows(r[:k] + r[k + 1:] for r in rows)
        else:
            import pyarrow.parquet as pq

            pq.write_table(pq.read_table(path).drop(["fpc"]), path)
        key = f"{name}.{format}" if f"{name}.{format}" in summary.get("bytes", {}) else name
        if key in summary.get("bytes", {}):
            summary["bytes"][key] = os.path.getsize(path)


def city(households: Optional[int] = None, seed: int = 1, *, census: bool = False,
         groups_per_ward: int = 8, households_per_group: int = 0,
         calibration_json: Optional[dict] = None, places: Any = None, start: Optional[str] = None) -> City:
    """Generate the example city in memory.

    Parameters
    ----------
    households : total households (default: the real city, 132,438; at least 200). Up to 300,000
        the city is Vũng Tàu's 17 units scaled; beyond, synthetic wards are added (use
        :func:`write` for large sizes). With ``places``: default the tree's own counts; a number
        scales them to that total.
    places : the place tree to fill instead of the built-in city: a ``commdx.Places``, a places
        file (CSV/XLSX/JSON, English or Vietnamese headers) or a built-in list's name
        (``vungtau-2022``, ``vungtau-2025``, ``vietnam``, ``vietnam:CODE``). Its wards/communes get
        households; neighbourhoods and groups come from the tree where it has them, generated
        (documented defaults) where it stops.
    start : first day of the calendar (YYYY-MM-DD): team decisions, deadline and visits move with
        it (:func:`calendar`); default the directive's 2022 calendar.
    seed : any non-negative integer; the same seed gives the same city on every platform.
    census : the survey is a census of every household (weight 1) instead of a sample.
    groups_per_ward : residential groups (PSUs) drawn per ward by simple random sampling.
    households_per_group : households drawn per sampled group (0 = all: one-stage cluster, with
        the first-stage ``fpc``); with subsampling the sample and follow-up carry no ``fpc``
        (with-replacement at the first stage, see ``_subsampled``).
    calibration_json : a calibration dict replacing the shipped ``synth-calibration.json``.
    """
    tree = _tree(places)
    d = _core._synth_city(_households(households, tree), int(seed), bool(census), int(groups_per_ward),
                          int(households_per_group), _calibration_text(calibration_json), tree, start or "")
    hh = _frame(d["households"])
    sample, followup = _frame(d["sample"]), _frame(d["followup"])
    if _subsampled(census, households_per_group):
        sample, followup = sample.drop(columns="fpc"), followup.drop(columns="fpc")
    return City(
        places=d["places"], roster=d["roster"],
        households=hh, businesses=_frame(d["businesses"]),
        sample=sample, followup=followup,
        visits=_frame(d["visits"]), manual_log=_frame(d["manual_log"]),
        households_total=len(hh), seed=int(seed),
    )


class _ParquetSink:
    """Receives record-table chunks from the C++ writer and appends them to Parquet files."""

    def __init__(self, out_dir: str) -> None:
        import pyarrow  # noqa: F401  (fail early with a clear ImportError)

        self.out_dir = out_dir
        self.writers: dict[str, Any] = {}

    def __call__(self, name: str, columns: dict[str, Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrays = {}
        for key, values in columns.items():
            if key in _TEXT_COLUMNS:
                arrays[key] = pa.array(values, type=pa.string())
            else:
                arrays[key] = pa.array(values, type=pa.float64())
        table = pa.table(arrays)
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(os.path.join(self.out_dir, name + ".parquet"), table.schema)
        self.writers[name].write_table(table)

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


def write(out_dir: str | os.PathLike, households: Optional[int] = None, seed: int = 1, *,
          format: str = "csv", census: bool = False, groups_per_ward: int = 8,
          households_per_group: int = 0, calibration_json: Optional[dict] = None,
          chunk_rows: int = 50_000, command: Optional[list[str]] = None,
          places: Any = None, start: Optional[str] = None) -> dict[str, Any]:
    """Write the example city to ``out_dir`` (created if missing), streaming ward by ward;
    ``households``, ``places`` and ``start`` as in :func:`city`.

    Atomic (``commdx.io.output.atomic_directory``): the C++ writer streams into a temporary
    sibling folder, which replaces ``out_dir`` with a ``manifest.json`` (``command`` recorded in
    it) only when every file is complete; on a failure ``out_dir`` is left as it was.

    Always writes ``places.csv``, ``teams.json``, ``teams.csv`` and ``calendar.json`` (the dates
    it was generated on, :func:`folder_calendar`); the record tables
    (``households``, ``businesses``, ``sample_households``, ``followup_households``, ``visits``,
    ``manual_processes``) as ``.csv`` or, with ``format="parquet"``, as ``.parquet`` written in
    row groups of at most ``chunk_rows`` rows (numbers as float64, missing as NaN). Returns a
    summary ``{"rows": {...}, "bytes": {...}, "households", "wards", "population"}``.
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', got {format!r}")
    from .io.output import atomic_directory

    tree = _tree(places)  # read before the output folder is made: a bad file leaves nothing behind
    cal = _folder_calendar_of(start)
    with atomic_directory(out_dir, command=command) as tmp:
        summary = _write_into(os.fspath(tmp), _households(households, tree), seed, format, census, groups_per_ward,
                              households_per_group, calibration_json, chunk_rows, tree, start or "")
        if _subsampled(census, households_per_group):
            _drop_fpc_files(os.fspath(tmp), format, summary)
        # the folder carries its calendar: report, plan and teams check read their deadline from it
        with open(os.path.join(tmp, CALENDAR_FILE), "w", encoding="utf-8") as f:
            json.dump(cal, f, ensure_ascii=False, indent=1)
        return summary


def _write_into(out: str, households: int, seed: int, format: str, census: bool, groups_per_ward: int,
                households_per_group: int, calibration_json: Optional[dict], chunk_rows: int,
                tree: Any, start: str) -> dict[str, Any]:
    cal = _calibration_text(calibration_json)
    if format == "csv":
        return dict(_core._synth_write(out, int(households), int(seed), bool(census), int(groups_per_ward),
                                       int(households_per_group), cal, None, int(chunk_rows), tree, start))
    sink = _ParquetSink(out)
    try:
        summary = _core._synth_write(out, int(households), int(seed), bool(census), int(groups_per_ward),
                                     int(households_per_group), cal, sink, int(chunk_rows), tree, start)
    finally:
        sink.close()
    summary = dict(summary)
    rows = dict(summary["rows"])
    summary["rows"] = {(k + ".parquet" if k in RECORD_FILES else k): v for k, v in rows.items()}
    for name in RECORD_FILES:
        path = os.path.join(out, name + ".parquet")
        if os.path.exists(path):
            summary["bytes"][name + ".parquet"] = os.path.getsize(path)
    return summary
