"""The on-time rate of a report: before/after, per procedure and unit, and where late cases wait."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..model import EventLog
from ..prepared import PreparedLog
from ..timeunits import US
from .deadlines import DeadlineReport, on_time_summary

PERIODS = ("before", "after")
TOP_LATE_WAITS = 5
SUMMARY = ("cases", "with_due", "on_time", "late", "on_time_rate")


@dataclass(frozen=True)
class Side:
    """One log's cases for the on-time figures: its events, its deadline report (one row per
    case) and each case's period (0 before, 1 after, -1 in neither: a case straddling a split
    date); `period` None when nothing is compared."""

    log: EventLog
    report: DeadlineReport
    period: pd.Series | None = None


@dataclass(frozen=True)
class OnTime:
    """On-time figures of a report's main log (`report`: the deadline report `analyze
    --deadline` makes of that log) and, when the report compares, of each period.

    - `overall`: `on_time_summary` of the main log's cases.
    - `periods`: one row per period (`period`: before/after, then the `on_time_summary`
      fields); empty without a comparison.
    - `procedures`, `units`: per procedure (the `--procedure` column) and per unit (the
      group column: the cases with a step in the unit): `cases`, `with_due`, `on_time`,
      `late`, `on_time_rate` over the main log's cases, and `rate_before`, `rate_after` (the
      on-time rate in each period; NaN without a comparison or without cases there).
    - `late_waits`: the transitions late cases waited on more than on-time ones: `source`,
      `target`, `late_mean_s` and `on_time_mean_s` (mean waiting per case of each kind,
      0 for a case that does not take the transition; working time on a calendar),
      `excess_s` (their difference, > 0) and `late_share` (share of the late cases that
      took it); the largest excess first, at most `TOP_LATE_WAITS`.
    """

    report: DeadlineReport
    overall: dict[str, Any]
    periods: pd.DataFrame
    procedures: pd.DataFrame
    units: pd.DataFrame
    late_waits: pd.DataFrame
    late_wait_mean_s: float
    on_time_wait_mean_s: float

    @property
    def excess_total_s(self) -> float:
        """How much longer a late case waited in all, on average, than an on-time one."""
        return self.late_wait_mean_s - self.on_time_wait_mean_s


def _rate(frame: pd.DataFrame) -> float:
    known = frame["on_time"].notna()
    if not known.any():
        return float("nan")
    return float(frame.loc[known, "on_time"].astype(bool).mean())


def _tagged(sides: list[Side]) -> pd.DataFrame:
    """Every compared case once: its on-time flag and period (cases of neither left out)."""
    parts = []
    for side in sides:
        if side.period is None:
            continue
        cases = side.report.cases
        period = side.period.reindex(cases["case"].astype(str)).to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "case": cases["case"].astype(str).to_numpy(),
                    "procedure": cases["procedure"].to_numpy(),
                    "on_time": cases["on_time"].to_numpy(),
                    "late_days": cases["late_days"].to_numpy(),
                    "period": pd.array(period, dtype="Int64"),
                    "side": id(side),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["case", "procedure", "on_time", "late_days", "period", "side"])
    out = pd.concat(parts, ignore_index=True)
    return out[out["period"].isin([0, 1])].reset_index(drop=True)


def _units(side: Side) -> pd.DataFrame:
    """(case, unit) for each unit a case had a step in."""
    events = side.log.events
    pairs = pd.DataFrame(
        {"case": events["case"].astype(str), "unit": events["group"].astype("string")}
    )
    return pairs.dropna().drop_duplicates().reset_index(drop=True)


def _breakdown(key: str, main: pd.DataFrame, tagged: pd.DataFrame, compared: bool) -> pd.DataFrame:
    """Per value of `key`: the summary over `main`'s cases and the rate in each period."""
    rows = []
    for name, group in main.groupby(key, sort=True):
        row: dict[str, Any] = {key: str(name)}
        row.update({k: on_time_summary(group)[k] for k in SUMMARY})
        for number, period in enumerate(PERIODS):
            if compared:
                part = tagged[(tagged[key] == name) & (tagged["period"] == number)]
                row[f"rate_{period}"] = _rate(part) if len(part) else float("nan")
            else:
                row[f"rate_{period}"] = float("nan")
        row["on_time_rate"] = float("nan") if row["on_time_rate"] is None else row["on_time_rate"]
        rows.append(row)
    columns = [key, *SUMMARY, "rate_before", "rate_after"]
    return pd.DataFrame(rows, columns=columns)


def _late_waits(p: PreparedLog, cases: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    """Mean waiting per late and per on-time case on each transition (see `OnTime`)."""
    columns = [
        "source",
        "target",
        "late_mean_s",
        "on_time_mean_s",
        "excess_s",
        "late_share",
    ]
    known = cases[cases["on_time"].notna()]
    on_time = known["on_time"].astype(bool)
    n_late, n_on = int((~on_time).sum()), int(on_time.sum())
    if n_late == 0 or n_on == 0:
        return pd.DataFrame(columns=columns), float("nan"), float("nan")
    engine = p.session("working")
    waits = engine.frame(
        "SELECT case_id, source, activity, sum(wait_us) AS wait_us, count(*) AS n FROM steps "
        "WHERE source IS NOT NULL GROUP BY case_id, source, activity"
    )
    labels = p.log.events["case"].cat.categories.astype(str)
    activities = p.log.events["activity"].cat.categories.astype(str)
    late_of = pd.Series(~on_time.to_numpy(), index=known["case"].astype(str).to_numpy())
    kind = late_of.reindex(labels[waits["case_id"].to_numpy(dtype=np.int64)]).to_numpy()
    frame = pd.DataFrame(
        {
            "source": activities[waits["source"].to_numpy(dtype=np.int64)],
            "target": activities[waits["activity"].to_numpy(dtype=np.int64)],
            "wait_s": waits["wait_us"].to_numpy(dtype="float64") / US,
            "late": kind,
        }
    )
    frame = frame[pd.notna(frame["late"])]
    late = frame["late"].astype(bool)
    late_total = frame.loc[late, "wait_s"].sum() / n_late
    on_total = frame.loc[~late, "wait_s"].sum() / n_on
    rows = []
    for (source, target), group in frame.groupby(["source", "target"], sort=True):
        is_late = group["late"].astype(bool)
        late_mean = float(group.loc[is_late, "wait_s"].sum()) / n_late
        on_mean = float(group.loc[~is_late, "wait_s"].sum()) / n_on
        excess = late_mean - on_mean
        if excess <= 0:
            continue
        rows.append(
            {
                "source": str(source),
                "target": str(target),
                "late_mean_s": late_mean,
                "on_time_mean_s": on_mean,
                "excess_s": excess,
                "late_share": int(is_late.sum()) / n_late,
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["excess_s", "source", "target"], ascending=[False, True, True])
    return out.head(TOP_LATE_WAITS).reset_index(drop=True), float(late_total), float(on_total)


def on_time(p: PreparedLog, report: DeadlineReport, sides: list[Side] | None = None) -> OnTime:
    """The on-time figures of the prepared main log `p` from its deadline `report` (made once,
    as `analyze --deadline` makes it); `sides` are the compared logs with each case's period
    (the main log split at a date, or the before log and the main log)."""
    sides = sides or []
    compared = bool(sides)
    tagged = _tagged(sides)
    periods = pd.DataFrame(
        [
            {"period": name, **on_time_summary(tagged[tagged["period"] == number])}
            for number, name in enumerate(PERIODS)
        ]
        if compared
        else [],
        columns=["period", *on_time_summary(report.cases.head(0)).keys()],
    )
    main = report.cases
    procedures = _breakdown("procedure", main, tagged, compared)
    units = pd.DataFrame(columns=["unit", *SUMMARY, "rate_before", "rate_after"])
    main_units = _units(Side(p.log, report))
    if len(main_units):
        with_unit = main_units.merge(main.assign(case=main["case"].astype(str)), on="case")
        unit_tagged = tagged.head(0).assign(unit=pd.Series(dtype="string"))
        if compared:
            unit_tagged = pd.concat(
                [
                    _units(side).merge(tagged[tagged["side"] == id(side)], on="case")
                    for side in sides
                ],
                ignore_index=True,
            )
        units = _breakdown("unit", with_unit, unit_tagged, compared)
    late_waits, late_total, on_total = _late_waits(p, main)
    return OnTime(
        report=report,
        overall=on_time_summary(main),
        periods=periods,
        procedures=procedures,
        units=units,
        late_waits=late_waits,
        late_wait_mean_s=late_total,
        on_time_wait_mean_s=on_total,
    )
