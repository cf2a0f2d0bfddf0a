"""Issue 13, first Must show: any commune in Vietnam, today.

A commune of another province from the national list (Xã Tân Thuận, 32167, Tỉnh Cà Mau) gets its
own ấp and tổ from a hand-made XLSX file with Vietnamese headers and Vietnamese number formats;
example data are generated on that tree on a 2026 calendar; and every command (``teams check``,
``indicators``, ``score``, ``classify``, ``plan``, ``report``, ``demo``) runs on it from the
command line (a subprocess of ``python -m commdx``) and from Python, with XLSX inputs, with no
built-in city anywhere (no code or name of Vũng Tàu in any output).

Expected values are the file's own numbers, typed here: 620 + 312 + 700 + 360 = 1,992 households
(Ấp Tân Hòa's so_ho; Ấp Tân Lợi's six tổ; Ấp Kênh Xáng's 2.660 people / 3.8; Ấp Mũi Tràm's
default of 8 tổ of 45), 48,35 km² for the commune, 12,5 km² for Ấp Tân Hòa.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import commdx
from commdx import Places

COMMUNE = "32167"
START = "2026-01-05"
VI_HEADERS = {"code": "ma", "name": "ten", "kind": "cap", "parent": "ma_cha", "area_km2": "dien_tich_km2",
              "population": "dan_so", "households": "so_ho"}

# the commune's own units as its office would type them: Vietnamese headers, "48,35" and "2.660"
ROWS = [
    ("ma", "ten", "cap", "ma_cha", "dien_tich_km2", "dan_so", "so_ho"),
    (COMMUNE, "Xã Tân Thuận", "xã", "", "48,35", "", ""),
    ("32167-A1", "Ấp Tân Hòa", "ấp", COMMUNE, "12,5", "", "620"),
    *[(f"32167-A1-T{k:02d}", f"Tổ {k}", "tổ", "32167-A1", "", "", hh)
      for k, hh in zip(range(1, 11), ["70", "55"] + [""] * 8)],
    ("32167-A2", "Ấp Tân Lợi", "ấp", COMMUNE, "", "", ""),
    *[(f"32167-A2-T{k:02d}", f"Tổ {k}", "tổ", "32167-A2", "", "", hh)
      for k, hh in zip(range(1, 7), ["48", "52", "61", "44", "57", "50"])],
    ("32167-A3", "Ấp Kênh Xáng", "ấp", COMMUNE, "", "2.660", ""),
    ("32167-A4", "Ấp Mũi Tràm", "ấp", COMMUNE, "", "", ""),
]
HOUSEHOLDS = {"32167-A1": 620, "32167-A2": 312, "32167-A3": 700, "32167-A4": 360}


def _xlsx(path: Path, rows) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def _vi_xlsx(df: pd.DataFrame, path: Path, headers: dict) -> Path:
    """A table written to XLSX with Vietnamese column headers."""
    df.rename(columns=headers).to_excel(path, index=False)
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("any-commune")


@pytest.fixture(scope="module")
def tree(work) -> Places:
    own = _xlsx(work / "ap-to-tan-thuan.xlsx", ROWS)
    return Places.vietnam().subtree(COMMUNE).with_units(own, COMMUNE)


@pytest.fixture(scope="module")
def city(tree):
    return commdx.synth.city(places=tree, seed=3, start=START)


_CODE = re.compile(r"^(?:[A-Z]+-?)?(747|265[0-9]{2})(?:-|$)")  # 747, 26506, H26506-000001, T-26506-KP01
_QUOTED_CODE = re.compile(r'"(?:[A-Z]+-?)?(747|265[0-9]{2})(?:-[^"]*)?"')
_UNIT_COLUMNS = ("code", "unit", "ward", "stratum", "psu", "parent", "_id", "ma", "don_vi")


def _no_built_in_city(text: str, where: str) -> None:
    """No unit of the built-in city (747, its wards 265xx, as a code or inside an id) and none of
    its names; nor its app's action (K2.vungtauioc: the shipped catalogue offers it only in the
    city's units). (The schema's column app_vungtauioc is there, 0 outside the city.)
    CSV: the cells of the columns that hold units or ids; other text: quoted strings."""
    for name in ("Vũng Tàu", "Vung Tau", "K2.vungtauioc"):
        assert name not in text, f"{name!r} in {where}"
    if where.endswith(".csv"):
        df = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False)
        for col in df.columns:
            if any(k in col.lower() for k in _UNIT_COLUMNS):
                bad = [v for v in df[col] if _CODE.match(v)]
                assert not bad, f"the built-in city's unit {bad[0]} in {where}, column {col}"
    else:
        m = _QUOTED_CODE.search(text)
        assert m is None, f"the built-in city's unit {m.group(0) if m else ''} in {where}"


def test_the_check_for_the_built_in_city_finds_it():
    built_in = commdx.synth.city(households=200, seed=1)
    for text, where in ((built_in.households.head(3).to_csv(index=False), "households.csv"),
                        (json.dumps(built_in.roster["teams"][:1], ensure_ascii=False), "teams.json"),
                        ("Báo cáo: Phường Vũng Tàu", "report.md")):
        with pytest.raises(AssertionError):
            _no_built_in_city(text, where)


# ---- the generator on the tree ---------------------------------------------------------------------

def test_the_tree_is_the_communes_own(tree):
    assert tree.roots() == ["VN"]
    assert tree.ancestors(COMMUNE) == ["96", "VN"] and tree.name("96") == "Tỉnh Cà Mau"
    assert tree.kind("32167-A1") == "village" and tree.kind("32167-A1-T03") == "residential_group"
    assert tree.vintage == "2025"


def test_households_come_from_the_file_and_the_documented_defaults(city):
    hh = city.households
    assert set(hh["ward_code"]) == {COMMUNE}
    assert len(hh) == sum(HOUSEHOLDS.values()) == 1992 == city.households_total
    assert hh.groupby("neighbourhood_code").size().to_dict() == HOUSEHOLDS
    per_group = hh.groupby("group_code").size()
    # the typed tổ keep their so_ho; Tân Hòa's eight others share 620 - 70 - 55 = 495
    assert per_group["32167-A1-T01"] == 70 and per_group["32167-A1-T02"] == 55
    rest = [per_group[f"32167-A1-T{k:02d}"] for k in range(3, 11)]
    assert sum(rest) == 495 and max(rest) - min(rest) <= 1
    assert [per_group[f"32167-A2-T{k:02d}"] for k in range(1, 7)] == [48, 52, 61, 44, 57, 50]
    # Mũi Tràm (no count, no tổ): the default 8 tổ of 45; Kênh Xáng: 2.660 / 3.8 = 700 in tổ of ~45
    # (a generated tổ's size varies by up to 30% around the mean, as in the built-in city)
    mui_tram = per_group[[g for g in per_group.index if g.startswith("32167-A4-")]]
    assert len(mui_tram) == 8 and mui_tram.sum() == 360 and mui_tram.between(30, 60).all()
    kx = per_group[[g for g in per_group.index if g.startswith("32167-A3-")]]
    assert kx.sum() == 700 and len(kx) == 16


def test_households_areas_and_populations_add_up_at_every_level(city):
    df = city.places.to_dataframe()
    hh = city.households
    assert df.loc[df.code == COMMUNE, "area_km2"].item() == pytest.approx(48.35)
    assert df.loc[df.code == "32167-A1", "area_km2"].item() == pytest.approx(12.5)
    # the levels above the commune carry what was generated below them
    for code in ("VN", "96", COMMUNE):
        row = df[df.code == code].iloc[0]
        assert row.households == len(hh) and row.population == hh["members"].sum()
        assert row.area_km2 == pytest.approx(48.35)
    for parent, kids in df[df.parent != ""].groupby("parent"):
        row = df[df.code == parent].iloc[0]
        assert kids.households.sum() == row.households, parent
        assert kids.population.sum() == row.population, parent
        assert kids.area_km2.sum() == pytest.approx(row.area_km2, abs=1e-3 * len(kids)), parent
    # the generated counts are the records: each unit's households are its household rows
    for col in ("neighbourhood_code", "group_code"):
        counts = hh.groupby(col).size()
        assert (df.set_index("code").loc[counts.index, "households"] == counts).all()


def test_the_calendar_starts_on_the_given_day(city):
    cal = commdx.synth.calendar(START)
    assert cal == {"start": START, "deadline": "2026-02-04", "first_visit": "2026-02-09", "last_visit": "2026-05-18"}
    assert commdx.synth.calendar()["deadline"] == "2022-07-20"  # the directive's own
    dates = pd.to_datetime(city.visits["date"])
    assert dates.min() >= pd.Timestamp(cal["first_visit"]) and dates.max() <= pd.Timestamp(cal["last_visit"])
    decided = [t["decision_date"] for t in city.roster["teams"]]
    assert all(START <= d < "2026-03-01" for d in decided)
    assert {t["unit"] for t in city.roster["teams"]} <= set(city.places.codes())


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(tree, city):
    again = commdx.synth.city(places=tree, seed=3, start=START)
    pd.testing.assert_frame_equal(again.households, city.households)
    pd.testing.assert_frame_equal(again.visits, city.visits)
    other = commdx.synth.city(places=tree, seed=4, start=START)
    assert len(other.households) == len(city.households)  # the tree fixes the sizes, the seed the answers
    assert not other.households["adults_smartphone"].equals(city.households["adults_smartphone"])


def test_a_census_has_no_sampling_error(tree):
    census = commdx.synth.city(places=tree, seed=3, census=True)
    assert len(census.sample) == len(census.households)
    est = commdx.indicators(census.sample, census.places, businesses=census.businesses,
                            levels=["ward", "neighbourhood"])
    est = est[est["estimate"].notna()]
    assert len(est) > 0 and set(est["unit"]) >= {COMMUNE, *HOUSEHOLDS}
    assert np.allclose(est["se"].fillna(0), 0.0)


def test_a_total_scales_the_trees_counts(tree):
    small = commdx.synth.city(places=tree, households=996, seed=3)
    assert len(small.households) == 996
    by_ap = small.households.groupby("neighbourhood_code").size()
    assert by_ap.to_dict() == {k: v // 2 for k, v in HOUSEHOLDS.items()}
    df = small.places.to_dataframe()
    # the density stays: the commune's area halves with its households
    assert df.loc[df.code == COMMUNE, "area_km2"].item() == pytest.approx(48.35 / 2, abs=1e-3)


def test_a_tree_that_does_not_add_up_is_refused_naming_the_unit(work):
    rows = [r for r in ROWS]
    rows[3] = ("32167-A1-T01", "Tổ 1", "tổ", "32167-A1", "", "", "700")  # more than the ấp's 620
    bad = Places.vietnam().subtree(COMMUNE).with_units(_xlsx(work / "bad.xlsx", rows), COMMUNE)
    with pytest.raises(commdx.ValidationError) as e:
        commdx.synth.city(places=bad, seed=1)
    assert e.value.unit == "32167-A1" and "620" in str(e.value)


# since 2025 many communes have their tổ straight under the commune, with no ấp / khu phố level
FLAT = [ROWS[0], ROWS[1], *[(f"{COMMUNE}-T{k:02d}", f"Tổ {k}", "tổ", COMMUNE, "", "", hh)
                            for k, hh in zip(range(1, 5), ["40", "38", "", ""])]]
FLAT_GROUPS = {f"{COMMUNE}-T{k:02d}" for k in range(1, 5)}


def test_residential_groups_straight_under_the_commune_are_generated_and_read(work):
    tree = Places.vietnam().subtree(COMMUNE).with_units(_xlsx(work / "flat.xlsx", FLAT), COMMUNE)
    assert set(tree.children(COMMUNE)) == FLAT_GROUPS
    flat = commdx.synth.city(places=tree, seed=1, start=START)
    hh = flat.households
    # 40 and 38 as typed; the two without a count: the documented 45 each
    assert hh.groupby("group_code").size().to_dict() == {f"{COMMUNE}-T01": 40, f"{COMMUNE}-T02": 38,
                                                         f"{COMMUNE}-T03": 45, f"{COMMUNE}-T04": 45}
    assert hh["neighbourhood_code"].fillna("").eq("").all()  # no neighbourhood: none invented
    df = flat.places.to_dataframe()
    assert not df["kind"].isin(["neighbourhood", "village"]).any()
    groups = df[df["kind"] == "residential_group"]
    assert set(groups["code"]) == FLAT_GROUPS and set(groups["parent"]) == {COMMUNE}
    assert groups["households"].sum() == len(hh) == df.loc[df.code == COMMUNE, "households"].item()
    assert groups["area_km2"].sum() == pytest.approx(48.35, abs=0.01)
    # the teams: the commune's, and one per tổ (no khu phố / ấp to hold a team)
    levels = {t["unit"]: t["level"] for t in flat.roster["teams"]}
    assert levels.pop(COMMUNE) == "ward" and set(levels) <= FLAT_GROUPS and set(levels.values()) == {"residential_group"}
    findings = commdx.check_teams(flat.roster, flat.places, deadline=commdx.synth.calendar(START)["deadline"])
    assert not (findings["rule"] == "team.unit_level").any()
    # written and read back: the places file, the survey with its empty neighbourhood_code
    commdx.synth.write(work / "flat-data", places=tree, seed=1, start=START)
    places = Places.from_file(work / "flat-data" / "places.csv")
    assert set(places.children(COMMUNE)) == FLAT_GROUPS
    sample = commdx.read_households(work / "flat-data" / "sample_households.csv", places=places)
    est = commdx.indicators(sample, places, levels=["ward", "residential_group"])
    share = est[(est.indicator == "adults_smartphone") & est.estimate.notna()]
    assert share.loc[share.level == "ward", "unit"].tolist() == [COMMUNE]
    assert set(share.loc[share.level == "residential_group", "unit"]) <= FLAT_GROUPS
    assert share["estimate"].between(0, 1).all()


# ---- every command, from the command line -----------------------------------------------------------

def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
    res = subprocess.run([sys.executable, "-m", "commdx", *args], capture_output=True, text=True,
                         encoding="utf-8", env=env, cwd=cwd, timeout=1800)
    assert res.returncode == 0, f"commdx {' '.join(args)}: exit {res.returncode}\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def generated(work, tree) -> Path:
    """``commdx synth --places tree.xlsx --start 2026-01-05``: the tree as an XLSX with Vietnamese headers."""
    df = tree.to_dataframe()[list(VI_HEADERS)]
    _vi_xlsx(df, work / "cay-don-vi.xlsx", VI_HEADERS)
    res = cli("synth", "--places", "cay-don-vi.xlsx", "--start", START, "--seed", "3", "--out", "data", cwd=work)
    assert "1992" in res.stdout and "2026-02-04" in res.stdout
    data = work / "data"
    # the inputs a commune would keep in Excel: places with Vietnamese headers, households, roster
    places = pd.read_csv(data / "places.csv", dtype={"code": str, "parent": str}, keep_default_na=False,
                         na_values=[""])
    _vi_xlsx(places[list(VI_HEADERS)], work / "don-vi.xlsx", VI_HEADERS)
    text = {c: str for c in ("household_id", "ward_code", "neighbourhood_code", "group_code", "stratum", "psu",
                             "electricity_payment_method")}
    for name in ("households", "sample_households"):
        pd.read_csv(data / f"{name}.csv", dtype=text).to_excel(work / f"{name}.xlsx", index=False)
    pd.read_csv(data / "teams.csv", dtype=str, keep_default_na=False).to_excel(work / "teams.xlsx", index=False)
    return data


def test_synth_writes_the_communes_data(generated):
    places = pd.read_csv(generated / "places.csv", dtype=str)
    assert places["code"].tolist()[:3] == ["VN", "96", COMMUNE]
    hh = pd.read_csv(generated / "households.csv", dtype={"ward_code": str})
    assert len(hh) == 1992 and set(hh["ward_code"]) == {COMMUNE}
    for f in generated.iterdir():
        if f.suffix in (".csv", ".json"):
            _no_built_in_city(f.read_text(encoding="utf-8"), f.name)


def test_every_command_runs_on_the_commune(work, generated):
    deadline = commdx.synth.calendar(START)["deadline"]
    res = cli("teams", "check", "teams.xlsx", "--places", "don-vi.xlsx", "--deadline", deadline,
              "--format", "csv", cwd=work)
    findings = pd.read_csv(io.StringIO(res.stdout), dtype=str)
    assert set(findings["unit"].dropna()) <= set(pd.read_excel(work / "don-vi.xlsx", dtype=str)["ma"])
    cli("indicators", "sample_households.xlsx", "--places", "don-vi.xlsx", "--levels", "city,ward,neighbourhood",
        "--businesses", str(generated / "businesses.csv"), "--as-of", "2026-02-04", "-o", "chi-tieu.csv", cwd=work)
    ind = pd.read_csv(work / "chi-tieu.csv", dtype={"unit": str})
    assert set(ind.loc[ind.level == "ward", "unit"]) == {COMMUNE}
    assert set(ind.loc[ind.level == "neighbourhood", "unit"]) <= set(HOUSEHOLDS)
    proportions = {d["id"] for d in commdx.indicator_catalogue()["indicators"] if d.get("statistic") == "proportion"}
    shares = ind[ind["indicator"].isin(proportions) & ind["estimate"].notna()]
    assert len(shares) > 100 and shares["estimate"].between(0, 1).all()
    assert {"adults_smartphone", "households_bank_account"} <= set(shares["indicator"])
    # the default draws: the uncertainty analysis's min-max alternative meets indicators that are
    # the same in all four ấp (no household has the city's app VungtauIOC): weight 0, and a note
    res = cli("score", "chi-tieu.csv", "--places", "don-vi.xlsx", "--level", "neighbourhood",
              "-o", "diem.csv", "--lang", "en", cwd=work)
    assert "app_vungtauioc" in res.stderr and "no ranking information" in res.stderr
    scores = pd.read_csv(work / "diem.csv", dtype={"unit": str})
    assert scores["score_low"].notna().all() and (scores["score_low"] <= scores["score_high"]).all()
    assert set(scores["unit"]) <= set(HOUSEHOLDS) and set(scores["name"]) <= {
        "Ấp Tân Hòa", "Ấp Tân Lợi", "Ấp Kênh Xáng", "Ấp Mũi Tràm"}
    # the areas to classify: the places file itself, Vietnamese headers, XLSX
    cli("classify", "don-vi.xlsx", "--places", "don-vi.xlsx", "--households", str(generated / "sample_households.csv"),
        "-o", "xep-loai.csv", "--lang", "en", cwd=work)
    classes = pd.read_csv(work / "xep-loai.csv", dtype={"code": str}, encoding="utf-8-sig")
    assert set(classes["code"]) == {COMMUNE} and set(classes["class"]) <= {"central", "remote"}
    # the shipped campaign catalogue: its Vũng Tàu action (the city's app) applies only there
    cli("plan", "--households", "households.xlsx", "--roster", "teams.xlsx", "--places", "don-vi.xlsx",
        "--from", "2026-02-09", "--until", "2026-06-30", "--with-names", "--out", "ke-hoach", cwd=work)
    steps = pd.read_csv(work / "ke-hoach" / "steps.csv", dtype=str)
    assert len(steps) > 0
    month = str(pd.to_datetime(pd.read_csv(generated / "visits.csv")["date"]).max())[:7]
    assert month.startswith("2026-")
    cli("report", "--month", month, "--data", "data", "--places", "don-vi.xlsx", "--out", "bao-cao", cwd=work)
    cli("report", "--month", month, "--data", "data", "--places", "don-vi.xlsx", "--ward", "Tân Thuận",
        "--out", "bao-cao", cwd=work)  # the commune by its name
    rep = json.loads((work / "bao-cao" / f"report-{COMMUNE}-{month}.json").read_text(encoding="utf-8"))
    assert rep["month"] == month and rep["unit"] == COMMUNE and rep["unit_name"] == "Xã Tân Thuận"
    for d in ("ke-hoach", "bao-cao"):
        for f in (work / d).rglob("*"):
            if f.suffix in (".csv", ".json", ".md", ".html"):
                _no_built_in_city(f.read_text(encoding="utf-8"), str(f.relative_to(work)))
    for f in ("chi-tieu.csv", "diem.csv", "xep-loai.csv"):
        _no_built_in_city((work / f).read_text(encoding="utf-8"), f)


def test_report_and_plan_take_a_vietnamese_xlsx_targets_file(work, generated):
    """The commune's own targets of 2026, typed in Excel with Vietnamese headers: the report's
    progress rows and the plan show the file's target and date; a target the file does not list
    stays the catalogue's (Decision 411/QĐ-TTg, 80 % by 2025-12-31, overdue in 2026)."""
    _xlsx(work / "muc-tieu.xlsx", [
        ("Mã chỉ tiêu", "Mục tiêu", "Thời hạn", "Nguồn"),
        ("adults_smartphone", "85 %", "31/12/2026", "Nghị quyết của Đảng ủy xã Tân Thuận năm 2026"),
        ("Tỷ lệ hộ dùng ví điện tử", 0.6, dt.datetime(2027, 6, 30), None)])
    month = str(pd.to_datetime(pd.read_csv(generated / "visits.csv")["date"]).max())[:7]
    assert month == "2026-05"
    cli("report", "--month", month, "--data", "data", "--places", "don-vi.xlsx", "--ward", COMMUNE,
        "--targets", "muc-tieu.xlsx", "--formats", "json,md", "--out", "bao-cao-muc-tieu", cwd=work)
    rep = json.loads((work / "bao-cao-muc-tieu" / f"report-{COMMUNE}-{month}.json").read_text(encoding="utf-8"))
    progress = {r["variable"]: r for r in rep["progress"]}
    phone, wallet, bank = progress["adults_smartphone"], progress["e_wallet"], progress["adults_bank_account"]
    assert (phone["target"], phone["target_date"]) == (pytest.approx(0.85), "2026-12-31")
    assert phone["target_source"] == "Nghị quyết của Đảng ủy xã Tân Thuận năm 2026"
    assert phone["months_left"] == 7 and phone["status"] != "overdue"
    assert (wallet["target"], wallet["target_date"]) == (pytest.approx(0.6), "2027-06-30")
    assert wallet["target_source"] == "tệp mục tiêu muc-tieu.xlsx"
    assert (bank["target"], bank["target_date"], bank["status"]) == (pytest.approx(0.8), "2025-12-31", "overdue")
    md = (work / "bao-cao-muc-tieu" / f"report-{COMMUNE}-{month}.md").read_text(encoding="utf-8")
    assert "31/12/2026" in md and "30/06/2027" in md
    cli("plan", "--households", "households.xlsx", "--roster", "teams.xlsx", "--places", "don-vi.xlsx",
        "--from", "2026-02-09", "--until", "2026-06-30", "--targets", "muc-tieu.xlsx", "--with-names",
        "--out", "ke-hoach-muc-tieu", cwd=work)
    ind = pd.read_csv(work / "ke-hoach-muc-tieu" / "indicators.csv").set_index("indicator")
    assert ind.loc["adults_smartphone", "target"] == pytest.approx(0.85)
    assert ind.loc["adults_smartphone", "target_source"] == "Nghị quyết của Đảng ủy xã Tân Thuận năm 2026"
    assert ind.loc["e_wallet", "target"] == pytest.approx(0.6)
    assert ind.loc["adults_bank_account", "target"] == pytest.approx(0.8)
    # and from Python, the same file
    places = Places.from_file(work / "don-vi.xlsx")
    py = commdx.monthly_report(month, generated, ward=COMMUNE, places=places, targets=work / "muc-tieu.xlsx",
                               charts=False)
    got = {r["variable"]: (r["target"], r["target_date"]) for r in py.data["progress"]}
    assert got["adults_smartphone"] == (pytest.approx(0.85), "2026-12-31")
    assert got["e_wallet"] == (pytest.approx(0.6), "2027-06-30")


def test_demo_runs_on_the_commune(work, generated):
    cli("demo", "--places", "cay-don-vi.xlsx", "--seed", "2", "--out", "demo", "--key-store", str(work / "keys"),
        cwd=work)
    demo = work / "demo"
    classes = pd.read_csv(demo / "classify" / "classes.csv", dtype={"code": str}, encoding="utf-8-sig")
    assert set(classes["code"]) == {COMMUNE}
    wards = pd.read_csv(demo / "teams" / "coverage-wards.csv", dtype=str)
    assert set(wards.iloc[:, 0]) == {COMMUNE}
    for f in demo.rglob("*"):
        if f.suffix in (".csv", ".json", ".md") and "manifest" not in f.name:
            _no_built_in_city(f.read_text(encoding="utf-8"), str(f.relative_to(demo)))


# ---- and from Python ---------------------------------------------------------------------------------

def test_every_stage_runs_from_python(work, generated):
    places = Places.from_file(work / "don-vi.xlsx")  # Vietnamese headers, XLSX
    roster = commdx.read_roster(work / "teams.xlsx")
    deadline = commdx.synth.calendar(START)["deadline"]
    findings = commdx.check_teams(roster, places, deadline=deadline)
    assert set(findings["unit"].dropna()) <= set(places.codes())
    sample = commdx.read_households(work / "sample_households.xlsx", places=places)
    businesses = commdx.read_businesses(generated / "businesses.csv", places=places)
    est = commdx.indicators(sample, places, levels=["city", "ward", "neighbourhood"], businesses=businesses,
                            as_of=deadline)
    share = est[(est.indicator == "adults_smartphone") & (est.level == "ward")]
    assert share["unit"].tolist() == [COMMUNE] and 0 <= share["estimate"].item() <= 1
    idx = commdx.CompositeIndex.from_json(commdx.io.json.shipped_json("index-adoption.json"))
    scores = idx.compute(commdx.estimates_to_wide(est, level="neighbourhood"))
    assert set(scores["unit"]) <= set(HOUSEHOLDS)
    areas = places.to_dataframe()
    classes = commdx.classify_areas(areas, places=places, households=sample)
    assert classes["code"].tolist() == [COMMUNE]
    households = commdx.read_households(work / "households.xlsx", places=places)
    plan = commdx.plan_outreach(households, roster, "2026-02-09", "2026-06-30", places=places, with_names=True)
    assert len(plan.steps) > 0
    month = str(pd.to_datetime(pd.read_csv(generated / "visits.csv")["date"]).max())[:7]
    rep = commdx.monthly_report(month, generated, ward=COMMUNE, places=places)
    assert rep.unit == COMMUNE and rep.month == month
    tables = {k: v.to_dict() for k, v in rep.tables.items()}
    _no_built_in_city(json.dumps(tables, ensure_ascii=False, default=str), "the report's tables")


def test_the_readmes_five_lines_show_the_2025_city():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Python in five lines", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    assert len([ln for ln in block.strip().splitlines() if ln.strip()]) == 5
    ns: dict = {}
    exec(compile(block, "README.md", "exec"), ns)
    est, city = ns["est"], ns["city"]
    five = {"26506", "26526", "26536", "26542", "26545"}
    assert set(est.loc[est.level == "ward", "unit"]) == five
    assert len(city.households) == 5000 and set(city.households["ward_code"]) == five
    assert pd.to_datetime(city.visits["date"]).min() >= pd.Timestamp("2026-01-05")
    assert "79" in city.places and "747" not in city.places  # under Ho Chi Minh City, no 2022 city
