"""Runs that end cleanly: Ctrl-C and SIGTERM exit 130/143 with one line and leave nothing behind;
a failed write (disk full, a rename refused) leaves an existing output folder exactly as it was."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import bottleneck_finder.io.write as write_module
import bottleneck_finder.reporting.chromium as chromium_module
from bottleneck_finder.cli import cli
from bottleneck_finder.errors import OutputError
from bottleneck_finder.holds import HOLD_S, VARIABLE
from bottleneck_finder.io.write import write_files
from bottleneck_finder.reporting.chromium import find_chromium

SRC = Path(__file__).resolve().parents[1] / "src"
SMALL = b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n1,B,2025-01-01 09:00\n"
STOP_LINES = {
    "SIGINT": "error: interrupted (Ctrl-C): stopped, nothing half-written was left behind\n",
    "SIGTERM": "error: terminated (SIGTERM): stopped, nothing half-written was left behind\n",
}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) by relative name, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def held_run(
    args: list[str], tmp_path: Path, point: str, *, chromium: Path | None = None
) -> tuple[subprocess.Popen[str], Path]:
    """Start the CLI in a child that stops at the hold `point` (see `holds.reached`), and wait
    until it is there: its signal handlers are installed and it is inside that phase. Returns
    the child and its private $TMPDIR (`chromium`, when given: Chromium is used then)."""
    scratch = chromium or tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    marker = tmp_path / "held"
    env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(scratch)}
    env[VARIABLE] = f"{point}={marker}"
    env.pop("BOTTLENECK_DEBUG", None)
    if chromium is not None:
        env.pop("BOTTLENECK_CHROMIUM", None)
    else:
        env["BOTTLENECK_CHROMIUM"] = ""
    process = subprocess.Popen(
        [sys.executable, "-m", "bottleneck_finder", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + HOLD_S
    while not marker.exists():  # no timing guess: the child says when it is held
        if process.poll() is not None:
            raise AssertionError(f"the run ended before {point!r}: {process.communicate()}")
        assert time.monotonic() < deadline, f"the run never reached {point!r}"
        time.sleep(0.02)
    assert marker.read_text() == f"{process.pid}\n"
    marker.unlink()
    return process, scratch


def stop(process: subprocess.Popen[str], name: str) -> str:
    """Send the signal `name`; check the exit code and that stdout stayed empty; the stderr."""
    process.send_signal(getattr(signal, name))
    stdout, stderr = process.communicate(timeout=HOLD_S)
    assert process.returncode == {"SIGINT": 130, "SIGTERM": 143}[name], stderr
    assert stdout == ""
    return stderr


@pytest.mark.parametrize(
    ("name", "command", "point"),
    [
        ("SIGINT", "analyze", "reading"),
        ("SIGTERM", "analyze", "measuring"),
        ("SIGINT", "report", "staged"),
        ("SIGTERM", "discover", "staged"),
    ],
)
def test_a_stop_signal_ends_quietly_leaving_nothing(
    tmp_path: Path, name: str, command: str, point: str
) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    out = tmp_path / "out" / "run"
    extra = ["--no-pdf"] if command == "report" else []
    process, scratch = held_run([command, str(log), "-o", str(out), "-q", *extra], tmp_path, point)
    if point == "staged":  # every file is written aside: the stage is what must go
        assert [p.name.endswith(".partial") for p in (tmp_path / "out").iterdir()] == [True]
        assert not out.exists()
    assert stop(process, name) == STOP_LINES[name]
    assert not (tmp_path / "out").exists()  # neither the folder, the stage, nor their parent
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "tmp"]
    assert log.read_bytes() == SMALL


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_stop_signal_before_the_swap_leaves_an_existing_folder_as_it_was(
    tmp_path: Path, name: str
) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    out = tmp_path / "r"
    args = ["report", str(log), "-o", str(out), "--no-pdf", "-q", "--skip", "drift,causes"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    (out / "report.md").write_text("an older report")
    (out / "notes.txt").write_text("mine")
    before = tree(out)
    process, scratch = held_run(args, tmp_path, "staged")
    assert any(p.name.endswith(".partial") for p in out.iterdir())  # the new files, aside
    assert stop(process, name) == STOP_LINES[name]
    assert tree(out) == before
    assert list(scratch.iterdir()) == []
    assert log.read_bytes() == SMALL


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A temporary folder with a short path, as Chromium needs (see `private_folder`)."""
    folder = Path(tempfile.mkdtemp(prefix="bn-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_stop_signal_while_chromium_runs_stops_it_and_removes_its_files(
    tmp_path: Path, short_tmp: Path, name: str
) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    out = tmp_path / "out"
    args = ["report", str(log), "-o", str(out), "-q", "--skip", "drift,causes"]
    process, scratch = held_run(args, tmp_path, "chromium", chromium=short_tmp)
    held = sorted(p.name for p in scratch.iterdir())
    assert len(held) == 2 and held[0].startswith("bottleneck-chromium-"), held  # and the page
    assert (scratch / held[0] / "profile" / "Default").is_dir()  # Chromium is up
    assert stop(process, name) == STOP_LINES[name]
    assert not out.exists()
    assert list(scratch.iterdir()) == []  # its profile, its own temporary files, report.html
    running = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert held[0] not in running
    assert log.read_bytes() == SMALL


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_a_long_temporary_folder_path_still_gives_a_pdf(
    tmp_path: Path, short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chromium's lock socket lives in $TMPDIR: past ~60 characters it stopped at once ("Chromium
    stopped unexpectedly", no report.pdf). Its folder then goes to the short /tmp."""
    long = tmp_path / ("x" * 80)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    monkeypatch.setattr(chromium_module, "SHORT_TMP", str(short_tmp))
    assert len(str(long)) + len("/bottleneck-chromium-12345678/tmp") > chromium_module.MAX_SCRATCH
    seen: list[str] = []
    real = chromium_module.private_folder

    def spy() -> str:
        seen.append(real())
        return seen[-1]

    monkeypatch.setattr(chromium_module, "private_folder", spy)
    assert chromium_module.html_to_pdf("<p>x</p>").startswith(b"%PDF-")
    assert Path(seen[0]).parent == short_tmp
    assert list(long.iterdir()) == [] and list(short_tmp.iterdir()) == []


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_the_report_leaves_no_temporary_file_chromium_included(tmp_path: Path) -> None:
    """Chromium wrote `org.chromium.Chromium.*` folders into $TMPDIR and left them there."""
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(scratch)}
    env.pop("BOTTLENECK_CHROMIUM", None)
    env.pop(VARIABLE, None)
    args = ["report", str(log), "-o", str(tmp_path / "r"), "-q", "--skip", "drift,causes"]
    done = subprocess.run(
        [sys.executable, "-m", "bottleneck_finder", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert list(scratch.iterdir()) == []


def interrupted_query(signum: int) -> Any:
    """A stand-in for loading the log that does what DuckDB does when a signal arrives during a
    query: the signal's exception is swallowed and RuntimeError('Query interrupted') raised."""

    def load(*_args: Any, **_kwargs: Any) -> Any:
        from bottleneck_finder.cli import Terminated

        with contextlib.suppress(KeyboardInterrupt, Terminated):
            signal.raise_signal(signum)
        raise RuntimeError("Query interrupted")

    return load


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_inside_a_duckdb_query_is_a_stop_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int, code: int
) -> None:
    """DuckDB turns the signal into RuntimeError('Query interrupted'): it was exit 1."""
    import bottleneck_finder.commands.report as report_command

    monkeypatch.setattr(report_command, "load_from_params", interrupted_query(signum))
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(cli, ["report", str(log), "-o", str(tmp_path / "r"), "--no-pdf"])
    assert result.exit_code == code, result.output
    assert result.output == STOP_LINES[signal.Signals(signum).name]
    assert not (tmp_path / "r").exists()
    assert signal.getsignal(signal.SIGTERM) == before  # the command's handlers are undone


def full_disk_after(count: int) -> Any:
    """`open` for write_files whose `count`-th file finds the disk full."""
    calls = {"n": 0}
    real = open

    class Full:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            self.stream.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fake(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        stream = real(path, mode, *args, **kwargs)
        return Full(stream) if calls["n"] == count else stream

    return fake


def test_disk_full_leaves_an_existing_report_folder_exactly_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    out = tmp_path / "r"
    args = ["report", str(log), "-o", str(out), "--no-pdf", "-q", "--skip", "drift,causes"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    (out / "notes.txt").write_text("mine")
    (out / "report.md").write_text("an older report")
    before = tree(out)
    assert any(name.startswith("figures/") for name in before)
    monkeypatch.setattr(write_module, "open", full_disk_after(3), raising=False)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 8, result.output
    assert result.output == (
        f"error: {out}: cannot write the results (No space left on device) — check free space "
        "and permissions, or choose another -o folder\n"
    )
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "r"]


def test_disk_full_on_a_new_folder_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    monkeypatch.setattr(write_module, "open", full_disk_after(2), raising=False)
    target = tmp_path / "a" / "b" / "c"
    result = CliRunner().invoke(cli, ["analyze", str(log), "-q", "-o", str(target)])
    assert result.exit_code == 8, result.output
    assert "No space left on device" in result.output and result.output.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv"]  # a/ and a/b/ removed


def test_a_rename_refused_midway_puts_every_replaced_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_files(out, {"a.txt": "old a", "b.txt": "old b", "figures/c.svg": "old c"})
    (out / "keep.txt").write_text("not ours")
    before = tree(out)
    real = os.rename
    renames: list[tuple[str, str]] = []

    def rename(src: Any, dst: Any) -> None:
        renames.append((str(src), str(dst)))
        if len(renames) == 5:  # a aside, a in, b aside, b in, then c aside fails
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(write_module.os, "rename", rename)
    with pytest.raises(OutputError, match="Input/output error"):
        write_files(out, {"a.txt": "new a", "b.txt": "new b", "figures/c.svg": "new c", "d": "d"})
    monkeypatch.undo()
    assert tree(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["a.txt", "b.txt", "figures", "keep.txt"]
    )


def test_write_files_swaps_in_every_file_and_keeps_the_others(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert write_files(out, {"a.txt": "1", "figures/x.svg": b"<svg/>"}) == [
        out / "a.txt",
        out / "figures" / "x.svg",
    ]
    umask = os.umask(0)
    os.umask(umask)
    assert (out.stat().st_mode & 0o777) == 0o777 & ~umask  # not mkdtemp's private 0700
    assert ((out / "a.txt").stat().st_mode & 0o777) == 0o666 & ~umask
    (out / "mine.txt").write_text("kept")
    write_files(out, {"a.txt": "2", "b.txt": "3"})
    assert tree(out) == {
        "a.txt": b"2",
        "b.txt": b"3",
        "figures/x.svg": b"<svg/>",
        "mine.txt": b"kept",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("name", ["../escape.txt", "/abs.txt", ""])
def test_a_file_name_outside_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError):
        write_files(tmp_path / "out", {name: "x"})
    assert list(tmp_path.iterdir()) == []


def test_an_xes_with_an_unknown_encoding_is_one_line_exit_3(tmp_path: Path) -> None:
    """It was an internal error (LookupError: unknown encoding)."""
    log = tmp_path / "enc.xes"
    log.write_bytes(
        b'<?xml version="1.0" encoding="x-unknown-enc"?>\n<log><trace>'
        b'<string key="concept:name" value="1"/><event><string key="concept:name" value="A"/>'
        b'<date key="time:timestamp" value="2025-01-01T08:00:00"/></event></trace></log>\n'
    )
    result = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(tmp_path / "o")])
    assert result.exit_code == 3, result.output
    assert result.output == (
        f"error: {log}: the XML declares an unknown encoding (unknown encoding: x-unknown-enc) "
        '— save the log as UTF-8 with encoding="UTF-8" in its first line\n'
    )
    assert not (tmp_path / "o").exists()


def test_a_columns_file_that_is_not_utf8_is_one_line_exit_4(tmp_path: Path) -> None:
    """It was an internal error (UnicodeDecodeError)."""
    log = tmp_path / "log.csv"
    log.write_bytes(SMALL)
    mapping = tmp_path / "cols.toml"
    mapping.write_bytes(b'case = "case_id"\nactivity = "ho\xe0t"\n')  # Latin-1
    result = CliRunner().invoke(
        cli, ["analyze", str(log), "--columns", str(mapping), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 4, result.output
    assert result.output.startswith(f"error: {mapping}: is not UTF-8 text (byte ")
    assert result.output.endswith(" cannot be decoded) — save the mapping file as UTF-8\n")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "o").exists()
