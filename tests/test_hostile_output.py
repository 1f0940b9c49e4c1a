"""Pictures and files that cannot break: hostile labels give valid DOT, bounded pictures and
CSV cells no spreadsheet runs as formulas (issue 13, item 7)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.render.dot import LABEL_LIMIT, TEXT_LIMIT, escape, number, wrapped
from bottleneck_finder.render.graph import MAX_DRAWN_EDGES
from bottleneck_finder.render.serialize import to_csv

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
GRAPHVIZ_STRING_LIMIT = 16_384


def accepted(dot: str) -> bytes:
    """The SVG Graphviz draws from `dot`, failing the test when it refuses the source."""
    done = subprocess.run(
        ["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[:500]
    assert done.stdout.startswith(b"<?xml") or b"<svg" in done.stdout
    return done.stdout


def analyze(tmp_path: Path, log: Path, *extra: str) -> Path:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["analyze", str(log), "-o", str(out), "-q", "--format", "svg,dot", *extra]
    )
    assert result.exit_code == 0, result.output
    dot = (out / "process.dot").read_text(encoding="utf-8")
    accepted(dot)
    assert (out / "process.svg").read_bytes().lstrip().startswith(b"<")
    return out


def write_log(tmp_path: Path, rows: list[tuple[str, str, str]], name: str = "log.csv") -> Path:
    path = tmp_path / name
    frame = pd.DataFrame(rows, columns=["case", "activity", "timestamp"])
    path.write_text(frame.to_csv(index=False), encoding="utf-8")
    return path


@needs_dot
def test_a_share_under_a_tenth_of_a_percent_is_escaped(tmp_path: Path) -> None:
    # B → C waits 1 s of 4 d + 1 s: 0.0003% of all waiting, written "<0.1%" in the picture.
    log = write_log(
        tmp_path,
        [
            ("1", "A", "2024-01-01 00:00:00"),
            ("1", "B", "2024-01-05 00:00:00"),
            ("1", "C", "2024-01-05 00:00:01"),
        ],
    )
    out = analyze(tmp_path, log)
    dot = (out / "process.dot").read_text(encoding="utf-8")
    assert "&lt;0.1%" in dot


@needs_dot
def test_quotes_backslashes_newlines_and_markup_in_labels(tmp_path: Path) -> None:
    names = ['say "hi"', "C:\\dir\\", "two\nlines\r\ttab", "<b>bold</b> & <TABLE>", "end\\"]
    rows = []
    for case in range(3):
        for i, name in enumerate(names):
            rows.append((str(case), name, f"2024-01-0{case + 1} 0{i}:00:00"))
    out = analyze(tmp_path, write_log(tmp_path, rows))
    svg = (out / "process.svg").read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt;" in svg  # markup is shown as text, not interpreted
    activities = pd.read_csv(out / "activities.csv", keep_default_na=False)
    assert set(activities["activity"]) == set(names)  # tables keep each label whole


@needs_dot
@pytest.mark.parametrize(
    "text",
    ["", "\\", '"', '\\"', "<", "&", "]]>", "\x00\x07\x1b", "\ud800", "é" * 20_000, "\\" * 9000],
)
def test_escape_gives_valid_dot_for_any_text(text: str) -> None:
    label, tip = escape(text), escape(text, "quoted")
    assert len(tip) < GRAPHVIZ_STRING_LIMIT
    dot = f"digraph g {{ a [label=<{label} {wrapped(text)}>, tooltip={tip}]; b [label={tip}]; }}"
    accepted(dot)


def test_numbers_never_in_exponent_form() -> None:
    assert [number(x) for x in (1e-9, 1.5e20, -0.001, 2.0, float("nan"), 0.125)] == [
        "0",
        "150000000000000000000",
        "0",
        "2",
        "0",
        "0.12",
    ]
    assert escape(1e-7) == "0" and "e" not in escape(3.5e16)


@needs_dot
def test_a_one_megabyte_label(tmp_path: Path) -> None:
    big = "X" * 1_000_000
    rows = []
    for case in range(3):
        rows += [(str(case), "A", f"2024-01-0{case + 1} 00:00:00")]
        rows += [(str(case), big, f"2024-01-0{case + 1} 05:00:00")]
        rows += [(str(case), "C", f"2024-01-0{case + 1} 07:00:00")]
    out = analyze(tmp_path, write_log(tmp_path, rows))
    dot = (out / "process.dot").read_text(encoding="utf-8")
    assert max(len(line) for line in dot.splitlines()) < GRAPHVIZ_STRING_LIMIT
    node = next(line for line in dot.splitlines() if "XXXX" in line and "-> " not in line)
    label = node[: node.index("tooltip=")].replace("<BR/>", "")
    assert "X" * (LABEL_LIMIT - 1) + "…" in label  # shortened in the picture
    assert "X" * LABEL_LIMIT not in label
    assert "X" * TEXT_LIMIT not in dot  # and in tooltips
    activities = pd.read_csv(out / "activities.csv")
    assert big in set(activities["activity"])  # whole in the table


@needs_dot
def test_two_thousand_five_hundred_activities(tmp_path: Path) -> None:
    rows = []
    for case in range(2500):
        rows += [(str(case), "start", "2024-01-01 00:00:00")]
        rows += [(str(case), f"act{case}", f"2024-01-01 0{case % 10}:00:00")]
        rows += [(str(case), "end", "2024-01-02 00:00:00")]
    out = analyze(tmp_path, write_log(tmp_path, rows), "--max-edges", "100000")
    dot = (out / "process.dot").read_text(encoding="utf-8")
    drawn = dot.count(" -> a")
    assert drawn <= 2 * MAX_DRAWN_EDGES
    assert "arrows hidden" in dot  # the legend says the map is abstracted
    assert len(pd.read_csv(out / "transitions.csv")) == 5000  # the table keeps every arrow


@needs_dot
def test_many_long_labels_finish_in_seconds(tmp_path: Path) -> None:
    labels = [f"L{i}" + "y" * 5000 for i in range(200)]
    rows = []
    for case in range(400):
        a, b = labels[case % 200], labels[(case * 7 + 3) % 200]
        rows += [(str(case), a, "2024-01-01 00:00:00"), (str(case), b, "2024-01-01 03:00:00")]
    started = time.monotonic()
    analyze(tmp_path, write_log(tmp_path, rows), "--max-edges", "100000")
    assert time.monotonic() - started < 60


@needs_dot
def test_unlinked_activities_beyond_the_limit_are_left_out_and_said(tmp_path: Path) -> None:
    rows = []
    for case in range(300):
        rows += [(str(case), f"only{case:03d}", "2024-01-01 00:00:00")]
    out = analyze(tmp_path, write_log(tmp_path, rows), "--min-share", "0.5")
    dot = (out / "process.dot").read_text(encoding="utf-8")
    assert "250 more, the least frequent, not drawn" in dot
    assert dot.count("only") == 50 * 2  # label and tooltip of each drawn box


@needs_dot
def test_nanosecond_timestamps(tmp_path: Path) -> None:
    rows = []
    for case in range(3):
        rows += [(str(case), "A", "2024-01-01T00:00:00.000000001")]
        rows += [(str(case), "B", "2024-01-01T00:00:00.000000002")]
        rows += [(str(case), "C", "2024-01-01T00:00:00.000000005")]
    analyze(tmp_path, write_log(tmp_path, rows))


FORMULAS = ['=HYPERLINK("http://x")', "+cmd|calc", "@SUM(A1)", "-x", "\tTAB", "\rCR"]


def test_to_csv_neutralizes_text_cells_only() -> None:
    frame = pd.DataFrame(
        {"name": [*FORMULAS, "plain", "'quoted"], "n": [-1, -2, 3, 4, 5, 6, 7, 8]},
        index=range(10, 18),
    )
    rows = list(csv.reader(io.StringIO(to_csv(frame), newline="")))[1:]
    assert [r[0] for r in rows] == ["'" + f for f in FORMULAS] + ["plain", "'quoted"]
    assert [r[1] for r in rows] == ["-1", "-2", "3", "4", "5", "6", "7", "8"]
    assert frame["name"].iloc[0] == FORMULAS[0]  # the input is not changed


def test_formula_cells_in_every_analyze_csv(tmp_path: Path) -> None:
    log = tmp_path / "formula.csv"
    frame = pd.DataFrame(
        {
            "case": ["1", "1", "2", "2", "2"],
            "activity": [FORMULAS[0], FORMULAS[1], FORMULAS[0], FORMULAS[1], "-5"],
            "timestamp": [f"2024-01-0{d} 00:00:00" for d in (1, 2, 1, 3, 4)],
            "resource": ["@SUM(A1)", "-bob", "@SUM(A1)", "-bob", "ann"],
        }
    )
    log.write_text(frame.to_csv(index=False), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["analyze", str(log), "-o", str(out), "-q", "--deadline", "1d", "--procedure", "resource"],
    )
    assert result.exit_code == 0, result.output
    written = sorted(out.glob("*.csv"))
    assert {p.name for p in written} >= {"activities.csv", "transitions.csv", "variants.csv"}
    assert {p.name for p in written} >= {"handoffs.csv", "deadlines.csv"}
    cells = 0
    for path in written:
        for row in list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))[1:]:
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(cell)  # only a number may start so
                cells += cell.startswith("'")
    assert cells >= 8


def check_csv_cells(folder: Path) -> int:
    """Fails on a CSV cell that starts like a formula and is not a number; the number of cells
    neutralized by a quote."""
    quoted = 0
    for path in sorted(folder.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(cell)
                quoted += cell.startswith("'")
    return quoted


@needs_dot
@pytest.mark.parametrize(
    "command",
    [
        ["discover", "--format", "svg,dot"],
        ["compare", "--split", "2024-01-03", "--format", "svg,dot"],
        ["causes"],
    ],
)
def test_every_picture_and_csv_of_hostile_labels(tmp_path: Path, command: list[str]) -> None:
    names = [*FORMULAS[:4], 'say "hi" <b>x</b> & C:\\dir\\', "X" * 20_000]
    rows = []
    for case in range(8):
        day = 1 + case % 5
        for i, name in enumerate(names):
            rows.append(
                {
                    "case": str(case),
                    "activity": name,
                    "start": f"2024-01-0{day} {i:02d}:00:00",
                    "timestamp": f"2024-01-0{day} {i:02d}:30:00",
                    "resource": FORMULAS[(case + i) % 4],
                }
            )
    log = tmp_path / "hostile.csv"
    log.write_text(pd.DataFrame(rows).to_csv(index=False), encoding="utf-8")
    out = tmp_path / "out"
    args = [command[0], str(log), "-o", str(out), "-q", "--start-timestamp", "start"]
    result = CliRunner().invoke(cli, args + command[1:])
    assert result.exit_code == 0, result.output
    dots = sorted(out.glob("*.dot"))
    assert dots or command[0] == "causes"
    for path in dots:
        dot = path.read_text(encoding="utf-8")
        assert max(len(line) for line in dot.splitlines()) < GRAPHVIZ_STRING_LIMIT
        accepted(dot)
    assert check_csv_cells(out) > 0
