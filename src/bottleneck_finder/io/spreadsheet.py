"""Excel and OpenDocument workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) -> raw table.

Read with python-calamine (Rust, read-only). One sheet is read: the first, or the one
`--sheet NAME|N` names (N counts from 1). Cell types are kept: a column whose cells are all
dates stays datetimes, a column of numbers stays numbers, any other column is text (numbers
in it written as Excel shows them: `12`, not `12.0`). The header is the first row, at the top
of the sheet's data, that fills most of the columns (title rows and blank rows above it are
skipped); fully blank rows below it are dropped, and rows are named by their row number in the
sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputFileError

SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
HEADER_SEARCH = 20  # rows looked at for the header
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx encrypted with a password
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Sheet:
    """The table of one sheet, the sheet's name and where its data rows are in the sheet."""

    table: pd.DataFrame
    name: str
    rows: tuple[int, ...]  # the 1-based sheet row number of each data row of `table`


def is_spreadsheet(path: Path, head: bytes) -> bool:
    """Whether the file is a workbook: by its name, or an OLE file (legacy .xls, or a
    password-protected .xlsx) or a zip holding a workbook part."""
    if path.name.lower().endswith(SUFFIXES) or head.startswith(OLE_MAGIC):
        return True
    if head.startswith(ZIP_MAGIC):
        return any(
            part in head
            for part in (b"xl/workbook", b"[Content_Types].xml", b"opendocument.spreadsheet")
        )
    return False


def _error(source: str, problem: str, fix: str) -> InputFileError:
    return InputFileError(problem, fix=fix, source=source)


def _choose(names: Sequence[str], sheet: str | int | None, source: str) -> int:
    """The index of the sheet asked for: a name, else a number counted from 1."""
    shown = ", ".join(repr(n) for n in names[:20])
    if sheet is None:
        return 0
    if isinstance(sheet, str) and sheet in names:
        return names.index(sheet)
    text = str(sheet).strip()
    if text.isdigit() and 1 <= int(text) <= len(names):
        return int(text) - 1
    for i, name in enumerate(names):
        if name.strip().casefold() == text.casefold():
            return i
    raise _error(
        source,
        f"has no sheet {sheet!r} ({len(names)} sheets)",
        f"give --sheet with one of: {shown}, or a number from 1 to {len(names)}",
    )


def _filled(row: Sequence[Any]) -> int:
    return sum(1 for v in row if not _blank(v))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_index(rows: Sequence[Sequence[Any]]) -> int:
    """The first row of the first `HEADER_SEARCH` with at least two filled cells, all text,
    filling at least 80% as many cells as the fullest of those rows."""
    window = rows[:HEADER_SEARCH]
    widest = max((_filled(r) for r in window), default=0)
    for i, row in enumerate(window):
        filled = _filled(row)
        texts = all(isinstance(v, str) for v in row if not _blank(v))
        if filled >= 2 and filled >= 0.8 * widest and texts:
            return i
    return next((i for i, r in enumerate(window) if _filled(r)), 0)


def _names(header: Sequence[Any]) -> list[str]:
    """Column names: blank ones as `Unnamed: i`, repeated ones as `name.1`, `name.2` (as
    pandas names them in a CSV)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, value in enumerate(header):
        name = _text(value).strip() if not _blank(value) else f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _text(value: Any) -> str:
    """A cell as text, as Excel shows it by default."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _column(values: list[Any]) -> pd.Series:
    """One column with its cells' type kept: datetimes, numbers, else text."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (dt.datetime, dt.date)) for v in present):
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[us]")
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        if all(float(v).is_integer() for v in present):
            return pd.Series(values, dtype="Int64")
        return pd.Series(values, dtype="float64")
    return pd.Series([None if v is None else _text(v) for v in values], dtype="string")


def read_sheet(path: Path, sheet: str | int | None = None) -> Sheet:
    """The table of one sheet of a workbook; every failure is one `InputFileError` (exit 3)."""
    import python_calamine as calamine

    source = str(path)
    try:
        with calamine.CalamineWorkbook.from_path(str(path)) as book:
            names = list(book.sheet_names)
            if not names:
                raise _error(source, "has no sheets", "export the log again")
            index = _choose(names, sheet, source)
            data = book.get_sheet_by_index(index)
            start = data.start
            rows: list[list[Any]] = data.to_python(skip_empty_area=True)
    except InputFileError:
        raise
    except calamine.PasswordError as exc:
        raise _error(
            source,
            "is protected by a password",
            "open it in Excel or LibreOffice and save a copy without a password",
        ) from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, OSError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _error(
            source,
            f"is not a readable Excel or OpenDocument workbook ({detail})",
            "the file may be truncated or corrupt: export or download it again",
        ) from exc
    except Exception as exc:  # calamine's own errors that its stub does not list
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _error(
                source,
                "is protected by a password",
                "open it in Excel or LibreOffice and save a copy without a password",
            ) from exc
        raise _error(
            source,
            f"is not a readable Excel or OpenDocument workbook ({type(exc).__name__}: {exc})",
            "the file may be truncated or corrupt: export or download it again",
        ) from exc
    name = names[index]
    cells = [[None if _blank(v) else v for v in row] for row in rows]
    if not any(_filled(r) for r in cells):
        others = ", ".join(repr(n) for n in names if n != name)
        raise _error(
            source,
            f"sheet {name!r} is empty",
            f"choose the sheet of the log with --sheet ({others})"
            if others
            else "export the log again",
        )
    first = (start[0] if start else 0) + 1  # the sheet row number of cells[0]
    top = _header_index(cells)
    header = cells[top]
    body = [(first + top + 1 + i, row) for i, row in enumerate(cells[top + 1 :]) if _filled(row)]
    if not body:
        raise _error(
            source,
            f"sheet {name!r} has a header (row {first + top}) and no rows under it",
            "choose the sheet of the log with --sheet, or export the log again",
        )
    width = max(len(header), *(len(r) for _, r in body))
    used = [
        j
        for j in range(width)
        if (j < len(header) and header[j] is not None)
        or any(j < len(r) and r[j] is not None for _, r in body)
    ]
    columns = _names([header[j] if j < len(header) else None for j in used])
    table = pd.DataFrame(
        {
            column: _column([row[j] if j < len(row) else None for _, row in body])
            for column, j in zip(columns, used, strict=True)
        }
    )
    return Sheet(table=table, name=name, rows=tuple(n for n, _ in body))
