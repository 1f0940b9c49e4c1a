"""The `bottleneck explore` command: the process map in the browser, with sliders and filters."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ..columns import ROLE_HELP
from . import options as opt
from .loading import load_calendar_and_deadline, load_from_params, load_with_columns

COLUMN_FLAGS = {
    **ROLE_HELP,
    "columns_file": "--columns",
    "milestones": "--milestones",
    "timestamp_format": "--timestamp-format",
    "tz": "--tz",
    "encoding": "--encoding",
    "sheet": "--sheet",
}
"""The column options repeated in the equivalent `report` command line."""


def column_args(params: dict[str, Any]) -> tuple[str, ...]:
    """The column options given, as command-line words (for the equivalent command)."""
    out: list[str] = []
    for key, flag in COLUMN_FLAGS.items():
        if params.get(key) is not None:
            out += [flag, str(params[key])]
    for key in ("bad_rows", "duplicates"):
        default = "fail" if key == "bad_rows" else "keep"
        if params.get(key) not in (None, default):
            out += [f"--{key.replace('_', '-')}", str(params[key])]
    if params.get("merge_traces"):
        out.append("--merge-traces")
    return tuple(out)


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck explore event_logs/one_stop_shop_after.csv --attribute thu_tuc\n"
    "  bottleneck explore dossiers.csv --case ma_ho_so --port 8765 --no-browser\n"
    "  bottleneck explore event_logs/08_receipt.xes.gz --event-attribute org:group\n"
    "  bottleneck explore event_logs/one_stop_shop_rollout.csv --split 2025-04-14\n"
    "  bottleneck explore event_logs/one_stop_shop_after.csv "
    "--compare-with event_logs/one_stop_shop_before.csv\n\n"
    "Serves the page on 127.0.0.1 only, with a random token in its address; nothing is "
    "fetched from the internet. Case ids and officers are pseudonyms unless --no-anonymize."
)
@click.argument("log", type=click.Path(path_type=Path))
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    help="A case column to filter on (e.g. thu_tuc, the procedure); repeat for more. Officers "
    "and units are always offered.",
)
@click.option(
    "--event-attribute",
    "event_attributes",
    multiple=True,
    help="An event column to filter on (e.g. channel, org:group): keeps the cases with at least "
    "one event of a value, or only those events; repeat for more.",
)
@click.option(
    "--split",
    metavar="DATE|auto",
    help="Explore two periods of LOG, cases starting before DATE and from DATE on (as compare "
    "--split; 'auto': the strongest change point): a Before | After | Difference toggle.",
)
@click.option(
    "--compare-with",
    "compare_with",
    type=click.Path(path_type=Path),
    metavar="BEFORE",
    help="Explore LOG as the after period of the log BEFORE (read with the same column "
    "options): a Before | After | Difference toggle.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one)."
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@click.option(
    "--anonymize/--no-anonymize",
    default=True,
    show_default=True,
    help="Show case ids and officers as pseudonyms (Case 17, Officer 03), as the report does.",
)
@opt.top_option("Bottlenecks marked on the map (#1, #2, …).")
@opt.lang_option()
@opt.calendar_option
@opt.quiet_option
@opt.column_options
def explore(
    log: Path,
    attributes: tuple[str, ...],
    event_attributes: tuple[str, ...],
    split: str | None,
    compare_with: Path | None,
    port: int,
    no_browser: bool,
    anonymize: bool,
    top: int,
    lang: str,
    calendar_spec: str | None,
    quiet: bool,
    **params: Any,
) -> None:
    """Explore the process map in the browser: sliders, metric, filters, drill-down."""
    from ..analysis.deadlines import case_column
    from ..explore.facts import event_values
    from ..explore.server import ExploreServer
    from ..explore.session import ExploreOptions, Explorer

    if split is not None and compare_with is not None:
        raise click.UsageError("give --split or --compare-with, not both")
    spec = opt.calendar_spec(calendar_spec, lang)
    calendar, _ = load_calendar_and_deadline(spec, None, lang)
    w = opt.words_for(lang, calendar)
    progress = opt.Progress(quiet)
    wanted = list(dict.fromkeys(attributes))
    per_event = [c for c in dict.fromkeys(event_attributes) if c not in wanted]
    if len(per_event) < len(set(event_attributes)):
        raise click.UsageError("a column is either a case --attribute or an --event-attribute")
    values: dict[str, Any] = {}
    loading = {"quiet": quiet, "progress": progress, "calendar": calendar, "lang": lang}
    if wanted or per_event:
        event_log, values = load_with_columns(log, params, wanted + per_event, **loading)
    else:
        event_log = load_from_params(log, params, **loading)
    before_log, before_values = None, dict[str, Any]()
    if compare_with is not None:
        if wanted or per_event:
            before_log, before_values = load_with_columns(
                compare_with, params, wanted + per_event, **loading
            )
        else:
            before_log = load_from_params(compare_with, params, **loading)
    progress.stage("measuring the whole log")
    options = ExploreOptions(
        words=w,
        anonymize=anonymize,
        top=top,
        log_path=str(log),
        column_args=column_args(params),
        calendar_spec=spec,
    )
    columns = {c: case_column(event_log, values[c]) for c in wanted}
    others = [] if before_log is None else [before_log]
    at_events = {c: event_values(event_log, values[c]) for c in per_event}
    explorer = Explorer(event_log, options, columns, calendar, others, at_events)
    comparer = None
    if split is not None or before_log is not None:
        from ..explore.compare_view import Comparer

        before = None
        if before_log is not None:
            columns = {c: case_column(before_log, before_values[c]) for c in wanted}
            at_events = {c: event_values(before_log, before_values[c]) for c in per_event}
            before_options = replace(options, log_path=str(compare_with))
            before = Explorer(before_log, before_options, columns, calendar, [event_log], at_events)
        at, said = _split_at(explorer, split, progress) if split is not None else (None, None)
        comparer = Comparer(
            explorer, at=at, description=said, before=before, before_path=str(compare_with)
        )
    try:
        server = ExploreServer(explorer, port=port, comparer=comparer)
    except OSError as exc:
        explorer.close()
        if comparer is not None and comparer.before is not None:
            comparer.before.close()
        raise click.UsageError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})") from exc
    progress.done()
    click.echo(w("ex_serving", url=server.url))
    if not anonymize:
        click.echo(w("ex_not_anonymized"), err=True)
    if not no_browser:
        import webbrowser

        webbrowser.open(server.url)
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(explorer.close)
        if comparer is not None and comparer.before is not None:
            cleanup.callback(comparer.before.close)
        cleanup.callback(server.server_close)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo(w("ex_stopped"), err=True)


def _split_at(explorer: Any, split: str, progress: Any) -> tuple[Any, str | None]:
    """The split date of `--split` as compare reads it (UTC) and, for `auto`, why it was chosen;
    a date outside the log is a usage error here, before the page opens."""
    import pandas as pd

    from ..analysis.compare import SplitDateError, to_utc

    log = explorer.full.log
    if split.strip().lower() == "auto":
        from ..analysis.drift import split_date
        from ..render.drift_text import describe

        progress.stage("looking for the strongest change point")
        # as compare --split auto: found and told on the wall clock whatever the calendar
        point = split_date(explorer.full if explorer.full.calendar is None else log)
        return to_utc(point.date, log.display_tz), describe(point, log.display_tz, explorer.words)
    try:
        at = to_utc(split, log.display_tz, log.timestamp_format)
    except SplitDateError as exc:
        raise click.BadParameter(exc.one_line(), param_hint="--split") from exc
    first = explorer.facts.first_us
    if not int(first.min()) < int(at.value // 1000) <= int(first.max()):
        from ..timeunits import local_time

        raise click.BadParameter(
            f"{split} is outside the cases of the log, which start from "
            f"{local_time(pd.Timestamp(int(first.min()), unit='us', tz='UTC'), log.display_tz)} "
            f"to {local_time(pd.Timestamp(int(first.max()), unit='us', tz='UTC'), log.display_tz)}",
            param_hint="--split",
        )
    return at, None
