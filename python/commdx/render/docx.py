"""The report as the official document a ward files (DOCX, python-docx), in the layout of
Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Appendix I): the issuing body top left
with the number and symbol under it, the national motto top right with the place and date under
it, the title "BÁO CÁO" and its subject centred, the body, then "Nơi nhận:" (recipients) bottom
left and the signature block bottom right. Times New Roman 13–14 pt on A4 with the decree's
margins (top and bottom 20 mm, left 30 mm, right 15 mm). The tables show their first rows and say
how many more the XLSX holds. No time stamp: the same report gives the same bytes."""
from __future__ import annotations

import calendar
import datetime as _dt
from pathlib import Path
from typing import Any, Optional

from .document import Document
from .fmt import Fmt
from .words import w

__all__ = ["write_docx", "FONT"]

FONT = "Times New Roman"


def document_date(month: str) -> _dt.date:
    """The document's date: the last day of the report's month (a report is of a month, filed at
    its end; the date comes from the data, never from the clock)."""
    y, m = (int(p) for p in month.split("-"))
    return _dt.date(y, m, calendar.monthrange(y, m)[1])


def _run(par: Any, text: str, *, size: float = 13, bold: bool = False, italic: bool = False,
         underline: bool = False) -> Any:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    r = par.add_run(text)
    r.font.name = FONT
    r.font.size = Pt(size)
    r.bold, r.italic, r.underline = bold, italic, underline
    rpr = r._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    return r


def _para(container: Any, text: str = "", *, size: float = 13, bold: bool = False, italic: bool = False,
          align: str = "justify", indent: bool = False, space_after: float = 4, underline: bool = False) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = container.add_paragraph()
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    pf = p.paragraph_format
    pf.space_after = Pt(space_after)
    pf.space_before = Pt(0)
    if indent:
        pf.first_line_indent = Cm(1)
    if text:
        _run(p, text, size=size, bold=bold, italic=italic, underline=underline)
    return p


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tbl_pr.append(borders)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _table_xml(rows: list[list[str]], aligns: list[list[str]], widths: list[int]) -> Any:
    """A bordered table (style Table Grid) as WordprocessingML, the first row a header repeated
    on every page, Times New Roman 10 pt: built as one XML string, because python-docx's cell
    by cell API took most of a report's writing time."""
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml

    twips = [int(x / 635) for x in widths]  # EMU to twentieths of a point
    font = (f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>')
    out = [f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
           '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
           "".join(f'<w:gridCol w:w="{x}"/>' for x in twips), "</w:tblGrid>"]
    for r, (row, align) in enumerate(zip(rows, aligns)):
        out.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if r == 0 else ""))
        bold = "<w:b/>" if r == 0 else ""
        for text, a, x in zip(row, align, twips):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{x}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:spacing w:after="0"/>'
                       f'<w:jc w:val="{a}"/></w:pPr><w:r><w:rPr>{font}{bold}<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'
                       f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return parse_xml("".join(out))


def _column_widths(header: list[str], rows: list[list[str]], total: int) -> list[int]:
    """Widths (EMU) sharing the text width by each column's longest text (a header counts by its
    longest word, since it wraps) and two, within 8 and 26 characters."""
    need = [max([max((len(x) for x in h.split()), default=1)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    weights = [min(max(n + 2, 8), 26) for n in need]
    return [int(total * x / sum(weights)) for x in weights]


def _cell_par(cell: Any) -> Any:
    p = cell.paragraphs[0]
    return p


def write_docx(doc: Document, path: Path, *, place: Optional[str] = None, superior: Optional[str] = None) -> None:
    """Write the official report. ``place``: the place name before the date ("Vũng Tàu"); without
    it a dotted blank to fill in by hand. ``superior``: the issuing body's governing unit for the
    first line top left (default the report's unit)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Mm, Pt

    lang = doc.lang
    f = Fmt(lang)
    d = docx.Document()
    # no author, no dates, no revision count: the same input gives the same bytes
    cp = d.core_properties
    cp.author = cp.last_modified_by = ""
    cp.title = doc.title
    cp.revision = 1
    style = d.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)

    city = doc.level == "city"
    unit = superior or doc.unit_name
    head = d.add_table(rows=1, cols=2)
    _no_borders(head)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.columns[0].width = head.rows[0].cells[0].width = Cm(7.2)
    head.columns[1].width = head.rows[0].cells[1].width = Cm(9.3)
    left, right = head.rows[0].cells
    p = _cell_par(left)
    p.alignment = 1
    _run(p, w("doc_superior_city" if city else "doc_superior_ward", lang, unit=unit.upper()), size=12)
    _para(left, w("doc_issuer_city" if city else "doc_issuer", lang), size=12, bold=True, align="center", space_after=0)
    _para(left, "———", size=10, align="center", space_after=2)
    _para(left, w("doc_number", lang), size=13, align="center", space_after=0)
    p = _cell_par(right)
    p.alignment = 1
    _run(p, w("doc_motto1", lang), size=12, bold=True)
    _para(right, w("doc_motto2", lang), size=13, bold=True, align="center", space_after=0)
    _para(right, "—————————", size=10, align="center", space_after=2)
    _para(right, w("doc_place_date", lang, place=place or w("doc_place_unknown", lang),
                   date=f.long_date(document_date(doc.month))), size=13, italic=True, align="center", space_after=0)

    _para(d, "", space_after=6)
    _para(d, w("doc_title", lang), size=14, bold=True, align="center", space_after=0)
    _para(d, w("doc_subject", lang, month=f.month(doc.month)) + (f" — {doc.unit_name}" if not city else ""),
          size=14, bold=True, align="center", space_after=0)
    _para(d, "———", size=10, align="center", space_after=10)

    _para(d, f"I. {w('summary', lang).upper()}", size=13, bold=True, align="left")
    for sentence in doc.summary:
        _para(d, sentence, indent=True)
    roman = ["II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV"]
    for i, s in enumerate(doc.sections):
        _para(d, f"{roman[i] if i < len(roman) else i + 2}. {s.title.upper()}", size=13, bold=True, align="left")
        for text in s.paras:
            _para(d, text, indent=True)
        t = s.table
        if t is not None:
            texts = [[value.text(f) for value in row] for row in t.shown]
            widths = _column_widths(t.header, texts, Mm(165))
            aligns = [["center"] * len(t.header)] + [["left" if v.kind == "text" else "right" for v in row] for row in t.shown]
            anchor = _para(d, "", space_after=0)
            anchor._p.addprevious(_table_xml([t.header] + texts, aligns, widths))
            if t.more:
                _para(d, w("more_rows", lang, n=f.int(t.more)), size=12, italic=True, align="left")
            _para(d, "", space_after=2)
        for text in s.after:
            if s.chart:
                continue  # the chart notes belong to the charts, which the HTML carries
            _para(d, text, size=12, italic=True)
    _para(d, w("in_xlsx", lang), size=12, italic=True)

    foot = d.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    p = _cell_par(left)
    _run(p, w("doc_recipients", lang), size=12, bold=True, italic=True)
    for line in w("doc_recipient_list_city" if city else "doc_recipient_list", lang, unit=unit).split("\n"):
        _para(left, line, size=11, align="left", space_after=0)
    p = _cell_par(right)
    p.alignment = 1
    _run(p, w("doc_sign_for_city" if city else "doc_sign_for", lang), size=13, bold=True)
    _para(right, w("doc_sign_title_city" if city else "doc_sign_title", lang), size=13, bold=True, align="center", space_after=0)
    _para(right, w("doc_sign_note", lang), size=13, italic=True, align="center", space_after=60)
    d.save(str(path))
