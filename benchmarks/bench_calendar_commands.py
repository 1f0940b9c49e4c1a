"""Time `--calendar` in `drift`, the report's measurements and `discover`'s counts.

On one loaded log (default: 10^6 events with start times), each stage runs without and with the
Vietnamese office calendar. pm4py has no working-time durations; the reference in the same run
is plain pandas + `WorkCalendar.working_duration_us`: the weekly median working wait, which must
equal the drift series.

    .venv/bin/python benchmarks/bench_calendar_commands.py [LOG]

LOG defaults to benchmarks/data/log_1000000_start.parquet (made by `bench_causes.py`).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "data" / "log_1000000_start.parquet"


def main(path: str) -> None:
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from bottleneck_finder.analysis.discovery import run_discovery
    from bottleneck_finder.analysis.drift import drift
    from bottleneck_finder.api import load_log
    from bottleneck_finder.calendar import vietnam
    from bottleneck_finder.columns import LogColumns
    from bottleneck_finder.reporting.measures import measure

    names = pq.read_schema(path).names if path.endswith(".parquet") else []
    log = load_log(path, LogColumns(start="start") if "start" in names else LogColumns())
    cal = vietnam()
    print(f"{path}: {len(log.events):,} events, start times: {log.has_start_times}")
    rows = []

    def timed(label: str, make: object) -> object:
        t = time.perf_counter()
        out = make()  # type: ignore[operator]
        rows.append((label, time.perf_counter() - t))
        return out

    timed("drift", lambda: drift(log, metrics=("wait", "throughput")))
    ours = timed(
        "drift --calendar vn", lambda: drift(log, metrics=("wait", "throughput"), calendar=cal)
    )
    timed("report measure", lambda: measure(log))
    timed("report measure --calendar vn", lambda: measure(log, calendar=cal))
    small = log
    if len(log.events) > 100_000:  # mining the model is the slow part of discover: 10^5 events
        keep = log.events["case"].cat.codes < log.events["case"].cat.codes.max() // 10
        from dataclasses import replace

        small = replace(log, events=log.events[keep.to_numpy()].reset_index(drop=True))
    kw = {"miner": "dfg", "notation": "dfg"}
    timed(f"discover ({len(small.events):,} events, dfg)", lambda: run_discovery(small, **kw))
    timed(
        f"discover --calendar vn ({len(small.events):,} events, dfg)",
        lambda: run_discovery(small, calendar=cal, **kw),
    )

    t = time.perf_counter()
    ev = log.events
    start = ev["start_us"].astype("float64").fillna(ev["end_us"].astype("float64"))
    frame = pd.DataFrame(
        {
            "case": ev["case"].cat.codes,
            "s": start.astype("int64"),
            "e": ev["end_us"],
            "r": ev["row"],
        }
    ).sort_values(["case", "e", "s", "r"], kind="stable")
    prev = frame.groupby("case")["e"].shift()
    has = prev.notna().to_numpy()
    s_us = frame["s"].to_numpy()[has]
    wait = np.maximum(cal.working_duration_us(prev.to_numpy()[has].astype("int64"), s_us), 0)
    local = pd.to_datetime(s_us, unit="us", utc=True).tz_convert(log.display_tz or "UTC")
    monday = local.tz_localize(None).normalize() - pd.to_timedelta(local.day_of_week, unit="D")
    ref = pd.Series(wait / 1e6).groupby(np.asarray(monday.strftime("%Y-%m-%d"))).median()
    rows.append(("pandas reference: weekly median working wait", time.perf_counter() - t))
    s = ours.series  # type: ignore[attr-defined]
    mine = s[(s["metric"] == "wait_median_s") & (s["element"] == "all")]
    keys = pd.DatetimeIndex(mine["period"]).tz_convert(log.display_tz or "UTC")
    diff = np.abs(mine["value"].to_numpy() - ref.reindex(keys.strftime("%Y-%m-%d")).to_numpy())
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} |")
    print(f"{len(mine)} weekly medians, largest difference to pandas {float(diff.max()):.3g} s")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT))
