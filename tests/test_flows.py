"""Variants, rework and hand-offs: a hand-computed log, pm4py's variants and plain pandas."""

from __future__ import annotations

import contextlib
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bottleneck_finder.analysis.flows import flows, is_data_entry, is_re_entry
from bottleneck_finder.api import load_log

from .conftest import EVENT_LOGS, RECEIPT, write

# Units U1 (reception) and U2 (specialists). c2 repeats "Nhập liệu" right away (a self-loop),
# c3 goes back: Nhập liệu → Thẩm định → Nhập liệu → Thẩm định (two back-loops).
FLOWS = """case,activity,start_timestamp,timestamp,resource,group
c1,Tiếp nhận,2025-01-06 08:00,2025-01-06 08:10,r1,U1
c1,Nhập liệu,2025-01-06 08:30,2025-01-06 09:00,r2,U2
c1,Thẩm định,2025-01-06 10:00,2025-01-06 10:30,r2,U2
c2,Tiếp nhận,2025-01-06 08:00,2025-01-06 08:20,r1,U1
c2,Nhập liệu,2025-01-06 09:20,2025-01-06 09:30,r2,U2
c2,Nhập liệu,2025-01-06 09:40,2025-01-06 10:00,r3,U2
c2,Thẩm định,2025-01-06 11:00,2025-01-06 11:30,r2,U2
c3,Tiếp nhận,2025-01-06 08:00,2025-01-06 08:10,r1,U1
c3,Nhập liệu,2025-01-06 08:40,2025-01-06 09:00,r2,U2
c3,Thẩm định,2025-01-06 09:30,2025-01-06 09:40,r2,U2
c3,Nhập liệu,2025-01-06 10:40,2025-01-06 11:00,r2,U2
c3,Thẩm định,2025-01-06 12:00,2025-01-06 12:30,r2,U2
c4,Tiếp nhận,2025-01-06 08:00,2025-01-06 08:10,r1,U1
c4,Nhập liệu,2025-01-06 09:10,2025-01-06 09:30,r2,U2
c4,Thẩm định,2025-01-06 10:30,2025-01-06 11:10,r3,U2
"""
MIN = 60.0
A, B, C = "Tiếp nhận", "Nhập liệu", "Thẩm định"


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> tuple:  # type: ignore[type-arg]
    path = write(tmp_path_factory.mktemp("flows"), "flows.csv", FLOWS)
    return flows(load_log(path), top=None)


def test_variants_hand_computed(hand: tuple) -> None:  # type: ignore[type-arg]
    v = hand[0]
    assert v.count == 3 and v.cases == 4
    t = v.table
    assert [tuple(a) for a in t["activities"]] == [(A, B, C), (A, B, B, C), (A, B, C, B, C)]
    assert t["cases"].tolist() == [2, 1, 1]
    assert t["share"].tolist() == [0.5, 0.25, 0.25]
    # c1 08:00-10:30 (150 min), c4 08:00-11:10 (190 min): median 170 min, p90 150 + 0.9 * 40
    assert t["duration_median_s"].tolist() == [170 * MIN, 210 * MIN, 270 * MIN]
    assert t["duration_p90_s"].iloc[0] == pytest.approx(186 * MIN)
    assert t["slower_than_most_common_s"].tolist() == [0.0, 40 * MIN, 100 * MIN]
    assert t["slower_ratio"].iloc[1] == pytest.approx(210 / 170)


def test_variants_top_limits_the_list_not_the_count(tmp_path: Path) -> None:
    v, _, _ = flows(load_log(write(tmp_path, "f.csv", FLOWS)), top=1)
    assert v.count == 3 and len(v.table) == 1 and v.table["cases"].iloc[0] == 2


def test_rework_hand_computed(hand: tuple) -> None:  # type: ignore[type-arg]
    r = hand[1]
    assert (r.cases, r.cases_affected, r.share_of_cases) == (4, 2, 0.5)
    assert (r.repeats, r.self_loops, r.back_loops) == (3, 1, 2)
    # inside loops: c2 the second Nhập liệu (wait 10, work 20); c3 steps 3-5 (waits 30+60+60,
    # work 10+20+30)
    assert r.added_wait_total_s == 160 * MIN
    assert r.added_work_total_s == 80 * MIN
    rows = {row["activity"]: row for row in r.table.to_dict(orient="records")}
    assert list(r.table["activity"]) == [C, B]  # by added waiting
    c = rows[C]
    assert (c["kind"], c["data_entry"], c["cases"], c["repeats"]) == ("loop", False, 1, 1)
    assert (c["self_loops"], c["back_loops"]) == (0, 1)
    assert c["added_wait_total_s"] == 120 * MIN
    assert c["added_work_total_s"] == 50 * MIN
    assert c["added_elapsed_total_s"] == 170 * MIN
    b = rows[B]
    assert (b["kind"], b["data_entry"], b["cases"], b["repeats"]) == ("loop", True, 2, 2)
    assert (b["self_loops"], b["back_loops"]) == (1, 1)
    assert b["added_wait_total_s"] == 100 * MIN
    assert b["added_work_total_s"] == 50 * MIN
    assert b["added_elapsed_total_s"] == 150 * MIN


def test_handoffs_hand_computed(hand: tuple) -> None:  # type: ignore[type-arg]
    h = hand[2]
    assert h.level == "group"
    s = {row["kind"]: row for row in h.summary.to_dict(orient="records")}
    assert (s["all"]["count"], s["all"]["wait_median_s"], s["all"]["wait_total_s"]) == (
        11,
        60 * MIN,
        510 * MIN,
    )
    assert (s["resource change"]["count"], s["resource change"]["wait_total_s"]) == (7, 300 * MIN)
    assert s["resource change"]["wait_median_s"] == 60 * MIN
    assert (s["unit change"]["count"], s["unit change"]["wait_median_s"]) == (4, 45 * MIN)
    assert s["unit change"]["wait_total_s"] == 170 * MIN
    assert s["unit change"]["share_of_wait"] == pytest.approx(170 / 510)
    assert (s["within unit"]["count"], s["within unit"]["wait_median_s"]) == (7, 60 * MIN)
    assert s["within unit"]["wait_total_s"] == 340 * MIN
    assert s["unknown"]["count"] == 0
    p = h.pairs
    assert p[["from_group", "to_group", "count", "handoff"]].values.tolist() == [
        ["U2", "U2", 7, False],
        ["U1", "U2", 4, True],
    ]
    assert p["wait_median_s"].tolist() == [60 * MIN, 45 * MIN]
    assert p["wait_total_s"].tolist() == [340 * MIN, 170 * MIN]


def test_handoffs_fall_back_to_resources_and_to_none(tmp_path: Path) -> None:
    no_group = "\n".join(",".join(line.split(",")[:5]) for line in FLOWS.splitlines()) + "\n"
    h = flows(load_log(write(tmp_path, "r.csv", no_group)))[2]
    assert h.level == "resource"
    p = h.pairs.set_index(["from_group", "to_group"])
    assert p.loc[("r1", "r2"), "count"] == 4 and bool(p.loc[("r2", "r2"), "handoff"]) is False
    bare = "\n".join(",".join(line.split(",")[:4]) for line in FLOWS.splitlines()) + "\n"
    h = flows(load_log(write(tmp_path, "b.csv", bare)))[2]
    assert h.level == "none" and len(h.pairs) == 0
    assert h.summary.set_index("kind").loc["unknown", "count"] == 11


def test_data_entry_words() -> None:
    assert is_data_entry("Nhập liệu") and not is_re_entry("Nhập liệu")
    assert is_re_entry("Nhập liệu lại") and is_re_entry("Re-enter application data")
    assert is_data_entry("Register request") and is_data_entry("NHẬP LIỆU")
    assert not is_data_entry("Tiếp nhận hồ sơ") and not is_data_entry("Thẩm định hồ sơ")
    assert not is_re_entry("Thẩm định lại")  # done again, but not data entry
    assert not is_data_entry("Entrypoint check")  # whole words only


def test_variant_counts_equal_pm4py_on_receipt() -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        import pm4py

    v = flows(load_log(RECEIPT), top=None)[0]
    frame = pm4py.read_xes(str(RECEIPT))
    theirs = pm4py.get_variants(frame.copy())
    ours = {tuple(a): int(c) for a, c in zip(v.table["activities"], v.table["cases"], strict=True)}
    assert v.count == len(theirs)
    assert ours == {tuple(k): int(n) for k, n in theirs.items()}


def test_one_stop_shop_after_against_pandas() -> None:
    log = load_log(EVENT_LOGS / "one_stop_shop_after.csv")
    v, r, h = flows(log, top=5)
    raw = pd.read_csv(EVENT_LOGS / "one_stop_shop_after.csv")
    raw = raw.sort_values(["ma_ho_so", "thoi_gian_ket_thuc", "thoi_gian_bat_dau"], kind="stable")
    paths = raw.groupby("ma_ho_so", sort=False)["buoc"].agg(tuple)
    assert v.count == paths.nunique()
    assert v.table["cases"].tolist() == paths.value_counts().head(5).tolist()
    per = raw.groupby(["ma_ho_so", "buoc"]).size()
    repeated = per[per > 1]
    rows: Any = r.table.set_index("activity")
    for activity, group in repeated.groupby(level="buoc"):
        assert rows.loc[str(activity), "cases"] == len(group)
        assert rows.loc[str(activity), "repeats"] == int((group - 1).sum())
    assert r.cases_affected == repeated.index.get_level_values("ma_ho_so").nunique()
    retype = rows.loc["Nhập liệu lại"]
    assert retype["kind"] == "re-entry" and bool(retype["data_entry"])
    assert retype["cases"] == raw.loc[raw["buoc"] == "Nhập liệu lại", "ma_ho_so"].nunique()
    # unit-to-unit counts from a plain shift of the unit column
    prev = raw.groupby("ma_ho_so")["don_vi"].shift()
    pairs: dict[Any, int] = dict(
        pd.DataFrame({"f": prev, "t": raw["don_vi"]}).dropna().value_counts().items()
    )
    got = h.pairs.set_index(["from_group", "to_group"])["count"]
    assert {k: int(n) for k, n in got.items()} == {k: int(n) for k, n in pairs.items()}
    summary: Any = h.summary.set_index("kind")
    assert summary.loc["unit change", "count"] == sum(n for k, n in pairs.items() if k[0] != k[1])
    assert not math.isnan(summary.loc["within unit", "wait_median_s"])
