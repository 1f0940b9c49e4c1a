"""The facts the explore filters test, read once from the whole log: per case and per attribute."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..model import EventLog
from ..prepared import PreparedLog
from .state import VARIANT_SEPARATOR, Attribute, CaseFacts

Namer = Callable[[str | None], str]


def attribute_of(cases: np.ndarray, values: np.ndarray, raw: pd.Index, name: Namer) -> Attribute:
    """An attribute from (case code, value code) pairs (value code -1: not recorded, left out),
    its values shown as `name` says (two raw values shown alike become one value)."""
    known = values >= 0
    cases, values = cases[known], values[known]
    shown = [name(str(v)) for v in raw]
    labels = tuple(sorted(set(shown)))
    index = {label: i for i, label in enumerate(labels)}
    remap = np.array([index[s] for s in shown], dtype=np.int64)
    codes = remap[values] if len(values) else np.zeros(0, dtype=np.int64)
    key = np.sort(cases.astype(np.int64) * max(1, len(labels)) + codes)
    if len(key):  # unique by sorting: numpy's hashed unique is slow on 10^6 keys
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    width = max(1, len(labels))
    return Attribute(labels=labels, cases=key // width, codes=key % width)


def case_attribute(labels: np.ndarray, values: pd.Series) -> Attribute:
    """A case column (one value per case label, `analysis.deadlines.case_column`) as an
    attribute over the cases numbered as `labels`."""
    aligned = values.reindex(pd.Index(labels)).astype("string")
    codes, uniques = pd.factorize(aligned, sort=True)
    return attribute_of(
        np.arange(len(labels), dtype=np.int64), codes.astype(np.int64), uniques, lambda v: v or ""
    )


def event_attribute(p: PreparedLog, column: str, name: Namer) -> Attribute:
    """An event column (`resource`, `group`) as "the case has an event with this value"."""
    events = p.log.events
    return events_attribute(events[column], events["case"], name)


def events_attribute(values: pd.Series, case: pd.Series, name: Namer) -> Attribute:
    """An attribute of the events (`values`, one per event of the log, beside its `case`
    column; empty and missing values are not recorded) as "the case has an event with this
    value", keeping each event's value code for the chips that keep single events."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        text = values.astype("string").str.strip()
        values = text.where(text != "").astype("category")
    raw_codes = values.cat.codes.to_numpy(dtype=np.int64)
    attribute = attribute_of(
        case.cat.codes.to_numpy(dtype=np.int64), raw_codes, values.cat.categories, name
    )
    index = {label: i for i, label in enumerate(attribute.labels)}
    remap = np.array([index[name(str(v))] for v in values.cat.categories] + [-1], np.int64)
    return replace(attribute, events=remap[raw_codes])  # code -1 stays -1 (the last entry)


def event_values(log: EventLog, values: pd.Series) -> pd.Series:
    """A column of the source file (aligned with its rows, as read) at the events of `log`
    (the row each event was read from)."""
    rows = log.events["row"].to_numpy(dtype=np.int64)
    return pd.Series(values.to_numpy(dtype=object)[rows], dtype=object)


def case_facts(p: PreparedLog, attributes: Mapping[str, Attribute] | None = None) -> CaseFacts:
    """Every case's first and last real time, first and last activity, rework and the
    activities it passes through, from the step table `analyze` reads (one query each)."""
    events = p.log.events
    labels = np.asarray(events["case"].cat.categories.astype(str), dtype=object)
    n = len(labels)
    engine = p.session("lean")
    per_case = engine.frame(
        "SELECT s.case_id, min(c.first_us) AS first_us, min(c.last_us) AS last_us, "
        "any_value(s.activity) FILTER (WHERE s.source IS NULL) AS first_act, "
        "any_value(s.activity) FILTER (WHERE s.is_last) AS last_act, "
        "count(*) > count(DISTINCT s.activity) AS rework "
        "FROM steps AS s JOIN case_spans AS c ON s.case_id = c.case_id GROUP BY s.case_id"
    )
    pairs = engine.frame("SELECT DISTINCT case_id, activity FROM steps")
    variant, steps, names = case_variants(p, n)
    ids = per_case["case_id"].to_numpy(dtype=np.int64)

    def spread(column: str, fill: int, dtype: type) -> np.ndarray:
        out: np.ndarray = np.full(n, fill, dtype=dtype)
        out[ids] = per_case[column].fillna(fill).to_numpy(dtype=dtype)
        return out

    return CaseFacts(
        labels=labels,
        first_us=spread("first_us", 0, np.int64),
        last_us=spread("last_us", 0, np.int64),
        start=spread("first_act", -1, np.int64),
        end=spread("last_act", -1, np.int64),
        rework=spread("rework", 0, bool),
        activities=tuple(str(a) for a in events["activity"].cat.categories),
        pair_case=pairs["case_id"].to_numpy(dtype=np.int64),
        pair_activity=pairs["activity"].to_numpy(dtype=np.int64),
        tz=p.log.display_tz,
        attributes=dict(attributes or {}),
        variant=variant,
        variant_steps=steps,
        variant_names=names,
    )


def case_variants(p: PreparedLog, n: int) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Each of the `n` cases' variant code (-1: none), and each variant's activity codes
    (comma-separated) and name (the activities joined by `VARIANT_SEPARATOR`), in case order as
    `analysis.flows.variants` reads them (the detailed step table): one query, no Python loop
    over the steps."""
    import pyarrow as pa

    engine = p.session("detail")
    names = p.timed.events["activity"].cat.categories.astype(str)
    engine.register(
        "explore_names",
        pa.table({"code": np.arange(len(names), dtype=np.int64), "name": list(names)}),
    )
    sep = VARIANT_SEPARATOR.replace("'", "''")
    sequences = engine.frame(
        "SELECT s.case_id, string_agg(CAST(s.activity AS VARCHAR), ',' ORDER BY s.pos) AS codes, "
        f"string_agg(n.name, '{sep}' ORDER BY s.pos) AS name "
        "FROM steps AS s JOIN explore_names AS n ON n.code = s.activity GROUP BY s.case_id"
    )
    engine.drop("explore_names")
    codes, uniques = pd.factorize(sequences["codes"])
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # each variant's first case
    variant = np.full(n, -1, dtype=np.int64)
    variant[sequences["case_id"].to_numpy(dtype=np.int64)] = codes
    return (
        variant,
        tuple(str(u) for u in uniques),
        tuple(sequences["name"].to_numpy(dtype=object)[first].tolist()),
    )


class VariantIndex:
    """The variants of one or two explored logs numbered together (by name), ranked by name
    once, so that the variant list of any kept cases is counted in numpy."""

    def __init__(self, logs: Sequence[CaseFacts]) -> None:
        self.logs = list(logs)
        if len(self.logs) == 1:
            names = np.asarray(self.logs[0].variant_names, dtype=object)
            self.codes = [np.arange(len(names), dtype=np.int64)]
        else:
            joined = np.concatenate([np.asarray(f.variant_names, dtype=object) for f in logs])
            shared, names = pd.factorize(joined)
            cut = np.cumsum([len(f.variant_names) for f in logs])[:-1]
            self.codes = [c.astype(np.int64) for c in np.split(shared, cut)]
            names = np.asarray(names, dtype=object)
        self.names = names
        self.by_name = np.empty(len(names), dtype=np.int64)
        self.by_name[np.argsort(names, kind="stable")] = np.arange(len(names))

    def top(
        self, keeps: Sequence[np.ndarray], n: int
    ) -> tuple[list[tuple[str, tuple[str, ...], int]], int, int]:
        """The `n` variants with the most kept cases (`keeps`: a boolean per case of each log),
        ties by name, as (name, activities, cases); the cases and the variants kept."""
        counts = np.zeros(len(self.names), dtype=np.int64)
        where = np.full(len(self.names), -1, dtype=np.int64)  # a log having the variant
        for i, (facts, keep) in enumerate(zip(self.logs, keeps, strict=True)):
            local = facts.variant[keep & (facts.variant >= 0)]
            counts += np.bincount(self.codes[i][local], minlength=len(self.names))
            where[self.codes[i][local]] = i  # repeated codes: one value
        present = np.flatnonzero(counts)
        order = present[np.lexsort((self.by_name[present], -counts[present]))][:n]
        rows = []
        for code in order.tolist():
            facts = self.logs[int(where[code])]
            local_code = int(np.flatnonzero(self.codes[int(where[code])] == code)[0])
            rows.append(
                (str(self.names[code]), facts.variant_activities(local_code), int(counts[code]))
            )
        return rows, int(counts.sum()), len(present)


def case_numbers(facts: CaseFacts) -> np.ndarray:
    """Each case's number (1, 2, … by first event, ties by id): its pseudonym in the page."""
    order = np.lexsort((facts.labels.astype(str), facts.first_us))
    numbers = np.empty(len(order), dtype=np.int64)
    numbers[order] = np.arange(1, len(order) + 1)
    return numbers
