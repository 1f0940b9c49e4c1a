"""The JSON documents written beside a report: the commands' own documents of the same results.

`analysis.json`, `comparison.json`, `drift.json` and `causes.json` are made by the functions
that `analyze`, `compare`, `drift` and `causes` write them with, from the very result objects
the report's sections read, so every figure of the report can be checked against them. Officers
in them are the report's pseudonyms, and the case ids that data-quality warnings quote are left
as "…", as in the report itself.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..calendar import time_basis
from ..render.analysis_document import analysis_document
from ..render.causes_text import causes_document
from ..render.compare_text import comparison_document
from ..render.drift_text import drift_document
from ..render.quality_text import quality_sentence
from ..render.serialize import to_json
from ..render.words import Words
from .model import Context

OFFICER_KEYS = frozenset({"resource", "from_resource", "to_resource", "officer"})
"""Keys whose values name an officer, in any of the documents."""


def result_documents(ctx: Context) -> dict[str, str]:
    """The JSON documents of the report's results, by file name, in the commands' English."""
    cal = ctx.options.calendar
    english = Words("en", workday_s=None if cal is None else float(cal.workday_seconds))
    documents: dict[str, dict[str, Any]] = {
        "analysis.json": analysis_document(ctx.data.analysis, time_basis=time_basis(cal)),
    }
    results = ctx.results
    if results.comparison is not None:
        documents["comparison.json"] = comparison_document(results.comparison.result, english)
    if results.drift is not None:
        documents["drift.json"] = drift_document(results.drift, english)
    if results.causes is not None:
        documents["causes.json"] = causes_document(results.causes)
    if ctx.options.anonymize:
        documents = {name: _protected(doc, ctx) for name, doc in documents.items()}
    return {name: to_json(doc) for name, doc in documents.items()}


def _protected(document: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """`document` with officers named by their pseudonyms and no quoted case ids."""
    out: dict[str, Any] = _pseudonymized(document, ctx)
    quality = out.get("data_quality")
    if isinstance(quality, dict) and quality.get("warnings"):
        # a warning may quote example case ids: they become "…"
        quality["warnings"] = [
            quality_sentence(replace(w, examples=("…",)) if w.examples else w)
            for w in ctx.data.analysis.quality.warnings
        ]
    demand = out.get("demand")
    if isinstance(demand, dict) and demand.get("unit_column") == "resource":
        for row in demand.get("units") or []:  # officers stand in for units
            row["unit"] = ctx.officer(row.get("unit"))
    return out


def _pseudonymized(value: Any, ctx: Context, key: str = "") -> Any:
    """A copy of `value` with every officer (a string under an `OFFICER_KEYS` key) renamed."""
    if isinstance(value, dict):
        return {k: _pseudonymized(v, ctx, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_pseudonymized(v, ctx, key) for v in value]
    if key in OFFICER_KEYS and isinstance(value, str):
        return ctx.officer(value)
    return value
