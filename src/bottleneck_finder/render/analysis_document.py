"""An analysis as the `bottleneck/analysis@1` document, with its on-time section."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import __version__
from ..model import Analysis
from ..timeunits import local_time
from .quality_text import quality_sentence
from .serialize import records

ANALYSIS_SCHEMA = "bottleneck/analysis@1"


def analysis_document(
    analysis: Analysis,
    *,
    time_basis: str = "wall_clock",
    deadlines: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The analysis as the `bottleneck/analysis@1` JSON document (see docs/schema.md).

    `time_basis` says how durations are measured (`wall_clock` or `working:<calendar>`);
    `deadlines` is the on-time section (`deadlines_document`), null when none was asked for."""
    log = analysis.log
    q = analysis.quality
    bottlenecks = []
    for row in records(analysis.bottlenecks):
        if row["kind"] == "transition":
            row.pop("activity")
        else:
            row.pop("source")
            row.pop("target")
        bottlenecks.append(row)
    return {
        "schema": ANALYSIS_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": analysis.source,
        "columns": dict(analysis.columns.items()),
        "log": {
            "cases": log.cases,
            "events": log.events,
            "activity_instances": log.activity_instances,
            "activities": log.activities,
            "first_event": local_time(log.first_event, analysis.display_tz),
            "last_event": local_time(log.last_event, analysis.display_tz),
            "has_start_times": log.has_start_times,
            "timestamp_format": analysis.timestamp_format,
        },
        "data_quality": {
            "rows_read": q.rows_read,
            "rows_used": q.rows_used,
            "dropped_bad_timestamp": q.dropped_bad_timestamp,
            "dropped_missing_case_or_activity": q.dropped_missing_case_or_activity,
            "dropped_end_before_start": q.dropped_end_before_start,
            "dropped_duplicates": q.dropped_duplicates,
            "kept_duplicates": q.kept_duplicates,
            "repeated_trace_ids": q.repeated_trace_ids,
            "traces_keyed_apart": q.traces_keyed_apart,
            "ignored_lifecycle_events": q.ignored_lifecycle_events,
            "unmatched_starts": q.unmatched_starts,
            "unmatched_completes": q.unmatched_completes,
            "complete_only_events": q.complete_only_events,
            "warnings": [quality_sentence(w) for w in q.warnings],
        },
        "wait_definition": analysis.wait_definition,
        "mixed_wait_definitions": analysis.mixed_wait_definitions,
        "time_basis": time_basis,
        "total_wait_s": analysis.total_wait_s,
        "transitions": records(analysis.transitions),
        "activities": records(analysis.activities),
        "cases": {
            "count": analysis.cases.count,
            "duration_mean_s": analysis.cases.duration_mean_s,
            "duration_median_s": analysis.cases.duration_median_s,
            "duration_p90_s": analysis.cases.duration_p90_s,
            "duration_max_s": analysis.cases.duration_max_s,
            "steps_mean": analysis.cases.steps_mean,
            "steps_max": analysis.cases.steps_max,
        },
        "start_activities": records(analysis.start_activities),
        "end_activities": records(analysis.end_activities),
        "bottlenecks": bottlenecks,
        "deadlines": deadlines,
    }


def deadline_summary(cases: pd.DataFrame) -> dict[str, Any]:
    """On-time figures over the rows of a deadline report's `cases` table (see
    `analysis.deadlines.on_time_summary`)."""
    from ..analysis.deadlines import on_time_summary

    return on_time_summary(cases)


def deadlines_document(report: Any, procedure_column: str | None) -> dict[str, Any]:
    """The `deadlines` section of analysis.json from an `analysis.deadlines.DeadlineReport`."""
    return {
        "deadline": report.deadline,
        "deadline_column": report.deadline_column,
        "procedure_column": procedure_column,
        "calendar": report.calendar,
        "late_unit": report.late_unit,
        "overall": deadline_summary(report.cases),
        "procedures": records(report.procedures),
    }
