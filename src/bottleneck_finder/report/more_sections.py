"""The optional sections: before/after comparison, drift, waiting causes, flows and the model.

Each is a pure function of the context; it reads its result from `ctx.extras` and returns None
when that result is absent, so a section appears only when its analysis ran.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analysis.drift_model import Move
from ..render.model_graph import model_dot
from ..render.words import Words
from . import figures
from .model import Context, Figure, Finding, Paragraph, Section, Table
from .sections import calendar_name

CAUSES = (
    "batching",
    "resource_contention",
    "prioritization",
    "resource_unavailability",
    "extraneous",
)
TOP_ROWS = 8


def _change(w: Words, before: float, after: float) -> str:
    if not before > 0 or math.isnan(after):
        return "–"
    pct = (after / before - 1.0) * 100.0
    return ("+" if pct >= 0 else "−") + w.number(abs(pct), 0) + "%"


def _signed(w: Words, seconds: float) -> str:
    if math.isnan(seconds):
        return "–"
    return ("+" if seconds >= 0 else "−") + w.duration(abs(seconds))


def _p(w: Words, p: float, *, sign: bool = True) -> str:
    """A p- or q-value: "= 0,032" or "< 0,001" (without "= " when `sign` is false)."""
    if math.isnan(p):
        return "–"
    if p < 0.001:
        return "< " + w.number(0.001, 3)
    return ("= " if sign else "") + w.number(p, 3)


def _where(w: Words, row: Mapping[Any, Any]) -> str:
    if row.get("kind") == "activity" or (row.get("source") is None and row.get("activity")):
        return w("where_before", activity=row["activity"])
    return (
        f"«{row['source']}» → «{row['target']}»"
        if w.lang == "vi"
        else (f"“{row['source']}” → “{row['target']}”")
    )


def _local(ctx: Context, stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp.tz_convert("UTC").tz_localize(None) + pd.Timedelta(microseconds=ctx.data.offset_us)


# ------------------------------------------------------------------ comparison
def compare_section(ctx: Context) -> Section | None:
    """Before/after: how the split was made, throughput time, demand, the difference map."""
    cmp = ctx.extras.get("comparison")
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
        blocks.append(
            Paragraph(
                w(
                    "cmp_split",
                    date=w.date(_local(ctx, cmp.split_at)),
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
                    _change(w, c.before_median_s, c.after_median_s),
                ),
                (
                    w("col_p90"),
                    w.duration(c.before_p90_s),
                    w.duration(c.after_p90_s),
                    _change(w, c.before_p90_s, c.after_p90_s),
                ),
                (
                    w("cmp_ci"),
                    "",
                    "",
                    f"{_signed(w, c.median_delta_ci95_s[0])} … "
                    f"{_signed(w, c.median_delta_ci95_s[1])}",
                ),
                (w("cmp_q"), "", "", _p(w, c.q_value, sign=False)),
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
                change=_change(w, c.before_median_s, c.after_median_s),
            ),
            evidence=w(
                "e_cmp_cases",
                nb=w.count(c.before_count),
                na=w.count(c.after_count),
                lo=_signed(w, c.median_delta_ci95_s[0]),
                hi=_signed(w, c.median_delta_ci95_s[1]),
                q=_p(w, c.q_value),
            ),
            priority=1,
            anchor="compare",
        )
    )
    dot = figures.difference_dot(r.transitions, w)
    figure = figures.graph_figure(dot, name="difference", caption=w("diff_caption"))
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
                change=_change(w, d.before_arrivals_per_week, d.after_arrivals_per_week),
                p=_p(w, d.arrivals_p_value),
                wb=w.number(d.before_wip_mean, 1),
                wa=w.number(d.after_wip_mean, 1),
            )
        )
    )
    blocks.append(Paragraph(w("demand_changed" if d.changed else "demand_same")))
    if d.changed:
        findings.append(
            Finding(
                text=w(
                    "f_demand",
                    change=_change(w, d.before_arrivals_per_week, d.after_arrivals_per_week),
                    before=w.number(d.before_arrivals_per_week, 1),
                    after=w.number(d.after_arrivals_per_week, 1),
                ),
                evidence=w(
                    "e_demand", p=_p(w, d.arrivals_p_value), wb=d.before_weeks, wa=d.after_weeks
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
                (name, w.number(float(b), 1), w.number(float(a), 1), _change(w, float(b), float(a)))
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


def _finding_rows(ctx: Context, frame: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    w = ctx.words
    rows = []
    for i, r in enumerate(frame.head(TOP_ROWS).to_dict(orient="records")):
        rows.append(
            (
                str(i + 1),
                _where(w, r),
                w(f"status_{r['status']}"),
                w.duration(float(r["before_wait_median_s"])),
                w.duration(float(r["after_wait_median_s"])),
                _signed(w, float(r["added_wait_per_case_s"])),
            )
        )
    return tuple(rows)


def introduced_section(ctx: Context) -> Section | None:
    """Bottlenecks that are new or slower after the change, and the biggest improvements."""
    cmp = ctx.extras.get("comparison")
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
    trans = r.transitions.set_index(["source", "target"])

    def key_of(row: Mapping[Any, Any]) -> tuple[str, str]:
        return (str(row["source"]), str(row["target"]))

    # transitions only: an activity's row repeats the hand-offs into it
    intro = r.introduced[r.introduced["kind"] == "transition"].reset_index(drop=True)
    if len(intro):
        blocks.append(Table(columns=columns, rows=_finding_rows(ctx, intro), numeric=numeric))
        top = intro.iloc[0].to_dict()
        counts = trans.loc[key_of(top)]
        key = "f_introduced_new" if top["status"] == "new" else "f_introduced_slower"
        findings.append(
            Finding(
                text=w(
                    key,
                    where=_where(w, top),
                    before=w.duration(float(top["before_wait_median_s"])),
                    after=w.duration(float(top["after_wait_median_s"])),
                    added=w.duration(float(top["added_wait_per_case_s"])),
                ),
                evidence=w(
                    "e_introduced",
                    nb=w.count(int(counts["before_count"])),
                    na=w.count(int(counts["after_count"])),
                ),
                priority=2,
                anchor="introduced",
                subject=("transition", *key_of(top)),
            )
        )
    else:
        blocks.append(Paragraph(w("none_introduced")))
    better = r.improvements[r.improvements["kind"] == "transition"].reset_index(drop=True)
    if len(better):
        blocks.append(Paragraph(w("improvements"), kind="subheading"))
        blocks.append(Table(columns=columns, rows=_finding_rows(ctx, better), numeric=numeric))
        top = better.iloc[0].to_dict()
        findings.append(
            Finding(
                text=w(
                    "f_improved_removed" if top["status"] == "removed" else "f_improved",
                    where=_where(w, top),
                    saved=w.duration(-float(top["added_wait_per_case_s"])),
                    before=w.duration(float(top["before_wait_median_s"])),
                    after=w.duration(float(top["after_wait_median_s"])),
                ),
                evidence=w(
                    "e_improved",
                    nb=w.count(int(trans.loc[key_of(top)]["before_count"])),
                    na=w.count(int(trans.loc[key_of(top)]["after_count"])),
                ),
                priority=12,
                anchor="introduced",
            )
        )
    return Section(
        id="introduced", title=w("introduced"), blocks=tuple(blocks), findings=tuple(findings)
    )


# ------------------------------------------------------------------ drift
def _level(w: Words, metric: str, value: float) -> str:
    if metric.endswith("_s"):
        return w.duration(value)
    if metric == "flow":
        return w.percent(value)
    return w.number(value, 1)


def describe_move(w: Words, move: Move) -> str:
    """A drift move in the report's words."""
    what = w("metric_" + move.metric) if ("metric_" + move.metric) in _keys() else move.metric
    if move.scope == "flow":
        return w(
            "flow_moved",
            what=what,
            before=_level(w, "flow", move.before_level),
            after=_level(w, "flow", move.after_level),
        )
    if move.scope == "activity":
        where = " " + w("where_before", activity=move.activity)
    elif move.scope == "transition":
        where = w("on_element", element=f"{move.source} → {move.activity}")
    else:
        where = ""
    key = "moved_up" if move.after_level > move.before_level else "moved_down"
    return w(
        key,
        what=what,
        where=where,
        before=_level(w, move.metric, move.before_level),
        after=_level(w, move.metric, move.after_level),
    )


def _keys() -> set[str]:
    from ..render.messages import MESSAGES

    return set(MESSAGES)


def drift_section(ctx: Context) -> Section | None:
    """The dates at which the process changed, in a table and on a timeline."""
    result = ctx.extras.get("drift")
    if result is None:
        return None
    w = ctx.words
    unit = w("gran_" + result.granularity)
    blocks: list[Paragraph | Table | Figure] = [Paragraph(w("drift_intro", unit=unit))]
    findings: list[Finding] = []
    points = sorted(result.change_points, key=lambda p: p.date)
    if not points:
        blocks.append(Paragraph(w("drift_none", n=w.count(result.periods), unit=unit)))
    else:
        blocks.append(
            Table(
                columns=(w("col_date"), w("col_what"), w("col_strength")),
                rows=tuple(
                    (w.date(_local(ctx, p.date)), describe_move(w, p.main), w.number(p.strength, 1))
                    for p in points
                ),
                numeric=(False, False, True),
            )
        )
        best = max(points, key=lambda p: (p.strength, -p.date.value))
        findings.append(
            Finding(
                text=w(
                    "f_drift", date=w.date(_local(ctx, best.date)), what=describe_move(w, best.main)
                ),
                evidence=w("e_drift", n=len(points), strength=w.number(best.strength, 1)),
                priority=15,
                anchor="drift",
            )
        )
    blocks.append(
        figures.drift_plot(
            result.series,
            [(p.date, w.date(_local(ctx, p.date))) for p in points],
            w,
            offset_us=ctx.data.offset_us,
            name="drift_timeline",
            caption=w("drift_plot", unit=unit),
        )
    )
    return Section(id="drift", title=w("drift"), blocks=tuple(blocks), findings=tuple(findings))


# ------------------------------------------------------------------ causes
def causes_section(ctx: Context) -> Section | None:
    """The waiting time split by cause, overall and at the biggest bottlenecks."""
    b = ctx.extras.get("causes")
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
                    w.duration(b.totals_s[c]),
                    w.percent(b.totals_s[c] / total if total > 0 else math.nan),
                )
                for c in sorted(CAUSES, key=lambda c: (-b.totals_s[c], c))
            ),
            numeric=(False, True, True),
        )
    )
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
                        w.duration(float(r["wait_s"])),
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
                    total=w.duration(float(first[f"{cause}_s"])),
                    all=w.duration(float(first["wait_total_s"])),
                    count=w.count(int(first["count"])),
                ),
                priority=14,
                anchor="causes",
            ),
        )
    else:
        findings = ()
    return Section(id="causes", title=w("causes"), blocks=tuple(blocks), findings=findings)


# ------------------------------------------------------------------ flows
def flows_section(ctx: Context) -> Section | None:
    """Variants, rework and hand-offs (units, or pseudonymized officers)."""
    parts = ctx.extras.get("flows")
    if parts is None:
        return None
    variants, rework, handoffs = parts
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
                        _signed(w, float(r["slower_than_most_common_s"])),
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
            row = summary.loc[change]
            within = summary.loc[stay]["wait_median_s"] if stay in summary.index else math.nan
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


# ------------------------------------------------------------------ discovered model
def model_section(ctx: Context) -> Section | None:
    """The discovered model drawn, with its fitness and precision."""
    found = ctx.extras.get("model")
    if found is None:
        return None
    mined, graph = found
    w = ctx.words

    def share(value: float | None) -> str:
        return "–" if value is None else w.number(float(value), 3)

    blocks: list[Paragraph | Figure] = [
        Paragraph(
            w(
                "model_intro",
                miner=mined.miner,
                noise=w.number(mined.noise, 2),
                fitness=share(mined.fitness),
                precision=share(mined.precision),
            )
        )
    ]
    if mined.fitness is None:
        blocks.append(Paragraph(w("model_no_quality"), kind="note"))
    # Top to bottom, as the process map: a model read left to right is too wide for a page.
    dot = model_dot(graph, ctx.data.analysis, words=w, rankdir="TB")
    figure = figures.graph_figure(dot, name="model", caption=w("model_caption"))
    blocks.append(figure if figure is not None else Paragraph(w("no_graph"), kind="warning"))
    return Section(id="model", title=w("model"), blocks=tuple(blocks))
