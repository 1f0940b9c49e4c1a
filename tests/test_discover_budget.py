"""Discovery that always finishes (issue 14): the projection onto the most significant
activities, BPMN only when it is drawn, the time limit and its fallback, the flower warning."""

from __future__ import annotations

import importlib.util
import itertools
import json
import random
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

import bottleneck_finder.api as bf
from bottleneck_finder.analysis import mining
from bottleneck_finder.analysis.discovery import (
    activity_count,
    run_discovery,
    significant_activities,
)
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.errors import BottleneckError

from .conftest import ROOT, write
from .test_flows import FLOWS

# Hand log (end times only): counts A 4, B 3, C 2, D 4, X 1 (14 events); waits before (end of
# the previous step to the end of this one) B 60+120+20 = 200 min, C 10+30 = 40 min,
# D 170+60+30+95 = 355 min, X 5 min; all waiting 600 min. Significance (the process map's,
# analysis/abstraction.py) = the larger of count share and wait share: D max(4/14, 355/600) =
# .592, B max(3/14, 200/600) = .333, A max(4/14, 0) = .286, C max(2/14, 40/600) = .143,
# X max(1/14, 5/600) = .071.
HAND = """case,activity,timestamp
c1,A,2025-01-06 08:00
c1,B,2025-01-06 09:00
c1,C,2025-01-06 09:10
c1,D,2025-01-06 12:00
c2,A,2025-01-06 08:00
c2,B,2025-01-06 10:00
c2,D,2025-01-06 11:00
c3,A,2025-01-06 08:00
c3,C,2025-01-06 08:30
c3,D,2025-01-06 09:00
c4,A,2025-01-06 08:00
c4,B,2025-01-06 08:20
c4,X,2025-01-06 08:25
c4,D,2025-01-06 10:00
"""


def flower_log() -> str:
    """Six activities in every order and number: 40 cases of 3 to 9 random steps (seeded)."""
    rng = random.Random(14)
    rows = ["case,activity,timestamp"]
    for c in range(40):
        t = pd.Timestamp("2025-01-06 08:00")
        for _ in range(rng.randint(3, 9)):
            t += pd.Timedelta(minutes=rng.randint(1, 90))
            rows.append(f"f{c},{rng.choice('ABCDEF')},{t:%Y-%m-%d %H:%M}")
    return "\n".join(rows) + "\n"


def _labels(model: Any) -> set[str]:
    return {str(t.label) for t in model.net.transitions if t.label is not None}


# ------------------------------------------------------------------------------ projection


def test_significance_order_is_hand_computed(tmp_path: Path) -> None:
    log = load_log(write(tmp_path, "h.csv", HAND))
    assert significant_activities(log, None) == ["D", "B", "A", "C", "X"]
    assert significant_activities(log, 2) == ["D", "B"]


# X starts every case and never waits; Y waits 20 min three times (60 of 200 min), Z 40, 50 and
# 50 min (140). Counts X 4, Y 3, Z 3 of 10. Larger share: Z max(.3, .7) = .7, X max(.4, 0) = .4,
# Y max(.3, .3) = .3, so Z, X, Y (a sum of the shares would rank Y 0.6 above X 0.4).
MAX_NOT_SUM = """case,activity,timestamp
c1,X,2025-01-06 08:00
c1,Y,2025-01-06 08:20
c1,Z,2025-01-06 09:00
c2,X,2025-01-06 08:00
c2,Y,2025-01-06 08:20
c2,Z,2025-01-06 09:10
c3,X,2025-01-06 08:00
c3,Y,2025-01-06 08:20
c3,Z,2025-01-06 09:10
c4,X,2025-01-06 08:00
"""


def test_significance_is_the_maps(tmp_path: Path) -> None:
    from bottleneck_finder.analysis.abstraction import abstract_analysis
    from bottleneck_finder.analysis.analyze import analyze

    log = load_log(write(tmp_path, "m.csv", MAX_NOT_SUM))
    assert significant_activities(log, None) == ["Z", "X", "Y"]
    analysis = analyze(log)
    view = abstract_analysis(analysis, activities="all", paths="all")
    assert significant_activities(analysis, None) == list(view.activities)
    assert view.significance["Z"] == pytest.approx(0.7)
    assert view.significance["X"] == pytest.approx(0.4)
    assert view.significance["Y"] == pytest.approx(0.3)


def test_activity_limit_values() -> None:
    assert activity_count("3", 5) == 3
    assert activity_count(3, 5) == 3
    assert activity_count("60%", 5) == 3  # 3.0 exactly
    assert activity_count("50%", 5) == 3  # 2.5 rounds up
    assert activity_count("1%", 5) == 1
    assert activity_count("all", 5) is None and activity_count(" ALL ", 5) is None
    for bad in ("0", "0%", "101%", "x", "-3", ""):
        with pytest.raises(BottleneckError):
            activity_count(bad, 5)


def test_projection_counts_on_the_hand_log(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", HAND)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["discover", str(path), "-o", str(out), "--activities", "3", "--noise", "0"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "discovery.json").read_text("utf-8"))
    assert doc["model"]["activities"] == {
        "limit": "3",
        "total": 5,
        "mined": 3,
        "left_out": 2,  # C and X
        "events_total": 14,
        "events_left_out": 3,  # C twice, X once
        "stepped_down_from": None,  # --activities given: never stepped down
    }
    assert doc["model"]["algorithm"] == "IM"
    # projected onto D, B, A the cases are A B D (c1, c2, c4) and A D (c3): IM fits them all
    assert doc["model"]["fitness"] == 1.0
    assert "Mined on the 3 most significant of 5 activities" in result.stdout
    assert "2 activities and 3 of 14 events (21%) left out" in result.stdout
    assert "2 others (3 events) are not drawn" in (out / "model.svg").read_text("utf-8")
    # the same through the API, and in percent: 60% of 5 activities is 3
    api = bf.discover(path, activities="60%", noise=0.0)
    assert _labels(api.model) == {"A", "B", "D"}
    assert api.document()["model"]["activities"]["events_left_out"] == 3
    # all: nothing left out
    every = bf.discover(path, activities="all", noise=0.0)
    assert every.document()["model"]["activities"]["left_out"] == 0
    assert _labels(every.model) == {"A", "B", "C", "D", "X"}


def test_bad_activities_value_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", HAND)
    result = CliRunner().invoke(cli, ["discover", str(path), "--activities", "lots"])
    assert result.exit_code == 2
    assert "--activities" in result.output


def _wide_log_module() -> Any:
    spec = importlib.util.spec_from_file_location("wide_log", ROOT / "benchmarks" / "wide_log.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_wide_log_is_mined_on_25_activities(tmp_path: Path) -> None:
    """A wide generated log (150 activities): the model holds at most the 25 most significant,
    and the events left out are those of the other activities, counted here with pandas."""
    frame = _wide_log_module().wide_log(150, 200)
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    found = run_discovery(load_log(path))
    p = found.model.projection
    assert p is not None and (p.total, p.mined) == (frame["activity"].nunique(), 25)
    # the significance, computed independently: the larger of count share and share of the
    # wait before it
    f = frame.assign(t=pd.to_datetime(frame["timestamp"])).sort_values(["case_id", "t"])
    f["wait"] = f.groupby("case_id")["t"].diff().dt.total_seconds().fillna(0.0)
    by = f.groupby("activity").agg(n=("t", "size"), w=("wait", "sum"))
    score = pd.concat([by["n"] / by["n"].sum(), by["w"] / by["w"].sum()], axis=1).max(axis=1)
    top = sorted(score.index, key=lambda a: (-score[a], a))[:25]
    assert set(p.names) == set(top)
    assert p.events_left_out == int(by.loc[~by.index.isin(top), "n"].sum())
    assert p.events_total == len(frame)
    assert _labels(found.model) <= set(top)


# ------------------------------------------------------------------------ BPMN only if drawn


def _spy_bpmn(monkeypatch: pytest.MonkeyPatch, marker: Path) -> None:
    """Make pm4py.convert_to_bpmn leave a file behind (the mining runs in a worker process,
    which inherits the patch; a file is how it tells)."""
    import pm4py

    real = pm4py.convert_to_bpmn

    def spy(*args: Any, **kwargs: Any) -> Any:
        with marker.open("a") as f:
            f.write("called\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(pm4py, "convert_to_bpmn", spy)


@pytest.mark.parametrize("miner", ["inductive", "dfg"])
def test_petri_runs_never_convert_to_bpmn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, miner: str
) -> None:
    path = write(tmp_path, "f.csv", FLOWS)
    marker = tmp_path / "bpmn-called"
    _spy_bpmn(monkeypatch, marker)
    out = tmp_path / "petri"
    result = CliRunner().invoke(
        cli,
        ["discover", str(path), "-o", str(out), "-q", "--notation", "petri", "--miner", miner],
    )
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert not (out / "model.bpmn").exists() and (out / "model.pnml").exists()
    api = bf.discover(path, notation="petri", miner=miner)
    assert not marker.exists()
    assert api.model.bpmn is None and api.model.bpmn_xml is None
    # the control: a BPMN run does convert, and writes model.bpmn
    out = tmp_path / "bpmn"
    result = CliRunner().invoke(cli, ["discover", str(path), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert marker.exists() and (out / "model.bpmn").exists()


# ------------------------------------------------------------------------------ time limit


def _slow_unless(*fast: str) -> mining.MineFunction:
    """A miner that sleeps for a minute on every task whose miner is not in `fast`."""

    def mine(task: mining.MiningTask) -> mining.MinedModel:
        if task.miner not in fast:
            time.sleep(60)
        return mining.mine_model(task)

    return mine


def test_time_limit_falls_back_to_imf_on_fewer_activities(tmp_path: Path) -> None:
    log = load_log(write(tmp_path, "h.csv", HAND))
    found = run_discovery(log, miner="heuristics", time_limit=0.5, mine=_slow_unless("inductive"))
    m = found.model
    assert m.fell_back and m.miner == "inductive" and m.algorithm == "IMf"
    assert m.noise == 0.2
    assert m.projection is not None and m.projection.mined == 3  # half of 5, rounded up
    assert _labels(m) <= {"D", "B", "A"}
    assert [w.kind for w in m.warnings] == ["time_limit"]
    doc = bf.DiscoverResult(found).document()["model"]
    assert doc["fell_back"] is True and doc["time_limit_s"] == 0.5
    assert doc["warnings"] == [
        "the heuristics miner on 5 activities did not finish within the 0.5 s time limit; "
        "the model is a simpler IMf model of the 3 most significant activities — try fewer "
        "activities (--activities 3), filter the log, or a longer --time-limit"
    ]


def test_time_limit_then_the_directly_follows_graph(tmp_path: Path) -> None:
    """When the simpler IMf model does not finish either (its budget: 5 s here), the
    directly-follows graph of those activities is the model."""
    log = load_log(write(tmp_path, "h.csv", HAND))
    found = run_discovery(log, time_limit=0.5, mine=_slow_unless("dfg"))
    m = found.model
    assert m.fell_back and (m.miner, m.algorithm) == ("dfg", "dfg")
    assert _labels(m) == {"D", "B", "A"}
    assert (
        "simpler directly-follows graph model"
        in bf.DiscoverResult(found).document()["model"]["warnings"][0]
    )


def test_cli_says_it_fell_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "h.csv", HAND)
    real = mining.mine_model

    def slow_without_noise(task: mining.MiningTask) -> mining.MinedModel:
        if task.noise == 0.0:  # the run's own attempt; the fallback mines with noise 0.2
            time.sleep(60)
        return real(task)

    # the command mines with mining.mine_model, looked up when it runs
    monkeypatch.setattr(mining, "mine_model", slow_without_noise)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["discover", str(path), "-o", str(out), "--noise", "0", "--time-limit", "0.5"]
    )
    assert result.exit_code == 0, result.output
    assert "warning: the inductive miner on 5 activities did not finish within the 0.5 s" in (
        result.stderr
    )
    doc = json.loads((out / "discovery.json").read_text("utf-8"))
    assert doc["model"]["fell_back"] is True and doc["model"]["algorithm"] == "IMf"
    # in Vietnamese too
    vi_args = ["discover", str(path), "-o", str(tmp_path / "vi"), "--noise", "0", "--lang", "vi"]
    vi_args += ["--time-limit", "0.5"]
    result = CliRunner().invoke(
        cli,
        vi_args,
    )
    assert result.exit_code == 0, result.output
    assert "không xong trong giới hạn 0,5 giây" in result.stderr


def test_interrupt_stops_the_worker() -> None:
    """Ctrl-C while the worker mines: the interrupt reaches the caller and the worker is gone."""
    import multiprocessing

    task = mining.MiningTask("inductive", 0.0, None, ({}, {}, {}, {}), None, False)
    children: list[Any] = []

    def interrupt(_elapsed: float) -> None:
        children.extend(multiprocessing.active_children())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mining.mine_within(task, 30.0, mine=_slow_unless(), tick=interrupt)
    assert children and not any(c.is_alive() for c in children)


# ------------------------------------------------------------------------------ flower


def test_flower_warning_on_a_hand_made_flower_log(tmp_path: Path) -> None:
    path = write(tmp_path, "flower.csv", flower_log())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["discover", str(path), "-o", str(out), "--noise", "0"])
    assert result.exit_code == 0, result.output
    model = json.loads((out / "discovery.json").read_text("utf-8"))["model"]
    assert model["flower"] is True
    # pm4py's inductive miner puts each activity in its own loop, all six in parallel: each
    # may follow every other directly, so one loop holds them all, in any order
    assert model["loop_activities"] == 6
    assert model["warnings"] and model["warnings"][0].startswith(
        "the model is a flower or close to one (one loop holds 6 of 6 activities, in almost "
        "any order)"
    )
    # what to try: half the activities, more noise, a filtered log
    assert "--activities 3" in model["warnings"][0] and "--noise" in model["warnings"][0]
    assert "warning: the model is a flower or close to one" in result.stderr


def test_no_flower_warning_on_a_structured_log(tmp_path: Path) -> None:
    found = bf.discover(write(tmp_path, "f.csv", FLOWS), noise=0.0)
    m = found.model
    assert not m.flower and m.warnings == ()
    # Nhập liệu and Thẩm định loop back to each other: 2 of 3 activities, below the minimum
    assert m.loop_activities == 2
    doc = found.document()["model"]
    assert doc["flower"] is False and doc["warnings"] == []


def test_largest_loop_on_hand_made_relations() -> None:
    from bottleneck_finder.analysis.discover import largest_loop

    # a → b → c → d, with d → b back: the loop b, c, d; of its 6 ordered pairs 3 follow directly
    assert largest_loop({("a", "b"), ("b", "c"), ("c", "d"), ("d", "b")}) == (3, 0.5)
    # a flower over x, y, z: every pair both ways
    flower = {(p, q) for p in "xyz" for q in "xyz"}
    assert largest_loop(flower) == (3, 1.0)
    assert largest_loop({("a", "b"), ("b", "c"), ("a", "a")}) == (0, 0.0)  # self-loops only


def test_net_follows_through_silent_steps() -> None:
    """A hand-built net: p0 → a → p1 → b → p2 → c → p3, and p2 → (silent) → p1."""
    from pm4py.objects.petri_net.obj import PetriNet
    from pm4py.objects.petri_net.utils import petri_utils as pu

    from bottleneck_finder.analysis.discover import net_follows

    net = PetriNet("n")
    places = [PetriNet.Place(f"p{i}") for i in range(4)]
    for p in places:
        net.places.add(p)
    ts = {n: PetriNet.Transition(n, None if n == "back" else n) for n in ("a", "b", "c", "back")}
    for t in ts.values():
        net.transitions.add(t)
    for s, t in itertools.chain(
        [(places[0], ts["a"]), (ts["a"], places[1]), (places[1], ts["b"])],
        [(ts["b"], places[2]), (places[2], ts["c"]), (ts["c"], places[3])],
        [(places[2], ts["back"]), (ts["back"], places[1])],
    ):
        pu.add_arc_from_to(s, t, net)
    assert net_follows(net) == {("a", "b"), ("b", "c"), ("b", "b")}
