"""Change points of the drift series: PELT on level series, chi-square on the flow, merged."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np

from .drift_model import (
    EPISODE_PERIODS,
    FLOW_ALPHA,
    FLOW_MIN_DISTANCE,
    FLOW_MIN_SHARE_MOVE,
    INTERVAL_CHI2,
    MERGE_PERIODS,
    MIN_ARRIVALS_EFFECT,
    MIN_PERIODS,
    MIN_RELATIVE_MOVE,
    MIN_SEGMENT,
    MIN_SHIFT,
    MIN_SIDE_OBSERVATIONS,
    MIN_WAIT_EFFECT_S,
    OTHER,
    PENALTY_FACTOR,
    PENALTY_QUANTILE,
    PERMUTATIONS,
    WEEKDAY_ADJUST_FROM,
    ChangePoint,
    Element,
    Episode,
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


def penalty(z: np.ndarray) -> float:
    """The PELT penalty calibrated on the series itself: the larger of `PENALTY_FACTOR` · ln T
    and the `PENALTY_QUANTILE` of the best single-split gain of the same values put in
    `PERMUTATIONS` random orders (fixed seed), so heavy tails or outliers raise it."""
    n = len(z)
    floor = PENALTY_FACTOR * math.log(n)
    if n < 2 * MIN_SEGMENT:
        return floor
    rng = np.random.default_rng(0)
    shuffled = np.stack([rng.permutation(z) for _ in range(PERMUTATIONS)])
    k = np.arange(1, n, dtype="float64")
    left = np.cumsum(shuffled, axis=1)[:, :-1]
    total = shuffled.sum(axis=1, keepdims=True)
    gain = k * (n - k) / n * (left / k - (total - left) / (n - k)) ** 2
    best = gain[:, MIN_SEGMENT - 1 : n - MIN_SEGMENT].max(axis=1)
    return max(floor, float(np.quantile(best, PENALTY_QUANTILE)))


def pelt(z: np.ndarray, pen: float | None = None) -> list[int]:
    """Change indices (start of each new segment) of PELT on a standardized series, with the
    calibrated `penalty` unless `pen` is given."""
    import ruptures

    if len(z) < 2 * MIN_SEGMENT:
        return []
    algo = ruptures.Pelt(custom_cost=_l2_cost_class(), min_size=MIN_SEGMENT, jump=1)
    ends: list[int] = algo.fit(z.reshape(-1, 1)).predict(pen=penalty(z) if pen is None else pen)
    return [int(b) for b in ends[:-1]]


def _moved(before: float, after: float) -> bool:
    low, high = sorted((abs(before), abs(after)))
    if high == 0:
        return False
    return low == 0 or high / low >= 1.0 + MIN_RELATIVE_MOVE


def practical(metric: str, before: float, after: float) -> bool:
    """Whether a level move is large enough to matter: ×1.5 (or ÷1.5) and, for waits and
    throughput times, at least `MIN_WAIT_EFFECT_S`; for arrivals, `MIN_ARRIVALS_EFFECT`."""
    if not _moved(before, after):
        return False
    if metric.startswith(("wait", "throughput")):
        return abs(after - before) >= MIN_WAIT_EFFECT_S
    if metric.startswith("arrivals"):
        return abs(after - before) >= MIN_ARRIVALS_EFFECT
    return True


def _l2(z: np.ndarray) -> float:
    return float(((z - z.mean()) ** 2).sum()) if len(z) else 0.0


class _Level:
    """A level series on its robust scale, with the tests of a boundary between segments."""

    def __init__(self, metric: str, values: np.ndarray, z: np.ndarray, counts: np.ndarray) -> None:
        self.metric, self.values, self.z, self.counts = metric, values, z, counts

    def shift(self, left: np.ndarray, right: np.ndarray) -> float | None:
        """The move in noise units from `left` to `right` (index arrays), None when it is
        not supported (too small, too few observations, not practically large)."""
        before = float(np.median(self.values[left]))
        after = float(np.median(self.values[right]))
        shift = float(np.mean(self.z[right]) - np.mean(self.z[left]))
        if abs(shift) < MIN_SHIFT or not practical(self.metric, before, after):
            return None
        if min(self.counts[left].sum(), self.counts[right].sum()) < MIN_SIDE_OBSERVATIONS:
            return None
        return shift

    def interval(self, left: np.ndarray, right: np.ndarray) -> tuple[int, int]:
        """Over the splits of `left` + `right` whose least-squares cost is within
        `INTERVAL_CHI2` of the best: the last old-level index of the earliest split and the
        first new-level index of the latest."""
        both = np.sort(np.r_[left, right])
        z = self.z[both]
        costs = np.array([_l2(z[:j]) + _l2(z[j:]) for j in range(1, len(z))])
        ok = np.flatnonzero(costs <= costs.min() + INTERVAL_CHI2) + 1
        return int(both[ok.min() - 1]), int(both[ok.max()])


def level_changes(
    metric: str,
    element: Element,
    values: np.ndarray,
    periods: np.ndarray,
    clock: Clock,
    counts: np.ndarray | None = None,
) -> tuple[list[Move], list[Episode]]:
    """Change points and episodes of one level series (values per usable period, `counts`
    the observations behind each): PELT with the calibrated penalty, then the boundaries that
    fail the tests of `_Level.shift` are removed (weakest first), and a short segment whose
    neighbours do not differ becomes an episode."""
    positive = values[values > 0]
    if len(values) < MIN_PERIODS or len(positive) == 0:
        return [], []
    y = np.log1p(values / float(np.median(positive)))
    if clock.granularity == "day" and len(y) >= WEEKDAY_ADJUST_FROM:
        y = weekday_adjusted(y, periods)
    sigma = robust_sigma(y)
    if sigma <= 1e-12:
        return [], []
    z = (y - float(np.median(y))) / sigma
    n_obs = (
        np.full(len(values), MIN_SIDE_OBSERVATIONS, dtype="float64")
        if counts is None
        else np.asarray(counts, dtype="float64")
    )
    level = _Level(metric, values, z, n_obs)
    bounds = [0, *pelt(z), len(z)]
    segments = [np.arange(a, b) for a, b in pairwise(bounds)]
    found: list[Episode] = []
    while True:
        shifts = [level.shift(segments[i - 1], segments[i]) for i in range(1, len(segments))]
        failing = [i for i, s in enumerate(shifts, start=1) if s is None]
        if failing:
            weakest = min(
                failing,
                key=lambda i: abs(float(np.mean(z[segments[i]]) - np.mean(z[segments[i - 1]]))),
            )
            segments[weakest - 1 : weakest + 1] = [np.r_[segments[weakest - 1], segments[weakest]]]
            continue
        episode = next(
            (
                k
                for k in range(1, len(segments) - 1)
                if periods[segments[k][-1]] - periods[segments[k][0]] < EPISODE_PERIODS
                and level.shift(segments[k - 1], segments[k + 1]) is None
            ),
            None,
        )
        if episode is None:
            break
        around = np.r_[segments[episode - 1], segments[episode + 1]]
        inside = segments[episode]
        found.append(
            Episode(
                metric,
                clock.start(int(periods[inside[0]])),
                clock.start(int(periods[inside[-1]])),
                float(np.median(values[around])),
                float(np.median(values[inside])),
                round(abs(float(np.mean(z[inside]) - np.mean(z[around]))), 3),
                scope=element.scope,
                activity=element.activity,
                source=element.source,
            )
        )
        segments[episode - 1 : episode + 2] = [around]
    moves = []
    for i in range(1, len(segments)):
        left, right = segments[i - 1], segments[i]
        shift = level.shift(left, right)
        assert shift is not None  # every boundary left passed
        low, high = level.interval(left, right)
        # date_low: the start of the last old-level period, which a step during it leaves mixed
        moves.append(
            Move(
                metric,
                clock.start(int(periods[right[0]])),
                float(np.median(values[left])),
                float(np.median(values[right])),
                round(abs(shift), 3),
                scope=element.scope,
                activity=element.activity,
                source=element.source,
                date_low=clock.start(int(periods[low])),
                date_high=clock.start(int(periods[high])),
            )
        )
    return moves, found


def level_moves(
    metric: str,
    element: Element,
    values: np.ndarray,
    periods: np.ndarray,
    clock: Clock,
    counts: np.ndarray | None = None,
) -> list[Move]:
    """The change points of one level series (`level_changes` without its episodes)."""
    return level_changes(metric, element, values, periods, clock, counts)[0]


def _window(clock: Clock) -> int:
    """Periods on each side of a date that the windowed comparisons look at."""
    return 7 if clock.granularity == "day" else 4


def flow_moves(
    counts: np.ndarray, relations: list[Relation], periods: np.ndarray, clock: Clock
) -> tuple[list[Move], list[Episode], np.ndarray]:
    """Change points and episodes of the directly-follows mix: windowed chi-square tests at
    each boundary.

    Returns the moves, the episodes (two boundaries within `EPISODE_PERIODS` whose outer
    windows do not differ: the mix left and came back) and the windowed distance (total
    variation between the relation shares of the windows before and after each boundary; NaN
    where a window does not fit).
    """
    from scipy.stats import chi2, chi2_contingency

    n = len(periods)
    distance = np.full(n, np.nan)
    if n < MIN_PERIODS:
        return [], [], distance
    window = max(MIN_SEGMENT, min(_window(clock), n // 3))
    tested = list(range(window, n - window + 1))
    pvalues = {}
    shares = {}
    sizes = {}
    phi = _dispersion(counts)  # the chi-square is calibrated on the series' own dispersion
    for b in tested:
        before = counts[b - window : b].sum(axis=0)
        after = counts[b : b + window].sum(axis=0)
        keep = (before + after) > 0
        sa, sb = before / before.sum(), after / after.sum()
        distance[b] = 0.5 * float(np.abs(sa - sb).sum())
        chi = chi2_contingency(np.vstack([before[keep], after[keep]]), correction=False)
        pvalues[b] = float(chi2.sf(float(chi.statistic) / phi, int(chi.dof)))
        shares[b] = (sa, sb)
        sizes[b] = min(float(before.sum()), float(after.sum()))
    # the windowed distance is never 0 by sampling alone: a boundary must stand out at twice
    # the lower quartile of all boundaries' distances (and at least FLOW_MIN_DISTANCE)
    threshold = max(FLOW_MIN_DISTANCE, 2.0 * float(np.percentile(distance[tested], 25)))
    level = FLOW_ALPHA / len(tested)
    candidates = sorted(
        (
            b
            for b in tested
            if distance[b] >= threshold
            and pvalues[b] < level
            and sizes[b] >= MIN_SIDE_OBSERVATIONS
            and float(np.abs(shares[b][1] - shares[b][0]).max()) >= FLOW_MIN_SHARE_MOVE
        ),
        key=lambda b: (-distance[b], b),
    )
    accepted: list[int] = []
    for b in candidates:
        if all(abs(b - other) >= window for other in accepted):
            accepted.append(b)
    accepted.sort()
    episodes: list[Episode] = []
    paired: set[int] = set()
    for b1, b2 in pairwise(accepted):
        if b1 in paired or periods[b2] - periods[b1] > EPISODE_PERIODS or b2 + window > n:
            continue
        outer_before = counts[max(b1 - window, 0) : b1].sum(axis=0)
        outer_after = counts[b2 : b2 + window].sum(axis=0)
        sa, sb = outer_before / outer_before.sum(), outer_after / outer_after.sum()
        if 0.5 * float(np.abs(sa - sb).sum()) >= threshold:
            continue  # the mix did not come back
        inside = counts[b1:b2].sum(axis=0)
        si = inside / inside.sum()
        top = int(np.argmax(np.abs(si - sa)))
        episodes.append(
            Episode(
                "flow",
                clock.start(int(periods[b1])),
                clock.start(int(periods[b2 - 1])),
                float(sa[top]),
                float(si[top]),
                round(float(max(distance[b1], distance[b2]) / threshold), 3),
                scope="flow",
                relations=(relations[top],),
            )
        )
        paired.update((b1, b2))
    moves = []
    for b in (b for b in accepted if b not in paired):
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
                date_low=clock.start(int(periods[b - 1])),
                date_high=clock.start(int(periods[b])),
            )
        )
    return moves, episodes, distance


def _dispersion(counts: np.ndarray) -> float:
    """Overdispersion of the relation counts between neighbouring periods: the median over
    adjacent period pairs of chi-square ÷ degrees of freedom (at least 1). Like the noise level
    of the level series, one lasting change touches a single pair and barely moves it."""
    from scipy.stats import chi2_contingency

    ratios = []
    for t in range(len(counts) - 1):
        pair = counts[t : t + 2]
        keep = pair.sum(axis=0) > 0
        if keep.sum() < 2 or (pair[:, keep].sum(axis=1) == 0).any():
            continue
        chi = chi2_contingency(pair[:, keep], correction=False)
        ratios.append(float(chi.statistic) / max(int(chi.dof), 1))
    return max(1.0, float(np.median(ratios))) if ratios else 1.0


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

    def period(move: Move) -> int:
        return clock.period_of(move.date.value // 1000)

    clusters: list[list[Move]] = []
    for move in sorted(moves, key=lambda m: (-m.strength, m.date, m.metric)):
        home = next(
            (c for c in clusters if abs(period(move) - period(c[0])) <= MERGE_PERIODS), None
        )
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
                date_low=main.low,
                date_high=main.high,
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
