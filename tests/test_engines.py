"""One set of queries, three engines: DuckDB, PostgreSQL and Spark give the same documents.

`analyze`, `compare` and `drift` run on each engine (`--engine`) over the bundled samples and
two shared real logs; their JSON documents must agree: every count and label exactly, every
time to the microsecond (the quantiles are exact on every engine, so only the last bits of a
float interpolation may differ). PostgreSQL is a server this test run starts (tests/engines.py);
Spark is one `local[2]` session for the whole run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.engine import Settings, configure
from bottleneck_finder.engine.translate import translate

from .conftest import EVENT_LOGS, shared_log

BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"


@pytest.fixture(autouse=True)
def default_engine() -> Iterator[None]:
    """Every test leaves DuckDB as the engine of later commands in this process."""
    yield
    configure(Settings())


def _document(args: list[str]) -> Any:
    result = CliRunner().invoke(cli, [*args, "--json", "-q"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(result.stdout)


def _same(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two JSON documents differ: values, counts, labels exactly; floats to 1e-6."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{where}: keys {sorted(a.keys() ^ b.keys())}"]
        return [d for k in a for d in _same(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} != {len(b)} items"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _same(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float | int) and not isinstance(b, bool):
        close = math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-6) or (math.isnan(a) and math.isnan(b))
        return [] if close else [f"{where}: {a!r} != {b!r}"]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def _commands(log: Path, split: str | None, *, drift: bool = True) -> dict[str, list[str]]:
    commands = {"analyze": ["analyze", str(log)]}
    if drift:
        commands["drift"] = ["drift", str(log)]
    if split:
        commands["compare"] = ["compare", str(log), "--split", split]
    return commands


CASES = [
    pytest.param(BEFORE, None, id="sample-before"),
    pytest.param(ROLLOUT, "2025-04-14", id="sample-rollout"),
    pytest.param("08_receipt.xes.gz", None, id="receipt"),
    pytest.param("Production.xes.gz", None, id="production"),
]


def _log(name: Path | str) -> Path:
    return name if isinstance(name, Path) else shared_log(name)


def _check(log: Path, split: str | None, engine_args: list[str], *, drift: bool = True) -> None:
    for name, args in _commands(log, split, drift=drift).items():
        expected = _document(args)
        got = _document([*args, *engine_args])
        diffs = _same(expected, got, name)
        assert not diffs, "\n".join(diffs[:20])


@pytest.mark.parametrize(("name", "split"), CASES)
def test_postgres_equals_duckdb(postgres_url: str, name: Path | str, split: str | None) -> None:
    _check(_log(name), split, ["--engine", "postgres", "--database", postgres_url])


@pytest.mark.parametrize(("name", "split"), CASES[1:])
def test_spark_equals_duckdb(spark_master: str, name: Path | str, split: str | None) -> None:
    """Each Spark query is a job of its own (tens of milliseconds at least), so drift's many
    series run on the rollout sample only and the first sample is left to PostgreSQL."""
    engine = ["--engine", "spark", "--spark-master", spark_master]
    _check(_log(name), split, engine, drift=name == ROLLOUT)


REAL_SPLITS = [
    pytest.param("08_receipt.xes.gz", "auto", id="receipt-auto"),
    pytest.param("Production.xes.gz", "2012-02-15", id="production-date"),
]


@pytest.mark.parametrize(("name", "split"), REAL_SPLITS)
def test_postgres_compare_equals_duckdb_on_real_logs(
    postgres_url: str, name: str, split: str
) -> None:
    """compare's verdicts, figures and tests on two shared real logs, split in PostgreSQL."""
    log = shared_log(name)
    args = ["compare", str(log), "--split", split]
    diffs = _same(
        _document(args), _document([*args, "--engine", "postgres", "--database", postgres_url])
    )
    assert not diffs, "\n".join(diffs[:20])


@pytest.mark.parametrize(("name", "split"), REAL_SPLITS)
def test_out_of_core_equals_in_memory_on_real_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, split: str
) -> None:
    """DuckDB under a 64 MB limit, every step table built (and spilled) by the engine, gives
    the documents of the in-memory run: analyze with its flows, and compare."""
    from bottleneck_finder.engine import prepare

    log = shared_log(name)
    commands = [["analyze", str(log)], ["compare", str(log), "--split", split]]
    expected = [_document(args) for args in commands]
    monkeypatch.setattr(prepare, "STEP_BYTES", {False: 2**40, True: 2**40})
    limit = ["--memory-limit", "64MB", "--temp-dir", str(tmp_path / "spill")]
    for args, want in zip(commands, expected, strict=True):
        diffs = _same(want, _document([*args, *limit]), args[0])
        assert not diffs, "\n".join(diffs[:20])


def test_quantiles_translate_to_exact_aggregates() -> None:
    """The hand-kept spellings: PostgreSQL's ordered-set percentile over an array, Spark's
    exact `percentile` with a 0-based index (not `percentile_approx`)."""
    from bottleneck_finder.engine import POSTGRES, SPARK, DuckDBEngine

    engine = DuckDBEngine()
    sql = f"SELECT {engine.quantiles('w', {'median': 0.5, 'p90': 0.9}, 'w')} FROM t"
    engine.close()
    assert "percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY w))[2]" in translate(
        sql, POSTGRES
    )
    assert "percentile(w, array(0.5, 0.9)))[2 - 1]" in translate(sql, SPARK)


def test_database_password_is_refused() -> None:
    """A password on the command line is refused before anything connects or is shown."""
    result = CliRunner().invoke(
        cli,
        ["analyze", str(BEFORE), "--engine", "postgres", "--database", "postgresql://u:s3cret@h/d"],
    )
    assert result.exit_code == 2
    assert "s3cret" not in result.output and "PGPASSWORD" in result.output
