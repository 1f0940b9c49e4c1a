"""The `bottleneck` command group: finds the commands and turns every error into one line.

Every command is a module of the `commands` package (see `commands/__init__.py`); this module
only lists and loads them, lazily, so `--help` stays instant.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any, ClassVar, NoReturn

import click

from .errors import EXIT_CODES, BottleneckError

EXIT_HELP = "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())


STOP_MESSAGES = {
    signal.SIGINT: (130, "interrupted (Ctrl-C): stopped, nothing half-written was left behind"),
    signal.SIGTERM: (143, "terminated (SIGTERM): stopped, nothing half-written was left behind"),
}
"""Exit code and message of each stop signal (128 + its number, as a shell reports it)."""


class Terminated(BaseException):
    """SIGTERM arrived: unwinds the run like Ctrl-C's KeyboardInterrupt, cleaning up on the way."""


class StopSignals:
    """The stop signals received while a command runs (only the first one interrupts)."""

    received: ClassVar[list[int]] = []

    @classmethod
    def handle(cls, signum: int, _frame: FrameType | None) -> None:
        first = not cls.received
        cls.received.append(signum)
        if not first:  # a second Ctrl-C must not break the clean-up of the first
            return
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated

    @classmethod
    @contextlib.contextmanager
    def caught(cls) -> Iterator[None]:
        """Turn SIGINT and SIGTERM into exceptions that unwind the command (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        cls.received = []
        old = {s: signal.signal(s, cls.handle) for s in STOP_MESSAGES}
        try:
            yield
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)


def stopped(signum: int) -> NoReturn:
    """Say that a stop signal ended the run, and exit 130 (SIGINT) or 143 (SIGTERM)."""
    code, message = STOP_MESSAGES[signal.Signals(signum)]
    clear_progress()
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def fail(error: BottleneckError) -> NoReturn:
    """Print the one-line message of `error` (on a line of its own) and exit with its code."""
    if StopSignals.received:  # e.g. Chromium killed by the same Ctrl-C
        stopped(StopSignals.received[0])
    clear_progress()
    click.echo(f"error: {error.one_line()}", err=True)
    sys.exit(error.exit_code)


def clear_progress() -> None:
    """Wipe a progress line left open by the command that failed."""
    from .commands.options import Progress

    Progress.clear()


def command_modules() -> list[str]:
    """The names of the modules of the `commands` package, commands and helpers alike."""
    import pkgutil

    from . import commands

    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.ispkg)


def load_command(name: str) -> click.Command | None:
    """The command `name`: the click command that module `commands.<name>` defines under its
    own name, or None when there is no such module or it is a helper (options, loading)."""
    if name not in command_modules():
        return None
    import importlib

    module = importlib.import_module(f"{__package__}.commands.{name}")
    command = getattr(module, name, None)
    return command if isinstance(command, click.Command) else None


def command_names() -> list[str]:
    """The names of every command: the modules of `commands` that define one."""
    return [name for name in command_modules() if load_command(name) is not None]


class Guarded(click.Group):
    """A command group that turns every error into one line and a documented exit code.

    Its commands are the modules of the `commands` package, imported only when run or listed.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *command_names()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) or super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:
            # click suggests only from the commands it holds, and these are loaded lazily
            raise click.exceptions.NoSuchCommand(
                error.command_name, possibilities=command_names(), ctx=ctx
            ) from None

    def invoke(self, ctx: click.Context) -> Any:
        with StopSignals.caught():
            return self.guarded_invoke(ctx)

    def guarded_invoke(self, ctx: click.Context) -> Any:
        """Run the command; every error becomes one line and its documented exit code."""
        try:
            return super().invoke(ctx)
        except BottleneckError as error:
            fail(error)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            clear_progress()
            raise
        except BrokenPipeError:
            # the reader (e.g. `| head`) went away: the files are written, stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            stopped(signal.SIGINT)
        except Terminated:
            stopped(signal.SIGTERM)
        except MemoryError:
            clear_progress()
            click.echo(
                "error: out of memory — analyze a smaller period or a Parquet file", err=True
            )
            sys.exit(1)
        except Exception as error:
            if StopSignals.received:  # e.g. DuckDB's "Query interrupted" after a Ctrl-C
                stopped(StopSignals.received[0])
            if os.environ.get("BOTTLENECK_DEBUG"):
                raise
            clear_progress()
            click.echo(
                f"error: internal error ({type(error).__name__}: {error}) — please report it "
                "with the command you ran; set BOTTLENECK_DEBUG=1 to see the details",
                err=True,
            )
            sys.exit(1)


@click.group(
    cls=Guarded,
    epilog="Example:\n\n"
    "  bottleneck analyze event_logs/one_stop_shop_after.csv -o reports/after\n\n"
    f"Exit codes:\n\n\b\n{EXIT_HELP}",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="bottleneck-finder")
def cli() -> None:
    """Find where work waits in a process event log."""


def main() -> None:
    """Entry point of the `bottleneck` console script."""
    cli(prog_name="bottleneck")
