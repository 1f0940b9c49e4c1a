"""Speed of `bottleneck causes` on the BPI Challenge 2017 W log (128k events, 113 resources).

Run: .venv/bin/python benchmarks/bench_causes.py [--repeat 3] [--synthetic 1000000]
Prints Markdown tables for benchmarks/RESULTS.md ("causes" heading). Each measurement runs the
CLI end to end in a fresh process (read, pair lifecycle events, attribute, write the files) and
the library call alone in this process; peak memory is the child's max RSS.

`--synthetic N` also times the library on benchmarks/data/log_N.parquet (made by generate.py)
given start times: each event starts an exponential time (mean 20 min) before its end, never
before the case's previous end; written to benchmarks/data/log_N_start.parquet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = (
    Path(os.environ.get("BOTTLENECK_SHARED_LOGS", ROOT.parent / "shared" / "event_logs"))
    / "BPI_Challenge_2017_W_Two_TS_filtered.xes.gz"
)


def cli_run(calendar: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv/bin/bottleneck"), "causes", str(LOG), "-o", out, "-q",
             "--calendar", calendar],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        elapsed = time.perf_counter() - t0
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return elapsed, peak


def library_run(calendar: str) -> tuple[float, float, int]:
    sys.path.insert(0, str(ROOT / "src"))
    from bottleneck_finder.analysis.causes import CauseOptions, attribute_causes
    from bottleneck_finder.api import load_log
    from bottleneck_finder.calendar import load_calendar
    from bottleneck_finder.columns import LogColumns

    t0 = time.perf_counter()
    log = load_log(LOG, LogColumns())
    t1 = time.perf_counter()
    result = attribute_causes(log, CauseOptions(calendar=load_calendar(calendar)))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(result.instances)


def synthetic(n: int) -> None:
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(ROOT / "src"))
    from bottleneck_finder.analysis.causes import attribute_causes
    from bottleneck_finder.api import load_log
    from bottleneck_finder.columns import LogColumns

    source = ROOT / "benchmarks" / "data" / f"log_{n}.parquet"
    target = ROOT / "benchmarks" / "data" / f"log_{n}_start.parquet"
    if not target.exists():
        df = pd.read_parquet(source, columns=["case_id", "activity", "timestamp", "resource"])
        df = df.sort_values(["case_id", "timestamp"], kind="stable").reset_index(drop=True)
        end = df["timestamp"].astype("datetime64[us, UTC]").astype("int64").to_numpy()
        cases = df["case_id"].to_numpy()
        same = np.r_[False, cases[1:] == cases[:-1]]
        gap = np.where(same, end - np.r_[0, end[:-1]], 3_600_000_000)
        work = np.random.default_rng(1).exponential(20 * 60 * 1e6, len(df)).astype("int64")
        df["start"] = pd.to_datetime(end - np.minimum(work, gap), unit="us", utc=True)
        df.to_parquet(target)
    columns = LogColumns(
        case="case_id", activity="activity", timestamp="timestamp", start="start",
        resource="resource",
    )  # fmt: skip
    t0 = time.perf_counter()
    log = load_log(target, columns)
    t1 = time.perf_counter()
    result = attribute_causes(log)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("| synthetic log | read, s | attribute causes, s | waiting steps | peak RSS, MiB |")
    print("|---|---:|---:|---:|---:|")
    print(f"| {target.name} ({n:,} events) | {t1 - t0:.2f} | {t2 - t1:.2f} | "
          f"{len(result.instances):,} | {peak:,.0f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0)
    args = parser.parse_args()
    if not LOG.exists():
        sys.exit(f"{LOG} not found")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {dt.date.today()}")
    print("| availability | CLI end to end, s (best of n) | peak RSS, MiB | read, s | "
          "attribute causes, s | waiting steps |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for calendar in ("none", "vn"):
        cli = [cli_run(calendar) for _ in range(args.repeat)]
        lib = [library_run(calendar) for _ in range(args.repeat)]
        best = min(cli)
        label = "learned per resource" if calendar == "none" else "calendar vn"
        print(
            f"| {label} | {best[0]:.2f} (n={args.repeat}) | {max(p for _, p in cli):,.0f} | "
            f"{min(r for r, _, _ in lib):.2f} | {min(a for _, a, _ in lib):.2f} | "
            f"{lib[0][2]:,} |"
        )
    if args.synthetic:
        synthetic(args.synthetic)


if __name__ == "__main__":
    main()
