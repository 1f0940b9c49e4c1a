"""The options the commands share: log columns, calendar, output paths, formats and progress."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

import click

from .. import holds
from ..errors import OutputError

GRAPH_FORMATS = ("svg", "png", "pdf", "dot")


class Progress:
    """Stage messages on stderr while a long run works (only on a terminal, never with --quiet).

    A stage line stays open (no newline) until `done`; `Progress.clear()` wipes an open one, so
    that an error or warning printed meanwhile starts on its own line."""

    pending = False  # a stage line is open on stderr (one process, one terminal)
    stream: TextIO | None = None  # the terminal captured when the run started

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.started = time.monotonic()
        # the terminal itself: a stage said while pm4py's output is silenced still shows
        self.stream = sys.stderr

    def stage(self, text: str) -> None:
        holds.reached(text)  # a no-op outside signal tests
        if self.enabled:
            elapsed = time.monotonic() - self.started
            click.echo(
                f"\r\033[K[{elapsed:5.1f}s] {text}…", file=self.stream or sys.stderr, nl=False
            )
            Progress.pending = True

    def done(self) -> None:
        if self.enabled:
            Progress.clear()

    @staticmethod
    def clear() -> None:
        """Wipe an open stage line, if any."""
        if Progress.pending:
            click.echo("\r\033[K", err=True, nl=False)
            Progress.pending = False


class OutputPath(click.Path):
    """An -o path that must be a folder (or, with `file=True`, a file): the wrong kind already
    there is a one-line `OutputError` (exit code 8) instead of a usage error."""

    def __init__(self, *, file: bool = False) -> None:
        super().__init__(path_type=Path)
        self.file = file
        self.name = "file" if file else "directory"  # shown in --help as FILE / DIRECTORY

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        if self.file and path.is_dir():
            raise OutputError(
                "is a folder, not a file", fix="give a file name with -o", source=str(path)
            )
        if not self.file and path.exists() and not path.is_dir():
            raise OutputError(
                "is a file, not a folder",
                fix="choose another -o folder, or move the file away",
                source=str(path),
            )
        return path


def column_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that map log columns and say how to read values."""
    options = [
        click.option("--case", help="Column with the case (dossier) id."),
        click.option("--activity", help="Column with the activity (step) name."),
        click.option("--timestamp", help="Column with the time a step ended (or happened)."),
        click.option(
            "--start-timestamp", "start", help="Column with the time a step started ('' for none)."
        ),
        click.option("--resource", help="Column with the officer / resource ('' for none)."),
        click.option("--group", help="Column with the unit or role ('' for none)."),
        click.option(
            "--lifecycle", help="Column with XES lifecycle start/complete values ('' for none)."
        ),
        click.option(
            "--columns",
            "columns_file",
            type=click.Path(dir_okay=False),
            help='TOML file with a [columns] mapping, e.g. case = "ma_ho_so".',
        ),
        click.option(
            "--milestones",
            help="Read a case table: comma-separated milestone columns, each COL or COL=Label.",
        ),
        click.option(
            "--timestamp-format",
            help="strftime format of the times, e.g. '%d/%m/%Y %H:%M' (default: detected).",
        ),
        click.option(
            "--tz",
            help="Zone of times without an offset and of the times shown "
            "(default: the log's, else UTC).",
        ),
        click.option(
            "--bad-rows",
            type=click.Choice(["fail", "skip"]),
            default="fail",
            show_default=True,
            help="Stop at rows with bad times or missing ids, or drop them with a warning.",
        ),
        click.option(
            "--duplicates",
            type=click.Choice(["keep", "drop", "fail"]),
            default="keep",
            show_default=True,
            help="Rows that repeat an earlier row in every column: keep them (with a warning), "
            "drop them (counted), or stop.",
        ),
        click.option(
            "--merge-traces",
            is_flag=True,
            help="XES: merge traces that share a case id into one case (default: each trace is "
            "its own case, the later ones keyed <id>#2, <id>#3, …).",
        ),
        click.option(
            "--encoding", help="Text encoding of a CSV file (default: UTF-8/UTF-16 detected)."
        ),
        click.option(
            "--sheet",
            help="Sheet of an Excel/OpenDocument workbook: its name or its number from 1 "
            "(default: the first).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


VN_ZONE = "Asia/Ho_Chi_Minh"
"""The zone of times without an offset with --lang vi (and of the `vn` calendar)."""


def calendar_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--calendar vn|none|FILE.toml`: measure every duration in working time (default: vn
    with --lang vi, see `calendar_spec`)."""
    return click.option(
        "--calendar",
        "calendar_spec",
        default=None,
        help="Count durations in working time: vn (Vietnamese public offices, holidays and Tết "
        "included), a TOML calendar file (docs/calendar.md), or none for wall-clock time "
        "(default: vn with --lang vi, else none).",
    )(command)


def calendar_spec(spec: str | None, lang: str) -> str:
    """The `--calendar` value to use: the one given, else `vn` in Vietnamese, `none` in
    English."""
    if spec is not None:
        return spec
    return "vn" if lang == "vi" else "none"


def deadline_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--deadline 15wd|15d|8wh|36h`: the legal time limit after each case's first event."""
    return click.option(
        "--deadline",
        help="Legal time limit after each case's first event: 15wd (working days, needs "
        "--calendar), 15d (days), 8wh (working hours), 36h (hours). Reports the on-time rate "
        "(compare: the share of each period's cases over it).",
    )(command)


def deadline_column_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--deadline-column COLUMN`: each case's own due date, winning over `--deadline`."""
    return click.option(
        "--deadline-column",
        help="Column with each case's own due date (e.g. ngay_hen_tra); wins over --deadline.",
    )(command)


def procedure_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--procedure COLUMN`: the column naming each case's procedure (on-time rate per one)."""
    return click.option(
        "--procedure", help="Column naming the procedure of each case: on-time rate per procedure."
    )(command)


def parse_formats(text: str) -> list[str]:
    """The picture formats of a `--format svg,png,...` value; an unknown one is a usage error."""
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in GRAPH_FORMATS]
    if bad:
        raise click.BadParameter(
            f"unknown format {', '.join(bad)}; choose from {', '.join(GRAPH_FORMATS)}",
            param_hint="--format",
        )
    return formats


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def output_option(default: str, *, file: bool = False) -> Decorator:
    """`-o/--output`: the output folder (or, with `file`, the output file) and its default."""
    what = "Output folder" if not file else "The pseudonymized log"
    return click.option(
        "-o", "--output", type=OutputPath(file=file), help=f"{what} (default: {default})."
    )


def json_option(text: str) -> Decorator:
    """`--json`: print the command's JSON document to stdout instead of tables."""
    return click.option("--json", "as_json", is_flag=True, help=text)


def min_unit_size_option(text: str) -> Decorator:
    """`--min-unit-size K`: the smallest unit named beside an officer (k-anonymity, default 3)."""
    return click.option(
        "--min-unit-size",
        "min_unit_size",
        type=click.IntRange(min=1),
        default=3,
        show_default=True,
        help=text,
    )


def top_option(text: str) -> Decorator:
    """`--top N`: how many rows or items to show (at least 1, default 10)."""
    return click.option("--top", default=10, show_default=True, type=click.IntRange(1), help=text)


def formats_option(what: str) -> Decorator:
    """`--format`: the picture formats to write, comma-separated (default svg)."""
    return click.option(
        "--format",
        "formats",
        default="svg",
        show_default=True,
        help=f"{what} formats, comma-separated: svg,png,pdf,dot.",
    )


LANGS = ("vi", "en")


def lang_option(
    default: str = "en",
    text: str = "Language of the terminal text and the pictures; the JSON and CSV files are "
    "the same in both.",
) -> Decorator:
    """`--lang vi|en`: the language the command speaks (default English for the analyses)."""
    return click.option(
        "--lang", type=click.Choice(LANGS), default=default, show_default=True, help=text
    )


def words_for(lang: str, calendar: Any = None) -> Any:
    """The vocabulary of a command's terminal text and pictures: `lang`, with durations in the
    working days of `calendar` when there is one ("3.2 wd", "3,2 ngày làm việc")."""
    from ..render.words import Words

    workday = None if calendar is None else float(calendar.workday_seconds)
    return Words("vi" if lang == "vi" else "en", workday_s=workday)


quiet_option: Decorator = click.option(
    "-q", "--quiet", is_flag=True, help="No progress or column announcements."
)
"""`-q/--quiet`: no progress or column announcements."""


def write_outputs(
    folder: Path,
    files: dict[str, bytes | str],
    progress: Progress,
    *,
    warnings: Iterable[str | None] = (),
    print_json: str | None = None,
) -> list[Path] | None:
    """Write every file at once (all or none), then say each warning on stderr. With
    `print_json` (a file name) print that document to stdout and return None: the command says
    nothing more. Else return the paths written."""
    from ..io.write import write_files

    written = write_files(folder, files)
    progress.done()
    for warning in warnings:
        if warning:
            click.echo(f"warning: {warning}", err=True)
    if print_json is not None:
        click.echo(files[print_json], nl=False)
        return None
    return written


class LimitType(click.ParamType[Any]):
    """`N`, `P%` or `all`: how many activities or arrows a map shows (a bad value is a usage
    error, exit code 2)."""

    name = "N|P%|all"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ..analysis.abstraction import Limit

        if isinstance(value, Limit):
            return value
        try:
            return Limit.parse(str(value))
        except ValueError as exc:
            self.fail(f"{exc}; give a whole number N, a share P% or all", param, ctx)


def map_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--activities N|P%|all` and `--paths N|P%|all`: Disco's two sliders, the same on every
    map (None when not given: the defaults, fitted to a page column)."""
    from ..analysis.abstraction import DEFAULT_ACTIVITIES, DEFAULT_PATHS

    options = [
        click.option(
            "--activities",
            "map_activities",
            type=LimitType(),
            default=None,
            help="Activities on the map, the most significant (frequent or waited-for) first: "
            f"N, P% of them, or all (default: up to {DEFAULT_ACTIVITIES}, fewer where the map "
            "would not fit a page column).",
        ),
        click.option(
            "--paths",
            "map_paths",
            type=LimitType(),
            default=None,
            help="Arrows on the map (start and end arrows included), the most significant "
            f"first: N, P% of them, or all (default: up to {DEFAULT_PATHS}); the arrows that "
            "connect the shown activities and the bottlenecks are always drawn.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def map_settings(activities: Any, paths: Any) -> dict[str, Any]:
    """GraphOptions keywords for the `--activities` / `--paths` values: given ones are used as
    they are (no fitting to a page); absent ones keep the defaults."""
    found: dict[str, Any] = {}
    if activities is not None:
        found["activities"] = activities
    if paths is not None:
        found["paths"] = paths
    if found:
        found["fit"] = False
    return found


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|b|kb|mb|gb|tb|kib|mib|gib|tib)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def parse_memory(text: str, total: int) -> int:
    """Bytes of a `--memory-limit` value: `12GB`, `8GiB`, `500MB` or a share of the machine's
    `total` memory (`60%`); a bad value is a usage error."""
    found = _SIZE.match(text)
    if found is None or float(found.group(1)) <= 0:
        raise click.BadParameter(
            f"'{text}' is not a memory size; write e.g. 12GB, 8GiB or 60%",
            param_hint="--memory-limit",
        )
    number, unit = float(found.group(1)), (found.group(2) or "b").lower()
    if unit == "%":
        if not total or number > 100:
            raise click.BadParameter(
                f"'{text}': a share needs 1–100 % of a known machine memory; give bytes (12GB)",
                param_hint="--memory-limit",
            )
        return int(total * number / 100)
    return int(number * _UNITS[unit])


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--engine` (with `--database`, `--spark-master`): which engine runs the event-level
    queries; `--memory-limit` and `--temp-dir`: how much memory DuckDB may use before it
    spills intermediate tables to disk, and where (see `engine.Settings`)."""
    command = click.option(
        "--spark-master",
        default="local[*]",
        show_default=True,
        help="With --engine spark: the Spark master URL (local[N], spark://HOST:PORT, yarn …).",
    )(command)
    command = click.option(
        "--database",
        default=None,
        metavar="URL",
        help="With --engine postgres: a libpq connection string or URL without password, "
        "e.g. postgresql://USER@HOST/DB (default: the PG* environment variables). Passwords "
        "come from PGPASSWORD or ~/.pgpass only.",
    )(command)
    command = click.option(
        "--engine",
        type=click.Choice(["duckdb", "postgres", "spark"]),
        default="duckdb",
        show_default=True,
        help="Engine of the event-level queries: DuckDB in this process, a PostgreSQL "
        "server (--database) or Apache Spark (--spark-master). Results are the same.",
    )(command)
    command = click.option(
        "--temp-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder for the engine's spill files when a log's tables outgrow --memory-limit "
        "(default: the system's temporary folder). Needs free space about the size of the log.",
    )(command)
    return click.option(
        "--memory-limit",
        default="60%",
        show_default=True,
        help="Working memory of the query engine (e.g. 12GB, 8GiB, 60% of this machine); "
        "beyond it, its tables spill to --temp-dir. The events read by this tool are held in "
        "memory apart from this limit (with --in-engine the engine reads them).",
    )(command)


def refuse_password(url: str | None, hint: str) -> None:
    """Refuse a libpq URL or connection string holding a password (`hint`: the option or
    argument that gave it), without showing it."""
    text = url or ""
    user_part = text.split("@")[0].split("//")[-1] if "@" in text else ""
    if ":" in user_part or "password=" in text.lower():
        raise click.BadParameter(
            "give the password by PGPASSWORD or ~/.pgpass, not in the URL", param_hint=hint
        )


def apply_engine_options(memory_limit: str, temp_dir: Path | None, params: dict[str, Any]) -> None:
    """Make every engine session of this command use `--engine` (its options taken out of
    `params`), `--memory-limit` and `--temp-dir`."""
    from ..engine import Settings, configure, machine_memory

    engine, database = params.pop("engine"), params.pop("database")
    spark_master = params.pop("spark_master")
    refuse_password(database, "--database")

    if temp_dir is not None:
        try:
            temp_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.BadParameter(
                f"cannot create {temp_dir}: {exc.strerror}", param_hint="--temp-dir"
            ) from exc
    configure(
        Settings(
            memory_limit=parse_memory(memory_limit, machine_memory()),
            temp_dir=None if temp_dir is None else str(temp_dir),
            engine=engine,
            database=database,
            spark_master=spark_master,
        )
    )


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--in-engine`, `--table`, `--query`: normalize the log inside the query engine, which
    reads the Parquet file (with `--engine spark`, Parquet or CSV anywhere Spark reads), the
    DuckDB database `duckdb:PATH` or the PostgreSQL database `postgresql://USER@HOST/DB`."""
    command = click.option(
        "--query",
        default=None,
        help="With a duckdb:PATH or postgresql:// log: the SQL query whose rows are the "
        "events (in the order it returns them; add ORDER BY to fix the order of "
        "simultaneous events).",
    )(command)
    command = click.option(
        "--order-by",
        default=None,
        metavar="COLUMNS",
        help="With a postgresql:// log and --table: the column(s) giving the order of the "
        "events, e.g. an event number (default: by case and time, simultaneous events of a "
        "case by their other columns; a PostgreSQL table keeps no order of its own).",
    )(command)
    command = click.option(
        "--table",
        default=None,
        help="With a duckdb:PATH or postgresql:// log: the table (or schema.table) holding "
        "the events, read in its stored order.",
    )(command)
    return click.option(
        "--in-engine",
        is_flag=True,
        default=False,
        help="Normalize and analyse a Parquet log inside the query engine, which reads the "
        "file itself: the events are never held whole in this process (for logs larger than "
        "memory). With --engine spark: Parquet or CSV files on any path Spark reads. Times "
        "must be typed or ISO 8601 text; no --calendar yet.",
    )(command)
