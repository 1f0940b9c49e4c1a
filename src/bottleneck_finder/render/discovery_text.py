"""A discovery in words and files: the discovery@1 JSON, the model files, pictures, summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import __version__
from ..analysis.discover import DiscoveredModel, ModelGraph, bpmn_graph, petri_graph
from ..analysis.discovery import Discovery
from ..calendar import time_basis
from ..model import Analysis
from .flows import flows_document, flows_files, flows_text, json_rows
from .graph import GraphOptions, dot_available, picture_files, process_dot
from .model_graph import handoff_dot, model_dot, model_fits
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
            "algorithm": m.algorithm,
            "activities": projection_document(m),
            "time_limit_s": m.time_limit,
            "fell_back": m.fell_back,
            "loop_activities": m.loop_activities,
            "flower": m.flower,
            "warnings": model_warnings(m, ENGLISH),
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


def projection_document(m: DiscoveredModel) -> dict[str, Any]:
    """`model.activities`: the activities the model was mined on and what was left out."""
    p = m.projection
    if p is None:
        return {
            "limit": "all",
            "total": None,
            "mined": None,
            "left_out": 0,
            "events_total": None,
            "events_left_out": 0,
            "stepped_down_from": None,
        }
    return {
        "limit": p.limit,
        "total": p.total,
        "mined": p.mined,
        "left_out": p.left_out,
        "events_total": p.events_total,
        "events_left_out": p.events_left_out,
        "stepped_down_from": p.stepped_from or None,
    }


def model_warnings(m: DiscoveredModel, words: Words) -> list[str]:
    """The model's warnings (time limit, flower) as sentences in `words`."""
    w = words
    out = []
    for warning in m.warnings:
        v = warning.values
        if warning.kind == "time_limit":
            model = "IMf" if v["model"] == "IMf" else w("ds_model_dfg_fallback")
            out.append(
                w(
                    "ds_warn_time_limit",
                    miner=v["miner"],
                    activities=w.count(int(v["activities"])),
                    seconds=w.fixed(float(v["seconds"]), "g"),
                    model=model,
                    kept=w.count(int(v["kept"])),
                )
            )
        elif warning.kind in ("replay_sample", "replay_time_limit"):
            values = {
                "seconds": w.fixed(float(v["seconds"]), ".0f"),
                "cases": w.count(int(v["cases"])),
                "replayed": w.count(int(v.get("replayed", 0))),
            }
            out.append(w(f"ds_warn_{warning.kind}", **values))
        elif warning.kind == "too_wide":
            out.append(
                w(
                    "ds_warn_too_wide",
                    asked=w.count(int(v["asked"])),
                    shown=w.count(int(v["shown"])),
                )
            )
        elif warning.kind == "flower":
            why = []
            if v["precision"] is not None:
                why.append(w("ds_flower_precision", precision=w.fixed(v["precision"], ".3f")))
            if v["loop"] is not None:
                why.append(
                    w(
                        "ds_flower_loop",
                        loop=w.count(int(v["loop"])),
                        activities=w.count(int(v["activities"])),
                    )
                )
            fewer = w.count(int(v["fewer"]))
            out.append(w("ds_warn_flower", why="; ".join(why), fewer=fewer))
    return out


def model_picture(m: DiscoveredModel, notation: str) -> ModelGraph:
    """The graph of `m` drawn in `notation` (bpmn or petri)."""
    if notation == "petri":
        return petri_graph(m.net, m.initial, m.final)
    return m.bpmn_diagram if m.bpmn_diagram is not None else bpmn_graph(m.bpmn)


def page_fit(notation: str) -> Callable[[DiscoveredModel, Analysis], bool] | None:
    """Whether a model's picture in `notation`, as `discovery_files` draws it for the log's
    `Analysis`, fits a 180 mm column with its text at 6 pt or more in English and in
    Vietnamese (so the model kept is the same whatever the language; None: nothing to check,
    the dfg notation or no Graphviz)."""
    if notation not in ("bpmn", "petri") or not dot_available():
        return None

    def fits(m: DiscoveredModel, analysis: Analysis) -> bool:
        graph = model_picture(m, notation)
        return all(
            model_fits(model_dot(graph, analysis, words=w, projection=m.projection))
            for w in (ENGLISH, Words("vi"))
        )

    return fits


def discovery_files(
    found: Discovery, graph_formats: list[str], words: Words = ENGLISH
) -> tuple[dict[str, bytes | str], str | None]:
    """Every output file's content, made in memory before anything is written; the pictures
    in `words`."""
    m = found.model
    files: dict[str, bytes | str] = {"discovery.json": to_json(discovery_document(found))}
    if m.bpmn_xml is not None:
        files["model.bpmn"] = m.bpmn_xml
    files["model.pnml"] = m.pnml
    files.update(flows_files(found.variants, found.rework, found.handoffs))
    if found.conformance is not None:
        files["deviations.csv"] = to_csv(found.conformance.deviations)
    if found.notation in ("bpmn", "petri"):
        graph = model_picture(m, found.notation)
        dot = model_dot(graph, found.analysis, words=words, projection=m.projection)
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
    p = m.projection
    if p is not None and p.left_out:
        lines.append(
            w(
                "ds_projected",
                mined=w.count(p.mined),
                total=w.count(p.total),
                left_out=w.count(p.left_out),
                events=w.count(p.events_left_out),
                events_total=w.count(p.events_total),
                share=w.percent(p.events_left_out / max(p.events_total, 1)),
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
