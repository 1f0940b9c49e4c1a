"""Every bad input gets one line naming the file and the fix, a documented exit code, no output."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.errors import EXIT_CODES

from .conftest import RECEIPT

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<log><trace><string key="concept:name" value="&lol3;"/></trace></log>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<log><trace><string key="concept:name" value="&xxe;"/></trace></log>
"""

CASES: dict[str, tuple[bytes, int, str]] = {
    # name: (content, exit code, expected words in the message)
    "bad_time.csv": (
        b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n1,B,31/02/2025\n",
        5,
        "1 timestamp in column 'timestamp' cannot be parsed as ISO8601: line 3",
    ),
    "misnamed.csv": (
        b"case_id,activity,ts\n1,A,2025-01-01 08:00\n",
        4,
        "no timestamp column found",
    ),
    "header_only.csv": (b"case_id,activity,timestamp\n", 6, "no events"),
    "empty.csv": (b"", 6, "empty"),
    "binary.csv.bin": (bytes(range(256)) * 8, 3, "binary file"),
    "bomb.xes": (BOMB.encode(), 3, "refused"),
    "external.xes": (EXTERNAL.encode(), 3, "refused"),
    "end_before_start.csv": (
        b"case_id,activity,start_time,end_time\n1,A,2025-01-01 09:00,2025-01-01 08:00\n",
        7,
        "1 row ends ('end_time') before it starts ('start_time'): line 2",
    ),
    "extra_field.csv": (
        b"case_id,activity,timestamp\n1,A,2025-01-01 08:00,extra\n",
        3,
        "more fields than the header",
    ),
    "ragged.csv": (
        b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n1,B,2025-01-01,x\n",
        3,
        "line 3 has 4 fields but the header has 3",
    ),
    "open_quote.csv": (b'case_id,activity,timestamp\n1,"A,2025-01-01 08:00\n', 3, "unclosed quote"),
    "latin1.csv": (
        b"case_id,activity,timestamp\n1,Caf\xe9,2025-01-01 08:00\n",
        3,
        "not UTF-8 or UTF-16",
    ),
    "missing_case.csv": (
        b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n,B,2025-01-01 09:00\n",
        7,
        "without a case id or activity name",
    ),
    "not_xes.xes": (b"<?xml version='1.0'?><html><body/></html>", 3, "no <log> element"),
    "bad_parquet.parquet": (b"PAR1" + b"\x00" * 100, 3, "not a readable Parquet file"),
}


def truncated_gz() -> bytes:
    return RECEIPT.read_bytes()[:3000]


def truncated_xes() -> bytes:
    return gzip.decompress(RECEIPT.read_bytes())[:50000]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_bad(tmp_path: Path, name: str, content: bytes, *extra: str) -> tuple[int, str, Path]:
    log = tmp_path / name
    log.write_bytes(content)
    before = digest(log)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(out), *extra])
    assert digest(log) == before, "the input file was changed"
    assert not out.exists(), "output was written for a failed input"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output, log


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_one_line_and_exit_code(tmp_path: Path, name: str) -> None:
    content, code, words = CASES[name]
    exit_code, output, log = run_bad(tmp_path, name, content)
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"error: {log}: ") or lines[0].startswith("error: "), output
    assert str(log) in lines[0]
    assert words in lines[0]
    assert " — " in lines[0], "the message must say how to fix it"
    assert exit_code == code and code in EXIT_CODES


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("cut.xes.gz", truncated_gz, "complete, uncorrupted copy"),
        ("cut.xes", truncated_xes, "truncated"),
    ],
)
def test_truncated_files(tmp_path: Path, name: str, make, words: str) -> None:  # type: ignore[no-untyped-def]
    exit_code, output, _ = run_bad(tmp_path, name, make())
    assert exit_code == 3 and words in output and len(output.strip().splitlines()) == 1


def test_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "nope.csv")])
    assert result.exit_code == 3 and "no such file" in result.output


def test_misnamed_option_suggests_the_nearest_column(tmp_path: Path) -> None:
    code, output, _ = run_bad(
        tmp_path,
        "log.csv",
        b"case_id,activity,thoi_gian\n1,A,2025-01-01\n",
        "--timestamp",
        "thoi_gan",
    )
    assert code == 4 and "did you mean 'thoi_gian'?" in output


def test_unknown_time_zone(tmp_path: Path) -> None:
    code, output, _ = run_bad(
        tmp_path, "log.csv", b"case_id,activity,timestamp\n1,A,2025-01-01\n", "--tz", "Mars/Base"
    )
    assert code == 5 and "unknown time zone 'Mars/Base'" in output


def test_bad_columns_file(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\ncase = "id"\nfoo = "x"\n', encoding="utf-8")
    code, output, _ = run_bad(
        tmp_path, "log.csv", b"id,activity,timestamp\n1,A,2025-01-01\n", "--columns", str(mapping)
    )
    assert code == 4 and "unknown key 'foo'" in output


def test_bad_rows_skip_drops_with_a_warning(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(
        b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n1,B,nonsense\n1,C,2025-01-01 10:00\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["analyze", str(log), "-o", str(out), "--bad-rows", "skip", "--format", "dot"]
    )
    assert result.exit_code == 0, result.output
    assert "warning: dropped 1 timestamp in column 'timestamp' cannot be parsed" in result.output
    assert "A → C" in result.output
    # -q silences progress and the column announcement, never the dropped rows
    quiet = CliRunner().invoke(
        cli, ["analyze", str(log), "-o", str(out), "--bad-rows", "skip", "--format", "dot", "-q"]
    )
    assert quiet.exit_code == 0 and "warning: dropped 1 timestamp" in quiet.output
    assert "columns:" not in quiet.output


def test_unwritable_output_is_a_clean_error(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n1,B,2025-01-01 09:00\n")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(
        cli, ["analyze", str(log), "-o", str(blocker / "sub"), "--format", "dot"]
    )
    assert result.exit_code == 8 and "cannot create the output folder" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["analyze"],
        ["compare", "--split", "2025-01-01"],
        ["drift"],
        ["causes"],
        ["discover"],
        ["report", "--no-pdf"],
    ],
    ids=lambda a: a[0],
)
def test_output_folder_that_is_a_file_is_one_line_exit_8(tmp_path: Path, args: list[str]) -> None:
    """It was click's three-line usage error (exit 2), raised before the log was even read."""
    log = tmp_path / "log.csv"
    log.write_bytes(b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n")
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(cli, [args[0], str(log), *args[1:], "-o", str(blocker)])
    assert result.exit_code == 8, result.output
    assert result.output == (
        f"error: {blocker}: is a file, not a folder — choose another -o folder, or move the "
        "file away\n"
    )
    assert blocker.read_text() == "not a folder"


def test_anonymize_output_file_that_is_a_folder_is_one_line_exit_8(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n")
    folder = tmp_path / "shared"
    folder.mkdir()
    result = CliRunner().invoke(
        cli, ["anonymize", str(log), "-o", str(folder)], env={"BOTTLENECK_KEY": "k" * 32}
    )
    assert result.exit_code == 8, result.output
    assert result.output == f"error: {folder}: is a folder, not a file — give a file name with -o\n"
    assert list(folder.iterdir()) == []
