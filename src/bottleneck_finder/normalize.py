"""Raw table -> canonical event table: columns mapped, times in UTC microseconds, rows checked.

Never mutates its input. Every dropped or rejected row is counted; by default a bad row stops
the run with a message naming the rows, and `bad_rows="skip"` drops them with a warning. Exact
duplicate rows are not bad: they are kept with a warning (`duplicates="keep"`), or dropped
(`"drop"`) or refused (`"fail"`). XES traces sharing a case id stay separate cases
(`io.xes.key_traces_apart`) unless `merge_traces`.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from .columns import CANDIDATES, ROLE_HELP, Detection, LogColumns, canonical_name, detect_columns
from .duplicates import duplicate_rows
from .errors import BottleneckError, ColumnError, EmptyLogError, LogValidationError, TimestampError
from .io.read import RawLog
from .io.xes import TRACE_CASE, key_traces_apart
from .model import DataQuality, EventLog, QualityWarning
from .ordering import CaseOrder, by_case
from .timestamps import ParsedTimes, holds_times, parse_timestamps
from .timeunits import year_start_us

BadRows = Literal["fail", "skip"]
Duplicates = Literal["keep", "drop", "fail"]

SHOWN_ROWS = 5


@dataclass(frozen=True)
class NormalizeOptions:
    """How to interpret raw values: timestamp format, time zone, bad rows, exact duplicate rows
    (kept by default), milestone columns, and whether XES traces sharing an id are one case."""

    timestamp_format: str | None = None
    tz: str | None = None
    bad_rows: BadRows = "fail"
    milestones: tuple[tuple[str, str], ...] = field(default=())
    duplicates: Duplicates = "keep"
    merge_traces: bool = False
    default_tz: str | None = None  # zone of times without an offset when `tz` is not given
    calendar_years: tuple[int, int] | None = None  # with a working calendar: the years it covers


class Problem(NamedTuple):
    """Rows with one kind of problem: the error and fix when they stop the run, the warning
    (`QualityWarning` kind `dropped_<kind>` or `kept_<kind>`) when they are dropped or kept."""

    mask: np.ndarray
    error: type[BottleneckError]
    what: str
    fix: str
    mode: str  # fail, drop (bad rows skipped, duplicates dropped) or keep
    kind: str
    columns: tuple[str, ...] = ()
    detail: str = ""


def _rows(raw: RawLog, mask: np.ndarray, rows: np.ndarray) -> str:
    where = rows[mask][:SHOWN_ROWS]
    shown = ", ".join(raw.row_label(int(i)) for i in where)
    more = int(mask.sum()) - len(where)
    return shown + (f" and {more} more" if more > 0 else "")


def counted(count: int, what: str) -> str:
    """`3 rows …` / `1 row …`: the problem description with its count, in the right number."""
    if count == 1:
        what = what.replace("rows ", "row ", 1).replace("timestamps ", "timestamp ", 1)
        what = what.replace(" are exact duplicates", " is an exact duplicate", 1)
        what = what.replace(" have no", " has no", 1)
        what = what.replace(" end (", " ends (", 1).replace(
            " before they start", " before it starts", 1
        )
    return f"{count} {what}"


def _labels(values: pd.Series, *, nfc: bool = False, lower: bool = False) -> pd.Series:
    """Values as a categorical of trimmed text labels, empty as missing.

    Only the distinct values are cleaned, so this stays cheap on large logs. With `nfc`, one
    Unicode form per label: Vietnamese exports mix composed and decomposed diacritics (legacy
    cp1258 files are always decomposed), and without NFC the same step would count twice.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    original: pa.Array | None = None
    codes: np.ndarray
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        # Arrow-backed text (Parquet, Arrow CSV): Arrow's own dictionary encoding gives int32
        # codes directly, without pandas' int64 codes and their conversion
        column = pa.array(values.array)
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        encoded = column.dictionary_encode()
        indices = encoded.indices
        if indices.null_count:
            indices = pc.fill_null(indices, -1)
        codes = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32)
        original = encoded.dictionary.cast(pa.string())
        text = original
    else:
        if isinstance(values.dtype, pd.CategoricalDtype):  # read dictionary-encoded: its codes
            codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
        else:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if isinstance(uniques.dtype, pd.StringDtype):
            original = pa.array(uniques.array, type=pa.string())
            text = original
        else:  # numbers, booleans or mixed objects: their text is the label
            text = pa.array([str(u) for u in uniques], type=pa.string())
    text = pc.utf8_trim_whitespace(text)
    if nfc:
        text = pc.utf8_normalize(text, form="NFC")
    if lower:
        text = pc.utf8_lower(text)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    unchanged = original is not None and bool(
        text.null_count == 0 and pc.all(pc.equal(text, original)).as_py()
    )
    if unchanged:  # cleaning changed no label (the usual case): the codes stand as they are
        final, categories = codes, pd.array(text, dtype="string")
    else:
        merged_codes, categories = pd.factorize(
            pd.array(text, dtype="string"), use_na_sentinel=True
        )
        lookup = np.append(merged_codes, -1).astype(np.int32)  # -1 (missing) stays missing
        final = lookup[codes]
    return pd.Series(_categorical(final, pd.Index(categories, dtype="string")), index=values.index)


def _categorical(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    """A categorical from codes and categories known to be distinct (they come from a
    factorization), skipping pandas' uniqueness check where pandas offers the fast path: on a
    million case ids that check costs a third of a second."""
    fastpath = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    if fastpath is None:
        return pd.Categorical.from_codes(codes, categories=categories, validate=False)
    return pd.Categorical.from_codes(codes, dtype=fastpath(categories, False), validate=False)


def _nullable(times: ParsedTimes | None, keep: np.ndarray, every: bool) -> pd.Series:
    """The kept rows of an optional time column as a nullable Int64 Series."""
    if times is None:
        n = int(keep.sum())
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool)))
    micros, valid = (
        (times.micros, times.valid) if every else (times.micros[keep], times.valid[keep])
    )
    return pd.Series(pd.arrays.IntegerArray(micros, ~valid))


def _plain_values(raw: RawLog, columns: LogColumns) -> None:
    """Refuse a mapped column holding nested values (a Parquet struct or list, a dict in a
    DataFrame): they are no labels or times, and would fail deep inside the analysis."""
    for role, column in columns.items():
        values = raw.table[column]
        if values.dtype != object:
            continue
        at = values.first_valid_index()
        first = None if at is None else values.loc[at]
        if isinstance(first, dict | list | tuple | np.ndarray):
            kind = "a struct" if isinstance(first, dict) else "a list"
            shown = repr(first.tolist() if isinstance(first, np.ndarray) else first)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            row = raw.row_label(int(np.flatnonzero(values.index == at)[0]))
            raise ColumnError(
                f"the {role} column '{column}' holds nested values ({kind}, e.g. {shown} in "
                f"{row}), not plain text or times",
                fix=f"flatten it into a plain column in the export, or name another column with "
                f"{ROLE_HELP.get(role, '--' + role)}",
                source=raw.source,
            )


def resolve_for(raw: RawLog, given: LogColumns, options: NormalizeOptions) -> Detection:
    """Resolve the column mapping against the raw table (milestone tables need only a case);
    a column is detected as a time only if most of a sample of its values are times."""
    names = [str(c) for c in raw.table.columns]
    if not options.milestones:
        table = raw.table
        return detect_columns(
            names,
            given,
            source=raw.source,
            holds_times=lambda c: holds_times(table[c], options.timestamp_format),
        )
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
    return Detection(LogColumns(case=case))


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
    detection = resolve_for(raw, given, options)
    columns = detection.columns
    source = raw.source
    table = raw.table
    rows_read = len(table)
    reported = columns
    if options.milestones:
        reported = LogColumns(case=columns.case)
        raw = _melt_milestones(raw, str(columns.case), options.milestones)
        table = raw.table
        columns = LogColumns(case="case", activity="activity", timestamp="timestamp")
        # order: the dossier's row, then the milestone's place in the list (ties on a date);
        # messages name the dossier's row in the file
        order = table["__row"].to_numpy()
        file_row = order // len(options.milestones)
    else:
        order = file_row = np.arange(len(table), dtype=np.int64)
    if rows_read == 0 or len(table) == 0:
        raise EmptyLogError("the log has no events", fix="check the export", source=source)
    assert columns.case and columns.activity and columns.timestamp
    _plain_values(raw, columns)

    # Case ids are the one column with about as many distinct values as rows; Arrow's
    # dictionary encoding behind `_labels` releases the GIL, so they are encoded on a second
    # thread while this one reads the other columns.
    def times(column: str) -> ParsedTimes:
        return parse_timestamps(
            table[column],
            fmt=options.timestamp_format,
            tz=options.tz or options.default_tz,
            column=column,
            source=source,
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        case_job = pool.submit(_labels, table[columns.case])
        activity = _labels(table[columns.activity], nfc=True)
        end = times(columns.timestamp)
        start = times(columns.start) if columns.start is not None else None
        resource = _labels(table[columns.resource], nfc=True) if columns.resource else None
        group = _labels(table[columns.group], nfc=True) if columns.group else None
        case = case_job.result()
    traces = None
    if raw.trace is not None and columns.case == TRACE_CASE and not options.merge_traces:
        traces = key_traces_apart(case.cat.codes.to_numpy(), list(case.cat.categories), raw.trace)
        if traces.renamed:
            case = pd.Series(
                pd.Categorical.from_codes(
                    traces.codes, categories=pd.Index(traces.categories, dtype="string")
                ),
                index=case.index,
            )
    missing_key = (case.cat.codes.to_numpy() < 0) | (activity.cat.codes.to_numpy() < 0)

    outside = np.zeros(len(table), bool)  # times a working calendar cannot cover
    if options.calendar_years is not None:
        lo, hi = (
            year_start_us(y) for y in (options.calendar_years[0], options.calendar_years[1] + 1)
        )
        for times_read in (end, start):
            if times_read is not None:
                outside |= times_read.valid & ((times_read.micros < lo) | (times_read.micros >= hi))
    bad_time = end.unparseable | end.missing | outside
    if start is not None:
        bad_time = bad_time | start.unparseable
    end_before_start = np.zeros(len(table), bool)
    if start is not None:
        end_before_start = end.valid & start.valid & (end.micros < start.micros)

    lifecycle = None
    ignored_lifecycle = np.zeros(len(table), bool)
    if columns.lifecycle is not None:
        lifecycle = _labels(table[columns.lifecycle], lower=True)
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

    rows_by_case = by_case(case.cat.codes.to_numpy(), positions=order)
    duplicated = duplicate_rows(
        table,
        columns,
        case,
        activity,
        end,
        start,
        resource,
        group,
        lifecycle,
        order=rows_by_case,
    )

    bad_rows = "fail" if options.bad_rows == "fail" else "drop"
    end_column, start_column = str(columns.timestamp), str(columns.start)
    problems = [
        Problem(
            missing_key,
            LogValidationError,
            "rows without a case id or activity name "
            f"(columns '{columns.case}', '{columns.activity}')",
            "fill them in",
            bad_rows,
            "missing_key",
            (str(columns.case), str(columns.activity)),
        ),
        Problem(
            end.unparseable,
            TimestampError,
            f"timestamps in column '{end_column}' cannot be parsed"
            + (f" as {end.format}" if end.format else ""),
            "correct them or give --timestamp-format",
            bad_rows,
            "unparseable",
            (end_column,),
            end.format or "",
        ),
        Problem(
            end.missing,
            TimestampError,
            f"rows have no timestamp in column '{end_column}'",
            "fill them in",
            bad_rows,
            "no_time",
            (end_column,),
        ),
    ]
    if options.calendar_years is not None:
        first, last = options.calendar_years
        problems.append(
            Problem(
                outside,
                TimestampError,
                f"rows with times outside the years {first}–{last} that a working calendar "
                f"covers (column '{end_column}'"
                + (f" or '{start_column}')" if start is not None else ")"),
                "correct them or run without --calendar",
                bad_rows,
                "outside_calendar",
                (end_column, start_column) if start is not None else (end_column,),
                f"{first}–{last}",
            )
        )
    if start is not None:
        problems.append(
            Problem(
                start.unparseable,
                TimestampError,
                f"timestamps in column '{start_column}' cannot be parsed"
                + (f" as {start.format}" if start.format else ""),
                "correct them or give --timestamp-format",
                bad_rows,
                "unparseable",
                (start_column,),
                start.format or "",
            )
        )
        problems.append(
            Problem(
                end_before_start,
                LogValidationError,
                f"rows end ('{end_column}') before they start ('{start_column}')",
                "correct them",
                bad_rows,
                "end_before_start",
                (end_column, start_column),
            )
        )
    other_bad = missing_key | bad_time | end_before_start
    # exact duplicates of otherwise good rows (a bad row is dropped or refused as bad); kept
    # ones that an odd lifecycle leaves out are not counted as kept
    repeated = duplicated & ~other_bad
    if options.duplicates == "keep":
        repeated &= ~ignored_lifecycle
    problems.append(
        Problem(
            repeated,
            LogValidationError,
            "rows are exact duplicates of an earlier row",
            "remove them",
            options.duplicates,
            "duplicate",
        )
    )
    warnings = [QualityWarning("start_not_times", columns=(c,)) for c in detection.unused_start]
    if traces is not None and traces.renamed:
        warnings.append(
            QualityWarning(
                "traces_apart",
                count=traces.repeated_ids,
                examples=tuple(repr(name) for name in traces.examples),
                more=traces.repeated_ids - len(traces.examples),
                other=traces.renamed,
            )
        )
    bad = other_bad | ignored_lifecycle
    if options.duplicates != "keep":
        bad = bad | duplicated
    clean = not bool(bad.any())  # the usual case: no count below needs a pass over the rows
    for problem in problems:
        mask = problem.mask
        count = int(mask.sum()) if not clean or mask is repeated else 0
        if not count:
            continue
        if problem.mode == "fail":
            how = (
                "pass --duplicates keep (or drop) to analyse (or drop) them"
                if mask is repeated
                else "pass --bad-rows skip to drop them"
            )
            raise problem.error(
                f"{counted(count, problem.what)}: {_rows(raw, mask, file_row)}",
                fix=f"{problem.fix}, or {how}",
                source=source,
            )
        shown = file_row[mask][:SHOWN_ROWS]
        warnings.append(
            QualityWarning(
                f"{'kept' if problem.mode == 'keep' else 'dropped'}_{problem.kind}",
                count=count,
                columns=problem.columns,
                rows=tuple(raw.row_place(int(i)) for i in shown),
                more=count - len(shown),
                detail=problem.detail,
            )
        )

    keep = ~bad
    every = clean
    if rows_by_case is not None and not every:  # the kept rows' own positions, same order
        still = keep[rows_by_case.positions]
        rows_by_case = CaseOrder(
            (np.cumsum(keep) - 1)[rows_by_case.positions[still]], rows_by_case.case[still]
        )

    def kept(values: pd.Series | None) -> pd.Series:
        """The kept rows of a column as a fresh 0-based Series (no Python objects created)."""
        if values is None:
            empty = pd.Categorical.from_codes(
                np.full(int(keep.sum()), -1, np.int32), categories=pd.Index([], dtype="string")
            )
            return pd.Series(empty)
        chosen = values if every else values[keep]
        return chosen.reset_index(drop=True)

    events = pd.DataFrame(
        {
            "case": kept(case),
            "activity": kept(activity),
            "end_us": end.micros if every else end.micros[keep],
            "start_us": _nullable(start, keep, every),
            "resource": kept(resource),
            "group": kept(group),
            "lifecycle": kept(lifecycle),
            "row": order if every else order[keep],
        },
        copy=False,  # every column is this function's own array: no consolidating copy
    )
    if events.empty:
        raise EmptyLogError(
            "no usable events remain after dropping bad rows", fix="check the export", source=source
        )
    if lifecycle is not None and not bool((events["lifecycle"] == "complete").any()):
        starts = keep & (lifecycle == "start").to_numpy(dtype=bool, na_value=False)
        raise EmptyLogError(
            f"the lifecycle column '{columns.lifecycle}' holds only start events "
            f"({_rows(raw, starts, file_row)}): no step is recorded as finished",
            fix="export the complete events too, or pass --lifecycle '' to read each start "
            "as the time its step happened",
            source=source,
        )
    if not clean and int(ignored_lifecycle.sum()):
        warnings.append(QualityWarning("ignored_lifecycle", count=int(ignored_lifecycle.sum())))
    has_lifecycle = lifecycle is not None and bool((events["lifecycle"] == "start").any())
    has_start = start is not None and bool(events["start_us"].notna().any())
    if start is not None and not has_start:
        warnings.append(QualityWarning("start_empty", columns=(start_column,)))
    keyed = {
        "repeated_trace_ids": 0 if traces is None else traces.repeated_ids,
        "traces_keyed_apart": 0 if traces is None else traces.renamed,
    }
    kept_duplicates = int(repeated.sum()) if options.duplicates == "keep" else 0
    ignored = ignored_lifecycle & ~other_bad
    if options.duplicates != "keep":
        ignored &= ~duplicated
    quality = (
        DataQuality(
            rows_read=rows_read,
            rows_used=len(keep),
            kept_duplicates=kept_duplicates,
            warnings=tuple(warnings),
            **keyed,
        )
        if clean
        else DataQuality(
            rows_read=rows_read,
            rows_used=int(keep.sum()),
            dropped_bad_timestamp=int((bad_time & ~missing_key).sum()),
            dropped_missing_case_or_activity=int(missing_key.sum()),
            dropped_end_before_start=int((end_before_start & ~bad_time & ~missing_key).sum()),
            dropped_duplicates=0 if options.duplicates == "keep" else int(repeated.sum()),
            kept_duplicates=kept_duplicates,
            ignored_lifecycle_events=int(ignored.sum()),
            warnings=tuple(warnings),
            **keyed,
        )
    )
    display_tz = options.tz or end.offset or options.default_tz or "UTC"
    return EventLog(
        events=events,
        case_order=None if rows_by_case is None else rows_by_case.positions,
        source=source,
        columns=reported,
        has_start_times=has_start or has_lifecycle,
        has_lifecycle=has_lifecycle,
        display_tz=display_tz,
        timestamp_format=end.format,
        quality=quality,
    )
