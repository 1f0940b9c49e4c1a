"""Regenerate the simulated one-stop-shop sample logs shipped in this folder.

Usage: python event_logs/make_samples.py
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The rollout sample: one continuous log of 1,800 dossiers (about 13 weeks from Monday
# 2025-03-03); dossiers arriving from Monday 2025-04-14 00:00 +07:00 on follow the "after" route.
ROLLOUT = datetime(2025, 4, 14, 0, 0)
ROLLOUT_DOSSIERS = 1800


def main() -> None:
    # The simulator lives in tools/ at the project root, outside the installed package.
    sys.path.insert(0, str(HERE.parent))
    from tools.simulate import simulate_one_stop_shop

    for scenario in ("before", "after"):
        frame = simulate_one_stop_shop(scenario)
        path = HERE / f"one_stop_shop_{scenario}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        print(f"wrote {path} ({frame['ma_ho_so'].nunique()} dossiers, {len(frame)} events)")

    frame = simulate_one_stop_shop("after", dossiers=ROLLOUT_DOSSIERS, rollout=ROLLOUT)
    path = HERE / "one_stop_shop_rollout.csv"
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    print(f"wrote {path} ({frame['ma_ho_so'].nunique()} dossiers, {len(frame)} events)")


if __name__ == "__main__":
    main()
