"""When cases arrive and how long they take: each case's start and throughput time, and the
weekly arrivals with their median waiting time."""

from __future__ import annotations

import pandas as pd

from ..prepared import PreparedLog
from ..timeunits import MONDAY_SHIFT_US, US, WEEK_US


def case_times(p: PreparedLog) -> pd.DataFrame:
    """One row per case, ordered by start: `first_us` (its first real event time, µs since the
    epoch, UTC) and `duration_s` (its throughput time; working time on a calendar)."""
    engine = p.session("working")
    t_start, t_end = ("work_start_us", "work_end_us") if p.calendar else ("start_us", "end_us")
    cases = engine.frame(
        "SELECT min(coalesce(start_us, end_us)) AS first_us, "
        f"max({t_end}) - min(coalesce({t_start}, {t_end})) AS duration_us "
        "FROM steps GROUP BY case_id ORDER BY first_us, duration_us"
    )
    return pd.DataFrame(
        {
            "first_us": cases["first_us"].to_numpy(dtype="int64"),
            "duration_s": cases["duration_us"].to_numpy(dtype="float64") / US,
        }
    )


def weekly_arrivals(p: PreparedLog, *, offset_us: int) -> pd.DataFrame:
    """One row per week in which cases arrived, weeks beginning Monday 00:00 local time
    (`offset_us` from UTC): `week` (that Monday as a naive local date), `arrivals` (cases whose
    first step began that week) and `median_wait_s` (the median of their total waiting time;
    working time on a calendar)."""
    engine = p.session("working")
    week = f"(first_us + {offset_us + MONDAY_SHIFT_US}) // {WEEK_US}"
    waits = engine.frame(
        f"SELECT {week} AS week_no, count(*) AS arrivals, "
        f"{engine.quantiles('wait_us', {'median': 0.5}, 'wait')} FROM ("
        "SELECT min(coalesce(start_us, end_us)) AS first_us, "
        "coalesce(sum(wait_us), 0) AS wait_us FROM steps GROUP BY case_id"
        ") AS per_case GROUP BY week_no ORDER BY week_no"
    )
    return _weekly(waits, "arrivals", waits["arrivals"])


def weekly_transition_waits(
    p: PreparedLog, source: int | None, target: int, *, offset_us: int
) -> pd.DataFrame:
    """One row per week in which a wait on `source` → `target` (activity codes; `source` None:
    any wait before `target`) ended, weeks
    beginning Monday 00:00 local time (`offset_us` from UTC): `week` (that Monday as a naive
    local date), `count` (the waits) and `median_wait_s` (their median; working time on a
    calendar). A wait ends when the `target` step starts (its end without a start time), as
    in drift's wait series."""
    engine = p.session("working")
    week = f"(coalesce(start_us, end_us) + {offset_us + MONDAY_SHIFT_US}) // {WEEK_US}"
    waits = engine.frame(
        f"SELECT {week} AS week_no, count(*) AS n, "
        f"{engine.quantiles('wait_us', {'median': 0.5}, 'wait')} FROM steps "
        f"WHERE {'source IS NOT NULL' if source is None else f'source = {int(source)}'} "
        f"AND activity = {int(target)} "
        "GROUP BY week_no ORDER BY week_no"
    )
    return _weekly(waits, "count", waits["n"])


def _weekly(waits: pd.DataFrame, name: str, counts: pd.Series) -> pd.DataFrame:
    """The weekly rows of a query giving `week_no` and `wait_median_us`: `week` (that week's
    Monday as a naive local date), `name` (`counts`) and `median_wait_s`."""
    return pd.DataFrame(
        {
            "week": pd.to_datetime(
                waits["week_no"].astype("int64") * WEEK_US - MONDAY_SHIFT_US, unit="us"
            ),
            name: counts.astype("int64"),
            "median_wait_s": waits["wait_median_us"].astype("float64") / US,
        }
    )
