"""Company networks and a limiting Zelt, as the user is told about them."""

from __future__ import annotations

import http.server
import time

import pytest
import requests

from tests.helpers import free_port, serving
from tests.reliability.tls import TLSServer, self_signed
from zelt_desktop.errors import (PermissionDenied, ProxyError, RateLimited,
                                 TLSError)
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.oauth.redirect import Redirect
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.ui.messages import explain
from zelt_desktop.zelt.client import ZeltClient
from zelt_desktop.zelt.http import make_session

SECRET = "test-secret-not-real"
TOKEN = "test-access-token-not-real"
REDIRECT_URI = "http://127.0.0.1:53682/callback"


class Tokens:
    """A fixed access token: these tests never get as far as using it."""

    def access_token(self) -> str:
        return TOKEN

    def refresh(self, rejected_access_token: str) -> None:
        raise AssertionError("no refresh expected")


class _Forbidden(http.server.BaseHTTPRequestHandler):
    """Every answer a JSON 403: the app lacks a scope."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b'{"message": "Forbidden"}'
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


def a_redirect() -> Redirect:
    return Redirect(code="code-not-real", error=None,
                    error_description=None, state="s", iss=None,
                    received_at=time.monotonic(), state_checked=True)


def both_layers(base_url: str) -> list[Exception]:
    """What the API client and the token client raise for ``base_url``."""
    raised = []
    with make_session(retries=0) as session:
        with ZeltClient(base_url, Tokens(), session=session) as client:
            try:
                client.me()
            except Exception as e:  # noqa: BLE001 - returned to the test
                raised.append(e)
        with TokenClient(base_url + "/token", "test-client", SECRET,
                         REDIRECT_URI, session=session) as client:
            try:
                client.exchange(a_redirect(), None)
            except Exception as e:  # noqa: BLE001 - returned to the test
                raised.append(e)
    return raised


@pytest.fixture
def serve_forbidden():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forbidden)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(params=["cryptography", "openssl"])
def tls_server(request, tmp_path):
    cert, key = self_signed(tmp_path, request.param)
    with TLSServer(cert, key) as server:
        server.cert = cert
        yield server


def test_untrusted_certificate_is_a_tls_error(tls_server):
    # The server works for a client that trusts its certificate...
    with requests.Session() as session:
        session.trust_env = False
        answer = session.get(tls_server.base_url, verify=str(tls_server.cert),
                             timeout=10)
    assert answer.status_code == 200

    # ...and the app, trusting only the system's store, says why not.
    raised = both_layers(tls_server.base_url)

    assert [type(e) for e in raised] == [TLSError, TLSError]
    for error in raised:
        assert "secure connection" in str(error)
        assert "certificate" in str(explain(error))


def test_proxy_from_the_environment_that_fails_is_a_proxy_error(
        monkeypatch):
    # A loopback port nobody listens on: the proxy refuses at once.
    # (conftest.py has removed the machine's own proxy variables.)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{free_port()}")

    # Only the proxy is ever dialled; the target is loopback too.
    raised = both_layers(f"https://127.0.0.1:{free_port()}")

    assert [type(e) for e in raised] == [ProxyError, ProxyError]
    for error in raised:
        assert "proxy" in str(explain(error)).lower()


@pytest.mark.parametrize("sandbox_options",
                         [SandboxOptions(rate_limit=1.0, retry_after=0)])
def test_limiting_is_told_apart_from_a_missing_permission(
        sandbox, serve_forbidden, expect_warning):
    expect_warning("Zelt is limiting requests")
    with ZeltClient(sandbox.base_url, Tokens()) as client:
        with pytest.raises(RateLimited) as limited:
            client.users()
    with ZeltClient(serve_forbidden, Tokens()) as client:
        with pytest.raises(PermissionDenied) as denied:
            client.users()

    limit, permission = explain(limited.value), explain(denied.value)
    assert limit.title == "Zelt is limiting requests"
    assert "scope" in str(permission) and "limiting" not in str(permission)
    assert permission.title != limit.title
