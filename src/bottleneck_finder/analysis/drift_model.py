"""What drift finds: the detector's fixed rules, the keys of its series, moves and change points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..errors import InputError

Granularity = Literal["day", "week", "cases"]
Scope = Literal["overall", "activity", "transition", "flow"]
METRIC_GROUPS: tuple[str, ...] = ("wait", "throughput", "arrivals", "flow")


# The documented rules of the detector (docs/drift.md); none is tuned per log.
WEEKLY_FROM_WEEKS = 12  # logs spanning at least this many weeks are cut into weeks, else days
MIN_BIN_CASES = 10  # `--granularity cases:N`: at least this many cases per bin
MIN_PERIODS = 8  # fewer usable periods than this: too short to look for change points
MIN_OBSERVATIONS = 5  # a period's median / p90 needs at least this many waits or cases
MIN_SEGMENT = 3  # a level must hold for at least this many usable periods
PENALTY_FACTOR = 3.0  # PELT penalty at least 3 log T on the robustly standardized series ...
PERMUTATIONS = 200  # ... and at least the PENALTY_QUANTILE of the best single-split gain over
PENALTY_QUANTILE = 0.99  # this many random orders of the same values (fixed seed)
MIN_RELATIVE_MOVE = 0.5  # a level must move by at least half (×1.5 or ÷1.5; covers ≥ 20 %)
MIN_SHIFT = 3.0  # ... and by at least 3 noise units
MIN_WAIT_EFFECT_S = 3600.0  # waits and throughput times: and by at least 1 h
MIN_ARRIVALS_EFFECT = 2.0  # arrivals: and by at least 2 cases per working day
MIN_SIDE_OBSERVATIONS = 30  # waits / cases (relations for the flow) on each side of a change
EPISODE_PERIODS = 8  # a level that leaves and returns within this many periods: one episode
HOLIDAY_FRACTION = 0.5  # a week with fewer events than half the usual is a holiday week
HOLIDAY_NEIGHBOURS = 4  # "usual": the smaller median of the 4 usable weeks before / after
INTERVAL_CHI2 = 3.84  # date interval: splits within this of the best (χ²₁ 95 %, unit noise)
TOP_ELEMENTS = 6  # frequent transitions and activities followed separately
TOP_RELATIONS = 20  # directly-follows relations kept apart in the flow test (rest: "other")
FLOW_MIN_DISTANCE = 0.15  # share of the flow that must move between the two windows
FLOW_MIN_SHARE_MOVE = 0.05  # ... and the relation that moved most by at least 5 points
FLOW_ALPHA = 0.001  # chi-square level, Bonferroni-corrected over the boundaries tested
MERGE_PERIODS = 3  # moves of different metrics this close belong to one change point
WEEKDAY_ADJUST_FROM = 28  # daily series this long are adjusted for the weekday pattern

SERIES_COLUMNS = ("period", "metric", "element", "value", "count")
RELATION_COLUMNS = ("period", "source", "target", "count")
OVERALL = "all"  # the element key of the series over the whole log
OTHER = "other"  # the key of the rarer directly-follows relations, pooled in the flow test


class DriftError(InputError):
    """The log cannot answer when its process changed."""

    exit_code = 6


class LogTooShortError(DriftError):
    """The log covers too few periods to tell a change from noise."""


class NoChangePointError(DriftError):
    """No change point was found where one was asked for (e.g. to split the log)."""


def element_key(activity: str | None = None, source: str | None = None) -> str:
    """The drift@1 key of a wait series: `all`, `before <activity>` or `<source> → <activity>`."""
    if activity is None:
        return OVERALL
    return f"{source} → {activity}" if source is not None else f"before {activity}"


def metric_group(metric: str) -> str:
    """The `--metric` group (`wait`, `throughput`, `arrivals`, `flow`) of a series metric."""
    return metric.split("_", 1)[0] if metric != "flow" else "flow"


@dataclass(frozen=True)
class Element:
    """A frequent step whose waits are followed: the waits before `activity`, or on the
    transition `source → activity`; neither for the whole log."""

    activity: str | None = None
    source: str | None = None

    @property
    def scope(self) -> Scope:
        if self.activity is None:
            return "overall"
        return "transition" if self.source is not None else "activity"

    @property
    def key(self) -> str:
        return element_key(self.activity, self.source)


@dataclass(frozen=True)
class Relation:
    """A directly-follows relation `source → target` of the flow (both None: the rarer relations
    pooled as `other`); `new` when it did not occur before the change."""

    source: str | None
    target: str | None
    new: bool = False

    @property
    def key(self) -> str:
        """The drift@1 key, e.g. `Tiếp nhận hồ sơ → Scan hồ sơ giấy (new)`."""
        name = OTHER if self.source is None else f"{self.source} → {self.target}"
        return name + (" (new)" if self.new else "")


@dataclass(frozen=True)
class Move:
    """One series that moved: its metric and what it is about, the date and the size of the move.

    `scope` says what the series covers: the whole log (`overall`), the waits before
    `activity` (`activity`), on `source → activity` (`transition`), or the mix of directly-follows
    relations (`flow`, with `relations`: those whose share moved most, the first being the one
    whose shares are the levels). `strength` is the move in noise units: the shift of the
    segment means on the robustly standardized series; for the flow, the windowed distance
    divided by the detection threshold (so above 1 is detected). Levels are in the metric's own
    unit (seconds, cases per open day, share of the directly-follows relations).
    """

    metric: str
    date: pd.Timestamp
    before_level: float
    after_level: float
    strength: float
    p_value: float | None = None
    scope: Scope = "overall"
    activity: str | None = None
    source: str | None = None
    relations: tuple[Relation, ...] = ()
    date_low: pd.Timestamp | None = None
    date_high: pd.Timestamp | None = None

    @property
    def low(self) -> pd.Timestamp:
        """The earliest date the change may have started (`date` when not known)."""
        return self.date if self.date_low is None else self.date_low

    @property
    def high(self) -> pd.Timestamp:
        """The latest date the new level may have started (`date` when not known)."""
        return self.date if self.date_high is None else self.date_high


@dataclass(frozen=True)
class Episode:
    """A level that left and came back within `EPISODE_PERIODS`: one excursion, not two
    changes. `start` is its first period, `end` its last; `before_level` the level around it,
    `level` the level during it (for the flow: the share of the relation that moved most)."""

    metric: str
    start: pd.Timestamp
    end: pd.Timestamp
    before_level: float
    level: float
    strength: float
    scope: Scope = "overall"
    activity: str | None = None
    source: str | None = None
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class ChangePoint:
    """A date at which the process changed: the moves of all series merged into one event.

    `date` is the earliest move's (to the day for weekly series): the first period (day) of
    the new level; the change started between `date_low` and `date_high`. `main` is the
    strongest move on that date, whose `before_level`, `after_level` and `strength` the
    change point reports;
    `moves` lists every move merged into it, strongest first; `where` the flow relations and
    the frequent steps whose waits moved, strongest first (`elements`: their drift@1 keys).
    """

    date: pd.Timestamp
    metrics: tuple[str, ...]
    where: tuple[Element | Relation, ...]
    before_level: float
    after_level: float
    strength: float
    main: Move
    moves: tuple[Move, ...]
    date_low: pd.Timestamp | None = None
    date_high: pd.Timestamp | None = None

    @property
    def elements(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.where)


@dataclass(frozen=True)
class CutoffNote:
    """The throughput series stops at the cases that started before `date` (UTC start of the
    first period left out): later cases may still be open."""

    date: pd.Timestamp
    kind: Literal["throughput_cutoff"] = "throughput_cutoff"


@dataclass(frozen=True)
class DriftResult:
    """Everything `bottleneck drift` computes about one log.

    `series` (columns `SERIES_COLUMNS`) holds one row per usable period and series: `metric`
    is `wait_median_s`, `wait_p90_s`, `throughput_median_s`, `throughput_p90_s`,
    `arrivals_per_day` or `flow_distance`; `element` the key of what it covers (`element_key`:
    `all`, a transition `a → b` or `before <activity>`); `count` the observations behind the
    value. `relations` (columns `RELATION_COLUMNS`) counts each directly-follows relation per
    period. Periods start at local midnight (days) or Monday 00:00 (weeks) in `display_tz`,
    or (`cases`) at the start of every `bin_cases`-th case; stored as UTC timestamps. `notes`
    say what was left out. `time_basis` says how waits and throughput times are measured
    (`wall_clock`, or `working:<calendar>`: working time, while periods and dates stay real)
    and `day_s` is the day they are told in (24 h, or the calendar's usual working day).
    `episodes` are excursions that came back (not change points); `holiday_periods` the weeks
    with fewer than half the usual events, left out of the detection (still in `series`).
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
    notes: tuple[CutoffNote, ...] = ()
    time_basis: str = "wall_clock"
    day_s: float = 86400.0
    episodes: tuple[Episode, ...] = ()
    holiday_periods: tuple[pd.Timestamp, ...] = ()
    bin_cases: int | None = None  # granularity `cases`: the cases per bin (periods of N starts)
