"""Explore's before/after views: the figures of `compare` on the same (filtered) cases."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.compare import to_utc
from bottleneck_finder.analysis.deadlines import case_column
from bottleneck_finder.cli import cli
from bottleneck_finder.commands.loading import load_with_columns
from bottleneck_finder.explore.compare_view import FINDING_FIELDS, INTRODUCED_SHOWN, Comparer
from bottleneck_finder.explore.server import ExploreServer
from bottleneck_finder.explore.session import ExploreOptions, Explorer
from bottleneck_finder.explore.state import Filter, StateError, ViewState
from bottleneck_finder.reporting.chromium import Browser, find_chromium

from .conftest import EVENT_LOGS, ROOT
from .test_explore_server import act, get, ready

ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
SPLIT = "2025-04-14"
PROCEDURE = "thu_tuc"


def explorer_of(path: Path, others: tuple[Path, ...] = ()) -> Explorer:
    log, values = load_with_columns(path, {}, [PROCEDURE], quiet=True)
    named = [load_with_columns(p, {}, [PROCEDURE], quiet=True)[0] for p in others]
    return Explorer(
        log,
        ExploreOptions(log_path=str(path.relative_to(ROOT))),
        {PROCEDURE: case_column(log, values[PROCEDURE])},
        named_with=named,
    )


@pytest.fixture(scope="module")
def split() -> Iterator[Comparer]:
    ex = explorer_of(ROLLOUT)
    log = ex.full.log
    yield Comparer(ex, at=to_utc(SPLIT, log.display_tz, log.timestamp_format))
    ex.close()


def compare_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "cmp"
    r = CliRunner().invoke(cli, ["compare", *args, "-o", str(out), "--format", "dot", "-q"])
    assert r.exit_code == 0, r.output
    doc: dict[str, Any] = json.loads((out / "comparison.json").read_text("utf-8"))
    return doc


def same_introduced(view: dict[str, Any], doc: dict[str, Any]) -> None:
    expected = [{k: row.get(k) for k in FINDING_FIELDS} for row in doc["introduced_bottlenecks"]]
    got = [{k: row[k] for k in FINDING_FIELDS} for row in view["introduced"]]
    assert got == expected[:INTRODUCED_SHOWN]
    assert view["introduced_total"] == len(doc["introduced_bottlenecks"])
    figures = dict(view["figures"])
    assert figures["Cases before"] == f"{doc['before']['cases']:,}"
    assert figures["Cases after"] == f"{doc['after']['cases']:,}"


def test_state_round_trip_with_a_view() -> None:
    for view in ("before", "after", "difference"):
        state = ViewState(paths="all", view=view).with_filters(Filter("rework"))
        assert ViewState.from_json(state.to_json()) == state
        assert state.document()["view"] == view
    assert "view" not in ViewState().document()  # the one-log page's links stay as they were
    with pytest.raises(StateError, match="unknown view"):
        ViewState.from_json('{"view": "sideways"}')


def test_difference_lists_the_introduced_rows_of_compare_split(
    split: Comparer, tmp_path: Path
) -> None:
    doc = compare_json(tmp_path, str(ROLLOUT), "--split", SPLIT)
    view = split.view(ViewState(view="difference"))
    assert not view["empty"] and len(doc["introduced_bottlenecks"]) > 3
    same_introduced(view, doc)
    assert view["command"].startswith(f"bottleneck compare {ROLLOUT.relative_to(ROOT)} --split ")
    # the marks #1.. on the difference map are compare's ranks
    first = doc["introduced_bottlenecks"][0]
    assert "#1" in view["svg"] and first["status"] in ("new", "slower")


def test_filters_apply_to_both_periods(split: Comparer, tmp_path: Path) -> None:
    raw = pd.read_csv(ROLLOUT)
    procedure = raw[PROCEDURE].value_counts().index[0]
    hand = tmp_path / "hand.csv"
    raw[raw[PROCEDURE] == procedure].to_csv(hand, index=False)  # filtered by hand
    doc = compare_json(tmp_path, str(hand), "--split", SPLIT)
    chip = Filter("attribute", column=PROCEDURE, values=(procedure,))
    view = split.view(ViewState(view="difference", filters=(chip,)))
    same_introduced(view, doc)
    assert view["kept"] == raw.loc[raw[PROCEDURE] == procedure, "ma_ho_so"].nunique()
    assert f"{doc['before']['cases']:,} before" in view["note"]


def test_the_periods_maps_show_each_periods_activities(split: Comparer) -> None:
    raw = pd.read_csv(ROLLOUT)
    first = pd.to_datetime(raw["thoi_gian_bat_dau"], utc=True).groupby(raw["ma_ho_so"]).min()
    last = pd.to_datetime(raw["thoi_gian_ket_thuc"], utc=True).groupby(raw["ma_ho_so"]).max()
    at = pd.Timestamp(SPLIT, tz="Asia/Ho_Chi_Minh")
    sides = {"before": first[(first < at) & (last < at)].index, "after": first[first >= at].index}
    for kind, cases in sides.items():
        view = split.view(ViewState(view=kind))
        names = raw.loc[raw["ma_ho_so"].isin(cases), "buoc"].nunique()
        assert view["shown"]["activities"] == names == view["svg"].count('class="node"')


def test_two_logs_and_a_value_only_one_has(tmp_path: Path) -> None:
    after = explorer_of(AFTER, (BEFORE,))
    before = explorer_of(BEFORE, (AFTER,))
    try:
        two = Comparer(after, before=before, before_path=str(BEFORE.relative_to(ROOT)))
        doc = compare_json(tmp_path, str(BEFORE), str(AFTER))
        same_introduced(two.view(ViewState(view="difference")), doc)
        # one person, one pseudonym on both sides
        assert after.officer("Nguyễn Thị Thu Hà") == before.officer("Nguyễn Thị Thu Hà")
        only_after = sorted(set(after.facts.activities) - set(before.facts.activities))
        assert only_after
        chip = Filter("through", values=(only_after[0],))
        view = two.view(ViewState(view="difference", filters=(chip,)))
        assert view["empty"]  # no before case passes through it: nothing to compare
        raw = pd.read_csv(AFTER)
        assert view["kept"] == raw.loc[raw["buoc"] == only_after[0], "ma_ho_so"].nunique()
        assert two.meta()["mode"] == "logs"
    finally:
        after.close()
        before.close()


@pytest.fixture(scope="module")
def server(split: Comparer) -> Iterator[ExploreServer]:
    srv = ExploreServer(split.main, comparer=split)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_the_map_export_follows_the_view(server: ExploreServer) -> None:
    base = f"http://127.0.0.1:{server.port}/export/map.svg?token={server.token}&state="
    sizes = set()
    for view in ("before", "after", "difference"):
        status, _, svg = get(base + quote(json.dumps({"view": view})))
        assert status == 200 and b"<svg" in svg
        sizes.add(svg.count(b'class="node"'))
    assert len(sizes) == 3


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_toggling_the_three_views_in_chromium(server: ExploreServer, split: Comparer) -> None:
    expected = {
        kind: split.view(ViewState(view=kind))["shown"]
        for kind in ("before", "after", "difference")
    }
    with Browser() as browser:
        page = browser.open_url(server.url, width=1500, height=1300)  # the map legible
        ready(browser)
        seen = {}
        for kind in ("difference", "before", "after", "difference"):
            if kind != "difference" or seen:
                act(browser, f"document.getElementById('view-{kind}').click()")
            nodes, edges = browser.evaluate(
                "[document.querySelectorAll('#map g.node').length,"
                " document.querySelectorAll('#map g.edge').length]"
            )
            assert nodes == expected[kind]["activities"] and edges == expected[kind]["arrows"]
            state = json.loads(
                browser.evaluate("decodeURIComponent(location.hash.slice(1))") or "{}"
            )
            assert state.get("view", "difference") == kind
            shows_list = browser.evaluate("!document.getElementById('difference').hidden")
            assert shows_list == (kind == "difference")
            active = browser.evaluate(
                "document.querySelector('#view-buttons .active').dataset.view"
            )
            assert active == kind
            seen[kind] = nodes
            if kind == "difference" and os.environ.get("UPDATE_SCREENSHOTS"):
                (ROOT / "docs" / "explore-compare.png").write_bytes(browser.screenshot())
        rows = browser.evaluate("document.querySelectorAll('#introduced-table tr').length")
        assert rows == 1 + len(split.view(ViewState(view="difference"))["introduced"])
        assert browser.evaluate("document.getElementById('metric').hidden") is True
        time.sleep(0.2)
    assert len(set(seen.values())) == 3
    assert page.errors == [] and page.failed == []
    for url in page.requests:
        parts = urlsplit(url)
        assert parts.scheme == "data" or (parts.scheme == "http" and parts.hostname == "127.0.0.1")
