"""Legal deadlines: due times in working days, on-time rate and lateness per procedure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bottleneck_finder.analysis.deadlines import (
    Deadline,
    DeadlineError,
    case_column,
    deadline_report,
    parse_deadline,
    parse_due_column,
)
from bottleneck_finder.api import load_log
from bottleneck_finder.calendar import vietnam
from bottleneck_finder.columns import LogColumns
from bottleneck_finder.io.read import read_log
from bottleneck_finder.model import EventLog

from .conftest import write

LOG = """case,activity,start,end,thu_tuc,ngay_hen_tra
c1,Tiếp nhận,2025-01-24T10:00:00+07:00,2025-01-24T10:30:00+07:00,Cấp phép xây dựng,21/02/2025
c1,Trả kết quả,2025-02-21T15:00:00+07:00,2025-02-21T16:00:00+07:00,,
c2,Tiếp nhận,2025-03-10T09:00:00+07:00,2025-03-10T09:30:00+07:00,Cấp phép xây dựng,31/03/2025
c2,Trả kết quả,2025-04-03T09:00:00+07:00,2025-04-03T10:00:00+07:00,,
c3,Tiếp nhận,2025-04-01T09:00:00+07:00,2025-04-01T09:30:00+07:00,Đăng ký kinh doanh,
c3,Trả kết quả,2025-05-05T08:00:00+07:00,2025-05-05T09:00:00+07:00,,
"""


def _load(tmp_path: Path) -> tuple[EventLog, pd.DataFrame]:
    path = write(tmp_path, "dossiers.csv", LOG)
    log = load_log(path, LogColumns(case="case", activity="activity", start="start",
                                    timestamp="end"))  # fmt: skip
    return log, read_log(path).table


def _local(us: object) -> str:
    stamp = pd.Timestamp(int(us), unit="us", tz="UTC").tz_convert("Asia/Ho_Chi_Minh")  # type: ignore[call-overload]
    return str(stamp.strftime("%Y-%m-%d %H:%M"))


def test_parse_deadline() -> None:
    assert parse_deadline("15wd") == Deadline(15, "wd")
    assert parse_deadline(" 15 D ") == Deadline(15, "d")
    assert parse_deadline("36h") == Deadline(36, "h") and parse_deadline("8wh").needs_calendar
    for bad in ("15", "15 weeks", "0wd", "-3d", ""):
        with pytest.raises(DeadlineError, match="cannot read the deadline"):
            parse_deadline(bad)


def test_fifteen_working_days_per_procedure(tmp_path: Path) -> None:
    log, raw = _load(tmp_path)
    procedures = case_column(log, raw["thu_tuc"])
    report = deadline_report(
        log, deadline=parse_deadline("15wd"), calendar=vietnam(), procedure_values=procedures
    )
    cases = report.cases.set_index("case")
    # c1: Tết (27 Jan - 1 Feb) skipped; c3: Hùng Kings' day 7 Apr skipped
    assert [_local(cases.loc[c, "due_us"]) for c in ("c1", "c2", "c3")] == [
        "2025-02-21 17:00",
        "2025-03-31 17:00",
        "2025-04-23 17:00",
    ]
    assert list(cases["on_time"]) == [True, False, False]
    # c2 still open on 1, 2, 3 April; c3 on 24, 25, 26 (a make-up Saturday), 28, 29 April
    # and 5 May (30 April - 2 May off)
    assert list(cases["late_days"]) == [0, 3, 6]
    assert report.late_unit == "working_days"
    procs = report.procedures.set_index("procedure")
    assert procs.loc["Cấp phép xây dựng", "on_time_rate"] == 0.5
    assert procs.loc["Cấp phép xây dựng", "late_days_max"] == 3
    assert procs.loc["Đăng ký kinh doanh", "late"] == 1
    assert procs.loc["Đăng ký kinh doanh", "on_time_rate"] == 0.0


def test_due_dates_from_the_log(tmp_path: Path) -> None:
    log, raw = _load(tmp_path)
    due = parse_due_column(case_column(log, raw["ngay_hen_tra"]), column="ngay_hen_tra",
                           source="dossiers.csv", tz="Asia/Ho_Chi_Minh")  # fmt: skip
    assert _local(due["c1"]) == "2025-02-22 00:00"  # a date means the end of that day
    assert pd.isna(due["c3"])
    report = deadline_report(log, calendar=vietnam(), due_values=due, due_column="ngay_hen_tra")
    cases = report.cases.set_index("case")
    assert list(cases["due_from"].fillna("-")) == ["column", "column", "-"]
    assert cases.loc["c1", "on_time"] and not cases.loc["c2", "on_time"]
    assert cases.loc["c2", "late_days"] == 3
    assert pd.isna(cases.loc["c3", "on_time"])
    procs = report.procedures.set_index("procedure")
    assert procs.loc["(all)", "with_due"] == 2 and procs.loc["(all)", "cases"] == 3
    # a fixed deadline fills in for cases without their own due date
    both = deadline_report(log, deadline=Deadline(15, "wd"), calendar=vietnam(), due_values=due)
    assert list(both.cases["due_from"]) == ["column", "column", "deadline"]


def test_calendar_days_without_calendar(tmp_path: Path) -> None:
    log, _ = _load(tmp_path)
    report = deadline_report(log, deadline=parse_deadline("15d"))
    cases = report.cases.set_index("case")
    tz = log.display_tz  # the log's own offset, +07:00
    assert tz == "+07:00"
    assert _local(cases.loc["c2", "due_us"]) == "2025-03-26 00:00"  # end of 25 March
    assert cases.loc["c2", "late_days"] == 9  # 26 March - 3 April
    assert report.late_unit == "days"


def test_working_deadline_needs_a_calendar(tmp_path: Path) -> None:
    log, _ = _load(tmp_path)
    with pytest.raises(DeadlineError, match="counts working time and no calendar"):
        deadline_report(log, deadline=Deadline(15, "wd"))
    with pytest.raises(DeadlineError, match="no deadline to check"):
        deadline_report(log)


def test_unreadable_due_date(tmp_path: Path) -> None:
    values = pd.Series(["21/02/2025", "soon"], index=["c1", "c2"])
    with pytest.raises(DeadlineError, match="'soon'"):
        parse_due_column(values, column="ngay_hen_tra", source="x.csv", tz="UTC")
