"""The Python API: load a log once, then analyze, compare, find drift, causes and the model.

Every call accepts a path, a pandas DataFrame, an `EventLog` or a `PreparedLog`, the same
`columns=`, `calendar=` and `tz=` keywords, and returns a typed result whose tables are pandas
DataFrames and whose `.to_json()` is the document the command line writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .analysis.analyze import analyze as run_analyze
from .analysis.causes import CauseBreakdown
from .analysis.compare_types import CompareError, CompareOptions, Comparison
from .analysis.discover import DiscoveredModel
from .analysis.discovery import Discovery
from .analysis.drift_model import ChangePoint, DriftResult, Granularity
from .analysis.flows import Handoffs, Rework, Variants
from .calendar import WorkCalendar, load_calendar
from .columns import LogColumns, resolve_columns, time_candidates
from .io.read import (
    RawLog,
    from_dataframe,
    read_log,
    read_reference_file,
    release_unused_memory,
)
from .model import Analysis, EventLog
from .normalize import NormalizeOptions, normalize
from .prepared import PreparedLog

if TYPE_CHECKING:
    from .render.words import Words
    from .reporting import ReportFiles

Source = str | Path | pd.DataFrame | EventLog | PreparedLog
"""What every call takes: a log file, a DataFrame, a normalized log or a prepared log."""
CalendarSpec = WorkCalendar | str | None
"""A working calendar, a built-in name (`vn`), a TOML calendar file, or None (wall clock)."""


def read_raw(
    source: str | Path | pd.DataFrame,
    columns: LogColumns,
    options: NormalizeOptions,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> RawLog:
    """The raw table of a path or DataFrame, loading only needed columns where the format allows
    (`sheet`: the sheet of a workbook, by name or by number from 1; the first by default)."""
    if isinstance(source, pd.DataFrame):
        return from_dataframe(source)

    def select(names: Sequence[str]) -> Sequence[str]:
        if options.milestones:
            return names
        wanted = [c for _, c in resolve_columns(names, columns, source=str(source)).items()]
        return [*wanted, *(c for c in time_candidates(names) if c not in wanted)]

    return read_log(source, encoding=encoding, select=select, sheet=sheet)


def load_log(
    source: str | Path | pd.DataFrame,
    columns: LogColumns | None = None,
    *,
    options: NormalizeOptions | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> EventLog:
    """Read and normalize a log; a caller's DataFrame is never modified."""
    columns = columns or LogColumns()
    options = options or NormalizeOptions()
    raw = read_raw(source, columns, options, encoding=encoding, sheet=sheet)
    log = normalize(raw, columns, options)
    del raw
    release_unused_memory()
    return log


def calendar_of(spec: CalendarSpec) -> WorkCalendar | None:
    """The working calendar `spec` names (a calendar itself passes through)."""
    return spec if isinstance(spec, WorkCalendar) or spec is None else load_calendar(spec)


def load(
    source: Source,
    *,
    columns: LogColumns | None = None,
    calendar: CalendarSpec = None,
    tz: str | None = None,
    options: NormalizeOptions | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> PreparedLog:
    """A log read, normalized and prepared once for every analysis (close it, or use `with`).

    `tz` is the zone of timestamps written without an offset (and of dates shown); `calendar`
    measures every duration in working time, and without `tz` its zone is that of times
    written without an offset; `sheet` chooses the sheet of an Excel or OpenDocument workbook
    (a name, or a number from 1). A prepared log is returned as it is."""
    if isinstance(source, PreparedLog):
        return source
    if isinstance(source, EventLog):
        return PreparedLog(source, calendar=calendar_of(calendar))
    opts = options or NormalizeOptions()
    cal = calendar_of(calendar)
    if tz is not None:
        opts = replace(opts, tz=tz)
    if cal is not None and opts.default_tz is None:  # as the command line's --calendar
        opts = replace(opts, default_tz=cal.tz)
    if cal is not None and opts.calendar_years is None:  # rows a calendar cannot cover named
        from .timeunits import CALENDAR_YEARS

        opts = replace(opts, calendar_years=CALENDAR_YEARS)
    log = load_log(source, columns, options=opts, encoding=encoding, sheet=sheet)
    return PreparedLog(log, calendar=cal)


def _english(calendar: WorkCalendar | None) -> Words:
    """The words of the documents' sentences: English, in the calendar's working days."""
    from .render.words import Words

    return Words("en", workday_s=None if calendar is None else calendar.workday_seconds)


class JsonDocument:
    """A result that the command line writes as one JSON document: `document()` is its
    content, `to_json()` the text of the file, byte for byte."""

    def document(self) -> dict[str, Any]:
        """The document's content."""
        raise NotImplementedError

    def to_json(self) -> str:
        """The document as the command line writes it."""
        from .render.serialize import to_json

        return to_json(self.document())


@dataclass(frozen=True)
class AnalyzeResult(JsonDocument):
    """Waiting times per transition and activity, the ranked bottlenecks, and (when counted)
    variants, rework and hand-offs: what `bottleneck analyze` writes."""

    analysis: Analysis
    flows: tuple[Variants, Rework, Handoffs] | None
    time_basis: str
    calendar: WorkCalendar | None = None
    """The calendar of the durations: the default map (the document's `map`) says them in its
    working days, as `bottleneck analyze --calendar` draws it."""

    @property
    def transitions(self) -> pd.DataFrame:
        """One row per directly-follows transition with its waiting-time statistics."""
        return self.analysis.transitions

    @property
    def activities(self) -> pd.DataFrame:
        """One row per activity: waiting before it, processing time, rework."""
        return self.analysis.activities

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """The ranked bottlenecks (transitions and activities), by total waiting time."""
        return self.analysis.bottlenecks

    def document(self) -> dict[str, Any]:
        """The `bottleneck/analysis@1` document (docs/schema.md)."""
        from .render.analysis_document import analysis_document
        from .render.flows import flows_document
        from .render.graph import GraphOptions, process_map

        doc = analysis_document(self.analysis, time_basis=self.time_basis)
        if self.flows is not None:
            doc.update(flows_document(*self.flows))
        options = GraphOptions(words=_english(self.calendar))
        doc["map"] = process_map(self.analysis, options)[1].document()
        return doc


class _Opened:
    """A prepared log for one call: the caller's own is left open, one made here is closed."""

    def __init__(self, source: Source, **load_args: Any) -> None:
        self.own = not isinstance(source, PreparedLog)
        self.log = load(source, **load_args)

    def __enter__(self) -> PreparedLog:
        return self.log

    def __exit__(self, *_exc: object) -> None:
        if self.own:
            self.log.close()


def analyze(
    source: Source,
    *,
    columns: LogColumns | None = None,
    calendar: CalendarSpec = None,
    tz: str | None = None,
    top: int | None = 10,
    flows: bool = True,
) -> AnalyzeResult:
    """Rank where cases wait longest, as `bottleneck analyze` does (variants, rework and
    hand-offs counted too unless `flows` is False)."""
    from .analysis.flows import flows as count_flows

    with _Opened(source, columns=columns, calendar=calendar, tz=tz) as p:
        result = run_analyze(p, top=top)
        found = count_flows(p, top=top) if flows else None
        return AnalyzeResult(
            analysis=result, flows=found, time_basis=p.time_basis, calendar=p.calendar
        )


@dataclass(frozen=True)
class CompareResult(JsonDocument):
    """Two periods or two logs compared: what got slower or faster, where, how sure."""

    comparison: Comparison
    calendar: WorkCalendar | None = None
    """The calendar of the durations: the document's sentences say its working days."""

    @property
    def transitions(self) -> pd.DataFrame:
        """Per transition: statistics before and after, the change, its test and status."""
        return self.comparison.transitions

    @property
    def activities(self) -> pd.DataFrame:
        """Per activity: waiting before it, before and after, the change and its status."""
        return self.comparison.activities

    @property
    def introduced(self) -> pd.DataFrame:
        """New or significantly slower waits, by added wait per case."""
        return self.comparison.introduced

    @property
    def improvements(self) -> pd.DataFrame:
        """Faster or vanished waits, by wait saved per case."""
        return self.comparison.improvements

    def document(self) -> dict[str, Any]:
        """The `bottleneck/comparison@1` document (docs/schema.md)."""
        from .render.compare_graph import map_documents
        from .render.compare_text import comparison_document
        from .render.graph import dot_available

        words = _english(self.calendar)
        maps = map_documents(self.comparison, words) if dot_available() else None
        return comparison_document(self.comparison, words, maps)


def split_point(log: EventLog | PreparedLog) -> tuple[pd.Timestamp, str]:
    """The date of the strongest change point of `log` and the line describing it (what
    `--split auto` compares around), found on the wall clock whatever the calendar."""
    from .analysis.drift import split_date
    from .render.drift_text import describe

    real = log.log if isinstance(log, PreparedLog) else log
    wall = log if isinstance(log, PreparedLog) and log.calendar is None else real
    point = split_date(wall)
    return point.date, describe(point, real.display_tz)


def compare(
    source: Source,
    other: Source | None = None,
    *,
    split: str | pd.Timestamp | None = None,
    columns: LogColumns | None = None,
    calendar: CalendarSpec = None,
    tz: str | None = None,
    deadline: str | None = None,
    options: CompareOptions | None = None,
) -> CompareResult:
    """Compare two logs (`source` before, `other` after), or the cases of one log starting
    before and from `split` (a date, or "auto" for the strongest change point)."""
    from .analysis.compare import compare_logs, compare_split
    from .analysis.deadlines import parse_deadline

    if (other is None) == (split is None):
        raise CompareError("give either two logs or one log and a split date")
    opts = options or CompareOptions()
    cal = calendar_of(calendar)
    if cal is not None or deadline is not None:
        opts = replace(
            opts,
            calendar=cal or opts.calendar,
            deadline=parse_deadline(deadline) if deadline else opts.deadline,
        )
    args: dict[str, Any] = {"columns": columns, "calendar": opts.calendar, "tz": tz}
    if other is not None:
        with _Opened(source, **args) as before, _Opened(other, **args) as after:
            return CompareResult(compare_logs(before, after, opts), after.calendar)
    with _Opened(source, **args) as p:
        description = None
        at: Any = split
        if isinstance(split, str) and split.strip().lower() == "auto":
            at, description = split_point(p)
        return CompareResult(compare_split(p, at, opts, description=description), p.calendar)


@dataclass(frozen=True)
class DriftOutcome(JsonDocument):
    """Period series of a log and the dates at which they changed."""

    result: DriftResult
    calendar: WorkCalendar | None = None
    """The calendar of the durations: the document's descriptions say its working days."""

    @property
    def change_points(self) -> tuple[ChangePoint, ...]:
        """The dated changes, strongest moves first within each."""
        return self.result.change_points

    @property
    def series(self) -> pd.DataFrame:
        """One row per period, metric and element: the value and its number of observations."""
        return self.result.series

    def document(self) -> dict[str, Any]:
        """The `bottleneck/drift@1` document (docs/schema.md)."""
        from .render.drift_text import drift_document

        return drift_document(self.result, _english(self.calendar))


def drift(
    source: Source,
    *,
    columns: LogColumns | None = None,
    calendar: CalendarSpec = None,
    tz: str | None = None,
    metrics: tuple[str, ...] | None = None,
    granularity: Granularity | None = None,
    bin_cases: int | None = None,
) -> DriftOutcome:
    """Find the dates at which waiting times, throughput, arrivals or the flow changed
    (`bin_cases=N`: periods of N cases each, as `--granularity cases:N`)."""
    from .analysis.drift import METRIC_GROUPS
    from .analysis.drift import drift as find_drift

    with _Opened(source, columns=columns, calendar=calendar, tz=tz) as p:
        found = find_drift(
            p, metrics=metrics or METRIC_GROUPS, granularity=granularity, bin_cases=bin_cases
        )
        return DriftOutcome(found, p.calendar)


@dataclass(frozen=True)
class CausesResult(JsonDocument):
    """The waiting time before every step split into its five causes."""

    breakdown: CauseBreakdown

    @property
    def transitions(self) -> pd.DataFrame:
        """Per transition: the wait and each cause's seconds, per case and share."""
        return self.breakdown.transitions

    @property
    def activities(self) -> pd.DataFrame:
        """Per activity: the wait before it and each cause's seconds, per case and share."""
        return self.breakdown.activities

    @property
    def resources(self) -> pd.DataFrame:
        """Per resource (or pool): the wait before its steps, by cause."""
        return self.breakdown.resources

    @property
    def batches(self) -> pd.DataFrame:
        """Per activity and resource with batches: sizes, type, firing pattern, batching wait."""
        return self.breakdown.batches

    def document(self) -> dict[str, Any]:
        """The `bottleneck/causes@1` document (docs/schema.md)."""
        from .render.causes_text import causes_document

        return causes_document(self.breakdown)


def causes(
    source: Source,
    *,
    columns: LogColumns | None = None,
    calendar: CalendarSpec = None,
    tz: str | None = None,
    group_pools: bool = False,
    batch_gap_s: float = 0.0,
    batch_min_size: int = 2,
    estimate_starts: bool = True,
) -> CausesResult:
    """Split the waiting time before every step into batching, resource contention,
    prioritization, resource unavailability and extraneous causes (without a calendar each
    resource's working hours are learned from the log); batches are found with at most
    `batch_gap_s` between members and at least `batch_min_size` members (docs/causes.md);
    instances without a start time get an estimated one unless `estimate_starts` is false."""
    from .analysis.causes import CauseOptions, attribute_causes

    with _Opened(source, columns=columns, calendar=calendar, tz=tz) as p:
        options = CauseOptions(
            calendar=p.calendar,
            group_pools=group_pools,
            batch_gap_s=batch_gap_s,
            batch_min_size=batch_min_size,
            estimate_starts=estimate_starts,
        )
        return CausesResult(attribute_causes(p, options))


@dataclass(frozen=True)
class DiscoverResult(JsonDocument):
    """The mined process model with its quality, variants, rework, hand-offs and conformance."""

    discovery: Discovery

    @property
    def model(self) -> DiscoveredModel:
        """The mined model: fitness, precision, BPMN and PNML."""
        return self.discovery.model

    @property
    def variants(self) -> pd.DataFrame:
        """The most frequent paths through the process."""
        return self.discovery.variants.table

    def document(self) -> dict[str, Any]:
        """The `bottleneck/discovery@1` document (docs/schema.md)."""
        from .render.discovery_text import discovery_document

        return discovery_document(self.discovery)


def discover(
    source: Source,
    *,
    columns: LogColumns | None = None,
    calendar: CalendarSpec = None,
    tz: str | None = None,
    miner: str = "inductive",
    notation: str = "bpmn",
    noise: float = 0.2,
    top: int = 10,
    reference: str | Path | None = None,
    activities: str | int = "25",
    time_limit: float | None = 120.0,
) -> DiscoverResult:
    """Mine the process model, as `bottleneck discover` does (`reference`: a BPMN file the log
    is aligned with; `activities`: N, "P%" or "all" most significant activities mined on;
    `time_limit`: seconds before a simpler model is mined, None for no limit)."""
    from .analysis.discovery import run_discovery

    ref = None if reference is None else read_reference_file(Path(reference))
    with _Opened(source, columns=columns, calendar=calendar, tz=tz) as p:
        found = run_discovery(
            p,
            miner=miner,
            notation=notation,
            noise=noise,
            top=top,
            reference=ref,
            activities=activities,
            time_limit=time_limit,
        )
        return DiscoverResult(found)


@dataclass(frozen=True)
class ReportResult:
    """The report's files in memory, as `bottleneck report` writes them: `files` in the output
    folder (report.html, report.md, report.pdf when made), `figures` in its figures/ folder."""

    report: ReportFiles

    @property
    def html(self) -> str:
        """report.html: one self-contained file."""
        return str(self.report.files["report.html"])

    @property
    def markdown(self) -> str:
        """report.md: the same text and tables for a wiki or a ticket."""
        return str(self.report.files["report.md"])

    @property
    def notes(self) -> tuple[str, ...]:
        """The optional parts left out, and why (and why report.pdf is missing, when it is)."""
        warning = self.report.pdf_warning
        return self.report.notes + ((warning,) if warning else ())


def report(
    source: Source,
    other: Source | None = None,
    *,
    split: str | None = None,
    columns: LogColumns | None = None,
    calendar: CalendarSpec = None,
    tz: str | None = None,
    lang: str = "vi",
    title: str | None = None,
    anonymize: bool = True,
    top: int = 10,
    skip: tuple[str, ...] = (),
    pdf: bool = False,
    generated_at: pd.Timestamp | None = None,
) -> ReportResult:
    """The report a director reads, as `bottleneck report` makes it: of `source` alone, of
    `source` against `other` (the "before" log), or around `split` (a date or "auto").
    As the command, a Vietnamese report (`lang` vi) counts working days of the `vn` calendar
    unless `calendar` names another or "none"."""
    from .reporting import ReportOptions, make_report

    if calendar is None and lang == "vi":
        calendar = "vn"

    args: dict[str, Any] = {"columns": columns, "calendar": calendar, "tz": tz}
    with _Opened(source, **args) as p, contextlib.ExitStack() as stack:
        before = None if other is None else stack.enter_context(_Opened(other, **args))
        options = ReportOptions(
            lang=lang, title=title, anonymize=anonymize, top=top, calendar=p.calendar
        )
        built = make_report(
            p,
            options,
            other=before,
            split=split,
            skip=skip,
            generated_at=generated_at or pd.Timestamp.now(tz="UTC"),
            pdf=pdf,
        )
        return ReportResult(built)


def analyze_log(
    source: str | Path | pd.DataFrame,
    columns: LogColumns | None = None,
    *,
    options: NormalizeOptions | None = None,
    encoding: str | None = None,
    top: int | None = 10,
    sheet: str | int | None = None,
) -> Analysis:
    """Analyze a log file or DataFrame: the same `Analysis` that `bottleneck analyze` writes."""
    log = load_log(source, columns, options=options, encoding=encoding, sheet=sheet)
    return run_analyze(log, top=top)
