"""Drill-downs of an explore view: one arrow's waits and slowest cases, one case's timeline, the
filtered log as CSV."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from ..timeunits import US
from .breakdown import cause_breakdown, edge_causes, weekly_trend
from .session import EXPORT_COLUMNS, Explorer
from .state import StateError, ViewState

SLOWEST = 10
"""The slowest cases listed under an arrow."""
BINS = 12
"""Bars of an arrow's wait histogram."""


def _code(names: pd.Index, name: str, what: str) -> int:
    found = np.flatnonzero(names.astype(str) == name)
    if len(found) == 0:
        raise StateError(f"unknown {what} {name!r}")
    return int(found[0])


def edge_details(ex: Explorer, state: ViewState, source: str, target: str) -> dict[str, Any]:
    """The waits on `source` → `target` among the cases `state` keeps (`source` "": every
    wait before the activity `target`, the box clicked): the map's figures (count, median,
    p90, mean, longest), a histogram, the weekly trend and the cases that waited longest with
    their path (the causes come apart, `arrow_causes`: slower)."""
    w = ex.words
    with ex.lock:
        chosen = ex.select(state)
        if chosen.prepared is None or chosen.analysis is None:
            raise StateError("no case passes these filters")
        names = chosen.prepared.log.events["activity"].cat.categories
        g = _code(names, target, "activity")
        if source:
            t = chosen.analysis.transitions
            row = t[(t["source"] == source) & (t["target"] == target)]
            if len(row) == 0:
                raise StateError(f"no arrow {source} → {target} among these cases")
            s: int | None = _code(names, source, "activity")
            r = row.iloc[0]
            prefix, title = "wait", w("ex_edge_title", source=source, target=target)
        else:
            a = chosen.analysis.activities
            row = a[a["activity"] == target]
            if len(row) == 0 or int(row.iloc[0]["wait_before_count"]) == 0:
                raise StateError(f"no wait before {target} among these cases")
            s, r = None, row.iloc[0]
            prefix, title = "wait_before", w("ex_activity_title", activity=target)
        which = "source IS NOT NULL" if s is None else f"source = {s}"
        waits = chosen.prepared.session("lean").frame(
            f"SELECT case_id, wait_us FROM steps WHERE {which} AND activity = {g} "
            "ORDER BY wait_us DESC, case_id"
        )
        case_labels = chosen.prepared.log.events["case"].cat.categories.astype(str)
        trend = weekly_trend(ex, chosen, s, g)
    seconds = waits["wait_us"].to_numpy(dtype="float64") / US
    slow = waits.head(SLOWEST)
    codes = ex.case_codes([case_labels[int(c)] for c in slow["case_id"]])
    paths = case_paths(ex, codes)
    counts: list[int] = []
    edges: list[float] = [0.0]
    if len(seconds):
        found = np.histogram(seconds, bins=BINS)
        counts, edges = found[0].tolist(), found[1].tolist()
    return {
        "title": title,
        "figures": [
            (w("ex_edge_count"), w.count(int(r["count" if s is not None else f"{prefix}_count"]))),
            (w("ex_edge_median"), w.duration(float(r[f"{prefix}_median_s"]))),
            (w("ex_edge_p90"), w.duration(float(r[f"{prefix}_p90_s"]))),
            (w("ex_edge_mean"), w.duration(float(r[f"{prefix}_mean_s"]))),
            (w("ex_edge_max"), w.duration(float(r[f"{prefix}_max_s"]))),
        ],
        "histogram": [
            {"from": w.duration(float(a)), "to": w.duration(float(b)), "count": int(n)}
            for a, b, n in zip(edges[:-1], edges[1:], counts, strict=True)
        ],
        "trend": trend,
        "slowest": [
            {
                "case": ex.case_name(int(code)),
                "number": int(ex.numbers[code]),
                "wait": w.duration(float(wait) / US),
                "path": paths[int(code)],
            }
            for code, wait in zip(codes, slow["wait_us"], strict=True)
        ],
    }


def arrow_causes(ex: Explorer, state: ViewState, source: str, target: str) -> dict[str, Any]:
    """The causes of the waits on `source` → `target` among the cases `state` keeps (`source`
    "": of every wait before `target`) (`breakdown.edge_causes`; the first call after a filter
    change computes them)."""
    with ex.lock:
        chosen = ex.select(state)
        if chosen.prepared is None:
            raise StateError("no case passes these filters")
    return edge_causes(ex, cause_breakdown(ex, chosen), source, target)


def case_paths(ex: Explorer, codes: np.ndarray) -> dict[int, list[str]]:
    """The activities of each case (whole-log case codes), in the order the map counts them."""
    if len(codes) == 0:
        return {}
    listed = ", ".join(str(int(c)) for c in codes)
    with ex.lock:
        steps = ex.full.session("detail").frame(
            f"SELECT case_id, activity FROM steps WHERE case_id IN ({listed}) "
            "ORDER BY case_id, end_us, coalesce(start_us, end_us), row_no"
        )
    names = ex.full.log.events["activity"].cat.categories.astype(str)
    out: dict[int, list[str]] = {int(c): [] for c in codes}
    for case, activity in zip(steps["case_id"], steps["activity"], strict=True):
        out[int(case)].append(str(names[int(activity)]))
    return out


def case_timeline(ex: Explorer, number: int) -> dict[str, Any]:
    """The steps of the case numbered `number` (its pseudonym's number): activity, start, end,
    wait before it, work time, officer and unit (pseudonyms where anonymized)."""
    w = ex.words
    if not 1 <= number <= len(ex.facts):
        raise StateError(f"no case number {number}")
    code = int(ex.by_number[number - 1])
    log = ex.full.log
    with ex.lock:
        steps = ex.full.session("detail").frame(
            "SELECT activity, start_us, end_us, wait_us, processing_us, resource_id, group_id "
            f"FROM steps WHERE case_id = {code} "
            "ORDER BY end_us, coalesce(start_us, end_us), row_no"
        )
    acts = log.events["activity"].cat.categories.astype(str)
    people = log.events["resource"].cat.categories.astype(str)
    units = log.events["group"].cat.categories.astype(str)
    tz = log.display_tz

    def when(us: Any) -> str:
        if pd.isna(us):
            return ""
        return w.datetime(pd.Timestamp(int(us), unit="us", tz="UTC").tz_convert(tz))

    def span(us: Any) -> str:
        return "" if pd.isna(us) else w.duration(float(us) / US)

    rows = []
    for r in steps.to_dict(orient="records"):
        rid, gid = r["resource_id"], r["group_id"]
        rows.append(
            {
                "activity": str(acts[int(r["activity"])]),
                "start": when(r["start_us"]),
                "end": when(r["end_us"]),
                "wait": span(r["wait_us"]),
                "work": span(r["processing_us"]),
                "officer": ex.officer(None if pd.isna(rid) else str(people[int(rid)])),
                "unit": ex.unit(None if pd.isna(gid) else str(units[int(gid)])),
            }
        )
    return {"title": w("ex_case_title", case=ex.case_name(code)), "steps": rows}


def filtered_csv(ex: Explorer, state: ViewState) -> bytes:
    """The events of the cases `state` keeps as CSV (`EXPORT_COLUMNS`; times ISO 8601 with the
    log's offset; case ids and officers as the page shows them), readable by `report`."""
    with ex.lock:
        chosen = ex.select(state)
        if chosen.prepared is None:
            return (",".join(EXPORT_COLUMNS) + "\n").encode("utf-8")
        events = chosen.prepared.log.events
        tz = chosen.prepared.log.display_tz
    labels = events["case"].cat.categories.astype(str)
    case_names = [ex.case_name(ex.code_of[str(v)]) for v in labels]
    people = [ex.officer(str(v)) for v in events["resource"].cat.categories]
    units = [ex.unit(str(v)) for v in events["group"].cat.categories]

    def names(column: str, shown: list[str]) -> pd.Series:
        codes = events[column].cat.codes.to_numpy()
        out = np.asarray([*shown, ""], dtype=object)[np.where(codes < 0, len(shown), codes)]
        return pd.Series(out)

    def times(column: str) -> pd.Series:
        stamps = pd.to_datetime(events[column].astype("Int64"), unit="us", utc=True)
        return stamps.dt.tz_convert(tz).map(lambda t: "" if pd.isna(t) else t.isoformat())

    frame = pd.DataFrame(
        {
            "case": names("case", case_names),
            "activity": events["activity"].astype(str).to_numpy(),
            "start": times("start_us"),
            "end": times("end_us"),
            "resource": names("resource", people),
            "group": names("group", units),
            "lifecycle": events["lifecycle"].astype("string").fillna("").to_numpy(),
        }
    )
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")
