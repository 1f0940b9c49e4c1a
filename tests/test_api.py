"""The public Python API (`import bottleneck_finder as bf`) gives what the command line writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import bottleneck_finder as bf
from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"


def cli_file(tmp_path: Path, args: list[str], name: str) -> str:
    out = tmp_path / "cli"
    result = CliRunner().invoke(cli, [*args, "-o", str(out), "--format", "dot", "-q"])
    assert result.exit_code == 0, result.output
    return (out / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("extra", [[], ["--calendar", "vn"]], ids=["wall-clock", "working-time"])
def test_analyze_equals_the_cli_document(tmp_path: Path, extra: list[str]) -> None:
    expected = cli_file(tmp_path, ["analyze", str(AFTER), *extra], "analysis.json")
    calendar = "vn" if extra else None
    assert bf.analyze(AFTER, calendar=calendar).to_json() == expected


def test_analyze_takes_a_dataframe_without_changing_it() -> None:
    frame = pd.read_csv(AFTER)
    before = frame.copy()
    from_frame = bf.analyze(frame)
    pd.testing.assert_frame_equal(frame, before)
    from_path = bf.analyze(AFTER)
    pd.testing.assert_frame_equal(from_frame.transitions, from_path.transitions)
    assert from_frame.bottlenecks.iloc[0]["target"] == from_path.bottlenecks.iloc[0]["target"]


def test_a_prepared_log_is_shared_and_left_open() -> None:
    with bf.load(AFTER, calendar="vn") as log:
        first = bf.analyze(log, flows=False)
        again = bf.analyze(log, flows=False)
        assert log.calendar is not None and log.calendar.name == "vn"
        assert first.time_basis == "working:vn"
        pd.testing.assert_frame_equal(first.transitions, again.transitions)
        assert first.flows is None
        assert log.session("lean") is log.session("lean")  # prepared once, still open
    assert first.analysis.log.first_event < first.analysis.log.last_event


def test_bad_input_is_a_bottleneck_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("case,activity\n1,A\n", encoding="utf-8")
    with pytest.raises(bf.BottleneckError):
        bf.analyze(bad)
