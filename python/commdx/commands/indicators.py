"""``commdx indicators SURVEY [--places P] [--design weight=..,strata=..,psu=..,fpc=..] [--levels ...]
[--businesses B] [--catalogue C.json] [--targets T] [--as-of YYYY-MM-DD] [-o OUT.csv|.json|.xlsx]
[--statistics STATS.json] [--lang vi|en]``, or ``commdx indicators --merge STATS.json... [...]``

S1-S4, K1-K10, R3: every catalogue indicator for every unit of every level, with standard errors,
confidence intervals, design effects, targets, gaps and days left (one row per unit and
indicator; columns as contracts.md); ``--targets`` replaces the catalogue's targets for the run
(commdx.targets). SURVEY is a household file (CSV/XLSX) read with
``commdx.read_households`` against the places (``--places``, default the built-in city), so a
group placed in another ward is refused. Without ``--design`` the data dictionary's design
columns present in the file are used (weight, stratum, psu, fpc); a file without a weight column
is refused unless ``--design weight=none,...`` says the sample is unweighted. Exit status 0; 2 on
unreadable input or config.

The city roll-up without microdata (issue 16): ``--statistics STATS.json`` also writes the ward's
sufficient statistics (weighted sums per residential group, no household record) for the city;
``--merge`` takes the wards' files instead of a survey and gives the table the pooled records
give (``commdx.indicators_from_statistics``).
"""
from __future__ import annotations

import argparse
import sys

TEXT = {
    "vi": {
        "help": "ước lượng các chỉ tiêu (có sai số chuẩn) cho từng đơn vị ở mọi cấp",
        "survey": "tệp khảo sát hộ gia đình (CSV/XLSX)",
        "design": "thiết kế mẫu: weight=..,strata=..,psu=..,fpc=..[,lonely_psu=adjust]; weight=none: mẫu không trọng số",
        "levels": "các cấp, cách nhau bởi dấu phẩy: city,ward,neighbourhood,residential_group",
        "businesses": "tệp khảo sát cơ sở kinh doanh (tùy chọn)",
        "catalogue": "danh mục chỉ tiêu JSON (mặc định: danh mục có sẵn)",
        "as_of": "ngày tính số ngày còn lại đến hạn (mặc định: hôm nay)",
        "out": "tệp kết quả .csv, .json hoặc .xlsx (mặc định in ra màn hình)",
        "done": "Đã ước lượng {k} chỉ tiêu cho {u} đơn vị ({r} dòng); ghi vào {out}.",
        "behind": "Chỉ tiêu cấp thành phố chưa đạt mục tiêu: {items}.",
        "behind_item": "{label}: {estimate} (mục tiêu {target})",
        "statistics": "ghi thêm tệp thống kê tổng hợp (tổng có trọng số theo tổ dân cư, không có dữ liệu từng hộ) "
                      "để gửi thành phố",
        "merge": "tính từ các tệp thống kê của các phường/xã (--statistics) thay cho tệp khảo sát",
        "one_input": "commdx indicators: cần đúng một nguồn: tệp khảo sát SURVEY hoặc --merge các tệp thống kê",
        "stats_done": "Đã ghi tệp thống kê {out} ({c} ô tổ dân cư); gửi tệp này lên thành phố thay cho dữ liệu hộ.",
        "no_stats_merge": "commdx indicators: --statistics ghi tệp từ một tệp khảo sát; với --merge hãy dùng -o",
        "small_areas": "ước lượng diện nhỏ (mô hình Fay–Herriot) cho các đơn vị của cấp LEVEL (ward, neighbourhood, "
                       "residential_group), ghi vào tệp <OUT>-small-areas bên cạnh tệp kết quả",
        "small_areas_needs": "commdx indicators: --small-areas cần một nguồn khảo sát SURVEY và -o OUT",
        "small_done": "Ước lượng diện nhỏ cấp {level}: {u} đơn vị x {k} chỉ tiêu; {d} dòng dùng ước lượng trực tiếp, "
                      "{m} dòng dùng mô hình, {s} dòng là ước lượng tổng hợp (đơn vị không có mẫu); ghi vào {out}.",
    },
    "en": {
        "help": "estimate the indicators (with standard errors) for every unit at every level",
        "survey": "household survey file (CSV/XLSX)",
        "design": "sampling design: weight=..,strata=..,psu=..,fpc=..[,lonely_psu=adjust]; weight=none: unweighted",
        "levels": "comma-separated levels: city,ward,neighbourhood,residential_group",
        "businesses": "business survey file (optional)",
        "catalogue": "indicator catalogue JSON (default: the shipped one)",
        "as_of": "the day days_left counts from (default: today)",
        "out": "output .csv, .json or .xlsx (stdout by default)",
        "done": "Estimated {k} indicators for {u} units ({r} rows); written to {out}.",
        "behind": "City-level indicators below target: {items}.",
        "behind_item": "{label}: {estimate} (target {target})",
        "statistics": "also write the sufficient statistics (weighted sums per residential group, no household "
                      "record) to send to the city",
        "merge": "estimate from the wards' statistics files (--statistics) instead of a survey file",
        "one_input": "commdx indicators: give exactly one source: a SURVEY file or --merge statistics files",
        "stats_done": "Wrote the statistics file {out} ({c} group cells); send it to the city instead of the household data.",
        "no_stats_merge": "commdx indicators: --statistics writes a survey's statistics; with --merge use -o",
        "small_areas": "small-area estimates (Fay-Herriot model) for the units of level LEVEL (ward, neighbourhood, "
                       "residential_group), written to <OUT>-small-areas beside the output",
        "small_areas_needs": "commdx indicators: --small-areas needs a SURVEY file and -o OUT",
        "small_done": "Small areas at level {level}: {u} units x {k} indicators; {d} rows take the direct estimate, "
                      "{m} the model, {s} the synthetic estimate (units without a sample); written to {out}.",
    },
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..places import add_places_argument

    from ..cli import run_lang

    t = TEXT[run_lang()]
    p = subparsers.add_parser("indicators", help=t["help"], description=t["help"])
    p.add_argument("survey", metavar="SURVEY", nargs="?", default=None, help=t["survey"])
    add_places_argument(p)
    p.add_argument("--design", default=None, help=t["design"])
    p.add_argument("--levels", default="city,ward,neighbourhood,residential_group", help=t["levels"])
    p.add_argument("--businesses", default=None, help=t["businesses"])
    p.add_argument("--catalogue", default=None, help=t["catalogue"])
    p.add_argument("--as-of", dest="as_of", default=None, help=t["as_of"])
    from ..targets import add_targets_argument

    add_targets_argument(p)
    p.add_argument("-o", "--out", default=None, help=t["out"])
    p.add_argument("--statistics", metavar="STATS.json", default=None, help=t["statistics"])
    p.add_argument("--merge", metavar="STATS.json", nargs="+", default=None, help=t["merge"])
    p.add_argument("--small-areas", dest="small_areas", metavar="LEVEL", default=None,
                   choices=("ward", "neighbourhood", "residential_group"), help=t["small_areas"])
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    p.set_defaults(func=run)


def _read(path: str, kind: str, places):
    """The records, their place columns checked against ``places`` (a group must lie in its
    neighbourhood and ward: issue 11 found one placed in another ward accepted)."""
    import commdx
    from ..survey import IngestResult

    reader = commdx.read_households if kind == "households" else commdx.read_businesses
    records = reader(path, places=places)
    assert not isinstance(records, IngestResult)  # strict (the default) reading gives the DataFrame
    records.attrs["source"] = path
    return records


def write_table(table, out: str | None, lang: str) -> None:
    """The indicators table to OUT (.csv with a BOM, .json, .xlsx), or to stdout as CSV."""
    if out is None:
        table.to_csv(sys.stdout, index=False)
        return
    from ..io.output import atomic_file, frame_json

    with atomic_file(out) as tmp:  # temporary file beside OUT, renamed onto it when complete
        if out.lower().endswith(".json"):
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(frame_json(table, orient="records", force_ascii=False, indent=1))
        elif out.lower().endswith((".xlsx", ".xlsm")):
            from ..render.tables import write_xlsx_tables

            write_xlsx_tables(tmp, {"Chỉ tiêu" if lang == "vi" else "Indicators": table}, lang)
        else:
            from ..render.tables import CSV_ENCODING

            table.to_csv(tmp, index=False, encoding=CSV_ENCODING)  # BOM: Excel reads the Vietnamese


def run(args: argparse.Namespace) -> int:
    import commdx

    t = TEXT[args.lang]
    from ..places import places_from_option

    places = places_from_option(args.places) if args.places else commdx.Places.vung_tau()
    if (args.survey is None) == (args.merge is None):
        print(t["one_input"], file=sys.stderr)
        return 2
    if args.merge is not None and args.statistics:
        print(t["no_stats_merge"], file=sys.stderr)
        return 2
    if args.small_areas and (args.survey is None or args.out is None):
        print(t["small_areas_needs"], file=sys.stderr)
        return 2
    levels = [s.strip() for s in args.levels.split(",") if s.strip()]
    targets = None
    if args.targets:
        from ..indicators import _catalogue
        from ..targets import read_targets

        targets = read_targets(args.targets, catalogue=_catalogue(args.catalogue), lang=args.lang)
    if args.merge is not None:
        table = commdx.indicators_from_statistics(args.merge, places, catalogue=args.catalogue, levels=levels,
                                                  as_of=args.as_of, targets=targets)
    else:
        households = _read(args.survey, "households", places)
        businesses = _read(args.businesses, "businesses", places) if args.businesses else None
        design = commdx.SurveyDesign.parse(args.design) if args.design else None
        table = commdx.indicators(households, places, design, catalogue=args.catalogue, levels=levels,
                                  businesses=businesses, as_of=args.as_of, targets=targets)
        if args.statistics:
            stats = commdx.indicator_statistics(households, places, design, catalogue=args.catalogue, levels=levels,
                                                businesses=businesses)
            commdx.write_statistics(stats, args.statistics)
            cells = sum(len(part["cells"]["psu"]) for part in stats["parts"])
            print(t["stats_done"].format(out=args.statistics, c=cells), file=sys.stderr if args.out is None else sys.stdout)
    out = args.out
    small = _small_areas(households, places, design, args) if args.small_areas else None
    write_table(table, out, args.lang)
    if out is not None:
        from ..indicators import _catalogue, indicator_catalogue
        from ..render.fmt import Fmt

        fmt = Fmt(args.lang)
        print(t["done"].format(k=fmt.int(table.indicator.nunique()),
                               u=fmt.int(table[["level", "unit"]].drop_duplicates().shape[0]),
                               r=fmt.int(len(table)), out=out))
        city = table[(table.level == "city") & table.target.notna() & (table.gap > 0)]
        if len(city):  # named in the run's language, in its number format ("45,4 % / 80,0 %")
            doc = _catalogue(args.catalogue) or indicator_catalogue()
            label = {i["id"]: i.get(f"label_{args.lang}") or i["id"] for i in doc["indicators"]}
            print(t["behind"].format(items="; ".join(
                t["behind_item"].format(label=label.get(r.indicator, r.indicator), estimate=fmt.pct(r.estimate),
                                        target=fmt.pct(r.target)) for r in city.itertuples())))
    if small is not None:
        import os

        stem, ext = os.path.splitext(out)
        small_out = f"{stem}-small-areas{ext or '.csv'}"
        write_table(small, small_out, args.lang)
        fmt = Fmt(args.lang)
        print(t["small_done"].format(level=args.small_areas, u=fmt.int(small.unit.nunique()),
                                     k=fmt.int(small.indicator.nunique()), d=fmt.int(int((small.source == "direct").sum())),
                                     m=fmt.int(int((small.source == "eblup").sum())),
                                     s=fmt.int(int((small.source == "synthetic").sum())), out=small_out))
    return 0


def _small_areas(households, places, design, args):
    """The catalogue's household proportions (a 0/1 column, no denominator) by the small-area model
    at level ``--small-areas`` (commdx.small_area, auxiliaries from the places: log density and log
    households), one row per unit and indicator."""
    import commdx
    from ..indicators import _catalogue, indicator_catalogue

    doc = _catalogue(args.catalogue) or indicator_catalogue()
    chosen = [(i["id"], i["numerator"]["column"]) for i in doc["indicators"]
              if i.get("records") == "households" and i.get("statistic") == "proportion" and not i.get("denominator")
              and set(i.get("numerator") or {}) == {"column"} and i["numerator"]["column"] in households.columns]
    d = design if design is not None else commdx.SurveyDesign.default_for(households)
    table = commdx.small_area(households, d, [c for _, c in chosen], level=args.small_areas, places=places)
    ids = {c: i for i, c in chosen}
    table.insert(3, "indicator", table["variable"].map(ids))
    return table
