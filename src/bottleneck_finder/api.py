"""The Python API: read, normalize and analyze a log in one call, as the CLI does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .analysis.analyze import analyze
from .columns import LogColumns, resolve_columns
from .io.read import RawLog, from_dataframe, read_log
from .model import Analysis, EventLog
from .normalize import NormalizeOptions, normalize


def read_raw(
    source: str | Path | pd.DataFrame,
    columns: LogColumns,
    options: NormalizeOptions,
    *,
    encoding: str | None = None,
) -> RawLog:
    """The raw table of a path or DataFrame, loading only needed columns where the format allows."""
    if isinstance(source, pd.DataFrame):
        return from_dataframe(source)

    def select(names: Sequence[str]) -> Sequence[str]:
        if options.milestones:
            return names
        return [c for _, c in resolve_columns(names, columns, source=str(source)).items()]

    return read_log(source, encoding=encoding, select=select)


def load_log(
    source: str | Path | pd.DataFrame,
    columns: LogColumns | None = None,
    *,
    options: NormalizeOptions | None = None,
    encoding: str | None = None,
) -> EventLog:
    """Read and normalize a log; a caller's DataFrame is never modified."""
    columns = columns or LogColumns()
    options = options or NormalizeOptions()
    raw = read_raw(source, columns, options, encoding=encoding)
    return normalize(raw, columns, options)


def analyze_log(
    source: str | Path | pd.DataFrame,
    columns: LogColumns | None = None,
    *,
    options: NormalizeOptions | None = None,
    encoding: str | None = None,
    top: int | None = 10,
) -> Analysis:
    """Analyze a log file or DataFrame: the same `Analysis` that `bottleneck analyze` writes."""
    return analyze(load_log(source, columns, options=options, encoding=encoding), top=top)
