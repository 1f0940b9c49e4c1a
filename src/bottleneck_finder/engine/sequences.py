"""Repeats and variants of a step table whose rows are in case order, in numpy.

`flows.repeats` and `flows.variants` define them in SQL (a window per case and activity, an
ordered list per case). When the step table was built in process
(`in_process.register_steps`) its rows are already in case order: one value sort of integer
keys packing (case, activity, position) finds every instance's previous occurrence, and one
pass hashes each case's sequence. `CaseRuns.of` checks that order on every pair of
neighbours and gives None where the SQL must run instead; variants grouped by hash are
checked against their first case step by step, so they are exact (the tests compare both
paths).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

KEY_BITS = 62  # bits the packed (case, activity, position) key may use


def _column(table: Any, name: str) -> np.ndarray:
    column = table.column(name)
    if column.null_count:
        raise ValueError(name)
    return np.asarray(column.to_numpy())


@dataclass(frozen=True)
class CaseRuns:
    """The columns of a step table in case order, and where each case's run begins."""

    case: np.ndarray
    activity: np.ndarray
    pos: np.ndarray
    firsts: np.ndarray

    @staticmethod
    def of(steps: Any) -> CaseRuns | None:
        """The runs of an Arrow step table with detail whose rows are in case order (cases
        ascending, `pos` 1, 2, … within each); None when they are not."""
        if steps.num_rows == 0:
            return None
        try:
            case = _column(steps, "case_id")
            activity = _column(steps, "activity")
            pos = _column(steps, "pos")
        except ValueError:
            return None
        n = len(case)
        first = np.ones(n, bool)
        first[1:] = case[1:] != case[:-1]
        firsts = np.flatnonzero(first)
        step = pos[1:] - pos[:-1]  # 1 within a case
        step -= 1
        if bool((step.astype(bool, copy=False) & ~first[1:]).any()):
            return None
        del step
        if not bool((pos[firsts] == 1).all()) or int(activity.min()) < 0:
            return None
        if not bool((case[firsts][1:] > case[firsts][:-1]).all()):
            return None  # a case in two runs: not in case order
        return CaseRuns(case, activity, pos, firsts)


def repeats(steps: Any, runs: CaseRuns) -> Any | None:
    """The table of `flows.repeats` from an Arrow step table in case order (`runs`); None
    when the packed key would not fit 64 bits."""
    import pyarrow as pa

    activity, pos, firsts = runs.activity, runs.pos, runs.firsts
    kinds = int(activity.max()) + 1
    pos_bits = max(int(pos.max()).bit_length(), 1)
    if (len(firsts) * kinds).bit_length() + pos_bits > KEY_BITS:
        return None
    # built in place: (run · kinds + activity) · 2^pos_bits + pos - 1 (the low bits are free)
    key = np.repeat(np.arange(len(firsts), dtype=np.int64), np.diff(np.append(firsts, len(pos))))
    key *= kinds
    key += activity
    key <<= pos_bits
    key += pos
    key -= 1
    key.sort()
    group = key >> pos_bits
    again = np.flatnonzero(group[1:] == group[:-1]) + 1
    group = group[again]
    mask = (1 << pos_bits) - 1
    start = firsts[group // kinds]
    del group
    here = start + (key[again] & mask)
    before = start + (key[again - 1] & mask)
    cum_wait = _column(steps, "cum_wait_us")
    cum_work = _column(steps, "cum_work_us")
    end = _column(steps, "end_us")
    return pa.table(
        {
            "case_id": steps.column("case_id").take(pa.array(here)),
            "activity": steps.column("activity").take(pa.array(here)),
            "pos": pa.array(pos[here]),
            "prev_pos": pa.array(pos[before]),
            "cum_wait_us": pa.array(cum_wait[here]),
            "prev_cum_wait_us": pa.array(cum_wait[before]),
            "cum_work_us": pa.array(cum_work[here]),
            "prev_cum_work_us": pa.array(cum_work[before]),
            "end_us": pa.array(end[here]),
            "prev_end_us": pa.array(end[before]),
        }
    )


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: powers of it never vanish mod 2^64


def variants(runs: CaseRuns) -> tuple[Any, Any] | None:
    """Each case's variant number, and each variant's sequence, as Arrow tables: `cases`
    (`case_id`, `variant`) and `sequences` (`variant`, `pos`, `activity`: the sequence of the
    variant's first case). Cases are grouped by a 64-bit polynomial hash of their sequence and
    length, then every case is compared with its variant's first case step by step; None if
    any differs (a hash collision: the caller groups by the sequences in SQL)."""
    import pyarrow as pa

    activity, pos, firsts = runs.activity, runs.pos, runs.firsts
    n = len(pos)
    lengths = np.diff(np.append(firsts, n))
    powers = np.full(int(pos.max()), _MULTIPLIER, dtype=np.uint64)
    powers[0] = 1
    powers = np.multiply.accumulate(powers)  # wraps mod 2^64
    terms = activity.astype(np.uint64)
    terms += np.uint64(1)
    terms *= powers[pos - 1]
    digest = np.add.reduceat(terms, firsts) ^ (lengths.astype(np.uint64) * _MULTIPLIER)
    del terms
    _, first_case, variant = np.unique(digest, return_index=True, return_inverse=True)
    variant = variant.astype(np.int64)
    if not bool((lengths == lengths[first_case[variant]]).all()):
        return None
    # each step's counterpart in its variant's first case (same length: inside that case)
    counterpart = np.repeat(firsts[first_case[variant]] - firsts, lengths)
    counterpart += np.arange(n)
    if not bool((activity == activity[counterpart]).all()):
        return None
    del counterpart
    cases = pa.table({"case_id": pa.array(runs.case[firsts]), "variant": pa.array(variant)})
    starts, sizes = firsts[first_case], lengths[first_case]
    rows = np.repeat(starts, sizes) + (
        np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    )
    sequences = pa.table(
        {
            "variant": pa.array(np.repeat(np.arange(len(first_case), dtype=np.int64), sizes)),
            "pos": pa.array(pos[rows]),
            "activity": pa.array(activity[rows].astype(np.int32)),
        }
    )
    return cases, sequences


def rework_totals(repeats: Any) -> dict[str, int] | None:
    """The loop figures of `flows.rework_summary` but `cases`, from a table of repeats (see
    `flows.repeats`) in numpy: `affected`, `repeats`, `self_loops`, `wait_us`, `work_us`.
    The repeats of a case, taken by (previous position, position), merge into islands as in
    the SQL; None when the packed sort key would not fit 64 bits or a column has nulls."""
    n = repeats.num_rows
    if n == 0:
        return dict.fromkeys(("affected", "repeats", "self_loops", "wait_us", "work_us"), 0)
    try:
        case, pos, prev = (_column(repeats, c) for c in ("case_id", "pos", "prev_pos"))
    except ValueError:
        return None
    pos_bits = max(int(pos.max()).bit_length(), 1)
    if int(case.min()) < 0 or int(case.max()).bit_length() + 2 * pos_bits > KEY_BITS:
        return None
    key = case.astype(np.int64) << (2 * pos_bits)
    key |= prev.astype(np.int64) << pos_bits
    key |= pos
    order = np.argsort(key, kind="stable")
    del key
    case, pos, prev = case[order], pos[order], prev[order]
    first = np.ones(n, bool)
    first[1:] = case[1:] != case[:-1]
    # the largest position of the case's earlier repeats: a running maximum of (case, pos)
    reach = np.maximum.accumulate((case.astype(np.int64) << pos_bits) | pos)
    earlier = np.zeros(n, np.int64)
    earlier[1:] = reach[:-1] & ((1 << pos_bits) - 1)
    opens = first | (prev >= earlier)
    starts = np.flatnonzero(opens)
    sizes = np.diff(np.append(starts, n))
    farthest = pos == np.repeat(np.maximum.reduceat(pos, starts), sizes)  # one row per island
    totals = {}
    for name in ("wait", "work"):
        cum = _column(repeats, f"cum_{name}_us")[order]
        before = _column(repeats, f"prev_cum_{name}_us")[order]
        totals[f"{name}_us"] = int(cum[farthest].sum()) - int(before[starts].sum())
    return {
        "affected": int(np.count_nonzero(first)),
        "repeats": n,
        "self_loops": int(np.count_nonzero(prev == pos - 1)),
        **totals,
    }
