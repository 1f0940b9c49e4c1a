"""Results -> files, all or nothing: every file goes to a temporary name, then is renamed.

The only module that writes. A failure part-way removes the temporary files, so a folder never
holds a half-written output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import OutputError


def write_files(folder: str | Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write `files` (name -> content) into `folder`, atomically per file, all or none.

    Contents are produced before this is called; here they are only stored. The folder is
    created if needed. Returns the written paths in the given order.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder ({exc.strerror})",
            fix="choose another -o folder",
            source=str(folder),
        ) from exc
    staged: list[tuple[Path, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temp_name, 0o666 & ~umask)
            staged.append((Path(temp_name), folder / name))
        for staged_temp, final in staged:
            os.replace(staged_temp, final)
    except OSError as exc:
        for staged_temp, _ in staged:
            staged_temp.unlink(missing_ok=True)
        raise OutputError(
            f"cannot write the results ({exc.strerror or exc})",
            fix="check free space and permissions, or choose another -o folder",
            source=str(folder),
        ) from exc
    return [final for _, final in staged]
