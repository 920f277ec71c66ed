"""The whole sign-in against a server that follows RFC 6749 to the letter."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from tests.helpers import free_port
from tests.reliability.rfc_server import RFCServer, approve
from zelt_desktop.connection import token_client
from zelt_desktop.errors import (InvalidClient, InvalidGrant,
                                 IssuerMismatch, RefreshRejected)
from zelt_desktop.profiles import Profile
from zelt_desktop.signin import SignIn
from zelt_desktop.store.tokens import TokenStore

# A colon in the id, and in the secret every character that RFC 6749
# §2.3.1 form-urlencodes differently from Zelt's raw header.
CLIENT_ID = "rfc:client"
SECRET = "a+b/c:d%e=f g-test-secret-not-real"
WAIT = 30.0
NO_ME = "verification endpoint missing"


@pytest.fixture
def rfc():
    with RFCServer() as server:
        yield server


@pytest.fixture
def profile(rfc) -> Profile:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    rfc.register(CLIENT_ID, SECRET, redirect_uri)
    return Profile(name="Standard server", client_id=CLIENT_ID,
                   redirect_uri=redirect_uri, base_url=rfc.base_url,
                   authorize_url=rfc.authorize_url, token_url=rfc.token_url,
                   client_auth="rfc6749", issuer=rfc.issuer)


@pytest.fixture
def store(secret_store, tmp_path) -> TokenStore:
    return TokenStore(secret_store, lock_dir=tmp_path / "locks")


@pytest.fixture
def connect(store):
    """``connect(profile)``: consent, exchange, verify; closed after."""
    connections = []

    def run(profile: Profile, secret: str = SECRET):
        attempt = SignIn(profile, secret, store, wait_limit=WAIT,
                         open_browser=lambda url: False)
        attempt.start_listener()
        try:
            approve(attempt.consent_url)
            redirect = attempt.wait()
        finally:
            attempt.cancel()
        connection = attempt.complete(redirect)
        connections.append(connection)
        return attempt, redirect, connection

    yield run
    for connection in connections:
        connection.close()


def test_full_sign_in_verification_is_a_warning(rfc, profile, store,
                                                connect, expect_warning):
    expect_warning(NO_ME)

    _, redirect, connection = connect(profile)

    assert redirect.state_checked and redirect.iss == rfc.issuer
    assert connection.warning and "cannot confirm" in connection.warning
    assert connection.connected_as == profile.name
    assert connection.client.users() == rfc.people
    assert store.load(profile.id).tokens == connection.source.tokens()
    encoded = base64.b64encode(
        b"rfc%3Aclient:a%2Bb%2Fc%3Ad%25e%3Df+g-test-secret-not-real")
    assert rfc.authorization_headers == ["Basic " + encoded.decode()]


def test_refresh_without_refresh_token_keeps_the_stored_one(
        rfc, profile, store, connect, expect_warning):
    expect_warning(NO_ME)
    _, _, connection = connect(profile)
    before = store.load(profile.id).tokens

    first = connection.source.refresh()
    second = connection.source.refresh()

    stored = store.load(profile.id).tokens
    assert rfc.token_requests[-1]["refresh_token"] == before.refresh_token
    assert first.refresh_token == second.refresh_token == \
        before.refresh_token
    assert stored == second and stored.access_token != first.access_token
    assert rfc.refreshes() == 2
    assert connection.client.users() == rfc.people


def test_refused_access_token_is_refreshed_once_and_retried(
        rfc, profile, connect, expect_warning):
    expect_warning(NO_ME)
    _, _, connection = connect(profile)
    rfc.expire_access_tokens()  # a laptop that slept past the expiry

    assert connection.client.users() == rfc.people
    assert rfc.refreshes() == 1


def test_foreign_iss_is_refused_when_an_issuer_is_set(rfc, profile, store,
                                                      expect_warning):
    expect_warning("named another issuer")
    rfc.redirect_iss = rfc.base_url + "/another-tenant"
    attempt = SignIn(profile, SECRET, store, wait_limit=WAIT,
                     open_browser=lambda url: False)
    attempt.start_listener()
    try:
        approve(attempt.consent_url)
        with pytest.raises(IssuerMismatch, match="Issuer"):
            attempt.wait()
    finally:
        attempt.cancel()

    assert rfc.token_requests == []


def test_iss_is_ignored_when_no_issuer_is_set(rfc, profile, connect,
                                              expect_warning):
    expect_warning(NO_ME)
    rfc.redirect_iss = rfc.base_url + "/another-tenant"

    _, redirect, connection = connect(
        dataclasses.replace(profile, issuer=""))

    assert redirect.iss == rfc.redirect_iss
    assert connection.client.users() == rfc.people


def test_json_invalid_grant_is_understood(rfc, profile, store, connect,
                                          expect_warning):
    expect_warning(NO_ME)
    expect_warning("refused the refresh token")
    attempt, redirect, connection = connect(profile)
    stored = store.load(profile.id).tokens

    with token_client(profile, SECRET) as client:
        with pytest.raises(InvalidGrant) as reused:
            client.exchange(redirect, attempt.request.code_verifier)
    # RFC 6749 §4.1.2: the reused code revoked the tokens it gave.
    with pytest.raises(RefreshRejected, match="Connect to Zelt again"):
        connection.source.refresh()

    assert reused.value.status == 400
    assert store.load(profile.id).tokens == stored
    assert rfc.refreshes() == 1


def test_wrong_secret_is_invalid_client(rfc, profile, connect):
    with pytest.raises(InvalidClient, match="Client secret") as caught:
        connect(profile, "wrong-secret-not-real")

    assert caught.value.status == 401


def test_zelts_raw_header_is_refused_by_a_standard_server(
        rfc, profile, connect):
    # "a+b" reads as "a b" once form-decoded: the style must be chosen.
    with pytest.raises(InvalidClient):
        connect(dataclasses.replace(profile, client_auth="basic"))

    raw = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert rfc.authorization_headers == ["Basic " + raw]
