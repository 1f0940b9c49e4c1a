"""The `bottleneck` command line: thin commands over the library; errors become one line here.

Each command composes read -> normalize -> analyze -> render -> write. Nothing below this module
prints or imports click. Heavy libraries are imported inside commands so `--help` is instant.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from .columns import LogColumns
from .errors import EXIT_CODES, BottleneckError, OutputError

EXIT_HELP = "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())
GRAPH_FORMATS = ("svg", "png", "pdf", "dot")
# analyze counts variants, rework and hand-offs by default up to this many events (measured at
# 10^7 events: 24 s and 5.7 GB with them, 7.8 s and 1.7 GB without; benchmarks/RESULTS.md).
FLOWS_AUTO_LIMIT = 2_000_000


class Progress:
    """Stage messages on stderr while a long run works (only on a terminal, never with --quiet)."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.started = time.monotonic()

    def stage(self, text: str) -> None:
        if self.enabled:
            elapsed = time.monotonic() - self.started
            click.echo(f"\r\033[K[{elapsed:5.1f}s] {text}…", err=True, nl=False)

    def done(self) -> None:
        if self.enabled:
            click.echo("\r\033[K", err=True, nl=False)


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


def fail(error: BottleneckError) -> NoReturn:
    """Print the one-line message of `error` and exit with its code."""
    click.echo(f"error: {error.one_line()}", err=True)
    sys.exit(error.exit_code)


# Commands that live in their own modules under `commands/`, imported only when run or listed,
# so `bottleneck --help` stays instant: name -> "module:attribute".
LAZY_COMMANDS: dict[str, str] = {
    "causes": "bottleneck_finder.commands.causes:causes",
    "compare": "bottleneck_finder.commands.compare:compare",
    "drift": "bottleneck_finder.commands.drift:drift",
    "discover": "bottleneck_finder.commands.discover:discover",
    "report": "bottleneck_finder.commands.report:report",
    "anonymize": "bottleneck_finder.commands.anonymize:anonymize",
}


class Guarded(click.Group):
    """A command group that turns every error into one line and a documented exit code.

    Besides the commands defined here it serves the ones named in `LAZY_COMMANDS`.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            import importlib

            module, _, attribute = LAZY_COMMANDS[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BottleneckError as error:
            fail(error)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            # the reader (e.g. `| head`) went away: the files are written, stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except MemoryError:
            click.echo(
                "error: out of memory — analyze a smaller period or a Parquet file", err=True
            )
            sys.exit(1)
        except Exception as error:
            if os.environ.get("BOTTLENECK_DEBUG"):
                raise
            click.echo(
                f"error: internal error ({type(error).__name__}: {error}) — please report it "
                "with the command you ran; set BOTTLENECK_DEBUG=1 to see the details",
                err=True,
            )
            sys.exit(1)


@click.group(
    cls=Guarded,
    epilog="Example:\n\n"
    "  bottleneck analyze event_logs/one_stop_shop_after.csv -o reports/after\n\n"
    f"Exit codes:\n\n\b\n{EXIT_HELP}",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="bottleneck-finder")
def cli() -> None:
    """Find where work waits in a process event log."""


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
            help="Stop at rows with bad times, missing ids or duplicates, "
            "or drop them with a warning.",
        ),
        click.option(
            "--encoding", help="Text encoding of a CSV file (default: UTF-8/UTF-16 detected)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def calendar_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--calendar vn|none|FILE.toml`: measure every duration in working time."""
    return click.option(
        "--calendar",
        "calendar_spec",
        default="none",
        show_default=True,
        help="Count durations in working time: vn (Vietnamese public offices, holidays and Tết "
        "included), a TOML calendar file (docs/calendar.md), or none for wall-clock time.",
    )(command)


def load_calendar_and_deadline(calendar_spec: str, deadline: str | None) -> tuple[Any, Any]:
    """The `--calendar` and `--deadline` values, checked before any log is read: a bad calendar
    file or a working-day deadline without a calendar fails fast. With a calendar, the rest of
    the command shows durations in working days ("wd", one usual working day each)."""
    from .analysis.deadlines import DeadlineError, parse_deadline
    from .calendar import load_calendar

    calendar = load_calendar(calendar_spec)
    if calendar is not None:
        # every duration this command shows is then told in the calendar's working days
        from .render.text import day_unit

        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.with_resource(day_unit(calendar.workday_seconds, "wd"))
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
    from .io.read import read_columns_file

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


def normalize_options(params: dict[str, Any]) -> Any:
    """The `NormalizeOptions` that the column options in `params` ask for."""
    from .normalize import NormalizeOptions

    return NormalizeOptions(
        timestamp_format=params.get("timestamp_format"),
        tz=params.get("tz"),
        bad_rows=params.get("bad_rows") or "fail",
        milestones=_milestones(params.get("milestones")),
    )


def load_from_params(
    log: Path,
    params: dict[str, Any],
    *,
    quiet: bool,
    progress: Progress | None = None,
    label: str = "",
) -> Any:
    """Read and normalize `log` as the `column_options` in `params` say; announce the columns
    on stderr unless `quiet`, and the data-quality warnings (dropped rows) always, each
    prefixed by `label` (e.g. "before: "). Returns the `EventLog`."""
    from .api import load_log

    progress = progress or Progress(quiet)
    progress.stage(f"reading {log}")
    event_log = load_log(
        log,
        build_columns(params),
        options=normalize_options(params),
        encoding=params.get("encoding"),
    )
    progress.done()
    if not quiet:
        click.echo(f"{label}{announce_columns(event_log)}", err=True)
    for warning in event_log.quality.warnings:  # dropped rows are never silent, even with -q
        click.echo(f"warning: {label}{warning}", err=True)
    return event_log


def load_with_columns(
    log: Path,
    params: dict[str, Any],
    extra: list[str],
    *,
    quiet: bool,
    progress: Progress | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Like `load_from_params`, and also the `extra` columns of the file (e.g. a due date or a
    procedure), each as a Series aligned with the rows of the file as read (so that
    `analysis.deadlines.case_column` can take one value per case). Only used when extra
    columns are asked for, so a plain `analyze` reads nothing more."""
    import numpy as np

    from .columns import resolve_columns
    from .errors import ColumnError
    from .normalize import normalize

    columns = build_columns(params)
    options = normalize_options(params)
    progress = progress or Progress(quiet)
    progress.stage(f"reading {log}")
    from .io.read import read_log

    def select(names: Any) -> Any:
        if options.milestones:
            return names
        wanted = [c for _, c in resolve_columns(names, columns, source=str(log)).items()]
        return [*wanted, *(c for c in extra if c in names and c not in wanted)]

    raw = read_log(log, encoding=params.get("encoding"), select=select)  # as api.read_raw
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
    if options.milestones:  # events of a case table are numbered dossier row × milestones + j
        k = len(options.milestones)
        for c, series in values.items():
            values[c] = series.iloc[np.arange(len(series) * k) // k].reset_index(drop=True)
    progress.done()
    if not quiet:
        click.echo(announce_columns(event_log), err=True)
    for warning in event_log.quality.warnings:  # dropped rows are never silent, even with -q
        click.echo(f"warning: {warning}", err=True)
    return event_log, values


def announce_columns(log: Any) -> str:
    """One line saying which column plays which role, and which waiting definition follows."""
    mapped = ", ".join(f"{role}={column!r}" for role, column in log.columns.items())
    if log.has_lifecycle:
        how = "start/complete events paired"
    elif log.has_start_times:
        how = "start times known"
    else:
        how = "no start times"
    fmt = f"; times read as {log.timestamp_format}" if log.timestamp_format else ""
    return f"columns: {mapped} ({how}{fmt})"


def _formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in GRAPH_FORMATS]
    if bad:
        raise click.BadParameter(
            f"unknown format {', '.join(bad)}; choose from {', '.join(GRAPH_FORMATS)}",
            param_hint="--format",
        )
    return formats


@cli.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck analyze event_logs/08_receipt.xes.gz\n"
    "  bottleneck analyze export.csv --case ma_ho_so --activity buoc \\\n"
    "      --timestamp thoi_gian -o reports/q3 --format svg,png\n"
    "  bottleneck analyze dossiers.csv \\\n"
    "      --milestones ngay_nop=Nộp,ngay_tiep_nhan,ngay_tra_ket_qua\n"
    "  bottleneck analyze dossiers.csv --calendar vn --deadline 15wd \\\n"
    "      --deadline-column ngay_hen_tra --procedure thu_tuc\n\n"
    "Writes analysis.json (schema bottleneck/analysis@1), transitions.csv, activities.csv and "
    "process.svg (and the other --format pictures) into the output folder; deadlines.csv with "
    "--deadline or --deadline-column."
)
@click.argument("log", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    help="Output folder (default: reports/<log name>).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print analysis.json to stdout instead of tables."
)
@click.option(
    "--top", default=10, show_default=True, type=click.IntRange(1), help="Bottlenecks to rank."
)
@click.option(
    "--format",
    "formats",
    default="svg",
    show_default=True,
    help="Process graph formats, comma-separated: svg,png,pdf,dot.",
)
@click.option(
    "--min-share",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Hide arrows carrying less than this share of all transitions.",
)
@click.option(
    "--max-edges",
    default=60,
    show_default=True,
    type=click.IntRange(1),
    help="Draw at most this many arrows (the most frequent; bottlenecks always).",
)
@click.option(
    "--color-by",
    type=click.Choice(["wait", "cause"]),
    default="wait",
    show_default=True,
    help="Colour the arrows by median wait, or by the dominant waiting cause (batching, "
    "contention, prioritization, unavailability, extraneous; needs start times and resources).",
)
@calendar_option
@click.option(
    "--deadline",
    help="Legal time limit after each case's first event: 15wd (working days, needs "
    "--calendar), 15d (days), 8wh (working hours), 36h (hours). Reports the on-time rate.",
)
@click.option(
    "--deadline-column",
    help="Column with each case's own due date (e.g. ngay_hen_tra); wins over --deadline.",
)
@click.option(
    "--procedure", help="Column naming the procedure of each case: on-time rate per procedure."
)
@click.option(
    "--flows/--no-flows",
    "with_flows",
    default=None,
    help="Also count variants, rework and hand-offs (variants.csv, rework.csv, handoffs.csv); "
    f"default: on for logs up to {FLOWS_AUTO_LIMIT:,} events (they cost several times the rest "
    "of the analysis in time and memory).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress or column announcements.")
@column_options
def analyze(
    log: Path,
    output: Path | None,
    as_json: bool,
    top: int,
    formats: str,
    min_share: float,
    max_edges: int,
    color_by: str,
    calendar_spec: str,
    deadline: str | None,
    deadline_column: str | None,
    procedure: str | None,
    with_flows: bool | None,
    quiet: bool,
    **params: Any,
) -> None:
    """Rank where cases wait longest and draw the annotated process graph."""
    graph_formats = _formats(formats)
    calendar, parsed_deadline = load_calendar_and_deadline(calendar_spec, deadline)
    if procedure and not (deadline or deadline_column):
        raise click.UsageError("--procedure needs --deadline or --deadline-column")
    progress = Progress(quiet)
    extra = list(dict.fromkeys(c for c in (deadline_column, procedure) if c))
    values: dict[str, Any] = {}
    if extra:
        event_log, values = load_with_columns(log, params, extra, quiet=quiet, progress=progress)
    else:
        event_log = load_from_params(log, params, quiet=quiet, progress=progress)

    from .prepared import PreparedLog

    with PreparedLog(event_log, calendar=calendar) as prepared:
        result, found_flows, flows_note = _measure(prepared, top, with_flows, progress)
    report = None

    if parsed_deadline is not None or deadline_column:
        progress.stage("checking deadlines")
        report = deadline_report_from_params(
            event_log, values, parsed_deadline, deadline_column, procedure, calendar, params
        )
    edge_causes = None
    if color_by == "cause":
        progress.stage("attributing waiting time to causes")
        edge_causes = dominant_edge_causes(event_log, calendar)
    progress.stage("drawing the process graph")
    files, picture_warning = render_outputs(
        result,
        graph_formats,
        min_share,
        max_edges,
        time_basis=time_basis(calendar),
        deadlines=report,
        procedure_column=procedure,
        edge_causes=edge_causes,
        flows=found_flows,
    )
    folder = output or Path("reports") / stem(log)
    progress.stage(f"writing {folder}")
    from .io.write import write_files

    written = write_files(folder, files)
    progress.done()

    from .render.text import bottleneck_table, summary_text

    if picture_warning:
        click.echo(f"warning: {picture_warning}", err=True)
    if as_json:
        click.echo(files["analysis.json"], nl=False)
        return
    click.echo(summary_text(result))
    if calendar is not None:
        click.echo(
            f"durations are working time (calendar {calendar.name}; "
            f"1 wd = {calendar.workday_seconds / 3600:g} h of work); dates are real dates"
        )
    for note in result.quality.warnings[len(event_log.quality.warnings) :]:
        click.echo(f"note: {note}")
    if flows_note:
        click.echo(f"note: {flows_note}")
    if color_by == "cause" and not edge_causes:
        click.echo(
            "note: no waiting time could be attributed to a cause (it needs start times and "
            "resources), so every arrow is grey"
        )
    if report is not None:
        from .render.deadline_text import deadline_lines

        click.echo("")
        click.echo(deadline_lines(report, procedure))
    click.echo("")
    click.echo("Top bottlenecks (transitions, by total waiting time):")
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 80), 160)
    click.echo(bottleneck_table(result, kind="transition", width=width))
    click.echo("")
    click.echo("Waiting time before each activity:")
    click.echo(bottleneck_table(result, kind="activity", width=width))
    if found_flows is not None:
        from .render.flows import flows_text

        click.echo("")
        click.echo(flows_text(*found_flows))
    click.echo("")
    click.echo(f"wrote {', '.join(str(p) for p in written)}")


def _measure(
    prepared: Any, top: int, with_flows: bool | None, progress: Progress
) -> tuple[Any, Any, str | None]:
    """The analysis of a prepared log, with variants, rework and hand-offs when asked (by
    default up to `FLOWS_AUTO_LIMIT` events), and the note saying why they were not."""
    from .analysis.analyze import analyze as run_analysis

    progress.stage("measuring waiting times")
    result = run_analysis(prepared, top=top)
    prepared.release("lean")  # the flows read their own, detailed step table
    found_flows = None
    flows_note = None
    events = len(prepared.log.events)
    if with_flows is None:
        with_flows = events <= FLOWS_AUTO_LIMIT
        if not with_flows:
            flows_note = (
                f"variants, rework and hand-offs were not counted on {events:,} "
                "events (several times the time and memory of the rest): pass --flows to count "
                "them, or run bottleneck discover"
            )
    if with_flows:
        from .analysis.flows import flows as count_flows

        progress.stage("counting variants, rework and hand-offs")
        found_flows = count_flows(prepared, top=top)
    return result, found_flows, flows_note


def dominant_edge_causes(event_log: Any, calendar: Any) -> tuple[tuple[str, str, str, float], ...]:
    """(source, target, dominant waiting cause, its share) per transition with attributable
    waiting; empty when the log has no start times or no resources."""
    if not (event_log.has_start_times and event_log.events["resource"].notna().any()):
        return ()
    from .analysis.causes import CauseOptions, attribute_causes, dominant_causes

    breakdown = attribute_causes(event_log, CauseOptions(calendar=calendar))
    return tuple(
        (str(r["source"]), str(r["target"]), str(r["cause"]), float(r["share"]))
        for r in dominant_causes(breakdown.transitions).to_dict(orient="records")
    )


def time_basis(calendar: Any) -> str:
    """How durations are measured: `wall_clock`, or `working:<calendar name>`."""
    return "wall_clock" if calendar is None else f"working:{calendar.name}"


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
    from .analysis.deadlines import case_column, deadline_report, parse_due_column

    due = None
    if deadline_column:
        due = parse_due_column(
            case_column(event_log, values[deadline_column]),
            column=deadline_column,
            source=event_log.source,
            tz=event_log.display_tz,
            fmt=params.get("timestamp_format"),
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
    for suffix in (".gz", ".xes", ".csv", ".parquet", ".tsv", ".txt", ".pq"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "log"


def render_outputs(
    result: Any,
    graph_formats: list[str],
    min_share: float,
    max_edges: int,
    *,
    time_basis: str = "wall_clock",
    deadlines: Any = None,
    procedure_column: str | None = None,
    edge_causes: tuple[tuple[str, str, str, float], ...] | None = None,
    flows: tuple[Any, Any, Any] | None = None,
) -> tuple[dict[str, bytes | str], str | None]:
    """Every output file's content, made in memory before anything is written.

    `deadlines` (an `analysis.deadlines.DeadlineReport`) adds the `deadlines` section and
    deadlines.csv; `edge_causes` colours the arrows by their dominant waiting cause; `flows`
    (variants, rework, hand-offs from `analysis.flows.flows`) adds their fields and CSVs."""
    from .render.data import analysis_document, deadlines_document, to_csv, to_json
    from .render.graph import GraphOptions, picture_files, process_dot

    document = analysis_document(
        result,
        time_basis=time_basis,
        deadlines=None if deadlines is None else deadlines_document(deadlines, procedure_column),
    )
    if flows is not None:
        from .render.flows import flows_document, flows_files

        document.update(flows_document(*flows))
    files: dict[str, bytes | str] = {
        "analysis.json": to_json(document),
        "transitions.csv": to_csv(result.transitions),
        "activities.csv": to_csv(result.activities),
    }
    if flows is not None:
        files.update(flows_files(*flows))
    if deadlines is not None:
        files["deadlines.csv"] = to_csv(deadlines.procedures)
    dot = process_dot(
        result,
        GraphOptions(min_share=min_share, max_edges=max_edges, edge_causes=edge_causes),
    )
    pictures, warning = picture_files({"process": dot}, graph_formats)
    files.update(pictures)
    return files, warning


def main() -> None:
    """Entry point of the `bottleneck` console script."""
    cli(prog_name="bottleneck")
