"""Issue 12: the example city's own files feed the plan. `commdx synth --out D` writes the roster
through the roster type (teams.hpp) and a visit log in the campaign catalogue's action ids, so
`commdx plan --roster D/teams.json --visits D/visits.csv` reads both as they are."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import commdx
from commdx.cli import main

WARD = "26506"  # Phường 1


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    d = tmp_path_factory.mktemp("synth")
    assert main(["synth", "--out", str(d), "--households", "4000", "--seed", "3", "--lang", "en"]) == 0
    return d


def test_plan_learns_from_the_example_citys_own_visit_log(city, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "plan"
    rc = main(["plan", "--households", str(city / "households.csv"), "--roster", str(city / "teams.json"),
               "--visits", str(city / "visits.csv"), "--ward", WARD, "--with-names", "--out", str(out),
               "--lang", "en"])
    err = capsys.readouterr().err
    assert rc == 0, err
    log = pd.read_csv(city / "visits.csv", dtype=str)
    catalogue = commdx.campaign_catalogue()
    ids = {a["id"] for a in catalogue["actions"]}
    contact = set(catalogue["visit_log"]["contact_actions"])
    assert set(log["action"]) <= ids | contact
    # rows without an attempt are counted, not learned from, and the plan says how many
    no_attempt = set(catalogue["visit_log"]["no_attempt"])
    skipped = int((log["action"].isin(contact) | log["outcome"].isin(no_attempt)).sum())
    assert skipped > 0
    assert f"{skipped} visits of the log attempted no action" in err
    # no classes given: every area is central, so a K action's successes over its central
    # segments are exactly the log's adoptions of it (city-wide: the log teaches every ward's plan)
    post = pd.DataFrame(json.loads((out / "plan.json").read_text(encoding="utf-8"))["posteriors"])
    learned = log[~log["action"].isin(contact) & ~log["outcome"].isin(no_attempt)]
    for action in ("K1.online_service", "K2.vneid", "K10.zalo_group"):
        rows = post[(post["action"] == action) & post["segment"].str.startswith("central/")]
        mine = learned[learned["action"] == action]
        assert len(mine) > 0, action
        assert rows["successes"].sum() == (mine["outcome"] == "adopted").sum(), action
        assert rows["failures"].sum() == (mine["outcome"] == "declined").sum(), action


def test_plan_reads_the_synth_roster_as_the_teams_stage_does(city):
    roster = commdx.read_roster(city / "teams.json")
    as_csv = commdx.read_roster(city / "teams.csv")
    assert roster == as_csv
    plan = commdx.plan_outreach(pd.read_csv(city / "households.csv", dtype={"household_id": str, "ward_code": str,
                                                                           "neighbourhood_code": str, "group_code": str}),
                                roster, ward=WARD, with_names=True)
    # no dates given: the catalogue's campaign period
    period = commdx.campaign_catalogue()["period"]
    assert (plan.summary["start"], plan.summary["deadline"]) == (period["start"], period["end"])
    members = {m.id for t in roster.teams if t.unit.startswith(WARD) for m in t.members}
    assigned = set(plan.visits.loc[plan.visits["status"] == "scheduled", "member_id"])
    assert assigned and assigned <= members


def test_unknown_visit_outcome_is_refused_naming_row_and_column(city, tmp_path, capsys):
    log = pd.read_csv(city / "visits.csv", dtype=str)
    log.loc[2, "outcome"] = "maybe"
    log.to_csv(tmp_path / "visits.csv", index=False)
    capsys.readouterr()
    rc = main(["plan", "--households", str(city / "households.csv"), "--roster", str(city / "teams.json"),
               "--visits", str(tmp_path / "visits.csv"), "--ward", WARD, "--with-names",
               "--out", str(tmp_path / "plan"), "--lang", "en"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "outcome" in err and "'maybe'" in err
