"""The national collection as a Dask job (issue 16): the indicator table of a survey too large for
one machine's memory (thousands of communes, tens of millions of households), from a Parquet
dataset partitioned by place, with the numbers the pooled records give.

Each partition of the dataset (a folder ``ward_code=26506/`` of the hive layout, or one file) is
summarised where it lies into its sufficient statistics (``commdx.indicator_statistics``: weighted
sums per PSU and unit, a few kilobytes per commune); only those travel to the client, which merges
them and estimates (``commdx.indicators_from_statistics``). The estimates, SEs, intervals and
design effects are the pooled records' (docs/statistics.md), because a partition by place never
splits a PSU: a PSU found in two partitions is refused, naming both, rather than summed twice.

Dask (``dask.delayed``, on the ``distributed`` client given, or Dask's default scheduler) does
the scheduling; the reading is pyarrow's, folder by folder, so that a partition is exactly a
folder of the layout (Dask's own Parquet reader may split or join files into partitions, which
could split a PSU) and the folder's key (``ward_code=26506``) comes back as the text the places
hold, never re-typed as a number."""
from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from . import _core
from .estimate import SurveyDesign, _design

__all__ = ["indicators_dask", "parquet_partitions"]


def parquet_partitions(path: str | os.PathLike) -> list[tuple[dict[str, str], list[Path]]]:
    """The partitions of a Parquet dataset: ``[(keys, files)]``, one per folder that holds
    ``*.parquet`` files, with the hive keys of its path (``{"ward_code": "26506"}``); a single
    file is one partition without keys. Sorted by path, so the job is the same on every machine."""
    root = Path(path)
    if root.is_file():
        return [({}, [root])]
    if not root.is_dir():
        raise _core.InputError(f"{root}: no such Parquet file or folder")
    by_folder: dict[Path, list[Path]] = {}
    for f in sorted(root.rglob("*.parquet")):
        by_folder.setdefault(f.parent, []).append(f)
    if not by_folder:
        raise _core.InputError(f"{root}: no .parquet file in this folder")
    out = []
    for folder, files in sorted(by_folder.items()):
        keys: dict[str, str] = {}
        for part in folder.relative_to(root).parts:
            if "=" in part:
                k, v = part.split("=", 1)
                keys[k] = v
        out.append((keys, files))
    return out


def _read_partition(keys: Mapping[str, str], files: Sequence[Path]) -> pd.DataFrame:
    import pyarrow.parquet as pq

    frames = [pq.read_table(f).to_pandas() for f in files]
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for k, v in keys.items():
        if k not in df.columns:  # the hive layout keeps the key in the path only
            df[k] = v
    df.attrs["source"] = str(files[0].parent if keys else files[0])
    return df


def _summarise(keys: Mapping[str, str], files: Sequence[Path], places_json: Any, design: SurveyDesign,
               catalogue: Any, levels: Any) -> dict[str, Any] | None:
    from .indicators import indicator_statistics

    df = _read_partition(keys, files)
    if len(df) == 0:
        return None
    places = _core.Places.from_json(places_json)
    return indicator_statistics(df, places, design, catalogue=catalogue, levels=levels)


def indicators_dask(households: str | os.PathLike, places: Any, design: SurveyDesign | dict | str | None = None,
                    catalogue: Any = None, levels: Sequence[str] | Mapping[str, str] | None = None,
                    as_of: _dt.date | str | None = None, level: float = 0.95, client: Any = None) -> pd.DataFrame:
    """:func:`commdx.indicators`' table of the household records in a Parquet dataset
    (``households``: a folder partitioned by place, e.g. written by
    ``df.to_parquet(folder, partition_cols=["ward_code"])``, or one file), one Dask task per
    partition. ``design`` must be given or found in the first partition (the data dictionary's
    columns); ``client``: a ``distributed.Client`` (default: Dask's current scheduler)."""
    import dask

    from .indicators import _catalogue, indicators_from_statistics

    if isinstance(places, pd.DataFrame):
        places = _core.Places.from_dataframe(places)
    parts = parquet_partitions(households)
    d = _design(design) if design is not None else SurveyDesign.default_for(_read_partition(*parts[0]))
    cat = _catalogue(catalogue)
    places_json = places.to_json()
    tasks = [dask.delayed(_summarise, pure=True)(keys, files, places_json, d, cat, levels) for keys, files in parts]
    results = client.gather(client.compute(tasks)) if client is not None else dask.compute(*tasks)
    stats = [s for s in results if s is not None]
    if not stats:
        raise _core.InputError(f"{households}: the dataset holds no record")
    return indicators_from_statistics(stats, places, catalogue=cat, levels=levels, as_of=as_of, level=level)
