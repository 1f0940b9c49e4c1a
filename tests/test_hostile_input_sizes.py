"""Hostile sizes end in bounded time: 100,000 activities, a case of 10^6 events, blank lines."""

from __future__ import annotations

import gzip
import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli

T0 = pd.Timestamp("2024-01-01T08:00:00Z")
DISCOVER_FILES = {
    "discovery.json",
    "handoffs.csv",
    "model.bpmn",
    "model.pnml",
    "model.svg",
    "rework.csv",
    "variants.csv",
}


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


def wide_log(path: Path) -> Path:
    """100,000 activities, one event each, in two cases of 50,000 steps one minute apart."""
    n = 100_000
    frame = pd.DataFrame(
        {
            "case_id": np.where(np.arange(n) < n // 2, "a", "b"),
            "activity": [f"Activity {i:06d}" for i in range(n)],
            "timestamp": T0 + pd.to_timedelta(np.arange(n), unit="min"),
        }
    )
    frame.to_parquet(path, index=False)
    return path


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return wide_log(tmp_path_factory.mktemp("wide") / "wide.parquet")


@pytest.mark.slow
def test_discover_on_100000_activities_in_two_cases_ends(wide: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run(["discover", str(wide), "--time-limit", "3", "-q", "-o", str(out)])
    assert code == 0, output
    assert {p.name for p in out.iterdir()} == DISCOVER_FILES  # nothing half-written left
    document = json.loads((out / "discovery.json").read_text())
    assert document["variant_count"] == 2  # the two cases, each its own chain
    assert document["model"]["cases"] == 2
    assert document["rework_summary"]["repeats"] == 0  # no activity happens twice


@pytest.mark.slow
def test_report_on_100000_activities_in_two_cases_draws_a_small_map(
    wide: Path, tmp_path: Path
) -> None:
    """It drew all 50,000 steps of one chain (the paths of the required bottleneck) and
    Graphviz gave up after 300 s (exit 9); the required activity now comes alone."""
    out = tmp_path / "out"
    code, output = run(["report", str(wide), "--no-pdf", "--lang", "en", "-q", "-o", str(out)])
    assert code == 0, output
    written = {p.name for p in out.iterdir()}
    assert written == {"figures", "report.md", "report.html", "analysis.json", "drift.json"}
    svg = (out / "figures" / "process.svg").read_text()
    boxes = {name for name in (f"Activity {i:06d}" for i in range(100_000)) if name in svg}
    assert 1 <= len(boxes) <= 25  # the default budget
    # the legend, set under the map in the report, counts what is hidden: every activity but
    # the boxes drawn
    legend = (out / "report.md").read_text("utf-8")
    assert f"Hidden: {100_000 - len(boxes):,} of 100,000 activities" in legend


@pytest.mark.slow
def test_discover_on_one_case_of_a_million_events_ends(tmp_path: Path) -> None:
    m = 1_000_000
    rng = np.random.default_rng(1)
    names = np.array(["Receive", "Check", "Approve", "Reject", "Archive"])
    activity = names[rng.integers(0, 5, m)]
    log = tmp_path / "one.parquet"
    pd.DataFrame(
        {
            "case_id": "only",
            "activity": activity,
            "timestamp": T0 + pd.to_timedelta(np.arange(m) * 60 + rng.integers(0, 30, m), "s"),
        }
    ).to_parquet(log, index=False)
    out = tmp_path / "out"
    code, output = run(["discover", str(log), "--time-limit", "2", "-q", "-o", str(out)])
    assert code == 0, output
    assert {p.name for p in out.iterdir()} == DISCOVER_FILES
    document = json.loads((out / "discovery.json").read_text())
    assert document["variant_count"] == 1
    assert document["model"]["cases"] == 1
    rework = document["rework_summary"]
    assert rework["repeats"] == m - 5  # every event after each activity's first
    assert rework["self_loops"] == int((activity[1:] == activity[:-1]).sum())
    assert rework["back_loops"] == m - 5 - rework["self_loops"]


def blank_lines_gzip(path: Path, line_end: bytes) -> Path:
    """A CSV header and 2^29 blank lines, gzipped into about 0.5–1 MB (gzip members)."""
    chunk = gzip.compress(line_end * (1 << 24), compresslevel=9)
    with path.open("wb") as handle:
        handle.write(gzip.compress(b"case_id;activity;timestamp" + line_end))
        for _ in range(32):
            handle.write(chunk)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("line_end", [b"\r\n", b"\r", b"\n"], ids=["crlf", "cr", "lf"])
def test_a_header_and_2_to_the_29_blank_lines_is_an_empty_log(
    tmp_path: Path, line_end: bytes
) -> None:
    """It was a crash (SIGSEGV, exit 139, no message) inside Arrow's streaming CSV reader."""
    log = blank_lines_gzip(tmp_path / "blank.csv.gz", line_end)
    assert log.stat().st_size < 1_100_000
    out = tmp_path / "out"
    code, output = run(["analyze", str(log), "-q", "-o", str(out)])
    assert code == 6, output
    assert output == f"error: {log}: the log has no events — check the export\n"
    assert not out.exists()


def test_a_required_activity_at_the_end_of_a_long_chain_comes_alone() -> None:
    """A chain of 1,000 activities: the required last one's widest path from start holds all
    999 others, more than `REQUIRED_PATH_ROOM` beyond the budget, so it is drawn alone."""
    from bottleneck_finder.analysis.abstraction import REQUIRED_PATH_ROOM, Arrow, abstract

    names = [f"A{i:04d}" for i in range(1000)]
    arrows = [Arrow(s, t, 1, 60.0) for s, t in pairwise(names)]
    counts = dict.fromkeys(names, 1)
    starts, ends = {names[0]: 1}, dict.fromkeys(names, 1)  # cases end anywhere
    view = abstract(counts, arrows, starts, ends, required_activities=[names[-1]], activities=5)
    assert names[-1] in view.activities
    assert len(view.activities) <= 5
    # one whose path from start (and its direct end) fits the room still comes with it,
    # connected, beyond the budget of 1
    near = names[REQUIRED_PATH_ROOM - 2]
    view = abstract(counts, arrows, starts, ends, required_activities=[near], activities=1)
    assert set(names[: REQUIRED_PATH_ROOM - 1]) <= set(view.activities)
