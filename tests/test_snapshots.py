"""Behaviour snapshots: every textual output of every command, pinned in golden files.

Each run below executes one command on one log once (session cache), then one test per
output file compares it with tests/golden/snapshots/<run>/<file>. `UPDATE_GOLDEN=1` (the
convention of the other golden tests) or `BOTTLENECK_UPDATE_GOLDEN=1` rewrites the goldens.

Normalizations, applied identically when writing and comparing:
- the temporary output folder, event_logs/ and the shared-log folder become placeholders;
- the package version ("bottleneck-finder X.Y.Z", e.g. the JSON "generator") becomes
  <VERSION>, as in test_cli's golden, so a version bump is not a behaviour change;
- the report's generated_at is pinned by patching pd.Timestamp.now (what
  commands/report.py calls) during the report runs;
- pm4py's model.bpmn and model.pnml carry uuid ids, id()-based arc ids and a time-stamped
  net id, and list their elements in an order that changes from process to process (pm4py
  iterates sets of objects hashed by identity); the tool rewrites them with structural ids
  (analysis/model_ids.py, tested byte-stable in test_stable_models.py), and they are
  snapshotted in this independent canonical form as well: random ids renamed ID1, ID2...
  by the graph structure around them (not by order of appearance, which is itself
  unstable) and sibling elements sorted;
- inline <svg> figures in report.html (graphviz and matplotlib with a fixed hashsalt, which
  are byte-stable) are replaced by their sha256 and size, to keep the golden small;
- gzipped outputs (anonymize of an .xes.gz) are compared decompressed (gzip headers hold
  an mtime); any text still over MAX_INLINE characters is kept as its first lines plus the
  line count and the sha256 of the whole.
Pictures (SVG/PNG/PDF files) are not snapshotted; files.txt pins the list of every file
written. Each run also checks that no input log changed.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder import __version__
from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS, ROOT, SHARED_LOGS, shared_log

SNAPSHOTS = ROOT / "tests" / "golden" / "snapshots"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN") or os.environ.get("BOTTLENECK_UPDATE_GOLDEN"))
KEY = "snapshot-key-not-a-secret-0123456789abcdef"
GENERATED_AT = pd.Timestamp("2025-01-01T00:00:00Z")
TEXT_SUFFIXES = {".json", ".csv", ".dot", ".md", ".html", ".bpmn", ".pnml", ".xes", ".txt"}
MAX_INLINE = 300_000
HEAD_LINES = 200
DOT = ["--format", "dot"]


def sample(name: str) -> Path:
    return EVENT_LOGS / name


def road() -> Path:
    return shared_log("roadtraffic100traces.xes.gz")


def sudden() -> Path:
    return shared_log("sudden_time_noise0_1000_baseline.csv.gz")


def production() -> Path:
    return shared_log("Production.xes.gz")


@dataclass(frozen=True)
class Run:
    """One command on one or two logs; `output` is the -o value inside the temp folder."""

    name: str
    command: str
    logs: tuple[Callable[[], Path], ...]
    options: tuple[str, ...] = ()
    output: str = "out"


def before() -> Path:
    return sample("one_stop_shop_before.csv")


def after() -> Path:
    return sample("one_stop_shop_after.csv")


def rollout() -> Path:
    return sample("one_stop_shop_rollout.csv")


def receipt() -> Path:
    return sample("08_receipt.xes.gz")


SPLIT = ("--split", "2025-04-14")
DROP = ("--duplicates", "drop")

# Production.xes.gz has 120 exact duplicate rows (kept by default since issue 13, refused
# before); the second real log with the full matrix is the synthetic-drift CSV. Production runs
# analyze and causes with --bad-rows skip --duplicates drop (start/complete pairing, the skip
# and drop paths: the outputs of the log without its duplicates, as pinned before);
# tests/test_duplicates_traces.py runs it with the defaults.
RUNS = [
    # bundled samples
    Run("analyze-before", "analyze", (before,), (*DOT,)),
    Run("analyze-receipt", "analyze", (receipt,), (*DOT,)),
    Run("compare-before-vs-after", "compare", (before, after), (*DOT,)),
    Run("compare-rollout-split", "compare", (rollout,), (*SPLIT, "--deadline", "15d", *DOT)),
    Run("drift-rollout", "drift", (rollout,)),
    Run("causes-after", "causes", (after,)),
    Run("discover-after", "discover", (after,), (*DOT,)),
    Run("discover-receipt", "discover", (receipt,), (*DOT,)),
    Run("report-rollout-split", "report", (rollout,), (*SPLIT, "--no-pdf")),
    Run("anonymize-after", "anonymize", (after,), (), "anonymized.csv"),
    # shared real logs
    Run("analyze-roadtraffic", "analyze", (road,), (*DOT,)),
    Run("compare-roadtraffic-split", "compare", (road,), ("--split", "2006-01-01", *DOT)),
    Run("drift-roadtraffic", "drift", (road,)),
    Run("causes-roadtraffic", "causes", (road,)),
    Run("discover-roadtraffic", "discover", (road,), (*DOT,)),
    Run("report-roadtraffic-en", "report", (road,), ("--lang", "en", "--no-pdf")),
    Run("anonymize-roadtraffic", "anonymize", (road,), (), "anonymized.xes.gz"),
    Run("analyze-sudden", "analyze", (sudden,), (*DOT,)),
    Run("compare-sudden-auto", "compare", (sudden,), ("--split", "auto", *DOT)),
    Run("drift-sudden", "drift", (sudden,)),
    Run("discover-sudden", "discover", (sudden,), (*DOT,)),
    Run("analyze-production-skip", "analyze", (production,), ("--bad-rows", "skip", *DROP, *DOT)),
    Run("causes-production-skip", "causes", (production,), ("--bad-rows", "skip", *DROP)),
]
BY_NAME = {run.name: run for run in RUNS}


# ---------------------------------------------------------------------------- normalization

RANDOM_ID = re.compile(
    r"id[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|imdf_net_[0-9.]+"
    r"|(?<![\w.])[0-9]{12,}(?![\w.])"
)


def sha(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def canonical_xml(text: str) -> str:
    """pm4py's BPMN/PNML as a canonical outline: random ids renamed by structure, children
    sorted, attributes sorted, namespaces shown by their prefix. Not valid XML, stable."""
    prefixes = {uri: p for p, uri in re.findall(r'xmlns:(\w+)="([^"]+)"', text)}
    root = ET.fromstring(text.encode("utf-8"))

    def qname(tag: str) -> str:
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            return f"{prefixes.get(uri, uri)}:{local}"
        return tag

    # the element whose id holds a random id defines it; an id held by another attribute
    # (PNML localNodeID) is defined by that element's parent
    parents = {child: parent for parent in root.iter() for child in parent}
    defining: dict[str, ET.Element] = {}
    for element in root.iter():  # exact ids first: BPMN's "<id>_gui" shapes only refer
        if RANDOM_ID.fullmatch(element.get("id", "")):
            defining[element.get("id", "")] = element
    for element in root.iter():
        for rid in RANDOM_ID.findall(element.get("id", "")):
            defining.setdefault(rid, element)
    for element in root.iter():
        for key, value in element.attrib.items():
            for rid in RANDOM_ID.findall(value):
                if rid not in defining and key != "id":
                    defining[rid] = parents.get(element, element)
    found = set(RANDOM_ID.findall(text))

    def render(element: ET.Element, labels: dict[str, str], depth: int = 0) -> list[str]:
        def sub(value: str) -> str:
            return RANDOM_ID.sub(lambda m: labels.get(m.group(0), "ID"), value)

        attrs = " ".join(f'{qname(k)}="{sub(v)}"' for k, v in sorted(element.attrib.items()))
        head = "  " * depth + f"<{qname(element.tag)}{' ' + attrs if attrs else ''}>"
        body = (element.text or "").strip()
        if body:
            head += sub(body)
        children = [render(child, labels, depth + 1) for child in element]
        children.sort()
        return [head] + [line for child in children for line in child]

    # Weisfeiler-Lehman refinement: each random id is labelled by the element defining it,
    # with the ids it refers to replaced by their labels of the previous round.
    labels = {rid: "X" for rid in found}
    distinct = 1
    for _ in range(50):
        new = {}
        for rid in found:
            holder = defining.get(rid)
            body = "\n".join(render(holder, {**labels, rid: "SELF"})) if holder is not None else ""
            new[rid] = sha(f"{labels[rid]}|{body}")[:16]
        labels = new
        count = len(set(labels.values()))
        if count == distinct:
            break
        distinct = count
    order = sorted(found, key=lambda rid: (labels[rid], rid))
    names = {rid: f"ID{i}" for i, rid in enumerate(order, 1)}
    return "\n".join(render(root, names)) + "\n"


def strip_svgs(html: str) -> str:
    def digest(match: re.Match[str]) -> str:
        svg = match.group(0)
        return f'<svg sha256="{sha(svg)}" chars="{len(svg)}"/>'

    return re.sub(r"<svg\b.*?</svg>", digest, html, flags=re.S)


def shorten(text: str) -> str:
    if len(text) <= MAX_INLINE:
        return text
    lines = text.splitlines(keepends=True)
    head = "".join(lines[:HEAD_LINES])
    return (
        f"# snapshot digest: {len(lines)} lines, {len(text)} characters, "
        f"sha256 {sha(text)}; first {HEAD_LINES} lines follow\n{head}"
    )


def normalize(text: str, name: str, places: dict[str, str]) -> str:
    for real, placeholder in places.items():
        text = text.replace(real, placeholder)
    text = text.replace(f"bottleneck-finder {__version__}", "bottleneck-finder <VERSION>")
    if name.endswith((".bpmn", ".pnml")):
        text = canonical_xml(text)
    elif name.endswith(".html"):
        text = strip_svgs(text)
    return shorten(text)


# ---------------------------------------------------------------------------- running


@dataclass
class Produced:
    texts: dict[str, str] = field(default_factory=dict)  # golden name -> normalized text
    files: list[str] = field(default_factory=list)  # every file written, relative
    inputs_before: dict[str, str] = field(default_factory=dict)
    inputs_after: dict[str, str] = field(default_factory=dict)


def execute(run: Run, tmp: Path) -> Produced:
    logs = [log() for log in run.logs]
    out = tmp / run.output
    produced = Produced(inputs_before={str(p): sha(p.read_bytes()) for p in logs})
    args = [run.command, *map(str, logs), *run.options, "-o", str(out)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pd.Timestamp, "now", classmethod(lambda cls, tz=None: GENERATED_AT))
        result = CliRunner().invoke(cli, args, env={"BOTTLENECK_KEY": KEY})
    assert result.exit_code == 0, result.output
    produced.inputs_after = {str(p): sha(p.read_bytes()) for p in logs}
    places = {str(tmp): "<OUT>", str(EVENT_LOGS): "<EVENT_LOGS>", str(SHARED_LOGS): "<SHARED_LOGS>"}
    produced.texts["stdout.txt"] = normalize(result.output, "stdout.txt", places)
    written = sorted(p for p in tmp.rglob("*") if p.is_file())
    produced.files = [p.relative_to(tmp).as_posix() for p in written]
    for path in written:
        rel = path.relative_to(tmp)
        if len(rel.parts) > 2:  # report figures/: pictures only
            continue
        data = path.read_bytes()
        name = path.name
        if name.endswith(".gz"):
            data, name = gzip.decompress(data), name[: -len(".gz")]
        if Path(name).suffix in TEXT_SUFFIXES:
            produced.texts[name] = normalize(data.decode("utf-8"), name, places)
    produced.texts["files.txt"] = "".join(f"{f}\n" for f in produced.files)
    return produced


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Produced]]:
    cache: dict[str, Produced] = {}

    def get(name: str) -> Produced:
        if name not in cache:
            cache[name] = execute(BY_NAME[name], tmp_path_factory.mktemp(name))
        return cache[name]

    yield get


# ---------------------------------------------------------------------------- comparing


def check(golden: Path, got: str) -> None:
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(got.encode("utf-8"))
        return
    if not golden.exists():
        pytest.fail(f"{golden.relative_to(ROOT)} is missing; run with UPDATE_GOLDEN=1")
    want = golden.read_bytes().decode("utf-8")
    if got != want:
        diff = difflib.unified_diff(
            want.splitlines(),
            got.splitlines(),
            f"golden/{golden.relative_to(SNAPSHOTS)}",
            "now",
            lineterm="",
        )
        lines = list(diff)
        shown = "\n".join(line[:300] for line in lines[:40])
        more = f"\n... {len(lines) - 40} more diff lines" if len(lines) > 40 else ""
        pytest.fail(f"{golden.relative_to(ROOT)} differs:\n{shown}{more}", pytrace=False)


def golden_files() -> list[tuple[str, str]]:
    return sorted(
        (run.name, path.name)
        for run in RUNS
        if (SNAPSHOTS / run.name).is_dir()
        for path in (SNAPSHOTS / run.name).iterdir()
        if path.is_file()
    )


@pytest.mark.parametrize("run_name", [run.name for run in RUNS])
def test_same_outputs_and_inputs_unchanged(
    run_name: str, outputs: Callable[[str], Produced]
) -> None:
    """The set of snapshotted files is the golden set (updating rewrites the folder)."""
    produced = outputs(run_name)
    assert produced.inputs_after == produced.inputs_before, "an input log was modified"
    folder = SNAPSHOTS / run_name
    if UPDATE:
        if folder.is_dir():
            for stale in folder.iterdir():
                stale.unlink()
        for name, text in produced.texts.items():
            check(folder / name, text)
        return
    have = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    assert sorted(produced.texts) == have, f"outputs differ from the files in {folder}"


@pytest.mark.parametrize(
    ("run_name", "file_name"), golden_files(), ids=[f"{r}/{f}" for r, f in golden_files()]
)
def test_snapshot(run_name: str, file_name: str, outputs: Callable[[str], Produced]) -> None:
    produced = outputs(run_name)
    if UPDATE and file_name not in produced.texts:
        return  # stale golden, removed by test_same_outputs_and_inputs_unchanged
    assert file_name in produced.texts, f"{run_name} no longer writes {file_name}"
    check(SNAPSHOTS / run_name / file_name, produced.texts[file_name])
