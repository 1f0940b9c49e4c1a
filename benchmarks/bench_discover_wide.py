"""Time `bottleneck discover` with default options on every shared log and the wide log.

Each run is the command in a fresh process (`python -m bottleneck_finder discover LOG -q`),
stopped after `--timeout` seconds. Usage:
`python benchmarks/bench_discover_wide.py [--src SRC] [--timeout 300] [LOG ...]` — SRC is the
package source to time (default this checkout's src/; give another checkout's to time it);
without LOGs, every log in ../shared/event_logs and benchmarks/data/wide_400.csv.gz (made by
benchmarks/wide_log.py when missing). Prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "event_logs"
WIDE = HERE / "data" / "wide_400.csv.gz"


def run(src: Path, log: Path, timeout: float) -> tuple[str, str]:
    """Wall time (or "> timeout") and what the model is, for one log."""
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "PYTHONPATH": str(src)}
        command = [sys.executable, "-m", "bottleneck_finder", "discover", str(log)]
        command += ["-o", out, "-q"]
        began = time.perf_counter()
        try:
            done = subprocess.run(command, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"> {timeout:.0f} s (stopped)", ""
        took = time.perf_counter() - began
        if done.returncode != 0:
            return f"{took:.1f} s, exit {done.returncode}", done.stderr.decode()[-200:]
        model = json.loads((Path(out) / "discovery.json").read_text("utf-8"))["model"]
        acts = model.get("activities")
        what = f"{model['miner']}, precision {model['precision']:.3f}"
        if acts:
            what += f", {acts['mined']} of {acts['total']} activities"
            what += f", {acts['events_left_out']:,} of {acts['events_total']:,} events left out"
        if model.get("fell_back"):
            what += ", fell back"
        if model.get("flower"):
            what += ", flower warning"
        return f"{took:.1f} s", what


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="*", type=Path)
    parser.add_argument("--src", type=Path, default=HERE.parent / "src")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    logs = list(args.logs)
    if not logs:
        if not WIDE.exists():
            sys.path.insert(0, str(HERE))
            from wide_log import write_wide_log

            write_wide_log(WIDE)
        logs = sorted(SHARED.glob("*.xes.gz")) + sorted(SHARED.glob("*.csv.gz")) + [WIDE]
    print("| log | discover (default options) | model |")
    print("|---|---|---|")
    for log in logs:
        took, what = run(args.src, log, args.timeout)
        print(f"| {log.name} | {took} | {what} |", flush=True)


if __name__ == "__main__":
    main()
