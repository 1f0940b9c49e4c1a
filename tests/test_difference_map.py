"""The difference map of `compare` and `report`: emphasis by waiting added per case, the ranks
#1, #2, … of compare's introduced list, the cap, legibility, and changes too large for a
percentage."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.compare import compare_logs, compare_split
from bottleneck_finder.analysis.compare_types import Comparison
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.render import compare_graph as cg
from bottleneck_finder.render import compare_style as cs
from bottleneck_finder.render.compare_sentences import percent_change
from bottleneck_finder.render.compare_text import change_text
from bottleneck_finder.render.graph import dot_available, render_dot
from bottleneck_finder.render.words import ENGLISH, Words

from .conftest import EVENT_LOGS, ROOT, shared_log
from .legibility import check

BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
SVGCHECK = ROOT.parent / "shared" / "tools" / "svgcheck.py"
NEEDS_DOT = pytest.mark.skipif(not dot_available(), reason="Graphviz 'dot' is not installed")


# --------------------------------------------------------------------------- hand-made logs
def _pair(tmp_path: Path) -> tuple[Path, Path]:
    """30 cases a side of A → B → C: before, B waits 30 s after A and C 1 h after B; after,
    B waits 3 d and C 2 h. A → B is then '30 s → 3 d' (no percentage) and B → C '+100%'."""
    paths = []
    for name, start, ab, bc in (
        ("before", "2025-01-01", 30, 3_600),
        ("after", "2025-03-01", 3 * 86_400, 7_200),
    ):
        rows = []
        for i in range(30):
            t0 = pd.Timestamp(start) + pd.Timedelta(days=i, hours=9)
            for activity, at in (("A", t0), ("B", t0 + pd.Timedelta(seconds=ab))):
                rows.append((f"{name}-{i}", activity, at))
            rows.append((f"{name}-{i}", "C", t0 + pd.Timedelta(seconds=ab + bc)))
        frame = pd.DataFrame(rows, columns=["case", "activity", "timestamp"])
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
        paths.append(path)
    return paths[0], paths[1]


def test_percent_change_rule() -> None:
    assert percent_change(3_600, 7_200) == pytest.approx(1.0)
    assert percent_change(3_600, 1_800) == pytest.approx(-0.5)
    assert percent_change(30, 259_200) is None  # from under a minute
    assert percent_change(0, 259_200) is None
    assert percent_change(120, 86_400) is None  # +71,900%: above +1000%
    assert percent_change(600, 6_600) == pytest.approx(10.0)  # +1000% is still a percentage
    assert percent_change(float("nan"), 10.0) is None
    assert change_text(30, 259_200) == "30 s → 3 d"
    assert change_text(3_600, 7_200) == "1 h → 2 h (+100%)"
    assert change_text(30, 259_200, Words("vi")) == "30 giây → 3 ngày"


def test_a_change_from_seconds_to_days_is_never_a_percentage(tmp_path: Path) -> None:
    before, after = _pair(tmp_path)
    huge = re.compile(r"[+−-][\d.,]{4,}%")
    for lang, words in (("en", ENGLISH), ("vi", Words("vi"))):
        out = tmp_path / f"cmp-{lang}"
        args = ["compare", str(before), str(after), "-o", str(out), "--lang", lang]
        args += ["--calendar", "none"]  # calendar time in both languages
        result = CliRunner().invoke(cli, [*args, "--format", "dot"])
        assert result.exit_code == 0, result.output
        jump = f"{words.duration(30)} → {words.duration(3 * 86_400)}"
        assert jump in result.output and not huge.search(result.output)
        row = next(line for line in result.output.splitlines() if "A → B" in line)
        assert jump in row and "%" not in row
        assert "(+100%)" in result.output  # B → C: 1 h → 2 h keeps its percentage
        dot = (out / "difference.dot").read_text("utf-8")
        assert not huge.search(dot)
        edge = next(line for line in dot.splitlines() if 'tooltip="A → B' in line)
        label = re.search(r"label=<(.*?)>, pos", edge)
        assert label is not None and jump in label.group(1) and "%" not in label.group(1)
        assert re.search(r'tooltip="A → B: ' + re.escape(jump) + ",", edge)
        # the report (Markdown and HTML) says the same
        rep = tmp_path / f"report-{lang}"
        result = CliRunner().invoke(
            cli,
            [
                "report",
                str(after),
                "--compare-with",
                str(before),
                "-o",
                str(rep),
                "--lang",
                lang,
                "--calendar",
                "none",
                "--no-pdf",
                "-q",
                "--skip",
                "drift,causes,model",
            ],
        )
        assert result.exit_code == 0, result.output
        md = (rep / "report.md").read_text("utf-8")
        html = (rep / "report.html").read_text("utf-8")
        assert not huge.search(md) and not huge.search(html)
        # the throughput time, 1 h 0 min 30 s → 3 d 2 h, is +7,100%: told as two durations
        through = f"{words.duration(3_630)} → {words.duration(3 * 86_400 + 7_200)}"
        assert through in md and through in html
        assert jump in html  # the difference map, inline


# --------------------------------------------------------------------------- ranks on the map
def _map_ranks(comparison: Comparison) -> tuple[dict[Any, int], str]:
    """(source, target) or activity -> the #k drawn on it, read back from the difference DOT."""
    dot = cg.comparison_dots(comparison)["difference"]
    names: dict[str, str] = {}
    ranks: dict[Any, int] = {}
    for line in dot.splitlines():
        node = re.match(r'\s+(a\d+) \[label=<(.*)>, pos=.*tooltip="([^"]*?)(?::[^"]*)?"\];', line)
        if node:
            names[node.group(1)] = node.group(3)
            mark = re.search(r"<B>#(\d+)</B>", node.group(2))
            if mark:
                ranks[node.group(3)] = int(mark.group(1))
            continue
        edge = re.match(r"\s+(a\d+) -> (a\d+) \[label=<(.*?)>, pos", line)
        if edge:
            mark = re.search(r"<B>#(\d+)</B>", edge.group(3))
            if mark:
                ranks[(names[edge.group(1)], names[edge.group(2)])] = int(mark.group(1))
    return ranks, dot


def _expected(comparison: Comparison) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for r in comparison.introduced.to_dict("records"):
        key = r["activity"] if r["kind"] == "activity" else (r["source"], r["target"])
        out[key if isinstance(key, str) else (str(key[0]), str(key[1]))] = int(r["rank"])
    return out


def _check_ranks(comparison: Comparison, marked: int) -> str:
    ranks, dot = _map_ranks(comparison)
    expected = _expected(comparison)
    assert ranks, "no #k on the map"
    for key, rank in ranks.items():
        assert expected[key] == rank, (key, rank)
    drawn = sorted(ranks.values())
    top = min(marked, len(comparison.introduced))
    assert drawn[:top] == list(range(1, top + 1))  # #1..#k all drawn, in compare's order
    return dot


@NEEDS_DOT
def test_ranks_on_the_demo_map_follow_compare(tmp_path: Path) -> None:
    comparison = compare_logs(load_log(BEFORE), load_log(AFTER))
    _check_ranks(comparison, cg.MARKED)
    # ... and the terminal table of `compare` lists them in that order
    result = CliRunner().invoke(
        cli, ["compare", str(BEFORE), str(AFTER), "-o", str(tmp_path / "c"), "--format", "dot"]
    )
    table = result.output[result.output.index("Introduced") : result.output.index("Improvements")]
    numbers = [int(m) for m in re.findall(r"^\s+(\d+)\s", table, flags=re.M)]
    assert numbers == list(range(1, len(numbers) + 1))
    ranks, _ = _map_ranks(comparison)
    first = comparison.introduced.iloc[0]
    key = (
        str(first["activity"])
        if first["kind"] == "activity"
        else (str(first["source"]), str(first["target"]))
    )
    assert ranks[key] == 1


@pytest.fixture(scope="module")
def permit() -> Comparison:
    log = load_log(shared_log("PermitLog.xes.gz"))
    return compare_split(log, "2018-01-01")


@NEEDS_DOT
def test_permit_map_is_capped_ranked_and_legible(permit: Comparison, tmp_path: Path) -> None:
    assert len(permit.transitions) > 400  # 528 arrows in all: the map must choose
    dot = _check_ranks(permit, cg.MARKED)
    chosen = cg.select_difference(permit)
    assert len(chosen.edges) <= cg.MAX_EDGES + cg.MARKED
    assert len(chosen.activities) <= cg.MAX_ACTIVITIES
    # #1..#10 and their end activities always drawn, whatever the cap
    small = cg.select_difference(permit, max_activities=4, max_edges=3)
    for r in permit.introduced.head(cg.MARKED).to_dict("records"):
        if r["kind"] == "transition":
            assert (r["source"], r["target"]) in {(s, t) for s, t, _ in small.edges}
            assert {r["source"], r["target"]} <= set(small.activities)
        else:
            assert r["activity"] in small.activities
            assert any(t == r["activity"] for _, t, _ in small.edges)
    drawn_edges = len(re.findall(r"^\s+a\d+ -> a\d+ ", dot, flags=re.M))
    drawn_nodes = len(re.findall(r"^\s+a\d+ \[", dot, flags=re.M))
    assert drawn_edges <= 45 and drawn_nodes <= 25
    hidden = f"{len(permit.transitions) - drawn_edges} arrows and "
    assert hidden in dot and "activities hidden" in dot
    _legible(dot, tmp_path / "permit.svg")


@NEEDS_DOT
@pytest.mark.skipif(not SVGCHECK.exists(), reason=f"{SVGCHECK} (the legibility checker) absent")
def test_demo_map_is_legible(tmp_path: Path) -> None:
    comparison = compare_logs(load_log(BEFORE), load_log(AFTER))
    _legible(cg.comparison_dots(comparison)["difference"], tmp_path / "demo.svg")


@NEEDS_DOT
@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("log", ["permit", "demo", "rollout"])
def test_no_labels_overlap_on_the_three_maps(log: str, lang: str) -> None:
    """The fit checks label overlaps (svg_labels.measure, the report checker's rule): on
    PermitLog split at 2018-01-01 and on the demo logs, in both languages, no two labels of
    the difference, before or after map overlap and the smallest text is 6 pt or more."""
    if log == "permit":
        comparison = compare_split(load_log(shared_log("PermitLog.xes.gz")), "2018-01-01")
    elif log == "demo":
        comparison = compare_logs(load_log(BEFORE), load_log(AFTER))
    else:
        comparison = compare_split(load_log(ROLLOUT), "2025-04-14")
    for kind, dot in cg.comparison_dots(comparison, Words(lang)).items():
        found = check(render_dot(dot, "svg"))
        assert not found.overlaps, (kind, found.overlaps)
        assert found.smallest_pt >= 6.0, (kind, found)


def _legible(dot: str, svg: Path) -> None:
    if not SVGCHECK.exists():
        pytest.skip(f"{SVGCHECK} (the legibility checker) is absent")
    subprocess.run(["dot", "-Tsvg", "-o", str(svg)], input=dot.encode(), check=True)
    done = subprocess.run(
        [sys.executable, str(SVGCHECK), str(svg), "6", "32"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout


# --------------------------------------------------------------------------- emphasis
def test_emphasis_follows_added_waiting_per_case() -> None:
    def item(status: str, added: float) -> Any:
        return cs.Item(status, 10, 10, 60.0, 600.0, added)

    eight_min, five_days = item("new", 8 * 60), item("new", 5 * 86_400)
    (thin_attrs, thin), (thick_attrs, thick) = (
        cs.edge_style(eight_min),
        cs.edge_style(five_days),
    )
    assert cs.added_step(8 * 60) == 0 and cs.added_step(5 * 86_400) == 4
    assert thin < thick and thin_attrs != thick_attrs
    assert cs.MORE_WAIT[0] in thin_attrs and cs.MORE_WAIT[4] in thick_attrs
    # saved waiting is green, and removed arrows stay dashed, whatever the amount
    removed_attrs, removed = cs.edge_style(item("removed", -5 * 86_400))
    assert cs.LESS_WAIT[4] in removed_attrs and "dashed" in removed_attrs and removed == thick
    # the steps' edges: 10 min, 1 h, 8 h, 3 d
    assert [cs.added_step(s) for s in (599, 600, 3_599, 3_600, 28_800, 259_200)] == [
        0,
        1,
        1,
        2,
        3,
        4,
    ]


# --------------------------------------------------------------------------- report = compare
@NEEDS_DOT
def test_report_draws_compare_s_difference_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bottleneck_finder.reporting import figures

    seen: dict[str, str] = {}
    real = figures.graph_figure

    def spy(dot: str, *, name: str, caption: str, legend: Any = ()) -> Any:
        seen[name] = dot
        return real(dot, name=name, caption=caption, legend=legend)

    monkeypatch.setattr(figures, "graph_figure", spy)
    for lang in ("en", "vi"):
        seen.clear()
        rep = tmp_path / f"report-{lang}"
        args = [str(ROLLOUT), "--split", "2025-04-14", "-o", str(rep), "--lang", lang]
        result = CliRunner().invoke(
            cli, ["report", *args, "--no-pdf", "-q", "--skip", "drift,causes,model"]
        )
        assert result.exit_code == 0, result.output
        out = tmp_path / f"compare-{lang}"
        args = [str(ROLLOUT), "--split", "2025-04-14", "-o", str(out), "--lang", lang]
        result = CliRunner().invoke(cli, ["compare", *args, "--format", "dot"])
        assert result.exit_code == 0, result.output
        # the same boxes and arrows; the report's map has its legend under it, in the page
        assert _drawn(seen["difference"]) == _drawn((out / "difference.dot").read_text("utf-8"))


def _drawn(dot: str) -> list[str]:
    """The box and arrow lines of a DOT source, without positions (not the graph's attributes
    and legend, which shifts the layout up or down)."""
    lines = [line for line in dot.splitlines() if re.match(r"\s+a\d+ ", line)]
    return [re.sub(r'(pos|lp)="[^"]*"', "", line) for line in lines]


@NEEDS_DOT
def test_working_days_are_short_on_the_three_maps_and_explained() -> None:
    """With a calendar in Vietnamese, every working-day duration on the compare maps reads
    "ngày LV" (the long "ngày làm việc" widened them past 6 pt in a 180 mm column), and each
    map's legend says once what it means."""
    comparison = compare_logs(load_log(BEFORE), load_log(AFTER))
    words = Words("vi", workday_s=8 * 3600.0)
    for kind, dot in cg.comparison_dots(comparison, words).items():
        assert "ngày LV" in dot, kind
        assert dot.count("ngày LV = ngày làm việc (8 giờ làm việc)") == 1, kind
        assert "ngày làm việc" not in dot.replace("= ngày làm việc (", ""), kind
        found = check(render_dot(dot, "svg"))
        assert not found.overlaps and found.smallest_pt >= 6.0, (kind, found)
