"""Event-level relational work, written once in Ibis and run on DuckDB by default.

Every function here takes and returns Ibis table expressions; nothing is executed until the
analysis layer asks. The same expressions compile for other Ibis backends (PySpark is the
intended cluster engine), so nothing here may use backend-specific SQL.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import pandas as pd

_names = itertools.count()


def connect(backend: str = "duckdb") -> Any:
    """A fresh in-memory engine connection (DuckDB with all cores by default)."""
    import ibis

    if backend == "duckdb":
        return ibis.duckdb.connect(threads=os.cpu_count() or 1)
    return getattr(ibis, backend).connect()


def load_events(con: Any, events: pd.DataFrame) -> Any:
    """Register a canonical event DataFrame with the engine and return it as a table."""
    import ibis

    return con.create_table(f"events_{next(_names)}", obj=ibis.memtable(events), temp=True)


def materialize(con: Any, expr: Any, name: str) -> Any:
    """Compute `expr` once and keep the result in the engine for several later queries."""
    return con.create_table(f"{name}_{next(_names)}", obj=expr, temp=True)
