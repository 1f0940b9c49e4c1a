"""Mined models as drawing-neutral graphs: nodes and arcs with ids independent of pm4py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .mining import quiet


@dataclass(frozen=True)
class Node:
    """One element of a drawn model: `kind` is task, start, end, xor, and, or, place or silent."""

    id: str
    kind: str
    label: str


@dataclass(frozen=True)
class ModelGraph:
    """A BPMN diagram or Petri net as plain nodes and arcs, in a deterministic order."""

    notation: str
    nodes: tuple[Node, ...]
    arcs: tuple[tuple[str, str], ...]


# ------------------------------------------------------------------- drawing-neutral graphs


def _canonical(
    kinds: dict[Any, tuple[str, str]], arcs: list[tuple[Any, Any]], notation: str
) -> ModelGraph:
    """Nodes and arcs with ids and order that do not depend on pm4py's random names: nodes by
    distance from the start, then by a signature refined from their neighbours' signatures."""
    succ: dict[Any, list[Any]] = {n: [] for n in kinds}
    pred: dict[Any, list[Any]] = {n: [] for n in kinds}
    for s, t in arcs:
        succ[s].append(t)
        pred[t].append(s)
    sig = {n: f"{k}:{lab}" for n, (k, lab) in kinds.items()}
    for _ in range(4):
        sig = {
            n: hashlib.sha1(
                "|".join(
                    [
                        sig[n],
                        ",".join(sorted(sig[p] for p in pred[n])),
                        ",".join(sorted(sig[s] for s in succ[n])),
                    ]
                ).encode("utf-8")
            ).hexdigest()
            for n in kinds
        }
    roots = [n for n in kinds if not pred[n]] or list(kinds)
    depth: dict[Any, int] = {}
    frontier = sorted(roots, key=lambda n: sig[n])
    for n in frontier:
        depth[n] = 0
    while frontier:
        nxt = []
        for n in frontier:
            for t in sorted(succ[n], key=lambda m: sig[m]):
                if t not in depth:
                    depth[t] = depth[n] + 1
                    nxt.append(t)
        frontier = nxt
    order = sorted(kinds, key=lambda n: (depth.get(n, 1 << 30), kinds[n][1], sig[n]))
    ids = {n: f"n{i}" for i, n in enumerate(order)}
    nodes = tuple(Node(ids[n], kinds[n][0], kinds[n][1]) for n in order)
    edges = sorted(
        {(ids[s], ids[t]) for s, t in arcs}, key=lambda e: (int(e[0][1:]), int(e[1][1:]))
    )
    return ModelGraph(notation, nodes, tuple(edges))


def bpmn_graph(bpmn: Any) -> ModelGraph:
    """The BPMN diagram's tasks, events and gateways and its sequence flows."""
    with quiet():
        from pm4py.objects.bpmn.obj import BPMN

        kinds: dict[Any, tuple[str, str]] = {}
        for node in bpmn.get_nodes():
            if isinstance(node, BPMN.StartEvent):
                kind = "start"
            elif isinstance(node, BPMN.EndEvent):
                kind = "end"
            elif isinstance(node, BPMN.ParallelGateway):
                kind = "and"
            elif isinstance(node, BPMN.InclusiveGateway):
                kind = "or"
            elif isinstance(node, BPMN.Gateway):
                kind = "xor"
            elif isinstance(node, BPMN.Activity):
                kind = "task"
            else:
                kind = "event"
            label = str(node.get_name() or "") if kind == "task" else ""
            kinds[node] = (kind, label)
        arcs = [(f.get_source(), f.get_target()) for f in bpmn.get_flows()]
        arcs = [(s, t) for s, t in arcs if s in kinds and t in kinds]
    kinds, arcs = _contract_pass_through(kinds, arcs)
    return _canonical(kinds, arcs, "bpmn")


def _contract_pass_through(
    kinds: dict[Any, tuple[str, str]], arcs: list[tuple[Any, Any]]
) -> tuple[dict[Any, tuple[str, str]], list[tuple[Any, Any]]]:
    """Drop gateways with one way in and one way out (they decide nothing): the picture gets
    narrower and the process means the same."""
    arcs = list(dict.fromkeys(arcs))
    changed = True
    while changed:
        changed = False
        for node, (kind, _) in list(kinds.items()):
            if kind not in ("xor", "and", "or"):
                continue
            ins = [a for a in arcs if a[1] is node]
            outs = [a for a in arcs if a[0] is node]
            if len(ins) == 1 and len(outs) == 1 and ins[0][0] is not outs[0][1]:
                arcs = [a for a in arcs if a is not ins[0] and a is not outs[0]]
                if (ins[0][0], outs[0][1]) not in arcs:
                    arcs.append((ins[0][0], outs[0][1]))
                del kinds[node]
                changed = True
    return kinds, arcs


def petri_graph(net: Any, initial: Any, final: Any) -> ModelGraph:
    """The Petri net's places (start / end places marked) and transitions (silent or labelled)."""
    kinds: dict[Any, tuple[str, str]] = {}
    for place in net.places:
        kind = "start" if place in initial else ("end" if place in final else "place")
        kinds[place] = (kind, "")
    for tr in net.transitions:
        kinds[tr] = ("task", str(tr.label)) if tr.label is not None else ("silent", "")
    arcs = [(a.source, a.target) for a in net.arcs]
    return _canonical(kinds, arcs, "petri")
