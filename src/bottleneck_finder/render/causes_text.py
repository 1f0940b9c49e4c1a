"""The waiting-cause breakdown in words and files: causes@1 JSON, CSV tables, terminal text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from .. import __version__
from ..analysis.causes import CAUSES, CauseBreakdown
from .serialize import to_csv, to_json
from .text import clip, column_width
from .words import ENGLISH, Words

CAUSES_SCHEMA = "bottleneck/causes@1"
ESTIMATION = (
    "Chapela-Campa and Dumas (start-time-estimator defaults): the later of the enablement "
    "(heuristics concurrency oracle) and the resource's previous end; neither known: end minus "
    "the activity's median duration"
)
ESTIMATED = "≈"  # marks a figure resting on estimated start times
ENABLED_DEFINITION = (
    "end of the latest earlier activity instance of the same case that ended at or before "
    "this one started"
)


def _cause_dict(row: Mapping[Any, Any], suffix: str) -> dict[str, float]:
    return {c: float(row[f"{c}{suffix}"]) for c in CAUSES}


def breakdown_rows(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """The rows of one aggregate (`CauseBreakdown.transitions`, ...) as causes@1 JSON rows."""
    out = []
    for row in frame.to_dict(orient="records"):
        item: dict[str, Any] = {k: str(row[k]) for k in keys}
        item["count"] = int(row["count"])
        item["cases"] = int(row["cases"])
        item["wait_total_s"] = float(row["wait_total_s"])
        item["causes"] = _cause_dict(row, "_s")
        item["per_case_s"] = _cause_dict(row, "_per_case_s")
        item["shares"] = _cause_dict(row, "_share")
        item["batching_creation_s"] = float(row["batching_creation_s"])
        item["batching_ready_s"] = float(row["batching_ready_s"])
        estimated = int(row.get("estimated_count", 0))
        item["estimated"] = estimated > 0
        item["estimated_count"] = estimated
        out.append(item)
    return out


def _firing(row: Mapping[Any, Any]) -> dict[str, Any] | None:
    if not row["firing"]:
        return None
    days = str(row["firing_weekdays"])
    return {
        "period": str(row["firing"]),
        "weekdays": [int(d) for d in days.split(",")] if days else [],
        "hour": int(row["firing_hour"]),
        "share": float(row["firing_share"]),
    }


def batch_rows(result: CauseBreakdown) -> list[dict[str, Any]]:
    """The `batches` of causes.json: per activity and resource with batches."""
    return [
        {
            "activity": str(r["activity"]),
            "resource": str(r["resource"]),
            "type": str(r["type"]),
            "instances": int(r["instances"]),
            "instances_in_batches": int(r["instances_in_batches"]),
            "batches": int(r["batches"]),
            "size": {
                "min": int(r["size_min"]),
                "median": float(r["size_median"]),
                "max": int(r["size_max"]),
            },
            "batching_s": float(r["batching_s"]),
            "batching_creation_s": float(r["creation_s"]),
            "batching_ready_s": float(r["ready_s"]),
            "batching_per_instance_s": float(r["batching_mean_s"]),
            "firing": _firing(r),
        }
        for r in result.batches.to_dict(orient="records")
    ]


def batch_sentences(
    result: CauseBreakdown,
    words: Words = ENGLISH,
    top: int = 3,
    name: Callable[[str | None], str] | None = None,
) -> list[str]:
    """One sentence per activity and resource whose batches make work wait, most first: "Sync
    runs in weekly batches (Fridays 15:00, median 38 dossiers, it_officer): dossiers wait
    3.1 d on average for the batch"; `name` tells the resource (a report's pseudonyms)."""
    w = words
    inst = result.instances
    chosen = inst[inst["start_estimated"]] if "start_estimated" in inst.columns else inst[:0]
    estimated = set(
        zip(chosen["activity"].astype(str), chosen["resource"].astype(str), strict=True)
    )
    out: list[str] = []
    for r in result.batches.to_dict(orient="records"):
        if len(out) >= top or float(r["batching_s"]) <= 0:
            break
        median = float(r["size_median"])
        mark = ESTIMATED if (str(r["activity"]), str(r["resource"])) in estimated else ""
        values = {
            "activity": r["activity"],
            "resource": name(str(r["resource"])) if name else r["resource"],
            "size": w.number(median, 0 if median.is_integer() else 1),
            "wait": mark + w.duration(float(r["batching_mean_s"])),
            "hour": f"{int(r['firing_hour']):02d}:00",
        }
        if r["firing"] in ("weekly", "days"):
            days = [w(f"cs_weekdays_{d}") for d in str(r["firing_weekdays"]).split(",")]
            values["weekday"] = (
                w("cs_and", a=", ".join(days[:-1]), b=days[-1]) if len(days) > 1 else days[0]
            )
            out.append(w(f"cs_batch_{r['firing']}", **values))
        elif r["firing"] == "daily":
            out.append(w("cs_batch_daily", **values))
        else:
            out.append(w("cs_batch_plain", **values))
    return out


def cause_notes(result: CauseBreakdown, words: Words = ENGLISH) -> list[str]:
    """What the reader should know about the breakdown: estimated start times, or time that
    could not be attributed."""
    w = words
    if result.instances_estimated:
        notes = [
            w(
                "cs_estimated",
                count=w.count(result.instances_estimated),
                total=w.count(result.instances_total),
            )
        ]
        if result.estimated_without_resource:
            notes.append(
                w("cs_estimated_no_resource", count=w.count(result.estimated_without_resource))
            )
        return notes
    if not result.instances_without_start:
        return []
    return [
        w(
            "cs_unattributed",
            count=w.count(result.instances_without_start),
            time=w.duration(result.unattributed_s),
        )
    ]


def availability_text(availability: str, words: Words = ENGLISH) -> str:
    """The working hours the breakdown measured unavailability against, in words."""
    if availability == "learned per resource":
        return words("cs_learned")
    if availability.startswith("calendar "):
        return words("cs_calendar", name=availability.removeprefix("calendar "))
    return availability


def _estimated_pairs(result: CauseBreakdown) -> set[tuple[str, str]]:
    """The transitions whose waits rest (at least in part) on estimated start times."""
    t = result.transitions
    if "estimated_count" not in t.columns:
        return set()
    chosen = t[t["estimated_count"] > 0]
    return set(zip(chosen["source"].astype(str), chosen["target"].astype(str), strict=True))


def _mark(row: Mapping[Any, Any]) -> str:
    """`ESTIMATED` before a figure whose waits rest on estimated start times."""
    return ESTIMATED if int(row.get("estimated_count", 0)) > 0 else ""


def causes_document(result: CauseBreakdown) -> dict[str, Any]:
    """The breakdown as the `bottleneck/causes@1` JSON document (see docs/schema.md)."""
    estimated_pairs = _estimated_pairs(result)
    return {
        "schema": CAUSES_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": result.source,
        "time": "wall_clock",
        "enabled_time": ENABLED_DEFINITION,
        "starts": result.starts,
        "start_estimation": ESTIMATION if result.instances_estimated else None,
        "instances_estimated": result.instances_estimated,
        "resource_kind": result.resource_kind,
        "availability": result.availability,
        "instances_analyzed": len(result.instances),
        "instances_without_start": result.instances_without_start,
        "unattributed_s": result.unattributed_s,
        "wait_total_s": result.wait_total_s,
        "causes": dict(result.totals_s),
        "batch_gap_s": result.batch_gap_s,
        "batch_min_size": result.batch_min_size,
        "batches": batch_rows(result),
        "notes": cause_notes(result),
        "transitions": breakdown_rows(result.transitions, ["source", "target"]),
        "activities": breakdown_rows(result.activities, ["activity"]),
        "resources": breakdown_rows(result.resources, ["resource"]),
        "ranking": [
            {
                "estimated": (str(r["source"]), str(r["target"])) in estimated_pairs,
                "rank": int(r["rank"]),
                "source": str(r["source"]),
                "target": str(r["target"]),
                "cause": str(r["cause"]),
                "wait_s": float(r["wait_s"]),
                "share_of_total_wait": float(r["share_of_total_wait"]),
                "count": int(r["count"]),
            }
            for r in result.ranking.to_dict(orient="records")
        ],
    }


def _csv_frame(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The table with its key columns first."""
    return frame[[*keys, *[c for c in frame.columns if c not in keys]]]


def causes_table(
    frame: pd.DataFrame, kind: str, width: int, top: int, words: Words = ENGLISH
) -> str:
    """Rows of one aggregate as an aligned table: total wait, then each cause's share."""
    w = words
    if frame.empty:
        return w("cs_no_wait")
    name_width = max(20, width - 18 - 11 * len(CAUSES))
    records = frame.head(top).to_dict(orient="records")
    d = column_width(w, [_mark(r) + w.duration(r["wait_total_s"]) for r in records], 8)
    header = (
        f"{w('t_col_where'):<{name_width}} {w('t_col_total'):>{d}} {w('t_col_count'):>8}"
        + "".join(f" {w(f'cs_short_{c}'):>10}" for c in CAUSES)
    )
    lines = [header, "-" * len(header)]
    for row in records:
        if kind == "transition":
            name = f"{row['source']} → {row['target']}"
        elif kind == "activity":
            name = w("t_before", activity=row["activity"])
        else:
            name = str(row["resource"])
        name = clip(name, name_width)
        shares = "".join(f" {w.share(row[f'{c}_share']):>10}" for c in CAUSES)
        lines.append(
            f"{name:<{name_width}} {_mark(row) + w.duration(row['wait_total_s']):>{d}} "
            f"{w.count(int(row['count'])):>8}{shares}"
        )
    return "\n".join(lines)


def causes_files(result: CauseBreakdown) -> dict[str, bytes | str]:
    """causes.json and the three CSV tables, in memory."""
    return {
        "causes.json": to_json(causes_document(result)),
        "causes_transitions.csv": to_csv(_csv_frame(result.transitions, ["source", "target"])),
        "causes_activities.csv": to_csv(result.activities),
        "causes_resources.csv": to_csv(result.resources),
    }


def causes_text(result: CauseBreakdown, *, top: int, width: int, words: Words = ENGLISH) -> str:
    """The terminal summary: totals by cause, notes, the top pairs and the per-element tables."""
    w = words
    lines: list[str] = []
    mark = ESTIMATED if result.instances_estimated else ""
    head = w(
        "cs_head",
        source=result.source,
        steps=w.count(len(result.instances)),
        total=mark + w.duration(result.wait_total_s),
        availability=availability_text(result.availability, w),
    )
    if mark:
        partly = result.starts == "partly estimated"
        head += f" ({w('cs_partly_estimated_head' if partly else 'cs_estimated_head')})"
    lines.append(head)
    if result.wait_total_s > 0:
        parts = ", ".join(
            f"{w(f'cs_cause_{name}')} {mark}{w.duration(sec)} "
            f"({w.share(sec / result.wait_total_s, 0)})"
            for name, sec in result.totals_s.items()
        )
        lines.append(w("cs_by_cause", parts=parts))
    lines.extend(batch_sentences(result, w, min(top, 3)))
    for note in cause_notes(result, w):
        lines.append(w("note", note=note))
    if not result.has_start_times and not result.instances_estimated:
        lines.append(w("note", note=w("cs_no_start")))
    lines.append("")
    lines.append(w("cs_top_pairs"))
    if result.ranking.empty:
        lines.append(w("cs_no_wait"))
    estimated_pairs = _estimated_pairs(result)
    for r in result.ranking.head(top).to_dict(orient="records"):
        cause = w(f"cs_cause_{r['cause']}")
        pair_mark = ESTIMATED if (str(r["source"]), str(r["target"])) in estimated_pairs else ""
        lines.append(
            f"{int(r['rank']):>3}  {r['source']} → {r['target']}: {cause} "
            f"{pair_mark}{w.duration(float(r['wait_s']))} "
            f"({w.share(float(r['share_of_total_wait']))})"
        )
    for kind, frame in (
        ("transition", result.transitions),
        ("activity", result.activities),
        ("resource", result.resources),
    ):
        lines.append("")
        lines.append(w(f"cs_per_{kind}"))
        lines.append(causes_table(frame, kind, width, top, w))
    return "\n".join(lines)
