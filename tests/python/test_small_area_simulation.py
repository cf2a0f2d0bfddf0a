"""Issue 18, Must show: a simulation over a synthetic commune.

One population (the example city at 20,000 households, seed 3: 17 wards, 108 neighbourhoods, 442
residential groups, every household's answers known), REPS samples drawn from it with the team's
own two-stage selection (commdx.select_sample: 10 groups per ward by the pivotal method, 5
households per drawn group by simple random sampling; seeds 1..REPS), each estimated directly and
by commdx.small_area (REML, auxiliaries log density, log households and the group means of
members and head's age from the household list), at the neighbourhood and residential-group
levels, for the share of households with a bank account. Against the population's true shares:

* where the sample is small (every sampled group: 5 households; neighbourhoods: 1-3 groups), the
  model's root mean squared error is below the direct estimator's;
* the estimated MSE, averaged over the units with a sample and the samples, against the empirical
  MSE (the mean squared error against the truth over the same units and samples), within the
  issue's 20%: 1.02 for residential groups, 0.81 for neighbourhoods in the seed-fixed run. The
  groups' ratio was 0.79 while a REML fit at sigma2_u = 0 (22 of the 60 samples; ratio 0.40 in
  those, 1.03 in the others) dropped the area variance from the MSE; such a fit now takes Li &
  Lahiri's adjusted REML (docs/small-area.md). The neighbourhoods' shortfall (their direct
  variances from 2-3 PSUs taken as known) is not corrected, and 0.81 is close to the bound;
* the coverage of the intervals model +- 1.96 sqrt(mse) is printed (run pytest -s), not asserted
  beyond a floor.

The numbers of the seed-fixed run are in docs/small-area.md. No timing assertion; the whole file
runs in about half a minute on one core.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from small_area_runs import simulate

REPS = 60
LEVELS = ("residential_group", "neighbourhood")


@pytest.fixture(scope="module")
def runs():
    return simulate(REPS, LEVELS, auxiliaries=["density", "households", "members", "head_age"])


def summary(t: pd.DataFrame) -> dict[str, float]:
    s = t[t["n"] > 0]
    u = t[t["n"] == 0]
    emp = float(((s["model"] - s["truth"]) ** 2).mean())
    return {
        "rmse_direct": float(np.sqrt(((s["direct"] - s["truth"]) ** 2).mean())),
        "rmse_model": float(np.sqrt(emp)),
        "rmse_chosen": float(np.sqrt(((t["chosen"] - t["truth"]) ** 2).mean())),
        "mse_ratio_sampled": float(s["mse"].mean()) / emp,
        "mse_ratio_unsampled": float(u["mse"].mean()) / float(((u["model"] - u["truth"]) ** 2).mean()),
        "coverage_sampled": float((np.abs(s["model"] - s["truth"]) <= 1.96 * np.sqrt(s["mse"])).mean()),
        "coverage_unsampled": float((np.abs(u["model"] - u["truth"]) <= 1.96 * np.sqrt(u["mse"])).mean()),
        "coverage_direct": float((np.abs(s["direct"] - s["truth"]) <= 1.96 * s["direct_se"]).mean()),
    }


@pytest.mark.parametrize("level", LEVELS)
def test_model_beats_direct_where_samples_are_small(runs, level):
    r = summary(runs[level])
    print(level, {k: round(v, 4) for k, v in r.items()})
    assert r["rmse_model"] < 0.8 * r["rmse_direct"]
    assert r["rmse_chosen"] < r["rmse_direct"]


@pytest.mark.parametrize("level", LEVELS)
def test_estimated_mse_against_the_empirical(runs, level):
    r = summary(runs[level])
    assert 0.8 <= r["mse_ratio_sampled"] <= 1.2, r  # the "within 20% on average"
    assert r["coverage_sampled"] > 0.8, r
