"""``commdx survey form [--places P] [--modules household,business,opinion] -o FORM.xlsx [--lang vi|en]``

Issue 14: the survey's questionnaire as an XLSForm for KoboToolbox / ODK Collect
(``commdx.xlsform``, docs/xlsform.md): one question per column of the survey schema, Vietnamese
labels (English as the second language; ``--lang en`` makes English the form's default), the
schema's rules as constraints and skip logic, the place questions as cascading selects from the
places tree. Upload FORM.xlsx to KoboToolbox; its CSV or XLSX export reads back with
``commdx.read_households`` (and ``commdx indicators``) without a mapping file. Exit status 0; 2 on
an unreadable places file or an unknown module.
"""
from __future__ import annotations

import argparse

TEXT = {
    "vi": {
        "form": "tạo bảng hỏi khảo sát dạng XLSForm (KoboToolbox / ODK Collect) từ lược đồ khảo sát",
        "modules": "các phần của bảng hỏi, cách nhau bởi dấu phẩy: household, business, opinion (mặc định: cả ba)",
        "out": "tệp XLSForm (.xlsx) kết quả",
        "done": "Đã ghi bảng hỏi {n} câu hỏi ({m}), {c} lựa chọn, vào {out}.",
    },
    "en": {
        "form": "write the survey's questionnaire as an XLSForm (KoboToolbox / ODK Collect) from the survey schema",
        "modules": "comma-separated parts of the questionnaire: household, business, opinion (default: all three)",
        "out": "the XLSForm (.xlsx) to write",
        "done": "Wrote a questionnaire of {n} questions ({m}), {c} choices, to {out}.",
    },
}

_NOT_QUESTIONS = {"begin_group", "end_group", "begin_repeat", "end_repeat", "start", "end", "today", "deviceid"}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from ..places import add_places_argument

    from ..cli import run_lang

    t = TEXT[run_lang()]
    p = sub.add_parser("form", help=t["form"], description=t["form"])
    add_places_argument(p, "không có: mã đơn vị gõ tay", "none: the unit codes are typed")
    p.add_argument("--modules", default="household,business,opinion", help=t["modules"])
    p.add_argument("-o", "--out", required=True, help=t["out"])
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import commdx

    from ..places import places_from_option

    t = TEXT[args.lang]
    places = places_from_option(args.places) if args.places else None
    modules = tuple(m.strip() for m in args.modules.split(",") if m.strip())
    sheets = commdx.xlsform(args.out, modules=modules, places=places, lang=args.lang)
    n = sum(1 for r in sheets["survey"] if r["type"] not in _NOT_QUESTIONS)
    print(t["done"].format(n=n, m=", ".join(modules), c=len(sheets["choices"]), out=args.out))
    return 0
