"""The drift picture: the main period series over time with the detected change points marked."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from ..analysis.drift import OVERALL, DriftResult
from ..timeunits import pandas_zone

FONT = "DejaVu Sans"  # ships with matplotlib and covers Vietnamese diacritics
LINE = "#1f4e79"
LINE_2 = "#d9822b"
MARK = "#c0392b"

# (title, unit, [(metric, label, colour)]) per panel, in the order drawn
PANELS: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "wait",
        "Waiting time between steps",
        "hours",
        (("wait_median_s", "median", LINE), ("wait_p90_s", "p90", LINE_2)),
    ),
    (
        "throughput",
        "Throughput time of cases, by case start",
        "days",
        (("throughput_median_s", "median", LINE), ("throughput_p90_s", "p90", LINE_2)),
    ),
    (
        "arrivals",
        "New cases per working day",
        "cases",
        (("arrivals_per_day", "new cases / day", LINE),),
    ),
    (
        "flow",
        "Flow change: share of step pairs that differ, window before vs after",
        "share",
        (("flow_distance", "distance", LINE),),
    ),
)
SCALE = {"hours": 3600.0, "days": 86400.0, "cases": 1.0, "share": 1.0}


def drift_picture(result: DriftResult, fmt: str) -> bytes:
    """The picture of `result` as PNG or SVG bytes (SVG output is byte-for-byte repeatable)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

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
                    label=label,
                )
            ax.set_title(title, loc="right", fontsize=10, fontweight="bold")
            ax.set_ylabel(f"working {unit}" if working and unit in ("hours", "days") else unit)
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
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
                when.strftime("%Y-%m-%d"),
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
        unit_word = "week" if result.granularity == "week" else "day"
        count = len(result.change_points)
        basis = (
            f"; durations in working time (calendar {result.time_basis.removeprefix('working:')})"
            if working
            else ""
        )
        fig.suptitle(
            f"{result.source} — per {unit_word}; "
            f"{count} change point{'s' if count != 1 else ''} (dashed){basis}",
            x=0.01,
            ha="left",
            fontsize=11,
        )
        bottom = axes_list[-1]
        bottom.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
                bottom.xaxis.get_major_locator()
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
