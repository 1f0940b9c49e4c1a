"""The one exception family: every problem a user can fix, with its documented exit code."""

from __future__ import annotations


class BottleneckError(Exception):
    """Base of every error the tool reports as a one-line message (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str | None = None, source: str | None = None):
        self.message = message
        self.fix = fix
        self.source = source
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as the CLI prints it: `source: what went wrong — how to fix it`."""
        text = self.message if self.source is None else f"{self.source}: {self.message}"
        if self.fix:
            text = f"{text} — {self.fix}"
        return " ".join(text.split())


class InputError(BottleneckError):
    """The input log cannot be used as it is."""

    exit_code = 3


class InputFileError(InputError):
    """The file is missing, unreadable, truncated, binary, unsafe XML or of an unknown format."""

    exit_code = 3


class ColumnError(InputError):
    """A needed column is missing, misnamed, ambiguous, or the mapping file is wrong."""

    exit_code = 4


class MissingColumnError(ColumnError):
    """A mapped or required column does not exist in the log."""


class TimestampError(InputError):
    """Timestamps cannot be parsed, or the time zone is unknown."""

    exit_code = 5


class EmptyLogError(InputError):
    """The log has no usable events."""

    exit_code = 6


class LogValidationError(InputError):
    """Events contradict each other: end before start, duplicate events, bad lifecycle."""

    exit_code = 7


class CalendarError(BottleneckError):
    """A working calendar or a time zone cannot be read or used (exit code 2, like a bad option)."""

    exit_code = 2


class OutputError(BottleneckError):
    """An output file or folder cannot be written."""

    exit_code = 8


class EngineError(BottleneckError):
    """The chosen engine cannot be used: its client library is missing or its server (a
    PostgreSQL database, a Spark master) cannot be reached."""

    exit_code = 10


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "unexpected internal error (please report it with the command you ran)",
    2: "command-line usage error (unknown option, bad option value, split date outside the "
    "log, bad calendar file or deadline, no key for anonymize)",
    3: "input file missing, unreadable, truncated, binary, unsafe XML or unknown format; a "
    "workbook protected by a password, or its sheet missing or empty",
    4: "column missing, misnamed, ambiguous or nested (struct/list); bad column-mapping file",
    5: "timestamps cannot be parsed or lie outside a working calendar's years; unknown time zone",
    6: "empty log, or too little data: no usable events (or start events only), a comparison "
    "side left empty, a log too short for drift or without a change point for --split auto",
    7: "inconsistent events: end before start, duplicate events",
    8: "output cannot be written",
    9: "the process graph cannot be drawn (Graphviz failed or timed out)",
    10: "the chosen --engine cannot be used (client library missing, database or Spark "
    "master unreachable)",
    130: "interrupted by Ctrl-C (SIGINT); nothing half-written is left",
    143: "stopped by SIGTERM; nothing half-written is left",
}
