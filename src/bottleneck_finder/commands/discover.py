"""The `bottleneck discover` command: process model, variants, rework and hand-offs of a log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import options as opt
from .loading import load_calendar_and_deadline, load_from_params, stem


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck discover event_logs/one_stop_shop_after.csv -o reports/after-model\n"
    "  bottleneck discover PermitLog.xes.gz --miner heuristics --notation petri --format png\n"
    "  bottleneck discover dossiers.csv --reference quy_trinh.bpmn --json\n"
    "  bottleneck discover dossiers.csv --calendar vn\n\n"
    "Writes discovery.json (schema bottleneck/discovery@1), model.bpmn, model.pnml, "
    "variants.csv, rework.csv, handoffs.csv and the pictures model.svg and handoffs.svg "
    "(and the other --format pictures) into the output folder."
)
@click.argument("log", type=click.Path(path_type=Path))
@click.option(
    "--miner",
    type=click.Choice(["inductive", "heuristics", "dfg"]),
    default="inductive",
    show_default=True,
    help="Discovery algorithm (pm4py): inductive miner, heuristics miner, or the "
    "directly-follows graph as a model.",
)
@click.option(
    "--notation",
    type=click.Choice(["bpmn", "petri", "dfg"]),
    default="bpmn",
    show_default=True,
    help="How the model picture is drawn (dfg: the annotated process map).",
)
@click.option(
    "--noise",
    default=0.2,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Inductive miner noise threshold: ignore behaviour rarer than this share.",
)
@click.option(
    "--activities",
    default="25",
    show_default=True,
    help="Mine on the N (or P%) most significant activities, by frequency and waiting; "
    "all: on every activity.",
)
@click.option(
    "--time-limit",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds the miner may take; then a simpler model is mined (IMf on fewer activities, "
    "else the directly-follows graph), and a warning says so.",
)
@click.option(
    "--reference",
    type=click.Path(dir_okay=False, path_type=Path),
    help="BPMN 2.0 file of the procedure as drawn: list where the log deviates from it.",
)
@opt.top_option("Variants to list.")
@click.option(
    "--alignments", is_flag=True, help="Also measure fitness by alignments (slow on big logs)."
)
@opt.output_option("reports/<log name>-model")
@opt.json_option("Print discovery.json to stdout.")
@opt.formats_option("Picture")
@opt.calendar_option
@opt.lang_option()
@opt.quiet_option
@opt.column_options
def discover(
    log: Path,
    miner: str,
    notation: str,
    noise: float,
    activities: str,
    time_limit: float,
    reference: Path | None,
    top: int,
    alignments: bool,
    output: Path | None,
    as_json: bool,
    formats: str,
    calendar_spec: str | None,
    lang: str,
    quiet: bool,
    **params: Any,
) -> None:
    """Discover the process model, its variants, rework and hand-offs, annotated with time."""
    graph_formats = opt.parse_formats(formats)
    from ..analysis.discovery import activity_count

    try:
        activity_count(activities, 1)
    except Exception as exc:
        raise click.BadParameter(
            f"{activities!r} is not N, P% or all", param_hint="--activities"
        ) from exc
    calendar, _ = load_calendar_and_deadline(calendar_spec, None, lang)
    w = opt.words_for(lang, calendar)
    from ..io.read import read_reference_file

    ref = read_reference_file(reference) if reference is not None else None
    progress = opt.Progress(quiet)
    event_log = load_from_params(
        log, params, quiet=quiet, progress=progress, words=w, calendar=calendar
    )
    from ..analysis.discovery import run_discovery
    from ..analysis.mining import ticking
    from ..render.discovery_text import discovery_files, model_warnings, page_fit, summary_text

    # the default activities: a model too wide for a page is mined again on fewer
    source = click.get_current_context().get_parameter_source("activities")
    default = source in (click.core.ParameterSource.DEFAULT, None)
    found = run_discovery(
        event_log,
        miner=miner,
        notation=notation,
        noise=noise,
        top=top,
        alignments=alignments,
        reference=ref,
        progress=progress.stage,
        calendar=calendar,
        activities=None if default else activities,
        time_limit=time_limit,
        fits=page_fit(notation),
    )
    progress.stage("drawing the model")
    with ticking(lambda t: progress.stage(f"drawing the model ({t:.0f} s)")):
        files, warning = discovery_files(found, graph_formats, w)
    folder = output or Path("reports") / f"{stem(log)}-model"
    progress.stage(f"writing {folder}")
    written = opt.write_outputs(
        folder,
        files,
        progress,
        warnings=[warning, *model_warnings(found.model, w)],
        print_json="discovery.json" if as_json else None,
    )
    if written is None:
        return
    click.echo(summary_text(found, w))
    click.echo(w("wrote", files=", ".join(str(p) for p in written)))
