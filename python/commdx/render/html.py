"""The report as HTML, from the Jinja2 template ``templates/report.html.j2`` (charts embedded)."""
from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from .document import Document
from .fmt import Fmt
from .words import w

__all__ = ["render_html"]


@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("commdx.render", "templates"),
                             autoescape=True, trim_blocks=False, keep_trailing_newline=True)
    return env.get_template("report.html.j2")


def render_html(doc: Document, charts: dict[str, bytes]) -> str:
    lang = doc.lang
    return _template().render(doc=doc, fmt=Fmt(lang), w=lambda key, **kw: w(key, lang, **kw),
                              charts={k: base64.b64encode(v).decode("ascii") for k, v in charts.items()})
