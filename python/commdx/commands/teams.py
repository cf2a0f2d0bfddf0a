"""``commdx teams``: check a roster against the directive's rules (T1, T3, T5) and show coverage (T4, T5).

Exit status of ``commdx teams check``: 0 no error-level finding, 1 at least one error-level
finding, 2 unreadable input (the message names the file, row and column).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

# per language: message templates (str) and tables of words (tuples, dicts)
_TEXT: dict[str, dict[str, Any]] = {
    "vi": {
        "title": "Kiểm tra danh sách tổ công nghệ số cộng đồng: {roster} ({teams} tổ, hạn {deadline})",
        "header": ("Mức độ", "Quy tắc", "Tổ", "Đơn vị", "Nội dung"),
        "severity": {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"},
        "none": "Không có phát hiện nào: mọi tổ đạt yêu cầu.",
        "total": "Tổng: {error} lỗi, {warning} cảnh báo, {info} thông tin.",
        "coverage": "Khu phố/thôn có tổ đúng hạn: {on_time}/{total} (trễ hạn {late}, chưa có {missing}).",
        "groups": "Tổ dân cư có tổ nhân rộng: {with_team}/{total}.",
        "cov_title": "Độ bao phủ theo phường/xã (hạn {deadline})",
        "cov_header": ("Mã", "Phường/xã", "Tổ cấp phường", "Khu phố/thôn", "Đúng hạn", "Trễ hạn",
                       "Chưa có", "Tỷ lệ đúng hạn", "Tổ dân cư có tổ"),
        "late_list": "Trễ hạn", "missing_list": "Chưa có tổ",
        "override": "Lưu ý: dùng hạn {deadline} ({origin}) thay cho hạn {rules_deadline} của bộ quy tắc {rules}.",
    },
    "en": {
        "title": "Checking the community digital technology team roster: {roster} ({teams} teams, deadline {deadline})",
        "header": ("Severity", "Rule", "Team", "Unit", "Message"),
        "severity": {"error": "error", "warning": "warning", "info": "info"},
        "none": "No findings: every team meets the rules.",
        "total": "Total: {error} errors, {warning} warnings, {info} info.",
        "coverage": "Neighbourhoods/villages with a team on time: {on_time}/{total} (late {late}, missing {missing}).",
        "groups": "Residential groups with a replicated team: {with_team}/{total}.",
        "cov_title": "Coverage per ward/commune (deadline {deadline})",
        "cov_header": ("Code", "Ward/commune", "Ward teams", "Neighbourhoods", "On time", "Late",
                       "Missing", "Share on time", "Groups with a team"),
        "late_list": "Late", "missing_list": "No team",
        "override": "Note: deadline {deadline} ({origin}) used instead of the rule set's {rules_deadline} ({rules}).",
    },
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..places import add_places_argument

    p = subparsers.add_parser(
        "teams", help="kiểm tra tổ công nghệ số cộng đồng / check community digital technology teams",
        description="Tổ công nghệ số cộng đồng (T1-T5) / community digital technology teams (T1-T5)")
    sub = p.add_subparsers(dest="teams_command", metavar="ACTION")
    sub.required = True

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("roster", metavar="ROSTER", help="danh sách tổ: .json, .csv hoặc .xlsx (docs/contracts.md) / roster file: "
                                                  ".json, .csv or .xlsx (docs/contracts.md)")
        add_places_argument(q)
        from ..teams import add_deadline_argument

        add_deadline_argument(q, "hạn của --rules, không có thì của calendar.json cạnh ROSTER nếu có, không có thì "
                                 "của team-rules.json có sẵn", "the deadline of --rules, else of calendar.json beside "
                                 "ROSTER when there is one, else of the shipped team-rules.json")
        q.add_argument("--rules", metavar="R", help="bộ quy tắc tổ JSON (mặc định: team-rules.json có sẵn) / rule set JSON "
                                                    "(default: the shipped team-rules.json)")
        q.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / output language")
        q.add_argument("--format", choices=("table", "json", "csv"), default="table", dest="fmt",
                       help="định dạng kết quả (mặc định: table) / output format")

    check = sub.add_parser("check", help="kiểm tra thành phần tổ và hạn thành lập / check composition and deadline",
                           description="Exit status: 0 no error-level finding, 1 error-level findings, 2 unreadable input.")
    common(check)
    check.set_defaults(func=run_check)

    cov = sub.add_parser("coverage", help="độ bao phủ khu phố/thôn / coverage of neighbourhoods and villages (T4, T5)")
    common(cov)
    cov.set_defaults(func=run_coverage)


def _load(args: argparse.Namespace):
    from ..places import Places, places_from_option
    from ..teams import read_roster

    roster = read_roster(args.roster)
    places = places_from_option(args.places) if args.places else Places.vung_tau()
    return roster, places


def _deadline(args: argparse.Namespace):
    """The rule set and the deadline in force: --deadline when given, else (no --rules either) the
    deadline of the roster folder's calendar.json (``commdx synth --start``) when it has one (both
    said on stderr, since they override the rule set's), else the rule set's own."""
    from pathlib import Path

    from ..synth import CALENDAR_FILE, folder_calendar
    from ..teams import RuleSet, read_rules

    rules = read_rules(args.rules) if args.rules else RuleSet.shipped()
    deadline, origin = args.deadline, "--deadline"
    if deadline is None and not args.rules:
        calendar = folder_calendar(Path(args.roster).parent)
        if calendar is not None:
            deadline, origin = calendar["deadline"], str(Path(args.roster).parent / CALENDAR_FILE)
    if deadline is None or deadline == rules.deadline:
        return rules, rules.deadline
    print(_TEXT[args.lang]["override"].format(deadline=deadline, origin=origin, rules_deadline=rules.deadline,
                                              rules=args.rules or "team-rules.json"), file=sys.stderr)
    return rules, deadline


def _width(s: str) -> int:
    return len(s)


def _table(header: tuple, rows: list, last_free: bool = True) -> str:
    cols = len(header)
    widths = [max([_width(str(header[c]))] + [_width(str(r[c])) for r in rows]) for c in range(cols)]
    out = []
    for r in [header, *rows]:
        cells = [str(r[c]).ljust(widths[c]) if (c < cols - 1 or not last_free) else str(r[c]) for c in range(cols)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def run_check(args: argparse.Namespace) -> int:
    from ..io.output import frame_records
    from ..teams import check_teams, team_coverage

    roster, places = _load(args)
    rules, deadline = _deadline(args)
    findings = check_teams(roster, places, rules=rules, deadline=deadline)
    counts = {s: int((findings["severity"] == s).sum()) for s in ("error", "warning", "info")}
    if args.fmt == "json":
        records = frame_records(findings)
        json.dump({"roster": args.roster, "deadline": deadline, "rules_deadline": rules.deadline,
                   "counts": counts, "findings": records},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.fmt == "csv":
        findings.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        t = _TEXT[args.lang]
        print(t["title"].format(roster=args.roster, teams=len(roster), deadline=deadline))
        print()
        if findings.empty:
            print(t["none"])
        else:
            msg = "message_vi" if args.lang == "vi" else "message_en"
            rows = [(t["severity"][f.severity], f.rule, f.team or "-", f.unit, getattr(f, msg))
                    for f in findings.itertuples(index=False)]
            print(_table(t["header"], rows))
            print()
            print(t["total"].format(**counts))
        cov = team_coverage(roster, places, deadline=deadline)
        n = cov.neighbourhoods
        if len(n):
            print(t["coverage"].format(on_time=int((n["status"] == "on_time").sum()), total=len(n),
                                       late=int((n["status"] == "late").sum()),
                                       missing=int((n["status"] == "missing").sum())))
        g = cov.groups
        if len(g):
            print(t["groups"].format(with_team=int((g["teams"] > 0).sum()), total=len(g)))
    return 1 if counts["error"] > 0 else 0


def run_coverage(args: argparse.Namespace) -> int:
    from ..teams import team_coverage

    roster, places = _load(args)
    _, deadline = _deadline(args)
    cov = team_coverage(roster, places, deadline=deadline)
    if args.fmt == "json":
        json.dump(cov.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if args.fmt == "csv":
        cov.wards.to_csv(sys.stdout, index=False, lineterminator="\n")
        return 0
    t = _TEXT[args.lang]
    print(t["cov_title"].format(deadline=cov.deadline))
    print()

    def share(x: float) -> str:
        return "-" if pd.isna(x) else f"{100 * x:.0f}%"

    rows = [(w.ward, w.ward_name, w.ward_teams, w.neighbourhoods, w.on_time, w.late, w.missing,
             share(w.share_on_time), f"{w.groups_with_team}/{w.groups}")
            for w in cov.wards.itertuples(index=False)]
    print(_table(t["cov_header"], rows, last_free=False))
    for status, label in (("late", t["late_list"]), ("missing", t["missing_list"])):
        units = cov.neighbourhoods[cov.neighbourhoods["status"] == status]
        if len(units):
            print()
            print(f"{label}: " + ", ".join(f"{u.unit_name} ({u.unit})" for u in units.itertuples(index=False)))
    return 0
