"""Activity instances: lifecycle start/complete events paired into (start, end) intervals.

Pairing is first-in-first-out. The events of one case and activity are taken in time order
(at equal times a start before a complete, then by file row); when every one of them names a
resource they are split by resource first, so an officer's start pairs with that officer's
complete. In each group a start joins the queue and a complete takes the oldest start waiting
in it; a complete that finds the queue empty has no matching start (an instance of unknown
start), and the starts still waiting at the end have no matching complete (left out).

The queue is computed with window functions only: with `balance` the number of completes
minus starts so far, the completes that found the queue empty up to an event number
`max(0, max balance so far)` (the queue length reflected at zero), so a complete found it
empty exactly when its balance exceeds every earlier one and 0; the other completes are
numbered in order, and the k-th of them takes the k-th start of its group.
"""

from __future__ import annotations

from . import LIFECYCLE_COMPLETE, LIFECYCLE_START

_GROUP = "case_id, activity, pair_key"
_ORDER = "end_us, lifecycle DESC, row_no"

_QUEUE = f"""
WITH keyed AS (
  SELECT *,
    CASE WHEN count(resource_id) OVER (PARTITION BY case_id, activity)
      = count(*) OVER (PARTITION BY case_id, activity)
      THEN resource_id ELSE -1 END AS pair_key
  FROM {{events}}
  WHERE lifecycle IN ({LIFECYCLE_START}, {LIFECYCLE_COMPLETE})
),
counted AS (
  SELECT *,
    sum(CASE WHEN lifecycle = {LIFECYCLE_COMPLETE} THEN 1 ELSE -1 END) OVER w AS balance,
    sum(CASE WHEN lifecycle = {LIFECYCLE_COMPLETE} THEN 1 ELSE 0 END) OVER w AS completes_so_far,
    sum(CASE WHEN lifecycle = {LIFECYCLE_START} THEN 1 ELSE 0 END) OVER w AS starts_so_far
  FROM keyed
  WINDOW w AS (PARTITION BY {_GROUP} ORDER BY {_ORDER} ROWS UNBOUNDED PRECEDING)
),
reflected AS (
  SELECT *,
    coalesce(max(balance) OVER (PARTITION BY {_GROUP} ORDER BY {_ORDER}
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS earlier_max
  FROM counted
)
SELECT case_id, activity, pair_key, resource_id, group_id, end_us, row_no, lifecycle,
  lifecycle = {LIFECYCLE_COMPLETE} AND balance > earlier_max AND balance > 0 AS lone,
  CASE WHEN lifecycle = {LIFECYCLE_START} THEN starts_so_far
    WHEN balance > earlier_max AND balance > 0 THEN NULL
    ELSE completes_so_far - CASE WHEN earlier_max > 0 THEN earlier_max ELSE 0 END
  END AS queue_no
FROM reflected
"""


def queue(events: str) -> str:
    """SQL: each start or complete event of `events` (the engine's event table) with its
    pairing: `pair_key` (the resource code, or -1 where the case and activity are paired
    without resources), `lone` (a complete with no matching start) and `queue_no` (a start's
    place in its group's queue, or the start a matched complete takes; null for a lone
    complete). Pairing and the unmatched counts both read this."""
    return _QUEUE.format(events=events)


def activity_instances(events: str, *, paired: bool) -> str:
    """SQL: one row per activity instance (case_id, activity, start_us, end_us, row_no,
    resource_id, group_id).

    Without pairing every event is an instance (`start_us` from a start column, or null). With
    pairing (`events` a table of `queue`), each matched complete forms one instance with its
    start (`row_no`, resource and group of the complete), a complete with no matching start is
    an instance of unknown start (`start_us` null), and an unmatched start is left out.
    """
    if not paired:
        return (
            "SELECT case_id, activity, start_us, end_us, row_no, resource_id, group_id "
            f"FROM {events}"
        )
    return f"""
SELECT c.case_id, c.activity, s.end_us AS start_us, c.end_us, c.row_no, c.resource_id,
  c.group_id
FROM {events} AS c
JOIN {events} AS s
  ON s.case_id = c.case_id AND s.activity = c.activity AND s.pair_key = c.pair_key
  AND s.queue_no = c.queue_no AND s.lifecycle = {LIFECYCLE_START}
WHERE c.lifecycle = {LIFECYCLE_COMPLETE}
UNION ALL
SELECT case_id, activity, CAST(NULL AS BIGINT) AS start_us, end_us, row_no, resource_id,
  group_id
FROM {events} WHERE lone
"""


def unmatched_counts(queue_table: str) -> str:
    """SQL: one row with `unmatched_starts`, `unmatched_completes` (completes with no matching
    start of activities that have start events somewhere in the log) and
    `complete_only_events` (the completes of activities that never start: complete-only by
    design, not an error)."""
    return f"""
WITH e AS (
  SELECT *, max(lifecycle) OVER (PARTITION BY activity) AS activity_starts
  FROM {queue_table}
),
g AS (
  SELECT
    sum(CASE WHEN lifecycle = {LIFECYCLE_START} THEN 1 ELSE 0 END) AS starts,
    sum(CASE WHEN lifecycle = {LIFECYCLE_COMPLETE} AND NOT lone THEN 1 ELSE 0 END) AS matched,
    sum(CASE WHEN lone AND activity_starts = {LIFECYCLE_START} THEN 1 ELSE 0 END) AS lone_started,
    sum(CASE WHEN activity_starts <> {LIFECYCLE_START} THEN 1 ELSE 0 END) AS complete_only
  FROM e
)
SELECT coalesce(starts - matched, 0) AS unmatched_starts,
  coalesce(lone_started, 0) AS unmatched_completes,
  coalesce(complete_only, 0) AS complete_only_events
FROM g
"""
