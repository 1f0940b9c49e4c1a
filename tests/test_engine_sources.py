"""The log read where it lives: a PostgreSQL table or query analysed in the database, Parquet
read by Spark, give the documents of the usual path (`analyze FILE`), and one-line errors.

The PostgreSQL server is the one this test run starts (tests/engines.py); tables are loaded
by COPY with typed `timestamptz` columns, and the expected document is that of the same
typed table written to Parquet and read the usual way (pyarrow, pandas)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.columns import LogColumns
from bottleneck_finder.engine import DUCKDB, POSTGRES, SPARK, DuckDBEngine, Settings, configure
from bottleneck_finder.engine.origins import parquet_source
from bottleneck_finder.engine.source_sql import open_source
from bottleneck_finder.engine.translate import translate
from bottleneck_finder.errors import InputError
from bottleneck_finder.io.read import read_log

from .conftest import EVENT_LOGS, shared_log
from .test_engines import _same
from .test_source_sql import LIFECYCLE, messy

TIMES = {
    "one_stop_shop_rollout.csv": ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"),
    "one_stop_shop_before.csv": ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"),
    "one_stop_shop_after.csv": ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"),
    "Production.xes.gz": ("time:timestamp",),
}


@pytest.fixture(autouse=True)
def default_engine() -> Iterator[None]:
    """A postgresql:// log makes PostgreSQL the engine: DuckDB again for later tests."""
    yield
    configure(Settings())


def typed(log: Path) -> pd.DataFrame:
    """The raw table of `log`, its time columns typed (UTC instants)."""
    table = read_log(log).table
    for column in TIMES[log.name]:
        table[column] = pd.to_datetime(table[column], utc=True, format="ISO8601")
    return table


def url_of(postgres_url: str) -> str:
    """The fixture's libpq keyword string as a URL (the socket folder as `host`)."""
    parts = dict(item.split("=", 1) for item in postgres_url.split())
    host = quote(parts["host"], safe="")
    return f"postgresql://{parts['user']}@/{parts['dbname']}?host={host}&port={parts['port']}"


def load_table(postgres_url: str, name: str, frame: pd.DataFrame) -> None:
    """`frame` as the table `name` (replaced), by COPY: times `timestamptz`, integers
    `bigint`, the rest `text`."""
    import psycopg

    def kind(series: pd.Series) -> str:
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            return "timestamptz"
        return "bigint" if pd.api.types.is_integer_dtype(series) else "text"

    columns = ", ".join(f'"{c}" {kind(frame[c])}' for c in frame.columns)
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute(f"CREATE TABLE {name} ({columns})")
        text = frame.to_csv(index=False, header=False, date_format="%Y-%m-%d %H:%M:%S.%f%z")
        with con.cursor() as cur, cur.copy(f"COPY {name} FROM STDIN (FORMAT csv)") as copy:
            copy.write(text.encode())


def document(args: list[str]) -> Any:
    result = CliRunner().invoke(cli, ["analyze", *args, "--json", "-q"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    found = json.loads(result.stdout)
    found.pop("source")  # names the file or the database, as given
    return found


def assert_same(expected: Any, got: Any) -> None:
    diffs = _same(expected, got)
    assert not diffs, "\n".join(diffs[:20])


CASES = [
    pytest.param(EVENT_LOGS / "one_stop_shop_before.csv", id="sample-before"),
    pytest.param("Production.xes.gz", id="production"),
]


@pytest.mark.parametrize("name", CASES)
def test_postgres_table_equals_the_file(
    postgres_url: str, tmp_path: Path, name: Path | str
) -> None:
    """`analyze postgresql://…/DB --table events --order-by event_no` (normalized and
    analysed in the server) equals `analyze` of the same table as a Parquet file; the user's
    table `events` outlives the session's own temporary table of that name."""
    log = name if isinstance(name, Path) else shared_log(name)
    frame = typed(log)
    parquet = tmp_path / "log.parquet"
    frame.to_parquet(parquet)
    load_table(postgres_url, "events", frame.assign(event_no=range(len(frame))))
    expected = document([str(parquet)])
    got = document([url_of(postgres_url), "--table", "events", "--order-by", "event_no"])
    assert_same(expected, got)
    import psycopg

    with psycopg.connect(postgres_url) as con:
        rows = con.execute("SELECT count(*) FROM public.events").fetchone()
    assert rows == (len(frame),)


def test_postgres_table_without_order_reads_by_case_and_time(
    postgres_url: str, tmp_path: Path
) -> None:
    """Without --order-by a table is read by case and time, simultaneous events of a case
    by their other columns: as the file sorted so."""
    frame = typed(shared_log("Production.xes.gz"))
    load_table(postgres_url, "production", frame)
    keys = ["case:concept:name", "time:timestamp", "concept:name", "lifecycle:transition",
            "org:resource"]  # fmt: skip
    ordered = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    parquet = tmp_path / "sorted.parquet"
    ordered.to_parquet(parquet)
    assert_same(document([str(parquet)]), document([url_of(postgres_url), "--table", "production"]))


def test_postgres_query_equals_the_filtered_file(postgres_url: str, tmp_path: Path) -> None:
    """`--query` with a WHERE (in PostgreSQL's own SQL: `<>`, `ILIKE`, a cast) equals the
    file filtered by pandas."""
    frame = typed(EVENT_LOGS / "one_stop_shop_after.csv")
    load_table(postgres_url, "one_stop", frame.assign(event_no=range(len(frame))))
    kept = frame[(frame["don_vi"] != "Văn thư") & ~frame["buoc"].str.lower().str.contains("trả")]
    parquet = tmp_path / "filtered.parquet"
    kept.reset_index(drop=True).to_parquet(parquet)
    query = (
        "SELECT * FROM one_stop WHERE don_vi <> 'Văn thư' AND buoc::text NOT ILIKE '%trả%' "
        "ORDER BY event_no"
    )
    expected = document([str(parquet)])
    got = document([url_of(postgres_url), "--query", query])
    assert got["log"]["events"] == len(kept) < len(frame)
    assert_same(expected, got)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["analyze", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_postgres_errors_are_one_line(postgres_url: str, tmp_path: Path) -> None:
    load_table(postgres_url, "small", typed(EVENT_LOGS / "one_stop_shop_before.csv").head(50))
    url = url_of(postgres_url)
    out = ("-o", str(tmp_path / "out"))
    cases = [
        ((url, "--table", "nowhere"), 3, "cannot be read by the engine"),
        ((url, "--query", "SELECT * FROM nowhere"), 3, "cannot be read by the engine"),
        ((url, "--table", "small", "--case", "nope"), 4, "column 'nope'"),
    ]
    for args, code, words in cases:
        exit_code, output = run(*args, *out)
        lines = output.strip().splitlines()
        assert exit_code == code, (args, output)
        assert len(lines) == 1 and words in lines[0] and " — " in lines[0], (args, output)
    secret = url.replace("bn@", "bn:s3cret@")
    exit_code, output = run(secret, "--table", "small", *out)
    assert exit_code == 2 and "s3cret" not in output and "PGPASSWORD" in output
    exit_code, output = run(url, *out)
    assert exit_code == 2 and "--table or --query" in output
    exit_code, output = run(url, "--table", "small", "--engine", "spark", *out)
    assert exit_code == 2 and "leave out" in output
    assert not (tmp_path / "out").exists()


def command_document(args: list[str], out: Path) -> Any:
    """The JSON document of `compare` or `drift` (no waiting causes: a log read in the
    engine does not break them down yet), the names of the logs read left out."""
    extra = ["--no-causes"] if args[0] == "compare" and "--in-engine" not in args else []
    result = CliRunner().invoke(cli, [*args, *extra, "--json", "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    found = json.loads(result.stdout)
    for part in (found, found.get("before"), found.get("after")):
        if isinstance(part, dict):
            part.pop("source", None)
    return found


def parquet_of(frame: pd.DataFrame, path: Path) -> str:
    frame.to_parquet(path)
    return str(path)


def test_postgres_compare_and_drift_equal_the_file(postgres_url: str, tmp_path: Path) -> None:
    """`compare postgresql://… --table T --split DATE|auto` and `drift postgresql://… --table
    T`, normalized and analysed in the server, equal the documents of the same table as a
    Parquet file read the usual way."""
    frame = typed(EVENT_LOGS / "one_stop_shop_rollout.csv")
    load_table(postgres_url, "rollout", frame.assign(event_no=range(len(frame))))
    parquet = parquet_of(frame, tmp_path / "rollout.parquet")
    table = [url_of(postgres_url), "--table", "rollout", "--order-by", "event_no"]
    for split in ("2025-04-14", "auto"):
        expected = command_document(["compare", parquet, "--split", split], tmp_path / "f")
        got = command_document(["compare", *table, "--split", split], tmp_path / "pg")
        assert_same(expected, got)
        assert got["before"]["cases"] > 0 and got["after"]["cases"] > 0
        assert got["split"]["straddling_cases"] > 0
    expected = command_document(["drift", parquet], tmp_path / "f")
    got = command_document(["drift", *table], tmp_path / "pg")
    assert_same(expected, got)
    assert got["change_points"]


def test_postgres_compare_of_two_tables(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sources in the database: `--table` (BEFORE) and `--after-table` or `--after-query`
    (AFTER), AFTER's URL left out or given, equal `compare` of the two Parquet files."""
    before = typed(EVENT_LOGS / "one_stop_shop_before.csv")
    after = typed(EVENT_LOGS / "one_stop_shop_after.csv")
    load_table(postgres_url, "before_t", before.assign(event_no=range(len(before))))
    load_table(postgres_url, "after_t", after.assign(event_no=range(len(after))))
    files = [parquet_of(before, tmp_path / "b.parquet"), parquet_of(after, tmp_path / "a.parquet")]
    expected = command_document(["compare", *files], tmp_path / "f")
    url = url_of(postgres_url)
    order = ["--order-by", "event_no"]
    for args in (
        [url, "--table", "before_t", "--after-table", "after_t", *order],
        [url, url, "--table", "before_t", "--after-table", "after_t", *order],
    ):
        assert_same(expected, command_document(["compare", *args], tmp_path / "pg"))
    by_query = [
        url, "--query", "SELECT * FROM before_t ORDER BY event_no",
        "--after-query", "SELECT * FROM after_t ORDER BY event_no",
    ]  # fmt: skip
    assert_same(expected, command_document(["compare", *by_query], tmp_path / "pg"))
    monkeypatch.chdir(tmp_path)  # the default folder is named by the tables
    args = ["compare", url, "--table", "before_t", "--after-table", "after_t", "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert (tmp_path / "reports/before_t_vs_after_t/comparison.json").is_file()


def test_compare_and_drift_refusals_are_one_line(postgres_url: str, tmp_path: Path) -> None:
    load_table(postgres_url, "small", typed(EVENT_LOGS / "one_stop_shop_before.csv").head(50))
    url = url_of(postgres_url)
    out = ["-o", str(tmp_path / "out")]
    secret = url.replace("bn@", "bn:s3cret@")
    cases = [
        (["drift", url], 2, "--table or --query"),
        (["drift", url, "--table", "nowhere"], 3, "cannot be read by the engine"),
        (
            ["compare", url, "--table", "small", "--split", "2025-01-01", "--deadline", "15d"],
            2,
            "--deadline and --causes",
        ),
        (
            ["compare", url, "--table", "small", "--after-table", "small", "--split", "auto"],
            2,
            "either two logs",
        ),
        (
            ["compare", url, "--table", "small", "--after-table", "s", "--after-query", "q"],
            2,
            "not both",
        ),
        (["compare", "a.parquet", "--after-table", "small"], 2, "from a database"),
        (["compare", url, secret, "--table", "small", "--after-table", "small"], 2, "PGPASSWORD"),
        (
            ["compare", url, "--table", "small", "--split", "auto", "--engine", "spark"],
            2,
            "leave out",
        ),
    ]
    for args, code, words in cases:
        result = CliRunner().invoke(cli, [*args, *out])
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert result.exit_code == code, (args, result.output)
        assert words in result.output and "Traceback" not in result.output, (args, result.output)
        assert "s3cret" not in result.output
    assert not (tmp_path / "out").exists()


def test_spark_compare_in_engine_equals_duckdb(spark_master: str, tmp_path: Path) -> None:
    """`compare PATH --in-engine --engine spark --split DATE`: Spark's Parquet reader,
    normalized and compared in Spark, gives DuckDB's `--in-engine` document (every 30th case
    of the rollout sample, 60 cases on both sides of the date: every Spark query is a job of
    its own)."""
    frame = typed(EVENT_LOGS / "one_stop_shop_rollout.csv")
    frame = frame[frame["ma_ho_so"].isin(frame["ma_ho_so"].unique()[::30])]
    parquet = parquet_of(frame, tmp_path / "small.parquet")
    args = ["compare", parquet, "--split", "2025-04-14", "--min-count", "5", "--in-engine"]
    expected = command_document(args, tmp_path / "duckdb")
    spark = ["--engine", "spark", "--spark-master", spark_master]
    got = command_document([*args, *spark], tmp_path / "spark")
    assert_same(expected, got)
    assert got["before"]["cases"] > 0 and got["after"]["cases"] > 0


def test_spark_reads_parquet_as_duckdb_does(spark_master: str, tmp_path: Path) -> None:
    """Spark's own Parquet reader (`--in-engine --engine spark`), normalized and analysed in
    Spark, equals DuckDB's `--in-engine` on the same file (the first 60 cases of a sample:
    every Spark query is a job of its own; flows are left to tests/test_engines.py)."""
    frame = typed(EVENT_LOGS / "one_stop_shop_after.csv")
    frame = frame[frame["ma_ho_so"].isin(frame["ma_ho_so"].unique()[:60])]
    parquet = tmp_path / "small.parquet"
    frame.to_parquet(parquet)
    expected = document([str(parquet), "--in-engine", "--no-flows"])
    spark = ["--engine", "spark", "--spark-master", spark_master]
    got = document([str(parquet), "--in-engine", "--no-flows", *spark])
    assert_same(expected, got)


def test_source_functions_spelled_per_engine() -> None:
    """The three DuckDB-only functions of reading a source, in each engine's spelling;
    inner calls translated first."""
    sql = (
        "SELECT CAST(epoch_us(timezone('Asia/Ho_Chi_Minh', CAST(t AS TIMESTAMP))) AS BIGINT), "
        "nfc_normalize(a), hash(a, b) FROM s"
    )
    pg = translate(sql, POSTGRES)
    assert "EXTRACT(EPOCH FROM (timezone('Asia/Ho_Chi_Minh', CAST(t AS TIMESTAMP))))" in pg
    assert "normalize(a, NFC)" in pg and "hashtextextended(CAST(ROW(a, b) AS TEXT), 0)" in pg
    spark = translate(sql, SPARK)
    assert "unix_micros(CAST((to_utc_timestamp(CAST(t AS TIMESTAMP_NTZ), 'Asia/Ho_Chi_Minh'))" in (
        spark
    )
    assert "xxhash64(a, b)" in spark and "nfc_normalize" not in spark


def test_postgres_epoch_is_exact_to_the_microsecond(postgres_url: str) -> None:
    """PostgreSQL's spelling of `epoch_us` on instants whose microseconds a double would
    round (far from 1970, odd microseconds)."""
    from bottleneck_finder.engine.postgres import PostgresEngine

    instants = ["2262-04-11 23:47:16.854775+00", "1900-01-01 00:00:00.000001+00",
                "2025-03-03 07:51:00.999999+07"]  # fmt: skip
    expected = [int(pd.Timestamp(i).value // 1000) for i in instants]
    engine = PostgresEngine(postgres_url)
    try:
        values = ", ".join(f"(CAST('{i}' AS TIMESTAMP WITH TIME ZONE))" for i in instants)
        got = engine.frame(
            f"SELECT CAST(epoch_us(t) AS BIGINT) AS us FROM (VALUES {values}) AS v(t)"
        )
    finally:
        engine.close()
    assert [int(v) for v in got["us"]] == expected


class NoNfcEngine(DuckDBEngine):
    """DuckDB spelling its SQL as an engine without an NFC function would (as Spark)."""

    dialect = replace(DUCKDB, sqlglot="duckdb", nfc="{x}", nfc_exact=False)

    def run_text(self, sql: str) -> str:
        return translate(sql, self.dialect)

    def materialize(self, name: str, sql: str) -> None:
        super().materialize(name, self.run_text(sql))

    def frame(self, sql: str) -> pd.DataFrame:
        return super().frame(self.run_text(sql))


def test_labels_not_in_nfc_are_refused_without_an_nfc_function(tmp_path: Path) -> None:
    """Where the engine cannot normalize labels, one that NFC would change is refused,
    named, rather than counted apart from its composed spelling."""
    path = tmp_path / "messy.parquet"
    messy().iloc[:4].to_parquet(path)
    with pytest.raises(InputError, match="1 label is not in Unicode NFC"):
        open_source(parquet_source(str(path)), LogColumns(**LIFECYCLE), engine=NoNfcEngine)
    messy().iloc[:2].to_parquet(path)  # composed labels only: read
    log, engine = open_source(
        parquet_source(str(path)), LogColumns(**LIFECYCLE), engine=NoNfcEngine
    )
    engine.close()
    assert log.catalog.events == 2
