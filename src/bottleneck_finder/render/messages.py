"""Every sentence and label in Vietnamese and English, by key: report, pictures and terminal."""

from __future__ import annotations

from .messages_causes import CAUSES_MESSAGES
from .messages_compare import COMPARE_MESSAGES
from .messages_drift import DRIFT_MESSAGES
from .messages_maps import MAP_MESSAGES
from .messages_report import REPORT_MESSAGES
from .messages_terminal import TERMINAL_MESSAGES
from .messages_topics import TOPIC_MESSAGES

# key -> (Vietnamese, English). Placeholders are filled with str.format. The topic tables share
# no key (tests/test_report.py checks it).
MESSAGES: dict[str, tuple[str, str]] = {
    **REPORT_MESSAGES,
    **TOPIC_MESSAGES,
    **MAP_MESSAGES,
    **TERMINAL_MESSAGES,
    **CAUSES_MESSAGES,
    **DRIFT_MESSAGES,
    **COMPARE_MESSAGES,
}
