"""Helpers shared by the tests of the monthly report and of its disclosure control
(test_report.py, test_privacy_attacks.py): the report config with two indicators and the place
tree of a constructed city. Each test file draws its own households on this tree (its own truth);
the tree and the config are written once here."""
from __future__ import annotations

from typing import Iterator, NamedTuple

import commdx.report


class Group(NamedTuple):
    ward: str
    neighbourhood: str
    code: str
    size: int
    groups_in_ward: int


def two_indicator_config() -> dict[str, object]:
    """The shipped report config restricted to households with a bank account and e-wallet use."""
    cfg = commdx.report.load_report_config()
    cfg["indicators"] = [i for i in cfg["indicators"] if i in ("households_bank_account", "e_wallet")]
    return cfg


def place_tree(sizes: dict[str, dict[str, list[int]]], city_name: str,
               places: list[tuple[str, str, str, str]]) -> Iterator[Group]:
    """Appends the city 747, its wards, neighbourhoods (``<ward>-<KP>``) and residential groups
    (``<neighbourhood>-Tnn``) of ``sizes`` (ward -> neighbourhood -> group sizes) to ``places``
    (code, name, kind, parent) as it goes, yielding each group in order (so a caller drawing its
    households from one random generator keeps its draws)."""
    places.append(("747", city_name, "city", ""))
    for ward, hoods in sizes.items():
        places.append((ward, f"Phường {ward[-1]}", "ward", "747"))
        n_groups = sum(len(g) for g in hoods.values())
        for hood, groups in hoods.items():
            hcode = f"{ward}-{hood}"
            places.append((hcode, f"Khu phố {hood[-1]}", "neighbourhood", ward))
            for gi, size in enumerate(groups, start=1):
                gcode = f"{hcode}-T{gi:02d}"
                places.append((gcode, f"Tổ {gi}", "residential_group", hcode))
                yield Group(ward, hcode, gcode, size, n_groups)
