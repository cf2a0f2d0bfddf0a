"""Issue 13: the example city is consistent. A smaller city's areas scale with its households at
every level (the city is the sum of its wards, not the real city's 141.1 km²), and the business
survey, a full count, has no sampling error (its fpc counts the groups that hold a business)."""
from __future__ import annotations

import numpy as np
import pytest

import commdx


@pytest.fixture(scope="module")
def small():
    return commdx.synth.city(households=20_000, seed=2)


def test_every_level_adds_up_in_a_smaller_city(small):
    df = small.places.to_dataframe()
    city = df[df["parent"] == ""].iloc[0]
    wards = df[df["parent"] == city["code"]]
    assert len(wards) == 17 and city["households"] == 20_000 == len(small.households)
    # 20,000 of the real 132,438 households: about 0.151 of the real 141.1 km²
    assert city["area_km2"] == pytest.approx(wards["area_km2"].sum(), abs=1e-3)
    assert city["area_km2"] == pytest.approx(141.1 * 20_000 / 132_438, rel=0.01)
    for parent, kids in df[df["parent"] != ""].groupby("parent"):
        row = df[df["code"] == parent].iloc[0]
        assert kids["households"].sum() == row["households"], parent
        assert kids["population"].sum() == row["population"], parent
        assert kids["area_km2"].sum() == pytest.approx(row["area_km2"], abs=1e-3 * len(kids) + 1e-9), parent


def test_the_real_size_city_keeps_the_published_area():
    # at its real size the wards' areas are the shipped ones (vungtau-units.csv), which sum to 141.1
    import pandas as pd
    from pathlib import Path

    shipped = pd.read_csv(Path(commdx.__file__).parent / "data" / "vungtau-units.csv", dtype={"code": str})
    assert shipped.loc[shipped["kind"] != "city", "area_km2"].sum() == pytest.approx(141.1)


def test_the_business_full_count_has_no_sampling_error(small):
    assert small.businesses["weight"].eq(1).all()
    est = commdx.indicators(small.sample, small.places, businesses=small.businesses, levels=["city", "ward"])
    business = {d["id"] for d in commdx.indicator_catalogue()["indicators"] if d.get("records") == "businesses"}
    rows = est[est["indicator"].isin(business) & est["estimate"].notna()]
    assert len(rows) > 0 and set(rows["level"]) == {"city", "ward"}
    assert np.allclose(rows["se"].fillna(0), 0.0), rows.loc[rows["se"] > 0, ["level", "unit", "indicator", "se"]].head()


def test_a_tiny_city_reads_back_its_own_places_file(tmp_path):
    """300 households: a neighbourhood of 2 households keeps 0.0007 km². ``commdx synth`` wrote it
    as "7e-04" (the shortest form), which its own places reader refused, so ``commdx indicators
    --places places.csv`` on the folder failed. Now written "0.0007"; and the reader takes the
    scientific form too (what Excel exports)."""
    import subprocess
    import sys

    city = tmp_path / "city"
    run = [sys.executable, "-m", "commdx"]
    subprocess.run([*run, "synth", "--households", "300", "--seed", "2", "--out", str(city)], check=True,
                   capture_output=True)
    text = (city / "places.csv").read_text(encoding="utf-8")
    assert "e-0" not in text and ",0.0007," in text
    res = subprocess.run([*run, "indicators", str(city / "sample_households.csv"), "--places", str(city / "places.csv"),
                          "--levels", "city,ward", "-o", str(tmp_path / "estimates.csv")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    places = commdx.places.places_from_option(str(city / "places.csv"))
    areas = places.to_dataframe().set_index("code")["area_km2"]
    assert areas["26506-KP05"] == pytest.approx(0.0007) and areas.min() > 0
