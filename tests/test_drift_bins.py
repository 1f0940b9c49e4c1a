"""`bottleneck drift --granularity cases:N`: bins of a fixed number of cases for short logs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.change_points import level_moves
from bottleneck_finder.analysis.drift import Element, LogTooShortError, drift
from bottleneck_finder.analysis.drift_series import Clock, case_bins
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.render.drift_text import drift_document, drift_text

CASES = 1500
CHANGES = (480, 1010)  # the first case of each new route (not on a bin edge of 50)


def three_weeks(seed: int) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """Three weeks of cases arriving at any hour of any day, four steps about 30 min apart:
    A B C D, then A C B D (B and C swapped) from case 480, then A B E D (C replaced by a new E)
    from case 1010; with the start times of the two changes (UTC)."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2024-03-04 00:00")
    starts = np.sort(rng.uniform(0, 21 * 86400, CASES))
    routes = (["A", "B", "C", "D"], ["A", "C", "B", "D"], ["A", "B", "E", "D"])
    rows = []
    for i, start in enumerate(starts):
        route = routes[sum(i >= c for c in CHANGES)]
        t = t0 + pd.Timedelta(seconds=float(start))
        for activity in route:
            rows.append((f"c{i}", activity, t.floor("us")))  # the log's resolution
            t += pd.Timedelta(minutes=float(rng.exponential(30)))
    truth = [
        (t0 + pd.Timedelta(seconds=float(starts[c]))).floor("us").tz_localize("UTC")
        for c in CHANGES
    ]
    return pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"]), truth


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_week_log_both_flow_changes_within_one_bin(seed: int) -> None:
    frame, truth = three_weeks(seed)
    log = load_log(frame)
    daily = drift(log)
    assert daily.granularity == "day" and daily.periods == 19  # too few days: blind
    result = drift(log, bin_cases=50)
    assert result.granularity == "cases" and result.bin_cases == 50
    assert result.periods >= 25
    edges = np.sort(frame.groupby("case_id")["timestamp"].min().to_numpy())[::50]
    clock = Clock("cases", 0, tuple(int(pd.Timestamp(e).value // 1000) for e in edges))
    assert len(result.change_points) == 2, [p.date for p in result.change_points]
    for point, when in zip(result.change_points, truth, strict=True):
        assert "flow" in point.metrics
        # within one period: the bin holding the first changed case or the next one
        at = clock.period_of(point.date.value // 1000)
        assert 0 <= at - clock.period_of(when.value // 1000) <= 1, (point.date, when)
        # the first changed case starts in the last old-level bin or the first new-level one
        assert point.date_low is not None and point.date_high is not None
        high = clock.period_of(point.date_high.value // 1000)
        assert point.date_low <= when < clock.start(high + 1)
    assert "arrivals" not in result.metrics  # every bin holds 50 new cases by construction


def test_bins_series_match_plain_pandas() -> None:
    """Bin edges at every 50th case start; the median wait and the throughput time per bin
    recomputed with pandas."""
    frame, _ = three_weeks(0)
    result = drift(load_log(frame), bin_cases=50, metrics=("wait", "throughput"))
    frame = frame.sort_values(["case_id", "timestamp"], kind="stable")
    starts = frame.groupby("case_id")["timestamp"].min().sort_values()
    edges = starts.to_numpy()[::50]
    bin_of = lambda t: np.searchsorted(edges, t, side="right") - 1  # noqa: E731
    waits = frame.assign(wait=frame.groupby("case_id")["timestamp"].diff().dt.total_seconds())
    waits = waits.dropna(subset=["wait"])
    median = waits.groupby(bin_of(waits["timestamp"].to_numpy()))["wait"].median()
    series = result.series[result.series["element"] == "all"]
    ours = series[series["metric"] == "wait_median_s"]
    got = {
        int(bin_of(p.tz_localize(None).to_datetime64())): v
        for p, v in zip(ours["period"], ours["value"], strict=True)
    }
    assert len(got) == result.periods
    for b, value in got.items():
        assert value == pytest.approx(median[b], rel=1e-9)
    ends = frame.groupby("case_id")["timestamp"].max()
    duration = (ends - starts.reindex(ends.index)).dt.total_seconds()
    through = duration.groupby(bin_of(starts.reindex(ends.index).to_numpy())).median()
    ours = series[series["metric"] == "throughput_median_s"]
    for p, v in zip(ours["period"], ours["value"], strict=True):
        assert v == pytest.approx(through[bin_of(p.tz_localize(None).to_datetime64())], rel=1e-9)


def test_bin_clock_by_hand() -> None:
    """Nine case starts in bins of 4: edges at starts 0, 4, 8; the SQL binary search agrees
    with the clock at, between and around every edge."""
    starts = np.array([50, 10, 20, 30, 40, 60, 70, 80, 95])
    edges = case_bins(starts, 4)
    assert edges == (10, 50, 95)
    clock = Clock("cases", 0, edges)
    times = [0, 9, 10, 11, 49, 50, 94, 95, 1000]
    expected = [0, 0, 0, 0, 0, 1, 1, 2, 2]
    assert [clock.period_of(t) for t in times] == expected
    assert clock.start(1) == pd.Timestamp(50, unit="us", tz="UTC")
    rows = duckdb.sql(
        f"SELECT t, {clock.sql('t')} AS p FROM unnest({times}) AS x(t) ORDER BY t"
    ).fetchall()
    assert [p for _, p in rows] == expected
    many = Clock("cases", 0, tuple(range(0, 1000, 10)))  # 100 bins: a deeper search
    probe = list(range(-5, 1010, 7))
    rows = duckdb.sql(
        f"SELECT t, {many.sql('t')} FROM unnest({probe}) AS x(t) ORDER BY t"
    ).fetchall()
    assert [p for _, p in rows] == [many.period_of(t) for t in probe]


def test_hand_built_bin_series_step_dated_at_its_bin() -> None:
    """A ×3 wait step at bin 12 of 24 irregular bins: the move starts at that bin's edge."""
    edges = tuple(int(x) for x in np.cumsum(np.r_[0, [3600e6 * (1 + (i % 5)) for i in range(23)]]))
    clock = Clock("cases", 0, edges)
    rng = np.random.default_rng(3)
    values = np.r_[np.full(12, 2 * 3600.0), np.full(12, 6 * 3600.0)] * rng.uniform(0.95, 1.05, 24)
    moves = level_moves("wait_median_s", Element(), values, np.arange(24), clock)
    assert [m.date for m in moves] == [clock.start(12)]
    assert moves[0].date_low == clock.start(11) and moves[0].date_high == clock.start(12)


def test_too_few_bins_refused() -> None:
    frame, _ = three_weeks(0)
    with pytest.raises(LogTooShortError, match="bins of 500 cases"):
        drift(load_log(frame), bin_cases=500)
    with pytest.raises(ValueError, match="at least 10 cases"):
        drift(load_log(frame), bin_cases=5)


def test_cli_granularity_cases(tmp_path: Path) -> None:
    frame, _ = three_weeks(1)
    log = tmp_path / "three_weeks.csv"
    frame.to_csv(log, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["drift", str(log), "-o", str(out), "--granularity", "cases:50", "-q"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "drift.json").read_text(encoding="utf-8"))
    assert doc["granularity"] == "cases" and doc["bin_cases"] == 50
    assert len(doc["change_points"]) == 2
    assert "bins of 50 cases with work" in result.output
    # a bin starts at a case's start: the dates carry their clock time
    assert doc["change_points"][0]["description"][:22] in result.output
    vi = CliRunner().invoke(
        cli, ["drift", str(log), "-o", str(out), "--granularity", "cases:50", "-q", "--lang", "vi"]
    )
    assert "nhóm 50 hồ sơ" in vi.output
    bad = CliRunner().invoke(cli, ["drift", str(log), "-o", str(out), "--granularity", "cases:5"])
    assert bad.exit_code == 2 and "cases:N with N at least 10" in bad.output


def test_document_and_text_name_the_bins() -> None:
    frame, _ = three_weeks(2)
    result = drift(load_log(frame), bin_cases=50)
    assert drift_document(result)["bin_cases"] == 50
    text = drift_text(result)
    first = result.change_points[0].date.strftime("%Y-%m-%d %H:%M")
    assert f"from {first}:" in text


def test_public_api_bins() -> None:
    import bottleneck_finder as bf

    frame, _ = three_weeks(0)
    doc = bf.drift(frame, bin_cases=50).document()
    assert doc["granularity"] == "cases" and doc["bin_cases"] == 50
    assert len(doc["change_points"]) == 2
