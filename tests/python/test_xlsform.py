"""Issue 14: the questionnaire as an XLSForm (commdx.xlsform), validated by pyxform, and a simulated
KoboToolbox export of it read back by commdx.read_households with no mapping file.

The export is simulated here as KoboToolbox writes one (its "XML values and headers" export):
full group paths as headers (``household/members``; with ``group_`` names when the form was built
in Kobo's UI), the metadata columns ``start``, ``end``, ``today``, ``deviceid``, ``_id``, ``_uuid``,
``_submission_time``, ``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``,
``__version__``, ``_tags``, ``_index``, select-multiple answers as the space-separated column and
one 0/1 column per choice (``household/apps/vssid``), CSV with ``;`` (Kobo's legacy default) or
``,``, and XLSX with numbers as numbers. A question the form's ``relevant`` skips is blank in the
export (evaluated here from the form's own expressions by a small evaluator of ``${x} >= n`` and
``${x} = 'v'``). The expected values are the example city's households as generated, before export.
"""
from __future__ import annotations

import io
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx

from pyxform.xls2xform import convert as xls2xform

DESIGN = ["stratum", "psu", "weight", "fpc", "round"]
META_FRONT = ["start", "end", "today", "deviceid"]
META_BACK = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index"]


@pytest.fixture(scope="module")
def city() -> commdx.synth.City:
    return commdx.synth.city(3000, seed=11)


@pytest.fixture(scope="module")
def form_path(city, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("form") / "form.xlsx"
    commdx.xlsform(path, places=city.places)
    return path


@pytest.fixture(scope="module")
def xform(form_path) -> str:
    return xls2xform(xlsform=str(form_path), warnings=[]).xform


# ---- the form ---------------------------------------------------------------------------------

def test_pyxform_converts_the_form_with_constraints_skip_logic_and_cascades(xform):
    root = ET.fromstring(xform)
    binds = {b.get("nodeset"): b.attrib for b in root.iter("{http://www.w3.org/2002/xforms}bind")}
    adults = binds["/data/household/adults"]
    assert adults["required"] == "true()"
    assert re.sub(r"\s+", " ", adults["constraint"]) == ". >= 1 and . <= /data/household/members "
    assert binds["/data/household/adults_bank_account"]["constraint"].replace(" ", "") == ".>=0and.<=/data/household/adults"
    assert binds["/data/household/e_wallet"]["relevant"].replace(" ", "") == "/data/household/smartphones>=1"
    assert binds["/data/household/apps"]["relevant"].replace(" ", "") == "/data/household/smartphones>=1"
    assert binds["/data/household/car_etc"]["relevant"].replace(" ", "") == "/data/household/has_car='yes'"
    assert "count-selected(.)" in binds["/data/household/apps"]["constraint"]
    # cascading selects: the neighbourhood list filtered by the chosen ward, the group by the neighbourhood
    assert re.search(r"instance\('neighbourhood'\)/root/item\[\s*ward\s*=\s*/data/location/ward_code\s*\]", xform)
    assert re.search(r"instance\('group'\)/root/item\[\s*neighbourhood\s*=\s*/data/location/neighbourhood_code\s*\]", xform)
    # both languages, Vietnamese the default
    langs = [t.get("lang") for t in root.iter("{http://www.w3.org/2002/xforms}translation")]
    assert langs[0] == "Tiếng Việt (vi)" and "English (en)" in langs
    # the business module is a repeat group
    assert "/data/business/business_id" in binds and 'nodeset="/data/business"' in xform


def test_every_questionnaire_column_of_the_schema_is_a_question(form_path):
    survey = _sheet(form_path, "survey")
    names = set(survey["name"])
    schema = commdx.survey_schema_json()
    multi = {t for g in schema["households"]["select_multiple"].values() for t in g.values() if t}
    multi -= {c for c in names}  # the bills are asked one by one (blank = no such bill)
    for c in schema["households"]["columns"] + schema["businesses"]["columns"]:
        if c["name"] in DESIGN or c["name"] in multi or c["name"] in {"accepts_qr", "accepts_bank_transfer", "accepts_card"}:
            continue
        assert c["name"] in names, c["name"]
    assert {"apps", "payments"} <= names and not names & set(DESIGN)
    row = survey.set_index("name").loc["members_buy_postmart_voso"]
    assert row["type"] == "integer" and "${members_aware_postmart_voso}" in row["constraint"]
    assert survey.set_index("name").loc["conv_egov", "type"] == "select_one likert5"
    assert survey.set_index("name").loc["electricity_payment_method", "type"] == "select_one electricity_payment_method"
    labels = survey.set_index("name").loc["adults"]
    assert labels["label::Tiếng Việt (vi)"] == "Số người từ 15 tuổi trở lên"
    assert labels["label::English (en)"] == "Members aged 15 or more"
    assert "Tỷ lệ người từ 15 tuổi có tài khoản ngân hàng" in survey.set_index("name").loc["adults_bank_account", "hint::Tiếng Việt (vi)"]
    settings = _sheet(form_path, "settings")
    assert settings["default_language"].tolist() == ["Tiếng Việt (vi)"]


def test_place_choices_follow_the_places_tree(city, form_path):
    choices = _sheet(form_path, "choices")
    tree = city.places.to_dataframe()
    wards = choices[choices["list_name"] == "ward"]
    assert sorted(wards["name"]) == sorted(tree.loc[tree["level"] == 1, "code"])
    groups = choices[choices["list_name"] == "group"]
    parent = dict(zip(tree["code"], tree["parent"]))
    assert len(groups) == (tree["level"] == 3).sum()
    assert all(parent[g] == n for g, n in zip(groups["name"], groups["neighbourhood"]))


def test_english_default_and_modules(tmp_path, city):
    sheets = commdx.xlsform(tmp_path / "en.xlsx", modules=("household",), lang="en")
    assert sheets["settings"][0]["default_language"] == "English (en)"
    names = [r["name"] for r in sheets["survey"]]
    assert "conv_egov" not in names and "business_id" not in names and "members" in names
    assert next(r for r in sheets["survey"] if r["name"] == "ward_code")["type"] == "text"  # no places: typed codes
    xls2xform(xlsform=str(tmp_path / "en.xlsx"), warnings=[])
    biz = commdx.xlsform(tmp_path / "biz.xlsx", modules=("business",), places=city.places)
    assert [r["name"] for r in biz["survey"] if r["name"].endswith("_code") or r["name"] == "business_id"] == \
        ["business_id", "ward_code", "neighbourhood_code", "group_code"]
    xls2xform(xlsform=str(tmp_path / "biz.xlsx"), warnings=[])
    with pytest.raises(commdx.ConfigError, match="unknown module"):
        commdx.xlsform(modules=("households",))
    with pytest.raises(commdx.ConfigError, match="lang"):
        commdx.xlsform(lang="fr")


# ---- the simulated Kobo export -----------------------------------------------------------------

def _sheet(path: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name, dtype=str).fillna("")


def _relevant(expr: str, answers: dict) -> bool:
    """``${x} >= n``, ``${x} = 'v'`` / ``= n``, joined by ``and``: the forms' relevant expressions."""
    for part in re.split(r"\)\s+and\s+\(", expr.strip("()")):
        m = re.fullmatch(r"\$\{(\w+)\}\s*(>=|=)\s*('?)([^']*)\3", part.strip())
        assert m, f"unexpected relevant expression {part!r}"
        value = answers.get(m.group(1), "")
        if value == "":
            return False
        if m.group(2) == ">=":
            if not float(value) >= float(m.group(4)):
                return False
        elif str(value) != m.group(4):
            return False
    return True


def _questions(form_path: Path, group_prefix: str) -> list[tuple[str, str, object]]:
    """(section, export header, survey row) of every question: section "" for the main sheet,
    the repeat's name for a repeat's own sheet."""
    out = []
    path: list[str] = []
    repeat = ""
    for q in _sheet(form_path, "survey").itertuples(index=False):
        if q.type in ("begin_group", "begin_repeat"):
            path.append(group_prefix + q.name)
            repeat = q.name if q.type == "begin_repeat" else repeat
        elif q.type in ("end_group", "end_repeat"):
            path.pop()
            repeat = "" if q.type == "end_repeat" else repeat
        elif q.type not in META_FRONT:
            out.append((repeat, "/".join(path + [q.name]), q))
    return out


def _cells(questions, record: dict, choices: pd.DataFrame, multi: dict) -> dict:
    """The export cells of one record's answers, blank where the form's relevant skips."""
    out: dict[str, object] = {}
    answers: dict[str, str] = {}
    for col, q in questions:
        t, name = q.type, q.name
        asked = not q.relevant or _relevant(q.relevant, answers)
        if t.startswith("select_multiple"):
            opts = choices.loc[choices["list_name"] == t.split()[1], "name"].tolist()
            chosen = [o for o in opts if multi[name].get(o) and record[multi[name][o]] == 1.0]
            text = " ".join(chosen) if chosen else "none"
            out[col] = text if asked else ""
            for o in opts:
                out[f"{col}/{o}"] = (1 if o in text.split() else 0) if asked else ""
            continue
        v = record[name]
        missing = v is None or (isinstance(v, float) and math.isnan(v)) or v == ""
        if not asked or missing:
            cell: object = ""
        elif t == "select_one yes_no":
            cell = "yes" if v == 1.0 else "no"
        elif t == "integer" or t == "select_one likert5":
            cell = int(v)
        else:
            cell = v
        out[col] = cell
        answers[name] = str(cell)
    return out


def kobo_export(form_path: Path, households: pd.DataFrame, group_prefix: str = "",
                businesses: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The main sheet of a Kobo export of the form for these households (text cells, as CSV has
    them) and the business repeat's sheet (each business under the household of its row in
    ``businesses['household']``)."""
    qs = _questions(form_path, group_prefix)
    choices = _sheet(form_path, "choices")
    schema = commdx.survey_schema_json()
    main = [(c, q) for sec, c, q in qs if sec == ""]
    repeat = [(c, q) for sec, c, q in qs if sec == "business"]
    rows, biz = [], []
    for k, h in enumerate(households.to_dict("records"), start=1):
        out: dict[str, object] = {"start": "2026-12-03T08:00:00.000+07:00", "end": "2026-12-03T08:14:00.000+07:00",
                                  "today": "2026-12-03", "deviceid": f"collect:{k:05d}"}
        out.update(_cells(main, h, choices, schema["households"]["select_multiple"]))
        uuid = f"5f0c2a8e-1b1a-4c57-9a0e-{k:012d}"
        out.update({"_id": 4000 + k, "_uuid": uuid, "_submission_time": "2026-12-03T01:14:30",
                    "_validation_status": "", "_notes": "", "_status": "submitted_via_web",
                    "_submitted_by": "to_ward_1", "__version__": "vQ2xz8", "_tags": "", "_index": k})
        rows.append(out)
        if businesses is not None:
            for b in businesses[businesses["household"] == h["household_id"]].to_dict("records"):
                cells = _cells(repeat, b, choices, schema["businesses"]["select_multiple"])
                cells.update({"_index": len(biz) + 1, "_parent_table_name": "Khảo sát hộ", "_parent_index": k,
                              "_submission__id": 4000 + k, "_submission__uuid": uuid,
                              "_submission__submission_time": "2026-12-03T01:14:30"})
                biz.append(cells)
    return pd.DataFrame(rows), pd.DataFrame(biz)


def _expected(households: pd.DataFrame) -> pd.DataFrame:
    return households.drop(columns=DESIGN).reset_index(drop=True)


@pytest.fixture(scope="module")
def sample(city) -> pd.DataFrame:
    return city.households.iloc[::6].reset_index(drop=True)  # 500 households of every ward


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    for c in want.columns:
        a, b = got[c], want[c]
        if pd.api.types.is_numeric_dtype(b):
            np.testing.assert_array_equal(a.to_numpy(float), b.to_numpy(float), err_msg=c)
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), c


@pytest.mark.parametrize("sep,prefix", [(";", ""), (",", "group_")])
def test_kobo_csv_export_reads_back_without_a_mapping(city, form_path, sample, tmp_path, sep, prefix):
    export, _ = kobo_export(form_path, sample, group_prefix=prefix)
    assert f"{prefix}household/apps/vssid" in export.columns and f"{prefix}location/household_id" in export.columns
    path = tmp_path / "kobo.csv"
    export.to_csv(path, sep=sep, index=False, encoding="utf-8")
    got = commdx.read_households(path, places=city.places)
    want = _expected(sample)
    assert len(got) == len(want) == 500
    _same(got, want)
    # the metadata is kept as text, beside the answers, and never a number the estimator could take
    for c in ("_uuid", "_submission_time", "start", "_index", "_id"):
        assert c in got.columns and not pd.api.types.is_numeric_dtype(got[c]), c
    assert got["_uuid"].iloc[2] == "5f0c2a8e-1b1a-4c57-9a0e-000000000003"
    # skipped questions took their implied answers: no smartphone -> no e-wallet, no app
    none = sample["smartphones"] == 0
    assert none.sum() > 10 and (export.loc[none, f"{prefix}household/e_wallet"] == "").all()
    assert (got.loc[none, "e_wallet"] == 0).all() and (got.loc[none, "app_vssid"] == 0).all()
    assert got.loc[sample["has_car"] == 0, "car_etc"].isna().all()


def test_kobo_xlsx_export_reads_back_and_estimates_as_the_original(city, form_path, sample, tmp_path):
    # the businesses of the sampled households' groups, each entered under one household of its group
    first = sample.drop_duplicates("group_code").set_index("group_code")["household_id"]
    businesses = city.businesses[city.businesses["group_code"].isin(first.index)].copy()
    businesses["household"] = businesses["group_code"].map(first)
    assert len(businesses) > 50 and set(businesses["type"]) >= {"enterprise", "farming_household", "shop"}
    export, biz = kobo_export(form_path, sample, businesses=businesses)
    path = tmp_path / "kobo.xlsx"
    with pd.ExcelWriter(path) as xw:
        export.replace("", None).to_excel(xw, index=False, sheet_name="Khảo sát hộ")
        biz.replace("", None).to_excel(xw, index=False, sheet_name="business")
    got = commdx.read_households(path, places=city.places)
    _same(got, _expected(sample))
    # the repeat's sheet: the businesses, their places taken from their household's row
    assert "business/ward_code" not in biz.columns and "business/payments/qr" in biz.columns
    got_b = commdx.read_businesses(path, places=city.places, sheet="business")
    assert len(got_b) == len(businesses)
    want_b = businesses.drop(columns=DESIGN + ["household"]).sort_values("business_id").reset_index(drop=True)
    _same(got_b.sort_values("business_id").reset_index(drop=True), want_b)
    # joined to the sample's design columns on household_id, the estimates are the original's
    design = commdx.SurveyDesign("weight", "stratum", "psu", "fpc")
    joined = got.merge(sample[["household_id", *DESIGN]], on="household_id", validate="one_to_one")
    for v in ("e_wallet", "app_vssid", "bank_account"):
        a = commdx.estimate(joined, design, [v], stat="mean")
        b = commdx.estimate(sample, design, [v], stat="mean")
        assert a["estimate"].tolist() == b["estimate"].tolist() and a["se"].tolist() == b["se"].tolist()


def test_select_multiple_column_and_option_columns_must_agree(city, form_path, sample, tmp_path):
    export, _ = kobo_export(form_path, sample.head(5))
    row = export.index[export["household/apps"] != ""][0]
    export.loc[row, "household/apps/vssid"] = 1 - int(export.loc[row, "household/apps/vssid"])
    path = tmp_path / "bad.csv"
    export.to_csv(path, index=False)
    with pytest.raises(commdx.ValidationError, match=r"household/apps/vssid"):
        commdx.read_households(path, places=city.places)


# ---- the command -------------------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "commdx", "survey", "form", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=300)


def test_survey_form_command_writes_a_form_pyxform_converts(tmp_path):
    out = tmp_path / "form.xlsx"
    res = _cli("--places", "vungtau-2022", "--modules", "household,opinion", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert "Đã ghi bảng hỏi" in res.stdout and str(out) in res.stdout
    survey = _sheet(out, "survey")
    assert "conv_egov" in set(survey["name"]) and "business_id" not in set(survey["name"])
    wards = _sheet(out, "choices").query("list_name == 'ward'")
    assert len(wards) == 17  # Vũng Tàu 2022: 16 wards and Long Sơn commune
    xml = xls2xform(xlsform=str(out), warnings=[]).xform
    assert "/data/household/adults" in xml


def test_survey_form_command_refuses_an_unknown_module_in_one_line(tmp_path):
    res = _cli("--modules", "household,shops", "-o", str(tmp_path / "f.xlsx"), "--lang", "en")
    assert res.returncode == 2
    assert "unknown module(s) 'shops'" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "f.xlsx").exists()


def test_skip_logic_fills_only_blanks_the_form_skipped(city):
    csv = ("household_id,ward_code,members,adults,smartphones,e_wallet,app_vssid,has_car,car_etc,zalo,zalo_neighbourhood_group\n"
           "A,26506,3,2,0,,,0,,,\n"     # no smartphone: e-wallet, app and Zalo skipped -> no; no car -> car_etc missing
           "B,26506,3,2,0,1,,1,,,\n"    # an answer that is there is kept, even against the rule
           "C,26506,3,2,,,,,,1,\n"      # smartphones not answered: nothing is implied
           "D,26506,3,2,2,,,1,1,0,\n")  # asked and left blank: stays missing; zalo no -> group no
    df = commdx.read_households(io.StringIO(csv), places=city.places).set_index("household_id")
    assert df.loc["A", ["e_wallet", "app_vssid", "zalo"]].tolist() == [0.0, 0.0, 0.0]
    assert math.isnan(df.loc["A", "car_etc"]) and df.loc["A", "zalo_neighbourhood_group"] == 0.0
    assert df.loc["B", "e_wallet"] == 1.0 and df.loc["B", "app_vssid"] == 0.0
    assert df.loc["C", ["e_wallet", "app_vssid", "zalo_neighbourhood_group"]].isna().all()
    assert math.isnan(df.loc["D", "e_wallet"]) and df.loc["D", "car_etc"] == 1.0
    assert df.loc["D", "zalo_neighbourhood_group"] == 0.0


def test_a_repeat_row_without_its_household_is_refused_naming_sheet_row_and_column(city, form_path, sample, tmp_path):
    first = sample.drop_duplicates("group_code").set_index("group_code")["household_id"]
    businesses = city.businesses[city.businesses["group_code"].isin(first.index[:3])].copy()
    businesses["household"] = businesses["group_code"].map(first)
    export, biz = kobo_export(form_path, sample.head(40), businesses=businesses)
    biz.loc[1, "_parent_index"] = 999
    path = tmp_path / "kobo.xlsx"
    with pd.ExcelWriter(path) as xw:
        export.replace("", None).to_excel(xw, index=False, sheet_name="Khảo sát hộ")
        biz.replace("", None).to_excel(xw, index=False, sheet_name="business")
    with pytest.raises(commdx.InputError, match=r"kobo\.xlsx \[business\], row 2, column '_parent_index': no row with _index '999'"):
        commdx.read_businesses(path, places=city.places, sheet="business")


def test_the_form_and_the_reader_read_the_skip_rules_through_one_parser():
    # commdx.survey.skip_rules: the reader fills a skipped answer from a rule, the form writes it
    # as `relevant`; a rule the parser refuses is refused by both
    import pandas as pd

    from commdx.survey import _skipped_answers, skip_rules
    from commdx.xlsform import _skip_relevance

    doc = {"columns": [{"name": "smartphones", "type": "integer"}, {"name": "e_wallet", "type": "yes_no"}],
           "skip_logic": [{"ask_when": {"column": "smartphones", "min": 1}, "columns": ["e_wallet"], "otherwise": 0}]}
    (rule,) = skip_rules(doc)
    assert (rule.column, rule.op, rule.value, rule.columns, rule.otherwise) == ("smartphones", "min", 1, ("e_wallet",), 0)
    assert _skip_relevance(doc) == {"e_wallet": "${smartphones} >= 1"}
    filled = _skipped_answers(pd.DataFrame({"smartphones": [0.0, 2.0], "e_wallet": [float("nan")] * 2}), doc)
    assert filled["e_wallet"].iloc[0] == 0 and pd.isna(filled["e_wallet"].iloc[1])
    bad = {**doc, "skip_logic": [{"ask_when": {"column": "smartphones", "above": 1}, "columns": ["e_wallet"]}]}
    for read in (skip_rules, _skip_relevance, lambda d: _skipped_answers(pd.DataFrame({"smartphones": [1.0]}), d)):
        with pytest.raises(commdx.ConfigError, match="skip_logic condition on 'smartphones' needs 'min' or 'equals'"):
            read(bad)
