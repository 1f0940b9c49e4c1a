"""bottleneck-finder: find where work waits in process event logs.

The public API: `analyze_log` reads, normalizes and analyzes a log (a path or a DataFrame) and
returns an `Analysis`; `LogColumns` maps log columns to roles; every user-fixable problem is a
`BottleneckError`. Heavy modules load on first use, so `bottleneck --help` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "analyze_log": "api",
    "load_log": "api",
    "LogColumns": "columns",
    "Analysis": "model",
    "EventLog": "model",
    "NormalizeOptions": "normalize",
    "BottleneckError": "errors",
    "ColumnError": "errors",
    "EmptyLogError": "errors",
    "InputError": "errors",
    "InputFileError": "errors",
    "LogValidationError": "errors",
    "MissingColumnError": "errors",
    "OutputError": "errors",
    "TimestampError": "errors",
}

if TYPE_CHECKING:
    from .api import analyze_log, load_log
    from .columns import LogColumns
    from .errors import (
        BottleneckError,
        ColumnError,
        EmptyLogError,
        InputError,
        InputFileError,
        LogValidationError,
        MissingColumnError,
        OutputError,
        TimestampError,
    )
    from .model import Analysis, EventLog
    from .normalize import NormalizeOptions


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'bottleneck_finder' has no attribute '{name}'")


__all__ = [*sorted(_LAZY), "__version__"]
