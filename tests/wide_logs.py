"""Deterministic wide event logs for the map tests: seeded random walks over a branching chain."""

from __future__ import annotations

import random

import pandas as pd


def wide_log(activities: int, cases: int = 300, seed: int = 7) -> pd.DataFrame:
    """A log over `activities` activities: each case walks a chain of activities, jumping to a
    random later one with small probability and sometimes back (rework); waits from seconds to
    weeks. Few events per activity count, so the test stays fast."""
    rng = random.Random(seed)
    rows = []
    t0 = pd.Timestamp("2024-01-01T08:00:00Z")
    for case in range(cases):
        t = t0 + pd.Timedelta(hours=case)
        at = 0
        steps = 0
        while at < activities and steps < 40:
            rows.append((f"c{case}", f"Activity {at:04d} step", t))
            r = rng.random()
            if r < 0.55:
                at += 1
            elif r < 0.9:
                at += rng.randint(2, max(2, activities // 10))
            elif r < 0.95 and at > 0:
                at = max(0, at - rng.randint(1, 3))
            else:
                at = activities  # ends here
            steps += 1
            t = t + pd.Timedelta(seconds=rng.choice((30, 600, 5400, 30000, 200000, 900000)))
    return pd.DataFrame(rows, columns=["case", "activity", "timestamp"])
