"""Samples for the count indicators' R fixture (issue 14, S1 and S2 "how many"), frozen as CSV.

    COMMDX_CORE_DIR=... PYTHONPATH=python python tests/data/r/make_counts_sample.py
    Rscript tests/data/r/make_counts_fixture.R

Writes tests/data/r/counts_households.csv: ``commdx.synth.city(households=20000, seed=1).sample``
(strata = wards, PSUs = residential groups, weight and fpc), the columns the S1 counts use; and
tests/data/r/counts_businesses.csv: a stratified cluster sample of that city's businesses (synth
writes them as a full count): in every ward half of the residential groups holding a business
(at least one), drawn by simple random sampling with numpy's RandomState(20261203), every
business of a drawn group kept, weight = G_h / g_h, fpc = G_h. Deterministic.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import commdx

HOUSEHOLD_COLUMNS = ["household_id", "ward_code", "group_code", "adults_bank_account", "pay_online_electricity",
                     "pay_online_water", "pay_online_internet", "pay_online_cable_tv", "pay_online_school_fees",
                     "stratum", "psu", "weight", "fpc"]
BUSINESS_COLUMNS = ["business_id", "ward_code", "group_code", "type", "accepts_qr", "accepts_bank_transfer",
                    "accepts_card"]


def business_sample(businesses: pd.DataFrame, seed: int = 20261203) -> pd.DataFrame:
    rng = np.random.RandomState(seed)
    parts = []
    for ward, rows in businesses.groupby("ward_code", sort=True):
        groups = sorted(rows["group_code"].unique())
        g = max(1, len(groups) // 2)
        drawn = set(rng.choice(groups, size=g, replace=False))
        part = rows[rows["group_code"].isin(drawn)][BUSINESS_COLUMNS].copy()
        part["stratum"], part["psu"] = ward, part["group_code"]
        part["weight"], part["fpc"] = len(groups) / g, len(groups)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    city = commdx.synth.city(households=20000, seed=1)
    city.sample[HOUSEHOLD_COLUMNS].to_csv(here / "counts_households.csv", index=False)
    business_sample(city.businesses).to_csv(here / "counts_businesses.csv", index=False)
