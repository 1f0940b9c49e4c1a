"""The `analyze` computation: a normalized log in, an `Analysis` out."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..engine import Engine, instances, stats
from ..model import (
    ACTIVITY_COLUMNS,
    END_WAIT,
    START_WAIT,
    TRANSITION_COLUMNS,
    Analysis,
    CaseStats,
    DataQuality,
    EventLog,
    LogSummary,
    QualityWarning,
    SourceLog,
    catalog_of,
)
from ..prepared import PreparedLog, prepared
from ..timeunits import US
from .bottlenecks import rank_bottlenecks


def _seconds(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn every `*_us` time column into a float `*_s` column in seconds."""
    renamed = {c: c[:-3] + "_s" for c in frame.columns if c.endswith("_us")}
    out = frame.rename(columns=renamed)
    for new in renamed.values():
        out[new] = out[new].astype("float64") / US
    return out


def _ints(frame: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        frame[column] = frame[column].fillna(0).astype("int64")


def analyze(log: EventLog | SourceLog | PreparedLog, *, top: int | None = 10) -> Analysis:
    """Waiting times on every transition and activity of `log`, and the ranked bottlenecks.

    On a working calendar every duration is working time and the first and last event are
    the real dates."""
    with prepared(log) as p:
        result = _analyze(p.timed_log, p.session("lean"), top)
        if p.calendar is None:
            return result
        first, last = p.real_span
    return replace(result, log=replace(result.log, first_event=first, last_event=last))


def _analyze(log: EventLog | SourceLog, eng: Engine, top: int | None) -> Analysis:
    catalog = catalog_of(log)
    names = catalog.labels["activity"]
    sizes = {"cases": catalog.cases, "activities": len(names)}
    trans = eng.frame(stats.transition_stats(eng, "steps", **sizes))
    acts = eng.frame(stats.activity_stats(eng, "steps", processing=log.has_start_times, **sizes))
    row = eng.frame(stats.case_stats(eng, "case_spans")).iloc[0]
    quality = log.quality
    if log.has_lifecycle:
        un = eng.frame(instances.unmatched_counts("lifecycle_queue")).iloc[0]
        quality = _with_unmatched(
            quality,
            int(un["unmatched_starts"]),
            int(un["unmatched_completes"]),
            int(un["complete_only_events"]),
        )

    def label(codes: pd.Series) -> pd.Series:
        return pd.Series(
            names.take(codes.to_numpy(dtype="int64")), index=codes.index, dtype="string"
        )

    trans = _seconds(trans).rename(columns={"activity": "target"})
    trans["source"], trans["target"] = label(trans["source"]), label(trans["target"])
    _ints(trans, "count", "cases", "overlaps")
    trans = trans.sort_values(["source", "target"], kind="stable").reset_index(drop=True)

    acts = _seconds(acts)
    acts["activity"] = label(acts["activity"])
    _ints(acts, "count", "cases", "processing_count", "wait_before_count", "starts", "ends")
    # an activity with a known start on some instance waits until its start; one that never
    # starts (complete-only by design) waits until its end
    acts["wait_definition"] = pd.Series(
        [START_WAIT if n > 0 else END_WAIT for n in acts["processing_count"]],
        index=acts.index,
        dtype="string",
    )
    by_target = dict(zip(acts["activity"], acts["wait_definition"], strict=True))
    trans["wait_definition"] = pd.Series(
        [by_target.get(t, END_WAIT) for t in trans["target"]], index=trans.index, dtype="string"
    )
    trans = trans[list(TRANSITION_COLUMNS)]
    acts["rework"] = acts["count"] - acts["cases"]
    acts = acts.sort_values("activity", kind="stable").reset_index(drop=True)
    starts_df = _endpoint(acts, "starts")
    ends_df = _endpoint(acts, "ends")
    acts = acts[list(ACTIVITY_COLUMNS)]

    cases = CaseStats(
        count=int(row["cases"]),
        duration_mean_s=float(row["duration_mean_us"]) / US,
        duration_median_s=float(row["duration_median_us"]) / US,
        duration_p90_s=float(row["duration_p90_us"]) / US,
        duration_max_s=float(row["duration_max_us"]) / US,
        steps_mean=float(row["steps_mean"]),
        steps_max=int(row["steps_max"]),
    )
    summary = LogSummary(
        cases=cases.count,
        events=catalog.events,
        activity_instances=int(acts["count"].sum()),
        activities=len(acts),
        first_event=pd.Timestamp(int(row["first_us"]), unit="us", tz="UTC"),
        last_event=pd.Timestamp(int(row["last_us"]), unit="us", tz="UTC"),
        has_start_times=log.has_start_times,
    )
    return Analysis(
        source=log.source,
        columns=log.columns,
        log=summary,
        wait_definition=START_WAIT if log.has_start_times else END_WAIT,
        mixed_wait_definitions=acts["wait_definition"].nunique() > 1,
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


def _endpoint(acts: pd.DataFrame, column: str) -> pd.DataFrame:
    out = acts[acts[column] > 0][["activity", column]].rename(columns={column: "count"})
    return out.sort_values(
        ["count", "activity"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def _with_unmatched(
    quality: DataQuality, starts: int, completes: int, complete_only: int
) -> DataQuality:
    """The pairing's counts and warnings; the completes of complete-only activities (which
    never start anywhere in the log) are counted but not warned about."""
    notes = list(quality.warnings)
    if starts:
        notes.append(QualityWarning("unmatched_starts", count=starts))
    if completes:
        notes.append(QualityWarning("unmatched_completes", count=completes))
    return replace(
        quality,
        unmatched_starts=starts,
        unmatched_completes=completes,
        complete_only_events=complete_only,
        warnings=tuple(notes),
    )
