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

Small areas (issue 18): ``--small-areas LEVEL`` also writes ``<OUT>-small-areas`` (commdx.small_area)
for the catalogue's household proportions: ``--method fh`` (area level, default; auxiliaries
``--auxiliaries`` default density,households, or members,head_age,... as area means of
``--households``) or ``--method bhf`` (unit level: ``--households`` the commune's household list,
required, ``--auxiliaries`` its columns, default members,head_age; MSE by ``--replicates`` bootstrap
replicates seeded by ``--seed``), ``--benchmark ratio|difference|none`` to the level above.
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
        "method": "mô hình diện nhỏ: fh (cấp khu vực, Fay–Herriot; mặc định) hoặc bhf (cấp hộ, Battese–Harter–Fuller, "
                  "cần --households)",
        "households": "danh sách hộ của cả phường/xã (CSV/XLSX, như households.csv của commdx synth): biến phụ trợ "
                      "cấp hộ cho bhf, trung bình theo đơn vị cho fh",
        "auxiliaries": "các biến phụ trợ, cách nhau bởi dấu phẩy (fh: density,households hoặc cột của danh sách hộ; "
                       "bhf: cột của danh sách hộ, mặc định members,head_age)",
        "benchmark": "khớp ước lượng mô hình với ước lượng trực tiếp đáng tin cậy của cấp trên: ratio (tỷ lệ), "
                     "difference (chênh lệch) hoặc none (mặc định)",
        "replicates": "số lần lặp bootstrap tham số cho sai số bình phương trung bình của bhf (mặc định 200; 0: công thức giải tích)",
        "seed": "hạt giống của bootstrap (mặc định 1)",
        "small_only": "commdx indicators: {opt} chỉ dùng cùng --small-areas",
        "bhf_needs": "commdx indicators: --method bhf cần --households, danh sách hộ của cả phường/xã",
        "benchmarked": "Khớp với cấp trên ({kind}): {b} dòng; {p} dòng không khớp vì ước lượng cấp trên không đủ tin cậy.",
        "unequal": "Mô hình bhf không dùng trọng số thiết kế: trọng số khác nhau trong {u} đơn vị (cột weights = "
                   "unequal_ignored); ước lượng của mô hình ở đó dựa vào giả định mô hình.",
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
        "method": "small-area model: fh (area level, Fay-Herriot; default) or bhf (unit level, Battese-Harter-Fuller, "
                  "needs --households)",
        "households": "the commune's household list (CSV/XLSX, as commdx synth's households.csv): household-level "
                      "auxiliaries for bhf, their unit means for fh",
        "auxiliaries": "comma-separated auxiliaries (fh: density,households or columns of the household list; "
                       "bhf: columns of the household list, default members,head_age)",
        "benchmark": "make the model estimates agree with the reliable direct estimate of the level above: ratio, "
                     "difference or none (default)",
        "replicates": "parametric-bootstrap replicates for bhf's mean squared error (default 200; 0: the analytic one)",
        "seed": "the bootstrap's seed (default 1)",
        "small_only": "commdx indicators: {opt} goes with --small-areas only",
        "bhf_needs": "commdx indicators: --method bhf needs --households, the commune's household list",
        "benchmarked": "Benchmarked to the level above ({kind}): {b} rows; {p} rows not, the parent's estimate being "
                       "unreliable.",
        "unequal": "The bhf model does not use the design weights: they differ within {u} units (column weights = "
                   "unequal_ignored); the model's estimates there rest on the model.",
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
    p.add_argument("--method", choices=("fh", "bhf"), default=None, help=t["method"])
    p.add_argument("--households", metavar="FILE", default=None, help=t["households"])
    p.add_argument("--auxiliaries", metavar="COLS", default=None, help=t["auxiliaries"])
    p.add_argument("--benchmark", choices=("ratio", "difference", "none"), default=None, help=t["benchmark"])
    p.add_argument("--replicates", type=int, default=None, metavar="N", help=t["replicates"])
    p.add_argument("--seed", type=int, default=None, metavar="S", help=t["seed"])
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
    given = [f"--{name}" for name in SMALL_AREA_OPTIONS if getattr(args, name) is not None]
    if given and not args.small_areas:
        print(t["small_only"].format(opt=given[0]), file=sys.stderr)
        return 2
    if args.method == "bhf" and args.households is None:
        print(t["bhf_needs"], file=sys.stderr)
        return 2
    if args.replicates is not None and args.replicates < 0:
        print(f"commdx indicators: --replicates {args.replicates} < 0", file=sys.stderr)
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
        if args.benchmark not in (None, "none"):
            print(t["benchmarked"].format(kind=args.benchmark, b=fmt.int(int((small.benchmark == args.benchmark).sum())),
                                          p=fmt.int(int((small.benchmark == "parent_unreliable").sum()))))
        unequal = small.loc[small.weights == "unequal_ignored", "unit"].nunique()
        if unequal:
            print(t["unequal"].format(u=fmt.int(int(unequal))))
    return 0


#: The options that shape the small-area table (with --small-areas only).
SMALL_AREA_OPTIONS = ("method", "households", "auxiliaries", "benchmark", "replicates", "seed")


def _small_areas(households, places, design, args):
    """The catalogue's household proportions (a 0/1 column, no denominator) by the small-area model
    at level ``--small-areas`` (commdx.small_area: ``--method``, ``--auxiliaries``, default for fh
    log density and log households from the places, for bhf the household list's members and
    head's age; ``--households`` the household list; ``--benchmark``, ``--replicates``, ``--seed``),
    one row per unit and indicator."""
    import commdx
    from ..indicators import _catalogue, indicator_catalogue

    method = args.method or "fh"
    register = _read(args.households, "households", places) if args.households else None
    auxiliaries = [a.strip() for a in args.auxiliaries.split(",") if a.strip()] if args.auxiliaries else None

    doc = _catalogue(args.catalogue) or indicator_catalogue()
    chosen = [(i["id"], i["numerator"]["column"]) for i in doc["indicators"]
              if i.get("records") == "households" and i.get("statistic") == "proportion" and not i.get("denominator")
              and set(i.get("numerator") or {}) == {"column"} and i["numerator"]["column"] in households.columns]
    d = design if design is not None else commdx.SurveyDesign.default_for(households)
    table = commdx.small_area(households, d, [c for _, c in chosen], level=args.small_areas, auxiliaries=auxiliaries,
                              places=places, households=register, method=method, benchmark=args.benchmark or "none",
                              replicates=200 if args.replicates is None else args.replicates,
                              seed=1 if args.seed is None else args.seed)
    ids = {c: i for i, c in chosen}
    table.insert(3, "indicator", table["variable"].map(ids))
    return table
