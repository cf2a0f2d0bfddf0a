"""The rendered monthly report as a ward official sees it (issue 16, the rendering half): on the
example city (``commdx synth``), the Vietnamese report's HTML, DOCX, PDF and XLSX are read back
and checked for what a reader sees: the summary first, Vietnamese number and date formats in every
figure, no English word outside proper nouns and codes, no table cut without saying so, every row
in the XLSX, the layout of Decree 30/2020/NĐ-CP, and the same bytes from the same input. The
HTML is rendered by headless Chromium and the PDF by poppler (both from Debian, in the Makefile's
APT_PACKAGES) and their pictures and text are checked."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import commdx
from commdx.cli import main
from commdx.render.fmt import Fmt

MONTH = "2022-10"
WARD = "26506"


# ---- formats --------------------------------------------------------------------------------

def test_vietnamese_formats_by_default_english_with_lang_en() -> None:
    vi, en = Fmt(), Fmt("en")
    assert vi.pct(0.6567277667105809) == "65,7 %" and en.pct(0.6567277667105809) == "65.7%"
    assert vi.num(6344) == "6.344" and en.num(6344) == "6,344"
    assert vi.num(1180.5) == "1.180,5" and en.num(1180.5) == "1,180.5"
    assert vi.pp(0.128) == "+12,8" and en.pp(-0.0042) == "-0.4"
    assert vi.interval(0.099, 0.157) == "[+9,9; +15,7]" and en.interval(0.099, 0.157) == "[+9.9, +15.7]"
    assert vi.date("2022-07-20") == "20/07/2022" and en.date(dt.date(2022, 7, 20)) == "20/07/2022"
    assert vi.month("2022-10") == "tháng 10 năm 2022" and en.month("2022-10") == "October 2022"
    assert vi.long_date("2022-10-31") == "ngày 31 tháng 10 năm 2022"
    assert vi.pct(None) == vi.num(float("nan")) == "—"


# ---- the example city's reports ---------------------------------------------------------------

@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("city") / "data"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["synth", "--households", "3000", "--seed", "5", "--out", str(d)]) == 0
    return d


@pytest.fixture(scope="module")
def reports(city: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """The ward's and the city's report in every format, written twice into two folders."""
    out: dict[str, dict[str, Path]] = {}
    places = commdx.Places.from_file(str(city / "places.csv"))
    for run in ("a", "b"):
        folder = tmp_path_factory.mktemp(f"reports-{run}")
        reps = [commdx.monthly_report(MONTH, city, ward=WARD, places=places),
                commdx.monthly_report(MONTH, city, places=places)]
        written = commdx.report.save_reports(reps, folder, commdx.report.FORMATS, city_name="Thành phố Vũng Tàu")
        out[f"ward-{run}"], out[f"city-{run}"] = written
    return out


def _html_text(path: Path) -> str:
    return _html_text_of(path.read_text("utf-8"))


def _docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


# English words a Vietnamese reader must not meet ("in" and "to" are Vietnamese words too: to
# print, big) (the words of the English report, the
# catalogue's English texts, and the ones that leaked before: "Youth Union", "Giờ/week",
# "central", "Decision", "missing", "paper_health_insurance_book" read as words)
ENGLISH = set("""
the and of with without for from by on at or not no yes is are was be been this that these those
team teams member members household households visit visits visited baseline now last month months target
targets deadline source decision directive national plan youth union week hours hour bank staff level unit
area areas indicator indicators change changes significant beyond noise missing section sections stage
available class classes central remote score scores index adoption readiness rate expected adoptions
nomination nominations nominated criterion process processes replacement campaign times per neighbourhood
neighbourhoods village villages ward wards city report monthly summary progress pace met behind overdue
paper health insurance book cash electricity water counter market shopping remittance school fees forms
office people adults aged payment account smartphone population know buy platforms end suppressed cells
computed fewer than recovered totals round survey data more other merged each under proposed digital
priorities next keep up speed set replace still had made logs variable
""".split())

_CODE = re.compile(r"[\w.\-/]*(?:\d|_|\.json|\.csv|commdx)[\w.\-/]*")  # ids, codes, file names
PROPER = {"VNeID", "VssID", "VungtauIOC", "Zalo", "QR", "BHYT", "KTC", "LibreOffice"}


def _english_words(text: str) -> list[str]:
    text = _CODE.sub(" ", text)
    text = re.sub(r"\b[\w.-]+\.(vn|com)\b", " ", text)  # postmart.vn, voso.vn
    words = re.findall(r"[A-Za-z]+", text)
    return sorted({x for x in words if x.lower() in ENGLISH and x not in PROPER})


def _figure_problems(text: str) -> list[str]:
    """Figures not in Vietnamese form: a decimal point, a thousands comma, an ISO date or month,
    a percent sign glued to its number."""
    text = re.sub(r"commdx \d+\.\d+\.\d+", " ", text)  # the program's version in the foot
    text = re.sub(r"\S+\.(?:png|json|csv|xlsx)\b", " ", text)  # file names (the Markdown's charts)
    text = re.sub(r"(?i)(chợ|market) 4\.0", " ", text)  # a name: "chợ 4.0", the cashless market
    found = []
    for rx in (r"(?<![\w.])\d+\.\d{1,2}(?![\d.])",  # 65.7
               r"(?<![\d,.])[1-9]\d{0,2},\d{3}(?![\d,])",  # 6,344
               r"\b(?:19|20)\d\d-\d\d(?:-\d\d)?\b",  # 2022-10, 2022-07-20
               r"\d%"):  # 65,7%
        found += re.findall(rx, text)
    return found


@pytest.mark.parametrize("which", ["ward", "city"])
def test_the_vietnamese_report_speaks_vietnamese_in_every_format(reports, which: str) -> None:
    paths = reports[f"{which}-a"]
    for kind, text in (("html", _html_text(paths["html"])), ("docx", _docx_text(paths["docx"])),
                       ("md", paths["md"].read_text("utf-8"))):
        assert _english_words(text) == [], f"{which} {kind}: English words"
        assert _figure_problems(text) == [], f"{which} {kind}: figures not in Vietnamese form"
        # the formats the reader sees: a percentage, a grouped count, a date, a month in words
        assert re.search(r"\d+,\d %", text) and re.search(r"\d{2}/\d{2}/\d{4}", text), kind
        assert "tháng 10 năm 2022" in text, kind


def test_the_english_report_is_english(city: Path, tmp_path: Path) -> None:
    rep = commdx.monthly_report(MONTH, city, ward=WARD, lang="en", charts=False)
    md = rep.to_markdown()
    assert "## Summary" in md and "Monthly report, October 2022" in md
    assert re.search(r"\d+\.\d%", md) and "Tóm tắt" not in md and "Phần chưa có" not in md


def test_the_summary_comes_first_and_says_what_a_vice_chairman_reads_aloud(reports) -> None:
    text = _html_text(reports["ward-a"]["html"])
    assert text.index("Tóm tắt") < text.index("Chỉ tiêu: hiện tại")
    summary = text[text.index("Tóm tắt"):text.index("Chỉ tiêu: hiện tại")]
    sentences = [s for s in re.split(r"(?<=[.])\s+(?=[A-ZĐÁÀẢÃẠÂẤẦẨẪẬĂẮẰẲẴẶÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝ])",
                                          summary.replace("Tóm tắt", "", 1).strip()) if s]
    assert 5 <= len(sentences) <= 8, sentences
    for needed in ("khu phố", "vượt sai số chọn mẫu", "mục tiêu", "khen thưởng", "Ưu tiên tháng tới"):
        assert needed in summary, needed


def test_last_month_equal_to_the_baseline_is_said_not_printed(reports) -> None:
    import json

    data = json.loads(reports["ward-a"]["json"].read_text("utf-8"))
    assert data["rounds"]["last_month"]["round"] == data["rounds"]["baseline"]["round"]  # the example city
    text = _html_text(reports["ward-a"]["html"])
    assert "Vòng khảo sát trước tháng này là vòng đầu kỳ" in text
    assert "Tháng trước" not in text.split("Chỉ tiêu Đầu kỳ", 1)[1][:60]  # no third column of equal figures
    assert "Dấu * trên biểu đồ" in text


def test_no_table_is_cut_without_a_word_and_the_xlsx_has_every_row(reports) -> None:
    import json

    from openpyxl import load_workbook

    paths = reports["city-a"]
    data = json.loads(paths["json"].read_text("utf-8"))
    html = paths["html"].read_text("utf-8")
    wb = load_workbook(paths["xlsx"])
    members = wb["Thành viên"]
    assert members.max_row - 1 == len(data["visits"]["members"]) > 30
    shown = html.split('id="members"', 1)[1].split("</table>", 1)[0].count("<tr>") - 1
    assert shown == 30
    assert f"và {Fmt().int(len(data['visits']['members']) - 30)} dòng khác" in html.split('id="members"', 1)[1]
    areas = wb["Theo địa bàn"]
    assert areas.max_row - 1 == len(data["areas"])
    # every table of the page that shows fewer rows than its sheet says how many it left out
    from commdx.render.words import SHEETS

    checked = 0
    for sec in html.split("<section")[1:]:
        sid = re.search(r'id="(\w+)"', sec).group(1)
        if "<table>" not in sec or sid not in SHEETS:
            continue
        rows = sec.split("</table>", 1)[0].count("<tr>") - 1
        sheet_rows = wb[SHEETS[sid]["vi"]].max_row - 1
        said = re.search(r"và ([\d.]+) dòng khác", sec)
        if sheet_rows > rows:
            checked += 1
            assert said and int(said.group(1).replace(".", "")) == sheet_rows - rows, sid
        else:
            assert said is None, sid
    assert checked >= 2


def test_xlsx_is_what_excel_users_expect(reports) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(reports["ward-a"]["xlsx"])
    assert wb.sheetnames[0] == "Tóm tắt" and "Chỉ tiêu" in wb.sheetnames and "Thành viên" in wb.sheetnames
    ind = wb["Chỉ tiêu"]
    header = [c.value for c in ind[1]]
    assert header[:3] == ["Chỉ tiêu", "Đầu kỳ", "Hiện tại"]
    assert ind.freeze_panes == "A2"
    assert ind["B2"].number_format == "0.0%" and isinstance(ind["B2"].value, float) and 0 <= ind["B2"].value <= 1
    assert ind.column_dimensions["A"].width > 30
    n_col = header.index("Số hộ") + 1
    assert ind.cell(row=2, column=n_col).number_format == "#,##0"
    teams = wb["Tổ công nghệ số"]
    dates = [c.value for c in teams["D"][1:] if c.value is not None]
    assert dates and all(isinstance(x, dt.datetime) for x in dates) and teams["D2"].number_format == "dd/mm/yyyy"


def test_docx_follows_decree_30(reports) -> None:
    import docx
    from docx.shared import Mm, Pt

    d = docx.Document(str(reports["ward-a"]["docx"]))
    head = d.tables[0].rows[0].cells
    left, right = head[0].text, head[1].text
    assert "UBND PHƯỜNG" in left and "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG" in left and "Số: …/BC-" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Vũng Tàu, ngày 31 tháng 10 năm 2022" in right
    body = [p.text for p in d.paragraphs if p.text]
    assert body[0] == "BÁO CÁO" and "tháng 10 năm 2022" in body[1]
    assert body[3].startswith("I. TÓM TẮT")
    foot = d.tables[-1].rows[0].cells
    assert foot[0].text.startswith("Nơi nhận:") and "Lưu: VT." in foot[0].text
    assert "TM. TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG" in foot[1].text and "TỔ TRƯỞNG" in foot[1].text
    sec = d.sections[0]
    def mm(length: int) -> float:  # DOCX stores twentieths of a point: millimetres to 0.1
        return round(length / Mm(1), 1)

    assert (mm(sec.page_width), mm(sec.page_height)) == (210, 297)
    assert [mm(x) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [20, 20, 30, 15]
    sizes = {r.font.size for p in d.paragraphs for r in p.runs if p.text in body[3:12]}
    assert sizes <= {Pt(13), Pt(14)} and {r.font.name for p in d.paragraphs for r in p.runs} == {"Times New Roman"}


def test_same_report_same_bytes(reports) -> None:
    for which in ("ward", "city"):
        a, b = reports[f"{which}-a"], reports[f"{which}-b"]
        for kind in ("docx", "pdf", "xlsx", "html", "md", "json"):
            assert a[kind].read_bytes() == b[kind].read_bytes(), f"{which} {kind}"
    with zipfile.ZipFile(reports["ward-a"]["docx"]) as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        assert b"dcterms:modified" not in z.read("docProps/core.xml")
    pdf = reports["ward-a"]["pdf"].read_bytes()
    assert b"D:20221031" in pdf and pdf.startswith(b"%PDF")  # the document's date, not the clock's


# ---- the pictures -----------------------------------------------------------------------------

def _need(program: str) -> str:
    path = shutil.which(program)
    assert path, f"{program} is not installed: the Makefile's APT_PACKAGES install it (make deps)"
    return path


def _picture_problems(png: Path) -> str | None:
    from PIL import Image

    im = Image.open(png).convert("L")
    hist = im.histogram()
    dark = sum(hist[:128]) / (im.width * im.height)
    return None if 0.005 < dark < 0.5 else f"{png}: {dark:.1%} dark pixels (blank or broken page)"


@pytest.mark.parametrize("which", ["ward", "city"])
def test_html_rendered_by_chromium(reports, tmp_path: Path, which: str) -> None:
    chromium = _need("chromium")
    html = reports[f"{which}-a"]["html"]
    png = tmp_path / f"{which}.png"
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run(common + [f"--screenshot={png}", "--window-size=1200,2600", html.as_uri()],
                   check=True, capture_output=True, timeout=180)
    assert png.is_file() and _picture_problems(png) is None
    dom = subprocess.run(common + ["--dump-dom", html.as_uri()], check=True, capture_output=True, text=True,
                         timeout=180).stdout
    text = _html_text_of(dom)
    assert text.index("Tóm tắt") < text.index("Chỉ tiêu: hiện tại")
    assert _figure_problems(text) == [] and _english_words(text) == []
    assert dom.count("<img") >= 3


@pytest.mark.parametrize("which", ["ward", "city"])
def test_pdf_rendered_by_poppler(reports, tmp_path: Path, which: str) -> None:
    pdf = reports[f"{which}-a"]["pdf"]
    subprocess.run([_need("pdftoppm"), "-r", "50", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 2 and all(_picture_problems(p) is None for p in pages)
    text = subprocess.run([_need("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=120).stdout
    flat = re.sub(r"\s+", " ", text)
    assert flat.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < flat.index("BÁO CÁO") < flat.index("TÓM TẮT") \
        < flat.index("CHỈ TIÊU") < flat.index("Nơi nhận:")
    assert _figure_problems(flat) == [] and _english_words(flat) == []
    info = subprocess.run([_need("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "A4" in info


def test_classes_and_scores_in_words_on_one_scale(city: Path) -> None:
    import pandas as pd

    classes = {"baseline": pd.DataFrame({"code": [WARD], "name": ["Phường 1"], "class": ["remote"], "borderline": [True]}),
               "now": pd.DataFrame({"code": [WARD], "name": ["Phường 1"], "class": ["central"], "borderline": [False]})}
    scores = {"baseline": pd.DataFrame({"unit": [WARD, WARD], "index": ["adoption", "readiness"], "score": [0.3757, 0.6538]}),
              "now": pd.DataFrame({"unit": [WARD, WARD], "index": ["adoption", "readiness"], "score": [0.3914, 0.6552]})}
    rep = commdx.monthly_report(MONTH, city, ward=WARD, classes=classes, scores=scores, charts=False)
    text = _html_text_of(rep.to_html())
    section = text[text.index("Phân loại và điểm số"):]
    assert "vùng xa trung tâm có" in section  # baseline class, now, changed
    assert "Chỉ số ứng dụng số 0,376 0,391" in section and "Chỉ số sẵn sàng số 0,654 0,655" in section
    assert "central" not in text and "adoption" not in text
    en = _html_text_of(commdx.monthly_report(MONTH, city, ward=WARD, classes=classes, scores=scores, lang="en",
                                             charts=False).to_html())
    assert "remote central yes" in en and "Digital adoption index 0.376 0.391" in en


def _html_text_of(html: str) -> str:
    import html as _h

    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", _h.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_command_speaks_the_reports_language_on_stdout_and_stderr(city: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["report", "--month", MONTH, "--data", str(city), "--ward", WARD, "--out", str(tmp_path),
                       "--formats", "json,html,xlsx"])
    assert status == 0, err.getvalue()
    assert out.getvalue().startswith("Báo cáo tháng 10 năm 2022: Phường 1 (26506)")
    assert sorted(p.suffix for p in tmp_path.glob("report-26506-2022-10.*") if "manifest" not in p.name) == \
        [".html", ".json", ".xlsx"]
    said = err.getvalue()
    assert "Phần chưa có" in said and "chưa có kết quả phân loại" in said and "no classes given" not in said
    assert _english_words(said.replace("commdx.classify_areas", "").replace("commdx.CompositeIndex", "")) == []


def test_without_libreoffice_the_pdf_is_skipped_and_said(city: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["report", "--month", MONTH, "--data", str(city), "--ward", WARD, "--out", str(tmp_path / "r")])
    assert status == 0, err.getvalue()
    assert "Không tạo PDF: máy chưa cài LibreOffice" in err.getvalue()
    written = {p.suffix for p in (tmp_path / "r").iterdir()}
    assert {".docx", ".xlsx", ".html"} <= written and ".pdf" not in written
    rep = commdx.monthly_report(MONTH, city, ward=WARD, charts=False)
    with pytest.raises(OSError, match="libreoffice-writer-nogui"):  # asked for by name: an error, not a silent skip
        rep.save(tmp_path / "s", ("pdf",))
    assert not list((tmp_path / "s").glob("report-*"))


def test_the_indicators_workbook_and_csv_for_excel(city: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    args = ["indicators", str(city / "sample_households.csv"), "--places", str(city / "places.csv")]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(args + ["-o", str(tmp_path / "i.xlsx")]) == 0
        assert main(args + ["-o", str(tmp_path / "i.csv")]) == 0
    ws = load_workbook(tmp_path / "i.xlsx")["Chỉ tiêu"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["Cấp", "Mã địa bàn", "Địa bàn", "Chỉ tiêu", "Ước lượng", "Sai số chuẩn"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["C"].width >= 12
    from commdx.io.json import shipped_json

    statistic = {i["id"]: i["statistic"] for i in shipped_json("indicators.json")["indicators"]}
    est, ind = header.index("Ước lượng") + 1, header.index("Chỉ tiêu") + 1
    formats: dict[str, set[str]] = {}
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=est).value is not None:
            kind = statistic[ws.cell(row=r, column=ind).value]
            formats.setdefault(kind, set()).add(ws.cell(row=r, column=est).number_format)
    assert formats["proportion"] == {"0.0%"}  # shares as percentages; means and totals as numbers
    assert all("0.0%" not in f for kind, f in formats.items() if kind != "proportion")
    n = header.index("Số quan sát") + 1
    assert ws.cell(row=2, column=n).number_format == "#,##0"
    raw = (tmp_path / "i.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbflevel,unit,unit_name,indicator,estimate")  # BOM, machine column names


def test_a_document_libreoffice_aborts_on_is_converted_without_repeated_header_rows(tmp_path: Path) -> None:
    # tests/data/render/repeated-headers-abort.docx is ward 26539's report of `commdx demo
    # --households 2000 --seed 3` (synthetic data): LibreOffice 7.4 (Debian 12) aborts laying it out
    # (exit 134 in CI, "Unspecified Application Error" here) while two of its tables repeat their
    # header row, and converts it without. It comes out as a PDF with every figure of the DOCX,
    # together with a document LibreOffice converts directly, in one call; the refused file is
    # first, so the run also goes on after the abort.
    import docx

    from commdx.render.pdf import docx_to_pdf

    refused = tmp_path / "refused.docx"
    shutil.copy(Path(__file__).parent.parent / "data" / "render" / "repeated-headers-abort.docx", refused)
    plain = docx.Document()
    plain.add_paragraph("Báo cáo tháng 10 năm 2022")
    plain.save(str(tmp_path / "plain.docx"))
    (tmp_path / "out").mkdir()
    pdfs = docx_to_pdf([refused, tmp_path / "plain.docx"], tmp_path / "out")
    assert [p.name for p in pdfs] == ["refused.pdf", "plain.pdf"]
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = " ".join(text.split())
    cells = [c.text.strip() for t in docx.Document(str(refused)).tables for row in t.rows for c in row.cells]
    numbers = {c for c in cells if re.fullmatch(r"[+-]?[\d.,]+( %)?", c) and len(c) > 2}
    assert numbers and all(n in words for n in numbers), sorted(n for n in numbers if n not in words)[:5]
    assert "Báo cáo tháng 10 năm 2022" in subprocess.run(["pdftotext", str(pdfs[1]), "-"], capture_output=True,
                                                          text=True, check=True).stdout


def test_a_change_without_sampling_error_is_said_in_words(reports) -> None:
    # In this 3,000-household city a ward's survey takes every household, so some changes have
    # an SE of 0 in both rounds and an interval of zero width: the page says so instead of "[+14,4; +14,4]".
    import json

    paths = reports["ward-a"]
    data = json.loads(paths["json"].read_text("utf-8"))
    exact = [r for r in data["indicators"] if r["se_baseline"] == 0 and r["se_now"] == 0]
    assert exact, "the test city no longer has a change without sampling error"
    text = _html_text(paths["html"])
    assert text.count("không có sai số chọn mẫu") >= len(exact)
    assert not re.search(r"\[([+-]\d+,\d); \1\]", text)
