"""Terminal text: human durations and the summary and bottleneck tables of an analysis."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..model import Analysis
from ..timeunits import local_time

# The "day" of durations: 24 h of wall-clock time ("d"), or, when durations are working time,
# one working day of the calendar ("wd", e.g. 8 working hours).
_DAY: ContextVar[tuple[float, str]] = ContextVar("day_unit", default=(86400.0, "d"))


@contextmanager
def day_unit(seconds: float, label: str) -> Iterator[None]:
    """Within the block, `human_duration` counts days of `seconds` named `label` (e.g. one
    8-hour working day as "wd") instead of 24-hour days."""
    token = _DAY.set((seconds, label))
    try:
        yield
    finally:
        _DAY.reset(token)


def human_duration(seconds: float) -> str:
    """A duration as people say it: "0 s", "45 s", "45 min", "1.5 h", "3.2 d" (or "3.2 wd",
    working days, inside `day_unit`)."""
    if math.isnan(seconds):
        return "–"
    if seconds < 0:
        return "-" + human_duration(-seconds)
    day, label = _DAY.get()
    for unit, size, limit in (("s", 1.0, 60.0), ("min", 60.0, 60.0), ("h", 3600.0, day / 3600)):
        text, value = _round(seconds / size)
        if value < limit:
            return f"{text} {unit}"
    return f"{_round(seconds / day)[0]} {label}"


def _round(value: float) -> tuple[str, float]:
    """One decimal below 10 (without a trailing ".0"), whole numbers from 10 on."""
    if round(value, 1) < 10:
        rounded = round(value, 1)
        text = f"{rounded:.1f}"
        text = text[:-2] if text.endswith(".0") else text
        return text, rounded
    whole = round(value)
    return f"{whole:,}", float(whole)


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, ending in "…" when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_text(analysis: Analysis) -> str:
    """A few lines describing the log: size, span, waiting definition, data quality."""
    log = analysis.log
    lines = [
        f"{analysis.source}: {log.cases:,} cases, {log.events:,} events, "
        f"{log.activities} activities",
        f"period: {local_time(log.first_event, analysis.display_tz)} → "
        f"{local_time(log.last_event, analysis.display_tz)}",
        f"case duration: median {human_duration(analysis.cases.duration_median_s)}, "
        f"mean {human_duration(analysis.cases.duration_mean_s)}, "
        f"p90 {human_duration(analysis.cases.duration_p90_s)}",
        "waiting time = "
        + (
            "start of a step − end of the step before (idle time)"
            if analysis.wait_definition == "start_to_previous_end"
            else "end of a step − end of the step before (includes the step's own work; "
            "the log has no start times)"
        ),
        f"total waiting time: {human_duration(analysis.total_wait_s)} over all cases",
    ]
    return "\n".join(lines)


def bottleneck_table(analysis: Analysis, *, kind: str = "transition", width: int = 100) -> str:
    """The ranked bottlenecks of one kind as an aligned text table."""
    rows = analysis.bottlenecks[analysis.bottlenecks["kind"] == kind]
    if rows.empty:
        return "(no waiting time between steps: every case has a single step)"
    name_width = max(20, width - 52)
    header = (
        f"{'#':>3}  {'where work waits':<{name_width}} {'total':>8} {'share':>6} "
        f"{'median':>8} {'p90':>8} {'count':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows.to_dict(orient="records"):
        if kind == "transition":
            half = (name_width - 3) // 2
            source, target = str(row["source"]), str(row["target"])
            if len(source) + len(target) + 3 > name_width:  # clip each side, keep both visible
                source = clip(source, max(half, name_width - 3 - len(target)))
                target = clip(target, name_width - 3 - len(source))
            name = f"{source} → {target}"
        else:
            name = f"before {row['activity']}"
        lines.append(
            f"{row['rank']:>3}  {clip(name, name_width):<{name_width}} "
            f"{human_duration(row['wait_total_s']):>8} {row['share_of_total_wait']:>6.1%} "
            f"{human_duration(row['wait_median_s']):>8} {human_duration(row['wait_p90_s']):>8} "
            f"{int(row['count']):>8,}"
        )
    return "\n".join(lines)
