"""The sign-in's listener and credentials, through SignIn on real sockets."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import threading

import pytest

from tests.helpers import closed_by_peer, free_port, wait_into
from tests.oauth.scripted import Answer, ScriptedServer
from tests.oauth.wire_client import get, status_of
from zelt_desktop.errors import (ConsentCancelled, ConsentTimedOut,
                                 InvalidClient, InvalidGrant, PortInUse)
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot
from zelt_desktop.signin import SignIn
from zelt_desktop.store.tokens import TokenStore
from zelt_desktop.ui.messages import explain

SECRET = "test-secret-not-real"
CURL_SECRET = "a+b/c:d%e=f g"
WAIT = 30.0
# A program of its own holds a port until its standard input closes.
_HOLD_PORT = """
import socket, sys
sock = socket.socket()
sock.bind(("127.0.0.1", int(sys.argv[1])))
sock.listen()
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def profile(sandbox) -> Profile:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app("listener-client", SECRET, redirect_uri)
    return Profile(name="Listener", client_id="listener-client",
                   redirect_uri=redirect_uri, base_url=sandbox.base_url)


@pytest.fixture
def new_sign_in(profile, secret_store, tmp_path):
    """``new_sign_in(**kwargs)``: a SignIn for the profile, cancelled after."""
    store = TokenStore(secret_store, lock_dir=tmp_path / "locks")
    made = []

    def make(secret: str = SECRET, **kwargs) -> SignIn:
        kwargs.setdefault("wait_limit", WAIT)
        attempt = SignIn(profile, secret, store,
                         open_browser=lambda url: False, **kwargs)
        made.append(attempt)
        return attempt

    make.store = store
    yield make
    for attempt in made:
        attempt.cancel()


def test_encoded_code_reaches_the_token_endpoint_decoded_once(
        sandbox, new_sign_in):
    attempt = new_sign_in()
    attempt.start_listener()
    target = ("/callback?code=ab%2Bcd%2Fef%3D%3D&state="
              + attempt.request.state)

    answer = get(attempt.listener.addresses[0], target)
    redirect = attempt.wait()
    with pytest.raises(InvalidGrant):  # the sandbox never issued it
        attempt.complete(redirect)

    assert status_of(answer) == 200
    assert redirect.code == "ab+cd/ef=="
    assert sandbox.token_requests[-1]["code"] == "ab+cd/ef=="


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl")
def test_basic_header_is_what_curl_u_sends():
    tokens = json.dumps({"access_token": "access-not-real"}).encode()
    with ScriptedServer() as server:
        server.answer = Answer(200, tokens,
                               {"Content-Type": "application/json"})
        subprocess.run(
            ["curl", "--silent", "--noproxy", "*", "--user",
             f"curl-client:{CURL_SECRET}", "--data", "grant_type=x",
             server.url], check=True, capture_output=True, timeout=60,
            env={"PATH": os.environ.get("PATH", "")})
        with TokenClient(server.url, "curl-client", CURL_SECRET,
                         "http://127.0.0.1:1/cb") as client:
            client.refresh("refresh-not-real")

    curl, ours = (r.headers["Authorization"] for r in server.received)
    raw = base64.b64encode(b"curl-client:a+b/c:d%e=f g").decode()
    assert curl == ours == "Basic " + raw


def test_port_in_use_names_the_port_and_its_program(new_sign_in,
                                                    profile):
    port = int(profile.redirect_uri.split(":")[2].split("/")[0])
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_PORT, str(port)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(PortInUse) as caught:
            new_sign_in().start_listener()
    finally:
        holder.stdin.close()
        holder.wait(WAIT)
        holder.stdout.close()

    message = str(caught.value)
    assert caught.value.port == port and f"Port {port}" in message
    assert "Redirect URI" in message
    if sys.platform.startswith("linux"):
        assert caught.value.holder.endswith(f"(process {holder.pid})")
        assert caught.value.holder in message
    assert "Another program" in explain(caught.value).title


def test_second_connect_replaces_the_waiting_one(sandbox, new_sign_in):
    first = new_sign_in()
    first.start_listener()
    outcome = []
    waiting = threading.Thread(target=wait_into, args=(first, outcome))
    waiting.start()

    first.cancel()
    second = new_sign_in()
    second.start_listener()  # the same port, bound at once
    waiting.join(WAIT)
    robot.press(second.consent_url)
    connection = second.complete(second.wait())
    connection.close()

    assert [type(e) for e in outcome] == [ConsentCancelled]
    assert second.listener.addresses == first.listener.addresses
    assert connection.connected_as


def test_cancel_before_binding_binds_nothing(new_sign_in):
    first = new_sign_in()
    first.cancel()

    with pytest.raises(ConsentCancelled):
        first.start_listener()

    second = new_sign_in()
    second.start_listener()
    assert first.listener is None and second.listener.addresses


def test_cancel_racing_the_bind_always_frees_the_port(new_sign_in):
    # A second Connect while the first attempt is still binding: whichever
    # of cancel and bind comes first, the port is free afterwards.
    for _ in range(20):
        attempt = new_sign_in()
        barrier = threading.Barrier(2)
        binder = threading.Thread(target=_bind_after,
                                  args=(barrier, attempt))
        binder.start()
        barrier.wait()
        attempt.cancel()
        binder.join(WAIT)

        probe = new_sign_in()
        probe.start_listener()  # PortInUse if the attempt kept the port
        probe.cancel()


def test_cancel_frees_the_port_while_a_client_is_mid_request(
        new_sign_in):
    attempt = new_sign_in()
    attempt.start_listener()
    address = attempt.listener.addresses[0]
    with socket.create_connection(address) as slow:
        slow.sendall(b"GET /callback?code=c")  # and the rest never comes
        attempt.cancel()

        again = new_sign_in()
        again.start_listener()  # PortInUse if the port were still held
        assert closed_by_peer(slow, WAIT)

    with pytest.raises(ConsentCancelled):
        attempt.wait()
    assert again.listener.addresses == [address]


def test_overall_wait_ends_with_a_message_and_frees_the_port(
        new_sign_in, profile):
    attempt = new_sign_in(wait_limit=0.2)
    attempt.start_listener()

    with pytest.raises(ConsentTimedOut) as caught:
        attempt.wait()

    assert "in time" in str(explain(caught.value))
    again = new_sign_in()
    again.start_listener()
    assert again.listener.addresses == attempt.listener.addresses


def test_only_an_accepted_client_secret_is_saved(profile, new_sign_in):
    store = new_sign_in.store
    for secret in (SECRET, "wrong-secret-not-real"):
        attempt = new_sign_in(secret)
        attempt.start_listener()
        robot.press(attempt.consent_url)
        redirect = attempt.wait()
        if secret == SECRET:
            attempt.complete(redirect).close()
            tokens = store.load(profile.id).tokens
            continue
        with pytest.raises(InvalidClient):
            attempt.complete(redirect)

    # The typo cost nothing: the working secret and sign-in are kept.
    assert store.load_client_secret(profile.id) == SECRET
    assert store.load(profile.id).tokens == tokens


def _bind_after(barrier: threading.Barrier, attempt: SignIn) -> None:
    barrier.wait()
    try:
        attempt.start_listener()
    except ConsentCancelled:
        pass
