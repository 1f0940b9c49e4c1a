"""`bottleneck anonymize`: keyed pseudonyms, same format out, same analysis, input untouched."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from bottleneck_finder.api import analyze_log
from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS, RECEIPT

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
KEY = "a-secret-key-only-the-team-keeps-2025"


def anonymize(*args: str, key: str | None = KEY) -> tuple[int, str]:
    env = {"BOTTLENECK_KEY": key} if key is not None else {"BOTTLENECK_KEY": ""}
    result = CliRunner().invoke(cli, ["anonymize", *args], env=env)
    return result.exit_code, result.output


def expected(value: str, prefix: str, key: str = KEY) -> str:
    digest = hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:16]}"


def test_csv_ids_and_officers_become_keyed_pseudonyms(tmp_path: Path) -> None:
    out = tmp_path / "after.csv"
    before = AFTER.read_bytes()
    code, output = anonymize(str(AFTER), "-o", str(out))
    assert code == 0, output
    assert AFTER.read_bytes() == before  # the input is untouched
    original = pd.read_csv(AFTER, dtype=str)
    shared = pd.read_csv(out, dtype=str)
    assert list(shared.columns) == list(original.columns)
    assert len(shared) == len(original)
    # times, steps and procedures are kept as they were; units of three officers or more too
    for column in ("thu_tuc", "buoc", "thoi_gian_bat_dau", "thoi_gian_ket_thuc"):
        assert shared[column].tolist() == original[column].tolist()
    kept = original["don_vi"].map(original.groupby("don_vi")["can_bo"].nunique()) >= 3
    assert shared["don_vi"][kept].tolist() == original["don_vi"][kept].tolist()
    assert set(shared["don_vi"][~kept]) == {"unit-other"}
    # every id and name is replaced by its HMAC-SHA256 pseudonym
    assert shared["ma_ho_so"].tolist() == [expected(v, "case") for v in original["ma_ho_so"]]
    assert shared["can_bo"].tolist() == [expected(v, "res") for v in original["can_bo"]]
    text = out.read_text("utf-8")
    people = set(original["can_bo"]) - set(original["don_vi"])  # "Công dân" is also a unit
    for identity in set(original["ma_ho_so"]) | people:
        assert identity not in text
    assert "ma_ho_so (900 values), can_bo (12 values)" in output


def test_same_key_same_pseudonyms_across_exports_other_key_differs(tmp_path: Path) -> None:
    assert anonymize(str(AFTER), "-o", str(tmp_path / "a.csv"))[0] == 0
    assert anonymize(str(BEFORE), "-o", str(tmp_path / "b.csv"))[0] == 0
    assert anonymize(str(AFTER), "-o", str(tmp_path / "c.csv"), key="x" * 40)[0] == 0
    a, b, c = (pd.read_csv(tmp_path / n, dtype=str) for n in ("a.csv", "b.csv", "c.csv"))
    ra, rb = pd.read_csv(AFTER, dtype=str), pd.read_csv(BEFORE, dtype=str)
    both = set(ra["can_bo"]) & set(rb["can_bo"])
    assert len(both) >= 10
    for name in both:
        pa = set(a.loc[ra["can_bo"] == name, "can_bo"])
        pb = set(b.loc[rb["can_bo"] == name, "can_bo"])
        assert pa == pb and len(pa) == 1
    assert set(a["can_bo"]).isdisjoint(set(c["can_bo"]))


def test_analysis_of_the_copy_equals_the_analysis_of_the_log(tmp_path: Path) -> None:
    out = tmp_path / "after.csv"
    assert anonymize(str(AFTER), "-o", str(out))[0] == 0
    original, copy = analyze_log(AFTER), analyze_log(out)
    pd.testing.assert_frame_equal(original.transitions, copy.transitions)
    pd.testing.assert_frame_equal(original.bottlenecks, copy.bottlenecks)


def test_xes_in_xes_out_with_the_same_analysis(tmp_path: Path) -> None:
    out = tmp_path / "receipt.xes.gz"
    code, output = anonymize(str(RECEIPT), "-o", str(out))
    assert code == 0, output
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    original, copy = analyze_log(RECEIPT), analyze_log(out)
    pd.testing.assert_frame_equal(original.transitions, copy.transitions)
    import gzip

    text = gzip.decompress(out.read_bytes()).decode("utf-8")
    raw = gzip.decompress(RECEIPT.read_bytes()).decode("utf-8")
    assert 'key="org:resource" value="res-' in text
    import re

    resources = set(re.findall(r'key="org:resource" value="([^"]+)"', raw))
    assert len(resources) > 10
    assert not any(f'key="org:resource" value="{r}"' in text for r in resources)


def test_parquet_in_parquet_out(tmp_path: Path) -> None:
    source = tmp_path / "after.parquet"
    pd.read_csv(AFTER, dtype=str).to_parquet(source)
    out = tmp_path / "shared.parquet"
    code, output = anonymize(str(source), "-o", str(out), "--pseudonymize", "thu_tuc")
    assert code == 0, output
    shared = pd.read_parquet(out)
    original = pd.read_parquet(source)
    assert shared["thu_tuc"].tolist() == [expected(v, "id") for v in original["thu_tuc"]]
    assert shared["buoc"].tolist() == original["buoc"].tolist()
    pd.testing.assert_frame_equal(analyze_log(source).transitions, analyze_log(out).transitions)


def test_drop_leaves_a_column_out(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    code, output = anonymize(str(AFTER), "-o", str(out), "--drop", "thu_tuc")
    assert code == 0, output
    assert "thu_tuc" not in pd.read_csv(out, nrows=1).columns
    code, output = anonymize(str(AFTER), "-o", str(out), "--drop", "ghi_chu")
    assert code == 4 and "column 'ghi_chu' is not in the log" in output


def test_refuses_without_a_key_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    code, output = anonymize(str(AFTER), "-o", str(out), key=None)
    assert code == 2
    assert output.startswith("error: no secret key") and "--new-key" in output
    assert not out.exists()
    code, output = anonymize(str(AFTER), "-o", str(out), key="short")
    assert code == 2 and "too short" in output
    assert not out.exists()


def test_new_key_is_saved_private_and_reusable(tmp_path: Path) -> None:
    key_file = tmp_path / "team.key"
    code, output = anonymize(
        str(AFTER), "-o", str(tmp_path / "a.csv"), "--new-key", str(key_file), key=None
    )
    assert code == 0, output
    assert f"wrote a new secret key to {key_file}" in output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64
    a = pd.read_csv(tmp_path / "a.csv", dtype=str)
    assert a["can_bo"].iloc[0] == expected(
        pd.read_csv(AFTER, dtype=str)["can_bo"].iloc[0], "res", key
    )
    code, _ = anonymize(
        str(AFTER), "-o", str(tmp_path / "b.csv"), "--key-file", str(key_file), key=None
    )
    assert code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    # an existing key file is never replaced
    code, output = anonymize(
        str(AFTER), "-o", str(tmp_path / "c.csv"), "--new-key", str(key_file), key=None
    )
    assert code == 8 and "already exists" in output
    assert key_file.read_text().strip() == key


def test_never_overwrites_the_input(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(AFTER.read_bytes())
    code, output = anonymize(str(log), "-o", str(log))
    assert code == 8 and "would replace the input" in output
    assert log.read_bytes() == AFTER.read_bytes()


def test_missing_values_stay_missing_and_are_not_hashed(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "case,activity,time,resource\n"
        "c1,A,2025-01-01 08:00,Nguyễn Văn An\n"
        "c1,B,2025-01-01 09:00,\n"
        "c2,A,2025-01-02 08:00,Nguyễn Văn An \n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, output = anonymize(str(log), "-o", str(out))
    assert code == 0, output
    shared = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert shared["resource"].tolist() == [
        expected("Nguyễn Văn An", "res"),
        "",
        expected("Nguyễn Văn An", "res"),
    ]
    assert "Nguyễn" not in out.read_text("utf-8")


def test_header_only_log_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    log = tmp_path / "header.csv"
    log.write_text("case_id,activity,timestamp\n", encoding="utf-8")
    out = tmp_path / "copy.csv"
    code, output = anonymize(str(log), "-o", str(out))
    assert code == 6, output
    assert output.strip() == f"error: {log}: the log has no events — check the export"
    assert not out.exists()


def test_failed_write_leaves_no_new_key_behind(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp\n1,A,2025-01-01 08:00\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    key = tmp_path / "team.key"
    code, output = anonymize(str(log), "-o", str(blocker / "copy.csv"), "--new-key", str(key))
    assert code == 8, output
    assert output.startswith("error: ") and len(output.strip().splitlines()) == 1
    assert not key.exists(), "a key for a copy that was never written was left behind"
