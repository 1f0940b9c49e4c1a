"""`bottleneck causes`: hand-built logs with exact seconds per cause, planted causes, a real log."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bottleneck_finder.analysis.causes import CAUSES, CauseOptions, attribute_causes
from bottleneck_finder.api import load_log
from bottleneck_finder.calendar import WorkCalendar, vietnam
from bottleneck_finder.cli import cli
from bottleneck_finder.columns import LogColumns
from tools.simulate_causes import SIGN, simulate_planted_cause

from .conftest import shared_log, write

COLUMNS = LogColumns(
    case="case", activity="activity", resource="resource", start="start", timestamp="end"
)
ALWAYS = WorkCalendar(name="always", tz="UTC", weekly=(((0, 1440),),) * 7)  # type: ignore[arg-type]
MORNINGS = WorkCalendar(name="mornings", tz="UTC", weekly=(((480, 720),),) * 7)  # type: ignore[arg-type]


def _log(tmp_path: Path, rows: list[str], name: str = "log.csv") -> Path:
    return write(tmp_path, name, "case,activity,resource,start,end\n" + "\n".join(rows) + "\n")


def _breakdown(path: Path, calendar: WorkCalendar | None = ALWAYS) -> pd.DataFrame:
    result = attribute_causes(load_log(path, COLUMNS), CauseOptions(calendar=calendar))
    frame = result.instances.set_index("case")
    _assert_sums(frame)
    return frame


def _assert_sums(frame: pd.DataFrame) -> None:
    parts = sum(frame[f"{c}_us"] for c in CAUSES)
    assert (parts == frame["wait_us"]).all()
    for c in CAUSES:
        assert (frame[f"{c}_us"] >= 0).all(), c


def _seconds(frame: pd.DataFrame, case: str) -> dict[str, float]:
    row = frame.loc[case]
    return {c: row[f"{c}_us"] / 1e6 for c in CAUSES if row[f"{c}_us"]}


def test_extraneous_alone(tmp_path: Path) -> None:
    path = _log(tmp_path, ["c1,A,r1,2025-03-03 08:00,2025-03-03 09:00",
                           "c1,B,r2,2025-03-03 10:00,2025-03-03 11:00"])  # fmt: skip
    frame = _breakdown(path)
    assert _seconds(frame, "c1") == {"extraneous": 3600}
    assert frame.loc["c1", "source"] == "A" and frame.loc["c1", "activity"] == "B"


def test_contention_alone(tmp_path: Path) -> None:
    path = _log(tmp_path, [
        "c1,A,r1,2025-03-03 08:00,2025-03-03 09:00",
        "c1,B,r2,2025-03-03 09:00,2025-03-03 10:00",
        "c2,A,r3,2025-03-03 08:00,2025-03-03 09:00",
        "c2,B,r2,2025-03-03 10:00,2025-03-03 11:00",
    ])  # fmt: skip
    frame = _breakdown(path)
    assert _seconds(frame, "c2") == {"resource_contention": 3600}
    assert _seconds(frame, "c1") == {}


def test_prioritization_alone(tmp_path: Path) -> None:
    path = _log(tmp_path, [
        "c1,A,r1,2025-03-03 08:00,2025-03-03 09:00",
        "c1,B,r2,2025-03-03 10:00,2025-03-03 11:00",
        "c2,A,r3,2025-03-03 08:30,2025-03-03 09:00:01",  # ready 1 s later, served first
        "c2,B,r2,2025-03-03 09:00:01,2025-03-03 10:00",
    ])  # fmt: skip
    frame = _breakdown(path)
    # c2 then c1 back to back, both enabled by c2's start (09:00:01): a sequential batch whose
    # last member (c2) was enabled at 09:00:01, so c1 waits 1 s for it (creation), then
    # 3599 s while r2 works on c2, which was enabled later than c1
    assert _seconds(frame, "c1") == {"prioritization": 3599, "batching": 1}
    assert frame.loc["c1", "batching_creation_us"] == 10**6
    assert frame.loc["c1", "batch_type"] == "sequential"
    assert _seconds(frame, "c2") == {}


def test_batching_alone(tmp_path: Path) -> None:
    path = _log(tmp_path, [
        "c1,A,r1,2025-03-03 08:00,2025-03-03 09:00",
        "c1,B,r2,2025-03-03 10:00,2025-03-03 10:30",
        "c2,A,r3,2025-03-03 08:00,2025-03-03 10:00",
        "c2,B,r2,2025-03-03 10:00,2025-03-03 10:30",
    ])  # fmt: skip
    frame = _breakdown(path)
    assert _seconds(frame, "c1") == {"batching": 3600}  # signed together once c2 was ready
    assert frame.loc["c2", "wait_us"] == 0


def test_unavailability_alone_weekend_vn(tmp_path: Path) -> None:
    path = _log(tmp_path, [
        "c1,A,r1,2025-03-07T16:00:00+07:00,2025-03-07T17:00:00+07:00",  # Friday
        "c1,B,r2,2025-03-10T07:30:00+07:00,2025-03-10T08:00:00+07:00",  # Monday, office opens
    ])  # fmt: skip
    frame = _breakdown(path, vietnam())
    assert _seconds(frame, "c1") == {"resource_unavailability": (62 + 0.5) * 3600}


def test_unavailability_over_tet(tmp_path: Path) -> None:
    path = _log(tmp_path, [
        "c1,A,r1,2025-01-24T15:00:00+07:00,2025-01-24T16:00:00+07:00",  # last Friday before Tết
        "c1,B,r2,2025-02-03T08:30:00+07:00,2025-02-03T09:00:00+07:00",  # first Monday after
    ])  # fmt: skip
    frame = _breakdown(path, vietnam())
    total = frame.loc["c1", "wait_us"] / 1e6
    assert total == (9 * 24 + 16.5) * 3600
    assert _seconds(frame, "c1") == {"extraneous": 7200, "resource_unavailability": total - 7200}


MIXED = [
    "ci,X,rx,2025-03-03 06:00,2025-03-03 07:00",
    "ci,S,r,2025-03-03 13:00,2025-03-03 13:30",
    "cp,X,ry,2025-03-03 06:30,2025-03-03 07:30",
    "cp,S,r2,2025-03-03 13:00,2025-03-03 13:30",  # signed by r2: alone, no batch
    "cj,X,rz,2025-03-03 05:00,2025-03-03 06:00",
    "cj,S,r,2025-03-03 09:00,2025-03-03 10:00",  # ready before ci: contention for ci
    "ck,X,rw,2025-03-03 07:00,2025-03-03 08:00",
    "ck,S,r,{k_start},2025-03-03 10:30",  # ready after ci: prioritization for ci
]


@pytest.mark.parametrize("k_start", ["2025-03-03 10:00", "2025-03-03 09:30"])
def test_mixed_causes(tmp_path: Path, k_start: str) -> None:
    rows = [r.format(k_start=k_start) for r in MIXED]
    frame = _breakdown(_log(tmp_path, rows), MORNINGS)  # office works 08:00-12:00
    assert _seconds(frame, "ci") == {  # waits 07:00-13:00; not in a batch (13:00 is not
        "resource_contention": 3600,  # back to back with ck's 10:30 end) 09:00-10:00 on cj
        "prioritization": 1800,  # 10:00-10:30 on ck (also when ck overlaps cj)
        "resource_unavailability": 7200,  # 07:00-08:00 and 12:00-13:00
        "extraneous": 9000,  # 08:00-09:00 and 10:30-12:00
    }
    assert _seconds(frame, "cp") == {"resource_unavailability": 5400, "extraneous": 14400}
    # cj and ck: one batch of r (ck enabled 08:00, before cj started at 09:00; ck starts when
    # cj ends, or overlaps it): last member enabled 08:00, first start 09:00
    assert _seconds(frame, "cj") == {"batching": 10800}  # creation 06:00-08:00, ready 08:00-09:00
    assert frame.loc["cj", "batching_creation_us"] == 7200 * 10**6
    assert frame.loc["cj", "batching_ready_us"] == 3600 * 10**6
    overlap = 1800 if k_start.endswith("09:30") else 3600  # on cj from 09:00, enabled earlier
    assert _seconds(frame, "ck") == {"batching": 3600, "resource_contention": overlap}
    assert frame.loc["ck", "batching_creation_us"] == 0
    kind = "concurrent" if k_start.endswith("09:30") else "sequential"
    assert frame.loc["ck", "batch_type"] == frame.loc["cj", "batch_type"] == kind
    assert frame.loc["ck", "batch"] == frame.loc["cj", "batch"]
    assert pd.isna(frame.loc["ci", "batch"]) and pd.isna(frame.loc["ci", "batch_type"])


def test_enablement_takes_latest_end_before_start(tmp_path: Path) -> None:
    # B and C run in parallel after A; D starts after both: enabled by C's end, not B's
    path = _log(tmp_path, [
        "c1,A,r1,2025-03-03 08:00,2025-03-03 09:00",
        "c1,B,r2,2025-03-03 09:00,2025-03-03 09:30",
        "c1,C,r3,2025-03-03 09:10,2025-03-03 10:00",
        "c1,D,r4,2025-03-03 11:00,2025-03-03 12:00",
    ])  # fmt: skip
    frame = _breakdown(path).reset_index().set_index("activity")
    assert frame.loc["D", "source"] == "C" and frame.loc["D", "wait_us"] == 3600 * 10**6
    assert frame.loc["C", "source"] == "A" and frame.loc["C", "wait_us"] == 600 * 10**6
    assert frame.loc["B", "wait_us"] == 0


def test_learned_calendar_attributes_unavailability(tmp_path: Path) -> None:
    # r2 is seen working only 10:00-12:59; the wait 09:00-10:00 falls outside it (c2 starts
    # 30 min after c1 ends: not back to back, so not a batch)
    path = _log(tmp_path, [
        "c1,A,r1,2025-03-03 08:00,2025-03-03 09:00",
        "c1,B,r2,2025-03-03 10:00,2025-03-03 11:00",
        "c2,A,r1,2025-03-03 08:00,2025-03-03 08:30",
        "c2,B,r2,2025-03-03 11:30,2025-03-03 12:30",
    ])  # fmt: skip
    frame = _breakdown(path, None)
    assert _seconds(frame, "c1") == {"resource_unavailability": 3600}
    # 08:30-10:00 outside r2's hours, 10:00-11:00 on c1 (enabled later), 11:00-11:30 idle
    assert _seconds(frame, "c2") == {
        "resource_unavailability": 5400,
        "prioritization": 3600,
        "extraneous": 1800,
    }


@pytest.mark.parametrize(
    ("scenario", "planted"),
    [
        ("contention", "resource_contention"),
        ("batching", "batching"),
        ("unavailability", "resource_unavailability"),
    ],
)
def test_planted_cause_dominates(tmp_path: Path, scenario: str, planted: str) -> None:
    frame = simulate_planted_cause(scenario)  # type: ignore[arg-type]
    path = tmp_path / f"{scenario}.csv"
    frame.to_csv(path, index=False)
    result = attribute_causes(load_log(path, COLUMNS))  # calendars learned from the log
    _assert_sums(result.instances)
    acts = result.activities.set_index("activity")
    shares = {c: acts.loc[SIGN, f"{c}_share"] for c in CAUSES}
    assert max(shares, key=lambda c: shares[c]) == planted, shares
    assert shares[planted] > 0.5, shares
    assert acts.loc[SIGN, "wait_total_s"] > 0


def test_cli_writes_schema_and_csvs(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    rows = [r.format(k_start="2025-03-03 10:00") for r in MIXED]
    path = _log(tmp_path, rows)
    cal = write(tmp_path, "mornings.toml", 'timezone = "UTC"\n[hours]\n' + "".join(
        f'{d} = ["08:00-12:00"]\n' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    ))  # fmt: skip
    out = tmp_path / "out"
    args = ["causes", str(path), "-o", str(out), "-q", "--calendar", str(cal)]
    args += ["--case", "case", "--activity", "activity", "--resource", "resource"]
    args += ["--start-timestamp", "start", "--timestamp", "end"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "causes.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "bottleneck/causes@1"
    for key in ("activities", "transitions", "resources"):
        for item in doc[key]:
            assert set(item["causes"]) == set(CAUSES)
            assert sum(item["causes"].values()) == pytest.approx(item["wait_total_s"])
    acts = {a["activity"]: a for a in doc["activities"]}
    # S waits: ci 21600 + cp 19800 + cj 10800 + ck 7200
    assert acts["S"]["wait_total_s"] == 59400
    assert acts["S"]["causes"] == {  # per case as in test_mixed_causes
        "batching": 10800.0 + 3600,  # cj, ck
        "resource_contention": 3600.0 * 2,  # ci, ck
        "prioritization": 1800.0,  # ci
        "resource_unavailability": 7200.0 + 5400,  # ci, cp
        "extraneous": 9000.0 + 14400,  # ci, cp
    }
    assert acts["S"]["batching_creation_s"] == 7200  # cj 06:00-08:00
    assert acts["S"]["batching_ready_s"] == 3600 * 2  # cj and ck 08:00-09:00
    assert acts["S"]["per_case_s"]["extraneous"] == (9000.0 + 14400) / 4
    trans = {(t["source"], t["target"]): t for t in doc["transitions"]}
    assert trans[("X", "S")]["causes"] == acts["S"]["causes"]
    assert doc["ranking"][0]["cause"] == "extraneous" and doc["ranking"][0]["wait_s"] == 23400
    assert doc["batches"] == [
        {
            "activity": "S",
            "resource": "r",
            "type": "sequential",
            "instances": 3,
            "instances_in_batches": 2,
            "batches": 1,
            "size": {"min": 2, "median": 2.0, "max": 2},
            "batching_s": 14400.0,
            "batching_creation_s": 7200.0,
            "batching_ready_s": 7200.0,
            "batching_per_instance_s": 7200.0,
            "firing": None,
        }
    ]
    assert doc["resources"][0]["resource"] == "r"
    assert (out / "causes_transitions.csv").read_text().startswith("source,target,count,cases")
    assert "Waiting time by cause, per transition" in result.output


def test_cli_bad_calendar_is_one_line(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = _log(tmp_path, ["c1,A,r1,2025-03-03 08:00,2025-03-03 09:00"])
    bad = write(tmp_path, "bad.toml", 'timezone = "Mars/Olympus"\n[hours]\nmon = []\n')
    result = runner.invoke(cli, ["causes", str(path), "--calendar", str(bad), "-q"])
    assert result.exit_code == 2
    assert "bad.toml: timezone: unknown time zone" in result.output
    assert "Traceback" not in result.output


def test_without_start_times_and_no_estimate_nothing_attributed(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "ends.csv", "case,activity,resource,end\n"
                 "c1,A,r1,2025-03-03 08:00\nc1,B,r2,2025-03-03 10:00\n")  # fmt: skip
    log = load_log(path, LogColumns(case="case", activity="activity", resource="resource",
                                    timestamp="end"))  # fmt: skip
    result = attribute_causes(log, CauseOptions(estimate_starts=False))
    assert result.instances.empty and result.wait_total_s == 0
    assert result.instances_without_start == 2 and result.unattributed_s == 7200
    assert result.starts == "recorded" and result.instances_estimated == 0
    args = ["causes", str(path), "-o", str(tmp_path / "o"), "-q", "--timestamp", "end",
            "--no-estimate"]  # fmt: skip
    out = runner.invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert "without start times no waiting time can be attributed" in out.output
    assert "(2 h between steps left unattributed)" in out.output
    pairs = out.output.split("Top (transition, cause) pairs by waiting time:\n")[1]
    assert pairs.startswith("(no waiting time between steps)\n")


def _brute_batch_start(inst: pd.DataFrame, i: int, enabled_of) -> int | None:  # type: ignore[no-untyped-def]
    """The first start of instance i's batch (None outside one), by the pix-framework sweep
    over its resource's instances of its activity in order of start: an instance joins the
    batch when it was enabled by the batch's first start and starts no later than the
    batch's latest end; a batch must also start after every earlier instance ended."""
    me = inst.loc[i]
    same = inst[(inst.resource_id == me.resource_id) & (inst.activity == me.activity)]
    same = same.sort_values(["start_us", "end_us"], kind="stable")
    batch: list[int] = []
    first = last_end = latest = -(2**62)
    for j, row in zip(same.index, same.itertuples(), strict=True):
        s, e = int(row.start_us), int(row.end_us)
        if batch and s <= last_end and enabled_of(j) <= first:
            batch.append(j)
            last_end = max(last_end, e)
        else:
            if i in batch:
                break
            batch = [j] if s > latest else []  # a start while earlier work runs: no batch
            first, last_end = s, e
        latest = max(latest, e)
    return first if i in batch and len(batch) >= 2 else None


def _brute_force(inst: pd.DataFrame, i: int, cal: WorkCalendar) -> dict[str, int]:
    """One instance's causes the slow, obvious way (a list of intervals, sets of minutes
    avoided: exact integer arithmetic on sorted, merged intervals)."""
    me = inst.loc[i]
    same_case = inst[
        (inst.case_id == me.case_id) & (inst.index != i) & (inst.end_us <= me.start_us)
    ]
    enabled = int(same_case.end_us.max()) if len(same_case) else int(me.start_us)

    def enabled_of(j: int) -> int:
        row = inst.loc[j]
        prev = inst[(inst.case_id == row.case_id) & (inst.index != j)
                    & (inst.end_us <= row.start_us)]  # fmt: skip
        return int(prev.end_us.max()) if len(prev) else int(row.start_us)

    s = int(me.start_us)
    b = _brute_batch_start(inst, i, enabled_of)
    b = enabled if b is None else b
    others = inst[(inst.resource_id == me.resource_id) & (inst.index != i)
                  & (inst.start_us < s) & (inst.end_us > b)]  # fmt: skip

    def union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        merged: list[tuple[int, int]] = []
        for x, y in sorted(spans):
            if merged and x <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], y))
            else:
                merged.append((x, y))
        return merged

    spans = [(max(int(r.start_us), b), min(int(r.end_us), s)) for r in others.itertuples()]
    cont = [sp for sp, j in zip(spans, others.index, strict=True) if enabled_of(j) <= enabled]
    busy, busy_c = union(spans), union(cont)
    length = sum(y - x for x, y in busy)
    length_c = sum(y - x for x, y in busy_c)
    work = int(cal.working_duration_us([b], [s])[0])
    busy_work = sum(int(cal.working_duration_us([x], [y])[0]) for x, y in busy)
    return {
        "wait": s - enabled,
        "batching": b - enabled,
        "resource_contention": length_c,
        "prioritization": length - length_c,
        "resource_unavailability": (s - b - work) - (length - busy_work),
        "extraneous": work - busy_work,
    }


def test_bpi2017_parts_sum_to_total_and_match_brute_force() -> None:
    from bottleneck_finder.engine import DuckDBEngine
    from bottleneck_finder.engine.prepare import prepare_steps

    path = shared_log("BPI_Challenge_2017_W_Two_TS_filtered.xes.gz")
    log = load_log(path, LogColumns())
    cal = vietnam()
    result = attribute_causes(log, CauseOptions(calendar=cal))
    got = result.instances
    _assert_sums(got)
    assert len(got) > 50_000
    assert sum(result.totals_s.values()) == pytest.approx(result.wait_total_s)
    assert result.activities["wait_total_s"].sum() == pytest.approx(result.wait_total_s)
    # the same instances (paired by the tested engine), causes recomputed one by one
    engine = DuckDBEngine()
    prepare_steps(engine, log, detail=True)
    inst = engine.frame("SELECT case_id, activity, resource_id, start_us, end_us FROM steps")
    engine.close()
    inst = inst[inst.start_us.notna()].reset_index(drop=True)
    inst[["start_us", "end_us"]] = inst[["start_us", "end_us"]].astype("int64")
    cases = log.events["case"].cat.categories
    acts = log.events["activity"].cat.categories
    got_key = got.set_index(["case", "activity", "start_us"])
    rng = np.random.default_rng(7)
    checked = 0
    for i in rng.choice(len(inst), size=120, replace=False):
        want = _brute_force(inst, int(i), cal)
        key = (cases[inst.case_id[i]], acts[inst.activity[i]], int(inst.start_us[i]))
        if want["wait"] == 0 or key not in got_key.index:
            continue
        row = got_key.loc[key]
        row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
        assert row["wait_us"] == want["wait"]
        for c in CAUSES:
            assert row[f"{c}_us"] == want[c], (key, c)
        checked += 1
    assert checked > 40


def test_group_pools_and_json(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "pool.csv", "case,activity,resource,unit,start,end\n"
                 "c1,A,clerk,Một cửa,2025-03-03 07:00,2025-03-03 08:00\n"
                 "c1,B,r_a,Phòng A,2025-03-03 09:00,2025-03-03 10:00\n"
                 "c2,A,clerk2,Một cửa,2025-03-03 07:30,2025-03-03 08:30\n"
                 "c2,B,r_b,Phòng A,2025-03-03 10:00,2025-03-03 11:00\n")  # fmt: skip
    always = write(tmp_path, "always.toml", 'timezone = "UTC"\n[hours]\n' + "".join(
        f'{d} = ["00:00-24:00"]\n' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    ))  # fmt: skip
    base = ["causes", str(path), "-q", "--json", "--calendar", str(always), "--group", "unit",
            "--start-timestamp", "start", "--timestamp", "end"]  # fmt: skip
    people = runner.invoke(cli, [*base, "-o", str(tmp_path / "people")])
    pools = runner.invoke(cli, [*base, "-o", str(tmp_path / "pools"), "--group-pools"])
    assert people.exit_code == 0 and pools.exit_code == 0, people.output + pools.output
    by_person = {r["resource"]: r["causes"] for r in json.loads(people.output)["resources"]}
    by_pool = json.loads(pools.output)
    assert by_pool["resource_kind"] == "group"
    # r_b was idle while c2 waited; the unit was busy 09:00-10:00 with c1, ready earlier
    assert by_person["r_b"]["extraneous"] == 5400 and by_person["r_b"]["resource_contention"] == 0
    unit = {r["resource"]: r["causes"] for r in by_pool["resources"]}["Phòng A"]
    # as one pool, B is a sequential batch (c2 enabled 08:30, before c1 started at 09:00):
    # c1 waits 08:00-08:30 for c2 (creation) and 08:30-09:00 for the start (ready); c2 waits
    # 08:30-09:00 (ready), then 09:00-10:00 while the unit works on c1, ready earlier
    assert unit["resource_contention"] == 3600 and unit["batching"] == 3600 + 1800
    assert unit["extraneous"] == 0


def test_group_pools_need_a_group_column(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = _log(tmp_path, ["c1,A,r1,2025-03-03 08:00,2025-03-03 09:00"])
    args = ["causes", str(path), "-q", "--group-pools", "--start-timestamp", "start",
            "--timestamp", "end", "--group", ""]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 4 and "--group-pools needs a group" in result.output


def test_a_log_without_resources_is_refused(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = _log(tmp_path, ["c1,A,r1,2025-03-03 08:00,2025-03-03 09:00"])
    args = ["causes", str(path), "-q", "--start-timestamp", "start", "--timestamp", "end",
            "--resource", "", "-o", str(tmp_path / "out")]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 4 and "no resource column" in result.output
    assert "--resource COLUMN" in result.output and not (tmp_path / "out").exists()


def test_labels_of_a_log_without_resources() -> None:
    from bottleneck_finder.columns import LogColumns

    frame = pd.DataFrame(
        {"case": ["c1", "c1"], "activity": ["A", "B"],
         "start": ["2025-03-03 08:00", "2025-03-03 10:00"],
         "end": ["2025-03-03 09:00", "2025-03-03 11:00"]}
    )  # fmt: skip
    log = load_log(frame, LogColumns(case="case", activity="activity", start="start",
                                     timestamp="end", resource=""))  # fmt: skip
    result = attribute_causes(log)
    assert result.instances["extraneous_us"].sum() == 3600 * 10**6


def test_golden_terminal_and_json(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    runner,  # type: ignore[no-untyped-def]
) -> None:
    import os

    from .conftest import ROOT

    monkeypatch.chdir(tmp_path)
    rows = [r.format(k_start="2025-03-03 10:00") for r in MIXED]
    _log(tmp_path, rows, "mixed.csv")
    write(tmp_path, "mornings.toml", 'name = "mornings"\ntimezone = "UTC"\n[hours]\n' + "".join(
        f'{d} = ["08:00-12:00"]\n' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    ))  # fmt: skip
    args = ["causes", "mixed.csv", "-o", "out", "-q", "--calendar", "mornings.toml",
            "--start-timestamp", "start", "--timestamp", "end"]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    got = {
        "mixed.txt": result.output,
        "mixed.json": (tmp_path / "out" / "causes.json").read_text(encoding="utf-8"),
    }
    got["mixed.json"] = "\n".join(
        line for line in got["mixed.json"].splitlines() if '"generator"' not in line
    )
    for name, text in got.items():
        golden = ROOT / "tests" / "golden" / "causes" / name
        if os.environ.get("UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert text == golden.read_text(encoding="utf-8"), name


def test_small_pair_chunks_give_the_same_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bottleneck_finder.analysis.causes as causes_module

    path = tmp_path / "contention.csv"
    simulate_planted_cause("contention", dossiers=60).to_csv(path, index=False)
    log = load_log(path, COLUMNS)
    whole = attribute_causes(log).instances
    monkeypatch.setattr(causes_module, "PAIR_CHUNK", 5)
    chunked = attribute_causes(log).instances
    pd.testing.assert_frame_equal(whole, chunked)
    assert whole["resource_contention_us"].sum() > 0


def test_enabled_times_zero_durations() -> None:
    from bottleneck_finder.analysis.causes import enabled_times

    # case 0: A 0-10, B instant at 10 (zero duration), C starts at 10; case 1: D 0-5, E 7-9
    case = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    start = np.array([0, 10, 10, 0, 7], dtype=np.int64)
    end = np.array([10, 10, 12, 5, 9], dtype=np.int64)
    has = np.ones(5, dtype=bool)
    got = enabled_times(case, start, end, has)
    # B is enabled by A (not by itself); C by A or B (both end at 10); D none; E by D
    assert got[0] == -1 and got[1] == 0 and got[2] in (0, 1) and got[3] == -1 and got[4] == 3
    has[4] = False  # without a start, no enablement is looked for
    assert enabled_times(case, start, end, has)[4] == -1


def test_learned_calendar_slots() -> None:
    from bottleneck_finder.analysis.causes import learned_calendar

    frame = simulate_planted_cause("unavailability")
    signing = frame[frame["activity"] == SIGN]
    times = pd.to_datetime(pd.concat([signing["start"], signing["end"]]), utc=True)
    micros = times.dt.as_unit("us").astype("int64").to_numpy()
    cal = learned_calendar("officer", "UTC", micros, 0.1)

    # seen starting and ending 13:00-17:00 on Tuesdays and Thursdays (an end at 17:00 sharp
    # falls in the 17:00 slot): nothing else
    def hours(weekly: tuple[tuple[tuple[int, int], ...], ...]) -> set[tuple[int, int]]:
        return {
            (d, h)
            for d, spans in enumerate(weekly)
            for a, b in spans
            for h in range(a // 60, b // 60)
        }

    core = {(d, h) for d in (1, 3) for h in range(13, 17)}
    assert core <= hours(cal.weekly) <= core | {(1, 17), (3, 17)}
    # in Ho Chi Minh City time the same instants are 7 hours later: 20:00 to 01:00
    shifted = learned_calendar("officer", "Asia/Ho_Chi_Minh", micros, 0.1)
    late = {(d, (h + 7) % 24) if h + 7 < 24 else (d + 1, h + 7 - 24) for d, h in core}
    assert late <= hours(shifted.weekly) <= late | {(2, 0), (4, 0)}


def test_learned_calendar_leaves_working_hours_extraneous(tmp_path: Path) -> None:
    # r2 works Mondays 09:00-12:00 week after week; in the last week c9 waits 09:00-10:00
    # inside those hours while r2 is idle: extraneous, not unavailability
    rows = []
    for week in range(4):
        day = f"2025-03-{3 + 7 * week:02d}"
        rows += [f"w{week},A,r1,{day} 08:00,{day} 09:00", f"w{week},B,r2,{day} 09:00,{day} 12:00"]
    rows += [
        "c9,A,r1,2025-03-31 08:00,2025-03-31 09:00",
        "c9,B,r2,2025-03-31 10:00,2025-03-31 11:00",
    ]
    frame = _breakdown(_log(tmp_path, rows), None)
    assert _seconds(frame, "c9") == {"extraneous": 3600}


def test_dominant_and_compare(tmp_path: Path) -> None:
    from bottleneck_finder.analysis.causes import compare_causes, dominant_causes

    rows = [r.format(k_start="2025-03-03 10:00") for r in MIXED]
    mixed = attribute_causes(load_log(_log(tmp_path, rows), COLUMNS), CauseOptions(MORNINGS))
    dom = dominant_causes(mixed.transitions)
    assert dom.to_dict(orient="records") == [
        {"source": "X", "target": "S", "cause": "extraneous", "share": 23400 / 59400}
    ]
    alone = _log(tmp_path, ["c1,X,r1,2025-03-03 08:00,2025-03-03 09:00",
                            "c1,S,r,2025-03-03 10:00,2025-03-03 11:00"], "alone.csv")  # fmt: skip
    later = attribute_causes(load_log(alone, COLUMNS), CauseOptions(ALWAYS))
    table = compare_causes(mixed, later).set_index("activity")
    assert table.loc["S", "extraneous_per_case_s_before"] == 23400 / 4
    assert table.loc["S", "extraneous_per_case_s_after"] == 3600
    assert table.loc["S", "extraneous_per_case_s_change"] == 3600 - 23400 / 4
    assert table.loc["S", "resource_contention_per_case_s_change"] == -7200 / 4
    assert table.loc["S", "wait_per_case_s_before"] == 59400 / 4
    assert table.loc["S", "dominant_before"] == "extraneous"
    assert table.loc["S", "dominant_after"] == "extraneous"
