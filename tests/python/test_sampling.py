"""Issue 14: commdx.sample_size and commdx.allocate, and ``commdx survey size | allocate``.

The expected numbers are worked by hand from the textbook formulas (the same cases are printed by
tests/data/sampling/reference.R in base R, independently of commdx) or come from samplics
(PyPI), an independent implementation of the same sample-size formulas. samplics applies the
design effect after the finite population correction, commdx before it (exact for a design effect
relative to SRS without replacement: docs/sampling.md), so the two agree wherever the order does
not matter: deff = 1, or no fpc.
"""
from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commdx

ROOT = Path(__file__).resolve().parents[2]
# a previous round's estimates as `commdx indicators` writes them: the demo's baseline (city and ward
# rows) before issue 14 fielded the demo's survey, frozen here
BASELINE = ROOT / "tests" / "data" / "sampling" / "previous-round.csv"


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "commdx", "survey", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=300)


# --- sample size --------------------------------------------------------------------------------

def test_the_classic_385_and_its_steps():
    # Cochran (1977, §4.4) n0 = z^2 pq / e^2: 1.959964^2 x 0.25 / 0.05^2 = 384.146 -> 385
    r = commdx.sample_size(p=0.5, margin=0.05)
    assert len(r) == 1
    row = r.iloc[0]
    assert row.n0 == pytest.approx(384.145882069412, rel=1e-12)
    assert row.n_deff == row.n0 == row.n_fpc == row.n_contact
    assert row.n == 385 and row.respondents == 385


def test_wards_with_deff_fpc_and_response():
    wards = pd.DataFrame({"domain": ["26506", "26508"], "population": [4285, 1251], "p": [0.3, 0.5],
                          "deff": [1.8, 1.0], "response_rate": [0.85, 1.0]})
    r = commdx.sample_size(wards, margin=0.05)
    assert list(r.domain) == ["26506", "26508"]
    a, b = r.iloc[0], r.iloc[1]
    # 322.683 x 1.8 = 580.829; / (1 + 579.829/4285) = 511.601; / 0.85 = 601.883 (reference.R case 3)
    assert (a.n0, a.n_deff, a.n_fpc, a.n_contact) == pytest.approx(
        (322.682540938306, 580.828573688951, 511.600850997692, 601.883354114932), rel=1e-12)
    assert (a.n, a.respondents) == (602, 512)
    # 384.146 / (1 + 383.146/1251) = 294.07 -> 295
    assert b.n_fpc == pytest.approx(384.145882069412 / (1 + 383.145882069412 / 1251), rel=1e-12)
    assert b.n == 295


def test_agrees_with_samplics_where_the_order_of_deff_and_fpc_does_not_matter():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # samplics warns that it is archived
        from samplics import SampleSize
    # deff = 1, finite N, response rates: the fpc then the response rate, as samplics does
    targets = {"A": 0.5, "B": 0.3, "C": 0.12, "D": 0.7}
    pops = {"A": 1251, "B": 4285, "C": 800, "D": 15000}
    rates = {"A": 1.0, "B": 0.85, "C": 0.7, "D": 0.9}
    s = SampleSize(strat=True)
    s.calculate(half_ci=0.04, target=targets, pop_size=pops, resp_rate=rates, alpha=0.05)
    table = pd.DataFrame({"domain": list(targets), "p": list(targets.values()), "population": list(pops.values()),
                          "response_rate": list(rates.values())})
    ours = commdx.sample_size(table, margin=0.04)
    assert dict(zip(ours.domain, ours.n)) == s.samp_size
    # design effects without an fpc (90% confidence too)
    deffs = {"A": 1.5, "B": 2.2, "C": 1.0, "D": 3.1}
    s = SampleSize(strat=True)
    s.calculate(half_ci=0.05, target=targets, deff=deffs, resp_rate=rates, alpha=0.10)
    table = table.drop(columns="population").assign(deff=list(deffs.values()))
    ours = commdx.sample_size(table, margin=0.05, confidence=0.90)
    assert dict(zip(ours.domain, ours.n)) == s.samp_size


def test_deff_from_the_previous_rounds_estimates():
    # the previous round's estimates (what `commdx indicators` wrote); each ward's deff of the
    # indicator, read here with the csv module
    # (the demo's wards are sampled so that only two have a design effect for this indicator)
    with open(BASELINE, encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    rows = [r for r in table if r["indicator"] == "adults_bank_account"]
    expected = {r["unit"]: float(r["deff"]) for r in rows if r["level"] == "ward" and r["deff"]}
    assert sorted(expected) == ["26542", "26545"]
    wards = pd.DataFrame({"domain": list(expected), "population": [4000] * len(expected)})
    # both wards' deffs are below 1 (0.49 and 0.93: a small round): floored at 1, with a warning
    # naming each ward
    assert expected["26542"] < expected["26545"] < 1
    with pytest.warns(commdx.sampling.DeffFloorWarning,
                      match=r"below 1 for 26542 \(0\.488\), 26545 \(0\.928\): sized with deff 1") as caught:
        r = commdx.sample_size(wards, p=0.5, margin=0.05, response_rate=0.9, previous=BASELINE,
                               indicator="adults_bank_account")
    assert len(caught) == 1
    used = {u: 1.0 for u in expected}
    assert dict(zip(r.domain, r.deff)) == used and r.attrs["deff_floored"] == expected
    for row in r.itertuples():
        nd = 384.145882069412 * used[row.domain]
        assert row.n_fpc == pytest.approx(nd / (1 + (nd - 1) / 4000), rel=1e-12)
        assert row.n == math.ceil(row.n_fpc / 0.9 - 1e-9)
    # overall: the city row
    city = next(float(r["deff"]) for r in rows if r["level"] == "city")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the city's 1.006 is used as it is, without a warning
        o = commdx.sample_size(p=0.5, margin=0.05, previous=BASELINE, indicator="adults_bank_account")
    assert o.deff.iloc[0] == city > 1 and o.attrs["deff_floored"] == {}
    with pytest.raises(commdx.ConfigError) as e:
        commdx.sample_size(pd.DataFrame({"domain": ["99999"]}), p=0.5, margin=0.05, previous=BASELINE,
                           indicator="adults_bank_account")
    assert e.value.unit == "99999" and e.value.column == "unit" and e.value.file == str(BASELINE)
    # a ward whose estimate has no design effect (an empty deff) is refused, naming its row
    with pytest.raises(commdx.InputError) as e:
        commdx.sample_size(pd.DataFrame({"domain": ["26506"]}), p=0.5, margin=0.05, previous=BASELINE,
                           indicator="adults_bank_account")
    row = next(i for i, r in enumerate(table, start=1)
               if r["indicator"] == "adults_bank_account" and r["unit"] == "26506")
    assert (e.value.row, e.value.column, e.value.unit) == (row, "deff", "26506")


def test_a_mean_to_a_relative_se():
    # members per household, S = 4.2, mean 3.6, 5% relative SE, N = 2000: PracTools nCont's
    # S2 / (V0 + S2/N) = 427.948 (reference.R case 4)
    r = commdx.sample_size(variance=4.2 ** 2, mean=3.6, population=2000, relative_se=0.05)
    assert r.n_fpc.iloc[0] == pytest.approx(427.947598253275, rel=1e-12)
    assert r.n.iloc[0] == 428


def test_sample_size_refusals_name_the_row_column_and_domain():
    wards = pd.DataFrame({"domain": ["26506", "26508"], "population": [4285, -5], "p": [0.3, 0.3]})
    wards.attrs["source"] = "wards.csv"
    with pytest.raises(commdx.InputError) as e:
        commdx.sample_size(wards, margin=0.05)
    assert (e.value.file, e.value.row, e.value.column, e.value.unit) == ("wards.csv", 2, "population", "26508")
    assert e.value.id == "commdx.sampling.input"
    with pytest.raises(commdx.ValidationError) as e:  # 150 households cannot give +-3 points
        commdx.sample_size(pd.DataFrame({"domain": ["NB07"], "population": [150]}), p=0.5, margin=0.03,
                           response_rate=0.6)
    assert e.value.unit == "NB07" and e.value.id == "commdx.sampling.infeasible"
    with pytest.raises(commdx.ConfigError):
        commdx.sample_size(p=0.5, margin=0.05, relative_se=0.1)
    with pytest.raises(commdx.InputError) as e:
        commdx.sample_size(pd.DataFrame({"domain": ["a", "b"], "p": [0.5, "nửa"]}), margin=0.05)
    assert (e.value.row, e.value.column) == (2, "p")
    with pytest.raises(commdx.ConfigError) as e:
        commdx.sample_size(pd.DataFrame({"domain": ["a"], "p": [0.5]}), p=0.4, margin=0.05)
    assert e.value.column == "p"


# --- allocation ---------------------------------------------------------------------------------

SMHO = pd.DataFrame({"stratum": ["1", "2", "3", "4", "5", "6"], "population": [215, 65, 252, 50, 149, 144],
                     "sd": [26787207, 10645109, 6909676, 11085034, 9817762, 44553355],
                     "cost": [1400, 200, 300, 600, 450, 1000]})


def test_neyman_and_optimal_as_practools_stralloc():
    # PracTools vignette "Singlestage-samsize" (Valliant, Dever & Kreuter 2018 ch. 3):
    # strAlloc(n.tot = 100, alloc = "neyman"): 34.642 4.162 10.473 3.334 8.799 38.590
    r = commdx.allocate(SMHO, n=100, method="neyman")
    assert list(r.exact) == pytest.approx([34.6416828348418, 4.16194710977725, 10.4734873315489,
                                           3.33380444542347, 8.79897037998571, 38.5901078984229], rel=1e-12)
    assert list(r.n) == [35, 4, 10, 3, 9, 39]
    assert r.attrs["variance"] == pytest.approx(2985963034793.81, rel=1e-12)
    # strAlloc(cost = 100000, alloc = "totcost"): n = 118.874 -> 119 allocated
    b = commdx.allocate(SMHO, budget=100000, method="optimal")
    assert b.attrs["total"] == pytest.approx(118.874045307092, rel=1e-12)
    assert list(b.n) == [31, 10, 20, 4, 14, 40]
    # strAlloc(CV0 = 0.05, ybarU = 11664181, alloc = "totvar"): n = 406.078 -> 406
    v = commdx.allocate(SMHO, variance=(0.05 * 11664181) ** 2, method="optimal")
    assert v.attrs["total"] == pytest.approx(406.078240637092, rel=1e-12)
    assert int(v.n.sum()) == 406
    assert (v.n <= v.population).all()
    # Neyman for a target variance: (sum W S)^2 / (V0 + sum W S^2 / N), the equal-cost case
    W = SMHO.population / SMHO.population.sum()
    V0 = (0.05 * 11664181) ** 2
    expected = (W * SMHO.sd).sum() ** 2 / (V0 + (W * SMHO.sd ** 2).sum() / SMHO.population.sum())
    ney = commdx.allocate(SMHO.drop(columns="cost"), variance=V0, method="neyman")
    assert ney.attrs["total"] == pytest.approx(expected, rel=1e-12)
    assert int(ney.n.sum()) == round(expected)


def test_box_constrained_neyman_as_stratallo_publishes_it():
    # the README of the R package stratallo (github.com/wwojciech/stratallo, commit 0198b6e): four
    # strata, a = N S; its printed allocations under upper bounds and under box constraints
    st = pd.DataFrame({"stratum": ["1", "2", "3", "4"], "population": [3000, 4000, 5000, 2000], "sd": [48, 79, 76, 16]})
    r = commdx.allocate(st.assign(maximum=[100, 90, 70, 80]), n=190, method="neyman")
    assert list(r.exact) == pytest.approx([35.121951, 77.073171, 70.000000, 7.804878], abs=5e-7)
    box = st.assign(minimum=[100, 90, 500, 50], maximum=[300, 400, 800, 90])
    r = commdx.allocate(box, n=1284, method="neyman")
    assert list(r.exact) == pytest.approx([228.9496, 400.0000, 604.1727, 50.8777], abs=5e-5)
    assert list(r.bound) == ["", "maximum", "", ""]  # stratum 2 held at its maximum of 400
    # its rounding example (a = (3000, 4000, 5000, 2000), the same box): round_oric gives 297 397 500 90
    r = commdx.allocate(box.assign(sd=1.0), n=1284, method="neyman")
    assert list(r.n) == [297, 397, 500, 90]


def test_bounds_and_power_allocation():
    wards = pd.DataFrame({"stratum": ["W1", "W2", "W3"], "population": [9000, 800, 200]})
    r = commdx.allocate(wards, n=300, minimum=30)
    assert list(r.n) == [240, 30, 30] and list(r.bound) == ["", "minimum", "minimum"]
    r = commdx.allocate(wards.assign(maximum=[200, None, None]), n=300, minimum=30)
    assert list(r.n) == [200, 70, 30] and list(r.bound) == ["maximum", "", "minimum"]
    # Bankier, q = 0.5, proportions p = (0.5, 0.3, 0.1): S = sqrt(pq), Y = p, a = N^0.5 S Y^-0.5
    p = pd.DataFrame({"stratum": ["A", "B", "C"], "population": [10000, 1000, 100], "p": [0.5, 0.3, 0.1]})
    r = commdx.allocate(p, n=300, method="power", power=0.5)
    a = [n ** 0.5 * math.sqrt(q * (1 - q)) * q ** -0.5 for n, q in zip(p.population, p.p)]
    assert list(r.exact) == pytest.approx([300 * x / sum(a) for x in a], rel=1e-12)
    assert int(r.n.sum()) == 300


def test_allocation_refusals_name_the_stratum():
    bad = pd.DataFrame({"stratum": ["A", "B"], "population": [100, 0], "minimum": [0, 5]})
    bad.attrs["source"] = "strata.csv"
    with pytest.raises(commdx.ValidationError) as e:
        commdx.allocate(bad, n=50)
    assert (e.value.file, e.value.row, e.value.column, e.value.unit) == ("strata.csv", 2, "minimum", "B")
    with pytest.raises(commdx.ValidationError) as e:
        commdx.allocate(pd.DataFrame({"stratum": ["A", "B"], "population": [100, 100]}), n=50, minimum=30)
    assert e.value.column == "minimum" and "sum to 60" in e.value.reason
    with pytest.raises(commdx.InputError) as e:
        commdx.allocate(pd.DataFrame({"stratum": ["A", "B"], "population": [100, 100], "sd": [2, -1]}), n=50,
                        method="neyman")
    assert (e.value.row, e.value.column, e.value.unit) == (2, "sd", "B")
    with pytest.raises(commdx.ValidationError) as e:
        commdx.allocate(pd.DataFrame({"stratum": ["A", "B"], "population": [100, 100]}), n=201)
    assert "above the strata's population of 200" in e.value.reason
    with pytest.raises(commdx.ValidationError) as e:
        commdx.allocate(pd.DataFrame({"stratum": ["A", "A"], "population": [100, 100]}), n=20)
    assert (e.value.row, e.value.unit) == (2, "A")


# --- the command line ---------------------------------------------------------------------------

def test_cli_size_per_ward_with_the_previous_deff(tmp_path):
    with open(BASELINE, encoding="utf-8-sig", newline="") as f:
        deff = {r["unit"]: float(r["deff"]) for r in csv.DictReader(f)
                if r["indicator"] == "adults_bank_account" and r["level"] == "ward" and r["deff"]}
    domains = tmp_path / "wards.csv"
    pd.DataFrame({"domain": list(deff), "population": [3000 + 250 * i for i in range(len(deff))]}).to_csv(domains, index=False)
    out = tmp_path / "size.csv"
    res = run("size", str(domains), "--p", "0.3", "--margin", "0.05", "--response-rate", "0.8",
              "--previous", str(BASELINE), "--indicator", "adults_bank_account", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM as the other CSVs
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"domain": str})
    assert list(table.columns) == ["domain", "p", "population", "deff", "response_rate", "z", "n0", "n_deff",
                                   "n_fpc", "n_contact", "respondents", "n"]
    deff = {u: max(1.0, d) for u, d in deff.items()}  # 0.488 and 0.928 floored at 1, and said per ward
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 2 and "26542 (0,488)" in lines[0] and "26545 (0,928)" in lines[1], res.stderr
    assert all("nhỏ hơn 1" in x for x in lines)
    assert dict(zip(table.domain, table.deff)) == pytest.approx(deff, rel=1e-15)
    n0 = 1.959963984540054 ** 2 * 0.21 / 0.0025
    for r in table.itertuples():
        nd = n0 * deff[r.domain]
        assert r.n == math.ceil(nd / (1 + (nd - 1) / r.population) / 0.8 - 1e-9)
    assert "cần tiếp cận" in res.stdout and str(int(table.n.sum())) in res.stdout


def test_cli_allocate_in_english(tmp_path):
    strata = tmp_path / "strata.csv"
    pd.DataFrame({"stratum": ["W1", "W2", "W3"], "population": [9000, 800, 200]}).to_csv(strata, index=False)
    out = tmp_path / "alloc.csv"
    res = run("allocate", str(strata), "--n", "300", "--minimum", "30", "-o", str(out), "--lang", "en")
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(table.n) == [240, 30, 30]
    assert "Allocated 300 households to 3 strata by proportional; 2 strata at a bound" in res.stdout


@pytest.mark.parametrize("rows, args, where", [
    # a missing column: the table names the strata but not their households
    ({"stratum": ["W1", "W2"], "households": [10, 20]}, ["--n", "5"], ["cột 'population'"]),
    # a negative population in the second data row
    ({"stratum": ["W1", "W2"], "population": [100, -4]}, ["--n", "5"], ["dòng 2", "cột 'population'", "đơn vị W2"]),
    # minimums that cannot fit in n
    ({"stratum": ["W1", "W2"], "population": [100, 100], "minimum": [40, 40]}, ["--n", "60"],
     ["cột 'minimum'", "sum to 80"]),
    # a minimum in a stratum without households
    ({"stratum": ["W1", "W2"], "population": [100, 0], "minimum": [0, 3]}, ["--n", "10"],
     ["dòng 2", "cột 'minimum'", "đơn vị W2"]),
])
def test_cli_allocate_refuses_bad_tables_naming_file_row_column(tmp_path, rows, args, where):
    strata = tmp_path / "strata.csv"
    pd.DataFrame(rows).to_csv(strata, index=False)
    res = run("allocate", str(strata), *args)
    assert res.returncode == 2
    line = res.stderr.strip()
    assert len(line.splitlines()) == 1 and line.startswith("commdx survey: ")
    assert str(strata) in line
    for w in where:
        assert w in line, line


def test_cli_size_refuses_previous_estimates_without_a_deff_column(tmp_path):
    previous = tmp_path / "estimates.csv"
    pd.read_csv(BASELINE, encoding="utf-8-sig", dtype=str).drop(columns="deff").to_csv(previous, index=False)
    res = run("size", "--p", "0.5", "--margin", "0.05", "--previous", str(previous), "--indicator", "adults_bank_account")
    assert res.returncode == 2
    assert str(previous) in res.stderr and "'deff'" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_cli_size_refuses_a_negative_population_in_english(tmp_path):
    domains = tmp_path / "wards.csv"
    pd.DataFrame({"domain": ["26506", "26508"], "population": [4000, -1], "p": [0.3, 0.4]}).to_csv(domains, index=False)
    res = run("size", str(domains), "--margin", "0.05", "--lang", "en")
    assert res.returncode == 2
    assert f"{domains}, row 2, column 'population', unit 26508: the population must be a positive number" in res.stderr


def _iterative(n, a, lo, hi):
    """The textbook recomputation (Cochran 1977 §5.5's remark on n_h > N_h, extended to minimums):
    share what is left among the free strata in proportion to a_h, fix every stratum that breaks a
    bound at it, and start again from all strata whenever a fixed one would come back inside."""
    fixed: dict[int, float] = {}
    for _ in range(10 * len(a) + 10):
        free = [h for h in range(len(a)) if h not in fixed]
        left = n - sum(fixed.values())
        total = sum(a[h] for h in free)
        x = {h: left * a[h] / total for h in free}
        broken = {h: (lo[h] if x[h] < lo[h] else hi[h]) for h in free if x[h] < lo[h] - 1e-12 or x[h] > hi[h] + 1e-12}
        if not broken:
            return [fixed.get(h, x.get(h)) for h in range(len(a))]
        # fix the worst side first: the upper bounds when the free strata overflow, else the lower
        over = {h: v for h, v in broken.items() if x[h] > hi[h]}
        fixed.update(over or broken)
    raise AssertionError("no convergence")


def test_bounded_neyman_is_the_iteration_and_the_constrained_optimum():
    """Random strata with minimums and maximums: the allocation's exact n_h equal the textbook
    iteration's (written out above), and minimise sum N_h^2 S_h^2 / n_h under the bounds as SciPy's
    constrained optimiser finds it."""
    from scipy.optimize import Bounds, LinearConstraint, minimize

    rng = np.random.default_rng(14)
    for _ in range(25):
        H = int(rng.integers(3, 9))
        N = rng.integers(40, 3000, H).astype(float)
        S = rng.uniform(0.1, 3.0, H)
        lo = np.minimum(rng.integers(0, 40, H), N).astype(float)
        hi = np.minimum(N, rng.integers(60, 2000, H)).astype(float)
        n = int(rng.integers(int(lo.sum()) + 1, int(hi.sum())))
        table = pd.DataFrame({"stratum": [f"S{h}" for h in range(H)], "population": N.astype(int), "sd": S,
                              "minimum": lo.astype(int), "maximum": hi.astype(int)})
        r = commdx.allocate(table, n=n, method="neyman")
        assert int(r.n.sum()) == n and (r.n >= lo).all() and (r.n <= hi).all()
        assert (np.abs(r.n - r.exact) < 1).all()
        assert list(r.exact) == pytest.approx(_iterative(n, list(N * S), list(lo), list(hi)), rel=1e-9, abs=1e-9)
        f = lambda x: float(np.sum(N ** 2 * S ** 2 / x))  # noqa: E731
        x0 = np.clip(np.full(H, n / H), np.maximum(lo, 1e-9), hi)
        scale = f(x0)
        A2 = N ** 2 * S ** 2
        best = minimize(lambda x: f(x) / scale, x0, jac=lambda x: -A2 / x ** 2 / scale,
                        hess=lambda x: np.diag(2 * A2 / x ** 3 / scale), method="trust-constr",
                        bounds=Bounds(np.maximum(lo, 1e-9), hi),
                        constraints=[LinearConstraint(np.ones((1, H)), n, n)],
                        options={"gtol": 1e-12, "xtol": 1e-12, "maxiter": 5000})
        assert abs(best.x.sum() - n) < 1e-6
        assert f(r.exact.to_numpy()) <= f(best.x) * (1 + 1e-9)
        assert list(r.exact) == pytest.approx(list(best.x), rel=1e-3, abs=1e-3)


@pytest.mark.parametrize("overlap, correlation", [(0.0, 0.0), (1.0, 0.5)])
def test_the_change_size_gives_its_power_in_simulation(overlap, correlation):
    """The re-survey (R4): n households a round, as sample_size(change=) computes them, give the
    Wald test of the change (each round's own SE; for a panel, the paired differences) its power.
    Independent of the formula: 20,000 simulated pairs of rounds with numpy, seeded; the share of
    rejections must be within 4 binomial SEs (0.011) of 0.8. Fresh households: n = 385 a round;
    a panel whose answers correlate 0.5: n = 193 (hand-worked in test_sampling.cpp)."""
    size = commdx.sample_size(p=0.4, change=0.1, test_power=0.8, overlap=overlap, correlation=correlation)
    n = int(size["n"].iloc[0])
    assert n == (385 if overlap == 0 else 193)
    assert size.attrs["target"] == {"change": 0.1, "confidence": 0.95, "test_power": 0.8}
    rng = np.random.default_rng(20261202)
    reps, p1, p2 = 20_000, 0.4, 0.5
    if overlap == 0:
        a = rng.binomial(n, p1, reps) / n
        b = rng.binomial(n, p2, reps) / n
        z = (b - a) / np.sqrt(a * (1 - a) / n + b * (1 - b) / n)
    else:  # the same households twice; P(yes in both) = p1 p2 + rho sqrt(p1 q1 p2 q2)
        both = p1 * p2 + correlation * np.sqrt(p1 * (1 - p1) * p2 * (1 - p2))
        cells = [both, p1 - both, p2 - both, 1 - p1 - p2 + both]  # (1,1), (1,0), (0,1), (0,0)
        counts = rng.multinomial(n, cells, reps)
        a = (counts[:, 0] + counts[:, 1]) / n
        b = (counts[:, 0] + counts[:, 2]) / n
        d_mean = b - a
        d_var = ((counts[:, 1] + counts[:, 2]) / n - d_mean ** 2) * n / (n - 1)  # d = y2 - y1 in {-1, 0, 1}
        z = d_mean / np.sqrt(d_var / n)
    power = np.mean(np.abs(z) > 1.959963984540054)
    assert abs(power - 0.8) < 4 * np.sqrt(0.8 * 0.2 / reps), power


def test_cli_size_for_the_second_round(tmp_path):
    out = tmp_path / "round2.csv"
    res = subprocess.run([sys.executable, "-m", "commdx", "survey", "size", "--change", "0.1", "--p", "0.4",
                          "--overlap", "1", "--correlation", "0.5", "-o", str(out)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Để phát hiện thay đổi 10,0 điểm phần trăm với xác suất 80,0 %, mỗi vòng cần tiếp cận "
                                 "193 hộ") and "n0 = 192,3" in res.stdout, res.stdout
    got = pd.read_csv(out, encoding="utf-8-sig")
    assert got.loc[0, "n"] == 193 and got.loc[0, "overlap"] == 1 and got.loc[0, "correlation"] == 0.5
    res = subprocess.run([sys.executable, "-m", "commdx", "survey", "size", "--change", "0.1", "--p", "0.95",
                          "--lang", "en"], capture_output=True, text=True)
    assert res.returncode == 2 and "column 'p'" in res.stderr and "0.95 + 0.1" in res.stderr, res.stderr
