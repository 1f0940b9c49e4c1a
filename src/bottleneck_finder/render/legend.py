"""The maps' legends as rows: drawn inside the map by Graphviz, or beside it in the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..analysis.abstraction import Abstraction
from ..analysis.compare_types import Comparison
from .compare_style import (
    ADDED_STEPS_S,
    FASTER,
    INSUFFICIENT,
    LESS_WAIT,
    MORE_WAIT,
    NEW,
    SLOWER,
    SMALL_PT,
    STEP_TEXT,
    UNCHANGED,
)
from .compare_text import change_text
from .dot import (
    CAUSE_COLORS,
    LEGEND_TABLE,
    MARK_COLOR,
    NO_CAUSE_COLOR,
    NODE_BORDER,
    PALETTE,
    PALETTE_TEXT,
    html,
    swatch_rows,
    wait_labels,
    wait_text,
    wrapped_row,
)
from .words import Words

if TYPE_CHECKING:
    from .compare_graph import DifferenceSelection

COMPARE_WRAP = 62
"""Characters of a legend line of the comparison maps before it wraps."""
LEGEND_WRAP = 56
"""Characters of a process-map legend line before it wraps: the legend stays narrower than a
page column."""


@dataclass(frozen=True)
class Swatch:
    """One coloured cell of a legend: its `colour`, the `ink` of its `label`."""

    colour: str
    ink: str
    label: str


@dataclass(frozen=True)
class LegendRow:
    """One row of a legend.

    `kind`: "title" (bold), "text" (wrapped), "plain" (one short line), "scale" (the fixed
    wait scale's swatches, `text` the note on its working-day unit or "") or "swatches" (other
    colour cells, `columns` to a line). `head` leads the text in bold `head_colour`.
    """

    kind: str
    text: str = ""
    head: str = ""
    head_colour: str = ""
    swatches: tuple[Swatch, ...] = ()
    columns: int = 7


def scale_row(words: Words) -> LegendRow:
    """The fixed colour scale of waits as a legend row, in `words` (with its working-day note)."""
    cells = tuple(
        Swatch(PALETTE[i], PALETTE_TEXT[i], label) for i, label in enumerate(wait_labels(words))
    )
    return LegendRow("scale", text=words.workday_note(), swatches=cells)


def process_legend(
    w: Words,
    duration: Callable[[float], str],
    *,
    wait_definition: str,
    largest: int,
    marked: bool,
    hot_share: float | None,
    view: Abstraction,
    work: bool,
    by_cause: bool,
    metric: str = "median",
) -> tuple[LegendRow, ...]:
    """The process map's legend: colours, widths, numbers, the waiting definition and what the
    map hides (`view`)."""
    rows = [
        LegendRow("title", w("graph_legend_title")),
        LegendRow("text", w("graph_legend_box_work" if work else "graph_legend_box")),
        LegendRow(
            "text",
            w("graph_legend_arrow" if metric == "median" else f"graph_legend_arrow_{metric}"),
        ),
    ]
    if by_cause:
        rows.append(LegendRow("text", w("graph_legend_cause")))
        cells = [Swatch(CAUSE_COLORS[c], "#ffffff", w(f"graph_cause_{c}")) for c in CAUSE_COLORS]
        cells.append(Swatch(NO_CAUSE_COLOR, "#000000", w("graph_cause_none")))
        rows.append(LegendRow("swatches", swatches=tuple(cells), columns=3))
        if w.workday_note():  # the arrows' short working-day unit, explained once
            rows.append(LegendRow("text", w.workday_note()))
    else:
        rows += [LegendRow("text", w("graph_legend_scale")), scale_row(w)]
    rows.append(LegendRow("text", w("graph_legend_width", count=w.count(largest))))
    if marked:
        rows.append(LegendRow("text", w("graph_legend_marks"), "#1, #2, …", MARK_COLOR))
    if hot_share is not None:
        text = w("graph_legend_hot", share=w.percent(hot_share))
        rows.append(LegendRow("text", text, w("graph_legend_hot_head"), MARK_COLOR))
    rows.append(LegendRow("text", wait_text(w, wait_definition)))
    if view.shortcuts:
        head = w("graph_legend_shortcut_head")
        rows.append(LegendRow("text", w("graph_legend_shortcut"), head, NODE_BORDER))
    if view.hides_anything:
        total = view.total_occurrences
        share = view.hidden_occurrences / total if total > 0 else 0.0
        hidden = w(
            "graph_legend_hidden",
            acts=w.count(view.hidden_activities),
            acts_total=w.count(view.total_activities),
            arrows=w.count(view.hidden_arrows),
            arrows_total=w.count(view.total_arrows),
            share=w.percent(share),
            wait=duration(view.hidden_wait_s),
            wait_total=duration(view.total_wait_s),
        )
        rows.append(LegendRow("text", hidden))
    return tuple(rows)


def process_legend_dot(rows: tuple[LegendRow, ...]) -> str:
    """The process map's legend as a Graphviz HTML-like table, its lines wrapped narrow."""
    span = next((r.columns for r in rows if r.kind == "swatches"), len(PALETTE))
    out: list[str] = []
    for r in rows:
        if r.kind == "title":
            out.append(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT"><B>{html(r.text)}</B></TD></TR>')
        elif r.kind in ("scale", "swatches"):
            out.append(dot_swatches(r))
        else:
            head = f'<FONT COLOR="{r.head_colour}"><B>{html(r.head)}</B></FONT>' if r.head else ""
            out.append(
                f'<TR><TD COLSPAN="{span}" ALIGN="LEFT" BALIGN="LEFT">{head}'
                f"{wrapped_row(r.text, LEGEND_WRAP - len(head) // 8)}</TD></TR>"
            )
    return f"{LEGEND_TABLE}{''.join(out)}</TABLE>"


def dot_swatches(row: LegendRow, point_size: int | None = None) -> str:
    """The Graphviz table rows of a "scale" or "swatches" legend row (the scale's note above
    its cells)."""
    cells = [(s.colour, s.ink, s.label) for s in row.swatches]
    return swatch_rows(cells, row.columns, point_size, note=row.text)


def comparison_legend(
    kind: str, comparison: Comparison, chosen: DifferenceSelection, w: Words
) -> tuple[LegendRow, ...]:
    """The legend of compare's `difference`, `before` or `after` map of `chosen`."""
    c = comparison.cases
    options = comparison.options
    level = round((1.0 - options.alpha) * 100)
    rows: list[LegendRow] = []
    if kind == "difference":
        rows.append(LegendRow("title", w("cg_diff_title")))
        change = change_text(c.before_median_s, c.after_median_s, w)
        rows += [LegendRow("text", w("cg_cases", change=change)), LegendRow("text", w("cg_text"))]
        for colour, text in (
            (SLOWER, w("cg_slower", alpha=w.fixed(options.alpha, "g"), level=level)),
            (FASTER, w("cg_faster")),
            (NEW, w("cg_new_row")),
            (UNCHANGED, w("cg_unchanged")),
            (INSUFFICIENT, w("cg_insufficient", count=options.min_count)),
        ):
            rows.append(LegendRow("text", text, "━━", colour))
        rows.append(LegendRow("text", w("cg_width")))
        if w.workday_s is not None:
            rows.append(LegendRow("text", w.workday_note()))
        for name, palette in (("cg_more", MORE_WAIT), ("cg_less", LESS_WAIT)):
            rows.append(LegendRow("plain", w(name)))
            rows.append(LegendRow("swatches", swatches=_steps(palette, w), columns=len(palette)))
        if chosen.edge_ranks or chosen.activity_ranks:
            rows.append(LegendRow("text", w("cg_ranks")))
    else:
        rows.append(LegendRow("title", w(f"cg_title_{kind}")))
        side = comparison.before if kind == "before" else comparison.after
        median = c.before_median_s if kind == "before" else c.after_median_s
        cases = w("cg_side_cases", cases=w.count(side.cases), median=w.duration(median))
        rows += [LegendRow("text", cases), LegendRow("text", w("cg_side_text"))]
        rows += [LegendRow("text", w("cg_colour")), scale_row(w)]
        rows.append(LegendRow("text", w("cg_same_layout")))
    if chosen.hidden_edges or chosen.hidden_activities:
        shown = w(
            "cg_shown",
            shown=w.count(len(chosen.edges)),
            total=w.count(chosen.total_edges),
            acts=w.count(len(chosen.activities)),
            all_acts=w.count(chosen.total_activities),
            hidden=w.count(chosen.hidden_edges),
            hidden_acts=w.count(chosen.hidden_activities),
        )
        rows.append(LegendRow("text", shown))
    return tuple(rows)


def _steps(palette: tuple[str, ...], w: Words) -> tuple[Swatch, ...]:
    """One swatch per emphasis step of added (or saved) waiting per case."""
    names = [f"< {w.duration(ADDED_STEPS_S[0], short=True)}"]
    names += [f"≥ {w.duration(edge, short=True)}" for edge in ADDED_STEPS_S]
    return tuple(
        Swatch(colour, STEP_TEXT[i], name)
        for i, (colour, name) in enumerate(zip(palette, names, strict=True))
    )


def comparison_legend_dot(rows: tuple[LegendRow, ...]) -> str:
    """A comparison map's legend as a Graphviz HTML-like table."""
    span = len(ADDED_STEPS_S) + 1
    out: list[str] = []

    def row(text: str) -> None:
        out.append(f'<TR><TD ALIGN="LEFT" COLSPAN="{span}">{text}</TD></TR>')

    for r in rows:
        if r.kind == "title":
            row(f"<B>{html(r.text)}</B>")
        elif r.kind == "plain":
            row(html(r.text))
        elif r.kind == "swatches":
            cells = "".join(
                f'<TD BGCOLOR="{c.colour}"><FONT POINT-SIZE="{SMALL_PT}" COLOR="{c.ink}">'
                f"{html(c.label)}</FONT></TD>"
                for c in r.swatches
            )
            out.append(f"<TR>{cells}</TR>")
        elif r.kind == "scale":
            scale = dot_swatches(r, SMALL_PT)
            out.append(f'<TR><TD COLSPAN="{span}"><TABLE BORDER="0">{scale}</TABLE></TD></TR>')
        else:
            head = f'<FONT COLOR="{r.head_colour}"><B>{html(r.head)}</B></FONT> ' if r.head else ""
            row(head + wrapped_row(r.text, COMPARE_WRAP))
    return (
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2" COLOR="#9aa3ad" '
        f'BGCOLOR="#fbfbfb">{"".join(out)}</TABLE>'
    )
