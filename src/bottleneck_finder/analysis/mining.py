"""pm4py mining in a worker process that is stopped at its deadline, and progress while it works."""

from __future__ import annotations

import contextlib
import functools
import io
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

# activity pair -> count; activity -> occurrences; start and end activity -> cases
DFG = tuple[dict[tuple[str, str], int], dict[str, int], dict[str, int], dict[str, int]]
TICK_S = 1.0  # how often a long phase says it is still working


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


@dataclass(frozen=True)
class MiningTask:
    """What a miner works on: the variants (event level) or only the directly-follows graph
    (`variants` None), and for the event-level heuristics miner the cases as a pm4py frame.
    `bpmn`: also convert the model to BPMN."""

    miner: str
    noise: float
    variants: Counter[tuple[str, ...]] | None
    dfg: DFG
    frame: pd.DataFrame | None
    bpmn: bool


@dataclass(frozen=True)
class MinedModel:
    """A miner's answer as plain bytes (what a worker process sends back): the net as PNML,
    the BPMN 2.0 XML and its drawing-neutral graph when BPMN was asked for, and `algorithm`,
    what made the model (IMf, IM, IMd, heuristics, dfg)."""

    algorithm: str
    pnml: bytes
    bpmn_xml: bytes | None
    bpmn_graph: Any  # ModelGraph | None (discover.py imports this module)
    follows: frozenset[tuple[str, str]] | None = None  # pairs the model lets follow directly


MineFunction = Callable[[MiningTask], MinedModel]


def _inductive(variants: Counter[tuple[str, ...]] | None, dfg: Any, noise: float) -> Any:
    """pm4py's inductive miner on variants (IMf with noise, else IM) or on a DFG (IMd); the
    process tree, folded and sorted as pm4py.discover_process_tree_inductive leaves it."""
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
    return tree


def algorithm(task: MiningTask) -> str:
    """The name of what mines `task`: IMf, IM, IMd, heuristics or dfg."""
    if task.miner == "inductive":
        if task.variants is None:
            return "IMd"
        return "IMf" if task.noise > 0 else "IM"
    return task.miner


def mine_model(task: MiningTask) -> MinedModel:
    """Mine `task` with pm4py; convert to BPMN only when `task.bpmn`."""
    from .model_graphs import bpmn_graph

    with quiet():
        import pm4py
        from pm4py.objects.bpmn.exporter.variants import etree as bpmn_exporter
        from pm4py.objects.petri_net.exporter.variants import pnml as pnml_exporter

        dfg, occ, start, end = task.dfg
        source: Any
        if task.miner == "inductive":
            from pm4py.objects.dfg.obj import DFG as DFGObject

            dfg_obj = None if task.variants is not None else DFGObject(dfg, start, end)
            source = _inductive(task.variants, dfg_obj, task.noise)
            net, im, fm = pm4py.convert_to_petri_net(source)
            from pm4py.algo.discovery.footprints.tree.variants import bottomup

            footprint = bottomup.apply(source)
            follows: frozenset[tuple[str, str]] | None = frozenset(
                (str(a), str(b)) for a, b in footprint["sequence"] | footprint["parallel"]
            )
        elif task.miner == "heuristics":
            if task.frame is not None:
                net, im, fm = pm4py.discover_petri_net_heuristics(task.frame.copy())
            else:
                from pm4py.algo.discovery.heuristics import algorithm as heuristics

                net, im, fm = heuristics.apply_dfg(
                    dfg,
                    activities=sorted(occ),
                    activities_occurrences=occ,
                    start_activities=start,
                    end_activities=end,
                )
            source = (net, im, fm)
            follows = None
        else:
            net, im, fm = pm4py.convert_to_petri_net(dfg, start, end)
            source = (net, im, fm)
            follows = frozenset(dfg)
        bpmn_xml = graph = None
        if task.bpmn:
            bpmn = (
                pm4py.convert_to_bpmn(source)
                if task.miner == "inductive"
                else pm4py.convert_to_bpmn(net, im, fm)
            )
            bpmn_xml = bytes(bpmn_exporter.get_xml_string(bpmn))
            graph = bpmn_graph(bpmn)
        pnml = pnml_exporter.export_petri_as_string(net, im, fm)
    pnml_bytes = pnml if isinstance(pnml, bytes) else str(pnml).encode("utf-8")
    return MinedModel(algorithm(task), pnml_bytes, bpmn_xml, graph, follows)


def mine_within(
    task: MiningTask,
    seconds: float | None,
    *,
    mine: MineFunction = mine_model,
    tick: Callable[[float], None] = lambda _elapsed: None,
) -> MinedModel | None:
    """`mine(task)` in a forked worker process, stopped at `seconds` (None: no limit, run
    here); None when it did not finish in time. `tick(elapsed)` is called about every second
    while it works. An interrupt (Ctrl-C) stops the worker too."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: no deadline either
        return mine(task)
    if seconds is None:
        with ticking(tick):
            return mine(task)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_call_child, args=(sender, functools.partial(mine, task)), daemon=True
    )
    began = time.monotonic()
    child.start()
    sender.close()
    answer: tuple[str, Any] | None = None
    try:
        while True:
            left = seconds - (time.monotonic() - began)
            if left <= 0:
                break
            if receiver.poll(min(TICK_S, left)):
                try:
                    answer = receiver.recv()
                except EOFError:  # the worker died without an answer
                    answer = ("error", RuntimeError("the mining process ended without a model"))
                break
            tick(time.monotonic() - began)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if answer is None:
        return None
    if answer[0] == "error":
        raise answer[1]
    result: MinedModel = answer[1]
    return result


def _call_child(connection: Any, function: Callable[[], Any]) -> None:
    try:
        connection.send(("ok", function()))
    except BaseException as exc:  # the parent raises it; never leave it waiting
        try:
            connection.send(("error", exc))
        except Exception:
            connection.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        connection.close()
        os._exit(0)  # no atexit handlers, no flushing of the parent's copied buffers


def all_within(
    functions: list[Callable[[], Any]],
    seconds: float,
    *,
    tick: Callable[[float], None] = lambda _elapsed: None,
) -> list[Any] | None:
    """Every one of `functions` called in its own forked worker process, side by side, all
    stopped at `seconds`; their answers in order, or None when they did not all finish in
    time. `tick(elapsed)` is called about every second while they work. Without fork they run
    here, one after the other, with no deadline."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return [f() for f in functions]
    began = time.monotonic()
    workers = []
    for function in functions:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_call_child, args=(sender, function), daemon=True)
        child.start()
        sender.close()
        workers.append((child, receiver))
    answers: list[tuple[str, Any] | None] = [None] * len(workers)
    try:
        while any(a is None for a in answers):
            left = seconds - (time.monotonic() - began)
            if left <= 0:
                break
            waiting = [r for (_, r), a in zip(workers, answers, strict=True) if a is None]
            ready = multiprocessing.connection.wait(waiting, timeout=min(TICK_S, left))
            for i, (_, receiver) in enumerate(workers):
                if answers[i] is None and receiver in ready:
                    try:
                        answers[i] = receiver.recv()
                    except EOFError:
                        answers[i] = ("error", RuntimeError("a worker ended without an answer"))
            tick(time.monotonic() - began)
    finally:
        for child, receiver in workers:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
    if any(a is None for a in answers):
        return None
    out = []
    for answer in answers:
        assert answer is not None
        if answer[0] == "error":
            raise answer[1]
        out.append(answer[1])
    return out


@contextlib.contextmanager
def ticking(tick: Callable[[float], None], every: float = TICK_S) -> Iterator[None]:
    """Call `tick(elapsed seconds)` about every `every` seconds from a helper thread while the
    block runs (pm4py holds the interpreter, but lets other threads in between)."""
    stop = threading.Event()
    began = time.monotonic()

    def run() -> None:
        while not stop.wait(every):
            tick(time.monotonic() - began)

    thread = threading.Thread(target=run, name="progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
