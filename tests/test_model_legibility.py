"""Discover's default model pictures (BPMN and Petri net) fit a 180 mm column: text ≥ 6 pt and
at most 1,400 pt tall once scaled (tests/legibility.py), on the bundled samples and every
shared real log (skipped where that folder is absent); and replay within its time budget."""

from __future__ import annotations

import time
import zlib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bottleneck_finder.analysis import replay
from bottleneck_finder.analysis.analyze import analyze
from bottleneck_finder.analysis.discover import discover
from bottleneck_finder.analysis.discovery import (
    fitting_model,
    run_discovery,
    significant_activities,
)
from bottleneck_finder.api import load_log
from bottleneck_finder.prepared import PreparedLog
from bottleneck_finder.render.discovery_text import discovery_document, model_picture, page_fit
from bottleneck_finder.render.graph import dot_available, render_dot
from bottleneck_finder.render.model_graph import model_dot

from .conftest import EVENT_LOGS, SHARED_LOGS, shared_log, write
from .legibility import check

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz `dot` is not installed")
SAMPLES = sorted(p.name for p in EVENT_LOGS.glob("*.csv"))
SHARED = sorted(p.name for p in SHARED_LOGS.glob("*.gz")) if SHARED_LOGS.exists() else []


def _pictures(path: Path) -> list[bytes]:
    """Discover's default pictures, BPMN and Petri net: the 25 most significant activities,
    or fewer where that model is too wide for a page (as discover and report do)."""
    log = load_log(path)
    svgs = []
    with PreparedLog(log) as p:
        analysis = analyze(p)
        chosen = significant_activities(analysis, 25)
        for notation in ("bpmn", "petri"):
            fits = page_fit(notation)
            assert fits is not None
            model = fitting_model(p, chosen, fits=lambda m, f=fits: f(m, analysis), quality=False)
            graph = model_picture(model, notation)
            dot = model_dot(graph, analysis, projection=model.projection)
            svgs.append(render_dot(dot, "svg"))
    return svgs


def _assert_legible(svg: bytes) -> None:
    found = check(svg)
    assert found.smallest_pt >= 6.0, found
    assert found.height_at_column <= 1400.0, found


@needs_dot
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_models_are_legible(name: str) -> None:
    for svg in _pictures(EVENT_LOGS / name):
        _assert_legible(svg)


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("name", SHARED or ["(no shared logs)"])
def test_shared_models_are_legible(name: str) -> None:
    for svg in _pictures(shared_log(name)):
        _assert_legible(svg)


# ------------------------------------------------------------------------- bounded replay


def _frame(cases: int) -> pd.DataFrame:
    rows = []
    for c in range(cases):
        steps = "ABD" if c % 3 else "ACD"
        for i, a in enumerate(steps):
            rows.append((f"k{c}", a, pd.Timestamp("2025-01-06") + pd.Timedelta(seconds=i)))
    return pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])


def test_case_samples_are_nested_and_hash_chosen() -> None:
    frame = _frame(300)
    for level in range(4):
        got = set(replay.case_sample(frame, level)["case:concept:name"])
        want = {f"k{c}" for c in range(300) if zlib.crc32(f"k{c}".encode()) % 2**level == 0}
        assert got == want
    assert set(replay.case_sample(frame, 3)["case:concept:name"]) <= set(
        replay.case_sample(frame, 2)["case:concept:name"]
    )


def test_replay_on_a_sample_equals_pm4py_on_that_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """More cases than the first sample: the figures are pm4py's on the sample replayed."""
    import pm4py

    log = load_log(EVENT_LOGS / "one_stop_shop_before.csv")
    with PreparedLog(log) as p:
        model = discover(p, quality=False)
        from bottleneck_finder.analysis.discover import replay_frame

        frame = replay_frame(p)
    monkeypatch.setattr(replay, "REPLAY_FIRST", 20)
    fitness, precision, n = replay.replay_within(frame, model.net, model.initial, model.final, 60)
    assert fitness is not None and precision is not None
    levels = [replay.case_sample(frame, k) for k in range(8)]
    sample = next(s for s in levels if s["case:concept:name"].nunique() == n)
    net, im, fm = model.net, model.initial, model.final
    theirs = pm4py.fitness_token_based_replay(sample.copy(), net, im, fm)["log_fitness"]
    assert fitness == pytest.approx(theirs)
    assert precision == pytest.approx(pm4py.precision_token_based_replay(sample, net, im, fm))


def _slow_precision(*_args: Any) -> float:
    time.sleep(60)
    return 1.0


def test_replay_out_of_time_reports_no_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replay that cannot finish: no fitness or precision, and a warning saying so."""
    monkeypatch.setattr(replay, "_precision", _slow_precision)
    log = load_log(write(tmp_path, "h.csv", _csv()))
    found = run_discovery(log, time_limit=1.0)
    m = found.model
    assert (m.fitness, m.precision, m.replayed_cases) == (None, None, 0)
    doc = discovery_document(found)["model"]
    assert doc["fitness"] is None
    assert any("not measured" in text for text in doc["warnings"])


def _csv() -> str:
    rows = ["case,activity,timestamp"]
    for c in range(6):
        for i, a in enumerate("ABCD" if c % 2 else "ACBD"):
            rows.append(f"c{c},{a},2025-01-06 {8 + i:02d}:00")
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------ step down to fewer activities


def _wide_csv() -> str:
    """Ten activities A…J: case c runs A, then the others from position c on (so they differ)."""
    rows = ["case,activity,timestamp"]
    names = "ABCDEFGHIJ"
    for c in range(12):
        steps = "A" + "".join(names[1 + (c + i) % 9] for i in range(9))
        for i, a in enumerate(steps[: 4 + c % 7]):
            rows.append(f"c{c},{a},2025-01-06 {8 + i:02d}:00")
    return "\n".join(rows) + "\n"


def _eight_fit(m: Any, _analysis: Any) -> bool:
    return bool(m.projection.mined <= 8)


def test_default_model_too_wide_is_mined_again_on_fewer(tmp_path: Path) -> None:
    """Default activities and a model that does not fit: mined again on the 8 most significant
    (the 10-activity model is not kept), measured as that model, and said so."""
    log = load_log(write(tmp_path, "w.csv", _wide_csv()))
    found = run_discovery(log, fits=_eight_fit, time_limit=None)
    m = found.model
    assert m.projection is not None
    assert (m.projection.mined, m.projection.total, m.projection.stepped_from) == (8, 10, 10)
    chosen = significant_activities(found.analysis, 8)
    assert set(m.projection.names) == set(chosen)
    drawn = {t.label for t in m.net.transitions if t.label is not None}
    assert drawn <= set(chosen)
    # the figures are those of the model shown: the same as mining the 8 directly
    with PreparedLog(log) as p:
        direct = discover(p, activities=chosen, limit_text="25", time_limit=None)
    assert (m.fitness, m.precision) == (direct.fitness, direct.precision)
    assert m.pnml == direct.pnml
    doc = discovery_document(found)["model"]
    assert doc["activities"]["stepped_down_from"] == 10
    assert doc["activities"]["mined"] == 8
    assert any("too wide" in t and "10 activities" in t and "8 most" in t for t in doc["warnings"])


def test_activities_asked_are_kept_even_if_too_wide(tmp_path: Path) -> None:
    """--activities given by the user: no step down, whatever the picture."""
    log = load_log(write(tmp_path, "w.csv", _wide_csv()))
    found = run_discovery(log, activities="25", fits=_eight_fit, time_limit=None)
    assert found.model.projection is not None
    assert (found.model.projection.mined, found.model.projection.stepped_from) == (10, 0)
    assert not any(w.kind == "too_wide" for w in found.model.warnings)
