"""Aggregates over steps: counts, cases, and exact mean / median / p90 / max / total times."""

from __future__ import annotations

from . import Engine

QUANTILES = {"median": 0.5, "p90": 0.9}


def _time_stats(engine: Engine, column: str, prefix: str) -> str:
    """Select-list of exact statistics of a microsecond column (quantiles interpolate linearly)."""
    q = engine.quantiles(column, QUANTILES, prefix)
    return (
        f"count({column}) AS {prefix}_count, avg({column}) AS {prefix}_mean_us, {q}, "
        f"max({column}) AS {prefix}_max_us, sum({column}) AS {prefix}_total_us"
    )


def _no_time_stats(prefix: str) -> str:
    """The select-list of `_time_stats` for a column known to be all null, without reading it."""
    names = ["mean_us", *(f"{q}_us" for q in QUANTILES), "max_us", "total_us"]
    nulls = ", ".join(f"CAST(NULL AS DOUBLE) AS {prefix}_{name}" for name in names)
    return f"0 AS {prefix}_count, {nulls}"


def _per_group(steps: str, keys: list[str], where: str, aggregates: str, bitmap: str | None) -> str:
    """SQL: `aggregates` per group of `keys`, and `cases`, the distinct cases of the group:
    by `bitmap` in the same pass where the engine can, otherwise by a distinct projection
    joined on the keys (cheaper than `count(DISTINCT …)` per group on large tables)."""
    names = ", ".join(keys)
    if bitmap:
        return f"""
SELECT {names}, {bitmap} AS cases, {aggregates}
FROM {steps} WHERE {where}
GROUP BY {names}
"""
    on = " AND ".join(f"t.{k} = c.{k}" for k in keys)
    return f"""
WITH t AS (SELECT {names}, {aggregates} FROM {steps} WHERE {where} GROUP BY {names}),
c AS (
  SELECT {names}, count(*) AS cases
  FROM (SELECT DISTINCT {names}, case_id FROM {steps} WHERE {where}) AS d
  GROUP BY {names}
)
SELECT t.*, c.cases FROM t JOIN c ON {on}
"""


def transition_stats(engine: Engine, steps: str, *, cases: int = 0, activities: int = 0) -> str:
    """SQL: per directly-follows pair (`source`, `activity`: the target): count, cases,
    overlaps, wait statistics.

    Given the number of case codes and activity codes, distinct cases are counted with a
    bitmap per pair where the engine can (one pass, no distinct projection).
    """
    aggregates = (
        "count(*) AS count, sum(CASE WHEN overlap THEN 1 ELSE 0 END) AS overlaps, "
        + _time_stats(engine, "wait_us", "wait")
    )
    bitmap = engine.bitmap_count("case_id", cases, activities * activities)
    return _per_group(steps, ["source", "activity"], "source IS NOT NULL", aggregates, bitmap)


def activity_stats(
    engine: Engine,
    steps: str,
    *,
    cases: int = 0,
    activities: int = 0,
    processing: bool = True,
) -> str:
    """SQL: per activity: instances, cases, processing and waiting time, starts and ends
    (distinct cases by bitmap as in `transition_stats`). `processing=False` says no instance
    has a start time, so processing statistics are null without scanning the column."""
    proc = (
        _time_stats(engine, "processing_us", "processing")
        if processing
        else _no_time_stats("processing")
    )
    aggregates = (
        f"count(*) AS count, {proc}, {_time_stats(engine, 'wait_us', 'wait_before')}, "
        "sum(CASE WHEN source IS NULL THEN 1 ELSE 0 END) AS starts, "
        "sum(CASE WHEN is_last THEN 1 ELSE 0 END) AS ends"
    )
    bitmap = engine.bitmap_count("case_id", cases, activities)
    return _per_group(steps, ["activity"], "TRUE", aggregates, bitmap)


def case_spans(instances: str) -> str:
    """SQL: one row per case: `case_id`, `first_us` (earliest start, or end where no start is
    known), `last_us` (latest end) and `steps` (activity instances)."""
    return f"""
SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us,
  count(*) AS steps
FROM ({instances}) AS i GROUP BY case_id
"""


def case_stats(engine: Engine, spans: str) -> str:
    """SQL: one row of throughput-time statistics over cases (first start to last end), from
    a table of `case_spans`."""
    return f"""
SELECT count(*) AS cases, {_time_stats(engine, "duration_us", "duration")},
  avg(steps) AS steps_mean, max(steps) AS steps_max,
  min(first_us) AS first_us, max(last_us) AS last_us
FROM (SELECT *, last_us - first_us AS duration_us FROM {spans}) AS per_case
"""
