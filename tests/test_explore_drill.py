"""The explore drill-down's weekly trend and causes, against pandas and `bottleneck causes`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.analysis.deadlines import case_column
from bottleneck_finder.cli import cli
from bottleneck_finder.commands.loading import load_with_columns
from bottleneck_finder.explore.drill import arrow_causes, edge_details
from bottleneck_finder.explore.session import ExploreOptions, Explorer
from bottleneck_finder.explore.state import Filter, ViewState

from .conftest import EVENT_LOGS, ROOT

SAMPLE = EVENT_LOGS / "one_stop_shop_after.csv"
PROCEDURE = "thu_tuc"
SOURCE, TARGET = "Thẩm định hồ sơ", "Ký số phê duyệt"
ZONE = "Asia/Ho_Chi_Minh"  # the sample's +07:00


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE)
    frame["start"] = pd.to_datetime(frame["thoi_gian_bat_dau"], utc=True)
    frame["end"] = pd.to_datetime(frame["thoi_gian_ket_thuc"], utc=True)
    return frame


def explorer_of(path: Path, extra: list[str]) -> Explorer:
    log, values = load_with_columns(path, {}, extra, quiet=True)
    columns = {c: case_column(log, values[c]) for c in extra}
    return Explorer(log, ExploreOptions(anonymize=False), columns)


@pytest.fixture(scope="module")
def explorer() -> Iterator[Explorer]:
    ex = explorer_of(SAMPLE, [PROCEDURE])
    yield ex
    ex.close()


def procedure_filter(raw: pd.DataFrame) -> tuple[ViewState, str]:
    """A filter on the second most common procedure, and that procedure."""
    chosen = str(raw.drop_duplicates("ma_ho_so")[PROCEDURE].value_counts().index[1])
    return ViewState().with_filters(Filter("attribute", PROCEDURE, (chosen,))), chosen


def hand_weeks(
    rows: pd.DataFrame, source: str | None = SOURCE, target: str = TARGET
) -> pd.DataFrame:
    """Waits on `source` → TARGET (None: any step before TARGET) per local week (Monday), by
    pandas: consecutive steps of a case by end time, the wait from the source's end to the
    target's start, in the target's week."""
    ordered = rows.sort_values(["ma_ho_so", "end", "start"], kind="stable")
    nxt = ordered.groupby("ma_ho_so").shift(-1)
    hit = (nxt["buoc"] == target) & (True if source is None else ordered["buoc"] == source)
    waits = (nxt.loc[hit, "start"] - ordered.loc[hit, "end"]).dt.total_seconds().clip(lower=0)
    local = nxt.loc[hit, "start"].dt.tz_convert(ZONE).dt.tz_localize(None)
    monday = local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")
    frame = pd.DataFrame({"week": monday.dt.strftime("%Y-%m-%d"), "wait": waits})
    return frame.groupby("week")["wait"].agg(["count", "median"])


def check_trend(
    details: dict, rows: pd.DataFrame, source: str | None = SOURCE, target: str = TARGET
) -> None:
    expected = hand_weeks(rows, source, target)
    weeks = details["trend"]["weeks"]
    got = {w["week"]: (w["count"], w["median_s"]) for w in weeks if w["count"]}
    assert list(got) == list(expected.index)
    for week, (count, median) in got.items():
        assert count == expected.loc[week, "count"]
        assert median == pytest.approx(expected.loc[week, "median"])
    # every week between the first and the last, those without a wait at 0
    mondays = pd.to_datetime([w["week"] for w in weeks])
    assert (mondays.day_of_week == 0).all() and (
        mondays.to_series().diff().dropna().dt.days == 7
    ).all()
    assert all(w["median_s"] is None for w in weeks if not w["count"])
    assert sum(w["count"] for w in weeks) == int(expected["count"].sum())


def test_weekly_trend_is_the_pandas_one(explorer: Explorer, raw: pd.DataFrame) -> None:
    check_trend(edge_details(explorer, ViewState(), SOURCE, TARGET), raw)


def test_weekly_trend_follows_the_filters(explorer: Explorer, raw: pd.DataFrame) -> None:
    state, chosen = procedure_filter(raw)
    details = edge_details(explorer, state, SOURCE, TARGET)
    check_trend(details, raw[raw[PROCEDURE] == chosen])
    whole = edge_details(explorer, ViewState(), SOURCE, TARGET)
    assert sum(w["count"] for w in details["trend"]["weeks"]) < sum(
        w["count"] for w in whole["trend"]["weeks"]
    )


def causes_json(
    path: Path,
    tmp_path: Path,
    source: str | None = SOURCE,
    target: str = TARGET,
    extra: tuple[str, ...] = (),
) -> dict:
    """`bottleneck causes PATH --json`'s row of SOURCE → TARGET (`source` None: of TARGET)."""
    result = CliRunner().invoke(
        cli, ["causes", str(path), "--json", "-q", "-o", str(tmp_path), *extra]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output[result.output.index("{") :])
    if source is None:
        (row,) = [r for r in doc["activities"] if r["activity"] == target]
    else:
        (row,) = [r for r in doc["transitions"] if (r["source"], r["target"]) == (source, target)]
    return dict(row)


def check_causes(causes: dict, expected: dict) -> None:
    assert causes["available"] is True
    row = causes["row"]
    keys = [k for k in ("source", "target", "activity") if k in expected]
    assert {k: row[k] for k in keys} == {k: expected[k] for k in keys}
    for key in ("count", "cases", "estimated", "estimated_count"):
        assert row[key] == expected[key], key
    for key in ("wait_total_s", "batching_creation_s", "batching_ready_s"):
        assert row[key] == pytest.approx(expected[key]), key
    for part in ("causes", "per_case_s", "shares"):
        assert row[part] == pytest.approx(expected[part]), part
    # the lines the page shows are those figures in words, in causes' order
    assert [line["cause"] for line in causes["lines"]] == list(expected["causes"])
    for line in causes["lines"]:
        assert line["share"] == pytest.approx(expected["shares"][line["cause"]])


def test_causes_are_those_of_the_causes_command(explorer: Explorer, tmp_path: Path) -> None:
    causes = arrow_causes(explorer, ViewState(), SOURCE, TARGET)
    check_causes(causes, causes_json(SAMPLE, tmp_path))
    assert not causes["estimated"]
    assert not any("≈" in line["time"] for line in causes["lines"])


def test_filtered_causes_are_causes_on_the_filtered_log(
    explorer: Explorer, raw: pd.DataFrame, tmp_path: Path
) -> None:
    state, chosen = procedure_filter(raw)
    path = tmp_path / "hand.csv"
    raw[raw[PROCEDURE] == chosen].drop(columns=["start", "end"]).to_csv(path, index=False)
    expected = causes_json(path, tmp_path)
    check_causes(arrow_causes(explorer, state, SOURCE, TARGET), expected)
    assert expected["count"] < causes_json(SAMPLE, tmp_path)["count"]


def test_an_activity_box_drills_into_every_wait_before_it(
    explorer: Explorer, raw: pd.DataFrame, tmp_path: Path
) -> None:
    """Clicking a box: the waits before it from any step (the assessment follows both the data
    entry and the supplement), their trend and the activity's row of `causes`, also filtered."""
    target = "Thẩm định hồ sơ"
    state, chosen = procedure_filter(raw)
    kept = raw[raw[PROCEDURE] == chosen]
    for view, rows in ((ViewState(), raw), (state, kept)):
        details = edge_details(explorer, view, "", target)
        assert details["title"] == f"Waits before {target}"
        check_trend(details, rows, None, target)
        expected = hand_weeks(rows, None, target)
        assert expected["count"].sum() > hand_weeks(rows, "Nhập liệu lại", target)["count"].sum()
        times = dict(details["figures"])["Times"]
        assert times == explorer.words.count(int(expected["count"].sum()))
        path = tmp_path / "hand.csv"
        rows.drop(columns=["start", "end"]).to_csv(path, index=False)
        found = arrow_causes(explorer, view, "", target)
        check_causes(found, causes_json(path, tmp_path, None, target))


def test_estimated_starts_are_marked(raw: pd.DataFrame, tmp_path: Path) -> None:
    """Without start times causes estimates them, and the page marks every figure ≈."""
    path = tmp_path / "no_starts.csv"
    raw.drop(columns=["start", "end", "thoi_gian_bat_dau"]).to_csv(path, index=False)
    ex = explorer_of(path, [])
    try:
        causes = arrow_causes(ex, ViewState(), SOURCE, TARGET)
    finally:
        ex.close()
    expected = causes_json(path, tmp_path)
    assert expected["estimated"] and expected["estimated_count"] == expected["count"]
    check_causes(causes, expected)
    assert causes["summary"].split(", ")[1].startswith("≈")
    assert all(line["time"].startswith("≈") for line in causes["lines"])
    assert any(note.startswith("≈ estimated:") for note in causes["notes"])


def test_without_resources_causes_say_why(raw: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "no_resources.csv"
    raw.drop(columns=["start", "end", "can_bo", "don_vi"]).to_csv(path, index=False)
    ex = explorer_of(path, [])
    try:
        details = edge_details(ex, ViewState(), SOURCE, TARGET)
        causes = arrow_causes(ex, ViewState(), SOURCE, TARGET)
    finally:
        ex.close()
    assert causes["available"] is False
    assert "no resource column" in causes["message"]
    check_trend(details, raw)


def test_readme_pictures_exist() -> None:
    """Every picture README shows is in the repository and is a PNG (the explore screenshots
    are taken by the browser tests with UPDATE_SCREENSHOTS=1)."""
    text = (ROOT / "README.md").read_text("utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert {"docs/explore.png", "docs/explore-drill-down.png"} <= set(pictures)
    for name in pictures:
        data = (ROOT / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name


def test_on_a_calendar_the_trend_is_working_time(tmp_path: Path) -> None:
    """With `--calendar vn` the weekly medians are working time, as the map's figures are:
    the same waits per week as on the wall clock, each week's median no longer."""
    from bottleneck_finder.api import load_log
    from bottleneck_finder.calendar import load_calendar
    from bottleneck_finder.render.words import Words

    cal = load_calendar("vn")
    assert cal is not None
    log = load_log(SAMPLE)
    words = Words("vi", workday_s=cal.workday_seconds)
    working = Explorer(log, ExploreOptions(words=words, calendar_spec="vn"), calendar=cal)
    wall = Explorer(log, ExploreOptions())
    try:
        on_cal = edge_details(working, ViewState(), SOURCE, TARGET)
        on_wall = edge_details(wall, ViewState(), SOURCE, TARGET)
        chosen = working.select(ViewState()).analysis
        assert chosen is not None
        causes = arrow_causes(working, ViewState(), SOURCE, TARGET)
    finally:
        working.close()
        wall.close()
    a, b = on_cal["trend"]["weeks"], on_wall["trend"]["weeks"]
    assert [(w["week"], w["count"]) for w in a] == [(w["week"], w["count"]) for w in b]
    medians = [(x["median_s"], y["median_s"]) for x, y in zip(a, b, strict=True) if x["count"]]
    assert all(x <= y for x, y in medians) and any(x < y for x, y in medians)
    t = chosen.transitions
    (count,) = t[(t["source"] == SOURCE) & (t["target"] == TARGET)]["count"]
    assert sum(w["count"] for w in a) == count
    assert on_cal["trend"]["title"] == "Diễn biến theo tuần" and a[0]["label"] == "03/03/2025"
    # causes stay on the wall clock (as `causes --calendar vn` measures them), in days not
    # working days
    assert causes["available"] and "ngày làm việc" not in causes["summary"]
    check_causes(causes, causes_json(SAMPLE, tmp_path, extra=("--calendar", "vn")))
