"""The in-process step table equals the SQL window's, and is used only where the file order fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from bottleneck_finder.analysis.analyze import analyze
from bottleneck_finder.api import load_log
from bottleneck_finder.columns import LogColumns
from bottleneck_finder.engine import DuckDBEngine, event_table, in_process
from bottleneck_finder.engine.prepare import prepare_steps
from bottleneck_finder.model import EventLog
from bottleneck_finder.prepared import PreparedLog

from .conftest import RECEIPT, shared_log

STEP_ORDER = ["case_id", "row_no"]


def _tables(log: EventLog, *, in_process: bool, detail: bool = True) -> dict[str, pd.DataFrame]:
    engine = DuckDBEngine(in_process_steps=in_process)
    try:
        prepare_steps(engine, log, detail=detail)
        steps = engine.frame("SELECT * FROM steps")
        spans = engine.frame("SELECT * FROM case_spans")
    finally:
        engine.close()
    by = STEP_ORDER if detail else ["case_id", "activity", "source", "wait_us"]
    return {
        "steps": steps.sort_values(by, kind="stable").reset_index(drop=True),
        "spans": spans.sort_values("case_id").reset_index(drop=True),
    }


def _used_in_process(log: EventLog) -> bool:
    engine = DuckDBEngine()
    try:
        if log.has_lifecycle:
            prepare_steps(engine, log)
            paired = engine.arrow("SELECT * FROM instances")
            return in_process.register_steps(engine, paired, has_start_times=True, detail=True)
        inst = in_process.from_events(log.events)
        return in_process.register_steps(
            engine, inst, has_start_times=log.has_start_times, detail=True
        )
    finally:
        engine.close()


def _assert_same(log: EventLog, *, expect_in_process: bool) -> None:
    assert _used_in_process(log) is expect_in_process
    for detail in (True, False):
        fast = _tables(log, in_process=True, detail=detail)
        sql = _tables(log, in_process=False, detail=detail)
        for name in ("steps", "spans"):
            pdt.assert_frame_equal(fast[name], sql[name], check_dtype=True)


def _frame(rows: list[tuple[str, str, str]], **extra: list[str | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])
    for name, values in extra.items():
        frame[name] = values
    return frame


# Time-sorted file: cases interleave, two ties on the same second (file order decides),
# a rework loop, and a case of one event.
TIME_SORTED = [
    ("c1", "Nộp hồ sơ", "2025-01-06 08:00:00"),
    ("c2", "Nộp hồ sơ", "2025-01-06 08:00:00"),
    ("c1", "Kiểm tra", "2025-01-06 09:00:00"),
    ("c1", "Ký số", "2025-01-06 09:00:00"),
    ("c3", "Nộp hồ sơ", "2025-01-06 09:30:00"),
    ("c2", "Kiểm tra", "2025-01-06 10:00:00"),
    ("c1", "Kiểm tra", "2025-01-07 08:00:00"),
    ("c2", "Trả kết quả", "2025-01-07 08:00:00"),
    ("c1", "Trả kết quả", "2025-01-08 08:00:00"),
]


def test_time_sorted_file_takes_the_in_process_path_with_the_same_table() -> None:
    log = load_log(_frame(TIME_SORTED, resource=["a", None, "b", "b", "c", "a", None, "b", "a"]))
    _assert_same(log, expect_in_process=True)


def test_case_grouped_file_takes_the_in_process_path() -> None:
    grouped = sorted(TIME_SORTED, key=lambda r: r[0])  # stable: each case keeps its time order
    _assert_same(load_log(_frame(grouped)), expect_in_process=True)


def test_file_out_of_time_order_falls_back_to_the_sql_window() -> None:
    shuffled = list(reversed(TIME_SORTED))
    log = load_log(_frame(shuffled))
    _assert_same(log, expect_in_process=False)
    # the answer does not depend on which path ran: the same steps as the time-sorted file
    # apart from tie order, which follows the (reversed) file
    fast = analyze(load_log(_frame(TIME_SORTED)))
    assert fast.log.cases == analyze(log).log.cases


START_END = [
    # case, activity, start, end: an overlap (B starts before A ends), a missing start, and
    # two instances ending together whose starts are in file order
    ("k1", "A", "2025-02-03 08:00", "2025-02-03 10:00"),
    ("k1", "B", "2025-02-03 09:00", "2025-02-03 11:00"),
    ("k2", "A", "", "2025-02-03 11:30"),
    ("k1", "C", "2025-02-03 12:00", "2025-02-03 13:00"),
    ("k1", "D", "2025-02-03 12:30", "2025-02-03 13:00"),
    ("k2", "B", "2025-02-04 08:00", "2025-02-04 09:00"),
]


def _start_end(rows: list[tuple[str, str, str, str]]) -> EventLog:
    frame = pd.DataFrame(rows, columns=["case", "activity", "start", "end"])
    return load_log(
        frame, LogColumns(case="case", activity="activity", timestamp="end", start="start")
    )


def test_start_and_end_columns_take_the_in_process_path() -> None:
    log = _start_end(START_END)
    assert log.has_start_times
    _assert_same(log, expect_in_process=True)


def test_equal_ends_with_starts_against_the_file_order_fall_back() -> None:
    rows = list(START_END)
    rows[3], rows[4] = rows[4], rows[3]  # D (start 12:30) now before C (start 12:00) in file
    _assert_same(_start_end(rows), expect_in_process=False)


def test_receipt_log_analysis_is_identical_on_both_paths() -> None:
    log = load_log(RECEIPT)
    fast = analyze(PreparedLog(log, engine=DuckDBEngine))
    sql = analyze(PreparedLog(log, engine=lambda: DuckDBEngine(in_process_steps=False)))
    pdt.assert_frame_equal(fast.transitions, sql.transitions)
    pdt.assert_frame_equal(fast.activities, sql.activities)
    assert fast.cases == sql.cases
    assert fast.log == sql.log
    _assert_same(log, expect_in_process=True)


def test_bpi2017_paired_instances_give_the_same_steps_on_both_paths() -> None:
    log = load_log(shared_log("BPI_Challenge_2017_W_Two_TS_filtered.xes.gz"))
    assert log.has_lifecycle
    assert _used_in_process(log)  # XES traces list their events in time order
    fast = _tables(log, in_process=True)
    sql = _tables(log, in_process=False)
    pdt.assert_frame_equal(fast["steps"], sql["steps"])
    pdt.assert_frame_equal(fast["spans"], sql["spans"])


def test_distinct_case_counts_by_bitmap_equal_the_distinct_projection() -> None:
    log = load_log(RECEIPT)
    engine = DuckDBEngine()
    try:
        prepare_steps(engine, log)
        from bottleneck_finder.engine import stats

        sizes = {
            "cases": len(log.events["case"].cat.categories),
            "activities": len(log.events["activity"].cat.categories),
        }
        assert engine.bitmap_count("case_id", sizes["cases"], 1) is not None
        by_bitmap = engine.frame(stats.transition_stats(engine, "steps", **sizes))
        projected = engine.frame(stats.transition_stats(engine, "steps"))
        acts_bitmap = engine.frame(stats.activity_stats(engine, "steps", **sizes))
        acts_projected = engine.frame(stats.activity_stats(engine, "steps"))
    finally:
        engine.close()
    key = ["source", "activity"]
    left = by_bitmap.sort_values(key).reset_index(drop=True)
    right = projected.sort_values(key).reset_index(drop=True)[left.columns]
    pdt.assert_frame_equal(left, right, check_dtype=False)
    left = acts_bitmap.sort_values("activity").reset_index(drop=True)
    right = acts_projected.sort_values("activity").reset_index(drop=True)[left.columns]
    pdt.assert_frame_equal(left, right, check_dtype=False)


def test_bitmap_is_refused_beyond_its_memory_budget() -> None:
    engine = DuckDBEngine()
    try:
        assert engine.bitmap_count("case_id", 10_000_000, 100_000) is None
        assert engine.bitmap_count("case_id", 0, 10) is None
    finally:
        engine.close()


@pytest.mark.parametrize("n", [1, 2])
def test_tiny_instance_sets(n: int) -> None:
    rows = TIME_SORTED[:n]
    log = load_log(_frame(rows))
    _assert_same(log, expect_in_process=True)
    assert event_table(log.events).num_rows == len(rows)


def test_case_row_order_sorts_by_case_then_row() -> None:
    inst = in_process.InstanceArrays(
        case=np.array([2, 0, 2, 1, 0], np.int32),
        activity=np.zeros(5, np.int32),
        end=np.arange(5, dtype=np.int64),
        start=np.arange(5, dtype=np.int64),
        start_known=np.zeros(5, bool),
        row=np.array([0, 1, 2, 3, 4], np.int64),
        resource=np.full(5, -1, np.int32),
        group=np.full(5, -1, np.int32),
    )
    order = in_process.case_row_order(inst)
    assert order is not None
    assert order.positions.tolist() == [1, 4, 3, 0, 2]
    assert order.case.tolist() == [0, 0, 1, 2, 2]
    shuffled_rows = in_process.InstanceArrays(**{**inst.__dict__, "row": np.array([4, 3, 2, 1, 0])})
    by_row = in_process.case_row_order(shuffled_rows)  # rows not ascending: the argsort way
    assert by_row is not None
    assert by_row.positions.tolist() == [4, 1, 3, 2, 0]
    assert by_row.case.tolist() == [0, 0, 1, 2, 2]


def _with_duplicates(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Rows 2 and 5 repeated right after themselves: the file order stays the same."""
    frame = _frame(rows)
    return frame.iloc[[0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8]].reset_index(drop=True)


@pytest.mark.parametrize("order", ["time", "reversed"])
def test_duplicates_found_whether_or_not_cases_are_in_time_order(order: str) -> None:
    """In time order duplicates are found among the rows tied on case and end; out of time
    order by hashing every row. Both find the same rows."""
    from bottleneck_finder.errors import LogValidationError
    from bottleneck_finder.normalize import NormalizeOptions

    rows = TIME_SORTED if order == "time" else list(reversed(TIME_SORTED))
    frame = _with_duplicates(rows)
    from bottleneck_finder.duplicates import tied_rows
    from bottleneck_finder.ordering import by_case as case_order

    codes = pd.factorize(frame["case_id"])[0]
    activities = pd.factorize(frame["activity"])[0]
    ends = pd.to_datetime(frame["timestamp"]).to_numpy().view(np.int64)
    tied = tied_rows(activities, ends, case_order(codes))
    assert (tied is not None) is (order == "time")  # which way the candidates are found
    if tied is not None:  # exactly the four rows of the two repeated pairs
        assert tied.tolist() == [2, 3, 6, 7]
    with pytest.raises(LogValidationError, match="2 rows are exact duplicates"):
        load_log(frame, options=NormalizeOptions(duplicates="fail"))
    log = load_log(frame, options=NormalizeOptions(duplicates="drop"))
    assert log.quality.dropped_duplicates == 2
    assert len(log.events) == len(rows)
    # the (case, position) order survives the dropped rows and is accepted by the engine
    arrays = in_process.from_events(log.events)
    assert log.case_order is not None
    checked = in_process.checked_order(arrays, log.case_order)
    assert checked is not None
    computed = in_process.case_row_order(arrays)
    assert computed is not None
    assert np.array_equal(checked.positions, computed.positions)
    assert np.array_equal(checked.case, computed.case)
    _assert_same(log, expect_in_process=order == "time")


def test_same_second_events_of_different_activities_are_not_duplicates() -> None:
    # c1's Kiểm tra and Ký số share case and second: candidates, cleared by the exact check
    log = load_log(_frame(TIME_SORTED))
    assert log.quality.dropped_duplicates == 0
    assert len(log.events) == len(TIME_SORTED)


def test_a_stale_order_hint_is_refused_and_the_steps_stay_right() -> None:
    from dataclasses import replace

    log = load_log(_frame(TIME_SORTED))
    kept = log.events[log.events["case"] != "c2"].reset_index(drop=True)
    stale = replace(log, events=kept)  # still carries the order of all nine events
    assert stale.case_order is not None and len(stale.case_order) != len(kept)
    assert in_process.checked_order(in_process.from_events(kept), stale.case_order) is None
    shuffled = replace(log, case_order=log.case_order[::-1].copy())
    assert in_process.checked_order(in_process.from_events(log.events), shuffled.case_order) is None
    for candidate in (stale, shuffled):
        fast = _tables(candidate, in_process=True)
        sql = _tables(candidate, in_process=False)
        pdt.assert_frame_equal(fast["steps"], sql["steps"])
