"""Why work waits: each step's waiting time split into batching, contention, prioritization,
resource unavailability and extraneous causes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..calendar import WorkCalendar
from ..model import EventLog
from ..prepared import PreparedLog, prepared
from ..timeunits import HOUR_US, US, WEEK_US, zone
from .batches import BATCH_TYPES, Batches, batch_summary, discover_batches
from .start_estimate import enabled_times, estimate_starts

CAUSES = (
    "batching",
    "resource_contention",
    "prioritization",
    "resource_unavailability",
    "extraneous",
)
SPLIT = ("batching_creation_us", "batching_ready_us")  # the two parts of `batching_us`
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CauseOptions:
    """How causes are attributed.

    `calendar` gives every resource's working time (else each resource's is learned from the
    log); `group_pools` treats each role/unit (`group`) as one resource; a learned calendar
    keeps an hour-of-week slot when the resource is seen starting or ending work in it in at
    least `learned_min_share` of the weeks it is active (and at least once); a batch's members
    follow one another with at most `batch_gap_s` between one end and the next start, and a
    batch has at least `batch_min_size` members; with `estimate_starts`, instances without a
    start time get one estimated (`analysis.start_estimate`) and are attributed on it.
    """

    calendar: WorkCalendar | None = None
    group_pools: bool = False
    learned_min_share: float = 0.1
    batch_gap_s: float = 0.0
    batch_min_size: int = 2
    estimate_starts: bool = True


@dataclass(frozen=True)
class CauseBreakdown:
    """Waiting time by cause for one log.

    `instances` has one row per activity instance with a known start: `case`, `activity`,
    `source` (activity whose end enabled it, missing for a case's first step), `resource`,
    `enabled_us`, `start_us`, `wait_us` and one `<cause>_us` column per cause (integer
    microseconds; the five always sum to `wait_us`), the batching split
    `batching_creation_us` + `batching_ready_us` = `batching_us`, and the instance's `batch` id
    and `batch_type` (missing outside a batch), and `start_estimated` (the start, so the wait,
    rests on an estimate). `transitions`, `activities` and `resources` aggregate it (seconds,
    with `estimated_count`); `ranking` orders the (transition, cause) pairs; `batches`
    describes the batches per activity and resource (`analysis.batches.batch_summary`, with names).
    `starts` says where the start times come from: "recorded", "estimated" (none recorded)
    or "partly estimated"; `instances_estimated` counts the estimated ones, of
    `instances_total` activity instances (`estimated_without_resource` of the estimated ones
    have no resource: they are taken to start when enabled).
    """

    source: str
    resource_kind: str  # "resource" or "group"
    availability: str  # "calendar <name>" or "learned per resource"
    instances: pd.DataFrame
    transitions: pd.DataFrame
    activities: pd.DataFrame
    resources: pd.DataFrame
    ranking: pd.DataFrame
    wait_total_s: float
    totals_s: dict[str, float]
    instances_without_start: int
    unattributed_s: float
    has_start_times: bool
    batches: pd.DataFrame
    batch_gap_s: float
    batch_min_size: int
    starts: str = "recorded"
    instances_estimated: int = 0
    instances_total: int = 0
    estimated_without_resource: int = 0


PAIR_CHUNK = 4_000_000  # candidate (instance, busy instance) pairs generated at a time


def _busy_pairs(
    res: I64, start: I64, end: I64, lo_t: I64, hi_t: I64, ok: npt.NDArray[np.bool_]
) -> Iterator[tuple[I64, I64]]:
    """Pairs (i, j): instance j of i's resource (j ≠ i) was being worked on during i's window
    [lo_t, hi_t), each instance's pairs together and in order of j's start. Found per resource
    with sorted start times and a running maximum of ends, so only instances near the window
    are looked at; yielded in chunks of whole instances (bounded memory on large logs)."""
    idx = np.flatnonzero(ok)
    want = np.flatnonzero(ok & (hi_t > lo_t))
    if idx.size == 0 or want.size == 0:
        return
    order = idx[np.lexsort((start[idx], res[idx]))]  # by resource, then start
    r_sorted = res[order]
    block = np.flatnonzero(np.r_[True, r_sorted[1:] != r_sorted[:-1], True])
    want = want[np.argsort(res[want], kind="stable")]
    w_res = res[want]
    w_block = np.flatnonzero(np.r_[True, w_res[1:] != w_res[:-1], True])
    lo = np.zeros(want.size, dtype=np.int64)
    hi = np.zeros(want.size, dtype=np.int64)
    firsts = r_sorted[block[:-1]]
    for wa, wb in itertools.pairwise(w_block):
        k = int(np.searchsorted(firsts, w_res[wa]))  # this resource's block of instances
        b0, b1 = int(block[k]), int(block[k + 1])
        starts = start[order[b0:b1]]
        run_end = np.maximum.accumulate(end[order[b0:b1]])
        w = want[wa:wb]
        hi[wa:wb] = b0 + np.searchsorted(starts, hi_t[w], side="left")
        lo[wa:wb] = b0 + np.searchsorted(run_end, lo_t[w], side="right")
    counts = np.maximum(hi - lo, 0)
    cum = np.cumsum(counts)
    first = 0
    while first < want.size:
        base = int(cum[first] - counts[first])
        last = max(first + 1, int(np.searchsorted(cum, base + PAIR_CHUNK, side="right")))
        w, c, low = want[first:last], counts[first:last], lo[first:last]
        total = int(c.sum())
        ii = np.repeat(w, c)
        offsets = np.repeat(low - (np.cumsum(c) - c), c)
        jj = order[np.arange(total, dtype=np.int64) + offsets]
        keep = (jj != ii) & (end[jj] > lo_t[ii]) & (start[jj] < hi_t[ii])
        yield ii[keep], jj[keep]
        first = last


def _islands(group: I64, a: I64, b: I64) -> tuple[I64, I64, I64]:
    """The merged intervals (group, start, end) of the intervals [a, b) of each group; the
    input must hold each group's intervals together, in order of `a` (as `_busy_pairs` yields
    them)."""
    if group.size == 0:
        return group, a, b
    run_max = pd.Series(b).groupby(group, sort=False).cummax().to_numpy(dtype=np.int64)
    new = np.ones(len(group), dtype=bool)
    new[1:] = (group[1:] != group[:-1]) | (a[1:] > run_max[:-1])
    starts = np.flatnonzero(new)
    return group[starts], a[starts], np.maximum.reduceat(b, starts)


def _per_group_sum(n: int, group: I64, values: I64) -> I64:
    """Sum of `values` per group 0..n-1 (each group's values together)."""
    out = np.zeros(n, dtype=np.int64)
    if group.size:
        firsts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[group[firsts]] = np.add.reduceat(values, firsts)
    return out


def _union_length(n: int, group: I64, a: I64, b: I64) -> I64:
    """Per instance 0..n-1: the length of the union of its intervals [a, b)."""
    g, aa, bb = _islands(group, a, b)
    return _per_group_sum(n, g, bb - aa)


def learned_calendar(name: str, tz: str, times: I64, min_share: float) -> WorkCalendar:
    """A weekly calendar of the hour-of-week slots in which a resource is seen starting or
    ending work in at least `min_share` of the weeks it is active (and at least once)."""
    local = pd.to_datetime(times, unit="us", utc=True).tz_convert(zone(tz))
    naive_us = local.tz_localize(None).as_unit("us").asi8  # wall-clock microseconds
    since = naive_us - np.int64(4 * 24 * HOUR_US)  # 1970-01-05 was a Monday
    week = since // WEEK_US
    slot = (since % WEEK_US) // HOUR_US
    weeks_active = len(np.unique(week))
    need = max(1, math.ceil(min_share * weeks_active))
    seen = np.bincount(np.unique(week * 168 + slot) % 168, minlength=168)
    working = seen >= need
    weekly = []
    for day in range(7):
        spans: list[tuple[int, int]] = []
        for hour in range(24):
            if working[day * 24 + hour]:
                if spans and spans[-1][1] == hour * 60:
                    spans[-1] = (spans[-1][0], hour * 60 + 60)
                else:
                    spans.append((hour * 60, hour * 60 + 60))
        weekly.append(tuple(spans))
    return WorkCalendar(name=name, tz=tz, weekly=tuple(weekly))  # type: ignore[arg-type]


def _by_group(keys: I64, values: I64) -> list[tuple[int, I64]]:
    """The values of each key, one sort instead of one mask per key."""
    if keys.size == 0:
        return []
    order = np.argsort(keys, kind="stable")
    k, v = keys[order], values[order]
    bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    return [(int(k[lo]), v[lo:hi]) for lo, hi in itertools.pairwise(bounds)]


def attribute_causes(
    log: EventLog | PreparedLog, options: CauseOptions | None = None
) -> CauseBreakdown:
    """Split the waiting time before every activity instance of `log` into the five causes.

    Causes are found on the real times of the events; with a working calendar (the prepared
    log's, or `options.calendar`) unavailability is measured against its working hours."""
    opts = options or CauseOptions()
    with prepared(log, opts.calendar) as p:
        opts = replace(opts, calendar=opts.calendar or p.calendar)
        log = p.log
        steps = p.session("real").frame(
            "SELECT case_id, activity, resource_id, group_id, start_us, end_us, row_no, wait_us "
            "FROM steps ORDER BY row_no"
        )
    n = len(steps)
    case = steps["case_id"].to_numpy(dtype=np.int64)
    act = steps["activity"].to_numpy(dtype=np.int64)
    who_col = "group_id" if opts.group_pools else "resource_id"
    res = steps[who_col].fillna(-1).to_numpy(dtype=np.int64)
    end = steps["end_us"].to_numpy(dtype=np.int64)
    has_start = ~steps["start_us"].isna().to_numpy()
    start = np.where(has_start, steps["start_us"].fillna(0).to_numpy(dtype=np.int64), end)
    recorded = has_start
    no_resource = 0
    if opts.estimate_starts and n and not has_start.all():
        # individual resources: the availability of a person, also with --group-pools
        est = estimate_starts(
            case,
            act,
            steps["resource_id"].fillna(-1).to_numpy(dtype=np.int64),
            end,
            start,
            has_start,
            steps["row_no"].to_numpy(dtype=np.int64),
        )
        start, has_start = est.start, np.ones(n, dtype=bool)
        no_resource = int((est.estimated & (steps["resource_id"].isna().to_numpy())).sum())

    prev = enabled_times(case, start, end, has_start)
    enabled = np.where(prev >= 0, end[np.maximum(prev, 0)], start)
    enabled = np.minimum(enabled, start)
    wait = start - enabled

    # batching (Lashkevich et al.): a member waits for its batch to be formed (creation: from
    # its enablement to the enablement of the batch's last member) and then for the formed
    # batch to start (ready: to the batch's first start)
    with_res = has_start & (res >= 0)
    found = discover_batches(
        res,
        act,
        start,
        end,
        enabled,
        with_res,
        gap_us=round(opts.batch_gap_s * US),
        min_size=opts.batch_min_size,
    )
    in_batch = found.batch >= 0
    creation = np.where(in_batch, found.ready_us - enabled, 0)
    ready_wait = np.where(in_batch, found.start_us - found.ready_us, 0)
    batching = creation + ready_wait
    after_batch = enabled + batching  # the rest of the window: [after_batch, start)

    cal = opts.calendar
    clocks: dict[int, WorkCalendar | None] = {}
    if cal is None:
        tz = log.display_tz or "UTC"
        seen_res = np.concatenate([res[with_res], res[res >= 0]])
        seen_at = np.concatenate([start[with_res], end[res >= 0]])
        for r, times in _by_group(seen_res, seen_at):
            learned = learned_calendar(f"learned:{r}", tz, times, opts.learned_min_share)
            # a resource seen too rarely for any slot to qualify counts as always available
            clocks[r] = learned if any(learned.weekly) else None
        availability = "learned per resource"
    else:
        availability = f"calendar {cal.name}"

    def working_between(who: I64, x: I64, y: I64) -> I64:
        """Working time between `x` and `y` on the calendar of the resource `who` (the given
        calendar for everyone; without one, each resource's learned calendar, and always
        available for an unknown or never-learned resource)."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.int64)
        if cal is not None:
            return cal.working_duration_us(x, y)
        out = y - x
        order = np.argsort(who, kind="stable")
        bounds = np.flatnonzero(np.r_[True, who[order][1:] != who[order][:-1], True])
        for lo, hi in itertools.pairwise(bounds):
            sel = order[lo:hi]
            learned = clocks.get(int(who[sel[0]]))
            if learned is not None:
                out[sel] = learned.working_duration_us(x[sel], y[sel])
        return out

    # busy time of the resource in the rest of the window, by the other work it did then
    busy_all = np.zeros(n, dtype=np.int64)
    contention = np.zeros(n, dtype=np.int64)
    busy_work = np.zeros(n, dtype=np.int64)  # the part of the busy time in working hours
    for ii, jj in _busy_pairs(res, start, end, after_batch, start, with_res):
        a = np.maximum(start[jj], after_batch[ii])
        b = np.minimum(end[jj], start[ii])
        first = enabled[jj] <= enabled[ii]  # the other work was ready no later
        busy_all += _union_length(n, ii, a, b)
        contention += _union_length(n, ii[first], a[first], b[first])
        isl_i, isl_a, isl_b = _islands(ii, a, b)
        if isl_i.size:
            busy_work += _per_group_sum(n, isl_i, working_between(res[isl_i], isl_a, isl_b))
    prioritization = busy_all - contention

    rest = start - after_batch
    rest_working = np.zeros(n, dtype=np.int64)
    sel = np.flatnonzero(has_start & (rest > 0))
    rest_working[sel] = working_between(res[sel], after_batch[sel], start[sel])
    unavailable = (rest - rest_working) - (busy_all - busy_work)
    extraneous = rest_working - busy_work

    parts = {
        "batching": batching,
        "resource_contention": contention,
        "prioritization": prioritization,
        "resource_unavailability": unavailable,
        "extraneous": extraneous,
    }
    split = {"creation": creation, "ready": ready_wait}
    summary = batch_summary(
        found, act, res, with_res, creation, ready_wait, log.display_tz or "UTC"
    )
    return _assemble(
        log,
        opts,
        steps,
        prev,
        enabled,
        start,
        wait,
        has_start,
        res,
        parts,
        availability,
        (found, split, summary),
        (recorded, no_resource),
    )


def _labels(log: EventLog, column: str, codes: I64) -> pd.Series:
    names = log.events[column].cat.categories
    safe = np.where(codes >= 0, codes, 0)
    values = np.asarray(names, dtype=object)[safe] if len(names) else np.full(len(codes), None)
    labels = pd.Series(values, dtype="string")
    labels[codes < 0] = pd.NA
    return labels


def aggregate(instances: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of `keys`: count, cases, total wait and, per cause, the total and per-case
    seconds and the share of the group's wait (0 when it has none); with the batching split
    in `instances`, also `batching_creation_s` and `batching_ready_s`, and with
    `start_estimated`, `estimated_count` (instances whose wait rests on an estimated start)."""
    cols = ["wait_us", *(f"{c}_us" for c in CAUSES)]
    cols += [c for c in SPLIT if c in instances.columns]
    flagged = "start_estimated" in instances.columns
    frame = instances[[*keys, "case", *cols, *(["start_estimated"] if flagged else [])]]
    grouped = frame.groupby(keys, sort=True, dropna=False, observed=True)
    out = grouped[cols].sum()
    if flagged:
        out["estimated_count"] = grouped["start_estimated"].sum().astype("int64")
    out.insert(0, "cases", grouped["case"].nunique())
    out.insert(0, "count", grouped.size())
    out = out.reset_index()
    out["wait_total_s"] = out["wait_us"] / US
    cases = out["cases"].to_numpy(dtype="float64")
    for c in CAUSES:
        total = out[f"{c}_us"].to_numpy(dtype="float64")
        out[f"{c}_s"] = total / US
        out[f"{c}_per_case_s"] = total / US / cases
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(out["wait_us"] > 0, total / out["wait_us"].to_numpy("float64"), 0.0)
        out[f"{c}_share"] = share
    for c in SPLIT:
        if c in out.columns:
            out[c.removesuffix("_us") + "_s"] = out[c] / US
    out = out.drop(columns=cols)
    out = out.sort_values(
        ["wait_total_s", *keys], ascending=[False, *[True] * len(keys)], kind="stable"
    )
    return out.reset_index(drop=True)


def _ranking(transitions: pd.DataFrame, total_s: float) -> pd.DataFrame:
    rows = []
    for rec in transitions.to_dict(orient="records"):
        for c in CAUSES:
            if rec[f"{c}_s"] > 0:
                rows.append(
                    {
                        "source": rec["source"],
                        "target": rec["target"],
                        "cause": c,
                        "wait_s": rec[f"{c}_s"],
                        "count": rec["count"],
                    }
                )
    frame = pd.DataFrame(rows, columns=["source", "target", "cause", "wait_s", "count"])
    frame = frame.sort_values(
        ["wait_s", "source", "target", "cause"], ascending=[False, True, True, True], kind="stable"
    )
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame["share_of_total_wait"] = frame["wait_s"] / total_s if total_s > 0 else 0.0
    return frame.reset_index(drop=True)


def _assemble(
    log: EventLog,
    opts: CauseOptions,
    steps: pd.DataFrame,
    prev: I64,
    enabled: I64,
    start: I64,
    wait: I64,
    has_start: npt.NDArray[np.bool_],
    res: I64,
    parts: dict[str, I64],
    availability: str,
    batching: tuple[Batches, dict[str, I64], pd.DataFrame],
    estimation: tuple[npt.NDArray[np.bool_], int],
) -> CauseBreakdown:
    found, split, summary = batching
    recorded, no_resource = estimation
    act = steps["activity"].to_numpy(dtype=np.int64)
    case = steps["case_id"].to_numpy(dtype=np.int64)
    who = "group" if opts.group_pools else "resource"
    waiting = prev >= 0
    sel = np.flatnonzero(waiting)
    inst = pd.DataFrame(
        {
            "case": _labels(log, "case", case[sel]),
            "source": _labels(log, "activity", act[prev[sel]]),
            "activity": _labels(log, "activity", act[sel]),
            "resource": _labels(log, who, res[sel]).fillna("(none)"),
            "enabled_us": enabled[sel],
            "start_us": start[sel],
            "wait_us": wait[sel],
            **{f"{c}_us": parts[c][sel] for c in CAUSES},
            "batching_creation_us": split["creation"][sel],
            "batching_ready_us": split["ready"][sel],
            "batch": pd.array(np.where(found.batch[sel] >= 0, found.batch[sel], 0), dtype="Int64"),
            "batch_type": pd.Series(
                np.asarray(BATCH_TYPES, dtype=object)[np.maximum(found.kind[sel], 0)],
                dtype="string",
            ),
            "start_estimated": has_start[sel] & ~recorded[sel],
        }
    )
    outside = found.batch[sel] < 0
    inst.loc[outside, "batch"] = pd.NA
    inst.loc[outside, "batch_type"] = pd.NA
    batches = summary.copy()
    batches["activity"] = _labels(log, "activity", summary["activity"].to_numpy(np.int64))
    batches["resource"] = _labels(log, who, summary["resource"].to_numpy(np.int64))
    transitions = aggregate(inst.rename(columns={"activity": "target"}), ["source", "target"])
    activities = aggregate(inst, ["activity"])
    resources = aggregate(inst, ["resource"])
    total_s = float(inst["wait_us"].sum()) / US
    no_start = ~has_start
    unattributed = steps["wait_us"].to_numpy(dtype="float64", na_value=0.0)[no_start]
    missing = int(no_start.sum())
    estimated = int((has_start & ~recorded).sum())
    starts = "partly estimated" if recorded.any() else "estimated"
    return CauseBreakdown(
        source=log.source,
        resource_kind=who,
        availability=availability,
        instances=inst,
        transitions=transitions,
        activities=activities,
        resources=resources,
        ranking=_ranking(transitions, total_s),
        wait_total_s=total_s,
        totals_s={c: float(parts[c][sel].sum()) / US for c in CAUSES},
        instances_without_start=int((~recorded).sum()) if estimated else missing,
        unattributed_s=float(unattributed.sum()) / US,
        has_start_times=bool(recorded.any()),
        batches=batches,
        batch_gap_s=opts.batch_gap_s,
        batch_min_size=opts.batch_min_size,
        starts=starts if estimated else "recorded",
        instances_estimated=estimated,
        instances_total=len(steps),
        estimated_without_resource=no_resource,
    )


def dominant_causes(transitions: pd.DataFrame) -> pd.DataFrame:
    """Per transition (`source`, `target`): the cause with the most waiting time (`cause`,
    ties broken in the order of `CAUSES`) and its `share` of the transition's wait; transitions
    without waiting time are left out. For colouring the arrows of the process graph."""
    rows = []
    for rec in transitions.to_dict(orient="records"):
        if rec["wait_total_s"] <= 0:
            continue
        best = max(CAUSES, key=lambda c: (rec[f"{c}_s"], -CAUSES.index(c)))
        rows.append(
            {
                "source": rec["source"],
                "target": rec["target"],
                "cause": best,
                "share": rec[f"{best}_share"],
            }
        )
    return pd.DataFrame(rows, columns=["source", "target", "cause", "share"])


def compare_causes(before: CauseBreakdown, after: CauseBreakdown) -> pd.DataFrame:
    """Per activity present in either log: each cause's seconds per case before and after
    (`<cause>_per_case_s_before` / `_after`, 0 where the activity is absent) and the change
    (`<cause>_per_case_s_change`), with `wait_per_case_s_before` / `_after` and the dominant
    cause on each side (`dominant_before`, `dominant_after`, missing without waiting time)."""
    cols = [f"{c}_per_case_s" for c in CAUSES]
    left = before.activities.set_index("activity")
    right = after.activities.set_index("activity")
    names = sorted(set(left.index) | set(right.index))
    out = pd.DataFrame({"activity": pd.Series(names, dtype="string")})
    for side, frame in (("before", left), ("after", right)):
        part = frame.reindex(names)
        for col in cols:
            out[f"{col}_{side}"] = part[col].fillna(0.0).to_numpy(dtype="float64")
        waits = part["wait_total_s"].fillna(0.0) / part["cases"].fillna(1).clip(lower=1)
        out[f"wait_per_case_s_{side}"] = waits.to_numpy(dtype="float64")
        per_cause = np.stack([out[f"{col}_{side}"].to_numpy() for col in cols], axis=1)
        best = np.asarray(CAUSES, dtype=object)[per_cause.argmax(axis=1)]
        dominant = pd.Series(best, dtype="string")
        out[f"dominant_{side}"] = dominant.where(per_cause.max(axis=1) > 0)
    for col in cols:
        out[f"{col}_change"] = out[f"{col}_after"] - out[f"{col}_before"]
    return out
