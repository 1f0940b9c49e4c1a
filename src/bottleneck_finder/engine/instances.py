"""Activity instances: lifecycle start/complete events paired into (start, end) intervals."""

from __future__ import annotations

from typing import Any

import ibis


def activity_instances(events: Any, *, paired: bool) -> Any:
    """One row per activity instance: case, activity, start_us, end_us, resource, group, row.

    Without lifecycle pairing every event is an instance (`start_us` from a start column or null).
    With pairing, events of one case and activity are taken in time order (ties by file row):
    a `complete` directly preceded by a `start` forms one instance (resource of the complete,
    else of the start; `row` of the complete); a `complete` with no start before it is an
    instance of unknown start (`start_us` null); a `start` not directly followed by a
    `complete` is unmatched and left out (see `unmatched_counts`).
    """
    keep = ["case", "activity", "start_us", "end_us", "resource", "group", "row"]
    if not paired:
        return events.select(*keep)
    e = _neighbours(events)
    matched = e.filter((e.lifecycle == "start") & (e.next_lifecycle == "complete")).select(
        case=e.case,
        activity=e.activity,
        start_us=e.end_us,
        end_us=e.next_end_us,
        resource=e.next_resource.coalesce(e.resource),
        group=e.next_group.coalesce(e.group),
        row=e.next_row,
    )
    lone = e.filter(
        (e.lifecycle == "complete") & (e.prev_lifecycle.isnull() | (e.prev_lifecycle != "start"))
    ).select(
        case=e.case,
        activity=e.activity,
        start_us=ibis.null().cast("int64"),
        end_us=e.end_us,
        resource=e.resource,
        group=e.group,
        row=e.row,
    )
    return matched.union(lone)


def _neighbours(events: Any) -> Any:
    w = ibis.window(group_by=[events.case, events.activity], order_by=[events.end_us, events.row])
    return events.mutate(
        next_lifecycle=events.lifecycle.lead().over(w),
        prev_lifecycle=events.lifecycle.lag().over(w),
        next_end_us=events.end_us.lead().over(w),
        next_resource=events.resource.lead().over(w),
        next_group=events.group.lead().over(w),
        next_row=events.row.lead().over(w),
    )


def unmatched_counts(events: Any) -> Any:
    """One row: `unmatched_starts` and `unmatched_completes` of the lifecycle pairing."""
    e = _neighbours(events)
    lone_start = (e.lifecycle == "start") & (
        e.next_lifecycle.isnull() | (e.next_lifecycle != "complete")
    )
    lone_complete = (e.lifecycle == "complete") & (
        e.prev_lifecycle.isnull() | (e.prev_lifecycle != "start")
    )
    return e.aggregate(
        unmatched_starts=lone_start.cast("int64").sum().coalesce(0),
        unmatched_completes=lone_complete.cast("int64").sum().coalesce(0),
    )
