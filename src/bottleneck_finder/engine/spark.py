"""Apache Spark as the engine, through PySpark: tables are temporary views of one Spark session.

One SparkSession per process (`local[*]` unless another master is given) with the session time
zone UTC; every engine session is a new Spark session on it (its own temporary views). Arrow
tables become DataFrames (`createDataFrame`), materialized tables are cached by a local
checkpoint, results come back by `toArrow`. Times stay integer microseconds and the file row
number is a column written at load, so neither Spark's whole-second epochs nor its unstable
row order reach a result. Queries are translated from DuckDB's SQL by `translate`.
"""

from __future__ import annotations

import os
from typing import Any

from . import SPARK, Engine

_root: dict[str, Any] = {}  # master -> the process's SparkSession on it


def spark_session(master: str = "local[*]") -> Any:
    """The process's SparkSession on `master`, started the first time it is asked for."""
    session = _root.get(master)
    if session is None:
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master(master)
            .appName("bottleneck")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        _root[master] = session
    return session


def stop_spark() -> None:
    """Stop the process's SparkSessions (the JVM goes with the last)."""
    for session in _root.values():
        session.stop()
    _root.clear()


class SparkEngine(Engine):
    """One Spark session (its own temporary views) on the process's SparkContext."""

    dialect = SPARK

    def __init__(self, master: str = "local[*]") -> None:
        super().__init__()
        self.spark: Any = spark_session(master).newSession()
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._frames: dict[str, Any] = {}

    def _bind(self, name: str, frame: Any) -> None:
        old = self._frames.pop(name, None)
        frame.createOrReplaceTempView(name)
        self._frames[name] = frame
        if old is not None:
            old.unpersist()

    def register(self, name: str, table: Any) -> None:
        self._materialized.discard(name)
        self._bind(name, self.spark.createDataFrame(table))
        self._registered[name] = None

    def read_files(self, name: str, kind: str, *paths: str) -> None:
        """Parquet rows are numbered by Spark's `_metadata.row_index` (each file's from 0, as
        DuckDB's `file_row_number`); CSV rows by their id, which grows with the place in the
        file, numbered once and kept (a local checkpoint). CSV values are read as text.
        Several Parquet files (a Delta table's) are told apart by their names (`bn_file`)."""
        from pyspark.sql import Window
        from pyspark.sql import functions as f

        path = paths[0]
        if len(paths) > 1:
            places = self.spark.createDataFrame(
                [(p.rstrip("/").rsplit("/", 1)[-1], i) for i, p in enumerate(paths)],
                "bn_name string, bn_file int",
            )
            frame = self.spark.read.option("mergeSchema", "true").parquet(*paths)
            name_of = f.element_at(f.split(f.col("_metadata.file_path"), "/"), -1)
            frame = frame.select(
                "*", f.col("_metadata.row_index").alias("bn_row"), name_of.alias("bn_name")
            )
            frame = frame.join(f.broadcast(places), "bn_name").drop("bn_name")
            self._materialized.discard(name)
            self._bind(name, frame)
            self._registered[name] = None
            return
        if kind == "csv":
            sep = "\t" if path.lower().endswith(".tsv") else ","
            frame = self.spark.read.options(header="true", sep=sep).csv(path)
            order = Window.orderBy(f.monotonically_increasing_id())
            frame = frame.withColumn("bn_row", f.row_number().over(order) - 1)
            frame = frame.localCheckpoint(eager=True)
        else:
            frame = self.spark.read.parquet(path)
            frame = frame.select("*", f.col("_metadata.row_index").alias("bn_row"))
        self._materialized.discard(name)
        self._bind(name, frame)
        self._registered[name] = None

    def drop(self, name: str) -> None:
        if not self.has_table(name):
            return
        self.spark.catalog.dropTempView(name)
        frame = self._frames.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self._registered.pop(name, None)
        self._materialized.discard(name)

    def materialize(self, name: str, sql: str) -> None:
        # computed now (eagerly), so a query may replace the view it reads
        frame = self.spark.sql(self.run_text(sql)).localCheckpoint(eager=True)
        self._registered.pop(name, None)
        self._bind(name, frame)
        self._materialized.add(name)

    def arrow(self, sql: str) -> Any:
        return self.spark.sql(self.run_text(sql)).toArrow()

    def close(self) -> None:
        for name in list(self._frames):
            self.drop(name)
