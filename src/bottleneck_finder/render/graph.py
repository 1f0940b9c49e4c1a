"""The process map: an `Analysis` as Graphviz DOT source, and DOT rendered to SVG, PNG or PDF."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..analysis.abstraction import (
    DEFAULT_ACTIVITIES,
    DEFAULT_PATHS,
    END,
    START,
    Abstraction,
    Limit,
    Shortcut,
    abstract_analysis,
    runs,
    shorten_analysis,
)
from ..model import Analysis
from .dot import (
    CAUSE_COLORS,
    ENDPOINT_COLOR,
    ENDPOINT_EDGE,
    FONT,
    MARK_COLOR,
    MARK_MIN_PEN,
    MARK_OUTLINE,
    MAX_PEN,
    MIN_PEN,
    NO_CAUSE_COLOR,
    NODE_BORDER,
    NODE_FILL,
    PALETTE,
    html,
    pen,
    print_box,
    quoted,
    wait_color,
    weight,
    wrapped,
)
from .graphviz import (
    FORMATS,
    GRAPHVIZ_HINT,
    PNG_DPI,
    RENDER_TIMEOUT_S,
    RenderError,
    dot_available,
    render_dot,
    render_plain,
)
from .graphviz import picture_files as draw_files
from .legend import LegendRow, process_legend, process_legend_dot
from .map_data import WAIT_COLUMN as _WAIT_COLUMN
from .map_data import MapEdge as _Edge
from .map_data import Mark as _Mark
from .map_data import activity_rows as _activity_rows
from .map_data import edges as _edges
from .map_data import endpoints as _endpoints
from .map_data import marks as _marks
from .map_data import most_waiting as _most_waiting
from .svg_labels import measure
from .words import ENGLISH, Words

__all__ = [
    "CAUSE_COLORS",
    "FONT",
    "FORMATS",
    "GRAPHVIZ_HINT",
    "MAP_METRICS",
    "MAX_PEN",
    "MIN_PEN",
    "NODE_BORDER",
    "NODE_FILL",
    "PALETTE",
    "PNG_DPI",
    "RENDER_TIMEOUT_S",
    "GraphOptions",
    "LegendRow",
    "RenderError",
    "dot_available",
    "map_legend",
    "node_ids",
    "picture_files",
    "process_dot",
    "process_map",
    "render_dot",
    "render_plain",
]

TEXT_PT = 12
"""The one text size of the map (title and bottleneck marks larger): at the report's 180 mm
column a map up to 85 × 12 = 1,020 pt wide keeps its text at 6 pt or more."""
NAME_WRAP = 18
"""Characters of an activity name per line in its box."""
FIT_WIDTH_PT = 85.0 * TEXT_PT
"""The widest map whose text stays at 6 pt or more when scaled to a 510 pt (180 mm) column."""
PAD_IN = 0.3
"""The white margin around the map, in inches."""
FIT_HEIGHT_PT = 1400.0
"""The tallest map, once scaled to that column."""
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = print_box(TEXT_PT)
"""The largest map without its legend (`GraphOptions.legend` off) for the printed report
(about 1,000 × 1,060 pt): scaled into the A4 column and at most 190 mm tall, its 12 pt text
stays above 6 pt, and the legend, set under it in HTML, fits the same page."""
MAP_METRICS = ("cases", "count", "median", "mean", "p90", "total")
"""What the map's numbers show (`GraphOptions.metric`): case or absolute frequency, or the
frequency with the median, mean, 90th percentile or total wait of each arrow."""


@dataclass(frozen=True)
class GraphOptions:
    """What the process map shows, in which words.

    `top_marked` transition bottlenecks are marked #1, #2, … . The map shows the significant
    part of the log (`analysis.abstraction`): at most `activities` activities and `paths` arrows
    (start and end arrows included; each `N`, `P%` or `all`), connected from start to end, the
    marked bottlenecks and their two activities always. `max_edges` caps the arrows further (the
    smaller of it and `paths` wins); arrows carrying less than `min_share` of all transitions
    are not added beyond those that connect the shown activities. Hidden activities are not
    drawn; the legend says what is hidden.
    """

    top_marked: int = 3
    max_edges: int | None = None
    min_share: float = 0.0
    title: str | None = None
    edge_causes: tuple[tuple[str, str, str, float], ...] | None = None
    """With `(source, target, cause, share)` rows (`analysis.causes.dominant_causes`), each
    arrow is coloured by its dominant waiting cause instead of its median wait."""
    words: Words = ENGLISH
    """The map's language and durations (with `workday_s`, in the calendar's working days)."""
    activities: Limit | str | int | None = DEFAULT_ACTIVITIES
    paths: Limit | str | int | None = DEFAULT_PATHS
    fit: bool = True
    """With Graphviz present, lay the map out to fit a 180 mm column with text of 6 pt or more:
    a more compact ordering, else fewer activities and arrows than the budgets (the legend
    says what is hidden). Off when the user sets `--activities` or `--paths` themselves."""
    legend: bool = True
    """Draw the legend inside the map (at its foot); off, the map is fitted to a printed page
    (`PAGE_WIDTH_PT` × `PAGE_HEIGHT_PT`) and `map_legend` gives the legend to set beside it."""
    metric: str = "median"
    """The numbers on the map (`MAP_METRICS`): `cases` shows how many cases pass each box and
    arrow, `count` how often; the wait metrics show the count and that wait. Colours stay the
    median wait, widths the numbers shown."""

    def abstraction(self, analysis: Analysis) -> Abstraction:
        """What the map of `analysis` shows under these options."""
        marks = _marks(analysis, self.top_marked)
        return abstract_analysis(
            analysis,
            activities=self.activities,
            paths=Limit.parse(self.paths).smaller(self.max_edges),
            min_share=self.min_share,
            required_arrows=list(marks),
        )


@dataclass(frozen=True)
class _Say:
    """The map's words and its duration format."""

    words: Words
    duration: Callable[[float], str]


def node_ids(analysis: Analysis) -> dict[str, str]:
    """The DOT node id of every activity of `analysis` (`a0`, `a1`, … by name; the map's
    SVG titles carry them): the boxes and arrows of a map can be told apart by name."""
    names = set(analysis.activities["activity"].astype(str))
    for column in ("source", "target"):
        names.update(analysis.transitions[column].astype(str))
    for frame in (analysis.start_activities, analysis.end_activities):
        names.update(frame["activity"].astype(str))
    return {name: f"a{i}" for i, name in enumerate(sorted(names))}


def process_dot(analysis: Analysis, options: GraphOptions = GraphOptions()) -> str:
    """Graphviz DOT source of the directly-follows graph of `analysis`, bottlenecks marked;
    with `options.fit` (and Graphviz), laid out to fit a page column (`FIT_WIDTH_PT`)."""
    return process_map(analysis, options)[0]


def process_map(
    analysis: Analysis, options: GraphOptions = GraphOptions()
) -> tuple[str, Abstraction]:
    """The DOT source of the process map (`process_dot`) and the abstraction it draws: what
    the map shows and hides once fitted to the page (`Abstraction.document()` for the JSON).

    Fitting tries the budgets' abstraction, then smaller ones, until the map fits the column
    (`FIT_WIDTH_PT`, `FIT_HEIGHT_PT`) with no two labels overlapping, in the map's language:
    a Vietnamese map, with longer labels, may show less than the English one."""
    view = options.abstraction(analysis)
    if not options.fit or not dot_available():
        return _process_dot(analysis, options, view, compact=False), view
    budget = len(view.activities)
    narrowest: tuple[float, Abstraction] = (math.inf, view)
    paths = Limit.parse(options.paths).smaller(options.max_edges)
    while True:
        dot, width = _fitted(analysis, options, view)
        if dot is not None:
            return dot, view
        if width < narrowest[0]:
            narrowest = (width, view)
        if budget <= 6:
            if not options.legend:  # print: the required chain's plain runs as shortcuts
                found = _shortened(analysis, options, view)
                if found is not None:
                    return found
            chosen = narrowest[1]
            return _fitted(analysis, options, chosen, best=True)[0] or "", chosen
        budget -= max(1, budget // 6)
        view = abstract_analysis(
            analysis,
            activities=Limit.parse(options.activities).smaller(budget),
            paths=paths.smaller(max(2, round(budget * 1.8))),
            min_share=options.min_share,
            required_arrows=list(_marks(analysis, options.top_marked)),
        )


def _shortened(
    analysis: Analysis, options: GraphOptions, view: Abstraction
) -> tuple[str, Abstraction] | None:
    """The map of `view` fitted to the page with its longest runs of activities (`runs`:
    neither a marked bottleneck's end nor the most waited-for) drawn as shortcuts, one run
    more at a time; None when even all of them do not make it fit."""
    keep = {n for arrow in _marks(analysis, options.top_marked) for n in arrow}
    keep.update([] if (hot := _most_waiting(analysis)) is None else [hot[0]])
    while found := runs(view, keep):
        view = shorten_analysis(analysis, view, found[0])
        dot = _fitted(analysis, options, view)[0]
        if dot is not None:
            return dot, view
    return None


def _fitted(
    analysis: Analysis, options: GraphOptions, view: Abstraction, best: bool = False
) -> tuple[str | None, float]:
    """The map of `view` laid out to fit a column with no overlapping labels (plain, else
    compact ordering) and its width in points; None when neither fits (with `best`, the
    better one instead) and the better one's width (an overlap counts as too wide)."""
    narrowest: tuple[float, str] = (math.inf, "")
    for compact in (False, True):
        dot = _process_dot(analysis, options, view, compact=compact)
        size = measure(render_dot(dot, "svg"))
        if options.legend:
            scale = min(1.0, 510.0 / size.width_pt) if size.width_pt > 0 else 1.0
            fits = size.width_pt <= FIT_WIDTH_PT and size.height_pt * scale <= FIT_HEIGHT_PT
        else:
            fits = size.width_pt <= PAGE_WIDTH_PT and size.height_pt <= PAGE_HEIGHT_PT
        if fits and not size.overlaps:
            return dot, size.width_pt
        width = size.width_pt + (FIT_WIDTH_PT if size.overlaps else 0.0)
        if width < narrowest[0]:
            narrowest = (width, dot)
    return (narrowest[1] if best else None), narrowest[0]


def _process_dot(
    analysis: Analysis, options: GraphOptions, view: Abstraction, compact: bool
) -> str:
    """The DOT source of the map showing `view`; `compact` orders each box's outgoing arrows
    as listed, which often makes a narrower layout."""
    words = options.words
    say = _Say(words, words.duration)
    rows = _activity_rows(analysis, options.metric)
    edges = _edges(analysis.transitions, options.metric)
    starts = _endpoints(analysis.start_activities)
    ends = _endpoints(analysis.end_activities)
    ids = node_ids(analysis)
    names = set(ids)

    marks = _marks(analysis, options.top_marked)
    kept = set(view.arrows)
    shown = [e for e in edges if (e.source, e.target) in kept]
    started = sum(c for _, c in starts)
    ended = sum(c for _, c in ends)
    start_shown = [(a, c) for a, c in starts if a in set(view.starts)]
    end_shown = [(a, c) for a, c in ends if a in set(view.ends)]
    largest = max([e.count for e in shown] + [c for _, c in start_shown + end_shown] + [1])
    hot = _most_waiting(analysis)
    work = analysis.log.has_start_times
    connected = set(view.activities)

    causes = (
        None
        if options.edge_causes is None
        else {(s, t): (c, share) for s, t, c, share in options.edge_causes}
    )
    legend = _legend(
        say, analysis, largest, bool(marks), hot, view, work, causes is not None, options.metric
    )
    out: list[str] = ["digraph process {"]
    graph_attrs = [
        "rankdir=TB",
        *(["ordering=out"] if compact else []),
        f'fontname="{FONT}"',
        f"fontsize={TEXT_PT}",
        "nodesep=0.2",
        "ranksep=0.45",
        "outputorder=edgesfirst",
        "bgcolor=white",
        f"pad={PAD_IN}",
        *(
            [f"label=<{process_legend_dot(legend)}>", "labelloc=b", "labeljust=l"]
            if options.legend
            else []
        ),
    ]
    out.append(f"  graph [{', '.join(graph_attrs)}];")
    out.append(
        f'  node [fontname="{FONT}", fontsize={TEXT_PT}, shape=box, style="rounded,filled", '
        f'fillcolor="{NODE_FILL}", color="{NODE_BORDER}", penwidth=1.2, margin="0.22,0.06"];'
    )
    out.append(
        f'  edge [fontname="{FONT}", fontsize={TEXT_PT}, arrowsize=0.7, fontcolor="#222222"];'
    )
    indent = "  "
    if options.title:
        # The legend is the graph's label (bottom); the title labels a borderless outer cluster.
        out.append("  subgraph cluster_map {")
        out.append(
            f"    graph [label=<<B>{html(options.title)}</B>>, labelloc=t, labeljust=c, "
            "fontsize=16, peripheries=0, margin=4];"
        )
        indent = "    "
    body: list[str] = []
    ends_drawn = (("start", "circle", "●", started), ("end", "doublecircle", "■", ended))
    for node, shape, sign, n in ends_drawn:
        body.append(
            f'{node} [shape={shape}, style=filled, fillcolor="{ENDPOINT_COLOR}", '
            f'color="{ENDPOINT_COLOR}", fontcolor=white, fontsize={TEXT_PT}, margin=0.02, '
            f"label=<{sign}<BR/>{html(words(f'graph_{node}'))}<BR/>{html(words.count(n))}>, "
            f"tooltip={quoted(words(f'graph_{node}_tip', count=words.count(n)))}];"
        )
    for name in sorted(names):
        if name in connected:
            body.append(_node_line(say, name, ids[name], rows, hot, work, options.metric))
    for name, n in start_shown:
        body.append(_endpoint_arrow(say, "start", ids[name], n, largest))
    for edge in sorted(shown, key=lambda e: (ids[e.source], ids[e.target])):
        body.append(_edge_line(say, edge, ids, marks, largest, causes, options.metric))
    for name, n in end_shown:
        body.append(_endpoint_arrow(say, ids[name], "end", n, largest))
    for cut in view.shortcuts:
        body.append(_shortcut_line(words, cut, {**ids, START: "start", END: "end"}))
    out += [indent + line if line else line for line in body]
    if options.title:
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _endpoint_arrow(say: _Say, source: str, target: str, n: int, largest: int) -> str:
    return (
        f"{source} -> {target} [label={quoted(say.words.count(n))}, style=dashed, "
        f'color="{ENDPOINT_EDGE}", penwidth={pen(n, largest)}, weight={weight(n, largest)}];'
    )


def _shortcut_line(w: Words, cut: Shortcut, ids: dict[str, str]) -> str:
    """A run of activities (`Abstraction.shortcuts`) as one dotted arrow with its step count."""
    steps = w("graph_shortcut", count=w.count(len(cut.hidden)))
    tip = w("graph_shortcut_tip", count=w.count(len(cut.hidden)), steps=" → ".join(cut.hidden))
    return (
        f"{ids[cut.source]} -> {ids[cut.target]} [label={quoted(steps)}, style=dotted, "
        f'color="{NODE_BORDER}", penwidth=2, weight=2, tooltip={quoted(tip)}];'
    )


def _node_line(
    say: _Say,
    name: str,
    node_id: str,
    rows: dict[str, tuple[int, float]],
    hot: tuple[str, float] | None,
    work: bool,
    metric: str = "median",
) -> str:
    w = say.words
    n, median = rows.get(name, (0, math.nan))
    stats = w("graph_cases" if metric == "cases" else "graph_times", count=w.count(n))
    tip = w("graph_node_tip", name=name, count=w.count(n))
    if work and not math.isnan(median):
        stats += " · " + w("graph_work", work=w.duration(median, short=True))
        tip += w("graph_node_tip_work", work=say.duration(median))
    label = f'{wrapped(name, NAME_WRAP)}<BR/><FONT COLOR="#444444">{html(stats)}</FONT>'
    attrs: list[str] = []
    if hot is not None and hot[0] == name:
        label += (
            f'<BR/><FONT COLOR="{MARK_COLOR}">'
            f"<B>{html(w('graph_hot', share=w.percent(hot[1])))}</B></FONT>"
        )
        attrs += [f'color="{MARK_COLOR}"', "penwidth=3", 'fillcolor="#fff1ee"']
        tip += w("graph_hot_tip", share=w.percent(hot[1]))
    attrs = [f"label=<{label}>", *attrs, f"tooltip={quoted(tip)}"]
    return f"{node_id} [{', '.join(attrs)}];"


def _edge_line(
    say: _Say,
    edge: _Edge,
    ids: dict[str, str],
    marks: dict[tuple[str, str], _Mark],
    largest: int,
    causes: dict[tuple[str, str], tuple[str, float]] | None = None,
    metric: str = "median",
) -> str:
    w, duration = say.words, say.duration
    colour = wait_color(edge.wait_median_s, w.workday_s)
    wait = duration(edge.wait_median_s)
    text = html(w("graph_cases" if metric == "cases" else "graph_times", count=w.count(edge.count)))
    if metric in _WAIT_COLUMN:
        text += "<BR/>" + html(w(f"graph_wait_{metric}", wait=duration(edge.shown_s)))
    elif metric == "median":  # working days short ("ngày LV"), as the legend's scale explains
        text += "<BR/>" + html(w.duration(edge.wait_median_s, short=True))
    tip = w(
        "graph_edge_tip",
        source=edge.source,
        target=edge.target,
        count=w.count(edge.count),
        wait=wait,
        p90=duration(edge.wait_p90_s),
        total=duration(edge.wait_total_s),
    )
    if causes is not None:
        found = causes.get((edge.source, edge.target))
        if found is None:
            colour = NO_CAUSE_COLOR
            tip += w("graph_no_cause_tip")
        else:
            colour = CAUSE_COLORS[found[0]]
            name = w(f"graph_cause_{found[0]}")
            text += "<BR/>" + html(f"{name} {w.percent(found[1])}")
            tip += w("graph_cause_tip", cause=name, share=w.percent(found[1]))
    attrs = [
        f'color="{colour}"',
        f"penwidth={pen(edge.count, largest)}",
        f"weight={weight(edge.count, largest)}",
    ]
    mark = marks.get((edge.source, edge.target))
    if mark is None:
        # A cell padding keeps neighbouring arrow labels apart.
        attrs.insert(
            0,
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"><TR><TD>'
            f"{text}</TD></TR></TABLE>",
        )
        attrs[0] = f"label=<{attrs[0]}>"
    else:
        head = html(w("graph_mark", rank=mark.rank, share=w.percent(mark.share)))
        attrs.insert(
            0,
            '<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD CELLPADDING="6">'
            f'<FONT COLOR="{MARK_COLOR}" POINT-SIZE="{TEXT_PT + 1}"><B>{head}</B></FONT><BR/>{text}'
            "</TD></TR></TABLE>",
        )
        attrs[0] = f"label=<{attrs[0]}>"
        # Parallel lines share the pen width: the wait colour (3/5) inside a dark outline (2/5),
        # and a dark arrowhead.
        width = max(float(pen(edge.count, largest)), MARK_MIN_PEN)
        attrs[2] = f"penwidth={width:.2f}"
        attrs[1] = f'color="{MARK_OUTLINE}:{colour}:{colour}:{colour}:{MARK_OUTLINE}"'
        attrs += ["arrowsize=1.1"]
        tip = w("graph_mark_tip", rank=mark.rank, share=w.percent(mark.share), tip=tip)
    attrs.append(f"tooltip={quoted(tip)}")
    return f"{ids[edge.source]} -> {ids[edge.target]} [{', '.join(attrs)}];"


def _legend(
    say: _Say,
    analysis: Analysis,
    largest: int,
    marked: bool,
    hot: tuple[str, float] | None,
    view: Abstraction,
    work: bool,
    by_cause: bool,
    metric: str = "median",
) -> tuple[LegendRow, ...]:
    """The map's legend rows (`legend.process_legend`)."""
    return process_legend(
        say.words,
        say.duration,
        wait_definition=str(analysis.wait_definition),
        largest=largest,
        marked=marked,
        hot_share=None if hot is None else hot[1],
        view=view,
        work=work,
        by_cause=by_cause,
        metric=metric,
    )


def map_legend(
    analysis: Analysis, options: GraphOptions, view: Abstraction
) -> tuple[LegendRow, ...]:
    """The legend of the map of `view` (`process_map`'s abstraction) under `options`, as rows
    to set beside a map drawn without it (`GraphOptions.legend` off)."""
    marks = _marks(analysis, options.top_marked)
    kept = set(view.arrows)
    counts = [e.count for e in _edges(analysis.transitions) if (e.source, e.target) in kept]
    counts += [c for a, c in _endpoints(analysis.start_activities) if a in set(view.starts)]
    counts += [c for a, c in _endpoints(analysis.end_activities) if a in set(view.ends)]
    say = _Say(options.words, options.words.duration)
    return _legend(
        say,
        analysis,
        max([*counts, 1]),
        bool(marks),
        _most_waiting(analysis),
        view,
        analysis.log.has_start_times,
        options.edge_causes is not None,
        options.metric,
    )


def picture_files(
    dots: dict[str, str], formats: list[str]
) -> tuple[dict[str, bytes | str], str | None]:
    """`render.graphviz.picture_files`, with Graphviz looked up in this module."""
    return draw_files(dots, formats, available=dot_available())
