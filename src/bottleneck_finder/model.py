"""Frozen result types: the log as read, its data-quality record, and the analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .columns import LogColumns

WaitDefinition = Literal["start_to_previous_end", "end_to_previous_end"]
START_WAIT: WaitDefinition = "start_to_previous_end"  # the target has start times
END_WAIT: WaitDefinition = "end_to_previous_end"  # the target is complete-only

TRANSITION_COLUMNS = (
    "source",
    "target",
    "count",
    "cases",
    "overlaps",
    "wait_mean_s",
    "wait_median_s",
    "wait_p90_s",
    "wait_max_s",
    "wait_total_s",
    "wait_definition",
)
ACTIVITY_COLUMNS = (
    "activity",
    "count",
    "cases",
    "processing_count",
    "processing_mean_s",
    "processing_median_s",
    "processing_p90_s",
    "processing_max_s",
    "processing_total_s",
    "wait_before_count",
    "wait_before_mean_s",
    "wait_before_median_s",
    "wait_before_p90_s",
    "wait_before_max_s",
    "wait_before_total_s",
    "rework",
    "wait_definition",
)
BOTTLENECK_COLUMNS = (
    "rank",
    "kind",
    "source",
    "target",
    "activity",
    "count",
    "wait_total_s",
    "share_of_total_wait",
    "wait_median_s",
    "wait_p90_s",
)


@dataclass(frozen=True)
class RowPlace:
    """Where a row of the source file is: `line` of a CSV (its header is line 1), `event` of an
    XES, `sheet_row` of a workbook sheet (`sheet` named), or a data `row` of anything else."""

    unit: Literal["line", "event", "sheet_row", "row"]
    number: int
    sheet: str = ""

    def __str__(self) -> str:
        """In English, as errors name rows: `line 4`, `event #3`, `sheet 'Nhật ký' row 12`."""
        if self.unit == "line":
            return f"line {self.number}"
        if self.unit == "event":
            return f"event #{self.number}"
        if self.unit == "sheet_row":
            return f"sheet {self.sheet!r} row {self.number}"
        return f"row {self.number}"


@dataclass(frozen=True)
class QualityWarning:
    """One data-quality warning as figures; `render.quality_text` says it in words (vi or en).

    `kind` names the sentence (`dropped_unparseable`, `kept_duplicate`, `traces_apart`, …:
    the keys of render/texts/quality.toml without their `dq_` prefix); `count` is how many rows,
    events or ids it concerns; `columns` the columns it names; `rows` where the first rows are
    in the file (`line 4`, `event #2`) and `more` how many further ones there are; `examples`
    the first ids (`traces_apart`), `other` a second count (the traces keyed apart) and
    `detail` a format or a span of years."""

    kind: str
    count: int = 0
    columns: tuple[str, ...] = ()
    rows: tuple[RowPlace, ...] = ()
    more: int = 0
    examples: tuple[str, ...] = ()
    other: int = 0
    detail: str = ""


@dataclass(frozen=True)
class DataQuality:
    """What reading and normalizing did to the rows: counts of everything dropped or repaired."""

    rows_read: int
    rows_used: int
    dropped_bad_timestamp: int = 0
    dropped_missing_case_or_activity: int = 0
    dropped_end_before_start: int = 0
    dropped_duplicates: int = 0
    kept_duplicates: int = 0
    repeated_trace_ids: int = 0
    traces_keyed_apart: int = 0
    ignored_lifecycle_events: int = 0
    unmatched_starts: int = 0
    unmatched_completes: int = 0
    complete_only_events: int = 0
    warnings: tuple[QualityWarning, ...] = ()


@dataclass(frozen=True)
class EventLog:
    """A normalized log: one row per event (or per activity instance when starts are columns).

    `events` has the columns `case`, `activity`, `resource`, `group` (categoricals of text labels,
    trimmed and NFC-normalized; missing where the log has none), `lifecycle` (categorical of
    `start` / `complete`, or missing), `end_us` (int64, microseconds since 1970-01-01 UTC),
    `start_us` (nullable Int64) and `row` (the 0-based row of the event in the source file).
    `case_order`, when known, lists the positions of `events` sorted by (case, position): a
    hint the engine checks before it uses it (a log whose events were filtered keeps a stale
    one).
    """

    events: pd.DataFrame
    source: str
    columns: LogColumns
    has_start_times: bool
    has_lifecycle: bool
    display_tz: str
    timestamp_format: str | None
    quality: DataQuality
    case_order: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Catalog:
    """What the analyses read of a log besides its events in an engine: its size, the labels
    behind the integer codes of `activity`, `resource` and `group` (by code, labels of dropped
    rows included, as `EventLog.events`' categories), the number of case ids and whether any
    event names a resource or a unit."""

    events: int
    cases: int
    labels: dict[str, pd.Index]  # keys: activity, resource, group
    has_resource: bool
    has_group: bool


def catalog_of(log: EventLog | SourceLog) -> Catalog:
    """The catalog of `log`: its own (`SourceLog`), or read off its events' categories."""
    if isinstance(log, SourceLog):
        return log.catalog
    events = log.events
    return Catalog(
        events=len(events),
        cases=len(events["case"].cat.categories),
        labels={c: events[c].cat.categories for c in ("activity", "resource", "group")},
        has_resource=bool(events["resource"].notna().any()),
        has_group=bool(events["group"].notna().any()),
    )


@dataclass(frozen=True)
class EngineSource:
    """A relation an engine reads a log from: `relation` is a FROM item in the engine's SQL
    (`read_parquet('…')`, a table, a parenthesized query), after the `setup` statements (e.g.
    attaching a database); `row_order` an expression of it giving the file order (None: the
    relation's own order, as a query returns it), the row numbers themselves (0, 1, …) where
    `numbered`, else only their order (an ORDER BY list); `files` (kind, path, …): files the
    engine reads with its own reader as the relation (Spark); `label` names it in messages."""

    relation: str
    label: str
    setup: tuple[str, ...] = ()
    row_order: str | None = None
    hidden: tuple[str, ...] = ()  # columns the reader adds (a file row number), not the log's
    numbered: bool = True
    files: tuple[str, ...] | None = None
    # no row order at all (a PostgreSQL table without --order-by): rows are numbered by the
    # columns read, case and time first
    unordered: bool = False


@dataclass(frozen=True)
class SourceLog:
    """A log normalized inside an engine (`engine.source_sql`): no events in this process.

    `build` lists the (table, SQL) steps that make the engine's `events` table (the schema of
    `engine.event_table`) from `origin`, the last one building `events`; the others are dropped
    once it is built. The other fields mean what `EventLog`'s do; `first_us`/`last_us` span
    the kept events (the first start where there are start times)."""

    origin: EngineSource
    build: tuple[tuple[str, str], ...]
    source: str
    columns: LogColumns
    has_start_times: bool
    has_lifecycle: bool
    display_tz: str
    timestamp_format: str | None
    quality: DataQuality
    catalog: Catalog
    first_us: int
    last_us: int


@dataclass(frozen=True)
class LogSummary:
    """Size and span of the analysed log."""

    cases: int
    events: int
    activity_instances: int
    activities: int
    first_event: pd.Timestamp
    last_event: pd.Timestamp
    has_start_times: bool


@dataclass(frozen=True)
class CaseStats:
    """Throughput time of cases (first start to last end) and steps per case."""

    count: int
    duration_mean_s: float
    duration_median_s: float
    duration_p90_s: float
    duration_max_s: float
    steps_mean: float
    steps_max: int


@dataclass(frozen=True)
class Analysis:
    """Everything `bottleneck analyze` computes about one log.

    The tables are pandas DataFrames with the columns named in `TRANSITION_COLUMNS`,
    `ACTIVITY_COLUMNS` and `BOTTLENECK_COLUMNS`; times are in seconds.
    """

    source: str
    columns: LogColumns
    log: LogSummary
    wait_definition: WaitDefinition
    transitions: pd.DataFrame
    activities: pd.DataFrame
    cases: CaseStats
    start_activities: pd.DataFrame
    end_activities: pd.DataFrame
    bottlenecks: pd.DataFrame
    total_wait_s: float
    quality: DataQuality
    display_tz: str
    timestamp_format: str | None = None
    notes: tuple[str, ...] = field(default=())
    # some activities have start times and others are complete-only: each transition row's
    # `wait_definition` (that of its target) says which wait it measures
    mixed_wait_definitions: bool = False
