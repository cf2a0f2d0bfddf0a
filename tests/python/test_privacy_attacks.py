"""Issue 11's privacy attacks, run as an attacker would on the files the monthly report writes
(docs/disclosure.md). Each attack reads only published JSON (and the public place tree and
design: weights, fpc), combines every report (the city and every ward), every indicator and two
report months, and must determine no suppressed value.

* linear differencing with integer bounds (an exact integer program per hidden cell, scipy's
  HiGHS MILP): across levels, reports, indicators and months, team = sum of members, city = sum
  of wards of the M1 log; it also decides whether a hidden cell is forced to 0% or 100% (the
  "0/10 remainder" attack);
* the standard-error attack: the ward's SE gives the sum of squares of the suppressed groups'
  linearised totals; with integer counts, enumerate every solution;
* twin worlds: two cities that differ only inside suppressed cells publish the same numbers, so
  no attack of any kind (SEs, CIs, p-values, flags, tests) can tell them apart.

Each attack is first shown to succeed on what the report published before this rule (the test
of the test), then to fail on what it publishes now.
"""
from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

import commdx
import commdx.report
from commdx.disclosure import indicator_pattern
from report_cities import place_tree, two_indicator_config

K = 5
# the report's unanimity threshold, as shipped (report-config.json "unanimous_below_households")
UNANIMOUS = float(commdx.report.load_report_config()["unanimous_below_households"])
BIG = 10_000.0  # an upper bound the attacker uses where the report states none


# ---------------------------------------------------------------------------------------------
# the cities
# ---------------------------------------------------------------------------------------------

def _constructed_city(seed: int = 3) -> dict[str, object]:
    """Three wards: 10001 with tiny groups (one of 3 households and no adopters, one of 2),
    10002 ordinary, 10003 a whole ward of 4 households. Equal weights within a ward."""
    rng = np.random.default_rng(seed)
    places: list[tuple[str, str, str, str]] = []
    sizes = {"10001": {"KP1": [40, 3, 30], "KP2": [2, 25, 35, 4]},
             "10002": {"KP1": [30, 28], "KP2": [33, 26]},
             "10003": {"KP1": [2, 2]}}
    weight = {"10001": 3.0, "10002": 4.0, "10003": 2.0}
    rows = []
    for ward, hcode, gcode, size, n_groups in place_tree(sizes, "Thành phố", places):
        p = rng.uniform(0.2, 0.7)
        for i in range(size):
            bank0 = float(rng.random() < p) if gcode != "10001-KP1-T02" else 0.0
            rows.append({"household_id": f"H{gcode}-{i:03d}", "ward_code": ward, "neighbourhood_code": hcode,
                         "group_code": gcode, "members": 4, "adults": 3, "stratum": ward, "psu": gcode,
                         "weight": weight[ward], "fpc": float(n_groups + 2), "bank0": bank0,
                         "wallet0": float(rng.random() < 0.3)})
    hh = pd.DataFrame(rows)
    base = hh.assign(round=0, bank_account=hh["bank0"], e_wallet=hh["wallet0"])
    adopt = (hh["bank0"] == 0) & (rng.random(len(hh)) < 0.4) & (hh["group_code"] != "10001-KP1-T02")
    follow = hh.assign(round=1, bank_account=np.maximum(hh["bank0"], adopt.astype(float)),
                       e_wallet=np.where(rng.random(len(hh)) < 0.2, (rng.random(len(hh)) < 0.3).astype(float), hh["wallet0"]))
    cols = ["household_id", "ward_code", "neighbourhood_code", "group_code", "members", "adults", "stratum",
            "psu", "weight", "fpc", "round", "bank_account", "e_wallet"]
    member = lambda i: {"id": f"M-{i}", "name": f"Thành viên {i}", "role": "member", "affiliation": "youth_union_member",
                        "skills": [], "weekly_hours": 4, "phone": None}
    roster = {"teams": [
        {"id": "T-1", "level": "neighbourhood", "unit": "10001-KP1", "decided_by": "UBND", "decision_number": "1/QĐ",
         "decision_date": "2022-07-01", "members": [member(1), member(2), member(3)]},
        {"id": "T-2", "level": "neighbourhood", "unit": "10002-KP1", "decided_by": "UBND", "decision_number": "2/QĐ",
         "decision_date": "2022-07-01", "members": [member(4), member(5)]}]}
    ids1 = hh.loc[hh["ward_code"] == "10001", "household_id"].tolist()
    ids2 = hh.loc[hh["ward_code"] == "10002", "household_id"].tolist()
    visits = []
    for m, hs, adopted in (("M-1", ids1[:12], 6), ("M-2", ids1[12:24], 7), ("M-3", ids1[24:27], 2),
                           ("M-4", ids2[:10], 4), ("M-5", ids2[10:22], 5)):
        for i, h in enumerate(hs):
            visits.append((h, "K5.bank_account", m, f"2022-10-{i + 1:02d}", "adopted" if i < adopted else "declined"))
    visits = pd.DataFrame(visits, columns=["household_id", "action", "member_id", "date", "outcome"])
    group_of = dict(zip(hh["household_id"], hh["group_code"]))
    manual = []
    ids3 = hh.loc[hh["ward_code"] == "10003", "household_id"].tolist()
    for proc, hs, month in (("pay_electricity_at_counter", ids1[:30] + ids2[:20] + ids3[:3], "2022-09"),
                            ("cash_market_shopping", ids1[30:50] + ids2[20:40], "2022-09"),
                            ("cash_market_shopping", ids1[50:52], "2022-10"),  # two new households in October
                            ("fax_to_the_ward", ids1[60:62], "2022-10")):
        manual += [(h, group_of[h], proc, 1.0, f"{month}-05") for h in hs]
    manual = pd.DataFrame(manual, columns=["household_id", "group_code", "process", "frequency_per_month", "date"])
    return {"places": pd.DataFrame(places, columns=["code", "name", "kind", "parent"]), "roster": roster,
            "sample": base[cols], "followup": follow[cols], "visits": visits, "manual_log": manual,
            "round_months": {0: "2022-06", 1: "2022-10"}}


_config = two_indicator_config


MONTHS = ("2022-09", "2022-10")


def _publish(city: dict[str, object], out: Path, config=None) -> list[dict]:
    """Every report the city publishes for MONTHS (the city's and each ward's), as saved JSON."""
    places = city["places"]
    wards = places.loc[places["kind"] == "ward", "code"].tolist()
    docs = []
    for month in MONTHS:
        for ward in [None] + wards:
            rep = commdx.monthly_report(month, ward=ward, config=config, charts=False, **city)
            paths = rep.save(out / month, formats=("json",))
            docs.append(json.loads(paths["json"].read_text("utf-8")))
    return docs


@pytest.fixture(scope="module")
def constructed() -> dict[str, object]:
    return _constructed_city()


@pytest.fixture(scope="module")
def constructed_docs(constructed, tmp_path_factory) -> list[dict]:
    return _publish(constructed, tmp_path_factory.mktemp("constructed"), _config())


# ---------------------------------------------------------------------------------------------
# the attacker's tools
# ---------------------------------------------------------------------------------------------

def integer_ranges(tree: dict[str, list[str]], known: dict[str, float], bounds: dict[str, tuple[float, float]],
                   extra: list[tuple[dict[str, float], float]] = (),
                   targets: tuple[str, ...] = ("",)) -> dict[str, tuple[float, float]]:
    """The attacker's integer program: unknown cells (the keys of ``bounds``) are integers in
    their bounds; every parent of ``tree`` equals the sum of its children; ``extra`` adds linear
    equations. Returns the smallest and largest feasible value of every unknown whose name
    starts with one of ``targets``."""
    names = sorted(bounds)
    if not names:
        return {}
    col = {n: i for i, n in enumerate(names)}
    rows, rhs = [], []
    for parent, kids in tree.items():
        terms = {parent: 1.0, **{c: -1.0 for c in kids}}
        extra_ = [(terms, 0.0)]
        for t, b in extra_:
            a = np.zeros(len(names))
            const = b
            touched = False
            for cell, coef in t.items():
                if cell in col:
                    a[col[cell]] += coef
                    touched = True
                elif cell in known:
                    const -= coef * known[cell]
                else:
                    break
            else:
                if touched:
                    rows.append(a)
                    rhs.append(const)
    for t, b in extra:
        a = np.zeros(len(names))
        const = b
        for cell, coef in t.items():
            if cell in col:
                a[col[cell]] += coef
            else:
                const -= coef * known[cell]
        rows.append(a)
        rhs.append(const)
    lo = np.array([bounds[n][0] for n in names])
    hi = np.array([bounds[n][1] for n in names])
    cons = [LinearConstraint(np.array(rows), np.array(rhs) - 1e-6, np.array(rhs) + 1e-6)] if rows else []
    out = {}
    for n in names:
        if not n.startswith(targets):
            continue
        got = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(names))
            c[col[n]] = sign
            res = milp(c, constraints=cons, integrality=np.ones(len(names)), bounds=Bounds(lo, hi))
            assert res.status == 0, f"the published figures are infeasible for the attacker's model ({res.message})"
            got.append(sign * res.fun)
        out[n] = (got[0], got[1])
    return out


def _children(places: pd.DataFrame) -> dict[str, list[str]]:
    return places[places["parent"] != ""].groupby("parent")["code"].apply(list).to_dict()


def indicator_cells(docs: list[dict], weights: dict[str, float]) -> dict[tuple, dict]:
    """(unit, variable, survey round) -> {"n": published n or None, "y": p·n (within a ward, the
    count of households with the attribute), "status"}, from every report's baseline and now."""
    cells: dict[tuple, dict] = {}
    for d in docs:
        ward = d["unit"] if d["level"] == "ward" else None
        for r in d.get("indicators", []) + d.get("areas", []):
            unit = r["unit"] or "city"
            w_unit = ward if (ward and unit != ward) else unit
            for which in ("baseline", "now"):
                n, p = r[f"n_{which}"], r[which]
                key = (unit, r["variable"], d["rounds"][which]["round"])
                val = {"n": n, "y": None if (p is None or n is None) else p * n, "status": r["suppression"],
                       "weight": weights.get(w_unit)}
                if key in cells and cells[key]["n"] is not None and n is not None:
                    assert cells[key]["n"] == n and abs(cells[key]["y"] - val["y"]) < 1e-6, "two reports disagree"
                if key not in cells or cells[key]["n"] is None:
                    cells[key] = val
    return cells


def linear_attack_on_indicators(docs: list[dict], places: pd.DataFrame, weights: dict[str, float]) -> dict:
    """Integer ranges of each suppressed cell's n, y (households with the attribute) and
    s = n − y, per indicator and round.

    Within a ward the weights are equal, so counts add up; the city's estimate p is the ratio of
    weighted totals, Σ w·y over its wards = p · Σ w·n, a linear equation too."""
    return linear_attack_on_cells(indicator_cells(docs, weights), places, weights)


def linear_attack_on_cells(cells: dict[tuple, dict], places: pd.DataFrame, weights: dict[str, float],
                           targets: tuple[str, ...] = ("",)) -> dict:
    """The integer program of ``linear_attack_on_indicators`` on cells (unit, variable, round) ->
    {"n", "y", "status"} (n and y None where hidden); ranges of the unknowns named ``targets``."""
    children = _children(places)
    city_code = places.loc[places["parent"] == "", "code"].iloc[0]
    # a ratio's totals (Σ adults with an account, Σ adults) are not p·n: the attacker has no
    # counts to add up, only the proportions of households are attacked
    ratios = {d["id"] for d in commdx.report._indicator_defs(commdx.report.load_report_config()) if d["denominator"]}
    found = {}
    for var, which in sorted({(v, w) for (_, v, w) in cells if v not in ratios}):
        known, bounds, tree, extra = {}, {}, {}, []
        units = {u for (u, v, w) in cells if (v, w) == (var, which)}
        for unit in units:
            c = cells[(unit, var, which)]
            if unit == "city":
                continue
            if c["n"] is not None:
                known[f"n:{unit}"], known[f"y:{unit}"] = float(c["n"]), float(round(c["y"]))
                known[f"s:{unit}"] = known[f"n:{unit}"] - known[f"y:{unit}"]
            else:
                lo, hi = (1, K - 1) if c["status"] == "primary" else (0, BIG)
                bounds[f"n:{unit}"], bounds[f"y:{unit}"], bounds[f"s:{unit}"] = (lo, hi), (0, hi), (0, hi)
                extra.append(({f"n:{unit}": 1.0, f"y:{unit}": -1.0, f"s:{unit}": -1.0}, 0.0))
        for parent, kids in children.items():
            if parent == city_code or parent not in units or not set(kids) <= units:
                continue
            for q in ("n", "y", "s"):
                tree[f"{q}:{parent}"] = [f"{q}:{c}" for c in kids]
        wards = children.get(city_code, [])
        city = cells.get(("city", var, which))
        if city and city["n"] is not None and set(wards) <= units:
            extra.append(({f"n:{wd}": 1.0 for wd in wards}, float(city["n"])))
            p = city["y"] / city["n"]
            extra.append(({**{f"y:{wd}": weights[wd] for wd in wards}}, 0.0))
            extra[-1][0].update({f"n:{wd}": -p * weights[wd] for wd in wards})
        found[(var, which)] = integer_ranges(tree, known, bounds, extra, targets=targets)
    return found


def determined(ranges: dict[str, tuple[float, float]]) -> list[str]:
    return [name for name, (lo, hi) in ranges.items() if hi - lo < 0.5]


# ---------------------------------------------------------------------------------------------
# the attacks
# ---------------------------------------------------------------------------------------------

def _weights(city: dict[str, object]) -> dict[str, float]:
    s = city["sample"]
    return s.groupby("ward_code")["weight"].first().to_dict()


def test_published_pattern_is_the_same_in_every_report_indicator_and_month(constructed_docs) -> None:
    status: dict[str, set] = {}
    for d in constructed_docs:
        for r in d["indicators"] + d["areas"]:
            status.setdefault(r["unit"] or "city", set()).add(r["suppression"])
    assert all(len(s) == 1 for s in status.values()), {u: s for u, s in status.items() if len(s) > 1}
    # what the constructed city must hide: the 3-household group, the 2 and the 4, the ward of 4
    hidden = {u for u, s in status.items() if s != {"published"}}
    assert {"10001-KP1-T02", "10001-KP2-T01", "10001-KP2-T04", "10003"} <= hidden


def test_linear_attack_across_levels_reports_indicators_and_months_recovers_nothing(constructed, constructed_docs) -> None:
    found = linear_attack_on_indicators(constructed_docs, constructed["places"], _weights(constructed))
    assert found, "the attack found no table"
    hidden_cells = sum(len(r) for r in found.values())
    assert hidden_cells >= 4 * 3 * 4  # four tables, n/y/slack, at least four hidden cells each
    for table, ranges in found.items():
        # the answers: households with the attribute (y) and without (s = n − y). The number of
        # households surveyed in a hidden unit (n) is not an answer and may be derivable
        # (docs/disclosure.md, "Limits").
        answers = [name for name in determined(ranges) if name.startswith(("y:", "s:"))]
        assert answers == [], (table, {n: ranges[n] for n in answers})


def test_zero_remainder_attack_recovers_nothing(constructed, constructed_docs) -> None:
    # The 3-household group 10001-KP1-T02 has no bank account in either round. A hidden cell is
    # forced to 0% when its largest feasible y is 0, to 100% when its largest n − y is 0.
    found = linear_attack_on_indicators(constructed_docs, constructed["places"], _weights(constructed))
    for table, ranges in found.items():
        for name, (lo, hi) in ranges.items():
            if name.startswith(("y:", "s:")):
                assert hi >= 1, (table, name, "forced to 0% or 100%")


def se_attack(ward_doc: dict, fpc: float, var: str, which: str, se_override: float | None = None) -> dict[str, set]:
    """Attack (a) on one ward's report: the ward is a stratum whose PSUs are its residential
    groups, so its published SE gives Σ over the groups of (y_i − R·n_i)² (times n_W²/c, with
    c = (1 − f)·n_h/(n_h − 1) the same for every variable). Subtracting the published groups
    leaves the suppressed groups' sum of squares; every integer assignment of the suppressed
    groups (n_i, y_i) consistent with it, with the published neighbourhoods and the ward, is
    enumerated. Returns each suppressed group's feasible (n, y) values."""
    top = next(r for r in ward_doc["indicators"] if r["variable"] == var)
    R, n_w, se = top[which], top[f"n_{which}"], top[f"se_{which}"] if se_override is None else se_override
    if R is None or se is None:
        return {}
    rows = [r for r in ward_doc["areas"] if r["variable"] == var]
    groups = [r for r in rows if r["by"] == "group_code"]
    hoods = {r["unit"]: r for r in rows if r["by"] == "neighbourhood_code"}
    n_h = len(groups)
    c = (1 - n_h / fpc) * n_h / (n_h - 1)
    target = se ** 2 * n_w ** 2 / c
    hidden = [g for g in groups if g[which] is None]
    for g in groups:
        if g[which] is not None:
            target -= (g[which] * g[f"n_{which}"] - R * g[f"n_{which}"]) ** 2
    y_w = R * n_w
    pub_n = {g["unit"]: g[f"n_{which}"] for g in groups if g[which] is not None}
    pub_y = {g["unit"]: g[which] * g[f"n_{which}"] for g in groups if g[which] is not None}
    hood_of = {g["unit"]: g["unit"].rsplit("-", 1)[0] for g in groups}
    primaries = [g["unit"] for g in hidden if g["suppression"] == "primary"]
    others = [g["unit"] for g in hidden if g["suppression"] != "primary"]
    # Complementary groups are solved from the published parent they are the last unknown of
    # (their neighbourhood, else the ward); the attacker enumerates the small primary cells.
    parents = [(h, [g["unit"] for g in groups if hood_of[g["unit"]] == h], hr[f"n_{which}"], hr[which] * hr[f"n_{which}"])
               for h, hr in hoods.items() if hr[which] is not None]
    parents.append((ward_doc["unit"], [g["unit"] for g in groups], n_w, y_w))
    options = [[(n, y) for n in range(1, K) for y in range(n + 1)] for _ in primaries]
    assert len(options) <= 6, f"too many suppressed groups to enumerate: {len(options)}"
    feasible: dict[str, set] = {g["unit"]: set() for g in hidden}
    for combo in itertools.product(*options):
        assign = dict(zip(primaries, combo))
        progress = True
        while progress and len(assign) < len(hidden):
            progress = False
            for _, kids, n_p, y_p in parents:
                unknown = [u for u in kids if u not in pub_n and u not in assign]
                if len(unknown) == 1:
                    n = n_p - sum(pub_n.get(u, assign.get(u, (0, 0))[0]) for u in kids if u != unknown[0])
                    y = round(y_p - sum(pub_y.get(u, assign.get(u, (0, 0))[1]) for u in kids if u != unknown[0]))
                    assign[unknown[0]] = (n, y)
                    progress = True
        if len(assign) < len(hidden):
            raise AssertionError(f"{ward_doc['unit']}: complementary groups not solvable from one parent: {others}")
        if any(n < 1 or y < 0 or y > n for n, y in assign.values()):
            continue
        ok = all(sum(pub_n.get(u, assign.get(u, (0, 0))[0]) for u in kids) == n_p
                 and abs(sum(pub_y.get(u, assign.get(u, (0, 0))[1]) for u in kids) - y_p) < 1e-6
                 for _, kids, n_p, y_p in parents)
        q = sum((y - R * n) ** 2 for n, y in assign.values())
        if ok and abs(q - target) <= 1e-6 * max(1.0, abs(target)):
            for u, v in assign.items():
                feasible[u].add(v)
    return feasible


def _old_ward_se(city: dict[str, object], ward: str, variable: str, which: str) -> float:
    """The SE the report published before this rule: on the survey's own design."""
    rows = pd.concat([city["sample"], city["followup"]], ignore_index=True)
    res = commdx.round_changes(rows, {variable: variable}, by="ward_code", include_total=False)
    r = res[(res["domain"] == ward)].iloc[0]
    return float(r["se_before"] if which == "baseline" else r["se_after"])


def test_se_attack_recovers_nothing_on_the_constructed_ward(constructed, constructed_docs) -> None:
    doc = next(d for d in constructed_docs if d["unit"] == "10001" and d["month"] == "2022-10")
    _se_attack_both_ways(constructed, doc)


@pytest.mark.parametrize("seed", [5, 8])
def test_se_attack_recovers_nothing_on_more_constructed_wards(seed: int, tmp_path) -> None:
    # (In the example city every residential group is in the sample, fpc = PSUs: (1 − f) = 0 and
    # the one-stage SEs of wards and neighbourhoods are 0, so the SE attack needs these wards.)
    city = _constructed_city(seed)
    rep = commdx.monthly_report("2022-10", ward="10001", config=_config(), charts=False, **city)
    doc = json.loads(rep.save(tmp_path, formats=("json",))["json"].read_text("utf-8"))
    _se_attack_both_ways(city, doc)


def _se_attack_both_ways(constructed: dict[str, object], doc: dict) -> None:
    fpc = float(constructed["sample"].loc[constructed["sample"]["ward_code"] == "10001", "fpc"].iloc[0])
    for var, column in (("households_bank_account", "bank_account"), ("e_wallet", "e_wallet")):
        for which in ("baseline", "now"):
            # the test of the test: on the SE of the survey's own design the attack recovers
            # suppressed groups exactly (the 3-household group always; groups of equal size with
            # mirrored answers stay ambiguous)
            old = se_attack(doc, fpc, var, which, se_override=_old_ward_se(constructed, "10001", column, which))
            recovered = {u: next(iter(v)) for u, v in old.items() if len(v) == 1}
            assert "10001-KP1-T02" in recovered, (var, which, old)
            truth = _truth(constructed, which, column)
            assert all(v == truth[u] for u, v in recovered.items())
            assert all(truth[u] in v for u, v in old.items())
            new = se_attack(doc, fpc, var, which)
            assert not any(len(v) == 1 for v in new.values()), (var, which, new)


def _truth(city: dict[str, object], which: str, column: str) -> dict[str, tuple[int, int]]:
    df = city["sample"] if which == "baseline" else city["followup"]
    g = df.groupby("group_code")[column].agg(["size", "sum"])
    return {u: (int(r["size"]), int(r["sum"])) for u, r in g.iterrows()}


def _numbers(doc: object, path: str = "") -> dict[str, object]:
    """Every leaf of a published JSON document by its path (lists of records keyed by unit)."""
    out: dict[str, object] = {}
    if isinstance(doc, dict):
        for key, v in doc.items():
            out.update(_numbers(v, f"{path}/{key}"))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            tag = i
            if isinstance(v, dict):
                tag = "|".join(str(v.get(k)) for k in ("by", "unit", "variable", "member_id", "team_id", "process", "team") if k in v)
            out.update(_numbers(v, f"{path}[{tag}]"))
    else:
        out[path] = doc
    return out


def assert_same_publication(a: list[dict], b: list[dict]) -> int:
    """Two worlds publish the same: every field of every report equal (numbers to 1e-9)."""
    compared = 0
    for da, db in zip(a, b):
        na, nb = _numbers(da), _numbers(db)
        assert na.keys() == nb.keys()
        for key, va in na.items():
            vb = nb[key]
            if isinstance(va, float) and isinstance(vb, float):
                assert va == pytest.approx(vb, rel=1e-9, abs=1e-12), key
            else:
                assert va == vb, key
            compared += 1
    return compared


def _swap_answers(city: dict[str, object], h1: str, h2: str, columns: list[str]) -> dict[str, object]:
    out = dict(city)
    for key in ("sample", "followup"):
        df = city[key].copy()
        i, j = df.index[df["household_id"] == h1], df.index[df["household_id"] == h2]
        vi, vj = df.loc[i, columns].to_numpy(), df.loc[j, columns].to_numpy()
        df.loc[i, columns], df.loc[j, columns] = vj, vi
        out[key] = df
    return out


def test_twin_worlds_differing_inside_suppressed_groups_publish_the_same(constructed, constructed_docs, tmp_path) -> None:
    # Groups 10001-KP2-T01 (2 households) and -T04 (4) are both suppressed in neighbourhood
    # 10001-KP2: moving a household's answers from one to the other keeps every published
    # parent the same. If the SEs, CIs, p-values, tests or anything else leaked the groups, the
    # two worlds would publish different numbers.
    s, f = constructed["sample"], constructed["followup"]
    cols = ["bank_account", "e_wallet"]
    a = s[s["group_code"] == "10001-KP2-T01"]["household_id"].tolist()
    b = s[s["group_code"] == "10001-KP2-T04"]["household_id"].tolist()
    pair = next((x, y) for x in a for y in b
                if not (s.set_index("household_id").loc[x, cols].equals(s.set_index("household_id").loc[y, cols])
                        and f.set_index("household_id").loc[x, cols].equals(f.set_index("household_id").loc[y, cols])))
    twin = _swap_answers(constructed, *pair, cols)
    assert not _truth(twin, "now", "bank_account") == _truth(constructed, "now", "bank_account") or \
        not _truth(twin, "now", "e_wallet") == _truth(constructed, "now", "e_wallet") or \
        not _truth(twin, "baseline", "e_wallet") == _truth(constructed, "baseline", "e_wallet") or \
        not _truth(twin, "baseline", "bank_account") == _truth(constructed, "baseline", "bank_account")
    compared = assert_same_publication(constructed_docs, _publish(twin, tmp_path, _config()))
    assert compared > 1000


def test_team_minus_members_recovers_nothing(constructed_docs) -> None:
    for d in constructed_docs:
        v = d.get("visits")
        if not v:
            continue
        known, bounds, tree = {}, {}, {}
        for t in v["teams"]:
            key = f"team:{t['team_id']}"
            (known.__setitem__(key, t["conversions"]) if t["conversions"] is not None else bounds.__setitem__(key, (0, BIG)))
            tree[key] = []
        for m in v["members"]:
            key = f"member:{m['member_id']}"
            if m["conversions"] is not None:
                known[key] = m["conversions"]
            else:
                bounds[key] = (0, BIG)
            tree[f"team:{m['team_id']}"].append(key)
        ranges = integer_ranges(tree, known, bounds)
        assert determined(ranges) == [], (d["unit"], d["month"], ranges)
    # the test of the test: the old rule hid only M-3 (3 households), and team T-1 then gave it
    old = integer_ranges({"team:T-1": ["member:M-1", "member:M-2", "member:M-3"]},
                         {"team:T-1": 15.0, "member:M-1": 6.0, "member:M-2": 7.0}, {"member:M-3": (0, BIG)})
    assert determined(old) == ["member:M-3"] and old["member:M-3"][0] == 2


def m1_attack(docs: list[dict], places: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """City minus its wards, per process and month, with the months linked (a cumulative count
    never decreases); a unit with no hidden process has 0 for every process it does not list."""
    city_code = places.loc[places["parent"] == "", "code"].iloc[0]
    wards = places.loc[places["parent"] == city_code, "code"].tolist()
    processes = sorted({p["process"] for d in docs for p in (d.get("manual_processes") or {}).get("proposals", [])})
    known, bounds, tree, extra = {}, {}, {}, []
    months = sorted({d["month"] for d in docs})
    for d in docs:
        m1 = d.get("manual_processes")
        if not m1:
            continue
        unit = "city" if d["level"] == "city" else d["unit"]
        listed = {p["process"]: p["households"] for p in m1["proposals"]}
        for proc in processes + ["__all__"]:
            key = f"{proc}:{unit}:{d['month']}"
            if proc == "__all__":
                if m1["households_logged"] is not None:
                    known[key] = float(m1["households_logged"])
            elif proc in listed:
                known[key] = float(listed[proc])
            elif m1.get("other") is None:
                known[key] = 0.0
    for proc in processes + ["__all__"]:
        for month in months:
            cells = [f"{proc}:{u}:{month}" for u in ["city"] + wards]
            for c in cells:
                if c not in known:
                    bounds[c] = (0, BIG)
            tree[cells[0]] = cells[1:]
        for u in ["city"] + wards:
            for m0, m1_ in zip(months, months[1:]):  # cumulative: later >= earlier, as a slack
                slack = f"inc:{proc}:{u}:{m1_}"
                bounds[slack] = (0, BIG)
                extra.append(({f"{proc}:{u}:{m1_}": 1.0, f"{proc}:{u}:{m0}": -1.0, slack: -1.0}, 0.0))
    return integer_ranges(tree, known, bounds, extra)


def test_city_minus_wards_and_months_of_the_m1_log_recover_nothing(constructed, constructed_docs) -> None:
    ranges = m1_attack(constructed_docs, constructed["places"])
    hidden = [n for n in ranges if not n.startswith("inc:")]
    assert hidden, "nothing hidden: the constructed log must have small cells"
    # A process nobody in a ward was logged with has nothing to protect: a derivable 0 is allowed.
    assert [n for n in determined(ranges) if not n.startswith("inc:") and ranges[n][0] > 0] == []
    # an increment from one month to the next is a count of households too: 0 or at least k
    for name, (lo, hi) in ranges.items():
        if name.startswith("inc:") and hi - lo < 0.5:
            assert lo == 0 or lo >= K, (name, lo)


# ---------------------------------------------------------------------------------------------
# the example city (commdx.synth): 3,000 households, the follow-up month, the city's report and
# those of the wards with suppressed cells of their own or at the ward level
# ---------------------------------------------------------------------------------------------

EXAMPLE_WARDS = ("26545", "26536", "26512")


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict[str, object]:
    d = tmp_path_factory.mktemp("example-city")
    commdx.synth.write(d, households=3000, seed=1)
    files = commdx.report.load_city_folder(d)
    return {"places": files["places"].assign(parent=files["places"]["parent"].fillna("")), "roster": files["roster"],
            "sample": files["sample"], "followup": files["followup"], "visits": files["visits"],
            "manual_log": files["manual_log"]}


def _publish_example(city: dict[str, object], out: Path, wards=EXAMPLE_WARDS) -> list[dict]:
    docs = []
    for ward in (None,) + tuple(wards):
        rep = commdx.monthly_report("2022-10", ward=ward, charts=False, **city)
        docs.append(json.loads(rep.save(out, formats=("json",))["json"].read_text("utf-8")))
    return docs


@pytest.fixture(scope="module")
def example_docs(example, tmp_path_factory) -> list[dict]:
    return _publish_example(example, tmp_path_factory.mktemp("example-published"))


def test_example_city_publishes_most_cells_and_hides_the_small_ones(example_docs) -> None:
    rows = [r for d in example_docs for r in d["indicators"] + d["areas"]]
    assert all(r["n_now"] is None or r["n_now"] >= K for r in rows)
    shown = sum(r["suppression"] == "published" for r in rows) / len(rows)
    assert shown > 0.8, shown
    assert any(r["suppression"] == "complementary" for r in rows)


def test_linear_attack_on_the_example_city_recovers_nothing(example, example_docs) -> None:
    weights = _weights(example)
    places = example["places"]
    # the attacker's tree: the wards whose reports are in hand, all wards under the city
    keep = set(EXAMPLE_WARDS)
    ward_of = {}
    for code, parent, kind in zip(places["code"], places["parent"], places["kind"]):
        ward_of[code] = code if kind in ("ward", "commune") else ward_of.get(parent, parent)
    sub = places[[(kind in ("city", "ward", "commune")) or ward_of.get(c) in keep
                  for c, kind in zip(places["code"], places["kind"])]]
    found = linear_attack_on_indicators(example_docs, sub, weights)
    assert len(found) >= 16 * 2  # 16 proportions of households, two rounds
    hidden = 0
    for table, ranges in found.items():
        hidden += len(ranges)
        answers = [name for name in determined(ranges) if name.startswith(("y:", "s:"))]
        assert answers == [], (table, {n: ranges[n] for n in answers})
    assert hidden > 100


def _keeps_unanimity(city: dict[str, object], col: str, one: tuple, other: tuple) -> bool:
    """Whether swapping the two households' answers leaves each of their groups as unanimous (or
    not) as it was in every round. A unanimous small group is a primary cell (docs/disclosure.md):
    a swap that makes one unanimous or breaks one changes the pattern itself, and the two worlds
    are then told apart by the rule's own criterion, not by a leak."""
    (g1, h1, v), (g2, h2, _) = one, other
    for key in ("sample", "followup"):
        df = city[key]
        for g, out, into in ((g1, h1, v(df, h2)), (g2, h2, v(df, h1))):
            x = df.loc[df["group_code"] == g].set_index("household_id")[col].dropna()
            y = x.copy()
            y[out] = into
            small = len(x) < UNANIMOUS
            if small and (x.min() == x.max()) != (y.min() == y.max()):
                return False
    return True


def test_twin_example_cities_differing_inside_suppressed_groups_publish_the_same(example, example_docs, tmp_path) -> None:
    # In ward 26545, e-commerce ... : two suppressed groups of one indicator; swap one household's
    # answer to that indicator's column between them (both rounds).
    doc = next(d for d in example_docs if d["unit"] == "26545")
    cfg = {d["id"]: d for d in commdx.report._indicator_defs(commdx.report.load_report_config())}
    used = [c for d in cfg.values() for c in (d["numerator"], d["denominator"]) if c]
    s, f = example["sample"], example["followup"]
    for var in sorted({r["variable"] for r in doc["areas"]}):
        col = cfg[var]["numerator"]
        if cfg[var]["denominator"] or used.count(col) > 1:
            continue
        hidden = [r["unit"] for r in doc["areas"] if r["variable"] == var and r["by"] == "group_code" and r["now"] is None]
        for g1, g2 in itertools.combinations(hidden, 2):
            a = s[(s["group_code"] == g1) & s[col].notna()]["household_id"]
            b = s[(s["group_code"] == g2) & s[col].notna()]["household_id"]
            for h1, h2 in itertools.product(a, b):
                v = lambda df, h: df.loc[df["household_id"] == h, col].iloc[0]
                if (v(s, h1), v(f, h1)) != (v(s, h2), v(f, h2)) and pd.notna(v(f, h1)) and pd.notna(v(f, h2)) \
                        and _keeps_unanimity(example, col, (g1, h1, v), (g2, h2, v)):
                    twin = _swap_answers(example, h1, h2, [col])
                    wards = ("26545",)
                    before = [d for d in example_docs if d["level"] == "city" or d["unit"] in wards]
                    compared = assert_same_publication(before, _publish_example(twin, tmp_path, wards))
                    assert compared > 1000
                    return
    raise AssertionError("no pair of suppressed groups to swap between in ward 26545")


def test_a_bad_unanimity_threshold_is_a_config_error(constructed) -> None:
    cfg = {**_config(), "unanimous_below_households": "twenty"}
    with pytest.raises(commdx.ConfigError, match="unanimous_below_households"):
        commdx.monthly_report("2022-10", ward="10001", config=cfg, charts=False, **constructed)


# ---------------------------------------------------------------------------------------------
# the weighted city: wards of different weights (the demo's leak, docs/disclosure.md step 2b)
# ---------------------------------------------------------------------------------------------

def _survey_rows(city: dict[str, object]) -> pd.DataFrame:
    return pd.concat([city["sample"].assign(round=0), city["followup"].assign(round=1)], ignore_index=True)


def _proportions() -> dict[str, tuple[str, None]]:
    return {d["id"]: (d["numerator"], None) for d in commdx.report._indicator_defs(commdx.report.load_report_config())
            if not d["denominator"]}


def published_cells(rows: pd.DataFrame, pattern: pd.DataFrame, variables: dict[str, tuple[str, None]]) -> dict[tuple, dict]:
    """What a report publishes of the pattern's cells, computed from the survey itself: a
    published unit's n and count y (p·n); the city's p the ratio of weighted totals Σ w·y / Σ w·n
    at full precision (what the report prints). Every report of every ward at once: the
    strongest attacker's position."""
    status = {(u, v): s for u, v, s in zip(pattern["unit"], pattern["variable"], pattern["status"])}
    cells: dict[tuple, dict] = {}
    for var, (col, _) in variables.items():
        ok = rows[rows[col].notna()]
        for r, g in ok.groupby("round"):
            y = g[col].astype(float)
            for level in (None, "ward_code", "neighbourhood_code", "group_code"):
                keys = pd.Series("city", index=g.index) if level is None else g[level].astype(str)
                unit_key = "__city__" if level is None else None
                stats = pd.DataFrame({"n": 1.0, "y": y, "wn": g["weight"], "wy": g["weight"] * y}).groupby(keys).sum()
                for unit, st in stats.iterrows():
                    shown = status[(unit_key or unit, var)] == "published"
                    p = st["wy"] / st["wn"]
                    cells[(unit, var, r)] = {"n": st["n"] if shown else None, "y": p * st["n"] if shown else None,
                                             "status": status[(unit_key or unit, var)]}
    return cells


@pytest.fixture(scope="module", params=[(5000, 1)], ids=lambda p: f"{p[0]}hh-seed{p[1]}")
def weighted_city(request, tmp_path_factory) -> dict[str, object]:
    households, seed = request.param
    d = tmp_path_factory.mktemp(f"weighted-{households}-{seed}")
    commdx.synth.write(d, households=households, seed=seed)
    files = commdx.report.load_city_folder(d)
    places = files["places"].assign(parent=files["places"]["parent"].fillna(""))
    rows = _survey_rows(files)
    return {"places": places, "rows": rows, "weights": rows.groupby("ward_code")["weight"].first().to_dict(),
            "variables": _proportions()}


def _hidden_answers(city: dict[str, object], pattern: pd.DataFrame, only: tuple[str, ...] = ()) -> dict:
    variables = {v: c for v, c in city["variables"].items() if not only or v in only}
    cells = published_cells(city["rows"], pattern, variables)
    found = linear_attack_on_cells(cells, city["places"], city["weights"], targets=("y:", "s:"))
    return {table: {n: ranges[n] for n in determined(ranges) if n.startswith(("y:", "s:"))}
            for table, ranges in found.items() if any(n.startswith(("y:", "s:")) for n in determined(ranges))}


def test_integer_attack_through_the_weighted_city_recovers_nothing(weighted_city) -> None:
    # The example city's wards carry different weights (1, 1.125, 1.25): the city's estimate is
    # a weighted sum of its wards. Every cell any report publishes, the city's estimate at full
    # precision, all levels, all proportions, both rounds: no hidden answer is determined.
    pattern = indicator_pattern(weighted_city["rows"], weighted_city["variables"], k=K, unanimous_below=UNANIMOUS)
    assert (pattern["status"] != "published").sum() > 200
    assert _hidden_answers(weighted_city, pattern) == {}


def test_integer_attack_recovers_answers_when_the_pattern_ignores_the_weights(weighted_city) -> None:
    # The test of the test: the pattern before step 2b (weights ignored, the city published
    # whatever the weights of its hidden wards) leaks on the 5,000-household city exactly where
    # docs/disclosure.md found it (pay_online_cable_tv, wards 26515 and 26545).
    rows = weighted_city["rows"]
    old = indicator_pattern(rows, weighted_city["variables"], k=K, unanimous_below=UNANIMOUS, weight=None)
    new = indicator_pattern(rows, weighted_city["variables"], k=K, unanimous_below=UNANIMOUS)
    city_old = old[old["level"] == "city"].set_index("variable")["status"]
    city_new = new[new["level"] == "city"].set_index("variable")["status"]
    changed = sorted(city_new.index[(city_old == "published") & (city_new != "published")])
    # (the attack on the old pattern runs on the leaking indicator only: on all 16 it takes
    # minutes, the integer program working through many separable cells)
    leaks = _hidden_answers(weighted_city, old, only=("pay_online_cable_tv",))
    assert {v for v, _ in leaks} == {"pay_online_cable_tv"}, leaks
    assert "pay_online_cable_tv" in changed
    assert _hidden_answers(weighted_city, new, only=("pay_online_cable_tv",)) == {}
    # the city hides exactly the indicators whose hidden wards (before) had different weights
    for var in changed:
        wards = old[(old["variable"] == var) & (old["level"] == "ward_code") & (old["status"] != "published")]["unit"]
        assert len({weighted_city["weights"][w] for w in wards}) > 1, (var, list(wards))
