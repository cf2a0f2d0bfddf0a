"""An action's "places" (campaigns.json): the shipped catalogue offers Vũng Tàu's own app
(K2.vungtauioc) in Vũng Tàu only, in its 2022 wards and in its five units of 2025, never in a
commune of another province (issue 13); a city's catalogue may scope an action to a province, which
holds for the communes under it when the places tree is given."""
from __future__ import annotations

import copy

import pandas as pd
import pytest

import commdx
from commdx.plan import campaign_catalogue
from test_plan import KEY, roster, ward

IOC = "K2.vungtauioc"


def households_in(code: str) -> pd.DataFrame:
    """test_plan's ward moved to unit ``code``, with the app column (nobody has the app yet)."""
    h = ward()
    h["household_id"] = h["household_id"].str.replace("26506", code)
    for col in ("ward_code", "neighbourhood_code", "group_code"):
        h[col] = h[col].str.replace("26506", code)
    h["app_vungtauioc"] = 0
    return h


def team_in(code: str) -> dict:
    r = roster(hours=(4, 4, 4, 4))
    r["teams"][0].update(id=f"T-{code}", unit=code)
    return r


def offered(plan, action: str = IOC) -> int:
    """Households the plan considers for the action (the visits table lists every candidate)."""
    return int(plan.visits["eligible_actions"].str.split(";").apply(lambda a: action in [x.strip() for x in a]).sum())


def plan_in(code: str, **kw):
    return commdx.plan_outreach(households_in(code), team_in(code), "2026-02-09", "2026-03-31", key=KEY, **kw)


@pytest.mark.parametrize("code", ["26508", "26545", "26536"])
def test_the_city_app_is_offered_in_vung_tau_2022_and_2025(code):
    # 26508 Phường Thắng Tam (2022 only); 26545 Xã Long Sơn and 26536 (Phường 10 in 2022, Phường
    # Rạch Dừa since 2025): codes of both trees
    plan = plan_in(code)
    assert offered(plan) > 0
    assert IOC in set(plan.posteriors["action"])
    assert offered(plan, "K2.vssid") > 0  # the other apps as everywhere


def test_the_city_app_is_never_offered_in_a_commune_of_another_province():
    plan = plan_in("32167", places=commdx.Places.vietnam())  # Xã Tân Thuận, Tỉnh Cà Mau
    assert offered(plan) == 0 and offered(plan, "K2.vssid") > 0
    assert IOC not in set(plan.posteriors["action"])  # nor listed among the catalogue's actions here
    assert not any(IOC in str(m) for m in plan.messages)


def test_an_action_scoped_to_a_province_holds_for_its_communes_through_the_places_tree():
    cat = copy.deepcopy(campaign_catalogue())
    (ioc,) = [a for a in cat["actions"] if a["id"] == IOC]
    ioc["places"] = ["96"]  # Tỉnh Cà Mau
    with_tree = plan_in("32167", places=commdx.Places.vietnam(), catalogue=cat)
    assert offered(with_tree) > 0
    # without the tree the household's codes are all there is: 32167 is not 96
    assert offered(plan_in("32167", catalogue=cat)) == 0
    # another province's commune (Phường Hoàn Kiếm, Hà Nội) does not get it
    assert offered(plan_in("00070", places=commdx.Places.vietnam(), catalogue=cat)) == 0
