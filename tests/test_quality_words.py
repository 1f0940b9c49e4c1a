"""Data-quality warnings in the --lang language: figures in `QualityWarning`, words in
render/texts/quality.toml (Vietnamese and English); analysis.json keeps them in English."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.model import QualityWarning, RowPlace
from bottleneck_finder.render.messages import MESSAGES, read_topic
from bottleneck_finder.render.quality_text import quality_sentence
from bottleneck_finder.render.words import Words

VI, EN = Words("vi"), Words("en")
KINDS = (
    "kept_duplicate",
    "dropped_duplicate",
    "dropped_missing_key",
    "dropped_unparseable",
    "dropped_no_time",
    "dropped_outside_calendar",
    "dropped_end_before_start",
    "ignored_lifecycle",
    "start_empty",
    "start_not_times",
    "traces_apart",
    "unmatched_starts",
    "unmatched_completes",
)
"""Every kind normalize and the analysis make (grep `QualityWarning(` in src)."""


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_kind_is_written_in_both_languages_with_the_same_placeholders() -> None:
    table = read_topic("quality")
    for kind in KINDS:
        assert f"dq_{kind}" in table, kind
    for key, (vi, en) in table.items():
        assert vi != en, key
        assert fields(vi) == fields(en), key
        words = re.sub(r"\{[a-z]+\}", "", vi)
        assert not re.search(r"\b(rows?|dropped|kept|column|line|sheet)\b", words), (key, vi)


def test_the_kinds_listed_here_are_all_the_code_makes() -> None:
    source = Path(__file__).resolve().parents[1] / "src" / "bottleneck_finder"
    made = set()
    for path in source.rglob("*.py"):
        made |= set(re.findall(r'QualityWarning\(\s*"([a-z_]+)"', path.read_text("utf-8")))
    made |= {f"{how}_{kind}" for how in ("kept", "dropped") for kind in ("duplicate",)}
    normalize = (source / "normalize.py").read_text("utf-8")
    made |= {f"dropped_{k}" for k in re.findall(r'bad_rows,\s*"([a-z_]+)"', normalize)}
    assert made == set(KINDS)


ROWS = (RowPlace("line", 4), RowPlace("line", 9))


@pytest.mark.parametrize(
    ("warning", "english", "vietnamese"),
    [
        (
            QualityWarning("dropped_no_time", count=7, columns=("time",), rows=ROWS, more=5),
            "dropped 7 rows have no timestamp in column 'time' (line 4, line 9 and 5 more)",
            "đã bỏ 7 dòng không có thời điểm trong cột 'time' (dòng 4, dòng 9 và 5 dòng khác)",
        ),
        (
            QualityWarning("dropped_no_time", count=1, columns=("time",), rows=ROWS[:1]),
            "dropped 1 row has no timestamp in column 'time' (line 4)",
            "đã bỏ 1 dòng không có thời điểm trong cột 'time' (dòng 4)",
        ),
        (
            QualityWarning(
                "kept_duplicate", count=1234, rows=(RowPlace("sheet_row", 12, "Nhật ký"),)
            ),
            "kept 1234 rows are exact duplicates of an earlier row (sheet 'Nhật ký' row 12); "
            "pass --duplicates drop to drop them",
            "giữ lại 1.234 dòng trùng hoàn toàn với một dòng trước đó (trang tính 'Nhật ký' "
            "dòng 12); dùng --duplicates drop để bỏ chúng",
        ),
        (
            QualityWarning(
                "dropped_unparseable",
                count=2,
                columns=("end",),
                rows=(RowPlace("event", 3), RowPlace("event", 8)),
                detail="%d/%m/%Y",
            ),
            "dropped 2 timestamps in column 'end' cannot be parsed as %d/%m/%Y (event #3, "
            "event #8)",
            "đã bỏ 2 thời điểm không đọc được theo định dạng %d/%m/%Y trong cột 'end' "
            "(sự kiện #3, sự kiện #8)",
        ),
        (
            QualityWarning(
                "dropped_outside_calendar",
                count=2,
                columns=("end", "start"),
                rows=ROWS,
                detail="1901–2100",
            ),
            "dropped 2 rows with times outside the years 1901–2100 that a working calendar "
            "covers (column 'end' or 'start') (line 4, line 9)",
            "đã bỏ 2 dòng có thời điểm nằm ngoài các năm 1901–2100 mà lịch làm việc bao quát "
            "(cột 'end' hoặc 'start') (dòng 4, dòng 9)",
        ),
        (  # the sentence as it was before the warnings had words in two languages
            QualityWarning("traces_apart", count=1, examples=("'7'",), other=1),
            "1 case id names several XES traces ('7'): kept 1 later trace apart as <id>#2, "
            "<id>#3, …; pass --merge-traces to merge traces sharing an id",
            "1 mã hồ sơ ứng với nhiều trace XES ('7'): giữ riêng 1 trace sau thành <id>#2, "
            "<id>#3, …; dùng --merge-traces để gộp các trace cùng mã",
        ),
        (
            QualityWarning("traces_apart", count=1, examples=("'7'",), other=3),
            "1 case id names several XES traces ('7'): kept 3 later traces apart as <id>#2, "
            "<id>#3, …; pass --merge-traces to merge traces sharing an id",
            "1 mã hồ sơ ứng với nhiều trace XES ('7'): giữ riêng 3 trace sau thành <id>#2, "
            "<id>#3, …; dùng --merge-traces để gộp các trace cùng mã",
        ),
        (
            QualityWarning("traces_apart", count=7, examples=("'1'", "'2'"), other=9),
            "7 case ids name several XES traces ('1', '2' and 5 more): kept 9 later traces "
            "apart as <id>#2, <id>#3, …; pass --merge-traces to merge traces sharing an id",
            "7 mã hồ sơ ứng với nhiều trace XES ('1', '2' và 5 mã khác): giữ riêng 9 trace sau "
            "thành <id>#2, <id>#3, …; dùng --merge-traces để gộp các trace cùng mã",
        ),
    ],
)
def test_sentences_in_both_languages(
    warning: QualityWarning, english: str, vietnamese: str
) -> None:
    assert quality_sentence(warning, EN) == english
    assert quality_sentence(warning) == english  # English by default
    assert quality_sentence(warning, VI) == vietnamese


LOG = (
    "case_id,activity,timestamp\n"
    "1,A,2025-01-06 08:00\n"
    "1,A,2025-01-06 08:00\n"  # line 3: an exact duplicate, kept
    "1,B,2025-01-06 09:00\n"
    "2,A,soon\n"  # line 5: cannot be parsed
    "2,B,2025-01-07 09:00\n"
    ",B,2025-01-07 09:00\n"  # line 7: no case id
)


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "vi",
            [
                "cảnh báo: đã bỏ 1 dòng thiếu mã hồ sơ hoặc tên bước (cột 'case_id', "
                "'activity') (dòng 7)",
                "cảnh báo: đã bỏ 1 thời điểm không đọc được theo định dạng ISO8601 trong cột "
                "'timestamp' (dòng 5)",
                "cảnh báo: giữ lại 1 dòng trùng hoàn toàn với một dòng trước đó (dòng 3); dùng "
                "--duplicates drop để bỏ chúng",
            ],
        ),
        (
            "en",
            [
                "warning: dropped 1 row without a case id or activity name (columns 'case_id', "
                "'activity') (line 7)",
                "warning: dropped 1 timestamp in column 'timestamp' cannot be parsed as "
                "ISO8601 (line 5)",
                "warning: kept 1 row is an exact duplicate of an earlier row (line 3); pass "
                "--duplicates drop to drop them",
            ],
        ),
    ],
)
def test_the_terminal_warns_in_the_lang_language_and_the_json_stays_english(
    tmp_path: Path, lang: str, lines: list[str]
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG)
    out = tmp_path / "o"
    args = ["analyze", str(log), "--bad-rows", "skip", "--lang", lang, "-q", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if line.startswith(lines[0][:8])]
    assert said == lines
    warnings = json.loads((out / "analysis.json").read_text())["data_quality"]["warnings"]
    assert warnings == [  # in English, whatever --lang says
        "dropped 1 row without a case id or activity name (columns 'case_id', 'activity') (line 7)",
        "dropped 1 timestamp in column 'timestamp' cannot be parsed as ISO8601 (line 5)",
        "kept 1 row is an exact duplicate of an earlier row (line 3); pass --duplicates drop "
        "to drop them",
    ]


def test_the_unmatched_lifecycle_note_is_in_vietnamese(tmp_path: Path) -> None:
    log = tmp_path / "lc.csv"
    log.write_text(
        "case_id,activity,timestamp,lifecycle\n"
        "1,A,2025-01-06 08:00,start\n1,A,2025-01-06 08:30,complete\n"
        "1,B,2025-01-06 09:00,start\n1,C,2025-01-06 10:00,complete\n"
    )
    result = CliRunner().invoke(cli, ["analyze", str(log), "--lang", "vi", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "lưu ý: 1 sự kiện start không có complete tương ứng nên bị bỏ qua" in result.output
    assert "matching" not in result.output
    assert (
        MESSAGES["dq_unmatched_starts"][1].format(count=1)
        in json.loads((tmp_path / "analysis.json").read_text())["data_quality"]["warnings"]
    )
