"""``commdx survey calibrate`` run as a user runs it (a subprocess of ``python -m commdx``): the
example city's sample calibrated to its own population's totals (as a commune's records give them),
the indicators under the calibrated design equal to the Python API's, the weights written, and bad
margins or unreachable totals refused in one line naming the file, row, margin and category."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "commdx", "survey", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=300)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city") / "city"
    res = subprocess.run([sys.executable, "-m", "commdx", "synth", "--households", "5000", "--seed", "7", "--out", str(out)],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert res.returncode == 0, res.stderr
    pop = pd.read_csv(out / "households.csv")
    rows = [("ward_code", str(k), v) for k, v in pop.groupby("ward_code").size().items()]
    rows += [("head_education", str(int(k)), v) for k, v in pop.groupby("head_education").size().items()]
    rows += [("members", "", int(pop["members"].sum()))]
    pd.DataFrame(rows, columns=["margin", "category", "population"]).to_csv(out / "margins.csv", index=False)
    return out


def test_calibrate_writes_indicators_under_the_calibrated_design(city, tmp_path):
    out, weights = tmp_path / "ind.csv", tmp_path / "w.csv"
    res = run("calibrate", str(city / "sample_households.csv"), "--places", str(city / "places.csv"),
              "--margins", str(city / "margins.csv"), "--method", "raking", "--bounds", "0.5,2",
              "--weights", str(weights), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Đã hiệu chỉnh ") and "raking" in res.stdout, res.stdout
    ind = pd.read_csv(out, encoding="utf-8-sig", dtype={"unit": str})
    # the same through the Python API
    places = commdx.Places.from_dataframe(pd.read_csv(city / "places.csv", dtype=str))
    sample = commdx.read_households(str(city / "sample_households.csv"), places=places)
    margins = {m: (float(g["population"].iloc[0]) if g["category"].isna().all()
                   else dict(zip(g["category"].astype(str), g["population"].astype(float))))
               for m, g in pd.read_csv(city / "margins.csv", dtype={"category": str}).groupby("margin", sort=False)}
    cal = commdx.calibrate(sample, commdx.SurveyDesign.default_for(sample), margins, method="raking", bounds=(0.5, 2))
    want = commdx.estimate(sample, cal, "bank_account", by="ward_code")
    got = ind[(ind["level"] == "ward") & (ind["indicator"] == "households_bank_account")].set_index("unit")
    want = want.assign(unit=want["ward_code"].astype(str)).set_index("unit")
    np.testing.assert_allclose(got.loc[want.index, "estimate"], want["estimate"], rtol=1e-12)
    np.testing.assert_allclose(got.loc[want.index, "se"], want["se"], rtol=1e-12)
    # the weights file: g within the bounds, and the calibrated weights meet the ward counts
    w = pd.read_csv(weights, encoding="utf-8-sig")
    assert len(w) == len(sample) and w["g"].between(0.5, 2).all()
    np.testing.assert_allclose(w["weight_calibrated"], cal.weights, rtol=1e-12)
    by_ward = w.assign(ward=sample["ward_code"].astype(str).to_numpy()).groupby("ward")["weight_calibrated"].sum()
    for ward, count in margins["ward_code"].items():
        assert by_ward[ward] == pytest.approx(count, rel=1e-9)


def test_nonresponse_then_calibration(city, tmp_path):
    sample = pd.read_csv(city / "sample_households.csv", dtype=str, keep_default_na=False)
    sample["responded"] = np.where(np.arange(len(sample)) % 9 == 4, "0", "1")  # one in nine did not answer
    path = tmp_path / "answered.csv"
    sample.to_csv(path, index=False)
    out = tmp_path / "ind.csv"
    res = run("calibrate", str(path), "--places", str(city / "places.csv"), "--margins", str(city / "margins.csv"),
              "--responded", "responded", "--cells", "stratum", "-o", str(out), "--lang", "en")
    assert res.returncode == 0, res.stderr
    ind = pd.read_csv(out, encoding="utf-8-sig")
    city_row = ind[(ind["level"] == "city") & (ind["indicator"] == "households_bank_account")].iloc[0]
    assert city_row["n"] == int((sample["responded"] == "1").sum())
    assert f"Calibrated {city_row['n']} households" in res.stdout


def test_bad_margins_and_unreachable_totals_exit_2_in_one_line(city, tmp_path):
    m = pd.read_csv(city / "margins.csv", dtype=str, keep_default_na=False)
    m.loc[2, "population"] = "many"
    bad = tmp_path / "bad.csv"
    m.to_csv(bad, index=False)
    common = [str(city / "sample_households.csv"), "--places", str(city / "places.csv")]
    res = run("calibrate", *common, "--margins", str(bad), "--lang", "en")
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and f"{bad}, row 3, column 'population'" in res.stderr, res.stderr
    res = run("calibrate", *common, "--margins", str(city / "margins.csv"), "--bounds", "0.99,1.01", "--lang", "en")
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "cannot be met within the bounds" in res.stderr and "margin '" in res.stderr, res.stderr
    m = pd.read_csv(city / "margins.csv", dtype=str, keep_default_na=False)
    m.loc[m["margin"] == "head_education", "population"] = "1"  # counts another population than the wards
    other = tmp_path / "other.csv"
    m.to_csv(other, index=False)
    res = run("calibrate", *common, "--margins", str(other), "--lang", "en")
    assert res.returncode == 2
    assert f"{other}, column 'head_education': margin 'head_education' counts 6 in all" in res.stderr, res.stderr
    res = run("calibrate", *common, "--margins", str(city / "margins.csv"), "--bounds", "0.99,1.01")  # Vietnamese
    assert res.returncode == 2 and res.stderr.startswith("commdx survey:") and "cột" in res.stderr, res.stderr


def test_margins_read_from_xlsx_as_from_csv(city, tmp_path):
    # the house reader (read_table): an XLSX of the same totals gives the same margins
    from commdx.commands.survey import read_margins

    m = pd.read_csv(city / "margins.csv", dtype=str, keep_default_na=False)
    xlsx = tmp_path / "margins.xlsx"
    m.to_excel(xlsx, index=False)
    got = read_margins(str(xlsx))
    assert got == read_margins(str(city / "margins.csv"))
    assert isinstance(got["members"], float) and len(got["ward_code"]) == 17
