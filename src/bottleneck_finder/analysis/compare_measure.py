"""One side of a comparison measured in SQL: case spans, periods, per-element waits and samples."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Engine
from ..model import EventLog
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


def measure_side(engine: Engine, log: EventLog, period: int, events: int) -> Side:
    """The side `period` of the tables `cmp_steps` (steps with their case's period) and
    `periods` (case_id, first_us, last_us, period) in `engine`."""
    names = np.asarray(log.events["activity"].cat.categories.astype(str), dtype=object)
    where = f"period = {period}"
    trans = engine.frame(
        f"SELECT source, activity AS target, count(DISTINCT case_id) AS cases, "
        f"{_stats_sql(engine, 'wait_us', 'wait')} FROM cmp_steps "
        f"WHERE {where} AND source IS NOT NULL GROUP BY source, activity"
    )
    acts = engine.frame(
        f"SELECT activity, count(*) AS count, count(DISTINCT case_id) AS cases, "
        f"{_stats_sql(engine, 'wait_us', 'wait')}, "
        f"{_stats_sql(engine, 'processing_us', 'processing')} FROM cmp_steps "
        f"WHERE {where} GROUP BY activity"
    )
    t_rows: dict[tuple[str, str], dict[str, float]] = {}
    for row in trans.to_dict(orient="records"):
        key = (str(names[int(row["source"])]), str(names[int(row["target"])]))
        t_rows[key] = _row(row, "wait", count_name="wait_count")
    a_rows: dict[str, dict[str, float]] = {}
    for row in acts.to_dict(orient="records"):
        values = _row(row, "wait", count_name="count")
        values.update(_row(row, "processing", count_name="processing_count", prefix="processing"))
        a_rows[str(names[int(row["activity"])])] = values

    # every wait once, by activity then length; the transitions' waits are those with a
    # source (the first step of a case has neither), reordered by source with a stable sort
    aw = fetch_arrays(
        engine,
        f"SELECT coalesce(source, -1) AS source, activity, wait_us FROM cmp_steps "
        f"WHERE {where} AND wait_us IS NOT NULL ORDER BY activity, wait_us",
    )
    waits = aw["wait_us"].astype(np.float64) / US
    act_waits = {
        str(names[int(aw["activity"][i])]): waits[i:j] for i, j in _segments([aw["activity"]])
    }
    source = aw["source"].astype(np.int64)
    with_source = np.flatnonzero(source >= 0)
    order = with_source[np.argsort(source[with_source], kind="stable")]
    t_source, t_target, t_waits = source[order], aw["activity"][order], waits[order]
    trans_waits = {
        (str(names[int(t_source[i])]), str(names[int(t_target[i])])): t_waits[i:j]
        for i, j in _segments([t_source, t_target])
    }
    cs = fetch_arrays(
        engine, f"SELECT dur_us AS d, first_us, last_us FROM periods WHERE {where} ORDER BY d"
    )
    count = len(cs["d"])
    summary = SideSummary(
        cases=count,
        events=events,
        first_event=utc_stamp(int(cs["first_us"].min())) if count else None,
        last_event=utc_stamp(int(cs["last_us"].max())) if count else None,
        has_start_times=log.has_start_times,
        source=log.source,
    )
    return Side(summary, t_rows, a_rows, trans_waits, act_waits, cs["d"].astype(np.float64) / US)


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


def events_per_period(log: EventLog, case_period: np.ndarray) -> dict[int, int]:
    """Events of the log that belong to the cases of each period (-1: excluded)."""
    codes = log.events["case"].cat.codes.to_numpy()
    per_event = case_period[codes]
    return {p: int((per_event == p).sum()) for p in (-1, 0, 1)}


def case_table(engine: Engine, log: EventLog) -> None:
    """The table `case_span`: each case's first and last event (real times) and its throughput
    time `dur_us` (working time when `log` carries a calendar's clock readings). With a
    calendar, also `steps_real`: each step's real end and unit, for the demand weeks."""
    span = (
        "SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us "
        "FROM steps GROUP BY case_id"
    )
    if "end_wall_us" not in log.events.columns:
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


def split_periods(engine: Engine, split_us: int, straddling: Straddling) -> int:
    """The table `periods`: each case of `case_span` in period 0 when it starts before
    `split_us`, 1 when it starts from it on; a case that starts before and ends after it
    straddles the date and is left out (NULL) or counted before or after as `straddling` says.
    Returns the number of straddling cases."""
    straddle = f"first_us < {split_us} AND last_us > {split_us}"
    straddled = {"exclude": "NULL", "before": "0", "after": "1"}[straddling]
    engine.materialize(
        "periods",
        f"SELECT case_id, first_us, last_us, dur_us, CASE WHEN {straddle} THEN {straddled} "
        f"WHEN first_us < {split_us} THEN 0 ELSE 1 END AS period FROM case_span",
    )
    return int(engine.frame(f"SELECT count(*) AS n FROM case_span WHERE {straddle}")["n"].iloc[0])


def case_periods(engine: Engine, n_cases: int) -> np.ndarray:
    """Period of every case code (-1 when excluded), from the table `periods`."""
    got = fetch_arrays(engine, "SELECT case_id, coalesce(period, -1) AS period FROM periods")
    out = np.full(max(n_cases, 1), -1, dtype=np.int64)
    out[got["case_id"].astype(np.int64)] = got["period"].astype(np.int64)
    return out


def steps_with_periods(engine: Engine) -> None:
    """The table `cmp_steps`: every step of a case that belongs to a period, with the period."""
    engine.materialize(
        "cmp_steps",
        "SELECT s.case_id, s.activity, s.source, s.wait_us, s.processing_us, p.period "
        "FROM steps s JOIN periods p ON s.case_id = p.case_id WHERE p.period IS NOT NULL",
    )
