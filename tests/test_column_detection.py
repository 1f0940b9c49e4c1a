"""Column detection for real exports, one date rule for date options, the column announcement.

Issue 13 items 5 and 6: Vietnamese and English `*_at` / `*_time` column names, a time column
must hold times, a start column that is not used is named; `--split` and due dates read with
the log's own day/month order; `--calendar vn` reads times without an offset in its zone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder import api
from bottleneck_finder.cli import cli
from bottleneck_finder.columns import LogColumns, detect_columns, time_role_of_name
from bottleneck_finder.timestamps import AmbiguousDateError, date_order, read_date_text

from .conftest import EVENT_LOGS, write

VN_HEADER = "Mã hồ sơ;Thủ tục;Bước xử lý;Cán bộ xử lý;Đơn vị;Thời điểm bắt đầu;Thời điểm kết thúc"
VN_ROWS = (
    "HS1;Cấp phép xây dựng;Tiếp nhận;An;Một cửa;03/04/2025 08:00;03/04/2025 08:10\n"
    "HS1;Cấp phép xây dựng;Thẩm định;Bình;Phòng QLĐT;03/04/2025 08:30;03/04/2025 09:00\n"
    "HS2;Cấp phép xây dựng;Tiếp nhận;An;Một cửa;14/04/2025 08:00;14/04/2025 08:05\n"
    "HS2;Cấp phép xây dựng;Thẩm định;Bình;Phòng QLĐT;14/04/2025 08:45;14/04/2025 09:00\n"
)
# the waits Tiếp nhận -> Thẩm định from the end of one step to the start of the next: 20 and
# 40 min (end to end they would be 50 and 55 min)
WAITS_S = [1200.0, 2400.0]


def _analyze(tmp_path: Path, log: Path, *args: str) -> tuple[dict, str]:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    return doc, result.stderr


def _wait(doc: dict, source: str, target: str) -> dict:
    rows = [t for t in doc["transitions"] if t["source"] == source and t["target"] == target]
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize("folded", [False, True])
def test_semicolon_vietnamese_csv_works_with_default_options(tmp_path: Path, folded: bool) -> None:
    header = VN_HEADER
    if folded:  # the same export typed without diacritics
        header = (
            "Ma ho so;Thu tuc;Buoc xu ly;Can bo xu ly;Don vi;Thoi diem bat dau;Thoi diem ket thuc"
        )
    log = write(tmp_path, "vn.csv", header + "\n" + VN_ROWS)
    doc, err = _analyze(tmp_path, log)
    names = header.split(";")
    assert doc["columns"] == {
        "case": names[0],
        "activity": names[2],
        "timestamp": names[6],
        "start": names[5],
        "resource": names[3],
        "group": names[4],
    }
    assert doc["log"]["has_start_times"] is True
    assert doc["log"]["timestamp_format"] == "%d/%m/%Y %H:%M"
    wait = _wait(doc, "Tiếp nhận", "Thẩm định")
    assert wait["wait_median_s"] == pytest.approx(sum(WAITS_S) / 2)
    assert wait["wait_max_s"] == pytest.approx(max(WAITS_S))
    assert "start times known" in err
    assert "Thủ tục" not in json.dumps(doc["columns"], ensure_ascii=False)


def test_started_at_finished_at(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        "en.csv",
        "case_id,activity,started_at,finished_at,resource\n"
        "c1,A,2025-01-06 08:00,2025-01-06 08:10,ann\n"
        "c1,B,2025-01-06 08:30,2025-01-06 09:00,bob\n"
        "c2,A,2025-01-06 10:00,2025-01-06 10:05,ann\n"
        "c2,B,2025-01-06 10:45,2025-01-06 11:00,bob\n",
    )
    doc, _ = _analyze(tmp_path, log)
    assert doc["columns"]["start"] == "started_at"
    assert doc["columns"]["timestamp"] == "finished_at"
    assert _wait(doc, "A", "B")["wait_median_s"] == pytest.approx(1800.0)


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("started_at", "start"),
        ("Start Date", "start"),
        ("begin_time", "start"),
        ("Ngày giờ bắt đầu", "start"),
        ("finished_at", "timestamp"),
        ("completed_at", "timestamp"),
        ("ended_at", "timestamp"),
        ("completion_date", "timestamp"),
        ("Thời điểm hoàn thành", "timestamp"),
        ("Thủ tục", None),
        ("started_by", None),
        ("due_date", None),
    ],
)
def test_time_role_of_name(name: str, role: str | None) -> None:
    assert time_role_of_name(name) == role


def test_a_time_column_must_hold_times() -> None:
    # `time` is a timestamp name, but it holds words here: `finished_at` is taken instead
    names = ["case", "activity", "time", "finished_at"]
    found = detect_columns(names, LogColumns(), holds_times=lambda c: c != "time")
    assert found.columns.timestamp == "finished_at"
    assert found.unused_start == ()


def test_a_procedure_column_is_never_offered_as_the_timestamp(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        "vn.csv",
        "Mã hồ sơ;Thủ tục;Bước xử lý;Ghi chú\nHS1;Cấp phép;Tiếp nhận;x\nHS1;Cấp phép;Trả;y\n",
    )
    result = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(tmp_path / "o")])
    assert result.exit_code == 4
    assert "no timestamp column found" in result.stderr
    assert "Thủ tục" not in result.stderr.split("fix:")[-1].split("(columns found")[0]
    assert "--timestamp 'Thủ tục'" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_start_column_of_words_is_named_in_a_warning(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        "w.csv",
        "case,activity,start_time,end_time\n"
        "c1,A,soon,2025-01-06 08:10\n"
        "c1,B,later,2025-01-06 09:00\n",
    )
    doc, err = _analyze(tmp_path, log)
    assert "start" not in doc["columns"]
    assert "warning: column 'start_time' looks like start times" in err
    assert "--start-timestamp 'start_time'" in err
    assert any("start_time" in w for w in doc["data_quality"]["warnings"])
    assert _wait(doc, "A", "B")["wait_median_s"] == pytest.approx(50 * 60.0)


def test_an_empty_start_column_is_announced_and_warned(tmp_path: Path) -> None:
    log = write(
        tmp_path,
        "e.csv",
        "case,activity,start_timestamp,timestamp\nc1,A,,2025-01-06 08:10\nc1,B,,2025-01-06 09:00\n",
    )
    doc, err = _analyze(tmp_path, log)
    assert "start='start_timestamp'" in err
    assert "(empty: no start times" in err
    assert "warning: start column 'start_timestamp' holds no start times" in err
    assert doc["log"]["has_start_times"] is False


# -- one date rule ----------------------------------------------------------------------------


def test_date_order_of_formats() -> None:
    assert date_order("%d/%m/%Y %H:%M") == "dmy"
    assert date_order("%m/%d/%Y") == "mdy"
    assert date_order("ISO8601") == "ymd"
    assert date_order("%Y/%m/%d %H:%M") == "ymd"
    assert date_order(None) is None


def test_read_date_text() -> None:
    assert read_date_text("03/04/2025", "dmy") == pd.Timestamp("2025-04-03")
    assert read_date_text("03/04/2025", "mdy") == pd.Timestamp("2025-03-04")
    assert read_date_text("14/04/2025", None) == pd.Timestamp("2025-04-14")
    assert read_date_text("04/14/2025", "ymd") == pd.Timestamp("2025-04-14")
    assert read_date_text("03.04.2025 08:30", "dmy") == pd.Timestamp("2025-04-03 08:30")
    assert read_date_text("2025-04-03", "mdy") == pd.Timestamp("2025-04-03")
    for text, order in (("03/04/2025", None), ("03/04/2025", "ymd"), ("03/04/25", "dmy")):
        with pytest.raises(AmbiguousDateError):
            read_date_text(text, order)
    with pytest.raises(ValueError):
        read_date_text("14/14/2025", "dmy")


ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"


def _day_first_rollout(tmp_path: Path) -> Path:
    """The rollout sample with its times written day first, without an offset."""
    table = pd.read_csv(ROLLOUT, dtype=str)
    for column in ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"):
        stamps = pd.to_datetime(table[column], format="ISO8601")
        table[column] = stamps.dt.strftime("%d/%m/%Y %H:%M:%S")
    path = tmp_path / "rollout_dmy.csv"
    table.to_csv(path, index=False)
    return path


def _periods(tmp_path: Path, log: Path, split: str, *args: str) -> dict:
    result = CliRunner().invoke(
        cli,
        [
            "compare",
            str(log),
            "--split",
            split,
            "--json",
            "-q",
            "-o",
            str(tmp_path / split[:2]),
            *args,
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    sides = {k: dict(doc[k]) for k in ("before", "after")}
    for side in sides.values():
        side.pop("source")
    assert sides["before"]["cases"] > 0 and sides["after"]["cases"] > 0
    return sides


def test_split_is_read_with_the_logs_day_first_order(tmp_path: Path) -> None:
    day_first = _day_first_rollout(tmp_path)
    tz = ("--tz", "+07:00")
    assert _periods(tmp_path, day_first, "03/04/2025", *tz) == _periods(
        tmp_path, ROLLOUT, "2025-04-03"
    )
    assert _periods(tmp_path, day_first, "14/04/2025", *tz) == _periods(
        tmp_path, ROLLOUT, "2025-04-14"
    )


def test_an_ambiguous_split_is_refused_on_an_iso_log(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        cli, ["compare", str(ROLLOUT), "--split", "03/04/2025", "-o", str(out)]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ")
    assert "03/04/2025" in lines[-1] and "YYYY-MM-DD" in lines[-1]
    assert not out.exists()
    # a date that reads one way only is accepted
    assert _periods(tmp_path, ROLLOUT, "14/04/2025") == _periods(tmp_path, ROLLOUT, "2025-04-14")


def test_report_split_is_refused_when_ambiguous(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    result = CliRunner().invoke(
        cli, ["report", str(ROLLOUT), "--split", "03/04/2025", "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "YYYY-MM-DD" in result.stderr
    assert not out.exists()


def test_due_dates_are_read_with_the_logs_order(tmp_path: Path) -> None:
    from bottleneck_finder.analysis.deadlines import parse_due_column

    values = pd.Series(["03/04/2025 12:00", "05/04/2025 12:00"])
    utc = lambda text: pd.Timestamp(text, tz="UTC").value // 1000  # noqa: E731
    day_first = parse_due_column(
        values, column="due", source="x", tz="UTC", log_format="%d/%m/%Y %H:%M"
    )
    month_first = parse_due_column(
        values, column="due", source="x", tz="UTC", log_format="%m/%d/%Y %H:%M"
    )
    assert list(day_first) == [utc("2025-04-03 12:00"), utc("2025-04-05 12:00")]
    assert list(month_first) == [utc("2025-03-04 12:00"), utc("2025-05-04 12:00")]


# -- --calendar vn reads times without an offset in its zone ---------------------------------


def test_calendar_vn_reads_naive_times_in_ho_chi_minh(tmp_path: Path) -> None:
    log = write(tmp_path, "vn.csv", VN_HEADER + "\n" + VN_ROWS)
    (tmp_path / "a").mkdir()
    plain, err = _analyze(tmp_path / "a", log, "--calendar", "vn")
    assert "times without a UTC offset are read as Asia/Ho_Chi_Minh" in err
    assert plain["log"]["first_event"] == "2025-04-03T08:00:00+07:00"
    (tmp_path / "b").mkdir()
    explicit, err_b = _analyze(tmp_path / "b", log, "--calendar", "vn", "--tz", "Asia/Ho_Chi_Minh")
    assert "are read as" not in err_b
    vi = CliRunner().invoke(
        cli, ["analyze", str(log), "--calendar", "vn", "--lang", "vi", "-o", str(tmp_path / "d")]
    )
    assert vi.exit_code == 0, vi.output
    assert "được đọc theo Asia/Ho_Chi_Minh" in vi.stderr
    assert explicit == plain
    (tmp_path / "c").mkdir()
    utc, _ = _analyze(tmp_path / "c", log, "--calendar", "vn", "--tz", "UTC")
    assert utc["log"]["first_event"] == "2025-04-03T08:00:00+00:00"
    # the Python API follows the same rule
    with api.load(log, calendar="vn") as p:
        assert p.log.display_tz == "Asia/Ho_Chi_Minh"


def test_calendar_vn_keeps_the_offsets_a_log_has(tmp_path: Path) -> None:
    doc, err = _analyze(tmp_path, ROLLOUT, "--calendar", "vn")
    assert "are read as" not in err
    assert doc["log"]["first_event"].endswith("+07:00")


# -- the progress line ------------------------------------------------------------------------


def test_an_error_starts_on_a_line_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bottleneck_finder.commands import options

    def on_a_terminal(self: options.Progress, quiet: bool) -> None:
        self.enabled = True
        self.started = 0.0

    monkeypatch.setattr(options.Progress, "__init__", on_a_terminal)
    log = write(
        tmp_path,
        "bad.csv",
        "case,activity,timestamp\nc1,A,2025-01-06 08:00\nc1,B,2025-01-06 09:00\nc1,C,soon\n",
    )
    result = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(tmp_path / "o")], color=True)
    assert result.exit_code == 5
    before, _, after = result.stderr.partition("error: ")
    assert "reading" in before
    assert before.endswith("\r\033[K")  # the stage line was wiped before the error
    assert after.count("\n") == 1
    assert options.Progress.pending is False
