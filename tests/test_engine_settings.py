"""`--memory-limit` and `--temp-dir`: parsed, handed to every engine session, same answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.commands.options import parse_memory
from bottleneck_finder.engine import DuckDBEngine, Settings, configure, current_settings, prepare

from .conftest import EVENT_LOGS

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"


@pytest.fixture(autouse=True)
def _default_settings() -> Iterator[None]:
    before = current_settings()
    yield
    configure(before)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12GB", 12 * 10**9),
        ("8GiB", 8 * 2**30),
        ("500 mb", 500 * 10**6),
        ("1.5GB", 1_500_000_000),
        ("60%", 600),
        ("1048576", 2**20),
    ],
)
def test_memory_sizes(text: str, expected: int) -> None:
    assert parse_memory(text, 1000) == expected


@pytest.mark.parametrize("text", ["12XB", "", "-1GB", "0", "150%", "GB"])
def test_bad_memory_sizes_are_usage_errors(text: str) -> None:
    with pytest.raises(click.BadParameter):
        parse_memory(text, 1000)


def test_a_share_needs_a_known_machine_memory() -> None:
    with pytest.raises(click.BadParameter):
        parse_memory("60%", 0)


def test_engine_sessions_use_the_settings(tmp_path: Path) -> None:
    configure(Settings(memory_limit=3 * 2**30, temp_dir=str(tmp_path)))
    engine = DuckDBEngine()
    try:
        row = engine.frame(
            "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t"
        ).iloc[0]
    finally:
        engine.close()
    assert row["m"] == "3.0 GiB"
    assert str(row["t"]).startswith(str(tmp_path))


def test_default_limit_is_a_share_of_the_machine() -> None:
    from bottleneck_finder.engine import MEMORY_SHARE, machine_memory

    total = machine_memory()
    assert total > 0
    assert Settings().limit() == int(total * MEMORY_SHARE)


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_analyze_and_compare_give_the_same_files_out_of_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spill = tmp_path / "spill" / "here"
    plain, small = tmp_path / "plain", tmp_path / "small"
    _run(["analyze", str(AFTER), "-o", str(plain), "--format", "dot", "-q", "--flows"])
    _run(["compare", str(BEFORE), str(AFTER), "-o", str(plain / "cmp"), "--format", "dot", "-q"])
    # every step table too large to build in process: the engine builds them under its limit
    monkeypatch.setattr(prepare, "STEP_BYTES", {False: 2**40, True: 2**40})
    limit = ["--memory-limit", "64MB", "--temp-dir", str(spill)]
    _run(["analyze", str(AFTER), "-o", str(small), "--format", "dot", "-q", "--flows", *limit])
    _run(
        [
            "compare",
            str(BEFORE),
            str(AFTER),
            "-o",
            str(small / "cmp"),
            "--format",
            "dot",
            "-q",
            *limit,
        ]
    )
    assert spill.is_dir()  # created for the engine's spill files
    for name in ("analysis.json", "transitions.csv", "variants.csv", "rework.csv", "handoffs.csv"):
        assert (small / name).read_bytes() == (plain / name).read_bytes(), name
    for name in ("comparison.json", "transitions.csv"):
        assert (small / "cmp" / name).read_bytes() == (plain / "cmp" / name).read_bytes(), name


def test_a_temp_dir_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(
        cli, ["analyze", str(AFTER), "-o", str(tmp_path / "o"), "--temp-dir", str(blocker / "d")]
    )
    assert result.exit_code == 2, result.output
    assert "--temp-dir" in result.output
