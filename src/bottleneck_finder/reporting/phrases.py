"""Phrases the report's sections share: a change in percent, a signed duration, a p-value,
where a bottleneck is."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..render.compare_sentences import percent_change
from ..render.words import Words

TOP_ROWS = 8
"""Rows of a findings table (compare, causes, flows)."""


def change(w: Words, before: float, after: float) -> str:
    """The change from `before` to `after` in percent ("+12%", "−5%"; "–" when unknown)."""
    if not before > 0 or math.isnan(after):
        return "–"
    pct = (after / before - 1.0) * 100.0
    return ("+" if pct >= 0 else "−") + w.number(abs(pct), 0) + "%"


def duration_change(w: Words, before: float, after: float) -> str:
    """The change of a duration in percent ("+12%"), or, where a percentage would mislead
    (`render.compare_sentences.percent_change`: from under a minute, or above +1000%), the
    two durations ("0 s → 3 d"); "–" when a side is unknown."""
    if math.isnan(before) or math.isnan(after):
        return "–"
    relative = percent_change(before, after)
    if relative is None:
        return f"{w.duration(before)} → {w.duration(after)}"
    return ("+" if relative >= 0 else "−") + w.number(abs(relative) * 100, 0) + "%"


def signed(w: Words, seconds: float) -> str:
    """A duration with its sign ("+2,5 ngày", "−3 giờ"; "–" when unknown)."""
    if math.isnan(seconds):
        return "–"
    return ("+" if seconds >= 0 else "−") + w.duration(abs(seconds))


def p_value(w: Words, p: float, *, sign: bool = True) -> str:
    """A p- or q-value: "= 0,032" or "< 0,001" (without "= " when `sign` is false)."""
    if math.isnan(p):
        return "–"
    if p < 0.001:
        return "< " + w.number(0.001, 3)
    return ("= " if sign else "") + w.number(p, 3)


def where(w: Words, row: Mapping[Any, Any]) -> str:
    """Where a bottleneck row is: before an activity, or on a hand-off “a” → “b”."""
    if row.get("kind") == "activity" or (row.get("source") is None and row.get("activity")):
        return w("where_before", activity=row["activity"])
    return f"“{row['source']}” → “{row['target']}”"
