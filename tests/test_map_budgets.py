"""`--activities` / `--paths` on compare and report, and the `map` object of the JSON documents
checked against the map drawn and an independent sum over transitions.csv."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.render.graph import dot_available

from .conftest import EVENT_LOGS, shared_log

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz `dot` is not installed")
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
NODE = re.compile(r'^\s*(a\d+) \[label=<.*tooltip="(.+?): [\d,]+ times', re.M)
EDGE = re.compile(r"^\s*(a\d+|start) -> (a\d+|end) \[", re.M)


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "-q"])
    assert result.exit_code == 0, result.output


def _drawn(dot: str) -> tuple[set[str], set[tuple[str, str]], int]:
    """The activity names of the map's boxes, its activity-to-activity arrows by name, and
    the number of arrows including the start and end arrows."""
    names = dict(NODE.findall(dot))
    arrows = EDGE.findall(dot)
    inner = {(names[s], names[t]) for s, t in arrows if s in names and t in names}
    return set(names.values()), inner, len(arrows)


@needs_dot
@pytest.mark.slow
def test_map_object_matches_the_map_and_transitions_csv_on_a_real_log(tmp_path: Path) -> None:
    log = shared_log("PermitLog.xes.gz")
    out = tmp_path / "permit"
    _run(["analyze", str(log), "-o", str(out), "--format", "dot", "--no-flows"])
    doc = json.loads((out / "analysis.json").read_text("utf-8"))["map"]
    boxes, inner, arrows = _drawn((out / "process.dot").read_text("utf-8"))
    with (out / "transitions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    hidden = [r for r in rows if (r["source"], r["target"]) not in inner]
    assert hidden and len(inner) + len(hidden) == len(rows)
    count = sum(int(r["count"]) for r in hidden)
    wait = sum(float(r["wait_total_s"]) for r in hidden if r["wait_total_s"])
    total = sum(int(r["count"]) for r in rows)
    assert doc["activities_shown"] == len(boxes) <= 25
    assert doc["arrows_shown"] == arrows
    assert doc["hidden_transitions"] == count
    assert doc["total_transitions"] == total
    assert doc["hidden_transitions_share"] == pytest.approx(count / total)
    assert doc["hidden_wait_s"] == pytest.approx(wait, rel=1e-9)
    assert doc["total_wait_s"] == pytest.approx(
        sum(float(r["wait_total_s"]) for r in rows if r["wait_total_s"]), rel=1e-9
    )
    assert doc["activities_limit"] != "all" and doc["hidden_start_cases"] >= 0


@needs_dot
def test_explicit_budgets_in_analysis_json(tmp_path: Path) -> None:
    out = tmp_path / "all"
    _run(["analyze", str(AFTER), "-o", str(out), "--format", "dot", "--activities", "all",
          "--paths", "all"])  # fmt: skip
    doc = json.loads((out / "analysis.json").read_text("utf-8"))["map"]
    assert (doc["activities_limit"], doc["paths_limit"]) == ("all", "all")
    assert doc["activities_shown"] == doc["activities_total"]
    assert doc["arrows_shown"] == doc["arrows_total"]
    assert doc["hidden_transitions"] == 0 and doc["hidden_wait_s"] == 0


@needs_dot
def test_compare_budgets_and_side_maps(tmp_path: Path) -> None:
    full, small = tmp_path / "full", tmp_path / "small"
    _run(["compare", str(BEFORE), str(AFTER), "-o", str(full), "--format", "dot",
          "--activities", "all", "--paths", "all"])  # fmt: skip
    _run(["compare", str(BEFORE), str(AFTER), "-o", str(small), "--format", "dot",
          "--activities", "4", "--paths", "3"])  # fmt: skip
    for kind in ("before", "after"):
        doc = json.loads((full / "comparison.json").read_text("utf-8"))[kind]["map"]
        assert doc["activities_shown"] == doc["activities_total"]
        assert doc["arrows_shown"] == doc["arrows_total"] and doc["hidden_transitions"] == 0
        assert doc["hidden_start_cases"] is None
        cut = json.loads((small / "comparison.json").read_text("utf-8"))[kind]["map"]
        assert (cut["activities_limit"], cut["paths_limit"]) == ("4", "3")
        # the hidden transitions of this period: its counts on the arrows not on its map
        with (small / "transitions.csv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        dot = (small / f"{kind}.dot").read_text("utf-8")
        drawn = len(re.findall(r"^\s*a\d+ -> a\d+ \[", dot, re.M))
        assert cut["arrows_shown"] == drawn
        counts = [int(r[f"{kind}_count"]) for r in rows]
        assert cut["arrows_total"] == sum(c > 0 for c in counts)
        assert cut["total_transitions"] == sum(counts)
        assert 0 < cut["hidden_transitions"] <= cut["total_transitions"]
    diff = (small / "difference.dot").read_text("utf-8")
    assert len(re.findall(r"^\s*a\d+ -> a\d+ \[", diff, re.M)) <= 3 + 10  # + the marked


def test_bad_budget_is_a_usage_error(tmp_path: Path) -> None:
    for command in (["compare", str(ROLLOUT), "--split", "2025-04-14"], ["report", str(AFTER)]):
        result = CliRunner().invoke(cli, [*command, "--paths", "0%", "-o", str(tmp_path / "x")])
        assert result.exit_code == 2 and "--paths" in result.output


@needs_dot
def test_report_honours_the_budgets(tmp_path: Path) -> None:
    out = tmp_path / "r"
    _run(["report", str(ROLLOUT), "--split", "2025-04-14", "--no-pdf", "--lang", "en",
          "--skip", "drift,causes,flows,model", "--activities", "3", "-o", str(out)])  # fmt: skip
    process = (out / "figures" / "process.svg").read_text("utf-8")
    same = tmp_path / "a"
    _run(["analyze", str(ROLLOUT), "-o", str(same), "--activities", "3", "--no-flows"])
    # the same map as analyze draws with the same budget (the bottlenecks' boxes always)
    analyzed = (same / "process.svg").read_text("utf-8")
    assert process.count('class="node"') == analyzed.count('class="node"') < 25
    assert "Hidden:" in (out / "report.md").read_text("utf-8")  # the legend under the map
