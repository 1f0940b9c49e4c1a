"""Delta tables read as their snapshot's Parquet files (delta-rs, no JVM) by DuckDB's and
Spark's own Parquet readers equal the same rows as one Parquet file; tables whose files do not
hold their rows as the table has them (partitions, deletion vectors) are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS
from .engines import spark_master  # noqa: F401  (the session's Spark fixture)
from .test_engine_sources import assert_same, command_document, document, typed

deltalake = pytest.importorskip("deltalake", reason="deltalake is not installed (.[dev])")


def delta_of(frame: pd.DataFrame, path: Path, parts: int = 1, **options: Any) -> str:
    """`frame` written as a Delta table at `path`, in `parts` appends (one file each)."""
    for chunk in range(parts):
        rows = frame.iloc[chunk * len(frame) // parts : (chunk + 1) * len(frame) // parts]
        deltalake.write_deltalake(str(path), rows.reset_index(drop=True), mode="append", **options)
    return str(path)


@pytest.mark.parametrize("parts", [1, 2])
def test_delta_analyze_equals_parquet(tmp_path: Path, parts: int) -> None:
    """`analyze TABLE` (a folder with `_delta_log/`) and `analyze delta:TABLE`, read by DuckDB
    in the engine, equal `analyze` of the same rows as one Parquet file; two appends make two
    files, read in the order they were added."""
    frame = typed(EVENT_LOGS / "one_stop_shop_before.csv")
    parquet = tmp_path / "log.parquet"
    frame.to_parquet(parquet)
    table = delta_of(frame, tmp_path / "table", parts)
    assert len(deltalake.DeltaTable(table).file_uris()) == parts
    expected = document([str(parquet), "--in-engine"])
    assert_same(expected, document([table]))
    assert_same(expected, document([f"delta:{table}", "--in-engine"]))
    assert expected == document([str(parquet)])  # the usual path


def test_delta_compare_equals_parquet(tmp_path: Path) -> None:
    """`compare TABLE --split DATE` of a table written in two appends equals the Parquet's."""
    frame = typed(EVENT_LOGS / "one_stop_shop_rollout.csv")
    parquet = tmp_path / "log.parquet"
    frame.to_parquet(parquet)
    table = delta_of(frame, tmp_path / "table", 2)
    args = ["--split", "2025-04-14", "--in-engine"]
    expected = command_document(["compare", str(parquet), *args], tmp_path / "p")
    got = command_document(["compare", table, *args], tmp_path / "d")
    assert_same(expected, got)
    assert got["before"]["cases"] > 0 and got["after"]["cases"] > 0


def test_spark_reads_delta_as_duckdb_does(spark_master: str, tmp_path: Path) -> None:  # noqa: F811
    """A table of two files (the first 60 cases of a sample) read by Spark's Parquet reader
    equals DuckDB's reading of it."""
    frame = typed(EVENT_LOGS / "one_stop_shop_after.csv")
    frame = frame[frame["ma_ho_so"].isin(frame["ma_ho_so"].unique()[:60])]
    table = delta_of(frame, tmp_path / "table", 2)
    expected = document([table, "--no-flows"])
    spark = ["--engine", "spark", "--spark-master", spark_master]
    assert_same(expected, document([table, "--no-flows", *spark]))


def refused(table: str) -> str:
    result = CliRunner().invoke(cli, ["analyze", table, "--json", "-q"])
    assert result.exit_code == 3, result.output
    (line,) = result.output.strip().splitlines()
    return line


def test_partitioned_and_deletion_vector_tables_refused(tmp_path: Path) -> None:
    """A partitioned table (values in the log, not the files) and a table whose protocol
    needs deletion vectors (its log rewritten by hand) are refused in one line, exit code 3."""
    frame = typed(EVENT_LOGS / "one_stop_shop_before.csv").head(50)
    parted = delta_of(frame, tmp_path / "parted", partition_by=["thu_tuc"])
    assert "partitioned by thu_tuc" in refused(parted)
    table = delta_of(frame, tmp_path / "dv")
    log = tmp_path / "dv" / "_delta_log" / "00000000000000000000.json"
    actions = [json.loads(line) for line in log.read_text().splitlines()]
    for action in actions:
        if "protocol" in action:
            action["protocol"] = {
                "minReaderVersion": 3,
                "minWriterVersion": 7,
                "readerFeatures": ["deletionVectors"],
                "writerFeatures": ["deletionVectors"],
            }
    log.write_text("\n".join(json.dumps(a) for a in actions) + "\n")
    assert "deletion vectors" in refused(table)


def test_rows_in_the_order_they_were_added(tmp_path: Path) -> None:
    """Three appends: the files in the order added (delta-rs 1.6 lists the last first), the
    source's row order is the rows' order as written."""
    from bottleneck_finder.engine import DuckDBEngine
    from bottleneck_finder.engine.delta import delta_files
    from bottleneck_finder.engine.origins import delta_source

    frame = pd.DataFrame({"n": range(30)})
    table = delta_of(frame, tmp_path / "table", 3)
    files = delta_files(f"delta:{table}")
    assert len(files) == 3
    assert [pd.read_parquet(f)["n"].iloc[0] for f in files] == [0, 10, 20]
    origin = delta_source(table, files, spark=False)
    engine = DuckDBEngine()
    try:
        got = engine.frame(f"SELECT n FROM {origin.relation} ORDER BY {origin.row_order}")
    finally:
        engine.close()
    assert got["n"].tolist() == list(range(30))
