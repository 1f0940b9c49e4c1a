"""The drift picture: the main period series over time with the detected change points marked."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analysis.drift import OVERALL, DriftResult
from ..timeunits import utc_offset_us
from .plot_style import (
    LINE,
    LINE_2,
    PRINT_RC,
    date_axis,
    mark_dates,
    number_axis,
    unit_below,
)
from .words import ENGLISH, Words, duration_unit

# (group, title key, axis label key without a title, unit, [(metric, legend key, colour)]) per
# panel, in the order drawn; the words are in render/texts/drift.toml and report.toml
PANELS: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "wait",
        "dp_title_wait",
        "axis_wait_median",
        "duration",
        (("wait_median_s", "dp_median", LINE), ("wait_p90_s", "dp_p90", LINE_2)),
    ),
    (
        "throughput",
        "dp_title_throughput",
        "axis_throughput",
        "duration",
        (("throughput_median_s", "dp_median", LINE), ("throughput_p90_s", "dp_p90", LINE_2)),
    ),
    (
        "arrivals",
        "dp_title_arrivals",
        "axis_arrivals_day",
        "cases",
        (("arrivals_per_day", "dp_new_per_day", LINE),),
    ),
    (
        "flow",
        "dp_title_flow",
        "dp_distance",
        "share",
        (("flow_distance", "dp_distance", LINE),),
    ),
)
METRICS = tuple(metric for panel in PANELS for metric, _, _ in panel[4])


@dataclass(frozen=True)
class PlotStyle:
    """How a drift picture is drawn: its size (inches; height `base_in` plus `ratio_in` per
    unit of the panels' height ratios, 3 for the first panel and 2 for the others), PNG
    resolution, font sizes, the series it shows (`metrics`; a panel for each group with one)
    and whether a title line and a title over each panel say what it shows (`titled`; the
    report's caption and axis labels do instead)."""

    width_in: float = 7.2  # a 180 mm A4 column: the text keeps its size when printed
    dpi: int = 150
    font_pt: float = 9.0
    small_pt: float = 7.5  # legends and the change-point dates
    metrics: tuple[str, ...] = METRICS
    titled: bool = True
    base_in: float = 0.9
    ratio_in: float = 0.65
    svg_salt: str = "bottleneck-drift"  # the SVG ids' hash salt (fixed: repeatable SVG)


CLI_STYLE = PlotStyle()
"""`bottleneck drift`'s drift.png and drift.svg: every series, titled."""
REPORT_STYLE = PlotStyle(
    dpi=300,
    metrics=("wait_median_s", "arrivals_per_day"),
    titled=False,
    base_in=0.5,
    ratio_in=0.7,
    svg_salt="bottleneck-report",  # the salt of the report's other figures
)
"""The report's timeline: the median wait and the arrivals, at print resolution."""


def plot_title(result: DriftResult, words: Words = ENGLISH) -> str:
    """The title of the drift picture: the log, the period and the change points."""
    w = words
    count = len(result.change_points)
    basis = (
        w("dp_working", calendar=result.time_basis.removeprefix("working:"))
        if result.time_basis != "wall_clock"
        else ""
    )
    return w(
        "dp_title_one" if count == 1 else "dp_title",
        source=result.source,
        period=w("dp_per_bin", n=w.count(result.bin_cases or 0))
        if result.granularity == "cases"
        else w("dp_per_week" if result.granularity == "week" else "dp_per_day"),
        count=w.count(count),
        basis=basis,
    )


def axis_label(unit: str, working: bool, words: Words = ENGLISH) -> str:
    """The y-axis label of a panel in `unit` (hours, days, cases, share)."""
    if working and unit in ("hours", "days"):
        return words(f"dp_working_{unit}")
    return words(f"dp_unit_{unit}")


def drift_picture(
    result: DriftResult, fmt: str, words: Words = ENGLISH, style: PlotStyle = CLI_STYLE
) -> bytes:
    """The picture of `result` as PNG or SVG bytes (SVG output is byte-for-byte repeatable),
    in `words` and `style`."""
    return drift_pictures(result, (fmt,), words, style)[fmt]


def drift_pictures(
    result: DriftResult,
    formats: Sequence[str] = ("png", "svg"),
    words: Words = ENGLISH,
    style: PlotStyle = CLI_STYLE,
) -> dict[str, bytes]:
    """The picture of `result` drawn once and saved in each of `formats` (png, svg)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure as MplFigure

    w = words
    overall = result.series[result.series["element"] == OVERALL]
    panels = [
        (group, title, label, unit, tuple(line for line in lines if line[0] in style.metrics))
        for group, title, label, unit, lines in PANELS
        if group in result.metrics
    ]
    panels = [p for p in panels if overall["metric"].isin([m for m, _, _ in p[4]]).any()]
    shift = pd.Timedelta(
        microseconds=utc_offset_us(result.display_tz, result.first_period.value // 1000)
    )

    def local(stamps: Any) -> pd.DatetimeIndex:
        """UTC times as the log's wall-clock times, naive (matplotlib draws them as given)."""
        return pd.DatetimeIndex(stamps).tz_convert("UTC").tz_localize(None) + shift

    working = result.time_basis != "wall_clock"
    ratios = [3] + [2] * (max(len(panels), 1) - 1)
    out: dict[str, bytes] = {}
    rc: Any = {**PRINT_RC, "font.size": style.font_pt, "svg.hashsalt": style.svg_salt}
    with mpl.rc_context(rc):
        fig = MplFigure(
            figsize=(style.width_in, style.base_in + style.ratio_in * sum(ratios)),
            layout="constrained",
        )
        axes = list(
            fig.subplots(len(ratios), 1, sharex=True, height_ratios=ratios, squeeze=False)[:, 0]
        )
        for ax, (_group, title, label, unit, lines) in zip(axes, panels, strict=False):
            parts = [
                (overall[overall["metric"] == m].sort_values("period"), k, c) for m, k, c in lines
            ]
            values = pd.concat([part["value"] for part, _, _ in parts]).astype(float)
            size, unit_key = 1.0, ""
            if unit == "duration":
                typical = float(values.max()) / 2 if len(values) else 3600.0
                size, unit_key = duration_unit(typical, result.day_s if working else None)
            for part, key, colour in parts:
                if part.empty:
                    continue
                when = local(part["period"])
                if unit == "cases":
                    ax.bar(when, part["value"].astype(float), width=0.8, color=colour, alpha=0.75)
                    continue
                ax.plot(
                    when,
                    part["value"].astype(float) / size,
                    color=colour,
                    marker="o",
                    markersize=2.5,
                    linewidth=1.4,
                    label=w(key),
                )
            if style.titled:
                ax.set_title(w(title), loc="right", fontsize=style.font_pt, fontweight="bold")
                ax.set_ylabel(w(unit_key) if unit_key else axis_label(unit, working, w))
            else:
                ax.set_ylabel(unit_below(w(label, unit=w(unit_key)), w) if unit_key else w(label))
            ax.set_ylim(bottom=0)
            number_axis(ax.yaxis, w)
            if len(parts) > 1:
                ax.legend(
                    loc="lower left",
                    bbox_to_anchor=(0.0, 1.0),
                    frameon=False,
                    fontsize=style.small_pt,
                    ncol=len(parts),
                )
        # holiday weeks (left out of the detection) and episodes, shaded behind the series
        step = pd.Timedelta(days=7 if result.granularity == "week" else 1)
        if result.granularity == "cases" and result.periods > 1:
            step = (result.last_period - result.first_period) / (result.periods - 1)
        spans = [(p, p + step, "0.88") for p in result.holiday_periods]
        spans += [(e.start, e.end + step, "#f6d5b8") for e in result.episodes]
        for start, end, colour in spans:
            lo, hi = local([start, end])
            for ax in axes:
                ax.axvspan(lo, hi, color=colour, alpha=0.6, linewidth=0, zorder=0)
        points = sorted(point.date for point in result.change_points)
        marks = [(when, w.date(when)) for when in local(points)] if points else []
        mark_dates(axes, marks, fontsize=style.small_pt)
        if style.titled:
            chars = int(style.width_in * 72 / ((style.font_pt + 1) * 0.55))  # DejaVu's average
            fig.suptitle(
                textwrap.fill(plot_title(result, w), chars),
                x=0.01,
                ha="left",
                fontsize=style.font_pt + 1,
            )
        axes[-1].set_xlabel(w("axis_period"))
        date_axis(axes[-1].xaxis, w)
        for fmt in formats:
            buffer = io.BytesIO()
            if fmt == "svg":
                fig.savefig(buffer, format="svg", metadata={"Date": None})
            else:
                fig.savefig(buffer, format=fmt, dpi=style.dpi, metadata={"Software": None})
            out[fmt] = buffer.getvalue()
    return out
