"""CSV reading speed: commdx's survey reader against pandas.read_csv(engine="pyarrow"), one run.

Both read the same households file (every column of docs/data-dictionary.md) into a pandas
DataFrame. commdx also types every column by the schema, checks ranges, adults <= members and the
other cross-column rules, duplicate ids and (with the places tree) every ward / neighbourhood /
group code and that each lies inside the one before; pandas does none of this. The readers run
interleaved, `--repeats` times each; the best time of each is reported, and the ratio
pandas / commdx (above 1: commdx is faster).

    python benchmarks/bench_csv.py [--households 1000000] [--file F.csv --places P.csv] [--repeats 3]

Without --file the file is made by benchmarks/bench_csv_gen.py (deterministic) in a temporary
directory, or taken from `commdx synth` output when --file points at it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time

import pandas as pd
import pyarrow

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import commdx  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--file")
    ap.add_argument("--places")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", help="write the numbers here too")
    args = ap.parse_args()

    tmp = None
    if args.file:
        path, places_path = args.file, args.places
    else:
        import bench_csv_gen

        tmp = tempfile.mkdtemp(prefix="commdx-bench-csv-")
        path = os.path.join(tmp, "households.csv")
        t = time.perf_counter()
        bench_csv_gen.main(["", path, str(args.households)])
        print(f"generated {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        places_path = os.path.join(tmp, "households-places.csv")
    places = commdx.Places.from_file(places_path) if places_path else None
    size = os.path.getsize(path)

    readers = {
        "pandas.read_csv(engine='pyarrow')": lambda: pd.read_csv(path, engine="pyarrow"),
        "commdx.read_households(path)": lambda: commdx.read_households(path),
        "commdx.read_households(path, places=...)": lambda: commdx.read_households(path, places=places),
    }
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    shapes = {}
    for _ in range(args.repeats):
        for name, fn in readers.items():
            c = time.process_time()
            t = time.perf_counter()
            df = fn()
            times.setdefault(name, []).append(time.perf_counter() - t)
            cpu.setdefault(name, []).append(time.process_time() - c)
            shapes[name] = df.shape
            del df
    best = {k: min(v) for k, v in times.items()}
    base = best["pandas.read_csv(engine='pyarrow')"]
    print(f"file: {path} ({size / 1e6:.1f} MB, {shapes['commdx.read_households(path)'][0]} rows, "
          f"{shapes['commdx.read_households(path)'][1]} columns); best of {args.repeats}, interleaved")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"pandas {pd.__version__}, pyarrow {pyarrow.__version__}, commdx {commdx.__version__}")
    print()
    print("| reader | best wall s | all runs wall s | MB/s | pandas-pyarrow wall / this wall | best CPU s (all threads) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for k, v in best.items():
        runs = ", ".join(f"{x:.3f}" for x in times[k])
        print(f"| {k} | {v:.3f} | {runs} | {size / 1e6 / v:.0f} | {base / v:.2f} | {min(cpu[k]):.3f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"file": path, "bytes": size, "times": times, "cpu": cpu, "best": best}, f, indent=1)
    if tmp:
        for name in os.listdir(tmp):
            os.remove(os.path.join(tmp, name))
        os.rmdir(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
