"""The consent: authorize page, Allow and Deny, Code flow, strict URIs."""

from __future__ import annotations

import re

import pytest
import requests

from tests.sandbox.support import (AUTHORIZE, CLIENT_ID, authorize_url,
                                   exchange, query_of)
from zelt_desktop.sandbox import robot


def test_consent_page_shows_app_scopes_and_buttons(sandbox, app):
    response = requests.get(authorize_url(sandbox, app), timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert CLIENT_ID in page and "user:read:all" in page
    assert re.search(r'<button[^>]*id="allow"[^>]*value="allow"[^>]*>'
                     r'Allow access</button>', page)
    assert re.search(r'<button[^>]*id="deny"[^>]*value="deny"[^>]*>'
                     r'Deny</button>', page)
    assert 'name="state" value="state-123"' in page


def test_consent_page_escapes_what_it_carries(sandbox, app):
    url = authorize_url(sandbox, app, state='"><script>x</script>')
    page = requests.get(url, timeout=10).text
    assert "<script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


def test_allow_redirects_with_code_and_state(sandbox, app):
    location = robot.press(authorize_url(sandbox, app), follow=False)

    assert location.startswith(app.redirect_uri + "?")
    params = query_of(location)
    assert set(params) == {"code", "state"}  # no iss: Zelt sends none
    assert params["state"] == "state-123"


def test_deny_redirects_with_access_denied(sandbox, app):
    location = robot.press(authorize_url(sandbox, app), "deny",
                           follow=False)
    assert query_of(location) == {"error": "access_denied",
                                  "state": "state-123"}


def test_codes_with_unsafe_characters_survive_the_redirect(sandbox, app):
    # Codes are standard Base64: many hold "+" or "/" and end in "=".
    for _ in range(60):
        location = robot.press(authorize_url(sandbox, app), follow=False)
        code = query_of(location)["code"]
        if ("+" in code or "/" in code) and code.endswith("="):
            break
    else:
        pytest.fail("no code with +, / and = in 60 consents")

    raw_query = location.split("?", 1)[1]
    assert "%2B" in raw_query or "%2F" in raw_query
    assert "%3D" in raw_query
    assert exchange(sandbox, app, code).status_code == 200
    assert sandbox.token_requests[-1]["code"] == code


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:9/callback/", "http://127.0.0.1:10/callback",
    "http://localhost:9/callback", "https://127.0.0.1:9/callback",
    "http://127.0.0.1:9/Callback", None])
def test_other_redirect_uri_gets_an_error_page_never_a_redirect(
        sandbox, app, redirect_uri):
    url = authorize_url(sandbox, app, redirect_uri=redirect_uri)
    response = requests.get(url, allow_redirects=False, timeout=10)

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Redirect URI mismatch" in response.text


def test_unknown_client_gets_an_error_page(sandbox, app):
    url = authorize_url(sandbox, app, client_id="nobody")
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_other_response_type_is_redirected_as_unsupported(sandbox, app):
    url = authorize_url(sandbox, app, response_type="token")
    response = requests.get(url, allow_redirects=False, timeout=10)

    assert response.status_code == 302
    assert query_of(response.headers["Location"]) == {
        "error": "unsupported_response_type", "state": "state-123"}


def test_plain_pkce_is_refused(sandbox, app):
    url = authorize_url(sandbox, app, code_challenge="x" * 43,
                        code_challenge_method="plain")
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert query_of(response.headers["Location"])["error"] == \
        "invalid_request"


def test_form_with_a_changed_redirect_uri_is_refused(sandbox, app):
    form = {"response_type": "code", "client_id": app.client_id,
            "redirect_uri": "http://127.0.0.1:1/evil", "decision": "allow"}
    response = requests.post(sandbox.base_url + AUTHORIZE, data=form,
                             allow_redirects=False, timeout=10)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_redirect_uri_query_is_kept(sandbox):
    app = sandbox.register_app("q-app", "test-secret-not-real",
                               "http://127.0.0.1:9/cb?tenant=a")
    location = robot.press(authorize_url(sandbox, app), follow=False)
    assert location.startswith("http://127.0.0.1:9/cb?tenant=a&code=")


def test_code_flow_starts_a_consent_with_zelts_own_state(sandbox, app):
    response = requests.get(sandbox.code_flow_url(app.client_id),
                            allow_redirects=False, timeout=10)
    assert response.status_code == 302
    consent = query_of(response.headers["Location"])
    assert consent["state"].startswith("zelt-")
    assert consent["redirect_uri"] == app.redirect_uri
    assert "code_challenge" not in consent

    location = robot.press(sandbox.code_flow_url(app.client_id),
                           follow=False)
    params = query_of(location)
    assert params["state"].startswith("zelt-")
    assert exchange(sandbox, app, params["code"]).status_code == 200


def test_code_flow_of_an_unknown_app_is_404(sandbox):
    response = requests.get(sandbox.code_flow_url("nobody"), timeout=10)
    assert response.status_code == 404
