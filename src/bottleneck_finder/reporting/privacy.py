"""Who may appear in a report: officers as stable pseudonyms numbered by workload, or by name."""

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
