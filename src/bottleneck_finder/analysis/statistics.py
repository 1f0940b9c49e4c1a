"""Two-sample statistics for before/after comparisons: bootstrap CI, Mann–Whitney, BH, Cliff's δ."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

BOOTSTRAP_RESAMPLES = 2000
"""Bootstrap resamples per comparison (the percentile interval of 2,000 medians)."""


@dataclass(frozen=True)
class TwoSample:
    """The evidence that two samples of waiting times differ.

    `median_delta` is median(after) − median(before); `ci95` the bootstrap percentile interval
    of that difference at the requested level; `p_value` the two-sided Mann–Whitney U p-value
    (normal approximation with tie and continuity corrections); `cliffs_delta` is
    P(after > before) − P(after < before), from −1 (all faster) to +1 (all slower).
    """

    median_delta: float
    ci_low: float
    ci_high: float
    p_value: float
    cliffs_delta: float


def _sample_median(sorted_values: FloatArray, rng: np.random.Generator, n_boot: int) -> FloatArray:
    """`n_boot` medians of bootstrap resamples of `sorted_values`, drawn exactly and in O(n_boot).

    The k-th smallest of n draws from the empirical distribution is F⁻¹(U₍ₖ₎) where U₍ₖ₎, the
    k-th smallest of n uniforms, follows Beta(k, n − k + 1); the next one is
    U₍ₖ₊₁₎ = U₍ₖ₎ + (1 − U₍ₖ₎)·Beta(1, n − k). So the median of a resample of any size costs two
    Beta draws instead of n index draws, and needs no cap on the resample size.
    """
    n = sorted_values.size
    k = (n + 1) // 2  # 1-based rank of the (lower) middle value
    u = rng.beta(k, n - k + 1, size=n_boot)
    lower = sorted_values[np.clip(np.ceil(u * n).astype(np.int64) - 1, 0, n - 1)]
    if n % 2 == 1:
        return lower
    v = u + (1.0 - u) * rng.beta(1, n - k, size=n_boot)
    upper = sorted_values[np.clip(np.ceil(v * n).astype(np.int64) - 1, 0, n - 1)]
    result: FloatArray = (lower + upper) / 2.0
    return result


def bootstrap_median_delta_ci(
    before: npt.ArrayLike,
    after: npt.ArrayLike,
    *,
    level: float = 0.95,
    n_boot: int = BOOTSTRAP_RESAMPLES,
    seed: int | np.random.Generator = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of median(after) − median(before), samples resampled
    independently; reproducible for a given `seed` (an int or a numpy `Generator`)."""
    b = np.sort(np.asarray(before, dtype=np.float64))
    a = np.sort(np.asarray(after, dtype=np.float64))
    return _bootstrap_sorted(b, a, level, n_boot, seed)


def _bootstrap_sorted(
    b: FloatArray, a: FloatArray, level: float, n_boot: int, seed: int | np.random.Generator
) -> tuple[float, float]:
    """`bootstrap_median_delta_ci` of samples sorted already."""
    if b.size == 0 or a.size == 0:
        return math.nan, math.nan
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    deltas = _sample_median(a, rng, n_boot) - _sample_median(b, rng, n_boot)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(deltas, [tail, 1.0 - tail])
    return float(lo), float(hi)


def u_after(before_sorted: FloatArray, after: FloatArray) -> float:
    """U statistic of `after`: pairs with after > before, ties counting one half."""
    left = np.searchsorted(before_sorted, after, side="left")
    right = np.searchsorted(before_sorted, after, side="right")
    return float(left.sum() + 0.5 * (right - left).sum())


def tie_term(before_sorted: FloatArray, after_sorted: FloatArray) -> float:
    """Σ (t³ − t) over the groups of tied values in the pooled sample."""
    pooled = np.concatenate([before_sorted, after_sorted])
    pooled.sort(kind="stable")  # two sorted runs: merged in linear time
    if pooled.size == 0:
        return 0.0
    new_value = pooled[1:] != pooled[:-1]
    if np.isnan(pooled[-1]):  # NaNs, sorted last, are one group (as `np.unique` counts them)
        new_value &= ~(np.isnan(pooled[1:]) & np.isnan(pooled[:-1]))
    edges = np.flatnonzero(np.concatenate(([True], new_value, [True])))
    counts = np.diff(edges)
    t = counts[counts > 1].astype(np.float64)
    return float((t**3 - t).sum())


def mann_whitney_p(before: npt.ArrayLike, after: npt.ArrayLike) -> float:
    """Two-sided Mann–Whitney U p-value, normal approximation with tie and continuity
    corrections (what `scipy.stats.mannwhitneyu(method="asymptotic")` computes)."""
    b = np.sort(np.asarray(before, dtype=np.float64))
    a = np.sort(np.asarray(after, dtype=np.float64))
    return _mw_p(b, a, u_after(b, a))


def _mw_p(b: FloatArray, a: FloatArray, u: float) -> float:
    n1, n2 = float(b.size), float(a.size)
    if n1 == 0 or n2 == 0:
        return math.nan
    n = n1 + n2
    mean = n1 * n2 / 2.0
    var = n1 * n2 / 12.0 * ((n + 1.0) - tie_term(b, a) / (n * (n - 1.0)))
    if var <= 0:
        return 1.0  # every value equal: no evidence of a difference
    z = (abs(u - mean) - 0.5) / math.sqrt(var)
    if z <= 0:
        return 1.0
    return min(1.0, math.erfc(z / math.sqrt(2.0)))


def cliffs_delta(before: npt.ArrayLike, after: npt.ArrayLike) -> float:
    """Cliff's δ = P(after > before) − P(after < before) over all pairs."""
    b = np.sort(np.asarray(before, dtype=np.float64))
    a = np.asarray(after, dtype=np.float64)
    if b.size == 0 or a.size == 0:
        return math.nan
    return 2.0 * u_after(b, a) / (b.size * a.size) - 1.0


def compare_samples(
    before: npt.ArrayLike,
    after: npt.ArrayLike,
    *,
    level: float = 0.95,
    n_boot: int = BOOTSTRAP_RESAMPLES,
    seed: int | np.random.Generator = 0,
) -> TwoSample:
    """Median difference, its bootstrap interval, the Mann–Whitney p-value and Cliff's δ."""
    b = np.sort(np.asarray(before, dtype=np.float64))
    a = np.sort(np.asarray(after, dtype=np.float64))
    if b.size == 0 or a.size == 0:
        return TwoSample(math.nan, math.nan, math.nan, math.nan, math.nan)
    u = u_after(b, a)
    lo, hi = _bootstrap_sorted(b, a, level, n_boot, seed)
    return TwoSample(
        median_delta=float(_sorted_median(a) - _sorted_median(b)),
        ci_low=lo,
        ci_high=hi,
        p_value=_mw_p(b, a, u),
        cliffs_delta=2.0 * u / (b.size * a.size) - 1.0,
    )


def _sorted_median(x: FloatArray) -> float:
    """`np.median` of a sorted sample (the same number, without its partition)."""
    if np.isnan(x[-1]):  # NaN sorts last; np.median gives NaN
        return math.nan
    middle = x.size // 2
    if x.size % 2:
        return float(x[middle])
    return float((x[middle - 1] + x[middle]) / 2.0)


def benjamini_hochberg(p_values: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN p-values stay NaN and are not
    counted among the tests."""
    p = np.asarray(p_values, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    tested = p[ok]
    order = np.argsort(tested, kind="stable")
    ranked = tested[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    q[ok] = out
    return q
