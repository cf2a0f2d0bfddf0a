"""Tables of the other stages (indicators, classes, scores) as XLSX workbooks Excel users expect:
headers in the chosen language, shares as percentages with one decimal, counts with thousands
separators, dates as dates, column widths, the header row frozen, one sheet per table. The CSV
files keep the machine column names (other programs read them) and get a UTF-8 BOM
(``CSV_ENCODING``) so that Excel on Windows reads the Vietnamese right."""
from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any, Mapping

from .xlsx import save_workbook as _save

__all__ = ["write_xlsx_tables", "CSV_ENCODING", "HEADERS"]

CSV_ENCODING = "utf-8-sig"

HEADERS: dict[str, tuple[str, str]] = {
    "level": ("Cấp", "Level"), "unit": ("Mã địa bàn", "Unit"), "unit_name": ("Địa bàn", "Unit name"),
    "indicator": ("Chỉ tiêu", "Indicator"), "estimate": ("Ước lượng", "Estimate"), "se": ("Sai số chuẩn", "Standard error"),
    "ci_low": ("KTC 95 % dưới", "95% CI low"), "ci_high": ("KTC 95 % trên", "95% CI high"), "deff": ("Hệ số thiết kế", "Design effect"),
    "n": ("Số quan sát", "Observations"), "target": ("Mục tiêu", "Target"), "target_date": ("Hạn", "Deadline"),
    "gap": ("Còn thiếu", "Gap"), "days_left": ("Số ngày còn lại", "Days left"),
    "code": ("Mã", "Code"), "name": ("Tên", "Name"), "area_km2": ("Diện tích (km²)", "Area (km²)"),
    "population": ("Dân số", "Population"), "density": ("Mật độ (người/km²)", "Density (per km²)"),
    "density_band": ("Nhóm mật độ", "Density band"), "education_measure": ("Thước đo học vấn", "Education measure"),
    "education": ("Học vấn", "Education"), "education_threshold": ("Ngưỡng học vấn", "Education threshold"),
    "education_se": ("Sai số chuẩn học vấn", "Education SE"), "readiness": ("Sẵn sàng số", "Readiness"),
    "class": ("Mã phân loại", "Class code"), "class_label": ("Phân loại", "Class"), "borderline": ("Sát ngưỡng", "Borderline"),
    "borderline_on": ("Sát ngưỡng về", "Borderline on"), "p_central": ("Xác suất trung tâm", "Probability central"),
    "kmeans_class": ("Phân loại k-means", "k-means class"), "kmeans_agrees": ("k-means trùng", "k-means agrees"),
    "classified_on": ("Căn cứ phân loại", "Classified on"), "decided_by": ("Quyết định bởi", "Decided by"),
    "reasons": ("Lý do", "Reasons"), "reasons_vi": ("Lý do (tiếng Việt)", "Reasons (Vietnamese)"),
    "reasons_en": ("Lý do (tiếng Anh)", "Reasons (English)"), "index": ("Chỉ số", "Index"), "score": ("Điểm", "Score"),
}
# shares in [0, 1]: shown as percentages (the indicator table's rows of a proportion only)
_SHARES = {"estimate", "se", "ci_low", "ci_high", "target", "gap", "education", "education_threshold", "education_se",
           "p_central"}
_COUNTS = {"n", "population", "days_left"}


def _statistics() -> dict[str, str]:
    """``{indicator id: statistic}`` of the shipped catalogue (indicators.json)."""
    from ..io.json import shipped_json

    cat = shipped_json("indicators.json")
    items = cat.get("indicators", cat) if isinstance(cat, dict) else cat
    return {str(i.get("id")): str(i.get("statistic", "proportion")) for i in items if isinstance(i, dict)}


def _header(col: str, lang: str) -> str:
    h = HEADERS.get(col)
    return (h[0] if lang == "vi" else h[1]) if h else col


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def write_xlsx_tables(path: Path, sheets: Mapping[str, Any], lang: str = "vi") -> None:
    """``sheets``: ``{sheet name: DataFrame}``. An indicator table's share columns are
    percentages on the rows whose statistic (its ``statistic`` column, else the catalogue's) is a
    proportion; other tables' share columns wherever the value lies in [-1, 1]."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    fill = PatternFill("solid", fgColor="EEF3F8")
    for name, df in sheets.items():
        ws = wb.create_sheet(str(name)[:31])
        cols = [str(c) for c in df.columns]
        ws.append([_header(c, lang) for c in cols])
        for c in ws[1]:
            c.font, c.fill = Font(bold=True), fill
            c.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [max(8, min(len(_header(c, lang)) + 2, 30)) for c in cols]
        share_rows = None
        if "statistic" in df.columns:
            share_rows = (df["statistic"].astype(str) == "proportion").tolist()
        elif "indicator" in df.columns:  # the catalogue says which indicators are proportions
            stat = _statistics()
            share_rows = [stat.get(str(i), "proportion") == "proportion" for i in df["indicator"]]
        for r_i, row in enumerate(df.itertuples(index=False), start=2):
            for c_i, (col, v) in enumerate(zip(cols, row), start=1):
                v = _value(v)
                if col.endswith("date") and isinstance(v, str) and len(v) == 10 and v[4] == "-":
                    try:
                        v = _dt.date.fromisoformat(v)
                    except ValueError:
                        pass
                cell = ws.cell(row=r_i, column=c_i, value=v)
                if isinstance(v, _dt.date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(v, bool) or not isinstance(v, (int, float)):
                    pass
                elif col in _SHARES and (share_rows is None or share_rows[r_i - 2]) and -1 <= v <= 1:
                    cell.number_format = "0.0%"
                elif col in _COUNTS or isinstance(v, int):
                    cell.number_format = "#,##0"
                else:
                    cell.number_format = "#,##0.00"
                if isinstance(v, str) and len(v) + 2 > widths[c_i - 1]:
                    widths[c_i - 1] = min(len(v) + 2, 60)
        for c_i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c_i)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    _save(wb, path)
