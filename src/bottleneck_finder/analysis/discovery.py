"""Everything `bottleneck discover` reports about one log: waits, the mined model, variants,
rework, hand-offs and the conformance to a reference model."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

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
from .model_shape import ModelWarning

DEFAULT_ACTIVITIES = "25"
"""By default the model is mined on the 25 most significant activities (the map's default)."""
STEP_DOWN = (18, 12, 8, 6)
"""… and when that model is too wide for a page, on these fewer, in turn, until one fits."""
STEP_MIN_S = 5.0  # a step down is mined only with at least this many seconds of the limit left

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


def fitting_model(
    p: PreparedLog,
    chosen: Sequence[str],
    *,
    fits: Callable[[DiscoveredModel], bool] | None = None,
    time_limit: float | None = TIME_LIMIT,
    progress: Callable[[str], None] = lambda _stage: None,
    **options: Any,
) -> DiscoveredModel:
    """The model of the `chosen` activities (most significant first; `discover` with
    `options`); with `fits` (is its picture legible on a page?), when it does not fit it is
    mined again on the most significant `STEP_DOWN` activities (18, 12, 8, then 6) until one
    fits or the `time_limit` (for all of it) runs out. Only the model kept is measured (fitness,
    precision); it says how many activities were asked first (`projection.stepped_from`) and
    carries a `too_wide` warning."""
    began = time.monotonic()
    verdicts: list[bool] = []

    def accept(model: DiscoveredModel) -> bool:
        assert fits is not None
        if tried and model.projection is not None:  # judged with its legend's line saying so
            model = replace(model, projection=replace(model.projection, stepped_from=n))
        verdicts.append(fits(model))
        return verdicts[-1]

    def left() -> float | None:
        if time_limit is None or not verdicts:  # the first attempt has all of it
            return time_limit
        return max(STEP_MIN_S, time_limit - (time.monotonic() - began))

    def attempt(n: int, last: bool) -> DiscoveredModel:
        budget = left()
        verdicts.clear()
        return discover(
            p,
            activities=list(chosen[:n]),
            time_limit=budget,
            progress=progress,
            accept=None if last or fits is None else accept,
            **options,
        )

    n = len(chosen)
    tried: list[int] = []
    model = attempt(n, fits is None)
    if fits is None or not verdicts or verdicts[-1]:
        return model
    tried.append(model.projection.mined if model.projection is not None else n)
    while True:
        out_of_time = time_limit is not None and time.monotonic() - began >= time_limit
        fewer = [k for k in STEP_DOWN if k < tried[-1]]
        if not fewer or out_of_time:  # keep the last one tried: measure it
            model = attempt(tried[-1], True)
            break
        progress(f"the model of {tried[-1]} activities is too wide for a page; {fewer[0]} next")
        model = attempt(fewer[0], fewer[0] == STEP_DOWN[-1])
        tried.append(fewer[0])
        if not verdicts or verdicts[-1]:
            break
    shown = model.projection.mined if model.projection is not None else tried[-1]
    warning = ModelWarning("too_wide", {"asked": n, "shown": shown, "tried": tried})
    projection = None if model.projection is None else replace(model.projection, stepped_from=n)
    return replace(
        model,
        projection=projection,
        time_limit=time_limit,
        warnings=(*model.warnings, warning),
    )


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
    activities: str | int | None = None,
    time_limit: float | None = TIME_LIMIT,
    mine: MineFunction | None = None,
    fits: Callable[[DiscoveredModel, Analysis], bool] | None = None,
) -> Discovery:
    """Analyze, mine and measure `log` once prepared (pure: no files, no printing; `progress`
    hears the name of each stage, and every second or so of a long one).

    The model is mined on the `activities` (N, P% or all) most significant activities, within
    `time_limit` seconds (then a simpler model; see `discover`); BPMN is made unless the
    notation is `petri`. `mine` replaces pm4py's mining (tests). `activities` None is the
    default (25); then, with `fits` (is the model's picture legible on a page?), a model too
    wide is mined again on fewer activities (`fitting_model`).

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
        asked = DEFAULT_ACTIVITIES if activities is None else activities
        limit = activity_count(asked, analysis.log.activities)
        chosen = significant_activities(analysis, None)
        model = fitting_model(
            p,
            chosen if limit is None or limit >= len(chosen) else chosen[:limit],
            fits=None if fits is None or activities is not None else lambda m: fits(m, analysis),
            miner=miner,
            noise=noise,
            alignments=alignments,
            limit_text=str(asked).strip().lower(),
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
