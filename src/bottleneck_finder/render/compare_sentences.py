"""A comparison in sentences: each finding, its dominant waiting cause, the demand line."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analysis.compare_rules import causes_change, moved_causes
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
    if cause is not None and not pd.isna(cause):
        text = f"{text} {cause_sentence(str(cause), float(row['cause_share']), w)}"
    grown = cause_change_sentence(row, w)
    return text if grown is None else f"{text} {grown}"


NEXT_CAUSE_SHARE = 0.25
"""A second cause is named beside the one that moved most when it moved by at least this share
of that one's change."""


def cause_change_parts(
    row: Mapping[Any, Any], words: Words = ENGLISH
) -> tuple[str, str, str, str] | None:
    """The cause that grew most at a finding (shrank most at an improvement) in words: its name,
    its change per case (`+3.1 d`), its seconds per case before → after, and the next cause
    that moved with its change when that moved by at least `NEXT_CAUSE_SHARE` of it (else
    ""). Durations are real time (the causes' time, whatever the calendar of `words`); None
    without a cause breakdown or when no cause moved that way."""
    change = causes_change(row)
    if change is None:
        return None
    grew = float(row["added_wait_per_case_s"]) >= 0
    moved = moved_causes(change, grew)
    if not moved:
        return None
    real = dataclasses.replace(words, workday_s=None)
    top = change[moved[0]]
    second = ""
    if len(moved) > 1 and abs(change[moved[1]]["change_s"]) >= NEXT_CAUSE_SHARE * abs(
        top["change_s"]
    ):
        second = words(
            "cmp_cause_next",
            cause=words(f"cmp_cause_name_{moved[1]}"),
            change=signed_duration(change[moved[1]]["change_s"], real),
        )
    return (
        words(f"cmp_cause_name_{moved[0]}"),
        signed_duration(top["change_s"], real),
        f"{real.duration(top['before_s'])} → {real.duration(top['after_s'])}",
        second,
    )


def cause_change_sentence(row: Mapping[Any, Any], words: Words = ENGLISH) -> str | None:
    """Which cause grew most at a finding (shrank most at an improvement), from the causes
    before and after (`analysis.compare_rules.causes_change`), e.g. "Against before, batching
    grew most: +3.1 d per dossier (0 s → 3.1 d)."; a sentence that nothing grew (shrank) when
    no cause did; None without a cause breakdown. In real time, said so with a calendar."""
    change = causes_change(row)
    if change is None:
        return None
    grew = float(row["added_wait_per_case_s"]) >= 0
    real = "" if words.workday_s is None else words("cmp_cause_real_time")
    parts = cause_change_parts(row, words)
    if parts is None:
        rw = dataclasses.replace(words, workday_s=None)
        before = sum(v["before_s"] for v in change.values())
        after = sum(v["after_s"] for v in change.values())
        return words(
            "cmp_cause_none_grew" if grew else "cmp_cause_none_shrank",
            before=rw.duration(before),
            after=rw.duration(after),
            real=real,
        )
    cause, amount, span, second = parts
    return words(
        "cmp_cause_grew" if grew else "cmp_cause_shrank",
        cause=cause,
        change=amount,
        span=span,
        next=second,
        real=real,
    )


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


MIX_FLOOR_S = 60.0
"""A routing-mix part smaller than this (1 min) is not worth a line of its own."""


def mix_sentence(row: Mapping[Any, Any], words: Words = ENGLISH) -> str | None:
    """An activity row's change of mean wait split into the same hand-offs' change and the
    routing mix (`analysis.compare_mix`), with the hand-off that drives the mix: "mean wait
    37 h → 2.8 d (+29 h): −11 h from the same hand-offs …, +1.7 d from the routing mix …;
    mainly because more dossiers now reach it from ‘X’ …". None without both sides."""
    w = words
    change = float(row.get("wait_change_mean_s", math.nan))
    if math.isnan(change):
        return None
    mix = float(row["wait_change_mix_s"])
    base = float(row["before_wait_mean_s"])
    driver = ""
    source = row.get("mix_driver")
    if source is not None and not pd.isna(source) and abs(mix) >= MIX_FLOOR_S:
        before_share = float(row["mix_driver_before_share"])
        after_share = float(row["mix_driver_after_share"])
        wait = float(row["mix_driver_wait_mean_s"])
        driver = w(
            "cmp_mix_driver",
            more=w("cmp_mix_more" if after_share > before_share else "cmp_mix_fewer"),
            source=source,
            share_before=w.share(before_share, 0),
            share_after=w.share(after_share, 0),
            longer=w("cmp_mix_longer" if wait > base else "cmp_mix_shorter"),
            wait=w.duration(wait),
            base=w.duration(base),
        )
    return w(
        "cmp_mix",
        before=w.duration(base),
        after=w.duration(float(row["after_wait_mean_s"])),
        change=signed_duration(change, w),
        within=signed_duration(float(row["wait_change_within_s"]), w),
        mix=signed_duration(mix, w),
        driver=driver,
    )


def mix_led(frame: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The activity rows (on both sides, tested or not) whose mean wait changed more by the
    routing mix than by the same hand-offs (|mix| > |within| and |mix| ≥ `MIX_FLOOR_S`), the
    largest total effect (|mix| × instances after) first, at most `top`."""
    if "wait_change_mix_s" not in frame or frame.empty:
        return frame.head(0)
    mix = frame["wait_change_mix_s"].astype("float64")
    within = frame["wait_change_within_s"].astype("float64")
    keep = frame[(mix.abs() >= MIX_FLOOR_S) & (mix.abs() > within.abs())]
    effect = (keep["wait_change_mix_s"].astype("float64") * keep["after_count"]).abs()
    order = effect.sort_values(ascending=False, kind="stable").index
    return keep.loc[order].head(top)
