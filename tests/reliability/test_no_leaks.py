"""The whole flow at DEBUG: no secret in a record, a file or the window."""

from __future__ import annotations

import pytest
import requests

from tests.helpers import free_port
from tests.reliability.leaks import (app_logging, files_text, leaks,
                                     queries)
from zelt_desktop.connection import token_client
from zelt_desktop.errors import InvalidClient, RefreshRejected
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot
from zelt_desktop.signin import SignIn
from zelt_desktop.store.tokens import TokenStore
from zelt_desktop.ui.messages import explain

SECRET = "test-secret-not-real-5f2c"
WRONG_SECRET = "wrong-secret-not-real-9d41"
STALE_CODE = "stale-code-not-real-77ab"
WAIT = 30.0


class Seen:
    """Every secret value of one run, gathered from where they are kept."""

    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.values = {SECRET, WRONG_SECRET, STALE_CODE}

    def tokens(self, token_set) -> None:
        if token_set is not None:
            self.values |= {token_set.access_token,
                            token_set.refresh_token or ""}

    def all(self) -> set[str]:
        """The values seen so far and every code and refresh token sent."""
        for form in self.sandbox.token_requests:
            self.values |= {form.get("code", ""),
                            form.get("refresh_token", ""),
                            form.get("code_verifier", "")}
        self.values.discard("")
        return self.values


@pytest.fixture
def home(tmp_path, monkeypatch):
    """HOME and the XDG folders inside tmp_path: whatever the app writes."""
    home = tmp_path / "home"
    for name, sub in (("HOME", ""), ("XDG_CONFIG_HOME", ".config"),
                      ("XDG_STATE_HOME", ".local/state"),
                      ("XDG_CACHE_HOME", ".cache"),
                      ("XDG_DATA_HOME", ".local/share")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(home / sub))
    return home


@pytest.fixture
def profile(sandbox) -> Profile:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app("leak-test-client", SECRET, redirect_uri)
    return Profile(name="Leak test", client_id="leak-test-client",
                   redirect_uri=redirect_uri, base_url=sandbox.base_url)


def sign_in(profile, store, secret, seen):
    """Consent in the sandbox, caught by the real listener; completed."""
    attempt = SignIn(profile, secret, store, wait_limit=WAIT,
                     open_browser=lambda url: False)
    seen.values |= {attempt.request.state, attempt.request.code_verifier}
    attempt.start_listener()
    try:
        # A stale tab of an earlier attempt first: ignored, not logged.
        requests.get(f"{profile.redirect_uri}?code={STALE_CODE}&state=old",
                     timeout=WAIT)
        robot.press(attempt.consent_url)
        redirect = attempt.wait()
    finally:
        attempt.cancel()
    return attempt.complete(redirect)


def test_sign_in_refresh_and_load_leak_nothing(
        sandbox, profile, secret_store, home, tmp_path, expect_warning):
    expect_warning("state this attempt did not send")
    expect_warning("refused the refresh token")
    store = TokenStore(secret_store)  # its locks go under HOME
    seen, shown = Seen(sandbox), []

    with app_logging(home / "logs") as recorder:
        connection = sign_in(profile, store, SECRET, seen)
        try:
            seen.tokens(connection.source.tokens())
            assert len(connection.client.users()) == 250
            sandbox.advance_clock(3700)  # asleep past the expiry: a 401
            assert len(connection.client.users()) == 250
            seen.tokens(store.load(profile.id).tokens)

            # Someone spends the stored refresh token: refused, explained.
            with token_client(profile, SECRET) as other:
                seen.tokens(other.refresh(
                    store.load(profile.id).tokens.refresh_token))
            with pytest.raises(RefreshRejected) as refused:
                connection.source.refresh()
            shown += [str(refused.value), str(explain(refused.value))]
        finally:
            connection.close()
        with pytest.raises(InvalidClient) as wrong:
            sign_in(profile, store, WRONG_SECRET, seen)
        shown += [str(wrong.value), str(explain(wrong.value))]

    secrets = seen.all()
    files = files_text(tmp_path)
    assert len(secrets) >= 12
    assert "token verified" in files["home/logs/zelt-desktop.log"]
    assert leaks(recorder.texts(), secrets) == []
    assert leaks(files.values(), secrets) == []
    assert leaks(shown, secrets) == []
    assert queries(recorder.texts("zelt_desktop")) == []
    assert queries(files.values()) == []
