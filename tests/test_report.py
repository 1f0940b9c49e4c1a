"""`bottleneck report`: files, Chromium rendering, PDF text, privacy, escaping and the figures."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bottleneck_finder.api import load_log
from bottleneck_finder.calendar import load_calendar
from bottleneck_finder.cli import cli
from bottleneck_finder.render.words import Words
from bottleneck_finder.reporting import (
    ReportData,
    ReportFiles,
    ReportOptions,
    build_report,
    make_context,
    measure,
)
from bottleneck_finder.reporting.chromium import Browser, find_chromium

from .conftest import EVENT_LOGS

AFTER = EVENT_LOGS / "one_stop_shop_after.csv"
BEFORE = EVENT_LOGS / "one_stop_shop_before.csv"
NEEDS_CHROMIUM = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium is not installed (scripts/ensure-chromium.sh installs it)",
)
NEEDS_POPPLER = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed",
)
MARKUP = "<script>alert(1)</script>"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["report", *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def vi_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Vietnamese, anonymized report of the sample 'after' log compared with the 'before'
    log, with every optional part, shared by the tests."""
    out = tmp_path_factory.mktemp("vi") / "report"
    code, output = run(str(AFTER), "--compare-with", str(BEFORE), "-o", str(out), "-q")
    assert code == 0, output
    return out


@pytest.fixture(scope="module")
def named_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same report with --no-anonymize, in English."""
    out = tmp_path_factory.mktemp("named") / "report"
    code, output = run(
        str(AFTER),
        "-o",
        str(out),
        "-q",
        "--no-anonymize",
        "--lang",
        "en",
        "--skip",
        "drift,causes,model",
    )
    assert code == 0, output
    assert "NOT anonymized" in output
    return out


@pytest.fixture(scope="module")
def markup_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report of a log whose activity and officer names carry HTML/SVG markup."""
    folder = tmp_path_factory.mktemp("markup")
    log = folder / "markup.csv"
    rows = ["case,activity,start,end,resource"]
    for i in range(6):
        rows += [
            f"c{i},Receive <b>,2025-01-0{i + 1} 08:00,2025-01-0{i + 1} 08:10,anna",
            f"c{i},{MARKUP},2025-01-0{i + 1} 1{i}:00,2025-01-0{i + 1} 1{i}:30,anna",
            f"c{i},Close & done,2025-01-0{i + 2} 09:00,2025-01-0{i + 2} 09:05,"
            '"<svg onload=alert(2)>"',
        ]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = folder / "report"
    code, output = run(
        str(log),
        "-o",
        str(out),
        "--lang",
        "en",
        "--no-anonymize",
        "--start-timestamp",
        "start",
        "--timestamp",
        "end",
        "--skip",
        "model",
        "--title",
        "Review <b>Q3</b>",
    )
    assert code == 0, output
    # drift needs more periods than six days: the section is left out, saying why
    assert "note: drift section left out" in output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if find_chromium() is None:
        pytest.skip("Chromium is not installed (scripts/ensure-chromium.sh installs it)")
    with Browser() as b:
        yield b


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    done = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8"))


def every_text(folder: Path) -> dict[str, str]:
    """Every output file as searchable text: text files decoded, PDFs through pdftotext, other
    binaries (PNG) as their bytes read as Latin-1 and UTF-8."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        name = str(path.relative_to(folder))
        if path.suffix == ".pdf":
            out[name] = pdf_text(path) + data.decode("latin-1")
        else:
            out[name] = data.decode("utf-8", "replace") + data.decode("latin-1")
    return out


def test_report_writes_every_file(vi_report: Path) -> None:
    for name in ("report.html", "report.md", "report.pdf"):
        assert (vi_report / name).stat().st_size > 0, name
    figures = {p.name for p in (vi_report / "figures").iterdir()}
    for stem in (
        "process",
        "waiting_top_bottlenecks",
        "weekly_wait_and_arrivals",
        "throughput_time",
    ):
        assert {f"{stem}.svg", f"{stem}.png"} <= figures
        png = (vi_report / "figures" / f"{stem}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png[16:20], "big")
        svg = (vi_report / "figures" / f"{stem}.svg").read_text("utf-8")
        points = float(re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"', svg).group(1))  # type: ignore[union-attr]
        dpi = width / points * 72
        assert 280 <= dpi <= 320, f"{stem}.png is {dpi:.0f} dpi: not print resolution"
    md = (vi_report / "report.md").read_text("utf-8")
    for stem in ("process", "waiting_top_bottlenecks", "throughput_time"):
        assert f"](figures/{stem}.png)" in md


def test_html_is_self_contained_and_vietnamese(vi_report: Path) -> None:
    html = (vi_report / "report.html").read_text("utf-8")
    assert '<html lang="vi">' in html
    lowered = html.lower()
    for banned in ("<script", "<link", "@import", "url(http", 'src="http', "<img", "@font-face"):
        assert banned not in lowered, banned
    assert lowered.count("<svg") >= 4
    for heading in (
        "Tóm tắt kết quả",
        "Mục lục",
        "Sơ đồ quy trình",
        "Bảng điểm nghẽn",
        "Phương pháp",
        "Dữ liệu",
    ):
        assert heading in html
    assert "Executive summary" not in html
    # every table of contents entry points at a section
    for anchor in ("summary", "process", "bottlenecks", "charts", "methods", "data"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html


@NEEDS_CHROMIUM
def test_html_renders_in_chromium_without_errors_or_network(
    vi_report: Path, browser: Browser
) -> None:
    page = browser.open(vi_report / "report.html", width=1000, height=1400)
    assert page.errors == []
    assert page.requests == [(vi_report / "report.html").resolve().as_uri()]
    assert page.failed == []
    shot = browser.screenshot()
    import io

    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(shot)).convert("L"))
    assert image.shape[0] > 3000  # the whole page, not one screen
    assert (image < 128).mean() > 0.01, "the screenshot is blank"
    # the figures are drawn and visible: a reasonable size, in the page's width
    boxes = browser.evaluate(
        "[...document.querySelectorAll('figure svg')].map(s => {const r = "
        "s.getBoundingClientRect(); return [r.width, r.height]})"
    )
    assert len(boxes) == 8  # map, difference map, 3 charts, drift, causes, model
    assert all(w > 300 and h > 100 for w, h in boxes), boxes
    analysis = measure(load_log(AFTER)).analysis
    nodes = browser.evaluate("document.querySelectorAll('#fig-process svg g.node').length")
    assert nodes == len(analysis.activities) + 2  # every step, start and end


@NEEDS_CHROMIUM
def test_html_fits_a_phone(vi_report: Path, browser: Browser) -> None:
    browser.open(vi_report / "report.html", width=390, height=844)
    width = browser.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    sizes = browser.evaluate(
        "[...document.querySelectorAll('figure svg')].map(s => s.getBoundingClientRect().width)"
    )
    assert all(0 < w <= 390 for w in sizes), sizes


@NEEDS_CHROMIUM
def test_tables_fit_the_printed_column(vi_report: Path, browser: Browser) -> None:
    """At the A4 column's width (180 mm = 680 CSS px) no table is wider than the page: a long
    header such as "Tổng chờ (cộng dồn)" kept on one line pushed the P90 column off the page."""
    browser.open(vi_report / "report.html", width=680, height=1000)
    overflow = browser.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1)"
        ".map(w => w.querySelector('th').textContent + ': ' + w.scrollWidth + '/' + w.clientWidth)"
    )
    assert overflow == []
    assert browser.evaluate("document.querySelectorAll('.table-wrap').length") >= 8


@NEEDS_CHROMIUM
@NEEDS_POPPLER
def test_pdf_is_a4_paged_and_renders_vietnamese(vi_report: Path, tmp_path: Path) -> None:
    pdf = vi_report / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert "595" in info.stdout and "841" in info.stdout  # A4 in points
    assert pages >= 3
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages
    first = pdf_text(pdf, 1, 2)
    assert "Mục lục" in first and "Tóm tắt kết quả" in first
    assert re.search(rf"\b1\s*/\s*{pages}\b", pdf_text(pdf, 1, 1))  # page numbers
    # graphs are vectors: the map's step names are text in the PDF, not pixels
    assert "Ký số phê duyệt" in pdf_text(pdf)


def _identities() -> tuple[set[str], set[str]]:
    """The case ids and the officers' names (not the unit names) of both sample logs."""
    cases: set[str] = set()
    names: set[str] = set()
    units: set[str] = set()
    for log in (AFTER, BEFORE):
        frame = pd.read_csv(log, dtype=str)
        cases |= set(frame["ma_ho_so"])
        names |= set(frame["can_bo"])
        units |= set(frame["don_vi"])
    return cases, names - units


def test_no_case_id_or_officer_name_in_any_anonymized_output(vi_report: Path) -> None:
    cases, names = _identities()
    assert len(cases) == 900 and len(names) >= 12
    texts = every_text(vi_report)
    assert any(name.endswith(".pdf") for name in texts)
    forms = {unicodedata.normalize(f, i) for i in cases | names for f in ("NFC", "NFD")}
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms)))
    for name, text in texts.items():
        found = pattern.search(text)
        assert found is None, (name, found and found.group(0))
    html = texts["report.html"]
    assert "Cán bộ 0" in html  # officers appear as pseudonyms
    assert "KHÔNG ẨN DANH" not in html


@NEEDS_POPPLER
def test_no_anonymize_shows_names_and_says_so_on_the_first_page(named_report: Path) -> None:
    _, names = _identities()
    html = (named_report / "report.html").read_text("utf-8")
    assert any(name in html for name in names)  # the search above can find names
    cases, _ = _identities()
    assert not any(case in html for case in cases)  # case ids never, even so
    if (named_report / "report.pdf").exists():
        assert "NOT ANONYMIZED" in pdf_text(named_report / "report.pdf", 1, 1)
    assert html.index("NOT ANONYMIZED") < html.index('id="summary"')


def test_english_report_has_english_words(named_report: Path) -> None:
    html = (named_report / "report.html").read_text("utf-8")
    assert '<html lang="en">' in html
    for heading in ("Executive summary", "Process map", "Bottleneck table", "Methods", "Data"):
        assert heading in html
    for vietnamese in ("Tóm tắt", "Mục lục", "ngày", "giờ", "Cán bộ"):
        assert vietnamese not in html.replace("Ký số", "")
    assert "Ký số phê duyệt" in html  # activity names stay as in the log


def test_markup_in_labels_is_escaped_everywhere(markup_report: Path) -> None:
    for path in markup_report.rglob("*"):
        if path.suffix in (".html", ".md", ".svg"):
            text = path.read_text("utf-8")
            assert "<script>" not in text, path.name
            assert "<svg onload" not in text and "<b>" not in text, path.name
    html = (markup_report / "report.html").read_text("utf-8")
    assert "<title>Review &lt;b&gt;Q3&lt;/b&gt;</title>" in html  # --title, escaped too
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;svg onload=alert(2)&gt;" in html
    md = (markup_report / "report.md").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    process = (markup_report / "figures" / "process.svg").read_text("utf-8")
    assert "&lt;script&gt;alert(1)" in process  # wrapped over two lines in the map


@NEEDS_CHROMIUM
def test_markup_stays_text_in_the_browser(markup_report: Path, browser: Browser) -> None:
    page = browser.open(markup_report / "report.html")
    assert page.errors == []
    assert browser.evaluate("document.scripts.length") == 0
    assert browser.evaluate("document.querySelectorAll('b, svg[onload]').length") == 0
    assert MARKUP in browser.evaluate("document.body.innerText")
    if (markup_report / "report.pdf").exists() and shutil.which("pdftotext"):
        assert MARKUP in pdf_text(markup_report / "report.pdf")


@pytest.fixture(scope="module")
def api_build() -> tuple[ReportData, ReportFiles]:
    """The sample 'after' report built through the Python API (no PDF), once."""
    data = measure(load_log(AFTER))
    stamp = pd.Timestamp("2026-01-01T00:00:00Z")
    return data, build_report(make_context(data, ReportOptions()), generated_at=stamp, pdf=False)


def test_same_results_give_the_same_files(api_build: tuple[ReportData, ReportFiles]) -> None:
    _, first = api_build
    again = measure(load_log(AFTER))
    second = build_report(
        make_context(again, ReportOptions()),
        generated_at=pd.Timestamp("2027-01-01T00:00Z"),
        pdf=False,
    )
    assert first.figures == second.figures
    for name in ("report.html", "report.md"):
        later = str(second.files[name])
        assert later != first.files[name]  # the generation time differs …
        assert later.replace("2027-01-01", "2026-01-01") == first.files[name]  # … only it


def _pandas_steps(path: Path) -> pd.DataFrame:
    """Each step with its wait (start − previous end, floored at 0), computed independently."""
    frame = pd.read_csv(path)
    frame["start"] = pd.to_datetime(frame["thoi_gian_bat_dau"], utc=True)
    frame["end"] = pd.to_datetime(frame["thoi_gian_ket_thuc"], utc=True)
    frame = frame.sort_values(["ma_ho_so", "end", "start"], kind="stable")
    frame["source"] = frame.groupby("ma_ho_so")["buoc"].shift()
    previous = frame.groupby("ma_ho_so")["end"].shift()
    frame["wait_s"] = ((frame["start"] - previous).dt.total_seconds()).clip(lower=0)
    return frame


def test_measurements_match_an_independent_computation() -> None:
    data = measure(load_log(AFTER))
    steps = _pandas_steps(AFTER)
    # the waits plotted for bottleneck #1 are exactly that transition's waits
    top = data.top_waits[0]
    expected = steps[(steps["source"] == top.source) & (steps["buoc"] == top.target)]["wait_s"]
    np.testing.assert_allclose(np.sort(top.waits_s), np.sort(expected.to_numpy()))
    # throughput times
    per_case = steps.groupby("ma_ho_so").agg(
        first=("start", "min"), last=("end", "max"), wait=("wait_s", "sum")
    )
    durations = (per_case["last"] - per_case["first"]).dt.total_seconds()
    np.testing.assert_allclose(np.sort(data.cases["duration_s"]), np.sort(durations.to_numpy()))
    # weekly arrivals and median waiting per case, weeks from Monday 00:00 local (+07:00)
    local = per_case["first"].dt.tz_convert("+07:00").dt.tz_localize(None)
    week = (local - pd.to_timedelta(local.dt.day_of_week, unit="D")).dt.normalize()
    by_week = (
        per_case.assign(week=week.to_numpy())
        .groupby("week")
        .agg(arrivals=("wait", "size"), median=("wait", "median"))
    )
    assert data.weekly["arrivals"].tolist() == by_week["arrivals"].tolist()
    assert data.weekly["week"].tolist() == by_week.index.tolist()
    np.testing.assert_allclose(data.weekly["median_wait_s"], by_week["median"])
    # the officer who receives bottleneck #1
    who = steps[(steps["source"] == top.source) & (steps["buoc"] == top.target)]
    assert data.who_waits["count"].sum() == len(who)
    assert set(data.who_waits["resource"]) == set(who["can_bo"])


def test_the_report_splits_cases_by_the_rule_of_compare() -> None:
    """The report's before/after logs hold the cases `compare_split` puts on each side."""
    from bottleneck_finder.analysis.compare import compare_split, split_log
    from bottleneck_finder.prepared import PreparedLog

    rollout = EVENT_LOGS / "one_stop_shop_rollout.csv"
    with PreparedLog(load_log(rollout)) as prepared:
        result = compare_split(prepared, "2025-04-14")
        before, after, straddling = split_log(prepared, "2025-04-14")
    assert straddling == result.split.straddling_cases > 0
    assert before.events["case"].nunique() == result.before.cases
    assert after.events["case"].nunique() == result.after.cases


def test_waits_of_a_transition_the_log_does_not_have_are_empty() -> None:
    from bottleneck_finder.analysis.transition_waits import transition_waits, who_waits
    from bottleneck_finder.prepared import PreparedLog

    with PreparedLog(load_log(AFTER)) as prepared:
        waits = transition_waits(prepared, [("no such step", "another")])
        who = who_waits(prepared, "no such step", "another")
    assert len(waits[("no such step", "another")]) == 0
    assert len(who) == 0 and "resource" in who.columns


def test_summary_states_the_top_bottleneck_with_its_numbers(
    api_build: tuple[ReportData, ReportFiles],
) -> None:
    data, built = api_build
    steps = _pandas_steps(AFTER)
    top = data.top_waits[0]
    waits = steps[(steps["source"] == top.source) & (steps["buoc"] == top.target)]["wait_s"]
    total = steps["wait_s"].sum()
    words = Words("vi")
    summary = built.sections[0]
    assert 1 <= len(summary.findings) <= 5
    first = summary.findings[0]
    assert f"“{top.source}” và “{top.target}”" in first.text
    assert words.duration(float(waits.median())) in first.text
    assert words.percent(float(waits.sum() / total)) in first.text
    assert words.duration(float(waits.quantile(0.9))) in first.evidence
    assert words.count(len(waits)) in first.evidence
    # the per-dossier figure first: the total over the dossiers that pass there, and the total
    mask = (steps["source"] == top.source) & (steps["buoc"] == top.target)
    cases = steps.loc[mask, "ma_ho_so"].nunique()
    assert f"trung bình {words.duration(float(waits.sum()) / cases)} mỗi hồ sơ" in first.evidence
    assert f"cộng dồn trên mọi hồ sơ {words.duration(float(waits.sum()))}" in first.evidence


def test_vietnamese_and_english_formats() -> None:
    vi, en = Words("vi"), Words("en")
    assert vi.duration(3.2 * 86400) == "3,2 ngày"
    assert en.duration(3.2 * 86400) == "3.2 d"
    assert vi.duration(90 * 60) == "1,5 giờ"
    assert vi.duration(45) == "45 giây"
    assert vi.number(1234.5, 1) == "1.234,5"
    assert en.number(1234.5, 1) == "1,234.5"
    assert vi.percent(0.045) == "4,5%"
    assert vi.count(7272) == "7.272"
    assert vi.date(pd.Timestamp("2025-03-03")) == "03/03/2025"


def test_without_chromium_the_pdf_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTTLENECK_CHROMIUM", "")
    out = tmp_path / "r"
    result = CliRunner().invoke(
        cli, ["report", str(AFTER), "-o", str(out), "-q", "--skip", "drift,causes,flows,model"]
    )
    assert result.exit_code == 0, result.output
    assert "report.pdf was not made" in result.output
    assert (out / "report.html").exists() and (out / "report.md").exists()
    assert not (out / "report.pdf").exists()
    assert not list(out.glob(".*.tmp"))


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "r"
    code, output = run(str(tmp_path / "missing.csv"), "-o", str(out))
    assert code == 3
    assert output.startswith("error: ") and "no such file" in output
    assert not out.exists()


def test_every_section_of_a_comparison_report(vi_report: Path) -> None:
    html = (vi_report / "report.html").read_text("utf-8")
    for anchor, heading in (
        ("compare", "So sánh trước và sau"),
        ("introduced", "Điểm nghẽn mới hoặc nặng hơn"),
        ("drift", "Thay đổi theo thời gian"),
        ("causes", "Nguyên nhân chờ"),
        ("flows", "Đường đi, làm lại và chuyển giao"),
        ("model", "Mô hình quy trình được phát hiện"),
    ):
        assert f'id="{anchor}"' in html and heading in html and f'href="#{anchor}"' in html
    figures = {p.stem for p in (vi_report / "figures").glob("*.svg")}
    assert {"difference", "drift_timeline", "waiting_causes", "model"} <= figures
    # the data summary describes both logs
    assert "one_stop_shop_before.csv" in html and "6.372" in html and "7.272" in html


def test_drift_timeline_is_the_drift_commands_picture(vi_report: Path) -> None:
    from bottleneck_finder.analysis.drift import drift
    from bottleneck_finder.render.drift_plot import REPORT_STYLE, drift_pictures

    vn = load_calendar("vn")  # the Vietnamese report counts working days by default
    result = drift(load_log(AFTER), calendar=vn)
    words = Words("vi", workday_s=vn.workday_seconds)
    pictures = drift_pictures(result, ("svg", "png"), words, REPORT_STYLE)
    assert (vi_report / "figures" / "drift_timeline.png").read_bytes() == pictures["png"]
    svg = (vi_report / "figures" / "drift_timeline.svg").read_text("utf-8")
    from bottleneck_finder.reporting.figures import picture_figure

    figure = picture_figure(pictures["svg"], pictures["png"], name="drift_timeline", caption="")
    assert figure.svg == svg and figure.png == pictures["png"]


def test_comparison_numbers_come_from_the_compare_module(vi_report: Path) -> None:
    from bottleneck_finder.analysis.compare import CompareOptions, compare_logs

    vn = load_calendar("vn")  # the Vietnamese report counts working days by default
    result = compare_logs(load_log(BEFORE), load_log(AFTER), CompareOptions(calendar=vn))
    words = Words("vi", workday_s=vn.workday_seconds)
    md = (vi_report / "report.md").read_text("utf-8")
    section = md[md.index('<a id="compare">') : md.index('<a id="introduced">')]
    c = result.cases
    before, after = (words.duration(s, short=True) for s in (c.before_median_s, c.after_median_s))
    medians = f"| {before} | {after} |"  # tables say working days short (ngày LV)
    assert medians in section
    # the introduced table is compare's ranking, numbered as there (#1, #2, …)
    table = md[md.index('<a id="introduced">') :]
    ranked = [line for line in table.splitlines() if line.startswith("| #")]
    top = result.introduced.head(8).to_dict("records")
    assert len(top) == 8  # the introduced table comes first, then the improvements
    for line, intro in zip(ranked[:8], top, strict=True):
        assert line.startswith(f"| #{intro['rank']} |")
        if intro["kind"] == "transition":
            assert str(intro["source"]) in line and str(intro["target"]) in line
        else:
            assert f"trước “{intro['activity']}”" in line
        assert words.duration(float(intro["added_wait_per_case_s"]), short=True) in line
    # the first finding is the change in throughput time
    summary = md[md.index("## Tóm tắt") : md.index('<a id="process">')]
    assert f"trung vị {words.duration(c.after_median_s)} thay vì" in summary


def test_split_report_compares_before_and_after_a_date(tmp_path: Path) -> None:
    import datetime as dt

    from bottleneck_finder.analysis.compare import compare_split
    from tools.simulate import simulate_one_stop_shop

    start = dt.datetime(2025, 3, 3, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    rollout = start + dt.timedelta(days=8)
    frame = simulate_one_stop_shop("after", dossiers=300, rollout=rollout, start=start)
    log = tmp_path / "rollout.csv"
    frame.to_csv(log, index=False)
    out = tmp_path / "r"
    code, output = run(
        str(log),
        "--split",
        rollout.date().isoformat(),
        "-o",
        str(out),
        "--no-pdf",
        "-q",
        "--lang",
        "en",
        "--skip",
        "drift,causes,flows,model",
    )
    assert code == 0, output
    html = (out / "report.html").read_text("utf-8")
    assert "Before and after" in html and "Introduced or worsened bottlenecks" in html
    assert "Officer 01" in html and "Personal data is protected" in html
    result = compare_split(load_log(log), rollout.date().isoformat())
    words = Words("en")
    assert f"{words.count(result.split.straddling_cases)} cases spanning that date" in html
    assert words.duration(result.cases.after_median_s) in html


def test_a_split_date_outside_the_log_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "r"
    code, output = run(str(AFTER), "--split", "2030-01-01", "-o", str(out), "--no-pdf")
    assert code != 0 and output.count("\n") <= 3
    assert "error: " in output and "split date" in output
    assert not out.exists()


def test_officers_stay_pseudonyms_where_they_stand_in_for_units(tmp_path: Path) -> None:
    """Without a unit column, the comparison's work table and the hand-offs are per officer."""
    logs = []
    for source in (BEFORE, AFTER):
        frame = pd.read_csv(source, dtype=str).drop(columns=["don_vi"])
        logs.append(tmp_path / source.name)
        frame.to_csv(logs[-1], index=False)
    out = tmp_path / "r"
    code, output = run(
        str(logs[1]),
        "--compare-with",
        str(logs[0]),
        "-o",
        str(out),
        "--no-pdf",
        "-q",
        "--skip",
        "drift,causes,model",
    )
    assert code == 0, output
    html = (out / "report.html").read_text("utf-8")
    assert "Cán bộ 01" in html and "Chuyển giao giữa các cán bộ" in html
    _, names = _identities()
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert not any(name in text for name in names | {"Công dân"}), path.name


def test_tiny_logs_still_give_a_report(tmp_path: Path) -> None:
    log = tmp_path / "one.csv"
    log.write_text("case,activity,time\nc1,A,2025-01-01 08:00\n", encoding="utf-8")
    out = tmp_path / "r"
    code, output = run(str(log), "-o", str(out), "--no-pdf", "--skip", "model")
    assert code == 0, output
    html = (out / "report.html").read_text("utf-8")
    assert "Không có thời gian chờ giữa các bước" in html  # no finding to make, said plainly
    assert "note: drift section left out" in output


def test_a_failing_optional_part_is_left_out_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bottleneck_finder.analysis.causes as causes

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(causes, "attribute_causes", broken)
    monkeypatch.delenv("BOTTLENECK_DEBUG", raising=False)
    out = tmp_path / "r"
    code, output = run(str(AFTER), "-o", str(out), "--no-pdf", "--skip", "drift,flows,model")
    assert code == 0, output
    assert "note: causes section left out: internal error" in output and "boom" in output
    assert 'id="causes"' not in (out / "report.html").read_text("utf-8")


def test_failed_write_leaves_no_figures_behind(tmp_path: Path) -> None:
    """The figures were written before report.html; a failure then left a half report."""
    log = tmp_path / "log.csv"
    log.write_text(
        "case_id,activity,timestamp\n1,A,2025-01-01 08:00\n1,B,2025-01-01 09:00\n"
        "2,A,2025-01-02 08:00\n2,B,2025-01-02 10:00\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)  # report.html cannot be replaced
    code, output = run(str(log), "-o", str(out), "--no-pdf", "-q", "--skip", "drift,causes,model")
    assert code == 8, output
    assert output.startswith(f"error: {out}: cannot write the results")
    assert sorted(p.name for p in out.rglob("*")) == ["report.html"]


def test_share_axis_ticks_are_whole_percents() -> None:
    """The causes chart's axis read "0,0%, 20%, 40%…": the 0 tick had a decimal."""
    from bottleneck_finder.reporting.figures import share_tick

    vi, en = Words("vi"), Words("en")
    assert [share_tick(v, vi) for v in (0.0, 0.2, 1.0)] == ["0%", "20%", "100%"]
    assert share_tick(0.0, en) == "0%" and share_tick(0.4, en) == "40%"


def test_unknown_skip_part_is_refused_before_the_log_is_read(tmp_path: Path) -> None:
    """--skip was checked only after the whole log was read and measured."""
    missing = tmp_path / "not_read.csv"  # would be exit 3 if the log were read first
    out = tmp_path / "out"
    code, output = run(str(missing), "-o", str(out), "--no-pdf", "--skip", "drift,bogus")
    assert code == 2, output
    assert "unknown part bogus; choose from" in output and "no such file" not in output
    assert not out.exists()
