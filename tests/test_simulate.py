"""Tests for the one-stop-shop simulator and the sample logs it ships."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from tools.simulate import simulate_one_stop_shop

EVENT_LOGS = Path(__file__).resolve().parent.parent / "event_logs"
COLUMNS = [
    "ma_ho_so",
    "thu_tuc",
    "buoc",
    "thoi_gian_bat_dau",
    "thoi_gian_ket_thuc",
    "can_bo",
    "don_vi",
]
PLANTED = "Ký số phê duyệt"


@pytest.fixture(scope="module")
def logs() -> dict[str, pd.DataFrame]:
    return {s: simulate_one_stop_shop(s) for s in ("before", "after")}


def _waits(df: pd.DataFrame) -> pd.DataFrame:
    """Wait before each step = its start minus the end of the previous step of the dossier."""
    start = pd.to_datetime(df["thoi_gian_bat_dau"])
    end = pd.to_datetime(df["thoi_gian_ket_thuc"])
    previous_end = end.groupby(df["ma_ho_so"]).shift()
    out = pd.DataFrame({"buoc": df["buoc"], "wait": start - previous_end})
    return out[previous_end.notna()]


def test_deterministic() -> None:
    for scenario in ("before", "after"):
        a = simulate_one_stop_shop(scenario, dossiers=120, seed=7)
        b = simulate_one_stop_shop(scenario, dossiers=120, seed=7)
        pd.testing.assert_frame_equal(a, b)
    other = simulate_one_stop_shop("after", dossiers=120, seed=8)
    assert not other.equals(simulate_one_stop_shop("after", dossiers=120, seed=7))


@pytest.mark.parametrize("scenario", ["before", "after"])
def test_shipped_csv_is_reproducible(logs: dict[str, pd.DataFrame], scenario: str) -> None:
    shipped = (EVENT_LOGS / f"one_stop_shop_{scenario}.csv").read_bytes()
    regenerated = logs[scenario].to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert regenerated == shipped


@pytest.mark.parametrize("scenario", ["before", "after"])
def test_shape_and_order(logs: dict[str, pd.DataFrame], scenario: str) -> None:
    df = logs[scenario]
    assert list(df.columns) == COLUMNS
    assert df["ma_ho_so"].nunique() == 900
    assert df["ma_ho_so"].str.fullmatch(r"HS-2025-\d{6}").all()
    assert df["ma_ho_so"].is_monotonic_increasing
    first = df.groupby("ma_ho_so", sort=False)["buoc"].first()
    last = df.groupby("ma_ho_so", sort=False)["buoc"].last()
    assert (first == "Tiếp nhận hồ sơ").all()
    assert (last == "Trả kết quả").all()
    pattern = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00\+07:00"
    for column in ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"):
        assert df[column].str.fullmatch(pattern).all()
    citizen = df["buoc"] == "Bổ sung hồ sơ"
    assert (df.loc[citizen, "can_bo"] == "Công dân").all()
    assert (df.loc[~citizen, "can_bo"] != "Công dân").all()


def test_planted_bottleneck(logs: dict[str, pd.DataFrame]) -> None:
    assert PLANTED not in set(logs["before"]["buoc"])
    after = _waits(logs["after"]).groupby("buoc")["wait"].sum().sort_values(ascending=False)
    assert after.index[0] == PLANTED
    assert after.index[1] == "Đồng bộ Cổng DVC quốc gia"
    assert after.iloc[0] > 2 * after.iloc[1]
    planted = _waits(logs["after"]).query("buoc == @PLANTED")["wait"]
    assert planted.dt.total_seconds().median() > 3 * 86_400
    before = _waits(logs["before"]).groupby("buoc")["wait"].sum()
    assert before.max() < after.iloc[0] / 3


@pytest.mark.parametrize("scenario", ["before", "after"])
def test_steps_follow_each_other(logs: dict[str, pd.DataFrame], scenario: str) -> None:
    waits = _waits(logs[scenario])["wait"]
    assert (waits >= pd.Timedelta(0)).all()


@pytest.mark.parametrize("scenario", ["before", "after"])
def test_office_hours(logs: dict[str, pd.DataFrame], scenario: str) -> None:
    df = logs[scenario]
    start = pd.to_datetime(df["thoi_gian_bat_dau"])
    end = pd.to_datetime(df["thoi_gian_ket_thuc"])
    assert (end >= start).all()
    for stamps in (start, end):
        assert (stamps.dt.day_of_week < 5).all()
        minute = stamps.dt.hour * 60 + stamps.dt.minute
        morning = (minute >= 7 * 60 + 30) & (minute <= 11 * 60 + 30)
        afternoon = (minute >= 13 * 60) & (minute <= 17 * 60)
        assert (morning | afternoon).all()


def test_other_start_and_size() -> None:
    # A Saturday-noon start: nothing may happen before Monday 07:30.
    saturday = datetime(2025, 3, 8, 12, 0, tzinfo=timezone(timedelta(hours=7)))
    df = simulate_one_stop_shop("after", dossiers=50, seed=1, start=saturday)
    assert df["ma_ho_so"].nunique() == 50
    assert df["thoi_gian_bat_dau"].min() >= "2025-03-10 07:30:00+07:00"
