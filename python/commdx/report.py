"""The monthly report of a ward team, or of the city (T2, T5, R4, M1, S5).

``monthly_report(month, data=DIR, ward=None, lang="vi")`` gathers, for one month:

* indicators now, at the baseline and last month, their change and whether it is beyond sampling
  noise (``commdx.round_changes``: a design-based test on the stacked survey rounds);
* progress against each target and the pace needed to meet its deadline;
* team coverage and composition (T5, T1/T3) and visits done per team and member against the plan;
* nominations for commendation (T2) by the criterion stated in ``report-config.json``;
* the M1 manual-process log turned into proposals for digital replacements, ranked by households;
* the area's class and score changes (when the classify and scores stages are available);

and publishes it as JSON, Markdown and HTML (charts from matplotlib, embedded as PNG), Vietnamese
by default. Every household figure passes the small-cell rule (``commdx.suppress_small_cells``)
before it is published: suppressed cells are ``null`` in JSON and ``—`` in documents.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._frame import to_columns
from .disclosure import CITY, LEVELS, _codes
from .io import tables as _tables
from .io.json import read_json, shipped_json
from .monitor import _calibrations
from .progress import Callback
from .render import words as _words

__all__ = ["MonthlyReport", "monthly_report", "save_reports", "load_report_config", "load_city_folder", "FORMATS"]

SUPPRESSED = "—"


# ---------------------------------------------------------------------------------------------
# configuration and words
# ---------------------------------------------------------------------------------------------

def load_report_config(config: str | Path | Mapping[str, Any] | None = None, *,
                       targets: Any = None) -> dict[str, Any]:
    """The shipped ``report-config.json``, or a city's own (path or dict), complete with defaults;
    ``targets`` (commdx.targets: a Targets, a file or a shipped name) replaces the catalogue's
    targets of the indicators it lists (kept under ``_targets``, applied by _indicator_defs)."""
    from .targets import as_targets

    base = shipped_json("report-config.json")
    t = as_targets(targets)
    if t is not None:
        base["_targets"] = {"source": t.source, "indicators": t.overrides()}
    if config is None:
        return base
    if isinstance(config, (str, Path)):
        own = read_json(config)
    else:
        own = dict(config)
    merged = {**base, **own}
    label = config if isinstance(config, (str, Path)) else "config"
    if not isinstance(merged.get("min_households"), (int, float)) or merged["min_households"] < 1:
        raise _core.ConfigError(f"{label}, field 'min_households': must be a number >= 1")
    _indicator_defs(merged, str(label))  # every listed id is one of the indicator catalogue's
    return merged


# The report's words live with the rest of its words in commdx.render.words (one vocabulary).


def _w(key: str, lang: str, **kw: Any) -> str:
    return _words.w(key, lang, **kw)


# ---------------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------------

_TEXT = {"household_id": str, "ward_code": str, "neighbourhood_code": str, "group_code": str,
         "stratum": str, "psu": str, "member_id": str, "action": str, "outcome": str, "process": str,
         "code": str, "parent": str, "team_id": str, "unit": str}


# Date columns of the city folder's tables: checked, and written YYYY-MM-DD (DD/MM/YYYY accepted).
_DATES = ("date", "survey_date", "week_start")


# Columns a section cannot do without: missing, the file is refused naming them (not a KeyError).
_REQUIRED = {"visits.csv": ("household_id", "action", "member_id", "date", "outcome"),
             "manual_processes.csv": ("household_id", "group_code", "process"),
             "places.csv": ("code", "name", "kind", "parent")}


def _read_csv(path: Path) -> pd.DataFrame:
    return _tables.read_table(path, text=tuple(_TEXT), dates=_DATES, required=_REQUIRED.get(path.name, ()))


def load_city_folder(data: str | Path) -> dict[str, Any]:
    """The files ``commdx synth --out DIR`` writes (contracts.md), as DataFrames; missing files
    are absent from the result (the report says which sections they would have filled)."""
    d = Path(data)
    if not d.is_dir():
        raise _core.InputError(f"{d}: not a folder")
    out: dict[str, Any] = {}
    for key, name in (("places", "places.csv"), ("sample", "sample_households.csv"),
                      ("followup", "followup_households.csv"), ("visits", "visits.csv"),
                      ("manual_log", "manual_processes.csv"), ("households", "households.csv"),
                      ("plan_visits", "plan_visits.csv")):
        p = d / name
        if p.exists():
            out[key] = _read_csv(p)
            out[key].attrs["source"] = str(p)  # messages name the file
    if (d / "teams.json").exists():
        out["roster"] = read_json(d / "teams.json")
    from .synth import folder_calendar

    calendar = folder_calendar(d)  # the dates the folder was generated on (commdx synth --start)
    if calendar is not None:
        out["calendar"] = calendar
    return out


def _places_table(places: Any) -> pd.DataFrame:
    if places is None:
        return pd.DataFrame(columns=["code", "name", "kind", "parent"])
    if isinstance(places, pd.DataFrame):
        return places.astype({"code": str}).assign(parent=places["parent"].fillna("").astype(str))
    if hasattr(places, "to_dataframe"):
        df = places.to_dataframe()
    else:
        df = pd.DataFrame(_core.Places._to_columns(places) if hasattr(_core, "Places") else {})
    df["parent"] = df["parent"].fillna("").astype(str)
    return df


def _top_label(places_df: pd.DataFrame, lang: str) -> str:
    """The name of the report's top level by its kind in the places tree: the root, or the unit a
    root with one child leads to (``Places.vietnam().subtree(CODE)``: the country's one province's
    one commune is the commune) down to the ward/commune level. "toàn thành phố" for a city or a
    centrally-run city (a province named "Thành phố ..."), "cả nước", "toàn tỉnh", "toàn xã" ..."""
    if not len(places_df) or "kind" not in places_df.columns:
        return _w("city", lang)
    kids: dict[str, list[str]] = {}
    for code, parent in zip(places_df["code"].astype(str), places_df["parent"].astype(str)):
        kids.setdefault(parent, []).append(code)
    kind = dict(zip(places_df["code"].astype(str), places_df["kind"].astype(str)))
    name = dict(zip(places_df["code"].astype(str), places_df["name"].astype(str)))
    top = kids.get("", [""])[0]
    while len(kids.get(top, [])) == 1 and kind.get(kids[top][0]) in ("province", "city", "ward", "commune", "special_zone"):
        top = kids[top][0]
    k = kind.get(top, "city")
    if k not in ("country", "province", "ward", "commune", "special_zone") or (
            k == "province" and name.get(top, "").startswith("Thành phố")):
        return _w("city", lang)
    return _w(f"top_{k}", lang)


# ---------------------------------------------------------------------------------------------
# the report value
# ---------------------------------------------------------------------------------------------

@dataclass
class MonthlyReport:
    """A month's report: ``data`` (JSON-ready, already suppressed), the published ``tables``
    (DataFrames, suppressed), the ``charts`` (PNG bytes) and the sections that could not be
    computed (``missing``, with the reason)."""

    month: str
    unit: str
    unit_name: str
    lang: str
    data: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, bytes] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    #: the survey variables an indicator needs that a round of the files lacks, one statement each
    #: in the report's language (also among the indicators' notes); ``commdx report`` prints them
    variables_missing: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return self.data

    def document(self) -> Any:
        """The report as a document (summary, sections, typed tables): ``commdx.render.document``."""
        from .render.document import build

        return build(self)

    def to_markdown(self) -> str:
        from .render.markdown import render_markdown

        return render_markdown(self.document(), self.charts, f"report-{self.unit}-{self.month}")

    def to_html(self) -> str:
        from .render.html import render_html

        return render_html(self.document(), self.charts)

    def save(self, out: str | Path, formats: tuple[str, ...] = ("json", "md", "html"), *,
             command: Optional[list[str]] = None, inputs: tuple = (), city_name: Optional[str] = None) -> dict[str, Path]:
        """Writes ``report-<unit>-<month>.<format>`` for each of ``formats`` (``FORMATS``: json, md
        with its PNG charts, html, xlsx, docx, pdf) into ``out``, then
        ``report-<unit>-<month>.manifest.json`` last (``commdx.io.output.atomic_files``): the files
        are written to a temporary folder and moved in only when all are complete, so a failed run
        leaves the previous report (or no manifest). ``city_name`` ("Thành phố Vũng Tàu") names
        the place in the DOCX/PDF's place and date and the city report's issuing body. Returns the
        final paths."""
        return save_reports([self], out, formats, command=command, inputs=inputs, city_name=city_name)[0]

    def _save_files(self, o: Path, stem: str, formats: tuple[str, ...], city_name: Optional[str] = None) -> dict[str, Path]:
        unknown = [x for x in formats if x not in FORMATS]
        if unknown:
            raise _core.ConfigError(f"report format '{unknown[0]}': expected one of {', '.join(FORMATS)}")
        paths: dict[str, Path] = {}
        if "json" in formats:
            paths["json"] = o / f"{stem}.json"
            paths["json"].write_text(json.dumps(self.data, ensure_ascii=False, indent=1, default=_json_default), "utf-8")
        doc = self.document()
        if "md" in formats:
            from .render.markdown import render_markdown

            paths["md"] = o / f"{stem}.md"
            paths["md"].write_text(render_markdown(doc, self.charts, stem), "utf-8")
            for name, png in self.charts.items():
                (o / f"{stem}-{name}.png").write_bytes(png)
        if "html" in formats:
            from .render.html import render_html

            paths["html"] = o / f"{stem}.html"
            paths["html"].write_text(render_html(doc, self.charts), "utf-8")
        if "xlsx" in formats:
            from .render.xlsx import write_xlsx

            paths["xlsx"] = o / f"{stem}.xlsx"
            write_xlsx(doc, paths["xlsx"])
        if "docx" in formats or "pdf" in formats:
            from .render.docx import write_docx

            paths["docx"] = o / f"{stem}.docx"
            place, superior = _place_names(city_name)
            write_docx(doc, paths["docx"], place=place, superior=superior if self.data.get("level") == "city" else None)
        return paths


#: the formats ``MonthlyReport.save`` writes
FORMATS = ("json", "md", "html", "xlsx", "docx", "pdf")


def _place_names(city_name: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """("Vũng Tàu", "Thành phố Vũng Tàu") from the city's name: the place of a document's
    "place, date" line drops the kind of unit (Decree 30/2020, Appendix I)."""
    if not city_name:
        return None, None
    for kind in ("Thành phố ", "Thị xã ", "Tỉnh ", "Huyện ", "Quận ", "Phường ", "Xã ", "Đặc khu "):
        if city_name.startswith(kind):
            return city_name[len(kind):], city_name
    return city_name, city_name


def save_reports(reports: list[MonthlyReport], out: str | Path | Sequence[str | Path],
                 formats: tuple[str, ...] = ("json", "md", "html"), *, command: Optional[list[str]] = None,
                 inputs: tuple = (), city_name: Optional[str] = None,
                 progress: Optional[Callback] = None) -> list[dict[str, Path]]:
    """``MonthlyReport.save`` for several reports into one folder (or ``out[i]`` for report i),
    each its own file set with its manifest; their PDFs are made in one LibreOffice run (it takes
    seconds to start). Returns each report's final paths. ``progress(done, total)`` follows the
    reports' file sets (``commdx.progress``); the PDF run comes after its last call."""
    import contextlib

    from .io.output import atomic_files

    finals = [Path(out)] * len(reports) if isinstance(out, (str, Path)) else [Path(o) for o in out]
    if len(finals) != len(reports):
        raise ValueError(f"save_reports: {len(reports)} reports, {len(finals)} folders")
    written: list[dict[str, Path]] = []
    with contextlib.ExitStack() as stack:
        if progress is not None:
            progress(0, len(reports))
        for rep, final in zip(reports, finals):
            stem = f"report-{rep.unit}-{rep.month}"
            tmp = stack.enter_context(atomic_files(final, stem, command=command, inputs=inputs))
            written.append(rep._save_files(tmp, stem, formats, city_name))
            if progress is not None:
                progress(len(written), len(reports))
        if "pdf" in formats:
            from .render.docx import document_date
            from .render.pdf import docx_to_pdf

            pdfs = docx_to_pdf([p["docx"] for p in written],
                               dates={p["docx"].stem: document_date(r.month).strftime("%Y%m%d000000")
                                      for p, r in zip(written, reports)})
            for p, pdf in zip(written, pdfs):
                p["pdf"] = pdf
                if "docx" not in formats:
                    p.pop("docx").unlink()
    return [{k: final / p.name for k, p in paths.items()} for paths, final in zip(written, finals)]


def _json_default(x: Any) -> Any:
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return None if np.isnan(x) else float(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return str(x)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.to_dict(orient="records"):
        clean = {}
        for k, v in row.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif isinstance(v, np.generic):
                v = v.item()
                if isinstance(v, float) and math.isnan(v):
                    v = None
            elif v is pd.NA:
                v = None
            clean[str(k)] = v
        out.append(clean)
    return out


# ---------------------------------------------------------------------------------------------
# months and rounds
# ---------------------------------------------------------------------------------------------

def _parse_month(month: str) -> tuple[int, int]:
    try:
        y, m = (int(p) for p in str(month).split("-"))
        _dt.date(y, m, 1)
    except (ValueError, TypeError) as exc:
        raise _core.InputError(f"month '{month}': expected YYYY-MM") from exc
    return y, m


def _month_index(month: str) -> int:
    y, m = _parse_month(month)
    return y * 12 + m - 1


def monthly_report(
    month: str,
    data: str | Path | None = None,
    *,
    ward: str | None = None,
    lang: str = "vi",
    places: Any = None,
    roster: Any = None,
    sample: pd.DataFrame | None = None,
    followup: pd.DataFrame | None = None,
    visits: pd.DataFrame | None = None,
    manual_log: pd.DataFrame | None = None,
    households: pd.DataFrame | None = None,
    plan: Any = None,
    scores: Mapping[str, pd.DataFrame] | None = None,
    classes: Mapping[str, pd.DataFrame] | None = None,
    config: str | Path | Mapping[str, Any] | None = None,
    min_households: float | None = None,
    round_months: Mapping[int, str] | None = None,
    deadline: str | None = None,
    rules: Any = None,
    targets: Any = None,
    charts: bool = True,
    calibration: Any = None,
) -> MonthlyReport:
    """The monthly report of ``ward`` (a ward/commune code or a name the place matcher knows), or
    of the whole city when ``ward`` is None.

    Parameters
    ----------
    month : ``"YYYY-MM"``.
    data : a folder written by ``commdx synth --out DIR`` (contracts.md); the keyword arguments
        override or replace its files: ``places`` (commdx.Places or DataFrame), ``roster`` (the
        teams JSON dict), ``sample`` (round 0), ``followup`` (round 1 and later), ``visits``,
        ``manual_log``, ``households`` (the household register: the visit and M1 logs must name
        its households; without it a household outside the survey is a stated finding),
        ``plan`` (a Plan from ``commdx.plan_outreach`` or a DataFrame of planned visits with
        ``member_id`` and ``date``).
    scores, classes : optional ``{"baseline": df, "now": df}`` of scores per unit (``unit``,
        ``index``, ``score``) and classes (``code``, ``class``), when the analyst computed them.
    config : report configuration (``report-config.json``); ``min_households`` overrides its k.
    round_months : ``{round: "YYYY-MM"}`` when the files do not date the survey rounds.
    rules : the team rule set (``commdx.RuleSet``, its JSON dict or a path; default the shipped
        team-rules.json): T1/T3 composition and T5 coverage are checked by it, by its deadline.
    deadline : ``YYYY-MM-DD``, overriding the rule set's deadline for T5; the report states the
        override (``teams.deadline_override``, and a line in the teams section). Without it and
        without ``rules``, the deadline of ``data``'s ``calendar.json`` (the calendar ``commdx synth
        --start`` generated the folder on), when it has one.
    calibration : ``(calibrated_sample, calibrated_followup)`` or ``{round: calibrated}``: each survey
        round's ``commdx.calibrate`` result, when the rounds' ``weight`` holds calibrated weights
        (the rows in their order are the calibrated records). The change tests then start from the
        design weights and take their SEs from the calibration residuals (``commdx.round_changes``).
    targets : this run's targets (``commdx.read_targets``: a Targets, a CSV/XLSX/JSON file or a
        shipped name such as ``"national-2025"``) in place of the catalogue's for the indicators it
        lists; the progress section shows them with their source (the file when it names none).
    """
    if lang not in ("vi", "en"):
        raise _core.ConfigError(f"lang '{lang}': expected 'vi' or 'en'")
    _parse_month(month)
    cfg = load_report_config(config, targets=targets)
    k = float(min_households if min_households is not None else cfg["min_households"])
    if k < 1:
        raise _core.ConfigError(f"min_households {k}: must be at least 1")
    files = load_city_folder(data) if data is not None else {}
    places_df = _places_table(places if places is not None else files.get("places"))
    roster = roster if roster is not None else files.get("roster")
    # Tables given as DataFrames get the dates check the files get in io.tables.
    sample = _tables.normalise_dates(sample, _DATES) if sample is not None else files.get("sample")
    followup = _tables.normalise_dates(followup, _DATES) if followup is not None else files.get("followup")
    visits = _tables.normalise_dates(visits, _DATES) if visits is not None else files.get("visits")
    manual_log = _tables.normalise_dates(manual_log, _DATES) if manual_log is not None else files.get("manual_log")
    plan_visits = _plan_visits(plan if plan is not None else files.get("plan_visits"))

    missing: list[str] = []
    variables_missing: list[str] = []
    register = households if households is not None else files.get("households")
    missing.extend(_check_inputs(sample, followup, visits, manual_log, roster, register, places_df, cfg))
    names = dict(zip(places_df["code"], places_df["name"])) if len(places_df) else {}
    city_code = places_df.loc[places_df["parent"] == "", "code"].iloc[0] if len(places_df) else "city"
    if ward is not None and ward not in names and places is not None and hasattr(places, "match"):
        ward = places.match(ward)
    if ward is not None and names and ward not in names:
        raise _core.InputError(f"ward '{ward}': no such unit in places")
    unit = ward or city_code
    unit_name = names.get(unit, unit) if ward else _top_label(places_df, lang)

    report: dict[str, Any] = {
        "month": month, "unit": unit, "unit_name": unit_name, "level": "ward" if ward else "city",
        "lang": lang, "min_households": k, "generated_by": f"commdx {_core.__version__}",
    }
    tables: dict[str, pd.DataFrame] = {}

    # ---- indicators and their changes ------------------------------------------------------
    if sample is None:
        missing.append("indicators: no survey (sample_households.csv)")
    else:
        ind = _indicator_section(month, sample, followup, visits, places_df, ward, cfg, k, lang, round_months,
                                 _calibrations(calibration, 0, 1))
        report.update(ind["data"])
        tables.update(ind["tables"])
        missing.extend(ind["missing"])
        variables_missing = ind["variables_missing"]

    # ---- teams -----------------------------------------------------------------------------
    if deadline is None and rules is None and "calendar" in files:  # the folder's own calendar (calendar.json)
        deadline = files["calendar"]["deadline"]
    teams_section = _teams_section(roster, places, places_df, ward, rules, deadline, lang)
    report["teams"] = teams_section["data"]
    tables.update(teams_section["tables"])
    missing.extend(teams_section["missing"])

    # ---- visits, nominations ---------------------------------------------------------------
    if visits is None:
        missing.append("visits and nominations: no visit log (visits.csv)")
    else:
        v = _visits_section(month, visits, roster, plan_visits, sample, followup, places_df, ward, cfg, k, lang)
        report.update(v["data"])
        tables.update(v["tables"])
        missing.extend(v["missing"])

    # ---- M1 --------------------------------------------------------------------------------
    if manual_log is None:
        missing.append("manual processes (M1): no log (manual_processes.csv)")
    else:
        m1 = _manual_section(month, manual_log, places_df, ward, cfg, k, lang)
        report["manual_processes"] = m1["data"]
        tables["manual_processes"] = m1["table"]

    # ---- class and score changes -----------------------------------------------------------
    cs = _class_score_section(scores, classes, unit)
    report["class_and_scores"] = cs["data"]
    missing.extend(cs["missing"])

    report["missing"] = missing
    rep = MonthlyReport(month=month, unit=unit, unit_name=unit_name, lang=lang, data=report,
                        tables=tables, missing=missing, variables_missing=variables_missing)
    if charts:
        rep.charts = _charts(rep)
    return rep


def _check_inputs(sample: pd.DataFrame | None, followup: pd.DataFrame | None, visits: pd.DataFrame | None,
                  manual_log: pd.DataFrame | None, roster: Any, register: pd.DataFrame | None,
                  places_df: pd.DataFrame, cfg: Mapping[str, Any]) -> list[str]:
    """Rounds, ids, members, outcomes and frequencies checked against what they refer to
    (commdx.monitor.check_*): errors raise, findings the data may still be right about return."""
    from .monitor import VISIT_OUTCOMES, check_manual_log, check_places, check_survey_rounds, check_visit_log

    if sample is not None:
        check_survey_rounds(sample, followup)
    for df, label in ((sample, "sample"), (followup, "followup")):
        if df is not None:
            check_places(df, places_df, label)
    has_register = register is not None and "household_id" in register.columns
    if has_register and register is not None:
        known: set[str] | None = set(register["household_id"].astype(str))
    else:
        frames = [df for df in (sample, followup) if df is not None and "household_id" in df.columns]
        known = set().union(*(set(df["household_id"].astype(str)) for df in frames)) if frames else None
    findings: list[str] = []
    if visits is not None:
        members = ({str(m.get("id")) for t in roster.get("teams", []) for m in t.get("members", [])}
                   if isinstance(roster, Mapping) else None)
        findings += check_visit_log(visits, households=known, register=has_register, members=members,
                                    outcomes=set(VISIT_OUTCOMES))
    if manual_log is not None:
        groups = set(places_df["code"].astype(str)) if len(places_df) else None
        findings += check_manual_log(manual_log, households=known, register=has_register, groups=groups)
    return findings


# ---- indicators ----------------------------------------------------------------------------

def _indicator_defs(cfg: Mapping[str, Any], label: str = "report config") -> list[dict[str, Any]]:
    """The report's household indicators: the ids the config lists (``indicators``), each defined
    once, in the indicator catalogue (indicators.json): its columns, domain (``where``), labels,
    and target with its date and source in both languages. The report follows a share or mean of
    one households column, or a ratio of two."""
    from .indicators import indicator_catalogue

    ids = cfg.get("indicators")
    if not isinstance(ids, list):
        raise _core.ConfigError(f"{label}, field 'indicators': expected a list of indicator ids of indicators.json")
    from .targets import apply_overrides

    run = cfg.get("_targets") or {}  # a run's targets file (load_report_config(targets=)) over the catalogue's
    catalogue = apply_overrides(indicator_catalogue(), run.get("indicators"), str(run.get("source", "targets")))
    by_id = {str(i["id"]): i for i in catalogue["indicators"]}
    defs: list[dict[str, Any]] = []
    for row, ind in enumerate(ids, start=1):
        if not isinstance(ind, str):
            raise _core.ConfigError(f"{label}, field 'indicators', row {row}: expected an indicator id of indicators.json "
                                    f"(definitions, labels and targets are written there, once), got {ind!r}")
        c = by_id.get(ind)
        if c is None:
            raise _core.ConfigError(f"{label}, field 'indicators', row {row}, unit {ind}: "
                                    f"no indicator '{ind}' in the indicator catalogue indicators.json")
        num, den = c.get("numerator") or {}, c.get("denominator") or {}
        if c.get("records") != "households" or "column" not in num or (den and "column" not in den):
            raise _core.ConfigError(f"{label}, field 'indicators', row {row}, unit {ind}: the report follows "
                                    "household indicators of one numerator column (and one denominator column)")
        defs.append({"id": ind, "numerator": num["column"], "denominator": den.get("column", ""),
                     "where": c.get("where") or [], "label_vi": c["label_vi"], "label_en": c["label_en"],
                     "target": c.get("target"), "target_date": c.get("target_date"),
                     "target_source_vi": c.get("target_source_vi"), "target_source_en": c.get("target_source_en")})
    for d in defs:  # a domain is applied to the numerator column itself (_in_domain)
        if any(e is not d and e["numerator"] == d["numerator"] and e["where"] != d["where"] for e in defs):
            raise _core.ConfigError(f"{label}, field 'indicators', unit {d['id']}: its numerator column "
                                    f"'{d['numerator']}' is another listed indicator's with a different domain (where)")
    return defs


def _survey_columns(rows: pd.DataFrame, defs: list[dict[str, Any]]) -> dict[str, Any]:
    """The stacked survey rows as the compiled indicator section reads them: the round, the design
    (strata and PSUs as text, as the merged design reads them), the place codes and household ids
    as text, and every column an indicator needs (numeric, or text for a text domain column)."""
    cols: dict[str, Any] = {"round": pd.to_numeric(rows["round"], errors="coerce").to_numpy(dtype="float64")}
    for c in ("stratum", "psu"):
        if c in rows.columns:
            cols[c] = rows[c].astype(str).tolist()
    for c in ("household_id",) + LEVELS:
        if c in rows.columns:
            cols[c] = _codes(rows[c])
    needed = ["weight", "fpc"] + [c for d in defs for c in (d["numerator"], d["denominator"], *(w["column"] for w in d["where"]))]
    present = [c for c in dict.fromkeys(needed) if c and c in rows.columns and c not in cols]
    cols.update(to_columns(rows[present]))
    return cols


def _indicator_section(month: str, sample: pd.DataFrame, followup: pd.DataFrame | None,
                       visits: pd.DataFrame | None, places_df: pd.DataFrame, ward: str | None,
                       cfg: Mapping[str, Any], k: float, lang: str,
                       round_months: Mapping[int, str] | None,
                       calibration: list[tuple[float, Any]] | None = None) -> dict[str, Any]:
    """The indicator section: computed by C++ ``commdx::report::indicator_section``
    (include/commdx/report/indicators.hpp: the rounds compared, the change tables per level on
    the merged designs, the published cells and the progress against targets); this adapter
    gives it the survey rows and the dates pandas reads, and words its result."""
    missing: list[str] = []
    sample = sample.copy()
    if "round" not in sample.columns:
        sample["round"] = 0
    stacked = [sample]
    if followup is not None:
        f = followup.copy()
        if "round" not in f.columns:
            f["round"] = 1
        stacked.append(f)
    all_defs = _indicator_defs(cfg)
    rows = pd.concat(stacked, ignore_index=True)
    rounds = sorted(int(r) for r in rows["round"].unique())
    # The month each round describes: given, or its survey dates' latest month (the C++ section
    # dates the others from the visit log).
    dated: dict[int, str] = {}
    for r in rounds:
        if round_months and r in round_months:
            dated[r] = str(round_months[r])
            continue
        df = rows[rows["round"] == r]
        for col in ("survey_date", "date"):
            if col in df.columns and df[col].notna().any():
                dated[r] = str(pd.to_datetime(df[col]).max())[:7]
                break
    visit_months = None
    if visits is not None and len(visits) and "date" in visits.columns:
        dates = pd.to_datetime(visits["date"])
        visit_months = (_month_index(str(dates.min())[:7]), _month_index(str(dates.max())[:7]))
    if followup is None:
        missing.append("follow-up round: no followup_households.csv, so no change can be tested")
    sources = {0: str(sample.attrs.get("source") or "sample")}
    if followup is not None:
        sources.update({r: str(followup.attrs.get("source") or "followup") for r in rounds if r != 0})
    parent_of = dict(zip(places_df["code"].astype(str), places_df["parent"].astype(str))) if len(places_df) else {}
    res = _core._indicator_section(
        _survey_columns(rows, all_defs), sources[0],
        [{"id": d["id"], "numerator": d["numerator"], "denominator": d["denominator"] or None, "where": d["where"],
          "target": d["target"], "target_date": d["target_date"]} for d in all_defs],
        month, ward or "", list(dated.items()), visit_months, parent_of, float(k),
        float(_config_number(cfg, "unanimous_below_households")), float(cfg.get("level", 0.95)), calibration or [])
    months = {int(r): m for r, m in res["round_months"].items()}
    now_round, last_round = res["rounds"]["now"], res["rounds"]["last_month"]
    estimated = set(res["estimated"])
    defs = [d for d in all_defs if d["id"] in estimated]
    if res["absent"]:
        missing.append("indicators without their survey columns: " + ", ".join(res["absent"]))
    # A variable a round lacks (the follow-up file has no such column, or it is empty there) is
    # missing data, not a small cell; stated for every round of the files (issue 11).
    lacking: dict[str, list[tuple[str, int]]] = {}
    lacking_later: dict[str, list[tuple[str, int]]] = {}
    for gap in res["lacking"]:
        (lacking if gap["compared"] else lacking_later).setdefault(gap["indicator"], []).append((gap["column"], gap["round"]))

    def lacking_text(ind: str, word: str, which: Mapping[str, list[tuple[str, int]]] = lacking) -> str:
        return ", ".join(f"'{col}' ({word} {r}, {sources.get(r, 'survey')})" for col, r in which[ind])

    for ind in lacking:
        missing.append(f"indicator {ind}: variable {lacking_text(ind, 'round')} is missing, so it is not estimated "
                       "(missing data, not suppressed)")
    cells = pd.DataFrame(res["cells"])
    for c in ("significant_baseline", "significant_last_month"):
        cells[c] = pd.Series(res["cells"][c], dtype=object)
    labels = {d["id"]: d[f"label_{lang}"] for d in defs}
    cells["label"] = cells["variable"].map(labels)
    unit_names = dict(zip(places_df["code"].astype(str), places_df["name"].astype(str)))
    top_label = _top_label(places_df, lang)
    cells["unit_name"] = [(top_label if u == "" else unit_names.get(u, u)) for u in cells["unit"]]
    published_cols = ["by", "unit", "unit_name", "parent", "variable", "label", "baseline", "se_baseline",
                      "last_month", "now", "se_now", "change_baseline", "se_change_baseline",
                      "ci_low_baseline", "ci_high_baseline", "p_value_baseline", "significant_baseline",
                      "change_last_month", "se_change_last_month", "p_value_last_month",
                      "significant_last_month", "n_baseline", "n_now", "suppression"]
    published = cells[published_cols].reset_index(drop=True)
    root = res["root"]
    top = published[published["unit"] == root]

    # ---- progress against targets ----
    by_id = {d["id"]: d for d in defs}
    progress = pd.DataFrame([{"variable": p["variable"], "label": by_id[p["variable"]][f"label_{lang}"],
                              "now": math.nan if p["now"] is None else p["now"], "target": p["target"],
                              "target_date": by_id[p["variable"]].get("target_date"),
                              "target_source": by_id[p["variable"]].get(f"target_source_{lang}"), "gap": p["gap"],
                              "months_left": p["months_left"], "pace_needed_per_month": p["pace_needed_per_month"],
                              "pace_so_far_per_month": p["pace_so_far_per_month"], "status": p["status"]}
                             for p in res["progress"]])
    word = "vòng" if lang == "vi" else "round"
    variables_missing = ([_w("variable_missing", lang, label=labels.get(ind, ind), where=lacking_text(ind, word))
                          for ind in lacking]
                         + [_w("variable_missing_later", lang, label=labels.get(ind, ind),
                               where=lacking_text(ind, word, lacking_later)) for ind in lacking_later])
    data = {
        "rounds": {"baseline": {"round": 0, "month": months.get(0)},
                   "now": {"round": now_round, "month": months.get(now_round)},
                   "last_month": {"round": last_round, "month": months.get(last_round)}},
        "indicators": _records(top.drop(columns=["by", "parent"])),
        "areas": _records(published[published["unit"] != root].drop(columns=["parent"])),
        "progress": _records(progress),
        "notes": [_w(note, lang) for note in res["notes"]] + variables_missing,
    }
    return {"data": data, "tables": {"indicators": top.reset_index(drop=True), "areas": published[published["unit"] != root].reset_index(drop=True),
                                     "progress": progress},
            "missing": missing, "variables_missing": variables_missing}


# ---- teams ---------------------------------------------------------------------------------

_TEAM_COLUMNS = ["team", "level", "unit", "ward", "decision_date", "members", "youth_union_members", "bank_staff",
                 "weekly_hours"]


def _teams_section(roster: Any, places: Any, places_df: pd.DataFrame, ward: str | None, rules: Any,
                   deadline: str | None, lang: str) -> dict[str, Any]:
    """The teams section: computed by C++ ``commdx::report::teams_section``
    (include/commdx/report/teams.hpp: the deadline in force, each team's composition, T5 coverage
    by team_coverage and the T1/T3/T5 findings by check_teams, the rule set's or ``deadline``);
    this adapter gives it the roster, places and rule set, and words its notes."""
    from .teams import FINDING_COLUMNS, _as_places, _as_roster, _as_rules

    if roster is None:
        return {"data": None, "tables": {}, "missing": ["teams: no roster (teams.json)"]}
    places_arg = places if places is not None else (places_df if len(places_df) else None)
    res = _core._teams_section(_as_roster(roster), _as_places(places_arg), _as_rules(rules),
                               None if deadline is None else str(deadline), ward or "")
    missing = [{"coverage_from_roster": f"team coverage (T5) by commdx.team_coverage failed: {message}; "
                                        "computed from the roster's decision dates instead",
                "findings_refused": f"team composition findings (T1/T3): commdx.check_teams refused the roster: {message}"}[note]
               for note, message in ((n["id"], n["message"]) for n in res["notes"])]
    comp = pd.DataFrame(res["teams"], columns=_TEAM_COLUMNS) if res["teams"] else pd.DataFrame()
    coverage = pd.DataFrame(res["coverage"], columns=["unit", "name", "covered_by_deadline", "late_team"])
    findings = None if res["findings"] is None else pd.DataFrame(res["findings"], columns=list(FINDING_COLUMNS))
    severities = findings["severity"].tolist() if findings is not None else []
    data = {
        "deadline": res["deadline"],
        "neighbourhoods": int(len(coverage)),
        "covered_by_deadline": sum(r["covered_by_deadline"] for r in res["coverage"]),
        "uncovered": [r["unit"] for r in res["coverage"] if not r["covered_by_deadline"]],
        "late": [r["unit"] for r in res["coverage"] if r["late_team"]],
        "teams": _records(comp),
        "composition_errors": severities.count("error") if findings is not None else None,
        "composition_warnings": severities.count("warning") if findings is not None else None,
        "findings": _records(findings[["severity", "rule", "team", f"message_{lang}"]]) if findings is not None else None,
    }
    if res["rules_deadline"] is not None:  # an explicit deadline in place of the rule set's: said, never silent
        data["deadline_override"] = {"deadline": res["deadline"], "rules_deadline": res["rules_deadline"]}
    tables = {"team_composition": comp, "team_coverage": coverage}
    if findings is not None:
        tables["team_findings"] = findings
    return {"data": data, "tables": tables, "missing": missing}


def _ward_of(places_df: pd.DataFrame) -> dict[str, str]:
    parent = dict(zip(places_df["code"].astype(str), places_df["parent"].astype(str)))
    kind = dict(zip(places_df["code"].astype(str), places_df["kind"].astype(str)))
    out = {}
    for c in parent:
        u = c
        while u and kind.get(u) not in ("ward", "commune", "special_zone"):
            u = parent.get(u, "")
        out[c] = u
    return out


# ---- visits and nominations ----------------------------------------------------------------

def _plan_visits(plan: Any) -> pd.DataFrame | None:
    """Planned visits as a DataFrame with member_id and date (or week start), from a Plan object
    (its visit assignment table) or a DataFrame."""
    if plan is None:
        return None
    if isinstance(plan, pd.DataFrame):
        return _tables.normalise_dates(plan, _DATES)
    df = getattr(plan, "visits", None)
    if isinstance(df, pd.DataFrame) and "member_id" in df.columns and "date" in df.columns:
        if "status" in df.columns:
            df = df[df["status"] == "scheduled"]
        return df
    return None


def _config_number(cfg: Mapping[str, Any], field: str, minimum: float = 0.0) -> float:
    """A number the report config must hold (report-config.json ships every one: no second
    default in code)."""
    v = cfg.get(field)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not v >= minimum:
        raise _core.ConfigError(f"report config, field '{field}': " +
                                ("missing" if v is None else f"must be a number >= {minimum:g}, got {v!r}"))
    return float(v)


def _visits_section(month: str, visits: pd.DataFrame, roster: Any, plan_visits: pd.DataFrame | None,
                    sample: pd.DataFrame | None, followup: pd.DataFrame | None, places_df: pd.DataFrame,
                    ward: str | None, cfg: Mapping[str, Any], k: float, lang: str) -> dict[str, Any]:
    """The visits section: computed by C++ ``commdx::report::visits_section``
    (include/commdx/report/visits.hpp: the month's door visits, hours, adoptions against the
    catalogue's priors, planned against done, the small-cell rule and the nominations); this
    adapter gives it the log, the plan and the roster pandas reads, and words its result."""
    from .teams import _as_roster

    def texts(df: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[str]]:
        df = _plain(df)
        return {c: _codes(df[c]) for c in columns if c in df.columns}

    log = texts(visits, ("household_id", "action", "member_id", "date", "outcome", "ward_code"))
    plan = None
    if plan_visits is not None:
        dcol = next((c for c in ("date", "week_start", "day") if c in plan_visits.columns), None)
        plan = texts(_tables.normalise_dates(plan_visits, (dcol,)) if dcol else plan_visits,
                     ("member_id", "ward_code") + ((dcol,) if dcol else ()))
    aliases = {a: c or "" for a, c in cfg.get("action_priors", {}).items() if a != "notes"}
    nom_cfg = cfg["nomination"]
    a = float(nom_cfg["prior_strength"])
    res = _core._visits_section(
        log, str(visits.attrs.get("source") or "visits"), plan, str(getattr(plan_visits, "attrs", {}).get("source") or "plan"),
        _as_roster(roster) if roster is not None else _core.Roster(), _household_ward(_plain(sample), _plain(followup)),
        _ward_of(places_df), aliases, month, ward or "", float(k), _config_number(cfg, "default_action_minutes"), a,
        int(nom_cfg["members"]), int(nom_cfg["teams"]))
    missing = [{"no_priors": "nomination difficulty: campaigns.json priors not available, expected rates from the log itself",
                "no_plan": "visits against the plan: no plan given (plan_outreach result or plan_visits.csv)"}[n]
               for n in res["notes"]]
    def text(values: list[str]) -> pd.Series:
        return pd.Series(values, dtype="str")  # text also when empty

    counts = ["visits", "households"]
    m = res["members"]
    mem = pd.DataFrame({"member_id": text(m["member_id"]), **{c: np.asarray(m[c], dtype="int64") for c in counts},
                        "conversions": m["conversions"], "expected": m["expected"], "minutes": m["minutes"],
                        "team_id": text(m["team_id"]), "name": text(m["name"]), "hours": m["hours"],
                        "visits_planned": _planned(m["visits_planned"], plan is not None),
                        "per_hour": m["per_hour"], "adjusted_rate": m["adjusted_rate"]})
    t = res["teams"]
    team = pd.DataFrame({"team_id": text(t["team_id"]), "visits": np.asarray(t["visits"], dtype="int64"),
                         "visits_planned": _planned(t["visits_planned"], plan is not None),
                         "households": np.asarray(t["households"], dtype="int64"), "hours": t["hours"],
                         "conversions": t["conversions"], "expected": t["expected"],
                         "adjusted_rate": t["adjusted_rate"], "per_hour": t["per_hour"]})
    members_nom = mem.iloc[res["nominated_members"]]
    teams_nom = team.iloc[res["nominated_teams"]]
    criterion = {
        "vi": (f"Hệ số chuyển đổi so với kỳ vọng = (số hộ chuyển đổi + {a:g}) / (số chuyển đổi kỳ vọng + {a:g}). "
               "Số kỳ vọng cộng xác suất thành công ban đầu của từng hoạt động trong kế hoạch (campaigns.json), nhân với một hệ số "
               "chung để tổng kỳ vọng của cả thành phố trong tháng bằng tổng thực tế; như vậy hoạt động khó, hộ khó được tính đến "
               "và hệ số > 1 nghĩa là tốt hơn mức chung của thành phố trên những lượt khó như nhau. Lượt không gặp ai không tính kỳ vọng. "
               f"Chỉ xét thành viên đã đến ít nhất {k:g} hộ; đề cử những người có hệ số > 1 cao nhất. Số chuyển đổi mỗi giờ "
               "(cả thời gian đi lại) được nêu kèm."),
        "en": (f"Rate vs expected = (adoptions + {a:g}) / (expected adoptions + {a:g}). Expected adoptions sum each visit "
               "action's prior success probability from the plan's campaigns.json, scaled by one city-wide factor so that the "
               "city's expected adoptions this month equal its observed ones: hard actions and hard households count for more, "
               "and a rate above 1 means better than the city's members on visits of the same difficulty. Visits finding "
               f"nobody at home carry no expectation. Members who visited at least {k:g} households; the highest rates above 1 "
               "are nominated. Adoptions per hour (travel included) are shown beside."),
    }[lang]
    data = {
        "visits": {"month_visits": res["month_visits"], "households_visited": res["households_visited"],
                   "members": _records(mem[["team_id", "member_id", "name", "visits_planned", "visits", "households",
                                            "hours", "conversions", "expected", "per_hour", "adjusted_rate"]]),
                   "teams": _records(team)},
        "nominations": {"criterion": criterion, "calibration": res["calibration"],
                        "members": _records(members_nom[["member_id", "name", "team_id", "households", "conversions",
                                                         "expected", "hours", "per_hour", "adjusted_rate"]]),
                        "teams": _records(teams_nom[["team_id", "visits", "conversions", "expected", "per_hour", "adjusted_rate"]])},
    }
    return {"data": data, "tables": {"member_visits": mem, "team_visits": team,
                                     "nominated_members": members_nom, "nominated_teams": teams_nom},
            "missing": missing}


def _plain(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """``df`` without its ``attrs`` (a file's source and lines), which pandas deep-copies into
    every column taken from it (most of the section's time on the demo's logs)."""
    if df is None:
        return None
    out = df.copy(deep=False)
    out.attrs = {}
    return out


def _planned(counts: list[int | None], planned: bool) -> np.ndarray:
    """Visits planned as whole numbers, or NaN throughout without a plan."""
    return np.asarray(counts, dtype="int64") if planned else np.full(len(counts), np.nan)


def _household_ward(sample: pd.DataFrame | None, followup: pd.DataFrame | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for df in (sample, followup):
        if df is not None and "ward_code" in df.columns:
            out.update(zip(df["household_id"].astype(str), df["ward_code"].astype(str)))
    return out


# ---- M1 ------------------------------------------------------------------------------------

def _manual_section(month: str, log: pd.DataFrame, places_df: pd.DataFrame, ward: str | None,
                    cfg: Mapping[str, Any], k: float, lang: str) -> dict[str, Any]:
    """The M1 section: computed by C++ ``commdx::report::manual_section``
    (include/commdx/report/manual.hpp: the log up to the month, per process of the scope, the
    city's small-cell pattern, the proposals ranked by households); this adapter gives it the log
    pandas reads and words the replacements (report-config.json's ``manual_processes``)."""
    df = _plain(log)
    assert df is not None  # a DataFrame in, a DataFrame out
    columns = {c: _codes(df[c]) for c in ("household_id", "group_code", "process", "date", "ward_code") if c in df.columns}
    if "frequency_per_month" in df.columns:  # a frequency that is not a number counts 0, as before
        columns["frequency_per_month"] = pd.to_numeric(df["frequency_per_month"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    mapping = cfg.get("manual_processes", {})
    campaigns = {p: str(m.get("campaign", "")) for p, m in mapping.items() if isinstance(m, Mapping)}
    res = _core._manual_section(columns, str(log.attrs.get("source") or "manual_processes"), _ward_of(places_df),
                                campaigns, month, ward or "", float(k))
    rows = [{"rank": r["rank"], "process": r["process"],
             "replacement": mapping.get(r["process"], {}).get(lang, _w("unmapped", lang)), "campaign": r["campaign"],
             "households": r["households"], "times_per_month": r["times_per_month"], "groups": r["groups"]}
            for r in res["proposals"]]
    pub = pd.DataFrame(rows, columns=["rank", "process", "households", "times_per_month", "groups", "replacement",
                                      "campaign"]).assign(suppression="published")
    data = {"households_logged": res["households_logged"], "proposals": rows,
            "other": ({"label": _w("other_processes", lang, k=int(k)), "processes": res["other_processes"],
                       "households": None} if res["other_processes"] else None)}
    return {"data": data, "table": pub}


# ---- class and scores ----------------------------------------------------------------------

def _class_score_section(scores: Mapping[str, pd.DataFrame] | None, classes: Mapping[str, pd.DataFrame] | None,
                         unit: str) -> dict[str, Any]:
    """The class and score section: computed by C++ ``commdx::report::class_score_section``
    (include/commdx/report/scores.hpp: the unit's classes and scores at the baseline and now, or
    every row when the tables do not list the unit); this adapter gives it the tables as rows."""
    def rows(tables: Mapping[str, pd.DataFrame] | None, columns: tuple[str, ...], row: Any) -> dict[str, list] | None:
        if not tables:
            return None
        out = {}
        for when in ("baseline", "now"):
            t = tables.get(when)
            if t is not None and columns[0] in t.columns:  # a column the table lacks is None throughout
                cols = [t[c].tolist() if c in t.columns else [None] * len(t) for c in columns]
                out[when] = [row(*(None if isinstance(v, float) and math.isnan(v) else v for v in r)) for r in zip(*cols)]
        return out

    def text(v: Any) -> str:
        return "" if v is None else str(v)

    res = _core._class_score_section(
        rows(classes, _CLASS_COLUMNS, lambda code, name, klass, borderline:
             (text(code), text(name), text(klass), None if borderline is None else bool(borderline))),
        rows(scores, _SCORE_COLUMNS, lambda u, index, score: (text(u), text(index), math.nan if score is None else float(score))),
        unit)
    data: dict[str, Any] = {}
    for key, columns in (("classes", _CLASS_COLUMNS), ("scores", _SCORE_COLUMNS)):
        if res[key] is not None:
            data[key] = {w: [{c: r[c] for c in columns} for r in v] for w, v in res[key].items()}
    missing = [{"no_classes": "class change: no classes given (commdx.classify_areas at baseline and now)",
                "no_scores": "score change: no scores given (commdx.CompositeIndex at baseline and now)"}[n]
               for n in res["notes"]]
    return {"data": data, "missing": missing}


_CLASS_COLUMNS = ("code", "name", "class", "borderline")
_SCORE_COLUMNS = ("unit", "index", "score")


# ---------------------------------------------------------------------------------------------
# charts and documents: commdx.render (this module computes, that package renders)
# ---------------------------------------------------------------------------------------------

def _charts(rep: MonthlyReport) -> dict[str, bytes]:
    from .render.charts import charts

    return charts(rep)
