"""The flows benchmark's same-answer check finds equal answers equal and each difference."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_flows", ROOT / "benchmarks" / "bench_flows.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A hand-made log: case 1 a(r1) b(r2) a(r1); case 2 a(r1) b(r1); case 3 a(r2) b(r2) a(r1).
# 8 events, 3 cases: 5 directly-following pairs (r1→r2 1, r2→r1 2, r1→r1 1, r2→r2 1).
OURS: dict[str, Any] = {
    "events": 8,
    "cases": 3,
    "arcs": [["a", "b", 3, 10.0], ["b", "a", 2, 5.0]],
    "variants": {"count": 2, "top": [[["a", "b", "a"], 2], [["a", "b"], 1]]},
    "rework": {"a": 2},
    "handoff_level": "resource",
    "handoffs": [["r2", "r1", 2], ["r1", "r2", 1], ["r1", "r1", 1], ["r2", "r2", 1]],
}
PM4PY: dict[str, Any] = {
    "events": 8,
    "cases": 3,
    "arcs": [["b", "a", 2, 5.0], ["a", "b", 3, 10.0]],
    "variants": {"count": 2, "top": [[["a", "b", "a"], 2], [["a", "b"], 1]]},
    "rework": {"a": 2},
    # pm4py's hand-over values: each pair's share of the 5 directly-following pairs
    "handover": [
        ["r1", "r1", 1 / 5],
        ["r1", "r2", 1 / 5],
        ["r2", "r1", 2 / 5],
        ["r2", "r2", 1 / 5],
    ],
}


def test_equal_answers_are_equal() -> None:
    checks = _bench().same_answer(OURS, PM4PY)
    assert {k: ok for k, (ok, _) in checks.items()} == {
        "arcs": True,
        "variants": True,
        "rework": True,
        "handoffs": True,
    }
    assert "4 resource pairs, counts equal (total 5)" in checks["handoffs"][1]


def test_each_difference_is_found() -> None:
    bench = _bench()

    def broken(change: Any) -> dict[str, bool]:
        theirs = copy.deepcopy(PM4PY)
        change(theirs)
        return {k: ok for k, (ok, _) in bench.same_answer(OURS, theirs).items()}

    assert not broken(lambda t: t["variants"].update(count=3))["variants"]
    assert not broken(lambda t: t["variants"]["top"][1].__setitem__(1, 2))["variants"]
    assert not broken(lambda t: t["variants"]["top"].insert(0, [["b"], 5]))["variants"]
    assert not broken(lambda t: t["rework"].update(a=1))["rework"]
    assert not broken(lambda t: t["rework"].update(b=1))["rework"]
    assert not broken(lambda t: t["handover"].pop())["handoffs"]
    assert not broken(lambda t: t["handover"][0].__setitem__(2, 0.3))["handoffs"]
    assert not broken(lambda t: t["arcs"][0].__setitem__(2, 4))["arcs"]
