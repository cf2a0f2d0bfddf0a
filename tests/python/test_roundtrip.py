"""Issue 12: every config and result type with a Python JSON form round-trips (write -> text ->
read gives an equal value), on the example city's own outputs, and a malformed document is a
commdx.ConfigError naming the field. The C++ side is tests/cpp/test_roundtrip.cpp."""
from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

import commdx
from commdx.errors import ConfigError
from commdx.plan import Plan, plan_outreach
from commdx.scores import CompositeIndex
from commdx.teams import TeamCoverage, team_coverage


@pytest.fixture(scope="module")
def city():
    return commdx.synth.city(households=1500, seed=7)


@pytest.fixture(scope="module")
def plan(city):
    return plan_outreach(city.sample, city.roster, "2022-07-21", "2022-12-31", places=city.places,
                         key=b"\x5a" * 32)


def through_text(obj):
    return json.loads(json.dumps(obj, ensure_ascii=False))


def test_plan_round_trips(plan):
    written = through_text(plan.to_json())
    back = Plan.from_json(written, "plan.json")
    assert len(plan.visits) > 0 and len(plan.schedule) > 0
    for name in Plan.TABLES:
        ours, theirs = getattr(plan, name), getattr(back, name)
        if len(ours) == 0:  # records of no rows carry no columns (Python's plan.json has no "columns")
            assert len(theirs) == 0
            continue
        pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs, check_dtype=False, obj=name)
    assert back.messages == plan.messages
    assert back.summary == through_text(plan.summary)
    assert through_text(back.to_json()) == written


@pytest.mark.parametrize("breakage, field", [
    (lambda j: j.pop("visits"), "/visits"),
    (lambda j: j.__setitem__("schedule", "none"), "/schedule"),
    (lambda j: j["visits"][0].pop(next(iter(j["visits"][0]))), "/visits/"),
    (lambda j: j.__setitem__("gap", "small"), "/gap"),
])
def test_malformed_plan_is_a_config_error_naming_the_field(plan, breakage, field):
    broken = copy.deepcopy(through_text(plan.to_json()))
    breakage(broken)
    with pytest.raises(ConfigError) as e:
        Plan.from_json(broken, "broken.json")
    assert e.value.file == "broken.json"
    assert e.value.column.startswith(field)


def test_team_coverage_round_trips(city):
    cov = team_coverage(city.roster, city.places)
    assert len(cov.neighbourhoods) > 0
    back = TeamCoverage.from_json(through_text(cov.to_json()))
    assert back.deadline == cov.deadline
    for name in ("neighbourhoods", "groups", "wards"):
        pd.testing.assert_frame_equal(getattr(cov, name), getattr(back, name), obj=name)


def test_composite_index_round_trips_and_scores_the_same():
    idx = CompositeIndex.from_json("readiness")
    back = CompositeIndex.from_json(json.loads(idx.to_json()))
    assert back.config == idx.config
    assert back.name == idx.name


def test_malformed_composite_index_names_the_field():
    cfg = CompositeIndex.from_json("readiness").config
    cfg["indicators"] = "none"
    with pytest.raises((ConfigError, commdx.ConfigError)) as e:  # raised by _core's reader
        CompositeIndex.from_json(cfg)
    assert "indicators" in str(e.value)


def test_places_round_trip(city):
    places = city.places
    back = commdx.Places.from_json(through_text(places.to_json()))
    pd.testing.assert_frame_equal(back.to_dataframe(), places.to_dataframe())
