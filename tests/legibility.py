"""Legibility of a Graphviz SVG at report size: smallest text and overlapping labels at 510 pt."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

COLUMN_PT = 510.0  # 180 mm
UNITS = {"pt": 1.0, "px": 0.75, "in": 72.0, "mm": 72.0 / 25.4, "cm": 72.0 / 2.54, "": 1.0}
NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Label:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float  # font size in the SVG's own units


@dataclass(frozen=True)
class Legibility:
    width_pt: float
    height_pt: float
    scale: float  # SVG units → points at the column width
    smallest_pt: float  # the smallest font size once scaled to the column
    overlaps: tuple[tuple[str, str], ...]
    nodes: int
    edges: int

    @property
    def height_at_column(self) -> float:
        return self.height_pt * min(1.0, COLUMN_PT / self.width_pt)


def _length(text: str) -> float:
    found = re.fullmatch(r"\s*([\d.]+)\s*([a-z]*)\s*", text)
    if not found:
        raise ValueError(f"unreadable SVG length {text!r}")
    return float(found.group(1)) * UNITS[found.group(2)]


def _transform_scale(text: str | None) -> tuple[float, float, float, float]:
    """(sx, sy, tx, ty) of a Graphviz group transform: scale(…) and translate(…)."""
    sx = sy = 1.0
    tx = ty = 0.0
    if text:
        s = re.search(r"scale\(\s*([-\d.]+)(?:[ ,]+([-\d.]+))?\s*\)", text)
        if s:
            sx = float(s.group(1))
            sy = float(s.group(2)) if s.group(2) else sx
        t = re.search(r"translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)", text)
        if t:
            tx, ty = float(t.group(1)), float(t.group(2))
    return sx, sy, tx, ty


def check(svg: bytes | str) -> Legibility:
    """Measure a Graphviz SVG scaled to fit a 510 pt column (never enlarged)."""
    root = ET.fromstring(svg if isinstance(svg, bytes) else svg.encode("utf-8"))
    width, height = _length(root.get("width", "0")), _length(root.get("height", "0"))
    view = [float(v) for v in (root.get("viewBox") or f"0 0 {width} {height}").split()]
    unit = width / view[2] if view[2] else 1.0  # SVG user unit → pt
    labels: list[Label] = []
    nodes = edges = 0

    def walk(el: ET.Element, sx: float, sy: float, tx: float, ty: float) -> None:
        nonlocal nodes, edges
        cls = el.get("class", "")
        nodes += cls == "node"
        edges += cls == "edge"
        a, b, c, d = _transform_scale(el.get("transform"))
        sx, sy, tx, ty = sx * a, sy * abs(b), tx + c * sx, ty + d * abs(sy)
        if el.tag == f"{NS}text":
            size = float(el.get("font-size", "14")) * sx
            text = "".join(el.itertext())
            x, y = float(el.get("x", "0")) * sx + tx, float(el.get("y", "0")) * sy + ty
            w = 0.6 * size * len(text)
            anchor = el.get("text-anchor", "start")
            x0 = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
            labels.append(Label(text, x0, y - 0.8 * size, x0 + w, y + 0.2 * size, size))
        for child in el:
            walk(child, sx, sy, tx, ty)

    walk(root, 1.0, 1.0, 0.0, 0.0)
    scale = unit * min(1.0, COLUMN_PT / width) if width else unit
    smallest = min((lab.size * scale for lab in labels), default=float("inf"))
    overlaps = []
    ordered = sorted(labels, key=lambda lab: lab.x0)
    for i, p in enumerate(ordered):
        for q in ordered[i + 1 :]:
            if q.x0 >= p.x1:
                break
            dx = min(p.x1, q.x1) - max(p.x0, q.x0)
            dy = min(p.y1, q.y1) - max(p.y0, q.y0)
            if dx > 0.5 and dy > 0.5 and p.text.strip() and q.text.strip():
                overlaps.append((p.text, q.text))
    return Legibility(width, height, scale, smallest, tuple(overlaps), nodes, edges)
