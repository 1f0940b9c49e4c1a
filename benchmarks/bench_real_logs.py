"""Wall time and peak memory of `analyze`, `discover` and `report` on every shared real log.

Usage: .venv/bin/python benchmarks/bench_real_logs.py [--src DIR] [--timeout S] [--logs DIR]
       [--label NAME] [--json FILE] [--commands analyze,discover,report]

Each command runs with default options in a fresh child process (`python -m bottleneck_finder`
with `PYTHONPATH=--src`), so a checkout of an older commit can be measured with the same script
(e.g. `git worktree add /tmp/before <commit>` and `--src /tmp/before/src`). A run longer than
`--timeout` seconds is stopped and recorded as "> timeout". The report is also run on PermitLog
with `--split 2018-01-01`, the before/after case of issue 14. pm4py has no report or annotated
map, and its discovery is timed in bench_discover.py; this benchmark compares the tool with
itself before and after a change, on the same machine in the same run.
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

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "event_logs"


def timed(args: list[str], src: Path, timeout: float) -> dict[str, object]:
    """Run one command; its wall time, peak RSS and exit code (None when stopped)."""
    env = dict(os.environ, PYTHONPATH=str(src))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bottleneck_finder", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        elapsed = time.perf_counter() - start
        if pid != 0:
            code = os.waitstatus_to_exitcode(status)
            proc.returncode = code
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            return {
                "s": round(elapsed, 1),
                "rss_mib": round(usage.ru_maxrss / 1024),
                "exit": code,
                "error": err.strip().splitlines()[-1] if code != 0 and err.strip() else "",
            }
        if elapsed > timeout:
            proc.kill()
            proc.wait()
            return {"s": None, "rss_mib": None, "exit": None, "error": f"> {timeout:.0f} s"}
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--logs", type=Path, default=SHARED)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--label", default="after")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--commands", default="analyze,discover,report", help="comma-separated commands to time"
    )
    ns = parser.parse_args()
    commands = ns.commands.split(",")
    logs = sorted(p for p in ns.logs.iterdir() if p.name.endswith((".xes.gz", ".csv.gz")))
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        jobs: list[tuple[str, str, list[str]]] = []
        for log in logs:
            for command in commands:
                jobs.append((log.name, command, [command, str(log)]))
            if log.name == "PermitLog.xes.gz" and "report" in commands:
                jobs.append(
                    (
                        log.name,
                        "report --split 2018-01-01",
                        ["report", str(log), "--split", "2018-01-01"],
                    )
                )
        for i, (name, command, args) in enumerate(jobs):
            out = Path(tmp) / f"run{i}"
            row = {
                "log": name,
                "command": command,
                **timed([*args, "-o", str(out), "-q"], ns.src, ns.timeout),
            }
            print(json.dumps(row), flush=True)
            rows.append(row)
    if ns.json is not None:
        ns.json.write_text(
            json.dumps({"label": ns.label, "rows": rows}, indent=1), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
