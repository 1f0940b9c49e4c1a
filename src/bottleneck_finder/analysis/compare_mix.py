"""An activity's change of mean wait split into routing mix and within-transition change."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import statistics as st

Strata = dict[str, np.ndarray]
"""The waits before one activity on one side, by the activity directly before it."""


@dataclass(frozen=True)
class MixSplit:
    """The change of an activity's mean wait, after − before, split exactly as
    `change = within + mix` (a Kitagawa–Oaxaca decomposition with before-side weights).

    With w_B(t) the share of the activity's before-side waits that come by transition t and
    m_B(t), m_A(t) the mean wait of t on each side: `within` = Σ w_B(t)·(m_A(t) − m_B(t)) over the
    transitions on both sides (the same hand-offs waiting longer or shorter, at the old mix);
    `mix` = `change` − `within` (which hand-offs lead into the activity, and how often,
    including hand-offs only one side has). `driver` is the transition that contributes most
    to the mix in its direction (see `mix_terms`), with its share of the activity's arrivals
    on each side (0 where absent) and its mean wait on the side it is measured on (after, or
    before for a transition only before)."""

    change: float
    within: float
    mix: float
    driver: str | None = None
    driver_before_share: float = math.nan
    driver_after_share: float = math.nan
    driver_wait_mean: float = math.nan


def _means(strata: Strata) -> dict[str, tuple[float, float]]:
    """Per source: (count, mean wait) of the non-empty strata."""
    return {s: (float(x.size), float(x.mean())) for s, x in strata.items() if x.size}


def mix_terms(before: Strata, after: Strata) -> dict[str, float]:
    """Each transition's part of the mix, centred on the activity's mean wait before m̄_B:
    (w_A − w_B)·(m_A(t) − m̄_B) for a transition on both sides, w_A·(m_A(t) − m̄_B) for one only
    after, −w_B·(m_B(t) − m̄_B) for one only before. They add up to the mix exactly, because the
    shares of each side add up to one: a transition counts for the mix when its share changed
    and its wait differs from the activity's old mean."""
    b, a = _means(before), _means(after)
    nb, na = sum(n for n, _ in b.values()), sum(n for n, _ in a.values())
    if not nb or not na:
        return {}
    base = sum(n * m for n, m in b.values()) / nb
    terms = {}
    for source in sorted(set(b) | set(a)):
        wb = b[source][0] / nb if source in b else 0.0
        wa = a[source][0] / na if source in a else 0.0
        wait = a[source][1] if source in a else b[source][1]
        terms[source] = (wa - wb) * (wait - base)
    return terms


def decompose(before: Strata, after: Strata) -> MixSplit:
    """The `MixSplit` of an activity whose waits are `before` and `after`, by transition
    (NaN figures when a side has no wait)."""
    b, a = _means(before), _means(after)
    nb, na = sum(n for n, _ in b.values()), sum(n for n, _ in a.values())
    if not nb or not na:
        return MixSplit(math.nan, math.nan, math.nan)
    change = sum(n * m for n, m in a.values()) / na - sum(n * m for n, m in b.values()) / nb
    within = sum(b[s][0] / nb * (a[s][1] - b[s][1]) for s in sorted(set(b) & set(a)))
    mix = change - within
    terms = mix_terms(before, after)
    if not terms or mix == 0.0:
        return MixSplit(change, within, mix)
    driver = max(terms, key=lambda s: (math.copysign(1.0, mix) * terms[s], s))
    return MixSplit(
        change,
        within,
        mix,
        driver=driver,
        driver_before_share=b[driver][0] / nb if driver in b else 0.0,
        driver_after_share=a[driver][0] / na if driver in a else 0.0,
        driver_wait_mean=a[driver][1] if driver in a else b[driver][1],
    )


@dataclass(frozen=True)
class WithinTest:
    """The evidence that the same transitions wait longer or shorter: the two-sided p-value of
    the van Elteren test (Mann–Whitney U stratified by incoming transition) and the interval
    (`low`, `high`) of the `within` part at the requested level (normal approximation:
    Σ w_B(t)²·(s²_A(t)/n_A(t) + s²_B(t)/n_B(t)))."""

    p_value: float
    low: float
    high: float
    before_count: int
    after_count: int


def common_strata(before: Strata, after: Strata) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(source, before waits, after waits) of the transitions with waits on both sides."""
    return [
        (s, np.sort(before[s]), np.sort(after[s]))
        for s in sorted(set(before) & set(after))
        if before[s].size and after[s].size
    ]


def van_elteren_p(strata: list[tuple[str, np.ndarray, np.ndarray]]) -> float:
    """Two-sided p-value of the van Elteren (1960) stratified Wilcoxon–Mann–Whitney test: each
    stratum's U − E[U] weighted by 1/(N_t + 1), tie-corrected variances, normal approximation
    without continuity correction (samples sorted)."""
    stat = var = 0.0
    for _, b, a in strata:
        n1, n2 = float(b.size), float(a.size)
        n = n1 + n2
        u = st.u_after(b, a)
        c = 1.0 / (n + 1.0)
        stat += c * (u - n1 * n2 / 2.0)
        var += c * c * n1 * n2 / 12.0 * ((n + 1.0) - st.tie_term(b, a) / (n * (n - 1.0)))
    if var <= 0:
        return 1.0
    return min(1.0, math.erfc(abs(stat) / math.sqrt(var) / math.sqrt(2.0)))


def within_test(before: Strata, after: Strata, level: float) -> WithinTest:
    """The van Elteren p-value and the normal interval of the within part over the transitions
    both sides share (before weights as in `decompose`)."""
    strata = common_strata(before, after)
    total_before = sum(x.size for x in before.values())
    within = se2 = 0.0
    for _, b, a in strata:
        w = b.size / total_before
        within += w * (a.mean() - b.mean())
        vb = b.var(ddof=1) if b.size > 1 else 0.0
        va = a.var(ddof=1) if a.size > 1 else 0.0
        se2 += w * w * (va / a.size + vb / b.size)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    half = z * math.sqrt(se2)
    return WithinTest(
        p_value=van_elteren_p(strata),
        low=within - half,
        high=within + half,
        before_count=sum(b.size for _, b, _ in strata),
        after_count=sum(a.size for _, _, a in strata),
    )
