"""Which column of a log holds the case, the activity, the times, the resource and the unit."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace

from .errors import ColumnError, MissingColumnError

# Candidate names per role, best first. Names are compared after `canonical_name`: lower case,
# diacritics removed, spaces / hyphens / dots turned into underscores.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "case": (
        "case:concept:name",
        "case_id",
        "caseid",
        "case",
        "case_concept_name",
        "trace_id",
        "dossier_id",
        "ticket_id",
        "application_id",
        "ma_ho_so",
        "so_ho_so",
        "ma_hs",
        "so_bien_nhan",
        "ho_so",
    ),
    "activity": (
        "concept:name",
        "activity",
        "activity_name",
        "activity_id",
        "event_name",
        "step",
        "task",
        "event",
        "action",
        "buoc",
        "ten_buoc",
        "buoc_xu_ly",
        "buoc_thuc_hien",
        "cong_viec",
        "ten_cong_viec",
        "hoat_dong",
        "ten_hoat_dong",
        "thao_tac",
        "cong_doan",
    ),
    "timestamp": (
        "time:timestamp",
        "timestamp",
        "end_timestamp",
        "complete_timestamp",
        "end_time",
        "endtime",
        "completetime",
        "complete_time",
        "end_date",
        "time",
        "datetime",
        "thoi_diem_ket_thuc",
        "thoi_gian_ket_thuc",
        "ngay_gio_ket_thuc",
        "ngay_ket_thuc",
        "thoi_diem_hoan_thanh",
        "thoi_gian_hoan_thanh",
        "ngay_hoan_thanh",
        "ngay_gio",
        "thoi_diem",
        "thoi_gian",
        "ngay_xu_ly",
        "end",
        "complete",
        "ngay_tiep_nhan",
    ),
    "start": (
        "start_timestamp",
        "start_time",
        "starttime",
        "start_date",
        "thoi_diem_bat_dau",
        "thoi_gian_bat_dau",
        "ngay_gio_bat_dau",
        "ngay_bat_dau",
        "start",
        "begin",
    ),
    "resource": (
        "org:resource",
        "resource",
        "user",
        "officer",
        "performer",
        "employee",
        "agent",
        "can_bo",
        "nguoi_xu_ly",
        "can_bo_xu_ly",
        "nguoi_thuc_hien",
        "chuyen_vien",
    ),
    "group": (
        "org:group",
        "org:role",
        "group",
        "role",
        "unit",
        "department",
        "team",
        "don_vi",
        "don_vi_xu_ly",
        "phong_ban",
        "bo_phan",
        "co_quan",
    ),
    "lifecycle": ("lifecycle:transition", "lifecycle", "transition", "event_type"),
}

REQUIRED = ("case", "activity", "timestamp")
ROLE_HELP = {
    "case": "--case",
    "activity": "--activity",
    "timestamp": "--timestamp",
    "start": "--start-timestamp",
    "resource": "--resource",
    "group": "--group",
    "lifecycle": "--lifecycle",
}


def canonical_name(name: str) -> str:
    """A column name folded for matching: lower case, no diacritics, `_` for separators."""
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).strip().lower()
    for sep in (" ", "-", "."):
        text = text.replace(sep, "_")
    return text


@dataclass(frozen=True)
class LogColumns:
    """The mapping from log roles to column names; `None` means the log has no such column.

    `timestamp` is the time an activity instance ended (XES `time:timestamp`); `start` the time
    it started, when the log records it in a separate column; `lifecycle` holds XES
    `lifecycle:transition` values (`start` / `complete`) when starts and ends are separate events.
    An empty string means "the log has none; do not detect one".
    """

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    start: str | None = None
    resource: str | None = None
    group: str | None = None
    lifecycle: str | None = None

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, object], *, source: str | None = None
    ) -> LogColumns:
        """Build a mapping from a dict such as a `[columns]` TOML table; unknown keys are errors."""
        known = {f.name for f in fields(cls)}
        aliases = {"start_timestamp": "start", "end": "timestamp", "end_timestamp": "timestamp"}
        values: dict[str, str] = {}
        for key, value in mapping.items():
            role = aliases.get(key, key)
            if role not in known:
                raise ColumnError(
                    f"unknown key '{key}' in the column mapping",
                    fix=f"use only {', '.join(sorted(known))}",
                    source=source,
                )
            if not isinstance(value, str):
                raise ColumnError(
                    f"the value of '{key}' must be a column name in quotes (\"\" for none)",
                    fix=f'write e.g. {key} = "my_column"',
                    source=source,
                )
            values[role] = value
        return cls(**values)

    def merged(self, override: LogColumns) -> LogColumns:
        """This mapping with every role that `override` sets replaced by the override's value."""
        changes = {f.name: getattr(override, f.name) for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def items(self) -> list[tuple[str, str]]:
        """The (role, column) pairs that are set, in declaration order."""
        return [(f.name, v) for f in fields(self) if (v := getattr(self, f.name)) is not None]


def _suggest(wanted: str, available: Sequence[str]) -> str:
    close = difflib.get_close_matches(wanted, list(available), n=1, cutoff=0.5)
    folded = {canonical_name(c): c for c in available}
    close_folded = difflib.get_close_matches(canonical_name(wanted), list(folded), n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    if close_folded:
        return f"did you mean '{folded[close_folded[0]]}'?"
    return "check the spelling"


def _listing(available: Sequence[str]) -> str:
    shown = ", ".join(available[:25])
    return shown + (f", … ({len(available)} in all)" if len(available) > 25 else "")


# Words of English and Vietnamese time column names (after `canonical_name`, split on `_`):
# `started_at`, `Start Date`, `Ngày bắt đầu` start a step; `finished_at`, `completed_time`,
# `Thời điểm hoàn thành` end one. Used when no candidate name above matches exactly.
TIME_WORDS = frozenset(
    {"at", "time", "date", "timestamp", "ts", "datetime", "thoi", "gian", "diem", "ngay", "gio"}
)
START_WORDS = (("start",), ("started",), ("begin",), ("began",), ("bat", "dau"))
END_WORDS = (
    ("end",),
    ("ended",),
    ("finish",),
    ("finished",),
    ("complete",),
    ("completed",),
    ("completion",),
    ("done",),
    ("closed",),
    ("ket", "thuc"),
    ("hoan", "thanh"),
)
TIME_ROLES = ("timestamp", "start")


def _has_words(tokens: list[str], words: tuple[str, ...]) -> bool:
    n = len(words)
    return any(tuple(tokens[i : i + n]) == words for i in range(len(tokens) - n + 1))


def time_role_of_name(name: str) -> str | None:
    """ "start" or "timestamp" when a column's name says it holds a step's start or end time
    (`started_at`, `finished_at`, `Thời điểm bắt đầu`), else None."""
    tokens = canonical_name(name).split("_")
    if not TIME_WORDS.intersection(tokens) and len(tokens) > 1:
        return None
    if any(_has_words(tokens, w) for w in START_WORDS):
        return "start"
    if any(_has_words(tokens, w) for w in END_WORDS):
        return "timestamp"
    return None


def time_candidates(available: Sequence[str]) -> list[str]:
    """Every column whose name could make it the end or start time (to read before choosing)."""
    names = {canonical_name(n) for role in TIME_ROLES for n in CANDIDATES[role]}
    return [c for c in available if canonical_name(c) in names or time_role_of_name(c)]


@dataclass(frozen=True)
class Detection:
    """The resolved columns, and the columns named like start times that are not used (their
    values are not times): a warning names them (`QualityWarning` `start_not_times`)."""

    columns: LogColumns
    unused_start: tuple[str, ...] = ()


def resolve_columns(
    available: Sequence[str],
    given: LogColumns,
    *,
    source: str | None = None,
    holds_times: Callable[[str], bool] | None = None,
) -> LogColumns:
    """Complete `given` by detecting the unset roles among `available` column names.

    Explicitly given columns must exist (else `MissingColumnError` with the nearest name);
    case, activity and timestamp must be found. A column is used for one role only. With
    `holds_times`, a column is detected as a time only when it holds times in most rows.
    """
    return detect_columns(available, given, source=source, holds_times=holds_times).columns


def detect_columns(
    available: Sequence[str],
    given: LogColumns,
    *,
    source: str | None = None,
    holds_times: Callable[[str], bool] | None = None,
) -> Detection:
    """`resolve_columns` with its notes: a start column that looks present (by name) but is
    not used, because its values are not times, is named in a note, never passed over silently."""
    available = list(available)
    for role, column in given.items():
        if column and column not in available:
            raise MissingColumnError(
                f"column '{column}' given for {ROLE_HELP[role]} is not in the log "
                f"(columns found: {_listing(available)})",
                fix=_suggest(column, available),
                source=source,
            )
    is_time = holds_times or (lambda _column: True)
    used = {column for _, column in given.items()}
    folded: dict[str, str] = {}
    for column in available:
        folded.setdefault(canonical_name(column), column)
    detected: dict[str, str] = {}
    rejected: dict[str, list[str]] = {role: [] for role in TIME_ROLES}

    def fits(role: str, column: str) -> bool:
        if role not in TIME_ROLES:
            return True
        if column in rejected[role]:
            return False
        if is_time(column):
            return True
        rejected[role].append(column)
        return False

    for role, names in CANDIDATES.items():
        if getattr(given, role) is not None:
            continue
        found_names = [folded.get(canonical_name(name)) for name in names]
        if role in TIME_ROLES:  # then `started_at`, `Ngày giờ kết thúc hồ sơ`, in file order
            found_names += [c for c in available if time_role_of_name(c) == role]
        for found in found_names:
            if found is not None and found not in used and fits(role, found):
                detected[role] = found
                used.add(found)
                break
    if given.timestamp is None and "timestamp" not in detected and rejected["timestamp"]:
        # no candidate holds times: take the first one, so that reading it says what is wrong
        detected["timestamp"] = rejected["timestamp"][0]
        used.add(detected["timestamp"])
    result = replace(given, **detected)
    result = replace(result, **{role: None for role, column in result.items() if column == ""})
    for role in REQUIRED:
        if getattr(result, role) is None:
            unmapped = [c for c in available if c not in used]
            if role in TIME_ROLES:  # never offer a column of names as the time
                unmapped = [c for c in unmapped if c not in rejected[role] and is_time(c)]
            example = f", e.g. {ROLE_HELP[role]} '{unmapped[0]}'" if unmapped else ""
            raise MissingColumnError(
                f"no {role} column found (columns found: {_listing(available)})",
                fix=f"name it with {ROLE_HELP[role]} COLUMN{example}, or in a --columns file",
                source=source,
            )
    unused: tuple[str, ...] = ()
    if result.start is None and given.start is None:
        unused = tuple(rejected["start"])
    return Detection(result, unused)
