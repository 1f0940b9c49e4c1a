"""Working calendars: golden working-time arithmetic across weekends, lunch, Tết and DST."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bottleneck_finder.api import load_log
from bottleneck_finder.calendar import (
    CalendarError,
    apply_calendar,
    load_calendar,
    read_calendar_file,
    vietnam,
)
from bottleneck_finder.columns import LogColumns

from .conftest import write

H = 3600 * 10**6


def us(text: str, tz: str = "Asia/Ho_Chi_Minh") -> int:
    return int(pd.Timestamp(text, tz=tz).value // 1000)


def local(value: int, tz: str = "Asia/Ho_Chi_Minh") -> str:
    return str(
        pd.Timestamp(int(value), unit="us", tz="UTC").tz_convert(tz).strftime("%Y-%m-%d %H:%M")
    )


VN_GOLDEN = [
    # (start, end, working hours) in Asia/Ho_Chi_Minh
    ("2025-03-10 08:00", "2025-03-10 10:00", 2.0),  # plain morning
    ("2025-03-10 11:00", "2025-03-10 14:00", 1.5),  # across the lunch break
    ("2025-03-10 12:00", "2025-03-10 12:45", 0.0),  # inside the lunch break
    ("2025-03-10 06:00", "2025-03-10 07:45", 0.25),  # before opening
    ("2025-03-07 16:00", "2025-03-10 08:00", 1.5),  # across a weekend
    ("2025-03-08 09:00", "2025-03-09 17:00", 0.0),  # all weekend
    ("2025-03-10 07:30", "2025-03-14 17:00", 40.0),  # a full week
    ("2025-01-24 16:00", "2025-02-03 08:30", 2.0),  # across Tết 2025 (27 Jan - 1 Feb)
    ("2024-05-03 16:00", "2024-05-06 08:30", 10.0),  # make-up Saturday 4 May 2024 worked
    ("2024-04-26 17:00", "2024-05-02 07:30", 0.0),  # 29 Apr (substitute), 30 Apr, 1 May off
]


@pytest.mark.parametrize(("start", "end", "hours"), VN_GOLDEN)
def test_vn_working_duration(start: str, end: str, hours: float) -> None:
    got = vietnam().working_duration_us([us(start)], [us(end)])
    assert got[0] == round(hours * H)


def test_vn_vectorized_equals_one_by_one() -> None:
    cal = vietnam()
    starts = np.asarray([us(s) for s, _, _ in VN_GOLDEN])
    ends = np.asarray([us(e) for _, e, _ in VN_GOLDEN])
    assert list(cal.working_duration_us(starts, ends)) == [round(h * H) for *_, h in VN_GOLDEN]


ADD_GOLDEN = [
    ("2025-03-10 10:00", 2.0, "2025-03-10 13:30"),  # lunch skipped
    ("2025-03-07 16:30", 1.0, "2025-03-10 08:00"),  # weekend skipped
    ("2025-01-24 16:00", 2.0, "2025-02-03 08:30"),  # Tết skipped
    ("2025-03-08 10:00", 0.5, "2025-03-10 08:00"),  # from a Saturday
    ("2025-03-10 10:00", 0.0, "2025-03-10 10:00"),
]


@pytest.mark.parametrize(("start", "hours", "due"), ADD_GOLDEN)
def test_vn_add_working(start: str, hours: float, due: str) -> None:
    got = vietnam().add_working([us(start)], [round(hours * H)])
    assert local(got[0]) == due


def test_vn_working_days() -> None:
    cal = vietnam()
    got = cal.add_working_days([us("2025-01-24 16:00"), us("2025-03-10 09:00")], 15)
    # Tết: the 15 working days run 3 Feb - 21 Feb; in March, 11 Mar - 31 Mar
    assert [local(v) for v in got] == ["2025-02-21 17:00", "2025-03-31 17:00"]
    # Hùng Kings' day (7 Apr 2025) is skipped
    assert local(cal.add_working_days([us("2025-04-04 10:00")], 1)[0]) == "2025-04-08 17:00"


BERLIN = """
name = "Berlin office"
timezone = "Europe/Berlin"
holidays = ["2025-04-18"]
extra_working_days = ["2025-03-29"]
extra_day_hours = ["09:00-12:00"]

[hours]
mon = ["08:00-16:00"]
tue = ["08:00-16:00"]
wed = ["08:00-16:00"]
thu = ["08:00-16:00"]
fri = ["08:00-16:00"]
sun = ["01:00-04:00"]
"""

BERLIN_GOLDEN = [
    # spring forward on Sunday 30 March 2025 (02:00 -> 03:00): 01:00-04:00 is 2 real hours
    ("2025-03-30 00:00", "2025-03-30 05:00", 2.0),
    # fall back on Sunday 26 October 2025 (03:00 -> 02:00): 01:00-04:00 is 4 real hours
    ("2025-10-26 00:00", "2025-10-26 05:00", 4.0),
    # Friday 15:00 CET to Monday 09:00 CEST: 1 h + Saturday extra 3 h + Sunday 2 h + 1 h
    ("2025-03-28 15:00", "2025-03-31 09:00", 7.0),
    # Good Friday 18 April is a holiday
    ("2025-04-17 15:00", "2025-04-21 09:00", 1.0 + 3.0 + 1.0),  # Thu, Sun, Mon
]


@pytest.mark.parametrize(("start", "end", "hours"), BERLIN_GOLDEN)
def test_dst_calendar(tmp_path: Path, start: str, end: str, hours: float) -> None:
    cal = read_calendar_file(write(tmp_path, "berlin.toml", BERLIN))
    assert cal.name == "Berlin office"
    got = cal.working_duration_us([us(start, "Europe/Berlin")], [us(end, "Europe/Berlin")])
    assert got[0] == round(hours * H)


def test_dst_add_working(tmp_path: Path) -> None:
    cal = read_calendar_file(write(tmp_path, "berlin.toml", BERLIN))
    got = cal.add_working([us("2025-03-28 15:00", "Europe/Berlin")], [5 * H])
    # 1 h Friday, 3 h Saturday (extra day), then 1 of Sunday's 2 real hours: 01:00 + 1 h
    assert local(got[0], "Europe/Berlin") == "2025-03-30 03:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('timezone = "Europe/Berlin"\n', "hours: missing [hours] table"),
        ("[hours]\nmon = []\n", "timezone: missing or not text"),
        ('timezone = "X/Y"\n[hours]\n', "timezone: unknown time zone 'X/Y'"),
        ('timezone = "UTC"\n[hours]\nmonday = []\n', "hours.monday: not a weekday"),
        ('timezone = "UTC"\n[hours]\nmon = ["8-12"]\n', "hours.mon: '8-12' is not a HH:MM-HH:MM"),
        ('timezone = "UTC"\n[hours]\nmon = ["12:00-08:00"]\n', "hours.mon: '12:00-08:00' is not"),
        ('timezone = "UTC"\nholidays = ["2025-13-01"]\n[hours]\n', "holidays: '2025-13-01' is"),
        ('timezone = "UTC"\ncountry = "XX"\n[hours]\n', "country: unknown country 'XX'"),
        ('timezone = "UTC"\ncolour = 1\n[hours]\n', "colour: unknown key"),
        ("timezone = \n", "not valid TOML"),
    ],
)
def test_calendar_file_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "cal.toml", text)
    with pytest.raises(CalendarError) as info:
        read_calendar_file(path)
    line = info.value.one_line()
    assert line.startswith(f"{path}: ") and message in line and "\n" not in line
    assert info.value.exit_code == 2


def test_load_calendar_names() -> None:
    assert load_calendar("none") is None and load_calendar(None) is None
    vn = load_calendar("VN")
    assert vn is not None and vn.tz == "Asia/Ho_Chi_Minh" and vn.country == "VN"
    with pytest.raises(CalendarError, match=r"no such calendar 'nowhere\.toml'"):
        load_calendar("nowhere.toml")


def test_apply_calendar_durations_become_working_time(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", "case,activity,start,end\n"
                 "c1,A,2025-03-07T16:00:00+07:00,2025-03-07T16:30:00+07:00\n"
                 "c1,B,2025-03-10T08:00:00+07:00,2025-03-10T14:00:00+07:00\n")  # fmt: skip
    log = load_log(path, LogColumns(case="case", activity="activity", start="start",
                                    timestamp="end"))  # fmt: skip
    before = log.events.copy()
    worked = apply_calendar(log, vietnam())
    pd.testing.assert_frame_equal(log.events, before)  # the caller's log is untouched
    ev = worked.events.set_index("activity")
    assert ev.loc["B", "start_us"] - ev.loc["A", "end_us"] == 1 * H  # 16:30-17:00 + 07:30-08:00
    assert ev.loc["B", "end_us"] - ev.loc["B", "start_us"] == 4.5 * H  # lunch left out
    assert ev.loc["A", "end_wall_us"] == us("2025-03-07 16:30")  # real times kept
    from bottleneck_finder.analysis.analyze import analyze

    result = analyze(worked)
    assert result.transitions.loc[0, "wait_total_s"] == 3600.0


def test_country_holidays_from_file(tmp_path: Path) -> None:
    text = 'timezone = "Europe/Berlin"\ncountry = "de"\n[hours]\n' + "".join(
        f'{d} = ["08:00-16:00"]\n' for d in ("mon", "tue", "wed", "thu", "fri")
    )
    cal = read_calendar_file(write(tmp_path, "de.toml", text))
    assert cal.country == "DE" and cal.name == "de"
    import datetime as dt

    assert not cal.is_working_day(dt.date(2025, 10, 3))  # German Unity Day, a Friday
    assert cal.is_working_day(dt.date(2025, 10, 2))
    assert not cal.is_working_day(dt.date(2025, 10, 4))  # Saturday
    got = cal.working_duration_us(
        [us("2025-10-02 15:00", "Europe/Berlin")], [us("2025-10-06 09:00", "Europe/Berlin")]
    )
    assert got[0] == 2 * H
