"""Working calendars: office hours, holidays and working-time arithmetic on microsecond times."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pandas as pd

from .errors import CalendarError as CalendarError
from .model import EventLog
from .timeunits import CALENDAR_YEARS, DAY_US, MINUTE_US, zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

Hours = tuple[tuple[int, int], ...]  # (start minute, end minute) of one day, sorted, disjoint
Array = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WorkCalendar:
    """When an office works: hours per weekday, days off and extra working days, in one zone.

    `weekly[0]` is Monday. `country` adds the public holidays (and the weekend days worked to
    make up for bridge days) of that country from the `holidays` library for the years needed.
    `extra_hours` are the hours of an extra working day (default: Monday's).
    """

    name: str
    tz: str
    weekly: tuple[Hours, Hours, Hours, Hours, Hours, Hours, Hours]
    holidays: frozenset[dt.date] = frozenset()
    extra_days: frozenset[dt.date] = frozenset()
    country: str | None = None
    extra_hours: Hours | None = None
    _cache: dict[tuple[int, int], tuple[Array, Array]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    @property
    def workday_seconds(self) -> float:
        """The length of a usual working day: the most common length among the working
        weekdays (8 h for the Vietnamese office calendar); durations are told in these days."""
        lengths = [sum(b - a for a, b in hours) * 60 for hours in self.weekly if hours]
        if not lengths:
            return 86400.0
        return float(max(sorted(lengths), key=lengths.count))

    @cached_property
    def zone(self) -> dt.tzinfo:
        """The calendar's time zone (an IANA name, or a fixed offset like +07:00)."""
        return zone(self.tz)

    def days_off(self, years: Iterable[int]) -> tuple[set[dt.date], set[dt.date]]:
        """(holidays, extra working days) in force in `years`, own lists plus the country's."""
        off = set(self.holidays)
        extra = set(self.extra_days)
        if self.country:
            import holidays as holidays_lib

            table = holidays_lib.country_holidays(self.country, years=sorted(set(years)))
            off.update(table.keys())
            extra.update(getattr(table, "weekend_workdays", set()))
        return off - extra, extra

    def hours_of(self, day: dt.date, off: set[dt.date], extra: set[dt.date]) -> Hours:
        """The working hours of one local date."""
        if day in extra:
            return self.extra_hours if self.extra_hours is not None else self.weekly[0]
        if day in off:
            return ()
        return self.weekly[day.weekday()]

    def is_working_day(self, day: dt.date) -> bool:
        """Whether the office works at all on the local date `day`."""
        off, extra = self.days_off([day.year])
        return bool(self.hours_of(day, off, extra))

    def intervals(self, lo_us: int, hi_us: int) -> tuple[Array, Array]:
        """Working intervals (UTC microseconds, sorted, disjoint) covering at least the local
        days from a week before `lo_us` to a week after `hi_us` (whole years, kept for reuse).

        Local times that do not exist (clocks spring forward) move forward to the first that
        does; times that occur twice (clocks fall back) are taken at their first occurrence."""
        years = tuple((_EPOCH + dt.timedelta(microseconds=us)).year for us in (lo_us, hi_us))
        if years[0] < CALENDAR_YEARS[0] - 1 or years[1] > CALENDAR_YEARS[1] + 1:
            raise CalendarError(
                f"the times run from {years[0]} to {years[1]}, and a working calendar covers "
                f"the years {CALENDAR_YEARS[0]}–{CALENDAR_YEARS[1]}",
                fix="correct the times outside those years, or run without a calendar",
            )
        first = dt.date(_local_date(lo_us, self.zone).year, 1, 1) - dt.timedelta(days=7)
        last = dt.date(_local_date(hi_us, self.zone).year, 12, 31) + dt.timedelta(days=7)
        key = (first.toordinal(), last.toordinal())
        if key in self._cache:
            return self._cache[key]
        off, extra = self.days_off(range(first.year, last.year + 1))
        days = pd.date_range(first, last, freq="D")
        ordinal = np.asarray(days.to_numpy().astype("datetime64[D]").astype(np.int64))

        def as_days(dates: set[dt.date]) -> Array:
            epoch = dt.date(1970, 1, 1)
            return np.asarray([(d - epoch).days for d in dates], dtype=np.int64)

        is_extra = np.isin(ordinal, as_days(extra))
        is_off = np.isin(ordinal, as_days(off)) & ~is_extra
        weekday = (ordinal + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        extra_hours = self.extra_hours if self.extra_hours is not None else self.weekly[0]
        local_starts: list[Array] = []
        local_ends: list[Array] = []
        cases = [(is_extra, extra_hours)] + [
            ((weekday == w) & ~is_extra & ~is_off, self.weekly[w]) for w in range(7)
        ]
        midnight = ordinal * DAY_US
        for chosen, hours in cases:
            for a_min, b_min in hours:
                local_starts.append(midnight[chosen] + a_min * MINUTE_US)
                local_ends.append(midnight[chosen] + b_min * MINUTE_US)
        if not local_starts or not sum(len(x) for x in local_starts):
            raise CalendarError(
                f"calendar {self.name!r} has no working time between {first} and {last}",
                fix="give it weekly hours or fewer holidays",
            )
        starts = self._to_utc(np.concatenate(local_starts))
        ends = self._to_utc(np.concatenate(local_ends))
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        run_end = np.maximum.accumulate(ends)
        new = np.r_[True, starts[1:] > run_end[:-1]]  # touching or overlapping spans merge
        firsts = np.flatnonzero(new)
        out = (starts[firsts], np.maximum.reduceat(ends, firsts))
        self._cache[key] = out
        return out

    def _to_utc(self, local_us: Array) -> Array:
        """Local wall-clock microseconds in the calendar's zone as UTC microseconds."""
        naive = pd.DatetimeIndex(local_us.astype("datetime64[us]"))
        aware = naive.tz_localize(
            self.zone, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
        )
        out: Array = np.asarray(aware.tz_convert("UTC").as_unit("us").asi8, dtype=np.int64)
        return out

    def clock(self, lo_us: int, hi_us: int) -> WorkingClock:
        """A working clock valid for times between `lo_us` and `hi_us`. Its readings start at
        its own first interval: subtract readings of one clock only (or use
        `working_duration_us`)."""
        return WorkingClock(*self.intervals(lo_us, hi_us))

    def working_duration_us(self, start: Any, end: Any) -> Array:
        """Working microseconds between `start` and `end` (arrays of UTC microseconds)."""
        s = np.asarray(start, dtype=np.int64)
        e = np.asarray(end, dtype=np.int64)
        if s.size == 0:
            return np.zeros(s.shape, dtype=np.int64)
        clock = self.clock(int(min(s.min(), e.min())), int(max(s.max(), e.max())))
        out: Array = clock(e) - clock(s)
        return out

    def add_working(self, t: Any, duration_us: Any) -> Array:
        """The instant when `duration_us` of working time has passed after `t` (arrays of UTC
        microseconds): "4 working hours after submission". A zero duration returns `t`."""
        t_arr = np.asarray(t, dtype=np.int64)
        d_arr = np.broadcast_to(np.asarray(duration_us, dtype=np.int64), t_arr.shape)
        if t_arr.size == 0:
            return t_arr.copy()
        if (d_arr < 0).any():
            raise CalendarError("a working duration to add is negative", fix="use a positive one")
        lo, hi = int(t_arr.min()), int(t_arr.max())
        reach = int(d_arr.max())
        while True:
            clock = self.clock(lo, hi + 8 * reach + 32 * DAY_US)
            target = clock(t_arr) + d_arr
            if (target <= clock.total).all():
                break
            reach *= 4  # long holidays: look further ahead
        out: Array = np.where(d_arr == 0, t_arr, clock.inverse(target))
        return out

    def add_working_days(self, t: Any, days: int) -> Array:
        """The end of the `days`-th working day after the local date of each `t` (the legal
        reading of "within 15 working days": the day of submission does not count)."""
        if days <= 0:
            raise CalendarError("a number of working days must be at least 1")
        t_arr = np.asarray(t, dtype=np.int64)
        if t_arr.size == 0:
            return t_arr.copy()
        first = _local_date(int(t_arr.min()), self.zone)
        last = _local_date(int(t_arr.max()), self.zone) + dt.timedelta(days=3 * days + 60)
        off, extra = self.days_off(range(first.year, last.year + 1))
        ordinals: list[int] = []
        closes: list[int] = []
        day = first
        while day <= last:
            hours = self.hours_of(day, off, extra)
            if hours:
                ordinals.append(day.toordinal())
                closes.append(_utc_us(day, hours[-1][1], self.zone))
            day += dt.timedelta(days=1)
        ords = np.asarray(ordinals, dtype=np.int64)
        local = pd.to_datetime(t_arr, unit="us", utc=True).tz_convert(self.zone)
        day_ord = np.asarray(
            [d.toordinal() for d in local.date], dtype=np.int64
        )  # one Python date per time; deadlines are per case, not per event
        k = np.searchsorted(ords, day_ord, side="right") + (days - 1)
        if (k >= len(ords)).any():
            raise CalendarError(f"calendar {self.name!r} has too few working days ahead")
        out: Array = np.asarray(closes, dtype=np.int64)[k]
        return out


class WorkingClock:
    """W(t): working microseconds elapsed since the first working interval, for any UTC time.

    A working duration is W(end) − W(start); W is flat outside working hours."""

    def __init__(self, starts: Array, ends: Array) -> None:
        self.starts = starts
        self.ends = ends
        lengths = ends - starts
        self.before = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        self.total = int(lengths.sum())

    def __call__(self, t: Any) -> Array:
        t_arr = np.asarray(t, dtype=np.int64)
        k = np.searchsorted(self.starts, t_arr, side="right") - 1
        inside = k >= 0
        kk = np.where(inside, k, 0)
        elapsed = np.minimum(t_arr - self.starts[kk], self.ends[kk] - self.starts[kk])
        out: Array = np.where(inside, self.before[kk] + elapsed, 0)
        return out

    def inverse(self, w: Any) -> Array:
        """The first UTC time at which W reaches `w` (for 0 < w <= total)."""
        w_arr = np.asarray(w, dtype=np.int64)
        k = np.searchsorted(self.before + (self.ends - self.starts), w_arr, side="left")
        k = np.minimum(k, len(self.starts) - 1)
        out: Array = self.starts[k] + (w_arr - self.before[k])
        return out


def _local_date(us: int, zone: dt.tzinfo) -> dt.date:
    return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(zone).date()


def _utc_us(day: dt.date, minute: int, zone: dt.tzinfo) -> int:
    extra_day, minute = divmod(minute, 1440)
    local = dt.datetime.combine(
        day + dt.timedelta(days=extra_day), dt.time(minute // 60, minute % 60)
    )
    delta = local.replace(tzinfo=zone).astimezone(dt.UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


VN_HOURS: Hours = ((7 * 60 + 30, 11 * 60 + 30), (13 * 60, 17 * 60))


def vietnam() -> WorkCalendar:
    """The Vietnamese public-office calendar: Mon–Fri 07:30–11:30 and 13:00–17:00 in
    Asia/Ho_Chi_Minh, public holidays (Tết included) and make-up Saturdays from `holidays`."""
    return WorkCalendar(
        name="vn",
        tz="Asia/Ho_Chi_Minh",
        weekly=(VN_HOURS, VN_HOURS, VN_HOURS, VN_HOURS, VN_HOURS, (), ()),
        country="VN",
    )


BUILT_IN = {"vn": vietnam}


def time_basis(calendar: WorkCalendar | None) -> str:
    """How durations are measured: `wall_clock`, or `working:<calendar name>`."""
    return "wall_clock" if calendar is None else f"working:{calendar.name}"


def load_calendar(spec: str | None) -> WorkCalendar | None:
    """The calendar named by a `--calendar` value: `none`/empty, a built-in name, or a TOML
    file."""
    if spec is None or spec.strip().lower() in ("", "none"):
        return None
    if spec.strip().lower() in BUILT_IN:
        return BUILT_IN[spec.strip().lower()]()
    path = Path(spec)
    if not path.exists():
        raise CalendarError(
            f"no such calendar {spec!r}",
            fix=f"use none, {', '.join(BUILT_IN)} or a TOML calendar file (docs/calendar.md)",
        )
    return read_calendar_file(path)


def read_calendar_file(path: Path) -> WorkCalendar:
    """Read a TOML calendar file (format in docs/calendar.md); errors name the file and key."""
    source = str(path)

    def bad(key: str, what: str, fix: str) -> CalendarError:
        return CalendarError(f"{key}: {what}", fix=fix, source=source)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CalendarError(f"cannot read the calendar ({exc.strerror})", source=source) from exc
    except UnicodeDecodeError as exc:
        raise CalendarError("the calendar is not UTF-8 text", source=source) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(
            f"not valid TOML ({exc})", fix="see docs/calendar.md", source=source
        ) from exc
    known = {
        "name", "timezone", "country", "hours", "holidays", "extra_working_days", "extra_day_hours",
    }  # fmt: skip
    for key in data:
        if key not in known:
            raise bad(key, "unknown key", f"use only {', '.join(sorted(known))}")
    tz = data.get("timezone")
    if not isinstance(tz, str):
        raise bad("timezone", "missing or not text", 'add e.g. timezone = "Asia/Ho_Chi_Minh"')
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise bad(
            "timezone", f"unknown time zone {tz!r}", "use an IANA name like Europe/Berlin"
        ) from exc
    hours = data.get("hours")
    if not isinstance(hours, dict):
        raise bad("hours", "missing [hours] table", 'add [hours] with e.g. mon = ["08:00-12:00"]')
    for key in hours:
        if key not in WEEKDAYS:
            raise bad(f"hours.{key}", "not a weekday", f"use {', '.join(WEEKDAYS)}")
    weekly = tuple(_hours(hours.get(day, []), f"hours.{day}", bad) for day in WEEKDAYS)
    country = data.get("country")
    if country is not None:
        import holidays as holidays_lib

        if (
            not isinstance(country, str)
            or country.upper() not in holidays_lib.list_supported_countries()
        ):
            raise bad(
                "country", f"unknown country {country!r}", 'use an ISO code like "VN" or "DE"'
            )
        country = country.upper()
    extra_hours = None
    if "extra_day_hours" in data:
        extra_hours = _hours(data["extra_day_hours"], "extra_day_hours", bad)
    name = data.get("name", path.stem)
    if not isinstance(name, str):
        raise bad("name", "not text", 'write e.g. name = "Berlin office"')
    return WorkCalendar(
        name=name,
        tz=tz,
        weekly=weekly,  # type: ignore[arg-type]
        holidays=_dates(data.get("holidays", []), "holidays", bad),
        extra_days=_dates(data.get("extra_working_days", []), "extra_working_days", bad),
        country=country,
        extra_hours=extra_hours,
    )


def _hours(value: Any, key: str, bad: Any) -> Hours:
    fix = 'write a list like ["07:30-11:30", "13:00-17:00"]'
    if not isinstance(value, list):
        raise bad(key, "not a list of HH:MM-HH:MM spans", fix)
    spans = []
    for item in value:
        match = _SPAN.match(item) if isinstance(item, str) else None
        if not match:
            raise bad(key, f"{item!r} is not a HH:MM-HH:MM span", fix)
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        a, b = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or h1 > 24 or h2 > 24 or a >= b or b > 1440:
            raise bad(key, f"{item!r} is not a valid span within one day", fix)
        spans.append((a, b))
    spans.sort()
    for (_, b1), (a2, _) in itertools.pairwise(spans):
        if a2 < b1:
            raise bad(key, "spans overlap", "list each working span once")
    return tuple(spans)


def _dates(value: Any, key: str, bad: Any) -> frozenset[dt.date]:
    fix = 'write a list like ["2025-01-27", "2025-01-28"]'
    if not isinstance(value, list):
        raise bad(key, "not a list of dates", fix)
    out = set()
    for item in value:
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            out.add(item)
            continue
        try:
            out.add(dt.date.fromisoformat(str(item)))
        except ValueError as exc:
            raise bad(key, f"{item!r} is not a YYYY-MM-DD date", fix) from exc
    return frozenset(out)


def apply_calendar(log: EventLog, cal: WorkCalendar) -> EventLog:
    """A copy of `log` whose times are working-clock readings, so that every duration computed
    from it (waits, processing, case durations) is working time.

    `end_us` and `start_us` become `first event + W(t)`: ordering is kept (events outside
    working hours share the reading of the last working instant), differences are working
    microseconds, but the readings are not real dates. The real times stay in the added
    columns `end_wall_us` and `start_wall_us`; dates to show come from those (or the original
    log).
    """
    events = log.events
    end = events["end_us"].to_numpy(dtype=np.int64)
    start = events["start_us"]
    known = ~start.isna().to_numpy()
    start_vals = start.to_numpy(dtype=np.int64, na_value=0)
    if len(end) == 0:
        return log
    times = np.concatenate([end, start_vals[known]])
    lo, hi = int(times.min()), int(times.max())
    clock = cal.clock(lo, hi)
    base = lo - int(clock(np.asarray([lo]))[0])
    out = events.copy()
    out["end_wall_us"] = events["end_us"]
    out["start_wall_us"] = events["start_us"]
    out["end_us"] = clock(end) + base
    new_start = np.where(known, clock(start_vals) + base, 0)
    out["start_us"] = pd.array(new_start, dtype="Int64")
    out.loc[~known, "start_us"] = pd.NA
    return replace(log, events=out)
