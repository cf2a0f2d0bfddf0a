"""The report as a document: its summary and sections, each with paragraphs and tables of typed
cells, built once from ``MonthlyReport.data`` and rendered by every format (Markdown, HTML, DOCX
on the page; XLSX with every row). Nothing here computes a statistic: figures are read from the
data as the report published them (suppressed cells are None and print as "—")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .fmt import SUPPRESSED, Fmt, missing
from .words import (class_name, index_name, level_name, missing_text, process_name, target_source, w,
                    when_name)

__all__ = ["Cell", "Table", "Section", "Document", "build"]

#: rows a table shows on the page (HTML, Markdown, DOCX); the XLSX has every row
PAGE_ROWS = {"areas": 40, "teams": 30, "members": 30, "visits": 30, "nominations": 20, "manual": 20,
             "classes": 20, "scores": 20, "progress": 30, "indicators": 60}
#: how many of an area's indicators the page shows (the report's headline ones), and uncovered units named
AREA_INDICATORS = 3
UNCOVERED_NAMED = 30


@dataclass
class Cell:
    value: Any
    kind: str = "text"  # text, int, num1, num2, num3, pct, pp (signed), ppu (unsigned), interval, date, yes

    def text(self, f: Fmt) -> str:
        v, k = self.value, self.kind
        if k == "text":
            return SUPPRESSED if v is None else str(v)
        if k == "int":
            return f.int(v)
        if k in ("num1", "num2", "num3"):
            return f.num(v, int(k[-1]))
        if k == "pct":
            return f.pct(v)
        if k == "pp":
            return f.pp(v)
        if k == "ppu":
            return f.pp(v, signed=False)
        if k == "interval":
            return f.interval(*v) if v is not None else SUPPRESSED
        if k == "date":
            return f.date(v)
        if k == "yes":
            return SUPPRESSED if missing(v) else w("yes" if bool(v) else "no", f.lang)
        raise ValueError(k)


@dataclass
class Table:
    key: str
    header: list[str]
    rows: list[list[Cell]]
    page_rows: int

    @property
    def shown(self) -> list[list[Cell]]:
        return self.rows[: self.page_rows]

    @property
    def more(self) -> int:
        return max(len(self.rows) - self.page_rows, 0)


@dataclass
class Section:
    key: str
    title: str
    paras: list[str] = field(default_factory=list)
    table: Optional[Table] = None
    chart: Optional[str] = None
    after: list[str] = field(default_factory=list)  # paragraphs after the table and the chart


@dataclass
class Document:
    lang: str
    title: str
    month: str
    unit: str
    unit_name: str
    level: str
    summary: list[str]
    sections: list[Section]
    footer: str

    @property
    def tables(self) -> list[Table]:
        return [s.table for s in self.sections if s.table is not None]


def build(rep: Any) -> Document:
    lang, d = rep.lang, rep.data
    f = Fmt(lang)
    sections: list[Section] = []
    same_last = _last_is_baseline(d)
    if "indicators" in d:
        sections.append(_indicators(d, f, same_last))
        if d.get("progress"):
            sections.append(_progress(d, f))
    if d.get("teams"):
        sections.append(_teams(d["teams"], f))
    if "visits" in d:
        sections.append(_visits(d, f))
        sections.append(_nominations(d, f))
    if d.get("manual_processes"):
        sections.append(_manual(d["manual_processes"], f))
    sections += _class_score(d.get("class_and_scores") or {}, f)
    if d.get("areas"):
        sections.append(_areas(d, f))
    if "visits" in d:
        sections.append(_members(d, f))
    if rep.missing:
        sections.append(Section("missing", w("missing", lang), [missing_text(m, lang) for m in rep.missing]))
    title = w("heading", lang, month=f.month(rep.month), unit=rep.unit_name)
    footer = w("generated", lang, by=d.get("generated_by", "commdx"))
    return Document(lang, title, rep.month, rep.unit, rep.unit_name, d.get("level", "ward"),
                    summary(d, rep.missing, f), sections, footer)


def _last_is_baseline(d: dict[str, Any]) -> bool:
    r = d.get("rounds") or {}
    return bool(r) and r["last_month"]["round"] == r["baseline"]["round"]


# ---- sections --------------------------------------------------------------------------------

def _interval_cell(r: dict[str, Any], lang: str) -> Cell:
    """The interval of the change since the baseline; where neither round has a sampling error
    (a census, a full count: both SEs 0) said in words, since "[+14,4; +14,4]" reads like a
    misprint."""
    low, high = r["ci_low_baseline"], r["ci_high_baseline"]
    if low is None:
        return Cell(None, "interval")
    if r["se_baseline"] == 0 and r["se_now"] == 0:
        return Cell(w("no_sampling_error", lang))
    return Cell((low, high), "interval")


def _indicators(d: dict[str, Any], f: Fmt, same_last: bool) -> Section:
    lang = f.lang
    r0 = d["rounds"]
    header = [w("indicator", lang), w("baseline", lang)]
    if not same_last:
        header.append(w("last_month", lang))
    header += [w("now", lang), w("change", lang) + f" ({w('pp', lang)})", w("ci", lang) + f" ({w('pp', lang)})",
               w("significant", lang), w("n", lang)]
    rows = []
    for r in d["indicators"]:
        row = [Cell(r["label"]), Cell(r["baseline"], "pct")]
        if not same_last:
            row.append(Cell(r["last_month"], "pct"))
        row += [Cell(r["now"], "pct"), Cell(r["change_baseline"], "pp"),
                _interval_cell(r, lang),
                Cell(r["significant_baseline"], "yes"), Cell(r["n_now"], "int")]
        rows.append(row)
    paras = [w("rounds_line", lang, baseline=f.month(r0["baseline"]["month"]), last=f.month(r0["last_month"]["month"]),
               now=f.month(r0["now"]["month"]))]
    if same_last and r0["now"]["round"] != r0["baseline"]["round"]:
        paras.append(w("last_is_baseline", lang, baseline=f.month(r0["baseline"]["month"])))
    paras += list(d.get("notes", []))
    paras.append(w("suppressed_note", lang, k=f.int(d["min_households"])))
    return Section("indicators", w("indicators", lang), paras,
                   Table("indicators", header, rows, PAGE_ROWS["indicators"]), chart="indicators",
                   after=[w("star_note", lang)])


_STATUS = {"met": "met", "overdue": "overdue", "on_track": "yes", "behind": "no"}


def _progress(d: dict[str, Any], f: Fmt) -> Section:
    lang = f.lang
    pp = f" ({w('pp', lang)})"
    header = [w("indicator", lang), w("now", lang), w("target", lang), w("deadline", lang), w("gap", lang) + pp,
              w("pace_needed", lang) + pp, w("pace_so_far", lang) + pp, w("on_track", lang)]
    rows = [[Cell(r["label"]), Cell(r["now"], "pct"), Cell(r["target"], "pct"), Cell(r["target_date"], "date"),
             Cell(r["gap"], "ppu"), Cell(r["pace_needed_per_month"], "ppu"), Cell(r["pace_so_far_per_month"], "pp"),
             Cell(w(_STATUS[r["status"]], lang) if r["status"] in _STATUS else None)] for r in d["progress"]]
    sources: dict[str, list[str]] = {}
    for r in d["progress"]:
        src = target_source(r["variable"], r.get("target_source"), lang)
        if src:
            sources.setdefault(src, []).append(r["label"])
    paras = [f"{w('source', lang)}: {src} ({f.list(labels)})" for src, labels in sources.items()]
    return Section("progress", w("progress", lang), paras, Table("progress", header, rows, PAGE_ROWS["progress"]),
                   chart="progress", after=[w("target_note", lang)])


def _teams(t: dict[str, Any], f: Fmt) -> Section:
    lang = f.lang
    paras = [w("coverage_line", lang, covered=f.int(t["covered_by_deadline"]), total=f.int(t["neighbourhoods"]),
               deadline=f.date(t["deadline"]))]
    if t.get("deadline_override"):
        o = t["deadline_override"]
        paras.append(w("deadline_override", lang, deadline=f.date(o["deadline"]), rules_deadline=f.date(o["rules_deadline"])))
    if t.get("composition_errors") is not None:
        paras.append(w("findings_line", lang, errors=f.int(t["composition_errors"]), warnings=f.int(t["composition_warnings"])))
    if t["uncovered"]:
        paras.append(w("uncovered", lang, units=_named_list(t["uncovered"], f)))
    header = [w("team", lang), w("level", lang), w("unit", lang), w("decision_date", lang), w("member", lang),
              w("youth_union", lang), w("bank_staff", lang), w("hours_week", lang)]
    rows = [[Cell(r["team"]), Cell(level_name(r["level"], lang)), Cell(r["unit"]), Cell(r.get("decision_date"), "date"),
             Cell(r["members"], "int"), Cell(r["youth_union_members"], "int"), Cell(r["bank_staff"], "int"),
             Cell(r["weekly_hours"], "num1")] for r in t["teams"]]
    return Section("teams", w("teams", lang), paras, Table("teams", header, rows, PAGE_ROWS["teams"]))


def _named_list(units: list[str], f: Fmt) -> str:
    named = list(units[:UNCOVERED_NAMED])
    if len(units) > UNCOVERED_NAMED:
        named.append(w("more_items", f.lang, n=f.int(len(units) - UNCOVERED_NAMED)))
    return f.list(named) if len(units) <= UNCOVERED_NAMED else ", ".join(named[:-1]) + " " + named[-1]


def _visits(d: dict[str, Any], f: Fmt) -> Section:
    lang, v = f.lang, d["visits"]
    header = [w("team", lang), w("visits_planned", lang), w("visits_done", lang), w("households_visited", lang),
              w("hours", lang), w("conversions", lang), w("per_hour", lang), w("adjusted", lang)]
    rows = [[Cell(r["team_id"]), Cell(r["visits_planned"], "int"), Cell(r["visits"], "int"), Cell(r["households"], "int"),
             Cell(r["hours"], "num1"), Cell(r["conversions"], "int"), Cell(r["per_hour"], "num2"),
             Cell(r["adjusted_rate"], "num2")] for r in v["teams"]]
    paras = [f"{w('visits_done', lang)}: {f.int(v['month_visits'])} · {w('households_visited', lang)}: "
             f"{f.int(v['households_visited'])}"]
    return Section("visits", w("visits", lang), paras, Table("visits", header, rows, PAGE_ROWS["visits"]), chart="visits")


def _members(d: dict[str, Any], f: Fmt) -> Section:
    lang, v = f.lang, d["visits"]
    header = [w("team", lang), w("member", lang), w("visits_planned", lang), w("visits_done", lang),
              w("households_visited", lang), w("hours", lang), w("conversions", lang), w("expected", lang),
              w("per_hour", lang), w("adjusted", lang)]
    rows = [[Cell(r["team_id"]), Cell(f"{r['name']} ({r['member_id']})"), Cell(r["visits_planned"], "int"),
             Cell(r["visits"], "int"), Cell(r["households"], "int"), Cell(r["hours"], "num1"),
             Cell(r["conversions"], "int"), Cell(r["expected"], "num1"), Cell(r["per_hour"], "num2"),
             Cell(r["adjusted_rate"], "num2")] for r in v["members"]]
    return Section("members", w("member", lang), [], Table("members", header, rows, PAGE_ROWS["members"]))


def _nominations(d: dict[str, Any], f: Fmt) -> Section:
    lang, n = f.lang, d["nominations"]
    header = [w("member", lang) + " / " + w("team", lang), w("conversions", lang), w("expected", lang),
              w("per_hour", lang), w("adjusted", lang)]
    rows = [[Cell(f"{r['name']} ({r['member_id']}, {r['team_id']})"), Cell(r["conversions"], "int"),
             Cell(r["expected"], "num1"), Cell(r["per_hour"], "num2"), Cell(r["adjusted_rate"], "num2")]
            for r in n["members"]]
    rows += [[Cell(f"{w('team', lang)} {r['team_id']}"), Cell(r["conversions"], "int"), Cell(r["expected"], "num1"),
              Cell(r["per_hour"], "num2"), Cell(r["adjusted_rate"], "num2")] for r in n["teams"]]
    paras = [f"{w('criterion', lang)}: {n['criterion']}"]
    if not rows:
        paras.append(w("s_no_nominations", lang))
    return Section("nominations", w("nominations", lang), paras,
                   Table("nominations", header, rows, PAGE_ROWS["nominations"]) if rows else None)


def _manual(m1: dict[str, Any], f: Fmt) -> Section:
    lang = f.lang
    header = ["#", w("process", lang), w("replacement", lang), w("campaign", lang), w("n", lang), w("times_per_month", lang)]
    rows = [[Cell(r["rank"], "int"), Cell(process_name(r["process"], lang)), Cell(r["replacement"]), Cell(r["campaign"]),
             Cell(r["households"], "int"), Cell(r["times_per_month"], "num1")] for r in m1["proposals"]]
    paras = []
    if m1.get("other"):
        o = m1["other"]
        paras.append(f"{o['label']}: {f.int(o['processes'])} · {w('n', lang)}: {f.int(o['households'])}")
    return Section("manual", w("manual", lang), paras, Table("manual", header, rows, PAGE_ROWS["manual"]), chart="manual")


def _class_score(cs: dict[str, Any], f: Fmt) -> list[Section]:
    lang = f.lang
    classes = cs.get("classes") or {}
    scores = cs.get("scores") or {}
    if not classes and not scores:
        return []
    rows = []
    base = {r.get("code"): r for r in classes.get("baseline", [])}
    for r in classes.get("now", classes.get("baseline", [])):
        b = base.get(r.get("code"), {})
        rows.append([Cell(r.get("name") or r.get("code")), Cell(r.get("code")),
                     Cell(class_name(b.get("class"), lang) if b else None), Cell(class_name(r.get("class"), lang)),
                     Cell(None if not b else b.get("class") != r.get("class"), "yes"), Cell(r.get("borderline"), "yes")])
    header = [w("area", lang), w("unit", lang), f"{w('class', lang)}: {when_name('baseline', lang)}",
              f"{w('class', lang)}: {when_name('now', lang)}", w("class_changed", lang), w("borderline", lang)]
    out = [Section("classes", w("class_score", lang), [], Table("classes", header, rows, PAGE_ROWS["classes"]))]
    srows = []
    before = {(r.get("unit", r.get("code")), r.get("index")): r for r in scores.get("baseline", [])}
    for r in scores.get("now", scores.get("baseline", [])):
        b = before.get((r.get("unit", r.get("code")), r.get("index")), {})
        srows.append([Cell(r.get("unit", r.get("code"))), Cell(index_name(r.get("index", r.get("variable")), lang)),
                      Cell(b.get("score", b.get("value")) if b else None, "num3"), Cell(r.get("score", r.get("value")), "num3")])
    if srows:
        header = [w("unit", lang), w("index", lang), f"{w('score', lang)}: {when_name('baseline', lang)}",
                  f"{w('score', lang)}: {when_name('now', lang)}"]
        out.append(Section("scores", w("score", lang), [], Table("scores", header, srows, PAGE_ROWS["scores"])))
    return out


def _areas(d: dict[str, Any], f: Fmt) -> Section:
    lang = f.lang
    headline = [r["variable"] for r in d.get("indicators", [])[:AREA_INDICATORS]]
    order = {v: i for i, v in enumerate(headline)}
    areas = d["areas"]
    # the page: the headline indicators of every area; the XLSX: every indicator (the same table,
    # the headline rows first, so "and N more" counts the rows only the XLSX shows)
    first = [r for r in areas if r["variable"] in order]
    rest = [r for r in areas if r["variable"] not in order]
    header = [w("area", lang), w("indicator", lang), w("baseline", lang), w("now", lang),
              w("change", lang) + f" ({w('pp', lang)})", w("significant", lang), w("n", lang)]
    rows = [[Cell(f"{r['unit_name']} ({r['unit']})"), Cell(r["label"]), Cell(r["baseline"], "pct"), Cell(r["now"], "pct"),
             Cell(r["change_baseline"], "pp"), Cell(r["significant_baseline"], "yes"), Cell(r["n_now"], "int")]
            for r in first + rest]
    n_ind = len({r["variable"] for r in areas})
    paras = [w("suppressed_note", lang, k=f.int(d["min_households"]))]
    if n_ind > len(headline):
        paras.append(w("areas_shown", lang, shown=f.int(len(headline)), total=f.int(n_ind)))
    return Section("areas", w("areas", lang), paras, Table("areas", header, rows, min(PAGE_ROWS["areas"], len(first))))


# ---- the summary -----------------------------------------------------------------------------

def summary(d: dict[str, Any], missing_: list[str], f: Fmt) -> list[str]:
    """Five to eight sentences a vice-chairman reads aloud: team coverage, the changes beyond
    sampling noise, targets on and off pace, visits, nominations, next month's priorities."""
    lang = f.lang
    out: list[str] = []
    t = d.get("teams")
    if t:
        rest = w("s_coverage_rest", lang, units=_named_list(t["uncovered"], f)) if t["uncovered"] else ""
        out.append(w("s_coverage", lang, covered=f.int(t["covered_by_deadline"]), total=f.int(t["neighbourhoods"]),
                     deadline=f.date(t["deadline"]), rest=rest))
    else:
        out.append(w("s_no_roster", lang))
    inds = d.get("indicators") or []
    if inds:
        r0 = d["rounds"]
        base = f.month(r0["baseline"]["month"])
        if r0["now"]["round"] == r0["baseline"]["round"]:
            out.append(w("s_no_followup", lang))
        else:
            sig = [r for r in inds if r.get("significant_baseline")]
            if sig:
                top = sorted(sig, key=lambda r: -abs(r["change_baseline"] or 0))[:3]
                items = [w("s_change_item", lang, label=r["label"],
                           direction=w("up" if (r["change_baseline"] or 0) >= 0 else "down", lang),
                           pp=f.num(abs(r["change_baseline"]) * 100, 1), before=f.pct(r["baseline"]), after=f.pct(r["now"]))
                         for r in top]
                out.append(w("s_changes", lang, baseline=base, n=f.int(len(sig)), total=f.int(len(inds)),
                             top=": " + f.list(items) if items else ""))
            else:
                out.append(w("s_no_change", lang, baseline=base))
    prog = d.get("progress") or []
    if prog:
        parts = []
        for status, key in (("met", "s_met"), ("on_track", "s_on_track"), ("behind", "s_behind"), ("overdue", "s_overdue")):
            rows = [r for r in prog if r["status"] == status]
            if not rows:
                continue
            if status == "behind":
                labels = "; ".join(w("s_behind_item", lang, label=r["label"], needed=f.pp(r["pace_needed_per_month"], False),
                                     so_far=f.pp(r["pace_so_far_per_month"], False)) for r in rows)
            else:
                labels = "; ".join(r["label"] for r in rows)
            parts.append(w(key, lang, n=f.int(len(rows)), labels=labels))
        if parts:
            out.append(w("s_targets", lang, parts="; ".join(parts)))
    v = d.get("visits")
    if v:
        planned = sum(r["visits_planned"] or 0 for r in v["teams"] if not missing(r.get("visits_planned")))
        plan = w("s_visits_plan", lang, share=f.pct(v["month_visits"] / planned)) if planned else ""
        out.append(w("s_visits", lang, visits=f.int(v["month_visits"]), households=f.int(v["households_visited"]), plan=plan))
        n = d.get("nominations") or {}
        names = [r["name"] or r["member_id"] for r in n.get("members", [])]
        names += [f"{w('team', lang).lower()} {r['team_id']}" for r in n.get("teams", [])]
        out.append(w("s_nominations", lang, names=f.list(names)) if names else w("s_no_nominations", lang))
    out.append(w("s_priorities", lang, items=f.list(_priorities(d, f))))
    return out


def _priorities(d: dict[str, Any], f: Fmt) -> list[str]:
    lang = f.lang
    items = []
    behind = [r for r in d.get("progress") or [] if r["status"] in ("behind", "overdue")]
    behind.sort(key=lambda r: -(r["gap"] or 0))
    for r in behind[:2]:
        items.append(w("p_target", lang, label=r["label"], gap=f.pp(r["gap"], False), deadline=f.date(r["target_date"])))
    t = d.get("teams")
    if t and t["uncovered"]:
        items.append(w("p_uncovered", lang, units=_named_list(t["uncovered"], f)))
    m1 = d.get("manual_processes") or {}
    if m1.get("proposals"):
        p = m1["proposals"][0]
        items.append(w("p_manual", lang, process=process_name(p["process"], lang), households=f.int(p["households"]),
                       replacement=p["replacement"].rstrip(".")))
    return items or [w("p_none", lang)]
