"""A discovery in words and files: the discovery@1 JSON, the model files, pictures, summary."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..analysis.discover import bpmn_graph, petri_graph
from ..analysis.discovery import Discovery
from ..calendar import time_basis
from .flows import flows_document, flows_files, flows_text, json_rows
from .graph import GraphOptions, picture_files, process_dot
from .model_graph import handoff_dot, model_dot
from .serialize import to_csv, to_json
from .words import ENGLISH, Words

DISCOVERY_SCHEMA = "bottleneck/discovery@1"
SOURCE_KEYS = {"event log": "ds_source_log", "directly-follows graph": "ds_source_dfg"}


def discovery_document(found: Discovery) -> dict[str, Any]:
    """The `bottleneck/discovery@1` JSON document (see docs/schema.md)."""
    m = found.model
    doc: dict[str, Any] = {
        "schema": DISCOVERY_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": found.analysis.source,
        # without a calendar the document is as it was
        "time_basis": time_basis(found.calendar),
        "model": {
            "miner": m.miner,
            "notation": found.notation,
            "fitness": m.fitness,
            "precision": m.precision,
            "mined_from": m.source,
            "noise": m.noise,
            "quality_method": "token-based replay",
            "replayed_cases": m.replayed_cases,
            "cases": m.cases,
            "alignment_fitness": m.alignment_fitness,
            "notes": list(m.notes),
        },
        **flows_document(found.variants, found.rework, found.handoffs),
        "reference": None,
    }
    c = found.conformance
    if c is not None:
        doc["reference"] = {
            "file": found.reference,
            "fitness": c.fitness,
            "cases": c.cases,
            "fitting_cases": c.fitting_cases,
            "cases_skipping_steps": c.cases_skipping,
            "cases_adding_steps": c.cases_adding,
            "deviations": json_rows(
                c.deviations,
                ["activity", "in_model", "added", "added_cases", "skipped", "skipped_cases"],
            ),
        }
    return doc


def discovery_files(
    found: Discovery, graph_formats: list[str], words: Words = ENGLISH
) -> tuple[dict[str, bytes | str], str | None]:
    """Every output file's content, made in memory before anything is written; the pictures
    in `words`."""
    m = found.model
    files: dict[str, bytes | str] = {
        "discovery.json": to_json(discovery_document(found)),
        "model.bpmn": m.bpmn_xml,
        "model.pnml": m.pnml,
    }
    files.update(flows_files(found.variants, found.rework, found.handoffs))
    if found.conformance is not None:
        files["deviations.csv"] = to_csv(found.conformance.deviations)
    if found.notation == "bpmn":
        dot = model_dot(bpmn_graph(m.bpmn), found.analysis, words=words)
    elif found.notation == "petri":
        dot = model_dot(petri_graph(m.net, m.initial, m.final), found.analysis, words=words)
    else:
        dot = process_dot(found.analysis, GraphOptions(words=words))
    dots = {"model": dot}
    if len(found.handoffs.pairs):
        dots["handoffs"] = handoff_dot(
            found.handoffs.pairs, level=found.handoffs.level, words=words
        )
    pictures, warning = picture_files(dots, graph_formats)
    files.update(pictures)
    return files, warning


def summary_text(found: Discovery, words: Words = ENGLISH) -> str:
    """The terminal report: model quality, top variants, rework, hand-offs, conformance."""
    w = words
    m = found.model
    lines: list[str] = []
    fit = "–" if m.fitness is None else w.fixed(m.fitness, ".3f")
    prec = "–" if m.precision is None else w.fixed(m.precision, ".3f")
    noise = w("ds_noise", noise=w.fixed(m.noise, "g")) if m.miner == "inductive" else ""
    key = SOURCE_KEYS.get(m.source)
    source = m.source if key is None else w(key)
    lines.append(
        w(
            "ds_model",
            miner=m.miner,
            noise=noise,
            source=source,
            fitness=fit,
            precision=prec,
            replayed=w.count(m.replayed_cases),
            cases=w.count(m.cases),
        )
    )
    if m.alignment_fitness is not None:
        lines.append(w("ds_alignment", fitness=w.fixed(m.alignment_fitness, ".3f")))
    lines += [w("note", note=note) for note in m.notes]
    if found.calendar is not None:
        cal = found.calendar
        hours = w.fixed(cal.workday_seconds / 3600, "g")
        lines.append(w("an_working_time", calendar=cal.name, hours=hours))
    lines.append("")
    lines.append(flows_text(found.variants, found.rework, found.handoffs, words=w))
    c = found.conformance
    if c is not None:
        lines.append("")
        lines.append(
            w(
                "ds_against",
                reference=found.reference,
                fitness=w.fixed(c.fitness, ".3f"),
                fitting=w.count(c.fitting_cases),
                cases=w.count(c.cases),
                skipping=w.count(c.cases_skipping),
                adding=w.count(c.cases_adding),
            )
        )
        for r in c.deviations.to_dict(orient="records"):
            note = "" if r["in_model"] else w("ds_not_in_procedure")
            parts = []
            if r["added"]:
                parts.append(
                    w("ds_added", times=w.count(r["added"]), cases=w.count(r["added_cases"]))
                )
            if r["skipped"]:
                parts.append(
                    w("ds_skipped", times=w.count(r["skipped"]), cases=w.count(r["skipped_cases"]))
                )
            lines.append(f"  {r['activity']}{note}: {', '.join(parts)}")
    return "\n".join(lines)
