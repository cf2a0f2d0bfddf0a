"""``commdx report --month YYYY-MM --data DIR [--ward CODE] [--places P] [--lang vi|en] [--out DIR]``: the
monthly report of a ward team or of the city (T2, T5, R4, M1, S5), from the files of
``commdx synth --out DIR`` (or a ward's own files with the same names and columns). The teams
section checks the roster by ``--rules`` (default the shipped team-rules.json) and its deadline;
``--deadline`` overrides that deadline, and the report says so. ``--targets`` replaces the
indicator catalogue's targets (the progress section) for the indicators it lists.

Writes ``report-<unit>-<month>.json``, ``.md`` (with its PNG charts), ``.html`` (charts
embedded), ``.xlsx`` (every table complete), ``.docx`` (the official document, Decree 30/2020/NĐ-CP)
and its ``.pdf`` (LibreOffice; without it the PDF is skipped and the command says so) into
``--out`` (``--formats`` chooses) and prints their paths, then every survey variable an indicator needs that
a round of the files lacks (missing data, not suppressed cells; the files say so too). Every household figure is small-cell suppressed.
The survey rounds, household ids, members, outcomes, M1 frequencies and places of the files are
checked against what they refer to (``--places``, default DATA/places.csv, else the built-in city).
Exit status: 0 done; 2 unreadable input or bad usage (the message names the file, row, column)."""
from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: "argparse._SubParsersAction") -> None:
    p = subparsers.add_parser(
        "report",
        help="báo cáo tháng của phường hoặc thành phố / the monthly report of a ward or the city",
        description=(
            "Báo cáo tháng: chỉ tiêu hiện tại, đầu kỳ, tháng trước và kiểm định thay đổi; tiến độ so với mục tiêu; "
            "tổ công nghệ số; lượt đến hộ; đề nghị khen thưởng; quy trình thủ công (M1). "
            "Monthly report: indicators now, at baseline and last month with a test of the change; progress "
            "against targets; teams; visits; nominations; manual processes (M1)."
        ),
    )
    p.add_argument("--month", required=True, help="tháng báo cáo YYYY-MM / report month")
    p.add_argument("--data", required=True, help="thư mục dữ liệu (commdx synth --out DIR) / data folder")
    p.add_argument("--ward", help="mã hoặc tên phường/xã (mặc định: toàn thành phố) / ward code or name (default: the city)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    p.add_argument("--out", default=".", help="thư mục ghi báo cáo (mặc định: thư mục hiện tại) / output folder (default: the current one)")
    p.add_argument("--config", help="report-config.json của thành phố / the city's report configuration")
    p.add_argument("--min-households", type=float, help="ngưỡng ô nhỏ k (mặc định: min_households của --config, không có thì của report-config.json có sẵn) / "
                                                               "small-cell threshold (default: the config's min_households)")
    p.add_argument("--formats", default="json,md,html,xlsx,docx,pdf",
                   help="các định dạng, cách nhau bằng dấu phẩy (mặc định: json,md,html,xlsx,docx,pdf) / "
                        "formats, comma-separated (default: all)")
    p.add_argument("--plan", help="lịch thăm của kế hoạch (visits.csv của commdx plan --out DIR: member_id, date) để so "
                               "sánh / the plan's visits (commdx plan's visits.csv: member_id, date) to compare the visits with")
    from ..places import add_places_argument

    add_places_argument(p, "DATA/places.csv, không có thì thành phố có sẵn; phường, khu phố, tổ của khảo sát được "
                           "kiểm tra theo đó", "DATA/places.csv, else the built-in city; the survey's wards, "
                           "neighbourhoods and groups are checked against it")
    p.add_argument("--rules", help="bộ quy tắc tổ của thành phố (mặc định: team-rules.json có sẵn) / the city's team rule "
                                   "set (default: the shipped team-rules.json); T1/T3 and T5 by it, by its deadline")
    from ..teams import add_deadline_argument

    add_deadline_argument(p, "hạn trong DATA/calendar.json nếu có và không có --rules, không có thì hạn của bộ quy tắc",
                          "DATA/calendar.json's when there is one and no --rules, else the rule set's")
    from ..targets import add_targets_argument

    add_targets_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..io import tables
    from ..places import Places, places_from_option
    from .. import _core
    from ..render.pdf import soffice
    from ..render.words import missing_text
    from ..report import FORMATS, _w, monthly_report

    data = Path(args.data)
    if args.places:
        places = places_from_option(args.places)
    elif (data / "places.csv").exists():
        places = Places.from_file(str(data / "places.csv"))
    else:
        places = Places.vung_tau()
    ward = args.ward
    if ward is not None and places is not None and ward not in places:
        ward = places.match(ward)
    plan = tables.read_table(args.plan, text=("member_id", "household_id"), dates=("date", "week_start")) if args.plan else None
    from ..teams import read_rules

    rules = read_rules(args.rules) if args.rules else None
    from ..targets import read_targets

    targets = read_targets(args.targets, lang=args.lang) if args.targets else None
    rep = monthly_report(args.month, data, ward=ward, lang=args.lang, places=places, config=args.config,
                         min_households=args.min_households, plan=plan, rules=rules, deadline=args.deadline,
                         targets=targets)
    vi = args.lang == "vi"
    formats = tuple(x.strip() for x in args.formats.split(",") if x.strip())
    unknown = [x for x in formats if x not in FORMATS]
    if unknown:
        raise _core.ConfigError(f"--formats '{unknown[0]}': " + ("cần một trong " if vi else "expected one of ")
                                + ", ".join(FORMATS))
    if "pdf" in formats and soffice() is None:  # said, never silently dropped
        formats = tuple(x for x in formats if x != "pdf")
        print("Không tạo PDF: máy chưa cài LibreOffice (gói Debian libreoffice-writer-nogui)" if vi else
              "No PDF: LibreOffice is not installed (Debian package libreoffice-writer-nogui)", file=sys.stderr)
    city_name = _city_name(places)
    paths = rep.save(args.out, formats, command=getattr(args, "argv", None),
                     inputs=(args.data, args.config, args.plan, args.rules, targets.path if targets else None), city_name=city_name)
    from ..render.fmt import Fmt

    print(("Báo cáo " if vi else "Monthly report, ") + f"{Fmt(args.lang).month(rep.month)}: {rep.unit_name} ({rep.unit})")
    for kind, path in paths.items():
        print(f"  {kind}: {path}")
    if rep.variables_missing:  # missing data, never to be taken for suppressed cells (issue 11)
        print(_w("variables_missing", args.lang))
        for m in rep.variables_missing:
            print(f"  - {m}")
    if rep.missing:
        print(("Phần chưa có:" if vi else "Missing sections:"), file=sys.stderr)
        for m in rep.missing:
            print(f"  - {missing_text(m, args.lang)}", file=sys.stderr)
    return 0


def _city_name(places: object) -> str | None:
    """The name of the places tree's top unit ("Thành phố Vũng Tàu"), for the official document."""
    try:
        df = places.to_dataframe()  # type: ignore[attr-defined]
    except AttributeError:
        return None
    top = df[df["parent"].fillna("").astype(str) == ""]
    return str(top["name"].iloc[0]) if len(top) else None
