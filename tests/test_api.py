"""The public Python API (`import bottleneck_finder as bf`) gives what the command line writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import bottleneck_finder as bf
from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS, ROOT

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"


def cli_file(tmp_path: Path, args: list[str], name: str) -> str:
    out = tmp_path / "cli"
    formats = ["--format", "dot"] if args[0] in ("analyze", "compare", "discover") else []
    result = CliRunner().invoke(cli, [*args, "-o", str(out), *formats, "-q"])
    assert result.exit_code == 0, result.output
    return (out / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("extra", [[], ["--calendar", "vn"]], ids=["wall-clock", "working-time"])
def test_analyze_equals_the_cli_document(tmp_path: Path, extra: list[str]) -> None:
    expected = cli_file(tmp_path, ["analyze", str(AFTER), *extra], "analysis.json")
    calendar = "vn" if extra else None
    assert bf.analyze(AFTER, calendar=calendar).to_json() == expected


def test_analyze_takes_a_dataframe_without_changing_it() -> None:
    frame = pd.read_csv(AFTER)
    before = frame.copy()
    from_frame = bf.analyze(frame)
    pd.testing.assert_frame_equal(frame, before)
    from_path = bf.analyze(AFTER)
    pd.testing.assert_frame_equal(from_frame.transitions, from_path.transitions)
    assert from_frame.bottlenecks.iloc[0]["target"] == from_path.bottlenecks.iloc[0]["target"]


def test_a_prepared_log_is_shared_and_left_open() -> None:
    with bf.load(AFTER, calendar="vn") as log:
        first = bf.analyze(log, flows=False)
        again = bf.analyze(log, flows=False)
        assert log.calendar is not None and log.calendar.name == "vn"
        assert first.time_basis == "working:vn"
        pd.testing.assert_frame_equal(first.transitions, again.transitions)
        assert first.flows is None
        assert log.session("lean") is log.session("lean")  # prepared once, still open
    assert first.analysis.log.first_event < first.analysis.log.last_event


def test_bad_input_is_a_bottleneck_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("case,activity\n1,A\n", encoding="utf-8")
    with pytest.raises(bf.BottleneckError):
        bf.analyze(bad)


@pytest.mark.parametrize("extra", [[], ["--calendar", "vn"]], ids=["wall-clock", "working-time"])
def test_compare_split_equals_the_cli_document(tmp_path: Path, extra: list[str]) -> None:
    args = ["compare", str(ROLLOUT), "--split", "2025-04-14", "--deadline", "15d", *extra]
    expected = cli_file(tmp_path, args, "comparison.json")
    calendar = "vn" if extra else None
    result = bf.compare(ROLLOUT, split="2025-04-14", deadline="15d", calendar=calendar)
    assert result.to_json() == expected
    assert len(result.introduced) > 0


def test_compare_two_logs_equals_the_cli_document(tmp_path: Path) -> None:
    expected = cli_file(tmp_path, ["compare", str(BEFORE), str(AFTER)], "comparison.json")
    assert bf.compare(BEFORE, AFTER).to_json() == expected


@pytest.mark.parametrize("extra", [[], ["--calendar", "vn"]], ids=["wall-clock", "working-time"])
def test_drift_equals_the_cli_document(tmp_path: Path, extra: list[str]) -> None:
    expected = cli_file(tmp_path, ["drift", str(ROLLOUT), *extra], "drift.json")
    outcome = bf.drift(ROLLOUT, calendar="vn" if extra else None)
    assert outcome.to_json() == expected
    assert outcome.change_points


def test_causes_equals_the_cli_document(tmp_path: Path) -> None:
    expected = cli_file(tmp_path, ["causes", str(AFTER)], "causes.json")
    assert bf.causes(AFTER).to_json() == expected


def test_discover_equals_the_cli_document(tmp_path: Path) -> None:
    expected = cli_file(tmp_path, ["discover", str(AFTER)], "discovery.json")
    result = bf.discover(AFTER)
    assert result.to_json() == expected
    assert result.model.fitness is not None


def test_one_prepared_log_serves_every_analysis() -> None:
    with bf.load(ROLLOUT) as log:
        split = bf.compare(log, split="2025-04-14")
        found = bf.drift(log)
        assert split.comparison.split.straddling_cases >= 0
        assert found.result.periods > 0
        assert bf.analyze(log, flows=False).analysis.log.cases == len(
            log.log.events["case"].cat.categories
        )


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notebook-style example under "Python API" in README.md runs as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "event_logs").symlink_to(EVENT_LOGS)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    written = (tmp_path / "analysis.json").read_text(encoding="utf-8")
    assert (
        written == bf.analyze(Path("event_logs/one_stop_shop_rollout.csv"), calendar="vn").to_json()
    )
    assert namespace["two_logs"].comparison.split.mode == "logs"  # type: ignore[attr-defined]


def test_report_equals_the_cli_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = pd.Timestamp("2026-01-02 03:04", tz="UTC")
    monkeypatch.setattr(pd.Timestamp, "now", classmethod(lambda cls, tz=None: fixed))
    out = tmp_path / "r"
    args = ["report", str(ROLLOUT), "--split", "2025-04-14", "--no-pdf", "-q", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    made = bf.report(ROLLOUT, split="2025-04-14", generated_at=fixed)
    assert made.markdown == (out / "report.md").read_text(encoding="utf-8")
    assert made.html == (out / "report.html").read_text(encoding="utf-8")
    assert sorted(made.report.figures) == sorted(p.name for p in (out / "figures").iterdir())
