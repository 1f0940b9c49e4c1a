"""Which activities and arrows a process map shows: Disco's activity and path sliders."""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ..model import Analysis

START, END = "\0start", "\0end"
"""The map's start and end nodes inside the abstraction (no activity name contains NUL)."""

DEFAULT_ACTIVITIES = 25
DEFAULT_PATHS = 45
"""The default budgets: the default map has at most 25 activities (27 boxes with start and end)
and about 45 arrows (more only where the required arrows need them)."""

REQUIRED_PATH_ROOM = DEFAULT_ACTIVITIES
"""A required activity comes with its widest paths from start and to end even beyond the
budget, unless they hold more activities than this (a log of long chains, such as 100,000
activities in two cases): then it is shown alone, without them."""

_LIMIT = re.compile(r"^\s*(?:(all)|(\d+)|(\d+(?:\.\d*)?|\.\d+)\s*%)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Limit:
    """How many of something a map shows: `count` items, a `share` (0..1) of them, or all
    (both None); `cap`, when set, caps the result further."""

    count: int | None = None
    share: float | None = None
    cap: int | None = None

    @staticmethod
    def parse(text: str | int | Limit | None) -> Limit:
        """`N` (a whole number ≥ 1), `P%` (0 < P ≤ 100) or `all`; ValueError otherwise."""
        if isinstance(text, Limit):
            return text
        if text is None:
            return ALL
        if isinstance(text, int) and not isinstance(text, bool):
            if text < 1:
                raise ValueError(f"{text} is not a whole number of at least 1")
            return Limit(count=text)
        found = _LIMIT.match(str(text))
        if found is None:
            raise ValueError(f"{text!r} is not N, P% or all")
        if found.group(1):
            return ALL
        if found.group(2):
            n = int(found.group(2))
            if n < 1:
                raise ValueError(f"{text!r}: the number must be at least 1")
            return Limit(count=n)
        pct = float(found.group(3))
        if not 0 < pct <= 100:
            raise ValueError(f"{text!r}: the percentage must be above 0 and at most 100")
        return Limit(share=pct / 100.0)

    def of(self, total: int) -> int:
        """The number of items of `total` this limit allows (a share rounds up, at least 1)."""
        if self.count is not None:
            n = min(self.count, total)
        elif self.share is not None:
            n = min(total, max(1, math.ceil(self.share * total - 1e-9)))
        else:
            n = total
        return n if self.cap is None else min(n, self.cap)

    def smaller(self, cap: int | None) -> Limit:
        """This limit, at most `cap` items (None: no further cap); the smaller wins."""
        if cap is None:
            return self
        if self.count is not None:
            return Limit(count=min(self.count, cap))
        if self.share is None:
            return Limit(count=cap)
        return Limit(share=self.share, cap=cap if self.cap is None else min(cap, self.cap))

    def __str__(self) -> str:
        if self.count is not None:
            return str(self.count)
        if self.share is not None:
            text = f"{self.share * 100:g}%"
            return text if self.cap is None else f"{text}, at most {self.cap}"
        return "all"


ALL = Limit()


@dataclass(frozen=True)
class Arrow:
    """One directly-follows arrow of the log: how often, and the waiting it carries (seconds)."""

    source: str
    target: str
    count: int
    wait_s: float = 0.0


@dataclass(frozen=True)
class Shortcut:
    """A run of shown activities, one way in and one way out, drawn as one dotted arrow from
    `source` to `target` (either may be `START` / `END`) to fit a printed page: `hidden` are
    the activities it stands for, in order (hidden, with their arrows, from the map)."""

    source: str
    target: str
    hidden: tuple[str, ...]


@dataclass(frozen=True)
class Abstraction:
    """The activities and arrows a map shows, and what it hides.

    `arrows` are original directly-follows arrows among the shown activities (nothing is
    projected, so every figure on the map equals the tables); `starts` / `ends` are the shown
    activities drawn with an arrow from start / to end. Every shown activity lies on a path of
    shown arrows from start to end, except a required one the log itself does not connect or
    whose paths hold more than `REQUIRED_PATH_ROOM` activities beyond the budget. Arrow counts
    include the start and end arrows."""

    activities: tuple[str, ...]
    arrows: tuple[tuple[str, str], ...]
    starts: tuple[str, ...]
    ends: tuple[str, ...]
    total_activities: int
    total_arrows: int
    hidden_occurrences: int
    total_occurrences: int
    hidden_wait_s: float
    total_wait_s: float
    hidden_start_cases: int
    hidden_end_cases: int
    total_cases: int
    activity_limit: str = "all"
    path_limit: str = "all"
    ends_drawn: bool = True
    """False for a map without start and end arrows (compare's before and after maps): its
    arrow counts are activity-to-activity arrows only."""
    significance: Mapping[str, float] = field(default_factory=dict, compare=False)
    shortcuts: tuple[Shortcut, ...] = ()
    """Runs of activities drawn as one arrow (`shorten`); their activities count as hidden."""

    @property
    def hidden_activities(self) -> int:
        return self.total_activities - len(self.activities)

    @property
    def hidden_arrows(self) -> int:
        return self.total_arrows - len(self.arrows) - len(self.starts) - len(self.ends)

    @property
    def hides_anything(self) -> bool:
        return self.hidden_activities > 0 or self.hidden_arrows > 0

    def document(self) -> dict[str, object]:
        """The JSON form: the limits used, what is shown and what is hidden (docs/schema.md,
        the `map` object); the start and end cases are None on a map without those arrows."""
        total = self.total_occurrences
        return {
            "activities_limit": self.activity_limit,
            "paths_limit": self.path_limit,
            "activities_shown": len(self.activities),
            "activities_total": self.total_activities,
            "arrows_shown": self.total_arrows - self.hidden_arrows,
            "arrows_total": self.total_arrows,
            "hidden_transitions": self.hidden_occurrences,
            "total_transitions": total,
            "hidden_transitions_share": self.hidden_occurrences / total if total > 0 else 0.0,
            "hidden_wait_s": self.hidden_wait_s,
            "total_wait_s": self.total_wait_s,
            "hidden_start_cases": self.hidden_start_cases if self.ends_drawn else None,
            "hidden_end_cases": self.hidden_end_cases if self.ends_drawn else None,
        }


def _widest(out: Mapping[str, list[tuple[str, float]]], root: str) -> dict[str, str]:
    """Parent of each node reachable from `root` in the widest-path (max-min weight) tree;
    ties by name so the tree is deterministic."""
    best: dict[str, float] = {root: math.inf}
    parent: dict[str, str] = {}
    done: set[str] = set()
    heap: list[tuple[float, str]] = [(-math.inf, root)]
    while heap:
        neg, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        for nxt, w in out.get(node, ()):
            width = min(-neg, w)
            if nxt not in done and (
                width > best.get(nxt, -1.0) or (width == best.get(nxt) and node < parent[nxt])
            ):
                best[nxt] = width
                parent[nxt] = node
                heapq.heappush(heap, (-width, nxt))
    return parent


def significance(
    activity_counts: Mapping[str, int],
    arrows: Sequence[Arrow],
    starts: Mapping[str, int] | None = None,
    ends: Mapping[str, int] | None = None,
) -> dict[str, float]:
    """The significance of every activity: the larger of its share of all occurrences and its
    share of all waiting (the waiting on the arrows into it)."""
    names = set(activity_counts) | set(starts or {}) | set(ends or {})
    names.update(a.source for a in arrows)
    names.update(a.target for a in arrows)
    into_wait: dict[str, float] = {}
    for a in arrows:
        into_wait[a.target] = into_wait.get(a.target, 0.0) + _wait(a.wait_s)
    total_wait = math.fsum(into_wait.values())
    freq = {n: int(activity_counts.get(n, 0)) for n in names}
    total_freq = sum(freq.values())

    def act_sig(n: str) -> float:
        f = freq[n] / total_freq if total_freq > 0 else 0.0
        w = into_wait.get(n, 0.0) / total_wait if total_wait > 0 else 0.0
        return max(f, w)

    return {n: act_sig(n) for n in names}


def ranked(sig: Mapping[str, float]) -> list[str]:
    """Activities by significance, most significant first (ties by name): the order in which
    maps show them and models are mined on them."""
    return sorted(sig, key=lambda x: (-sig[x], x))


def abstract(
    activity_counts: Mapping[str, int],
    arrows: Sequence[Arrow],
    starts: Mapping[str, int],
    ends: Mapping[str, int],
    *,
    required_activities: Iterable[str] = (),
    required_arrows: Iterable[tuple[str, str]] = (),
    activities: Limit | str | int | None = DEFAULT_ACTIVITIES,
    paths: Limit | str | int | None = DEFAULT_PATHS,
    min_share: float = 0.0,
) -> Abstraction:
    """The significant part of a directly-follows graph, connected from start to end.

    The significance of an activity is the larger of its share of all occurrences and its share
    of all waiting (the waiting on the arrows into it); of an arrow, the larger of its share of
    all arrow occurrences (start and end arrows included) and its share of all waiting. Shown
    activities: the required ones (with their widest paths unless these add more than
    `REQUIRED_PATH_ROOM` activities beyond the budget), then by significance as long as the
    `activities` budget allows, each with the activities on its widest paths from start and
    to end (so that it is connected); the arrows of those paths are shown, then the most
    significant other arrows among shown activities (of at least `min_share` of the
    transitions) up to the `paths` budget. Required arrows (and their two ends) are always shown."""
    act_limit, path_limit = Limit.parse(activities), Limit.parse(paths)
    sig = significance(activity_counts, arrows, starts, ends)
    names = set(sig)
    total_wait = math.fsum(_wait(a.wait_s) for a in arrows)
    transitions = sum(a.count for a in arrows)
    occurrences = transitions + sum(starts.values()) + sum(ends.values())
    weight: dict[tuple[str, str], float] = {}
    waits: dict[tuple[str, str], tuple[int, float]] = {}
    for a in arrows:
        key = (a.source, a.target)
        w = _wait(a.wait_s)
        c0, w0 = waits.get(key, (0, 0.0))
        waits[key] = (c0 + a.count, w0 + w)
    for key, (count, wait) in waits.items():
        weight[key] = max(
            count / occurrences if occurrences > 0 else 0.0,
            wait / total_wait if total_wait > 0 else 0.0,
        )
    for first, c in starts.items():
        weight[(START, first)] = c / occurrences if occurrences > 0 else 0.0
    for last, c in ends.items():
        weight[(last, END)] = c / occurrences if occurrences > 0 else 0.0
    # Deterministic adjacency (by target name) for the widest-path trees.
    fwd: dict[str, list[tuple[str, float]]] = {}
    back: dict[str, list[tuple[str, float]]] = {}
    for (s, t), w in sorted(weight.items()):
        if s == t:
            continue
        fwd.setdefault(s, []).append((t, w))
        back.setdefault(t, []).append((s, w))
    from_start = _widest(fwd, START)  # node -> predecessor on its widest path from start
    to_end = _widest(back, END)  # node -> successor on its widest path to end

    def closure(n: str, room: int) -> tuple[set[str], set[tuple[str, str]]] | None:
        """`n` with the activities and arrows of its widest paths from start and to end;
        None once they would add more than `room` activities not shown yet (the walk stops
        there, so a log of long chains costs the budget per activity, not the chain)."""
        nodes, edges = {n}, set()
        new = 0 if n in shown else 1
        if n in from_start and n in to_end:
            for parents, stop in ((from_start, START), (to_end, END)):
                x = n
                while x != stop:
                    y = parents[x]
                    edges.add((y, x) if stop == START else (x, y))
                    if y != stop and y not in nodes:
                        nodes.add(y)
                        new += y not in shown
                        if new > room:
                            return None
                    x = y
        return (nodes, edges) if new <= room else None

    req_arrows = {e for e in required_arrows if e in weight}
    req_acts = {n for n in required_activities if n in names}
    for s, t in req_arrows:
        req_acts.update(n for n in (s, t) if n not in (START, END))
    shown: set[str] = set()
    tree: set[tuple[str, str]] = set()
    n_acts = act_limit.of(len(names))
    for n in sorted(req_acts, key=lambda x: (-sig[x], x)):
        # beyond the budget if need be, but a path longer than a default map is not drawn
        found = closure(n, max(n_acts - len(shown), REQUIRED_PATH_ROOM))
        nodes, edges = found if found is not None else ({n}, set())
        shown |= nodes
        tree |= edges
    arrow_total = len(weight)
    n_paths = path_limit.of(arrow_total)
    for n in sorted(names, key=lambda x: (-sig[x], x)):
        if n in shown:
            continue
        if len(shown) >= n_acts:
            break
        if n not in from_start or n not in to_end:
            continue
        found = closure(n, n_acts - len(shown))
        if found is None:
            continue
        nodes, edges = found
        if len(shown | nodes) > n_acts or len(tree | edges | req_arrows) > max(n_paths, 1):
            continue
        shown |= nodes
        tree |= edges
    kept = tree | req_arrows
    ranked = sorted(weight, key=lambda e: (-weight[e], e))
    for e in ranked:
        if len(kept) >= n_paths:
            break
        if e in kept:
            continue
        s, t = e
        if (s != START and s not in shown) or (t != END and t not in shown):
            continue
        inner_arrow = s != START and t != END and transitions > 0
        if inner_arrow and waits[e][0] / transitions < min_share:
            continue
        kept.add(e)
    inner = tuple(sorted(e for e in kept if e[0] != START and e[1] != END))
    hidden_occ = transitions - sum(waits[e][0] for e in inner)
    hidden_wait = math.fsum(w for e, (_, w) in waits.items() if e not in kept)
    start_shown = tuple(sorted(t for s, t in kept if s == START))
    end_shown = tuple(sorted(s for s, t in kept if t == END))
    return Abstraction(
        activities=tuple(sorted(shown, key=lambda x: (-sig[x], x))),
        arrows=inner,
        starts=start_shown,
        ends=end_shown,
        total_activities=len(names),
        total_arrows=arrow_total,
        hidden_occurrences=hidden_occ,
        total_occurrences=transitions,
        hidden_wait_s=hidden_wait,
        total_wait_s=total_wait,
        hidden_start_cases=sum(c for f, c in starts.items() if f not in start_shown),
        hidden_end_cases=sum(c for f, c in ends.items() if f not in end_shown),
        total_cases=max(sum(starts.values()), sum(ends.values())),
        activity_limit=str(act_limit),
        path_limit=str(path_limit),
        significance=sig,
    )


def _wait(value: float) -> float:
    return float(value) if value > 0 and math.isfinite(value) else 0.0


def abstract_analysis(
    analysis: Analysis,
    *,
    activities: Limit | str | int | None = DEFAULT_ACTIVITIES,
    paths: Limit | str | int | None = DEFAULT_PATHS,
    min_share: float = 0.0,
    required_arrows: Iterable[tuple[str, str]] | None = None,
    top_marked: int = 3,
) -> Abstraction:
    """The abstraction of an analysis's directly-follows graph. Required: `required_arrows`
    (default: the `top_marked` transition bottlenecks with some waiting) and the activity that
    receives the most waiting."""
    counts, arrows, starts, ends = _graph(analysis)
    b = analysis.bottlenecks
    required_acts: list[str] = []
    if required_arrows is None:
        required_arrows = []
        if top_marked > 0 and len(b):
            tb = b[(b["kind"] == "transition") & (b["wait_total_s"] > 0)]
            tb = tb.sort_values("rank", kind="stable").head(top_marked)
            required_arrows = list(
                zip(tb["source"].astype(str), tb["target"].astype(str), strict=True)
            )
    if len(b):
        ab = b[(b["kind"] == "activity") & (b["wait_total_s"] > 0)]
        top = ab.sort_values("rank", kind="stable")["activity"].astype(str).head(1)
        required_acts = [str(a) for a in top.tolist()]
    return abstract(
        counts,
        arrows,
        starts,
        ends,
        required_activities=required_acts,
        required_arrows=required_arrows,
        activities=activities,
        paths=paths,
        min_share=min_share,
    )


MIN_RUN = 2
"""The fewest activities a shortcut stands for: one activity saves too little to be elided."""


def runs(view: Abstraction, keep: Iterable[str] = ()) -> list[Shortcut]:
    """The runs of `view` a shortcut may stand for, longest first (ties by name): maximal
    chains of at least `MIN_RUN` shown activities outside `keep`, each with one arrow in and
    one arrow out on the map (its own loop aside), between two different shown nodes."""
    kept = set(keep)
    edges = [*view.arrows, *((START, a) for a in view.starts), *((a, END) for a in view.ends)]
    into: dict[str, list[str]] = {}
    out: dict[str, list[str]] = {}
    for s, t in edges:
        if s != t:
            out.setdefault(s, []).append(t)
            into.setdefault(t, []).append(s)

    def inner(n: str) -> bool:
        return n not in kept and len(into.get(n, ())) == 1 and len(out.get(n, ())) == 1

    found: list[Shortcut] = []
    for first in view.activities:
        if not inner(first) or inner(into[first][0]):
            continue
        chain = [first]
        while inner(out[chain[-1]][0]) and out[chain[-1]][0] not in chain:
            chain.append(out[chain[-1]][0])
        source, target = into[first][0], out[chain[-1]][0]
        if len(chain) >= MIN_RUN and source != target and target not in chain:
            found.append(Shortcut(source, target, tuple(chain)))
    return sorted(found, key=lambda r: (-len(r.hidden), r.hidden))


def shorten(
    view: Abstraction,
    run: Shortcut,
    arrows: Sequence[Arrow],
    starts: Mapping[str, int],
    ends: Mapping[str, int],
) -> Abstraction:
    """`view` (of the graph `arrows`, `starts`, `ends`) with the activities of `run` (from
    `runs`) hidden and drawn as one shortcut: their arrows, start and end arrows are hidden
    too, and counted so."""
    gone = set(run.hidden)
    kept = tuple(e for e in view.arrows if e[0] not in gone and e[1] not in gone)
    dropped = set(view.arrows) - set(kept)
    count = sum(a.count for a in arrows if (a.source, a.target) in dropped)
    wait = math.fsum(_wait(a.wait_s) for a in arrows if (a.source, a.target) in dropped)
    return replace(
        view,
        activities=tuple(a for a in view.activities if a not in gone),
        arrows=kept,
        starts=tuple(a for a in view.starts if a not in gone),
        ends=tuple(a for a in view.ends if a not in gone),
        hidden_occurrences=view.hidden_occurrences + count,
        hidden_wait_s=view.hidden_wait_s + wait,
        hidden_start_cases=view.hidden_start_cases
        + sum(starts.get(a, 0) for a in view.starts if a in gone),
        hidden_end_cases=view.hidden_end_cases
        + sum(ends.get(a, 0) for a in view.ends if a in gone),
        shortcuts=(*view.shortcuts, run),
    )


def shorten_analysis(analysis: Analysis, view: Abstraction, run: Shortcut) -> Abstraction:
    """`shorten` on the directly-follows graph of `analysis` (`view` is its abstraction)."""
    _, arrows, starts, ends = _graph(analysis)
    return shorten(view, run, arrows, starts, ends)


def ranked_activities(analysis: Analysis) -> list[str]:
    """Every activity of an analysis, most significant first (see `significance`)."""
    return ranked(significance(*_graph(analysis)))


def _graph(
    analysis: Analysis,
) -> tuple[dict[str, int], list[Arrow], dict[str, int], dict[str, int]]:
    """Activity counts, directly-follows arrows, start and end counts of an analysis."""
    t = analysis.transitions
    arrows = [
        Arrow(str(s), str(g), int(c), float(w))
        for s, g, c, w in zip(
            t["source"].tolist(),
            t["target"].tolist(),
            t["count"].tolist(),
            t["wait_total_s"].tolist(),
            strict=True,
        )
    ]
    acts = analysis.activities
    counts = {
        str(k): int(v)
        for k, v in zip(acts["activity"].astype(str), acts["count"].astype(int), strict=True)
    }
    return counts, arrows, _counts(analysis.start_activities), _counts(analysis.end_activities)


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    if len(frame) == 0:
        return {}
    return {
        str(a): int(c)
        for a, c in zip(frame["activity"].tolist(), frame["count"].tolist(), strict=True)
    }
