"""Runs that end cleanly: Ctrl-C and SIGTERM exit 130/143 with one line and leave nothing behind;
a failed write (disk full, a rename refused) leaves an existing output folder exactly as it was."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import bottleneck_finder.io.write as write_module
from bottleneck_finder.cli import cli
from bottleneck_finder.errors import OutputError
from bottleneck_finder.io.write import write_files

SRC = Path(__file__).resolve().parents[1] / "src"
SMALL = b"case_id,activity,timestamp\n1,A,2025-01-01 08:00\n1,B,2025-01-01 09:00\n"
STOP_LINES = {
    "SIGINT": "error: interrupted (Ctrl-C): stopped, nothing half-written was left behind\n",
    "SIGTERM": "error: terminated (SIGTERM): stopped, nothing half-written was left behind\n",
}


def big_log(path: Path, events: int = 3_000_000) -> Path:
    """A five-step process, `events` events, as Parquet (quick to write, a few seconds to run)."""
    rng = np.random.default_rng(1)
    cases = np.repeat(np.arange(events // 5), 5)
    seconds = cases * 600 + np.tile(np.arange(5), events // 5) * 3600 + rng.integers(0, 600, events)
    pd.DataFrame(
        {
            "case_id": cases.astype(str),
            "activity": np.tile(np.array(list("ABCDE")), events // 5),
            "timestamp": np.datetime64("2024-01-01") + seconds.astype("timedelta64[s]"),
            "resource": rng.integers(0, 50, events).astype(str),
        }
    ).to_parquet(path)
    return path


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) by relative name, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def start(args: list[str], tmp: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(tmp), "BOTTLENECK_CHROMIUM": ""}
    env.pop("BOTTLENECK_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bottleneck_finder", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_module(process: subprocess.Popen[str], name: str, timeout: float = 60.0) -> None:
    """Wait until the process has loaded the library `name` (it is then inside the command)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if name in Path(f"/proc/{process.pid}/maps").read_text():
            return
        time.sleep(0.02)
    raise AssertionError(f"{name} never loaded")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("name", "command", "code"),
    [("SIGINT", "analyze", 130), ("SIGTERM", "report", 143), ("SIGINT", "report", 130)],
)
def test_a_stop_signal_ends_quietly_leaving_nothing(
    tmp_path: Path, name: str, command: str, code: int
) -> None:
    log = big_log(tmp_path / "big.parquet")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "out" / "run"
    extra = ["--no-pdf"] if command == "report" else []
    process = start([command, str(log), "-o", str(out), "-q", *extra], scratch)
    wait_for_module(process, "_duckdb")  # the log is being read or analyzed
    time.sleep(0.3)
    process.send_signal(getattr(signal, name))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert stderr == STOP_LINES[name]
    assert stdout == ""
    assert not out.exists() and not (tmp_path / "out").exists()
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.parquet", "tmp"]


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
