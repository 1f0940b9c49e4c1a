"""Who does the work: steps per officer, the units and their size, the total processing time."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..model import EventLog
from ..prepared import PreparedLog
from ..timeunits import US


@dataclass(frozen=True)
class Workload:
    """The work of one log.

    `officers` counts the activity instances of each resource (`resource`, `count`), most first,
    ties by name; `units` is the number of distinct units; `processing_total_s` is the time
    spent working in all activity instances (working time on a calendar; 0 without start times).
    `unit_members` counts the distinct officers recorded in each unit (`group`, `members`).
    """

    officers: pd.DataFrame
    units: int
    processing_total_s: float
    unit_members: pd.DataFrame


def code_labels(log: EventLog, column: str, codes: pd.Series) -> list[str | None]:
    """The labels of the engine's integer `codes` of a categorical column of `log` (None where
    a code is missing)."""
    names = log.events[column].cat.categories
    return [None if pd.isna(c) else str(names[int(c)]) for c in codes.tolist()]


def workload(p: PreparedLog) -> Workload:
    """Steps per officer, units and total processing time of the prepared log."""
    engine = p.session("working")
    officers = engine.frame(
        "SELECT resource_id, count(*) AS count FROM steps "
        "WHERE resource_id IS NOT NULL GROUP BY resource_id"
    )
    units = engine.frame(
        "SELECT count(DISTINCT group_id) AS n FROM steps WHERE group_id IS NOT NULL"
    )
    processing = engine.frame("SELECT sum(processing_us) AS total FROM steps")
    members = engine.frame(
        "SELECT group_id, count(DISTINCT resource_id) AS members FROM steps "
        "WHERE group_id IS NOT NULL GROUP BY group_id"
    )
    officer_frame = pd.DataFrame(
        {
            "resource": code_labels(p.log, "resource", officers["resource_id"]),
            "count": officers["count"].astype("int64"),
        }
    ).sort_values(["count", "resource"], ascending=[False, True], kind="stable")
    total = processing["total"].iloc[0]
    return Workload(
        officers=officer_frame.reset_index(drop=True),
        units=int(units["n"].iloc[0]),
        processing_total_s=0.0 if pd.isna(total) else float(total) / US,
        unit_members=pd.DataFrame(
            {
                "group": code_labels(p.log, "group", members["group_id"]),
                "members": members["members"].astype("int64"),
            }
        ),
    )
