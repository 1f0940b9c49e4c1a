"""Figures checked against independent computations on real logs: pm4py and plain pandas."""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bottleneck_finder import analyze_log
from bottleneck_finder.io.read import read_log

from .conftest import RECEIPT, shared_log


def quiet_pm4py() -> Any:
    """pm4py, imported without its banner and warnings."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py
    return pm4py


@pytest.fixture(scope="module")
def receipt_frame() -> pd.DataFrame:
    pm4py = quiet_pm4py()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.read_xes(str(RECEIPT), show_progress_bar=False)


def test_receipt_counts_equal_pm4py_dfg(receipt_frame: pd.DataFrame) -> None:
    pm4py = quiet_pm4py()
    dfg, starts, ends = pm4py.discover_dfg(receipt_frame.copy())
    a = analyze_log(RECEIPT)
    ours = {(r.source, r.target): r.count for r in a.transitions.itertuples()}
    assert ours == {k: int(v) for k, v in dfg.items()}
    assert dict(a.start_activities.itertuples(index=False, name=None)) == starts
    assert dict(a.end_activities.itertuples(index=False, name=None)) == ends


def test_receipt_waits_equal_pm4py_performance_dfg(receipt_frame: pd.DataFrame) -> None:
    pm4py = quiet_pm4py()
    before = receipt_frame.copy()
    # pm4py gets its own copy: it adds a `start_timestamp` column to the frame it is given.
    perf = pm4py.discover_performance_dfg(receipt_frame.copy())[0]
    a = analyze_log(receipt_frame)
    pd.testing.assert_frame_equal(receipt_frame, before)  # our analysis never touches the input
    assert a.wait_definition == "end_to_previous_end"
    ours = a.transitions.set_index(["source", "target"])
    assert len(perf) == len(ours) == 99
    for pair, stats in perf.items():
        row = ours.loc[pair]
        assert row["wait_mean_s"] == pytest.approx(float(stats["mean"]), rel=1e-6, abs=1e-6)
        assert row["wait_median_s"] == pytest.approx(float(stats["median"]), rel=1e-6, abs=1e-6)
        assert row["wait_max_s"] == pytest.approx(float(stats["max"]), rel=1e-6, abs=1e-6)
        assert row["wait_total_s"] == pytest.approx(float(stats["sum"]), rel=1e-6, abs=1e-6)


def test_receipt_case_durations_and_activity_counts_equal_pm4py(
    receipt_frame: pd.DataFrame,
) -> None:
    pm4py = quiet_pm4py()
    durations = np.array(pm4py.get_all_case_durations(receipt_frame.copy()), dtype=float)
    counts = pm4py.get_event_attribute_values(receipt_frame.copy(), "concept:name")
    a = analyze_log(RECEIPT)
    assert a.cases.count == len(durations) == 1434
    assert a.cases.duration_mean_s == pytest.approx(durations.mean(), rel=1e-9)
    assert a.cases.duration_median_s == pytest.approx(np.median(durations), rel=1e-9)
    assert a.cases.duration_p90_s == pytest.approx(np.percentile(durations, 90), rel=1e-9)
    assert a.cases.duration_max_s == pytest.approx(durations.max(), rel=1e-9)
    assert dict(zip(a.activities["activity"], a.activities["count"], strict=True)) == counts


def test_dataframe_input_is_not_changed_and_start_column_is_announced() -> None:
    # pm4py silently switches definition when a `start_timestamp` column exists; we detect it,
    # say so in the result's column mapping, and never add columns to the caller's frame.
    frame = pd.DataFrame(
        {
            "case_id": ["1", "1"],
            "activity": ["A", "B"],
            "start_timestamp": ["2025-01-01 08:00", "2025-01-01 10:00"],
            "timestamp": ["2025-01-01 09:00", "2025-01-01 11:00"],
        }
    )
    before = frame.copy()
    a = analyze_log(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert a.columns.start == "start_timestamp"
    assert a.wait_definition == "start_to_previous_end"
    assert a.transitions["wait_total_s"].tolist() == [3600.0]


def test_ties_follow_file_order_like_a_stable_sort() -> None:
    rng = np.random.default_rng(7)
    n_cases, per_case = 3000, 8
    frame = pd.DataFrame(
        {
            "event_id": np.arange(n_cases * per_case),  # same-day repeats are distinct events
            "case_id": np.repeat([f"c{i}" for i in range(n_cases)], per_case),
            "activity": rng.choice(list("ABCDEFG"), n_cases * per_case),
            # day resolution: most events of a case share a day with another
            "timestamp": pd.Timestamp("2025-01-01")
            + pd.to_timedelta(rng.integers(0, 3, n_cases * per_case), unit="D"),
        }
    )
    frame = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)  # cases interleaved
    ordered = frame.sort_values(["case_id", "timestamp"], kind="stable")
    ordered = ordered.assign(source=ordered.groupby("case_id")["activity"].shift())
    expected = ordered.dropna(subset=["source"]).groupby(["source", "activity"]).size().to_dict()
    for _ in range(3):
        a = analyze_log(frame)
        got = {(r.source, r.target): r.count for r in a.transitions.itertuples()}
        assert got == expected


def _pair_lifecycle(events: pd.DataFrame) -> pd.DataFrame:
    """Independent pairing: a complete directly preceded (same case and activity) by a start."""
    e = events.reset_index(drop=True).assign(row=lambda d: np.arange(len(d)))
    e = e.sort_values(["case", "activity", "ts", "row"], kind="stable")
    same = (e["case"] == e["case"].shift()) & (e["activity"] == e["activity"].shift())
    prev_is_start = same & (e["lifecycle"].shift() == "start")
    completes = e[(e["lifecycle"] == "complete")].copy()
    completes["start"] = np.where(
        prev_is_start[completes.index], e["ts"].shift()[completes.index], pd.NaT
    )
    return completes


def test_bpic2017_pairing_and_waits_equal_pandas() -> None:
    path = shared_log("BPI_Challenge_2017_W_Two_TS_filtered.xes.gz")
    raw = read_log(path).table
    events = pd.DataFrame(
        {
            "case": raw["case:concept:name"].astype(str),
            "activity": raw["concept:name"].astype(str),
            "lifecycle": raw["lifecycle:transition"].str.lower(),
            "ts": pd.to_datetime(raw["time:timestamp"], format="ISO8601", utc=True),
        }
    )
    inst = _pair_lifecycle(events)
    inst["start"] = pd.to_datetime(inst["start"], utc=True)
    inst = inst.rename(columns={"ts": "end"})
    inst["start_eff"] = inst["start"].fillna(inst["end"])
    inst = inst.sort_values(["case", "end", "start_eff", "row"], kind="stable")
    inst["source"] = inst.groupby("case")["activity"].shift()
    inst["prev_end"] = inst.groupby("case")["end"].shift()
    inst = inst.dropna(subset=["source"])
    inst["wait"] = ((inst["start_eff"] - inst["prev_end"]).dt.total_seconds()).clip(lower=0)
    expected = inst.groupby(["source", "activity"])["wait"].agg(["count", "mean", "median", "sum"])

    a = analyze_log(path)
    assert a.wait_definition == "start_to_previous_end"
    assert a.log.activity_instances == 63764  # 127,528 events, all paired
    assert a.quality.unmatched_starts == 0 and a.quality.unmatched_completes == 0
    ours = a.transitions.set_index(["source", "target"])
    assert len(ours) == len(expected)
    for (source, target), row in expected.iterrows():
        got = ours.loc[(source, target)]
        assert got["count"] == row["count"]
        assert got["wait_mean_s"] == pytest.approx(row["mean"], rel=1e-9)
        assert got["wait_median_s"] == pytest.approx(row["median"], rel=1e-9)
        assert got["wait_total_s"] == pytest.approx(row["sum"], rel=1e-9)


@pytest.mark.parametrize(
    "name", ["Production.xes.gz", "BPI_Challenge_2017_W_Two_TS_filtered.xes.gz"]
)
def test_lifecycle_pairing_equals_pm4py_interval_conversion(name: str) -> None:
    """pm4py's `to_interval` pairs first-in-first-out per (activity, instance key) in trace
    order; with `org:resource` as the key (every event of these logs names one) it is our rule.
    The same paired instances per activity, with the same durations, and the same completes
    without a start."""
    from bottleneck_finder import api
    from bottleneck_finder.normalize import NormalizeOptions

    path = shared_log(name)
    pm4py = quiet_pm4py()
    from pm4py.objects.log.util import interval_lifecycle

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pm4py.read_xes(str(path), show_progress_bar=False)
        assert frame["org:resource"].notna().all()
        # Production repeats 120 rows exactly: both sides leave them out
        frame = frame.drop_duplicates().reset_index(drop=True)
        log = pm4py.convert_to_event_log(frame)
        key = interval_lifecycle.Parameters.LIFECYCLE_INSTANCE_KEY
        intervals = interval_lifecycle.to_interval(log, parameters={key: "org:resource"})
    rows = [
        (e["concept:name"], "@@startevent_concept:name" in e, float(e["@@duration"]))
        for trace in intervals
        for e in trace
    ]
    theirs = pd.DataFrame(rows, columns=["activity", "paired", "duration"])
    paired = theirs[theirs["paired"]].groupby("activity")["duration"]
    expected = pd.DataFrame(
        {
            "count": paired.count(),
            "sum": paired.sum(),
            "median": paired.median(),
            "max": paired.max(),
        }
    )

    with api.load(path, options=NormalizeOptions(bad_rows="skip", duplicates="drop")) as p:
        a = api.analyze(p, flows=False).analysis
    ours = a.activities.set_index("activity")
    assert int(ours["processing_count"].sum()) == int(expected["count"].sum()) > 4000
    assert a.quality.unmatched_completes == int((~theirs["paired"]).sum())
    assert a.quality.complete_only_events == 0
    for activity, row in expected.iterrows():
        got = ours.loc[activity]
        assert got["processing_count"] == row["count"], activity
        assert got["processing_total_s"] == pytest.approx(row["sum"], rel=1e-9, abs=1e-6)
        assert got["processing_median_s"] == pytest.approx(row["median"], rel=1e-9, abs=1e-6)
        assert got["processing_max_s"] == pytest.approx(row["max"], rel=1e-9, abs=1e-6)
    # activities pm4py never paired have no processing time here either
    assert set(ours.index[ours["processing_count"] > 0]) == set(expected.index)
