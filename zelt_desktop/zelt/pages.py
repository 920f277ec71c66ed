"""Pages of Zelt's /apiv2/users list: their shapes and where they end."""

from __future__ import annotations

import dataclasses
import logging

from zelt_desktop.errors import ServiceUnavailable

log = logging.getLogger(__name__)

# Zelt's list endpoints answer {"items": [...], "totalPages": N}; others
# answer a bare array; integrators have also seen "data" and "users".
LIST_KEYS = ("items", "data", "users")


@dataclasses.dataclass(frozen=True)
class UsersPage:
    """One page of employee records, numbered from 1.

    ``total_pages`` is what the server said (None when it says nothing);
    ``total_so_far`` counts the records of this page and all before it.
    """

    number: int
    items: list[dict]
    total_pages: int | None
    total_so_far: int


def parse_page(body: object) -> tuple[list[dict], int | None]:
    """The records of one page and its ``totalPages``, if any."""
    if isinstance(body, list):
        return _records(body), None
    if not isinstance(body, dict):
        raise ServiceUnavailable(
            "Zelt sent an employee list the app cannot read.")
    for key in LIST_KEYS:
        if isinstance(body.get(key), list):
            return _records(body[key]), _total_pages(body)
    raise ServiceUnavailable(
        "Zelt sent an employee list the app cannot read (no list under "
        f"{', '.join(LIST_KEYS)}).")


def _records(items: list) -> list[dict]:
    records = [item for item in items if isinstance(item, dict)]
    if len(records) != len(items):
        log.warning("skipped %d list entries that are not records",
                    len(items) - len(records))
    return records


def _total_pages(body: dict) -> int | None:
    value = body.get("totalPages")
    # bool is an int in Python; a count of pages is not.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def ends_list(items: list[dict], previous: list[dict] | None) -> bool:
    """True when a page without ``totalPages`` marks the end of the list.

    The end is an empty page, or one that repeats the page before it (a
    server that ignores ``page``).  A short page is no end: a server may
    cap ``pageSize`` below what was asked without saying so.
    """
    if not items:
        return True
    return previous is not None and _identity(items) == _identity(previous)


def _identity(items: list[dict]) -> list:
    # userId names a person; a record without one stands for itself.
    return [item["userId"] if item.get("userId") is not None else item
            for item in items]
