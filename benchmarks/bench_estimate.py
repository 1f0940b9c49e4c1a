"""Estimated start times: their error where starts are recorded, and `causes` speed with them.

Run: .venv/bin/python benchmarks/bench_estimate.py [--data benchmarks/data] [--synthetic 1000000]
Prints Markdown tables for benchmarks/RESULTS.md and docs/causes.md ("Without start times"):

- for each shared start+complete log, all recorded starts hidden and estimated
  (`analysis.start_estimate.log_estimate_error`): median absolute error of the waits and
  processing times against the recorded ones, beside the naive estimate "start = enablement";
- `bottleneck causes` end to end (fresh process) on the BPI Challenge 2017 W log written as a
  complete-only CSV (every start dropped), and `attribute_causes` alone on it;
- with `--synthetic N`, `attribute_causes` on benchmarks/data/log_N.parquet (complete-only,
  made by generate.py): every start estimated.
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
SHARED = Path(os.environ.get("BOTTLENECK_SHARED_LOGS", ROOT.parent / "shared" / "event_logs"))
LOGS = ("BPI_Challenge_2017_W_Two_TS_filtered.xes.gz", "Production.xes.gz", "bpic2012.xes.gz")
sys.path.insert(0, str(ROOT / "src"))


def errors() -> None:
    from bottleneck_finder.analysis.start_estimate import log_estimate_error
    from bottleneck_finder.api import load_log
    from bottleneck_finder.columns import LogColumns

    print("| log | instances | wait MAE, s | naive wait MAE, s | processing MAE, s | "
          "naive processing MAE, s | median real wait, s | median real processing, s | "
          "estimate, s |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in LOGS:
        path = SHARED / name
        if not path.exists():
            continue
        log = load_log(path, LogColumns())
        t0 = time.perf_counter()
        e = log_estimate_error(log)
        took = time.perf_counter() - t0
        figures = (
            e.wait_mae_s, e.naive_wait_mae_s, e.processing_mae_s, e.naive_processing_mae_s,
            e.real_wait_median_s, e.real_processing_median_s,
        )  # fmt: skip
        cells = " | ".join(f"{x:,.0f}" for x in figures)
        print(f"| {name} | {e.instances:,} | {cells} | {took:.2f} |")


def complete_only_bpi2017(folder: Path) -> Path:
    """The BPI 2017 W log's activity instances as a CSV with end times only."""
    from bottleneck_finder.api import load_log
    from bottleneck_finder.columns import LogColumns
    from bottleneck_finder.prepared import prepared

    log = load_log(SHARED / LOGS[0], LogColumns())
    with prepared(log) as p:
        steps = p.session("real").frame(
            "SELECT case_id, activity, resource_id, end_us FROM steps ORDER BY row_no"
        )
    events = log.events
    frame = steps.assign(
        case=events["case"].cat.categories[steps["case_id"]],
        activity=events["activity"].cat.categories[steps["activity"]],
        resource=events["resource"].cat.categories[steps["resource_id"].fillna(0).astype(int)],
        end=[dt.datetime.fromtimestamp(us / 1e6, dt.UTC).isoformat() for us in steps["end_us"]],
    )[["case", "activity", "resource", "end"]]
    target = folder / "bpi2017_w_complete_only.csv"
    frame.to_csv(target, index=False)
    return target


def speed(folder: Path, repeat: int) -> None:
    from bottleneck_finder.analysis.causes import attribute_causes
    from bottleneck_finder.api import load_log
    from bottleneck_finder.columns import LogColumns

    path = complete_only_bpi2017(folder)
    cli = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bottleneck_finder", "causes", str(path), "-o",
             str(folder / "out"), "-q", "--timestamp", "end"],
            check=True, stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )  # fmt: skip
        cli.append(time.perf_counter() - t0)
    columns = LogColumns(case="case", activity="activity", resource="resource", timestamp="end")
    log = load_log(path, columns)
    lib = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = attribute_causes(log)
        lib.append(time.perf_counter() - t0)
    print()
    print("| BPI 2017 W, starts dropped | s (best of n) |")
    print("|---|---:|")
    print(f"| `causes` CLI end to end | {min(cli):.2f} (n={repeat}) |")
    print(f"| `attribute_causes` (estimation included) | {min(lib):.2f} (n={repeat}) |")
    print(f"| instances estimated | {result.instances_estimated:,} |")


def synthetic(data: Path, n: int) -> None:
    from bottleneck_finder.analysis.causes import attribute_causes
    from bottleneck_finder.api import load_log
    from bottleneck_finder.columns import LogColumns

    columns = LogColumns(
        case="case_id", activity="activity", timestamp="timestamp", resource="resource"
    )
    t0 = time.perf_counter()
    log = load_log(data / f"log_{n}.parquet", columns)
    t1 = time.perf_counter()
    result = attribute_causes(log)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("| synthetic complete-only log | read, s | attribute causes (estimation included), s "
          "| instances estimated | peak RSS, MiB |")  # fmt: skip
    print("|---|---:|---:|---:|---:|")
    print(f"| log_{n}.parquet | {t1 - t0:.2f} | {t2 - t1:.2f} | "
          f"{result.instances_estimated:,} | {peak:,.0f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--synthetic", type=int, default=0)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {dt.date.today()}")
    errors()
    with tempfile.TemporaryDirectory() as tmp:
        speed(Path(tmp), args.repeat)
    if args.synthetic:
        synthetic(args.data, args.synthetic)


if __name__ == "__main__":
    main()
