"""Issue 18: the unit-level Battese-Harter-Fuller EBLUP (commdx.battese_harter_fuller,
commdx.small_area(method="bhf")).

Must show: agreement with an independent implementation, samplics' ``EblupUnitModel`` (PyPI,
samplics 0.6, which fits by statsmodels' MixedLM), on a fixed data set:

* the data set: samplics' own copy of Battese, Harter & Fuller's (1988) county-crop data, corn
  hectares in 37 segments of 12 Iowa counties, auxiliaries the segments' corn and soybean pixels,
  the counties' population mean pixels (Rao & Molina 2015, 7.3.1);
* tolerance: relative 1e-7 on sigma2_u, sigma2_e, beta, the EBLUPs and the analytic MSE, REML and
  ML (samplics run to tol 1e-10; statsmodels' optimiser, not ours, limits the agreement: at its
  default tol 1e-6 the two differ by 1e-6);
* the parametric-bootstrap MSE is random in both: ours (2,000 replicates, seed 1) against samplics'
  (200 replicates, numpy seed 1, frozen in tests/data/small_area/ by make_bhf_bootstrap.py), the
  average over the counties within 10% (the Monte Carlo error of samplics' 200 replicates is ~3% on
  the average); samplics' target is the model mean (no population sizes), as ours without sizes.
"""
from __future__ import annotations

import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import commdx

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # samplics announces it is archived (FutureWarning)
    from samplics.datasets import load_county_crop, load_county_crop_means
    from samplics.sae import EblupUnitModel
    from samplics.utils.types import FitMethod

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "small_area"
X = ["corn_pixel", "soybeans_pixel"]
XBAR = ["ave_corn_pixel", "ave_soybeans_pixel"]


@pytest.fixture(scope="module")
def crop():
    return load_county_crop()["data"], load_county_crop_means()["data"]


def samplics_fit(d, m, method, pop_size=None):
    e = EblupUnitModel(method=FitMethod(method.upper()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e.fit(d["corn_area"], d[X], d["county_id"], tol=1e-10, maxiter=500)
        e.predict(m[XBAR], m["county_id"], pop_size=pop_size)
    est = np.array([e.area_est[a] for a in m["county_id"]])
    mse = np.array([e.area_mse[a] for a in m["county_id"]])
    return e, est, mse


@pytest.mark.parametrize("method", ["reml", "ml"])
def test_bhf_agrees_with_samplics_on_county_crop(crop, method):
    d, m = crop
    e, est, mse = samplics_fit(d, m, method)
    ours = commdx.battese_harter_fuller(d["corn_area"], d[X], d["county_id"], m[XBAR], population_areas=m["county_id"],
                                        fit=method)
    assert ours["converged"] and not ours["truncated"]
    assert ours["sigma2_u"] == pytest.approx(e.re_std ** 2, rel=1e-7)
    assert ours["sigma2_e"] == pytest.approx(e.error_std ** 2, rel=1e-7)
    np.testing.assert_allclose(ours["beta"], np.asarray(e.fixed_effects, dtype=float), rtol=1e-7)
    np.testing.assert_allclose(ours["eblup"], est, rtol=1e-7)
    np.testing.assert_allclose(ours["mse_analytic"], mse, rtol=1e-7)
    if method == "reml":  # Rao & Molina's Table 7.3 figures to their 4 digits (the data with the outlier kept)
        assert ours["sigma2_u"] == pytest.approx(63.31, abs=0.01)
        assert ours["sigma2_e"] == pytest.approx(297.71, abs=0.01)


def test_bhf_with_population_sizes_agrees_with_samplics(crop):
    # With N per county the EBLUP predicts the finite-population mean: f ybar + (1 - f)(...), as samplics' pop_size
    d, m = crop
    _, est, _ = samplics_fit(d, m, "reml", pop_size=m["pop_segments"])
    ours = commdx.battese_harter_fuller(d["corn_area"], d[X], d["county_id"], m[XBAR], population_areas=m["county_id"],
                                        population_sizes=m["pop_segments"])
    np.testing.assert_allclose(ours["eblup"], est, rtol=1e-7)
    np.testing.assert_allclose(ours["fraction"], m["samp_segments"] / m["pop_segments"], rtol=1e-12)


def test_bhf_bootstrap_mse_against_samplics(crop):
    d, m = crop
    ref = pd.read_csv(DATA / "samplics_bhf_bootstrap.csv").set_index("county_id")["mse_boot"].reindex(m["county_id"])
    args = (d["corn_area"], d[X], d["county_id"], m[XBAR])
    ours = commdx.battese_harter_fuller(*args, population_areas=m["county_id"], replicates=2000, seed=1)
    again = commdx.battese_harter_fuller(*args, population_areas=m["county_id"], replicates=2000, seed=1)
    boot = np.asarray(ours["mse_bootstrap"])
    assert np.array_equal(boot, np.asarray(again["mse_bootstrap"]))  # seeded: the same numbers
    assert ours["mse"] == ours["mse_bootstrap"]
    assert boot.mean() == pytest.approx(ref.mean(), rel=0.10)
    # per county, within the Monte Carlo error of samplics' 200 replicates (sd ~ sqrt(2/200) = 10%), 4 sd
    np.testing.assert_allclose(boot, ref.to_numpy(), rtol=0.4)


def drawn(households: int, city_seed: int, n: int, m: int, seed: int):
    """A synthetic city, a two-stage sample of n groups per ward and m households per group, and
    the sampled households' bank_account."""
    city = commdx.synth.city(households=households, seed=city_seed)
    sel = commdx.select_sample(city.households, n=n, m=m, seed=seed)
    sample = sel.sample.merge(city.households[["household_id", "bank_account"]], on="household_id")
    return city, sel, sample


@pytest.fixture(scope="module")
def city_sample():
    return drawn(4000, 5, n=4, m=5, seed=2)


def test_small_area_bhf_rows(city_sample):
    city, sel, sample = city_sample
    t = commdx.small_area(sample, sel.design, "bank_account", level="residential_group", places=city.places,
                          households=city.households, method="bhf", replicates=50, seed=3)
    groups = city.places.to_dataframe().query("level == 3")
    assert len(t) == len(groups)
    assert set(t["method"]) == {"bhf"}
    for c in ("unit", "variable", "direct", "direct_se", "model", "mse", "chosen", "source", "sigma2_e",
              "mse_analytic", "mse_bootstrap"):
        assert c in t.columns
    sampled = t["n"] > 0
    assert (t.loc[~sampled, "source"] == "synthetic").all()
    assert t["model"].between(0, 1).all() and (t["mse"] > 0).all()
    # a sampled group of 5 of its households: the EBLUP between the group's sample mean and the synthetic
    s = t[sampled & (t["gamma"] > 0)].iloc[0]
    lo, hi = sorted([s["synthetic"], s["direct"]])
    assert lo - 1e-9 <= s["model"] <= hi + 1e-9 or s["reason"] == "census"
    again = commdx.small_area(sample, sel.design, "bank_account", level="residential_group", places=city.places,
                              households=city.households, method="bhf", replicates=50, seed=3)
    pd.testing.assert_frame_equal(t, again)


def test_small_area_bhf_refusals(city_sample):
    city, sel, sample = city_sample
    with pytest.raises(commdx.ConfigError, match="households="):
        commdx.small_area(sample, sel.design, "bank_account", places=city.places, method="bhf")
    with pytest.raises(commdx.InputError) as e:
        commdx.small_area(sample, sel.design, "bank_account", places=city.places, households=city.households,
                          method="bhf", auxiliaries=["no_such_column"])
    assert "no_such_column" in str(e.value)
    with pytest.raises(commdx.ConfigError, match="benchmark must be"):
        commdx.small_area(sample, sel.design, "bank_account", places=city.places, households=city.households,
                          method="bhf", benchmark="raking")


# Benchmarking (commdx::small_area::benchmark, shared with the area-level model; worked by hand in
# tests/cpp/test_small_area.cpp): the references here are computed from the records, not by the code.

@pytest.fixture(scope="module")
def wards_sample():
    """Eight groups of eight households per ward: the wards' direct estimates reliable enough (rse <= 0.2)."""
    return drawn(20000, 4, n=8, m=8, seed=3)


@pytest.mark.parametrize("kind", ["ratio", "difference"])
def test_bhf_benchmarked_to_the_wards(wards_sample, kind):
    city, sel, sample = wards_sample
    args = dict(level="neighbourhood", places=city.places, households=city.households, method="bhf", replicates=0)
    plain = commdx.small_area(sample, sel.design, "bank_account", **args)
    t = commdx.small_area(sample, sel.design, "bank_account", benchmark=kind, **args)
    # the parent's direct estimate by hand: the weighted share of the ward's sampled households
    w = sample[sel.design.weight]
    wards = sample.assign(wy=w * sample["bank_account"], w=w).groupby("ward_code")[["wy", "w"]].sum()
    share = wards["wy"] / wards["w"]
    se = commdx.estimate(sample, sel.design, "bank_account", by="ward_code").set_index("ward_code")["se"]
    size = city.households.groupby("neighbourhood_code").size()  # the household list's counts: the model's population
    t["N"] = size.reindex(t["unit"]).to_numpy(dtype=float)
    done = t["benchmark"] == kind
    assert done.sum() >= 5
    for ward, g in t[done].groupby("parent"):
        assert (g["N"] * g["model"]).sum() / g["N"].sum() == pytest.approx(share[ward], rel=1e-12)
        before = plain.loc[g.index]
        mean = (g["N"] * before["model"]).sum() / g["N"].sum()
        expect = before["model"] * share[ward] / mean if kind == "ratio" else before["model"] + share[ward] - mean
        np.testing.assert_allclose(g["model"], expect, rtol=1e-12)
        np.testing.assert_allclose(g["benchmark_adjustment"], expect - before["model"], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(g["mse"], before["mse"] + (expect - before["model"]) ** 2, rtol=1e-12)
    for ward in set(t.loc[t["benchmark"] == "parent_unreliable", "parent"]):
        assert se[ward] / share[ward] > 0.2
    assert set(t["benchmark"]) <= {kind, "parent_unreliable"}
    assert (plain["benchmark"] == "none").all()
    # the bootstrap and analytic MSEs are the model's own, not benchmarked; `mse` is
    np.testing.assert_allclose(t["mse_analytic"], plain["mse_analytic"], rtol=1e-12)


# The design weights: the unit-level EBLUP weighs a unit's sampled households alike; the `weights`
# column says per unit whether that is what the design says.

def test_bhf_says_how_the_weights_are_treated(wards_sample):
    city, sel, sample = wards_sample
    args = dict(places=city.places, households=city.households, method="bhf", replicates=0)
    groups = commdx.small_area(sample, sel.design, "bank_account", level="residential_group", **args)
    sampled = groups["n"] > 0
    # m = 8 households of every drawn group: equal weights within a group (checked on the records)
    spread = sample.groupby("group_code")[sel.design.weight].agg(lambda w: w.max() - w.min())
    assert (spread == 0).all()
    assert (groups.loc[sampled, "weights"] == "equal").all()
    assert groups.loc[~sampled, "weights"].isna().all()
    # a neighbourhood's groups may weigh differently (a group smaller than m, taken whole): said so
    hoods = commdx.small_area(sample, sel.design, "bank_account", level="neighbourhood", **args)
    hood = city.households.drop_duplicates("group_code").set_index("group_code")["neighbourhood_code"]
    per = sample[sel.design.weight].groupby(sample["group_code"].map(hood)).agg(lambda w: w.max() / w.min() - 1)
    assert set(hoods.loc[hoods["weights"] == "unequal_ignored", "unit"]) == set(per[per > 1e-9].index)
    assert set(hoods.loc[hoods["weights"] == "equal", "unit"]) == set(per[per <= 1e-9].index)
    # ignored means ignored: other weights within a group leave the model's estimates as they were
    g = sample["group_code"] == sample["group_code"].iloc[0]
    other = sample.copy()
    other.loc[g, sel.design.weight] = other.loc[g, sel.design.weight] * np.linspace(0.5, 1.5, int(g.sum()))
    moved = commdx.small_area(other, sel.design, "bank_account", level="residential_group", **args)
    np.testing.assert_array_equal(moved["model"], groups["model"])
    assert set(moved.loc[moved["weights"] == "unequal_ignored", "unit"]) == {sample["group_code"].iloc[0]}
    # the area-level model's direct estimates carry the weights themselves
    fh = commdx.small_area(sample, sel.design, "bank_account", level="neighbourhood", places=city.places)
    assert set(fh.loc[fh["n"] > 0, "weights"]) == {"design"} and fh.loc[fh["n"] == 0, "weights"].isna().all()
