"""Odd inputs that were internal errors (exit 1) now end in one line and a documented code: an
XES of start events only, times a working calendar cannot cover, nested Parquet columns, and
due dates whose day/month order nothing says."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli

START_ONLY = b"""<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
<trace><string key="concept:name" value="1"/>
<event><string key="concept:name" value="A"/><string key="lifecycle:transition" value="start"/>
<date key="time:timestamp" value="2025-01-01T08:00:00"/></event>
<event><string key="concept:name" value="B"/><string key="lifecycle:transition" value="START"/>
<date key="time:timestamp" value="2025-01-01T09:00:00"/></event>
</trace>
<trace><string key="concept:name" value="2"/>
<event><string key="concept:name" value="A"/><string key="lifecycle:transition" value="start"/>
<date key="time:timestamp" value="2025-01-02T08:00:00"/></event>
</trace>
</log>
"""


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["analyze", "discover", "drift", "report"])
def test_an_xes_of_start_events_only_is_one_line_exit_6(tmp_path: Path, command: str) -> None:
    """It was `internal error (TypeError: float() argument must be … not 'NAType')`."""
    log = tmp_path / "starts.xes"
    log.write_bytes(START_ONLY)
    extra = ["--no-pdf"] if command == "report" else []
    code, output = run([command, str(log), "-q", "-o", str(tmp_path / "o"), *extra])
    assert code == 6, output
    assert output == (
        f"error: {log}: the lifecycle column 'lifecycle:transition' holds only start events "
        "(event #1, event #2, event #3): no step is recorded as finished — export the complete "
        "events too, or pass --lifecycle '' to read each start as the time its step happened\n"
    )
    assert not (tmp_path / "o").exists()


def test_the_fix_offered_for_start_events_only_works(tmp_path: Path) -> None:
    log = tmp_path / "starts.xes"
    log.write_bytes(START_ONLY)
    code, output = run(["analyze", str(log), "--lifecycle", "", "-o", str(tmp_path / "o")])
    assert code == 0, output
    # each start read as the time its step happened: case 1 waits 1 h from A to B
    assert "total waiting time: 1 h over all cases" in output


SPAN = "case_id,activity,timestamp\n1,A,1900-01-01 08:00\n1,B,9999-12-30 09:00\n"
SPAN += "2,A,2025-01-06 08:00\n2,B,2025-01-06 10:30\n"


@pytest.mark.parametrize("command", ["analyze", "discover", "drift"])
def test_times_a_working_calendar_cannot_cover_are_named_exit_5(
    tmp_path: Path, command: str
) -> None:
    """1900–9999 with --calendar vn was `internal error (OverflowError: date value out of
    range)`; Vietnam's holidays are known for 1901–2100 only."""
    log = tmp_path / "span.csv"
    log.write_text(SPAN)
    args = [command, str(log), "--calendar", "vn", "-q", "-o", str(tmp_path / "o")]
    code, output = run(args)
    assert code == 5, output
    assert output == (
        f"error: {log}: 2 rows with times outside the years 1901–2100 that a working calendar "
        "covers (column 'timestamp'): line 2, line 3 — correct them or run without --calendar, "
        "or pass --bad-rows skip to drop them\n"
    )
    assert not (tmp_path / "o").exists()


def test_times_outside_the_calendar_years_can_be_dropped(tmp_path: Path) -> None:
    log = tmp_path / "span.csv"
    log.write_text(SPAN)
    args = ["analyze", str(log), "--calendar", "vn", "--bad-rows", "skip", "-o", str(tmp_path)]
    code, output = run(args)
    assert code == 0, output
    assert "dropped 2 rows with times outside the years 1901–2100" in output
    # case 2 alone: Monday 6 January 2025, 08:00 -> 10:30 in Hanoi office hours = 2.5 h
    assert "total waiting time: 2.5 h over all cases" in output


def test_the_calendar_refuses_a_span_it_cannot_cover_through_the_api(tmp_path: Path) -> None:
    import bottleneck_finder as bf
    from bottleneck_finder.calendar import load_calendar
    from bottleneck_finder.errors import CalendarError, TimestampError

    log = tmp_path / "span.csv"
    log.write_text(SPAN)
    with pytest.raises(TimestampError, match="outside the years 1901–2100"):
        bf.analyze(log, calendar="vn")
    calendar = load_calendar("vn")
    assert calendar is not None
    with pytest.raises(CalendarError, match="from 1900 to 9999"):
        calendar.working_duration_us([-2208988800 * 10**6], [253402128000 * 10**6])


def nested(tmp_path: Path, role: str) -> Path:
    columns: dict[str, pa.Array] = {
        "case_id": pa.array(["1", "1", "2"]),
        "activity": pa.array(["A", "B", "A"]),
        "timestamp": pa.array(["2025-01-01 08:00", "2025-01-01 09:00", "2025-01-02 08:00"]),
    }
    if role == "case_id":
        columns[role] = pa.array([{"id": "1"}, {"id": "1"}, {"id": "2"}])
    elif role == "activity":
        columns[role] = pa.array([["A"], ["B"], ["A"]])
    else:
        columns[role] = pa.array([{"t": v} for v in columns[role].to_pylist()])
    path = tmp_path / f"{role}.parquet"
    pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize(
    ("column", "role", "shown"),
    [
        ("case_id", "case", "a struct, e.g. {'id': '1'} in row 1"),
        ("activity", "activity", "a list, e.g. ['A'] in row 1"),
        ("timestamp", "timestamp", "a struct, e.g. {'t': '2025-01-01 08:00'} in row 1"),
    ],
)
def test_a_nested_parquet_column_is_one_line_exit_4(
    tmp_path: Path, column: str, role: str, shown: str
) -> None:
    """A struct or list case/activity column was `internal error (TypeError: unhashable type)`."""
    log = nested(tmp_path, column)
    code, output = run(["analyze", str(log), "-q", "-o", str(tmp_path / "o")])
    assert code == 4, output
    assert output == (
        f"error: {log}: the {role} column '{column}' holds nested values ({shown}), not plain "
        f"text or times — flatten it into a plain column in the export, or name another column "
        f"with --{role}\n"
    )
    assert not (tmp_path / "o").exists()


def test_a_nested_column_the_run_does_not_use_is_no_problem(tmp_path: Path) -> None:
    path = tmp_path / "extra.parquet"
    pq.write_table(
        pa.table(
            {
                "case_id": ["1", "1"],
                "activity": ["A", "B"],
                "timestamp": ["2025-01-01 08:00", "2025-01-01 09:00"],
                "payload": pa.array([{"a": 1}, {"a": 2}]),
            }
        ),
        path,
    )
    code, output = run(["analyze", str(path), "-o", str(tmp_path / "o")])
    assert code == 0, output
    assert "total waiting time: 1 h over all cases" in output


DUE = "case_id,activity,timestamp,due\n"
DUE += "1,A,2025-04-01 08:00,03/04/2025\n1,B,2025-04-02 09:00,03/04/2025\n"
DUE += "2,A,2025-04-01 08:00,{second}\n2,B,2025-04-06 09:00,{second}\n"


def test_due_dates_no_value_orders_are_refused_exit_2(tmp_path: Path) -> None:
    """ISO event times say nothing of day/month order; 03/04/2025 and 05/04/2025 were read
    day-first without a word."""
    log = tmp_path / "due.csv"
    log.write_text(DUE.format(second="05/04/2025"))
    args = ["analyze", str(log), "--deadline-column", "due", "-q", "-o", str(tmp_path / "o")]
    code, output = run(args)
    assert code == 2, output
    assert output == (
        f"error: {log}: column 'due' holds due dates such as '03/04/2025' that read as "
        "day/month or as month/day, and neither its other values nor the log's times say "
        "which — write the due dates as YYYY-MM-DD\n"
    )
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("second", "late"),
    [
        # 15/04 says day first: 03/04 is 3 April, case 1 (done 2 April) on time, case 2
        # (done 6 April, due 15 April) on time
        ("15/04/2025", 0),
        # 04/15 says month first: 03/04 is 4 March, case 1 late by 29 days (4 March end of
        # day -> 2 April), case 2 (due 15 April) on time
        ("04/15/2025", 1),
    ],
)
def test_due_dates_follow_the_order_their_own_values_show(
    tmp_path: Path, second: str, late: int
) -> None:
    import json

    log = tmp_path / "due.csv"
    log.write_text(DUE.format(second=second))
    out = tmp_path / "o"
    args = ["analyze", str(log), "--deadline-column", "due", "-q", "-o", str(out)]
    code, output = run(args)
    assert code == 0, output
    overall = json.loads((out / "analysis.json").read_text())["deadlines"]["overall"]
    assert (overall["with_due"], overall["late"]) == (2, late)
    if late:
        assert overall["late_days_max"] == 29


def test_due_dates_follow_the_logs_own_order_first(tmp_path: Path) -> None:
    """Day-first event times decide for the due dates, even against month-first-looking ones."""
    import json

    text = "case_id,activity,timestamp,due\n1,A,01/04/2025 08:00,03/04/2025\n"
    text += "1,B,02/04/2025 09:00,03/04/2025\n"
    log = tmp_path / "due.csv"
    log.write_text(text)
    out = tmp_path / "o"
    code, output = run(["analyze", str(log), "--deadline-column", "due", "-q", "-o", str(out)])
    assert code == 0, output
    overall = json.loads((out / "analysis.json").read_text())["deadlines"]["overall"]
    assert (overall["with_due"], overall["late"]) == (1, 0)  # due 3 April, done 2 April
