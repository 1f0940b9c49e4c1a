"""Process models mined with pm4py from the engine's step table: quality, export, conformance."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ..errors import BottleneckError
from ..model import EventLog
from ..prepared import PreparedLog, prepared
from . import mining
from .flows import flow_session
from .mining import DFG, MineFunction, MiningTask, mine_within, quiet, ticking
from .model_graphs import ModelGraph, Node, bpmn_graph, petri_graph
from .model_ids import stable_xml
from .model_shape import (
    ModelWarning,
    Projection,
    largest_loop,
    net_follows,
    occurrences,
    project_variants,
    variants_dfg,
)
from .replay import replay_within

__all__ = [
    "DiscoveredModel",
    "ModelGraph",
    "ModelWarning",
    "Node",
    "Projection",
    "bpmn_graph",
    "discover",
    "log_variants",
    "petri_graph",
    "quiet",
    "replay_frame",
    "unit_interval",
]

Miner = Literal["inductive", "heuristics", "dfg"]
MINERS: tuple[str, ...] = ("inductive", "heuristics", "dfg")

# Above either limit pm4py's event-level miners are not used: the model is mined from the
# directly-follows graph the engine computed (inductive miner "IMd", heuristics miner on the DFG).
EVENT_LEVEL_LIMIT = 1_000_000  # activity instances
VARIANT_LIMIT = 50_000  # distinct variants
# Token-based replay (fitness, precision) reads every case up to this many activity instances;
# above it, a deterministic sample of cases of about this size is replayed.
REPLAY_LIMIT = 500_000
TIME_LIMIT = 120.0  # seconds the miner asked may take before a simpler model is mined
FALLBACK_ACTIVITIES = 25  # the simpler model: at most this many activities (the map's default)
FALLBACK_NOISE = 0.2  # … mined by IMf with at least this noise threshold
FALLBACK_SHARE = 0.25  # … within this share of the time limit
FALLBACK_MIN_S = 5.0  # … but at least this many seconds
REPLAY_SHARE = 0.2  # replay (fitness, precision) may take this share of the time limit …
REPLAY_MIN_S = 5.0  # … or what mining left of it, but at least this many seconds
FLOWER_PRECISION = 0.2  # below this precision a model allows almost any order
FLOWER_LOOP_SHARE = 0.5  # … as it does when one loop holds more than this share of activities
FLOWER_LOOP_MIN = 3  # … and at least this many
FLOWER_ANY_ORDER = 0.5  # … which may follow each other directly in this share of their pairs


@dataclass(frozen=True)
class DiscoveredModel:
    """A mined model and how well it fits the log.

    `source` says what pm4py mined from: "event log" (the cases' activity sequences, as pm4py's
    event-level miners use them) or "directly-follows graph" (large logs). `fitness` is the
    token-based replay log fitness and `precision` the token-based (ETConformance) precision,
    both in [0, 1] (None when not computed); `replayed_cases` of `cases` were replayed.
    `alignment_fitness` is set when alignments were asked for. `net`, `initial`, `final`,
    `bpmn` are the pm4py objects; `bpmn_xml` and `pnml` the exported files (`bpmn` and
    `bpmn_xml` None when BPMN was not asked for); `notes` say what could not be computed.

    `algorithm` is what made the model (IMf, IM, IMd, heuristics, dfg); `bpmn_diagram` the
    BPMN drawing-neutral graph; `projection` the activities mined on; `fell_back` the miner
    asked did not finish within `time_limit` seconds; `loop_activities` the activities in the
    model's largest loop; `flower` the model allows almost any order; `warnings` say both.
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
    bpmn_xml: bytes | None
    pnml: bytes
    notes: tuple[str, ...] = ()
    algorithm: str = ""
    bpmn_diagram: ModelGraph | None = None
    projection: Projection | None = None
    time_limit: float | None = None
    fell_back: bool = False
    loop_activities: int = 0
    flower: bool = False
    warnings: tuple[ModelWarning, ...] = ()


# ------------------------------------------------------------------------- inputs from engine


def _names(log: EventLog) -> list[str]:
    return [str(n) for n in log.events["activity"].cat.categories]


def log_variants(p: PreparedLog) -> Counter[tuple[str, ...]]:
    """Every distinct activity sequence with its number of cases, in the real order."""
    engine, log = flow_session(p, real=True)[0], p.log  # labels of every case: in process
    rows = engine.frame(
        "SELECT variant, count(*) AS cases FROM (SELECT case_id, "
        "string_agg(CAST(activity AS VARCHAR), ',' ORDER BY pos) AS variant "
        "FROM steps GROUP BY case_id) AS v GROUP BY variant"
    )
    names = _names(log)
    return Counter(
        {
            tuple(names[int(c)] for c in str(v).split(",")): int(n)
            for v, n in zip(rows["variant"].tolist(), rows["cases"].tolist(), strict=True)
        }
    )


def _dfg(p: PreparedLog) -> DFG:
    """Directly-follows counts, activity counts, start and end counts, from the engine."""
    engine, log = flow_session(p, real=True)[0], p.log  # labels of every case: in process
    names = _names(log)
    pairs = engine.frame(
        "SELECT source, activity, count(*) AS n FROM steps WHERE source IS NOT NULL "
        "GROUP BY source, activity"
    )
    acts = engine.frame(
        "SELECT activity, count(*) AS n, sum(CASE WHEN source IS NULL THEN 1 ELSE 0 END) AS s, "
        "sum(CASE WHEN pos = last_pos THEN 1 ELSE 0 END) AS e FROM (SELECT activity, source, "
        "pos, max(pos) OVER (PARTITION BY case_id) AS last_pos FROM steps) AS f "
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
    return dfg, occ, start, end


def replay_frame(p: PreparedLog, *, limit: int = REPLAY_LIMIT) -> pd.DataFrame:
    """The cases as a pm4py DataFrame (case:concept:name, concept:name, time:timestamp), in flow
    order (times are the step positions, so pm4py keeps that order); above `limit` activity
    instances, a deterministic sample of cases (by a hash of the case code)."""
    engine, log = flow_session(p, real=True)[0], p.log  # labels of every case: in process
    total = int(engine.frame("SELECT count(*) AS n FROM steps")["n"].iloc[0])
    where = ""
    if total > limit:
        buckets = max(1, -(-total // limit))
        where = f"WHERE hash(case_id) % {buckets} = 0"
    rows = engine.frame(f"SELECT case_id, activity, pos FROM steps {where} ORDER BY case_id, pos")
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


def discover(
    log: EventLog | PreparedLog,
    *,
    miner: str = "inductive",
    noise: float = 0.2,
    quality: bool = True,
    alignments: bool = False,
    event_limit: int = EVENT_LEVEL_LIMIT,
    replay_limit: int = REPLAY_LIMIT,
    activities: Sequence[str] | None = None,
    limit_text: str = "all",
    bpmn: bool = True,
    time_limit: float | None = TIME_LIMIT,
    progress: Callable[[str], None] = lambda _stage: None,
    mine: MineFunction | None = None,
    accept: Callable[[DiscoveredModel], bool] | None = None,
) -> DiscoveredModel:
    """Mine a model of `log` with pm4py (inductive miner with its noise threshold, heuristics
    miner, or the directly-follows graph as a net), measure fitness and precision by
    token-based replay (and alignments if asked), and export it as PNML and, with `bpmn`,
    BPMN 2.0 XML.

    `activities` (most significant first; None: all): mine the log projected onto them
    (`limit_text` says how they were chosen). The miner runs in a worker process stopped
    after `time_limit` seconds (None: no limit); then the inductive miner (IMf) mines the more
    significant half of the activities (at most 25) instead, within a quarter of that time
    (at least 5 s), and failing that their directly-follows graph is the model; a warning says
    so. `mine` replaces pm4py's mining (`mining.mine_model`) in every attempt (tests inject
    slow ones). With `accept`, the mined model is shown to it before fitness and precision are
    measured; if it says no, that model is returned as it is (not measured).

    The model is mined from the real order of the events, whatever the clock."""
    if miner not in MINERS:
        raise BottleneckError(f"unknown miner {miner!r}", fix="use inductive, heuristics or dfg")
    if not 0.0 <= noise <= 1.0:
        raise BottleneckError(f"noise {noise} is outside [0, 1]", fix="use e.g. --noise 0.2")
    with prepared(log) as p:
        setup = _Setup(
            miner, noise, quality, alignments, event_limit, replay_limit, bpmn, time_limit
        )
        return _discover(p, setup, activities, limit_text, progress, mine, accept)


@dataclass(frozen=True)
class _Setup:
    miner: str
    noise: float
    quality: bool
    alignments: bool
    event_limit: int
    replay_limit: int
    bpmn: bool
    time_limit: float | None


def _task(
    p: PreparedLog,
    s: _Setup,
    miner: str,
    noise: float,
    variants: Counter[tuple[str, ...]],
    keep: Collection[str] | None,
) -> tuple[MiningTask, str, pd.DataFrame | None]:
    """The mining task on the activities `keep` (None: all), where it is mined from, and the
    heuristics miner's frame when it was made."""
    instances = sum(len(v) * n for v, n in variants.items())
    event_level = instances <= s.event_limit and len(variants) <= VARIANT_LIMIT
    dfg = _dfg(p) if keep is None else variants_dfg(variants)
    frame = None
    if miner == "heuristics" and event_level:
        frame = _projected(replay_frame(p, limit=max(instances, 1)), keep)
    task = MiningTask(miner, noise, variants if event_level else None, dfg, frame, s.bpmn)
    return task, ("event log" if event_level else "directly-follows graph"), frame


def _projected(frame: pd.DataFrame, keep: Collection[str] | None) -> pd.DataFrame:
    if keep is None:
        return frame
    return frame[frame["concept:name"].isin(set(keep))].reset_index(drop=True)


def _discover(
    p: PreparedLog,
    s: _Setup,
    activities: Sequence[str] | None,
    limit_text: str,
    progress: Callable[[str], None],
    mine: MineFunction | None,
    accept: Callable[[DiscoveredModel], bool] | None = None,
) -> DiscoveredModel:
    all_variants = log_variants(p)
    cases = sum(all_variants.values())
    occ = occurrences(all_variants)
    events_total = sum(occ.values())
    ranked = sorted(occ, key=lambda a: (-occ[a], a))
    asked = ranked if activities is None else [a for a in activities if a in occ]
    keep: list[str] | None = asked if len(asked) < len(occ) else None
    variants = all_variants if keep is None else project_variants(all_variants, set(keep))
    warnings: list[ModelWarning] = []

    def ticker(what: str, n: int, limit: float | None) -> Callable[[float], None]:
        of = "" if limit is None else f" of {limit:.0f}"
        return lambda t: progress(
            f"mining the process model ({what}, {n:,} activities; {t:.0f}{of} s)"
        )

    n_asked = len(asked)
    began = time.monotonic()
    task, source, frame = _task(p, s, s.miner, s.noise, variants, keep)
    progress(f"mining the process model ({s.miner}, {n_asked:,} activities)")
    with quiet():  # imported once, here: the mining worker inherits it instead of importing it
        import pm4py  # noqa: F401
    use = mine if mine is not None else mining.mine_model
    mined = mine_within(task, s.time_limit, mine=use, tick=ticker(s.miner, n_asked, s.time_limit))
    miner, noise = s.miner, s.noise
    if mined is None:
        assert s.time_limit is not None
        fewer = asked[: max(2, min(FALLBACK_ACTIVITIES, -(-n_asked // 2)))]
        keep = fewer if len(fewer) < len(occ) else None
        variants = all_variants if keep is None else project_variants(all_variants, set(fewer))
        miner, noise = "inductive", max(s.noise, FALLBACK_NOISE)
        budget = max(FALLBACK_MIN_S, s.time_limit * FALLBACK_SHARE)
        task, source, frame = _task(p, s, miner, noise, variants, keep)
        progress(f"mining a simpler model (IMf, {len(fewer):,} activities)")
        mined = mine_within(task, budget, mine=use, tick=ticker("IMf", len(fewer), budget))
        simpler = "IMf"
        if mined is None:
            miner, noise = "dfg", 0.0
            task, source, frame = _task(p, s, miner, noise, variants, keep)
            progress(f"drawing the directly-follows graph ({len(fewer):,} activities)")
            with ticking(ticker("dfg", len(fewer), None)):
                mined = use(task)
            simpler = "dfg"
        warnings.append(
            ModelWarning(
                "time_limit",
                {
                    "seconds": s.time_limit,
                    "miner": s.miner,
                    "activities": n_asked,
                    "model": simpler,
                    "kept": len(fewer),
                },
            )
        )
    kept = set(occ) if keep is None else set(keep)
    projection = Projection(
        limit=limit_text,
        total=len(occ),
        mined=len(kept),
        events_total=events_total,
        events_left_out=events_total - sum(occ[a] for a in kept),
        names=tuple(a for a in ranked if a in kept),
    )
    with quiet():
        from pm4py.objects.bpmn.importer.variants import lxml as bpmn_importer
        from pm4py.objects.petri_net.importer.variants import pnml as pnml_importer

        # the files with stable ids and order: the net is rebuilt in the same order every run,
        # so token replay (which follows the order of pm4py's sets) gives the same figures
        pnml_bytes = stable_xml(mined.pnml)
        bpmn_xml = None if mined.bpmn_xml is None else stable_xml(mined.bpmn_xml)
        net, im, fm = pnml_importer.import_net_from_string(pnml_bytes)
        bpmn_obj = None
        if bpmn_xml is not None:
            from lxml import etree  # type: ignore[import-untyped]

            root = etree.fromstring(bpmn_xml, etree.XMLParser(resolve_entities=False))
            bpmn_obj = bpmn_importer.import_xml_tree_from_root(root)
        if accept is not None:
            sketch = DiscoveredModel(
                miner=miner,
                source=source,
                noise=noise if miner == "inductive" else 0.0,
                fitness=None,
                precision=None,
                alignment_fitness=None,
                cases=cases,
                replayed_cases=0,
                net=net,
                initial=im,
                final=fm,
                bpmn=bpmn_obj,
                bpmn_xml=bpmn_xml,
                pnml=pnml_bytes,
                algorithm=mined.algorithm,
                bpmn_diagram=mined.bpmn_graph,
                projection=projection,
                time_limit=s.time_limit,
                fell_back=any(w.kind == "time_limit" for w in warnings),
                warnings=tuple(warnings),
            )
            if not accept(sketch):
                return sketch
        fitness = precision = align = None
        replayed = 0
        notes: list[str] = []
        instances = events_total - projection.events_left_out
        if s.quality:
            if frame is None or instances > s.replay_limit:
                frame = _projected(replay_frame(p, limit=s.replay_limit), keep)
            if s.time_limit is None:
                replayed = int(frame["case:concept:name"].nunique())
                progress(f"measuring fitness and precision ({replayed:,} cases)")
                with ticking(
                    lambda t: progress(
                        f"measuring fitness and precision ({replayed:,} cases; {t:.0f} s)"
                    )
                ):
                    fitness, precision = _replay(frame, net, im, fm)
            else:
                left = s.time_limit - (time.monotonic() - began)
                budget = max(REPLAY_MIN_S, min(left, REPLAY_SHARE * s.time_limit))
                fitness, precision, replayed = replay_within(frame, net, im, fm, budget, progress)
                if fitness is None:
                    warnings.append(
                        ModelWarning("replay_time_limit", {"seconds": budget, "cases": cases})
                    )
                elif replayed < cases:
                    warnings.append(
                        ModelWarning(
                            "replay_sample",
                            {"seconds": budget, "replayed": replayed, "cases": cases},
                        )
                    )
            if s.alignments:
                progress("aligning the cases with the model")
                try:
                    result = pm4py_fitness_alignments(frame, net, im, fm)
                    align = float(result["log_fitness"])
                except Exception as exc:  # pm4py refuses nets that are not easy sound
                    notes.append(
                        f"alignments were not computed: pm4py cannot align on this {miner} "
                        f"model ({' '.join(str(exc).split())[:120]})"
                    )
    follows = mined.follows if mined.follows is not None else net_follows(net)
    loop, any_order = largest_loop(follows)
    labelled = len({t.label for t in net.transitions if t.label is not None})
    precision = unit_interval(precision)
    low_precision = precision is not None and precision < FLOWER_PRECISION
    one_loop = (
        loop >= FLOWER_LOOP_MIN
        and loop > FLOWER_LOOP_SHARE * labelled
        and any_order >= FLOWER_ANY_ORDER
    )
    flower = low_precision or one_loop
    if flower:
        warnings.append(
            ModelWarning(
                "flower",
                {
                    "precision": precision if low_precision else None,
                    "loop": loop if one_loop else None,
                    "activities": labelled,
                    "fewer": max(2, min(15, labelled // 2)),
                },
            )
        )
    return DiscoveredModel(
        miner=miner,
        source=source,
        noise=noise if miner == "inductive" else 0.0,
        fitness=unit_interval(fitness),
        precision=precision,
        alignment_fitness=unit_interval(align),
        cases=cases,
        replayed_cases=replayed,
        net=net,
        initial=im,
        final=fm,
        bpmn=bpmn_obj,
        bpmn_xml=bpmn_xml,
        pnml=pnml_bytes,
        notes=tuple(notes),
        algorithm=mined.algorithm,
        bpmn_diagram=mined.bpmn_graph,
        projection=projection,
        time_limit=s.time_limit,
        fell_back=any(w.kind == "time_limit" for w in warnings),
        loop_activities=loop,
        flower=flower,
        warnings=tuple(warnings),
    )


def pm4py_fitness_alignments(frame: pd.DataFrame, net: Any, im: Any, fm: Any) -> Any:
    """pm4py's alignment-based fitness of the cases on the net."""
    import pm4py

    return pm4py.fitness_alignments(frame.copy(), net, im, fm)


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


# -------------------------------------------------------------------------------- reference
