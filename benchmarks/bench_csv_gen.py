"""Deterministic household file for the CSV reading benchmark (benchmarks/bench_csv.py).

Writes every column of docs/data-dictionary.md's households.csv for N households spread over the
example city's shape (17 wards, ~200 neighbourhoods, ~2,000 residential groups), with plausible
but simple values. Used when the synth stage's `commdx synth` output is not available; the reader
does the same work on either (same columns, same types).

    python benchmarks/bench_csv_gen.py OUT.csv [N=1000000] [SEED=20221231]

also writes OUT-places.csv, the places tree of the generated codes.
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd

WARDS = ["26506", "26508", "26509", "26512", "26515", "26518", "26521", "26524", "26526",
         "26527", "26530", "26533", "26535", "26536", "26539", "26542", "26545"]  # Vũng Tàu's official codes


def places_csv() -> str:
    """The tree the generated codes live in: city, 17 units, 12 neighbourhoods each, 10 groups each."""
    lines = ["code,name,kind,parent", "747,Thành phố Vũng Tàu,city,"]
    for i, w in enumerate(WARDS):
        lines.append(f"{w},Đơn vị {i + 1},{'commune' if w == '26545' else 'ward'},747")
        for k in range(1, 13):
            nb = f"{w}-KP{k:02d}"
            lines.append(f"{nb},{'Thôn' if w == '26545' else 'Khu phố'} {k},{'village' if w == '26545' else 'neighbourhood'},{w}")
            for g in range(1, 11):
                lines.append(f"{nb}-T{g:02d},Tổ {g},residential_group,{nb}")
    return "\n".join(lines) + "\n"


def households(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    w = rng.integers(0, len(WARDS), n)
    kp = rng.integers(1, 13, n)          # ~12 neighbourhoods per ward (~200)
    grp = rng.integers(1, 11, n)         # ~10 groups per neighbourhood (~2,000)
    order = np.lexsort((grp, kp, w))     # files come sorted by place, as a census is typed
    w, kp, grp = w[order], kp[order], grp[order]
    ward = np.array(WARDS, dtype=object)[w]
    nb = np.char.add(np.char.add(np.array(WARDS)[w], "-KP"), np.char.zfill(kp.astype(str), 2)).astype(object)
    group = np.char.add(np.char.add(nb.astype(str), "-T"), np.char.zfill(grp.astype(str), 2)).astype(object)
    members = rng.integers(1, 8, n)
    adults = np.minimum(members, rng.integers(1, 6, n))
    def share(p):  # adults with a property, each with probability p
        return rng.binomial(adults, p)
    def yn(p, size=n):
        return (rng.random(size) < p).astype(np.int64)
    def yn_or_empty(p, have):
        v = yn(p).astype(float)
        v[~have] = np.nan
        return pd.array(np.where(np.isnan(v), pd.NA, v), dtype="Int64")
    aware = rng.binomial(members, 0.4)
    has_car = yn(0.15)
    df = pd.DataFrame({
        "household_id": np.char.add(np.char.add("H", np.array(WARDS)[w]), np.char.add("-", np.char.zfill(np.arange(n).astype(str), 6))),
        "ward_code": ward, "neighbourhood_code": nb, "group_code": group,
        "members": members, "adults": adults,
        "head_age": rng.integers(18, 95, n), "head_education": rng.integers(0, 6, n),
        "adults_upper_secondary": share(0.5), "adults_smartphone": share(0.73),
        "smartphones": rng.integers(0, 6, n), "home_internet": yn(0.68),
        "adults_bank_account": share(0.6), "bank_account": yn(0.7), "e_wallet": yn(0.4),
        "pay_online_electricity": yn_or_empty(0.4, rng.random(n) < 0.98),
        "pay_online_water": yn_or_empty(0.3, rng.random(n) < 0.9),
        "pay_online_internet": yn_or_empty(0.5, rng.random(n) < 0.7),
        "pay_online_cable_tv": yn_or_empty(0.3, rng.random(n) < 0.3),
        "pay_online_school_fees": yn_or_empty(0.5, rng.random(n) < 0.4),
        "electricity_payment_method": np.array(["cash", "bank_transfer", "direct_debit", "e_wallet", "none"], dtype=object)[rng.integers(0, 5, n)],
        "app_vssid": yn(0.5), "app_vneid": yn(0.6), "app_health_book": yn(0.2),
        "app_vungtauioc": yn(0.1), "app_pc_covid": yn(0.7), "online_public_service": yn(0.35),
        "members_aware_postmart_voso": aware, "members_buy_postmart_voso": rng.binomial(aware, 0.3),
        "ecommerce_buy": yn(0.5), "has_car": has_car,
        "car_etc": yn_or_empty(0.6, has_car == 1),
        "zalo": yn(0.85), "zalo_neighbourhood_group": yn(0.45), "farming": yn(0.05),
    })
    for q in ["conv_egov", "need_egov", "conv_shopping", "need_shopping", "conv_selling",
              "need_selling", "conv_payment", "need_payment"]:
        df[q] = rng.integers(1, 6, n)
    df["stratum"] = ward
    df["psu"] = group
    df["weight"] = np.round(rng.uniform(5, 40, n), 4)
    df["fpc"] = 120
    df["round"] = 0
    return df


def main(argv: list[str]) -> int:
    out = argv[1]
    n = int(argv[2]) if len(argv) > 2 else 1_000_000
    seed = int(argv[3]) if len(argv) > 3 else 20221231
    households(n, seed).to_csv(out, index=False)
    with open(out.rsplit(".", 1)[0] + "-places.csv", "w", encoding="utf-8") as f:
        f.write(places_csv())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
