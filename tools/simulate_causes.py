"""Small deterministic logs with one planted cause of waiting, for checking `causes`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd

Scenario = Literal["contention", "batching", "unavailability"]
RECEIVE = "Tiếp nhận hồ sơ"
SIGN = "Ký duyệt"
CLERKS = ("clerk_1", "clerk_2", "clerk_3")
OFFICER = "officer_A"


def simulate_planted_cause(
    scenario: Scenario, *, dossiers: int = 120, start: dt.datetime | None = None
) -> pd.DataFrame:
    """A two-step log (receive by one of three clerks, then sign by one officer) whose signing
    step waits mostly for the planted cause, in UTC times written as text:

    - `contention`: a dossier arrives every hour, day and night, and signing takes 80 minutes,
      so the one officer's queue only grows;
    - `batching`: a dossier arrives every 3 hours and the officer signs the whole stack at once
      every Friday at 14:00;
    - `unavailability`: a dossier arrives every 8 hours and the officer signs (20 minutes each,
      with 5 minutes between two dossiers) only on Tuesday and Thursday afternoons,
      13:00–17:00. Without the pause, the stack cleared back to back at each session's start
      would be a sequential batch: the log alone cannot tell a session from a batch rule.

    Columns: case, activity, resource, start, end.
    """
    t0 = start or dt.datetime(2025, 3, 3)  # a Monday
    gap = {"contention": 60, "batching": 180, "unavailability": 480}[scenario]
    rows: list[tuple[str, str, str, dt.datetime, dt.datetime]] = []
    ready: list[tuple[str, dt.datetime]] = []
    for k in range(dossiers):
        arrive = t0 + dt.timedelta(minutes=gap * k)
        case = f"HS-{k + 1:04d}"
        done = arrive + dt.timedelta(minutes=10)
        rows.append((case, RECEIVE, CLERKS[k % len(CLERKS)], arrive, done))
        ready.append((case, done))
    if scenario == "batching":
        rows.extend(_weekly_batches(ready))
    else:
        rows.extend(_single_server(scenario, ready))
    frame = pd.DataFrame(rows, columns=["case", "activity", "resource", "start", "end"])
    for column in ("start", "end"):
        frame[column] = frame[column].map(lambda t: t.strftime("%Y-%m-%d %H:%M:%S"))
    return frame


def _weekly_batches(
    ready: list[tuple[str, dt.datetime]],
) -> list[tuple[str, str, str, dt.datetime, dt.datetime]]:
    out = []
    for case, enabled in ready:
        days = (4 - enabled.weekday()) % 7  # the next Friday
        friday = dt.datetime.combine(enabled.date() + dt.timedelta(days=days), dt.time(14))
        if friday < enabled:
            friday += dt.timedelta(days=7)
        out.append((case, SIGN, OFFICER, friday, friday + dt.timedelta(minutes=30)))
    return out


def _single_server(
    scenario: Scenario, ready: list[tuple[str, dt.datetime]]
) -> list[tuple[str, str, str, dt.datetime, dt.datetime]]:
    service = dt.timedelta(minutes=80 if scenario == "contention" else 20)
    pause = dt.timedelta(minutes=5 if scenario == "unavailability" else 0)
    free = ready[0][1]
    out = []
    for case, enabled in ready:  # first come, first served
        begin = max(enabled, free)
        if scenario == "unavailability":
            begin = _next_open(begin, service)
        out.append((case, SIGN, OFFICER, begin, begin + service))
        free = begin + service + pause
    return out


def _next_open(t: dt.datetime, service: dt.timedelta) -> dt.datetime:
    """The first moment from `t` on a Tuesday or Thursday afternoon with room for `service`."""
    while True:
        open_at = dt.datetime.combine(t.date(), dt.time(13))
        close_at = dt.datetime.combine(t.date(), dt.time(17))
        if t.weekday() in (1, 3) and t < close_at:
            begin = max(t, open_at)
            if begin + service <= close_at:
                return begin
        t = dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time(0))
