"""Excel and OpenDocument logs: the same analysis as the CSV, --sheet, cell types, header rows,
row numbers in errors, and one-line errors (exit 3) for a missing or empty sheet, a password or
a corrupt file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import bottleneck_finder as bf
from bottleneck_finder.cli import cli
from bottleneck_finder.errors import InputFileError
from bottleneck_finder.io.read import read_log

from .conftest import EVENT_LOGS

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
VIETNAMESE = {
    "ma_ho_so": "Mã hồ sơ",
    "thu_tuc": "Thủ tục",
    "buoc": "Bước",
    "thoi_gian_bat_dau": "Thời gian bắt đầu",
    "thoi_gian_ket_thuc": "Thời gian kết thúc",
    "can_bo": "Cán bộ",
    "don_vi": "Đơn vị",
}


def vietnamese_time(iso: pd.Series) -> pd.Series:
    """`2025-03-03 14:15:00+07:00` -> `03/03/2025 02:15:00 CH` (text, day first, 12-hour)."""
    t = pd.to_datetime(iso.str[:19])
    marker = t.dt.hour.map(lambda h: "SA" if h < 12 else "CH")
    return t.dt.strftime("%d/%m/%Y %I:%M:%S ") + marker


@pytest.fixture(scope="module")
def after_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-stop-shop log as an Excel export: a cover sheet first, Vietnamese headers under
    a title row, times as text with SA/CH."""
    csv = pd.read_csv(AFTER, dtype=str)
    table = csv.rename(columns=VIETNAMESE)
    for column in ("Thời gian bắt đầu", "Thời gian kết thúc"):
        table[column] = vietnamese_time(table[column])
    path = tmp_path_factory.mktemp("xlsx") / "mot_cua.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"Ghi chú": ["Xuất từ hệ thống một cửa"]}).to_excel(
            writer, sheet_name="Bìa", index=False
        )
        table.to_excel(writer, sheet_name="Nhật ký", index=False, startrow=2)
        writer.sheets["Nhật ký"]["A1"] = "BÁO CÁO HỒ SƠ MỘT CỬA"  # a title above the header
    return path


def analysis_json(tmp_path: Path, log: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    out = tmp_path / f"out-{log.name}-{len(extra)}"
    result = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(out), "-q", *extra])
    assert result.exit_code == 0, result.output
    document: dict = json.loads((out / "analysis.json").read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return document


@pytest.mark.parametrize("sheet", ["Nhật ký", "2", "nhật KÝ"])
def test_xlsx_gives_the_same_analysis_as_the_csv(
    tmp_path: Path, after_xlsx: Path, sheet: str
) -> None:
    from_csv = analysis_json(tmp_path, AFTER)
    from_xlsx = analysis_json(tmp_path, after_xlsx, "--sheet", sheet, "--tz", "+07:00")
    assert from_xlsx["source"] == str(after_xlsx)
    assert from_xlsx["columns"] == {
        role: VIETNAMESE[column] for role, column in from_csv["columns"].items()
    }
    assert from_xlsx["log"].pop("timestamp_format") == "%d/%m/%Y %I:%M:%S %p"
    assert from_csv["log"].pop("timestamp_format") == "ISO8601"
    for key in ("source", "columns"):
        from_csv.pop(key), from_xlsx.pop(key)
    assert from_xlsx == from_csv
    assert from_xlsx["log"]["events"] == 7272 and from_xlsx["log"]["cases"] == 900


def test_api_reads_the_sheet_asked_for(after_xlsx: Path) -> None:
    csv = bf.analyze_log(AFTER)
    xlsx = bf.analyze_log(after_xlsx, sheet="Nhật ký")
    pd.testing.assert_frame_equal(
        xlsx.transitions.reset_index(drop=True), csv.transitions.reset_index(drop=True)
    )
    assert xlsx.total_wait_s == csv.total_wait_s
    with bf.load(after_xlsx, sheet=2, tz="+07:00") as prepared:
        assert len(prepared.log.events) == 7272
        assert prepared.log.display_tz == "+07:00"
        assert prepared.log.timestamp_format == "%d/%m/%Y %I:%M:%S %p"


def test_first_sheet_by_default_names_the_log_sheet_when_empty(
    tmp_path: Path, after_xlsx: Path
) -> None:
    result = CliRunner().invoke(cli, ["analyze", str(after_xlsx), "-o", str(tmp_path / "o")])
    assert result.exit_code == 4, result.output  # the cover sheet has no log columns
    assert "Ghi chú" in result.output


def typed_workbook(path: Path) -> Path:
    """Cells typed as Excel stores them: numbers as case ids, dates as dates, serial numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Log"
    sheet.append(["Export of 2025-03-10"])  # a title row
    sheet.append([])
    sheet.append(["case", "activity", "start", "end", "officer"])
    rows = [
        (101, "Receive", dt.datetime(2025, 3, 3, 8, 0), dt.datetime(2025, 3, 3, 8, 30), "An"),
        (101, "Check", dt.datetime(2025, 3, 3, 10, 0), dt.datetime(2025, 3, 3, 11, 0), "Binh"),
        (102, "Receive", dt.datetime(2025, 3, 4, 9, 0), dt.datetime(2025, 3, 4, 9, 15), "An"),
        (102, "Check", dt.datetime(2025, 3, 4, 13, 15), dt.datetime(2025, 3, 4, 14, 0), 7),
    ]
    for i, row in enumerate(rows):
        sheet.append(list(row))
        if i == 1:
            sheet.append([])  # a blank row inside the data
    book.create_sheet("Empty")
    serial = book.create_sheet("Serial")
    serial.append(["case", "activity", "time"])
    # 45719 = 2025-03-03; 0.375 = 09:00, 0.5 = 12:00, 0.5625 = 13:30
    serial.append(["A", "Receive", 45719.375])
    serial.append(["A", "Check", 45719.5])
    serial.append(["A", "Approve", 45719.5625])
    book.save(path)
    return path


def test_cell_types_are_kept_and_waits_are_right(tmp_path: Path) -> None:
    path = typed_workbook(tmp_path / "typed.xlsx")
    raw = read_log(path)
    assert raw.format == "spreadsheet" and raw.sheet == "Log"
    assert list(raw.table.columns) == ["case", "activity", "start", "end", "officer"]
    assert str(raw.table["case"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(raw.table["start"].dtype)
    assert list(raw.table["officer"]) == ["An", "Binh", "An", "7"]  # a mixed column is text
    assert raw.rows == (4, 5, 7, 8)  # sheet rows: header on row 3, a blank row 6 skipped
    analysis = bf.analyze_log(path)
    waits = analysis.transitions.set_index(["source", "target"])
    # case 101 waits 10:00 - 08:30 = 90 min, case 102 13:15 - 09:15 = 240 min
    assert waits.loc[("Receive", "Check"), "wait_median_s"] == (90 * 60 + 240 * 60) / 2
    assert waits.loc[("Receive", "Check"), "count"] == 2


def test_excel_serial_times(tmp_path: Path) -> None:
    path = typed_workbook(tmp_path / "typed.xlsx")
    doc = analysis_json(tmp_path, path, "--sheet", "Serial", "--tz", "+07:00")
    assert doc["log"]["timestamp_format"] == "Excel serial date"
    assert doc["log"]["first_event"] == "2025-03-03T09:00:00+07:00"
    assert doc["log"]["last_event"] == "2025-03-03T13:30:00+07:00"
    waits = {(t["source"], t["target"]): t["wait_median_s"] for t in doc["transitions"]}
    assert waits == {("Receive", "Check"): 3 * 3600.0, ("Check", "Approve"): 90 * 60.0}


def test_ods_reads_like_xlsx(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "case": ["A", "A", "B", "B"],
            "activity": ["Receive", "Check", "Receive", "Check"],
            "time": [
                "03/03/2025 08:00 SA",
                "03/03/2025 01:30 CH",
                "04/03/2025 11:00 SA",
                "04/03/2025 12:30 CH",
            ],
        }
    )
    ods = tmp_path / "log.ods"
    frame.to_excel(ods, engine="odf", index=False)
    analysis = bf.analyze_log(ods)
    waits = analysis.transitions.set_index(["source", "target"])
    # 08:00 -> 13:30 is 5.5 h, 11:00 -> 12:30 is 1.5 h
    assert waits.loc[("Receive", "Check"), "wait_total_s"] == (5.5 + 1.5) * 3600


def test_bad_row_is_named_by_its_sheet_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Log"
    sheet.append(["case", "activity", "time"])
    sheet.append(["A", "Receive", "03/03/2025 08:00:00 SA"])
    sheet.append([])
    sheet.append(["A", "Check", "not a time"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result = CliRunner().invoke(cli, ["analyze", str(path), "-o", str(tmp_path / "o")])
    assert result.exit_code == 5, result.output
    assert "sheet 'Log' row 4" in result.output


def encrypted(path: Path, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    office = OOXMLFile(plain)
    office.encrypt(password, out)
    return out.getvalue()


def corrupt_cases(tmp_path: Path) -> dict[str, tuple[str, bytes, list[str], str]]:
    good = typed_workbook(tmp_path / "source.xlsx")
    data = good.read_bytes()
    return {
        "no such sheet": ("log.xlsx", data, ["--sheet", "Nope"], "has no sheet 'Nope'"),
        "sheet number too big": ("log.xlsx", data, ["--sheet", "9"], "has no sheet '9'"),
        "empty sheet": ("log.xlsx", data, ["--sheet", "Empty"], "sheet 'Empty' is empty"),
        "password": ("log.xlsx", encrypted(good, "secret"), [], "protected by a password"),
        "truncated": ("log.xlsx", data[: len(data) // 2], [], "not a readable Excel"),
        "not a workbook": ("log.xls", b"case,activity\nA,B\n" * 3, [], "not a readable Excel"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "no such sheet",
        "sheet number too big",
        "empty sheet",
        "password",
        "truncated",
        "not a workbook",
    ],
)
def test_bad_workbooks_one_line_exit_3(tmp_path: Path, case: str) -> None:
    name, content, extra, words = corrupt_cases(tmp_path)[case]
    log = tmp_path / name
    log.write_bytes(content)
    before = hashlib.sha256(content).hexdigest()
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(log), "-o", str(out), *extra])
    assert result.exit_code == 3, result.output
    assert words in result.output
    assert str(log) in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert hashlib.sha256(log.read_bytes()).hexdigest() == before
    assert not out.exists()


def test_api_error_for_a_missing_sheet(tmp_path: Path) -> None:
    path = typed_workbook(tmp_path / "typed.xlsx")
    with pytest.raises(InputFileError, match="'Log', 'Empty', 'Serial'"):
        read_log(path, sheet="Nope")


def parsed(values: list[object], fmt: str | None = None) -> list[str]:
    from bottleneck_finder.timestamps import parse_timestamps

    times = parse_timestamps(pd.Series(values), fmt=fmt, tz=None, column="t", source="s")
    assert times.valid.all()
    return [str(pd.Timestamp(int(m), unit="us")) for m in times.micros]


def test_vietnamese_and_english_day_halves() -> None:
    assert parsed(
        ["03/03/2025 08:03:00 SA", "03/03/2025 02:15:00 CH", "13/03/2025 12:05:00 SA"]
    ) == [
        "2025-03-03 08:03:00",
        "2025-03-03 14:15:00",
        "2025-03-13 00:05:00",  # 12 SA is just after midnight
    ]
    assert parsed(["04/03/2025 12:30 ch", "05/03/2025 9:00 sa"]) == [
        "2025-03-04 12:30:00",  # 12 CH is noon
        "2025-03-05 09:00:00",
    ]
    assert parsed(["2025-03-03 08:03:00 AM", "2025-03-03 02:15:00 PM"]) == [
        "2025-03-03 08:03:00",
        "2025-03-03 14:15:00",
    ]
    # an explicit format is written with %p and reads SA/CH too
    assert parsed(["03/03/2025 02:15 CH"], fmt="%d/%m/%Y %I:%M %p") == ["2025-03-03 14:15:00"]


def test_excel_serials_in_range_only() -> None:
    from bottleneck_finder.errors import TimestampError
    from bottleneck_finder.timestamps import SERIAL_MAX, SERIAL_MIN

    # Excel's day 1 of 2025 is 45658; 0.75 is 18:00
    assert parsed([45658.75, 45658]) == ["2025-01-01 18:00:00", "2025-01-01 00:00:00"]
    assert parsed([SERIAL_MIN, SERIAL_MAX]) == ["1950-01-01 00:00:00", "2100-01-01 00:00:00"]
    for numbers in ([1, 2], [1_741_000_000, 1_741_003_600], [45658, SERIAL_MAX + 1]):
        with pytest.raises(TimestampError, match="holds numbers, not dates"):
            parsed(list(numbers))


def test_csv_with_vietnamese_day_halves(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "ma_ho_so,buoc,thoi_gian\n"
        "A,Tiếp nhận,03/03/2025 11:30:00 SA\n"
        "A,Thẩm định,03/03/2025 01:00:00 CH\n",
        encoding="utf-8",
    )
    doc = analysis_json(tmp_path, log)
    assert doc["transitions"][0]["wait_median_s"] == 90 * 60.0


def test_anonymize_writes_a_workbook_as_csv(tmp_path: Path) -> None:
    path = typed_workbook(tmp_path / "typed.xlsx")
    out = tmp_path / "shared.csv"
    key = tmp_path / "k.key"
    args = ["anonymize", str(path), "-o", str(out), "--new-key", str(key), "-q"]
    result = CliRunner().invoke(cli, [*args, "--resource", "officer"])
    assert result.exit_code == 0, result.output
    shared = pd.read_csv(out, dtype=str)
    assert list(shared.columns) == ["case", "activity", "start", "end", "officer"]
    assert len(shared) == 4 and shared["case"].nunique() == 2
    assert not set(shared["case"]) & {"101", "102"}  # pseudonyms, not the ids
    assert list(shared["activity"]) == ["Receive", "Check", "Receive", "Check"]
    bad = CliRunner().invoke(cli, ["anonymize", str(path), "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2 and "as CSV" in bad.output
