"""Issue 12: one indicator catalogue, each target written once, in data.

The shipped data and the code are searched as files (what ``grep`` finds): every indicator's
definition and target live in ``python/commdx/data/indicators.json``; the plan's campaign catalogue
and the report's config only refer to its ids, and their readers refuse an id it does not hold,
naming the file and the id.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import commdx
import commdx.report

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "python" / "commdx" / "data"
CATALOGUE = DATA / "indicators.json"
# the code that could hold a second copy: the package, the C++ headers and bindings, the examples
CODE = [p for d in ("python/commdx", "include", "src", "examples") for p in (ROOT / d).rglob("*")
        if p.is_file() and p.suffix in {".py", ".hpp", ".cpp", ".h", ".pyi"}]
SHIPPED = sorted(DATA.glob("*.json"))
# what defines an indicator (the catalogue's schema): an object with these keys is a definition
DEFINING = {"numerator", "denominator", "target_date", "target_source", "target_source_vi", "target_source_en"}


def _catalogue() -> list[dict]:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))["indicators"]


def _objects(doc):
    if isinstance(doc, dict):
        yield doc
        for v in doc.values():
            yield from _objects(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from _objects(v)


def _files_holding(text: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in SHIPPED + CODE if text in p.read_text(encoding="utf-8", errors="replace"))


def test_the_shipped_catalogue_sets_targets_with_their_source_in_both_languages() -> None:
    targeted = [i for i in _catalogue() if i.get("target") is not None]
    assert {i["id"] for i in targeted} >= {"adults_bank_account", "adults_smartphone", "online_public_service",
                                           "population_aware_postmart_voso", "enterprise_e_invoice"}
    for i in targeted:
        assert i["target_source_vi"] and i["target_source_en"], i["id"]
    bank = next(i for i in targeted if i["id"] == "adults_bank_account")
    assert (bank["target"], bank["target_date"]) == (0.8, "2025-12-31")
    assert bank["target_source_vi"].startswith("Quyết định 411/QĐ-TTg (2022)")


@pytest.mark.parametrize("field", ["target_source_vi", "target_source_en"])
def test_each_target_source_is_written_in_exactly_one_file(field: str) -> None:
    for text in {i[field] for i in _catalogue() if i.get(field)}:
        assert _files_holding(text) == ["python/commdx/data/indicators.json"], text


def test_no_second_indicator_catalogue_schema_in_the_shipped_data() -> None:
    for path in SHIPPED:
        if path == CATALOGUE:
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        defining = [sorted(DEFINING & set(o)) for o in _objects(doc) if DEFINING & set(o)]
        assert not defining, f"{path.name} defines indicators ({defining[:3]}): refer to ids of indicators.json"
    # the campaign catalogue and the report config refer to the catalogue's ids, and nothing else
    ids = {i["id"] for i in _catalogue()}
    campaigns = json.loads((DATA / "campaigns.json").read_text(encoding="utf-8"))
    assert "indicators" not in campaigns
    assert set(campaigns["indicator_weights"]) <= ids
    assert all(isinstance(w, (int, float)) for w in campaigns["indicator_weights"].values())
    assert {m["indicator"] for a in campaigns["actions"] for m in a.get("moves", [])} <= set(campaigns["indicator_weights"])
    report = json.loads((DATA / "report-config.json").read_text(encoding="utf-8"))
    assert all(isinstance(i, str) for i in report["indicators"]) and set(report["indicators"]) <= ids
    assert set(report["headline"]) <= set(report["indicators"])


def test_no_code_repeats_a_target_date() -> None:
    dates = {i["target_date"] for i in _catalogue() if i.get("target_date")}
    assert dates >= {"2025-12-31", "2022-12-31"}
    for d in dates:
        assert not [p for p in _files_holding(d) if not p.startswith("python/commdx/data/")], d


def test_a_catalogue_with_the_old_single_language_source_is_refused_naming_the_field() -> None:
    cat = commdx.indicator_catalogue()
    cat["indicators"] = [dict(cat["indicators"][0], target_source="Decision 411")]
    with pytest.raises(commdx.ConfigError, match=r"column 'target_source', unit adults_bank_account: .*target_source_vi"):
        commdx._core._check_catalogue(cat, "city-indicators.json")


def test_the_report_takes_definitions_labels_and_targets_from_the_catalogue() -> None:
    defs = {d["id"]: d for d in commdx.report._indicator_defs(commdx.report.load_report_config())}
    cat = {i["id"]: i for i in _catalogue()}
    bank = defs["adults_bank_account"]
    assert (bank["numerator"], bank["denominator"]) == ("adults_bank_account", "adults")
    assert (bank["target"], bank["target_date"]) == (0.8, "2025-12-31")
    assert bank["target_source_en"] == cat["adults_bank_account"]["target_source_en"]
    assert defs["households_bank_account"]["numerator"] == "bank_account"
    assert defs["car_etc"]["where"] == [{"column": "has_car", "in": ["1"]}]
    assert defs["e_wallet"]["label_vi"] == cat["e_wallet"]["label_vi"]


def test_an_unknown_id_in_the_report_config_names_the_file_and_the_id(tmp_path: Path) -> None:
    cfg = commdx.report.load_report_config()
    path = tmp_path / "city-report.json"
    path.write_text(json.dumps({"indicators": cfg["indicators"] + ["bank_acount"]}), encoding="utf-8")
    with pytest.raises(commdx.ConfigError, match=r"city-report.json, field 'indicators', row 21, unit bank_acount: "
                                                 r"no indicator 'bank_acount' in the indicator catalogue indicators.json"):
        commdx.report.load_report_config(path)
    # a definition instead of an id (the old schema) is refused too, pointing to the catalogue
    path.write_text(json.dumps({"indicators": [{"id": "e_wallet", "numerator": "e_wallet", "target": 0.5}]}), encoding="utf-8")
    with pytest.raises(commdx.ConfigError, match=r"row 1: expected an indicator id of indicators.json"):
        commdx.report.load_report_config(path)


def test_an_unknown_id_in_the_campaign_catalogue_names_the_file_and_the_id(tmp_path: Path) -> None:
    cat = commdx.plan.campaign_catalogue()
    cat["indicator_weights"]["bank_acount"] = 1.0
    with pytest.raises(commdx.ConfigError, match=r"city-campaigns.json.*bank_acount.*"
                                                 r"'bank_acount' is not in the indicator catalogue \(indicators.json\)"):
        commdx._core._check_campaign_catalogue(cat, "city-campaigns.json")
    old = commdx.plan.campaign_catalogue()
    old["indicators"] = {"e_wallet": {"table": "households", "numerator": "e_wallet", "weight": 1.0}}
    with pytest.raises(commdx.ConfigError, match=r"city-campaigns.json.*defines no indicators.*indicator_weights"):
        commdx._core._check_campaign_catalogue(old, "city-campaigns.json")
    moves = commdx.plan.campaign_catalogue()
    del moves["indicator_weights"]["e_wallet"]
    with pytest.raises(commdx.ConfigError, match=r"moves indicator 'e_wallet'.*indicator_weights"):
        commdx._core._check_campaign_catalogue(moves, "city-campaigns.json")


def test_the_plan_and_the_estimation_stage_compute_an_indicator_alike() -> None:
    # The demo's golden outputs: the businesses table is a census (weight 1) that both stages read,
    # so one definition gives the plan's current value and domain size as the estimation stage's
    # city estimate and n (before issue 12 the plan's own copy covered 212 of the 222 businesses
    # for business_qr, and 23 for business_sells_online).
    import pandas as pd

    golden = ROOT / "tests" / "data" / "golden" / "demo"
    plan = pd.read_csv(golden / "plan" / "indicators.csv").set_index("indicator")
    est = pd.read_csv(golden / "indicators" / "indicators-baseline.csv", dtype={"unit": str})
    est = est[est["level"] == "city"].set_index("indicator")
    business = [i for i in plan.index if plan.loc[i, "table"] == "businesses"]
    assert {"business_qr", "business_sells_online", "enterprise_e_invoice", "lodging_website"} <= set(business)
    for i in business:
        assert plan.loc[i, "denominator"] == est.loc[i, "n"], i
        assert plan.loc[i, "current"] == pytest.approx(est.loc[i, "estimate"], rel=1e-12), i
