"""The before/after sections: the comparison (throughput, demand, the difference map) and the
bottlenecks introduced or relieved by the change."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analysis.compare_rules import causes_change, moved_causes
from ..render.compare_graph import comparison_maps, difference_legend
from ..render.compare_sentences import mix_led, mix_sentence
from ..render.compare_text import status_text
from ..render.graph import dot_available
from . import figures
from .model import Context, Figure, Finding, Paragraph, Section, Table
from .phrases import TOP_ROWS, change, duration_change, p_value, signed, where
from .sections import local


def compare_section(ctx: Context) -> Section | None:
    """Before/after: how the split was made, throughput time, demand, the difference map."""
    cmp = ctx.results.comparison
    if cmp is None:
        return None
    w = ctx.words
    r = cmp.result
    blocks: list[Paragraph | Table | Figure] = []
    findings: list[Finding] = []
    if cmp.mode == "logs":
        blocks.append(
            Paragraph(
                w(
                    "cmp_logs",
                    before=cmp.before.analysis.source.split("/")[-1],
                    after=cmp.after.analysis.source.split("/")[-1],
                )
            )
        )
    else:
        assert cmp.split_at is not None  # a split comparison has its date
        blocks.append(
            Paragraph(
                w(
                    "cmp_split",
                    date=w.date(local(ctx.data, cmp.split_at)),
                    straddling=w.count(cmp.straddling),
                )
            )
        )
        if cmp.auto:
            blocks.append(Paragraph(w("cmp_auto"), kind="note"))
    c = r.cases
    blocks.append(Paragraph(w("cmp_cases_intro"), kind="subheading"))
    blocks.append(
        Table(
            columns=("", w("before"), w("after"), w("change")),
            rows=(
                (w("col_cases"), w.count(c.before_count), w.count(c.after_count), ""),
                (
                    w("col_median"),
                    w.duration(c.before_median_s),
                    w.duration(c.after_median_s),
                    duration_change(w, c.before_median_s, c.after_median_s),
                ),
                (
                    w("col_p90"),
                    w.duration(c.before_p90_s),
                    w.duration(c.after_p90_s),
                    duration_change(w, c.before_p90_s, c.after_p90_s),
                ),
                (
                    w("cmp_ci"),
                    "",
                    "",
                    f"{signed(w, c.median_delta_ci95_s[0])} … "
                    f"{signed(w, c.median_delta_ci95_s[1])}",
                ),
                (w("cmp_q"), "", "", p_value(w, c.q_value, sign=False)),
            ),
            numeric=(False, True, True, True),
        )
    )
    key = {"slower": "f_cmp_slower", "faster": "f_cmp_faster"}.get(str(c.status), "f_cmp_same")
    findings.append(
        Finding(
            text=w(
                key,
                before=w.duration(c.before_median_s),
                after=w.duration(c.after_median_s),
                change=duration_change(w, c.before_median_s, c.after_median_s),
            ),
            evidence=w(
                "e_cmp_cases",
                nb=w.count(c.before_count),
                na=w.count(c.after_count),
                lo=signed(w, c.median_delta_ci95_s[0]),
                hi=signed(w, c.median_delta_ci95_s[1]),
                sure=w("sure_yes" if c.status in ("slower", "faster") else "sure_no"),
            ),
            priority=1,
            anchor="compare",
        )
    )
    figure = None
    if dot_available():  # the shared layout of the difference map itself needs Graphviz
        # The legend goes under the map, in the page's text: the map alone fits the page.
        dots, chosen = comparison_maps(
            r, w, ctx.options.activities, ctx.options.paths, legend=False
        )
        figure = figures.graph_figure(
            dots["difference"],
            name="difference",
            caption=w("diff_caption"),
            legend=difference_legend(r, chosen, w),
        )
    blocks.append(Paragraph(w("diff_graph"), kind="subheading"))
    blocks.append(Paragraph(w("diff_intro")))
    blocks.append(figure if figure is not None else Paragraph(w("no_graph"), kind="warning"))
    d = r.demand
    blocks.append(Paragraph(w("demand"), kind="subheading"))
    blocks.append(
        Paragraph(
            w(
                "demand_text",
                before=w.number(d.before_arrivals_per_week, 1),
                after=w.number(d.after_arrivals_per_week, 1),
                change=change(w, d.before_arrivals_per_week, d.after_arrivals_per_week),
                p=p_value(w, d.arrivals_p_value),
                wb=w.number(d.before_wip_mean, 1),
                wa=w.number(d.after_wip_mean, 1),
            )
        )
    )
    blocks.append(Paragraph(w("demand_changed" if d.changed else "demand_same")))
    blocks.extend(_mix_paragraphs(ctx, r.activities))
    if d.changed:
        findings.append(
            Finding(
                text=w(
                    "f_demand",
                    change=change(w, d.before_arrivals_per_week, d.after_arrivals_per_week),
                    before=w.number(d.before_arrivals_per_week, 1),
                    after=w.number(d.after_arrivals_per_week, 1),
                ),
                evidence=w(
                    "e_demand",
                    wb=d.before_weeks,
                    wa=d.after_weeks,
                ),
                priority=6,
                anchor="compare",
            )
        )
    units = d.units
    if len(units):
        by_officer = d.unit_column == "resource"  # no unit column: officers stand in
        grid = units.pivot_table(
            index="unit", columns="period", values="steps_per_week_median", aggfunc="first"
        )
        rows = []
        for unit in sorted(grid.index, key=str):
            name = ctx.officer(str(unit)) if by_officer else str(unit)
            b = grid.loc[unit].get("before", math.nan)
            a = grid.loc[unit].get("after", math.nan)
            rows.append(
                (name, w.number(float(b), 1), w.number(float(a), 1), change(w, float(b), float(a)))
            )
        rows.sort(key=lambda row: row[0])
        blocks.append(
            Paragraph(w("officer_work" if by_officer else "unit_work"), kind="subheading")
        )
        blocks.append(
            Table(
                columns=(
                    w("col_officer") if by_officer else w("col_unit"),
                    w("before"),
                    w("after"),
                    w("change"),
                ),
                rows=tuple(rows),
                numeric=(False, True, True, True),
            )
        )
    return Section(id="compare", title=w("compare"), blocks=tuple(blocks), findings=tuple(findings))


def _mix_paragraphs(ctx: Context, activities: pd.DataFrame) -> list[Paragraph]:
    """The activities whose mean wait changed mainly by the routing mix, in plain words (the
    terminal's lines: `render.compare_sentences.mix_sentence`, figures as in comparison.json)."""
    w = ctx.words
    out = []
    for row in mix_led(activities).to_dict(orient="records"):
        text = mix_sentence(row, w)
        if text is not None:
            status = status_text(str(row["status"]), w)
            line = w("cmp_mix_line", activity=row["activity"], status=status, text=text)
            out.append(Paragraph(line.strip()))
    return [Paragraph(w("cmp_mix_heading")), *out] if out else []


def _finding_rows(ctx: Context, frame: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    w = ctx.words
    rows = []
    for r in frame.head(TOP_ROWS).to_dict(orient="records"):
        rows.append(
            (
                f"#{int(r['rank'])}",
                where(w, r),
                w(f"status_{r['status']}"),
                w.duration(float(r["before_wait_median_s"])),
                w.duration(float(r["after_wait_median_s"])),
                signed(w, float(r["added_wait_per_case_s"])),
            )
        )
    return tuple(rows)


def _grown(ctx: Context, row: Mapping[Any, Any]) -> tuple[str, str, str, str] | None:
    """The cause that grew most at an introduced bottleneck: its name, before, after and
    change per case (real time); None without a breakdown or when no cause grew."""
    change = causes_change(row)
    moved = [] if change is None else moved_causes(change, grew=True)
    if change is None or not moved:
        return None
    w = dataclasses.replace(ctx.words, workday_s=None)  # the causes count calendar time
    top = change[moved[0]]
    return (
        w("cause_" + moved[0]),
        w.duration(top["before_s"]),
        w.duration(top["after_s"]),
        signed(w, top["change_s"]),
    )


def _cause_blocks(ctx: Context, intro: pd.DataFrame) -> list[Paragraph | Table]:
    """Which cause grew most at each introduced bottleneck (a table), or why it is not told."""
    w = ctx.words
    r = ctx.results.comparison
    assert r is not None
    if not r.result.options.causes or intro.empty:
        return []
    if r.result.causes is None:
        return [Paragraph(w("causes_grew_unknown"), kind="note")]
    rows = []
    for row in intro.head(TOP_ROWS).to_dict(orient="records"):
        grown = _grown(ctx, row)
        cells = grown or (w("causes_grew_none"), "", "", "")
        rows.append((f"#{int(row['rank'])}", where(w, row), *cells))
    blocks: list[Paragraph | Table] = [
        Paragraph(w("causes_grew"), kind="subheading"),
        Paragraph(w("causes_grew_intro")),
        Table(
            columns=(
                w("col_rank"),
                w("col_where"),
                w("col_cause"),
                w("before"),
                w("after"),
                w("col_added"),
            ),
            rows=tuple(rows),
            numeric=(True, False, False, True, True, True),
        ),
    ]
    if ctx.options.calendar is not None:
        blocks.append(Paragraph(w("causes_grew_calendar"), kind="note"))
    return blocks


def introduced_section(ctx: Context) -> Section | None:
    """Bottlenecks that are new or slower after the change, and the biggest improvements."""
    cmp = ctx.results.comparison
    if cmp is None:
        return None
    w = ctx.words
    r = cmp.result
    columns = (
        w("col_rank"),
        w("col_where"),
        w("col_status"),
        w("before"),
        w("after"),
        w("col_added"),
    )
    numeric = (True, False, False, True, True, True)
    blocks: list[Paragraph | Table] = [Paragraph(w("introduced_intro"))]
    findings: list[Finding] = []
    t, a = r.transitions, r.activities
    counts_of: dict[tuple[str, ...], tuple[int, int]] = {
        (str(source), str(target)): (int(before), int(after))
        for source, target, before, after in zip(
            t["source"], t["target"], t["before_count"], t["after_count"], strict=True
        )
    }
    counts_of.update(
        {
            (str(name),): (int(before), int(after))
            for name, before, after in zip(
                a["activity"], a["before_count"], a["after_count"], strict=True
            )
        }
    )

    def key_of(row: Mapping[Any, Any]) -> tuple[str, ...]:
        if row["kind"] == "activity":
            return (str(row["activity"]),)
        return (str(row["source"]), str(row["target"]))

    # the whole ranking of `compare` (waits before an activity and hand-offs, ranked together),
    # numbered as there and as the #1, #2, … of the difference map
    intro = r.introduced
    if len(intro):
        blocks.append(Table(columns=columns, rows=_finding_rows(ctx, intro), numeric=numeric))
        blocks.extend(_cause_blocks(ctx, intro))
        # the summary tells of compare's #1, with compare's figures: one number for one thing
        top = intro.iloc[0].to_dict()
        counts = counts_of[key_of(top)]
        key = "f_introduced_new" if top["status"] == "new" else "f_introduced_slower"
        text = w(
            key,
            rank=int(top["rank"]),
            where=where(w, top)
            if top["kind"] == "activity"
            else w("where_on", where=where(w, top)),
            before=w.duration(float(top["before_wait_median_s"])),
            after=w.duration(float(top["after_wait_median_s"])),
            added=w.duration(float(top["added_wait_per_case_s"])),
        )
        grown = _grown(ctx, top)
        if grown is not None:
            cause, before, after, added = grown
            clock = "" if ctx.options.calendar is None else w("cmp_cause_real_time")
            text += " " + w(
                "f_cause_grew", cause=cause, before=before, after=after, change=added, clock=clock
            )
        findings.append(
            Finding(
                text=text,
                evidence=w(
                    "e_introduced",
                    rank=int(top["rank"]),
                    nb=w.count(int(counts[0])),
                    na=w.count(int(counts[1])),
                ),
                priority=2,
                anchor="introduced",
                subject=(str(top["kind"]), *key_of(top)),
            )
        )
    else:
        blocks.append(Paragraph(w("none_introduced")))
    better = r.improvements
    if len(better):
        blocks.append(Paragraph(w("improvements"), kind="subheading"))
        blocks.append(Table(columns=columns, rows=_finding_rows(ctx, better), numeric=numeric))
        top = better.iloc[0].to_dict()
        findings.append(
            Finding(
                text=w(
                    "f_improved_removed" if top["status"] == "removed" else "f_improved",
                    where=where(w, top),
                    saved=w.duration(-float(top["added_wait_per_case_s"])),
                    before=w.duration(float(top["before_wait_median_s"])),
                    after=w.duration(float(top["after_wait_median_s"])),
                ),
                evidence=w(
                    "e_improved",
                    rank=int(top["rank"]),
                    nb=w.count(int(counts_of[key_of(top)][0])),
                    na=w.count(int(counts_of[key_of(top)][1])),
                ),
                priority=12,
                anchor="introduced",
            )
        )
    return Section(
        id="introduced", title=w("introduced"), blocks=tuple(blocks), findings=tuple(findings)
    )
