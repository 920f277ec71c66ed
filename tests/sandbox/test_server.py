"""The server's life: start, stop, addresses, kept-alive connections."""

from __future__ import annotations

import socket

import pytest
import requests

from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.sandbox.server import (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
                                         SandboxServer)


def ipv6_loopback_usable() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


def test_start_returns_the_server_and_sets_base_url():
    sandbox = SandboxServer(SandboxOptions(employees=3))
    try:
        assert sandbox.start() is sandbox
        assert sandbox.base_url.startswith("http://127.0.0.1:")
        assert not sandbox.base_url.endswith("/")
        port = int(sandbox.base_url.rsplit(":", 1)[1])
        assert port > 0
    finally:
        sandbox.stop()
    sandbox.stop()  # a second stop does nothing
    with pytest.raises(requests.ConnectionError):
        requests.get(sandbox.base_url + "/", timeout=10)


def test_stop_closes_kept_alive_connections(sandbox):
    port = int(sandbox.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        answer, chunk = b"", b"-"
        while chunk and not answer.endswith(b"</html>\n"):  # whole page
            chunk = sock.recv(4096)
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 404")
        sandbox.stop()
        # Left alone, the connection would idle for IDLE_TIMEOUT (30 s).
        sock.settimeout(10)
        assert sock.recv(4096) == b""


@pytest.mark.skipif(not ipv6_loopback_usable(), reason="no IPv6 loopback")
def test_serves_on_ipv6_loopback():
    with SandboxServer(SandboxOptions(host="::1", employees=3)) as sandbox:
        assert sandbox.base_url.startswith("http://[::1]:")
        response = requests.get(sandbox.base_url + "/nothing", timeout=10)
        assert response.status_code == 404


@pytest.mark.parametrize("sandbox_options", [SandboxOptions(no_scopes=True),
                                             SandboxOptions()])
def test_demo_app(sandbox, sandbox_options):
    app = sandbox.register_demo_app("http://127.0.0.1:9/callback")
    assert (app.client_id, app.client_secret) == (DEMO_CLIENT_ID,
                                                  DEMO_CLIENT_SECRET)
    assert app.scopes == (() if sandbox_options.no_scopes
                          else ("user:read:all",))
    assert sandbox.app(DEMO_CLIENT_ID) == app


def test_the_clock_can_be_injected():
    ticks = [1000.0]
    sandbox = SandboxServer(SandboxOptions(employees=1),
                            clock=lambda: ticks[0])
    assert sandbox.now() == 1000.0
    ticks[0] += 5
    sandbox.advance_clock(10)
    assert sandbox.now() == 1015.0
