"""Variants, rework and hand-offs in SQL over the detailed step table, without re-sorting it.

Every query reads `steps` with detail (see `transitions.steps`): its `pos`, `cum_wait_us` and
`cum_work_us` carry the case order, so no query sorts the events again. Rework reads the
repeats (`flow_repeats`: each instance whose activity occurred before in its case, with its
previous occurrence), a small table built once per session (`prepare_repeats`); the waiting
and working time inside a loop is the difference of the running sums at its two ends.
"""

from __future__ import annotations

from typing import Any

from . import Engine

REPEATS = "flow_repeats"

_REPEATS = """
SELECT * FROM (
  SELECT case_id, activity, pos, lag(pos) OVER o AS prev_pos,
    cum_wait_us, lag(cum_wait_us) OVER o AS prev_cum_wait_us,
    cum_work_us, lag(cum_work_us) OVER o AS prev_cum_work_us,
    end_us, lag(end_us) OVER o AS prev_end_us
  FROM {steps}
  WINDOW o AS (PARTITION BY case_id, activity ORDER BY pos)
) AS r WHERE prev_pos IS NOT NULL
"""


def repeats(steps: str = "steps") -> str:
    """SQL: one row per repeat (an instance whose activity occurred before in its case):
    `case_id`, `activity`, `pos`, `cum_wait_us`, `cum_work_us`, `end_us`, and the same of the
    previous occurrence (`prev_pos`, `prev_cum_wait_us`, `prev_cum_work_us`, `prev_end_us`)."""
    return _REPEATS.format(steps=steps)


def _runs(engine: Engine) -> Any | None:
    """The case runs of the session's step table when it was built in process in case order."""
    from .sequences import CaseRuns

    built = engine.registered("steps")
    return None if built is None else CaseRuns.of(built)


def prepare_repeats(engine: Engine) -> None:
    """Make the repeats of the detailed `steps` queryable as `flow_repeats` (once): in numpy
    when the step table was built in process in case order, else by the SQL window."""
    if engine.has_table(REPEATS):
        return
    from .sequences import repeats as numpy_repeats

    runs = _runs(engine)
    table = None if runs is None else numpy_repeats(engine.registered("steps"), runs)
    if table is not None:
        engine.register(REPEATS, table)
    else:
        engine.materialize(REPEATS, repeats())


NUMBERED = "flow_variant_sequences"


def variant_table(engine: Engine) -> str:
    """SQL for the table `flow_variants`: from variant numbers found in numpy (registered as
    `flow_case_variants` and `flow_variant_sequences`) when the step table is in case order,
    else the hashed SQL of `variants`. Read it with `variant_rows`."""
    from .sequences import variants as numpy_variants

    runs = _runs(engine)
    found = None if runs is None else numpy_variants(runs)
    if found is None:
        return variants(engine) if engine.dialect.hashed_lists else variants_exact(engine)
    engine.register("flow_case_variants", found[0])
    engine.register(NUMBERED, found[1])
    q = engine.quantiles("last_us - first_us", {"median": 0.5, "p90": 0.9}, "duration")
    return f"""
SELECT v.variant AS number, min(s.steps) AS steps, count(*) AS cases, {q},
  0 AS collisions
FROM flow_case_variants AS v JOIN case_spans AS s ON s.case_id = v.case_id
GROUP BY v.variant
"""


def drop_variant_numbers(engine: Engine) -> None:
    """Release the variant numbers of `variant_table` once `variant_rows` has been read."""
    engine.drop("flow_case_variants")
    engine.drop(NUMBERED)


def variant_rows(engine: Engine, top: int | None) -> str:
    """SQL: the `top` (None: all) rows of `flow_variants` by cases, then by `variant` (the
    activity codes in case order, comma-separated, as text); where the variants are numbered
    (`variant_table`), the text is made only for the rows that can be among them."""
    limit = "" if top is None else f"LIMIT {int(top)}"
    if not engine.has_table(NUMBERED):
        return f"SELECT * FROM flow_variants ORDER BY cases DESC, variant {limit}"
    cut = (
        "0"
        if top is None
        else f"(SELECT coalesce(min(cases), 0) FROM "
        f"(SELECT cases FROM flow_variants ORDER BY cases DESC {limit}) AS t)"
    )
    return f"""
WITH chosen AS (SELECT * FROM flow_variants WHERE cases >= {cut}),
names AS (
  SELECT variant AS number, string_agg(CAST(activity AS VARCHAR), ',' ORDER BY pos) AS variant
  FROM {NUMBERED} WHERE variant IN (SELECT number FROM chosen) GROUP BY variant
)
SELECT n.variant, c.steps, c.cases, c.duration_median_us, c.duration_p90_us
FROM chosen AS c JOIN names AS n ON n.number = c.number
ORDER BY c.cases DESC, n.variant {limit}
"""


def variants(engine: Engine, steps: str = "steps") -> str:
    """SQL: one row per distinct activity sequence (`variant`: the activity codes in case
    order, comma-separated) with `steps`, `cases` and the exact median and p90 of the cases'
    throughput time (first start to last end: `duration_median_us`, `duration_p90_us`).

    Cases are grouped by a hash of their sequence and `collisions` counts the groups whose
    sequences differ (two sequences with one hash); the caller must then use
    `variants_exact`, which groups by the sequences themselves (slower).
    """
    q = engine.quantiles("duration_us", {"median": 0.5, "p90": 0.9}, "duration")
    return f"""
WITH per_case AS (
  SELECT list(activity ORDER BY pos) AS sequence, count(*) AS steps,
    max(end_us) - min(coalesce(start_us, end_us)) AS duration_us
  FROM {steps} GROUP BY case_id
)
SELECT array_to_string(min(sequence), ',') AS variant, any_value(steps) AS steps,
  count(*) AS cases, {q}, CAST(min(sequence) <> max(sequence) AS INTEGER) AS collisions
FROM per_case GROUP BY hash(sequence)
"""


def variants_exact(engine: Engine, steps: str = "steps") -> str:
    """SQL: the table of `variants`, grouped by the sequences themselves."""
    q = engine.quantiles("duration_us", {"median": 0.5, "p90": 0.9}, "duration")
    return f"""
WITH per_case AS (
  SELECT string_agg(CAST(activity AS VARCHAR), ',' ORDER BY pos) AS variant,
    count(*) AS steps, max(end_us) - min(coalesce(start_us, end_us)) AS duration_us
  FROM {steps} GROUP BY case_id
)
SELECT variant, min(steps) AS steps, count(*) AS cases, {q}, 0 AS collisions
FROM per_case GROUP BY variant
"""


def rework_by_activity(engine: Engine, cases: int, steps: str = "steps") -> str:
    """SQL: per activity, `cases` with a repeat, `repeats` (instances beyond the first in
    their case), `self_loops` (repeats right after the same activity), the time inside its
    loops (`added_wait_us`, `added_work_us`, `added_elapsed_us`: from each previous instance
    to the repeat), and over all its instances `all_cases`, `instances`, `wait_us` and
    `work_us`. Needs `prepare_repeats`; `cases` is the number of case codes.

    Every instance of an activity is either the first of it in its case or a repeat, so
    `all_cases` is `instances` minus `repeats`, without a distinct count over the steps."""
    distinct = engine.bitmap_count("case_id", cases, 1) or "count(DISTINCT case_id)"
    return f"""
WITH r AS (
  SELECT activity, {distinct} AS cases, count(*) AS repeats,
    sum(CASE WHEN prev_pos = pos - 1 THEN 1 ELSE 0 END) AS self_loops,
    sum(cum_wait_us - prev_cum_wait_us) AS added_wait_us,
    sum(cum_work_us - prev_cum_work_us) AS added_work_us,
    sum(end_us - prev_end_us) AS added_elapsed_us
  FROM {REPEATS} GROUP BY activity
),
a AS (
  SELECT activity, count(*) AS instances,
    sum(coalesce(wait_us, 0)) AS wait_us, sum(coalesce(processing_us, 0)) AS work_us
  FROM {steps} GROUP BY activity
)
SELECT a.activity, coalesce(r.cases, 0) AS cases, coalesce(r.repeats, 0) AS repeats,
  coalesce(r.self_loops, 0) AS self_loops, r.added_wait_us, r.added_work_us,
  r.added_elapsed_us, a.instances - coalesce(r.repeats, 0) AS all_cases, a.instances,
  a.wait_us, a.work_us
FROM a LEFT JOIN r ON a.activity = r.activity
"""


def rework_summary(spans: str = "case_spans") -> str:
    """SQL: one row: `cases`, `affected` (cases with a repeat), `repeats`, `self_loops`, and
    the waiting and working time of the steps inside any loop (`wait_us`, `work_us`), each
    step counted once however many loops hold it. Needs `prepare_repeats`.

    A step at position p lies inside a loop when a repeat at or after p has its previous
    occurrence before p: p in (prev_pos, pos] of some repeat. Those intervals of a case,
    taken by their start, merge into islands (a new island begins where an interval starts
    at or after the end of every earlier one); the time inside an island is the running sum
    at its end minus the one at its start (a case's positions and previous positions are
    unique, so each island has one row at either end).
    """
    return f"""
WITH marked AS (
  SELECT *,
    CASE WHEN prev_pos < max(pos) OVER (PARTITION BY case_id ORDER BY prev_pos, pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS opens
  FROM {REPEATS}
),
numbered AS (
  SELECT *, sum(opens) OVER (PARTITION BY case_id ORDER BY prev_pos, pos
    ROWS UNBOUNDED PRECEDING) AS island
  FROM marked
),
ends AS (
  SELECT *, max(pos) OVER (PARTITION BY case_id, island) AS last_pos,
    min(prev_pos) OVER (PARTITION BY case_id, island) AS first_prev_pos
  FROM numbered
),
islands AS (
  SELECT case_id,
    max(CASE WHEN pos = last_pos THEN cum_wait_us END)
      - max(CASE WHEN prev_pos = first_prev_pos THEN prev_cum_wait_us END) AS wait_us,
    max(CASE WHEN pos = last_pos THEN cum_work_us END)
      - max(CASE WHEN prev_pos = first_prev_pos THEN prev_cum_work_us END) AS work_us
  FROM ends GROUP BY case_id, island
)
SELECT (SELECT count(*) FROM {spans}) AS cases,
  (SELECT count(DISTINCT case_id) FROM {REPEATS}) AS affected,
  (SELECT count(*) FROM {REPEATS}) AS repeats,
  (SELECT coalesce(sum(CASE WHEN prev_pos = pos - 1 THEN 1 ELSE 0 END), 0)
   FROM {REPEATS}) AS self_loops,
  coalesce(sum(wait_us), 0) AS wait_us, coalesce(sum(work_us), 0) AS work_us
FROM islands
"""


def rework_totals(engine: Engine) -> Any:
    """One row of `rework_summary` as a DataFrame: in numpy when the repeats were found in
    numpy (`prepare_repeats`), else by its SQL."""
    import pandas as pd

    from .sequences import rework_totals as numpy_totals

    table = engine.registered(REPEATS)
    found = None if table is None else numpy_totals(table)
    if found is None:
        return engine.frame(rework_summary())
    spans = engine.registered("case_spans")
    cases = (
        spans.num_rows
        if spans is not None
        else int(engine.frame("SELECT count(*) AS n FROM case_spans")["n"].iloc[0])
    )
    return pd.DataFrame([{"cases": cases, **found}])


def handoff_units(level: str) -> tuple[str, str, dict[str, str]]:
    """The unit columns (from, to) of hand-offs at `level` ("group", "resource" or "none")
    and the kinds of transition (name to condition on a step, in the order shown): "all",
    "resource change", "unit change", "within unit", "unknown" (a side without a unit)."""
    res_change = (
        "resource_id IS NOT NULL AND source_resource_id IS NOT NULL "
        "AND resource_id <> source_resource_id"
    )
    if level == "none":
        unit_from, unit_to = "CAST(NULL AS INTEGER)", "CAST(NULL AS INTEGER)"
    elif level == "group":
        unit_from, unit_to = "source_group_id", "group_id"
    else:
        unit_from, unit_to = "source_resource_id", "resource_id"
    known = f"{unit_from} IS NOT NULL AND {unit_to} IS NOT NULL"
    kinds = {
        "all": "TRUE",
        "resource change": res_change,
        # at the resource level a unit change is a resource change: measured once
        "unit change": res_change
        if level == "resource"
        else f"{known} AND {unit_from} <> {unit_to}",
        "within unit": f"{known} AND {unit_from} = {unit_to}",
        "unknown": f"NOT ({known})",
    }
    return unit_from, unit_to, kinds


def handoff_tables(engine: Engine, level: str) -> tuple[Any, Any]:
    """The frames of `handoff_summary` and `handoff_pairs` at `level` (see `handoff_units`):
    in numpy where the step table was built in process (`engine.handoffs`), else by SQL."""
    from .handoffs import blend_of, tables

    steps = engine.registered("steps")
    blend = None if steps is None else blend_of(engine)
    found = None if steps is None or blend is None else tables(steps, level, blend)
    if found is not None:
        return found
    unit_from, unit_to, kinds = handoff_units(level)
    known = f"{unit_from} IS NOT NULL AND {unit_to} IS NOT NULL"
    return (
        engine.frame(handoff_summary(engine, kinds)),
        engine.frame(handoff_pairs(engine, unit_from, unit_to, known)),
    )


def handoff_summary(engine: Engine, kinds: dict[str, str], steps: str = "steps") -> str:
    """SQL: per kind of transition (`kinds`: name to condition on a step), in the given
    order: `kind`, `k`, `count`, `wait_median_us` and `wait_total_us`. Kinds with the same
    condition are measured once."""
    q = engine.quantiles("wait_us", {"median": 0.5}, "wait")
    conditions = list(dict.fromkeys(kinds.values()))
    parts = [
        f"SELECT {c} AS c, count(wait_us) AS count, {q}, "
        f"coalesce(sum(wait_us), 0) AS wait_total_us FROM {steps} "
        f"WHERE source IS NOT NULL AND ({cond})"
        for c, cond in enumerate(conditions)
    ]
    names = ", ".join(
        f"('{name}', {k}, {conditions.index(cond)})" for k, (name, cond) in enumerate(kinds.items())
    )
    return f"""
WITH measured AS ({" UNION ALL ".join(parts)}),
kinds(kind, k, c) AS (VALUES {names})
SELECT kinds.kind, kinds.k, m.count, m.wait_median_us, m.wait_total_us
FROM kinds JOIN measured AS m ON m.c = kinds.c ORDER BY kinds.k
"""


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
