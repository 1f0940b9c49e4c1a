"""Batches as Martin et al. find them and the batching wait of Lashkevich et al., by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bottleneck_finder.analysis.causes import CAUSES, CauseOptions, attribute_causes
from bottleneck_finder.api import load_log
from bottleneck_finder.calendar import WorkCalendar
from bottleneck_finder.cli import cli
from bottleneck_finder.columns import LogColumns
from tools.simulate import simulate_one_stop_shop

from .conftest import write

COLUMNS = LogColumns(
    case="case", activity="activity", resource="resource", start="start", timestamp="end"
)
ALWAYS = WorkCalendar(name="always", tz="UTC", weekly=(((0, 1440),),) * 7)  # type: ignore[arg-type]
H = 3600

# Every case is enabled by an X of its own clerk, so only the batched step waits.
ROWS = [
    # parallel: P by p, all three 12:00-12:30; enabled 08:00, 09:00, 10:00
    "a1,X,x1,2025-03-03 07:00,2025-03-03 08:00",
    "a1,P,p,2025-03-03 12:00,2025-03-03 12:30",
    "a2,X,x2,2025-03-03 07:00,2025-03-03 09:00",
    "a2,P,p,2025-03-03 12:00,2025-03-03 12:30",
    "a3,X,x3,2025-03-03 07:00,2025-03-03 10:00",
    "a3,P,p,2025-03-03 12:00,2025-03-03 12:30",
    # sequential: S by s back to back from 14:00; enabled 08:00, 08:30, 09:00; b4 arrives at
    # 14:05, after the run began, and is taken on at 14:30 without a break: not in the batch
    "b1,X,x4,2025-03-03 07:00,2025-03-03 08:00",
    "b1,S,s,2025-03-03 14:00,2025-03-03 14:10",
    "b2,X,x5,2025-03-03 07:00,2025-03-03 08:30",
    "b2,S,s,2025-03-03 14:10,2025-03-03 14:20",
    "b3,X,x6,2025-03-03 07:00,2025-03-03 09:00",
    "b3,S,s,2025-03-03 14:20,2025-03-03 14:30",
    "b4,X,x7,2025-03-03 14:00,2025-03-03 14:05",
    "b4,S,s,2025-03-03 14:30,2025-03-03 14:40",
    # concurrent: C by c, d1 16:00-17:00 and d2 16:15-16:45 overlap; enabled 07:00, 07:40
    "d1,X,x8,2025-03-03 06:00,2025-03-03 07:00",
    "d1,C,c,2025-03-03 16:00,2025-03-03 17:00",
    "d2,X,x9,2025-03-03 06:00,2025-03-03 07:40",
    "d2,C,c,2025-03-03 16:15,2025-03-03 16:45",
]


def _log(tmp_path: Path, rows: list[str]) -> Path:
    return write(tmp_path, "batches.csv", "case,activity,resource,start,end\n" + "\n".join(rows))


def _frame(tmp_path: Path, rows: list[str] = ROWS, **options: float) -> pd.DataFrame:
    result = attribute_causes(
        load_log(_log(tmp_path, rows), COLUMNS), CauseOptions(ALWAYS, **options)
    )  # type: ignore[arg-type]
    inst = result.instances
    assert (sum(inst[f"{c}_us"] for c in CAUSES) == inst["wait_us"]).all()
    split = inst["batching_creation_us"] + inst["batching_ready_us"]
    assert (split == inst["batching_us"]).all()
    return inst.set_index("case")


def _row(frame: pd.DataFrame, case: str) -> dict[str, object]:
    r = frame.loc[case]
    out: dict[str, object] = {c: r[f"{c}_us"] / 1e6 for c in CAUSES if r[f"{c}_us"]}
    out["creation"] = r["batching_creation_us"] / 1e6
    out["ready"] = r["batching_ready_us"] / 1e6
    out["type"] = None if pd.isna(r["batch_type"]) else r["batch_type"]
    return out


def test_parallel_sequential_concurrent_by_hand(tmp_path: Path) -> None:
    f = _frame(tmp_path)
    # parallel: last member enabled 10:00, batch starts 12:00
    assert _row(f, "a1") == {
        "batching": 4 * H,
        "creation": 2 * H,
        "ready": 2 * H,
        "type": "parallel",
    }
    assert _row(f, "a2") == {
        "batching": 3 * H,
        "creation": 1 * H,
        "ready": 2 * H,
        "type": "parallel",
    }
    assert _row(f, "a3") == {"batching": 2 * H, "creation": 0, "ready": 2 * H, "type": "parallel"}
    # sequential: last member enabled 09:00, batch starts 14:00; after that, b2 and b3 wait
    # while s works on the earlier members (enabled before them: contention)
    assert _row(f, "b1") == {
        "batching": 6 * H,
        "creation": 1 * H,
        "ready": 5 * H,
        "type": "sequential",
    }
    assert _row(f, "b2") == {
        "batching": 5.5 * H, "resource_contention": 600, "creation": 0.5 * H, "ready": 5 * H,
        "type": "sequential",
    }  # fmt: skip
    assert _row(f, "b3") == {
        "batching": 5 * H, "resource_contention": 1200, "creation": 0, "ready": 5 * H,
        "type": "sequential",
    }  # fmt: skip
    # b4 waits 14:05-14:30 for s, busy with work that was ready before it
    assert _row(f, "b4") == {"resource_contention": 1500, "creation": 0, "ready": 0, "type": None}
    # concurrent: last member enabled 07:40, batch starts 16:00; d2 then waits 16:00-16:15
    # while c works on d1 (enabled earlier)
    assert _row(f, "d1") == {
        "batching": 9 * H,
        "creation": 40 * 60,
        "ready": 8 * H + 20 * 60,
        "type": "concurrent",
    }
    assert _row(f, "d2") == {
        "batching": 8 * H + 20 * 60, "resource_contention": 900, "creation": 0,
        "ready": 8 * H + 20 * 60, "type": "concurrent",
    }  # fmt: skip
    assert f.loc[["a1", "a2", "a3"], "batch"].nunique() == 1
    assert f.loc[["b1", "b2", "b3"], "batch"].nunique() == 1
    assert len({f.loc["a1", "batch"], f.loc["b1", "batch"], f.loc["d1", "batch"]}) == 3


def test_minimum_size_and_gap(tmp_path: Path) -> None:
    # two dossiers signed one after the other with 5 minutes between them
    rows = [
        "e1,X,x1,2025-03-03 07:00,2025-03-03 08:00",
        "e1,S,s,2025-03-03 10:00,2025-03-03 10:10",
        "e2,X,x2,2025-03-03 07:00,2025-03-03 09:00",
        "e2,S,s,2025-03-03 10:15,2025-03-03 10:25",
    ]
    assert _frame(tmp_path, rows)["batching_us"].sum() == 0  # 5 min > the default gap 0
    f = _frame(tmp_path, rows, batch_gap_s=300)  # within a 5-minute gap: a batch
    assert _row(f, "e1") == {"batching": 2 * H, "creation": H, "ready": H, "type": "sequential"}
    # e2: ready 09:00-10:00, then 10:00-10:10 on e1, and 10:10-10:15 idle
    assert _row(f, "e2") == {
        "batching": H, "resource_contention": 600, "extraneous": 300, "creation": 0,
        "ready": H, "type": "sequential",
    }  # fmt: skip
    f3 = _frame(tmp_path, ROWS, batch_min_size=3)
    assert f3.loc[["d1", "d2"], "batching_us"].sum() == 0  # only two members
    assert f3.loc["a1", "batch_type"] == "parallel"


def test_batches_in_json_and_terminal(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = _log(tmp_path, ROWS)
    cal = write(tmp_path, "always.toml", 'timezone = "UTC"\n[hours]\n' + "".join(
        f'{d} = ["00:00-24:00"]\n' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    ))  # fmt: skip
    args = ["causes", str(path), "-o", str(tmp_path / "out"), "-q", "--calendar", str(cal),
            "--start-timestamp", "start", "--timestamp", "end"]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "causes.json").read_text(encoding="utf-8"))
    by = {(b["activity"], b["resource"]): b for b in doc["batches"]}
    assert by[("P", "p")]["type"] == "parallel" and by[("P", "p")]["size"]["median"] == 3
    assert by[("P", "p")]["batching_creation_s"] == 3 * H  # 2 h + 1 h + 0
    assert by[("P", "p")]["batching_ready_s"] == 6 * H  # 2 h each
    seq = by[("S", "s")]
    assert (seq["instances"], seq["instances_in_batches"], seq["batches"]) == (4, 3, 1)
    assert seq["batching_s"] == 16.5 * H and seq["batching_per_instance_s"] == 5.5 * H
    assert by[("C", "c")]["type"] == "concurrent" and by[("C", "c")]["firing"] is None
    assert [b["activity"] for b in doc["batches"]] == ["C", "S", "P"]  # by batching wait
    acts = {a["activity"]: a for a in doc["activities"]}
    assert acts["S"]["batching_creation_s"] == 1.5 * H and acts["S"]["batching_ready_s"] == 15 * H
    assert (
        "C runs in batches (median 2 dossiers, c): dossiers wait 8.7 h on average" in result.output
    )
    vi = runner.invoke(cli, [*args, "--lang", "vi"])
    assert (
        "C được xử lý theo đợt (trung vị 2 hồ sơ một đợt, c): hồ sơ chờ gom theo đợt" in vi.output
    )
    assert "chờ gom theo đợt 9,5 h" in vi.output or "chờ gom theo đợt" in vi.output


@pytest.fixture(scope="module")
def weekly_sync(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A held-out rollout log: the portal sync runs every Friday from 15:00, one dossier after
    another (not one of the sample logs)."""
    frame = simulate_one_stop_shop(
        "after", dossiers=400, seed=11, sync="friday-afternoon-sequential"
    )
    path = tmp_path_factory.mktemp("held_out") / "weekly_sync.csv"
    frame.to_csv(path, index=False)
    return path


SYNC = "Đồng bộ Cổng DVC quốc gia"
SYNC_COLUMNS = LogColumns(
    case="ma_ho_so", activity="buoc", resource="can_bo", start="thoi_gian_bat_dau",
    timestamp="thoi_gian_ket_thuc",
)  # fmt: skip


def test_weekly_sequential_batch_ranks_first(weekly_sync: Path, runner) -> None:  # type: ignore[no-untyped-def]
    result = attribute_causes(load_log(weekly_sync, SYNC_COLUMNS))  # calendars learned
    acts = result.activities.set_index("activity")
    shares = {c: acts.loc[SYNC, f"{c}_share"] for c in CAUSES}
    assert max(shares, key=lambda c: shares[c]) == "batching", shares
    batches = result.batches.set_index("activity")
    row = batches.loc[SYNC]
    assert row["type"] == "sequential"
    assert (row["firing"], row["firing_weekdays"], row["firing_hour"]) == ("weekly", "4", 15)
    # the leader's token sessions: Tuesday and Thursday afternoons
    esign = batches.loc["Ký số phê duyệt"]
    assert (esign["firing"], esign["firing_weekdays"], esign["firing_hour"]) == ("days", "1,3", 13)
    # nearly every sync dossier is in a batch (a week with one dossier has none), and then
    # its batching wait is its whole wait up to the batch's 15:00 start
    sync = result.instances[result.instances["activity"] == SYNC]
    inside = sync[sync["batch"].notna()]
    assert len(inside) >= 0.95 * len(sync), sync["batch"].isna().sum()
    first = inside.groupby("batch")["start_us"].transform("min")
    assert (inside["batching_us"] == first - inside["enabled_us"]).all()
    out = runner.invoke(cli, ["causes", str(weekly_sync), "-o", str(weekly_sync.parent / "o")])
    assert out.exit_code == 0, out.output
    assert f"{SYNC} runs in weekly batches (Fridays 15:00, median " in out.output
    assert "Ký số phê duyệt runs in batches on set days (Tuesdays and Thursdays 13:00" in out.output
