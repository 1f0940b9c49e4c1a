"""Time units and display zones: microsecond constants, IANA names or +HH:MM offsets."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from .errors import CalendarError

US = 1_000_000
"""Microseconds in a second: every time inside the tool is an int64 count of microseconds."""
MINUTE_US = 60 * US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
WEEK_US = 7 * DAY_US
MONDAY_SHIFT_US = 3 * DAY_US
CALENDAR_YEARS = (1901, 2100)
"""The years a working calendar covers: those whose public holidays are known (Vietnam's lunar
holidays are tabulated for 1901–2100); times outside them cannot be put on a working clock."""
"""1970-01-01 was a Thursday: `(t + MONDAY_SHIFT_US) // WEEK_US` numbers weeks from Mondays."""
MONDAY_US = 4 * DAY_US
"""1970-01-05 00:00 UTC, the first Monday after the epoch."""


def fixed_offset(tz: str) -> dt.timezone | None:
    """The fixed zone of an offset written +HH:MM / -HH:MM, or None for any other text."""
    if tz and tz[0] in "+-" and len(tz) == 6 and tz[3] == ":":
        sign = 1 if tz[0] == "+" else -1
        return dt.timezone(sign * dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
    return None


def zone(tz: str) -> dt.tzinfo:
    """A zone from an IANA name or a fixed offset written +HH:MM / -HH:MM ("" means UTC)."""
    fixed = fixed_offset(tz)
    if fixed is not None:
        return fixed
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError(f"unknown time zone {tz!r}", fix="use an IANA name") from exc


def pandas_zone(tz: str) -> str | dt.tzinfo:
    """The zone as pandas takes it: the IANA name itself, or the fixed offset."""
    return fixed_offset(tz) or tz or "UTC"


def utc_offset_us(tz: str, at_us: int) -> int:
    """The offset of the zone `tz` from UTC at the UTC time `at_us`, in microseconds."""
    stamp = pd.Timestamp(at_us, unit="us", tz="UTC").tz_convert(pandas_zone(tz))
    offset = stamp.utcoffset()
    return int(offset.total_seconds() * US) if offset is not None else 0


def local_time(stamp: pd.Timestamp, tz: str) -> str:
    """A UTC timestamp shown in the display zone `tz` (a name or an offset like +07:00)."""
    return stamp.tz_convert(pandas_zone(tz)).isoformat(timespec="seconds")


def year_start_us(year: int) -> int:
    """1 January of `year`, 00:00 UTC, in microseconds since 1970."""
    return (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days * DAY_US
