"""`report --deadline`: the on-time section on the first page, deadlines.json, and the clock.

The figures are checked against a hand-computed log, against `analyze --deadline` and `compare
--deadline` on the same log, and the first page (PDF text) against deadlines.json. With `--lang
vi` the Vietnamese working calendar and Vietnam time are the defaults.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.reporting.chromium import find_chromium

from .conftest import EVENT_LOGS, write

H = 3600.0
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
SKIP = ["--skip", "drift,causes,flows,model", "--no-pdf", "-q"]
COLS = ["--case", "case", "--activity", "act", "--start-timestamp", "start", "--timestamp", "end"]
COLS += ["--resource", "who", "--group", "unit"]

# Five cases, deadline 48 h after the first event; split on 15 January (c1, c2 before).
# c1 P: A 06/01 09-10 (U1), B 12-13 (U2)                   -> on time; A→B waits 2 h
# c2 P: A 06/01 09-10 (U1), B 09/01 10-11 (U2)             -> late (due 08/01 09:00): 72 h
# c3 Q: A 20/01 09-10 (U1), C 11-12 (U3), B 13-14 (U2)     -> on time; A→C 1 h, C→B 1 h
# c4 Q: A 20/01 09-10 (U1), C 23/01 10-11 (U3)             -> late (due 22/01 09:00): 72 h
# c5 Q: A 21/01 09-10 (U1), B 10:30-11 (U2)                -> on time; A→B 0.5 h
HAND = """case,act,start,end,who,unit,proc
c1,A,2025-01-06T09:00:00+00:00,2025-01-06T10:00:00+00:00,an,U1,P
c1,B,2025-01-06T12:00:00+00:00,2025-01-06T13:00:00+00:00,binh,U2,P
c2,A,2025-01-06T09:00:00+00:00,2025-01-06T10:00:00+00:00,an,U1,P
c2,B,2025-01-09T10:00:00+00:00,2025-01-09T11:00:00+00:00,binh,U2,P
c3,A,2025-01-20T09:00:00+00:00,2025-01-20T10:00:00+00:00,an,U1,Q
c3,C,2025-01-20T11:00:00+00:00,2025-01-20T12:00:00+00:00,chi,U3,Q
c3,B,2025-01-20T13:00:00+00:00,2025-01-20T14:00:00+00:00,binh,U2,Q
c4,A,2025-01-20T09:00:00+00:00,2025-01-20T10:00:00+00:00,an,U1,Q
c4,C,2025-01-23T10:00:00+00:00,2025-01-23T11:00:00+00:00,chi,U3,Q
c5,A,2025-01-21T09:00:00+00:00,2025-01-21T10:00:00+00:00,an,U1,Q
c5,B,2025-01-21T10:30:00+00:00,2025-01-21T11:00:00+00:00,binh,U2,Q
"""


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("hand")
    log = write(folder, "hand.csv", HAND)
    out = folder / "report"
    args = ["report", str(log), *COLS, "--lang", "en", "--split", "2025-01-15"]
    invoke(*args, "--deadline", "48h", "--procedure", "proc", "-o", str(out), *SKIP)
    return out, json.loads((out / "deadlines.json").read_text("utf-8"))


def test_hand_log_on_time_figures(hand: tuple[Path, dict[str, Any]]) -> None:
    _, doc = hand
    assert doc["schema"] == "bottleneck/deadlines@1"
    assert doc["calendar"] is None and doc["late_unit"] == "days"  # English: wall clock
    overall = doc["overall"]
    assert (overall["cases"], overall["on_time"], overall["late"]) == (5, 3, 2)
    assert overall["on_time_rate"] == 3 / 5
    assert overall["late_days_mean"] == 1.0  # c2 finished 09/01, due 08/01; c4 23/01 vs 22/01
    periods = {p["period"]: p for p in doc["periods"]}
    assert (periods["before"]["on_time"], periods["before"]["with_due"]) == (1, 2)
    assert (periods["after"]["on_time"], periods["after"]["with_due"]) == (2, 3)
    rates = {p["procedure"]: p for p in doc["procedure_periods"]}
    assert rates["P"]["rate_before"] == 0.5 and rates["P"]["rate_after"] is None
    assert rates["Q"]["rate_before"] is None and rates["Q"]["rate_after"] == 2 / 3
    units = {u["unit"]: u for u in doc["units"]}
    assert (units["U1"]["cases"], units["U1"]["on_time_rate"]) == (5, 3 / 5)
    assert (units["U2"]["cases"], units["U2"]["on_time_rate"]) == (4, 3 / 4)
    assert (units["U2"]["rate_before"], units["U2"]["rate_after"]) == (1 / 2, 1.0)
    assert (units["U3"]["cases"], units["U3"]["on_time_rate"]) == (2, 1 / 2)
    assert units["U3"]["rate_before"] is None and units["U3"]["rate_after"] == 1 / 2
    waits = doc["late_waits"]
    # late: c2 and c4, 72 h each; on time: c1 2 h, c3 1 h + 1 h, c5 0.5 h
    assert waits["late_wait_mean_s"] == pytest.approx(72 * H)
    assert waits["on_time_wait_mean_s"] == pytest.approx(4.5 * H / 3)
    found = [(t["source"], t["target"]) for t in waits["transitions"]]
    assert found == [("A", "C"), ("A", "B")]  # C→B: on-time cases wait more there
    a_c, a_b = waits["transitions"]
    assert a_c["late_mean_s"] == pytest.approx(36 * H)
    assert a_c["on_time_mean_s"] == pytest.approx(H / 3)
    assert a_c["excess_s"] == pytest.approx(36 * H - H / 3)
    assert a_b["late_mean_s"] == pytest.approx(36 * H)
    assert a_b["on_time_mean_s"] == pytest.approx(2.5 * H / 3)
    assert a_c["late_share"] == a_b["late_share"] == 0.5


def test_hand_log_first_page_says_the_same(hand: tuple[Path, dict[str, Any]]) -> None:
    out, doc = hand
    markdown = (out / "report.md").read_text("utf-8")
    front = markdown[: markdown.index("## Contents")]  # printed before the table of contents
    assert "## Cases settled on time" in front
    assert "60.0% of cases settled on time: 3 of 5; 2 late." in front
    assert "a time limit of 48 hours from submission" in front
    assert "| Before | 2 | 1 | 1 | 50.0% |" in front
    assert "| After | 3 | 2 | 1 | 66.7% |" in front
    assert "| P | 2 | 1 | 1 | 50.0% | 50.0% | – |" in front
    assert "| U2 | 4 | 3 | 1 | 75.0% | 50.0% | 100.0% |" in front
    assert "A → C" in front and "Durations are calendar time 24/7" in markdown
    html = (out / "report.html").read_text("utf-8")
    assert html.index('id="ontime"') < html.index('class="toc"')
    # the summary's first finding is the on-time rate
    summary = markdown[markdown.index("## Executive summary") :]
    assert "1. **On-time rate: 50.0% before, 66.7% after.**" in summary
    assert doc["overall"]["on_time_rate"] == 0.6


def test_hand_log_report_equals_analyze(hand: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, doc = hand
    log = write(tmp_path, "hand.csv", HAND)
    out = tmp_path / "analyze"
    args = ["analyze", str(log), *COLS, "--deadline", "48h", "--procedure", "proc"]
    invoke(*args, "-o", str(out), "-q", "--format", "dot")
    analysis = json.loads((out / "analysis.json").read_text("utf-8"))["deadlines"]
    for key in ("deadline", "procedure_column", "calendar", "late_unit", "overall", "procedures"):
        assert doc[key] == analysis[key], key


@pytest.fixture(scope="module")
def rollout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("rollout") / "report"
    args = ["report", str(ROLLOUT), "--split", "2025-04-14", "--deadline", "5wd"]
    pdf = [] if find_chromium() and shutil.which("pdftotext") else ["--no-pdf"]
    invoke(
        *args, "--procedure", "thu_tuc", "-o", str(out), *[a for a in SKIP if a != "--no-pdf"], *pdf
    )
    return out, json.loads((out / "deadlines.json").read_text("utf-8"))


def test_vietnamese_report_counts_working_days_by_default(
    rollout: tuple[Path, dict[str, Any]],
) -> None:
    out, doc = rollout
    assert doc["calendar"] == "vn" and doc["late_unit"] == "working_days"
    markdown = (out / "report.md").read_text("utf-8")
    head = markdown[: markdown.index("<a id=")]
    assert "Thời gian tính theo ngày làm việc theo lịch nhà nước Việt Nam" in head


def test_rollout_report_equals_analyze_and_compare(
    rollout: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _, doc = rollout
    invoke(
        "analyze", str(ROLLOUT), "--lang", "vi", "--deadline", "5wd", "--procedure", "thu_tuc",
        "-o", str(tmp_path / "a"), "-q", "--format", "dot", "--no-flows",
    )  # fmt: skip
    analysis = json.loads((tmp_path / "a" / "analysis.json").read_text("utf-8"))["deadlines"]
    assert doc["overall"] == analysis["overall"]
    assert doc["procedures"] == analysis["procedures"]
    invoke(
        "compare", str(ROLLOUT), "--split", "2025-04-14", "--calendar", "vn", "--deadline", "5wd",
        "-o", str(tmp_path / "c"), "-q", "--format", "dot", "--no-causes",
    )  # fmt: skip
    cases = json.loads((tmp_path / "c" / "comparison.json").read_text("utf-8"))["cases"]
    periods = {p["period"]: p for p in doc["periods"]}
    assert periods["before"]["late"] / periods["before"]["with_due"] == pytest.approx(
        cases["before_over_deadline_share"]
    )
    assert periods["after"]["late"] / periods["after"]["with_due"] == pytest.approx(
        cases["after_over_deadline_share"]
    )
    assert periods["before"]["on_time_rate"] > 0.9 > 0.5 > periods["after"]["on_time_rate"]


def _vi(value: float) -> str:
    return f"{value:.1%}".replace(".", ",")


def test_rollout_first_page_figures_equal_the_json(rollout: tuple[Path, dict[str, Any]]) -> None:
    out, doc = rollout
    overall = doc["overall"]
    expected = [
        f"{_vi(overall['on_time_rate'])} hồ sơ giải quyết đúng hạn",
        *(_vi(p["on_time_rate"]) for p in doc["periods"]),
        *(_vi(p["on_time_rate"]) for p in doc["procedures"]),
        *(p["procedure"] for p in doc["procedures"]),
        *(f"{p['late']:,}".replace(",", ".") for p in doc["periods"]),
    ]
    markdown = (out / "report.md").read_text("utf-8")
    front = markdown[: markdown.index("## Mục lục")]
    for text in expected:
        assert text in front, text
    for t in doc["late_waits"]["transitions"][:3]:  # a table cell (wrapped in the PDF)
        assert f"| {t['source']} → {t['target']} |" in front
    pdf = out / "report.pdf"
    if not pdf.exists():
        pytest.skip("Chromium or pdftotext is not installed: the PDF's first page is not checked")
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
    )
    page = re.sub(r"\s+", " ", unicodedata.normalize("NFC", done.stdout.decode("utf-8")))
    for text in expected:
        assert text in page, text
    assert "ngày làm việc theo lịch nhà nước Việt Nam" in page


NAIVE = "case,act,end\nc1,A,2025-03-07 16:00\nc1,B,2025-03-10 08:00\n"


def _analyze(tmp_path: Path, *extra: str) -> tuple[dict[str, Any], str]:
    log = write(tmp_path, "naive.csv", NAIVE)
    out = tmp_path / ("o" + str(len(list(tmp_path.iterdir()))))
    args = ["analyze", str(log), "--case", "case", "--activity", "act", "--timestamp", "end"]
    text = invoke(*args, "-o", str(out), "--format", "dot", *extra)
    return json.loads((out / "analysis.json").read_text("utf-8")), text


def test_vietnamese_defaults_to_the_vn_calendar_and_vietnam_time(tmp_path: Path) -> None:
    vi, vi_text = _analyze(tmp_path, "--lang", "vi")
    assert vi["time_basis"] == "working:vn"
    assert vi["log"]["first_event"] == "2025-03-07T16:00:00+07:00"
    # Fri 16:00 -> Mon 08:00 Vietnam time: 1 h on Friday, 0.5 h on Monday
    assert vi["cases"]["duration_max_s"] == 1.5 * H
    assert "Thời gian tính theo ngày làm việc theo lịch nhà nước Việt Nam" in vi_text
    none, none_text = _analyze(tmp_path, "--lang", "vi", "--calendar", "none")
    assert none["time_basis"] == "wall_clock"
    assert none["log"]["first_event"] == "2025-03-07T16:00:00+07:00"  # still Vietnam time
    assert none["cases"]["duration_max_s"] == (2 * 24 + 16) * H
    assert "lịch liên tục 24/7" in none_text
    en, en_text = _analyze(tmp_path)  # English: unchanged, wall clock and UTC
    assert en["time_basis"] == "wall_clock"
    assert en["log"]["first_event"] == "2025-03-07T16:00:00+00:00"
    assert "Durations are calendar time 24/7" in en_text


def test_deadline_options_are_shared(tmp_path: Path) -> None:
    from bottleneck_finder.commands.analyze import analyze
    from bottleneck_finder.commands.compare import compare
    from bottleneck_finder.commands.report import report

    def helps(command: Any) -> dict[str, str | None]:
        return {p.name or "": getattr(p, "help", None) for p in command.params}

    a, c, r = helps(analyze), helps(compare), helps(report)
    assert a["deadline"] == c["deadline"] == r["deadline"]
    assert a["deadline_column"] == r["deadline_column"]
    assert a["procedure"] == r["procedure"]
    result = CliRunner().invoke(cli, ["report", str(ROLLOUT), "--procedure", "thu_tuc", "-q"])
    assert result.exit_code == 2 and "--procedure needs --deadline" in result.output
    result = CliRunner().invoke(
        cli, ["report", str(ROLLOUT), "--lang", "en", "--deadline", "5wd", "-q"]
    )
    assert result.exit_code == 2 and "no calendar is given" in result.output


# the hand log with each case's own due date ("ngày hẹn trả"); c3 has none (--deadline fills in)
DUES = {"c1": "2025-01-06", "c2": "2025-01-08", "c3": "", "c4": "2025-01-25", "c5": "2025-01-21"}


def test_due_date_column_as_in_analyze(tmp_path: Path) -> None:
    lines = HAND.splitlines()
    rows = [lines[0] + ",due"] + [f"{line},{DUES[line.split(',')[0]]}" for line in lines[1:]]
    log = write(tmp_path, "due.csv", "\n".join(rows) + "\n")
    due = ["--deadline-column", "due", "--deadline", "48h"]
    out = tmp_path / "report"
    invoke("report", str(log), *COLS, "--lang", "en", *due, "-o", str(out), *SKIP)
    doc = json.loads((out / "deadlines.json").read_text("utf-8"))
    # c1 due at the end of 06/01, done 13:00; c2 due end of 08/01, done 09/01 (1 day late);
    # c3 by the 48 h fallback; c4 and c5 done before their dates
    overall = doc["overall"]
    assert (overall["on_time"], overall["late"], overall["late_days_max"]) == (4, 1, 1.0)
    assert doc["periods"] == [] and doc["deadline_column"] == "due"
    front = (out / "report.md").read_text("utf-8").split("## Contents")[0]
    assert "the due date in column “due”; cases without one: a time limit of 48 hours" in front
    invoke("analyze", str(log), *COLS, *due, "-o", str(tmp_path / "a"), "-q", "--format", "dot")
    analysis = json.loads((tmp_path / "a" / "analysis.json").read_text("utf-8"))["deadlines"]
    assert doc["overall"] == analysis["overall"]
    assert doc["procedures"] == analysis["procedures"]
