"""`bottleneck explore` speed: opening a log (read, case facts, first map) and redrawing the map
after a slider change and after a filter change, at 10^5 and 10^6 events.

Run: `python benchmarks/bench_explore.py [benchmarks/data/log_100000.parquet ...]` (logs from
benchmarks/generate.py). Each step is timed in process, as the server runs it (the SVG included,
the browser's own drawing not); prints one Markdown row per log.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bottleneck_finder.api import load_log
from bottleneck_finder.explore.session import ExploreOptions, Explorer
from bottleneck_finder.explore.state import Filter, ViewState

DATA = Path(__file__).resolve().parent / "data"


def measure(path: Path) -> str:
    t0 = time.perf_counter()
    log = load_log(path)
    t_read = time.perf_counter() - t0
    explorer = Explorer(log, ExploreOptions())
    first = explorer.view(ViewState())
    t_open = time.perf_counter() - t0
    assert not first["empty"]
    t1 = time.perf_counter()
    explorer.view(ViewState(activities="10", paths="20"))
    t_slider = time.perf_counter() - t1
    activity = sorted(explorer.facts.activities)[3]
    filtered = ViewState().with_filters(Filter("through", values=(activity,)), Filter("rework"))
    t2 = time.perf_counter()
    view = explorer.view(filtered)
    t_filter = time.perf_counter() - t2
    t3 = time.perf_counter()
    explorer.view(ViewState(metric="total").with_filters(Filter("duration", low="1")))
    t_filter2 = time.perf_counter() - t3
    explorer.close()
    return (
        f"| {len(log.events):,} | {path.suffix[1:]} | {t_read:.2f} | {t_open:.2f} | "
        f"{t_slider:.2f} | {t_filter:.2f} ({view['kept']:,} cases) | {t_filter2:.2f} |"
    )


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [
        DATA / "log_100000.parquet",
        DATA / "log_1000000.parquet",
    ]
    print("| events | format | read, s | open, s | slider redraw, s | filter redraw, s | "
          "second filter + metric, s |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for path in paths:
        print(measure(path))


if __name__ == "__main__":
    main()
