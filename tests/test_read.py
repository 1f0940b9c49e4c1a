"""Reading: encodings, delimiters, formats, timestamps, column mapping and case tables."""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from bottleneck_finder import LogColumns, NormalizeOptions, analyze_log, load_log
from bottleneck_finder.io.read import read_columns_file, read_log

from .conftest import RECEIPT, shared_log

VI = (
    "ma_ho_so,buoc,thoi_gian,can_bo,don_vi\n"
    "HS-1,Tiếp nhận hồ sơ,2025-03-03 08:00,Nguyễn Văn An,Bộ phận một cửa\n"
    "HS-1,Ký số phê duyệt,2025-03-05 15:00,Trần Thị Bình,Lãnh đạo UBND\n"
    "HS-2,Tiếp nhận hồ sơ,2025-03-03 09:00,Nguyễn Văn An,Bộ phận một cửa\n"
    "HS-2,Ký số phê duyệt,2025-03-04 09:00,Trần Thị Bình,Lãnh đạo UBND\n"
)


def check_vi(path: Path) -> None:
    a = analyze_log(path)
    assert a.columns == LogColumns(
        case="ma_ho_so", activity="buoc", timestamp="thoi_gian", resource="can_bo", group="don_vi"
    )
    row = a.transitions.iloc[0]
    assert (row["source"], row["target"]) == ("Tiếp nhận hồ sơ", "Ký số phê duyệt")
    assert row["wait_total_s"] == (2 * 86400 + 7 * 3600) + 86400


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("utf-16", "\t"),  # with BOM
        ("utf-16-le", ","),  # without BOM
        ("utf-16-be", "|"),
    ],
)
def test_encodings_and_delimiters_are_sniffed(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(VI.replace(",", delimiter).encode(encoding))
    raw = read_log(path)
    assert next(iter(raw.table.columns)) == "ma_ho_so"
    assert raw.delimiter == delimiter
    check_vi(path)


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            shape = "".join(m for m in parts[1:] if m in "\u0302\u0306\u031b")  # ^ ˘ horn
            tone = "".join(m for m in parts[1:] if m not in shape)
            out.append(unicodedata.normalize("NFC", parts[0] + shape) + tone)
    return "".join(out).encode("cp1258")


def test_explicit_encoding_reads_legacy_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(to_cp1258(VI))
    a = analyze_log(path, encoding="cp1258")
    assert a.transitions.iloc[0]["target"] == "Ký số phê duyệt"


def test_gzipped_csv(tmp_path: Path) -> None:
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(VI.encode()))
    check_vi(path)


def test_parquet_with_typed_timestamps(tmp_path: Path) -> None:
    frame = pd.read_csv(pd.io.common.StringIO(VI))
    frame["thoi_gian"] = pd.to_datetime(frame["thoi_gian"]).dt.tz_localize("Asia/Ho_Chi_Minh")
    path = tmp_path / "log.parquet"
    frame.to_parquet(path)
    check_vi(path)
    assert analyze_log(path).display_tz == "Asia/Ho_Chi_Minh"


def test_xes_plain_and_gzipped_agree(tmp_path: Path) -> None:
    plain = tmp_path / "receipt.xes"
    plain.write_bytes(gzip.decompress(RECEIPT.read_bytes()))
    a, b = analyze_log(plain), analyze_log(RECEIPT)
    pd.testing.assert_frame_equal(a.transitions, b.transitions)
    assert a.log == b.log


def test_xes_mixed_offsets_are_normalized_to_utc() -> None:
    log = load_log(RECEIPT)  # the receipt log mixes +01:00 and +02:00
    raw = read_log(RECEIPT).table["time:timestamp"]
    expected = pd.to_datetime(raw, format="ISO8601", utc=True)
    got = pd.to_datetime(log.events["end_us"].to_numpy(), unit="us", utc=True)
    assert (got == expected.to_numpy()).all()
    assert {"+01:00", "+02:00"} <= {s[-6:] for s in raw}


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("27/11/2025 14:05", None, "2025-11-27 14:05"),  # day-first detected
        ("2025-11-27T14:05:00+07:00", None, "2025-11-27 07:05"),
        ("2019/01/10 08:00:00.000", None, "2019-01-10 08:00"),
        ("11-27-2025 2:05 PM", "%m-%d-%Y %I:%M %p", "2025-11-27 14:05"),
    ],
)
def test_timestamp_formats(tmp_path: Path, text: str, fmt: str | None, expected: str) -> None:
    path = tmp_path / "log.csv"
    path.write_text(f'case_id,activity,timestamp\n1,A,"{text}"\n', encoding="utf-8")
    log = load_log(path, options=NormalizeOptions(timestamp_format=fmt))
    got = pd.Timestamp(int(log.events["end_us"].iloc[0]), unit="us")
    assert got == pd.Timestamp(expected)


def test_naive_times_are_read_in_the_given_zone(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("case_id,activity,timestamp\n1,A,2025-11-27 14:05\n", encoding="utf-8")
    log = load_log(path, options=NormalizeOptions(tz="Asia/Ho_Chi_Minh"))
    assert pd.Timestamp(int(log.events["end_us"].iloc[0]), unit="us") == pd.Timestamp(
        "2025-11-27 07:05"
    )


def test_columns_file_and_option_override(tmp_path: Path) -> None:
    mapping = tmp_path / "cols.toml"
    mapping.write_text(
        '[columns]\ncase = "dossier"\nactivity = "step"\ntimestamp = "done"\n', encoding="utf-8"
    )
    cols = read_columns_file(mapping)
    assert cols == LogColumns(case="dossier", activity="step", timestamp="done")
    path = tmp_path / "log.csv"
    path.write_text(
        "dossier,step,done,other_step\n1,A,2025-01-01 08:00,X\n1,B,2025-01-01 09:00,Y\n",
        encoding="utf-8",
    )
    a = analyze_log(path, cols.merged(LogColumns(activity="other_step")))
    assert (a.transitions.iloc[0]["source"], a.transitions.iloc[0]["target"]) == ("X", "Y")


def test_milestone_case_table(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.csv"
    path.write_text(
        "ma_ho_so,thu_tuc,ngay_nop,ngay_tiep_nhan,ngay_co_ket_qua,ngay_tra_ket_qua\n"
        "HS-1,Xây dựng,01/03/2025,03/03/2025,10/03/2025,11/03/2025\n"
        "HS-2,Xây dựng,02/03/2025,02/03/2025,,05/03/2025\n",
        encoding="utf-8",
    )
    options = NormalizeOptions(
        milestones=(
            ("ngay_nop", "Nộp"),
            ("ngay_tiep_nhan", "Tiếp nhận"),
            ("ngay_co_ket_qua", "Có kết quả"),
            ("ngay_tra_ket_qua", "Trả kết quả"),
        )
    )
    a = analyze_log(path, options=options)
    t = {(r.source, r.target): (r.count, r.wait_total_s) for r in a.transitions.itertuples()}
    day = 86400.0
    assert t == {
        ("Nộp", "Tiếp nhận"): (2, 2 * day),  # HS-2's tie on 02/03 keeps the milestone order
        ("Tiếp nhận", "Có kết quả"): (1, 7 * day),
        ("Có kết quả", "Trả kết quả"): (1, 1 * day),
        ("Tiếp nhận", "Trả kết quả"): (1, 3 * day),  # the empty milestone is skipped
    }
    assert a.columns.case == "ma_ho_so" and a.log.events == 7


def test_sudden_drift_csv_reads_start_and_complete_columns() -> None:
    path = shared_log("sudden_time_noise0_1000_baseline.csv.gz")
    a = analyze_log(path)
    assert (a.columns.case, a.columns.activity) == ("case", "event")
    assert (a.columns.start, a.columns.timestamp) == ("startTime", "completeTime")
    assert (a.log.cases, a.log.events) == (1000, 11229)


def test_parquet_with_numeric_case_ids_and_nulls(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "case_id": [7, 7, 8, 8],
            "activity": ["A", "B", "A", "B"],
            "timestamp": pd.to_datetime(
                ["2025-01-01 08:00", "2025-01-01 09:00", "2025-01-01 08:00", "2025-01-01 08:30"],
                utc=True,
            ),
            "resource": ["x", None, "y", "z"],
        }
    )
    path = tmp_path / "log.parquet"
    frame.to_parquet(path)
    a = analyze_log(path)
    assert a.log.cases == 2
    assert a.transitions["wait_total_s"].tolist() == [3600 + 1800]
    log = load_log(path)
    assert sorted(log.events["case"].astype(str)) == ["7", "7", "8", "8"]
    assert log.events["resource"].isna().sum() == 1


def test_fast_csv_path_reads_what_pandas_reads(tmp_path: Path) -> None:
    # The Arrow reader is the fast path; pandas' reader is the fallback that names bad lines.
    from bottleneck_finder.io import read as reader

    path = tmp_path / "log.csv"
    path.write_text(VI + 'HS-3,"Ký số, phê duyệt",2025-03-06 10:00,,\n', encoding="utf-8")
    fast = reader._arrow_csv(path, path.read_bytes(), ",", None)
    assert fast is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "_arrow_csv", lambda *args: None)
        slow = reader.read_csv(path).table
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
    assert fast["buoc"].iloc[-1] == "Ký số, phê duyệt" and pd.isna(fast["can_bo"].iloc[-1])


def test_milestones_on_the_same_date_keep_the_order_given(tmp_path: Path) -> None:
    rows = "".join(f"HS-{i},05/03/2025,05/03/2025,05/03/2025\n" for i in range(3000))
    path = tmp_path / "dossiers.csv"
    path.write_text("ma_ho_so,ngay_tra,ngay_nop,ngay_duyet\n" + rows, encoding="utf-8")
    options = NormalizeOptions(
        milestones=(("ngay_nop", "Nộp"), ("ngay_duyet", "Duyệt"), ("ngay_tra", "Trả"))
    )
    a = analyze_log(path, options=options)
    got = {(r.source, r.target): r.count for r in a.transitions.itertuples()}
    assert got == {("Nộp", "Duyệt"): 3000, ("Duyệt", "Trả"): 3000}


def test_plain_start_and_end_columns_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "case,activity,start,end\n"
        "1,A,2025-01-01 08:00,2025-01-01 09:00\n"
        "1,B,2025-01-01 09:30,2025-01-01 10:00\n",
        encoding="utf-8",
    )
    log = load_log(path)
    assert (log.columns.start, log.columns.timestamp) == ("start", "end")
    # the wait is start(B) - end(A), not end(B) - end(A)
    assert analyze_log(path).transitions.iloc[0]["wait_total_s"] == 1800.0


def test_parquet_repetitive_text_is_read_dictionary_encoded(tmp_path: Path) -> None:
    """Labels that repeat (activities, officers) arrive as categoricals; case ids, nearly
    unique, stay plain text; the choice looks only at the first rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bottleneck_finder.io.read import REPETITION_SAMPLE, read_parquet

    n = REPETITION_SAMPLE + 1000
    table = pa.table(
        {
            "case_id": [f"hs-{i // 2:07d}" for i in range(n)],
            "activity": [("Tiếp nhận", "Thẩm định", "Trả kết quả")[i % 3] for i in range(n)],
            "timestamp": pa.array(range(n), pa.timestamp("s", tz="UTC")),
            "step_no": list(range(n)),
        }
    )
    path = tmp_path / "log.parquet"
    pq.write_table(table, path, row_group_size=n)  # one row group larger than the sample
    raw = read_parquet(path)
    assert isinstance(raw.table["activity"].dtype, pd.CategoricalDtype)
    assert not isinstance(raw.table["case_id"].dtype, pd.CategoricalDtype)
    assert raw.table["activity"].astype(str).tolist() == table.column("activity").to_pylist()
    assert raw.table["case_id"].tolist() == table.column("case_id").to_pylist()


@pytest.mark.parametrize(
    ("values", "by_arrow"),
    [
        (
            ["2024-01-01T00:23:18", "2024-01-01 08:05", "2024-02-29", "2024-03-10T02:30:00.1234"],
            True,
        ),
        (
            ["2024-01-01T00:23:18Z", "2024-01-01T07:23:18+07:00", "2024-06-01T12:00:00.5-03:30"],
            True,
        ),
        (["2024-01-01T07:23:18+07:00", "2024-01-01T00:23:18"], False),  # offsets on some only
        (["2024-01-01T00:23:18", "not a date", ""], False),  # one unparseable, one empty
        (["2024-01-01T00:23:18.1234567Z", "2024-01-01T00:23:19Z"], False),  # nanoseconds
    ],
)
def test_iso_timestamps_read_by_arrow_equal_pandas(values: list[str], by_arrow: bool) -> None:
    """The fast Arrow parse of ISO 8601 text gives what pandas gives, value for value; where
    Arrow refuses (mixed offsets, bad values, nanoseconds) pandas parses and reports."""
    import numpy as np

    from bottleneck_finder.timestamps import _arrow_iso8601, parse_timestamps

    series = pd.Series(values, dtype="str")
    present = series[series != ""]
    utc_guess = any(v.endswith("Z") or "+" in v[10:] or "-" in v[10:] for v in values)
    assert (_arrow_iso8601(present, utc_guess) is not None) is by_arrow
    parsed = parse_timestamps(series, fmt=None, tz=None, column="t", source="x")
    text = series.str.strip().replace("", None)
    utc = any(v.endswith("Z") or "+" in v[10:] or "-" in v[10:] for v in values)
    expected = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=utc)
    if not utc:
        expected = expected.dt.tz_localize("UTC")
    valid = expected.notna().to_numpy()
    assert parsed.valid.tolist() == valid.tolist()
    micros = pd.DatetimeIndex(expected).as_unit("us").asi8
    assert np.array_equal(parsed.micros[valid], micros[valid])
    assert parsed.unparseable.tolist() == (~valid & (text.notna().to_numpy())).tolist()
