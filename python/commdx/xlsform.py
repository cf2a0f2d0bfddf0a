"""Issue 14: the questionnaire as an XLSForm (the ODK / KoboToolbox form format).

``commdx.xlsform(path)`` writes a workbook with the sheets ``survey``, ``choices`` and ``settings``
generated from the survey schema (``data/survey-schema.json``, the columns ``read_households`` and
``read_businesses`` check) and the indicator catalogue (each question's hint names the indicators
it feeds). Every question's ``name`` is a schema column (or a select-multiple question of the
schema, ``apps``, ``payments``), so a Kobo/ODK export of the form reads back with
``commdx.read_households`` / ``read_businesses`` and no mapping file: the reader strips the group
paths (``household/members``), keeps the metadata columns (``_uuid``, ``_submission_time``,
``start``...) as text and reconciles select-multiple answers (docs/xlsform.md).

What the schema implies becomes XLSForm: ``int`` columns are ``integer`` questions with their
``min``/``max`` and ``max_column`` (adults <= members) as a ``constraint``; ``yes_no`` columns
``select_one yes_no``; ``likert`` ``select_one likert5``; ``category`` a ``select_one`` of its
values; the select-multiple questions ``select_multiple`` with an exclusive "none"; the place
columns cascading selects (ward -> neighbourhood -> group, ``choice_filter``) from a places tree.
Skip logic comes from the schema's ``skip_logic`` rules (``relevant``): e-wallet, app and Zalo
questions only when the household has a smartphone, the toll tag only with a car, the e-invoice
only for an enterprise. A skipped question exports blank; the reader gives it the rule's implied
answer (``0`` where the answer is known to be "no", missing where the question is out of the
indicator's domain), so a skipped e-wallet question counts as "no e-wallet", not as not asked.

The sample's design columns (stratum, psu, weight, fpc, round) are not questions: they come from
``sample.csv`` (``commdx survey select``) joined on household_id.
"""
from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Sequence, Union

from . import _core
from .indicators import indicator_catalogue
from .io.json import shipped_json
from .places import Places

__all__ = ["xlsform"]

MODULES = ("household", "business", "opinion")
DESIGN_COLUMNS = ("stratum", "psu", "weight", "fpc", "round")
LANGUAGES = {"vi": "Tiếng Việt (vi)", "en": "English (en)"}

# the question wording: column -> (Vietnamese, English); a schema column missing here is asked
# with its name as label (a city's own schema), never dropped
QUESTIONS: dict[str, tuple[str, str]] = {
    "household_id": ("Mã hộ (theo danh sách thăm hộ)", "Household id (from the visit list)"),
    "business_id": ("Mã cơ sở kinh doanh", "Business id"),
    "ward_code": ("Phường/xã", "Ward / commune"),
    "neighbourhood_code": ("Khu phố/thôn", "Neighbourhood / village"),
    "group_code": ("Tổ dân phố", "Residential group"),
    "members": ("Số nhân khẩu của hộ", "Household members"),
    "adults": ("Số người từ 15 tuổi trở lên", "Members aged 15 or more"),
    "head_age": ("Tuổi của chủ hộ", "Age of the head of household"),
    "head_education": ("Trình độ học vấn của chủ hộ (0 chưa đi học ... 5 đại học trở lên)",
                       "Education of the head (0 none ... 5 university or more)"),
    "adults_upper_secondary": ("Số người từ 15 tuổi đã tốt nghiệp THPT", "Members 15+ with upper-secondary school"),
    "adults_smartphone": ("Số người từ 15 tuổi dùng điện thoại thông minh", "Members 15+ using a smartphone"),
    "smartphones": ("Số điện thoại thông minh trong hộ", "Smartphones in the household"),
    "home_internet": ("Hộ có internet tại nhà (cáp quang/ADSL/wifi)?", "Internet at home (fibre/ADSL/wifi)?"),
    "adults_bank_account": ("Số người từ 15 tuổi có tài khoản ngân hàng", "Members 15+ with a bank account"),
    "bank_account": ("Hộ có ai có tài khoản ngân hàng?", "Anyone in the household with a bank account?"),
    "e_wallet": ("Hộ có dùng ví điện tử (MoMo, ZaloPay, VNPT Pay...)?", "Does the household use an e-wallet?"),
    "pay_online_electricity": ("Hộ trả tiền điện trực tuyến? (bỏ trống nếu không có hóa đơn này)",
                               "Electricity bill paid online? (blank if no such bill)"),
    "pay_online_water": ("Hộ trả tiền nước trực tuyến? (bỏ trống nếu không có hóa đơn này)",
                         "Water bill paid online? (blank if no such bill)"),
    "pay_online_internet": ("Hộ trả cước internet trực tuyến? (bỏ trống nếu không có)",
                            "Internet bill paid online? (blank if none)"),
    "pay_online_cable_tv": ("Hộ trả tiền truyền hình cáp trực tuyến? (bỏ trống nếu không có)",
                            "Cable TV paid online? (blank if none)"),
    "pay_online_school_fees": ("Hộ đóng học phí trực tuyến? (bỏ trống nếu không có)",
                               "School fees paid online? (blank if none)"),
    "electricity_payment_method": ("Hộ trả tiền điện bằng cách nào?", "How does the household pay for electricity?"),
    "apps": ("Hộ đang dùng các ứng dụng nào?", "Which apps does the household use?"),
    "online_public_service": ("Hộ đã dùng dịch vụ công trực tuyến mức độ 3, 4?", "Used a level-3/4 online public service?"),
    "members_aware_postmart_voso": ("Số người trong hộ biết postmart.vn/voso.vn", "Members who know postmart.vn / voso.vn"),
    "members_buy_postmart_voso": ("Số người trong hộ đã mua trên postmart.vn/voso.vn", "Members who bought on postmart.vn / voso.vn"),
    "ecommerce_buy": ("Hộ có mua hàng trên sàn thương mại điện tử uy tín?", "Buys on reputable e-commerce platforms?"),
    "has_car": ("Hộ có ô tô riêng?", "Does the household own a car?"),
    "car_etc": ("Ô tô đã dán thẻ thu phí không dừng (ETC)?", "Does the car have a non-stop toll (ETC) tag?"),
    "zalo": ("Hộ có dùng Zalo?", "Does the household use Zalo?"),
    "zalo_neighbourhood_group": ("Hộ có tham gia nhóm Zalo của khu phố?", "Does it follow the neighbourhood Zalo group?"),
    "farming": ("Hộ có sản xuất nông nghiệp?", "Does the household farm?"),
    "conv_egov": ("Mức thuận tiện của dịch vụ công trực tuyến", "Convenience of online public services"),
    "need_egov": ("Mức cần thiết của dịch vụ công trực tuyến", "Need for online public services"),
    "conv_shopping": ("Mức thuận tiện của mua sắm trực tuyến", "Convenience of online shopping"),
    "need_shopping": ("Mức cần thiết của mua sắm trực tuyến", "Need for online shopping"),
    "conv_selling": ("Mức thuận tiện của bán hàng trực tuyến", "Convenience of selling online"),
    "need_selling": ("Mức cần thiết của bán hàng trực tuyến", "Need for selling online"),
    "conv_payment": ("Mức thuận tiện của thanh toán không dùng tiền mặt", "Convenience of cashless payment"),
    "need_payment": ("Mức cần thiết của thanh toán không dùng tiền mặt", "Need for cashless payment"),
    "type": ("Loại hình cơ sở", "Type of business"),
    "payments": ("Cơ sở nhận thanh toán bằng hình thức nào?", "Which payments does the business accept?"),
    "e_invoice": ("Doanh nghiệp dùng hóa đơn điện tử?", "Does the enterprise use e-invoices?"),
    "website": ("Cơ sở có trang web?", "Does the business have a website?"),
    "sells_online": ("Cơ sở có bán hàng trực tuyến?", "Does the business sell online?"),
    "listed_postmart_voso": ("Hộ đã đưa sản phẩm lên postmart.vn/voso.vn?", "Products listed on postmart.vn / voso.vn?"),
}

CHOICE_LABELS: dict[str, tuple[str, str]] = {
    "yes": ("Có", "Yes"), "no": ("Không", "No"),
    "cash": ("Tiền mặt", "Cash"), "bank_transfer": ("Chuyển khoản", "Bank transfer"),
    "direct_debit": ("Trích nợ tự động", "Direct debit"), "e_wallet": ("Ví điện tử", "E-wallet"),
    "none": ("Không có", "None"), "vssid": ("VssID", "VssID"), "vneid": ("VNeID", "VNeID"),
    "health_book": ("Sổ sức khỏe điện tử", "Electronic health book"), "vungtauioc": ("VungtauIOC", "VungtauIOC"),
    "pc_covid": ("PC-Covid", "PC-Covid"), "qr": ("Mã QR", "QR code"), "card": ("Thẻ", "Card"),
    "electricity": ("Điện", "Electricity"), "water": ("Nước", "Water"), "internet": ("Internet", "Internet"),
    "cable_tv": ("Truyền hình cáp", "Cable TV"), "school_fees": ("Học phí", "School fees"),
    "shop": ("Cửa hàng", "Shop"), "eatery": ("Quán ăn", "Eatery"), "shopping_centre": ("Trung tâm thương mại", "Shopping centre"),
    "market_stall": ("Sạp chợ", "Market stall"), "lodging": ("Cơ sở lưu trú", "Lodging"),
    "convenience_store": ("Cửa hàng tiện lợi", "Convenience store"), "enterprise": ("Doanh nghiệp", "Enterprise"),
    "farming_household": ("Hộ sản xuất nông nghiệp", "Farming household"),
}
LIKERT = [("1", "1 - Rất thấp", "1 - Very low"), ("2", "2 - Thấp", "2 - Low"), ("3", "3 - Trung bình", "3 - Medium"),
          ("4", "4 - Cao", "4 - High"), ("5", "5 - Rất cao", "5 - Very high")]
PLACE_LISTS = {1: "ward", 2: "neighbourhood", 3: "group"}
OPINION_PREFIXES = ("conv_", "need_")
# select-multiple questions of the schema asked as one yes/no question per option instead: a bill
# the household does not have is a blank answer (outside the indicator's domain), which one
# multiple choice cannot tell from "not paid online"
ASKED_ONE_BY_ONE = {"pay_online"}

# the survey sheet's columns in this order (those no row uses are left out)
SURVEY_COLUMNS = ["type", "name", "label::vi", "label::en", "hint::vi", "hint::en", "required", "constraint",
                  "constraint_message::vi", "constraint_message::en", "relevant", "choice_filter", "appearance"]


def xlsform(path: Union[str, "os.PathLike[str]", None] = None, *, modules: Sequence[str] = MODULES,
            places: Any = None, lang: str = "vi", schema: Optional[dict] = None,
            catalogue: Optional[dict] = None) -> dict[str, list[dict[str, str]]]:
    """The survey's questionnaire as an XLSForm; written to ``path`` (.xlsx) when given.

    Parameters
    ----------
    modules : which modules to ask: "household" (the household questions, S1), "opinion" (the
        convenience/need ratings, S3), "business" (S2). With "household" the business module is a
        repeat group (every business of the visited group); without it the form is a business form
        (read back with ``read_businesses``).
    places : commdx.Places, a places file or a built-in list name; its wards, neighbourhoods and
        groups become cascading select lists. Without it the place questions are typed codes.
    lang : "vi" (default) or "en": the form's default language; both label columns are written.
    schema, catalogue : a schema document like ``survey_schema_json()`` / a catalogue like
        ``indicators.json`` instead of the shipped ones.

    Returns the sheets as ``{"survey": [...], "choices": [...], "settings": [...]}`` (rows as
    dicts keyed by the XLSForm headers).
    """
    if lang not in LANGUAGES:
        raise _core.ConfigError(f"xlsform: lang must be 'vi' or 'en', got {lang!r}")
    mods = tuple(modules)
    unknown = [m for m in mods if m not in MODULES]
    if unknown or not mods:
        raise _core.ConfigError(f"xlsform: unknown module(s) {', '.join(map(repr, unknown)) or '(none)'} "
                                f"(household, business, opinion)")
    doc = schema if schema is not None else shipped_json("survey-schema.json")
    cat = catalogue if catalogue is not None else indicator_catalogue()
    tree = _places(places)
    form = _Form(lang, _feeds(cat))
    household_form = "household" in mods or "opinion" in mods
    kind = "households" if household_form else "businesses"
    form.meta()
    form.places(doc[kind], tree)
    if household_form:
        cols = doc["households"]
        if "household" in mods:
            form.module("household", "Thông tin hộ gia đình", "Household", cols,
                        lambda c: not c["name"].startswith(OPINION_PREFIXES))
        if "opinion" in mods:
            form.module("opinion", "Ý kiến của hộ", "Opinion", cols,
                        lambda c: c["name"].startswith(OPINION_PREFIXES))
        if "business" in mods:
            form.business(doc["businesses"], repeat=True)
    else:
        form.business(doc["businesses"], repeat=False)
    sheets = {"survey": form.survey, "choices": form.choice_rows(), "settings": form.settings(kind)}
    if path is not None:
        _write(os.fspath(path), sheets, lang)
    return sheets


# ---- building the sheets ------------------------------------------------------------------------

def _places(places: Any) -> Optional[Places]:
    if places is None or isinstance(places, Places):
        return places
    from .places import places_from_option

    return places_from_option(places)


def _feeds(catalogue: dict) -> dict[str, list[tuple[str, str]]]:
    """column -> the (vi, en) labels of the indicators whose numerator or denominator it is."""
    out: dict[str, list[tuple[str, str]]] = {}
    for ind in catalogue.get("indicators", []):
        cols: list[str] = []
        for part in (ind.get("numerator"), ind.get("denominator")):
            if isinstance(part, dict):
                cols += [part["column"]] if "column" in part else list(part.get("any", []))
        for c in dict.fromkeys(cols):
            out.setdefault(c, []).append((ind.get("label_vi", ind["id"]), ind.get("label_en", ind["id"])))
    return out


def _skip_relevance(kind_doc: dict) -> dict[str, str]:
    """question -> its XLSForm ``relevant`` from the schema's skip_logic rules."""
    from .survey import skip_rules  # the one parser of the rules (the reader fills skipped answers)

    types = {c["name"]: c.get("type", "text") for c in kind_doc["columns"]}
    out: dict[str, str] = {}
    for rule in skip_rules(kind_doc):
        expr = _condition(rule, types.get(rule.column, "text"))
        for c in rule.columns:
            out[c] = f"({out[c]}) and ({expr})" if c in out else expr
    return out


def _condition(rule: Any, type_: str) -> str:
    """The XPath of a rule's ``ask_when``; a yes_no question's answers are the choices 'yes' / 'no'."""
    col = "${" + rule.column + "}"
    if rule.op == "min":
        return f"{col} >= {_num(rule.value)}"
    v = rule.value
    if type_ == "yes_no" and not isinstance(v, str):
        return f"{col} = '{'yes' if float(v) == 1 else 'no'}'"
    return f"{col} = '{v}'" if isinstance(v, str) else f"{col} = {_num(v)}"


def _num(v: Any) -> str:
    f = float(v)
    return str(int(f)) if f == int(f) else repr(f)


class _Form:
    def __init__(self, lang: str, feeds: dict[str, list[tuple[str, str]]]) -> None:
        self.lang = lang
        self.feeds = feeds
        self.survey: list[dict[str, str]] = []
        self.choices: dict[str, list[tuple[str, str, str, dict[str, str]]]] = {}

    # rows
    def row(self, type_: str, name: str, vi: str = "", en: str = "", **kw: str) -> None:
        r = {"type": type_, "name": name, "label::vi": vi, "label::en": en}
        r.update({k: v for k, v in kw.items() if v})
        self.survey.append(r)

    def choice_list(self, list_name: str, items: Iterable[tuple[str, str, str]]) -> None:
        if list_name not in self.choices:
            self.choices[list_name] = [(n, vi, en, {}) for n, vi, en in items]

    def meta(self) -> None:
        for t in ("start", "end", "today", "deviceid"):
            self.row(t, t)
        self.choice_list("yes_no", [("yes", *CHOICE_LABELS["yes"]), ("no", *CHOICE_LABELS["no"])])

    def places(self, kind_doc: dict, tree: Optional[Places]) -> None:
        """The id and the place questions, cascading from the places tree when there is one."""
        cols = {c["name"]: c for c in kind_doc["columns"]}
        self.row("begin_group", "location", "Địa bàn", "Location")
        id_col = kind_doc.get("id", "")
        if id_col in cols:
            self.question(cols[id_col], "")
        by_level = {int(c.get("unit_level", 0)): c for c in kind_doc["columns"] if c.get("unit_level")}
        if tree is not None:
            self._place_choices(tree)
        for level in sorted(by_level):
            c = by_level[level]
            vi, en = QUESTIONS.get(c["name"], (c["name"], c["name"]))
            req = "yes" if c.get("required") else ""
            lst = PLACE_LISTS.get(level)
            if tree is None or lst not in self.choices:
                self.row("text", c["name"], vi, en, required=req,
                         **_hint(("Nhập mã đơn vị", "Type the unit's code")))
                continue
            filt = ""
            parent = c.get("parent_column", "")
            if parent and level > 1:
                filt = f"{PLACE_LISTS[level - 1]}=${{{parent}}}"
            self.row(f"select_one {lst}", c["name"], vi, en, required=req, choice_filter=filt,
                     appearance="minimal")
        self.row("end_group", "")

    def _place_choices(self, tree: Places) -> None:
        df = tree.to_dataframe()
        parent_of = dict(zip(df["code"], df["parent"]))
        for level, lst in PLACE_LISTS.items():
            rows = df[df["level"] == level]
            if rows.empty:
                continue
            items = []
            for code, name in zip(rows["code"], rows["name"]):
                f: dict[str, str] = {}
                if level > 1:
                    f[PLACE_LISTS[level - 1]] = str(parent_of.get(code, ""))
                items.append((str(code), str(name), str(name), f))
            self.choices[lst] = items

    def module(self, name: str, vi: str, en: str, kind_doc: dict, keep: Any) -> None:
        """A group of the questions of ``kind_doc`` that ``keep`` takes (id and places are asked first)."""
        self.row("begin_group", name, vi, en)
        self.questions(kind_doc, keep, {kind_doc.get("id", "")})
        self.row("end_group", "")

    def business(self, kind_doc: dict, repeat: bool) -> None:
        if repeat:
            # the business's place is its household's (XLSForm names are unique in a form): a Kobo
            # export's repeat sheet links each business to its household by _parent_index
            self.row("begin_repeat", "business", "Cơ sở kinh doanh của hộ (nếu có)",
                     "Businesses the household runs (if any)")
            self.questions(kind_doc, lambda c: True, set())
            self.row("end_repeat", "")
        else:
            self.module("business", "Cơ sở kinh doanh", "Business", kind_doc, lambda c: True)

    def questions(self, kind_doc: dict, keep: Any, skip: set[str]) -> None:
        """One question per column (not the places, not the design columns); the options of a
        select-multiple question of the schema asked once, as that question."""
        relevant = _skip_relevance(kind_doc)
        multi = {g: o for g, o in kind_doc.get("select_multiple", {}).items() if g not in ASKED_ONE_BY_ONE}
        by_option = {t: g for g, opts in multi.items() for t in opts.values() if t}
        skip = skip | {c["name"] for c in kind_doc["columns"] if c.get("unit_level")} | set(DESIGN_COLUMNS)
        asked: set[str] = set()
        for c in kind_doc["columns"]:
            n = c["name"]
            if n in skip or not keep(c):
                continue
            g = by_option.get(n)
            if g is None:
                self.question(c, relevant.get(n, ""))
            elif g not in asked:
                asked.add(g)
                self.select_multiple(g, multi[g], relevant.get(g, ""))

    def select_multiple(self, group: str, options: dict[str, str], relevant: str) -> None:
        self.choice_list(group, [(o, *CHOICE_LABELS.get(o, (o, o))) for o in options])
        vi, en = QUESTIONS.get(group, (group, group))
        feeds = [f for t in options.values() if t for f in self.feeds.get(t, [])]
        kw = {}
        if "none" in options:
            kw = {"constraint": "not(selected(., 'none') and count-selected(.) > 1)",
                  "constraint_message::vi": "'Không có' không đi cùng lựa chọn khác",
                  "constraint_message::en": "'None' cannot go with another answer"}
        self.row(f"select_multiple {group}", group, vi, en, relevant=relevant, required="yes",
                 **kw, **_feeds_hint(feeds))

    def question(self, c: dict, rel: str) -> None:
        n, t = c["name"], c.get("type", "text")
        vi, en = QUESTIONS.get(n, (n, n))
        req = "yes" if c.get("required") else ""
        hint = _feeds_hint(self.feeds.get(n, []))
        if t in ("int", "integer", "number"):
            parts, msg_vi, msg_en = [], [], []
            if "min" in c:
                op = ">" if c.get("exclusive_min") else ">="
                parts.append(f". {op} {_num(c['min'])}")
                msg_vi.append(f"ít nhất {_num(c['min'])}")
                msg_en.append(f"at least {_num(c['min'])}")
            if "max" in c:
                parts.append(f". <= {_num(c['max'])}")
                msg_vi.append(f"nhiều nhất {_num(c['max'])}")
                msg_en.append(f"at most {_num(c['max'])}")
            if c.get("max_column"):
                m = c["max_column"]
                parts.append(f". <= ${{{m}}}")
                mvi, men = QUESTIONS.get(m, (m, m))
                msg_vi.append(f"không quá '{mvi}'")
                msg_en.append(f"no more than '{men}'")
            self.row("integer" if t != "number" else "decimal", n, vi, en, required=req, relevant=rel,
                     constraint=" and ".join(parts), **{"constraint_message::vi": ", ".join(msg_vi).capitalize(),
                                                        "constraint_message::en": ", ".join(msg_en).capitalize()},
                     **hint)
        elif t == "yes_no":
            self.row("select_one yes_no", n, vi, en, required=req, relevant=rel, **hint)
        elif t == "likert":
            self.choice_list("likert5", LIKERT)
            self.row("select_one likert5", n, vi, en, relevant=rel, **hint)
        elif t == "category":
            self.choice_list(n, [(v, *CHOICE_LABELS.get(v, (v, v))) for v in c["values"]])
            self.row(f"select_one {n}", n, vi, en, required=req, relevant=rel, **hint)
        else:
            self.row("text", n, vi, en, required=req, relevant=rel, **hint)

    def choice_rows(self) -> list[dict[str, str]]:
        out = []
        for lst, items in self.choices.items():
            for name, vi, en, filt in items:
                out.append({"list_name": lst, "name": name, "label::vi": vi, "label::en": en, **filt})
        return out

    def settings(self, kind: str) -> list[dict[str, str]]:
        title = {"households": ("Khảo sát chuyển đổi số hộ gia đình", "Household digital transformation survey"),
                 "businesses": ("Khảo sát chuyển đổi số cơ sở kinh doanh", "Business digital transformation survey")}[kind]
        return [{"form_title": title[0] if self.lang == "vi" else title[1], "form_id": f"commdx_{kind}",
                 "version": "1", "default_language": LANGUAGES[self.lang]}]


def _hint(pair: tuple[str, str]) -> dict[str, str]:
    return {"hint::vi": pair[0], "hint::en": pair[1]}


def _feeds_hint(feeds: list[tuple[str, str]]) -> dict[str, str]:
    if not feeds:
        return {}
    uniq = list(dict.fromkeys(feeds))
    return _hint(("Dùng cho: " + "; ".join(v for v, _ in uniq), "Feeds: " + "; ".join(e for _, e in uniq)))


# ---- writing -------------------------------------------------------------------------------------

def _write(path: str, sheets: dict[str, list[dict[str, str]]], lang: str) -> None:
    import openpyxl

    rename = {"label::vi": f"label::{LANGUAGES['vi']}", "label::en": f"label::{LANGUAGES['en']}",
              "hint::vi": f"hint::{LANGUAGES['vi']}", "hint::en": f"hint::{LANGUAGES['en']}",
              "constraint_message::vi": f"constraint_message::{LANGUAGES['vi']}",
              "constraint_message::en": f"constraint_message::{LANGUAGES['en']}"}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        header: list[str] = []
        for r in rows:
            header += [k for k in r if k not in header]
        if name == "survey":
            header = [h for h in SURVEY_COLUMNS if h in header] + [h for h in header if h not in SURVEY_COLUMNS]
        ws.append([rename.get(h, h) for h in header])
        for r in rows:
            ws.append([r.get(h, "") for h in header])
    from .io.output import atomic_file
    from .render.xlsx import save_workbook

    with atomic_file(path) as tmp:
        save_workbook(wb, tmp)  # a full disk is an OSError naming the file
