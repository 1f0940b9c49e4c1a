"""The `bottleneck report` document: sections built from results, rendered to HTML, PDF and MD.

`measure` gathers one log's results from the analyses (`measures.py`), `parts.optional_parts`
runs the optional analyses on the same prepared log (`results.py` types what they return);
`build_report` turns them into every output file's content in memory and the command writes
them. Sections are pure functions of a `Context` (see `model.py`, `sections.py` and the
`section_*.py` modules); an optional analysis contributes sections through `extra_sections`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..prepared import PreparedLog
from ..render.text import clock_text
from .chromium import ChromiumError, find_chromium, html_to_pdf
from .documents import result_documents
from .measures import ReportData, measure
from .model import Context, ReportOptions, Section, SectionBuilder
from .parts import Deadlines
from .privacy import officer_namer, unit_namer
from .render import build_sections, render
from .results import OptionalResults
from .sections import period

__all__ = [
    "ReportData",
    "ReportFiles",
    "ReportOptions",
    "build_report",
    "make_context",
    "make_report",
    "measure",
]


@dataclass(frozen=True)
class ReportFiles:
    """Every output file's content: `files` go in the output folder, `figures` in figures/.

    `pdf_warning` says why report.pdf is missing, when it is.
    """

    files: dict[str, bytes | str]
    figures: dict[str, bytes | str]
    sections: tuple[Section, ...]
    pdf_warning: str | None
    notes: tuple[str, ...] = ()
    """The optional parts left out, and why."""


def make_context(
    data: ReportData,
    options: ReportOptions,
    *,
    results: OptionalResults | None = None,
    others: Sequence[ReportData] = (),
) -> Context:
    """The section builders' context; officers are numbered over `data` and `others`."""
    words = options.words()
    namer = officer_namer([d.officers for d in (data, *others)], words, anonymize=options.anonymize)
    return Context(
        words=words,
        options=options,
        data=data,
        officer=namer,
        results=results or OptionalResults(),
        unit=unit_namer(
            [d.unit_members for d in (data, *others)],
            words,
            anonymize=options.anonymize,
            k=options.min_unit_size,
        ),
    )


def build_report(
    ctx: Context,
    *,
    generated_at: pd.Timestamp,
    extra_sections: Sequence[SectionBuilder] = (),
    pdf: bool = True,
    chromium: str | None = None,
    progress: Callable[[str], None] = lambda _stage: None,
) -> ReportFiles:
    """All report files in memory: HTML, Markdown, figures, and the PDF when Chromium exists;
    `progress` hears each section drawn and the PDF's printing.

    Everything but the generation time in `generated_at` is a function of the results, so two
    runs give the same bytes (the PDF's own creation date aside).
    """
    w = ctx.words
    data = ctx.data
    sections = build_sections(ctx, extra_sections, progress)
    title = ctx.options.title or w("default_title")
    source = Path(data.analysis.source).name
    subtitle = [w("source_line", source=source, period=period(ctx, data))]
    subtitle += list(ctx.results.subtitle)
    subtitle.append(clock_text(w, ctx.options.calendar))  # detailed under Methods
    stamp = generated_at.tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")
    rendered = render(
        ctx,
        sections,
        title=title,
        subtitle=subtitle,
        generated=w("generated", when=stamp, version=__version__),
        version=__version__,
    )
    files: dict[str, bytes | str] = {"report.html": rendered.html, "report.md": rendered.markdown}
    if ctx.results.ontime is not None:  # the on-time figures of the first page, as JSON
        from ..render.deadline_text import ontime_document
        from ..render.serialize import to_json

        document = ontime_document(ctx.results.ontime, ctx.options.procedure_column)
        files["deadlines.json"] = to_json(document)
    files.update(result_documents(ctx))  # the figures of the report, as the commands write them
    warning = None
    if pdf:
        exe = chromium or find_chromium()
        if exe is None:
            warning = (
                "Chromium is not installed, so report.pdf was not made (report.html, report.md "
                "and figures/ were) — run scripts/ensure-chromium.sh or apt-get install chromium"
            )
        else:
            progress("drawing the report: printing report.pdf with Chromium")
            try:
                files["report.pdf"] = html_to_pdf(rendered.html, exe)
            except ChromiumError as error:
                warning = f"report.pdf was not made: {error.one_line()}"
    return ReportFiles(
        files=files, figures=rendered.figures, sections=sections, pdf_warning=warning
    )


def with_options(ctx: Context, **changes: Any) -> Context:
    """The context with some report options changed."""
    return replace(ctx, options=replace(ctx.options, **changes))


def make_report(
    log: PreparedLog,
    options: ReportOptions,
    *,
    other: PreparedLog | None = None,
    split: str | None = None,
    skip: tuple[str, ...] = (),
    generated_at: pd.Timestamp,
    pdf: bool = True,
    progress: Callable[[str], None] = lambda _stage: None,
    deadlines: Deadlines | None = None,
) -> ReportFiles:
    """The whole report of a prepared log, in memory: its measures, the optional parts (the
    comparison with `other`, the "before" log, or around `split`; drift, causes, flows, the
    model, less those in `skip`; the on-time figures with `deadlines`, the deadline reports
    of the log and of `other`), then every file. `progress` hears each stage's name."""
    from .parts import optional_parts

    progress("measuring waiting times")
    data = measure(log, top=options.top)
    log.release("lean")  # the bottleneck ranking's own step table
    progress("comparing and looking for causes")
    parts = optional_parts(
        log,
        data,
        options,
        split=split,
        other_log=other,
        top=options.top,
        skip=skip,
        progress=progress,
        deadlines=deadlines,
    )
    ctx = make_context(data, options, results=parts.results, others=parts.others)
    progress("drawing the report")
    built = build_report(
        ctx, generated_at=generated_at, extra_sections=parts.sections, pdf=pdf, progress=progress
    )
    return replace(built, notes=parts.notes)
