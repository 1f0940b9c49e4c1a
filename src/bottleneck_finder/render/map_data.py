"""The figures of the process map read from an `Analysis`: arrows, ends, boxes, marks."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..model import Analysis
from .dot import to_float

WAIT_COLUMN = {"mean": "wait_mean_s", "p90": "wait_p90_s", "total": "wait_total_s"}
"""The transitions' column of each wait metric of the map (the median otherwise)."""


@dataclass(frozen=True)
class MapEdge:
    """One arrow of the map: its count (or cases), its waits and the wait `shown_s` on it."""

    source: str
    target: str
    count: int
    wait_median_s: float
    wait_p90_s: float
    wait_total_s: float
    shown_s: float


@dataclass(frozen=True)
class Mark:
    """A marked transition bottleneck: its rank (#1, #2, …) and share of all waiting."""

    rank: int
    share: float


def edges(transitions: pd.DataFrame, metric: str = "median") -> list[MapEdge]:
    """Transitions by count (cases with `metric` cases) descending, ties by source, target."""
    if len(transitions) == 0:
        return []
    rows = zip(
        transitions["source"].astype(str).tolist(),
        transitions["target"].astype(str).tolist(),
        transitions["cases" if metric == "cases" else "count"].tolist(),
        transitions["wait_median_s"].tolist(),
        transitions["wait_p90_s"].tolist(),
        transitions["wait_total_s"].tolist(),
        transitions[WAIT_COLUMN.get(metric, "wait_median_s")].tolist(),
        strict=True,
    )
    edges = [
        MapEdge(s, t, int(c), to_float(m), to_float(p), to_float(w), to_float(x))
        for s, t, c, m, p, w, x in rows
    ]
    return sorted(edges, key=lambda e: (-e.count, e.source, e.target))


def marks(analysis: Analysis, top: int) -> dict[tuple[str, str], Mark]:
    """The top transition bottlenecks (with some waiting at all), by rank."""
    b = analysis.bottlenecks
    if top <= 0 or len(b) == 0:
        return {}
    t = b[b["kind"] == "transition"].sort_values("rank", kind="stable")
    marks: dict[tuple[str, str], Mark] = {}
    for s, tg, total, share in zip(
        t["source"].astype(str).tolist(),
        t["target"].astype(str).tolist(),
        t["wait_total_s"].tolist(),
        t["share_of_total_wait"].tolist(),
        strict=True,
    ):
        if len(marks) >= top:
            break
        if not to_float(total) > 0:
            continue
        marks[(s, tg)] = Mark(len(marks) + 1, to_float(share))
    return marks


def most_waiting(analysis: Analysis) -> tuple[str, float] | None:
    """The activity that receives the most waiting time, and its share of all waiting."""
    b = analysis.bottlenecks
    if len(b) == 0:
        return None
    a = b[b["kind"] == "activity"].sort_values("rank", kind="stable")
    if len(a) == 0:
        return None
    total = to_float(a["wait_total_s"].iloc[0])
    if not total > 0:
        return None
    return str(a["activity"].iloc[0]), to_float(a["share_of_total_wait"].iloc[0])


def endpoints(frame: pd.DataFrame) -> list[tuple[str, int]]:
    if len(frame) == 0:
        return []
    pairs = zip(frame["activity"].astype(str).tolist(), frame["count"].tolist(), strict=True)
    return sorted(((a, int(c)) for a, c in pairs), key=lambda p: (-p[1], p[0]))


def activity_rows(analysis: Analysis, metric: str = "median") -> dict[str, tuple[int, float]]:
    """Activity → (instances, or cases with `metric` cases; median processing time or NaN)."""
    acts = analysis.activities
    out: dict[str, tuple[int, float]] = {}
    if len(acts) == 0:
        return out
    for name, count, median in zip(
        acts["activity"].astype(str).tolist(),
        acts["cases" if metric == "cases" else "count"].tolist(),
        acts["processing_median_s"].tolist(),
        strict=True,
    ):
        out[name] = (int(count), to_float(median))
    return out
