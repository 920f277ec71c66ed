"""Hostile input to the listener: it answers or drops, and keeps serving."""

from __future__ import annotations

import select
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import free_port
from tests.oauth.flows import WAIT
from tests.oauth.wire_client import get, send, status_of
from zelt_desktop.errors import ConsentTimedOut
from zelt_desktop.oauth.listener import MAX_CONNECTIONS, LoopbackListener

STATE = "state-of-this-attempt"
REFUSALS = {None, 400, 404, 405, 414, 431}


@pytest.fixture
def listener():
    uri = f"http://127.0.0.1:{free_port()}/callback"
    with LoopbackListener(uri, expected_state=STATE,
                          read_timeout=2.0) as listener:
        yield listener


def _still_serves(listener) -> None:
    """Nothing so far ended the wait, and the real redirect still works."""
    with pytest.raises(ConsentTimedOut):
        listener.wait(timeout=0)
    reply = get(listener.addresses[0], f"/callback?code=real&state={STATE}")
    assert status_of(reply) == 200
    assert listener.wait(WAIT).code == "real"


@pytest.mark.parametrize("data, expected", [
    (b"\x00\xff\xfe garbage \x80\r\n\r\n", 400),
    (b"GET\r\n\r\n", 400),
    (b"GET /callback HTTP/9.9\r\n\r\n", 400),
    (b"GET /callback?code=x&state=y HTTP/1.1 extra\r\n\r\n", 400),
    (b"GET /call back HTTP/1.1\r\n\r\n", 400),
    (b"GET /callback HTTP/1.1\r\n folded\r\n\r\n", 400),
    (b"GET /callback HTTP/1.1\r\nno colon here\r\n\r\n", 400),
    (b"GET /callback?code=x", 400),  # cut short, then closed
    (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET /callback?code=" + b"c" * 20000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\n" + b"X: a\r\n" * 200 + b"\r\n", 431),
    (b"POST /callback?code=x&state=" + STATE.encode()
     + b" HTTP/1.1\r\n\r\n", 405),
    (b"OPTIONS * HTTP/1.1\r\n\r\n", 404),
    (b"", None),
])
def test_malformed_requests_are_refused(listener, data, expected):
    reply = send(listener.addresses[0], data)

    assert status_of(reply) == expected
    _still_serves(listener)


def test_absolute_form_target_is_understood(listener):
    reply = send(listener.addresses[0],
                 b"GET http://127.0.0.1/callback?code=real&state="
                 + STATE.encode() + b" HTTP/1.1\r\n\r\n")

    assert status_of(reply) == 200
    assert listener.wait(WAIT).code == "real"


def test_many_connections_at_once(listener):
    address = listener.addresses[0]
    crowd = [socket.create_connection(address)
             for _ in range(MAX_CONNECTIONS * 2)]
    for sock in crowd:
        sock.close()

    # Connections past the limit are dropped; once the crowd's are
    # closed, the listener answers again.
    assert any(status_of(get(address, "/favicon.ico")) == 404
               for _ in range(200))
    _still_serves(listener)


def test_idle_connections_never_lock_out_the_real_redirect():
    uri = f"http://127.0.0.1:{free_port()}/callback"
    # Timeouts longer than the test: only making room lets it pass.
    with LoopbackListener(uri, expected_state=STATE, read_timeout=WAIT,
                          idle_timeout=WAIT) as listener:
        address = listener.addresses[0]
        idle = [socket.create_connection(address)
                for _ in range(2 * MAX_CONNECTIONS)]
        try:
            reply = get(address, f"/callback?code=real&state={STATE}")
            code = listener.wait(WAIT).code
            oldest = [_end_of(s, WAIT) for s in idle[:MAX_CONNECTIONS + 1]]
            newest = [_end_of(s, 0) for s in idle[MAX_CONNECTIONS + 1:]]
        finally:
            for sock in idle:
                sock.close()

    assert status_of(reply) == 200 and code == "real"
    # Each newcomer, the redirect last, closed the oldest idle one: at
    # most MAX_CONNECTIONS stay open, and the rest still are.
    assert oldest == ["closed"] * (MAX_CONNECTIONS + 1)
    assert newest == ["open"] * (MAX_CONNECTIONS - 1)


def _end_of(sock: socket.socket, wait: float) -> str:
    """"closed" once the listener closed ``sock``, "open" after ``wait``."""
    readable, _, _ = select.select([sock], [], [], wait)
    if not readable:
        return "open"
    try:
        return "closed" if sock.recv(1) == b"" else "answered"
    except ConnectionResetError:
        return "closed"


_LINE = st.text(st.characters(min_codepoint=0, max_codepoint=0x2ff),
                max_size=60)
_REQUESTS = st.one_of(
    st.binary(max_size=2048),
    st.builds(lambda method, target, version, headers: (
        f"{method} {target} {version}\r\n{headers}\r\n\r\n"
        .encode("utf-8", "surrogatepass")),
        st.sampled_from(["GET", "HEAD", "POST", "G\x00T", ""]) | _LINE,
        st.sampled_from(["/callback", "/callback?code=x", "/", "*"])
        | _LINE.map(lambda t: "/callback?" + t),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", ""]),
        _LINE))


def test_fuzzed_requests_never_break_the_listener(listener):
    address = listener.addresses[0]

    @settings(max_examples=50, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(_REQUESTS)
    def poke(data):
        reply = send(address, data)
        assert status_of(reply) in REFUSALS

    poke()
    # No fuzzed request carried this attempt's state, so none ended the
    # wait, and the listener still takes the real redirect.
    _still_serves(listener)
