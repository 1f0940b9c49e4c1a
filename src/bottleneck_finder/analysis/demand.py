"""Demand and capacity of two periods: weekly arrivals, open cases and steps completed per unit."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import Engine
from ..model import EventLog, SourceLog, catalog_of
from ..timeunits import MONDAY_US, WEEK_US, utc_offset_us
from . import statistics as st
from .compare_measure import on_wall_clock
from .compare_types import DemandComparison


@dataclass(frozen=True)
class Weekly:
    """One period's weekly counts, before they are compared with the other period's."""

    weekly: pd.DataFrame  # week_start, cases_started, wip, steps_completed (full weeks)
    units: pd.DataFrame  # week_start, unit, steps_completed
    full: bool


def unit_column(log: EventLog | SourceLog) -> tuple[str | None, str | None]:
    """The column that names the working unit: group if the log has one, else resource."""
    catalog = catalog_of(log)
    if catalog.has_group:
        return "group_id", "group"
    if catalog.has_resource:
        return "resource_id", "resource"
    return None, None


def weekly_counts(
    engine: Engine,
    log: EventLog | SourceLog,
    span: tuple[int, int],
    spans: Mapping[str, np.ndarray],
) -> Weekly:
    """Arrivals, open cases at each week's start and steps completed per week and unit, over
    the weeks (Monday 00:00 in the log's zone) that lie wholly inside the days of `span` (all
    weeks touching it if none does). `span` runs from a period's first to its last case start;
    `spans` holds every case's `first_us` and `last_us` (the table `case_span`, read once).
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
    steps = "steps_real" if on_wall_clock(log) else "steps"
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
    column, role = unit_column(log)
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
        labels = catalog_of(log).labels[role].astype(str)
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
    return Weekly(weekly, units, full)


def compare_demand(
    before: Weekly, after: Weekly, unit_role: str | None, alpha: float
) -> DemandComparison:
    """Weekly demand and capacity of the two periods side by side, and whether the arrivals
    changed (Mann–Whitney on the weekly counts, at level `alpha`)."""
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
        partial_weeks=not (before.full and after.full),
    )
