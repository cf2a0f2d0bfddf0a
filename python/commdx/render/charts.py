"""The report's charts (matplotlib, PNG bytes), with the axis numbers in the report's language."""
from __future__ import annotations

import io
from typing import Any

import numpy as np

from .fmt import Fmt
from .words import process_name, w

__all__ = ["charts"]


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    # no software name or date in the PNG's metadata: the same report gives the same bytes
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _axis(ax: Any, f: Fmt, axis: str = "x") -> None:
    from matplotlib.ticker import FuncFormatter

    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(lambda v, _pos: f.num(v, 1)))


def charts(rep: Any) -> dict[str, bytes]:
    """``{"indicators", "progress", "visits", "manual"}`` PNGs of the sections that have data."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    lang = rep.lang
    f = Fmt(lang)
    out: dict[str, bytes] = {}
    ind = rep.tables.get("indicators")
    if ind is not None and len(ind):
        d = ind.dropna(subset=["now"]).sort_values("now")
        if len(d):
            fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(d) + 1.2))
            y = np.arange(len(d))
            ax.barh(y - 0.2, d["baseline"] * 100, height=0.4, color="#bbbbbb", label=w("baseline", lang))
            ax.barh(y + 0.2, d["now"] * 100, height=0.4, color="#2b7bb9", label=w("now", lang),
                    xerr=1.96 * d["se_now"].fillna(0) * 100, error_kw={"elinewidth": 0.8})
            for yi, sig in zip(y, d["significant_baseline"]):
                if sig:
                    ax.text(101, float(yi), "*", va="center", fontsize=12, color="#c0392b")
            ax.set_yticks(y)
            ax.set_yticklabels(d["label"], fontsize=8)
            ax.set_xlim(0, 105)
            ax.set_xlabel("%")
            _axis(ax, f)
            ax.legend(loc="lower right", fontsize=8)
            ax.set_title(w("indicators", lang), fontsize=10)
            out["indicators"] = _png(fig)
    prog = rep.tables.get("progress")
    if prog is not None and len(prog):
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(prog) + 1.2))
        y = np.arange(len(prog))
        ax.barh(y, prog["now"].astype(float) * 100, color="#27ae60")
        ax.scatter(prog["target"] * 100, y, marker="|", s=300, color="#c0392b", label=w("target", lang))
        ax.set_yticks(y)
        ax.set_yticklabels(prog["label"], fontsize=8)
        ax.set_xlim(0, 105)
        ax.set_xlabel("%")
        _axis(ax, f)
        ax.legend(fontsize=8)
        ax.set_title(w("progress", lang), fontsize=10)
        out["progress"] = _png(fig)
    mem = rep.tables.get("member_visits")
    if mem is not None and len(mem):
        team = rep.tables["team_visits"]
        team = team.sort_values("visits", ascending=False).head(20)
        fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(team) + 1.2))
        y = np.arange(len(team))
        ax.barh(y + 0.2, team["visits"], height=0.4, color="#2b7bb9", label=w("visits_done", lang))
        if team["visits_planned"].notna().any() and team["visits_planned"].sum() > 0:
            ax.barh(y - 0.2, team["visits_planned"], height=0.4, color="#bbbbbb", label=w("visits_planned", lang))
        ax.set_yticks(y)
        ax.set_yticklabels(team["team_id"], fontsize=7)
        _axis(ax, f)
        ax.legend(fontsize=8)
        ax.set_title(w("visits", lang), fontsize=10)
        out["visits"] = _png(fig)
    m1 = rep.tables.get("manual_processes")
    if m1 is not None and len(m1):
        d = m1.head(10).iloc[::-1]
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(d) + 1.2))
        ax.barh([process_name(p, lang) for p in d["process"]], d["households"], color="#8e44ad")
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel(w("n", lang))
        _axis(ax, f)
        ax.set_title(w("manual", lang), fontsize=10)
        out["manual"] = _png(fig)
    return out
