"""Fixtures of the sandbox tests: a registered app and a redirect catcher."""

from __future__ import annotations

import pytest

from tests.sandbox.support import (CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
                                   Catcher)


@pytest.fixture
def app(sandbox):
    return sandbox.register_app(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)


@pytest.fixture
def catcher():
    catcher = Catcher()
    yield catcher
    catcher.close()
