"""The example city's survey sample from the synth stage, frozen for the R agreement fixtures.

    COMMDX_CORE_DIR=... PYTHONPATH=python python tests/data/r/make_synth_sample.py

Writes tests/data/r/synth_sample.csv: ``commdx.synth.city(households=20000, seed=1).sample``
(the stratified cluster sample: strata = wards, PSUs = residential groups, weight and fpc),
restricted to the columns the fixtures use. The rows are kept in the repository, so the
fixtures stay valid if the generator changes; rerun this and make_fixtures.R to refresh them.
"""
from __future__ import annotations

from pathlib import Path

import commdx

COLUMNS = ["household_id", "ward_code", "neighbourhood_code", "group_code", "members", "adults",
           "adults_bank_account", "bank_account", "e_wallet", "pay_online_water", "car_etc",
           "adults_smartphone", "members_buy_postmart_voso", "head_education", "conv_egov",
           "stratum", "psu", "weight", "fpc"]

if __name__ == "__main__":
    city = commdx.synth.city(households=20000, seed=1)
    city.sample[COLUMNS].to_csv(Path(__file__).resolve().parent / "synth_sample.csv", index=False)
