"""``commdx plan``: a prioritised outreach plan (T6). Exit status 0 with a plan, 2 on bad input."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import option_date


def add_parser(sub) -> None:
    p = sub.add_parser("plan", help="kế hoạch đi thăm hộ dân / prioritised outreach plan (T6)")
    _add_plan_options(p)
    p.set_defaults(func=run, plan_parser=p)
    # commdx plan update | sheets: the weekly cycle of the member sheets (issue 15); `commdx plan
    # --households ...` alone still makes a plan (the subcommand is optional)
    steps = p.add_subparsers(dest="plan_step", metavar="{update,sheets}")
    u = steps.add_parser("update", help="đọc phiếu đã điền, lập kế hoạch tuần sau / read the returned sheets, "
                                        "plan the next week")
    u.add_argument("--returned", nargs="+", required=True, metavar="SHEET",
                   help="phiếu thành viên đã điền (tệp .xlsx hoặc thư mục) / the filled-in member sheets (.xlsx "
                        "files or folders)")
    u.add_argument("--log-out", default="nhat-ky-den-ho.csv",
                   help="nhật ký đến hộ gộp (--visits cũ + phiếu), giữ tại phường/xã (mặc định: nhat-ky-den-ho.csv) / "
                        "the merged visit log (old --visits + the sheets), kept at the ward")
    _add_plan_options(u)
    u.set_defaults(func=run_update, plan_parser=u)
    sh = steps.add_parser("sheets", help="phiếu có tên và địa chỉ hộ, trên máy của phường/xã / the member sheets "
                                         "with household names and addresses, on the ward's machine")
    sh.add_argument("--plan", required=True, help="thư mục kế hoạch (có plan.json) / the plan folder (with plan.json)")
    sh.add_argument("--households", required=True,
                    help="danh sách hộ của phường/xã (household_id; head_name, address nếu có) / the ward's household "
                         "list (household_id; head_name, address where known)")
    sh.add_argument("--out", default="phieu-co-ten", help="thư mục phiếu (không gửi đi; mặc định: phieu-co-ten) / "
                                                        "the sheets' folder (not to be sent on)")
    add_key_arguments(sh)
    sh.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    sh.set_defaults(func=run_sheets, plan_parser=sh, ward="")


def _add_plan_options(p) -> None:
    """The options of a plan: `commdx plan` and `commdx plan update` (which adds the returned sheets)."""
    p.add_argument("--households", help="danh sách hộ (CSV/XLSX, như households.csv của commdx synth; bắt buộc) / "
                                        "the households (CSV/XLSX, as commdx synth's households.csv; required)")
    p.add_argument("--businesses", help="danh sách cơ sở kinh doanh (như businesses.csv của commdx synth) / the businesses "
                                     "(as commdx synth's businesses.csv)")
    p.add_argument("--roster", help="danh sách tổ: .json, .csv hoặc .xlsx (như teams.json của commdx synth; bắt buộc) / "
                                    "the roster: .json, .csv or .xlsx (as commdx synth's teams.json; required)")
    from ..places import add_places_argument

    add_places_argument(p, "không đối chiếu; có tệp thì tên đơn vị và phường, khu phố, tổ của các hộ được kiểm tra",
                        "none; given, it names the units and the households' wards, neighbourhoods and groups "
                        "are checked against it")
    p.add_argument("--classes", help="bảng xếp loại, cột unit,class (central/remote), như của commdx classify / the "
                                  "classes: columns unit,class (central/remote), as commdx classify writes")
    p.add_argument("--estimates", help="ước lượng chỉ tiêu theo đơn vị, có mục tiêu (commdx indicators) / per-unit "
                                    "indicator estimates with targets (commdx indicators)")
    p.add_argument("--visits", help="nhật ký đến hộ (household_id, action, member_id, date, outcome) / visit log")
    p.add_argument("--catalogue", help="danh mục chiến dịch JSON (mặc định: campaigns.json có sẵn) / a campaign "
                                    "catalogue JSON (default: the shipped campaigns.json)")
    p.add_argument("--from", dest="first_day", metavar="YYYY-MM-DD", type=option_date,
                   help="ngày đi thăm đầu tiên của kế hoạch (mặc định: của calendar.json cạnh --households nếu có, "
                        "không có thì ngày đầu kỳ chiến dịch trong campaigns.json) / the plan's first day of visits "
                        "(default: calendar.json's beside --households when there is one, else the campaign period's "
                        "start in campaigns.json)")
    p.add_argument("--until", metavar="YYYY-MM-DD", type=option_date,
                   help="ngày thăm cuối cùng của kế hoạch (mặc định: như --from, ngày cuối kỳ) / the plan's last day "
                        "of visits (default: as --from, the period's end)")
    # the old spellings: --start is the campaign's first day in synth and demo (the calendar it
    # moves), --deadline the teams' deadline (T5) in every other command
    p.add_argument("--start", dest="old_start", metavar="YYYY-MM-DD", type=option_date, help=argparse.SUPPRESS)
    # the old spelling: --deadline is the teams' deadline (T5) in every other command
    p.add_argument("--deadline", dest="old_deadline", metavar="YYYY-MM-DD", type=option_date, help=argparse.SUPPRESS)
    from ..targets import add_targets_argument

    add_targets_argument(p)
    p.add_argument("--ward", default="", help="chỉ lập kế hoạch cho mã đơn vị này / plan only this unit code")
    p.add_argument("--out", default="plan-out", help="thư mục kết quả (mặc định: plan-out) / output folder")
    add_key_arguments(p)
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")


def add_key_arguments(p, key_ward: str = "dùng khóa của đơn vị này trong kho khóa (mặc định: phường/xã của --ward) / "
                                          "use this unit's key from the key store (default: the ward of --ward)") -> None:
    """--with-names, --key-file, --key-ward, --key-store: the options _key reads (also commdx survey select's)."""
    p.add_argument("--with-names", action="store_true", help="mã thật thay cho mã ẩn danh / real ids instead of pseudonyms")
    p.add_argument("--key-file", help="tệp khóa ẩn danh (commdx keys create) / the pseudonym key file")
    p.add_argument("--key-ward", help=key_ward)
    p.add_argument("--key-store", help="kho khóa (mặc định $COMMDX_KEY_STORE hoặc ~/.config/commdx/keys) / key store")


def _read_catalogue(path: str) -> dict:
    """The campaign catalogue file, checked under its own name (the plan core calls it
    'catalogue')."""
    from .. import _core
    from ..io.json import read_json

    doc = read_json(path)
    _core._check_campaign_catalogue(doc, path)
    return doc


def _read_csv(path):
    from ..io import tables

    return tables.read_table(path, text=("household_id", "business_id", "ward_code", "neighbourhood_code",
                             "group_code", "unit", "code", "member_id", "action", "outcome", "access", "type",
                             "indicator", "level"), dates=("date", "target_date"),
                             non_finite=("deff",))  # commdx indicators writes deff inf where SRS variance is 0


def _old_spelling(value: str | None, old: str | None, name: str, old_name: str, meaning_vi: str,
                  meaning_en: str, other_vi: str, other_en: str, lang: str) -> str | None:
    """An option of ``commdx plan`` renamed so that each name means one thing in every command: the
    old spelling still works, with a note on stderr; both spellings with two different dates are
    refused rather than one of them silently winning."""
    if old is None:
        return value
    if value is not None and value != old:
        from .. import ConfigError

        raise ConfigError(f"{name} {value} {old_name} {old}: "
                          + (f"hai giá trị khác nhau cho {meaning_vi}; chỉ dùng {name}" if lang == "vi" else
                             f"two different values for {meaning_en}; use {name} alone"))
    print(f"Lưu ý: {old_name} của commdx plan nay là {name} ({meaning_vi}); {old_name} ở các lệnh khác là {other_vi}"
          if lang == "vi" else
          f"Note: commdx plan's {old_name} is now {name} ({meaning_en}); {old_name} in the other commands is "
          f"{other_en}", file=sys.stderr)
    return old


def run(args) -> int:
    from ..plan import plan_outreach

    from ..io.output import atomic_directory

    missing = [o for o, v in (("--households", args.households), ("--roster", args.roster)) if not v]
    if missing:
        args.plan_parser.error(("thiếu các tham số bắt buộc: " if args.lang == "vi" else
                                "the following arguments are required: ") + ", ".join(missing))
    out = Path(args.out)
    key = None if args.with_names else _key(args, out)
    _drop_old_secret(out, args.lang)
    places = None
    if args.places:
        from ..places import places_from_option

        places = places_from_option(args.places)
    households = _read_csv(args.households)
    if places is not None:  # a group placed in another ward is refused, naming the row
        from ..monitor import check_places

        households.attrs["source"] = args.households
        check_places(households, places.to_dataframe())
    from ..targets import read_targets
    from ..teams import read_roster

    targets = read_targets(args.targets, lang=args.lang) if args.targets else None

    start = _old_spelling(args.first_day, args.old_start, "--from", "--start", "ngày đi thăm đầu tiên",
                          "the first day of visits", "ngày đầu chiến dịch (lịch của commdx synth và demo)",
                          "the campaign's first day (the calendar of commdx synth and demo)", args.lang)
    deadline = _old_spelling(args.until, args.old_deadline, "--until", "--deadline", "ngày thăm cuối cùng",
                             "the last day of visits", "hạn thành lập tổ (T5)", "the teams' deadline (T5)",
                             args.lang)
    if start is None or deadline is None:  # the households folder's calendar (commdx synth --start), if any
        from ..synth import folder_calendar

        calendar = folder_calendar(Path(args.households).parent)
        if calendar is not None:
            start = start or calendar["period"]["start"]
            deadline = deadline or calendar["period"]["end"]
    plan = plan_outreach(
        households, read_roster(args.roster),
        start, deadline,
        businesses=_read_csv(args.businesses) if args.businesses else None, places=places,
        classes=_read_csv(args.classes) if args.classes else None,
        estimates=_read_csv(args.estimates) if args.estimates else None,
        visits=_read_csv(args.visits) if args.visits else None, ward=args.ward,
        catalogue=_read_catalogue(args.catalogue) if args.catalogue else None,
        key=key, with_names=args.with_names, targets=targets)
    inputs = (args.households, args.businesses, args.roster, args.places, args.classes, args.estimates,
              args.visits, args.catalogue, targets.path if targets else None)
    with atomic_directory(out, command=getattr(args, "argv", None), inputs=inputs) as tmp:
        plan.write_files(tmp, lang=args.lang)
    s = plan.summary
    vi = args.lang == "vi"
    for m in plan.messages:
        print(("Lưu ý: " if vi else "Note: ") + m[args.lang], file=sys.stderr)
    nvis = int((plan.visits["status"] == "scheduled").sum()) if len(plan.visits) else 0
    if vi:
        print(f"Kế hoạch {s['start']} → {s['deadline']}: {nvis} lượt thăm, {s['hours_planned']:.0f}/"
              f"{s['hours_available']:.0f} giờ, dự kiến {s['expected_adoptions']:.0f} lượt người dân/cơ sở "
              f"bắt đầu sử dụng; khoảng cách tối ưu ≤ {100 * s['gap']:.1f}%.")
    else:
        print(f"Plan {s['start']} → {s['deadline']}: {nvis} visits, {s['hours_planned']:.0f}/"
              f"{s['hours_available']:.0f} hours, about {s['expected_adoptions']:.0f} expected new "
              f"adoptions; optimality gap ≤ {100 * s['gap']:.1f}%.")
    for _, g in plan.gaps.iterrows():
        print("  - " + g["text_vi" if vi else "text_en"])
    print(("Đã ghi vào " if vi else "Written to ") + str(out))
    if key is not None:
        from ..keys import fingerprint

        print(("Mã ẩn danh theo khóa có dấu vân tay " if vi else "Pseudonyms under the key with fingerprint ")
              + fingerprint(key))
    return 0


def _key(args, out: Path) -> bytes:
    """The pseudonym key: --key-file, else the key store's key of --key-ward or of --ward's ward.
    Refused when it lies inside the output folder, or the output folder inside the key store."""
    from .. import ConfigError, keys

    vi = args.lang == "vi"
    store = Path(args.key_store) if args.key_store else keys.default_store()
    if args.key_file:
        keys.check_outside(args.key_file, (out,), lang=args.lang)
        return keys.load_file(args.key_file, lang=args.lang)
    ward = args.key_ward or (args.ward.split("-")[0] if args.ward else "")
    if not ward:
        raise ConfigError(
            "cần khóa ẩn danh: dùng --ward MÃ (khóa của phường/xã trong kho khóa), --key-ward MÃ hoặc --key-file TỆP; "
            "tạo khóa bằng: commdx keys create --ward MÃ (hoặc --with-names để ghi mã thật)" if vi else
            "a pseudonym key is needed: pass --ward CODE (that ward's key in the key store), --key-ward CODE or "
            "--key-file FILE; create one with: commdx keys create --ward CODE (or --with-names for real ids)")
    keys.check_outside(store, (out,), lang=args.lang)
    if store.resolve() in (out.resolve(), *out.resolve().parents):
        raise ConfigError(
            f"{out}: thư mục kết quả nằm trong kho khóa {store}; chọn --out ở nơi khác" if vi else
            f"{out}: the output folder lies inside the key store {store}; choose another --out")
    return keys.load(ward, store, lang=args.lang)


def _drop_old_secret(out: Path, lang: str) -> None:
    """Older versions kept the pseudonym secret in OUT/.plan-secret, i.e. in the folder handed out:
    that secret is exposed, so it is removed (not reused) and the user is told."""
    old = out / ".plan-secret"
    if old.exists():
        old.unlink()
        print(f"Lưu ý: đã xóa {old}: khóa cũ nằm trong thư mục kết quả nên coi như đã lộ; mã ẩn danh nay theo "
              "khóa của phường/xã (commdx keys)" if lang == "vi" else
              f"Note: removed {old}: an old key inside the output folder must be taken as leaked; pseudonyms now "
              "follow the ward's key (commdx keys)", file=sys.stderr)


def run_update(args) -> int:
    """commdx plan update: the returned sheets -> the merged visit log -> the next week's plan,
    from the week after the latest visit they record, until the sheets' last day."""
    from .. import InputError
    from ..plan_sheets import merge_visit_logs, next_start, read_returned_sheets

    missing = [o for o, v in (("--households", args.households), ("--roster", args.roster)) if not v]
    if missing:
        args.plan_parser.error(("thiếu các tham số bắt buộc: " if args.lang == "vi" else
                                "the following arguments are required: ") + ", ".join(missing))
    vi = args.lang == "vi"
    key = None if args.with_names else _key(args, Path(args.out))
    households = _read_csv(args.households)
    catalogue = _read_catalogue(args.catalogue) if args.catalogue else None
    if catalogue is None:
        from ..plan import campaign_catalogue

        catalogue = campaign_catalogue()
    returned = read_returned_sheets(args.returned, key=key, register=households, catalogue=catalogue)
    if not len(returned):
        raise InputError("các phiếu không ghi việc nào đã làm (không có dấu x hay kết quả)" if vi else
                         "the returned sheets record nothing done (no x and no outcome)")
    old = _read_csv(args.visits) if args.visits else None
    log = merge_visit_logs(old, returned)
    log_out = Path(args.log_out)
    from ..keys import check_outside

    check_outside(log_out, (Path(args.out),), lang=args.lang)  # household ids: never in the plan folder
    from ..render.tables import CSV_ENCODING

    log.to_csv(log_out, index=False, encoding=CSV_ENCODING)
    start, until = returned.attrs["period"]  # read with the sheets: each workbook is opened once
    first = args.first_day or next_start(returned, start)
    args.first_day, args.old_start = first, None
    args.until = args.until or until
    args.visits = str(log_out)
    outcomes = returned["outcome"].value_counts()
    print((f"Đã đọc {len(returned)} việc từ {returned['sheet'].nunique()} phiếu "
           f"({', '.join(f'{k}: {v}' for k, v in outcomes.items())}); nhật ký: {log_out} ({len(log)} dòng). "
           f"Kế hoạch tuần sau từ {first}:") if vi else
          (f"Read {len(returned)} actions from {returned['sheet'].nunique()} sheets "
           f"({', '.join(f'{k}: {v}' for k, v in outcomes.items())}); visit log: {log_out} ({len(log)} rows). "
           f"The next plan from {first}:"))
    return run(args)


def run_sheets(args) -> int:
    """commdx plan sheets: the plan's member sheets with the households' names and addresses,
    resolved from the ward's key and household list, into a folder of their own."""
    from .. import ConfigError
    from ..io.json import read_json
    from ..io.output import atomic_directory
    from ..keys import looks_like_output
    from ..plan import Plan

    out = Path(args.out)
    plan_dir = Path(args.plan)
    if looks_like_output(out.parent) or out.resolve() in (plan_dir.resolve(), *plan_dir.resolve().parents) \
            or plan_dir.resolve() in out.resolve().parents:
        raise ConfigError(f"{out}: phiếu có tên không được nằm trong thư mục kết quả dùng chung; chọn --out ở nơi khác"
                          if args.lang == "vi" else
                          f"{out}: named sheets must not lie inside a shared output folder; choose another --out")
    key = None if args.with_names else _key(args, out)
    plan = Plan.from_json(read_json(plan_dir / "plan.json"), str(plan_dir / "plan.json"))
    register = _read_csv(args.households)
    register.attrs["source"] = args.households
    with atomic_directory(out, command=getattr(args, "argv", None), inputs=(args.households,)) as tmp:
        written = plan.write_member_sheets(tmp, args.lang, register=register, key=key)
    print((f"Đã ghi {len(written)} phiếu có tên vào {out} (giữ tại phường/xã, không gửi đi)") if args.lang == "vi" else
          f"Wrote {len(written)} named sheets to {out} (keep them at the ward, do not send them on)")
    return 0
