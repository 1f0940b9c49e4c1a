"""The numpy hand-off quantiles equal the engine's `quantile_cont` to the last bit."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from bottleneck_finder.engine import DuckDBEngine, handoffs


@pytest.mark.parametrize("scale", [10, 10**6, 10**12])
def test_interpolated_quantiles_equal_the_engine(scale: int) -> None:
    rng = np.random.default_rng(scale)
    sizes = rng.integers(1, 60, 3000)
    values = rng.integers(0, scale, int(sizes.sum()))
    group = np.repeat(np.arange(len(sizes)), sizes)
    engine = DuckDBEngine()
    try:
        blend = handoffs.blend_of(engine)
        assert blend in handoffs.BLENDS
        engine.register("t", pa.table({"g": group, "v": values}))
        q = engine.quantiles("v", {"median": 0.5, "p90": 0.9}, "w")
        want = engine.frame(f"SELECT g, {q} FROM t GROUP BY g ORDER BY g")
    finally:
        engine.close()
    ordered = np.sort(values + group * (scale + 1)) - group * (scale + 1)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    for name, fraction in (("median", 0.5), ("p90", 0.9)):
        got = handoffs.interpolate(ordered, starts, sizes, fraction, blend)
        np.testing.assert_array_equal(got, want[f"w_{name}_us"].to_numpy())


def test_both_blends_round_as_described() -> None:
    lo, hi, d = np.array([826825329556.0]), np.array([831274834664.0]), np.array([0.7])
    plain = handoffs.BLENDS["plain"](lo, hi, d)[0]
    fused = handoffs.BLENDS["fused"](lo, hi, d)[0]
    from fractions import Fraction

    keep, part = Fraction(1.0 - 0.7), Fraction(831274834664.0 * 0.7)
    assert fused == float(Fraction(826825329556) * keep + part)  # rounded once
    assert plain == 826825329556.0 * (1.0 - 0.7) + 831274834664.0 * 0.7
