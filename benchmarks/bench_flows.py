"""`bottleneck analyze` with variants, rework and hand-offs against pm4py's own API, same run.

Like with like: ours runs read + normalize + analyze + flows (the variants, rework and hand-offs
`bottleneck analyze` counts by default up to 10^7 events), as the CLI runs them (one detailed
step table for both, see `commands/analyze._measure`); pm4py, in the same child-process
harness as `run.py`, reads the same four columns with pandas, then `format_dataframe`,
`discover_performance_dfg`, `get_variants`, `get_rework_cases_per_activity` and
`discover_handover_of_work_network`. The two tools alternate (which one goes first swaps every
repeat), each run in a fresh child process, the load average recorded before each child. The
answers are compared where the quantities coincide (see `same_answer`).

    .venv/bin/python benchmarks/bench_flows.py benchmarks/data/log_1000000.parquet \
        /work/bench-data/log_10000000.parquet --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import BIN, COLUMNS, _peak_mib, machine, run_child, warm  # type: ignore[import-not-found]  # noqa: E402

DATA = HERE / "data"
STORE = DATA / "flows_results.json"
TOP = 10  # the CLI's default --top: the variants table holds the 10 most frequent
PM4PY_TOP = 50  # pm4py's most frequent variants exported for the check
STAGES = {
    "ours": ("read_s", "normalize_s", "analyze_s", "flows_s"),
    "pm4py": ("read_s", "format_s", "dfg_s", "variants_s", "rework_s", "handover_s"),
}


# ---------------------------------------------------------------- child processes (workers)


def worker_ours(path: str, out: str) -> None:
    """read_raw, normalize (+ the release `load_log` does), analyze on the detailed step
    table, flows: what `bottleneck analyze FILE` computes by default at 10^7 events."""
    began = time.perf_counter()
    import duckdb  # noqa: F401 - imported by the engine on first use; loaded here to time apart

    from bottleneck_finder.analysis.analyze import analyze
    from bottleneck_finder.analysis.flows import flows
    from bottleneck_finder.api import read_raw
    from bottleneck_finder.columns import LogColumns
    from bottleneck_finder.io.read import release_unused_memory
    from bottleneck_finder.normalize import NormalizeOptions, normalize
    from bottleneck_finder.prepared import PreparedLog

    t_import, cpu_began = time.perf_counter(), time.process_time()
    columns, options = LogColumns(), NormalizeOptions()
    raw = read_raw(path, columns, options)
    t_read = time.perf_counter()
    log = normalize(raw, columns, options)
    del raw
    release_unused_memory()  # as `api.load_log` and the CLI's loader
    t_norm = time.perf_counter()
    with PreparedLog(log) as prepared:  # as `commands/analyze._measure`
        prepared.session("detail")  # one step table for the analysis and the flows
        result = analyze(prepared, top=TOP)
        prepared.release("lean")
        t_analyze = time.perf_counter()
        variants, rework, handoffs = flows(prepared, top=TOP)
    t_done, cpu_s = time.perf_counter(), time.process_time() - cpu_began
    peak = _peak_mib()
    trans = result.transitions
    loops = rework.table[rework.table["kind"] == "loop"]
    report = {
        "import_s": t_import - began,
        "read_s": t_read - t_import,
        "normalize_s": t_norm - t_read,
        "analyze_s": t_analyze - t_norm,
        "flows_s": t_done - t_analyze,
        "cpu_s": cpu_s,
        "peak_mib": peak,
        "events": result.log.events,
        "cases": result.log.cases,
        "arcs": [
            [s, t, int(c), float(m)]
            for s, t, c, m in zip(
                trans["source"], trans["target"], trans["count"], trans["wait_mean_s"], strict=True
            )
        ],
        "variants": {
            "count": variants.count,
            "top": [[list(a), int(c)] for a, c in _rows(variants.table, "activities", "cases")],
        },
        "rework": {str(a): int(c) for a, c in _rows(loops, "activity", "cases")},
        "handoff_level": handoffs.level,
        "handoffs": [
            [str(f), str(t), int(c)]
            for f, t, c in _rows(handoffs.pairs, "from_group", "to_group", "count")
        ],
    }
    Path(out).write_text(json.dumps(report))


def _rows(frame: Any, *names: str) -> list[tuple[Any, ...]]:
    """The rows of some columns of a DataFrame, as tuples."""
    return list(zip(*(frame[n].tolist() for n in names), strict=True))


def worker_pm4py(path: str, out: str) -> None:
    """pm4py: pandas read, `format_dataframe`, performance DFG, variants, rework per activity,
    hand-over-of-work network; the frequency DFG for the check is untimed, after."""
    began = time.perf_counter()
    import pandas as pd

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py
    warnings.simplefilter("ignore")
    t_import, cpu_began = time.perf_counter(), time.process_time()
    if path.endswith(".parquet"):
        df = pd.read_parquet(path, columns=COLUMNS)
    else:
        df = pd.read_csv(path, usecols=COLUMNS)
    t_read = time.perf_counter()
    df = pm4py.format_dataframe(
        df, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
    )
    t_format = time.perf_counter()
    perf, _, _ = pm4py.discover_performance_dfg(df)
    t_dfg = time.perf_counter()
    variants = pm4py.get_variants(df)
    t_variants = time.perf_counter()
    rework = pm4py.get_rework_cases_per_activity(df)
    t_rework = time.perf_counter()
    handover = pm4py.discover_handover_of_work_network(df, resource_key="resource")
    t_done, cpu_s = time.perf_counter(), time.process_time() - cpu_began
    peak = _peak_mib()  # read before the untimed work below
    freq, _, _ = pm4py.discover_dfg(df)
    cases = int(df["case:concept:name"].nunique())
    ranked = sorted(variants.items(), key=lambda kv: (-_count(kv[1]), kv[0]))
    report = {
        "import_s": t_import - began,
        "read_s": t_read - t_import,
        "format_s": t_format - t_read,
        "dfg_s": t_dfg - t_format,
        "variants_s": t_variants - t_dfg,
        "rework_s": t_rework - t_variants,
        "handover_s": t_done - t_rework,
        "cpu_s": cpu_s,
        "peak_mib": peak,
        "events": len(df),
        "cases": cases,
        "arcs": [[s, t, int(freq[(s, t)]), float(v["mean"])] for (s, t), v in perf.items()],
        "variants": {
            "count": len(variants),
            "top": [[list(a), _count(c)] for a, c in ranked[:PM4PY_TOP]],
        },
        "rework": {str(a): int(c) for a, c in rework.items()},
        "handover": [[str(a), str(b), float(v)] for (a, b), v in handover.connections.items()],
    }
    Path(out).write_text(json.dumps(report))


def _count(value: Any) -> int:
    """pm4py gives a variant's count, or the list of its traces for an EventLog."""
    return int(value) if isinstance(value, int | float) else len(value)


WORKERS = {"ours": worker_ours, "pm4py": worker_pm4py}


# ---------------------------------------------------------------- same answer


def same_answer(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """Where the quantities coincide, per quantity: (equal, what was compared).

    - arcs: every directly-follows arc's count exact and mean wait within 1e-6 (as run.py);
    - variants: the number of distinct variants, and each of our `TOP` variants' case count
      equal to pm4py's for the same activity sequence; our counts, in rank order, must be
      pm4py's largest counts (the ranking, up to the order of ties);
    - rework: our "loop" rows' affected cases per activity equal pm4py's rework cases per
      activity (both: cases where the activity occurs more than once), same activities;
    - hand-offs: pm4py's hand-over values (beta = 0) are each pair's share of all
      directly-following resource pairs; times the number of such pairs (events − cases) they
      must be whole numbers equal to our resource-to-resource counts, same pairs.
    """
    from run import compare as compare_arcs  # type: ignore[import-not-found]

    out = {"arcs": compare_arcs(ours["arcs"], theirs["arcs"])}
    out["variants"] = _same_variants(ours["variants"], theirs["variants"])
    out["rework"] = _same_counts(ours["rework"], theirs["rework"], "activities")
    pairs = theirs["events"] - theirs["cases"]  # pm4py's dividend with beta = 0
    counts: dict[str, int] = {}
    worst = 0.0
    for a, b, share in theirs["handover"]:
        value = share * pairs
        worst = max(worst, abs(value - round(value)))
        counts[f"{a} → {b}"] = round(value)
    mine = {f"{a} → {b}": c for a, b, c in ours["handoffs"]}
    ok, text = _same_counts(mine, counts, "resource pairs")
    if ours.get("handoff_level") != "resource":
        ok, text = False, f"our hand-offs are by {ours.get('handoff_level')}, not by resource"
    out["handoffs"] = (
        ok and worst < 1e-3,
        f"{text}; share × {pairs:,} off a whole number by ≤ {worst:.0e}",
    )
    return out


def _same_variants(ours: dict[str, Any], theirs: dict[str, Any]) -> tuple[bool, str]:
    theirs_by_seq = {tuple(a): c for a, c in theirs["top"]}
    bad = [a for a, c in ours["top"] if theirs_by_seq.get(tuple(a)) != c]
    mine = [c for _, c in ours["top"]]
    ranked = [c for _, c in theirs["top"]][: len(mine)]
    if ours["count"] != theirs["count"]:
        return False, f"{ours['count']:,} variants against pm4py's {theirs['count']:,}"
    if bad:
        return False, f"{len(bad)} of our top {len(mine)} variants counted differently"
    if mine != ranked:
        return False, f"top {len(mine)} ranked differently: {mine} against {ranked}"
    return (
        True,
        f"{ours['count']:,} variants; top {len(mine)} counts equal "
        f"({mine[0]:,} … {mine[-1]:,} cases)",
    )


def _same_counts(ours: dict[str, int], theirs: dict[str, int], what: str) -> tuple[bool, str]:
    if ours.keys() != theirs.keys():
        return False, (
            f"{what} differ: {len(ours.keys() - theirs.keys())} only ours, "
            f"{len(theirs.keys() - ours.keys())} only pm4py's"
        )
    bad = [k for k in ours if ours[k] != theirs[k]]
    if bad:
        return False, f"{len(bad)} of {len(ours)} {what} counted differently"
    return True, f"{len(ours):,} {what}, counts equal (total {sum(ours.values()):,})"


# ---------------------------------------------------------------- the parent


def measure(name: str, path: Path, timeout: float) -> dict[str, Any]:
    """One worker in a fresh interpreter: its report plus wall time, wait4 peak, load average."""
    handle, out = tempfile.mkstemp(prefix=f"bn-flows-{name}-", suffix=".json", dir=DATA)
    os.close(handle)
    load = os.getloadavg()[0]
    try:
        child = run_child(
            [sys.executable, str(Path(__file__).resolve()), "--worker", name, str(path), out],
            timeout,
        )
        if child.returncode != 0 or child.timed_out:
            status = "timed out" if child.timed_out else f"failed ({child.returncode})"
            return {"status": f"{status}: {child.stderr.strip()[-300:]}", "load_before": load}
        report: dict[str, Any] = json.loads(Path(out).read_text())
    finally:
        Path(out).unlink(missing_ok=True)
    report.update(
        status="ok",
        load_before=load,
        process_wall_s=child.wall_s,
        process_peak_mib=child.peak_mib,
        timed_s=sum(report[k] for k in STAGES[name]),
        excl_read_s=sum(report[k] for k in STAGES[name] if k != "read_s"),
    )
    return report


def measure_cli(path: Path, timeout: float) -> dict[str, Any]:
    """`bottleneck analyze FILE -o DIR --format dot -q` (flows on by default up to 10^7)."""
    out = Path(tempfile.mkdtemp(prefix="bn-flows-cli-", dir=DATA))
    load = os.getloadavg()[0]
    try:
        cmd = [str(BIN / "bottleneck"), "analyze", str(path), "-o", str(out), "--format", "dot"]
        child = run_child([*cmd, "-q"], timeout)
        flows_written = all(
            (out / f).exists() for f in ("variants.csv", "rework.csv", "handoffs.csv")
        )
        if child.returncode != 0 or not flows_written:
            return {"status": f"failed ({child.returncode}), flows written: {flows_written}"}
        return {
            "status": "ok",
            "wall_s": child.wall_s,
            "peak_mib": child.peak_mib,
            "load_before": load,
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def bench(path: Path, repeat: int, timeout: float, cli: bool) -> dict[str, Any]:
    """All runs of one file, the tools alternating."""
    warm(path)
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "pm4py": [], "cli": []}
    for i in range(repeat):
        order = ("ours", "pm4py") if i % 2 == 0 else ("pm4py", "ours")
        for name in order:
            print(f"  run {i + 1}/{repeat}: {name}", file=sys.stderr, flush=True)
            runs[name].append(measure(name, path, timeout))
        if cli:
            print(f"  run {i + 1}/{repeat}: cli", file=sys.stderr, flush=True)
            runs["cli"].append(measure_cli(path, timeout))
    last = {n: next((r for r in reversed(runs[n]) if r["status"] == "ok"), None) for n in runs}
    checks = same_answer(last["ours"], last["pm4py"]) if last["ours"] and last["pm4py"] else {}
    return {
        "file": path.name,
        "runs": {n: [_strip(r) for r in rs] for n, rs in runs.items()},
        "same_answer": {k: [ok, text] for k, (ok, text) in checks.items()},
        "events": (last["ours"] or {}).get("events"),
    }


def _strip(report: dict[str, Any]) -> dict[str, Any]:
    """A run's figures without the answers (kept out of the store)."""
    drop = {"arcs", "variants", "rework", "handoffs", "handover", "handoff_level"}
    return {k: v for k, v in report.items() if k not in drop}


def table(results: list[dict[str, Any]]) -> str:
    """Markdown: medians of the ok runs, max of peaks, ratios, load, same answer."""
    lines = [
        "| events | ours (read + normalize + analyze + flows), s | ours excl. read, s | "
        "ours peak MiB | pm4py (read + format + DFG + variants + rework + hand-over), s | "
        "pm4py excl. read, s | pm4py peak MiB | speed-up | speed-up excl. read | "
        "CPU s (ours / pm4py) | speed-up in CPU time | runs (ours / pm4py) | "
        "load average before each child |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    stages = [
        "| events | ours read | normalize | analyze (with the detailed step table) | flows | "
        "pm4py read | format_dataframe | performance DFG | get_variants | "
        "get_rework_cases_per_activity | discover_handover_of_work_network | CLI `analyze` "
        "(flows on), s | CLI peak MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        o = [x for x in r["runs"]["ours"] if x["status"] == "ok"]
        p = [x for x in r["runs"]["pm4py"] if x["status"] == "ok"]
        c = [x for x in r["runs"]["cli"] if x["status"] == "ok"]
        if not (o and p):
            lines.append(f"| {r['events']} | {r['runs']} |")
            continue

        def med(xs: list[dict[str, Any]], key: str) -> float:
            return statistics.median(x[key] for x in xs)

        cpu = "— | —"
        if all("cpu_s" in x for x in o + p):
            cpu = (
                f"{med(o, 'cpu_s'):.2f} / {med(p, 'cpu_s'):.2f} | "
                f"{med(p, 'cpu_s') / med(o, 'cpu_s'):.1f}×"
            )
        loads = " / ".join(
            f"{x['load_before']:.1f}" for x in r["runs"]["ours"] + r["runs"]["pm4py"]
        )
        lines.append(
            f"| {r['events']:,} | {med(o, 'timed_s'):.2f} | {med(o, 'excl_read_s'):.2f} | "
            f"{max(x['peak_mib'] for x in o):,.0f} | {med(p, 'timed_s'):.2f} | "
            f"{med(p, 'excl_read_s'):.2f} | {max(x['peak_mib'] for x in p):,.0f} | "
            f"{med(p, 'timed_s') / med(o, 'timed_s'):.1f}× | "
            f"{med(p, 'excl_read_s') / med(o, 'excl_read_s'):.1f}× | {cpu} | "
            f"{len(o)} / {len(p)} | {loads} |"
        )
        cli = f"{med(c, 'wall_s'):.2f} | {max(x['peak_mib'] for x in c):,.0f}" if c else "— | —"
        stages.append(
            f"| {r['events']:,} | "
            + " | ".join(f"{med(o, k):.2f}" for k in STAGES["ours"])
            + " | "
            + " | ".join(f"{med(p, k):.2f}" for k in STAGES["pm4py"])
            + f" | {cli} |"
        )
    checks = []
    for r in results:
        for what, (ok, text) in r["same_answer"].items():
            checks.append(f"- {r['events']:,} events, {what}: {'yes' if ok else '**NO**'} — {text}")
    per_run = [
        "| events | tool | run | timed, s | CPU, s | peak MiB | load before |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for name in ("ours", "pm4py", "cli"):
            for i, x in enumerate(r["runs"][name], 1):
                if x["status"] != "ok":
                    per_run.append(f"| {r['events']:,} | {name} | {i} | {x['status']} | | | |")
                    continue
                t = x.get("timed_s", x.get("wall_s"))
                cpu_s = f"{x['cpu_s']:.2f}" if "cpu_s" in x else "—"
                per_run.append(
                    f"| {r['events']:,} | {name} | {i} | {t:.2f} | {cpu_s} | "
                    f"{x['peak_mib']:,.0f} | {x['load_before']:.1f} |"
                )
    return "\n".join(
        [*lines, "", "Stage times, s (medians):", "", *stages, "", *checks, "", *per_run]
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", type=Path, nargs="*")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool per file")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per child")
    parser.add_argument("--no-cli", action="store_true", help="do not time the CLI")
    parser.add_argument("--render", action="store_true", help="print the stored results only")
    parser.add_argument(
        "--worker", nargs=3, metavar=("NAME", "FILE", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        name, path, out = args.worker
        WORKERS[name](path, out)
        return 0
    DATA.mkdir(exist_ok=True)
    store: dict[str, Any] = json.loads(STORE.read_text()) if STORE.exists() else {"files": {}}
    if not args.render:
        store["machine"] = machine()
        for path in args.files:
            print(path.name, file=sys.stderr, flush=True)
            result = bench(path, args.repeat, args.timeout, cli=not args.no_cli)
            result["date"] = store["machine"]["date"]
            result["commit"] = store["machine"]["commit"]
            store["files"][path.name] = result
            STORE.write_text(json.dumps(store, indent=1))
    results = sorted(store["files"].values(), key=lambda r: r["events"] or 0)
    m = store.get("machine", {})
    print(
        f"{m.get('date')}, commit {m.get('commit')}, {m.get('cpu')}, {m.get('cores')} cores, "
        f"{m.get('ram')}; {m.get('packages')}\n"
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
