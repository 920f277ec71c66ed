"""Addresses pasted into a sign-in: only those at this connection count."""

from __future__ import annotations

import pytest

from tests.helpers import free_port
from zelt_desktop.errors import StateMismatch, UnusableRedirect
from zelt_desktop.profiles import Profile
from zelt_desktop.signin import SignIn
from zelt_desktop.store.tokens import TokenStore

SECRET = "test-secret-not-real"
RELAY = "https://relay.zelt-desktop.test/zelt/callback"


@pytest.fixture
def new_sign_in(sandbox, secret_store, tmp_path):
    """``new_sign_in(redirect_uri, listen_url="")``, cancelled after."""
    store = TokenStore(secret_store, lock_dir=tmp_path / "locks")
    made = []

    def make(redirect_uri: str, listen_url: str = "",
             started_in_zelt: bool = False) -> SignIn:
        profile = Profile(name="Paste", client_id="paste-client",
                          redirect_uri=redirect_uri, listen_url=listen_url,
                          base_url=sandbox.base_url)
        attempt = SignIn(profile, SECRET, store,
                         started_in_zelt=started_in_zelt,
                         open_browser=lambda url: False)
        made.append(attempt)
        return attempt

    yield make
    for attempt in made:
        attempt.cancel()


@pytest.mark.parametrize("started_in_zelt", [False, True])
def test_an_address_at_another_host_is_refused(new_sign_in,
                                               started_in_zelt):
    attempt = new_sign_in(RELAY, started_in_zelt=started_in_zelt)
    ours = attempt.request.state

    for address in (f"http://evil.example/callback?code=c&state={ours}",
                    f"https://evil.example/zelt/callback?code=c&state={ours}",
                    f"{RELAY}/more?code=c&state={ours}"):
        with pytest.raises(UnusableRedirect,
                           match="not the one registered for this "
                                 "connection"):
            attempt.paste(address)


def test_the_redirect_uri_and_the_listener_address_are_taken(new_sign_in):
    listen = f"http://127.0.0.1:{free_port()}/zelt/callback"
    for address in (RELAY, listen):
        attempt = new_sign_in(RELAY, listen_url=listen)
        state = attempt.request.state
        assert attempt.paste(f"{address}?code=c&state={state}") is False
        assert attempt.wait().code == "c"


@pytest.mark.parametrize("template", [
    "?code=c&state={state}", "code=c&state={state}\n",
    "#code=c&state={state}"])
def test_a_query_alone_is_taken(new_sign_in, template):
    attempt = new_sign_in(RELAY)

    attempt.paste(template.format(state=attempt.request.state))

    assert attempt.wait().code == "c"


def test_a_query_alone_still_needs_our_state(new_sign_in):
    attempt = new_sign_in(RELAY)

    with pytest.raises(StateMismatch):
        attempt.paste("?code=c&state=another-attempt")


@pytest.mark.parametrize("text", [
    "http://[::1/callback?code=x&state=y",
    "http://127.0.0.1:70000/callback?code=x&state=y",
    "relay.zelt-desktop.test/zelt/callback?code=x&state=y"])
def test_a_broken_address_is_refused_in_plain_words(new_sign_in, text):
    attempt = new_sign_in(RELAY)

    with pytest.raises(UnusableRedirect, match="address"):
        attempt.paste(text)
