"""Waiting causes before and after: each cause's seconds per case of each period, per element."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import EventLog, SourceLog, catalog_of
from ..prepared import PreparedLog
from .causes import CAUSES, CauseBreakdown, CauseOptions, aggregate, attribute_causes
from .compare_types import CauseComparison, CompareOptions


def has_causes(log: EventLog | SourceLog) -> bool:
    """Whether waiting causes can be attributed: start times and resources."""
    return bool(log.has_start_times and catalog_of(log).has_resource)


def cause_breakdown(log: PreparedLog, options: CompareOptions) -> CauseBreakdown:
    """The waiting causes of `log`, with the comparison's calendar."""
    # recorded starts only: a comparison does not rest on estimated ones
    return attribute_causes(log, CauseOptions(calendar=options.calendar, estimate_starts=False))


def causes_by_period(
    parts: list[tuple[CauseBreakdown, pd.Series]], cases: tuple[int, int]
) -> CauseComparison:
    """Per activity and transition, each cause's seconds per case of each period, from the
    breakdowns of `parts` (a breakdown and the period of each of its cases)."""
    sides: list[pd.DataFrame] = [pd.DataFrame(), pd.DataFrame()]
    availability = []
    for breakdown, period_of in parts:
        inst = breakdown.instances
        period = period_of.reindex(inst["case"].astype(str)).to_numpy()
        availability.append(breakdown.availability)
        for p in (0, 1):
            chosen = inst[period == p]
            if len(chosen):
                sides[p] = pd.concat([sides[p], chosen], ignore_index=True)

    def table(keys: list[str]) -> pd.DataFrame:
        frames = []
        for p, side in enumerate(sides):
            suffix = ("_before", "_after")[p]
            if side.empty:
                frames.append(pd.DataFrame(columns=keys).set_index(keys))
                continue
            data = side.rename(columns={"activity": "target"}) if "target" in keys else side
            agg = aggregate(data, keys).set_index(keys)
            n = max(cases[p], 1)
            out = pd.DataFrame(index=agg.index)
            for c in CAUSES:
                out[f"{c}_per_case_s{suffix}"] = agg[f"{c}_s"] / n
            out[f"wait_per_case_s{suffix}"] = agg["wait_total_s"] / n
            frames.append(out)
        merged = frames[0].join(frames[1], how="outer").fillna(0.0).reset_index()
        for suffix in ("_before", "_after"):
            for c in CAUSES:
                merged[f"{c}_per_case_s{suffix}"] = merged.get(f"{c}_per_case_s{suffix}", 0.0)
            if f"wait_per_case_s{suffix}" not in merged:
                merged[f"wait_per_case_s{suffix}"] = 0.0
            per = np.stack(
                [merged[f"{c}_per_case_s{suffix}"].to_numpy(dtype="float64") for c in CAUSES],
                axis=1,
            ).reshape(len(merged), len(CAUSES))
            best = per.argmax(axis=1) if len(merged) else np.zeros(0, dtype=np.int64)
            top = per.max(axis=1) if len(merged) else np.zeros(0)
            total = merged[f"wait_per_case_s{suffix}"].to_numpy(dtype="float64")
            names = pd.Series(np.asarray(CAUSES, dtype=object)[best], dtype="string")
            merged[f"dominant{suffix}"] = names.where(top > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                merged[f"dominant_share{suffix}"] = np.where(total > 0, top / total, np.nan)
        for k in keys:
            merged[k] = merged[k].astype("string")
        columns = [
            *keys,
            *(f"{c}_per_case_s{sfx}" for sfx in ("_before", "_after") for c in CAUSES),
            "wait_per_case_s_before",
            "wait_per_case_s_after",
            "dominant_before",
            "dominant_share_before",
            "dominant_after",
            "dominant_share_after",
        ]
        return merged[columns].sort_values(keys, kind="stable").reset_index(drop=True)

    return CauseComparison(
        availability=", ".join(dict.fromkeys(availability)),
        activities=table(["activity"]),
        transitions=table(["source", "target"]),
    )
