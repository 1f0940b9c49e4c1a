"""Legal deadlines on the terminal: the on-time rate overall and per procedure."""

from __future__ import annotations

import math
from typing import Any

from .data import deadline_summary


def _rate(value: float | None) -> str:
    return (
        "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1%}"
    )


def _days(value: float | None) -> str:
    return (
        "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f}"
    )


def deadline_lines(report: Any, procedure_column: str | None) -> str:
    """The on-time rate overall and, with a procedure column, one row per procedure."""
    unit = "working days" if report.late_unit == "working_days" else "days"
    basis = []
    if report.deadline_column:
        basis.append(f"due dates in column '{report.deadline_column}'")
    if report.deadline:
        basis.append(
            f"deadline {report.deadline}"
            + (" where a case has no due date" if report.deadline_column else "")
        )
    if report.calendar:
        basis.append(f"calendar {report.calendar}")
    s = deadline_summary(report.cases)
    lines = [
        f"On time ({'; '.join(basis)}): {_rate(s['on_time_rate'])} — {s['on_time']:,} of "
        f"{s['with_due']:,} cases with a due time; {s['late']:,} late"
        + (
            f", late by {_days(s['late_days_mean'])} {unit} on average "
            f"(median {_days(s['late_days_median'])}, max {_days(s['late_days_max'])})"
            if s["late"]
            else ""
        )
    ]
    if procedure_column:
        frame = report.procedures
        width = max([len("procedure"), *(len(str(p)) for p in frame["procedure"])])
        width = min(width, 48)
        header = (
            f"{'procedure':<{width}} {'cases':>7} {'on time':>8} {'rate':>7} {'late':>6} "
            f"{'mean late':>10} {'max late':>9}"
        )
        lines += ["", f"On time per procedure ('{procedure_column}', lateness in {unit}):"]
        lines += [header, "-" * len(header)]
        for row in frame.to_dict(orient="records"):
            name = str(row["procedure"])
            if len(name) > width:
                name = name[: width - 1] + "…"
            lines.append(
                f"{name:<{width}} {int(row['cases']):>7,} {int(row['on_time']):>8,} "
                f"{_rate(row['on_time_rate']):>7} {int(row['late']):>6,} "
                f"{_days(row['late_days_mean']):>10} {_days(row['late_days_max']):>9}"
            )
    return "\n".join(lines)
