"""The API: /apiv2/users/me and the paginated /apiv2/users."""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING

from zelt_desktop.sandbox.grants import AccessGrant
from zelt_desktop.sandbox.replies import (Reply, json_bytes, json_reply,
                                          unauthorized)

if TYPE_CHECKING:
    from zelt_desktop.sandbox.server import SandboxServer

log = logging.getLogger(__name__)

ME_PATH = "/apiv2/users/me"
USERS_PATH = "/apiv2/users"
API_PATHS = (ME_PATH, USERS_PATH)
DEFAULT_PAGE_SIZE = 100
INVALID_TOKEN = 'Bearer error="invalid_token"'  # RFC 6750 §3.1


class Directory:
    """The company as JSON, each record encoded once, on first demand."""

    def __init__(self, employees: list[dict]) -> None:
        self.employees = employees
        self._encoded: list[bytes | None] = [None] * len(employees)
        self._lock = threading.Lock()

    def page(self, page: int, size: int) -> bytes:
        """The body of one page: {"items": [...], "totalPages": N}."""
        total_pages = -(-len(self.employees) // size)
        start = (page - 1) * size
        items = b",".join(self._record(i) for i in
                          range(start, min(start + size,
                                           len(self.employees))))
        return (b'{"items":[' + items + b'],"totalPages":'
                + str(total_pages).encode() + b"}")

    def _record(self, index: int) -> bytes:
        encoded = self._encoded[index]
        if encoded is None:
            encoded = json.dumps(self.employees[index], ensure_ascii=False,
                                 separators=(",", ":")).encode("utf-8")
            with self._lock:
                self._encoded[index] = encoded
        return encoded


def bearer_grant(sandbox: SandboxServer, authorization: str | None
                 ) -> AccessGrant | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return sandbox.grants.check_access(token.strip())


def api_request(sandbox: SandboxServer, path: str, authorization: str | None,
                query: dict[str, list[str]]) -> Reply:
    grant = bearer_grant(sandbox, authorization)
    if grant is None:
        return unauthorized(INVALID_TOKEN)
    # Without scopes Zelt issues working tokens and empty results.
    scoped = bool(grant.scopes) and not sandbox.options.no_scopes
    if path == ME_PATH:
        return users_me(sandbox, scoped)
    return users_page(sandbox, scoped, query)


def users_me(sandbox: SandboxServer, scoped: bool) -> Reply:
    if not scoped or not sandbox.employees:
        return json_reply({"userId": 1})
    return json_reply(sandbox.employees[0])


def users_page(sandbox: SandboxServer, scoped: bool,
               query: dict[str, list[str]]) -> Reply:
    try:
        page = _positive(query, "page", 1)
        size = _positive(query, "pageSize", DEFAULT_PAGE_SIZE)
    except ValueError:
        return json_reply({"error": "invalid_request",
                           "message": "page and pageSize are whole numbers "
                                      "from 1"}, 400)
    if not scoped:
        return json_reply({"items": [], "totalPages": 0})
    cap = sandbox.options.page_size_cap
    if cap is not None:
        size = min(size, cap)  # silently, as servers do
    return json_bytes(sandbox.directory.page(page, size))


def _positive(query: dict[str, list[str]], name: str, default: int) -> int:
    values = query.get(name)
    if not values:
        return default
    number = int(values[-1])
    if number < 1:
        raise ValueError(name)
    return number
