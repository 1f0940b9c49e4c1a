"""Change points of the drift series: PELT on level series, chi-square on the flow, merged."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .drift_model import (
    FLOW_ALPHA,
    FLOW_MIN_DISTANCE,
    MERGE_PERIODS,
    MIN_PERIODS,
    MIN_RELATIVE_MOVE,
    MIN_SEGMENT,
    MIN_SHIFT,
    OTHER,
    PENALTY_FACTOR,
    WEEKDAY_ADJUST_FROM,
    ChangePoint,
    Element,
    Move,
    Relation,
)
from .drift_series import Clock

# one followed element's wait series: (metric, element, values, periods)
ElementSeries = tuple[str, Element, np.ndarray, np.ndarray]


def robust_sigma(y: np.ndarray) -> float:
    """Noise level from first differences (MAD), unaffected by level shifts."""
    if len(y) < 3:
        return 0.0
    d = np.diff(y)
    mad = float(np.median(np.abs(d - np.median(d))))
    sigma = 1.4826 * mad / math.sqrt(2.0)
    if sigma <= 1e-12:
        sigma = float(np.std(d)) / math.sqrt(2.0)
    return sigma


def weekday_adjusted(y: np.ndarray, periods: np.ndarray) -> np.ndarray:
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


def pelt(z: np.ndarray) -> list[int]:
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


def level_moves(
    metric: str,
    element: Element,
    values: np.ndarray,
    periods: np.ndarray,
    clock: Clock,
) -> list[Move]:
    """Change points of one level series (values per usable period) by PELT."""
    positive = values[values > 0]
    if len(values) < MIN_PERIODS or len(positive) == 0:
        return []
    y = np.log1p(values / float(np.median(positive)))
    if clock.granularity == "day" and len(y) >= WEEKDAY_ADJUST_FROM:
        y = weekday_adjusted(y, periods)
    sigma = robust_sigma(y)
    if sigma <= 1e-12:
        return []
    z = (y - float(np.median(y))) / sigma
    bounds = [0, *pelt(z), len(z)]
    moves = []
    for i in range(1, len(bounds) - 1):
        a, b, c = bounds[i - 1], bounds[i], bounds[i + 1]
        before = float(np.median(values[a:b]))
        after = float(np.median(values[b:c]))
        shift = float(np.mean(z[b:c]) - np.mean(z[a:b]))
        if abs(shift) >= MIN_SHIFT and _moved(before, after):
            moves.append(
                Move(
                    metric,
                    clock.start(int(periods[b])),
                    before,
                    after,
                    round(abs(shift), 3),
                    scope=element.scope,
                    activity=element.activity,
                    source=element.source,
                )
            )
    return moves


def _window(clock: Clock) -> int:
    """Periods on each side of a date that the windowed comparisons look at."""
    return 4 if clock.granularity == "week" else 7


def flow_moves(
    counts: np.ndarray, relations: list[Relation], periods: np.ndarray, clock: Clock
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
            replace(relations[i], new=bool(sa[i] == 0)) for i in order[:3] if abs(change[i]) >= 0.02
        ]
        strength = distance[b] / threshold
        moves.append(
            Move(
                "flow",
                clock.start(int(periods[b])),
                float(sa[top]),
                float(sb[top]),
                round(float(strength), 3),
                pvalues[b],
                scope="flow",
                relations=tuple(moved) or (relations[top],),
            )
        )
    return moves, distance


def _unique(items: Iterable[Element | Relation]) -> tuple[Element | Relation, ...]:
    """The items without repeated keys, in order of their first occurrence."""
    first: dict[str, Element | Relation] = {}
    for item in items:
        first.setdefault(item.key, item)
    return tuple(first.values())


def merge(moves: list[Move], clock: Clock) -> tuple[ChangePoint, ...]:
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
        named: list[Element | Relation] = []
        for m in cluster:
            if m.scope == "flow":
                named.extend(r for r in m.relations if r.key != OTHER)
            elif m.scope != "overall":
                named.append(Element(m.activity, m.source))
        points.append(
            ChangePoint(
                date=onset,
                metrics=tuple(metrics),
                where=_unique(named),
                before_level=main.before_level,
                after_level=main.after_level,
                strength=main.strength,
                main=main,
                moves=tuple(cluster),
            )
        )
    return tuple(sorted(points, key=lambda p: p.date))


def attribute(point: ChangePoint, elements: list[ElementSeries], clock: Clock) -> ChangePoint:
    """Add the frequent transitions and activities whose waits moved across the change point:
    median of the `_window` periods before vs after, by at least `MIN_RELATIVE_MOVE` and
    `MIN_SHIFT` noise units (robust, as in the detection)."""
    at = clock.period_of(point.date.value // 1000)
    width = _window(clock)
    found: list[tuple[float, Element]] = []
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
            y = weekday_adjusted(y, periods)
        sigma = robust_sigma(y)
        b, a = float(np.median(before)), float(np.median(after))
        if sigma <= 1e-12 or not _moved(b, a):
            continue
        shift = abs(math.log1p(a / scale) - math.log1p(b / scale)) / sigma
        if shift >= MIN_SHIFT:
            found.append((shift, element))
    if not found:
        return point
    found.sort(key=lambda item: (-item[0], item[1].key))
    return replace(point, where=_unique([*point.where, *(e for _, e in found)]))
