"""Running Graphviz: DOT source to SVG, PNG, PDF or a plain layout, and the files of pictures."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from ..errors import BottleneckError

FORMATS = ("svg", "png", "pdf")
PNG_DPI = 150
RENDER_TIMEOUT_S = 300


class RenderError(BottleneckError):
    """The graph cannot be rendered: Graphviz is missing or failed."""

    exit_code = 9


GRAPHVIZ_HINT = (
    "install Graphviz: apt-get install graphviz, brew install graphviz, or "
    "https://graphviz.org/download/"
)


def render_plain(dot_source: str) -> str:
    """Graphviz's plain-text layout of `dot_source` (sizes in inches), for measuring."""
    return _run_dot(dot_source, ["-Tplain"]).decode("utf-8", "replace")


def render_json(dot_source: str) -> dict[str, Any]:
    """Graphviz's layout of `dot_source` as its JSON output (positions in points)."""
    result: dict[str, Any] = json.loads(_run_dot(dot_source, ["-Tjson"]).decode("utf-8"))
    return result


def dot_available() -> bool:
    """Whether the Graphviz `dot` program is on the PATH."""
    return shutil.which("dot") is not None


def render_dot(dot_source: str, fmt: str, dpi: float | None = None) -> bytes:
    """DOT source rendered by Graphviz `dot` to `fmt` (svg, png or pdf), in memory; a PNG at
    `dpi` (default `PNG_DPI`)."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown graph format {fmt!r}", fix="use one of svg, png, pdf")
    args = [f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={PNG_DPI}" if dpi is None else f"-Gdpi={dpi:.1f}")
    return _run_dot(dot_source, args)


def _run_dot(dot_source: str, options: list[str]) -> bytes:
    """The output of Graphviz `dot` with `options` on `dot_source`."""
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError(
            "Graphviz is not installed, so the process map cannot be drawn",
            fix="install it (apt-get install graphviz / brew install graphviz / "
            "https://graphviz.org/download/) and run again",
        )
    args = [exe, *options]
    try:
        done = subprocess.run(
            args,
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(
            f"Graphviz took longer than {RENDER_TIMEOUT_S} s to draw the process map",
            fix="show fewer arrows (a smaller maximum number of edges)",
        ) from exc
    except OSError as exc:
        raise RenderError(f"Graphviz could not be run: {exc}") from exc
    if done.returncode != 0 or not done.stdout:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise RenderError(f"Graphviz failed to draw the process map: {detail or 'no output'}")
    return done.stdout


def picture_files(
    dots: dict[str, str], formats: list[str], available: bool | None = None
) -> tuple[dict[str, bytes | str], str | None]:
    """`{name}.{fmt}` files for each named DOT source and each of `formats` (`dot` writes the
    source itself). Without Graphviz the sources are written instead of the pictures, with a
    warning saying what to install (`available`: whether Graphviz is there, else looked up)."""
    files: dict[str, bytes | str] = {}
    pictures = [f for f in formats if f != "dot"]
    found = dot_available() if available is None else available
    missing = bool(pictures) and not found
    if "dot" in formats or missing:
        files.update({f"{name}.dot": text for name, text in dots.items()})
    if missing:
        names = ", ".join(f"{name}.{fmt}" for name in dots for fmt in pictures)
        written = ", ".join(f"{name}.dot" for name in dots)
        return files, (
            f"Graphviz 'dot' is not installed, so {names} could not be drawn; {written} "
            f"written instead — {GRAPHVIZ_HINT}"
        )
    for name, text in dots.items():
        for fmt in pictures:
            files[f"{name}.{fmt}"] = render_dot(text, fmt)
    return files, None
