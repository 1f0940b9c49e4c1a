"""Aggregates over steps: counts, cases, and exact mean / median / p90 / max / total times."""

from __future__ import annotations

from typing import Any


def _time_stats(column: Any, prefix: str) -> dict[str, Any]:
    """Exact statistics of a microsecond column; quantiles by linear interpolation."""
    return {
        f"{prefix}_count": column.count(),
        f"{prefix}_mean_us": column.mean(),
        f"{prefix}_median_us": column.quantile(0.5),
        f"{prefix}_p90_us": column.quantile(0.9),
        f"{prefix}_max_us": column.max(),
        f"{prefix}_total_us": column.sum(),
    }


def transition_stats(steps: Any) -> Any:
    """Per directly-follows pair (source, target): count, cases, overlaps and wait statistics."""
    s = steps.filter(steps.source.notnull())
    return s.group_by(source=s.source, target=s.activity).aggregate(
        count=s.count(),
        cases=s.case.nunique(),
        overlaps=s.overlap.cast("int64").sum(),
        **_time_stats(s.wait_us, "wait"),
    )


def activity_stats(steps: Any) -> Any:
    """Per activity: instances, cases, processing time, waiting time before it."""
    s = steps
    return s.group_by(activity=s.activity).aggregate(
        count=s.count(),
        cases=s.case.nunique(),
        **_time_stats(s.processing_us, "processing"),
        **_time_stats(s.wait_us, "wait_before"),
    )


def endpoint_counts(steps: Any) -> Any:
    """Per activity: how many cases start with it and how many end with it."""
    s = steps
    return s.group_by(activity=s.activity).aggregate(
        starts=s.source.isnull().cast("int64").sum(),
        ends=s.is_last.cast("int64").sum(),
    )


def case_durations(steps: Any) -> Any:
    """Per case: first start, last end, throughput time and number of steps."""
    s = steps
    per_case = s.group_by(case=s.case).aggregate(
        first_us=s.start_eff_us.min(), last_us=s.end_us.max(), steps=s.count()
    )
    return per_case.mutate(duration_us=per_case.last_us - per_case.first_us)


def case_stats(steps: Any) -> Any:
    """One row: throughput-time statistics over cases and steps per case."""
    c = case_durations(steps)
    return c.aggregate(
        cases=c.count(),
        **_time_stats(c.duration_us, "duration"),
        steps_mean=c.steps.mean(),
        steps_max=c.steps.max(),
        first_us=c.first_us.min(),
        last_us=c.last_us.max(),
    )
