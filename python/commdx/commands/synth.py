"""``commdx synth``: write the example city (a synthetic Vũng Tàu) to a directory, or example data
on any place tree (``--places FILE``: a commune of the national list with its own neighbourhoods and
groups) on a calendar from any day (``--start YYYY-MM-DD``).

Files: places.csv, teams.json, teams.csv, households.csv, businesses.csv, sample_households.csv,
followup_households.csv, visits.csv, manual_processes.csv (the record tables as .parquet with
``--format parquet``). Columns: docs/data-dictionary.md. Exit status 0, 2 on bad usage or a
directory that cannot be written.
"""
from __future__ import annotations

import argparse
import time

from ..cli import option_date

_TEXT = {
    "vi": {
        "start": "Đang tạo thành phố mẫu: {households} hộ, hạt giống {seed}, khảo sát {design} → {out}",
        "design_sample": "mẫu cụm phân tầng ({groups} tổ/phường)",
        "design_census": "tổng điều tra",
        "done": "Xong sau {seconds:.1f} giây: {wards} phường/xã, {population} nhân khẩu.",
        "calendar": "Lịch: tổ thành lập từ {start}, hạn {deadline} (dùng --deadline {deadline} khi kiểm tra tổ nếu khác "
                    "hạn có sẵn), đến hộ từ {first_visit} đến {last_visit}.",
        "places": "Trên cây đơn vị {source}: {households} hộ.",
        "file": "  {name:28s} {rows:>12,} dòng",
        "bad": "commdx synth: {msg}",
        "small": "số hộ phải từ {min} trở lên",
    },
    "en": {
        "start": "Generating the example city: {households} households, seed {seed}, survey {design} → {out}",
        "design_sample": "stratified cluster sample ({groups} groups per ward)",
        "design_census": "census",
        "done": "Done in {seconds:.1f} s: {wards} wards/communes, {population} people.",
        "calendar": "Calendar: teams decided from {start}, deadline {deadline} (pass --deadline {deadline} to teams "
                    "check when it is not the shipped one), visits from {first_visit} to {last_visit}.",
        "places": "On the place tree {source}: {households} households.",
        "file": "  {name:28s} {rows:>12,} rows",
        "bad": "commdx synth: {msg}",
        "small": "households must be at least {min}",
    },
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..places import add_places_argument
    from ..synth import DEFAULT_HOUSEHOLDS

    p = subparsers.add_parser(
        "synth", help="tạo thành phố mẫu (dữ liệu giả lập) / generate the example city",
        description="Tạo thành phố mẫu Vũng Tàu giả lập, hoặc dữ liệu mẫu trên cây đơn vị của mình (--places), "
                    "xác định theo hạt giống / generate the synthetic example city of Vũng Tàu, or example data on "
                    "your own place tree (--places), deterministic by seed")
    p.add_argument("--households", type=int, default=None, metavar="N",
                   help=f"số hộ (mặc định {DEFAULT_HOUSEHOLDS}, cả thành phố; với --places: số hộ của cây đơn vị, "
                        f"có N thì co giãn theo N) / households (default {DEFAULT_HOUSEHOLDS}, the real city; above "
                        "300000 synthetic wards are added, up to national scale; with --places: the tree's own "
                        "counts, N scales them to N)")
    add_places_argument(p, "thành phố mẫu Vũng Tàu 2022; khu phố/thôn và tổ không có trong tệp được tạo thêm",
                        "the built-in Vũng Tàu of 2022; neighbourhoods and groups the file lacks are generated")
    p.add_argument("--start", metavar="YYYY-MM-DD", default=None, type=option_date,
                   help="ngày bắt đầu chiến dịch: ngày quyết định thành lập tổ, hạn, ngày đến hộ tính từ đó "
                        "(mặc định: lịch năm 2022 của chỉ thị, commdx.synth.calendar() cho biết) / first day of the campaign: "
                        "team decisions, deadline and visits follow it (default: the directive's 2022 calendar, "
                        "as commdx.synth.calendar() gives it)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="hạt giống / seed (default 1)")
    p.add_argument("--out", required=True, metavar="DIR", help="thư mục kết quả / output directory")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="fmt",
                   help="định dạng bảng hộ/doanh nghiệp / format of the record tables (default csv)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--sample", dest="census", action="store_false",
                   help="khảo sát mẫu cụm phân tầng (mặc định) / stratified cluster sample (default)")
    g.add_argument("--census", dest="census", action="store_true",
                   help="tổng điều tra mọi hộ / survey every household")
    p.add_argument("--groups-per-ward", type=int, default=8, metavar="G",
                   help="số tổ dân cư chọn mỗi phường / residential groups sampled per ward (default 8)")
    p.add_argument("--households-per-group", type=int, default=0, metavar="M",
                   help="số hộ chọn mỗi tổ, 0 = tất cả / households per sampled group, 0 = all (default)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định vi) / output language (default vi)")
    p.set_defaults(func=run, census=False)


def run(args: argparse.Namespace) -> int:
    from .. import synth

    t = _TEXT[args.lang]
    if args.households is not None and args.households < 200:
        print(t["bad"].format(msg=t["small"].format(min=200)))
        return 2
    tree = None
    if args.places:
        from ..places import places_from_option

        tree = places_from_option(args.places)
    calendar = synth.calendar(args.start)  # a bad date is refused before anything is written
    design = t["design_census"] if args.census else t["design_sample"].format(groups=args.groups_per_ward)
    shown = args.households if args.households is not None else (synth.DEFAULT_HOUSEHOLDS if tree is None else "…")
    print(t["start"].format(households=shown, seed=args.seed, design=design, out=args.out))
    start = time.perf_counter()
    summary = synth.write(args.out, households=args.households, seed=args.seed, format=args.fmt,
                          census=args.census, groups_per_ward=args.groups_per_ward,
                          households_per_group=args.households_per_group, command=getattr(args, "argv", None),
                          places=tree, start=args.start)
    print(t["done"].format(seconds=time.perf_counter() - start, wards=summary["wards"],
                           population=summary["population"]))
    if tree is not None:
        print(t["places"].format(source=tree.source, households=summary["households"]))
    print(t["calendar"].format(**calendar))
    for name, rows in summary["rows"].items():
        print(t["file"].format(name=name, rows=rows))
    return 0
