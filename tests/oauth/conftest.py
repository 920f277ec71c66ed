"""Fixtures of the OAuth tests: an app registered in the sandbox, a client."""

from __future__ import annotations

import pytest

from tests.helpers import free_port
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.profiles import Profile

CLIENT_ID = "test-client"
SECRET = "test-secret-not-real"


@pytest.fixture
def redirect_uri() -> str:
    return f"http://127.0.0.1:{free_port()}/callback"


@pytest.fixture
def app(sandbox, redirect_uri):
    return sandbox.register_app(CLIENT_ID, SECRET, redirect_uri)


@pytest.fixture
def profile(sandbox, app) -> Profile:
    return Profile(name="test", client_id=app.client_id,
                   redirect_uri=app.redirect_uri, base_url=sandbox.base_url)


@pytest.fixture
def token_client(profile):
    with TokenClient(profile.token_endpoint, profile.client_id, SECRET,
                     profile.redirect_uri) as client:
        yield client
