"""Every sentence and label in Vietnamese and English, by key, from the tables in render/texts/.

Each table (`texts/<topic>.toml`) maps a key to `[Vietnamese, English]`; placeholders are
filled with str.format. Translators edit the tables, not the code; the topics share no key.
"""

from __future__ import annotations

import tomllib
from importlib import resources

TOPICS = (
    "report",
    "topics",
    "maps",
    "terminal",
    "causes",
    "drift",
    "compare",
    "quality",
    "ontime",
    "explore",
)
"""report: the report's sentences; topics: its compare, drift, causes, flows and model
sections; maps: the process map and model picture; terminal: analyze, discover, anonymize
and the hand-off graph; causes, drift, compare: those commands' terminal text and pictures;
quality: the data-quality warnings of every command (and of analysis.json, in English); ontime:
the report's on-time section and the clock statement of every command; explore: the page and
terminal lines of `bottleneck explore`."""


def read_topic(topic: str) -> dict[str, tuple[str, str]]:
    """The messages of one table, in the order written."""
    text = resources.files(__package__).joinpath("texts", f"{topic}.toml").read_text("utf-8")
    return {key: (pair[0], pair[1]) for key, pair in tomllib.loads(text).items()}


def _all_topics() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for topic in TOPICS:
        table = read_topic(topic)
        repeated = sorted(set(table) & set(merged))
        if repeated:
            raise ValueError(f"texts/{topic}.toml repeats the keys {', '.join(repeated)}")
        merged.update(table)
    return merged


MESSAGES: dict[str, tuple[str, str]] = _all_topics()
"""key -> (Vietnamese, English), every table together."""
