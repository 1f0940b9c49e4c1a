"""Default maps fit a 180 mm column: text ≥ 6 pt, no overlapping labels, ≤ 27 boxes, ≤ 50 arrows.

On the bundled sample logs, every shared real log (skipped where that folder is absent) and
generated logs with 400 and 2,500 activities (tests/wide_logs.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bottleneck_finder import api
from bottleneck_finder.columns import LogColumns
from bottleneck_finder.render.dot import PALETTE, wait_bin, wait_labels, wait_thresholds
from bottleneck_finder.render.graph import GraphOptions, dot_available, process_dot, render_dot
from bottleneck_finder.render.words import Words

from .conftest import EVENT_LOGS, ROOT, SHARED_LOGS, shared_log
from .legibility import check
from .wide_logs import wide_log

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz `dot` is not installed")
SVGCHECK = ROOT.parent / "shared" / "tools" / "svgcheck.py"
SAMPLES = sorted(p.name for p in EVENT_LOGS.glob("*.csv"))
SHARED = sorted(p.name for p in SHARED_LOGS.glob("*.gz")) if SHARED_LOGS.exists() else []


def _assert_legible(svg: bytes) -> None:
    found = check(svg)
    assert found.smallest_pt >= 6.0, found
    assert found.height_at_column <= 1400.0, found
    assert found.nodes <= 27, found
    assert found.edges <= 50, found
    assert not found.overlaps, found.overlaps


@needs_dot
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_maps_are_legible(name: str) -> None:
    result = api.analyze(EVENT_LOGS / name, flows=False)
    _assert_legible(render_dot(process_dot(result.analysis), "svg"))


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("name", SHARED or ["(no shared logs)"])
def test_shared_maps_are_legible(name: str) -> None:
    path = shared_log(name)
    result = api.analyze(path, flows=False)
    _assert_legible(render_dot(process_dot(result.analysis), "svg"))


@needs_dot
@pytest.mark.parametrize("activities", [400, 2500])
def test_wide_generated_maps_are_legible(activities: int) -> None:
    frame = wide_log(activities, cases=120 if activities > 1000 else 200)
    columns = LogColumns(case="case", activity="activity", timestamp="timestamp")
    result = api.analyze(frame, columns=columns, flows=False)
    assert len(result.activities) > 300
    svg = render_dot(process_dot(result.analysis), "svg")
    _assert_legible(svg)
    # Hidden activities are not drawn: no grid of boxes, the legend counts them instead.
    assert b"Hidden: " in svg


def _vietnamese_calendar_map(path: Path, tmp_path: Path) -> None:
    """`--lang vi --calendar vn`: the swatches read "< 1 ngày LV", the line above them says
    what "ngày LV" is, and the map passes the checker and svgcheck at 6 pt."""
    result = api.analyze(path, flows=False, calendar="vn")
    assert result.calendar is not None
    words = Words("vi", workday_s=float(result.calendar.workday_seconds))
    svg = render_dot(process_dot(result.analysis, GraphOptions(words=words)), "svg")
    _assert_legible(svg)
    text = svg.decode("utf-8")
    assert ">&lt; 1 ngày LV<" in text and ">≥ 5 ngày LV<" in text
    assert text.count("ngày LV = ngày làm việc (8 giờ làm việc)") == 1
    assert "&lt; 1 ngày làm việc" not in text and "≥ 5 ngày làm việc" not in text
    if SVGCHECK.exists():
        (tmp_path / "map.svg").write_bytes(svg)
        done = subprocess.run(
            [sys.executable, str(SVGCHECK), str(tmp_path / "map.svg"), "6", "32"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout


@needs_dot
@pytest.mark.parametrize("name", SAMPLES)
def test_vietnamese_calendar_sample_maps_are_legible(name: str, tmp_path: Path) -> None:
    _vietnamese_calendar_map(EVENT_LOGS / name, tmp_path)


@needs_dot
@pytest.mark.slow
def test_vietnamese_calendar_permit_map_is_legible(tmp_path: Path) -> None:
    _vietnamese_calendar_map(shared_log("PermitLog.xes.gz"), tmp_path)


def test_the_colour_scale_is_fixed_and_on_the_clock_in_use() -> None:
    assert wait_thresholds() == (600.0, 3600.0, 14400.0, 86400.0, 259200.0, 604800.0)
    assert wait_thresholds(8 * 3600.0) == (600.0, 3600.0, 14400.0, 28800.0, 86400.0, 144000.0)
    assert [wait_bin(s) for s in (0, 599, 600, 3599, 3600, 86399, 86400, 604800)] == [
        0, 0, 1, 1, 2, 3, 4, 6,
    ]  # fmt: skip
    assert wait_bin(float("nan")) == 0 and len(wait_labels(Words("en"))) == len(PALETTE)
    en = wait_labels(Words("en"))
    assert en == ("< 10 min", "< 1 h", "< 4 h", "< 1 d", "< 3 d", "< 7 d", "≥ 7 d")
    assert wait_labels(Words("en", workday_s=8 * 3600.0))[-1] == "≥ 5 wd"
    vi = wait_labels(Words("vi", workday_s=8 * 3600.0))
    assert vi[3:] == ("< 1 ngày LV", "< 3 ngày LV", "< 5 ngày LV", "≥ 5 ngày LV")
    assert not any("< 0" in label for label in en)


def test_explicit_budgets_are_kept(tmp_path: Path) -> None:
    result = api.analyze(EVENT_LOGS / SAMPLES[0], flows=False)
    dot = process_dot(result.analysis, GraphOptions(activities="all", paths="all"))
    assert "Hidden" not in dot
