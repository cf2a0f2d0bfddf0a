"""The words of the rendered report, in Vietnamese and English: headers, class and level names,
index names, the summary's sentences, and the translation of the report's "missing" statements
(``MonthlyReport.missing`` holds them in English, as the JSON publishes them; every document and
the CLI print them in the report's language through :func:`missing_text`).

The report's own words (section titles, the notes in ``.data``) are here too: one vocabulary."""
from __future__ import annotations

import re
from typing import Any

__all__ = ["w", "WORDS", "missing_text", "class_name", "level_name", "index_name", "process_name",
           "target_source"]

WORDS: dict[str, dict[str, str]] = {
    "heading": {"vi": "Báo cáo {month}: {unit}", "en": "Monthly report, {month}: {unit}"},
    "ci": {"vi": "KTC 95 %", "en": "95% CI"},
    "no_sampling_error": {"vi": "không có sai số chọn mẫu", "en": "no sampling error"},
    "rounds_line": {"vi": "Đầu kỳ: {baseline} · Tháng trước: {last} · Hiện tại: {now}",
                    "en": "Baseline: {baseline} · Last month: {last} · Now: {now}"},
    "last_is_baseline": {"vi": "Vòng khảo sát trước tháng này là vòng đầu kỳ ({baseline}): cột “tháng trước” trùng với cột "
                               "“đầu kỳ” nên không in riêng; thay đổi so với tháng trước bằng thay đổi so với đầu kỳ.",
                         "en": "The survey round before this month is the baseline ({baseline}): the “last month” column "
                               "would repeat the baseline, so it is not printed; the change since last month is the "
                               "change since the baseline."},
    "star_note": {"vi": "Dấu * trên biểu đồ: thay đổi so với đầu kỳ vượt sai số chọn mẫu (kiểm định ở mức tin cậy 95 %). "
                        "Vạch đen trên cột: khoảng tin cậy 95 % của mức hiện tại.",
                  "en": "A * on the chart: the change since the baseline is beyond sampling noise (a test at the 95% "
                        "level). The black bar on a column: the 95% confidence interval of the current level."},
    "target_note": {"vi": "Vạch đỏ: mục tiêu.", "en": "Red mark: the target."},
    "more_rows": {"vi": "… và {n} dòng khác (đủ cả trong tệp XLSX).", "en": "… and {n} more (all of them in the XLSX file)."},
    "more_items": {"vi": "và {n} nơi khác", "en": "and {n} more"},
    "areas_shown": {"vi": "Trang này in {shown} chỉ tiêu chính cho mỗi địa bàn; tệp XLSX có đủ {total} chỉ tiêu.",
                    "en": "This page shows {shown} headline indicators per area; the XLSX file has all {total}."},
    "uncovered": {"vi": "Chưa có tổ đúng hạn: {units}", "en": "No team by the deadline: {units}"},
    "level": {"vi": "Cấp", "en": "Level"},
    "unit": {"vi": "Địa bàn", "en": "Unit"},
    "youth_union": {"vi": "Đoàn viên", "en": "Youth Union members"},
    "bank_staff": {"vi": "Cán bộ ngân hàng", "en": "Bank staff"},
    "hours_week": {"vi": "Giờ/tuần", "en": "Hours per week"},
    "decision_date": {"vi": "Ngày quyết định", "en": "Decision date"},
    "class": {"vi": "Phân loại", "en": "Class"},
    "class_changed": {"vi": "Đổi phân loại?", "en": "Class changed?"},
    "borderline": {"vi": "Sát ngưỡng?", "en": "Borderline?"},
    "index": {"vi": "Chỉ số", "en": "Index"},
    "score": {"vi": "Điểm", "en": "Score"},
    "source": {"vi": "Căn cứ", "en": "Source"},
    "pp": {"vi": "điểm %", "en": "pp"},
    "months_left": {"vi": "Số tháng còn lại", "en": "Months left"},
    "xlsx_sheet_summary": {"vi": "Tóm tắt", "en": "Summary"},
    "generated": {"vi": "Lập bằng {by} từ số liệu khảo sát và nhật ký của các tổ.",
                  "en": "Made with {by} from the survey and the teams' logs."},
    "in_xlsx": {"vi": "Bảng đầy đủ: tệp XLSX kèm theo.", "en": "Complete tables: the XLSX file alongside."},
    # ---- the summary -------------------------------------------------------------------------
    "s_coverage": {"vi": "{covered}/{total} khu phố, thôn có tổ công nghệ số cộng đồng trước hạn {deadline}{rest}.",
                   "en": "{covered} of {total} neighbourhoods and villages had a community digital technology team by {deadline}{rest}."},
    "s_coverage_rest": {"vi": "; còn thiếu: {units}", "en": "; still without one: {units}"},
    "s_no_roster": {"vi": "Chưa có danh sách tổ công nghệ số nên chưa đánh giá được việc phủ kín.",
                    "en": "No team roster was given, so team coverage could not be assessed."},
    "s_changes": {"vi": "So với đầu kỳ ({baseline}), {n}/{total} chỉ tiêu thay đổi vượt sai số chọn mẫu{top}.",
                  "en": "Since the baseline ({baseline}), {n} of {total} indicators changed beyond sampling noise{top}."},
    "s_change_item": {"vi": "{label} {direction} {pp} điểm % ({before} → {after})",
                      "en": "{label} {direction} {pp} pp ({before} → {after})"},
    "up": {"vi": "tăng", "en": "up"},
    "down": {"vi": "giảm", "en": "down"},
    "s_no_change": {"vi": "So với đầu kỳ ({baseline}), chưa chỉ tiêu nào thay đổi vượt sai số chọn mẫu.",
                    "en": "Since the baseline ({baseline}), no indicator has changed beyond sampling noise."},
    "s_no_followup": {"vi": "Chưa có vòng khảo sát lặp lại nên chưa đánh giá được thay đổi.",
                      "en": "There is no follow-up survey round yet, so no change can be assessed."},
    "s_targets": {"vi": "Về mục tiêu: {parts}.", "en": "Targets: {parts}."},
    "s_met": {"vi": "{n} đã đạt ({labels})", "en": "{n} met ({labels})"},
    "s_on_track": {"vi": "{n} đúng tiến độ ({labels})", "en": "{n} on pace ({labels})"},
    "s_behind": {"vi": "{n} chậm tiến độ ({labels})", "en": "{n} behind pace ({labels})"},
    "s_overdue": {"vi": "{n} quá hạn chưa đạt ({labels})", "en": "{n} past the deadline and not met ({labels})"},
    "s_behind_item": {"vi": "{label}: cần tăng {needed} điểm %/tháng, đang tăng {so_far}",
                      "en": "{label}: needs {needed} pp a month, achieving {so_far}"},
    "s_visits": {"vi": "Trong tháng, các tổ đã đến {visits} lượt tại {households} hộ{plan}.",
                 "en": "This month the teams made {visits} visits to {households} households{plan}."},
    "s_visits_plan": {"vi": " ({share} số lượt theo kế hoạch)", "en": " ({share} of the planned visits)"},
    "s_nominations": {"vi": "Đề nghị khen thưởng: {names}.", "en": "Nominated for commendation: {names}."},
    "s_no_nominations": {"vi": "Tháng này không có đề nghị khen thưởng: không thành viên, tổ nào đạt hệ số chuyển đổi so với kỳ vọng trên 1.",
                         "en": "No nomination this month: no member or team had a rate above 1 against the expected."},
    "s_priorities": {"vi": "Ưu tiên tháng tới: {items}.", "en": "Next month's priorities: {items}."},
    "p_target": {"vi": "đẩy nhanh “{label}” (cần thêm {gap} điểm % trước {deadline})",
                 "en": "speed up “{label}” ({gap} pp to go by {deadline})"},
    "p_uncovered": {"vi": "thành lập tổ ở {units}", "en": "set up teams in {units}"},
    "p_manual": {"vi": "thay quy trình “{process}” ({households} hộ) bằng: {replacement}",
                 "en": "replace “{process}” ({households} households) with: {replacement}"},
    "p_none": {"vi": "duy trì các hoạt động đang đúng tiến độ", "en": "keep up the activities that are on pace"},
    # ---- the official document ---------------------------------------------------------------
    "doc_motto1": {"vi": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "en": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
    "doc_motto2": {"vi": "Độc lập - Tự do - Hạnh phúc", "en": "Độc lập - Tự do - Hạnh phúc"},
    "doc_superior_ward": {"vi": "UBND {unit}", "en": "PEOPLE'S COMMITTEE OF {unit}"},
    "doc_superior_city": {"vi": "UBND {unit}", "en": "PEOPLE'S COMMITTEE OF {unit}"},
    "doc_issuer": {"vi": "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG", "en": "COMMUNITY DIGITAL TECHNOLOGY TEAM"},
    "doc_issuer_city": {"vi": "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ", "en": "DIGITAL TRANSFORMATION STEERING COMMITTEE"},
    "doc_number": {"vi": "Số: …/BC-TCNS", "en": "No.: …/BC-TCNS"},
    "doc_title": {"vi": "BÁO CÁO", "en": "REPORT"},
    "doc_subject": {"vi": "Kết quả hoạt động của Tổ công nghệ số cộng đồng {month}",
                    "en": "Work of the community digital technology teams, {month}"},
    "doc_place_date": {"vi": "{place}, {date}", "en": "{place}, {date}"},
    "doc_recipients": {"vi": "Nơi nhận:", "en": "Recipients:"},
    "doc_recipient_list": {"vi": "- Phòng Văn hóa và Thông tin thành phố;\n- UBND {unit};\n- Lưu: VT.",
                           "en": "- The city's Culture and Information Office;\n- People's Committee of {unit};\n- File: VT."},
    "doc_recipient_list_city": {"vi": "- UBND tỉnh, Sở Thông tin và Truyền thông;\n- UBND các phường, xã;\n- Lưu: VT.",
                                "en": "- The provincial People's Committee, Department of Information and Communications;\n"
                                      "- The wards' and communes' People's Committees;\n- File: VT."},
    "doc_sign_for": {"vi": "TM. TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG", "en": "FOR THE COMMUNITY DIGITAL TECHNOLOGY TEAM"},
    "doc_sign_for_city": {"vi": "TM. BAN CHỈ ĐẠO", "en": "FOR THE STEERING COMMITTEE"},
    "doc_sign_title": {"vi": "TỔ TRƯỞNG", "en": "TEAM LEADER"},
    "doc_sign_title_city": {"vi": "TRƯỞNG BAN", "en": "CHAIR"},
    "doc_sign_note": {"vi": "(Ký, ghi rõ họ tên)", "en": "(Signature, full name)"},
    "doc_place_unknown": {"vi": "……", "en": "……"},
    # ---- the report's section words and the notes in its data (monthly_report) --------------
    "title": {"vi": "Báo cáo tháng {month}: {unit}", "en": "Monthly report {month}: {unit}"},
    "city": {"vi": "toàn thành phố", "en": "the whole city"},
    # the report's top unit by its level in the places tree (_top_label)
    "top_country": {"vi": "cả nước", "en": "the whole country"},
    "top_province": {"vi": "toàn tỉnh", "en": "the whole province"},
    "top_ward": {"vi": "toàn phường", "en": "the whole ward"},
    "top_commune": {"vi": "toàn xã", "en": "the whole commune"},
    "top_special_zone": {"vi": "toàn đặc khu", "en": "the whole special zone"},
    "summary": {"vi": "Tóm tắt", "en": "Summary"},
    "indicators": {"vi": "Chỉ tiêu: hiện tại, đầu kỳ, tháng trước", "en": "Indicators: now, baseline, last month"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "now": {"vi": "Hiện tại", "en": "Now"},
    "baseline": {"vi": "Đầu kỳ", "en": "Baseline"},
    "last_month": {"vi": "Tháng trước", "en": "Last month"},
    "change": {"vi": "Thay đổi", "en": "Change"},
    "significant": {"vi": "Có ý nghĩa?", "en": "Beyond noise?"},
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "n": {"vi": "Số hộ", "en": "Households"},
    "progress": {"vi": "Tiến độ so với mục tiêu", "en": "Progress against targets"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "deadline": {"vi": "Hạn", "en": "Deadline"},
    "gap": {"vi": "Còn thiếu", "en": "Gap"},
    "pace_needed": {"vi": "Cần tăng/tháng", "en": "Needed per month"},
    "pace_so_far": {"vi": "Đã tăng/tháng", "en": "Achieved per month"},
    "on_track": {"vi": "Đúng tiến độ?", "en": "On track?"},
    "met": {"vi": "đã đạt", "en": "met"},
    "overdue": {"vi": "quá hạn", "en": "past deadline"},
    "areas": {"vi": "Theo địa bàn", "en": "By area"},
    "area": {"vi": "Địa bàn", "en": "Area"},
    "teams": {"vi": "Tổ công nghệ số: phủ kín và thành phần (T5, T1/T3)", "en": "Teams: coverage and composition (T5, T1/T3)"},
    "visits": {"vi": "Lượt đến hộ theo tổ và thành viên so với kế hoạch", "en": "Visits per team and member against the plan"},
    "member": {"vi": "Thành viên", "en": "Member"},
    "team": {"vi": "Tổ", "en": "Team"},
    "visits_done": {"vi": "Lượt đã đến", "en": "Visits done"},
    "visits_planned": {"vi": "Lượt kế hoạch", "en": "Visits planned"},
    "households_visited": {"vi": "Hộ đã đến", "en": "Households visited"},
    "conversions": {"vi": "Hộ chuyển đổi", "en": "Adoptions"},
    "hours": {"vi": "Giờ", "en": "Hours"},
    "per_hour": {"vi": "Chuyển đổi/giờ", "en": "Adoptions per hour"},
    "expected": {"vi": "Kỳ vọng", "en": "Expected"},
    "adjusted": {"vi": "Hệ số so với kỳ vọng", "en": "Rate vs expected"},
    "nominations": {"vi": "Đề nghị khen thưởng (T2)", "en": "Nominations for commendation (T2)"},
    "criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "manual": {"vi": "Quy trình thủ công còn tồn tại và đề xuất thay thế số (M1)", "en": "Manual processes still in use and proposed digital replacements (M1)"},
    "process": {"vi": "Quy trình", "en": "Process"},
    "replacement": {"vi": "Đề xuất thay thế", "en": "Proposed replacement"},
    "campaign": {"vi": "Nội dung", "en": "Campaign item"},
    "times_per_month": {"vi": "Lượt/tháng", "en": "Times per month"},
    "class_score": {"vi": "Phân loại và điểm số", "en": "Class and scores"},
    "not_available": {"vi": "Chưa có", "en": "Not available"},
    "suppressed_note": {"vi": "Ô có dấu — bị ẩn: tính từ ít hơn {k} hộ, hoặc ẩn bổ sung để không suy ra được ô nhỏ từ tổng.",
                        "en": "Cells marked — are suppressed: computed from fewer than {k} households, or suppressed as well so that no small cell can be recovered from the totals."},
    "no_followup": {"vi": "Chưa có vòng khảo sát lặp lại trong tháng này: số liệu hiện tại là số liệu đầu kỳ.",
                    "en": "No follow-up survey round by this month: the current figures are the baseline."},
    "no_new_round": {"vi": "Không có vòng khảo sát mới trong tháng: thay đổi so với tháng trước bằng 0 theo định nghĩa.",
                     "en": "No new survey round this month: the change since last month is zero by construction."},
    "variable_missing": {"vi": "{label}: thiếu biến {where} — không có số liệu (không phải ô bị ẩn).",
                         "en": "{label}: variable {where} is missing — no data (not a suppressed cell)."},
    "variable_missing_later": {"vi": "{label}: thiếu biến {where} — vòng này chưa dùng trong báo cáo tháng này; "
                                     "tháng nào so sánh vòng này thì chỉ tiêu không có số liệu (không phải ô bị ẩn).",
                               "en": "{label}: variable {where} is missing — that round is not compared in this "
                                     "month's report; a month that compares it has no data for the indicator "
                                     "(missing, not a suppressed cell)."},
    "variables_missing": {"vi": "Thiếu biến trong tệp khảo sát (thiếu số liệu, không phải ô bị ẩn):",
                          "en": "Variables missing from the survey files (missing data, not suppressed cells):"},
    "missing": {"vi": "Phần chưa có (giai đoạn chưa sẵn sàng)", "en": "Missing sections (stage not available)"},
    "unmapped": {"vi": "(chưa có đề xuất: bổ sung vào report-config.json)", "en": "(no proposal yet: add one to report-config.json)"},
    "other_processes": {"vi": "Các quy trình khác (gộp, mỗi loại dưới {k} hộ)", "en": "Other processes (merged, each under {k} households)"},
    "deadline_override": {"vi": "Hạn {deadline} được dùng thay cho hạn {rules_deadline} của bộ quy tắc tổ.", "en": "Deadline {deadline} used instead of the team rule set's {rules_deadline}."},
    "coverage_line": {"vi": "{covered}/{total} khu phố/thôn có tổ trước hạn {deadline}", "en": "{covered}/{total} neighbourhoods/villages had a team by {deadline}"},
    "findings_line": {"vi": "Kiểm tra thành phần tổ: {errors} lỗi, {warnings} cảnh báo", "en": "Composition check: {errors} errors, {warnings} warnings"},
}

# Class names of classify_areas, team levels and index names: codes in the data, words here.
CLASSES = {"central": {"vi": "trung tâm", "en": "central"}, "remote": {"vi": "vùng xa", "en": "remote"},
           "intermediate": {"vi": "trung gian", "en": "intermediate"}}
LEVELS = {"ward": {"vi": "phường/xã", "en": "ward"}, "commune": {"vi": "xã", "en": "commune"},
          "special_zone": {"vi": "đặc khu", "en": "special zone"},
          "neighbourhood": {"vi": "khu phố/thôn", "en": "neighbourhood"}, "village": {"vi": "thôn", "en": "village"},
          "residential_group": {"vi": "tổ dân phố", "en": "residential group"}, "city": {"vi": "thành phố", "en": "city"}}
INDEXES = {"adoption": {"vi": "Chỉ số ứng dụng số", "en": "Digital adoption index"},
           "readiness": {"vi": "Chỉ số sẵn sàng số", "en": "Digital readiness index"}}
WHEN = {"baseline": {"vi": "Đầu kỳ", "en": "Baseline"}, "now": {"vi": "Hiện tại", "en": "Now"}}


def w(key: str, lang: str, **kw: Any) -> str:
    """A word or sentence of the report and its documents, formatted."""
    text = WORDS[key][lang]
    return text.format(**kw) if kw else text


def _named(table: dict[str, dict[str, str]], code: Any, lang: str) -> str:
    if code is None:
        return ""
    entry = table.get(str(code))
    return entry[lang] if entry else str(code)


def class_name(code: Any, lang: str) -> str:
    return _named(CLASSES, code, lang)


def level_name(code: Any, lang: str) -> str:
    return _named(LEVELS, code, lang)


def index_name(code: Any, lang: str) -> str:
    return _named(INDEXES, code, lang)


def when_name(code: Any, lang: str) -> str:
    return _named(WHEN, code, lang)


def _report_config() -> dict[str, Any]:
    from ..report import load_report_config

    return load_report_config()


def process_name(code: str, lang: str, config: dict[str, Any] | None = None) -> str:
    """An M1 process's name (``report-config.json``'s ``manual_processes.<code>.name_vi/_en``);
    a process the catalogue does not name keeps its code."""
    cfg = config if config is not None else _report_config()
    entry = cfg.get("manual_processes", {}).get(code, {})
    return str(entry.get(f"name_{lang}") or code) if isinstance(entry, dict) else str(code)


def target_source(variable: str, text: str | None, lang: str) -> str | None:
    """The target's source as the report's data carries it: already in the report's language
    (``target_source_vi`` / ``target_source_en`` of the indicator in indicators.json, the one
    catalogue, chosen by ``monthly_report``)."""
    return text


# The report's "missing" statements (report.py, monitor.py), English in the data, and their
# Vietnamese: (pattern, Vietnamese template with the pattern's groups).
_MISSING_VI: list[tuple[str, str]] = [
    (r"indicators: no survey \(sample_households\.csv\)", "chỉ tiêu: chưa có số liệu khảo sát (sample_households.csv)"),
    (r"visits and nominations: no visit log \(visits\.csv\)", "lượt đến hộ và đề nghị khen thưởng: chưa có nhật ký đến hộ (visits.csv)"),
    (r"manual processes \(M1\): no log \(manual_processes\.csv\)", "quy trình thủ công (M1): chưa có nhật ký (manual_processes.csv)"),
    (r"class change: no classes given \(commdx\.classify_areas at baseline and now\)",
     "thay đổi phân loại: chưa có kết quả phân loại (commdx.classify_areas ở đầu kỳ và hiện tại)"),
    (r"score change: no scores given \(commdx\.CompositeIndex at baseline and now\)",
     "thay đổi điểm số: chưa có điểm số (commdx.CompositeIndex ở đầu kỳ và hiện tại)"),
    (r"follow-up round: no followup_households\.csv, so no change can be tested",
     "vòng khảo sát lặp lại: chưa có followup_households.csv nên chưa kiểm định được thay đổi"),
    (r"indicators without their survey columns: (.*)", r"chỉ tiêu thiếu cột trong tệp khảo sát: \1"),
    (r"indicator (\S+): variable (.*) is missing, so it is not estimated \(missing data, not suppressed\)",
     r"chỉ tiêu \1: thiếu biến \2 nên không ước lượng (thiếu số liệu, không phải ô bị ẩn)"),
    (r"teams: no roster \(teams\.json\)", "tổ công nghệ số: chưa có danh sách tổ (teams.json)"),
    (r"team coverage \(T5\) by commdx\.team_coverage failed: (.*); computed from the roster's decision dates instead",
     r"phủ kín tổ (T5): commdx.team_coverage không chạy được: \1; đã tính theo ngày quyết định trong danh sách tổ"),
    (r"team coverage \(T5\): commdx\.team_coverage is not available; computed from the roster's decision dates",
     "phủ kín tổ (T5): chưa có commdx.team_coverage; đã tính theo ngày quyết định trong danh sách tổ"),
    (r"team composition findings \(T1/T3\): commdx\.check_teams refused the roster: (.*)",
     r"kiểm tra thành phần tổ (T1/T3): commdx.check_teams không nhận danh sách tổ: \1"),
    (r"team composition findings \(T1/T3\): commdx\.check_teams is not available yet",
     "kiểm tra thành phần tổ (T1/T3): chưa có commdx.check_teams"),
    (r"nomination difficulty: campaigns\.json priors not available, expected rates from the log itself",
     "độ khó khi xét khen thưởng: chưa có xác suất ban đầu trong campaigns.json, tỷ lệ kỳ vọng lấy từ chính nhật ký"),
    (r"visits against the plan: no plan given \(plan_outreach result or plan_visits\.csv\)",
     "lượt đến hộ so với kế hoạch: chưa có kế hoạch (kết quả plan_outreach hoặc plan_visits.csv)"),
    (r"(.*): (\d+) row\(s\) name households outside the survey files \(first: row (\d+)\); without the household "
     r"register \(households\.csv\) they could not be checked",
     r"\1: \2 dòng ghi hộ không có trong tệp khảo sát (dòng đầu tiên: \3); chưa có sổ hộ (households.csv) nên chưa kiểm tra được"),
]
_MISSING_RE = [(re.compile(p + r"\Z", re.S), t) for p, t in _MISSING_VI]


def missing_text(message: str, lang: str) -> str:
    """A "missing" statement of the report in ``lang`` (the data keeps the English)."""
    if lang == "en":
        return message
    for rx, template in _MISSING_RE:
        m = rx.match(message)
        if m:
            return m.expand(template)
    return message

#: XLSX sheet names (at most 31 characters, none of []:*?/\)
SHEETS = {"summary": {"vi": "Tóm tắt", "en": "Summary"}, "indicators": {"vi": "Chỉ tiêu", "en": "Indicators"},
          "progress": {"vi": "Tiến độ", "en": "Progress"}, "teams": {"vi": "Tổ công nghệ số", "en": "Teams"},
          "visits": {"vi": "Lượt đến hộ theo tổ", "en": "Visits by team"},
          "nominations": {"vi": "Đề nghị khen thưởng", "en": "Nominations"},
          "manual": {"vi": "Quy trình thủ công", "en": "Manual processes"},
          "classes": {"vi": "Phân loại", "en": "Classes"}, "scores": {"vi": "Điểm số", "en": "Scores"},
          "areas": {"vi": "Theo địa bàn", "en": "By area"}, "members": {"vi": "Thành viên", "en": "Members"}}
