"""Share of unit x indicator cells published on a city folder (commdx synth --out DIR): the count
rule of report.hpp per indicator (before) against docs/disclosure.md (after).

    python benchmarks/disclosure_share.py DIR [unanimous_below]
"""
import sys, pandas as pd, commdx, commdx.report as R
from commdx.disclosure import indicator_pattern, _unit_counts, _tree
from commdx.monitor import suppress_small_cells
d = sys.argv[1]
files = R.load_city_folder(d)
rows = pd.concat([files["sample"].assign(round=0), files["followup"].assign(round=files["followup"].get("round", 1))], ignore_index=True)
cfg = R.load_report_config()
defs = [x for x in R._indicator_defs(cfg) if x["numerator"] in rows.columns and (not x["denominator"] or x["denominator"] in rows.columns)]
variables = {x["id"]: (x["numerator"], x["denominator"] or None) for x in defs}
k = 5.0
pat = indicator_pattern(rows, variables, k=k, unanimous_below=float(sys.argv[2]) if len(sys.argv) > 2 else 4 * k)
cnt = _unit_counts(rows, variables)
n = cnt.groupby(["unit", "variable"])["n"].min().reset_index()
old = pat[["unit", "parent", "level", "variable"]].merge(n, on=["unit", "variable"], how="left").fillna({"n": 0})
old["suppression"] = suppress_small_cells(old.rename(columns={"n": "households"}), id="unit", parent="parent", households="households", group="variable", min_households=k).to_numpy()
for level in ["city", "ward_code", "neighbourhood_code", "group_code"]:
    o = old[old["level"] == level]; p = pat[pat["level"] == level]
    print(f"{level:20s} cells {len(p):5d}  published old {100*(o['suppression']=='published').mean():5.1f}%  new {100*(p['status']=='published').mean():5.1f}%")
print("all levels (unit x indicator): old %.1f%%  new %.1f%%" % (100 * (old["suppression"] == "published").mean(), 100 * (pat["status"] == "published").mean()))
print("reasons", pat["reason"].value_counts().to_dict(), pat["status"].value_counts().to_dict(), "indicators", len(variables))
