"""Explore filters: every filtered figure equals `analyze` on the same log filtered by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bottleneck_finder.analysis.analyze import analyze
from bottleneck_finder.analysis.deadlines import case_column
from bottleneck_finder.api import load_log
from bottleneck_finder.commands.loading import load_with_columns
from bottleneck_finder.explore.drill import case_timeline, edge_details, filtered_csv
from bottleneck_finder.explore.session import ExploreOptions, Explorer
from bottleneck_finder.explore.state import Filter, StateError, ViewState

from .conftest import EVENT_LOGS

SAMPLE = EVENT_LOGS / "one_stop_shop_after.csv"
PROCEDURE = "thu_tuc"
OFFICERS = "Officer (did a step)"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE)
    frame["start"] = pd.to_datetime(frame["thoi_gian_bat_dau"], utc=True)
    frame["end"] = pd.to_datetime(frame["thoi_gian_ket_thuc"], utc=True)
    return frame


def make_explorer(anonymize: bool) -> Explorer:
    log, values = load_with_columns(SAMPLE, {}, [PROCEDURE], quiet=True)
    return Explorer(
        log,
        ExploreOptions(anonymize=anonymize),
        {PROCEDURE: case_column(log, values[PROCEDURE])},
    )


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    ex = make_explorer(anonymize=False)
    yield ex
    ex.close()


def by_hand(raw: pd.DataFrame, keep: pd.Series, tmp_path: Path) -> pd.DataFrame:
    """The rows of the kept cases (`keep`: a bool per case id), written and read back."""
    cases = keep[keep].index
    rows = raw[raw["ma_ho_so"].isin(cases)]
    path = tmp_path / "hand.csv"
    rows.drop(columns=["start", "end"]).to_csv(path, index=False)
    return path


def per_case(raw: pd.DataFrame) -> pd.DataFrame:
    ordered = raw.sort_values(["ma_ho_so", "end", "start"], kind="stable")
    g = ordered.groupby("ma_ho_so", sort=True)
    return pd.DataFrame(
        {
            "first": g["start"].min(),
            "last": g["end"].max(),
            "start_act": g["buoc"].first(),
            "end_act": g["buoc"].last(),
            "rework": g["buoc"].count() > g["buoc"].nunique(),
            "procedure": g[PROCEDURE].first(),
        }
    )


def same_analysis(explorer: Explorer, state: ViewState, path: Path) -> None:
    chosen = explorer.select(state)
    assert chosen.analysis is not None
    expected = analyze(load_log(path), top=10)
    got = chosen.analysis
    cols = ["source", "target", "count", "cases", "wait_median_s", "wait_p90_s", "wait_total_s"]
    pd.testing.assert_frame_equal(
        got.transitions[cols].reset_index(drop=True), expected.transitions[cols]
    )
    pd.testing.assert_frame_equal(
        got.activities.reset_index(drop=True), expected.activities.reset_index(drop=True)
    )
    assert got.cases == expected.cases
    assert got.log.cases == expected.log.cases and got.log.events == expected.log.events
    pd.testing.assert_frame_equal(
        got.bottlenecks.reset_index(drop=True), expected.bottlenecks.reset_index(drop=True)
    )
    view = explorer.view(state)
    assert view["kept"] == expected.log.cases
    figures = dict(view["figures"])
    assert figures["Cases"] == f"{expected.log.cases:,}"
    assert figures["Median throughput time"] == explorer.words.duration(
        expected.cases.duration_median_s
    )


def test_no_filter_is_the_whole_log(explorer: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    facts = per_case(raw)
    same_analysis(explorer, ViewState(), by_hand(raw, facts["first"].notna(), tmp_path))


def test_date_range_and_procedure(explorer: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    facts = per_case(raw)
    local = facts["first"].dt.tz_convert("+07:00")
    procedure = facts["procedure"].value_counts().index[0]
    keep = (
        (local >= pd.Timestamp("2025-04-01", tz="+07:00"))
        & (local < pd.Timestamp("2025-04-16", tz="+07:00"))
        & (facts["procedure"] == procedure)
    )
    assert 0 < keep.sum() < len(keep)
    state = ViewState().with_filters(
        Filter("date", low="2025-04-01", high="2025-04-15"),
        Filter("attribute", column=PROCEDURE, values=(procedure,)),
    )
    same_analysis(explorer, state, by_hand(raw, keep, tmp_path))


def test_start_end_and_through(explorer: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    facts = per_case(raw)
    through = "Yêu cầu bổ sung hồ sơ"
    passing = raw.groupby("ma_ho_so")["buoc"].apply(lambda s: through in set(s))
    start, end = facts["start_act"].iloc[0], facts["end_act"].iloc[0]
    keep = (facts["start_act"] == start) & (facts["end_act"] == end) & passing
    assert 0 < keep.sum() < len(keep)
    state = ViewState(metric="cases").with_filters(
        Filter("start", values=(start,)),
        Filter("end", values=(end,)),
        Filter("through", values=(through,)),
    )
    same_analysis(explorer, state, by_hand(raw, keep, tmp_path))


def test_rework_and_throughput(explorer: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    facts = per_case(raw)
    days = (facts["last"] - facts["first"]).dt.total_seconds() / 86400
    keep = facts["rework"] & (days >= 8) & (days <= 12.5)
    assert 0 < keep.sum() < facts["rework"].sum()
    state = ViewState(activities="5", paths="all").with_filters(
        Filter("rework"), Filter("duration", low="8", high="12.5")
    )
    same_analysis(explorer, state, by_hand(raw, keep, tmp_path))


def test_officer_any_step(explorer: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    name = raw["can_bo"].value_counts().index[-1]
    keep = raw.groupby("ma_ho_so")["can_bo"].apply(lambda s: name in set(s))
    state = ViewState().with_filters(Filter("attribute", column=OFFICERS, values=(name,)))
    same_analysis(explorer, state, by_hand(raw, keep, tmp_path))


def test_no_case_left(explorer: Explorer) -> None:
    state = ViewState().with_filters(Filter("duration", low="1000"))
    view = explorer.view(state)
    assert view["empty"] and view["kept"] == 0 and "svg" not in view


def test_state_round_trip_and_bad_states() -> None:
    state = ViewState(activities="40%", paths="all", metric="p90").with_filters(
        Filter("attribute", column="x", values=("a", "b")), Filter("rework")
    )
    assert ViewState.from_json(state.to_json()) == state
    for bad in ('{"metric": "max"}', '{"activities": "0"}', "[1]", "{", '{"filters": [{}]}'):
        with pytest.raises(StateError):
            ViewState.from_json(bad)


def test_edge_drill_down_matches_the_hand_computation(
    explorer: Explorer, raw: pd.DataFrame
) -> None:
    source, target = "Thẩm định hồ sơ", "Ký số phê duyệt"
    details = edge_details(explorer, ViewState(), source, target)
    ordered = raw.sort_values(["ma_ho_so", "end", "start"], kind="stable")
    nxt = ordered.groupby("ma_ho_so").shift(-1)
    hit = (ordered["buoc"] == source) & (nxt["buoc"] == target)
    waits = ((nxt.loc[hit, "start"] - ordered.loc[hit, "end"]).dt.total_seconds()).clip(lower=0)
    w = explorer.words
    figures = dict(details["figures"])
    assert figures["Times"] == w.count(len(waits))
    assert figures["Median wait"] == w.duration(float(np.median(waits)))
    assert figures["Longest wait"] == w.duration(float(waits.max()))
    assert sum(b["count"] for b in details["histogram"]) == len(waits)
    slowest = details["slowest"][0]
    worst_case = ordered.loc[waits.idxmax(), "ma_ho_so"]
    assert slowest["case"] == worst_case
    path = ordered[ordered["ma_ho_so"] == worst_case]["buoc"].tolist()
    assert slowest["path"] == path
    timeline = case_timeline(explorer, slowest["number"])
    assert [s["activity"] for s in timeline["steps"]] == path


def test_pseudonyms_hide_ids_and_officers(raw: pd.DataFrame) -> None:
    ex = make_explorer(anonymize=True)
    try:
        state = ViewState().with_filters(Filter("rework"))
        text = filtered_csv(ex, state).decode("utf-8")
        meta = str(ex.meta())
        details = str(edge_details(ex, state, "Thẩm định hồ sơ", "Ký số phê duyệt"))
        for secret in [*raw["ma_ho_so"].unique()[:50], *raw["can_bo"].unique()]:
            assert secret not in text and secret not in meta and secret not in details
        exported = pd.read_csv(pd.io.common.StringIO(text))
        assert exported["case"].str.startswith("Case ").all()
        assert exported["resource"].str.startswith("Officer ").all()
        assert exported["case"].nunique() == int(per_case(raw)["rework"].sum())
    finally:
        ex.close()


def test_exported_csv_reads_back_to_the_same_map(explorer: Explorer, tmp_path: Path) -> None:
    state = ViewState().with_filters(Filter("through", values=("Bổ sung hồ sơ",)))
    path = tmp_path / "explore-filtered.csv"
    path.write_bytes(filtered_csv(explorer, state))
    from bottleneck_finder.columns import LogColumns

    columns = LogColumns(
        case="case",
        activity="activity",
        timestamp="end",
        start="start",
        resource="resource",
        group="group",
    )
    again = analyze(load_log(path, columns))
    chosen = explorer.select(state)
    assert chosen.analysis is not None
    cols = ["source", "target", "count", "wait_median_s", "wait_total_s"]
    pd.testing.assert_frame_equal(again.transitions[cols], chosen.analysis.transitions[cols])
    assert "explore-filtered.csv" in explorer.command(state)
    assert explorer.command(ViewState()).startswith("bottleneck report LOG --activities 25")


def test_a_calendar_counts_working_time_as_analyze_does() -> None:
    """With `--calendar vn` (the default with `--lang vi`) the page's figures are working time,
    equal to `analyze` on the same calendar, and its report command keeps language and clock."""
    from bottleneck_finder.calendar import load_calendar
    from bottleneck_finder.prepared import PreparedLog
    from bottleneck_finder.render.words import Words

    cal = load_calendar("vn")
    assert cal is not None
    log = load_log(SAMPLE)
    words = Words("vi", workday_s=cal.workday_seconds)
    ex = Explorer(log, ExploreOptions(words=words, calendar_spec="vn"), calendar=cal)
    try:
        mine = ex.select(ViewState()).analysis
        command = ex.command(ViewState())
    finally:
        ex.close()
    with PreparedLog(log, calendar=cal) as p:
        theirs = analyze(p)
    with PreparedLog(log) as p:
        wall = analyze(p)
    assert mine is not None
    assert mine.total_wait_s == theirs.total_wait_s != wall.total_wait_s
    pd.testing.assert_frame_equal(mine.transitions, theirs.transitions)
    assert "--lang vi --calendar vn" in command
