"""The flows section: variants, rework and hand-offs (units, or pseudonymized officers)."""

from __future__ import annotations

import math
from typing import Any

from .model import Context, Finding, Paragraph, Section, Table
from .phrases import TOP_ROWS, signed


def flows_section(ctx: Context) -> Section | None:
    """Variants, rework and hand-offs (units, or pseudonymized officers)."""
    parts = ctx.results.flows
    if parts is None:
        return None
    variants, rework, handoffs = parts.variants, parts.rework, parts.handoffs
    w = ctx.words
    blocks: list[Paragraph | Table] = []
    findings: list[Finding] = []
    blocks.append(Paragraph(w("variants"), kind="subheading"))
    blocks.append(
        Paragraph(w("variants_intro", count=w.count(variants.count), cases=w.count(variants.cases)))
    )
    table = variants.table
    if len(table):
        blocks.append(
            Table(
                columns=(
                    w("col_rank"),
                    w("col_path"),
                    w("col_steps"),
                    w("col_cases"),
                    w("col_share"),
                    w("col_median"),
                    w("col_vs_common"),
                ),
                rows=tuple(
                    (
                        str(int(r["rank"])),
                        " → ".join(str(a) for a in r["activities"]),
                        w.count(int(r["steps"])),
                        w.count(int(r["cases"])),
                        w.percent(float(r["share"])),
                        w.duration(float(r["duration_median_s"])),
                        signed(w, float(r["slower_than_most_common_s"])),
                    )
                    for r in table.to_dict(orient="records")
                ),
                numeric=(True, False, True, True, True, True, True),
            )
        )
        if len(table) > 1:
            findings.append(
                Finding(
                    text=w(
                        "f_rework_paths",
                        share=w.percent(1.0 - float(table.iloc[0]["share"])),
                        slower=w.duration(float(table.iloc[1]["slower_than_most_common_s"])),
                    ),
                    evidence=w(
                        "variants_intro",
                        count=w.count(variants.count),
                        cases=w.count(variants.cases),
                    ),
                    priority=48,
                    anchor="flows",
                )
            )
    rt = rework.table
    if len(rt):
        blocks.append(Paragraph(w("rework"), kind="subheading"))
        blocks.append(
            Paragraph(
                w(
                    "rework_intro",
                    affected=w.count(rework.cases_affected),
                    share=w.percent(rework.share_of_cases),
                    repeats=w.count(rework.repeats),
                )
            )
        )
        blocks.append(
            Table(
                columns=(
                    w("col_activity"),
                    w("col_kind"),
                    w("col_cases"),
                    w("col_repeats"),
                    w("col_added_wait"),
                ),
                rows=tuple(
                    (
                        str(r["activity"]),
                        w("kind_" + str(r["kind"])),
                        w.count(int(r["cases"])),
                        w.count(int(r["repeats"])),
                        w.duration(float(r["added_wait_total_s"])),
                    )
                    for r in rt.head(TOP_ROWS).to_dict(orient="records")
                ),
                numeric=(False, False, True, True, True),
            )
        )
    if handoffs.level in ("group", "resource") and len(handoffs.summary):
        level = w("level_" + handoffs.level)
        summary = handoffs.summary.set_index("kind")
        change = "unit change" if handoffs.level == "group" else "resource change"
        stay = "within unit"
        blocks.append(
            Paragraph(
                w("handoffs" if handoffs.level == "group" else "handoffs_officers"),
                kind="subheading",
            )
        )
        if change in summary.index:
            row = summary.loc[change].to_dict()
            within = (
                summary.loc[stay].to_dict()["wait_median_s"] if stay in summary.index else math.nan
            )
            blocks.append(
                Paragraph(
                    w(
                        "handoffs_intro",
                        share=w.percent(float(row["share_of_wait"])),
                        level=level,
                        median=w.duration(float(row["wait_median_s"])),
                        within=w.duration(float(within)),
                    )
                )
            )
            if float(row["share_of_wait"]) > 0.5:
                findings.append(
                    Finding(
                        text=w(
                            "f_handoffs", share=w.percent(float(row["share_of_wait"])), level=level
                        ),
                        evidence=w(
                            "e_handoffs",
                            count=w.count(int(row["count"])),
                            median=w.duration(float(row["wait_median_s"])),
                        ),
                        priority=35,
                        anchor="flows",
                    )
                )
        pairs = handoffs.pairs
        pairs = pairs[pairs["handoff"]].head(TOP_ROWS)

        def name(value: Any) -> str:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return w("no_resource")
            return ctx.officer(str(value)) if handoffs.level == "resource" else str(value)

        if len(pairs):
            blocks.append(
                Table(
                    columns=(
                        w("col_from_unit"),
                        w("col_to_unit"),
                        w("col_count"),
                        w("col_median"),
                        w("col_p90"),
                        w("col_total"),
                    ),
                    rows=tuple(
                        (
                            name(r["from_group"]),
                            name(r["to_group"]),
                            w.count(int(r["count"])),
                            w.duration(float(r["wait_median_s"])),
                            w.duration(float(r["wait_p90_s"])),
                            w.duration(float(r["wait_total_s"])),
                        )
                        for r in pairs.to_dict(orient="records")
                    ),
                    numeric=(False, False, True, True, True, True),
                )
            )
    return Section(id="flows", title=w("flows"), blocks=tuple(blocks), findings=tuple(findings))
