"""Sections -> report files: HTML and Markdown through autoescaping templates, PDF via Chromium."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import jinja2
from markupsafe import Markup

from ..render.words import Words
from .model import Block, Context, Figure, Paragraph, Section, SectionBuilder, Table
from .section_ontime import ontime_section
from .sections import (
    bottleneck_section,
    data_section,
    methods_section,
    process_section,
    summary_section,
    time_section,
)

# The order of the body; the executive summary is made last from every section's findings and
# put first. Optional sections (compare, drift, …) are inserted before the methods.
# The on-time section (with `report --deadline`) comes first, on the first page.
CORE_BEFORE: tuple[SectionBuilder, ...] = (process_section, bottleneck_section, time_section)
CORE_AFTER: tuple[SectionBuilder, ...] = (methods_section, data_section)
_SVG_ROOT = re.compile(r"<svg\b", re.I)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


@dataclass(frozen=True)
class RenderedReport:
    """The report's text files and figures, all in memory."""

    html: str
    markdown: str
    figures: dict[str, bytes | str]
    sections: tuple[Section, ...]


def builder_name(builder: SectionBuilder) -> str:
    """A section builder's name for progress lines: `process_section` -> "process"."""
    name = getattr(builder, "__name__", "section")
    return name.removesuffix("_section").strip("_").replace("_", " ") or "section"


def build_sections(
    ctx: Context,
    extra: Sequence[SectionBuilder] = (),
    progress: Callable[[str], None] = lambda _stage: None,
) -> tuple[Section, ...]:
    """Run every section builder (optional ones may return None) and put the summary first;
    `progress` hears each section's name before it is drawn (the sections draw the figures)."""
    front = (ontime_section,) if ctx.results.ontime is not None else ()
    builders = (*front, *CORE_BEFORE, *extra, *CORE_AFTER)
    body = []
    for i, builder in enumerate(builders, start=1):
        progress(f"drawing the report: {builder_name(builder)} ({i}/{len(builders)})")
        if (section := builder(ctx)) is not None:
            body.append(section)
    return (summary_section(ctx, body), *body)


def _inline_svg(svg: str) -> Markup:
    """An SVG drawn by Graphviz or matplotlib (their text is already XML-escaped), made
    scalable for inlining: no fixed width or height, only the viewBox."""
    head_end = svg.find(">")
    head = svg[:head_end]
    width = re.search(r'\swidth="([0-9.]+(?:pt|px)?)"', head)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    if width:
        head += f' style="width:100%;max-width:{width.group(1)}"'
    return Markup(head + svg[head_end:])


@dataclass(frozen=True)
class Group:
    """Blocks printed together: a subheading with what follows it, kept on one page when it
    holds a figure (`keep`)."""

    blocks: tuple[Block, ...]
    keep: bool


def groups(blocks: Sequence[Block]) -> list[Group]:
    """The blocks of a section split before each subheading."""
    out: list[list[Block]] = [[]]
    for block in blocks:
        if isinstance(block, Paragraph) and block.kind == "subheading" and out[-1]:
            out.append([])
        out[-1].append(block)
    return [Group(tuple(g), any(isinstance(b, Figure) for b in g)) for g in out if g]


def md_escape(value: Any) -> str:
    """Markdown text: HTML markup escaped as entities, Markdown punctuation backslashed."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = html.escape(" ".join(str(value).splitlines()), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _environment(markdown: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bottleneck_finder.reporting", "templates"),
        autoescape=not markdown,
        finalize=md_escape if markdown else None,
        undefined=jinja2.StrictUndefined if not markdown else jinja2.Undefined,
        keep_trailing_newline=True,
    )
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["figure"] = lambda b: isinstance(b, Figure)
    env.filters["inline_svg"] = _inline_svg
    env.filters["groups"] = groups
    env.filters["anchor"] = lambda s: Markup(re.sub(r"[^a-z0-9-]", "-", str(s).lower()))
    env.filters["figure_path"] = lambda name: Markup(
        "figures/" + re.sub(r"[^A-Za-z0-9_.-]", "_", str(name)) + ".png"
    )
    env.filters["cell"] = lambda text: Markup(md_escape(text) or " ")
    return env


def short_workdays(sections: tuple[Section, ...], w: Words) -> tuple[Section, ...]:
    """The sections with the working-day unit of their tables' number cells short ("3,2 ngày
    LV"), each such table noting what the unit means: "ngày làm việc" in every cell pushed the
    tables off the A4 column. Sentences keep the long unit."""
    long, short = f" {w('unit_wd')}", f" {w('unit_wd_short')}"
    if w.workday_s is None or long == short:
        return sections

    def shorter(table: Table) -> Table:
        rows = tuple(
            tuple(
                cell.replace(long, short) if i < len(table.numeric) and table.numeric[i] else cell
                for i, cell in enumerate(row)
            )
            for row in table.rows
        )
        if rows == table.rows:
            return table
        return replace(table, rows=rows, note=table.note or w.workday_note())

    return tuple(
        replace(s, blocks=tuple(shorter(b) if isinstance(b, Table) else b for b in s.blocks))
        for s in sections
    )


def render(
    ctx: Context,
    sections: tuple[Section, ...],
    *,
    title: str,
    subtitle: Sequence[str],
    generated: str,
    version: str,
) -> RenderedReport:
    """The HTML and Markdown text and the figure files of `sections`."""
    w = ctx.words
    sections = short_workdays(sections, w)
    values = {
        "lang": w.lang,
        "title": title,
        "subtitle": list(subtitle),
        "banner": "" if ctx.options.anonymize else w("not_anonymized"),
        "privacy_note": w("anonymized_note", example=w("officer", n="07"))
        if ctx.options.anonymize
        else "",
        "toc_title": w("toc"),
        "evidence_label": w("evidence"),
        "sections": sections,
        "generated": generated,
        "version": version,
    }
    page = _environment(False).get_template("report.html.j2").render(**values)
    markdown = _environment(True).get_template("report.md.j2").render(**values)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    files: dict[str, bytes | str] = {}
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Figure):
                files[f"{block.name}.svg"] = block.svg
                files[f"{block.name}.png"] = block.png
    return RenderedReport(html=page, markdown=markdown, figures=files, sections=sections)
