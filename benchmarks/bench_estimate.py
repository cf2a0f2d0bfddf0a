"""Benchmark of the estimate stage: 30 indicators at every level of the place hierarchy, with
standard errors, under a stratified cluster design, against the peers on the same estimates.

    COMMDX_CORE_DIR=build/estimate-rel/python/commdx PYTHONPATH=python \\
        /work/venv/bin/python benchmarks/bench_estimate.py [--households 1000000] [--out benchmarks/RESULTS-estimate.md]

Data: synthetic households in memory (numpy, seed 7): 17 wards (strata), ~200 neighbourhoods,
~2,000 residential groups (the PSUs), weights, 30 indicator columns with missing values where a
question does not apply. Estimates: 26 means/proportions and 4 ratios (persons: adults with an
account / adults, ...), for the city, every ward, neighbourhood and group, each with its SE.

Peers: ``svy`` and ``samplics`` (PyPI) on the same estimates and design (with-replacement
approximation, no fpc, so every tool computes the same thing; checked value by value), pandas
group-by weighted means (point estimates only, no SE), and R's ``svyby`` on a subset (timed in R).
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import commdx

MEANS = ["bank_account", "e_wallet", "pay_online_electricity", "pay_online_water", "pay_online_internet",
         "pay_online_cable_tv", "pay_online_school_fees", "app_vssid", "app_vneid", "app_health_book",
         "app_vungtauioc", "app_pc_covid", "online_public_service", "car_etc", "ecommerce_buy",
         "zalo_neighbourhood_group", "home_internet", "head_education", "conv_egov", "need_egov", "conv_shopping",
         "need_shopping", "conv_selling", "need_selling", "conv_payment", "need_payment"]
RATIOS = [("adults_bank_account", "adults"), ("adults_smartphone", "adults"), ("adults_upper_secondary", "adults"),
          ("members_aware_postmart_voso", "members")]
CATALOGUE_IDS = {"bank_account": "households_bank_account", "head_education": "head_education_mean",
                 "adults_bank_account": "adults_bank_account", "adults_smartphone": "adults_smartphone",
                 "adults_upper_secondary": "adults_upper_secondary",
                 "members_aware_postmart_voso": "population_aware_postmart_voso"}
LEVELS = {"city": None, "ward": "ward_code", "neighbourhood": "neighbourhood_code", "residential_group": "group_code"}
WARDS = ["26506", "26508", "26509", "26512", "26515", "26518", "26521", "26524", "26526", "26527", "26530",
         "26533", "26535", "26536", "26539", "26542", "26545"]


def make_data(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    units = [("747", "Thành phố Vũng Tàu", "city", "")]
    group_codes, group_ward, group_nb = [], [], []
    for w in WARDS:
        units.append((w, f"Phường {w}", "ward", "747"))
        for k in range(1, 12 + int(rng.integers(0, 2))):
            nb = f"{w}-KP{k:02d}"
            units.append((nb, f"Khu phố {k}", "neighbourhood", w))
            for g in range(1, 10 + int(rng.integers(0, 3))):
                gc_ = f"{nb}-T{g:02d}"
                units.append((gc_, f"Tổ {g}", "residential_group", nb))
                group_codes.append(gc_), group_ward.append(w), group_nb.append(nb)
    places = pd.DataFrame(units, columns=["code", "name", "kind", "parent"])
    G = len(group_codes)
    g_of = np.sort(rng.integers(0, G, n))  # households sorted by group, as survey files are
    effect = rng.normal(0, 0.5, G)[g_of]
    df = pd.DataFrame({
        "ward_code": np.array(group_ward)[g_of], "neighbourhood_code": np.array(group_nb)[g_of],
        "group_code": np.array(group_codes)[g_of],
    })
    df["ward_code"] = df["ward_code"].astype("str")
    df["neighbourhood_code"] = df["neighbourhood_code"].astype("str")
    df["group_code"] = df["group_code"].astype("str")
    df["stratum"] = df["ward_code"]
    df["psu"] = df["group_code"]
    df["weight"] = rng.uniform(20, 80, n)

    def binary(p: float, missing: float = 0.0) -> np.ndarray:
        pr = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + effect)))
        y = (rng.random(n) < pr).astype(float)
        if missing:
            y[rng.random(n) < missing] = np.nan
        return y

    for i, name in enumerate(MEANS):
        if name == "head_education":
            df[name] = np.clip(np.round(rng.normal(2.6, 1.2, n) + effect), 0, 5)
        elif name.startswith(("conv_", "need_")):
            v = np.clip(np.round(rng.normal(3.3, 1.0, n) + effect), 1, 5)
            v[rng.random(n) < 0.08] = np.nan
            df[name] = v
        else:
            df[name] = binary(0.2 + 0.02 * i, 0.3 if name in ("car_etc", "pay_online_cable_tv", "pay_online_school_fees") else 0.05)
    df["has_car"] = df["car_etc"].notna().astype(float)  # car_etc is asked of car owners only
    df["members"] = rng.integers(1, 7, n).astype(float)
    df["adults"] = np.maximum(1, np.minimum(df["members"], rng.integers(1, 5, n))).astype(float)
    for num, den in RATIOS:
        df[num] = rng.binomial(df[den].to_numpy().astype(int), 0.5).astype(float)
    return df, places


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def rss_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def commdx_table(df: pd.DataFrame, places: commdx.Places) -> pd.DataFrame:
    ids = [CATALOGUE_IDS.get(v, v) for v in MEANS] + [CATALOGUE_IDS[n] for n, _ in RATIOS]
    design = commdx.SurveyDesign(weight="weight", strata="stratum", psu="psu")
    return commdx.indicators(df, places, design, catalogue=ids, as_of="2022-07-05")


def svy_table(df: pd.DataFrame, variables: list[str]) -> dict:
    import polars as pl
    import svy

    cols = ["weight", "stratum", "psu", "ward_code", "neighbourhood_code", "group_code", *variables]
    pdf = pl.from_pandas(df[cols])
    sample = svy.Sample(data=pdf, design=svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    out = {}
    for level, col in LEVELS.items():
        out[level] = sample.estimation.mean(y=variables, by=col, drop_nulls=True) if col else \
            sample.estimation.mean(y=variables, drop_nulls=True)
    return out


def samplics_table(df: pd.DataFrame, variables: list[str]) -> dict:
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

    out = {}
    for v in variables:
        keep = df[v].notna().to_numpy()
        d = df[keep]
        for level, col in LEVELS.items():
            est = TaylorEstimator(PopParam.mean)
            est.estimate(y=d[v].to_numpy(), samp_weight=d["weight"].to_numpy(), stratum=d["stratum"].to_numpy(),
                         psu=d["psu"].to_numpy(), domain=d[col].to_numpy() if col else None, remove_nan=True)
            out[(v, level)] = est
    return out


def pandas_table(df: pd.DataFrame) -> dict:
    out = {}
    w = df["weight"]
    for level, col in LEVELS.items():
        res = {}
        for v in MEANS:
            present = df[v].notna()
            wy = (w * df[v]).where(present)
            ww = w.where(present)
            res[v] = wy.groupby(df[col]).sum() / ww.groupby(df[col]).sum() if col else wy.sum() / ww.sum()
        for num, den in RATIOS:
            res[num] = (w * df[num]).groupby(df[col]).sum() / (w * df[den]).groupby(df[col]).sum() if col else \
                (w * df[num]).sum() / (w * df[den]).sum()
        out[level] = res
    return out


R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
d <- read.csv(commandArgs(TRUE)[1], colClasses = c(ward_code = "character", neighbourhood_code = "character",
              group_code = "character", stratum = "character", psu = "character"))
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
vars <- strsplit(commandArgs(TRUE)[2], ",")[[1]]
f <- as.formula(paste("~", paste(vars, collapse = "+")))
t <- system.time({
  for (b in c("ward_code", "neighbourhood_code")) r <- svyby(f, as.formula(paste0("~", b)), des, svymean, na.rm = TRUE)
})[["elapsed"]]
cat(sprintf("%.3f\n", t))
"""


def r_subset(df: pd.DataFrame, rows: int, variables: list[str]) -> float | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "subset.csv"
        sub = df.iloc[:rows]
        sub[["weight", "stratum", "psu", "ward_code", "neighbourhood_code", "group_code", *variables]].to_csv(path, index=False)
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT)
        try:
            res = subprocess.run(["Rscript", str(script), str(path), ",".join(variables)], capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired):
            return None
        try:
            return float(res.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            print(res.stderr, file=sys.stderr)
            return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--out", default=None)
    ap.add_argument("--r-rows", type=int, default=100_000)
    ap.add_argument("--samplics-vars", type=int, default=1, help="variables samplics runs (it is then extrapolated)")
    ap.add_argument("--samplics-rows", type=int, default=100_000, help="households samplics runs on (then scaled)")
    ap.add_argument("--skip-svy", action="store_true")
    args = ap.parse_args()
    lines: list[str] = []
    say = lambda s="": (print(s), lines.append(s))  # noqa: E731

    t0 = time.perf_counter()
    df, places_df = make_data(args.households)
    places = commdx.Places.from_dataframe(places_df)
    say(f"data: {len(df):,} households, {df.group_code.nunique():,} groups, {df.neighbourhood_code.nunique()} "
        f"neighbourhoods, {df.ward_code.nunique()} wards; made in {time.perf_counter() - t0:.1f} s")
    used = ["ward_code", "neighbourhood_code", "group_code", "stratum", "psu", "weight", "has_car", *MEANS,
            *{c for pair in RATIOS for c in pair}]
    input_bytes = int(df[used].memory_usage(deep=True, index=False).sum())

    # commdx: time (best of 3) and peak memory above the in-memory data
    gc.collect()
    base = rss_kb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak-RSS counter (Linux)
    except OSError:
        pass
    first = time.perf_counter()
    table = commdx_table(df, places)
    first = time.perf_counter() - first
    peak = rss_kb("VmHWM") - base
    t_commdx, table = timed(lambda: commdx_table(df, places))
    cells = len(table)
    say(f"commdx.indicators: {cells:,} rows (30 indicators x {cells // 30:,} units) in {t_commdx:.3f} s "
        f"(best of 3; first call {first:.3f} s); peak memory above the data {peak / 1024:.0f} MiB = "
        f"{peak * 1024 / input_bytes:.2f} x the {input_bytes / 2**20:.0f} MiB of input columns")

    results = {"commdx": t_commdx}
    got = table.set_index(["level", "unit", "indicator"])

    # pandas: point estimates only
    t_pd, pd_res = timed(lambda: pandas_table(df), repeat=1)
    results["pandas group-by (no SE)"] = t_pd
    diff = max(abs(pd_res["ward"][v] - got.xs(("ward", CATALOGUE_IDS.get(v, v)), level=(0, 2))["estimate"].reindex(pd_res["ward"][v].index)).max()
               for v in MEANS[:5])
    say(f"pandas group-by weighted means (no standard errors): {t_pd:.3f} s; max |diff| vs commdx (ward, 5 vars) {diff:.1e}")

    # svy
    try:
        if args.skip_svy:
            raise RuntimeError("skipped (--skip-svy)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t1 = time.perf_counter()
            one = svy_table(df, MEANS[:1])
            t_one = time.perf_counter() - t1
            if t_one * len(MEANS) < 600:
                t_svy = time.perf_counter()
                res = svy_table(df, MEANS)
                t_svy = time.perf_counter() - t_svy
                note = f"{len(MEANS)} means x 4 levels measured"
            else:
                t_svy = t_one * len(MEANS)
                note = f"1 mean x 4 levels took {t_one:.1f} s; x {len(MEANS)} means extrapolated"
                res = one
        est = res["ward"]
        say(f"svy {__import__('svy').__version__}: {t_svy:.2f} s ({note}; ratios not run)")
        try:
            e0 = est[0] if isinstance(est, list) else est
            say(f"  svy ward-level result for {MEANS[0]} (first rows):\n```\n{str(e0)[:900]}\n```")
        except Exception:  # pragma: no cover
            pass
        results["svy"] = t_svy
    except Exception as exc:  # noqa: BLE001
        say(f"svy: could not run ({type(exc).__name__}: {exc})")

    # samplics
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            k = args.samplics_vars
            sub = df.iloc[: args.samplics_rows]
            t_s = time.perf_counter()
            s_res = samplics_table(sub, MEANS[:k])
            t_s = time.perf_counter() - t_s
        scale = len(df) / len(sub)
        per_var = t_s / k * scale
        results["samplics (extrapolated)"] = per_var * len(MEANS)
        sub_table = commdx.indicators(sub, places, commdx.SurveyDesign(weight="weight", strata="stratum", psu="psu"),
                                      catalogue=[CATALOGUE_IDS.get(MEANS[0], MEANS[0])], levels=["ward"], as_of="2022-07-05")
        got_sub = sub_table.set_index(["level", "unit", "indicator"])
        v = MEANS[0]
        est = s_res[(v, "ward")]
        ward = got_sub.xs(("ward", CATALOGUE_IDS.get(v, v)), level=(0, 2))
        dmax = max(abs(est.point_est[w] - ward.loc[w, "estimate"]) / ward.loc[w, "estimate"] for w in ward.index)
        smax = max(abs(est.stderror[w] - ward.loc[w, "se"]) / ward.loc[w, "se"] for w in ward.index)
        say(f"samplics: {k} mean(s) x 4 levels on the first {len(sub):,} households in {t_s:.1f} s -> "
            f"{per_var * len(MEANS):.0f} s for {len(MEANS)} means on {len(df):,} (extrapolated linearly; ratios not run); "
            f"ward-level {v} on that subset: max relative diff vs commdx estimate {dmax:.1e}, se {smax:.1e}")
    except Exception as exc:  # noqa: BLE001
        say(f"samplics: could not run ({type(exc).__name__}: {exc})")

    # R svyby on a subset
    rows = min(args.r_rows, len(df))
    t_r = r_subset(df, rows, MEANS)
    if t_r is not None:
        t_c_sub, _ = timed(lambda: commdx.estimate(df.iloc[:rows], commdx.SurveyDesign("weight", "stratum", "psu"),
                                                    MEANS, by="ward_code"), repeat=1)
        say(f"R survey svyby (26 means, ward + neighbourhood levels) on the first {rows:,} households: {t_r:.2f} s "
            f"(commdx.estimate of the same 26 means by ward on that subset: {t_c_sub:.3f} s)")
        results[f"R svyby ({rows:,} rows, 26 means, 2 levels only)"] = t_r
    else:
        say("R survey: could not run")

    say()
    say("| tool | seconds | commdx faster by |")
    say("| --- | ---: | ---: |")
    for name, t in results.items():
        say(f"| {name} | {t:.3f} | {t / t_commdx:.1f}x |")
    say()
    say(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, numpy {np.__version__}")
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
