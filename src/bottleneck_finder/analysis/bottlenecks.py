"""Bottleneck ranking: transitions and activities by the total waiting time they cause."""

from __future__ import annotations

import pandas as pd

from ..model import BOTTLENECK_COLUMNS


def rank_bottlenecks(
    transitions: pd.DataFrame, activities: pd.DataFrame, *, top: int | None = None
) -> pd.DataFrame:
    """Rank transitions, then activities, by total wait (ties: more cases first, then by name).

    The score of a transition a→b is the sum of its waiting times over all cases: the delay it is
    responsible for. Its share is that total over the total wait of all transitions. An
    activity's wait is the sum over its incoming transitions, so the activity ranking is the same
    delay grouped by the step that waited; the two kinds are two views, not additive. Ranks start
    at 1 within each kind; `top` keeps that many of each.
    """
    total = float(transitions["wait_total_s"].sum()) if len(transitions) else 0.0
    t = transitions.assign(kind="transition", activity=None)
    t = t.sort_values(
        ["wait_total_s", "cases", "source", "target"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    a = activities.rename(
        columns={
            "wait_before_total_s": "wait_total_s",
            "wait_before_median_s": "wait_median_s",
            "wait_before_p90_s": "wait_p90_s",
        }
    ).assign(kind="activity", source=None, target=None)
    a = a[a["wait_before_count"] > 0].sort_values(
        ["wait_total_s", "cases", "activity"], ascending=[False, False, True], kind="stable"
    )
    parts = []
    for part in (t, a):
        part = part.head(top) if top is not None else part
        part = part.assign(
            rank=range(1, len(part) + 1),
            share_of_total_wait=(part["wait_total_s"] / total) if total > 0 else 0.0,
        )
        parts.append(part[list(BOTTLENECK_COLUMNS)])
    return pd.concat(parts, ignore_index=True)
