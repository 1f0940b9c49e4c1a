"""A comparison in sentences: each finding, its dominant waiting cause, the demand line."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analysis.compare_types import CompareWarning, DemandComparison
from .words import ENGLISH, Words

PERCENT_FLOOR_S = 60.0
"""Below this wait before (1 min), a change is shown as `0 s → 3 d`, never as a percentage."""
PERCENT_CEILING = 10.0
"""A relative change above this (+1000%) is shown as `2 min → 3 d`, never as a percentage."""


def percent_change(before: float, after: float) -> float | None:
    """The relative change `after / before − 1` of two durations, or None where a percentage
    would mislead: a side missing, a wait before of less than `PERCENT_FLOOR_S`, or a change
    of more than `PERCENT_CEILING` (+1000%), which read `0 s → 3 d` instead."""
    if math.isnan(before) or math.isnan(after) or before < PERCENT_FLOOR_S:
        return None
    change = after / before - 1.0
    return None if change > PERCENT_CEILING else change


def signed_duration(seconds: float, words: Words = ENGLISH) -> str:
    """`+2.1 d` or `−3 h` (– when missing)."""
    if math.isnan(seconds):
        return "–"
    return ("+" if seconds >= 0 else "−") + words.duration(abs(seconds))


def p_text(value: float, words: Words = ENGLISH) -> str:
    """A p- or q-value as `= 0.032` or `< 0.001` (– when missing)."""
    if math.isnan(value):
        return "–"
    return "< " + words.fixed(0.001, ".3f") if value < 0.001 else "= " + words.fixed(value, ".3f")


def signed_percent(change: float, words: Words = ENGLISH) -> str:
    """A relative change as `+12%` (– when missing)."""
    if math.isnan(change):
        return "–"
    return words.fixed(change * 100, "+.0f") + "%"


def cause_sentence(cause: str, share: float, words: Words = ENGLISH) -> str:
    """The dominant waiting cause of a step as a plain-language sentence."""
    return words("cmp_cause", phrase=words(f"cmp_cause_{cause}"), share=words.share(share, 0))


def _where(row: Mapping[Any, Any], words: Words) -> str:
    if row["kind"] == "activity":
        return words("cmp_where_activity", activity=row["activity"])
    return words("cmp_where_transition", source=row["source"], target=row["target"])


def finding_sentence(row: Mapping[Any, Any], words: Words = ENGLISH) -> str:
    """One plain-language sentence about a finding row (`analysis.compare.FINDING_COLUMNS`),
    followed by its dominant waiting cause when the row has one."""
    w = words
    hd = w.duration
    where = _where(row, w)
    added = float(row["added_wait_per_case_s"])
    effect = w("cmp_adds", added=hd(added)) if added >= 0 else w("cmp_saves", saved=hd(-added))
    before, after = float(row["before_wait_median_s"]), float(row["after_wait_median_s"])
    status = row["status"]
    thing = w("cmp_thing_step" if row["kind"] == "activity" else "cmp_thing_handoff")
    if status == "new":
        text = w("cmp_finding_new", after=hd(after), where=where, thing=thing, effect=effect)
    elif status == "removed":
        text = w("cmp_finding_removed", before=hd(before), where=where, thing=thing, effect=effect)
    else:
        relative = percent_change(before, after)
        change = (
            f"{hd(before)} → {hd(after)}"
            if relative is None
            else w.fixed(relative * 100, "+.0f") + "%"
        )
        lo, hi = float(row["median_delta_ci95_low_s"]), float(row["median_delta_ci95_high_s"])
        text = w(
            "cmp_finding",
            after=hd(after),
            where=where,
            before=hd(before),
            change=change,
            lo=signed_duration(lo, w),
            hi=signed_duration(hi, w),
            effect=effect,
        )
    cause = row.get("cause")
    if cause is None or pd.isna(cause):
        return text
    return f"{text} {cause_sentence(str(cause), float(row['cause_share']), w)}"


def demand_summary(demand: DemandComparison, words: Words = ENGLISH) -> str:
    """The demand line: cases started per week before → after and whether that changed."""
    w = words
    d = demand
    b_rate, a_rate, p = d.before_arrivals_per_week, d.after_arrivals_per_week, d.arrivals_p_value
    rates = {"before": w.fixed(b_rate, ".1f"), "after": w.fixed(a_rate, ".1f")}
    if math.isnan(p):
        summary = w("cmp_demand_untested", **rates)
    else:
        summary = w(
            "cmp_demand_changed" if d.changed else "cmp_demand_same",
            **rates,
            change=signed_percent(d.arrivals_change, w),
            p=p_text(p, w),
            before_weeks=w.count(d.before_weeks),
            after_weeks=w.count(d.after_weeks),
        )
    if d.partial_weeks:
        summary += w("cmp_demand_partial")
    return summary


def warning_sentence(warning: CompareWarning, words: Words = ENGLISH) -> str:
    """What weakens the comparison, in words (comparison@1 `warnings` holds it in English)."""
    if warning.kind == "few_common_activities":
        return words("cmp_warn_few_common", common=warning.common, total=warning.total)
    if warning.kind == "different_zones":
        return words("cmp_warn_zones", before=warning.zones[0], after=warning.zones[1])
    return words("cmp_warn_start_times")
