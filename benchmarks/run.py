"""Time `bottleneck analyze` against pm4py's performance DFG on the same files, with peak memory."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS_JSON = DATA / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
# Everything below this line in RESULTS.md (other commands' benchmarks) survives a rewrite.
KEEP_MARKER = "<!-- Sections below are written by the other benchmarks and kept by run.py. -->"
BIN = Path(sys.executable).parent
# The columns our tool loads from these files (auto-detected roles); pm4py reads the same ones.
COLUMNS = ["case_id", "activity", "timestamp", "resource"]
SIZES = [100_000, 1_000_000, 10_000_000]
FORMATS = ["parquet", "csv"]
REL_TOL = 1e-6
STAGES = {"ours": ("read_s", "normalize_s", "analyze_s"), "pm4py": ("read_s", "format_s", "dfg_s")}
PACKAGES = ("bottleneck-finder", "pm4py", "pandas", "numpy", "pyarrow", "duckdb")


# ---------------------------------------------------------------- child processes (workers)


def _peak_mib() -> float:
    """Peak resident memory of this process so far (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_ours(path: str, out: str) -> None:
    """Our API in three timed stages: read (read_raw), normalize, analyze, as `analyze_log` does."""
    began = time.perf_counter()
    import duckdb  # noqa: F401 - imported by the engine on first use; loaded here to time apart

    from bottleneck_finder.analysis.analyze import analyze
    from bottleneck_finder.api import read_raw
    from bottleneck_finder.columns import LogColumns
    from bottleneck_finder.normalize import NormalizeOptions, normalize

    t_import = time.perf_counter()
    columns, options = LogColumns(), NormalizeOptions()
    raw = read_raw(path, columns, options)
    t_read = time.perf_counter()
    log = normalize(raw, columns, options)
    del raw  # `load_log` drops the raw table when it returns
    t_norm = time.perf_counter()
    result = analyze(log, top=10)
    t_done = time.perf_counter()
    peak = _peak_mib()
    trans = result.transitions
    arcs = [
        [s, t, int(c), float(m)]
        for s, t, c, m in zip(
            trans["source"], trans["target"], trans["count"], trans["wait_mean_s"], strict=True
        )
    ]
    Path(out).write_text(
        json.dumps(
            {
                "import_s": t_import - began,
                "read_s": t_read - t_import,
                "normalize_s": t_norm - t_read,
                "analyze_s": t_done - t_norm,
                "peak_mib": peak,
                "events": result.log.events,
                "arcs": arcs,
            }
        )
    )


def worker_pm4py(path: str, out: str) -> None:
    """pm4py: pandas read, `format_dataframe`, `discover_performance_dfg`; counts untimed after."""
    began = time.perf_counter()
    import pandas as pd

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py
    warnings.simplefilter("ignore")
    t_import = time.perf_counter()
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
    t_done = time.perf_counter()
    peak = _peak_mib()  # read before the untimed frequency DFG below
    freq, _, _ = pm4py.discover_dfg(df)
    arcs = [[s, t, int(freq[(s, t)]), float(stats["mean"])] for (s, t), stats in perf.items()]
    Path(out).write_text(
        json.dumps(
            {
                "import_s": t_import - began,
                "read_s": t_read - t_import,
                "format_s": t_format - t_read,
                "dfg_s": t_done - t_format,
                "peak_mib": peak,
                "events": len(df),
                "arcs": arcs,
            }
        )
    )


WORKERS = {"ours": worker_ours, "pm4py": worker_pm4py}


# ---------------------------------------------------------------- the parent


@dataclass
class Child:
    """One finished (or killed) child process: wall time, peak RSS from wait4, exit status."""

    wall_s: float
    peak_mib: float
    returncode: int
    timed_out: bool
    stderr: str


def run_child(cmd: list[str], timeout: float) -> Child:
    """Run `cmd` in its own session; wall time from spawn to reap, peak RSS from `os.wait4`.

    The rusage that `wait4` returns for a reaped child covers that child and the descendants it
    waited for (e.g. Graphviz `dot`), so `ru_maxrss` is the largest of their peaks.
    """
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Child(wall, usage.ru_maxrss / 1024, proc.returncode, killed.is_set(), text[-2000:])


@dataclass
class Measure:
    """Repeated measurements of one thing; the reported time is the median, memory the max."""

    walls: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    parts: dict[str, list[float]] = field(default_factory=dict)
    status: str = "ok"

    def add(self, wall: float, peak: float, parts: dict[str, float] | None = None) -> None:
        self.walls.append(wall)
        self.peaks.append(peak)
        for key, value in (parts or {}).items():
            self.parts.setdefault(key, []).append(value)

    def summary(self) -> dict[str, Any]:
        """Median times, max peak, status."""
        out: dict[str, Any] = {"status": self.status, "runs": len(self.walls)}
        if self.walls:
            out["wall_s"] = statistics.median(self.walls)
            out["peak_mib"] = max(self.peaks)
            out.update({k: statistics.median(v) for k, v in self.parts.items()})
        return out


def warm(path: Path) -> None:
    """Read the file once so that every tool finds it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def measure_cli(path: Path, fmt: str, timeout: float) -> tuple[Measure, Child]:
    """`bottleneck analyze FILE -o DIR --format FMT -q`, start to files written."""
    m = Measure()
    out = Path(tempfile.mkdtemp(prefix="bn-cli-", dir=DATA))
    try:
        child = run_child(
            [str(BIN / "bottleneck"), "analyze", str(path), "-o", str(out), "--format", fmt, "-q"],
            timeout,
        )
        ok = child.returncode == 0 and (out / f"process.{fmt}").exists()
        if child.timed_out:
            m.status = "timed out"
        elif not ok:
            m.status = f"failed ({child.returncode}): {child.stderr.strip()[-300:]}"
        else:
            m.add(child.wall_s, child.peak_mib)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return m, child


def measure_worker(name: str, path: Path, timeout: float) -> tuple[dict[str, Any] | None, Child]:
    """Run one worker in a fresh interpreter; its JSON report, or None if it failed."""
    handle, out = tempfile.mkstemp(prefix=f"bn-{name}-", suffix=".json", dir=DATA)
    os.close(handle)
    try:
        child = run_child(
            [sys.executable, str(Path(__file__).resolve()), "--worker", name, str(path), out],
            timeout,
        )
        if child.returncode != 0 or child.timed_out:
            return None, child
        return json.loads(Path(out).read_text()), child
    finally:
        Path(out).unlink(missing_ok=True)


def compare(ours: list[list[Any]], theirs: list[list[Any]]) -> tuple[bool, str]:
    """Counts equal and mean waits within REL_TOL on every directly-follows arc."""
    a = {(s, t): (c, m) for s, t, c, m in ours}
    b = {(s, t): (c, m) for s, t, c, m in theirs}
    if a.keys() != b.keys():
        return False, f"arc sets differ: {len(a.keys() - b.keys())} only ours, "
    bad_count = [k for k in a if a[k][0] != b[k][0]]
    worst = max((abs(a[k][1] - b[k][1]) / max(abs(b[k][1]), 1e-9) for k in a), default=0.0)
    if bad_count:
        return False, f"{len(bad_count)} of {len(a)} arc counts differ"
    if worst > REL_TOL:
        return False, f"mean waits differ (max relative difference {worst:.2e})"
    return True, f"{len(a)} arcs: counts equal, means max rel. diff {worst:.1e}"


def bench(path: Path, repeat: int, timeout: float, svg: bool) -> dict[str, Any]:
    """All measurements of one file."""
    warm(path)
    cli_dot, cli_svg, ours, theirs = Measure(), Measure(), Measure(), Measure()
    ours_arcs: list[list[Any]] = []
    theirs_arcs: list[list[Any]] = []
    events = 0
    for i in range(repeat):
        print(f"  run {i + 1}/{repeat}: cli dot", file=sys.stderr, flush=True)
        m, _ = measure_cli(path, "dot", timeout)
        cli_dot.status = m.status
        cli_dot.walls += m.walls
        cli_dot.peaks += m.peaks
        if svg:
            print(f"  run {i + 1}/{repeat}: cli svg", file=sys.stderr, flush=True)
            m, _ = measure_cli(path, "svg", timeout)
            cli_svg.status = m.status
            cli_svg.walls += m.walls
            cli_svg.peaks += m.peaks
        for label, measure, name in (("api", ours, "ours"), ("pm4py", theirs, "pm4py")):
            if measure.status != "ok":
                continue  # a timeout or failure once is not retried
            print(f"  run {i + 1}/{repeat}: {label}", file=sys.stderr, flush=True)
            report, child = measure_worker(name, path, timeout)
            if report is None:
                measure.status = (
                    f"timed out after {timeout:.0f} s"
                    if child.timed_out
                    else f"failed ({child.returncode}): {child.stderr.strip()[-300:]}"
                )
                continue
            parts = {k: v for k, v in report.items() if k.endswith("_s") and isinstance(v, float)}
            parts["process_wall_s"] = child.wall_s
            parts["process_peak_mib"] = child.peak_mib
            timed = sum(parts[k] for k in STAGES[name])
            measure.add(timed, report["peak_mib"], parts)
            events = report["events"]
            if name == "ours":
                ours_arcs = report["arcs"]
            else:
                theirs_arcs = report["arcs"]
    verified, detail = (False, "not compared")
    if ours_arcs and theirs_arcs:
        verified, detail = compare(ours_arcs, theirs_arcs)
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "events": events,
        "cli_dot": cli_dot.summary(),
        "cli_svg": cli_svg.summary() if svg else None,
        "ours": ours.summary(),
        "pm4py": theirs.summary(),
        "verified": verified,
        "verification": detail,
    }


# ---------------------------------------------------------------- report


def machine() -> dict[str, str]:
    """CPU, cores, RAM, OS, Python and package versions, and the date."""
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        names = [ln.split(":", 1)[1].strip() for ln in handle if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    ram = "unknown"
    with contextlib.suppress(OSError), open("/proc/meminfo") as handle:
        kib = int(next(ln for ln in handle if ln.startswith("MemTotal")).split()[1])
        ram = f"{kib / 1024**2:.1f} GiB"
    os_name = platform.platform()
    with contextlib.suppress(OSError), open("/etc/os-release") as handle:
        pretty = [ln.split("=", 1)[1].strip().strip('"') for ln in handle if "PRETTY" in ln]
        os_name = f"{pretty[0]} ({platform.system()} {platform.release()})" if pretty else os_name
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    date = subprocess.run(["date"], capture_output=True, text=True, check=False).stdout.strip()
    git = ["git", "-C", str(HERE.parent)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "src"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": os_name,
        "python": platform.python_version(),
        "packages": ", ".join(versions),
        "date": date,
        "commit": f"{commit}{' with uncommitted changes in src/' if dirty else ''}",
    }


def _s(summary: dict[str, Any] | None, key: str = "wall_s") -> str:
    if not summary:
        return "—"
    if summary.get("status") != "ok":
        return str(summary["status"])
    return f"{summary[key]:.2f}"


def _mib(summary: dict[str, Any] | None) -> str:
    if not summary or summary.get("status") != "ok":
        return "—"
    return f"{summary['peak_mib']:,.0f}"


def _ratio(num: float | None, den: float | None) -> str:
    return f"{num / den:.1f}×" if num and den else "—"


def _get(summary: dict[str, Any], *keys: str) -> float | None:
    if summary.get("status") != "ok":
        return None
    return sum(summary[k] for k in keys)


def tables(results: list[dict[str, Any]]) -> str:
    """The Markdown tables of all results, smallest file first."""
    results = sorted(results, key=lambda r: (r["events"] or 0, r["file"].endswith("csv")))
    head = (
        "| events | format | CLI dot, s | CLI svg, s | CLI peak MiB | ours API, s | "
        "ours excl. read, s | ours peak MiB | pm4py, s | pm4py excl. read, s | pm4py peak MiB | "
        "speed-up | speed-up excl. read | same answer |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    rows = []
    parts = []
    for r in results:
        o, p = r["ours"], r["pm4py"]
        ours_all = _get(o, "read_s", "normalize_s", "analyze_s")
        ours_ex = _get(o, "normalize_s", "analyze_s")
        pm_all = _get(p, "read_s", "format_s", "dfg_s")
        pm_ex = _get(p, "format_s", "dfg_s")
        fmt = "Parquet" if r["file"].endswith("parquet") else "CSV"
        peak_cli = r["cli_dot"]
        if r["cli_svg"] and r["cli_svg"].get("status") == "ok":
            peak_cli = max((r["cli_dot"], r["cli_svg"]), key=lambda s: s.get("peak_mib", 0))
        rows.append(
            f"| {r['events']:,} | {fmt} | {_s(r['cli_dot'])} | {_s(r['cli_svg'])} | "
            f"{_mib(peak_cli)} | {_fmt(ours_all, o)} | {_fmt(ours_ex, o)} | {_mib(o)} | "
            f"{_fmt(pm_all, p)} | {_fmt(pm_ex, p)} | {_mib(p)} | {_ratio(pm_all, ours_all)} | "
            f"{_ratio(pm_ex, ours_ex)} | {'yes' if r['verified'] else 'NO'}: {r['verification']} |"
        )
        parts.append(
            f"| {r['events']:,} | {fmt} | {_s(o, 'import_s')} | {_s(o, 'read_s')} | "
            f"{_s(o, 'normalize_s')} | {_s(o, 'analyze_s')} | {_s(p, 'import_s')} | "
            f"{_s(p, 'read_s')} | {_s(p, 'format_s')} | {_s(p, 'dfg_s')} | "
            f"{o.get('runs', 0)} / {p.get('runs', 0)} |"
        )
    breakdown = (
        "| events | format | ours import | ours read | ours normalize | ours analyze | "
        "pm4py import | pm4py read | pm4py format_dataframe | pm4py discover_performance_dfg "
        "| runs (ours / pm4py) |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    stages = "\n\nStage times in seconds (medians):\n\n" + breakdown + "\n".join(parts)
    when = sorted({f"{r.get('date', '?')} at commit {r.get('commit', '?')}" for r in results})
    measured = "\n\nMeasured: " + "; ".join(when) + "\n"
    return head + "\n".join(rows) + stages + measured


def _fmt(value: float | None, summary: dict[str, Any]) -> str:
    if value is None:
        return str(summary.get("status", "—"))
    return f"{value:.2f}"


def load_results() -> dict[str, Any]:
    """Earlier results (one entry per file), so runs of some sizes keep the others."""
    if RESULTS_JSON.exists():
        data: dict[str, Any] = json.loads(RESULTS_JSON.read_text())
        return data
    return {"machine": {}, "files": {}}


def write_markdown(store: dict[str, Any], notes: str) -> str:
    """RESULTS.md: the method, the machine, the tables and the target check."""
    m = store["machine"]
    text = (
        "# Benchmark results\n\n"
        "Generated by `python benchmarks/run.py` (see `benchmarks/README.md`); the logs come from "
        "`benchmarks/generate.py` (about 10 events per case, 20 activities, times to the second, "
        "some same-second ties). Every measurement runs in a fresh child process.\n\n"
        f"- **Date:** {m.get('date')}\n"
        f"- **Machine:** {m.get('cpu')}, {m.get('cores')} cores, {m.get('ram')} RAM, "
        f"{m.get('os')}\n"
        f"- **Software:** Python {m.get('python')}; {m.get('packages')}\n"
        f"- **Code:** commit {m.get('commit')}\n\n"
        "What each column includes:\n\n"
        "- **CLI dot / svg**: wall time of `bottleneck analyze FILE -o DIR --format dot|svg -q`, "
        "from spawning the process to its exit (interpreter start, imports, read, analysis, "
        "rendering, files written). svg is measured for 10^5 events only.\n"
        "- **ours API**: in-process time of `read_raw` + `normalize` + `analyze` — exactly what "
        "`analyze_log(path)` runs (`load_log` then `analyze`), imports excluded. "
        "**excl. read** leaves out `read_raw` (the pandas/pyarrow read of the file).\n"
        "- **pm4py**: in-process time of `pd.read_parquet` / `pd.read_csv` (the same four columns "
        f"our tool loads: {', '.join(COLUMNS)}) + `pm4py.format_dataframe` + "
        "`pm4py.discover_performance_dfg`, imports excluded. **excl. read** leaves out the "
        "pandas read.\n"
        "- **speed-up** = pm4py time / our time, like with like (both with read, both without).\n"
        "- **peak MiB**: peak resident set size (`ru_maxrss`). For the API and pm4py it is read "
        "in the child with `getrusage(RUSAGE_SELF)` right after the timed work (so it includes "
        "the interpreter and imports, but not the untimed result export and pm4py's "
        "`discover_dfg` that the check below needs). For the CLI it is the `ru_maxrss` that "
        "`os.wait4` reports for the reaped child (the child and the processes it waited for, "
        "such as Graphviz `dot`).\n"
        "- **same answer**: in the same run, every directly-follows arc found by both tools, "
        "its count (exact; pm4py's from `discover_dfg`) and mean wait (relative difference "
        f"≤ {REL_TOL:g}). A speed comparison of different answers would be worthless.\n"
        "- Times are medians over the runs shown (peaks the maximum); files are read once "
        "before timing so all tools find them in the page cache.\n\n"
        "## Figures\n\n" + tables(list(store["files"].values())) + "\n" + notes
    )
    text = text.rstrip("\n") + "\n\n" + KEEP_MARKER + "\n" + other_sections()
    RESULTS_MD.write_text(text)
    return text


def other_sections() -> str:
    """The sections of RESULTS.md below `KEEP_MARKER` (the other commands' benchmarks), kept."""
    if not RESULTS_MD.exists():
        return ""
    _, marker, tail = RESULTS_MD.read_text().partition(KEEP_MARKER)
    return tail.lstrip("\n") if marker else ""


def targets(store: dict[str, Any]) -> str:
    """The issue's targets, checked against the stored figures."""
    files = store["files"]
    lines = ["## Targets\n"]
    big = files.get("log_10000000.parquet")
    if big and big["ours"].get("status") == "ok":
        o, p = big["ours"], big["pm4py"]
        ours_all = o["read_s"] + o["normalize_s"] + o["analyze_s"]
        peak = max(o["peak_mib"], big["cli_dot"].get("peak_mib", 0.0))
        if p.get("status") == "ok":
            ratio = (p["read_s"] + p["format_s"] + p["dfg_s"]) / ours_all
            verdict = "met" if ratio >= 8 else "**NOT met**"
            lines.append(
                f"- 10^7 events from Parquet at least 8× faster than pm4py: {ratio:.1f}× "
                f"— {verdict}"
            )
        else:
            lines.append(f"- 10^7 events from Parquet, 8× pm4py: pm4py {p.get('status')}")
        verdict = "met" if peak < 2048 else "**NOT met**"
        lines.append(
            f"- 10^7 events from Parquet under 2 GB peak memory: {peak:,.0f} MiB "
            f"(max of API and CLI) — {verdict}"
        )
    else:
        lines.append("- 10^7 Parquet: not measured yet")
    small = [files.get(f"log_100000.{f}") for f in ("parquet", "csv")]
    for r in small:
        if not r:
            continue
        for key, label in (("cli_dot", "dot"), ("cli_svg", "svg")):
            s = r.get(key)
            if s and s.get("status") == "ok":
                verdict = "met" if s["wall_s"] < 2 else "**NOT met**"
                lines.append(
                    f"- 10^5 events end to end under 2 s ({r['file']}, --format {label}): "
                    f"{s['wall_s']:.2f} s — {verdict}"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: see --help."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--formats", nargs="+", default=FORMATS, choices=FORMATS)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per child process")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument(
        "--repeat-above",
        type=int,
        default=1_000_000,
        help="files with more events than this are run once",
    )
    parser.add_argument("--notes", type=Path, help="Markdown appended to RESULTS.md (analysis)")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite RESULTS.md from results.json"
    )
    parser.add_argument(
        "--worker", nargs=3, metavar=("NAME", "FILE", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        name, path, out = args.worker
        WORKERS[name](path, out)
        return 0
    store = load_results()
    if args.render:
        print(write_markdown(store, _notes(store, args.notes)))
        return 0
    store["machine"] = machine()
    for n in args.sizes:
        for fmt in args.formats:
            path = DATA / f"log_{n}.{fmt}"
            if not path.exists():
                print(f"{path} missing: run benchmarks/generate.py {n}", file=sys.stderr)
                return 2
            print(f"{path.name}", file=sys.stderr, flush=True)
            repeat = args.repeat if n <= args.repeat_above else 1
            result = bench(path, repeat, args.timeout, svg=n <= 100_000)
            result["date"] = store["machine"]["date"]
            result["commit"] = store["machine"]["commit"]
            if machine()["commit"] != result["commit"]:  # someone edited src/ meanwhile
                result["commit"] += " (src/ CHANGED during this measurement: not reliable)"
            store["files"][path.name] = result
            RESULTS_JSON.write_text(json.dumps(store, indent=1))
    print(write_markdown(store, _notes(store, args.notes)))
    return 0


def _notes(store: dict[str, Any], extra: Path | None) -> str:
    notes = targets(store)
    if extra and extra.exists():
        notes += "\n" + extra.read_text()
    return notes


if __name__ == "__main__":
    sys.exit(main())
