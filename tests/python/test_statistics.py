"""The city's indicators from its wards' sufficient statistics, without their household records
(issue 16). The reference is the pooled records' ``commdx.indicators`` (itself checked against
R's survey package in test_indicators / tests/cpp/test_indicators.cpp) on the example city."""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx
from commdx.cli import main

AS_OF = "2022-10-31"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("city") / "data"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["synth", "--households", "3000", "--seed", "11", "--out", str(d)]) == 0
    return d


@pytest.fixture(scope="module")
def survey(city: Path) -> tuple[commdx.Places, pd.DataFrame, pd.DataFrame]:
    places = commdx.Places.from_file(str(city / "places.csv"))
    h = commdx.read_households(str(city / "sample_households.csv"), places=places)
    b = commdx.read_businesses(str(city / "businesses.csv"), places=places)
    return places, h, b


def _same(got: pd.DataFrame, want: pd.DataFrame, rel: float = 1e-12) -> None:
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in want.columns:
        if pd.api.types.is_numeric_dtype(want[col]):
            a, b = got[col].to_numpy(float), want[col].to_numpy(float)
            assert np.array_equal(np.isnan(a), np.isnan(b)), col
            ok = ~np.isnan(b)
            assert np.allclose(a[ok], b[ok], rtol=rel, atol=0), (col, np.max(np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1e-300)))
        else:
            assert got[col].tolist() == want[col].tolist(), col


def test_the_city_from_its_wards_statistics_files_equals_the_pooled_records(survey, tmp_path: Path) -> None:
    places, h, b = survey
    pooled = commdx.indicators(h, places, businesses=b, as_of=AS_OF)
    files = []
    for ward, rows in h.groupby("ward_code", sort=True):
        shops = b[b["ward_code"] == ward]
        stats = commdx.indicator_statistics(rows, places, businesses=shops)
        files.append(commdx.write_statistics(stats, tmp_path / f"thong-ke-{ward}.json"))
        # a ward's own statistics give the ward's own table
        if len(files) == 1:
            _same(commdx.indicators_from_statistics(files[0], places, as_of=AS_OF),
                  commdx.indicators(rows, places, businesses=shops, as_of=AS_OF))
    assert len(files) >= 10
    city = commdx.indicators_from_statistics(files, places, as_of=AS_OF)
    _same(city, pooled)
    assert city["se"].notna().sum() > 1000  # SEs, not just estimates
    # merged once into one file, the same again
    merged = commdx.merge_statistics(files)
    _same(commdx.indicators_from_statistics(merged, places, as_of=AS_OF), pooled)


def test_no_household_record_leaves_the_ward(survey) -> None:
    places, h, b = survey
    ward = sorted(h["ward_code"].unique())[0]
    rows = h[h["ward_code"] == ward]
    stats = commdx.indicator_statistics(rows, places)
    text = json.dumps(stats, ensure_ascii=False)
    assert not any(hid in text for hid in rows["household_id"].astype(str))
    (part,) = stats["parts"]
    assert part["records"] == "households"
    # one cell per residential group sampled (the PSUs), far fewer than the households
    assert len(part["cells"]["psu"]) == rows["group_code"].nunique() < len(rows) / 5


def test_the_command_line_round_trip(city: Path, survey, tmp_path: Path) -> None:
    places, h, _ = survey
    wards = tmp_path / "wards"
    wards.mkdir()
    out = io.StringIO()
    stats = []
    for ward, rows in h.groupby("ward_code", sort=True):
        csv = wards / f"{ward}.csv"
        rows.to_csv(csv, index=False)
        stats.append(str(wards / f"{ward}.json"))
        with contextlib.redirect_stdout(out):
            assert main(["indicators", str(csv), "--places", str(city / "places.csv"), "--as-of", AS_OF,
                         "--statistics", stats[-1], "-o", str(wards / f"{ward}-chi-tieu.csv")]) == 0
    assert "gửi tệp này lên thành phố" in out.getvalue()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["indicators", "--merge", *stats, "--places", str(city / "places.csv"), "--as-of", AS_OF,
                     "-o", str(tmp_path / "city.csv")]) == 0
        assert main(["indicators", str(city / "sample_households.csv"), "--places", str(city / "places.csv"),
                     "--as-of", AS_OF, "-o", str(tmp_path / "pooled.csv")]) == 0
    _same(pd.read_csv(tmp_path / "city.csv", encoding="utf-8-sig"), pd.read_csv(tmp_path / "pooled.csv", encoding="utf-8-sig"))


def test_a_ward_sent_twice_is_refused_naming_the_files(city: Path, survey, tmp_path: Path, capsys) -> None:
    places, h, _ = survey
    wards = sorted(h["ward_code"].unique())
    a = commdx.write_statistics(commdx.indicator_statistics(h[h["ward_code"] == wards[0]], places), tmp_path / "a.json")
    b = commdx.write_statistics(commdx.indicator_statistics(h[h["ward_code"] == wards[1]], places), tmp_path / "b.json")
    with pytest.raises(commdx.ValidationError, match="summed twice"):
        commdx.merge_statistics([a, b, a])
    assert main(["indicators", "--merge", str(a), str(b), str(a), "--places", str(city / "places.csv")]) == 2
    err = capsys.readouterr().err
    assert "a.json" in err
    # neither a survey nor statistics, or both
    assert main(["indicators"]) == 2
    assert "đúng một nguồn" in capsys.readouterr().err
    # another catalogue's definition of an indicator the wards summed
    cat = commdx.indicator_catalogue()
    for ind in cat["indicators"]:
        if ind["id"] == "pay_online_water":
            ind["numerator"] = {"column": "pay_online_electricity"}
    with pytest.raises(commdx.ConfigError, match="another definition"):
        commdx.indicators_from_statistics([a, b], places, catalogue=cat)
