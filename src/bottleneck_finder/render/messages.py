"""Every sentence and label in Vietnamese and English, by key: the report's, the pictures'."""

from __future__ import annotations

from .messages_maps import MAP_MESSAGES
from .messages_report import REPORT_MESSAGES
from .messages_topics import TOPIC_MESSAGES

# key -> (Vietnamese, English). Placeholders are filled with str.format. The topic tables share
# no key (tests/test_report.py checks it).
MESSAGES: dict[str, tuple[str, str]] = {**REPORT_MESSAGES, **TOPIC_MESSAGES, **MAP_MESSAGES}
