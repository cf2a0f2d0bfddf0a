"""Issue 18: ``commdx indicators --small-areas LEVEL`` with the unit-level model, benchmarking and
the bootstrap's options, run as the command line runs (``commdx.cli.main``) on the example city's
files as ``commdx synth`` writes them (places.csv, households.csv: the household list,
sample_households.csv: the survey, five households per drawn group).

The numbers are checked against ``commdx.small_area`` on the same files (the command line must pass
its options through, not recompute) and against the records themselves (every unit a row; the
benchmarked estimates' weighted mean is the ward's weighted share of the sample); Vietnamese by
default, English with --lang en; a bad household list or an unknown auxiliary is refused naming the
file and the column, exit status 2.
"""
from __future__ import annotations

import pandas as pd
import pytest

import commdx
from commdx import cli


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    commdx.synth.write(folder, households=3000, seed=2, groups_per_ward=10, households_per_group=5)
    return folder


def run(city, out, *extra):
    return cli.main(["indicators", str(city / "sample_households.csv"), "--places", str(city / "places.csv"),
                     "-o", str(out), *extra])


def read(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"unit": str, "parent": str})


BHF = ["--small-areas", "neighbourhood", "--method", "bhf", "--auxiliaries", "members,head_age",
       "--replicates", "20", "--seed", "3"]


def test_bhf_on_the_command_line(city, tmp_path, capsys):
    out = tmp_path / "indicators.csv"
    code = run(city, out, *BHF, "--households", str(city / "households.csv"), "--benchmark", "ratio", "--lang", "en")
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    t = read(tmp_path / "indicators-small-areas.csv")
    places = commdx.places_from_option(str(city / "places.csv"))
    hoods = places.to_dataframe().query("level == 2")
    assert {"households_bank_account", "e_wallet"} <= set(t["indicator"])
    for _, g in t.groupby("indicator"):
        assert sorted(g["unit"]) == sorted(hoods["code"].astype(str))  # every unit, sampled or not
    assert set(t["method"]) == {"bhf"} and set(t["replicates"]) == {20}
    assert set(t["benchmark"]) <= {"ratio", "parent_unreliable"} and (t["benchmark"] == "ratio").any()
    assert set(t["weights"].dropna()) <= {"equal", "unequal_ignored"}
    assert t["model"].between(0, 1).all()  # benchmarked proportions stay proportions
    assert t.loc[t["clipped"], "model"].isin([0.0, 1.0]).all() and (t.loc[t["clipped"], "benchmark"] == "ratio").all()
    assert "Small areas at level neighbourhood" in printed and "Benchmarked to the level above (ratio)" in printed
    # the options reach commdx.small_area: the same table from the API on the same files
    sample = commdx.read_households(str(city / "sample_households.csv"), places=places)
    register = commdx.read_households(str(city / "households.csv"), places=places)
    design = commdx.SurveyDesign.default_for(sample)
    bank = commdx.small_area(sample, design, "bank_account", level="neighbourhood", places=places,
                             households=register, method="bhf", auxiliaries=["members", "head_age"],
                             benchmark="ratio", replicates=20, seed=3).set_index("unit")
    mine = t[t["indicator"] == "households_bank_account"].set_index("unit").loc[bank.index]
    pd.testing.assert_series_equal(mine["model"], bank["model"], check_names=False, rtol=1e-12)
    pd.testing.assert_series_equal(mine["mse_bootstrap"], bank["mse_bootstrap"], check_names=False, rtol=1e-12)
    # benchmarked: the household-weighted mean of a ward's neighbourhoods is the ward's weighted share
    w = sample[design.weight]
    share = (w * sample["bank_account"]).groupby(sample["ward_code"]).sum() / w.groupby(sample["ward_code"]).sum()
    size = register.groupby("neighbourhood_code").size()
    done = mine[mine["benchmark"] == "ratio"].assign(N=lambda d: size.reindex(d.index).to_numpy(dtype=float))
    for ward, g in done.groupby("parent"):
        assert (g["N"] * g["model"]).sum() / g["N"].sum() == pytest.approx(share[ward], rel=1e-10)


def test_seed_and_replicates_are_used(city, tmp_path, capsys):
    hh = ["--households", str(city / "households.csv")]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(city, a, *BHF, *hh) == 0
    assert run(city, b, *BHF[:-1], "4", *hh) == 0
    ta, tb = read(tmp_path / "a-small-areas.csv"), read(tmp_path / "b-small-areas.csv")
    pd.testing.assert_series_equal(ta["model"], tb["model"])  # the estimates do not depend on the seed
    assert not ta["mse_bootstrap"].equals(tb["mse_bootstrap"])  # their bootstrap MSEs do
    printed = capsys.readouterr().out
    assert "Ước lượng diện nhỏ cấp neighbourhood" in printed  # Vietnamese by default


def test_fh_takes_the_household_list_and_benchmarks(city, tmp_path, capsys):
    out = tmp_path / "fh.csv"
    code = run(city, out, "--small-areas", "neighbourhood", "--households", str(city / "households.csv"),
               "--auxiliaries", "density,members", "--benchmark", "difference")
    assert code == 0, capsys.readouterr().err
    t = read(tmp_path / "fh-small-areas.csv")
    assert set(t["method"]) == {"fh"}
    assert set(t["benchmark"]) <= {"difference", "parent_unreliable"} and (t["benchmark"] == "difference").any()
    assert t["model"].between(0, 1).all() and t.loc[t["clipped"], "model"].isin([0.0, 1.0]).all()
    assert "Khớp với cấp trên (difference)" in capsys.readouterr().out


def test_refusals_name_the_file_and_the_column(city, tmp_path, capsys):
    out = tmp_path / "x.csv"
    hh = str(city / "households.csv")
    assert run(city, out, *BHF, "--households", hh, "--auxiliaries", "members,no_such", "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "households.csv" in err and "no_such" in err
    # a household list whose group is not in the places: the reader names the file, row and column
    bad = pd.read_csv(hh, dtype=str, keep_default_na=False)
    bad.loc[7, "group_code"] = "99999-KP99-T99"
    bad_path = tmp_path / "bad_households.csv"
    bad.to_csv(bad_path, index=False)
    assert run(city, out, *BHF, "--households", str(bad_path), "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "bad_households.csv" in err and "group_code" in err
    # without the household list, bhf is refused before any work (Vietnamese by default)
    assert run(city, out, *BHF) == 2
    assert "--method bhf cần --households" in capsys.readouterr().err
    # the small-area options without --small-areas
    assert run(city, out, "--benchmark", "ratio") == 2
    assert "--benchmark" in capsys.readouterr().err
    assert not (tmp_path / "x-small-areas.csv").exists()
