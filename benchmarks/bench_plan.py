"""Issue 7 scale check: plan 100,000 households and 50 members in at most 5 s.

Usage:  COMMDX_CORE_DIR=build/plan-rel/python/commdx PYTHONPATH=python python benchmarks/bench_plan.py
The city is generated here deterministically (seed 2022): 10 wards x 5 neighbourhoods x 8
residential groups, 250 households per group, 10,000 businesses, 50 members in ward and
neighbourhood teams with the directive's affiliations. If commdx.synth.city is available, pass
--synth to use it instead. Prints the wall time, the objective, the Lagrangian bound and the gap.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import commdx


def city(households: int = 100_000, seed: int = 2022):
    rng = np.random.default_rng(seed)
    wards = [f"2650{i}" if i < 10 else f"265{i}" for i in range(10)]
    n = households
    w = rng.integers(0, 10, n)
    kp = rng.integers(1, 6, n)
    t = rng.integers(1, 9, n)
    ward = np.array(wards)[w]
    nb = np.char.add(np.char.add(ward, "-KP"), kp.astype(str))
    gr = np.char.add(np.char.add(nb, "-T"), t.astype(str))
    adults = rng.integers(1, 5, n)
    smart = rng.binomial(adults, 0.7)
    bank = rng.binomial(adults, 0.45)
    h = pd.DataFrame({
        "household_id": [f"H{ward[i]}-{i:06d}" for i in range(n)], "ward_code": ward,
        "neighbourhood_code": nb, "group_code": gr, "members": adults + rng.integers(0, 3, n),
        "adults": adults, "adults_smartphone": smart, "smartphones": smart,
        "adults_bank_account": bank, "bank_account": (bank > 0).astype(int),
        "e_wallet": rng.binomial(1, 0.3, n), "pay_online_electricity": rng.binomial(1, 0.35, n),
        "pay_online_water": rng.binomial(1, 0.25, n), "pay_online_internet": rng.binomial(1, 0.3, n),
        "pay_online_cable_tv": rng.binomial(1, 0.2, n), "pay_online_school_fees": rng.binomial(1, 0.3, n),
        "app_vssid": rng.binomial(1, 0.3, n), "app_vneid": rng.binomial(1, 0.4, n),
        "app_health_book": rng.binomial(1, 0.3, n), "app_vungtauioc": rng.binomial(1, 0.1, n),
        "app_pc_covid": rng.binomial(1, 0.6, n), "online_public_service": rng.binomial(1, 0.2, n),
        "members_aware_postmart_voso": 0, "members_buy_postmart_voso": 0,
        "ecommerce_buy": rng.binomial(1, 0.4, n), "has_car": rng.binomial(1, 0.1, n),
        "zalo_neighbourhood_group": rng.binomial(1, 0.4, n),
    })
    h["car_etc"] = np.where(h["has_car"] == 1, rng.binomial(1, 0.3, n), np.nan)
    nbz = n // 10
    bw = rng.integers(0, n, nbz)
    types = np.array(["shop", "eatery", "market_stall", "convenience_store", "lodging", "enterprise", "farming_household"])
    bt = types[rng.integers(0, len(types), nbz)]
    b = pd.DataFrame({"business_id": [f"B{i:06d}" for i in range(nbz)], "ward_code": ward[bw],
                      "neighbourhood_code": nb[bw], "group_code": gr[bw], "type": bt,
                      "accepts_qr": rng.binomial(1, 0.4, nbz), "accepts_bank_transfer": rng.binomial(1, 0.5, nbz),
                      "accepts_card": rng.binomial(1, 0.1, nbz), "website": rng.binomial(1, 0.2, nbz),
                      "sells_online": rng.binomial(1, 0.2, nbz)})
    b["e_invoice"] = np.where(bt == "enterprise", rng.binomial(1, 0.6, nbz), np.nan)
    b["listed_postmart_voso"] = np.where(bt == "farming_household", rng.binomial(1, 0.1, nbz), np.nan)
    affs = [("pc_vice_chairman", ["it"]), ("youth_union_secretary", ["it", "smartphone"]),
            ("bank_staff", []), ("executive_board", []), ("youth_union_member", ["smartphone"])]
    teams = []
    for i, wc in enumerate(wards):
        members = [{"id": f"M-{wc}-{k}", "name": f"TV {k}", "role": "member", "affiliation": affs[k][0],
                    "skills": affs[k][1], "weekly_hours": [4, 3, 2, 3, 4][k], "phone": None} for k in range(5)]
        teams.append({"id": f"T-{wc}", "level": "ward", "unit": wc, "members": members})
    return h, b, {"teams": teams}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    h, b, r = city(args.households)
    nmem = sum(len(t["members"]) for t in r["teams"])
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        plan = commdx.plan_outreach(h, r, "2022-07-20", "2022-09-30", businesses=b, key=bytes(range(32)))
        times.append(time.perf_counter() - t0)
    s = plan.summary
    print(f"households {len(h)} businesses {len(b)} members {nmem}: best of {args.repeat} {min(times):.2f} s "
          f"(all runs: {', '.join(f'{t:.2f}' for t in times)} s); "
          f"visits scheduled {(plan.visits['status'] == 'scheduled').sum()}, objective {s['scheduled_objective']:.1f}, "
          f"bound {s['upper_bound']:.1f}, gap {100 * s['gap']:.2f}%")


if __name__ == "__main__":
    main()
