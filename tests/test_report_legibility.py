"""The report's charts and pages are readable: plain tick labels, whole-word legends, hover
titles kept, progress while drawing, no page holding only a heading, every inline SVG of the
report on PermitLog readable in a 180 mm column."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bottleneck_finder.api import load_log
from bottleneck_finder.prepared import PreparedLog
from bottleneck_finder.render.plot_style import legend_label, plain, shorten
from bottleneck_finder.render.words import Words
from bottleneck_finder.reporting import ReportOptions, figures, make_report
from bottleneck_finder.reporting.chromium import find_chromium

from .conftest import EVENT_LOGS, shared_log
from .legibility import check

ROLLOUT = EVENT_LOGS / "one_stop_shop_rollout.csv"
SPLIT = "2025-04-14"
TEX = re.compile(r"\$|\\[A-Za-z]+|\^\{|_\{")  # a dollar sign or a TeX command / group
LONG = "#1 Permit FINAL_APPROVED by SUPERVISOR → Declaration REJECTED by PRE_APPROVER (Trước)"


class Drawn:
    """Every matplotlib figure saved while it is active (the report's charts and the drift
    timeline), kept to read their texts after drawing."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from matplotlib.figure import Figure

        self.figures: list[Any] = []
        original = Figure.savefig

        def savefig(fig: Any, *args: Any, **kwargs: Any) -> Any:
            if all(fig is not seen for seen in self.figures):  # saved as SVG, then PNG
                self.figures.append(fig)
            return original(fig, *args, **kwargs)

        monkeypatch.setattr(Figure, "savefig", savefig)

    def tick_labels(self) -> list[tuple[str, str]]:
        """(axis name, text) of every visible major and minor tick label inside the view."""
        out = []
        for fig in self.figures:
            for ax in fig.axes:
                for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                    low, high = sorted(axis.get_view_interval())
                    for minor in (False, True):
                        for tick in axis.get_ticklabels(minor=minor):
                            at = tick.get_position()[0 if name == "x" else 1]
                            if tick.get_visible() and tick.get_text() and low <= at <= high:
                                out.append((name, tick.get_text()))
        return out

    def legend_texts(self) -> list[str]:
        legends = [lg for fig in self.figures for lg in fig.legends]
        legends += [ax.get_legend() for fig in self.figures for ax in fig.axes]
        return [t.get_text() for lg in legends if lg is not None for t in lg.get_texts()]


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Drawn:
    return Drawn(monkeypatch)


def _report(lang: str, progress: list[str] | None = None, pdf: bool = False) -> Any:
    with PreparedLog(load_log(ROLLOUT)) as log:
        return make_report(
            log,
            ReportOptions(lang=lang),
            split=SPLIT,
            generated_at=pd.Timestamp("2026-01-01T00:00Z"),
            pdf=pdf,
            progress=(progress.append if progress is not None else lambda _s: None),
        )


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_no_chart_tick_label_holds_tex(lang: str, drawn: Drawn) -> None:
    """The Vietnamese report's log axis printed raw `$\\mathdefault{10^{…}}$` (matplotlib's
    minor-tick labels with mathtext off): every tick label of every chart is plain text."""
    built = _report(lang)
    assert len(drawn.figures) >= 5  # waits (log axis), weekly, throughput, drift, causes
    labels = drawn.tick_labels()
    assert labels
    assert [text for _, text in labels if TEX.search(text)] == []
    for name in built.figures:  # nor any glyph of a backslash or dollar in the SVG files
        assert "mathdefault" not in str(built.figures[name])


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize(("low_d", "high_d"), [(3, 20), (0.5, 40), (0.001, 300), (1, 1.2)])
def test_log_axis_ticks_are_the_languages_numbers(
    lang: str, low_d: float, high_d: float, drawn: Drawn
) -> None:
    """Over less than a decade, two decades or many: the log axis labels its ticks with
    numbers in the language's format (a comma decimal in Vietnamese), at least two of them,
    and nothing else."""
    w = Words(lang)
    values = np.geomspace(low_d * 86400, high_d * 86400, 200)
    figures.wait_distribution(
        [figures.Series("#1 A → B", values, "#a50026")], w, name="x", caption="x"
    )
    (fig,) = drawn.figures
    ax = fig.axes[0]
    assert ax.xaxis.get_scale() == "log"
    labels = [t for a, t in drawn.tick_labels() if a == "x"]
    assert len(labels) >= 2, labels
    number = r"\d{1,3}(\.\d{3})*(,\d+)?" if lang == "vi" else r"\d{1,3}(,\d{3})*(\.\d+)?"
    assert all(re.fullmatch(number, t) for t in labels), labels
    low, high = ax.xaxis.get_view_interval()
    for tick in ax.xaxis.get_ticklabels():
        at = tick.get_position()[0]
        if tick.get_text() and low <= at <= high:  # the label is the tick's own value
            parsed = tick.get_text().replace("." if lang == "vi" else ",", "")
            assert float(parsed.replace(",", ".")) == pytest.approx(at, rel=1e-6)


def _whole_words(entry: str, full: str) -> bool:
    """The legend entry's words, read in order, are whole words of `full` (then its suffix)."""
    words = entry.replace("\n", " ").replace("…", " … ").split()
    source = full.split()
    i = 0
    for word in words:
        if word == "…":
            continue
        while i < len(source) and source[i] != word:
            i += 1
        if i == len(source):
            return False
        i += 1
    return True


def test_legend_entries_are_never_cut_mid_word() -> None:
    """A label cut at 60 characters read "… (Trước) — trung vị 5,3 n…": the name wraps over
    two lines at word boundaries, a longer one ends after a whole word with "…", and the
    suffix (the median) is always whole."""
    suffix = "trung vị 5,3 ngày"
    entry = legend_label(LONG, suffix, chars=60)
    lines = entry.split("\n")
    assert all(len(line) <= 60 for line in lines)
    assert entry.replace("\n", " ") == f"{LONG} — {suffix}"  # wrapped, nothing lost
    assert lines[-1].endswith(suffix)
    three = legend_label(LONG + " " + LONG, suffix, chars=50)
    assert "…" in three and three.endswith(suffix)
    assert _whole_words(three.removesuffix(suffix), LONG + " " + LONG)
    assert len(three.split("\n")) <= 3
    assert legend_label("", suffix) == suffix
    assert shorten("Declaration FINAL_APPROVED", 20) == "Declaration…"
    assert plain("x" * 100) == "x" * 59 + "…"  # one word longer than the room: cut, marked
    assert plain("word " * 20).endswith("word…")


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_report_legends_keep_whole_words_and_the_median(lang: str, drawn: Drawn) -> None:
    """PermitLog-long names in the waiting-time and throughput legends: every entry holds
    whole words of its label and its whole median."""
    w = Words(lang)
    rng = np.random.default_rng(7)
    series = [
        figures.Series(LONG, rng.uniform(3, 20, 300) * 86400, "#a50026"),
        figures.Series(LONG[:40] + " (Sau)", rng.uniform(2, 9, 300) * 86400, "#333"),
    ]
    figures.wait_distribution(series, w, name="x", caption="x")
    figures.throughput_plot(series, w, name="y", caption="y")
    texts = drawn.legend_texts()
    assert len(texts) == 4
    for text, s in zip(texts, series * 2, strict=True):
        median = w("legend_median", value=w.duration(float(np.median(s.values_s))))
        assert median in text, text
        name = text[: text.index(median)].rstrip(" —\n")
        assert name and _whole_words(name, s.label), text
        assert all(len(line) <= 90 for line in text.split("\n"))


def test_inline_svgs_keep_their_hover_titles() -> None:
    """Graphviz writes a <title> in each node and edge and the tooltips as xlink:title:
    report.html inlines every one of them, as many as the figure files hold."""
    built = _report("en")
    page = str(built.files["report.html"])
    maps = [n for n, svg in built.figures.items() if 'class="node"' in str(svg)]
    assert "process.svg" in maps and "difference.svg" in maps
    for name in maps:
        svg = str(built.figures[name])
        inline = page[page.index(f'id="fig-{name.removesuffix(".svg")}"') :]
        inline = inline[: inline.index("</figure>")]
        for pattern in (r"<title>[^<]+</title>", r'xlink:title="[^"]+"'):
            assert re.findall(pattern, inline) == re.findall(pattern, svg), (name, pattern)
        assert len(re.findall(r'class="node">\s*<title>[^<]+</title>', inline)) >= 2
        assert len(re.findall(r'class="edge">\s*<title>[^<]+</title>', inline)) >= 1


def test_drawing_the_report_says_each_section_and_the_pdf() -> None:
    """Drawing the report was one silent stage of 77 s on PermitLog: it names each section
    as it draws it, numbered, then the PDF's printing."""
    stages: list[str] = []
    built = _report("en", stages, pdf=find_chromium() is not None)
    drawing = [s for s in stages if s.startswith("drawing the report:")]
    names = [re.sub(r" \(\d+/\d+\)$", "", s.removeprefix("drawing the report: ")) for s in drawing]
    assert names[:3] == ["process", "bottleneck", "time"]
    assert {"compare", "drift", "methods", "data"} <= set(names)
    counts = [re.search(r"\((\d+)/(\d+)\)$", s) for s in drawing if s.endswith(")")]
    assert [int(m.group(1)) for m in counts if m] == list(range(1, len(counts) + 1))
    if "report.pdf" in built.files:
        assert drawing[-1] == "drawing the report: printing report.pdf with Chromium"


NEEDS_PDF_TOOLS = pytest.mark.skipif(
    find_chromium() is None or shutil.which("pdftotext") is None,
    reason="Chromium and poppler-utils (pdftotext) are needed to read the printed pages",
)


def _pages(pdf: Path) -> Iterator[list[str]]:
    """Each page's non-empty text lines, without the page-number footer."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for page in text.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        yield [line for line in lines if not re.fullmatch(r"\d+ / \d+", line)]


@NEEDS_PDF_TOOLS
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_no_printed_page_holds_only_a_heading(lang: str, tmp_path: Path) -> None:
    """Headings stay with what follows them: no page of report.pdf ends its text at a
    heading (nothing under it) or holds only headings."""
    built = _report(lang, pdf=True)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(built.files["report.pdf"])  # type: ignore[arg-type]
    page = str(built.files["report.html"])
    headings = {
        re.sub(r"\s+", " ", h).strip()
        for h in re.findall(r"<h[23]>([^<]+)</h[23]>", page.replace("&amp;", "&"))
    }
    pages = [p for p in _pages(pdf) if p]
    assert len(pages) >= 5
    for number, lines in enumerate(pages, start=1):
        # a chart's caption repeats its heading, on the same page (they are kept together)
        last = lines[-1]
        assert last not in headings or lines.count(last) >= 2, (number, last)
        assert not all(line in headings for line in lines), (number, lines)


def _smallest_text_pt(svg: str) -> tuple[float, float]:
    """(width in pt, smallest font size in pt) of a matplotlib SVG whose text is glyph paths:
    each glyph is placed with `scale(s -s)`, s being the font size / 100."""
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)
    assert width is not None
    sizes = [float(s) * 100 for s in re.findall(r"scale\(([\d.]+) -[\d.]+\)", svg)]
    assert sizes, "no text found"
    return float(width.group(1)), min(sizes)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_chart_is_legible_in_a_180_mm_column(lang: str) -> None:
    """Every chart of the report (matplotlib: waits, weekly, throughput, drift, causes),
    scaled to a 180 mm (510 pt) column, has no text under 6 pt and no TeX glyphs."""
    built = _report(lang)
    charts = {
        name: str(svg)
        for name, svg in built.figures.items()
        if name.endswith(".svg") and 'class="node"' not in str(svg)
    }
    assert len(charts) >= 4, sorted(charts)
    for name, svg in charts.items():
        width, smallest = _smallest_text_pt(svg)
        assert smallest * min(1.0, 510.0 / width) >= 6.0, (name, width, smallest)


def _inline_svgs(page: str) -> dict[str, str]:
    """Every SVG report.html inlines, by its figure id, sized in points from its viewBox (the
    page sets only a CSS width): Graphviz and matplotlib draw one SVG unit a point."""
    found = {}
    for match in re.finditer(r'<figure[^>]*id="fig-([^"]+)".*?</figure>', page, flags=re.S):
        svg = re.search(r"<svg\b.*?</svg>", match.group(0), flags=re.S)
        if svg is None:
            continue
        box = re.search(r'viewBox="([-\d.\s]+)"', svg.group(0))
        assert box is not None, match.group(1)
        width, height = box.group(1).split()[2:]
        found[match.group(1)] = svg.group(0).replace(
            "<svg", f'<svg width="{width}pt" height="{height}pt"', 1
        )
    return found


@pytest.mark.slow
@pytest.mark.parametrize("split", ["2018-01-01", None])
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_inline_svg_of_the_permit_report_is_legible(lang: str, split: str | None) -> None:
    """The report on PermitLog (with and without a split), every SVG report.html inlines,
    scaled to a 180 mm (510 pt) column: text of 6 pt or more and no two labels overlapping
    (tests/legibility.py for the Graphviz maps; matplotlib draws text as glyph paths)."""
    with PreparedLog(load_log(shared_log("PermitLog.xes.gz"))) as log:
        built = make_report(
            log,
            ReportOptions(lang=lang),
            split=split,
            generated_at=pd.Timestamp("2026-01-01T00:00Z"),
            pdf=False,
            progress=lambda _s: None,
        )
    svgs = _inline_svgs(str(built.files["report.html"]))
    maps = {name for name, svg in svgs.items() if 'class="graph"' in svg}
    assert "process" in maps and ("difference" in maps) == (split is not None), sorted(svgs)
    assert len(svgs) - len(maps) >= 4, sorted(svgs)  # the charts
    for name, svg in svgs.items():
        found = check(svg)
        if name in maps:
            assert found.smallest_pt >= 6.0, (name, found)
            assert not found.overlaps, (name, found.overlaps)
        else:
            width, smallest = _smallest_text_pt(svg)
            assert smallest * min(1.0, 510.0 / width) >= 6.0, (name, width, smallest)


@NEEDS_PDF_TOOLS
def test_the_table_of_contents_links_work_in_the_pdf() -> None:
    """Every entry of the contents is a link in report.pdf to a named place on a page: the
    PDF's link annotations point at `/Dest /<section>` and its name tree places each one."""
    built = _report("vi", pdf=True)
    page = str(built.files["report.html"])
    toc = page.split('<nav class="toc">', 1)[1].split("</nav>", 1)[0]
    anchors = re.findall(r'href="#([\w-]+)"', toc)
    assert len(anchors) >= 8
    pdf = bytes(built.files["report.pdf"])  # type: ignore[arg-type]
    linked = set(re.findall(rb"/Subtype /Link[^>]*?/Dest /([\w-]+)", pdf, flags=re.S))
    linked |= set(re.findall(rb"/Dest /([\w-]+)[^>]*?/Subtype /Link", pdf, flags=re.S))
    placed = dict(re.findall(rb"/([\w-]+) \[(\d+) 0 R /XYZ", pdf))
    pages = set(re.findall(rb"\n(\d+) 0 obj\n<</Type /Page\b", pdf))
    for anchor in anchors:
        name = anchor.encode()
        assert name in linked, f"no link to {anchor} in the PDF"
        assert placed.get(name) in pages, f"{anchor} is not placed on a page of the PDF"


NEEDS_CHROMIUM = pytest.mark.skipif(
    find_chromium() is None, reason="Chromium is needed to lay the report out for print"
)


def _printed_maps(log_path: Path, lang: str, split: str, calendar: str | None = None) -> Any:
    from bottleneck_finder.calendar import load_calendar

    from .printed_maps import printed_map_text

    cal = load_calendar(calendar)
    with PreparedLog(load_log(log_path), calendar=cal) as log:  # as `report --calendar` does
        built = make_report(
            log,
            ReportOptions(lang=lang, calendar=cal),
            split=split,
            generated_at=pd.Timestamp("2026-01-01T00:00Z"),
            pdf=False,
            progress=lambda _s: None,
        )
    page = str(built.files["report.html"])
    found = printed_map_text(page)
    found["_svgs"] = _inline_svgs(page)  # the maps themselves, for their overlapping labels
    return found


def _assert_printed_legibly(found: Any, names: tuple[str, ...]) -> None:
    """Each named map, as laid out for print in the A4 column (its SVG at most 190 mm tall),
    has no text under 6 pt, and its legend, set under it in the page's text, none either."""
    for name in names:
        m = found[f"fig-{name}"]
        assert m["count"] >= 10, (name, m)  # the map's texts were found and measured
        assert m["width"] <= 510.0 and m["height"] <= 540.0, (name, m)
        assert m["smallest"] >= 6.0, (name, m)
        assert m["legend"] >= 6.0, (name, m)


@NEEDS_CHROMIUM
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_printed_maps_of_the_sample_report_keep_6_pt_text(lang: str) -> None:
    """The bundled rollout log's report (with its split) printed on A4: the process map and
    the difference map keep text of 6 pt or more (it was 5.6 pt on the process map when the
    legend was inside the map and the map was shrunk to 200 mm)."""
    found = _printed_maps(ROLLOUT, lang, SPLIT)
    _assert_printed_legibly(found, ("process", "difference"))
    # the discovered model (BPMN), its legend inside the picture, at most 200 mm tall: it
    # printed at 5.2 pt when fitted to the screen's column instead of the page
    model = found["fig-model"]
    assert model["count"] >= 10 and model["width"] <= 510.0 and model["height"] <= 568.0, model
    assert model["smallest"] >= 6.0, model


@pytest.mark.slow
@NEEDS_CHROMIUM
@pytest.mark.parametrize(
    ("lang", "calendar"),
    [("en", None), ("vi", None), ("vi", "vn")],
    ids=["en", "vi", "vi-vn"],  # vi-vn: the Vietnamese report's default, working days
)
def test_printed_difference_map_of_the_permit_report_keeps_6_pt_text(
    lang: str, calendar: str | None
) -> None:
    """PermitLog's report split at 2018-01-01, printed on A4: the difference map keeps text of
    6 pt or more (it was 3.9–4.4 pt) and no two labels overlap (one pair did in vi-vn)."""
    found = _printed_maps(shared_log("PermitLog.xes.gz"), lang, "2018-01-01", calendar)
    _assert_printed_legibly(found, ("difference",))
    assert check(found["_svgs"]["difference"]).overlaps == ()


@pytest.mark.slow
@NEEDS_CHROMIUM
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_printed_process_map_of_the_permit_report_keeps_6_pt_text(lang: str) -> None:
    """PermitLog's report printed on A4: its map must show 11 activities (the top bottlenecks'
    ends, connected start to end) in a 13-rank chain 1,440 pt tall, printed at 4.5 pt. The
    chain's plain runs are drawn as dotted "⋯ N steps" arrows until it fits: text of 6 pt or
    more, no two labels overlapping, the marked bottlenecks and their ends still drawn."""
    found = _printed_maps(shared_log("PermitLog.xes.gz"), lang, "2018-01-01")
    _assert_printed_legibly(found, ("process",))
    svg = found["_svgs"]["process"]
    assert check(svg).overlaps == ()
    for rank in ("#1", "#2", "#3"):
        assert f">{rank} · " in svg, rank
    assert re.search(r">⋯ \d+ (steps|bước)<", svg), "no shortcut drawn"
