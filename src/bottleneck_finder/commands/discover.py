"""The `bottleneck discover` command: process model, variants, rework and hand-offs of a log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..render.flows import flows_document, flows_files, flows_text, json_rows
from .loading import load_calendar_and_deadline, load_from_params, stem, time_basis
from .options import OutputPath, Progress, calendar_option, column_options, parse_formats

DISCOVERY_SCHEMA = "bottleneck/discovery@1"


@dataclass(frozen=True)
class Discovery:
    """Everything `bottleneck discover` computes about one log."""

    analysis: Any
    model: Any
    notation: str
    variants: Any
    rework: Any
    handoffs: Any
    conformance: Any | None
    reference: str | None
    calendar: Any = None  # the WorkCalendar of the time annotations, or None (wall clock)


def run_discovery(
    log: Any,
    *,
    miner: str = "inductive",
    notation: str = "bpmn",
    noise: float = 0.2,
    top: int = 10,
    alignments: bool = False,
    reference: tuple[str, bytes] | None = None,
    progress: Progress | None = None,
    calendar: Any = None,
) -> Discovery:
    """Analyze, mine and measure `log` in one engine session (pure: no files, no printing).

    With a `calendar` (a `calendar.WorkCalendar`) every time annotation (waits, work, variant
    durations, rework and hand-off waits) is working time; the model is mined from the real
    order of the events and the first and last event are real dates."""
    from ..analysis.analyze import analyze
    from ..analysis.conformance import conformance, read_reference
    from ..analysis.discover import discover, log_variants
    from ..analysis.flows import handoffs, rework, variants
    from ..prepared import PreparedLog

    def stage(text: str) -> None:
        if progress is not None:
            progress.stage(text)

    ref = None
    if reference is not None:
        ref = read_reference(reference[1], source=reference[0])
    with PreparedLog(log, calendar=calendar) as prepared:
        stage("measuring waiting times")
        analysis = analyze(prepared, top=top)
        stage("counting variants, rework and hand-offs")
        found_variants = variants(prepared, top=top)
        found_rework = rework(prepared)
        found_handoffs = handoffs(prepared)
        stage(f"mining the process model ({miner})")
        model = discover(prepared, miner=miner, noise=noise, alignments=alignments)
        checked = None
        if ref is not None:
            stage("aligning the log with the reference model")
            checked = conformance(log_variants(prepared), ref[1], ref[2], ref[3])
    return Discovery(
        analysis=analysis,
        model=model,
        notation=notation,
        variants=found_variants,
        rework=found_rework,
        handoffs=found_handoffs,
        conformance=checked,
        reference=None if reference is None else reference[0],
        calendar=calendar,
    )


def discovery_document(found: Discovery) -> dict[str, Any]:
    """The `bottleneck/discovery@1` JSON document (see docs/discover.md)."""
    from .. import __version__

    m = found.model
    doc: dict[str, Any] = {
        "schema": DISCOVERY_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": found.analysis.source,
        # without a calendar the document is as it was
        "time_basis": time_basis(found.calendar),
        "model": {
            "miner": m.miner,
            "notation": found.notation,
            "fitness": m.fitness,
            "precision": m.precision,
            "mined_from": m.source,
            "noise": m.noise,
            "quality_method": "token-based replay",
            "replayed_cases": m.replayed_cases,
            "cases": m.cases,
            "alignment_fitness": m.alignment_fitness,
            "notes": list(m.notes),
        },
        **flows_document(found.variants, found.rework, found.handoffs),
        "reference": None,
    }
    c = found.conformance
    if c is not None:
        doc["reference"] = {
            "file": found.reference,
            "fitness": c.fitness,
            "cases": c.cases,
            "fitting_cases": c.fitting_cases,
            "cases_skipping_steps": c.cases_skipping,
            "cases_adding_steps": c.cases_adding,
            "deviations": json_rows(
                c.deviations,
                ["activity", "in_model", "added", "added_cases", "skipped", "skipped_cases"],
            ),
        }
    return doc


def discovery_files(
    found: Discovery, graph_formats: list[str]
) -> tuple[dict[str, bytes | str], str | None]:
    """Every output file's content, made in memory before anything is written."""
    from ..analysis.discover import bpmn_graph, petri_graph
    from ..render.data import to_csv, to_json
    from ..render.graph import GraphOptions, picture_files, process_dot
    from ..render.model_graph import handoff_dot, model_dot

    m = found.model
    files: dict[str, bytes | str] = {
        "discovery.json": to_json(discovery_document(found)),
        "model.bpmn": m.bpmn_xml,
        "model.pnml": m.pnml,
    }
    files.update(flows_files(found.variants, found.rework, found.handoffs))
    if found.conformance is not None:
        files["deviations.csv"] = to_csv(found.conformance.deviations)
    if found.notation == "bpmn":
        dot = model_dot(bpmn_graph(m.bpmn), found.analysis)
    elif found.notation == "petri":
        dot = model_dot(petri_graph(m.net, m.initial, m.final), found.analysis)
    else:
        dot = process_dot(found.analysis, GraphOptions())
    dots = {"model": dot}
    if len(found.handoffs.pairs):
        dots["handoffs"] = handoff_dot(found.handoffs.pairs, level=found.handoffs.level)
    pictures, warning = picture_files(dots, graph_formats)
    files.update(pictures)
    return files, warning


def _read_reference(path: Path) -> tuple[str, bytes]:
    from ..analysis.conformance import ReferenceModelError

    try:
        return str(path), path.read_bytes()
    except OSError as exc:
        raise ReferenceModelError(
            f"cannot be read ({exc.strerror or exc})",
            fix="give the path of a BPMN 2.0 file (.bpmn)",
            source=str(path),
        ) from exc


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
    "--reference",
    type=click.Path(dir_okay=False, path_type=Path),
    help="BPMN 2.0 file of the procedure as drawn: list where the log deviates from it.",
)
@click.option(
    "--top", default=10, show_default=True, type=click.IntRange(1), help="Variants to list."
)
@click.option(
    "--alignments", is_flag=True, help="Also measure fitness by alignments (slow on big logs)."
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    help="Output folder (default: reports/<log name>-model).",
)
@click.option("--json", "as_json", is_flag=True, help="Print discovery.json to stdout.")
@click.option(
    "--format",
    "formats",
    default="svg",
    show_default=True,
    help="Picture formats, comma-separated: svg,png,pdf,dot.",
)
@calendar_option
@click.option("-q", "--quiet", is_flag=True, help="No progress or column announcements.")
@column_options
def discover(
    log: Path,
    miner: str,
    notation: str,
    noise: float,
    reference: Path | None,
    top: int,
    alignments: bool,
    output: Path | None,
    as_json: bool,
    formats: str,
    calendar_spec: str,
    quiet: bool,
    **params: Any,
) -> None:
    """Discover the process model, its variants, rework and hand-offs, annotated with time."""
    graph_formats = parse_formats(formats)
    calendar, _ = load_calendar_and_deadline(calendar_spec, None)
    ref = _read_reference(reference) if reference is not None else None
    progress = Progress(quiet)
    event_log = load_from_params(log, params, quiet=quiet, progress=progress)
    found = run_discovery(
        event_log,
        miner=miner,
        notation=notation,
        noise=noise,
        top=top,
        alignments=alignments,
        reference=ref,
        progress=progress,
        calendar=calendar,
    )
    progress.stage("drawing the model")
    files, warning = discovery_files(found, graph_formats)
    folder = output or Path("reports") / f"{stem(log)}-model"
    progress.stage(f"writing {folder}")
    from ..io.write import write_files

    written = write_files(folder, files)
    progress.done()
    if warning:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(files["discovery.json"], nl=False)
        return
    click.echo(summary_text(found))
    click.echo(f"wrote {', '.join(str(p) for p in written)}")


def summary_text(found: Discovery) -> str:
    """The terminal report: model quality, top variants, rework, hand-offs, conformance."""

    m = found.model
    lines: list[str] = []
    fit = "–" if m.fitness is None else f"{m.fitness:.3f}"
    prec = "–" if m.precision is None else f"{m.precision:.3f}"
    noise = f", noise {m.noise:g}" if m.miner == "inductive" else ""
    lines.append(
        f"Model: {m.miner} miner{noise}, mined from the {m.source}; token-based replay "
        f"fitness {fit}, precision {prec} ({m.replayed_cases:,} of {m.cases:,} cases replayed)"
    )
    if m.alignment_fitness is not None:
        lines.append(f"Alignment fitness: {m.alignment_fitness:.3f}")
    lines += [f"note: {note}" for note in m.notes]
    if found.calendar is not None:
        cal = found.calendar
        lines.append(
            f"durations are working time (calendar {cal.name}; "
            f"1 wd = {cal.workday_seconds / 3600:g} h of work); dates are real dates"
        )
    lines.append("")
    lines.append(flows_text(found.variants, found.rework, found.handoffs))
    c = found.conformance
    if c is not None:
        lines.append("")
        lines.append(
            f"Against {found.reference}: fitness {c.fitness:.3f}; {c.fitting_cases:,} of "
            f"{c.cases:,} cases follow it, {c.cases_skipping:,} skip steps, "
            f"{c.cases_adding:,} add steps"
        )
        for r in c.deviations.to_dict(orient="records"):
            note = "" if r["in_model"] else " (not in the procedure)"
            parts = []
            if r["added"]:
                parts.append(f"added {r['added']:,}× in {r['added_cases']:,} cases")
            if r["skipped"]:
                parts.append(f"skipped {r['skipped']:,}× in {r['skipped_cases']:,} cases")
            lines.append(f"  {r['activity']}{note}: {', '.join(parts)}")
    return "\n".join(lines)
