"""The drift section: the dates at which the process changed, in a table and on a timeline."""

from __future__ import annotations

from ..analysis.drift_model import Move
from ..render.drift_plot import REPORT_STYLE, drift_pictures
from ..render.words import Words
from . import figures
from .model import Context, Figure, Finding, Paragraph, Section, Table
from .sections import local


def _level(w: Words, metric: str, value: float) -> str:
    if metric.endswith("_s"):
        return w.duration(value)
    if metric == "flow":
        return w.percent(value)
    return w.number(value, 1)


def describe_move(w: Words, move: Move) -> str:
    """A drift move in the report's words."""
    what = w("metric_" + move.metric) if ("metric_" + move.metric) in _keys() else move.metric
    if move.scope == "flow":
        return w(
            "flow_moved",
            what=what,
            before=_level(w, "flow", move.before_level),
            after=_level(w, "flow", move.after_level),
        )
    if move.scope == "activity":
        where = " " + w("where_before", activity=move.activity)
    elif move.scope == "transition":
        where = w("on_element", element=f"{move.source} → {move.activity}")
    else:
        where = ""
    key = "moved_up" if move.after_level > move.before_level else "moved_down"
    return w(
        key,
        what=what,
        where=where,
        before=_level(w, move.metric, move.before_level),
        after=_level(w, move.metric, move.after_level),
    )


def _keys() -> set[str]:
    from ..render.messages import MESSAGES

    return set(MESSAGES)


def drift_section(ctx: Context) -> Section | None:
    """The dates at which the process changed, in a table and on a timeline."""
    result = ctx.results.drift
    if result is None:
        return None
    w = ctx.words
    unit = w("gran_" + result.granularity)
    blocks: list[Paragraph | Table | Figure] = [Paragraph(w("drift_intro", unit=unit))]
    findings: list[Finding] = []
    points = sorted(result.change_points, key=lambda p: p.date)
    if not points:
        blocks.append(Paragraph(w("drift_none", n=w.count(result.periods), unit=unit)))
    else:
        blocks.append(
            Table(
                columns=(w("col_date"), w("col_what"), w("col_strength")),
                rows=tuple(
                    (
                        w.date(local(ctx.data, p.date)),
                        describe_move(w, p.main),
                        w.number(p.strength, 1),
                    )
                    for p in points
                ),
                numeric=(False, False, True),
            )
        )
        best = max(points, key=lambda p: (p.strength, -p.date.value))
        day = w.date(local(ctx.data, best.date))
        if ctx.results.comparison is not None and best.main.metric == "throughput_median_s":
            # the comparison's finding states the levels: one number for one thing
            text = w("f_drift_compared", date=day, what=w("metric_throughput_median_s"))
        else:
            text = w("f_drift", date=day, what=describe_move(w, best.main))
        findings.append(
            Finding(
                text=text,
                evidence=w("e_drift", n=len(points)),
                priority=15,
                anchor="drift",
            )
        )
    pictures = drift_pictures(result, ("svg", "png"), w, REPORT_STYLE)
    blocks.append(
        figures.picture_figure(
            pictures["svg"],
            pictures["png"],
            name="drift_timeline",
            caption=w("drift_plot", unit=unit),
        )
    )
    return Section(id="drift", title=w("drift"), blocks=tuple(blocks), findings=tuple(findings))
