"""Just enough HTTP/1.1 for the listener: read one request, send one page."""

from __future__ import annotations

import dataclasses
import functools
import html
import logging
import re
import socket
import string
import time
from urllib.parse import urlsplit

from zelt_desktop import resources

log = logging.getLogger(__name__)

# A redirect is one short GET; a browser's headers fit in a few KiB.
MAX_HEAD = 16 * 1024
MAX_HEADERS = 100
_CHUNK = 4096
# After an error reply, read what the client still sends for this long, so
# that closing does not reset the connection before the reply is read.
_LINGER = 0.5
_LINGER_BYTES = 64 * 1024

_METHOD = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$")
_VERSION = re.compile(rb"^HTTP/1\.[01]$")
_TARGET = re.compile(rb"^[\x21-\x7e]+$")
_FIELD = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+:")

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout",
           414: "URI Too Long", 431: "Request Header Fields Too Large"}
_FALLBACK_PAGE = ("<!doctype html><meta charset=utf-8><title>Zelt Desktop"
                  "</title><p>$message</p>")


class BadRequest(Exception):
    """A request the listener will not read: answered with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


@dataclasses.dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str = dataclasses.field(repr=False)


def read_request(conn: socket.socket, deadline: float) -> Request | None:
    """Read one request head; None when the peer closed without a byte.

    Raises BadRequest for a malformed or oversized head and TimeoutError
    when the whole head did not arrive before ``deadline`` (monotonic).
    """
    buffer = bytearray()
    while True:
        # RFC 9112 §2.2: empty lines before the request line are ignored.
        head = bytes(buffer).lstrip(b"\r\n")
        end = _head_end(head)
        if end >= 0 and end <= MAX_HEAD:
            return _parse(head[:end])
        if len(buffer) > MAX_HEAD:
            raise BadRequest(_too_large(head))
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("request head incomplete")
        conn.settimeout(remaining)
        chunk = conn.recv(_CHUNK)
        if not chunk:
            if not head:
                return None
            raise BadRequest(400)
        buffer += chunk


def _too_large(head: bytes) -> int:
    """414 when the request line alone is too long, else 431."""
    line_end = head.find(b"\n")
    return 414 if line_end < 0 or line_end > MAX_HEAD else 431


def _head_end(data: bytes) -> int:
    ends = [i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0]
    return min(ends) if ends else -1


def _parse(head: bytes) -> Request:
    lines = head.split(b"\n")
    if len(lines) > MAX_HEADERS + 1:
        raise BadRequest(431)
    parts = lines[0].rstrip(b"\r").split(b" ")
    if len(parts) != 3 or not _METHOD.match(parts[0]) \
            or not _TARGET.match(parts[1]) or not _VERSION.match(parts[2]):
        raise BadRequest(400)
    for line in lines[1:]:
        if not _FIELD.match(line):  # also refuses obsolete line folding
            raise BadRequest(400)
    target = parts[1].decode("ascii")
    if target.startswith(("http://", "https://")):
        try:  # absolute-form (RFC 9112 §3.2.2)
            split = urlsplit(target)
        except ValueError:
            raise BadRequest(400) from None
        path, query = split.path or "/", split.query
    else:
        path, _, query = target.partition("#")[0].partition("?")
    return Request(method=parts[0].decode("ascii"), path=path, query=query)


def reply(conn: socket.socket, status: int, body: str, *,
          head_only: bool = False) -> None:
    """Send a complete HTML reply in one write, then close the connection."""
    data = body.encode("utf-8")
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}",
            "Content-Type: text/html; charset=utf-8",
            f"Content-Length: {len(data)}",
            "Cache-Control: no-store",
            "Connection: close",
            # The address of the page holds the code: keep it in the tab.
            "Referrer-Policy: no-referrer",
            "X-Content-Type-Options: nosniff",
            "Content-Security-Policy: default-src 'none'; "
            "style-src 'unsafe-inline'"]
    message = ("\r\n".join(head) + "\r\n\r\n").encode("ascii")
    conn.sendall(message if head_only else message + data)
    if status >= 400:
        _linger(conn)


def _linger(conn: socket.socket) -> None:
    """Half-close and drain, so that the client reads the reply first.

    Closing with unread input makes the kernel reset the connection, and
    the reset can overtake the reply on its way.
    """
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(_LINGER)
        drained = 0
        while drained < _LINGER_BYTES:
            chunk = conn.recv(_CHUNK)
            if not chunk:
                break
            drained += len(chunk)
    except OSError:
        pass


def page(name: str, message: str = "") -> str:
    """A page from resources/pages, with ``$message`` filled in, escaped."""
    template = string.Template(_template(name))
    return template.safe_substitute(message=html.escape(message))


@functools.lru_cache(maxsize=None)
def _template(name: str) -> str:
    try:
        return resources.read_text("pages", name + ".html")
    except OSError:
        # A broken install must not leave the browser without an answer.
        log.warning("page %s.html is missing from this install", name)
        return _FALLBACK_PAGE
