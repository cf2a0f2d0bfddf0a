"""Targets as data, per run: a targets file replaces the indicator catalogue's targets.

The catalogue (``indicators.json``) carries the shipped targets — the 2022 directive's, with the
national ones it cites. A run can replace them with a file (``--targets FILE`` of ``commdx report``,
``plan``, ``indicators`` and ``demo``; ``targets=`` of ``monthly_report``, ``plan_outreach`` and
``indicators``): CSV, XLSX or JSON, one row per indicator, English or Vietnamese headers:

========================  ==================================================================
column                    holds
========================  ==================================================================
``indicator``             the indicator's id in the catalogue (``adults_smartphone``) or its
(``chi_tieu``,            label, in Vietnamese or English
``ma_chi_tieu``, ``id``)
``target``                the value: ``0.8``, ``0,8``, ``80%`` or ``80 %`` for a share (a
(``muc_tieu``)            percentage only for a share); within the indicator's range
``target_date``           the date it is due, ``dd/mm/yyyy`` or ``yyyy-mm-dd`` (an XLSX date
(``han``, ``thoi_han``)   cell too); empty: no date
``source``, ``source_vi``,  who set it (optional; one text for both languages, or one per
``source_en`` (``nguon``,   language); without one the file is named as the source
``nguon_vi``, ``nguon_en``)
``label``, ``note``,      for people only, not read: the indicator's name, a note, where the
``decision``, ``article``,  target is written (``ten_chi_tieu``, ``ghi_chu``, ``van_ban``,
``wording``               ``dieu``, ``nguyen_van``)
========================  ==================================================================

Headers are matched without accents, case or punctuation ("Mã chỉ tiêu" is ``ma_chi_tieu``); a
JSON file is a list of such rows (objects) or ``{"targets": [...]}``. The file replaces the
target, its date and its source for the indicators it lists and leaves the others as the catalogue
has them. An unknown indicator, a value outside the indicator's range, a bad date, a repeated
indicator or an unknown column is refused naming the file, row and column (the cell of an XLSX).

A shipped file is chosen by its short name (:func:`shipped_targets`): ``national-2025`` is the
national 2025 targets that match an indicator the survey measures (``data/targets-national-2025.csv``,
provenance in ``data/README-targets.md``).
"""
from __future__ import annotations

import copy
import difflib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from .errors import ConfigError, InputError

__all__ = ["Targets", "read_targets", "shipped_targets"]

PathLike = Union[str, "os.PathLike[str]"]

# normalised header -> field
_HEADERS: dict[str, str] = {}
for _field, _names in {
    "indicator": ("indicator", "indicator_id", "id", "chi_tieu", "ma_chi_tieu", "ma"),
    "target": ("target", "value", "muc_tieu", "gia_tri", "gia_tri_muc_tieu"),
    "target_date": ("target_date", "date", "deadline", "by", "due", "han", "thoi_han", "han_chot", "ngay"),
    "source": ("source", "target_source", "nguon", "can_cu"),
    "source_vi": ("source_vi", "target_source_vi", "nguon_vi"),
    "source_en": ("source_en", "target_source_en", "nguon_en"),
    "": ("label", "label_vi", "label_en", "name", "ten", "ten_chi_tieu", "note", "notes", "ghi_chu",
         "decision", "van_ban", "quyet_dinh", "article", "dieu", "muc", "wording", "nguyen_van"),
}.items():
    for _n in _names:
        _HEADERS[_n] = _field

_NUMBER = re.compile(r"([+-]?)(\d+(?:[.,]\d+)?|[.,]\d+)\s*(%?)")
_PREFIX = "targets-"


def _plain(text: str) -> str:
    """A header without accents, case or punctuation: "Mã chỉ tiêu" -> "ma_chi_tieu"."""
    t = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


def _label_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


@dataclass
class Targets:
    """The targets a file gives: ``rows`` maps an indicator id to ``target``, ``target_date``
    (``YYYY-MM-DD`` or None), ``target_source_vi``, ``target_source_en`` and ``row`` (the file's
    data row); ``source`` is the file (or the shipped name) they came from."""

    source: str
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: str = ""  #: the file read (a shipped name's file in commdx/data)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, indicator: object) -> bool:
        return indicator in self.rows

    def overrides(self) -> dict[str, dict[str, Any]]:
        """``{id: {target, target_date, target_source_vi, target_source_en}}`` (JSON data)."""
        keys = ("target", "target_date", "target_source_vi", "target_source_en")
        return {i: {k: r[k] for k in keys} for i, r in self.rows.items()}

    def apply(self, catalogue: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of the indicator catalogue dict with these targets in place of its own for the
        indicators listed; an indicator the catalogue lacks is refused."""
        return apply_overrides(catalogue, self.overrides(), self.source)


def apply_overrides(catalogue: Mapping[str, Any], overrides: Mapping[str, Mapping[str, Any]] | None,
                    source: str = "targets") -> dict[str, Any]:
    """:meth:`Targets.apply` from the JSON form of :meth:`Targets.overrides`."""
    out = copy.deepcopy(dict(catalogue))
    if not overrides:
        return out
    by_id = {str(i.get("id")): i for i in out.get("indicators", [])}
    for ind, t in overrides.items():
        if ind not in by_id:
            raise ConfigError(f"indicator '{ind}' is not in the indicator catalogue the targets apply to",
                              id="commdx.targets.indicator", file=source, unit=ind)
        by_id[ind].update({k: t[k] for k in ("target", "target_date", "target_source_vi", "target_source_en")})
    return out


def shipped_targets() -> dict[str, Path]:
    """The shipped targets files by short name: ``{"national-2025": .../targets-national-2025.csv}``."""
    folder = resources.files("commdx").joinpath("data")
    out = {}
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith(_PREFIX) and name.endswith(".csv"):
            out[name[len(_PREFIX):-len(".csv")]] = Path(str(entry))
    return dict(sorted(out.items()))


def as_targets(targets: Any, catalogue: Optional[Mapping[str, Any]] = None, lang: str = "en") -> Optional[Targets]:
    """``targets=`` of the functions that take it: None, a :class:`Targets`, or a file / short name
    (read by :func:`read_targets`)."""
    if targets is None or isinstance(targets, Targets):
        return targets
    if isinstance(targets, (str, os.PathLike)):
        return read_targets(targets, catalogue=catalogue, lang=lang)
    raise ConfigError(f"targets must be None, a commdx.targets.Targets, a file or a shipped name "
                      f"({', '.join(shipped_targets())}), got {type(targets).__name__}", id="commdx.targets.file")


def read_targets(source: PathLike, *, catalogue: Optional[Mapping[str, Any]] = None, lang: str = "en") -> Targets:
    """The targets of a file (CSV, XLSX or JSON) or of a shipped short name (``"national-2025"``),
    checked against ``catalogue`` (default: the shipped indicator catalogue). Errors are
    :class:`commdx.ConfigError` naming the file, row and column; their text is in ``lang``."""
    if catalogue is None:
        from .indicators import indicator_catalogue

        catalogue = indicator_catalogue()
    vi = lang == "vi"
    text = os.fspath(source)
    shipped = shipped_targets()
    if text in shipped:
        path, label = shipped[text], text
    else:
        path, label = Path(text), text
        if not path.exists():
            raise ConfigError((f"không có tệp này, cũng không phải tên bộ mục tiêu có sẵn ({', '.join(shipped)})" if vi
                               else f"no such file, nor a shipped set of targets ({', '.join(shipped)})"),
                              id="commdx.targets.file", file=label)
    header, rows, cells = _rows(path, label)
    out = _parse(header, rows, cells, label, catalogue, lang)
    out.path = str(path)
    return out


def _rows(path: Path, label: str) -> tuple[list[str], list[list[Any]], list[tuple[str, int]]]:
    """The header, the rows (cell values) and each row's place in the file: ("line", n) of a CSV,
    ("cell", spreadsheet row) of an XLSX, ("", 0) of a JSON item (its row is its place)."""
    if path.suffix.lower() == ".json":
        from .io.json import read_json

        doc = read_json(path)
        items = doc.get("targets") if isinstance(doc, Mapping) else doc
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            raise ConfigError("expected a list of rows (objects) or {\"targets\": [...]}", id="commdx.targets.file",
                              file=label)
        header = list(dict.fromkeys(str(k) for i in items for k in i))
        return header, [[i.get(h) for h in header] for i in items], [("", 0) for _ in items]
    from .io.tables import read_rows

    t = read_rows(path)
    return list(t.header), t.rows, [("cell" if t.spreadsheet else "line", int(n)) for n in t.lines]


def _fail(kind: str, lang: str, vi: str, en: str, label: str, row: int, column: str, unit: str = "",
          place: str = "") -> ConfigError:
    where = f" ({place})" if place else ""
    return ConfigError((vi if lang == "vi" else en) + where, id=f"commdx.targets.{kind}", file=label, row=row,
                       column=column, unit=unit or None)


def _ranges(catalogue: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Each indicator's range: a share [0, 1]; a total or a ratio from 0; a mean within its
    column's range in the survey schema (a 1-5 rating, an education level 0-5), else unbounded."""
    from .io.json import shipped_json

    schema = shipped_json("survey-schema.json")
    cols: dict[str, tuple[float, float]] = {}
    for table in ("households", "businesses"):
        for c in schema.get(table, {}).get("columns", []):
            likert = c.get("type") == "likert"
            cols[str(c["name"])] = (float(c.get("min", 1 if likert else -math.inf)),
                                    float(c.get("max", 5 if likert else math.inf)))
    out = {}
    for ind in catalogue.get("indicators", []):
        stat = ind.get("statistic", "proportion")
        if stat == "proportion":
            out[ind["id"]] = (0.0, 1.0)
        elif stat == "mean":
            col = (ind.get("numerator") or {}).get("column", "")
            out[ind["id"]] = cols.get(col, (-math.inf, math.inf))
        else:
            out[ind["id"]] = (0.0, math.inf)
    return out


def _number(s: float | str) -> str:
    return f"{s:g}" if isinstance(s, float) else str(s)


def _parse(header: list[str], rows: list[list[Any]], places: list[tuple[str, int]], label: str,
           catalogue: Mapping[str, Any], lang: str) -> Targets:
    from .io.tables import _column_letter, cell_text, parse_date

    vi = lang == "vi"
    fields: dict[str, int] = {}
    for k, h in enumerate(header):
        f = _HEADERS.get(_plain(h))
        if f is None:
            known = ", ".join(["indicator/chi_tieu", "target/muc_tieu", "target_date/han", "source/nguon",
                               "source_vi/nguon_vi", "source_en/nguon_en", "label", "note/ghi_chu"])
            raise ConfigError((f"cột không biết; các cột đọc được: {known}" if vi else
                               f"unknown column; the columns read are: {known}"),
                              id="commdx.targets.file", file=label, column=h)
        if f and f in fields:
            raise ConfigError((f"cột trùng nghĩa với cột '{header[fields[f]]}'" if vi else
                               f"the same column as '{header[fields[f]]}'"), id="commdx.targets.file", file=label,
                              column=h)
        if f:
            fields[f] = k
    for f, vi_name in (("indicator", "chi_tieu"), ("target", "muc_tieu")):
        if f not in fields:
            raise ConfigError((f"thiếu cột {f} ({vi_name}); tiêu đề: {', '.join(header)}" if vi else
                               f"missing column {f} ({vi_name}); header: {', '.join(header)}"),
                              id="commdx.targets.file", file=label)
    inds = {str(i["id"]): i for i in catalogue.get("indicators", [])}
    by_label = {}
    for i in inds.values():
        for key in ("label_vi", "label_en"):
            if i.get(key):
                by_label[_label_key(i[key])] = str(i["id"])
    ranges = _ranges(catalogue)
    name = Path(label).name
    out = Targets(source=label)
    for r, cells in enumerate(rows, start=1):
        def cell(f: str) -> str:
            k = fields.get(f)
            if k is None or k >= len(cells):
                return ""
            return cell_text(cells[k]).strip()

        def where(f: str) -> str:  # the CSV line or the XLSX cell, beside the data row
            kind, n = places[r - 1] if r - 1 < len(places) else ("", 0)
            if kind == "cell":
                return ("ô " if vi else "cell ") + f"{_column_letter(fields[f])}{n}"
            return (("dòng văn bản " if vi else "line ") + str(n)) if kind == "line" else ""

        raw_id = cell("indicator")
        if not raw_id and not any(cell_text(c).strip() for c in cells):
            continue  # a blank line between rows
        ind = raw_id if raw_id in inds else by_label.get(_label_key(raw_id), "")
        col = header[fields["indicator"]]
        if not ind:
            close = difflib.get_close_matches(raw_id, list(inds), n=3, cutoff=0.5)
            hint = (("; gần nhất: " if vi else "; closest: ") + ", ".join(close)) if close else ""
            raise _fail("indicator", lang, f"'{raw_id}' không phải chỉ tiêu nào của danh mục indicators.json{hint}",
                        f"'{raw_id}' is no indicator of the catalogue indicators.json{hint}",
                        label, r, col, place=where("indicator"))
        if ind in out.rows:
            first = out.rows[ind]["row"]
            raise _fail("indicator", lang, f"chỉ tiêu {ind} đã có ở dòng {first}",
                        f"indicator {ind} is already given in row {first}", label, r, col, ind, where("indicator"))
        # the value
        col = header[fields["target"]]
        text = cell("target")
        stat = inds[ind].get("statistic", "proportion")
        m = _NUMBER.fullmatch(text)
        if not text:
            raise _fail("value", lang, "thiếu giá trị mục tiêu", "no target value", label, r, col, ind, where("target"))
        if m is None:
            raise _fail("value", lang, f"'{text}' không phải số (viết 0,8 hoặc 80%)",
                        f"'{text}' is not a number (write 0.8 or 80%)", label, r, col, ind, where("target"))
        value = float(m.group(1) + m.group(2).replace(",", "."))
        if m.group(3):
            if stat != "proportion":
                raise _fail("value", lang, f"'{text}': chỉ tiêu {ind} không phải tỷ lệ, không viết được dạng %",
                            f"'{text}': {ind} is not a share, a percentage does not apply",
                            label, r, col, ind, where("target"))
            value /= 100.0
        lo, hi = ranges.get(ind, (-math.inf, math.inf))
        if not (lo <= value <= hi) or not math.isfinite(value):
            span = f"[{_number(lo)}, {_number(hi)}]" if math.isfinite(hi) else f">= {_number(lo)}"
            hint_vi = " (tỷ lệ: viết 0,8 hoặc 80%)" if stat == "proportion" and value > 1 else ""
            hint_en = " (a share: write 0.8 or 80%)" if stat == "proportion" and value > 1 else ""
            raise _fail("value", lang, f"'{text}' nằm ngoài khoảng của chỉ tiêu {ind} {span}{hint_vi}",
                        f"'{text}' is outside the range of {ind} {span}{hint_en}", label, r, col, ind,
                        where("target"))
        # the date
        due: Optional[str] = None
        if "target_date" in fields:
            col = header[fields["target_date"]]
            text = cell("target_date")
            if text:
                d = parse_date(text)
                if d is None:
                    raise _fail("date", lang, f"ngày '{text}' không hợp lệ, cần dd/mm/yyyy hoặc yyyy-mm-dd",
                                f"invalid date '{text}': expected dd/mm/yyyy or yyyy-mm-dd (day first)",
                                label, r, col, ind, where("target_date"))
                due = d.isoformat()
        src = cell("source")
        src_vi = cell("source_vi") or src
        src_en = cell("source_en") or src or src_vi
        src_vi = src_vi or src_en
        out.rows[ind] = {"target": value, "target_date": due,
                         "target_source_vi": src_vi or f"tệp mục tiêu {name}",
                         "target_source_en": src_en or f"targets file {name}", "row": r}
    if not out.rows:
        raise ConfigError("tệp không có dòng mục tiêu nào" if vi else "the file has no target rows",
                          id="commdx.targets.file", file=label)
    return out


def add_targets_argument(parser: Any) -> None:
    """The one ``--targets`` option of the commands that use targets (report, plan, indicators, demo)."""
    names = ", ".join(shipped_targets())
    parser.add_argument(
        "--targets", metavar="T", default=None,
        help=(f"mục tiêu của lần chạy này thay cho mục tiêu trong danh mục chỉ tiêu: tệp CSV, XLSX hoặc JSON (cột "
              f"chi_tieu, muc_tieu, han, nguon; tiêu đề tiếng Việt hoặc tiếng Anh) hoặc bộ có sẵn {names}; mặc định: "
              f"mục tiêu của chỉ thị 2022 trong indicators.json / this run's targets in place of the indicator "
              f"catalogue's: a CSV, XLSX or JSON file (columns indicator, target, target_date, source; English or "
              f"Vietnamese headers) or the shipped set {names}; default: the 2022 directive's, in indicators.json"))
