"""An arrow's weekly trend and waiting causes in the explore drill-down, on the filtered cases."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from ..analysis.causes import CAUSES, CauseBreakdown, CauseOptions, attribute_causes
from ..analysis.timeline import weekly_transition_waits
from ..errors import BottleneckError
from ..render.causes_text import ESTIMATED, breakdown_rows
from ..timeunits import WEEK_US, utc_offset_us
from .session import Explorer, Selection


def weekly_trend(
    ex: Explorer, chosen: Selection, source: int | None, target: int
) -> dict[str, Any]:
    """The waits on `source` → `target` (activity codes; `source` None: every wait before
    `target`) per week, weeks from Monday in the
    log's zone (numbered from the whole log's first event, so filters never move them): every
    week from the first to the last with a wait, `count` 0 and no median where none ended."""
    w = ex.words
    assert chosen.prepared is not None
    tz = ex.full.log.display_tz
    offset = utc_offset_us(tz, int(ex.facts.first_us.min()))
    frame = weekly_transition_waits(chosen.prepared, source, target, offset_us=offset)
    weeks: list[dict[str, Any]] = []
    if len(frame):
        found = {pd.Timestamp(t): i for i, t in enumerate(frame["week"])}
        first, last = frame["week"].iloc[0], frame["week"].iloc[-1]
        for monday in pd.date_range(first, last, freq=pd.Timedelta(WEEK_US, unit="us")):
            i = found.get(pd.Timestamp(monday))
            median = None if i is None else float(frame["median_wait_s"].iloc[i])
            weeks.append(
                {
                    "week": monday.strftime("%Y-%m-%d"),
                    "label": w.date(monday),
                    "count": 0 if i is None else int(frame["count"].iloc[i]),
                    "median_s": median,
                    "median": "" if median is None else w.duration(median),
                }
            )
    return {
        "title": w("ex_trend_title"),
        "note": w("ex_trend_note"),
        "count_label": w("ex_trend_count"),
        "median_label": w("ex_edge_median"),
        "weeks": weeks,
    }


def cause_breakdown(ex: Explorer, chosen: Selection) -> CauseBreakdown | str:
    """The causes of every wait of the selected cases, as `bottleneck causes` finds them on
    the filtered log with the page's calendar, or the line saying why they cannot be found.

    Computed once per set of filters, on the selection's events with an engine session of its
    own, outside the explorer's lock: a slow breakdown (seconds at 10^6 events) never holds up
    the map."""
    with ex.lock:
        found = chosen.cached.get("causes")
        log = None if chosen.prepared is None else chosen.prepared.log
    if found is not None:
        assert isinstance(found, CauseBreakdown | str)
        return found
    if log is None:
        return ex.words("ex_no_cases")
    if log.events["resource"].isna().all():
        found = ex.words("ex_causes_no_resource")
    else:
        try:
            found = attribute_causes(log, CauseOptions(calendar=ex.full.calendar))
        except BottleneckError as error:
            found = error.one_line()
    with ex.lock:
        stored = chosen.cached.setdefault("causes", found)  # the first of two clicks wins
    assert isinstance(stored, CauseBreakdown | str)
    return stored


def edge_causes(
    ex: Explorer, found: CauseBreakdown | str, source: str, target: str
) -> dict[str, Any]:
    """The waits on `source` → `target` split by cause: the transition's row of `bottleneck
    causes` on the filtered log (`row`, its causes@1 JSON; `source` "": the activity's row),
    in words; `available` False with a `message` where causes cannot be computed (no resource
    column, no such pair)."""
    w = ex.words
    head = {"title": w("ex_causes_title")}
    if isinstance(found, str):
        return {**head, "available": False, "message": found}
    result = found
    if source:
        t = result.transitions
        chosen = t[(t["source"] == source) & (t["target"] == target)]
        rows = breakdown_rows(chosen, ["source", "target"])
    else:
        rows = breakdown_rows(
            result.activities[result.activities["activity"] == target], ["activity"]
        )
    if not rows:
        return {**head, "available": False, "message": w("ex_causes_no_pair")}
    row = rows[0]
    mark = ESTIMATED if row["estimated"] else ""
    clock = replace(w, workday_s=None)  # causes are measured on the wall clock
    total = float(row["wait_total_s"])
    notes = [w("ex_causes_wall_clock")]
    if row["estimated"]:
        notes.append(
            w(
                "ex_causes_estimated",
                count=w.count(row["estimated_count"]),
                total=w.count(row["count"]),
            )
        )
    if not result.has_start_times and not result.instances_estimated:
        notes.append(w("cs_no_start"))
    return {
        **head,
        "available": True,
        "row": row,
        "estimated": bool(row["estimated"]),
        "summary": w(
            "ex_causes_summary",
            count=w.count(row["count"]),
            total=mark + clock.duration(total),
        ),
        "lines": [
            {
                "cause": c,
                "label": w(f"ex_cause_{c}"),
                "time": mark + clock.duration(row["causes"][c]),
                "share": float(row["shares"][c]),
                "share_text": w.percent(row["shares"][c]),
            }
            for c in CAUSES
        ],
        "notes": notes,
    }
