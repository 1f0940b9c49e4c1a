"""The Python API: load a log once, then analyze, compare, find drift, causes and the model.

Every call accepts a path, a pandas DataFrame, an `EventLog` or a `PreparedLog`, the same
`columns=`, `calendar=` and `tz=` keywords, and returns a typed result whose tables are pandas
DataFrames and whose `.to_json()` is the document the command line writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .analysis.analyze import analyze as run_analyze
from .analysis.flows import Handoffs, Rework, Variants
from .calendar import WorkCalendar, load_calendar
from .columns import LogColumns, resolve_columns
from .io.read import RawLog, from_dataframe, read_log
from .model import Analysis, EventLog
from .normalize import NormalizeOptions, normalize
from .prepared import PreparedLog

Source = str | Path | pd.DataFrame | EventLog | PreparedLog
"""What every call takes: a log file, a DataFrame, a normalized log or a prepared log."""
CalendarSpec = WorkCalendar | str | None
"""A working calendar, a built-in name (`vn`), a TOML calendar file, or None (wall clock)."""

FLOWS_AUTO_LIMIT = 2_000_000
"""Variants, rework and hand-offs are counted by default up to this many events (measured at
10^7 events: several times the time and memory of the rest; benchmarks/RESULTS.md)."""


def read_raw(
    source: str | Path | pd.DataFrame,
    columns: LogColumns,
    options: NormalizeOptions,
    *,
    encoding: str | None = None,
) -> RawLog:
    """The raw table of a path or DataFrame, loading only needed columns where the format allows."""
    if isinstance(source, pd.DataFrame):
        return from_dataframe(source)

    def select(names: Sequence[str]) -> Sequence[str]:
        if options.milestones:
            return names
        return [c for _, c in resolve_columns(names, columns, source=str(source)).items()]

    return read_log(source, encoding=encoding, select=select)


def load_log(
    source: str | Path | pd.DataFrame,
    columns: LogColumns | None = None,
    *,
    options: NormalizeOptions | None = None,
    encoding: str | None = None,
) -> EventLog:
    """Read and normalize a log; a caller's DataFrame is never modified."""
    columns = columns or LogColumns()
    options = options or NormalizeOptions()
    raw = read_raw(source, columns, options, encoding=encoding)
    return normalize(raw, columns, options)


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
) -> PreparedLog:
    """A log read, normalized and prepared once for every analysis (close it, or use `with`).

    `tz` is the zone of timestamps written without an offset (and of dates shown); `calendar`
    measures every duration in working time. A prepared log is returned as it is."""
    if isinstance(source, PreparedLog):
        return source
    if isinstance(source, EventLog):
        return PreparedLog(source, calendar=calendar_of(calendar))
    opts = options or NormalizeOptions()
    if tz is not None:
        opts = NormalizeOptions(
            timestamp_format=opts.timestamp_format,
            tz=tz,
            bad_rows=opts.bad_rows,
            milestones=opts.milestones,
        )
    log = load_log(source, columns, options=opts, encoding=encoding)
    return PreparedLog(log, calendar=calendar_of(calendar))


@dataclass(frozen=True)
class AnalyzeResult:
    """Waiting times per transition and activity, the ranked bottlenecks, and (when counted)
    variants, rework and hand-offs: what `bottleneck analyze` writes."""

    analysis: Analysis
    flows: tuple[Variants, Rework, Handoffs] | None
    time_basis: str

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
        from .render.data import analysis_document
        from .render.flows import flows_document

        doc = analysis_document(self.analysis, time_basis=self.time_basis)
        if self.flows is not None:
            doc.update(flows_document(*self.flows))
        return doc

    def to_json(self) -> str:
        """The document as `analysis.json` holds it."""
        from .render.data import to_json

        return to_json(self.document())


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
    flows: bool | None = None,
) -> AnalyzeResult:
    """Rank where cases wait longest, as `bottleneck analyze` does (flows counted by default up
    to `FLOWS_AUTO_LIMIT` events)."""
    from .analysis.flows import flows as count_flows

    with _Opened(source, columns=columns, calendar=calendar, tz=tz) as p:
        result = run_analyze(p, top=top)
        if flows is None:
            flows = len(p.log.events) <= FLOWS_AUTO_LIMIT
        found = count_flows(p, top=top) if flows else None
        return AnalyzeResult(analysis=result, flows=found, time_basis=p.time_basis)


def analyze_log(
    source: str | Path | pd.DataFrame,
    columns: LogColumns | None = None,
    *,
    options: NormalizeOptions | None = None,
    encoding: str | None = None,
    top: int | None = 10,
) -> Analysis:
    """Analyze a log file or DataFrame: the same `Analysis` that `bottleneck analyze` writes."""
    return run_analyze(load_log(source, columns, options=options, encoding=encoding), top=top)
