"""Speed of `bottleneck report` stage by stage, and of `bottleneck anonymize` against naive hashing.

Usage: .venv/bin/python benchmarks/bench_report.py [--sizes 100000 1000000]

Each size runs in a fresh child process; the stages are timed in process. pm4py makes no
report and no pseudonymized copy, so there is no same-run pm4py comparison; the anonymizer is
checked against a plain per-row HMAC loop that must give the same column.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def child(size: int) -> dict[str, float | int | str]:
    out: dict[str, float | int | str] = {"size": size}
    t = time.perf_counter()
    import pandas as pd

    from bottleneck_finder.anonymize import anonymize_table
    from bottleneck_finder.api import load_log
    from bottleneck_finder.columns import LogColumns
    from bottleneck_finder.io.read import read_log
    from bottleneck_finder.reporting import ReportOptions, build_report, make_context, measure
    from bottleneck_finder.reporting.parts import optional_parts

    out["imports_s"] = time.perf_counter() - t
    path = DATA / f"log_{size}.parquet"
    t = time.perf_counter()
    log = load_log(path)
    out["read_normalize_s"] = time.perf_counter() - t
    t = time.perf_counter()
    data = measure(log)
    out["measure_s"] = time.perf_counter() - t
    options = ReportOptions(lang="vi")
    for part in ("drift", "causes", "flows", "model"):
        others = tuple(p for p in ("drift", "causes", "flows", "model") if p != part)
        t = time.perf_counter()
        parts = optional_parts(log, data, options, skip=others)
        out[f"{part}_s"] = time.perf_counter() - t
        out[f"{part}_made"] = "yes" if parts.sections else "; ".join(parts.notes)[:120]
    parts = optional_parts(log, data, options, skip=("model",) if size > 100_000 else ())
    ctx = make_context(data, options, results=parts.results)
    t = time.perf_counter()
    built = build_report(
        ctx,
        generated_at=pd.Timestamp("2026-01-01T00:00Z"),
        extra_sections=parts.sections,
        pdf=False,
    )
    out["render_s"] = time.perf_counter() - t
    t = time.perf_counter()
    from bottleneck_finder.reporting.chromium import html_to_pdf

    pdf = html_to_pdf(str(built.files["report.html"]))
    out["pdf_s"] = time.perf_counter() - t
    out["pdf_kib"] = len(pdf) // 1024
    out["html_kib"] = len(str(built.files["report.html"]).encode()) // 1024

    csv = DATA / f"log_{size}.csv"
    t = time.perf_counter()
    raw = read_log(csv)
    out["anon_read_s"] = time.perf_counter() - t
    key = b"benchmark-key-0123456789abcdef"
    t = time.perf_counter()
    result = anonymize_table(raw, key, LogColumns())
    out["anon_pseudonymize_s"] = time.perf_counter() - t
    t = time.perf_counter()
    naive = [
        "case-" + hmac.new(key, str(v).encode(), hashlib.sha256).hexdigest()[:16]
        for v in raw.table["case_id"]
    ]
    out["naive_case_column_s"] = time.perf_counter() - t
    out["same_as_naive"] = "yes" if naive == result.table["case_id"].tolist() else "NO"
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    for size in args.sizes:
        with tempfile.TemporaryDirectory():
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(size)],
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        print(done.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
