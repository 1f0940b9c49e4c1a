"""Legal deadlines: each case's due time, whether it was met, and how late, per procedure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import timeunits
from ..calendar import WorkCalendar
from ..errors import BottleneckError
from ..model import EventLog
from ..prepared import PreparedLog
from ..timeunits import DAY_US, HOUR_US

I64 = npt.NDArray[np.int64]
Unit = Literal["wd", "d", "wh", "h"]
_DEADLINE = re.compile(r"^\s*(\d+)\s*(wd|d|wh|h)\s*$", re.IGNORECASE)
NO_PROCEDURE = "(all)"


class DeadlineError(BottleneckError):
    """A deadline or due-date column cannot be used (exit code 2, like a bad option value)."""

    exit_code = 2


@dataclass(frozen=True)
class Deadline:
    """A legal time limit: `amount` working days (`wd`), calendar days (`d`), working hours
    (`wh`) or hours (`h`)."""

    amount: int
    unit: Unit

    @property
    def needs_calendar(self) -> bool:
        """Whether counting it needs a working calendar."""
        return self.unit in ("wd", "wh")

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_deadline(text: str) -> Deadline:
    """`15wd` (working days), `15d` (calendar days), `8wh` (working hours) or `36h` (hours)."""
    match = _DEADLINE.match(text or "")
    if not match or int(match.group(1)) <= 0:
        raise DeadlineError(
            f"cannot read the deadline {text!r}",
            fix="write a positive number and a unit: 15wd (working days), 15d (days), "
            "8wh (working hours) or 36h (hours)",
        )
    return Deadline(int(match.group(1)), match.group(2).lower())  # type: ignore[arg-type]


@dataclass(frozen=True)
class DeadlineReport:
    """On-time performance of the cases of a log.

    `cases`: one row per case with `case`, `procedure`, `submitted_us` (first event),
    `finished_us` (last end), `due_us` (null when the case has no due time), `due_from`
    (`column` or `deadline`), `on_time` (finished at or before the due time; null without one)
    and `late_days` (days on which a late case was still open after its due date: working days
    with a calendar, calendar days without; 0 when on time). `procedures`: per procedure, the
    `cases`, `with_due`, `on_time`, `late`, `on_time_rate` (of cases with a due time) and the
    mean, median and maximum `late_days` of the late cases.
    """

    deadline: str | None
    deadline_column: str | None
    calendar: str | None
    late_unit: Literal["working_days", "days"]
    cases: pd.DataFrame
    procedures: pd.DataFrame


def case_column(log: EventLog, values: pd.Series) -> pd.Series:
    """A column of the source file (aligned with its rows, as read) as one value per case:
    the first non-empty value in file order; indexed by case label."""
    events = log.events
    rows = events["row"].to_numpy(dtype=np.int64)
    picked = pd.Series(values.to_numpy(dtype=object)[rows], dtype=object)
    picked = picked.where(picked.notna() & (picked.astype("string").str.strip() != ""), None)
    frame = pd.DataFrame({"case": events["case"].astype("string").to_numpy(), "v": picked})
    frame = frame.iloc[np.argsort(rows, kind="stable")]
    first = frame.dropna(subset=["v"]).groupby("case", sort=False)["v"].first()
    return first.reindex(pd.Index(sorted(frame["case"].unique()), name="case"))


def _end_of_day(us: I64, zone: dt.tzinfo, days_after: int = 0) -> I64:
    """The end (next midnight) of the local date of each time, `days_after` days later."""
    local = pd.to_datetime(us, unit="us", utc=True).tz_convert(zone)
    nxt = local.normalize().tz_localize(None) + pd.Timedelta(days=days_after + 1)
    back = nxt.tz_localize(zone, ambiguous=False, nonexistent="shift_forward")
    out: I64 = back.tz_convert("UTC").as_unit("us").asi8
    return out


def _due_from_deadline(
    submitted: I64, deadline: Deadline, calendar: WorkCalendar | None, tz: str
) -> I64:
    if deadline.needs_calendar:
        if calendar is None:
            raise DeadlineError(
                f"the deadline {deadline} counts working time and no calendar is given",
                fix="add --calendar vn (or a TOML calendar file), or use calendar days (15d)",
            )
        if deadline.unit == "wd":
            return calendar.add_working_days(submitted, deadline.amount)
        return calendar.add_working(submitted, deadline.amount * HOUR_US)
    if deadline.unit == "h":
        out: I64 = submitted + deadline.amount * HOUR_US
        return out
    zone = calendar.zone if calendar is not None else timeunits.zone(tz)
    return _end_of_day(submitted, zone, deadline.amount)


def _late_days(due: I64, finished: I64, calendar: WorkCalendar | None, tz: str) -> I64:
    """Days after the due date, up to and including the finishing date (working days with a
    calendar)."""
    zone = calendar.zone if calendar is not None else timeunits.zone(tz)

    def ordinals(us: I64) -> I64:
        local = pd.to_datetime(us, unit="us", utc=True).tz_convert(zone)
        days = local.tz_localize(None).normalize().as_unit("us").asi8 // DAY_US
        out: I64 = days.astype(np.int64)
        return out

    # a due time at midnight belongs to the day before (the end of that day)
    due_day = ordinals(due - 1)
    end_day = ordinals(finished)
    if calendar is None or len(due) == 0:
        plain: I64 = np.maximum(end_day - due_day, 0)
        return plain
    first = int(due_day.min())
    last = int(end_day.max())
    start = dt.date(1970, 1, 1) + dt.timedelta(days=first)
    off, extra = calendar.days_off(range(start.year, start.year + (last - first) // 365 + 2))
    working = np.asarray(
        [
            bool(calendar.hours_of(start + dt.timedelta(days=k), off, extra))
            for k in range(last - first + 1)
        ],
        dtype=np.int64,
    )
    cum = np.concatenate(([0], np.cumsum(working)))  # cum[k] = working days before day first+k
    out: I64 = np.maximum(cum[end_day - first + 1] - cum[due_day - first + 1], 0)
    return out


def deadline_report(
    log: EventLog | PreparedLog,
    *,
    deadline: Deadline | None = None,
    calendar: WorkCalendar | None = None,
    due_values: pd.Series | None = None,
    due_column: str | None = None,
    procedure_values: pd.Series | None = None,
) -> DeadlineReport:
    """Each case's due time (its own from `due_values`, a per-case Series of UTC microseconds
    indexed by case label, else `deadline` after its first event) and on-time figures per
    procedure (`procedure_values`, per case, indexed by case label). Due times and lateness
    are counted on the real times of the events, in the working days of `calendar` (or of the
    prepared log's calendar)."""
    if isinstance(log, PreparedLog):
        calendar = calendar or log.calendar
        log = log.log
    if deadline is None and due_values is None:
        raise DeadlineError(
            "no deadline to check", fix="give --deadline 15wd or --deadline-column COLUMN"
        )
    events = log.events
    start = events["start_us"].to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).max)
    first_time = np.minimum(start, events["end_us"].to_numpy(dtype=np.int64))
    frame = pd.DataFrame(
        {
            "case": events["case"].astype("string").to_numpy(),
            "first": first_time,
            "end": events["end_us"].to_numpy(dtype=np.int64),
        }
    )
    per_case = frame.groupby("case", sort=True).agg(
        submitted_us=("first", "min"), finished_us=("end", "max")
    )
    submitted = per_case["submitted_us"].to_numpy(dtype=np.int64)
    finished = per_case["finished_us"].to_numpy(dtype=np.int64)
    n = len(per_case)
    due = np.zeros(n, dtype=np.int64)
    has_due = np.zeros(n, dtype=bool)
    due_from = np.full(n, None, dtype=object)
    if deadline is not None:
        due = _due_from_deadline(submitted, deadline, calendar, log.display_tz)
        has_due[:] = True
        due_from[:] = "deadline"
    if due_values is not None:
        own = due_values.reindex(per_case.index)
        known = own.notna().to_numpy()
        due = np.where(known, own.fillna(0).to_numpy(dtype=np.int64), due)
        due_from[known] = "column"
        has_due |= known
    on_time = finished <= due
    late = has_due & ~on_time
    late_days = np.zeros(n, dtype=np.int64)
    if late.any():
        late_days[late] = _late_days(due[late], finished[late], calendar, log.display_tz)
    procedure = (
        procedure_values.reindex(per_case.index).astype("string").fillna("(none)")
        if procedure_values is not None
        else pd.Series(NO_PROCEDURE, index=per_case.index, dtype="string")
    )
    cases = pd.DataFrame(
        {
            "case": per_case.index.astype("string"),
            "procedure": procedure.to_numpy(),
            "submitted_us": submitted,
            "finished_us": finished,
            "due_us": pd.array(np.where(has_due, due, 0), dtype="Int64"),
            "due_from": pd.array(due_from, dtype="string"),
            "on_time": pd.array(on_time, dtype="boolean"),
            "late_days": late_days,
        }
    )
    cases.loc[~has_due, "due_us"] = pd.NA
    cases.loc[~has_due, "on_time"] = pd.NA
    return DeadlineReport(
        deadline=str(deadline) if deadline is not None else None,
        deadline_column=due_column,
        calendar=calendar.name if calendar is not None else None,
        late_unit="working_days" if calendar is not None else "days",
        cases=cases,
        procedures=_per_procedure(cases),
    )


def on_time_summary(cases: pd.DataFrame) -> dict[str, Any]:
    """On-time figures over the rows of a deadline report's `cases` table: cases, those with a
    due time, on time, late, the on-time rate (of those with a due time) and the mean, median
    and maximum lateness of the late ones (None where there is nothing to count)."""
    known = cases["on_time"].notna().to_numpy()
    on_time = cases["on_time"].fillna(False).to_numpy(dtype=bool) & known
    late = known & ~on_time
    days = cases["late_days"].to_numpy(dtype="float64")[late]
    with_due = int(known.sum())
    return {
        "cases": len(cases),
        "with_due": with_due,
        "on_time": int(on_time.sum()),
        "late": int(late.sum()),
        "on_time_rate": float(on_time.sum()) / with_due if with_due else None,
        "late_days_mean": float(days.mean()) if len(days) else None,
        "late_days_median": float(pd.Series(days).median()) if len(days) else None,
        "late_days_max": float(days.max()) if len(days) else None,
    }


def _per_procedure(cases: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name, group in cases.groupby("procedure", sort=True):
        with_due = group[group["on_time"].notna()]
        late = with_due[~with_due["on_time"].astype(bool)]
        days = late["late_days"].to_numpy(dtype="float64")
        rows.append(
            {
                "procedure": str(name),
                "cases": len(group),
                "with_due": len(with_due),
                "on_time": int(with_due["on_time"].astype(bool).sum()),
                "late": len(late),
                "on_time_rate": (
                    float(with_due["on_time"].astype(bool).mean()) if len(with_due) else np.nan
                ),
                "late_days_mean": float(days.mean()) if len(days) else np.nan,
                "late_days_median": float(np.median(days)) if len(days) else np.nan,
                "late_days_max": float(days.max()) if len(days) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _typed(values: pd.Series) -> bool:
    """Whether a column holds typed dates or numbers (no day/month order to read)."""
    return bool(
        pd.api.types.is_datetime64_any_dtype(values.dtype)
        or pd.api.types.is_numeric_dtype(values.dtype)
    )


def parse_due_column(
    values: pd.Series,
    *,
    column: str,
    source: str,
    tz: str,
    fmt: str | None = None,
    log_format: str | None = None,
) -> pd.Series:
    """A due-date column (text or datetimes, one value per case) as UTC microseconds. A date
    without a time of day means the end of that day (in `tz`). Dates are read with the
    day/month order of the log's own format `log_format` when it has one (03/04/2025 is 3
    April beside day-first event times); otherwise with the order the column's own values
    show (a 14/04/2025 among them), and refused when they show none (`DeadlineError`), as an
    ambiguous date option is."""
    from ..timestamps import column_date_order, date_order, parse_timestamps

    present = values.dropna()
    order = date_order(log_format)
    if fmt is None and order not in ("dmy", "mdy") and not _typed(present):
        order, example = column_date_order(present)
        if example is not None:  # neither the log's times nor the column say which
            raise DeadlineError(
                f"column '{column}' holds due dates such as '{example}' that read as day/month "
                "or as month/day, and neither its other values nor the log's times say which",
                fix="write the due dates as YYYY-MM-DD",
                source=source,
            )
    parsed = parse_timestamps(
        present.reset_index(drop=True),
        fmt=fmt,
        tz=tz,
        column=column,
        source=source,
        order=order,
    )
    if parsed.unparseable.any():
        bad = present.iloc[int(np.flatnonzero(parsed.unparseable)[0])]
        raise DeadlineError(
            f"column '{column}' has a due date that cannot be read ({bad!r})",
            fix="give the format with --timestamp-format, or clean the column",
            source=source,
        )
    micros = parsed.micros.copy()
    zone = timeunits.zone(tz)
    local = pd.to_datetime(micros, unit="us", utc=True).tz_convert(zone)
    midnight = np.asarray(local == local.normalize())
    if midnight.any():
        micros[midnight] = _end_of_day(micros[midnight], zone)
    out = pd.Series(micros, index=present.index, dtype="Int64")
    return out.reindex(values.index)
