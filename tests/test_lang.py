"""`--lang vi|en` on every command: Vietnamese terminal text and pictures, the same files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottleneck_finder.cli import cli
from bottleneck_finder.render.words import ENGLISH, Words

from .conftest import EVENT_LOGS

BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"

# Words of the English output that must not be left in the Vietnamese one.
ENGLISH_WORDS = (
    "wait",
    "waiting",
    "cases",
    "events",
    "activities",
    "transitions",
    "Top bottlenecks",
    "median",
    "mean",
    "total",
    "before",
    "after",
    "wrote",
    "note",
    "period",
    "Variants",
    "Rework",
    "Hand-offs",
    "change point",
    "slower",
    "faster",
    "Finding",
    "Improvements",
    "by cause",
    "times",
    "demand",
    "pseudonymized",
    "working time",
)

# --lang vi counts working days of the vn calendar by default: the runs fix the calendar, so
# that the language alone is what differs between the two runs of each
NO_CAL = ("--calendar", "none")

# (command, arguments, Vietnamese words the text must have, JSON file, pictures' DOT files and
# a Vietnamese legend line each must have)
RUNS = {
    "analyze": (
        [
            "analyze",
            str(AFTER),
            "--deadline",
            "15d",
            "--procedure",
            "thu_tuc",
            "--format",
            "dot",
            *NO_CAL,
        ],
        ("hồ sơ", "thời gian chờ", "điểm nghẽn", "Biến thể", "Đúng hạn", "đã ghi"),
        "analysis.json",
        {"process.dot": "Cách đọc sơ đồ"},
    ),
    "analyze-calendar": (
        ["analyze", str(AFTER), "--calendar", "vn", "--format", "dot"],
        ("ngày làm việc", "lịch nhà nước Việt Nam"),
        "analysis.json",
        {"process.dot": "ngày làm việc"},
    ),
    "compare": (
        ["compare", str(BEFORE), str(AFTER), "--format", "dot", *NO_CAL],
        ("CHẬM HƠN", "trung vị", "Điểm nghẽn mới", "Phát hiện", "nhu cầu", "đã ghi"),
        "comparison.json",
        {
            "difference.dot": "Khác biệt: trước → sau",
            "before.dot": "thời gian giải quyết trung vị",
            "after.dot": "Cùng bố cục với sơ đồ khác biệt",
        },
    ),
    "compare-split": (
        [
            "compare",
            str(ROLLOUT),
            "--split",
            "2025-04-14",
            "--deadline",
            "15d",
            "--format",
            "dot",
            *NO_CAL,
        ],
        ("mốc triển khai 14/04/2025", "kết thúc sau mốc này", "quá thời hạn"),
        "comparison.json",
        {"difference.dot": "Khác biệt: trước → sau"},
    ),
    "drift": (
        ["drift", str(ROLLOUT), *NO_CAL],
        ("điểm thay đổi", "thời gian giải quyết trung vị", "14/04/2025", "đã ghi"),
        "drift.json",
        {},
    ),
    "causes": (
        ["causes", str(AFTER), "--top", "3", *NO_CAL],
        ("theo nguyên nhân", "chờ gom theo đợt", "ngoài lịch làm việc của người xử lý", "đã ghi"),
        "causes.json",
        {},
    ),
    "discover": (
        ["discover", str(AFTER), "--format", "dot", *NO_CAL],
        ("Mô hình", "độ khớp", "Biến thể", "Chuyển giao giữa các đơn vị", "đã ghi"),
        "discovery.json",
        {"model.dot": "Cách đọc mô hình", "handoffs.dot": "Chuyển giao giữa các đơn vị"},
    ),
}


def _run(tmp_path: Path, name: str, lang: str) -> tuple[str, Path]:
    args, _, _, _ = RUNS[name]
    out = tmp_path / lang
    result = CliRunner().invoke(cli, [*args, "-o", str(out), "-q", "--lang", lang])
    assert result.exit_code == 0, result.output
    return result.stdout, out


def _text(stdout: str, out: Path) -> str:
    """The terminal text without file names (paths and log names are not words)."""
    text = stdout.replace(str(out), "<OUT>").replace(str(EVENT_LOGS), "<LOGS>")
    return re.sub(r"<(LOGS|OUT)>/[^\s,]+", "<FILE>", text)


@pytest.mark.parametrize("name", list(RUNS))
def test_vietnamese_text_pictures_and_the_same_json(tmp_path: Path, name: str) -> None:
    _, vietnamese, json_name, pictures = RUNS[name]
    vi_out, vi_dir = _run(tmp_path, name, "vi")
    en_out, en_dir = _run(tmp_path, name, "en")
    text = _text(vi_out, vi_dir)
    left = [w for w in ENGLISH_WORDS if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]
    assert not left, f"English left in the Vietnamese text: {left}\n{text}"
    for word in vietnamese:
        assert word in text, word
    assert "wrote" in en_out  # and the default stays English
    # the files stay language-neutral: the same bytes whatever --lang
    assert (vi_dir / json_name).read_bytes() == (en_dir / json_name).read_bytes()
    for file, legend in pictures.items():
        dot = (vi_dir / file).read_text(encoding="utf-8")
        assert legend in dot, file
        assert "How to read" not in dot and "wait " not in dot, file


def test_english_is_the_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["causes", str(AFTER), "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0
    assert "by cause: batching" in result.stdout


def test_drift_picture_speaks_vietnamese(tmp_path: Path) -> None:
    from bottleneck_finder import api
    from bottleneck_finder.analysis.drift import drift
    from bottleneck_finder.render.drift_plot import axis_label, drift_picture, plot_title

    result = drift(api.load_log(ROLLOUT))
    assert plot_title(result, Words("vi")).endswith("theo tuần; 1 điểm thay đổi (nét đứt)")
    assert plot_title(result).endswith("per week; 1 change point (dashed)")
    assert axis_label("days", True, Words("vi")) == "ngày làm việc"
    assert drift_picture(result, "svg", Words("vi")) != drift_picture(result, "svg")


def test_anonymize_speaks_vietnamese(tmp_path: Path) -> None:
    target = tmp_path / "shared.csv"
    args = ["anonymize", str(AFTER), "-o", str(target), "--new-key", str(tmp_path / "key")]
    result = CliRunner().invoke(cli, [*args, "--lang", "vi"])
    assert result.exit_code == 0, result.output
    assert "đã thay bằng bí danh: ma_ho_so (900 giá trị)" in result.stdout
    assert "pseudonymized" not in result.stdout


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (45, "45 s"),
        (5400, "1.5 h"),
        (7.9 * 3600, "7.9 h"),
        (8 * 3600, "1 wd"),
        (3 * 8 * 3600, "3 wd"),
        (25.6 * 3600, "3.2 wd"),
        (400 * 8 * 3600, "400 wd"),
        (-9 * 3600, "-1.1 wd"),
    ],
)
def test_working_days_in_english_as_the_cli_said_them(seconds: float, text: str) -> None:
    """`Words("en", workday_s=…)` tells durations in working days, "wd", as the CLI's
    `day_unit` did for a command with a calendar."""
    assert Words("en", workday_s=8 * 3600).duration(seconds) == text


def test_working_days_in_vietnamese() -> None:
    assert Words("vi", workday_s=8 * 3600).duration(25.6 * 3600) == "3,2 ngày làm việc"
    assert ENGLISH.duration(25.6 * 3600) == "1.1 d"


def test_fixed_formats_match_python_in_english() -> None:
    for value, spec in ((1234.5, ",.1f"), (0.1234, ".1%"), (-3.0, "+.0f"), (7.5, "g")):
        assert ENGLISH.fixed(value, spec) == format(value, spec)
    assert Words("vi").fixed(1234.5, ",.1f") == "1.234,5"
    assert Words("vi").share(0.1234) == "12,3%"
