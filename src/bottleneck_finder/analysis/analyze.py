"""The `analyze` computation: a normalized log in, an `Analysis` out."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import engine
from ..engine import instances, stats, transitions
from ..model import (
    ACTIVITY_COLUMNS,
    TRANSITION_COLUMNS,
    Analysis,
    CaseStats,
    DataQuality,
    EventLog,
    LogSummary,
)
from .bottlenecks import rank_bottlenecks

US = 1_000_000.0


def _seconds(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn every `*_us` time column into a float `*_s` column in seconds."""
    renamed = {}
    for column in frame.columns:
        if column.endswith("_us") and not column.endswith("_count"):
            renamed[column] = column[:-3] + "_s"
    out = frame.rename(columns=renamed)
    for new in renamed.values():
        out[new] = out[new].astype("float64") / US
    return out


def compute_steps(con: Any, log: EventLog) -> Any:
    """The materialized per-instance step table of a log (see `engine.transitions.steps`)."""
    events = engine.load_events(con, log.events)
    inst = instances.activity_instances(events, paired=log.has_lifecycle)
    step_table = transitions.steps(inst, has_start_times=log.has_start_times)
    return engine.materialize(con, step_table, "steps"), events


def analyze(log: EventLog, *, top: int | None = 10, backend: str = "duckdb") -> Analysis:
    """Waiting times on every transition and activity of `log`, and the ranked bottlenecks."""
    con = engine.connect(backend)
    steps, events = compute_steps(con, log)

    trans = _seconds(stats.transition_stats(steps).execute())
    trans = trans.drop(columns=["wait_count"])
    trans = trans.sort_values(["source", "target"], kind="stable").reset_index(drop=True)
    trans = trans[list(TRANSITION_COLUMNS)]
    trans["count"] = trans["count"].astype("int64")
    trans["cases"] = trans["cases"].astype("int64")
    trans["overlaps"] = trans["overlaps"].fillna(0).astype("int64")

    acts = _seconds(stats.activity_stats(steps).execute())
    acts["rework"] = (acts["count"] - acts["cases"]).astype("int64")
    acts = acts.sort_values("activity", kind="stable").reset_index(drop=True)
    for column in ("count", "cases", "processing_count", "wait_before_count"):
        acts[column] = acts[column].astype("int64")
    acts = acts[list(ACTIVITY_COLUMNS)]

    ends = stats.endpoint_counts(steps).execute()
    starts_df = _endpoint(ends, "starts")
    ends_df = _endpoint(ends, "ends")

    row = stats.case_stats(steps).execute().iloc[0]
    cases = CaseStats(
        count=int(row["cases"]),
        duration_mean_s=float(row["duration_mean_us"]) / US,
        duration_median_s=float(row["duration_median_us"]) / US,
        duration_p90_s=float(row["duration_p90_us"]) / US,
        duration_max_s=float(row["duration_max_us"]) / US,
        steps_mean=float(row["steps_mean"]),
        steps_max=int(row["steps_max"]),
    )
    quality = log.quality
    if log.has_lifecycle:
        un = instances.unmatched_counts(events).execute().iloc[0]
        quality = _with_unmatched(
            quality, int(un["unmatched_starts"]), int(un["unmatched_completes"])
        )
    summary = LogSummary(
        cases=cases.count,
        events=len(log.events),
        activity_instances=int(acts["count"].sum()),
        activities=len(acts),
        first_event=pd.Timestamp(int(row["first_us"]), unit="us", tz="UTC"),
        last_event=pd.Timestamp(int(row["last_us"]), unit="us", tz="UTC"),
        has_start_times=log.has_start_times,
    )
    con.disconnect()
    return Analysis(
        source=log.source,
        columns=log.columns,
        log=summary,
        wait_definition="start_to_previous_end" if log.has_start_times else "end_to_previous_end",
        transitions=trans,
        activities=acts,
        cases=cases,
        start_activities=starts_df,
        end_activities=ends_df,
        bottlenecks=rank_bottlenecks(trans, acts, top=top),
        total_wait_s=float(trans["wait_total_s"].sum()),
        quality=quality,
        display_tz=log.display_tz,
        timestamp_format=log.timestamp_format,
    )


def _endpoint(counts: pd.DataFrame, column: str) -> pd.DataFrame:
    out = counts[counts[column] > 0][["activity", column]].rename(columns={column: "count"})
    out["count"] = out["count"].astype("int64")
    return out.sort_values(
        ["count", "activity"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def _with_unmatched(quality: DataQuality, starts: int, completes: int) -> DataQuality:
    from dataclasses import replace

    notes = list(quality.warnings)
    if starts:
        notes.append(f"{starts} start events have no matching complete and were left out")
    if completes:
        notes.append(
            f"{completes} complete events have no matching start (processing time unknown)"
        )
    return replace(
        quality, unmatched_starts=starts, unmatched_completes=completes, warnings=tuple(notes)
    )
