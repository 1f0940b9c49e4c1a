"""The waiting-cause breakdown in words and files: causes@1 JSON, CSV tables, terminal text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import __version__
from ..analysis.causes import CAUSES, CauseBreakdown
from .data import to_csv, to_json
from .text import human_duration

CAUSES_SCHEMA = "bottleneck/causes@1"
ENABLED_DEFINITION = (
    "end of the latest earlier activity instance of the same case that ended at or before "
    "this one started"
)


def _cause_dict(row: Mapping[Any, Any], suffix: str) -> dict[str, float]:
    return {c: float(row[f"{c}{suffix}"]) for c in CAUSES}


def _rows(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        item: dict[str, Any] = {k: str(row[k]) for k in keys}
        item["count"] = int(row["count"])
        item["cases"] = int(row["cases"])
        item["wait_total_s"] = float(row["wait_total_s"])
        item["causes"] = _cause_dict(row, "_s")
        item["per_case_s"] = _cause_dict(row, "_per_case_s")
        item["shares"] = _cause_dict(row, "_share")
        out.append(item)
    return out


def cause_notes(result: CauseBreakdown) -> list[str]:
    """What the reader should know about the breakdown: time that could not be attributed."""
    if not result.instances_without_start:
        return []
    return [
        f"{result.instances_without_start:,} activity instances have no start time: the time "
        "before them cannot be told apart from their own work, so it is not attributed to a "
        f"cause ({human_duration(result.unattributed_s)} between steps left unattributed)"
    ]


def causes_document(result: CauseBreakdown) -> dict[str, Any]:
    """The breakdown as the `bottleneck/causes@1` JSON document (see docs/schema.md)."""
    return {
        "schema": CAUSES_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": result.source,
        "time": "wall_clock",
        "enabled_time": ENABLED_DEFINITION,
        "resource_kind": result.resource_kind,
        "availability": result.availability,
        "instances_analyzed": len(result.instances),
        "instances_without_start": result.instances_without_start,
        "unattributed_s": result.unattributed_s,
        "wait_total_s": result.wait_total_s,
        "causes": dict(result.totals_s),
        "notes": cause_notes(result),
        "transitions": _rows(result.transitions, ["source", "target"]),
        "activities": _rows(result.activities, ["activity"]),
        "resources": _rows(result.resources, ["resource"]),
        "ranking": [
            {
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


SHORT = {
    "batching": "batch",
    "resource_contention": "contention",
    "prioritization": "priority",
    "resource_unavailability": "unavail.",
    "extraneous": "extran.",
}


def causes_table(frame: pd.DataFrame, kind: str, width: int, top: int) -> str:
    """Rows of one aggregate as an aligned table: total wait, then each cause's share."""
    if frame.empty:
        return "(no waiting time between steps)"
    name_width = max(20, width - 18 - 11 * len(CAUSES))
    header = f"{'where work waits':<{name_width}} {'total':>8} {'count':>8}" + "".join(
        f" {SHORT[c]:>10}" for c in CAUSES
    )
    lines = [header, "-" * len(header)]
    for row in frame.head(top).to_dict(orient="records"):
        if kind == "transition":
            name = f"{row['source']} → {row['target']}"
        elif kind == "activity":
            name = f"before {row['activity']}"
        else:
            name = str(row["resource"])
        if len(name) > name_width:
            name = name[: name_width - 1] + "…"
        shares = "".join(f" {row[f'{c}_share']:>10.1%}" for c in CAUSES)
        lines.append(
            f"{name:<{name_width}} {human_duration(row['wait_total_s']):>8} "
            f"{int(row['count']):>8,}{shares}"
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


def causes_text(result: CauseBreakdown, *, top: int, width: int) -> str:
    """The terminal summary: totals by cause, notes, the top pairs and the per-element tables."""
    lines: list[str] = []
    lines.append(
        f"{result.source}: {len(result.instances):,} waiting steps, total wait "
        f"{human_duration(result.wait_total_s)}; availability: {result.availability}"
    )
    if result.wait_total_s > 0:
        parts = ", ".join(
            f"{name} {human_duration(sec)} ({sec / result.wait_total_s:.0%})"
            for name, sec in result.totals_s.items()
        )
        lines.append(f"by cause: {parts}")
    for note in cause_notes(result):
        lines.append(f"note: {note}")
    if not result.has_start_times:
        lines.append(
            "note: without start times no waiting time can be attributed to a cause: give the "
            "start column (--start-timestamp) or a log with start/complete events"
        )
    lines.append("")
    lines.append("Top (transition, cause) pairs by waiting time:")
    if result.ranking.empty:
        lines.append("(no waiting time between steps)")
    for r in result.ranking.head(top).to_dict(orient="records"):
        lines.append(
            f"{int(r['rank']):>3}  {r['source']} → {r['target']}: {r['cause']} "
            f"{human_duration(float(r['wait_s']))} ({float(r['share_of_total_wait']):.1%})"
        )
    for kind, frame in (
        ("transition", result.transitions),
        ("activity", result.activities),
        ("resource", result.resources),
    ):
        lines.append("")
        lines.append(f"Waiting time by cause, per {kind} (share of its wait):")
        lines.append(causes_table(frame, kind, width, top))
    return "\n".join(lines)
