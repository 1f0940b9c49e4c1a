"""An activity's change of wait split into routing mix and within-transition change: hand-built
logs with hand-computed figures, the stratified test, and PermitLog against plain pandas."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import bottleneck_finder as bf
from bottleneck_finder.analysis.compare import compare_split
from bottleneck_finder.analysis.compare_mix import decompose, mix_terms, van_elteren_p
from bottleneck_finder.analysis.statistics import mann_whitney_p
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli
from bottleneck_finder.render.compare_sentences import mix_sentence
from bottleneck_finder.render.words import Words

from .conftest import shared_log, write

MIN = 60.0
JITTER = (-10, 0, 10)  # minutes around a transition's mean wait, the same on both sides


def _log(routes: dict[str, tuple[int, float]], first_day: str) -> str:
    """A CSV log: per route X (A or B), `count` cases S → X → C whose wait before C cycles
    through mean ± 10 min (so each route's mean wait is exactly `mean` minutes)."""
    lines = ["case,activity,timestamp"]
    day = pd.Timestamp(first_day)
    n = 0
    for route, (count, mean) in routes.items():
        for i in range(count):
            start = day + pd.Timedelta(hours=n * 12)
            via = start + pd.Timedelta(hours=1)
            end = via + pd.Timedelta(minutes=mean + JITTER[i % 3])
            case = f"{route}{first_day}{i}"
            for activity, at in (("S", start), ("X" + route, via), ("C", end)):
                lines.append(f"{case},{activity},{at:%Y-%m-%d %H:%M}")
            n += 1
    return "\n".join(lines) + "\n"


def _pair(tmp_path: Path, before: dict[str, tuple[int, float]], after: dict[str, Any]) -> Any:
    b = write(tmp_path, "before.csv", _log(before, "2024-01-01"))
    a = write(tmp_path, "after.csv", _log(after, "2024-06-01"))
    return b, a


def _c_row(result: Any) -> dict[str, Any]:
    acts = result.activities
    return dict(acts[acts["activity"] == "C"].iloc[0])


def test_only_the_mix_changes(tmp_path: Path) -> None:
    # before 30 dossiers via A (mean 60 min) and 12 via B (mean 300 min), after 12 and 30
    b, a = _pair(tmp_path, {"A": (30, 60), "B": (12, 300)}, {"A": (12, 60), "B": (30, 300)})
    result = bf.compare(b, a)
    row = _c_row(result)
    before_mean = (30 * 60 + 12 * 300) / 42 * MIN
    after_mean = (12 * 60 + 30 * 300) / 42 * MIN
    assert row["wait_change_mean_s"] == pytest.approx(after_mean - before_mean)
    assert row["wait_change_within_s"] == pytest.approx(0.0, abs=1e-6)
    assert row["wait_change_mix_s"] == pytest.approx(after_mean - before_mean)  # 102.86 min
    assert row["wait_change_mix_s"] == pytest.approx(102.857142857 * MIN)
    assert row["status"] == "unchanged"
    # the pooled waits alone would have called it slower: a rank test on them is decisive
    assert mann_whitney_p([60] * 30 + [300] * 12, [60] * 12 + [300] * 30) < 1e-4
    assert row["mix_driver"] == "XB"
    assert row["mix_driver_before_share"] == pytest.approx(12 / 42)
    assert row["mix_driver_after_share"] == pytest.approx(30 / 42)
    assert row["mix_driver_wait_mean_s"] == pytest.approx(300 * MIN)
    trans = result.transitions
    assert set(trans[trans["target"] == "C"]["status"]) <= {"unchanged", "insufficient"}
    assert "C" not in set(result.comparison.introduced["activity"].dropna())
    sentence = mix_sentence(row)
    assert sentence is not None
    assert "more dossiers now reach it from ‘XB’ (29% → 71% of its arrivals)" in sentence
    assert "where the wait is longer (a mean 5 h, against 2.1 h" in sentence
    vi = mix_sentence(row, Words("vi"))
    assert vi is not None and "nhiều hồ sơ hơn đến từ “XB” (29% → 71% số lần đến)" in vi


def test_only_the_within_part_changes(tmp_path: Path) -> None:
    # the same mix (30 via A, 24 via B); B's waits rise by 2 h
    b, a = _pair(tmp_path, {"A": (30, 60), "B": (24, 300)}, {"A": (30, 60), "B": (24, 420)})
    row = _c_row(bf.compare(b, a))
    within = 24 / 54 * 120 * MIN  # w_B(B) × (m_A(B) − m_B(B)) = 53.33 min
    assert row["wait_change_within_s"] == pytest.approx(within)
    assert row["wait_change_mean_s"] == pytest.approx(within)
    assert row["wait_change_mix_s"] == pytest.approx(0.0, abs=1e-6)
    assert row["status"] == "slower"
    lo, hi = row["within_ci95_low_s"], row["within_ci95_high_s"]
    # the normal interval by hand: only B varies between sides; s² of (410, 420, 430 … ) min
    b_waits = np.array([290.0, 300.0, 310.0] * 8) * MIN
    a_waits = b_waits + 120 * MIN
    a_only = np.array([50.0, 60.0, 70.0] * 10) * MIN
    se = math.sqrt(
        (24 / 54) ** 2 * (a_waits.var(ddof=1) / 24 + b_waits.var(ddof=1) / 24)
        + (30 / 54) ** 2 * (2 * a_only.var(ddof=1) / 30)
    )
    assert lo == pytest.approx(within - 1.959963984540054 * se)
    assert hi == pytest.approx(within + 1.959963984540054 * se)
    assert row["p_value"] == pytest.approx(
        van_elteren_p([("A", np.sort(a_only), np.sort(a_only)), ("B", b_waits, a_waits)])
    )


def test_one_shared_route_is_tested_as_that_route(tmp_path: Path) -> None:
    # C reached only via A on both sides: the activity is the transition, figure for figure
    b, a = _pair(tmp_path, {"A": (30, 60)}, {"A": (30, 180)})
    result = bf.compare(b, a)
    row = _c_row(result)
    t = result.transitions
    tr = dict(t[(t["source"] == "XA") & (t["target"] == "C")].iloc[0])
    for name in ("status", "p_value", "q_value", "median_delta_ci95_low_s"):
        assert row[name] == tr[name]
    assert row["within_ci95_low_s"] == tr["median_delta_ci95_low_s"]
    assert row["wait_change_mix_s"] == pytest.approx(0.0, abs=1e-6)
    assert row["wait_change_within_s"] == pytest.approx(120 * MIN)


def test_decomposition_adds_up_and_mix_terms_sum_to_mix() -> None:
    rng = np.random.default_rng(3)
    before = {"a": rng.exponential(100, 40), "b": rng.exponential(900, 10), "c": rng.random(5)}
    after = {"a": rng.exponential(150, 10), "b": rng.exponential(800, 40), "d": rng.random(7)}
    split = decompose(before, after)
    all_b, all_a = np.concatenate(list(before.values())), np.concatenate(list(after.values()))
    assert split.change == pytest.approx(all_a.mean() - all_b.mean())
    within = sum(before[s].size / all_b.size * (after[s].mean() - before[s].mean()) for s in "ab")
    assert split.within == pytest.approx(within)
    assert split.within + split.mix == pytest.approx(split.change)
    assert sum(mix_terms(before, after).values()) == pytest.approx(split.mix)


def test_van_elteren_with_one_stratum_is_mann_whitney_without_continuity() -> None:
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(5)
    b, a = np.sort(rng.normal(0, 1, 40)), np.sort(rng.normal(0.5, 1, 50))
    ours = van_elteren_p([("x", b, a)])
    assert ours == pytest.approx(
        mannwhitneyu(a, b, method="asymptotic", use_continuity=False).pvalue
    )


def test_cli_json_and_words(tmp_path: Path) -> None:
    b, a = _pair(tmp_path, {"A": (30, 60), "B": (12, 300)}, {"A": (12, 60), "B": (30, 300)})
    runner = CliRunner()
    out = tmp_path / "o"
    r = runner.invoke(cli, ["compare", str(b), str(a), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert "Waits changed mainly by the routing mix" in r.output
    assert "before ‘C’ (unchanged): mean wait 2.1 h → 3.9 h (+1.7 h)" in r.output
    doc = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    row = next(x for x in doc["activities"] if x["activity"] == "C")
    assert row["wait_change_mix_s"] == pytest.approx(102.857142857 * MIN)
    assert row["wait_change_within_s"] == pytest.approx(0.0, abs=1e-6)
    assert row["wait_change_mean_s"] == pytest.approx(102.857142857 * MIN)
    assert row["status"] == "unchanged"
    assert row["wait_change_sentence"].startswith("mean wait 2.1 h → 3.9 h (+1.7 h)")
    csv = pd.read_csv(out / "activities.csv")
    assert "wait_change_mix_s" in csv.columns
    r = runner.invoke(cli, ["compare", str(b), str(a), "-o", str(out), "-q", "--lang", "vi"])
    assert r.exit_code == 0, r.output
    assert "do thay đổi luồng hồ sơ đi vào bước này" in r.output


def _pandas_waits(path: Path, split: str) -> pd.DataFrame:
    """Every step's wait (end − previous end), its transition and its case's period, from pm4py's
    reading of the XES and plain pandas (straddling cases left out)."""
    import contextlib
    import io
    import warnings

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py

        frame = pm4py.read_xes(str(path), show_progress_bar=False)
    frame = frame[["case:concept:name", "concept:name", "time:timestamp"]].copy()
    frame.columns = ["case", "activity", "time"]
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame = frame.sort_values(["case", "time"], kind="stable")
    frame["source"] = frame.groupby("case")["activity"].shift()
    frame["wait"] = frame.groupby("case")["time"].diff().dt.total_seconds()
    span = frame.groupby("case")["time"].agg(["min", "max"])
    at = pd.Timestamp(split).tz_localize("Europe/Amsterdam").tz_convert("UTC")
    period = pd.Series(np.where(span["min"] < at, 0, 1), index=span.index)
    period[(span["min"] < at) & (span["max"] > at)] = -1
    frame["period"] = frame["case"].map(period)
    return frame[(frame["period"] >= 0) & frame["source"].notna()]


def test_permit_log_supervisor_approval_is_routing_mix() -> None:
    path = shared_log("PermitLog.xes.gz")
    c = compare_split(load_log(path), "2018-01-01")
    name = "Declaration FINAL_APPROVED by SUPERVISOR"
    acts = c.activities
    if name not in set(acts["activity"]):
        pytest.skip(f"{name} is not in this PermitLog")
    row = dict(acts[acts["activity"] == name].iloc[0])
    steps = _pandas_waits(path, "2018-01-01")
    steps = steps[steps["activity"] == name]
    by = steps.groupby(["period", "source"])["wait"].agg(["size", "mean"])
    before, after = by.loc[0], by.loc[1]
    w = before["size"] / before["size"].sum()
    shared = before.index.intersection(after.index)
    within = float((w[shared] * (after["mean"][shared] - before["mean"][shared])).sum())
    change = float(
        (after["size"] * after["mean"]).sum() / after["size"].sum()
        - (before["size"] * before["mean"]).sum() / before["size"].sum()
    )
    assert row["wait_change_mean_s"] == pytest.approx(change, rel=1e-9)
    assert row["wait_change_within_s"] == pytest.approx(within, rel=1e-9)
    assert row["wait_change_mix_s"] == pytest.approx(change - within, rel=1e-9)
    # the mean wait rose by more than a day, all of it (and more) from the routing mix; the
    # hand-offs both periods share did not get slower
    assert change > 86_400 and row["wait_change_mix_s"] > change
    assert row["status"] in ("unchanged", "faster")
    assert row["mix_driver"] == "Declaration APPROVED by ADMINISTRATION"
    assert row["mix_driver_before_share"] == 0.0
    assert row["mix_driver_after_share"] == pytest.approx(
        after["size"]["Declaration APPROVED by ADMINISTRATION"] / after["size"].sum()
    )


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_report_tells_the_mix_in_words_with_the_json_figures(tmp_path: Path, lang: str) -> None:
    """The report (Markdown and HTML) says the routing-mix sentence of comparison.json, in the
    report's language, figures and all; no percentage from a near-zero base anywhere."""
    import html
    import re

    b, a = _pair(tmp_path, {"A": (30, 60), "B": (12, 300)}, {"A": (12, 60), "B": (30, 300)})
    out = tmp_path / "cmp"
    r = CliRunner().invoke(
        cli, ["compare", str(b), str(a), "-o", str(out), "-q", "--json", "--lang", lang]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    row = next(x for x in doc["activities"] if x["activity"] == "C")
    sentence = mix_sentence(row, Words(lang))  # the JSON's own figures, in the report's words
    assert sentence is not None and "→" in sentence
    if lang == "en":
        assert sentence == row["wait_change_sentence"]  # the JSON's sentence is English
        assert "mainly because more dossiers now reach it from ‘XB’" in sentence
    else:
        assert "chủ yếu vì nay có nhiều hồ sơ hơn đến từ “XB”" in sentence
    report = tmp_path / "report"
    args = ["report", str(a), "--compare-with", str(b), "-o", str(report), "--no-pdf", "-q"]
    r = CliRunner().invoke(cli, [*args, "--lang", lang, "--skip", "drift,causes,flows,model"])
    assert r.exit_code == 0, r.output
    markdown = (report / "report.md").read_text(encoding="utf-8")
    page = html.unescape((report / "report.html").read_text(encoding="utf-8"))
    heading = Words(lang)("cmp_mix_heading")
    for text in (markdown, page):
        assert heading in text
        assert sentence in text
        assert not re.search(r"[+−-]\d{1,3}([,.]\d{3})+ ?%", text)  # never +54,188%
