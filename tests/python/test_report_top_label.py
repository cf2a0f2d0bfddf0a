"""Issue 13: the report's top unit is labelled by its level in the places tree, not "toàn thành
phố" / "the whole city" whatever the tree: a tree rooted at the country that leads to one commune
(``Places.vietnam().subtree(CODE)``) is the commune's report, Ho Chi Minh City's is a city's, a
tree of two provinces is the country's."""
from __future__ import annotations

import pandas as pd
import pytest

import commdx
from commdx import Places

START = "2026-01-05"


def _report(tmp_path, tree, lang: str, households: int = 400):
    data = tmp_path / "data"
    commdx.synth.write(data, places=tree, households=households, seed=1, start=START)
    month = str(pd.to_datetime(pd.read_csv(data / "visits.csv")["date"]).max())[:7]
    return commdx.monthly_report(month, data, lang=lang, charts=False)


@pytest.mark.parametrize("lang, label", [("vi", "toàn xã"), ("en", "the whole commune")])
def test_a_country_tree_of_one_commune_is_the_communes_report(tmp_path, lang, label):
    rep = _report(tmp_path, Places.vietnam().subtree("32167"), lang)  # VN → Tỉnh Cà Mau → Xã Tân Thuận
    assert rep.unit == "VN" and rep.unit_name == label
    ind = rep.tables["indicators"]
    assert set(ind.loc[ind["unit"] == "", "unit_name"]) == {label}
    md = rep.to_markdown()
    assert label in md and "toàn thành phố" not in md and "the whole city" not in md


def test_ho_chi_minh_city_is_a_city(tmp_path):
    assert _report(tmp_path, Places.vung_tau_2025(), "vi", households=1000).unit_name == "toàn thành phố"


def test_two_provinces_are_the_country(tmp_path):
    two = Places.from_dataframe(pd.DataFrame({
        "code": ["VN", "96", "32167", "01", "00070"],
        "name": ["Việt Nam", "Tỉnh Cà Mau", "Xã Tân Thuận", "Thành phố Hà Nội", "Phường Hoàn Kiếm"],
        "kind": ["country", "province", "commune", "province", "ward"],
        "parent": ["", "VN", "96", "VN", "01"]}))
    rep = _report(tmp_path, two, "en")
    assert rep.unit_name == "the whole country"
