"""``commdx survey calibrate SURVEY --margins M.csv [--method linear|raking|poststratify]
[--bounds LO,HI] [--responded COLUMN [--cells C1,C2]] [--design ...] [--places P] [--levels ...]
[--weights W.csv] [-o OUT.csv|.json|.xlsx] [--lang vi|en]``

Issue 14: the survey's weights calibrated to the commune's known totals (docs/calibration.md), and
every catalogue indicator estimated under the calibrated design, with SEs from the calibration
residuals (the same table as ``commdx indicators``). M.csv (CSV or XLSX, read as every table is) has the columns ``margin, category,
population``: one row per category of a categorical margin (households by ``ward_code``, by
``head_education``...) and, with an empty category, a population total of a numeric column
(``members``). ``--responded`` first adjusts for non-response within the ``--cells`` (weighting
classes; non-respondents leave the sample). ``--weights`` writes household_id, the design weight,
the calibrated weight and g. Exit status 0; 2 on unreadable input, bad margins or a calibration
that cannot be met (the margin and category named).
"""
from __future__ import annotations

import argparse
import math

TEXT = {
    "vi": {
        "help": "thiết kế và xử lý khảo sát: cỡ mẫu (size), phân bổ (allocate), chọn mẫu (select), bảng hỏi XLSForm (form), hiệu chỉnh trọng số theo tổng đã biết (calibrate)",
        "calibrate": "hiệu chỉnh trọng số mẫu theo các tổng đã biết rồi ước lượng các chỉ tiêu",
        "survey": "tệp khảo sát hộ gia đình (CSV/XLSX)",
        "margins": "tệp CSV các tổng đã biết: margin,category,population (category trống: tổng của cột số)",
        "method": "phương pháp: linear (GREG, mặc định), raking, poststratify",
        "bounds": "giới hạn LO,HI của tỉ số trọng số hiệu chỉnh / trọng số gốc (LO < 1 < HI)",
        "responded": "cột 0/1 cho biết hộ đã trả lời: điều chỉnh không trả lời trước khi hiệu chỉnh",
        "cells": "các cột chia nhóm điều chỉnh không trả lời, cách nhau bởi dấu phẩy",
        "design": "thiết kế mẫu: weight=..,strata=..,psu=..,fpc=..[,lonely_psu=adjust]",
        "levels": "các cấp, cách nhau bởi dấu phẩy: city,ward,neighbourhood,residential_group",
        "weights": "ghi trọng số (household_id, trọng số gốc, trọng số hiệu chỉnh, g) vào tệp CSV này",
        "out": "tệp kết quả .csv, .json hoặc .xlsx (mặc định in ra màn hình)",
        "done": "Đã hiệu chỉnh {n} hộ theo {c} ràng buộc ({m}, g từ {lo:.3f} đến {hi:.3f}); {k} chỉ tiêu, {r} dòng; ghi vào {out}.",
        "bad_number": "dân số phải là một số, nhận được {v!r}",
        "bad_header": "cần các cột margin, category, population; có: {cols}",
        "bad_bounds": "--bounds cần hai số LO,HI, nhận được {v!r}",
    },
    "en": {
        "help": "survey design and processing: sample size (size), allocation (allocate), selection (select), the XLSForm questionnaire (form), calibration of the weights to known totals (calibrate)",
        "calibrate": "calibrate the sample's weights to known totals, then estimate the indicators",
        "survey": "household survey file (CSV/XLSX)",
        "margins": "CSV of known totals: margin,category,population (empty category: total of a numeric column)",
        "method": "method: linear (GREG, default), raking, poststratify",
        "bounds": "bounds LO,HI on calibrated / design weight (LO < 1 < HI)",
        "responded": "0/1 column of households that responded: non-response adjustment before calibrating",
        "cells": "comma-separated columns of the non-response cells",
        "design": "sampling design: weight=..,strata=..,psu=..,fpc=..[,lonely_psu=adjust]",
        "levels": "comma-separated levels: city,ward,neighbourhood,residential_group",
        "weights": "write the weights (household_id, design, calibrated, g) to this CSV",
        "out": "output .csv, .json or .xlsx (stdout by default)",
        "done": "Calibrated {n} households to {c} constraints ({m}, g from {lo:.3f} to {hi:.3f}); {k} indicators, {r} rows; written to {out}.",
        "bad_number": "a population must be a number, got {v!r}",
        "bad_header": "expected the columns margin, category, population; found: {cols}",
        "bad_bounds": "--bounds takes two numbers LO,HI, got {v!r}",
    },
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..places import add_places_argument

    from ..cli import run_lang

    t = TEXT[run_lang()]
    p = subparsers.add_parser("survey", help=t["help"], description=t["help"])
    sub = p.add_subparsers(dest="survey_command", metavar="SUBCOMMAND", required=True)
    c = sub.add_parser("calibrate", help=t["calibrate"], description=t["calibrate"])
    c.add_argument("survey", metavar="SURVEY", help=t["survey"])
    c.add_argument("--margins", required=True, help=t["margins"])
    c.add_argument("--method", choices=("linear", "raking", "poststratify"), default="linear", help=t["method"])
    c.add_argument("--bounds", default=None, help=t["bounds"])
    c.add_argument("--responded", default=None, help=t["responded"])
    c.add_argument("--cells", default=None, help=t["cells"])
    add_places_argument(c)
    c.add_argument("--design", default=None, help=t["design"])
    c.add_argument("--levels", default="city,ward,neighbourhood,residential_group", help=t["levels"])
    c.add_argument("--weights", default=None, help=t["weights"])
    c.add_argument("-o", "--out", default=None, help=t["out"])
    c.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    c.set_defaults(func=run_calibrate)
    from .survey_design import add_parsers as add_design_parsers  # survey size, survey allocate

    add_design_parsers(sub)
    from .survey_select import add_parsers as add_select  # survey select

    add_select(sub)
    from .survey_form import add_parsers as add_form  # survey form

    add_form(sub)


def read_margins(path: str, lang: str = "en") -> dict:
    """M.csv (or .xlsx, read by the house reader ``read_table``) -> the margins dict of
    ``commdx.calibrate`` (errors name the file, row and column)."""
    import commdx

    from ..io.tables import read_table

    t = TEXT[lang]
    m = read_table(path, text="all").fillna("")  # every cell as text, an empty one ""
    if not {"margin", "category", "population"} <= set(m.columns):
        raise commdx.ConfigError(t["bad_header"].format(cols=", ".join(m.columns)), file=path, row=0)
    out: dict = {}
    for i, r in enumerate(m.itertuples(index=False), start=1):
        try:
            value = float(r.population)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise commdx.ConfigError(t["bad_number"].format(v=r.population), file=path, row=i, column="population")
        margin, category = r.margin.strip(), r.category.strip()
        if category == "":
            out[margin] = value
        else:
            if not isinstance(out.setdefault(margin, {}), dict):
                raise commdx.ConfigError(f"margin '{margin}' is both a total and categories", file=path, row=i, column="category")
            out[margin][category] = value
    return out


def _bounds(text: str | None, lang: str) -> tuple[float, float] | None:
    import commdx

    if text is None:
        return None
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        raise commdx.ConfigError(TEXT[lang]["bad_bounds"].format(v=text), column="--bounds") from None
    return lo, hi


def run_calibrate(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    import commdx

    from ..places import places_from_option
    from .indicators import _read, write_table

    t = TEXT[args.lang]
    places = places_from_option(args.places) if args.places else commdx.Places.vung_tau()
    margins = read_margins(args.margins, args.lang)
    bounds = _bounds(args.bounds, args.lang)
    households = _read(args.survey, "households", places)
    design = commdx.SurveyDesign.parse(args.design) if args.design else commdx.SurveyDesign.default_for(households)
    if args.responded:
        cells = [s.strip() for s in (args.cells or "").split(",") if s.strip()]
        if not design.weight:
            raise commdx.ConfigError("--responded: non-response adjustment scales the design weights, and the design "
                                     "names none / điều chỉnh không trả lời cần cột trọng số của thiết kế", column="--design")
        households = commdx.adjust_nonresponse(households, design.weight, args.responded, cells).reset_index(drop=True)
    try:
        cal = commdx.calibrate(households, design, margins, method=args.method, bounds=bounds)
    except commdx.ConfigError as e:
        if e.file != "margins":
            raise
        raise type(e)(e.reason, id=e.id, file=args.margins, column=e.column) from None  # name the margins file
    levels = [s.strip() for s in args.levels.split(",") if s.strip()]
    table = commdx.indicators(households, places, cal, levels=levels)
    g = cal.weights / households[design.weight].to_numpy(dtype=float)
    if args.weights:
        from ..io.output import atomic_file
        from ..render.tables import CSV_ENCODING

        ids = households["household_id"] if "household_id" in households.columns else pd.RangeIndex(1, len(households) + 1)
        w = pd.DataFrame({"household_id": np.asarray(ids), "weight_design": households[design.weight].to_numpy(),
                          "weight_calibrated": cal.weights, "g": g})
        with atomic_file(args.weights) as tmp:
            w.to_csv(tmp, index=False, encoding=CSV_ENCODING)
    write_table(table, args.out, args.lang)
    if args.out is not None:
        print(t["done"].format(n=len(households), c=len(cal.constraints), m=cal.method, lo=float(g.min()),
                               hi=float(g.max()), k=table.indicator.nunique(), r=len(table), out=args.out))
    return 0
