"""P1, P2: the administrative tree and Vietnamese name matching.

``commdx.Places`` is the compiled class (``include/commdx/places.hpp``: the one places reader,
the built-in trees, the matcher); this module adds what needs Python: XLSX files (read through
``commdx.io.tables``), pandas in and out, and the names of the built-in lists.

- ``Places.vietnam()``: the 3,321 commune-level units of 2025 under their 34 provinces;
  ``Places.vietnam().subtree("26506").with_units("khu-pho.csv", "26506")`` is one commune with its
  own khu phố / thôn / ấp and tổ dân phố.
- ``Places.vung_tau()`` (2022, 17 units) and ``Places.vung_tau_2025()`` (5 units);
  ``Places.vung_tau_mapping()`` says which 2022 units make each 2025 unit.
- Every tree carries its ``vintage`` (the year of its list): codes are reused across years, and a
  match across vintages is an error naming both units.
"""
from __future__ import annotations

import argparse
import os
from typing import Union

import pandas as pd

from . import _core
from ._frame import from_columns, to_columns
from .io import tables

Places = _core.Places

__all__ = ["Places", "BUILT_IN_PLACES", "places_from_option"]

#: The built-in lists by the name ``--places`` accepts instead of a file.
BUILT_IN_PLACES = {
    "vungtau-2022": lambda: Places.vung_tau(),
    "vungtau-2025": lambda: Places.vung_tau_2025(),
    "vietnam": lambda: Places.vietnam(),
}

PathLike = Union[str, "os.PathLike[str]"]


def _from_file(path: PathLike) -> "Places":
    """Units from a CSV, XLSX or JSON file with English or Vietnamese headers (``code``/``ma``,
    ``name``/``ten``, ``kind``/``cap``/``loai``, ``parent``/``ma_cha``, ``area_km2``/
    ``dien_tich_km2``, ``population``/``dan_so``, ``households``/``so_ho``), numbers in Vietnamese
    or plain format; the rules are the compiled reader's (``places.hpp``), XLSX cells are read by
    ``commdx.io.tables`` first."""
    p = os.fspath(path)
    if p.lower().endswith(tables.XLSX_EXTENSIONS + (".xls",)):
        df = tables.read_as_typed(p)
        text = tuple(str(c) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]))
        return Places._from_columns(to_columns(df, text_columns=text), p)
    return Places._from_file(p)


def places_from_option(value: PathLike) -> "Places":
    """What a command's ``--places`` names: a built-in list (``vungtau-2022``, ``vungtau-2025``,
    ``vietnam``), ``vietnam:CODE`` (one unit of the national list with its provinces above it), or
    a file."""
    v = os.fspath(value)
    if v in BUILT_IN_PLACES:
        return BUILT_IN_PLACES[v]()
    if v.startswith("vietnam:"):
        return Places.vietnam().subtree(v.split(":", 1)[1])
    return _from_file(v)


_PLACES_HELP = {
    "vi": "đơn vị hành chính: tệp CSV, XLSX hoặc JSON (tiêu đề tiếng Việt hoặc tiếng Anh) hoặc danh sách có "
          "sẵn vungtau-2022, vungtau-2025, vietnam, vietnam:MÃ; mặc định: {default}",
    "en": "places: a CSV, XLSX or JSON file (Vietnamese or English headers) or a built-in list vungtau-2022, "
          "vungtau-2025, vietnam, vietnam:CODE; default: {default}",
}


def add_places_argument(parser: "argparse.ArgumentParser", default_vi: str = "thành phố có sẵn (Vũng Tàu 2022)",
                        default_en: str = "the built-in city (Vũng Tàu 2022)") -> None:
    """The one ``--places`` option of every command (read with :func:`places_from_option`), its
    help in the language of the command line (``cli.run_lang``)."""
    from .cli import run_lang

    lang = run_lang()
    parser.add_argument("--places", metavar="P", default=None,
                        help=_PLACES_HELP[lang].format(default=default_vi if lang == "vi" else default_en))


def _with_units(self: "Places", more: Union["Places", PathLike], under: str) -> "Places":
    """This tree with the units of ``more`` (a Places or a file) added under the unit ``under``;
    the file's rootless units go under it, a row with ``under``'s own code fills its area,
    population and households (``places.hpp``: with_units)."""
    if not isinstance(more, Places):
        more = _from_file(more)
    return self._with_units(more, under)


def _vung_tau_mapping() -> pd.DataFrame:
    """Which 2022 unit of Vũng Tàu became part of which 2025 unit: code_2022, name_2022,
    code_2025, name_2025 (``data/vungtau-2022-to-2025.csv``)."""
    return from_columns(Places._vung_tau_2022_to_2025())


def _from_dataframe(df: pd.DataFrame, source: str = "DataFrame") -> "Places":
    """Units from a DataFrame with the places reader's columns (English or Vietnamese headers)."""
    text = tuple(str(c) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]))
    return Places._from_columns(to_columns(df, text_columns=text + ("code", "name", "kind", "parent")), source)


def _to_dataframe(self: "Places") -> pd.DataFrame:
    """One row per unit: code, name, kind, parent, level, ward, area_km2, population, households, lat, lon."""
    return from_columns(self._to_columns())


# the DataFrame and file methods are Python's, added to the bound class (_core.pyi declares them)
Places.from_file = staticmethod(_from_file)  # type: ignore[method-assign]
Places.with_units = _with_units  # type: ignore[method-assign]
Places.vung_tau_mapping = staticmethod(_vung_tau_mapping)  # type: ignore[method-assign]
Places.from_dataframe = staticmethod(_from_dataframe)  # type: ignore[method-assign]
Places.to_dataframe = _to_dataframe  # type: ignore[method-assign]
