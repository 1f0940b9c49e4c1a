"""Directly-follows steps inside each case, in a stable order, with their waiting times."""

from __future__ import annotations

from typing import Any

import ibis


def steps(instances: Any, *, has_start_times: bool) -> Any:
    """Each activity instance with its place in the case and the wait before it.

    Instances of a case are ordered by (end, start, file row): ties follow the file, run after
    run. `source` is the activity directly before (null for the first), `wait_us` the waiting
    time in microseconds: `start − previous end` floored at 0 when start times are known
    (`overlap` marks an instance that started before its predecessor ended), otherwise
    `end − previous end`. `processing_us` is `end − start` where the start is known.
    `is_last` marks the case's final instance.
    """
    i = instances
    start_eff = i.start_us.coalesce(i.end_us)
    w = ibis.window(group_by=i.case, order_by=[i.end_us, start_eff, i.row])
    ordered = i.mutate(
        start_eff_us=start_eff,
        source=i.activity.lag().over(w),
        prev_end_us=i.end_us.lag().over(w),
        is_last=i.activity.lead().over(w).isnull(),
    )
    o = ordered
    if has_start_times:
        raw = o.start_eff_us - o.prev_end_us
        wait = ibis.cases((raw < 0, 0), else_=raw)
        overlap = raw < 0
    else:
        wait = o.end_us - o.prev_end_us
        overlap = ibis.literal(False)
    return o.mutate(
        wait_us=wait.cast("int64"),
        overlap=overlap.fill_null(False),
        processing_us=(o.end_us - o.start_us),
    )
