"""The size of a Graphviz SVG and the text labels in it that overlap one another."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

_NS = "{http://www.w3.org/2000/svg}"
EM = 0.6
"""A text's width in ems per character: DejaVu Sans averages below it, so the boxes are
generous and a pair found apart is apart on the page."""
_SCALE = re.compile(r"scale\(\s*([-\d.]+)(?:[ ,]+([-\d.]+))?\s*\)")
_SHIFT = re.compile(r"translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)")


@dataclass(frozen=True)
class SvgSize:
    """A picture's width and height in points and the pairs of its labels that overlap."""

    width_pt: float
    height_pt: float
    overlaps: tuple[tuple[str, str], ...]


def _points(text: str | None) -> float:
    found = re.fullmatch(r"\s*([\d.]+)\s*(pt|px)?\s*", text or "")
    if not found:
        return 0.0
    return float(found.group(1)) * (0.75 if found.group(2) == "px" else 1.0)


def measure(svg: bytes | str) -> SvgSize:
    """The size of a Graphviz SVG and its overlapping text labels: each label's box is its
    line (0.8 em above the baseline, 0.2 below) times 0.6 em per character."""
    root = ET.fromstring(svg if isinstance(svg, bytes) else svg.encode("utf-8"))
    boxes: list[tuple[float, float, float, float, str]] = []

    def walk(el: ET.Element, sx: float, sy: float, tx: float, ty: float) -> None:
        transform = el.get("transform") or ""
        scale, shift = _SCALE.search(transform), _SHIFT.search(transform)
        if scale:
            a = float(scale.group(1))
            b = abs(float(scale.group(2))) if scale.group(2) else a
        else:
            a = b = 1.0
        c, d = (float(shift.group(1)), float(shift.group(2))) if shift else (0.0, 0.0)
        sx, sy, tx, ty = sx * a, sy * b, tx + c * sx, ty + d * sy
        text = "".join(el.itertext()).strip() if el.tag == f"{_NS}text" else ""
        if text:
            size = float(el.get("font-size", "14")) * sx
            x = float(el.get("x", "0")) * sx + tx
            y = float(el.get("y", "0")) * sy + ty
            width = EM * size * len(text)
            anchor = el.get("text-anchor", "start")
            x0 = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
            boxes.append((x0, y - 0.8 * size, x0 + width, y + 0.2 * size, text))
        for child in el:
            walk(child, sx, sy, tx, ty)

    walk(root, 1.0, 1.0, 0.0, 0.0)
    boxes.sort()
    overlaps: list[tuple[str, str]] = []
    for i, (x0, y0, x1, y1, text) in enumerate(boxes):
        for u0, v0, u1, v1, other in boxes[i + 1 :]:
            if u0 >= x1:
                break
            if min(x1, u1) - max(x0, u0) > 0.5 and min(y1, v1) - max(y0, v0) > 0.5:
                overlaps.append((text, other))
    return SvgSize(_points(root.get("width")), _points(root.get("height")), tuple(overlaps))
