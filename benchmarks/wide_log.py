"""A deterministic wide event log shaped like BPIC 2015: ~400 activities, 1,200 cases, ~50k events.

BPIC 2015 (a Dutch municipality's building permits) is not among the shared logs; its shape is
what makes process discovery hard: about 40 activities that most cases go through, some 350
rare ones (many seen in a handful of cases), loops back over parts of the main path, optional
steps and steps done in either order, so that almost every case is its own variant.

`wide_log()` returns the log as a DataFrame (columns case_id, activity, timestamp, resource);
`python benchmarks/wide_log.py [OUT.csv.gz] [--activities N] [--cases N]` writes it as CSV
(default benchmarks/data/wide_400.csv.gz). Same arguments, same log, byte for byte.
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
SEED = 20151129
EPOCH = pd.Timestamp("2010-10-01 08:00:00", tz="UTC")


def activity_names(count: int, main: int) -> list[str]:
    """BPIC-2015-like codes: the main path `01_HOOFD_010` … and rare steps by phase."""
    names = [f"01_HOOFD_{10 * (i + 1):03d}" for i in range(main)]
    phases = ("01_BB", "02_DRZ", "03_GBH", "04_BPT", "05_EIND", "06_VD", "07_OPS", "08_AWB")
    for j in range(count - main):
        names.append(f"{phases[j % len(phases)]}_{100 + j:03d}")
    return names


def wide_log(
    activities: int = 400,
    cases: int = 1200,
    *,
    main: int = 40,
    rare_per_case: float = 6.0,
    seed: int = SEED,
) -> pd.DataFrame:
    """The wide log: `cases` cases over `activities` activities, `main` of them on a main path.

    Each case walks the main path (each step optional, 3-13% skipped), swaps neighbours now
    and then (steps done in either order), loops back over 2-5 main steps in about a quarter of
    the cases, and inserts on average `rare_per_case` rare activities near their home position
    on the path (Zipf-like: a few rare steps are common, most occur in a handful of cases)."""
    if not 2 <= main < activities:
        raise ValueError("need 2 <= main < activities")
    rng = np.random.default_rng(seed)
    names = activity_names(activities, main)
    rare = activities - main
    skip = rng.uniform(0.03, 0.13, size=main)
    skip[0] = skip[-1] = 0.0  # every case starts and ends the same way
    weights = 1.0 / np.arange(1, rare + 1) ** 1.0
    weights = weights[rng.permutation(rare)]
    weights /= weights.sum()
    home = rng.integers(1, main - 1, size=rare)  # where on the path a rare step happens
    resources = [f"R{r:02d}" for r in range(25)]
    wait_scale = rng.lognormal(np.log(6 * 3600), 1.0, size=activities)  # median wait per step
    rows_case: list[str] = []
    rows_act: list[str] = []
    rows_time: list[pd.Timestamp] = []
    rows_res: list[str] = []
    starts = np.sort(rng.uniform(0, 4 * 365 * 86400, size=cases))
    for c in range(cases):
        path = [i for i in range(main) if rng.random() >= skip[i]]
        for k in range(1, len(path) - 2):  # either order for some neighbours
            if rng.random() < 0.06:
                path[k], path[k + 1] = path[k + 1], path[k]
        if rng.random() < 0.25 and len(path) > 8:  # loop back over part of the main path
            at = int(rng.integers(4, len(path) - 2))
            back = int(rng.integers(2, 6))
            path = path[:at] + path[at - back : at] + path[at:]
        steps: list[int] = list(path)
        for r in rng.choice(rare, size=int(rng.poisson(rare_per_case)), p=weights):
            anchor = int(home[r])
            positions = [k for k, a in enumerate(steps) if a == anchor] or [
                int(rng.integers(1, len(steps)))
            ]
            steps.insert(positions[0] + 1, main + int(r))
        t = EPOCH + pd.Timedelta(seconds=float(starts[c]))
        case = f"C{c + 1:05d}"
        for a in steps:
            t = t + pd.Timedelta(seconds=float(rng.exponential(wait_scale[a])) + 60.0)
            rows_case.append(case)
            rows_act.append(names[a])
            rows_time.append(t)
            rows_res.append(resources[int(rng.integers(0, len(resources)))])
    return pd.DataFrame(
        {
            "case_id": rows_case,
            "activity": rows_act,
            "timestamp": pd.DatetimeIndex(rows_time).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "resource": rows_res,
        }
    )


def write_wide_log(path: Path, activities: int = 400, cases: int = 1200) -> Path:
    """Write the wide log as CSV (gzip when the name ends in .gz, no file date: reproducible)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = wide_log(activities, cases).to_csv(index=False).encode("utf-8")
    if path.suffix == ".gz":
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as z,
        ):
            z.write(data)
    else:
        path.write_bytes(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DATA / "wide_400.csv.gz")
    parser.add_argument("--activities", type=int, default=400)
    parser.add_argument("--cases", type=int, default=1200)
    args = parser.parse_args()
    path = write_wide_log(args.out, args.activities, args.cases)
    frame = pd.read_csv(path)
    print(
        f"{path}: {len(frame):,} events, {frame['case_id'].nunique():,} cases, "
        f"{frame['activity'].nunique():,} activities, "
        f"{frame.groupby('case_id')['activity'].agg(tuple).nunique():,} variants"
    )


if __name__ == "__main__":
    main()
