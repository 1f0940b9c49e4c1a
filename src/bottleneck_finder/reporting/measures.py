"""One log's results a report shows, gathered from the analyses: bottlenecks, case times,
weekly series, workload and the waits of the top bottlenecks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.analyze import analyze
from ..analysis.timeline import case_times, weekly_arrivals
from ..analysis.transition_waits import transition_waits, who_waits
from ..analysis.workload import workload
from ..calendar import WorkCalendar
from ..model import Analysis, EventLog
from ..prepared import PreparedLog, prepared
from ..timeunits import utc_offset_us

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
    `who_waits` holds the waits before the #1 bottleneck's target per resource and unit;
    `unit_members` the distinct officers of each unit (`group`, `members`).
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
    unit_members: pd.DataFrame


def measure(
    log: EventLog | PreparedLog, *, top: int = 10, calendar: WorkCalendar | None = None
) -> ReportData:
    """Analyze `log` and measure what the report plots, on one prepared log (a `PreparedLog`
    given is used as it is and left open; an `EventLog` is prepared on `calendar`).

    On a working calendar every duration is working time; weeks and dates stay real."""
    with prepared(log, calendar) as p:
        return _measure(p, top)


def _measure(p: PreparedLog, top: int) -> ReportData:
    analysis = analyze(p, top=top)
    offset = utc_offset_us(p.log.display_tz, analysis.log.first_event.value // 1000)
    ranked = analysis.bottlenecks[analysis.bottlenecks["kind"] == "transition"]
    ranked = ranked[ranked["wait_total_s"] > 0].sort_values("rank", kind="stable")
    pairs = [(str(r["source"]), str(r["target"])) for _, r in ranked.head(TOP_PLOTTED).iterrows()]
    waits = transition_waits(p, pairs)
    top_waits = tuple(
        TopWaits(rank=i + 1, source=source, target=target, waits_s=waits[(source, target)])
        for i, (source, target) in enumerate(pairs)
    )
    work = workload(p)
    return ReportData(
        log=p.log,
        analysis=analysis,
        cases=case_times(p),
        weekly=weekly_arrivals(p, offset_us=offset),
        top_waits=top_waits,
        officers=work.officers,
        units=work.units,
        who_waits=who_waits(p, *pairs[0]) if pairs else pd.DataFrame(),
        processing_total_s=work.processing_total_s,
        offset_us=offset,
        unit_members=work.unit_members,
    )
