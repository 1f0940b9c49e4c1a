"""Servers for the engine tests: a PostgreSQL started in a temporary folder, one Spark session."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def postgres_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), None where not installed."""
    try:
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if (Path(found) / "initdb").exists() and (Path(found) / "pg_ctl").exists():
            return Path(found)
    except (OSError, subprocess.CalledProcessError):
        pass
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """`command` run as `nobody` when this process is root (initdb refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "nobody", "--", *command]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A libpq connection string to a PostgreSQL server started for this test run (initdb in
    a temporary folder, a free port, the socket in that folder), stopped at the end."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL's server programs are not installed (scripts/ensure-postgresql.sh)")
    folder = Path(tempfile.mkdtemp(prefix="bottleneck-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
    data, port = folder / "data", _free_port()
    subprocess.run(
        _as_server_user(
            [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "bn", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w"]
    subprocess.run(
        _as_server_user([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True
    )
    try:
        yield f"host={folder} port={port} user=bn dbname=postgres"
    finally:
        subprocess.run(_as_server_user([*pg_ctl, "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def spark_master() -> Iterator[str]:
    """`local[2]`, with the process's one Spark session started on it, stopped at the end."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[dev]')")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (scripts/ensure-java.sh)")
    from bottleneck_finder.engine.spark import spark_session, stop_spark

    spark_session("local[2]")
    try:
        yield "local[2]"
    finally:
        stop_spark()
