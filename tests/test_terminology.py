"""Every message template speaks the administration's words of docs/terminology.md."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((ROOT / "src" / "bottleneck_finder" / "render" / "texts").glob("*.toml"))
COMMANDS = "analyze|compare|report|discover|drift|causes|anonymize|explore"


def terms() -> list[tuple[list[str], list[str], list[str]]]:
    """The table of docs/terminology.md: (Vietnamese forms, English forms, avoided words)."""
    rows = []
    text = (ROOT / "docs" / "terminology.md").read_text("utf-8")
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("Tiếng Việt", "---") or set(cells[0]) <= {"-"}:
            continue
        avoid = cells[2].split(" — ")[0] if " — " in cells[2] else ""
        rows.append(
            (
                [v.strip(" †") for v in cells[0].split(";")],
                [e.strip() for e in cells[1].split(";")],
                [a.strip() for a in avoid.split(";") if a.strip()],
            )
        )
    return rows


def log_words() -> set[str]:
    """Terms marked † in the table: words of the logs that no message needs to use."""
    text = (ROOT / "docs" / "terminology.md").read_text("utf-8")
    return {
        line.strip("| ").split("|")[0].split(";")[0].strip(" †")
        for line in text.splitlines()
        if line.startswith("|") and "†" in line.split("|")[1]
    }


def templates() -> dict[str, tuple[str, str]]:
    """Every (Vietnamese, English) message template, keyed by file and key."""
    out = {}
    for path in TEXTS:
        for key, value in tomllib.loads(path.read_text("utf-8")).items():
            if isinstance(value, list) and len(value) == 2:
                out[f"{path.name}:{key}"] = (str(value[0]), str(value[1]))
    return out


def says(text: str, term: str) -> bool:
    """Whether `text` uses `term` as a word (not inside a longer word or a {placeholder})."""
    pattern = r"(?<![\w{-])" + re.escape(term) + r"(?![\w}-])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def english_words(text: str) -> str:
    """An English template without the program's name (bottleneck analyze, by bottleneck …)."""
    text = re.sub(rf"\bbottleneck(?= (?:{COMMANDS})\b)", "", text)
    return re.sub(r"\bby bottleneck\b", "by", text)


def test_the_table_is_read_and_every_term_is_used() -> None:
    table = terms()
    assert len(table) >= 25
    every_vi = " ".join(vi for vi, _ in templates().values())
    unused = [forms[0] for forms, _, _ in table if not any(says(every_vi, f) for f in forms)]
    unused = [term for term in unused if term not in log_words()]
    assert unused == [], f"terms in docs/terminology.md that no message uses: {unused}"


@pytest.mark.parametrize("name", list(templates()))
def test_a_template_uses_the_terms_of_the_table(name: str) -> None:
    vi, en = templates()[name]
    english = english_words(en)
    for vi_forms, en_forms, avoid in terms():
        if any(says(english, e) for e in en_forms):
            assert any(says(vi, v) for v in vi_forms), (
                f"{name}: the English says {en_forms[0]!r}, the Vietnamese should say "
                f"{vi_forms[0]!r} (docs/terminology.md): {vi!r}"
            )
        for word in avoid:
            assert not says(vi, word), f"{name}: {word!r} is not used (docs/terminology.md)"
    assert "«" not in vi + en and "»" not in vi + en, f"{name}: quote with “…”"


def test_the_check_fails_on_a_wrong_word() -> None:
    """The checks above can fail: a made-up template with the avoided words is caught."""
    table = terms()
    vi, en = "Tranh chấp nguồn lực «{x}»", "contention before {x}"
    hits = [a for _, _, avoid in table for a in avoid if says(vi, a)]
    assert hits == ["tranh chấp nguồn lực"]
    missing = [
        v[0] for v, e, _ in table if any(says(en, w) for w in e) and not any(says(vi, f) for f in v)
    ]
    assert missing == ["cán bộ đang bận xử lý hồ sơ khác"]
