"""Consent in a real Chromium, tokens in the real Secret Service."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView

from tests.e2e import flow
from tests.e2e.support import files_containing
from tests.helpers import free_port
from zelt_desktop.store.secrets import SecretStore
from zelt_desktop.store.tokens import TokenStore


@pytest.fixture
def loopback_app(sandbox):
    """A Zelt app registered with a loopback redirect URI of its own."""
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app(flow.CLIENT_ID, flow.CLIENT_SECRET, redirect_uri)
    return redirect_uri


@pytest.fixture
def window(qtbot, tmp_path, secret_service, browser_inbox, app_log):
    """The real window over a config folder of the test's own."""
    window, recorder = flow.open_window(
        qtbot, tmp_path / "config", secret_service,
        lock_dir=tmp_path / "locks")
    yield window, recorder
    window.close()
    profile = window.context.current_profile()
    if profile is not None:
        TokenStore(SecretStore(secret_service),
                   lock_dir=tmp_path / "locks").forget_profile(profile.id)


def _connect(qtbot, window, sandbox, redirect_uri: str) -> None:
    flow.fill_form(window, redirect_uri=redirect_uri,
                   base_url=sandbox.base_url)
    button = flow.child(window, QPushButton, "connectButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _searched_roots(tmp_path: Path) -> list[Path]:
    """The test's folders, and HOME when it is a temporary one (CI)."""
    roots = [tmp_path]
    home = Path(os.environ.get("HOME", "/")).resolve()
    temp = Path(tempfile.gettempdir()).resolve()
    if home.is_relative_to(temp) and not tmp_path.is_relative_to(home):
        roots.append(home)
    return roots


def test_allow_stores_tokens_in_secret_service_and_fills_table(
        qtbot, window, sandbox, loopback_app, browser_inbox, chromium,
        secret_service, app_log, tmp_path):
    window, recorder = window
    _connect(qtbot, window, sandbox, loopback_app)
    consent_url = browser_inbox.next_url(qtbot)
    assert consent_url.startswith(sandbox.base_url)
    url_edit = flow.child(window, QLineEdit, "consentUrlEdit")
    qtbot.waitUntil(lambda: url_edit.text() == consent_url)
    flow.screenshot(window, "connect-waiting.png")

    landed = flow.consent(chromium, consent_url, "allow", loopback_app)
    assert "code=" in landed
    flow.wait_loaded(qtbot, recorder)

    assert recorder.loaded == [250]
    assert recorder.connected and recorder.connected[0]
    countdown = flow.child(window, QLabel, "countdownLabel")
    assert countdown.text().startswith("Sign-in code valid for")
    assert not countdown.isHidden()
    steps = flow.step_texts(window)
    assert steps and all(text.startswith("✓") for text in steps), steps
    table = flow.child(window, QTableView, "directoryTable")
    assert table.model().rowCount() == 250

    profile = window.context.current_profile()
    record = flow.stored_record(secret_service, profile.id)
    access_token = record["access_token"]
    refresh_token = record["refresh_token"]
    me = requests.get(f"{sandbox.base_url}/apiv2/users/me", timeout=10,
                      headers={"Authorization": f"Bearer {access_token}"})
    assert me.status_code == 200
    me.close()
    for root in _searched_roots(tmp_path):
        assert files_containing(root, access_token) == []
        assert files_containing(root, refresh_token) == []
    log = app_log.read_text(encoding="utf-8")
    for line in ("consent URL opened", "token verified",
                 "directory loaded: 250 employees"):
        assert line in log
    flow.screenshot(window, "connected.png")


def test_deny_says_access_was_declined(
        qtbot, window, sandbox, loopback_app, browser_inbox, chromium,
        secret_service):
    window, recorder = window
    _connect(qtbot, window, sandbox, loopback_app)
    consent_url = browser_inbox.next_url(qtbot)

    flow.consent(chromium, consent_url, "deny", loopback_app)
    qtbot.waitUntil(lambda: bool(recorder.failed), timeout=flow.WAIT_MS)

    assert "declined" in recorder.failed[0]
    assert recorder.loaded == [] and recorder.connected == []
    profile = window.context.current_profile()
    assert secret_service.get_password(
        "zelt-desktop", f"{profile.id}/tokens") is None
