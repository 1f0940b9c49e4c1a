"""Hand-off waits in numpy over a step table built in process, equal to the SQL of `flows`.

`flows.handoff_summary` and `flows.handoff_pairs` take exact medians and p90s of up to all
the waits of a log per kind of transition and per pair of units; the engine gathers every
group's values before it selects. Where the step table was built in process its columns are
numpy arrays already: one value sort of packed (pair, wait) keys orders every pair's waits,
and one selection per kind finds the summary's medians. The quantiles interpolate as the
engine's `quantile_cont` does (`interpolate`), so the figures are equal to the last bit (the
tests compare both paths).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

KEY_BITS = 63  # bits a packed (pair, wait) key may use


def _blend_plain(lo: np.ndarray, hi: np.ndarray, d: np.ndarray) -> np.ndarray:
    """lo (1 - d) + hi d, each operation rounded (an engine built without fused multiply-add)."""
    out: np.ndarray = lo * (1.0 - d) + hi * d
    return out


def _blend_fused(lo: np.ndarray, hi: np.ndarray, d: np.ndarray) -> np.ndarray:
    """fma(lo, 1 - d, hi d): the same, the last multiply-add rounded once (an engine built
    with fused multiply-add), computed exactly with integers and rounded by Python's correctly
    rounded integer division."""
    keep, hd = 1.0 - d, hi * d
    out = np.empty(len(d))
    for i, (low, k, h) in enumerate(zip(lo.tolist(), keep.tolist(), hd.tolist(), strict=True)):
        kn, kd = k.as_integer_ratio()
        hn, hdd = h.as_integer_ratio()
        out[i] = (int(low) * kn * hdd + hn * kd) / (kd * hdd)
    return out


BLENDS = {"plain": _blend_plain, "fused": _blend_fused}


def interpolate(
    ordered: np.ndarray, starts: np.ndarray, sizes: np.ndarray, q: float, blend: str
) -> Any:
    """The `q` quantile of each group of `ordered` (ascending within each group of `sizes`
    values from `starts`) as the engine's `quantile_cont` computes it: position RN = (n - 1)
    q, lo and hi the values at its floor and ceiling, d = RN - floor RN, then lo (1 - d) + hi
    d in doubles as `blend` says the engine rounds it (see `blend_of`; at d = 0 and d = 1/2
    both agree: every product is exact)."""
    rn = (sizes - 1).astype(np.float64) * q
    frn = np.floor(rn)
    lo = ordered[starts + frn.astype(np.int64)].astype(np.float64)
    hi = ordered[starts + np.ceil(rn).astype(np.int64)].astype(np.float64)
    d = rn - frn
    if blend == "fused":
        out = _blend_plain(lo, hi, d)
        uneven = (d != 0.0) & (d != 0.5)
        out[uneven] = _blend_fused(lo[uneven], hi[uneven], d[uneven])
        return out
    return _blend_plain(lo, hi, d)


_PROBES = (
    (34, 826825329556, 831274834664),
    (28, 915308268615, 946906666493),
    (38, 806348934706, 824482143951),
    (11, 3, 1 << 52),
)


def blend_of(engine: Any) -> str | None:
    """How `engine` rounds the interpolation of its p90 ("plain" or "fused", see
    `interpolate`), found by asking it on values where the two differ; None when it matches
    neither (the caller keeps to SQL)."""
    rows = []
    for g, (n, lo, hi) in enumerate(_PROBES):
        cut = int(np.floor((n - 1) * 0.9))
        rows += [(g, lo)] * (cut + 1) + [(g, hi)] * (n - cut - 1)
    values = ", ".join(f"({g}, CAST({v} AS BIGINT))" for g, v in rows)
    q = engine.quantiles("v", {"median": 0.5, "p90": 0.9}, "w")
    got = engine.frame(f"SELECT g, {q} FROM (VALUES {values}) AS t(g, v) GROUP BY g ORDER BY g")[
        "w_p90_us"
    ].to_numpy()
    sizes = np.array([n for n, _, _ in _PROBES], np.int64)
    ordered = np.array([v for _, v in rows], np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    for name in BLENDS:
        if np.array_equal(interpolate(ordered, starts, sizes, 0.9, name), got):
            return name
    return None


def _values(table: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A column's values (whatever lies under its nulls) and its validity, without copying
    the values."""
    import pyarrow as pa

    column = table.column(name)
    chunk = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    dtype = chunk.type.to_pandas_dtype()
    if not pa.types.is_integer(chunk.type):
        raise TypeError(name)
    values = np.frombuffer(chunk.buffers()[1], dtype=dtype)[
        chunk.offset : chunk.offset + len(chunk)
    ]
    if chunk.null_count == 0:
        return values, np.ones(len(chunk), bool)
    return values, np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _median(waits: np.ndarray) -> float:
    """The median of `waits` as `quantile_cont(…, 0.5)` (NaN when there are none); `waits`
    is reordered in place."""
    n = len(waits)
    if n == 0:
        return float("nan")
    rn = float(n - 1) * 0.5
    lo, hi = int(np.floor(rn)), int(np.ceil(rn))
    waits.partition([lo, hi] if hi != lo else [lo])
    low, high = float(waits[lo]), float(waits[hi])
    return low + (high - low) * (rn - lo)


def tables(steps: Any, level: str, blend: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The frames of `flows.handoff_summary` (kinds in the order of `flows.handoff_units`)
    and `flows.handoff_pairs` of `level` ("group", "resource" or "none") from an Arrow step
    table with detail, p90s interpolated as `blend` (see `blend_of`); None where a sum could
    overflow 64 bits or a key would not fit."""
    has = _values(steps, "source")[1]  # the steps with a step before them: transitions
    waits, wait_known = _values(steps, "wait_us")  # read in place: masks pick the kinds
    if bool((has & ~wait_known).any()) or bool((has & (waits < 0)).any()):
        return None
    top = int(waits.max(where=has, initial=0))
    if float(waits.sum(where=has, dtype=np.float64)) >= 2.0**62:
        return None  # a total might overflow 64 bits (the engine sums in 128)
    resource, resource_known = _values(steps, "resource_id")
    before, before_known = _values(steps, "source_resource_id")
    changed = has & resource_known & before_known & (resource != before)
    if level == "none":
        unit_from = unit_to = np.zeros(len(has), np.int32)
        known = np.zeros(len(has), bool)
    else:
        to_name, from_name = ("group_id", "source_group_id")
        if level == "resource":
            to_name, from_name = ("resource_id", "source_resource_id")
        unit_to, to_known = _values(steps, to_name)
        unit_from, from_known = _values(steps, from_name)
        known = has & to_known & from_known
    same = unit_from == unit_to
    masks = {
        "all": has,
        "resource change": changed,
        "unit change": changed if level == "resource" else known & ~same,
        "within unit": known & same,
        "unknown": has & ~known,
    }
    del same
    pairs = _pairs(unit_from, unit_to, waits, known, top, blend)
    if pairs is None:
        return None
    rows = []
    for k, (kind, mask) in enumerate(masks.items()):
        chosen = waits[mask]
        rows.append(
            {
                "kind": kind,
                "k": k,
                "count": len(chosen),
                "wait_total_us": int(chosen.sum()),
                "wait_median_us": _median(chosen),
            }
        )
        del chosen
    summary = pd.DataFrame(rows)[["kind", "k", "count", "wait_median_us", "wait_total_us"]]
    return summary, pairs


def _pairs(
    unit_from: np.ndarray,
    unit_to: np.ndarray,
    waits: np.ndarray,
    known: np.ndarray,
    top: int,
    blend: str,
) -> Any:
    """Per pair of units of the `known` steps: `f`, `t`, `count`, `wait_median_us`,
    `wait_p90_us`, `wait_total_us`; None when the packed key would not fit."""
    names = ["f", "t", "count", "wait_median_us", "wait_p90_us", "wait_total_us"]
    if not bool(known.any()):
        return pd.DataFrame({name: pd.Series(dtype="int64") for name in names})
    unit_from, unit_to = unit_from[known], unit_to[known]
    width = int(max(unit_from.max(), unit_to.max())) + 1
    wait_bits = max(top.bit_length(), 1)
    if int(min(unit_from.min(), unit_to.min())) < 0 or (
        (width * width).bit_length() + wait_bits > KEY_BITS
    ):
        return None
    key = unit_from.astype(np.int64)
    del unit_from
    key *= width
    key += unit_to
    del unit_to
    key <<= wait_bits
    key |= waits[known]
    key.sort()
    pair = key >> wait_bits
    key &= (1 << wait_bits) - 1  # the waits, ascending within each pair
    starts = np.flatnonzero(np.concatenate(([True], pair[1:] != pair[:-1])))
    codes = pair[starts]
    del pair
    sizes = np.diff(np.append(starts, len(key)))
    return pd.DataFrame(
        {
            "f": codes // width,
            "t": codes % width,
            "count": sizes,
            "wait_median_us": interpolate(key, starts, sizes, 0.5, blend),
            "wait_p90_us": interpolate(key, starts, sizes, 0.9, blend),
            "wait_total_us": np.add.reduceat(key, starts),
        }
    )
