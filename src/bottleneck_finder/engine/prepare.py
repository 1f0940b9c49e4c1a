"""Step tables of a log made queryable in an engine session: on the log's own clock, or with
real dates kept beside a working calendar's durations."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from ..calendar import WorkCalendar
from ..model import EventLog, SourceLog
from . import Engine, event_table, in_process, instances, stats, transitions

STEP_BYTES = {False: 60, True: 200}  # memory per event of building the lean / detailed steps


def prepare_steps(engine: Engine, log: EventLog | SourceLog, *, detail: bool = False) -> None:
    """Make the log's step table (`steps`, see `engine.transitions.steps`; `detail` keeps
    times and resources) and its per-case spans (`case_spans`, see `engine.stats.case_spans`)
    queryable in `engine`; with lifecycle pairing also `lifecycle_queue` (see
    `engine.instances.queue`)."""
    options: dict[str, Any] = {"has_start_times": log.has_start_times, "detail": detail}
    if isinstance(log, SourceLog):
        _source_steps(engine, log, options)
        return
    if not engine.in_process_steps or not engine.holds_in_process(
        len(log.events), STEP_BYTES[detail]
    ):
        # too large to build beside the events, or an engine elsewhere: the engine builds it
        engine.register("events", event_table(log.events))
        _engine_steps(engine, log.has_lifecycle, options)
        return
    if log.has_lifecycle:  # the queue is computed once for pairing and counting
        engine.register("events", event_table(log.events))
        engine.materialize("lifecycle_queue", instances.queue("events"))
        engine.materialize(
            "instances", instances.activity_instances("lifecycle_queue", paired=True)
        )
        paired = engine.arrow("SELECT * FROM instances")
        inst = "SELECT * FROM instances"
        if in_process.register_steps(engine, paired, **options):
            return
    else:  # made inside, so the unsorted instances are freed once sorted
        arrays = partial(in_process.from_events, log.events, detail=detail)
        if in_process.register_steps(engine, arrays, order_hint=log.case_order, **options):
            return
        engine.register("events", event_table(log.events))
        inst = instances.activity_instances("events", paired=False)
    engine.materialize("steps", transitions.steps(inst, **options))
    engine.materialize("case_spans", stats.case_spans(inst))


def _engine_steps(engine: Engine, has_lifecycle: bool, options: dict[str, Any]) -> None:
    """The step table built by the engine from its `events` table (dropped after)."""
    inst = instances.activity_instances("events", paired=False)
    if has_lifecycle:
        engine.materialize("lifecycle_queue", instances.queue("events"))
        inst = instances.activity_instances("lifecycle_queue", paired=True)
    engine.materialize("steps", transitions.steps(inst, **options))
    engine.materialize("case_spans", stats.case_spans(inst))
    engine.drop("events")  # the engine's own tables hold all that is read from now on


def _source_steps(engine: Engine, log: SourceLog, options: dict[str, Any]) -> None:
    """The step table of a log read in the engine: its instances fetched (integer columns
    only) and built in process where they fit as `prepare_steps` allows, else by the engine."""
    if not engine.has_table("events"):  # else the session that normalized the log
        from .source_sql import run_build

        run_build(engine, log)
    if engine.in_process_steps and engine.holds_in_process(
        log.catalog.events, STEP_BYTES[bool(options["detail"])]
    ):
        if log.has_lifecycle:
            engine.materialize("lifecycle_queue", instances.queue("events"))
            inst = instances.activity_instances("lifecycle_queue", paired=True)
        else:
            inst = instances.activity_instances("events", paired=False)
        if in_process.register_steps(engine, engine.arrow(inst), **options):
            engine.drop("events")
            return
    _engine_steps(engine, log.has_lifecycle, options)


CLOCK_TABLE = "work_clock"
_READINGS = (("ws", "start_us"), ("we", "end_us"), ("wp", "source_end_us"))


def working_steps(engine: Engine, log: EventLog, calendar: WorkCalendar | None) -> None:
    """Materialize the detailed step table `steps` of `log` in `engine` (as `prepare_steps`
    does), with its waiting and processing times in the working time of `calendar`.

    The steps keep their real order and times (`start_us`, `end_us`, `source_end_us`: dates
    to bucket and show); `wait_us` and `processing_us` become working microseconds, and
    `work_start_us`, `work_end_us` hold the readings of the working clock (working time of a
    span: the difference of two readings, e.g. a case's throughput time). Without a calendar
    the table is `prepare_steps`' own (read `start_us` and `end_us` instead of the readings).
    """
    prepare_steps(engine, log, detail=True)
    if calendar is None:
        return
    import pyarrow as pa

    events = log.events
    times = [events["end_us"].to_numpy(dtype=np.int64)]
    starts = events["start_us"].dropna()
    if len(starts):
        times.append(starts.to_numpy(dtype=np.int64))
    every = np.concatenate(times)
    if len(every) == 0:
        return
    clock = calendar.clock(int(every.min()), int(every.max()))
    engine.register(
        CLOCK_TABLE,
        pa.table(
            {
                "from_us": pa.array(clock.starts, type=pa.int64()),
                "to_us": pa.array(clock.ends, type=pa.int64()),
                "before_us": pa.array(clock.before, type=pa.int64()),
            }
        ),
    )

    def reading(alias: str, column: str) -> str:
        # W(t): working time before the interval holding t, plus the part of it until t
        inside = f"least(s.{column} - {alias}.from_us, {alias}.to_us - {alias}.from_us)"
        value = f"coalesce({alias}.before_us + {inside}, 0)"
        return f"CASE WHEN s.{column} IS NULL THEN NULL ELSE {value} END"

    engine.materialize("steps_real", "SELECT * FROM steps")
    if engine.dialect.asof_join:
        joins = "".join(
            f"ASOF LEFT JOIN {CLOCK_TABLE} AS {a} ON s.{c} >= {a}.from_us\n" for a, c in _READINGS
        )
    else:  # the interval holding t, up to the next interval's start (the last: open ended)
        engine.materialize(
            "work_clock_next",
            f"SELECT *, lead(from_us) OVER (ORDER BY from_us) AS next_us FROM {CLOCK_TABLE}",
        )
        joins = "".join(
            f"LEFT JOIN work_clock_next AS {a} ON s.{c} >= {a}.from_us "
            f"AND (s.{c} < {a}.next_us OR {a}.next_us IS NULL)\n"
            for a, c in _READINGS
        )
    engine.materialize(
        "steps_read",
        f"""
SELECT s.*, {reading("ws", "start_us")} AS work_start_us, {reading("we", "end_us")} AS work_end_us,
  {reading("wp", "source_end_us")} AS work_source_end_us
FROM steps_real AS s
{joins}""",
    )
    # the clock never runs backwards, so a wait floored at 0 in real time is 0 here too; the
    # running sums of real time are left out (nothing reads them on this view)
    replaced = {"wait_us", "processing_us", "work_source_end_us", "cum_wait_us", "cum_work_us"}
    kept = ", ".join(c for c in engine.columns("steps_read") if c not in replaced)
    engine.materialize(
        "steps",
        f"""
SELECT {kept},
  CASE WHEN source IS NULL THEN NULL
    ELSE greatest(coalesce(work_start_us, work_end_us) - work_source_end_us, 0) END AS wait_us,
  work_end_us - work_start_us AS processing_us
FROM steps_read
""",
    )
    for name in ("steps_real", "steps_read", "work_clock_next"):
        engine.drop(name)
