"""Start times estimated where a log has none (Chapela-Campa and Dumas): enabled, resource free."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..model import EventLog
from ..prepared import PreparedLog, prepared
from ..timeunits import US

I64 = npt.NDArray[np.int64]
HOW = ("recorded", "estimated", "activity_median", "instant")
"""How each start was obtained (`StartEstimate.how` indexes it): recorded in the log; the later
of enablement and resource availability; the end minus the activity's median duration (neither
is known); the end itself (neither is known and the activity has no duration to borrow)."""
THRESHOLD = 0.9  # the heuristics oracle's df, l1l and l2l thresholds (the package's defaults)


@dataclass(frozen=True)
class StartEstimate:
    """Per activity instance: `start` (recorded or estimated), `enabler` (index of the instance
    whose end enabled it, −1 when none: recorded starts keep −1, the caller finds theirs),
    `available` (its resource's previous end, −1 when unknown) and `how` (index into `HOW`)."""

    start: I64
    enabler: I64
    available: I64
    how: npt.NDArray[np.int8]

    @property
    def estimated(self) -> npt.NDArray[np.bool_]:
        """Whether each start was estimated (not recorded)."""
        return self.how > 0


def _case_order(case: I64, end: I64, row: I64) -> I64:
    return np.lexsort((row, end, case)).astype(np.int64)


def _lookup(codes: I64, counts: I64, keys: I64) -> I64:
    """The count of each key in the sorted `codes` (0 where absent)."""
    if codes.size == 0:
        return np.zeros(keys.size, dtype=np.int64)
    pos = np.clip(np.searchsorted(codes, keys), 0, codes.size - 1)
    return np.where(codes[pos] == keys, counts[pos], 0).astype(np.int64)


def concurrent_pairs(case: I64, act: I64, order: I64) -> I64:
    """The activity pairs (codes `a * n + b`, both directions, sorted) that the heuristics
    miner's concurrency oracle finds concurrent, as the start-time-estimator package does:
    a ≠ b, each directly follows the other at least once (cases in order of end), the
    dependency |(ab − ba) / (ab + ba + 1)| < 0.9 and the length-two-loop value
    (aba + bab) / (aba + bab + 1) < 0.9 (taken as 0 when a or b has a length-one-loop value
    aa / (aa + 1) of 0.9 or more)."""
    n = int(act.max()) + 1 if act.size else 1
    c, a = case[order], act[order]
    same = c[1:] == c[:-1]
    df_codes, df_counts = np.unique(a[:-1][same] * n + a[1:][same], return_counts=True)
    same2 = same[:-1] & same[1:]
    loop = same2 & (a[:-2] == a[2:])
    l2_codes, l2_counts = np.unique(a[:-2][loop] * n + a[1:-1][loop], return_counts=True)
    x, y = df_codes // n, df_codes % n
    pick = x != y
    x, y, ab = x[pick], y[pick], df_counts[pick].astype(np.int64)
    ba = _lookup(df_codes, df_counts, y * n + x)
    aa = _lookup(df_codes, df_counts, x * n + x)
    bb = _lookup(df_codes, df_counts, y * n + y)
    aba = _lookup(l2_codes, l2_counts, x * n + y)
    bab = _lookup(l2_codes, l2_counts, y * n + x)
    no_l1 = (aa / (aa + 1) < THRESHOLD) & (bb / (bb + 1) < THRESHOLD)
    l2l = np.where(no_l1, (aba + bab) / (aba + bab + 1), 0.0)
    dependency = np.abs((ab - ba) / (ab + ba + 1))
    conc = (ba > 0) & (l2l < THRESHOLD) & (dependency < THRESHOLD)
    return np.unique(np.concatenate([x[conc] * n + y[conc], y[conc] * n + x[conc]]))


def enabling_instances(case: I64, act: I64, end: I64, row: I64) -> I64:
    """Index of each instance's enabler (−1 when none), as the package's concurrency oracle
    finds it: the instance of the same case with the latest end strictly before this one's
    end whose activity is not concurrent with this one's (`concurrent_pairs`)."""
    n_inst = len(case)
    result: I64 = np.full(n_inst, -1, dtype=np.int64)
    if n_inst == 0:
        return result
    order = _case_order(case, end, row)
    conc = concurrent_pairs(case, act, order)
    n = int(act.max()) + 1
    c, a, e = case[order], act[order], end[order]
    # the first position of each run of equal (case, end): candidates lie before it
    run_start = np.flatnonzero(np.r_[True, (c[1:] != c[:-1]) | (e[1:] != e[:-1])])
    first_of_run = run_start[np.cumsum(np.r_[True, (c[1:] != c[:-1]) | (e[1:] != e[:-1])]) - 1]
    active = np.arange(order.size, dtype=np.int64)
    cand = first_of_run - 1
    while active.size:
        ok = cand >= 0
        active, cand = active[ok], cand[ok]
        ok = c[cand] == c[active]
        active, cand = active[ok], cand[ok]
        if not active.size:
            break
        code = a[active] * n + a[cand]
        blocked = np.zeros(active.size, dtype=bool)
        if conc.size:
            pos = np.clip(np.searchsorted(conc, code), 0, conc.size - 1)
            blocked = conc[pos] == code
        hit = ~blocked
        result[order[active[hit]]] = order[cand[hit]]
        active, cand = active[blocked], cand[blocked] - 1
    return result


def resource_available(res: I64, end: I64) -> I64:
    """Each instance's resource availability: the latest end strictly before its own end of
    an instance of the same resource (−1 when the resource is missing or has none)."""
    out: I64 = np.full(len(res), -1, dtype=np.int64)
    known = np.flatnonzero(res >= 0)
    if known.size == 0:
        return out
    order = known[np.lexsort((end[known], res[known]))]
    r, e = res[order], end[order]
    new = np.r_[True, (r[1:] != r[:-1]) | (e[1:] != e[:-1])]
    first = np.flatnonzero(new)[np.cumsum(new) - 1]
    prev = first - 1
    ok = (prev >= 0) & (r[np.maximum(prev, 0)] == r)
    out[order[ok]] = e[prev[ok]]
    return out


def estimate_starts(
    case: I64, act: I64, res: I64, end: I64, start: I64, has_start: npt.NDArray[np.bool_], row: I64
) -> StartEstimate:
    """Start times for the instances without one (`has_start` false), by the method of
    Chapela-Campa and Dumas with the defaults of their start-time-estimator package: the later
    of the instance's enablement (`enabling_instances`) and its resource's availability
    (`resource_available`, on the resource's recorded and unrecorded instances alike); where
    neither is known, the end minus the median duration of the activity's other instances
    (recorded or estimated), and the end itself when it has none. Recorded starts are kept."""
    enabler = enabling_instances(case, act, end, row)
    available = resource_available(res, end)
    has_enabler, has_available = enabler >= 0, available >= 0
    enabled = end[np.maximum(enabler, 0)]
    known = has_enabler | has_available
    est = np.where(
        has_enabler & has_available,
        np.maximum(enabled, available),
        np.where(has_enabler, enabled, available),
    )
    how = np.where(has_start, 0, np.where(known, 1, 3)).astype(np.int8)
    out = np.where(has_start, start, np.where(known, est, end)).astype(np.int64)
    basis = how <= 1
    lack = ~basis
    if lack.any() and basis.any():
        durations = pd.Series((end - out)[basis]).groupby(act[basis]).median()
        median = durations.reindex(act[lack]).to_numpy(dtype="float64")
        found = ~np.isnan(median)
        idx = np.flatnonzero(lack)[found]
        out[idx] = end[idx] - np.round(median[found]).astype(np.int64)
        how[idx] = 2
    return StartEstimate(
        start=out,
        enabler=np.where(has_start, -1, enabler).astype(np.int64),
        available=available,
        how=how,
    )


def enabled_times(case: I64, start: I64, end: I64, has_start: npt.NDArray[np.bool_]) -> I64:
    """Index of the enabling instance of each instance (−1 when none): the instance of the same
    case with the latest end at or before this one's start, itself excluded. Instances without a
    start get −1 (their enablement is not needed).

    One sort of all ends and starts by (case, time; ends before starts at the same time), then a
    running "last end seen" over it."""
    n = len(case)
    result: I64 = np.full(n, -1, dtype=np.int64)
    queries = np.flatnonzero(has_start)
    if n == 0 or queries.size == 0:
        return result
    owner = np.concatenate([np.arange(n, dtype=np.int64), queries])
    kind = np.concatenate([np.zeros(n, np.int8), np.ones(queries.size, np.int8)])
    order = np.lexsort((kind, np.concatenate([end, start[queries]]), case[owner]))
    m = order.size
    is_end = kind[order] == 0
    last_end = np.maximum.accumulate(np.where(is_end, np.arange(m), -1))
    before = np.r_[-1, last_end[:-1]]  # the last end strictly before each position
    qpos = np.flatnonzero(~is_end)
    q = owner[order[qpos]]
    c = last_end[qpos]
    own = (c >= 0) & (owner[order[np.maximum(c, 0)]] == q)  # its own end (no duration)
    c = np.where(own, before[np.maximum(c, 0)], c)
    cand = owner[order[np.maximum(c, 0)]]
    ok = (c >= 0) & (case[cand] == case[q])
    result[q[ok]] = cand[ok]
    return result


@dataclass(frozen=True)
class EstimateError:
    """Estimated against recorded starts on a log that has them (all hidden, then estimated):
    over the `instances` that wait (a recorded enabler and an estimated one), the median
    absolute error of the estimated waits and processing times (seconds), beside the naive
    estimate "start = enablement" (wait 0, processing from the enablement), and the medians of
    the real waits and processing times."""

    instances: int
    wait_mae_s: float
    processing_mae_s: float
    naive_wait_mae_s: float
    naive_processing_mae_s: float
    real_wait_median_s: float
    real_processing_median_s: float


def estimate_error(case: I64, act: I64, res: I64, end: I64, start: I64, row: I64) -> EstimateError:
    """How well `estimate_starts` recovers the recorded `start` of every instance when all of
    them are hidden. Waits are measured as `causes` measures them (`enabled_times`: from the
    latest end in the case at or before the start), on the recorded starts and on the
    estimated ones; the naive estimate starts each instance at its enablement."""
    everything = np.ones(len(case), dtype=bool)
    real_enabler = enabled_times(case, start, end, everything)
    est = estimate_starts(case, act, res, end, start, ~everything, row)
    est_enabler = enabled_times(case, est.start, end, everything)
    sel = (real_enabler >= 0) & (est_enabler >= 0) & (est.enabler >= 0)
    real_wait = start[sel] - end[real_enabler[sel]]
    est_wait = est.start[sel] - end[est_enabler[sel]]
    real_proc = end[sel] - start[sel]
    est_proc = end[sel] - est.start[sel]
    naive_proc = end[sel] - end[est.enabler[sel]]

    def median_s(x: I64, absolute: bool = True) -> float:
        if not x.size:
            return float("nan")
        return float(np.median(np.abs(x) if absolute else x)) / US

    return EstimateError(
        instances=int(sel.sum()),
        wait_mae_s=median_s(est_wait - real_wait),
        processing_mae_s=median_s(est_proc - real_proc),
        naive_wait_mae_s=median_s(real_wait),
        naive_processing_mae_s=median_s(naive_proc - real_proc),
        real_wait_median_s=median_s(real_wait, absolute=False),
        real_processing_median_s=median_s(real_proc, absolute=False),
    )


def log_estimate_error(log: EventLog | PreparedLog) -> EstimateError:
    """`estimate_error` on the activity instances of `log` that have a recorded start (start
    and complete events paired as every analysis pairs them), by individual resource."""
    with prepared(log) as p:
        steps = p.session("real").frame(
            "SELECT case_id, activity, resource_id, start_us, end_us, row_no FROM steps "
            "WHERE start_us IS NOT NULL ORDER BY row_no"
        )

    def ints(col: str) -> I64:
        return steps[col].fillna(-1).to_numpy(dtype=np.int64)

    return estimate_error(
        ints("case_id"), ints("activity"), ints("resource_id"), ints("end_us"),
        ints("start_us"), ints("row_no"),
    )  # fmt: skip
