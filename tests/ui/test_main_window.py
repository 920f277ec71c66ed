"""The whole sign-in through the real window, against the sandbox."""

from __future__ import annotations

import threading

import pytest

from zelt_desktop.context import AppContext
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.ui.main_window import MainWindow
from zelt_desktop.ui.settings import MemorySettings
from tests.helpers import free_port

SECRET = "test-secret-not-real"
WAIT_MS = 20_000


class Browser:
    """Plays the user's browser: records URLs, presses a button."""

    def __init__(self, button: str | None = "allow") -> None:
        self.button = button
        self.urls: list[str] = []
        self.locations: list[str] = []

    def open(self, url: str) -> bool:
        self.urls.append(url)
        if self.button:
            threading.Thread(target=self._press, args=(url,),
                             daemon=True).start()
        return True

    def _press(self, url: str) -> None:
        self.locations.append(robot.press(url, self.button))


@pytest.fixture
def app_profile(sandbox):
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app("test-client", SECRET, redirect_uri)
    return Profile(name="Test company", client_id="test-client",
                   redirect_uri=redirect_uri, base_url=sandbox.base_url)


@pytest.fixture
def browser():
    return Browser()


@pytest.fixture
def context(tmp_path, secret_store, browser):
    return AppContext.create(config_dir=tmp_path / "config",
                             secret_store=secret_store,
                             lock_dir=tmp_path / "locks",
                             open_browser=browser.open)


def make_window(qtbot, context) -> MainWindow:
    window = MainWindow(context, ui_settings=MemorySettings())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=WAIT_MS):
        window.show()
    return window


def fill_and_connect(qtbot, window, profile, secret=SECRET):
    window.sign_in.set_profile(profile, secret)
    with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS) as got:
        window.sign_in.connect_button.click()
    return got.args[0]


def test_full_sign_in_fills_the_directory(qtbot, context, app_profile,
                                          sandbox, browser, secret_store):
    window = make_window(qtbot, context)

    count = fill_and_connect(qtbot, window, app_profile)

    assert count == 250
    assert len(browser.urls) == 1
    assert "code_challenge=" in browser.urls[0]
    panel = window.sign_in.panel
    assert all(text.startswith("✓") for text in panel.step_texts())
    assert "valid for" in panel.countdown.text()
    assert window.connected_label.text().startswith("Connected as ")
    assert "renews" in window.renews_label.text()
    stored = context.tokens().load(app_profile.id)
    assert stored is not None
    assert context.tokens().load_client_secret(app_profile.id) == SECRET


def test_next_start_uses_stored_tokens(qtbot, context, app_profile, browser):
    first = make_window(qtbot, context)
    fill_and_connect(qtbot, first, app_profile)
    first.close()
    browser.urls.clear()

    second = MainWindow(context, ui_settings=MemorySettings())
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.employees_loaded, timeout=WAIT_MS) as got:
        second.show()

    assert got.args[0] == 250
    assert browser.urls == []


def test_deny_says_the_user_declined(qtbot, context, app_profile, browser):
    browser.button = "deny"
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, SECRET)

    with qtbot.waitSignal(window.connect_failed, timeout=WAIT_MS) as got:
        window.sign_in.connect_button.click()

    assert "declined" in got.args[0].lower() or "allow access" in got.args[0]
    assert context.tokens().load(app_profile.id) is None


def test_wrong_secret_is_explained(qtbot, context, app_profile):
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, "wrong-secret-not-real")

    with qtbot.waitSignal(window.connect_failed, timeout=WAIT_MS) as got:
        window.sign_in.connect_button.click()

    assert "App credentials" in got.args[0]


def test_missing_field_is_named_before_anything_is_sent(
        qtbot, context, app_profile, browser):
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, "")

    window.sign_in.connect_button.click()

    error = window.sign_in.form.errors["client_secret"]
    assert not error.isHidden()
    assert "Client secret" in error.text()
    assert browser.urls == []


def test_whitespace_is_trimmed_and_the_user_told(qtbot, context,
                                                 app_profile):
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, f"  {SECRET}\n")
    form = window.sign_in.form
    form.edits["client_id"].setText(" test-client ")

    with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS):
        window.sign_in.connect_button.click()

    assert form.edits["client_id"].text() == "test-client"
    assert "Client ID" in form.notice.text()
    assert "Client secret" in form.notice.text()


def test_pasted_address_completes_the_sign_in(qtbot, context, sandbox):
    redirect_uri = "https://people.example.test/zelt/callback"
    sandbox.register_app("paste-client", SECRET, redirect_uri)
    profile = Profile(name="Paste", client_id="paste-client",
                      redirect_uri=redirect_uri, base_url=sandbox.base_url)
    browser = Browser(button=None)
    context.open_browser = browser.open
    window = make_window(qtbot, context)
    window.sign_in.set_profile(profile, SECRET)
    window.sign_in.connect_button.click()
    qtbot.waitUntil(lambda: bool(browser.urls), timeout=WAIT_MS)

    location = robot.press(browser.urls[0], "allow", follow=False)
    window.sign_in.panel.paste.setText(location + "\n")
    with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS):
        window.sign_in.panel.use_paste.click()


@pytest.mark.parametrize("sandbox_options", [SandboxOptions(no_scopes=True)])
def test_empty_list_without_scopes_offers_reconnect(qtbot, context,
                                                    sandbox_options,
                                                    app_profile, sandbox):
    sandbox.register_app("no-scopes", SECRET, app_profile.redirect_uri,
                         scopes=())
    profile = Profile(name="No scopes", client_id="no-scopes",
                      redirect_uri=app_profile.redirect_uri,
                      base_url=sandbox.base_url)
    window = make_window(qtbot, context)

    count = fill_and_connect(qtbot, window, profile)

    assert count == 0
    assert "scopes" in window.directory.empty_state_text().lower()


def test_disconnect_removes_the_tokens(qtbot, context, app_profile):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)

    window.disconnect_action.trigger()

    qtbot.waitUntil(lambda: context.tokens().load(app_profile.id) is None,
                    timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.sign_in


@pytest.mark.parametrize("sandbox_options", [SandboxOptions(employees=1200)])
def test_quick_refreshes_never_mix_two_loads(qtbot, context, sandbox_options,
                                             app_profile):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)

    with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS) as got:
        for _ in range(3):
            window.refresh()
            qtbot.wait(5)

    assert got.args[0] == 1200
    qtbot.wait(200)                      # let stale signals arrive, if any
    assert window.directory.model.rowCount() == 1200


def test_a_locked_store_offers_memory_for_this_session(qtbot, tmp_path,
                                                       app_profile, browser,
                                                       expect_warning):
    import keyring.errors
    from PySide6.QtWidgets import QMessageBox
    from tests.store.keyrings import RaisingKeyring
    from zelt_desktop.store.secrets import SecretStore
    expect_warning("secret store")
    expect_warning("memory for this session only")
    locked = RaisingKeyring(keyring.errors.KeyringLocked("locked"))
    context = AppContext.create(config_dir=tmp_path / "config",
                                secret_store=SecretStore(locked),
                                lock_dir=tmp_path / "locks",
                                open_browser=browser.open)
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, SECRET)

    window.sign_in.connect_button.click()
    qtbot.waitUntil(lambda: window.memory_offer is not None, timeout=WAIT_MS)
    assert "locked" in window.memory_offer.text().lower()
    assert not context.secret_store_is_memory      # never silently
    window.memory_offer.button(QMessageBox.StandardButton.Yes).click()

    assert context.secret_store_is_memory
    with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS) as got:
        window.sign_in.connect_button.click()
    assert got.args[0] == 250
