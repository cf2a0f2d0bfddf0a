"""The simulation shared by test_small_area_simulation.py and test_small_area_bhf_simulation.py
(issue 18, Must show): one synthetic city of 20,000 households (seed 3), `reps` samples drawn
with the team's two-stage selection (10 groups per ward by the pivotal method, 5 households per
group; seeds 1..reps), each estimated by commdx.small_area at the given levels with `options`
(for method "bhf" the bootstrap seed is the sample's), the truth beside every row."""
from __future__ import annotations

from typing import Any

import pandas as pd

import commdx

VARIABLE = "bank_account"


def simulate(reps: int, levels: tuple[str, ...], **options: Any) -> dict[str, pd.DataFrame]:
    city = commdx.synth.city(households=20000, seed=3)
    hh = city.households
    truth = {lev: hh.groupby(commdx.SMALL_AREA_LEVELS[lev])[VARIABLE].mean() for lev in levels}
    out: dict[str, list[pd.DataFrame]] = {lev: [] for lev in levels}
    for rep in range(reps):
        sel = commdx.select_sample(hh, n=10, m=5, seed=rep + 1)
        sample = sel.sample.merge(hh[["household_id", VARIABLE]], on="household_id", validate="one_to_one")
        extra = {"seed": rep + 1} if options.get("method") == "bhf" else {}
        for lev in levels:
            t = commdx.small_area(sample, sel.design, VARIABLE, level=lev, places=city.places, households=hh,
                                  **options, **extra)
            t["truth"] = truth[lev].reindex(t["unit"]).to_numpy()
            t["rep"] = rep
            out[lev].append(t)
    return {lev: pd.concat(parts, ignore_index=True) for lev, parts in out.items()}
