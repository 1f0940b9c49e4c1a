"""The `bottleneck analyze` command: where cases wait longest, drawn on the process graph."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from . import options as opt
from .loading import (
    deadline_report_from_params,
    in_engine_wanted,
    load_calendar_and_deadline,
    load_from_params,
    load_in_engine,
    load_with_columns,
    source_stem,
)

# analyze counts variants, rework and hand-offs by default up to this many events (measured at
# 10^7 events from Parquet: 5.8-9.0 s and 2.5 GB with them, 2.3 s and 1.7 GB without, on a
# 2-core machine; above, they run out of core and take minutes; benchmarks/RESULTS.md).


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck analyze event_logs/08_receipt.xes.gz\n"
    "  bottleneck analyze export.csv --case ma_ho_so --activity buoc \\\n"
    "      --timestamp thoi_gian -o reports/q3 --format svg,png\n"
    "  bottleneck analyze dossiers.csv \\\n"
    "      --milestones ngay_nop=Nộp,ngay_tiep_nhan,ngay_tra_ket_qua\n"
    "  bottleneck analyze dossiers.csv --calendar vn --deadline 15wd \\\n"
    "      --deadline-column ngay_hen_tra --procedure thu_tuc\n"
    "  bottleneck analyze postgresql://analyst@db.example/office --table events\n\n"
    "Writes analysis.json (schema bottleneck/analysis@1), transitions.csv, activities.csv and "
    "process.svg (and the other --format pictures) into the output folder; deadlines.csv with "
    "--deadline or --deadline-column."
)
@click.argument("log", type=click.Path())  # as typed: a URL keeps its "//"
@opt.output_option("reports/<log name>")
@opt.json_option("Print analysis.json to stdout instead of tables.")
@opt.top_option("Bottlenecks to rank.")
@opt.formats_option("Process graph")
@click.option(
    "--min-share",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Add no arrow carrying less than this share of all transitions beyond those that "
    "connect the shown activities.",
)
@click.option(
    "--max-edges",
    default=None,
    type=click.IntRange(1),
    help="Draw at most this many arrows (bottlenecks and connecting arrows always); with "
    "--paths the smaller wins.",
)
@opt.map_options
@click.option(
    "--color-by",
    type=click.Choice(["wait", "cause"]),
    default="wait",
    show_default=True,
    help="Colour the arrows by median wait, or by the dominant waiting cause (batching, "
    "contention, prioritization, unavailability, extraneous; needs start times and resources).",
)
@opt.calendar_option
@opt.deadline_option
@opt.deadline_column_option
@opt.procedure_option
@click.option(
    "--flows/--no-flows",
    "with_flows",
    default=True,
    show_default=True,
    help="Also count variants, rework and hand-offs (variants.csv, rework.csv, handoffs.csv); "
    "on at every size (10^8 events: 2 min 15 s in all on a 2-core machine, benchmarks/RESULTS.md).",
)
@opt.engine_options
@opt.source_options
@opt.lang_option()
@opt.quiet_option
@opt.column_options
def analyze(
    log: str,
    output: Path | None,
    as_json: bool,
    top: int,
    formats: str,
    min_share: float,
    max_edges: int | None,
    map_activities: Any,
    map_paths: Any,
    color_by: str,
    calendar_spec: str | None,
    deadline: str | None,
    deadline_column: str | None,
    procedure: str | None,
    with_flows: bool,
    memory_limit: str,
    temp_dir: Path | None,
    in_engine: bool,
    table: str | None,
    query: str | None,
    lang: str,
    quiet: bool,
    **params: Any,
) -> None:
    """Rank where cases wait longest and draw the annotated process graph."""
    opt.apply_engine_options(memory_limit, temp_dir, params)
    graph_formats = opt.parse_formats(formats)
    calendar, parsed_deadline = load_calendar_and_deadline(calendar_spec, deadline, lang)
    w = opt.words_for(lang, calendar)
    if procedure and not (deadline or deadline_column):
        raise click.UsageError("--procedure needs --deadline or --deadline-column")
    progress = opt.Progress(quiet)
    extra = list(dict.fromkeys(c for c in (deadline_column, procedure) if c))
    values: dict[str, Any] = {}
    holding = None
    if params.get("order_by") and not in_engine_wanted(log, in_engine, table, query):
        raise click.UsageError("--order-by orders the --table of a postgresql:// log")
    if in_engine_wanted(log, in_engine, table, query):
        if extra or deadline or color_by == "cause":
            raise click.UsageError(
                "--deadline, --deadline-column and --color-by cause read the events in this "
                "process: not with a log read in the engine yet"
            )
        event_log, holding = load_in_engine(
            log, params, table, query, quiet=quiet, progress=progress, words=w, calendar=calendar
        )
    elif extra:
        event_log, values = load_with_columns(
            Path(log), params, extra, quiet=quiet, progress=progress, words=w, calendar=calendar
        )
    else:
        event_log = load_from_params(
            Path(log), params, quiet=quiet, progress=progress, words=w, calendar=calendar
        )

    from ..prepared import PreparedLog

    with PreparedLog(event_log, calendar=calendar, holding=holding) as prepared:
        result, found_flows = _measure(prepared, top, with_flows, progress)
        edge_causes = None
        if color_by == "cause":
            progress.stage("attributing waiting time to causes")
            edge_causes = dominant_edge_causes(prepared)
    report = None

    if parsed_deadline is not None or deadline_column:
        progress.stage("checking deadlines")
        report = deadline_report_from_params(
            event_log, values, parsed_deadline, deadline_column, procedure, calendar, params
        )
    progress.stage("drawing the process graph")
    files, picture_warning = render_outputs(
        result,
        graph_formats,
        min_share,
        max_edges,
        time_basis=prepared.time_basis,
        map_settings=opt.map_settings(map_activities, map_paths),
        deadlines=report,
        procedure_column=procedure,
        edge_causes=edge_causes,
        flows=found_flows,
        words=w,
    )
    folder = output or Path("reports") / source_stem(log, table)
    progress.stage(f"writing {folder}")
    written = opt.write_outputs(
        folder,
        files,
        progress,
        warnings=[picture_warning],
        print_json="analysis.json" if as_json else None,
    )
    if written is None:
        return
    from ..render.text import bottleneck_table, clock_text, summary_text

    click.echo(summary_text(result, w))
    click.echo(clock_text(w, calendar))  # which clock: working days, or calendar time 24/7
    from ..render.quality_text import quality_sentence

    for note in result.quality.warnings[len(event_log.quality.warnings) :]:
        click.echo(w("note", note=quality_sentence(note, w)))
    if color_by == "cause" and not edge_causes:
        click.echo(w("note", note=w("an_no_cause")))
    if report is not None:
        from ..render.deadline_text import deadline_lines

        click.echo("")
        click.echo(deadline_lines(report, procedure, w))
    click.echo("")
    click.echo(w("an_top_transitions"))
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 80), 160)
    click.echo(bottleneck_table(result, kind="transition", width=width, words=w))
    click.echo("")
    click.echo(w("an_top_activities"))
    click.echo(bottleneck_table(result, kind="activity", width=width, words=w))
    if found_flows is not None:
        from ..render.flows import flows_text

        click.echo("")
        variants, rework, handoffs = found_flows
        click.echo(flows_text(variants, rework, handoffs, w))
    click.echo("")
    click.echo(w("wrote", files=", ".join(str(p) for p in written)))


def _measure(prepared: Any, top: int, with_flows: bool, progress: opt.Progress) -> tuple[Any, Any]:
    """The analysis of a prepared log, with variants, rework and hand-offs when asked (the
    default)."""
    from ..analysis.analyze import analyze as run_analysis

    found_flows = None
    progress.stage("measuring waiting times")
    if with_flows:
        prepared.session("detail")  # one step table for both (see `PreparedLog.session`)
    result = run_analysis(prepared, top=top)
    prepared.release("lean")  # the flows read their own, detailed step table
    if with_flows:
        from ..analysis.flows import flows as count_flows

        progress.stage("counting variants, rework and hand-offs")
        found_flows = count_flows(prepared, top=top)
    return result, found_flows


def dominant_edge_causes(prepared: Any) -> tuple[tuple[str, str, str, float], ...]:
    """(source, target, dominant waiting cause, its share) per transition with attributable
    waiting; empty when the log has no start times or no resources."""
    event_log = prepared.log
    if not (event_log.has_start_times and event_log.events["resource"].notna().any()):
        return ()
    from ..analysis.causes import CauseOptions, attribute_causes, dominant_causes

    breakdown = attribute_causes(prepared, CauseOptions(estimate_starts=False))
    return tuple(
        (str(r["source"]), str(r["target"]), str(r["cause"]), float(r["share"]))
        for r in dominant_causes(breakdown.transitions).to_dict(orient="records")
    )


def render_outputs(
    result: Any,
    graph_formats: list[str],
    min_share: float,
    max_edges: int | None,
    *,
    time_basis: str = "wall_clock",
    map_settings: dict[str, Any] | None = None,
    deadlines: Any = None,
    procedure_column: str | None = None,
    edge_causes: tuple[tuple[str, str, str, float], ...] | None = None,
    flows: tuple[Any, Any, Any] | None = None,
    words: Any = None,
) -> tuple[dict[str, bytes | str], str | None]:
    """Every output file's content, made in memory before anything is written.

    `deadlines` (an `analysis.deadlines.DeadlineReport`) adds the `deadlines` section and
    deadlines.csv; `edge_causes` colours the arrows by their dominant waiting cause; `flows`
    (variants, rework, hand-offs from `analysis.flows.flows`) adds their fields and CSVs; the
    process map speaks `words` (English calendar time by default) and shows what
    `map_settings` (GraphOptions keywords: activities, paths, fit) choose."""
    from ..render.analysis_document import analysis_document, deadlines_document
    from ..render.graph import GraphOptions, picture_files, process_map
    from ..render.serialize import to_csv, to_json

    document = analysis_document(
        result,
        time_basis=time_basis,
        deadlines=None if deadlines is None else deadlines_document(deadlines, procedure_column),
    )
    if flows is not None:
        from ..render.flows import flows_document, flows_files

        document.update(flows_document(*flows))
    dot, view = process_map(
        result,
        GraphOptions(
            min_share=min_share,
            max_edges=max_edges,
            edge_causes=edge_causes,
            **({} if words is None else {"words": words}),
            **(map_settings or {}),
        ),
    )
    document["map"] = view.document()
    files: dict[str, bytes | str] = {
        "analysis.json": to_json(document),
        "transitions.csv": to_csv(result.transitions),
        "activities.csv": to_csv(result.activities),
    }
    if flows is not None:
        files.update(flows_files(*flows))
    if deadlines is not None:
        files["deadlines.csv"] = to_csv(deadlines.procedures)
    pictures, warning = picture_files({"process": dot}, graph_formats)
    files.update(pictures)
    return files, warning
