"""Deterministic generator of realistic synthetic event logs (CSV and Parquet) for benchmarks."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parent / "data"
SEED = 20240601
N_ACTIVITIES = 20
ACTIVITIES = (
    "Register request",
    "Check completeness",
    "Request documents",
    "Receive documents",
    "Assign officer",
    "Review application",
    "Consult department",
    "Site inspection",
    "Calculate fee",
    "Notify applicant",
    "Receive payment",
    "Legal review",
    "Manager approval",
    "Reject request",
    "Revise decision",
    "Prepare certificate",
    "Sign certificate",
    "Archive dossier",
    "Return result",
    "Close case",
)
EPOCH_START = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
YEAR_S = 366 * 24 * 3600
MAX_GAP_S = 45 * 24 * 3600
TIE_SHARE = 0.04  # share of steps that happen in the same second as the previous one


@dataclass(frozen=True)
class Process:
    """A Markov-ish process model: start probabilities, a transition matrix and time scales."""

    start: np.ndarray  # (A,) probabilities of the first activity
    cumulative: np.ndarray  # (A, A) row-wise cumulative transition probabilities
    wait_median_s: np.ndarray  # (A, A) median wait before target given source, in seconds
    pools: list[np.ndarray]  # per activity: the resource numbers that perform it


def make_process(rng: np.random.Generator) -> Process:
    """A random but fixed process: a main flow forward plus rework loops and skips."""
    a = N_ACTIVITIES
    weights = np.zeros((a, a))
    for i in range(a):
        # strong forward flow, a few skips, some rework back, sparse noise
        weights[i, (i + 1) % a] += 6.0
        weights[i, (i + 2) % a] += 1.5
        weights[i, (i + 3) % a] += 0.5
        weights[i, max(i - 2, 0)] += 0.6
        weights[i, i] += 0.3
        noise = rng.choice(a, size=10, replace=False)
        weights[i, noise] += rng.gamma(0.5, 0.4, size=10)
    probs = weights / weights.sum(axis=1, keepdims=True)
    start = np.zeros(a)
    start[0], start[1], start[4] = 0.85, 0.1, 0.05
    # waits: most seconds to hours, some arcs (bottlenecks) take days
    scale = np.exp(rng.uniform(np.log(20.0), np.log(6 * 3600.0), size=(a, a)))
    slow = rng.random((a, a)) < 0.08
    scale[slow] *= rng.uniform(20.0, 60.0, size=int(slow.sum()))
    pools = []
    first = 0
    for _ in range(a):
        size = int(rng.integers(3, 25))
        pools.append(np.arange(first, first + size))
        first += size
    return Process(start, np.cumsum(probs, axis=1), scale, pools)


def _case_lengths(rng: np.random.Generator, n_events: int) -> np.ndarray:
    """Events per case (6–14, mostly 8–12) summing to exactly `n_events`."""
    lengths = rng.choice(
        np.arange(6, 15), size=n_events // 6 + 2, p=np.array([1, 3, 8, 12, 14, 12, 8, 3, 1]) / 62
    )
    total = np.cumsum(lengths)
    k = int(np.searchsorted(total, n_events))
    out = lengths[: k + 1].copy()
    out[-1] -= int(total[k] - n_events)
    return out[out > 0]


def _next(cumulative: np.ndarray, state: np.ndarray, u: np.ndarray) -> np.ndarray:
    rows = cumulative[state]
    return np.minimum((rows < u[:, None]).sum(axis=1), N_ACTIVITIES - 1)


def generate(n_events: int, seed: int = SEED, *, first_case: int = 0, digits: int = 7) -> pa.Table:
    """An event log of exactly `n_events` events, the same for the same `n_events` and seed;
    cases are numbered from `first_case`, with `digits` digits."""
    rng = np.random.default_rng(seed)
    process = make_process(np.random.default_rng(seed - 1))
    lengths = _case_lengths(rng, n_events)
    n_cases = len(lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    case_of = np.repeat(np.arange(n_cases), lengths)
    pos = np.arange(n_events) - offsets[case_of]

    # control flow: simulate all cases in parallel, one step at a time
    activity = np.empty(n_events, dtype=np.int16)
    state = rng.choice(N_ACTIVITIES, size=n_cases, p=process.start)
    for step in range(int(lengths.max())):
        alive = lengths > step
        idx = offsets[alive] + step
        if step > 0:
            state[alive] = _next(process.cumulative, state[alive], rng.random(int(alive.sum())))
        activity[idx] = state[alive]

    # times: case start spread over a year, lognormal waits per arc, some same-second ties
    prev = np.zeros(n_events, dtype=np.int16)  # the first event's "previous" is ignored
    prev[1:] = activity[:-1]
    first = pos == 0
    median = process.wait_median_s[prev, activity]
    gaps = np.exp(np.log(median) + rng.normal(0.0, 1.1, n_events))
    gaps = np.minimum(np.rint(gaps), MAX_GAP_S).astype(np.int64)
    gaps[rng.random(n_events) < TIE_SHARE] = 0
    start = EPOCH_START + rng.integers(0, YEAR_S, size=n_cases)
    gaps[first] = start
    resource = np.empty(n_events, dtype=np.int32)
    for a in range(N_ACTIVITIES):
        mask = activity == a
        resource[mask] = rng.choice(process.pools[a], size=int(mask.sum()))
    stamps = _timestamps(gaps, case_of, activity, resource)

    # file order: by time like a real export, ties in case order (stable within a case)
    order = np.lexsort((np.arange(n_events), stamps))
    case_names = np.char.add(
        "case-", np.char.zfill(np.arange(first_case, first_case + n_cases).astype(str), digits)
    )
    res_names = np.array([f"res-{r:03d}" for r in range(int(resource.max()) + 1)])
    return pa.table(
        {
            "event_id": pa.array(np.arange(n_events, dtype=np.int64)),
            "case_id": pa.array(case_names[case_of[order]]),
            "activity": pa.array(np.array(ACTIVITIES)[activity[order]]),
            "timestamp": pa.array(stamps[order].astype("datetime64[s]")).cast(
                pa.timestamp("s", tz="UTC")
            ),
            "resource": pa.array(res_names[resource[order]]),
        }
    )


def _timestamps(
    gaps: np.ndarray, case_of: np.ndarray, activity: np.ndarray, resource: np.ndarray
) -> np.ndarray:
    """Cumulative times per case; a tie that would repeat a whole row is pushed by one second."""
    while True:
        stamps = np.cumsum(gaps)
        starts = np.flatnonzero(np.r_[True, case_of[1:] != case_of[:-1]])
        base = np.repeat(stamps[starts] - gaps[starts], np.diff(np.r_[starts, len(gaps)]))
        stamps = stamps - base
        key = np.lexsort((resource, activity, stamps, case_of))
        same = (
            (case_of[key][1:] == case_of[key][:-1])
            & (stamps[key][1:] == stamps[key][:-1])
            & (activity[key][1:] == activity[key][:-1])
            & (resource[key][1:] == resource[key][:-1])
        )
        if not same.any():
            return stamps
        gaps[key[1:][same]] += 1


PART = 10_000_000  # larger logs are written part by part (see `write_parts`)


def write_parts(n_events: int, parquet: Path) -> None:
    """A log of more than `PART` events, written to Parquet part by part so that memory stays
    that of one part: part k holds `PART` events (the last the rest) generated with seed
    `SEED + k`, its cases numbered after the previous part's (8 digits), in time order within
    the part. The file is the parts one after another, as several yearly exports appended:
    each case's events are in time order, the file as a whole is not."""
    writer = None
    first_case = 0
    try:
        for k, begin in enumerate(range(0, n_events, PART)):
            table = generate(min(PART, n_events - begin), SEED + k, first_case=first_case, digits=8)
            first_case += len(table["case_id"].unique())
            if writer is None:
                writer = pq.ParquetWriter(parquet, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=1_000_000)
            print(f"  part {k}: {begin + len(table):,} events written", file=sys.stderr)
    finally:
        if writer is not None:
            writer.close()


def write(
    n_events: int, *, force: bool = False, folder: Path = DATA, csv_too: bool = True
) -> list[Path]:
    """Write `log_{n}.parquet` and `log_{n}.csv` into `folder` (existing files are kept).
    Above `PART` events only the Parquet file is written, part by part (`write_parts`)."""
    folder.mkdir(parents=True, exist_ok=True)
    parquet = folder / f"log_{n_events}.parquet"
    csv = folder / f"log_{n_events}.csv"
    csv_too = csv_too and n_events <= PART
    if parquet.exists() and (csv.exists() or not csv_too) and not force:
        print(f"{n_events:>10,} events: exist, skipped", file=sys.stderr)
        return [parquet, csv] if csv_too else [parquet]
    began = time.perf_counter()
    if n_events > PART:
        write_parts(n_events, parquet)
        print(
            f"{n_events:>10,} events: written in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
        return [parquet]
    table = generate(n_events)
    pq.write_table(table, parquet, compression="zstd")
    if not csv_too:
        print(
            f"{n_events:>10,} events: written in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
        return [parquet]
    text = table.set_column(
        3, "timestamp", pa.array(table["timestamp"].to_numpy().astype("datetime64[s]").astype(str))
    )
    pacsv.write_csv(text, csv, pacsv.WriteOptions(quoting_style="needed"))
    cases = table["case_id"].unique()
    print(
        f"{n_events:>10,} events, {len(cases):,} cases: written in "
        f"{time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    return [parquet, csv]


def main(argv: list[str] | None = None) -> int:
    """Command line: `python benchmarks/generate.py 100000 1000000 10000000`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--force", action="store_true", help="rewrite existing files")
    parser.add_argument("--dir", type=Path, default=DATA, help="folder to write into")
    parser.add_argument("--parquet-only", action="store_true", help="write no CSV")
    args = parser.parse_args(argv)
    for n in args.sizes:
        write(n, force=args.force, folder=args.dir, csv_too=not args.parquet_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
