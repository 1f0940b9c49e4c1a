"""Wall-clock durations written as text (`15d`, `36h`, `90min`), read into seconds."""

from __future__ import annotations

import re

from .compare_types import CompareError

DURATION_UNITS: dict[str, float] = {"d": 86_400.0, "h": 3_600.0, "min": 60.0}
"""Wall-clock units of `parse_duration` (library use; the command reads `--deadline` with
`analysis.deadlines.parse_deadline`, which also knows working days and hours)."""

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")


def parse_duration(text: str) -> float:
    """A wall-clock duration such as `15d`, `36h` or `90min`, in seconds."""
    match = _DURATION.match(text.lower())
    if match is None or match.group(2) not in DURATION_UNITS:
        units = ", ".join(DURATION_UNITS)
        raise CompareError(
            f"cannot read the duration {text!r}",
            fix=f"write a number and a unit ({units}), e.g. 15d, 36h or 90min",
        )
    seconds = float(match.group(1)) * DURATION_UNITS[match.group(2)]
    if seconds <= 0:
        raise CompareError(f"the duration {text!r} must be positive", fix="e.g. 15d")
    return seconds
