"""R4: the change between survey rounds against R's survey package (fixtures and provenance in
tests/data/monitor/), and small-cell suppression against a differencing attack."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx

DATA = Path(__file__).resolve().parents[1] / "data" / "monitor"
VARIABLES = {"bank": "bank", "noise": "noise", "etc": "etc", "acc_per_adult": ("acc", "adults")}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype={"stratum": str, "psu": str, "area": str}, keep_default_na=True)


@pytest.mark.parametrize("design, file", [("panel", "rounds.csv"), ("independent", "rounds_indep.csv"),
                                          ("independent_grown", "rounds_grown.csv")])
def test_round_changes_match_r_svycontrast(design: str, file: str) -> None:
    rows = _read(file)
    expected = pd.read_csv(DATA / "expected_changes.csv", keep_default_na=False)
    expected = expected[expected["design"] == design]
    got = pd.concat([
        commdx.round_changes(rows, VARIABLES, by=by, include_total=by is None)
        for by in (None, "area", "stratum")
    ])
    merged = expected.merge(got, on=["domain", "variable"], suffixes=("_r", ""))
    assert len(merged) == 24
    for col in ("before", "se_before", "after", "se_after", "change", "se_change"):
        np.testing.assert_allclose(merged[col], merged[col + "_r"].astype(float), rtol=1e-9, atol=1e-12)


def test_adoption_is_flagged_and_noise_is_not() -> None:
    got = commdx.round_changes(_read("rounds.csv"), VARIABLES).set_index("variable")
    assert bool(got.loc["bank", "significant"]) and got.loc["bank", "change"] > 0.2
    assert bool(got.loc["acc_per_adult", "significant"])
    assert not bool(got.loc["noise", "significant"])
    assert got.loc["bank", "n_before"] == got.loc["bank", "n_after"] == 103


def test_design_given_as_object_and_missing_column_named() -> None:
    class Design:
        weight, strata, psu, fpc = "weight", "stratum", "psu", "fpc"

    rows = _read("rounds.csv")
    a = commdx.round_changes(rows, "bank", Design())
    b = commdx.round_changes(rows, "bank", {"fpc": None})
    assert a["se_change"].iloc[0] < b["se_change"].iloc[0]  # the fpc shrinks the variance
    with pytest.raises(commdx.InputError, match="wards"):
        commdx.round_changes(rows, "bank", by="wards")


def _recoverable(cells: pd.DataFrame, status: pd.Series) -> list[str]:
    """Differencing attack: every parent equals the sum of its children; a suppressed cell is
    recovered when its unit vector is in the row space of the constraints on the unknowns."""
    unknown = [u for u, s in zip(cells["unit"], status) if s != "published"]
    pos = {u: i for i, u in enumerate(unknown)}
    units = set(cells["unit"])
    rows = []
    for parent, kids in cells[cells["parent"].isin(units)].groupby("parent"):
        row = np.zeros(len(unknown))
        if parent in pos:
            row[pos[parent]] = 1
        for k in kids["unit"]:
            if k in pos:
                row[pos[k]] = -1
        if np.abs(row).sum():
            rows.append(row)
    if not unknown:
        return []
    a = np.array(rows) if rows else np.zeros((0, len(unknown)))
    base = np.linalg.matrix_rank(a) if len(rows) else 0
    leaked = []
    for u, i in pos.items():
        e = np.zeros(len(unknown))
        e[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == base:
            leaked.append(u)
    return leaked


def test_suppression_of_a_ward_with_tiny_groups_resists_differencing() -> None:
    rng = np.random.default_rng(5)
    rows = [("W", "", 0.0)]
    for n in range(4):
        rows.append((f"N{n}", "W", 0.0))
        for g in range(5):
            rows.append((f"N{n}-T{g}", f"N{n}", float(rng.integers(1, 5) if rng.random() < 0.35 else rng.integers(5, 40))))
    cells = pd.DataFrame(rows, columns=["unit", "parent", "n"])
    for n in range(4):
        cells.loc[cells["unit"] == f"N{n}", "n"] = cells.loc[cells["parent"] == f"N{n}", "n"].sum()
    cells.loc[0, "n"] = cells.loc[cells["parent"] == "W", "n"].sum()
    status = commdx.suppress_small_cells(cells)
    assert (cells["n"] < 5).sum() >= 3
    assert (status[cells["n"] < 5] != "published").all()
    assert (status == "complementary").any()
    assert _recoverable(cells, status) == []
    # without the complementary cells the same attack succeeds
    primary_only = status.where(status != "complementary", "published")
    assert _recoverable(cells, primary_only)


def _round_calibrations(rows: pd.DataFrame, method: str) -> tuple:
    """Each round of ``rows`` calibrated on its own to calibration_margins.csv (households by area;
    linear and raking also the adults' total), as make_calibrated_fixture.R does in R."""
    margins = pd.read_csv(DATA / "calibration_margins.csv", keep_default_na=False)
    design = commdx.SurveyDesign(weight="weight", strata="stratum", psu="psu", fpc="fpc")
    out = []
    for r in (0, 1):
        m = margins[margins["round"] == r]
        spec: dict = {"area": {c: float(p) for c, p in zip(m["category"], m["population"]) if c}}
        if method != "poststratify":
            spec["adults"] = float(m.loc[m["margin"] == "adults", "population"].iloc[0])
        part = rows[rows["round"] == r].reset_index(drop=True)
        out.append(commdx.calibrate(part, design, spec, method=method, tolerance=1e-13))
    return tuple(out)


@pytest.mark.parametrize("design, file", [("panel", "rounds.csv"), ("independent", "rounds_indep.csv"),
                                          ("independent_grown", "rounds_grown.csv")])
@pytest.mark.parametrize("method", ["poststratify", "linear", "raking"])
def test_calibrated_round_changes_match_r(design: str, file: str, method: str) -> None:
    """Issue 14: the change tests of a survey whose rounds are calibrated each to its own totals
    carry the calibration (R: make_calibrated_fixture.R, svytotal + svycontrast on the stacked,
    calibrated rounds)."""
    rows = _read(file)
    cal = _round_calibrations(rows, method)
    expected = pd.read_csv(DATA / "expected_calibrated_changes.csv", keep_default_na=False)
    expected = expected[(expected["design"] == design) & (expected["calibration"] == method)]
    got = pd.concat([commdx.round_changes(rows, VARIABLES, by=by, include_total=by is None, calibration=cal)
                     for by in (None, "area", "stratum")])
    merged = expected.merge(got, on=["domain", "variable"], suffixes=("_r", ""))
    assert len(merged) == 24
    for col in ("before", "se_before", "after", "se_after", "change", "se_change"):
        np.testing.assert_allclose(merged[col], merged[col + "_r"].astype(float), rtol=1e-8)
    # and it is not the uncalibrated test: calibration to area + adults moves the SEs
    plain = commdx.round_changes(rows, VARIABLES).set_index("variable")
    calibrated = got[got["domain"] == ""].set_index("variable")
    assert (calibrated["se_change"] - plain["se_change"]).abs().max() > 1e-4


def test_calibrated_round_changes_refuse_what_does_not_fit() -> None:
    rows = _read("rounds.csv")
    cal = _round_calibrations(rows, "linear")
    with pytest.raises(commdx.ConfigError, match="one per round"):
        commdx.round_changes(rows, "bank", calibration=cal[0])
    with pytest.raises(commdx.ConfigError, match="calibrated design holds one round"):
        commdx.round_changes(rows, "bank", cal[0])
    with pytest.raises(commdx.ConfigError, match="expected a CalibratedDesign"):
        commdx.round_changes(rows, "bank", calibration={0: "weights.csv"})
    # the rounds' calibrated weights put in as the design weights: refused, naming the row
    shown = rows.copy()
    shown.loc[shown["round"] == 0, "weight"] = cal[0].weights
    with pytest.raises(commdx.InputError, match=r"row 1.*weight.*the calibration of round 0 started from"):
        commdx.round_changes(shown, "bank", calibration=cal)
    # the calibration of other records (a household dropped after calibrating)
    with pytest.raises(commdx.InputError, match="made on 103 records, the round has 102 rows"):
        commdx.round_changes(rows.iloc[1:], "bank", calibration=cal)
    # one round calibrated, the other not: allowed (a mapping names the round)
    one = commdx.round_changes(rows, "bank", calibration={1: cal[1]})
    both = commdx.round_changes(rows, "bank", calibration=cal)
    assert one["before"].iloc[0] != both["before"].iloc[0]
    assert one["after"].iloc[0] == pytest.approx(both["after"].iloc[0], rel=1e-14)
