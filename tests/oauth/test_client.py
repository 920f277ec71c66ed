"""The token client against scripted replies: headers, errors, retries."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time

import pytest
import requests

from tests.helpers import free_port
from tests.oauth.scripted import Answer, ScriptedServer
from zelt_desktop.errors import (AuthError, ConsentDenied, InvalidClient,
                                 InvalidGrant, InvalidSetting, NetworkError,
                                 PermissionDenied, ProxyError, RateLimited,
                                 RefreshRejected, RequestTimedOut,
                                 ServiceUnavailable, TLSError,
                                 UnusableRedirect)
from zelt_desktop.oauth.client import (USER_AGENT, TokenClient,
                                       basic_credentials)
from zelt_desktop.oauth.redirect import Redirect

SECRET = "test-secret-not-real"
CODE = "code-not-real"
REDIRECT_URI = "http://127.0.0.1:53682/callback"
TOKENS = json.dumps({"access_token": "access-not-real",
                     "refresh_token": "refresh-not-real",
                     "expires_in": 3600}).encode()
JSON = {"Content-Type": "application/json"}
HTML = {"Content-Type": "text/html"}


@pytest.fixture
def server():
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def client(server):
    with TokenClient(server.url, "test-client", SECRET, REDIRECT_URI,
                     timeout=5.0) as client:
        yield client


def _redirect(code=CODE, error=None, age=0.0) -> Redirect:
    return Redirect(code=code, error=error, error_description=None,
                    state="s", iss=None, received_at=time.monotonic() - age,
                    state_checked=True)


def test_exchange_sends_a_form_and_client_headers(server, client):
    server.answer = Answer(200, TOKENS, JSON)

    tokens = client.exchange(_redirect(code="a+b/c=="), "verifier-not-real")

    sent = server.received[0]
    assert sent.form == {"grant_type": "authorization_code",
                         "code": "a+b/c==", "redirect_uri": REDIRECT_URI,
                         "code_verifier": "verifier-not-real"}
    assert sent.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("ZeltDesktop/")
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["Content-Type"] == \
        "application/x-www-form-urlencoded"
    assert sent.headers["Authorization"] == basic_credentials(
        "test-client", SECRET)
    assert tokens.refresh_token == "refresh-not-real"


def test_netrc_does_not_replace_the_client_credentials(
        server, client, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login other password other\n")
    monkeypatch.setenv("NETRC", str(netrc))
    server.answer = Answer(200, TOKENS, JSON)

    client.exchange(_redirect(), None)

    assert server.received[0].headers["Authorization"] == basic_credentials(
        "test-client", SECRET)


def test_basic_credentials_styles():
    secret = "a+b/c:d%e=f g"
    curl = base64.b64encode(b"id:a+b/c:d%e=f g").decode()
    rfc = base64.b64encode(b"id:a%2Bb%2Fc%3Ad%25e%3Df+g").decode()

    assert basic_credentials("id", secret) == "Basic " + curl
    assert basic_credentials("id", secret, "rfc6749") == "Basic " + rfc
    with pytest.raises(InvalidSetting):
        basic_credentials("id", secret, "digest")


@pytest.mark.parametrize("answer, error", [
    (Answer(401), InvalidClient),
    (Answer(400, b"<html>bad</html>", HTML), InvalidClient),
    (Answer(400, b'{"error": "inv', JSON), InvalidClient),
    (Answer(401, headers={"WWW-Authenticate": 'Basic error_description='
                          '"x", error="invalid_grant"'}), InvalidGrant),
    (Answer(400, b'{"error": "invalid_grant"}', JSON), InvalidGrant),
    (Answer(400, b'{"error": "invalid_client"}', JSON), InvalidClient),
    (Answer(400, b'{"error": "unsupported_grant_type"}', JSON), AuthError),
    (Answer(500, b"<html>oops</html>", HTML), ServiceUnavailable),
    (Answer(503), ServiceUnavailable),
    (Answer(403, b"<html>blocked</html>", HTML), RateLimited),
    (Answer(403, b"{}", JSON), PermissionDenied),
    (Answer(404, b"not here"), InvalidSetting),
    (Answer(302, headers={"Location": "/elsewhere"}), ServiceUnavailable),
    (Answer(200, b'{"access_token": "tr', JSON), ServiceUnavailable),
    (Answer(200, b"[1, 2]", JSON), ServiceUnavailable),
    (Answer(200, b"{}", JSON), ServiceUnavailable),
])
def test_replies_map_to_errors(server, client, answer, error):
    answer.headers = dict(answer.headers, **{"X-Request-Id": "req-1"})
    server.answer = answer

    with pytest.raises(error) as err:
        client.exchange(_redirect(), None)

    assert type(err.value) is error
    if answer.status != 200:
        assert err.value.status == answer.status
        assert err.value.request_id == "req-1"


def test_empty_401_gives_both_fixes_most_likely_first(server, client):
    server.answer = Answer(401)

    with pytest.raises(InvalidClient) as err:
        client.exchange(_redirect(), None)

    message = str(err.value)
    assert "cannot be told" in message
    assert message.index("App credentials") < message.index("Redirect URI")


def test_empty_401_for_a_code_sent_before_says_already_used(server, client):
    server.answer = Answer(401)
    redirect = _redirect()
    with pytest.raises(InvalidClient):
        client.exchange(redirect, None)

    with pytest.raises(InvalidGrant, match="already used") as err:
        client.exchange(redirect, None)

    assert err.value.code_sent_before


def test_invalid_grant_near_expiry_blames_the_code_age(server, client):
    server.answer = Answer(400, b'{"error": "invalid_grant"}', JSON)

    with pytest.raises(InvalidGrant, match="probably expired") as err:
        client.exchange(_redirect(age=170), None)

    assert err.value.code_age >= 170


def test_rate_limit_reads_retry_after(server, client):
    server.answer = Answer(429, headers={"Retry-After": "7"})

    with pytest.raises(RateLimited) as err:
        client.exchange(_redirect(), None)

    assert err.value.retry_after == 7


def test_request_id_is_captured_and_logged(caplog, server, client):
    caplog.set_level(logging.DEBUG, logger="zelt_desktop")
    server.answer = Answer(401, headers={"CF-Ray": "ray-42"})

    with pytest.raises(InvalidClient) as err:
        client.exchange(_redirect(), None)

    assert err.value.request_id == "ray-42"
    assert any("ray-42" in r.getMessage() for r in caplog.records)


def test_dropped_exchange_is_not_sent_again(server, client):
    server.answer = Answer(drop=True)

    with pytest.raises(NetworkError):
        client.exchange(_redirect(), None)

    assert len(server.received) == 1


def test_lost_reply_is_a_timeout_and_not_sent_again(server):
    server.answer = Answer(200, TOKENS, JSON, hold=threading.Event())
    try:
        with TokenClient(server.url, "test-client", SECRET, REDIRECT_URI,
                         timeout=0.2) as client:
            with pytest.raises(RequestTimedOut):
                client.exchange(_redirect(), None)
    finally:
        server.answer.hold.set()

    assert len(server.received) == 1


def test_refused_connection_is_tried_once_more(caplog):
    caplog.set_level(logging.INFO, logger="zelt_desktop")
    url = f"http://127.0.0.1:{free_port()}/token"

    with TokenClient(url, "test-client", SECRET, REDIRECT_URI) as client:
        with pytest.raises(NetworkError, match="could not be reached"):
            client.exchange(_redirect(), None)

    retries = [r for r in caplog.records if "once more" in r.getMessage()]
    assert len(retries) == 1


def test_tls_failure_is_a_tls_error(server):
    url = server.url.replace("http://", "https://")

    with TokenClient(url, "test-client", SECRET, REDIRECT_URI) as client:
        with pytest.raises(TLSError):
            client.exchange(_redirect(), None)


def test_proxy_failure_is_a_proxy_error(server):
    with requests.Session() as session:
        session.trust_env = False  # only this proxy, whatever the CI has
        session.proxies = {"http": f"http://127.0.0.1:{free_port()}"}
        client = TokenClient(server.url, "test-client", SECRET,
                             REDIRECT_URI, session=session)
        with pytest.raises(ProxyError):
            client.exchange(_redirect(), None)


def test_redirect_without_code_is_not_sent(server, client):
    with pytest.raises(ConsentDenied):
        client.exchange(_redirect(code=None, error="access_denied"), None)
    with pytest.raises(UnusableRedirect):
        client.exchange(_redirect(code=None), None)

    assert server.received == []


def test_refresh_sends_the_redirect_uri(server, client):
    server.answer = Answer(200, json.dumps(
        {"access_token": "access-2-not-real"}).encode(), JSON)

    tokens = client.refresh("refresh-not-real")

    assert server.received[0].form == {"grant_type": "refresh_token",
                                       "refresh_token": "refresh-not-real",
                                       "redirect_uri": REDIRECT_URI}
    assert tokens.refresh_token is None


@pytest.mark.parametrize("answer, words", [
    (Answer(400, b'{"error": "invalid_grant"}', JSON), "Connect to Zelt"),
    (Answer(401), "Connect to Zelt"),
    (Answer(401, headers={"WWW-Authenticate": 'Basic error="invalid_client"'}),
     "App credentials"),
])
def test_refused_refresh_means_connect_again(server, client, answer, words):
    server.answer = answer

    with pytest.raises(RefreshRejected, match=words):
        client.refresh("refresh-not-real")
