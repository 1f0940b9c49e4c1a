"""A normalized log prepared once for every analysis: its clock, its step tables, its engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from .calendar import WorkCalendar, apply_calendar, time_basis
from .engine import Engine, new_engine
from .engine.prepare import prepare_steps, working_steps
from .model import EventLog, SourceLog

StepView = Literal["lean", "detail", "real", "working"]
"""Which step table an engine session holds (see `PreparedLog.session`)."""


class PreparedLog:
    """One log made ready for analysis, once: the events, the clock and the engine sessions.

    - `log`: the normalized events on their real dates.
    - `calendar`: the working calendar on whose clock durations are measured (None: the wall
      clock, 24 hours a day).
    - `timed`: the events on that clock (the log itself without a calendar). Differences of
      its times are durations; its times are not dates.
    - `session(view)`: an engine session holding one step table, prepared the first time it is
      asked for and kept until `close()`. Every engine call of the analyses goes through a
      session, so choosing another engine (`engine=`, a factory; by default the one chosen
      by `engine.configure`) changes no analysis.

    Analyses take a `PreparedLog`; the CLI, the report and the Python API build one per log
    (or per side of a comparison) and close it when done (`with PreparedLog(...) as p:`).
    """

    def __init__(
        self,
        log: EventLog | SourceLog,
        *,
        calendar: WorkCalendar | None = None,
        engine: Callable[[], Engine] = new_engine,
        holding: Engine | None = None,
    ) -> None:
        """`holding`: a session holding the `events` table of a `SourceLog` already (the one
        that normalized it), used for the first step table instead of building it again."""
        if isinstance(log, SourceLog) and calendar is not None:
            from .errors import CalendarError

            raise CalendarError(
                "a working calendar is not applied to a log read in the engine yet",
                fix="pass --calendar none, or analyse the file without --in-engine",
                source=log.source,
            )
        self.any_log = log
        self.calendar = calendar
        self._new_engine = engine
        self._holding = holding
        self._sessions: dict[StepView, Engine] = {}

    def __enter__(self) -> PreparedLog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release every engine session's memory."""
        for engine in self._sessions.values():
            engine.close()
        self._sessions.clear()
        if self._holding is not None:
            self._holding.close()
            self._holding = None

    @property
    def log(self) -> EventLog:
        """The normalized events in this process (an error for a log read in the engine: the
        analyses that need them do not run on one yet)."""
        if isinstance(self.any_log, SourceLog):
            from .errors import InputError

            raise InputError(
                "this analysis reads the events in this process: not with a log read in the "
                "engine yet",
                fix="analyse the file without --in-engine",
                source=self.any_log.source,
            )
        return self.any_log

    @property
    def timed_log(self) -> EventLog | SourceLog:
        """`timed`, or the log read in the engine (which has no calendar)."""
        return self.any_log if isinstance(self.any_log, SourceLog) else self.timed

    @property
    def source(self) -> str:
        """The file (or `<DataFrame>`) the log was read from."""
        return self.any_log.source

    @property
    def time_basis(self) -> str:
        """How durations are measured: `wall_clock`, or `working:<calendar name>`."""
        return time_basis(self.calendar)

    @cached_property
    def timed(self) -> EventLog:
        """The events on the clock durations are measured on (the real log without calendar)."""
        return self.log if self.calendar is None else apply_calendar(self.log, self.calendar)

    @cached_property
    def real_span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The first and the last real event time (a start where the log has start times)."""
        if isinstance(self.any_log, SourceLog):
            return (
                pd.Timestamp(self.any_log.first_us, unit="us", tz="UTC"),
                pd.Timestamp(self.any_log.last_us, unit="us", tz="UTC"),
            )
        events = self.log.events
        end = events["end_us"].to_numpy(dtype=np.int64)
        start = events["start_us"].to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).max)
        first = int(np.minimum(start, end).min())
        return (
            pd.Timestamp(first, unit="us", tz="UTC"),
            pd.Timestamp(int(end.max()), unit="us", tz="UTC"),
        )

    def session(self, view: StepView) -> Engine:
        """The engine session holding the step table `steps` (and `case_spans`) of `view`:

        - `lean`: steps of `timed`, waits only (the fastest; `analyze`); the `detail` session
          when that one is open already (the same rows, more columns);
        - `detail`: steps of `timed` with times, resources and units (flows, causes);
        - `real`: steps of `log` with detail, in the real order and on real dates (mining);
        - `working`: steps of `log` on real dates, their waits and processing times in the
          calendar's working time (`wait_us`, `processing_us`) beside working-clock readings
          `work_start_us`, `work_end_us` (period series: drift and the report's plots).

        Without a calendar `real` and `working` are the `detail` session itself.
        """
        if self.calendar is None and view in ("real", "working"):
            view = "detail"
        if view == "lean" and "detail" in self._sessions:
            return self._sessions["detail"]  # the same steps, with more columns
        engine = self._sessions.get(view)
        if engine is None:
            engine, self._holding = self._holding or self._new_engine(), None
            try:
                if view == "lean":
                    prepare_steps(engine, self.timed_log)
                elif view == "detail":
                    prepare_steps(engine, self.timed_log, detail=True)
                elif view == "real":
                    prepare_steps(engine, self.any_log, detail=True)
                else:
                    working_steps(engine, self.log, self.calendar)
            except BaseException:
                engine.close()
                raise
            self._sessions[view] = engine
        return engine

    def release(self, view: StepView) -> None:
        """Close one session early (its memory is needed elsewhere); asked again, it is rebuilt."""
        engine = self._sessions.pop(view, None)
        if engine is not None:
            engine.close()


@contextmanager
def prepared(
    log: EventLog | SourceLog | PreparedLog, calendar: WorkCalendar | None = None
) -> Iterator[PreparedLog]:
    """`log` itself when it is already prepared (left open for its owner), else `log` prepared
    on `calendar` for the `with` block and closed after it."""
    if isinstance(log, PreparedLog):
        yield log
        return
    with PreparedLog(log, calendar=calendar) as own:
        yield own
