"""Working calendars, legal deadlines and waiting causes wired into `analyze` and `compare`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.causes import CAUSES, attribute_causes
from bottleneck_finder.analysis.compare import compare_split
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.render.compare_sentences import finding_sentence
from bottleneck_finder.render.graph import CAUSE_COLORS, NO_CAUSE_COLOR

GOLDEN = Path(__file__).parent / "golden"
ROLLOUT = Path(__file__).parent.parent / "event_logs" / "one_stop_shop_rollout.csv"
H = 3600.0

# March 2025 has no Vietnamese public holiday; 03-07 and 03-14 are Fridays, 03-08 a Saturday.
WEEKEND = """case,activity,start,end
c1,A,2025-03-07 15:00+07:00,2025-03-07 16:00+07:00
c1,B,2025-03-10 09:00+07:00,2025-03-10 10:00+07:00
c2,A,2025-03-12 10:00+07:00,2025-03-12 11:00+07:00
c2,B,2025-03-12 13:30+07:00,2025-03-12 14:00+07:00
"""
COLS = ["--case", "case", "--activity", "activity", "--timestamp", "end"]
COLS += ["--start-timestamp", "start"]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _analyze(tmp_path: Path, log: Path, *extra: str) -> tuple[dict[str, Any], str]:
    out = tmp_path / "out"
    r = CliRunner().invoke(
        cli, ["analyze", str(log), *COLS, "-o", str(out), "--format", "dot", *extra]
    )
    assert r.exit_code == 0, r.output
    return json.loads((out / "analysis.json").read_text("utf-8")), r.output


def test_weekend_and_lunch_are_not_waiting_in_working_time(tmp_path: Path) -> None:
    log = _write(tmp_path, "w.csv", WEEKEND)
    doc, text = _analyze(tmp_path, log, "--calendar", "vn")
    assert doc["time_basis"] == "working:vn"
    (ab,) = doc["transitions"]
    # c1: Fri 16:00-17:00 and Mon 07:30-09:00 = 2.5 h; c2: 11:00-11:30 and 13:00-13:30 = 1 h
    assert ab["wait_total_s"] == 2.5 * H + 1 * H
    assert ab["wait_median_s"] == (2.5 * H + 1 * H) / 2
    # c1: Fri 15:00-17:00 + Mon 07:30-10:00 = 4.5 h; c2: 10:00-11:30 + 13:00-14:00 = 2.5 h
    assert doc["cases"]["duration_max_s"] == 4.5 * H
    assert doc["cases"]["duration_median_s"] == (4.5 * H + 2.5 * H) / 2
    # dates stay real: the last event is Wednesday 14:00, not a clock reading
    assert doc["log"]["first_event"] == "2025-03-07T15:00:00+07:00"
    assert doc["log"]["last_event"] == "2025-03-12T14:00:00+07:00"
    assert "Durations are working days (wd), Vietnamese calendar (1 wd = 8 working hours;" in text

    wall, text = _analyze(tmp_path, log)
    assert wall["time_basis"] == "wall_clock" and "working time" not in text
    assert wall["transitions"][0]["wait_total_s"] == 65 * H + 2.5 * H
    assert wall["log"] == doc["log"]


def test_working_durations_are_told_in_working_days(tmp_path: Path) -> None:
    # Mon 08:30 -> Wed 16:30: Mon 7 h + Tue 8 h + Wed 7.5 h = 22.5 working hours = 2.8 wd (of 8 h)
    log = _write(tmp_path, "log.csv", "case,activity,start,end\n"
                 "c1,A,2025-03-03 07:30+07:00,2025-03-03 08:30+07:00\n"
                 "c1,B,2025-03-05 16:30+07:00,2025-03-05 16:45+07:00\n")  # fmt: skip
    doc, text = _analyze(tmp_path, log, "--calendar", "vn", "--no-flows")
    assert doc["transitions"][0]["wait_total_s"] == 22.5 * H
    assert "A → B" in text and "2.8 wd" in text and " d " not in text.replace(" wd", "")
    wall, text = _analyze(tmp_path, log, "--no-flows")
    assert wall["transitions"][0]["wait_total_s"] == 56 * H
    assert "2.3 d" in text and "wd" not in text


def test_toml_calendar_and_failing_fast(tmp_path: Path) -> None:
    log = _write(tmp_path, "w.csv", WEEKEND)
    office = _write(
        tmp_path,
        "office.toml",
        'name = "nine-to-five"\ntimezone = "Asia/Ho_Chi_Minh"\n[hours]\n'
        + "".join(f'{d} = ["09:00-17:00"]\n' for d in ("mon", "tue", "wed", "thu", "fri")),
    )
    doc, _ = _analyze(tmp_path, log, "--calendar", str(office))
    assert doc["time_basis"] == "working:nine-to-five"
    # c1: Fri 16:00-17:00 (1 h), Mon 09:00 (0); c2: 11:00-13:30 (2.5 h, no lunch break)
    assert doc["transitions"][0]["wait_total_s"] == 1 * H + 2.5 * H

    bad = _write(tmp_path, "bad.toml", 'timezone = "UTC"\n[hours]\nmon = ["8-12"]\n')
    runner = CliRunner()
    for command in ("analyze", "compare"):
        # the calendar is read before the log: a missing log is not what is reported
        args = [command, str(tmp_path / "missing.csv"), "--calendar", str(bad)]
        if command == "compare":
            args += ["--split", "2025-03-10"]
        r = runner.invoke(cli, args)
        assert r.exit_code == 2 and "bad.toml: hours.mon: '8-12'" in r.output, r.output
        r = runner.invoke(cli, [*args[:2], "--deadline", "15wd", *args[4:]])
        assert r.exit_code == 2 and "no calendar is given" in r.output
        assert "Traceback" not in r.output
    assert not (tmp_path / "reports").exists()


# Split on Monday 2025-03-10: b2 starts and ends on the Saturday before it.
SPLIT = """case,activity,start,end
b1,A,2025-03-05 10:00+07:00,2025-03-05 11:00+07:00
b1,B,2025-03-05 13:30+07:00,2025-03-05 14:00+07:00
b2,A,2025-03-08 09:00+07:00,2025-03-08 10:00+07:00
b2,B,2025-03-08 11:00+07:00,2025-03-08 11:30+07:00
b3,A,2025-03-06 16:00+07:00,2025-03-06 16:30+07:00
b3,B,2025-03-07 08:00+07:00,2025-03-07 08:30+07:00
a1,A,2025-03-14 15:00+07:00,2025-03-14 16:00+07:00
a1,B,2025-03-17 09:00+07:00,2025-03-17 10:00+07:00
a2,A,2025-03-11 10:00+07:00,2025-03-11 11:00+07:00
a2,B,2025-03-11 13:30+07:00,2025-03-11 14:00+07:00
a3,A,2025-03-12 09:00+07:00,2025-03-12 09:30+07:00
a3,B,2025-03-12 10:00+07:00,2025-03-12 10:30+07:00
"""


def _compare(tmp_path: Path, *extra: str) -> tuple[dict[str, Any], str]:
    log = _write(tmp_path, "split.csv", SPLIT)
    out = tmp_path / ("o" + str(len(list(tmp_path.iterdir()))))
    args = ["compare", str(log), *COLS, "--split", "2025-03-10", "--min-count", "2"]
    r = CliRunner().invoke(cli, [*args, "-o", str(out), "--format", "dot", *extra])
    assert r.exit_code == 0, r.output
    return json.loads((out / "comparison.json").read_text("utf-8")), r.output


def test_compare_in_working_time_splits_at_the_real_date(tmp_path: Path) -> None:
    doc, text = _compare(tmp_path, "--calendar", "vn", "-q")
    wall, wall_text = _compare(tmp_path, "-q")
    assert doc["time_basis"] == "working:vn" and wall["time_basis"] == "wall_clock"
    assert "durations are working time (calendar vn; 1 wd = one working day)" in text
    assert "working time" not in wall_text
    # the Saturday case is before the Monday split, by its real date; nothing straddles
    assert doc["before"]["cases"] == 3 and doc["after"]["cases"] == 3
    assert doc["split"]["straddling_cases"] == 0
    assert doc["before"]["last_event"] == "2025-03-08T11:30:00+07:00"
    assert doc["after"]["last_event"] == "2025-03-17T10:00:00+07:00"
    for key in ("before", "after", "split", "demand"):
        # dates and weekly demand do not depend on the clock (the map's waiting seconds do)
        assert {k: v for k, v in doc[key].items() if k != "map"} == {
            k: v for k, v in wall[key].items() if k != "map"
        }
    (ab,) = doc["transitions"]
    # working waits: before b1 1 h (lunch), b2 0 (Saturday), b3 1 h (night); after a1 2.5 h
    # (weekend), a2 1 h, a3 0.5 h
    assert ab["before_wait_median_s"] == 1 * H and ab["after_wait_median_s"] == 1 * H
    assert ab["before_wait_mean_s"] == pytest.approx(2 * H / 3)
    assert ab["after_wait_mean_s"] == pytest.approx(4 * H / 3)
    assert ab["added_wait_per_case_s"] == pytest.approx(4 * H / 3 - 2 * H / 3)
    (wall_ab,) = wall["transitions"]
    assert wall_ab["after_wait_mean_s"] == pytest.approx((65 + 2.5 + 0.5) * H / 3)
    # throughput: before 2.5 h, 0, 2 h; after 4.5 h, 2.5 h, 1.5 h
    assert doc["cases"]["before_median_s"] == 2 * H
    assert doc["cases"]["after_median_s"] == 2.5 * H


def test_compare_working_deadline(tmp_path: Path) -> None:
    # 4 working hours: only a1 (Fri 15:00 + 4 wh = Mon 09:30, done 10:00) is late
    doc, text = _compare(tmp_path, "--calendar", "vn", "--deadline", "4wh")
    k = doc["cases"]
    assert k["deadline"] == "4wh" and k["deadline_s"] is None
    assert k["before_over_deadline_share"] == 0.0
    assert k["after_over_deadline_share"] == pytest.approx(1 / 3)
    assert "cases over the 4wh deadline: 0.0% → 33.3%" in text
    # 4 hours of real time: b3 (16.5 h) and a1 (67 h) are late; b1 takes exactly 4 h
    doc, _ = _compare(tmp_path, "--deadline", "4h", "-q")
    k = doc["cases"]
    assert k["deadline"] == "4h" and k["deadline_s"] == 4 * H
    assert k["before_over_deadline_share"] == pytest.approx(1 / 3)
    assert k["after_over_deadline_share"] == pytest.approx(1 / 3)


# Deadlines: d1, d2 procedure P; d3, d4 procedure Q. 2wd = end of the 2nd working day after
# the submission day: d1 due Wed 03-05 (done Wed, on time), d2 due Mon 03-10 (done Tue: 1
# working day late), d3 due Tue 03-11 (done Sat 03-08), d4 due Wed 03-12 (done Mon 03-17:
# Thu, Fri, Mon = 3 working days late).
DUE = """case,activity,start,end,thu_tuc,ngay_hen_tra
d1,A,2025-03-03 09:00+07:00,2025-03-03 10:00+07:00,P,2025-03-04
d1,B,2025-03-05 15:00+07:00,2025-03-05 16:00+07:00,P,2025-03-04
d2,A,2025-03-06 10:00+07:00,2025-03-06 11:00+07:00,P,
d2,B,2025-03-11 08:00+07:00,2025-03-11 09:00+07:00,P,2025-03-11
d3,A,2025-03-07 08:00+07:00,2025-03-07 09:00+07:00,Q,
d3,B,2025-03-08 09:00+07:00,2025-03-08 10:00+07:00,Q,
d4,A,2025-03-10 08:00+07:00,2025-03-10 09:00+07:00,Q,2025-03-20
d4,B,2025-03-17 07:45+07:00,2025-03-17 08:00+07:00,Q,2025-03-20
"""


def _rows(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["procedure"]: r for r in doc["deadlines"]["procedures"]}


def test_analyze_on_time_rate_per_procedure_in_working_days(tmp_path: Path) -> None:
    log = _write(tmp_path, "due.csv", DUE)
    args = ["--calendar", "vn", "--deadline", "2wd", "--procedure", "thu_tuc"]
    doc, text = _analyze(tmp_path, log, *args)
    d = doc["deadlines"]
    assert d["deadline"] == "2wd" and d["calendar"] == "vn" and d["late_unit"] == "working_days"
    assert d["procedure_column"] == "thu_tuc" and d["deadline_column"] is None
    assert d["overall"] == {
        "cases": 4,
        "with_due": 4,
        "on_time": 2,
        "late": 2,
        "on_time_rate": 0.5,
        "late_days_mean": 2.0,
        "late_days_median": 2.0,
        "late_days_max": 3.0,
    }
    rows = _rows(doc)
    assert rows["P"]["on_time_rate"] == 0.5 and rows["P"]["late_days_max"] == 1.0
    assert rows["Q"]["on_time_rate"] == 0.5 and rows["Q"]["late_days_max"] == 3.0
    csv = pd.read_csv(tmp_path / "out" / "deadlines.csv")
    assert list(csv["procedure"]) == ["P", "Q"] and list(csv["on_time"]) == [1, 1]
    assert "On time (deadline 2wd; calendar vn): 50.0% — 2 of 4 cases" in text
    assert "late by 2.0 working days on average" in text

    # calendar days: d2 due end of Sat 03-08, done Tue (3 days); d4 due end of Wed 03-12,
    # done Mon 03-17 (5 days)
    doc, _ = _analyze(tmp_path, log, "--deadline", "2d")
    d = doc["deadlines"]
    assert d["late_unit"] == "days" and d["procedures"][0]["procedure"] == "(all)"
    assert d["overall"]["on_time_rate"] == 0.5 and d["overall"]["late_days_max"] == 5.0
    assert d["overall"]["late_days_mean"] == 4.0
    assert not (tmp_path / "out" / "deadlines.csv").read_text("utf-8").count("P,")


def test_analyze_due_date_column(tmp_path: Path) -> None:
    log = _write(tmp_path, "due.csv", DUE)
    # own due dates (first non-empty per case): d1 Tue 03-04 (done Wed: 1 working day late),
    # d2 Tue 03-11 (done Tue 09:00), d3 none, d4 Thu 03-20
    args = ["--calendar", "vn", "--deadline-column", "ngay_hen_tra", "--procedure", "thu_tuc"]
    doc, _ = _analyze(tmp_path, log, *args)
    d = doc["deadlines"]["overall"]
    assert (d["with_due"], d["on_time"], d["late"]) == (3, 2, 1)
    assert d["on_time_rate"] == pytest.approx(2 / 3) and d["late_days_max"] == 1.0
    rows = _rows(doc)
    assert rows["Q"]["with_due"] == 1 and rows["Q"]["on_time_rate"] == 1.0
    # the fixed deadline fills in for d3 (on time)
    doc, _ = _analyze(tmp_path, log, *args, "--deadline", "2wd")
    assert doc["deadlines"]["overall"]["on_time_rate"] == 0.75
    # the waits themselves are unchanged by the extra columns
    plain, _ = _analyze(tmp_path, log, "--calendar", "vn")
    assert plain["transitions"] == doc["transitions"] and plain["deadlines"] is None


def test_deadline_option_errors(tmp_path: Path) -> None:
    log = _write(tmp_path, "due.csv", DUE)
    runner = CliRunner()
    r = runner.invoke(cli, ["analyze", str(log), *COLS, "--deadline-column", "hen_tra"])
    assert r.exit_code == 4 and "no column 'hen_tra'" in r.output and "ngay_hen_tra" in r.output
    r = runner.invoke(cli, ["analyze", str(log), *COLS, "--procedure", "thu_tuc"])
    assert r.exit_code == 2 and "--procedure needs --deadline" in r.output
    r = runner.invoke(cli, ["analyze", str(log), *COLS, "--deadline", "15 weeks"])
    assert r.exit_code == 2 and "cannot read the deadline" in r.output
    bad = _write(tmp_path, "bad_due.csv", DUE.replace("2025-03-20", "soon"))
    r = runner.invoke(cli, ["analyze", str(bad), *COLS, "--deadline-column", "ngay_hen_tra"])
    assert r.exit_code == 2 and "'ngay_hen_tra'" in r.output and "soon" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "reports").exists()


# One officer R1 does B for both cases (c2 waits while R1 works on c1: contention); R2 does
# C (c1 waits 60 min idle in office hours: extraneous; c2 waits 30 min idle, then 10 min
# while R2 works on c1: contention).
CAUSES_LOG = """case,activity,start,end,who
c1,A,2025-03-04 09:00+07:00,2025-03-04 09:10+07:00,R0
c1,B,2025-03-04 09:10+07:00,2025-03-04 10:00+07:00,R1
c1,C,2025-03-04 11:00+07:00,2025-03-04 11:10+07:00,R2
c2,A,2025-03-04 09:10+07:00,2025-03-04 09:20+07:00,R0
c2,B,2025-03-04 10:00+07:00,2025-03-04 10:30+07:00,R1
c2,C,2025-03-04 11:15+07:00,2025-03-04 11:25+07:00,R2
"""


def test_color_by_cause_golden_dot(tmp_path: Path) -> None:
    log = _write(tmp_path, "causes.csv", CAUSES_LOG)
    out = tmp_path / "out"
    args = ["analyze", str(log), *COLS, "--resource", "who", "--calendar", "vn"]
    r = CliRunner().invoke(cli, [*args, "--color-by", "cause", "-o", str(out), "--format", "dot"])
    assert r.exit_code == 0, r.output
    dot = (out / "process.dot").read_text("utf-8")
    golden = GOLDEN / "graph" / "causes.dot"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(dot, encoding="utf-8")
    assert dot == golden.read_text(encoding="utf-8")
    lines = {ln.split("[")[0].strip(): ln for ln in dot.splitlines() if " -> a" in ln}
    # A -> B: 40 min, all contention; B -> C: 95 min extraneous, 10 min contention (c2's C
    # starts 5 min after c1's ends: not back to back, so not a sequential batch)
    assert f":{CAUSE_COLORS['resource_contention']}:" in lines["a0 -> a1"]  # marked #1
    assert "resource contention 100%" in lines["a0 -> a1"]
    assert f":{CAUSE_COLORS['extraneous']}:" in lines["a1 -> a2"]  # marked #2
    assert "extraneous 90%" in lines["a1 -> a2"]  # 95 of 105 min
    assert "resource unavailability" in dot and "none attributed" in dot  # the legend
    # without start times nothing is attributed: grey arrows and a note
    plain = _write(tmp_path, "plain.csv", CAUSES_LOG)
    r = CliRunner().invoke(
        cli,
        [
            *("analyze", str(plain), "--case", "case", "--activity", "activity"),
            *("--timestamp", "end", "--start-timestamp", "", "--color-by", "cause"),
            *("-o", str(tmp_path / "p"), "--format", "dot"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "every arrow is grey" in r.output
    grey = (tmp_path / "p" / "process.dot").read_text("utf-8")
    assert f'color="{NO_CAUSE_COLOR}"' in grey


def test_rollout_signing_step_waits_for_the_signer(tmp_path: Path) -> None:
    log = load_log(ROLLOUT)
    c = compare_split(log, "2025-04-14")
    assert c.causes is not None and c.causes.availability == "learned per resource"
    acts = c.causes.activities.set_index("activity")
    sign = acts.loc["Ký số phê duyệt"]
    # the planted mechanism: one leader signs only on Tuesday and Thursday afternoons, clearing
    # the stack one dossier after another when a session opens: a sequential batch (Martin et
    # al.), so the new step waits mostly for the batch (docs/causes.md: the log cannot tell a
    # session from a batch rule, and batching comes first)
    assert pd.isna(sign["dominant_before"]) and sign["wait_per_case_s_before"] == 0
    assert sign["dominant_after"] == "batching"
    assert sign["dominant_share_after"] > 0.6
    parts = sum(sign[f"{k}_per_case_s_after"] for k in CAUSES)
    assert parts == pytest.approx(sign["wait_per_case_s_after"])
    first = c.introduced.iloc[0]
    assert first["activity"] == "Ký số phê duyệt"
    assert first["cause"] == "batching"  # the figures; render writes the words
    assert "(batching)" in finding_sentence(first.to_dict())

    # independently: the causes of the whole log, per case of the after period (plain pandas)
    whole = attribute_causes(log).instances
    ev = log.events
    start = ev["start_us"].fillna(ev["end_us"]).astype("int64")
    span = pd.DataFrame({"case": ev["case"].astype(str), "s": start, "e": ev["end_us"]})
    per_case = span.groupby("case").agg(first=("s", "min"), last=("e", "max"))
    split_us = int(pd.Timestamp("2025-04-14", tz="Asia/Ho_Chi_Minh").value // 1000)
    after_cases = set(per_case.index[per_case["first"] >= split_us])
    mine = whole[whole["case"].astype(str).isin(after_cases)]
    mine = mine[mine["activity"] == "Ký số phê duyệt"]
    expected = mine["batching_us"].sum() / 1e6 / len(after_cases)
    assert c.after.cases == len(after_cases)
    assert sign["batching_per_case_s_after"] == pytest.approx(expected)
    trans = c.causes.transitions.set_index(["source", "target"])
    assert trans.loc[("Thẩm định hồ sơ", "Ký số phê duyệt"), "dominant_after"] == "batching"


def test_rollout_comparison_json_has_causes(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = CliRunner().invoke(
        cli,
        [
            *("compare", str(ROLLOUT), "--split", "2025-04-14", "-o", str(out)),
            *("--format", "dot", "--calendar", "vn", "--deadline", "3wd", "-q"),
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "comparison.json").read_text("utf-8"))
    causes = doc["causes"]
    assert causes["time"] == "wall_clock" and causes["availability"] == "calendar vn"
    sign = next(a for a in causes["activities"] if a["activity"] == "Ký số phê duyệt")
    assert set(sign["after_per_case_s"]) == set(CAUSES)
    assert sum(sign["after_per_case_s"].values()) == pytest.approx(sign["after_wait_per_case_s"])
    assert sign["before_dominant"] is None and sign["after_dominant"] in CAUSES
    top = doc["introduced_bottlenecks"][0]
    # the cause that grew is told in calendar time, as the causes are
    assert top["finding"].endswith(
        "of its wait. Against before, batching grew most: +4.8 d per dossier (0 s → 4.8 d), "
        "in calendar time (24/7)."
    )
    assert top["causes_change"]["batching"]["change_s"] == pytest.approx(
        sign["after_per_case_s"]["batching"]
    )
    # the deadline share equals the analyze on-time figure over the same cases
    k = doc["cases"]
    assert k["deadline"] == "3wd"
    from bottleneck_finder.analysis.deadlines import Deadline, deadline_report
    from bottleneck_finder.calendar import vietnam

    cases = deadline_report(load_log(ROLLOUT), deadline=Deadline(3, "wd"), calendar=vietnam()).cases
    after = cases[
        cases["submitted_us"] >= int(pd.Timestamp("2025-04-14", tz="+07:00").value) // 1000
    ]
    late = float(np.mean(~after["on_time"].astype(bool)))
    assert k["after_over_deadline_share"] == pytest.approx(late)


def test_due_dates_of_a_case_table_with_milestones(tmp_path: Path) -> None:
    # one row per dossier: d1 due Tue 03-04, done Wed (1 working day late); d2 on time
    log = _write(
        tmp_path,
        "table.csv",
        "ma_ho_so,nop,tra,hen\n"
        "d1,2025-03-03 09:00+07:00,2025-03-05 16:00+07:00,2025-03-04\n"
        "d2,2025-03-06 10:00+07:00,2025-03-11 09:00+07:00,2025-03-11\n",
    )
    out = tmp_path / "out"
    args = ["analyze", str(log), "--case", "ma_ho_so", "--milestones", "nop,tra"]
    args += ["--deadline-column", "hen", "--calendar", "vn", "-o", str(out), "--format", "dot"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "analysis.json").read_text("utf-8"))
    assert doc["deadlines"]["overall"]["on_time_rate"] == 0.5
    assert doc["deadlines"]["overall"]["late_days_max"] == 1.0
    # working time: d1 Mon 09:00 → Wed 16:00 = 6.5 + 8 + 7 h; d2 Thu 10:00 → Tue 09:00 = 23 h
    assert doc["cases"]["duration_max_s"] == 23 * H
    assert doc["cases"]["duration_median_s"] == (21.5 * H + 23 * H) / 2


def test_compare_without_causes(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = CliRunner().invoke(
        cli,
        [
            *("compare", str(ROLLOUT), "--split", "2025-04-14", "-o", str(out)),
            *("--format", "dot", "--no-causes", "-q", "--json"),
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["causes"] is None and doc["time_basis"] == "wall_clock"
    assert "It waits mostly" not in doc["introduced_bottlenecks"][0]["finding"]
