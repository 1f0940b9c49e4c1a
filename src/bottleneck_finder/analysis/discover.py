"""Process models mined with pm4py from the engine's step table: quality, export, conformance."""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ..errors import BottleneckError
from ..model import EventLog
from ..prepared import PreparedLog, prepared
from .flows import flow_session
from .model_ids import stable_xml

Miner = Literal["inductive", "heuristics", "dfg"]
MINERS: tuple[str, ...] = ("inductive", "heuristics", "dfg")

# Above either limit pm4py's event-level miners are not used: the model is mined from the
# directly-follows graph the engine computed (inductive miner "IMd", heuristics miner on the DFG).
EVENT_LEVEL_LIMIT = 1_000_000  # activity instances
VARIANT_LIMIT = 50_000  # distinct variants
# Token-based replay (fitness, precision) reads every case up to this many activity instances;
# above it, a deterministic sample of cases of about this size is replayed.
REPLAY_LIMIT = 500_000


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


@dataclass(frozen=True)
class DiscoveredModel:
    """A mined model and how well it fits the log.

    `source` says what pm4py mined from: "event log" (the cases' activity sequences, as pm4py's
    event-level miners use them) or "directly-follows graph" (large logs). `fitness` is the
    token-based replay log fitness and `precision` the token-based (ETConformance) precision,
    both in [0, 1] (None when not computed); `replayed_cases` of `cases` were replayed.
    `alignment_fitness` is set when alignments were asked for. `net`, `initial`, `final`,
    `bpmn` are the pm4py objects; `bpmn_xml` and `pnml` the exported files; `notes` say what
    could not be computed.
    """

    miner: str
    source: str
    noise: float
    fitness: float | None
    precision: float | None
    alignment_fitness: float | None
    cases: int
    replayed_cases: int
    net: Any
    initial: Any
    final: Any
    bpmn: Any
    bpmn_xml: bytes
    pnml: bytes
    notes: tuple[str, ...] = ()


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence pm4py: its import banner, progress bars and warnings."""
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        import pm4py.util.constants as pm4py_constants

        pm4py_constants.SHOW_PROGRESS_BAR = False
        yield


# ------------------------------------------------------------------------- inputs from engine


def _names(log: EventLog) -> list[str]:
    return [str(n) for n in log.events["activity"].cat.categories]


def log_variants(p: PreparedLog) -> Counter[tuple[str, ...]]:
    """Every distinct activity sequence with its number of cases, in the real order."""
    engine, log = flow_session(p, real=True)
    rows = engine.frame(
        "SELECT variant, count(*) AS cases FROM (SELECT case_id, "
        "string_agg(CAST(activity AS VARCHAR), ',' ORDER BY pos) AS variant "
        "FROM flow_steps GROUP BY case_id) AS v GROUP BY variant"
    )
    names = _names(log)
    return Counter(
        {
            tuple(names[int(c)] for c in str(v).split(",")): int(n)
            for v, n in zip(rows["variant"].tolist(), rows["cases"].tolist(), strict=True)
        }
    )


def _dfg(p: PreparedLog) -> tuple[dict[tuple[str, str], int], ...]:
    """Directly-follows counts, activity counts, start and end counts, from the engine."""
    engine, log = flow_session(p, real=True)
    names = _names(log)
    pairs = engine.frame(
        "SELECT source, activity, count(*) AS n FROM flow_steps WHERE source IS NOT NULL "
        "GROUP BY source, activity"
    )
    acts = engine.frame(
        "SELECT activity, count(*) AS n, sum(CASE WHEN source IS NULL THEN 1 ELSE 0 END) AS s, "
        "sum(CASE WHEN pos = last_pos THEN 1 ELSE 0 END) AS e FROM (SELECT activity, source, "
        "pos, max(pos) OVER (PARTITION BY case_id) AS last_pos FROM flow_steps) AS f "
        "GROUP BY activity"
    )
    dfg = {
        (names[int(s)], names[int(t)]): int(n)
        for s, t, n in zip(pairs["source"], pairs["activity"], pairs["n"], strict=True)
    }
    occ, start, end = {}, {}, {}
    for a, n, s, e in zip(acts["activity"], acts["n"], acts["s"], acts["e"], strict=True):
        occ[names[int(a)]] = int(n)
        if int(s):
            start[names[int(a)]] = int(s)
        if int(e):
            end[names[int(a)]] = int(e)
    return dfg, occ, start, end  # type: ignore[return-value]


def replay_frame(p: PreparedLog, *, limit: int = REPLAY_LIMIT) -> pd.DataFrame:
    """The cases as a pm4py DataFrame (case:concept:name, concept:name, time:timestamp), in flow
    order (times are the step positions, so pm4py keeps that order); above `limit` activity
    instances, a deterministic sample of cases (by a hash of the case code)."""
    engine, log = flow_session(p, real=True)
    total = int(engine.frame("SELECT count(*) AS n FROM flow_steps")["n"].iloc[0])
    where = ""
    if total > limit:
        buckets = max(1, -(-total // limit))
        where = f"WHERE hash(case_id) % {buckets} = 0"
    rows = engine.frame(
        f"SELECT case_id, activity, pos FROM flow_steps {where} ORDER BY case_id, pos"
    )
    names = log.events["activity"].cat.categories
    cases = log.events["case"].cat.categories
    return pd.DataFrame(
        {
            "case:concept:name": pd.Series(
                cases.take(rows["case_id"].to_numpy(dtype="int64")), dtype="object"
            ).astype(str),
            "concept:name": pd.Series(
                names.take(rows["activity"].to_numpy(dtype="int64")), dtype="object"
            ).astype(str),
            "time:timestamp": pd.to_datetime(
                rows["pos"].to_numpy(dtype="int64"), unit="s", utc=True
            ),
        }
    )


# ------------------------------------------------------------------------------------ mining


def _inductive(
    variants: Counter[tuple[str, ...]] | None, dfg: Any, noise: float
) -> tuple[Any, ...]:
    import pm4py
    from pm4py.algo.discovery.inductive.dtypes.im_dfg import InductiveDFG
    from pm4py.algo.discovery.inductive.dtypes.im_ds import (
        IMDataStructureDFG,
        IMDataStructureUVCL,
    )
    from pm4py.algo.discovery.inductive.variants.im import IMUVCL
    from pm4py.algo.discovery.inductive.variants.imd import IMD
    from pm4py.algo.discovery.inductive.variants.imf import IMFUVCL
    from pm4py.objects.process_tree.utils import generic as pt_util
    from pm4py.objects.process_tree.utils.generic import tree_sort

    # What pm4py.discover_process_tree_inductive does with a log: its variants, IMf with noise.
    params: dict[str, Any] = {
        "noise_threshold": noise,
        "multiprocessing": False,
        "disable_fallthroughs": False,
    }
    if variants is not None:
        miner: Any = IMFUVCL(params) if noise > 0 else IMUVCL(params)
        tree = miner.apply(IMDataStructureUVCL(variants), params)
    else:
        tree = IMD(params).apply(IMDataStructureDFG(InductiveDFG(dfg=dfg, skip=False)), params)
    tree = pt_util.fold(tree)
    tree_sort(tree)
    net, im, fm = pm4py.convert_to_petri_net(tree)
    return net, im, fm, pm4py.convert_to_bpmn(tree)


def discover(
    log: EventLog | PreparedLog,
    *,
    miner: str = "inductive",
    noise: float = 0.2,
    quality: bool = True,
    alignments: bool = False,
    event_limit: int = EVENT_LEVEL_LIMIT,
    replay_limit: int = REPLAY_LIMIT,
) -> DiscoveredModel:
    """Mine a model of `log` with pm4py (inductive miner with its noise threshold, heuristics
    miner, or the directly-follows graph as a net), measure fitness and precision by
    token-based replay (and alignments if asked), and export it as BPMN 2.0 XML and PNML.

    The model is mined from the real order of the events, whatever the clock."""
    with prepared(log) as p:
        return _discover(p, miner, noise, quality, alignments, event_limit, replay_limit)


def _discover(
    p: PreparedLog,
    miner: str,
    noise: float,
    quality: bool,
    alignments: bool,
    event_limit: int,
    replay_limit: int,
) -> DiscoveredModel:
    if miner not in MINERS:
        raise BottleneckError(f"unknown miner {miner!r}", fix="use inductive, heuristics or dfg")
    if not 0.0 <= noise <= 1.0:
        raise BottleneckError(f"noise {noise} is outside [0, 1]", fix="use e.g. --noise 0.2")
    engine, _ = flow_session(p, real=True)
    instances = int(engine.frame("SELECT count(*) AS n FROM flow_steps")["n"].iloc[0])
    variants = log_variants(p)
    cases = sum(variants.values())
    event_level = instances <= event_limit and len(variants) <= VARIANT_LIMIT
    source = "event log" if event_level else "directly-follows graph"
    dfg, occ, start, end = _dfg(p)
    with quiet():
        import pm4py
        from pm4py.objects.bpmn.exporter.variants import etree as bpmn_exporter
        from pm4py.objects.petri_net.exporter.variants import pnml as pnml_exporter

        frame: pd.DataFrame | None = None
        if miner == "inductive":
            from pm4py.objects.dfg.obj import DFG

            dfg_obj = None if event_level else DFG(dfg, start, end)
            net, im, fm, bpmn = _inductive(variants if event_level else None, dfg_obj, noise)
        elif miner == "heuristics":
            if event_level:
                frame = replay_frame(p, limit=max(instances, 1))
                net, im, fm = pm4py.discover_petri_net_heuristics(frame.copy())
            else:
                from pm4py.algo.discovery.heuristics import algorithm as heuristics

                net, im, fm = heuristics.apply_dfg(
                    dfg,
                    activities=sorted(occ),
                    activities_occurrences=occ,
                    start_activities=start,
                    end_activities=end,
                )
            bpmn = pm4py.convert_to_bpmn(net, im, fm)
        else:
            net, im, fm = pm4py.convert_to_petri_net(dfg, start, end)
            bpmn = pm4py.convert_to_bpmn(net, im, fm)
        fitness = precision = align = None
        replayed = 0
        notes: list[str] = []
        if quality:
            if frame is None or instances > replay_limit:
                frame = replay_frame(p, limit=replay_limit)
            replayed = int(frame["case:concept:name"].nunique())
            fitness, precision = _replay(frame, net, im, fm)
            if alignments:
                try:
                    result = pm4py.fitness_alignments(frame.copy(), net, im, fm)
                    align = float(result["log_fitness"])
                except Exception as exc:  # pm4py refuses nets that are not easy sound
                    notes.append(
                        f"alignments were not computed: pm4py cannot align on this {miner} "
                        f"model ({' '.join(str(exc).split())[:120]})"
                    )
        bpmn_xml = stable_xml(bytes(bpmn_exporter.get_xml_string(bpmn)))
        pnml = pnml_exporter.export_petri_as_string(net, im, fm)
        pnml_bytes = stable_xml(pnml if isinstance(pnml, bytes) else str(pnml).encode("utf-8"))
    return DiscoveredModel(
        miner=miner,
        source=source,
        noise=noise if miner == "inductive" else 0.0,
        fitness=unit_interval(fitness),
        precision=unit_interval(precision),
        alignment_fitness=unit_interval(align),
        cases=cases,
        replayed_cases=replayed,
        net=net,
        initial=im,
        final=fm,
        bpmn=bpmn,
        bpmn_xml=bpmn_xml,
        pnml=pnml_bytes,
        notes=tuple(notes),
    )


PARALLEL_REPLAY_MIN = 20_000  # activity instances from which precision runs in its own process


def _precision_child(connection: Any, frame: pd.DataFrame, net: Any, im: Any, fm: Any) -> None:
    try:
        with quiet():
            import pm4py

            connection.send(float(pm4py.precision_token_based_replay(frame, net, im, fm)))
    except BaseException as exc:  # the parent recomputes; never leave it waiting
        connection.send(exc)
    finally:
        connection.close()


def _replay(frame: pd.DataFrame, net: Any, im: Any, fm: Any) -> tuple[float, float]:
    """Token-based replay fitness (pm4py's log fitness) and precision (ETConformance) of
    `frame` on the net. On large logs with more than one processor, precision is computed in
    a forked process while fitness is computed here; the figures are the same."""
    import multiprocessing
    import os

    import pm4py

    child = None
    receiver: Any = None
    if len(frame) >= PARALLEL_REPLAY_MIN and (os.cpu_count() or 1) > 1:
        try:
            context = multiprocessing.get_context("fork")
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(
                target=_precision_child, args=(sender, frame.copy(), net, im, fm), daemon=True
            )
            child.start()
            sender.close()
        except (OSError, ValueError):
            child = None
    fitness = float(pm4py.fitness_token_based_replay(frame.copy(), net, im, fm)["log_fitness"])
    precision: float | None = None
    if child is not None:
        try:
            answer = receiver.recv()
            precision = answer if isinstance(answer, float) else None
        except (EOFError, OSError):
            precision = None
        finally:
            child.join()
            receiver.close()
    if precision is None:
        precision = float(pm4py.precision_token_based_replay(frame.copy(), net, im, fm))
    return fitness, precision


def unit_interval(value: float | None) -> float | None:
    """A quality figure clipped to [0, 1] against rounding (None stays None)."""
    if value is None:
        return None
    return min(1.0, max(0.0, value))


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


# -------------------------------------------------------------------------------- reference
