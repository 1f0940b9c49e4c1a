"""The sections every report has: each a pure function from the context to a `Section`."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..analysis.abstraction import DEFAULT_ACTIVITIES, DEFAULT_PATHS
from ..calendar import WorkCalendar
from ..model import Analysis
from ..render.graph import GraphOptions, map_legend, process_map
from ..render.words import Words
from . import figures
from .measures import ReportData
from .model import Context, Figure, Finding, Paragraph, Section, Table

TOP_FINDINGS = 5
MARKED = 3  # transition bottlenecks numbered on the process map


def _ranked(analysis: Analysis, kind: str) -> pd.DataFrame:
    b = analysis.bottlenecks
    rows = b[(b["kind"] == kind) & (b["wait_total_s"] > 0)]
    return rows.sort_values("rank", kind="stable").reset_index(drop=True)


def local(data: ReportData, stamp: pd.Timestamp) -> pd.Timestamp:
    """A UTC timestamp as the log's local wall-clock time (naive)."""
    return stamp.tz_convert("UTC").tz_localize(None) + pd.Timedelta(microseconds=data.offset_us)


def period(ctx: Context, data: ReportData) -> str:
    """The log's first and last event as local dates."""
    w = ctx.words
    log = data.analysis.log
    return f"{w.date(local(data, log.first_event))} – {w.date(local(data, log.last_event))}"


def process_section(ctx: Context) -> Section:
    """The process map with the biggest bottlenecks marked."""
    w = ctx.words
    data: ReportData = ctx.data
    chosen = ctx.options
    if chosen.activities is None and chosen.paths is None:
        options = GraphOptions(
            top_marked=MARKED, max_edges=figures.MAX_EDGES, words=w, legend=False
        )
    else:  # the user's budgets, as analyze draws them: not fitted, no further cap
        options = GraphOptions(
            top_marked=MARKED,
            words=w,
            fit=False,
            legend=False,
            activities=DEFAULT_ACTIVITIES if chosen.activities is None else chosen.activities,
            paths=DEFAULT_PATHS if chosen.paths is None else chosen.paths,
        )
    # The legend goes under the map, in the page's text: the map alone is fitted to the page.
    dot, view = process_map(data.analysis, options)
    figure = figures.graph_figure(
        dot,
        name="process",
        caption=w("process_caption"),
        legend=map_legend(data.analysis, options, view),
    )
    blocks: list[Paragraph | Figure] = [Paragraph(w("process_intro"))]
    blocks.append(figure if figure is not None else Paragraph(w("no_graph"), kind="warning"))
    return Section(id="process", title=w("process"), blocks=tuple(blocks))


def bottleneck_section(ctx: Context) -> Section:
    """The ranked transition and activity bottlenecks, who receives #1, and the findings."""
    w = ctx.words
    data: ReportData = ctx.data
    a = data.analysis
    trans = _ranked(a, "transition")
    acts = _ranked(a, "activity")
    blocks: list[Paragraph | Table] = [Paragraph(w("bottlenecks_intro"))]
    findings: list[Finding] = []
    if len(trans) == 0:
        blocks.append(Paragraph(w("no_findings"), kind="note"))
    else:
        counts = a.transitions.set_index(["source", "target"])["cases"]
        rows = []
        for i, r in enumerate(trans.to_dict(orient="records")):
            cases = int(counts.get((r["source"], r["target"]), 0))
            rows.append(
                (
                    str(i + 1),
                    str(r["source"]),
                    str(r["target"]),
                    w.count(int(r["count"])),
                    w.count(cases),
                    w.duration(float(r["wait_total_s"])),
                    w.percent(float(r["share_of_total_wait"])),
                    w.duration(float(r["wait_median_s"])),
                    w.duration(float(r["wait_p90_s"])),
                )
            )
        blocks.append(
            Table(
                columns=tuple(
                    w(k)
                    for k in (
                        "col_rank",
                        "col_from",
                        "col_to",
                        "col_count",
                        "col_cases",
                        "col_total",
                        "col_share",
                        "col_median",
                        "col_p90",
                    )
                ),
                rows=tuple(rows),
                numeric=(True, False, False, True, True, True, True, True, True),
            )
        )
        first = trans.iloc[0]
        cases = int(counts.get((first["source"], first["target"]), 0))
        findings.append(
            Finding(
                text=w(
                    "f_top_transition",
                    source=first["source"],
                    target=first["target"],
                    share=w.percent(float(first["share_of_total_wait"])),
                    median=w.duration(float(first["wait_median_s"])),
                ),
                evidence=w(
                    "e_top_transition",
                    count=w.count(int(first["count"])),
                    cases=w.count(cases),
                    mean=w.duration(float(first["wait_total_s"]) / cases if cases else math.nan),
                    p90=w.duration(float(first["wait_p90_s"])),
                    total=w.duration(float(first["wait_total_s"])),
                ),
                priority=10,
                anchor="bottlenecks",
                subject=("transition", str(first["source"]), str(first["target"])),
            )
        )
    if len(acts):
        blocks.append(Paragraph(w("activities"), kind="subheading"))
        blocks.append(
            Table(
                columns=tuple(
                    w(k)
                    for k in (
                        "col_rank",
                        "col_activity",
                        "col_count",
                        "col_total",
                        "col_share",
                        "col_median",
                        "col_p90",
                    )
                ),
                rows=tuple(
                    (
                        str(i + 1),
                        str(r["activity"]),
                        w.count(int(r["count"])),
                        w.duration(float(r["wait_total_s"])),
                        w.percent(float(r["share_of_total_wait"])),
                        w.duration(float(r["wait_median_s"])),
                        w.duration(float(r["wait_p90_s"])),
                    )
                    for i, r in enumerate(acts.to_dict(orient="records"))
                ),
                numeric=(True, False, True, True, True, True, True),
            )
        )
        top_act = acts.iloc[0]
        if len(trans) == 0 or str(top_act["activity"]) != str(trans.iloc[0]["target"]):
            findings.append(
                Finding(
                    text=w(
                        "f_top_activity",
                        activity=top_act["activity"],
                        share=w.percent(float(top_act["share_of_total_wait"])),
                    ),
                    evidence=w(
                        "e_top_activity",
                        median=w.duration(float(top_act["wait_median_s"])),
                        p90=w.duration(float(top_act["wait_p90_s"])),
                        count=w.count(int(top_act["count"])),
                    ),
                    priority=20,
                    anchor="bottlenecks",
                )
            )
    who = data.who_waits
    if len(trans) and len(who) and who["resource"].notna().any():
        first = trans.iloc[0]
        blocks.append(Paragraph(w("who_waits"), kind="subheading"))
        blocks.append(
            Paragraph(w("who_waits_intro", source=first["source"], target=first["target"]))
        )
        total = float(who["wait_total_s"].sum())
        blocks.append(
            Table(
                columns=tuple(
                    w(k)
                    for k in (
                        "col_officer",
                        "col_unit",
                        "col_count",
                        "col_total",
                        "col_share",
                        "col_median",
                    )
                ),
                rows=tuple(
                    (
                        ctx.officer(r["resource"]),
                        ctx.unit(None if r["group"] is None else str(r["group"])),
                        w.count(int(r["count"])),
                        w.duration(float(r["wait_total_s"])),
                        w.percent(float(r["wait_total_s"]) / total if total > 0 else math.nan),
                        w.duration(float(r["wait_median_s"])),
                    )
                    for r in who.head(ctx.options.top).to_dict(orient="records")
                ),
                numeric=(False, False, True, True, True, True),
            )
        )
    return Section(
        id="bottlenecks", title=w("bottlenecks"), blocks=tuple(blocks), findings=tuple(findings)
    )


def time_section(ctx: Context) -> Section:
    """Throughput, waiting share and rework findings, and the three plots."""
    w = ctx.words
    data: ReportData = ctx.data
    a = data.analysis
    findings: list[Finding] = []
    log = a.log
    if a.cases.count:
        findings.append(
            Finding(
                text=w(
                    "f_throughput",
                    median=w.duration(a.cases.duration_median_s),
                    p90=w.duration(a.cases.duration_p90_s),
                ),
                evidence=w(
                    "e_throughput",
                    cases=w.count(a.cases.count),
                    first=w.date(local(data, log.first_event)),
                    last=w.date(local(data, log.last_event)),
                    mean=w.duration(a.cases.duration_mean_s),
                    max=w.duration(a.cases.duration_max_s),
                ),
                priority=30,
                anchor="charts",
            )
        )
    if (
        a.wait_definition == "start_to_previous_end"
        and a.total_wait_s + data.processing_total_s > 0
    ):
        share = a.total_wait_s / (a.total_wait_s + data.processing_total_s)
        findings.append(
            Finding(
                text=w(
                    "f_wait_share" if share > 0.5 else "f_wait_share_low", share=w.percent(share)
                ),
                evidence=w(
                    "e_wait_share",
                    wait=w.duration(a.total_wait_s),
                    work=w.duration(data.processing_total_s),
                ),
                priority=25 if share > 0.5 else 45,
                anchor="methods",
            )
        )
    acts = a.activities[a.activities["rework"] > 0]
    if len(acts):
        top = acts.sort_values(["rework", "activity"], ascending=[False, True], kind="stable").iloc[
            0
        ]
        findings.append(
            Finding(
                text=w(
                    "f_rework",
                    activity=top["activity"],
                    rework=w.count(int(top["rework"])),
                    share=w.percent(int(top["rework"]) / int(top["count"])),
                ),
                evidence=w(
                    "e_rework", count=w.count(int(top["count"])), cases=w.count(int(top["cases"]))
                ),
                priority=40,
                anchor="bottlenecks",
            )
        )
    blocks: list[Paragraph | Figure] = []
    series = ctx.results.wait_series or [
        figures.Series(
            label=f"#{t.rank} {t.source} → {t.target}",
            values_s=t.waits_s,
            colour=figures.SERIES_COLOURS[i % len(figures.SERIES_COLOURS)],
        )
        for i, t in enumerate(data.top_waits)
    ]
    if series:
        blocks.append(Paragraph(w("plot_waits"), kind="subheading"))
        blocks.append(Paragraph(w("plot_waits_intro")))
        blocks.append(
            figures.wait_distribution(
                series, w, name="waiting_top_bottlenecks", caption=w("plot_waits")
            )
        )
    markers = ctx.results.markers
    blocks.append(Paragraph(w("plot_weekly"), kind="subheading"))
    blocks.append(Paragraph(w("plot_weekly_intro")))
    blocks.append(
        figures.weekly_plot(
            ctx.results.weekly_series or [("", data.weekly, figures.SERIES_COLOURS[2])],
            w,
            name="weekly_wait_and_arrivals",
            caption=w("plot_weekly"),
            markers=markers,
        )
    )
    blocks.append(Paragraph(w("plot_throughput"), kind="subheading"))
    blocks.append(Paragraph(w("plot_throughput_intro")))
    blocks.append(
        figures.throughput_plot(
            ctx.results.throughput_series
            or [figures.Series("", data.cases["duration_s"].to_numpy(), figures.SERIES_COLOURS[2])],
            w,
            name="throughput_time",
            caption=w("plot_throughput"),
        )
    )
    return Section(id="charts", title=w("plots"), blocks=tuple(blocks), findings=tuple(findings))


def methods_section(ctx: Context) -> Section:
    """What waiting time means here, the calendar, the statistics and the anonymization."""
    w = ctx.words
    data: ReportData = ctx.data
    a = data.analysis
    blocks = [
        Paragraph(
            w("m_wait_start" if a.wait_definition == "start_to_previous_end" else "m_wait_end")
        ),
        Paragraph(calendar_text(ctx)),
        Paragraph(w("m_stats")),
        Paragraph(w("m_weeks")),
        Paragraph(
            w("m_anonymized", k=ctx.options.min_unit_size)
            if ctx.options.anonymize
            else w("m_not_anonymized")
        ),
    ]
    if ctx.results.causes is not None:
        cal = ctx.options.calendar
        text = w("causes_calendar") if cal is None else w("causes_working_calendar", name=cal.name)
        blocks.insert(2, Paragraph(text))
    return Section(id="methods", title=w("methods"), blocks=tuple(blocks))


def calendar_text(ctx: Context) -> str:
    """How time is counted: calendar time (24/7), or the working hours of the calendar given."""
    w = ctx.words
    tz = ctx.data.analysis.display_tz or "UTC"
    cal = ctx.options.calendar
    if cal is None:
        return w("m_calendar", tz=tz)
    hours = w.hours(cal.weekly)
    if cal.country:
        names = {"VN": ("Việt Nam", "Vietnam")}.get(cal.country, (cal.country, cal.country))
        country = names[0 if w.lang == "vi" else 1]
        hours += ", " + w("m_calendar_days_off", country=country)
    day = w.number(cal.workday_seconds / 3600, 0 if cal.workday_seconds % 3600 == 0 else 1)
    return w("m_working_calendar", name=calendar_name(w, cal), hours=hours, day=day, tz=tz)


def calendar_name(w: Words, cal: WorkCalendar) -> str:
    """A working calendar's name as the report says it ("công sở Việt Nam (vn)")."""
    if cal.name == "vn":
        return w("calendar_vn")
    return str(cal.name)


def data_rows(ctx: Context, data: ReportData) -> list[tuple[str, str]]:
    """The data-summary items of one log."""
    w = ctx.words
    a = data.analysis
    q = a.quality
    columns = ", ".join(f"{w('role_' + role)} = {column}" for role, column in a.columns.items())
    rows = [
        (w("d_source"), Path(a.source).name),
        (w("d_period"), period(ctx, data)),
        (w("d_cases"), w.count(a.log.cases)),
        (w("d_events"), w.count(a.log.events)),
        (w("d_instances"), w.count(a.log.activity_instances)),
        (w("d_activities"), w.count(a.log.activities)),
    ]
    if len(data.officers):
        rows.append((w("d_resources"), w.count(len(data.officers))))
    if data.units:
        rows.append((w("d_units"), w.count(data.units)))
    rows += [
        (w("d_columns"), columns),
        (w("d_rows_read"), w.count(q.rows_read)),
        (w("d_rows_used"), w.count(q.rows_used)),
    ]
    return rows


def dropped_rows(ctx: Context, data: ReportData) -> list[tuple[str, str]]:
    """Each reason rows were dropped (or events left unpaired), with its count."""
    w = ctx.words
    q = data.analysis.quality
    reasons = (
        ("drop_bad_timestamp", q.dropped_bad_timestamp),
        ("drop_missing", q.dropped_missing_case_or_activity),
        ("drop_end_before_start", q.dropped_end_before_start),
        ("drop_duplicates", q.dropped_duplicates),
        ("drop_kept_duplicates", q.kept_duplicates),
        ("drop_traces_apart", q.traces_keyed_apart),
        ("drop_lifecycle", q.ignored_lifecycle_events),
        ("drop_unmatched_starts", q.unmatched_starts),
        ("drop_unmatched_completes", q.unmatched_completes),
    )
    return [(w(key), w.count(n)) for key, n in reasons if n]


def data_section(ctx: Context) -> Section:
    """Source file, period, counts, and what was dropped and why."""
    w = ctx.words
    logs = ctx.results.logs or (("", ctx.data),)
    blocks: list[Paragraph | Table] = []
    for label, data in logs:
        if label:
            blocks.append(Paragraph(label, kind="subheading"))
        blocks.append(
            Table(
                columns=(w("d_item"), w("d_value")),
                rows=tuple(data_rows(ctx, data)),
                numeric=(False, False),
            )
        )
        dropped = dropped_rows(ctx, data)
        blocks.append(Paragraph(w("d_dropped"), kind="subheading"))
        if dropped:
            blocks.append(
                Table(
                    columns=(w("d_reason"), w("d_rows")), rows=tuple(dropped), numeric=(False, True)
                )
            )
        else:
            blocks.append(Paragraph(w("d_none_dropped")))
    return Section(id="data", title=w("data"), blocks=tuple(blocks))


def summary_section(ctx: Context, sections: list[Section]) -> Section:
    """At most five findings from all sections, most important first."""
    w = ctx.words
    found: list[Finding] = []
    subjects: set[tuple[str, ...]] = set()
    for f in sorted((f for s in sections for f in s.findings), key=lambda f: (f.priority, f.text)):
        if f.subject and f.subject in subjects:
            continue
        subjects.add(f.subject)
        found.append(f)
    found = found[:TOP_FINDINGS]
    blocks: list[Paragraph] = [Paragraph(w("summary_intro"))]
    if not found:
        blocks.append(Paragraph(w("no_findings"), kind="note"))
    return Section(id="summary", title=w("summary"), blocks=tuple(blocks), findings=tuple(found))
