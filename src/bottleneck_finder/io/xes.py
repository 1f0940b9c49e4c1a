"""A streaming, entity-refusing XES (IEEE 1849) reader that yields a flat event table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.parsers import expat

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
    """Parse XES bytes into one row per event, trace attributes prefixed with `case:`.

    Dates stay as their ISO-8601 text (time zones are resolved during normalization); `int`,
    `float` and `boolean` values are converted. DOCTYPE and entity declarations are refused
    before anything is expanded, so hostile documents fail fast in bounded memory. Nested
    (list/container) attributes and `<global>` defaults are skipped.
    """
    rows: list[dict[str, Any]] = []
    trace_attrs: dict[str, Any] = {}
    event: dict[str, Any] | None = None
    in_trace = False
    skip_depth = 0  # >0 while inside <global>, <classifier> or a nested attribute
    attr_depth = 0  # depth of typed attribute elements we are inside
    seen_log = False

    def refuse(*_args: object) -> int:
        raise UnsafeXmlError("the XML declares a DTD or entities")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal event, in_trace, skip_depth, attr_depth, seen_log
        if skip_depth:
            skip_depth += 1
            return
        if name == "log":
            seen_log = True
            return
        if name == "trace":
            in_trace = True
            trace_attrs.clear()
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
    return pd.DataFrame(rows)
