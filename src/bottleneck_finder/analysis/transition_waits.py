"""The individual waits of given transitions, and who waits before one (per officer and unit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..prepared import PreparedLog
from ..timeunits import US
from .workload import code_labels

Pair = tuple[str, str]
"""A transition as (source activity, target activity) labels."""


def _codes(p: PreparedLog) -> dict[str, int]:
    return {str(a): i for i, a in enumerate(p.log.events["activity"].cat.categories)}


def transition_waits(p: PreparedLog, pairs: list[Pair]) -> dict[Pair, np.ndarray]:
    """The individual waits (seconds, sorted; working time on a calendar) of each
    (source, target) pair; a pair the log does not have gets an empty array."""
    codes = _codes(p)
    out: dict[Pair, np.ndarray] = {pair: np.zeros(0) for pair in pairs}
    known = [(q, codes[q[0]], codes[q[1]]) for q in pairs if q[0] in codes and q[1] in codes]
    if not known:
        return out
    engine = p.session("working")
    for pair, source, target in known:
        values = engine.frame(
            f"SELECT wait_us FROM steps WHERE source = {source} AND activity = {target} "
            "ORDER BY wait_us"
        )
        out[pair] = values["wait_us"].to_numpy(dtype="float64") / US
    return out


def who_waits(p: PreparedLog, source: str, target: str) -> pd.DataFrame:
    """The waits before `target` after `source`, per resource and unit of the waiting step:
    `resource`, `group` (labels, None when not recorded), `count`, `wait_median_s` and
    `wait_total_s`, the most waiting first (ties: more steps, then by name). Empty when the
    log has no such transition."""
    codes = _codes(p)
    columns = ["resource", "group", "count", "wait_median_s", "wait_total_s"]
    if source not in codes or target not in codes:
        return pd.DataFrame(columns=columns)
    engine = p.session("working")
    who = engine.frame(
        "SELECT resource_id, group_id, count(*) AS count, "
        f"{engine.quantiles('wait_us', {'median': 0.5}, 'wait')}, "
        f"sum(wait_us) AS wait_total_us FROM steps "
        f"WHERE source = {codes[source]} AND activity = {codes[target]} "
        "GROUP BY resource_id, group_id"
    )
    frame = pd.DataFrame(
        {
            "resource": code_labels(p.log, "resource", who["resource_id"]),
            "group": code_labels(p.log, "group", who["group_id"]),
            "count": who["count"].astype("int64"),
            "wait_median_s": who["wait_median_us"].astype("float64") / US,
            "wait_total_s": who["wait_total_us"].astype("float64") / US,
        }
    )
    return frame.sort_values(
        ["wait_total_s", "count", "resource", "group"],
        ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
