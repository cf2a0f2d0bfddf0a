"""S4, C1: adoption and readiness scores — composite indices defined by JSON configuration, with
Monte Carlo uncertainty and sensitivity analysis (OECD/JRC Handbook on Constructing Composite
Indicators, 2008). Methods and the shipped configurations: docs/scores.md.

>>> idx = commdx.CompositeIndex.from_json("adoption")        # or a path, a dict, a JSON string
>>> tidy = idx.compute(wide_or_long_estimates)                # every intermediate, one row per (unit, node)
>>> unc = idx.uncertainty(wide_or_long_estimates, draws=1000, seed=1)
"""
from __future__ import annotations

import json
import os
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import _core
from ._frame import from_columns, to_columns

__all__ = ["CompositeIndex", "estimates_to_wide", "pairwise_differences"]

SHIPPED = ("adoption", "readiness")


def estimates_to_wide(estimates: pd.DataFrame, level: str | None = None, unit_column: str = "unit") -> pd.DataFrame:
    """The per-unit estimates table of :func:`commdx.indicators` (level, unit, unit_name,
    indicator, estimate, se, ...) as a wide table: one row per unit with a column per indicator
    and ``<indicator>_se`` (the sampling errors travel with the estimates).

    ``level`` keeps one level of the hierarchy ("ward", ...); when the table holds several levels
    and no level is given, an error names them (units of different levels are not comparable).
    The join is C++ (``commdx::pipeline::estimates_to_wide``, include/commdx/pipeline.hpp), so a
    C++ program scores the same table.
    """
    text = tuple(c for c in ("level", "unit", "unit_name", "indicator") if c in estimates.columns)
    cols = [c for c in estimates.columns if c in text or c in ("estimate", "se")]
    wide = from_columns(_core._estimates_to_wide(to_columns(estimates[cols], text_columns=text), level or ""))
    return wide.rename(columns={"unit": unit_column})


def _is_long(df: pd.DataFrame) -> bool:
    return {"indicator", "estimate", "unit"} <= set(df.columns)


class CompositeIndex:
    """A composite index (indicators -> dimensions -> index) defined by a JSON configuration.

    Build one with :meth:`from_json` ("adoption", "readiness", a path, a dict or JSON text).
    """

    def __init__(self, core: Any, source: str = "<json>") -> None:
        self._core = core
        self.source = source
        self._last: dict[str, Any] | None = None
        self.sensitivity: pd.DataFrame | None = None
        self.draws: pd.DataFrame | None = None
        self.draw_labels: list[str] | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_json(cls, config: str | os.PathLike[str] | Mapping[str, Any]) -> "CompositeIndex":
        """A configuration by shipped name ("adoption", "readiness"), file path, dict or JSON text."""
        if isinstance(config, Mapping):
            return cls(_core._CompositeIndex._from_obj(dict(config), "<dict>"), "<dict>")
        if isinstance(config, os.PathLike):
            return cls._from_file(os.fspath(config))
        if not isinstance(config, str):
            raise TypeError("config must be a shipped name, a path, a dict or a JSON string")
        text = config.strip()
        if text in SHIPPED:
            return cls(_core._CompositeIndex.shipped(text), f"index-{text}.json")
        if text.startswith("{"):
            return cls(_core._CompositeIndex.from_json_text(text, "<json>"), "<json>")
        return cls._from_file(config)

    @classmethod
    def _from_file(cls, path: str) -> "CompositeIndex":
        from .io.json import read_json_text  # bad bytes named by file and line (issue 11)

        return cls(_core._CompositeIndex.from_json_text(read_json_text(path), path), path)

    @classmethod
    def shipped(cls, name: str) -> "CompositeIndex":
        """The shipped "adoption" or "readiness" configuration."""
        return cls(_core._CompositeIndex.shipped(name), f"index-{name}.json")

    # ------------------------------------------------------------------ description
    @property
    def name(self) -> str:
        return self._core.name

    @property
    def config(self) -> dict[str, Any]:
        """The configuration as a dict (edit a copy and pass it to from_json)."""
        return self._core.config

    @property
    def unit_column(self) -> str:
        return self._core.unit_column

    @property
    def indicators(self) -> list[str]:
        return list(self._core.indicator_ids)

    @property
    def nodes(self) -> list[str]:
        """Dimensions then the index, children first."""
        return list(self._core.node_ids)

    @property
    def weights(self) -> pd.DataFrame:
        """Effective weights of the last compute(): node, component, method, weight (within the
        node), effective_weight (product of weights up to the index), loading, explained_variance."""
        return self._need_last("weights")

    @property
    def loadings(self) -> pd.DataFrame:
        """First-principal-component loadings of the nodes weighted by PCA in the last compute()."""
        w = self._need_last("weights")
        return w[w["method"] == "pca"][["node", "component", "loading", "weight", "explained_variance", "pca_units"]].reset_index(drop=True)

    @property
    def missing(self) -> pd.DataFrame:
        """Nodes that were missing in the last compute() (fewer components than min_share)."""
        self._need_last("weights")
        assert self._last is not None
        return pd.DataFrame(self._last["missing"], columns=["unit", "node", "share_present", "min_share"])

    def _need_last(self, key: str) -> pd.DataFrame:
        if self._last is None:
            raise _core.Error("call compute() first: weights, loadings and missing nodes describe a computation")
        return from_columns(self._last[key])

    # ------------------------------------------------------------------ computation
    def _columns(self, df: pd.DataFrame, level: str | None) -> dict[str, Any]:
        if not isinstance(df, pd.DataFrame):
            raise TypeError("expected a pandas DataFrame")
        if _is_long(df):
            df = estimates_to_wide(df, level=level, unit_column=self.unit_column)
        text = tuple(c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) or c == self.unit_column)
        return to_columns(df, text_columns=text)

    def compute(self, df: pd.DataFrame, level: str | None = None, wide: bool = False) -> pd.DataFrame:
        """Scores every unit.

        ``df`` is wide (a unit column and one column per indicator) or the long per-unit estimates
        table of commdx.indicators (converted with :func:`estimates_to_wide`, at ``level``).
        Returns a tidy DataFrame, one row per (unit, node): unit, node, kind (indicator, dimension,
        index), parent, raw, transformed, value (the normalised value or the aggregate score),
        weight, effective_weight, rank (1 = best, on this node), imputed, missing, share_present.
        With ``wide=True``: one row per unit with each dimension, the index and its rank.
        """
        res = self._core._compute(self._columns(df, level), "DataFrame")
        self._last = res
        if wide:
            return from_columns(res["wide"])
        out = from_columns(res["tidy"])
        for c in ("imputed", "missing"):
            out[c] = out[c].astype(bool)
        return out

    def uncertainty(
        self,
        df: pd.DataFrame,
        se: pd.DataFrame | None = None,
        draws: int = 1000,
        seed: int = 20220620,
        *,
        level: str | None = None,
        sampling: bool = True,
        modelling: bool = True,
        sensitivity: bool = True,
        interval: float = 0.90,
        threads: int = 0,
        return_draws: bool = False,
    ) -> pd.DataFrame:
        """Monte Carlo over the sampling error of the inputs and the modelling choices listed in the
        configuration's "uncertainty" block.

        Standard errors come from ``<column>_se`` columns of ``df``, the ``se`` column of a long
        estimates table, or ``se`` (a wide table with the unit column and a column per indicator).
        ``draws`` is the number of model evaluations; with ``sensitivity`` they follow the
        Saltelli design (docs/scores.md). Returns one row per unit: reference_score,
        reference_rank, score_median, score_low, score_high, rank_median, rank_low, rank_high
        (the ``interval`` central interval), mean_abs_rank_shift, draws (behind the rank
        summaries) and score_draws (behind the score summaries: the draws with the configured
        normalisation and aggregation, so the score interval is on reference_score's scale). ``.attrs`` carries
        "mean_abs_rank_shift", "evaluations", "base_draws", "factors", "interval" and
        "constant_indicators" (one value over the units and no standard error: no ranking
        information; an evaluation that normalises them by min-max or z-score gives them weight 0,
        as principal-component weights do). The index keeps
        the tables of the last call: ``self.sensitivity`` (first-order and total indices per
        factor) and, with ``return_draws``, ``self.draws`` (an evaluations x units DataFrame of
        index values) and ``self.draw_labels`` (the choices of each evaluation).
        """
        cols_df = df
        if _is_long(df):
            cols_df = estimates_to_wide(df, level=level, unit_column=self.unit_column)
        if se is not None:
            se = se.copy()
            if _is_long(se):
                raise TypeError("se must be wide (a unit column and one column per indicator)")
            key = self.unit_column
            cols = {c: f"{c}_se" for c in se.columns if c != key}
            se = se.rename(columns=cols)
            cols_df = cols_df.drop(columns=[c for c in cols.values() if c in cols_df.columns])
            cols_df = cols_df.merge(se, on=key, how="left", validate="one_to_one")
        res = self._core._uncertainty(
            self._columns(cols_df, level), "DataFrame", int(draws), int(seed) & 0xFFFFFFFFFFFFFFFF,
            bool(sampling), bool(modelling), bool(sensitivity), int(threads), float(interval), bool(return_draws))
        out = from_columns(res["units"])
        # Scalars only in attrs (pandas compares attrs when combining frames); the tables are
        # attributes of the index: .sensitivity, .draws, .draw_labels.
        out.attrs["mean_abs_rank_shift"] = float(res["mean_abs_rank_shift"])
        out.attrs["evaluations"] = int(res["evaluations"])
        out.attrs["base_draws"] = int(res["base_draws"])
        out.attrs["factors"] = tuple(res["factors"])
        out.attrs["interval"] = float(res["level"])
        # one value over the units, no standard error: min-max and z-score give them weight 0
        out.attrs["constant_indicators"] = tuple(res["constant_indicators"])
        self.sensitivity = from_columns(res["sensitivity"])
        self.draws = pd.DataFrame(res["draws"], columns=out["unit"].tolist()) if return_draws else None
        self.draw_labels = list(res["draw_labels"]) if return_draws else None
        return out

    def to_json(self) -> str:
        return json.dumps(self.config, ensure_ascii=False, indent=1)

    def __repr__(self) -> str:
        return f"<commdx.CompositeIndex '{self.name}': {len(self.indicators)} indicators, {len(self.nodes) - 1} dimensions>"


def pairwise_differences(draws: pd.DataFrame, threshold: float = 0.95) -> pd.DataFrame:
    """From Monte Carlo draws (``idx.draws`` after ``idx.uncertainty(..., return_draws=True)``): for every
    ordered pair of units, the share of draws in which the first scores above the second, and
    whether that difference is "real" (share >= threshold)."""
    vals = draws.to_numpy()
    units = list(draws.columns)
    rows = []
    for a in range(len(units)):
        for b in range(len(units)):
            if a == b:
                continue
            ok = ~(np.isnan(vals[:, a]) | np.isnan(vals[:, b]))
            share = float(np.mean(vals[ok, a] > vals[ok, b])) if ok.any() else float("nan")
            rows.append((units[a], units[b], share, bool(share >= threshold)))
    return pd.DataFrame(rows, columns=["unit", "other", "share_above", "real"])
