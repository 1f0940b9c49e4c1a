"""Shared fixtures: paths to shipped and shared logs, and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EVENT_LOGS = ROOT / "event_logs"
SHARED_LOGS = Path(os.environ.get("BOTTLENECK_SHARED_LOGS", ROOT.parent / "shared" / "event_logs"))
RECEIPT = EVENT_LOGS / "08_receipt.xes.gz"

# The terminal tables are as wide as the terminal; the goldens pin the 100-column layout,
# whether pytest runs in a terminal, a pipe or a parallel worker.
os.environ["COLUMNS"] = "100"


def shared_log(name: str) -> Path:
    """A real log from ../shared/event_logs, or skip the test saying why."""
    path = SHARED_LOGS / name
    if not path.exists():
        pytest.skip(f"{name} not found in {SHARED_LOGS} (the shared real-log folder is absent)")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


from .engines import postgres_url, spark_master  # noqa: E402,F401  (session fixtures)
