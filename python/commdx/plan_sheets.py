"""The sheets a member takes to the door, and the same sheets read back as the visit log (T6, issue 15).

One workbook per member with scheduled visits, one worksheet per week: a title block (the member,
the team, the week's dates, how to fill it in), then one line per action of each visit, the
household's cells on its first line: order, date (a date cell, dd/mm/yyyy), residential group,
household id, the household's name and address where the ward's machine resolved them, the rank
of its priority among the member's households, the action, the minutes, a tick column and an
outcome chosen from a list (adopted / shown / refused / not at home). Printable: A4 landscape, one
page wide, the header row repeated on every page, the member and the page number in the margins.

Households are pseudonyms in the plan's files. The names are put in only by :func:`write_member_sheets`
called with ``register`` (the ward's household list) and ``key`` (its pseudonym key) on the ward's
own machine (``commdx plan sheets``); they are never in the plan's shared outputs.

:func:`read_returned_sheets` reads filled-in sheets back into visit-log rows (``household_id``,
``action``, ``member_id``, ``date``, ``outcome``, the words of campaigns.json ``visit_log``), so that
``commdx plan update --returned SHEETS…`` makes the next week's plan from what was done.

Written with xlsxwriter (openpyxl keeps every cell of a workbook as a Python object and took 28 s
for the demo's 1,142 sheets), the visit table split
by member once rather than filtered per member.
"""
from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

import pandas as pd

from . import _core
from .progress import Callback

#: Outcome words on the sheet, per language, and the visit-log word each stands for.
OUTCOMES: dict[str, dict[str, str]] = {
    "vi": {"Đã sử dụng được": "adopted", "Đã hướng dẫn": "informed", "Từ chối": "declined", "Vắng nhà": "not_home"},
    "en": {"adopted": "adopted", "shown, not yet using": "informed", "refused": "declined", "not at home": "not_home"},
}

_META_SHEET = "_commdx"
_FORMAT = 1  # version of the sheet layout, in the metadata sheet; read-back refuses another

_WORDS: dict[str, dict[str, Any]] = {
    "vi": {
        "title": "PHIẾU ĐI THĂM HỘ — TUẦN {week} ({first} – {last})",
        "member": "Thành viên: {name} ({member}) · Tổ: {team}",
        "counts": "{households} hộ / cơ sở, {actions} việc, khoảng {hours} giờ",
        "how": ("Cách ghi: đánh dấu x ở cột «Đã làm» khi đã thực hiện việc; chọn kết quả trong danh sách "
                "(Đã sử dụng được / Đã hướng dẫn / Từ chối / Vắng nhà); sửa ngày nếu đến vào ngày khác."),
        "pseudonyms": ("Mã hộ là mã ẩn danh{fingerprint}; tên và địa chỉ chỉ tra trên máy của phường/xã: "
                       "commdx plan sheets."),
        "key": " (khóa {fingerprint})",
        "named": "Có tên và địa chỉ hộ: phiếu giữ tại phường/xã, không gửi đi.",
        "columns": ["STT", "Ngày", "Tổ dân cư", "Mã hộ / cơ sở", "Chủ hộ / tên", "Địa chỉ", "Ưu tiên (1 = cao nhất)",
                    "Mã việc", "Việc cần làm", "Số phút", "Đã làm (x)", "Kết quả", "Ghi chú"],
        "sheet": "Tuần {week}",
        "footer": "&L{name}&CTrang &P/&N&R{week}",
        "household": "hộ", "business": "cơ sở",
    },
    "en": {
        "title": "VISIT SHEET — WEEK {week} ({first} – {last})",
        "member": "Member: {name} ({member}) · Team: {team}",
        "counts": "{households} households / businesses, {actions} actions, about {hours} hours",
        "how": ("How to fill in: put x under 'Done' when the action was carried out; choose the outcome from "
                "the list (adopted / shown, not yet using / refused / not at home); correct the date if the "
                "visit was on another day."),
        "pseudonyms": ("Household ids are pseudonyms{fingerprint}; names and addresses are looked up on the "
                       "ward's machine only: commdx plan sheets."),
        "key": " (key {fingerprint})",
        "named": "With household names and addresses: keep this sheet at the ward, do not send it on.",
        "columns": ["No.", "Date", "Group", "Household / business", "Head / name", "Address", "Priority (1 = first)",
                    "Action id", "Action", "Minutes", "Done (x)", "Outcome", "Notes"],
        "sheet": "Week {week}",
        "footer": "&L{name}&CPage &P/&N&R{week}",
        "household": "household", "business": "business",
    },
}
# Column keys in the order of "columns" above (the read-back finds columns by these positions).
_KEYS = ("order", "date", "group", "unit", "name", "address", "priority", "action", "action_text", "minutes",
         "done", "outcome", "note")
_NAMED_ONLY = ("name", "address")
_WIDTHS = {"order": 5, "date": 11, "group": 8, "unit": 12, "name": 22, "address": 30, "priority": 10, "action": 18,
           "action_text": 30, "minutes": 7, "done": 8, "outcome": 18, "note": 24}


def _vn_date(d: _dt.date, lang: str) -> str:
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


def _names_of(register: pd.DataFrame | None, key: bytes | None, ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """pseudonym -> (real id, name, address) for the plan's units found in the ward's household
    list (columns household_id or business_id; head_name/name and address optional)."""
    if register is None:
        return {}
    id_col = "household_id" if "household_id" in register.columns else "business_id"
    if id_col not in register.columns:
        raise _core.InputError(f"{register.attrs.get('source', 'household list')}: column 'household_id' or "
                               f"'business_id' missing")
    name_col = next((c for c in ("head_name", "name", "ho_ten_chu_ho", "ten") if c in register.columns), None)
    addr_col = next((c for c in ("address", "dia_chi") if c in register.columns), None)
    real = register[id_col].astype(str).tolist()
    pseud = [_core._plan_pseudonym(key, x) for x in real] if key is not None else real
    wanted = set(ids)
    out = {}
    for i, p in enumerate(pseud):
        if p in wanted:
            row = register.iloc[i]
            out[p] = (real[i], "" if name_col is None or pd.isna(row[name_col]) else str(row[name_col]),
                      "" if addr_col is None or pd.isna(row[addr_col]) else str(row[addr_col]))
    return out


def write_member_sheets(plan: Any, directory: str | os.PathLike, lang: str = "vi", *,
                        register: pd.DataFrame | None = None, key: bytes | None = None,
                        fingerprint: str | None = None, progress: Callback | None = None) -> list[Path]:
    """One XLSX per member with scheduled visits (members without visits get none: the plan's
    ``assignments`` table lists every member). ``register`` and ``key`` (the ward's household
    list and pseudonym key) add the households' names and addresses: for the ward's machine only.
    ``progress(done, total)`` is called with 0 before the first sheet and after each one (the
    sheets are most of a plan's writing time: ``commdx demo`` shows them)."""
    import xlsxwriter

    if lang not in _WORDS:
        raise _core.ConfigError(f"lang '{lang}': expected 'vi' or 'en'")
    w = _WORDS[lang]
    outcomes = list(OUTCOMES[lang])
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    v = plan.visits
    scheduled = v[v["status"] == "scheduled"] if len(v) else v
    named = _names_of(register, key, scheduled["unit_id"].astype(str).unique()) if len(scheduled) else {}
    with_names = register is not None
    keys = [k for k in _KEYS if with_names or k not in _NAMED_ONLY]
    start = _dt.date.fromisoformat(str(plan.summary["start"]))
    deadline = _dt.date.fromisoformat(str(plan.summary["deadline"]))
    members = plan.assignments.set_index("member_id")
    fp = fingerprint or getattr(plan, "key_fingerprint", None) or "—"
    out: list[Path] = []
    by_member = scheduled.groupby("member_id", sort=True)  # split once, not filtered per member
    if progress is not None:
        progress(0, by_member.ngroups)
    for member, mine in by_member:
        m = members.loc[member]
        p = d / f"{member}.xlsx"
        # xlsxwriter stamps the creation time into docProps/core.xml: a fixed date keeps the bytes
        # the same for the same plan (the plan's start).
        # in_memory: a member's sheet is a few hundred cells; constant_memory's temporary file per
        # worksheet cost more than the writing (measured: 15 of 26 s unlinking 4,500 temp files
        # for the 4,000-household demo's 180 members)
        wb = xlsxwriter.Workbook(str(p), {"in_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"created": _dt.datetime.combine(start, _dt.time()), "author": "commdx",
                           "title": w["title"].split(" —")[0]})
        f_title = wb.add_format({"bold": True, "font_size": 14})
        f_bold = wb.add_format({"bold": True})
        f_note = wb.add_format({"font_size": 9, "italic": True})  # overflows to the right: no wrap
        f_head = wb.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center",
                                "border": 1, "bg_color": "#D9E2F3"})
        # No wrapping in the table: LibreOffice and Excel do not grow a row that xlsxwriter wrote
        # for wrapped text, so the columns are sized to their longest entry instead.
        f_cell = wb.add_format({"border": 1, "valign": "top"})
        f_first = wb.add_format({"border": 1, "top": 2, "valign": "top"})
        f_date = wb.add_format({"border": 1, "valign": "top", "num_format": "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd"})
        f_date_first = wb.add_format({"border": 1, "top": 2, "valign": "top",
                                      "num_format": "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd"})
        f_box = wb.add_format({"border": 1, "align": "center", "valign": "top", "bg_color": "#FFF2CC"})
        f_box_first = wb.add_format({"border": 1, "top": 2, "align": "center", "valign": "top", "bg_color": "#FFF2CC"})
        mine = mine.sort_values(["week", "order"], kind="stable")
        mine = mine.assign(_rank=mine["priority"].rank(method="first").astype(int))
        for week, wk in mine.groupby("week", sort=True):
            week = int(week)
            first = start + _dt.timedelta(days=7 * (week - 1))
            last = min(first + _dt.timedelta(days=6), deadline)
            ws = wb.add_worksheet(w["sheet"].format(week=week))
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
            ws.set_footer(w["footer"].format(name=str(m["name"]).replace("&", "&&"),
                                             week=w["sheet"].format(week=week)))
            text_col = f"actions_{lang}" if f"actions_{lang}" in wk.columns else "actions_vi"
            longest = {"action_text": wk[text_col].astype(str).str.split("; ").explode().str.len().max(),
                       "group": wk["group_name"].astype(str).str.len().max() if "group_name" in wk.columns else 8,
                       "unit": wk["unit_id"].astype(str).str.len().max()}
            for c, k in enumerate(keys):
                width = _WIDTHS[k]
                if k in longest and longest[k] == longest[k]:
                    width = max(width, min(int(longest[k]) + 2, 90))
                ws.set_column(c, c, width)
            n_actions = int(wk["actions"].astype(str).str.count(";").sum() + len(wk))
            hours = float(wk["minutes"].sum()) / 60.0
            hours_text = f"{hours:.1f}".replace(".", ",") if lang == "vi" else f"{hours:.1f}"
            ws.write(0, 0, w["title"].format(week=week, first=_vn_date(first, lang), last=_vn_date(last, lang)), f_title)
            ws.write(1, 0, w["member"].format(name=m["name"], member=member, team=m["team_id"]), f_bold)
            ws.write(2, 0, w["counts"].format(households=len(wk), actions=n_actions, hours=hours_text))
            ws.write(3, 0, w["named"] if with_names else w["pseudonyms"].format(fingerprint=w["key"].format(fingerprint=fp) if fp != "—" else ""), f_note)
            ws.write(4, 0, w["how"], f_note)
            header_row = 6
            ws.set_row(header_row, 30)
            for c, k in enumerate(keys):
                ws.write(header_row, c, w["columns"][_KEYS.index(k)], f_head)
            ws.repeat_rows(header_row)
            ws.freeze_panes(header_row + 1, 0)
            row = header_row + 1
            for r in wk.to_dict("records"):
                uid = str(r["unit_id"])
                real, name, address = named.get(uid, (uid, "", ""))
                acts = str(r["actions"]).split(";")
                texts = str(r[text_col]).split("; ")
                if len(texts) != len(acts):
                    texts = acts
                for j, (a, t) in enumerate(zip(acts, texts)):
                    lead = j == 0
                    cell = f_first if lead else f_cell
                    values: dict[str, Any] = {
                        "order": int(r["order"]) if lead else None,
                        "date": _dt.date.fromisoformat(str(r["date"])) if lead else None,
                        "group": str(r.get("group_name") or r["group_code"]) if lead else None,
                        "unit": (real if with_names else uid) if lead else None,
                        "name": name if lead else None, "address": address if lead else None,
                        "priority": int(r["_rank"]) if lead else None,
                        "action": a, "action_text": t,
                        "minutes": float(r["minutes"]) if lead else None,
                        "done": None, "outcome": None, "note": None,
                    }
                    for c, k in enumerate(keys):
                        x = values[k]
                        if k == "date":
                            if x is None:
                                ws.write_blank(row, c, None, f_date)
                            else:
                                ws.write_datetime(row, c, _dt.datetime.combine(x, _dt.time()),
                                                  f_date_first if lead else f_date)
                        elif k in ("done", "outcome"):
                            ws.write_blank(row, c, None, f_box_first if lead else f_box)
                        elif x is None:
                            ws.write_blank(row, c, None, cell)
                        else:
                            ws.write(row, c, x, cell)
                    row += 1
            last_row = row - 1
            if last_row > header_row:
                ws.data_validation(header_row + 1, keys.index("outcome"), last_row, keys.index("outcome"),
                                   {"validate": "list", "source": outcomes, "error_type": "warning"})
                ws.data_validation(header_row + 1, keys.index("done"), last_row, keys.index("done"),
                                   {"validate": "list", "source": ["x"], "error_type": "warning"})
        meta = wb.add_worksheet(_META_SHEET)
        for i, (k, x) in enumerate((("format", str(_FORMAT)), ("member_id", str(member)),
                                    ("team_id", str(m["team_id"])), ("lang", lang),
                                    ("start", str(plan.summary["start"])), ("deadline", str(plan.summary["deadline"])),
                                    ("named", "1" if with_names else "0"), ("key_fingerprint", fp),
                                    ("columns", ",".join(keys)), ("header_row", str(header_row + 1)))):
            meta.write_string(i, 0, k)
            meta.write_string(i, 1, x)
        meta.hide()
        wb.close()
        out.append(p)
        if progress is not None:
            progress(len(out), by_member.ngroups)
    return out


def _sheet_meta(path: Path, wb: Any) -> dict[str, str]:
    if _META_SHEET not in wb.sheetnames:
        raise _core.InputError(f"{path}: not a commdx member sheet (no sheet '{_META_SHEET}'; written by commdx plan)")
    meta = {}
    for row in wb[_META_SHEET].iter_rows(values_only=True):
        if row and row[0] is not None:
            meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if meta.get("format") != str(_FORMAT):
        raise _core.InputError(f"{path}: sheet layout version {meta.get('format')!r}, this commdx reads {_FORMAT}")
    return meta


def _sheet_files(paths: Sequence[str | os.PathLike]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(x for x in p.glob("*.xlsx") if not x.name.startswith("~$")))
        elif p.exists():
            files.append(p)
        else:
            raise _core.InputError(f"{p}: no such file or folder")
    if not files:
        raise _core.InputError(f"{', '.join(map(str, paths))}: no member sheets (.xlsx) found")
    return files


def read_returned_sheets(paths: Sequence[str | os.PathLike], *, key: bytes | None = None,
                         register: pd.DataFrame | None = None, catalogue: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The visit log the filled-in sheets hold: one row per action with a tick or an outcome
    (``household_id``, ``action``, ``member_id``, ``date``, ``outcome``; ``sheet``, ``row`` say
    where). A tick without an outcome is ``informed`` (shown, not known to be used); a row with
    neither was not done and gives no row. The plan period the sheets were written for is
    ``log.attrs["period"]`` (start, last day): sheets of plans with different periods are refused
    (they do not belong to one week's plan). Pseudonyms are turned back into the ward's household ids
    with ``key`` and ``register`` (the same key the plan was made with); a pseudonym the register
    does not give, an unknown outcome word, an action id the catalogue lacks or a date that is no
    date is an InputError naming the file, the sheet, the row and the column."""
    from openpyxl import load_workbook

    words = {**{k.casefold(): v for lang in OUTCOMES for k, v in OUTCOMES[lang].items()},
             **{v: v for v in ("adopted", "informed", "declined", "not_home")}}
    known_actions = None
    if catalogue is not None:
        known_actions = {a["id"] for a in catalogue.get("actions", [])} | set(
            catalogue.get("visit_log", {}).get("contact_actions", []))
    records: list[dict[str, Any]] = []
    periods: dict[tuple[str, str], Path] = {}
    day: str
    for path in _sheet_files(paths):
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged or non-XLSX file: say which
            raise _core.InputError(f"{path}: not a readable XLSX workbook ({exc})") from exc
        try:
            meta = _sheet_meta(path, wb)
            periods.setdefault((meta["start"], meta["deadline"]), path)
            if len(periods) > 1:
                (a, pa), (b, pb) = list(periods.items())[:2]
                raise _core.InputError(f"{pb}: a sheet of the plan {b[0]} – {b[1]}, beside {pa} of the plan "
                                       f"{a[0]} – {a[1]}")
            keys = meta["columns"].split(",")
            header = int(meta["header_row"])
            col = {k: i for i, k in enumerate(keys)}
            lang_cols = _WORDS.get(meta.get("lang", "vi"), _WORDS["vi"])["columns"]
            for ws in wb.worksheets:
                if ws.title == _META_SHEET:
                    continue
                unit = date = None
                for rnum, row in enumerate(ws.iter_rows(min_row=header + 1, values_only=True), start=header + 1):
                    row = tuple(row) + (None,) * (len(keys) - len(row))
                    if all(x is None or str(x).strip() == "" for x in row):
                        continue
                    where = f"{path}, sheet '{ws.title}', row {rnum}"
                    if row[col["unit"]] not in (None, ""):
                        unit = str(row[col["unit"]]).strip()
                        date = row[col["date"]]
                    action = row[col["action"]]
                    done = str(row[col["done"]] or "").strip()
                    outcome = str(row[col["outcome"]] or "").strip()
                    if not done and not outcome:
                        continue
                    def bad(k: str, why: str) -> _core.InputError:
                        return _core.InputError(f"{where}, column '{lang_cols[_KEYS.index(k)]}': {why}")
                    if unit is None:
                        raise bad("unit", "an action with no household above it")
                    if action in (None, ""):
                        raise bad("action", "the action id is empty")
                    action = str(action).strip()
                    if known_actions is not None and action not in known_actions:
                        raise bad("action", f"unknown action '{action}' (not in the campaign catalogue)")
                    if done and done.casefold() not in ("x", "✓", "✔", "1"):
                        raise bad("done", f"'{done}': expected x (or leave it empty)")
                    code = words.get(outcome.casefold()) if outcome else "informed"
                    if code is None:
                        raise bad("outcome", f"'{outcome}': expected one of {', '.join(OUTCOMES[meta.get('lang', 'vi')])}")
                    if isinstance(date, _dt.datetime):
                        day = date.date().isoformat()
                    elif isinstance(date, _dt.date):
                        day = date.isoformat()
                    else:
                        from .cli import option_date

                        try:
                            day = option_date(str(date))
                        except Exception:
                            raise bad("date", f"'{date}': not a date (dd/mm/yyyy)") from None
                    records.append({"household_id": unit, "action": action, "member_id": meta["member_id"],
                                    "date": day, "outcome": code, "named": meta.get("named") == "1",
                                    "sheet": f"{path.name}:{ws.title}", "row": rnum,
                                    "fingerprint": meta.get("key_fingerprint", "")})
        finally:
            wb.close()
    log = pd.DataFrame.from_records(records, columns=["household_id", "action", "member_id", "date", "outcome",
                                                      "named", "sheet", "row", "fingerprint"])
    pseudo = ~log["named"]
    if pseudo.any():
        if key is None or register is None:
            raise _core.InputError("the returned sheets name households by pseudonym: the ward's key and household "
                                   "list are needed to turn them back into household ids")
        from .keys import fingerprint as key_fingerprint

        fp = key_fingerprint(key)
        other = log.loc[pseudo & (log["fingerprint"] != fp) & (log["fingerprint"] != "—")]
        if len(other):
            r = other.iloc[0]
            raise _core.InputError(f"{r['sheet']}: its pseudonyms are under the key {r['fingerprint']}, not the given key {fp}")
        back = {p: real for p, (real, _, _) in _names_of(register, key, log.loc[pseudo, "household_id"]).items()}
        missing = log.loc[pseudo & ~log["household_id"].isin(back)]
        if len(missing):
            r = missing.iloc[0]
            raise _core.InputError(f"{r['sheet']}, row {r['row']}: household '{r['household_id']}' is not in the "
                                   f"household list under this key")
        log.loc[pseudo, "household_id"] = log.loc[pseudo, "household_id"].map(back)
    out = log.drop(columns=["named", "fingerprint"]).reset_index(drop=True)
    out.attrs["period"] = next(iter(periods))
    return out


def next_start(log: pd.DataFrame, plan_start: str) -> str:
    """The first day of the week after the latest visit the returned sheets record (weeks counted
    from the plan's start, as on the sheets)."""
    start = _dt.date.fromisoformat(plan_start)
    last = max((_dt.date.fromisoformat(d) for d in log["date"]), default=start)
    weeks = (last - start).days // 7 + 1
    return (start + _dt.timedelta(days=7 * weeks)).isoformat()


def merge_visit_logs(old: Optional[pd.DataFrame], new: pd.DataFrame) -> pd.DataFrame:
    """The earlier log with the returned rows after it; a row returned twice (the same household,
    action, member and date, e.g. a sheet sent twice) is kept once."""
    cols = ["household_id", "action", "member_id", "date", "outcome"]
    parts = [old[cols]] if old is not None and len(old) else []
    merged = pd.concat([*parts, new[cols]], ignore_index=True)
    return merged.drop_duplicates(subset=["household_id", "action", "member_id", "date"], keep="last").reset_index(drop=True)
