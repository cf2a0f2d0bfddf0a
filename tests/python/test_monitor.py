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
