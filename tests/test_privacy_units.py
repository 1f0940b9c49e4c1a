"""A unit too small to hide its officers is never named beside one: report and anonymize."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.reporting import ReportOptions, build_report, make_context, measure
from bottleneck_finder.reporting.privacy import small_units

from .conftest import EVENT_LOGS

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
KEY = "a-secret-key-only-the-team-keeps-2025"
STAMP = pd.Timestamp("2026-01-01T00:00:00Z")


def signer_log(path: Path) -> Path:
    """Nine dossiers: three clerks of the front desk receive and deliver; the mayor, alone in
    the mayor's office, signs every one after a long wait (bottleneck #1 is Receive → Sign)."""
    rows = []
    t0 = pd.Timestamp("2026-03-02 08:00")
    for i in range(9):
        start = t0 + pd.Timedelta(days=i)
        clerk = f"Clerk {'ABC'[i % 3]}"
        rows.append((f"c{i}", "Receive", start, start + pd.Timedelta(minutes=10), clerk, "Front"))
        sign = start + pd.Timedelta(hours=20 + i)
        rows.append(
            (f"c{i}", "Sign", sign, sign + pd.Timedelta(minutes=5), "Mayor Nguyen", "Mayor office")
        )
        end = sign + pd.Timedelta(hours=1)
        rows.append((f"c{i}", "Deliver", end, end + pd.Timedelta(minutes=5), clerk, "Front"))
    frame = pd.DataFrame(rows, columns=["case", "activity", "start", "end", "officer", "unit"])
    frame.to_csv(path, index=False)
    return path


def who_rows(markdown: str) -> list[list[str]]:
    """The rows of the 'who receives the work at bottleneck #1' table of a Markdown report."""
    part = markdown.split("Who receives the work at bottleneck #1", 1)[1]
    table = part.split("\n\n")[2]  # heading, intro, table
    return [
        [c.strip() for c in line.strip("| ").split("|")]
        for line in table.splitlines()[2:]
        if line.startswith("|")
    ]


def markdown_of(path: Path, **options: object) -> str:
    data = measure(load_log(path))
    ctx = make_context(data, ReportOptions(lang="en", **options))  # type: ignore[arg-type]
    return str(build_report(ctx, generated_at=STAMP, pdf=False).files["report.md"])


def test_unit_members_are_the_distinct_officers_of_each_unit() -> None:
    """The unit sizes the rule uses, against pandas on the bundled sample."""
    data = measure(load_log(AFTER))
    raw = pd.read_csv(AFTER, dtype=str)
    expected = raw.groupby("don_vi")["can_bo"].nunique().sort_index()
    got = data.unit_members.set_index("group")["members"].sort_index()
    assert got.to_dict() == expected.to_dict()
    assert small_units([data.unit_members], 3) == frozenset(expected[expected < 3].index)


def test_the_only_signer_is_not_named_by_their_unit(tmp_path: Path) -> None:
    log = signer_log(tmp_path / "log.csv")
    rows = who_rows(markdown_of(log))
    assert rows == [[rows[0][0], "other units", "9", rows[0][3], "100%", rows[0][5]]]
    assert rows[0][0].startswith("Officer ")
    # a unit of three is named; with k = 1 or without anonymization the small one is named too
    assert who_rows(markdown_of(log, min_unit_size=1))[0][1] == "Mayor office"
    named = who_rows(markdown_of(log, anonymize=False))
    assert named[0][:2] == ["Mayor Nguyen", "Mayor office"]


def test_the_report_command_takes_min_unit_size(tmp_path: Path) -> None:
    log = signer_log(tmp_path / "log.csv")
    for k, unit in ((3, "other units"), (1, "Mayor office")):
        out = tmp_path / f"r{k}"
        args = ["report", str(log), "-o", str(out), "--no-pdf", "-q", "--lang", "en"]
        result = CliRunner().invoke(
            cli, [*args, "--min-unit-size", str(k), "--skip", "drift,causes,model,flows"]
        )
        assert result.exit_code == 0, result.output
        assert who_rows((out / "report.md").read_text("utf-8"))[0][1] == unit
    bad = CliRunner().invoke(cli, ["report", str(log), "--min-unit-size", "0"])
    assert bad.exit_code == 2 and "--min-unit-size" in bad.output


@pytest.mark.parametrize("k", [3, 5, 6])
def test_anonymize_merges_units_smaller_than_k(tmp_path: Path, k: int) -> None:
    out = tmp_path / "shared.csv"
    result = CliRunner().invoke(
        cli,
        ["anonymize", str(AFTER), "-o", str(out), "--min-unit-size", str(k), "--lang", "en"],
        env={"BOTTLENECK_KEY": KEY},
    )
    assert result.exit_code == 0, result.output
    raw, shared = pd.read_csv(AFTER, dtype=str), pd.read_csv(out, dtype=str)
    sizes = raw.groupby("don_vi")["can_bo"].nunique()
    small = set(sizes[sizes < k].index)
    want = raw["don_vi"].where(~raw["don_vi"].isin(small), "unit-other")
    assert shared["don_vi"].tolist() == want.tolist()
    assert f"merged {len(small)} units of fewer than {k} officers (column don_vi)" in result.output
    for name in small:
        assert name not in set(shared["don_vi"])


def test_anonymize_keeps_every_unit_with_k_1(tmp_path: Path) -> None:
    out = tmp_path / "shared.csv"
    result = CliRunner().invoke(
        cli,
        ["anonymize", str(AFTER), "-o", str(out), "--min-unit-size", "1"],
        env={"BOTTLENECK_KEY": KEY},
    )
    assert result.exit_code == 0, result.output
    raw, shared = pd.read_csv(AFTER, dtype=str), pd.read_csv(out, dtype=str)
    assert shared["don_vi"].tolist() == raw["don_vi"].tolist()
    assert "unit-other" not in result.output
