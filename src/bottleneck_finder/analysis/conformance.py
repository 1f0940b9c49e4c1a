"""The log against a reference model (the procedure as drawn): alignments, deviations per step."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import InputFileError
from .discover import quiet, unit_interval


class ReferenceModelError(InputFileError):
    """The reference model (--reference) is not a BPMN 2.0 file pm4py can read."""


@dataclass(frozen=True)
class Conformance:
    """The log against a reference model (the procedure as drawn), by alignments.

    `deviations` has one row per activity: `activity`, `in_model`, `added` (log steps the
    model does not allow there), `added_cases`, `skipped` (model steps the case left out),
    `skipped_cases`, by the number of affected cases. `fitness` is the alignment log fitness.
    """

    cases: int
    fitting_cases: int
    cases_skipping: int
    cases_adding: int
    fitness: float
    deviations: pd.DataFrame


def read_reference(data: bytes, *, source: str) -> tuple[Any, Any, Any, Any]:
    """A BPMN 2.0 file's content as (bpmn, net, initial, final); entities and network access
    are refused while parsing."""
    try:
        from lxml import etree  # type: ignore[import-untyped]

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(data, parser=parser)
    except Exception as exc:  # lxml raises its own syntax errors
        raise ReferenceModelError(
            f"is not readable XML ({' '.join(str(exc).split())[:200]})",
            fix="give a BPMN 2.0 file exported from a modelling tool",
            source=source,
        ) from exc
    try:
        with quiet():
            import pm4py
            from pm4py.objects.bpmn.importer.variants import lxml as bpmn_importer

            bpmn = bpmn_importer.import_xml_tree_from_root(root)
            net, im, fm = pm4py.convert_to_petri_net(bpmn)
    except Exception as exc:
        raise ReferenceModelError(
            f"is not a BPMN 2.0 process model pm4py can read ({type(exc).__name__})",
            fix="give a BPMN 2.0 file with one process (tasks, gateways, start and end event)",
            source=source,
        ) from exc
    labels = [t.label for t in net.transitions if t.label is not None]
    if not labels:
        raise ReferenceModelError(
            "has no named tasks",
            fix="name the tasks as the activities are named in the log",
            source=source,
        )
    return bpmn, net, im, fm


def conformance(
    variants: Counter[tuple[str, ...]], net: Any, initial: Any, final: Any
) -> Conformance:
    """Align each distinct path of the log with the reference net; count, weighted by cases,
    the steps a case adds (not allowed by the model there) and skips (required, not done)."""
    names = sorted(variants, key=lambda v: (-variants[v], v))
    frame = pd.DataFrame(
        {
            "case:concept:name": [str(i) for i, v in enumerate(names) for _ in v],
            "concept:name": [a for v in names for a in v],
            "time:timestamp": pd.to_datetime(
                [j for v in names for j in range(len(v))], unit="s", utc=True
            ),
        }
    )
    with quiet():
        import pm4py

        aligned = pm4py.conformance_diagnostics_alignments(frame, net, initial, final)
    model_labels = {t.label for t in net.transitions if t.label is not None}
    added: Counter[str] = Counter()
    added_cases: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    skipped_cases: Counter[str] = Counter()
    fitting = skipping = adding = 0
    cost = bwc = 0.0
    for variant, result in zip(names, aligned, strict=True):
        n = variants[variant]
        moves = result["alignment"]
        plus = Counter(a for a, m in moves if a != ">>" and m == ">>")
        minus = Counter(m for a, m in moves if a == ">>" and m is not None and m != ">>")
        for a, k in plus.items():
            added[a] += k * n
            added_cases[a] += n
        for m, k in minus.items():
            skipped[m] += k * n
            skipped_cases[m] += n
        fitting += n if not plus and not minus else 0
        adding += n if plus else 0
        skipping += n if minus else 0
        cost += float(result["cost"]) * n
        bwc += float(result["bwc"]) * n
    acts = sorted(set(added) | set(skipped))
    dev = pd.DataFrame(
        {
            "activity": pd.Series(acts, dtype="string"),
            "in_model": [a in model_labels for a in acts],
            "added": [added[a] for a in acts],
            "added_cases": [added_cases[a] for a in acts],
            "skipped": [skipped[a] for a in acts],
            "skipped_cases": [skipped_cases[a] for a in acts],
        }
    )
    if len(dev):
        dev["_affected"] = dev["added_cases"] + dev["skipped_cases"]
        dev = dev.sort_values(["_affected", "activity"], ascending=[False, True], kind="stable")
        dev = dev.drop(columns="_affected").reset_index(drop=True)
    dev = dev.astype({"added": "int64", "added_cases": "int64", "skipped": "int64"})
    dev = dev.astype({"skipped_cases": "int64", "in_model": "bool"})
    total = sum(variants.values())
    return Conformance(
        cases=total,
        fitting_cases=fitting,
        cases_skipping=skipping,
        cases_adding=adding,
        fitness=unit_interval(1.0 - cost / bwc if bwc > 0 else 1.0) or 0.0,
        deviations=dev,
    )
