"""Drift results -> the `bottleneck/drift@1` JSON document and the terminal lines."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import __version__
from ..analysis.drift_model import (
    ChangePoint,
    CutoffNote,
    DriftResult,
    Move,
    element_key,
    metric_group,
)
from ..timeunits import local_time, pandas_zone, zone
from .data import clean
from .text import human_duration

DRIFT_SCHEMA = "bottleneck/drift@1"

METRIC_WORDS = {
    "wait_median_s": "median wait",
    "wait_p90_s": "p90 wait",
    "throughput_median_s": "median throughput time",
    "throughput_p90_s": "p90 throughput time",
    "arrivals_per_day": "new cases per working day",
    "flow": "share of the steps",
}


def level_text(metric: str, value: float) -> str:
    """A level in the words and unit of its metric."""
    if metric.endswith("_s"):
        return human_duration(value)
    if metric == "flow":
        return f"{value:.0%}"
    return f"{value:.1f}"


def move_element(move: Move) -> str:
    """The drift@1 `element` of a move: `all`, `before b`, `a → b`, or for the flow the keys of
    the relations that moved, joined by "; "."""
    if move.scope == "flow":
        return "; ".join(r.key for r in move.relations)
    return element_key(move.activity, move.source)


def describe_move(move: Move) -> str:
    """One move in plain words, e.g. "median wait before Ký duyệt rose from 2 h to 3.1 d"."""
    what = METRIC_WORDS.get(move.metric, move.metric)
    direction = "rose" if move.after_level > move.before_level else "fell"
    if move.scope == "flow":
        first = move.relations[0].key
        return (
            f"the process flow changed: {what} that are {first} {direction} from "
            f"{level_text('flow', move.before_level)} to {level_text('flow', move.after_level)}"
        )
    if move.scope == "activity":
        where = f" before {move.activity}"
    elif move.scope == "transition":
        where = f" on {move.source} → {move.activity}"
    else:
        where = ""
    return (
        f"{what}{where} {direction} from {level_text(move.metric, move.before_level)} "
        f"to {level_text(move.metric, move.after_level)}"
    )


def describe(point: ChangePoint, tz: str = "UTC") -> str:
    """A change point in one line of plain words (also the `--split auto` description)."""
    day = point.date.tz_convert(pandas_zone(tz)).strftime("%Y-%m-%d")
    others = [g for g in dict.fromkeys(metric_group(m) for m in point.metrics)]
    main_group = metric_group(point.main.metric)
    also = [g for g in others if g != main_group]
    tail = f"; also moved: {', '.join(also)}" if also else ""
    return f"from {day}: {describe_move(point.main)} (strength {point.strength:.1f}){tail}"


def note_text(note: CutoffNote, tz: str) -> str:
    """A note about what the series leave out, in one sentence."""
    return (
        "throughput series stops at the cases that started before "
        f"{note.date.tz_convert(zone(tz)):%Y-%m-%d}: later cases may still be open"
    )


def _move(move: Move, tz: str) -> dict[str, Any]:
    return {
        "date": local_time(move.date, tz),
        "metric": move.metric,
        "element": move_element(move),
        "before_level": clean(move.before_level),
        "after_level": clean(move.after_level),
        "strength": clean(move.strength),
        "p_value": clean(move.p_value),
    }


def _point(point: ChangePoint, tz: str) -> dict[str, Any]:
    return {
        "date": local_time(point.date, tz),
        "metrics": list(point.metrics),
        "elements": list(point.elements),
        "before_level": clean(point.before_level),
        "after_level": clean(point.after_level),
        "strength": clean(point.strength),
        "metric": point.main.metric,
        "description": describe(point, tz),
        "moves": [_move(m, tz) for m in point.moves],
    }


def _frame(frame: pd.DataFrame, tz: str) -> list[dict[str, Any]]:
    out = frame.copy()
    out["period"] = [local_time(p, tz) for p in out["period"]]
    return [{str(k): clean(v) for k, v in row.items()} for row in out.to_dict(orient="records")]


def drift_document(result: DriftResult) -> dict[str, Any]:
    """The drift result as the `bottleneck/drift@1` JSON document (see docs/drift.md)."""
    tz = result.display_tz
    doc: dict[str, Any] = {
        "schema": DRIFT_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": result.source,
        "granularity": result.granularity,
        "periods": {
            "count": result.periods,
            "first": local_time(result.first_period, tz),
            "last": local_time(result.last_period, tz),
        },
        "metrics": list(result.metrics),
        "change_points": [_point(p, tz) for p in result.change_points],
        "series": _frame(result.series, tz),
        "relations": _frame(result.relations, tz),
        "notes": [note_text(n, tz) for n in result.notes],
    }
    doc["time_basis"] = result.time_basis
    return doc


def drift_text(result: DriftResult) -> str:
    """The change points, oldest first (newest last), each in plain words."""
    tz = result.display_tz
    unit = "weeks" if result.granularity == "week" else "days"
    first = local_time(result.first_period, tz)[:10]
    last = local_time(result.last_period, tz)[:10]
    lines = [
        f"{result.source}: {result.periods} {unit} with work between the first and the last "
        f"case start ({first} → {last}); "
        f"looked at: {', '.join(result.metrics)}"
    ]
    basis = working_basis_line(result)
    if basis:
        lines.append(basis)
    lines.extend(f"note: {note_text(note, tz)}" for note in result.notes)
    if not result.change_points:
        lines.append("No change point: the series stay at one level (see drift.png).")
        return "\n".join(lines)
    count = len(result.change_points)
    lines.append(f"{count} change point{'s' if count != 1 else ''} (oldest first):")
    for point in result.change_points:
        lines.append(f"  {describe(point, tz)}")
        others = [m for m in point.moves if m is not point.main][:3]  # the strongest others
        for move in sorted(others, key=lambda m: (m.date, -m.strength)):
            day = local_time(move.date, tz)[:10]
            when = f"the week of {day}" if result.granularity == "week" else day
            lines.append(f"      also: {describe_move(move)} (from {when})")
        if point.elements:
            shown = ", ".join(point.elements[:4])
            more = f" (+{len(point.elements) - 4} more)" if len(point.elements) > 4 else ""
            lines.append(f"      where: {shown}{more}")
    return "\n".join(lines)


def working_basis_line(result: DriftResult) -> str:
    """The line saying that waits and throughput times are working time (empty without a
    calendar)."""
    if result.time_basis == "wall_clock":
        return ""
    name = result.time_basis.removeprefix("working:")
    return (
        f"waits and throughput times are working time (calendar {name}; "
        f"1 wd = {result.day_s / 3600:g} h of work); periods and dates are real dates"
    )
