"""The optional parts of a report: the other analyses (compare, drift, causes, flows, model) run
on the prepared logs, and the typed results and sections they add.

Each part runs only when its analysis module exists in this installation; a part that cannot
be made for this log (too short for drift, no start times for causes, …) is left out with a
note saying why, and the rest of the report is still written.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..analysis.transition_waits import transition_waits
from ..errors import BottleneckError
from ..model import EventLog
from ..prepared import PreparedLog, prepared
from ..render.words import Words
from . import figures
from .measures import ReportData, measure
from .model import ReportOptions, SectionBuilder
from .results import BeforeAfter, Flows, FoundModel, OptionalResults

if TYPE_CHECKING:
    from ..analysis.deadlines import DeadlineReport

Deadlines = tuple["DeadlineReport", "DeadlineReport | None"]
"""The deadline reports of the main log and of the "before" log (None without one)."""

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
    """The sections, results and other measured logs the optional analyses add, and a note
    for each part left out."""

    sections: tuple[SectionBuilder, ...] = ()
    results: OptionalResults = field(default_factory=OptionalResults)
    others: tuple[ReportData, ...] = ()
    notes: tuple[str, ...] = ()


def available(module: str) -> bool:
    """Whether an analysis module exists in this installation."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def optional_parts(
    log: EventLog | PreparedLog,
    data: ReportData,
    options: ReportOptions,
    *,
    split: str | None = None,
    other_log: EventLog | PreparedLog | None = None,
    top: int = 10,
    skip: tuple[str, ...] = (),
    progress: Callable[[str], None] = lambda _text: None,
    deadlines: Deadlines | None = None,
) -> OptionalParts:
    """The optional sections for this log; notes say which were left out and why.

    Every part reads the one prepared log of `log` (and of `other_log`): a `PreparedLog` given
    is used as it is and left open, an `EventLog` is prepared on `options.calendar` here.
    `split` ("YYYY-MM-DD" or "auto") or `other_log` (the "before" log) asks for the
    comparison, whose errors (a date outside the log, …) are raised; `skip` names parts not
    to make (see `PARTS`). `deadlines` (the deadline reports `analyze --deadline` makes of
    the main log and of `other_log`) adds the on-time figures, per period when comparing.
    """
    with prepared(log, options.calendar) as p:
        if other_log is None:
            found = _parts(p, None, data, options, split, top, skip, progress)
        else:
            with prepared(other_log, options.calendar) as other:
                found = _parts(p, other, data, options, split, top, skip, progress)
        if deadlines is None:
            return found
        return replace(found, results=_with_ontime(p, found.results, deadlines, other_log))


def _with_ontime(
    p: PreparedLog,
    results: OptionalResults,
    deadlines: Deadlines,
    other_log: EventLog | PreparedLog | None,
) -> OptionalResults:
    """The on-time figures of the main log, per period of the comparison when one was made."""
    from ..analysis.ontime import Side, on_time

    main, before = deadlines
    sides: list[Side] = []
    cmp = results.comparison
    if cmp is not None and cmp.mode == "logs" and before is not None and other_log is not None:
        other = other_log.log if isinstance(other_log, PreparedLog) else other_log
        sides = [
            Side(other, before, _period(before, 0)),
            Side(p.log, main, _period(main, 1)),
        ]
    elif cmp is not None and cmp.mode == "split":
        period = pd.concat(
            [_period(cmp.before.log, 0), _period(cmp.after.log, 1)]
        )  # the cases of each side of the split, straddling ones in neither
        sides = [Side(p.log, main, period)]
    return replace(results, ontime=on_time(p, main, sides))


def _period(of: DeadlineReport | EventLog, number: int) -> pd.Series:
    """Each case of a deadline report or a log in period `number`."""
    if isinstance(of, EventLog):
        labels = of.events["case"].astype(str).unique()
    else:
        labels = of.cases["case"].astype(str).to_numpy()
    return pd.Series(number, index=pd.Index(labels), dtype="int64")


def _parts(
    p: PreparedLog,
    other: PreparedLog | None,
    data: ReportData,
    options: ReportOptions,
    split: str | None,
    top: int,
    skip: tuple[str, ...],
    progress: Callable[[str], None],
) -> OptionalParts:
    from . import section_causes, section_compare, section_drift, section_flows, section_model

    cal = p.calendar  # with a working calendar every part measures working time
    notes: list[str] = []
    sections: list[SectionBuilder] = []
    results = OptionalResults()
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
        nonlocal results
        from ..analysis.compare import CompareOptions, compare_logs, compare_split, split_log

        compare_options = CompareOptions(calendar=cal)
        at: pd.Timestamp | None = None
        auto, straddling = False, 0
        if other is not None:
            result = compare_logs(other, p, compare_options)
            before, after = measure(other, top=top), data
            before_waits = transition_waits(other, _plotted(after))
            others.append(before)
            results = replace(
                results,
                logs=((Path(other.source).name, before), (Path(p.source).name, data)),
            )
        else:
            assert split is not None
            auto = split.strip().lower() == "auto"
            if auto:
                from ..analysis.drift import split_date

                at = split_date(p.log).date  # on the wall clock, whatever the calendar
            else:
                from ..analysis.compare import to_utc

                at = to_utc(split, p.log.display_tz, p.log.timestamp_format)
            result = compare_split(p, at, compare_options)
            before_log, after_log, straddling = split_log(p, at)
            with PreparedLog(after_log, calendar=cal) as side:
                after = measure(side, top=top)
            with PreparedLog(before_log, calendar=cal) as side:
                before = measure(side, top=top)
                before_waits = transition_waits(side, _plotted(after))
        cmp = BeforeAfter(
            result,
            before,
            after,
            before_waits,
            "logs" if other is not None else "split",
            split_at=at,
            auto=auto,
            straddling=straddling,
        )
        results = _comparison_plots(replace(results, comparison=cmp), cmp, options.words())
        sections.append(section_compare.compare_section)
        sections.append(section_compare.introduced_section)

    def drift() -> None:
        nonlocal results
        from ..analysis.drift import drift as run_drift

        result = run_drift(p)
        results = replace(results, drift=result)
        sections.append(section_drift.drift_section)
        if not results.markers and result.change_points:  # mark them on the weekly plot
            words = options.words()
            shift = pd.Timedelta(microseconds=data.offset_us)
            markers = tuple(
                (local, words.date(local))
                for local in sorted(
                    point.date.tz_convert("UTC").tz_localize(None) + shift
                    for point in result.change_points
                )
            )
            results = replace(results, markers=markers)

    def causes() -> None:
        nonlocal results
        from ..analysis.causes import CauseOptions, attribute_causes

        # without recorded start times the starts are estimated (the section says so)
        breakdown = attribute_causes(p, CauseOptions(calendar=cal))
        if breakdown.wait_total_s <= 0:
            notes.append("causes section left out: no waiting time could be attributed")
            return
        results = replace(results, causes=breakdown)
        sections.append(section_causes.causes_section)

    def flows() -> None:
        nonlocal results
        from ..analysis.flows import flows as run_flows

        variants, rework, handoffs = run_flows(p, top=5)
        results = replace(results, flows=Flows(variants, rework, handoffs))
        sections.append(section_flows.flows_section)

    def model() -> None:
        nonlocal results
        from ..analysis.discover import TIME_LIMIT
        from ..analysis.discovery import DEFAULT_ACTIVITIES, fitting_model, significant_activities
        from ..render.discovery_text import model_picture, page_fit

        # discover's defaults: the same significant activities, the same time limit and the
        # same step down to fewer activities when the model is too wide for a page
        quality = data.analysis.log.activity_instances <= MODEL_QUALITY_MAX_STEPS
        chosen = significant_activities(data.analysis, int(DEFAULT_ACTIVITIES))
        fits = page_fit("bpmn")
        mined = fitting_model(
            p,
            chosen,
            fits=None if fits is None else lambda m: fits(m, data.analysis),
            quality=quality,
            event_limit=MODEL_EVENT_LEVEL_MAX,
            limit_text=DEFAULT_ACTIVITIES,
            time_limit=TIME_LIMIT,
        )
        if not quality:
            notes.append(
                f"model: fitness and precision are not measured for logs over "
                f"{MODEL_QUALITY_MAX_STEPS:,} steps (token replay is slow); "
                "`bottleneck discover` measures them"
            )
        results = replace(results, model=FoundModel(mined, model_picture(mined, "bpmn")))
        sections.append(section_model.model_section)

    if split or other is not None:
        attempt("compare", compare)
    attempt("drift", drift)
    attempt("causes", causes)
    attempt("flows", flows)
    attempt("model", model)
    return OptionalParts(
        sections=tuple(sections), results=results, others=tuple(others), notes=tuple(notes)
    )


def _plotted(data: ReportData) -> list[tuple[str, str]]:
    """The transitions whose waits a log's report plots."""
    return [(t.source, t.target) for t in data.top_waits]


def _comparison_plots(results: OptionalResults, cmp: BeforeAfter, words: Words) -> OptionalResults:
    """Before/after series for the core plots: weekly lines, throughput, top waits overlaid."""
    before, after = words("before"), words("after")
    colours = (figures.SERIES_COLOURS[2], figures.SERIES_COLOURS[0])
    markers = results.markers
    if cmp.split_at is not None:
        local = cmp.split_at.tz_convert("UTC").tz_localize(None) + pd.Timedelta(
            microseconds=cmp.after.offset_us
        )
        markers = ((local, words("split_marker") + " " + words.date(local)),)
    series = []
    for i, t in enumerate(cmp.after.top_waits):
        colour = figures.SERIES_COLOURS[i % len(figures.SERIES_COLOURS)]
        label = f"#{t.rank} {t.source} → {t.target}"
        waits = cmp.before_waits.get((t.source, t.target))
        if waits is not None and len(waits):
            series.append(figures.Series(f"{label} ({before})", waits, colour, ":"))
        series.append(figures.Series(f"{label} ({after})", t.waits_s, colour))
    return replace(
        results,
        weekly_series=(
            (before, cmp.before.weekly, colours[0]),
            (after, cmp.after.weekly, colours[1]),
        ),
        throughput_series=(
            figures.Series(before, cmp.before.cases["duration_s"].to_numpy(), colours[0]),
            figures.Series(after, cmp.after.cases["duration_s"].to_numpy(), colours[1]),
        ),
        markers=markers,
        wait_series=tuple(series),
    )
