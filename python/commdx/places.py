"""P1, P2: the administrative tree and Vietnamese name matching.

``commdx.Places`` is the compiled class; this module adds the pandas conveniences.
"""
from __future__ import annotations

import pandas as pd

from . import _core
from ._frame import from_columns, to_columns

Places = _core.Places

__all__ = ["Places"]


def _from_dataframe(df: pd.DataFrame, source: str = "DataFrame") -> "Places":
    """Units from a DataFrame with columns code, name, kind and optionally parent, area_km2,
    population, households, lat, lon."""
    return Places._from_columns(to_columns(df, text_columns=("code", "name", "kind", "parent")), source)


def _to_dataframe(self: "Places") -> pd.DataFrame:
    """One row per unit: code, name, kind, parent, level, ward, area_km2, population, households, lat, lon."""
    return from_columns(self._to_columns())


# the DataFrame methods are Python's, added to the bound class (_core.pyi declares them)
Places.from_dataframe = staticmethod(_from_dataframe)  # type: ignore[method-assign]
Places.to_dataframe = _to_dataframe  # type: ignore[method-assign]
