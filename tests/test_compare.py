"""`bottleneck compare`: hand-computed logs, planted changes, false positives, errors, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.analyze import analyze
from bottleneck_finder.analysis.compare import (
    CompareOptions,
    Comparison,
    EmptySideError,
    NoCommonActivityError,
    SplitDateError,
    compare_logs,
    compare_split,
)
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.render.compare_sentences import finding_sentence
from tools.simulate import LOCAL_TZ, simulate_one_stop_shop

from .conftest import EVENT_LOGS, shared_log, write

BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
H = 3600.0

HAND = """case,activity,timestamp
b1,A,2024-01-01 08:00
b1,B,2024-01-01 10:00
b1,C,2024-01-01 11:00
b2,A,2024-01-02 08:00
b2,B,2024-01-02 12:00
b2,C,2024-01-02 13:00
b3,A,2024-01-03 08:00
b3,B,2024-01-03 14:00
b3,C,2024-01-03 15:00
s1,A,2024-01-09 08:00
s1,B,2024-01-11 08:00
s1,C,2024-01-11 09:00
a1,A,2024-01-15 08:00
a1,B,2024-01-15 09:00
a1,D,2024-01-15 19:00
a1,C,2024-01-15 20:00
a2,A,2024-01-16 08:00
a2,B,2024-01-16 10:00
a2,D,2024-01-17 10:00
a2,C,2024-01-17 11:00
a3,A,2024-01-17 08:00
a3,B,2024-01-17 08:30
a3,D,2024-01-17 12:30
a3,C,2024-01-17 13:30
"""
SMALL = CompareOptions(min_count=2)


def _hand(tmp_path: Path, straddling: str = "exclude") -> Comparison:
    log = load_log(write(tmp_path, "hand.csv", HAND))
    options = CompareOptions(min_count=2, straddling=straddling)  # type: ignore[arg-type]
    return compare_split(log, "2024-01-10", options)


def _row(frame: pd.DataFrame, **keys: str) -> dict[str, Any]:
    mask = np.ones(len(frame), dtype=bool)
    for k, v in keys.items():
        mask &= (frame[k] == v).to_numpy()
    assert mask.sum() == 1, keys
    return {str(k): v for k, v in frame[mask].iloc[0].to_dict().items()}


def test_hand_computed_split(tmp_path: Path) -> None:
    c = _hand(tmp_path)
    assert (c.before.cases, c.after.cases, c.split.straddling_cases) == (3, 3, 1)
    assert (c.before.events, c.after.events) == (9, 12)
    ab = _row(c.transitions, source="A", target="B")
    assert (ab["before_count"], ab["after_count"]) == (3, 3)
    assert ab["before_wait_median_s"] == 4 * H and ab["after_wait_median_s"] == 1 * H
    assert ab["median_delta_s"] == -3 * H
    assert ab["added_wait_per_case_s"] == pytest.approx(3.5 * H / 3 - 12 * H / 3)
    assert ab["before_wait_total_s"] == 12 * H and ab["after_wait_total_s"] == 3.5 * H
    assert ab["status"] in ("faster", "unchanged")  # tested (3 vs 3 is decided by the test)
    assert not math.isnan(ab["p_value"]) and not math.isnan(ab["q_value"])
    # pairs (after, before): none longer after, 8 shorter, 1 tie (2 h, 2 h)
    assert ab["cliffs_delta"] == pytest.approx(-8 / 9)
    bd = _row(c.transitions, source="B", target="D")
    assert bd["status"] == "new" and bd["after_wait_median_s"] == 10 * H
    assert bd["added_wait_per_case_s"] == pytest.approx(38 * H / 3)
    assert _row(c.transitions, source="B", target="C")["status"] == "removed"
    assert _row(c.transitions, source="B", target="C")["added_wait_per_case_s"] == -1 * H
    # C waits 1 h on both sides, but after B before and after D: no shared route, so nothing
    # to judge a within change on (its hand-offs carry the finding); all 0 h of change is mix
    c_row = _row(c.activities, activity="C")
    assert c_row["status"] == "insufficient"
    assert (c_row["wait_change_mean_s"], c_row["wait_change_within_s"]) == (0.0, 0.0)
    assert c_row["wait_change_mix_s"] == 0.0 and pd.isna(c_row["mix_driver"])
    assert _row(c.activities, activity="D")["status"] == "new"
    top = c.introduced.iloc[0]
    assert (top["rank"], top["kind"], top["activity"]) == (1, "activity", "D")
    second = c.introduced.iloc[1]
    assert (second["kind"], second["source"], second["target"]) == ("transition", "B", "D")
    sentence = finding_sentence(top.to_dict())  # analysis gives figures, render the words
    assert "did not exist before" in sentence and "adds 13 h to the average dossier" in sentence
    assert (
        c.cases.before_median_s == 5 * H and c.cases.after_median_s == 12 * H
    )  # 3,5,7 | 12,27,5.5
    removed = c.improvements[c.improvements["status"] == "removed"]
    assert set(removed["target"].dropna()) == {"C"}


def test_straddling_cases_go_where_asked(tmp_path: Path) -> None:
    before = _hand(tmp_path, "before")
    assert (before.before.cases, before.after.cases, before.before.events) == (4, 3, 12)
    ab = _row(before.transitions, source="A", target="B")
    assert ab["before_count"] == 4 and ab["before_wait_total_s"] == 60 * H
    after = _hand(tmp_path, "after")
    assert (after.before.cases, after.after.cases) == (3, 4)
    # the straddler keeps B → C alive on the after side
    assert _row(after.transitions, source="B", target="C")["after_count"] == 1
    assert _row(after.transitions, source="B", target="C")["status"] == "insufficient"


def test_bad_split_and_empty_side_and_disjoint_logs(tmp_path: Path) -> None:
    log = load_log(write(tmp_path, "hand.csv", HAND))
    with pytest.raises(SplitDateError, match="outside"):
        compare_split(log, "2030-01-01", SMALL)
    with pytest.raises(SplitDateError, match="outside"):
        compare_split(log, "2023-12-01", SMALL)
    with pytest.raises(SplitDateError, match="cannot read"):
        compare_split(log, "next tuesday", SMALL)
    lonely = load_log(
        write(
            tmp_path,
            "lonely.csv",
            "case,activity,timestamp\nc1,A,2024-01-01 08:00\nc1,B,2024-01-05 08:00\n"
            "c3,A,2024-01-03 08:00\nc3,B,2024-01-04 08:00\n",
        )
    )
    with pytest.raises(EmptySideError, match="before side"):
        compare_split(lonely, "2024-01-02", SMALL)
    other = load_log(
        write(
            tmp_path,
            "other.csv",
            HAND.replace(",A,", ",X,")
            .replace(",B,", ",Y,")
            .replace(",C,", ",Z,")
            .replace(",D,", ",W,"),
        )
    )
    with pytest.raises(NoCommonActivityError):
        compare_logs(log, other, SMALL)


def test_cli_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    path = write(tmp_path, "hand.csv", HAND)
    runner = CliRunner()
    r = runner.invoke(
        cli, ["compare", str(path), "--split", "2031-05-01", "-o", str(tmp_path / "o")]
    )
    assert r.exit_code == 2 and "outside the cases of the log" in r.output
    assert not (tmp_path / "o").exists()  # nothing written
    other = write(
        tmp_path,
        "other.csv",
        HAND.replace(",A,", ",X,")
        .replace(",B,", ",Y,")
        .replace(",C,", ",Z,")
        .replace(",D,", ",W,"),
    )
    r = runner.invoke(cli, ["compare", str(path), str(other), "-o", str(tmp_path / "o")])
    assert r.exit_code == 4 and "no activity name in common" in r.output
    r = runner.invoke(cli, ["compare", str(path)])
    assert r.exit_code == 2 and "either two logs" in r.output
    r = runner.invoke(cli, ["compare", str(path), "--split", "2024-01-10", "--deadline", "15wd"])
    assert r.exit_code == 2 and "counts working time and no calendar is given" in r.output
    r = runner.invoke(cli, ["compare", str(path), "--split", "2024-01-10", "--deadline", "15 days"])
    assert r.exit_code == 2 and "cannot read the deadline" in r.output
    assert "Traceback" not in r.output


def test_sample_logs_agree_with_analyze() -> None:
    b_log, a_log = load_log(BEFORE), load_log(AFTER)
    c = compare_logs(b_log, a_log)
    for side, log in (("before", b_log), ("after", a_log)):
        ref = analyze(log).transitions
        got = c.transitions[c.transitions[f"{side}_count"] > 0]
        merged = got.merge(ref, on=["source", "target"], how="outer", indicator=True)
        assert (merged["_merge"] == "both").all()
        np.testing.assert_array_equal(merged[f"{side}_count"], merged["count"])
        np.testing.assert_allclose(merged[f"{side}_wait_median_s"], merged["wait_median_s"])
        np.testing.assert_allclose(merged[f"{side}_wait_p90_s"], merged["wait_p90_s"])
        np.testing.assert_allclose(merged[f"{side}_wait_total_s"], merged["wait_total_s"])
    # added wait per case, independently: total wait / 900 dossiers on each side
    sign = _row(c.transitions, source="Thẩm định hồ sơ", target="Ký số phê duyệt")
    assert sign["added_wait_per_case_s"] == pytest.approx(sign["after_wait_total_s"] / 900)
    assert c.cases.before_median_s == pytest.approx(analyze(b_log).cases.duration_median_s)


def _planted(name: str) -> bool:
    return name == "Ký số phê duyệt"


def test_rollout_sample_ranks_the_planted_bottleneck_first() -> None:
    c = compare_split(load_log(ROLLOUT), "2025-04-14")
    top = c.introduced.iloc[0]
    assert _planted(str(top["activity"])) or _planted(str(top["target"]))
    assert top["status"] == "new"
    # the paper transfer is gone and appraisal waits less: both among the improvements
    gone = c.improvements[c.improvements["status"] == "removed"]
    assert "Chuyển hồ sơ giấy" in set(gone["activity"].dropna())
    assert _row(c.activities, activity="Thẩm định hồ sơ")["status"] == "faster"
    assert c.cases.status == "slower"


def test_speed_up_only_rollout_reports_nothing_slower() -> None:
    frame = simulate_one_stop_shop(
        "faster", dossiers=900, rollout=dt.datetime(2025, 3, 24, tzinfo=LOCAL_TZ)
    )
    c = compare_split(load_log(frame), "2025-03-24")
    assert len(c.introduced) == 0
    assert not (c.transitions["status"] == "slower").any()
    assert not (c.activities["status"] == "slower").any()
    assert (c.activities["status"] == "faster").any()  # and the speed-up is seen


def test_same_distribution_is_unchanged_in_95_percent_of_simulations() -> None:
    verdicts = []
    for rep in range(20):
        b = load_log(simulate_one_stop_shop("before", dossiers=150, seed=1000 + rep))
        a = load_log(simulate_one_stop_shop("before", dossiers=150, seed=2000 + rep))
        c = compare_logs(b, a, CompareOptions(seed=rep, n_boot=500))
        tested = pd.concat([c.transitions["status"], c.activities["status"]])
        tested = tested[tested != "insufficient"]
        assert not tested.isin(["new", "removed"]).any()
        verdicts += tested.tolist()
    unchanged = sum(v == "unchanged" for v in verdicts) / len(verdicts)
    assert len(verdicts) >= 200
    assert unchanged >= 0.95, unchanged


def test_demand_counts_match_an_independent_weekly_count() -> None:
    log = load_log(ROLLOUT)
    c = compare_split(log, "2025-04-14")
    raw = pd.read_csv(ROLLOUT)
    start = pd.to_datetime(raw.groupby("ma_ho_so")["thoi_gian_bat_dau"].min(), utc=True)
    local = start.dt.tz_convert("+07:00").dt.tz_localize(None)
    week = local.dt.to_period("W-SUN").dt.start_time
    counts = week.value_counts()
    weekly = c.demand.weekly
    for row in weekly.to_dict("records"):
        monday = row["week_start"].tz_convert("+07:00").tz_localize(None)
        assert monday.weekday() == 0 and monday.hour == 0
        assert row["cases_started"] == counts.get(monday, 0), monday
    assert set(weekly["period"]) == {"before", "after"}
    assert c.demand.before_weeks >= 5 and c.demand.after_weeks >= 5
    assert not c.demand.changed  # the simulator keeps the arrival rate
    units = set(c.demand.units["unit"])
    assert "Tổ Công nghệ thông tin" in units and c.demand.unit_column == "group"


def test_cli_writes_every_file_and_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = CliRunner().invoke(
        cli,
        [
            "compare",
            str(BEFORE),
            str(AFTER),
            "-o",
            str(out),
            "--format",
            "svg,dot",
            "--deadline",
            "15d",
            "--json",
            "-q",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "comparison.json").read_text("utf-8"))
    assert json.loads(r.stdout) == doc
    assert doc["schema"] == "bottleneck/comparison@1"
    assert set(doc["before"]) >= {"cases", "events", "first_event", "last_event"}
    assert doc["split"] == {"mode": "logs", "date": None}
    need = {
        "status",
        "before_count",
        "after_count",
        "before_wait_median_s",
        "after_wait_median_s",
        "median_delta_s",
        "median_delta_ci95_s",
        "p_value",
        "q_value",
        "cliffs_delta",
        "added_wait_per_case_s",
    }
    for row in doc["transitions"]:
        assert need <= set(row) and {"source", "target"} <= set(row)
    for row in doc["activities"]:
        assert need <= set(row) and "activity" in row
    tested = [r for r in doc["activities"] if r["median_delta_ci95_s"] is not None]
    assert tested and all(len(r["median_delta_ci95_s"]) == 2 for r in tested)
    first = doc["introduced_bottlenecks"][0]
    assert set(first) >= {"rank", "kind", "status", "added_wait_per_case_s", "finding"}
    assert first["activity"] == "Ký số phê duyệt" and first["rank"] == 1
    assert doc["improvements"] and doc["cases"]["deadline_s"] == 15 * 86400
    assert doc["cases"]["after_over_deadline_share"] > doc["cases"]["before_over_deadline_share"]
    assert set(doc["demand"]) >= {"weekly", "units", "changed", "summary"}
    csv = pd.read_csv(out / "transitions.csv")
    assert len(csv) == len(doc["transitions"])
    for name in ("difference", "before", "after"):
        assert (out / f"{name}.svg").read_text("utf-8").startswith("<?xml")
    assert "NEW" in (out / "difference.svg").read_text("utf-8")


def _positions(dot: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*(a\d+) \[.*?pos=\"([^\"]+)\"", dot, flags=re.M))


def test_three_graphs_share_one_layout(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = CliRunner().invoke(
        cli, ["compare", str(BEFORE), str(AFTER), "-o", str(out), "--format", "dot", "-q"]
    )
    assert r.exit_code == 0, r.output
    diff = _positions((out / "difference.dot").read_text("utf-8"))
    before = _positions((out / "before.dot").read_text("utf-8"))
    after = _positions((out / "after.dot").read_text("utf-8"))
    assert len(diff) == 12 and len(before) == 8 and len(after) == 9
    assert all(diff[k] == v for k, v in before.items())
    assert all(diff[k] == v for k, v in after.items())
    text = (out / "difference.dot").read_text("utf-8")
    assert "style=dashed" in text and "NEW" in text and "layout=nop2" in text


def test_text_output_verdict_and_tables(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "compare",
            str(ROLLOUT),
            "--split",
            "2025-04-14",
            "--format",
            "dot",
            "-q",
            "-o",
            str(tmp_path / "o"),
            "--top",
            "3",
        ],
    )
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("SLOWER: median throughput time")
    assert "cases straddle the date and were left out" in r.output
    assert "Introduced bottlenecks" in r.output and "Improvements" in r.output
    assert "Finding: Dossiers now wait a median" in r.output
    introduced = r.output.split("Introduced bottlenecks")[1].split("Improvements")[0]
    assert re.search(r"^\s+3  ", introduced, flags=re.M)
    assert not re.search(r"^\s+4  ", introduced, flags=re.M)  # --top 3


def test_per_side_column_files(tmp_path: Path) -> None:
    renamed = pd.read_csv(AFTER).rename(columns={"buoc": "ten_cong_viec", "ma_ho_so": "so_hs"})
    after = tmp_path / "after.csv"
    renamed.to_csv(after, index=False)
    mapping = write(
        tmp_path, "after.toml", '[columns]\ncase = "so_hs"\nactivity = "ten_cong_viec"\n'
    )
    out = tmp_path / "o"
    r = CliRunner().invoke(
        cli,
        [
            "compare",
            str(BEFORE),
            str(after),
            "--after-columns",
            str(mapping),
            "-o",
            str(out),
            "--format",
            "dot",
            "-q",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["introduced_bottlenecks"][0]["activity"] == "Ký số phê duyệt"


def test_split_auto_uses_the_change_point(tmp_path: Path) -> None:
    pytest.importorskip("bottleneck_finder.analysis.drift")
    r = CliRunner().invoke(
        cli,
        [
            "compare",
            str(ROLLOUT),
            "--split",
            "auto",
            "-o",
            str(tmp_path / "o"),
            "--json",
            "-q",
            "--format",
            "dot",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    date = pd.Timestamp(doc["split"]["date"])
    assert abs(date - pd.Timestamp("2025-04-14T00:00+07:00")) <= pd.Timedelta(days=7)
    assert doc["split"]["description"]


def test_permit_log_demand_jump_at_2018() -> None:
    log = load_log(shared_log("PermitLog.xes.gz"))
    c = compare_split(log, "2018-01-01")
    d = c.demand
    assert d.changed and d.arrivals_p_value < 0.001
    assert d.after_arrivals_per_week > 2 * d.before_arrivals_per_week
    # independent count: cases by their first event, in the full weeks of each period
    first = log.events.groupby("case", observed=True)["end_us"].min()
    starts = pd.to_datetime(first, unit="us", utc=True).dt.tz_convert(c.display_tz)
    before_weeks = d.weekly[d.weekly["period"] == "before"]
    lo = before_weeks["week_start"].min()
    hi = before_weeks["week_start"].max() + pd.Timedelta(days=7)
    n = ((starts >= lo) & (starts < hi)).sum()
    assert before_weeks["cases_started"].sum() == n
    assert d.before_arrivals_per_week == pytest.approx(n / len(before_weeks))


def test_shipped_rollout_sample_is_what_make_samples_writes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", EVENT_LOGS / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = simulate_one_stop_shop(
        "after", dossiers=module.ROLLOUT_DOSSIERS, rollout=module.ROLLOUT
    )
    text = frame.to_csv(index=False, lineterminator="\n")
    assert text.encode("utf-8") == ROLLOUT.read_bytes()
    assert module.ROLLOUT.weekday() == 0  # a Monday


def test_golden_comparison_json_and_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.chdir(tmp_path)
    Path("hand.csv").write_text(HAND, encoding="utf-8")
    args = ["compare", "hand.csv", "--split", "2024-01-10", "--min-count", "2", "-q"]
    args += ["--format", "dot", "--deadline", "10h"]
    texts = []
    for out in ("one", "two"):
        r = CliRunner().invoke(cli, [*args, "-o", out])
        assert r.exit_code == 0, r.output
        texts.append(Path(out, "comparison.json").read_text("utf-8"))
    assert texts[0] == texts[1]  # seeded: the same run gives the same bytes
    got = texts[0].replace(json.loads(texts[0])["generator"], "GENERATOR")
    golden = Path(__file__).parent / "golden" / "compare" / "hand_split.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
    doc = json.loads(got)
    assert doc["cases"]["before_over_deadline_share"] == 0.0  # 3 h, 5 h, 7 h
    assert doc["cases"]["after_over_deadline_share"] == pytest.approx(2 / 3)  # 12 h, 27 h, 5.5 h
    r = CliRunner().invoke(cli, [*args, "-o", "three", "--seed", "9", "--json"])
    other = json.loads(r.stdout)
    ab = next(t for t in other["transitions"] if (t["source"], t["target"]) == ("A", "B"))
    ab0 = next(t for t in doc["transitions"] if (t["source"], t["target"]) == ("A", "B"))
    assert ab["p_value"] == ab0["p_value"]  # the seed only moves the bootstrap


def test_warnings_are_figures_said_in_the_language_asked(tmp_path: Path) -> None:
    """Few shared activities and start times on one side only: the comparison holds two
    structured warnings; comparison.json says them in English, the terminal in Vietnamese."""
    from bottleneck_finder.analysis.compare import compare_logs
    from bottleneck_finder.api import load_log

    before_rows = ["case,activity,timestamp"]
    after_rows = ["case,activity,start,timestamp"]
    for c in range(30):
        day = 1 + c % 20
        for i, act in enumerate("ABCDE"):
            before_rows.append(f"b{c},{act},2025-01-{day:02d} {8 + i}:00:00")
        for i, act in enumerate(("A", "X", "Y", "Z")):
            after_rows.append(
                f"a{c},{act},2025-03-{day:02d} {8 + i}:10:00,2025-03-{day:02d} {8 + i}:40:00"
            )
    before = write(tmp_path, "before.csv", "\n".join(before_rows) + "\n")
    after = write(tmp_path, "after.csv", "\n".join(after_rows) + "\n")

    result = compare_logs(load_log(before), load_log(after))
    kinds = [(w.kind, w.common, w.total) for w in result.warnings]
    assert kinds == [("few_common_activities", 1, 8), ("start_times_one_side", 0, 0)]

    out = tmp_path / "out"
    args = ["compare", str(before), str(after), "-o", str(out), "--format", "dot", "-q"]
    english = CliRunner().invoke(cli, [*args, "--json"])
    assert english.exit_code == 0, english.output
    doc = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert doc["warnings"] == [
        "only 1 of 8 activities occur on both sides: check that both logs name the steps the "
        "same way",
        "one side has start times and the other does not, so waiting times are measured "
        "differently (start − previous end vs end − previous end) and are not comparable",
    ]
    # the English run's calendar and zone (Vietnamese counts working days of vn and reads
    # times without an offset as Vietnam time by default)
    same = ["--calendar", "none", "--tz", "UTC"]
    vietnamese = CliRunner().invoke(cli, [*args, "--lang", "vi", *same])
    assert vietnamese.exit_code == 0, vietnamese.output
    assert "warning: chỉ 1 trên 8 bước có ở cả hai bên" in vietnamese.stderr
    assert json.loads((out / "comparison.json").read_text(encoding="utf-8")) == doc
