"""Issue 18: small-area estimation (commdx.small_area, commdx.fay_herriot).

Must show: agreement with an independent implementation, samplics' ``EblupAreaModel`` (PyPI,
samplics 0.6), on the area variance, the EBLUPs and the MSEs of a fixed data set, REML and ML:

* the data set: samplics' own Fay-Herriot example, the expenditure on milk of 42 small areas in
  four major areas (Arora and Lahiri 1997; Rao & Molina 2015, 6.2.2), auxiliaries the major-area
  dummies; and the example city's neighbourhood proportions as commdx.small_area models them;
* tolerance: REML relative 1e-8 on sigma2_u, beta, EBLUPs and MSEs (samplics run to tol 1e-12).
* ML: samplics 0.6's Fisher scoring stops after two steps whatever its ``tol`` (its ML score is a
  1-element array, and ``sigma2_v += ...`` updates in place the array it keeps as the previous
  value, so the relative change it tests is 0): its sigma2_u depends on the start. So the ML
  sigma2_u is checked against the ML likelihood maximised by scipy in this file (relative 1e-6),
  and samplics' EBLUPs and MSEs (its Datta-Lahiri MSE, g1 - b_ML (dg1/ds2) + g2 + 2 g3) are taken
  from samplics started at that maximum, where its one step moves nothing but rounding.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar

import commdx

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # samplics announces it is archived (FutureWarning)
    from samplics.datasets import load_expenditure_milk
    from samplics.sae import EblupAreaModel
    from samplics.utils.types import FitMethod


@pytest.fixture(scope="module")
def milk():
    data = load_expenditure_milk()["data"]
    x = pd.get_dummies(data["major_area"], prefix="major", drop_first=True).astype(float)
    return data, x


def samplics_fit(y, se, x, area, method, start=0.001):
    m = EblupAreaModel(method=FitMethod(method.upper()))
    m.fit(yhat=y, X=x, area=area, error_std=se, intercept=True, tol=1e-12, maxiter=500, re_std_start=start)
    m.predict(X=x, area=area, intercept=True)
    est = np.array([float(np.ravel(m.area_est[a])[0]) for a in area])
    mse = np.array([float(np.ravel(m.area_mse[a])[0]) for a in area])
    return float(np.ravel(m.re_std)[0]) ** 2, np.asarray(m.fixed_effects, dtype=float), est, mse


def ml_maximum(y, d, x) -> float:
    """sigma2_u maximising the Fay-Herriot ML log-likelihood (beta profiled out by GLS)."""
    X = np.column_stack([np.ones(len(y)), x])

    def minus_loglik(s2: float) -> float:
        v = s2 + d
        w = 1.0 / v
        beta = np.linalg.solve(X.T @ (X * w[:, None]), X.T @ (w * y))
        r = y - X @ beta
        return 0.5 * (np.sum(np.log(v)) + np.sum(r * r * w))

    return float(minimize_scalar(minus_loglik, bounds=(0.0, 1.0), method="bounded",
                                 options={"xatol": 1e-14}).x)


def test_reml_agrees_with_samplics_on_milk(milk):
    data, x = milk
    area = data["small_area"].to_numpy()
    s2, beta, est, mse = samplics_fit(data["direct_est"], data["std_error"], x, area, "reml")
    ours = commdx.fay_herriot(data["direct_est"], data["std_error"] ** 2, x, units=area.astype(str), fit="reml")
    assert ours["converged"] and not ours["truncated"]
    assert ours["sigma2_u"] == pytest.approx(s2, rel=1e-8)
    assert ours["sigma2_u"] == pytest.approx(0.01855, abs=1e-5)  # Rao & Molina's REML figure, 4 digits
    np.testing.assert_allclose(ours["beta"], beta, rtol=1e-8)
    np.testing.assert_allclose(ours["eblup"], est, rtol=1e-8)
    np.testing.assert_allclose(ours["mse"], mse, rtol=1e-8)
    # the MSE is below the direct variance everywhere, as it must be when gamma < 1
    assert np.all(np.asarray(ours["mse"]) < data["std_error"].to_numpy() ** 2)


def test_ml_agrees_with_the_likelihood_and_samplics_on_milk(milk):
    data, x = milk
    area = data["small_area"].to_numpy()
    d = data["std_error"].to_numpy() ** 2
    ours = commdx.fay_herriot(data["direct_est"], d, x, units=area.astype(str), fit="ml")
    best = ml_maximum(data["direct_est"].to_numpy(), d, x.to_numpy())
    assert ours["sigma2_u"] == pytest.approx(best, rel=1e-6)
    s2, beta, est, mse = samplics_fit(data["direct_est"], data["std_error"], x, area, "ml", start=np.sqrt(best))
    assert s2 == pytest.approx(ours["sigma2_u"], rel=1e-6)
    np.testing.assert_allclose(ours["eblup"], est, rtol=1e-6)
    np.testing.assert_allclose(ours["mse"], mse, rtol=1e-5)
    # ML's sigma2_u is below REML's (ML does not account for the p degrees of freedom of beta)
    reml = commdx.fay_herriot(data["direct_est"], d, x, fit="reml")
    assert ours["sigma2_u"] < reml["sigma2_u"]


@pytest.fixture(scope="module")
def city():
    return commdx.synth.city(households=20000, seed=1)


DESIGN = commdx.SurveyDesign(weight="weight", strata="stratum", psu="psu", fpc="fpc")


def test_city_neighbourhoods_agree_with_samplics_on_the_arcsine_scale(city):
    t = commdx.small_area(city.sample, DESIGN, "bank_account", level="neighbourhood", places=city.places)
    s = t[t["n"] > 0].reset_index(drop=True)
    pl = city.places.to_dataframe().set_index("code")
    hh = pl.loc[s["unit"], "households"].to_numpy(dtype=float)
    x = pd.DataFrame({"density": np.log(hh / pl.loc[s["unit"], "area_km2"].to_numpy(dtype=float)),
                      "households": np.log(hh)})
    theta = np.arcsin(np.sqrt(s["direct"].to_numpy()))
    s2, _, est, _ = samplics_fit(theta, np.sqrt(s["variance"].to_numpy()), x, s["unit"].to_numpy(), "reml")
    assert t["sigma2_u"].iloc[0] == pytest.approx(s2, rel=1e-8)
    np.testing.assert_allclose(s["model"], np.sin(est) ** 2, rtol=1e-8)


def test_every_unit_gets_a_row_and_a_reason(city):
    t = commdx.small_area(city.sample, DESIGN, ["bank_account", "home_internet"], level="neighbourhood",
                          places=city.places)
    units = city.places.to_dataframe().query("level == 2")["code"]
    assert len(t) == 2 * len(units)
    assert set(t["unit"]) == set(units)
    assert t["model"].between(0, 1).all() and (t["mse"] > 0).all()
    unsampled = t[t["n"] == 0]
    assert len(unsampled) > 0 and (unsampled["source"] == "synthetic").all()
    assert (unsampled["reason"] == "no_sample").all()
    direct = t[t["source"] == "direct"]
    assert (direct["reason"].isin(["rse_ok", "census"])).all()
    ok = direct[direct["reason"] == "rse_ok"]
    assert ((ok["direct_se"] / ok["direct"]) <= 0.2).all()
    np.testing.assert_array_equal(ok["chosen"], ok["direct"])
    one_psu = t[(t["psus"] == 1) & (t["n"] > 0) & (t["reason"] != "census")]
    assert len(one_psu) > 0  # the "40% of neighbourhood SEs are missing"
    assert (one_psu["variance_source"] == "gvf").all() and (one_psu["source"] == "eblup").all()
    model = t[t["source"] == "eblup"]
    np.testing.assert_allclose(model["chosen_se"], np.sqrt(model["mse"]))


def test_benchmarking_adds_up_to_the_wards(city):
    t = commdx.small_area(city.sample, DESIGN, "bank_account", level="neighbourhood", places=city.places,
                          benchmark="ratio")
    wards = commdx.estimate(city.sample, DESIGN, "bank_account", by="ward_code").set_index("ward_code")
    pl = city.places.to_dataframe().set_index("code")
    t["hh"] = pl.loc[t["unit"], "households"].to_numpy(dtype=float)
    done = t[t["benchmark"] == "ratio"]
    assert len(done) > 0
    for ward, g in done.groupby("parent"):
        assert (g["hh"] * g["model"]).sum() / g["hh"].sum() == pytest.approx(wards.loc[ward, "estimate"], rel=1e-12)
    skipped = t[t["benchmark"] == "parent_unreliable"]
    for ward in set(skipped["parent"]):
        assert wards.loc[ward, "se"] / wards.loc[ward, "estimate"] > 0.2


def test_auxiliaries_from_a_dataframe_and_the_household_list(city):
    groups = city.places.to_dataframe().query("level == 3")
    aux = pd.DataFrame({"unit": groups["code"], "log_households": np.log(groups["households"].astype(float))})
    a = commdx.small_area(city.sample, DESIGN, "bank_account", auxiliaries=[aux], places=city.places)
    b = commdx.small_area(city.sample, DESIGN, "bank_account", auxiliaries=["households"], places=city.places)
    np.testing.assert_allclose(a["model"], b["model"], rtol=1e-12)  # the same auxiliary, two ways
    c = commdx.small_area(city.sample, DESIGN, "bank_account", auxiliaries=["head_age", "members"],
                          places=city.places, households=city.households)
    assert c.attrs["auxiliaries"] == ["head_age", "members"]
    assert not np.allclose(c["model"], b["model"])


# Bad inputs: a refusal naming the unit, column or option; nothing silently dropped.

def test_refusals(city):
    s = city.sample
    with pytest.raises(commdx.ConfigError, match="method must be 'fh'"):
        commdx.small_area(s, DESIGN, "bank_account", method="ebp", places=city.places)
    with pytest.raises(commdx.ConfigError, match="level must be one of"):
        commdx.small_area(s, DESIGN, "bank_account", level="province", places=city.places)
    with pytest.raises(commdx.ConfigError, match="fit must be reml or ml"):
        commdx.small_area(s, DESIGN, "bank_account", fit="bayes", places=city.places)
    with pytest.raises(commdx.ConfigError, match="households="):
        commdx.small_area(s, DESIGN, "bank_account", auxiliaries=["head_age"], places=city.places)
    groups = city.places.to_dataframe().query("level == 3")
    aux = pd.DataFrame({"unit": groups["code"], "x": 1.0})  # constant: collinear with the intercept
    with pytest.raises(commdx.InputError, match="collinear") as e:
        commdx.small_area(s, DESIGN, "bank_account", auxiliaries=[aux], places=city.places)
    assert e.value.column == "x"
    aux = pd.DataFrame({"unit": groups["code"], "x": np.arange(len(groups), dtype=float)}).astype({"x": object})
    aux.loc[aux.index[5], "x"] = "n/a"
    with pytest.raises(commdx.InputError, match="expected a number") as e:
        commdx.small_area(s, DESIGN, "bank_account", auxiliaries=[aux], places=city.places)
    assert e.value.unit == groups["code"].iloc[5]
    short = pd.DataFrame({"unit": groups["code"].iloc[1:], "x": np.arange(len(groups) - 1, dtype=float)})
    with pytest.raises(commdx.InputError, match="auxiliary value is missing") as e:
        commdx.small_area(s, DESIGN, "bank_account", auxiliaries=[short], places=city.places)
    assert e.value.unit == groups["code"].iloc[0] and e.value.column == "x"
    bad = s.copy()
    bad.loc[bad.index[0], "group_code"] = "99999-KP01-T01"
    with pytest.raises(commdx.InputError, match="not a residential_group of the places") as e:
        commdx.small_area(bad, DESIGN, "bank_account", places=city.places)
    assert e.value.unit == "99999-KP01-T01"
    with pytest.raises(commdx.InputError, match="outside \\[0, 1\\]"):
        commdx.small_area(s, DESIGN, "members", transform="arcsine", places=city.places)
    with pytest.raises(commdx.InputError, match="smoothing is off"):
        commdx.small_area(s, DESIGN, "bank_account", level="neighbourhood", smoothing="none", places=city.places)


# The command line: commdx indicators --small-areas LEVEL writes the table beside the indicators.

@pytest.fixture(scope="module")
def city_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    commdx.synth.write(folder, households=3000, seed=1)
    return folder


def test_cli_small_areas(city_files, tmp_path, capsys):
    from commdx import cli

    out = tmp_path / "indicators.csv"
    code = cli.main(["indicators", str(city_files / "sample_households.csv"), "--places", str(city_files / "places.csv"),
                     "-o", str(out), "--small-areas", "neighbourhood", "--lang", "en"])
    assert code == 0
    small = pd.read_csv(tmp_path / "indicators-small-areas.csv", encoding="utf-8-sig")
    assert {"households_bank_account", "e_wallet"} <= set(small["indicator"])
    places = commdx.places_from_option(str(city_files / "places.csv")).to_dataframe()
    assert set(small["unit"].astype(str)) == set(places.query("level == 2")["code"].astype(str))  # every one, sampled or not
    assert set(small["source"]) <= {"direct", "eblup", "synthetic"}
    assert small["chosen"].between(0, 1).all()
    printed = capsys.readouterr().out
    assert "Small areas at level neighbourhood" in printed and "indicators-small-areas.csv" in printed


def test_cli_small_areas_needs_an_output(city_files, capsys):
    from commdx import cli

    code = cli.main(["indicators", str(city_files / "sample_households.csv"), "--places", str(city_files / "places.csv"),
                     "--small-areas", "neighbourhood"])
    assert code == 2
    assert "--small-areas cần" in capsys.readouterr().err  # Vietnamese by default


def test_a_calibrated_design_is_estimated_as_calibrated(city):
    """A CalibratedDesign gives the direct estimates, SEs and benchmarks of the calibrated design
    (it was turned into the uncalibrated one before: its calibration silently dropped)."""
    sample = city.sample
    w = sample.groupby("ward_code")["weight"].sum()
    moved = {str(k): float(round(v * (1.1 if i % 2 else 0.92))) for i, (k, v) in enumerate(w.items())}
    # (households by ward alone would scale each ward's weights: a neighbourhood's mean and SE unchanged)
    members = float(round((sample["weight"] * sample["members"]).sum() * 1.04))
    cal = commdx.calibrate(sample, DESIGN, {"ward_code": moved, "members": members}, method="linear")
    t = commdx.small_area(sample, cal, "bank_account", level="neighbourhood", places=city.places)
    ref = commdx.estimate(sample, cal, "bank_account", by="neighbourhood_code")
    got = t[t["n"] > 0].merge(ref, left_on="unit", right_on="neighbourhood_code", validate="one_to_one")
    assert len(got) == len(ref)
    np.testing.assert_allclose(got["direct"], got["estimate"], rtol=1e-12)
    np.testing.assert_allclose(got["direct_se"], got["se"], rtol=1e-12, equal_nan=True)
    assert (t.loc[t["n"] > 0, "weights"] == "calibrated").all()
    plain = commdx.small_area(sample, DESIGN, "bank_account", level="neighbourhood", places=city.places)
    moved_se = (t["direct_se"] - plain["direct_se"]).abs()
    assert moved_se.max() > 1e-4  # the calibration reached the SEs
    # benchmarked to the calibrated wards' direct estimates
    wards = commdx.estimate(sample, cal, "bank_account", by="ward_code").set_index("ward_code")["estimate"]
    plain_wards = commdx.estimate(sample, DESIGN, "bank_account", by="ward_code").set_index("ward_code")["estimate"]
    assert (wards - plain_wards).abs().max() > 1e-6
