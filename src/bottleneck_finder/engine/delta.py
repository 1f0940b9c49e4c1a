"""Delta tables as Parquet files: the current snapshot's data files, read by the engine's reader.

Through `deltalake` (delta-rs, no JVM): the table's log gives the Parquet files of its current
snapshot, in the order they were added (the add actions' modification time, which delta-rs sets
at commit; the snapshot's order among equal times); their rows are read by the engine's own
Parquet reader, file after file, each by its row index. Features that change what a file's rows
mean are refused: deletion vectors (rows deleted outside the file), column mapping (physical
column names other than the schema's), partition columns (values kept in the log, not the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import EmptyLogError, EngineError, InputFileError

DELTA_PREFIX = "delta:"
# reader features that leave each data file's rows and column names as the table's
SAFE_FEATURES = frozenset({"timestampNtz", "vacuumProtocolCheck", "v2Checkpoint"})


def is_delta(text: str) -> bool:
    """Whether `text` names a Delta table: `delta:PATH`, or a local folder with `_delta_log/`."""
    if text.startswith(DELTA_PREFIX):
        return True
    return "://" not in text and (Path(text) / "_delta_log").is_dir()


def refusal(reader_version: int, features: list[str] | None, metadata: Any) -> str | None:
    """Why a table with this protocol and metadata cannot be read file by file (None: it can)."""
    mode = (metadata.configuration or {}).get("delta.columnMapping.mode", "none")
    unsafe = sorted(set(features or ()) - SAFE_FEATURES)
    if "deletionVectors" in unsafe:
        return "it has deletion vectors (rows deleted outside its files)"
    if "columnMapping" in unsafe or mode != "none" or reader_version == 2:
        return "it uses column mapping (column names in its files other than the table's)"
    if unsafe:
        return "it needs reader features " + ", ".join(unsafe)
    if reader_version > 3:
        return f"it needs Delta reader version {reader_version}"
    if metadata.partition_columns:
        columns = ", ".join(metadata.partition_columns)
        return f"it is partitioned by {columns} (values kept in its log, not its files)"
    return None


def delta_files(text: str) -> list[str]:
    """The Parquet files (URIs) of the current snapshot of the Delta table `text` (a path or
    `delta:PATH`), in the order they were added."""
    path = text.removeprefix(DELTA_PREFIX)
    try:
        from deltalake import DeltaTable
    except ImportError as exc:
        raise EngineError(
            "Delta tables are read through the deltalake package",
            fix="pip install 'bottleneck-finder[delta]'",
        ) from exc
    try:
        table = DeltaTable(path)
    except Exception as exc:  # delta-rs's own error: no table, no log, unreadable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(
            f"cannot be read as a Delta table ({first})",
            fix="check the path",
            source=text,
        ) from exc
    protocol = table.protocol()
    why = refusal(protocol.min_reader_version, protocol.reader_features, table.metadata())
    if why is not None:
        raise InputFileError(
            f"this Delta table cannot be read file by file: {why}",
            fix="write it without that feature, or export it to Parquet",
            source=text,
        )
    uris = table.file_uris()
    if not uris:
        raise EmptyLogError("the Delta table has no data files", source=text)
    import pyarrow as pa

    adds = pa.table(table.get_add_actions(flatten=True))
    paths, added = adds["path"].to_pylist(), adds["modification_time"].to_pylist()
    same = len(paths) == len(uris) and all(
        u.endswith((p, unquote(p))) for u, p in zip(uris, paths, strict=True)
    )
    if not same:  # not seen: the snapshot's order
        return list(uris)
    order = sorted(range(len(uris)), key=lambda i: added[i])  # stable: snapshot order in ties
    return [uris[i] for i in order]
