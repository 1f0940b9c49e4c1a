"""Pseudonymized copies of logs: identifiers replaced by keyed hashes (HMAC-SHA256), times kept.

The same secret key maps the same person or dossier to the same pseudonym in every export, so
a consultant can follow them across files without learning who they are; without the key the
pseudonyms cannot be reversed or recomputed from guessed names.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import math
import os
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pandas as pd

from .columns import LogColumns, resolve_columns
from .errors import BottleneckError, ColumnError, EmptyLogError, OutputError
from .io.read import RawLog

KEY_ENV = "BOTTLENECK_KEY"
MIN_KEY_CHARS = 16
DIGEST_CHARS = 16  # 64 bits: no collision among 10^7 values in practice (checked anyway)
PREFIXES = {"case": "case", "resource": "res"}
OTHER_UNITS = "unit-other"
"""What a unit too small to hide its officers is renamed to in a shared log."""


class KeyMissingError(BottleneckError):
    """No secret key was given, or the key is too short or unreadable."""

    exit_code = 2


class PseudonymCollisionError(BottleneckError):
    """Two different values received the same pseudonym (practically impossible)."""

    exit_code = 1


def read_key(key_file: Path | None, environ: Mapping[str, str]) -> bytes:
    """The secret key from `key_file`, else from $BOTTLENECK_KEY; refuses short or missing keys."""
    if key_file is not None:
        try:
            text = key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyMissingError(
                f"cannot read the key file ({exc})",
                fix="give the file that --new-key wrote, or set BOTTLENECK_KEY",
                source=str(key_file),
            ) from exc
        where = str(key_file)
    elif environ.get(KEY_ENV):
        text, where = environ[KEY_ENV].strip(), f"${KEY_ENV}"
    else:
        raise KeyMissingError(
            "no secret key: pseudonyms need a key that you keep",
            fix="pass --key-file FILE, set BOTTLENECK_KEY, or make one with --new-key FILE",
        )
    if len(text) < MIN_KEY_CHARS:
        raise KeyMissingError(
            f"the key is too short ({len(text)} characters, at least {MIN_KEY_CHARS} needed)",
            fix="make a strong key with --new-key FILE",
            source=where,
        )
    return text.encode("utf-8")


def new_key() -> str:
    """A fresh random secret key (256 bits, hexadecimal)."""
    return secrets.token_hex(32)


def save_new_key(path: Path, key: str) -> None:
    """Store a new key readable by its owner only; an existing file is never replaced."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise OutputError(
            "the key file already exists and is not replaced",
            fix="reuse it with --key-file, or name a new file",
            source=str(path),
        ) from exc
    except OSError as exc:
        raise OutputError(f"cannot write the key file ({exc.strerror})", source=str(path)) from exc
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(key + "\n")


def _text(value: Any) -> str | None:
    """The value as text for hashing (NFC, trimmed), or None when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def pseudonym(key: bytes, value: str, prefix: str) -> str:
    """The keyed pseudonym of `value`: `prefix-` and 16 hex digits of HMAC-SHA256."""
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:DIGEST_CHARS]}"


@dataclass(frozen=True)
class Anonymized:
    """A pseudonymized table and what was done: column -> distinct values replaced, the units
    merged into `OTHER_UNITS` for having fewer officers than the minimum."""

    table: pd.DataFrame
    replaced: dict[str, int]
    dropped: tuple[str, ...]
    case_column: str
    merged_units: int = 0
    unit_column: str | None = None


def pseudonymize_column(values: pd.Series, key: bytes, prefix: str, column: str) -> pd.Series:
    """Every non-missing value replaced by its pseudonym; each distinct value hashed once."""
    texts = values.map(_text)
    distinct = pd.unique(texts.dropna())
    mapping = {v: pseudonym(key, v, prefix) for v in distinct}
    if len(set(mapping.values())) != len(mapping):
        raise PseudonymCollisionError(
            f"two values of column '{column}' received the same pseudonym",
            fix="run again with another key",
        )
    out = texts.map(mapping)
    return out.astype("object").where(texts.notna(), None)


def merge_small_units(units: pd.Series, officers: pd.Series, k: int) -> tuple[pd.Series, int]:
    """`units` with every unit of fewer than `k` distinct officers renamed `OTHER_UNITS` (a unit
    of one officer names that officer, pseudonym or not), and how many units were merged."""
    texts, people = units.map(_text), officers.map(_text)
    size = pd.DataFrame({"unit": texts, "who": people}).dropna().groupby("unit")["who"].nunique()
    small = set(size[size < k].index)
    if not small:
        return units, 0
    merged = units.astype("object").where(~texts.isin(small), OTHER_UNITS)
    return merged, len(small)


def anonymize_table(
    raw: RawLog,
    key: bytes,
    given: LogColumns,
    *,
    also: Sequence[str] = (),
    drop: Sequence[str] = (),
    min_unit_size: int = 3,
) -> Anonymized:
    """The raw log with case ids, resources and the `also` columns pseudonymized, units of fewer
    than `min_unit_size` officers merged, and the `drop` columns removed; times, activities and
    other columns are kept as read."""
    table = raw.table
    if table.empty:
        raise EmptyLogError("the log has no events", fix="check the export", source=raw.source)
    names = [str(c) for c in table.columns]
    for column in (*also, *drop):
        if column not in names:
            raise ColumnError(
                f"column '{column}' is not in the log (columns found: {', '.join(names[:25])})",
                fix="check the spelling of --pseudonymize / --drop",
                source=raw.source,
            )
    roles = resolve_columns(names, given, source=raw.source)
    chosen: dict[str, str] = {}
    if roles.case in drop:
        raise ColumnError(
            f"the case column '{roles.case}' cannot be dropped",
            fix="it is pseudonymized anyway; remove it from --drop",
            source=raw.source,
        )
    if roles.case:
        chosen[roles.case] = PREFIXES["case"]
    if roles.resource:
        chosen[roles.resource] = PREFIXES["resource"]
    for column in also:
        chosen.setdefault(column, "id")
    out = table.drop(columns=list(drop)).copy()
    merged = 0
    unit = roles.group if roles.group not in drop else None
    if unit and roles.resource and min_unit_size > 1:
        out[unit], merged = merge_small_units(table[unit], table[roles.resource], min_unit_size)
    replaced: dict[str, int] = {}
    for column, prefix in chosen.items():
        if column in drop:
            continue
        source = out[column] if column == unit else table[column]
        out[column] = pseudonymize_column(source, key, prefix, column)
        replaced[column] = int(out[column].nunique(dropna=True))
    return Anonymized(
        table=out,
        replaced=replaced,
        dropped=tuple(drop),
        case_column=str(roles.case),
        merged_units=merged,
        unit_column=unit,
    )


def to_csv_bytes(table: pd.DataFrame, delimiter: str | None) -> bytes:
    """CSV text (UTF-8, the input's delimiter) of a table whose values are text."""
    return table.to_csv(index=False, sep=delimiter or ",", na_rep="").encode("utf-8")


def to_parquet_bytes(table: pd.DataFrame) -> bytes:
    """A Parquet file of the table, in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), buffer)
    return buffer.getvalue()


def _xes_attribute(key: str, value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        kind, text = "boolean", "true" if value else "false"
    elif isinstance(value, int):
        kind, text = "int", str(value)
    elif isinstance(value, float):
        kind, text = "float", repr(value)
    elif key.startswith("time:"):
        kind, text = "date", str(value)
    else:
        kind, text = "string", str(value)
    return f"<{kind} key={quoteattr(key)} value={quoteattr(text)}/>"


def to_xes_bytes(table: pd.DataFrame, case_column: str, *, gzipped: bool) -> bytes:
    """An XES document: one trace per case (its `case:` columns as trace attributes), events
    in file order."""
    trace_columns = [c for c in table.columns if str(c).startswith("case:")]
    event_columns = [c for c in table.columns if not str(c).startswith("case:")]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<log xes.version="1.0" xes.features="nested-attributes">',
        '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
        '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
        '  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
        '  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>',
    ]
    records = table.to_dict(orient="records")
    order: dict[Any, list[int]] = {}
    for i, row in enumerate(records):
        order.setdefault(row[case_column], []).append(i)
    for rows in order.values():
        lines.append("  <trace>")
        first = records[rows[0]]
        for column in trace_columns:
            attr = _xes_attribute(str(column)[5:], first[column])
            if attr:
                lines.append(f"    {attr}")
        for i in rows:
            lines.append("    <event>")
            for column in event_columns:
                attr = _xes_attribute(str(column), records[i][column])
                if attr:
                    lines.append(f"      {attr}")
            lines.append("    </event>")
        lines.append("  </trace>")
    lines.append("</log>")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return gzip.compress(data, mtime=0) if gzipped else data


def encode(result: Anonymized, raw: RawLog, output: Path) -> bytes:
    """The pseudonymized log in the input's format."""
    if raw.format == "parquet":
        return to_parquet_bytes(result.table)
    if raw.format == "xes":
        return to_xes_bytes(
            result.table, result.case_column, gzipped=output.name.lower().endswith(".gz")
        )
    data = to_csv_bytes(result.table, raw.delimiter)
    return gzip.compress(data, mtime=0) if output.name.lower().endswith(".gz") else data


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (the output must never replace the input)."""
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False
