"""The token endpoint: client authentication, codes, PKCE and rotation."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import quote_plus

import pytest

from tests.sandbox.support import (CLIENT_ID, CLIENT_SECRET, api_get,
                                   exchange, new_code, post_token, refresh,
                                   sign_in)
from zelt_desktop.sandbox.grants import s256
from zelt_desktop.sandbox.options import SandboxOptions

INVALID_CLIENT = 'Basic realm="zelt", error="invalid_client"'
INVALID_GRANT = 'Basic realm="zelt", error="invalid_grant"'
ODD_SECRET = "a+b/c:d%e=f g"  # fake; differs between the two encodings
VERIFIER = "test-verifier-not-real-" + "v" * 30


def refused(response, challenge: str) -> bool:
    return (response.status_code == 401 and response.content == b""
            and response.headers["WWW-Authenticate"] == challenge)


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(
        f"{client_id}:{secret}".encode()).decode()


def rfc6749_basic(client_id: str, secret: str) -> str:
    return basic(quote_plus(client_id), quote_plus(secret))


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * 4))


def test_exchange_returns_a_bearer_pair(sandbox, app):
    tokens = sign_in(sandbox, app)

    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    for name in ("access_token", "refresh_token"):
        assert 400 <= len(tokens[name]) <= 900
        assert claims(tokens[name])["client_id"] == CLIENT_ID
    exp = claims(tokens["access_token"])["exp"]
    assert time.time() + 3500 < exp < time.time() + 3700
    assert api_get(sandbox, "/apiv2/users/me",
                   tokens["access_token"]).status_code == 200


def test_token_requests_and_headers_are_recorded(sandbox, app):
    code = new_code(sandbox, app)
    exchange(sandbox, app, code)
    assert sandbox.token_requests[-1] == {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": app.redirect_uri}
    assert sandbox.authorization_headers[-1] == basic(CLIENT_ID,
                                                      CLIENT_SECRET)


def test_code_is_single_use(sandbox, app):
    code = new_code(sandbox, app)
    assert exchange(sandbox, app, code).status_code == 200
    assert refused(exchange(sandbox, app, code), INVALID_GRANT)


def test_code_expires_after_its_lifetime(sandbox, app):
    fresh, old = new_code(sandbox, app), new_code(sandbox, app)
    sandbox.advance_clock(170)
    assert exchange(sandbox, app, fresh).status_code == 200
    sandbox.advance_clock(10)
    assert refused(exchange(sandbox, app, old), INVALID_GRANT)


def test_redirect_uri_must_match_exactly(sandbox, app):
    code = new_code(sandbox, app)
    response = exchange(sandbox, app, code,
                        redirect_uri=app.redirect_uri + "/")
    assert refused(response, INVALID_GRANT)


def test_wrong_secret_is_invalid_client(sandbox, app):
    code = new_code(sandbox, app)
    data = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": app.redirect_uri}
    assert refused(post_token(sandbox, data, auth=(CLIENT_ID, "wrong")),
                   INVALID_CLIENT)
    assert refused(post_token(sandbox, data, auth=None), INVALID_CLIENT)
    # Refused before the code was looked at: it still works.
    assert exchange(sandbox, app, code).status_code == 200


@pytest.mark.parametrize("header", [
    f"Basic {CLIENT_ID}:{CLIENT_SECRET}",  # not Base64 at all
    basic(CLIENT_ID, CLIENT_SECRET).rstrip("="),  # padding cut
    "Bearer " + base64.b64encode(b"x:y").decode()])
def test_malformed_basic_header_is_invalid_client(sandbox, app, header):
    data = {"grant_type": "authorization_code",
            "code": new_code(sandbox, app), "redirect_uri": app.redirect_uri}
    response = post_token(sandbox, data, auth=None,
                          headers={"Authorization": header})
    assert refused(response, INVALID_CLIENT)


@pytest.mark.parametrize("sandbox_options, good, bad", [
    (SandboxOptions(client_auth="basic"), basic, rfc6749_basic),
    (SandboxOptions(client_auth="rfc6749"), rfc6749_basic, basic)])
def test_client_auth_styles(sandbox, good, bad):
    app = sandbox.register_app("odd-app", ODD_SECRET, "http://127.0.0.1:9/cb")
    for header, status in ((bad, 401), (good, 200)):
        data = {"grant_type": "authorization_code",
                "code": new_code(sandbox, app),
                "redirect_uri": app.redirect_uri}
        response = post_token(sandbox, data, auth=None, headers={
            "Authorization": header("odd-app", ODD_SECRET)})
        assert response.status_code == status


def test_pkce_verifier_is_checked(sandbox, app):
    challenge = {"code_challenge": s256(VERIFIER),
                 "code_challenge_method": "S256"}
    for extra in ({}, {"code_verifier": VERIFIER[:-1] + "w"}):
        code = new_code(sandbox, app, **challenge)
        assert refused(exchange(sandbox, app, code, **extra), INVALID_GRANT)

    code = new_code(sandbox, app, **challenge)
    response = exchange(sandbox, app, code, code_verifier=VERIFIER)
    assert response.status_code == 200


def test_unknown_grant_type_and_content_type(sandbox, app):
    response = post_token(sandbox, {"grant_type": "password"})
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type"}

    response = post_token(sandbox, None, headers={
        "Content-Type": "application/json"})
    assert response.json() == {"error": "invalid_request"}


def test_refresh_rotates_and_rejects_reuse(sandbox, app):
    first = sign_in(sandbox, app)
    response = refresh(sandbox, app, first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]

    assert refused(refresh(sandbox, app, first["refresh_token"]),
                   INVALID_GRANT)
    # The newest pair stays valid, and the older access token too.
    for token in (first["access_token"], second["access_token"]):
        assert api_get(sandbox, "/apiv2/users/me", token).status_code == 200
    assert refresh(sandbox, app, second["refresh_token"]).status_code == 200


def test_refresh_needs_the_exact_redirect_uri(sandbox, app):
    tokens = sign_in(sandbox, app)
    for uri in ("", app.redirect_uri + "/"):
        response = refresh(sandbox, app, tokens["refresh_token"],
                           redirect_uri=uri)
        assert refused(response, INVALID_GRANT)


def test_refresh_token_of_another_client_is_refused(sandbox, app):
    tokens = sign_in(sandbox, app)
    other = sandbox.register_app("other", "other-secret-not-real",
                                 app.redirect_uri)
    response = refresh(sandbox, other, tokens["refresh_token"])
    assert refused(response, INVALID_GRANT)


def test_access_token_expires(sandbox, app):
    token = sign_in(sandbox, app)["access_token"]
    sandbox.advance_clock(3600)
    response = api_get(sandbox, "/apiv2/users/me", token)
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["WWW-Authenticate"] == \
        'Bearer error="invalid_token"'


@pytest.mark.parametrize("sandbox_options", [
    SandboxOptions(access_token_lifetime=90)])
def test_access_token_lifetime_is_an_option(sandbox, app):
    tokens = sign_in(sandbox, app)
    assert tokens["expires_in"] == 90
    sandbox.advance_clock(89)
    assert api_get(sandbox, "/apiv2/users/me",
                   tokens["access_token"]).status_code == 200
    sandbox.advance_clock(1)
    assert api_get(sandbox, "/apiv2/users/me",
                   tokens["access_token"]).status_code == 401
