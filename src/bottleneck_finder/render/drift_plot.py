"""The drift picture: the main period series over time with the detected change points marked."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from ..analysis.drift import OVERALL, DriftResult
from ..timeunits import pandas_zone
from .words import ENGLISH, Words

FONT = "DejaVu Sans"  # ships with matplotlib and covers Vietnamese diacritics
LINE = "#1f4e79"
LINE_2 = "#d9822b"
MARK = "#c0392b"

# (group, title key, unit, [(metric, label key, colour)]) per panel, in the order drawn; the
# words are in render/texts/drift.toml
PANELS: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "wait",
        "dp_title_wait",
        "hours",
        (("wait_median_s", "dp_median", LINE), ("wait_p90_s", "dp_p90", LINE_2)),
    ),
    (
        "throughput",
        "dp_title_throughput",
        "days",
        (("throughput_median_s", "dp_median", LINE), ("throughput_p90_s", "dp_p90", LINE_2)),
    ),
    (
        "arrivals",
        "dp_title_arrivals",
        "cases",
        (("arrivals_per_day", "dp_new_per_day", LINE),),
    ),
    (
        "flow",
        "dp_title_flow",
        "share",
        (("flow_distance", "dp_distance", LINE),),
    ),
)
SCALE = {"hours": 3600.0, "days": 86400.0, "cases": 1.0, "share": 1.0}
# Tick labels of the time axis in Vietnamese: day before month, numbers only ("04/2025").
VI_DATES: dict[str, list[str]] = {
    "formats": ["%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M", "%S.%f"],
    "zero_formats": ["", "%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M"],
    "offset_formats": ["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M"],
}


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
        period=w("dp_per_week" if result.granularity == "week" else "dp_per_day"),
        count=w.count(count),
        basis=basis,
    )


def axis_label(unit: str, working: bool, words: Words = ENGLISH) -> str:
    """The y-axis label of a panel in `unit` (hours, days, cases, share)."""
    if working and unit in ("hours", "days"):
        return words(f"dp_working_{unit}")
    return words(f"dp_unit_{unit}")


def drift_picture(result: DriftResult, fmt: str, words: Words = ENGLISH) -> bytes:
    """The picture of `result` as PNG or SVG bytes (SVG output is byte-for-byte repeatable),
    in `words`."""
    w = words
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    overall = result.series[result.series["element"] == OVERALL]
    panels = [
        panel
        for panel in PANELS
        if panel[0] in result.metrics and overall["metric"].isin([m for m, _, _ in panel[3]]).any()
    ]
    zone = pandas_zone(result.display_tz)
    rc: Any = {
        "font.family": FONT,
        "font.size": 9,
        "svg.hashsalt": "bottleneck-drift",
        "svg.fonttype": "path",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with plt.rc_context(rc):
        fig, axes = plt.subplots(
            max(len(panels), 1), 1, figsize=(10, 1.0 + 2.1 * max(len(panels), 1)), sharex=True
        )
        axes_list = list(axes) if len(panels) > 1 else [axes]
        working = result.time_basis != "wall_clock"
        for ax, (_group, title, unit, lines) in zip(axes_list, panels, strict=False):
            scale = result.day_s if (working and unit == "days") else SCALE[unit]
            for metric, label, colour in lines:
                part = overall[overall["metric"] == metric].sort_values("period")
                if part.empty:
                    continue
                x = _local(part["period"], zone)
                ax.plot(
                    x,
                    part["value"] / scale,
                    marker="o",
                    markersize=3,
                    linewidth=1.4,
                    color=colour,
                    label=w(label),
                )
            ax.set_title(w(title), loc="right", fontsize=10, fontweight="bold")
            ax.set_ylabel(axis_label(unit, working, w))
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
            if w.lang == "vi":  # decimal comma on the value axis: 0,5
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: w.fixed(v, "g")))
            ax.set_ylim(bottom=0)
            if len(lines) > 1:
                ax.legend(
                    loc="upper left",
                    bbox_to_anchor=(0.0, 1.16),
                    frameon=False,
                    fontsize=8,
                    ncol=len(lines),
                )
            for point in result.change_points:
                ax.axvline(_local(pd.Series([point.date]), zone)[0], color=MARK, linestyle="--")
        top = axes_list[0]
        for point in result.change_points:
            when = _local(pd.Series([point.date]), zone)[0]
            top.annotate(
                w.date(pd.Timestamp(when)),
                xy=(when, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-2, -2),
                textcoords="offset points",
                va="top",
                ha="right",
                rotation=90,
                fontsize=7.5,
                color=MARK,
                fontweight="bold",
            )
        fig.suptitle(
            plot_title(result, w),
            x=0.01,
            ha="left",
            fontsize=11,
        )
        bottom = axes_list[-1]
        bottom.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
                bottom.xaxis.get_major_locator(), **(VI_DATES if w.lang == "vi" else {})
            )
        )
        fig.tight_layout()
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
        plt.close(fig)
    return buffer.getvalue()


def _local(stamps: pd.Series, zone: Any) -> Any:
    """Period starts as naive local times (matplotlib draws them as given)."""
    return pd.DatetimeIndex(stamps).tz_convert(zone).tz_localize(None).to_pydatetime()
