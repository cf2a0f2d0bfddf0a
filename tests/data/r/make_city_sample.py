"""Deterministic stratified cluster sample of an example city, for the R agreement fixtures.

Strata = the 17 wards/communes of Vũng Tàu (official codes); PSUs = residential groups, drawn
by simple random sampling without replacement within each ward (4-6 of 30-70 groups); then
6-12 households per sampled group. weight = (groups in ward / groups sampled) x (households in
group / households sampled); fpc = groups in the ward (the first-stage population count). The
answers follow the data dictionary (docs/data-dictionary.md), with the calibration figures of
/work/shared/reference/README.md as rough levels and a ward/group effect so that clustering
matters. Written by the estimate stage while the synth stage (commdx.synth) was being built;
R (make_fixtures.R) reads the same CSV this writes.

    python tests/data/r/make_city_sample.py   # writes tests/data/r/city_sample.csv and city_places.csv
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WARDS = ["26506", "26508", "26509", "26512", "26515", "26518", "26521", "26524", "26526",
         "26527", "26530", "26533", "26535", "26536", "26539", "26542", "26545"]
WARD_NAMES = ["Phường 1", "Phường Thắng Tam", "Phường 2", "Phường 3", "Phường 4", "Phường 5",
              "Phường Thắng Nhì", "Phường 7", "Phường Nguyễn An Ninh", "Phường 8", "Phường 9",
              "Phường Thắng Nhất", "Phường Rạch Dừa", "Phường 10", "Phường 11", "Phường 12",
              "Xã Long Sơn"]


def main() -> None:
    rng = np.random.default_rng(20220705)
    places = [("747", "Thành phố Vũng Tàu", "city", "")]
    rows = []
    for wi, (ward, wname) in enumerate(zip(WARDS, WARD_NAMES)):
        commune = ward == "26545"
        places.append((ward, wname, "commune" if commune else "ward", "747"))
        n_nb = int(rng.integers(8, 14))
        groups = []  # (neighbourhood code, group code, households)
        for k in range(1, n_nb + 1):
            nb = f"{ward}-{'TH' if commune else 'KP'}{k:02d}"
            places.append((nb, f"{'Thôn' if commune else 'Khu phố'} {k}", "village" if commune else "neighbourhood", ward))
            for g in range(1, int(rng.integers(3, 7)) + 1):
                gc = f"{nb}-T{g:02d}"
                places.append((gc, f"Tổ {g}", "residential_group", nb))
                groups.append((nb, gc, int(rng.integers(40, 120))))
        remote = commune or ward in ("26539", "26542")
        ward_effect = rng.normal(0, 0.35) - (0.8 if remote else 0.0)
        n_take = int(rng.integers(4, 7))
        taken = sorted(rng.choice(len(groups), size=n_take, replace=False))
        for gi in taken:
            nb, gc, hh = groups[gi]
            group_effect = ward_effect + rng.normal(0, 0.45)
            m = int(rng.integers(6, 13))
            weight = (len(groups) / n_take) * (hh / m)
            for h in range(m):
                rows.append(household(rng, ward, nb, gc, len(rows) + 1, group_effect, weight, len(groups)))
    with open(HERE / "city_sample.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(HERE / "city_places.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "kind", "parent"])
        w.writerows(places)


def household(rng, ward, nb, gc, serial, effect, weight, groups_in_ward):
    def p(base):  # a probability shifted on the logit scale by the area's effect
        return 1.0 / (1.0 + np.exp(-(np.log(base / (1 - base)) + effect)))

    def yes(base):
        return int(rng.random() < p(base))

    members = int(rng.integers(1, 7))
    adults = int(min(members, max(1, rng.integers(1, members + 1))))
    edu = int(np.clip(round(rng.normal(2.6 + effect, 1.2)), 0, 5))
    has_car = int(rng.random() < p(0.15))
    aware = int(rng.binomial(members, p(0.35)))
    bank_adults = int(rng.binomial(adults, p(0.55)))
    has_school = rng.random() < 0.45
    has_cable = rng.random() < 0.35
    opinion = lambda: "" if rng.random() < 0.08 else int(np.clip(round(rng.normal(3.3 + effect, 1.0)), 1, 5))
    return {
        "household_id": f"H{ward}-{serial:06d}", "ward_code": ward, "neighbourhood_code": nb, "group_code": gc,
        "members": members, "adults": adults, "head_age": int(rng.integers(22, 85)), "head_education": edu,
        "adults_upper_secondary": int(rng.binomial(adults, p(0.45))),
        "adults_smartphone": int(rng.binomial(adults, p(0.73))), "smartphones": int(rng.integers(0, adults + 2)),
        "home_internet": yes(0.68), "adults_bank_account": bank_adults, "bank_account": int(bank_adults > 0),
        "e_wallet": yes(0.35), "pay_online_electricity": yes(0.4), "pay_online_water": "" if rng.random() < 0.1 else yes(0.35),
        "pay_online_internet": yes(0.45), "pay_online_cable_tv": yes(0.3) if has_cable else "",
        "pay_online_school_fees": yes(0.4) if has_school else "",
        "electricity_payment_method": str(rng.choice(["cash", "bank_transfer", "direct_debit", "e_wallet"])),
        "app_vssid": yes(0.3), "app_vneid": yes(0.45), "app_health_book": yes(0.2), "app_vungtauioc": yes(0.1),
        "app_pc_covid": yes(0.6), "online_public_service": yes(0.25),
        "members_aware_postmart_voso": aware, "members_buy_postmart_voso": int(rng.binomial(aware, 0.3)),
        "ecommerce_buy": yes(0.45), "has_car": has_car, "car_etc": yes(0.5) if has_car else "",
        "zalo": yes(0.85), "zalo_neighbourhood_group": yes(0.3), "farming": int(rng.random() < (0.3 if ward == "26545" else 0.04)),
        "conv_egov": opinion(), "need_egov": opinion(), "conv_shopping": opinion(), "need_shopping": opinion(),
        "conv_selling": opinion(), "need_selling": opinion(), "conv_payment": opinion(), "need_payment": opinion(),
        "stratum": ward, "psu": gc, "weight": round(weight, 6), "fpc": groups_in_ward, "round": 0,
    }


if __name__ == "__main__":
    main()
