"""``commdx survey size [DOMAINS] (--margin E | --relative-se CV | --change D [--test-power P]
[--overlap F] [--correlation R]) [--p P | --variance V [--mean M]]
[--population N] [--deff D | --previous ESTIMATES.csv --indicator ID [--level L]]
[--response-rate R] [--confidence C] [--domain-column C] [-o OUT.csv] [--lang vi|en]`` and
``commdx survey allocate STRATA (--n N | --budget C | --variance V) [--method M] [--power Q]
[--minimum M] [--maximum M] [--stratum-column C] [-o OUT.csv] [--lang vi|en]``

Issue 14, designing the survey (commdx.sample_size, commdx.allocate; docs/sampling.md). DOMAINS
is a CSV/XLSX table with a row per domain (every ward, every neighbourhood): ``domain`` and any of
``population, p, variance, mean, deff, response_rate``; without it the size is one overall row
from the options. ``--previous`` takes each domain's design effect for ``--indicator`` from a
``commdx indicators`` table of the last round. STRATA has ``stratum, population`` and, as the
method needs, ``sd`` (or ``p``), ``mean``, ``cost``, ``minimum``, ``maximum``. The result is a CSV
(UTF-8 with a BOM) with every step; without ``-o`` it goes to stdout. Exit status 0; 2 on
unreadable input or a sample that cannot be drawn as asked (file, row, column and unit named).
"""
from __future__ import annotations

import argparse
import sys

TEXT = {
    "vi": {
        "size": "tính cỡ mẫu (số hộ cần khảo sát) cho từng địa bàn hoặc toàn bộ",
        "allocate": "phân bổ cỡ mẫu cho các tầng (phường/xã, khu phố)",
        "domains": "bảng địa bàn CSV/XLSX: domain, population, p hoặc variance, deff, response_rate (tùy chọn)",
        "strata": "bảng tầng CSV/XLSX: stratum, population, và sd (hoặc p), mean, cost, minimum, maximum tùy phương pháp",
        "margin": "sai số biên mong muốn (nửa độ rộng khoảng tin cậy, 0.05 = 5 điểm phần trăm)",
        "relative_se": "sai số chuẩn tương đối mong muốn (0.1 = 10%%)",
        "change": "vòng khảo sát lặp lại (R4): mức thay đổi giữa hai vòng cần phát hiện được (0.1 = 10 điểm phần "
                  "trăm; --p là tỉ lệ của vòng đầu); cỡ mẫu mỗi vòng",
        "test_power": "với --change: xác suất kiểm định phát hiện được mức thay đổi đó (mặc định 0.8), ở mức ý nghĩa "
                      "1 - --confidence",
        "overlap": "với --change: tỉ lệ hộ của vòng hai đã phỏng vấn ở vòng đầu (1: cùng các hộ, 0: hộ mới; mặc định 0)",
        "correlation": "với --change: tương quan giữa câu trả lời của cùng một hộ ở hai vòng (mặc định 0)",
        "confidence": "độ tin cậy (mặc định 0.95)",
        "p": "tỉ lệ dự kiến (0.5 khi chưa biết) cho mọi địa bàn không có cột p",
        "variance": "phương sai dự kiến của biến (ước lượng trung bình)",
        "mean": "trung bình dự kiến (cần cho sai số tương đối của trung bình)",
        "population": "số hộ của địa bàn (hiệu chỉnh tổng thể hữu hạn)",
        "deff": "hệ số thiết kế (mặc định 1)",
        "previous": "bảng ước lượng của vòng trước (commdx indicators): lấy hệ số thiết kế (deff) của --indicator",
        "indicator": "mã chỉ tiêu lấy deff trong --previous",
        "level": "cấp đơn vị trong --previous (ward, neighbourhood...) nếu mã đơn vị trùng giữa các cấp",
        "response_rate": "tỉ lệ trả lời dự kiến (mặc định 1)",
        "domain_column": "cột tên địa bàn (mặc định domain)",
        "stratum_column": "cột tên tầng (mặc định stratum)",
        "n": "tổng cỡ mẫu cần phân bổ",
        "budget": "ngân sách (tổng chi phí phỏng vấn, cột cost): tổng cỡ mẫu của phân bổ tối ưu",
        "variance_target": "phương sai mục tiêu của trung bình phân tầng: tổng cỡ mẫu của phân bổ tối ưu",
        "method": "phương pháp: proportional (mặc định), equal, neyman, optimal, power",
        "power": "số mũ q của phân bổ lũy thừa Bankier (mặc định 0.5)",
        "minimum": "cỡ mẫu tối thiểu của mỗi tầng (khi bảng không có cột minimum)",
        "maximum": "cỡ mẫu tối đa của mỗi tầng (khi bảng không có cột maximum)",
        "out": "tệp kết quả .csv (mặc định in ra màn hình)",
        "size_done": "Cỡ mẫu cho {k} địa bàn: cần tiếp cận {n} hộ để có {r} hộ trả lời; lớn nhất {top} ({top_n} hộ). Ghi vào {out}.",
        "size_change": "Để phát hiện thay đổi {d} điểm phần trăm với xác suất {power}, mỗi vòng cần tiếp cận {n} hộ "
                       "để có {r} hộ trả lời (n0 = {n0}, sau deff {nd}, sau hiệu chỉnh tổng thể {nf}).",
        "deff_floor": "Cảnh báo: hệ số thiết kế vòng trước của {ind} nhỏ hơn 1 ở {unit} ({deff}); đã dùng 1 để tính cỡ mẫu.",
        "size_one": "Cỡ mẫu: cần tiếp cận {n} hộ để có {r} hộ trả lời (n0 = {n0}, sau deff {nd}, sau hiệu chỉnh tổng thể {nf}).",
        "allocate_done": "Đã phân bổ {n} hộ cho {k} tầng theo phương pháp {m}{bounds}. Ghi vào {out}.",
        "bounds": "; {b} tầng chạm giới hạn",
        "se": " Sai số chuẩn dự kiến của trung bình: {se}.",
    },
    "en": {
        "size": "sample size (households to survey) per domain or overall",
        "allocate": "allocate a sample among strata (wards, neighbourhoods)",
        "domains": "CSV/XLSX table of domains: domain, population, p or variance, deff, response_rate (optional)",
        "strata": "CSV/XLSX table of strata: stratum, population, and as the method needs sd (or p), mean, cost, minimum, maximum",
        "margin": "margin of error (the confidence interval's half-width; 0.05 is five percentage points)",
        "relative_se": "relative standard error (0.1 is 10%%)",
        "change": "the re-survey (R4): the change between the two rounds to detect (0.1 is ten points; --p is the "
                  "first round's proportion); households per round",
        "test_power": "with --change: the chance that the test detects that change (default 0.8), at level "
                      "1 - --confidence",
        "overlap": "with --change: share of the second round's households interviewed in the first (1: the same "
                   "households, 0: fresh ones; default 0)",
        "correlation": "with --change: correlation of a household's answers between the rounds (default 0)",
        "confidence": "confidence level (default 0.95)",
        "p": "expected proportion (0.5 when unknown) for domains without a p column",
        "variance": "expected variance of the variable (for a mean)",
        "mean": "expected mean (for a relative SE of a mean)",
        "population": "households in the domain (finite population correction)",
        "deff": "design effect (default 1)",
        "previous": "the last round's estimates (commdx indicators): take the design effect (deff) of --indicator",
        "indicator": "the indicator whose deff to take from --previous",
        "level": "the level in --previous (ward, neighbourhood...) when unit codes repeat across levels",
        "response_rate": "expected response rate (default 1)",
        "domain_column": "the column naming the domains (default domain)",
        "stratum_column": "the column naming the strata (default stratum)",
        "n": "total sample size to allocate",
        "budget": "budget (total interview cost, column cost): the optimal allocation's total",
        "variance_target": "target variance of the stratified mean: the optimal allocation's total",
        "method": "method: proportional (default), equal, neyman, optimal, power",
        "power": "Bankier's power q (default 0.5)",
        "minimum": "minimum per stratum (when the table has no minimum column)",
        "maximum": "maximum per stratum (when the table has no maximum column)",
        "out": "output .csv (stdout by default)",
        "size_done": "Sample size for {k} domains: contact {n} households for {r} respondents; largest {top} ({top_n}). Written to {out}.",
        "size_change": "To detect a change of {d} percentage points with probability {power}, contact {n} households "
                       "a round for {r} respondents (n0 = {n0}, after deff {nd}, after the fpc {nf}).",
        "deff_floor": "Warning: the previous design effect of {ind} is below 1 in {unit} ({deff}); sized with 1.",
        "size_one": "Sample size: contact {n} households for {r} respondents (n0 = {n0}, after deff {nd}, after the fpc {nf}).",
        "allocate_done": "Allocated {n} households to {k} strata by {m}{bounds}. Written to {out}.",
        "bounds": "; {b} strata at a bound",
        "se": " Anticipated SE of the mean: {se}.",
    },
}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register ``size`` and ``allocate`` under ``commdx survey``."""
    from ..cli import run_lang

    t = TEXT[run_lang()]
    lang = {"choices": ("vi", "en"), "default": "vi", "help": "ngôn ngữ (mặc định: vi) / language"}
    s = sub.add_parser("size", help=t["size"], description=t["size"])
    s.add_argument("domains", metavar="DOMAINS", nargs="?", default=None, help=t["domains"])
    target = s.add_mutually_exclusive_group(required=True)
    target.add_argument("--margin", type=float, default=None, help=t["margin"])
    target.add_argument("--relative-se", dest="relative_se", type=float, default=None, help=t["relative_se"])
    target.add_argument("--change", type=float, default=None, help=t["change"])
    s.add_argument("--confidence", type=float, default=0.95, help=t["confidence"])
    s.add_argument("--test-power", dest="test_power", type=float, default=0.8, help=t["test_power"])
    s.add_argument("--overlap", type=float, default=None, help=t["overlap"])
    s.add_argument("--correlation", type=float, default=None, help=t["correlation"])
    for name in ("p", "variance", "mean", "population", "deff"):
        s.add_argument(f"--{name}", type=float, default=None, help=t[name])
    s.add_argument("--response-rate", dest="response_rate", type=float, default=None, help=t["response_rate"])
    s.add_argument("--previous", default=None, help=t["previous"])
    s.add_argument("--indicator", default=None, help=t["indicator"])
    s.add_argument("--level", default=None, help=t["level"])
    s.add_argument("--domain-column", dest="domain_column", default="domain", help=t["domain_column"])
    s.add_argument("-o", "--out", default=None, help=t["out"])
    s.add_argument("--lang", **lang)
    s.set_defaults(func=run_size)

    a = sub.add_parser("allocate", help=t["allocate"], description=t["allocate"])
    a.add_argument("strata", metavar="STRATA", help=t["strata"])
    total = a.add_mutually_exclusive_group(required=True)
    total.add_argument("--n", type=int, default=None, help=t["n"])
    total.add_argument("--budget", type=float, default=None, help=t["budget"])
    total.add_argument("--variance", type=float, default=None, help=t["variance_target"])
    a.add_argument("--method", choices=("proportional", "equal", "neyman", "optimal", "power"), default="proportional",
                   help=t["method"])
    a.add_argument("--power", type=float, default=0.5, help=t["power"])
    a.add_argument("--minimum", type=float, default=None, help=t["minimum"])
    a.add_argument("--maximum", type=float, default=None, help=t["maximum"])
    a.add_argument("--stratum-column", dest="stratum_column", default="stratum", help=t["stratum_column"])
    a.add_argument("-o", "--out", default=None, help=t["out"])
    a.add_argument("--lang", **lang)
    a.set_defaults(func=run_allocate)


def _read(path: str, name_column: str):
    from ..io.tables import read_table

    return read_table(path, text=[name_column])


def _write(table, out: str | None) -> None:
    if out is None:
        table.to_csv(sys.stdout, index=False)
        return
    from ..io.output import atomic_file
    from ..render.tables import CSV_ENCODING

    with atomic_file(out) as tmp:
        table.to_csv(tmp, index=False, encoding=CSV_ENCODING)  # BOM: Excel reads the Vietnamese


def run_size(args: argparse.Namespace) -> int:
    import commdx

    t = TEXT[args.lang]
    domains = _read(args.domains, args.domain_column) if args.domains else None
    import warnings

    from ..render.fmt import Fmt

    with warnings.catch_warnings():  # said below in the user's language, one line per domain
        warnings.simplefilter("ignore", commdx.sampling.DeffFloorWarning)
        table = commdx.sample_size(domains, p=args.p, variance=args.variance, mean=args.mean,
                                   population=args.population, deff=args.deff, response_rate=args.response_rate,
                                   margin=args.margin, relative_se=args.relative_se, change=args.change,
                                   test_power=args.test_power, overlap=args.overlap, correlation=args.correlation,
                                   confidence=args.confidence, domain=args.domain_column,
                                   previous=args.previous, indicator=args.indicator, level=args.level)
    for unit, value in table.attrs.get("deff_floored", {}).items():
        print(t["deff_floor"].format(ind=args.indicator, unit=unit, deff=Fmt(args.lang).num(value, 3)), file=sys.stderr)
    _write(table, args.out)
    if args.out is not None:
        fmt = Fmt(args.lang)  # "384,1" and "1.234" in Vietnamese
        if domains is None:
            r = table.iloc[0]
            steps = {"n": fmt.int(r.n), "r": fmt.int(r.respondents), "n0": fmt.num(r.n0), "nd": fmt.num(r.n_deff),
                     "nf": fmt.num(r.n_fpc)}
            if args.change is not None:
                print(t["size_change"].format(d=fmt.pp(abs(args.change), signed=False), power=fmt.pct(args.test_power),
                                              **steps))
            else:
                print(t["size_one"].format(**steps))
        else:
            top = table.loc[table.n.idxmax()]
            print(t["size_done"].format(k=fmt.int(len(table)), n=fmt.int(table.n.sum()), r=fmt.int(table.respondents.sum()),
                                        top=top[args.domain_column], top_n=fmt.int(top.n), out=args.out))
    return 0


def run_allocate(args: argparse.Namespace) -> int:
    import math

    import commdx

    t = TEXT[args.lang]
    strata = _read(args.strata, args.stratum_column)
    table = commdx.allocate(strata, n=args.n, method=args.method, power=args.power, budget=args.budget,
                            variance=args.variance, minimum=args.minimum, maximum=args.maximum,
                            stratum=args.stratum_column)
    _write(table, args.out)
    if args.out is not None:
        at_bound = int((table.bound != "").sum())
        m = args.method + (f" q={args.power:g}" if args.method == "power" else "")
        from ..render.fmt import Fmt

        fmt = Fmt(args.lang)
        line = t["allocate_done"].format(n=fmt.int(table.n.sum()), k=fmt.int(len(table)), m=m,
                                         bounds=t["bounds"].format(b=fmt.int(at_bound)) if at_bound else "", out=args.out)
        se = table.attrs.get("se")
        if se is not None and not math.isnan(se):
            line += t["se"].format(se=fmt.num(se, digits=4))
        print(line)
    return 0
