"""Every shared real log through every command with default options: each run exits 0.

The logs are ../shared/event_logs (SOURCES.md there); the test skips, saying why, where that
folder is absent. `compare` is given the log against itself (its only required input besides
the log is a second log or a split date), `report` runs without the PDF. The one refusal
kept is `causes` on a log that records no resource at all (the drift benchmark): waiting causes
are defined by who does the work, so it stops with one line naming `--resource` (exit 4).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli

from .conftest import SHARED_LOGS, shared_log

LOGS = sorted(p.name for p in SHARED_LOGS.glob("*.gz")) if SHARED_LOGS.exists() else []
NO_RESOURCE = {"sudden_time_noise0_1000_baseline.csv.gz"}  # case, activity, time only
COMMANDS: dict[str, list[str]] = {
    "analyze": ["--format", "dot"],
    "causes": [],
    "drift": [],
    "discover": ["--format", "dot"],
    "report": ["--no-pdf"],
}


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", LOGS or ["(no shared logs)"])
def test_every_command_accepts_every_real_log(tmp_path: Path, name: str, command: str) -> None:
    path = shared_log(name)
    before = path.read_bytes()
    out = tmp_path / "out"
    args = [command, str(path), "-o", str(out), "-q", *COMMANDS[command]]
    result = CliRunner().invoke(cli, args)
    assert path.read_bytes() == before
    if command == "causes" and name in NO_RESOURCE:
        assert result.exit_code == 4, result.output
        assert result.stderr.count("error:") == 1 and "--resource" in result.stderr
        assert not out.exists()
        return
    assert result.exit_code == 0, result.output
    assert any(out.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("name", LOGS or ["(no shared logs)"])
def test_compare_accepts_every_real_log(tmp_path: Path, name: str) -> None:
    path = shared_log(name)
    out = tmp_path / "out"
    args = ["compare", str(path), str(path), "-o", str(out), "-q", "--format", "dot"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (out / "comparison.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", LOGS or ["(no shared logs)"])
def test_explore_opens_every_real_log(name: str) -> None:
    """`explore`'s first view of each shared log, as its page asks for it: a map with boxes
    and arrows, its figures, and no real case id in what the page receives."""
    from bottleneck_finder.api import load_log
    from bottleneck_finder.explore.session import Explorer
    from bottleneck_finder.explore.state import ViewState

    log = load_log(shared_log(name))
    explorer = Explorer(log)
    try:
        view = explorer.view(ViewState())
    finally:
        explorer.close()
    assert not view["empty"] and view["kept"] == view["total"] == log.events["case"].nunique()
    assert view["svg"].count('class="node"') >= 2 and 'class="edge"' in view["svg"]
    assert view["figures"] and view["shown"]["activities"] >= 1
    first = str(log.events["case"].cat.categories[0])
    assert len(first) < 4 or first not in str(view)
