"""Time `bottleneck discover` on PermitLog against pm4py's own discovery of the same model.

Each side runs in a fresh child process, one after the other, and reports its stages, its peak
memory and its figures; the figures must agree (same model, same fitness and precision, same
variant count). Usage: `python benchmarks/bench_discover.py [LOG]` (default: PermitLog.xes.gz
in ../shared/event_logs). Prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import contextlib
import io
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_LOG = HERE.parent.parent / "shared" / "event_logs" / "PermitLog.xes.gz"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_ours(path: str) -> dict[str, float]:
    """The command's work through the API, as `bottleneck discover` runs it, in stages."""
    began = time.perf_counter()
    from bottleneck_finder.analysis.discovery import run_discovery
    from bottleneck_finder.api import load_log
    from bottleneck_finder.render.discovery_text import discovery_files

    t_import = time.perf_counter()
    log = load_log(path)
    t_read = time.perf_counter()
    # every activity, as pm4py mines them (the command mines the 25 most significant)
    found = run_discovery(log, miner="inductive", notation="bpmn", noise=0.2, activities="all")
    t_run = time.perf_counter()
    files, _ = discovery_files(found, ["svg"])
    t_out = time.perf_counter()
    return {
        "imports_s": t_import - began,
        "read_normalize_s": t_read - t_import,
        "discover_s": t_run - t_read,
        "outputs_s": t_out - t_run,
        "total_s": t_out - began,
        "peak_mib": _peak_mib(),
        "fitness": float(found.model.fitness),
        "precision": float(found.model.precision),
        "variants": float(found.variants.count),
        "transitions": float(len(found.model.net.transitions)),
        "svg_bytes": float(len(files["model.svg"])),
    }


def worker_pm4py(path: str) -> dict[str, float]:
    """pm4py alone: read the XES, mine IMf (noise 0.2), replay fitness and precision, variants."""
    began = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import pm4py
        import pm4py.util.constants as constants

        constants.SHOW_PROGRESS_BAR = False
        t_import = time.perf_counter()
        frame = pm4py.read_xes(path)
        t_read = time.perf_counter()
        net, im, fm = pm4py.discover_petri_net_inductive(frame, noise_threshold=0.2)
        t_mine = time.perf_counter()
        fitness = pm4py.fitness_token_based_replay(frame, net, im, fm)["log_fitness"]
        precision = pm4py.precision_token_based_replay(frame, net, im, fm)
        t_quality = time.perf_counter()
        variants = len(pm4py.get_variants(frame))
        bpmn = pm4py.convert_to_bpmn(net, im, fm)
        with tempfile.TemporaryDirectory() as folder:
            pm4py.write_bpmn(bpmn, str(Path(folder) / "m.bpmn"))
            pm4py.write_pnml(net, im, fm, str(Path(folder) / "m.pnml"))
        t_out = time.perf_counter()
    return {
        "imports_s": t_import - began,
        "read_normalize_s": t_read - t_import,
        "mine_s": t_mine - t_read,
        "quality_s": t_quality - t_mine,
        "outputs_s": t_out - t_quality,
        "total_s": t_out - began,
        "peak_mib": _peak_mib(),
        "fitness": float(fitness),
        "precision": float(precision),
        "variants": float(variants),
        "transitions": float(len(net.transitions)),
    }


def child(side: str, path: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", side, path],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        work = worker_ours if sys.argv[2] == "ours" else worker_pm4py
        print(json.dumps(work(sys.argv[3])))
        return
    path = str(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LOG)
    started = time.perf_counter()
    out = tempfile.mkdtemp(prefix="bench-discover-")
    cli = subprocess.run(
        [str(Path(sys.executable).parent / "bottleneck"), "discover", path, "-q", "-o", out],
        capture_output=True,
        text=True,
        check=True,
    )
    cli_s = time.perf_counter() - started
    assert "Model:" in cli.stdout
    ours = child("ours", path)
    theirs = child("pm4py", path)
    for key in ("fitness", "precision", "variants", "transitions"):
        assert abs(ours[key] - theirs[key]) <= 1e-9, (key, ours[key], theirs[key])
    uname = platform.uname()
    print(f"{time.strftime('%a %b %d %Y, %H:%M UTC', time.gmtime())}, {uname.machine}, ")
    print(f"Python {platform.python_version()}, log {Path(path).name}\n")
    print(f"`bottleneck discover` end to end (CLI, default SVG pictures): **{cli_s:.1f} s**\n")
    print("| stage | ours s | pm4py s |")
    print("|---|---:|---:|")
    print(f"| imports | {ours['imports_s']:.2f} | {theirs['imports_s']:.2f} |")
    print(
        f"| read + normalize | {ours['read_normalize_s']:.2f} | {theirs['read_normalize_s']:.2f} |"
    )
    print(
        f"| discover (ours: analyze, variants, rework, hand-offs, IMf, replay) / pm4py: "
        f"IMf + replay | {ours['discover_s']:.2f} | "
        f"{theirs['mine_s'] + theirs['quality_s']:.2f} |"
    )
    print(f"| outputs | {ours['outputs_s']:.2f} | {theirs['outputs_s']:.2f} |")
    print(f"| **total** | **{ours['total_s']:.2f}** | **{theirs['total_s']:.2f}** |")
    print(f"| peak RSS MiB | {ours['peak_mib']:.0f} | {theirs['peak_mib']:.0f} |")
    print(
        f"\nSame figures: fitness {ours['fitness']:.6f}, precision {ours['precision']:.6f}, "
        f"{ours['variants']:.0f} variants, {ours['transitions']:.0f} net transitions."
    )


if __name__ == "__main__":
    main()
