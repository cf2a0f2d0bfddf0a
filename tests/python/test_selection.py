"""Issue 14, selection: ``commdx.select_sample`` on the example city's household list, the selected
households surveyed (their values taken from the city) and estimated through ``commdx.estimate``
with the design columns the selection wrote; ``commdx survey select`` as a user runs it (sample
file, reserves, one visit list per group with pseudonyms under the ward's key), and its bad inputs
named by file, row, column and group."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx
from commdx import _core

DESIGN_COLUMNS = ["stratum", "psu", "weight", "fpc", "round"]  # the census design of households.csv


@pytest.fixture(scope="module")
def city():
    return commdx.synth.city(households=20000, seed=3)


@pytest.fixture(scope="module")
def answers(city) -> pd.DataFrame:
    """What the interviews would record: the city's household values, without its census design."""
    return city.households.drop(columns=DESIGN_COLUMNS)


def surveyed(sel: commdx.Selection, answers: pd.DataFrame) -> pd.DataFrame:
    return sel.sample.merge(answers.drop(columns=["ward_code", "group_code"]), on="household_id", how="left",
                            validate="one_to_one")


def test_weights_add_up_to_each_wards_households(city):
    # Sizes are the listed households, so the PPS weights are self-weighting: a non-certainty
    # household weighs sum(x)/(n' m) and the sampled ones add up to the ward's non-certainty
    # households exactly; a certainty group's m households weigh N_g/m each. Every ward's weights
    # therefore sum to its number of households, whatever groups are drawn.
    hh = city.households
    sel = commdx.select_sample(hh, n=6, m=8, reserves=3, seed=11)
    per_ward = hh.groupby("ward_code").size()
    got = sel.sample.groupby("ward_code")["weight"].sum()
    np.testing.assert_allclose(got[per_ward.index], per_ward, rtol=1e-12)
    assert (sel.groups.groupby("ward_code")["selected"].sum() == 6).all()
    np.testing.assert_allclose(sel.groups.groupby("ward_code")["pi"].sum(), 6, rtol=1e-12)
    assert len(sel.sample) == 6 * 8 * hh["ward_code"].nunique()
    np.testing.assert_allclose(sel.sample["weight"], 1 / sel.sample["pi"], rtol=1e-14)
    # reserves: 3 per drawn group, ranked, never a sampled household, from the same group
    assert len(sel.reserves) == 3 * len(sel.sample) // 8
    assert not set(sel.reserves["household_id"]) & set(sel.sample["household_id"])
    assert sel.reserves.groupby(["ward_code", "group_code"])["rank"].apply(list).map(lambda r: r == [1, 2, 3]).all()
    members = hh.set_index("household_id")["group_code"]
    assert (members[sel.reserves["household_id"]].to_numpy() == sel.reserves["group_code"].to_numpy()).all()
    # the same seed, the same sample
    again = commdx.select_sample(hh, n=6, m=8, reserves=3, seed=11)
    pd.testing.assert_frame_equal(sel.sample, again.sample)


def test_certainty_groups_are_strata_of_their_own(city):
    hh = city.households
    groups = hh[hh["ward_code"] == "26506"]["group_code"].nunique()
    n = {w: (int(np.ceil(0.8 * groups)) if w == "26506" else 3) for w in hh["ward_code"].unique()}  # 26506: 80%
    sel = commdx.select_sample(hh, n=n, m=0, seed=2, method="systematic")  # every household: one-stage, with fpc
    g = sel.groups
    sure = g[g["certainty"]]
    assert len(sure) > 0 and (sure["ward_code"] == "26506").all() and sure["selected"].all()
    s = sel.sample[sel.sample["certainty"]]
    assert (s["stratum"] == s["ward_code"] + "/" + s["group_code"]).all()
    assert (s["psu"] == s["household_id"]).all()
    listed = g.set_index("group_code")["listed"]
    assert (s["fpc"].to_numpy() == listed[s["group_code"]].to_numpy()).all()
    rest = sel.sample[~sel.sample["certainty"] & (sel.sample["ward_code"] == "26506")]
    ordinary = int(((g["ward_code"] == "26506") & ~g["certainty"] & (g["size"] > 0)).sum())
    assert (rest["fpc"] == ordinary).all() and (rest["stratum"] == "26506").all()
    # the design estimates: ward counts exact, as above
    est = commdx.estimate(sel.sample.assign(one=1.0), sel.design, "one", stat="total", by="ward_code")
    np.testing.assert_allclose(est.set_index("ward_code")["estimate"], hh.groupby("ward_code").size(), rtol=1e-12)


@pytest.mark.parametrize("m", [10, 0])  # subsampled (no fpc) and one-stage (fpc)
def test_selected_sample_estimates_through_estimate(city, answers, m):
    """200 samples selected by the library, surveyed and estimated with the design it wrote: the
    mean estimate within 3 Monte Carlo SEs of the population value, and the 95% intervals covering
    it in 90-99% of the samples (about 2 binomial SEs around 95% at 200 samples)."""
    pop = answers["bank_account"].mean()
    pop_members = answers["members"].sum()
    est, se, tot = [], [], []
    for seed in range(1, 201):
        sel = commdx.select_sample(answers, n=6, m=m, seed=seed)
        assert ("fpc" in sel.sample.columns) == (m == 0) and sel.design.fpc == ("fpc" if m == 0 else None)
        df = surveyed(sel, answers)
        assert df["bank_account"].notna().all()
        e = commdx.estimate(df, sel.design, "bank_account").iloc[0]
        t = commdx.estimate(df, sel.design, "members", stat="total").iloc[0]
        est.append(e["estimate"])
        se.append(e["se"])
        tot.append(t["estimate"])
    est, se, tot = np.array(est), np.array(se), np.array(tot)
    assert abs(est.mean() - pop) < 3 * est.std(ddof=1) / np.sqrt(len(est)), (est.mean(), pop)
    assert abs(tot.mean() - pop_members) < 3 * tot.std(ddof=1) / np.sqrt(len(tot)), (tot.mean(), pop_members)
    covered = np.mean(np.abs(est - pop) <= 1.959964 * se)
    assert 0.90 <= covered <= 0.99, covered
    # by ward too: the design's domains
    sel = commdx.select_sample(answers, n=6, m=10, seed=5)
    by = commdx.estimate(surveyed(sel, answers), sel.design, "bank_account", by="ward_code")
    assert len(by) == answers["ward_code"].nunique() and (by["se"] > 0).all()


def test_python_errors_name_the_place(city):
    hh = city.households
    with pytest.raises(commdx.InputError) as e:
        commdx.select_sample(hh.drop(columns=["group_code"]), n=2)
    assert e.value.column == "group_code" and e.value.file == "households"
    with pytest.raises(commdx.ConfigError) as e:
        commdx.select_sample(hh, n=2, m=1000)
    assert e.value.column == "group_code" and e.value.unit and "1000" in str(e.value)
    with pytest.raises(commdx.ConfigError) as e:
        commdx.select_sample(hh, n=10_000)
    assert e.value.unit in set(hh["ward_code"])
    with pytest.raises(commdx.ConfigError) as e:
        commdx.select_sample(hh, n={"26506": 2})
    assert e.value.unit is not None and e.value.unit != "26506"


def test_inclusion_probabilities_by_hand():
    # 40, 10, 10, 20, 20 with n = 3: the 40 is certain, the rest share 2 (docs/selection.md)
    pi, sure = commdx.inclusion_probabilities([40, 10, 10, 20, 20], 3)
    np.testing.assert_allclose(pi, [1, 1 / 3, 1 / 3, 2 / 3, 2 / 3], rtol=1e-15)
    assert sure == [True, False, False, False, False]


# ---- the command line ----

def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "commdx", "survey", "select", *args], capture_output=True, text=True,
                          encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8", **(env or {})), timeout=300)


@pytest.fixture(scope="module")
def listing(city, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("list") / "households.csv"
    city.households.to_csv(path, index=False)
    return path


def test_cli_writes_sample_reserves_and_visit_lists(city, listing, tmp_path):
    from openpyxl import load_workbook

    store = tmp_path / "keys"
    wards = sorted(city.households["ward_code"].unique())
    for w in wards:
        commdx.keys.create(w, store)
    alloc = tmp_path / "alloc.csv"
    # households per ward, as commdx survey allocate writes them: 11 households at 6 a group = 2 groups
    pd.DataFrame({"stratum": wards, "n": [11] * len(wards)}).to_csv(alloc, index=False)
    out = tmp_path / "out"
    res = run("--households", str(listing), "--allocation", str(alloc), "--households-per-group", "6",
              "--reserves", "2", "--seed", "4", "--out", str(out), env={"COMMDX_KEY_STORE": str(store)})
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Đã chọn "), res.stdout
    sample = pd.read_csv(out / "sample.csv", dtype={"ward_code": str, "stratum": str}, encoding="utf-8-sig")
    want = commdx.select_sample(city.households, n=2, m=6, reserves=2, seed=4)
    key = {w: commdx.keys.load(w, store) for w in wards}
    ids = [_core._plan_pseudonym(key[w], h) for w, h in zip(want.sample["ward_code"], want.sample["household_id"])]
    assert sample["household_id"].tolist() == ids  # pseudonyms, the same as commdx plan shows
    assert not set(sample["household_id"]) & set(city.households["household_id"])
    np.testing.assert_allclose(sample["weight"], want.sample["weight"], rtol=1e-15)
    assert len(pd.read_csv(out / "reserves.csv")) == 2 * 2 * len(wards)
    lists = sorted((out / "visit-lists").rglob("*.xlsx"))
    assert len(lists) == 2 * len(wards)
    ws = load_workbook(lists[0]).active
    # a title block naming the group and ward, the rule for reserves, a line for the interviewer
    assert ws["A1"].value.startswith("DANH SÁCH HỘ KHẢO SÁT: ") and "6 hộ mẫu, 2 hộ dự phòng" in ws["A2"].value
    assert "hạt giống 4" in ws["A2"].value and "Dự phòng 1 trước" in ws["A3"].value
    assert ws["A4"].value.startswith("Người phỏng vấn:")
    first = 6  # the header is row 5
    header = [c.value for c in ws[first - 1]]
    assert header[:4] == ["STT", "Mã hộ", "Số thứ tự trong danh sách của tổ", "Loại"], header
    assert header[-2:] == ["Kết quả (đã phỏng vấn / vắng nhà / từ chối)", "Ghi chú"]
    assert ws.freeze_panes == "A6" and ws.column_dimensions["B"].width >= 20
    # printable: A4, fitted to the width, the header repeated on every page
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1  # 9: A4 in OOXML
    assert ws.print_title_rows == "$5:$5"
    roles = [ws.cell(row=r, column=4).value for r in range(first, ws.max_row + 1)]
    assert roles == ["Mẫu"] * 6 + ["Dự phòng 1", "Dự phòng 2"]
    assert all(str(ws.cell(row=r, column=2).value).startswith("P-") for r in range(first, ws.max_row + 1))
    # the sample file, surveyed under its pseudonyms, estimates through commdx.estimate
    answers = city.households.drop(columns=DESIGN_COLUMNS + ["ward_code", "group_code"])
    answers["household_id"] = [_core._plan_pseudonym(key[w], h)
                               for w, h in zip(city.households["ward_code"], city.households["household_id"])]
    df = sample.merge(answers, on="household_id", validate="one_to_one")
    e = commdx.estimate(df, commdx.SurveyDesign.default_for(df), "members", stat="total", by="ward_code")
    direct = commdx.estimate(surveyed(want, city.households.drop(columns=DESIGN_COLUMNS)), want.design, "members",
                             stat="total", by="ward_code")
    np.testing.assert_allclose(e["estimate"], direct["estimate"], rtol=1e-12)
    np.testing.assert_allclose(e["se"], direct["se"], rtol=1e-12, atol=1e-9)
    assert e["se"].notna().all() and (e["se"] > 0).sum() >= len(e) - 2  # 2 PSUs a ward: equal totals give 0


def test_cli_with_names_in_english(city, listing, tmp_path):
    out = tmp_path / "named"
    res = run("--households", str(listing), "--groups-per-ward", "1", "--households-per-group", "3", "--with-names",
              "--out", str(out), "--lang", "en")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Selected "), res.stdout
    sample = pd.read_csv(out / "sample.csv", encoding="utf-8-sig")
    assert sample["household_id"].str.startswith("H").all()
    # with --places the visit lists name the group and the ward
    places = tmp_path / "places.csv"
    city.places.to_dataframe().to_csv(places, index=False)
    res = run("--households", str(listing), "--groups-per-ward", "1", "--households-per-group", "3", "--with-names",
              "--places", str(places), "--out", str(tmp_path / "titled"), "--lang", "en")
    assert res.returncode == 0, res.stderr
    from openpyxl import load_workbook

    ws = load_workbook(next((tmp_path / "titled" / "visit-lists" / "26506").glob("*.xlsx"))).active
    assert ws["A1"].value.startswith("SURVEY VISIT LIST: ") and ws["A2"].value.startswith("Phường 1 (26506) · 3 sampled")


def test_cli_bad_inputs_name_file_row_column(city, listing, tmp_path):
    bad = tmp_path / "no_group.csv"
    city.households.drop(columns=["group_code"]).to_csv(bad, index=False)
    res = run("--households", str(bad), "--groups-per-ward", "2", "--with-names", "--out", str(tmp_path / "o1"),
              "--lang", "en")
    assert res.returncode == 2 and "no_group.csv" in res.stderr and "group_code" in res.stderr, res.stderr
    res = run("--households", str(listing), "--groups-per-ward", "2", "--households-per-group", "500",
              "--with-names", "--out", str(tmp_path / "o2"))
    assert res.returncode == 2, res.stderr
    assert "households.csv" in res.stderr and "group_code" in res.stderr and "500" in res.stderr, res.stderr
    assert not (tmp_path / "o2").exists()
    alloc = tmp_path / "alloc.csv"
    alloc.write_text("stratum,n\n26506,2\n26508,two\n", encoding="utf-8")
    res = run("--households", str(listing), "--allocation", str(alloc), "--with-names", "--out", str(tmp_path / "o3"),
              "--lang", "en")
    assert res.returncode == 2 and "alloc.csv" in res.stderr and "'n'" in res.stderr and "row 2" in res.stderr, res.stderr
    alloc.write_text("stratum,n\n26506,2\n", encoding="utf-8")  # households, but no M to make groups of them
    res = run("--households", str(listing), "--allocation", str(alloc), "--with-names", "--out", str(tmp_path / "o5"),
              "--lang", "en")
    assert res.returncode == 2 and "--households-per-group" in res.stderr, res.stderr
    groups = tmp_path / "groups.csv"
    g = city.households.groupby(["ward_code", "group_code"]).size().rename("size").reset_index()
    g.loc[4, "size"] = -3
    g.to_csv(groups, index=False)
    res = run("--households", str(listing), "--groups", str(groups), "--groups-per-ward", "2", "--with-names",
              "--out", str(tmp_path / "o4"), "--lang", "en")
    assert res.returncode == 2 and "groups.csv" in res.stderr and "row 5" in res.stderr and "'size'" in res.stderr, res.stderr


def test_a_certainty_groups_psus_are_shown_as_pseudonyms_too(city):
    # a certainty group is a stratum whose PSUs are its households (docs/selection.md): the
    # sample file's psu would otherwise show the real id beside the pseudonym
    from commdx.commands.survey_select import shown_tables

    groups = city.households.groupby("ward_code")["group_code"].nunique()
    sel = commdx.select_sample(city.households, n={w: int(g) - 1 for w, g in groups.items()}, m=0, seed=2)
    certain = sel.sample["certainty"].astype(bool)
    assert certain.any() and (sel.sample.loc[certain, "psu"] == sel.sample.loc[certain, "household_id"]).all()
    sample, _ = shown_tables(sel, lambda ward, h: "P-" + h[::-1])
    real = set(city.households["household_id"])
    assert not (set(sample["psu"]) | set(sample["household_id"])) & real
    assert (sample.loc[certain, "psu"] == sample.loc[certain, "household_id"]).all()
    assert (sample.loc[~certain, "psu"] == sel.sample.loc[~certain, "psu"]).all()  # groups stay groups
