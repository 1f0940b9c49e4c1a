"""Time `bottleneck drift` on a generated log (default 10^6 events), with peak memory.

pm4py has no change-point detection to race against; as the reference in the same run, plain
pandas computes the weekly median and p90 wait series, which must equal ours.

    .venv/bin/python benchmarks/bench_drift.py [benchmarks/data/log_1000000.parquet]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "data" / "log_1000000.parquet"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(path: str) -> None:
    """Our stages in this (fresh) process: read + normalize, drift, pictures + JSON."""
    t0 = time.perf_counter()
    import pandas as pd

    from bottleneck_finder.analysis.drift import drift
    from bottleneck_finder.api import load_log
    from bottleneck_finder.render.drift_plot import drift_picture
    from bottleneck_finder.render.drift_text import drift_document
    from bottleneck_finder.render.serialize import to_json

    t1 = time.perf_counter()
    log = load_log(path)
    t2 = time.perf_counter()
    result = drift(log)
    t3 = time.perf_counter()
    to_json(drift_document(result))
    drift_picture(result, "png")
    drift_picture(result, "svg")
    t4 = time.perf_counter()
    overall = result.series[result.series["element"] == "all"]
    waits = overall[overall["metric"].isin(["wait_median_s", "wait_p90_s"])]
    print(
        json.dumps(
            {
                "import_s": t1 - t0,
                "load_s": t2 - t1,
                "drift_s": t3 - t2,
                "outputs_s": t4 - t3,
                "total_s": t4 - t0,
                "peak_mib": _peak_mib(),
                "events": len(log.events),
                "granularity": result.granularity,
                "periods": result.periods,
                "change_points": len(result.change_points),
                "waits": {
                    f"{metric}|{pd.Timestamp(period).isoformat()}": float(value)
                    for metric, period, value in zip(
                        waits["metric"], waits["period"], waits["value"], strict=True
                    )
                },
            }
        )
    )


def reference(path: str) -> None:
    """Plain pandas: weekly (Monday, UTC) median and p90 wait, by the time the wait ended."""
    import pandas as pd

    t0 = time.perf_counter()
    frame = pd.read_parquet(path, columns=["case_id", "activity", "timestamp"])
    frame["row"] = range(len(frame))
    frame = frame.sort_values(["case_id", "timestamp", "row"], kind="stable")
    wait = frame["timestamp"] - frame.groupby("case_id")["timestamp"].shift()
    waits = pd.DataFrame({"t": frame["timestamp"], "wait": wait.dt.total_seconds()}).dropna()
    week = waits["t"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("W-SUN")
    grouped = waits.groupby(week)["wait"]
    median, p90 = grouped.median(), grouped.quantile(0.9)
    t1 = time.perf_counter()
    out: dict[str, float] = {}
    for name, series in (("wait_median_s", median), ("wait_p90_s", p90)):
        starts = pd.PeriodIndex(series.index).start_time.tz_localize("UTC")
        for stamp, value in zip(starts, series.to_numpy(), strict=True):
            out[f"{name}|{stamp.isoformat()}"] = float(value)
    print(json.dumps({"total_s": t1 - t0, "peak_mib": _peak_mib(), "waits": out}))


def _child(role: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, f"--{role}", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        sys.exit(f"{path} not found — run: .venv/bin/python benchmarks/generate.py 1000000")
    ours = [_child("ours", path) for _ in range(3)]
    ref = _child("reference", path)
    best = min(ours, key=lambda r: float(r["total_s"]))  # type: ignore[arg-type]
    mine = best.pop("waits")
    theirs = ref.pop("waits")
    assert isinstance(mine, dict) and isinstance(theirs, dict)
    common = [k for k in mine if k in theirs]
    worst = max(abs(mine[k] - theirs[k]) / max(abs(theirs[k]), 1.0) for k in common)
    print(json.dumps({"file": path.name, "ours_best_of_3": best, "pandas_reference": ref}))
    print(f"weekly wait values compared: {len(common)}, largest relative difference {worst:.2e}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--ours":
        worker(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--reference":
        reference(sys.argv[2])
    else:
        main()
