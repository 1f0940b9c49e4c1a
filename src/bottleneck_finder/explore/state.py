"""What an explore view shows: sliders, metric and filters (the URL hash), and the cases kept."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.abstraction import DEFAULT_ACTIVITIES, DEFAULT_PATHS, Limit
from ..errors import BottleneckError
from ..model import EventLog
from ..render.graph import MAP_METRICS

FILTER_KINDS = (
    "date",
    "attribute",
    "variant",
    "start",
    "end",
    "through",
    "rework",
    "duration",
)
"""date: cases started in [low, high] (local dates, both included); attribute: cases with one
of `values` in `column` (an event attribute: cases with at least one such event; `mode`
`events` keeps only those events); variant: cases following one of the variants `values`
(their activities joined by `VARIANT_SEPARATOR`); start / end: cases starting / ending with
one of `values`; through: cases passing through one of `values`; rework: cases repeating an
activity; duration: cases whose throughput time is in [low, high] days (an empty bound is
open)."""
MODES = ("", "events")
"""How an attribute chip filters: whole cases (""), or (`events`) only the matching events of
the cases it keeps."""
VARIANT_SEPARATOR = " → "
"""Between the activities of a variant as a variant chip names it."""
DAY_S = 86_400.0
VIEWS = ("before", "after", "difference")
"""The maps of a comparison (`--split` / `--compare-with`): each period's map on the shared
layout, and the difference map with compare's verdicts. An empty view: the one log's map."""


class StateError(BottleneckError):
    """A view state (URL hash or query) that cannot be read."""

    exit_code = 2


@dataclass(frozen=True)
class Filter:
    """One removable filter chip; every chip keeps only the cases it selects (chips combine with
    AND, the values of one chip with OR)."""

    kind: str
    column: str = ""
    values: tuple[str, ...] = ()
    low: str = ""
    high: str = ""
    mode: str = ""

    def document(self) -> dict[str, Any]:
        """The chip as JSON (only the fields it uses)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.column:
            out["column"] = self.column
        if self.values:
            out["values"] = list(self.values)
        if self.low:
            out["low"] = self.low
        if self.high:
            out["high"] = self.high
        if self.mode:
            out["mode"] = self.mode
        return out


@dataclass(frozen=True)
class ViewState:
    """The whole view: the two sliders (`N`, `P%` or `all`), the metric, the filters and, when
    two periods are explored, which of their maps (`view`, one of `VIEWS`)."""

    activities: str = str(DEFAULT_ACTIVITIES)
    paths: str = str(DEFAULT_PATHS)
    metric: str = "median"
    filters: tuple[Filter, ...] = ()
    view: str = ""

    @staticmethod
    def from_json(text: str | None) -> ViewState:
        """The state a URL hash or `?state=` holds (empty: the default view); StateError when
        a field is not understood."""
        if not text:
            return ViewState()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StateError(f"the view state is not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise StateError("the view state must be a JSON object")
        state = ViewState(
            activities=str(data.get("activities", DEFAULT_ACTIVITIES)),
            paths=str(data.get("paths", DEFAULT_PATHS)),
            metric=str(data.get("metric", "median")),
            filters=tuple(_filter(f) for f in data.get("filters", [])),
            view=str(data.get("view", "")),
        )
        if state.view not in ("", *VIEWS):
            raise StateError(f"unknown view {state.view!r}; one of {', '.join(VIEWS)}")
        for limit in (state.activities, state.paths):
            try:
                Limit.parse(limit)
            except ValueError as exc:
                raise StateError(f"bad slider value: {exc}") from exc
        if state.metric not in MAP_METRICS:
            raise StateError(f"unknown metric {state.metric!r}; one of {', '.join(MAP_METRICS)}")
        return state

    def document(self) -> dict[str, Any]:
        """The state as JSON, as the page keeps it in its URL hash (`view` only when set)."""
        out: dict[str, Any] = {
            "activities": self.activities,
            "paths": self.paths,
            "metric": self.metric,
            "filters": [f.document() for f in self.filters],
        }
        if self.view:
            out["view"] = self.view
        return out

    def to_json(self) -> str:
        """`document()` as compact JSON."""
        return json.dumps(self.document(), ensure_ascii=False, separators=(",", ":"))

    def filter_key(self) -> str:
        """What selects the cases (the filters alone): views sharing it share one analysis."""
        return json.dumps([f.document() for f in self.filters], sort_keys=True)

    def with_filters(self, *filters: Filter) -> ViewState:
        """This view with `filters` added."""
        return replace(self, filters=(*self.filters, *filters))


def _filter(data: Any) -> Filter:
    if not isinstance(data, dict) or data.get("kind") not in FILTER_KINDS:
        raise StateError(f"unknown filter {data!r}; kinds: {', '.join(FILTER_KINDS)}")
    values = data.get("values", [])
    if not isinstance(values, list):
        raise StateError("a filter's values must be a list")
    mode = str(data.get("mode", ""))
    if mode not in MODES or (mode and data["kind"] != "attribute"):
        raise StateError(f"unknown filter mode {mode!r}; an attribute chip may be 'events'")
    return Filter(
        kind=str(data["kind"]),
        column=str(data.get("column", "")),
        values=tuple(str(v) for v in values),
        low=str(data.get("low", "")),
        high=str(data.get("high", "")),
        mode=mode,
    )


@dataclass(frozen=True)
class Attribute:
    """A case attribute as (case, value) pairs: one per case for a case column, one per case and
    value for an event attribute such as the officer ("has an event by …")."""

    labels: tuple[str, ...]
    cases: np.ndarray
    codes: np.ndarray
    events: np.ndarray | None = None
    """An event attribute's value code of every event of the log (-1: none); None: a case
    attribute."""

    def counts(self) -> list[tuple[str, int]]:
        """Each value with the number of cases having it, most first."""
        n = np.bincount(self.codes, minlength=len(self.labels)) if len(self.codes) else None
        if n is None:
            return []
        pairs = [(label, int(c)) for label, c in zip(self.labels, n.tolist(), strict=False) if c]
        return sorted(pairs, key=lambda p: (-p[1], p[0]))


@dataclass(frozen=True)
class CaseFacts:
    """What the filters test, one entry per case of the whole log (indexed by case code):
    first and last real event times (µs, UTC), first and last activity codes, rework; the
    (case, activity) pairs that occur; the attributes by name; the log's time zone; and each
    case's variant code (-1: none) into `variant_steps` and `variant_names`."""

    labels: np.ndarray
    first_us: np.ndarray
    last_us: np.ndarray
    start: np.ndarray
    end: np.ndarray
    rework: np.ndarray
    activities: tuple[str, ...]
    pair_case: np.ndarray
    pair_activity: np.ndarray
    tz: str = "UTC"
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    variant: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    variant_steps: tuple[str, ...] = ()
    """Each variant's activity codes (into `activities`), comma-separated."""
    variant_names: tuple[str, ...] = ()
    """Each variant as a variant chip names it: its activities joined by `VARIANT_SEPARATOR`."""

    def __len__(self) -> int:
        return len(self.labels)

    def variant_activities(self, code: int) -> tuple[str, ...]:
        """The activities of the variant of `code`, in case order."""
        return tuple(self.activities[int(a)] for a in self.variant_steps[code].split(","))


def _local_midnight_us(day: str, tz: str, days_after: int = 0) -> int:
    try:
        date = dt.date.fromisoformat(day.strip())
    except ValueError as exc:
        raise StateError(f"{day!r} is not a date (YYYY-MM-DD)") from exc
    stamp = pd.Timestamp(date + dt.timedelta(days=days_after)).tz_localize(
        tz, ambiguous=False, nonexistent="shift_forward"
    )
    return int(stamp.tz_convert("UTC").value // 1000)


def _days(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise StateError(f"{text!r} is not a number of days") from exc
    if math.isnan(value):
        raise StateError("a number of days cannot be NaN")
    return value


def _codes_of(names: Sequence[str], known: Sequence[str], what: str) -> list[int]:
    index = {name: i for i, name in enumerate(known)}
    missing = [n for n in names if n not in index]
    if missing:
        raise StateError(f"unknown {what} {missing[0]!r}")
    return [index[n] for n in names]


def chip_cases(facts: CaseFacts, chip: Filter) -> np.ndarray:
    """The cases (a boolean per case code) one filter chip keeps."""
    n = len(facts)
    if chip.kind == "date":
        keep = np.ones(n, dtype=bool)
        if chip.low:
            keep &= facts.first_us >= _local_midnight_us(chip.low, facts.tz)
        if chip.high:
            keep &= facts.first_us < _local_midnight_us(chip.high, facts.tz, days_after=1)
        return keep
    if chip.kind == "duration":
        days = (facts.last_us - facts.first_us) / 1e6 / DAY_S
        low, high = _days(chip.low), _days(chip.high)
        keep = np.ones(n, dtype=bool)
        if low is not None:
            keep &= days >= low
        if high is not None:
            keep &= days <= high
        return keep
    if chip.kind == "rework":
        return facts.rework.copy()
    if chip.kind in ("start", "end"):
        codes = _codes_of(chip.values, facts.activities, "activity")
        return np.isin(facts.start if chip.kind == "start" else facts.end, codes)
    keep = np.zeros(n, dtype=bool)
    if chip.kind == "variant":
        codes = _codes_of(chip.values, facts.variant_names, "variant")
        return np.isin(facts.variant, codes)
    if chip.kind == "through":
        codes = _codes_of(chip.values, facts.activities, "activity")
        keep[facts.pair_case[np.isin(facts.pair_activity, codes)]] = True
        return keep
    attribute = facts.attributes.get(chip.column)
    if attribute is None:
        raise StateError(f"unknown attribute {chip.column!r}")
    if chip.mode and attribute.events is None:
        raise StateError(f"{chip.column!r} is a case attribute: it cannot keep single events")
    codes = _codes_of(chip.values, attribute.labels, f"value of {chip.column}")
    keep[attribute.cases[np.isin(attribute.codes, codes)]] = True
    return keep


def select_events(facts: CaseFacts, filters: Sequence[Filter]) -> np.ndarray | None:
    """The events (a boolean per event of the log) the `events` attribute chips keep; None
    without such a chip. They trim the cases the chips select, which are whole cases."""
    keep: np.ndarray | None = None
    for chip in filters:
        if chip.mode != "events":
            continue
        attribute = facts.attributes.get(chip.column)
        if attribute is None or attribute.events is None:  # chip_cases said why
            continue
        # the values this log has (the other period's are offered too)
        codes = [i for i, label in enumerate(attribute.labels) if label in chip.values]
        matching = np.isin(attribute.events, codes)
        keep = matching if keep is None else keep & matching
    return keep


def select_cases(facts: CaseFacts, filters: Sequence[Filter]) -> np.ndarray:
    """The cases every filter keeps (a boolean per case code; all cases without filters)."""
    keep = np.ones(len(facts), dtype=bool)
    for chip in filters:
        keep &= chip_cases(facts, chip)
    return keep


def filter_log(log: EventLog, keep: np.ndarray, events_kept: np.ndarray | None = None) -> EventLog:
    """The events of the kept cases (`keep`: a boolean per case code of `log`), only those of
    `events_kept` (a boolean per event) when given, the categories left unused dropped: the
    log as if the file held only those events."""
    if bool(keep.all()) and (events_kept is None or bool(events_kept.all())):
        return log
    events = log.events
    rows = keep[events["case"].cat.codes.to_numpy()]
    if events_kept is not None:
        rows &= events_kept
    kept = events.take(np.flatnonzero(rows)).reset_index(drop=True)
    for column in ("case", "activity", "resource", "group"):
        kept[column] = without_unused(kept[column])
    return replace(log, events=kept, case_order=None)


def without_unused(column: pd.Series) -> pd.Series:
    """A categorical column without its unused categories: what pandas'
    `remove_unused_categories` gives, counted with one `bincount` instead of a hash table."""
    codes = column.cat.codes.to_numpy()
    categories = column.cat.categories
    known = codes >= 0
    used = np.bincount(codes[known], minlength=len(categories)) > 0
    if used.all():
        return column
    renumber = np.cumsum(used) - 1
    recoded = np.where(known, renumber[np.where(known, codes, 0)], -1)
    dtype = pd.CategoricalDtype(categories[used], ordered=column.cat.ordered)
    values = pd.Categorical.from_codes(recoded, dtype=dtype)
    return pd.Series(values, index=column.index, name=column.name)
