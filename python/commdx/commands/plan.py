"""``commdx plan``: a prioritised outreach plan (T6). Exit status 0 with a plan, 2 on bad input."""
from __future__ import annotations

import json
import secrets as _secrets
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("plan", help="kế hoạch đi thăm hộ dân / prioritised outreach plan (T6)")
    p.add_argument("--households", required=True, help="households.csv")
    p.add_argument("--businesses", help="businesses.csv")
    p.add_argument("--roster", required=True, help="teams.json (contracts.md roster)")
    p.add_argument("--places", help="places.csv or .json (unit names)")
    p.add_argument("--classes", help="CSV with columns unit,class (central/remote)")
    p.add_argument("--estimates", help="per-unit indicator estimates with targets (CSV)")
    p.add_argument("--visits", help="visit log CSV (household_id, action, member_id, date, outcome)")
    p.add_argument("--catalogue", help="a campaign catalogue JSON (default: the shipped one)")
    p.add_argument("--start", required=True, help="YYYY-MM-DD")
    p.add_argument("--deadline", required=True, help="YYYY-MM-DD")
    p.add_argument("--ward", default="", help="plan only this unit code")
    p.add_argument("--out", default="plan-out", help="output directory")
    p.add_argument("--with-names", action="store_true", help="real ids instead of pseudonyms")
    p.add_argument("--secret-file", help="file holding the pseudonym secret (default OUT/.plan-secret, created once)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(func=run)


def _read_csv(path):
    from ..io import tables

    return tables.read_table(path, text=("household_id", "business_id", "ward_code", "neighbourhood_code",
                             "group_code", "unit", "code", "member_id", "action", "outcome", "access", "type",
                             "indicator", "level"), dates=("date", "target_date"),
                             non_finite=("deff",))  # commdx indicators writes deff inf where SRS variance is 0


def run(args) -> int:
    from ..plan import plan_outreach

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    secret_path = Path(args.secret_file) if args.secret_file else out / ".plan-secret"
    if secret_path.exists():
        secret = secret_path.read_text(encoding="utf-8").strip()
    else:
        secret = _secrets.token_hex(16)
        secret_path.write_text(secret + "\n", encoding="utf-8")
    places = None
    if args.places:
        from ..places import Places

        places = Places.from_file(args.places)
    plan = plan_outreach(
        _read_csv(args.households), json.loads(Path(args.roster).read_text(encoding="utf-8")),
        args.start, args.deadline,
        businesses=_read_csv(args.businesses) if args.businesses else None, places=places,
        classes=_read_csv(args.classes) if args.classes else None,
        estimates=_read_csv(args.estimates) if args.estimates else None,
        visits=_read_csv(args.visits) if args.visits else None, ward=args.ward,
        catalogue=json.loads(Path(args.catalogue).read_text(encoding="utf-8")) if args.catalogue else None,
        secret=secret, with_names=args.with_names)
    plan.write(out, lang=args.lang)
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
    return 0
