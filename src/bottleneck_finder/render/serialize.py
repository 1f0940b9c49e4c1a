"""Documents as files: JSON values cleaned of numpy and NaN, stable JSON text, CSV tables."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd


def clean(value: Any) -> Any:
    """A value as JSON holds it: numpy scalars as Python numbers, NaN and NA as None."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):
        return clean(value.item())
    if value is pd.NA:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as JSON objects (values through `clean`)."""
    return [{str(k): clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _pretty(value: Any, depth: int) -> str:
    """Objects indented by two spaces a level; a list of records one record per line."""
    pad, end = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict) and value:
        items = (
            f"{pad}{_ENCODER.encode(str(k))}: {_pretty(v, depth + 1)}" for k, v in value.items()
        )
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list) and value and all(isinstance(v, dict | list) for v in value):
        return "[\n" + ",\n".join(pad + _ENCODER.encode(v) for v in value) + "\n" + end + "]"
    return _ENCODER.encode(value)


def to_json(document: dict[str, Any]) -> str:
    """Stable, human-diffable JSON text (keys in the order built, UTF-8 kept): objects
    indented, and each row of a table on one line, encoded by the C encoder (a 10^5-event log
    has tens of thousands of rows, which an indenting dump writes several times slower)."""
    return _pretty(document, 0) + "\n"


def to_csv(frame: pd.DataFrame) -> str:
    """A result table as CSV text with full-precision floats."""
    return str(frame.to_csv(index=False, lineterminator="\n", float_format="%.6f"))
