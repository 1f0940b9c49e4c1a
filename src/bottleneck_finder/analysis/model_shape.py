"""The shape of a mined model: the log projected onto chosen activities, loops, flowers."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .mining import DFG


def project_variants(
    variants: Counter[tuple[str, ...]], keep: Collection[str]
) -> Counter[tuple[str, ...]]:
    """The variants with only the activities in `keep` (a case with none of them becomes the
    empty sequence); cases that end up with the same sequence are counted together."""
    projected: Counter[tuple[str, ...]] = Counter()
    for variant, n in variants.items():
        projected[tuple(a for a in variant if a in keep)] += n
    return projected


def variants_dfg(variants: Counter[tuple[str, ...]]) -> DFG:
    """Directly-follows counts, activity counts, start and end counts of the variants."""
    dfg: Counter[tuple[str, str]] = Counter()
    occ: Counter[str] = Counter()
    start: Counter[str] = Counter()
    end: Counter[str] = Counter()
    for variant, n in variants.items():
        if not variant:
            continue
        start[variant[0]] += n
        end[variant[-1]] += n
        for a in variant:
            occ[a] += n
        for pair in itertools.pairwise(variant):
            dfg[pair] += n
    return dict(dfg), dict(occ), dict(start), dict(end)


def occurrences(variants: Counter[tuple[str, ...]]) -> Counter[str]:
    """How often each activity occurs in the cases."""
    occ: Counter[str] = Counter()
    for variant, n in variants.items():
        for a in variant:
            occ[a] += n
    return occ


@dataclass(frozen=True)
class ModelWarning:
    """Something the reader of the model must know: `kind` is `time_limit` (the miner asked did
    not finish in time, a simpler model is shown), `replay_sample` (fitness and precision were
    measured on a sample of the cases within the time limit), `replay_time_limit` (they were
    not measured in time), `too_wide` (the default model was too wide for a page, so it was
    mined again on fewer activities) or `flower` (the model allows almost any order); `values`
    fill its sentence (render/texts: ds_warn_<kind>)."""

    kind: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Projection:
    """The activities the model was mined on: `mined` of `total` activities (`limit` as asked,
    e.g. "25", "30%", "all"), and `events_left_out` of `events_total` activity instances;
    `stepped_from` the default count first mined when its model was too wide for a page
    (0: not stepped down)."""

    limit: str
    total: int
    mined: int
    events_total: int
    events_left_out: int
    names: tuple[str, ...] = ()  # the activities mined on, most frequent first
    stepped_from: int = 0

    @property
    def left_out(self) -> int:
        return self.total - self.mined


def net_follows(net: Any) -> frozenset[tuple[str, str]]:
    """The activity pairs (a, b) joined in the net by a path through places and silent
    transitions only: which activity may follow which directly (structurally; an activity in
    a parallel branch is not seen to follow one in another)."""
    succ: dict[Any, list[Any]] = {}
    for arc in net.arcs:
        succ.setdefault(arc.source, []).append(arc.target)
    pairs = set()
    for t in net.transitions:
        if t.label is None:
            continue
        seen: set[Any] = set()
        todo = list(succ.get(t, []))
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            label = getattr(node, "label", None)
            if isinstance(node, type(t)) and label is not None:
                pairs.add((str(t.label), str(label)))
                continue
            todo.extend(succ.get(node, []))
    return frozenset(pairs)


def largest_loop(follows: Collection[tuple[str, str]]) -> tuple[int, float]:
    """The model's largest loop: the largest set of activities that can each be followed,
    directly or through the others, by every other (a strongly connected part of the
    directly-follows relation), and the share of its ordered pairs of distinct activities that
    may follow each other directly (1.0: any order, as in a flower). (0, 0.0) without a loop."""
    acts = sorted({a for pair in follows for a in pair})
    succ: dict[Any, list[Any]] = {a: [] for a in acts}
    for a, b in sorted(follows):
        if a != b:
            succ[a].append(b)
    best: list[Any] = []
    for component in _components(list(acts), succ):
        if len(component) > len(best) or (len(component) == len(best) and component < best):
            best = sorted(component)
    if len(best) < 2:
        return 0, 0.0
    inside = set(best)
    direct = sum(1 for a, b in follows if a != b and a in inside and b in inside)
    return len(best), direct / (len(best) * (len(best) - 1))


def _components(nodes: list[Any], succ: dict[Any, list[Any]]) -> list[list[Any]]:
    """Strongly connected components (Tarjan's algorithm, without recursion)."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    on_stack: set[Any] = set()
    stack: list[Any] = []
    found: list[list[Any]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for j in range(i, len(succ[node])):
                nxt = succ[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top is node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found
