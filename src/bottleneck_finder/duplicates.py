"""Exact duplicate rows: rows identical to an earlier row in every column read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import LogColumns
from .ordering import CaseOrder
from .timestamps import ParsedTimes


def tied_rows(
    activity_codes: np.ndarray, end_micros: np.ndarray, order: CaseOrder | None
) -> np.ndarray | None:
    """Rows sharing case, end and activity with another row, found as neighbours in
    `ordering.by_case`: when every case lists its events in time order, rows with equal case and
    end are neighbours. None when some case does not, or without an order."""
    if order is None:
        return None
    positions, case = order.positions, order.case
    end = end_micros[positions]
    same = case[1:] == case[:-1]
    if bool((same & (end[1:] < end[:-1])).any()):
        return None
    tie = same & (end[1:] == end[:-1])
    tied = np.zeros(len(positions), bool)
    tied[1:] |= tie
    tied[:-1] |= tie
    at = np.flatnonzero(tied)
    if not len(at):
        return at
    # which run of equal (case, end) each tied row is in: a run starts at a row not tied to
    # the row before it
    joined = np.zeros(len(at), bool)
    inner = at > 0
    joined[inner] = tie[at[inner] - 1]
    run = np.cumsum(~joined)
    key = run * np.int64(int(activity_codes.max(initial=0)) + 2) + activity_codes[positions[at]]
    ordered = np.sort(key)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    return np.sort(positions[at[np.isin(key, repeated)]])


def rows_with_repeated_hash(
    case_codes: np.ndarray, activity_codes: np.ndarray, end_micros: np.ndarray
) -> np.ndarray:
    """Rows whose hash of (case, activity, end) is shared with another row."""
    # (case, activity) as one exact integer, spread by an odd constant and offset by the end:
    # int64 arithmetic wraps, and unequal triples share a hash only by rare coincidence (a
    # coincidence only adds a candidate that the exact comparison then clears)
    pair = case_codes.astype(np.int64) * (int(activity_codes.max(initial=0)) + 2) + activity_codes
    hashed = pair * np.int64(-7046029254386353131) + end_micros
    ordered = np.sort(hashed)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):
        return np.zeros(0, np.int64)
    return np.flatnonzero(pd.Series(hashed, copy=False).isin(repeated).to_numpy())


def duplicate_rows(
    table: pd.DataFrame,
    columns: LogColumns,
    case: pd.Series,
    activity: pd.Series,
    end: ParsedTimes,
    start: ParsedTimes | None,
    *labels: pd.Series | None,
    order: CaseOrder | None = None,
) -> np.ndarray:
    """Rows identical to an earlier row in every column read (mapped columns as parsed).

    Two identical rows share their case, activity and end. The candidates are the rows tied
    on case and end with a neighbour in `order` (see `ordering.by_case`; when every case is in time
    order), otherwise the rows whose hash of those three repeats; the candidates alone are
    then compared exactly on every column, so a hash collision can never report a false
    duplicate.
    """
    missing_time = np.iinfo(np.int64).min
    case_codes = case.cat.codes.to_numpy()
    activity_codes = activity.cat.codes.to_numpy()
    end_micros = end.micros if end.valid.all() else np.where(end.valid, end.micros, missing_time)
    rows = tied_rows(activity_codes, end_micros, order)
    if rows is None:
        rows = rows_with_repeated_hash(case_codes, activity_codes, end_micros)
    if not len(rows):
        return np.zeros(len(table), bool)
    parts: list[np.ndarray] = [case_codes[rows], activity_codes[rows], end_micros[rows]]
    if start is not None:
        parts.append(np.where(start.valid[rows], start.micros[rows], missing_time))
    parts += [series.cat.codes.to_numpy()[rows] for series in labels if series is not None]
    mapped = {column for _, column in columns.items()}
    parts += [
        pd.factorize(table[column].iloc[rows], use_na_sentinel=True)[0]
        for column in table.columns
        if column not in mapped
    ]
    duplicated = np.zeros(len(table), bool)
    subset = pd.DataFrame({i: part for i, part in enumerate(parts)})
    duplicated[rows] = subset.duplicated().to_numpy()
    return duplicated
