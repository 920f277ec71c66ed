"""Just enough HTTP/1.1 for the listener: connections, requests, pages."""

from __future__ import annotations

import dataclasses
import functools
import html
import logging
import re
import socket
import string
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from zelt_desktop import resources

log = logging.getLogger(__name__)

# A redirect is one short GET; a browser's headers fit in a few KiB.
MAX_HEAD = 16 * 1024
MAX_HEADERS = 100
_CHUNK = 4096
# After an error reply, read what the client still sends for at most this
# long in all, so that closing does not reset the connection before the
# reply is read.
_LINGER = 0.5
_LINGER_BYTES = 64 * 1024

_METHOD = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$")
_VERSION = re.compile(rb"^HTTP/1\.[01]$")
_TARGET = re.compile(rb"^[\x21-\x7e]+$")
_FIELD = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+:")

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout",
           414: "URI Too Long", 431: "Request Header Fields Too Large"}
_FALLBACK_PAGE = "<p>$message</p>"
_FALLBACK_FRAME = ("<!doctype html><meta charset=utf-8><title>$title"
                   "</title>$content")
# How long a new connection waits for a thread to end at the limit.
_ROOM_WAIT = 5.0

# How far a connection has come.  Only ANSWERING ones are never closed
# to make room for a new connection.
IDLE, READING, ANSWERING, LINGERING = range(4)


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


@dataclasses.dataclass(eq=False)
class Connection:
    """An accepted connection and how far its request has come."""

    sock: socket.socket
    phase: int = IDLE
    evicted: bool = False


class Connections:
    """Open connections, each served by ``serve(conn)`` in a thread.

    At ``cap`` open connections, a new one takes the place of the oldest
    idle one, else of the oldest one not being answered (slow, or
    lingering after its reply): idle or slow clients never lock the real
    redirect out (issue 5).  The threads of connections closed that way
    end at once; with them, at most ``2 * cap`` threads exist.
    """

    def __init__(self, cap: int,
                 serve: Callable[[Connection], None]) -> None:
        self.cap = cap
        self.max_threads = 2 * cap
        self._serve = serve
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)
        self._open: list[Connection] = []  # oldest first
        self._threads: set[threading.Thread] = set()
        self._closed = False

    def admit(self, sock: socket.socket) -> bool:
        """Serve ``sock``; False when refused: the caller closes it."""
        conn = Connection(sock)
        with self._lock:
            worker = self._thread_for(conn)
        if worker is None:
            return False
        try:
            worker.start()
        except RuntimeError:  # the system has no thread to give
            log.debug("no thread for a connection", exc_info=True)
            self._forget(conn, worker)
            return False
        return True

    def enter(self, conn: Connection, phase: int) -> bool:
        """Move ``conn`` on to ``phase``; False once it was closed."""
        with self._lock:
            if conn.evicted:
                return False
            conn.phase = phase
            return True

    def close(self) -> None:
        """Shut every connection down; their threads end and close them."""
        with self._lock:
            self._closed = True
            for conn in self._open:
                _shutdown(conn.sock)
            self._room.notify_all()

    def threads(self) -> list[threading.Thread]:
        with self._lock:
            return list(self._threads)

    def _thread_for(self, conn: Connection) -> threading.Thread | None:
        if len(self._open) >= self.cap:
            self._make_room()
        self._room.wait_for(lambda: self._closed
                            or len(self._threads) < self.max_threads,
                            _ROOM_WAIT)
        if self._closed or len(self._threads) >= self.max_threads:
            return None
        worker = threading.Thread(
            target=self._run, args=(conn,),
            name="zelt-listener-connection", daemon=True)
        self._open.append(conn)
        self._threads.add(worker)
        return worker

    def _make_room(self) -> None:
        candidates = [c for c in self._open if c.phase != ANSWERING]
        if not candidates:
            return  # all are being answered, which ends soon
        idle = [c for c in candidates if c.phase == IDLE]
        victim = (idle or candidates)[0]
        victim.evicted = True
        self._open.remove(victim)
        _shutdown(victim.sock)  # wakes its thread, which closes it
        log.debug("closed an %s connection to make room",
                  "idle" if victim.phase == IDLE else "unfinished")

    def _run(self, conn: Connection) -> None:
        try:
            self._serve(conn)
        except Exception:  # one connection must never end the listener
            log.debug("a connection failed", exc_info=True)
        finally:
            self._forget(conn, threading.current_thread())
            conn.sock.close()

    def _forget(self, conn: Connection, worker: threading.Thread) -> None:
        with self._lock:
            if conn in self._open:
                self._open.remove(conn)
            self._threads.discard(worker)
            self._room.notify_all()


def read_request(conn: socket.socket, deadline: float, *,
                 idle_deadline: float | None = None,
                 on_first_byte: Callable[[], None] | None = None,
                 ) -> Request | None:
    """Read one request head; None when the peer closed without a byte.

    Raises BadRequest for a malformed or oversized head and TimeoutError
    when the whole head did not arrive before ``deadline``, or no byte
    of it before ``idle_deadline`` (both monotonic).  ``on_first_byte``
    is called once, when the first bytes arrive.
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
        limit = deadline
        if not buffer and idle_deadline is not None:
            limit = min(deadline, idle_deadline)
        remaining = limit - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("request head incomplete")
        conn.settimeout(remaining)
        chunk = conn.recv(_CHUNK)
        if not chunk:
            if not head:
                return None
            raise BadRequest(400)
        if not buffer and on_first_byte is not None:
            on_first_byte()
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
    """Send a complete HTML reply in one write; the caller closes.

    After an error reply, call linger() before closing.
    """
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


def linger(conn: socket.socket) -> None:
    """Half-close and drain briefly, so that the client reads the reply.

    Closing with unread input makes the kernel reset the connection, and
    the reset can overtake the reply on its way.  The drain ends after
    _LINGER seconds in all, however slowly the client keeps sending.
    """
    deadline = time.monotonic() + _LINGER
    try:
        conn.shutdown(socket.SHUT_WR)
        drained = 0
        while drained < _LINGER_BYTES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            conn.settimeout(remaining)
            chunk = conn.recv(_CHUNK)
            if not chunk:
                break
            drained += len(chunk)
    except OSError:
        pass


# The browser tab's title for each page in resources/pages.
_TITLES = {"success": "Signed in", "denied": "Access declined",
           "error": "Sign-in problem", "not_found": "Not found"}


def page(name: str, message: str = "") -> str:
    """A page from resources/pages in the shared frame, with ``$message``
    filled in, escaped."""
    content = string.Template(_template(name)).safe_substitute(
        message=html.escape(message))
    return string.Template(_template("frame")).safe_substitute(
        title=_TITLES.get(name, "Zelt Desktop"), content=content)


@functools.lru_cache(maxsize=None)
def _template(name: str) -> str:
    try:
        return resources.read_text("pages", name + ".html")
    except OSError:
        # A broken install must not leave the browser without an answer.
        log.warning("page %s.html is missing from this install", name)
        return _FALLBACK_FRAME if name == "frame" else _FALLBACK_PAGE


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
