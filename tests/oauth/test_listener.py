"""The loopback listener on real sockets: strays, state, ports, ending."""

from __future__ import annotations

import http.server
import logging
import os
import socket
import socketserver
import sys
import threading
import time

import pytest
import requests

from tests.helpers import closed_by_peer, free_port, wait_into
from tests.oauth.flows import WAIT
from tests.oauth.wire_client import get, status_of
from zelt_desktop.errors import (ConsentCancelled, ConsentTimedOut,
                                 InvalidSetting, IssuerMismatch, PortInUse)
from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.listener import LoopbackListener
from zelt_desktop.sandbox import robot

STATE = "state-of-this-attempt"


@pytest.fixture
def uri() -> str:
    return f"http://127.0.0.1:{free_port()}/callback"


@pytest.fixture
def listener(uri):
    with LoopbackListener(uri, expected_state=STATE) as listener:
        yield listener


def test_stray_requests_do_not_end_the_wait(profile):
    request = AuthorizationRequest.start(profile)
    with LoopbackListener(profile.redirect_uri,
                          expected_state=request.state) as listener:
        host, port = listener.addresses[0]
        with socket.create_connection((host, port)) as idle:
            favicon = requests.get(f"http://{host}:{port}/favicon.ico",
                                   timeout=WAIT)
            bare = requests.get(profile.redirect_uri, timeout=WAIT)
            with pytest.raises(ConsentTimedOut):
                listener.wait(timeout=0)
            robot.press(request.url, "allow")
            redirect = listener.wait(WAIT)
            idle.settimeout(WAIT)
            listener.close()
            assert idle.recv(1) == b""  # closed with the listener

    assert favicon.status_code == 404 and bare.status_code == 404
    assert "Zelt Desktop" in favicon.text
    assert redirect.code and redirect.state_checked


def test_wrong_state_is_ignored_and_logged_without_the_code(
        caplog, listener, uri, expect_warning):
    expect_warning("state this attempt did not send")
    caplog.set_level(logging.DEBUG, logger="zelt_desktop")

    stale = requests.get(uri + "?code=stale-code-not-real&state=older",
                         timeout=WAIT)
    denied = requests.get(uri + "?error=access_denied&state=older",
                          timeout=WAIT)
    with pytest.raises(ConsentTimedOut):
        listener.wait(timeout=0)
    fresh = requests.get(uri + f"?code=fresh-code-not-real&state={STATE}",
                         timeout=WAIT)
    redirect = listener.wait(WAIT)

    assert stale.status_code == 400 and "earlier" in stale.text
    assert denied.status_code == 400
    assert fresh.status_code == 200 and "return to Zelt" in fresh.text
    assert redirect.code == "fresh-code-not-real"
    texts = " ".join(r.getMessage() for r in caplog.records)
    assert "state this attempt did not send" in texts
    assert "code-not-real" not in texts and STATE not in texts


def test_foreign_issuer_ends_the_wait(uri, expect_warning):
    expect_warning("named another issuer")
    with LoopbackListener(uri, expected_state=STATE,
                          issuer="https://issuer.example") as listener:
        answer = requests.get(f"{uri}?code=c&state={STATE}"
                              "&iss=https%3A%2F%2Fother.example",
                              timeout=WAIT)
        with pytest.raises(IssuerMismatch):
            listener.wait(WAIT)

    assert answer.status_code == 400


def test_callback_receives_the_redirect(uri):
    seen = []
    arrived = threading.Event()

    def on_redirect(redirect):
        seen.append(redirect)
        arrived.set()

    with LoopbackListener(uri, expected_state=STATE,
                          on_redirect=on_redirect) as listener:
        requests.get(f"{uri}?code=c&state={STATE}", timeout=WAIT)
        redirect = listener.wait(WAIT)
        assert arrived.wait(WAIT)

    assert seen == [redirect]


def test_port_in_use_names_the_port_and_the_holder(uri):
    port = int(uri.split(":")[2].split("/")[0])
    handler = http.server.BaseHTTPRequestHandler
    with _PlainServer(("127.0.0.1", port), handler):
        with pytest.raises(PortInUse) as err:
            LoopbackListener(uri, expected_state=STATE).start()

    assert err.value.port == port
    assert str(port) in str(err.value) and "Redirect URI" in str(err.value)
    if sys.platform.startswith("linux"):
        assert f"process {os.getpid()}" in err.value.holder


def test_localhost_port_taken_on_ipv6_releases_ipv4():
    port = free_port("::1")
    with socket.socket(socket.AF_INET6) as holder:
        holder.bind(("::1", port))
        holder.listen()
        with pytest.raises(PortInUse):
            LoopbackListener(f"http://localhost:{port}/cb",
                             expected_state=STATE).start()
    with LoopbackListener(f"http://127.0.0.1:{port}/cb",
                          expected_state=STATE) as again:
        assert again.addresses == [("127.0.0.1", port)]


def test_restart_on_the_same_port_at_once(listener, uri):
    # The listener closes first, so its side of this connection lingers
    # in TIME_WAIT: the case address reuse is for.
    assert requests.get(uri, timeout=WAIT).status_code == 404
    listener.close()

    with LoopbackListener(uri, expected_state=STATE) as again:
        answer = requests.get(f"{uri}?code=c&state={STATE}", timeout=WAIT)
        assert again.wait(WAIT).code == "c"
    assert answer.status_code == 200


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this system")
def test_localhost_listens_on_both_families():
    port = free_port()
    with LoopbackListener(f"http://localhost:{port}/cb",
                          expected_state=STATE) as listener:
        v4 = status_of(get(("127.0.0.1", port), "/favicon.ico"))
        v6 = status_of(get(("::1", port), "/favicon.ico"))
        via_v6 = status_of(get(("::1", port), f"/cb?code=c&state={STATE}"))
        redirect = listener.wait(WAIT)

    assert listener.addresses == [("127.0.0.1", port), ("::1", port)]
    assert (v4, v6, via_v6) == (404, 404, 200)
    assert redirect.code == "c"


@pytest.mark.parametrize("address", [
    "http://0.0.0.0:53682/cb", "http://[::]:53682/cb",
    "http://example.com:53682/cb", "http://192.168.1.10:53682/cb",
    "https://127.0.0.1:53682/cb", "http://127.0.0.1/cb",
    "http://[::1:53682/cb", "http://127.0.0.1:99999/cb"])
def test_only_loopback_is_ever_bound(address):
    with pytest.raises(InvalidSetting):
        LoopbackListener(address, expected_state=STATE).start()


def test_cancel_wakes_wait_and_closes_the_sockets(listener):
    outcome = []
    waiting = threading.Thread(target=wait_into, args=(listener, outcome))
    waiting.start()

    listener.cancel()
    waiting.join(WAIT)

    assert isinstance(outcome[0], ConsentCancelled)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(listener.addresses[0]).close()


def test_cancel_closes_open_connections(listener):
    with socket.create_connection(listener.addresses[0]) as idle:
        get(listener.addresses[0], "/favicon.ico")  # the loop is serving
        listener.cancel()
        idle.settimeout(WAIT)
        assert idle.recv(1) == b""


def test_timeout_ends_the_wait_but_not_the_listener(listener, uri):
    with pytest.raises(ConsentTimedOut, match="in time"):
        listener.wait(timeout=0.05)

    requests.get(f"{uri}?code=c&state={STATE}", timeout=WAIT)
    assert listener.wait(WAIT).code == "c"


def test_idle_connection_is_closed_after_the_read_timeout(uri):
    with LoopbackListener(uri, expected_state=STATE,
                          read_timeout=0.2) as listener:
        with socket.create_connection(listener.addresses[0]) as slow:
            slow.sendall(b"GET /callback?code=c")  # and never ends it
            slow.settimeout(WAIT)
            assert slow.recv(1) == b""
        with pytest.raises(ConsentTimedOut):
            listener.wait(timeout=0)


def test_a_silent_connection_is_closed_after_the_idle_timeout(uri):
    with LoopbackListener(uri, expected_state=STATE, read_timeout=WAIT,
                          idle_timeout=0.2) as listener:
        with socket.create_connection(listener.addresses[0]) as silent:
            silent.settimeout(WAIT)
            assert silent.recv(1) == b""


def test_a_sending_connection_gets_the_whole_read_timeout(uri):
    with LoopbackListener(uri, expected_state=STATE, read_timeout=WAIT,
                          idle_timeout=0.2) as listener:
        with socket.create_connection(listener.addresses[0]) as slow:
            slow.sendall(b"GET /callback?code=slow&state=")
            time.sleep(0.5)  # past the idle timeout, not the read one
            slow.sendall(f"{STATE} HTTP/1.1\r\n\r\n".encode())
            slow.settimeout(WAIT)
            reply = slow.recv(65536)
        assert listener.wait(WAIT).code == "slow"

    assert status_of(reply) == 200


def test_cancel_frees_the_port_at_once_while_a_client_is_mid_request(
        listener, uri):
    with socket.create_connection(listener.addresses[0]) as slow:
        slow.sendall(b"GET /callback?code=c")  # and the rest never comes
        listener.cancel()
        # The same port, bound right after cancel() returned.
        with LoopbackListener(uri, expected_state=STATE) as again:
            answer = requests.get(f"{uri}?code=c&state={STATE}",
                                  timeout=WAIT)
            assert again.wait(WAIT).code == "c"
        assert closed_by_peer(slow, WAIT)

    assert answer.status_code == 200


def test_close_does_not_wait_for_a_busy_connection_thread(uri):
    release, entered, finished = (threading.Event() for _ in range(3))

    def on_redirect(redirect):
        entered.set()
        release.wait(WAIT)
        finished.set()

    listener = LoopbackListener(uri, expected_state=STATE,
                                on_redirect=on_redirect)
    listener.start()
    try:
        requests.get(f"{uri}?code=c&state={STATE}", timeout=WAIT)
        assert entered.wait(WAIT)
        listener.close()  # waits a moment at most, then lets it be
        returned_first = not finished.is_set()
        with LoopbackListener(uri, expected_state=STATE):
            pass  # the port is free
    finally:
        release.set()

    assert returned_first


def test_wait_needs_a_started_listener(uri):
    with pytest.raises(RuntimeError):
        LoopbackListener(uri, expected_state=STATE).wait(0)


class _PlainServer(socketserver.TCPServer):
    """An HTTP server as another program would run it on the port."""

    allow_reuse_address = True
