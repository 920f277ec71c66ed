"""The sandbox server: registered apps, a company, a clock, and HTTP."""

from __future__ import annotations

import dataclasses
import http.server
import logging
import os
import socket
import socketserver
import sys
import threading
import time
from typing import Callable

from zelt_desktop.sandbox.api import Directory
from zelt_desktop.sandbox.authorize import code_flow_path
from zelt_desktop.sandbox.company import generate_company
from zelt_desktop.sandbox.faults import Faults
from zelt_desktop.sandbox.grants import Grants
from zelt_desktop.sandbox.handler import SandboxHandler
from zelt_desktop.sandbox.options import SandboxOptions

log = logging.getLogger(__name__)

DEMO_CLIENT_ID = "zelt-desktop-demo"
DEMO_CLIENT_SECRET = "demo-secret-not-a-real-one"
DEFAULT_SCOPES = ("user:read:all",)


@dataclasses.dataclass(frozen=True)
class RegisteredApp:
    """An app as an admin creates it in Zelt's Developer Hub."""

    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of clients must queue, not fail
    # On Windows SO_REUSEADDR would let another program share the port.
    allow_reuse_address = os.name != "nt"

    def __init__(self, sandbox: SandboxServer, address: tuple) -> None:
        self.sandbox = sandbox
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SandboxHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (getfqdn), which
        # can wait on DNS; the address is all the sandbox needs.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        # socketserver prints to stderr, which a windowed bundle lacks.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.debug("connection ended early: %r", error)
        else:
            log.error("sandbox request failed", exc_info=True)


class SandboxServer:
    """A local stand-in for Zelt, strict where Zelt is (zelt-api.md).

    Use it as a context manager, or call start() and stop().  Tests read
    ``token_requests`` and ``authorization_headers`` to see what a client
    sent, and move the sandbox clock with advance_clock().
    """

    def __init__(self, options: SandboxOptions | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options or SandboxOptions()
        self._clock = clock
        self._offset = 0.0
        self._wall_offset = time.time() - clock()
        self.employees = generate_company(self.options.employees,
                                          self.options.seed)
        self.directory = Directory(self.employees)
        self.grants = Grants(
            self.now, self.wall_time,
            code_lifetime=self.options.code_lifetime,
            access_token_lifetime=self.options.access_token_lifetime)
        self.faults = Faults(self.options)
        self.token_requests: list[dict] = []
        self.authorization_headers: list[str] = []
        self.base_url = ""
        self._apps: dict[str, RegisteredApp] = {}
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        """Bind to the options' host and port and serve in a thread."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(self, (self.options.host,
                                         self.options.port))
        host, port = self._httpd.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"
        self.grants.issuer = self.base_url
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
            name="zelt-sandbox", daemon=True)
        self._thread.start()
        log.info("sandbox listening on %s with %d employees", self.base_url,
                 len(self.employees))
        return self

    def stop(self) -> None:
        """Stop serving and close every socket; safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        self._thread.join()
        # Kept-alive connections would otherwise idle until their timeout.
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        log.info("sandbox stopped")

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def register_app(self, client_id: str, client_secret: str,
                     redirect_uri: str,
                     scopes: tuple[str, ...] = DEFAULT_SCOPES
                     ) -> RegisteredApp:
        """Create (or replace) an app, as an admin does in Zelt."""
        if self.options.no_scopes:
            scopes = ()
        app = RegisteredApp(client_id, client_secret, redirect_uri,
                            tuple(scopes))
        with self._lock:
            self._apps[client_id] = app
        log.debug("app %s registered with %d scopes", client_id,
                  len(app.scopes))
        return app

    def register_demo_app(self, redirect_uri: str) -> RegisteredApp:
        return self.register_app(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
                                 redirect_uri)

    def app(self, client_id: str) -> RegisteredApp | None:
        with self._lock:
            return self._apps.get(client_id)

    def code_flow_url(self, client_id: str) -> str:
        """The Developer Hub's "Code flow" address for that app."""
        return self.base_url + code_flow_path(client_id)

    def now(self) -> float:
        """The sandbox clock, in seconds: codes and tokens expire by it."""
        return self._clock() + self._offset

    def wall_time(self, sandbox_time: float) -> float:
        """Epoch seconds of a sandbox clock reading (for JWT claims)."""
        return sandbox_time + self._wall_offset

    def advance_clock(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def record_token_request(self, form: dict[str, str],
                             authorization: str | None) -> None:
        with self._lock:
            self.token_requests.append(dict(form))
            if authorization is not None:
                self.authorization_headers.append(authorization)

    def connection_opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def connection_closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)
