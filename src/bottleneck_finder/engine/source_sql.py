"""The engine's `events` table normalized in SQL from a relation it reads itself (no pandas).

The steps mirror `normalize.normalize` for logs whose times are typed or ISO 8601 text: labels
trimmed (NFC for activities, resources and units; lower case for lifecycles), coded in the
order of their first row as pandas codes them; times as UTC microseconds; every bad row
counted, refused or dropped with the same errors and warnings; exact duplicates found on every
column read; the file order kept as `row_no`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..columns import LogColumns, detect_columns, resolve_columns, time_candidates
from ..errors import (
    BottleneckError,
    ColumnError,
    EmptyLogError,
    InputError,
    InputFileError,
    LogValidationError,
    TimestampError,
)
from ..model import Catalog, DataQuality, EngineSource, QualityWarning, RowPlace, SourceLog
from ..normalize import SHOWN_ROWS, NormalizeOptions, counted
from ..timestamps import SAMPLE, choose_format, holds_times, offset_text
from . import DuckDBEngine, Engine
from .origins import database_source, literal, parquet_source, quote

__all__ = ["database_source", "literal", "normalize_in_engine", "open_source", "parquet_source"]

# what Arrow's utf8_trim_whitespace removes (Unicode White_Space), as `trim` characters
WHITESPACE = (
    " \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# DuckDB's functions without a standard spelling, spelled for other engines by `Dialect`
NFC = "nfc_normalize({x})"  # Unicode NFC (PostgreSQL: normalize; Spark: none, checked)
HASH = "hash({x})"  # 64-bit hash of values (PostgreSQL: hashtextextended; Spark: xxhash64)
EPOCH_US = "epoch_us({x})"  # microseconds since 1970 UTC of a TIMESTAMP WITH TIME ZONE
TEMPORAL = re.compile(r"^(TIMESTAMP|DATE)", re.IGNORECASE)
LABEL_ROLES = ("case", "activity", "resource", "group")
TABLES = {
    "case": "bn_case",
    "activity": "bn_activity",
    "resource": "bn_resource",
    "group": "bn_group",
}
CODES = {"case": "case_id", "activity": "activity", "resource": "resource_id", "group": "group_id"}


def _error_text(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def attach(engine: Engine, origin: EngineSource) -> None:
    """Make the source's relation readable in `engine`: its files read, its setup run."""
    if origin.files is not None:
        engine.read_files(origin.relation, *origin.files)
    for statement in origin.setup:
        engine.execute(statement)


def open_relation(engine: Engine, origin: EngineSource) -> list[tuple[str, str]]:
    """Attach the source in `engine` and return its columns as (name, SQL type text)."""
    try:
        attach(engine, origin)
        schema = engine.schema(origin.relation)
    except BottleneckError:
        raise
    except Exception as exc:  # the engine's own error (no such file, table or column)
        raise InputFileError(
            f"cannot be read by the engine ({_error_text(exc)})",
            fix="check the path, the table name or the query",
            source=origin.label,
        ) from exc
    return [(name, kind) for name, kind in schema if name not in origin.hidden]


@dataclass(frozen=True)
class _Time:
    """How one time column becomes microseconds: the expression, whether a value is there,
    the format named (None for typed times) and the first UTC offset seen."""

    micros: str
    seen: str
    format: str | None
    offset: str | None


def _head(engine: Engine, origin: EngineSource, column: str) -> pd.Series:
    order = f" ORDER BY {origin.row_order}" if origin.row_order else ""
    sql = f"SELECT {quote(column)} AS v FROM {origin.relation} AS bn_s{order} LIMIT {SAMPLE}"
    return engine.frame(sql)["v"]


def _zoned(micros_of: str, zone: str) -> str:
    """Microseconds of a TIMESTAMP without zone expression read as wall time in `zone`."""
    if zone == "UTC":
        return EPOCH_US.format(x=micros_of)
    return EPOCH_US.format(x=f"timezone({literal(zone)}, {micros_of})")


def _time(
    engine: Engine, origin: EngineSource, column: str, kind: str, options: NormalizeOptions
) -> _Time:
    """The reading of the time column `column` of SQL type `kind`."""
    zone = options.tz or options.default_tz or "UTC"
    x = quote(column)
    if TEMPORAL.match(kind):
        seen = f"{x} IS NOT NULL"
        if "TIME ZONE" in kind.upper() or "tz=" in kind:
            return _Time(EPOCH_US.format(x=x), seen, None, "UTC")
        return _Time(_zoned(f"CAST({x} AS TIMESTAMP)", zone), seen, None, None)
    if not re.match(r"^(VARCHAR|STRING|TEXT|LARGE_STRING)", kind, re.IGNORECASE):
        raise TimestampError(
            f"column '{column}' holds {kind.lower()} values; read in the engine, times must be "
            "typed timestamps or ISO 8601 text",
            fix="analyse the file without --in-engine, or store the times as timestamps",
            source=origin.label,
        )
    text = f"NULLIF(trim({x}, {literal(WHITESPACE)}), '')"
    head = _head(engine, origin, column).astype("string").str.strip()
    sample = head[head.notna() & (head != "")]
    offsets = sample.map(offset_text)
    has_offset = bool(offsets.notna().any())
    chosen = options.timestamp_format or (
        choose_format(sample, has_offset) if len(sample) else None
    )
    if len(sample) and chosen is None:
        raise TimestampError(
            f"column '{column}' does not hold timestamps in any known format "
            f"(first value: '{sample.iloc[0]}')",
            fix="give the format with --timestamp-format, e.g. '%d/%m/%Y %H:%M'",
            source=origin.label,
        )
    if len(sample) and chosen != "ISO8601":
        raise TimestampError(
            f"column '{column}' holds times as {chosen} (first value: "
            f"'{sample.iloc[0]}'); read in the engine, text times must be ISO 8601",
            fix="analyse the file without --in-engine, or store the times as timestamps",
            source=origin.label,
        )
    first_offset = next((o for o in offsets if isinstance(o, str)), None)
    if has_offset:
        micros = EPOCH_US.format(x=f"TRY_CAST({text} AS TIMESTAMP WITH TIME ZONE)")
    else:
        micros = _zoned(f"TRY_CAST({text} AS TIMESTAMP)", zone)
    return _Time(micros, f"{text} IS NOT NULL", chosen, first_offset)


def _clean(x: str, *, nfc: bool = False, lower: bool = False) -> str:
    """A raw label expression trimmed (NFC, lower case), empty as NULL."""
    text = f"CAST({x} AS VARCHAR)"
    ends = ", ".join(literal(ch) for ch in WHITESPACE)
    # trimming against the whole set is slow: only labels starting or ending in one of them
    out = (
        f"CASE WHEN left({text}, 1) IN ({ends}) OR right({text}, 1) IN ({ends}) "
        f"THEN trim({text}, {literal(WHITESPACE)}) ELSE {text} END"
    )
    out = NFC.format(x=out) if nfc else out
    out = f"lower({out})" if lower else out
    return f"NULLIF({out}, '')"


def _dictionary(role: str, src: str) -> str:
    """Raw label -> (code, label) in the order of each label's first row (pandas' factorize of
    the raw values, merged after cleaning)."""
    raw = f"{role}_raw"
    clean = _clean("raw", nfc=role != "case")
    return f"""
WITH firsts AS (SELECT {raw} AS raw, min(row_no) AS first FROM {src}
  WHERE {raw} IS NOT NULL GROUP BY {raw}),
cleaned AS (SELECT raw, first, {clean} AS label FROM firsts),
labels AS (SELECT label, min(first) AS first FROM cleaned WHERE label IS NOT NULL GROUP BY label),
coded AS (SELECT label, CAST(row_number() OVER (ORDER BY first) - 1 AS INTEGER) AS code
  FROM labels)
SELECT c.raw, k.code, k.label FROM cleaned AS c JOIN coded AS k ON c.label = k.label"""


@dataclass(frozen=True)
class _Plan:
    columns: LogColumns
    reported: LogColumns
    others: tuple[str, ...]
    end: _Time
    start: _Time | None
    lifecycle: bool  # the lifecycle column pairs starts and completes
    unused_start: tuple[str, ...]


def _plan(
    engine: Engine, origin: EngineSource, given: LogColumns, options: NormalizeOptions
) -> _Plan:
    if options.milestones:
        raise ColumnError(
            "milestone columns are not read in the engine yet",
            fix="analyse the file without --in-engine",
            source=origin.label,
        )
    kinds = dict(open_relation(engine, origin))
    names = list(kinds)
    wanted = [c for _, c in resolve_columns(names, given, source=origin.label).items()]
    read = [*wanted, *(c for c in time_candidates(names) if c not in wanted)]

    def is_time(column: str) -> bool:
        if TEMPORAL.match(kinds[column]):
            return True
        return holds_times(_head(engine, origin, column), options.timestamp_format)

    detection = detect_columns(read, given, source=origin.label, holds_times=is_time)
    columns = detection.columns
    assert columns.timestamp is not None
    end = _time(engine, origin, columns.timestamp, kinds[columns.timestamp], options)
    start = None
    if columns.start is not None:
        start = _time(engine, origin, columns.start, kinds[columns.start], options)
    mapped = {c for _, c in columns.items()}
    return _Plan(
        columns=columns,
        reported=columns,
        others=tuple(c for c in read if c not in mapped),
        end=end,
        start=start,
        lifecycle=columns.lifecycle is not None,
        unused_start=detection.unused_start,
    )


def _source_sql(origin: EngineSource, plan: _Plan) -> str:
    c = plan.columns
    row = origin.row_order or "row_number() OVER () - 1"
    if origin.row_order is not None and not origin.numbered:
        row = f"row_number() OVER (ORDER BY {origin.row_order}) - 1"
    elif origin.row_order is None and origin.unordered:
        keys = [c.case, c.timestamp, c.start, c.activity, c.lifecycle, c.resource, c.group]
        keys += plan.others
        order = ", ".join(quote(k) for k in keys if k)
        row = f"row_number() OVER (ORDER BY {order}) - 1"
    items = [f"CAST({row} AS BIGINT) AS row_no"]
    for role in LABEL_ROLES:
        column = getattr(c, role)
        items.append(f"{quote(column) if column else 'CAST(NULL AS VARCHAR)'} AS {role}_raw")
    lifecycle = _clean(quote(c.lifecycle), lower=True) if c.lifecycle else "CAST(NULL AS VARCHAR)"
    items.append(f"{lifecycle} AS lc")
    items += [f"CAST({plan.end.micros} AS BIGINT) AS end_us", f"{plan.end.seen} AS end_seen"]
    if plan.start is not None:
        items += [
            f"CAST({plan.start.micros} AS BIGINT) AS start_us",
            f"{plan.start.seen} AS start_seen",
        ]
    else:
        items += ["CAST(NULL AS BIGINT) AS start_us", "false AS start_seen"]
    items += [f"{quote(o)} AS other_{i}" for i, o in enumerate(plan.others)]
    return f"SELECT {', '.join(items)} FROM {origin.relation} AS bn_s"


def _rows_sql(plan: _Plan, src: str) -> str:
    joins = " ".join(
        f"LEFT JOIN {TABLES[r]} AS d_{r} ON s.{r}_raw = d_{r}.raw" for r in LABEL_ROLES
    )
    codes = ", ".join(f"d_{r}.code AS {CODES[r]}" for r in LABEL_ROLES)
    lc = "s.lc" if plan.lifecycle and plan.start is None else "CAST(NULL AS VARCHAR)"
    ignored = (
        "coalesce(s.lc NOT IN ('start', 'complete'), true)"
        if plan.lifecycle and plan.start is None
        else "false"
    )
    key = [*(f"d_{r}.code" for r in LABEL_ROLES), "s.end_us", "s.start_us", lc]
    key += [f"s.other_{i}" for i in range(len(plan.others))]
    return f"""
SELECT s.row_no, {codes}, s.end_us, s.start_us, {lc} AS lc, {HASH.format(x=", ".join(key))} AS h,
  (d_case.code IS NULL OR d_activity.code IS NULL) AS missing_key,
  (s.end_seen AND s.end_us IS NULL) AS end_unparseable,
  (NOT s.end_seen) AS end_missing,
  (s.start_seen AND s.start_us IS NULL) AS start_unparseable,
  coalesce(s.end_us < s.start_us, false) AS end_before_start,
  {ignored} AS ignored{"".join(f", s.other_{i}" for i in range(len(plan.others)))}
FROM {src} {joins}"""


def _duplicates_sql(plan: _Plan) -> str:
    """The rows equal to an earlier row in every column read: the candidates are the rows
    whose hash of those columns repeats, compared exactly (a collision never counts)."""
    keys = ", ".join(
        [*CODES.values(), "end_us", "start_us", "lc"]
        + [f"other_{i}" for i in range(len(plan.others))]
    )
    return f"""
SELECT row_no FROM (
  SELECT row_no, row_number() OVER (PARTITION BY {keys} ORDER BY row_no) AS nth FROM bn_rows
  WHERE h IN (SELECT h FROM bn_rows GROUP BY h HAVING count(*) > 1)) AS candidates
WHERE nth > 1"""


def _masks(options: NormalizeOptions) -> dict[str, str]:
    """The row masks of `normalize` as SQL conditions on `bn_rows`."""
    duplicated = "(row_no IN (SELECT row_no FROM bn_dups))"
    bad_time = "(end_unparseable OR end_missing OR start_unparseable)"
    other_bad = f"(missing_key OR {bad_time} OR end_before_start)"
    repeated = f"({duplicated} AND NOT {other_bad}"
    repeated += " AND NOT ignored)" if options.duplicates == "keep" else ")"
    bad = f"({other_bad} OR ignored"
    bad += ")" if options.duplicates == "keep" else f" OR {duplicated})"
    return {
        "missing_key": "missing_key",
        "end_unparseable": "end_unparseable",
        "end_missing": "end_missing",
        "start_unparseable": "start_unparseable",
        "end_before_start": "end_before_start",
        "repeated": repeated,
        "bad": bad,
        "bad_time_only": f"({bad_time} AND NOT missing_key)",
        "ebs_only": f"(end_before_start AND NOT {bad_time} AND NOT missing_key)",
        "ignored_only": f"(ignored AND NOT {other_bad}"
        + (")" if options.duplicates == "keep" else f" AND NOT {duplicated})"),
        "ignored": "ignored",
    }


def _events_sql(options: NormalizeOptions) -> str:
    return f"""
SELECT case_id, activity, resource_id, group_id, start_us, end_us,
  CAST(CASE lc WHEN 'start' THEN 1 WHEN 'complete' THEN 0 END AS TINYINT) AS lifecycle, row_no
FROM bn_rows WHERE NOT {_masks(options)["bad"]}"""


def build_steps(
    origin: EngineSource, plan: _Plan, options: NormalizeOptions
) -> list[tuple[str, str]]:
    """The (table, SQL) steps that make `events` from the source (see `SourceLog.build`)."""
    steps = []
    if origin.row_order is None or not origin.numbered:
        # numbered once: a query's order may differ between runs
        steps.append(("bn_src", _source_sql(origin, plan)))
        src = "bn_src AS s"
    else:  # read in place by each step (only the columns it needs)
        src = f"({_source_sql(origin, plan)}) AS s"
    steps += [(TABLES[r], _dictionary(r, src)) for r in LABEL_ROLES]
    steps += [("bn_rows", _rows_sql(plan, src)), ("bn_dups", _duplicates_sql(plan))]
    steps.append(("events", _events_sql(options)))
    return steps


def run_build(engine: Engine, log: SourceLog, *, keep: bool = False) -> None:
    """Make `events` of `log` in `engine` (after the source's setup); the intermediate tables
    are dropped unless `keep`."""
    attach(engine, log.origin)
    for name, sql in log.build:
        engine.materialize(name, sql)
    if not keep:
        for name, _ in log.build[:-1]:
            engine.drop(name)


def _first_rows(engine: Engine, condition: str) -> list[int]:
    sql = f"SELECT row_no FROM bn_rows WHERE {condition} ORDER BY row_no LIMIT {SHOWN_ROWS}"
    return [int(r) for r in engine.frame(sql)["row_no"]]


def _shown(rows: list[int], count: int) -> str:
    text = ", ".join(str(RowPlace("row", r + 1)) for r in rows)
    more = count - len(rows)
    return text + (f" and {more} more" if more > 0 else "")


def _problems(plan: _Plan, options: NormalizeOptions) -> list[tuple[Any, ...]]:
    """(mask, error, what, fix, mode, kind, columns, detail) in `normalize`'s order."""
    c = plan.columns
    bad = "fail" if options.bad_rows == "fail" else "drop"
    end, start = str(c.timestamp), str(c.start)
    out: list[tuple[Any, ...]] = [
        ("missing_key", LogValidationError,
         f"rows without a case id or activity name (columns '{c.case}', '{c.activity}')",
         "fill them in", bad, "missing_key", (str(c.case), str(c.activity)), ""),
        ("end_unparseable", TimestampError,
         f"timestamps in column '{end}' cannot be parsed"
         + (f" as {plan.end.format}" if plan.end.format else ""),
         "correct them or give --timestamp-format", bad, "unparseable", (end,),
         plan.end.format or ""),
        ("end_missing", TimestampError, f"rows have no timestamp in column '{end}'",
         "fill them in", bad, "no_time", (end,), ""),
    ]  # fmt: skip
    if plan.start is not None:
        out += [
            ("start_unparseable", TimestampError,
             f"timestamps in column '{start}' cannot be parsed"
             + (f" as {plan.start.format}" if plan.start.format else ""),
             "correct them or give --timestamp-format", bad, "unparseable", (start,),
             plan.start.format or ""),
            ("end_before_start", LogValidationError,
             f"rows end ('{end}') before they start ('{start}')", "correct them", bad,
             "end_before_start", (end, start), ""),
        ]  # fmt: skip
    out.append(
        ("repeated", LogValidationError, "rows are exact duplicates of an earlier row",
         "remove them", options.duplicates, "duplicate", (), "")
    )  # fmt: skip
    return out


def normalize_in_engine(
    engine: Engine,
    origin: EngineSource,
    given: LogColumns,
    options: NormalizeOptions | None = None,
) -> SourceLog:
    """Normalize the log `origin` inside `engine`, leaving its `events` table there; returns
    the log's facts and catalogs (see `SourceLog`). Errors and warnings are `normalize`'s."""
    options = options or NormalizeOptions()
    if options.calendar_years is not None:
        raise ColumnError(
            "a working calendar is not applied in the engine yet",
            fix="pass --calendar none, or analyse the file without --in-engine",
            source=origin.label,
        )
    plan = _plan(engine, origin, given, options)
    c = plan.columns
    steps = build_steps(origin, plan, options)
    if plan.lifecycle and plan.start is not None:
        lc = _clean(quote(str(c.lifecycle)), lower=True)
        sql = f"SELECT count(*) AS n FROM {origin.relation} AS bn_s WHERE {lc} = 'start'"
        starts = engine.frame(sql)["n"][0]
        if int(starts):
            raise ColumnError(
                f"the log has both a start-time column '{c.start}' and start events in "
                f"the lifecycle column '{c.lifecycle}'",
                fix="use one: pass --start-timestamp '' or --lifecycle '' to ignore the other",
                source=origin.label,
            )
    for name, sql in steps[:-1]:
        engine.materialize(name, sql)
    if not engine.dialect.nfc_exact:
        _check_nfc(engine, origin)
    masks = _masks(options)
    sums = ", ".join(f"sum(CASE WHEN {m} THEN 1 ELSE 0 END) AS {k}" for k, m in masks.items())
    totals = engine.frame(f"SELECT count(*) AS n, {sums} FROM bn_rows").iloc[0]
    counts = {str(k): int(v or 0) for k, v in totals.items()}
    rows_read = counts["n"]
    if rows_read == 0:
        raise EmptyLogError("the log has no events", fix="check the export", source=origin.label)
    warnings = [QualityWarning("start_not_times", columns=(col,)) for col in plan.unused_start]
    for mask, error, what, fix, mode, kind, cols, detail in _problems(plan, options):
        count = counts[mask]
        if not count:
            continue
        rows = _first_rows(engine, masks[mask])
        if mode == "fail":
            how = (
                "pass --duplicates keep (or drop) to analyse (or drop) them"
                if mask == "repeated"
                else "pass --bad-rows skip to drop them"
            )
            raise error(
                f"{counted(count, what)}: {_shown(rows, count)}",
                fix=f"{fix}, or {how}",
                source=origin.label,
            )
        warnings.append(
            QualityWarning(
                f"{'kept' if mode == 'keep' else 'dropped'}_{kind}",
                count=count,
                columns=cols,
                rows=tuple(RowPlace("row", r + 1) for r in rows),
                more=count - len(rows),
                detail=detail,
            )
        )
    engine.materialize(*steps[-1])
    facts = engine.frame(
        """
SELECT count(*) AS events, sum(CASE WHEN lifecycle = 1 THEN 1 ELSE 0 END) AS starts,
  sum(CASE WHEN lifecycle = 0 THEN 1 ELSE 0 END) AS completes,
  count(start_us) AS start_times, count(resource_id) AS resources, count(group_id) AS groups,
  min(CASE WHEN start_us < end_us THEN start_us ELSE end_us END) AS first_us,
  max(end_us) AS last_us
FROM events"""
    ).iloc[0]
    if int(facts["events"]) == 0:
        raise EmptyLogError(
            "no usable events remain after dropping bad rows",
            fix="check the export",
            source=origin.label,
        )
    if plan.lifecycle and plan.start is None and not int(facts["completes"]):
        rows = _first_rows(engine, "lc = 'start' AND NOT " + masks["bad"])
        count = int(facts["starts"])
        raise EmptyLogError(
            f"the lifecycle column '{c.lifecycle}' holds only start events "
            f"({_shown(rows, count)}): no step is recorded as finished",
            fix="export the complete events too, or pass --lifecycle '' to read each start "
            "as the time its step happened",
            source=origin.label,
        )
    clean = counts["bad"] == 0
    if not clean and counts["ignored"]:
        warnings.append(QualityWarning("ignored_lifecycle", count=counts["ignored"]))
    has_lifecycle = plan.lifecycle and plan.start is None and bool(int(facts["starts"]))
    has_start = plan.start is not None and bool(int(facts["start_times"]))
    if plan.start is not None and not has_start:
        warnings.append(QualityWarning("start_empty", columns=(str(c.start),)))
    kept_duplicates = counts["repeated"] if options.duplicates == "keep" else 0
    quality = DataQuality(
        rows_read=rows_read,
        rows_used=rows_read - counts["bad"],
        dropped_bad_timestamp=counts["bad_time_only"],
        dropped_missing_case_or_activity=counts["missing_key"],
        dropped_end_before_start=counts["ebs_only"],
        dropped_duplicates=0 if options.duplicates == "keep" else counts["repeated"],
        kept_duplicates=kept_duplicates,
        ignored_lifecycle_events=counts["ignored_only"],
        warnings=tuple(warnings),
    )
    if clean:
        quality = DataQuality(
            rows_read=rows_read,
            rows_used=rows_read,
            kept_duplicates=kept_duplicates,
            warnings=tuple(warnings),
        )
    log = SourceLog(
        origin=origin,
        build=tuple(steps),
        source=origin.label,
        columns=plan.reported,
        has_start_times=has_start or has_lifecycle,
        has_lifecycle=has_lifecycle,
        display_tz=options.tz or plan.end.offset or options.default_tz or "UTC",
        timestamp_format=plan.end.format,
        quality=quality,
        catalog=_catalog(engine, facts),
        first_us=int(facts["first_us"]),
        last_us=int(facts["last_us"]),
    )
    for name, _ in steps[:-1]:
        engine.drop(name)
    return log


def labels_of(engine: Engine, role: str) -> pd.Index:
    """The labels of `role`'s codes, by code (while the build's tables are in `engine`)."""
    frame = engine.frame(f"SELECT DISTINCT code, label FROM {TABLES[role]} ORDER BY code")
    return pd.Index(frame["label"].astype("string"), dtype="string")


def _check_nfc(engine: Engine, origin: EngineSource) -> None:
    """Where the engine has no NFC function, labels that NFC would change are refused (two
    spellings of one label would be counted apart): checked exactly here, on the catalog."""
    import unicodedata

    changed = [
        str(label)
        for role in ("activity", "resource", "group")
        for label in labels_of(engine, role)
        if not unicodedata.is_normalized("NFC", str(label))
    ]
    if changed:
        count = "1 label is" if len(changed) == 1 else f"{len(changed)} labels are"
        raise InputError(
            f"{count} not in Unicode NFC (first: '{changed[0]}'); the {engine.dialect.name} "
            "engine cannot normalize them",
            fix="store the labels in NFC, or read the log with DuckDB (without --engine)",
            source=origin.label,
        )


def _catalog(engine: Engine, facts: Any) -> Catalog:
    cases = engine.frame(f"SELECT count(DISTINCT code) AS n FROM {TABLES['case']}")["n"][0]
    return Catalog(
        events=int(facts["events"]),
        cases=int(cases),
        labels={r: labels_of(engine, r) for r in ("activity", "resource", "group")},
        has_resource=bool(int(facts["resources"])),
        has_group=bool(int(facts["groups"])),
    )


def open_source(
    origin: EngineSource,
    given: LogColumns,
    options: NormalizeOptions | None = None,
    *,
    engine: Callable[[], Engine] = DuckDBEngine,
) -> tuple[SourceLog, Engine]:
    """The log of `origin` normalized in a new engine session, and that session (holding its
    `events` table, for the first step table; close it when done)."""
    session = engine()
    try:
        return normalize_in_engine(session, origin, given, options), session
    except BaseException:
        session.close()
        raise
