"""Event-level relational work: SQL over the event table, run by DuckDB, PostgreSQL or Spark.

The queries are written once, in DuckDB's SQL with window functions; the other engines run
them translated by sqlglot (`engine.translate`), and the few functions that sqlglot cannot
translate exactly (exact quantiles, bitmaps, as-of joins) come from `Dialect`. Labels reach
the engine as integer codes and times as integer microseconds, so every sort and grouping works
on integers. Nothing here touches files; results come back as pandas or Arrow.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

LIFECYCLE_START = 1
LIFECYCLE_COMPLETE = 0


@dataclass(frozen=True)
class Dialect:
    """How one engine spells the functions that are not standard SQL."""

    name: str
    quantiles: str  # format with {x} and {qs} (comma-separated fractions); returns a list
    item: str  # format with {list} and {i} (1-based)
    # exact count of distinct codes in 0..{last} by a bitmap per group (format with {x} and
    # {last}); None where the engine has no such aggregate
    bitmap_count: str | None = None
    # the sqlglot dialect the DuckDB text is translated to (None: run as written)
    sqlglot: str | None = None
    # as-of joins (the working clock), hashed grouping of lists (variants), arg_max
    asof_join: bool = False
    hashed_lists: bool = False
    # reading a source (`engine.source_sql`), format with {x} (and {zone}): Unicode NFC of a
    # text (`nfc_exact` False: the engine has none, the labels are checked in Python), integer
    # microseconds since 1970 of a TIMESTAMP WITH TIME ZONE, a 64-bit hash of a list of
    # values, a TIMESTAMP without zone read as wall time in {zone} (a quoted literal)
    nfc: str = "nfc_normalize({x})"
    nfc_exact: bool = True
    epoch_us: str = "epoch_us({x})"
    hash: str = "hash({x})"
    zoned: str = "timezone({zone}, {x})"


DUCKDB = Dialect(
    "duckdb",
    quantiles="quantile_cont({x}, [{qs}])",
    item="{list}[{i}]",
    bitmap_count="bit_count(bitstring_agg({x}, 0, {last}))",
    asof_join=True,
    hashed_lists=True,
)
# exact, linearly interpolated like DuckDB's quantile_cont: one sort per group for all fractions
POSTGRES = Dialect(
    "postgres",
    quantiles="percentile_cont(ARRAY[{qs}]) WITHIN GROUP (ORDER BY {x})",
    item="{list}[{i}]",
    sqlglot="postgres",
    nfc="normalize({x}, NFC)",
    # EXTRACT gives exact numeric seconds (PostgreSQL 14 and later): exact to the microsecond
    epoch_us="CAST(EXTRACT(EPOCH FROM {x}) * 1000000 AS BIGINT)",
    hash="hashtextextended(CAST(ROW({x}) AS TEXT), 0)",
)
# Spark has no NFC function: labels pass as they are and are checked in Python (`nfc_exact`)
SPARK = Dialect(
    "spark",
    quantiles="percentile({x}, array({qs}))",
    item="{list}[{i} - 1]",
    sqlglot="spark",
    nfc="{x}",
    nfc_exact=False,
    epoch_us="unix_micros(CAST({x} AS TIMESTAMP))",
    hash="xxhash64({x})",
    zoned="to_utc_timestamp({x}, {zone})",
)

EngineName = Literal["duckdb", "postgres", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "postgres", "spark")

BITMAP_BUDGET = 256 * 1024 * 1024  # bytes all bitmaps of one distinct count may take
MEMORY_SHARE = 0.6  # of the machine's memory, the default limit of each engine session


def machine_memory() -> int:
    """Bytes of physical memory of this machine (0 where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


@dataclass(frozen=True)
class Settings:
    """How engine sessions may use the machine: `memory_limit` bytes of working memory each
    (None: `MEMORY_SHARE` of the machine), beyond which they spill intermediate tables to
    files in `temp_dir` (None: a folder of this process in the system's temporary folder);
    `engine` runs the queries (`database`: PostgreSQL's libpq connection string, None for the
    PG* environment variables; `spark_master`: where Spark runs)."""

    memory_limit: int | None = None
    temp_dir: str | None = None
    engine: EngineName = "duckdb"
    # PostgreSQL: a libpq connection string or URL without password (None: the PG* variables)
    database: str | None = None
    spark_master: str = "local[*]"

    def limit(self) -> int | None:
        """The memory limit in bytes (None where the machine's memory is unknown)."""
        if self.memory_limit is not None:
            return self.memory_limit
        total = machine_memory()
        return int(total * MEMORY_SHARE) if total else None

    def folder(self) -> str:
        """The folder spilled tables go to."""
        import tempfile

        base = self.temp_dir or tempfile.gettempdir()
        return os.path.join(base, f"bottleneck-{os.getpid()}")


_settings = Settings()


def configure(settings: Settings) -> None:
    """Use `settings` for every engine session started from now on in this process."""
    global _settings
    _settings = settings


def current_settings() -> Settings:
    """The settings new engine sessions use (see `configure`)."""
    return _settings


class Engine:
    """One engine session: register tables, run queries, keep intermediate tables.

    The interface every engine implements (`DuckDBEngine`, `postgres.PostgresEngine`,
    `spark.SparkEngine`); queries are given in DuckDB's SQL and translated by `run_text`.
    """

    dialect: Dialect = DUCKDB
    in_process_steps: bool = False

    def __init__(self) -> None:
        self._registered: dict[str, Any] = {}
        self._materialized: set[str] = set()

    def run_text(self, sql: str) -> str:
        """`sql` (DuckDB's dialect) as this engine runs it."""
        from .translate import translate

        return translate(sql, self.dialect)

    def holds_in_process(self, rows: int, bytes_per_row: int) -> bool:
        """Whether a table of `rows` built in process (outside the engine's memory limit, so
        never spilled) stays within a third of that limit; larger tables are left to the
        engine, which spills to disk what does not fit."""
        limit = current_settings().limit()
        return limit is None or rows * bytes_per_row <= limit // 3

    def register(self, name: str, table: Any) -> None:
        """Make an Arrow table queryable as `name`, replacing a table of that name."""
        raise NotImplementedError

    def drop(self, name: str) -> None:
        """Forget the table `name` (registered or materialized) and release its memory."""
        raise NotImplementedError

    def materialize(self, name: str, sql: str) -> None:
        """Compute `sql` once into the temporary table `name` for several later queries,
        replacing a table of that name (a query may read the table it replaces)."""
        raise NotImplementedError

    def arrow(self, sql: str) -> Any:
        """Run a query and return its result as an Arrow table (large results, no pandas)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the engine's memory."""
        raise NotImplementedError

    def frame(self, sql: str) -> pd.DataFrame:
        """Run a query and return its (small) result as a DataFrame."""
        result: pd.DataFrame = self.arrow(sql).to_pandas()
        return result

    def arrays(self, sql: str) -> dict[str, np.ndarray]:
        """Run a query and return its columns as numpy arrays (nulls as NaN)."""
        table = self.arrow(sql)
        return {
            name: np.asarray(table.column(name).to_numpy(zero_copy_only=False))
            for name in table.column_names
        }

    def execute(self, statement: str) -> None:
        """Run a statement written in the engine's own SQL (a source's setup), untranslated."""
        self.frame(statement)

    def schema(self, relation: str) -> list[tuple[str, str]]:
        """The columns of the FROM item `relation` as (name, type text): Arrow's type names
        (`timestamp[us, tz=UTC]`, `string` …) unless the engine says otherwise."""
        table = self.arrow(f"SELECT * FROM {relation} AS bn_s LIMIT 0")
        return [(f.name, str(f.type)) for f in table.schema]

    def read_files(self, name: str, kind: str, *paths: str) -> None:
        """Make the files at `paths` (`kind` parquet or csv, read by the engine's own reader)
        queryable as `name`, with their row number in file order as the column `bn_row` (and,
        for several paths, the path's place among them as `bn_file`)."""
        from ..errors import EngineError

        raise EngineError(f"the {self.dialect.name} engine does not read files itself")

    def columns(self, name: str) -> list[str]:
        """The column names of the table `name`, in order."""
        return list(self.arrow(f"SELECT * FROM {name} LIMIT 0").column_names)

    def registered(self, name: str) -> Any | None:
        """The Arrow table registered as `name` and scanned in place (None when `name` is
        not one: materialized, unknown, or copied into an engine that runs elsewhere)."""
        return None

    def has_table(self, name: str) -> bool:
        """Whether `name` is registered or materialized in this session."""
        return name in self._registered or name in self._materialized

    def bitmap_count(self, column: str, codes: int, groups: int) -> str | None:
        """Select-list item: the exact number of distinct values of `column` (integer codes
        0..codes-1) per group by one bitmap per group, when the engine has such an aggregate
        and the bitmaps of `groups` groups on every thread fit `BITMAP_BUDGET`; else None."""
        threads = os.cpu_count() or 1
        if self.dialect.bitmap_count is None or codes < 1:
            return None
        if (codes + 7) // 8 * groups * threads > BITMAP_BUDGET:
            return None
        return self.dialect.bitmap_count.format(x=column, last=codes - 1)

    def quantiles(self, column: str, fractions: dict[str, float], prefix: str) -> str:
        """Select-list items `{prefix}_{name}_us`: exact, linearly interpolated quantiles.

        All fractions of one column come from one list-valued aggregate (one sort per group),
        written in DuckDB's SQL; `translate` spells it in the engine's `Dialect`.
        """
        qs = ", ".join(repr(q) for q in fractions.values())
        lst = DUCKDB.quantiles.format(x=column, qs=qs)
        return ", ".join(
            f"{DUCKDB.item.format(list=f'({lst})', i=i + 1)} AS {prefix}_{name}_us"
            for i, name in enumerate(fractions)
        )


class DuckDBEngine(Engine):
    """Embedded DuckDB in this process: Arrow tables are scanned in place, not copied."""

    def __init__(self, *, in_process_steps: bool = True) -> None:
        """`in_process_steps`: let `in_process.register_steps` build the step table with numpy
        where the file order allows (off: always the SQL window, as a cluster engine would)."""
        import duckdb

        super().__init__()
        self.in_process_steps = in_process_steps
        self.con: Any = duckdb.connect(":memory:")
        self.con.execute(f"SET threads = {os.cpu_count() or 1}")
        self.con.execute("SET preserve_insertion_order = false")
        settings = current_settings()
        limit = settings.limit()
        if limit is not None:
            self.con.execute(f"SET memory_limit = '{max(limit // 1024, 1)}KiB'")
        folder = settings.folder().replace("'", "''")
        self.con.execute(f"SET temp_directory = '{folder}'")

    def run_text(self, sql: str) -> str:
        return sql

    def register(self, name: str, table: Any) -> None:
        if name in self._materialized:
            self.con.execute(f"DROP TABLE {name}")
            self._materialized.discard(name)
        self.con.register(name, table)
        self._registered[name] = table

    def drop(self, name: str) -> None:
        if name in self._registered:
            self.con.unregister(name)
            del self._registered[name]
        elif name in self._materialized:
            self.con.execute(f"DROP TABLE {name}")
            self._materialized.discard(name)

    def materialize(self, name: str, sql: str) -> None:
        if name in self._registered:
            scratch = f"{name}__new"
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {scratch} AS {sql}")
            self.con.unregister(name)
            del self._registered[name]
            self.con.execute(f"ALTER TABLE {scratch} RENAME TO {name}")
        else:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        self._materialized.add(name)

    def registered(self, name: str) -> Any | None:
        return self._registered.get(name)

    def arrow(self, sql: str) -> Any:
        return self.con.sql(sql).to_arrow_table()

    def frame(self, sql: str) -> pd.DataFrame:
        result: pd.DataFrame = self.con.execute(sql).fetch_df()
        return result

    def arrays(self, sql: str) -> dict[str, np.ndarray]:
        result: dict[str, Any] = self.con.execute(sql).fetchnumpy()
        return {k: np.asarray(v) for k, v in result.items()}

    def close(self) -> None:
        self.con.close()


def new_engine() -> Engine:
    """A new session of the engine chosen by `configure` (DuckDB unless told otherwise).

    Raises `EngineError` where the engine's client library is missing or its server cannot
    be reached (the message names neither a password nor the connection string)."""
    from ..errors import EngineError

    settings = current_settings()
    if settings.engine == "duckdb":
        return DuckDBEngine()
    package = {"postgres": "psycopg", "spark": "pyspark"}[settings.engine]
    try:
        if settings.engine == "postgres":
            from .postgres import PostgresEngine

            return PostgresEngine(settings.database)
        from .spark import SparkEngine

        return SparkEngine(settings.spark_master)
    except ImportError as exc:
        raise EngineError(
            f"--engine {settings.engine} needs the Python package {package}: "
            f"pip install 'bottleneck-finder[{settings.engine}]'"
        ) from exc
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in (package, "py4j"):
            raise
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise EngineError(f"--engine {settings.engine}: cannot connect: {reason}") from exc


def _codes(column: pd.Series) -> Any:
    """A categorical column as Arrow int32 codes, null where missing."""
    import pyarrow as pa

    codes = np.asarray(column.cat.codes.to_numpy(), dtype=np.int32)
    missing = codes < 0
    return pa.array(codes, mask=missing) if missing.any() else pa.array(codes)


def event_table(events: pd.DataFrame) -> Any:
    """The engine's view of `EventLog.events`: labels as integer codes, times as integers.

    Columns: `case_id`, `activity`, `resource_id`, `group_id` (int32 codes, null where
    missing), `start_us`, `end_us`, `lifecycle` (1 start, 0 complete), `row_no`. The analysis
    maps codes back to labels with `events[column].cat.categories`.
    """
    import pyarrow as pa

    lifecycle = events["lifecycle"]
    lifecycle_codes = lifecycle.cat.codes.to_numpy()
    categories = list(lifecycle.cat.categories)
    start_code = categories.index("start") if "start" in categories else -2
    start = events["start_us"]
    return pa.table(
        {
            "case_id": _codes(events["case"]),
            "activity": _codes(events["activity"]),
            "resource_id": _codes(events["resource"]),
            "group_id": _codes(events["group"]),
            "start_us": pa.array(
                start.to_numpy(dtype="int64", na_value=0), mask=start.isna().to_numpy()
            ),
            "end_us": pa.array(events["end_us"].to_numpy(dtype="int64")),
            "lifecycle": pa.array(
                (lifecycle_codes == start_code).astype("int8"), mask=lifecycle_codes < 0
            ),
            "row_no": pa.array(events["row"].to_numpy(dtype="int64")),
        }
    )
