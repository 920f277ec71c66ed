"""The sign-in panel tells the truth: steps, countdown, Cancel, names."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_main_window import (  # noqa: F401 - fixtures
    SECRET, WAIT_MS, app_profile, browser, context, fill_and_connect,
    make_window)
from tests.helpers import serving
from zelt_desktop.signin import STEPS
from zelt_desktop.ui.connect_panel import ConnectPanel
from zelt_desktop.ui.messages import STARTED_IN_ZELT, Explanation


def marks(panel) -> list[str]:
    return [text.split(" ", 1)[0] for text in panel.step_texts()]


def failed_state(qtbot, window) -> None:
    """Wait for a failure; check what every failure leaves behind."""
    panel = window.sign_in.panel
    qtbot.waitUntil(lambda: not panel.title.isHidden(), timeout=WAIT_MS)
    assert panel.countdown.isHidden() and panel.countdown.text() == ""
    assert not panel._timer.isActive()
    assert panel.cancel.isHidden()
    assert panel.paste_box.isHidden() and panel.link_box.isHidden()
    assert window.sign_in.connect_button.isEnabled()


def test_steps_are_the_sign_ins_own_plain_words(qtbot):
    panel = ConnectPanel()
    qtbot.addWidget(panel)
    shown = [text.split(" ", 1)[1] for text in panel.step_texts()]
    assert shown == list(STEPS.values())
    assert STEPS["exchanging"] == "Finishing the sign-in with Zelt"
    for text in STEPS.values():
        assert "token" not in text.lower() and "code for" not in text


def test_a_failed_step_is_crossed_and_later_ones_stay_open(qtbot):
    panel = ConnectPanel()
    qtbot.addWidget(panel)
    panel.show_waiting("http://127.0.0.1:1/consent", listens=True,
                       started_in_zelt=False)
    assert marks(panel) == ["…", "○", "○", "○"]

    panel.mark_step("code_received")
    panel.mark_step("exchanging")
    assert marks(panel) == ["✓", "…", "○", "○"]
    panel.show_failure(Explanation("Title", "What happened.", "Fix."))

    assert marks(panel) == ["✓", "✗", "○", "○"]
    assert panel.title.text() == "Title"
    assert panel.status.text() == "What happened. Fix."


def test_a_declined_consent_crosses_the_first_step(qtbot, context,
                                                   app_profile, browser):
    browser.button = "deny"
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, SECRET)
    window.sign_in.connect_button.click()

    failed_state(qtbot, window)
    assert marks(window.sign_in.panel) == ["✗", "○", "○", "○"]


def test_a_refused_exchange_is_crossed_not_ticked(qtbot, context,
                                                  app_profile):
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, "wrong-secret-not-real")
    window.sign_in.connect_button.click()

    failed_state(qtbot, window)
    panel = window.sign_in.panel
    assert marks(panel) == ["✓", "✗", "○", "○"]
    assert "App credentials" in panel.status.text()


class HeldTokenEndpoint(BaseHTTPRequestHandler):
    """Holds every request until the test releases it, then refuses."""

    release = threading.Event()

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.release.wait(WAIT_MS / 1000)
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic error="invalid_client"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def held_token_url():
    HeldTokenEndpoint.release = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), HeldTokenEndpoint)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/token"
        HeldTokenEndpoint.release.set()


def test_cancel_is_disabled_once_the_code_is_on_its_way(
        qtbot, context, app_profile, held_token_url):
    app_profile.token_url = held_token_url
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, SECRET)
    panel = window.sign_in.panel
    window.sign_in.connect_button.click()
    qtbot.waitUntil(lambda: panel.status.text().startswith("Finishing"),
                    timeout=WAIT_MS)

    # Zelt holds the code now: Cancel could not take it back.
    assert not panel.cancel.isEnabled()
    assert panel.paste_box.isHidden()
    assert panel.countdown.text().startswith("Sign-in code valid for")

    HeldTokenEndpoint.release.set()
    failed_state(qtbot, window)
    assert marks(panel) == ["✓", "✗", "○", "○"]


def test_disconnect_clears_and_hides_the_panel(qtbot, context, app_profile):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)
    panel = window.sign_in.panel

    window.disconnect_action.trigger()

    assert window.pages.currentWidget() is window.sign_in
    assert panel.isHidden()
    assert marks(panel) == ["○", "○", "○", "○"]
    assert panel.status.text() == "" and panel.countdown.text() == ""
    assert window.connected_label.text() == "Not connected"


def test_a_name_from_zelt_is_shown_as_it_is(qtbot, context, app_profile,
                                            sandbox):
    sandbox.employees[0]["displayName"] = "<b>x</b>"
    window = make_window(qtbot, context)

    fill_and_connect(qtbot, window, app_profile)

    for label in (window.connected_label, window.sign_in.panel.status):
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert "<b>x</b>" in label.text()


def test_the_checkbox_reads_as_messages_name_it(qtbot, context):
    window = make_window(qtbot, context)
    assert window.sign_in.started_in_zelt.text().startswith(
        f"{STARTED_IN_ZELT} (")
