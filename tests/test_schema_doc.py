"""docs/schema.md against the JSON the commands write.

Every command runs once or more (with the options that add optional fields) on the bundled
sample logs and the hand logs of test_golden_logs; for each schema, the field paths written
(`log.cases`, `transitions[].wait_median_s`, …) must be exactly the field paths documented, and
each field's JSON type must be one its `type` column allows.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS, ROOT, write
from .test_drift import excursion_log
from .test_golden_logs import COMPLETE_ONLY, LIFECYCLE, START_END

SCHEMA_DOC = ROOT / "docs" / "schema.md"
SCHEMAS = (
    "bottleneck/analysis@1",
    "bottleneck/comparison@1",
    "bottleneck/drift@1",
    "bottleneck/causes@1",
    "bottleneck/discovery@1",
    "bottleneck/deadlines@1",
)
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"

SCHEMA_ID = re.compile(r"bottleneck/\w+@\d+")
HEADING = re.compile(r"^(#+)\s+(.*)$")
CODE = re.compile(r"`([^`]+)`")
PATH = re.compile(r"^`([^`\s]+)`$")

# --------------------------------------------------------------------------- the document


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row (a `|` inside backticks is not a separator here: the
    field and type columns never hold one)."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _tables(text: str) -> list[tuple[tuple[str, ...], list[str], list[list[str]]]]:
    """Each table with the schemas of the heading it lies under: (schemas, header, rows).

    A heading naming schema ids gives its tables to them; a heading naming none inherits the
    schemas of the nearest enclosing heading that does, except a level-2 heading, which starts
    afresh."""
    by_level: dict[int, tuple[str, ...]] = {}
    tables = []
    lines = text.splitlines()
    i = 0
    fenced = False
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            fenced = not fenced
        heading = HEADING.match(line)
        if heading and not fenced:
            level = len(heading.group(1))
            ids = tuple(SCHEMA_ID.findall(heading.group(2)))
            by_level = {k: v for k, v in by_level.items() if k < level}
            if not ids and level > 2:
                ids = by_level[max(by_level)] if by_level else ()
            by_level[level] = ids
        if line.startswith("|") and not fenced:
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(_cells(lines[i]))
                i += 1
            schemas = by_level[max(by_level)] if by_level else ()
            tables.append((schemas, block[0], block[2:]))
            continue
        i += 1
    return tables


def documented() -> dict[str, dict[str, str]]:
    """schema -> {field path: type}, placeholders expanded."""
    text = SCHEMA_DOC.read_text("utf-8")
    tables = _tables(text)
    placeholders: dict[str, list[str]] = {}
    for _, header, rows in tables:
        if header[0] == "placeholder":
            for row in rows:
                name = PATH.match(row[0])
                assert name, f"schema.md: a placeholder must be one `<name>`: {row[0]!r}"
                placeholders[name.group(1)] = CODE.findall(row[1])
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for schemas, header, rows in tables:
        if header[0] != "field":
            continue
        assert header[:2] == ["field", "type"], f"schema.md: a field table starts {header}"
        assert schemas, f"schema.md: a field table ({rows[0][0]}) under no schema heading"
        for row in rows:
            path = PATH.match(row[0])
            assert path, f"schema.md: one field path per row, in backticks: {row[0]!r}"
            for expanded in _expand(path.group(1), placeholders):
                for schema in schemas:
                    assert expanded not in found[schema], f"schema.md: {schema} {expanded} twice"
                    found[schema][expanded] = row[1]
    return dict(found)


def _expand(path: str, placeholders: dict[str, list[str]]) -> list[str]:
    names = re.findall(r"<\w+>", path)
    for name in names:
        assert name in placeholders, f"schema.md: {path} uses {name}, not in the placeholder table"
    out = []
    for values in itertools.product(*(placeholders[n] for n in names)):
        filled = path
        for name, value in zip(names, values, strict=True):
            filled = filled.replace(name, value, 1)
        out.append(filled)
    return out


# --------------------------------------------------------------------------- the documents


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    kinds = {_kind(v) for v in value}
    if kinds == {"string"}:
        return "array of strings"
    if kinds and kinds <= {"int", "float"}:
        return "array of numbers"
    return "array"


def field_paths(doc: Any, prefix: str = "") -> dict[str, set[str]]:
    """path -> JSON kinds seen there. An array of objects is `name[]` (its objects' keys
    `name[].key`); an array of plain values, or an empty one, is a single field `name`."""
    out: dict[str, set[str]] = defaultdict(set)
    for key, value in doc.items():
        path = f"{prefix}{key}"
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            out[f"{path}[]"].add("array")
            for row in value:
                for sub, kinds in field_paths(row, f"{path}[].").items():
                    out[sub] |= kinds
        else:
            out[path].add(_kind(value))
            if isinstance(value, dict):
                for sub, kinds in field_paths(value, f"{path}.").items():
                    out[sub] |= kinds
    return out


def _runs(logs: Path, out: Path) -> list[tuple[str, list[str], str]]:
    """(output folder, arguments, file written) of every run, in order."""
    complete = write(logs, "complete.csv", COMPLETE_ONLY)
    start_end = write(logs, "start_end.csv", START_END)
    lifecycle = write(logs, "lifecycle.csv", LIFECYCLE)
    dot = ["--format", "dot"]
    deadline = ["--deadline", "15wd", "--calendar", "vn", "--procedure", "thu_tuc"]
    split = ["--split", "2025-04-14", "--deadline", "15d"]
    reference = ["--reference", str(out / "model_before" / "model.bpmn")]
    report = ["--no-pdf", "--skip", "drift,causes,flows,model"]
    excursion = logs / "excursion.csv"
    excursion_log().to_csv(excursion, index=False)
    return [
        # deadlines with --deadline; flows by default
        ("analysis", ["analyze", str(AFTER), *deadline, *dot], "analysis.json"),
        # columns.lifecycle
        ("lifecycle", ["analyze", str(lifecycle), *dot], "analysis.json"),
        ("no_flows", ["analyze", str(complete), "--no-flows", *dot], "analysis.json"),
        # split.straddling…; causes with start times and resources; findings
        ("split", ["compare", str(ROLLOUT), *split, *dot], "comparison.json"),
        # two logs; causes null
        (
            "two_logs",
            ["compare", str(complete), str(start_end), "--min-count", "2", *dot],
            "comparison.json",
        ),
        ("drift", ["drift", str(ROLLOUT)], "drift.json"),
        # episodes
        ("drift_excursion", ["drift", str(excursion)], "drift.json"),
        ("causes", ["causes", str(AFTER)], "causes.json"),
        # instances without a start
        ("causes_lifecycle", ["causes", str(lifecycle)], "causes.json"),
        ("model_before", ["discover", str(BEFORE), *dot], "discovery.json"),
        # reference with --reference
        ("reference", ["discover", str(AFTER), *reference, *dot], "discovery.json"),
        # the report's on-time figures: periods, units and late waits
        (
            "report",
            ["report", str(ROLLOUT), *split[:2], "--deadline", "5wd", *deadline[-2:], *report],
            "deadlines.json",
        ),
    ]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, set[str]]]:
    """schema -> path -> JSON kinds, over every run."""
    logs = tmp_path_factory.mktemp("logs")
    out = tmp_path_factory.mktemp("out")
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for folder, args, name in _runs(logs, out):
        result = CliRunner().invoke(cli, [*args, "-o", str(out / folder), "-q"])
        assert result.exit_code == 0, (args, result.output)
        doc = json.loads((out / folder / name).read_text("utf-8"))
        for path, kinds in field_paths(doc).items():
            seen[doc["schema"]][path] |= kinds
    return {schema: dict(paths) for schema, paths in seen.items()}


# --------------------------------------------------------------------------- the checks


def test_every_schema_is_documented_and_written(written: dict[str, dict[str, set[str]]]) -> None:
    assert sorted(documented()) == sorted(SCHEMAS)
    assert sorted(written) == sorted(SCHEMAS)


@pytest.mark.parametrize("schema", SCHEMAS)
def test_every_written_field_is_documented(
    schema: str, written: dict[str, dict[str, set[str]]]
) -> None:
    doc = documented()[schema]
    # an array seen only empty may be documented as an array of rows
    missing = [p for p in written[schema] if p not in doc and f"{p}[]" not in doc]
    assert not missing, f"{schema}: written but not in docs/schema.md: {sorted(missing)}"


@pytest.mark.parametrize("schema", SCHEMAS)
def test_every_documented_field_is_written(
    schema: str, written: dict[str, dict[str, set[str]]]
) -> None:
    unseen = [p for p in documented()[schema] if p not in written[schema]]
    assert not unseen, f"{schema}: in docs/schema.md but written by no run: {sorted(unseen)}"


def _allowed(documented_type: str) -> set[str]:
    allowed = set()
    for part in documented_type.split(" or "):
        part = part.strip()
        if part.startswith("float"):  # `float`, `float in [0, 1]`: a JSON number
            allowed |= {"float", "int"}
        elif part == "array":
            allowed |= {"array", "array of strings", "array of numbers"}
        else:
            allowed.add(part)
    return allowed


@pytest.mark.parametrize("schema", SCHEMAS)
def test_documented_types_match(schema: str, written: dict[str, dict[str, set[str]]]) -> None:
    doc = documented()[schema]
    wrong = {}
    for path, kinds in written[schema].items():
        declared = doc.get(path) or doc.get(f"{path}[]", "")
        # an empty array is no evidence against its documented element type
        extra = kinds - _allowed(declared) - ({"array"} if "array" in declared else set())
        if extra:
            wrong[path] = (declared, sorted(extra))
    assert not wrong, f"{schema}: documented type vs JSON seen: {wrong}"
