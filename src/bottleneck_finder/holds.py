"""Test hook: named points where a run waits for a stop signal (BOTTLENECK_TEST_HOLD)."""

from __future__ import annotations

import os
import time
from pathlib import Path

VARIABLE = "BOTTLENECK_TEST_HOLD"
HOLD_S = 60.0
"""The longest wait at a point: a test that never sends its signal does not hang forever."""


def reached(point: str) -> None:
    """Wait here for a stop signal when the test hook names this point (else return at once).

    Signal tests need the signal to arrive at a known moment: after the command installed its
    handlers, inside a given phase. Points are the progress stages (`reading <log>`, `measuring
    waiting times`, `writing <folder>`, …), `staged` (every output file written aside, none
    swapped in yet) and `chromium` (the browser started, the page not yet printed). With
    BOTTLENECK_TEST_HOLD=`point=marker`, the first point whose name starts with `point` writes
    the file `marker` (the process id) and waits there, up to HOLD_S seconds, for the signal
    whose handler unwinds the run. Without the variable (every normal run) nothing happens.
    """
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    name, _, marker = spec.partition("=")
    if not name or not marker or not point.startswith(name):
        return
    path = Path(marker)
    if path.exists():  # only the first point that matches holds
        return
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(f"{os.getpid()}\n", encoding="utf-8")
    os.replace(partial, path)  # the test sees the marker whole or not at all
    deadline = time.monotonic() + HOLD_S
    while time.monotonic() < deadline:
        time.sleep(0.05)  # a signal's handler runs here and raises out of the hold
