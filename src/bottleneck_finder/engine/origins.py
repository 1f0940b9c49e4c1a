"""Where a log read in the engine lives: Parquet, a DuckDB or PostgreSQL table or query, files."""

from __future__ import annotations

from dataclasses import replace

from ..model import EngineSource

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".txt", ".csv.bz2")


def quote(name: str) -> str:
    """A column or table name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A text as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def table_name(table: str) -> str:
    """`table` or `schema.table` as a quoted SQL name."""
    return ".".join(quote(part) for part in table.split("."))


def parquet_source(path: str) -> EngineSource:
    """A Parquet file (or glob) read by DuckDB, its rows numbered in file order (each file's
    from 0)."""
    return EngineSource(
        relation=f"read_parquet({literal(path)}, file_row_number = true)",
        label=path,
        setup=("SET TimeZone = 'UTC'",),
        row_order="file_row_number",
        hidden=("file_row_number",),
    )


def delta_source(path: str, files: list[str], *, spark: bool) -> EngineSource:
    """The Parquet `files` of a Delta table (`delta.delta_files`) read by the engine's own
    reader (DuckDB's `read_parquet`, Spark's), rows in file order then row index in the file."""
    if spark and len(files) == 1:
        return replace(spark_source(files[0]), label=path, files=("parquet", files[0]))
    if spark:
        return EngineSource(
            relation="bn_file",
            label=path,
            row_order="bn_file, bn_row",
            hidden=("bn_file", "bn_row"),
            numbered=False,
            files=("parquet", *files),
        )
    if len(files) == 1:
        return replace(parquet_source(files[0]), label=path)
    names = ", ".join(literal(f) for f in files)
    order = " ".join(f"WHEN {literal(f)} THEN {i}" for i, f in enumerate(files))
    return EngineSource(
        relation=f"read_parquet([{names}], file_row_number = true, filename = true, "
        "union_by_name = true)",
        label=path,
        setup=("SET TimeZone = 'UTC'",),
        row_order=f"CASE filename {order} END, file_row_number",
        hidden=("file_row_number", "filename"),
        numbered=False,
    )


def database_source(path: str, *, table: str | None, query: str | None) -> EngineSource:
    """A table (in its stored order) or a query (in the order it returns) of a DuckDB database
    file, attached read-only."""
    setup = (
        "SET TimeZone = 'UTC'",
        f"ATTACH {literal(path)} AS bn_source (READ_ONLY)",
        "USE bn_source",
    )
    if query is not None:
        return EngineSource(relation=f"({query})", label=path, setup=setup)
    assert table is not None
    return EngineSource(
        relation=table_name(table), label=f"{path}:{table}", setup=setup, row_order="rowid"
    )


def postgres_source(
    label: str, *, table: str | None, query: str | None, order_by: str | None = None
) -> EngineSource:
    """A table or a query of the PostgreSQL database the session is connected to (`label`:
    the URL as given, without password). A query's rows are read in the order it returns
    them (give ORDER BY); a table has no order of its own (not even as loaded: COPY fills
    free space of earlier pages), so its rows are read in the order of `order_by` (an ORDER
    BY list of its columns, e.g. an event number), else by case and time, simultaneous
    events of a case by their other columns read."""
    if query is not None:  # a view, so that the query is run in PostgreSQL's SQL as given
        setup = (f"CREATE OR REPLACE TEMP VIEW bn_query AS {query}",)
        return EngineSource(relation="bn_query", label=label, setup=setup)
    assert table is not None
    return EngineSource(
        relation=table_name(table),
        label=f"{label}:{table}",
        row_order=order_by,
        numbered=False,
        unordered=order_by is None,
    )


def file_kind(path: str) -> str:
    """`csv` for a path named like text files, else `parquet`."""
    return "csv" if path.lower().rstrip("/").endswith(CSV_SUFFIXES) else "parquet"


def spark_source(path: str) -> EngineSource:
    """Parquet or CSV files (a file, a folder, a glob; any file system Spark reads: HDFS, S3,
    local) read by Spark's own reader, their rows numbered in file order as `bn_row`."""
    return EngineSource(
        relation="bn_file",
        label=path,
        row_order="bn_row",
        hidden=("bn_row",),
        files=(file_kind(path), path),
    )
