"""Legal deadlines on the terminal: the on-time rate overall and per procedure."""

from __future__ import annotations

import math
from typing import Any

from .analysis_document import deadline_summary, deadlines_document
from .words import ENGLISH, Words


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def deadline_lines(report: Any, procedure_column: str | None, words: Words = ENGLISH) -> str:
    """The on-time rate overall and, with a procedure column, one row per procedure."""
    w = words

    def rate(value: float | None) -> str:
        return "–" if value is None or _missing(value) else w.share(value)

    def days(value: float | None) -> str:
        return "–" if value is None or _missing(value) else w.fixed(value, ".1f")

    unit = w("dl_working_days" if report.late_unit == "working_days" else "dl_days")
    basis = []
    if report.deadline_column:
        basis.append(w("dl_due_column", column=report.deadline_column))
    if report.deadline:
        key = "dl_deadline_fallback" if report.deadline_column else "dl_deadline"
        basis.append(w(key, deadline=report.deadline))
    if report.calendar:
        basis.append(w("dl_calendar", calendar=report.calendar))
    s = deadline_summary(report.cases)
    line = w(
        "dl_on_time",
        basis="; ".join(basis),
        rate=rate(s["on_time_rate"]),
        on_time=w.count(s["on_time"]),
        with_due=w.count(s["with_due"]),
        late=w.count(s["late"]),
    )
    if s["late"]:
        line += w(
            "dl_late_by",
            mean=days(s["late_days_mean"]),
            unit=unit,
            median=days(s["late_days_median"]),
            max=days(s["late_days_max"]),
        )
    lines = [line]
    if procedure_column:
        frame = report.procedures
        head = [w(f"dl_col_{c}") for c in ("procedure", "cases", "on_time", "rate", "late")]
        head += [w("dl_col_mean_late"), w("dl_col_max_late")]
        width = max([len(head[0]), *(len(str(p)) for p in frame["procedure"])])
        width = min(width, 48)
        header = (
            f"{head[0]:<{width}} {head[1]:>7} {head[2]:>8} {head[3]:>7} {head[4]:>6} "
            f"{head[5]:>10} {head[6]:>9}"
        )
        lines += ["", w("dl_per_procedure", column=procedure_column, unit=unit)]
        lines += [header, "-" * len(header)]
        for row in frame.to_dict(orient="records"):
            name = str(row["procedure"])
            if len(name) > width:
                name = name[: width - 1] + "…"
            lines.append(
                f"{name:<{width}} {w.count(int(row['cases'])):>7} "
                f"{w.count(int(row['on_time'])):>8} "
                f"{rate(row['on_time_rate']):>7} {w.count(int(row['late'])):>6} "
                f"{days(row['late_days_mean']):>10} {days(row['late_days_max']):>9}"
            )
    return "\n".join(lines)


ONTIME_SCHEMA = "bottleneck/deadlines@1"


def ontime_document(ontime: Any, procedure_column: str | None) -> dict[str, Any]:
    """deadlines.json of `report --deadline`: the `deadlines` object of analysis.json for the
    same log (`overall`, `procedures`, …), and the report's own figures: `periods` (before and
    after), `procedure_periods`, `units` and `late_waits` (an `analysis.ontime.OnTime`)."""
    from .. import __version__
    from .serialize import clean, records

    return {
        "schema": ONTIME_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        **deadlines_document(ontime.report, procedure_column),
        "periods": records(ontime.periods),
        "procedure_periods": records(ontime.procedures[["procedure", "rate_before", "rate_after"]]),
        "units": records(ontime.units),
        "late_waits": {
            "late_wait_mean_s": clean(ontime.late_wait_mean_s),
            "on_time_wait_mean_s": clean(ontime.on_time_wait_mean_s),
            "transitions": records(ontime.late_waits),
        },
    }
