"""The Python API: read, normalize and analyze a log in one call, as the CLI does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .analysis.analyze import analyze
from .columns import LogColumns
from .io.read import RawLog, from_dataframe, read_log
from .model import Analysis, EventLog
from .normalize import NormalizeOptions, normalize, resolve_for


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
        probe = RawLog(table=pd.DataFrame(columns=list(names)), source=str(source), format="csv")
        return [c for _, c in resolve_for(probe, columns, options).items()]

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
