"""Everything `bottleneck discover` reports about one log: waits, the mined model, variants,
rework, hand-offs and the conformance to a reference model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..calendar import WorkCalendar
from ..model import Analysis, EventLog
from ..prepared import PreparedLog, prepared
from .analyze import analyze
from .conformance import Conformance, conformance, read_reference
from .discover import DiscoveredModel, discover, log_variants
from .flows import Handoffs, Rework, Variants, handoffs, rework, variants


@dataclass(frozen=True)
class Discovery:
    """Everything `bottleneck discover` computes about one log."""

    analysis: Analysis
    model: DiscoveredModel
    notation: str
    variants: Variants
    rework: Rework
    handoffs: Handoffs
    conformance: Conformance | None
    reference: str | None
    calendar: WorkCalendar | None = None  # the calendar of the time annotations (None: wall clock)


def run_discovery(
    log: EventLog | PreparedLog,
    *,
    miner: str = "inductive",
    notation: str = "bpmn",
    noise: float = 0.2,
    top: int = 10,
    alignments: bool = False,
    reference: tuple[str, bytes] | None = None,
    progress: Callable[[str], None] = lambda _stage: None,
    calendar: WorkCalendar | None = None,
) -> Discovery:
    """Analyze, mine and measure `log` once prepared (pure: no files, no printing; `progress`
    hears the name of each stage).

    On a working calendar (the prepared log's, or `calendar`) every time annotation (waits,
    work, variant durations, rework and hand-off waits) is working time; the model is mined
    from the real order of the events and the first and last event are real dates."""
    stage = progress

    ref = None
    if reference is not None:
        ref = read_reference(reference[1], source=reference[0])
    with prepared(log, calendar) as p:
        stage("measuring waiting times")
        analysis = analyze(p, top=top)
        stage("counting variants, rework and hand-offs")
        found_variants = variants(p, top=top)
        found_rework = rework(p)
        found_handoffs = handoffs(p)
        stage(f"mining the process model ({miner})")
        model = discover(p, miner=miner, noise=noise, alignments=alignments)
        checked = None
        if ref is not None:
            stage("aligning the log with the reference model")
            checked = conformance(log_variants(p), ref[1], ref[2], ref[3])
    return Discovery(
        analysis=analysis,
        model=model,
        notation=notation,
        variants=found_variants,
        rework=found_rework,
        handoffs=found_handoffs,
        conformance=checked,
        reference=None if reference is None else reference[0],
        calendar=p.calendar,
    )
