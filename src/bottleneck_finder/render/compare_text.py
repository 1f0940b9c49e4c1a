"""A comparison as terminal text (verdict and tables) and as the `bottleneck/comparison@1` JSON."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import __version__
from ..analysis.compare_rules import causes_change
from ..analysis.compare_types import STAT_COLUMNS, CaseComparison, Comparison
from ..timeunits import local_time
from .compare_sentences import (
    cause_change_parts,
    demand_summary,
    finding_sentence,
    mix_led,
    mix_sentence,
    p_text,
    percent_change,
    signed_duration,
    warning_sentence,
)
from .messages import MESSAGES
from .serialize import clean, records
from .text import clip, column_width
from .words import ENGLISH, Words

COMPARISON_SCHEMA = "bottleneck/comparison@1"

# The JSON carries the interval as one [low, high] pair, `median_delta_ci95_s`.
_JSON_STATS = tuple(
    "median_delta_ci95_s" if c == "median_delta_ci95_low_s" else c
    for c in STAT_COLUMNS
    if c != "median_delta_ci95_high_s"
)


def _pct(before: float, after: float, words: Words) -> str:
    change = percent_change(before, after)
    return "" if change is None else f" ({words.fixed(change * 100, '+.0f')}%)"


def change_text(before: float, after: float, words: Words = ENGLISH) -> str:
    """`2.1 d → 4.0 d (+90%)`; a missing side is shown as –, and a change too large for a
    percentage (`percent_change`) without one: `0 s → 3 d`."""
    w = words
    return f"{w.duration(before)} → {w.duration(after)}{_pct(before, after, w)}"


def status_text(status: str, words: Words = ENGLISH) -> str:
    """A verdict (`slower`, `new`, …) in words: the machine value itself in English."""
    key = f"cmp_status_{status}"
    return words(key) if key in MESSAGES else status


def verdict(comparison: Comparison, words: Words = ENGLISH) -> str:
    """One line: overall faster or slower, by how much, and how sure."""
    w = words
    c = comparison.cases
    key = f"cmp_verdict_{c.status}"
    word = w(key) if key in MESSAGES else c.status.upper()
    text = w(
        "cmp_verdict",
        word=word,
        change=change_text(c.before_median_s, c.after_median_s, w),
        before=w.count(c.before_count),
        after=w.count(c.after_count),
    )
    lo, hi = c.median_delta_ci95_s
    if not math.isnan(lo):
        level = round((1.0 - comparison.options.alpha) * 100)
        text += w(
            "cmp_verdict_ci",
            delta=signed_duration(c.median_delta_s, w),
            level=level,
            lo=signed_duration(lo, w),
            hi=signed_duration(hi, w),
            q=p_text(c.q_value, w),
        )
    return text


def summary_text(
    comparison: Comparison, words: Words = ENGLISH, description: str | None = None
) -> str:
    """The verdict line, both periods, the split, the deadline and the demand; `description`
    says in `words` why the split date was chosen (default: the one the comparison keeps)."""
    w = words
    c = comparison
    tz = c.display_tz
    lines = [verdict(c, w)]
    for name, side in (("before", c.before), ("after", c.after)):
        label = w(f"cmp_side_{name}") + ":"
        lines.append(
            f"{label:<8}"
            + w(
                "cmp_side",
                cases=w.count(side.cases),
                events=w.count(side.events),
                first=_time(side.first_event, tz, w),
                last=_time(side.last_event, tz, w),
            )
        )
    if c.split.mode == "date" and c.split.date is not None:
        text = w("cmp_split_at", date=w.moment(c.split.date, tz))
        description = description or c.split.description
        if description:
            text += f" ({description})"
        text += w(
            "cmp_straddling",
            count=w.count(c.split.straddling_cases),
            verb=w(f"cmp_straddling_{c.split.straddling}"),
        )
        lines.append(text)
    deadline = deadline_name(c.cases, w)
    if deadline is not None:
        lines.append(
            w(
                "cmp_over_deadline",
                deadline=deadline,
                before=_share(c.cases.before_over_deadline_share, w),
                after=_share(c.cases.after_over_deadline_share, w),
            )
        )
    if c.time_basis != "wall_clock":
        lines.append(w("cmp_working", calendar=c.time_basis.partition(":")[2]))
    lines.append(demand_summary(c.demand, w))
    lines.extend(mix_lines(c, w))
    return "\n".join(lines)


def mix_lines(comparison: Comparison, words: Words = ENGLISH, top: int = 5) -> list[str]:
    """The activities whose mean wait changed mainly by the routing mix (`mix_led`), each with
    its `mix_sentence` under a heading; no line when there is none."""
    w = words
    rows = mix_led(comparison.activities, top).to_dict(orient="records")
    lines = [w("cmp_mix_heading")] if rows else []
    for row in rows:
        text = mix_sentence(row, w)
        if text is not None:
            status = status_text(str(row["status"]), w)
            lines.append(w("cmp_mix_line", activity=row["activity"], status=status, text=text))
    return lines


def cause_change_lines(
    comparison: Comparison, frame: pd.DataFrame, words: Words = ENGLISH
) -> list[str]:
    """Under the introduced bottlenecks `frame` (some rows of `comparison.introduced`): which
    cause grew most at each, `#1  batching +3.1 d (0 s → 3.1 d)`, under a heading; one line
    saying why when the causes could not be attributed; none with `--no-causes` or no row."""
    w = words
    if frame.empty or not comparison.options.causes:
        return []
    if comparison.causes is None:
        return [w("cmp_causes_unknown")]
    real = "" if w.workday_s is None else w("cmp_cause_real_time")
    lines = [w("cmp_causes_heading", real=real)]
    width = len(str(int(frame["rank"].max())))
    for row in frame.to_dict(orient="records"):
        parts = cause_change_parts(row, w)
        rank = f"{int(row['rank']):<{width}}"
        if parts is None:
            lines.append(w("cmp_causes_line_none", rank=rank))
        else:
            cause, change, span, second = parts
            lines.append(
                w("cmp_causes_line", rank=rank, cause=cause, change=change, span=span, next=second)
            )
    return lines


def deadline_name(cases: CaseComparison, words: Words = ENGLISH) -> str | None:
    """The deadline as given (`15wd`), or the length of a deadline given in seconds (`15 d`)."""
    if cases.deadline is not None:
        return cases.deadline
    return None if cases.deadline_s is None else words.duration(cases.deadline_s)


def _time(stamp: pd.Timestamp | None, tz: str, words: Words) -> str:
    return "–" if stamp is None else words.moment(stamp, tz)


def _share(value: float | None, words: Words) -> str:
    return "–" if value is None or math.isnan(value) else words.share(value)


def findings_table(
    frame: pd.DataFrame, *, width: int = 100, saved: bool = False, words: Words = ENGLISH
) -> str:
    """Ranked findings as an aligned table: where, status, median before → after, per case."""
    w = words
    if frame.empty:
        return w("cmp_none")
    name_width = max(24, width - 62)
    head = w("cmp_col_saved" if saved else "cmp_col_added")
    rows = frame.to_dict(orient="records")
    changes = [change_text(r["before_wait_median_s"], r["after_wait_median_s"], w) for r in rows]
    statuses = [status_text(str(r["status"]), w) for r in rows]
    per_case = [w.duration(abs(float(r["added_wait_per_case_s"]))) for r in rows]
    sw = column_width(w, [w("cmp_col_status"), *statuses], 8)
    cw = column_width(w, [w("cmp_col_change"), *changes], 30)
    pw = column_width(w, [head, *per_case], 10)
    header = (
        f"{'#':>3}  {w('cmp_col_where'):<{name_width}} {w('cmp_col_status'):<{sw}} "
        f"{w('cmp_col_change'):<{cw}} {head:>{pw}}"
    )
    lines = [header, "-" * len(header)]
    for row, change, status, added in zip(rows, changes, statuses, per_case, strict=True):
        if row["kind"] == "transition":
            where = f"{row['source']} → {row['target']}"
        else:
            where = w("t_before", activity=row["activity"])
        lines.append(
            f"{int(row['rank']):>3}  {clip(where, name_width):<{name_width}} "
            f"{status:<{sw}} {change:<{cw}} {added:>{pw}}"
        )
    return "\n".join(lines)


def _stat_records(
    frame: pd.DataFrame, keys: tuple[str, ...], words: Words | None = None
) -> list[dict[str, Any]]:
    out = []
    raw = frame.to_dict(orient="records")
    for row, values in zip(records(frame), raw, strict=True):
        lo = row.pop("median_delta_ci95_low_s")
        hi = row.pop("median_delta_ci95_high_s")
        row["median_delta_ci95_s"] = None if lo is None or hi is None else [lo, hi]
        if "within_ci95_low_s" in row:
            lo, hi = row.pop("within_ci95_low_s"), row.pop("within_ci95_high_s")
            row["wait_change_within_ci95_s"] = None if lo is None or hi is None else [lo, hi]
            row["wait_change_sentence"] = mix_sentence(values, words or ENGLISH)
        extra = [k for k in row if k not in keys and k not in _JSON_STATS]
        ordered = {k: row[k] for k in keys}
        ordered.update({k: row[k] for k in _JSON_STATS})
        ordered.update({k: row[k] for k in extra})
        out.append(ordered)
    return out


def _finding_records(frame: pd.DataFrame, words: Words) -> list[dict[str, Any]]:
    out = []
    raw = frame.to_dict(orient="records")
    for row, values in zip(records(frame), raw, strict=True):
        item: dict[str, Any] = {"rank": row["rank"], "kind": row["kind"]}
        if row["kind"] == "transition":
            item["source"], item["target"] = row["source"], row["target"]
        else:
            item["activity"] = row["activity"]
        item["status"] = row["status"]
        item["before_wait_median_s"] = row["before_wait_median_s"]
        item["after_wait_median_s"] = row["after_wait_median_s"]
        item["added_wait_per_case_s"] = row["added_wait_per_case_s"]
        item["causes_change"] = causes_change(values)
        item["finding"] = finding_sentence(values, words)
        out.append(item)
    return out


def comparison_document(
    comparison: Comparison,
    words: Words = ENGLISH,
    maps: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The comparison as the `bottleneck/comparison@1` JSON document (see docs/compare.md);
    its sentences in `words`, English (with the calendar's working days, if any) in the CLI;
    `maps`: the `map` object of the before and after maps drawn (null when none was)."""
    c = comparison
    tz = c.display_tz

    def side(s: Any, kind: str) -> dict[str, Any]:
        return {
            "source": s.source,
            "cases": s.cases,
            "events": s.events,
            "first_event": local_time(s.first_event, tz) if s.first_event is not None else None,
            "last_event": local_time(s.last_event, tz) if s.last_event is not None else None,
            "has_start_times": s.has_start_times,
            "map": None if maps is None else maps.get(kind),
        }

    split: dict[str, Any] = {
        "mode": c.split.mode,
        "date": local_time(c.split.date, tz) if c.split.date is not None else None,
    }
    if c.split.mode == "date":
        split.update(
            straddling=c.split.straddling,
            straddling_cases=c.split.straddling_cases,
            description=c.split.description,
        )
    k = c.cases
    d = c.demand
    weekly = d.weekly.copy()
    weekly["week_start"] = [local_time(t, tz) for t in weekly["week_start"]]
    return {
        "schema": COMPARISON_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "before": side(c.before, "before"),
        "after": side(c.after, "after"),
        "split": split,
        "wait_definition": c.wait_definition,
        "time_basis": c.time_basis,
        "alpha": c.options.alpha,
        "confidence_level": 1.0 - c.options.alpha,
        "min_count": c.options.min_count,
        "bootstrap_resamples": c.options.n_boot,
        "seed": c.options.seed,
        "warnings": [warning_sentence(x, words) for x in c.warnings],
        "transitions": _stat_records(c.transitions, ("source", "target")),
        "activities": _stat_records(c.activities, ("activity",), words),
        "introduced_bottlenecks": _finding_records(c.introduced, words),
        "improvements": _finding_records(c.improvements, words),
        "cases": {
            "status": k.status,
            "before_count": k.before_count,
            "after_count": k.after_count,
            "before_median_s": clean(k.before_median_s),
            "after_median_s": clean(k.after_median_s),
            "before_mean_s": clean(k.before_mean_s),
            "after_mean_s": clean(k.after_mean_s),
            "before_p90_s": clean(k.before_p90_s),
            "after_p90_s": clean(k.after_p90_s),
            "median_delta_s": clean(k.median_delta_s),
            "median_delta_ci95_s": None
            if math.isnan(k.median_delta_ci95_s[0])
            else [k.median_delta_ci95_s[0], k.median_delta_ci95_s[1]],
            "p_value": clean(k.p_value),
            "q_value": clean(k.q_value),
            "cliffs_delta": clean(k.cliffs_delta),
            "deadline": deadline_name(k, words),
            "deadline_s": k.deadline_s,
            "before_over_deadline_share": clean(k.before_over_deadline_share),
            "after_over_deadline_share": clean(k.after_over_deadline_share),
        },
        "demand": {
            "summary": demand_summary(d, words),
            "changed": d.changed,
            "before_weeks": d.before_weeks,
            "after_weeks": d.after_weeks,
            "before_cases_started_per_week": clean(d.before_arrivals_per_week),
            "after_cases_started_per_week": clean(d.after_arrivals_per_week),
            "cases_started_change": clean(d.arrivals_change),
            "cases_started_p_value": clean(d.arrivals_p_value),
            "before_wip_mean": clean(d.before_wip_mean),
            "after_wip_mean": clean(d.after_wip_mean),
            "unit_column": d.unit_column,
            "weekly": records(weekly),
            "units": records(d.units),
        },
        "causes": _causes_document(c),
    }


def _causes_document(c: Comparison) -> dict[str, Any] | None:
    """The waiting-cause breakdown before and after (null when it cannot be made)."""
    if c.causes is None:
        return None
    from ..analysis.causes import CAUSES

    def rows(frame: pd.DataFrame, keys: tuple[str, ...]) -> list[dict[str, Any]]:
        out = []
        for rec in frame.to_dict(orient="records"):
            item: dict[str, Any] = {k: str(rec[k]) for k in keys}
            for side in ("before", "after"):
                item[f"{side}_wait_per_case_s"] = float(rec[f"wait_per_case_s_{side}"])
                item[f"{side}_per_case_s"] = {
                    cause: float(rec[f"{cause}_per_case_s_{side}"]) for cause in CAUSES
                }
                item[f"{side}_dominant"] = clean(rec[f"dominant_{side}"])
                item[f"{side}_dominant_share"] = clean(rec[f"dominant_share_{side}"])
            out.append(item)
        return out

    return {
        "time": "wall_clock",
        "per": "case of the period",
        "availability": c.causes.availability,
        "activities": rows(c.causes.activities, ("activity",)),
        "transitions": rows(c.causes.transitions, ("source", "target")),
    }
