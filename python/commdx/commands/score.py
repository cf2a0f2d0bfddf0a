"""``commdx score INPUT --config adoption|readiness|FILE [-o OUT] [--draws N] [--seed S] [--lang vi|en]``

S4, C1: scores each unit of INPUT (a wide CSV/XLSX with a unit column and one column per indicator,
optionally ``<indicator>_se``; or the long per-unit estimates table of ``commdx indicators``) on a
composite index, with Monte Carlo intervals when ``--draws`` > 0. Writes one row per unit (CSV or
XLSX by OUT's extension; stdout when no OUT). Exit status 0, 2 on unreadable input or config.
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

TEXT = {
    "vi": {
        "help": "tính chỉ số sử dụng số / sẵn sàng số cho từng đơn vị",
        "input": "bảng chỉ tiêu (CSV/XLSX): dạng rộng hoặc bảng ước lượng theo đơn vị",
        "config": "cấu hình chỉ số: adoption, readiness hoặc đường dẫn tệp JSON",
        "out": "tệp kết quả (.csv hoặc .xlsx); mặc định in ra màn hình",
        "draws": "số lần mô phỏng Monte Carlo (0 = không tính khoảng bất định)",
        "seed": "hạt giống ngẫu nhiên (kết quả lặp lại được)",
        "level": "cấp đơn vị khi bảng ước lượng có nhiều cấp (ward, neighbourhood, ...)",
        "done": "Đã tính chỉ số '{name}' cho {n} đơn vị; ghi vào {out}.",
        "missing": "Cảnh báo: {k} nút thiếu dữ liệu (dưới tỷ lệ tối thiểu), ví dụ đơn vị {unit}, nút {node}.",
        "shift": "Độ dịch chuyển thứ hạng trung bình so với cấu hình gốc: {s:.2f} bậc ({e} lần tính).",
        "constant": "Lưu ý: {k} chỉ tiêu có cùng một giá trị ở mọi đơn vị ({ids}): không giúp phân biệt thứ hạng; "
                    "khi chuẩn hóa min-max hoặc z-score, chỉ tiêu đó có trọng số 0.",
    },
    "en": {
        "help": "score each unit on the adoption / readiness index",
        "input": "indicator table (CSV/XLSX): wide, or the per-unit estimates table",
        "config": "index configuration: adoption, readiness or a JSON file path",
        "out": "output file (.csv or .xlsx); stdout by default",
        "draws": "Monte Carlo evaluations (0 = no uncertainty analysis)",
        "seed": "random seed (reproducible results)",
        "level": "unit level when the estimates table holds several (ward, neighbourhood, ...)",
        "done": "Scored '{name}' for {n} units; written to {out}.",
        "missing": "Warning: {k} node values missing (below the minimum share), e.g. unit {unit}, node {node}.",
        "shift": "Mean absolute rank shift against the reference configuration: {s:.2f} places ({e} evaluations).",
        "constant": "Note: {k} indicators have the same value in every unit ({ids}): they carry no ranking "
                    "information; where min-max or z-score normalises them they get weight 0.",
    },
}

COLUMNS_VI = {
    "unit": "don_vi", "name": "ten", "rank": "thu_hang", "score_median": "diem_trung_vi", "score_low": "diem_can_duoi",
    "score_high": "diem_can_tren", "rank_median": "thu_hang_trung_vi", "rank_low": "thu_hang_tot_nhat_90",
    "rank_high": "thu_hang_kem_nhat_90", "mean_abs_rank_shift": "dich_chuyen_thu_hang_tb",
    "draws": "so_lan_tinh", "score_draws": "so_lan_tinh_diem",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..cli import run_lang

    t = TEXT[run_lang()]
    p = subparsers.add_parser("score", help=t["help"], description=t["help"])
    p.add_argument("input", metavar="INPUT", help=t["input"])
    p.add_argument("--config", default="adoption", help=t["config"])
    p.add_argument("-o", "--out", default=None, help=t["out"])
    p.add_argument("--draws", type=int, default=1000, help=t["draws"])
    p.add_argument("--seed", type=int, default=20220620, help=t["seed"])
    p.add_argument("--level", default=None, help=t["level"])
    from ..places import add_places_argument

    add_places_argument(p, "không đối chiếu; có danh mục thì mỗi đơn vị phải thuộc danh mục và kết quả có thêm tên",
                        "none; given, every unit must be one of its units and the result adds their names")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    p.set_defaults(func=run)


def _read(path: str) -> pd.DataFrame:
    from ..io import tables

    # deff is inf where a unit's estimate has no simple-random-sampling variance (commdx indicators)
    df = tables.read_table(path, text=("unit", "ward_code", "level", "indicator"), non_finite=("deff",))
    _check_shares(df)
    return df


def _check_shares(df: pd.DataFrame) -> None:
    """A proportion's estimate (the catalogue's ``statistic``) outside [0, 1] is a corrupted
    table, not a score input: refused naming row, line and column (issue 11)."""
    from ..errors import InputError
    from ..indicators import indicator_catalogue

    if not {"indicator", "estimate"} <= set(df.columns):
        return
    shares = {d["id"] for d in indicator_catalogue()["indicators"] if d.get("statistic") == "proportion"}
    est = pd.to_numeric(df["estimate"], errors="coerce")
    bad = df["indicator"].astype(str).isin(shares) & ((est < 0) | (est > 1))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        lines = df.attrs.get("lines")
        raise InputError(f"{df['indicator'].iloc[i]} is a share, its estimate must be in [0, 1], got "
                         f"{df['estimate'].iloc[i]}", file=df.attrs.get("source", "estimates"),
                         row=i + 1, line=int(lines[i]) if lines is not None and i < len(lines) else None,
                         column="estimate", unit=str(df["unit"].iloc[i]) if "unit" in df.columns else None)


def _check_units(df: pd.DataFrame, places) -> None:
    """--places: every unit of the input (the whole-area row's empty unit aside) is a unit of it."""
    from ..errors import InputError

    if "unit" not in df.columns:
        return
    lines = df.attrs.get("lines")
    for i, u in enumerate(df["unit"]):
        code = "" if pd.isna(u) else str(u)
        if code and code not in places:
            raise InputError(f"unit {code} is not a unit of the places ({places.source})",
                             file=df.attrs.get("source", "estimates"), row=i + 1,
                             line=int(lines[i]) if lines is not None and i < len(lines) else None,
                             column="unit", unit=code)


def run(args: argparse.Namespace) -> int:
    from ..scores import CompositeIndex

    t = TEXT[args.lang]
    idx = CompositeIndex.from_json(args.config)
    df = _read(args.input)
    places = None
    if args.places:
        from ..places import places_from_option

        places = places_from_option(args.places)
        _check_units(df, places)
    wide = idx.compute(df, level=args.level, wide=True)
    missing = idx.missing
    out = wide
    shift_msg = None
    if args.draws > 0:
        unc = idx.uncertainty(df, draws=args.draws, seed=args.seed, level=args.level)
        out = wide.merge(unc.drop(columns=["reference_score", "reference_rank"]), on="unit", how="left")
        shift_msg = t["shift"].format(s=unc.attrs["mean_abs_rank_shift"], e=unc.attrs["evaluations"])
        constant = unc.attrs["constant_indicators"]
        if constant:
            print(t["constant"].format(k=len(constant), ids=", ".join(constant)), file=sys.stderr)
    out = out.sort_values("rank", na_position="last").reset_index(drop=True)
    if places is not None:
        out.insert(1, "name", [places.name(str(u)) if str(u) in places else "" for u in out["unit"]])
    if args.lang == "vi":
        out = out.rename(columns=COLUMNS_VI)
    if args.out:
        from ..io.output import atomic_file

        with atomic_file(args.out) as tmp:  # temporary file beside OUT, renamed onto it when complete
            if args.out.lower().endswith(".xlsx"):
                from ..render.tables import write_xlsx_tables

                write_xlsx_tables(tmp, {"scores": out}, args.lang)
            else:
                from ..render.tables import CSV_ENCODING

                out.to_csv(tmp, index=False, encoding=CSV_ENCODING)  # BOM: Excel reads the Vietnamese
    else:
        out.to_csv(sys.stdout, index=False)
    if len(missing):
        print(t["missing"].format(k=len(missing), unit=missing.iloc[0]["unit"], node=missing.iloc[0]["node"]), file=sys.stderr)
    if shift_msg:
        print(shift_msg, file=sys.stderr)
    print(t["done"].format(name=idx.name, n=len(wide), out=args.out or "stdout"), file=sys.stderr)
    return 0
