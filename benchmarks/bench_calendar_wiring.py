"""Cost of working time, deadlines and causes in `analyze` and `compare` on 10^6 events.

Run: .venv/bin/python benchmarks/bench_calendar_wiring.py [--repeat 2]
Each row runs the CLI end to end in a fresh process (read, normalize, analyse, write the files,
`--format dot` so Graphviz layout time is left out) on benchmarks/data/log_1000000_start.parquet
(made by benchmarks/bench_causes.py --synthetic 1000000: 10^6 events with start times and
resources, 2024-01 to 2025-02). Prints a Markdown table for benchmarks/RESULTS.md. pm4py has no
working-calendar durations, deadlines or cause attribution, so there is no reference row; the
figures are the added cost over the plain command in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "benchmarks" / "data" / "log_1000000_start.parquet"
COLUMNS = ["--case", "case_id", "--timestamp", "timestamp", "--start-timestamp", "start"]

RUNS = {
    "analyze": ["analyze"],
    "analyze --calendar vn": ["analyze", "--calendar", "vn"],
    "analyze --calendar vn --deadline 15wd": ["analyze", "--calendar", "vn", "--deadline", "15wd"],
    "analyze --color-by cause": ["analyze", "--color-by", "cause"],
    "compare --split 2024-07-01": ["compare", "--split", "2024-07-01"],
    "compare --split 2024-07-01 --calendar vn --deadline 15wd": [
        "compare", "--split", "2024-07-01", "--calendar", "vn", "--deadline", "15wd",
    ],
}  # fmt: skip


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak MiB of one CLI run in a fresh process."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run(
            [
                *(str(ROOT / ".venv/bin/bottleneck"), args[0], str(LOG), *args[1:], *COLUMNS),
                *("-o", out, "-q", "--format", "dot"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    repeat = parser.parse_args().repeat
    print(f"{dt.date.today()} · {platform.processor() or platform.machine()} · {LOG.name}\n")
    print("| command (10^6 events) | best of runs (s) | peak RSS (MiB) |")
    print("|---|---:|---:|")
    for name, args in RUNS.items():
        times = [run(args) for _ in range(repeat)]
        best = min(t for t, _ in times)
        print(f"| `{name}` | {best:.1f} | {max(m for _, m in times):,.0f} |")


if __name__ == "__main__":
    main()
