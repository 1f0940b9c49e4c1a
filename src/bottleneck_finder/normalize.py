"""Raw table -> canonical event table: columns mapped, times in UTC microseconds, rows checked.

Never mutates its input. Every dropped or rejected row is counted; by default a bad row stops
the run with a message naming the rows, and `bad_rows="skip"` drops them with a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .columns import CANDIDATES, LogColumns, canonical_name, resolve_columns
from .errors import BottleneckError, ColumnError, EmptyLogError, LogValidationError, TimestampError
from .io.read import RawLog
from .model import DataQuality, EventLog

BadRows = Literal["fail", "skip"]

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
    "%m/%d/%Y %I:%M:%S %p",
)
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
SAMPLE = 2000
SHOWN_ROWS = 5


@dataclass(frozen=True)
class NormalizeOptions:
    """How to interpret raw values: timestamp format, time zone, bad rows, milestone columns."""

    timestamp_format: str | None = None
    tz: str | None = None
    bad_rows: BadRows = "fail"
    milestones: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class ParsedTimes:
    """A timestamp column as UTC microseconds (null where missing or unparseable)."""

    micros: pd.Series  # Int64
    unparseable: np.ndarray  # bool mask: a value was there but could not be read
    missing: np.ndarray  # bool mask: no value
    format: str | None
    offset: str | None  # first UTC offset seen in the text, e.g. "+07:00"


def _offset_text(value: str) -> str | None:
    match = _OFFSET.search(value.strip())
    if not match:
        return None
    text = match.group(1)
    if text == "Z":
        return "UTC"
    return text if ":" in text else f"{text[:3]}:{text[3:]}"


def _to_micros(stamps: pd.Series) -> pd.Series:
    """tz-aware UTC datetimes (NaT allowed) -> nullable Int64 microseconds since the epoch."""
    valid = stamps.notna().to_numpy()
    out = np.zeros(len(stamps), dtype=np.int64)
    if valid.any():
        utc = stamps[valid].dt.tz_convert("UTC").dt.tz_localize(None)
        out[valid] = utc.to_numpy().astype("datetime64[us]").astype(np.int64)
    return pd.Series(pd.arrays.IntegerArray(out, ~valid), index=stamps.index)


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


def choose_format(sample: pd.Series, utc: bool) -> str | None:
    """The candidate format that parses the most values of `sample` (None if none parses any)."""
    best, best_count = None, 0
    for fmt in TIMESTAMP_FORMATS:
        count = int(_parse_text(sample, fmt, utc).notna().sum())
        if count > best_count:
            best, best_count = fmt, count
            if count == len(sample):
                break
    return best


def parse_timestamps(
    values: pd.Series, *, fmt: str | None, tz: str | None, column: str, source: str
) -> ParsedTimes:
    """Parse one timestamp column into UTC microseconds, detecting the format unless given."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = _localize(pd.Series(values), tz)
        offset = str(stamps.dt.tz) if stamps.dt.tz is not None else None
        return ParsedTimes(_to_micros(stamps), np.zeros(len(values), bool), missing, None, offset)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        raise TimestampError(
            f"column '{column}' holds numbers, not dates and times",
            fix="map the right column with --timestamp / --start-timestamp",
            source=source,
        )
    text = values.astype("string").str.strip()
    missing = (text.isna() | (text == "")).to_numpy()
    present = text[~missing]
    if present.empty:
        return ParsedTimes(
            pd.Series(pd.array([None] * len(values), dtype="Int64"), index=values.index),
            np.zeros(len(values), bool),
            missing,
            fmt,
            None,
        )
    sample = present.iloc[:SAMPLE]
    offsets = sample.map(_offset_text)
    has_offset = bool(offsets.notna().any())
    chosen = fmt or choose_format(sample, has_offset)
    if chosen is None:
        raise TimestampError(
            f"column '{column}' does not hold timestamps in any known format "
            f"(first value: '{present.iloc[0]}')",
            fix="give the format with --timestamp-format, e.g. '%d/%m/%Y %H:%M'",
            source=source,
        )
    stamps = _localize(_parse_text(text.where(~missing), chosen, has_offset), tz)
    unparseable = stamps.isna().to_numpy() & ~missing
    first_offset = next((o for o in offsets if isinstance(o, str)), None)
    return ParsedTimes(_to_micros(stamps), unparseable, missing, chosen, first_offset)


def _rows(raw: RawLog, mask: np.ndarray, rows: np.ndarray) -> str:
    where = rows[mask][:SHOWN_ROWS]
    shown = ", ".join(raw.row_label(int(i)) for i in where)
    more = int(mask.sum()) - len(where)
    return shown + (f" and {more} more" if more > 0 else "")


def _count(count: int, what: str) -> str:
    """`3 rows …` / `1 row …`: the problem description with its count, in the right number."""
    if count == 1:
        what = what.replace("rows ", "row ", 1).replace("timestamps ", "timestamp ", 1)
        what = what.replace(" are exact duplicates", " is an exact duplicate", 1)
        what = what.replace(" cannot be parsed", " cannot be parsed", 1).replace(
            " have no", " has no", 1
        )
        what = what.replace(" end (", " ends (", 1).replace(
            " before they start", " before it starts", 1
        )
    return f"{count} {what}"


def _text(values: pd.Series, *, nfc: bool = False) -> pd.Series:
    """Values as trimmed text, empty as null; with `nfc`, one Unicode form for each label.

    Vietnamese exports mix composed and decomposed diacritics (legacy cp1258 files are always
    decomposed); without NFC the same step would count as two activities. Normalizing the
    distinct labels only keeps this cheap on large logs.
    """
    out = values.astype("string").str.strip()
    out = out.where(out != "")
    if nfc:
        codes, uniques = pd.factorize(out, use_na_sentinel=True)
        folded = [unicodedata.normalize("NFC", str(u)) for u in uniques]
        if folded != [str(u) for u in uniques]:
            mapped = pd.array([*folded, None], dtype="string")
            out = pd.Series(mapped.take(codes), index=out.index)
    return out


def resolve_for(raw: RawLog, given: LogColumns, options: NormalizeOptions) -> LogColumns:
    """Resolve the column mapping against the raw table (milestone tables need only a case)."""
    names = [str(c) for c in raw.table.columns]
    if not options.milestones:
        return resolve_columns(names, given, source=raw.source)
    for column, _ in options.milestones:
        if column not in names:
            raise ColumnError(
                f"milestone column '{column}' is not in the table "
                f"(columns found: {', '.join(names)})",
                fix="check the --milestones list",
                source=raw.source,
            )
    case = given.case
    if case is None:
        folded = {canonical_name(c): c for c in names}
        case = next(
            (folded[canonical_name(n)] for n in CANDIDATES["case"] if canonical_name(n) in folded),
            None,
        )
    if case is None or case not in names:
        raise ColumnError(
            f"no case column found in the case table (columns found: {', '.join(names)})",
            fix="name it with --case COLUMN",
            source=raw.source,
        )
    return LogColumns(case=case)


def _melt_milestones(raw: RawLog, case: str, milestones: Sequence[tuple[str, str]]) -> RawLog:
    """One row per dossier with a column per milestone -> one event per non-empty milestone."""
    table = raw.table
    k = len(milestones)
    parts = []
    for j, (column, label) in enumerate(milestones):
        part = pd.DataFrame(
            {
                "case": table[case].to_numpy(),
                "activity": label,
                "timestamp": table[column].to_numpy(),
                "__row": np.arange(len(table), dtype=np.int64) * k + j,
            }
        )
        parts.append(part)
    events = pd.concat(parts, ignore_index=True)
    if events["timestamp"].dtype == object:
        events["timestamp"] = events["timestamp"].astype("string")
    empty = events["timestamp"].isna()
    if events["timestamp"].dtype == "string":
        empty |= events["timestamp"].str.strip() == ""
    events = events[~empty].sort_values("__row", kind="stable").reset_index(drop=True)
    return RawLog(table=events, source=raw.source, format=raw.format)


def normalize(raw: RawLog, given: LogColumns, options: NormalizeOptions | None = None) -> EventLog:
    """Map, parse and validate a raw log into the canonical event table of an `EventLog`."""
    options = options or NormalizeOptions()
    columns = resolve_for(raw, given, options)
    source = raw.source
    table = raw.table
    rows_read = len(table)
    reported = columns
    if options.milestones:
        reported = LogColumns(case=columns.case)
        raw = _melt_milestones(raw, str(columns.case), options.milestones)
        table = raw.table
        columns = LogColumns(case="case", activity="activity", timestamp="timestamp")
        row_index = table["__row"].to_numpy() // len(options.milestones)
        label_raw = raw
    else:
        row_index = np.arange(len(table), dtype=np.int64)
        label_raw = raw
    if rows_read == 0 or len(table) == 0:
        raise EmptyLogError("the log has no events", fix="check the export", source=source)
    assert columns.case and columns.activity and columns.timestamp

    # Duplicate rows: identical in every column read from the file.
    if options.milestones:
        duplicated = np.zeros(len(table), bool)
    else:
        hashed = pd.util.hash_pandas_object(table, index=False)
        duplicated = hashed.duplicated().to_numpy()

    case = _text(table[columns.case])
    activity = _text(table[columns.activity], nfc=True)
    missing_key = (case.isna() | activity.isna()).to_numpy()

    end = parse_timestamps(
        table[columns.timestamp],
        fmt=options.timestamp_format,
        tz=options.tz,
        column=columns.timestamp,
        source=source,
    )
    start = None
    if columns.start is not None:
        start = parse_timestamps(
            table[columns.start],
            fmt=options.timestamp_format,
            tz=options.tz,
            column=columns.start,
            source=source,
        )
    bad_time = end.unparseable | end.missing
    if start is not None:
        bad_time = bad_time | start.unparseable
    end_before_start = np.zeros(len(table), bool)
    if start is not None:
        both = end.micros.notna().to_numpy() & start.micros.notna().to_numpy()
        end_vals = end.micros.to_numpy(dtype=np.int64, na_value=0)
        start_vals = start.micros.to_numpy(dtype=np.int64, na_value=0)
        end_before_start = both & (end_vals < start_vals)

    lifecycle = None
    ignored_lifecycle = np.zeros(len(table), bool)
    if columns.lifecycle is not None:
        lifecycle = _text(table[columns.lifecycle]).str.lower()
        if start is not None:
            if bool((lifecycle == "start").any()):
                raise ColumnError(
                    f"the log has both a start-time column '{columns.start}' and start events in "
                    f"the lifecycle column '{columns.lifecycle}'",
                    fix="use one: pass --start-timestamp '' or --lifecycle '' to ignore the other",
                    source=source,
                )
            lifecycle = None  # complete-only lifecycle next to a start column: nothing to pair
    if lifecycle is not None:
        ignored_lifecycle = (~lifecycle.isin(["start", "complete"])).to_numpy(
            dtype=bool, na_value=True
        )

    problems: list[tuple[np.ndarray, type[BottleneckError], str, str]] = [
        (
            missing_key,
            LogValidationError,
            "rows without a case id or activity name "
            f"(columns '{columns.case}', '{columns.activity}')",
            "fill them in",
        ),
        (
            end.unparseable,
            TimestampError,
            f"timestamps in column '{columns.timestamp}' cannot be parsed"
            + (f" as {end.format}" if end.format else ""),
            "correct them or give --timestamp-format",
        ),
        (
            end.missing,
            TimestampError,
            f"rows have no timestamp in column '{columns.timestamp}'",
            "fill them in",
        ),
    ]
    if start is not None:
        problems.append(
            (
                start.unparseable,
                TimestampError,
                f"timestamps in column '{columns.start}' cannot be parsed"
                + (f" as {start.format}" if start.format else ""),
                "correct them or give --timestamp-format",
            )
        )
        problems.append(
            (
                end_before_start,
                LogValidationError,
                f"rows end ('{columns.timestamp}') before they start ('{columns.start}')",
                "correct them",
            )
        )
    problems.append(
        (
            duplicated,
            LogValidationError,
            "rows are exact duplicates of an earlier row",
            "remove them",
        )
    )
    warnings: list[str] = []
    for mask, error, what, fix in problems:
        count = int(mask.sum())
        if not count:
            continue
        where = _rows(label_raw, mask, row_index if options.milestones else np.arange(len(table)))
        if options.bad_rows == "fail":
            raise error(
                f"{_count(count, what)}: {where}",
                fix=f"{fix}, or pass --bad-rows skip to drop them",
                source=source,
            )
        warnings.append(f"dropped {_count(count, what)} ({where})")

    keep = ~(missing_key | bad_time | end_before_start | duplicated | ignored_lifecycle)
    every = bool(keep.all())

    def kept(values: pd.Series | None) -> pd.Series:
        """The kept rows of a column as a fresh 0-based Series (no Python objects created)."""
        if values is None:
            return pd.Series(pd.array([None] * int(keep.sum()), dtype="string"))
        chosen = values if every else values[keep]
        return chosen.reset_index(drop=True)

    events = pd.DataFrame(
        {
            "case": kept(case).astype("string"),
            "activity": kept(activity).astype("string"),
            "end_us": kept(end.micros).astype("int64"),
            "start_us": kept(start.micros if start is not None else None).astype("Int64"),
            "resource": kept(
                _text(table[columns.resource], nfc=True) if columns.resource else None
            ).astype("string"),
            "group": kept(
                _text(table[columns.group], nfc=True) if columns.group else None
            ).astype("string"),
            "lifecycle": kept(lifecycle).astype("string"),
            "row": row_index if every else row_index[keep],
        }
    )
    if events.empty:
        raise EmptyLogError(
            "no usable events remain after dropping bad rows", fix="check the export", source=source
        )
    if int(ignored_lifecycle.sum()):
        warnings.append(
            f"ignored {int(ignored_lifecycle.sum())} events whose lifecycle is "
            "neither start nor complete"
        )
    has_lifecycle = lifecycle is not None and bool((events["lifecycle"] == "start").any())
    has_start = start is not None and bool(events["start_us"].notna().any())
    quality = DataQuality(
        rows_read=rows_read,
        rows_used=int(keep.sum()),
        dropped_bad_timestamp=int((bad_time & ~missing_key).sum()),
        dropped_missing_case_or_activity=int(missing_key.sum()),
        dropped_end_before_start=int((end_before_start & ~bad_time & ~missing_key).sum()),
        dropped_duplicates=int((duplicated & ~bad_time & ~missing_key & ~end_before_start).sum()),
        ignored_lifecycle_events=int(
            (ignored_lifecycle & ~duplicated & ~bad_time & ~missing_key).sum()
        ),
        warnings=tuple(warnings),
    )
    display_tz = options.tz or end.offset or "UTC"
    return EventLog(
        events=events,
        source=source,
        columns=reported,
        has_start_times=has_start or has_lifecycle,
        has_lifecycle=has_lifecycle,
        display_tz=display_tz,
        timestamp_format=end.format,
        quality=quality,
    )
