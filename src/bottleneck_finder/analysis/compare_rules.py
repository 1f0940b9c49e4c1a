"""The decisions of `compare`: per-element tests, false-discovery control, verdicts and findings."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import statistics as st
from .causes import CAUSES
from .compare_measure import Side
from .compare_mix import Strata, common_strata, decompose, within_test
from .compare_types import (
    ACTIVITY_COMPARE_COLUMNS,
    CAUSE_CHANGE_COLUMNS,
    FINDING_COLUMNS,
    TRANSITION_COMPARE_COLUMNS,
    CaseComparison,
    CauseComparison,
    CompareOptions,
)


def _seed(options: CompareOptions, key: tuple[str, ...]) -> np.random.Generator:
    """A generator for one row: the same row gets the same resamples whatever else is there."""
    return np.random.default_rng([options.seed, zlib.crc32("\x1f".join(key).encode("utf-8"))])


def _compare_rows(
    keys: list[Any],
    before_rows: dict[Any, dict[str, float]],
    after_rows: dict[Any, dict[str, float]],
    before_waits: dict[Any, np.ndarray],
    after_waits: dict[Any, np.ndarray],
    cases: tuple[int, int],
    options: CompareOptions,
    kind: str,
    strata: dict[Any, tuple[Strata, Strata]] | None = None,
) -> list[dict[str, Any]]:
    level = 1.0 - options.alpha
    out = []
    empty: dict[str, float] = {}
    for key in keys:
        b = before_rows.get(key, empty)
        a = after_rows.get(key, empty)
        bw = before_waits.get(key, np.empty(0))
        aw = after_waits.get(key, np.empty(0))
        row: dict[str, Any] = {}
        for side, values, waits in (("before", b, bw), ("after", a, aw)):
            row[f"{side}_count"] = int(values.get("wait_count", 0))
            row[f"{side}_cases"] = int(values.get("cases", 0))
            row[f"{side}_wait_median_s"] = values.get("wait_median_s", math.nan)
            row[f"{side}_wait_mean_s"] = values.get("wait_mean_s", math.nan)
            row[f"{side}_wait_p90_s"] = values.get("wait_p90_s", math.nan)
            row[f"{side}_wait_total_s"] = values.get("wait_total_s", 0.0) or 0.0
            row[f"{side}_n_waits"] = int(waits.size)
            for name in ("count", "median", "mean", "p90"):
                stat = f"processing_{name}" + ("" if name == "count" else "_s")
                if stat in values or name == "count":
                    default = 0.0 if name == "count" else math.nan
                    row[f"{side}_{stat}"] = values.get(stat, default)
        row["added_wait_per_case_s"] = _per_case(row["after_wait_total_s"], cases[1]) - _per_case(
            row["before_wait_total_s"], cases[0]
        )
        row["median_delta_s"] = row["after_wait_median_s"] - row["before_wait_median_s"]
        row["median_delta_ci95_low_s"] = math.nan
        row["median_delta_ci95_high_s"] = math.nan
        row["p_value"] = math.nan
        row["cliffs_delta"] = math.nan
        in_before = row["before_count"] > 0 or key in before_rows
        in_after = row["after_count"] > 0 or key in after_rows
        if in_after and not in_before:
            row["status"] = "new"
        elif in_before and not in_after:
            row["status"] = "removed"
        elif min(bw.size, aw.size) < options.min_count:
            row["status"] = "insufficient"
        else:
            ts = st.compare_samples(
                bw,
                aw,
                level=level,
                n_boot=options.n_boot,
                seed=_seed(options, (kind, *((key,) if isinstance(key, str) else key))),
            )
            row["median_delta_s"] = ts.median_delta
            row["median_delta_ci95_low_s"] = ts.ci_low
            row["median_delta_ci95_high_s"] = ts.ci_high
            row["p_value"] = ts.p_value
            row["cliffs_delta"] = ts.cliffs_delta
            row["status"] = "tested"
        if strata is not None:
            _within(row, key, strata.get(key, ({}, {})), (bw.size, aw.size), options)
        out.append(row)
    return out


def _within(
    row: dict[str, Any],
    key: str,
    strata: tuple[Strata, Strata],
    pooled: tuple[int, int],
    options: CompareOptions,
) -> None:
    """An activity row's change of mean wait split into mix and within (`compare_mix`), and its
    test moved onto the within part: the transitions into it that both sides share must have
    `min_count` waits a side; one shared transition is tested as that transition is
    (Mann–Whitney, bootstrap interval of the median change), several by the van Elteren test
    and the normal interval of the within part."""
    split = decompose(*strata)
    row["wait_change_mean_s"] = split.change
    row["wait_change_within_s"] = split.within
    row["wait_change_mix_s"] = split.mix
    row["mix_driver"] = split.driver
    row["mix_driver_before_share"] = split.driver_before_share
    row["mix_driver_after_share"] = split.driver_after_share
    row["mix_driver_wait_mean_s"] = split.driver_wait_mean
    row["within_ci95_low_s"] = math.nan
    row["within_ci95_high_s"] = math.nan
    if row["status"] in ("new", "removed"):
        return
    common = common_strata(*strata)
    sizes = (sum(b.size for _, b, _ in common), sum(a.size for _, _, a in common))
    if min(sizes) < options.min_count:
        row["status"] = "insufficient"
        row["p_value"] = math.nan
        return
    row["status"] = "tested"
    if len(common) == 1 and sizes == pooled:  # the pooled test is this transition's test
        row["within_ci95_low_s"] = row["median_delta_ci95_low_s"]
        row["within_ci95_high_s"] = row["median_delta_ci95_high_s"]
    elif len(common) == 1:
        _, b, a = common[0]
        ts = st.compare_samples(
            b, a, level=1.0 - options.alpha, n_boot=options.n_boot, seed=_seed(options, (key,))
        )
        row["p_value"] = ts.p_value
        row["within_ci95_low_s"], row["within_ci95_high_s"] = ts.ci_low, ts.ci_high
    else:
        test = within_test(*strata, level=1.0 - options.alpha)
        row["p_value"] = test.p_value
        row["within_ci95_low_s"], row["within_ci95_high_s"] = test.low, test.high


def _per_case(total: float, cases: int) -> float:
    return total / cases if cases > 0 else 0.0


def _decide(rows: list[dict[str, Any]], alpha: float) -> None:
    """Benjamini–Hochberg over every tested row of the comparison, then each verdict."""
    tested = [r for r in rows if r["status"] == "tested"]
    q = st.benjamini_hochberg([r["p_value"] for r in tested])
    for r in rows:
        r["q_value"] = math.nan
    for r, value in zip(tested, q.tolist(), strict=True):
        r["q_value"] = value
        lo, hi = r["median_delta_ci95_low_s"], r["median_delta_ci95_high_s"]
        if "within_ci95_low_s" in r:  # an activity: judged on the within part
            lo, hi = r["within_ci95_low_s"], r["within_ci95_high_s"]
        if value < alpha and lo > 0:
            r["status"] = "slower"
        elif value < alpha and hi < 0:
            r["status"] = "faster"
        else:
            r["status"] = "unchanged"


def _frame(
    rows: list[dict[str, Any]], names: tuple[str, ...], keys: tuple[str, ...]
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(names))
    for k in keys:
        frame[k] = frame[k].astype("string")
    if "mix_driver" in frame:
        frame["mix_driver"] = frame["mix_driver"].astype("string")
    for c in names:
        if c.endswith("_count") or c.endswith("_cases"):
            frame[c] = frame[c].fillna(0).astype("int64")
    return frame.sort_values(list(keys), kind="stable").reset_index(drop=True)


def compare_sides(
    before: Side, after: Side, options: CompareOptions
) -> tuple[pd.DataFrame, pd.DataFrame, CaseComparison]:
    """Every transition and activity of either side, and the cases' throughput time, tested and
    decided together (one Benjamini–Hochberg over all tested rows)."""
    cases = (before.summary.cases, after.summary.cases)
    t_keys = sorted(set(before.transitions) | set(after.transitions))
    a_keys = sorted(set(before.activities) | set(after.activities))
    t_rows = _compare_rows(
        t_keys,
        before.transitions,
        after.transitions,
        before.trans_waits,
        after.trans_waits,
        cases,
        options,
        "transition",
    )
    for key, row in zip(t_keys, t_rows, strict=True):
        row["source"], row["target"] = key
    a_rows = _compare_rows(
        a_keys,
        before.activities,
        after.activities,
        before.act_waits,
        after.act_waits,
        cases,
        options,
        "activity",
        _strata(before, after),
    )
    for name, row in zip(a_keys, a_rows, strict=True):
        row["activity"] = name
    case_row = _case_row(before.durations, after.durations, options)
    _decide([*t_rows, *a_rows, case_row], options.alpha)
    trans = _frame(t_rows, TRANSITION_COMPARE_COLUMNS, ("source", "target"))
    acts = _frame(a_rows, ACTIVITY_COMPARE_COLUMNS, ("activity",))
    return trans, acts, _case_result(case_row, before.durations, after.durations, options)


def _strata(before: Side, after: Side) -> dict[str, tuple[Strata, Strata]]:
    """Per activity, the waits before it on each side by the activity directly before it."""
    out: dict[str, tuple[Strata, Strata]] = {}
    for number, side in enumerate((before, after)):
        for (source, target), waits in side.trans_waits.items():
            out.setdefault(target, ({}, {}))[number][source] = waits
    return out


def _case_row(b: np.ndarray, a: np.ndarray, options: CompareOptions) -> dict[str, Any]:
    row: dict[str, Any] = {
        "median_delta_s": math.nan,
        "median_delta_ci95_low_s": math.nan,
        "median_delta_ci95_high_s": math.nan,
        "p_value": math.nan,
        "cliffs_delta": math.nan,
        "status": "insufficient",
    }
    if min(b.size, a.size) >= options.min_count:
        ts = st.compare_samples(
            b,
            a,
            level=1.0 - options.alpha,
            n_boot=options.n_boot,
            seed=_seed(options, ("case",)),
        )
        row.update(
            median_delta_s=ts.median_delta,
            median_delta_ci95_low_s=ts.ci_low,
            median_delta_ci95_high_s=ts.ci_high,
            p_value=ts.p_value,
            cliffs_delta=ts.cliffs_delta,
            status="tested",
        )
    elif b.size and a.size:
        row["median_delta_s"] = float(np.median(a) - np.median(b))
    return row


def _case_result(
    row: dict[str, Any], b: np.ndarray, a: np.ndarray, options: CompareOptions
) -> CaseComparison:
    def q(x: np.ndarray, f: float) -> float:
        return float(np.quantile(x, f)) if x.size else math.nan

    def over(x: np.ndarray) -> float | None:
        if options.deadline_s is None:
            return None
        return float((x > options.deadline_s).mean()) if x.size else math.nan

    return CaseComparison(
        before_count=int(b.size),
        after_count=int(a.size),
        before_median_s=q(b, 0.5),
        after_median_s=q(a, 0.5),
        before_mean_s=float(b.mean()) if b.size else math.nan,
        after_mean_s=float(a.mean()) if a.size else math.nan,
        before_p90_s=q(b, 0.9),
        after_p90_s=q(a, 0.9),
        median_delta_s=row["median_delta_s"],
        median_delta_ci95_s=(row["median_delta_ci95_low_s"], row["median_delta_ci95_high_s"]),
        p_value=row["p_value"],
        q_value=row["q_value"],
        cliffs_delta=row["cliffs_delta"],
        status=row["status"],
        deadline_s=options.deadline_s,
        before_over_deadline_share=over(b),
        after_over_deadline_share=over(a),
    )


# --------------------------------------------------------------------------- findings
def _cause_rows(causes: CauseComparison | None) -> dict[tuple[str, Any], dict[Any, Any]]:
    """(kind, key) -> the element's row of the cause breakdown before and after."""
    found: dict[tuple[str, Any], dict[Any, Any]] = {}
    if causes is None:
        return found
    for kind, frame, keys in (
        ("activity", causes.activities, ("activity",)),
        ("transition", causes.transitions, ("source", "target")),
    ):
        for rec in frame.to_dict(orient="records"):
            found[(kind, tuple(str(rec[k]) for k in keys))] = rec
    return found


def ranked_findings(
    trans: pd.DataFrame,
    acts: pd.DataFrame,
    introduced: bool,
    causes: CauseComparison | None = None,
) -> pd.DataFrame:
    """The introduced bottlenecks (`new` or `slower` rows that add waiting) or the improvements
    (`removed` or `faster` rows that save it) with the columns `FINDING_COLUMNS`, the biggest
    change per case first; introduced rows carry the dominant cause after from `causes`, and
    every row its waiting by cause on each side (`CAUSE_CHANGE_COLUMNS`)."""
    statuses = ("new", "slower") if introduced else ("removed", "faster")
    by_element = _cause_rows(causes)
    rows = []
    for kind, frame in (("activity", acts), ("transition", trans)):
        keys = ("activity",) if kind == "activity" else ("source", "target")
        for row in frame.to_dict(orient="records"):
            added = float(row["added_wait_per_case_s"])
            if row["status"] not in statuses or (added <= 0 if introduced else added >= 0):
                continue
            # an element without a row in the breakdown had no attributable waiting: missing
            rec = by_element.get((kind, tuple(str(row[k]) for k in keys)))
            cause, share = None, math.nan
            if introduced and rec is not None and not pd.isna(rec["dominant_after"]):
                cause, share = str(rec["dominant_after"]), float(rec["dominant_share_after"])
            rows.append(
                {
                    "kind": kind,
                    "source": row.get("source"),
                    "target": row.get("target"),
                    "activity": row.get("activity"),
                    "status": row["status"],
                    "before_wait_median_s": row["before_wait_median_s"],
                    "after_wait_median_s": row["after_wait_median_s"],
                    "added_wait_per_case_s": added,
                    "median_delta_ci95_low_s": row["median_delta_ci95_low_s"],
                    "median_delta_ci95_high_s": row["median_delta_ci95_high_s"],
                    "cause": cause,
                    "cause_share": share,
                    **{c: math.nan if rec is None else float(rec[c]) for c in CAUSE_CHANGE_COLUMNS},
                }
            )
    sign = -1.0 if introduced else 1.0
    # the biggest change first; at a tie the activity (which sums its incoming hand-offs) first
    rows.sort(key=lambda r: (sign * r["added_wait_per_case_s"], r["kind"]))
    for rank, r in enumerate(rows, start=1):
        r["rank"] = rank
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    for k in ("kind", "source", "target", "activity", "status", "cause"):
        frame[k] = frame[k].astype("string")
    frame["rank"] = frame["rank"].astype("int64")
    for k in ("cause_share", *CAUSE_CHANGE_COLUMNS):
        frame[k] = frame[k].astype("float64")
    return frame


def causes_change(row: Mapping[Any, Any]) -> dict[str, dict[str, float]] | None:
    """A finding row's waiting by cause before and after, as cause -> `before_s`, `after_s`,
    `change_s` (real seconds per case of each period); None without a cause breakdown."""
    values = {c: float(row.get(c, math.nan)) for c in CAUSE_CHANGE_COLUMNS}
    if any(math.isnan(v) for v in values.values()):
        return None
    out = {}
    for c in CAUSES:
        before, after = values[f"{c}_per_case_s_before"], values[f"{c}_per_case_s_after"]
        out[c] = {"before_s": before, "after_s": after, "change_s": after - before}
    return out


def moved_causes(change: Mapping[str, Mapping[str, float]], grew: bool) -> list[str]:
    """The causes that grew (`grew`) or shrank, the largest change first (ties in the order of
    `CAUSES`)."""
    sign = 1.0 if grew else -1.0
    moved = [c for c in CAUSES if sign * change[c]["change_s"] > 0]
    return sorted(moved, key=lambda c: (-sign * change[c]["change_s"], CAUSES.index(c)))
