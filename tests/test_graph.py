"""Tests for the process-map renderer: DOT golden file, marking, pruning, escaping, rendering."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from bottleneck_finder.columns import LogColumns
from bottleneck_finder.model import (
    ACTIVITY_COLUMNS,
    BOTTLENECK_COLUMNS,
    TRANSITION_COLUMNS,
    Analysis,
    CaseStats,
    DataQuality,
    LogSummary,
)
from bottleneck_finder.render import graph
from bottleneck_finder.render.graph import (
    CAUSE_COLORS,
    PALETTE,
    GraphOptions,
    RenderError,
    dot_available,
    process_dot,
    render_dot,
)
from bottleneck_finder.render.svg_labels import measure
from bottleneck_finder.render.words import ENGLISH, Words

from .conftest import RECEIPT

GOLDEN = Path(__file__).resolve().parent / "golden" / "graph"
needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz `dot` is not installed")

# The tiny process: A → B → C → D with a rework loop C → B in 2 of 10 cases.
# (source, target, count, median wait s, total wait s)
TRANSITIONS = [
    ("A", "B", 10, 60.0, 600.0),
    ("B", "C", 12, 7200.0, 86400.0),
    ("C", "B", 2, 86400.0, 172800.0),
    ("C", "D", 10, 300.0, 3000.0),
]
TOTAL_WAIT = 262800.0
# activity: (count, median processing s, wait-before total s)
ACTIVITIES = {
    "A": (10, 600.0, None),
    "B": (12, 1800.0, 173400.0),
    "C": (12, 3600.0, 86400.0),
    "D": (10, 120.0, 3000.0),
}


def _analysis(rename: dict[str, str] | None = None, *, start_times: bool = True) -> Analysis:
    """A hand-built Analysis of the tiny process; `rename` swaps activity names."""
    r = rename or {}

    def n(name: str) -> str:
        return r.get(name, name)

    trans = pd.DataFrame(
        [
            {
                "source": n(s),
                "target": n(t),
                "count": c,
                "cases": min(c, 10),
                "overlaps": 0,
                "wait_mean_s": m,
                "wait_median_s": m,
                "wait_p90_s": m * 2,
                "wait_max_s": m * 3,
                "wait_total_s": w,
            }
            for s, t, c, m, w in TRANSITIONS
        ],
        columns=list(TRANSITION_COLUMNS),
    )
    acts = pd.DataFrame(
        [
            {
                "activity": n(a),
                "count": c,
                "cases": 10,
                "processing_count": c,
                "processing_mean_s": p,
                "processing_median_s": p,
                "processing_p90_s": p,
                "processing_max_s": p,
                "processing_total_s": p * c,
                "wait_before_count": 0 if w is None else c,
                "wait_before_mean_s": None if w is None else w / c,
                "wait_before_median_s": None if w is None else w / c,
                "wait_before_p90_s": None if w is None else w / c,
                "wait_before_max_s": None if w is None else w / c,
                "wait_before_total_s": w,
                "rework": c - 10,
            }
            for a, (c, p, w) in ACTIVITIES.items()
        ],
        columns=list(ACTIVITY_COLUMNS),
    )
    ranked_t = sorted(TRANSITIONS, key=lambda row: -row[4])
    ranked_a = sorted(
        ((a, c, w) for a, (c, _, w) in ACTIVITIES.items() if w is not None), key=lambda x: -x[2]
    )
    bottlenecks = pd.DataFrame(
        [
            {
                "rank": i,
                "kind": "transition",
                "source": n(s),
                "target": n(t),
                "activity": None,
                "count": c,
                "wait_total_s": w,
                "share_of_total_wait": w / TOTAL_WAIT,
                "wait_median_s": m,
                "wait_p90_s": m * 2,
            }
            for i, (s, t, c, m, w) in enumerate(ranked_t, start=1)
        ]
        + [
            {
                "rank": i,
                "kind": "activity",
                "source": None,
                "target": None,
                "activity": n(a),
                "count": c,
                "wait_total_s": w,
                "share_of_total_wait": w / TOTAL_WAIT,
                "wait_median_s": w / c,
                "wait_p90_s": w / c,
            }
            for i, (a, c, w) in enumerate(ranked_a, start=1)
        ],
        columns=list(BOTTLENECK_COLUMNS),
    )
    stamp = pd.Timestamp("2025-01-01", tz="UTC")
    return Analysis(
        source="tiny.csv",
        columns=LogColumns(),
        log=LogSummary(
            cases=10,
            events=44,
            activity_instances=44,
            activities=4,
            first_event=stamp,
            last_event=stamp + pd.Timedelta(days=30),
            has_start_times=start_times,
        ),
        wait_definition="start_to_previous_end" if start_times else "end_to_previous_end",
        transitions=trans,
        activities=acts,
        cases=CaseStats(10, 1.0, 1.0, 1.0, 1.0, 4.4, 6),
        start_activities=pd.DataFrame({"activity": [n("A")], "count": [10]}),
        end_activities=pd.DataFrame({"activity": [n("D")], "count": [10]}),
        bottlenecks=bottlenecks,
        total_wait_s=TOTAL_WAIT,
        quality=DataQuality(rows_read=44, rows_used=44),
        display_tz="UTC",
    )


def _edge(dot: str, source: str, target: str) -> str:
    """The DOT line of the arrow source → target (node ids), or '' if it is not drawn."""
    for line in dot.splitlines():
        if line.strip().startswith(f"{source} -> {target} ["):
            return line
    return ""


def _colour(line: str) -> str:
    found = re.search(r'color="([^"]*)"', line)
    assert found, line
    return found.group(1).split(":")[1] if ":" in found.group(1) else found.group(1)


def _svg_text(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]


def test_golden_small() -> None:
    dot = process_dot(_analysis(), GraphOptions(title="Tiny process"))
    path = GOLDEN / "small.dot"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dot, encoding="utf-8")
    assert dot == path.read_text(encoding="utf-8"), "rerun with UPDATE_GOLDEN=1 if intended"


def test_labels_are_hand_checkable() -> None:
    dot = process_dot(_analysis())
    # Node ids by sorted name: A=a0, B=a1, C=a2, D=a3.
    assert "#1 · 66% of wait" in _edge(dot, "a2", "a1")  # C → B: 172800 / 262800
    assert "2×<BR/>1 d" in _edge(dot, "a2", "a1")
    assert "#2 · 33% of wait" in _edge(dot, "a1", "a2")  # B → C: 86400 / 262800
    assert "#3 · 1.1% of wait" in _edge(dot, "a2", "a3")
    assert "of wait" not in _edge(dot, "a0", "a1")
    assert "10×<BR/>1 min" in _edge(dot, "a0", "a1")
    assert "12× · work 30 min" in dot  # B's median processing time
    assert "most waiting before: 66% of wait" in dot  # B waits 173400 / 262800
    assert "start -> a0 [" in dot and "a3 -> end [" in dot
    assert "wait = start of next step − end of previous step" in _flat(dot)
    assert "Hidden" not in dot


def test_without_start_times() -> None:
    dot = process_dot(_analysis(start_times=False))
    assert "× · work" not in dot and "median work time" not in dot
    assert "includes the next step&#39;s own work" in _flat(dot)


def test_marks_follow_rank_and_top_marked() -> None:
    dot = process_dot(_analysis(), GraphOptions(top_marked=1))
    assert "#1" in _edge(dot, "a2", "a1")
    assert "#2 ·" not in dot
    assert "#1 ·" not in process_dot(_analysis(), GraphOptions(top_marked=0))


def test_colours_order_by_median_wait() -> None:
    dot = process_dot(_analysis())
    by_wait = sorted(TRANSITIONS, key=lambda row: row[3])
    ids = {"A": "a0", "B": "a1", "C": "a2", "D": "a3"}
    levels = [PALETTE.index(_colour(_edge(dot, ids[s], ids[t]))) for s, t, *_ in by_wait]
    # The fixed scale: 1 min and 5 min < 10 min, 2 h in [1 h, 4 h), 1 d in [1 d, 3 d).
    assert levels == [0, 0, 2, 4]
    for label in ("< 10 min", "< 1 h", "< 4 h", "< 1 d", "< 3 d", "< 7 d", "≥ 7 d"):
        assert f">{label}</FONT>" in dot.replace("&lt;", "<")


def test_pruning_hides_arrows_and_says_how_many() -> None:
    # B receives the most waiting, so it is shown with its widest paths from start and to end:
    # start → A → B → C → D → end (5 arrows, more than the 2 asked for); C → B is hidden.
    dot = process_dot(_analysis(), GraphOptions(top_marked=0, max_edges=2))
    assert _edge(dot, "a1", "a2") and _edge(dot, "a0", "a1") and _edge(dot, "a2", "a3")
    assert not _edge(dot, "a2", "a1")
    # Hidden: C → B, 2 of 34 transitions, 172,800 s = 2 d of 262,800 s = 3 d of waiting.
    hidden = "Hidden: 0 of 4 activities, 1 of 6 arrows — 5.9% of transitions, 2 d of 3 d waiting"
    assert hidden in _flat(dot)

    dot = process_dot(_analysis(), GraphOptions(top_marked=0, min_share=0.1))
    assert not _edge(dot, "a2", "a1")  # 2 / 34 < 10 %
    assert hidden in _flat(dot)
    assert "Hidden" not in process_dot(_analysis(), GraphOptions(top_marked=0))


def test_marked_bottleneck_is_never_pruned() -> None:
    dot = process_dot(_analysis(), GraphOptions(top_marked=1, max_edges=1, min_share=0.5))
    assert "#1" in _edge(dot, "a2", "a1")
    # Every activity lies on the bottleneck's path from start to end: nothing is hidden.
    assert "Hidden" not in dot
    assert re.search(r"^\s*a3 \[label=<D<BR/>", dot, re.MULTILINE)


def test_determinism() -> None:
    options = GraphOptions(title="x", max_edges=3)
    assert process_dot(_analysis(), options) == process_dot(_analysis(), options)


HOSTILE = {
    "A": "<script>x</script>",
    "B": 'a "b"',
    "C": "back\\slash \\N & co",
    "D": "Ký số phê duyệt",
}


@needs_dot
def test_hostile_names_are_escaped() -> None:
    dot = process_dot(_analysis(HOSTILE), GraphOptions(title='<b>"T" & \\N</b>'))
    assert "&lt;script&gt;x&lt;/script&gt;" in dot  # in the HTML-like label
    svg = render_dot(dot, "svg")
    assert b"<script>" not in svg
    text = _svg_text(svg)  # parses: the SVG is well-formed XML
    joined = "\n".join(text)
    assert "&lt;script&gt;x&lt;/script&gt;" in svg.decode("utf-8")
    assert "<script>x</script>" in text
    assert 'a "b"' in joined
    assert "back\\slash \\N & co" in joined
    assert '<b>"T" & \\N</b>' in joined
    assert "Ký số phê duyệt" in text
    assert "Ký số phê duyệt" in svg.decode("utf-8")
    assert 'a "b"' not in dot


@needs_dot
def test_render_formats_and_svg_determinism() -> None:
    dot = process_dot(_analysis())
    svg = render_dot(dot, "svg")
    assert svg == render_dot(dot, "svg")
    assert render_dot(dot, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render_dot(dot, "pdf").startswith(b"%PDF")
    with pytest.raises(RenderError):
        render_dot(dot, "gif")


def test_missing_dot_raises_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert not dot_available()
    with pytest.raises(RenderError) as info:
        render_dot("digraph { }", "svg")
    assert info.value.exit_code == 9
    assert "graphviz.org/download" in str(info.value)
    assert graph.RenderError is RenderError


@needs_dot
def test_bad_dot_raises_render_error() -> None:
    with pytest.raises(RenderError, match="Graphviz failed"):
        render_dot("digraph { a -> }", "svg")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (0.26, "0.3 s"),
        (45, "45 s"),
        (59.97, "1 min"),
        (2700, "45 min"),
        (5400, "1.5 h"),
        (86399, "1 d"),
        (276480, "3.2 d"),
        (3456000, "40 d"),
        (-90, "-1.5 min"),
        (float("nan"), "–"),
    ],
)
def test_english_duration(seconds: float, text: str) -> None:
    assert ENGLISH.duration(seconds) == text


def test_empty_transitions() -> None:
    a = _analysis()
    a = replace(
        a,
        transitions=a.transitions.iloc[0:0],
        bottlenecks=a.bottlenecks.iloc[0:0],
    )
    dot = process_dot(a)
    assert "start [" in dot and "end [" in dot
    assert "#1 ·" not in dot


@needs_dot
def test_real_receipt_log() -> None:
    from bottleneck_finder.analysis.analyze import analyze
    from bottleneck_finder.io.read import read_log
    from bottleneck_finder.normalize import normalize

    a = analyze(normalize(read_log(str(RECEIPT)), LogColumns()))
    dot = process_dot(a)
    assert dot == process_dot(a)
    assert dot.count("of wait</B></FONT><BR/>") == 3
    svg = render_dot(dot, "svg")
    text = "\n".join(_svg_text(svg))
    assert "#1 · 31% of wait" in text
    assert "Hidden: " in text


# ---------------------------------------------------------------- one map in two languages

CAUSES = (
    ("A", "B", "batching", 0.8),
    ("B", "C", "resource_contention", 0.6),
    ("C", "B", "extraneous", 0.5),
)


@pytest.mark.parametrize(
    "options",
    [
        GraphOptions(title="Tiny process"),
        GraphOptions(top_marked=1, max_edges=1, min_share=0.5),
        GraphOptions(edge_causes=CAUSES),
    ],
)
def test_english_words_draw_the_cli_map(options: GraphOptions) -> None:
    """The report's English words give the CLI's map, byte for byte (without a calendar)."""
    for start_times in (True, False):
        analysis = _analysis(start_times=start_times)
        assert process_dot(analysis, replace(options, words=Words("en"))) == process_dot(
            analysis, options
        )


def test_vietnamese_map_has_no_english_words_left() -> None:
    vi = Words("vi")
    options = GraphOptions(top_marked=1, max_edges=1, min_share=0.5, words=vi)
    dot = process_dot(_analysis(), options)
    assert "Cách đọc sơ đồ" in dot and "bắt đầu" in dot and "kết thúc" in dot
    assert "#1 · 66% tổng chờ" in dot
    assert "2 lần<BR/>1 ngày" in dot
    assert "12 lần · xử lý 30 phút" in dot
    assert "nơi chờ nhiều nhất: 66% tổng chờ" in dot
    lonely = process_dot(_analysis(), replace(options, top_marked=0, max_edges=2))
    assert "Ẩn: 0 trên 4 bước, 1 trên 6 mũi tên — 5,9% số lần chuyển" in _flat(lonely)
    assert "chờ = lúc bước sau bắt đầu − lúc bước trước kết thúc" in _flat(dot)
    shown = _visible(dot) + _visible(lonely)
    for english in ("wait", "times", "hidden", "How to", "start", "Box", "Arrow", "bottleneck"):
        assert english not in shown, english
    causes = process_dot(_analysis(), GraphOptions(edge_causes=CAUSES, words=vi))
    assert "chờ gom theo đợt 80%" in causes and "chưa xác định" in causes
    for english in ("batching", "mostly", "none attributed", "Colour"):
        assert english not in _visible(causes), english


def _flat(dot: str) -> str:
    """The DOT source with the legend's wrapped lines joined by spaces."""
    return dot.replace('<BR ALIGN="LEFT"/>', " ").replace("  ", " ")


def _visible(dot: str) -> str:
    """The text a reader sees or hovers: every label and tooltip of the DOT source."""
    found = re.findall(r'(?:label=<(.*?)>(?:, |\]|$)|tooltip="(.*?)")', dot, re.MULTILINE)
    return "\n".join(a + b for a, b in found)


def test_vietnamese_numbers_and_working_days_on_the_map() -> None:
    dot = process_dot(_analysis(), GraphOptions(words=Words("vi", workday_s=8 * 3600.0)))
    # C → B: 1 d of 8-hour working days, in the short unit the legend explains (the tooltip
    # keeps the long one)
    assert "2 lần<BR/>3 ngày LV" in dot and "3 ngày làm việc" in dot
    assert "12 lần<BR/>2 giờ" in dot  # B → C
    # the calendar's scale: short swatch labels, the unit explained once in the line above
    assert "&lt; 1 ngày LV" in dot and "≥ 5 ngày LV" in dot
    assert dot.count("ngày LV = ngày làm việc (8 giờ làm việc)") == 1


def test_message_tables_share_no_key_and_have_both_languages() -> None:
    from bottleneck_finder.render.messages import MESSAGES, TOPICS, read_topic

    tables = [read_topic(topic) for topic in TOPICS]
    assert all(tables)
    assert len(MESSAGES) == sum(len(t) for t in tables)  # no key in two tables
    for key, (vi, en) in MESSAGES.items():
        assert vi and en, key
        fields = {f for f in re.findall(r"\{(\w+)\}", vi)}
        assert fields == set(re.findall(r"\{(\w+)\}", en)), key


def test_a_key_in_two_tables_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from bottleneck_finder.render import messages

    monkeypatch.setattr(messages, "TOPICS", ("maps", "maps"))
    with pytest.raises(ValueError, match=r"texts/maps\.toml repeats the keys"):
        messages._all_topics()


def test_every_cause_has_a_colour_and_words() -> None:
    for cause in CAUSE_COLORS:
        assert Words("vi")(f"graph_cause_{cause}") and Words("en")(f"graph_cause_{cause}")


def _line_analysis(tmp_path: Path) -> Analysis:
    """20 cases through one line of 18 steps, the longest waits in its middle (steps 08 → 11):
    the marked bottlenecks' ends connected from start to end are the whole line."""
    from bottleneck_finder.api import analyze

    rows = ["case,activity,timestamp"]
    for case in range(20):
        at = pd.Timestamp("2025-01-06 08:00") + pd.Timedelta(hours=case)
        for step in range(1, 19):
            rows.append(f"c{case:02d},Step {step:02d} of the long line,{at}")
            at += pd.Timedelta(days=5 - abs(step - 9) // 3, minutes=case)
    path = tmp_path / "line.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return analyze(path).analysis


@needs_dot
def test_a_long_required_chain_prints_with_shortcuts(tmp_path: Path) -> None:
    """Printed (legend off), a line too tall for the page keeps the marked bottlenecks and
    draws its plain runs as dotted "⋯ N steps" arrows until it fits; the hidden figures count
    their activities. The map with its legend (analyze's) draws no shortcut."""
    analysis = _line_analysis(tmp_path)
    options = GraphOptions(legend=False)
    dot, view = graph.process_map(analysis, options)
    size = measure(render_dot(dot, "svg"))
    assert size.height_pt <= graph.PAGE_HEIGHT_PT and size.width_pt <= graph.PAGE_WIDTH_PT
    assert size.overlaps == ()
    assert view.shortcuts and all(len(cut.hidden) >= 2 for cut in view.shortcuts)
    hidden = [name for cut in view.shortcuts for name in cut.hidden]
    assert view.hidden_activities == len(hidden) == 18 - len(view.activities)
    assert dot.count("style=dotted") == len(view.shortcuts)
    for cut in view.shortcuts:
        assert f'label="⋯ {len(cut.hidden)} steps"' in dot
    for rank in (1, 2, 3):
        assert f"#{rank} · " in dot
    rows = graph.map_legend(analysis, options, view)
    assert any(r.head.startswith("Dotted arrow") for r in rows)
    dot_full, full = graph.process_map(analysis, GraphOptions())
    assert full.shortcuts == () and "style=dotted" not in dot_full
