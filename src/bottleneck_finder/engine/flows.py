"""Variants, rework and hand-offs in SQL over the detailed step table, without re-sorting it.

Every query reads `steps` with detail (see `transitions.steps`): its `pos`, `cum_wait_us` and
`cum_work_us` carry the case order, so no query sorts the events again. Rework follows from
one grouping by (case, activity): the instances after the first are the repeats, a repeat
right after the same activity (`source = activity`) is a self-loop, and the waiting and
working time inside the loops of one activity telescopes to the running sums at its last
instance minus those at its first. Loops of different activities of a case are merged as
intervals (first, last] of positions before their steps are counted once.
"""

from __future__ import annotations

from . import Engine

# One row per case and activity: instances, first and last position, the running sums and
# end times at both, and what the activity's own steps add up to.
_GROUPS = """
SELECT case_id, activity, count(*) AS n,
  min(pos) AS first_pos, max(pos) AS last_pos,
  arg_min(cum_wait_us, pos) AS first_wait_us, arg_max(cum_wait_us, pos) AS last_wait_us,
  arg_min(cum_work_us, pos) AS first_work_us, arg_max(cum_work_us, pos) AS last_work_us,
  arg_min(end_us, pos) AS first_end_us, arg_max(end_us, pos) AS last_end_us{extra}
FROM {steps} GROUP BY case_id, activity
"""


def variants(engine: Engine, steps: str = "steps") -> str:
    """SQL: one row per distinct activity sequence (`variant`: the activity codes in case
    order, comma-separated) with `steps`, `cases` and the exact median and p90 of the cases'
    throughput time (first start to last end: `duration_median_us`, `duration_p90_us`)."""
    q = engine.quantiles("duration_us", {"median": 0.5, "p90": 0.9}, "duration")
    return f"""
WITH per_case AS (
  SELECT case_id, string_agg(CAST(activity AS VARCHAR), ',' ORDER BY pos) AS variant,
    count(*) AS steps,
    max(end_us) - min(coalesce(start_us, end_us)) AS duration_us
  FROM {steps} GROUP BY case_id
)
SELECT variant, any_value(steps) AS steps, count(*) AS cases, {q}
FROM per_case GROUP BY variant
"""


def rework_by_activity(steps: str = "steps") -> str:
    """SQL: per activity, `cases` with a repeat, `repeats` (instances beyond the first in
    their case), `self_loops`, the time inside its loops (`added_wait_us`, `added_work_us`,
    `added_elapsed_us`: from the end of the first instance to the end of the last, per case),
    and over all its instances `all_cases`, `instances`, `wait_us` and `work_us`."""
    extra = (
        ",\n  sum(CASE WHEN source = activity THEN 1 ELSE 0 END) AS self_loops,"
        "\n  sum(coalesce(wait_us, 0)) AS wait_us, sum(coalesce(processing_us, 0)) AS work_us"
    )
    return f"""
WITH g AS ({_GROUPS.format(steps=steps, extra=extra)})
SELECT activity,
  count(CASE WHEN n > 1 THEN 1 END) AS cases,
  sum(n - 1) AS repeats,
  sum(self_loops) AS self_loops,
  sum(last_wait_us - first_wait_us) AS added_wait_us,
  sum(last_work_us - first_work_us) AS added_work_us,
  sum(last_end_us - first_end_us) AS added_elapsed_us,
  count(*) AS all_cases,
  sum(n) AS instances,
  sum(wait_us) AS wait_us,
  sum(work_us) AS work_us
FROM g GROUP BY activity
"""


def rework_summary(steps: str = "steps", spans: str = "case_spans") -> str:
    """SQL: one row: `cases`, `affected` (cases with a repeat), `repeats`, `self_loops`, and
    the waiting and working time of the steps inside any loop (`wait_us`, `work_us`), each
    step counted once however many loops hold it.

    A step at position p lies inside a loop when some activity of its case occurs before p and
    again at or after p: p in (first, last] of that activity's positions. Those intervals of a
    case, taken by their first position, merge into islands (a new island starts where an
    interval begins at or after the end of every earlier one); the time inside an island is
    the running sum at its end minus the one at its start.
    """
    return f"""
WITH g AS ({_GROUPS.format(steps=steps, extra="")} HAVING count(*) > 1),
marked AS (
  SELECT *,
    CASE WHEN first_pos < max(last_pos) OVER (PARTITION BY case_id ORDER BY first_pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS opens
  FROM g
),
numbered AS (
  SELECT *, sum(opens) OVER (PARTITION BY case_id ORDER BY first_pos
    ROWS UNBOUNDED PRECEDING) AS island
  FROM marked
),
islands AS (
  SELECT case_id,
    arg_max(last_wait_us, last_pos) - arg_min(first_wait_us, first_pos) AS wait_us,
    arg_max(last_work_us, last_pos) - arg_min(first_work_us, first_pos) AS work_us
  FROM numbered GROUP BY case_id, island
),
loops AS (
  SELECT count(DISTINCT case_id) AS affected, coalesce(sum(wait_us), 0) AS wait_us,
    coalesce(sum(work_us), 0) AS work_us
  FROM islands
),
counts AS (
  SELECT coalesce(sum(CASE WHEN source = activity THEN 1 ELSE 0 END), 0) AS self_loops
  FROM {steps}
)
SELECT (SELECT count(*) FROM {spans}) AS cases, loops.affected,
  (SELECT coalesce(sum(n - 1), 0) FROM g) AS repeats, counts.self_loops,
  loops.wait_us, loops.work_us
FROM loops, counts
"""


def handoff_summary(engine: Engine, kinds: dict[str, str], steps: str = "steps") -> str:
    """SQL: per kind of transition (`kinds`: name to condition on a step), in the given
    order: `kind`, `k`, `count`, `wait_median_us` and `wait_total_us`."""
    q = engine.quantiles("wait_us", {"median": 0.5}, "wait")
    parts = [
        f"SELECT '{name}' AS kind, {i} AS k, count(wait_us) AS count, {q}, "
        f"coalesce(sum(wait_us), 0) AS wait_total_us FROM {steps} "
        f"WHERE source IS NOT NULL AND ({cond})"
        for i, (name, cond) in enumerate(kinds.items())
    ]
    return " UNION ALL ".join(parts) + " ORDER BY k"


def handoff_pairs(
    engine: Engine, unit_from: str, unit_to: str, known: str, steps: str = "steps"
) -> str:
    """SQL: per pair of units (`f`, `t`) of the steps where both are `known`: `count`, exact
    median and p90 of the wait, `wait_total_us`."""
    qp = engine.quantiles("wait_us", {"median": 0.5, "p90": 0.9}, "wait")
    return (
        f"SELECT {unit_from} AS f, {unit_to} AS t, count(*) AS count, {qp}, "
        f"sum(wait_us) AS wait_total_us FROM {steps} "
        f"WHERE source IS NOT NULL AND {known} GROUP BY {unit_from}, {unit_to}"
    )
