"""``commdx classify AREAS [--places P] [--households H] [--config C] [--lang vi|en] [-o OUT]``: the
script a ward runs to class its areas central or remote (C1, C2), with the reasons, and — given
household rows — the catalogue of each residential group in remote areas (R2/R3).

AREAS is any table of areas with area and population (CSV or XLSX, English or Vietnamese headers),
a places file included: its ward/commune/special-zone rows are classified, the rows above and below
are listed, not refused. Rows are matched to a places list only when ``--places`` gives one (a
file, or ``vungtau-2022``, ``vungtau-2025``, ``vietnam``); a code of another year's list is refused
naming both units.

Exit status: 0 done; 2 unreadable input or a bad configuration (the message names the file, row
and column)."""
from __future__ import annotations

import argparse
import json
import os
import sys


def add_parser(subparsers: "argparse._SubParsersAction") -> None:
    p = subparsers.add_parser(
        "classify",
        help="xếp loại phường/xã trung tâm hay xa / class areas central or remote",
        description=(
            "Xếp loại phường/xã trung tâm hay xa theo mật độ dân số và học vấn, kèm lý do. "
            "Class wards and communes central or remote from density and education, with reasons."
        ),
    )
    p.add_argument("areas", help="CSV hoặc XLSX: mã/tên, diện tích (km2), dân số [, tỷ lệ THPT, ...] / CSV or XLSX: "
                                 "code/name, area (km2), population [, upper-secondary share, ...]")
    p.add_argument("--households", help="hộ gia đình (CSV, docs/data-dictionary.md): học vấn theo phường và nhóm tiếp cận / "
                                         "households (CSV, docs/data-dictionary.md): education by ward and access groups")
    from ..places import add_places_argument

    add_places_argument(p, "không đối chiếu; có danh mục thì mã/tên (và đơn vị của các hộ) được đối chiếu theo đó",
                        "none; given, the codes and names (and the households' units) are checked against it")
    p.add_argument("--config", help="JSON ghi đè các ngưỡng (xem classify-config.json) / JSON overriding the thresholds "
                                      "(see classify-config.json)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ hiển thị (mặc định: vi) / language")
    p.add_argument("-o", "--output", help="ghi kết quả ra .xlsx, .csv hoặc .json / write the result to .xlsx, .csv or .json")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from .. import Error, InputError
    from ..io import tables
    from ..classify import _label_table, access_segments, classify_areas, read_areas_file

    vi = args.lang == "vi"
    if args.output and not args.output.lower().endswith((".xlsx", ".csv", ".json")):
        raise InputError(f"{args.output}: the output must end in .xlsx, .csv or .json")
    from ..places import places_from_option

    areas = read_areas_file(args.areas)
    places = places_from_option(args.places) if args.places else None
    households = None
    if args.households:
        households = tables.read_table(args.households, text=("household_id", "ward_code", "neighbourhood_code",
                                                              "group_code", "stratum", "psu"))
        households.attrs["source"] = args.households
        if places is not None:
            from ..monitor import check_places

            check_places(households, places.to_dataframe())
    result = classify_areas(areas, args.config, lang=args.lang, places=places, households=households)

    out = sys.stdout
    title = "Xếp loại phường/xã" if vi else "Classes of wards and communes"
    print(f"{title} — {args.areas}", file=out)
    print(_label_table(result, args.lang), file=out)
    print("", file=out)
    print("Lý do:" if vi else "Reasons:", file=out)
    for _, r in result.iterrows():
        print(f"- {r['code']} {r['name']}: {r['reasons']}", file=out)
    ag = result.attrs["agreement"]
    n = int(ag.to_numpy().sum())
    if n:
        same = int(ag.loc["central", "central"] + ag.loc["remote", "remote"])
        with_edu = result["education_measure"].notna().sum() >= 2
        basis = ("mật độ và học vấn" if vi else "density and education") if with_edu else ("mật độ" if vi else "density")
        print("", file=out)
        print(
            (f"Ý kiến thứ hai (2-means theo {basis}): trùng với quy tắc ở {same}/{n} đơn vị"
             if vi else f"Second opinion (2-means on {basis}): agrees with the rule for {same}/{n} areas"),
            file=out,
        )
        lab = {"central": "trung tâm" if vi else "central", "remote": "xa" if vi else "remote"}
        print(("  quy tắc \\ 2-means" if vi else "  rule \\ 2-means").ljust(22) + "".join(lab[c].rjust(12) for c in ag.columns), file=out)
        for idx, row in ag.iterrows():
            print(f"  {lab[idx]}".ljust(22) + "".join(str(int(v)).rjust(12) for v in row), file=out)
    if result.attrs["other_level_rows"]:
        print("", file=out)
        print(("Không xếp loại (không phải cấp phường/xã): " if vi else "Not classified (not a ward or commune): ")
              + "; ".join(result.attrs["other_level_rows"]), file=out)
    if result.attrs["ignored_columns"]:
        print("", file=out)
        print(("Các cột không dùng: " if vi else "Columns not used: ") + ", ".join(result.attrs["ignored_columns"]), file=out)

    groups = None
    if households is not None:
        seg = access_segments(households, args.config, areas=result)
        remote = set(result.loc[result["class"] == "remote", "code"])
        groups = seg.groups[seg.groups["ward_code"].isin(remote)]
        print("", file=out)
        print("Tổ dân cư ở vùng xa (R2/R3):" if vi else "Residential groups in remote areas (R2/R3):", file=out)
        from ..render.fmt import Fmt

        f = Fmt("vi" if vi else "en")
        for _, g in groups.iterrows():
            share = f.pct(g["low_access_share"])  # "75,0 %" / "75.0%", "—" when unknown
            cat = {"basic": "cơ bản" if vi else "basic", "central": "như trung tâm" if vi else "central",
                   "unknown": "chưa rõ: khảo sát trước" if vi else "unknown: survey first"}[g["catalogue"]]
            print(f"- {g['group_code']}: {'hộ tiếp cận thấp' if vi else 'low-access households'} {share} → {cat}", file=out)

    if args.output:
        from ..io.output import atomic_file

        with atomic_file(args.output) as tmp:  # temporary file beside OUTPUT, renamed onto it when complete
            _write(result, groups, str(tmp), args.lang)
        print("", file=out)
        print(("Đã ghi: " if vi else "Written: ") + args.output, file=out)
    return 0


def _write(result, groups, path: str, lang: str) -> None:
    import pandas as pd

    from ..io.output import frame_records

    cols = ["code", "name", "class", "class_label", "borderline", "reasons", "density", "density_band",
            "education_measure", "education", "education_threshold", "education_se", "p_central", "readiness",
            "borderline_on", "kmeans_class", "kmeans_agrees", "decided_by", "area_km2", "population",
            "reasons_vi", "reasons_en"]
    table = result[cols]
    low = path.lower()
    if low.endswith(".csv"):
        table.to_csv(path, index=False, encoding="utf-8-sig")  # BOM: Excel opens Vietnamese correctly
    elif low.endswith(".xlsx"):
        from pathlib import Path

        from ..render.tables import write_xlsx_tables

        sheets = {"classes": table, "agreement": result.attrs["agreement"].reset_index()}
        if groups is not None:
            sheets["groups"] = groups
        write_xlsx_tables(Path(path), sheets, lang)
    else:
        payload = {
            "areas": frame_records(table),
            "agreement": {f"rule_{r}_kmeans_{k}": int(result.attrs["agreement"].loc[r, k])
                          for r in ("central", "remote") for k in ("central", "remote")},
            "config": result.attrs["config"],
        }
        if groups is not None:
            payload["groups"] = frame_records(groups)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
    os.path.getsize(path)
