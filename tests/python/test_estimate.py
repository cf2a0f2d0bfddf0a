"""S1-S4: commdx.SurveyDesign / estimate / estimate_ratio, checked against R's survey package.

Reference values: tests/data/r/expected.csv, written by tests/data/r/make_fixtures.R (survey
4.1.1) from the CSV rows beside it; see tests/data/r/README.md.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import commdx

R = Path(__file__).resolve().parents[1] / "data" / "r"
TEXT = {c: str for c in ("ward_code", "neighbourhood_code", "group_code", "stratum", "psu", "household_id")}


def _data(name: str) -> pd.DataFrame:
    file = {"city": "city_sample.csv", "synth": "synth_sample.csv"}.get(name, f"{name}.csv")
    return pd.read_csv(R / file, dtype=TEXT if not name.startswith("api") else {"stype": str})


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(R / "expected.csv", dtype={"by_value": str, "by": str, "strata": str, "psu": str,
                                                  "fpc": str, "weight": str, "denominator": str}, keep_default_na=False,
                       na_values={"estimate": ["", "NaN"], "se": ["", "NaN"], "deff": ["", "NaN"]})


def _design(row: pd.Series) -> commdx.SurveyDesign:
    return commdx.SurveyDesign(weight=row.weight or None, strata=row.strata or None, psu=row.psu or None,
                               fpc=row.fpc or None, lonely_psu=row.lonely)


CASES = [  # (design id, stat, variable, denominator, by) - each kind of design, with domains and NaNs
    ("strat_fpc", "mean", "api00", "", "stype"),
    ("strat_fpc_fraction", "total", "enroll", "", ""),
    ("strat_nofpc", "mean", "acs_k3", "", ""),           # NaNs in acs_k3
    ("strat_cluster_api", "ratio", "api00", "api99", "stype"),
    ("clus1_fpc", "total", "enroll", "", "stype"),
    ("clus1_nofpc", "mean", "meals", "", "stype"),
    ("clus2_stage1_fpc", "ratio", "acs_k3", "enroll", ""),
    ("city_fpc", "ratio", "adults_bank_account", "adults", "neighbourhood_code"),
    ("city_nofpc", "total", "pay_online_water", "", "ward_code"),  # NaNs where there is no water bill
    ("synth_fpc", "ratio", "adults_smartphone", "adults", "ward_code"),
    ("synth_fpc", "mean", "conv_egov", "", "neighbourhood_code"),
    ("lonely_adjust", "mean", "head_education", "", "ward_code"),
    ("lonely_average", "total", "adults_bank_account", "", ""),
    ("lonely_remove", "ratio", "members_buy_postmart_voso", "members", "ward_code"),
]


@pytest.mark.parametrize("case", CASES, ids=["-".join(c for c in case if c) for case in CASES])
def test_agrees_with_r_survey(expected: pd.DataFrame, case: tuple[str, ...]) -> None:
    design_id, stat, variable, denominator, by = case
    ref = expected[(expected.design == design_id) & (expected.stat == stat) & (expected.variable == variable)
                   & (expected.denominator == denominator) & (expected.by == by)]
    assert len(ref) > 0
    df = _data(ref.dataset.iloc[0])
    design = _design(ref.iloc[0])
    if stat == "ratio":
        got = commdx.estimate_ratio(df, design, variable, denominator, by=by or None)
    else:
        got = commdx.estimate(df, design, [variable], stat=stat, by=by or None)
    assert list(got.columns) == ([by] if by else []) + ["variable", "estimate", "se", "ci_low", "ci_high", "deff", "n"]
    key = got[by].astype(str) if by else pd.Series([""] * len(got))
    got = got.assign(key=key.to_numpy()).set_index("key")
    for _, r in ref.iterrows():
        g = got.loc[r.by_value]
        if g.n == 0:  # every value missing in this domain: R says 0 (or NaN), commdx says missing
            assert np.isnan(g.estimate)
            continue
        assert g.estimate == pytest.approx(r.estimate, rel=1e-9)
        if r.se > 1e-13 * max(1.0, abs(r.estimate)):
            assert g.se == pytest.approx(r.se, rel=1e-9)
            assert g.deff == pytest.approx(r.deff, rel=1e-8, nan_ok=True)
        else:
            assert g.se <= 1e-13 * max(1.0, abs(r.estimate))


def test_proportion_interval_is_logit_and_inside_unit_interval(expected: pd.DataFrame) -> None:
    ref = expected[(expected.design == "city_fpc") & (expected.stat == "prop") & (expected.variable == "bank_account")
                   & (expected.by == "ward_code")]
    df = _data("city")
    got = commdx.estimate(df, commdx.SurveyDesign("weight", "stratum", "psu", "fpc"), "bank_account", by="ward_code")
    got = got.set_index("ward_code")
    for _, r in ref.iterrows():
        g = got.loc[r.by_value]
        assert 0.0 <= g.ci_low < g.estimate < g.ci_high <= 1.0
        assert g.ci_low == pytest.approx(float(r.logit_low), rel=1e-9)
        assert g.ci_high == pytest.approx(float(r.logit_high), rel=1e-9)
    # Forcing Wald gives R's confint (normal quantile) instead
    wald = commdx.estimate(df, commdx.SurveyDesign("weight", "stratum", "psu", "fpc"), "bank_account", ci="wald")
    assert wald.ci_low[0] == pytest.approx(wald.estimate[0] - 1.959963984540054 * wald.se[0], rel=1e-12)


def test_census_has_zero_standard_error() -> None:
    df = pd.DataFrame({"ward": ["A"] * 4 + ["B"] * 4, "group": ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2"],
                       "w": 1.0, "fpc": 2, "y": [1, 0, 1, 1, 0, 0, 1, 0]})
    got = commdx.estimate(df, commdx.SurveyDesign(weight="w", strata="ward", psu="group", fpc="fpc"), ["y"], by="ward")
    assert got.estimate.tolist() == [0.75, 0.25]
    assert got.se.tolist() == [0.0, 0.0]
    assert (got.ci_low == got.estimate).all() and (got.ci_high == got.estimate).all()


def test_design_parse_and_errors() -> None:
    d = commdx.SurveyDesign.parse("weight=weight,strata=stratum,psu=psu,fpc=fpc,lonely_psu=adjust")
    assert d == commdx.SurveyDesign("weight", "stratum", "psu", "fpc", "adjust")
    with pytest.raises(commdx.ConfigError):
        commdx.SurveyDesign(lonely_psu="sometimes")
    with pytest.raises(commdx.ConfigError):
        commdx.SurveyDesign.parse("colour=blue")
    df = pd.DataFrame({"w": [1.0, -1.0], "y": [1.0, 2.0]})
    with pytest.raises(commdx.InputError, match="row 2, column 'w'"):
        commdx.estimate(df, commdx.SurveyDesign(weight="w"), ["y"])
    with pytest.raises(commdx.InputError, match="column 'nope'"):
        commdx.estimate(df, commdx.SurveyDesign(weight=None), ["nope"])
    lonely = _data("city_lonely")
    with pytest.raises(commdx.InputError, match="stratum '26506' has only one PSU"):
        commdx.estimate(lonely, commdx.SurveyDesign("weight", "stratum", "psu", "fpc"), ["bank_account"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1), st.floats(0.5, 20)), min_size=6, max_size=60))
def test_unweighted_srs_matches_textbook_formula(rows: list[tuple[int, int, float]]) -> None:
    # Unweighted, without strata or PSUs, the mean's se is the textbook s / sqrt(n) (the
    # with-replacement approximation), and any interval of a 0/1 mean stays inside [0, 1].
    df = pd.DataFrame(rows, columns=["g", "y", "x"])
    srs = commdx.SurveyDesign(weight=None)  # said explicitly (issue 11: never a silent default)
    got = commdx.estimate(df, srs, ["x", "y"])
    n = len(df)
    assert got.estimate[0] == pytest.approx(df.x.mean(), rel=1e-12)
    assert got.se[0] == pytest.approx(df.x.std(ddof=1) / np.sqrt(n), rel=1e-9, abs=1e-12)
    assert 0.0 <= got.ci_low[1] <= got.ci_high[1] <= 1.0
    by = commdx.estimate(df, srs, ["y"], by="g")
    assert by.n.sum() == n
    assert by.g.is_monotonic_increasing


def test_means_and_totals_take_students_t_on_the_design_degrees_of_freedom():
    # docs/intervals.md. Two strata of two PSUs (tests/cpp/test_estimate.cpp's hand example): the
    # mean 4 has se sqrt(0.5) on 4 - 2 = 2 degrees of freedom; qt(0.975, 2) = 4.3026527297494619
    df = pd.DataFrame({"s": [1, 1, 2, 2], "y": [1.0, 3.0, 5.0, 7.0], "d": ["a", "a", "a", "b"]})
    design = commdx.SurveyDesign(weight=None, strata="s")
    auto = commdx.estimate(df, design, "y")
    assert auto.se[0] == pytest.approx(0.5 ** 0.5, rel=1e-14)
    assert auto.ci_low[0] == pytest.approx(4.0 - 4.3026527297494619 * 0.5 ** 0.5, rel=1e-12)
    assert auto.ci_high[0] == pytest.approx(4.0 + 4.3026527297494619 * 0.5 ** 0.5, rel=1e-12)
    forced = commdx.estimate(df, design, "y", ci="wald_t")
    assert forced.ci_low[0] == auto.ci_low[0]
    # the option back to R's confint: the normal quantile
    normal = commdx.estimate(df, design, "y", ci="wald", stat="total")
    assert normal.ci_low[0] == pytest.approx(16.0 - 1.959963984540054 * normal.se[0], rel=1e-12)
    total = commdx.estimate(df, design, "y", stat="total")
    assert total.ci_high[0] - total.estimate[0] == pytest.approx(4.3026527297494619 * total.se[0], rel=1e-12)
    # a domain inside one PSU of a sampled stratum ("b": one record) has no degrees of freedom:
    # no t interval, as the logit interval
    by = commdx.estimate(df, design, "y", by="d").set_index("d")
    assert np.isnan(by.loc["b", "ci_low"]) and np.isnan(by.loc["b", "ci_high"])
    with pytest.raises(commdx.ConfigError, match="ci must be auto, wald, wald_t or logit"):
        commdx.estimate(df, design, "y", ci="normal")
