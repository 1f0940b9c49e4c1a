"""analyze where the log lives: usual path vs DuckDB --in-engine vs PostgreSQL in-database.

Starts its own PostgreSQL server (as tests/engines.py does), loads the log into a table by
COPY (times typed `timestamptz`, an `event_no` for the order), writes the same typed table to
Parquet, then times `bottleneck analyze` three ways in fresh processes (wall clock), and counts
the rows each engine session handed back to Python (one more, instrumented run per way).

    python benchmarks/bench_engine_sources.py \
        /work/shared/event_logs/BPI_Challenge_2017_W_Two_TS_filtered.xes.gz
    python benchmarks/bench_engine_sources.py /work/bench-data/log_1000000.parquet \
        --time-columns timestamp --runs 1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

COUNT = """
import sys
from bottleneck_finder.engine import DuckDBEngine, Engine
from bottleneck_finder.engine.postgres import PostgresEngine
fetched = [0]
def counting(method):
    def wrapped(self, sql):
        out = method(self, sql)
        if isinstance(out, dict):  # arrays: columns by name
            fetched[0] += len(next(iter(out.values()), []))
        else:  # an Arrow table or a DataFrame
            fetched[0] += out.num_rows if hasattr(out, "num_rows") else len(out)
        return out
    return wrapped
for cls in (DuckDBEngine, PostgresEngine):
    for name in ("arrow", "frame", "arrays"):
        if name in cls.__dict__:
            setattr(cls, name, counting(cls.__dict__[name]))
from bottleneck_finder.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit:
    pass
print("FETCHED", fetched[0], file=sys.stderr)
"""


def start_postgres(folder: Path) -> tuple[str, list[str]]:
    from tests.engines import _as_server_user, _free_port, postgres_bindir

    bindir = postgres_bindir()
    assert bindir is not None, "PostgreSQL's server programs are not installed"
    os.chown(folder, 65534, 65534) if os.geteuid() == 0 else None
    data, port = folder / "data", _free_port()
    initdb = [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "bn", "--no-sync"]
    subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w"]
    options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
    subprocess.run(_as_server_user([*pg_ctl, "-o", options, "start"]), check=True)
    url = f"postgresql://bn@/postgres?host={folder}&port={port}"
    return url, _as_server_user([*pg_ctl, "-m", "fast", "stop"])


def run(args: list[str], count: bool = False) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    code = ["-c", COUNT] if count else ["-m", "bottleneck_finder"]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *code, "analyze", *args], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    fetched = [line for line in done.stderr.splitlines() if line.startswith("FETCHED")]
    return wall, fetched[0].split()[1] if fetched else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("log", type=Path)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--time-columns", default="time:timestamp")
    options = parser.parse_args()
    import pandas as pd

    from bottleneck_finder.io.read import read_log
    from tests.test_engine_sources import load_table

    folder = Path(tempfile.mkdtemp(prefix="bench-src-"))
    frame: Any = read_log(options.log).table
    for column in options.time_columns.split(","):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    parquet = folder / "log.parquet"
    frame.to_parquet(parquet)
    url, stop = start_postgres(folder)
    try:
        started = time.perf_counter()
        load_table(url, "events", frame.assign(event_no=range(len(frame))))
        print(f"{len(frame):,} events; COPY into PostgreSQL {time.perf_counter() - started:.1f} s")
        out = ["-q", "--format", "dot", "-o", str(folder / "out")]
        ways = {
            "usual path": [str(parquet)],
            "DuckDB --in-engine": [str(parquet), "--in-engine"],
            "PostgreSQL in-database": [url, "--table", "events", "--order-by", "event_no"],
        }
        for name, args in ways.items():
            walls = [run([*args, *out])[0] for _ in range(options.runs)]
            _, fetched = run([*args, *out], count=True)
            shown = ", ".join(f"{w:.1f} s" for w in walls)
            print(f"{name}: {shown}; rows fetched from the engine: {fetched}", flush=True)
    finally:
        subprocess.run(stop, capture_output=True)


if __name__ == "__main__":
    main()
