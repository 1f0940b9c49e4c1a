"""The step table built in process for the embedded engine: one sort by (case, row), then lags.

`transitions.steps` defines the step table in SQL with a window per case ordered by (end,
start, row). When each case's instances already follow that order in the file (time-sorted
exports, XES traces, case-grouped tables: the usual shapes), the same table needs only one
sort of one integer key, (case, row), and shifts of the sorted columns; numpy does that faster
than a window sort. `in_file_order` checks the condition on every pair of neighbours, and the
caller falls back to the SQL window wherever it does not hold, so the result is always the
table `transitions.steps` defines (the tests compare the two column by column).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ordering import CaseOrder, by_case

NO_CODE = -1  # a missing resource or group code
PARALLEL_ROWS = 1_000_000  # from this many instances, gathers run on two threads


@dataclass(frozen=True)
class InstanceArrays:
    """Activity instances as columns: integer codes, times in microseconds, file rows.

    `start` holds the start time where `start_known`, otherwise the end (the `start_eff` of the
    SQL); `resource` and `group` hold `NO_CODE` where missing.
    """

    case: np.ndarray
    activity: np.ndarray
    end: np.ndarray
    start: np.ndarray
    start_known: np.ndarray
    row: np.ndarray
    resource: np.ndarray
    group: np.ndarray

    def __len__(self) -> int:
        return len(self.case)


def _filled(column: Any, fill: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow column as (numpy values with `fill` where null, mask of present values)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    present = np.asarray(pc.is_valid(column), dtype=bool)
    values = np.asarray(pc.fill_null(column, fill).to_numpy(zero_copy_only=False), dtype=dtype)
    return values, present


def from_arrow(table: Any) -> InstanceArrays:
    """Instances from an Arrow table with the columns of `instances.activity_instances`."""
    case, _ = _filled(table.column("case_id"), NO_CODE, "int32")
    activity, _ = _filled(table.column("activity"), NO_CODE, "int32")
    end, _ = _filled(table.column("end_us"), 0, "int64")
    start, known = _filled(table.column("start_us"), 0, "int64")
    row, _ = _filled(table.column("row_no"), 0, "int64")
    resource, _ = _filled(table.column("resource_id"), NO_CODE, "int32")
    group, _ = _filled(table.column("group_id"), NO_CODE, "int32")
    return InstanceArrays(
        case=case,
        activity=activity,
        end=end,
        start=np.where(known, start, end),
        start_known=known,
        row=row,
        resource=resource,
        group=group,
    )


def from_events(events: Any, *, detail: bool = True) -> InstanceArrays:
    """Instances straight from `EventLog.events` when every event is an instance (no
    lifecycle pairing), without going through Arrow. Without `detail` the resource and group
    codes are left empty (the step table without detail does not read them)."""
    start = events["start_us"].array
    known = ~np.asarray(start.isna(), dtype=bool)
    end = events["end_us"].to_numpy(dtype="int64")

    def codes(column: str) -> np.ndarray:
        return np.asarray(events[column].cat.codes.to_numpy(), dtype=np.int32)

    return InstanceArrays(
        case=codes("case"),
        activity=codes("activity"),
        end=end,
        start=np.where(known, start.to_numpy(dtype="int64", na_value=0), end)
        if known.any()
        else end,
        start_known=known,
        row=events["row"].to_numpy(dtype="int64"),
        resource=codes("resource") if detail else np.zeros(0, np.int32),
        group=codes("group") if detail else np.zeros(0, np.int32),
    )


def case_row_order(inst: InstanceArrays) -> CaseOrder | None:
    """The instances sorted by (case, file row); None when the key does not fit one 64-bit
    integer (more than 2^31 cases or rows beyond 2^32)."""
    n = len(inst)
    if n == 0:
        return CaseOrder(np.zeros(0, np.int64), inst.case)
    if int(inst.row.min()) < 0 or int(inst.row.max()) >= 1 << 32 or int(inst.case.min()) < 0:
        return None
    if bool((inst.row[1:] > inst.row[:-1]).all()):
        # rows ascend with the position (instances straight from the file): (case, position)
        # is the same order, sorted by value
        found = by_case(inst.case)
        if found is not None:
            return found
    key = (inst.case.astype(np.int64) << 32) | inst.row
    order: np.ndarray = np.argsort(key)  # the keys are distinct: any sort gives one answer
    return CaseOrder(order, inst.case[order])


def checked_order(inst: InstanceArrays, hint: np.ndarray | None) -> CaseOrder | None:
    """`hint` if it really lists the instances sorted by (case, position) — a permutation,
    cases ascending, positions ascending within a case — else None."""
    n = len(inst)
    if hint is None or len(hint) != n:
        return None
    if n == 0:
        return CaseOrder(hint, inst.case)
    if int(hint.min()) < 0 or int(hint.max()) >= n:
        return None
    case = inst.case[hint]
    after = (case[1:] > case[:-1]) | ((case[1:] == case[:-1]) & (hint[1:] > hint[:-1]))
    return CaseOrder(hint, case) if bool(after.all()) else None  # strictly increasing: no repeats


def in_file_order(inst: InstanceArrays, *, by_start: bool) -> bool:
    """Whether instances sorted by (case, row) are also sorted by (case, end, start): the
    canonical order of `transitions.steps`, ties already following the file."""
    case, end, start = inst.case, inst.end, inst.start
    if len(case) < 2:
        return True
    same = case[1:] == case[:-1]
    later = end[1:] > end[:-1]
    if by_start:
        later |= (end[1:] == end[:-1]) & (start[1:] >= start[:-1])
    else:
        later |= end[1:] == end[:-1]
    return not bool((same & ~later).any())


def _arrow(values: np.ndarray, present: np.ndarray | None) -> Any:
    """A numpy column as an Arrow array, null where not `present` (values used in place)."""
    import pyarrow as pa

    if present is None or bool(present.all()):
        return pa.array(values)
    validity = np.packbits(present, bitorder="little")
    data = np.ascontiguousarray(values)
    return pa.Array.from_buffers(
        pa.from_numpy_dtype(data.dtype),
        len(data),
        [pa.py_buffer(validity), pa.py_buffer(data)],
        null_count=len(data) - int(np.count_nonzero(present)),
    )


def _padded_take(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """`values[order]`, stored after one leading slot (a copy of its first value) so that
    `previous` of it is a view of the same buffer, not a copy (see `previous`)."""
    buffer = np.empty(len(order) + 1, values.dtype)
    out = buffer[1:]
    np.take(values, order, out=out, mode="clip")  # the positions are valid: clip never acts
    buffer[0] = out[0] if len(out) else 0
    return out


def previous(values: np.ndarray) -> np.ndarray:
    """Each value's predecessor (the first value's own at position 0): a view where `values`
    came from `_padded_take`, else a copy."""
    base = values.base
    if (
        isinstance(base, np.ndarray)
        and base.ndim == 1
        and base.dtype == values.dtype
        and len(base) == len(values) + 1
        and base.flags.c_contiguous
        and values.flags.c_contiguous
        and values.ctypes.data == base.ctypes.data + values.itemsize
        and len(values)
        and base[0] == values[0]
    ):
        shifted: np.ndarray = base[:-1]
        return shifted
    out = np.empty_like(values)
    if len(values):
        out[0] = values[0]
        out[1:] = values[:-1]
    return out


def _gather(columns: dict[str, np.ndarray], order: np.ndarray) -> dict[str, np.ndarray]:
    """`_padded_take(column, order)` for every column, on two threads when the columns are
    large (numpy releases the GIL while it gathers, and random reads leave a core waiting on
    memory)."""
    names = list(columns)
    if len(order) < PARALLEL_ROWS or len(names) < 2:
        return {name: _padded_take(columns[name], order) for name in names}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        other = [pool.submit(_padded_take, columns[name], order) for name in names[1::2]]
        mine = {name: _padded_take(columns[name], order) for name in names[0::2]}
        theirs = {name: job.result() for name, job in zip(names[1::2], other, strict=True)}
    return {name: mine[name] if name in mine else theirs[name] for name in names}


def take(inst: InstanceArrays, sorting: CaseOrder, *, detail: bool) -> InstanceArrays:
    """The instances in `sorting`'s order; without `detail` the row, resource and group are
    left as they are (the step table without detail does not read them)."""
    any_start = bool(inst.start_known.any())
    wanted = {"activity": inst.activity, "end": inst.end}
    if any_start:
        wanted |= {"start": inst.start, "start_known": inst.start_known}
    if detail:
        wanted |= {"row": inst.row, "resource": inst.resource, "group": inst.group}
    got = _gather(wanted, sorting.positions)
    end = got["end"]
    return InstanceArrays(
        case=sorting.case,
        activity=got["activity"],
        end=end,
        start=got.get("start", end),
        start_known=got.get("start_known", inst.start_known),
        row=got.get("row", inst.row),
        resource=got.get("resource", inst.resource),
        group=got.get("group", inst.group),
    )


def steps_table(inst: InstanceArrays, *, has_start_times: bool, detail: bool) -> tuple[Any, Any]:
    """The step table of `transitions.steps` and the per-case spans, as Arrow tables, from
    instances already in canonical order (`take` them in an order `in_file_order` accepts).

    The spans table has one row per case: `case_id`, `first_us` (earliest start, or end where
    no start is known), `last_us` (latest end) and `steps` (instances).
    """
    import pyarrow as pa

    n = len(inst)
    case, activity, end, start, known = (
        inst.case,
        inst.activity,
        inst.end,
        inst.start,
        inst.start_known,
    )
    has_prev = np.zeros(n, bool)
    if n > 1:
        has_prev[1:] = case[1:] == case[:-1]
    is_last = np.ones(n, bool)
    if n > 1:
        is_last[:-1] = ~has_prev[1:]

    any_start = bool(known.any())
    prev_end = previous(end) if has_start_times or detail else end
    if has_start_times:
        raw = start - prev_end
        overlap = has_prev & (raw < 0)
        wait = np.where(raw < 0, 0, raw)
    else:
        wait = np.zeros(n, np.int64)
        np.subtract(end[1:], end[:-1], out=wait[1:])
        overlap = np.zeros(n, bool)
    columns: dict[str, Any] = {
        "case_id": pa.array(case),
        "activity": pa.array(activity),
    }
    if detail:
        resource, group = inst.resource, inst.group
        prev_resource, prev_group = previous(resource), previous(group)
        columns |= {
            "resource_id": _arrow(resource, resource != NO_CODE),
            "group_id": _arrow(group, group != NO_CODE),
            "start_us": _arrow(start, known),
            "end_us": pa.array(end),
            "row_no": pa.array(inst.row),
            "source_end_us": _arrow(prev_end, has_prev),
            "source_resource_id": _arrow(prev_resource, has_prev & (prev_resource != NO_CODE)),
            "source_group_id": _arrow(prev_group, has_prev & (prev_group != NO_CODE)),
        }
        running = _running(has_prev, wait, end - start if any_start else None)
        columns["pos"] = running.pop("pos")
    columns |= {
        "source": _arrow(previous(activity), has_prev),
        "wait_us": _arrow(wait, has_prev),
        "overlap": pa.array(overlap),
        "processing_us": _arrow(end - start, known) if any_start else pa.nulls(n, pa.int64()),
        "is_last": pa.array(is_last),
    }
    if detail:
        columns |= running
    firsts = np.flatnonzero(~has_prev)
    lasts = np.flatnonzero(is_last)
    spans = pa.table(
        {
            "case_id": pa.array(case[firsts]),
            "first_us": pa.array(
                np.minimum.reduceat(start, firsts)
                if n and any_start
                else end[firsts]  # without starts, sorted by end: the first ends first
            ),
            "last_us": pa.array(end[lasts]),  # sorted by end: the last instance ends last
            "steps": pa.array((lasts - firsts + 1).astype(np.int64)),
        }
    )
    return pa.table(columns), spans


def _running(has_prev: np.ndarray, wait: np.ndarray, work: np.ndarray | None) -> dict[str, Any]:
    """The `pos`, `cum_wait_us` and `cum_work_us` columns of the detailed step table (see
    `transitions.steps`) of instances in canonical order: `has_prev` false at each case's first."""
    import pyarrow as pa

    n = len(has_prev)
    firsts = np.flatnonzero(~has_prev)
    lengths = np.diff(np.append(firsts, n))

    def per_case_cumsum(values: np.ndarray) -> np.ndarray:
        total: np.ndarray = np.cumsum(values)
        total -= np.repeat(total[firsts] - values[firsts], lengths)
        return total

    pos = np.arange(1, n + 1, dtype=np.int64)
    pos -= np.repeat(firsts, lengths)
    cum_wait = per_case_cumsum(np.where(has_prev, wait, 0))
    cum_work = per_case_cumsum(work) if work is not None else np.zeros(n, np.int64)
    return {
        "pos": pa.array(pos),
        "cum_wait_us": pa.array(cum_wait),
        "cum_work_us": pa.array(cum_work),
    }


def register_steps(
    engine: Any,
    instances: Any,
    *,
    has_start_times: bool,
    detail: bool,
    order_hint: np.ndarray | None = None,
) -> bool:
    """Build the step table `steps` and the per-case table `case_spans` (see
    `transitions.steps` and `stats.case_spans`) of `instances` (`InstanceArrays`, an Arrow
    table of them, or a function making them: then they are released as soon as they are
    sorted) in process and register them in `engine`, if the engine allows it and the file
    order fits (see the module docstring). Returns False, having registered nothing, when the
    caller must run the SQL window instead. `order_hint` may give the (case, position) order
    of `instances` (see `EventLog.case_order`); it is checked, not trusted.
    """
    if not engine.in_process_steps:
        return False
    if callable(instances):
        instances = instances()
    inst = instances if isinstance(instances, InstanceArrays) else from_arrow(instances)
    del instances
    order = checked_order(inst, order_hint) or case_row_order(inst)
    if order is None:
        return False
    ordered = take(inst, order, detail=detail)
    del inst, order  # only the sorted copy is read from here on
    if not in_file_order(ordered, by_start=has_start_times):
        return False
    steps, spans = steps_table(ordered, has_start_times=has_start_times, detail=detail)
    engine.register("steps", steps)
    engine.register("case_spans", spans)
    return True
