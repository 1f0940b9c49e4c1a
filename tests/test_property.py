"""Random labels, timestamps and column names thrown at `analyze`: it never breaks (Hypothesis).

Whatever the log holds, the run ends with exit 0 or a documented exit code; an error is one
line and leaves no output folder; whenever DOT is written, Graphviz accepts it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bottleneck_finder.cli import cli
from bottleneck_finder.errors import EXIT_CODES

LABEL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=60,
) | st.sampled_from(["<0.1%", '"quoted"', "a\\b", "<b>bold</b>", "=HYPERLINK(1)", "x" * 3000])
GOOD_STAMP = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 1, 1)).map(
    lambda d: d.isoformat(sep=" ")
)
BAD_STAMP = st.sampled_from(["", "not a time", "2025-13-45 25:61:00", "03/04/2025 08:03:00 SA"])
HEADER = (
    st.sampled_from(["case", "Mã hồ sơ", "case:concept:name", "id"]),
    st.sampled_from(["activity", "Bước", "concept:name", "task"]),
    st.sampled_from(["timestamp", "Thời điểm kết thúc", "time:timestamp", "finished_at"]),
)


@st.composite
def logs(
    draw: st.DrawFn, stamps: st.SearchStrategy[str], any_header: bool = True
) -> tuple[list[str], list[tuple]]:
    header = [draw(h) for h in HEADER] if any_header else ["case", "activity", "timestamp"]
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(["c1", "c2", "c3"]), LABEL, stamps), min_size=1, max_size=25
        )
    )
    return header, rows


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(log=logs(GOOD_STAMP, any_header=False))
def test_analyze_draws_any_labels(tmp_path_factory: pytest.TempPathFactory, log: tuple) -> None:
    """Valid times, any labels and header names: the map is drawn, or a documented error."""
    run_and_check(tmp_path_factory, log)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(log=logs(GOOD_STAMP | BAD_STAMP))
def test_analyze_never_breaks(tmp_path_factory: pytest.TempPathFactory, log: tuple) -> None:
    """Any times too: a documented exit code, one error line, nothing left behind."""
    run_and_check(tmp_path_factory, log)


def run_and_check(tmp_path_factory: pytest.TempPathFactory, log: tuple) -> None:
    header, rows = log
    folder = tmp_path_factory.mktemp("prop")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    path = folder / "log.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    before = path.read_bytes()
    out = folder / "out"
    result = CliRunner().invoke(cli, ["analyze", str(path), "-o", str(out), "--format", "dot,svg"])
    assert result.exit_code in EXIT_CODES, (result.exit_code, result.output)
    event(f"exit {result.exit_code}")
    assert path.read_bytes() == before
    if result.exit_code != 0:
        lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1, result.stderr
        assert not out.exists()
        return
    for dot in out.glob("*.dot"):
        done = subprocess.run(["dot", "-Tsvg"], input=dot.read_bytes(), capture_output=True)
        assert done.returncode == 0, done.stderr[:300]
    assert not list(Path(folder).glob("**/*.tmp"))
