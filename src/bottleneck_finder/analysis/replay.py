"""Token-based replay (fitness, precision) within a time limit, on a sample of cases if need be."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from typing import Any

import pandas as pd

from .mining import all_within, quiet

REPLAY_FIRST = 500  # under a time limit, a sample of at most this many cases is replayed first
REPLAY_MARGIN = 1.25  # … then a larger one (twice, four times, …) expected to fit this safely


def case_sample(frame: pd.DataFrame, level: int) -> pd.DataFrame:
    """The cases of `frame` whose CRC-32 of the case code is a multiple of 2**`level`: about
    one case in 2**level, the same every run, each sample inside the one a level below."""
    if level <= 0:
        return frame
    codes = frame["case:concept:name"].astype(str)
    step = 2**level
    chosen = {c for c in codes.unique() if zlib.crc32(c.encode("utf-8")) % step == 0}
    return frame[codes.isin(chosen)].reset_index(drop=True)


def _fitness(frame: pd.DataFrame, net: Any, im: Any, fm: Any) -> float:
    with quiet():
        import pm4py

        return float(pm4py.fitness_token_based_replay(frame, net, im, fm)["log_fitness"])


def _precision(frame: pd.DataFrame, net: Any, im: Any, fm: Any) -> float:
    with quiet():
        import pm4py

        return float(pm4py.precision_token_based_replay(frame, net, im, fm))


def replay_within(
    frame: pd.DataFrame,
    net: Any,
    im: Any,
    fm: Any,
    seconds: float,
    progress: Callable[[str], None] = lambda _stage: None,
) -> tuple[float | None, float | None, int]:
    """Token-based replay fitness and precision of the cases in `frame` within `seconds`, and
    how many cases they were measured on (fitness and precision side by side, in worker
    processes stopped at the deadline).

    Up to `REPLAY_FIRST` cases are replayed whole. Of more, a sample of at most that many
    (`case_sample`) is replayed first; then the largest larger sample (or all cases) whose
    expected time (proportional to its cases, × `REPLAY_MARGIN`) fits in the time left; its
    figures replace the first sample's if it finishes in time. (None, None, 0) when not even
    the first sample finished."""
    began = time.monotonic()
    total = int(frame["case:concept:name"].nunique())
    first = 0
    while total / 2**first > REPLAY_FIRST:
        first += 1

    def run(level: int, deadline: float) -> tuple[list[Any] | None, int]:
        sample = case_sample(frame, level)
        n = int(sample["case:concept:name"].nunique())
        if n == 0:
            return None, 0
        what = f"{n:,} cases" if n == total else f"a sample of {n:,} of {total:,} cases"
        progress(f"measuring fitness and precision ({what})")

        def tick(t: float) -> None:
            progress(f"measuring fitness and precision ({what}; {t:.0f} of {deadline:.0f} s)")

        answers = all_within(
            [
                lambda: _fitness(sample.copy(), net, im, fm),
                lambda: _precision(sample.copy(), net, im, fm),
            ],
            deadline,
            tick=tick,
        )
        return answers, n

    answers, replayed = run(first, seconds)
    if answers is None:
        return None, None, 0
    took = time.monotonic() - began
    for level in range(first):
        left = seconds - (time.monotonic() - began)
        if took * 2 ** (first - level) * REPLAY_MARGIN <= left:
            more, n = run(level, left)
            if more is not None:
                answers, replayed = more, n
            break
    return float(answers[0]), float(answers[1]), replayed
