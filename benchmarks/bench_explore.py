"""`bottleneck explore` speed: opening a log (read, case facts, first map) and redrawing the map
after a slider change and after a filter change, at 10^5 and 10^6 events; the variant and
event-attribute chips; and the before/after views of `--split auto`.

Run: `python benchmarks/bench_explore.py [benchmarks/data/log_100000.parquet ...]` (logs from
benchmarks/generate.py), `--filters LOG` (variant and event-attribute chips, the log's
`resource` column read as a plain event attribute), `--compare LOG` (`--split auto`) or
`--compare-filter LOG [RUNS]` (the before/after filter change alone, repeated). Each
step is timed in process, as the server runs it (the SVG included, the browser's own drawing
not); prints Markdown rows.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bottleneck_finder.analysis.drift_model import NoChangePointError
from bottleneck_finder.api import load_log
from bottleneck_finder.commands.explore import _split_at
from bottleneck_finder.commands.loading import load_with_columns
from bottleneck_finder.commands.options import Progress
from bottleneck_finder.explore.compare_view import Comparer
from bottleneck_finder.explore.facts import event_values
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


def timed(step: object, *args: object) -> tuple[str, object]:
    """Wall and CPU seconds of one step (CPU: all threads; on a shared machine the wall time
    grows with the load, the CPU time much less), and its result."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = step(*args)  # type: ignore[operator]
    return f"{time.perf_counter() - t0:.2f} | {time.process_time() - c0:.2f}", out


def measure_filters(path: Path) -> list[str]:
    """Open with `resource` as an event attribute, then each new chip's redraw."""
    t0, c0 = time.perf_counter(), time.process_time()
    log, values = load_with_columns(path, {}, ["resource"], quiet=True)
    at_events = {"channel": event_values(log, values["resource"])}
    explorer = Explorer(log, ExploreOptions(), event_columns=at_events)
    first = explorer.view(ViewState())
    t_open, c_open = time.perf_counter() - t0, time.process_time() - c0
    top = [v["variant"] for v in first["variants"][:5]]
    busy = [v for v, _ in explorer.facts.attributes["channel"].counts()[:3]]
    chips = {
        "variant (top 5)": [Filter("variant", values=tuple(top))],
        "event attribute (3 values)": [Filter("attribute", column="channel", values=tuple(busy))],
        "event attribute, only those events": [
            Filter("attribute", column="channel", values=tuple(busy), mode="events")
        ],
        "variant + attribute + date": [
            Filter("variant", values=tuple(top)),
            Filter("attribute", column="channel", values=tuple(busy)),
            Filter("date", low=str(first["figures"][5][1])[:10]),
        ],
        "slider after the chips": [],
    }
    rows = [
        f"| {len(log.events):,} | open (with the variant list) | {t_open:.2f} | {c_open:.2f} | |"
    ]
    state = ViewState()
    for name, filters in chips.items():
        state = (
            ViewState(activities="10", paths="20", filters=state.filters)
            if not filters
            else ViewState().with_filters(*filters)
        )
        t, view = timed(explorer.view, state)
        kept = view["kept"]  # type: ignore[index]
        rows.append(f"| | {name} | {t} | {kept:,} cases |")
    explorer.close()
    return rows


def measure_compare(path: Path) -> list[str]:
    """`--split auto`: open (read, case facts, the change point, the difference map), then the
    before/after toggles, a slider and a filter on both periods."""
    t0, c0 = time.perf_counter(), time.process_time()
    log = load_log(path)
    explorer = Explorer(log, ExploreOptions())
    try:
        at, _ = _split_at(explorer, "auto", Progress(True))
        how = "split auto"
    except NoChangePointError:  # a generated log without a change: the search timed, then
        first = explorer.facts.first_us  # the middle start date, as --split DATE
        middle = pd.Timestamp(int(np.median(first)), unit="us", tz="UTC")
        at, _ = _split_at(explorer, middle.strftime("%Y-%m-%d"), Progress(True))
        how = "split auto found no change point; then --split"
    comparer = Comparer(explorer, at=at)
    first = comparer.view(ViewState(view="difference"))
    t_open, c_open = time.perf_counter() - t0, time.process_time() - c0
    assert not first["empty"], first.get("message")
    activity = sorted(explorer.facts.activities)[3]
    steps = {
        "toggle: before": ViewState(view="before"),
        "toggle: after": ViewState(view="after"),
        "slider (difference)": ViewState(view="difference", activities="10", paths="20"),
        "filter: passes through + rework": ViewState(view="difference").with_filters(
            Filter("through", values=(activity,)), Filter("rework")
        ),
        "filter: variant (top 5)": ViewState(view="difference").with_filters(
            Filter("variant", values=tuple(v["variant"] for v in first["variants"][:5]))
        ),
        "toggle after the filter: after": ViewState(view="after").with_filters(
            Filter("variant", values=tuple(v["variant"] for v in first["variants"][:5]))
        ),
        "chips taken off again (comparison kept)": ViewState(view="difference"),
        "passes through + rework again (kept)": ViewState(view="difference").with_filters(
            Filter("through", values=(activity,)), Filter("rework")
        ),
    }
    split = first["figures"][2][1]
    rows = [f"| {len(log.events):,} | open ({how} {split}) | {t_open:.2f} | {c_open:.2f} | |"]
    for name, state in steps.items():
        t, view = timed(comparer.view, state)
        kept = view["kept"]  # type: ignore[index]
        rows.append(f"| | {name} | {t} | {kept:,} cases |")
    explorer.close()
    return rows


def measure_compare_filter(path: Path, runs: int) -> str:
    """The before/after filter change ("passes through" + "has rework", `--split` at the
    middle start date) `runs` times, the kept comparisons forgotten before each: the median
    and the least wall and CPU seconds. With PYTHONPATH on an older tree it times that one
    (`Comparer.recent` did not exist there: its one kept comparison is forgotten instead)."""
    import statistics

    explorer = Explorer(load_log(path), ExploreOptions())
    middle = pd.Timestamp(int(np.median(explorer.facts.first_us)), unit="us", tz="UTC")
    at, _ = _split_at(explorer, middle.strftime("%Y-%m-%d"), Progress(True))
    comparer = Comparer(explorer, at=at)
    comparer.view(ViewState(view="difference"))
    activity = sorted(explorer.facts.activities)[3]
    state = ViewState(view="difference").with_filters(
        Filter("through", values=(activity,)), Filter("rework")
    )
    walls, cpus = [], []
    for _ in range(runs):
        if hasattr(comparer, "recent"):
            comparer.recent.clear()
        else:
            comparer.compared = None  # type: ignore[attr-defined]
        t0, c0 = time.perf_counter(), time.process_time()
        comparer.view(state)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    explorer.close()
    return (
        f"| {path.name} | {runs} | {statistics.median(walls):.2f} / {min(walls):.2f} | "
        f"{statistics.median(cpus):.2f} / {min(cpus):.2f} |"
    )


def main() -> None:
    if sys.argv[1:2] == ["--compare-filter"]:
        runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
        print("| log | runs | wall, s: median / least | CPU, s: median / least |")
        print("|---|---:|---:|---:|")
        print(measure_compare_filter(Path(sys.argv[2]), runs))
        return
    if sys.argv[1:2] in (["--filters"], ["--compare"]):
        measure_more = measure_filters if sys.argv[1] == "--filters" else measure_compare
        print("| events | step | wall, s | CPU, s | kept |")
        print("|---:|---|---:|---:|---:|")
        for path in sys.argv[2:]:
            print("\n".join(measure_more(Path(path))))
        return
    paths = [Path(p) for p in sys.argv[1:]] or [
        DATA / "log_100000.parquet",
        DATA / "log_1000000.parquet",
    ]
    print(
        "| events | format | read, s | open, s | slider redraw, s | filter redraw, s | "
        "second filter + metric, s |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for path in paths:
        print(measure(path))


if __name__ == "__main__":
    main()
