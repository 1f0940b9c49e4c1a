"""`causes` on the bundled after sample: the planted batch steps rank batching first, the single
scanning clerk's step ranks resource contention first (issue 15, "Verified by")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from bottleneck_finder.analysis.causes import CAUSES, attribute_causes
from bottleneck_finder.api import load_log
from bottleneck_finder.cli import cli

from .conftest import EVENT_LOGS

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
SCAN = "Scan hồ sơ giấy"  # one clerk scans every dossier
SYNC = "Đồng bộ Cổng DVC quốc gia"  # weekly, Friday 08:00
SIGN = "Ký số phê duyệt"  # one leader's token, Tuesday and Thursday afternoons


def _first(shares: dict[str, float]) -> str:
    return max(CAUSES, key=lambda c: shares[c])


def test_sample_ranks_batching_and_contention_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["causes", str(AFTER), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "causes.json").read_text("utf-8"))
    shares = {a["activity"]: a["shares"] for a in doc["activities"]}
    assert _first(shares[SYNC]) == "batching" and shares[SYNC]["batching"] > 0.9
    assert _first(shares[SIGN]) == "batching" and shares[SIGN]["batching"] > 0.9
    assert _first(shares[SCAN]) == "resource_contention", shares[SCAN]
    assert shares[SCAN]["resource_contention"] > 0.9
    batches = {b["activity"]: b for b in doc["batches"]}
    assert SCAN not in batches or batches[SCAN]["instances_in_batches"] < 0.05 * 900


def test_single_scanner_contention_by_brute_force() -> None:
    """The scanning clerk's contention, counted pair by pair from the CSV: for each scan not
    in a batch, the time in its wait [enabled, start) the clerk spent on other work that was
    ready no later (enabled at or before it), with enabled = the dossier's previous end."""
    raw = pd.read_csv(AFTER)
    t = {
        c: pd.to_datetime(raw[c], utc=True).dt.as_unit("us").astype("int64")
        for c in ("thoi_gian_bat_dau", "thoi_gian_ket_thuc")
    }
    frame = pd.DataFrame(
        {
            "case": raw["ma_ho_so"],
            "activity": raw["buoc"],
            "who": raw["can_bo"],
            "start": t["thoi_gian_bat_dau"],
            "end": t["thoi_gian_ket_thuc"],
        }
    ).sort_values(["case", "start", "end"], kind="stable")
    previous = frame.groupby("case")["end"].shift()
    frame["enabled"] = previous.fillna(frame["start"]).astype("int64")
    clerk = frame.loc[frame["activity"] == SCAN, "who"].unique()
    assert len(clerk) == 1  # one scanner
    work = frame[frame["who"] == clerk[0]]
    assert set(work["activity"]) == {SCAN}
    s, e, en = (work[c].to_numpy(np.int64) for c in ("start", "end", "enabled"))
    # overlap of j's work [s_j, e_j) with i's wait [en_i, s_i), for every pair (i, j)
    lo = np.maximum(s[None, :], en[:, None])
    overlap = np.clip(np.minimum(e[None, :], s[:, None]) - lo, 0, None)
    earlier = (en[None, :] <= en[:, None]) & ~np.eye(len(s), dtype=bool)
    expected = pd.Series((overlap * earlier).sum(axis=1), index=work["case"].to_numpy())

    inst = attribute_causes(load_log(AFTER)).instances
    scans = inst[(inst["activity"] == SCAN) & inst["batch"].isna()].set_index("case")
    assert len(scans) > 0.95 * 900
    got = scans["resource_contention_us"].astype("int64")
    assert (got == expected.reindex(got.index).astype("int64")).all()
