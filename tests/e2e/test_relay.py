"""The relay page, hosted on a "company site", followed by the real browser."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e import flow
from tests.e2e.support import NON_LOOPBACK_HOST, WAIT_SECONDS
from tests.helpers import file_site, free_port, serving
from zelt_desktop.profiles import Profile
from zelt_desktop.relay import write_relay_page


@pytest.fixture
def company_site(tmp_path):
    """Static files on loopback, reached through a made-up host name: the
    HTTPS site an admin would host the relay page on."""
    folder = tmp_path / "site"
    folder.mkdir()
    with serving(file_site(folder)) as server:
        yield folder, server.server_address[1]


def test_relay_page_forwards_the_browser_to_the_listener(
        qtbot, tmp_path, sandbox, secret_service, browser_inbox, chromium,
        company_site, forget, app_log):
    folder, port = company_site
    redirect_uri = f"http://{NON_LOOPBACK_HOST}:{port}/zelt/relay.html"
    listen_url = f"http://127.0.0.1:{free_port()}/callback"
    (folder / "zelt").mkdir()
    write_relay_page(Profile(name="relay", redirect_uri=redirect_uri,
                             listen_url=listen_url),
                     folder / "zelt" / "relay.html")
    sandbox.register_app(flow.CLIENT_ID, flow.CLIENT_SECRET, redirect_uri)
    window, recorder = flow.open_window(qtbot, tmp_path / "config",
                                        secret_service,
                                        lock_dir=tmp_path / "locks")
    flow.fill_form(window, redirect_uri=redirect_uri,
                   base_url=sandbox.base_url)
    flow.child(window, QLineEdit, "listenUrlEdit").setText(listen_url)
    qtbot.mouseClick(flow.child(window, QPushButton, "connectButton"),
                     Qt.MouseButton.LeftButton)
    consent_url = browser_inbox.next_url(qtbot)
    forget.append(window.context.current_profile().id)

    chromium.get(consent_url)
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.ID, "allow"))
    chromium.find_element(By.ID, "allow").click()
    # Zelt sends the browser to the relay page, which replaces itself
    # with the app's listener address and the same query.
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: d.current_url.startswith(listen_url))
    flow.wait_loaded(qtbot, recorder)

    assert recorder.loaded == [250]
    exchange = [r for r in sandbox.token_requests
                if r.get("grant_type") == "authorization_code"][-1]
    assert exchange["redirect_uri"] == redirect_uri
    assert "Zelt Desktop" in chromium.page_source
    window.close()
