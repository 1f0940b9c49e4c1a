"""Timestamp text -> UTC microseconds: format detection on a sample, zones, an Arrow fast path.

Also read: AM/PM times with the English markers or the Vietnamese ones (`SA`, sáng = AM;
`CH`, chiều = PM), and Excel serial dates (days since 1899-12-30, the fraction being the time
of day) in a numeric column whose values all lie between `SERIAL_MIN` and `SERIAL_MAX`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import TimestampError

# Tried in order on a sample; the first format that parses the most values wins, so day-first
# formats beat month-first ones when both fit (the convention of Vietnam and most of Europe).
TIMESTAMP_FORMATS = (
    "ISO8601",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%d-%m-%Y %I:%M:%S %p",
    "%d-%m-%Y %I:%M %p",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
)
SERIAL_FORMAT = "Excel serial date"
SERIAL_EPOCH_DAY = -25_569  # Excel's day 0, 1899-12-30 (its 1900 leap-year bug included)
SERIAL_MIN = 18_264  # 1950-01-01
SERIAL_MAX = 73_051  # 2100-01-01
_VIETNAMESE_MARKER = re.compile(r"(?i)\s(?:SA|CH)$")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
SAMPLE = 2000


@dataclass(frozen=True)
class ParsedTimes:
    """A timestamp column as UTC microseconds (null where missing or unparseable)."""

    micros: np.ndarray  # int64; meaningless where `valid` is False
    valid: np.ndarray  # bool mask: a time was read
    unparseable: np.ndarray  # bool mask: a value was there but could not be read
    missing: np.ndarray  # bool mask: no value
    format: str | None
    offset: str | None  # first UTC offset seen in the text, e.g. "+07:00"


def offset_text(value: str) -> str | None:
    """The UTC offset a time text ends with (`+07:00`, `UTC` for `Z`), or None."""
    match = _OFFSET.search(value.strip())
    if not match:
        return None
    text = match.group(1)
    if text == "Z":
        return "UTC"
    return text if ":" in text else f"{text[:3]}:{text[3:]}"


def _to_micros(stamps: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """tz-aware datetimes (NaT allowed) -> (int64 microseconds since the epoch UTC, valid mask)."""
    valid = stamps.notna().to_numpy()
    index = pd.DatetimeIndex(stamps)
    utc = index.as_unit("us").asi8  # epoch integers are UTC in every zone
    if valid.all() and index.unit != "us":
        return utc, valid  # as_unit made a new array: the caller's data is never written
    micros = np.where(valid, utc, 0)  # a new array: the caller's data is never written
    return micros, valid


def _localize(stamps: pd.Series, tz: str | None) -> pd.Series:
    if stamps.dt.tz is not None:
        return stamps
    try:
        localized: pd.Series = stamps.dt.tz_localize(
            tz or "UTC", ambiguous=False, nonexistent="shift_forward"
        )
        return localized
    except Exception as exc:  # unknown zone name
        raise TimestampError(
            f"unknown time zone '{tz}' ({exc})", fix="use a name like Asia/Ho_Chi_Minh or UTC"
        ) from exc


def _parse_text(text: pd.Series, fmt: str, utc: bool) -> pd.Series:
    try:
        return pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)
    except (ValueError, TypeError):
        return pd.Series(
            pd.NaT, index=text.index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]"
        )


def _arrow_iso8601(text: pd.Series, utc: bool) -> pd.Series | None:
    """ISO 8601 text parsed by Arrow's cast, ten times faster than pandas on large logs; None
    when Arrow refuses any value (an unparseable value, offsets on some values only, more
    than microsecond precision), and the caller's pandas parse then counts and reports.

    Arrow accepts the same ISO 8601 shapes pandas does for exports (date, date and time with
    'T' or a space, fractions of a second, 'Z' or a ±hh:mm offset) and reads them the same
    way; with `utc` every value must carry an offset, as pandas' result then is UTC.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        column = pa.array(text.array)
        parsed = pc.cast(column, pa.timestamp("us", tz="UTC" if utc else None))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    return pd.Series(parsed.to_pandas(), index=text.index)


def _english_markers(text: pd.Series) -> pd.Series:
    """Vietnamese day halves as English ones: `08:03:00 SA` -> `08:03:00 AM`, `CH` -> `PM`."""
    return text.str.replace(r"(?i)\sSA$", " AM", regex=True).str.replace(
        r"(?i)\sCH$", " PM", regex=True
    )


def _excel_serials(
    values: pd.Series, missing: np.ndarray, tz: str | None, column: str, source: str
) -> ParsedTimes:
    """A numeric column read as Excel serial dates (local wall-clock times, to the
    millisecond), when every value lies in the plausible range; else the numbers are refused."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    present = numbers[~missing]
    if present.size and not ((present >= SERIAL_MIN) & (present <= SERIAL_MAX)).all():
        low, high = float(np.nanmin(present)), float(np.nanmax(present))
        raise TimestampError(
            f"column '{column}' holds numbers, not dates and times (from {low:g} to {high:g}; "
            f"Excel serial dates from {SERIAL_MIN} (1950) to {SERIAL_MAX} (2100) are read as "
            "times)",
            fix="map the right column with --timestamp / --start-timestamp",
            source=source,
        )
    millis = np.round(np.where(missing, 0.0, numbers) * 86_400_000).astype(np.int64)
    base = SERIAL_EPOCH_DAY * 86_400_000  # in milliseconds since 1970-01-01
    wall = (millis + base).astype("datetime64[ms]")
    wall[missing] = np.datetime64("NaT")
    stamps = _localize(pd.Series(wall, index=values.index), tz)
    micros, valid = _to_micros(stamps)
    return ParsedTimes(micros, valid, np.zeros(len(values), bool), missing, SERIAL_FORMAT, None)


def choose_format(sample: pd.Series, utc: bool, order: str | None = None) -> str | None:
    """The candidate format that parses the most values of `sample` (None if none parses any);
    with a day/month `order` ("dmy", "mdy"; see `date_order`) only formats of that order or
    year-first ones are tried."""
    best, best_count = None, 0
    for fmt in TIMESTAMP_FORMATS:
        if order in ("dmy", "mdy") and date_order(fmt) not in (order, "ymd"):
            continue
        count = int(_parse_text(sample, fmt, utc).notna().sum())
        if count > best_count:
            best, best_count = fmt, count
            if count == len(sample):
                break
    return best


def parse_timestamps(
    values: pd.Series,
    *,
    fmt: str | None,
    tz: str | None,
    column: str,
    source: str,
    order: str | None = None,
) -> ParsedTimes:
    """Parse one timestamp column into UTC microseconds, detecting the format unless given
    (with `order`, among the formats of that day/month order, as `choose_format`)."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = _localize(pd.Series(values), tz)
        offset = str(stamps.dt.tz) if stamps.dt.tz is not None else None
        micros, valid = _to_micros(stamps)
        return ParsedTimes(micros, valid, np.zeros(len(values), bool), missing, None, offset)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return _excel_serials(values, missing, tz, column, source)
    text = values.astype("string").str.strip()
    missing = (text.isna() | (text == "")).to_numpy()
    any_missing = bool(missing.any())
    present = text[~missing] if any_missing else text
    if present.empty:
        return ParsedTimes(
            np.zeros(len(values), np.int64),
            np.zeros(len(values), bool),
            np.zeros(len(values), bool),
            missing,
            fmt,
            None,
        )
    sample = present.iloc[:SAMPLE]
    if bool(sample.str.contains(_VIETNAMESE_MARKER).any()):
        text = _english_markers(text)
        present = text[~missing] if any_missing else text
        sample = present.iloc[:SAMPLE]
    offsets = sample.map(offset_text)
    has_offset = bool(offsets.notna().any())
    chosen = fmt or choose_format(sample, has_offset, order)
    if chosen is None:
        raise TimestampError(
            f"column '{column}' does not hold timestamps in any known format "
            f"(first value: '{present.iloc[0]}')",
            fix="give the format with --timestamp-format, e.g. '%d/%m/%Y %H:%M'",
            source=source,
        )
    cleaned = text.where(~missing) if any_missing else text
    parsed = _arrow_iso8601(cleaned, has_offset) if chosen == "ISO8601" else None
    if parsed is None:
        parsed = _parse_text(cleaned, chosen, has_offset)
    stamps = _localize(parsed, tz)
    unparseable = stamps.isna().to_numpy() & ~missing
    first_offset = next((o for o in offsets if isinstance(o, str)), None)
    micros, valid = _to_micros(stamps)
    return ParsedTimes(micros, valid, unparseable, missing, chosen, first_offset)


def holds_times(values: pd.Series, fmt: str | None = None, sample: int = 200) -> bool:
    """Whether a column holds times in most rows: true for datetimes and for text whose first
    `sample` non-empty values mostly parse in one format (`fmt`, else the best known one);
    true also for an empty column (nothing says otherwise); numbers only when they are Excel
    serial dates (1950 to 2100)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return True
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = pd.to_numeric(values.iloc[: sample * 10], errors="coerce").dropna()
        return bool(((numbers >= SERIAL_MIN) & (numbers <= SERIAL_MAX)).all())
    head = values.iloc[: sample * 10].astype("string").str.strip()
    head = head[head.notna() & (head != "")].iloc[:sample]
    if head.empty:
        return True
    if bool(head.str.contains(_VIETNAMESE_MARKER).any()):
        head = _english_markers(head)
    has_offset = bool(head.map(offset_text).notna().any())
    chosen = fmt or choose_format(head, has_offset)
    if chosen is None:
        return False
    return int(_parse_text(head, chosen, has_offset).notna().sum()) * 2 > len(head)


DateOrder = str  # "dmy" (day first), "mdy" (month first) or "ymd" (year first: ISO)


def date_order(fmt: str | None) -> DateOrder | None:
    """The day/month order of a detected or given timestamp format (`%d/%m/%Y %H:%M` ->
    "dmy"), or None when the format is unknown (times already typed, no format detected)."""
    if not fmt:
        return None
    if fmt == "ISO8601":
        return "ymd"
    places = {"d": fmt.find("%d"), "m": fmt.find("%m"), "y": fmt.find("%Y")}
    if min(places.values()) < 0:
        return None
    return "".join(sorted(places, key=lambda k: places[k]))


_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?=$|[ T])(.*)$")


class AmbiguousDateError(ValueError):
    """A date option such as 03/04/2025 that could be 3 April or 4 March."""


def read_date_text(text: str, order: DateOrder | None) -> pd.Timestamp:
    """A date (and time) given by the user, read with the log's day/month `order`.

    `dd/mm/yyyy`-shaped text (also with `-` or `.`) is read in `order` when the log has a
    day-first or month-first format; without one (ISO or unknown), it is read only when it
    cannot be taken the other way (14/04/2025) and else refused (`AmbiguousDateError`), as is
    a two-digit year. Other text (2025-04-03, ISO times) is read as ISO. `ValueError` when the
    text is not a date.
    """
    value = text.strip()
    match = _NUMERIC_DATE.match(value)
    if match is None:
        return pd.Timestamp(value)
    first, _sep, second, year, rest = match.groups()
    a, b = int(first), int(second)
    if len(year) == 2:
        raise AmbiguousDateError(value)
    if order == "dmy":
        day, month = a, b
    elif order == "mdy":
        day, month = b, a
    elif a == b or (a > 12) != (b > 12):
        day, month = (a, b) if a > 12 or a == b else (b, a)
    else:
        raise AmbiguousDateError(value)
    return pd.Timestamp(f"{year}-{month:02d}-{day:02d}{rest}")


def column_date_order(values: pd.Series) -> tuple[DateOrder | None, str | None]:
    """The day/month order the `dd/mm/yyyy`-shaped values of a text column themselves show,
    by the rule of `read_date_text`: ("dmy", None) when a value has a first part above 12,
    ("mdy", None) when one has a second part above 12, (None, None) when no value has that
    shape or each reads the same both ways (04/04/2025); (None, example) when values could be
    read either way and none says which, with the first such value as `example`."""
    text = values.dropna().astype("string").str.strip()
    parts = text.str.extract(_NUMERIC_DATE).dropna(subset=[0])
    if parts.empty:
        return None, None
    a, b = parts[0].astype(int), parts[2].astype(int)
    if bool((a > 12).any()):
        return "dmy", None
    if bool((b > 12).any()):
        return "mdy", None
    either = a != b
    if not bool(either.any()):
        return None, None
    return None, str(text[either.index[either.to_numpy()]].iloc[0])
