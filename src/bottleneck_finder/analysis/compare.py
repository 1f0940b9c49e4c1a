"""The `compare` entry points: two periods of one log, or two logs, compared element by element.

The parts live next door: `compare_types` (options, results, errors), `compare_measure` (one side
in SQL), `demand` (weekly demand vs capacity), `compare_rules` (tests, verdicts, findings),
`period_causes` (waiting causes per period) and `durations` (reading `15d`, `36h`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pandas as pd

from ..calendar import time_basis
from ..model import EventLog, SourceLog, catalog_of
from ..prepared import PreparedLog, prepared
from ..timeunits import local_time, pandas_zone
from .compare_measure import (
    Side,
    case_spans,
    case_table,
    events_per_period,
    measure_side,
    measure_sides,
    split_periods,
    steps_with_periods,
    utc_stamp,
)
from .compare_rules import compare_sides, ranked_findings
from .compare_types import (
    ACTIVITY_COMPARE_COLUMNS,
    FINDING_COLUMNS,
    PROCESSING_COLUMNS,
    STAT_COLUMNS,
    TRANSITION_COMPARE_COLUMNS,
    CaseComparison,
    CauseComparison,
    CompareError,
    CompareOptions,
    CompareWarning,
    Comparison,
    DemandComparison,
    EmptySideError,
    NoCommonActivityError,
    SideSummary,
    SplitDateError,
    SplitInfo,
    Status,
    Straddling,
)
from .deadlines import deadline_report
from .demand import Weekly, compare_demand, unit_column, weekly_counts
from .durations import DURATION_UNITS, parse_duration
from .period_causes import cause_breakdown, causes_by_period, has_causes

__all__ = [
    "ACTIVITY_COMPARE_COLUMNS",
    "DURATION_UNITS",
    "FINDING_COLUMNS",
    "PROCESSING_COLUMNS",
    "STAT_COLUMNS",
    "TRANSITION_COMPARE_COLUMNS",
    "CaseComparison",
    "CauseComparison",
    "CompareError",
    "CompareOptions",
    "Comparison",
    "DemandComparison",
    "EmptySideError",
    "NoCommonActivityError",
    "SideSummary",
    "SplitDateError",
    "SplitInfo",
    "Status",
    "Straddling",
    "compare_logs",
    "compare_split",
    "parse_duration",
    "split_log",
    "to_utc",
]

DEFAULT_OPTIONS = CompareOptions()
"""The options of a comparison when none are given (alpha 0.05, at least 20 waits a side)."""


def _finish(
    before: Side,
    after: Side,
    split: SplitInfo,
    options: CompareOptions,
    log: EventLog | SourceLog,
    demand: DemandComparison,
    warnings: list[CompareWarning],
    *,
    shares: tuple[float, float] | None = None,
    causes: CauseComparison | None = None,
) -> Comparison:
    for name, side in (("before", before), ("after", after)):
        if side.summary.cases == 0:
            where = f"the split at {split.date}" if split.mode == "date" else "reading the log"
            raise EmptySideError(
                f"no case is left on the {name} side after {where}",
                fix="choose a split date with cases on both sides, or --straddling before/after"
                if split.mode == "date"
                else "check the log",
                source=side.summary.source,
            )
    common = set(before.activities) & set(after.activities)
    if not common:
        raise NoCommonActivityError(
            "the two logs have no activity name in common, so nothing can be compared",
            fix="check the --activity column of each side (--before-columns / "
            "--after-columns) and that both logs describe the same process",
            source=f"{before.summary.source} / {after.summary.source}",
        )
    share = len(common) / len(set(before.activities) | set(after.activities))
    if share < 0.25:
        total = len(set(before.activities) | set(after.activities))
        warnings.append(CompareWarning("few_common_activities", common=len(common), total=total))
    if before.summary.has_start_times != after.summary.has_start_times:
        warnings.append(CompareWarning("start_times_one_side"))
    trans, acts, cases = compare_sides(before, after, options)
    if options.deadline is not None:
        nominal = {"d": 86_400.0, "h": 3_600.0}.get(options.deadline.unit)
        cases = replace(
            cases,
            deadline=str(options.deadline),
            deadline_s=nominal * options.deadline.amount if nominal else None,
            before_over_deadline_share=shares[0] if shares else None,
            after_over_deadline_share=shares[1] if shares else None,
        )
    return Comparison(
        before=before.summary,
        after=after.summary,
        split=split,
        transitions=trans,
        activities=acts,
        introduced=ranked_findings(trans, acts, introduced=True, causes=causes),
        improvements=ranked_findings(trans, acts, introduced=False, causes=causes),
        cases=cases,
        demand=demand,
        options=options,
        wait_definition=("start_to_previous_end" if log.has_start_times else "end_to_previous_end"),
        display_tz=log.display_tz,
        warnings=tuple(warnings),
        time_basis=time_basis(options.calendar),
        causes=causes,
    )


def to_utc(
    at: pd.Timestamp | dt.datetime | str, tz: str, timestamp_format: str | None = None
) -> pd.Timestamp:
    """A split date as a UTC timestamp; a date without a zone is read in the log's zone `tz`.

    Text is read with the day/month order of the log's `timestamp_format` (its detected
    format): `03/04/2025` is 3 April in a day-first log, 4 March in a month-first one, and
    refused when the log's order is ISO or unknown (write YYYY-MM-DD)."""
    from ..timestamps import AmbiguousDateError, date_order, read_date_text

    order = date_order(timestamp_format)
    try:
        stamp = read_date_text(at, order) if isinstance(at, str) else pd.Timestamp(at)
    except AmbiguousDateError as exc:
        raise SplitDateError(
            f"the split date {at!r} could be day/month or month/day, and the log's own "
            "dates do not say which",
            fix="write it as YYYY-MM-DD",
        ) from exc
    except (ValueError, TypeError) as exc:
        how = {"dmy": " day first, as the log's dates", "mdy": " month first, as the log's dates"}
        raise SplitDateError(
            f"cannot read the split date {at!r}{how.get(order or '', '')}",
            fix="write it as YYYY-MM-DD or an ISO time",
        ) from exc
    if pd.isna(stamp):
        raise SplitDateError(f"cannot read the split date {at!r}", fix="write it as YYYY-MM-DD")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(pandas_zone(tz))
    return stamp.tz_convert("UTC")


def compare_split(
    log: EventLog | SourceLog | PreparedLog,
    at: pd.Timestamp | dt.datetime | str,
    options: CompareOptions = DEFAULT_OPTIONS,
    *,
    description: str | None = None,
) -> Comparison:
    """Compare the cases of `log` that start before `at` with those that start from `at` on.

    A case belongs to the period of its first event; a case that starts before `at` and ends
    after it straddles the date and is left out, counted before, or counted after as
    `options.straddling` says.
    """
    with prepared(log, options.calendar) as p:
        options = replace(options, calendar=p.calendar)
        return _compare_split(p, at, options, description)


def _compare_split(
    p: PreparedLog,
    at: pd.Timestamp | dt.datetime | str,
    options: CompareOptions,
    description: str | None,
) -> Comparison:
    real, log = p.any_log, p.timed_log
    split_at = to_utc(at, log.display_tz, real.timestamp_format)
    split_us = int(split_at.value // 1000)
    engine = p.session("detail")
    case_table(engine, log)
    spans = case_spans(engine)
    lo, hi = int(spans["first_us"].min()), int(spans["first_us"].max())
    if not lo < split_us <= hi:
        raise SplitDateError(
            f"the split date {local_time(split_at, log.display_tz)} is outside the cases "
            f"of the log, which start from {local_time(utc_stamp(lo), log.display_tz)} to "
            f"{local_time(utc_stamp(hi), log.display_tz)}",
            fix="choose a date between those, so both periods have cases",
            source=log.source,
        )
    n_cases = catalog_of(log).cases
    n_straddling, case_period = split_periods(engine, spans, split_us, options.straddling, n_cases)
    steps_with_periods(engine)
    events = events_per_period(engine, log, case_period)
    sides = measure_sides(engine, log, {0: events[0], 1: events[1]})
    before, after = sides[0], sides[1]
    demand = compare_demand(
        weekly_counts(engine, log, (lo, split_us), spans),
        weekly_counts(engine, log, (split_us, hi), spans),
        unit_column(log)[1],
        options.alpha,
    )
    split = SplitInfo(
        mode="date",
        date=split_at,
        straddling=options.straddling,
        straddling_cases=n_straddling,
        description=description,
    )
    with_causes = options.causes and has_causes(real)
    shares: tuple[float, float] | None = None
    causes: CauseComparison | None = None
    if options.deadline is not None or with_causes:  # they read the events in this process
        labels = p.log.events["case"].cat.categories.astype(str)
        period_of = pd.Series(case_period[: len(labels)], index=labels)
        shares = _deadline_shares([(p.log, period_of)], options)
    if with_causes:
        causes = causes_by_period(
            [(cause_breakdown(p, options), period_of)],
            (before.summary.cases, after.summary.cases),
        )
    return _finish(before, after, split, options, log, demand, [], shares=shares, causes=causes)


def split_log(
    log: EventLog | PreparedLog,
    at: pd.Timestamp | dt.datetime | str,
    straddling: Straddling = "exclude",
) -> tuple[EventLog, EventLog, int]:
    """The cases of `log` in each period of `compare_split` at `at` (the same rule) as two logs
    on their real dates, and the number of cases straddling the date (left out, or counted
    on the side `straddling` names)."""
    with prepared(log) as p:
        real = p.log
        split_us = int(to_utc(at, real.display_tz, real.timestamp_format).value // 1000)
        engine = p.session("detail")
        case_table(engine, p.timed)
        n_cases = len(real.events["case"].cat.categories)
        n_straddling, case_period = split_periods(
            engine, case_spans(engine), split_us, straddling, n_cases
        )
    period = case_period[real.events["case"].cat.codes.to_numpy()]

    def part(number: int) -> EventLog:
        events = real.events[period == number].reset_index(drop=True)
        return replace(real, events=events, case_order=None)

    return part(0), part(1), n_straddling


def _one_log(p: PreparedLog, period: int) -> tuple[Side, Weekly]:
    log, engine = p.timed_log, p.session("detail")
    case_table(engine, log)
    engine.materialize(
        "periods",
        f"SELECT case_id, first_us, last_us, dur_us, {period} AS period FROM case_span",
    )
    steps_with_periods(engine)
    side = measure_side(engine, log, period, catalog_of(log).events)
    spans = case_spans(engine)
    span = (int(spans["first_us"].min()), int(spans["first_us"].max()))
    return side, weekly_counts(engine, log, span, spans)


def compare_logs(
    before: EventLog | SourceLog | PreparedLog,
    after: EventLog | SourceLog | PreparedLog,
    options: CompareOptions = DEFAULT_OPTIONS,
) -> Comparison:
    """Compare two logs of the same process (e.g. exports of the old and the new system);
    activities are matched by their normalized names."""
    with prepared(before, options.calendar) as b, prepared(after, options.calendar) as a:
        return _compare_logs(b, a, replace(options, calendar=a.calendar))


def _compare_logs(b: PreparedLog, a: PreparedLog, options: CompareOptions) -> Comparison:
    before, after = b.any_log, a.any_log
    for log in (before, after):
        if catalog_of(log).events == 0:
            raise EmptySideError("the log has no events", fix="check the file", source=log.source)
    b_side, b_weekly = _one_log(b, 0)
    a_side, a_weekly = _one_log(a, 1)
    unit = unit_column(before)[1] or unit_column(after)[1]
    demand = compare_demand(b_weekly, a_weekly, unit, options.alpha)
    warnings: list[CompareWarning] = []
    if before.display_tz != after.display_tz:
        zones = (before.display_tz, after.display_tz)
        warnings.append(CompareWarning("different_zones", zones=zones))
    with_causes = options.causes and has_causes(before) and has_causes(after)
    shares: tuple[float, float] | None = None
    causes: CauseComparison | None = None
    if options.deadline is not None or with_causes:  # they read the events in this process
        sides = [(q.log, _all_in(q.log, period)) for period, q in enumerate((b, a))]
        shares = _deadline_shares(sides, options)
    if with_causes:
        causes = causes_by_period(
            [
                (cause_breakdown(q, options), _all_in(q.log, period))
                for period, q in enumerate((b, a))
            ],
            (b_side.summary.cases, a_side.summary.cases),
        )
    return _finish(
        b_side,
        a_side,
        SplitInfo(mode="logs"),
        options,
        a.timed_log,
        demand,
        warnings,
        shares=shares,
        causes=causes,
    )


# --------------------------------------------------------------------------- deadlines, causes
def _all_in(log: EventLog, period: int) -> pd.Series:
    labels = log.events["case"].cat.categories.astype(str)
    return pd.Series(period, index=labels, dtype="int64")


def _deadline_shares(
    sides: list[tuple[EventLog, pd.Series]], options: CompareOptions
) -> tuple[float, float] | None:
    """The share of each period's cases not finished by their due time (`options.deadline`,
    counted on the real times of each log, in working days with the calendar)."""
    if options.deadline is None:
        return None
    late = {0: [0, 0], 1: [0, 0]}  # period -> [late, with a due time]
    for log, period_of in sides:
        cases = deadline_report(log, deadline=options.deadline, calendar=options.calendar).cases
        period = period_of.reindex(cases["case"].astype(str)).to_numpy()
        known = cases["on_time"].notna().to_numpy()
        is_late = ~cases["on_time"].fillna(True).to_numpy(dtype=bool)
        for p in (0, 1):
            sel = (period == p) & known
            late[p][0] += int(is_late[sel].sum())
            late[p][1] += int(sel.sum())

    def share(p: int) -> float:
        return late[p][0] / late[p][1] if late[p][1] else math.nan

    return share(0), share(1)
