"""The model section: the model discovered from the log, drawn, with its fitness and precision."""

from __future__ import annotations

from ..render.discovery_text import model_warnings
from ..render.model_graph import model_dot
from . import figures
from .model import Context, Figure, Paragraph, Section


def model_section(ctx: Context) -> Section | None:
    """The discovered model drawn, with its fitness and precision."""
    found = ctx.results.model
    if found is None:
        return None
    mined, graph = found.mined, found.graph
    w = ctx.words

    def share(value: float | None) -> str:
        return "–" if value is None else w.number(float(value), 3)

    blocks: list[Paragraph | Figure] = [
        Paragraph(
            w(
                "model_intro",
                miner=mined.miner,
                noise=w.number(mined.noise, 2),
                fitness=share(mined.fitness),
                precision=share(mined.precision),
            )
        )
    ]
    if mined.fitness is None:
        blocks.append(Paragraph(w("model_no_quality"), kind="note"))
    blocks += [Paragraph(text, kind="note") for text in model_warnings(mined, w)]
    # Laid out as discover draws it, fitted to the printed page (top to bottom first).
    dot = model_dot(graph, ctx.data.analysis, words=w, projection=mined.projection, printed=True)
    figure = figures.graph_figure(dot, name="model", caption=w("model_caption"))
    blocks.append(figure if figure is not None else Paragraph(w("no_graph"), kind="warning"))
    return Section(id="model", title=w("model"), blocks=tuple(blocks))
