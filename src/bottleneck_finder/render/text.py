"""Terminal text of an analysis: the log summary, the clock used and the bottleneck tables."""

from __future__ import annotations

from typing import Any

from ..model import Analysis
from .words import ENGLISH, Words


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, ending in "…" when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def column_width(words: Words, cells: list[str], minimum: int) -> int:
    """The width of a table column: `minimum` in English (the layout the goldens pin), wide
    enough for its longest cell in Vietnamese, whose units are whole words ("3,1 ngày")."""
    if words.lang == "en":
        return minimum
    return max([minimum, *(len(c) for c in cells)])


def summary_text(analysis: Analysis, words: Words = ENGLISH) -> str:
    """A few lines describing the log: size, span, waiting definition, data quality."""
    w = words
    log = analysis.log
    tz = analysis.display_tz
    definition = (
        "t_wait_idle" if analysis.wait_definition == "start_to_previous_end" else "t_wait_end"
    )
    lines = [
        w(
            "t_log",
            source=analysis.source,
            cases=w.count(log.cases),
            events=w.count(log.events),
            activities=log.activities,
        ),
        w("t_period", first=w.moment(log.first_event, tz), last=w.moment(log.last_event, tz)),
        w(
            "t_case_duration",
            median=w.duration(analysis.cases.duration_median_s),
            mean=w.duration(analysis.cases.duration_mean_s),
            p90=w.duration(analysis.cases.duration_p90_s),
        ),
        w(definition) if not analysis.mixed_wait_definitions else _mixed(analysis, w),
        w("t_total_wait", total=w.duration(analysis.total_wait_s)),
    ]
    return "\n".join(lines)


def _mixed(analysis: Analysis, w: Words) -> str:
    """The waiting-time line of a log mixing activities with and without start times."""
    definitions = analysis.activities["wait_definition"]
    started = int((definitions == "start_to_previous_end").sum())
    return w("t_wait_mixed", started=started, complete_only=len(definitions) - started)


def bottleneck_table(
    analysis: Analysis, *, kind: str = "transition", width: int = 100, words: Words = ENGLISH
) -> str:
    """The ranked bottlenecks of one kind as an aligned text table."""
    w = words
    rows = analysis.bottlenecks[analysis.bottlenecks["kind"] == kind]
    if rows.empty:
        return w("t_no_wait")
    name_width = max(20, width - 52)
    records = rows.to_dict(orient="records")
    d = column_width(
        w,
        [
            w.duration(r[c])
            for r in records
            for c in ("wait_total_s", "wait_median_s", "wait_p90_s")
        ],
        8,
    )
    header = (
        f"{'#':>3}  {w('t_col_where'):<{name_width}} {w('t_col_total'):>{d}} "
        f"{w('t_col_share'):>6} {w('t_col_median'):>{d}} {w('t_col_p90'):>{d}} "
        f"{w('t_col_count'):>8}"
    )
    lines = [header, "-" * len(header)]
    for row in records:
        if kind == "transition":
            half = (name_width - 3) // 2
            source, target = str(row["source"]), str(row["target"])
            if len(source) + len(target) + 3 > name_width:  # clip each side, keep both visible
                source = clip(source, max(half, name_width - 3 - len(target)))
                target = clip(target, name_width - 3 - len(source))
            name = f"{source} → {target}"
        else:
            name = w("t_before", activity=row["activity"])
        lines.append(
            f"{row['rank']:>3}  {clip(name, name_width):<{name_width}} "
            f"{w.duration(row['wait_total_s']):>{d}} {w.share(row['share_of_total_wait']):>6} "
            f"{w.duration(row['wait_median_s']):>{d}} {w.duration(row['wait_p90_s']):>{d}} "
            f"{w.count(int(row['count'])):>8}"
        )
    return "\n".join(lines)


def clock_text(w: Words, cal: Any) -> str:
    """Which clock durations are counted on, for the first page: the working days of the
    calendar ("ngày làm việc theo lịch nhà nước Việt Nam"), or calendar time 24/7."""
    if cal is None:
        return w("clock_wall")
    hours = w.number(cal.workday_seconds / 3600, 0 if cal.workday_seconds % 3600 == 0 else 1)
    if cal.name == "vn":
        return w("clock_working_vn", hours=hours)
    return w("clock_working", calendar=cal.name, hours=hours)
