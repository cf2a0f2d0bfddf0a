"""C1, C2, R1–R3, S5: central or remote areas, and high/low-access households inside remote ones.

The rule, its thresholds and their sources are in ``docs/classify.md``; the defaults are the
shipped ``commdx/data/classify-config.json`` and every key can be overridden by a dict or a JSON
file. The work is done by the compiled core (``include/commdx/classify.hpp``); this module adds
pandas in and out, file reading (CSV, XLSX) and the agreement table.
"""
from __future__ import annotations

import os
from typing import Any, Iterable, NamedTuple, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._frame import from_columns, to_columns
from .io import tables
from .io.json import read_json

__all__ = [
    "classify_areas",
    "classify_agreement",
    "access_segments",
    "AccessSegments",
    "education_by_ward",
    "classify_config",
    "read_areas_file",
]

ConfigLike = Union[None, dict, str, "os.PathLike[str]"]

_BOOL_COLUMNS = ("borderline",)


def _config_overrides(config: ConfigLike) -> Optional[dict]:
    if config is None:
        return None
    if isinstance(config, dict):
        return config
    path = os.fspath(config)
    return read_json(path)


def classify_config(config: ConfigLike = None) -> dict:
    """The configuration in use: the shipped defaults merged with ``config`` (a dict of overrides
    or the path of a JSON file). Raises ``commdx.ConfigError`` naming an unknown or bad key."""
    return _core._classify_config(_config_overrides(config))


def read_areas_file(path: Union[str, "os.PathLike[str]"]) -> pd.DataFrame:
    """An areas file as typed: CSV (``,`` ``;`` or tab, UTF-8 with or without BOM) or XLSX (first
    sheet, first non-empty row is the header). Cells stay text, so that ``classify_areas`` can
    decide each column's number format ("117.413", "16,86"); XLSX number cells stay numbers.
    A places file (``commdx.Places``' columns, English or Vietnamese) is an areas file too."""
    return tables.read_as_typed(path)


def _frame_result(columns: dict) -> pd.DataFrame:
    df = from_columns(columns)
    for c in _BOOL_COLUMNS:
        df[c] = df[c].astype(bool)
    df["kmeans_class"] = df["kmeans_class"].map(lambda v: v or None).astype("object")
    df["kmeans_agrees"] = df["kmeans_agrees"].map(lambda v: None if np.isnan(v) else bool(v)).astype("object")
    for c in ("education_measure", "borderline_on"):
        df[c] = df[c].map(lambda v: v or None).astype("object")
    return df


def classify_areas(
    df: pd.DataFrame,
    config: ConfigLike = None,
    *,
    lang: str = "vi",
    places: Any = None,
    match_names: bool = True,
    households: Optional[pd.DataFrame] = None,
) -> pd.DataFrame:
    """C1, C2: the class of each ward or commune, central or remote, with its reasons.

    Parameters
    ----------
    df
        One row per area (or a ``commdx.Places``, or a places file's table: rows of a ``kind``/
        ``cap`` column other than ward, commune or special zone are listed in
        ``attrs["other_level_rows"]``, not classified, not refused) with a code and/or name, area (km²) and population, and optionally the
        share of adults with upper secondary schooling or more, its standard error, mean years of
        schooling, a readiness score. Headers in English or Vietnamese, with or without
        diacritics (``code``/``ma``/``Mã``, ``dien_tich_km2``/``Diện tích (km2)``, ...); text
        cells in Vietnamese ("117.413", "16,86") or English number format, decided per column
        (docs/classify.md).
    config
        Overrides of the shipped thresholds: a dict or the path of a JSON file.
    lang
        Language of ``class_label`` and ``reasons``: "vi" (default) or "en". ``reasons_vi`` and
        ``reasons_en`` are always both present.
    places
        A ``commdx.Places`` (or a places file, or a built-in name: ``vungtau-2022``,
        ``vungtau-2025``, ``vietnam``) to match the rows' codes and names against, so that a typed
        name ("P.1") becomes its unit; without it (the default) codes and names are taken as they
        are. A code of another year's list (26506 was Phường 1 in 2022, is Phường Vũng Tàu since
        2025) is refused naming both units, never substituted. ``match_names=False`` ignores
        ``places``.
    households
        Household rows (docs/data-dictionary.md); when the areas carry no education column, each
        ward's share of adults with upper secondary schooling is computed from them
        (:func:`education_by_ward`).

    Returns
    -------
    DataFrame with columns code, name, area_km2, population, density, density_band,
    education_measure, education, education_threshold, education_se, readiness, class
    (``central``/``remote``), class_label, borderline, borderline_on, p_central, kmeans_class,
    kmeans_agrees, classified_on, decided_by, reasons, reasons_vi, reasons_en. ``attrs`` holds
    ``agreement`` (the 2×2 table of :func:`classify_agreement`), ``ignored_columns``,
    ``other_level_rows`` and ``config``.
    """
    if lang not in ("vi", "en"):
        raise _core.ConfigError(f"lang must be 'vi' or 'en', got {lang!r}")
    overrides = _config_overrides(config)
    from .places import Places, places_from_option

    if isinstance(df, Places):
        df = df.to_dataframe().drop(columns=["ward", "level"])
    if places is not None and not isinstance(places, Places):
        places = places_from_option(places)
    source = str(df.attrs.get("source", "DataFrame"))
    text_cols = tuple(str(c) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]))
    cols = to_columns(df, text_columns=text_cols)
    res = _core._classify_areas(cols, source, overrides, places, match_names, lang)
    out = _frame_result(res["table"])
    first = res
    if households is not None and out["education_measure"].isna().all():
        edu = education_by_ward(households)
        share = dict(zip(edu["code"], edu["education"]))
        extra = dict(cols)
        if len(out) != len(df):  # a table with rows of other levels (a places file): its classified rows only
            extra = {"code": out["code"].astype(str).tolist(), "name": out["name"].astype(str).tolist(),
                     "area_km2": out["area_km2"].to_numpy(dtype="float64"),
                     "population": out["population"].to_numpy(dtype="float64")}
            if out["readiness"].notna().any():
                extra["readiness"] = out["readiness"].to_numpy(dtype="float64")
        extra["upper_secondary_share"] = np.array([share.get(c, np.nan) for c in out["code"]], dtype="float64")
        if "education_se" in edu.columns:
            se = dict(zip(edu["code"], edu["education_se"]))
            extra["education_se"] = np.array([se.get(c, np.nan) for c in out["code"]], dtype="float64")
        res = _core._classify_areas(extra, source, overrides, places, match_names, lang)
        out = _frame_result(res["table"])
    out.attrs["agreement"] = classify_agreement(out)
    out.attrs["ignored_columns"] = list(first["json"]["ignored_columns"])
    out.attrs["other_level_rows"] = list(first["json"]["other_level_rows"])
    out.attrs["config"] = res["json"]["config"]
    return out


def classify_agreement(result: pd.DataFrame) -> pd.DataFrame:
    """The 2×2 table of counts: rule-based class (rows) against the 2-means class (columns), for
    the areas that have a second opinion."""
    both = result[result["kmeans_class"].notna()]
    order = ["central", "remote"]
    table = pd.crosstab(
        pd.Categorical(both["class"], categories=order), pd.Categorical(both["kmeans_class"], categories=order), dropna=False
    )
    table.index = pd.Index(order, name="rule")
    table.columns = pd.Index(order, name="kmeans")
    return table.astype("int64")


def education_by_ward(households: pd.DataFrame) -> pd.DataFrame:
    """S4, C1: per ward, the share of adults (15+) with at least upper-secondary schooling.

    Uses the estimation stage (``commdx.estimate_ratio``, with its design-based standard error in
    ``education_se``) when the households carry a sampling design (``stratum``, ``psu``,
    ``weight``) and that stage is available; otherwise the ratio of weighted sums
    Σ w·adults_upper_secondary / Σ w·adults without a standard error.
    Columns: code, education, households, adults, households_missing [, education_se]."""
    src = str(households.attrs.get("source", "households"))
    cols = _household_columns(households)
    out = from_columns(_core._education_by_ward(cols, src))
    se = _education_se(households)
    if se is not None:
        out["education_se"] = out["code"].map(se).astype("float64")
    return out


def _education_se(households: pd.DataFrame) -> Optional[dict]:
    """Design-based SEs per ward from the estimation stage (``commdx.estimate_ratio``, built in
    parallel) when it is there and the households carry design columns; else None."""
    import importlib

    # The module, not the function the package re-exports under the same name.
    _estimate = importlib.import_module(__package__ + ".estimate")
    fn = getattr(_estimate, "estimate_ratio", None)
    design_cls = getattr(_estimate, "SurveyDesign", None)
    if fn is None or design_cls is None or not {"stratum", "psu", "weight"}.issubset(households.columns):
        return None
    design = design_cls.default_for(households)
    est = fn(households, design, "adults_upper_secondary", "adults", by="ward_code")
    return dict(zip(est["ward_code"].astype(str), est["se"]))


_ID_COLUMNS = ("household_id", "ward_code", "neighbourhood_code", "group_code", "stratum", "psu")


def _household_columns(households: pd.DataFrame) -> dict:
    """Household rows as core columns; codes read as numbers by pandas ("26506", or 26506.0 when
    the column has gaps) go back to their text form."""
    df = households
    fixed = {}
    for c in _ID_COLUMNS:
        if c in df.columns and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            fixed[c] = df[c].map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)))
    if fixed:
        df = df.assign(**fixed)
    text = tuple(str(c) for c in df.columns if c in _ID_COLUMNS or not pd.api.types.is_numeric_dtype(df[c]))
    return to_columns(df, text_columns=text)


class AccessSegments(NamedTuple):
    """R2/R3: per-household access and per-group catalogue."""

    households: pd.DataFrame
    """household_id, ward_code, group_code, access_score, access (high/low/unknown), weight_known."""
    groups: pd.DataFrame
    """ward_code, group_code, households, households_unknown, low_access_share, catalogue
    (central/basic/unknown), catalogue_items."""


def access_segments(
    households: pd.DataFrame, config: ConfigLike = None, *, areas: Optional[pd.DataFrame] = None
) -> AccessSegments:
    """R2/R3: high- and low-access households and, per residential group, the catalogue.

    The access score is the weighted mean of the household's known components (smartphone use
    among adults, a smartphone at home, home internet, the head's age and education, a bank
    account, digital use already) — weights and thresholds in the config's ``access`` section,
    method in docs/classify.md. A group whose weighted share of low-access households reaches
    ``basic_catalogue_low_access_share`` gets the basic catalogue (smartphone skills, bank
    account, basic online payment, e-health book, VssID), otherwise the central one. With
    ``areas`` (a :func:`classify_areas` result), groups of central wards get the central catalogue
    outright."""
    src = str(households.attrs.get("source", "households"))
    cols = _household_columns(households)
    central: list[str] = []
    if areas is not None:
        central = [str(c) for c in areas.loc[areas["class"] == "central", "code"]]
    h, g = _core._access_segments(cols, src, _config_overrides(config), central)
    return AccessSegments(from_columns(h), from_columns(g))


def _label_table(result: pd.DataFrame, lang: str = "vi") -> str:
    """A readable fixed-width table of a classify_areas result (used by ``commdx classify``),
    figures in the language's formats (Babel, commdx.render.fmt)."""
    from .render.fmt import Fmt

    vi = lang == "vi"
    f = Fmt(lang)
    head = (
        ["Mã", "Tên", "Mật độ (người/km²)", "Học vấn", "Loại", "Sát ngưỡng", "2-means"]
        if vi
        else ["Code", "Name", "Density (/km²)", "Education", "Class", "Borderline", "2-means"]
    )
    rows = []
    for _, r in result.iterrows():
        rows.append(
            [
                str(r["code"]),
                str(r["name"]),
                f.int(r["density"]),
                "—" if r["education_measure"] is None else (
                    f.pct(r["education"]) if r["education_measure"] == "upper_secondary_share"
                    else f.num(r["education"], 1) + (" năm" if vi else " yrs")),
                str(r["class_label"]),
                ("có" if vi else "yes") if r["borderline"] else "",
                "" if r["kmeans_class"] is None else (
                    ("trung tâm" if r["kmeans_class"] == "central" else "xa") if vi else r["kmeans_class"]),
            ]
        )
    widths = [max(len(h), *(len(x[i]) for x in rows)) if rows else len(h) for i, h in enumerate(head)]
    right = {2, 3}
    def line(cells: Iterable[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    out = [line(head), line("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


