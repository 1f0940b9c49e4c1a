"""The `bottleneck causes` command: why work waits, by cause, per step, activity and resource."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from . import options as opt
from .loading import load_from_params, stem


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck causes event_logs/one_stop_shop_after.csv -o reports/causes\n"
    "  bottleneck causes log.xes.gz --calendar vn --json\n"
    "  bottleneck causes dossiers.csv --group phong_ban --group-pools\n"
    "  bottleneck causes PermitLog.xes.gz --resource org:role --no-estimate\n\n"
    "Writes causes.json (schema bottleneck/causes@1), causes_transitions.csv, "
    "causes_activities.csv and causes_resources.csv into the output folder."
)
@click.argument("log", type=click.Path(path_type=Path))
@opt.output_option("reports/<log name>")
@opt.json_option("Print causes.json instead of tables.")
@click.option(
    "--calendar",
    "calendar_spec",
    default=None,
    help="Working calendar for resource unavailability: vn, none (learn each resource's "
    "working hours from the log) or a TOML calendar file (default: vn with --lang vi, else "
    "none).",
)
@click.option(
    "--group-pools",
    is_flag=True,
    help="Treat each role/unit (--group column) as one resource pool instead of individuals.",
)
@click.option(
    "--batch-gap",
    default="0",
    show_default=True,
    help="Longest break between one member of a batch ending and the next starting, e.g. "
    "0, 5min, 1h (sequential batches; docs/causes.md).",
)
@click.option(
    "--batch-min-size",
    type=click.IntRange(min=2),
    default=2,
    show_default=True,
    help="Fewest activity instances that make a batch.",
)
@click.option(
    "--no-estimate",
    is_flag=True,
    help="Do not estimate missing start times: instances without one are left unattributed "
    "(docs/causes.md, 'Without start times').",
)
@opt.top_option("Rows shown.")
@opt.lang_option()
@opt.quiet_option
@opt.column_options
def causes(
    log: Path,
    output: Path | None,
    as_json: bool,
    calendar_spec: str | None,
    group_pools: bool,
    batch_gap: str,
    batch_min_size: int,
    no_estimate: bool,
    top: int,
    lang: str,
    quiet: bool,
    **params: Any,
) -> None:
    """Split the waiting time before every step into batching, resource contention,
    prioritization, resource unavailability and extraneous causes."""
    from ..analysis.causes import CauseOptions, attribute_causes
    from ..analysis.durations import parse_duration
    from ..calendar import load_calendar
    from ..errors import ColumnError

    gap_s = 0.0 if batch_gap.strip() in ("0", "0s") else parse_duration(batch_gap)
    calendar = load_calendar(opt.calendar_spec(calendar_spec, lang))
    w = opt.words_for(lang)  # the breakdown is in wall-clock time, with or without a calendar
    progress = opt.Progress(quiet)
    event_log = load_from_params(
        log, params, quiet=quiet, progress=progress, words=w, calendar=calendar
    )
    if group_pools and event_log.events["group"].isna().all():
        raise ColumnError(
            "--group-pools needs a group (role/unit) column and the log has none",
            fix="name it with --group COLUMN",
            source=str(log),
        )
    if not group_pools and event_log.events["resource"].isna().all():
        raise ColumnError(
            "waiting causes need to know who did each step and the log has no resource column",
            fix="name it with --resource COLUMN, or use a role/unit column with --group COLUMN "
            "--group-pools",
            source=str(log),
        )
    progress.stage("attributing waiting time to causes")
    options = CauseOptions(
        calendar=calendar,
        group_pools=group_pools,
        batch_gap_s=gap_s,
        batch_min_size=batch_min_size,
        estimate_starts=not no_estimate,
    )
    result = attribute_causes(event_log, options)
    from ..render.causes_text import causes_files, causes_text

    files = causes_files(result)
    folder = output or Path("reports") / stem(log)
    written = opt.write_outputs(
        folder, files, progress, print_json="causes.json" if as_json else None
    )
    if written is None:
        return
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 100), 160)
    click.echo(causes_text(result, top=top, width=width, words=w))
    click.echo("")
    click.echo(w("wrote", files=", ".join(str(p) for p in written)))
