"""One explored log: the filtered analysis behind every view, its map, figures and exports."""

from __future__ import annotations

import shlex
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.analyze import analyze
from ..calendar import WorkCalendar
from ..model import Analysis, EventLog
from ..prepared import PreparedLog
from ..render.graph import MAP_METRICS, GraphOptions, node_ids, process_map, render_dot
from ..render.messages import MESSAGES
from ..render.words import ENGLISH, Words
from ..reporting.privacy import officer_namer, unit_namer
from .facts import (
    VariantIndex,
    case_attribute,
    case_facts,
    case_numbers,
    event_attribute,
    events_attribute,
)
from .state import Attribute, ViewState, filter_log, select_cases, select_events

VARIANTS_SHOWN = 30
"""Rows of the variant list (the most frequent variants of the cases kept)."""
VALUES_SHOWN = 500
"""Values of an attribute the page offers (the most frequent; the list is searchable)."""
EXPORT_COLUMNS = ("case", "activity", "start", "end", "resource", "group", "lifecycle")
"""The columns of the filtered CSV, named so that `bottleneck report` reads it back."""


@dataclass(frozen=True)
class ExploreOptions:
    """How the page speaks and what it may show: `words` (language), `anonymize` (case ids and
    officers as pseudonyms), `top` (bottlenecks marked on the map), and the command line that
    read the log (`log_path`, `column_args`, `calendar_spec`) for the equivalent `report`
    command."""

    words: Words = ENGLISH
    anonymize: bool = True
    top: int = 3
    log_path: str = "LOG"
    column_args: tuple[str, ...] = ()
    calendar_spec: str = "none"
    """The `--calendar` the durations are counted on (`vn`, a TOML file or `none`)."""


@dataclass
class Selection:
    """The cases one set of filters keeps (and the events, when a chip keeps single events),
    their log prepared and analysed (None: no case), and what the drill-downs computed on them
    once (`cached`, e.g. the causes breakdown)."""

    key: str
    keep: np.ndarray
    prepared: PreparedLog | None
    analysis: Analysis | None
    cached: dict[str, Any] = field(default_factory=dict)


def view_header(w: Words, state: ViewState, kept: int, total: int, command: str) -> dict[str, Any]:
    """The fields every view's answer starts with: the cases kept of all, the state of the
    view and the command line that reproduces it."""
    return {
        "kept": kept,
        "total": total,
        "kept_text": w("ex_cases_kept", kept=w.count(kept), total=w.count(total)),
        "state": state.document(),
        "command": command,
    }


class Explorer:
    """The log being explored: its case facts, pseudonyms and the latest filtered analysis.

    Every method takes a `ViewState`; a view with the same filters as the previous one reuses
    its analysis, so a slider or metric change only draws the map again. Thread-safe: one
    request at a time computes (the server is threaded)."""

    def __init__(
        self,
        log: EventLog,
        options: ExploreOptions = ExploreOptions(),
        case_columns: Mapping[str, pd.Series] | None = None,
        calendar: WorkCalendar | None = None,
        named_with: Sequence[EventLog] = (),
        event_columns: Mapping[str, pd.Series] | None = None,
    ) -> None:
        """`case_columns`: case attributes (one value per case label); `event_columns`: event
        attributes (one value per event of `log`, `facts.event_values`); `named_with`: other
        logs explored beside this one (the other period), whose officers and units are
        numbered with this log's, so a pseudonym names one person on both."""
        self.options = options
        self.words = options.words
        self.full = PreparedLog(log, calendar=calendar)  # working time on a calendar
        self.lock = threading.RLock()
        events = log.events
        w = self.words
        every = [log.events, *(other.events for other in named_with)]
        self.officer = officer_namer(
            [
                e["resource"]
                .value_counts(dropna=True)
                .rename_axis("resource")
                # astype(str): the logs' categories differ
                .reset_index(name="count")
                .astype({"resource": str})
                for e in every
            ],
            w,
            anonymize=options.anonymize,
        )
        members = pd.concat([e[["group", "resource"]].astype(object) for e in every])
        self.unit = unit_namer(
            [members.groupby("group")["resource"].nunique().reset_index(name="members")],
            w,
            anonymize=options.anonymize,
        )
        labels = np.asarray(events["case"].cat.categories.astype(str), dtype=object)
        attributes: dict[str, Attribute] = {
            c: case_attribute(labels, s) for c, s in (case_columns or {}).items()
        }
        for c, s in (event_columns or {}).items():
            attributes[c] = events_attribute(s, events["case"], lambda v: v or "")
        if events["resource"].notna().any():
            attributes[w("ex_attr_resource")] = event_attribute(self.full, "resource", self.officer)
        if events["group"].notna().any():
            attributes[w("ex_attr_group")] = event_attribute(self.full, "group", self.unit)
        self.facts = case_facts(self.full, attributes)
        self.variants = VariantIndex([self.facts])
        self.numbers = case_numbers(self.facts)
        self.by_number = np.argsort(self.numbers)
        self.code_of = {str(label): i for i, label in enumerate(labels)}
        self.selection: Selection | None = None

    def close(self) -> None:
        """Release the engine sessions."""
        with self.lock:
            self._drop_selection()
            self.full.close()

    def _drop_selection(self) -> None:
        chosen = self.selection
        if chosen is not None and chosen.prepared not in (None, self.full):
            assert chosen.prepared is not None
            chosen.prepared.close()
        self.selection = None

    def case_name(self, code: int) -> str:
        """How the page names the case of `code`: its pseudonym, or its id."""
        if self.options.anonymize:
            return self.words("ex_case", n=int(self.numbers[code]))
        return str(self.facts.labels[code])

    def select(self, state: ViewState) -> Selection:
        """The cases `state` keeps and their analysis (the previous one when its filters match)."""
        key = state.filter_key()
        with self.lock:
            if self.selection is not None and self.selection.key == key:
                return self.selection
            keep = select_cases(self.facts, state.filters)
            trimmed = select_events(self.facts, state.filters)
            self._drop_selection()
            if not keep.any():
                self.selection = Selection(key, keep, None, None)
                return self.selection
            log = filter_log(self.full.log, keep, trimmed)
            prepared = (
                self.full if log is self.full.log else PreparedLog(log, calendar=self.full.calendar)
            )
            self.selection = Selection(key, keep, prepared, analyze(prepared, top=10))
            return self.selection

    def graph_options(self, state: ViewState) -> GraphOptions:
        """The map options of a view: its sliders and metric, laid out unfitted (the page
        zooms), in the page's language."""
        return GraphOptions(
            top_marked=self.options.top,
            words=self.words,
            activities=state.activities,
            paths=state.paths,
            metric=state.metric,
            fit=False,
        )

    def map_dot(self, state: ViewState) -> str | None:
        """The DOT source of the view's map (None when no case passes the filters)."""
        with self.lock:
            chosen = self.select(state)
            if chosen.analysis is None:
                return None
            return process_map(chosen.analysis, self.graph_options(state))[0]

    def view(self, state: ViewState) -> dict[str, Any]:
        """Everything the page shows for `state`: the map as SVG with the names of its node
        ids, the figures, what the map shows and hides, and the equivalent command."""
        w = self.words
        with self.lock:
            chosen = self.select(state)
            kept, total = int(chosen.keep.sum()), len(self.facts)
            out = view_header(w, state, kept, total, self.command(state))
            if chosen.analysis is None:
                return {**out, "empty": True, "message": w("ex_no_cases")}
            analysis = chosen.analysis
            dot, abstraction = process_map(analysis, self.graph_options(state))
        svg = render_dot(dot, "svg").decode("utf-8")
        ids = node_ids(analysis)
        return {
            **out,
            "empty": False,
            "svg": svg,
            "names": {v: k for k, v in ids.items()},
            "figures": self.figures(analysis),
            **self.variant_list(self.variants, [chosen.keep]),
            "shown": {
                "activities": len(abstraction.activities),
                "arrows": len(abstraction.arrows),
                "drawn_arrows": len(abstraction.arrows)
                + len(abstraction.starts)
                + len(abstraction.ends),
                "total_activities": abstraction.total_activities,
                "total_arrows": abstraction.total_arrows,
            },
        }

    def variant_list(self, index: VariantIndex, keeps: Sequence[np.ndarray]) -> dict[str, Any]:
        """The variant list of the cases kept (`keeps`, one boolean per case of each log of
        `index`): the `VARIANTS_SHOWN` most frequent variants (ties by name) with rank, cases,
        share and activities, and how many variants the kept cases follow."""
        top, total, count = index.top(keeps, VARIANTS_SHOWN)
        rows = [
            {
                "rank": rank,
                "variant": name,
                "activities": list(activities),
                "cases": n,
                "share": n / total,
                "share_text": self.words.percent(n / total),
            }
            for rank, (name, activities, n) in enumerate(top, start=1)
        ]
        return {"variants": rows, "variants_total": count}

    def figures(self, analysis: Analysis) -> list[tuple[str, str]]:
        """The key figures of the filtered log, as (label, value) in the page's language."""
        w = self.words
        rows = [
            (w("ex_fig_cases"), w.count(analysis.log.cases)),
            (w("ex_fig_events"), w.count(analysis.log.events)),
            (w("ex_fig_median"), w.duration(analysis.cases.duration_median_s)),
            (w("ex_fig_p90"), w.duration(analysis.cases.duration_p90_s)),
            (w("ex_fig_wait"), w.duration(analysis.total_wait_s)),
            (
                w("ex_fig_span"),
                f"{w.date(analysis.log.first_event.tz_convert(analysis.display_tz))} – "
                f"{w.date(analysis.log.last_event.tz_convert(analysis.display_tz))}",
            ),
        ]
        b = analysis.bottlenecks
        top = b[(b["kind"] == "transition") & (b["wait_total_s"] > 0)]
        if len(top):
            first = top.sort_values("rank", kind="stable").iloc[0]
            rows.append(
                (
                    w("ex_fig_top"),
                    f"{first['source']} → {first['target']}: "
                    f"{w.percent(float(first['share_of_total_wait']))}",
                )
            )
        return rows

    def meta(self) -> dict[str, Any]:
        """What the page needs before its first view: its words, the activities, the attribute
        values (pseudonyms where anonymized), the log's dates, the metrics."""
        w = self.words
        events = self.full.log.events
        first = pd.Timestamp(int(self.facts.first_us.min()), unit="us", tz="UTC")
        last = pd.Timestamp(int(self.facts.first_us.max()), unit="us", tz="UTC")
        tz = self.full.log.display_tz
        return {
            "lang": w.lang,
            "texts": {
                k: v[0 if w.lang == "vi" else 1] for k, v in MESSAGES.items() if k[:3] == "ex_"
            },
            "source": self.options.log_path,
            "anonymized": self.options.anonymize,
            "cases": len(self.facts),
            "events": len(events),
            "activities": sorted(self.facts.activities),
            "attributes": {
                name: [[value, n] for value, n in a.counts()[:VALUES_SHOWN]]
                for name, a in self.facts.attributes.items()
            },
            "event_attributes": [
                name for name, a in self.facts.attributes.items() if a.events is not None
            ],
            "first_day": first.tz_convert(tz).strftime("%Y-%m-%d"),
            "last_day": last.tz_convert(tz).strftime("%Y-%m-%d"),
            "metrics": list(MAP_METRICS),
        }

    def command(self, state: ViewState) -> str:
        """The `bottleneck report` command line that draws this view's map (its sliders): on
        the log itself without filters, else on the filtered CSV the page exports."""
        sliders = ["--activities", state.activities, "--paths", state.paths]
        # the same language and clock as this page (report's own defaults differ)
        sliders += ["--lang", self.words.lang, "--calendar", self.options.calendar_spec]
        if not self.options.anonymize:
            sliders.append("--no-anonymize")
        if not state.filters:
            line = [
                "bottleneck",
                "report",
                self.options.log_path,
                *self.options.column_args,
                *sliders,
            ]
            return shlex.join(line)
        columns = ["--case", "case", "--activity", "activity", "--timestamp", "end"]
        log = self.full.log
        if log.has_start_times and not log.has_lifecycle:
            columns += ["--start-timestamp", "start"]
        if log.has_lifecycle:
            columns += ["--lifecycle", "lifecycle"]
        columns += ["--resource", "resource", "--group", "group"]
        return shlex.join(["bottleneck", "report", "explore-filtered.csv", *columns, *sliders])

    def case_codes(self, labels: Sequence[str]) -> np.ndarray:
        """The whole log's case codes of case labels."""
        return np.array([self.code_of[str(label)] for label in labels], dtype=np.int64)
