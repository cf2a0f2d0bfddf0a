"""Issue 18: the simulation of test_small_area_simulation.py for the unit-level model
(small_area(method="bhf")): the same synthetic city (20,000 households, seed 3) and two-stage
selection (10 groups per ward, 5 households per group), fewer samples (REPS, seeds 1..REPS) and 50
bootstrap replicates each (seed = the sample's) to keep the file quick; auxiliaries the household
list's members and head's age; the share of households with a bank account against the truth.

* where samples are small the model's RMSE is below the direct estimator's at both levels
  (asserted: below 0.8 of it);
* the bootstrap MSE against the empirical MSE over the sampled units: within 20% for residential
  groups (asserted); for neighbourhoods it is about a quarter short (0.76 in a 30-sample run with
  100 replicates; printed here, not asserted), as the area-level model's is; coverage printed
  (pytest -s). The numbers of the run are in docs/small-area.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from small_area_runs import simulate

REPS = 12
LEVELS = ("residential_group", "neighbourhood")


@pytest.fixture(scope="module")
def runs():
    return simulate(REPS, LEVELS, method="bhf", auxiliaries=["members", "head_age"], replicates=50)


def summary(t: pd.DataFrame) -> dict[str, float]:
    s = t[t["n"] > 0]
    emp = float(((s["model"] - s["truth"]) ** 2).mean())
    return {
        "rmse_direct": float(np.sqrt(((s["direct"] - s["truth"]) ** 2).mean())),
        "rmse_model": float(np.sqrt(emp)),
        "mse_ratio_bootstrap": float(s["mse"].mean()) / emp,
        "mse_ratio_analytic": float(s["mse_analytic"].mean()) / emp,
        "coverage": float((np.abs(s["model"] - s["truth"]) <= 1.96 * np.sqrt(s["mse"])).mean()),
    }


@pytest.mark.parametrize("level", LEVELS)
def test_bhf_beats_direct_where_samples_are_small(runs, level):
    r = summary(runs[level])
    print(level, {k: round(v, 4) for k, v in r.items()})
    assert r["rmse_model"] < 0.8 * r["rmse_direct"]
    assert r["coverage"] > 0.8, r


def test_bhf_bootstrap_mse_for_groups(runs):
    r = summary(runs["residential_group"])
    assert 0.8 <= r["mse_ratio_bootstrap"] <= 1.2, r
