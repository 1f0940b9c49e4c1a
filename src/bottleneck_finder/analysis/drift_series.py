"""Drift periods and series: period arithmetic in the log's zone and the SQL of the series."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import Engine
from ..timeunits import DAY_US, MONDAY_SHIFT_US, WEEK_US
from .drift_model import (
    MIN_OBSERVATIONS,
    OTHER,
    TOP_RELATIONS,
    WEEKLY_FROM_WEEKS,
    Granularity,
    Relation,
)


@dataclass(frozen=True)
class Clock:
    """Integer period arithmetic in the log's display zone: days, weeks, or bins of a fixed
    number of cases (`edges`: the UTC microsecond start of each bin, ascending)."""

    granularity: Granularity
    offset_us: int  # display zone offset at the first event
    edges: tuple[int, ...] = ()

    @property
    def length_us(self) -> int:
        """The length of a period (of a bin: the median length)."""
        if self.granularity == "cases":
            return int(np.median(np.diff(self.edges))) if len(self.edges) > 1 else DAY_US
        return WEEK_US if self.granularity == "week" else DAY_US

    @property
    def shift_us(self) -> int:
        return MONDAY_SHIFT_US if self.granularity == "week" else 0

    def sql(self, column: str) -> str:
        """SQL: the period index of a microsecond time column."""
        if self.granularity == "cases":
            return _bin_sql(column, self.edges, 0, len(self.edges))
        return f"(({column} + {self.offset_us + self.shift_us}) // {self.length_us})"

    def day_sql(self, column: str) -> str:
        """SQL: the local day index of a microsecond time column."""
        return f"(({column} + {self.offset_us}) // {DAY_US})"

    def start(self, index: int) -> pd.Timestamp:
        """The UTC time at which period `index` starts."""
        if self.granularity == "cases":
            us = self.edges[min(max(index, 0), len(self.edges) - 1)]
        else:
            us = index * self.length_us - self.shift_us - self.offset_us
        return pd.Timestamp(us, unit="us", tz="UTC")

    def period_of(self, us: int) -> int:
        """The index of the period holding the UTC microsecond time `us`."""
        if self.granularity == "cases":
            return max(int(np.searchsorted(self.edges, us, side="right")) - 1, 0)
        return (us + self.offset_us + self.shift_us) // self.length_us


def case_bins(starts: np.ndarray, size: int) -> tuple[int, ...]:
    """The start of every bin of `size` cases (`starts`: the cases' first times, in µs)."""
    ordered = np.sort(np.asarray(starts, dtype="int64"))
    return tuple(int(x) for x in np.unique(ordered[::size]))


def _bin_sql(column: str, edges: tuple[int, ...], lo: int, hi: int) -> str:
    """SQL: the bin index of `column` among `edges[lo:hi]` by a balanced CASE (a binary
    search; times before the first edge fall in bin 0)."""
    if hi - lo <= 1:
        return str(lo)
    mid = (lo + hi) // 2
    left, right = _bin_sql(column, edges, lo, mid), _bin_sql(column, edges, mid, hi)
    return f"(CASE WHEN {column} < {edges[mid]} THEN {left} ELSE {right} END)"


def choose_granularity(span_us: int) -> Granularity:
    """Weeks when the log spans at least `WEEKLY_FROM_WEEKS` weeks, else days (bins of cases
    only when asked for)."""
    return "week" if span_us >= WEEKLY_FROM_WEEKS * WEEK_US else "day"


def series_sql(engine: Engine, clock: Clock, *, working: bool = False) -> dict[str, str]:
    """The series queries; `working`: case durations from the working-clock readings of
    `working_steps` (the cut-off for unfinished cases stays on real time, `span_us`)."""
    p_wait = clock.sql("coalesce(start_us, end_us)")
    dur = (
        "max(work_end_us) - min(coalesce(work_start_us, work_end_us))"
        if working
        else "max(end_us) - min(coalesce(start_us, end_us))"
    )
    wait_q = engine.quantiles("wait_us", {"median": 0.5, "p90": 0.9}, "wait")
    dur_q = engine.quantiles("duration_us", {"median": 0.5, "p90": 0.9}, "duration")
    return {
        "cases": """
SELECT case_id, min(coalesce(start_us, end_us)) AS first_us, max(end_us) AS last_us,
  max(end_us) - min(coalesce(start_us, end_us)) AS span_us, """
        + dur
        + """ AS duration_us
FROM steps GROUP BY case_id
""",
        "bounds": "SELECT min(first_us) AS first_us, max(first_us) AS last_start_us, "
        "max(last_us) AS last_us, "
        + engine.quantiles("span_us", {"p90": 0.9}, "span")
        + " FROM drift_cases",
        "open": f"""
SELECT {clock.sql("t")} AS period, count(DISTINCT {clock.day_sql("t")}) AS open_days,
  count(*) AS events
FROM (SELECT end_us AS t FROM steps UNION ALL
      SELECT start_us AS t FROM steps WHERE start_us IS NOT NULL) AS times
WHERE t BETWEEN {{lo}} AND {{hi}}
GROUP BY period
""",
        "arrivals": f"""
SELECT {clock.sql("first_us")} AS period, count(*) AS cases, {dur_q}
FROM drift_cases GROUP BY period
""",
        "waits": f"""
SELECT {p_wait} AS period, source, activity, count(*) AS n, {wait_q}
FROM steps WHERE source IS NOT NULL AND coalesce(start_us, end_us) BETWEEN {{lo}} AND {{hi}}
GROUP BY GROUPING SETS (({p_wait}), ({p_wait}, source, activity), ({p_wait}, activity))
""",
        "relations": f"""
SELECT {clock.sql("end_us")} AS period, source, activity, count(*) AS n
FROM steps WHERE source IS NOT NULL AND end_us BETWEEN {{lo}} AND {{hi}} GROUP BY ALL
""",
    }


def flow_matrix(
    relations: pd.DataFrame, usable: list[int]
) -> tuple[np.ndarray, list[Relation], list[int]]:
    """The relation counts per usable period with enough relations (rows) and relation
    (columns: the `TOP_RELATIONS` most frequent, then `other` when it occurs), with the
    relations of the columns and the periods of the rows."""
    per_period = relations.groupby("period")["n"].sum()
    periods = [p for p in usable if int(per_period.get(p, 0)) >= MIN_OBSERVATIONS]
    rel = relations[relations["period"].isin(periods)]
    labels_all = rel["source"].astype(str) + " → " + rel["target"].astype(str)
    by_label = {
        f"{s} → {t}": Relation(str(s), str(t))
        for s, t in zip(rel["source"].astype(str), rel["target"].astype(str), strict=True)
    }
    totals = rel.groupby(labels_all.to_numpy())["n"].sum()
    totals = totals.sort_values(ascending=False, kind="stable")
    kept = [str(x) for x in totals.index[:TOP_RELATIONS]]
    column = pd.Categorical(
        np.where(labels_all.isin(kept), labels_all, OTHER), categories=[*kept, OTHER]
    )
    matrix = (
        pd.DataFrame({"period": rel["period"].to_numpy(), "label": column, "n": rel["n"]})
        .pivot_table(index="period", columns="label", values="n", aggfunc="sum", observed=False)
        .reindex(index=periods, columns=[*kept, OTHER])
        .fillna(0)
    )
    counts = matrix.to_numpy(dtype="float64")
    if counts[:, -1].sum() == 0:
        counts = counts[:, :-1]
    columns = [*(by_label[k] for k in kept), Relation(None, None)][: counts.shape[1]]
    return counts, columns, periods
