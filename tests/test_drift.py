"""`bottleneck drift`: change points on real and simulated logs, series cross-checked, CLI."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.change_points import level_changes, level_moves
from bottleneck_finder.analysis.drift import (
    MIN_PERIODS,
    DriftResult,
    Element,
    LogTooShortError,
    NoChangePointError,
    choose_granularity,
    drift,
    holiday_periods,
    split_date,
)
from bottleneck_finder.analysis.drift_series import Clock
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.render.drift_plot import drift_picture
from bottleneck_finder.render.drift_text import describe, drift_document, drift_text
from tools.simulate import LOCAL_TZ, simulate_one_stop_shop

from .conftest import shared_log

SUDDEN = "sudden_time_noise0_1000_baseline.csv.gz"
ROLLOUT = datetime(2025, 4, 16, 10, 0, tzinfo=LOCAL_TZ)  # a Wednesday
DOSSIERS = 1800  # about 13 weeks of arrivals: enough weeks for the weekly series


@pytest.fixture(scope="module")
def sudden() -> tuple[object, DriftResult]:
    log = load_log(shared_log(SUDDEN))
    return log, drift(log)


@pytest.fixture(scope="module")
def rollout_frame() -> pd.DataFrame:
    return simulate_one_stop_shop("after", dossiers=DOSSIERS, seed=3, rollout=ROLLOUT)


# --------------------------------------------------------------------------- the checks
def test_sudden_log_one_timing_change_near_the_known_date(
    sudden: tuple[object, DriftResult],
) -> None:
    _, result = sudden
    assert result.granularity == "day"  # a two-week log is cut into days
    assert len(result.change_points) == 1, [p.date for p in result.change_points]
    point = result.change_points[0]
    truth = pd.Timestamp("2019-01-17 16:00", tz="UTC")
    assert abs(point.date - truth) <= pd.Timedelta(days=1)
    assert point.main.metric.startswith(("wait", "throughput"))
    assert point.after_level < point.before_level / 2  # every gap shrinks ≈ 6×


def test_permit_log_arrivals_change_near_new_year() -> None:
    """The scope grows on 2018-01-01: dated within a week, headlined as the arrivals rise (not
    the Christmas dip before it), with the Christmas weeks flagged and no change point there."""
    result = drift(load_log(shared_log("PermitLog.xes.gz")))
    assert result.granularity == "week"
    truth = pd.Timestamp("2018-01-01", tz="Europe/Amsterdam")
    near = [p for p in result.change_points if abs(p.date - truth) <= pd.Timedelta(days=7)]
    assert len(near) == 1, [p.date for p in result.change_points]
    point = near[0]
    assert point.main.metric == "arrivals_per_day"
    assert point.after_level > 2 * point.before_level  # scope grows to the whole university
    assert point.date_low is not None and point.date_high is not None
    assert point.date_low <= truth + pd.Timedelta(days=1) and point.date <= point.date_high
    assert not [
        p for p in result.change_points if pd.Timestamp("2017-12-01", tz="UTC") <= p.date < truth
    ]
    assert pd.Timestamp("2017-12-25", tz="Europe/Amsterdam") in result.holiday_periods
    assert len(result.change_points) <= 4  # was 10 before the practical floors


@pytest.mark.parametrize(
    ("seed", "rollout"),
    [
        (1, ROLLOUT),
        (3, ROLLOUT),
        (44, datetime(2025, 4, 11, 9, 0, tzinfo=LOCAL_TZ)),  # a Friday
        (46, datetime(2025, 4, 13, 9, 0, tzinfo=LOCAL_TZ)),  # a Sunday
    ],
)
def test_planted_rollout_found_within_a_week(seed: int, rollout: datetime) -> None:
    frame = simulate_one_stop_shop("after", dossiers=DOSSIERS, seed=seed, rollout=rollout)
    result = drift(load_log(frame))
    assert result.change_points
    point = result.change_points[0]  # nothing before the rollout, the first one at it
    # the date is the first day of the new level, within one period (a week) of the rollout
    # day, though the waits of seed 3 ramp up for a week; date_low / date_high bound the step
    # (the rollout falls in the last old-level day or the first new-level one)
    day = pd.Timestamp(rollout).normalize()
    assert pd.Timedelta(0) <= point.date - day <= pd.Timedelta(days=7), point.date
    assert point.date_low is not None and point.date_high is not None
    assert point.date_low <= pd.Timestamp(rollout) < point.date_high + pd.Timedelta(days=1)
    assert point.date_low <= point.date <= point.date_high
    assert point.after_level > point.before_level  # the single signing token slows things down
    assert "flow" in point.metrics  # new steps (scan, re-typing, digital signature) appear
    assert any("Ký" in e for e in point.elements)  # the signing steps are among what moved
    assert len(result.change_points) <= 2  # at most a later second stage as the queue grows


def test_no_change_no_change_point_over_seeds() -> None:
    """False-alarm rate: the unchanged paper process over five seeds gives no change point."""
    alarms = {}
    for seed in range(5):
        result = drift(load_log(simulate_one_stop_shop("before", dossiers=DOSSIERS, seed=seed)))
        assert result.periods >= MIN_PERIODS
        alarms[seed] = [p.date for p in result.change_points]
    assert all(not dates for dates in alarms.values()), alarms


def test_short_log_is_refused_not_invented() -> None:
    log = load_log(simulate_one_stop_shop("before", dossiers=120, seed=1))
    with pytest.raises(LogTooShortError, match="at least 8 days"):
        drift(log)


# --------------------------------------------------------------------------- series cross-checks
def test_sudden_series_match_plain_pandas(sudden: tuple[object, DriftResult]) -> None:
    """Daily median / p90 wait, arrivals and throughput recomputed independently with pandas."""
    _, result = sudden
    raw = pd.read_csv(shared_log(SUDDEN))
    t = pd.to_datetime(raw["completeTime"], format="%Y/%m/%d %H:%M:%S.%f")
    raw = raw.assign(t=t, row=np.arange(len(raw))).sort_values(["case", "t", "row"])
    wait = (raw["t"] - raw.groupby("case")["t"].shift()).dt.total_seconds()
    waits = pd.DataFrame({"day": raw["t"].dt.floor("D"), "wait": wait}).dropna()
    series = result.series.assign(day=result.series["period"].dt.tz_localize(None))

    def ours(metric: str) -> pd.Series:
        part = series[(series["metric"] == metric) & (series["element"] == "all")]
        return part.set_index("day")["value"]

    median = ours("wait_median_s")
    assert len(median) >= 10
    expected = waits.groupby("day")["wait"].median().reindex(median.index)
    np.testing.assert_allclose(median.to_numpy(), expected.to_numpy(), rtol=1e-9)
    p90 = ours("wait_p90_s")
    expected90 = waits.groupby("day")["wait"].quantile(0.9).reindex(p90.index)
    np.testing.assert_allclose(p90.to_numpy(), expected90.to_numpy(), rtol=1e-9)

    cases = raw.groupby("case")["t"].agg(["min", "max"])
    starts = cases["min"].dt.floor("D")
    arrivals = ours("arrivals_per_day")
    expected_arrivals = starts.value_counts().reindex(arrivals.index, fill_value=0)
    np.testing.assert_allclose(arrivals.to_numpy(), expected_arrivals.to_numpy())  # 1 day each
    through = ours("throughput_median_s")
    duration = (cases["max"] - cases["min"]).dt.total_seconds()
    expected_through = duration.groupby(starts).median().reindex(through.index)
    np.testing.assert_allclose(through.to_numpy(), expected_through.to_numpy(), rtol=1e-9)

    relations = result.relations
    day = pd.Timestamp("2019-01-15")
    mine = relations[relations["period"].dt.tz_localize(None) == day]
    prev = raw.groupby("case")["event"].shift()
    pairs = pd.DataFrame({"day": raw["t"].dt.floor("D"), "s": prev, "a": raw["event"]}).dropna()
    theirs = pairs[pairs["day"] == day].groupby(["s", "a"]).size()
    got = mine.set_index(["source", "target"])["count"]
    assert dict(got.sort_index()) == {k: int(v) for k, v in theirs.sort_index().items()}


def test_level_moves_on_a_hand_made_step() -> None:
    """A clean step of ×3 in the middle of 20 noisy weeks: found at the step, levels right."""
    rng = np.random.default_rng(0)
    values = np.r_[np.full(10, 3600.0), np.full(10, 3 * 3600.0)] * rng.uniform(0.95, 1.05, 20)
    periods = np.arange(2800, 2820)
    clock = Clock("week", 0)
    moves = level_moves("wait_median_s", Element(), values, periods, clock)
    assert len(moves) == 1
    assert moves[0].date == clock.start(2810)
    assert moves[0].before_level == pytest.approx(np.median(values[:10]))
    assert moves[0].after_level == pytest.approx(np.median(values[10:]))
    flat = np.full(20, 3600.0) * rng.uniform(0.8, 1.2, 20)
    assert level_moves("wait_median_s", Element(), flat, periods, clock) == []


# --------------------------------------------------------------------------- false alarms
WEEK = Clock("week", 0)
TWO_YEARS = np.arange(2800, 2904)  # 104 weekly periods


def _weekly_waits(rng: np.random.Generator, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weekly median waits around `level` (seconds): the median of 40 exponential waits."""
    values = np.array([np.median(rng.exponential(x, 40)) for x in level])
    return values, np.full(len(level), 40.0)


def test_stationary_two_years_over_20_seeds_at_most_one_false_change() -> None:
    false = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        for metric, level in (
            ("wait_median_s", np.full(104, 8 * 3600.0)),
            ("throughput_median_s", np.full(104, 5 * 86400.0)),
        ):
            values, counts = _weekly_waits(rng, level)
            moves, episodes = level_changes(metric, Element(), values, TWO_YEARS, WEEK, counts)
            false += len(moves) + len(episodes)
        arrivals = rng.poisson(5 * 8.0, 104) / 5.0  # 8 cases per working day, 5 days a week
        moves, episodes = level_changes(
            "arrivals_per_day", Element(), arrivals, TWO_YEARS, WEEK, arrivals * 5
        )
        false += len(moves) + len(episodes)
    assert false <= 1


def test_known_change_points_dated_within_one_period() -> None:
    for seed in range(10):
        rng = np.random.default_rng(100 + seed)
        level = np.r_[np.full(40, 4 * 3600.0), np.full(30, 12 * 3600.0), np.full(34, 4 * 3600.0)]
        values, counts = _weekly_waits(rng, level)
        moves, episodes = level_changes("wait_median_s", Element(), values, TWO_YEARS, WEEK, counts)
        assert episodes == []
        assert len(moves) == 2, [m.date for m in moves]
        for move, truth in zip(moves, (2840, 2870), strict=True):
            assert abs(WEEK.period_of(move.date.value // 1000) - truth) <= 1
            assert move.date_low is not None and move.date_high is not None
            assert move.date_low <= WEEK.start(truth) <= move.date_high + pd.Timedelta(days=7)


def test_excursion_is_one_episode_not_two_changes() -> None:
    """Five weeks at ×4 that come back: one episode with its start, end and size."""
    for seed in range(10):
        rng = np.random.default_rng(200 + seed)
        level = np.full(104, 4 * 3600.0)
        level[50:55] *= 4
        values, counts = _weekly_waits(rng, level)
        moves, episodes = level_changes("wait_median_s", Element(), values, TWO_YEARS, WEEK, counts)
        assert moves == [], [m.date for m in moves]
        assert len(episodes) == 1
        (episode,) = episodes
        assert abs(WEEK.period_of(episode.start.value // 1000) - 2850) <= 1
        assert abs(WEEK.period_of(episode.end.value // 1000) - 2854) <= 1
        assert episode.level == pytest.approx(np.median(values[50:55]), rel=0.3)
        assert episode.before_level == pytest.approx(4 * 3600 * np.log(2), rel=0.2)


def test_small_moves_are_not_changes() -> None:
    """Waits of 3 s that double, arrivals of 1 a day that double: statistically clear, too
    small to matter (below 1 h and 2 cases per working day)."""
    rng = np.random.default_rng(7)
    waits = np.r_[np.full(52, 3.0), np.full(52, 6.0)] * rng.uniform(0.95, 1.05, 104)
    assert level_moves("wait_median_s", Element(), waits, TWO_YEARS, WEEK) == []
    rates = np.r_[np.full(52, 1.0), np.full(52, 2.5)] * rng.uniform(0.95, 1.05, 104)
    assert level_moves("arrivals_per_day", Element(), rates, TWO_YEARS, WEEK) == []
    few = np.full(104, 2.0)  # the same ×4 wait step, but two waits a week
    step = np.r_[np.full(52, 3600.0), np.full(52, 4 * 3600.0)] * rng.uniform(0.95, 1.05, 104)
    assert level_moves("wait_median_s", Element(), step, TWO_YEARS, WEEK, few * 0 + 0.2) == []
    assert len(level_moves("wait_median_s", Element(), step, TWO_YEARS, WEEK, few)) == 1


def test_holiday_weeks_flagged_but_not_a_step() -> None:
    events = np.r_[np.full(20, 100.0), [30.0, 20.0], np.full(10, 100.0), np.full(20, 350.0)]
    periods = list(range(len(events)))
    assert holiday_periods(periods, events) == {20, 21}  # the dip, not the weeks by the step


def _holiday_log(seed: int) -> pd.DataFrame:
    """Two years of a three-step process, 6 cases per weekday, ×3 from 2018-01-01, almost
    nothing in the two Christmas weeks (a dip that must not become a change)."""
    rng = np.random.default_rng(seed)
    rows = []
    day = pd.Timestamp("2017-01-02 09:00")
    case = 0
    while day < pd.Timestamp("2018-12-31"):
        christmas = (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 3)
        rate = (18 if day >= pd.Timestamp("2018-01-01") else 6) * (0.1 if christmas else 1)
        for _ in range(rng.poisson(rate) if day.weekday() < 5 else 0):
            t = day + pd.Timedelta(minutes=float(rng.uniform(0, 480)))
            for step in ("Submit", "Check", "Decide"):
                rows.append((f"c{case}", step, t))
                t += pd.Timedelta(hours=float(rng.exponential(20)))
            case += 1
        day += pd.Timedelta(days=1)
    return pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])


@pytest.mark.parametrize("seed", [1, 2])
def test_holiday_dip_before_a_rise_dated_at_the_rise(seed: int) -> None:
    result = drift(load_log(_holiday_log(seed)), metrics=("arrivals", "throughput"))
    truth = pd.Timestamp("2018-01-01", tz="UTC")
    assert len(result.change_points) == 1, [(p.date, p.main.metric) for p in result.change_points]
    point = result.change_points[0]
    assert abs(point.date - truth) <= pd.Timedelta(days=7)
    assert point.main.metric == "arrivals_per_day" and point.after_level > 2 * point.before_level
    assert result.episodes == ()
    assert pd.Timestamp("2017-12-25", tz="UTC") in result.holiday_periods


def excursion_log() -> pd.DataFrame:
    """30 weeks of two steps, 10 cases a weekday, waits of about 2 h, but 12 h in weeks 12-15."""
    rng = np.random.default_rng(5)
    rows = []
    start = pd.Timestamp("2024-01-01 09:00")
    for d in range(7 * 30):
        day = start + pd.Timedelta(days=d)
        hours = 12.0 if 12 * 7 <= d < 16 * 7 else 2.0
        for i in range(10 if day.weekday() < 5 else 0):
            t = day + pd.Timedelta(minutes=float(rng.uniform(0, 480)))
            wait = pd.Timedelta(hours=float(rng.exponential(hours)))
            rows += [(f"c{d}-{i}", "Receive", t), (f"c{d}-{i}", "Decide", t + wait)]
    return pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])


def test_excursion_log_gives_episodes_and_no_change_point(tmp_path: Path) -> None:
    result = drift(load_log(excursion_log()))
    assert result.change_points == ()
    waits = [e for e in result.episodes if e.metric == "wait_median_s"]
    assert len(waits) == 1
    (episode,) = waits
    assert episode.start == pd.Timestamp("2024-03-25", tz="UTC")  # week 12
    assert episode.end == pd.Timestamp("2024-04-15", tz="UTC")  # week 15
    series = result.series[
        (result.series["metric"] == "wait_median_s") & (result.series["element"] == "all")
    ]
    inside = series["period"].between(episode.start, episode.end)
    assert episode.level == pytest.approx(float(np.median(series["value"][inside])))
    assert episode.before_level == pytest.approx(float(np.median(series["value"][~inside])))
    text = drift_text(result)
    assert "No change point" in text
    assert "from 2024-03-25 to 2024-04-15: median wait went from" in text
    doc = drift_document(result)
    assert {e["metric"] for e in doc["episodes"]} >= {"wait_median_s", "throughput_median_s"}


def test_granularity_rule() -> None:
    week = 7 * 86_400 * 1_000_000
    assert choose_granularity(11 * week) == "day"
    assert choose_granularity(12 * week) == "week"


def test_result_is_frozen_and_input_untouched(rollout_frame: pd.DataFrame) -> None:
    log = load_log(rollout_frame)
    before = log.events.copy()
    result = drift(log)
    pd.testing.assert_frame_equal(log.events, before)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.periods = 0  # type: ignore[misc]


# --------------------------------------------------------------------------- split_date
def test_split_date_for_compare(rollout_frame: pd.DataFrame) -> None:
    log = load_log(rollout_frame)
    point = split_date(log)
    date, text = point.date, describe(point, log.display_tz)
    assert pd.Timedelta(0) <= date - pd.Timestamp(ROLLOUT).normalize() <= pd.Timedelta(days=7)
    assert text.startswith("from 2025-04-")
    assert "\n" not in text


def test_split_date_without_change_point() -> None:
    log = load_log(simulate_one_stop_shop("before", dossiers=DOSSIERS, seed=0))
    with pytest.raises(NoChangePointError, match="--split"):
        split_date(log)


# --------------------------------------------------------------------------- outputs
def test_document_and_text(rollout_frame: pd.DataFrame) -> None:
    result = drift(load_log(rollout_frame))
    doc = drift_document(result)
    assert doc["schema"] == "bottleneck/drift@1"
    (point,) = doc["change_points"]
    assert {"date", "metrics", "elements", "before_level", "after_level", "strength"} <= set(point)
    assert point["date"].startswith("2025-04-") and point["date"].endswith("+07:00")
    assert point["before_level"] == result.change_points[0].before_level
    assert {s["metric"] for s in doc["series"]} >= {
        "wait_median_s",
        "throughput_median_s",
        "arrivals_per_day",
        "flow_distance",
    }
    text = drift_text(result)
    assert "1 change point" in text and "from 2025-04-" in text and "rose from" in text


def test_pictures_png_and_repeatable_svg(rollout_frame: pd.DataFrame) -> None:
    result = drift(load_log(rollout_frame))
    png = drift_picture(result, "png")
    assert png.startswith(b"\x89PNG")
    svg = drift_picture(result, "svg")
    assert svg == drift_picture(result, "svg")
    assert b"<svg" in svg and b"Date" not in svg[:2000]


def test_one_builder_legible_in_a_print_column(rollout_frame: pd.DataFrame) -> None:
    import re

    from bottleneck_finder.render.drift_plot import CLI_STYLE, REPORT_STYLE, drift_pictures

    result = drift(load_log(rollout_frame))
    both = drift_pictures(result, ("svg", "png"))
    assert both["svg"] == drift_picture(result, "svg")  # drawn once, saved twice
    for style in (CLI_STYLE, REPORT_STYLE):
        svg = drift_pictures(result, ("svg",), style=style)["svg"].decode("utf-8")
        width = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)
        assert width is not None and float(width.group(1)) == pytest.approx(
            72 * 7.2
        )  # a 180 mm A4 column: printed at full size
        sizes = [float(x) * 100 for x in re.findall(r"scale\(([\d.]+) -[\d.]+\)", svg)]
        assert min(sizes) >= 7.0  # the smallest text (legends, dates) in points
        assert "mathdefault" not in svg
    # the report's picture: two panels (median wait, arrivals) and no title line
    report = drift_pictures(result, ("svg",), style=REPORT_STYLE)["svg"].decode("utf-8")
    assert report.count('id="axes_') == 2
    assert both["svg"].decode("utf-8").count('id="axes_') == 4


def test_cli_writes_json_and_pictures(tmp_path: Path, rollout_frame: pd.DataFrame) -> None:
    log = tmp_path / "rollout.csv"
    rollout_frame.to_csv(log, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["drift", str(log), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    for name in ("drift.json", "drift.png", "drift.svg"):
        assert (out / name).stat().st_size > 0
    doc = json.loads((out / "drift.json").read_text(encoding="utf-8"))
    assert len(doc["change_points"]) == 1
    assert "from 2025-04-" in result.output and "wrote" in result.output
    as_json = CliRunner().invoke(cli, ["drift", str(log), "-o", str(out), "-q", "--json"])
    assert json.loads(as_json.output)["change_points"] == doc["change_points"]


def test_cli_metric_and_granularity(tmp_path: Path, rollout_frame: pd.DataFrame) -> None:
    log = tmp_path / "rollout.csv"
    rollout_frame.to_csv(log, index=False)
    out = tmp_path / "arrivals"
    result = CliRunner().invoke(
        cli, ["drift", str(log), "-o", str(out), "-q", "--json", "--metric", "arrivals"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["metrics"] == ["arrivals"]
    assert doc["change_points"] == []  # the rollout changes the route, not the arrivals
    assert {s["metric"] for s in doc["series"]} == {"arrivals_per_day"}
    daily = CliRunner().invoke(
        cli, ["drift", str(log), "-o", str(out), "-q", "--json", "--granularity", "day"]
    )
    assert daily.exit_code == 0, daily.output
    assert json.loads(daily.output)["granularity"] == "day"


def test_cli_short_log_message(tmp_path: Path) -> None:
    log = tmp_path / "short.csv"
    simulate_one_stop_shop("before", dossiers=120, seed=1).to_csv(log, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["drift", str(log), "-o", str(out), "-q"])
    assert result.exit_code == 6
    assert "change points need at least 8 days" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()  # no partial output


def test_terminal_text_golden(tmp_path: Path, rollout_frame: pd.DataFrame) -> None:
    """The terminal lines for the planted rollout (tests/golden/drift/rollout.txt)."""
    import os

    log = tmp_path / "rollout.csv"
    rollout_frame.to_csv(log, index=False)
    result = CliRunner().invoke(cli, ["drift", str(log), "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 0, result.output
    got = result.output.replace(str(tmp_path), "TMP")
    golden = Path(__file__).parent / "golden" / "drift" / "rollout.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


def test_fast_cost_gives_ruptures_own_segmentation() -> None:
    """The prefix-sum least-squares cost segments exactly as ruptures' stock `l2` cost."""
    import ruptures

    from bottleneck_finder.analysis.change_points import pelt

    rng = np.random.default_rng(7)
    for n in (20, 90, 240):
        z = np.r_[rng.normal(0, 1, n // 3), rng.normal(2.5, 1, n // 3), rng.normal(0.5, 1, n)]
        stock = ruptures.Pelt(model="l2", min_size=3, jump=1).fit(z.reshape(-1, 1))
        expected = stock.predict(pen=3.0 * np.log(len(z)))[:-1]
        assert pelt(z, 3.0 * np.log(len(z))) == expected
        assert expected  # the planted steps are there to be found


def test_shipped_rollout_sample_dated_to_the_day() -> None:
    """event_logs/one_stop_shop_rollout.csv: the new route from Monday 2025-04-14 00:00."""
    path = Path(__file__).resolve().parents[1] / "event_logs" / "one_stop_shop_rollout.csv"
    if not path.exists():
        pytest.skip(f"{path.name} not found (made by event_logs/make_samples.py)")
    result = drift(load_log(path))
    assert [p.date for p in result.change_points] == [pd.Timestamp("2025-04-14 00:00", tz="+07:00")]
    assert "Tiếp nhận hồ sơ → Scan hồ sơ giấy (new)" in result.change_points[0].elements


def test_cli_two_day_log_says_why_its_days_do_not_count(tmp_path: Path) -> None:
    # cases start on two days: both are edge days, so no whole day is left (not "0 days" of work)
    log = tmp_path / "two_days.csv"
    log.write_text(
        "case,activity,timestamp\nc1,A,2025-01-01 08:00\nc2,A,2025-01-01 09:00\n"
        "c3,A,2025-01-02 10:00\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["drift", str(log), "-o", str(out), "-q"])
    assert result.exit_code == 6, result.output
    assert result.output.startswith(f"error: {log}: the log has new cases in only 0 whole days")
    assert "cut by the log's edges" in result.output and "use a longer log" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_throughput_cutoff_note_is_a_local_date(tmp_path: Path) -> None:
    """The note showed the cut as a UTC time (the day before, 17:00, for a +07:00 log)."""
    rows = ["case,activity,timestamp"]
    for day in range(20):  # one case a day from Monday 2025-03-03; the first 4 take 5 days
        start = pd.Timestamp("2025-03-03 09:00") + pd.Timedelta(days=day)
        end = start + pd.Timedelta(days=5 if day < 4 else 0, hours=1)
        rows += [f"c{day},A,{start:%Y-%m-%d %H:%M}+07:00", f"c{day},B,{end:%Y-%m-%d %H:%M}+07:00"]
    log = tmp_path / "cut.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["drift", str(log), "-o", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    # p90 throughput is 5 d 1 h and the last event 2025-03-22 10:00: a case started after
    # 03-17 09:00 may still be open, so the series keeps whole days up to 03-16 and stops before
    # 2025-03-17 (local midnight; in UTC that is 03-16 17:00, which the note used to show)
    cut = [n for n in notes if n.startswith("throughput series stops")]
    assert cut == [
        "throughput series stops at the cases that started before 2025-03-17: later cases may "
        "still be open"
    ]
