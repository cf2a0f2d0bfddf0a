"""Conversions between pandas DataFrames and the column dicts the compiled core exchanges."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def to_columns(df: pd.DataFrame, text_columns: tuple[str, ...] = ()) -> dict[str, Any]:
    """DataFrame -> {name: float64 array | list[str]}.

    Numeric and boolean columns become float64 arrays (missing -> NaN); everything else, and
    any column named in ``text_columns``, becomes a list of str (missing -> "").
    """
    out: dict[str, Any] = {}
    for name in df.columns:
        col = df[name]
        key = str(name)
        if key not in text_columns and (
            pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
        ):
            out[key] = col.to_numpy(dtype="float64", na_value=np.nan)
        else:
            values = col.tolist()
            if pd.api.types.is_float_dtype(col):
                # codes stored as floats because of a missing value (747.0) -> "747"
                values = [v if (isinstance(v, float) and (np.isnan(v) or not v.is_integer())) else int(v) for v in values]
            out[key] = ["" if (v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA) else str(v) for v in values]
    return out


def from_columns(columns: dict[str, Any]) -> pd.DataFrame:
    """{name: array | list} -> DataFrame, columns in order."""
    return pd.DataFrame({k: v for k, v in columns.items()})
