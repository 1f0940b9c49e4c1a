"""A comparison in English sentences: each finding, its dominant waiting cause, the demand line."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analysis.compare_types import DemandComparison
from .text import human_duration

CAUSE_PHRASES = {
    "batching": "dossiers are held until a batch is formed (batching)",
    "resource_contention": "its officers are busy with work that was ready earlier "
    "(resource contention)",
    "prioritization": "its officers put dossiers that arrived later first (prioritization)",
    "resource_unavailability": "its officers are not at work in those hours "
    "(resource unavailability)",
    "extraneous": "of something outside the officers' work: the citizen, another agency or a "
    "rule (extraneous)",
}


def signed_duration(seconds: float) -> str:
    """`+2.1 d` or `−3 h` (– when missing)."""
    if math.isnan(seconds):
        return "–"
    return ("+" if seconds >= 0 else "−") + human_duration(abs(seconds))


def p_text(value: float) -> str:
    """A p- or q-value as `= 0.032` or `< 0.001` (– when missing)."""
    if math.isnan(value):
        return "–"
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def signed_percent(change: float) -> str:
    """A relative change as `+12%` (– when missing)."""
    if math.isnan(change):
        return "–"
    return f"{change * 100:+.0f}%"


def cause_sentence(cause: str, share: float) -> str:
    """The dominant waiting cause of a step as a plain-language sentence."""
    return f"It waits mostly because {CAUSE_PHRASES[cause]}: {share:.0%} of its wait."


def _quote(name: str) -> str:
    return f"‘{name}’"


def _where(row: Mapping[Any, Any]) -> str:
    if row["kind"] == "activity":
        return f"before {_quote(str(row['activity']))}"
    return f"between {_quote(str(row['source']))} and {_quote(str(row['target']))}"


def finding_sentence(row: Mapping[Any, Any]) -> str:
    """One plain-language sentence about a finding row (`analysis.compare.FINDING_COLUMNS`),
    followed by its dominant waiting cause when the row has one."""
    hd = human_duration
    where = _where(row)
    added = float(row["added_wait_per_case_s"])
    effect = (
        f"it adds {hd(added)} to the average dossier"
        if added >= 0
        else f"it saves the average dossier {hd(-added)}"
    )
    before, after = float(row["before_wait_median_s"]), float(row["after_wait_median_s"])
    status = row["status"]
    thing = "a step" if row["kind"] == "activity" else "a hand-off"
    if status == "new":
        text = (
            f"Dossiers now wait a median {hd(after)} {where}, {thing} that did not exist before; "
            f"{effect}."
        )
    elif status == "removed":
        text = (
            f"Dossiers no longer wait {where} (a median {hd(before)} before, {thing} that is "
            f"gone); {effect}."
        )
    else:
        change = f"{(after / before - 1.0) * 100:+.0f}%" if before > 0 else "from 0 s"
        lo, hi = float(row["median_delta_ci95_low_s"]), float(row["median_delta_ci95_high_s"])
        text = (
            f"Dossiers now wait a median {hd(after)} {where} instead of {hd(before)} ({change}; "
            f"the change in median is {signed_duration(lo)} to {signed_duration(hi)} with 95% "
            f"confidence); {effect}."
        )
    cause = row.get("cause")
    if cause is None or pd.isna(cause):
        return text
    return f"{text} {cause_sentence(str(cause), float(row['cause_share']))}"


def demand_summary(demand: DemandComparison) -> str:
    """The demand line: cases started per week before → after and whether that changed."""
    d = demand
    b_rate, a_rate, p = d.before_arrivals_per_week, d.after_arrivals_per_week, d.arrivals_p_value
    if math.isnan(p):
        summary = (
            f"demand: {b_rate:.1f} → {a_rate:.1f} cases started per week; too few weeks "
            "on one side to test whether demand changed"
        )
    else:
        word = "changed significantly" if d.changed else "did not change significantly"
        summary = (
            f"demand {word}: {b_rate:.1f} → {a_rate:.1f} cases started per week "
            f"({signed_percent(d.arrivals_change)}, Mann–Whitney p {p_text(p)} over "
            f"{d.before_weeks} and {d.after_weeks} weeks)"
        )
    if d.partial_weeks:
        summary += "; a side spans less than one full week, so partial weeks were counted"
    return summary
