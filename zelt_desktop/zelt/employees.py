"""Employee records from Zelt, normalised, with their columns and keys."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Sequence

log = logging.getLogger(__name__)

_DIGITS = re.compile(r"(\d+)")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# The field names and their variants are those seen in the field (see the
# Zelt contract, "Employee records"): a flat field wins over its nested twin.
_JOB_TITLE = (("jobTitle",), ("jobPosition",), ("role", "jobTitle"))
_DEPARTMENT = (("department",), ("role", "department", "name"))
_SITE = (("site",), ("role", "site", "name"))


@dataclass(slots=True)
class Employee:
    """One person, with the fields the directory shows.

    ``raw`` is the record as Zelt sent it, unknown fields included, for the
    detail view.  ``manager`` is filled by ``resolve_managers``.
    """

    user_id: int | None
    name: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    department: str
    site: str
    lifecycle_status: str
    account_status: str
    start_date: date | None
    manager_id: int | None
    manager: str
    raw: dict


def normalise(record: dict) -> Employee:
    """Build an Employee from one record of ``/apiv2/users``."""
    first = _text(record.get("firstName"))
    last = _text(record.get("lastName"))
    name = _text(record.get("displayName")) or " ".join(
        part for part in (first, last) if part)
    return Employee(
        user_id=_integer(record.get("userId")),
        name=name,
        first_name=first,
        last_name=last,
        email=_text(record.get("emailAddress")),
        job_title=_first_text(record, _JOB_TITLE),
        department=_first_text(record, _DEPARTMENT),
        site=_first_text(record, _SITE),
        lifecycle_status=_text(record.get("lifecycleStatus")),
        account_status=_text(record.get("accountStatus")),
        start_date=parse_date(record.get("startDate")),
        manager_id=_integer(record.get("managerId")),
        manager="",
        raw=record,
    )


def parse_date(value: object) -> date | None:
    """A date from ``YYYY-MM-DD`` or an ISO datetime; None otherwise."""
    if not isinstance(value, str):
        return None
    match = _ISO_DAY.match(value.strip())
    if match is None:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def _text(value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        # Some variants send {"name": ...} where others send the name.
        return _text(value.get("name"))
    return ""


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _first_text(record: dict, paths: Iterable[tuple[str, ...]]) -> str:
    for path in paths:
        value: object = record
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        text = _text(value)
        if text:
            return text
    return ""


class ManagerLookup:
    """Fills ``Employee.manager`` as people arrive, page by page.

    A manager may arrive on a later page than the people who report to
    them; ``add`` returns the positions of earlier people whose manager
    text changed, so a view can repaint just those.
    """

    def __init__(self) -> None:
        self._names: dict[int, str] = {}
        self._waiting: dict[int, list[tuple[Employee, int]]] = {}
        self._count = 0

    def add(self, employees: Sequence[Employee]) -> list[int]:
        start = self._count
        self._count += len(employees)
        arrived = []
        for e in employees:
            if e.user_id is not None and e.name:
                self._names[e.user_id] = e.name
                arrived.append(e.user_id)
        for position, e in enumerate(employees, start):
            self._resolve(e, position)
        return self._release(arrived, start)

    def _resolve(self, e: Employee, position: int) -> None:
        if e.manager_id is None:
            e.manager = ""
            return
        name = self._names.get(e.manager_id)
        e.manager = name or str(e.manager_id)
        if name is None:
            self._waiting.setdefault(e.manager_id, []).append((e, position))

    def _release(self, arrived: list[int], start: int) -> list[int]:
        changed = []
        for user_id in arrived:
            for e, position in self._waiting.pop(user_id, ()):
                e.manager = self._names[user_id]
                if position < start:
                    changed.append(position)
        return sorted(changed)


def resolve_managers(employees: list[Employee]) -> None:
    """Set each ``manager`` to the manager's name, else the id as text."""
    ManagerLookup().add(employees)


# -- folding and sort keys -------------------------------------------------

class _CombiningMarks(dict):
    """A str.translate table that drops combining marks.

    Filled as characters are met: listing every mark of Unicode up front
    would cost a pass over 1.1 million code points at import.
    """

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _CombiningMarks()


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Élodie" and "elodie" match."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_MARKS)


# Departments, sites, statuses and names repeat across thousands of
# people: their keys are computed once.  Unique texts (emails) gain
# nothing from the cache, so it stays small: 65,536 entries kept about
# 10 MB alive after the emails of 100,000 people were sorted.
@functools.lru_cache(maxsize=1 << 13)
def natural_key(text: str) -> tuple:
    """Folded text with digit runs as numbers: "Item 2" before "Item 10".

    Text and numbers alternate at fixed positions (``re.split`` with a
    group), so two keys always compare.  An empty text gives ``()``, which
    ``sort_order`` puts last.
    """
    folded = fold(text.strip())
    if not folded:
        return ()
    parts = _DIGITS.split(folded)
    parts[1::2] = [int(run) for run in parts[1::2]]
    return tuple(parts)


def sort_order(keys: Sequence[tuple], descending: bool = False) -> list[int]:
    """Positions ordered by ``keys``; empty keys last in both directions.

    The sort is stable, so equal keys keep their loading order.
    """
    filled = [i for i, key in enumerate(keys) if key]
    empty = [i for i, key in enumerate(keys) if not key]
    filled.sort(key=keys.__getitem__, reverse=descending)
    return filled + empty


def ranks(keys: Sequence[tuple]) -> list[int]:
    """Each position's rank by ``keys``: 1 for the first, equal keys equal.

    Empty keys get 0, so ``sort_order`` still puts them last.  Sorting by
    ranks compares small integers instead of nested tuples: a column is
    sorted by its tuples once, then in either direction in a few ms.
    """
    result = [0] * len(keys)
    rank, previous = 0, None
    for position in sort_order(keys):
        key = keys[position]
        if not key:
            break
        if key != previous:
            rank, previous = rank + 1, key
        result[position] = rank
    return result


def _name_key(e: Employee) -> tuple:
    # Last name, then first name (issue 6); a display name alone stands in
    # for both when Zelt sent no parts.
    if not (e.name or e.last_name or e.first_name):
        return ()
    return (natural_key(e.last_name or e.name),
            natural_key(e.first_name), natural_key(e.name))


def _date_key(e: Employee) -> tuple:
    return (e.start_date.toordinal(),) if e.start_date else ()


def _id_key(e: Employee) -> tuple:
    return (e.user_id,) if e.user_id is not None else ()


def _text_key(attribute: str) -> Callable[[Employee], tuple]:
    def key(e: Employee) -> tuple:
        return natural_key(getattr(e, attribute))
    return key


def _attribute(attribute: str) -> Callable[[Employee], str]:
    def value(e: Employee) -> str:
        return getattr(e, attribute)
    return value


# -- columns ---------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of the directory, the CSV export and the command line.

    ``value`` is the text searched and exported (dates as YYYY-MM-DD);
    ``sort_key`` is ``()`` for an empty cell.
    """

    key: str
    title: str
    value: Callable[[Employee], str]
    sort_key: Callable[[Employee], tuple]


def _column(key: str, title: str, **kwargs) -> Column:
    kwargs.setdefault("value", _attribute(key))
    kwargs.setdefault("sort_key", _text_key(key))
    return Column(key, title, **kwargs)


COLUMNS: dict[str, Column] = {c.key: c for c in (
    _column("name", "Name", sort_key=_name_key),
    _column("email", "Email"),
    _column("job_title", "Job title"),
    _column("department", "Department"),
    _column("site", "Site"),
    _column("lifecycle_status", "Employment status"),
    _column("account_status", "Account status"),
    _column("start_date", "Start date", sort_key=_date_key,
            value=lambda e: e.start_date.isoformat() if e.start_date else ""),
    _column("manager", "Manager"),
    _column("user_id", "ID", sort_key=_id_key,
            value=lambda e: "" if e.user_id is None else str(e.user_id)),
)}

DEFAULT_COLUMNS = ["name", "email", "job_title", "department", "site",
                   "lifecycle_status", "start_date", "manager"]


# -- status filters --------------------------------------------------------

STATUS_FILTERS = {"current": "Current staff", "leavers": "Leavers",
                  "everyone": "Everyone"}

# The employment status decides; the account status stands in only when
# Zelt sent none (issue 6, quick filters).
_LIFECYCLE = {"current": {"employed", "hired"},
              "leavers": {"leaver", "terminated"}}
_ACCOUNT = {"current": {"active", "invited"}, "leavers": {"deactivated"}}


def matches_status(e: Employee, which: str) -> bool:
    """True when ``e`` belongs to the STATUS_FILTERS entry ``which``."""
    if which == "everyone":
        return True
    if which not in _LIFECYCLE:
        raise ValueError(f"unknown status filter {which!r}")
    if e.lifecycle_status:
        return e.lifecycle_status.casefold() in _LIFECYCLE[which]
    return e.account_status.casefold() in _ACCOUNT[which]


# -- the detail view -------------------------------------------------------

def detail_fields(raw: dict) -> list[tuple[str, str]]:
    """Every field of a record as (dotted path, text), nested ones too.

    Sorted by path, case-insensitively, so people compare side by side
    whatever order Zelt sent the fields in.
    """
    fields: list[tuple[str, str]] = []
    _flatten(raw, "", fields)
    fields.sort(key=lambda item: (item[0].casefold(), item[0]))
    return fields


def _flatten(value: object, path: str, out: list) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten(item, f"{path}.{index}" if path else str(index), out)
    elif path:
        out.append((path, _detail_text(value)))


def _detail_text(value: object) -> str:
    if value is None or value == {} or value == []:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
