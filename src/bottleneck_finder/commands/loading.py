"""How the commands read a log from their options: columns, calendar, deadline and file names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..columns import LogColumns
from .options import VN_ZONE, Progress, calendar_spec

SPREADSHEETS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def load_calendar_and_deadline(
    spec: str | None, deadline: str | None, lang: str = "en"
) -> tuple[Any, Any]:
    """The `--calendar` and `--deadline` values, checked before any log is read: a bad calendar
    file or a working-day deadline without a calendar fails fast. Without `--calendar` (`spec`
    None) the calendar is `vn` in Vietnamese (`lang` vi) and none in English. With a calendar,
    the command shows durations in working days (`options.words_for`: "wd", one usual
    working day each)."""
    from ..analysis.deadlines import DeadlineError, parse_deadline
    from ..calendar import load_calendar

    calendar = load_calendar(calendar_spec(spec, lang))
    parsed = parse_deadline(deadline) if deadline else None
    if parsed is not None and parsed.needs_calendar and calendar is None:
        raise DeadlineError(
            f"the deadline {parsed} counts working time and no calendar is given",
            fix="add --calendar vn (or a TOML calendar file), or use calendar days (15d)",
        )
    return calendar, parsed


def _milestones(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    out = []
    for item in text.split(","):
        column, _, label = item.strip().partition("=")
        if column.strip():
            out.append((column.strip(), (label or column).strip()))
    return tuple(out)


def build_columns(params: dict[str, Any]) -> LogColumns:
    """The column mapping from a --columns file overridden by the explicit options."""
    from ..io.read import read_columns_file

    base = read_columns_file(params["columns_file"]) if params.get("columns_file") else LogColumns()
    given = LogColumns(
        case=params.get("case"),
        activity=params.get("activity"),
        timestamp=params.get("timestamp"),
        start=params.get("start"),
        resource=params.get("resource"),
        group=params.get("group"),
        lifecycle=params.get("lifecycle"),
    )
    return base.merged(given)


def default_zone(calendar: Any, lang: str) -> str | None:
    """The zone of times without an offset when --tz is not given: the working calendar's,
    else Vietnam time in Vietnamese (`lang` vi), else none (the log's own, else UTC)."""
    if calendar is not None:
        return str(calendar.tz)
    return VN_ZONE if lang == "vi" else None


def normalize_options(params: dict[str, Any], calendar: Any = None, lang: str = "en") -> Any:
    """The `NormalizeOptions` that the column options in `params` ask for; times without an
    offset are read in `default_zone` (the calendar's, Vietnam time in Vietnamese) unless
    --tz."""
    from ..normalize import NormalizeOptions
    from ..timeunits import CALENDAR_YEARS

    return NormalizeOptions(
        timestamp_format=params.get("timestamp_format"),
        tz=params.get("tz"),
        bad_rows=params.get("bad_rows") or "fail",
        milestones=_milestones(params.get("milestones")),
        duplicates=params.get("duplicates") or "keep",
        merge_traces=bool(params.get("merge_traces")),
        default_tz=default_zone(calendar, lang),
        calendar_years=None if calendar is None else CALENDAR_YEARS,
    )


def _announce(
    event_log: Any, label: str, words: Any, calendar: Any, quiet: bool, tz: str | None, lang: str
) -> None:
    """The column announcement (unless `quiet`), the zone a calendar chose for times without
    an offset, and the data-quality warnings (always: dropped rows are never silent), in the
    language of `words`."""
    from ..render.quality_text import quality_sentence
    from ..render.words import ENGLISH

    if not quiet:
        click.echo(f"{label}{announce_columns(event_log, words)}", err=True)
        if calendar is not None and tz is None and event_log.display_tz == calendar.tz:
            said = (words or ENGLISH)("ld_zone", zone=calendar.tz, calendar=calendar.name)
            click.echo(f"{label}{said}", err=True)
        elif calendar is None and tz is None and lang == "vi" and event_log.display_tz == VN_ZONE:
            said = (words or ENGLISH)("ld_zone_vn", zone=VN_ZONE)
            click.echo(f"{label}{said}", err=True)
    w = words or ENGLISH
    for warning in event_log.quality.warnings:
        click.echo(w("dq_warning", warning=label + quality_sentence(warning, w)), err=True)


def _lang(words: Any, lang: str | None) -> str:
    """The language whose defaults apply: `lang` when given, else that of `words`."""
    if lang is not None:
        return lang
    return "en" if words is None else str(words.lang)


def load_from_params(
    log: Path,
    params: dict[str, Any],
    *,
    quiet: bool,
    progress: Progress | None = None,
    label: str = "",
    words: Any = None,
    calendar: Any = None,
    lang: str | None = None,
) -> Any:
    """Read and normalize `log` as the `column_options` in `params` say (times without an
    offset in `default_zone` of `calendar` and of `lang`, by default the language of
    `words`); announce the columns
    on stderr unless `quiet`, and the data-quality warnings (dropped rows) always, each
    prefixed by `label` (e.g. "before: "). Returns the `EventLog`."""
    from ..api import load_log

    progress = progress or Progress(quiet)
    progress.stage(f"reading {log}")
    event_log = load_log(
        log,
        build_columns(params),
        options=normalize_options(params, calendar, _lang(words, lang)),
        encoding=params.get("encoding"),
        sheet=params.get("sheet"),
    )
    progress.done()
    _announce(event_log, label, words, calendar, quiet, params.get("tz"), _lang(words, lang))
    return event_log


def load_with_columns(
    log: Path,
    params: dict[str, Any],
    extra: list[str],
    *,
    quiet: bool,
    progress: Progress | None = None,
    words: Any = None,
    calendar: Any = None,
    label: str = "",
    lang: str | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Like `load_from_params`, and also the `extra` columns of the file (e.g. a due date or a
    procedure), each as a Series aligned with the rows of the file as read (so that
    `analysis.deadlines.case_column` can take one value per case). Only used when extra
    columns are asked for, so a plain `analyze` reads nothing more."""
    import numpy as np

    from ..columns import resolve_columns, time_candidates
    from ..errors import ColumnError
    from ..normalize import normalize

    columns = build_columns(params)
    options = normalize_options(params, calendar, _lang(words, lang))
    progress = progress or Progress(quiet)
    progress.stage(f"reading {log}")
    from ..io.read import read_log, release_unused_memory

    def select(names: Any) -> Any:
        if options.milestones:
            return names
        wanted = [c for _, c in resolve_columns(names, columns, source=str(log)).items()]
        more = [*time_candidates(names), *(c for c in extra if c in names)]
        return [*wanted, *dict.fromkeys(c for c in more if c not in wanted)]

    raw = read_log(
        log, encoding=params.get("encoding"), select=select, sheet=params.get("sheet")
    )  # as api.read_raw
    missing = [c for c in extra if c not in raw.table.columns]
    if missing:
        shown = ", ".join(repr(str(c)) for c in list(raw.table.columns)[:20])
        raise ColumnError(
            f"no column {missing[0]!r} in the log",
            fix=f"choose one of: {shown}",
            source=str(log),
        )
    values = {c: raw.table[c].copy() for c in extra}
    event_log = normalize(raw, columns, options)
    del raw
    release_unused_memory()
    if options.milestones:  # events of a case table are numbered dossier row × milestones + j
        k = len(options.milestones)
        for c, series in values.items():
            values[c] = series.iloc[np.arange(len(series) * k) // k].reset_index(drop=True)
    progress.done()
    _announce(event_log, label, words, calendar, quiet, params.get("tz"), _lang(words, lang))
    return event_log, values


def announce_columns(log: Any, words: Any = None) -> str:
    """One line saying which column plays which role, and which waiting definition follows,
    in `words` (a `render.words.Words`; English by default)."""
    from ..render.words import ENGLISH

    w = words or ENGLISH
    mapped = ", ".join(f"{role}={column!r}" for role, column in log.columns.items())
    if log.has_lifecycle:
        how = w("ld_lifecycle")
    elif log.has_start_times:
        how = w("ld_start_times")
    elif log.columns.start:
        how = w("ld_empty_start")
    else:
        how = w("ld_no_start_times")
    fmt = w("ld_format", format=log.timestamp_format) if log.timestamp_format else ""
    return w("ld_columns", mapped=mapped, how=how, format=fmt)


def deadline_report_from_params(
    event_log: Any,
    values: dict[str, Any],
    deadline: Any,
    deadline_column: str | None,
    procedure: str | None,
    calendar: Any,
    params: dict[str, Any],
) -> Any:
    """The on-time report of `analyze`: due dates from the column (one per case) or the fixed
    deadline, per procedure, on the real times of the log."""
    from ..analysis.deadlines import case_column, deadline_report, parse_due_column

    due = None
    if deadline_column:
        due = parse_due_column(
            case_column(event_log, values[deadline_column]),
            column=deadline_column,
            source=event_log.source,
            tz=event_log.display_tz,
            fmt=params.get("timestamp_format"),
            log_format=event_log.timestamp_format,
        )
    return deadline_report(
        event_log,
        deadline=deadline,
        calendar=calendar,
        due_values=due,
        due_column=deadline_column,
        procedure_values=case_column(event_log, values[procedure]) if procedure else None,
    )


def stem(path: Path) -> str:
    """The name of a log file without its log and compression suffixes."""
    name = path.name
    for suffix in (".gz", ".xes", ".csv", ".parquet", ".tsv", ".txt", ".pq", *SPREADSHEETS):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "log"


DATABASE_PREFIX = "duckdb:"
POSTGRES_PREFIXES = ("postgresql:", "postgres:")


def in_engine_wanted(
    log: str | Path, in_engine: bool, table: str | None, query: str | None
) -> bool:
    """Whether the log is read by the engine: asked for, or a database (`duckdb:PATH`,
    `postgresql://…`), or a Delta table."""
    from ..engine.delta import is_delta

    text = str(log)
    database = text.startswith((DATABASE_PREFIX, *POSTGRES_PREFIXES))
    return in_engine or database or bool(table or query) or is_delta(text)


def source_stem(log: str, table: str | None) -> str:
    """The name of the default output folder of `log`: the file's `stem`; for a PostgreSQL
    database, the table's name (else the database's)."""
    if log.startswith(POSTGRES_PREFIXES):
        from urllib.parse import urlparse

        database = urlparse(log).path.strip("/") or "postgres"
        return table.split(".")[-1] if table else database
    return stem(Path(log.removeprefix(DATABASE_PREFIX).removeprefix("delta:")))


def _origin(text: str, table: str | None, query: str | None, order_by: str | None) -> Any:
    """The `EngineSource` of the log `text`; a `postgresql://` log makes PostgreSQL the
    engine that reads it (`load_in_engine` puts the options' engine back afterwards)."""
    from dataclasses import replace

    from ..engine import configure, current_settings
    from ..engine.delta import DELTA_PREFIX, delta_files, is_delta
    from ..engine.origins import (
        database_source,
        delta_source,
        parquet_source,
        postgres_source,
        spark_source,
    )
    from ..errors import InputFileError
    from .options import refuse_password

    settings = current_settings()
    if text.startswith(POSTGRES_PREFIXES):
        refuse_password(text, "LOG")
        if settings.engine == "spark" or settings.database not in (None, text):
            raise click.UsageError(
                "a postgresql:// log is read and analysed in that database: leave out "
                "--engine and --database"
            )
        if (table is None) == (query is None):
            raise click.UsageError("a postgresql:// log needs either --table or --query")
        if order_by is not None and table is None:
            raise click.UsageError("--order-by orders a --table (give ORDER BY in --query)")
        configure(replace(settings, engine="postgres", database=text))
        return postgres_source(text, table=table, query=query, order_by=order_by)
    if order_by is not None:
        raise click.UsageError("--order-by orders the --table of a postgresql:// log")
    if text.startswith(DATABASE_PREFIX):
        path = text[len(DATABASE_PREFIX) :]
        if settings.engine != "duckdb":
            raise click.UsageError("a duckdb:PATH log is read by DuckDB: leave out --engine")
        if (table is None) == (query is None):
            raise click.UsageError("a duckdb:PATH log needs either --table or --query")
        if not Path(path).is_file():
            raise InputFileError("no such database file", fix="check the path", source=path)
        return database_source(path, table=table, query=query)
    if table or query:
        raise click.UsageError(
            "--table and --query read a database: give it as duckdb:PATH or "
            "postgresql://USER@HOST/DB"
        )
    if settings.engine == "postgres":
        raise click.UsageError(
            "PostgreSQL reads the log from its own tables: give postgresql://USER@HOST/DB "
            "with --table or --query"
        )
    remote = "://" in text  # HDFS, S3 … (Spark)
    local = text.removeprefix(DELTA_PREFIX)
    if not remote and not any(ch in text for ch in "*?[") and not Path(local).exists():
        raise InputFileError("no such file", fix="check the path", source=text)
    if is_delta(text):
        return delta_source(text, delta_files(text), spark=settings.engine == "spark")
    return spark_source(text) if settings.engine == "spark" else parquet_source(text)


def load_in_engine(
    log: str | Path,
    params: dict[str, Any],
    table: str | None,
    query: str | None,
    *,
    quiet: bool,
    progress: Progress | None = None,
    words: Any = None,
    lang: str | None = None,
    calendar: Any = None,
    label: str = "",
) -> tuple[Any, Any]:
    """Normalize `log` inside a new engine session as the column options in `params` say,
    and announce it as `load_from_params` does (each line prefixed by `label`): a Parquet
    file (with `--engine spark` also CSV, on any path Spark reads), or the `--table` or
    `--query` of a `duckdb:PATH` or `postgresql://USER@HOST/DB` database (the latter run in
    PostgreSQL, which is the engine of that log only: the settings of the options are back
    afterwards, so each of two logs is read where it lives). Returns the `SourceLog` and the
    session holding its events (hand it to `PreparedLog(holding=…)`)."""
    from ..engine import new_engine
    from ..engine.source_sql import open_source
    from ..errors import CalendarError

    text = str(log)
    if calendar is not None:  # before reading: the engine does not apply one yet
        raise CalendarError(
            "a working calendar is not applied to a log read in the engine yet",
            fix="pass --calendar none, or analyse the file without --in-engine",
            source=text,
        )
    from ..engine import configure, current_settings

    settings = current_settings()  # as the options gave them: the next log is read by its own
    try:
        origin = _origin(text, table, query, params.pop("order_by", None))
        progress = progress or Progress(quiet)
        progress.stage(f"reading {origin.label} in the engine")
        source_log, holding = open_source(
            origin,
            build_columns(params),
            normalize_options(params, None, _lang(words, lang)),
            engine=new_engine,
        )
    finally:
        configure(settings)
    progress.done()
    _announce(source_log, label, words, None, quiet, params.get("tz"), _lang(words, lang))
    return source_log, holding
