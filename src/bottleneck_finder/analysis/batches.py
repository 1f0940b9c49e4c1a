"""Batch discovery (Martin et al.; Lashkevich et al.): parallel, sequential, concurrent batches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..timeunits import US, zone

BATCH_TYPES = ("parallel", "sequential", "concurrent")
I64 = npt.NDArray[np.int64]
FIRING_MIN_SHARE = 0.6  # a weekday-and-hour (or an hour) holding this share of batches is told


@dataclass(frozen=True)
class Batches:
    """Per activity instance: `batch` id (−1 outside a batch), `kind` (index into
    `BATCH_TYPES`, −1 outside), and the batch's `ready_us` (the enablement of its last member)
    and `start_us` (its first start)."""

    batch: I64
    kind: npt.NDArray[np.int8]
    ready_us: I64
    start_us: I64


def discover_batches(
    res: I64,
    act: I64,
    start: I64,
    end: I64,
    enabled: I64,
    ok: npt.NDArray[np.bool_],
    *,
    gap_us: int = 0,
    min_size: int = 2,
) -> Batches:
    """The batches among the instances where `ok` (a resource and a start are known).

    Per resource and activity, instances sorted by start form *runs*: an instance joins the
    run when it starts no more than `gap_us` after the latest end so far (back to back,
    overlapping or at the same instant). A batch is the longest beginning of a run whose
    members were all enabled by the run's first start (Martin et al.'s condition as in the
    pix-framework sweep), kept when it has at least `min_size` members. The rest of a run —
    work that arrived after the run began and was taken on without a break — is not a batch:
    it waited for a busy resource (contention), not for a batch to be formed."""
    n = len(res)
    batch = np.full(n, -1, dtype=np.int64)
    kind = np.full(n, -1, dtype=np.int8)
    ready = np.zeros(n, dtype=np.int64)
    first = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(ok)
    if idx.size < max(min_size, 1):
        return Batches(batch, kind, ready, first)
    order = idx[np.lexsort((end[idx], start[idx], act[idx], res[idx]))]
    r, a, s, e, en = res[order], act[order], start[order], end[order], enabled[order]
    new_group = np.r_[True, (r[1:] != r[:-1]) | (a[1:] != a[:-1])]
    group = np.cumsum(new_group) - 1
    latest_end = pd.Series(e).groupby(group).cummax().to_numpy(dtype=np.int64)
    before = np.r_[np.int64(0), latest_end[:-1]]
    new_run = new_group | (s - before > gap_us)
    run = np.cumsum(new_run) - 1
    run_start = s[np.flatnonzero(new_run)][run]
    prefix = pd.Series(en <= run_start).groupby(run).cummin().to_numpy(dtype=bool)
    size = np.bincount(run[prefix], minlength=int(run[-1]) + 1)
    member = prefix & (size[run] >= min_size)
    if not member.any():
        return Batches(batch, kind, ready, first)
    runs_kept = np.flatnonzero(size >= min_size)
    ids = np.full(size.size, -1, dtype=np.int64)
    ids[runs_kept] = np.arange(runs_kept.size)
    b = ids[run[member]]
    ms, me, men = s[member], e[member], en[member]
    count = np.bincount(b)
    last_enabled = np.zeros(count.size, dtype=np.int64)
    np.maximum.at(last_enabled, b, men)
    lead = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])[b]  # each member's batch's first
    differ = np.bincount(b, weights=(ms != ms[lead]) | (me != me[lead]))
    same = np.r_[b[1:] == b[:-1], False]
    overlap = np.zeros(count.size, dtype=bool)
    hits = np.flatnonzero(same & (np.r_[ms[1:], 0] < me))
    overlap[b[hits]] = True
    btype = np.where(differ == 0, 0, np.where(overlap, 2, 1)).astype(np.int8)
    where = order[member]
    batch[where] = b
    kind[where] = btype[b]
    ready[where] = last_enabled[b]
    first[where] = run_start[member]
    return Batches(batch, kind, ready, first)


def batch_summary(
    found: Batches,
    act: I64,
    res: I64,
    ok: npt.NDArray[np.bool_],
    creation: I64,
    ready_wait: I64,
    tz: str,
) -> pd.DataFrame:
    """Per activity and resource with batches (codes `activity`, `resource`): `instances`
    (with a start), `instances_in_batches`, `batches`, `type` (the most common, ties in the
    order of `BATCH_TYPES`), `size_min` / `size_median` / `size_max`, the batching wait of the
    members (`creation_s`, `ready_s`, `batching_s` and `batching_mean_s` per member), and the
    firing pattern of the batches' first starts in `tz`: `firing` "weekly" (one weekday and
    hour holds `FIRING_MIN_SHARE` of them), "days" (one hour does, on a few weekdays), "daily"
    (one hour, on most weekdays) or "", with `firing_weekdays` ("4", "1,3"; 0 = Monday),
    `firing_hour` and `firing_share`. Sorted by `batching_s`."""
    columns = [
        "activity", "resource", "instances", "instances_in_batches", "batches", "type",
        "size_min", "size_median", "size_max", "creation_s", "ready_s", "batching_s",
        "batching_mean_s", "firing", "firing_weekdays", "firing_hour", "firing_share",
    ]  # fmt: skip
    sel = found.batch >= 0
    if not sel.any():
        return pd.DataFrame(columns=columns)
    members = pd.DataFrame(
        {
            "batch": found.batch[sel],
            "kind": found.kind[sel],
            "activity": act[sel],
            "resource": res[sel],
            "start": found.start_us[sel],
            "creation": creation[sel],
            "ready": ready_wait[sel],
        }
    )
    per_batch = members.groupby("batch").agg(
        activity=("activity", "first"),
        resource=("resource", "first"),
        kind=("kind", "first"),
        start=("start", "first"),
        size=("kind", "size"),
        creation=("creation", "sum"),
        ready=("ready", "sum"),
    )
    local = pd.to_datetime(per_batch["start"], unit="us", utc=True).dt.tz_convert(zone(tz))
    per_batch["weekday"] = local.dt.day_of_week.to_numpy()
    per_batch["hour"] = local.dt.hour.to_numpy()
    seen = pd.DataFrame({"activity": act[ok], "resource": res[ok]}).value_counts()
    rows = []
    for _, g in per_batch.groupby(["activity", "resource"], sort=False):
        a, r = int(g["activity"].iloc[0]), int(g["resource"].iloc[0])
        kinds = np.bincount(g["kind"].to_numpy(dtype=np.int64), minlength=len(BATCH_TYPES))
        sizes = g["size"].to_numpy(dtype=np.int64)
        creation_s = float(g["creation"].sum()) / US
        ready_s = float(g["ready"].sum()) / US
        firing, weekdays, hour, share = _firing(g["weekday"], g["hour"])
        rows.append(
            {
                "activity": a,
                "resource": r,
                "instances": int(seen.get((a, r), 0)),
                "instances_in_batches": int(sizes.sum()),
                "batches": len(g),
                "type": BATCH_TYPES[int(np.argmax(kinds))],
                "size_min": int(sizes.min()),
                "size_median": float(np.median(sizes)),
                "size_max": int(sizes.max()),
                "creation_s": creation_s,
                "ready_s": ready_s,
                "batching_s": creation_s + ready_s,
                "batching_mean_s": (creation_s + ready_s) / float(sizes.sum()),
                "firing": firing,
                "firing_weekdays": weekdays,
                "firing_hour": hour,
                "firing_share": share,
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["batching_s", "activity", "resource"], ascending=[False, True, True])
    return out.reset_index(drop=True)


def _firing(weekday: pd.Series, hour: pd.Series) -> tuple[str, str, int, float]:
    """How the batches fire, when one pattern holds at least `FIRING_MIN_SHARE` of two or more
    batches: "weekly" (one weekday and hour), "days" (one hour, on fewer than five weekdays:
    the weekdays, e.g. "1,3") or "daily" (one hour); ("", "", −1, share) otherwise."""
    total = len(weekday)
    slots = pd.DataFrame({"d": weekday.to_numpy(), "h": hour.to_numpy()}).value_counts()
    (d, h), top = slots.index[0], int(slots.iloc[0])
    if total >= 2 and top / total >= FIRING_MIN_SHARE:
        return "weekly", str(int(d)), int(h), top / total
    hours = hour.value_counts()
    h, top = int(hours.index[0]), int(hours.iloc[0])
    if total >= 2 and top / total >= FIRING_MIN_SHARE:
        days = sorted({int(x) for x in weekday[hour == h]})
        if len(days) < 5:
            return "days", ",".join(map(str, days)), h, top / total
        return "daily", "", h, top / total
    return "", "", -1, top / total
