"""Who may appear in a report: officers as stable pseudonyms numbered by workload, or by name;
units too small to hide a person among their members merged into "other units"."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from ..render.words import Words


def officer_namer(
    workloads: Iterable[pd.DataFrame], words: Words, *, anonymize: bool
) -> Callable[[str | None], str]:
    """A function naming an officer in the report.

    Anonymized, officers get "Cán bộ 07" / "Officer 07", numbered 01, 02, … by their steps
    over all `workloads` (frames of `resource`, `count`), most first, ties by name, so one
    person has one pseudonym throughout a report. A missing resource reads "(not recorded)".
    Without anonymization the name is returned as in the log.
    """
    totals: dict[str, int] = {}
    for frame in workloads:
        for name, count in zip(frame["resource"].tolist(), frame["count"].tolist(), strict=True):
            if name is not None:
                totals[str(name)] = totals.get(str(name), 0) + int(count)
    order = sorted(totals, key=lambda n: (-totals[n], n))
    width = max(2, len(str(len(order))))
    numbers = {name: f"{i + 1:0{width}d}" for i, name in enumerate(order)}

    def name_of(resource: str | None) -> str:
        if resource is None:
            return words("no_resource")
        if not anonymize:
            return resource
        return words("officer", n=numbers.get(resource, "?" * width))

    return name_of


MIN_UNIT_SIZE = 3
"""A unit shown beside an officer must have at least this many officers (k-anonymity)."""


def small_units(members: Iterable[pd.DataFrame], k: int) -> frozenset[str]:
    """The units recorded with fewer than `k` distinct officers over all `members` frames
    (`group`, `members`); a unit's size is its largest count over the frames."""
    largest: dict[str, int] = {}
    for frame in members:
        for name, n in zip(frame["group"].tolist(), frame["members"].tolist(), strict=True):
            if name is not None:
                largest[str(name)] = max(largest.get(str(name), 0), int(n))
    return frozenset(name for name, n in largest.items() if n < k)


def unit_namer(
    members: Iterable[pd.DataFrame], words: Words, *, anonymize: bool, k: int = MIN_UNIT_SIZE
) -> Callable[[str | None], str]:
    """A function naming a unit shown beside an officer.

    Anonymized, a unit of fewer than `k` officers would single its members out ("Officer 01 |
    Mayor's office | 100%" names the only signer), so it reads "other units" ("đơn vị khác");
    a missing unit reads as empty. Without anonymization the name is returned as in the log.
    """
    small = small_units(members, k) if anonymize else frozenset()

    def name_of(unit: str | None) -> str:
        if unit is None:
            return ""
        return words("other_units") if unit in small else unit

    return name_of
