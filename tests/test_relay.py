"""The relay page: written for a profile, served, and followed."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
import requests

from tests.helpers import file_site, free_port, serving
from zelt_desktop.errors import InvalidSetting
from zelt_desktop.profiles import Profile
from zelt_desktop.relay import csp_hash, render_relay_page, write_relay_page
from zelt_desktop.sandbox import robot
from zelt_desktop.signin import SignIn
from zelt_desktop.store.tokens import TokenStore

CLIENT_ID = "relay-test-app"
CLIENT_SECRET = "test-secret-not-real"


@pytest.fixture
def page_host(tmp_path):
    """A second local server: stands in for the company's HTTPS host."""
    folder = tmp_path / "site"
    folder.mkdir()
    with serving(file_site(folder)) as server:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"


def script_of(page: str) -> str:
    [script] = re.findall(r"<script>(.*?)</script>", page, re.S)
    return script


def csp_of(page: str) -> str:
    found = re.search(r'http-equiv="Content-Security-Policy" '
                      r'content="([^"]+)"', page)
    assert found, "no Content-Security-Policy meta element"
    return found.group(1)


def test_sign_in_through_the_relay_page(sandbox, page_host, secret_store,
                                        tmp_path):
    folder, host = page_host
    relay_uri = f"{host}/relay.html"
    listener = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app(CLIENT_ID, CLIENT_SECRET, relay_uri)
    profile = Profile(name="Relay", client_id=CLIENT_ID,
                      redirect_uri=relay_uri, listen_url=listener,
                      base_url=sandbox.base_url)
    write_relay_page(profile, folder / "relay.html")
    store = TokenStore(secret_store, lock_dir=tmp_path / "locks")
    sign_in = SignIn(profile, CLIENT_SECRET, store,
                     open_browser=lambda url: False)
    sign_in.start_listener()
    try:
        location = robot.press(sign_in.consent_url, follow=False)
        assert location.startswith(relay_uri + "?")
        page = requests.get(location, timeout=10).text

        script = script_of(page)
        assert f"var listener = {json.dumps(listener)};" in script
        assert "location.replace(listener + location.search)" in script
        assert f"'{csp_hash(script)}'" in csp_of(page)

        # What the script does: the listener address plus the same query.
        query = urlsplit(location).query
        answer = requests.get(f"{listener}?{query}", timeout=10)
        assert answer.status_code == 200
        connection = sign_in.complete(sign_in.wait())
    finally:
        sign_in.cancel()
    connection.close()
    assert connection.connected_as
    assert sandbox.token_requests[-1]["redirect_uri"] == relay_uri


def test_policy_allows_only_the_pages_own_script_and_style():
    page = render_relay_page(_profile("http://127.0.0.1:53682/callback"))
    policy = csp_of(page)
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    [style] = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert f"style-src '{csp_hash(style)}'" in policy
    assert "http" not in policy.replace("http-equiv", "")
    assert 'name="referrer" content="no-referrer"' in page
    # Nothing from the query reaches the page as HTML.
    assert "innerHTML" not in page and "document.write" not in page
    assert re.search(r"\b(src|href)=", page) is None


def test_a_hostile_listener_path_cannot_close_the_script():
    listener = "http://127.0.0.1:53682/</script><b>$csp"
    page = render_relay_page(_profile(listener))
    assert page.count("</script>") == 1
    assert "<b>" not in page
    literal = re.search(r"var listener = (.*?);", script_of(page)).group(1)
    assert json.loads(literal) == listener


@pytest.mark.parametrize("listen_url", ["", "https://relay.zelt.test/cb"])
def test_a_profile_without_a_loopback_listener_is_refused(listen_url):
    with pytest.raises(InvalidSetting) as caught:
        render_relay_page(_profile(listen_url))
    assert caught.value.field == "listen_url"


def _profile(listen_url: str) -> Profile:
    return Profile(name="Relay", client_id=CLIENT_ID,
                   redirect_uri="https://relay.zelt.test/zelt.html",
                   listen_url=listen_url)
