"""The faults of Zelt and its edge, each switched on by an option."""

from __future__ import annotations

import concurrent.futures
import threading
import time

import pytest
import requests

from tests.sandbox.support import api_get, exchange, new_code, sign_in
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.sandbox.server import SandboxServer

USERS, ME = "/apiv2/users", "/apiv2/users/me"


def signed_in(options: SandboxOptions):
    """A started sandbox with an app, and a valid access token."""
    sandbox = SandboxServer(options).start()
    app = sandbox.register_app("fault-app", "test-secret-not-real",
                               "http://127.0.0.1:9/cb")
    return sandbox, sign_in(sandbox, app)["access_token"]


@pytest.fixture
def faulty(request):
    sandbox, token = signed_in(SandboxOptions(**request.param))
    yield sandbox, token
    sandbox.stop()


@pytest.mark.parametrize("faulty, expected", [
    ({"rate_limit": 1.0}, "1"), ({"rate_limit": 1.0, "retry_after": 2.5},
                                 "3")], indirect=["faulty"])
def test_rate_limit_is_429_with_retry_after(faulty, expected):
    sandbox, token = faulty
    for path in (USERS, ME):
        response = api_get(sandbox, path, token)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == expected


@pytest.mark.parametrize("faulty", [{"server_errors": 1.0}], indirect=True)
def test_server_errors_are_500_json(faulty):
    sandbox, token = faulty
    response = api_get(sandbox, USERS, token)
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"


@pytest.mark.parametrize("faulty", [{"drop_connections": 1.0}],
                         indirect=True)
def test_dropped_connections_get_no_answer(faulty):
    sandbox, token = faulty
    with pytest.raises(requests.ConnectionError):
        api_get(sandbox, USERS, token)


@pytest.mark.parametrize("faulty", [{"malformed_json": 1.0}], indirect=True)
def test_malformed_json_is_cut_short(faulty):
    sandbox, token = faulty
    response = api_get(sandbox, USERS, token)
    assert response.status_code == 200
    assert response.content.startswith(b'{"items":[{"userId":1,')
    with pytest.raises(requests.JSONDecodeError):
        response.json()


@pytest.mark.parametrize("faulty", [{"omit_expires_in": 1.0}],
                         indirect=True)
def test_token_replies_may_lack_expires_in(faulty):
    sandbox, _ = faulty
    app = sandbox.app("fault-app")
    tokens = exchange(sandbox, app, new_code(sandbox, app)).json()
    assert "expires_in" not in tokens
    assert tokens["access_token"]


@pytest.mark.parametrize("faulty", [
    {"rate_limit": 1.0, "server_errors": 1.0, "drop_connections": 1.0,
     "malformed_json": 1.0}], indirect=True)
def test_api_faults_spare_the_token_endpoint(faulty):
    sandbox, token = faulty  # signed_in() consented and exchanged
    assert token
    assert api_get(sandbox, ME, token).status_code == 429


def test_fault_draws_follow_the_seed():
    def statuses(seed: int) -> list[int]:
        sandbox, token = signed_in(SandboxOptions(server_errors=0.5,
                                                  fault_seed=seed))
        try:
            return [api_get(sandbox, ME, token).status_code
                    for _ in range(30)]
        finally:
            sandbox.stop()

    first = statuses(7)
    assert first == statuses(7)
    assert set(first) == {200, 500}


@pytest.mark.parametrize("faulty", [{"waf_burst": 2, "latency": 1.0}],
                         indirect=True)
def test_a_burst_gets_the_edge_403_page(faulty):
    sandbox, token = faulty
    start = threading.Barrier(6)

    def fetch(_) -> requests.Response:
        start.wait()
        return api_get(sandbox, USERS, token)

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(fetch, range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert 200 in statuses and 403 in statuses
    blocked = next(r for r in responses if r.status_code == 403)
    assert blocked.headers["Content-Type"].startswith("text/html")
    assert "Request blocked" in blocked.text


@pytest.mark.parametrize("faulty", [{"waf_burst": 1}], indirect=True)
def test_requests_one_after_another_are_no_burst(faulty):
    sandbox, token = faulty
    for _ in range(5):
        assert api_get(sandbox, USERS, token).status_code == 200


@pytest.mark.parametrize("faulty", [{"latency": 0.3}], indirect=True)
def test_latency_delays_every_answer(faulty):
    sandbox, token = faulty
    for path in (ME, "/nothing"):
        started = time.monotonic()
        api_get(sandbox, path, token)
        # A lower bound only: a slow machine cannot make it fail.
        assert time.monotonic() - started >= 0.3
