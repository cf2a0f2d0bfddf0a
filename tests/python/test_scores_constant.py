"""A constant indicator (one value in every unit: no household of a Cà Mau commune has Vũng Tàu's
app) carries no ranking information. Min-max and z-score normalisation cannot scale it; it takes
no part (weight 0), as principal-component weights already did, and the uncertainty analysis
that tries min-max runs and says which indicators were constant. Expected values by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import commdx

DF = pd.DataFrame({"unit": ["p", "q", "r", "s"], "a": [0.2, 0.5, 0.9, 0.4], "b": [10.0, 30.0, 20.0, 40.0],
                   "c": [0.0, 0.0, 0.0, 0.0]})
# min-max by hand: a (x - 0.2) / 0.7, b (x - 10) / 30
A = np.array([0, 3 / 7, 1, 2 / 7])
B = np.array([0, 2 / 3, 1 / 3, 1])


def _index(ids: str, **node) -> commdx.CompositeIndex:
    return commdx.CompositeIndex.from_json({"indicators": [{"id": k} for k in ids],
                                            "index": {"id": "i", "components": list(ids), **node}})


@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_min_max_gives_a_constant_indicator_weight_zero(aggregation):
    idx = _index("abc", aggregation=aggregation)
    wide = idx.compute(DF, wide=True).set_index("unit")
    w = idx.weights.set_index("component")["weight"]
    assert w["c"] == 0 and w["a"] == w["b"] == pytest.approx(1 / 3)
    expected = (A + B) / 2 if aggregation == "arithmetic" else np.sqrt(A * B)
    np.testing.assert_allclose(wide.loc[["p", "q", "r", "s"], "i"], expected, atol=1e-12)
    assert idx._last["constant_indicators"] == ["c"]


def test_z_score_gives_a_constant_indicator_weight_zero():
    cfg = {"indicators": [{"id": k, "normalisation": {"method": "z_score"}} for k in "abc"],
           "index": {"id": "i", "components": list("abc")}}
    wide = commdx.CompositeIndex.from_json(cfg).compute(DF, wide=True).set_index("unit")
    z = lambda x: (x - x.mean()) / x.std(ddof=1)  # noqa: E731
    np.testing.assert_allclose(wide.loc[["p", "q", "r", "s"], "i"], (z(DF["a"]) + z(DF["b"])).to_numpy() / 2,
                               atol=1e-12)


def test_a_node_of_constant_indicators_only_is_the_same_for_every_unit():
    cfg = {"indicators": [{"id": k} for k in "abc"],
           "dimensions": [{"id": "d1", "components": ["a", "b"]}, {"id": "d2", "components": ["c"]}],
           "index": {"id": "i", "components": ["d1", "d2"]}}
    wide = commdx.CompositeIndex.from_json(cfg).compute(DF, wide=True).set_index("unit")
    assert (wide["d2"] == 0.5).all()  # the middle of min-max's [0, 1]: every unit the same
    np.testing.assert_allclose(wide.loc[["p", "q", "r", "s"], "i"], ((A + B) / 2 + 0.5) / 2, atol=1e-12)


def test_the_uncertainty_analysis_runs_over_a_constant_indicator_and_says_so():
    cfg = {"indicators": [{"id": "a", "normalisation": {"method": "goalposts", "min": 0, "max": 1}},
                          {"id": "b", "normalisation": {"method": "goalposts", "min": 0, "max": 50}},
                          {"id": "c", "normalisation": {"method": "goalposts", "min": 0, "max": 1}}],
           "index": {"id": "i", "components": list("abc")},
           "uncertainty": {"normalisation": ["config", {"method": "min_max"}]}}
    idx = commdx.CompositeIndex.from_json(cfg)
    u = idx.uncertainty(DF, draws=40, seed=1, sensitivity=False, return_draws=True)
    assert u.attrs["constant_indicators"] == ("c",)
    draws = idx.draws[["p", "q", "r", "s"]].to_numpy()
    by_goalposts = (DF["a"] + DF["b"] / 50 + 0) / 3
    minmax = [row for row, label in zip(draws, idx.draw_labels) if "min_max" in label]
    config = [row for row, label in zip(draws, idx.draw_labels) if "min_max" not in label]
    assert minmax and config
    for row in minmax:  # c takes no part: the mean of a's and b's min-max values
        np.testing.assert_allclose(row, (A + B) / 2, atol=1e-12)
    for row in config:  # goalposts scale c (0 everywhere) and it counts
        np.testing.assert_allclose(row, by_goalposts.to_numpy(), atol=1e-12)
