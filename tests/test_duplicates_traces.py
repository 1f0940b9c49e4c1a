"""Exact duplicate rows (kept by default, `--duplicates drop|fail`) and XES traces sharing a
case id (kept apart as `<id>#n` by default, `--merge-traces` to merge), through the CLI and the
Python API, on hand-made logs whose figures are worked out in the comments."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import bottleneck_finder as bf
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.errors import EXIT_CODES, LogValidationError
from bottleneck_finder.io.xes import key_traces_apart
from bottleneck_finder.normalize import NormalizeOptions
from bottleneck_finder.render.quality_text import quality_sentence

from .conftest import shared_log

# case 1: A 08:00, B 09:00, and line 4 repeats line 3 in every column; case 2: A, B two hours
# later. Case 1's B at 09:00 is not a duplicate of anything else (A differs).
DUPLICATED = (
    "case_id,activity,timestamp\n"
    "1,A,2025-01-01 08:00\n"
    "1,B,2025-01-01 09:00\n"
    "1,B,2025-01-01 09:00\n"
    "2,A,2025-01-02 08:00\n"
    "2,B,2025-01-02 10:00\n"
)


def _analyze(tmp_path: Path, log: Path, *extra: str) -> tuple[int, str, dict[str, object]]:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["analyze", str(log), "-o", str(out), "--format", "dot", "-q", *extra]
    )
    document = (
        json.loads((out / "analysis.json").read_text("utf-8")) if result.exit_code == 0 else {}
    )
    return result.exit_code, result.output, document


def _transitions(document: dict[str, object]) -> dict[tuple[str, str], int]:
    rows = document["transitions"]
    assert isinstance(rows, list)
    return {(r["source"], r["target"]): r["count"] for r in rows}


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("warning:")]


@pytest.fixture
def duplicated(tmp_path: Path) -> Path:
    path = tmp_path / "dup.csv"
    path.write_text(DUPLICATED, encoding="utf-8")
    return path


def test_duplicates_kept_by_default_with_one_warning(tmp_path: Path, duplicated: Path) -> None:
    code, output, doc = _analyze(tmp_path, duplicated)
    assert code == 0, output
    # one warning line, even with -q, naming the count and the row
    assert _warnings(output) == [
        "warning: kept 1 row is an exact duplicate of an earlier row (line 4); "
        "pass --duplicates drop to drop them"
    ]
    quality = doc["data_quality"]
    assert isinstance(quality, dict)
    assert quality["rows_read"] == 5 and quality["rows_used"] == 5
    assert quality["kept_duplicates"] == 1 and quality["dropped_duplicates"] == 0
    # the kept row is an event: case 1 is A → B → B (B → B waits 0 s)
    assert _transitions(doc) == {("A", "B"): 2, ("B", "B"): 1}
    assert doc["log"] == {**doc["log"], "events": 5, "cases": 2}  # type: ignore[dict-item]


def test_duplicates_drop_counts_them(tmp_path: Path, duplicated: Path) -> None:
    code, output, doc = _analyze(tmp_path, duplicated, "--duplicates", "drop")
    assert code == 0, output
    assert _warnings(output) == [
        "warning: dropped 1 row is an exact duplicate of an earlier row (line 4)"
    ]
    quality = doc["data_quality"]
    assert isinstance(quality, dict)
    assert quality["rows_used"] == 4
    assert quality["dropped_duplicates"] == 1 and quality["kept_duplicates"] == 0
    assert _transitions(doc) == {("A", "B"): 2}


def test_duplicates_fail_refuses_with_exit_7(tmp_path: Path, duplicated: Path) -> None:
    before = duplicated.read_bytes()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["analyze", str(duplicated), "-o", str(out), "--duplicates", "fail"]
    )
    assert result.exit_code == 7 and EXIT_CODES[7]
    lines = result.output.strip().splitlines()
    assert lines == [
        f"error: {duplicated}: 1 row is an exact duplicate of an earlier row: line 4 — remove "
        "them, or pass --duplicates keep (or drop) to analyse (or drop) them"
    ]
    assert not out.exists() and duplicated.read_bytes() == before


def test_bad_rows_skip_no_longer_decides_duplicates(tmp_path: Path) -> None:
    # line 3 has a bad time (dropped by --bad-rows skip); line 5 repeats line 4 (kept); line 6
    # repeats line 3, bad time included: a bad row, dropped as such and not counted as kept
    log = tmp_path / "mixed.csv"
    log.write_text(
        "case_id,activity,timestamp\n"
        "1,A,2025-01-01 08:00\n"
        "1,B,nonsense\n"
        "1,C,2025-01-01 10:00\n"
        "1,C,2025-01-01 10:00\n"
        "1,B,nonsense\n",
        encoding="utf-8",
    )
    code, output, doc = _analyze(tmp_path, log, "--bad-rows", "skip")
    assert code == 0, output
    quality = doc["data_quality"]
    assert isinstance(quality, dict)
    assert quality["dropped_bad_timestamp"] == 2
    assert quality["kept_duplicates"] == 1 and quality["dropped_duplicates"] == 0
    assert quality["rows_used"] == 3
    assert _transitions(doc) == {("A", "C"): 1, ("C", "C"): 1}
    assert "kept 1 row is an exact duplicate of an earlier row (line 5)" in output
    # a bad row still stops the run by default, whatever --duplicates says
    refused = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(tmp_path / "o2")])
    assert refused.exit_code == 5, refused.output


def test_duplicates_through_the_api(duplicated: Path) -> None:
    kept = load_log(duplicated)
    assert kept.quality.kept_duplicates == 1 and len(kept.events) == 5
    assert quality_sentence(kept.quality.warnings[0]).startswith("kept 1 row is an exact duplicate")
    assert kept.quality.warnings[0].kind == "kept_duplicate"
    dropped = load_log(duplicated, options=NormalizeOptions(duplicates="drop"))
    assert dropped.quality.dropped_duplicates == 1 and len(dropped.events) == 4
    assert dropped.events["row"].tolist() == [0, 1, 3, 4]  # the later copy goes
    with pytest.raises(LogValidationError, match="1 row is an exact duplicate"):
        load_log(duplicated, options=NormalizeOptions(duplicates="fail"))
    # bf.analyze with defaults counts the kept row; bf.load keeps the choice with tz=
    result = bf.analyze(duplicated)
    assert result.analysis.quality.kept_duplicates == 1
    assert int(result.transitions["count"].sum()) == 3
    assert result.document()["data_quality"]["kept_duplicates"] == 1
    with bf.load(duplicated, tz="UTC", options=NormalizeOptions(duplicates="drop")) as log:
        assert log.log.quality.dropped_duplicates == 1
        assert int(bf.analyze(log).transitions["count"].sum()) == 2


# ---------------------------------------------------------------------------- XES traces


def _event(activity: str, time: str) -> str:
    return (
        f'<event><string key="concept:name" value="{activity}"/>'
        f'<date key="time:timestamp" value="{time}"/></event>'
    )


def _trace(case: str, *events: tuple[str, str]) -> str:
    inner = "".join(_event(a, t) for a, t in events)
    return f'<trace><string key="concept:name" value="{case}"/>{inner}</trace>'


def _xes(tmp_path: Path, *traces: str) -> Path:
    path = tmp_path / "log.xes"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><log xes.version="1.0">'
        + "".join(traces)
        + "</log>",
        encoding="utf-8",
    )
    return path


# c1 (A 08:00, B 09:00), c2 (A, B), then a second trace named c1 a day later (A, C)
FIRST = _trace("c1", ("A", "2025-01-01T08:00:00+00:00"), ("B", "2025-01-01T09:00:00+00:00"))
SECOND = _trace("c2", ("A", "2025-01-01T08:30:00+00:00"), ("B", "2025-01-01T10:30:00+00:00"))
AGAIN = _trace("c1", ("A", "2025-01-02T08:00:00+00:00"), ("C", "2025-01-02T12:00:00+00:00"))


def test_traces_sharing_an_id_are_kept_apart(tmp_path: Path) -> None:
    log = _xes(tmp_path, FIRST, SECOND, AGAIN)
    code, output, doc = _analyze(tmp_path, log)
    assert code == 0, output
    assert _warnings(output) == [
        "warning: 1 case id names several XES traces ('c1'): kept 1 later trace apart as "
        "<id>#2, <id>#3, …; pass --merge-traces to merge traces sharing an id"
    ]
    quality = doc["data_quality"]
    assert isinstance(quality, dict)
    assert quality["repeated_trace_ids"] == 1 and quality["traces_keyed_apart"] == 1
    assert doc["log"]["cases"] == 3  # type: ignore[index]
    # no step joins the two c1 traces: A → B twice (1 h, 2 h), A → C once (4 h)
    assert _transitions(doc) == {("A", "B"): 2, ("A", "C"): 1}
    cases = load_log(log).events["case"].astype(str).tolist()
    assert cases == ["c1", "c1", "c2", "c2", "c1#2", "c1#2"]


def test_merge_traces_merges_them(tmp_path: Path) -> None:
    log = _xes(tmp_path, FIRST, SECOND, AGAIN)
    code, output, doc = _analyze(tmp_path, log, "--merge-traces")
    assert code == 0, output
    assert _warnings(output) == []
    quality = doc["data_quality"]
    assert isinstance(quality, dict)
    assert quality["repeated_trace_ids"] == 0 and quality["traces_keyed_apart"] == 0
    assert doc["log"]["cases"] == 2  # type: ignore[index]
    # c1 is A → B → A → C: B 09:00 → A next day 08:00 is one step of 23 h
    assert _transitions(doc) == {("A", "B"): 2, ("B", "A"): 1, ("A", "C"): 1}
    merged = load_log(log, options=NormalizeOptions(merge_traces=True))
    assert merged.events["case"].astype(str).tolist() == ["c1", "c1", "c2", "c2", "c1", "c1"]


def test_identical_traces_are_cases_not_duplicates(tmp_path: Path) -> None:
    # the same trace twice: two cases by default; merged, its events repeat exactly
    log = _xes(tmp_path, FIRST, FIRST)
    apart = load_log(log)
    assert apart.quality.kept_duplicates == 0 and apart.quality.traces_keyed_apart == 1
    assert apart.events["case"].nunique() == 2
    merged = load_log(log, options=NormalizeOptions(merge_traces=True))
    assert merged.quality.kept_duplicates == 2 and merged.events["case"].nunique() == 1
    with pytest.raises(LogValidationError, match="2 rows are exact duplicates"):
        load_log(log, options=NormalizeOptions(merge_traces=True, duplicates="fail"))


def test_key_rule_never_reuses_an_existing_id(tmp_path: Path) -> None:
    # a log that already has a case "c1#2": the second c1 trace becomes c1##2; the third c1#3
    taken = _trace("c1#2", ("A", "2025-01-03T08:00:00+00:00"))
    third = _trace("c1", ("A", "2025-01-04T08:00:00+00:00"))
    log = _xes(tmp_path, FIRST, taken, AGAIN, third)
    events = load_log(log).events
    assert events["case"].astype(str).tolist() == ["c1", "c1", "c1#2", "c1##2", "c1##2", "c1#3"]
    assert load_log(log).quality.traces_keyed_apart == 2


def test_key_traces_apart_directly() -> None:
    # rows: trace 0 (id 0), trace 1 (id 1), trace 2 (id 0), trace 3 (missing id), trace 4 (id 0)
    codes = np.array([0, 0, 1, 0, 0, -1, 0], np.int32)
    trace = np.array([0, 0, 1, 2, 2, 3, 4])
    keys = key_traces_apart(codes, ["a", "b"], trace)
    assert keys.codes.tolist() == [0, 0, 1, 2, 2, -1, 3]
    assert keys.categories == ["a", "b", "a#2", "a#3"]
    assert (keys.repeated_ids, keys.renamed, keys.examples) == (1, 2, ("a",))
    unique = key_traces_apart(np.array([0, 1], np.int32), ["a", "b"], np.array([0, 1]))
    assert unique.renamed == 0 and unique.codes.tolist() == [0, 1]


# ---------------------------------------------------------------------------- a real log


def test_production_runs_with_defaults_and_keeps_its_duplicates(tmp_path: Path) -> None:
    production = shared_log("Production.xes.gz")
    code, output, doc = _analyze(tmp_path, production)
    assert code == 0, output
    quality = doc["data_quality"]
    assert isinstance(quality, dict)
    assert quality["kept_duplicates"] == 120 and quality["dropped_duplicates"] == 0
    assert quality["rows_used"] == quality["rows_read"]
    assert "warning: kept 120 rows are exact duplicates of an earlier row (event #" in output
    dropped = load_log(production, options=NormalizeOptions(duplicates="drop"))
    assert dropped.quality.dropped_duplicates == 120
    assert len(dropped.events) == quality["rows_read"] - 120


def test_report_lists_kept_duplicates_and_traces_kept_apart(tmp_path: Path) -> None:
    csv = tmp_path / "dup.csv"
    csv.write_text(DUPLICATED, encoding="utf-8")
    xes = _xes(tmp_path, FIRST, SECOND, AGAIN)
    for log, row in (
        (csv, "| exact duplicate rows (kept) | 1 |"),
        (xes, "| XES traces sharing a case id (each kept as its own case) | 1 |"),
    ):
        out = tmp_path / f"report-{log.suffix[1:]}"
        result = CliRunner().invoke(
            cli, ["report", str(log), "-o", str(out), "--no-pdf", "--lang", "en", "-q"]
        )
        assert result.exit_code == 0, result.output
        text = (out / "report.md").read_text("utf-8")
        assert row in text
        assert "No row was dropped." not in text
