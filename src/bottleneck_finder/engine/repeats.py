"""The repeats of a step table (instances whose activity occurred before in the case), in numpy.

`flows.repeats` defines the table in SQL with a window per (case, activity). When the step
table was built in process (`in_process.register_steps`) its rows are already in case order,
so one value sort of integer keys packing (case, activity, position) finds every instance's
previous occurrence; `from_steps` checks that order on every pair of neighbours and returns
None where the SQL must run instead (the tests compare both tables).
"""

from __future__ import annotations

from typing import Any

import numpy as np

KEY_BITS = 62  # bits the packed (case, activity, position) key may use


def _column(table: Any, name: str) -> np.ndarray:
    column = table.column(name)
    if column.null_count:
        raise ValueError(name)
    return np.asarray(column.to_numpy())


def from_steps(steps: Any) -> Any | None:
    """The table of `flows.repeats` from an Arrow step table with detail whose rows are in
    case order (`pos` 1, 2, … within each run of a case); None when they are not, or when
    the packed key would not fit 64 bits."""
    import pyarrow as pa

    n = steps.num_rows
    if n == 0:
        return None
    try:
        case = _column(steps, "case_id").astype(np.int64)
        activity = _column(steps, "activity").astype(np.int64)
        pos = _column(steps, "pos")
    except ValueError:
        return None
    first = np.ones(n, bool)
    first[1:] = case[1:] != case[:-1]
    expected_pos = np.ones(n, np.int64)
    expected_pos[1:] = np.where(first[1:], 1, pos[:-1] + 1)
    if not bool((pos == expected_pos).all()) or int(activity.min()) < 0:
        return None
    firsts = np.flatnonzero(first)
    runs = len(firsts)
    if runs != len(np.unique(case[firsts])):
        return None  # a case in two runs: not in case order
    kinds = int(activity.max()) + 1
    pos_bits = max(int(pos.max()).bit_length(), 1)
    if (runs * kinds).bit_length() + pos_bits > KEY_BITS:
        return None
    run = np.cumsum(first) - 1
    key = ((run * kinds + activity) << pos_bits) | (pos - 1)
    key.sort()
    group = key >> pos_bits
    again = np.flatnonzero(group[1:] == group[:-1]) + 1
    mask = (1 << pos_bits) - 1
    here = firsts[group[again] // kinds] + (key[again] & mask)
    before = firsts[group[again] // kinds] + (key[again - 1] & mask)
    cum_wait = _column(steps, "cum_wait_us")
    cum_work = _column(steps, "cum_work_us")
    end = _column(steps, "end_us")
    return pa.table(
        {
            "case_id": steps.column("case_id").take(pa.array(here)),
            "activity": steps.column("activity").take(pa.array(here)),
            "pos": pa.array(pos[here]),
            "prev_pos": pa.array(pos[before]),
            "cum_wait_us": pa.array(cum_wait[here]),
            "prev_cum_wait_us": pa.array(cum_wait[before]),
            "cum_work_us": pa.array(cum_work[here]),
            "prev_cum_work_us": pa.array(cum_work[before]),
            "end_us": pa.array(end[here]),
            "prev_end_us": pa.array(end[before]),
        }
    )
