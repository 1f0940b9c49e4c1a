"""The `bottleneck drift` command: when waiting, throughput, arrivals or the flow changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import options as opt
from .loading import (
    in_engine_wanted,
    load_calendar_and_deadline,
    load_from_params,
    load_in_engine,
    source_stem,
)

METRIC_CHOICES = ("wait", "throughput", "arrivals", "flow", "all")


def _granularity(value: str | None) -> tuple[str, int | None] | None:
    """`day`, `week` or `cases:N` as (granularity, cases per bin)."""
    from ..analysis.drift_model import MIN_BIN_CASES

    if value is None:
        return None
    if value in ("day", "week"):
        return value, None
    kind, _, size = value.partition(":")
    if kind == "cases" and size.isdigit() and int(size) >= MIN_BIN_CASES:
        return "cases", int(size)
    raise click.BadParameter(
        f"{value!r}: use day, week or cases:N with N at least {MIN_BIN_CASES} "
        "(bins of N cases, e.g. cases:50)"
    )


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck drift event_logs/one_stop_shop_rollout.csv\n"
    "  bottleneck drift PermitLog.xes.gz --metric arrivals --granularity week -o reports/permit\n"
    "  bottleneck drift dossiers.csv --calendar vn\n"
    "  bottleneck drift three_weeks.csv --granularity cases:50\n"
    "  bottleneck drift postgresql://analyst@db/office --table events\n\n"
    "Writes drift.json (schema bottleneck/drift@1), drift.png and drift.svg into the output "
    "folder. Granularity by default: weeks when the log spans at least 12 weeks, else days."
)
@click.argument("log", type=click.Path())  # as typed: a URL keeps its "//"
@click.option(
    "--metric",
    type=click.Choice(METRIC_CHOICES),
    default="all",
    show_default=True,
    help="Which series to search for change points.",
)
@click.option(
    "--granularity",
    callback=lambda _ctx, _param, value: _granularity(value),
    metavar="day|week|cases:N",
    help="Period of the series: day, week, or bins of N cases each (cases:N, for short or "
    "irregular logs). Default: week if the log spans 12 weeks or more, else day.",
)
@opt.output_option("reports/<log name>")
@opt.json_option("Print drift.json to stdout instead.")
@opt.calendar_option
@opt.engine_options
@opt.source_options
@opt.lang_option()
@opt.quiet_option
@opt.column_options
def drift(
    log: str,
    metric: str,
    granularity: tuple[str, int | None] | None,
    output: Path | None,
    as_json: bool,
    calendar_spec: str | None,
    lang: str,
    quiet: bool,
    memory_limit: str,
    temp_dir: Path | None,
    in_engine: bool,
    table: str | None,
    query: str | None,
    **params: Any,
) -> None:
    """Find the dates at which waiting times, throughput, arrivals or the flow changed."""
    opt.apply_engine_options(memory_limit, temp_dir, params)
    calendar, _ = load_calendar_and_deadline(calendar_spec, None, lang)
    w = opt.words_for(lang, calendar)
    english = opt.words_for("en", calendar)  # drift.json's descriptions, whatever --lang
    progress = opt.Progress(quiet)
    from ..prepared import PreparedLog

    if params.get("order_by") and not in_engine_wanted(log, in_engine, table, query):
        raise click.UsageError("--order-by orders the --table of a postgresql:// log")
    if in_engine_wanted(log, in_engine, table, query):
        read, holding = load_in_engine(
            log, params, table, query, quiet=quiet, progress=progress, words=w, calendar=calendar
        )
        event_log = PreparedLog(read, holding=holding)
    else:
        event_log = PreparedLog(
            load_from_params(
                Path(log), params, quiet=quiet, progress=progress, words=w, calendar=calendar
            ),
            calendar=calendar,
        )

    from ..analysis.drift import METRIC_GROUPS
    from ..analysis.drift import drift as run_drift
    from ..render.drift_plot import drift_pictures
    from ..render.drift_text import drift_document, drift_text
    from ..render.serialize import to_json

    metrics = METRIC_GROUPS if metric == "all" else (metric,)
    progress.stage("looking for change points")
    with event_log:
        result = run_drift(
            event_log,
            metrics=metrics,
            granularity=granularity[0] if granularity else None,  # type: ignore[arg-type]
            calendar=calendar,
            bin_cases=granularity[1] if granularity else None,
        )
    progress.stage("drawing the series")
    files: dict[str, bytes | str] = {
        "drift.json": to_json(drift_document(result, english)),
        **{f"drift.{fmt}": data for fmt, data in drift_pictures(result, ("png", "svg"), w).items()},
    }
    folder = output or Path("reports") / source_stem(str(log), table)
    progress.stage(f"writing {folder}")
    written = opt.write_outputs(
        folder, files, progress, print_json="drift.json" if as_json else None
    )
    if written is None:
        return
    click.echo(drift_text(result, w))
    click.echo("")
    click.echo(w("wrote", files=", ".join(str(p) for p in written)))
