"""The national collection as a Dask job (issue 16): the indicator table of a Parquet dataset
partitioned by ward, summarised partition by partition on a local Dask cluster (two worker
processes), equal to commdx.indicators on the pooled records."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx
from commdx.cli import main
from commdx.distributed import indicators_dask, parquet_partitions

AS_OF = "2022-10-31"


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> tuple[commdx.Places, pd.DataFrame, Path]:
    d = tmp_path_factory.mktemp("city") / "data"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["synth", "--households", "3000", "--seed", "13", "--out", str(d)]) == 0
    places = commdx.Places.from_file(str(d / "places.csv"))
    h = commdx.read_households(str(d / "sample_households.csv"), places=places)
    parquet = d.parent / "households.parquet"
    h.to_parquet(parquet, partition_cols=["ward_code"], index=False)  # hive layout: ward_code=26506/...
    return places, h, parquet


def test_a_dask_job_over_partitioned_parquet_gives_the_pooled_numbers(survey) -> None:
    from distributed import Client, LocalCluster

    places, h, parquet = survey
    parts = parquet_partitions(parquet)
    assert len(parts) == h["ward_code"].nunique() and all(set(k) == {"ward_code"} for k, _ in parts)
    pooled = commdx.indicators(h, places, as_of=AS_OF)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        got = indicators_dask(parquet, places, as_of=AS_OF, client=client)
        assert len(client.scheduler_info()["workers"]) == 2
    assert list(got.columns) == list(pooled.columns) and len(got) == len(pooled)
    for col in pooled.columns:
        if pd.api.types.is_numeric_dtype(pooled[col]):
            a, b = got[col].to_numpy(float), pooled[col].to_numpy(float)
            assert np.array_equal(np.isnan(a), np.isnan(b)), col
            ok = ~np.isnan(b)
            assert np.allclose(a[ok], b[ok], rtol=1e-12, atol=0), col
        else:
            assert got[col].tolist() == pooled[col].tolist(), col
    assert got["se"].notna().sum() > 500


def test_a_partition_that_splits_a_psu_is_refused_naming_both(survey, tmp_path: Path) -> None:
    places, h, _ = survey
    ward = sorted(h["ward_code"].unique())[0]
    rows = h[h["ward_code"] == ward]
    half = len(rows) // 2
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    rows.iloc[:half].to_parquet(tmp_path / "a" / "part.parquet", index=False)
    rows.iloc[half:].to_parquet(tmp_path / "b" / "part.parquet", index=False)
    with pytest.raises(commdx.ValidationError, match="summed twice") as e:
        indicators_dask(tmp_path, places, as_of=AS_OF)
    assert str(tmp_path / "a") in str(e.value) and str(tmp_path / "b") in str(e.value)
