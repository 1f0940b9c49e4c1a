"""The `bottleneck compare` command: before/after, what got slower or faster, with evidence."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from . import options as opt
from .loading import (
    DATABASE_PREFIX,
    POSTGRES_PREFIXES,
    in_engine_wanted,
    load_calendar_and_deadline,
    load_from_params,
    load_in_engine,
    source_stem,
)

EPILOG = (
    "Examples:\n\n\b\n"
    "  bottleneck compare event_logs/one_stop_shop_before.csv "
    "event_logs/one_stop_shop_after.csv\n"
    "  bottleneck compare event_logs/one_stop_shop_rollout.csv --split 2025-04-14 "
    "--deadline 15d\n"
    "  bottleneck compare event_logs/one_stop_shop_rollout.csv --split 2025-04-14 "
    "--calendar vn --deadline 15wd\n"
    "  bottleneck compare old.csv new.csv --before-columns old.toml --after-columns new.toml\n"
    "  bottleneck compare postgresql://analyst@db/office --table events --split auto\n"
    "  bottleneck compare postgresql://analyst@db/office --table events_2024 "
    "--after-table events_2025\n\n"
    "Writes comparison.json (schema bottleneck/comparison@1), transitions.csv, activities.csv, "
    "demand_weekly.csv and the difference, before and after graphs (one layout) into the "
    "output folder."
)


def _side_params(params: dict[str, Any], columns_file: Path | None) -> dict[str, Any]:
    """The shared column options with one side's mapping file applied on top."""
    if columns_file is None:
        return params
    from ..io.read import read_columns_file
    from .loading import build_columns

    merged = build_columns(params).merged(read_columns_file(columns_file))
    side = {k: v for k, v in params.items() if k not in ("columns_file",)}
    side.update(
        case=merged.case,
        activity=merged.activity,
        timestamp=merged.timestamp,
        start=merged.start,
        resource=merged.resource,
        group=merged.group,
        lifecycle=merged.lifecycle,
        columns_file=None,
    )
    return side


def _sides(
    before: str, after: str | None, table: str | None, query: str | None,
    after_table: str | None, after_query: str | None,
) -> tuple[str | None, str | None, str | None]:  # fmt: skip
    """AFTER and its --table and --query: as given, else BEFORE's database read by
    `--after-table` / `--after-query` (also with AFTER given), else BEFORE's options."""
    if after_table is None and after_query is None:
        return after, table, query
    if after_table is not None and after_query is not None:
        raise click.UsageError("give either --after-table or --after-query, not both")
    if not (after or before).startswith((DATABASE_PREFIX, *POSTGRES_PREFIXES)):
        raise click.UsageError(
            "--after-table and --after-query read the AFTER side from a database: give it as "
            "duckdb:PATH or postgresql://USER@HOST/DB"
        )
    return after or before, after_table, after_query


@click.command(epilog=EPILOG)
@click.argument("before", type=click.Path())  # as typed: a URL keeps its "//"
@click.argument("after", type=click.Path(), required=False)
@click.option(
    "--split",
    help="Compare one log before and after this date (YYYY-MM-DD or ISO time in the log's "
    "zone), or 'auto' for the strongest change point.",
)
@click.option(
    "--straddling",
    type=click.Choice(["exclude", "before", "after"]),
    default="exclude",
    show_default=True,
    help="With --split: cases that start before the date and end after it are left out, or "
    "counted before, or counted after.",
)
@click.option(
    "--alpha",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0.0001, 0.5),
    help="False-discovery level of the q-values; intervals are at 1 − alpha.",
)
@click.option(
    "--min-count",
    default=20,
    show_default=True,
    type=click.IntRange(2),
    help="Fewer waits than this on either side gives 'insufficient' instead of a verdict.",
)
@opt.deadline_option
@opt.calendar_option
@click.option(
    "--causes/--no-causes",
    default=None,
    help="Break each side's waiting down by cause (needs start times and resources; "
    "about 4 s per 10^6 events). Default: on; off with a log read in the engine.",
)
@click.option(
    "--seed", default=0, show_default=True, type=int, help="Seed of the bootstrap resampling."
)
@click.option(
    "--before-columns",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML [columns] mapping for the BEFORE log only (over the shared options).",
)
@click.option(
    "--after-columns",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML [columns] mapping for the AFTER log only (over the shared options).",
)
@click.option(
    "--after-table",
    default=None,
    help="With a duckdb:PATH or postgresql:// log: the table of the AFTER side (AFTER may "
    "be left out: the same database); --table is then the BEFORE side's.",
)
@click.option(
    "--after-query",
    default=None,
    help="As --after-table, a query whose rows are the AFTER side's events.",
)
@opt.output_option("reports/<before>_vs_<after> or reports/<log>_split")
@opt.json_option("Print comparison.json to stdout instead of tables.")
@opt.formats_option("Graph")
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(1),
    help="Rows of each terminal table (the files hold them all).",
)
@opt.map_options
@opt.engine_options
@opt.source_options
@opt.lang_option()
@opt.quiet_option
@opt.column_options
def compare(
    before: str,
    after: str | None,
    split: str | None,
    straddling: str,
    alpha: float,
    min_count: int,
    deadline: str | None,
    calendar_spec: str | None,
    causes: bool | None,
    seed: int,
    before_columns: Path | None,
    after_columns: Path | None,
    after_table: str | None,
    after_query: str | None,
    output: Path | None,
    as_json: bool,
    formats: str,
    top: int,
    map_activities: Any,
    map_paths: Any,
    memory_limit: str,
    temp_dir: Path | None,
    in_engine: bool,
    table: str | None,
    query: str | None,
    lang: str,
    quiet: bool,
    **params: Any,
) -> None:
    """Compare two periods of a process: what got slower or faster, where, and how sure.

    Give two logs (BEFORE AFTER), or one log and --split DATE; or one database with
    --table (or --query) for BEFORE and --after-table (or --after-query) for AFTER.
    """
    opt.apply_engine_options(memory_limit, temp_dir, params)
    graph_formats = opt.parse_formats(formats)
    after, a_table, a_query = _sides(before, after, table, query, after_table, after_query)
    if (after is None) == (split is None):
        raise click.UsageError("give either two logs (BEFORE AFTER) or one log with --split")
    calendar, parsed_deadline = load_calendar_and_deadline(calendar_spec, deadline, lang)
    engine_read = in_engine_wanted(before, in_engine, table, query) or (
        after is not None and in_engine_wanted(after, in_engine, a_table, a_query)
    )
    if params.get("order_by") and not engine_read:
        raise click.UsageError("--order-by orders the --table of a postgresql:// log")
    if engine_read and (deadline or causes):
        raise click.UsageError(
            "--deadline and --causes read the events in this process: not with a log read in "
            "the engine yet"
        )
    w = opt.words_for(lang, calendar)
    english = opt.words_for("en", calendar)  # comparison.json's sentences, whatever --lang
    from ..analysis.compare import CompareOptions, compare_logs, compare_split

    options = CompareOptions(
        alpha=alpha,
        min_count=min_count,
        seed=seed,
        deadline=parsed_deadline,
        calendar=calendar,
        causes=not engine_read if causes is None else causes,
        straddling=straddling,  # type: ignore[arg-type]
    )
    progress = opt.Progress(quiet)
    said: str | None = None  # why the split date was chosen, in the terminal's words
    from ..prepared import PreparedLog

    def load(
        path: str, side: dict[str, Any], label: str = "", source: tuple[Any, Any] = (table, query)
    ) -> PreparedLog:
        """One log prepared for the comparison: read by the engine (its --table or --query
        `source`), or in this process."""
        if engine_read:
            read, holding = load_in_engine(
                path, dict(side), *source, quiet=quiet, words=w, calendar=calendar, label=label
            )
            return PreparedLog(read, holding=holding)
        read = load_from_params(
            Path(path), side, quiet=quiet, label=label, words=w, calendar=calendar
        )
        return PreparedLog(read, calendar=calendar)

    if after is not None:
        after_label = w("cmp_side_after") + ": "
        with (
            load(
                before, _side_params(params, before_columns), w("cmp_side_before") + ": "
            ) as b_log,
            load(
                after, _side_params(params, after_columns), after_label, (a_table, a_query)
            ) as a_log,
        ):
            progress.stage("comparing the two logs")
            result = compare_logs(b_log, a_log, options)
        names = source_stem(before, table), source_stem(after, a_table)
        folder = output or Path("reports") / "_vs_".join(names)
    else:
        if before_columns or after_columns:
            raise click.UsageError(
                "--before-columns / --after-columns need two logs; use --columns with --split"
            )
        description = None
        assert split is not None
        at: Any = split
        with load(before, _side_params(params, None)) as prepared:
            log = prepared.any_log
            if split.strip().lower() == "auto":
                from ..analysis.drift import split_date
                from ..render.drift_text import describe

                progress.stage("looking for the strongest change point")
                # as api.split_point: found and told on the wall clock whatever the calendar
                point = split_date(prepared if calendar is None else log)
                at = point.date
                description = describe(point, log.display_tz)
                said = describe(point, log.display_tz, opt.words_for(lang))
            progress.stage("comparing the two periods")
            result = compare_split(prepared, at, options, description=description)
        folder = output or Path("reports") / f"{source_stem(before, table)}_split"

    from ..render.compare_sentences import warning_sentence

    progress.stage("drawing the graphs")
    files, warning = render_comparison(
        result, graph_formats, w, english, activities=map_activities, paths=map_paths
    )
    progress.stage(f"writing {folder}")
    written = opt.write_outputs(
        folder,
        files,
        progress,
        warnings=[*(warning_sentence(x, w) for x in result.warnings), warning],
        print_json="comparison.json" if as_json else None,
    )
    if written is None:
        return
    from ..render.compare_sentences import finding_sentence
    from ..render.compare_text import cause_change_lines, findings_table, summary_text

    width = min(max(shutil.get_terminal_size((100, 24)).columns, 80), 160)
    click.echo(summary_text(result, w, said))
    click.echo("")
    click.echo(w("cmp_introduced"))
    click.echo(findings_table(result.introduced.head(top), width=width, words=w))
    grew = cause_change_lines(result, result.introduced.head(top), w)
    if grew:
        click.echo("")
        click.echo("\n".join(grew))
    click.echo("")
    click.echo(w("cmp_improvements"))
    click.echo(findings_table(result.improvements.head(top), width=width, saved=True, words=w))
    if len(result.introduced):
        click.echo("")
        finding = finding_sentence(result.introduced.iloc[0].to_dict(), w)
        click.echo(w("cmp_finding_line", finding=finding))
    click.echo("")
    click.echo(w("wrote", files=", ".join(str(p) for p in written)))


def render_comparison(
    result: Any,
    graph_formats: list[str],
    words: Any = None,
    english: Any = None,
    *,
    activities: Any = None,
    paths: Any = None,
) -> tuple[dict[str, bytes | str], str | None]:
    """Every output file's content, made in memory before anything is written: the graphs in
    `words` showing `activities` and `paths` (`--activities` / `--paths`; None: the
    defaults, fitted to a page column), comparison.json's sentences in `english` (both
    English calendar time by default) and the `map` object of each side's map drawn."""
    from ..render.compare_graph import comparison_maps
    from ..render.compare_text import comparison_document
    from ..render.graph import GRAPHVIZ_HINT, dot_available, picture_files
    from ..render.serialize import to_csv, to_json
    from ..render.words import ENGLISH

    weekly = result.demand.weekly
    files: dict[str, bytes | str] = {
        "transitions.csv": to_csv(result.transitions),
        "activities.csv": to_csv(result.activities),
        "demand_weekly.csv": to_csv(weekly),
    }
    words = words or ENGLISH
    document = comparison_document(result, english or ENGLISH)
    warning = None
    if not graph_formats:
        pass
    elif not dot_available():  # the shared layout of the three graphs itself needs Graphviz
        warning = (
            f"Graphviz 'dot' is not installed, so the comparison graphs were not drawn — "
            f"{GRAPHVIZ_HINT}"
        )
    else:
        dots, chosen = comparison_maps(result, words, activities, paths)
        maps = {kind: chosen.side(result, kind).document() for kind in ("before", "after")}
        document = comparison_document(result, english or ENGLISH, maps)
        pictures, warning = picture_files(dots, graph_formats)
        files.update(pictures)
    return {"comparison.json": to_json(document), **files}, warning
