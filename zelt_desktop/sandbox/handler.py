"""The sandbox's HTTP handler: reads a request, routes it, writes a reply."""

from __future__ import annotations

import http.server
import logging
import re
import time
import uuid
from urllib.parse import parse_qs, unquote, urlsplit

from zelt_desktop.sandbox import api, authorize, pages, token
from zelt_desktop.sandbox.replies import DROP, Reply, html_reply

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # bytes; forms here are small
IDLE_TIMEOUT = 30.0  # seconds a kept-alive connection may sit idle
# A query in a logged request line may hold a code or a state.
_QUERY = re.compile(r"\?[^\s'\"]*")


class SandboxHandler(http.server.BaseHTTPRequestHandler):
    """One connection to the sandbox; ``self.server.sandbox`` is the state."""

    protocol_version = "HTTP/1.1"
    server_version = "ZeltSandbox/1"
    # Headers and body leave in two sends; without this, Nagle's
    # algorithm and delayed ACKs add about 40 ms to each request.
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT

    def setup(self) -> None:
        super().setup()
        self.server.sandbox.connection_opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.sandbox.connection_closed(self.connection)

    def do_GET(self) -> None:
        self._answer(self._route("GET", b""))

    def do_POST(self) -> None:
        body = self._read_body()
        if isinstance(body, Reply):
            self.close_connection = True
            self._answer(body)
            return
        self._answer(self._route("POST", body))

    def version_string(self) -> str:
        return self.server_version

    def end_headers(self) -> None:
        # Every answer, errors from http.server included, carries an id.
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        super().end_headers()

    def log_request(self, code="-", size="-") -> None:
        # The request line may carry a code or a state: log the path only.
        # A request line too broken to parse has set neither.
        path = urlsplit(getattr(self, "path", "")).path
        log.debug("%s %s -> %s", self.command or "-", path or "-", code)

    def log_message(self, format: str, *args) -> None:
        # http.server writes to stderr, which a windowed bundle lacks.  A
        # malformed or idle request is the client's trouble: INFO, not more.
        log.info("%s", _QUERY.sub("?…", format % args))

    def _route(self, method: str, body: bytes) -> Reply:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query,
                                           keep_blank_values=True)
        if path in api.API_PATHS and method == "GET":
            return self._api(path, query)

        self._delay()
        if path == authorize.AUTHORIZE_PATH:
            if method == "GET":
                return authorize.show_consent(sandbox, query)
            return authorize.submit_consent(sandbox, self._form(body))
        if path == token.TOKEN_PATH and method == "POST":
            return sandbox.faults.after_token(token.token_endpoint(
                sandbox, self.headers.get("Authorization"),
                self.headers.get("Content-Type", ""), self._form(body)))
        client_id = _code_flow_client(path)
        if client_id is not None and method == "GET":
            return authorize.code_flow(sandbox, client_id)
        return html_reply(pages.error_page(
            "Not found", "The sandbox has nothing at this address."), 404)

    def _api(self, path: str, query: dict[str, list[str]]) -> Reply:
        faults = self.server.sandbox.faults
        with faults.in_flight() as blocked:
            # The delay counts as in flight, so that slow answers and
            # concurrent clients add up to a burst, as at Zelt's edge.
            self._delay()
            if blocked:
                return faults.blocked()
            fault = faults.before_api()
            if fault is not None:
                return fault
            reply = api.api_request(self.server.sandbox, path,
                                    self.headers.get("Authorization"), query)
            return faults.after_api(reply)

    def _delay(self) -> None:
        latency = self.server.sandbox.options.latency
        if latency > 0:
            time.sleep(latency)

    def _read_body(self) -> bytes | Reply:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return Reply(411)
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return Reply(400)
        if not 0 <= length <= MAX_BODY:
            return Reply(413)
        return self.rfile.read(length)

    @staticmethod
    def _form(body: bytes) -> dict[str, list[str]]:
        return parse_qs(body.decode("utf-8", "replace"),
                        keep_blank_values=True)

    def _answer(self, reply: Reply) -> None:
        if reply is DROP:
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)


def _code_flow_client(path: str) -> str | None:
    """The client id in /developer-hub/apps/<client_id>/code-flow."""
    prefix, suffix = authorize.CODE_FLOW_PREFIX, authorize.CODE_FLOW_SUFFIX
    if not (path.startswith(prefix) and path.endswith(suffix)):
        return None
    client_id = path[len(prefix):len(path) - len(suffix)]
    return unquote(client_id) if client_id and "/" not in client_id else None
