"""A restart that reuses stored tokens, and a redirect that is not loopback."""

from __future__ import annotations

import http.server

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QTableView

from tests.e2e import flow
from tests.e2e.support import NON_LOOPBACK_HOST
from tests.helpers import free_port, serving

CAUGHT_PAGE = (b"<!doctype html><title>Copy this address</title>"
               b"<p>Copy the address of this page into Zelt Desktop.</p>")


class _CatcherHandler(http.server.BaseHTTPRequestHandler):
    """The page a non-loopback redirect URI leads to: it shows, no more."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(CAUGHT_PAGE)))
        self.end_headers()
        self.wfile.write(CAUGHT_PAGE)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass  # the request line carries the code


@pytest.fixture
def catcher():
    """A tiny site on loopback, reached through a made-up host name."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             _CatcherHandler)
    server.paths = []
    with serving(server):
        yield server


def _open(qtbot, tmp_path, secret_service):
    return flow.open_window(qtbot, tmp_path / "config", secret_service,
                            lock_dir=tmp_path / "locks")


def _connect(qtbot, window, sandbox, redirect_uri: str) -> None:
    flow.fill_form(window, redirect_uri=redirect_uri,
                   base_url=sandbox.base_url)
    qtbot.mouseClick(flow.child(window, QPushButton, "connectButton"),
                     Qt.MouseButton.LeftButton)


def test_restart_reuses_stored_tokens_without_a_browser(
        qtbot, tmp_path, sandbox, secret_service, browser_inbox, chromium,
        forget, app_log):
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app(flow.CLIENT_ID, flow.CLIENT_SECRET, redirect_uri)
    first, recorder = _open(qtbot, tmp_path, secret_service)
    _connect(qtbot, first, sandbox, redirect_uri)
    flow.consent(chromium, browser_inbox.next_url(qtbot), "allow",
                 redirect_uri)
    flow.wait_loaded(qtbot, recorder)
    forget.append(first.context.current_profile().id)
    first.close()

    second, recorder = _open(qtbot, tmp_path, secret_service)
    flow.wait_loaded(qtbot, recorder)

    assert recorder.loaded == [250]
    table = flow.child(second, QTableView, "directoryTable")
    assert table.model().rowCount() == 250
    assert len(browser_inbox.urls()) == 1
    second.close()


def test_non_loopback_redirect_completes_by_pasting_the_address(
        qtbot, tmp_path, sandbox, secret_service, browser_inbox, chromium,
        catcher, forget, app_log):
    port = catcher.server_address[1]
    redirect_uri = f"http://{NON_LOOPBACK_HOST}:{port}/callback"
    sandbox.register_app(flow.CLIENT_ID, flow.CLIENT_SECRET, redirect_uri)
    window, recorder = _open(qtbot, tmp_path, secret_service)
    _connect(qtbot, window, sandbox, redirect_uri)
    consent_url = browser_inbox.next_url(qtbot)
    forget.append(window.context.current_profile().id)

    landed = flow.consent(chromium, consent_url, "allow", redirect_uri)
    assert [p for p in catcher.paths if p.startswith("/callback?")]
    paste = flow.child(window, QLineEdit, "pasteEdit")
    paste.setFocus()
    qtbot.keyClicks(paste, landed)
    qtbot.mouseClick(flow.child(window, QPushButton, "usePasteButton"),
                     Qt.MouseButton.LeftButton)
    flow.wait_loaded(qtbot, recorder)

    assert recorder.loaded == [250]
    assert recorder.connected
    table = flow.child(window, QTableView, "directoryTable")
    assert table.model().rowCount() == 250
    window.close()
