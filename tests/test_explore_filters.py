"""Explore's variant and event-attribute filters: the figures of `analyze` on the log filtered by
hand in pandas, the variant list of `analysis.flows.variants`, both periods of a comparison."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest

from bottleneck_finder.analysis.analyze import analyze
from bottleneck_finder.analysis.compare import to_utc
from bottleneck_finder.analysis.flows import variants
from bottleneck_finder.api import load_log
from bottleneck_finder.commands.loading import load_with_columns
from bottleneck_finder.explore.compare_view import Comparer
from bottleneck_finder.explore.facts import event_values
from bottleneck_finder.explore.server import ExploreServer
from bottleneck_finder.explore.session import ExploreOptions, Explorer
from bottleneck_finder.explore.state import VARIANT_SEPARATOR, Filter, StateError, ViewState
from bottleneck_finder.io.read import read_log
from bottleneck_finder.prepared import PreparedLog
from bottleneck_finder.reporting.chromium import Browser

from .conftest import EVENT_LOGS, shared_log
from .test_explore_server import act, chromium, ready

SAMPLE = EVENT_LOGS / "one_stop_shop_after.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
OFFICER = "can_bo"  # the officer of each step, read again as a plain event attribute
UNIT = "don_vi"


def explorer_of(path: Path, columns: list[str]) -> Explorer:
    log, values = load_with_columns(path, {}, columns, quiet=True)
    at_events = {c: event_values(log, values[c]) for c in columns}
    return Explorer(log, ExploreOptions(anonymize=False), event_columns=at_events)


@pytest.fixture(scope="module")
def sample() -> Iterator[Explorer]:
    ex = explorer_of(SAMPLE, [OFFICER, UNIT])
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE)
    frame["start"] = pd.to_datetime(frame["thoi_gian_bat_dau"], utc=True)
    frame["end"] = pd.to_datetime(frame["thoi_gian_ket_thuc"], utc=True)
    return frame


def hand_variants(rows: pd.DataFrame, case: str, activity: str, order: list[str]) -> pd.Series:
    """Each case's activities in time order, joined as a variant chip names them."""
    ordered = rows.sort_values([case, *order], kind="stable")
    return ordered.groupby(case, sort=True)[activity].agg(lambda a: VARIANT_SEPARATOR.join(a))


def same_analysis(explorer: Explorer, state: ViewState, expected_log: pd.DataFrame | Path) -> None:
    """The explorer's analysis of `state` is `analyze` of the log filtered by hand."""
    chosen = explorer.select(state)
    assert chosen.analysis is not None
    expected = analyze(load_log(expected_log), top=10)
    got = chosen.analysis
    cols = ["source", "target", "count", "cases", "wait_median_s", "wait_p90_s", "wait_total_s"]
    pd.testing.assert_frame_equal(
        got.transitions[cols].reset_index(drop=True), expected.transitions[cols]
    )
    pd.testing.assert_frame_equal(
        got.activities.reset_index(drop=True), expected.activities.reset_index(drop=True)
    )
    assert got.cases == expected.cases
    assert (got.log.cases, got.log.events) == (expected.log.cases, expected.log.events)
    pd.testing.assert_frame_equal(
        got.bottlenecks.reset_index(drop=True), expected.bottlenecks.reset_index(drop=True)
    )
    view = explorer.view(state)
    assert view["kept"] == expected.log.cases
    assert dict(view["figures"])["Events"] == f"{expected.log.events:,}"


def csv_of(rows: pd.DataFrame, tmp_path: Path) -> Path:
    path = tmp_path / "hand.csv"
    rows.drop(columns=["start", "end"]).to_csv(path, index=False)
    return path


def test_state_round_trip() -> None:
    state = ViewState(paths="all").with_filters(
        Filter("variant", values=(f"A{VARIANT_SEPARATOR}B", "A")),
        Filter("attribute", column="channel", values=("web",), mode="events"),
        Filter("attribute", column="channel", values=("desk",)),
    )
    assert ViewState.from_json(state.to_json()) == state
    assert state.document()["filters"][1]["mode"] == "events"
    assert "mode" not in state.document()["filters"][2]
    with pytest.raises(StateError, match="mode"):
        ViewState.from_json('{"filters":[{"kind":"through","values":["A"],"mode":"events"}]}')
    with pytest.raises(StateError, match="mode"):
        ViewState.from_json('{"filters":[{"kind":"attribute","column":"c","mode":"some"}]}')


def test_variant_list_is_that_of_flows(sample: Explorer, raw: pd.DataFrame) -> None:
    view = sample.view(ViewState())
    table = variants(PreparedLog(load_log(SAMPLE)), top=None).table
    expected = {
        VARIANT_SEPARATOR.join(a): int(n)
        for a, n in zip(table.activities, table.cases, strict=True)
    }
    got = {v["variant"]: v["cases"] for v in view["variants"]}
    assert got == expected and view["variants_total"] == len(table)
    assert [v["rank"] for v in view["variants"]] == list(table["rank"])
    assert [v["share"] for v in view["variants"]] == pytest.approx(list(table["share"]))
    # and an independent count: each case's steps in time order
    by_hand = hand_variants(raw, "ma_ho_so", "buoc", ["end", "start"]).value_counts()
    assert got == by_hand.to_dict()


def test_variant_filter(sample: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    per_case = hand_variants(raw, "ma_ho_so", "buoc", ["end", "start"])
    second = per_case.value_counts().index[1]
    state = ViewState().with_filters(Filter("variant", values=(second,)))
    kept = per_case[per_case == second].index
    assert 0 < len(kept) < len(per_case)
    same_analysis(sample, state, csv_of(raw[raw["ma_ho_so"].isin(kept)], tmp_path))
    # the list now holds that one variant
    view = sample.view(state)
    assert [(v["variant"], v["cases"], v["share"]) for v in view["variants"]] == [
        (second, len(kept), 1.0)
    ]
    with pytest.raises(StateError, match="unknown variant"):
        sample.select(ViewState().with_filters(Filter("variant", values=("nowhere",))))


def test_event_attribute_filter(sample: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    officer = raw[OFFICER].value_counts().index[5]
    kept = raw.loc[raw[OFFICER] == officer, "ma_ho_so"].unique()
    assert 0 < len(kept) < raw["ma_ho_so"].nunique()
    state = ViewState().with_filters(Filter("attribute", column=OFFICER, values=(officer,)))
    same_analysis(sample, state, csv_of(raw[raw["ma_ho_so"].isin(kept)], tmp_path))
    counts = dict(map(tuple, sample.meta()["attributes"][OFFICER]))
    assert counts[officer] == len(kept)  # cases having such an event
    assert OFFICER in sample.meta()["event_attributes"]


def test_event_mode_keeps_only_the_matching_events(
    sample: Explorer, raw: pd.DataFrame, tmp_path: Path
) -> None:
    units = raw[UNIT].value_counts().index[:2]
    state = ViewState().with_filters(
        Filter("attribute", column=UNIT, values=tuple(units), mode="events")
    )
    same_analysis(sample, state, csv_of(raw[raw[UNIT].isin(units)], tmp_path))


def test_variant_attribute_and_date(sample: Explorer, raw: pd.DataFrame, tmp_path: Path) -> None:
    per_case = hand_variants(raw, "ma_ho_so", "buoc", ["end", "start"])
    top_two = tuple(per_case.value_counts().index[:2])
    officer = raw[OFFICER].value_counts().index[0]
    first = raw.groupby("ma_ho_so")["start"].min().dt.tz_convert("+07:00")
    keep = (
        per_case.isin(top_two)
        & per_case.index.isin(raw.loc[raw[OFFICER] == officer, "ma_ho_so"])
        & (first >= pd.Timestamp("2025-04-01", tz="+07:00"))
        & (first < pd.Timestamp("2025-05-01", tz="+07:00"))
    )
    assert 0 < keep.sum() < len(keep)
    state = ViewState().with_filters(
        Filter("date", low="2025-04-01", high="2025-04-30"),
        Filter("variant", values=top_two),
        Filter("attribute", column=OFFICER, values=(officer,)),
    )
    same_analysis(sample, state, csv_of(raw[raw["ma_ho_so"].isin(keep[keep].index)], tmp_path))


def test_both_periods_are_filtered() -> None:
    ex = explorer_of(ROLLOUT, [UNIT])
    try:
        log = ex.full.log
        split = Comparer(ex, at=to_utc("2025-04-14", log.display_tz, log.timestamp_format))
        raw = pd.read_csv(ROLLOUT)
        raw["start"] = pd.to_datetime(raw["thoi_gian_bat_dau"], utc=True)
        raw["end"] = pd.to_datetime(raw["thoi_gian_ket_thuc"], utc=True)
        per_case = hand_variants(raw, "ma_ho_so", "buoc", ["end", "start"])
        # the new process's commonest path and the old one's (no variant is in both periods)
        chosen = tuple(per_case.value_counts().index[:2])
        state = ViewState(view="difference").with_filters(Filter("variant", values=chosen))
        done = split.compare(state)
        assert done.result is not None
        first = raw.groupby("ma_ho_so")["start"].min()
        at = pd.Timestamp("2025-04-14", tz="+07:00")
        ours = per_case.isin(chosen)
        last = raw.groupby("ma_ho_so")["end"].max()
        # compare leaves out the cases straddling the date
        assert done.result.before.cases == int((ours & (last < at)).sum()) > 0
        assert done.result.after.cases == int((ours & (first >= at)).sum()) > 0
        view = split.view(state)
        got = {v["variant"]: v["cases"] for v in view["variants"]}
        assert got == per_case[ours].value_counts().to_dict()
        one = split.compare(
            ViewState(view="after").with_filters(Filter("variant", values=chosen[:1]))
        )
        assert one.result is None and "outside the cases" in one.message  # before: none left
    finally:
        ex.close()


def test_real_log_receipt(tmp_path: Path) -> None:
    """08_receipt (WABO): its event attribute org:group, a variant and a date range."""
    path = shared_log("08_receipt.xes.gz")
    ex = explorer_of(path, ["org:group"])
    try:
        table = read_log(path).table
        table["time"] = pd.to_datetime(table["time:timestamp"], utc=True, format="ISO8601")
        table["time:timestamp"] = table["time"]  # as read from the XES file
        table["row"] = np.arange(len(table))
        case, act = "case:concept:name", "concept:name"
        per_case = hand_variants(table, case, act, ["time", "row"])
        assert {v["variant"]: v["cases"] for v in ex.view(ViewState())["variants"]} == dict(
            per_case.value_counts().head(30)
        )
        group = table["org:group"].value_counts().index[3]
        with_group = table.loc[table["org:group"] == group, case].unique()
        state = ViewState().with_filters(Filter("attribute", column="org:group", values=(group,)))
        assert 0 < len(with_group) < len(per_case)
        same_analysis(ex, state, table[table[case].isin(with_group)].drop(columns=["time", "row"]))

        chosen = tuple(per_case.value_counts().index[:3])
        first = table.groupby(case)["time"].min().dt.tz_convert(ex.full.log.display_tz)
        day = first.sort_values().iloc[len(first) // 2].strftime("%Y-%m-%d")
        keep = per_case.isin(chosen) & (first.dt.strftime("%Y-%m-%d") >= day)
        assert 0 < keep.sum() < per_case.isin(chosen).sum()
        state = ViewState().with_filters(Filter("variant", values=chosen), Filter("date", low=day))
        rows = table[table[case].isin(keep[keep].index)].drop(columns=["time", "row"])
        same_analysis(ex, state, rows)
    finally:
        ex.close()


@pytest.fixture(scope="module")
def server(sample: Explorer) -> Iterator[ExploreServer]:
    srv = ExploreServer(sample)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def drawn(browser: Browser) -> tuple[int, int]:
    nodes, edges = browser.evaluate(
        "[document.querySelectorAll('#map g.node').length,"
        " document.querySelectorAll('#map g.edge').length]"
    )
    return int(nodes), int(edges)


def expected_counts(explorer: Explorer, state: ViewState) -> tuple[int, int]:
    """Boxes and arrows of the map of `state` (every activity and arrow of the sample fits the
    default sliders): the activities with start and end, the transitions, starts and ends."""
    analysis = explorer.select(state).analysis
    assert analysis is not None
    arrows = len(analysis.transitions) + len(analysis.start_activities)
    return len(analysis.activities) + 2, arrows + len(analysis.end_activities)


@chromium
def test_variant_and_attribute_chips_in_chromium(server: ExploreServer, raw: pd.DataFrame) -> None:
    explorer = server.explorer
    per_case = hand_variants(raw, "ma_ho_so", "buoc", ["end", "start"])
    second = per_case.value_counts().index[1]
    officer = raw[OFFICER].value_counts().index[5]
    with Browser() as browser:
        report = browser.open_url(server.url, width=1500, height=950)
        ready(browser)
        assert drawn(browser) == expected_counts(explorer, ViewState())
        rows = browser.evaluate("document.querySelectorAll('#variant-table tr').length")
        assert rows == 1 + per_case.nunique()  # the head and every variant of the sample
        act(
            browser,
            "document.querySelectorAll('#variants .variant-pick')[1].click();"
            "document.getElementById('variants-apply').click()",
        )
        one = ViewState().with_filters(Filter("variant", values=(second,)))
        assert browser.evaluate("window.explore.view.kept") == (per_case == second).sum()
        assert drawn(browser) == expected_counts(explorer, one)
        act(
            browser,
            "const k = document.getElementById('filter-kind'); k.value = 'attribute';"
            "k.dispatchEvent(new Event('change'));"
            f"const c = document.getElementById('f-column'); c.value = {json.dumps(OFFICER)};"
            "c.dispatchEvent(new Event('change'));"
            f"const s = document.getElementById('f-search'); s.value = {json.dumps(officer)};"
            "s.dispatchEvent(new Event('input'));"
            "document.querySelector('#f-values option').selected = true;"
            "document.getElementById('filter-apply').click()",
        )
        both = one.with_filters(Filter("attribute", column=OFFICER, values=(officer,)))
        kept = per_case[per_case == second].index.intersection(
            raw.loc[raw[OFFICER] == officer, "ma_ho_so"].unique()
        )
        assert 0 < browser.evaluate("window.explore.view.kept") == len(kept) < len(per_case)
        assert drawn(browser) == expected_counts(explorer, both)
        assert browser.evaluate("document.querySelectorAll('#chips .chip').length") == 2
        hash_state = json.loads(browser.evaluate("decodeURIComponent(location.hash.slice(1))"))
        assert ViewState.from_json(json.dumps(hash_state)).filters == both.filters
        act(browser, "document.querySelector('#chips .chip button').click()")  # the variant chip
        assert browser.evaluate("document.querySelectorAll('#chips .chip').length") == 1
        assert (
            browser.evaluate("window.explore.view.kept")
            == raw.loc[raw[OFFICER] == officer, "ma_ho_so"].nunique()
        )
    assert report.errors == [] and report.failed == []
    for url in report.requests:
        parts = urlsplit(url)
        assert parts.scheme == "data" or (
            parts.scheme == "http" and parts.hostname == "127.0.0.1"
        ), url
