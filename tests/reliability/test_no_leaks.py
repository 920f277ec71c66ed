"""The whole flow at DEBUG: no secret in a record, a file or the window."""

from __future__ import annotations

import threading

import pytest
import requests
from PySide6.QtWidgets import (QAbstractButton, QLabel, QLineEdit,
                               QPlainTextEdit, QTextEdit, QWidget)

from tests.helpers import free_port
from tests.reliability.leaks import (app_logging, files_text, leaks,
                                     queries)
from zelt_desktop.connection import token_client
from zelt_desktop.context import AppContext
from zelt_desktop.errors import InvalidClient, RefreshRejected
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot
from zelt_desktop.signin import SignIn
from zelt_desktop.store.secrets import MemoryKeyring, SecretStore
from zelt_desktop.store.tokens import TokenStore
from zelt_desktop.ui.main_window import MainWindow
from zelt_desktop.ui.messages import explain

SECRET = "test-secret-not-real-5f2c"
WRONG_SECRET = "wrong-secret-not-real-9d41"
STALE_CODE = "stale-code-not-real-77ab"
WAIT = 30.0
WAIT_MS = 20_000


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


# -- the window --------------------------------------------------------------

class _Prefs(dict):
    """The window's own preferences, in memory."""

    def set(self, key: str, value) -> None:
        self[key] = value


class Browser:
    """Presses Allow access on the consent pages the window opens.

    With ``pressing`` off, a page is opened and left alone, as by a user
    who looks away.
    """

    pressing = True

    def open(self, url: str) -> bool:
        if self.pressing:
            threading.Thread(target=robot.press, args=(url,),
                             daemon=True).start()
        return True


def window_texts(window) -> list[str]:
    """What the window shows: titles, labels, buttons, tips, statuses.

    Editable fields hold what the user typed (the secret among it) and
    are left out; read-only ones are shown text and are kept.
    """
    texts = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in window.findChildren(QWidget):
        texts += [widget.windowTitle(), widget.toolTip(),
                  widget.statusTip(), widget.accessibleName()]
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit) and widget.isReadOnly():
            texts.append(widget.text())
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            texts.append(widget.toPlainText())
    return [text for text in texts if text]


def test_window_sign_in_refresh_and_failure_leak_nothing(
        qtbot, sandbox, profile, home, tmp_path):
    browser = Browser()
    context = AppContext.create(secret_store=SecretStore(MemoryKeyring()),
                                open_browser=browser.open)
    seen, shown = Seen(sandbox), []

    with app_logging(home / "logs") as recorder:
        window = MainWindow(context, ui_settings=_Prefs())
        qtbot.addWidget(window)
        window.statusBar().messageChanged.connect(shown.append)
        window.connect_failed.connect(shown.append)
        window.load_failed.connect(shown.append)
        with qtbot.waitSignal(window.ready, timeout=WAIT_MS):
            window.show()

        window.sign_in.set_profile(profile, SECRET)
        with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS):
            window.sign_in.connect_button.click()
        seen.tokens(context.tokens().load(profile.id).tokens)
        shown += window_texts(window)

        sandbox.advance_clock(3700)  # asleep past the expiry: a 401
        with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS):
            window.refresh()
        seen.tokens(context.tokens().load(profile.id).tokens)
        shown += window_texts(window)

        # Reconnect, leave it waiting, then Connect again with a typo.
        browser.pressing = False
        window.reconnect()
        qtbot.waitUntil(lambda: window.sign_in.sign_in is not None,
                        timeout=WAIT_MS)
        browser.pressing = True
        window.sign_in.set_profile(profile, WRONG_SECRET)
        with qtbot.waitSignal(window.connect_failed, timeout=WAIT_MS) as got:
            window.sign_in.connect_button.click()
        shown += window_texts(window)
        window.close()

    secrets = seen.all()
    files = files_text(tmp_path)
    assert "App credentials" in got.args[0]
    assert sum(f.get("grant_type") == "refresh_token"
               for f in sandbox.token_requests) == 1
    assert any(name.endswith("settings.json") for name in files)
    assert leaks(shown, secrets) == []
    assert leaks(recorder.texts(), secrets) == []
    assert leaks(files.values(), secrets) == []
    assert queries(files.values()) == []
