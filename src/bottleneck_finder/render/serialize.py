"""Documents as files: JSON values cleaned of numpy and NaN, stable JSON text, CSV tables."""

from __future__ import annotations

import csv
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP CSV injection)."""


def neutralize(value: Any) -> Any:
    """A text cell starting like a formula, prefixed by a single quote (OWASP's rule); anything
    else (numbers included, negative ones too) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """A result table as CSV text with full-precision floats; text cells that a spreadsheet
    would run as a formula are neutralized (`neutralize`)."""
    text_columns = [
        c
        for c in frame.columns
        if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))
    ]
    risky = [c for c in text_columns if any(_is_formula(v) for v in frame[c].tolist())]
    if risky:
        frame = frame.copy()
        for c in risky:
            frame[c] = pd.Series(
                [neutralize(v) for v in frame[c].tolist()], index=frame.index, dtype=object
            )
    # The writer quotes a "\n" but not a lone "\r", which a reader takes for a line break.
    lone_cr = any(isinstance(v, str) and "\r" in v for c in text_columns for v in frame[c].tolist())
    text = frame.to_csv(
        index=False,
        lineterminator="\n",
        float_format="%.6f",
        quoting=csv.QUOTE_NONNUMERIC if lone_cr else csv.QUOTE_MINIMAL,
    )
    return str(text)


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)
