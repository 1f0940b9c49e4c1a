"""What a report shows beyond the main log's measurements: the optional analyses' results and
the series its plots draw, typed, each absent (None or empty) when not made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .measures import ReportData

if TYPE_CHECKING:  # the analyses are imported when their part is made
    from ..analysis.causes import CauseBreakdown
    from ..analysis.compare import Comparison
    from ..analysis.discover import DiscoveredModel, ModelGraph
    from ..analysis.drift_model import DriftResult
    from ..analysis.flows import Handoffs, Rework, Variants
    from ..analysis.ontime import OnTime
    from .figures import Series

Pair = tuple[str, str]
WeeklySeries = tuple[str, pd.DataFrame, str]
"""A weekly plot line: its legend label, a `ReportData.weekly` frame, its colour."""
Marker = tuple[pd.Timestamp, str]
"""A dated mark on the weekly plot: the local (naive) time and its label."""


@dataclass(frozen=True)
class BeforeAfter:
    """A before/after comparison and both sides measured for the report's plots.

    `mode` is "logs" (two logs) or "split" (one log at `split_at`, `auto` when the date was
    detected; `straddling` cases spanning it are left out). `before_waits` holds the before
    side's waits of the after side's plotted bottlenecks."""

    result: Comparison
    before: ReportData
    after: ReportData
    before_waits: dict[Pair, np.ndarray]
    mode: str
    split_at: pd.Timestamp | None = None
    auto: bool = False
    straddling: int = 0


@dataclass(frozen=True)
class Flows:
    """Variants, rework and hand-offs of the main log."""

    variants: Variants
    rework: Rework
    handoffs: Handoffs


@dataclass(frozen=True)
class FoundModel:
    """The model discovered from the main log, and its BPMN drawn as a graph."""

    mined: DiscoveredModel
    graph: ModelGraph


@dataclass(frozen=True)
class OptionalResults:
    """The optional results a report's sections read.

    `logs` lists every log of the report by file name for the data section (empty: the main
    log alone); `subtitle` adds lines under the title; `markers`, `weekly_series`,
    `throughput_series` and `wait_series` replace the main log's own lines in the core plots
    (a comparison draws both periods); `ontime` holds the on-time figures of `report
    --deadline`."""

    comparison: BeforeAfter | None = None
    drift: DriftResult | None = None
    causes: CauseBreakdown | None = None
    flows: Flows | None = None
    model: FoundModel | None = None
    ontime: OnTime | None = None
    logs: tuple[tuple[str, ReportData], ...] = ()
    subtitle: tuple[str, ...] = ()
    markers: tuple[Marker, ...] = ()
    weekly_series: tuple[WeeklySeries, ...] = ()
    throughput_series: tuple[Series, ...] = ()
    wait_series: tuple[Series, ...] = ()
