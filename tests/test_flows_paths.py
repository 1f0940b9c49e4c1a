"""Variants, rework and hand-offs are the same on every path: numpy over the in-process step
table, the SQL windows, and the engine under a memory limit small enough to spill."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pandas.testing as pdt
import pytest

from bottleneck_finder.analysis.flows import flows
from bottleneck_finder.api import load_log
from bottleneck_finder.engine import (
    DuckDBEngine,
    Settings,
    configure,
    current_settings,
    prepare,
    sequences,
)
from bottleneck_finder.engine import flows as sql
from bottleneck_finder.model import EventLog
from bottleneck_finder.prepared import PreparedLog

from .conftest import RECEIPT, shared_log, write

# Overlapping loops: c1 A B C B D C E (B's loop 2-4 and C's 3-6 overlap: steps 3-6 inside),
# c2 A A A B (two self-loops), c3 A B A C B D (A's loop 1-3 and B's 2-5: steps 2-5 inside).
LOOPS = """case,activity,timestamp
c1,A,2025-01-06 08:00
c1,B,2025-01-06 08:10
c1,C,2025-01-06 08:40
c1,B,2025-01-06 09:00
c1,D,2025-01-06 10:00
c1,C,2025-01-06 10:05
c1,E,2025-01-06 12:00
c2,A,2025-01-06 08:00
c2,A,2025-01-06 08:01
c2,A,2025-01-06 08:03
c2,B,2025-01-06 09:00
c3,A,2025-01-06 08:00
c3,B,2025-01-06 08:30
c3,A,2025-01-06 08:31
c3,C,2025-01-06 09:31
c3,B,2025-01-06 09:41
c3,D,2025-01-06 11:41
"""


@pytest.fixture(autouse=True)
def _default_settings() -> Iterator[None]:
    before = current_settings()
    yield
    configure(before)


def _paths(log: EventLog, top: int | None = None) -> dict[str, tuple[Any, Any, Any]]:
    """The flows of `log` on the numpy path, the SQL path and the path of logs too large to
    build in process (the engine builds every table under its memory limit, spilling)."""
    out = {}
    for name, factory in (
        ("numpy", DuckDBEngine),
        ("sql", lambda: DuckDBEngine(in_process_steps=False)),
    ):
        with PreparedLog(log, engine=factory) as p:
            out[name] = flows(p, top=top)
    configure(Settings(memory_limit=32 * 2**20))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prepare, "STEP_BYTES", {False: 2**40, True: 2**40})  # "too large"
        with PreparedLog(log) as p:
            out["spilled"] = flows(p, top=top)
            assert p.session("detail").registered("steps") is None
    return out


def _assert_equal(a: tuple[Any, Any, Any], b: tuple[Any, Any, Any]) -> None:
    (va, ra, ha), (vb, rb, hb) = a, b
    assert (va.count, va.cases) == (vb.count, vb.cases)
    pdt.assert_frame_equal(va.table, vb.table, check_exact=True)
    for name in ("cases", "cases_affected", "repeats", "self_loops", "added_wait_total_s"):
        assert getattr(ra, name) == getattr(rb, name), name
    pdt.assert_frame_equal(ra.table, rb.table, check_exact=True)
    assert ha.level == hb.level
    pdt.assert_frame_equal(ha.summary, hb.summary, check_exact=True)
    pdt.assert_frame_equal(ha.pairs, hb.pairs, check_exact=True)


def _loop_reference(path: Path) -> tuple[int, int, int, float]:
    """Repeats, self-loops, affected cases and the waiting inside loops, straight from the
    definition: a step at position p is inside a loop when some activity occurs before p and
    again at or after p (plain Python over the sorted rows)."""
    raw = pd.read_csv(path, parse_dates=["timestamp"]).sort_values(
        ["case", "timestamp"], kind="stable"
    )
    repeats = self_loops = affected = 0
    wait = 0.0
    for _, rows in raw.groupby("case", sort=True):
        acts = rows["activity"].tolist()
        times = rows["timestamp"].tolist()
        seen: dict[str, int] = {}
        spans = []
        for p, a in enumerate(acts):
            if a in seen:
                repeats += 1
                self_loops += int(acts[p - 1] == a)
                spans.append((seen[a], p))
            seen[a] = p
        affected += bool(spans)
        for p in range(1, len(acts)):
            if any(lo < p <= hi for lo, hi in spans):
                wait += (times[p] - times[p - 1]).total_seconds()
    return repeats, self_loops, affected, wait


def test_loops_against_the_definition_on_every_path(tmp_path: Path) -> None:
    path = write(tmp_path, "loops.csv", LOOPS)
    found = _paths(load_log(path))
    repeats, self_loops, affected, wait = _loop_reference(path)
    assert (repeats, self_loops, affected) == (6, 2, 3)
    for name, (_, r, _) in found.items():
        assert (r.repeats, r.self_loops, r.cases_affected) == (repeats, self_loops, affected), name
        assert r.added_wait_total_s == wait, name
    _assert_equal(found["numpy"], found["sql"])
    _assert_equal(found["numpy"], found["spilled"])


@pytest.mark.parametrize("top", [None, 3])
def test_receipt_flows_equal_on_every_path(top: int | None) -> None:
    found = _paths(load_log(RECEIPT), top=top)
    _assert_equal(found["numpy"], found["sql"])
    _assert_equal(found["numpy"], found["spilled"])


def test_bpi2017_flows_equal_on_every_path() -> None:
    found = _paths(load_log(shared_log("BPI_Challenge_2017_W_Two_TS_filtered.xes.gz")), top=5)
    _assert_equal(found["numpy"], found["sql"])
    _assert_equal(found["numpy"], found["spilled"])


def test_numpy_repeats_equal_the_sql_window() -> None:
    log = load_log(RECEIPT)
    with PreparedLog(log) as p:
        engine = p.session("detail")
        steps = engine.registered("steps")
        runs = sequences.CaseRuns.of(steps)
        assert runs is not None  # the receipt log's steps are built in process
        fast = sequences.repeats(steps, runs)
        assert fast is not None
        engine.register("fast", fast)
        key = ["case_id", "pos"]
        got = engine.frame("SELECT * FROM fast").sort_values(key).reset_index(drop=True)
        want = engine.frame(sql.repeats()).sort_values(key).reset_index(drop=True)
    assert len(got) > 100
    pdt.assert_frame_equal(got, want[got.columns], check_dtype=False)


def test_hashed_and_exact_variant_grouping_agree() -> None:
    with PreparedLog(load_log(RECEIPT), engine=lambda: DuckDBEngine(in_process_steps=False)) as p:
        engine = p.session("detail")
        assert engine.registered("steps") is None  # the SQL path: no numpy variants
        order = "ORDER BY cases DESC, variant"
        hashed = engine.frame(f"SELECT * FROM ({sql.variants(engine)}) {order}")
        exact = engine.frame(f"SELECT * FROM ({sql.variants_exact(engine)}) {order}")
    assert int(hashed["collisions"].sum()) == 0
    pdt.assert_frame_equal(hashed, exact, check_dtype=False)


def test_a_case_out_of_order_is_refused_by_the_numpy_path() -> None:
    import pyarrow as pa

    steps = pa.table(
        {
            "case_id": pa.array([0, 0, 1, 0], pa.int32()),
            "activity": pa.array([0, 1, 0, 1], pa.int32()),
            "pos": pa.array([1, 2, 1, 1], pa.int64()),
        }
    )
    assert sequences.CaseRuns.of(steps) is None


@pytest.mark.parametrize("text", ["receipt", "loops"])
def test_numpy_rework_totals_equal_the_sql(text: str, tmp_path: Path) -> None:
    log = load_log(RECEIPT if text == "receipt" else write(tmp_path, "loops.csv", LOOPS))
    with PreparedLog(log) as p:
        engine = p.session("detail")
        sql.prepare_repeats(engine)
        table = engine.registered(sql.REPEATS)
        assert table is not None  # found in numpy
        fast = sequences.rework_totals(table)
        assert fast is not None
        want = engine.frame(sql.rework_summary()).iloc[0]
    assert fast["repeats"] > 0
    for name, value in fast.items():
        assert value == int(want[name]), name
