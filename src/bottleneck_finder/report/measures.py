"""The per-log measurements a report draws beyond `analyze`: case times, weekly series, waits."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..analysis.analyze import analyze
from ..calendar import WorkCalendar
from ..engine import Engine
from ..engine.prepare import prepare_steps, working_steps
from ..model import Analysis, EventLog
from ..prepared import PreparedLog
from ..timeunits import MONDAY_SHIFT_US, US, WEEK_US, utc_offset_us

TOP_PLOTTED = 3


@dataclass(frozen=True)
class TopWaits:
    """The individual waits of one ranked transition bottleneck, in seconds."""

    rank: int
    source: str
    target: str
    waits_s: np.ndarray


@dataclass(frozen=True)
class ReportData:
    """One log's analysis and the extra measurements its report shows.

    `cases` has one row per case (`first_us`, `duration_s`), ordered by start. `weekly` has one
    row per week in which cases arrived (`week`: its Monday as a local date, `arrivals`: cases
    whose first step began that week, `median_wait_s`: their median total waiting time).
    `officers` counts activity instances per resource label (`resource`, `count`);
    `who_waits` holds the waits before the #1 bottleneck's target per resource and unit.
    """

    log: EventLog
    analysis: Analysis
    cases: pd.DataFrame
    weekly: pd.DataFrame
    top_waits: tuple[TopWaits, ...]
    officers: pd.DataFrame
    units: int
    who_waits: pd.DataFrame
    processing_total_s: float
    offset_us: int


def _labels(log: EventLog, column: str, codes: pd.Series) -> list[str | None]:
    names = log.events[column].cat.categories
    return [None if pd.isna(c) else str(names[int(c)]) for c in codes.tolist()]


def measure(log: EventLog, *, top: int = 10, calendar: WorkCalendar | None = None) -> ReportData:
    """Analyze `log` and measure what the report plots, in one engine session.

    With a `calendar` every duration is working time; weeks and dates stay real."""
    with PreparedLog(log, calendar=calendar) as prepared:
        return _measure(prepared, top)


def _measure(prepared: PreparedLog, top: int) -> ReportData:
    log, calendar = prepared.log, prepared.calendar
    analysis = analyze(prepared, top=top)
    offset = utc_offset_us(log.display_tz, analysis.log.first_event.value // 1000)
    engine = prepared.session("working")
    t_start, t_end = ("work_start_us", "work_end_us") if calendar else ("start_us", "end_us")
    cases = engine.frame(
        "SELECT min(coalesce(start_us, end_us)) AS first_us, "
        f"max({t_end}) - min(coalesce({t_start}, {t_end})) AS duration_us "
        "FROM steps GROUP BY case_id ORDER BY first_us, duration_us"
    )
    week = f"(first_us + {offset + MONDAY_SHIFT_US}) // {WEEK_US}"
    waits = engine.frame(
        f"SELECT {week} AS week_no, count(*) AS arrivals, "
        f"{engine.quantiles('wait_us', {'median': 0.5}, 'wait')} FROM ("
        "SELECT min(coalesce(start_us, end_us)) AS first_us, "
        "coalesce(sum(wait_us), 0) AS wait_us FROM steps GROUP BY case_id"
        ") AS per_case GROUP BY week_no ORDER BY week_no"
    )
    officers = engine.frame(
        "SELECT resource_id, count(*) AS count FROM steps "
        "WHERE resource_id IS NOT NULL GROUP BY resource_id"
    )
    units = engine.frame(
        "SELECT count(DISTINCT group_id) AS n FROM steps WHERE group_id IS NOT NULL"
    )
    processing = engine.frame("SELECT sum(processing_us) AS total FROM steps")
    ranked = analysis.bottlenecks[analysis.bottlenecks["kind"] == "transition"]
    ranked = ranked[ranked["wait_total_s"] > 0].sort_values("rank", kind="stable")
    activity_codes = {str(a): i for i, a in enumerate(log.events["activity"].cat.categories)}
    top_waits: list[TopWaits] = []
    who = pd.DataFrame()
    for position, row in enumerate(ranked.head(TOP_PLOTTED).to_dict(orient="records")):
        source, target = activity_codes[str(row["source"])], activity_codes[str(row["target"])]
        where = f"source = {source} AND activity = {target}"
        values = engine.frame(f"SELECT wait_us FROM steps WHERE {where} ORDER BY wait_us")
        top_waits.append(
            TopWaits(
                rank=position + 1,
                source=str(row["source"]),
                target=str(row["target"]),
                waits_s=values["wait_us"].to_numpy(dtype="float64") / US,
            )
        )
        if position == 0:
            who = engine.frame(
                "SELECT resource_id, group_id, count(*) AS count, "
                f"{engine.quantiles('wait_us', {'median': 0.5}, 'wait')}, "
                f"sum(wait_us) AS wait_total_us FROM steps WHERE {where} "
                "GROUP BY resource_id, group_id"
            )

    first = cases["first_us"].to_numpy(dtype="int64")
    case_frame = pd.DataFrame(
        {
            "first_us": first,
            "duration_s": cases["duration_us"].to_numpy(dtype="float64") / US,
        }
    )
    weekly = pd.DataFrame(
        {
            "week": pd.to_datetime(
                waits["week_no"].astype("int64") * WEEK_US - MONDAY_SHIFT_US, unit="us"
            ),
            "arrivals": waits["arrivals"].astype("int64"),
            "median_wait_s": waits["wait_median_us"].astype("float64") / US,
        }
    )
    officer_frame = pd.DataFrame(
        {
            "resource": _labels(log, "resource", officers["resource_id"]),
            "count": officers["count"].astype("int64"),
        }
    ).sort_values(["count", "resource"], ascending=[False, True], kind="stable")
    if len(who):
        who = pd.DataFrame(
            {
                "resource": _labels(log, "resource", who["resource_id"]),
                "group": _labels(log, "group", who["group_id"]),
                "count": who["count"].astype("int64"),
                "wait_median_s": who["wait_median_us"].astype("float64") / US,
                "wait_total_s": who["wait_total_us"].astype("float64") / US,
            }
        ).sort_values(
            ["wait_total_s", "count", "resource", "group"],
            ascending=[False, False, True, True],
            kind="stable",
        )
    total = processing["total"].iloc[0]
    return ReportData(
        log=log,
        analysis=analysis,
        cases=case_frame,
        weekly=weekly,
        top_waits=tuple(top_waits),
        officers=officer_frame.reset_index(drop=True),
        units=int(units["n"].iloc[0]),
        who_waits=who.reset_index(drop=True),
        processing_total_s=0.0 if pd.isna(total) else float(total) / US,
        offset_us=offset,
    )


def transition_waits(
    log: EventLog, pairs: list[tuple[str, str]], calendar: WorkCalendar | None = None
) -> dict[tuple[str, str], np.ndarray]:
    """The individual waits (seconds, sorted; working time with a `calendar`) of each
    (source, target) pair in `log`; a pair the log does not have gets an empty array."""
    codes = {str(a): i for i, a in enumerate(log.events["activity"].cat.categories)}
    out: dict[tuple[str, str], np.ndarray] = {p: np.zeros(0) for p in pairs}
    known = [(p, codes[p[0]], codes[p[1]]) for p in pairs if p[0] in codes and p[1] in codes]
    if not known:
        return out
    engine = Engine()
    try:
        working_steps(engine, log, calendar)
        for pair, source, target in known:
            values = engine.frame(
                f"SELECT wait_us FROM steps WHERE source = {source} AND activity = {target} "
                "ORDER BY wait_us"
            )
            out[pair] = values["wait_us"].to_numpy(dtype="float64") / US
    finally:
        engine.close()
    return out


def split_log(log: EventLog, at: pd.Timestamp) -> tuple[EventLog, EventLog, int]:
    """The cases of `log` that start before `at` and those that start from `at` on, leaving
    out the cases that start before and end after it (as `compare --split` does by default);
    returns both logs and the number of cases left out."""
    at_us = int(at.tz_convert("UTC").value // 1000)
    engine = Engine()
    try:
        prepare_steps(engine, log, detail=True)
        spans = engine.frame(
            "SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us "
            "FROM steps GROUP BY case_id"
        )
    finally:
        engine.close()
    first = spans["first_us"].to_numpy(dtype="int64")
    last = spans["last_us"].to_numpy(dtype="int64")
    cases = spans["case_id"].to_numpy(dtype="int64")
    straddling = (first < at_us) & (last > at_us)
    before_cases = cases[(first < at_us) & ~straddling]
    after_cases = cases[first >= at_us]
    codes = log.events["case"].cat.codes.to_numpy()

    def part(keep: np.ndarray) -> EventLog:
        events = log.events[np.isin(codes, keep)].reset_index(drop=True)
        return replace(log, events=events, case_order=None)

    return part(before_cases), part(after_cases), int(straddling.sum())
