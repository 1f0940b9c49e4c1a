"""The command line end to end: sample logs, outputs, --json, help, packaging and golden files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli, command_modules, command_names

from .conftest import EVENT_LOGS, ROOT, shared_log
from .test_golden_logs import COMPLETE_ONLY

GOLDEN = ROOT / "tests" / "golden"
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"


def test_sample_log_finds_the_planted_bottleneck(tmp_path: Path) -> None:
    out = tmp_path / "after"
    result = CliRunner().invoke(
        cli, ["analyze", str(AFTER), "-o", str(out), "--format", "svg,png,pdf,dot"]
    )
    assert result.exit_code == 0, result.output
    for name in (
        "analysis.json",
        "transitions.csv",
        "activities.csv",
        "process.svg",
        "process.png",
        "process.pdf",
        "process.dot",
    ):
        assert (out / name).stat().st_size > 0, name
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    top = doc["bottlenecks"][0]
    assert (top["source"], top["target"]) == ("Thẩm định hồ sơ", "Ký số phê duyệt")
    assert doc["wait_definition"] == "start_to_previous_end"
    assert "Ký số phê duyệt" in (out / "process.svg").read_text(encoding="utf-8")
    assert (out / "process.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "process.pdf").read_bytes()[:5] == b"%PDF-"
    # the column announcement names every mapped column
    assert (
        "columns: case='ma_ho_so', activity='buoc', timestamp='thoi_gian_ket_thuc', "
        "start='thoi_gian_bat_dau', resource='can_bo', group='don_vi'" in result.output
    )


def test_json_flag_prints_the_file_contents(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(
        cli, ["analyze", str(AFTER), "-o", str(out), "--json", "-q", "--format", "dot"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads((out / "analysis.json").read_text("utf-8"))


def test_analyze_reports_the_variants_rework_and_handoffs_of_discover(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["-q", "--format", "dot", "--top", "3"]
    result = runner.invoke(cli, ["analyze", str(AFTER), "-o", str(tmp_path / "a"), *args])
    assert result.exit_code == 0, result.output
    done = runner.invoke(cli, ["discover", str(AFTER), "-o", str(tmp_path / "d"), *args])
    assert done.exit_code == 0, done.output
    doc = json.loads((tmp_path / "a" / "analysis.json").read_text("utf-8"))
    found = json.loads((tmp_path / "d" / "discovery.json").read_text("utf-8"))
    for key in ("variant_count", "variants", "rework_summary", "rework", "handoffs"):
        assert doc[key] == found[key], key
    assert doc["variant_count"] == 3 and len(doc["variants"]) == 3
    for name in ("variants.csv", "rework.csv", "handoffs.csv"):
        assert (tmp_path / "a" / name).read_text("utf-8") == (tmp_path / "d" / name).read_text(
            "utf-8"
        )
    assert "Variants: 3 distinct paths over 900 cases" in result.output
    assert "Nhập liệu lại: 900 times in 900 cases (re-typed data)" in result.output

    lean = runner.invoke(
        cli, ["analyze", str(AFTER), "-o", str(tmp_path / "n"), "--no-flows", *args]
    )
    assert lean.exit_code == 0 and "Variants:" not in lean.output
    assert "variants" not in json.loads((tmp_path / "n" / "analysis.json").read_text("utf-8"))
    assert not (tmp_path / "n" / "variants.csv").exists()


def test_flows_are_counted_by_default_at_every_size(tmp_path: Path) -> None:
    import pandas as pd

    result = CliRunner().invoke(
        cli, ["analyze", str(AFTER), "--format", "dot", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "not counted" not in result.output
    document = json.loads((tmp_path / "analysis.json").read_text("utf-8"))
    assert (tmp_path / "variants.csv").exists()
    # the variants by hand: each case's steps in time order (file order for ties)
    events = pd.read_csv(AFTER).reset_index()
    events = events.sort_values(["ma_ho_so", "thoi_gian_ket_thuc", "index"], kind="stable")
    paths = events.groupby("ma_ho_so", sort=False)["buoc"].agg(" → ".join).value_counts()
    assert document["variant_count"] == len(paths)
    assert sorted(v["cases"] for v in document["variants"]) == sorted(paths.tolist())


def test_golden_analysis_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("log.csv").write_text(COMPLETE_ONLY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", "log.csv", "-o", "out", "--format", "dot", "-q"])
    assert result.exit_code == 0, result.output
    got = Path("out/analysis.json").read_text(encoding="utf-8")
    got = got.replace(json.loads(got)["generator"], "GENERATOR")
    golden = GOLDEN / "analysis" / "complete_only.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


def test_default_output_folder_is_under_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("my log.csv").write_text(COMPLETE_ONLY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", "my log.csv", "--format", "dot", "-q"])
    assert result.exit_code == 0
    assert Path("reports/my log/analysis.json").exists()


def test_missing_graphviz_still_writes_everything_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bottleneck_finder.render.graph as graph

    monkeypatch.setattr(graph, "dot_available", lambda: False)
    result = CliRunner().invoke(cli, ["analyze", str(AFTER), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert "Graphviz 'dot' is not installed" in result.output
    assert (tmp_path / "o" / "process.dot").exists()
    assert (tmp_path / "o" / "analysis.json").exists()
    assert not (tmp_path / "o" / "process.svg").exists()


def test_missing_graphviz_in_discover_and_compare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bottleneck_finder.render.graph as graph

    monkeypatch.setattr(graph, "dot_available", lambda: False)
    found = CliRunner().invoke(cli, ["discover", str(AFTER), "-o", str(tmp_path / "d"), "-q"])
    assert found.exit_code == 0, found.output
    assert "model.svg, handoffs.svg could not be drawn; model.dot, handoffs.dot" in found.output
    written = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert "model.dot" in written and "handoffs.dot" in written and "model.svg" not in written
    before = EVENT_LOGS / "one_stop_shop_before.csv"
    args = ["compare", str(before), str(AFTER), "-o", str(tmp_path / "c"), "-q", "--no-causes"]
    compared = CliRunner().invoke(cli, args)
    assert compared.exit_code == 0, compared.output
    assert "comparison graphs were not drawn" in compared.output
    assert (tmp_path / "c" / "comparison.json").exists()
    assert not (tmp_path / "c" / "difference.svg").exists()


def test_large_real_log_graph_prunes_and_says_so(tmp_path: Path) -> None:
    path = shared_log("PermitLog.xes.gz")
    out = tmp_path / "permit"
    result = CliRunner().invoke(cli, ["analyze", str(path), "-o", str(out), "--format", "dot"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "analysis.json").read_text("utf-8"))
    assert doc["log"]["cases"] == 6426 and doc["log"]["activities"] == 49
    assert len(doc["transitions"]) > 60
    dot = (out / "process.dot").read_text("utf-8")
    assert "Hidden: " in dot  # the legend counts what is hidden
    assert doc["columns"]["group"] == "org:role"


@pytest.mark.parametrize("args", [["--help"], ["analyze", "--help"]])
def test_help_has_an_example(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert "Example" in result.output and "bottleneck analyze" in result.output


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )


def test_every_command_is_one_module_named_like_it() -> None:
    # adding a command is adding a module to commands/: the group lists exactly those modules
    # that define a click command under their own name; the rest are the shared helpers
    import importlib

    import click

    import bottleneck_finder.commands as package

    helpers = {"options", "loading"}
    names = command_names()
    assert names == sorted(set(command_modules()) - helpers)
    known = {"analyze", "anonymize", "causes", "compare", "discover", "drift", "report"}
    assert known <= set(names)
    for name in names:
        command = getattr(importlib.import_module(f"{package.__name__}.{name}"), name)
        assert isinstance(command, click.Command) and command.name == name
        assert cli.get_command(click.Context(cli), name) is command
    for name in helpers:
        assert cli.get_command(click.Context(cli), name) is None
    listed = CliRunner().invoke(cli, ["--help"])
    assert listed.exit_code == 0
    section = listed.output.split("Commands:")[1].split("Example")[0]
    assert [line.split()[0] for line in section.splitlines() if line.strip()] == names


def test_commands_never_import_the_group() -> None:
    # the group imports the commands (lazily); a command importing cli.py would be a cycle
    import bottleneck_finder.commands as package

    folder = Path(package.__file__).parent
    for module in folder.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "..cli import" not in text and "bottleneck_finder.cli" not in text, module.name


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(cli, ["discovr"])
    assert result.exit_code == 2
    assert "No such command 'discovr'. Did you mean 'discover'?" in result.output


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_help_and_is_listed(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {command} [OPTIONS]" in result.output
    listed = CliRunner().invoke(cli, ["--help"])
    assert f"\n  {command} " in listed.output


@pytest.mark.parametrize("command", ["", *command_names()])
def test_help_does_not_load_heavy_libraries(command: str) -> None:
    args = [command, "--help"] if command else ["--help"]
    done = run_python(
        "import sys\n"
        "from bottleneck_finder.cli import cli\n"
        f"try:\n    cli({args!r})\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'pm4py', 'duckdb', 'scipy', 'matplotlib', 'ruptures')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    assert done.returncode == 0, done.stderr


def test_import_pandas_still_works_without_warnings() -> None:
    # A package named `bottleneck` would shadow pydata Bottleneck, which pandas imports.
    done = run_python(
        "import importlib.util, pandas, bottleneck_finder\n"
        "spec = importlib.util.find_spec('bottleneck')\n"
        "assert spec is None or 'bottleneck_finder' not in str(spec.origin)\n"
        "bottleneck_finder.LogColumns\n"
    )
    assert done.returncode == 0, done.stderr


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bottleneck_finder", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "analyze" in done.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "bottleneck"
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "version" in done.stdout
