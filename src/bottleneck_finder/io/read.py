"""Path -> raw table: CSV (sniffed), XES, Parquet, and column-mapping TOML files.

The only module that opens input files. Files are opened read-only and never modified.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import tomllib
import warnings
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.parsers.expat import ExpatError

import numpy as np
import pandas as pd

from ..columns import LogColumns
from ..errors import ColumnError, EmptyLogError, InputFileError
from ..model import RowPlace
from .spreadsheet import is_spreadsheet, read_sheet
from .xes import UnsafeXmlError, XesStructureError, parse_xes_traces

Format = Literal["csv", "xes", "parquet", "spreadsheet", "dataframe"]
ColumnSelector = Callable[[Sequence[str]], Sequence[str]]
SAMPLE_BYTES = 256 * 1024
REPETITION_SAMPLE = 65_536  # rows of a Parquet file looked at to choose dictionary columns


@dataclass(frozen=True)
class RawLog:
    """A log as read from its source, before any interpretation of its values.

    CSV values are all text; XES, Parquet and spreadsheet values keep their types. `table` is
    owned by the RawLog (never the caller's DataFrame). A spreadsheet's `sheet` is the name of
    the sheet read and `rows` the sheet row number of each row of `table`. `trace` (XES only)
    is each row's trace number in the document, so that normalization can keep traces that
    share a case id apart.
    """

    table: pd.DataFrame
    source: str
    format: Format
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    rows: tuple[int, ...] | None = None
    trace: np.ndarray | None = field(default=None, compare=False, repr=False)

    def row_place(self, index: int) -> RowPlace:
        """Where a user finds the 0-based data row `index` in the source file."""
        if self.format == "csv":
            return RowPlace("line", index + 2)
        if self.format == "xes":
            return RowPlace("event", index + 1)
        if self.format == "spreadsheet" and self.rows is not None and index < len(self.rows):
            return RowPlace("sheet_row", self.rows[index], self.sheet or "")
        return RowPlace("row", index + 1)

    def row_label(self, index: int) -> str:
        """`row_place` in English words: `line 4`, `event #3`, `sheet 'Nhật ký' row 12`."""
        return str(self.row_place(index))


def _open_bytes(path: Path) -> io.BufferedIOBase:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")
    return path.open("rb")


def _peek(path: Path) -> bytes:
    try:
        with _open_bytes(path) as handle:
            return handle.read(SAMPLE_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"cannot read the file ({exc})",
            fix="check that it is a complete, uncorrupted copy",
            source=str(path),
        ) from exc


def detect_format(path: Path, head: bytes) -> Format:
    """The log format from the file name, confirmed or found by looking at the first bytes."""
    name = path.name.lower()
    if is_spreadsheet(path, head):
        return "spreadsheet"
    if name.endswith((".parquet", ".pq")) or head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith((".xes", ".xes.gz")) or stripped.startswith((b"<?xml", b"<log")):
        return "xes"
    if name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")):
        return "csv"
    if _looks_binary(head):
        raise InputFileError(
            "is a binary file, not an event log",
            fix="give a .csv, .xes, .xes.gz, .parquet, .xlsx, .xls or .ods export",
            source=str(path),
        )
    return "csv"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = head[:4096]
    if not sample:
        return False
    if b"\x00" in sample and not _utf16_without_bom(sample):
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _utf16_without_bom(sample: bytes) -> Literal["utf-16-le", "utf-16-be"] | None:
    even = sample[0::2]
    odd = sample[1::2]
    if len(sample) >= 8 and odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if len(sample) >= 8 and even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def sniff_encoding(head: bytes, source: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (BOM or zero-byte pattern); anything else fails."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    guess = _utf16_without_bom(head[:4096])
    if guess:
        return guess
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut by the sample's end
            line = head[: exc.start].count(b"\n") + 1
            raise InputFileError(
                f"is not UTF-8 or UTF-16 (byte 0x{head[exc.start]:02x} on line {line})",
                fix="re-save it as UTF-8, or pass --encoding (e.g. --encoding cp1258)",
                source=source,
            ) from exc
    return "utf-8"


def sniff_delimiter(text: str) -> str:
    """The field delimiter among `, ; TAB |`, from a sample of the file's text."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0]
        counts = {d: header.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


_TOKENIZE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _arrow_csv(
    path: Path, head: bytes, delimiter: str, usecols: list[str] | None
) -> pd.DataFrame | None:
    """The fast path: Arrow's multi-threaded reader, every value as text; None if it objects.

    Any file it cannot read cleanly goes through pandas' reader instead, whose errors name the
    offending line. The header is parsed from the sample already read (`head`), never with
    Arrow's streaming reader: that one crashes the process (SIGSEGV) on a long run of blank
    `\r` or `\r\n` lines, such as a header followed by 2^29 of them in a 1 MB gzip.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ends = [at for at in (head.find(b"\n"), head.find(b"\r")) if at >= 0]
    if not ends:
        return None  # the header alone is longer than the sample: pandas reads it
    first = head[: min(ends) + 1]
    if first.count(b'"') % 2:  # a quoted line break in the header: take every whole line
        first = head[: max(head.rfind(b"\n"), head.rfind(b"\r")) + 1]
    try:
        header = pacsv.read_csv(
            pa.py_buffer(first),
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
        ).schema.names
        names = usecols or header
        if len(set(header)) != len(header):
            return None  # repeated column names: let pandas rename them
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                include_columns=names,
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    frame: pd.DataFrame = table.to_pandas(self_destruct=True)
    return frame


def _pandas_csv(
    path: Path, head: bytes, delimiter: str, encoding: str, usecols: list[str] | None
) -> pd.DataFrame:
    if encoding in ("utf-8", "utf-8-sig"):
        fast = _arrow_csv(path, head, delimiter, usecols)
        if fast is not None:
            return fast
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(
            path,
            index_col=False,
            sep=delimiter,
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            usecols=usecols,
            skip_blank_lines=True,
            compression="infer",
            encoding_errors="strict",
        )


def read_csv(
    path: Path, *, encoding: str | None = None, select: ColumnSelector | None = None
) -> RawLog:
    """Read a delimited text file (optionally gzipped) with every value as text."""
    source = str(path)
    head = _peek(path)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise EmptyLogError("the file is empty", fix="export the log again", source=source)
    enc = encoding or sniff_encoding(head, source)
    try:
        text = head.decode(enc, errors="ignore" if enc.startswith("utf") else "strict")
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputFileError(
            f"cannot decode with encoding '{enc}' ({exc})",
            fix="pass the right --encoding",
            source=source,
        ) from exc
    delimiter = sniff_delimiter(text.lstrip("\ufeff"))
    header = next(csv.reader([text.lstrip("\ufeff").splitlines()[0]], delimiter=delimiter))
    usecols = list(select(header)) if select else None
    try:
        table = _pandas_csv(path, head, delimiter, enc, usecols)
    except pd.errors.ParserWarning as exc:
        raise InputFileError(
            f"some rows have more fields than the header's {len(header)} columns",
            fix=f"quote values that contain '{delimiter}' or fix those rows",
            source=source,
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise EmptyLogError(
            "the file has no rows", fix="export the log again", source=source
        ) from exc
    except pd.errors.ParserError as exc:
        match = _TOKENIZE.search(str(exc))
        if match:
            expected, line, saw = match.groups()
            raise InputFileError(
                f"line {line} has {saw} fields but the header has {expected}",
                fix=f"quote values that contain '{delimiter}' or fix that line",
                source=source,
            ) from exc
        raise InputFileError(
            f"is not a well-formed CSV file ({str(exc).strip().splitlines()[-1]})",
            fix="check for an unclosed quote or a truncated file",
            source=source,
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"is not valid {enc} text further down the file ({exc.reason})",
            fix="re-save it as UTF-8, or pass the right --encoding",
            source=source,
        ) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise _unreadable(exc, source) from exc
    table.columns = [str(c).strip() for c in table.columns]
    return RawLog(table=table, source=source, format="csv", encoding=enc, delimiter=delimiter)


def _unreadable(exc: BaseException, source: str) -> InputFileError:
    """The error for a file that stops or breaks part-way (truncated download, bad gzip)."""
    return InputFileError(
        f"cannot read the whole file ({exc})",
        fix="the file may be truncated: export or download it again",
        source=source,
    )


def _chunks(path: Path) -> Iterator[bytes]:
    with _open_bytes(path) as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def read_xes(path: Path) -> RawLog:
    """Read an XES log (plain or gzipped): one row per event, trace attributes as `case:…`."""
    source = str(path)
    try:
        table, trace = parse_xes_traces(_chunks(path))
    except UnsafeXmlError as exc:
        raise InputFileError(
            "refused: the XML declares a DTD or entities (possible entity-expansion attack)",
            fix="export the log without a DOCTYPE",
            source=source,
        ) from exc
    except XesStructureError as exc:
        raise InputFileError(str(exc), fix="give an XES event log", source=source) from exc
    except ExpatError as exc:
        where = f"line {exc.lineno}, column {exc.offset}"
        hint = (
            "the file looks truncated"
            if "no element found" in str(exc) or "unclosed" in str(exc)
            else "the XML is malformed"
        )
        raise InputFileError(
            f"{hint} ({exc.args[0].split(':')[0]} at {where})",
            fix="export or download the log again",
            source=source,
        ) from exc
    except LookupError as exc:  # expat: an encoding declaration Python does not know
        raise InputFileError(
            f"the XML declares an unknown encoding ({exc})",
            fix='save the log as UTF-8 with encoding="UTF-8" in its first line',
            source=source,
        ) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise _unreadable(exc, source) from exc
    return RawLog(table=table, source=source, format="xes", trace=trace)


def _repetitive_text_columns(parquet: Any, wanted: list[str] | None) -> list[str]:
    """Text columns whose first `REPETITION_SAMPLE` rows repeat their values (activities,
    officers, units; not case ids).

    Reading those dictionary-encoded keeps one copy of each label instead of one per row.
    Only the sample is decoded (a row group can hold a million rows).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if parquet.metadata.num_row_groups == 0 or parquet.metadata.num_rows == 0:
        return []
    schema = parquet.schema_arrow
    text = [
        name
        for name in (wanted if wanted is not None else schema.names)
        if pa.types.is_string(schema.field(name).type)
        or pa.types.is_large_string(schema.field(name).type)
    ]
    if not text:
        return []
    first = next(parquet.iter_batches(batch_size=REPETITION_SAMPLE, columns=text))
    return [
        name
        for name, column in zip(first.schema.names, first.columns, strict=True)
        if len(column) and pc.count_distinct(column).as_py() <= 0.05 * len(column)
    ]


def release_unused_memory() -> None:
    """Return to the system the memory Arrow's pool keeps for reuse once the tables it held
    are freed (after reading and normalizing a large log: about 0.6 GB at 10^7 events, which
    the numpy and engine work that follows would not reuse)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def read_parquet(path: Path, *, select: ColumnSelector | None = None) -> RawLog:
    """Read a Parquet file, loading only the selected columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        wanted = list(select(names)) if select else None
        dictionary = _repetitive_text_columns(parquet, wanted)
        arrow = pq.read_table(
            path, columns=wanted, read_dictionary=dictionary, memory_map=True
        )  # mapped read-only: the file is never written
    except (pa.ArrowException, OSError) as exc:
        raise InputFileError(
            f"is not a readable Parquet file ({exc})",
            fix="the file may be truncated: export or download it again",
            source=source,
        ) from exc
    table = arrow.to_pandas(types_mapper=None, self_destruct=True)
    return RawLog(table=table, source=source, format="parquet")


def read_spreadsheet(
    path: Path, *, sheet: str | int | None = None, select: ColumnSelector | None = None
) -> RawLog:
    """Read one sheet of an Excel or OpenDocument workbook (the first unless `sheet` names
    one, or numbers it from 1), keeping the cells' types."""
    found = read_sheet(path, sheet)
    table = found.table
    if select is not None:
        table = table[list(select(list(table.columns)))]
    return RawLog(
        table=table, source=str(path), format="spreadsheet", sheet=found.name, rows=found.rows
    )


def read_log(
    path: str | Path,
    *,
    encoding: str | None = None,
    select: ColumnSelector | None = None,
    sheet: str | int | None = None,
) -> RawLog:
    """Read any supported log file; `select` picks the columns to load from the names found;
    `sheet` chooses the sheet of a workbook (by name, or by number from 1)."""
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise InputFileError("no such file", fix="check the path", source=source)
    if path.is_dir():
        raise InputFileError("is a folder, not a log file", fix="give a file", source=source)
    if path.stat().st_size == 0:
        raise EmptyLogError(
            "the file is empty (0 bytes)", fix="export the log again", source=source
        )
    head = _peek(path)
    fmt = detect_format(path, head)
    if fmt == "parquet":
        return read_parquet(path, select=select)
    if fmt == "xes":
        return read_xes(path)
    if fmt == "spreadsheet":
        return read_spreadsheet(path, sheet=sheet, select=select)
    return read_csv(path, encoding=encoding)


def from_dataframe(frame: pd.DataFrame, source: str = "<DataFrame>") -> RawLog:
    """Wrap a caller's DataFrame as a raw log; the caller's object is copied, never changed."""
    return RawLog(table=frame.copy(deep=True), source=source, format="dataframe")


def read_columns_file(path: str | Path) -> LogColumns:
    """Read a column mapping kept in TOML: a `[columns]` table of role = "column name"."""
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ColumnError(
            "no such mapping file", fix="check the --columns path", source=source
        ) from exc
    except UnicodeDecodeError as exc:
        raise ColumnError(
            f"is not UTF-8 text (byte {exc.start + 1} cannot be decoded)",
            fix="save the mapping file as UTF-8",
            source=source,
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ColumnError(
            f"is not valid TOML ({exc})", fix='write lines like case = "ma_ho_so"', source=source
        ) from exc
    table = data.get("columns", data)
    if not isinstance(table, dict):
        raise ColumnError(
            "[columns] must be a table", fix='write [columns] then case = "…"', source=source
        )
    return LogColumns.from_mapping(table, source=source)


def read_reference_file(path: Path) -> tuple[str, bytes]:
    """The name and bytes of a reference model file (`discover --reference`)."""
    try:
        return str(path), path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            f"cannot be read ({exc.strerror or exc})",
            fix="give the path of a BPMN 2.0 file (.bpmn)",
            source=str(path),
        ) from exc
