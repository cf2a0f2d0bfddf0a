"""The ward's registers the directive asks it to keep (issue 16), checked like team coverage:

* **K10, channels** (``channels.csv``): the ward's Zalo channel (``zalo_oa``) and fan page
  (``fanpage``), and a Zalo group per neighbourhood or village (``zalo_group``) with its executive
  board and Youth Union secretary in it; which neighbourhoods lack one, and which channels posted
  nothing in the month ("post good practices").
* **K5, events** (``events.csv``): the workshops and conferences held with banks, e-commerce
  platforms, the post office and telecoms, per ward in the month and to date, and the wards with
  no bank or no e-commerce event yet.

The checks run in C++ (``include/commdx/report/registers.hpp``); this module gives them the columns
pandas reads and returns DataFrames. A row that cannot be right (a unit the places lack, a kind
outside the list, a channel on the wrong level, a date that is no date) is an InputError naming
the file, row and column.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from . import _core

__all__ = ["CHANNEL_KINDS", "EVENT_KINDS", "EVENT_PARTNERS", "CHANNEL_COLUMNS", "EVENT_COLUMNS",
           "channels_section", "events_section"]

CHANNEL_KINDS = ("zalo_oa", "fanpage", "zalo_group")
EVENT_KINDS = ("workshop", "conference")
EVENT_PARTNERS = ("bank", "ecommerce", "post", "telecom", "other")
# The registers' columns, in the order commdx synth writes them (the first ones are required).
CHANNEL_COLUMNS = ("unit", "kind", "name", "opened", "board_in_group", "youth_secretary_in_group", "last_post")
EVENT_COLUMNS = ("date", "ward_code", "kind", "partner_type", "partner", "topic", "participants")


def _columns(df: pd.DataFrame, source: str, numeric: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column as text (empty for a missing cell), but ``numeric`` ones as numbers (a file read
    as text included); a cell of those that is no number is refused naming its row and column."""
    out: dict[str, Any] = {}
    for c in df.columns:
        s = df[c]
        if c in numeric:
            if not pd.api.types.is_numeric_dtype(s):
                text = s.astype("string").str.strip()
                num = pd.to_numeric(text.where(text != ""), errors="coerce")
                bad = num.isna() & text.notna() & (text != "")
                if bad.any():
                    row = int(bad.to_numpy().nonzero()[0][0])
                    raise _core.InputError(f"'{s.iloc[row]}': expected a number (or leave it empty)", file=source,
                                           row=row + 1, column=str(c), id="commdx.registers.participants")
                s = num
            out[str(c)] = s.to_numpy(dtype="float64")
        else:
            out[str(c)] = ["" if pd.isna(v) else str(v) for v in s.tolist()]
    return out


def _places(places: Any) -> Any:
    from .teams import _as_places

    return _as_places(places)


def _source(df: pd.DataFrame, default: str) -> str:
    return str(df.attrs.get("source") or default)


def channels_section(register: pd.DataFrame, places: Any, month: str, ward: str | None = None) -> dict[str, Any]:
    """K10 by the end of ``month`` (YYYY-MM) for the city, or one ``ward``: ``wards`` (per ward:
    zalo_oa, fanpage, neighbourhoods, with_group, complete_groups), ``neighbourhoods`` (group,
    complete: board and secretary in it), ``silent`` (channels that posted nothing in the month),
    ``channels`` (how many are open)."""
    res = _core._channels_section(_columns(register, _source(register, "channels.csv")), _source(register, "channels.csv"), _places(places), month,
                                  ward or "")
    return {"wards": pd.DataFrame(res["wards"], columns=["ward", "name", "zalo_oa", "fanpage", "neighbourhoods",
                                                         "with_group", "complete_groups"]),
            "neighbourhoods": pd.DataFrame(res["neighbourhoods"], columns=["unit", "name", "ward", "group", "complete"]),
            "silent": pd.DataFrame(res["silent"], columns=["unit", "kind", "name", "last_post"]),
            "channels": int(res["channels"])}


def events_section(log: pd.DataFrame, places: Any, month: str, ward: str | None = None) -> dict[str, Any]:
    """K5 for ``month`` (YYYY-MM) for the city, or one ``ward``: ``wards`` (per ward: month_events,
    to_date_events, one to-date column per partner type, month_participants), ``month_events``
    (the month's events by date), ``no_bank_event`` and ``no_ecommerce_event`` (ward codes)."""
    res = _core._events_section(_columns(log, _source(log, "events.csv"), numeric=("participants",)), _source(log, "events.csv"),
                                _places(places), month, ward or "")
    wards = pd.DataFrame([{**{k: v for k, v in w.items() if k != "to_date_by_partner"},
                           **{f"to_date_{p}": w["to_date_by_partner"][p] for p in EVENT_PARTNERS}}
                          for w in res["wards"]],
                         columns=["ward", "name", "month_events", "to_date_events",
                                  *(f"to_date_{p}" for p in EVENT_PARTNERS), "month_participants"])
    events = pd.DataFrame(res["month_events"], columns=["date", "ward", "kind", "partner_type", "partner", "topic",
                                                        "participants"])
    events["participants"] = pd.to_numeric(events["participants"]).astype("float64")  # null: not counted
    return {"wards": wards, "month_events": events, "no_bank_event": list(res["no_bank_event"]),
            "no_ecommerce_event": list(res["no_ecommerce_event"])}
