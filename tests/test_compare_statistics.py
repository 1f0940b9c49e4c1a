"""Two-sample statistics of `compare`, checked against scipy and brute force on fixed inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as sps

from bottleneck_finder.analysis import statistics as st
from bottleneck_finder.analysis.compare import CompareError, parse_duration

RNG = np.random.default_rng(20261127)
# rounded to whole minutes, so there are many ties, as in real logs
BEFORE = np.round(RNG.exponential(300.0, 180) / 60.0) * 60.0
AFTER = np.round(RNG.exponential(420.0, 140) / 60.0) * 60.0
SMALL_B = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0])
SMALL_A = np.array([2.0, 7.0, 1.0, 8.0, 2.0, 8.0, 1.0, 8.0])


@pytest.mark.parametrize("b, a", [(BEFORE, AFTER), (SMALL_B, SMALL_A), (AFTER, BEFORE)])
def test_mann_whitney_matches_scipy(b: np.ndarray, a: np.ndarray) -> None:
    expected = sps.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic").pvalue
    assert st.mann_whitney_p(b, a) == pytest.approx(expected, rel=1e-12)


def test_mann_whitney_of_identical_constant_samples_is_one() -> None:
    assert st.mann_whitney_p([5.0] * 30, [5.0] * 40) == 1.0


@pytest.mark.parametrize("b, a", [(BEFORE, AFTER), (SMALL_B, SMALL_A)])
def test_cliffs_delta_matches_pairs_and_scipy_u(b: np.ndarray, a: np.ndarray) -> None:
    pairs = np.sign(a[:, None] - b[None, :]).mean()
    assert st.cliffs_delta(b, a) == pytest.approx(pairs, abs=1e-12)
    u = sps.mannwhitneyu(a, b, method="asymptotic").statistic  # U of the first sample
    assert st.cliffs_delta(b, a) == pytest.approx(2 * u / (a.size * b.size) - 1, abs=1e-12)


def test_benjamini_hochberg_matches_scipy_and_keeps_nan() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.5, 0.001, 0.04, np.nan, 0.9])
    q = st.benjamini_hochberg(p)
    ok = ~np.isnan(p)
    np.testing.assert_allclose(q[ok], sps.false_discovery_control(p[ok]), rtol=1e-12)
    assert np.isnan(q[7])
    assert np.isnan(st.benjamini_hochberg([np.nan])).all()


def test_bootstrap_is_seeded_and_reproducible() -> None:
    first = st.bootstrap_median_delta_ci(BEFORE, AFTER, seed=7)
    assert first == st.bootstrap_median_delta_ci(BEFORE, AFTER, seed=7)
    gen_a = st.bootstrap_median_delta_ci(BEFORE, AFTER, seed=np.random.default_rng(3))
    gen_b = st.bootstrap_median_delta_ci(BEFORE, AFTER, seed=np.random.default_rng(3))
    assert gen_a == gen_b
    continuous_b, continuous_a = RNG.normal(0, 1, 301), RNG.normal(0.5, 1, 250)
    assert st.bootstrap_median_delta_ci(continuous_b, continuous_a, seed=1) != (
        st.bootstrap_median_delta_ci(continuous_b, continuous_a, seed=2)
    )


@pytest.mark.parametrize("n", [51, 60])  # odd and even sizes: one or two middle values
def test_order_statistic_sampler_matches_plain_resampling(n: int) -> None:
    x = np.sort(np.random.default_rng(n).lognormal(0.0, 1.0, n))
    fast = st._sample_median(x, np.random.default_rng(1), 40_000)
    rng = np.random.default_rng(2)
    plain = np.median(x[rng.integers(0, n, (40_000, n))], axis=1)
    qs = [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975]
    np.testing.assert_allclose(np.quantile(fast, qs), np.quantile(plain, qs), rtol=0.03)
    assert sps.ks_2samp(fast, plain).pvalue > 0.001


def test_bootstrap_interval_agrees_with_scipy_bootstrap() -> None:
    rng = np.random.default_rng(11)
    b, a = rng.lognormal(1.0, 0.6, 400), rng.lognormal(1.3, 0.6, 350)

    def delta(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        out: np.ndarray = np.median(y, axis=axis) - np.median(x, axis=axis)
        return out

    ref = sps.bootstrap(
        (b, a), delta, method="percentile", n_resamples=20_000, rng=np.random.default_rng(0)
    ).confidence_interval
    lo, hi = st.bootstrap_median_delta_ci(b, a, n_boot=20_000, seed=0)
    width = ref.high - ref.low
    assert abs(lo - ref.low) < 0.05 * width
    assert abs(hi - ref.high) < 0.05 * width
    assert lo < np.median(a) - np.median(b) < hi


def test_compare_samples_bundles_the_statistics() -> None:
    ts = st.compare_samples(BEFORE, AFTER, seed=5)
    assert ts.median_delta == np.median(AFTER) - np.median(BEFORE)
    assert ts.p_value == st.mann_whitney_p(BEFORE, AFTER)
    assert ts.cliffs_delta == st.cliffs_delta(BEFORE, AFTER)
    assert (ts.ci_low, ts.ci_high) == st.bootstrap_median_delta_ci(BEFORE, AFTER, seed=5)


def test_parse_duration() -> None:
    assert parse_duration("15d") == 15 * 86400
    assert parse_duration("36h") == 36 * 3600
    assert parse_duration("90 min") == 5400
    assert parse_duration("1.5d") == 1.5 * 86400
    for bad in ("15wd", "15", "d", "0d", "-3h"):
        with pytest.raises(CompareError):
            parse_duration(bad)


def test_ties_and_medians_of_sorted_samples_match_numpy() -> None:
    """The tie term (merged sorted runs) and the median of a sorted sample equal what
    `np.unique` and `np.median` give, ties and NaN included."""
    rng = np.random.default_rng(11)
    for i in range(400):
        b = rng.integers(0, 15, rng.integers(0, 30)).astype(np.float64)
        a = rng.integers(0, 15, rng.integers(1, 30)).astype(np.float64)
        if i % 4 == 0 and b.size:
            b[rng.integers(0, b.size, 2)] = np.nan
        b, a = np.sort(b), np.sort(a)
        _, counts = np.unique(np.concatenate([b, a]), return_counts=True)
        t = counts[counts > 1].astype(np.float64)
        assert st.tie_term(b, a) == float((t**3 - t).sum())
        expected = float(np.median(b)) if b.size else math.nan
        got = st._sorted_median(b) if b.size else math.nan
        assert got == expected or (math.isnan(got) and math.isnan(expected))
        assert st._sorted_median(a) == float(np.median(a))
