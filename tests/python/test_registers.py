"""K10 (channels) and K5 (events) registers (issue 16): the example city's registers as commdx synth
writes them, checked by the core (include/commdx/report/registers.hpp) and counted again here with
pandas from the raw CSV and the places tree; refusals name the file, row and column."""
from __future__ import annotations

import pandas as pd
import pytest

import commdx
from commdx.cli import main
from commdx.registers import channels_section, events_section

MONTH = "2022-10"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    d = tmp_path_factory.mktemp("synth")
    assert main(["synth", "--out", str(d), "--households", "4000", "--seed", "5", "--lang", "en"]) == 0
    places = pd.read_csv(d / "places.csv", dtype=str)
    return d, places


def _read(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.attrs["source"] = str(path)
    return df


def test_channels_counted_as_the_raw_register_says(city):
    d, places = city
    reg = _read(d / "channels.csv")
    assert set(reg["kind"]) == {"zalo_oa", "fanpage", "zalo_group"}
    res = channels_section(reg, places, MONTH)
    wards = places[places["kind"].isin(["ward", "commune"])]
    assert list(res["wards"]["ward"]) == list(wards["code"])
    open_ = reg[reg["opened"].str[:7] <= MONTH]
    groups = open_[open_["kind"] == "zalo_group"]
    parent = places.set_index("code")["parent"]
    hood_ward = groups["unit"].map(parent)
    for _, w in res["wards"].iterrows():
        mine = groups[hood_ward == w["ward"]]
        assert w["with_group"] == mine["unit"].nunique()
        full = mine[(mine["board_in_group"] == "1") & (mine["youth_secretary_in_group"] == "1")]
        assert w["complete_groups"] == full["unit"].nunique()
        assert w["neighbourhoods"] == int((places["parent"] == w["ward"]).sum() -
                                          places[places["parent"] == w["ward"]]["kind"].eq("residential_group").sum())
        assert w["zalo_oa"] == bool(((open_["unit"] == w["ward"]) & (open_["kind"] == "zalo_oa")).any())
    assert res["channels"] == len(open_)
    quiet = open_[open_["last_post"].str[:7] != MONTH]
    assert list(res["silent"]["unit"]) == list(quiet["unit"])
    # the register has gaps for the report to name: neighbourhoods without a group, quiet channels
    assert (~res["neighbourhoods"]["group"]).any() and len(res["silent"]) > 0
    one = channels_section(reg, places, MONTH, ward=wards["code"].iloc[0])
    assert len(one["wards"]) == 1 and set(one["neighbourhoods"]["ward"]) == {wards["code"].iloc[0]}


def test_events_counted_as_the_raw_log_says(city):
    d, places = city
    log = _read(d / "events.csv")  # every column as text, participants too
    res = events_section(log, places, MONTH)
    log["participants"] = pd.to_numeric(log["participants"])
    upto = log[log["date"].str[:7] <= MONTH]
    month = log[log["date"].str[:7] == MONTH]
    w = res["wards"].set_index("ward")
    assert w["to_date_events"].sum() == len(upto)
    assert w["month_events"].sum() == len(month) == len(res["month_events"])
    assert w["month_participants"].sum() == month["participants"].sum()
    for p in commdx.registers.EVENT_PARTNERS:
        assert w[f"to_date_{p}"].sum() == (upto["partner_type"] == p).sum()
    banked = set(upto.loc[upto["partner_type"] == "bank", "ward_code"])
    assert set(res["no_bank_event"]) == set(w.index) - banked
    assert list(res["month_events"]["date"]) == sorted(month["date"])


def test_a_register_row_that_cannot_be_right_is_refused_naming_the_cell(city, tmp_path):
    d, places = city
    reg = _read(d / "channels.csv")
    reg.loc[3, "kind"] = "tiktok"
    with pytest.raises(commdx.InputError, match=r"channels.csv, row 4, column 'kind': 'tiktok': expected one of") as e:
        channels_section(reg, places, MONTH)
    assert e.value.id == "commdx.registers.kind" and e.value.row == 4
    log = _read(d / "events.csv")
    log.loc[0, "ward_code"] = "99999"
    with pytest.raises(commdx.InputError, match=r"row 1, column 'ward_code', unit 99999") as e:
        events_section(log, places, MONTH)
    assert e.value.id == "commdx.registers.unit"
    log = _read(d / "events.csv")
    log.loc[0, "participants"] = "nhiều"
    with pytest.raises(commdx.InputError, match=r"events.csv, row 1, column 'participants': 'nhiều': expected a number"):
        events_section(log, places, MONTH)
