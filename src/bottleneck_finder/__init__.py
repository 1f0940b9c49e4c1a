"""bottleneck-finder: find where work waits in process event logs.

The public API (`import bottleneck_finder as bf`): `bf.load` reads, normalizes and prepares a
log once (a path, a DataFrame or an `EventLog`); `bf.analyze` and the other analyses take any of
these and return typed results whose `.to_json()` is what the command line writes;
`LogColumns` maps log columns to roles; every user-fixable problem is a `BottleneckError`.
Heavy modules load on first use, so `bottleneck --help` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load": "api",
    "analyze": "api",
    "compare": "api",
    "drift": "api",
    "causes": "api",
    "discover": "api",
    "report": "api",
    "AnalyzeResult": "api",
    "CompareResult": "api",
    "DriftOutcome": "api",
    "CausesResult": "api",
    "DiscoverResult": "api",
    "ReportResult": "api",
    "PreparedLog": "prepared",
    "WorkCalendar": "calendar",
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
    from .api import (
        AnalyzeResult,
        CausesResult,
        CompareResult,
        DiscoverResult,
        DriftOutcome,
        ReportResult,
        analyze,
        analyze_log,
        causes,
        compare,
        discover,
        drift,
        load,
        load_log,
        report,
    )
    from .calendar import WorkCalendar
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
    from .prepared import PreparedLog


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'bottleneck_finder' has no attribute '{name}'")


__all__ = [*sorted(_LAZY), "__version__"]
