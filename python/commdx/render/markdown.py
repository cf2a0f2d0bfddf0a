"""The report as Markdown (the charts beside it as PNG files)."""
from __future__ import annotations

from .document import Document
from .fmt import Fmt
from .words import w

__all__ = ["render_markdown"]


def render_markdown(doc: Document, charts: dict[str, bytes], stem: str) -> str:
    f = Fmt(doc.lang)
    lines = [f"# {doc.title}", "", f"## {w('summary', doc.lang)}", ""]
    for s in doc.summary:
        lines += [s, ""]
    for sec in doc.sections:
        lines += [f"## {sec.title}", ""]
        for p in sec.paras:
            lines += [p, ""]
        t = sec.table
        if t is not None:
            lines.append("| " + " | ".join(t.header) + " |")
            lines.append("|" + "---|" * len(t.header))
            for r in t.shown:
                lines.append("| " + " | ".join(c.text(f).replace("|", "/") for c in r) + " |")
            lines.append("")
            if t.more:
                lines += [w("more_rows", doc.lang, n=f.int(t.more)), ""]
        if sec.chart and sec.chart in charts:
            lines += [f"![{sec.title}]({stem}-{sec.chart}.png)", ""]
            for p in sec.after:
                lines += [p, ""]
    lines += [doc.footer, ""]
    return "\n".join(lines)
