"""Issue 7 "Must show": on 30+ small instances the plan's objective is within 2% of the exact
optimum on average and 5% at worst. The exact optimum comes from a MILP (SCIP through OR-Tools) solving the same
model (see include/commdx/detail/plan_solver.hpp), independently of the code under test."""
from __future__ import annotations

import random

import pytest

from commdx import _core

pywraplp = pytest.importorskip("ortools.linear_solver.pywraplp")

ACTION_MINUTES = [15, 8, 8, 10, 20, 12, 10, 4]  # K1, K2 x2, K2.vneid, K5.bank, K8, K8.wallet, K10
SKILL_NEEDS = [1, 1, 1, 1, 2, 1, 1, 0]  # 0 anyone, 1 IT/smartphone, 2 bank staff


def instance(seed: int) -> dict:
    """A neighbourhood of 2-4 residential groups and 12-30 households, 2-4 members with 1-3 hours
    over the period, success probabilities and weights like the shipped catalogue's."""
    rng = random.Random(seed)
    groups = rng.randint(2, 4)
    units = rng.randint(10, 20)
    unit_group = [rng.randrange(groups) for _ in range(units)]
    unit_actions = []
    for _ in range(units):
        acts = []
        for a in range(len(ACTION_MINUTES)):
            if rng.random() < 0.35:
                p = rng.uniform(0.2, 0.7)
                w = rng.choice([0.5, 1.0, 1.5])
                acts.append((a, round(p * w, 4)))
        if not acts:
            acts.append((7, 0.35))
        unit_actions.append(acts)
    members = rng.randint(2, 3)
    capacity, can_do, allowed = [], [], []
    for k in range(members):
        capacity.append(float(rng.choice([60, 90, 120])))
        bank = k == 0
        it = k != 0 or rng.random() < 0.3
        can_do.append([1 if (n == 0 or (n == 1 and it) or (n == 2 and bank)) else 0 for n in SKILL_NEEDS])
        allowed.append([1 if (rng.random() < 0.8 or g == k % groups) else 0 for g in range(groups)])
    return {"unit_group": unit_group, "groups": groups, "action_minutes": [float(m) for m in ACTION_MINUTES],
            "unit_actions": unit_actions, "capacity": capacity, "can_do": can_do, "allowed": allowed,
            "travel": 10.0, "setup": 15.0}


def exact(p: dict) -> float:
    """The exact optimum of the model, by MILP (SCIP through OR-Tools), proven optimal."""
    m = pywraplp.Solver.CreateSolver("SCIP")
    U, K, G = len(p["unit_group"]), len(p["capacity"]), p["groups"]
    x, y, z = {}, {}, {}
    obj = []
    for k in range(K):
        for g in range(G):
            if p["allowed"][k][g]:
                z[g, k] = m.BoolVar("")
        load = []
        for u in range(U):
            g = p["unit_group"][u]
            if not p["allowed"][k][g]:
                continue
            x[u, k] = m.BoolVar("")
            m.Add(x[u, k] <= z[g, k])
            load.append(p["travel"] * x[u, k])
            for a, v in p["unit_actions"][u]:
                if p["can_do"][k][a]:
                    y[u, a, k] = m.BoolVar("")
                    m.Add(y[u, a, k] <= x[u, k])
                    load.append(p["action_minutes"][a] * y[u, a, k])
                    obj.append(v * y[u, a, k])
        load += [p["setup"] * z[g, k] for g in range(G) if (g, k) in z]
        m.Add(sum(load) <= p["capacity"][k])
    for u in range(U):
        m.Add(sum(x[u, k] for k in range(K) if (u, k) in x) <= 1)
    m.Maximize(sum(obj))
    m.SetSolverSpecificParametersAsString("limits/gap = 0\n")
    st = m.Solve()
    assert st == pywraplp.Solver.OPTIMAL
    gains = {(u, a): v for u in range(U) for a, v in p["unit_actions"][u]}
    return sum(gains[u, a] for (u, a, k), var in y.items() if var.solution_value() > 0.5)


def check_feasible(p: dict, sol: dict) -> float:
    """Recomputes the plan's objective and checks every constraint of the model."""
    used = [0.0] * len(p["capacity"])
    groups = set()
    total = 0.0
    for u, k in enumerate(sol["member"]):
        if k < 0:
            assert not sol["actions"][u]
            continue
        g = p["unit_group"][u]
        assert p["allowed"][k][g]
        groups.add((k, g))
        used[k] += p["travel"]
        gains = dict(p["unit_actions"][u])
        for a in sol["actions"][u]:
            assert p["can_do"][k][a]
            used[k] += p["action_minutes"][a]
            total += gains[a]
    for k, g in groups:
        used[k] += p["setup"]
    for k, c in enumerate(p["capacity"]):
        assert used[k] <= c + 1e-6
    return total


def test_plan_objective_is_within_two_percent_of_cp_sat_on_average():
    gaps = []
    for seed in range(36):
        p = instance(seed)
        sol = _core._solve_plan_problem(p)
        ours = check_feasible(p, sol)
        assert ours == pytest.approx(sol["objective"], abs=1e-9)
        best = exact(p)
        assert ours <= best + 1e-6
        assert sol["upper_bound"] >= best - 1e-6  # the reported bound is a true upper bound
        gaps.append((best - ours) / best)
    mean = sum(gaps) / len(gaps)
    print(f"instances {len(gaps)} mean gap {100 * mean:.3f}% worst {100 * max(gaps):.3f}%")
    assert mean <= 0.02
    assert max(gaps) <= 0.05


def instance_with_follows(seed: int) -> dict:
    """The instances above with R3's rule: actions 8 and 9 (12 minutes each, the health book and
    VssID) may only follow action 0 (the 15-minute lesson) in the same visit; each is offered to
    about half the units that are offered action 0."""
    p = instance(1000 + seed)
    rng = random.Random(seed)
    p["action_minutes"] = p["action_minutes"] + [12.0, 12.0]
    p["action_after"] = [-1] * len(ACTION_MINUTES) + [0, 0]
    for acts in p["unit_actions"]:
        if any(a == 0 for a, _ in acts):
            for a in (8, 9):
                if rng.random() < 0.5:
                    acts.append((a, round(rng.uniform(0.2, 0.7) * rng.choice([0.5, 1.0, 1.5]), 4)))
    p["can_do"] = [row + [row[0], row[0]] for row in p["can_do"]]
    return p


def exact_with_follows(p: dict) -> float:
    """The exact optimum with "follows": y[u, a, k] <= y[u, after(a), k], by the same MILP."""
    m = pywraplp.Solver.CreateSolver("SCIP")
    U, K, G = len(p["unit_group"]), len(p["capacity"]), p["groups"]
    after = p["action_after"]
    x, y, z = {}, {}, {}
    obj = []
    for k in range(K):
        for g in range(G):
            if p["allowed"][k][g]:
                z[g, k] = m.BoolVar("")
        load = []
        for u in range(U):
            g = p["unit_group"][u]
            if not p["allowed"][k][g]:
                continue
            x[u, k] = m.BoolVar("")
            m.Add(x[u, k] <= z[g, k])
            load.append(p["travel"] * x[u, k])
            for a, v in p["unit_actions"][u]:
                if p["can_do"][k][a]:
                    y[u, a, k] = m.BoolVar("")
                    m.Add(y[u, a, k] <= x[u, k])
                    load.append(p["action_minutes"][a] * y[u, a, k])
                    obj.append(v * y[u, a, k])
            for a, _ in p["unit_actions"][u]:
                if (u, a, k) in y and after[a] >= 0:
                    pre = y.get((u, after[a], k))
                    m.Add(y[u, a, k] <= (pre if pre is not None else 0))
        load += [p["setup"] * z[g, k] for g in range(G) if (g, k) in z]
        m.Add(sum(load) <= p["capacity"][k])
    for u in range(U):
        m.Add(sum(x[u, k] for k in range(K) if (u, k) in x) <= 1)
    m.Maximize(sum(obj))
    m.SetSolverSpecificParametersAsString("limits/gap = 0\n")
    assert m.Solve() == pywraplp.Solver.OPTIMAL
    gains = {(u, a): v for u in range(U) for a, v in p["unit_actions"][u]}
    return sum(gains[u, a] for (u, a, k), var in y.items() if var.solution_value() > 0.5)


def test_actions_that_follow_another_keep_the_plan_near_the_exact_optimum_and_the_bound_valid():
    gaps = []
    for seed in range(30):
        p = instance_with_follows(seed)
        sol = _core._solve_plan_problem(p)
        ours = check_feasible(p, sol)
        for u, acts in enumerate(sol["actions"]):  # what follows comes only with what it follows
            for a in acts:
                if p["action_after"][a] >= 0:
                    assert p["action_after"][a] in acts
        best = exact_with_follows(p)
        assert ours <= best + 1e-6
        assert sol["upper_bound"] >= best - 1e-6
        gaps.append((best - ours) / best)
    mean = sum(gaps) / len(gaps)
    print(f"instances {len(gaps)} mean gap {100 * mean:.3f}% worst {100 * max(gaps):.3f}%")
    assert mean <= 0.02
    assert max(gaps) <= 0.05
