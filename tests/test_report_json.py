"""One source for every number: the report writes the commands' JSON documents of its results,
and every figure on its first page is one of theirs (issue 17, item 3)."""

from __future__ import annotations

import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottleneck_finder.calendar import load_calendar
from bottleneck_finder.cli import cli
from bottleneck_finder.render.words import Words
from bottleneck_finder.reporting.phrases import change, duration_change

from .conftest import EVENT_LOGS

ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
TEXTS = Path(__file__).resolve().parents[1] / "src" / "bottleneck_finder" / "render" / "texts"
UNIT = r"(?: (?:ngày làm việc|ngày LV|ngày|giờ|phút|giây|wd|d|h|min|s)\b)?"
FIGURE = re.compile(r"[+−-]?\d[\d.,]*\d%?" + UNIT + r"|[+−-]?\d%?" + UNIT)
DOCUMENTS = ("analysis.json", "comparison.json", "drift.json", "causes.json", "deadlines.json")


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, ["report", *args, "--no-pdf", "-q"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", params=["vi", "en"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The rollout log's report split at the rollout with a 5-day deadline, and its language."""
    out = tmp_path_factory.mktemp(request.param) / "report"
    run(str(ROLLOUT), "--split", "2025-04-14", "--deadline", "5d", "--lang", request.param,
        "-o", str(out))  # fmt: skip
    return out, request.param


def leaves(value: Any, key: str = "") -> list[tuple[str, float]]:
    """Every number in a JSON document with the key it stands under."""
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in leaves(v, str(k))]
    if isinstance(value, list):
        return [x for v in value for x in leaves(v, key)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [(key, float(value))]
    return []


def pairs(value: Any) -> list[tuple[float, float]]:
    """The (before, after) numbers that stand side by side in one object of a document."""
    found: list[tuple[float, float]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            other = value.get("after" + str(k)[6:]) if str(k).startswith("before") else None
            if isinstance(v, (int, float)) and isinstance(other, (int, float)):
                found.append((float(v), float(other)))
            found += pairs(v)
    elif isinstance(value, list):
        for v in value:
            found += pairs(v)
    return found


def spellings(documents: dict[str, Any], lang: str) -> set[str]:
    """Every way the report may write a number of the documents: counts, shares, durations in
    working and in calendar time (long and short units), signed, and before → after changes."""
    working = Words(lang, workday_s=load_calendar("vn").workday_seconds)
    plain = Words(lang)
    out: set[str] = set()
    for doc in documents.values():
        for key, x in leaves(doc):
            if math.isnan(x):
                continue
            for w in (working, plain):
                out.add(w.count(round(x)) if x == round(x) else w.number(x, 1))
                numbers = {w.number(x, d) for d in (0, 1, 2)}
                out |= numbers
                if "_days" in key:  # counted in days: "12,0 ngày làm việc"
                    units = {w("unit_wd"), w("unit_wd_short"), w("unit_d")}
                    out |= {f"{n} {u}" for n in numbers for u in units}
                out |= {w.percent(x), w.number(x * 100, 1) + "%", w.number(x * 100, 0) + "%"}
                for text in (w.duration(x), w.duration(x, short=True)):
                    out |= {text, "+" + text, "−" + text}
                if key.endswith("_s") and x < 0:
                    out |= {"−" + w.duration(-x), "−" + w.duration(-x, short=True)}
        # the calendar's working day, which the first page states ("1 ngày làm việc = 8 giờ")
        out.add(plain.duration(load_calendar("vn").workday_seconds))
        for before, after in pairs(doc):
            for w in (working, plain):
                out |= {change(w, before, after), duration_change(w, before, after)}
    return out


def template_figures(lang: str) -> set[str]:
    """Figures written in the message templates themselves ("10% waited longer than …")."""
    side = 0 if lang == "vi" else 1
    found: set[str] = set()
    for path in TEXTS.glob("*.toml"):
        for value in tomllib.loads(path.read_text("utf-8")).values():
            if isinstance(value, list) and len(value) == 2:
                found |= set(FIGURE.findall(re.sub(r"\{[^}]*\}", " ", str(value[side]))))
    return found


def test_the_report_writes_the_documents_of_its_results(report: Any) -> None:
    out, _ = report
    for name in DOCUMENTS:
        document = json.loads((out / name).read_text("utf-8"))
        assert document["schema"].startswith("bottleneck/"), name


def test_the_documents_are_the_commands_own(report: Any, tmp_path: Path) -> None:
    """analysis.json and comparison.json hold what `analyze` and `compare` write for the same
    log, calendar and split."""
    out, lang = report
    runner = CliRunner()
    common = ["--lang", lang, "--format", "dot"]
    analyzed = runner.invoke(cli, ["analyze", str(ROLLOUT), *common, "-o", str(tmp_path / "a")])
    assert analyzed.exit_code == 0, analyzed.output
    compared = runner.invoke(
        cli, ["compare", str(ROLLOUT), "--split", "2025-04-14", *common, "-o", str(tmp_path / "c")]
    )
    assert compared.exit_code == 0, compared.output
    mine = json.loads((out / "analysis.json").read_text("utf-8"))
    theirs = json.loads((tmp_path / "a" / "analysis.json").read_text("utf-8"))
    for key in ("time_basis", "transitions", "activities", "bottlenecks", "cases", "log"):
        assert mine[key] == theirs[key], key
    mine = json.loads((out / "comparison.json").read_text("utf-8"))
    theirs = json.loads((tmp_path / "c" / "comparison.json").read_text("utf-8"))
    for key in ("cases", "introduced_bottlenecks", "improvements", "transitions", "split"):
        assert mine[key] == theirs[key], key


def test_every_figure_of_the_first_page_is_in_the_documents(report: Any) -> None:
    out, lang = report
    documents = {n: json.loads((out / n).read_text("utf-8")) for n in DOCUMENTS}
    known = spellings(documents, lang) | template_figures(lang)
    markdown = (out / "report.md").read_text("utf-8")
    page_one = markdown[: markdown.index('<a id="process">')]
    page_one = re.sub(
        r"\]\(#[^)]*\)|<a id=[^>]*>|#\d+|\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}", " ", page_one
    )
    page_one = page_one.split("## ", 1)[1]  # after the title and the file's name
    figures = FIGURE.findall(page_one)
    assert len(figures) >= 30
    unknown = sorted({f for f in figures if f not in known})
    assert unknown == [], f"figures of the first page found in no JSON document: {unknown}"


def test_a_figure_not_in_the_documents_is_caught(report: Any) -> None:
    """The check above can fail: a changed figure is not found."""
    out, lang = report
    documents = {n: json.loads((out / n).read_text("utf-8")) for n in DOCUMENTS}
    known = spellings(documents, lang)
    assert Words(lang).duration(12_345_678.9) not in known
