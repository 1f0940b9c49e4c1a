"""Words in one language (vi or en): messages by key, numbers, percents, durations and dates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..timeunits import local_time, pandas_zone
from .messages import MESSAGES

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


@dataclass(frozen=True)
class Words:
    """Messages and number, duration and date formats in one language."""

    lang: Lang
    workday_s: float | None = None  # with a working calendar: durations in its working days
    short_workdays: bool = False  # every working-day duration in the short unit ("ngày LV")

    def __call__(self, key: str, **values: object) -> str:
        """The message `key` in this language with `values` filled in."""
        text = MESSAGES[key][0 if self.lang == "vi" else 1]
        return text.format(**values) if values else text

    def number(self, value: float, decimals: int = 0) -> str:
        """A number with the language's separators: 1.234,5 (vi) or 1,234.5 (en)."""
        if isinstance(value, float) and math.isnan(value):
            return "–"
        text = f"{value:,.{decimals}f}"
        if self.lang == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def fixed(self, value: float, spec: str) -> str:
        """`value` in a Python format `spec` (",", ".1f", "+.0f", ".1%"…) with the language's
        separators: exactly `format(value, spec)` in English."""
        text = format(value, spec)
        if self.lang == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def share(self, value: float, decimals: int = 1) -> str:
        """A share as a percentage with fixed decimals: "12.3%" (en), "12,3%" (vi)."""
        return self.fixed(value, f".{decimals}%")

    def count(self, value: int) -> str:
        """A whole count with thousands separators."""
        return self.number(int(value), 0)

    def percent(self, share: float) -> str:
        """A share as a percentage: 41% above 10%, one decimal below (vi: 4,5%)."""
        if math.isnan(share):
            return "–"
        pct = share * 100.0
        if pct >= 9.95:
            return f"{self.number(pct, 0)}%"
        if 0 < pct < 0.05:
            return f"<{self.number(0.1, 1)}%"
        return f"{self.number(pct, 1)}%"

    def duration(self, seconds: float, short: bool = False) -> str:
        """A duration as people say it: "45 giây", "3,2 giờ", "3,2 ngày" (vi) / "3.2 d" (en);
        with a working calendar, days are its working days: "3,2 ngày làm việc" / "3.2 wd"
        (`short`: "3,2 ngày LV", for narrow places that explain the unit nearby)."""
        if math.isnan(seconds):
            return "–"
        if seconds < 0:
            return "-" + self.duration(-seconds, short)
        for unit, size, limit in (
            ("unit_s", 1.0, 60.0),
            ("unit_min", 60.0, 60.0),
            ("unit_h", 3600.0, 24.0 if self.workday_s is None else self.workday_s / 3600.0),
        ):
            value = seconds / size
            shown = round(value, 1) if round(value, 1) < 10 else float(round(value))
            if shown < limit:
                return f"{self._short(shown)} {self(unit)}"
        if self.workday_s is not None:
            unit = "unit_wd_short" if short or self.short_workdays else "unit_wd"
            return f"{self._short(seconds / self.workday_s)} {self(unit)}"
        return f"{self._short(seconds / 86400.0)} {self('unit_d')}"

    def workday_note(self) -> str:
        """What the short working-day unit means ("" on the wall clock): "ngày LV = ngày làm
        việc (8 giờ làm việc)" / "wd = working day (8 working hours)"."""
        if self.workday_s is None:
            return ""
        return self("unit_wd_note", hours=self._short(self.workday_s / 3600.0))

    def plot_unit(self, seconds: float) -> tuple[float, str]:
        """The plot unit (size in seconds, message key) that suits a typical duration: with a
        working calendar, working days and working hours."""
        return duration_unit(seconds, self.workday_s)

    def hours(self, weekly: tuple[tuple[tuple[int, int], ...], ...]) -> str:
        """A calendar's weekly hours in words, consecutive days with the same hours together:
        "thứ Hai–thứ Sáu 07:30–11:30 và 13:00–17:00" / "Mon–Fri 07:30–11:30 and 13:00–17:00"."""
        runs: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
        for day, spans in enumerate(weekly):
            if not spans:
                continue
            if runs and runs[-1][1] == day - 1 and runs[-1][2] == spans:
                runs[-1] = (runs[-1][0], day, spans)
            else:
                runs.append((day, day, spans))

        def clock(minute: int) -> str:
            return f"{minute // 60:02d}:{minute % 60:02d}"

        parts = []
        for first, last, spans in runs:
            days = self(f"weekday_{first}")
            if last > first:
                days += "–" + self(f"weekday_{last}")
            times = f" {self('and')} ".join(f"{clock(a)}–{clock(b)}" for a, b in spans)
            parts.append(f"{days} {times}")
        return "; ".join(parts)

    def _short(self, value: float) -> str:
        """One decimal below 10 (no trailing zero), whole numbers from 10 on."""
        if round(value, 1) < 10:
            rounded = round(value, 1)
            if rounded == int(rounded):
                return self.number(int(rounded), 0)
            return self.number(rounded, 1)
        return self.number(round(value), 0)

    def date(self, stamp: pd.Timestamp) -> str:
        """A calendar date: 03/03/2025 (vi) or 2025-03-03 (en)."""
        return stamp.strftime("%d/%m/%Y" if self.lang == "vi" else "%Y-%m-%d")

    def datetime(self, stamp: pd.Timestamp) -> str:
        """A date and clock time to the minute."""
        return stamp.strftime("%d/%m/%Y %H:%M" if self.lang == "vi" else "%Y-%m-%d %H:%M")

    def moment(self, stamp: pd.Timestamp, tz: str) -> str:
        """A UTC time in the display zone `tz`: ISO 8601 with its offset in English (as in the
        JSON files), "03/03/2025 08:00" in Vietnamese."""
        if self.lang == "en":
            return local_time(stamp, tz)
        return self.datetime(stamp.tz_convert(pandas_zone(tz)))

    def day(self, stamp: pd.Timestamp, tz: str) -> str:
        """The calendar date of a UTC time in the display zone `tz`."""
        return self.date(stamp.tz_convert(pandas_zone(tz)))


def duration_unit(seconds: float, workday_s: float | None = None) -> tuple[float, str]:
    """The plot unit (size in seconds, message key) that suits a typical duration; with the
    length of a working day `workday_s`, working days and working hours."""
    if workday_s is not None:
        if seconds >= 2 * workday_s:
            return workday_s, "unit_work_days"
        if seconds >= 2 * 3600:
            return 3600.0, "unit_work_hours"
        return 60.0, "unit_minutes"
    if seconds >= 2 * 86400:
        return 86400.0, "unit_days"
    if seconds >= 2 * 3600:
        return 3600.0, "unit_hours"
    return 60.0, "unit_minutes"


ENGLISH = Words("en")
"""English words in calendar time: the default of the pictures."""
