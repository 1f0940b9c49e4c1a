"""`bottleneck explore` drill-down speed: an arrow's click (waits, weekly trend and slowest cases,
then its causes) on the whole log and after a filter, at 10^5 and 10^6 events.

Run: `python benchmarks/bench_explore_drill.py [DATA_DIR or logs ...]` (logs from
benchmarks/generate.py; default benchmarks/data/log_100000.parquet and log_1000000.parquet).
Each click is timed in process, as the server answers /api/edge; prints one Markdown row per log.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bottleneck_finder.api import load_log
from bottleneck_finder.explore.drill import arrow_causes, edge_details
from bottleneck_finder.explore.session import ExploreOptions, Explorer
from bottleneck_finder.explore.state import Filter, ViewState

DATA = Path(__file__).resolve().parent / "data"


def click(explorer: Explorer, state: ViewState, rank: int) -> tuple[str, dict[str, object]]:
    """Seconds to answer a click on the arrow of the `rank`-th largest total wait: the drawer
    (/api/edge) + its causes (/api/causes)."""
    analysis = explorer.select(state).analysis
    assert analysis is not None
    t = analysis.transitions.sort_values("wait_total_s", ascending=False, kind="stable")
    ends = str(t.iloc[rank]["source"]), str(t.iloc[rank]["target"])
    t0 = time.perf_counter()
    edge_details(explorer, state, *ends)
    t1 = time.perf_counter()
    causes = arrow_causes(explorer, state, *ends)
    t2 = time.perf_counter()
    return f"{t1 - t0:.2f} + {t2 - t1:.2f}", causes


def measure(path: Path) -> str:
    log = load_log(path)
    explorer = Explorer(log, ExploreOptions())
    whole = ViewState()
    explorer.view(whole)  # the page is open: the map's analysis exists
    first, causes = click(explorer, whole, 0)
    second, _ = click(explorer, whole, 1)
    activity = sorted(explorer.facts.activities)[3]
    filtered = ViewState().with_filters(Filter("through", values=(activity,)))
    explorer.view(filtered)
    third, _ = click(explorer, filtered, 0)
    explorer.close()
    assert causes["available"], causes
    return f"| {len(log.events):,} | {path.suffix[1:]} | {first} | {second} | {third} |"


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [
        DATA / "log_100000.parquet",
        DATA / "log_1000000.parquet",
    ]
    print("| events | format | first arrow click, s | second arrow, s | after a filter, s |")
    print("|---:|---|---:|---:|---:|")
    for path in paths:
        print(measure(path))


if __name__ == "__main__":
    main()
