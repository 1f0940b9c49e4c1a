"""The report's building blocks: sections of paragraphs, tables and figures, and what feeds them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis.abstraction import Limit
from ..calendar import WorkCalendar
from ..render.legend import LegendRow
from ..render.words import Words
from .measures import ReportData
from .results import OptionalResults


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped by the templates)."""

    text: str
    kind: str = "text"  # "text", "note" or "warning"


@dataclass(frozen=True)
class Table:
    """A table of text cells; `numeric` marks the right-aligned columns."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    caption: str = ""
    note: str = ""
    """A line under the table (what a short unit in its cells means)."""


@dataclass(frozen=True)
class Figure:
    """A drawn picture: `name` is the file stem under figures/, `svg` is inlined in the HTML."""

    name: str
    caption: str
    svg: str
    png: bytes
    alt: str = ""
    legend: tuple[LegendRow, ...] = ()
    """A map's legend, set under it (the map is drawn without it, to fit the page)."""


@dataclass(frozen=True)
class Finding:
    """One plain-language finding for the executive summary, with its number and evidence.

    Lower `priority` comes first; the summary shows at most five, and of findings about the
    same `subject` only the first.
    """

    text: str
    evidence: str
    priority: int
    anchor: str = ""
    subject: tuple[str, ...] = ()  # e.g. ("transition", source, target): one finding each


Block = Paragraph | Table | Figure


@dataclass(frozen=True)
class Section:
    """One section of the report: an anchor id, a heading, its blocks and its findings;
    a `front` section is printed on the first page, before the table of contents."""

    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    findings: tuple[Finding, ...] = ()
    front: bool = False


@dataclass(frozen=True)
class ReportOptions:
    """What the user asked for; with a `calendar` durations are working time."""

    lang: str = "vi"
    title: str | None = None
    anonymize: bool = True
    min_unit_size: int = 3
    """Anonymized, a unit of fewer officers is shown beside an officer as "other units"."""
    top: int = 10
    calendar: WorkCalendar | None = None
    activities: Limit | None = None
    paths: Limit | None = None
    """`--activities` / `--paths` (N, P% or all) of the process and difference maps; None:
    the defaults, fitted to the report's column."""
    procedure_column: str | None = None
    """`--procedure`: the column naming each case's procedure (the on-time rate per one)."""

    def words(self) -> Words:
        """The report's words: its language, and the calendar's working day when given."""
        return Words(
            "vi" if self.lang == "vi" else "en",
            workday_s=None if self.calendar is None else self.calendar.workday_seconds,
        )


@dataclass(frozen=True)
class Context:
    """Everything a section builder may read: the words, the privacy rules and the results.

    `data` is the main log's measurements; `results` holds the optional analyses' results
    (the comparison, drift, …), each present only when computed.
    """

    words: Words
    options: ReportOptions
    data: ReportData
    officer: Callable[[str | None], str]
    results: OptionalResults = field(default_factory=OptionalResults)
    unit: Callable[[str | None], str] = lambda name: "" if name is None else name
    """Names a unit shown beside an officer (small units merged when anonymized)."""


SectionBuilder = Callable[[Context], Section | None]
