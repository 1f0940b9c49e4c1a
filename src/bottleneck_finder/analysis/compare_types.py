"""What `compare` returns and how it is asked: result types, options, column names and errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ..calendar import WorkCalendar
from ..errors import BottleneckError, ColumnError, EmptyLogError
from . import statistics as st
from .causes import CAUSES
from .deadlines import Deadline

Straddling = Literal["exclude", "before", "after"]
Status = Literal["new", "removed", "slower", "faster", "unchanged", "insufficient"]

STAT_COLUMNS = (
    "status",
    "before_count",
    "after_count",
    "before_cases",
    "after_cases",
    "before_wait_median_s",
    "after_wait_median_s",
    "before_wait_mean_s",
    "after_wait_mean_s",
    "before_wait_p90_s",
    "after_wait_p90_s",
    "before_wait_total_s",
    "after_wait_total_s",
    "median_delta_s",
    "median_delta_ci95_low_s",
    "median_delta_ci95_high_s",
    "p_value",
    "q_value",
    "cliffs_delta",
    "added_wait_per_case_s",
)
PROCESSING_COLUMNS = (
    "before_processing_count",
    "after_processing_count",
    "before_processing_median_s",
    "after_processing_median_s",
    "before_processing_mean_s",
    "after_processing_mean_s",
    "before_processing_p90_s",
    "after_processing_p90_s",
)
TRANSITION_COMPARE_COLUMNS = ("source", "target", *STAT_COLUMNS)
MIX_COLUMNS = (
    "wait_change_mean_s",
    "wait_change_within_s",
    "wait_change_mix_s",
    "within_ci95_low_s",
    "within_ci95_high_s",
    "mix_driver",
    "mix_driver_before_share",
    "mix_driver_after_share",
    "mix_driver_wait_mean_s",
)
"""An activity's change of mean wait split into the same transitions' change (`within`, on
which the activity is judged) and the routing mix (`analysis.compare_mix`)."""
ACTIVITY_COMPARE_COLUMNS = ("activity", *STAT_COLUMNS, *PROCESSING_COLUMNS, *MIX_COLUMNS)
CAUSE_CHANGE_COLUMNS = tuple(
    f"{c}_per_case_s_{side}" for side in ("before", "after") for c in CAUSES
)
"""A finding's waiting by cause on each side (`CauseComparison`, real seconds per case of the
period; missing without a cause breakdown): which cause grew, or shrank."""
FINDING_COLUMNS = (
    "rank",
    "kind",
    "source",
    "target",
    "activity",
    "status",
    "before_wait_median_s",
    "after_wait_median_s",
    "added_wait_per_case_s",
    "median_delta_ci95_low_s",
    "median_delta_ci95_high_s",
    "cause",
    "cause_share",
    *CAUSE_CHANGE_COLUMNS,
)


class CompareError(BottleneckError):
    """The two periods cannot be compared as asked (exit code 2, a bad option value)."""

    exit_code = 2


class SplitDateError(CompareError):
    """The split date lies outside the log, or cannot be read."""


class EmptySideError(EmptyLogError):
    """One side of the comparison has no case left (exit code 6)."""


class NoCommonActivityError(ColumnError):
    """The two logs share no activity name: most likely a wrong activity column (exit code 4)."""


@dataclass(frozen=True)
class CompareOptions:
    """How the comparison decides: `alpha` is the false-discovery level of the q-values and
    1 − alpha the confidence level of the intervals; fewer than `min_count` observations on
    either side gives `insufficient`; `deadline` asks for the share of cases not finished by
    their due time (`analysis.deadlines`: `15wd` working days, `15d`, `8wh`, `36h`), and the
    older `deadline_s` for the share of cases whose throughput time is longer than it.
    With a `calendar` every duration (waits, processing, throughput) is working time, while the
    split, the periods' first and last events and the demand weeks stay on real dates; `causes`
    adds the waiting-cause breakdown before and after where both sides have start times and
    resources."""

    alpha: float = 0.05
    min_count: int = 20
    n_boot: int = st.BOOTSTRAP_RESAMPLES
    seed: int = 0
    deadline_s: float | None = None
    straddling: Straddling = "exclude"
    deadline: Deadline | None = None
    calendar: WorkCalendar | None = None
    causes: bool = True


@dataclass(frozen=True)
class CompareWarning:
    """Something that weakens a comparison, as figures (render says it in words).

    `kind` is `few_common_activities` (only `common` of `total` activities on both sides),
    `start_times_one_side` (waits measured differently on the two sides) or `different_zones`
    (the two logs are shown in the zones `zones`; durations are unaffected)."""

    kind: Literal["few_common_activities", "start_times_one_side", "different_zones"]
    common: int = 0
    total: int = 0
    zones: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class SideSummary:
    """Size and span of one side: cases, their events, first and last event (UTC)."""

    cases: int
    events: int
    first_event: pd.Timestamp | None
    last_event: pd.Timestamp | None
    has_start_times: bool
    source: str


@dataclass(frozen=True)
class SplitInfo:
    """How the cases were divided: two logs, or one log at a date (with the straddlers)."""

    mode: Literal["date", "logs"]
    date: pd.Timestamp | None = None
    straddling: Straddling = "exclude"
    straddling_cases: int = 0
    description: str | None = None


@dataclass(frozen=True)
class CaseComparison:
    """Throughput time per case (first start to last end) before and after; with a deadline,
    the share of each period's cases over it (`deadline`: the `CompareOptions.deadline` as
    written, e.g. `15wd`; `deadline_s`: its length in seconds where it has one)."""

    before_count: int
    after_count: int
    before_median_s: float
    after_median_s: float
    before_mean_s: float
    after_mean_s: float
    before_p90_s: float
    after_p90_s: float
    median_delta_s: float
    median_delta_ci95_s: tuple[float, float]
    p_value: float
    q_value: float
    cliffs_delta: float
    status: Status
    deadline_s: float | None = None
    before_over_deadline_share: float | None = None
    after_over_deadline_share: float | None = None
    deadline: str | None = None


@dataclass(frozen=True)
class DemandComparison:
    """Demand and capacity before and after.

    `weekly`: one row per full week (`period`, `week_start`, `cases_started`, `wip` = open
    cases at the week's start, `steps_completed`); `units`: per unit (or resource) and period,
    the median and mean steps completed per week; the Mann–Whitney test on weekly arrivals
    says whether demand changed (`changed` when p < alpha); `partial_weeks` when a side spans
    less than one full week, so the weeks touching it were counted.
    """

    weekly: pd.DataFrame
    units: pd.DataFrame
    unit_column: str | None
    before_weeks: int
    after_weeks: int
    before_arrivals_per_week: float
    after_arrivals_per_week: float
    arrivals_change: float
    arrivals_p_value: float
    changed: bool
    before_wip_mean: float
    after_wip_mean: float
    partial_weeks: bool = False


@dataclass(frozen=True)
class Comparison:
    """Everything `bottleneck compare` computes about two periods of a process.

    `transitions` and `activities` have the columns `TRANSITION_COMPARE_COLUMNS` and
    `ACTIVITY_COMPARE_COLUMNS` (seconds); `introduced` and `improvements` the columns
    `FINDING_COLUMNS`, ranked by added wait per case: one row per changed element (`kind`
    `activity` or `transition`, with `activity` or `source`/`target`), its `status` (`new` or
    `slower` for introduced bottlenecks, `removed` or `faster` for improvements), the medians,
    the interval of the median change and, for introduced bottlenecks with a cause breakdown,
    the dominant `cause` after and its `cause_share` of the wait (missing otherwise); with a
    cause breakdown, every row also has its waiting by cause on each side
    (`CAUSE_CHANGE_COLUMNS`, missing otherwise).
    """

    before: SideSummary
    after: SideSummary
    split: SplitInfo
    transitions: pd.DataFrame
    activities: pd.DataFrame
    introduced: pd.DataFrame
    improvements: pd.DataFrame
    cases: CaseComparison
    demand: DemandComparison
    options: CompareOptions
    wait_definition: str
    display_tz: str
    warnings: tuple[CompareWarning, ...] = field(default=())
    time_basis: str = "wall_clock"
    causes: CauseComparison | None = None


@dataclass(frozen=True)
class CauseComparison:
    """Waiting time by cause before and after (`analysis.causes`), in real (wall-clock) seconds
    per case of each period, for every activity and transition with waiting on either side.

    `activities` (`activity`) and `transitions` (`source`, `target`) have, per cause and side,
    `<cause>_per_case_s_before` / `_after`, the total `wait_per_case_s_before` / `_after` and
    the dominant cause of each side (`dominant_before` / `dominant_after`, with its share of
    that side's wait, `dominant_share_before` / `_after`; missing without waiting time).
    """

    availability: str
    activities: pd.DataFrame
    transitions: pd.DataFrame
