"""The report's pictures: Graphviz maps as figures, the difference map, plots in memory.

Every picture comes out as SVG (inlined in the HTML, vectors in the PDF) and PNG at print
resolution (beside the Markdown). Text in plots is drawn as paths, so it looks the same
everywhere and markup in a label is never interpreted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..render.graph import LegendRow, dot_available, render_dot
from ..render.plot_style import (
    PRINT_RC,
    date_axis,
    legend_label,
    log_axis,
    mark_dates,
    number_axis,
    plain,
    unit_below,
)
from ..render.plot_style import SERIES_COLOURS as SERIES_COLOURS
from ..render.words import Words
from .model import Figure

PRINT_DPI = 300
MAX_PNG_PX = 4961  # the long side of A3 at 300 dpi
WIDTH_IN = 7.2  # a 180 mm A4 column
MAX_EDGES = 40


def _svg_body(svg: str) -> str:
    """An SVG document without its XML prologue and comments, ready to inline in HTML."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return re.sub(r"<!--.*?-->", "", body, flags=re.S).strip() + "\n"


def _save(fig: Any) -> tuple[str, bytes]:
    """A matplotlib figure as deterministic SVG text and PNG bytes."""
    svg_buffer = io.BytesIO()
    fig.savefig(svg_buffer, format="svg", metadata={"Date": None})
    png_buffer = io.BytesIO()
    fig.savefig(png_buffer, format="png", dpi=PRINT_DPI, metadata={"Software": None})
    return _svg_body(svg_buffer.getvalue().decode("utf-8")), png_buffer.getvalue()


def picture_figure(svg: bytes, png: bytes, *, name: str, caption: str) -> Figure:
    """A picture drawn elsewhere (SVG and print-resolution PNG bytes) as a report figure, its
    SVG ready to inline."""
    return Figure(
        name=name, caption=caption, svg=_svg_body(svg.decode("utf-8")), png=png, alt=caption
    )


def _figure(height: float, rows: int = 1, **kwargs: Any) -> tuple[Any, Any]:
    import matplotlib as mpl
    from matplotlib.figure import Figure as MplFigure

    rc: Any = {**PRINT_RC, "svg.hashsalt": "bottleneck-report"}
    mpl.rcParams.update(rc)
    fig = MplFigure(figsize=(WIDTH_IN, height), layout="constrained")
    axes = fig.subplots(rows, 1, **kwargs)
    return fig, axes


@dataclass(frozen=True)
class Series:
    """One set of durations to plot, with its legend label and colour."""

    label: str
    values_s: np.ndarray
    colour: str
    dashes: str = "-"


def wait_distribution(series: Sequence[Series], words: Words, *, name: str, caption: str) -> Figure:
    """Step histograms of waiting times on a logarithmic axis, each with its median marked."""
    fig, ax = _figure(3.6)
    positive = np.concatenate([s.values_s[s.values_s > 0] for s in series] or [np.zeros(0)])
    typical = float(np.median(positive)) if len(positive) else 3600.0
    size, unit = words.plot_unit(typical)
    if len(positive):
        low, high = float(positive.min()) / size, float(positive.max()) / size
        high = max(high, low * 1.01)
        bins = np.geomspace(low, high, 31)
        for s in series:
            values = np.clip(s.values_s / size, low, high)
            if len(values) == 0:
                continue
            counts, edges = np.histogram(values, bins=bins)
            ax.stairs(
                counts,
                edges,
                color=s.colour,
                linewidth=1.6,
                linestyle=s.dashes,
                label=legend_label(
                    s.label,
                    words("legend_median", value=words.duration(float(np.median(s.values_s)))),
                ),
            )
            ax.axvline(
                max(float(np.median(s.values_s)) / size, low),
                color=s.colour,
                linestyle="--",
                linewidth=1.0,
            )
        ax.set_xscale("log")
        log_axis(ax.xaxis, words, low, high)
    ax.set_xlabel(words("axis_wait", unit=words(unit)))
    ax.set_ylabel(words("axis_handovers"))
    number_axis(ax.yaxis, words)
    if series:
        fig.legend(loc="outside lower center", fontsize=7.5, frameon=False)
    svg, png = _save(fig)
    return Figure(name=name, caption=caption, svg=svg, png=png, alt=caption)


def weekly_plot(
    weekly: Sequence[tuple[str, pd.DataFrame, str]],
    words: Words,
    *,
    name: str,
    caption: str,
    markers: Sequence[tuple[pd.Timestamp, str]] = (),
) -> Figure:
    """Median wait (top) and new cases (bottom) per week, one line per labelled series."""

    fig, (top, bottom) = _figure(4.4, rows=2, sharex=True, height_ratios=[3, 2])
    waits = np.concatenate(
        [f["median_wait_s"].dropna().to_numpy(dtype="float64") for _, f, _ in weekly]
        or [np.zeros(0)]
    )
    size, unit = words.plot_unit(float(np.max(waits)) / 2 if len(waits) else 3600.0)
    several = len(weekly) > 1
    width = 5.0 / max(len(weekly), 1)
    for i, (label, frame, colour) in enumerate(weekly):
        middle = pd.to_datetime(frame["week"]) + pd.Timedelta(days=3.5)  # drawn mid-week
        top.plot(
            middle,
            frame["median_wait_s"] / size,
            color=colour,
            marker="o",
            markersize=2.5,
            linewidth=1.4,
            label=legend_label(label) if several else None,
        )
        shift = pd.to_timedelta((i - (len(weekly) - 1) / 2) * width, unit="D")
        bottom.bar(
            middle + shift,
            frame["arrivals"],
            width=width,
            color=colour,
            alpha=0.75,
            label=legend_label(label) if several else None,
        )
    _finish_timeline(
        top,
        bottom,
        markers,
        words,
        wait_label=unit_below(words("axis_median_wait", unit=words(unit)), words),
        count_label=words("axis_arrivals"),
        period_label=words("axis_week"),
    )
    if several:  # above the top panel, where it hides no point
        top.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=len(weekly),
            fontsize=7.5,
            frameon=False,
        )
    svg, png = _save(fig)
    return Figure(name=name, caption=caption, svg=svg, png=png, alt=caption)


def throughput_plot(series: Sequence[Series], words: Words, *, name: str, caption: str) -> Figure:
    """Histograms of case throughput times with median and P90 lines."""
    fig, ax = _figure(3.4)
    values = np.concatenate([s.values_s for s in series] or [np.zeros(0)])
    size, unit = words.plot_unit(float(np.median(values)) if len(values) else 86400.0)
    if len(values):
        high = float(np.quantile(values, 0.995)) / size
        bins = np.linspace(0.0, max(high, 1e-9), 41)
        for s in series:
            v = np.clip(s.values_s / size, 0.0, bins[-1])
            counts, edges = np.histogram(v, bins=bins)
            median = float(np.median(s.values_s))
            p90 = float(np.quantile(s.values_s, 0.9))
            label = legend_label(
                s.label if len(series) > 1 else "",
                f"{words('legend_median', value=words.duration(median))}, "
                + words("legend_p90", value=words.duration(p90)),
            )
            ax.stairs(
                counts,
                edges,
                color=s.colour,
                fill=len(series) == 1,
                alpha=0.35 if len(series) == 1 else 1.0,
                linewidth=1.4,
                label=label,
            )
            ax.axvline(median / size, color=s.colour, linestyle="--", linewidth=1.1)
            ax.axvline(p90 / size, color=s.colour, linestyle=":", linewidth=1.1)
    ax.set_xlabel(words("axis_throughput", unit=words(unit)))
    ax.set_ylabel(words("axis_cases"))
    number_axis(ax.xaxis, words)
    number_axis(ax.yaxis, words)
    if series:  # below the plot, where it hides no bar
        fig.legend(loc="outside lower center", fontsize=7.5, frameon=False)
    svg, png = _save(fig)
    return Figure(name=name, caption=caption, svg=svg, png=png, alt=caption)


# ---------------------------------------------------------------- process map


def _png_dpi(svg: str) -> float:
    """Print resolution (300 dpi), lowered for a large graph so that its longer side stays
    within an A3 page at 300 dpi (4961 px; the process map with its legend is taller than an
    A4 page): larger PNGs take seconds to draw and print no sharper."""
    size = re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"[^>]*\sheight="([0-9.]+)pt"', svg)
    if size is None:
        return float(PRINT_DPI)
    longest_in = max(float(size.group(1)), float(size.group(2))) / 72.0
    return min(float(PRINT_DPI), MAX_PNG_PX / longest_in) if longest_in > 0 else PRINT_DPI


def graph_figure(
    dot: str, *, name: str, caption: str, legend: tuple[LegendRow, ...] = ()
) -> Figure | None:
    """The map drawn by Graphviz as SVG and print-resolution PNG, with its `legend` when it is
    set beside the map; None without Graphviz."""
    if not dot_available():
        return None
    svg = render_dot(dot, "svg").decode("utf-8")
    png = render_dot(dot, "png", _png_dpi(svg))
    return Figure(
        name=name, caption=caption, svg=_svg_body(svg), png=png, alt=caption, legend=legend
    )


# ---------------------------------------------------------------- comparison, drift, causes, model


CAUSE_COLOURS = ("#3a6ea5", "#f08a24", "#6a3d9a", "#a50026", "#9aa3ad")


def share_tick(share: float, words: Words) -> str:
    """A tick of a 0–100% axis: whole percents, "0%" too (words.percent writes "0,0%")."""
    return f"{words.number(share * 100.0, 0)}%"


def causes_plot(
    rows: Sequence[tuple[str, Sequence[float]]],
    causes: Sequence[str],
    words: Words,
    *,
    name: str,
    caption: str,
) -> Figure:
    """Horizontal stacked bars: each row's waiting time split by cause (shares of its total)."""
    fig, ax = _figure(0.9 + 0.45 * max(len(rows), 1))
    labels = [plain(label) for label, _ in rows][::-1]
    left = np.zeros(len(rows))
    for i, cause in enumerate(causes):
        values = np.array([parts[i] for _, parts in rows][::-1], dtype=float)
        ax.barh(
            labels,
            values,
            left=left,
            color=CAUSE_COLOURS[i % len(CAUSE_COLOURS)],
            label=legend_label(cause, chars=40),
            height=0.6,
        )
        left += values
    ax.set_xlim(0, 1)
    ax.set_xlabel(words("axis_share"))
    ax.grid(axis="y", visible=False)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: share_tick(v, words)))
    fig.legend(loc="outside lower center", ncols=3, fontsize=7.5, frameon=False)
    svg, png = _save(fig)
    return Figure(name=name, caption=caption, svg=svg, png=png, alt=caption)


def _finish_timeline(
    top: Any,
    bottom: Any,
    markers: Sequence[tuple[Any, str]],
    words: Words,
    *,
    wait_label: str,
    count_label: str,
    period_label: str,
) -> None:
    """The finish of the two-panel weekly timeline: dashed marked dates with their labels,
    axis labels in the report's language, localized numbers and dates."""
    mark_dates((top, bottom), markers)
    top.set_ylabel(wait_label)
    top.set_ylim(bottom=0)
    bottom.set_ylabel(count_label)
    bottom.set_xlabel(period_label)
    number_axis(top.yaxis, words)
    number_axis(bottom.yaxis, words)
    date_axis(bottom.xaxis, words)
