"""Lifecycle pairing first-in-first-out, complete-only activities and the wait definition per
row: hand-computed logs, and the engine's SQL queue against a plain Python queue."""

from __future__ import annotations

import json
import random
from collections import defaultdict, deque
from pathlib import Path

import pandas as pd
import pytest

from bottleneck_finder import analyze_log
from bottleneck_finder.cli import cli
from bottleneck_finder.engine import DuckDBEngine, event_table, instances
from bottleneck_finder.model import QualityWarning
from bottleneck_finder.render.quality_text import quality_sentence

from .conftest import write

HEADER = "case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource\n"

# c1: three parallel instances of Check by three officers, completed in another order than
# started (Y 09:10-09:30, X 09:00-09:50, Z 09:20-10:40); Register and Archive never start
# anywhere (complete-only). c2: a Check complete with no start before it, then a Check start
# that is never completed.
MIXED = (
    HEADER
    + """c1,Register,complete,2025-01-06T08:00:00+07:00,R
c1,Check,start,2025-01-06T09:00:00+07:00,X
c1,Check,start,2025-01-06T09:10:00+07:00,Y
c1,Check,start,2025-01-06T09:20:00+07:00,Z
c1,Check,complete,2025-01-06T09:30:00+07:00,Y
c1,Check,complete,2025-01-06T09:50:00+07:00,X
c1,Check,complete,2025-01-06T10:40:00+07:00,Z
c1,Archive,complete,2025-01-06T11:00:00+07:00,R
c2,Register,complete,2025-01-06T08:00:00+07:00,R
c2,Check,complete,2025-01-06T08:30:00+07:00,X
c2,Check,start,2025-01-06T09:00:00+07:00,X
c2,Archive,complete,2025-01-06T12:00:00+07:00,R
"""
)


def by_pair(frame: pd.DataFrame) -> dict[tuple[str, str], dict[str, object]]:
    return {(r["source"], r["target"]): r for r in frame.to_dict(orient="records")}


def test_parallel_instances_pair_by_resource_first_in_first_out(tmp_path: Path) -> None:
    a = analyze_log(write(tmp_path, "log.csv", MIXED))
    q = a.quality
    # c2: one complete before any start, one start never completed; the 4 completes of
    # Register and Archive are complete-only, not unmatched
    assert (q.unmatched_starts, q.unmatched_completes, q.complete_only_events) == (1, 1, 4)
    assert a.log.activity_instances == 8  # 3 paired Check + 1 lone Check + 4 complete-only
    check = a.activities.set_index("activity").loc["Check"]
    assert check["processing_count"] == 3
    assert check["processing_total_s"] == (20 + 50 + 80) * 60
    assert check["processing_median_s"] == 50 * 60  # X's own 09:00-09:50
    assert check["processing_max_s"] == 80 * 60


def test_mixed_log_waits_follow_the_target(tmp_path: Path) -> None:
    a = analyze_log(write(tmp_path, "log.csv", MIXED))
    assert a.mixed_wait_definitions
    said = [quality_sentence(w) for w in a.quality.warnings]
    assert not any("no matching start" in w and "4" in w for w in said)
    assert [w for w in said if "matching" in w] == [
        "1 start events have no matching complete and were left out",
        "1 complete events have no matching start (processing time unknown)",
    ]
    assert [w for w in a.quality.warnings if w.kind.startswith("unmatched")] == [
        QualityWarning("unmatched_starts", count=1),
        QualityWarning("unmatched_completes", count=1),
    ]
    acts = a.activities.set_index("activity")["wait_definition"].to_dict()
    assert acts == {
        "Archive": "end_to_previous_end",
        "Check": "start_to_previous_end",
        "Register": "end_to_previous_end",
    }
    t = by_pair(a.transitions)
    assert set(t) == {("Register", "Check"), ("Check", "Check"), ("Check", "Archive")}
    # c1: Y starts 09:10, 70 min after Register's end; c2: the lone complete waits end to end,
    # 08:30 - 08:00 = 30 min
    assert t[("Register", "Check")]["wait_total_s"] == (70 + 30) * 60
    assert t[("Register", "Check")]["wait_definition"] == "start_to_previous_end"
    # Y -> X -> Z: each started before the previous one ended
    cc = t[("Check", "Check")]
    assert (cc["count"], cc["overlaps"], cc["wait_total_s"]) == (2, 2, 0)
    # Archive is complete-only: end - end, 11:00 - 10:40 and 12:00 - 08:30
    ca = t[("Check", "Archive")]
    assert ca["wait_total_s"] == (20 + 210) * 60
    assert ca["wait_definition"] == "end_to_previous_end"


def test_without_resources_the_case_and_activity_form_one_queue(tmp_path: Path) -> None:
    text = "\n".join(",".join(line.split(",")[:4]) for line in MIXED.splitlines()) + "\n"
    a = analyze_log(write(tmp_path, "log.csv", text))
    check = a.activities.set_index("activity").loc["Check"]
    # first in, first out by time: 09:00-09:30, 09:10-09:50, 09:20-10:40
    assert check["processing_total_s"] == (30 + 40 + 80) * 60
    assert check["processing_median_s"] == 40 * 60
    assert (a.quality.unmatched_starts, a.quality.unmatched_completes) == (1, 1)


def test_a_group_with_a_missing_resource_is_paired_without_resources(tmp_path: Path) -> None:
    # the complete names no resource: by resource it could never pair; the group falls back
    text = HEADER + (
        "c1,A,start,2025-01-06T08:00:00+07:00,An\n"
        "c1,A,complete,2025-01-06T08:30:00+07:00,\n"
        "c1,B,start,2025-01-06T09:00:00+07:00,An\n"
        "c1,B,complete,2025-01-06T09:20:00+07:00,Bình\n"
    )
    a = analyze_log(write(tmp_path, "log.csv", text))
    acts = a.activities.set_index("activity")
    assert acts.loc["A", "processing_total_s"] == 1800
    # B's events all name a resource, and different ones: not paired
    assert acts.loc["B", "processing_count"] == 0
    assert (a.quality.unmatched_starts, a.quality.unmatched_completes) == (1, 1)


def test_at_equal_times_the_start_comes_first(tmp_path: Path) -> None:
    text = HEADER + (
        "c1,A,complete,2025-01-06T08:00:00+07:00,An\n"
        "c1,A,start,2025-01-06T08:00:00+07:00,An\n"
        "c1,B,complete,2025-01-06T09:00:00+07:00,An\n"
        "c1,B,start,2025-01-06T08:40:00+07:00,An\n"
    )
    a = analyze_log(write(tmp_path, "log.csv", text))
    assert (a.quality.unmatched_starts, a.quality.unmatched_completes) == (0, 0)
    acts = a.activities.set_index("activity")
    assert acts["processing_total_s"].to_dict() == {"A": 0, "B": 1200}
    assert not a.mixed_wait_definitions
    assert set(a.transitions["wait_definition"]) == {"start_to_previous_end"}


def test_cli_states_the_wait_definition_per_row(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    log = write(tmp_path, "log.csv", MIXED)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["analyze", str(log), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "for the 1 activities with start times" in result.output
    assert "for the 2 complete-only activities" in result.output
    assert "no matching start" in result.output
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert doc["mixed_wait_definitions"] is True
    assert doc["data_quality"]["complete_only_events"] == 4
    assert doc["data_quality"]["unmatched_completes"] == 1
    rows = {(t["source"], t["target"]): t["wait_definition"] for t in doc["transitions"]}
    assert rows[("Check", "Archive")] == "end_to_previous_end"
    assert rows[("Register", "Check")] == "start_to_previous_end"
    acts = {r["activity"]: r["wait_definition"] for r in doc["activities"]}
    assert acts["Register"] == "end_to_previous_end"
    csv = pd.read_csv(out / "transitions.csv")
    assert list(csv.columns)[-1] == "wait_definition"
    assert sorted(csv["wait_definition"]) == sorted(
        r["wait_definition"] for r in doc["transitions"]
    )


def _python_fifo(events: pd.DataFrame) -> tuple[list[tuple[int, int, int, int, int]], int, int]:
    """A plain queue per (case, activity, resource key): the instances (case, activity,
    start, end, row) of matched completes, and the unmatched starts and completes."""
    resource_complete = events.groupby(["case", "activity"])["resource"].apply(
        lambda r: bool(r.notna().all())
    )
    order = events.assign(first=-events["lifecycle"]).sort_values(["end", "first", "row"])
    queues: dict[tuple[int, int, int], deque[int]] = defaultdict(deque)
    pairs, lone = [], 0
    for e in order.itertuples():
        key = (e.case, e.activity, e.resource if resource_complete[(e.case, e.activity)] else -1)
        if e.lifecycle == 1:
            queues[key].append(e.end)
        elif queues[key]:
            pairs.append((e.case, e.activity, queues[key].popleft(), e.end, e.row))
        else:
            lone += 1
    return sorted(pairs), sum(len(q) for q in queues.values()), lone


@pytest.mark.parametrize("seed", range(6))
def test_sql_queue_equals_a_python_queue(seed: int) -> None:
    rng = random.Random(seed)
    rows = []
    for row in range(400):
        resource = rng.choice([0, 1, 2, None]) if seed % 2 else rng.choice([0, 1])
        rows.append(
            {
                "case": rng.randrange(5),
                "activity": rng.randrange(3),
                "resource": resource,
                "lifecycle": rng.choice([0, 1]),
                "end": rng.randrange(60),  # many ties
                "row": row,
            }
        )
    frame = pd.DataFrame(rows)
    events = pd.DataFrame(
        {
            "case": pd.Categorical(frame["case"].astype(str)),
            "activity": pd.Categorical(frame["activity"].astype(str)),
            "resource": pd.Categorical(
                frame["resource"].map(lambda r: None if pd.isna(r) else str(int(r)))
            ),
            "group": pd.Categorical([None] * len(frame)),
            "lifecycle": pd.Categorical(
                frame["lifecycle"].map({1: "start", 0: "complete"}),
                categories=["complete", "start"],
            ),
            "end_us": frame["end"].astype("int64"),
            "start_us": pd.array([None] * len(frame), dtype="Int64"),
            "row": frame["row"].astype("int64"),
        }
    )
    # codes as the engine sees them
    frame["case"] = events["case"].cat.codes
    frame["activity"] = events["activity"].cat.codes
    frame["resource"] = events["resource"].cat.codes.where(events["resource"].notna())
    expected, starts_left, lone = _python_fifo(frame)
    eng = DuckDBEngine()
    try:
        eng.register("events", event_table(events))
        eng.materialize("q", instances.queue("events"))
        got = eng.frame(instances.activity_instances("q", paired=True))
        counts = eng.frame(instances.unmatched_counts("q")).iloc[0]
    finally:
        eng.close()
    paired = got[got["start_us"].notna()]
    assert (
        sorted(
            (int(r.case_id), int(r.activity), int(r.start_us), int(r.end_us), int(r.row_no))
            for r in paired.itertuples()
        )
        == expected
    )
    assert len(got) - len(paired) == lone
    assert int(counts["unmatched_starts"]) == starts_left
    assert int(counts["unmatched_completes"]) + int(counts["complete_only_events"]) == lone
