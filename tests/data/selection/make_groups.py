"""The example city's residential groups with their sizes, frozen for the R reference of the
selection stage.

    COMMDX_CORE_DIR=... PYTHONPATH=python python tests/data/selection/make_groups.py

Writes tests/data/selection/groups.csv: one row per residential group of
``commdx.synth.city(seed=1)`` (the default example city), in the order of its household list,
with ``size`` = its households. The rows are kept in the repository, so the fixture stays valid if
the generator changes; rerun this and make_fixture.R to refresh it.
"""
from __future__ import annotations

from pathlib import Path

import commdx

if __name__ == "__main__":
    hh = commdx.synth.city(seed=1).households
    groups = (hh.groupby(["ward_code", "group_code"], sort=False).size().rename("size").reset_index())
    groups.to_csv(Path(__file__).resolve().parent / "groups.csv", index=False)
