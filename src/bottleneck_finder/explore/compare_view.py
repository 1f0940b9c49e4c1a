"""Two periods explored: the before, after and difference maps of `compare`, with its verdicts."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.compare import CompareError, CompareOptions, compare_logs, compare_split
from ..analysis.compare_types import FINDING_COLUMNS, Comparison
from ..render.compare_graph import DifferenceSelection, comparison_maps
from ..render.compare_text import change_text, status_text, verdict
from ..render.graph import render_dot
from ..render.serialize import records
from ..timeunits import local_time
from .facts import VariantIndex
from .session import Explorer, view_header
from .state import VIEWS, CaseFacts, Filter, ViewState, chip_cases, filter_log, select_events

INTRODUCED_SHOWN = 10
"""Rows of the introduced bottlenecks the difference view lists (compare's terminal default)."""
FINDING_FIELDS = FINDING_COLUMNS[: FINDING_COLUMNS.index("added_wait_per_case_s") + 1]
"""The fields of an introduced bottleneck as `comparison.json` names them."""
COMPARISONS_KEPT = 8
"""Comparisons of recent filter sets kept, so that taking a chip off again is redrawn at once."""


def split_text(at: pd.Timestamp, tz: str) -> str:
    """A split date as `--split` reads it: the local date alone at midnight, else the time."""
    text = local_time(at, tz)
    return text[:10] if text[10:19] == "T00:00:00" else text


def side_cases(facts: CaseFacts, filters: Sequence[Filter]) -> np.ndarray:
    """The cases of one of two logs that every filter keeps, a value the log does not have
    matching no case there (the page offers the values of both logs)."""
    keep = np.ones(len(facts), dtype=bool)
    for chip in filters:
        if chip.kind in ("start", "end", "through"):
            known: Sequence[str] = facts.activities
        elif chip.kind == "variant":
            known = facts.variant_names
        elif chip.kind == "attribute":
            attribute = facts.attributes.get(chip.column)
            known = attribute.labels if attribute is not None else ()
        else:
            keep &= chip_cases(facts, chip)
            continue
        values = tuple(v for v in chip.values if v in known)
        if values:
            keep &= chip_cases(facts, replace(chip, values=values))
        else:
            keep[:] = False
    return keep


@dataclass
class Compared:
    """The comparison of the cases one set of filters keeps on each side (None: not
    comparable, `message` says why), the cases kept, and the maps last drawn."""

    key: str
    kept: tuple[int, int]
    result: Comparison | None
    message: str = ""
    maps_key: tuple[str, str] = ("", "")
    maps: tuple[dict[str, str], DifferenceSelection] | None = None
    keeps: tuple[np.ndarray, ...] = ()
    """The cases kept of each log (a boolean per case code): the main log, or before, after."""


class Comparer:
    """The two periods of an explored log: one log split at `at` (`main` holds it whole), or
    two logs (`before` beside `main`, the after log). Filters apply to both periods: each
    side's cases are filtered, then compared as `bottleneck compare` does."""

    def __init__(
        self,
        main: Explorer,
        *,
        at: pd.Timestamp | None = None,
        description: str | None = None,
        before: Explorer | None = None,
        options: CompareOptions | None = None,
        before_path: str = "BEFORE",
    ) -> None:
        if (at is None) == (before is None):
            raise ValueError("give a split date or the before log, not both")
        self.main, self.before, self.at, self.description = main, before, at, description
        self.options = options or CompareOptions(calendar=main.full.calendar)
        self.before_path = before_path
        self.words = main.words
        self.recent: dict[str, Compared] = {}
        """The comparisons of the latest filter sets (by `filter_key`), the newest last."""
        self.variants = (
            main.variants if before is None else VariantIndex([before.facts, main.facts])
        )

    @property
    def mode(self) -> str:
        """`split` (one log at a date) or `logs` (two logs)."""
        return "split" if self.before is None else "logs"

    def totals(self) -> int:
        """The cases of the log(s) explored."""
        return len(self.main.facts) + (len(self.before.facts) if self.before else 0)

    def compare(self, state: ViewState) -> Compared:
        """The comparison of the cases `state`'s filters keep (kept from before when one of
        the latest filter sets comes back)."""
        key = state.filter_key()
        ex = self.main
        with ex.lock:
            done = self.recent.pop(key, None)
            if done is not None:
                self.recent[key] = done  # the newest again
                return done
            keeps: tuple[np.ndarray, ...] = ()
            try:
                if self.before is None:
                    assert self.at is not None
                    keep = side_cases(ex.facts, state.filters)
                    kept: tuple[int, int] = (int(keep.sum()), 0)
                    events = select_events(ex.facts, state.filters)
                    whole = filter_log(ex.full.log, keep, events)
                    keeps = (keep,)
                    result = None
                    if keep.any():
                        chosen = ex.full if whole is ex.full.log else whole  # its prepared steps
                        result = compare_split(chosen, self.at, self.options, description=None)
                else:
                    b_keep = side_cases(self.before.facts, state.filters)
                    a_keep = side_cases(ex.facts, state.filters)
                    kept = (int(b_keep.sum()), int(a_keep.sum()))
                    keeps = (b_keep, a_keep)
                    b_events = select_events(self.before.facts, state.filters)
                    a_events = select_events(ex.facts, state.filters)
                    b_log = filter_log(self.before.full.log, b_keep, b_events)
                    a_log = filter_log(ex.full.log, a_keep, a_events)
                    # the whole log: its prepared steps
                    b = self.before.full if b_log is self.before.full.log else b_log
                    a = ex.full if a_log is ex.full.log else a_log
                    result = (
                        compare_logs(b, a, self.options) if b_keep.any() and a_keep.any() else None
                    )
                message = "" if result is not None else self.words("ex_no_cases")
            except CompareError as error:
                result, message = None, error.one_line()
            done = Compared(key, kept, result, message, keeps=keeps)
            self.recent[key] = done
            while len(self.recent) > COMPARISONS_KEPT:
                del self.recent[next(iter(self.recent))]
            return done

    def maps(self, state: ViewState) -> tuple[Compared, dict[str, str], DifferenceSelection] | None:
        """The comparison and its three maps on one layout at `state`'s sliders (None: none)."""
        with self.main.lock:
            done = self.compare(state)
            if done.result is None:
                return None
            sliders = (state.activities, state.paths)
            if done.maps is None or done.maps_key != sliders:
                done.maps = comparison_maps(done.result, self.words, *sliders)
                done.maps_key = sliders
            return done, *done.maps

    def map_dot(self, state: ViewState) -> str | None:
        """The DOT source of the map of `state.view` (None: nothing to compare)."""
        drawn = self.maps(state)
        return None if drawn is None else drawn[1][state.view or "difference"]

    def view(self, state: ViewState) -> dict[str, Any]:
        """What the page shows for one of the three maps: the map as SVG, what it shows and
        hides, compare's verdict and introduced bottlenecks, the cases compared."""
        w = self.words
        kind = state.view or "difference"
        drawn = self.maps(state)
        done = self.compare(state)
        kept, total = sum(done.kept) if self.before else done.kept[0], self.totals()
        out = view_header(w, state, kept, total, self.command(state))
        out.update(compare=self.mode, view=kind)
        if drawn is None or done.result is None:
            return {**out, "empty": True, "message": done.message}
        _, dots, chosen = drawn
        result = done.result
        svg = render_dot(dots[kind], "svg").decode("utf-8")
        if kind == "difference":
            shown = {
                "activities": len(chosen.activities),
                "arrows": len(chosen.edges),
                "drawn_arrows": len(chosen.edges),
                "total_activities": chosen.total_activities,
                "total_arrows": chosen.total_edges,
            }
        else:
            side = chosen.side(result, kind)
            shown = {
                "activities": len(side.activities),
                "arrows": len(side.arrows),
                "drawn_arrows": len(side.arrows),
                "total_activities": chosen.total_activities,
                "total_arrows": chosen.total_edges,
            }
        note = ""
        if state.filters:
            note = w(
                "ex_cmp_filtered",
                before=w.count(result.before.cases),
                after=w.count(result.after.cases),
            )
        return {
            **out,
            "empty": False,
            "svg": svg,
            "names": {},
            "figures": self.figures(result),
            **self.main.variant_list(self.variants, done.keeps),
            "shown": shown,
            "verdict": verdict(result, w),
            "note": note,
            "introduced": self.introduced(result),
            "introduced_total": len(result.introduced),
            "introduced_head": [
                w("cmp_col_where"),
                w("cmp_col_status"),
                w("cmp_col_change"),
                w("cmp_col_added"),
            ],
            "introduced_title": w("ex_cmp_introduced"),
        }

    def introduced(self, result: Comparison) -> list[dict[str, Any]]:
        """Compare's introduced bottlenecks (its ranking, the first `INTRODUCED_SHOWN`): the
        fields of comparison.json and their words (where, status, before → after, added)."""
        w = self.words
        out = []
        for row in records(result.introduced.head(INTRODUCED_SHOWN)):
            item = {k: row.get(k) for k in FINDING_FIELDS}
            if row["kind"] == "transition":
                where = f"{row['source']} → {row['target']}"
            else:
                where = w("t_before", activity=row["activity"])
            before, after = row["before_wait_median_s"], row["after_wait_median_s"]
            item["text"] = [
                where,
                status_text(str(row["status"]), w),
                change_text(
                    float("nan") if before is None else before,
                    float("nan") if after is None else after,
                    w,
                ),
                w.duration(abs(float(row["added_wait_per_case_s"]))),
            ]
            out.append(item)
        return out

    def figures(self, result: Comparison) -> list[tuple[str, str]]:
        """The sizes of the two periods and where they divide, in the page's language."""
        w = self.words
        rows = [
            (w("ex_fig_before_cases"), w.count(result.before.cases)),
            (w("ex_fig_after_cases"), w.count(result.after.cases)),
        ]
        if result.split.date is not None:
            rows.append((w("ex_fig_split"), split_text(result.split.date, result.display_tz)))
            if result.split.straddling_cases:
                rows.append((w("ex_fig_straddling"), w.count(result.split.straddling_cases)))
        return rows

    def command(self, state: ViewState) -> str:
        """The `bottleneck compare` command line that draws these maps: on the log itself
        without filters (or two logs), else on the filtered CSV the page exports (one log)."""
        ex = self.main
        sliders = ["--activities", state.activities, "--paths", state.paths]
        sliders += ["--lang", self.words.lang, "--calendar", ex.options.calendar_spec]
        if self.before is not None:
            logs = [self.before_path, ex.options.log_path]
            return shlex.join(["bottleneck", "compare", *logs, *ex.options.column_args, *sliders])
        assert self.at is not None
        split = ["--split", split_text(self.at, ex.full.log.display_tz)]
        if not state.filters:
            line = ["bottleneck", "compare", ex.options.log_path, *ex.options.column_args]
            return shlex.join([*line, *split, *sliders])
        report = shlex.split(ex.command(state))  # the filtered CSV's columns
        columns = report[3 : report.index("--activities")]
        return shlex.join(
            ["bottleneck", "compare", "explore-filtered.csv", *columns, *split, *sliders]
        )

    def meta(self) -> dict[str, Any]:
        """What the page needs to offer the three maps: the mode, the views, the split date
        or the before log; with two logs, the activities and attribute values of both."""
        w = self.words
        out: dict[str, Any] = {"mode": self.mode, "views": list(VIEWS)}
        if self.at is not None:
            out["split"] = split_text(self.at, self.main.full.log.display_tz)
            out["description"] = self.description
        else:
            out["before"] = self.before_path
        out["title"] = w(
            "ex_cmp_title_" + self.mode,
            **{k: v for k, v in out.items() if k in ("split", "before")},
        )
        return out

    def merged_values(self, meta: dict[str, Any]) -> dict[str, Any]:
        """The page's `meta` with the activities and attribute values of the before log too."""
        if self.before is None:
            return meta
        other = self.before.meta()
        activities = sorted(set(meta["activities"]) | set(other["activities"]))
        attributes: dict[str, list[list[Any]]] = {}
        for name in dict.fromkeys([*meta["attributes"], *other["attributes"]]):
            counts: dict[str, int] = {}
            for source in (meta, other):
                for value, n in source["attributes"].get(name, []):
                    counts[value] = counts.get(value, 0) + int(n)
            attributes[name] = [
                [v, n] for v, n in sorted(counts.items(), key=lambda p: (-p[1], p[0]))
            ]
        first = min(meta["first_day"], other["first_day"])
        last = max(meta["last_day"], other["last_day"])
        return {
            **meta,
            "activities": activities,
            "attributes": attributes,
            "first_day": first,
            "last_day": last,
            "cases": meta["cases"] + other["cases"],
            "events": meta["events"] + other["events"],
        }
