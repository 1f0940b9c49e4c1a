"""The `bottleneck causes` command: why work waits, by cause, per step, activity and resource."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .loading import load_from_params, stem
from .options import OutputPath, Progress, column_options

if TYPE_CHECKING:
    import pandas as pd

CAUSES_SCHEMA = "bottleneck/causes@1"
ENABLED_DEFINITION = (
    "end of the latest earlier activity instance of the same case that ended at or before "
    "this one started"
)


def _cause_dict(row: Mapping[Any, Any], suffix: str) -> dict[str, float]:
    from ..analysis.causes import CAUSES

    return {c: float(row[f"{c}{suffix}"]) for c in CAUSES}


def _rows(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        item: dict[str, Any] = {k: str(row[k]) for k in keys}
        item["count"] = int(row["count"])
        item["cases"] = int(row["cases"])
        item["wait_total_s"] = float(row["wait_total_s"])
        item["causes"] = _cause_dict(row, "_s")
        item["per_case_s"] = _cause_dict(row, "_per_case_s")
        item["shares"] = _cause_dict(row, "_share")
        out.append(item)
    return out


def cause_notes(result: Any) -> list[str]:
    """What the reader should know about the breakdown: time that could not be attributed."""
    from ..render.text import human_duration

    if not result.instances_without_start:
        return []
    return [
        f"{result.instances_without_start:,} activity instances have no start time: the time "
        "before them cannot be told apart from their own work, so it is not attributed to a "
        f"cause ({human_duration(result.unattributed_s)} between steps left unattributed)"
    ]


def causes_document(result: Any) -> dict[str, Any]:
    """The breakdown as the `bottleneck/causes@1` JSON document (see docs/causes.md)."""
    from .. import __version__

    return {
        "schema": CAUSES_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": result.source,
        "time": "wall_clock",
        "enabled_time": ENABLED_DEFINITION,
        "resource_kind": result.resource_kind,
        "availability": result.availability,
        "instances_analyzed": len(result.instances),
        "instances_without_start": result.instances_without_start,
        "unattributed_s": result.unattributed_s,
        "wait_total_s": result.wait_total_s,
        "causes": dict(result.totals_s),
        "notes": cause_notes(result),
        "transitions": _rows(result.transitions, ["source", "target"]),
        "activities": _rows(result.activities, ["activity"]),
        "resources": _rows(result.resources, ["resource"]),
        "ranking": [
            {
                "rank": int(r["rank"]),
                "source": str(r["source"]),
                "target": str(r["target"]),
                "cause": str(r["cause"]),
                "wait_s": float(r["wait_s"]),
                "share_of_total_wait": float(r["share_of_total_wait"]),
                "count": int(r["count"]),
            }
            for r in result.ranking.to_dict(orient="records")
        ],
    }


def _csv_frame(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame[[*keys, *[c for c in frame.columns if c not in keys]]]


SHORT = {
    "batching": "batch",
    "resource_contention": "contention",
    "prioritization": "priority",
    "resource_unavailability": "unavail.",
    "extraneous": "extran.",
}


def causes_table(frame: pd.DataFrame, kind: str, width: int, top: int) -> str:
    """Rows of one aggregate as an aligned table: total wait, then each cause's share."""
    from ..analysis.causes import CAUSES
    from ..render.text import human_duration

    if frame.empty:
        return "(no waiting time between steps)"
    name_width = max(20, width - 18 - 11 * len(CAUSES))
    header = f"{'where work waits':<{name_width}} {'total':>8} {'count':>8}" + "".join(
        f" {SHORT[c]:>10}" for c in CAUSES
    )
    lines = [header, "-" * len(header)]
    for row in frame.head(top).to_dict(orient="records"):
        if kind == "transition":
            name = f"{row['source']} → {row['target']}"
        elif kind == "activity":
            name = f"before {row['activity']}"
        else:
            name = str(row["resource"])
        if len(name) > name_width:
            name = name[: name_width - 1] + "…"
        shares = "".join(f" {row[f'{c}_share']:>10.1%}" for c in CAUSES)
        lines.append(
            f"{name:<{name_width}} {human_duration(row['wait_total_s']):>8} "
            f"{int(row['count']):>8,}{shares}"
        )
    return "\n".join(lines)


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck causes event_logs/one_stop_shop_after.csv -o reports/causes\n"
    "  bottleneck causes log.xes.gz --calendar vn --json\n"
    "  bottleneck causes dossiers.csv --group phong_ban --group-pools\n\n"
    "Writes causes.json (schema bottleneck/causes@1), causes_transitions.csv, "
    "causes_activities.csv and causes_resources.csv into the output folder."
)
@click.argument("log", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    help="Output folder (default: reports/<log name>).",
)
@click.option("--json", "as_json", is_flag=True, help="Print causes.json instead of tables.")
@click.option(
    "--calendar",
    "calendar_spec",
    default="none",
    show_default=True,
    help="Working calendar for resource unavailability: vn, none (learn each resource's "
    "working hours from the log) or a TOML calendar file.",
)
@click.option(
    "--group-pools",
    is_flag=True,
    help="Treat each role/unit (--group column) as one resource pool instead of individuals.",
)
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="Rows shown.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or column announcements.")
@column_options
def causes(
    log: Path,
    output: Path | None,
    as_json: bool,
    calendar_spec: str,
    group_pools: bool,
    top: int,
    quiet: bool,
    **params: Any,
) -> None:
    """Split the waiting time before every step into batching, resource contention,
    prioritization, resource unavailability and extraneous causes."""
    from ..analysis.causes import CauseOptions, attribute_causes
    from ..calendar import load_calendar
    from ..errors import ColumnError

    calendar = load_calendar(calendar_spec)
    progress = Progress(quiet)
    event_log = load_from_params(log, params, quiet=quiet, progress=progress)
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
    result = attribute_causes(event_log, CauseOptions(calendar=calendar, group_pools=group_pools))
    from ..render.data import to_csv, to_json

    document = causes_document(result)
    files: dict[str, bytes | str] = {
        "causes.json": to_json(document),
        "causes_transitions.csv": to_csv(_csv_frame(result.transitions, ["source", "target"])),
        "causes_activities.csv": to_csv(result.activities),
        "causes_resources.csv": to_csv(result.resources),
    }
    folder = output or Path("reports") / stem(log)
    from ..io.write import write_files

    written = write_files(folder, files)
    progress.done()
    if as_json:
        click.echo(files["causes.json"], nl=False)
        return
    from ..render.text import human_duration

    click.echo(
        f"{result.source}: {len(result.instances):,} waiting steps, total wait "
        f"{human_duration(result.wait_total_s)}; availability: {result.availability}"
    )
    if result.wait_total_s > 0:
        parts = ", ".join(
            f"{name} {human_duration(sec)} ({sec / result.wait_total_s:.0%})"
            for name, sec in result.totals_s.items()
        )
        click.echo(f"by cause: {parts}")
    for note in cause_notes(result):
        click.echo(f"note: {note}")
    if not result.has_start_times:
        click.echo(
            "note: without start times no waiting time can be attributed to a cause: give the "
            "start column (--start-timestamp) or a log with start/complete events"
        )
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 100), 160)
    click.echo("")
    click.echo("Top (transition, cause) pairs by waiting time:")
    if result.ranking.empty:
        click.echo("(no waiting time between steps)")
    for r in result.ranking.head(top).to_dict(orient="records"):
        click.echo(
            f"{int(r['rank']):>3}  {r['source']} → {r['target']}: {r['cause']} "
            f"{human_duration(float(r['wait_s']))} ({float(r['share_of_total_wait']):.1%})"
        )
    for kind, frame in (
        ("transition", result.transitions),
        ("activity", result.activities),
        ("resource", result.resources),
    ):
        click.echo("")
        click.echo(f"Waiting time by cause, per {kind} (share of its wait):")
        click.echo(causes_table(frame, kind, width, top))
    click.echo("")
    click.echo(f"wrote {', '.join(str(p) for p in written)}")
