"""The report's first-page on-time section: the rate, before/after, per procedure and unit."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..analysis.deadlines import NO_PROCEDURE, parse_deadline
from ..analysis.ontime import OnTime
from ..render.words import Words
from .model import Context, Finding, Paragraph, Section, Table

FRONT_WAITS = 3  # transitions shown on the first page (deadlines.json holds them all)
BASIS = {"wd": "working_days", "d": "days", "wh": "working_hours", "h": "hours"}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rate_text(w: Words, value: Any) -> str:
    """An on-time rate as the report and `analyze` print it ("70,4%"; "–" when unknown)."""
    return "–" if _missing(value) else w.share(float(value))


def basis_text(w: Words, ot: OnTime) -> str:
    """What the due time is: the deadline after submission, or each case's due-date column."""
    report = ot.report
    deadline = ""
    if report.deadline:
        parsed = parse_deadline(report.deadline)
        deadline = w(f"ot_basis_{BASIS[parsed.unit]}", amount=w.count(parsed.amount))
    if report.deadline_column:
        column = w("ot_basis_column", column=report.deadline_column)
        return w("ot_basis_fallback", column=column, deadline=deadline) if deadline else column
    return deadline


def _days(w: Words, value: Any) -> str:
    return "–" if _missing(value) else w.fixed(float(value), ".1f")


def _unit(w: Words, ot: OnTime) -> str:
    return w("dl_working_days" if ot.report.late_unit == "working_days" else "dl_days")


def _breakdown_table(w: Words, frame: pd.DataFrame, key: str, compared: bool) -> Table:
    head = [w(f"ot_col_{key}"), w("ot_col_unit_cases" if key == "unit" else "ot_col_cases")]
    head += [w("ot_col_on_time"), w("ot_col_late"), w("ot_col_rate_short")]
    if compared:
        head += [w("ot_col_rate_before"), w("ot_col_rate_after")]
    rows = []
    for r in frame.to_dict(orient="records"):
        row = [
            str(r[key]),
            w.count(int(r["cases"])),
            w.count(int(r["on_time"])),
            w.count(int(r["late"])),
            rate_text(w, r["on_time_rate"]),
        ]
        if compared:
            row += [rate_text(w, r["rate_before"]), rate_text(w, r["rate_after"])]
        rows.append(tuple(row))
    numeric = (False, *([True] * (len(head) - 1)))
    return Table(columns=tuple(head), rows=tuple(rows), numeric=numeric)


def _finding(w: Words, ot: OnTime, basis: str) -> Finding:
    s = ot.overall
    if len(ot.periods) == 2:
        before, after = (ot.periods.iloc[i]["on_time_rate"] for i in (0, 1))
        text = w("f_ontime_change", before=rate_text(w, before), after=rate_text(w, after))
    else:
        text = w("f_ontime", rate=rate_text(w, s["on_time_rate"]), basis=basis)
    evidence = w("e_ontime", late=w.count(s["late"]), with_due=w.count(s["with_due"]))
    if len(ot.late_waits):
        top = ot.late_waits.iloc[0]
        evidence += w(
            "e_ontime_wait",
            source=top["source"],
            target=top["target"],
            extra=w.duration(float(top["excess_s"])),
        )
    # the director's first question: first in the summary
    return Finding(
        text=text + ".", evidence=evidence + ".", priority=0, anchor="ontime", subject=("ontime",)
    )


def ontime_section(ctx: Context) -> Section | None:
    """The on-time rate of the cases, before/after, per procedure and unit, and the steps late
    cases wait on more than on-time ones; only with `report --deadline`/`--deadline-column`."""
    ot = ctx.results.ontime
    if ot is None:
        return None
    w = ctx.words
    s = ot.overall
    basis = basis_text(w, ot)
    intro = w("ot_intro", basis=basis)
    blocks: list[Paragraph | Table] = []
    if not s["with_due"]:
        blocks += [Paragraph(intro), Paragraph(w("ot_no_due"), kind="note")]
        return Section(id="ontime", title=w("ontime"), blocks=tuple(blocks), front=True)
    unit = _unit(w, ot)
    headline = w(
        "ot_headline",
        rate=rate_text(w, s["on_time_rate"]),
        on_time=w.count(s["on_time"]),
        with_due=w.count(s["with_due"]),
        late=w.count(s["late"]),
    )
    if s["late"]:
        headline += " " + w(
            "ot_late_by",
            mean=_days(w, s["late_days_mean"]),
            max=_days(w, s["late_days_max"]),
            unit=unit,
        )
    blocks.append(Paragraph(headline + " " + intro))
    compared = len(ot.periods) == 2
    if compared:
        blocks.append(Paragraph(w("ot_periods"), kind="subheading"))
        head = ("ot_col_period", "ot_col_cases", "ot_col_on_time", "ot_col_late", "ot_col_rate")
        rows = tuple(
            (
                w(str(r["period"])),
                w.count(int(r["with_due"])),
                w.count(int(r["on_time"])),
                w.count(int(r["late"])),
                rate_text(w, r["on_time_rate"]),
                _days(w, r["late_days_mean"]),
            )
            for r in ot.periods.to_dict(orient="records")
        )
        blocks.append(
            Table(
                columns=(*(w(k) for k in head), w("ot_col_mean_late", unit=unit)),
                rows=rows,
                numeric=(False, True, True, True, True, True),
            )
        )
    procedures = ot.procedures
    if len(procedures) and list(procedures["procedure"]) != [NO_PROCEDURE]:
        blocks.append(Paragraph(w("ot_per_procedure"), kind="subheading"))
        blocks.append(_breakdown_table(w, procedures, "procedure", compared))
    blocks.append(Paragraph(w("ot_late_waits"), kind="subheading"))
    if len(ot.late_waits):
        blocks.append(
            Paragraph(
                w(
                    "ot_late_waits_intro",
                    late=w.duration(ot.late_wait_mean_s),
                    on_time=w.duration(ot.on_time_wait_mean_s),
                )
            )
        )
        waits = ("ot_col_step", "ot_col_wait_late", "ot_col_wait_on_time", "ot_col_extra")
        blocks.append(
            Table(
                columns=tuple(w(k) for k in (*waits, "ot_col_late_share")),
                rows=tuple(
                    (
                        f"{r['source']} → {r['target']}",
                        w.duration(float(r["late_mean_s"]), short=True),
                        w.duration(float(r["on_time_mean_s"]), short=True),
                        w.duration(float(r["excess_s"]), short=True),
                        w.percent(float(r["late_share"])),
                    )
                    for r in ot.late_waits.head(FRONT_WAITS).to_dict(orient="records")
                ),
                numeric=(False, True, True, True, True),
            )
        )
        if w.workday_s is not None:
            blocks.append(Paragraph(w.workday_note(), kind="note"))
    else:
        blocks.append(Paragraph(w("ot_no_late_waits"), kind="note"))
    if len(ot.units):
        blocks.append(Paragraph(w("ot_per_unit"), kind="subheading"))
        blocks.append(_breakdown_table(w, ot.units, "unit", compared))
        blocks.append(Paragraph(w("ot_per_unit_intro"), kind="note"))
    return Section(
        id="ontime",
        title=w("ontime"),
        blocks=tuple(blocks),
        findings=(_finding(w, ot, basis),),
        front=True,
    )
