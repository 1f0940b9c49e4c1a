"""model.bpmn and model.pnml are byte-identical between identical runs (issue 13, item 7):
pm4py's random and id()-based ids are replaced by ids derived from the model's structure."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.model_ids import stable_xml
from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS, RECEIPT

UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def pm4py() -> Any:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import pm4py as pm
    return pm


def discover_files(tmp_path: Path, name: str, log: Path, *extra: str) -> dict[str, bytes]:
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["discover", str(log), "-o", str(out), "-q", *extra])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize(
    ("log", "extra"),
    [
        (EVENT_LOGS / "one_stop_shop_before.csv", ()),
        (RECEIPT, ("--miner", "heuristics")),
        (RECEIPT, ("--miner", "dfg")),
    ],
)
def test_two_discover_runs_are_byte_identical(
    tmp_path: Path, log: Path, extra: tuple[str, ...]
) -> None:
    first = discover_files(tmp_path, "one", log, *extra)
    second = discover_files(tmp_path, "two", log, *extra)
    assert {"model.bpmn", "model.pnml"} <= set(first)
    assert first == second
    for name in ("model.bpmn", "model.pnml"):
        assert not UUID.search(first[name]), name
        assert b"imdf_net_" not in first[name]


def test_the_same_model_exported_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    pm = pm4py()
    from pm4py.objects.bpmn.exporter.variants import etree as bpmn_exporter
    from pm4py.objects.petri_net.exporter.variants import pnml as pnml_exporter

    tree = pm.parse_process_tree("->('A', X('B', tau), +('C', 'D'), *('E', tau))")
    raw_bpmn = [bytes(bpmn_exporter.get_xml_string(pm.convert_to_bpmn(tree))) for _ in range(2)]
    nets = [pm.convert_to_petri_net(tree) for _ in range(2)]
    raw_pnml = [pnml_exporter.export_petri_as_string(*n) for n in nets]
    raw_pnml = [r if isinstance(r, bytes) else str(r).encode() for r in raw_pnml]
    assert raw_bpmn[0] != raw_bpmn[1]  # pm4py's own ids differ between the two exports
    assert stable_xml(raw_bpmn[0]) == stable_xml(raw_bpmn[1])
    assert stable_xml(raw_pnml[0]) == stable_xml(raw_pnml[1])
    # the renamed files are still the same model for pm4py
    (tmp_path / "m.bpmn").write_bytes(stable_xml(raw_bpmn[0]))
    (tmp_path / "m.pnml").write_bytes(stable_xml(raw_pnml[0]))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        bpmn = pm.read_bpmn(str(tmp_path / "m.bpmn"))
        net, im, fm = pm.read_pnml(str(tmp_path / "m.pnml"))
    original = pm.convert_to_bpmn(tree)
    assert len(bpmn.get_nodes()) == len(original.get_nodes())
    assert len(bpmn.get_flows()) == len(original.get_flows())
    names = sorted(str(n.get_name()) for n in bpmn.get_nodes() if str(n.get_name()) in set("ABCDE"))
    assert names == ["A", "B", "C", "D", "E"]
    ref_net = nets[0][0]
    assert len(net.places) == len(ref_net.places) and len(net.arcs) == len(ref_net.arcs)
    labels = sorted(str(t.label) for t in net.transitions if t.label)
    assert labels == sorted(str(t.label) for t in ref_net.transitions if t.label)
    assert sum(im.values()) == 1 and sum(fm.values()) == 1
    # the renamed net still replays a trace of the tree: A, then C and D, then E
    trace = pd.DataFrame(
        {
            "case:concept:name": ["1"] * 4,
            "concept:name": ["A", "D", "C", "E"],
            "time:timestamp": pd.date_range("2024-01-01", periods=4, tz="UTC"),
        }
    )
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        fitness = pm.fitness_token_based_replay(trace, net, im, fm)["log_fitness"]
    assert fitness == pytest.approx(1.0)
