"""The log normalized in the engine from a relation it reads (engine.source_sql) equals the log
normalized by pandas: its events table row for row, its facts, errors and warnings, and the
analysis run on it; the command line reads Parquet in the engine and DuckDB databases."""

from __future__ import annotations

import unicodedata
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.analyze import analyze
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.columns import LogColumns
from bottleneck_finder.engine import DuckDBEngine, event_table
from bottleneck_finder.engine.source_sql import database_source, open_source, parquet_source
from bottleneck_finder.errors import BottleneckError
from bottleneck_finder.io.read import read_log
from bottleneck_finder.model import EngineSource, catalog_of
from bottleneck_finder.normalize import NormalizeOptions
from bottleneck_finder.prepared import PreparedLog

from .conftest import EVENT_LOGS, shared_log

BUNDLED = ["one_stop_shop_before.csv", "one_stop_shop_after.csv", "08_receipt.xes.gz"]
SHARED = ["BPI_Challenge_2017_W_Two_TS_filtered.xes.gz", "PermitLog.xes.gz", "bpic2012.xes.gz"]


def as_parquet(log: Path, tmp_path: Path) -> Path:
    """The raw table of a shipped or shared log, as read, written to Parquet."""
    out = tmp_path / (log.name.split(".")[0] + ".parquet")
    read_log(log).table.to_parquet(out)
    return out


def engine_events(engine: Any) -> pd.DataFrame:
    return engine.frame("SELECT * FROM events ORDER BY row_no")


def assert_same_events(pandas_log: Any, engine: Any) -> None:
    """The engine's events equal `event_table` of the pandas log, row for row, column by
    column (null where null)."""
    expected = event_table(pandas_log.events).to_pandas()
    got = engine_events(engine)
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for column in expected.columns:
        want, have = expected[column], got[column]
        assert np.array_equal(want.isna().to_numpy(), have.isna().to_numpy()), column
        assert np.array_equal(
            want.dropna().to_numpy(dtype="int64"), have.dropna().to_numpy(dtype="int64")
        ), column


def assert_same_log(pandas_log: Any, source_log: Any) -> None:
    """Facts and catalogs equal those of the pandas log."""
    for field in ("columns", "has_start_times", "has_lifecycle", "display_tz"):
        assert getattr(source_log, field) == getattr(pandas_log, field), field
    assert source_log.timestamp_format == pandas_log.timestamp_format
    assert source_log.quality == pandas_log.quality
    mine, theirs = source_log.catalog, catalog_of(pandas_log)
    assert (mine.events, mine.cases) == (theirs.events, theirs.cases)
    assert (mine.has_resource, mine.has_group) == (theirs.has_resource, theirs.has_group)
    for role in ("activity", "resource", "group"):
        assert list(mine.labels[role]) == list(theirs.labels[role]), role
    events = pandas_log.events
    start = events["start_us"].to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).max)
    end = events["end_us"].to_numpy(dtype=np.int64)
    assert source_log.first_us == int(np.minimum(start, end).min())
    assert source_log.last_us == int(end.max())


def assert_same_analysis(pandas_log: Any, source_log: Any, engine: Any) -> None:
    """`analyze` through the engine's source equals `analyze` through pandas: every column
    of every table, the bottleneck ranking, the case statistics and the summary."""
    expected = analyze(pandas_log)
    with PreparedLog(source_log, holding=engine) as prepared:
        got = analyze(prepared)
    for table in ("transitions", "activities", "bottlenecks", "start_activities", "end_activities"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(expected, table))
    assert got.cases == expected.cases
    assert got.log == expected.log
    assert got.quality == expected.quality
    assert got.total_wait_s == expected.total_wait_s
    assert got.mixed_wait_definitions == expected.mixed_wait_definitions


def check(
    parquet: Path, options: NormalizeOptions | None = None, *, sql: bool = False, **given: str
) -> None:
    """Normalize `parquet` both ways and compare events, facts and analysis; with `sql` the
    engine builds the step table by its SQL window (as on a log beyond memory, or a cluster),
    else it is built in process from the fetched instances."""
    options = options or NormalizeOptions()
    columns = LogColumns(**given)
    pandas_log = load_log(parquet, columns, options=options)
    source_log, engine = open_source(
        parquet_source(str(parquet)),
        columns,
        options,
        engine=partial(DuckDBEngine, in_process_steps=not sql),
    )
    try:
        assert_same_events(pandas_log, engine)
        assert_same_log(pandas_log, source_log)
    except BaseException:
        engine.close()
        raise
    assert_same_analysis(pandas_log, source_log, engine)


@pytest.mark.parametrize("sql", [False, True])
@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_samples(tmp_path: Path, name: str, sql: bool) -> None:
    check(as_parquet(EVENT_LOGS / name, tmp_path), sql=sql)


@pytest.mark.parametrize("name", SHARED)
def test_shared_real_logs(tmp_path: Path, name: str) -> None:
    """BPI 2017 W (lifecycle start/complete), PermitLog (kept duplicates), bpic2012 (mixed
    lifecycles: schedule events ignored, complete-only activities); the last by the SQL
    window too."""
    check(as_parquet(shared_log(name), tmp_path))
    if name == "bpic2012.xes.gz":
        check(as_parquet(shared_log(name), tmp_path), sql=True)


def test_typed_timestamps_and_zones(tmp_path: Path) -> None:
    """Timestamp columns typed in the file: with a zone (UTC), and without one, read in --tz."""
    table = read_log(EVENT_LOGS / "one_stop_shop_before.csv").table
    for column in ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"):
        table[column] = pd.to_datetime(table[column], utc=True)
    zoned = tmp_path / "zoned.parquet"
    table.to_parquet(zoned)
    check(zoned)
    for column in ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"):
        table[column] = table[column].dt.tz_convert("Asia/Ho_Chi_Minh").dt.tz_localize(None)
    naive = tmp_path / "naive.parquet"
    table.to_parquet(naive)
    check(naive, NormalizeOptions(tz="Asia/Ho_Chi_Minh"))
    check(naive)  # no zone given: UTC


def messy() -> pd.DataFrame:
    """A hand-made log with every kind of bad row, labels to clean and odd lifecycles."""
    decomposed = unicodedata.normalize("NFD", "Thẩm định")
    rows = [
        ("c1", " Nộp ", "2024-01-01T08:00:00", "start", "An"),
        ("c1", "Nộp", "2024-01-01T09:00:00", "complete", "An"),
        ("c1", decomposed, "2024-01-02T10:00:00", "START", " Bình"),
        ("c1", "Thẩm định", "2024-01-03T10:00:00", "complete", "Bình"),
        ("c1", "Thẩm định", "2024-01-03T10:00:00", "complete", "Bình"),  # duplicate
        ("c2", "Nộp", "2024-01-04T08:00:00", "complete", None),
        (None, "Nộp", "2024-01-04T09:00:00", "complete", "An"),  # no case
        ("c2", "  ", "2024-01-04T09:30:00", "complete", "An"),  # no activity
        ("c2", "Trả", "not a time", "complete", "An"),  # unparseable
        ("c2", "Trả", "", "complete", "An"),  # no time
        ("c2", "Trả", "2024-01-05T08:00:00", "schedule", "An"),  # odd lifecycle
        ("c2", "Trả", "2024-01-05T09:00:00", None, "An"),  # no lifecycle
        ("c3", "Trả", "2024-01-06T09:00:00", "complete", "Chi"),
        (" c3", "Nộp", "2024-01-06T08:00:00", "complete", "Chi"),
        ("c3", "\u00a0Trả\t", "2024-01-06T10:00:00", " Complete\u3000", "Chi"),
        ("c4", "Trả lại", "2024-01-07T10:00:00", "complete", "\u2003"),  # blank resource
    ]
    return pd.DataFrame(rows, columns=["case_id", "activity", "timestamp", "lifecycle", "org"])


LIFECYCLE = {"case": "case_id", "activity": "activity", "timestamp": "timestamp",
             "lifecycle": "lifecycle", "resource": "org"}  # fmt: skip


@pytest.mark.parametrize("duplicates", ["keep", "drop"])
def test_bad_rows_skipped_as_pandas_skips_them(tmp_path: Path, duplicates: str) -> None:
    path = tmp_path / "messy.parquet"
    messy().to_parquet(path)
    check(path, NormalizeOptions(bad_rows="skip", duplicates=duplicates), **LIFECYCLE)  # type: ignore[arg-type]


def errors_of(path: Path, options: NormalizeOptions, **given: str) -> tuple[Any, Any]:
    columns = LogColumns(**given)
    with pytest.raises(BottleneckError) as pandas_error:
        load_log(path, columns, options=options)
    with pytest.raises(BottleneckError) as engine_error:
        open_source(parquet_source(str(path)), columns, options)
    return pandas_error.value, engine_error.value


@pytest.mark.parametrize(
    ("keep", "options"),
    [
        (list(range(14)), NormalizeOptions()),  # the first: rows without case or activity
        ([5, 8, 9, 12], NormalizeOptions()),  # unparseable, then missing times
        ([9, 10, 11], NormalizeOptions(bad_rows="skip")),  # nothing usable remains
        (list(range(6)), NormalizeOptions(duplicates="fail")),
    ],
)
def test_bad_rows_refused_with_the_same_error(
    tmp_path: Path, keep: list[int], options: NormalizeOptions
) -> None:
    path = tmp_path / "messy.parquet"
    messy().iloc[keep].reset_index(drop=True).to_parquet(path)
    expected, got = errors_of(path, options, **LIFECYCLE)
    assert type(got) is type(expected)
    assert str(got) == str(expected)
    assert got.fix == expected.fix  # type: ignore[attr-defined]


def test_start_column_and_start_events_refused_alike(tmp_path: Path) -> None:
    frame = messy().iloc[:4].copy()
    frame["started"] = frame["timestamp"]
    path = tmp_path / "both.parquet"
    frame.to_parquet(path)
    expected, got = errors_of(path, NormalizeOptions(), start="started", **LIFECYCLE)
    assert (type(got), str(got)) == (type(expected), str(expected))


def test_end_before_start_counted_alike(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "case": ["a", "a", "b"],
            "activity": ["x", "y", "x"],
            "start": ["2024-01-01 08:00", "2024-01-01 10:00", "2024-01-02 08:00"],
            "end": ["2024-01-01 09:00", "2024-01-01 09:30", "2024-01-02 09:00"],
        }
    )
    path = tmp_path / "ebs.parquet"
    frame.to_parquet(path)
    given = {"case": "case", "activity": "activity", "start": "start", "timestamp": "end"}
    expected, got = errors_of(path, NormalizeOptions(), **given)
    assert (type(got), str(got)) == (type(expected), str(expected))
    check(path, NormalizeOptions(bad_rows="skip"), **given)


def database(tmp_path: Path, parquet: Path) -> Path:
    path = tmp_path / "log.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE events AS SELECT * FROM read_parquet('{parquet}')")
    return path


def test_duckdb_table_and_query_equal_the_parquet(tmp_path: Path) -> None:
    parquet = as_parquet(EVENT_LOGS / "one_stop_shop_before.csv", tmp_path)
    db = database(tmp_path, parquet)
    pandas_log = load_log(parquet)
    origins: list[EngineSource] = [
        database_source(str(db), table="events", query=None),
        database_source(str(db), table=None, query="SELECT * FROM events ORDER BY rowid"),
    ]
    for origin in origins:
        source_log, engine = open_source(origin, LogColumns())
        assert_same_events(pandas_log, engine)
        assert source_log.quality == pandas_log.quality
        assert_same_analysis(pandas_log, source_log, engine)


OUTPUTS = ("analysis.json", "transitions.csv", "activities.csv", "variants.csv", "rework.csv")


def test_cli_in_engine_writes_the_same_files(tmp_path: Path) -> None:
    parquet = as_parquet(EVENT_LOGS / "one_stop_shop_after.csv", tmp_path)
    db = database(tmp_path, parquet)
    runs = {
        "pandas": [str(parquet)],
        "engine": [str(parquet), "--in-engine"],
        "table": [f"duckdb:{db}", "--table", "events"],
    }
    for name, args in runs.items():
        result = CliRunner().invoke(
            cli, ["analyze", *args, "-o", str(tmp_path / name), "--format", "dot", "-q"]
        )
        assert result.exit_code == 0, result.output
    for output in OUTPUTS:
        expected = (tmp_path / "pandas" / output).read_bytes()
        assert (tmp_path / "engine" / output).read_bytes() == expected, output
        table = (tmp_path / "table" / output).read_bytes()
        if output == "analysis.json":  # the source is named as given
            expected = expected.replace(str(parquet).encode(), f"{db}:events".encode())
        assert table == expected, output


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["analyze", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_cli_errors_are_one_line_with_their_exit_codes(tmp_path: Path) -> None:
    parquet = as_parquet(EVENT_LOGS / "one_stop_shop_before.csv", tmp_path)
    db = database(tmp_path, parquet)
    numbers = tmp_path / "numbers.parquet"
    pd.DataFrame({"case": ["a"], "activity": ["x"], "timestamp": [12.5]}).to_parquet(numbers)
    cases = [
        ((str(parquet), "--in-engine", "--case", "nope"), 4, "column 'nope'"),
        ((str(numbers), "--in-engine"), 5, "ISO 8601"),
        ((f"duckdb:{db}", "--table", "missing"), 3, "cannot be read by the engine"),
        ((f"duckdb:{db}", "--query", "SELECT * FROM nowhere"), 3, "cannot be read"),
        ((f"duckdb:{tmp_path / 'none.duckdb'}", "--table", "t"), 3, "no such database file"),
        ((str(tmp_path / "none.parquet"), "--in-engine"), 3, "no such file"),
        ((str(parquet), "--in-engine", "--calendar", "vn"), 2, "calendar"),
    ]
    for args, code, words in cases:
        exit_code, output = run(*args, "-o", str(tmp_path / "out"))
        lines = output.strip().splitlines()
        assert exit_code == code, (args, output)
        assert len(lines) == 1 and words in lines[0] and " — " in lines[0], (args, output)
    assert not (tmp_path / "out").exists()
    exit_code, output = run(f"duckdb:{db}")
    assert exit_code == 2 and "--table or --query" in output
    exit_code, output = run(str(parquet), "--in-engine", "--color-by", "cause")
    assert exit_code == 2 and "not with a log read in the engine" in output
