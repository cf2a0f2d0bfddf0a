"""``commdx indicators SURVEY [--places P] [--design weight=..,strata=..,psu=..,fpc=..] [--levels ...]
[--businesses B] [--catalogue C.json] [--as-of YYYY-MM-DD] [-o OUT.csv|.json|.xlsx] [--lang vi|en]``

S1-S4, K1-K10, R3: every catalogue indicator for every unit of every level, with standard errors,
confidence intervals, design effects, targets, gaps and days left (one row per unit and
indicator; columns as contracts.md). SURVEY is a household file (CSV/XLSX) read with
``commdx.read_households`` against the places (``--places``, default the built-in city), so a
group placed in another ward is refused. Without ``--design`` the data dictionary's design
columns present in the file are used (weight, stratum, psu, fpc); a file without a weight column
is refused unless ``--design weight=none,...`` says the sample is unweighted. Exit status 0; 2 on
unreadable input or config.
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
    },
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..places import add_places_argument

    t = TEXT["en" if "--lang" in sys.argv and "en" in sys.argv else "vi"]
    p = subparsers.add_parser("indicators", help=t["help"], description=t["help"])
    p.add_argument("survey", metavar="SURVEY", help=t["survey"])
    add_places_argument(p)
    p.add_argument("--design", default=None, help=t["design"])
    p.add_argument("--levels", default="city,ward,neighbourhood,residential_group", help=t["levels"])
    p.add_argument("--businesses", default=None, help=t["businesses"])
    p.add_argument("--catalogue", default=None, help=t["catalogue"])
    p.add_argument("--as-of", dest="as_of", default=None, help=t["as_of"])
    p.add_argument("-o", "--out", default=None, help=t["out"])
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
    households = _read(args.survey, "households", places)
    businesses = _read(args.businesses, "businesses", places) if args.businesses else None
    design = commdx.SurveyDesign.parse(args.design) if args.design else None
    levels = [s.strip() for s in args.levels.split(",") if s.strip()]
    table = commdx.indicators(households, places, design, catalogue=args.catalogue, levels=levels,
                              businesses=businesses, as_of=args.as_of)
    out = args.out
    write_table(table, out, args.lang)
    if out is not None:
        print(t["done"].format(k=table.indicator.nunique(), u=table[["level", "unit"]].drop_duplicates().shape[0],
                               r=len(table), out=out))
        city = table[(table.level == "city") & table.target.notna() & (table.gap > 0)]
        if len(city):
            print(t["behind"].format(items=", ".join(f"{r.indicator} {r.estimate:.1%} / {r.target:.0%}" for r in city.itertuples())))
    return 0
