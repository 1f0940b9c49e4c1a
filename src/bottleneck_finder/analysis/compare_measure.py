"""One side of a comparison measured in SQL: case spans, periods, per-element waits and samples."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Engine
from ..model import EventLog, SourceLog, catalog_of
from ..timeunits import US
from .compare_types import SideSummary, Straddling


@dataclass(frozen=True)
class Side:
    """What one period contributes: summaries, per-key aggregate rows and sorted samples."""

    summary: SideSummary
    transitions: dict[tuple[str, str], dict[str, float]]
    activities: dict[str, dict[str, float]]
    trans_waits: dict[tuple[str, str], np.ndarray]
    act_waits: dict[str, np.ndarray]
    durations: np.ndarray


def fetch_arrays(engine: Engine, sql: str) -> dict[str, np.ndarray]:
    """Run a query and return its columns as numpy arrays (event-level, so no DataFrame)."""
    return engine.arrays(sql)


def _segments(keys: list[np.ndarray]) -> list[tuple[int, int]]:
    """Start and end of each run of equal keys in arrays sorted by those keys."""
    n = len(keys[0]) if keys else 0
    if n == 0:
        return []
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _stats_sql(engine: Engine, column: str, prefix: str) -> str:
    q = engine.quantiles(column, {"median": 0.5, "p90": 0.9}, prefix)
    return (
        f"count({column}) AS {prefix}_count, avg({column}) AS {prefix}_mean_us, {q}, "
        f"sum({column}) AS {prefix}_total_us"
    )


def measure_side(engine: Engine, log: EventLog | SourceLog, period: int, events: int) -> Side:
    """The side `period` of the tables `cmp_steps` (steps with their case's period) and
    `periods` (case_id, first_us, last_us, period) in `engine`."""
    return measure_sides(engine, log, {period: events})[period]


def measure_sides(
    engine: Engine, log: EventLog | SourceLog, events: Mapping[int, int]
) -> dict[int, Side]:
    """Every period of `events` (period -> its events) measured as `measure_side` measures one,
    with one query of each kind for all of them (fewer engine round trips)."""
    catalog = catalog_of(log)
    names = np.asarray(catalog.labels["activity"].astype(str), dtype=object)
    where = f"period IN ({', '.join(str(int(p)) for p in sorted(events))})"
    # distinct cases by a bitmap per group where the engine has one (exact, one pass)
    n_cases, groups = catalog.cases, len(events) * len(names)
    pairs = engine.bitmap_count("case_id", n_cases, groups * len(names))
    singles = engine.bitmap_count("case_id", n_cases, groups)
    trans = engine.frame(
        f"SELECT period, source, activity AS target, "
        f"{pairs or 'count(DISTINCT case_id)'} AS cases, "
        f"{_stats_sql(engine, 'wait_us', 'wait')} FROM cmp_steps "
        f"WHERE {where} AND source IS NOT NULL GROUP BY period, source, activity"
    )
    acts = engine.frame(
        f"SELECT period, activity, count(*) AS count, "
        f"{singles or 'count(DISTINCT case_id)'} AS cases, "
        f"{_stats_sql(engine, 'wait_us', 'wait')}, "
        f"{_stats_sql(engine, 'processing_us', 'processing')} FROM cmp_steps "
        f"WHERE {where} GROUP BY period, activity"
    )
    t_rows: dict[int, dict[tuple[str, str], dict[str, float]]] = {p: {} for p in events}
    for row in _records(trans):
        key = (str(names[int(row["source"])]), str(names[int(row["target"])]))
        t_rows[int(row["period"])][key] = _row(row, "wait", count_name="wait_count")
    a_rows: dict[int, dict[str, dict[str, float]]] = {p: {} for p in events}
    for row in _records(acts):
        values = _row(row, "wait", count_name="count")
        values.update(_row(row, "processing", count_name="processing_count", prefix="processing"))
        a_rows[int(row["period"])][str(names[int(row["activity"])])] = values
    # every wait once, by period, activity and length; the transitions' waits are those with a
    # source (the first step of a case has neither), reordered by source with a stable sort
    aw = fetch_arrays(
        engine,
        f"SELECT period, coalesce(source, -1) AS source, activity, wait_us FROM cmp_steps "
        f"WHERE {where} AND wait_us IS NOT NULL ORDER BY period, activity, wait_us",
    )
    cs = fetch_arrays(
        engine,
        f"SELECT period, dur_us AS d, first_us, last_us FROM periods WHERE {where} "
        "ORDER BY period, d",
    )
    out = {}
    for period, n_events in events.items():
        i, j = _period_rows(aw["period"], period)
        act_waits, trans_waits = _waits(
            names, aw["source"][i:j], aw["activity"][i:j], aw["wait_us"][i:j]
        )
        i, j = _period_rows(cs["period"], period)
        first, last = cs["first_us"][i:j], cs["last_us"][i:j]
        count = j - i
        summary = SideSummary(
            cases=count,
            events=n_events,
            first_event=utc_stamp(int(first.min())) if count else None,
            last_event=utc_stamp(int(last.max())) if count else None,
            has_start_times=log.has_start_times,
            source=log.source,
        )
        durations = cs["d"][i:j].astype(np.float64) / US
        out[period] = Side(
            summary, t_rows[period], a_rows[period], trans_waits, act_waits, durations
        )
    return out


def _period_rows(periods: np.ndarray, period: int) -> tuple[int, int]:
    """The rows of one period in rows sorted by period."""
    values = periods.astype(np.int64)
    return int(np.searchsorted(values, period, "left")), int(
        np.searchsorted(values, period, "right")
    )


def _waits(
    names: np.ndarray, source: np.ndarray, activity: np.ndarray, wait_us: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[tuple[str, str], np.ndarray]]:
    """One period's waits in seconds (rows sorted by activity, then length) by activity and by
    transition (source -1: none), each sorted."""
    waits = wait_us.astype(np.float64) / US
    act_waits = {str(names[int(activity[i])]): waits[i:j] for i, j in _segments([activity])}
    source = source.astype(np.int64)
    with_source = np.flatnonzero(source >= 0)
    order = with_source[np.argsort(source[with_source], kind="stable")]
    t_source, t_target, t_waits = source[order], activity[order], waits[order]
    trans_waits = {
        (str(names[int(t_source[i])]), str(names[int(t_target[i])])): t_waits[i:j]
        for i, j in _segments([t_source, t_target])
    }
    return act_waits, trans_waits


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts of Python values (what `to_dict(orient="records")` gives, with
    one conversion per column instead of per cell)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _row(
    row: Mapping[Any, Any], stat: str, *, count_name: str, prefix: str = "wait"
) -> dict[str, float]:
    def sec(name: str) -> float:
        value = row.get(f"{stat}_{name}_us")
        return math.nan if value is None or pd.isna(value) else float(value) / US

    out = {
        f"{prefix}_count": float(row[count_name]),
        f"{prefix}_median_s": sec("median"),
        f"{prefix}_mean_s": sec("mean"),
        f"{prefix}_p90_s": sec("p90"),
        f"{prefix}_total_s": sec("total") if row[f"{stat}_count"] else 0.0,
    }
    if "cases" in row and prefix == "wait":
        out["cases"] = float(row["cases"])
    return out


def utc_stamp(us: int) -> pd.Timestamp:
    """Microseconds since the epoch as a UTC timestamp."""
    return pd.Timestamp(us, unit="us", tz="UTC")


def events_per_period(
    engine: Engine, log: EventLog | SourceLog, case_period: np.ndarray
) -> dict[int, int]:
    """Events of the log that belong to the cases of each period (-1: excluded); a log read in
    the engine counts them there, from the table `periods`: each event is a step, or with
    lifecycle pairing a row of `lifecycle_queue` (the starts and completes kept)."""
    if isinstance(log, SourceLog):
        table = "lifecycle_queue" if log.has_lifecycle else "steps"
        got = engine.frame(
            f"SELECT coalesce(p.period, -1) AS period, count(*) AS n FROM {table} AS e "
            "LEFT JOIN periods AS p ON e.case_id = p.case_id GROUP BY ALL"
        )
        counts = dict(zip(got["period"].astype(int), got["n"].astype(int), strict=True))
        return {p: counts.get(p, 0) for p in (-1, 0, 1)}
    codes = log.events["case"].cat.codes.to_numpy()
    per_event = case_period[codes]
    return {p: int((per_event == p).sum()) for p in (-1, 0, 1)}


def on_wall_clock(log: EventLog | SourceLog) -> bool:
    """Whether `log` carries a working calendar's clock readings beside its real times
    (`end_wall_us`; never a log read in the engine, which takes no calendar)."""
    return isinstance(log, EventLog) and "end_wall_us" in log.events.columns


def case_table(engine: Engine, log: EventLog | SourceLog) -> None:
    """The table `case_span`: each case's first and last event (real times) and its throughput
    time `dur_us` (working time when `log` carries a calendar's clock readings). With a
    calendar, also `steps_real`: each step's real end and unit, for the demand weeks."""
    span = (
        "SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us "
        "FROM steps GROUP BY case_id"
    )
    if not isinstance(log, EventLog) or not on_wall_clock(log):
        engine.materialize("case_span", f"SELECT *, last_us - first_us AS dur_us FROM ({span})")
        return
    import pyarrow as pa

    events = log.events
    start = events["start_wall_us"]
    engine.register(
        "wall",
        pa.table(
            {
                "case_id": pa.array(events["case"].cat.codes.to_numpy(dtype="int32")),
                "row_no": pa.array(events["row"].to_numpy(dtype="int64")),
                "start_us": pa.array(
                    start.to_numpy(dtype="int64", na_value=0), mask=start.isna().to_numpy()
                ),
                "end_us": pa.array(events["end_wall_us"].to_numpy(dtype="int64")),
            }
        ),
    )
    engine.materialize(
        "case_span",
        "SELECT w.case_id, w.first_us, w.last_us, s.last_us - s.first_us AS dur_us FROM "
        "(SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us "
        f"FROM wall GROUP BY case_id) w JOIN ({span}) s ON w.case_id = s.case_id",
    )
    engine.materialize(
        "steps_real",
        "SELECT w.end_us, s.group_id, s.resource_id FROM steps s JOIN wall w "
        "ON s.row_no = w.row_no",
    )


def case_spans(engine: Engine) -> dict[str, np.ndarray]:
    """The table `case_span` as arrays: `case_id`, `first_us`, `last_us`, `dur_us`."""
    return fetch_arrays(engine, "SELECT case_id, first_us, last_us, dur_us FROM case_span")


def split_periods(
    engine: Engine,
    spans: Mapping[str, np.ndarray],
    split_us: int,
    straddling: Straddling,
    n_cases: int,
) -> tuple[int, np.ndarray]:
    """The table `periods` (case_id, first_us, last_us, dur_us, period) beside `case_span`
    (`spans`, its arrays): each case in period 0 when it starts before `split_us`, 1 when it
    starts from it on; a case that starts before and ends after it straddles the date and is
    left out (NULL) or counted before or after as `straddling` says. Returns the number of
    straddling cases and the period of every case code (-1 when left out)."""
    import pyarrow as pa

    first = spans["first_us"].astype(np.int64)
    straddles = (first < split_us) & (spans["last_us"].astype(np.int64) > split_us)
    period = np.where(first < split_us, 0, 1)
    period[straddles] = {"exclude": -1, "before": 0, "after": 1}[straddling]
    engine.register(
        "periods",
        pa.table(
            {name: pa.array(spans[name]) for name in ("case_id", "first_us", "last_us", "dur_us")}
            | {"period": pa.array(period, mask=period < 0)}
        ),
    )
    out = np.full(max(n_cases, 1), -1, dtype=np.int64)
    out[spans["case_id"].astype(np.int64)] = period
    return int(straddles.sum()), out


def steps_with_periods(engine: Engine) -> None:
    """The table `cmp_steps`: every step of a case that belongs to a period, with the period."""
    engine.materialize(
        "cmp_steps",
        "SELECT s.case_id, s.activity, s.source, s.wait_us, s.processing_us, p.period "
        "FROM steps s JOIN periods p ON s.case_id = p.case_id WHERE p.period IS NOT NULL",
    )
