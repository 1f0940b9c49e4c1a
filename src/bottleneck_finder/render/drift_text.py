"""Drift results -> the `bottleneck/drift@1` JSON document and the terminal lines."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import __version__
from ..analysis.drift_model import (
    OTHER,
    OVERALL,
    ChangePoint,
    CutoffNote,
    DriftResult,
    Episode,
    Move,
    element_key,
    metric_group,
)
from ..timeunits import local_time, pandas_zone, zone
from .messages import MESSAGES
from .serialize import clean
from .words import ENGLISH, Words

DRIFT_SCHEMA = "bottleneck/drift@1"


def element_text(key: str, words: Words = ENGLISH) -> str:
    """A drift@1 element key (`before b`, `a → b (new)`, `other`) in words: the key itself in
    English."""
    if words.lang == "en":
        return key
    new = key.endswith(" (new)")
    name = key.removesuffix(" (new)")
    if name.startswith("before "):
        name = words("t_before", activity=name.removeprefix("before "))
    elif name == OTHER:
        name = words("dr_other")
    elif name == OVERALL:
        name = words("dr_all")
    return name + (words("dr_new") if new else "")


def level_text(metric: str, value: float, words: Words = ENGLISH) -> str:
    """A level in the words and unit of its metric."""
    if metric.endswith("_s"):
        return words.duration(value)
    if metric == "flow":
        return words.fixed(value, ".0%")
    return words.fixed(value, ".1f")


def move_element(move: Move) -> str:
    """The drift@1 `element` of a move: `all`, `before b`, `a → b`, or for the flow the keys of
    the relations that moved, joined by "; "."""
    if move.scope == "flow":
        return "; ".join(r.key for r in move.relations)
    return element_key(move.activity, move.source)


def describe_move(move: Move, words: Words = ENGLISH) -> str:
    """One move in plain words, e.g. "median wait before Ký duyệt rose from 2 h to 3.1 d"."""
    w = words
    key = f"dr_metric_{move.metric}"
    what = w(key) if key in MESSAGES else move.metric
    up = "up" if move.after_level > move.before_level else "down"
    if move.scope == "flow":
        return w(
            f"dr_flow_{up}",
            what=what,
            first=element_text(move.relations[0].key, w),
            before=level_text("flow", move.before_level, w),
            after=level_text("flow", move.after_level, w),
        )
    if move.scope == "activity":
        where = w("dr_where_activity", activity=move.activity)
    elif move.scope == "transition":
        where = w("dr_where_transition", source=move.source, target=move.activity)
    else:
        where = ""
    return w(
        f"dr_move_{up}",
        what=what,
        where=where,
        before=level_text(move.metric, move.before_level, w),
        after=level_text(move.metric, move.after_level, w),
    )


def _groups(groups: list[str], words: Words) -> str:
    return ", ".join(words(f"dr_group_{g}") if f"dr_group_{g}" in MESSAGES else g for g in groups)


def when(stamp: pd.Timestamp, tz: str, words: Words = ENGLISH) -> str:
    """The date of a period start in the zone `tz`, with its clock time when it is not a local
    midnight (bins of cases start at a case's start)."""
    local = stamp.tz_convert(pandas_zone(tz))
    return words.date(local) if local == local.normalize() else words.datetime(local)


def describe(point: ChangePoint, tz: str = "UTC", words: Words = ENGLISH) -> str:
    """A change point in one line of plain words (also the `--split auto` description)."""
    w = words
    day = when(point.date, tz, w)
    others = [g for g in dict.fromkeys(metric_group(m) for m in point.metrics)]
    main_group = metric_group(point.main.metric)
    also = [g for g in others if g != main_group]
    tail = w("dr_also_moved", groups=_groups(also, w)) if also else ""
    return w(
        "dr_point",
        day=day,
        move=describe_move(point.main, w),
        strength=w.fixed(point.strength, ".1f"),
        tail=tail,
    )


def describe_episode(episode: Episode, tz: str = "UTC", words: Words = ENGLISH) -> str:
    """An excursion in one line, e.g. "from 2018-07-02 to 2018-07-23: new cases per working
    day went from 16 to 7.1 and came back"."""
    w = words
    key = f"dr_metric_{episode.metric}"
    what = w(key) if key in MESSAGES else episode.metric
    if episode.scope == "flow":
        what = w("dr_episode_flow", what=what, first=element_text(episode.relations[0].key, w))
    elif episode.scope == "activity":
        what += w("dr_where_activity", activity=episode.activity)
    elif episode.scope == "transition":
        what += w("dr_where_transition", source=episode.source, target=episode.activity)
    metric = "flow" if episode.scope == "flow" else episode.metric
    return w(
        "dr_episode",
        start=w.date(episode.start.tz_convert(pandas_zone(tz))),
        end=w.date(episode.end.tz_convert(pandas_zone(tz))),
        what=what,
        before=level_text(metric, episode.before_level, w),
        level=level_text(metric, episode.level, w),
    )


def note_text(note: CutoffNote, tz: str, words: Words = ENGLISH) -> str:
    """A note about what the series leave out, in one sentence."""
    return words("dr_cutoff", date=words.date(note.date.tz_convert(zone(tz))))


def _move(move: Move, tz: str) -> dict[str, Any]:
    return {
        "date": local_time(move.date, tz),
        "metric": move.metric,
        "element": move_element(move),
        "before_level": clean(move.before_level),
        "after_level": clean(move.after_level),
        "strength": clean(move.strength),
        "p_value": clean(move.p_value),
        "date_low": local_time(move.low, tz),
        "date_high": local_time(move.high, tz),
    }


def _point(point: ChangePoint, tz: str, words: Words) -> dict[str, Any]:
    return {
        "date": local_time(point.date, tz),
        "date_low": local_time(point.date_low or point.date, tz),
        "date_high": local_time(point.date_high or point.date, tz),
        "metrics": list(point.metrics),
        "elements": list(point.elements),
        "before_level": clean(point.before_level),
        "after_level": clean(point.after_level),
        "strength": clean(point.strength),
        "metric": point.main.metric,
        "description": describe(point, tz, words),
        "moves": [_move(m, tz) for m in point.moves],
    }


def _frame(frame: pd.DataFrame, tz: str) -> list[dict[str, Any]]:
    out = frame.copy()
    out["period"] = [local_time(p, tz) for p in out["period"]]
    return [{str(k): clean(v) for k, v in row.items()} for row in out.to_dict(orient="records")]


def drift_document(result: DriftResult, words: Words = ENGLISH) -> dict[str, Any]:
    """The drift result as the `bottleneck/drift@1` JSON document (see docs/drift.md); its
    descriptions in `words`, English (with the calendar's working days, if any) in the CLI."""
    tz = result.display_tz
    doc: dict[str, Any] = {
        "schema": DRIFT_SCHEMA,
        "generator": f"bottleneck-finder {__version__}",
        "source": result.source,
        "granularity": result.granularity,
        "bin_cases": result.bin_cases,
        "periods": {
            "count": result.periods,
            "first": local_time(result.first_period, tz),
            "last": local_time(result.last_period, tz),
        },
        "metrics": list(result.metrics),
        "change_points": [_point(p, tz, words) for p in result.change_points],
        "series": _frame(result.series, tz),
        "relations": _frame(result.relations, tz),
        "notes": [note_text(n, tz, words) for n in result.notes],
        "episodes": [
            {
                "start": local_time(e.start, tz),
                "end": local_time(e.end, tz),
                "metric": e.metric,
                "element": "; ".join(r.key for r in e.relations)
                if e.scope == "flow"
                else element_key(e.activity, e.source),
                "before_level": clean(e.before_level),
                "level": clean(e.level),
                "strength": clean(e.strength),
                "description": describe_episode(e, tz, words),
            }
            for e in result.episodes
        ],
        "holiday_periods": [local_time(p, tz) for p in result.holiday_periods],
    }
    doc["time_basis"] = result.time_basis
    return doc


def drift_text(result: DriftResult, words: Words = ENGLISH) -> str:
    """The change points, oldest first (newest last), each in plain words."""
    w = words
    tz = result.display_tz
    week = result.granularity == "week"
    lines = [
        w(
            "dr_head",
            source=result.source,
            periods=w.count(result.periods),
            unit=w("dr_bins", n=w.count(result.bin_cases or 0))
            if result.granularity == "cases"
            else w("dr_weeks" if week else "dr_days"),
            first=w.day(result.first_period, tz),
            last=w.day(result.last_period, tz),
            metrics=_groups(list(result.metrics), w),
        )
    ]
    basis = working_basis_line(result, w)
    if basis:
        lines.append(basis)
    lines.extend(w("note", note=note_text(note, tz, w)) for note in result.notes)
    if result.holiday_periods:
        days = ", ".join(w.day(p, tz) for p in result.holiday_periods[:6])
        extra = len(result.holiday_periods) - 6
        more = w("dr_more", count=w.count(extra)) if extra > 0 else ""
        lines.append(
            w(
                "note",
                note=w("dr_holidays", count=w.count(len(result.holiday_periods)), days=days + more),
            )
        )
    episodes = [f"  {describe_episode(e, tz, w)}" for e in result.episodes]
    if not result.change_points:
        lines.append(w("dr_no_point"))
        if episodes:
            lines.append(w("dr_episodes", count=w.count(len(episodes))))
            lines.extend(episodes)
        return "\n".join(lines)
    count = len(result.change_points)
    lines.append(w("dr_points_one" if count == 1 else "dr_points", count=w.count(count)))
    for point in result.change_points:
        lines.append(f"  {describe(point, tz, w)}")
        others = [m for m in point.moves if m is not point.main][:3]  # the strongest others
        for move in sorted(others, key=lambda m: (m.date, -m.strength)):
            day = when(move.date, tz, w)
            start = w("dr_week_of", day=day) if week else day
            lines.append(w("dr_also", move=describe_move(move, w), when=start))
        if point.elements:
            shown = ", ".join(element_text(e, w) for e in point.elements[:4])
            extra = len(point.elements) - 4
            more = w("dr_more", count=w.count(extra)) if extra > 0 else ""
            lines.append(w("dr_where", shown=shown, more=more))
        low, high = point.date_low or point.date, point.date_high or point.date
        if low != point.date or high != point.date:
            lines.append(w("dr_between", low=when(low, tz, w), high=when(high, tz, w)))
    if episodes:
        lines.append(w("dr_episodes", count=w.count(len(episodes))))
        lines.extend(episodes)
    return "\n".join(lines)


def working_basis_line(result: DriftResult, words: Words = ENGLISH) -> str:
    """The line saying that waits and throughput times are working time (empty without a
    calendar)."""
    if result.time_basis == "wall_clock":
        return ""
    name = result.time_basis.removeprefix("working:")
    return words("dr_working", calendar=name, hours=words.fixed(result.day_s / 3600, "g"))
