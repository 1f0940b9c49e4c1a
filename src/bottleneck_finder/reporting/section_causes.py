"""The causes section: the waiting time split by cause, overall and at the biggest bottlenecks."""

from __future__ import annotations

import dataclasses
import math

from ..analysis.causes import CAUSES
from ..render.causes_text import ESTIMATED, batch_sentences
from . import figures
from .model import Context, Figure, Finding, Paragraph, Section, Table
from .phrases import TOP_ROWS
from .sections import calendar_name


def causes_section(ctx: Context) -> Section | None:
    """The waiting time split by cause, overall and at the biggest bottlenecks."""
    b = ctx.results.causes
    if b is None:
        return None
    cal = ctx.options.calendar
    # the causes split calendar time (the waiting outside working hours is one of them): its
    # durations are told in calendar days even when the rest of the report is working time
    w = ctx.words if cal is None else dataclasses.replace(ctx.words, workday_s=None)
    availability = (
        w("availability_learned")
        if str(b.availability).startswith("learned")
        else str(b.availability)
    )
    blocks: list[Paragraph | Table | Figure] = [
        Paragraph(w("causes_intro", availability=availability))
    ]
    mark = ESTIMATED if b.instances_estimated else ""
    if mark:
        blocks.append(
            Paragraph(
                w(
                    "causes_estimated",
                    count=w.count(b.instances_estimated),
                    total=w.count(b.instances_total),
                ),
                kind="note",
            )
        )
    if cal is not None:
        blocks.append(
            Paragraph(w("causes_working_calendar", name=calendar_name(w, cal)), kind="note")
        )
    total = b.wait_total_s
    blocks.append(
        Table(
            columns=(w("col_cause"), w("col_total"), w("col_share")),
            rows=tuple(
                (
                    w("cause_" + c),
                    mark + w.duration(b.totals_s[c]),
                    w.percent(b.totals_s[c] / total if total > 0 else math.nan),
                )
                for c in sorted(CAUSES, key=lambda c: (-b.totals_s[c], c))
            ),
            numeric=(False, True, True),
        )
    )
    for sentence in batch_sentences(b, w, name=ctx.officer):
        blocks.append(Paragraph(sentence + "."))
    ranking = b.ranking.head(TOP_ROWS)
    if len(ranking):
        blocks.append(Paragraph(w("causes_top"), kind="subheading"))
        blocks.append(
            Table(
                columns=(
                    w("col_rank"),
                    w("col_from"),
                    w("col_to"),
                    w("col_cause"),
                    w("col_total"),
                    w("col_share"),
                ),
                rows=tuple(
                    (
                        str(int(r["rank"])),
                        str(r["source"]),
                        str(r["target"]),
                        w("cause_" + str(r["cause"])),
                        mark + w.duration(float(r["wait_s"])),
                        w.percent(float(r["share_of_total_wait"])),
                    )
                    for r in ranking.to_dict(orient="records")
                ),
                numeric=(True, False, False, False, True, True),
            )
        )
    trans = b.transitions.head(5)
    if len(trans):
        rows = [
            (f"{r['source']} → {r['target']}", [float(r[f"{c}_share"]) for c in CAUSES])
            for r in trans.to_dict(orient="records")
        ]
        blocks.append(
            figures.causes_plot(
                rows,
                [w("cause_" + c) for c in CAUSES],
                w,
                name="waiting_causes",
                caption=w("causes_plot"),
            )
        )
        first = trans.iloc[0]
        shares = {c: float(first[f"{c}_share"]) for c in CAUSES}
        cause = max(CAUSES, key=lambda c: (shares[c], c))
        findings: tuple[Finding, ...] = (
            Finding(
                text=w(
                    "f_cause",
                    share=w.percent(shares[cause]),
                    source=first["source"],
                    target=first["target"],
                    cause=w("cause_" + cause),
                ),
                evidence=w(
                    "e_cause",
                    total=mark + w.duration(float(first[f"{cause}_s"])),
                    all=mark + w.duration(float(first["wait_total_s"])),
                    count=w.count(int(first["count"])),
                    clock="" if ctx.options.calendar is None else w("cmp_cause_real_time"),
                ),
                priority=14,
                anchor="causes",
            ),
        )
    else:
        findings = ()
    return Section(id="causes", title=w("causes"), blocks=tuple(blocks), findings=findings)
