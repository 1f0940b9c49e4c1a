"""Which waiting cause grew at each introduced bottleneck of `compare` and of the report: a
hand-built before/after log with the cause seconds worked out by hand, the bundled samples
against `causes` run on each side, and a log without start times."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.causes import CAUSES, attribute_causes
from bottleneck_finder.analysis.compare import compare_logs
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.columns import LogColumns
from bottleneck_finder.render.compare_sentences import finding_sentence
from bottleneck_finder.render.words import ENGLISH, Words

from .conftest import EVENT_LOGS, write

COLUMNS = LogColumns(
    case="case", activity="activity", resource="resource", start="start", timestamp="end"
)
FLAGS = ["--case", "case", "--activity", "activity", "--resource", "resource"]
FLAGS += ["--start-timestamp", "start", "--timestamp", "end"]
N = 24  # cases a side (at least --min-count 20, so the change is tested)
DAY0 = dt.date(2025, 3, 3)


def _day(k: int) -> str:
    return (DAY0 + dt.timedelta(days=k)).isoformat()


def before_rows() -> list[str]:
    """One case a day: A by r1 08:00–08:10, then S by r 08:40–08:50. r is idle and at work
    (it starts and ends work in the 08:00 hour every day, so its learned calendar has that
    hour): each S waits 30 min for nothing the log shows — extraneous 1800 s."""
    rows = []
    for k in range(N):
        d = _day(k)
        rows += [f"b{k:02d},A,r1,{d} 08:00,{d} 08:10", f"b{k:02d},S,r,{d} 08:40,{d} 08:50"]
    return rows


def after_rows() -> list[str]:
    """Two cases a day: A of the first by r1 08:00–08:10, of the second by r2 08:10–08:20; r
    starts S of both at 09:00 (a parallel batch). The first waits 10 min for the batch to
    form (creation: 08:10 → 08:20) and 40 min for it to start (ready: → 09:00) = 3000 s; the
    second 0 + 40 min = 2400 s; all of it batching."""
    rows = []
    for k in range(N // 2):
        d = _day(k)
        one, two = f"a{2 * k:02d}", f"a{2 * k + 1:02d}"
        rows += [
            f"{one},A,r1,{d} 08:00,{d} 08:10",
            f"{two},A,r2,{d} 08:10,{d} 08:20",
            f"{one},S,r,{d} 09:00,{d} 09:10",
            f"{two},S,r,{d} 09:00,{d} 09:10",
        ]
    return rows


# per case of each period: before 1800 s extraneous; after (3000 + 2400) / 2 = 2700 s batching
EXPECTED = {
    "batching": {"before_s": 0.0, "after_s": 2700.0, "change_s": 2700.0},
    "resource_contention": {"before_s": 0.0, "after_s": 0.0, "change_s": 0.0},
    "prioritization": {"before_s": 0.0, "after_s": 0.0, "change_s": 0.0},
    "resource_unavailability": {"before_s": 0.0, "after_s": 0.0, "change_s": 0.0},
    "extraneous": {"before_s": 1800.0, "after_s": 0.0, "change_s": -1800.0},
}


@pytest.fixture
def hand(tmp_path: Path) -> tuple[Path, Path]:
    header = "case,activity,resource,start,end\n"
    b = write(tmp_path, "before.csv", header + "\n".join(before_rows()) + "\n")
    a = write(tmp_path, "after.csv", header + "\n".join(after_rows()) + "\n")
    return b, a


def test_hand_built_cause_growth(hand: tuple[Path, Path]) -> None:
    result = compare_logs(load_log(hand[0], COLUMNS), load_log(hand[1], COLUMNS))
    intro = result.introduced
    # S and its only hand-off A → S: 30 min → 40 / 50 min, +900 s per case
    assert list(zip(intro["kind"], intro["status"], strict=True)) == [
        ("activity", "slower"),
        ("transition", "slower"),
    ]
    from bottleneck_finder.analysis.compare_rules import causes_change

    for row in intro.to_dict(orient="records"):
        assert row["added_wait_per_case_s"] == 900.0
        change = causes_change(row)
        assert change == EXPECTED
        # the causes add up to the wait added per case
        assert sum(c["change_s"] for c in change.values()) == row["added_wait_per_case_s"]
    top = intro.iloc[0].to_dict()
    assert finding_sentence(top).endswith(
        "It waits mostly because dossiers are held until a batch is formed (batching): 100% of "
        "its wait. Against before, batching grew most: +45 min per dossier (0 s → 45 min)."
    )
    vi = Words(lang="vi")
    assert finding_sentence(top, vi).endswith(
        "So với trước, nguyên nhân tăng nhiều nhất là “chờ gom theo đợt”: +45 phút mỗi hồ sơ "
        "(0 giây → 45 phút)."
    )
    # the improvement side names the cause that shrank most
    shrank = dict(top, added_wait_per_case_s=-900.0)
    for c in CAUSES:
        before, after = top[f"{c}_per_case_s_before"], top[f"{c}_per_case_s_after"]
        shrank[f"{c}_per_case_s_before"], shrank[f"{c}_per_case_s_after"] = after, before
    from bottleneck_finder.render.compare_sentences import cause_change_sentence

    assert cause_change_sentence(shrank, ENGLISH) == (
        "Against before, batching shrank most: −45 min per dossier (45 min → 0 s)."
    )


def test_hand_built_cli_json_and_terminal(hand: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["compare", str(hand[0]), str(hand[1]), *FLAGS, "-o", str(out), "--format", "dot"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "comparison.json").read_text("utf-8"))
    for item in doc["introduced_bottlenecks"]:
        assert item["causes_change"] == EXPECTED
        assert "batching grew most: +45 min per dossier (0 s → 45 min)" in item["finding"]
    assert doc["improvements"] == []
    lines = result.output.splitlines()
    at = lines.index(
        "Which cause grew most at each introduced bottleneck (per dossier, before → after):"
    )
    assert lines[at + 1 : at + 3] == [
        "  #1  batching +45 min (0 s → 45 min)",
        "  #2  batching +45 min (0 s → 45 min)",
    ]
    vi = runner.invoke(cli, [*args, "--lang", "vi"])
    assert "  #1  chờ gom theo đợt +45 phút (0 giây → 45 phút)" in vi.output
    # with a working calendar the figures stay calendar time, and say so
    cal = runner.invoke(cli, [*args, "--calendar", "vn"])
    assert cal.exit_code == 0, cal.output
    assert "before → after), in calendar time (24/7):" in cal.output
    assert "  #1  batching +45 min (0 s → 45 min)" in cal.output


def test_without_start_times_says_so(tmp_path: Path) -> None:
    def ends_only(rows: list[str]) -> str:
        return "case,activity,resource,end\n" + "\n".join(
            ",".join(r.split(",")[:3] + r.split(",")[4:]) for r in rows
        )

    b = write(tmp_path, "b.csv", ends_only(before_rows()) + "\n")
    a = write(tmp_path, "a.csv", ends_only(after_rows()) + "\n")
    out = tmp_path / "out"
    flags = ["--case", "case", "--activity", "activity", "--resource", "resource"]
    result = CliRunner().invoke(
        cli, ["compare", str(b), str(a), *flags, "--timestamp", "end", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "comparison.json").read_text("utf-8"))
    assert doc["causes"] is None
    assert doc["introduced_bottlenecks"]
    assert all(item["causes_change"] is None for item in doc["introduced_bottlenecks"])
    assert (
        "Causes before → after: not told, because they need start times and resources on both "
        "sides." in result.output
    )
    # --no-causes: nothing is said
    quiet = CliRunner().invoke(
        cli,
        ["compare", str(b), str(a), *flags, "--timestamp", "end", "-o", str(out), "--no-causes"],
    )
    assert "Causes before → after" not in quiet.output


def test_hand_built_report(hand: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["report", str(hand[1]), "--compare-with", str(hand[0]), *FLAGS, "-o", str(out)]
    args += ["--no-pdf", "-q", "--skip", "drift,flows,model", "--lang", "en"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text("utf-8")
    assert "### Which cause grew" in text
    assert "| #1 | before “S” | batching | 0 s | 45 min | +45 min |" in text
    assert "The cause that grew most: batching, +45 min per case (0 s → 45 min)." in text


def _per_case(log: Path, activity: str, cause: str, cases: int) -> float:
    """`causes` on one side alone: the seconds of `cause` before `activity`, per case."""
    inst = attribute_causes(load_log(log)).instances
    return float(inst.loc[inst["activity"] == activity, f"{cause}_us"].sum()) / 1e6 / cases


def test_bundled_samples_against_causes(tmp_path: Path) -> None:
    before = EVENT_LOGS / "one_stop_shop_before.csv"
    after = EVENT_LOGS / "one_stop_shop_after.csv"
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["compare", str(before), str(after), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "comparison.json").read_text("utf-8"))
    rows = {
        (r["kind"], r.get("activity") or (r["source"], r["target"])): r
        for r in doc["introduced_bottlenecks"] + doc["improvements"]
    }
    assert all(r["causes_change"] is not None for r in rows.values())
    # the planted signature and weekly sync: batching grew, by what `causes` finds after
    for step in ("Ký số phê duyệt", "Đồng bộ Cổng DVC quốc gia"):
        change = rows[("activity", step)]["causes_change"]
        assert change["batching"]["before_s"] == 0.0
        expected = _per_case(after, step, "batching", 900)
        assert change["batching"]["after_s"] == pytest.approx(expected, rel=1e-12)
        assert max(change, key=lambda c: change[c]["change_s"]) == "batching"
        assert "batching grew most" in rows[("activity", step)]["finding"]
    # the single scanning clerk: contention grew
    scan = rows[("activity", "Scan hồ sơ giấy")]["causes_change"]
    assert max(scan, key=lambda c: scan[c]["change_s"]) == "resource_contention"
    assert scan["resource_contention"]["after_s"] == pytest.approx(
        _per_case(after, "Scan hồ sơ giấy", "resource_contention", 900), rel=1e-12
    )
    # the paper rounds are gone: their batching shrank to nothing
    gone = rows[("activity", "Chuyển hồ sơ giấy")]
    assert gone["causes_change"]["batching"]["after_s"] == 0.0
    assert gone["causes_change"]["batching"]["before_s"] == pytest.approx(
        _per_case(before, "Chuyển hồ sơ giấy", "batching", 900), rel=1e-12
    )
    assert "batching shrank most" in gone["finding"]
    # per element, the cause changes add up to the change of the causes' own wait per case
    for r in rows.values():
        total = sum(c["change_s"] for c in r["causes_change"].values())
        key = r.get("activity")
        table = doc["causes"]["activities" if key else "transitions"]
        match = [
            t
            for t in table
            if (
                t.get("activity") == key
                if key
                else (t["source"], t["target"]) == (r["source"], r["target"])
            )
        ]
        assert len(match) == 1
        own = match[0]["after_wait_per_case_s"] - match[0]["before_wait_per_case_s"]
        assert math.isclose(total, own, rel_tol=1e-9, abs_tol=1e-6)
        # and here (each step enabled by the previous end, no calendar) to the added wait
        assert math.isclose(total, r["added_wait_per_case_s"], rel_tol=1e-9, abs_tol=1e-6)
    assert "Which cause grew most at each introduced bottleneck" in result.output
