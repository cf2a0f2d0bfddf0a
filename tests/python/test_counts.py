"""Issue 14, "Counts as well as shares": where the directive asks "how many", the one indicator
catalogue (indicators.json) answers with totals and their SEs beside the shares. S1: residents
with a bank account and households paying each bill online; S2: for each business type (shops,
eateries, shopping centres, market stalls, lodging, convenience stores, enterprises) its count
({"count": true}: every record of the type counts 1) and how many of them take electronic
payment.

Checked against R survey 4.1.1's ``svytotal`` (tests/data/r/make_counts_fixture.R, samples from
make_counts_sample.py: the example city's household sample and a stratified cluster sample of
its businesses) to a relative 1e-9, overall and by ward, and against the weighted totals worked
out here by hand from the records."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx

R = Path(__file__).resolve().parents[1] / "data" / "r"
TEXT = {c: str for c in ("household_id", "business_id", "ward_code", "group_code", "stratum", "psu", "type")}
BILLS = ("electricity", "water", "internet", "cable_tv", "school_fees")
TYPES = ("shop", "eatery", "shopping_centre", "market_stall", "lodging", "convenience_store", "enterprise")
HOUSEHOLD_COUNTS = ["residents_bank_account_count"] + [f"pay_online_{b}_count" for b in BILLS]
BUSINESS_COUNTS = [f"{t}{k}" for t in TYPES for k in ("_count", "_e_payment_count")]
DESIGN = "weight=weight,strata=stratum,psu=psu,fpc=fpc"


@pytest.fixture(scope="module")
def samples() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.read_csv(R / "counts_households.csv", dtype=TEXT), pd.read_csv(R / "counts_businesses.csv", dtype=TEXT))


@pytest.fixture(scope="module")
def table(samples) -> pd.DataFrame:
    hh, bz = samples
    out = commdx.indicators(hh, commdx.Places.vung_tau(), DESIGN, catalogue=HOUSEHOLD_COUNTS + BUSINESS_COUNTS,
                            levels=["city", "ward"], businesses=bz, as_of="2022-07-20")
    return out.set_index(["indicator", "level", "unit"])


def test_the_catalogue_has_every_count_as_a_total_beside_its_share() -> None:
    cat = {i["id"]: i for i in commdx.indicator_catalogue()["indicators"]}
    for b in BILLS:  # the count beside the share of the same column
        share, count = cat[f"pay_online_{b}"], cat[f"pay_online_{b}_count"]
        assert (share["statistic"], count["statistic"]) == ("proportion", "total")
        assert share["numerator"] == count["numerator"] and "S1" in count["requirements"]
    for t in TYPES:
        count, paying = cat[f"{t}_count"], cat[f"{t}_e_payment_count"]
        assert count["statistic"] == paying["statistic"] == "total" and count["numerator"] == {"count": True}
        assert count["where"] == paying["where"] == [{"column": "type", "in": [t]}]
        assert paying["numerator"] == cat["business_e_payment_count"]["numerator"]
        assert count["label_vi"].startswith("Số ") and count["label_en"].startswith("Number of ")


def test_totals_agree_with_r_svytotal(table) -> None:
    expected = pd.read_csv(R / "expected_counts.csv", dtype={"unit": str})
    assert set(expected["indicator"]) == set(HOUSEHOLD_COUNTS + BUSINESS_COUNTS)
    compared = zero_domains = 0
    for r in expected.itertuples():
        got = table.loc[(r.indicator, r.level, r.unit)]
        if r.estimate == 0 and r.se == 0 and got["n"] == 0:
            # no record of the type in the ward's sample: R's svyby reports 0 with se 0, commdx
            # a missing estimate with n = 0 (tests/data/r/README.md)
            assert np.isnan(got["estimate"])
            zero_domains += 1
            continue
        assert got["estimate"] == pytest.approx(r.estimate, rel=1e-9), r
        assert got["se"] == pytest.approx(r.se, rel=1e-9, abs=1e-9 * abs(r.estimate)), r
        compared += 1
    assert compared >= 300 and zero_domains < 60, (compared, zero_domains)


def test_totals_are_the_weighted_counts_of_the_records(samples, table) -> None:
    hh, bz = samples
    for b in BILLS:
        y = hh[f"pay_online_{b}"]
        assert y.isna().any() and (y.dropna() == 1).any()  # households without the bill are outside it
        by_hand = float((hh["weight"] * y.fillna(0)).sum())
        assert table.loc[(f"pay_online_{b}_count", "city", "747"), "estimate"] == pytest.approx(by_hand, rel=1e-12)
    epay = (bz[["accepts_qr", "accepts_bank_transfer", "accepts_card"]] == 1).any(axis=1)
    for t in TYPES:
        of_type = bz["type"] == t
        assert of_type.any(), t
        count = float(bz.loc[of_type, "weight"].sum())
        paying = float(bz.loc[of_type & epay, "weight"].sum())
        assert table.loc[(f"{t}_count", "city", "747"), "estimate"] == pytest.approx(count, rel=1e-12)
        assert table.loc[(f"{t}_e_payment_count", "city", "747"), "estimate"] == pytest.approx(paying, rel=1e-12)
        assert 0 <= paying <= count
    # a sample, not a census: the counts carry sampling error
    assert (table.loc[pd.IndexSlice[BUSINESS_COUNTS, "city", :], "se"] > 0).all()


def test_a_count_term_must_say_true() -> None:
    bad = {"version": 1, "indicators": [{"id": "x", "label_vi": "x", "label_en": "x", "records": "businesses",
                                         "statistic": "total", "numerator": {"count": 1}, "denominator": None}]}
    with pytest.raises(commdx.ConfigError, match="'count' must be true"):
        commdx.indicators(pd.DataFrame({"ward_code": ["26506"], "weight": [1.0]}), commdx.Places.vung_tau(),
                          "weight=weight", catalogue=bad)
