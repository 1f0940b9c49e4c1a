"""A streaming, entity-refusing XES (IEEE 1849) reader that yields a flat event table, and the
rule that keeps traces sharing a case id apart (each XES trace is one case)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

import numpy as np
import pandas as pd

_TYPED = {"string", "date", "int", "float", "boolean", "id"}


class UnsafeXmlError(Exception):
    """The document declares a DTD or entities, which an event log never needs."""


class XesStructureError(Exception):
    """The document is well-formed XML but not an XES log."""


def _convert(kind: str, value: str) -> Any:
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "float":
        try:
            return float(value)
        except ValueError:
            return value
    if kind == "boolean":
        return value.strip().lower() == "true"
    return value


def parse_xes(chunks: Iterable[bytes]) -> pd.DataFrame:
    """Parse XES bytes into one row per event, trace attributes prefixed with `case:`."""
    return parse_xes_traces(chunks)[0]


def parse_xes_traces(chunks: Iterable[bytes]) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse XES bytes into one row per event, trace attributes prefixed with `case:`, and
    each row's trace (0-based, in document order; int64).

    Dates stay as their ISO-8601 text (time zones are resolved during normalization); `int`,
    `float` and `boolean` values are converted. DOCTYPE and entity declarations are refused
    before anything is expanded, so hostile documents fail fast in bounded memory. Nested
    (list/container) attributes and `<global>` defaults are skipped.
    """
    rows: list[dict[str, Any]] = []
    trace_of_row: list[int] = []
    traces = 0
    trace_attrs: dict[str, Any] = {}
    event: dict[str, Any] | None = None
    in_trace = False
    skip_depth = 0  # >0 while inside <global>, <classifier> or a nested attribute
    attr_depth = 0  # depth of typed attribute elements we are inside
    seen_log = False

    def refuse(*_args: object) -> int:
        raise UnsafeXmlError("the XML declares a DTD or entities")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal event, in_trace, skip_depth, attr_depth, seen_log, traces
        if skip_depth:
            skip_depth += 1
            return
        if name == "log":
            seen_log = True
            return
        if name == "trace":
            in_trace = True
            trace_attrs.clear()
            traces += 1
            return
        if name == "event":
            event = {}
            return
        if name in _TYPED:
            attr_depth += 1
            if attr_depth > 1:  # meta-attribute of an attribute: skip
                return
            key = attrs.get("key")
            value = attrs.get("value")
            if key is None or value is None:
                return
            converted = _convert(name, value)
            if event is not None:
                event[key] = converted
            elif in_trace:
                trace_attrs["case:" + key] = converted
            return
        # <global>, <extension>, <classifier>, <list>, <container>: skip the whole subtree
        skip_depth = 1

    def end(name: str) -> None:
        nonlocal event, in_trace, skip_depth, attr_depth
        if skip_depth:
            skip_depth -= 1
            return
        if name in _TYPED:
            attr_depth -= 1
        elif name == "event" and event is not None:
            if in_trace:
                row = dict(trace_attrs)
                row.update(event)
                rows.append(row)
                trace_of_row.append(traces - 1)
            event = None
        elif name == "trace":
            in_trace = False

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.buffer_text = True
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    if not seen_log:
        raise XesStructureError("the XML has no <log> element")
    return pd.DataFrame(rows), np.asarray(trace_of_row, dtype=np.int64)


TRACE_CASE = "case:concept:name"
"""The XES column whose value names a trace: the case id that traces are keyed apart on."""


@dataclass(frozen=True)
class TraceKeys:
    """Case codes after keying repeated traces apart, and what that did."""

    codes: np.ndarray
    categories: list[str]
    repeated_ids: int
    renamed: int
    examples: tuple[str, ...]


def key_traces_apart(codes: np.ndarray, categories: list[str], trace: np.ndarray) -> TraceKeys:
    """Give every trace its own case: the first trace with an id keeps it, the n-th (n ≥ 2)
    becomes `<id>#n`; should that name already be a case id of the log, `#` is doubled until
    it is not (`<id>##n`, …). `codes` are the rows' case codes into `categories` (-1: missing,
    left as is); `trace` is each row's trace number, non-decreasing in row order."""
    if not len(codes):
        return TraceKeys(codes, categories, 0, 0, ())
    first = np.flatnonzero(np.r_[True, trace[1:] != trace[:-1]])
    of_row = np.cumsum(np.r_[False, trace[1:] != trace[:-1]])
    trace_code = codes[first]
    known = trace_code >= 0
    ordinal = np.zeros(len(first), np.int64)
    ordinal[known] = pd.Series(trace_code[known]).groupby(trace_code[known]).cumcount().to_numpy()
    again = np.flatnonzero(ordinal > 0)
    if not len(again):
        return TraceKeys(codes, categories, 0, 0, ())
    used = set(categories)
    names = list(categories)
    new_code = trace_code.copy()
    for t in again:
        base, n = categories[int(trace_code[t])], int(ordinal[t]) + 1
        mark = "#"
        while f"{base}{mark}{n}" in used:
            mark += "#"
        name = f"{base}{mark}{n}"
        used.add(name)
        new_code[t] = len(names)
        names.append(name)
    repeated = np.unique(trace_code[again])
    examples = tuple(categories[int(c)] for c in repeated[:3])
    out = codes.astype(np.int64)
    renamed = np.zeros(len(first), bool)
    renamed[again] = True
    rows = renamed[of_row] & (codes == trace_code[of_row])  # rows bearing the trace's id
    out[rows] = new_code[of_row[rows]]
    return TraceKeys(
        out,
        names,
        repeated_ids=len(repeated),
        renamed=len(again),
        examples=examples,
    )
