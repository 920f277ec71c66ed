"""The API: /apiv2/users/me, paginated /apiv2/users, scopes, 404s."""

from __future__ import annotations

import concurrent.futures
import json

import pytest
import requests

from tests.sandbox.support import api_get, sign_in
from zelt_desktop.sandbox.options import SandboxOptions

USERS, ME = "/apiv2/users", "/apiv2/users/me"


@pytest.fixture
def token(sandbox, app) -> str:
    return sign_in(sandbox, app)["access_token"]


def as_json(records: list[dict]) -> list[dict]:
    """Records as they look after a trip through JSON."""
    return json.loads(json.dumps(records))


def test_me_is_the_first_employee(sandbox, token):
    response = api_get(sandbox, ME, token)
    assert response.json() == as_json(sandbox.employees[:1])[0]


def test_missing_or_unknown_token_is_refused(sandbox, token):
    for bearer in (None, "not-a-token", token + "x"):
        response = api_get(sandbox, USERS, bearer)
        assert response.status_code == 401
        assert response.content == b""
        assert response.headers["WWW-Authenticate"] == \
            'Bearer error="invalid_token"'


def test_all_pages_hold_the_company(sandbox, token):
    people, page = [], 1
    while True:
        body = api_get(sandbox, USERS, token, page=page,
                       pageSize=100).json()
        assert body["totalPages"] == 3
        if not body["items"]:
            break
        people += body["items"]
        page += 1
    assert page == 4
    assert people == as_json(sandbox.employees)


def test_page_size_defaults_to_100(sandbox, token):
    body = api_get(sandbox, USERS, token).json()
    assert [p["userId"] for p in body["items"]] == list(range(1, 101))


@pytest.mark.parametrize("sandbox_options", [
    SandboxOptions(employees=100, page_size_cap=37)])
def test_page_size_is_capped_silently(sandbox, token):
    body = api_get(sandbox, USERS, token, page=3, pageSize=100).json()
    assert [p["userId"] for p in body["items"]] == list(range(75, 101))
    assert body["totalPages"] == 3


@pytest.mark.parametrize("params", [{"page": 0}, {"pageSize": "ten"},
                                    {"page": "-1"}])
def test_bad_paging_is_400(sandbox, token, params):
    assert api_get(sandbox, USERS, token, **params).status_code == 400


@pytest.mark.parametrize("sandbox_options", [SandboxOptions(no_scopes=True)])
def test_without_scopes_tokens_work_and_lists_are_empty(sandbox, app, token):
    assert app.scopes == ()
    assert api_get(sandbox, USERS, token).json() == {"items": [],
                                                     "totalPages": 0}
    assert api_get(sandbox, ME, token).json() == {"userId": 1}


def test_an_app_registered_without_scopes_reads_nothing(sandbox):
    app = sandbox.register_app("bare", "test-secret-not-real",
                               "http://127.0.0.1:9/cb", scopes=())
    token = sign_in(sandbox, app)["access_token"]
    assert api_get(sandbox, USERS, token).json()["items"] == []


@pytest.mark.parametrize("sandbox_options", [
    SandboxOptions(employees=100_000)])
def test_a_large_company_pages_to_its_end(sandbox, token):
    body = api_get(sandbox, USERS, token, page=1000, pageSize=100).json()
    assert body["totalPages"] == 1000
    assert [p["userId"] for p in body["items"]] == \
        list(range(99_901, 100_001))


def test_many_concurrent_requests_are_served(sandbox, token):
    def fetch(page: int) -> list[int]:
        response = api_get(sandbox, USERS, token, page=page, pageSize=10)
        return [p["userId"] for p in response.json()["items"]]

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        pages = list(pool.map(fetch, range(1, 26)))
    assert sum(pages, []) == list(range(1, 251))


def test_unknown_paths_are_404_with_a_request_id(sandbox):
    ids = set()
    for path in ("/nothing", "/apiv2/users/2", "/apiv2/oauth/authorize/x"):
        response = requests.get(sandbox.base_url + path, timeout=10)
        assert response.status_code == 404
        ids.add(response.headers["X-Request-Id"])
    assert len(ids) == 3
