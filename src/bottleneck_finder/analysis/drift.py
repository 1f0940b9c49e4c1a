"""Drift: the dates at which waiting, throughput, arrivals or the flow of a log changed."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ..calendar import WorkCalendar, time_basis
from ..engine import Engine
from ..model import EventLog, SourceLog, catalog_of
from ..prepared import PreparedLog, prepared
from ..timeunits import DAY_US, US, utc_offset_us
from .change_points import ElementSeries, attribute, flow_moves, level_changes, merge
from .drift_days import refine_to_day
from .drift_model import (
    HOLIDAY_FRACTION,
    HOLIDAY_NEIGHBOURS,
    METRIC_GROUPS,
    MIN_BIN_CASES,
    MIN_OBSERVATIONS,
    MIN_PERIODS,
    OVERALL,
    RELATION_COLUMNS,
    SERIES_COLUMNS,
    TOP_ELEMENTS,
    ChangePoint,
    CutoffNote,
    DriftError,
    DriftResult,
    Element,
    Episode,
    Granularity,
    LogTooShortError,
    Move,
    NoChangePointError,
    Relation,
    metric_group,
)
from .drift_series import Clock, case_bins, choose_granularity, flow_matrix, series_sql

__all__ = [
    "METRIC_GROUPS",
    "MIN_PERIODS",
    "OVERALL",
    "RELATION_COLUMNS",
    "SERIES_COLUMNS",
    "ChangePoint",
    "CutoffNote",
    "DriftError",
    "DriftResult",
    "Element",
    "Episode",
    "Granularity",
    "LogTooShortError",
    "Move",
    "NoChangePointError",
    "Relation",
    "choose_granularity",
    "drift",
    "holiday_periods",
    "metric_group",
    "split_date",
]


def drift(
    log: EventLog | SourceLog | PreparedLog,
    *,
    metrics: tuple[str, ...] = METRIC_GROUPS,
    granularity: Granularity | None = None,
    calendar: WorkCalendar | None = None,
    bin_cases: int | None = None,
) -> DriftResult:
    """Period series of `log` and the change points found in them (see docs/drift.md).

    With a `calendar` the waits and throughput times are working time; the periods, the
    arrivals and the dates of the change points stay on the real dates of the events.
    `bin_cases` (with granularity `cases`, which it implies): periods of that many cases each,
    in the order of their starts, for short or irregular logs."""
    unknown = [m for m in metrics if m not in METRIC_GROUPS]
    if unknown:
        raise ValueError(f"unknown drift metric {', '.join(unknown)}")
    if bin_cases is not None:
        granularity = granularity or "cases"
    if (granularity == "cases") != (bin_cases is not None):
        raise ValueError("bins of cases need granularity 'cases' and bin_cases together")
    if bin_cases is not None and bin_cases < MIN_BIN_CASES:
        raise ValueError(f"bins need at least {MIN_BIN_CASES} cases each")
    with prepared(log, calendar) as p:
        log_read = p.any_log if p.calendar is None else p.log  # real dates
        return _drift(p.session("working"), log_read, metrics, granularity, p.calendar, bin_cases)


def _drift(
    eng: Engine,
    log: EventLog | SourceLog,
    metrics: tuple[str, ...],
    granularity: Granularity | None,
    calendar: WorkCalendar | None = None,
    bin_cases: int | None = None,
) -> DriftResult:
    """The series of the whole periods between the first and the last case start, then their
    change points (merged, steps that moved attributed, weekly dates refined to the day)."""
    first_us, last_us = _span(log)
    span_us = last_us - first_us
    gran: Granularity = granularity or choose_granularity(span_us)
    if gran == "cases":  # every bin holds the same number of new cases: no arrivals series
        metrics = tuple(m for m in metrics if m != "arrivals")
    clock = Clock(gran, utc_offset_us(log.display_tz, first_us))
    eng.materialize("drift_cases", series_sql(eng, clock, working=calendar is not None)["cases"])
    if gran == "cases":
        assert bin_cases is not None
        starts = eng.frame("SELECT first_us FROM drift_cases")["first_us"].to_numpy()
        clock = Clock(gran, clock.offset_us, case_bins(starts, bin_cases))
    sql = series_sql(eng, clock, working=calendar is not None)
    bounds = eng.frame(sql["bounds"]).iloc[0]
    lo_us, hi_us = int(bounds["first_us"]), int(bounds["last_start_us"])
    open_days = eng.frame(sql["open"].format(lo=lo_us, hi=hi_us))
    arrivals = eng.frame(sql["arrivals"])
    waits = eng.frame(sql["waits"].format(lo=lo_us, hi=hi_us)) if "wait" in metrics else None
    relations = eng.frame(sql["relations"].format(lo=lo_us, hi=hi_us))
    p90_us = float(bounds["span_p90_us"])

    lo_p, hi_p = clock.period_of(lo_us), clock.period_of(hi_us)
    window = np.arange(lo_p, hi_p + 1)
    open_by = open_days.set_index("period")["open_days"].astype("int64")
    events_by = open_days.set_index("period")["events"].astype("int64")
    # the first and last periods are cut by the log's edges (a part-week, waits over a weekend
    # ending on its first day): only whole periods are used
    usable = [int(p) for p in window[1:-1] if int(open_by.get(p, 0)) > 0]
    notes: list[CutoffNote] = []
    if len(usable) < MIN_PERIODS:
        unit = {"week": "weeks", "day": "days", "cases": f"bins of {bin_cases} cases"}[gran]
        edge = {"week": "week", "day": "day", "cases": "bin"}[gran]
        raise LogTooShortError(
            f"the log has new cases in only {len(usable)} whole {unit} (the first and the last "
            f"{edge}, cut by the log's edges, are not counted); change points need at "
            f"least {MIN_PERIODS} {unit} with work",
            fix="use a longer log"
            + {
                "week": " or --granularity day",
                "day": " or --granularity cases:N (bins of N cases)",
                "cases": " or fewer cases per bin",
            }[gran],
            source=log.source,
        )

    # arrivals per working day: of the calendar when there is one, else days with events
    per_day = (
        {p: _working_days(clock, calendar, p) for p in usable}
        if calendar is not None
        else {p: int(open_by[p]) for p in usable}
    )
    # weeks with fewer than half the usual events (per working day with a calendar) are
    # holiday weeks: kept in the series, left out of the detection
    events = np.array(
        [events_by.get(p, 0) / (max(per_day[p], 1) if calendar else 1) for p in usable],
        dtype="float64",
    )
    holidays = holiday_periods(usable, events) if gran == "week" else set()
    detect = [p for p in usable if p not in holidays]
    episodes: list[Episode] = []

    names = catalog_of(log).labels["activity"]
    rows: list[tuple[pd.Timestamp, str, str, float, int]] = []
    moves: list[Move] = []
    elements: list[ElementSeries] = []
    whole = Element()  # the series over the whole log

    def add(metric: str, element: Element, frame: pd.DataFrame, column: str, count: str) -> None:
        frame = frame[frame["period"].isin(usable)].sort_values("period")
        frame = frame[frame[count] >= MIN_OBSERVATIONS] if metric != "arrivals_per_day" else frame
        values = frame[column].to_numpy(dtype="float64")
        periods = frame["period"].to_numpy(dtype="int64")
        for p, v, n in zip(periods, values, frame[count].to_numpy(dtype="int64"), strict=True):
            rows.append((clock.start(int(p)), metric, element.key, float(v), int(n)))
        keep = ~np.isin(periods, list(holidays))
        values, periods = values[keep], periods[keep]
        if element.scope == "overall":
            counts = frame[count].to_numpy(dtype="float64")[keep]
            found, excursions = level_changes(metric, element, values, periods, clock, counts)
            moves.extend(found)
            episodes.extend(excursions)
        else:
            elements.append((metric, element, values, periods))

    if "arrivals" in metrics:
        a = pd.DataFrame({"period": usable})
        a = a.merge(arrivals[["period", "cases"]], on="period", how="left").fillna({"cases": 0})
        a["open_days"] = [per_day[int(p)] for p in a["period"]]
        a = a[a["open_days"] > 0]
        a["rate"] = a["cases"] / a["open_days"]
        add("arrivals_per_day", whole, a, "rate", "cases")

    if "throughput" in metrics:
        # a case starting later than (last event − p90 throughput) may not have finished yet
        cutoff = clock.period_of(int(bounds["last_us"] - p90_us)) - 1
        t = arrivals[arrivals["period"] <= cutoff].copy()
        t["duration_median_s"] = t["duration_median_us"] / US
        t["duration_p90_s"] = t["duration_p90_us"] / US
        add("throughput_median_s", whole, t, "duration_median_s", "cases")
        add("throughput_p90_s", whole, t, "duration_p90_s", "cases")
        if len(t) and cutoff < usable[-1]:
            notes.append(CutoffNote(clock.start(cutoff + 1)))

    if waits is not None:
        waits = waits.copy()
        waits["median_s"] = waits["wait_median_us"] / US
        waits["p90_s"] = waits["wait_p90_us"] / US
        overall = waits[waits["activity"].isna()]
        add("wait_median_s", whole, overall, "median_s", "n")
        add("wait_p90_s", whole, overall, "p90_s", "n")
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
                element = (
                    Element(str(names[int(codes[1])]), str(names[int(codes[0])]))
                    if kind == "transition"
                    else Element(str(names[int(codes[0])]))
                )
                add("wait_median_s", element, part[mask], "median_s", "n")
                add("wait_p90_s", element, part[mask], "p90_s", "n")

    relation_frame = relations.copy()
    relation_frame["source"] = names.take(relation_frame["source"].to_numpy(dtype="int64"))
    relation_frame["target"] = names.take(relation_frame["activity"].to_numpy(dtype="int64"))
    relation_frame = relation_frame[relation_frame["period"].isin(usable)]
    if "flow" in metrics:
        counts, columns, flow_periods = flow_matrix(relation_frame, detect)
        found, excursions, distance = flow_moves(
            counts, columns, np.asarray(flow_periods, dtype="int64"), clock
        )
        moves.extend(found)
        episodes.extend(excursions)
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
            refine_to_day(
                eng, clock, attribute(point, elements, clock), series, (lo_us, hi_us), holidays
            )
            for point in merge(moves, clock)
        ),
        episodes=tuple(sorted(episodes, key=lambda e: (e.start, e.metric))),
        holiday_periods=tuple(clock.start(p) for p in sorted(holidays)),
        bin_cases=bin_cases,
        metrics=tuple(m for m in METRIC_GROUPS if m in metrics),
        notes=tuple(notes),
        time_basis=time_basis(calendar),
        day_s=86400.0 if calendar is None else calendar.workday_seconds,
    )


def _span(log: EventLog | SourceLog) -> tuple[int, int]:
    """The first event time (a start where the log has start times) and the last end."""
    if isinstance(log, SourceLog):
        return log.first_us, log.last_us
    first_us = int(log.events["end_us"].min())
    if log.has_start_times and log.events["start_us"].notna().any():
        first_us = min(first_us, int(log.events["start_us"].min()))
    return first_us, int(log.events["end_us"].max())


def holiday_periods(periods: list[int], events: np.ndarray) -> set[int]:
    """The periods with fewer than `HOLIDAY_FRACTION` of the usual events: the smaller of the
    medians of the `HOLIDAY_NEIGHBOURS` periods before and after (each side with at least two
    periods), so the periods on either side of a lasting step are not flagged."""
    out: set[int] = set()
    h = HOLIDAY_NEIGHBOURS
    for i, period in enumerate(periods):
        sides = [
            float(np.median(side))
            for side in (events[max(0, i - h) : i], events[i + 1 : i + 1 + h])
            if len(side) >= 2
        ]
        if sides and events[i] < HOLIDAY_FRACTION * min(sides):
            out.add(period)
    return out


def _working_days(clock: Clock, calendar: WorkCalendar, period: int) -> int:
    """The working days of `calendar` in `period` (local dates of the log's zone)."""
    first = (clock.start(period).value // 1000 + clock.offset_us) // DAY_US
    days = 7 if clock.granularity == "week" else 1
    epoch = dt.date(1970, 1, 1)
    return sum(
        calendar.is_working_day(epoch + dt.timedelta(days=int(first) + i)) for i in range(days)
    )


def split_date(log: EventLog | SourceLog | PreparedLog) -> ChangePoint:
    """The strongest change point of `log` (for `--split auto`; its `date` is the split)."""
    result = drift(log)
    if not result.change_points:
        raise NoChangePointError(
            f"no change point found over {result.periods} {result.granularity}s",
            fix="give the split date yourself (--split YYYY-MM-DD)",
            source=log.source,
        )
    return max(
        result.change_points,
        key=lambda p: (max(m.strength for m in p.moves), -p.date.value),
    )
