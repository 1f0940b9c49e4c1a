"""`compare` and `drift` on a log read inside the engine (`--in-engine`, `duckdb:PATH`) give the
documents of the usual path: every count and label exactly, every time to the microsecond, on
the bundled samples (one log split at a date or at the strongest change point, and two logs),
a shared real log with lifecycle pairing, and a DuckDB table; what the engine does not do yet
is refused in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS, shared_log
from .test_engines import _same
from .test_source_sql import as_parquet

ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"


def _run(args: list[str], out: Path) -> Any:
    result = CliRunner().invoke(cli, [*args, "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def _document(args: list[str], out: Path) -> Any:
    return json.loads(_run([*args, "--json"], out).stdout)


def _unnamed(document: Any) -> Any:
    """The document without the name of the file or table read (a database is named
    `PATH:TABLE`)."""
    for part in (document, document.get("before"), document.get("after")):
        if isinstance(part, dict) and isinstance(part.get("source"), str):
            part["source"] = "<log>"
    return document


def _check(usual: list[str], engine: list[str], tmp_path: Path) -> Any:
    """The engine's document equals the usual path's (waiting causes off on both: the engine
    does not break them down yet); returns it."""
    expected = _document([*usual, "--no-causes"] if usual[0] == "compare" else usual, tmp_path)
    got = _document(engine, tmp_path / "engine")
    diffs = _same(_unnamed(expected), _unnamed(got), usual[0])
    assert not diffs, "\n".join(diffs[:20])
    return got


@pytest.mark.parametrize("split", ["2025-04-14", "auto"])
def test_split_rollout_in_engine(tmp_path: Path, split: str) -> None:
    parquet = as_parquet(ROLLOUT, tmp_path)
    got = _check(
        ["compare", str(parquet), "--split", split],
        ["compare", str(parquet), "--split", split, "--in-engine"],
        tmp_path,
    )
    # the sample's rollout: cases on both sides, the straddling ones counted and left out
    assert got["before"]["cases"] > 0 and got["after"]["cases"] > 0
    assert got["split"]["straddling_cases"] > 0
    events = got["before"]["events"] + got["after"]["events"]
    assert 0 < events < got["before"]["events"] * 3


@pytest.mark.parametrize("straddling", ["before", "after"])
def test_straddling_cases_counted_on_a_side(tmp_path: Path, straddling: str) -> None:
    parquet = as_parquet(ROLLOUT, tmp_path)
    split = ["--split", "2025-04-14", "--straddling", straddling]
    _check(
        ["compare", str(parquet), *split],
        ["compare", str(parquet), *split, "--in-engine"],
        tmp_path,
    )


def test_two_logs_in_engine(tmp_path: Path) -> None:
    before, after = as_parquet(BEFORE, tmp_path), as_parquet(AFTER, tmp_path)
    _check(
        ["compare", str(before), str(after)],
        ["compare", str(before), str(after), "--in-engine"],
        tmp_path,
    )


def test_drift_in_engine(tmp_path: Path) -> None:
    parquet = as_parquet(ROLLOUT, tmp_path)
    got = _check(["drift", str(parquet)], ["drift", str(parquet), "--in-engine"], tmp_path)
    assert got["change_points"]  # the sample's rollout is found


def test_terminal_text_is_the_same(tmp_path: Path) -> None:
    """What the terminal shows, tables and sentences, is the usual path's word for word."""
    parquet = as_parquet(ROLLOUT, tmp_path)
    for command in (["compare", "--split", "2025-04-14"], ["drift"]):
        name, *rest = command
        extra = ["--no-causes"] if name == "compare" else []
        usual = _run([name, str(parquet), *rest, *extra], tmp_path / name).stdout
        engine = _run([name, str(parquet), *rest, "--in-engine"], tmp_path / name).stdout
        assert engine == usual


def test_database_table(tmp_path: Path) -> None:
    """`duckdb:PATH --table` (its stored order) for both commands, and `--query`."""
    parquet = as_parquet(ROLLOUT, tmp_path)
    database = tmp_path / "log.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(f"CREATE TABLE events AS SELECT * FROM read_parquet('{parquet}')")
    source = f"duckdb:{database}"
    _check(
        ["compare", str(ROLLOUT), "--split", "2025-04-14"],
        ["compare", source, "--table", "events", "--split", "2025-04-14"],
        tmp_path,
    )
    _check(["drift", str(ROLLOUT)], ["drift", source, "--table", "events"], tmp_path)
    query = "SELECT * FROM events ORDER BY rowid"
    _check(
        ["compare", str(ROLLOUT), "--split", "auto"],
        ["compare", source, "--query", query, "--split", "auto"],
        tmp_path,
    )


def test_shared_real_log_with_lifecycle(tmp_path: Path) -> None:
    """BPI 2012: starts and completes paired in the engine, its events counted per period from
    the pairing queue (schedule events left out as the usual path leaves them)."""
    log = shared_log("bpic2012.xes.gz")
    parquet = as_parquet(log, tmp_path)
    got = _check(
        ["compare", str(parquet), "--split", "2012-01-01"],
        ["compare", str(parquet), "--split", "2012-01-01", "--in-engine"],
        tmp_path,
    )
    assert got["before"]["has_start_times"]
    _check(["drift", str(parquet)], ["drift", str(parquet), "--in-engine"], tmp_path)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--split", "2025-04-14", "--deadline", "15d"], "--deadline and --causes"),
        (["--split", "2025-04-14", "--causes"], "--deadline and --causes"),
        (["--split", "2025-04-14", "--calendar", "vn"], "working calendar"),
        (["--split", "2030-01-01"], "outside the cases"),
    ],
)
def test_compare_refusals(tmp_path: Path, args: list[str], says: str) -> None:
    parquet = as_parquet(ROLLOUT, tmp_path)
    result = CliRunner().invoke(cli, ["compare", str(parquet), "--in-engine", *args, "-q"])
    assert result.exit_code != 0
    assert says in result.output
    assert "Traceback" not in result.output


def test_refusals_of_sources(tmp_path: Path) -> None:
    parquet = as_parquet(ROLLOUT, tmp_path)
    runner = CliRunner()
    drift = runner.invoke(cli, ["drift", str(parquet), "--in-engine", "--calendar", "vn"])
    assert drift.exit_code != 0 and "working calendar" in drift.output
    no_table = runner.invoke(cli, ["drift", f"duckdb:{tmp_path / 'x.duckdb'}"])
    assert no_table.exit_code == 2 and "--table or --query" in no_table.output
    stray = runner.invoke(cli, ["compare", str(parquet), "--split", "auto", "--table", "t"])
    assert stray.exit_code == 2 and "duckdb:PATH" in stray.output
    for command in (["drift"], ["compare", "--split", "auto"]):
        name, *rest = command
        pg = runner.invoke(cli, [name, "postgresql://u@h/d", *rest])  # read: needs a table
        assert pg.exit_code == 2 and "--table or --query" in pg.output
