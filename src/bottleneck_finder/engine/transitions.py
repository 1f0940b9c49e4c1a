"""Directly-follows steps inside each case, in a stable order, with their waiting times."""

from __future__ import annotations


def steps(instances: str, *, has_start_times: bool, detail: bool = False) -> str:
    """SQL: each activity instance with the step before it and the wait in between.

    Instances of a case are ordered by (end, start, file row): ties follow the file, run after
    run. `source` is the activity directly before (null for the first), `wait_us` the waiting time
    in microseconds: `start − previous end` floored at 0 when start times are known (`overlap`
    marks an instance that started before its predecessor ended), otherwise `end − previous
    end`. `processing_us` is `end − start` where the start is known; `is_last` marks the case's
    final instance. With `detail`, the instance's `resource_id`, `group_id`, `start_us` (null
    when unknown), `end_us` and `row_no` are kept, and `source_end_us`, `source_resource_id`
    and `source_group_id` describe the step before (hand-offs, time series and comparisons read
    them; `analyze` leaves them out to save memory on large logs), `pos` is the instance's
    place in its case (1, 2, …) and `cum_wait_us`, `cum_work_us` the case's waiting and
    processing time up to and including it (missing values counted as 0): variants, rework
    and loops read them without sorting again.
    """
    extra = (
        "resource_id, group_id, start_us, end_us, row_no, lag(end_us) OVER w AS source_end_us, "
        "lag(resource_id) OVER w AS source_resource_id, "
        "lag(group_id) OVER w AS source_group_id, row_number() OVER w AS pos,"
        if detail
        else ""
    )
    order = "end_us, start_eff_us, row_no"
    if has_start_times:
        raw = "start_eff_us - lag(end_us) OVER w"
        wait = f"CASE WHEN {raw} < 0 THEN 0 ELSE {raw} END"  # greatest() would turn NULL into 0
        overlap = f"coalesce({raw} < 0, false)"
    else:
        wait = "end_us - lag(end_us) OVER w"
        overlap = "false"
        order = "end_us, row_no"  # without start times the start equals the end
    table = f"""
SELECT
  case_id, activity, {extra}
  lag(activity) OVER w AS source,
  {wait} AS wait_us,
  {overlap} AS overlap,
  end_us - start_us AS processing_us,
  lead(activity) OVER w IS NULL AS is_last
FROM (SELECT *, coalesce(start_us, end_us) AS start_eff_us FROM ({instances}) AS i) AS s
WINDOW w AS (PARTITION BY case_id ORDER BY {order})
"""
    if not detail:
        return table
    running = "OVER (PARTITION BY case_id ORDER BY pos ROWS UNBOUNDED PRECEDING)"
    return f"""
SELECT *,
  CAST(sum(coalesce(wait_us, 0)) {running} AS BIGINT) AS cum_wait_us,
  CAST(sum(coalesce(processing_us, 0)) {running} AS BIGINT) AS cum_work_us
FROM ({table}) AS t
"""
