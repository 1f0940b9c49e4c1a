"""Data-quality warnings in words (vi or en) from their figures (`model.QualityWarning`)."""

from __future__ import annotations

from ..model import QualityWarning
from .messages import MESSAGES
from .words import ENGLISH, Words


def quality_sentence(warning: QualityWarning, words: Words = ENGLISH) -> str:
    """One warning as a sentence: `dropped 2 rows have no timestamp in column 'time' (line 3,
    line 9)`, `đã bỏ 2 dòng …` in Vietnamese. In English it is also the text of analysis.json's
    `data_quality.warnings`, so counts there keep their plain digits."""
    key = f"dq_{warning.kind}"
    if warning.count == 1 and f"{key}_one" in MESSAGES:
        key += "_one"
    columns = (*warning.columns, "", "")
    where = ", ".join(
        words(f"dq_{row.unit}", number=row.number, sheet=repr(row.sheet)) for row in warning.rows
    )
    if warning.more > 0:
        where += words("dq_more_rows", more=_number(warning.more, words))
    spans = (
        words("dq_column_or", column=columns[0], other=columns[1])
        if len(warning.columns) > 1
        else words("dq_column", column=columns[0])
    )
    more_ids = warning.count - len(warning.examples)
    return words(
        key,
        count=_number(warning.count, words),
        column=columns[0],
        other=columns[1],
        columns=spans,
        where=where,
        format=words("dq_format", format=warning.detail) if warning.detail else "",
        years=warning.detail,
        examples=", ".join(warning.examples),
        more=words("dq_more_ids", more=_number(more_ids, words)) if more_ids > 0 else "",
        traces=words(
            "dq_later_traces_one" if warning.other == 1 else "dq_later_traces",
            count=_number(warning.other, words),
        ),
    )


def _number(value: int, words: Words) -> str:
    """A count: plain digits in English (as analysis.json has always had them), with the
    thousands separator in Vietnamese."""
    return str(value) if words.lang == "en" else words.count(value)
