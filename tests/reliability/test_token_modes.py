"""Tokens in trouble, seen from the loading layer, against the sandbox."""

from __future__ import annotations

import pytest

from tests.store.keyrings import HangingKeyring, SwitchedKeyring
from tests.store.signin import CLIENT_SECRET, signed_in_at
from zelt_desktop.connection import open_connection
from zelt_desktop.errors import (NetworkError, RefreshRejected,
                                 SecretStoreError, SecretStoreTimeout)
from zelt_desktop.oauth.redirect import accept, parse_query
from zelt_desktop.sandbox import robot
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.signin import SignIn
from zelt_desktop.store.secrets import SecretStore
from zelt_desktop.store.tokens import TokenStore
from zelt_desktop.ui.messages import explain

ASLEEP = 3700  # seconds: past the access token's hour, as after a sleep


@pytest.fixture
def signed_in(sandbox, tmp_path):
    state = signed_in_at(sandbox, tmp_path / "locks")
    yield state
    state.close()


@pytest.fixture
def connect(signed_in):
    """``connect(store=None)``: a Connection over the stored sign-in."""
    connections = []

    def make(store=None):
        connection = open_connection(
            signed_in.profile, store or signed_in.store(),
            client_secret=CLIENT_SECRET, verify=False)
        connections.append(connection)
        return connection

    yield make
    for connection in connections:
        connection.close()


def stored(signed_in):
    return signed_in.store().load(signed_in.profile.id).tokens


def test_401_after_sleep_is_one_refresh_and_one_retry(sandbox, signed_in,
                                                      connect):
    client = connect().client
    sandbox.advance_clock(ASLEEP)  # expired at Zelt, not by our clock

    assert client.users() == sandbox.employees
    assert signed_in.refreshes() == 1
    assert stored(signed_in).access_token != signed_in.tokens.access_token


def test_lost_refresh_reply_then_refused_keeps_the_store(
        sandbox, signed_in, connect, expect_warning):
    expect_warning("refresh reply lost")
    connection = connect()
    sandbox.options.drop_token_replies = 1.0
    sandbox.advance_clock(ASLEEP)

    with pytest.raises(RefreshRejected) as caught:
        connection.client.users()

    # Sent once, lost; the stored token tried once more and refused.
    assert signed_in.refreshes() == 2
    assert "lost" in str(caught.value)
    assert "Connect to Zelt" in str(explain(caught.value))
    assert stored(signed_in) == signed_in.tokens


def test_lost_exchange_reply_is_not_sent_again(sandbox, signed_in):
    profile = signed_in.profile
    attempt = SignIn(profile, CLIENT_SECRET, signed_in.store(),
                     open_browser=lambda url: False)
    location = robot.press(attempt.consent_url, follow=False)
    redirect = accept(parse_query(location.split("?", 1)[1]),
                      expected_state=attempt.request.state)
    sandbox.options.drop_token_replies = 1.0
    sent = len(sandbox.token_requests)

    with pytest.raises(NetworkError):
        attempt.complete(redirect)

    assert len(sandbox.token_requests) == sent + 1
    assert stored(signed_in) == signed_in.tokens


def test_refused_refresh_keeps_the_store_and_does_not_loop(
        sandbox, signed_in, connect, expect_warning):
    expect_warning("refused the refresh token")
    profile_id = signed_in.profile.id
    signed_in.store().save_client_secret(profile_id, CLIENT_SECRET)
    client = connect().client
    # Another program spends the stored refresh token and keeps the pair.
    signed_in.client().refresh(signed_in.tokens.refresh_token)
    sandbox.advance_clock(ASLEEP)

    for _ in range(2):  # asked twice: refused twice, never in a loop
        with pytest.raises(RefreshRejected, match="Connect to Zelt again"):
            client.users()

    assert signed_in.refreshes() == 3
    assert stored(signed_in) == signed_in.tokens
    assert signed_in.store().load_client_secret(profile_id) == CLIENT_SECRET


def test_failed_store_write_after_refresh_is_shown(sandbox, signed_in,
                                                   connect, expect_warning):
    expect_warning("secret store set failed")
    switch = SwitchedKeyring(signed_in.backend)
    client = connect(signed_in.store(switch)).client
    sandbox.advance_clock(ASLEEP)

    switch.failing = True
    with pytest.raises(SecretStoreError) as caught:
        client.users()
    assert stored(signed_in) == signed_in.tokens
    assert "password store" in str(explain(caught.value))

    # The pair Zelt gave is stored now, without spending another token.
    switch.failing = False
    assert client.users() == sandbox.employees
    assert signed_in.refreshes() == 1


def test_keyring_that_hangs_during_sign_in_times_out(signed_in, tmp_path,
                                                     expect_warning):
    expect_warning("did not answer in")
    backend = HangingKeyring()
    store = TokenStore(SecretStore(backend, timeout=0.2),
                       lock_dir=tmp_path / "locks")
    attempt = SignIn(signed_in.profile, CLIENT_SECRET, store,
                     open_browser=lambda url: False)
    location = robot.press(attempt.consent_url, follow=False)
    redirect = accept(parse_query(location.split("?", 1)[1]),
                      expected_state=attempt.request.state)
    try:
        with pytest.raises(SecretStoreTimeout) as caught:
            attempt.complete(redirect)
    finally:
        backend.release.set()

    assert "did not answer in time" in str(explain(caught.value))


@pytest.mark.parametrize("sandbox_options",
                         [SandboxOptions(omit_expires_in=1.0)])
def test_missing_expires_in_still_loads(sandbox, signed_in, connect):
    connection = connect()

    assert connection.client.users() == sandbox.employees
    tokens = connection.source.tokens()
    assert tokens.lifetime.total_seconds() == pytest.approx(3600, abs=5)
    assert signed_in.refreshes() == 0
