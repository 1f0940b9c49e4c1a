"""Hand-computed logs: every figure below was worked out on paper from the rows shown."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bottleneck_finder import LogColumns, analyze_log
from bottleneck_finder.cli import cli

from .conftest import write

# Complete-only: c2 has a rework loop and a tie (B and C both at 10:30, file order B then C);
# c3 is a single-event case; c4 has a tie listed C before A, so the order must be C then A.
COMPLETE_ONLY = """case_id,activity,timestamp
c1,A,2025-01-06 08:00:00
c1,B,2025-01-06 09:00:00
c1,C,2025-01-06 11:00:00
c2,A,2025-01-06 08:00:00
c2,B,2025-01-06 08:30:00
c2,B,2025-01-06 10:30:00
c2,C,2025-01-06 10:30:00
c3,A,2025-01-06 09:00:00
c4,C,2025-01-06 10:00:00
c4,A,2025-01-06 10:00:00
"""

# Start and end columns; in c1, C starts 10 minutes before B ends (an overlap: wait 0).
START_END = """ma_ho_so;buoc;thoi_gian_bat_dau;thoi_gian_ket_thuc;can_bo
c1;A;2025-01-06 08:00;2025-01-06 09:00;An
c1;B;2025-01-06 09:30;2025-01-06 10:00;Bình
c1;C;2025-01-06 09:50;2025-01-06 11:00;Chi
c2;A;2025-01-06 08:00;2025-01-06 08:20;An
c2;B;2025-01-06 10:20;2025-01-06 10:50;Bình
c2;C;2025-01-06 11:00;2025-01-06 11:00;Chi
"""

# Lifecycle events: a complete without a start (B at 09:20) and a start without a complete (C).
LIFECYCLE = """case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource
c1,A,start,2025-01-06T08:00:00+07:00,An
c1,A,complete,2025-01-06T08:30:00+07:00,An
c1,B,start,2025-01-06T09:00:00+07:00,Bình
c1,B,complete,2025-01-06T09:10:00+07:00,Bình
c1,B,complete,2025-01-06T09:20:00+07:00,Bình
c1,C,start,2025-01-06T10:00:00+07:00,Chi
"""


def by_pair(frame: pd.DataFrame) -> dict[tuple[str, str], dict[str, float]]:
    return {(r["source"], r["target"]): r for r in frame.to_dict(orient="records")}


def test_complete_only_transitions(tmp_path: Path) -> None:
    a = analyze_log(write(tmp_path, "log.csv", COMPLETE_ONLY))
    assert a.wait_definition == "end_to_previous_end"
    t = by_pair(a.transitions)
    assert set(t) == {("A", "B"), ("B", "B"), ("B", "C"), ("C", "A")}
    ab = t[("A", "B")]
    assert (ab["count"], ab["cases"]) == (2, 2)
    assert ab["wait_mean_s"] == 2700 and ab["wait_median_s"] == 2700
    assert ab["wait_p90_s"] == pytest.approx(3420) and ab["wait_max_s"] == 3600
    assert ab["wait_total_s"] == 5400
    bc = t[("B", "C")]
    assert (bc["count"], bc["wait_total_s"], bc["wait_median_s"]) == (2, 7200, 3600)
    assert bc["wait_p90_s"] == pytest.approx(6480)
    assert (t[("B", "B")]["count"], t[("B", "B")]["wait_total_s"]) == (1, 7200)
    assert (t[("C", "A")]["count"], t[("C", "A")]["wait_total_s"]) == (1, 0)
    assert a.total_wait_s == 19800


def test_complete_only_activities_cases_and_ranking(tmp_path: Path) -> None:
    a = analyze_log(write(tmp_path, "log.csv", COMPLETE_ONLY))
    acts = a.activities.set_index("activity")
    assert acts.loc["A", ["count", "cases", "rework", "wait_before_count"]].tolist() == [4, 4, 0, 1]
    assert acts.loc["B", ["count", "cases", "rework"]].tolist() == [3, 2, 1]
    assert acts.loc["B", "wait_before_total_s"] == 12600
    assert acts.loc["B", "wait_before_median_s"] == 3600
    assert acts.loc["C", "wait_before_total_s"] == 7200
    assert acts.loc["C", "wait_before_median_s"] == 3600
    # p90 by linear interpolation: B waits [1800, 3600, 7200] -> 3600 + 0.8 * 3600
    assert acts.loc["B", "wait_before_p90_s"] == pytest.approx(6480)
    assert acts.loc["C", "wait_before_p90_s"] == pytest.approx(6480)  # [0, 7200]
    assert a.log.last_event == pd.Timestamp("2025-01-06T11:00:00Z")
    assert pd.isna(acts.loc["A", "processing_mean_s"])
    assert (a.log.cases, a.log.events, a.log.activities) == (4, 10, 3)
    assert a.cases.duration_mean_s == 4950 and a.cases.duration_median_s == 4500
    assert a.cases.duration_p90_s == pytest.approx(10260) and a.cases.duration_max_s == 10800
    assert dict(zip(a.start_activities["activity"], a.start_activities["count"], strict=False)) == {
        "A": 3,
        "C": 1,
    }
    assert dict(a.end_activities.itertuples(index=False, name=None)) == {"A": 2, "C": 2}
    ranked = a.bottlenecks[a.bottlenecks["kind"] == "transition"]
    # B→C and B→B both carry 7200 s; B→C spans more cases, so it ranks first.
    assert list(zip(ranked["source"], ranked["target"], strict=False)) == [
        ("B", "C"),
        ("B", "B"),
        ("A", "B"),
        ("C", "A"),
    ]
    assert ranked["share_of_total_wait"].tolist() == pytest.approx(
        [7200 / 19800, 7200 / 19800, 5400 / 19800, 0.0]
    )
    acts_ranked = a.bottlenecks[a.bottlenecks["kind"] == "activity"]
    assert acts_ranked["activity"].tolist() == ["B", "C", "A"]


def test_start_and_end_columns_with_overlap(tmp_path: Path) -> None:
    a = analyze_log(write(tmp_path, "log.csv", START_END))
    assert a.wait_definition == "start_to_previous_end"
    assert a.columns == LogColumns(
        case="ma_ho_so",
        activity="buoc",
        timestamp="thoi_gian_ket_thuc",
        start="thoi_gian_bat_dau",
        resource="can_bo",
    )
    t = by_pair(a.transitions)
    assert (t[("A", "B")]["wait_total_s"], t[("A", "B")]["wait_mean_s"]) == (9000, 4500)
    bc = t[("B", "C")]
    assert (bc["wait_total_s"], bc["wait_median_s"], bc["overlaps"]) == (600, 300, 1)
    acts = a.activities.set_index("activity")
    assert acts.loc["A", "processing_mean_s"] == 2400
    # A always opens the case: nothing waits before it, and no zero is invented for it.
    assert acts.loc["A", "wait_before_count"] == 0
    assert pd.isna(acts.loc["A", "wait_before_median_s"])
    assert acts.loc["C", ["wait_before_count", "wait_before_total_s"]].tolist() == [2, 600]
    assert acts.loc[
        "C", ["processing_mean_s", "processing_median_s", "processing_max_s"]
    ].tolist() == [2100, 2100, 4200]
    assert acts.loc["C", "processing_p90_s"] == pytest.approx(3780)  # [0, 4200]
    assert a.cases.duration_median_s == 10800


def test_lifecycle_pairing_with_unmatched_events(tmp_path: Path) -> None:
    a = analyze_log(write(tmp_path, "log.csv", LIFECYCLE))
    assert a.wait_definition == "start_to_previous_end"
    assert (a.quality.unmatched_starts, a.quality.unmatched_completes) == (1, 1)
    t = by_pair(a.transitions)
    assert set(t) == {("A", "B"), ("B", "B")}
    assert t[("A", "B")]["wait_total_s"] == 1800
    assert t[("B", "B")]["wait_total_s"] == 600
    acts = a.activities.set_index("activity")
    assert acts.loc["B", ["count", "processing_count", "processing_mean_s"]].tolist() == [2, 1, 600]
    assert a.log.first_event == pd.Timestamp("2025-01-06T01:00:00Z")
    assert a.display_tz == "+07:00"


def test_cli_writes_the_documented_json(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    log = write(tmp_path, "log.csv", COMPLETE_ONLY)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["analyze", str(log), "-o", str(out), "--format", "dot"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "bottleneck/analysis@1"
    assert doc["log"]["cases"] == 4 and doc["log"]["has_start_times"] is False
    assert doc["wait_definition"] == "end_to_previous_end"
    first = doc["bottlenecks"][0]
    assert (first["rank"], first["kind"], first["source"], first["target"]) == (
        1,
        "transition",
        "B",
        "C",
    )
    assert first["wait_total_s"] == 7200 and first["share_of_total_wait"] == pytest.approx(
        7200 / 19800
    )
    assert {
        "activity",
        "count",
        "cases",
        "processing_mean_s",
        "processing_median_s",
        "wait_before_total_s",
        "wait_before_median_s",
        "rework",
    } <= set(doc["activities"][0])
    assert set(doc["cases"]) >= {"duration_mean_s", "duration_median_s", "duration_p90_s"}
    transitions = pd.read_csv(out / "transitions.csv")
    assert transitions["wait_total_s"].sum() == 19800
    assert (out / "process.dot").exists() and not (out / "process.svg").exists()
    assert "B → C" in result.output and "36.4%" in result.output
