"""Where `analyze_log` spends time and memory: each stage and engine query timed, RSS sampled."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

MIB = 1024 * 1024


class Sampler:
    """A thread that samples this process's RSS every few milliseconds; peak per stage."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.interval)

    def reset(self) -> int:
        """Start a new stage; returns the RSS now."""
        now = int(self.proc.memory_info().rss)
        self.peak = now
        return now

    def stop(self) -> None:
        """End sampling."""
        self._stop.set()
        self._thread.join()


ROWS: list[tuple[str, float, float, float]] = []


@contextmanager
def stage(sampler: Sampler, name: str) -> Iterator[None]:
    """Time one stage and record RSS before it, its peak and RSS after it."""
    before = sampler.reset()
    began = time.perf_counter()
    yield
    elapsed = time.perf_counter() - began
    after = sampler.proc.memory_info().rss
    ROWS.append((name, elapsed, max(sampler.peak, after) / MIB, after / MIB))
    print(
        f"{name:<44} {elapsed:8.2f} s   start {before / MIB:7,.0f}  peak "
        f"{max(sampler.peak, after) / MIB:7,.0f}  end {after / MIB:7,.0f} MiB",
        file=sys.stderr,
        flush=True,
    )


def run(path: str, *, with_flows: bool = False) -> None:
    """`analyze_log(path)` split into its stages and engine queries; `with_flows`: then the
    variants, rework and hand-offs, stage by stage."""
    sampler = Sampler()
    with stage(sampler, "imports"):
        from bottleneck_finder.analysis import analyze as analysis
        from bottleneck_finder.api import read_raw
        from bottleneck_finder.columns import LogColumns
        from bottleneck_finder.engine import Engine, stats
        from bottleneck_finder.engine.prepare import prepare_steps
        from bottleneck_finder.io.read import release_unused_memory
        from bottleneck_finder.normalize import NormalizeOptions, normalize
    columns, options = LogColumns(), NormalizeOptions()
    with stage(sampler, "read_raw"):
        raw = read_raw(path, columns, options)
    with stage(sampler, "normalize"):
        log = normalize(raw, columns, options)
        del raw
        release_unused_memory()  # as `api.load_log`
    with stage(sampler, "Engine()"):
        eng = Engine()
    with stage(sampler, "step table and case spans (prepare_steps)"):
        prepare_steps(eng, log)
    sizes = {
        "cases": len(log.events["case"].cat.categories),
        "activities": len(log.events["activity"].cat.categories),
    }
    queries: list[tuple[str, str]] = [
        ("transition_stats", stats.transition_stats(eng, "steps", **sizes)),
        ("activity_stats", stats.activity_stats(eng, "steps", **sizes)),
        ("case_stats", stats.case_stats(eng, "case_spans")),
    ]
    for name, sql in queries:
        with stage(sampler, f"query {name}"):
            eng.frame(sql)
    eng.close()
    with stage(sampler, "analyze() as a whole (fresh connection)"):
        analysis.analyze(log, top=10)
    if with_flows:
        run_flows(sampler, log)
    sampler.stop()


def run_flows(sampler: Sampler, log: object) -> None:
    """The variants, rework and hand-offs of `log` as `analyze --flows` computes them."""
    from bottleneck_finder.analysis import flows
    from bottleneck_finder.prepared import PreparedLog

    with PreparedLog(log) as p:  # type: ignore[arg-type]
        with stage(sampler, "flows: detailed step table"):
            p.session("detail")
        with stage(sampler, "flows: flow tables (flow_session)"):
            flows.flow_session(p)
        with stage(sampler, "flows: variants"):
            flows.variants(p)
        with stage(sampler, "flows: rework"):
            flows.rework(p)
        with stage(sampler, "flows: hand-offs"):
            flows.handoffs(p)
    with stage(sampler, "flows() as a whole (fresh session)"):
        flows.flows(log, top=10)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Command line: `python benchmarks/profile_stages.py FILE [--cprofile normalize]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--cprofile", action="store_true", help="cProfile the whole run too")
    parser.add_argument("--flows", action="store_true", help="variants, rework, hand-offs too")
    args = parser.parse_args(argv)
    if not args.cprofile:
        run(str(args.file), with_flows=args.flows)
        return 0
    profiler = cProfile.Profile()
    profiler.runcall(run, str(args.file), with_flows=args.flows)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    print(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
