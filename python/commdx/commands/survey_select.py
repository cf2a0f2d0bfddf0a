"""``commdx survey select --households LIST (--groups-per-ward N | --allocation FILE
[--allocation-unit households|groups]) [--households-per-group M] [--reserves R] [--seed S] [--method pivotal|systematic]
[--within srs|systematic] [--groups FRAME] --out DIR [--with-names | --key-file F | --key-ward W]
[--lang vi|en]``

Issue 14: the survey's sample drawn from the team's household list (docs/selection.md): in every
ward N residential groups (or the ward's ``n`` of an allocation file ``stratum,n``, as
``commdx survey allocate`` writes; its n counts households, so a ward draws n/M groups rounded up,
unless ``--allocation-unit groups``) by probability proportional to size, M households per drawn
group and R reserves. Writes into DIR: ``sample.csv`` (the design columns ``commdx estimate``
reads: stratum, psu, weight, and fpc when M is 0; with the inclusion probabilities), ``reserves.csv``,
``groups.csv`` (every group's size, probability, certainty, selection) and one visit list per drawn
group for the interviewers, ``visit-lists/<ward>/<group>.xlsx`` (Vietnamese headers). Households
appear as the pseudonyms of their ward's key (``commdx keys``), the same as in ``commdx plan``,
unless ``--with-names``; the answers are then recorded under the pseudonym, which joins them to
``sample.csv``. Exit status 0; 2 on unreadable input, a missing column, or a group with fewer
households than M (the file, row, column and group named).
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "vi": {
        "select": "chọn mẫu khảo sát: tổ dân phố theo xác suất tỉ lệ quy mô, hộ trong tổ, hộ dự phòng",
        "households": "danh sách hộ của tổ (CSV/XLSX, cột household_id, ward_code, group_code; như households.csv của commdx synth)",
        "groups": "khung tổ dân phố (CSV/XLSX, cột ward_code, group_code, size); mặc định: các tổ trong danh sách hộ, quy mô = số hộ",
        "gpw": "số tổ chọn trong mỗi phường/xã",
        "allocation": "tệp phân bổ (CSV/XLSX, cột stratum,n; như của commdx survey allocate)",
        "unit": "n của tệp phân bổ là số hộ (mặc định, như commdx survey allocate ghi: số tổ = n/M làm tròn lên) hoặc số tổ",
        "need_m": "--allocation-unit households cần --households-per-group M > 0 để đổi số hộ thành số tổ",
        "hpg": "số hộ phỏng vấn trong mỗi tổ được chọn (mặc định 0: mọi hộ)",
        "reserves": "số hộ dự phòng cho mỗi tổ được chọn (mặc định 0)",
        "seed": "hạt giống ngẫu nhiên (cùng hạt giống, cùng mẫu trên mọi máy)",
        "method": "phương pháp chọn tổ: pivotal (mặc định, Deville-Tillé) hoặc systematic (hệ thống PPS)",
        "within": "phương pháp chọn hộ trong tổ: srs (ngẫu nhiên đơn giản, mặc định) hoặc systematic (hệ thống theo danh sách)",
        "out": "thư mục kết quả",
        "done": "Đã chọn {g} tổ ({c} tổ chắc chắn) và {n} hộ, {r} hộ dự phòng, ở {w} phường/xã; ghi vào {out}.",
        "fingerprint": "Mã ẩn danh theo khóa có dấu vân tay ",
        "bad_n": "cần đúng một trong --groups-per-ward N hoặc --allocation TỆP",
        "sheet": "Danh sách thăm hộ",
        "list_title": "DANH SÁCH HỘ KHẢO SÁT: {group_name}",
        "list_place": "{ward_name} · {sampled} hộ mẫu, {reserves} hộ dự phòng · mẫu chọn với hạt giống {seed}",
        "list_rule": "Phỏng vấn mọi hộ mẫu. Chỉ khi một hộ mẫu không trả lời mới thăm hộ dự phòng, theo đúng thứ tự "
                     "(Dự phòng 1 trước).",
        "list_interviewer": "Người phỏng vấn: ................................    Ngày: ......../......../..........",
        "list_footer": "Trang &P / &N",
        "headers": {"order": "STT", "household": "Mã hộ", "position": "Số thứ tự trong danh sách của tổ",
                    "role": "Loại", "result": "Kết quả (đã phỏng vấn / vắng nhà / từ chối)",
                    "note": "Ghi chú"},
        "sampled": "Mẫu", "reserve": "Dự phòng {k}",
    },
    "en": {
        "select": "select the survey sample: residential groups by PPS, households within them, reserves",
        "households": "the teams' household list (CSV/XLSX, columns household_id, ward_code, group_code; as commdx synth's households.csv)",
        "groups": "the frame of groups (CSV/XLSX, columns ward_code, group_code, size); default: the list's groups, size = households",
        "gpw": "groups to draw in every ward",
        "allocation": "allocation file (CSV/XLSX, columns stratum,n; as commdx survey allocate writes)",
        "unit": "the allocation's n counts households (default, as commdx survey allocate writes: groups = n/M rounded up) or groups",
        "need_m": "--allocation-unit households needs --households-per-group M > 0 to turn households into groups",
        "hpg": "households to interview per drawn group (default 0: all)",
        "reserves": "reserve households per drawn group (default 0)",
        "seed": "random seed (the same seed gives the same sample on every machine)",
        "method": "group selection: pivotal (default, Deville and Tille) or systematic (systematic PPS)",
        "within": "household selection: srs (simple random, default) or systematic (from the list order)",
        "out": "output folder",
        "done": "Selected {g} groups ({c} certainty) and {n} households, {r} reserves, in {w} wards; written to {out}.",
        "fingerprint": "Pseudonyms under the key with fingerprint ",
        "bad_n": "give exactly one of --groups-per-ward N or --allocation FILE",
        "sheet": "Visit list",
        "list_title": "SURVEY VISIT LIST: {group_name}",
        "list_place": "{ward_name} · {sampled} sampled households, {reserves} reserves · drawn with seed {seed}",
        "list_rule": "Interview every sampled household. Visit a reserve only when a sampled household does not "
                     "respond, in order (Reserve 1 first).",
        "list_interviewer": "Interviewer: ................................    Date: ......../......../..........",
        "list_footer": "Page &P of &N",
        "headers": {"order": "No.", "household": "Household", "position": "Position in the group's list",
                    "role": "Role", "result": "Result (interviewed / not at home / refused)",
                    "note": "Note"},
        "sampled": "Sample", "reserve": "Reserve {k}",
    },
}

_NAME_COLUMNS = ("head_name", "name", "address", "phone")  # shown with --with-names when the list has them


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from ..cli import run_lang

    t = TEXT[run_lang()]
    p = sub.add_parser("select", help=t["select"], description=t["select"])
    p.add_argument("--households", required=True, help=t["households"])
    p.add_argument("--groups", default=None, help=t["groups"])
    p.add_argument("--groups-per-ward", type=int, default=None, help=t["gpw"])
    p.add_argument("--allocation", default=None, help=t["allocation"])
    p.add_argument("--allocation-unit", choices=("households", "groups"), default="households", help=t["unit"])
    p.add_argument("--households-per-group", type=int, default=0, help=t["hpg"])
    p.add_argument("--reserves", type=int, default=0, help=t["reserves"])
    p.add_argument("--seed", type=int, default=1, help=t["seed"])
    p.add_argument("--method", choices=("pivotal", "systematic"), default="pivotal", help=t["method"])
    p.add_argument("--within", choices=("srs", "systematic"), default="srs", help=t["within"])
    p.add_argument("--out", required=True, help=t["out"])
    from ..places import add_places_argument

    add_places_argument(p, "không có: danh sách ghi mã phường và tổ; có tệp thì ghi cả tên",
                        "none: the visit lists show the ward and group codes; given, their names too")
    from .plan import add_key_arguments

    add_key_arguments(p, "dùng khóa của đơn vị này cho mọi phường (mặc định: khóa của từng phường) / "
                         "use this unit's key for every ward (default: each ward's own key)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    p.set_defaults(func=run, ward="")


def _read_allocation(path: str) -> dict:
    from ..io.tables import read_table

    a = read_table(path, text=("stratum",), numeric=("n",), required=("stratum", "n"))
    out = {}
    for i, (s, n) in enumerate(zip(a["stratum"], a["n"]), start=1):
        if n != n or n < 0 or int(n) != n:
            import commdx

            raise commdx.InputError(f"n must be a whole number >= 0, got {n!r}", file=a.attrs.get("source", path),
                                    row=i, column="n")
        out[str(s)] = int(n)
    return out


def _keys(args, wards, out: Path) -> dict:
    """Each ward's pseudonym key through commdx plan's key handling (--key-file, --key-ward or the
    ward's own key in the store; a key inside the output folder refused)."""
    from .plan import _key

    return {w: _key(argparse.Namespace(**{**vars(args), "ward": w}), out) for w in wards}


def _unit_names(places: str | None) -> dict[str, str]:
    """Unit code -> name from --places, to title the visit lists; none given: the codes alone (a
    name is never guessed from the built-in city, whose codes another year's units reuse)."""
    if not places:
        return {}
    from ..places import places_from_option

    df = places_from_option(places).to_dataframe()
    return dict(zip(df["code"].astype(str), df["name"].astype(str)))


def _named(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if code in names else code


def _file_name(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", code) or "_"


TITLE_ROWS = 4  # title, place, how to use the reserves, interviewer; then the header row


def _visit_list(path: Path, rows: list, t: dict, title: dict) -> None:
    """One group's visit list as an interviewer prints it: a title block (the group and ward by
    name, how many households and reserves, the rule for reserves, a line for the interviewer's
    name and the dates), then the households with a box for the result; A4 portrait fitted to the
    page width, the header row repeated on every page, borders to write in."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ..render.xlsx import save_workbook

    wb = Workbook()
    ws = wb.active
    ws.title = t["sheet"][:31]
    header = list(rows[0].keys())
    ws.append([t["list_title"].format(**title)])
    ws.append([t["list_place"].format(**title)])
    ws.append([t["list_rule"].format(**title)])
    ws.append([t["list_interviewer"]])
    ws["A1"].font = Font(bold=True, size=13)
    for r in range(2, TITLE_ROWS + 1):
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=False)
    ws.append(header)
    line = Side(style="thin", color="808080")
    box = Border(left=line, right=line, top=line, bottom=line)
    for c in ws[TITLE_ROWS + 1]:
        c.font, c.fill, c.border = Font(bold=True), PatternFill("solid", fgColor="DDEBF7"), box
        c.alignment = Alignment(wrap_text=True, vertical="top")
    # the columns written in by hand are wide; the others fit their text
    widths = [max(8, min(len(h) + 2, 30)) for h in header]
    for r in rows:
        ws.append(list(r.values()))
        for i, v in enumerate(r.values()):
            widths[i] = max(widths[i], min(len(str(v)) + 2, 50))
        for c in ws[ws.max_row]:
            c.border = box
            c.alignment = Alignment(vertical="center")
        ws.row_dimensions[ws.max_row].height = 24  # room for a handwritten answer
    for name in (t["headers"]["result"], t["headers"]["note"]):
        widths[header.index(name)] = 30
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=TITLE_ROWS + 2, column=1).coordinate
    ws.print_title_rows = f"{TITLE_ROWS + 1}:{TITLE_ROWS + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = t["list_footer"]
    save_workbook(wb, path)


def shown_tables(sel: Any, shown: Any) -> tuple[Any, Any]:
    """``sel``'s sample and reserves with every household id as ``shown(ward, id)`` gives it; a
    certainty group's PSUs are its households (docs/selection.md), so their ``psu`` is shown the
    same way (the real id never stands beside its pseudonym)."""
    sample, reserves = sel.sample.copy(), sel.reserves.copy()
    sample["household_id"] = [shown(w, h) for w, h in zip(sample["ward_code"], sample["household_id"])]
    sample["psu"] = [s if p == h else p for p, h, s in zip(sel.sample["psu"], sel.sample["household_id"],
                                                             sample["household_id"])]
    reserves["household_id"] = [shown(w, h) for w, h in zip(reserves["ward_code"], reserves["household_id"])]
    return sample, reserves


def write_visit_lists(folder: Path, sel: Any, sample: Any, reserves: Any, t: dict, names: dict[str, str], seed: int,
                      extra: list | None = None, info: Any = None) -> None:
    """One visit list per drawn group, ``folder/<ward>/<group>.xlsx``: ``sample`` and ``reserves``
    are ``sel``'s tables with the ids as shown (pseudonyms, or the real ids with names), ``extra``
    the name columns of ``info`` (the list indexed by real id) to add."""
    extra = extra or []
    h = t["headers"]
    real = sel.sample["household_id"].tolist()
    real_res = sel.reserves["household_id"].tolist()
    for (ward, group), part in sample.groupby(["ward_code", "group_code"], sort=False):
        rows = []
        res = reserves[(reserves["ward_code"] == ward) & (reserves["group_code"] == group)]
        entries = [(hid, pos, t["sampled"], real[i]) for i, hid, pos in zip(part.index, part["household_id"], part["position"])]
        entries += [(hid, pos, t["reserve"].format(k=k), real_res[i])
                    for i, hid, pos, k in zip(res.index, res["household_id"], res["position"], res["rank"])]
        for k, (hid, pos, role, rid) in enumerate(entries, start=1):
            row = {h["order"]: k, h["household"]: hid, h["position"]: int(pos), h["role"]: role}
            for c in extra:
                v = info.at[rid, c] if info is not None else ""
                row[c] = "" if v != v else v
            row[h["result"]] = ""
            row[h["note"]] = ""
            rows.append(row)
        ward_dir = folder / _file_name(ward)
        ward_dir.mkdir(parents=True, exist_ok=True)
        title = {"group_name": _named(group, names), "ward_name": _named(ward, names), "seed": seed,
                 "sampled": len(part), "reserves": len(res)}
        _visit_list(ward_dir / f"{_file_name(group)}.xlsx", rows, t, title)


def run(args: argparse.Namespace) -> int:
    import commdx

    from .. import _core
    from ..io.output import atomic_directory
    from ..io.tables import read_table
    from ..render.tables import CSV_ENCODING

    t = TEXT[args.lang]
    if (args.groups_per_ward is None) == (args.allocation is None):
        raise commdx.ConfigError(t["bad_n"], column="--groups-per-ward")
    out = Path(args.out)
    households = read_table(args.households, text=("household_id", "ward_code", "group_code"),
                            required=("household_id", "ward_code", "group_code"))
    groups = None
    if args.groups:
        groups = read_table(args.groups, text=("ward_code", "group_code"), required=("ward_code", "group_code", "size"))
    n = _read_allocation(args.allocation) if args.allocation else args.groups_per_ward
    if args.allocation and args.allocation_unit == "households":  # households per stratum -> groups
        if args.households_per_group <= 0:
            raise commdx.ConfigError(t["need_m"], column="--households-per-group")
        n = {s: -(-k // args.households_per_group) for s, k in n.items()}
    sel = commdx.select_sample(households, groups, n=n, m=args.households_per_group, reserves=args.reserves,
                               seed=args.seed, method=args.method, within=args.within)
    wards = list(dict.fromkeys(sel.sample["ward_code"]))
    keys = {} if args.with_names else _keys(args, wards, out)

    def shown(ward: str, hid: str) -> str:
        return hid if args.with_names else _core._plan_pseudonym(keys[ward], hid)

    sample, reserves = shown_tables(sel, shown)
    extra = [c for c in _NAME_COLUMNS if args.with_names and c in households.columns]
    info = households.set_index("household_id")[extra] if extra else None
    names = _unit_names(args.places)
    inputs = [args.households, args.groups, args.allocation, args.places]
    with atomic_directory(out, command=getattr(args, "argv", None), inputs=inputs) as tmp:
        sample.to_csv(tmp / "sample.csv", index=False, encoding=CSV_ENCODING)
        reserves.to_csv(tmp / "reserves.csv", index=False, encoding=CSV_ENCODING)
        sel.groups.to_csv(tmp / "groups.csv", index=False, encoding=CSV_ENCODING)
        write_visit_lists(tmp / "visit-lists", sel, sample, reserves, t, names, args.seed, extra, info)
    print(t["done"].format(g=int(sel.groups["selected"].sum()),
                           c=int((sel.groups["selected"] & sel.groups["certainty"]).sum()), n=len(sample),
                           r=len(reserves), w=len(wards), out=out))
    if keys:
        from ..keys import fingerprint

        for w, k in keys.items():
            print(f"{w}: {t['fingerprint']}{fingerprint(k)}")
    return 0
