"""Fixtures for the Zelt client tests: small local servers and tokens."""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import free_port, serving
from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.oauth.redirect import accept, parse_query
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot

FAKE_TOKEN = "test-access-token-not-real"
CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-secret-not-real"


class Handler(http.server.BaseHTTPRequestHandler):
    """Hands each GET or POST to the test's ``answer(handler)``."""

    protocol_version = "HTTP/1.1"
    # http.server sends headers and body apart: without this, each
    # kept-alive request waits about 40 ms for a delayed ACK.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.server.record(self)
        self.server.answer(self)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.do_GET()

    @property
    def query(self) -> dict[str, str]:
        pairs = parse_qs(urlsplit(self.path).query)
        return {name: values[-1] for name, values in pairs.items()}

    def send(self, status: int, body: bytes | str | object = b"",
             content_type: str = "application/json",
             headers: dict[str, str] | None = None) -> None:
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def drop(self) -> None:
        """Close the connection without an answer."""
        self.close_connection = True

    def log_message(self, format, *args) -> None:
        pass


class LocalServer(http.server.ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 that records what it got."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, answer: Callable[[Handler], None]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answer = answer
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, handler: Handler) -> None:
        with self._lock:
            self.requests.append((handler.command, handler.path,
                                  dict(handler.headers.items())))


@pytest.fixture
def serve():
    """``serve(answer)`` starts a LocalServer; all are stopped after."""
    with contextlib.ExitStack() as servers:
        def start(answer: Callable[[Handler], None]) -> LocalServer:
            return servers.enter_context(serving(LocalServer(answer)))

        yield start


class StaticTokens:
    """A token source holding fixed access tokens, one per refresh."""

    def __init__(self, *tokens: str) -> None:
        self._tokens = list(tokens)
        self.refreshed: list[str] = []

    def access_token(self) -> str:
        return self._tokens[0]

    def refresh(self, rejected_access_token: str) -> None:
        self.refreshed.append(rejected_access_token)
        if len(self._tokens) > 1:
            self._tokens.pop(0)


@pytest.fixture
def tokens() -> StaticTokens:
    return StaticTokens(FAKE_TOKEN)


@pytest.fixture
def static_tokens() -> type[StaticTokens]:
    """The StaticTokens class, for tests that need tokens of their own."""
    return StaticTokens


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener.getsockname()[1]


class SandboxTokens:
    """A token source over one real sandbox sign-in; refreshes for real."""

    def __init__(self, client: TokenClient, token_set) -> None:
        self._client = client
        self.token_set = token_set
        self.refreshed: list[str] = []

    def access_token(self) -> str:
        return self.token_set.access_token

    def refresh(self, rejected_access_token: str) -> None:
        self.refreshed.append(rejected_access_token)
        if rejected_access_token == self.token_set.access_token:
            self.token_set = self._client.refresh(
                self.token_set.refresh_token)


@pytest.fixture
def sandbox_tokens(sandbox):
    """Tokens from a consent pressed by the robot and a real exchange."""
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app(CLIENT_ID, CLIENT_SECRET, redirect_uri)
    profile = Profile(name="test", client_id=CLIENT_ID,
                      redirect_uri=redirect_uri, base_url=sandbox.base_url)
    request = AuthorizationRequest.start(profile)
    # Nothing listens at the redirect URI: the robot does not follow it.
    location = robot.press(request.url, follow=False)
    redirect = accept(parse_query(urlsplit(location).query),
                      expected_state=request.state)
    with TokenClient(profile.token_endpoint, CLIENT_ID, CLIENT_SECRET,
                     redirect_uri) as client:
        yield SandboxTokens(client, client.exchange(
            redirect, request.code_verifier))
