"""`--calendar` in `drift`, `discover` and `report`: working-time figures on real dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.drift import drift
from bottleneck_finder.api import load_log
from bottleneck_finder.calendar import vietnam
from bottleneck_finder.cli import cli

ROLLOUT = Path(__file__).parent.parent / "event_logs" / "one_stop_shop_rollout.csv"
PLANTED = pd.Timestamp("2025-04-16 10:00", tz="Asia/Ho_Chi_Minh")  # the sample's rollout
H = 3600.0
US = 1_000_000


@pytest.fixture(scope="module")
def rollout_drift() -> tuple[Any, Any]:
    log = load_log(ROLLOUT)
    return drift(log), drift(log, calendar=vietnam())


def _overall(result: Any, metric: str) -> pd.Series:
    s = result.series
    part = s[(s["metric"] == metric) & (s["element"] == "all")]
    return part.set_index("period")["value"]


def _monday(local: pd.DatetimeIndex) -> np.ndarray:
    """The local Monday (YYYY-MM-DD) of each local time."""
    monday = local.tz_localize(None).normalize() - pd.to_timedelta(local.day_of_week, unit="D")
    return np.asarray(monday.strftime("%Y-%m-%d"))


def _us(times: pd.Series) -> pd.Series:
    return times.dt.as_unit("us").astype("int64")


def _days(index: pd.Index) -> list[str]:
    return list(pd.DatetimeIndex(index).tz_convert("Asia/Ho_Chi_Minh").strftime("%Y-%m-%d"))


def test_drift_series_in_working_time_on_real_weeks(rollout_drift: tuple[Any, Any]) -> None:
    """Weekly waits and throughput recomputed with plain pandas from the CSV: each wait is the
    working time between the previous step's end and this step's start (floored at 0), in the
    week of its real start; each case's throughput time is the working time from its first
    start to its last end, in the week of its real first start."""
    wall, work = rollout_drift
    assert work.time_basis == "working:vn" and work.day_s == 8 * H
    raw = pd.read_csv(ROLLOUT)
    start = pd.to_datetime(raw["thoi_gian_bat_dau"], utc=True)
    end = pd.to_datetime(raw["thoi_gian_ket_thuc"], utc=True)
    us = {"s": _us(start), "e": _us(end)}
    frame = pd.DataFrame({"case": raw["ma_ho_so"], **us, "row": np.arange(len(raw))})
    frame = frame.sort_values(["case", "e", "s", "row"], kind="stable")
    prev_end = frame.groupby("case")["e"].shift()
    has_prev = prev_end.notna().to_numpy()
    cal = vietnam()
    s_us = frame["s"].to_numpy()[has_prev]
    p_us = prev_end.to_numpy()[has_prev].astype("int64")
    wait = np.maximum(cal.working_duration_us(p_us, s_us), 0) / US  # floored like the tool
    local = pd.to_datetime(s_us, unit="us", utc=True).tz_convert("Asia/Ho_Chi_Minh")
    waits = pd.Series(wait).groupby(_monday(local))
    median = _overall(work, "wait_median_s")
    assert len(median) >= 8
    keys = _days(median.index)
    np.testing.assert_allclose(median.to_numpy(), waits.median().reindex(keys).to_numpy())
    p90 = _overall(work, "wait_p90_s")
    np.testing.assert_allclose(p90.to_numpy(), waits.quantile(0.9).reindex(keys).to_numpy())

    cases = frame.groupby("case").agg(first=("s", "min"), last=("e", "max"))
    through = cal.working_duration_us(cases["first"].to_numpy(), cases["last"].to_numpy()) / US
    first = pd.to_datetime(cases["first"].to_numpy(), unit="us", utc=True)
    cweek = _monday(first.tz_convert("Asia/Ho_Chi_Minh"))
    ours = _overall(work, "throughput_median_s")
    assert len(ours) >= 5
    theirs = pd.Series(through).groupby(cweek).median()
    okeys = _days(ours.index)
    np.testing.assert_allclose(ours.to_numpy(), theirs.reindex(okeys).to_numpy())
    # working time is shorter than wall-clock time: nights and weekends are not counted
    assert (ours < _overall(wall, "throughput_median_s").reindex(ours.index)).all()

    # arrivals per working day of the calendar: cases started in the (real) week ÷ the
    # calendar's working days in it (a week with a public holiday has fewer)
    arrivals = _overall(work, "arrivals_per_day")
    started = pd.Series(1, index=cweek).groupby(level=0).sum()
    akeys = _days(arrivals.index)
    working_days = [
        sum(cal.is_working_day((pd.Timestamp(k) + pd.Timedelta(days=i)).date()) for i in range(7))
        for k in akeys
    ]
    expected = started.reindex(akeys).to_numpy() / np.array(working_days)
    np.testing.assert_allclose(arrivals.to_numpy(), expected)
    assert min(working_days) < 5  # the week of 30 April and 1 May has fewer working days
    # periods and dates stay real: the same weeks as without calendar
    assert list(arrivals.index) == list(_overall(wall, "arrivals_per_day").index)
    assert (work.first_period, work.last_period) == (wall.first_period, wall.last_period)
    assert work.change_points
    for point in work.change_points:
        local_date = point.date.tz_convert("Asia/Ho_Chi_Minh")
        assert local_date == local_date.normalize()  # a local midnight, a real date
    assert min(abs(p.date - PLANTED) for p in work.change_points) <= pd.Timedelta(days=7)


def test_drift_cli_says_working_time(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["drift", str(ROLLOUT), "-o", str(out), "-q", "--metric", "throughput"]
    r = CliRunner().invoke(cli, [*args, "--calendar", "vn"])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "drift.json").read_text("utf-8"))
    assert doc["time_basis"] == "working:vn"
    assert "waits and throughput times are working time (calendar vn; 1 wd = 8 h of work)" in (
        r.output
    )
    assert " wd" in r.output  # levels told in working days
    assert doc["periods"]["first"].startswith("2025-03-10T00:00:00+07:00")
    plain = tmp_path / "plain"
    r = CliRunner().invoke(cli, ["drift", str(ROLLOUT), "-o", str(plain), "-q"])
    assert r.exit_code == 0, r.output
    assert json.loads((plain / "drift.json").read_text("utf-8"))["time_basis"] == "wall_clock"
    assert "working time" not in r.output


# March 2025 has no Vietnamese public holiday; 03-07 is a Friday, 03-10 a Monday.
HANDOFFS = """case,activity,start,end,who
c1,A,2025-03-07 15:00+07:00,2025-03-07 16:00+07:00,an
c1,B,2025-03-10 09:00+07:00,2025-03-10 10:00+07:00,binh
c1,B,2025-03-10 13:00+07:00,2025-03-10 14:00+07:00,binh
c2,A,2025-03-12 10:00+07:00,2025-03-12 11:00+07:00,an
c2,B,2025-03-12 13:30+07:00,2025-03-12 14:00+07:00,binh
"""
COLS = ["--case", "case", "--activity", "activity", "--timestamp", "end"]
COLS += ["--start-timestamp", "start", "--resource", "who"]


def _discover(tmp_path: Path, *extra: str) -> tuple[dict[str, Any], str]:
    log = tmp_path / "handoffs.csv"
    log.write_text(HANDOFFS, encoding="utf-8")
    out = tmp_path / ("disc" + "".join(extra).replace("-", "_"))
    args = ["discover", str(log), *COLS, "-o", str(out), "--format", "dot", "-q", *extra]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    return json.loads((out / "discovery.json").read_text("utf-8")), r.output


def test_discover_annotations_in_working_time(tmp_path: Path) -> None:
    doc, text = _discover(tmp_path, "--calendar", "vn")
    assert doc["time_basis"] == "working:vn"
    # c1: A→B Fri 16:00-17:00 + Mon 07:30-09:00 = 2.5 h; B→B Mon 10:00-11:30 = 1.5 h (lunch
    # 11:30-13:00 not counted); c2: A→B 11:00-11:30 + 13:00-13:30 = 1 h
    variants = {tuple(v["activities"]): v for v in doc["variants"]}
    # c1 from Fri 15:00 to Mon 14:00: 2 h + 4 h + 1 h = 7 h; c2 10:00-14:00 less lunch: 2.5 h
    assert variants[("A", "B", "B")]["duration_median_s"] == 7 * H
    assert variants[("A", "B")]["duration_median_s"] == 2.5 * H
    assert variants[("A", "B", "B")]["slower_than_most_common_s"] == 4.5 * H
    (loop,) = doc["rework"]
    assert loop["added_wait_total_s"] == 1.5 * H and loop["added_work_total_s"] == 1 * H
    (pair,) = doc["handoffs"]
    assert (pair["from_group"], pair["to_group"], pair["count"]) == ("an", "binh", 2)
    assert pair["wait_total_s"] == 2.5 * H + 1 * H
    assert pair["wait_median_s"] == (2.5 * H + 1 * H) / 2
    summary = {row["kind"]: row for row in doc["handoff_summary"]}
    assert summary["all"]["wait_total_s"] == 2.5 * H + 1.5 * H + 1 * H
    assert "durations are working time (calendar vn; 1 wd = 8 h of work)" in text
    assert "median 7 h" in text  # variant #2, in working hours
    # the same log in wall-clock time: the weekend counts, the mined model is the same
    plain, plain_text = _discover(tmp_path)
    assert plain["time_basis"] == "wall_clock" and "working time" not in plain_text
    walled = {tuple(v["activities"]): v for v in plain["variants"]}
    assert walled[("A", "B", "B")]["duration_median_s"] == (71 * H)  # Fri 15:00 → Mon 14:00
    assert plain["model"] == doc["model"]


# one dossier waiting from Fri 03-07 16:00 to Wed 03-12 10:30: in working time Fri 1 h +
# Mon 8 h + Tue 8 h + Wed 07:30-10:30 3 h = 20 h = 2.5 working days of 8 h (4.8 real days)
REPORT_LOG = """case,activity,start,end,who
c1,A,2025-03-07 15:00+07:00,2025-03-07 16:00+07:00,an
c1,B,2025-03-12 10:30+07:00,2025-03-12 11:00+07:00,binh
"""


def _report(tmp_path: Path, lang: str, *extra: str) -> str:
    log = tmp_path / "one.csv"
    log.write_text(REPORT_LOG, encoding="utf-8")
    out = tmp_path / f"report-{lang}{len(extra)}"
    args = ["report", str(log), *COLS, "-o", str(out), "--no-pdf", "-q", "--lang", lang]
    args += ["--skip", "drift,causes,flows,model", *extra]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    return (out / "report.md").read_text("utf-8")


def test_report_in_working_days_says_its_calendar(tmp_path: Path) -> None:
    vi = _report(tmp_path, "vi", "--calendar", "vn")
    methods = vi[vi.index("## Phương pháp") :]
    assert "tính theo giờ làm việc của lịch công sở Việt Nam (vn)" in methods
    assert "thứ Hai–thứ Sáu 07:30–11:30 và 13:00–17:00" in methods
    assert "Một ngày làm việc là 8 giờ làm việc" in methods
    assert "lịch liên tục (24/7)" not in methods
    assert "trung vị 2,5 ngày làm việc mỗi lần" in vi  # the bottleneck finding
    assert "07/03/2025 – 12/03/2025" in vi  # dates stay real
    head = vi[: vi.index("## ")]  # the first page says it too
    assert "Thời gian tính theo ngày làm việc theo lịch nhà nước Việt Nam" in head
    assert "4,8 ngày" not in vi
    en = _report(tmp_path, "en", "--calendar", "vn")
    assert "counts working time only, by the Vietnamese public-office (vn) calendar" in en
    assert "a median of 2.5 wd each time" in en and "A working day (wd) is 8 working" in en
    default = _report(tmp_path, "vi")  # the default in Vietnamese: the same report
    assert default.rsplit("\n---\n", 1)[0] == vi.rsplit("\n---\n", 1)[0]
    # without a calendar: calendar time, as before
    plain = _report(tmp_path, "vi", "--calendar", "none")
    assert "Thời gian tính theo lịch liên tục 24/7" in plain[: plain.index("## ")]
    assert "lịch liên tục (24/7)" in plain and "ngày làm việc" not in plain.replace(
        "Hồ sơ mới / ngày làm việc", ""
    )
    assert "trung vị 4,8 ngày mỗi lần" in plain


def test_bad_calendar_stops_before_reading(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('timezone = "UTC"\n[hours]\nmon = ["8-12"]\n', encoding="utf-8")
    for command in ("drift", "discover", "report"):
        # the calendar is read before the log: a missing log is not what is reported
        args = [command, str(tmp_path / "missing.csv"), "--calendar", str(bad)]
        r = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / command)])
        assert r.exit_code == 2 and "bad.toml: hours.mon: '8-12'" in r.output, r.output
        assert "Traceback" not in r.output
        r = CliRunner().invoke(cli, [command, str(ROLLOUT), "--calendar", "mars"])
        assert r.exit_code == 2 and "no such calendar 'mars'" in r.output, r.output
        assert not (tmp_path / command).exists()


def test_report_measures_in_working_time_on_real_weeks(tmp_path: Path) -> None:
    from bottleneck_finder.columns import LogColumns
    from bottleneck_finder.reporting.measures import measure

    path = tmp_path / "one.csv"
    path.write_text(REPORT_LOG, encoding="utf-8")
    columns = LogColumns(case="case", activity="activity", timestamp="end", start="start")
    data = measure(load_log(path, columns), calendar=vietnam())
    # Fri 15:00 → Wed 11:00: Fri 2 h + Mon 8 h + Tue 8 h + Wed 07:30-11:00 3.5 h
    assert data.cases["duration_s"].tolist() == [21.5 * H]
    assert data.analysis.cases.duration_max_s == 21.5 * H
    assert data.top_waits[0].waits_s.tolist() == [20 * H]
    assert data.weekly["median_wait_s"].tolist() == [20 * H]
    assert data.processing_total_s == 1.5 * H
    # the case started in the week of Monday 03-03 (real date), its first event is real
    assert data.weekly["week"].dt.strftime("%Y-%m-%d").tolist() == ["2025-03-03"]
    assert data.analysis.log.first_event == pd.Timestamp("2025-03-07 08:00", tz="UTC")
    assert data.cases["first_us"].tolist() == [
        pd.Timestamp("2025-03-07 08:00", tz="UTC").value // 1000
    ]
