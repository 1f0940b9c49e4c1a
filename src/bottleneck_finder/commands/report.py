"""The `bottleneck report` command: a self-contained HTML, PDF and Markdown report of a log."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from . import options as opt
from .loading import (
    deadline_report_from_params,
    load_calendar_and_deadline,
    load_from_params,
    load_with_columns,
    stem,
)


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck report event_logs/one_stop_shop_after.csv -o reports/after-report\n"
    "  bottleneck report after.csv --compare-with before.csv --lang en --title 'Q3 review'\n"
    "  bottleneck report dossiers.csv --split 2025-06-01\n"
    "  bottleneck report dossiers.csv --deadline 15wd --procedure thu_tuc\n"
    "  bottleneck report dossiers.csv --lang en --calendar vn\n\n"
    "Writes report.html (one self-contained file), report.pdf (A4, needs Chromium), report.md "
    "and figures/ (every graph and plot as SVG and PNG); deadlines.json with --deadline or "
    "--deadline-column. In Vietnamese durations are counted in working days of the vn "
    "calendar unless --calendar none. Officers appear as pseudonyms and case "
    "identifiers never appear unless --no-anonymize is given."
)
@click.argument("log", type=click.Path(path_type=Path))
@opt.output_option("reports/<log name>-report")
@opt.lang_option(default="vi", text="Language of every heading, sentence, legend and unit.")
@click.option("--title", help="Title on the first page (default: 'Báo cáo điểm nghẽn quy trình').")
@click.option(
    "--anonymize/--no-anonymize",
    default=True,
    show_default=True,
    help="Show officers as pseudonyms (Cán bộ 07). --no-anonymize shows names and says so on "
    "the first page.",
)
@opt.min_unit_size_option(
    "Anonymized, a unit with fewer officers is shown as 'other units' beside an officer, so "
    "that no one is recognised by their unit."
)
@click.option(
    "--split",
    help="Compare the log before and after a date (YYYY-MM-DD), or 'auto' for a detected change.",
)
@click.option(
    "--compare-with",
    "compare_with",
    type=click.Path(path_type=Path),
    help="Compare with another log (the 'before' log; LOG is 'after').",
)
@click.option("--no-pdf", is_flag=True, help="Do not print report.pdf (no Chromium needed).")
@click.option(
    "--skip",
    default="",
    help="Parts to leave out, comma-separated: drift, causes, flows, model (faster on big logs).",
)
@opt.top_option("Bottlenecks to rank.")
@opt.map_options
@opt.calendar_option
@opt.deadline_option
@opt.deadline_column_option
@opt.procedure_option
@opt.quiet_option
@opt.column_options
def report(
    log: Path,
    output: Path | None,
    lang: str,
    title: str | None,
    anonymize: bool,
    min_unit_size: int,
    split: str | None,
    compare_with: Path | None,
    no_pdf: bool,
    skip: str,
    top: int,
    map_activities: Any,
    map_paths: Any,
    calendar_spec: str | None,
    deadline: str | None,
    deadline_column: str | None,
    procedure: str | None,
    quiet: bool,
    **params: Any,
) -> None:
    """Write a report a director can read: summary, map, tables, charts, methods, data."""
    import pandas as pd

    from ..io.write import write_files
    from ..prepared import PreparedLog
    from ..reporting import ReportOptions, make_report
    from ..reporting.parts import PARTS

    if split and compare_with:
        raise click.UsageError("give either --split or --compare-with, not both")
    skipped = tuple(p.strip().lower() for p in skip.split(",") if p.strip())
    unknown = [p for p in skipped if p not in PARTS]
    if unknown:  # before reading the log: a typo should not cost the whole analysis
        raise click.BadParameter(
            f"unknown part {', '.join(unknown)}; choose from {', '.join(PARTS)}",
            param_hint="--skip",
        )
    calendar, parsed_deadline = load_calendar_and_deadline(calendar_spec, deadline, lang)
    if procedure and not (deadline or deadline_column):
        raise click.UsageError("--procedure needs --deadline or --deadline-column")
    progress = opt.Progress(quiet)
    asked = parsed_deadline is not None or bool(deadline_column)
    extra = list(dict.fromkeys(c for c in (deadline_column, procedure) if c))

    def load(path: Path, label: str = "") -> tuple[Any, Any]:
        """One log and, with a deadline, its deadline report as `analyze --deadline` makes it."""
        if not asked:
            found = load_from_params(
                path,
                params,
                quiet=quiet,
                progress=progress,
                label=label,
                calendar=calendar,
                lang=lang,
            )
            return found, None
        found, values = load_with_columns(
            path,
            params,
            extra,
            quiet=quiet,
            progress=progress,
            calendar=calendar,
            label=label,
            lang=lang,
        )
        progress.stage("checking deadlines")
        return found, deadline_report_from_params(
            found, values, parsed_deadline, deadline_column, procedure, calendar, params
        )

    event_log, due = load(log)
    other_log, other_due = load(compare_with, "before: ") if compare_with else (None, None)
    options = ReportOptions(
        lang=lang,
        title=title,
        anonymize=anonymize,
        min_unit_size=min_unit_size,
        top=top,
        calendar=calendar,
        activities=map_activities,
        paths=map_paths,
        procedure_column=procedure,
    )
    with contextlib.ExitStack() as logs:  # one prepared log per log, closed once measured
        prepared = logs.enter_context(PreparedLog(event_log, calendar=calendar))
        other = None
        if other_log is not None:
            other = logs.enter_context(PreparedLog(other_log, calendar=calendar))
        built = make_report(
            prepared,
            options,
            other=other,
            split=split,
            skip=skipped,
            generated_at=pd.Timestamp.now(tz="UTC"),
            pdf=not no_pdf,
            progress=progress.stage,
            deadlines=None if due is None else (due, other_due),
        )
    folder = output or Path("reports") / f"{stem(log)}-report"
    progress.stage(f"writing {folder}")
    files = {**{f"figures/{name}": data for name, data in built.figures.items()}, **built.files}
    written = write_files(folder, files)  # the figures and the report: all or none
    progress.done()
    for note in built.notes:
        click.echo(f"note: {note}", err=True)
    if built.pdf_warning:
        click.echo(f"warning: {built.pdf_warning}", err=True)
    if not anonymize:
        click.echo(
            "warning: the report is NOT anonymized (--no-anonymize): it may contain officers' "
            "names; its first page says so",
            err=True,
        )
    if not quiet:
        click.echo(f"wrote {folder / 'report.html'} and {len(written) - 1} more files in {folder}")
