"""Weekly change points dated to the day: the best single split of the daily totals around them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from ..engine import Engine
from ..timeunits import DAY_US, US
from .drift_model import INTERVAL_CHI2, MIN_SEGMENT, OVERALL, ChangePoint, metric_group
from .drift_series import Clock


def _l2_cost(n: np.ndarray, s: np.ndarray, q: np.ndarray) -> float:
    """Sum of squared deviations from the mean, from count, sum and sum of squares."""
    total = float(n.sum())
    return float(q.sum()) - float(s.sum()) ** 2 / total if total else 0.0


def refine_to_day(
    eng: Engine,
    clock: Clock,
    point: ChangePoint,
    series: pd.DataFrame,
    window_us: tuple[int, int],
    holidays: set[int] | frozenset[int] = frozenset(),
) -> ChangePoint:
    """Weekly change points to the day: the best single split of one moved metric (the
    earliest (then strongest) throughput or arrivals move within a week of the strongest
    move, else the
    strongest move), on
    daily sums over `MIN_SEGMENT` weeks either side, among the days within a week of the
    weekly boundary (waits and throughput: least squares on the log scale the detector uses;
    arrivals: Poisson rates per open day; flow: multinomial mix of the step pairs). Days of
    `holidays` (holiday weeks) are left out, so the date is the first day of the new level,
    never the start of a dip before it; `date_low` is the last old-level day of the earliest
    split within `INTERVAL_CHI2` of the best (likelihood ratio; a step during that day leaves
    it mixed), `date_high` the first new-level day of the latest. Waits and the flow, measured
    by event time, lag while old work drains: their interval keeps the weekly one."""
    if clock.granularity != "week":
        return point
    # series by case start move at once; waits by event time lag while old work drains
    near = pd.Timedelta(microseconds=clock.length_us)
    cohort = [
        m
        for m in point.moves
        if metric_group(m.metric) in ("throughput", "arrivals")
        and abs(m.date - point.main.date) <= near
    ]
    move = min(cohort, key=lambda m: (m.date, -m.strength)) if cohort else point.main
    b = clock.period_of(move.date.value // 1000)
    lo_us = max(window_us[0], clock.start(b - MIN_SEGMENT).value // 1000)
    hi_us = min(window_us[1], clock.start(b + MIN_SEGMENT).value // 1000)
    day = clock.day_sql
    group = metric_group(move.metric)

    def _in(days: pd.Series) -> np.ndarray:
        """Which local days fall in a holiday period."""
        if not holidays:
            return np.zeros(len(days), dtype=bool)
        d = days.to_numpy(dtype="int64")
        periods = (d * DAY_US + clock.shift_us) // clock.length_us
        return np.isin(periods, list(holidays))

    cost: Callable[[int], float]
    if group in ("wait", "throughput"):
        values = series[(series["metric"] == move.metric) & (series["element"] == OVERALL)]
        positive = values["value"][values["value"] > 0]
        scale_us = max(float(positive.median()) * US, 1.0) if len(positive) else 1.0
        if group == "wait":
            t, x, table = "coalesce(start_us, end_us)", "wait_us", "steps"
            where = "source IS NOT NULL"
        else:
            t, x, table, where = "first_us", "duration_us", "drift_cases", "TRUE"
        daily = eng.frame(
            f"""
SELECT {day("t")} AS day, count(*) AS n, sum(y) AS s, sum(y * y) AS q
FROM (SELECT {t} AS t, ln(1 + {x} / {scale_us}) AS y FROM {table} WHERE {where}) AS v
WHERE t BETWEEN {lo_us} AND {hi_us} GROUP BY day ORDER BY day
"""
        )
        daily = daily[~_in(daily["day"])].reset_index(drop=True)
        n, sm, q = (daily[c].to_numpy(dtype="float64") for c in ("n", "s", "q"))
        # least squares on the log scale: in units of the residual variance, as a likelihood
        variance = max(_l2_cost(n, sm, q) / max(float(n.sum()) - 2.0, 1.0), 1e-12)

        def cost(k: int) -> float:
            both = _l2_cost(n[:k], sm[:k], q[:k]) + _l2_cost(n[k:], sm[k:], q[k:])
            return both / (2.0 * variance)

    elif group == "arrivals":
        daily = eng.frame(
            f"""
SELECT o.day, coalesce(c.n, 0) AS n FROM
  (SELECT DISTINCT {day("end_us")} AS day FROM steps
   WHERE end_us BETWEEN {lo_us} AND {hi_us}) AS o
LEFT JOIN (SELECT {day("first_us")} AS day, count(*) AS n FROM drift_cases
   WHERE first_us BETWEEN {lo_us} AND {hi_us} GROUP BY day) AS c ON o.day = c.day
ORDER BY o.day
"""
        )
        daily = daily[~_in(daily["day"])].reset_index(drop=True)
        counts1 = daily["n"].to_numpy(dtype="float64")

        def cost(k: int) -> float:
            out = 0.0
            for part in (counts1[:k], counts1[k:]):
                total = float(part.sum())
                if total > 0:
                    out -= total * math.log(total / len(part))
            return out

    else:
        pairs = eng.frame(
            f"""
SELECT {day("end_us")} AS day, source, activity, count(*) AS n FROM steps
WHERE source IS NOT NULL AND end_us BETWEEN {lo_us} AND {hi_us} GROUP BY ALL
"""
        )
        matrix = pairs.pivot_table(
            index="day", columns=["source", "activity"], values="n", aggfunc="sum"
        ).fillna(0)
        matrix = matrix[~_in(pd.Series(matrix.index.to_numpy()))]
        daily = pd.DataFrame({"day": matrix.index.to_numpy()})
        counts = matrix.to_numpy(dtype="float64")

        def cost(k: int) -> float:
            out = 0.0
            for part in (counts[:k].sum(axis=0), counts[k:].sum(axis=0)):
                total = float(part.sum())
                nz = part[part > 0]
                out -= float((nz * np.log(nz / total)).sum()) if total else 0.0
            return out

    days = daily["day"].to_numpy(dtype="int64")
    boundary = (clock.start(b).value // 1000 + clock.offset_us) // DAY_US
    # within a week of the weekly boundary, from the move's last old-level week (a step in
    # the middle of a week leaves that week mixed, usually still on the old level) to the
    # end of its first new-level week
    first = (move.low.value // 1000 + clock.offset_us) // DAY_US
    last = (move.date.value // 1000 + clock.offset_us) // DAY_US + 6
    candidates = [
        k
        for k in range(1, len(days))
        if abs(int(days[k]) - boundary) <= 7 and first <= int(days[k]) <= last
    ]
    if not candidates:
        return point
    costs = {k: cost(k) for k in candidates}
    best = min(candidates, key=lambda k: (costs[k], abs(int(days[k]) - boundary)))
    close = [k for k in candidates if costs[k] <= costs[best] + INTERVAL_CHI2 / 2.0]

    def local(day_index: int) -> pd.Timestamp:
        return pd.Timestamp(day_index * DAY_US - clock.offset_us, unit="us", tz="UTC")

    low, high = local(int(days[min(close) - 1])), local(int(days[max(close)]))
    if group in ("wait", "flow"):
        # measured by event time, these lag while old work drains (a ramp, not a clean step):
        # the interval keeps the weekly one where that is wider
        low, high = min(low, move.low), max(high, move.high)
    return replace(point, date=local(int(days[best])), date_low=low, date_high=high)
