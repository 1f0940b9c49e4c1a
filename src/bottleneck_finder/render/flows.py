"""Variants, rework and hand-offs as JSON fields, CSV files and terminal text (shared by
`analyze` and `discover`)."""

from __future__ import annotations

import math
from typing import Any

from ..analysis.flows import VARIANT_COLUMNS
from .words import ENGLISH, Words


def _num(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _column(values: Any) -> list[Any]:
    """One column as JSON-ready Python values: numbers, text, lists; null where missing."""
    if values.dtype == object:
        return [list(v) if isinstance(v, tuple) else _num(v) for v in values.tolist()]
    missing = values.isna().to_numpy()
    out: list[Any] = values.astype(object).tolist()
    if missing.any():
        for i in missing.nonzero()[0].tolist():
            out[i] = None
    return out


def json_rows(frame: Any, columns: list[str]) -> list[dict[str, Any]]:
    """The `columns` of each row of `frame` as JSON-ready dicts (NaN becomes null), built a
    column at a time."""
    values = [_column(frame[c]) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def flows_document(variants: Any, rework: Any, handoffs: Any) -> dict[str, Any]:
    """The variants, rework and hand-off fields of `discovery.json` and `analysis.json`
    (`variant_count`, `variants`, `rework_summary`, `rework`, `handoff_level`,
    `handoff_summary`, `handoffs`)."""
    v, r, h = variants, rework, handoffs
    return {
        "variant_count": v.count,
        "variants": json_rows(v.table, [c for c in VARIANT_COLUMNS if c != "steps"]),
        "rework_summary": {
            "cases": r.cases,
            "cases_affected": r.cases_affected,
            "share_of_cases": r.share_of_cases,
            "repeats": r.repeats,
            "self_loops": r.self_loops,
            "back_loops": r.back_loops,
            "added_wait_total_s": _num(r.added_wait_total_s),
            "added_work_total_s": _num(r.added_work_total_s),
        },
        "rework": json_rows(
            r.table,
            [
                "activity",
                "cases",
                "repeats",
                "added_wait_total_s",
                "kind",
                "data_entry",
                "self_loops",
                "back_loops",
                "added_work_total_s",
                "added_elapsed_total_s",
            ],
        ),
        "handoff_level": h.level,
        "handoff_summary": json_rows(
            h.summary, ["kind", "count", "wait_median_s", "wait_total_s", "share_of_wait"]
        ),
        "handoffs": json_rows(
            h.pairs[h.pairs["handoff"]],
            ["from_group", "to_group", "count", "wait_median_s", "wait_total_s", "wait_p90_s"],
        ),
    }


def flows_files(variants: Any, rework: Any, handoffs: Any) -> dict[str, bytes | str]:
    """variants.csv (paths joined with " → "), rework.csv and handoffs.csv."""
    from .serialize import to_csv

    table = variants.table.copy()
    table["activities"] = [" → ".join(a) for a in table["activities"]]
    return {
        "variants.csv": to_csv(table),
        "rework.csv": to_csv(rework.table),
        "handoffs.csv": to_csv(handoffs.pairs),
    }


def flows_text(variants: Any, rework: Any, handoffs: Any, words: Words = ENGLISH) -> str:
    """The terminal lines on the most frequent variants, rework and hand-offs."""
    w = words
    hd = w.duration
    lines: list[str] = []
    v = variants
    lines.append(w("fl_variants", count=w.count(v.count), cases=w.count(v.cases)))
    for r in v.table.to_dict(orient="records"):
        slower = ""
        gap = r["slower_than_most_common_s"]
        if r["rank"] > 1 and not math.isnan(gap):
            key = "fl_slower" if gap >= 0 else "fl_faster"
            slower = w(key, gap=hd(abs(gap)))
        path = " → ".join(r["activities"])
        if len(path) > 110:
            path = path[:109] + "…"
        lines.append(
            w(
                "fl_variant",
                rank=r["rank"],
                cases=w.count(r["cases"]),
                share=w.fixed(r["share"] * 100, ".1f"),
                median=hd(r["duration_median_s"]),
                p90=hd(r["duration_p90_s"]),
                slower=slower,
            )
        )
        lines.append(f"       {path}")
    rw = rework
    lines.append("")
    lines.append(
        w(
            "fl_rework",
            affected=w.count(rw.cases_affected),
            cases=w.count(rw.cases),
            share=w.fixed(rw.share_of_cases * 100, ".1f"),
            self_loops=w.count(rw.self_loops),
            back_loops=w.count(rw.back_loops),
            wait=hd(rw.added_wait_total_s),
        )
    )
    shown = rw.table[(rw.table.index < 10) | rw.table["data_entry"]]  # data entry always
    for r in shown.to_dict(orient="records"):
        entry = w("fl_data_entry") if r["data_entry"] else ""
        key = "fl_reentered" if r["kind"] == "re-entry" else "fl_repeats"
        what = w(key, repeats=w.count(r["repeats"]), cases=w.count(r["cases"]))
        lines.append(
            w(
                "fl_rework_row",
                activity=r["activity"],
                what=what,
                wait=hd(r["added_wait_total_s"]),
                entry=entry,
            )
        )
    h = handoffs
    lines.append("")
    if h.level == "none":
        lines.append(w("fl_no_handoffs"))
    else:
        level = "group" if h.level == "group" else "resource"
        rows = {r["kind"]: r for r in h.summary.to_dict(orient="records")}
        change, within = rows["unit change"], rows["within unit"]
        lines.append(
            w(
                f"fl_handoffs_{level}",
                count=w.count(change["count"]),
                median=hd(change["wait_median_s"]),
                share=w.fixed(change["share_of_wait"] * 100, ".1f"),
                within=w.count(within["count"]),
                within_median=hd(within["wait_median_s"]),
            )
        )
        for r in h.pairs[h.pairs["handoff"]].head(10).to_dict(orient="records"):
            lines.append(
                w(
                    "fl_handoff_row",
                    source=r["from_group"],
                    target=r["to_group"],
                    count=w.count(r["count"]),
                    median=hd(r["wait_median_s"]),
                    total=hd(r["wait_total_s"]),
                )
            )
    return "\n".join(lines)
