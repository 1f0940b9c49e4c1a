"""Optional report parts from the other analyses (compare, drift, causes, discover) when present.

Each part runs only when its analysis module exists in this installation; a part that cannot
be made for this log (too short for drift, no start times for causes, …) is left out with a
note saying why, and the rest of the report is still written.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import BottleneckError
from ..model import EventLog
from . import figures
from .measures import ReportData, measure, split_log, transition_waits
from .model import ReportOptions, SectionBuilder

PARTS = ("compare", "drift", "causes", "flows", "model")
# Above this many activity instances the model is drawn without fitness and precision: token
# replay takes tens of seconds per 10^5 events (see benchmarks/RESULTS.md, discover).
MODEL_QUALITY_MAX_STEPS = 20_000
# Above this many activity instances the model is mined from the directly-follows graph, not
# event by event (the inductive miner takes ~13 s on 10^5 events, ~4 s from the graph).
MODEL_EVENT_LEVEL_MAX = 50_000
MODULES = {
    "compare": "bottleneck_finder.analysis.compare",
    "drift": "bottleneck_finder.analysis.drift",
    "causes": "bottleneck_finder.analysis.causes",
    "flows": "bottleneck_finder.analysis.flows",
    "model": "bottleneck_finder.analysis.discover",
}


@dataclass(frozen=True)
class OptionalParts:
    """Sections, context extras and other measured logs the optional analyses add."""

    sections: tuple[SectionBuilder, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict)
    others: tuple[ReportData, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """A before/after comparison and both sides measured for the report's plots."""

    result: Any  # analysis.compare.Comparison
    before: ReportData
    after: ReportData
    before_waits: dict[tuple[str, str], Any]
    mode: str  # "logs" or "split"
    split_at: pd.Timestamp | None = None
    auto: bool = False
    straddling: int = 0


def available(module: str) -> bool:
    """Whether an analysis module exists in this installation."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def optional_parts(
    log: EventLog,
    data: ReportData,
    options: ReportOptions,
    *,
    split: str | None = None,
    other_log: EventLog | None = None,
    top: int = 10,
    skip: tuple[str, ...] = (),
    progress: Callable[[str], None] = lambda _text: None,
) -> OptionalParts:
    """The optional sections for this log; notes say which were left out and why.

    `split` ("YYYY-MM-DD" or "auto") or `other_log` (the "before" log) asks for the
    comparison, whose errors (a date outside the log, …) are raised; `skip` names parts not
    to make (see `PARTS`).
    """
    from . import more_sections as more

    cal = options.calendar  # with a working calendar every part measures working time
    notes: list[str] = []
    sections: list[SectionBuilder] = []
    extras: dict[str, Any] = {}
    others: list[ReportData] = []

    def attempt(name: str, make: Callable[[], None]) -> None:
        if name in skip:
            return
        if not available(MODULES[name]):
            notes.append(f"{name}: {MODULES[name]} is not in this version, so it is left out")
            return
        progress(f"report part: {name}")
        try:
            make()
        except BottleneckError as error:
            if name == "compare":  # asked for explicitly: a bad date or log is an error
                raise
            notes.append(f"{name} section left out: {error.one_line()}")
        except Exception as error:  # an optional part's failure must not cost the report
            if name == "compare" or os.environ.get("BOTTLENECK_DEBUG"):
                raise
            notes.append(
                f"{name} section left out: internal error in {MODULES[name]} "
                f"({type(error).__name__}: {error}) — please report it"
            )

    def compare() -> None:
        from ..analysis.compare import CompareOptions, compare_logs, compare_split

        compare_options = CompareOptions(calendar=cal)
        if other_log is not None:
            result = compare_logs(other_log, log, compare_options)
            before_log = other_log
            before = measure(other_log, top=top, calendar=cal)
            others.append(before)
            extras["logs"] = [
                (f"{Path(other_log.source).name}", before),
                (f"{Path(log.source).name}", data),
            ]
            after, at, auto, straddling = data, None, False, 0
        else:
            assert split is not None
            auto = split.strip().lower() == "auto"
            if auto:
                from ..analysis.drift import split_date

                at = split_date(log).date
            else:
                from ..analysis.compare import to_utc

                at = to_utc(split, log.display_tz)
            result = compare_split(log, at, compare_options)
            before_log, after_log, straddling = split_log(log, at)
            before = measure(before_log, top=top, calendar=cal)
            after = measure(after_log, top=top, calendar=cal)
        pairs = [(t.source, t.target) for t in after.top_waits]
        cmp = Comparison(
            result,
            before,
            after,
            transition_waits(before_log, pairs, cal),
            "logs" if other_log is not None else "split",
            split_at=at,
            auto=auto,
            straddling=straddling,
        )
        extras["comparison"] = cmp
        sections.append(more.compare_section)
        sections.append(more.introduced_section)
        _comparison_plots(cmp, extras, options)

    def drift() -> None:
        from ..analysis.drift import drift as run_drift

        result = run_drift(log, calendar=cal)
        extras["drift"] = result
        sections.append(more.drift_section)
        if "markers" not in extras and result.change_points:  # mark them on the weekly plot
            words = options.words()
            shift = pd.Timedelta(microseconds=data.offset_us)
            extras["markers"] = [
                (local, words.date(local))
                for local in sorted(
                    p.date.tz_convert("UTC").tz_localize(None) + shift for p in result.change_points
                )
            ]

    def causes() -> None:
        from ..analysis.causes import CauseOptions, attribute_causes

        if not log.has_start_times:
            notes.append("causes section left out: the log has no start times")
            return
        breakdown = attribute_causes(log, CauseOptions(calendar=cal))
        if not breakdown.has_start_times or breakdown.wait_total_s <= 0:
            notes.append("causes section left out: the log has no start times or no waiting")
            return
        extras["causes"] = breakdown
        sections.append(more.causes_section)

    def flows() -> None:
        from ..analysis.flows import flows as run_flows
        from ..prepared import PreparedLog

        with PreparedLog(log, calendar=cal) as prepared:
            extras["flows"] = run_flows(prepared, top=5)
        sections.append(more.flows_section)

    def model() -> None:
        from ..analysis.discover import bpmn_graph, discover

        quality = data.analysis.log.activity_instances <= MODEL_QUALITY_MAX_STEPS
        mined = discover(log, quality=quality, event_limit=MODEL_EVENT_LEVEL_MAX)
        if not quality:
            notes.append(
                f"model: fitness and precision are not measured for logs over "
                f"{MODEL_QUALITY_MAX_STEPS:,} steps (token replay is slow); "
                "`bottleneck discover` measures them"
            )
        extras["model"] = (mined, bpmn_graph(mined.bpmn))
        sections.append(more.model_section)

    if split or other_log is not None:
        attempt("compare", compare)
    attempt("drift", drift)
    attempt("causes", causes)
    attempt("flows", flows)
    attempt("model", model)
    return OptionalParts(
        sections=tuple(sections), extras=extras, others=tuple(others), notes=tuple(notes)
    )


def _comparison_plots(cmp: Comparison, extras: dict[str, Any], options: ReportOptions) -> None:
    """Before/after series for the core plots: weekly lines, throughput, top waits overlaid."""
    words = options.words()
    before, after = words("before"), words("after")
    colours = (figures.SERIES_COLOURS[2], figures.SERIES_COLOURS[0])
    extras["weekly_series"] = [
        (before, cmp.before.weekly, colours[0]),
        (after, cmp.after.weekly, colours[1]),
    ]
    extras["throughput_series"] = [
        figures.Series(before, cmp.before.cases["duration_s"].to_numpy(), colours[0]),
        figures.Series(after, cmp.after.cases["duration_s"].to_numpy(), colours[1]),
    ]
    if cmp.split_at is not None:
        local = cmp.split_at.tz_convert("UTC").tz_localize(None) + pd.Timedelta(
            microseconds=cmp.after.offset_us
        )
        extras["markers"] = [(local, words("split_marker") + " " + words.date(local))]
    series = []
    for i, t in enumerate(cmp.after.top_waits):
        colour = figures.SERIES_COLOURS[i % len(figures.SERIES_COLOURS)]
        label = f"#{t.rank} {t.source} → {t.target}"
        waits = cmp.before_waits.get((t.source, t.target))
        if waits is not None and len(waits):
            series.append(figures.Series(f"{label} ({before})", waits, colour, ":"))
        series.append(figures.Series(f"{label} ({after})", t.waits_s, colour))
    extras["wait_series"] = series
