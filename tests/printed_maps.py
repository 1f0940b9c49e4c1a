"""The smallest text of each map figure of report.html as printed on A4, measured by Chromium."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bottleneck_finder.reporting.chromium import A4_WIDTH_IN, Browser

MARGIN_IN = 0.6  # Browser.pdf's left and right margins
COLUMN_PX = round((A4_WIDTH_IN - 2 * MARGIN_IN) * 96)  # the printed column in CSS pixels

# Every figure's SVG text: its font size times the scale the page draws it at (the SVG's
# screen matrix), in points (a CSS pixel is 0.75 pt); and the legend's text beside a map.
MEASURE = """(() => {
  const out = {};
  for (const fig of document.querySelectorAll('figure')) {
    const svg = fig.querySelector('svg');
    if (!svg || !svg.querySelector('g.node')) continue;
    let smallest = Infinity, count = 0;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const size = parseFloat(t.getAttribute('font-size') || '14') * Math.hypot(m.a, m.b);
      smallest = Math.min(smallest, size * 0.75);
      count += 1;
    }
    let legend = Infinity;
    for (const p of fig.querySelectorAll('.legend p, .legend span')) {
      legend = Math.min(legend, parseFloat(getComputedStyle(p).fontSize) * 0.75);
    }
    const box = svg.getBoundingClientRect();
    out[fig.id] = {smallest, count, legend: legend === Infinity ? -1 : legend,
                   width: box.width * 0.75, height: box.height * 0.75};
  }
  return JSON.stringify(out);
})()"""


def printed_map_text(html: str) -> dict[str, dict[str, float]]:
    """By figure id, for each Graphviz map of the report: the smallest text of the map (pt)
    as laid out for print in the A4 column, how many texts it has, the smallest legend text
    beside it (-1 without one) and the map's printed width and height (pt)."""
    with tempfile.TemporaryDirectory(prefix="bottleneck-print-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        with Browser() as browser:
            browser.call("Emulation.setEmulatedMedia", {"media": "print"})
            browser.open(page, width=COLUMN_PX, height=1100)
            found: dict[str, dict[str, float]] = json.loads(browser.evaluate(MEASURE))
    return found
