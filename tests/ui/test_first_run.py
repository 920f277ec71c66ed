"""The setup guide: what to ask for, the redirect URI, relay, live checks."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QLabel,
                               QLineEdit, QRadioButton, QWizard)

from tests.helpers import free_port
from tests.ui.test_main_window import (SECRET, WAIT_MS,  # noqa: F401
                                       app_profile, browser, context)
from zelt_desktop.profiles import DEFAULT_REDIRECT_URI, Profile, Settings
from zelt_desktop.ui.field_checks import check_field
from zelt_desktop.ui.first_run import SetupGuide
from zelt_desktop.ui.main_window import MainWindow
from zelt_desktop.ui.settings import MemorySettings


def open_window(qtbot, context, *, guide: bool = True) -> MainWindow:
    window = MainWindow(context, first_run_guide=guide,
                        ui_settings=MemorySettings())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=WAIT_MS):
        window.show()
    return window


@pytest.fixture
def guide(qtbot):
    saved: list[Profile] = []
    guide = SetupGuide(Profile(name="Zelt"), saved.append)
    guide.saved = saved
    qtbot.addWidget(guide)
    guide.show()
    return guide


def go_to_check_page(guide) -> None:
    while guide.currentPage() is not guide.check:
        guide.next()


# -- the checks, field by field -------------------------------------------

@pytest.mark.parametrize("field, value, ok", [
    ("client_id", "abc123-client", True),
    ("client_id", "abc 123", False),
    ("client_id", "https://go.zelt.app", False),
    ("client_id", "", False),
    ("client_secret", "test-secret-not-real", True),
    ("client_secret", "two words", False),
    ("redirect_uri", DEFAULT_REDIRECT_URI, True),
    ("redirect_uri", "http://[::1]:8080/cb", True),
    ("redirect_uri", "https://people.example.test/zelt", True),
    ("redirect_uri", "http://people.example.test/zelt", False),
    ("redirect_uri", "http://127.0.0.1/callback", False),
    ("redirect_uri", "127.0.0.1:53682", False),
    ("base_url", "https://go.zelt.app", True),
    ("base_url", "http://127.0.0.1:8000", True),
    ("base_url", "http://go.zelt.app", False),
    ("base_url", "go.zelt.app", False),
    ("listen_url", DEFAULT_REDIRECT_URI, True),
    ("listen_url", "https://people.example.test/zelt", False),
    ("issuer", "ftp://issuer.example.test", False),
])
def test_each_field_gets_a_tick_or_a_hint(field, value, ok):
    verdict = check_field(field, value)
    assert verdict is not None and verdict.ok is ok
    assert str(verdict).startswith("✓" if ok else "⚠")


def test_an_empty_optional_field_says_nothing():
    assert check_field("issuer", "  ") is None
    assert check_field("listen_url", "") is None


# -- when it opens --------------------------------------------------------

def test_guide_opens_on_the_first_start(qtbot, context):
    window = open_window(qtbot, context)

    guide = window.menus.guide
    assert guide is not None and guide.isVisible()
    assert not guide.isModal()
    assert window.isEnabled()


def test_guide_stays_closed_once_a_connection_exists(qtbot, context,
                                                     app_profile):
    context.profiles.save(Settings([app_profile], app_profile.id))

    window = open_window(qtbot, context)

    assert window.menus.guide is None
    window.menus.guide_action.trigger()
    assert window.menus.guide.isVisible()


# -- what it says ---------------------------------------------------------

def test_guide_says_what_to_ask_the_admin_for(guide):
    texts = " ".join(label.text() for label in guide.findChildren(QLabel))

    for words in ("Settings → Security → Developer Hub → Build Apps",
                  "Client ID", "Client secret", "App credentials",
                  "user:read:all", "Reconnect", "access log",
                  "3 minutes", "paste"):
        assert words in texts, words


def test_copy_puts_the_redirect_uri_on_the_clipboard(qtbot, guide):
    guide.next()
    assert guide.redirect.loopback.text() == DEFAULT_REDIRECT_URI

    guide.redirect.copy_button.click()

    assert QGuiApplication.clipboard().text() == DEFAULT_REDIRECT_URI


def test_relay_page_is_saved_and_the_profile_listens_apart(qtbot, guide,
                                                           tmp_path):
    guide.next()
    page = guide.redirect
    page.findChild(QRadioButton, "guide_relay").click()
    page.public.setText("https://intranet.example.test/zelt-relay.html")

    assert page.save_relay_page(str(tmp_path / "relay.html"))

    html = (tmp_path / "relay.html").read_text(encoding="utf-8")
    assert DEFAULT_REDIRECT_URI in html
    assert page.relay_status.text().startswith("✓")
    go_to_check_page(guide)
    profile = guide.check.form.profile()
    assert profile.redirect_uri == "https://intranet.example.test/" \
                                   "zelt-relay.html"
    assert profile.listen_url == DEFAULT_REDIRECT_URI


def test_paste_choice_keeps_no_listener(qtbot, guide):
    guide.next()
    guide.redirect.findChild(QRadioButton, "guide_paste").click()
    guide.redirect.public.setText("https://people.example.test/zelt")

    go_to_check_page(guide)

    profile = guide.check.form.profile()
    assert profile.redirect_uri == "https://people.example.test/zelt"
    assert profile.listen_url == ""


# -- the check before the first Connect ----------------------------------

def test_fields_are_checked_as_they_are_typed(qtbot, guide):
    go_to_check_page(guide)
    form = guide.check.form

    form.edits["client_id"].setText("abc 123")
    assert form.check_text("client_id").startswith("⚠")
    form.edits["client_id"].setText("abc123")
    assert form.check_text("client_id").startswith("✓")
    form.edits["base_url"].setText("http://go.zelt.app")
    assert "https://" in form.check_text("base_url")
    assert form.check_text("client_secret").startswith("⚠")


def test_finish_refuses_a_bad_field_and_keeps_the_guide(qtbot, guide):
    go_to_check_page(guide)
    guide.check.form.edits["client_id"].setText("abc123")

    guide.button(QWizard.WizardButton.FinishButton).click()

    assert guide.isVisible() and guide.saved == []
    assert "Client secret" in guide.check.form.errors["client_secret"].text()


def test_finish_saves_and_fills_the_window(qtbot, context, sandbox):
    window = open_window(qtbot, context)
    guide = window.menus.guide
    go_to_check_page(guide)
    form = guide.check.form
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    for name, value in (("name", "Acme"), ("client_id", "acme-client"),
                        ("client_secret", SECRET),
                        ("redirect_uri", redirect_uri),
                        ("base_url", sandbox.base_url)):
        form.edits[name].setText(value)

    with qtbot.waitSignal(window.profile_opened, timeout=WAIT_MS):
        guide.button(QWizard.WizardButton.FinishButton).click()

    saved = context.profiles.load().find("Acme")
    assert saved is not None and saved.redirect_uri == redirect_uri
    assert window.profile.id == saved.id
    assert window.sign_in.form.secret() == SECRET
    assert window.menus.switcher.names() == ["Acme"]
    assert context.tokens().load_client_secret(saved.id) is None


def test_every_control_has_an_accessible_name(qtbot, guide):
    go_to_check_page(guide)
    guide.check.form.show_advanced(True)
    unnamed = [w.objectName() or type(w).__name__
               for kind in (QLineEdit, QComboBox, QRadioButton)
               for w in guide.findChildren(kind)
               if not w.accessibleName()]
    unnamed += [w.objectName() for w in guide.findChildren(QAbstractButton)
                if not (w.accessibleName() or w.text())]
    assert unnamed == []


def test_closing_the_window_closes_the_guide(qtbot, context):
    window = open_window(qtbot, context)
    guide = window.menus.guide

    window.close()

    assert not guide.isVisible()
    assert window.menus.guide is None
