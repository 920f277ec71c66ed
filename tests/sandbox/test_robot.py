"""robot.press: the HTTP client that plays the user's browser."""

from __future__ import annotations

import pytest

from tests.sandbox.support import CLIENT_SECRET, authorize_url, query_of
from zelt_desktop.sandbox import robot


@pytest.fixture
def caught_app(sandbox, catcher):
    return sandbox.register_app("robot-app", CLIENT_SECRET,
                                catcher.redirect_uri)


def test_allow_reaches_the_redirect_uri(sandbox, catcher, caught_app):
    location = robot.press(authorize_url(sandbox, caught_app))

    assert location.startswith(catcher.redirect_uri + "?code=")
    assert len(catcher.paths) == 1
    assert query_of(catcher.paths[0]) == query_of(location)


def test_deny_reaches_the_redirect_uri(sandbox, catcher, caught_app):
    location = robot.press(authorize_url(sandbox, caught_app), "deny")

    assert query_of(location)["error"] == "access_denied"
    assert catcher.paths == ["/callback?" + location.split("?", 1)[1]]


def test_no_follow_leaves_the_redirect_uri_alone(sandbox, catcher,
                                                 caught_app):
    location = robot.press(authorize_url(sandbox, caught_app), follow=False)
    assert "code" in query_of(location)
    assert catcher.paths == []


def test_code_flow_page_leads_to_the_consent(sandbox, catcher, caught_app):
    location = robot.press(sandbox.code_flow_url(caught_app.client_id))
    assert query_of(location)["state"].startswith("zelt-")
    assert len(catcher.paths) == 1


def test_an_error_page_is_not_a_consent_page(sandbox, caught_app):
    url = authorize_url(sandbox, caught_app, client_id="nobody")
    with pytest.raises(RuntimeError, match="not a consent page.*Unknown app"):
        robot.press(url)


def test_a_page_without_the_form_is_not_a_consent_page(sandbox):
    with pytest.raises(RuntimeError, match="not a consent page"):
        robot.press(sandbox.base_url + "/nothing")


def test_a_silent_redirect_target_is_reported(sandbox):
    # Port 9 on loopback: nothing listens there.
    app = sandbox.register_app("gone", CLIENT_SECRET,
                               "http://127.0.0.1:9/callback")
    with pytest.raises(RuntimeError, match="did not answer"):
        robot.press(authorize_url(sandbox, app))


def test_only_allow_and_deny_can_be_pressed(sandbox, caught_app):
    with pytest.raises(ValueError):
        robot.press(authorize_url(sandbox, caught_app), "maybe")
