"""The loopback listener that catches the redirect (RFC 8252 §7.3)."""

from __future__ import annotations

import logging
import selectors
import socket
import threading
import time
from urllib.parse import urlsplit

from zelt_desktop.errors import (ConsentCancelled, ConsentTimedOut,
                                 IssuerMismatch, StateMismatch, ZeltError)
from zelt_desktop.oauth import wire
from zelt_desktop.oauth.binding import bind_loopback
from zelt_desktop.oauth.redirect import Redirect, accept, parse_query

log = logging.getLogger(__name__)

# Browsers open a handful of connections at once.  Past this many, a new
# connection takes the place of the oldest one that has not sent a whole
# request (wire.Connections), so that idle or slow ones never lock the
# real redirect out (issue 5).
MAX_CONNECTIONS = 32
# A connection that sends nothing for this long is closed; a browser
# sends its request at once, and a connection that is sending gets the
# whole read timeout.
IDLE_TIMEOUT = 2.0
# How long close() waits in all for the threads it has woken.
CLOSE_WAIT = 0.5
# Pause after a failed accept() (out of file handles), not to spin.
_ACCEPT_BACKOFF = 0.1

RETURN = "You can return to Zelt Desktop."
STALE = ("This page is from an earlier sign-in attempt. Use the newest "
         "tab, or start again in Zelt Desktop.")


class LoopbackListener:
    """Serves the redirect on loopback until a matching redirect arrives.

    Each connection is served in a thread of its own with a read timeout;
    a request that is not the redirect gets 404 and the wait goes on.
    ``on_redirect(redirect)`` is called from a listener thread.
    """

    def __init__(self, listen_uri: str, *, expected_state: str | None,
                 started_in_zelt: bool = False, issuer: str | None = None,
                 read_timeout: float = 10.0,
                 idle_timeout: float = IDLE_TIMEOUT,
                 on_redirect=None) -> None:
        self.listen_uri = listen_uri
        try:
            self.path = urlsplit(listen_uri).path or "/"
        except ValueError:
            self.path = "/"  # start() refuses the address in plain words
        self.addresses: list[tuple[str, int]] = []
        self._expected_state = expected_state
        self._started_in_zelt = started_in_zelt
        self._issuer = issuer or None
        self._read_timeout = read_timeout
        self._idle_timeout = min(idle_timeout, read_timeout)
        self._on_redirect = on_redirect
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._outcome: Redirect | ZeltError | None = None
        self._claimed = False
        self._stopping = False
        self._sockets: list[socket.socket] = []
        self._connections = wire.Connections(MAX_CONNECTIONS,
                                             self._serve_connection)
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None

    def __enter__(self) -> LoopbackListener:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Bind now (PortInUse if taken) and serve in the background."""
        if self._thread is not None or self._stopping:
            raise RuntimeError("a listener starts once")
        sockets = bind_loopback(self.listen_uri)
        try:
            self._wake = socket.socketpair()
            thread = threading.Thread(
                target=self._serve, name="zelt-listener", daemon=True)
            with self._lock:
                cancelled = self._stopping
                if not cancelled:
                    self._sockets, self._thread = sockets, thread
            if cancelled:
                raise ConsentCancelled("The sign-in was cancelled.")
            self.addresses = [s.getsockname()[:2] for s in sockets]
            thread.start()
        except BaseException:
            for sock in (*sockets, *(self._wake or ())):
                sock.close()
            raise
        log.info("listening for the redirect on %s",
                 ", ".join(f"{h} port {p}" for h, p in self.addresses))

    def wait(self, timeout: float | None = None) -> Redirect:
        """The first redirect that passes the checks.

        Raises ConsentCancelled after cancel() or close(), ConsentTimedOut
        after ``timeout`` seconds, IssuerMismatch for a foreign issuer.
        """
        if self._thread is None:
            raise RuntimeError("start() the listener before waiting")
        with self._done:
            arrived = self._done.wait_for(
                lambda: self._outcome is not None, timeout)
            outcome = self._outcome
        if not arrived:
            raise ConsentTimedOut("No answer came from the browser in "
                                  "time. Connect to Zelt again.")
        if isinstance(outcome, Redirect):
            return outcome
        raise outcome

    def cancel(self) -> None:
        """End the wait from any thread, without blocking it.

        The listening sockets are closed before this returns, so the port
        is free at once; open connections are shut down, and their
        threads end and close them in the background.
        """
        self._publish(ConsentCancelled("The sign-in was cancelled."))
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            # Under the lock: the accept thread never uses a closed one.
            for sock in self._sockets:
                sock.close()
        self._connections.close()
        if self._wake is not None:
            try:
                self._wake[1].send(b"\0")
            except OSError:
                pass
            self._wake[1].close()

    def close(self) -> None:
        """cancel(), then wait at most CLOSE_WAIT for the threads to end."""
        self.cancel()
        deadline = time.monotonic() + CLOSE_WAIT
        threads = [self._thread, *self._connections.threads()]
        current = threading.current_thread()
        for thread in threads:
            if thread is not None and thread is not current:
                thread.join(max(0.0, deadline - time.monotonic()))

    # -- accepting -------------------------------------------------------

    def _serve(self) -> None:
        wake = self._wake[0]
        try:
            with selectors.DefaultSelector() as selector:
                for sock in (*self._sockets, wake):
                    selector.register(sock, selectors.EVENT_READ)
                while not self._stopping:
                    for key, _ in selector.select():
                        if key.fileobj is wake:
                            return
                        self._accept(key.fileobj)
        except Exception:  # a listener that dies must not hang wait()
            if not self._stopping:  # else: a socket cancel() closed
                log.exception("the loopback listener stopped")
                self._publish(ZeltError("The redirect listener stopped; "
                                        "connect again."))
        finally:
            with self._lock:
                for sock in self._sockets:
                    sock.close()
            wake.close()

    def _accept(self, server: socket.socket) -> None:
        with self._lock:
            if self._stopping:
                return
            try:
                sock, _ = server.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                failure = e
            else:
                failure = None
        if failure is not None:
            log.warning("could not accept a connection: %s",
                        failure.strerror)
            time.sleep(_ACCEPT_BACKOFF)
            return
        if not self._connections.admit(sock):
            log.debug("dropped a connection (too many, or stopping)")
            sock.close()

    # -- serving ---------------------------------------------------------

    def _serve_connection(self, conn: wire.Connection) -> None:
        started = time.monotonic()
        connections = self._connections
        try:
            request = wire.read_request(
                conn.sock, started + self._read_timeout,
                idle_deadline=started + self._idle_timeout,
                on_first_byte=lambda: connections.enter(conn, wire.READING))
        except TimeoutError:
            log.debug("closed a connection that sent %s in time",
                      "no request" if conn.phase == wire.IDLE
                      else "no full request")
            return
        except wire.BadRequest as e:
            # A request cut short to make room has nobody to answer.
            if connections.enter(conn, wire.ANSWERING):
                log.debug("refused a malformed request: HTTP %d",
                          e.status)
                self._reply(conn, e.status,
                            wire.page("error", "Bad request."))
            return
        if request is None:
            return
        # A whole request came: it is served even if its connection was
        # closed to make room meanwhile (a redirect still counts).
        connections.enter(conn, wire.ANSWERING)
        self._serve_request(conn, request)

    def _serve_request(self, conn: wire.Connection,
                       request: wire.Request) -> None:
        params = parse_query(request.query)
        if request.path != self.path or not (params.get("code")
                                             or params.get("error")):
            log.debug("404 for %s to a path of %d chars", request.method,
                      len(request.path))
            self._reply(conn, 404, wire.page("not_found", RETURN),
                        head_only=request.method == "HEAD")
            return
        if request.method != "GET":
            self._reply(conn, 405, wire.page("error", "Use GET."))
            return
        self._redirect(conn, params)

    def _reply(self, conn: wire.Connection, status: int, body: str, *,
               head_only: bool = False) -> None:
        wire.reply(conn.sock, status, body, head_only=head_only)
        if status >= 400 and self._connections.enter(conn, wire.LINGERING):
            wire.linger(conn.sock)

    def _redirect(self, conn: wire.Connection, params: dict) -> None:
        try:
            redirect = accept(params, expected_state=self._expected_state,
                              issuer=self._issuer,
                              started_in_zelt=self._started_in_zelt)
        except StateMismatch:
            # The code is not logged: only that one came.
            log.warning("ignored a redirect with %s and a state this "
                        "attempt did not send (an older tab?)",
                        "a code" if params.get("code") else "an error")
            self._reply(conn, 400, wire.page("error", STALE))
            return
        except IssuerMismatch as e:
            log.warning("a redirect named another issuer; sign-in ended")
            try:
                self._reply(conn, 400, wire.page("error", str(e)))
            finally:
                self._publish(e)
            return

        with self._lock:
            first = not self._claimed and self._outcome is None
            self._claimed = True
        try:
            # Reply before publishing: once wait() returns, the caller may
            # close the listener, which must not cut this page off.
            wire.reply(conn.sock, 200, _result_page(redirect))
        finally:
            if first:
                self._deliver(redirect)
            else:
                log.debug("ignored a repeated redirect")

    def _deliver(self, redirect: Redirect) -> None:
        log.info("redirect received with %s (state %s)",
                 "a code" if redirect.code else f"error {redirect.error}",
                 "checked" if redirect.state_checked else "not checked")
        if self._publish(redirect) and self._on_redirect is not None:
            try:
                self._on_redirect(redirect)
            except Exception:
                log.exception("the redirect callback failed")

    def _publish(self, outcome: Redirect | ZeltError) -> bool:
        with self._done:
            if self._outcome is not None:
                return False
            self._outcome = outcome
            self._done.notify_all()
            return True


def _result_page(redirect: Redirect) -> str:
    if redirect.code is not None:
        return wire.page("success", RETURN)
    if redirect.error == "access_denied":
        return wire.page("denied", RETURN)
    return wire.page("error", f"Zelt answered: {redirect.error[:100]}.")
