"""Everything `bottleneck discover` reports about one log: waits, the mined model, variants,
rework, hand-offs and the conformance to a reference model."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..calendar import WorkCalendar
from ..errors import BottleneckError
from ..model import Analysis, EventLog
from ..prepared import PreparedLog, prepared
from .abstraction import ranked_activities
from .analyze import analyze
from .conformance import Conformance, conformance, read_reference
from .discover import TIME_LIMIT, DiscoveredModel, discover, log_variants
from .flows import Handoffs, Rework, Variants, handoffs, rework, variants
from .mining import MineFunction

DEFAULT_ACTIVITIES = "25"
"""By default the model is mined on the 25 most significant activities (the map's default)."""

_LIMIT = re.compile(r"^\s*(?:(all)|(\d+)|(\d+(?:\.\d*)?|\.\d+)\s*%)\s*$", re.IGNORECASE)


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


def activity_count(text: str | int, total: int) -> int | None:
    """How many of `total` activities `--activities` keeps: `N`, `P%` (that share of the
    activities, rounded up, at least 1) or `all` (None: no projection)."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    found = _LIMIT.match(str(text))
    bad = BottleneckError(
        f"--activities {text!r} is not N, P% or all",
        fix="use e.g. --activities 25, --activities 30% or --activities all",
    )
    if found is None:
        raise bad
    if found.group(1):
        return None
    if found.group(2):
        n = int(found.group(2))
        if n < 1:
            raise bad
        return n
    pct = float(found.group(3))
    if not 0 < pct <= 100:
        raise bad
    return max(1, math.ceil(pct / 100.0 * total - 1e-9))


def significant_activities(
    source: EventLog | PreparedLog | Analysis, limit: int | None
) -> list[str]:
    """The `limit` most significant activities (None: all), most significant first, as the
    process map ranks them (`abstraction.ranked_activities`: the larger of an activity's share
    of all occurrences and its share of all waiting before an activity; ties by name)."""
    if isinstance(source, Analysis):
        analysis = source
    else:
        with prepared(source) as p:
            analysis = analyze(p, top=1)
    ranked = ranked_activities(analysis)
    return ranked if limit is None else ranked[:limit]


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
    activities: str | int = DEFAULT_ACTIVITIES,
    time_limit: float | None = TIME_LIMIT,
    mine: MineFunction | None = None,
) -> Discovery:
    """Analyze, mine and measure `log` once prepared (pure: no files, no printing; `progress`
    hears the name of each stage, and every second or so of a long one).

    The model is mined on the `activities` (N, P% or all) most significant activities, within
    `time_limit` seconds (then a simpler model; see `discover`); BPMN is made unless the
    notation is `petri`. `mine` replaces pm4py's mining (tests).

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
        limit = activity_count(activities, analysis.log.activities)
        chosen = significant_activities(analysis, None)
        model = discover(
            p,
            miner=miner,
            noise=noise,
            alignments=alignments,
            activities=chosen if limit is None or limit >= len(chosen) else chosen[:limit],
            limit_text=str(activities).strip().lower(),
            bpmn=notation != "petri",
            time_limit=time_limit,
            progress=stage,
            mine=mine,
        )
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
