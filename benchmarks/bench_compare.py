"""Time `bottleneck compare` on two generated logs of 10^6 events each, with peak memory.

pm4py has no before/after comparison; in the same run, as the reference, pm4py's
`discover_performance_dfg` computes each side's mean wait per arc and plain pandas each side's
median wait per arc: both must equal ours. The logs: benchmarks/data/log_1000000.parquet
(benchmarks/generate.py) and a second log of the same size from the next seed (written to
benchmarks/data/log_1000000_seed2.parquet on the first run).

    .venv/bin/python benchmarks/bench_compare.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BEFORE = HERE / "data" / "log_1000000.parquet"
AFTER = HERE / "data" / "log_1000000_seed2.parquet"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ensure_logs() -> None:
    sys.path.insert(0, str(HERE))
    import pyarrow.parquet as pq
    from generate import SEED, generate  # type: ignore[import-not-found]

    if not BEFORE.exists():
        pq.write_table(generate(1_000_000), BEFORE)
    if not AFTER.exists():
        pq.write_table(generate(1_000_000, SEED + 1), AFTER)


def worker() -> None:
    """Our stages in this (fresh) process: read + normalize both, compare, all outputs."""
    t0 = time.perf_counter()
    from bottleneck_finder.analysis.compare import compare_logs
    from bottleneck_finder.api import load_log
    from bottleneck_finder.commands.compare import render_comparison

    t1 = time.perf_counter()
    before, after = load_log(BEFORE), load_log(AFTER)
    t2 = time.perf_counter()
    result = compare_logs(before, after)
    t3 = time.perf_counter()
    render_comparison(result, ["svg"])
    t4 = time.perf_counter()
    t = result.transitions
    both = t[(t["before_count"] > 0) & (t["after_count"] > 0)]
    print(
        json.dumps(
            {
                "import_s": t1 - t0,
                "load_s": t2 - t1,
                "compare_s": t3 - t2,
                "outputs_s": t4 - t3,
                "total_s": t4 - t0,
                "peak_mib": _peak_mib(),
                "events": len(before.events) + len(after.events),
                "arcs": len(t),
                "tested": int(both["p_value"].notna().sum()),
                "statuses": t["status"].value_counts().to_dict(),
                "medians": {
                    f"{side}|{s}|{g}": float(v)
                    for side in ("before", "after")
                    for s, g, v in t[t[f"{side}_count"] > 0][
                        ["source", "target", f"{side}_wait_median_s"]
                    ].itertuples(index=False)
                },
                "means": {
                    f"{side}|{s}|{g}": float(v)
                    for side in ("before", "after")
                    for s, g, v in t[t[f"{side}_count"] > 0][
                        ["source", "target", f"{side}_wait_mean_s"]
                    ].itertuples(index=False)
                },
            }
        )
    )


def reference() -> None:
    """pm4py's performance DFG (mean wait per arc) and pandas medians, for both logs."""
    import pandas as pd

    t0 = time.perf_counter()
    import pm4py

    t1 = time.perf_counter()
    medians, means = {}, {}
    for side, path in (("before", BEFORE), ("after", AFTER)):
        frame = pd.read_parquet(path, columns=["case_id", "activity", "timestamp"])
        frame = pm4py.format_dataframe(
            frame, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
        )
        perf = pm4py.discover_performance_dfg(frame)[0]
        for (s, g), stats in perf.items():
            means[f"{side}|{s}|{g}"] = float(stats["mean"])
        frame = frame.sort_values(["case_id", "timestamp", "@@index"], kind="stable")
        prev = frame.groupby("case_id")["activity"].shift()
        wait = (
            frame["timestamp"] - frame.groupby("case_id")["timestamp"].shift()
        ).dt.total_seconds()
        pairs = pd.DataFrame({"s": prev, "g": frame["activity"], "w": wait}).dropna()
        for (s, g), v in pairs.groupby(["s", "g"])["w"].median().items():
            medians[f"{side}|{s}|{g}"] = float(v)
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "import_s": t1 - t0,
                "total_s": t2 - t1,
                "peak_mib": _peak_mib(),
                "medians": medians,
                "means": means,
            }
        )
    )


def _child(role: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, f"--{role}"], check=True, capture_output=True, text=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _max_rel(ours: dict[str, float], ref: dict[str, float]) -> tuple[bool, float]:
    if set(ours) != set(ref):
        return False, float("nan")
    worst = 0.0
    for key, value in ours.items():
        other = ref[key]
        worst = max(worst, abs(value - other) / max(abs(other), 1e-9))
    return worst <= 1e-6, worst


def main() -> None:
    if "--worker" in sys.argv:
        worker()
        return
    if "--reference" in sys.argv:
        reference()
        return
    _ensure_logs()
    ours = _child("worker")
    ref = _child("reference")
    ok_med, med = _max_rel(ours.pop("medians"), ref.pop("medians"))  # type: ignore[arg-type]
    ok_mean, mean = _max_rel(ours.pop("means"), ref.pop("means"))  # type: ignore[arg-type]
    print(json.dumps({"ours": ours, "reference": ref}, indent=2))
    print(
        f"medians equal pandas: {ok_med} (max rel. diff {med:.1e}); "
        f"means equal pm4py: {ok_mean} (max rel. diff {mean:.1e})"
    )


if __name__ == "__main__":
    main()
