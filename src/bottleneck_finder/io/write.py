"""Results -> files, all or nothing: everything is written aside first, then swapped into place.

The only module that writes. Every file of one output goes into a fresh staging folder first
(a hidden sibling of a new output folder, or a hidden folder inside an existing one, so that the
final renames never cross file systems). Only when every byte is on disk are the files moved into
place: a new folder by one rename; into an existing folder file by file, each replaced file kept
aside until the last rename succeeded and put back if one fails. A run that fails or is
interrupted (disk full, Ctrl-C, SIGTERM) therefore leaves no temporary file, and an existing
output folder exactly as it was. Ctrl-C and SIGTERM are held back during the swap itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from .. import holds
from ..errors import OutputError

STAGE_SUFFIX = ".partial"
"""The end of every staging folder's name (`.<folder>.<random>.partial`)."""
HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def write_files(folder: str | Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write `files` (relative name -> content) into `folder`, all or none.

    Names may hold sub-folders (`figures/map.svg`). Contents are produced before this is called;
    here they are only stored. The folder (and its parents) is created if needed. Returns the
    written paths in the given order.
    """
    folder = Path(folder)
    names = [_relative(name, folder) for name in files]
    created = _make_parents(folder.parent, folder)
    fresh = not folder.exists()
    if not fresh and not folder.is_dir():
        raise OutputError(
            "cannot create the output folder (it is a file)",
            fix="choose another -o folder",
            source=str(folder),
        )
    stage: Path | None = None
    try:
        stage = _stage_folder(folder, fresh)
        umask = os.umask(0)
        os.umask(umask)
        for name, content in zip(names, files.values(), strict=True):
            data = content.encode("utf-8") if isinstance(content, str) else content
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as stream:
                stream.write(data)
            os.chmod(target, 0o666 & ~umask)
        holds.reached("staged")  # a no-op outside signal tests
        with signals_held():
            if fresh:
                os.chmod(stage, 0o777 & ~umask)  # made private by mkdtemp
                os.rename(stage, folder)
                stage = None
            else:
                _swap_in(stage, folder, names)
    except OSError as exc:
        raise OutputError(
            f"cannot write the results ({exc.strerror or exc})",
            fix="check free space and permissions, or choose another -o folder",
            source=str(folder),
        ) from exc
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        if fresh and not folder.exists():
            for made in created:  # parents this call made for an output that never came
                with contextlib.suppress(OSError):
                    made.rmdir()
    return [folder / name for name in names]


def _relative(name: str, folder: Path) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        raise OutputError(f"the file name {name!r} leaves the output folder", source=str(folder))
    return path


def _make_parents(parent: Path, folder: Path) -> list[Path]:
    """Create `parent` and its missing ancestors; the ones made, deepest first."""
    missing = [p for p in (parent, *parent.parents) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder ({exc.strerror})",
            fix="choose another -o folder",
            source=str(folder),
        ) from exc
    return missing


def _stage_folder(folder: Path, fresh: bool) -> Path:
    """A new empty folder on the output's file system: a sibling of a new output folder, a
    hidden folder inside an existing one."""
    if fresh:
        return Path(
            tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=STAGE_SUFFIX, dir=folder.parent)
        )
    return Path(tempfile.mkdtemp(prefix=".bottleneck.", suffix=STAGE_SUFFIX, dir=folder))


def _swap_in(stage: Path, folder: Path, names: list[PurePosixPath]) -> None:
    """Move the staged files into the existing `folder`; on any failure put everything back."""
    for name in names:
        if (folder / name).is_dir():
            raise IsADirectoryError(21, "a folder has the name of an output file", str(name))
    aside = stage / ".replaced"
    made: list[Path] = []
    moved: list[tuple[Path, Path | None]] = []  # (final path, its former file kept aside)
    try:
        for name in names:
            final = folder / name
            for parent in reversed(final.relative_to(folder).parents):
                if not (folder / parent).exists():
                    (folder / parent).mkdir()
                    made.append(folder / parent)
            kept: Path | None = None
            if final.exists() or final.is_symlink():
                kept = aside / name
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.rename(final, kept)
            moved.append((final, kept))
            os.rename(stage / name, final)
    except BaseException:
        for final, kept in reversed(moved):
            with contextlib.suppress(OSError):
                if kept is not None:
                    os.replace(kept, final)
                else:
                    final.unlink(missing_ok=True)
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir()
        raise


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back Ctrl-C and SIGTERM (delivered right after) while files are being swapped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
