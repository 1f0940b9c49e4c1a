"""The `compare` computation: two periods of a process, what got slower or faster, and how sure."""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..calendar import WorkCalendar, apply_calendar
from ..engine import Engine
from ..engine.prepare import prepare_steps
from ..errors import BottleneckError, ColumnError, EmptyLogError
from ..model import EventLog
from ..timeunits import MONDAY_US, US, WEEK_US, local_time, pandas_zone, utc_offset_us
from . import statistics as st
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
ACTIVITY_COMPARE_COLUMNS = ("activity", *STAT_COLUMNS, *PROCESSING_COLUMNS)
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
    "finding",
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


# --------------------------------------------------------------------------- durations
DURATION_UNITS: dict[str, float] = {"d": 86_400.0, "h": 3_600.0, "min": 60.0}
"""Wall-clock units of `parse_duration` (library use; the command reads `--deadline` with
`analysis.deadlines.parse_deadline`, which also knows working days and hours)."""

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")


def parse_duration(text: str) -> float:
    """A wall-clock duration such as `15d`, `36h` or `90min`, in seconds."""
    match = _DURATION.match(text.lower())
    if match is None or match.group(2) not in DURATION_UNITS:
        units = ", ".join(DURATION_UNITS)
        raise CompareError(
            f"cannot read the duration {text!r}",
            fix=f"write a number and a unit ({units}), e.g. 15d, 36h or 90min",
        )
    seconds = float(match.group(1)) * DURATION_UNITS[match.group(2)]
    if seconds <= 0:
        raise CompareError(f"the duration {text!r} must be positive", fix="e.g. 15d")
    return seconds


# --------------------------------------------------------------------------- results
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
    """Throughput time per case (first start to last end) before and after."""

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
    says whether demand changed (`changed` when p < alpha).
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
    summary: str


@dataclass(frozen=True)
class Comparison:
    """Everything `bottleneck compare` computes about two periods of a process.

    `transitions` and `activities` have the columns `TRANSITION_COMPARE_COLUMNS` and
    `ACTIVITY_COMPARE_COLUMNS` (seconds); `introduced` and `improvements` the columns
    `FINDING_COLUMNS`, ranked by added wait per case.
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
    warnings: tuple[str, ...] = field(default=())
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


def time_basis(calendar: WorkCalendar | None) -> str:
    """How durations are measured: `wall_clock`, or `working:<calendar name>`."""
    return "wall_clock" if calendar is None else f"working:{calendar.name}"


# --------------------------------------------------------------------------- one side
@dataclass(frozen=True)
class _Side:
    """What one period contributes: summaries, per-key aggregate rows and sorted samples."""

    summary: SideSummary
    transitions: dict[tuple[str, str], dict[str, float]]
    activities: dict[str, dict[str, float]]
    trans_waits: dict[tuple[str, str], np.ndarray]
    act_waits: dict[str, np.ndarray]
    durations: np.ndarray


def _arrays(engine: Engine, sql: str) -> dict[str, np.ndarray]:
    """Run a query and return its columns as numpy arrays (event-level, so no DataFrame)."""
    result: dict[str, Any] = engine.con.execute(sql).fetchnumpy()
    return {k: np.asarray(v) for k, v in result.items()}


def _segments(keys: list[np.ndarray]) -> list[tuple[int, int]]:
    """Start and end of each run of equal keys in arrays sorted by those keys."""
    n = len(keys[0]) if keys else 0
    if n == 0:
        return []
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _stats_sql(engine: Engine, column: str, prefix: str) -> str:
    q = engine.quantiles(column, {"median": 0.5, "p90": 0.9}, prefix)
    return (
        f"count({column}) AS {prefix}_count, avg({column}) AS {prefix}_mean_us, {q}, "
        f"sum({column}) AS {prefix}_total_us"
    )


def _measure(engine: Engine, log: EventLog, period: int, events: int) -> _Side:
    """The side `period` of the tables `cmp_steps` (steps with their case's period) and
    `periods` (case_id, first_us, last_us, period) in `engine`."""
    names = np.asarray(log.events["activity"].cat.categories.astype(str), dtype=object)
    where = f"period = {period}"
    trans = engine.frame(
        f"SELECT source, activity AS target, count(DISTINCT case_id) AS cases, "
        f"{_stats_sql(engine, 'wait_us', 'wait')} FROM cmp_steps "
        f"WHERE {where} AND source IS NOT NULL GROUP BY source, activity"
    )
    acts = engine.frame(
        f"SELECT activity, count(*) AS count, count(DISTINCT case_id) AS cases, "
        f"{_stats_sql(engine, 'wait_us', 'wait')}, "
        f"{_stats_sql(engine, 'processing_us', 'processing')} FROM cmp_steps "
        f"WHERE {where} GROUP BY activity"
    )
    t_rows: dict[tuple[str, str], dict[str, float]] = {}
    for row in trans.to_dict(orient="records"):
        key = (str(names[int(row["source"])]), str(names[int(row["target"])]))
        t_rows[key] = _row(row, "wait", count_name="wait_count")
    a_rows: dict[str, dict[str, float]] = {}
    for row in acts.to_dict(orient="records"):
        values = _row(row, "wait", count_name="count")
        values.update(_row(row, "processing", count_name="processing_count", prefix="processing"))
        a_rows[str(names[int(row["activity"])])] = values

    tw = _arrays(
        engine,
        f"SELECT source, activity, wait_us FROM cmp_steps WHERE {where} AND source IS NOT NULL "
        "ORDER BY source, activity, wait_us",
    )
    trans_waits = {
        (str(names[int(tw["source"][i])]), str(names[int(tw["activity"][i])])): tw["wait_us"][
            i:j
        ].astype(np.float64)
        / US
        for i, j in _segments([tw["source"], tw["activity"]])
    }
    aw = _arrays(
        engine,
        f"SELECT activity, wait_us FROM cmp_steps WHERE {where} AND wait_us IS NOT NULL "
        "ORDER BY activity, wait_us",
    )
    act_waits = {
        str(names[int(aw["activity"][i])]): aw["wait_us"][i:j].astype(np.float64) / US
        for i, j in _segments([aw["activity"]])
    }
    cs = _arrays(
        engine, f"SELECT dur_us AS d, first_us, last_us FROM periods WHERE {where} ORDER BY d"
    )
    count = len(cs["d"])
    summary = SideSummary(
        cases=count,
        events=events,
        first_event=_stamp(int(cs["first_us"].min())) if count else None,
        last_event=_stamp(int(cs["last_us"].max())) if count else None,
        has_start_times=log.has_start_times,
        source=log.source,
    )
    return _Side(summary, t_rows, a_rows, trans_waits, act_waits, cs["d"].astype(np.float64) / US)


def _row(
    row: Mapping[Any, Any], stat: str, *, count_name: str, prefix: str = "wait"
) -> dict[str, float]:
    def sec(name: str) -> float:
        value = row.get(f"{stat}_{name}_us")
        return math.nan if value is None or pd.isna(value) else float(value) / US

    out = {
        f"{prefix}_count": float(row[count_name]),
        f"{prefix}_median_s": sec("median"),
        f"{prefix}_mean_s": sec("mean"),
        f"{prefix}_p90_s": sec("p90"),
        f"{prefix}_total_s": sec("total") if row[f"{stat}_count"] else 0.0,
    }
    if "cases" in row and prefix == "wait":
        out["cases"] = float(row["cases"])
    return out


def _stamp(us: int) -> pd.Timestamp:
    return pd.Timestamp(us, unit="us", tz="UTC")


def _events_per_period(log: EventLog, case_period: np.ndarray) -> dict[int, int]:
    """Events of the log that belong to the cases of each period (-1: excluded)."""
    codes = log.events["case"].cat.codes.to_numpy()
    per_event = case_period[codes]
    return {p: int((per_event == p).sum()) for p in (-1, 0, 1)}


def _case_table(engine: Engine, log: EventLog) -> None:
    """The table `case_span`: each case's first and last event (real times) and its throughput
    time `dur_us` (working time when `log` carries a calendar's clock readings). With a
    calendar, also `steps_real`: each step's real end and unit, for the demand weeks."""
    span = (
        "SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us "
        "FROM steps GROUP BY case_id"
    )
    if "end_wall_us" not in log.events.columns:
        engine.materialize("case_span", f"SELECT *, last_us - first_us AS dur_us FROM ({span})")
        return
    import pyarrow as pa

    events = log.events
    start = events["start_wall_us"]
    engine.register(
        "wall",
        pa.table(
            {
                "case_id": pa.array(events["case"].cat.codes.to_numpy(dtype="int32")),
                "row_no": pa.array(events["row"].to_numpy(dtype="int64")),
                "start_us": pa.array(
                    start.to_numpy(dtype="int64", na_value=0), mask=start.isna().to_numpy()
                ),
                "end_us": pa.array(events["end_wall_us"].to_numpy(dtype="int64")),
            }
        ),
    )
    engine.materialize(
        "case_span",
        "SELECT w.case_id, w.first_us, w.last_us, s.last_us - s.first_us AS dur_us FROM "
        "(SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us "
        f"FROM wall GROUP BY case_id) w JOIN ({span}) s ON w.case_id = s.case_id",
    )
    engine.materialize(
        "steps_real",
        "SELECT w.end_us, s.group_id, s.resource_id FROM steps s JOIN wall w "
        "ON s.row_no = w.row_no",
    )


def _case_periods(engine: Engine, n_cases: int) -> np.ndarray:
    """Period of every case code (-1 when excluded), from the table `periods`."""
    got = _arrays(engine, "SELECT case_id, coalesce(period, -1) AS period FROM periods")
    out = np.full(max(n_cases, 1), -1, dtype=np.int64)
    out[got["case_id"].astype(np.int64)] = got["period"].astype(np.int64)
    return out


def _with_periods(engine: Engine) -> None:
    engine.materialize(
        "cmp_steps",
        "SELECT s.case_id, s.activity, s.source, s.wait_us, s.processing_us, p.period "
        "FROM steps s JOIN periods p ON s.case_id = p.case_id WHERE p.period IS NOT NULL",
    )


# --------------------------------------------------------------------------- demand
@dataclass(frozen=True)
class _Weekly:
    weekly: pd.DataFrame  # week_start, cases_started, wip, steps_completed (full weeks)
    units: pd.DataFrame  # week_start, unit, steps_completed
    full: bool


def _unit_column(log: EventLog) -> tuple[str | None, str | None]:
    """The column that names the working unit: group if the log has one, else resource."""
    if log.events["group"].notna().any():
        return "group_id", "group"
    if log.events["resource"].notna().any():
        return "resource_id", "resource"
    return None, None


def _weekly(engine: Engine, log: EventLog, span: tuple[int, int]) -> _Weekly:
    """Arrivals, open cases at each week's start and steps completed per week and unit, over
    the weeks (Monday 00:00 in the log's zone) that lie wholly inside the days of `span` (all
    weeks touching it if none does). `span` runs from a period's first to its last case start.
    Every case of the log counts, whatever its period: demand is about the calendar."""
    origin = MONDAY_US - utc_offset_us(log.display_tz, span[0])  # Monday 00:00 in the log's zone
    day = WEEK_US // 7
    lo = origin + (span[0] - origin) // day * day  # the span from the start of its first day
    hi = origin + -(-(span[1] - origin) // day) * day  # to the end of its last day
    first_week = -(-(lo - origin) // WEEK_US)  # ceil: the first week starting inside the span
    last_week = (hi - origin) // WEEK_US - 1  # the last week ending inside the span
    full = last_week >= first_week
    if not full:
        first_week = (lo - origin) // WEEK_US
        last_week = (hi - origin) // WEEK_US
    weeks = np.arange(first_week, last_week + 1, dtype=np.int64)
    starts_us = origin + weeks * WEEK_US
    spans = _arrays(engine, "SELECT first_us, last_us FROM case_span")
    steps = "steps_real" if "end_wall_us" in log.events.columns else "steps"
    first = np.sort(spans["first_us"].astype(np.int64))
    last = np.sort(spans["last_us"].astype(np.int64))
    arrivals = np.bincount(
        np.clip((first - origin) // WEEK_US - first_week, -1, len(weeks)) + 1,
        minlength=len(weeks) + 2,
    )[1:-1]
    # open at t: started at or before t and not yet ended
    wip = np.searchsorted(first, starts_us, side="right") - np.searchsorted(
        last, starts_us, side="right"
    )
    column, role = _unit_column(log)
    unit_sql = column or "NULL"
    done = engine.frame(
        f"SELECT floor((end_us - {origin}) / {WEEK_US})::BIGINT AS week, "
        f"{unit_sql} AS unit, count(*) AS n FROM {steps} "
        f"WHERE end_us >= {origin + first_week * WEEK_US} "
        f"AND end_us < {origin + (last_week + 1) * WEEK_US} GROUP BY ALL"
    )
    total = done.groupby("week")["n"].sum() if len(done) else pd.Series(dtype="int64")
    weekly = pd.DataFrame(
        {
            "week_start": pd.to_datetime(starts_us, unit="us", utc=True),
            "cases_started": arrivals.astype("int64"),
            "wip": wip.astype("int64"),
            "steps_completed": [int(total.get(w, 0)) for w in weeks],
        }
    )
    if role is not None and len(done):
        labels = log.events[role].cat.categories.astype(str)
        known = done["unit"].notna()
        unit_names = np.where(
            known, labels.take(done["unit"].fillna(0).astype("int64").to_numpy()), "(none)"
        )
        units = pd.DataFrame(
            {
                "week_start": pd.to_datetime(
                    origin + done["week"].to_numpy(dtype="int64") * WEEK_US, unit="us", utc=True
                ),
                "unit": unit_names,
                "steps_completed": done["n"].astype("int64").to_numpy(),
            }
        )
    else:
        units = pd.DataFrame({"week_start": [], "unit": [], "steps_completed": []})
    return _Weekly(weekly, units, full)


def _demand(
    before: _Weekly, after: _Weekly, unit_role: str | None, alpha: float
) -> DemandComparison:
    weekly = pd.concat(
        [before.weekly.assign(period="before"), after.weekly.assign(period="after")],
        ignore_index=True,
    )[["period", "week_start", "cases_started", "wip", "steps_completed"]]
    unit_rows = []
    for period, side in (("before", before), ("after", after)):
        n_weeks = len(side.weekly)
        if len(side.units) == 0 or n_weeks == 0:
            continue
        grid = side.units.pivot_table(
            index="week_start", columns="unit", values="steps_completed", aggfunc="sum"
        ).reindex(side.weekly["week_start"], fill_value=0)
        grid = grid.fillna(0)
        for unit in grid.columns:
            values = grid[unit].to_numpy(dtype=np.float64)
            unit_rows.append(
                {
                    "period": period,
                    "unit": str(unit),
                    "weeks": n_weeks,
                    "steps_per_week_median": float(np.median(values)),
                    "steps_per_week_mean": float(values.mean()),
                    "steps_total": int(values.sum()),
                }
            )
    units = pd.DataFrame(
        unit_rows,
        columns=[
            "period",
            "unit",
            "weeks",
            "steps_per_week_median",
            "steps_per_week_mean",
            "steps_total",
        ],
    )
    b = before.weekly["cases_started"].to_numpy(dtype=np.float64)
    a = after.weekly["cases_started"].to_numpy(dtype=np.float64)
    b_rate = float(b.mean()) if b.size else math.nan
    a_rate = float(a.mean()) if a.size else math.nan
    change = a_rate / b_rate - 1.0 if b_rate > 0 else math.nan
    p = st.mann_whitney_p(b, a) if b.size >= 2 and a.size >= 2 else math.nan
    changed = bool(p < alpha) if not math.isnan(p) else False
    if math.isnan(p):
        summary = (
            f"demand: {b_rate:.1f} → {a_rate:.1f} cases started per week; too few weeks "
            "on one side to test whether demand changed"
        )
    else:
        word = "changed significantly" if changed else "did not change significantly"
        summary = (
            f"demand {word}: {b_rate:.1f} → {a_rate:.1f} cases started per week "
            f"({_signed_pct(change)}, Mann–Whitney p {_p_text(p)} over {b.size} and "
            f"{a.size} weeks)"
        )
    if not (before.full and after.full):
        summary += "; a side spans less than one full week, so partial weeks were counted"
    return DemandComparison(
        weekly=weekly,
        units=units,
        unit_column=unit_role,
        before_weeks=int(b.size),
        after_weeks=int(a.size),
        before_arrivals_per_week=b_rate,
        after_arrivals_per_week=a_rate,
        arrivals_change=change,
        arrivals_p_value=p,
        changed=changed,
        before_wip_mean=float(before.weekly["wip"].mean()) if len(before.weekly) else math.nan,
        after_wip_mean=float(after.weekly["wip"].mean()) if len(after.weekly) else math.nan,
        summary=summary,
    )


def _signed_pct(change: float) -> str:
    if math.isnan(change):
        return "–"
    return f"{change * 100:+.0f}%"


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


# --------------------------------------------------------------------------- comparing
def _seed(options: CompareOptions, key: tuple[str, ...]) -> np.random.Generator:
    """A generator for one row: the same row gets the same resamples whatever else is there."""
    return np.random.default_rng([options.seed, zlib.crc32("\x1f".join(key).encode("utf-8"))])


def _compare_rows(
    keys: list[Any],
    before_rows: dict[Any, dict[str, float]],
    after_rows: dict[Any, dict[str, float]],
    before_waits: dict[Any, np.ndarray],
    after_waits: dict[Any, np.ndarray],
    cases: tuple[int, int],
    options: CompareOptions,
    kind: str,
) -> list[dict[str, Any]]:
    level = 1.0 - options.alpha
    out = []
    empty: dict[str, float] = {}
    for key in keys:
        b = before_rows.get(key, empty)
        a = after_rows.get(key, empty)
        bw = before_waits.get(key, np.empty(0))
        aw = after_waits.get(key, np.empty(0))
        row: dict[str, Any] = {}
        for side, values, waits in (("before", b, bw), ("after", a, aw)):
            row[f"{side}_count"] = int(values.get("wait_count", 0))
            row[f"{side}_cases"] = int(values.get("cases", 0))
            row[f"{side}_wait_median_s"] = values.get("wait_median_s", math.nan)
            row[f"{side}_wait_mean_s"] = values.get("wait_mean_s", math.nan)
            row[f"{side}_wait_p90_s"] = values.get("wait_p90_s", math.nan)
            row[f"{side}_wait_total_s"] = values.get("wait_total_s", 0.0) or 0.0
            row[f"{side}_n_waits"] = int(waits.size)
            for name in ("count", "median", "mean", "p90"):
                stat = f"processing_{name}" + ("" if name == "count" else "_s")
                if stat in values or name == "count":
                    default = 0.0 if name == "count" else math.nan
                    row[f"{side}_{stat}"] = values.get(stat, default)
        row["added_wait_per_case_s"] = _per_case(row["after_wait_total_s"], cases[1]) - _per_case(
            row["before_wait_total_s"], cases[0]
        )
        row["median_delta_s"] = row["after_wait_median_s"] - row["before_wait_median_s"]
        row["median_delta_ci95_low_s"] = math.nan
        row["median_delta_ci95_high_s"] = math.nan
        row["p_value"] = math.nan
        row["cliffs_delta"] = math.nan
        in_before = row["before_count"] > 0 or key in before_rows
        in_after = row["after_count"] > 0 or key in after_rows
        if in_after and not in_before:
            row["status"] = "new"
        elif in_before and not in_after:
            row["status"] = "removed"
        elif min(bw.size, aw.size) < options.min_count:
            row["status"] = "insufficient"
        else:
            ts = st.compare_samples(
                bw,
                aw,
                level=level,
                n_boot=options.n_boot,
                seed=_seed(options, (kind, *((key,) if isinstance(key, str) else key))),
            )
            row["median_delta_s"] = ts.median_delta
            row["median_delta_ci95_low_s"] = ts.ci_low
            row["median_delta_ci95_high_s"] = ts.ci_high
            row["p_value"] = ts.p_value
            row["cliffs_delta"] = ts.cliffs_delta
            row["status"] = "tested"
        out.append(row)
    return out


def _per_case(total: float, cases: int) -> float:
    return total / cases if cases > 0 else 0.0


def _decide(rows: list[dict[str, Any]], alpha: float) -> None:
    """Benjamini–Hochberg over every tested row of the comparison, then each verdict."""
    tested = [r for r in rows if r["status"] == "tested"]
    q = st.benjamini_hochberg([r["p_value"] for r in tested])
    for r in rows:
        r["q_value"] = math.nan
    for r, value in zip(tested, q.tolist(), strict=True):
        r["q_value"] = value
        lo, hi = r["median_delta_ci95_low_s"], r["median_delta_ci95_high_s"]
        if value < alpha and lo > 0:
            r["status"] = "slower"
        elif value < alpha and hi < 0:
            r["status"] = "faster"
        else:
            r["status"] = "unchanged"


def _frame(
    rows: list[dict[str, Any]], names: tuple[str, ...], keys: tuple[str, ...]
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(names))
    for k in keys:
        frame[k] = frame[k].astype("string")
    for c in names:
        if c.endswith("_count") or c.endswith("_cases"):
            frame[c] = frame[c].fillna(0).astype("int64")
    return frame.sort_values(list(keys), kind="stable").reset_index(drop=True)


def _compare_sides(
    before: _Side, after: _Side, options: CompareOptions, split: SplitInfo, log: EventLog
) -> tuple[pd.DataFrame, pd.DataFrame, CaseComparison]:
    cases = (before.summary.cases, after.summary.cases)
    t_keys = sorted(set(before.transitions) | set(after.transitions))
    a_keys = sorted(set(before.activities) | set(after.activities))
    t_rows = _compare_rows(
        t_keys,
        before.transitions,
        after.transitions,
        before.trans_waits,
        after.trans_waits,
        cases,
        options,
        "transition",
    )
    for key, row in zip(t_keys, t_rows, strict=True):
        row["source"], row["target"] = key
    a_rows = _compare_rows(
        a_keys,
        before.activities,
        after.activities,
        before.act_waits,
        after.act_waits,
        cases,
        options,
        "activity",
    )
    for name, row in zip(a_keys, a_rows, strict=True):
        row["activity"] = name
    case_row = _case_row(before.durations, after.durations, options)
    _decide([*t_rows, *a_rows, case_row], options.alpha)
    trans = _frame(t_rows, TRANSITION_COMPARE_COLUMNS, ("source", "target"))
    acts = _frame(a_rows, ACTIVITY_COMPARE_COLUMNS, ("activity",))
    return trans, acts, _case_result(case_row, before.durations, after.durations, options)


def _case_row(b: np.ndarray, a: np.ndarray, options: CompareOptions) -> dict[str, Any]:
    row: dict[str, Any] = {
        "median_delta_s": math.nan,
        "median_delta_ci95_low_s": math.nan,
        "median_delta_ci95_high_s": math.nan,
        "p_value": math.nan,
        "cliffs_delta": math.nan,
        "status": "insufficient",
    }
    if min(b.size, a.size) >= options.min_count:
        ts = st.compare_samples(
            b,
            a,
            level=1.0 - options.alpha,
            n_boot=options.n_boot,
            seed=_seed(options, ("case",)),
        )
        row.update(
            median_delta_s=ts.median_delta,
            median_delta_ci95_low_s=ts.ci_low,
            median_delta_ci95_high_s=ts.ci_high,
            p_value=ts.p_value,
            cliffs_delta=ts.cliffs_delta,
            status="tested",
        )
    elif b.size and a.size:
        row["median_delta_s"] = float(np.median(a) - np.median(b))
    return row


def _case_result(
    row: dict[str, Any], b: np.ndarray, a: np.ndarray, options: CompareOptions
) -> CaseComparison:
    def q(x: np.ndarray, f: float) -> float:
        return float(np.quantile(x, f)) if x.size else math.nan

    def over(x: np.ndarray) -> float | None:
        if options.deadline_s is None:
            return None
        return float((x > options.deadline_s).mean()) if x.size else math.nan

    return CaseComparison(
        before_count=int(b.size),
        after_count=int(a.size),
        before_median_s=q(b, 0.5),
        after_median_s=q(a, 0.5),
        before_mean_s=float(b.mean()) if b.size else math.nan,
        after_mean_s=float(a.mean()) if a.size else math.nan,
        before_p90_s=q(b, 0.9),
        after_p90_s=q(a, 0.9),
        median_delta_s=row["median_delta_s"],
        median_delta_ci95_s=(row["median_delta_ci95_low_s"], row["median_delta_ci95_high_s"]),
        p_value=row["p_value"],
        q_value=row["q_value"],
        cliffs_delta=row["cliffs_delta"],
        status=row["status"],
        deadline_s=options.deadline_s,
        before_over_deadline_share=over(b),
        after_over_deadline_share=over(a),
    )


# --------------------------------------------------------------------------- findings
def _quote(name: str) -> str:
    return f"‘{name}’"


def _where(row: Mapping[Any, Any], kind: str) -> str:
    if kind == "activity":
        return f"before {_quote(str(row['activity']))}"
    return f"between {_quote(str(row['source']))} and {_quote(str(row['target']))}"


def finding(row: Mapping[Any, Any], kind: str) -> str:
    """One plain-language sentence about a changed transition or activity."""
    from ..render.text import human_duration as hd

    where = _where(row, kind)
    added = float(row["added_wait_per_case_s"])
    effect = (
        f"it adds {hd(added)} to the average dossier"
        if added >= 0
        else f"it saves the average dossier {hd(-added)}"
    )
    before, after = float(row["before_wait_median_s"]), float(row["after_wait_median_s"])
    status = row["status"]
    thing = "a step" if kind == "activity" else "a hand-off"
    if status == "new":
        return (
            f"Dossiers now wait a median {hd(after)} {where}, {thing} that did not exist before; "
            f"{effect}."
        )
    if status == "removed":
        return (
            f"Dossiers no longer wait {where} (a median {hd(before)} before, {thing} that is "
            f"gone); {effect}."
        )
    change = f"{(after / before - 1.0) * 100:+.0f}%" if before > 0 else "from 0 s"
    lo, hi = float(row["median_delta_ci95_low_s"]), float(row["median_delta_ci95_high_s"])
    return (
        f"Dossiers now wait a median {hd(after)} {where} instead of {hd(before)} ({change}; "
        f"the change in median is {_signed(lo)} to {_signed(hi)} with 95% confidence); "
        f"{effect}."
    )


def _with_cause(
    text: str, row: Mapping[Any, Any], kind: str, dominant: dict[tuple[str, Any], tuple[str, float]]
) -> str:
    keys = ("activity",) if kind == "activity" else ("source", "target")
    found = dominant.get((kind, tuple(str(row[k]) for k in keys)))
    return text if found is None else f"{text} {cause_sentence(*found)}"


def _signed(seconds: float) -> str:
    from ..render.text import human_duration

    return ("+" if seconds >= 0 else "−") + human_duration(abs(seconds))


def _findings(
    trans: pd.DataFrame,
    acts: pd.DataFrame,
    introduced: bool,
    causes: CauseComparison | None = None,
) -> pd.DataFrame:
    statuses = ("new", "slower") if introduced else ("removed", "faster")
    dominant: dict[tuple[str, Any], tuple[str, float]] = {}
    if causes is not None:
        for kind, frame, keys in (
            ("activity", causes.activities, ("activity",)),
            ("transition", causes.transitions, ("source", "target")),
        ):
            for rec in frame.to_dict(orient="records"):
                if not pd.isna(rec["dominant_after"]):
                    key = tuple(str(rec[k]) for k in keys)
                    dominant[(kind, key)] = (
                        str(rec["dominant_after"]),
                        float(rec["dominant_share_after"]),
                    )
    rows = []
    for kind, frame in (("activity", acts), ("transition", trans)):
        for row in frame.to_dict(orient="records"):
            added = float(row["added_wait_per_case_s"])
            if row["status"] not in statuses or (added <= 0 if introduced else added >= 0):
                continue
            rows.append(
                {
                    "kind": kind,
                    "source": row.get("source"),
                    "target": row.get("target"),
                    "activity": row.get("activity"),
                    "status": row["status"],
                    "before_wait_median_s": row["before_wait_median_s"],
                    "after_wait_median_s": row["after_wait_median_s"],
                    "added_wait_per_case_s": added,
                    "finding": _with_cause(finding(row, kind), row, kind, dominant),
                }
            )
    sign = -1.0 if introduced else 1.0
    # the biggest change first; at a tie the activity (which sums its incoming hand-offs) first
    rows.sort(key=lambda r: (sign * r["added_wait_per_case_s"], r["kind"]))
    for rank, r in enumerate(rows, start=1):
        r["rank"] = rank
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    for k in ("kind", "source", "target", "activity", "status", "finding"):
        frame[k] = frame[k].astype("string")
    frame["rank"] = frame["rank"].astype("int64")
    return frame


# --------------------------------------------------------------------------- entry points
def _finish(
    before: _Side,
    after: _Side,
    split: SplitInfo,
    options: CompareOptions,
    log: EventLog,
    demand: DemandComparison,
    warnings: list[str],
    *,
    shares: tuple[float, float] | None = None,
    causes: CauseComparison | None = None,
) -> Comparison:
    for name, side in (("before", before), ("after", after)):
        if side.summary.cases == 0:
            where = f"the split at {split.date}" if split.mode == "date" else "reading the log"
            raise EmptySideError(
                f"no case is left on the {name} side after {where}",
                fix="choose a split date with cases on both sides, or --straddling before/after"
                if split.mode == "date"
                else "check the log",
                source=side.summary.source,
            )
    common = set(before.activities) & set(after.activities)
    if not common:
        raise NoCommonActivityError(
            "the two logs have no activity name in common, so nothing can be compared",
            fix="check the --activity column of each side (--before-columns / "
            "--after-columns) and that both logs describe the same process",
            source=f"{before.summary.source} / {after.summary.source}",
        )
    share = len(common) / len(set(before.activities) | set(after.activities))
    if share < 0.25:
        warnings.append(
            f"only {len(common)} of {len(set(before.activities) | set(after.activities))} "
            "activities occur on both sides: check that both logs name the steps the same way"
        )
    if before.summary.has_start_times != after.summary.has_start_times:
        warnings.append(
            "one side has start times and the other does not, so waiting times are measured "
            "differently (start − previous end vs end − previous end) and are not comparable"
        )
    trans, acts, cases = _compare_sides(before, after, options, split, log)
    if options.deadline is not None:
        nominal = {"d": 86_400.0, "h": 3_600.0}.get(options.deadline.unit)
        cases = replace(
            cases,
            deadline=str(options.deadline),
            deadline_s=nominal * options.deadline.amount if nominal else None,
            before_over_deadline_share=shares[0] if shares else None,
            after_over_deadline_share=shares[1] if shares else None,
        )
    elif options.deadline_s is not None:
        cases = replace(cases, deadline=_plain_seconds(options.deadline_s))
    return Comparison(
        before=before.summary,
        after=after.summary,
        split=split,
        transitions=trans,
        activities=acts,
        introduced=_findings(trans, acts, introduced=True, causes=causes),
        improvements=_findings(trans, acts, introduced=False),
        cases=cases,
        demand=demand,
        options=options,
        wait_definition=("start_to_previous_end" if log.has_start_times else "end_to_previous_end"),
        display_tz=log.display_tz,
        warnings=tuple(warnings),
        time_basis=time_basis(options.calendar),
        causes=causes,
    )


def _plain_seconds(seconds: float) -> str:
    from ..render.text import human_duration

    return human_duration(seconds)


def to_utc(at: pd.Timestamp | dt.datetime | str, tz: str) -> pd.Timestamp:
    """A split date as a UTC timestamp; a date without a zone is read in the log's zone `tz`."""
    try:
        stamp = pd.Timestamp(at)
    except (ValueError, TypeError) as exc:
        raise SplitDateError(
            f"cannot read the split date {at!r}", fix="write it as YYYY-MM-DD or an ISO time"
        ) from exc
    if pd.isna(stamp):
        raise SplitDateError(f"cannot read the split date {at!r}", fix="write it as YYYY-MM-DD")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(pandas_zone(tz))
    return stamp.tz_convert("UTC")


def compare_split(
    log: EventLog,
    at: pd.Timestamp | dt.datetime | str,
    options: CompareOptions = CompareOptions(),
    *,
    description: str | None = None,
) -> Comparison:
    """Compare the cases of `log` that start before `at` with those that start from `at` on.

    A case belongs to the period of its first event; a case that starts before `at` and ends
    after it straddles the date and is left out, counted before, or counted after as
    `options.straddling` says.
    """
    split_at = to_utc(at, log.display_tz)
    split_us = int(split_at.value // 1000)
    real = log
    log = apply_calendar(real, options.calendar) if options.calendar is not None else real
    engine = Engine()
    try:
        prepare_steps(engine, log, detail=True)
        _case_table(engine, log)
        span = engine.frame("SELECT min(first_us) AS lo, max(first_us) AS hi FROM case_span")
        lo, hi = int(span["lo"].iloc[0]), int(span["hi"].iloc[0])
        if not lo < split_us <= hi:
            raise SplitDateError(
                f"the split date {local_time(split_at, log.display_tz)} is outside the cases "
                f"of the log, which start from {local_time(_stamp(lo), log.display_tz)} to "
                f"{local_time(_stamp(hi), log.display_tz)}",
                fix="choose a date between those, so both periods have cases",
                source=log.source,
            )
        straddle = f"first_us < {split_us} AND last_us > {split_us}"
        straddled = {"exclude": "NULL", "before": "0", "after": "1"}[options.straddling]
        engine.materialize(
            "periods",
            f"SELECT case_id, first_us, last_us, dur_us, CASE WHEN {straddle} THEN {straddled} "
            f"WHEN first_us < {split_us} THEN 0 ELSE 1 END AS period FROM case_span",
        )
        n_straddling = int(
            engine.frame(f"SELECT count(*) AS n FROM case_span WHERE {straddle}")["n"].iloc[0]
        )
        _with_periods(engine)
        case_period = _case_periods(engine, len(log.events["case"].cat.categories))
        events = _events_per_period(log, case_period)
        before = _measure(engine, log, 0, events[0])
        after = _measure(engine, log, 1, events[1])
        demand = _demand(
            _weekly(engine, log, (lo, split_us)),
            _weekly(engine, log, (split_us, hi)),
            _unit_column(log)[1],
            options.alpha,
        )
    finally:
        engine.close()
    split = SplitInfo(
        mode="date",
        date=split_at,
        straddling=options.straddling,
        straddling_cases=n_straddling,
        description=description,
    )
    labels = real.events["case"].cat.categories.astype(str)
    period_of = pd.Series(case_period[: len(labels)], index=labels)
    shares = _deadline_shares([(real, period_of)], options)
    causes = None
    if options.causes and _has_causes(real):
        causes = _cause_comparison(
            [(_breakdown(real, options), period_of)],
            (before.summary.cases, after.summary.cases),
        )
    return _finish(before, after, split, options, log, demand, [], shares=shares, causes=causes)


def _one_log(log: EventLog, period: int) -> tuple[_Side, _Weekly]:
    engine = Engine()
    try:
        prepare_steps(engine, log, detail=True)
        _case_table(engine, log)
        engine.materialize(
            "periods",
            f"SELECT case_id, first_us, last_us, dur_us, {period} AS period FROM case_span",
        )
        _with_periods(engine)
        side = _measure(engine, log, period, len(log.events))
        span = engine.frame("SELECT min(first_us) AS lo, max(first_us) AS hi FROM case_span")
        weekly = _weekly(engine, log, (int(span["lo"].iloc[0]), int(span["hi"].iloc[0])))
    finally:
        engine.close()
    return side, weekly


def compare_logs(
    before: EventLog, after: EventLog, options: CompareOptions = CompareOptions()
) -> Comparison:
    """Compare two logs of the same process (e.g. exports of the old and the new system);
    activities are matched by their normalized names."""
    for log in (before, after):
        if len(log.events) == 0:
            raise EmptySideError("the log has no events", fix="check the file", source=log.source)
    cal = options.calendar
    b_work = apply_calendar(before, cal) if cal is not None else before
    a_work = apply_calendar(after, cal) if cal is not None else after
    b_side, b_weekly = _one_log(b_work, 0)
    a_side, a_weekly = _one_log(a_work, 1)
    unit = _unit_column(before)[1] or _unit_column(after)[1]
    demand = _demand(b_weekly, a_weekly, unit, options.alpha)
    warnings: list[str] = []
    if before.display_tz != after.display_tz:
        warnings.append(
            f"the logs are shown in different zones ({before.display_tz} and "
            f"{after.display_tz}); times are compared in UTC, so durations are unaffected"
        )
    sides = [(log, _all_in(log, period)) for period, log in enumerate((before, after))]
    shares = _deadline_shares(sides, options)
    causes = None
    if options.causes and _has_causes(before) and _has_causes(after):
        causes = _cause_comparison(
            [(_breakdown(log, options), periods) for log, periods in sides],
            (b_side.summary.cases, a_side.summary.cases),
        )
    return _finish(
        b_side,
        a_side,
        SplitInfo(mode="logs"),
        options,
        a_work,
        demand,
        warnings,
        shares=shares,
        causes=causes,
    )


# --------------------------------------------------------------------------- deadlines, causes
def _all_in(log: EventLog, period: int) -> pd.Series:
    labels = log.events["case"].cat.categories.astype(str)
    return pd.Series(period, index=labels, dtype="int64")


def _deadline_shares(
    sides: list[tuple[EventLog, pd.Series]], options: CompareOptions
) -> tuple[float, float] | None:
    """The share of each period's cases not finished by their due time (`options.deadline`,
    counted on the real times of each log, in working days with the calendar)."""
    if options.deadline is None:
        return None
    from .deadlines import deadline_report

    late = {0: [0, 0], 1: [0, 0]}  # period -> [late, with a due time]
    for log, period_of in sides:
        cases = deadline_report(log, deadline=options.deadline, calendar=options.calendar).cases
        period = period_of.reindex(cases["case"].astype(str)).to_numpy()
        known = cases["on_time"].notna().to_numpy()
        is_late = ~cases["on_time"].fillna(True).to_numpy(dtype=bool)
        for p in (0, 1):
            sel = (period == p) & known
            late[p][0] += int(is_late[sel].sum())
            late[p][1] += int(sel.sum())

    def share(p: int) -> float:
        return late[p][0] / late[p][1] if late[p][1] else math.nan

    return share(0), share(1)


def _has_causes(log: EventLog) -> bool:
    """Whether waiting causes can be attributed: start times and resources."""
    return bool(log.has_start_times and log.events["resource"].notna().any())


def _breakdown(log: EventLog, options: CompareOptions) -> Any:
    from .causes import CauseOptions, attribute_causes

    return attribute_causes(log, CauseOptions(calendar=options.calendar))


def _cause_comparison(
    parts: list[tuple[Any, pd.Series]], cases: tuple[int, int]
) -> CauseComparison:
    """Per activity and transition, each cause's seconds per case of each period, from the
    breakdowns of `parts` (a breakdown and the period of each of its cases)."""
    from .causes import CAUSES, aggregate

    sides: list[pd.DataFrame] = [pd.DataFrame(), pd.DataFrame()]
    availability = []
    for breakdown, period_of in parts:
        inst = breakdown.instances
        period = period_of.reindex(inst["case"].astype(str)).to_numpy()
        availability.append(breakdown.availability)
        for p in (0, 1):
            chosen = inst[period == p]
            if len(chosen):
                sides[p] = pd.concat([sides[p], chosen], ignore_index=True)

    def table(keys: list[str]) -> pd.DataFrame:
        frames = []
        for p, side in enumerate(sides):
            suffix = ("_before", "_after")[p]
            if side.empty:
                frames.append(pd.DataFrame(columns=keys).set_index(keys))
                continue
            data = side.rename(columns={"activity": "target"}) if "target" in keys else side
            agg = aggregate(data, keys).set_index(keys)
            n = max(cases[p], 1)
            out = pd.DataFrame(index=agg.index)
            for c in CAUSES:
                out[f"{c}_per_case_s{suffix}"] = agg[f"{c}_s"] / n
            out[f"wait_per_case_s{suffix}"] = agg["wait_total_s"] / n
            frames.append(out)
        merged = frames[0].join(frames[1], how="outer").fillna(0.0).reset_index()
        for suffix in ("_before", "_after"):
            for c in CAUSES:
                merged[f"{c}_per_case_s{suffix}"] = merged.get(f"{c}_per_case_s{suffix}", 0.0)
            if f"wait_per_case_s{suffix}" not in merged:
                merged[f"wait_per_case_s{suffix}"] = 0.0
            per = np.stack(
                [merged[f"{c}_per_case_s{suffix}"].to_numpy(dtype="float64") for c in CAUSES],
                axis=1,
            ).reshape(len(merged), len(CAUSES))
            best = per.argmax(axis=1) if len(merged) else np.zeros(0, dtype=np.int64)
            top = per.max(axis=1) if len(merged) else np.zeros(0)
            total = merged[f"wait_per_case_s{suffix}"].to_numpy(dtype="float64")
            names = pd.Series(np.asarray(CAUSES, dtype=object)[best], dtype="string")
            merged[f"dominant{suffix}"] = names.where(top > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                merged[f"dominant_share{suffix}"] = np.where(total > 0, top / total, np.nan)
        for k in keys:
            merged[k] = merged[k].astype("string")
        columns = [
            *keys,
            *(f"{c}_per_case_s{sfx}" for sfx in ("_before", "_after") for c in CAUSES),
            "wait_per_case_s_before",
            "wait_per_case_s_after",
            "dominant_before",
            "dominant_share_before",
            "dominant_after",
            "dominant_share_after",
        ]
        return merged[columns].sort_values(keys, kind="stable").reset_index(drop=True)

    return CauseComparison(
        availability=", ".join(dict.fromkeys(availability)),
        activities=table(["activity"]),
        transitions=table(["source", "target"]),
    )


CAUSE_PHRASES = {
    "batching": "dossiers are held until a batch is formed (batching)",
    "resource_contention": "its officers are busy with work that was ready earlier "
    "(resource contention)",
    "prioritization": "its officers put dossiers that arrived later first (prioritization)",
    "resource_unavailability": "its officers are not at work in those hours "
    "(resource unavailability)",
    "extraneous": "of something outside the officers' work: the citizen, another agency or a "
    "rule (extraneous)",
}


def cause_sentence(cause: str, share: float) -> str:
    """The dominant waiting cause of a step as a plain-language sentence."""
    return f"It waits mostly because {CAUSE_PHRASES[cause]}: {share:.0%} of its wait."
