"""The explore server: 127.0.0.1 only, the token on every request; the page in real Chromium."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pandas as pd
import pytest

from bottleneck_finder.analysis.deadlines import case_column
from bottleneck_finder.commands.loading import load_with_columns
from bottleneck_finder.explore.server import ExploreServer
from bottleneck_finder.explore.session import ExploreOptions, Explorer
from bottleneck_finder.explore.state import Filter, ViewState
from bottleneck_finder.render.graph import GraphOptions
from bottleneck_finder.reporting.chromium import Browser, find_chromium

from .conftest import EVENT_LOGS, ROOT

SAMPLE = EVENT_LOGS / "one_stop_shop_after.csv"


@pytest.fixture(scope="module")
def server() -> Iterator[ExploreServer]:
    log, values = load_with_columns(SAMPLE, {}, ["thu_tuc"], quiet=True)
    explorer = Explorer(
        log,
        ExploreOptions(log_path=str(SAMPLE.relative_to(ROOT))),
        {"thu_tuc": case_column(log, values["thu_tuc"])},
    )
    srv = ExploreServer(explorer)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    explorer.close()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_binds_to_this_machine_only(server: ExploreServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/?token=")
    assert len(server.token) >= 30


def test_the_token_is_required(server: ExploreServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    for path in ("/", "/api/meta", "/api/view", "/export/log.csv", "/nothing"):
        assert get(base + path)[0] == 403
        assert get(f"{base}{path}?token=wrong")[0] == 403
        assert get(base + path, {"Cookie": "bottleneck_explore=wrong"})[0] == 403
    status, headers, body = get(server.url)
    assert status == 200 and b"explore.js" in body
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    assert get(base + "/api/meta", {"Cookie": cookie})[0] == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_a_foreign_host_name_is_refused(server: ExploreServer) -> None:
    status = get(server.url, {"Host": f"attacker.example:{server.port}"})[0]
    assert status == 403


def test_read_only(server: ExploreServer) -> None:
    request = urllib.request.Request(server.url, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code in (405, 501)


def test_bad_state_is_a_400_with_a_message(server: ExploreServer) -> None:
    base = f"http://127.0.0.1:{server.port}/api/view?token={server.token}&state="
    status, _, body = get(base + quote('{"metric":"max"}'))
    assert status == 400 and "unknown metric" in json.loads(body)["error"]


def test_exports(server: ExploreServer) -> None:
    state = quote(json.dumps({"filters": [{"kind": "rework"}]}))
    base = f"http://127.0.0.1:{server.port}"
    status, headers, svg = get(f"{base}/export/map.svg?token={server.token}&state={state}")
    assert status == 200 and svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert "attachment" in headers["Content-Disposition"]
    status, _, csv = get(f"{base}/export/log.csv?token={server.token}&state={state}")
    assert status == 200 and csv.startswith(b"case,activity,start,end,resource,group")


def test_png_export_is_the_svg_drawn_by_graphviz(server: ExploreServer) -> None:
    """The PNG is Graphviz's drawing of the same DOT as the SVG: a valid PNG whose pixel size
    is the SVG's size in points at the PNG resolution (150 dpi)."""
    import re
    import struct
    import zlib

    from bottleneck_finder.render.graphviz import PNG_DPI

    state = quote(json.dumps({"activities": "5", "filters": [{"kind": "rework"}]}))
    base = f"http://127.0.0.1:{server.port}/export/map"
    status, headers, png = get(f"{base}.png?token={server.token}&state={state}")
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert 'filename="process-map.png"' in headers["Content-Disposition"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert zlib.crc32(png[12:29]) == struct.unpack(">I", png[29:33])[0]  # an intact header
    assert png[-8:-4] == b"IEND"
    svg = get(f"{base}.svg?token={server.token}&state={state}")[2].decode("utf-8")
    found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert found is not None
    points = float(found.group(1)), float(found.group(2))
    assert width == pytest.approx(points[0] * PNG_DPI / 72, abs=2)
    assert height == pytest.approx(points[1] * PNG_DPI / 72, abs=2)
    assert width / height == pytest.approx(points[0] / points[1], rel=0.01)
    assert get(f"{base}.png?state={state}")[0] == 403  # the token, as everywhere


chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")


def ready(browser: Browser) -> None:
    for _ in range(300):
        if browser.evaluate("window.explore && window.explore.ready === true"):
            return
        time.sleep(0.05)
    raise AssertionError("the page did not finish drawing")


def counts(browser: Browser) -> tuple[int, int, dict[str, int]]:
    nodes, edges = browser.evaluate(
        "[document.querySelectorAll('#map g.node').length,"
        " document.querySelectorAll('#map g.edge').length]"
    )
    shown = browser.evaluate("window.explore.view.shown")
    return int(nodes), int(edges), shown


def act(browser: Browser, script: str) -> None:
    browser.evaluate(f"(() => {{ {script} }})()")
    time.sleep(0.1)
    ready(browser)


@chromium
def test_the_page_in_chromium(server: ExploreServer, tmp_path: Path) -> None:
    explorer = server.explorer
    whole = explorer.select(ViewState()).analysis
    assert whole is not None
    with Browser() as browser:
        report = browser.open_url(server.url, width=1500, height=950)
        ready(browser)
        nodes, edges, shown = counts(browser)
        # every activity and arrow of the small sample fits the default budgets
        assert nodes == len(whole.activities) + 2
        transitions = len(whole.transitions)
        assert edges == transitions + len(whole.start_activities) + len(whole.end_activities)
        assert shown["drawn_arrows"] == edges

        act(
            browser,
            "const s = document.getElementById('activities'); s.value = '3';"
            "s.dispatchEvent(new Event('change'))",
        )
        nodes, edges, shown = counts(browser)
        # a chain log: three activities cannot reach from start to end, so the map keeps
        # what the abstraction of `analyze --activities 3` keeps
        three = GraphOptions(activities=3, fit=False).abstraction(whole)
        assert nodes == len(three.activities) + 2 == shown["activities"] + 2
        assert edges == shown["drawn_arrows"]
        assert (
            json.loads(browser.evaluate("decodeURIComponent(location.hash.slice(1))"))["activities"]
            == "3"
        )

        act(
            browser,
            "const p = document.getElementById('paths'); p.value = p.min;"
            "p.dispatchEvent(new Event('change'))",
        )
        nodes, edges, shown = counts(browser)
        one = GraphOptions(activities=3, paths=1, fit=False).abstraction(whole)
        assert edges == shown["drawn_arrows"] == len(one.arrows) + len(one.starts) + len(one.ends)
        assert browser.evaluate("document.getElementById('paths-value').textContent") == "1"

        act(
            browser,
            "const m = document.getElementById('metric'); m.value = 'cases';"
            "m.dispatchEvent(new Event('change'))",
        )
        assert "cases" in browser.evaluate("document.querySelector('#map svg').textContent")

        act(
            browser,
            "const k = document.getElementById('filter-kind'); k.value = 'rework';"
            "k.dispatchEvent(new Event('change')); document.getElementById('filter-apply').click()",
        )
        kept = browser.evaluate("window.explore.view.kept")
        assert kept == int(explorer.facts.rework.sum()) and kept < len(explorer.facts)
        assert browser.evaluate("document.querySelectorAll('#chips .chip').length") == 1

        act(
            browser,
            "const a = document.getElementById('activities'); a.value = a.max;"
            "a.dispatchEvent(new Event('change'))",
        )
        act(
            browser,
            # the filtered map's bottleneck #1
            'document.querySelector(\'#map g.edge[data-source="Thẩm định hồ sơ"]'
            '[data-target="Ký số phê duyệt"]\')'
            ".dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        )
        edge = browser.evaluate("window.explore.edge")
        assert edge["title"] == "Thẩm định hồ sơ → Ký số phê duyệt" and edge["slowest"]
        assert browser.evaluate("document.getElementById('drawer').hidden") is False
        # the weekly trend: a bar per week, a median dot per week with waits
        weeks = edge["trend"]["weeks"]
        bars, dots = browser.evaluate(
            "[document.querySelectorAll('#trend-chart rect.week-bar').length,"
            " document.querySelectorAll('#trend-chart circle.median-dot').length]"
        )
        assert bars == len(weeks) > 0 and dots == sum(1 for w in weeks if w["count"])
        # the causes: one row per cause (after the empty head row), as the server gave them
        assert edge["causes"]["available"] is True
        rows = browser.evaluate(
            "Array.from(document.querySelectorAll('#causes-table tr')).slice(1)"
            ".map((r) => Array.from(r.cells).slice(0, 3).map((c) => c.textContent))"
        )
        lines = edge["causes"]["lines"]
        assert rows == [[x["label"], x["time"], x["share_text"]] for x in lines]
        assert browser.evaluate("document.getElementById('export-png').href").startswith(
            f"http://127.0.0.1:{server.port}/export/map.png?"
        )
        if os.environ.get("UPDATE_SCREENSHOTS"):
            (ROOT / "docs" / "explore-drill-down.png").write_bytes(browser.screenshot())
        act(  # a box: every wait before the activity
            browser,
            "document.querySelector('#map g.node[data-activity=\"Thẩm định hồ sơ\"]')"
            ".dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        )
        box = browser.evaluate("window.explore.edge")
        assert box["title"] == "Waits before Thẩm định hồ sơ" and box["causes"]["available"]
        assert browser.evaluate("document.querySelectorAll('#trend-chart rect').length") == len(
            box["trend"]["weeks"]
        )
        act(browser, "document.querySelector('#drawer .case-link').click()")
        timeline = browser.evaluate("window.explore.case")
        assert timeline["steps"] and timeline["title"].startswith("Timeline: Case ")
        if os.environ.get("UPDATE_SCREENSHOTS"):
            (ROOT / "docs" / "explore-case.png").write_bytes(browser.screenshot())

        link = browser.evaluate("location.href")
        browser.open_url("about:blank")  # the same URL again would only move to its hash
        report2 = browser.open_url(link, width=1500, height=950)
        ready(browser)
        assert browser.evaluate("window.explore.view.kept") == kept
        assert browser.evaluate("document.querySelectorAll('#chips .chip').length") == 1

        # a link with two chips (a procedure and rework): README's picture of the page
        procedure = "Cấp giấy phép xây dựng"
        chips = ViewState().with_filters(
            Filter("attribute", column="thu_tuc", values=(procedure,)), Filter("rework")
        )
        browser.open_url("about:blank")
        report3 = browser.open_url(
            f"{server.url}#{quote(chips.to_json())}", width=1500, height=1250
        )
        ready(browser)
        raw = pd.read_csv(SAMPLE)  # by hand: the procedure's cases with a step done twice
        steps = raw.groupby("ma_ho_so").agg(
            thu_tuc=("thu_tuc", "first"), n=("buoc", "size"), kinds=("buoc", "nunique")
        )
        expected = int(((steps["thu_tuc"] == procedure) & (steps["n"] > steps["kinds"])).sum())
        assert browser.evaluate("window.explore.view.kept") == expected > 0
        assert browser.evaluate("document.querySelectorAll('#chips .chip').length") == 2
        variants = browser.evaluate("document.querySelectorAll('#variant-table tr').length")
        assert variants == 1 + len(explorer.view(chips)["variants"]) > 1
        if os.environ.get("UPDATE_SCREENSHOTS"):
            (ROOT / "docs" / "explore.png").write_bytes(browser.screenshot())

    for page in (report, report2, report3):
        assert page.errors == []
        assert page.failed == []
        for url in page.requests:
            parts = urlsplit(url)
            assert parts.scheme == "data" or (
                parts.scheme == "http" and parts.hostname == "127.0.0.1"
            ), url


def test_the_command_serves_and_stops_on_ctrl_c() -> None:
    import signal
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "bottleneck_finder", "explore", str(SAMPLE), "--no-browser"]
    process = subprocess.Popen(
        [*command, "--attribute", "thu_tuc", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Serving http://127.0.0.1:"), line
        url = line.split()[1]
        status, _, body = get(url.replace("/?", "/api/meta?"))
        assert status == 200 and "thu_tuc" in json.loads(body)["attributes"]
        assert get(url.split("?")[0] + "api/meta")[0] == 403
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Stopped." in err
