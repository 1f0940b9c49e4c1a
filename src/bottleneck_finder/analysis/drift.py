"""Drift: the dates at which waiting, throughput, arrivals or the flow of a log changed."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..calendar import WorkCalendar
from ..engine import Engine
from ..engine.prepare import working_steps
from ..errors import InputError
from ..model import EventLog
from ..render.text import human_duration
from ..timeunits import DAY_US, MONDAY_SHIFT_US, US, WEEK_US, pandas_zone, utc_offset_us, zone

Granularity = Literal["day", "week"]
METRIC_GROUPS: tuple[str, ...] = ("wait", "throughput", "arrivals", "flow")


# The documented rules of the detector (docs/drift.md); none is tuned per log.
WEEKLY_FROM_WEEKS = 12  # logs spanning at least this many weeks are cut into weeks, else days
MIN_PERIODS = 8  # fewer usable periods than this: too short to look for change points
MIN_OBSERVATIONS = 5  # a period's median / p90 needs at least this many waits or cases
MIN_SEGMENT = 3  # a level must hold for at least this many usable periods
PENALTY_FACTOR = 3.0  # PELT penalty = 3 log T on the robustly standardized series
MIN_RELATIVE_MOVE = 0.5  # a level must move by at least half (×1.5 or ÷1.5)
MIN_SHIFT = 3.0  # ... and by at least 3 noise units
TOP_ELEMENTS = 6  # frequent transitions and activities followed separately
TOP_RELATIONS = 20  # directly-follows relations kept apart in the flow test (rest: "other")
FLOW_MIN_DISTANCE = 0.10  # share of the flow that must move between the two windows
FLOW_ALPHA = 0.001  # chi-square level, Bonferroni-corrected over the boundaries tested
MERGE_PERIODS = 3  # moves of different metrics this close belong to one change point
WEEKDAY_ADJUST_FROM = 28  # daily series this long are adjusted for the weekday pattern

SERIES_COLUMNS = ("period", "metric", "element", "value", "count")
RELATION_COLUMNS = ("period", "source", "target", "count")
OVERALL = "all"


class DriftError(InputError):
    """The log cannot answer when its process changed."""

    exit_code = 6


class LogTooShortError(DriftError):
    """The log covers too few periods to tell a change from noise."""


class NoChangePointError(DriftError):
    """No change point was found where one was asked for (e.g. to split the log)."""


@dataclass(frozen=True)
class Move:
    """One series that moved: its metric and element, the date and the size of the move.

    `strength` is the move in noise units: the shift of the segment means on the robustly
    standardized series; for the flow, the windowed distance divided by the detection threshold
    (so above 1 is detected). Levels are in the metric's own unit (seconds, cases per open day,
    share of the directly-follows relations).
    """

    metric: str
    element: str
    date: pd.Timestamp
    before_level: float
    after_level: float
    strength: float
    p_value: float | None = None


@dataclass(frozen=True)
class ChangePoint:
    """A date at which the process changed: the moves of all series merged into one event.

    `date` is the earliest move's (to the day for weekly series), `main` the strongest move on
    that date, whose `before_level`, `after_level` and `strength` the change point reports;
    `moves` lists every move merged into it, strongest first.
    """

    date: pd.Timestamp
    metrics: tuple[str, ...]
    elements: tuple[str, ...]
    before_level: float
    after_level: float
    strength: float
    main: Move
    moves: tuple[Move, ...]


@dataclass(frozen=True)
class DriftResult:
    """Everything `bottleneck drift` computes about one log.

    `series` (columns `SERIES_COLUMNS`) holds one row per usable period and series: `metric`
    is `wait_median_s`, `wait_p90_s`, `throughput_median_s`, `throughput_p90_s`,
    `arrivals_per_day` or `flow_distance`; `element` is `all`, a transition `a → b` or
    `before <activity>`; `count` the observations behind the value. `relations` (columns
    `RELATION_COLUMNS`) counts each directly-follows relation per period. Periods start at
    local midnight (days) or Monday 00:00 (weeks) in `display_tz`; stored as UTC timestamps.
    `time_basis` says how waits and throughput times are measured (`wall_clock`, or
    `working:<calendar>`: working time, while periods and dates stay real) and `day_s` is the
    day they are told in (24 h, or the calendar's usual working day).
    """

    source: str
    granularity: Granularity
    display_tz: str
    first_period: pd.Timestamp
    last_period: pd.Timestamp
    periods: int
    series: pd.DataFrame
    relations: pd.DataFrame
    change_points: tuple[ChangePoint, ...]
    metrics: tuple[str, ...]
    notes: tuple[str, ...] = ()
    time_basis: str = "wall_clock"
    day_s: float = 86400.0


# --------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class _Clock:
    """Integer period arithmetic in the log's display zone."""

    granularity: Granularity
    offset_us: int  # display zone offset at the first event

    @property
    def length_us(self) -> int:
        return WEEK_US if self.granularity == "week" else DAY_US

    @property
    def shift_us(self) -> int:
        return MONDAY_SHIFT_US if self.granularity == "week" else 0

    def sql(self, column: str) -> str:
        """SQL: the period index of a microsecond time column."""
        return f"(({column} + {self.offset_us + self.shift_us}) // {self.length_us})"

    def day_sql(self, column: str) -> str:
        return f"(({column} + {self.offset_us}) // {DAY_US})"

    def start(self, index: int) -> pd.Timestamp:
        """The UTC time at which period `index` starts."""
        us = index * self.length_us - self.shift_us - self.offset_us
        return pd.Timestamp(us, unit="us", tz="UTC")


def choose_granularity(span_us: int) -> Granularity:
    """Weeks when the log spans at least `WEEKLY_FROM_WEEKS` weeks, else days."""
    return "week" if span_us >= WEEKLY_FROM_WEEKS * WEEK_US else "day"


# --------------------------------------------------------------------------- series (SQL)
def _series_sql(engine: Engine, clock: _Clock, *, working: bool = False) -> dict[str, str]:
    """The series queries; `working`: case durations from the working-clock readings of
    `working_steps` (the cut-off for unfinished cases stays on real time, `span_us`)."""
    p_wait = clock.sql("coalesce(start_us, end_us)")
    dur = (
        "max(work_end_us) - min(coalesce(work_start_us, work_end_us))"
        if working
        else "max(end_us) - min(coalesce(start_us, end_us))"
    )
    wait_q = engine.quantiles("wait_us", {"median": 0.5, "p90": 0.9}, "wait")
    dur_q = engine.quantiles("duration_us", {"median": 0.5, "p90": 0.9}, "duration")
    return {
        "cases": """
SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us,
  max(end_us) - min(coalesce(start_us, end_us)) AS span_us, """
        + dur
        + """ AS duration_us
FROM steps GROUP BY case_id
""",
        "bounds": "SELECT min(first_us) AS first_us, max(first_us) AS last_start_us, "
        "max(last_us) AS last_us, "
        + engine.quantiles("span_us", {"p90": 0.9}, "span")
        + " FROM drift_cases",
        "open": f"""
SELECT {clock.sql("t")} AS period, count(DISTINCT {clock.day_sql("t")}) AS open_days
FROM (SELECT end_us AS t FROM steps UNION ALL
      SELECT start_us AS t FROM steps WHERE start_us IS NOT NULL) AS times
WHERE t BETWEEN {{lo}} AND {{hi}}
GROUP BY period
""",
        "arrivals": f"""
SELECT {clock.sql("first_us")} AS period, count(*) AS cases, {dur_q}
FROM drift_cases GROUP BY period
""",
        "waits": f"""
SELECT {p_wait} AS period, source, activity, count(*) AS n, {wait_q}
FROM steps WHERE source IS NOT NULL AND coalesce(start_us, end_us) BETWEEN {{lo}} AND {{hi}}
GROUP BY GROUPING SETS (({p_wait}), ({p_wait}, source, activity), ({p_wait}, activity))
""",
        "relations": f"""
SELECT {clock.sql("end_us")} AS period, source, activity, count(*) AS n
FROM steps WHERE source IS NOT NULL AND end_us BETWEEN {{lo}} AND {{hi}} GROUP BY ALL
""",
    }


# --------------------------------------------------------------------------- detection
def _robust_sigma(y: np.ndarray) -> float:
    """Noise level from first differences (MAD), unaffected by level shifts."""
    if len(y) < 3:
        return 0.0
    d = np.diff(y)
    mad = float(np.median(np.abs(d - np.median(d))))
    sigma = 1.4826 * mad / math.sqrt(2.0)
    if sigma <= 1e-12:
        sigma = float(np.std(d)) / math.sqrt(2.0)
    return sigma


def _weekday_adjusted(y: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Daily series: remove each weekday's typical level (median), keep the overall level."""
    weekday = (periods + 3) % 7  # day index 0 = Thursday 1970-01-01; Monday = 0
    out = y.copy()
    overall = float(np.median(y))
    for day in np.unique(weekday):
        mask = weekday == day
        out[mask] = y[mask] - float(np.median(y[mask])) + overall
    return out


def _l2_cost_class() -> Any:
    """ruptures' least-squares cost from prefix sums: each segment cost in O(1) (the stock
    `CostL2` recomputes a variance per call, slow on long daily series); same values."""
    from ruptures.base import BaseCost
    from ruptures.costs import NotEnoughPoints

    class CumulativeL2(BaseCost):  # type: ignore[misc]
        model = "l2_cumulative"

        def __init__(self) -> None:
            self.min_size = 1
            self.signal = np.zeros((0, 1))
            self.sums = np.zeros(1)
            self.squares = np.zeros(1)

        def fit(self, signal: np.ndarray) -> CumulativeL2:
            self.signal = np.asarray(signal, dtype="float64").reshape(len(signal), -1)
            x = self.signal[:, 0]
            self.sums = np.r_[0.0, np.cumsum(x)]
            self.squares = np.r_[0.0, np.cumsum(x * x)]
            return self

        def error(self, start: int, end: int) -> float:
            if end - start < self.min_size:
                raise NotEnoughPoints
            n = end - start
            total = self.sums[end] - self.sums[start]
            return float(self.squares[end] - self.squares[start] - total * total / n)

    return CumulativeL2()


def _pelt(z: np.ndarray) -> list[int]:
    """Change indices (start of each new segment) of PELT on a standardized series."""
    import ruptures

    if len(z) < 2 * MIN_SEGMENT:
        return []
    algo = ruptures.Pelt(custom_cost=_l2_cost_class(), min_size=MIN_SEGMENT, jump=1)
    ends: list[int] = algo.fit(z.reshape(-1, 1)).predict(pen=PENALTY_FACTOR * math.log(len(z)))
    return [int(b) for b in ends[:-1]]


def _moved(before: float, after: float) -> bool:
    low, high = sorted((abs(before), abs(after)))
    if high == 0:
        return False
    return low == 0 or high / low >= 1.0 + MIN_RELATIVE_MOVE


def _level_moves(
    metric: str,
    element: str,
    values: np.ndarray,
    periods: np.ndarray,
    clock: _Clock,
) -> list[Move]:
    """Change points of one level series (values per usable period) by PELT."""
    positive = values[values > 0]
    if len(values) < MIN_PERIODS or len(positive) == 0:
        return []
    y = np.log1p(values / float(np.median(positive)))
    if clock.granularity == "day" and len(y) >= WEEKDAY_ADJUST_FROM:
        y = _weekday_adjusted(y, periods)
    sigma = _robust_sigma(y)
    if sigma <= 1e-12:
        return []
    z = (y - float(np.median(y))) / sigma
    bounds = [0, *_pelt(z), len(z)]
    moves = []
    for i in range(1, len(bounds) - 1):
        a, b, c = bounds[i - 1], bounds[i], bounds[i + 1]
        before = float(np.median(values[a:b]))
        after = float(np.median(values[b:c]))
        shift = float(np.mean(z[b:c]) - np.mean(z[a:b]))
        if abs(shift) >= MIN_SHIFT and _moved(before, after):
            date = clock.start(int(periods[b]))
            moves.append(Move(metric, element, date, before, after, round(abs(shift), 3)))
    return moves


def _flow_moves(
    counts: np.ndarray, labels: list[str], periods: np.ndarray, clock: _Clock
) -> tuple[list[Move], np.ndarray]:
    """Change points of the directly-follows mix: windowed chi-square tests at each boundary.

    Returns the moves and the windowed distance (total variation between the relation shares
    of the windows before and after each boundary; NaN where a window does not fit).
    """
    from scipy.stats import chi2_contingency

    n = len(periods)
    distance = np.full(n, np.nan)
    if n < MIN_PERIODS:
        return [], distance
    window = max(MIN_SEGMENT, min(_window(clock), n // 3))
    tested = list(range(window, n - window + 1))
    pvalues = {}
    shares = {}
    for b in tested:
        before = counts[b - window : b].sum(axis=0)
        after = counts[b : b + window].sum(axis=0)
        keep = (before + after) > 0
        sa, sb = before / before.sum(), after / after.sum()
        distance[b] = 0.5 * float(np.abs(sa - sb).sum())
        chi = chi2_contingency(np.vstack([before[keep], after[keep]]), correction=False)
        pvalues[b] = float(chi.pvalue)
        shares[b] = (sa, sb)
    # the windowed distance is never 0 by sampling alone: a boundary must stand out at twice
    # the lower quartile of all boundaries' distances (and at least FLOW_MIN_DISTANCE)
    threshold = max(FLOW_MIN_DISTANCE, 2.0 * float(np.percentile(distance[tested], 25)))
    level = FLOW_ALPHA / len(tested)
    candidates = sorted(
        (b for b in tested if distance[b] >= threshold and pvalues[b] < level),
        key=lambda b: (-distance[b], b),
    )
    accepted: list[int] = []
    for b in candidates:
        if all(abs(b - other) >= window for other in accepted):
            accepted.append(b)
    moves = []
    for b in sorted(accepted):
        sa, sb = shares[b]
        change = sb - sa
        order = np.argsort(-np.abs(change), kind="stable")
        top = int(order[0])
        moved = [
            labels[i] + (" (new)" if sa[i] == 0 else "")
            for i in order[:3]
            if abs(change[i]) >= 0.02
        ]
        strength = distance[b] / threshold
        moves.append(
            Move(
                "flow",
                "; ".join(moved) or labels[top],
                clock.start(int(periods[b])),
                float(sa[top]),
                float(sb[top]),
                round(float(strength), 3),
                pvalues[b],
            )
        )
    return moves, distance


def _merge(moves: list[Move], clock: _Clock) -> tuple[ChangePoint, ...]:
    """Moves of any series within `MERGE_PERIODS` periods of a stronger move join its change
    point (strongest first, no chaining). A change often lands in steps (a queue builds up
    over weeks): the change point dates from its earliest move, and its main move is the
    strongest move on that date."""
    gap = pd.Timedelta(microseconds=MERGE_PERIODS * clock.length_us)
    clusters: list[list[Move]] = []
    for move in sorted(moves, key=lambda m: (-m.strength, m.date, m.metric)):
        home = next((c for c in clusters if abs(move.date - c[0].date) <= gap), None)
        if home is None:
            clusters.append([move])
        else:
            home.append(move)
    points = []
    for cluster in clusters:
        onset = min(m.date for m in cluster)
        main = next(m for m in cluster if m.date == onset)  # the cluster is strongest first
        metrics = list(dict.fromkeys(m.metric for m in cluster))
        named = [e for m in cluster if m.element != OVERALL for e in m.element.split("; ")]
        elements = list(dict.fromkeys(e for e in named if e != "other"))
        points.append(
            ChangePoint(
                date=onset,
                metrics=tuple(metrics),
                elements=tuple(elements),
                before_level=main.before_level,
                after_level=main.after_level,
                strength=main.strength,
                main=main,
                moves=tuple(cluster),
            )
        )
    return tuple(sorted(points, key=lambda p: p.date))


def _window(clock: _Clock) -> int:
    """Periods on each side of a date that the windowed comparisons look at."""
    return 4 if clock.granularity == "week" else 7


def _attribute(
    point: ChangePoint,
    elements: list[tuple[str, str, np.ndarray, np.ndarray]],
    clock: _Clock,
) -> ChangePoint:
    """Add the frequent transitions and activities whose waits moved across the change point:
    median of the `_window` periods before vs after, by at least `MIN_RELATIVE_MOVE` and
    `MIN_SHIFT` noise units (robust, as in the detection)."""
    at = _period_of(clock, point.date.value // 1000)
    width = _window(clock)
    found: list[tuple[float, str]] = []
    for _metric, element, values, periods in elements:
        before = values[(periods < at) & (periods >= at - width)]
        after = values[(periods >= at) & (periods < at + width)]
        if len(before) < MIN_SEGMENT or len(after) < MIN_SEGMENT or len(values) < MIN_PERIODS:
            continue
        positive = values[values > 0]
        if len(positive) == 0:
            continue
        scale = float(np.median(positive))
        y = np.log1p(values / scale)
        if clock.granularity == "day" and len(y) >= WEEKDAY_ADJUST_FROM:
            y = _weekday_adjusted(y, periods)
        sigma = _robust_sigma(y)
        b, a = float(np.median(before)), float(np.median(after))
        if sigma <= 1e-12 or not _moved(b, a):
            continue
        shift = abs(math.log1p(a / scale) - math.log1p(b / scale)) / sigma
        if shift >= MIN_SHIFT:
            found.append((shift, element))
    if not found:
        return point
    found.sort(key=lambda item: (-item[0], item[1]))
    names = list(point.elements) + [e for _, e in found if e not in point.elements]
    return replace(point, elements=tuple(dict.fromkeys(names)))


def _l2_cost(n: np.ndarray, s: np.ndarray, q: np.ndarray) -> float:
    """Sum of squared deviations from the mean, from count, sum and sum of squares."""
    total = float(n.sum())
    return float(q.sum()) - float(s.sum()) ** 2 / total if total else 0.0


def _refine(
    eng: Engine,
    clock: _Clock,
    point: ChangePoint,
    series: pd.DataFrame,
    window_us: tuple[int, int],
) -> ChangePoint:
    """Weekly change points to the day: the best single split of one moved metric (the
    strongest throughput or arrivals move within a week of the strongest move, else the
    strongest move), on
    daily sums over `MIN_SEGMENT` weeks either side, among the days within a week of the
    weekly boundary (waits and throughput: least squares on the log scale the detector uses;
    arrivals: Poisson rates per open day; flow: multinomial mix of the step pairs)."""
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
    move = cohort[0] if cohort else point.main
    b = _period_of(clock, move.date.value // 1000)
    lo_us = max(window_us[0], clock.start(b - MIN_SEGMENT).value // 1000)
    hi_us = min(window_us[1], clock.start(b + MIN_SEGMENT).value // 1000)
    day = clock.day_sql
    group = metric_group(move.metric)
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
        n, sm, q = (daily[c].to_numpy(dtype="float64") for c in ("n", "s", "q"))

        def cost(k: int) -> float:
            return _l2_cost(n[:k], sm[:k], q[:k]) + _l2_cost(n[k:], sm[k:], q[k:])

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
    candidates = [k for k in range(1, len(days)) if abs(int(days[k]) - boundary) <= 7]
    if not candidates:
        return point
    best = min(candidates, key=lambda k: (cost(k), abs(int(days[k]) - boundary)))
    date = pd.Timestamp(int(days[best]) * DAY_US - clock.offset_us, unit="us", tz="UTC")
    return replace(point, date=date)


# --------------------------------------------------------------------------- the analysis
def drift(
    log: EventLog,
    *,
    metrics: tuple[str, ...] = METRIC_GROUPS,
    granularity: Granularity | None = None,
    engine: Engine | None = None,
    calendar: WorkCalendar | None = None,
) -> DriftResult:
    """Period series of `log` and the change points found in them (see docs/drift.md).

    With a `calendar` the waits and throughput times are working time; the periods, the
    arrivals and the dates of the change points stay on the real dates of the events."""
    unknown = [m for m in metrics if m not in METRIC_GROUPS]
    if unknown:
        raise ValueError(f"unknown drift metric {', '.join(unknown)}")
    own = engine is None
    eng = engine or Engine()
    try:
        return _drift(eng, log, metrics, granularity, calendar)
    finally:
        if own:
            eng.close()


def _drift(
    eng: Engine,
    log: EventLog,
    metrics: tuple[str, ...],
    granularity: Granularity | None,
    calendar: WorkCalendar | None = None,
) -> DriftResult:
    working_steps(eng, log, calendar)
    first_us = int(log.events["end_us"].min())
    if log.has_start_times and log.events["start_us"].notna().any():
        first_us = min(first_us, int(log.events["start_us"].min()))
    span_us = int(log.events["end_us"].max()) - first_us
    gran: Granularity = granularity or choose_granularity(span_us)
    clock = _Clock(gran, utc_offset_us(log.display_tz, first_us))
    sql = _series_sql(eng, clock, working=calendar is not None)
    eng.materialize("drift_cases", sql["cases"])
    bounds = eng.frame(sql["bounds"]).iloc[0]
    lo_us, hi_us = int(bounds["first_us"]), int(bounds["last_start_us"])
    open_days = eng.frame(sql["open"].format(lo=lo_us, hi=hi_us))
    arrivals = eng.frame(sql["arrivals"])
    waits = eng.frame(sql["waits"].format(lo=lo_us, hi=hi_us)) if "wait" in metrics else None
    relations = eng.frame(sql["relations"].format(lo=lo_us, hi=hi_us))
    p90_us = float(bounds["span_p90_us"])

    lo_p, hi_p = _period_of(clock, lo_us), _period_of(clock, hi_us)
    window = np.arange(lo_p, hi_p + 1)
    open_by = open_days.set_index("period")["open_days"].astype("int64")
    # the first and last periods are cut by the log's edges (a part-week, waits over a weekend
    # ending on its first day): only whole periods are used
    usable = [int(p) for p in window[1:-1] if int(open_by.get(p, 0)) > 0]
    notes: list[str] = []
    if len(usable) < MIN_PERIODS:
        unit = "weeks" if gran == "week" else "days"
        raise LogTooShortError(
            f"the log has new cases in only {len(usable)} whole {unit} (the first and the last "
            f"{unit[:-1]}, cut by the log's edges, are not counted); change points need at "
            f"least {MIN_PERIODS} {unit} with work",
            fix="use a longer log" + (" or --granularity day" if gran == "week" else ""),
            source=log.source,
        )

    names = log.events["activity"].cat.categories
    rows: list[tuple[pd.Timestamp, str, str, float, int]] = []
    moves: list[Move] = []
    elements: list[tuple[str, str, np.ndarray, np.ndarray]] = []

    def add(metric: str, element: str, frame: pd.DataFrame, column: str, count: str) -> None:
        frame = frame[frame["period"].isin(usable)].sort_values("period")
        frame = frame[frame[count] >= MIN_OBSERVATIONS] if metric != "arrivals_per_day" else frame
        values = frame[column].to_numpy(dtype="float64")
        periods = frame["period"].to_numpy(dtype="int64")
        for p, v, n in zip(periods, values, frame[count].to_numpy(dtype="int64"), strict=True):
            rows.append((clock.start(int(p)), metric, element, float(v), int(n)))
        if element == OVERALL:
            moves.extend(_level_moves(metric, element, values, periods, clock))
        else:
            elements.append((metric, element, values, periods))

    if "arrivals" in metrics:
        a = pd.DataFrame({"period": usable})
        a = a.merge(arrivals[["period", "cases"]], on="period", how="left").fillna({"cases": 0})
        a["open_days"] = [int(open_by[p]) for p in a["period"]]
        a["rate"] = a["cases"] / a["open_days"]
        add("arrivals_per_day", OVERALL, a, "rate", "cases")

    if "throughput" in metrics:
        # a case starting later than (last event − p90 throughput) may not have finished yet
        cutoff = _period_of(clock, int(bounds["last_us"] - p90_us)) - 1
        t = arrivals[arrivals["period"] <= cutoff].copy()
        t["duration_median_s"] = t["duration_median_us"] / US
        t["duration_p90_s"] = t["duration_p90_us"] / US
        add("throughput_median_s", OVERALL, t, "duration_median_s", "cases")
        add("throughput_p90_s", OVERALL, t, "duration_p90_s", "cases")
        if len(t) and cutoff < usable[-1]:
            notes.append(
                "throughput series stops at the cases that started before "
                f"{clock.start(cutoff + 1).tz_convert(zone(log.display_tz)):%Y-%m-%d}: later "
                "cases may still be open"
            )

    if waits is not None:
        waits = waits.copy()
        waits["median_s"] = waits["wait_median_us"] / US
        waits["p90_s"] = waits["wait_p90_us"] / US
        overall = waits[waits["activity"].isna()]
        add("wait_median_s", OVERALL, overall, "median_s", "n")
        add("wait_p90_s", OVERALL, overall, "p90_s", "n")
        for kind, part in (
            ("transition", waits[waits["source"].notna()]),
            ("activity", waits[waits["source"].isna() & waits["activity"].notna()]),
        ):
            keys = ["source", "activity"] if kind == "transition" else ["activity"]
            part = part[part["period"].isin(usable)]
            dense = part[part["n"] >= MIN_OBSERVATIONS].groupby(keys).size()
            totals = part.groupby(keys)["n"].sum()
            frequent = totals[dense.reindex(totals.index, fill_value=0) >= len(usable) / 2]
            for key in frequent.sort_values(ascending=False, kind="stable").index[:TOP_ELEMENTS]:
                codes = key if isinstance(key, tuple) else (key,)
                mask = np.ones(len(part), dtype=bool)
                for column, code in zip(keys, codes, strict=True):
                    mask &= (part[column] == code).to_numpy()
                label = (
                    f"{names[int(codes[0])]} → {names[int(codes[1])]}"
                    if kind == "transition"
                    else f"before {names[int(codes[0])]}"
                )
                add("wait_median_s", label, part[mask], "median_s", "n")
                add("wait_p90_s", label, part[mask], "p90_s", "n")

    relation_frame = relations.copy()
    relation_frame["source"] = names.take(relation_frame["source"].to_numpy(dtype="int64"))
    relation_frame["target"] = names.take(relation_frame["activity"].to_numpy(dtype="int64"))
    relation_frame = relation_frame[relation_frame["period"].isin(usable)]
    if "flow" in metrics:
        flow_moves, distance, flow_periods = _flow(relation_frame, usable, clock)
        moves.extend(flow_moves)
        for p, d in zip(flow_periods, distance, strict=True):
            if not math.isnan(d):
                rows.append((clock.start(int(p)), "flow_distance", OVERALL, float(d), 0))

    series = pd.DataFrame.from_records(rows, columns=list(SERIES_COLUMNS))
    series = series.sort_values(["metric", "element", "period"], kind="stable").reset_index(
        drop=True
    )
    relation_out = pd.DataFrame(
        {
            "period": [clock.start(int(p)) for p in relation_frame["period"]],
            "source": relation_frame["source"].astype("string").to_numpy(),
            "target": relation_frame["target"].astype("string").to_numpy(),
            "count": relation_frame["n"].to_numpy(dtype="int64"),
        }
    )
    relation_out = relation_out.sort_values(["period", "source", "target"], kind="stable")
    return DriftResult(
        source=log.source,
        granularity=gran,
        display_tz=log.display_tz,
        first_period=clock.start(usable[0]),
        last_period=clock.start(usable[-1]),
        periods=len(usable),
        series=series,
        relations=relation_out.reset_index(drop=True),
        change_points=tuple(
            _refine(eng, clock, _attribute(point, elements, clock), series, (lo_us, hi_us))
            for point in _merge(moves, clock)
        ),
        metrics=tuple(m for m in METRIC_GROUPS if m in metrics),
        notes=tuple(notes),
        time_basis="wall_clock" if calendar is None else f"working:{calendar.name}",
        day_s=86400.0 if calendar is None else calendar.workday_seconds,
    )


def _period_of(clock: _Clock, us: int) -> int:
    return (us + clock.offset_us + clock.shift_us) // clock.length_us


def _flow(
    relations: pd.DataFrame, usable: list[int], clock: _Clock
) -> tuple[list[Move], np.ndarray, list[int]]:
    """The relation-count matrix over usable periods with enough relations, then the test."""
    per_period = relations.groupby("period")["n"].sum()
    periods = [p for p in usable if int(per_period.get(p, 0)) >= MIN_OBSERVATIONS]
    rel = relations[relations["period"].isin(periods)]
    labels_all = rel["source"].astype(str) + " → " + rel["target"].astype(str)
    totals = rel.groupby(labels_all.to_numpy())["n"].sum()
    totals = totals.sort_values(ascending=False, kind="stable")
    kept = [str(x) for x in totals.index[:TOP_RELATIONS]]
    column = pd.Categorical(
        np.where(labels_all.isin(kept), labels_all, "other"), categories=[*kept, "other"]
    )
    matrix = (
        pd.DataFrame({"period": rel["period"].to_numpy(), "label": column, "n": rel["n"]})
        .pivot_table(index="period", columns="label", values="n", aggfunc="sum", observed=False)
        .reindex(index=periods, columns=[*kept, "other"])
        .fillna(0)
    )
    counts = matrix.to_numpy(dtype="float64")
    if counts[:, -1].sum() == 0:
        counts = counts[:, :-1]
    labels = [*kept, "other"][: counts.shape[1]]
    moves, distance = _flow_moves(counts, labels, np.asarray(periods, dtype="int64"), clock)
    return moves, distance, periods


# --------------------------------------------------------------------------- words
METRIC_WORDS = {
    "wait_median_s": "median wait",
    "wait_p90_s": "p90 wait",
    "throughput_median_s": "median throughput time",
    "throughput_p90_s": "p90 throughput time",
    "arrivals_per_day": "new cases per working day",
    "flow": "share of the steps",
}


def metric_group(metric: str) -> str:
    """The `--metric` group (`wait`, `throughput`, `arrivals`, `flow`) of a series metric."""
    return metric.split("_", 1)[0] if metric != "flow" else "flow"


def level_text(metric: str, value: float) -> str:
    """A level in the words and unit of its metric."""
    if metric.endswith("_s"):
        return human_duration(value)
    if metric == "flow":
        return f"{value:.0%}"
    return f"{value:.1f}"


def describe_move(move: Move) -> str:
    """One move in plain words, e.g. "median wait before Ký duyệt rose from 2 h to 3.1 d"."""
    what = METRIC_WORDS.get(move.metric, move.metric)
    direction = "rose" if move.after_level > move.before_level else "fell"
    if move.metric == "flow":
        first = move.element.split("; ")[0]
        return (
            f"the process flow changed: {what} that are {first} {direction} from "
            f"{level_text('flow', move.before_level)} to {level_text('flow', move.after_level)}"
        )
    where = (
        ""
        if move.element == OVERALL
        else (f" {move.element}" if move.element.startswith("before ") else f" on {move.element}")
    )
    return (
        f"{what}{where} {direction} from {level_text(move.metric, move.before_level)} "
        f"to {level_text(move.metric, move.after_level)}"
    )


def describe(point: ChangePoint, tz: str = "UTC") -> str:
    """A change point in one line of plain words."""
    day = point.date.tz_convert(pandas_zone(tz)).strftime("%Y-%m-%d")
    others = [g for g in dict.fromkeys(metric_group(m) for m in point.metrics)]
    main_group = metric_group(point.main.metric)
    also = [g for g in others if g != main_group]
    tail = f"; also moved: {', '.join(also)}" if also else ""
    return f"from {day}: {describe_move(point.main)} (strength {point.strength:.1f}){tail}"


def split_date(log: EventLog) -> tuple[pd.Timestamp, str]:
    """The strongest change point of `log` and a one-line description (for `--split auto`)."""
    result = drift(log)
    if not result.change_points:
        raise NoChangePointError(
            f"no change point found over {result.periods} {result.granularity}s",
            fix="give the split date yourself (--split YYYY-MM-DD)",
            source=log.source,
        )
    best = max(
        result.change_points,
        key=lambda p: (max(m.strength for m in p.moves), -p.date.value),
    )
    return best.date, describe(best, log.display_tz)
