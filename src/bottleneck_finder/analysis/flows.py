"""How dossiers flow: their paths (variants), the steps they repeat (rework) and hand-offs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import Engine
from ..engine import flows as sql
from ..model import EventLog, SourceLog, catalog_of
from ..prepared import PreparedLog, prepared
from ..timeunits import US

# Words that name typing data into a system (Vietnamese and English), and words that say a step
# is done again. Matched on lower-cased, NFC-normalized labels, as whole words.
DATA_ENTRY_WORDS = (
    "nhập liệu",
    "nhập dữ liệu",
    "nhập thông tin",
    "nhập hồ sơ",
    "nhập máy",
    "nhập",
    "data entry",
    "entry",
    "enter",
    "input",
    "register",
    "registration",
    "type",
    "typing",
    "retype",
    "re-type",
    "rekey",
    "re-key",
    "key in",
    "re-enter",
    "reenter",
    "re-entry",
)
AGAIN_WORDS = ("lại", "again", "re-enter", "reenter", "re-entry", "retype", "re-type", "rekey")
_DATA_ENTRY = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(w) for w in DATA_ENTRY_WORDS) + r")(?!\w)"
)
_AGAIN = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in AGAIN_WORDS) + r")(?!\w)")


def is_data_entry(activity: str) -> bool:
    """Whether the activity's name says it types data into a system (e.g. "Nhập liệu")."""
    return _DATA_ENTRY.search(_fold(activity)) is not None


def is_re_entry(activity: str) -> bool:
    """Whether the name says data is typed in again (e.g. "Nhập liệu lại", "Re-enter data")."""
    text = _fold(activity)
    return _DATA_ENTRY.search(text) is not None and _AGAIN.search(text) is not None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _labels(log: EventLog | SourceLog, column: str, codes: pd.Series) -> list[str | None]:
    """The labels of integer `codes` of `column` (None where a code is missing), looked up
    all at once."""
    names = catalog_of(log).labels[column]
    missing = codes.isna().to_numpy()
    if missing.all():
        return [None] * len(codes)
    at = codes.fillna(0).to_numpy(dtype=np.int64)
    labels = np.asarray(names.take(at).astype(str), dtype=object)
    labels[missing] = None
    return list(labels)


def flow_session(p: PreparedLog, *, real: bool = False) -> tuple[Engine, EventLog | SourceLog]:
    """The engine session holding the detailed step table `steps` of `p` (with the case order
    in `pos` and the running sums the flow queries read, see `engine.flows`), and the log
    whose codes it uses: the events on the measuring clock, or (`real`) in the real order of
    the events (mining)."""
    return p.session("real" if real else "detail"), (p.any_log if real else p.timed_log)


# ---------------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class Variants:
    """The distinct paths cases take.

    `count` is the number of distinct activity sequences; `table` holds the most frequent ones
    (columns `rank`, `activities` (tuple of labels), `steps`, `cases`, `share`,
    `duration_median_s`, `duration_p90_s`, `slower_than_most_common_s` (median minus the median
    of rank 1) and `slower_ratio` (median over the median of rank 1; NaN when that is 0)).
    """

    count: int
    cases: int
    table: pd.DataFrame


VARIANT_COLUMNS = (
    "rank",
    "activities",
    "steps",
    "cases",
    "share",
    "duration_median_s",
    "duration_p90_s",
    "slower_than_most_common_s",
    "slower_ratio",
)


def variants(p: PreparedLog, *, top: int | None = 10) -> Variants:
    """The distinct activity sequences of the cases, the `top` most frequent first (ties by the
    sequence), each with its share of cases and throughput time (first start to last end)."""
    engine, log = flow_session(p)
    engine.materialize("flow_variants", sql.variant_table(engine))
    if int(engine.frame("SELECT coalesce(sum(collisions), 0) AS n FROM flow_variants")["n"][0]):
        engine.materialize("flow_variants", sql.variants_exact(engine))
    totals = engine.frame("SELECT count(*) AS n, coalesce(sum(cases), 0) AS c FROM flow_variants")
    rows = engine.frame(sql.variant_rows(engine, top))
    sql.drop_variant_numbers(engine)
    n_cases = int(totals["c"].iloc[0])
    names = catalog_of(log).labels["activity"]
    acts = [
        tuple(str(names[int(code)]) for code in str(v).split(",")) for v in rows["variant"].tolist()
    ]
    table = pd.DataFrame(
        {
            "rank": np.arange(1, len(rows) + 1, dtype="int64"),
            "activities": pd.Series(acts, dtype="object"),
            "steps": rows["steps"].astype("int64"),
            "cases": rows["cases"].astype("int64"),
            "share": rows["cases"].astype("float64") / n_cases if n_cases else 0.0,
            "duration_median_s": rows["duration_median_us"].astype("float64") / US,
            "duration_p90_s": rows["duration_p90_us"].astype("float64") / US,
        }
    )
    if len(table):
        base = float(table["duration_median_s"].iloc[0])
        table["slower_than_most_common_s"] = table["duration_median_s"] - base
        table["slower_ratio"] = table["duration_median_s"] / base if base > 0 else np.nan
    else:
        table["slower_than_most_common_s"] = pd.Series(dtype="float64")
        table["slower_ratio"] = pd.Series(dtype="float64")
    return Variants(
        count=int(totals["n"].iloc[0]), cases=n_cases, table=table[list(VARIANT_COLUMNS)]
    )


# ------------------------------------------------------------------------------------ rework


@dataclass(frozen=True)
class Rework:
    """Steps done more than once in a case, and the time the loops add.

    `table` has one row per reworked activity: `activity`, `kind` ("loop": repeated within a
    case; "re-entry": a data-entry step whose name says the data is typed again), `data_entry`
    (a repeated data-entry step: called out), `cases` (cases affected), `repeats` (instances
    beyond the first in their case; for "re-entry" every instance), `self_loops` (repeats right
    after the same activity), `back_loops` (repeats after other steps: b → … → b),
    `added_wait_total_s` (waiting inside the loops: every wait after the previous instance up
    to the repeat; for "re-entry" the wait before it), `added_work_total_s` (working time
    inside the loops, NaN without start times), `added_elapsed_total_s` (end of the previous
    instance to end of the repeat; for "re-entry" wait plus work). Per-activity figures of
    nested loops overlap; the summary counts every step once.
    """

    cases: int
    cases_affected: int
    share_of_cases: float
    repeats: int
    self_loops: int
    back_loops: int
    added_wait_total_s: float
    added_work_total_s: float
    table: pd.DataFrame


REWORK_COLUMNS = (
    "activity",
    "kind",
    "data_entry",
    "cases",
    "repeats",
    "self_loops",
    "back_loops",
    "added_wait_total_s",
    "added_work_total_s",
    "added_elapsed_total_s",
)


def rework(p: PreparedLog) -> Rework:
    """Repeated steps per activity (self-loops and back-loops), the share of cases with any
    repeat, and the waiting and working time spent inside the loops; data-entry steps done
    again are called out (see `is_data_entry`, `is_re_entry`)."""
    engine, log = flow_session(p)
    sql.prepare_repeats(engine)
    cases = catalog_of(log).cases
    per = engine.frame(sql.rework_by_activity(engine, cases))
    summary = sql.rework_totals(engine).iloc[0]
    engine.drop(sql.REPEATS)
    work_known = log.has_start_times
    per["label"] = _labels(log, "activity", per["activity"])
    rows: list[dict[str, object]] = []
    for r in per.to_dict(orient="records"):
        name = str(r["label"])
        repeats = int(r["repeats"] or 0)
        entry = is_data_entry(name)
        if repeats > 0:
            rows.append(
                {
                    "activity": name,
                    "kind": "loop",
                    "data_entry": entry,
                    "cases": int(r["cases"]),
                    "repeats": repeats,
                    "self_loops": int(r["self_loops"] or 0),
                    "back_loops": repeats - int(r["self_loops"] or 0),
                    "added_wait_total_s": float(r["added_wait_us"] or 0) / US,
                    "added_work_total_s": float(r["added_work_us"] or 0) / US
                    if work_known
                    else np.nan,
                    "added_elapsed_total_s": float(r["added_elapsed_us"] or 0) / US,
                }
            )
        elif is_re_entry(name):
            wait = float(r["wait_us"] or 0) / US
            work = float(r["work_us"] or 0) / US if work_known else np.nan
            rows.append(
                {
                    "activity": name,
                    "kind": "re-entry",
                    "data_entry": True,
                    "cases": int(r["all_cases"]),
                    "repeats": int(r["instances"]),
                    "self_loops": 0,
                    "back_loops": 0,
                    "added_wait_total_s": wait,
                    "added_work_total_s": work,
                    "added_elapsed_total_s": wait + (0.0 if np.isnan(work) else work),
                }
            )
    table = pd.DataFrame(rows, columns=list(REWORK_COLUMNS))
    if len(table):
        table = table.sort_values(
            ["added_wait_total_s", "repeats", "activity"],
            ascending=[False, False, True],
            kind="stable",
        ).reset_index(drop=True)
    table = table.astype(
        {
            "activity": "string",
            "kind": "string",
            "data_entry": "bool",
            "cases": "int64",
            "repeats": "int64",
            "self_loops": "int64",
            "back_loops": "int64",
            "added_wait_total_s": "float64",
            "added_work_total_s": "float64",
            "added_elapsed_total_s": "float64",
        }
    )
    cases = int(summary["cases"])
    affected = int(summary["affected"] or 0)
    repeats = int(summary["repeats"] or 0)
    self_loops = int(summary["self_loops"] or 0)
    return Rework(
        cases=cases,
        cases_affected=affected,
        share_of_cases=affected / cases if cases else 0.0,
        repeats=repeats,
        self_loops=self_loops,
        back_loops=repeats - self_loops,
        added_wait_total_s=float(summary["wait_us"]) / US,
        added_work_total_s=float(summary["work_us"]) / US if work_known else np.nan,
        table=table,
    )


# ---------------------------------------------------------------------------------- hand-offs


@dataclass(frozen=True)
class Handoffs:
    """Where work passes between officers or units, and the waiting there.

    `level` is "group" (the unit / role column) or "resource" when the log has no group column
    ("none" when it has neither). `summary` has one row per kind of transition — "all",
    "resource change", "unit change", "within unit", "unknown" (a side without a unit) — with
    `count`, `wait_median_s`, `wait_total_s` and `share_of_wait`. `pairs` is the unit-to-unit
    table: `from_group`, `to_group`, `count`, `wait_median_s`, `wait_p90_s`, `wait_total_s`,
    `handoff` (the units differ), by total wait.
    """

    level: str
    summary: pd.DataFrame
    pairs: pd.DataFrame


def handoffs(p: PreparedLog) -> Handoffs:
    """Transitions where the officer or the unit changes: counts and waits, against the
    transitions that stay within one unit, and the unit-to-unit table."""
    engine, log = flow_session(p)
    catalog = catalog_of(log)
    has_group, has_resource = catalog.has_group, catalog.has_resource
    level = "group" if has_group else ("resource" if has_resource else "none")
    summary, pairs = sql.handoff_tables(engine, level)
    total = float(summary["wait_total_us"].iloc[0])
    summary = pd.DataFrame(
        {
            "kind": summary["kind"].astype("string"),
            "count": summary["count"].astype("int64"),
            "wait_median_s": summary["wait_median_us"].astype("float64") / US,
            "wait_total_s": summary["wait_total_us"].astype("float64") / US,
            "share_of_wait": summary["wait_total_us"].astype("float64") / total
            if total > 0
            else 0.0,
        }
    )
    column = "group" if level == "group" else "resource"
    out = pd.DataFrame(
        {
            "from_group": pd.Series(_labels(log, column, pairs["f"]), dtype="string"),
            "to_group": pd.Series(_labels(log, column, pairs["t"]), dtype="string"),
            "count": pairs["count"].astype("int64"),
            "wait_median_s": pairs["wait_median_us"].astype("float64") / US,
            "wait_p90_s": pairs["wait_p90_us"].astype("float64") / US,
            "wait_total_s": pairs["wait_total_us"].astype("float64") / US,
        }
    )
    out["handoff"] = (out["from_group"] != out["to_group"]).astype("bool")
    out = out.sort_values(
        ["wait_total_s", "count", "from_group", "to_group"],
        ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    return Handoffs(level=level, summary=summary, pairs=out)


def flows(
    log: EventLog | SourceLog | PreparedLog, *, top: int | None = 10
) -> tuple[Variants, Rework, Handoffs]:
    """Variants, rework and hand-offs of `log` (on its measuring clock)."""
    with prepared(log) as p:
        return variants(p, top=top), rework(p), handoffs(p)
