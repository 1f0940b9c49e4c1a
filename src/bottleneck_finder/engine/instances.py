"""Activity instances: lifecycle start/complete events paired into (start, end) intervals."""

from __future__ import annotations

from . import LIFECYCLE_COMPLETE, LIFECYCLE_START

_NEIGHBOURS = """
SELECT *,
  lead(lifecycle) OVER w AS next_lifecycle,
  lag(lifecycle) OVER w AS prev_lifecycle,
  lead(end_us) OVER w AS next_end_us,
  lead(row_no) OVER w AS next_row_no,
  lead(resource_id) OVER w AS next_resource_id,
  lead(group_id) OVER w AS next_group_id
FROM {events}
WINDOW w AS (PARTITION BY case_id, activity ORDER BY end_us, row_no)
"""

_LONE_START = (
    f"lifecycle = {LIFECYCLE_START} AND "
    f"(next_lifecycle IS NULL OR next_lifecycle <> {LIFECYCLE_COMPLETE})"
)
_LONE_COMPLETE = (
    f"lifecycle = {LIFECYCLE_COMPLETE} AND "
    f"(prev_lifecycle IS NULL OR prev_lifecycle <> {LIFECYCLE_START})"
)


def neighbours(events: str) -> str:
    """SQL: each event with the lifecycle, time and row of its neighbours (same case and
    activity, in time order); pairing and the unmatched counts both read this."""
    return _NEIGHBOURS.format(events=events)


def activity_instances(events: str, *, paired: bool) -> str:
    """SQL: one row per activity instance (case_id, activity, start_us, end_us, row_no,
    resource_id, group_id).

    Without pairing every event is an instance (`start_us` from a start column, or null). With
    pairing, the events of one case and activity are taken in time order (ties by file row): a
    `complete` directly preceded by a `start` forms one instance (`row_no` of the complete); a
    `complete` with no start before it is an instance of unknown start (`start_us` null); a
    `start` not directly followed by a `complete` is unmatched and left out. A paired instance
    carries the resource and group of its complete event. With pairing,
    `events` must be a table of `neighbours`.
    """
    if not paired:
        return (
            "SELECT case_id, activity, start_us, end_us, row_no, resource_id, group_id "
            f"FROM {events}"
        )
    return f"""
WITH e AS (SELECT * FROM {events})
SELECT case_id, activity, end_us AS start_us, next_end_us AS end_us, next_row_no AS row_no,
  next_resource_id AS resource_id, next_group_id AS group_id
FROM e WHERE lifecycle = {LIFECYCLE_START} AND next_lifecycle = {LIFECYCLE_COMPLETE}
UNION ALL
SELECT case_id, activity, CAST(NULL AS BIGINT) AS start_us, end_us, row_no,
  resource_id, group_id
FROM e WHERE {_LONE_COMPLETE}
"""


def unmatched_counts(neighbour_table: str) -> str:
    """SQL: one row with `unmatched_starts` and `unmatched_completes` of the pairing."""
    return f"""
WITH e AS (SELECT * FROM {neighbour_table})
SELECT
  coalesce(sum(CASE WHEN {_LONE_START} THEN 1 ELSE 0 END), 0) AS unmatched_starts,
  coalesce(sum(CASE WHEN {_LONE_COMPLETE} THEN 1 ELSE 0 END), 0) AS unmatched_completes
FROM e
"""
