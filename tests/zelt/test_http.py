"""The HTTP session and the mapping of answers to errors, on real servers."""

from __future__ import annotations

import email.utils

import pytest
import requests
import truststore

from tests.helpers import free_port
from zelt_desktop import errors
from zelt_desktop.zelt import http

HTML_PAGE = "<!DOCTYPE html><html><body>Access denied</body></html>"


@pytest.fixture
def session():
    with http.make_session(backoff_max=0.2) as session:
        yield session


def get(session, server, path="/"):
    try:
        return session.get(server.base_url + path)
    except requests.RequestException as e:
        raise http.translate(e) from e


def checked(session, server, path="/"):
    response = get(session, server, path)
    http.raise_for_status(response)
    return http.json_body(response)


def test_every_request_names_the_client(serve, session):
    server = serve(lambda h: h.send(200, {}))
    get(session, server)
    headers = server.requests[0][2]
    assert headers["User-Agent"] == http.USER_AGENT
    assert headers["User-Agent"].startswith("ZeltDesktop/")
    assert headers["Accept"] == "application/json"


def test_https_uses_the_operating_system_trust_store(session):
    adapter = session.get_adapter("https://example.invalid/")
    context = adapter.poolmanager.connection_pool_kw["ssl_context"]
    assert isinstance(context, truststore.SSLContext)


def test_safe_url_drops_query_fragment_and_user_info():
    url = "https://user:pw@go.zelt.app:8443/apiv2/users?page=2&code=x#top"
    assert http.safe_url(url) == "https://go.zelt.app:8443/apiv2/users"


@pytest.mark.parametrize("value, seconds", [
    ("5", 5.0), (" 7 ", 7.0), ("3600", 60.0), ("soon", None), ("", None),
    (None, None), ("-3", None)])
def test_retry_after_in_seconds(value, seconds):
    assert http.parse_retry_after(value) == seconds


def test_retry_after_as_an_http_date():
    now = 1_700_000_000.0
    later = email.utils.formatdate(now + 12, usegmt=True)
    past = email.utils.formatdate(now - 12, usegmt=True)
    assert http.parse_retry_after(later, now=now) == 12.0
    assert http.parse_retry_after(past, now=now) == 0.0


ANSWERS = {
    "/401": (401, b"", "text/plain",
             {"WWW-Authenticate": 'Bearer error="invalid_token"'}),
    "/403-html": (403, HTML_PAGE, "text/html", {}),
    "/403-html-untyped": (403, HTML_PAGE, "application/octet-stream", {}),
    "/403-json": (403, {"message": "Forbidden"}, "application/json", {}),
    "/429": (429, b"", "text/plain", {"Retry-After": "7"}),
    "/429-forever": (429, b"", "text/plain", {"Retry-After": "86400"}),
    "/404": (404, b"", "text/plain", {}),
    "/503-html": (503, HTML_PAGE, "text/html", {}),
}


@pytest.fixture
def statuses(serve):
    def answer(h):
        status, body, kind, headers = ANSWERS[h.path]
        h.send(status, body, kind, {"X-Request-Id": "req-42", **headers})
    return serve(answer)


@pytest.mark.parametrize("path, error", [
    ("/401", errors.TokenRejected),
    ("/403-html", errors.RateLimited),
    ("/403-html-untyped", errors.RateLimited),
    ("/403-json", errors.PermissionDenied),
    ("/429", errors.RateLimited),
    ("/404", errors.ServiceUnavailable),
    ("/503-html", errors.ServiceUnavailable)])
def test_statuses_map_to_errors(statuses, path, error):
    with http.make_session(retries=0) as session:
        with pytest.raises(error) as caught:
            checked(session, statuses, path)
    assert type(caught.value) is error
    assert caught.value.status == int(path[1:4])
    assert caught.value.request_id == "req-42"


def test_a_refused_token_says_so_plainly_and_logs_the_bearer_error(
        statuses, session, caplog):
    caplog.set_level("DEBUG", logger=http.__name__)
    with pytest.raises(errors.TokenRejected) as caught:
        checked(session, statuses, "/401")
    assert str(caught.value) == ("Zelt no longer accepts the saved "
                                 "sign-in. Connect to Zelt again.")
    assert "invalid_token" in caplog.text


@pytest.mark.parametrize("path", ["/403-json", "/404", "/503-html"])
def test_refusals_keep_the_status_out_of_their_words(statuses, path):
    with http.make_session(retries=0) as session:
        with pytest.raises(errors.ZeltError) as caught:
            checked(session, statuses, path)
    assert caught.value.status == int(path[1:4])
    assert path[1:4] not in str(caught.value)


def test_a_429_carries_retry_after_capped(statuses, session):
    with pytest.raises(errors.RateLimited) as caught:
        checked(session, statuses, "/429")
    assert caught.value.retry_after == 7.0
    with pytest.raises(errors.RateLimited) as caught:
        checked(session, statuses, "/429-forever")
    assert caught.value.retry_after == http.RETRY_AFTER_CAP


def test_a_429_is_left_to_the_caller_not_retried(statuses, session):
    assert get(session, statuses, "/429").status_code == 429
    assert len(statuses.requests) == 1


@pytest.mark.parametrize("body, kind", [
    (b"", "application/json"),
    (b"  \n", "application/json"),
    (HTML_PAGE, "text/html"),
    (b'{"items": [{"userId": 1}, {"userId"', "application/json")])
def test_unreadable_bodies(serve, session, body, kind):
    server = serve(lambda h: h.send(200, body, kind))
    with pytest.raises(errors.ServiceUnavailable,
                       match="answer the app cannot read") as caught:
        checked(session, server)
    assert "JSON" not in str(caught.value)


def test_a_readable_body(serve, session):
    server = serve(lambda h: h.send(200, [{"userId": 1}]))
    assert checked(session, server) == [{"userId": 1}]


def failing_first(times, status=500):
    """An answer that fails ``times`` times, then answers 200."""
    seen = []

    def answer(h):
        seen.append(h.path)
        if len(seen) <= times:
            h.drop() if status is None else h.send(status, {})
        else:
            h.send(200, {"ok": True})
    return answer


def test_a_get_is_retried_after_server_errors(serve, session):
    server = serve(failing_first(2))
    assert checked(session, server) == {"ok": True}
    assert len(server.requests) == 3


def test_server_errors_that_persist(serve):
    server = serve(failing_first(10))
    with http.make_session(retries=2, backoff_max=0.1) as session:
        with pytest.raises(errors.ServiceUnavailable) as caught:
            checked(session, server)
    assert caught.value.status == 500
    assert len(server.requests) == 3


def test_a_post_is_never_retried(serve, session):
    server = serve(failing_first(1))
    assert session.post(server.base_url + "/token").status_code == 500
    assert len(server.requests) == 1


def test_a_get_is_retried_after_a_dropped_connection(serve, session):
    server = serve(failing_first(2, status=None))
    assert checked(session, server) == {"ok": True}
    assert len(server.requests) == 3


def test_a_post_is_not_retried_after_a_dropped_connection(serve, session):
    server = serve(failing_first(1, status=None))
    with pytest.raises(requests.ConnectionError) as caught:
        session.post(server.base_url + "/token", data={"a": "b"})
    assert type(http.translate(caught.value)) is errors.NetworkError
    assert len(server.requests) == 1


def test_an_unreachable_port(session):
    url = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(requests.RequestException) as caught:
        session.get(url)
    error = http.translate(caught.value)
    assert type(error) is errors.NetworkError
    assert "could not be reached" in str(error)


@pytest.mark.parametrize("retries", [0, 1])
def test_a_server_that_never_answers(silent_port, retries):
    # After retries urllib3 wraps the read timeout: still a timeout.
    url = f"http://127.0.0.1:{silent_port}/"
    with http.make_session(retries=retries, backoff_max=0.1,
                           timeout=(1, 0.2)) as session:
        with pytest.raises(requests.RequestException) as caught:
            session.get(url)
    assert type(http.translate(caught.value)) is errors.RequestTimedOut


def test_tls_to_a_server_that_speaks_plain_http(serve):
    server = serve(lambda h: h.send(200, {}))
    url = server.base_url.replace("http://", "https://")
    with http.make_session(retries=0) as session:
        with pytest.raises(requests.RequestException) as caught:
            session.get(url)
    assert type(http.translate(caught.value)) is errors.TLSError


def test_a_proxy_that_is_not_there(serve):
    server = serve(lambda h: h.send(200, {}))
    proxy = f"http://127.0.0.1:{free_port()}"
    with http.make_session(retries=0) as session:
        session.proxies = {"http": proxy}
        with pytest.raises(requests.RequestException) as caught:
            session.get(server.base_url)
    assert type(http.translate(caught.value)) is errors.ProxyError
